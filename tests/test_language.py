"""Language stage: langdetect on the cleaned body, deterministic, never raising."""
from __future__ import annotations

import pytest

from newsclean.chain import load_settings
from newsclean.stages.language import LanguageStage, detect_language, language_sample

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
    assert result["source"] == "langdetect:body"
    assert 0.9 <= result["confidence"] <= 1.0


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
