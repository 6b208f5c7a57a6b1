"""extract: HTML → main text and metadata, with trafilatura. Text dumps pass through."""
from __future__ import annotations

from typing import Any

import trafilatura
from itemadapter import ItemAdapter

from newsclean.stages.base import Stage


class ExtractStage(Stage):
    name = "extract"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.options: dict[str, Any] = dict(settings.getdict("NEWSCLEAN_EXTRACT_OPTIONS"))

    def process(self, item: ItemAdapter) -> None:
        if item["input_kind"] == "text":
            raw = item.get("raw_text") or ""
            item["chars_in"] = len(raw)
            item["body"] = raw
            item["meta"] = {}
            return
        html = item.get("html") or ""
        item["chars_in"] = len(html)
        doc = trafilatura.bare_extraction(
            html,
            url=item.get("url"),
            include_comments=False,
            with_metadata=True,
            **self.options,
        )
        if doc is None:
            self.stats["no_text"] += 1
            item["body"] = ""
            item["meta"] = {}
            return
        item["body"] = doc.text or ""
        item["meta"] = {
            "title": doc.title,
            "author": doc.author,
            "sitename": doc.sitename,
            "date": doc.date,
            "url": doc.url,
        }
