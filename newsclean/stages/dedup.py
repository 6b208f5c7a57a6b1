"""dedup: drop a document whose clean text was already seen in this run, and —
when a crawl state file is set (``NEWSCLEAN_STATE``) — one that an earlier run
already exported unchanged.

The state is off unless ``NEWSCLEAN_STATE`` names a file: the batch feeder and
the API keep the plain in-memory behaviour; the spiders switch it on for crawls
(``NEWSCLEAN_CRAWL_STATE``, see newsclean/spiders/base.py).
"""
from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from newsclean.record import record_id
from newsclean.stages.base import Fields, Stage
from newsclean.state import CrawlState, content_hash

logger = logging.getLogger(__name__)


class DedupStage(Stage):
    name = "dedup"
    runs_in_parent = True  # the seen-set and the state must see every document, in one process

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.enabled = settings.getbool("NEWSCLEAN_DEDUP")
        self.seen: dict[str, str] = {}
        self.state_path: str = (settings.get("NEWSCLEAN_STATE") or "").strip()
        self._state: CrawlState | None = None

    @property
    def state(self) -> CrawlState | None:
        if self._state is None and self.state_path:
            self._state = CrawlState(self.state_path)
        return self._state

    def process(self, item: Fields) -> None:
        body = item.get("body") or ""
        if not body.strip():
            return
        if self.enabled:
            digest = content_hash(None, body)  # whitespace-normalised inside
            first = self.seen.setdefault(digest, item.get("source") or "")
            if first != (item.get("source") or ""):
                self.stats["duplicates"] += 1
                raise DropItem(f"same text as {first}", log_level="INFO")
        if self.state is not None:
            self._check_state(item)

    def _check_state(self, item: Fields) -> None:
        hints: dict[str, Any] = item.get("hints") or {}
        urls = [item.get("url") or item.get("source"), hints.get("canonical")]
        verdict = self.state.check_and_remember(
            [u for u in urls if u],
            content_hash(item.get("title"), item.get("body")),
            record_id=record_id(item.get("url"), item.get("source")),
            dedup_content=self.enabled,
        )
        self.stats[verdict.status] += 1
        if verdict.status == "unchanged":
            raise DropItem(f"unchanged since an earlier crawl: {item.get('url')}", log_level="DEBUG")
        if verdict.status == "duplicate":
            raise DropItem(f"same text as {verdict.other_url} (earlier crawl)", log_level="INFO")

    def close_spider(self, spider: Any = None) -> None:
        """Say what the state saved us (Scrapy calls this at the end of a crawl)."""
        if self._state is None:
            return
        logger.info(
            "newsclean state %s: exported %d new and %d changed articles; skipped %d unchanged"
            " and %d copies of earlier articles",
            self.state_path,
            self.stats["new"],
            self.stats["changed"],
            self.stats["unchanged"],
            self.stats["duplicate"],
        )
        self._publish_stats()
        self._state.close()
        self._state = None
