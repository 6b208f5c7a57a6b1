"""The boilerplate cleaner: rule packs (data) and the language-free structural detectors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsclean.boilerplate.engine import RULE_KINDS, Cleaner, load_pack, load_packs, pack_files
from newsclean.chain import load_settings
from newsclean.stages.clean import CleanStage


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    # the article-block finder (another module) is tested on its own
    return Cleaner(load_packs(), article_blocks=False)


def clean(cleaner: Cleaner, text: str, kind: str = "text"):
    result = cleaner.clean(text, input_kind=kind)
    return result.text, result.removed


def rules_of(removed) -> set[str]:
    return {r["rule"] for r in removed}


ARTICLE_PL = (
    "Rząd przyjął w środę projekt ustawy o finansowaniu szpitali powiatowych. Dokument trafi teraz do Sejmu, "
    "gdzie posłowie zajmą się nim na najbliższym posiedzeniu, jak poinformował rzecznik rządu."
)
ARTICLE_PL2 = (
    "Według ministerstwa zdrowia pieniądze trafią przede wszystkim na oddziały ratunkowe i pediatryczne. "
    "Samorządy od lat alarmowały, że bez dodatkowych środków część placówek będzie musiała ograniczyć pracę."
)
ARTICLE_PL3 = (
    "Opozycja zapowiedziała, że zgłosi poprawki do projektu. Jej zdaniem proponowane kwoty są zbyt niskie, "
    "a termin wejścia przepisów w życie jest nierealny dla mniejszych szpitali w regionach."
)
ARTICLE_EN = (
    "The city council approved the new budget on Monday after a long debate. The plan raises spending on "
    "schools and roads, and the mayor said the vote showed broad support across the chamber."
)
ARTICLE_DE = (
    "Die Bundesregierung hat am Dienstag ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen. "
    "Anzeige erstatten können Bürger künftig auch online, teilte das Ministerium in Berlin mit."
)


# --- packs are data ---------------------------------------------------------------------

def test_builtin_packs_load_and_rule_ids_name_their_language():
    packs = load_packs()
    languages = {p.language for p in packs}
    assert {"pl", "en", "*"} <= languages
    for pack in packs:
        prefix = "any" if pack.language == "*" else pack.language
        for rule in pack.rules:
            assert rule.kind in RULE_KINDS
            assert rule.id.startswith(prefix + ":"), rule.id


def test_a_new_language_is_a_new_toml_file(tmp_path: Path):
    (tmp_path / "fi.toml").write_text(
        'language = "fi"\n[[rules]]\nid = "fi:ad-marker"\nkind = "line"\npatterns = [\'Mainos\']\n', encoding="utf-8"
    )
    text = f"{ARTICLE_EN}\nMainos\n{ARTICLE_EN}"
    default = Cleaner.from_settings(load_settings(), article_blocks=False)
    assert "Mainos" in default.clean(text).text
    extended = Cleaner.from_settings(load_settings({"NEWSCLEAN_RULE_PACK_DIRS": [str(tmp_path)]}), article_blocks=False)
    result = extended.clean(text)
    assert "Mainos" not in result.text
    assert {"rule": "fi:ad-marker", "text": "Mainos"} in result.removed


def test_rules_reach_lines_whatever_case_pairs_re_matches(tmp_path: Path):
    # Turkish: re matches "ilgili" against "İlgili" and "ılgili" ignoring case; the
    # first-letter filter in front of the rules must let those lines through too
    (tmp_path / "tr.toml").write_text(
        'language = "tr"\n[[rules]]\nid = "tr:reklam"\nkind = "line"\npatterns = [\'ilgili reklam\', \'İlan\']\n',
        encoding="utf-8",
    )
    cleaner = Cleaner.from_settings(load_settings({"NEWSCLEAN_RULE_PACK_DIRS": [str(tmp_path)]}), article_blocks=False)
    for line in ("İlgili reklam", "ılgili reklam", "ILGILI REKLAM", "İLAN", "ilan"):
        text = f"{ARTICLE_EN}\n{line}\n{ARTICLE_EN}"
        assert re.fullmatch(r"(?i:ilgili reklam|İlan)", line)  # what the rule's regex says
        assert {"rule": "tr:reklam", "text": line} in cleaner.clean(text).removed, line


def test_packs_can_be_limited_to_some_languages():
    only_pl = Cleaner(load_packs(["pl"]), article_blocks=False)
    assert "Must read" in only_pl.clean(f"{ARTICLE_EN}\nMust read\n{ARTICLE_EN}").text
    assert all(f.stem in ("pl", "common") for f in pack_files(["pl"]))
    with pytest.raises(ValueError, match="no rule pack"):
        pack_files(["xx"])


def test_a_malformed_pack_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "xx.toml"
    bad.write_text('[[rules]]\nid = "xx:bad"\nkind = "line"\npatterns = [\'(unclosed\']\n', encoding="utf-8")
    with pytest.raises(ValueError, match="xx:bad"):
        load_pack(bad)
    bad.write_text('[[rules]]\nid = "xx:bad"\nkind = "sometimes"\npatterns = ["x"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="kind"):
        load_pack(bad)


# --- families ----------------------------------------------------------------------------

def test_related_headline_list_after_marker(cleaner):
    text = "\n".join([ARTICLE_PL, "Czytaj więcej:", "Premier spotkał się z rolnikami", "Premier spotkał się z rolnikami",
                      "Nowe przepisy o podatkach. Co się zmieni?"])
    out, removed = clean(cleaner, text)
    assert out == ARTICLE_PL
    assert rules_of(removed) == {"pl:related-list"}


def test_english_more_articles_block(cleaner):
    text = "\n".join([ARTICLE_EN, "More articles", "- Advertisement -", "Latest article"])
    out, removed = clean(cleaner, text)
    assert out == ARTICLE_EN
    assert "en:related-list" in rules_of(removed)


def test_marker_with_its_headline_on_one_line(cleaner):
    text = "\n".join([ARTICLE_PL, "Czytaj też: Sejm uchwalił budżet na przyszły rok", ARTICLE_PL])
    out, removed = clean(cleaner, text)
    assert "Sejm uchwalił" not in out and out.count(ARTICLE_PL) == 2
    assert removed == [{"rule": "pl:related-list", "text": "Czytaj też: Sejm uchwalił budżet na przyszły rok"}]


def test_marker_glued_to_previous_word(cleaner):
    text = "\n".join([ARTICLE_PL, "Czytaj też:", "Minister odwołany ze stanowiskaCzytaj też:", "Kolejny nagłówek bez kropki"])
    out, removed = clean(cleaner, text)
    assert out == ARTICLE_PL
    assert "Minister odwołany" in removed[0]["text"]


def test_teaser_at_the_end_of_a_long_line_is_cut_not_the_line(cleaner):
    line = ARTICLE_PL + " Zobacz również: Mecz zakończył się remisem 1:1. Dwa gole w końcówce"
    out, removed = clean(cleaner, line)
    assert out == ARTICLE_PL
    assert removed == [{"rule": "pl:related-list", "text": "Zobacz również: Mecz zakończył się remisem 1:1. Dwa gole w końcówce"}]


def test_ad_markers(cleaner):
    text = "\n".join([ARTICLE_EN, "- Advertisement -", ARTICLE_EN, "REKLAMA", ARTICLE_EN, "Anzeige"])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_EN] * 3
    assert rules_of(removed) == {"en:ad-marker", "pl:ad-marker", "de:ad-marker"}


def test_comment_closure_notice_at_the_end(cleaner):
    text = "\n".join([ARTICLE_PL, ARTICLE_PL2, "Wyłączono komentarze",
                      "Jako redakcja serwisu doceniamy zaangażowanie naszych czytelników w komentarzach.", "Redakcja serwisu Wiadomości"])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL2]
    assert removed[0]["rule"] == "pl:comments-closed" and removed[0]["text"].startswith("Wyłączono komentarze")


def test_comment_closure_glued_in_a_dump(cleaner):
    text = "\n".join([ARTICLE_PL, ARTICLE_PL2, "Wyłączono komentarzeJako redakcja doceniamy zaangażowanie czytelników."])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL2]
    assert "pl:comments-closed" in rules_of(removed)


def test_a_footer_marker_early_in_the_text_does_not_cut_the_article(cleaner):
    text = "\n".join(["Wszystkie komentarze", ARTICLE_PL, ARTICLE_PL2, ARTICLE_PL3])
    out, _ = clean(cleaner, text)
    assert out.splitlines()[1:] == [ARTICLE_PL, ARTICLE_PL2, ARTICLE_PL3]


def test_video_notice_and_its_title(cleaner):
    text = "\n".join([ARTICLE_PL, "Dalsza część artykułu pod materiałem wideo", "Tak wyglądał szczyt w Brukseli", ARTICLE_PL])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL]
    assert removed == [{"rule": "pl:video-notice", "text": "Dalsza część artykułu pod materiałem wideo\nTak wyglądał szczyt w Brukseli"}]


def test_photo_credits(cleaner):
    text = "\n".join([ARTICLE_PL, "Źródło zdjęć: © Facebook, Pixabay", ARTICLE_EN, "Main photo source: Reuters", "AFP / JOHN SMITH"])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_EN]
    assert rules_of(removed) == {"pl:photo-credit", "en:photo-credit", "struct:credit-line"}


def test_caption_glued_to_its_credit(cleaner):
    text = "\n".join([ARTICLE_EN, "The mayor speaks to reporters outside the city hallReuters", ARTICLE_EN])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_EN, ARTICLE_EN]
    assert removed == [{"rule": "struct:glued-credit", "text": "The mayor speaks to reporters outside the city hallReuters"}]


def test_caption_and_credit_inside_running_text(cleaner):
    line = "Premier i prezydent podczas spotkania w 2022 r. / JAN KOWALSKI/AFP/East News / AFP " + ARTICLE_PL
    out, removed = clean(cleaner, line)
    assert out == ARTICLE_PL
    assert removed == [{"rule": "struct:inline-credit", "text": "Premier i prezydent podczas spotkania w 2022 r. / JAN KOWALSKI/AFP/East News / AFP"}]


def test_editor_signatures(cleaner):
    text = "\n".join([ARTICLE_PL, "oprac. KAR", ARTICLE_PL, "aja/PAP"])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL]
    assert rules_of(removed) == {"pl:editor-signature"}


def test_teasers_trailers_and_chrome(cleaner):
    text = "\n".join(["Must read", ARTICLE_EN, "Share on Facebook", "Udostępnij", ARTICLE_EN, "Source link"])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_EN, ARTICLE_EN]
    assert {"en:related-list", "en:share-chrome", "pl:share-chrome", "en:source-link"} <= rules_of(removed)


# --- structural detectors ----------------------------------------------------------------

def test_header_widgets_are_recorded_for_the_date_stage(cleaner):
    text = "\n".join(["17.8 C", "Tuesday, July 23, 2024", "City approves budget", ARTICLE_EN])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == ["City approves budget", ARTICLE_EN]
    assert removed[:2] == [
        {"rule": "struct:header-weather", "text": "17.8 C"},
        {"rule": "struct:header-date", "text": "Tuesday, July 23, 2024"},
    ]


def test_date_prefix_leaves_the_text_and_is_kept_raw_in_removed(cleaner):
    out, removed = clean(cleaner, " date 2023-09 " + ARTICLE_PL + "\n" + ARTICLE_PL2)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL2]
    assert removed == [{"rule": "struct:date-prefix", "text": "date 2023-09"}]


def test_a_paragraph_printed_twice_in_a_row_is_kept_once(cleaner):
    out, removed = clean(cleaner, "\n".join([ARTICLE_PL, ARTICLE_PL, ARTICLE_PL2]))
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL2]
    assert removed == [{"rule": "struct:dup-lines", "text": ARTICLE_PL}]


def test_consecutive_duplicate_lines(cleaner):
    text = "\n".join([ARTICLE_EN, "Budget vote delayed again", "Budget vote delayed again", ARTICLE_EN])
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_EN, "Budget vote delayed again", ARTICLE_EN]
    assert removed == [{"rule": "struct:dup-lines", "text": "Budget vote delayed again"}]


# --- real article text must survive ------------------------------------------------------

@pytest.mark.parametrize(
    "line",
    [
        "Vladimir Putin arrived in North Korea on Tuesday, Reuters reported, citing Russian media.",
        "The talks in Geneva were hosted by the Secretary of State, Antony Blinken",
        "He said the figures had been confirmed by Reuters",
        ARTICLE_DE,
        "Werbung für Tabak wird ab 2025 weiter eingeschränkt, sagte die Ministerin am Mittwoch in Berlin.",
        "Zobacz też, jak zmieniały się ceny paliw w ostatnich miesiącach na stacjach w całym kraju.",
        "Read more about the changes in the report the ministry published on Friday, officials said.",
        "Fotografie ist seine Leidenschaft: Seit zwanzig Jahren arbeitet er für Zeitungen in Hamburg.",
        "Die Polizei (dpa / Archiv) ermittelt weiter, wie ein Sprecher am Abend bestätigte.",
    ],
)
def test_article_sentences_survive(cleaner, line):
    text = "\n".join([ARTICLE_EN, line, ARTICLE_EN])
    out, removed = clean(cleaner, text)
    assert line in out.splitlines(), removed


def test_a_schedule_of_dates_in_the_middle_survives(cleaner):
    days = ["Donnerstag, 03. Februar 2022", "Freitag, 04. Februar 2022", "Samstag, 05. Februar 2022"]
    text = "\n".join([ARTICLE_DE, ARTICLE_DE, ARTICLE_DE, ARTICLE_DE, ARTICLE_DE, ARTICLE_DE, *days, ARTICLE_DE, ARTICLE_DE, ARTICLE_DE, ARTICLE_DE])
    out, _ = clean(cleaner, text)
    assert all(day in out for day in days)


def test_short_repeated_table_cells_survive(cleaner):
    text = "\n".join([ARTICLE_EN, "8", "8", "- 4%", "- 4%", ARTICLE_EN])
    out, _ = clean(cleaner, text, kind="html")
    assert out.splitlines().count("8") == 2


# --- every removal carries its rule; the stage records them --------------------------------

def test_every_removal_is_rule_and_text_and_text_is_gone(cleaner):
    text = "\n".join(["17.8 C", ARTICLE_EN, "- Advertisement -", "Photo: John Smith", ARTICLE_PL, "Reklama",
                      "Czytaj też:", "Nagłówek pierwszy", "Nagłówek drugi", "Source link"])
    out, removed = clean(cleaner, text)
    assert removed
    for removal in removed:
        assert set(removal) == {"rule", "text"}
        assert ":" in removal["rule"] and removal["text"].strip()
        for part in removal["text"].splitlines():
            assert part not in out.splitlines()


def test_clean_stage_appends_to_item_removed():
    stage = CleanStage.from_settings(load_settings())
    stage.cleaner = Cleaner(load_packs(), article_blocks=False)
    item = {"input_kind": "html", "body": f"{ARTICLE_EN}\n- Advertisement -", "removed": [{"rule": "earlier", "text": "x"}]}
    stage.process_item(item)
    assert item["body"] == ARTICLE_EN
    assert item["removed"] == [{"rule": "earlier", "text": "x"}, {"rule": "en:ad-marker", "text": "- Advertisement -"}]
    assert stage.stats["chars_removed/en:ad-marker"] == len("- Advertisement -")


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\r\n"])
def test_empty_input_gives_empty_text(cleaner, text):
    result = cleaner.clean(text)
    assert result.text == "" and result.removed == []


def test_windows_line_endings_and_nbsp(cleaner):
    text = f"{ARTICLE_PL}\r\noprac.\u00a0 KAR\r\n{ARTICLE_PL2}"
    out, removed = clean(cleaner, text)
    assert out.splitlines() == [ARTICLE_PL, ARTICLE_PL2]
    assert removed == [{"rule": "pl:editor-signature", "text": "oprac.\u00a0 KAR"}]


# --- speed filters must not change what matches ------------------------------------------

from newsclean.boilerplate import engine, structure  # noqa: E402

# Lines that stress the candidate filters: case twins (Kelvin sign, long s, dotless i),
# non-letter leads, non-ASCII starts, digits, glued words, near misses.
FILTER_PROBES = [
    "Advertisement", "- Advertisement -", "ADVERTISEMENT", "Ad", "Adverts", "«Read more»", "Read more:",
    "Read more: The mayor resigns today", "(Photo by John Doe)", "Photo: Jane Doe/Reuters", "© Reuters",
    "(c) 2024 Getty Images", "Copyright © 2024 Someone", "ſhare", "\u212aommentare", "Share", "_Share",
    "Ähnliche Artikel", "À lire aussi", "A lire aussi", "12 Comments", "3 min read", "12:45 / 3:10",
    "oprac. KAR", "red.", "kar/PAP", "(PAP)", "Newsletter", "Sign up to our daily Newsletter",
    "Jan Kowalski, dziennikarz działu krajowego", "jan@example.com o autorze", "Źródło zdjęć: PAP",
    "Zobacz także:", "Czytaj też: Nowy minister", "Drucken", "Teilen mit:", "Mehr zum Thema",
    "Impressum", "Datenschutzerklärung", "Реклама", "Skip to content", "Tweet",
    "The city council approved the new budget.", "…", "—", "1", "x",
]


def _rule_sets(cleaner: Cleaner):
    return [cleaner._line, cleaner._next_line, cleaner._cut_after, cleaner._marker]


@pytest.mark.parametrize("line", FILTER_PROBES)
def test_candidate_filters_match_exactly_what_the_full_alternation_matches(cleaner, line):
    for rules in _rule_sets(cleaner):
        everything = rules._compile(list(rules.rules))  # one alternation of all rules: the reference
        full = everything.match(line) if everything is not None else None
        fast = rules.find(line)
        assert (fast and (fast.lastgroup, fast.span())) == (full and (full.lastgroup, full.span())), line


def test_ascii_case_twins_are_exactly_the_ones_re_pairs_with_ascii():
    chars = "".join(chr(c) for c in range(128, 0x10000) if not 0xD800 <= c < 0xE000)
    import re

    twins = set(re.compile("[\x00-\x7f]", re.IGNORECASE).findall(chars))
    assert twins == set(structure.ASCII_CASE_TWINS)


def test_pattern_prefixes_and_required_texts():
    assert engine.pattern_prefixes("Read (?:more|also)") == {"rea"}
    assert engine.pattern_prefixes(r"\(?(?:Photo|Image) by") == {"(ph", "(im", "pho", "ima"}
    assert engine.pattern_prefixes("Ad") == {"ad"}
    assert engine.pattern_prefixes(r"\d+ min") == set("0123456789")
    assert engine.pattern_prefixes("Ähnliche Artikel") == frozenset()  # needs a non-ASCII letter first
    assert engine.pattern_prefixes(r"[^\n]{1,120}x") is None  # unknown start
    assert engine.required_text(r"(?:[\w&-]+ ){0,3}Newsletter") == "newsletter"
    assert engine.required_text(r"[^\n]{3,60}, dziennikar(?:z|ka)") == ", dziennikar"


def test_glued_split_and_gates_find_the_same_spots_as_before(cleaner):
    import re

    before = re.compile(rf"[^\W\d_{structure.UPPER}](?=[{structure.UPPER}])")
    for line in FILTER_PROBES + ["…szkoleniowejCzytaj też: Nowe przepisy", "iPhone und McDonald", "aBcDeF"]:
        assert [m.end() for m in before.finditer(line)] == [m.start() for m in cleaner._glue_spot.finditer(line)]


# --- start-up and per-page speed paths must not change what is removed -------------------

QUIET_PROBES = FILTER_PROBES + [
    "red.", "-- PAP --", "(PAP)", "kar/PAP", "Newsletter", "Weekly Business Newsletter",
    "x" * 61 + " (PAP)", "Jan Kowalski, dziennikarz działu " + "x" * 90, "Tags: politics, economy",
    "New: " + "y" * 150, "Mehr zum Thema: Die Regierung stürzt", "Zobacz też", "Teilen", "Share this article",
    "Neue Regeln für alle", "(" * 3 + "Foto: PAP" + ")", "a/b/c", "[1] Read more", "© 2024 Alle Rechte vorbehalten",
    "\u212aNA", "(ſda)", "Świat", "Ważne", "View Comments", "Visit us", "Tags", "— * —", "© Reuters",
]


def test_construction_compiles_no_rule_regex_until_a_line_needs_one():
    lazy = Cleaner(load_packs(), article_blocks=False)
    sets = _rule_sets(lazy)
    assert all(not rules._by_names for rules in sets)
    assert lazy._glue is not None and lazy._glue._compiled is None
    clean(lazy, "Czytaj też:\nNowe przepisy od jutra")
    assert any(rules._by_names for rules in sets)  # compiled on first use, then kept


def test_lazy_regex_compiles_once():
    lazy = engine.LazyRegex(r"a+b")
    assert lazy._compiled is None
    assert lazy.get().match("aab")
    assert lazy.get() is lazy.get()


def test_bad_pattern_is_still_reported_at_load(tmp_path: Path):
    pack = tmp_path / "xx.toml"
    pack.write_text('language = "xx"\n[[rules]]\nid = "xx:bad"\nkind = "line"\npatterns = ["(?<=a+)b"]\n')
    with pytest.raises(ValueError, match="xx:bad"):
        load_pack(pack)


@pytest.mark.parametrize("line", QUIET_PROBES)
def test_a_quiet_line_is_one_no_line_next_line_or_marker_rule_acts_on(cleaner, line):
    (quiet,) = cleaner._quiet_lines([line])
    if quiet:
        rule = cleaner._line.match(line) if len(line) <= engine.SHORT_LINE_MAX else None
        assert rule is None or len(line) > rule.max_chars
        assert len(line) > engine.SHORT_LINE_MAX or cleaner._next_line.match(line) is None
        assert cleaner._marker_line(line) is None


@pytest.mark.parametrize("line", QUIET_PROBES)
def test_credit_candidates_hold_every_credit_line(cleaner, line):
    (candidate,) = cleaner.credits.candidates([line])
    assert candidate or not (cleaner.credits.glued(line) or cleaner.credits.credit_only(line))


def test_lines_cut_inline_passes_over_are_ones_it_would_keep_as_they_are(cleaner):
    lines = QUIET_PROBES + ["Caption here / AFP / John Smith The next sentence.", "Zobacz [link] więcej", "z" * 300]
    touched = set(cleaner._touched_lines(lines))
    assert {len(lines) - 1, len(lines) - 2, len(lines) - 3} <= touched
    for index, line in enumerate(lines):
        if index not in touched:
            assert cleaner._cut_inline([line], []) == [line.strip()]


def test_tail_spots_are_the_spot_pattern_matches(cleaner):
    lines = FILTER_PROBES + [
        "Koniec zdania. Czytaj też: Nowe przepisy", "zdanie.\u00a0 Zobacz", "iPhone und McDonald", "aBcDeF",
        'He said." Then', "x) Y", "ends here!  \tNext", "ÀÉ àÉ", " . A", "…szkoleniowejCzytaj też: Nowe",
    ]
    for line in lines:
        for start in range(len(line)):
            expected = [m.end() for m in cleaner._tail_spot.finditer(line, start)]
            assert list(engine._tail_spots(line, start, lambda text, at: True)) == expected, (line, start)


def test_heads_picked_alike_share_the_plan_worked_out_for_each(cleaner):
    # _head_plan shares plans between heads with the same candidate rules; each must be the
    # plan worked out for that head alone
    lines = QUIET_PROBES + [f"{a}{b}{c} x" for a in "aBnĄ(-«1" for b in "eoWł" for c in "wrs "] + ["«Zobacz", "(c) x", "-- Mehr"]
    for line in lines:
        head = engine.line_head(line)
        assert cleaner._head_plan(head) == cleaner._new_plan(head), line


def test_finder_finds_what_str_find_finds():
    import random

    rng = random.Random(7)
    for needle in (" / ", "[", " x", "ab"):
        find = engine._finder(needle)
        for _ in range(2000):
            text = "".join(rng.choice(" /ab[x\n") for _ in range(rng.randint(0, 14)))
            for start in range(len(text) + 2):
                assert find(text, start) == text.find(needle, start), (needle, text, start)


def test_line_at_is_the_first_line_starting_that_far_in():
    import random
    from bisect import bisect_left
    from itertools import accumulate

    rng = random.Random(3)
    for _ in range(500):
        lines = ["x" * rng.randint(1, 30) for _ in range(rng.randint(0, 12))]
        starts = [0, *accumulate(len(line) + 1 for line in lines)][:-1]
        for chars in (0, 0.5, 7, rng.uniform(0, 400)):
            expected = bisect_left(starts, chars) if starts else 0
            assert engine._line_at(lines, chars) == expected, (lines, chars)
