"""select_article_lines: the article block of a plain-text dump."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclean.boilerplate.blocks import (
    MODEL_PATH,
    DumpLineModel,
    detect_stoplist_language,
    select_article_lines,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _seed(path: Path) -> tuple[list[str], dict]:
    expected = json.loads((path.parent / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8").splitlines(), expected


def _missing_keeps(lines: list[str], expected: dict) -> list[str]:
    kept, _ = select_article_lines(lines, language=expected.get("language"))
    text = _collapse("\n".join(kept))
    return [k for k in expected["keep"] if _collapse(k) not in text]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_keeps_survive_raw_lines(path: Path) -> None:
    lines, expected = _seed(path)
    assert _missing_keeps(lines, expected) == []


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_keeps_survive_after_boilerplate_lines_are_gone(path: Path) -> None:
    # what the rule engine hands over: the known boilerplate lines already removed
    lines, expected = _seed(path)
    drops = [_collapse(d) for d in expected["drop"]]
    keeps = [_collapse(k) for k in expected["keep"]]
    cleaned = [
        line for line in lines
        if not any(d in _collapse(line) for d in drops) or any(k in _collapse(line) for k in keeps)
    ]
    assert _missing_keeps(cleaned, expected) == []


def test_seed_related_list_is_dropped_with_reasons() -> None:
    lines, expected = _seed(SEEDS[0])
    kept, removed = select_article_lines(lines)
    text = _collapse("\n".join(kept))
    dropped = [d for d in expected["drop"] if _collapse(d) not in text]
    assert len(dropped) >= len(expected["drop"]) - 3
    assert {r["rule"] for r in removed} <= {
        "block:link-list", "block:outside-article", "block:short-line", "block:low-text-density", "block:context",
    }


def _synthetic_page() -> list[str]:
    menu = ["Home", "World", "Business", "Sport", "Culture", "Weather", "Contact"]
    article = [
        "City council approves new budget for public transport",
        "The city council approved on Tuesday a budget that doubles the money spent on buses and trams, "
        "after a debate that lasted for more than six hours.",
        "The mayor said that the plan was the only way to cut the traffic in the centre, and that the "
        "first new lines would open in the spring of next year.",
        "Opposition members argued that the city could not afford it, but the vote was won by a clear "
        "majority of the councillors who were present in the chamber.",
        "What happens next",
        "The budget now goes to the regional office, which has thirty days to check that it is in line "
        "with the law before it can come into force.",
    ]
    footer = ["Related", "Five things to do this weekend", "Traffic news", "Newsletter", "Privacy policy",
              "Terms of use", "© 2024 Example Media"]
    return menu + [""] + article + [""] + footer


def test_article_kept_menus_and_footer_dropped() -> None:
    lines = _synthetic_page()
    kept, removed = select_article_lines(lines, language="en")
    text = "\n".join(kept)
    assert "doubles the money spent on buses" in text
    assert "thirty days to check" in text
    assert "What happens next" in text  # a subheading inside the article stays
    for gone in ("Business", "Weather", "Privacy policy", "Terms of use"):
        assert gone not in text
    rules = {r["text"]: r["rule"] for r in removed}
    assert rules["Business"] == "block:link-list"
    # every non-blank input line is either kept or reported as removed, once
    assert len([line for line in kept if line.strip()]) + len(removed) == len([line for line in lines if line.strip()])


def test_removed_lines_are_reported_in_order_and_input_untouched() -> None:
    lines = _synthetic_page()
    before = list(lines)
    kept, removed = select_article_lines(lines)
    assert lines == before
    body = [line for line in lines if line.strip()]
    positions = [body.index(r["text"]) for r in removed]
    assert positions == sorted(positions)


def test_deterministic() -> None:
    lines, _ = _seed(SEEDS[0])
    assert select_article_lines(lines) == select_article_lines(list(lines))


def test_language_given_or_detected_agree_on_polish_seed() -> None:
    lines, expected = _seed(SEEDS[0])
    assert expected["language"] == "pl"
    assert select_article_lines(lines, language="pl") == select_article_lines(lines)


@pytest.mark.parametrize(
    "text, language",
    [
        ("Władimir Putin przybył we wtorek wieczorem do Korei Północnej, jak informuje agencja, "
         "powołując się na rosyjskie media. To jest pierwsza od lat wizyta w tym kraju.", "Polish"),
        ("The council approved the budget on Tuesday after a debate that lasted for more than six hours "
         "and the mayor said that it was the only way.", "English"),
        ("Der Stadtrat hat am Dienstag den Haushalt beschlossen, nachdem die Debatte mehr als sechs "
         "Stunden gedauert hatte und der Bürgermeister sprach.", "German"),
    ],
)
def test_stoplist_language_detection(text: str, language: str) -> None:
    assert detect_stoplist_language([text]) == language


def test_edge_inputs() -> None:
    assert select_article_lines([]) == ([], [])
    assert select_article_lines(["", "   "]) == ([], [])
    kept, removed = select_article_lines(["Only one line here."])
    assert kept == ["Only one line here."] and removed == []
    # never empty for a page that has text, even when nothing looks like an article
    kept, _ = select_article_lines(["Home", "News", "Sport"])
    assert len(kept) >= 1


def test_huge_repetitive_dump_does_not_break() -> None:
    lines = ["Home"] * 5000 + ["A long enough sentence that reads like the text of an article, with words."] * 3
    kept, removed = select_article_lines(lines, language="xx")  # unknown language: detected instead
    assert len(kept) + len(removed) == len(lines)
    assert kept[-1].startswith("A long enough sentence")


def test_unspaced_script_lines_count_as_text() -> None:
    menu = ["ホーム", "ニュース", "スポーツ", "天気", "お問い合わせ"]
    body = [
        "市議会は火曜日、バスと路面電車に使う予算を二倍にする計画を承認しました。議論は六時間以上続きました。",
        "市長は、この計画が中心部の交通を減らす唯一の方法であり、最初の新しい路線は来年の春に開通すると述べました。",
        "反対派はこの費用を市が負担できないと主張しましたが、投票は出席した議員の明確な多数で可決されました。",
    ]
    kept, _ = select_article_lines(menu + body + menu)
    text = "\n".join(kept)
    assert all(line in text for line in body)
    assert "お問い合わせ" not in text


def test_shipped_model_is_plain_json_and_loads() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = DumpLineModel.load(MODEL_PATH)
    assert len(model.line.weights) == len(data["line"]["features"])
    assert 0.0 < model.threshold < 1.0


def test_sentence_end_count_is_the_plain_rule():
    import re

    from newsclean.boilerplate.blocks import _SENTENCE_END_RE

    plain = re.compile(r"[.!?…][\"'”»)]?(?:\s|$)|[。！？]")
    for text in ["a。b", 'x." y', 'x."y', "a... b", "end!", "q?)", "…", "a.”", "。！？", ".。", "No end", "1.5 m. Then"]:
        assert len(_SENTENCE_END_RE.findall(text)) == len(plain.findall(text)), text


def test_shared_tokens_give_the_same_features_and_language():
    from newsclean.boilerplate.blocks import Tokens, line_features, stoplist_for

    lines, _ = _seed(SEEDS[0])
    body = [line for line in lines if line.strip()]
    tokens = Tokens(body)
    stop = stoplist_for(None, body)
    assert stoplist_for(None, body, tokens) == stop
    assert line_features(body, stop, tokens) == line_features(body, stop)


def test_word_counts_come_back_from_log_words_sq_exactly():
    # select_article_lines reads the word counts directly instead of decoding them from the rows
    import math

    for k in range(100_000):
        log_words = math.log1p(k)
        assert math.sqrt(log_words * log_words) == log_words
        assert round(math.expm1(math.sqrt(log_words * log_words))) == k


def test_fast_scoring_path_gives_the_public_functions_numbers():
    from newsclean.boilerplate.blocks import (
        Tokens,
        _line_features,
        context_features,
        default_model,
        line_features,
        stoplist_for,
    )

    model = default_model()
    for path in SEEDS[:3]:
        lines, _ = _seed(path)
        body = [line for line in lines if line.strip()]
        tokens = Tokens(body)
        stop = stoplist_for(None, body, tokens)
        features = _line_features(body, stop, tokens)
        rows = line_features(body, stop)
        assert features.matrix.T.tolist() == rows
        (first, context, final), public = model._score_matrix(features.matrix), model.score_rows(rows)
        assert (first.tolist(), final.tolist()) == (public.first, public.final)
        assert context.T.tolist() == public.context == context_features(rows, public.first)


def test_ascii_lines_split_into_the_word_regex_words():
    import random
    import re

    from newsclean.boilerplate.blocks import Tokens

    every_ascii = "".join(map(chr, range(1, 128)))
    rng = random.Random(7)
    lines = [every_ascii, every_ascii[::-1], "a_b c-d 1.5 x's", "  Hello,World!  ", "___", "-- --", ""]
    lines += ["".join(rng.choice(every_ascii) for _ in range(rng.randrange(1, 40))) for _ in range(500)]
    tokens = Tokens(lines)
    assert tokens.words == [re.findall(r"\w+", line.strip().lower()) for line in lines]


def test_window_means_are_the_plain_clipped_means():
    import numpy as np

    from newsclean.boilerplate.blocks import _prefix_sums, _window_means

    def plain(values: list[float], radius: int) -> list[float]:
        # the trained model's arithmetic: prefix sums; full windows times the reciprocal
        n, width = len(values), 2 * radius + 1
        prefix = [0.0]
        for value in values:
            prefix.append(prefix[-1] + value)
        out = []
        for i in range(n):
            hi, lo = min(n, i + radius + 1), max(0, i - radius)
            out.append((prefix[hi] - prefix[lo]) * (1.0 / width) if n > width and hi - lo == width
                       else (prefix[hi] - prefix[lo]) / (hi - lo))
        return out

    rng = np.random.default_rng(3)
    for n in range(0, 30):
        values = rng.random(n)
        for radius in (1, 2, 4, 8):
            assert _window_means(_prefix_sums(values), radius).tolist() == plain(values.tolist(), radius), (n, radius)


def test_distance_and_log1p_helpers_are_exact():
    import math

    import numpy as np

    from newsclean.boilerplate.blocks import _distance_to, _log1p_counts

    counts = np.array([0, 1, 7, 4095, 4096, 123456])
    assert _log1p_counts(counts).tolist() == [math.log1p(k) for k in counts.tolist()]
    assert _log1p_counts(counts[:4], 4095).tolist() == [math.log1p(k) for k in counts[:4].tolist()]
    rng = np.random.default_rng(5)
    for n in range(0, 25):
        flags = rng.random(n) < 0.2
        marked = np.flatnonzero(flags).tolist()
        expected = [math.log1p(min([abs(i - j) for j in marked], default=n)) for i in range(n)]
        assert _distance_to(flags).tolist() == expected


def test_stoplist_choice_is_the_plain_count():
    from collections import Counter

    from newsclean.boilerplate.blocks import _best_stoplist, _word_languages

    def plain(counts: Counter) -> str | None:
        scores: dict[str, int] = {}
        for word, count in counts.items():
            for language in _word_languages().get(word, ()):
                scores[language] = scores.get(language, 0) + count
        return max(sorted(scores), key=scores.__getitem__) if scores else None

    samples = [
        "the council said that it was the only way", "der Stadtrat hat am Dienstag den Haushalt beschlossen",
        "a", "zzzz qqqq", "", "de la et le est", "i w z na do", "и в не на что",
    ]
    for text in samples + [line for path in SEEDS for line in _seed(path)[0][:40]]:
        counts = Counter(text.lower().split())
        assert _best_stoplist(counts) == plain(counts), text


def test_stoplist_shortcuts_rule_out_no_indexed_word(monkeypatch):
    from newsclean.boilerplate import blocks

    table = blocks._language_table()
    index = blocks._word_languages()
    # the hash filter flags every indexed word's slot
    assert table.maybe[blocks._hash_slots(index)].all()
    # the remembered rows are the index's, also once the memory has started over
    monkeypatch.setattr(blocks, "_RECENT_MAX", 5)
    words = sorted(index)[::5000] + ["zzqx", "the", "der", "qqqq"]
    for chunk in (words[:7], words, words[3:], words[::-1]):
        assert table.rows_of(chunk) == [table.row.get(word, 0) for word in chunk]
    assert len(table.recent) <= 5 + len(words)


def test_lines_sharing_first_or_last_words():
    import math

    from newsclean.boilerplate.blocks import LINE_FEATURES, line_features

    lines = [
        "Alice says: hello there",
        "Bob says: hello there",
        "—",  # no word
        "Alice wrote one two three four five six seven eight nine ten there",  # 13 words: its last one is not compared
        "Carol asks",
    ]
    rows = line_features(lines, frozenset())
    first, last = LINE_FEATURES.index("same_first_word"), LINE_FEATURES.index("same_last_word")
    assert [row[first] for row in rows] == [math.log1p(1), 0.0, 0.0, math.log1p(1), 0.0]
    assert [row[last] for row in rows] == [math.log1p(1), math.log1p(1), 0.0, 0.0, 0.0]
