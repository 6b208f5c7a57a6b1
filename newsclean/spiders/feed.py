"""`scrapy crawl feed -a url=...`: the articles of an RSS or Atom feed (feedparser reads both).

Each entry's date and title go to the chain as ``item["hints"]`` (date_source
"feed"); ``-a since=YYYY-MM-DD`` keeps entries published or updated on or after it.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

import feedparser
import scrapy
from scrapy.http import Response

from newsclean.spiders.base import NewsSpider, entry_day

logger = logging.getLogger(__name__)


def _entry_link(entry: Any) -> str | None:
    # FeedBurner-style feeds link every entry through a tracking redirector on another
    # site (a redirect off the site it started on is dropped): their original link first
    link = entry.get("feedburner_origlink") or entry.get("link")
    if not link:  # Atom ids are often the permalink
        ident = entry.get("id") or ""
        link = ident if ident.startswith(("http://", "https://")) else None
    return link


class FeedSpider(NewsSpider):
    name = "feed"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.urls:
            raise ValueError("feed: give -a url=FEED_URL")

    def start_requests_for(self, urls: list[str]) -> Iterable[scrapy.Request]:
        for url in urls:
            yield scrapy.Request(url, callback=self.parse_feed)

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        feed = feedparser.parse(response.body, response_headers={
            "content-type": response.headers.get("Content-Type", b"").decode("latin-1"),
            "content-location": response.url,
        })
        if not feed.entries:
            reason = feed.get("bozo_exception") or "no entries"
            logger.warning("Not a feed or an empty feed: %s (%s)", response.url, reason)
            return
        for entry in feed.entries:
            link = _entry_link(entry)
            if not link:
                continue
            published, updated = entry.get("published"), entry.get("updated")
            if not self.keep_entry(published, updated):
                self.crawler.stats.inc_value("newsclean/feed/skipped_before_since")
                continue
            yield self.article_request(response.urljoin(link), self.hints_for(entry))

    @staticmethod
    def hints_for(entry: Any) -> dict[str, Any]:
        hints: dict[str, Any] = {}
        raw = entry.get("published") or entry.get("updated")
        day = entry_day(raw)
        if day is not None:
            hints.update(date=day.isoformat(), date_raw=raw, date_source="feed")
        if entry.get("title"):
            hints["title"] = entry["title"]
        return hints
