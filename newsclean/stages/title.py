"""title: the article's title; for text dumps, a headline on the first line. (STUB)"""
from __future__ import annotations

from itemadapter import ItemAdapter

from newsclean.stages.base import Stage


class TitleStage(Stage):
    name = "title"

    def process(self, item: ItemAdapter) -> None:
        meta = item.get("meta") or {}
        item["title"] = meta.get("title") or (item.get("hints") or {}).get("title")
