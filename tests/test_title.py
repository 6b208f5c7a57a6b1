"""The title stage: a dump's headline, HTML metadata title, and a body that never repeats it."""
from __future__ import annotations

import pytest

import newsclean
from newsclean.chain import load_settings
from newsclean.stages.title import TitleStage

PARAGRAPH = (
    "The city council approved the new budget on Monday after a long debate. The plan raises spending on "
    "schools and roads, and the mayor said the vote showed broad support."
)
PARAGRAPH_2 = "Opposition members said they would keep pressing for lower taxes in the next session of the council."


@pytest.fixture()
def stage() -> TitleStage:
    return TitleStage.from_settings(load_settings())


def run(stage: TitleStage, **item):
    item.setdefault("removed", [])
    stage.process_item(item)
    return item


def test_dump_headline_becomes_title_and_leaves_the_body(stage):
    item = run(stage, input_kind="text", body=f"City council approves budget for schools\n{PARAGRAPH}\n{PARAGRAPH_2}")
    assert item["title"] == "City council approves budget for schools"
    assert item["body"].splitlines() == [PARAGRAPH, PARAGRAPH_2]


def test_repeated_headline_near_the_top_leaves_the_body(stage):
    body = f"City council approves budget for schools\n{PARAGRAPH}\nCity council approves\u00a0budget for schools\n{PARAGRAPH_2}"
    item = run(stage, input_kind="text", body=body)
    assert item["title"] == "City council approves budget for schools"
    assert item["body"].splitlines() == [PARAGRAPH, PARAGRAPH_2]
    assert item["removed"] == [{"rule": "title:repeat", "text": "City council approves\u00a0budget for schools"}]


def test_a_first_line_that_is_a_paragraph_is_not_a_title(stage):
    item = run(stage, input_kind="text", body=f"{PARAGRAPH}\n{PARAGRAPH_2}")
    assert item["title"] is None
    assert item["body"].splitlines() == [PARAGRAPH, PARAGRAPH_2]


@pytest.mark.parametrize("first", ["Home", "Read the full statement below:", "It rained."])
def test_short_or_sentence_like_first_lines_are_not_titles(stage, first):
    item = run(stage, input_kind="text", body=f"{first}\n{PARAGRAPH}")
    assert item["title"] is None


def test_dump_without_headline_falls_back_to_the_crawl_hint(stage):
    item = run(stage, input_kind="text", body=f"{PARAGRAPH}\n{PARAGRAPH_2}", hints={"title": "Budget approved"})
    assert item["title"] == "Budget approved"


def test_html_title_from_metadata_and_first_line_repeat_dropped(stage):
    item = run(stage, input_kind="html", body=f"Budget approved\n{PARAGRAPH}", meta={"title": "Budget  approved"},
               hints={"title": "Other"})
    assert item["title"] == "Budget approved"
    assert item["body"] == PARAGRAPH


def test_html_without_metadata_title_uses_the_hint(stage):
    item = run(stage, input_kind="html", body=PARAGRAPH, meta={"title": None}, hints={"title": "From the sitemap"})
    assert item["title"] == "From the sitemap"
    assert item["body"] == PARAGRAPH


def test_html_without_any_title(stage):
    item = run(stage, input_kind="html", body=PARAGRAPH, meta={})
    assert item["title"] is None and item["body"] == PARAGRAPH


def test_end_to_end_html_record_does_not_repeat_its_title():
    html = (
        "<html><head><title>Budget approved after long debate</title></head><body><article>"
        "<h1>Budget approved after long debate</h1>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH_2}</p><p>- Advertisement -</p><p>{PARAGRAPH} Again.</p>"
        "</article></body></html>"
    )
    record = newsclean.clean_html(html, url="http://127.0.0.1/budget")
    assert record["error"] is None
    assert record["title"] == "Budget approved after long debate"
    assert not record["text"].startswith("Budget approved")
    assert "Advertisement" not in record["text"]
    assert PARAGRAPH_2 in record["text"]


def test_end_to_end_dump_with_header_widgets_before_the_title():
    text = "\n".join(["21 C", "Monday, March 4, 2024", "", "City council approves budget for schools", "", PARAGRAPH, "", PARAGRAPH_2])
    record = newsclean.clean_text(text, source="dump.txt")
    assert record["error"] is None
    assert record["title"] == "City council approves budget for schools"
    assert "City council approves" not in record["text"]
    assert "Monday, March 4, 2024" not in record["text"]
    assert {"rule": "struct:header-date", "text": "Monday, March 4, 2024"} in record["removed"]


def test_html_first_line_is_the_title_without_the_site_name(stage):
    item = run(stage, input_kind="html", body=f"Budget approved after long debate\n{PARAGRAPH}",
               meta={"title": "Budget approved after long debate | City News"})
    assert item["body"] == PARAGRAPH


def test_a_line_that_only_starts_like_the_title_stays(stage):
    item = run(stage, input_kind="html", body=f"Budget approved after long debate, and taxes rise\n{PARAGRAPH}",
               meta={"title": "Budget approved after long debate"})
    assert item["body"].splitlines()[0] == "Budget approved after long debate, and taxes rise"


def test_dump_opening_with_the_page_title_prefers_the_bare_headline(stage):
    body = f"Budget approved after long debate - City News\nHome\nBudget approved after long debate\n{PARAGRAPH}"
    item = run(stage, input_kind="text", body=body)
    assert item["title"] == "Budget approved after long debate"
    assert item["body"].splitlines() == ["Home", PARAGRAPH]
