"""language: langdetect on the cleaned body, deterministic and bounded in cost.

- Body only: the title stage has already taken the headline out, and date-only
  lines are skipped ("Tuesday, July 23, 2024" is not language evidence).
- Mostly-uppercase lines are lower-cased (all-caps Polish is otherwise misread).
- langdetect runs through newsclean.fastlangdetect, which replays its Detector (profiles,
  seeded random walk, float arithmetic) with bit-identical answers in ~60 % of the CPU.
- langdetect's answer is the mean of random-walk trials that each end near 1.0 for one
  language, so its confidence is in effect the share of trials that agree, and each trial
  costs about as much as reading the 500 chars. So the stage goes in steps over the first
  NEWSCLEAN_LANGUAGE_QUICK_CHARS (500) chars, each only when the one before is not clear:
  1. stop words (jusText's lists): a clear case (one language's list covers most words and
     no other language's list has much the winner's lacks) is decided here, source
     "stopwords:body", confidence = the winner's share of the discriminating hits (>= 0.8);
  2. one langdetect trial, kept when the stop words back its language (its list covers
     STOPWORD_SHARE of the words and no other list does better; source
     "langdetect+stopwords:body"; confidence is the trial's probability, as langdetect's
     own when all its trials agree);
  3. the same walk continued to QUICK_TRIALS trials (exactly langdetect's 3-trial answer),
     kept at probability QUICK_MIN_PROB (source "langdetect:body");
  4. langdetect's full default pass (7 trials) on NEWSCLEAN_LANGUAGE_MAX_CHARS chars.
  Steps 3-4 are what the stage did before, alone. On the 1209 dev-set bodies (dumps, HTML,
  seeds) and 400 single lines the steps give the same codes as that, every one (~85 % of
  bodies end at step 1), at ~0.3 instead of ~1.7 ms CPU per body inside the chain.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import chain
from pathlib import Path

from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from newsclean.datetext import date_line
from newsclean.derived_cache import cached, gc_paused, shared_tuples
from newsclean.fastlangdetect import NgramDetector
from newsclean.stages.base import Fields, Stage
from newsclean.stoplists import stoplist_sources, word_languages

# Deterministic answers: langdetect samples n-grams at random.
DetectorFactory.seed = 0

QUICK_TRIALS = 3
QUICK_MIN_PROB = 0.95
#: A line is "mostly uppercase" above this share of upper-case letters.
UPPER_SHARE = 0.6
#: Step 2 keeps a one-trial answer when that language's stop list covers this share of the
#: words, no other list has more hits, and a rival's hits on words its list lacks are at most
#: SUPPORT_RIVAL_RATIO of its own (the mixed texts where one trial went wrong failed these).
STOPWORD_SHARE = 0.25
SUPPORT_RIVAL_RATIO = 0.5
STOPWORD_MIN_HITS = 5
#: Step 1 decides alone only with this much evidence, when the strongest rival's hits on
#: words the winner's list lacks are at most RIVAL_RATIO of the winner's hits (own-language
#: dev text: mostly < 0.2; nothing that langdetect called otherwise came below 0.4), and only
#: for languages whose lists were checked on real text.
STOPWORD_DECIDE_MIN_HITS = 8
STOPWORD_DECIDE_SHARE = 0.35
RIVAL_RATIO = 0.25
STOPWORD_DECIDES = frozenset({"de", "en", "es", "fr", "it", "pl", "pt", "ru"})

# langdetect code -> jusText stop list (languages both know).
_STOPLISTS = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "kn": "Kannada",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi",
    "ne": "Nepali", "nl": "Dutch", "no": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese",
}
# Stop lists of languages langdetect does not know, counted only as rivals: a Galician text
# (Portuguese-like) must not be decided as Portuguese by stop words; langdetect has its say.
_RIVAL_ONLY_STOPLISTS = {
    "gl": "Galician", "ast": "Asturian", "oc": "Occitan", "lb": "Luxembourgish", "nds": "Low_Saxon",
    "fy": "West_Frisian", "nn": "Norwegian_Nynorsk", "bs": "Bosnian", "sr": "Serbian", "be": "Belarusian",
}
_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _detector() -> NgramDetector:
    """The shared detector over langdetect's profiles (through the derived-data cache)."""
    return NgramDetector()


def build_stopword_languages() -> dict[str, tuple[str, ...]]:
    """word -> langdetect codes whose jusText stop list has it, built from the shared index."""
    lists = {**_STOPLISTS, **_RIVAL_ONLY_STOPLISTS}
    code_of = {name: code for code, name in lists.items()}
    rank = {code: position for position, code in enumerate(lists)}
    index: dict[str, tuple[str, ...]] = {}
    with gc_paused():
        for word, names in word_languages().items():
            codes = [code_of[name] for name in names if name in code_of]
            if codes:
                index[word] = tuple(sorted(codes, key=rank.__getitem__)) if len(codes) > 1 else (codes[0],)
        return shared_tuples(index)


def stopword_sources() -> list[Path]:
    """What the word -> codes index derives from: the shared index's sources and this module (its tables)."""
    return [*stoplist_sources(), Path(__file__)]


@lru_cache(maxsize=1)
def _stopword_languages() -> dict[str, tuple[str, ...]]:
    """word -> langdetect codes (read from the derived-data cache when its sources are unchanged)."""
    return cached("stopword-codes", stopword_sources, build_stopword_languages)


class StopwordEvidence:
    """How many of a text's words each language's stop list covers."""

    def __init__(self, text: str) -> None:
        words = _WORD_RE.findall(text.lower())
        self.words = len(words)
        #: per listed word occurrence, the codes whose lists have it
        self._listed: list[tuple[str, ...]] = list(filter(None, map(_stopword_languages().get, words)))
        self.hits: Counter[str] = Counter(chain.from_iterable(self._listed))

    def share(self, code: str) -> float:
        return self.hits[code] / self.words if self.words else 0.0

    def supports(self, code: str) -> bool:
        """True when the stop words back ``code`` as the text's language (step 2's check)."""
        hits = self.hits[code]
        return (
            hits >= STOPWORD_MIN_HITS
            and self.share(code) >= STOPWORD_SHARE
            and hits >= max(self.hits.values())
            and self.rival_hits(code) <= SUPPORT_RIVAL_RATIO * hits
        )

    def rival_hits(self, code: str) -> int:
        """The most hits another language has on words ``code``'s own list lacks.

        Shared words are no evidence against ``code`` (and some Latin-script lists, e.g.
        Finnish, carry many English words); words only a rival lists are.
        """
        rivals = Counter(chain.from_iterable(codes for codes in self._listed if code not in codes))
        return max(rivals.values(), default=0)

    def clear_winner(self) -> tuple[str, float] | None:
        """(code, confidence) when one language stands out alone, else None.

        confidence: the winner's share of the discriminating hits (its own and its
        strongest rival's on words the winner's list lacks).
        """
        if not self.hits:
            return None
        # the most hits; on a tie a language step 1 may decide (Finnish's list shares many English words)
        code = max(self.hits, key=lambda c: (self.hits[c], c in STOPWORD_DECIDES))
        hits = self.hits[code]
        if code not in STOPWORD_DECIDES:
            return None
        rival = self.rival_hits(code)
        if (
            hits >= STOPWORD_DECIDE_MIN_HITS
            and self.share(code) >= STOPWORD_DECIDE_SHARE
            and rival <= RIVAL_RATIO * hits
        ):
            return code, hits / (hits + rival)
        return None


def language_sample(body: str, max_chars: int) -> str:
    """Up to ``max_chars`` of body text fit for detection (no date lines, no shouting).

    A shorter sample is a prefix of a longer one, once ``max_chars`` exceeds the prefix
    by one char (the newline after the last line read).
    """
    parts: list[str] = []
    size = 0
    for line in body.splitlines():
        line = line.strip()
        if not line or date_line(line):
            continue
        letters = sum(map(str.isalpha, line))
        if letters and sum(map(str.isupper, line)) > UPPER_SHARE * letters:
            line = line.lower()
        parts.append(line)
        size += len(line) + 1
        if size >= max_chars:
            break
    return "\n".join(parts)[:max_chars]


def _has_letters(text: str, count: int) -> bool:
    """At least ``count`` letters in ``text`` (prose settles it in its first few dozen chars)."""
    return sum(map(str.isalpha, text[: 3 * count])) >= count or sum(map(str.isalpha, text)) >= count


def detect_language(text: str, *, quick_chars: int = 500, max_chars: int = 2000, min_letters: int = 20) -> dict:
    """{"code", "confidence", "source"} for ``text``; "und" when it cannot tell. Never raises."""
    sample_chars = max(quick_chars, max_chars)
    quick = language_sample(text, quick_chars + 1)[:quick_chars]  # == the full sample's head
    full = None
    if not _has_letters(quick, min_letters):
        full = language_sample(text, sample_chars)
        if not _has_letters(full, min_letters):
            return {"code": "und", "confidence": 0.0, "source": "too-short"}
    stopwords = StopwordEvidence(quick)
    clear = stopwords.clear_winner()
    if clear:
        return {"code": clear[0], "confidence": round(clear[1], 3), "source": "stopwords:body"}
    try:
        walk = _detector().walk(quick)
        best = walk.best(1)
        source = "langdetect+stopwords:body"
        if best is None or not stopwords.supports(best.lang):
            source = "langdetect:body"
            best = walk.best(QUICK_TRIALS)
            if best is None or best.prob < QUICK_MIN_PROB:  # unsure: the full default pass
                if full is None:
                    full = language_sample(text, sample_chars)
                best = _detector().walk(full[:max_chars]).best(7)
    except LangDetectException:  # no usable features (symbols, emoji, digits)
        return {"code": "und", "confidence": 0.0, "source": "undetected"}
    if best is None:  # no language above langdetect's listing threshold
        return {"code": "und", "confidence": 0.0, "source": "undetected"}
    # the record speaks ISO 639-1: langdetect's "zh-cn"/"zh-tw" become "zh"
    return {"code": best.lang.split("-")[0], "confidence": round(best.prob, 3), "source": source}


class LanguageStage(Stage):
    name = "language"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.max_chars = settings.getint("NEWSCLEAN_LANGUAGE_MAX_CHARS", 2000)
        self.min_letters = settings.getint("NEWSCLEAN_LANGUAGE_MIN_CHARS", 20)
        self.quick_chars = min(settings.getint("NEWSCLEAN_LANGUAGE_QUICK_CHARS", 500), self.max_chars)
        # Load langdetect's profiles and the stop lists now (~0.1 s from the derived-data cache, ~0.45 s
        # building them), not in the first document.
        _detector()
        _stopword_languages()

    def process(self, item: Fields) -> None:
        result = detect_language(
            item.get("body") or "",
            quick_chars=self.quick_chars,
            max_chars=self.max_chars,
            min_letters=self.min_letters,
        )
        item["language"] = result
        self.stats[f"code/{result['code']}"] += 1
        self.stats[f"source/{result['source']}"] += 1
