"""language: langdetect on the cleaned body. (STUB)"""
from __future__ import annotations

from itemadapter import ItemAdapter
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from newsclean.stages.base import Stage

DetectorFactory.seed = 0


class LanguageStage(Stage):
    name = "language"

    def process(self, item: ItemAdapter) -> None:
        text = (item.get("body") or "")[:2000]
        try:
            best = detect_langs(text)[0]
            item["language"] = {"code": best.lang, "confidence": round(best.prob, 3), "source": "langdetect:body"}
        except LangDetectException:
            item["language"] = {"code": "und", "confidence": 0.0, "source": "too-short"}
