"""Date stage: HTML markup via htmldate, strict header-first text dates, crawl hints."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsclean.chain import build_chain, load_settings
from newsclean.datetext import dates_in, find_header_dates, labelled_date, publication_date
from newsclean.stages.extract import ExtractStage
from newsclean.stages.dates import DateStage, page_states_day_one

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TODAY = date(2025, 1, 1)

PARAGRAPH = (
    "Rada Miasta przyjęła we wtorek nowy plan zagospodarowania terenów nad rzeką, "
    "który przewiduje budowę parku, ścieżek rowerowych i dwóch nowych kładek dla pieszych. "
    "Radni dyskutowali nad projektem przez kilka godzin, a głosowanie było bardzo wyrównane."
)


@pytest.fixture(scope="module")
def stage() -> DateStage:
    return DateStage.from_settings(load_settings())


def text_item(raw: str, title: str | None = None, **extra) -> dict:
    return {"raw_text": raw, "body": raw, "input_kind": "text", "title": title, **extra}


def run(stage: DateStage, item: dict) -> dict | None:
    stage.process_item(item)
    assert item.get("error") is None
    return item["date"]


# --- text dumps: the seeds' metadata prefix ---------------------------------------------

@pytest.mark.parametrize("stem, expected", [("001", "2023-09"), ("002", "2024-06"), ("003", "2024-07")])
def test_seed_prefix_gives_month_precision(stage, stem, expected):
    path = next(SEEDS.glob(f"{stem}_*.txt"))
    found = run(stage, text_item(path.read_text(encoding="utf-8")))
    assert found["value"] == expected
    assert found["precision"] == "month"
    assert found["kind"] == "published"
    assert found["source"] == "text:prefix"
    assert found["raw"].strip() == f"date {expected}"


@pytest.mark.parametrize("stem", ["000", "004"])
def test_seeds_without_a_publication_date(stage, stem):
    path = next(SEEDS.glob(f"{stem}_*.txt"))
    assert run(stage, text_item(path.read_text(encoding="utf-8"))) is None


def test_seed_dates_through_the_whole_chain():
    """What the user sees: every seed's expected date after all stages (with the real cleaner/title)."""
    chain = build_chain({"NEWSCLEAN_DEDUP": False})
    for expected_path in sorted((SEEDS / "expected").glob("*.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        raw = (SEEDS / expected["file"]).read_text(encoding="utf-8")
        record = chain.process({"raw_text": raw, "input_kind": "text", "source": expected["file"], "url": None})
        assert record["error"] is None, record["error"]
        got = record["date"]
        assert (got["value"] if got else None) == expected["date"], expected["file"]
        if expected.get("date_precision"):
            assert got["precision"] == expected["date_precision"]


def test_prefix_already_cut_by_cleaner_is_read_from_removed(stage):
    item = text_item("Kim Dzong Un 12 września odwiedził Rosję.", removed=[{"rule": "struct:date-prefix", "text": " date 2023-09"}])
    item["raw_text"] = None
    found = run(stage, item)
    assert (found["value"], found["precision"]) == ("2023-09", "month")


def test_prefix_with_a_day_keeps_the_day():
    found = publication_date("date 2024-06-18 Władimir Putin udaje się do Korei Północnej.", today=TODAY)
    assert (found.date.value, found.date.precision) == ("2024-06-18", "day")


# --- never invent, never take the wrong date -------------------------------------------

def test_month_precision_is_never_filled_to_a_day(stage):
    found = run(stage, text_item("Tytuł artykułu o radzie miasta\nData publikacji: wrzesień 2023\n" + PARAGRAPH, "Tytuł artykułu o radzie miasta"))
    assert found["value"] == "2023-09"
    assert found["precision"] == "month"


@pytest.mark.parametrize("line", ["Opublikowano: wczoraj, 14:35", "Opublikowano we wtorek", "Published on Tuesday", "Posted 3 hours ago", "Aktualizacja: dziś 10:00"])
def test_relative_words_are_not_dates(stage, line):
    assert run(stage, text_item(f"Nagłówek artykułu o czymś ważnym\n{line}\n{PARAGRAPH}", "Nagłówek artykułu o czymś ważnym")) is None


def test_date_inside_body_is_not_taken(stage):
    body = (
        "Nagłówek artykułu o czymś ważnym\n"
        + PARAGRAPH
        + "\nKim Dzong Un 12 września 2023 odwiedził Rosję, a 13.09.2023 spotkał się z Putinem.\n"
        + "Opublikowano: 14.09.2023\n"  # after running text: not the header any more
    )
    assert run(stage, text_item(body, "Nagłówek artykułu o czymś ważnym")) is None


def test_date_in_boilerplate_list_is_not_taken(stage):
    body = "Nagłówek artykułu o czymś ważnym\n" + PARAGRAPH + "\nCzytaj też:\nInny tekst z 12.06.2024\n12.06.2024\n"
    assert run(stage, text_item(body, "Nagłówek artykułu o czymś ważnym")) is None


def test_header_widget_is_a_page_date_not_published(stage):
    raw = "17.8 C\nTuesday, July 23, 2024\n\nVladimir Putin visits North Korea\n\nMust read\n\n" + PARAGRAPH
    item = text_item(raw, "Vladimir Putin visits North Korea")
    assert run(stage, item) is None
    assert item["page_date"]["kind"] == "page"
    assert item["page_date"]["value"] == "2024-07-23"


def test_weekday_widget_under_a_page_title_is_not_a_byline(stage):
    raw = "Warum wir jetzt Demut brauchen | Die Zeitung\nMittwoch, 08. Juli 2020\nLogin\nAbo\n" + PARAGRAPH
    assert run(stage, text_item(raw, "Warum wir jetzt Demut brauchen | Die Zeitung")) is None


def test_date_only_byline_under_the_headline_is_published(stage):
    raw = "Rada przyjęła plan zagospodarowania\n12.09.2023, 14:35\n" + PARAGRAPH
    found = run(stage, text_item(raw, "Rada przyjęła plan zagospodarowania"))
    assert (found["value"], found["precision"], found["kind"], found["source"]) == ("2023-09-12", "day", "published", "text:byline")


# --- patterns --------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("12 września 2023", "2023-09-12"),
    ("1 stycznia 2024", "2024-01-01"),
    ("3 października 2022", "2022-10-03"),
    ("28 lutego 2021 r.", "2021-02-28"),
    ("23. Juli 2024", "2024-07-23"),
    ("July 23, 2024", "2024-07-23"),
    ("23 July 2024", "2024-07-23"),
    ("2024-07-23", "2024-07-23"),
])
def test_month_names_and_iso(text, value):
    hits = dates_in(text, allow_year_month=False, today=TODAY)
    assert [h[0].value for h in hits] == [value]


def test_numeric_dates_are_day_first():
    hits = dates_in("05.03.2024", allow_year_month=False, today=TODAY)
    assert hits[0][0].value == "2024-03-05"  # 5 March, not 3 May
    assert dates_in("13/09/2023", allow_year_month=False, today=TODAY)[0][0].value == "2023-09-13"
    assert dates_in("31.02.2023", allow_year_month=False, today=TODAY) == []  # no such day


def test_polish_words_and_numbers_are_not_dates():
    # the traps dateparser falls into: "się", "nie", "mają", a bare year-like number, a decimal
    assert dates_in("Rosja i Korea mają się nie spotkać; 6700 osób, 11,6 proc., 2023-09", allow_year_month=False, today=TODAY) == []


@pytest.mark.parametrize("line, kind, value", [
    ("Opublikowano: wtorek, 12 września 2023, 14:35", "published", "2023-09-12"),
    ("Data publikacji: 05.03.2024", "published", "2024-03-05"),
    ("Aktualizacja: 13.09.2023 10:00", "updated", "2023-09-13"),
    ("Last updated: July 23, 2024", "updated", "2024-07-23"),
    ("Veröffentlicht am 23. Juli 2024", "published", "2024-07-23"),
])
def test_labels_decide_the_kind(line, kind, value):
    found, found_kind = labelled_date(line, today=TODAY)
    assert (found.value, found_kind) == (value, kind)


def test_published_label_beats_updated():
    raw = "Aktualizacja: 14.09.2023\nOpublikowano: 12.09.2023\n" + PARAGRAPH
    found = publication_date(raw, today=TODAY)
    assert (found.kind, found.date.value) == ("published", "2023-09-12")


def test_updated_only_is_reported_as_updated(stage):
    found = run(stage, text_item("Aktualizacja: 14.09.2023\n" + PARAGRAPH))
    assert (found["kind"], found["value"]) == ("updated", "2023-09-14")


def test_future_dates_are_not_publication_dates():
    assert find_header_dates("Opublikowano: 12.09.2031\n" + PARAGRAPH, today=TODAY) == []


# --- HTML -------------------------------------------------------------------------------

ARTICLE_HTML = """<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8">
<title>Rada przyjęła plan</title>
<meta property="article:published_time" content="2023-09-12T14:35:00+02:00">
</head><body><article><h1>Rada przyjęła plan</h1><p>{p}</p><p>{p}</p></article></body></html>"""

NO_DATE_HTML = """<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Bez daty</title></head>
<body><article><h1>Tekst bez daty</h1><p>{p}</p></article></body></html>"""

JANUARY_FIRST_YEAR_ONLY_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Rok</title>
<meta name="date" content="2016"></head><body><p>{p}</p><footer>Copyright 2016</footer></body></html>"""


@pytest.fixture(scope="module")
def extract() -> ExtractStage:
    return ExtractStage.from_settings(load_settings())


def html_item(html: str, **extra) -> dict:
    return {"html": html.format(p=PARAGRAPH), "input_kind": "html", "url": "https://example.org/a", "meta": {}, **extra}


def run_html(extract: ExtractStage, stage: DateStage, item: dict) -> dict | None:
    """extract (trafilatura, with the default settings' fast htmldate pass) then date, as in the chain."""
    extract.process_item(item)
    return run(stage, item)


def test_html_published_time_meta(extract, stage):
    found = run_html(extract, stage, html_item(ARTICLE_HTML))
    assert found["value"] == "2023-09-12"
    assert (found["precision"], found["kind"], found["source"]) == ("day", "published", "htmldate:markup")
    assert found["confidence"] >= 0.85


def test_html_page_without_a_date(extract, stage):
    assert run_html(extract, stage, html_item(NO_DATE_HTML)) is None


def test_html_sitemap_hint_used_when_the_page_has_none(extract, stage):
    found = run_html(extract, stage, html_item(NO_DATE_HTML, hints={"date": "2024-06-18T08:00:00+02:00", "date_source": "sitemap"}))
    assert (found["value"], found["precision"], found["source"]) == ("2024-06-18", "day", "sitemap")


def test_html_page_date_wins_over_hint(extract, stage):
    found = run_html(extract, stage, html_item(ARTICLE_HTML, hints={"date": "2024-06-18", "date_source": "sitemap"}))
    assert found["value"] == "2023-09-12"


def test_text_hint_keeps_its_own_precision(stage):
    found = run(stage, text_item(PARAGRAPH, hints={"date": "2024-06", "date_source": "feed"}))
    assert (found["value"], found["precision"], found["source"]) == ("2024-06", "month", "feed")


def test_a_day_from_the_sitemap_beats_a_page_that_states_only_a_year(extract):
    searching = DateStage.from_settings(load_settings({"NEWSCLEAN_DATE_EXTENSIVE": True}))
    hints = {"date": "2016-05-04", "date_source": "sitemap"}
    found = run_html(extract, searching, html_item(JANUARY_FIRST_YEAR_ONLY_HTML, hints=hints))
    assert (found["value"], found["precision"], found["source"]) == ("2016-05-04", "day", "sitemap")
    coarse = {"date": "2016-05", "date_source": "feed"}  # no finer than the page: the page's stays
    found = run_html(extract, searching, html_item(JANUARY_FIRST_YEAR_ONLY_HTML, hints=coarse))
    assert (found["value"], found["precision"]) == ("2016", "year")


def test_html_filled_in_january_first_is_not_claimed(extract):
    # htmldate's text search reads the bare year and fills in 01-01
    searching = DateStage.from_settings(load_settings({"NEWSCLEAN_DATE_EXTENSIVE": True}))
    found = run_html(extract, searching, html_item(JANUARY_FIRST_YEAR_ONLY_HTML))
    assert found is not None
    assert (found["value"], found["precision"]) == ("2016", "year")


def test_day_one_is_kept_when_the_page_states_it():
    assert page_states_day_one("<time>1 stycznia 2024</time>", "2024", "01")
    assert page_states_day_one('<meta content="2024-01-01T10:00">', "2024", "01")
    assert not page_states_day_one("<p>Copyright 2024</p>", "2024", "01")


def test_reuses_extract_date_from_fast_mode_without_parsing():
    settings = load_settings({"NEWSCLEAN_EXTRACT_OPTIONS": {"date_extraction_params": {"extensive_search": False}}})
    reuse = DateStage.from_settings(settings)
    # html that says nothing: the date can only come from the extract stage's metadata
    found = run(reuse, html_item(NO_DATE_HTML, meta={"date": "2022-05-04"}))
    assert (found["value"], found["source"]) == ("2022-05-04", "htmldate:markup")


def test_broken_html_gives_no_date_not_an_error(stage):
    item = {"html": "\x00\x01<<>>", "input_kind": "html", "url": None, "meta": {}}
    stage.process_item(item)
    assert item.get("error") is None
    assert item["date"] is None


def test_html_without_extract_metadata_runs_htmldate_itself():
    own = DateStage.from_settings(load_settings({"NEWSCLEAN_EXTRACT_OPTIONS": {}}))
    found = run(own, html_item(ARTICLE_HTML))
    assert (found["value"], found["source"]) == ("2023-09-12", "htmldate:markup")


def test_extensive_search_can_be_switched_off(extract):
    # the date is only written out in running text (too long for a byline by the
    # headline): markup search finds nothing, the text search does
    html = """<html><head><title>T</title></head><body><article><h1>Rada przyjęła plan</h1>
    <p>Erschienen am 12. September 2023 in Berlin, nach einer langen Sitzung des Rates der Stadt.</p>
    <p>{p}</p></article></body></html>"""
    on = DateStage.from_settings(load_settings({"NEWSCLEAN_DATE_EXTENSIVE": True}))
    off = DateStage.from_settings(load_settings())  # off by default
    item_on, item_off = html_item(html), html_item(html)
    extract.process_item(item_on)
    extract.process_item(item_off)
    found_on, found_off = run(on, item_on), run(off, item_off)
    assert found_off is None
    assert (found_on["value"], found_on["source"]) == ("2023-09-12", "htmldate:text-search")
    assert found_on["confidence"] < 0.9  # text search is less sure than markup


def test_html_as_bytes_is_accepted():
    own = DateStage.from_settings(load_settings({"NEWSCLEAN_EXTRACT_OPTIONS": {}}))
    item = html_item(ARTICLE_HTML)
    item["html"] = item["html"].encode("utf-8")
    assert run(own, item)["value"] == "2023-09-12"


def test_records_fit_the_schema(stage, extract):
    import jsonschema

    import newsclean

    schema = json.loads((Path(newsclean.__file__).parent / "schema" / "article.schema.json").read_text(encoding="utf-8"))
    date_schema = schema["properties"]["date"]
    samples = [
        run(stage, text_item(" date 2023-09 Tekst.")),
        run(stage, text_item("Rada przyjęła plan zagospodarowania\n12.09.2023, 14:35\n" + PARAGRAPH, "Rada przyjęła plan zagospodarowania")),
        run_html(extract, stage, html_item(ARTICLE_HTML)),
        run_html(extract, stage, html_item(JANUARY_FIRST_YEAR_ONLY_HTML)),
        run_html(extract, stage, html_item(NO_DATE_HTML, hints={"date": "2024", "date_source": "feed"})),
        run_html(extract, stage, html_item(NO_DATE_HTML)),
    ]
    for record in samples:
        jsonschema.validate(record, date_schema)


# no <h1>: no byline by a headline to read, so only htmldate's text search finds the date
GERMAN_TEXT_DATE_HTML = """<html><head><title>T</title></head><body><article><h2>Neue Brücke</h2>
<p>Veröffentlicht am 10. November 2021 um 14:30 Uhr</p><p>{p}</p></article></body></html>"""


def test_text_search_with_dateparser_limited_to_the_page_language(extract):
    import htmldate.extractors

    factory = htmldate.extractors.get_external_parser
    stage = DateStage.from_settings(load_settings({"NEWSCLEAN_DATE_EXTENSIVE": True}))
    item = html_item(GERMAN_TEXT_DATE_HTML, language={"code": "de", "confidence": 0.99, "source": "langdetect:body"})
    extract.process_item(item)
    found = run(stage, item)
    assert (found["value"], found["source"]) == ("2021-11-10", "htmldate:text-search")
    # htmldate's own parser factory is back in place after the call
    assert htmldate.extractors.get_external_parser is factory


def test_text_search_answer_does_not_depend_on_earlier_pages(extract):
    """htmldate memoises strings; switching the language set forgets answers found under another one."""
    stage = DateStage.from_settings(load_settings({"NEWSCLEAN_DATE_EXTENSIVE": True}))
    answers = []
    for code in ("de", "pl", "en", "und", "de"):
        item = html_item(GERMAN_TEXT_DATE_HTML, language={"code": code, "confidence": 0.9, "source": "test"})
        extract.process_item(item)
        answers.append((run(stage, item) or {}).get("value"))
    assert answers[0] == answers[-1] == "2021-11-10"


# --- HTML: the date printed by the headline ------------------------------------------------

BYLINE_HTML = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Neue Brücke</title>
<meta name="date" content="2022-06-28">
<script>var published = "01.01.2020";</script>
</head><body><header><p>Mittwoch, 8. Juli 2020</p><nav><a href="/">Start</a><a href="/a">Politik</a></nav></header>
<article><p class="kicker">Verkehr</p><h1>Neue Brücke</h1>
<div class="byline">Von <a href="/autor">Anna Muster</a> <span>12.12.2022 12:22</span></div>
<p>{p}</p><p>Am 3. März 2021 hatte der Rat noch anders entschieden, als die Pläne zum ersten Mal vorgestellt wurden.</p>
</article><footer><time datetime="2022-12-20">20.12.2022</time></footer></body></html>"""


def test_headline_zone_reads_the_texts_around_the_first_h1(extract):
    from newsclean.stages.extract import HeadlineZone, parse_html

    lines = HeadlineZone().lines(parse_html(BYLINE_HTML.format(p=PARAGRAPH)))
    # after the headline first (scripts never count), then the nearest texts before it
    assert lines[:3] == ["Von", "Anna Muster", "12.12.2022 12:22"]
    assert lines[-2:] == ["Verkehr", "Politik"]
    assert all("01.01.2020" not in line for line in lines)
    assert HeadlineZone().lines(parse_html(NO_DATE_HTML.replace("h1", "h2").format(p=PARAGRAPH))) == []


def test_date_by_the_headline_beats_the_markup_date(extract, stage):
    found = run_html(extract, stage, html_item(BYLINE_HTML))
    assert (found["value"], found["source"], found["precision"]) == ("2022-12-12", "html:headline", "day")
    assert found["raw"] == "12.12.2022"


def test_headline_date_skips_prose_relative_and_partial_dates():
    from newsclean.datetext import headline_date

    assert headline_date(["Am 3. März 2021 hatte der Rat noch anders entschieden, als die Pläne vorgestellt wurden."]) is None
    assert headline_date(["vor 2 Tagen, 12.12.2022"]) is None  # relative to the reading day
    assert headline_date(["September 2023"]) is None  # no day: not a byline date
    assert headline_date(["12.12.2022 und 13.12.2022"]) is None  # two dates, no label
    assert headline_date(["Veröffentlicht: 12.12.2022, aktualisiert: 14.12.2022"]).value == "2022-12-12"
    assert headline_date(["Anna Muster", "Updated June 13, 2019"]).value == "2019-06-13"


def test_markup_date_when_no_date_sits_by_the_headline(extract, stage):
    found = run_html(extract, stage, html_item(ARTICLE_HTML))
    assert (found["value"], found["source"]) == ("2023-09-12", "htmldate:markup")


def test_headline_zone_survives_absurdly_deep_markup():
    from lxml.html import HTMLParser, fromstring

    from newsclean.stages.extract import HeadlineZone

    depth = 1500  # huge_tree pages may nest this deep; Python's stack does not
    html = "<html><body>" + "<div>" * depth + "<p>12.12.2022</p>" + "</div>" * depth + "<h1>T</h1><p>x</p></body></html>"
    tree = fromstring(html, parser=HTMLParser(huge_tree=True))
    assert next(tree.iter("h1"), None) is not None
    assert HeadlineZone().lines(tree) == []  # too deep to walk: no byline date, never an error


def test_dump_byline_under_the_headline_gives_the_date(stage):
    # not a date-only line, so not the strict byline rule: the headline zone reads it
    raw = ("Rada przyjęła plan | Gazeta\nMenu\nRada przyjęła plan\nAnna Kowalska\n"
           "Aktualności, 12.09.2023 14:35\n" + PARAGRAPH + "\nWybrane dla Ciebie\nInny tekst 13.09.2023\n")
    found = run(stage, text_item(raw, "Rada przyjęła plan | Gazeta"))
    assert (found["value"], found["source"], found["kind"]) == ("2023-09-12", "text:headline", "published")


def test_dump_headline_zone_stops_at_running_text():
    from newsclean.datetext import headline_zone

    raw = "Tytuł artykułu\nAutor\n" + PARAGRAPH + "\n12.09.2023\n"
    assert headline_zone(raw, "Tytuł artykułu") == ["Autor"]
    assert headline_zone("Tytuł | Serwis\n12.09.2023\n", "Tytuł | Serwis") == []  # a page title, not a headline
    assert headline_zone("12.09.2023\nTytuł\n", "Tytuł") == []  # nothing above the headline


def test_dump_headline_echo_is_found_through_case_folding():
    from newsclean.datetext import headline_zone

    assert headline_zone("Menu\nStraße gesperrt\nVon A, 12.09.2023\n", "STRASSE GESPERRT") == ["Von A, 12.09.2023"]
