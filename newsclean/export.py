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
        kwargs.setdefault("fields_to_export", record_fields(explain))
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)


class CsvRecordExporter(_ExplainMixin, CsvItemExporter):
    def __init__(self, file: IO[bytes], *, explain: bool = False, **kwargs: Any) -> None:
        self.explain = explain
        kwargs.setdefault("include_headers_line", True)
        super().__init__(file, **kwargs)
        self.fields_to_export = list(flatten_record({}, explain).keys())

    def export_item(self, item: Any) -> None:
        super().export_item(flatten_record(dict(item), self.explain))


class ParquetRecordExporter(_ExplainMixin, BaseItemExporter):
    """Buffers flat rows and writes one Parquet file at the end (needs pyarrow)."""

    def __init__(self, file: IO[bytes], *, explain: bool = False, **kwargs: Any) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError("Parquet output needs the 'parquet' extra: pip install 'newsclean[parquet]'") from exc
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.explain = explain
        self.rows: list[dict[str, Any]] = []

    def export_item(self, item: Any) -> None:
        self.rows.append(flatten_record(dict(item), self.explain))

    def finish_exporting(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = list(flatten_record({}, self.explain).keys())
        table = pa.Table.from_pylist(self.rows, schema=None) if self.rows else pa.table({c: [] for c in columns})
        pq.write_table(table, self.file)
