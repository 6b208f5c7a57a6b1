"""Language stage: langdetect on the cleaned body, deterministic, never raising."""
from __future__ import annotations

import pytest

from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

from newsclean.chain import load_settings
from newsclean.fastlangdetect import NgramDetector
from newsclean.stages.language import LanguageStage, StopwordEvidence, detect_language, language_sample

POLISH = (
    "Władimir Putin przybył we wtorek wieczorem do Korei Północnej - informuje Reuters, "
    "powołując się na rosyjskie media. To pierwsza od 24 lat wizyta rosyjskiego dyktatora w tym kraju."
)
ENGLISH = (
    "Russian dictator Vladimir Putin arrived in North Korea on Tuesday. He was greeted at the airport "
    "by Kim Jong Un, who rarely travels abroad and seldom receives foreign leaders."
)
GERMAN = (
    "Die Bundesregierung hat am Mittwoch beschlossen, die Förderung für erneuerbare Energien deutlich "
    "auszubauen. Kritiker halten die Pläne für zu zaghaft und fordern schnellere Genehmigungen."
)
CATALAN = (
    "El Govern ha aprovat aquest dimarts un pla per millorar els serveis públics de la ciutat. "
    "Segons el conseller, les obres començaran l'any vinent i duraran fins a l'estiu."
)
DUTCH = (
    "De regering heeft dinsdag besloten om de steun voor hernieuwbare energie flink uit te breiden. "
    "Critici vinden de plannen te voorzichtig en willen snellere vergunningen."
)
LANGDETECT_SOURCES = {"stopwords:body", "langdetect+stopwords:body", "langdetect:body"}


@pytest.fixture(scope="module", autouse=True)
def cache_in_tmp(tmp_path_factory):
    """The stop lists and profiles this module loads are cached in a tmp dir, not the user's home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSCLEAN_CACHE_DIR", str(tmp_path_factory.mktemp("derived-cache")))
        yield


@pytest.fixture(scope="module")
def stage() -> LanguageStage:
    return LanguageStage.from_settings(load_settings())


def run(stage: LanguageStage, body: str) -> dict:
    item = {"body": body, "input_kind": "text"}
    stage.process_item(item)
    assert item.get("error") is None
    return item["language"]


@pytest.mark.parametrize("body, code", [(POLISH, "pl"), (ENGLISH, "en"), (GERMAN, "de")])
def test_paragraphs(stage, body, code):
    result = run(stage, body)
    assert result["code"] == code
    assert result["source"] in LANGDETECT_SOURCES
    assert 0.8 <= result["confidence"] <= 1.0


# --- the fast replay of langdetect gives langdetect's own answers -----------------------

EQUIVALENCE_TEXTS = [
    POLISH, ENGLISH, GERMAN, CATALAN, DUTCH, POLISH.upper(), ENGLISH + "\n" + GERMAN,
    "NASA i ESA: ŻÓŁW ŻÓŁW żółw", "Tiếng Việt có dấu rất đẹp", "Привет мир, hello world, Київ",
    "点击这里阅读更多关于北京今天天气的新闻报道", "東京でニュースを読む ソニー", "서울 뉴스 오늘",
    "see https://example.com/a?b=c or mail a.b@example.org now", "x", "a  b   c  ", "  ABC DEF ghi JKL",
]


@pytest.mark.parametrize("text", EQUIVALENCE_TEXTS)
@pytest.mark.parametrize("trials", [1, 3, 7])
def test_fast_replay_equals_langdetect(text, trials):
    detector_factory.init_factory()
    reference = detector_factory._factory.create()
    reference.n_trial = trials
    reference.append(text)
    try:
        ranked = reference.get_probabilities()
        expected = (ranked[0].lang, ranked[0].prob) if ranked else None
    except LangDetectException:
        expected = "no features"
    try:
        guess = NgramDetector().best(text, trials)
        got = (guess.lang, guess.prob) if guess else None
    except LangDetectException:
        got = "no features"
    assert got == expected  # same code and the very same float


def test_walk_keeps_its_trials_so_one_then_three_is_langdetects_three():
    detector = NgramDetector()
    walk = detector.walk(ENGLISH + "\n" + GERMAN)
    walk.best(1)
    assert walk.best(3) == detector.best(ENGLISH + "\n" + GERMAN, 3)
    assert len(walk.trials) == 3


def test_short_sample_is_the_head_of_the_long_one():
    body = "\n".join(["Tuesday, July 23, 2024", "KRZYK W NAGŁÓWKU", POLISH, ENGLISH, GERMAN] * 5)
    for size in (10, 100, 180, 181, 500):
        assert language_sample(body, size + 1)[:size] == language_sample(body, 2000)[:size]


# --- which step decided -----------------------------------------------------------------

def test_stopwords_decide_clear_polish(stage):
    result = run(stage, POLISH + "\n" + POLISH.replace("Reuters", "PAP"))
    assert result["code"] == "pl"
    assert result["source"] == "stopwords:body"
    assert 0.8 <= result["confidence"] <= 1.0


def test_all_caps_polish_is_decided_by_stopwords_too(stage):
    assert run(stage, POLISH.upper())["source"] == "stopwords:body"


def test_mixed_text_falls_back_to_langdetect(stage):
    mixed = "\n".join([ENGLISH[:90], GERMAN[:90], "Kim Jong Un, Wladimir Putin, Pjöngjang, Moskau, Reuters, TASS"])
    evidence = StopwordEvidence(mixed)
    assert evidence.clear_winner() is None
    result = run(stage, mixed)
    assert result["source"] == "langdetect:body"
    assert result["code"] in {"en", "de"}


def test_catalan_is_not_taken_for_spanish_by_stopwords(stage):
    # Spanish's list covers many Catalan words, but Catalan-only words ("els", "amb", "per") count against it
    assert StopwordEvidence(CATALAN).clear_winner() is None
    result = run(stage, CATALAN)
    assert result["code"] == "ca"
    assert result["source"] == "langdetect+stopwords:body"


def test_language_outside_the_stopword_set_goes_to_langdetect(stage):
    result = run(stage, DUTCH)
    assert result["code"] == "nl"
    assert result["source"] in {"langdetect+stopwords:body", "langdetect:body"}


def test_script_without_stop_list_is_langdetect(stage):
    result = run(stage, "東京でニュースを読む。ソニーは新しい製品を発表しました。今日はとても良い天気です。")
    assert result["code"] == "ja"
    assert result["source"] == "langdetect:body"


def test_finnish_list_sharing_english_words_does_not_block_english():
    text = (
        "The council said on Monday that it would not be able to open the new bridge before the end of "
        "the year, because the work on the river bank has taken much longer than it had expected."
    )
    evidence = StopwordEvidence(text)
    assert evidence.hits["fi"] >= 10  # jusText's Finnish list carries English words...
    assert evidence.rival_hits("en") == 0  # ...which are no evidence against English
    winner = evidence.clear_winner()
    assert winner is not None and winner[0] == "en"


def test_all_caps_polish_is_polish(stage):
    assert run(stage, POLISH.upper())["code"] == "pl"


def test_mostly_uppercase_lines_are_lowered_others_kept():
    sample = language_sample("TO JEST KRZYK W NAGŁÓWKU\nA to zwykłe Zdanie.", 2000)
    assert sample == "to jest krzyk w nagłówku\nA to zwykłe Zdanie."


def test_date_lines_are_not_language_evidence():
    sample = language_sample("Tuesday, July 23, 2024\n12.09.2023, 14:35\n" + POLISH, 2000)
    assert sample == POLISH


def test_only_a_date_line_is_too_short(stage):
    assert run(stage, "Tuesday, July 23, 2024") == {"code": "und", "confidence": 0.0, "source": "too-short"}


@pytest.mark.parametrize("body", ["", "Tak.", "   \n\n  ", "123 456 789 2024 3,14", "😀🎉🔥" * 20, "!!! ??? ... --- ###" * 5])
def test_too_little_or_odd_text_is_und_not_an_error(stage, body):
    result = run(stage, body)
    assert result["code"] == "und"
    assert result["confidence"] == 0.0
    assert result["source"] in {"too-short", "undetected"}


def test_letters_without_ngram_features_do_not_raise():
    # enough letters to pass the length gate, but of a script langdetect has no profile n-grams for
    result = detect_language("ᚠᚢᚦᚨᚱᚲᚷᚹᚺᚾᛁᛃᛇᛈᛉᛊᛏᛒᛖᛗᛚᛜᛞᛟ " * 3)
    assert result["code"] == "und"
    assert result["source"] == "undetected"


def test_deterministic_on_short_text():
    answers = {detect_language("Putin arrived in Korea today.", min_letters=10)["code"] for _ in range(20)}
    assert len(answers) == 1


def test_long_body_is_capped_and_still_right(stage):
    body = "\n".join([GERMAN] * 200)  # ~40k chars: only the capped head is read
    assert run(stage, body)["code"] == "de"


def test_min_chars_setting_is_respected():
    stage = LanguageStage.from_settings(load_settings({"NEWSCLEAN_LANGUAGE_MIN_CHARS": 500}))
    assert run(stage, ENGLISH)["source"] == "too-short"


def test_result_fits_the_record_schema():
    import json
    from pathlib import Path

    import jsonschema

    import newsclean

    schema = json.loads((Path(newsclean.__file__).parent / "schema" / "article.schema.json").read_text(encoding="utf-8"))
    for body in (POLISH, "", "点击这里阅读更多关于北京今天天气的新闻报道，我们会持续更新最新消息。"):
        result = detect_language(body)
        jsonschema.validate(result, schema["properties"]["language"])
    assert detect_language("点击这里阅读更多关于北京今天天气的新闻报道，我们会持续更新最新消息。")["code"] == "zh"
