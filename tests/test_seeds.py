"""The user's five sample dumps: what a correct record keeps, drops and reports."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import newsclean
from newsclean.boilerplate.structure import same_title

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EXPECTED = sorted((SEEDS / "expected").glob("*.json"))


def ws(text: str) -> str:
    return " ".join((text or "").split())


@pytest.fixture(scope="module", params=EXPECTED, ids=lambda p: p.stem)
def case(request):
    expected = json.loads(request.param.read_text(encoding="utf-8"))
    path = SEEDS / expected["file"]
    record = newsclean.clean_text(path.read_text(encoding="utf-8"), source=str(path))
    return expected, record


def test_no_error(case):
    _, record = case
    assert record["error"] is None


def test_keeps_article_text(case):
    expected, record = case
    text = ws(record["text"])
    missing = [snippet for snippet in expected["keep"] if ws(snippet) not in text]
    assert not missing


def test_drops_boilerplate(case):
    expected, record = case
    text = ws(record["text"])
    kept = [snippet for snippet in expected["drop"] if ws(snippet) in text]
    assert not kept


def test_title(case):
    expected, record = case
    assert record["title"] == expected["title"]


def test_body_does_not_repeat_title(case):
    _, record = case
    if record["title"]:
        assert not any(same_title(p, record["title"]) for p in record["text"].split("\n\n"))
        assert ws(record["title"]) not in ws(record["text"])


def test_language(case):
    expected, record = case
    assert record["language"]["code"] == expected["language"]


def test_date(case):
    expected, record = case
    if expected["date"] is None:
        # a header widget's date may be reported, but only as the page's date, never as published
        assert record["date"] is None or record["date"]["kind"] != "published"
    else:
        assert record["date"] is not None
        assert (record["date"]["value"], record["date"]["precision"]) == (expected["date"], expected["date_precision"])


def test_every_removal_names_its_rule(case):
    _, record = case
    for removal in record["removed"]:
        assert removal["rule"] and ":" in removal["rule"]
        assert removal["text"].strip()


def test_header_dates_are_findable_in_removed(case):
    expected, record = case
    rules = {r["rule"] for r in record["removed"]}
    if expected["date"]:
        prefix = [r for r in record["removed"] if r["rule"] == "struct:date-prefix"]
        assert prefix and prefix[0]["text"] == f"date {expected['date']}"
    assert "date " + (expected["date"] or "none") not in record["text"]
    if "Tuesday, July 23, 2024" in (SEEDS / expected["file"]).read_text(encoding="utf-8"):
        assert "struct:header-date" in rules
