"""The stand-ins for trafilatura's regex XPaths give the XPaths' answers, node for node."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import trafilatura
from lxml.etree import XPath
from lxml.html import HtmlElement

from newsclean.stages import fast_xpaths
from newsclean.stages.extract import parse_html

STAND_INS = sorted(fast_xpaths._STAND_INS.items(), key=lambda pair: (pair[0].name, pair[0].index or 0))
IDS = [f"{slot.name}[{slot.index}]" if slot.index is not None else slot.name for slot, _ in STAND_INS]

# Values that hit (or nearly hit) the regexes and literals of the replaced XPaths.
VALUES = [
    "", " ", "x", "post", "entry", "content", "text", "story", "cell", "comments-title", "comment", "Comments",
    "commentary", "comment-list", "comol", "article-comments", "post-comments", "disqus_thread", "dsq-comments",
    "reply-box", "a reply-box", "share-buttons", "sharing", "social", "footer", "site-Footer", "nav", "Navigation",
    "menu", "related", "elated", "hidden", "is hidden", "hide-print", "x-hide-y", "display:none", "display: none",
    "cookie-banner", "Cookie_Consent", "onetrust-x", "widget", "byline", "teaser", "caption", "article-body",
    "articleBody", "article__content", "entry-content", "post_text", "story-body", "primary", "main", "main-content",
    "Main-Content", "MAIN-CONTENT", "page-content", "Page-content", "content-main", "contentBody", "fulltext",
    "FullText", "mvp-post-add-box", "infinite-scroll", "infinitescroll", "elementor-share-buttons x", "article ",
    "article x", "ad-slot", "x ad y", "true", "false", "navbar", "tags", "ArticleContent", "single-post",
]
ATTRIBUTES = ["id", "class", "style", "role", "itemprop", "aria-hidden", "data-component",
              "data-lp-replacement-content", "title"]
TAGS = ["div", "section", "article", "main", "aside", "p", "span", "ul", "ol", "li", "list", "item", "details",
        "footer", "header", "h1", "h2", "script", "style", "svg", "template", "fencedframe", "a", "table"]


def random_page(rng: random.Random) -> str:
    """A page of random nesting, tags and attributes, the attributes in random order."""
    def element(depth: int) -> str:
        tag = rng.choice(TAGS)
        names = rng.sample(ATTRIBUTES, rng.choice([0, 0, 1, 2, 2, 3, 4]))
        attrs = "".join(f' {name}="{rng.choice(VALUES)}"' for name in names)
        if tag == "div" and rng.random() < 0.1:
            attrs += ' role="Navigation"'
        children = "".join(element(depth + 1) for _ in range(rng.randint(0, 4 if depth < 4 else 0)))
        return f"<{tag}{attrs}>t{children}</{tag}>tail"
    return "<html><head><title>t</title></head><body>" + "".join(element(0) for _ in range(6)) + "</body></html>"


def test_every_stand_in_is_in_use() -> None:
    """Each stand-in matched the installed trafilatura's XPath: an upgrade that changes one
    fails here instead of silently going back to the slow XPath."""
    assert len(fast_xpaths._STAND_INS) == len(fast_xpaths._SHAPES) == 9


@pytest.mark.parametrize(("slot", "pair"), STAND_INS, ids=IDS)
def test_stand_in_finds_what_the_xpath_finds(slot: fast_xpaths.Slot, pair: tuple[XPath, object]) -> None:
    xpath, stand_in = pair
    rng = random.Random(f"{slot}")
    for _ in range(150):
        tree = parse_html(random_page(rng))
        # from the root and from inner elements (trafilatura also applies them to subtrees)
        inner = list(tree.iter("div", "section", "body"))
        for context in [tree, *rng.sample(inner, min(2, len(inner)))]:
            assert stand_in(context) == xpath(context)


@pytest.mark.parametrize(("slot", "pair"), STAND_INS, ids=IDS)
def test_stand_in_on_the_fixture_pages(slot: fast_xpaths.Slot, pair: tuple[XPath, object]) -> None:
    xpath, stand_in = pair
    pages = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").rglob("*.html"))
    assert pages
    for page in pages:
        tree = parse_html(page.read_bytes().decode("utf-8", "replace"))
        if tree is not None:
            for context in (tree, *tree.iter("body", "article")):
                assert stand_in(context) == xpath(context), page


def test_attribute_unions_take_the_attribute_written_first() -> None:
    """``starts-with(@id|@class, 'reply-')`` reads whichever attribute comes first in the tag."""
    slot = fast_xpaths.Slot("trafilatura.xpaths", "OVERALL_DISCARD_XPATH", 1)
    xpath, stand_in = fast_xpaths._STAND_INS[slot]
    tree = parse_html('<html><body><div class="reply-a" id="b">1</div><div id="b" class="reply-a">2</div>'
                      '<div id="reply-b">3</div></body></html>')
    found = [element.text for element in stand_in(tree)]
    assert found == [element.text for element in xpath(tree)] == ["1", "3"]


def test_bracketless_position_is_per_parent() -> None:
    """``.//*[…][1]`` is the first match among each element's children, not the first in the page."""
    slot = fast_xpaths.Slot("trafilatura.xpaths", "BODY_XPATH", 0)
    xpath, stand_in = fast_xpaths._STAND_INS[slot]
    tree = parse_html('<html><body><div class="post">1</div><div class="post">2</div>'
                      '<section><div class="entry">3</div></section></body></html>')
    assert [e.text for e in stand_in(tree)] == [e.text for e in xpath(tree)] == ["1", "3"]


def test_an_xpath_of_another_shape_keeps_its_place() -> None:
    """A stand-in replaces only the expression it was written for; new regex tokens are fine."""
    slot = fast_xpaths.Slot("trafilatura.xpaths", "RAW_TREE_PRUNE_XPATH", 1)
    original = slot.get()
    namespaces = {"re": "http://exslt.org/regular-expressions"}
    try:
        slot.put(XPath(original.path.replace("elementor-share-buttons", "other-buttons")))
        assert slot not in fast_xpaths.stand_ins()
        retokened = fast_xpaths.Slot("trafilatura.xpaths", "RAW_TREE_PRUNE_XPATH", 0)
        kept = retokened.get()
        retokened.put(XPath(kept.path.replace("infinite-?scroll", "infinite-?scroll|endless"), namespaces=namespaces))
        try:
            assert retokened in fast_xpaths.stand_ins()
        finally:
            retokened.put(kept)
    finally:
        slot.put(original)


def test_a_literal_with_other_spacing_is_another_xpath() -> None:
    """Spaces inside a string literal are part of its meaning: 'display:  none' is not 'display: none'."""
    slot = fast_xpaths.Slot("trafilatura.xpaths", "OVERALL_DISCARD_XPATH", 1)
    original = slot.get()
    try:
        slot.put(XPath(original.path.replace("'display: none'", "'display:  none'"),
                       namespaces={"re": "http://exslt.org/regular-expressions"}))
        assert slot not in fast_xpaths.stand_ins()
    finally:
        slot.put(original)


def test_a_list_changed_by_the_program_is_left_as_it_is() -> None:
    """A program that changed a list after newsclean was imported keeps its change: slots whose
    XPath moved are not swapped, and every slot ends as it was before the block."""
    body_xpaths = trafilatura.xpaths.BODY_XPATH
    mine = XPath(".//div[@id='mine']")
    body_xpaths.insert(0, mine)
    try:
        before = list(body_xpaths)
        with fast_xpaths.swapped_in():
            assert list(body_xpaths) == before  # every BODY_XPATH slot moved: none swapped
        assert list(body_xpaths) == before
    finally:
        body_xpaths.remove(mine)


def test_an_inner_block_leaves_the_slots_to_the_outer_one() -> None:
    slots = list(fast_xpaths._STAND_INS)
    with fast_xpaths.swapped_in():
        inside = [slot.get() for slot in slots]
        with fast_xpaths.swapped_in():
            pass
        assert [slot.get() for slot in slots] == inside
        assert not any(isinstance(value, XPath) for value in inside)
    assert all(slot.get() is original for slot, (original, _) in fast_xpaths._STAND_INS.items())


def test_a_comment_goes_to_the_xpath() -> None:
    from lxml.html import HtmlComment
    slot = fast_xpaths.Slot("trafilatura.xpaths", "OVERALL_DISCARD_XPATH", 0)
    xpath, stand_in = fast_xpaths._STAND_INS[slot]
    with pytest.raises(ValueError):
        xpath(HtmlComment("x"))
    with pytest.raises(ValueError):
        stand_in(HtmlComment("x"))


def test_trafilatura_is_unchanged_outside_the_block() -> None:
    before = {slot: slot.get() for slot in fast_xpaths._STAND_INS}
    with pytest.raises(RuntimeError):
        with fast_xpaths.swapped_in():
            assert all(not isinstance(slot.get(), XPath) for slot in before)
            raise RuntimeError
    assert {slot: slot.get() for slot in before} == before
    assert sys.modules["trafilatura.baseline"].BASIC_CLEAN_XPATH is trafilatura.settings.BASIC_CLEAN_XPATH


def test_extraction_is_the_same_with_and_without_them() -> None:
    html = Path(__file__).resolve().parent.parent.joinpath("fixtures/site/en/news/library-opening.html").read_text("utf-8")
    tree = parse_html(html)
    assert isinstance(tree, HtmlElement)
    plain = trafilatura.bare_extraction(tree, include_comments=False, fast=False).text
    with fast_xpaths.swapped_in():
        swapped = trafilatura.bare_extraction(tree, include_comments=False, fast=False).text
    assert swapped == plain and len(plain) > 200


def test_a_whole_document_goes_to_the_xpath() -> None:
    """An ElementTree (no ``iterdescendants``) is answered by the XPath itself."""
    slot = fast_xpaths.Slot("trafilatura.xpaths", "OVERALL_DISCARD_XPATH", 1)
    xpath, stand_in = fast_xpaths._STAND_INS[slot]
    document = parse_html('<html><body><div class="x"><p aria-hidden="true">x</p></div></body></html>').getroottree()
    assert [element.tag for element in stand_in(document)] == [element.tag for element in xpath(document)] == ["p"]
