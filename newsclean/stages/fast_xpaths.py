"""Python stand-ins for trafilatura's costliest regex XPaths, same answers, a fraction of the time.

trafilatura tests class and id attributes with EXSLT ``re:test``. lxml runs each of those
tests as a Python callback from libxml2, two or three per candidate element, and each
callback first turns its attribute node-set into Python objects. On the 602 dev pages the
nine XPaths replaced here took 3.8 of the chain's 10.2 s of CPU (timed one by one). The
same tests made in Python over ``iterdescendants`` (which filters tags in C) cut the
chain to 7.7 s, with byte-identical output.

Equivalence is what matters, so each stand-in:

- is written against one exact XPath. It takes that XPath's regular expressions from the
  live expression text and replaces it only if the rest of the text is, character for
  character, the one it was written for (:data:`_SHAPES`). A trafilatura release that
  changes an expression's structure keeps its own XPath; new tokens in a regex are fine;
- follows XPath 1.0's rules: a missing attribute is the empty string, ``@a|@b`` is the
  first of the two in the element's source order (document order), ``re:test`` is
  Python's ``re.search``, exactly as lxml implements it, results in document order;
- is checked against the XPath it replaces, node for node: in the tests on random markup
  built from the XPaths' own tokens and on the fixture pages (tests/test_fast_xpaths.py);
  once, when written, on every call trafilatura made over the 602 dev pages in four modes
  (newsclean's chain; ``extract`` by default, with comments and recall, with precision).

They are swapped into trafilatura's lists only for the length of newsclean's own calls
(:func:`swapped_in`), as :func:`newsclean.stages.extract.parse_html` swaps the parser: a
program that also calls trafilatura directly gets trafilatura's own XPaths, except from
another thread while newsclean's call runs, when it may get the stand-ins (same answers).
"""
from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterator

import trafilatura  # noqa: F401  (loads the modules whose XPaths are swapped: trafilatura.xpaths, .baseline)
from lxml.etree import Element, XPath, _Element
from lxml.html import HtmlElement

Finder = Callable[[HtmlElement], list[HtmlElement]]

# An XPath literal cannot hold its own quote character: a regex ends at the next quote.
_RE_TEST = re.compile(r"re:test\(([@\w|-]+), '([^']*)'(?:, '(\w*)')?\)")


def _patterns(path: str) -> tuple[list[re.Pattern[str]], str]:
    """The ``re:test`` regexes of ``path`` in order (compiled as lxml compiles them), and
    the path's shape: its text with every regex replaced by ``?`` and, outside string
    literals, runs of whitespace by one space (a literal's own spaces are part of its meaning)."""
    patterns = [re.compile(m[2], re.IGNORECASE if "i" in (m[3] or "") else 0) for m in _RE_TEST.finditer(path)]
    blanked = _RE_TEST.sub(lambda m: f"re:test({m[1]}, ?{', ' + repr(m[3]) if m[3] else ''})", path)
    parts = _LITERAL.split(blanked)  # odd indexes: the literals, quotes included
    shape = "".join(part if index % 2 else _SPACES.sub(" ", part) for index, part in enumerate(parts))
    return patterns, shape.strip()


_LITERAL = re.compile(r"""('[^']*'|"[^"]*")""")
_SPACES = re.compile(r"\s+")


def _first_of(element: HtmlElement, first: str, second: str) -> str:
    """The string value of ``@first|@second``: whichever the element's tag lists first."""
    a, b = element.get(first), element.get(second)
    if a is None:
        return b or ""
    if b is None:
        return a
    for name in element.keys():
        if name == first:
            return a
        if name == second:
            return b
    return a  # not reached: both attributes are among the keys


@dataclass(frozen=True)
class Slot:
    """Where trafilatura keeps an XPath: a module's global, or an item of a list there
    (the lists of trafilatura.xpaths are shared by every module that imports them)."""

    module: str
    name: str
    index: int | None = None

    def get(self) -> Any:
        value = getattr(sys.modules[self.module], self.name, None)
        if self.index is None:
            return value
        return value[self.index] if isinstance(value, list) and self.index < len(value) else None

    def put(self, value: Any) -> None:
        if self.index is None:
            setattr(sys.modules[self.module], self.name, value)
        else:
            getattr(sys.modules[self.module], self.name)[self.index] = value


Builder = Callable[[list[re.Pattern[str]]], Finder]
#: slot → (the shape of the XPath its stand-in was written for, the stand-in's builder, which
#: takes the XPath's regexes in order: r[0], r[1], ...).
_SHAPES: dict[Slot, tuple[str, Builder]] = {}


def _stands_in(name: str, index: int | None, shape: str, module: str = "trafilatura.xpaths") -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        _SHAPES[Slot(module, name, index)] = (shape, build)
        return build
    return register


# --- the stand-ins ----------------------------------------------------------------------
# Each builder turns the XPath's regexes (r[0], r[1], ...) into its predicate, the part in
# brackets; _matching and _first_matching walk the elements as ``.//*`` and ``(.//*)[1]`` do.

def _matching(tree: HtmlElement, tags: tuple[str, ...], test: Callable[[HtmlElement], Any]) -> list[HtmlElement]:
    """``.//*[self::tag1 or self::tag2 …][test]``: the descendants with one of ``tags`` (every
    element when there are none) that pass ``test``, in document order."""
    return [element for element in tree.iterdescendants(*(tags or (Element,))) if test(element)]


def _first_matching(tree: HtmlElement, tags: tuple[str, ...], test: Callable[[HtmlElement], Any]) -> list[HtmlElement]:
    """``(.//*[…][test])[1]``: the first of :func:`_matching`'s elements, or none."""
    return next(([element] for element in tree.iterdescendants(*(tags or (Element,))) if test(element)), [])


@_stands_in('REMOVE_COMMENTS_AND_LISTS_XPATH', 0,
           './/*[self::div or self::list or self::section or self::details or self::ol or self::ul][ re:test(@id, ?) or re:test(@class, ?)][ not(self::ol or self::ul) or re:test(@id, ?) or re:test(@class, ?)]')
def _remove_comments_and_lists(r: list[re.Pattern[str]]) -> Finder:
    r0, r1, r2, r3 = (p.search for p in r)

    def test(element: HtmlElement) -> Any:
        id_, class_ = element.get("id") or "", element.get("class") or ""
        return (r0(id_) or r1(class_)) and (element.tag not in ("ol", "ul") or r2(id_) or r3(class_))
    return partial(_matching, tags=("div", "list", "section", "details", "ol", "ul"), test=test)


@_stands_in('OVERALL_DISCARD_XPATH', 0,
           ".//*[self::div or self::item or self::list or self::p or self::section or self::span][ @data-lp-replacement-content or contains(translate(@role, 'N', 'n'), 'nav') or contains(@data-component, 'MostPopularStories') or re:test(@id|@class, ?) or re:test(@id, ?) or re:test(@class, ?)]")
def _overall_discard_blocks(r: list[re.Pattern[str]]) -> Finder:
    r0, r1, r2 = (p.search for p in r)

    def test(element: HtmlElement) -> Any:
        get = element.get
        return (get("data-lp-replacement-content") is not None
                or "nav" in (get("role") or "").replace("N", "n")
                or "MostPopularStories" in (get("data-component") or "")
                or r0(_first_of(element, "id", "class"))
                or r1(get("id") or "") or r2(get("class") or ""))
    return partial(_matching, tags=("div", "item", "list", "p", "section", "span"), test=test)


@_stands_in('OVERALL_DISCARD_XPATH', 1,
           ".//*[@class='comments-title' or starts-with(@id|@class, 'reply-') or re:test(@id|@style, ?) or contains(@style, 'display:none') or contains(@style, 'display: none') or re:test(@id, ?) or re:test(@class, ?) or @aria-hidden='true']")
def _overall_discard_hidden(r: list[re.Pattern[str]]) -> Finder:
    r0, r1, r2 = (p.search for p in r)

    def test(element: HtmlElement) -> Any:
        if not element.attrib:  # every test needs an attribute, and most elements have none
            return False
        get = element.get
        class_, style = get("class"), get("style") or ""
        return (class_ == "comments-title"
                or _first_of(element, "id", "class").startswith("reply-")
                or r0(_first_of(element, "id", "style"))
                or "display:none" in style or "display: none" in style
                or r1(get("id") or "") or r2(class_ or "")
                or get("aria-hidden") == "true")
    return partial(_matching, tags=(), test=test)


@_stands_in('RAW_TREE_PRUNE_XPATH', 0,
           './/*[self::div or self::section or self::aside][ re:test(@id, ?) or re:test(@class, ?)][ not(.//h1) or re:test(@id, ?) or re:test(@class, ?)]')
def _raw_tree_prune(r: list[re.Pattern[str]]) -> Finder:
    r0, r1, r2, r3 = (p.search for p in r)

    def test(element: HtmlElement) -> Any:
        id_, class_ = element.get("id") or "", element.get("class") or ""
        return (r0(id_) or r1(class_)) and (next(element.iterdescendants("h1"), None) is None or r2(id_) or r3(class_))
    return partial(_matching, tags=("div", "section", "aside"), test=test)


@_stands_in('RAW_TREE_PRUNE_XPATH', 1,
           ".//*[self::div or self::section or self::aside][contains(@class, 'elementor-share-buttons')]")
def _elementor_share(r: list[re.Pattern[str]]) -> Finder:
    def test(element: HtmlElement) -> bool:
        return "elementor-share-buttons" in (element.get("class") or "")
    return partial(_matching, tags=("div", "section", "aside"), test=test)


_BODY_TAGS = ("article", "div", "main", "section")


@_stands_in('BODY_XPATH', 0,
           ".//*[self::article or self::div or self::main or self::section][ @class='post' or @class='entry' or @itemprop='articleBody' or @id='articleContent' or re:test(@id, ?) or re:test(@class, ?) ][1]")
def _body_article_content(r: list[re.Pattern[str]]) -> Finder:
    """``[1]`` without brackets around the path: the first match among each element's children."""
    r0, r1 = (p.search for p in r)

    def test(element: HtmlElement) -> Any:
        get = element.get
        class_, id_ = get("class"), get("id")
        return (class_ in ("post", "entry") or get("itemprop") == "articleBody" or id_ == "articleContent"
                or r0(id_ or "") or r1(class_ or ""))

    def find(tree: HtmlElement) -> list[HtmlElement]:
        firsts: dict[Any, HtmlElement] = {}  # parent → its first matching child, in document order
        for element in _matching(tree, _BODY_TAGS, test):
            firsts.setdefault(element.getparent(), element)
        return list(firsts.values())
    return find


@_stands_in('BODY_XPATH', 2,
           "(.//*[self::article or self::div or self::main or self::section][ @role='article' or @id='article' or @id='story' or @class='postarea' or @class='art-postcontent' or @class='text' or @class='cell' or @class='story' or re:test(@id, ?) or re:test(@class, ?, 'i') or re:test(@class, ?) ])[1]")
def _body_story(r: list[re.Pattern[str]]) -> Finder:
    r0, r1, r2 = (p.search for p in r)
    classes = ("postarea", "art-postcontent", "text", "cell", "story")

    def test(element: HtmlElement) -> Any:
        get = element.get
        class_, id_ = get("class"), get("id")
        return (get("role") == "article" or id_ in ("article", "story") or class_ in classes
                or r0(id_ or "") or r1(class_ or "") or r2(class_ or ""))
    return partial(_first_matching, tags=_BODY_TAGS, test=test)


@_stands_in('BODY_XPATH', 3,
           "(.//*[self::article or self::div or self::main or self::section][ @id='content' or @class='content' or re:test(@id, ?) or re:test(@class, ?) or contains(translate(@id, 'CM','cm'), 'main-content') or contains(translate(@class, 'CM','cm'), 'main-content') or contains(translate(@class, 'CP','cp'), 'page-content') ])[1]")
def _body_main_content(r: list[re.Pattern[str]]) -> Finder:
    r0, r1 = (p.search for p in r)
    main_content = str.maketrans("CM", "cm")
    page_content = str.maketrans("CP", "cp")

    def test(element: HtmlElement) -> Any:
        # @id='content' is false for a missing @id, and "" is never 'content': the
        # empty-string default changes no answer here
        class_, id_ = element.get("class") or "", element.get("id") or ""
        return (id_ == "content" or class_ == "content" or r0(id_) or r1(class_)
                or "main-content" in id_.translate(main_content) or "main-content" in class_.translate(main_content)
                or "page-content" in class_.translate(page_content))
    return partial(_first_matching, tags=_BODY_TAGS, test=test)


@_stands_in("BASIC_CLEAN_XPATH", None,
            ".//aside|.//div[contains(@class|@id, 'footer')]|.//fencedframe|.//footer|.//script|.//style|.//svg|"
            ".//template|.//*[re:test(@class, ?, 'i') or re:test(@id, ?, 'i')]",
            module="trafilatura.baseline")
def _basic_clean(r: list[re.Pattern[str]]) -> Finder:
    """A union of paths: each element once, in document order, whichever path finds it."""
    r0, r1 = (p.search for p in r)
    tags = frozenset({"aside", "fencedframe", "footer", "script", "style", "svg", "template"})

    def test(element: HtmlElement) -> Any:
        tag, get = element.tag, element.get
        return (tag in tags or (tag == "div" and "footer" in _first_of(element, "class", "id"))
                or r0(get("class") or "") or r1(get("id") or ""))
    return partial(_matching, tags=(), test=test)


def stand_ins() -> dict[Slot, tuple[XPath, Finder]]:
    """slot → (trafilatura's XPath, its stand-in), for every XPath whose shape is the known one."""
    found = {}
    for slot, (known_shape, build) in _SHAPES.items():
        expression = slot.get()
        if isinstance(expression, XPath):
            patterns, shape = _patterns(expression.path)
            if shape == known_shape:
                found[slot] = (expression, _on_elements_only(build(patterns), expression))
    return found


def _on_elements_only(stand_in: Finder, expression: XPath) -> Finder:
    """The stand-in for an element, the XPath itself for anything else (an ElementTree, a
    comment: trafilatura never passes them here)."""
    def find(context: Any) -> list[HtmlElement]:
        if isinstance(context, _Element) and isinstance(context.tag, str):
            return stand_in(context)
        return expression(context)  # which also raises as the XPath would, e.g. for a comment
    return find


_STAND_INS = stand_ins()


@contextmanager
def swapped_in() -> Iterator[None]:
    """trafilatura uses the stand-ins for the length of the block, then what it had before.

    A slot takes its stand-in only if it still holds the very XPath the stand-in was made
    for (a program may have changed trafilatura's lists since), and gets that XPath back
    only if it still holds the stand-in: an inner block, or another thread's block, leaves
    the slots to the block that swapped them. No lock: the swap changes no answer, only the
    time, so a thread that runs trafilatura meanwhile may see either."""
    swapped = []
    for slot, (original, finder) in _STAND_INS.items():
        if slot.get() is original:
            slot.put(finder)
            swapped.append((slot, original, finder))
    try:
        yield
    finally:
        for slot, original, finder in swapped:
            if slot.get() is finder:
                slot.put(original)
