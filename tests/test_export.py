"""Record writers: JSONL, CSV and Parquet read back with their own readers."""
from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from newsclean.export import JsonLinesRecordExporter, format_for_path, make_exporter


def record(n: int, *, dated: bool = True) -> dict:
    return {
        "id": f"{n:016x}",
        "url": f"https://example.org/{n}" if n % 2 else None,
        "source": f"in/{n}.html",
        "input_kind": "html",
        "title": f"Tytuł {n}",
        "text": f"Akapit pierwszy, zażółć {n}.\n\nAkapit drugi, \"cytat\", przecinek.",
        "language": {"code": "pl", "confidence": 0.99, "source": "langdetect:body"},
        "date": {"value": "2024-06-18", "precision": "day", "kind": "published", "source": "html:metadata",
                 "confidence": 0.9, "raw": "18.06.2024"} if dated else None,
        "author": None,
        "sitename": "Przykład",
        "removed": [{"rule": "pl:related-list", "text": "Czytaj także"}],
        "stats": {"chars_in": 1000 + n, "chars_out": 60},
        "error": None,
    }


def export(fmt: str, records: list[dict], explain: bool) -> bytes:
    buffer = io.BytesIO()
    exporter = make_exporter(fmt, buffer, explain=explain)
    exporter.start_exporting()
    for rec in records:
        exporter.export_item(dict(rec))
    exporter.finish_exporting()
    return buffer.getvalue()


@pytest.mark.parametrize("explain", [False, True])
def test_jsonl_round_trip(explain: bool) -> None:
    records = [record(1), record(2, dated=False)]
    lines = export("jsonl", records, explain).decode("utf-8").splitlines()
    back = [json.loads(line) for line in lines]
    expected = [{k: v for k, v in r.items() if explain or k != "removed"} for r in records]
    assert back == expected
    assert list(back[0]) == list(expected[0])  # field order of the record
    assert "zażółć" in lines[0]  # written as UTF-8, not \\u escapes


@pytest.mark.parametrize("explain", [False, True])
def test_jsonl_as_scrapy_feed_exports_build_it(explain: bool) -> None:
    # FeedExporter passes fields_to_export=None when FEED_EXPORT_FIELDS is unset: `removed`
    # must still follow NEWSCLEAN_EXPLAIN, and the record's field order stay.
    buffer = io.BytesIO()
    exporter = JsonLinesRecordExporter(buffer, fields_to_export=None, encoding="utf-8", explain=explain)
    exporter.export_item(record(1))
    back = json.loads(buffer.getvalue())
    assert ("removed" in back) is explain
    assert list(back) == [k for k in record(1) if explain or k != "removed"]


def test_jsonl_keeps_fields_a_user_chose() -> None:
    buffer = io.BytesIO()
    JsonLinesRecordExporter(buffer, fields_to_export=["url", "title"]).export_item(record(1))
    assert json.loads(buffer.getvalue()) == {"url": "https://example.org/1", "title": "Tytuł 1"}


@pytest.mark.parametrize("explain", [False, True])
def test_csv_round_trip(explain: bool) -> None:
    records = [record(1), record(2, dated=False)]
    rows = list(csv.DictReader(io.StringIO(export("csv", records, explain).decode("utf-8"), newline="")))
    assert len(rows) == 2
    assert rows[0]["text"] == records[0]["text"]  # newlines and quotes survive
    assert rows[0]["language_code"] == "pl" and rows[0]["date_value"] == "2024-06-18"
    assert rows[1]["date_value"] == ""
    assert rows[0]["chars_in"] == "1001"
    assert ("removed" in rows[0]) is explain
    if explain:
        assert json.loads(rows[0]["removed"]) == records[0]["removed"]


@pytest.mark.parametrize("explain", [False, True])
def test_parquet_round_trip_over_several_row_groups(explain: bool) -> None:
    records = [record(n, dated=n % 3 != 0) for n in range(2500)]
    table = pq.read_table(io.BytesIO(export("parquet", records, explain)))
    assert table.num_rows == 2500
    rows = table.to_pylist()
    assert rows[7]["source"] == "in/7.html" and rows[7]["text"] == records[7]["text"]
    assert rows[0]["date_value"] is None and rows[1]["date_value"] == "2024-06-18"
    assert rows[5]["chars_in"] == 1005 and rows[5]["language_confidence"] == pytest.approx(0.99)
    assert ("removed" in table.column_names) is explain


def test_parquet_with_no_records_is_a_valid_file() -> None:
    table = pq.read_table(io.BytesIO(export("parquet", [], False)))
    assert table.num_rows == 0 and "text" in table.column_names


@pytest.mark.parametrize(
    "path,fmt",
    [("out/a.jsonl", "jsonl"), ("a.CSV", "csv"), ("a.parquet", "parquet"), ("a.out", "jsonl"), ("-", "jsonl")],
)
def test_format_for_path(path: str, fmt: str) -> None:
    assert format_for_path(path) == fmt


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        make_exporter("xml", io.BytesIO())
