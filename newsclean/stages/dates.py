"""date: the publication date, from HTML markup, a text dump's header, or a crawl hint.

Record shape: {"value": ISO cut to its precision ("2023", "2023-09", "2023-09-12"),
"precision": year|month|day, "kind": published|updated, "source", "confidence",
"raw"} or None. A site's today's-date widget is a page date, not a publication
date: it never lands in ``date`` (kept as the working field ``page_date`` only).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterator

import htmldate.extractors as htmldate_extractors
from htmldate import find_date

from newsclean.datetext import MONTHS, date_prefix, find_header_dates, headline_date, headline_zone
from newsclean.stages.base import Fields, Stage
from newsclean.stages.extract import parse_html

if TYPE_CHECKING:
    from dateparser import DateDataParser

#: Confidence by how htmldate found the date (measured: markup/meta/URL ~0.87-0.92
#: exact; extensive text search only ~0.65-0.68).
MARKUP_CONFIDENCE = 0.9
#: A date printed by the headline (dev pages with a gold date: 212 of 223 right; of the
#: answers it changed against htmldate's markup date, 18 became right and 2 wrong).
HEADLINE_CONFIDENCE = 0.9
#: The same in a text dump, where the headline is found by the title's echo (dev dumps
#: with a gold date that only this rule dated: 73 of 82 right).
TEXT_HEADLINE_CONFIDENCE = 0.85
TEXT_SEARCH_CONFIDENCE = 0.65
#: A day or month htmldate may have filled in with 01 and the page never states.
UNSURE_CONFIDENCE = 0.5
HINT_CONFIDENCE = {"feed": 0.75, "sitemap": 0.7}
DEFAULT_HINT_CONFIDENCE = 0.6

#: htmldate options: publication rather than last-modified date; a full date in
#: the markup beats a date in the URL (measured +0.5 point exact-match).
HTMLDATE_OPTIONS: dict[str, Any] = {"original_date": True, "deferred_url_extractor": True}

_ISO = re.compile(r"^\s*(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")


def date_record(value: str, precision: str, kind: str, source: str, confidence: float, raw: str | None) -> dict:
    return {
        "value": value,
        "precision": precision,
        "kind": kind,
        "source": source,
        "confidence": round(confidence, 2),
        "raw": raw,
    }


def iso_record(iso: str, kind: str, source: str, confidence: float) -> dict | None:
    """A record from an ISO string ("2024", "2024-06", "2024-06-18T10:00+02:00"), at its own precision."""
    match = _ISO.match(iso or "")
    if not match:
        return None
    year, month, day = match.group("y"), match.group("m"), match.group("d")
    if day:
        return date_record(f"{year}-{month}-{day}", "day", kind, source, confidence, iso)
    if month:
        return date_record(f"{year}-{month}", "month", kind, source, confidence, iso)
    return date_record(year, "year", kind, source, confidence, iso)


@lru_cache(maxsize=None)
def _dateparser_for(language: str) -> DateDataParser | None:
    """htmldate's own dateparser set-up, limited to the page language and English.

    None when dateparser does not know the language (then every locale is tried).
    """
    # imported here: only the (optional) text search needs dateparser, ~50 ms of start-up
    from dateparser import DateDataParser
    from dateparser.languages.loader import default_loader

    if language not in default_loader.get_locale_map():
        return None
    languages = sorted({language, "en"})
    return DateDataParser(languages=languages, settings=htmldate_extractors.get_external_parser()._settings)


_memo_language: str | None = None


@contextmanager
def dateparser_limited_to(language: str | None) -> Iterator[None]:
    """During htmldate's free-text search, let dateparser try only the page language (+ English).

    htmldate hands candidate strings to one dateparser instance with every one of
    its ~200 locales enabled, and trying them all is most of that search's cost
    (dateparser's maintainers give the same advice: pass ``languages``). htmldate
    has no parameter for it, so its parser factory is swapped for the length of one
    call and always restored. On the dev pages that need the search: 36 → 19 ms
    per page, the same dates.

    htmldate memoises each string's answer (``try_date_expr``); answers found under
    another language set are dropped when the set changes, so a page's date never
    depends on which pages the same process saw before it.
    """
    global _memo_language
    parser = _dateparser_for(language) if language else None
    factory = getattr(htmldate_extractors, "get_external_parser", None)
    if factory is None:  # an htmldate without the hook: the plain search
        yield
        return
    if language != _memo_language:
        htmldate_extractors.try_date_expr.cache_clear()
        _memo_language = language
    if parser is None:  # a language dateparser does not know: every locale, as htmldate does
        yield
        return
    htmldate_extractors.get_external_parser = lambda: parser
    try:
        yield
    finally:
        htmldate_extractors.get_external_parser = factory


def _month_names(month: int) -> str:
    return "|".join(re.escape(name) for name, number in MONTHS.items() if number == month)


def page_states_day_one(html: str, year: str, month: str) -> bool:
    """Whether the page itself writes the 1st of this month, in any common form.

    htmldate turns "January 2021" or "2021" into 2021-01-01; such a day is right
    only ~25 % of the time, so we keep it only when the page states it.
    """
    m = int(month)
    names = _month_names(m)
    pattern = (
        rf"{year}-{month}-01(?!\d)|{year}/{month}/01(?!\d)|{year}{month}01(?!\d)"
        rf"|(?<!\d)0?1[./-]\s?0?{m}[./-]\s?{year}"
        rf"|(?<![\w])0?1(?:st)?\.?\s+(?:{names})\.?,?\s+{year}"
        rf"|(?<![\w])(?:{names})\.?\s+0?1(?:st)?,?\s+{year}"
    )
    return re.search(pattern, html, re.IGNORECASE) is not None


def page_states_month(html: str, year: str, month: str) -> bool:
    m = int(month)
    pattern = (
        rf"{year}-{month}(?!\d)|{year}/{month}(?!\d)|(?<!\d)0?{m}[./]\s?{year}"
        rf"|(?<![\w])(?:{_month_names(m)})\.?,?\s+{year}"
    )
    return re.search(pattern, html, re.IGNORECASE) is not None


class HtmlDateFinder:
    """htmldate, at most once per page, with a confidence from how the date was found."""

    def __init__(self, extract_options: dict[str, Any], extensive: bool = False) -> None:
        #: htmldate's free-text search for pages without a date in markup, URL or by the
        #: headline: doubtful and slow (~25 ms a page); off unless NEWSCLEAN_DATE_EXTENSIVE.
        self.extensive = extensive
        # When the extract stage already ran htmldate in fast (markup-only) mode,
        # its metadata date is exactly our first step: reuse it, do not parse again.
        params = extract_options.get("date_extraction_params") or {}
        self.reuse_extract_date = bool(params) and params.get("extensive_search") is False

    def find(
        self,
        html: str | bytes,
        url: str | None,
        meta_date: str | None,
        language: str | None = None,
        headline_lines: list[str] | None = None,
    ) -> dict | None:
        # The date readers see by the headline beats markup, which often holds a
        # modification, a comment's or a first draft's date instead.
        shown = headline_date(headline_lines or [])
        if shown is not None:
            return date_record(shown.value, "day", "published", "html:headline", HEADLINE_CONFIDENCE, shown.raw)
        if isinstance(html, bytes):  # a crawl may hand over the raw body
            html = html.decode("utf-8", errors="replace")
        if self.reuse_extract_date and meta_date:
            return self._record(meta_date, "htmldate:markup", MARKUP_CONFIDENCE, html)
        if self.reuse_extract_date and not self.extensive:
            return None  # markup already searched by the extract stage; nothing left to try
        tree = parse_html(html) if html else None
        if tree is None:
            return None
        if not self.reuse_extract_date:
            found = find_date(tree, extensive_search=False, url=url, **HTMLDATE_OPTIONS)
            if found:
                return self._record(found, "htmldate:markup", MARKUP_CONFIDENCE, html)
        found = None
        if self.extensive:
            with dateparser_limited_to(language):
                found = find_date(tree, extensive_search=True, url=url, **HTMLDATE_OPTIONS)
        if found:
            return self._record(found, "htmldate:text-search", TEXT_SEARCH_CONFIDENCE, html)
        return None

    @staticmethod
    def _record(found: str, source: str, confidence: float, html: str) -> dict | None:
        record = iso_record(found, "published", source, confidence)
        if record is None or record["precision"] != "day" or not found.endswith("-01"):
            return record
        year, month, _ = record["value"].split("-")
        if page_states_day_one(html, year, month):
            return record
        # never claim a day (or a January) the page does not state
        if month != "01" or page_states_month(html, year, month):
            return date_record(f"{year}-{month}", "month", "published", source, UNSURE_CONFIDENCE, found)
        return date_record(year, "year", "published", source, UNSURE_CONFIDENCE, found)


class DateStage(Stage):
    name = "date"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.html_dates = HtmlDateFinder(
            dict(settings.getdict("NEWSCLEAN_EXTRACT_OPTIONS")),
            extensive=settings.getbool("NEWSCLEAN_DATE_EXTENSIVE", False),
        )

    def process(self, item: Fields) -> None:
        if item.get("input_kind") == "html":
            found = self.html_dates.find(
                item.get("html") or "",
                item.get("url"),
                (item.get("meta") or {}).get("date"),
                language=(item.get("language") or {}).get("code"),
                headline_lines=(item.get("meta") or {}).get("headline_lines"),
            )
        else:
            found = self._text_date(item)
        if found is None or found["precision"] != "day":
            # a sitemap's or feed's day beats a page that states only a year or a month
            # (often a "© 2024" footer or an archive heading, not the publication)
            hinted = self._hint_date(item.get("hints") or {})
            if hinted is not None and (found is None or hinted["precision"] == "day"):
                found = hinted
        item["date"] = found
        self.stats[f"source/{found['source'] if found else 'none'}"] += 1

    def _text_date(self, item: Fields) -> dict | None:
        raw_text = item.get("raw_text") or ""
        for candidate in find_header_dates(raw_text, item.get("title")):
            if candidate.kind == "page":
                # a today's-date widget: the day the page was shown, not published;
                # kept as a working field only (a declared-field item may not take it)
                try:
                    item["page_date"] = candidate.as_record()
                except KeyError:
                    pass
                continue
            return candidate.as_record()
        # the cleaner may have cut the prefix already; its removal record still has it
        for removal in item.get("removed") or []:
            if removal.get("rule") == "struct:date-prefix":
                prefix = date_prefix(removal.get("text") or "")
                if prefix is not None:
                    return date_record(prefix.value, prefix.precision, "published", "text:prefix", 0.85, prefix.raw)
        # a byline date under the article's headline (see TEXT_HEADLINE_CONFIDENCE)
        shown = headline_date(headline_zone(raw_text, item.get("title")))
        if shown is not None:
            return date_record(shown.value, "day", "published", "text:headline", TEXT_HEADLINE_CONFIDENCE, shown.raw)
        return None

    @staticmethod
    def _hint_date(hints: dict) -> dict | None:
        """A sitemap/feed date from the crawl (see process: when the page states none, or a coarser one)."""
        if not hints.get("date"):
            return None
        origin = str(hints.get("date_source") or "hint")
        return iso_record(str(hints["date"]), "published", origin, HINT_CONFIDENCE.get(origin, DEFAULT_HINT_CONFIDENCE))
