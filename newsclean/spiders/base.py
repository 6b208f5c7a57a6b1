"""What every newsclean spider shares: arguments, crawl settings, turning a page into an item.

Spider arguments (``-a NAME=VALUE``):
  url      one or more URLs, comma-separated (or ``-a url=`` repeated)
  follow   a regular expression: also follow in-domain links whose URL matches,
           at most DEPTH_LIMIT hops from a listed article
  since    YYYY-MM-DD (sitemap, feed): only entries dated on or after it
"""
from __future__ import annotations

import html
import logging
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, AsyncIterator, Iterable
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from w3lib.html import get_base_url

from newsclean.batch.decode import decode_as, readable_as_bytes
from newsclean.middlewares import same_site
from newsclean.pipelines import offloaded_pipelines
from newsclean.record import new_item

logger = logging.getLogger(__name__)

HINTS_META = "newsclean_hints"


def configure_crawl(settings: BaseSettings) -> None:
    """Settings every crawl derives from the project ones (spider priority:
    ``-s`` on the command line still wins)."""
    pipelines, pooled = offloaded_pipelines(settings)
    settings.set("ITEM_PIPELINES", pipelines, priority="spider")
    settings.set("NEWSCLEAN_STAGES", pooled, priority="spider")
    # The state file is on for crawls (it stays off for the batch feeder).
    settings.set("NEWSCLEAN_STATE", settings.get("NEWSCLEAN_CRAWL_STATE") or "", priority="spider")
    if not settings.getdict("FEEDS"):
        settings.set("FEEDS", settings.getdict("NEWSCLEAN_DEFAULT_FEEDS"), priority="spider")
    agent = settings.get("USER_AGENT") or ""
    if "{contact}" in agent:
        # Above the value's own priority: `scrapy crawl` merges its settings into the crawler
        # after this runs, and that merge overwrites values of equal priority (the project's
        # USER_AGENT would come back with "{contact}" in it).
        settings.set(
            "USER_AGENT",
            agent.replace("{contact}", settings.get("NEWSCLEAN_CONTACT_URL") or ""),
            priority=max(settings.getpriority("USER_AGENT") + 1, SETTINGS_PRIORITIES["spider"]),
        )


def split_urls(value: str | None) -> list[str]:
    return [u.strip() for u in (value or "").split(",") if u.strip()]


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"since must be YYYY-MM-DD, not {value!r}") from None


_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def entry_day(raw: str | None) -> date | None:
    """The calendar day of a sitemap/feed date, in the timezone it was written in.

    W3C datetime (sitemaps, Atom) or RFC 822 (RSS pubDate). Converting to UTC
    first would move late-evening articles to the next or previous day.
    """
    if not raw:
        return None
    if match := _ISO_DAY.match(raw):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    try:
        parsed: datetime = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


class NewsSpider(scrapy.Spider):
    """Base spider: subclasses yield article requests through :meth:`article_request`."""

    def __init__(self, url: str | None = None, follow: str | None = None, since: str | None = None,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urls: list[str] = split_urls(url)
        self.follow = re.compile(follow) if follow else None
        self.since = parse_since(since)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        configure_crawl(settings)

    async def start(self) -> AsyncIterator[Any]:
        good = []
        for url in self.urls:
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
                good.append(url)
            else:  # one bad line in a URL list must not stop the crawl
                logger.warning("Skipped invalid URL %r (need http:// or https://)", url)
                self.crawler.stats.inc_value("newsclean/skipped/invalid_url")
        for request in self.start_requests_for(good):
            yield request

    def start_requests_for(self, urls: list[str]) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    # --- articles --------------------------------------------------------------
    def article_request(self, url: str, hints: dict[str, Any] | None = None) -> scrapy.Request:
        # depth_reset: sitemap/feed levels do not count towards DEPTH_LIMIT, only follow hops do.
        return scrapy.Request(url, callback=self.parse_article,
                              meta={HINTS_META: dict(hints or {}), "depth_reset": True})

    def keep_entry(self, *raw_dates: str | None) -> bool:
        """With ``since``: keep an entry whose any date is on or after it; undated entries are kept
        (nothing says they are old; the crawl state skips them if unchanged)."""
        if self.since is None:
            return True
        days = [d for d in (entry_day(r) for r in raw_dates) if d is not None]
        return not days or max(days) >= self.since

    def parse_article(self, response: Response) -> Iterable[Any]:
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"").decode("latin-1") or "unknown type"
            logger.info("Skipped non-HTML response %s (Content-Type: %s)", response.url, kind)
            self.crawler.stats.inc_value("newsclean/skipped/non_html")
            return
        hints = dict(response.meta.get(HINTS_META) or {})
        canonical = self.canonical_url(response)
        if canonical:
            hints["canonical"] = canonical
        # The bytes, not response.text: a pool worker decodes them (the extract stage), so the
        # reactor neither decodes the page nor pickles it as text (~0.3 ms of its CPU a page).
        # Pages in other encodings were decoded here already (Scrapy's checks): their text.
        page = response.body if readable_as_bytes(response.encoding) else response.text
        yield new_item(source=response.url, input_kind="html", html=page, encoding=response.encoding,
                       url=response.url, hints=hints)
        if self.follow is not None:
            yield from self.follow_links(response)

    def follow_links(self, response: HtmlResponse) -> Iterable[scrapy.Request]:
        # Same-site check by hand: LinkExtractor's allow_domains compares host:port.
        for link in LinkExtractor(allow=self.follow).extract_links(response):
            if same_site(link.url, response.url):
                yield response.follow(link.url, callback=self.parse_article)

    @staticmethod
    def canonical_url(response: HtmlResponse) -> str | None:
        """The page's canonical link, when it is a real article URL on the same site
        (some sites point every page at their home page).

        Read with a regular expression from the <head> only: building an lxml tree
        of every page here would cost the reactor process as much as a download.
        Only the head is decoded (:func:`head_text`), and the link is resolved
        against ``<base href>`` as ``response.urljoin`` does, without its decoding
        of the whole page.
        """
        head = head_text(response)
        for tag in _LINK_TAG.findall(head):
            attrs = {k.lower(): (v1 or v2 or v3) for k, v1, v2, v3 in _ATTR.findall(tag)}
            if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
                base = get_base_url(text_start(response, _BASE_URL_CHARS), response.url, response.encoding)
                url = urljoin(base, html.unescape(attrs["href"].strip()))
                if same_site(url, response.url) and url.rstrip("/").count("/") >= 3:
                    return url
                return None
        return None


def head_text(response: HtmlResponse) -> str:
    """``response.text`` up to the end of its <head> (``</head>`` or ``<body``), at most
    :data:`_HEAD_CHARS` characters, decoding only those bytes when it can
    (:func:`~newsclean.batch.decode.readable_as_bytes`: the encodings news sites use
    but UTF-16/32 and ISO-2022)."""
    encoding = response.encoding
    if not readable_as_bytes(encoding):
        head = response.text[:_HEAD_CHARS]
        end = _HEAD_END.search(head)
        return head[:end.start()] if end else head
    body = response.body
    end = _HEAD_END_BYTES.search(body, 0, 4 * _HEAD_CHARS)  # no character takes over 4 bytes
    return decode_as(body[:end.start() if end else 4 * _HEAD_CHARS], encoding)[:_HEAD_CHARS]


def text_start(response: HtmlResponse, chars: int) -> str:
    """``response.text[:chars]``, decoding only the bytes those characters can take when it can."""
    if not readable_as_bytes(response.encoding):
        return response.text[:chars]
    return decode_as(response.body[:4 * chars + 4], response.encoding)[:chars]  # + a byte-order mark


_HEAD_CHARS = 200_000
#: Scrapy's get_base_url reads <base href> in the first 4,096 characters of response.text.
_BASE_URL_CHARS = 4096
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
_HEAD_END_BYTES = re.compile(rb"</head\s*>|<body\b", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
