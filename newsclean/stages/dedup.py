"""dedup: drop a document whose clean text was already seen in this run, and —
when a crawl state file is set (``NEWSCLEAN_STATE``) — one that an earlier run
already exported unchanged.

The state is off unless ``NEWSCLEAN_STATE`` names a file: the batch feeder and
the API keep the plain in-memory behaviour; the spiders switch it on for crawls
(``NEWSCLEAN_CRAWL_STATE``, see newsclean/spiders/base.py).

The state's claims are confirmed only once the output is written (see
newsclean/state.py): in a crawl when Scrapy's feed exports are closed and stored
(``feed_exporter_closed``), in the batch feeder when its output file is closed
(``Chain.close``), and otherwise when the spider closes.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem

from newsclean.record import record_id
from newsclean.stages.base import Fields, Stage
from newsclean.state import CrawlState, content_hash

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

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
        #: The output is written by Scrapy's feed exports: confirm when they are closed.
        self.confirm_after_feeds = False

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "DedupStage":
        stage = super().from_crawler(crawler)
        from scrapy.extensions.feedexport import FeedExporter

        extensions = getattr(getattr(crawler, "extensions", None), "middlewares", ())
        if stage.state_path and any(isinstance(extension, FeedExporter) for extension in extensions):
            stage.confirm_after_feeds = True
            crawler.signals.connect(stage._feeds_closed, signal=signals.feed_exporter_closed)
        return stage  # type: ignore[return-value]

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
        """Say what the state saved us (Scrapy calls this at the end of a crawl, before the
        feeds are stored); confirm this run's articles unless the feeds will say when."""
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
        if not self.confirm_after_feeds:
            self._end_run(confirm=True)

    def abandon_run(self) -> None:
        """End the run with its claims unconfirmed (its output was not written; see Chain.abandon)."""
        if self._state is not None:
            self._end_run(confirm=False)

    def _feeds_closed(self) -> None:
        """Connected in from_crawler only: a crawler and its stats are there."""
        if self._state is None:
            return
        failed = [key for key, value in self.crawler.stats.get_stats().items()
                  if key.startswith("feedexport/failed_count/") and value]
        if failed:
            logger.warning("newsclean state %s: a feed was not stored (%s); this crawl's %d new and changed"
                           " articles stay unconfirmed, and the next crawl exports them again",
                           self.state_path, ", ".join(failed), self.stats["new"] + self.stats["changed"])
        self._end_run(confirm=not failed)

    def _end_run(self, confirm: bool) -> None:
        """Close the state; with ``confirm``, this run's claims become permanent first."""
        assert self._state is not None
        if confirm:
            self.stats["confirmed"] += self._state.confirm()
            self._publish_stats()
        self._state.close()
        self._state = None
