"""Line plans (engine._Plan): one per line start serves the footer cut and the line rules."""
from __future__ import annotations

import random

import pytest

from newsclean.boilerplate import engine
from newsclean.boilerplate.engine import Cleaner, load_packs

# line starts of every rule kind (cut-after ones included), in several cases, with leads
# and without an ASCII key, so that heads alike in what the rules read share plans
STARTS = [
    "Wszystkie prawa zastrzeżone", "WSZYSTKIE komentarze", "Komentarze zostały wyłączone", "All rights reserved",
    "Comments are closed.", "Leave a Reply", "Czytaj też: Nowe przepisy", "Zobacz również", "Read more",
    "Reklama", "Newsletter", "(PAP)", "kar/PAP", "© 2024 Reuters", "Źródło: PAP", "Łódź i okolice",
    "Über uns", "— Mehr zum Thema", "» Lesen Sie auch", "12 komentarzy", "3 min czytania", "Dalsza część",
    "Discussion about this post", "Masz newsa, zdjęcia lub filmik?", "Top stories", "ordinary words here",
]


@pytest.fixture()
def cleaner() -> Cleaner:
    return Cleaner(load_packs(), article_blocks=False)


def test_a_lines_plan_holds_each_rule_sets_candidates_for_its_head(cleaner: Cleaner):
    rng = random.Random(5)
    lines = [start[:cut] + rest for start in STARTS for cut in (3, 5, len(start)) for rest in ("", " x", ":")]
    rng.shuffle(lines)  # plans are shared in whatever order heads come
    # each rule prefix after a line that differs from it in its last char only
    for prefix in sorted(cleaner._rule_prefixes):
        lines += [(prefix[:-1] + "q").capitalize() + " x", prefix.capitalize() + " x"]
    for line in lines:
        plan = cleaner._line_plan(line)
        head = engine.line_head(line)  # a rule set's candidates are worked out per head
        for name in ("line", "next_line", "marker", "cut_after"):
            assert getattr(plan, name) == getattr(cleaner, f"_{name}").candidates(head), (line, name)


def test_finding_with_a_plans_candidates_finds_what_finding_afresh_finds(cleaner: Cleaner):
    for line in STARTS:
        plan = cleaner._line_plan(line)
        for name in ("line", "next_line", "marker", "cut_after"):
            rules = getattr(cleaner, f"_{name}")
            with_plan, afresh = rules.find(line, getattr(plan, name)), rules.find(line)
            assert (with_plan and with_plan.group(0)) == (afresh and afresh.group(0)), (line, name)


def test_a_footer_is_cut_from_the_line_its_plan_names(cleaner: Cleaner):
    body = ["Akapit numer %d ma w sobie dość dużo słów, żeby coś ważył w tekście." % n for n in range(12)]
    result = cleaner.clean("\n".join(body + ["Komentarze zostały wyłączone", "Polityka prywatności"]))
    assert result.text == "\n".join(body)
    assert [(r["rule"], r["text"]) for r in result.removed] == [
        ("pl:comments-closed", "Komentarze zostały wyłączone\nPolityka prywatności")
    ]


def test_line_at_with_known_line_ends_is_line_at():
    rng = random.Random(11)
    for _ in range(300):
        lines = ["y" * rng.randint(1, 25) for _ in range(rng.randint(0, 10))]
        ends = engine._line_ends(lines)
        for chars in (-1, 0, 0.5, 3, rng.uniform(0, 300), 10_000):
            assert engine._line_at(lines, chars, ends) == engine._line_at(lines, chars), (lines, chars)
