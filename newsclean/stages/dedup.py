"""dedup: drop a document whose clean text was already seen in this run."""
from __future__ import annotations

import hashlib

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newsclean.stages.base import Stage


class DedupStage(Stage):
    name = "dedup"
    runs_in_parent = True  # the seen-set must cover every document, in input order

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.enabled = settings.getbool("NEWSCLEAN_DEDUP")
        self.seen: dict[str, str] = {}

    def process(self, item: ItemAdapter) -> None:
        body = " ".join((item.get("body") or "").split())
        if not self.enabled or not body:
            return
        digest = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
        first = self.seen.setdefault(digest, item.get("source") or "")
        if first != (item.get("source") or ""):
            self.stats["duplicates"] += 1
            raise DropItem(f"same text as {first}")
