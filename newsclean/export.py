"""Record writers: Scrapy item exporters, used by Scrapy's feed exports and by the batch feeder.

`removed` (why each piece of text was cut) is always in the record; it is
written only when ``explain`` is on (``--explain`` / ``NEWSCLEAN_EXPLAIN``).
CSV flattens the nested fields (``language_code``, ``date_value``...).
"""
from __future__ import annotations

import json
from typing import IO, Any

from scrapy.exporters import BaseItemExporter, CsvItemExporter, JsonLinesItemExporter

from newsclean.record import RECORD_FIELDS


def record_fields(explain: bool) -> list[str]:
    return [f for f in RECORD_FIELDS if explain or f != "removed"]


def flatten_record(record: dict[str, Any], explain: bool) -> dict[str, Any]:
    """One flat row per record, for CSV and Parquet."""
    row: dict[str, Any] = {}
    for key in record_fields(explain):
        value = record.get(key)
        if key == "language":
            value = value or {}
            row["language_code"] = value.get("code")
            row["language_confidence"] = value.get("confidence")
            row["language_source"] = value.get("source")
        elif key == "date":
            value = value or {}
            for sub in ("value", "precision", "kind", "source", "confidence", "raw"):
                row[f"date_{sub}"] = value.get(sub)
        elif key == "stats":
            value = value or {}
            row["chars_in"] = value.get("chars_in")
            row["chars_out"] = value.get("chars_out")
        elif key == "removed":
            row["removed"] = json.dumps(value or [], ensure_ascii=False)
        else:
            row[key] = value
    return row


class _ExplainMixin:
    @classmethod
    def from_crawler(cls, crawler, file: IO[bytes], *args: Any, **kwargs: Any):
        kwargs.setdefault("explain", crawler.settings.getbool("NEWSCLEAN_EXPLAIN"))
        return cls(file, *args, **kwargs)


class JsonLinesRecordExporter(_ExplainMixin, JsonLinesItemExporter):
    def __init__(self, file: IO[bytes], *, explain: bool = False, **kwargs: Any) -> None:
        # Scrapy's feed exports pass fields_to_export=None when FEED_EXPORT_FIELDS is unset.
        if kwargs.get("fields_to_export") is None:
            kwargs["fields_to_export"] = record_fields(explain)
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)

    def get_serialized_fields(self, item: Any, default_value: Any = None, include_empty: bool | None = None):
        # A record is a plain dict: its fields carry no serializers, so Scrapy's per-field
        # ItemAdapter look-ups (a tenth of the batch parent's time on text dumps) give
        # back the values themselves. Anything else takes Scrapy's own path.
        if (type(item) is dict and include_empty is None and not self.export_empty_fields
                and isinstance(self.fields_to_export, list) and type(self).serialize_field is BaseItemExporter.serialize_field):
            return [(name, item[name]) for name in self.fields_to_export if name in item]
        return super().get_serialized_fields(item, default_value, include_empty)


class CsvRecordExporter(_ExplainMixin, CsvItemExporter):
    def __init__(self, file: IO[bytes], *, explain: bool = False, **kwargs: Any) -> None:
        self.explain = explain
        kwargs.setdefault("include_headers_line", True)
        super().__init__(file, **kwargs)
        self.fields_to_export = list(flatten_record({}, explain).keys())

    def export_item(self, item: Any) -> None:
        super().export_item(flatten_record(dict(item), self.explain))


class ParquetRecordExporter(_ExplainMixin, BaseItemExporter):
    """Writes flat rows to Parquet in row groups, so memory stays flat on long runs (needs pyarrow)."""

    #: Rows buffered before a row group is written.
    row_group_size = 1000

    def __init__(self, file: IO[bytes], *, explain: bool = False, **kwargs: Any) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError("Parquet output needs the 'parquet' extra: pip install 'newsclean[parquet]'") from exc
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.explain = explain
        self.rows: list[dict[str, Any]] = []
        self.schema = parquet_schema(explain)
        self.writer: Any = None

    def export_item(self, item: Any) -> None:
        self.rows.append(flatten_record(dict(item), self.explain))
        if len(self.rows) >= self.row_group_size:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.file, self.schema)
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def finish_exporting(self) -> None:
        self._flush()  # also writes a valid file with zero rows
        self.writer.close()


def parquet_schema(explain: bool) -> Any:
    """Fixed column types, so every row group (and an empty file) has the same schema."""
    import pyarrow as pa

    types = {
        "language_confidence": pa.float64(),
        "date_confidence": pa.float64(),
        "chars_in": pa.int64(),
        "chars_out": pa.int64(),
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in flatten_record({}, explain)])


# Output formats by name, and by the output file's extension.
EXPORTERS: dict[str, type[BaseItemExporter]] = {
    "jsonl": JsonLinesRecordExporter,
    "csv": CsvRecordExporter,
    "parquet": ParquetRecordExporter,
}
FORMAT_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def format_for_path(path: str) -> str:
    """The output format an output path implies; JSONL when the extension says nothing."""
    lower = path.lower()
    for suffix, name in FORMAT_BY_SUFFIX.items():
        if lower.endswith(suffix):
            return name
    return "jsonl"


def make_exporter(fmt: str, file: IO[bytes], *, explain: bool = False) -> BaseItemExporter:
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(EXPORTERS)})")
    return EXPORTERS[fmt](file, explain=explain)
