"""Downloader middlewares for crawls."""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from tldextract import TLDExtract
from w3lib.html import get_meta_refresh

from newsclean.batch.decode import readable_as_bytes

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# The bundled Public Suffix List snapshot only: never fetch it at crawl time.
_split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None)


def site_of(url: str) -> str:
    """The registrable domain of a URL (www.example.co.uk → example.co.uk); the host for IPs/localhost."""
    return _site_of_host((urlsplit(url).hostname or "").lower())


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> str:
    registered = _split_domain.extract_str(host).top_domain_under_public_suffix if host else ""
    return registered or host


def same_site(url_a: str, url_b: str) -> bool:
    return site_of(url_a) == site_of(url_b)


class OffDomainRedirectMiddleware:
    """Drop a redirected request (HTTP 3xx or meta refresh) that leaves the site it started on.

    The redirect middlewares put the chain into ``meta["redirect_urls"]``; when the
    new target's site differs from the first URL's, the request is dropped with
    an INFO line saying why, before anything is fetched from the other site.
    """

    def __init__(self, crawler: "Crawler") -> None:
        self.crawler = crawler
        # tldextract reads the Public Suffix List on first use (~30 ms): now, while the
        # crawler is being built, not on the reactor thread at the crawl's first page.
        site_of("http://example.com/")

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "OffDomainRedirectMiddleware":
        return cls(crawler)

    def process_request(self, request: "Request", spider: Any = None) -> None:
        chain = request.meta.get("redirect_urls")
        if not chain or same_site(chain[0], request.url):
            return None
        logger.info("Dropped off-domain redirect: %s -> %s", chain[0], request.url)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newsclean/skipped/off_domain_redirect")
        raise IgnoreRequest(f"off-domain redirect from {chain[0]} to {request.url}")


class MetaRefreshMiddleware(ScrapyMetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, without decoding every page to learn it has no refresh.

    Scrapy looks for ``<meta http-equiv="refresh">`` in the first 4,096 characters of
    ``response.text``, which decodes the whole page in the reactor (~0.2 ms of its CPU
    a page; in a pooled crawl the workers decode the page, not the reactor). w3lib
    rules a refresh out in the bytes, without decoding, when no meta tag there names
    one. A page where it finds one, or whose encoding cannot be read in its bytes
    (UTF-16, ISO-2022-JP: ``readable_as_bytes``), goes on to Scrapy's own check, so
    which pages are redirected, and where to, does not change.
    """

    #: Bytes that hold at least Scrapy's 4,096 characters (no character takes over 4 bytes).
    head_bytes = 4 * 4096 + 4

    def process_response(self, request: "Request", response: "Response", spider: Any = None) -> "Request | Response":
        if (isinstance(response, HtmlResponse) and readable_as_bytes(response.encoding)
                and not self._may_refresh(response)):
            return response
        # Scrapy before 2.14 passes the spider; later ones do not, and warn if it is passed on.
        return super().process_response(request, response, *(() if spider is None else (spider,)))

    def _may_refresh(self, response: HtmlResponse) -> bool:
        try:
            _, url = get_meta_refresh(response.body, response.url, response.encoding,
                                      ignore_tags=self._ignore_tags, max_scan=self.head_bytes)
        except ValueError:  # bytes that do not decode (UnicodeDecodeError): let Scrapy's own check decide
            return True
        return url is not None
