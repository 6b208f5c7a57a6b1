"""`scrapy crawl sitemap -a url=...`: a sitemap, a sitemap index, or a site root.

For a site root the sitemaps come from robots.txt (``Sitemap:`` lines), else
``/sitemap.xml``. Google News sitemaps give each URL a publication date and a
title (``news:publication_date``, ``news:title``); they travel to the chain as
``item["hints"]`` (date_source "sitemap"). ``-a since=YYYY-MM-DD`` keeps entries
whose lastmod or publication date is on or after that day.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newsclean.spiders.base import NewsSpider, entry_day

logger = logging.getLogger(__name__)

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_comments=True)


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first descendant called ``name`` in any namespace (news:title sits in news:news)."""
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def sitemap_entries(body: bytes) -> tuple[str, list[dict[str, str | None]]]:
    """('urlset' | 'sitemapindex' | other root name, entries with loc/lastmod/publication_date/title)."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return "", []
    if root is None:
        return "", []
    kind = _local(root.tag)
    wanted = "url" if kind == "urlset" else "sitemap"
    entries = []
    for element in root:
        if _local(element.tag) != wanted:
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        entries.append({
            "loc": loc,
            "lastmod": _child_text(element, "lastmod"),
            "publication_date": _child_text(element, "publication_date"),
            "title": _child_text(element, "title"),
        })
    return kind, entries


class SitemapSpider(NewsSpider):
    name = "sitemap"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.urls:
            raise ValueError("sitemap: give -a url=SITEMAP_OR_SITE_ROOT")

    def start_requests_for(self, urls: list[str]) -> Iterable[scrapy.Request]:
        for url in urls:
            if urlsplit(url).path in ("", "/"):
                yield scrapy.Request(urljoin(url, "/robots.txt"), callback=self.parse_robots,
                                     errback=self.robots_failed, cb_kwargs={"root": url})
            else:
                yield scrapy.Request(url, callback=self.parse_sitemap)

    def parse_robots(self, response: Response, root: str) -> Iterable[scrapy.Request]:
        urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not urls:
            logger.info("No Sitemap: line in %s; trying /sitemap.xml", response.url)
            urls = [urljoin(root, "/sitemap.xml")]
        for url in urls:
            yield scrapy.Request(url, callback=self.parse_sitemap)

    def robots_failed(self, failure: Any) -> Iterable[scrapy.Request]:
        root = failure.request.cb_kwargs["root"]
        logger.info("No robots.txt at %s (%s); trying /sitemap.xml", root, failure.value)
        yield scrapy.Request(urljoin(root, "/sitemap.xml"), callback=self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        body = self._sitemap_body(response)
        kind, entries = sitemap_entries(body) if body else ("", [])
        if kind == "sitemapindex":
            for entry in entries:
                # A child sitemap last changed before `since` holds nothing newer.
                if self.keep_entry(entry["lastmod"]):
                    yield scrapy.Request(entry["loc"], callback=self.parse_sitemap, meta={"depth_reset": True})
                else:
                    self.crawler.stats.inc_value("newsclean/sitemap/skipped_before_since")
        elif kind == "urlset":
            for entry in entries:
                if not self.keep_entry(entry["lastmod"], entry["publication_date"]):
                    self.crawler.stats.inc_value("newsclean/sitemap/skipped_before_since")
                    continue
                yield self.article_request(entry["loc"], self.hints_for(entry))
        else:
            logger.warning("Not a sitemap (root element %r): %s", kind or None, response.url)

    @staticmethod
    def hints_for(entry: dict[str, str | None]) -> dict[str, Any]:
        hints: dict[str, Any] = {}
        day = entry_day(entry["publication_date"])
        if day is not None:
            hints.update(date=day.isoformat(), date_raw=entry["publication_date"], date_source="sitemap")
        if entry["lastmod"]:
            hints["lastmod"] = entry["lastmod"]
        if entry["title"]:
            hints["title"] = entry["title"]
        return hints

    def _sitemap_body(self, response: Response) -> bytes | None:
        if gzip_magic_number(response):
            try:
                return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except _DecompressionMaxSizeExceeded:
                logger.warning("Sitemap larger than DOWNLOAD_MAXSIZE once unpacked: %s", response.url)
                return None
        return response.body
