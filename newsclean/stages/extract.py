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
- During its trafilatura calls, nine of trafilatura's regex XPaths are answered by Python
  stand-ins with the same answers (:mod:`newsclean.stages.fast_xpaths`): about a third
  of the chain's time on the dev pages went to lxml's regex callbacks.
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
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura import metadata as tm
from trafilatura import utils as trafilatura_utils
from trafilatura.utils import load_html

from newsclean.batch.decode import decode_as
from newsclean.datetext import headline_date
from newsclean.stages.base import Fields, Stage
from newsclean.stages.fast_xpaths import swapped_in

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

    def read(self, tree: HtmlElement, url: str | None, read_date: bool = True) -> dict[str, str | None]:
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
        if read_date:
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


def _html_parser(**options: Any) -> etree.HTMLParser:
    """trafilatura's parser settings, with lxml's C-level element class lookup.

    lxml.html's parser picks each element's Python class with a Python callback,
    run every time lxml hands an element to Python: ~2,600 times per page in
    trafilatura, ~5 % of an extraction. This lookup gives every element the same
    HtmlElement class in C; only lxml's form-field classes (FormElement,
    InputElement…), which trafilatura never uses, are lost. Output measured
    identical on all 602 dev pages.
    """
    parser = etree.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                              remove_comments=True, remove_pis=True, **options)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    return parser


_PARSER = _html_parser()
#: Above this size a page is parsed with lxml's huge_tree: without it libxml2 stops
#: partway through pages of ~10 MB and more, and an article near the end is lost.
HUGE_PAGE_CHARS = 5_000_000
_HUGE_PARSER = _html_parser(huge_tree=True)


def parse_html(html: str) -> HtmlElement | None:
    """trafilatura's own loader (its repairs and sanity checks) with :func:`_html_parser`'s parser.

    trafilatura's loader reads its parser from a module global at call time; it
    is swapped for the length of the call and always put back.
    """
    if len(html) > HUGE_PAGE_CHARS:
        try:
            return fromstring(html.encode("utf-8", "surrogatepass"), parser=_HUGE_PARSER)
        except Exception:  # lxml refuses some inputs outright: fall back to trafilatura's loader
            pass
    saved = trafilatura_utils.HTML_PARSER
    trafilatura_utils.HTML_PARSER = _PARSER
    try:
        return load_html(html)
    finally:
        trafilatura_utils.HTML_PARSER = saved


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


#: Elements whose text a reader never sees.
_UNSEEN_TAGS = frozenset({"script", "style", "noscript", "template"})


@dataclass(frozen=True)
class HeadlineZone:
    """The short texts a page prints right around its headline (its first ``<h1>``).

    That is where news pages put the byline date readers see. Markup dates
    (``<meta name="date">``, ``<time>`` of comments, JSON-LD of a first draft) are
    more often another date than that one; the date stage prefers a date found
    here. Text nodes in document order stand in for lines: a date is nearly
    always one node ("26.01.2022 - 14:30", "Veröffentlicht am: <time>…</time>").
    Walked by hand rather than with ``following::text()``, which makes libxml2
    collect every later text node of the page first.
    """

    after: int = 6  # texts after the headline: byline, date, lead
    before: int = 2  # texts before it: a kicker or a date above the headline
    max_chars: int = 200  # texts are cut to this: running prose, never a byline, beyond it

    def lines(self, tree: HtmlElement) -> list[str]:
        """The texts nearest the headline, those after it first; [] without an ``<h1>``."""
        headline = next(tree.iter("h1"), None)
        if headline is None:
            return []
        try:
            return self._take(_texts_after(headline), self.after) + self._take(_texts_before(headline), self.before)
        except RecursionError:  # markup nested deeper than Python's stack: no byline date, the page still goes on
            return []

    def _take(self, texts, count: int) -> list[str]:
        taken: list[str] = []
        for text in texts:
            line = " ".join(text.split())
            if not line:
                continue
            taken.append(line[: self.max_chars])
            if len(taken) == count:
                break
        return taken


def _seen(element: HtmlElement) -> bool:
    return isinstance(element.tag, str) and element.tag not in _UNSEEN_TAGS  # comments have a callable tag


def _own_texts(element: HtmlElement):
    """Visible texts inside ``element``, in document order."""
    if not _seen(element):
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _own_texts(child)
        if child.tail:
            yield child.tail


def _own_texts_reversed(element: HtmlElement):
    """Visible texts inside ``element``, last first."""
    if not _seen(element):
        return
    for child in reversed(element):
        if child.tail:
            yield child.tail
        yield from _own_texts_reversed(child)
    if element.text:
        yield element.text


def _texts_after(element: HtmlElement):
    """Visible texts after ``element`` (not inside it), in document order."""
    node = element
    while node is not None:
        if node.tail:
            yield node.tail
        for sibling in node.itersiblings():
            yield from _own_texts(sibling)
            if sibling.tail:
                yield sibling.tail
        node = node.getparent()


def _texts_before(element: HtmlElement):
    """Visible texts before ``element`` (not its ancestors' own), nearest first."""
    node = element
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if sibling.tail:
                yield sibling.tail
            yield from _own_texts_reversed(sibling)
        parent = node.getparent()
        if parent is not None and parent.text and _seen(parent):
            yield parent.text
        node = parent


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
        self.headline_zone = HeadlineZone()
        # The date stage relies on this: with date_extraction_params set, meta["date"] is
        # htmldate's answer under exactly those parameters.
        self.metadata = MetadataReader(
            self.options.get("date_extraction_params"),
            author_search=settings.getbool("NEWSCLEAN_AUTHOR_SEARCH", False),
        )

    def process(self, item: Fields) -> None:
        if item["input_kind"] == "text":
            raw = item.get("raw_text") or ""
            item["chars_in"] = len(raw)
            item["body"] = raw
            item["meta"] = {}
            return
        html = item.get("html") or ""
        if isinstance(html, bytes):  # a crawled page, decoded here rather than in the reactor
            html = item["html"] = decode_as(html, item.get("encoding") or "utf-8")
        item["chars_in"] = len(html)
        url = item.get("url")
        tree = parse_html(html) if html else None
        if tree is None:
            self.stats["not_html"] += 1
            item["body"] = ""
            item["meta"] = {}
            return
        headline_lines = self.headline_zone.lines(tree)
        # The date stage takes a date printed by the headline over any markup date:
        # with one there, htmldate's markup pass (~0.8 ms) would be thrown away.
        meta = self.metadata.read(tree, url, read_date=headline_date(headline_lines) is None)
        meta["headline_lines"] = headline_lines
        # bare_extraction works on its own copy of the tree, so one parse serves both runs.
        with swapped_in():
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

    def _drop_title_line(self, item: Fields, text: str, title: str | None) -> str:
        lines = text.splitlines()
        index = self.title_filter.find(lines, title)
        if index is None or not any(line.strip() for i, line in enumerate(lines) if i != index):
            return text
        removed = list(item.get("removed") or [])
        removed.append({"rule": "extract:title-line", "text": lines[index]})
        item["removed"] = removed
        self.stats["title_line"] += 1
        return "\n".join(lines[:index] + lines[index + 1 :])
