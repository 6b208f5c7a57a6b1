"""extract: HTML → main text and metadata, with trafilatura. Text dumps pass through.

How the options were chosen (benchmarks/quality.py, README "Quality"):

- trafilatura's fast path (``fast=True``: no comparison with readability/jusText)
  costs about 0.75x of its default and scores the same on most pages. It fails
  in two recognisable ways: it returns a whole page of menu lines, or a scrap of
  a few hundred characters. Only then the page is extracted again with the
  default cascade (:class:`FastPathCheck`); that happens on about 6 % of pages.
- The headline that trafilatura often leaves on the first line goes: the record
  has its own ``title`` (:class:`TitleLineFilter`), and the removal is recorded.
- Metadata comes from trafilatura's own helpers, composed as its
  ``extract_metadata`` does minus categories, tags and licence, which the record
  does not carry and which cost about a tenth of the stage (:class:`MetadataReader`).
  The page is parsed once for metadata, extraction and a possible re-run; the
  date follows ``date_extraction_params`` as trafilatura would apply them.
- The text is NFC-normalised, as ``trafilatura.extract`` does for its own output.
- Extra ``prune_xpath`` patterns for related/teaser/caption/credit classes were
  measured one by one and none helped both benchmarks (trafilatura already
  prunes the safe ones), so none is set; ``NEWSCLEAN_EXTRACT_OPTIONS`` still passes any
  trafilatura keyword (``prune_xpath``, ``favor_precision``...) through.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import trafilatura
from htmldate import find_date
from itemadapter import ItemAdapter
from lxml.html import HTMLParser, HtmlElement, fromstring
from trafilatura import metadata as tm
from trafilatura.utils import load_html

from newsclean.stages.base import Stage

# Keywords for trafilatura.bare_extraction; NEWSCLEAN_EXTRACT_OPTIONS overrides them.
DEFAULT_OPTIONS: dict[str, Any] = {"fast": True}


@dataclass(frozen=True)
class FastPathCheck:
    """Says when a fast-path extraction looks failed, so the full cascade runs once more."""

    min_chars: int = 600  # below this the fast path often kept only a fragment
    menu_min_lines: int = 50  # a long output made mostly of short lines is a page of menus
    menu_short_share: float = 0.75
    short_line_chars: int = 40

    def looks_failed(self, text: str) -> bool:
        if len(text) < self.min_chars:
            return True
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < self.menu_min_lines:
            return False
        short = sum(1 for line in lines if len(line.strip()) < self.short_line_chars)
        return short / len(lines) > self.menu_short_share


class MetadataReader:
    """Title, author, sitename, date and URL as trafilatura's ``extract_metadata`` finds them.

    Same steps and order as trafilatura 2.3 (meta tags, JSON-LD, then fallbacks;
    htmldate with ``date_params``, by default trafilatura's own: original date,
    extensive search), without the categories, tags and licence look-ups.
    ``date_params`` replaces the defaults as a whole, like trafilatura's
    ``date_extraction_params``.

    ``author_search``: when meta tags and JSON-LD name no author, trafilatura
    searches the page markup for a byline. That search is a deep copy of the
    tree plus regex XPaths over every element: ~2.6 ms per page on the dev set,
    a fifth of a whole trafilatura extraction, and a third of what it finds
    there is not a name ("Zeige alle Beiträge von …", "Editorial", "… Published").
    Off by default (NEWSCLEAN_AUTHOR_SEARCH); ``author`` then comes from meta
    tags and JSON-LD only (half of the dev pages).
    """

    def __init__(self, date_params: dict[str, Any] | None = None, author_search: bool = False) -> None:
        self.date_params = dict(date_params) if date_params else None
        self.author_search = author_search

    def _date_params(self) -> dict[str, Any]:
        if self.date_params is not None:
            return dict(self.date_params)
        return {
            "original_date": True,
            "extensive_search": True,
            "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
        }

    def read(self, tree: HtmlElement, url: str | None) -> dict[str, str | None]:
        doc = tm.examine_meta(tree)
        if doc.author and " " not in doc.author:
            doc.author = None
        try:
            doc = tm.extract_meta_json(tree, doc)
        except Exception:  # trafilatura guards this step the same way: bad JSON-LD is common
            pass
        doc.title = doc.title or tm.extract_title(tree)
        if not doc.author and self.author_search:
            doc.author = tm.extract_author(tree)
        doc.url = doc.url or tm.extract_url(tree, url)
        params = self._date_params()
        params["url"] = doc.url
        doc.date = find_date(tree, **params)
        doc.sitename = doc.sitename or tm.extract_sitename(tree)
        if doc.sitename:
            doc.sitename = doc.sitename.lstrip("@")
            if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
                doc.sitename = doc.sitename.title()
        elif doc.url:
            found = tm.META_URL.match(doc.url)
            if found:
                doc.sitename = found[1]
        doc.clean_and_trim()
        return {key: getattr(doc, key, None) or None for key in ("title", "author", "sitename", "date", "url")}


_WORDS = re.compile(r"\w+")


#: Above this size a page is parsed with lxml's huge_tree: without it libxml2 stops
#: partway through pages of ~10 MB and more, and an article near the end is lost.
HUGE_PAGE_CHARS = 5_000_000
_HUGE_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                          remove_comments=True, remove_pis=True, huge_tree=True)


def parse_html(html: str) -> HtmlElement | None:
    """trafilatura's own loader, except for very large pages (see HUGE_PAGE_CHARS)."""
    if len(html) <= HUGE_PAGE_CHARS:
        return load_html(html)
    try:
        return fromstring(html.encode("utf-8", "surrogatepass"), parser=_HUGE_PARSER)
    except Exception:  # lxml refuses some inputs outright: fall back to trafilatura's loader
        return load_html(html)


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


@dataclass(frozen=True)
class TitleLineFilter:
    """Finds the headline repeated in the first lines of the body."""

    first_lines: int = 3
    min_chars: int = 16  # a shorter line inside the title ("Berlin") is not the headline
    similarity: float = 0.9

    def find(self, lines: list[str], title: str | None) -> int | None:
        """Index of the line that repeats ``title``, or None."""
        wanted = _words(title or "")
        if not wanted:
            return None
        for index, line in enumerate(lines[: self.first_lines]):
            found = _words(line)
            if not found:
                continue
            if found == wanted or (len(found) >= self.min_chars and found in wanted):
                return index
            # ratio() is quadratic in the line's length; its cheap upper bounds rule out
            # body paragraphs first (same answers: ratio <= quick_ratio <= real_quick_ratio)
            matcher = difflib.SequenceMatcher(None, found, wanted)
            if (matcher.real_quick_ratio() >= self.similarity and matcher.quick_ratio() >= self.similarity
                    and matcher.ratio() >= self.similarity):
                return index
        return None


class ExtractStage(Stage):
    name = "extract"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.options: dict[str, Any] = {**DEFAULT_OPTIONS, **settings.getdict("NEWSCLEAN_EXTRACT_OPTIONS")}
        # NEWSCLEAN_EXTRACT_RECHECK=False turns the re-run off (to measure the bare fast path).
        self.fast_check = FastPathCheck() if settings.getbool("NEWSCLEAN_EXTRACT_RECHECK", True) else None
        self.title_filter = TitleLineFilter()
        # The date stage relies on this: with date_extraction_params set, meta["date"] is
        # htmldate's answer under exactly those parameters.
        self.metadata = MetadataReader(
            self.options.get("date_extraction_params"),
            author_search=settings.getbool("NEWSCLEAN_AUTHOR_SEARCH", False),
        )

    def process(self, item: ItemAdapter) -> None:
        if item["input_kind"] == "text":
            raw = item.get("raw_text") or ""
            item["chars_in"] = len(raw)
            item["body"] = raw
            item["meta"] = {}
            return
        html = item.get("html") or ""
        item["chars_in"] = len(html)
        url = item.get("url")
        tree = parse_html(html) if html else None
        if tree is None:
            self.stats["not_html"] += 1
            item["body"] = ""
            item["meta"] = {}
            return
        meta = self.metadata.read(tree, url)
        # bare_extraction works on its own copy of the tree, so one parse serves both runs.
        doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, **self.options)
        text = (doc.text or "") if doc is not None else ""
        if self.options.get("fast") and self.fast_check is not None and self.fast_check.looks_failed(text):
            self.stats["full_rerun"] += 1
            again = trafilatura.bare_extraction(tree, url=url, include_comments=False, **{**self.options, "fast": False})
            if again is not None and again.text:
                text = again.text
        if not text:
            self.stats["no_text"] += 1
        # Composed characters, as trafilatura.extract() returns them (bare_extraction does not).
        text = unicodedata.normalize("NFC", text)
        item["body"] = self._drop_title_line(item, text, meta["title"])
        item["meta"] = meta

    def _drop_title_line(self, item: ItemAdapter, text: str, title: str | None) -> str:
        lines = text.splitlines()
        index = self.title_filter.find(lines, title)
        if index is None or not any(line.strip() for i, line in enumerate(lines) if i != index):
            return text
        removed = list(item.get("removed") or [])
        removed.append({"rule": "extract:title-line", "text": lines[index]})
        item["removed"] = removed
        self.stats["title_line"] += 1
        return "\n".join(lines[:index] + lines[index + 1 :])
