"""The two benchmark metrics on small hand-made cases, worked out by hand."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

# benchmarks/ is a folder of the repository, not part of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.metrics import (
    SnippetScore,
    collapse_ws,
    score_page,
    shingle_corpus,
    shingles,
)
from benchmarks.quality import date_match, language_groups, normalise_gold_date


# --- ScrapingHub shingles ------------------------------------------------------


def test_empty_text_has_no_shingles() -> None:
    assert shingles("") == {}
    assert shingles("  ,;— ") == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("one", ("one",)),
        ("one two", ("one", "two")),
        ("one, two; three!", ("one", "two", "three")),
    ],
)
def test_one_to_three_tokens_make_one_shingle(text: str, expected: tuple[str, ...]) -> None:
    assert shingles(text) == {expected: 1}


def test_four_and_more_tokens_slide_a_window_of_four() -> None:
    assert sorted(shingles("a b c d e")) == [("a", "b", "c", "d"), ("b", "c", "d", "e")]


def test_tokens_keep_case_and_split_on_non_word_characters() -> None:
    assert shingles("Ala ma-kota") == {("Ala", "ma", "kota"): 1}
    assert shingles("ala ma kota") != shingles("Ala ma kota")


def test_repeated_shingles_are_counted_as_a_multiset() -> None:
    text = "x y z w x y z w"
    counted = shingles(text)
    assert counted[("x", "y", "z", "w")] == 2
    assert sum(counted.values()) == 5
    # The gold holds the paragraph once; a prediction repeating it gets the repeat as FP.
    page = score_page(text, "x y z w")
    assert (page.tp, page.fp, page.fn) == (1, 4, 0)
    assert page.precision == pytest.approx(1 / 5)
    assert page.recall == 1.0


def test_perfect_prediction_scores_one() -> None:
    gold = "The quick brown fox jumps over the lazy dog."
    page = score_page("The quick  brown fox\njumps over the lazy dog", gold)
    assert (page.fp, page.fn) == (0, 0)
    assert page.precision == page.recall == 1.0


def test_empty_prediction_has_zero_recall_and_is_left_out_of_precision() -> None:
    page = score_page("", "one two three four five")
    assert page.empty_prediction
    assert (page.tp, page.fp, page.fn) == (0, 0, 2)
    assert page.recall == 0.0


def test_empty_prediction_of_an_empty_gold_is_perfect() -> None:
    page = score_page("", "")
    assert page.precision == page.recall == 1.0


def test_partial_overlap_page_scores() -> None:
    # gold: a b c d e f → 3 shingles; prediction: c d e f g → 2 shingles, 1 shared (c d e f)
    page = score_page("c d e f g", "a b c d e f")
    assert (page.tp, page.fp, page.fn) == (1, 1, 2)
    assert page.precision == pytest.approx(0.5)
    assert page.recall == pytest.approx(1 / 3)


def test_corpus_means_skip_empty_predictions_for_precision_only() -> None:
    perfect = score_page("a b c d", "a b c d")  # P 1, R 1
    half = score_page("c d e f g", "a b c d e f")  # P 0.5, R 1/3
    empty = score_page("", "a b c d")  # no prediction: R 0, not in P
    corpus = shingle_corpus([perfect, half, empty])
    assert corpus.pages == 3 and corpus.empty == 1
    assert corpus.precision == pytest.approx((1 + 0.5) / 2)
    assert corpus.recall == pytest.approx((1 + 1 / 3 + 0) / 3)
    p, r = 0.75, 4 / 9
    assert corpus.f1 == pytest.approx(2 * p * r / (p + r))


def test_corpus_of_only_empty_predictions_scores_zero() -> None:
    corpus = shingle_corpus([score_page("", "a b c d"), score_page("", "e f")])
    assert corpus.precision == 0.0 and corpus.recall == 0.0 and corpus.f1 == 0.0


# --- trafilatura snippets -------------------------------------------------------------


def test_collapse_ws_joins_all_whitespace_runs() -> None:
    assert collapse_ws("  a\n\n b\t\u00a0c  ") == "a b c"
    assert collapse_ws(None) == ""  # type: ignore[arg-type]


def test_snippets_match_across_line_breaks_and_case_sensitively() -> None:
    score = SnippetScore()
    prediction = "First  paragraph\nends here.\n\nSecond one."
    score.add(prediction, with_=["paragraph ends here.", "second one."], without=["Menu", "Second\n one"])
    assert (score.tp, score.fn, score.fp, score.tn) == (1, 1, 1, 1)
    assert ("", "missing", "second one.") in score.failures
    assert ("", "kept", "Second\n one") in score.failures


def test_snippet_whitespace_inside_the_snippet_is_collapsed_too() -> None:
    score = SnippetScore()
    score.add("Ala ma kota", with_=["Ala   ma\nkota"], without=[])
    assert score.tp == 1


def test_snippet_scores_sum_over_the_corpus() -> None:
    score = SnippetScore()
    score.add("keep this", ["keep this"], ["drop that"], "p1")
    score.add("", ["lost"], ["drop that"], "p2")  # empty prediction: with → FN, without → TN
    assert (score.tp, score.fp, score.fn, score.tn, score.pages) == (1, 0, 1, 2, 2)
    assert score.precision == 1.0
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 * 1 / (2 * 1 + 0 + 1))


def test_snippet_f1_with_false_positives() -> None:
    score = SnippetScore()
    score.add("a b c", ["a", "x"], ["b", "c"])
    assert (score.tp, score.fp, score.fn) == (1, 2, 1)
    assert score.f1 == pytest.approx(2 / (2 + 2 + 1))


def test_empty_snippet_score_is_zero_not_an_error() -> None:
    assert SnippetScore().f1 == 0.0 and SnippetScore().precision == 0.0


def test_snippet_scores_add_up() -> None:
    a, b = SnippetScore(), SnippetScore()
    a.add("x", ["x"], [], "p1")
    b.add("y", ["x"], ["y"], "p2")
    a += b
    assert (a.tp, a.fp, a.fn, a.pages) == (1, 1, 1, 2)
    assert len(a.failures) == 2


# --- the harness's date and language helpers -------------------------------------------


def test_gold_dates_are_normalised() -> None:
    assert normalise_gold_date("2022-11-1") == "2022-11-01"
    assert normalise_gold_date("2021-03-04T10:00") == "2021-03-04"
    assert normalise_gold_date("March 2021") is None


@pytest.mark.parametrize(
    "predicted, exact, consistent",
    [
        ("2023-09-14", True, True),
        ("2023-09-15", False, False),
        ("2023-09", False, True),  # month precision: right month, but it does not say the day
        ("2023-08", False, False),
        ("2023", False, True),
        ("2023-09-14T08:00:00+02:00", True, True),
        (None, False, False),
        ("", False, False),
        ("yesterday", False, False),
    ],
)
def test_date_match_scores_at_the_gold_precision(predicted: str | None, exact: bool, consistent: bool) -> None:
    assert date_match(predicted, "2023-09-14") == (exact, consistent)


def test_language_groups_keep_polish_and_pool_rare_languages() -> None:
    languages = {f"de{i}": "de" for i in range(6)} | {"pl1": "pl", "fi1": "fi", "hu1": "hu"}
    groups = language_groups(languages)
    assert list(groups) == ["pl", "de", "other"]
    assert sorted(groups["other"]) == ["fi1", "hu1"]


# --- the harness end to end on a tiny evaluation folder -----------------------------------

ARTICLE = (
    "The river rose by two metres overnight and the old bridge was closed to traffic at dawn. "
    "Engineers will inspect the pillars once the water falls, the town said in a statement. "
    "Shops along the embankment moved their stock upstairs, and the school stayed closed."
)


def _page(title: str) -> str:
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in ARTICLE.split(". ") if sentence)
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Contact us</footer></body></html>"
    )


def test_harness_writes_a_table_for_a_tiny_folder(tmp_path: Path) -> None:
    import gzip
    import json

    from benchmarks.quality import main

    sh = tmp_path / "scrapinghub"
    (sh / "html").mkdir(parents=True)
    (sh / "dumps").mkdir()
    (sh / "html" / "p1.html.gz").write_bytes(gzip.compress(_page("River closes bridge").encode()))
    (sh / "dumps" / "p1.txt").write_text("Home\nRiver closes bridge\n" + ARTICLE + "\nContact us\n", encoding="utf-8")
    (sh / "ground_truth.json").write_text(json.dumps({"p1": {"url": "https://example.org/a", "articleBody": ARTICLE}}))
    tr = tmp_path / "trafilatura"
    (tr / "html").mkdir(parents=True)
    (tr / "dumps").mkdir()
    (tr / "html" / "b.html.gz").write_bytes(gzip.compress(_page("Bridge shut").encode("cp1252")))
    (tr / "dumps" / "b.txt").write_text("Home\n" + ARTICLE + "\n", encoding="utf-8")
    entry = {"file": "b.html", "url": "https://example.org/b", "with": ["two metres overnight"],
             "without": ["Contact us"], "date": "2024-05-01"}
    (tr / "evaldata.json").write_text(json.dumps([entry]))

    out = tmp_path / "quality.md"
    assert main(["--data", str(tmp_path), "--out", str(out), "--runner", "api"]) == 0
    table = out.read_text(encoding="utf-8")
    assert "| scrapinghub | html | 1 |" in table
    assert "| trafilatura | dumps | 1 |" in table
    assert "| trafilatura metadata | html |" in table
    # The article is found whole and the footer left out by both systems.
    row = next(line for line in table.splitlines() if line.startswith("| trafilatura | html |"))
    assert row.split("|")[6].strip() == "1.000"  # newsclean F1
