"""The extract stage on small real pages: fast path, its failure check, the headline line."""
from __future__ import annotations

from newsclean.chain import load_settings
from newsclean.record import new_item
from newsclean.stages.extract import ExtractStage, FastPathCheck, TitleLineFilter

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the night bus network to four new districts, "
    "after a year of complaints from shift workers who had no way home after midnight.",
    "The plan adds six routes and doubles the frequency on the two busiest lines, the council said, "
    "and it will be paid for from the parking fees raised since the spring.",
    "Residents of the northern districts welcomed the decision, although some asked why the buses "
    "would not run on Sundays, when the hospital shifts change late in the evening.",
    "The first of the new routes starts in March; the others follow before the summer holidays, "
    "once the drivers have been hired and trained for the longer night shifts.",
]


def article_page(title: str = "Night buses reach four more districts") -> str:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    menu = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(8))
    return (
        f"<html><head><title>{title} | The Daily Example</title>"
        f'<meta property="og:title" content="{title}"></head><body>'
        f"<nav><ul>{menu}</ul></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer><p>Copyright The Daily Example</p></footer></body></html>"
    )


def run(html: str, **settings) -> dict:
    stage = ExtractStage.from_settings(load_settings(settings))
    item = new_item(source="page.html", input_kind="html", html=html, url="https://example.org/news/1")
    return stage.process_item(item)


def test_html_page_gives_body_and_metadata_without_the_headline_line() -> None:
    item = run(article_page())
    assert item.get("error") is None
    assert item["meta"]["title"] == "Night buses reach four more districts"
    lines = item["body"].splitlines()
    assert lines[0].startswith("The city council voted")
    assert "Section 3" not in item["body"]
    assert {"rule": "extract:title-line", "text": "Night buses reach four more districts"} in item["removed"]


def test_text_dump_passes_through_untouched() -> None:
    stage = ExtractStage.from_settings(load_settings())
    raw = "Headline\n\nSome text.\n"
    item = stage.process_item(new_item(source="a.txt", input_kind="text", raw_text=raw))
    assert item["body"] == raw and item["meta"] == {} and item["chars_in"] == len(raw)


def test_settings_override_the_default_options() -> None:
    stage = ExtractStage.from_settings(load_settings({"NEWSCLEAN_EXTRACT_OPTIONS": {"fast": False}}))
    assert stage.options["fast"] is False


def test_fast_path_check_flags_fragments_and_menu_pages_only() -> None:
    check = FastPathCheck()
    assert check.looks_failed("")
    assert check.looks_failed("A short fragment of a page.")
    assert not check.looks_failed("\n".join(PARAGRAPHS))
    menu_page = "\n".join(f"Menu entry {i}" for i in range(80))
    assert check.looks_failed(menu_page)
    long_article = "\n".join(PARAGRAPHS * 15)
    assert not check.looks_failed(long_article)


def test_title_line_filter_matches_the_headline_not_a_short_word() -> None:
    title_filter = TitleLineFilter()
    title = "Night buses reach four more districts"
    assert title_filter.find([title, "Body."], title) == 0
    assert title_filter.find(["By Jane Doe", "Night buses reach four more districts!", "Body."], title) == 1
    assert title_filter.find(["Berlin", "Body."], "Berlin: night buses reach four more districts") is None
    assert title_filter.find(["Body.", "More body.", "Even more.", title], title) is None  # only the first lines
    assert title_filter.find([title], None) is None


def test_headline_alone_is_kept_rather_than_emptying_the_body() -> None:
    html = (
        "<html><head><title>Short note</title></head><body><article><p>Short note</p></article></body></html>"
    )
    item = run(html)
    assert "extract:title-line" not in [r["rule"] for r in item.get("removed") or []]


def test_decomposed_characters_come_out_composed() -> None:
    decomposed = "Zaz\u0307o\u0301\u0142c\u0301 ge\u0328s\u0301la\u0328 jaz\u0301n\u0301."  # "Zażółć gęślą jaźń." as NFD
    html = article_page().replace(PARAGRAPHS[0], PARAGRAPHS[0] + " " + decomposed)
    item = run(html)
    assert "Zażółć gęślą jaźń." in item["body"]


def test_metadata_date_follows_the_date_extraction_params() -> None:
    from lxml.html import fromstring

    from newsclean.stages.extract import MetadataReader

    # The date is only in the running text, not in markup or the URL.
    html = article_page().replace("<article>", "<article><p>Published on 12 March 2021 by the desk.</p>")
    extensive = MetadataReader().read(fromstring(html), "https://example.org/news/1")
    markup_only = MetadataReader({"original_date": True, "extensive_search": False}).read(
        fromstring(html), "https://example.org/news/1"
    )
    assert extensive["date"] == "2021-03-12"
    assert markup_only["date"] is None
    assert extensive["title"] == markup_only["title"] == "Night buses reach four more districts"


def test_article_at_the_end_of_a_twenty_megabyte_page_is_found() -> None:
    """libxml2 without huge_tree stops partway through such pages; the article must still come out."""
    import json

    import newsclean

    sentence = "Officials said the city would spend two million euros on new charging stations this year"
    article = "".join(f"<p>Paragraph {i}: {sentence} to drive the new electric buses.</p>" for i in range(30))
    state = json.dumps({"items": [{"id": i, "headline": f"Headline {i}", "body": "lorem ipsum " * 20} for i in range(2000)]})
    chunk = f"<script>window.__STATE__={state}</script>\n<img alt='' src='data:image/png;base64,{'iVBORw0KGgo' * 20000}'>\n"
    page = ("<!DOCTYPE html><html><head><title>Big page</title></head><body><nav>Home News</nav>"
            + chunk * (20_000_000 // len(chunk) + 1) + f"<article>{article}</article></body></html>")
    record = newsclean.clean_html(page, url="https://example.com/big")
    assert len(page) >= 20_000_000
    assert record["error"] is None
    assert sentence in record["text"]
    assert "Home News" not in record["text"]


def byline_page() -> str:
    """An author only in the page markup (a byline), none in meta tags or JSON-LD."""
    return article_page().replace("<article>", '<article><p class="byline">Anna Kowalska</p>')


def test_author_from_meta_tags_without_the_markup_search() -> None:
    page = article_page().replace("<head>", '<head><meta name="author" content="Jan Nowak">')
    assert run(page)["meta"]["author"] == "Jan Nowak"


def test_markup_byline_search_is_a_setting() -> None:
    # off by default: it costs a fifth of an extraction and is often not a name
    assert run(byline_page())["meta"]["author"] is None
    assert run(byline_page(), NEWSCLEAN_AUTHOR_SEARCH=True)["meta"]["author"] == "Anna Kowalska"
