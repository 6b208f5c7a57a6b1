"""date: publication date from HTML metadata or a text dump's header. (STUB)"""
from __future__ import annotations

from itemadapter import ItemAdapter

from newsclean.stages.base import Stage


class DateStage(Stage):
    name = "date"

    def process(self, item: ItemAdapter) -> None:
        item["date"] = None
