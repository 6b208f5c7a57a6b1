"""langdetect's Detector, same answers bit for bit, with far less Python per character.

langdetect 1.0.9 spends most of its time in pure-Python loops: ``append`` copies the text
char by char, ``_extract_ngrams`` runs every char through ``NGram.add_char``/``normalize``
(a binary search over Unicode blocks each time), and every random-walk step multiplies the
55 language probabilities in an indexed loop. This module keeps langdetect's profiles, its
seeded random walk and its arithmetic (same operations in the same order, so the same
floats), and only changes how the work is done:

- per-char normalisation is one ``str.translate`` over a table filled lazily from
  ``NGram.normalize`` itself;
- the n-gram windows of the whole text come from C-level map/zip over the normalised
  string, and the profile lookup itself drops the windows langdetect never forms;
- trials run lazily and are kept (Walk), so a caller can look at one trial and still get
  langdetect's exact 3-trial answer for the price of three;
- the walk multiplies five steps per list comprehension (``p*(w+a)*(w+b)...`` evaluates
  left to right, exactly like five successive updates), between langdetect's own
  every-fifth-step convergence checks.

langdetect's profiles (55 JSON files, ~0.2 s to load) are read through the derived-data
cache (newsclean/derived_cache.py), keyed by the profile files and this module, packed:
an n-gram -> row index and one table of doubles. A vector becomes a tuple the first time
a text uses its n-gram (ProfileVectors): ~0.03 s to load instead of ~0.13 s for 88k
ready-made tuples, which every process also paid again to free them at exit, while a
run touches a small part of them (a page in 8 reaches langdetect at all).

tests/test_language.py checks the equivalence against langdetect's own Detector.
"""
from __future__ import annotations

import random
import re
import struct
from functools import lru_cache
from itertools import chain, compress
from operator import add
from pathlib import Path
from typing import NamedTuple

from langdetect import detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

from newsclean.derived_cache import cached, files_in, gc_paused

_LATIN_RE = re.compile("[A-z]")  # langdetect's own 'A' <= ch <= 'z' (includes [\]^_`)
# cleaning_text compares unicode_block() (an int) with a block *name*, so in practice every
# char from U+0300 up counts as non-Latin; replicated as it behaves, not as it reads.
_NON_LATIN_RE = re.compile("[\u0300-\U0010ffff]")


class Guess(NamedTuple):
    """langdetect's best Language: code as langdetect spells it ("zh-cn") and probability."""

    lang: str
    prob: float


class ProfileVectors(dict):
    """n-gram -> its probability in each language, in langlist order (langdetect's list as a
    tuple), or None for an n-gram in no profile; unpacked from the packed table on first use.

    Read it with ``vectors[ngram]`` (``get`` sees only what is unpacked already). What was
    looked up stays (None too: a miss costs a Python call once, not on every window);
    past ``max_cached`` entries the cache starts over, so memory stays flat on long runs.
    """

    max_cached = 200_000

    def __init__(self, index: dict[str, int], table: bytes, size: int) -> None:
        super().__init__()
        self.index, self.table = index, table
        self._row = struct.Struct(f"<{size}d")

    def __missing__(self, ngram: str) -> tuple[float, ...] | None:
        if len(self) >= self.max_cached:
            self.clear()
        row = self.index.get(ngram)
        self[ngram] = vector = None if row is None else self._row.unpack_from(self.table, row * self._row.size)
        return vector


class Profiles(NamedTuple):
    """langdetect's profiles: its language list and the n-gram vectors (packed, see ProfileVectors)."""

    langlist: list[str]
    #: n-gram -> row of ``table``
    index: dict[str, int]
    #: every distinct vector once, as little-endian doubles, ``len(langlist)`` per row
    table: bytes

    def vectors(self) -> ProfileVectors:
        return ProfileVectors(self.index, self.table, len(self.langlist))


def profile_sources() -> list[Path]:
    """The files the profiles are derived from: langdetect's profile files and this module."""
    return [*files_in(detector_factory.PROFILES_DIRECTORY), Path(__file__)]


def build_profiles() -> tuple[list[str], dict[str, int], bytes]:
    """langdetect's own loading, as detect() does it, packed (what langdetect_profiles() caches):
    (langlist, n-gram -> row, the distinct vectors' doubles; ~53k rows for ~88k n-grams)."""
    factory = detector_factory.DetectorFactory()
    with gc_paused():
        factory.load_profile(detector_factory.PROFILES_DIRECTORY)
        rows: dict[tuple[float, ...], int] = {}
        index = {ngram: rows.setdefault(tuple(vector), len(rows)) for ngram, vector in factory.word_lang_prob_map.items()}
    size = len(factory.langlist)
    table = struct.pack(f"<{len(rows) * size}d", *chain.from_iterable(rows))  # doubles round-trip exactly
    return factory.langlist, index, table


@lru_cache(maxsize=1)
def langdetect_profiles() -> Profiles:
    """The profiles, read from the derived-data cache when langdetect's files are unchanged."""
    return Profiles(*cached("langdetect-profiles", profile_sources, build_profiles))


class _NormalisedChars(dict):
    """str.translate table: char code -> langdetect's normalised char, filled on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = value = NGram.normalize(chr(code))
        return value


class _CaseMarks(dict):
    """str.translate table: char code -> "U" for upper-case chars (str.isupper), else "l"."""

    def __missing__(self, code: int) -> str:
        self[code] = value = "U" if chr(code).isupper() else "l"
        return value


class NgramDetector:
    """Replays langdetect's Detector (append, cleaning, n-grams, seeded trials) faster."""

    def __init__(self, profiles: Profiles | None = None) -> None:
        if profiles is None:
            profiles = langdetect_profiles()
        self.langlist: list[str] = profiles.langlist
        self.profiles = profiles.vectors()
        factory = detector_factory.DetectorFactory()  # a factory like detect()'s, over these profiles
        factory.langlist, factory.word_lang_prob_map = profiles.langlist, self.profiles
        self.seed = factory.seed  # DetectorFactory.seed, as detect() reads it
        self.max_text_length = Detector(factory).max_text_length
        self._table = _NormalisedChars()
        self._caps = _CaseMarks()

    # --- text -> n-gram probability vectors ----------------------------------------------

    def features(self, text: str) -> list[tuple[float, ...]]:
        """The profile vectors of the n-grams langdetect would sample from, in its order."""
        text = Detector.URL_RE.sub(" ", text)
        text = Detector.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)[: self.max_text_length]
        # cleaning_text: mostly non-Latin text loses its Latin letters
        if len(_LATIN_RE.findall(text)) * 2 < len(_NON_LATIN_RE.findall(text)):
            text = _LATIN_RE.sub("", text)
        norm = " " + text.translate(self._table)  # langdetect's n-gram window starts as " "
        # Window ending at char j: norm[j], norm[j-1:j+1], norm[j-2:j+1]. Windows langdetect
        # does not form (a lone " ", "  ", a space in the middle of three) are in no profile,
        # so the profile lookup drops them, as its own checks do.
        if len(norm) < 2:
            return []
        bigrams = list(map(add, norm, norm[1:]))
        unigrams, trigrams = norm[2:], map(add, bigrams, norm[2:])
        head = [norm[1], bigrams[0]]  # the first char's window has no 3-gram
        caps = norm.translate(self._caps)
        if "UU" in caps:  # a char continuing an all-caps run forms no n-grams
            keep = [pair != "UU" for pair in map(add, caps[1:], caps[2:])]
            windows = compress(zip(unigrams, bigrams[1:], trigrams), keep)
        else:
            windows = zip(unigrams, bigrams[1:], trigrams)  # streamed: no per-window containers
        vector = self.profiles.__getitem__  # unpacks on first sight (not .get)
        return list(filter(None, map(vector, chain(head, chain.from_iterable(windows)))))

    # --- the seeded random walk --------------------------------------------------------

    def walk(self, text: str, alpha: float = Detector.ALPHA_DEFAULT) -> "Walk":
        """A seeded walk over ``text``'s n-grams; run as many trials as needed with Walk.best().

        Raises LangDetectException when the text has no n-gram features, as langdetect does.
        """
        vectors = self.features(text)
        if not vectors:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        return Walk(vectors, self.langlist, self.seed, alpha)

    def best(self, text: str, n_trial: int = 7) -> Guess | None:
        """langdetect's get_probabilities()[0] for ``text`` with ``n_trial`` trials."""
        return self.walk(text).best(n_trial)


class Walk:
    """Detector._detect_block's trials: same random draws, same float operations.

    Trials run lazily and are kept, because langdetect's first k trials do not depend on
    how many follow: best(1) then best(3) costs three trials, not four, and best(3) is
    exactly what a 3-trial Detector answers.
    """

    def __init__(self, vectors: list[tuple[float, ...]], langlist: list[str], seed: int | None, alpha: float) -> None:
        self.vectors = vectors
        self.langlist = langlist
        self.alpha = alpha
        self.trials: list[list[float]] = []
        self._rng = random.Random()
        self._rng.seed(seed)

    def best(self, n_trial: int) -> Guess | None:
        """The top language of the first ``n_trial`` trials' mean, as langdetect picks it."""
        while len(self.trials) < n_trial:
            self.trials.append(self._trial())
        size = len(self.langlist)
        langprob = [0.0] * size
        for prob in self.trials[:n_trial]:
            for j in range(size):
                langprob[j] += prob[j] / n_trial
        best_j, best_p = -1, Detector.PROB_THRESHOLD
        for j, p in enumerate(langprob):  # first of the highest above the threshold, as its stable sort
            if p > best_p:
                best_j, best_p = j, p
        return Guess(self.langlist[best_j], best_p) if best_j >= 0 else None

    def _trial(self) -> list[float]:
        rng, vectors = self._rng, self.vectors
        choice = rng.choice
        size = len(self.langlist)
        alpha = self.alpha + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        w = alpha / Detector.BASE_FREQ
        # step i = 0, then a convergence check after it and after every fifth step
        prob = [p * (w + a) for p, a in zip([1.0 / size] * size, choice(vectors))]
        i = 0
        while True:
            sump = sum(prob)
            prob = [p / sump for p in prob]
            if max(prob) > Detector.CONV_THRESHOLD or i >= Detector.ITERATION_LIMIT:
                return prob
            a, b, c, d, e = choice(vectors), choice(vectors), choice(vectors), choice(vectors), choice(vectors)
            prob = [
                p * (w + qa) * (w + qb) * (w + qc) * (w + qd) * (w + qe)
                for p, qa, qb, qc, qd, qe in zip(prob, a, b, c, d, e)
            ]
            i += 5
