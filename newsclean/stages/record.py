"""record: the working item becomes the article record (newsclean/record.py)."""
from __future__ import annotations

from newsclean.record import RECORD_FIELDS, record_id
from newsclean.stages.base import Fields, Stage


def paragraphs_to_text(body: str) -> str:
    """One paragraph per non-blank line, separated by one blank line."""
    return "\n\n".join(line.strip() for line in body.splitlines() if line.strip())


class RecordStage(Stage):
    name = "record"
    runs_on_error = True

    def process(self, item: Fields) -> None:
        meta = item.get("meta") or {}
        text = "" if item.get("error") else paragraphs_to_text(item.get("body") or "")
        record = {
            "id": record_id(item.get("url"), item.get("source")),
            "url": item.get("url"),
            "source": item.get("source"),
            "input_kind": item.get("input_kind"),
            "title": item.get("title"),
            "text": text,
            "language": item.get("language") or {"code": "und", "confidence": 0.0, "source": "none"},
            "date": item.get("date"),
            "author": meta.get("author"),
            "sitename": meta.get("sitename"),
            "removed": list(item.get("removed") or []),
            "stats": {"chars_in": int(item.get("chars_in") or 0), "chars_out": len(text)},
            "error": item.get("error"),
        }
        # Replace the working fields in place so Scrapy exports the record itself.
        for key in list(item.keys()):
            del item[key]
        for key in RECORD_FIELDS:
            item[key] = record[key]
