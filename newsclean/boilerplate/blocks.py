"""Find the article block of a plain-text dump (no markup): the last step of cleaning text input.

A dump is the whole visible text of a page, one block per line: menus, headers,
related-headline lists, footers and the article. The article is a contiguous
region of long, punctuated, stop-word-rich lines with a few short subheadings.

Two small logistic regressions (weights in ``models/dump_lines.json``, trained by
benchmarks/train_dump_classifier.py on the dev half only) score each line:

1. *line pass*: the line's own shape (length, sentence punctuation, stop-word
   density from jusText's stop list for the page language, digits, capitals,
   copyright sign, title echo, duplicates, lines sharing a first/last word with
   others: "X says:" templates) plus its neighbourhood (windowed means) and where
   it sits relative to the page's text mass and to the headline's echo;
2. *context pass*: pass-1 probabilities of the neighbours and the best contiguous
   region (maximum-sum run), so a line is judged with the block it sits in.

A line is kept when the context-pass probability reaches the model's threshold;
then two small structural rules: a full sentence next to kept text is kept down to
0.3 (the article's last paragraph), and a heading-shaped line between article lines
is kept (subheadings). Every dropped line is reported with the rule that dropped it:
``block:link-list`` (in a run of 3+ short lines), ``block:outside-article`` (outside
the main region), ``block:short-line``, ``block:low-text-density`` (the line itself
scores low), ``block:context`` (the line looks fine, its surroundings do not).

No feature names a site or page; the only language data are jusText's stop lists.
Deterministic. Written for speed (a dump has ~175 lines; the text chain budgets well under
a millisecond for all of this): the strings are read by C-level calls over all lines or all
words at once (regexes, map, Counter), the numbers are numpy columns. numpy, the model and
the stop lists load on first use: importing this module (the HTML chain does, via the
cleaner) stays cheap.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Sequence

from newsclean.stoplists import word_languages

if TYPE_CHECKING:
    import numpy as np

MODEL_PATH = Path(__file__).with_name("models") / "dump_lines.json"

_WORD_RE = re.compile(r"\w+")
# A sentence end: [.!?…] then maybe a closing quote/bracket then a space or the end; or a CJK stop.
# Written to open with one character class so the regex scan skips straight to candidates.
_SENTENCE_END_RE = re.compile(r"[.!?…。！？](?:(?<=[。！？])|[\"'”»)]?(?:\s|$))")
_TERMINAL = frozenset('.!?…"”»\')。！？」')
# Scripts written without spaces: a \w+ run is a phrase, not a word, so count characters.
_UNSPACED_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")

# ISO 639-1 → jusText stop-list name, for the languages the chain usually reports.
_ISO_TO_STOPLIST = {
    "pl": "Polish", "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "cs": "Czech", "sk": "Slovak", "uk": "Ukrainian", "ru": "Russian",
    "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal", "fi": "Finnish",
    "hu": "Hungarian", "ro": "Romanian", "bg": "Bulgarian", "hr": "Croatian", "sl": "Slovenian",
    "sr": "Serbian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "el": "Greek", "tr": "Turkish",
    "ca": "Catalan", "be": "Belarusian",
}


# --- stop lists -----------------------------------------------------------------------

_word_languages = word_languages  # the shared index (newsclean/stoplists.py)


@lru_cache(maxsize=128)
def _stoplist(name: str) -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist(name))


def detect_stoplist_language(lines: Sequence[str], max_words: int = 400) -> str | None:
    """The jusText stop list covering most of the page's words (None if none hit).

    Coverage is counted on the longest lines (the article speaks the page's language more
    reliably than the menus), as jusText's own stop-word density does.
    """
    findall = _WORD_RE.findall
    return _best_stoplist(_top_word_counts(lines, lambda i: findall(lines[i].lower()), max_words))


def _top_word_counts(lines: Sequence[str], words_at: Callable[[int], list[str]], max_words: int = 400) -> Counter[str]:
    """Counts of the lower-cased words of the longest lines, up to about ``max_words`` words."""
    import numpy as np

    counts: Counter[str] = Counter()
    seen = 0
    # longest first, ties in page order (a stable sort of the negated lengths)
    lengths = np.fromiter(map(len, lines), np.intp, len(lines))
    for i in np.argsort(-lengths, kind="stable")[:12].tolist():
        words = words_at(i)
        counts.update(words)
        seen += len(words)
        if seen >= max_words:
            break
    return counts


_HASH_SLOTS = 1 << 22  # flags in the table's hash filter (~4% of them set)
_RECENT_MAX = 8192  # word rows the table remembers (past it, it starts over)


class _LanguageTable:
    """The word → stop lists index as a 0/1 matrix: a row per distinct tuple of list names
    (row 0: no list), a column per list name in sorted order, and each word's row. A
    page's list scores are then one product.

    Looking words up in the 150k-word dict costs a few cache misses each, so two shortcuts:
    ``maybe`` flags the hash slots (the hash's low bits) of the indexed words; most of a
    page's words are in no list and their slot is not flagged (equal words have equal
    hashes, so no indexed word is ruled out; str hashes differ between processes, so the
    flags are never stored). ``recent``: the rows of the words looked up lately, mostly the
    stop words of the pages' few languages; a small dict stays in the cache.
    """

    def __init__(self, index: dict[str, tuple[str, ...]]) -> None:
        import numpy as np

        tuples = list({id(names): names for names in index.values()}.values())  # the index shares equal tuples
        row_of = {id(names): k for k, names in enumerate(tuples, 1)}
        self.row = dict(zip(index, map(row_of.__getitem__, map(id, index.values()))))
        self.names = sorted({name for names in tuples for name in names})
        column = {name: k for k, name in enumerate(self.names)}
        self.matrix = np.zeros((len(tuples) + 1, len(self.names)))
        self.matrix[
            [k for k, names in enumerate(tuples, 1) for _ in names],
            [column[name] for names in tuples for name in names],
        ] = 1.0
        self.maybe = np.zeros(_HASH_SLOTS, bool)
        self.maybe[_hash_slots(index)] = True
        self.recent: dict[str, int] = {}

    def rows_of(self, words: list[str]) -> list[int]:
        """Each word's row (0: in no list)."""
        rows = list(map(self.recent.get, words))
        if None in rows:
            if len(self.recent) > _RECENT_MAX:
                self.recent.clear()
            for k, row in enumerate(rows):
                if row is None:
                    rows[k] = self.recent[words[k]] = self.row.get(words[k], 0)
        return rows


def _hash_slots(words: Collection[str]) -> np.ndarray:
    import numpy as np

    return np.fromiter(map(hash, words), np.int64, len(words)) & (_HASH_SLOTS - 1)


@lru_cache(maxsize=1)
def _language_table() -> _LanguageTable:
    return _LanguageTable(_word_languages())


def _best_stoplist(counts: Counter[str]) -> str | None:
    """The list with the most word hits (ties: the first name in sorted order)."""
    import numpy as np

    table = _language_table()
    maybe = table.maybe[_hash_slots(counts)]
    rows = table.rows_of(list(compress(counts, maybe.tolist())))
    hits = np.fromiter(counts.values(), float, len(counts))[maybe]
    scores = hits @ table.matrix[rows]  # integer sums: exact
    best = int(scores.argmax())
    return table.names[best] if scores[best] > 0 else None


def stoplist_for(language: str | None, lines: Sequence[str], tokens: "Tokens | None" = None) -> frozenset[str]:
    """The stop list for ``language`` (ISO 639-1 code or jusText name), else the detected one.

    ``tokens``: the lines' :class:`Tokens`, when the caller has them (detection reuses their words).
    """
    if language:
        code = language.lower().split("-")[0].split("_")[0]
        name = _ISO_TO_STOPLIST.get(code) or (language if language[:1].isupper() else None)
        if name:
            try:
                return _stoplist(name)
            except (ValueError, KeyError, OSError):
                pass  # not a jusText list: detect instead
    if tokens is None:
        name = detect_stoplist_language(lines)
    else:
        name = _best_stoplist(_top_word_counts(lines, tokens.words.__getitem__))
    return _stoplist(name) if name else frozenset()


# --- features -------------------------------------------------------------------------

LINE_FEATURES = (
    "bias", "log_chars", "log_words_sq", "short3", "short8", "ends_terminal", "ends_period", "no_final_punct",
    "log_sentences", "log_stops", "stop_x_words", "stop_rel", "stop_rel_x_words", "digit_words", "starts_upper",
    "has_copyright", "dup", "title_echo", "after_title", "title_dist", "pos_head", "pos_mid", "rel_chars",
    "mass_before", "mass_after", "inside_mass", "win1_good", "win4_good", "win1_words", "win4_words",
    "win2_stop", "win2_terminal", "same_first_word", "same_last_word",
)
CONTEXT_FEATURES = (
    "bias", "logit1", "win1_p", "win4_p", "prev3_max", "next3_max", "p_mass_before", "p_mass_after",
    "in_region", "region_dist", "short8", "log_words_sq", "logit1_x_short", "sandwich3", "win8_p", "sure_dist",
)
_AT = {name: k for k, name in enumerate(LINE_FEATURES)}
_REGION_AT = CONTEXT_FEATURES.index("in_region")
_LOG1P_TABLE_SIZE = 4096  # log1p of counts below this: looked up
_FIRST_CHAR, _LAST_CHAR = itemgetter(slice(None, 1)), itemgetter(slice(-1, None))


@lru_cache(maxsize=1)
def _log1p_table() -> np.ndarray:
    import numpy as np

    return np.fromiter(map(math.log1p, range(_LOG1P_TABLE_SIZE)), float, _LOG1P_TABLE_SIZE)


def _log1p_counts(counts: np.ndarray, bound: int | None = None) -> np.ndarray:
    """log1p of non-negative integer counts, the floats math.log1p gives (numpy's log1p
    can differ in the last bit): looked up below 4096. ``bound``: a known upper bound."""
    import numpy as np

    if bound is None:
        bound = int(counts.max()) if counts.size else 0
    if bound >= _LOG1P_TABLE_SIZE:
        return np.fromiter(map(math.log1p, counts.ravel().tolist()), float, counts.size).reshape(counts.shape)
    return _log1p_table()[counts]


def _prefix_sums(values: np.ndarray) -> np.ndarray:
    """0.0, then the running sums (added in order, as a Python loop would)."""
    import numpy as np

    sums = np.zeros(len(values) + 1)
    sums[1:] = values
    return np.add.accumulate(sums, out=sums)


@lru_cache(maxsize=None)
def _edge_widths(radius: int) -> np.ndarray:
    """Widths of the clipped windows at the head: radius+1 .. 2*radius (the tail's, reversed)."""
    import numpy as np

    return np.arange(radius + 1, 2 * radius + 1, dtype=float)


def _window_means(prefix: np.ndarray, radius: int) -> np.ndarray:
    """Mean of values[i-radius .. i+radius] (clipped at the ends), from ``prefix`` = _prefix_sums(values)."""
    import numpy as np

    n = len(prefix) - 1
    width = 2 * radius + 1
    if n <= width:  # every window clipped
        at = np.arange(n)
        hi, lo = np.minimum(at + radius + 1, n), np.maximum(at - radius, 0)
        return (prefix[hi] - prefix[lo]) / (hi - lo)
    heads = _edge_widths(radius)
    means = np.empty(n)
    means[:radius] = prefix[radius + 1 : width] / heads
    means[radius : n - radius] = (prefix[width:] - prefix[: n + 1 - width]) * (1.0 / width)
    means[n - radius :] = (prefix[n] - prefix[n + 1 - width : n - radius]) / heads[::-1]
    return means


def _mass_split(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of the total weight strictly before / strictly after each index."""
    import numpy as np

    running = np.cumsum(weights)
    inv = 1.0 / ((running[-1] if len(running) else 0.0) or 1.0)
    before = (running - weights) * inv
    after = np.maximum(1.0 - before - weights * inv, 0.0)
    return before, after


# ASCII bytes that \w does not match, as spaces (other bytes unchanged)
_ASCII_NON_WORD_AS_SPACE = bytes(32 if c < 128 and not (chr(c).isalnum() or c == 95) else c for c in range(256))


class Tokens:
    """A page's lines stripped, lower-cased and split into \\w+ words, once for every consumer
    (stop-list detection, the line features)."""

    __slots__ = ("texts", "keys", "words")

    def __init__(self, lines: Sequence[str]) -> None:
        self.texts = [line.strip() for line in lines]
        self.keys = [text.lower() for text in self.texts]
        findall, spaces = _WORD_RE.findall, _ASCII_NON_WORD_AS_SPACE
        # an ASCII line's words are its split() once its non-word bytes are spaces (faster than the regex)
        self.words = [key.encode().translate(spaces).decode().split() if key.isascii() else findall(key)
                      for key in self.keys]


def line_features(lines: Sequence[str], stop: frozenset[str], tokens: Tokens | None = None) -> list[list[float]]:
    """Pass-1 features for each non-blank line, in LINE_FEATURES order."""
    return _line_features(lines, stop, tokens).matrix.T.tolist()


class _LineFeatures:
    """line_features() as a matrix (a row per feature, a column per line) and the lines'
    word counts (what log_words_sq encodes; the structural rules read them)."""

    __slots__ = ("matrix", "words")

    def __init__(self, matrix: np.ndarray, words: np.ndarray) -> None:
        self.matrix, self.words = matrix, words


_STOP, _TITLE = 1, 2  # word codes: in the stop list, among the headline's words
_TERMINAL_END, _PERIOD_END = 1, 3  # line-end codes (a period is terminal too)
_END_KIND = {**dict.fromkeys(_TERMINAL, _TERMINAL_END), ".": _PERIOD_END}


@lru_cache(maxsize=128)
def _stop_codes(stop: frozenset[str]) -> dict[str, int]:
    return dict.fromkeys(stop, _STOP)


def _line_features(lines: Sequence[str], stop: frozenset[str], tokens: Tokens | None = None) -> _LineFeatures:
    """The pass-1 features (see line_features).

    One word split per line (``tokens``, when the caller has them already); per-word flags
    (stop word, headline word, digits) in one list over all words, summed per line; then
    every feature as a numpy column. Features whose held-out gain was nil were dropped
    (comma counts, separators, capitalised heads, blank-line structure, ...).
    """
    import numpy as np

    n = len(lines)
    if n == 0:
        return _LineFeatures(np.empty((len(LINE_FEATURES), 0)), np.empty(0, np.intp))
    tokens = tokens or Tokens(lines)
    texts, keys, words_of = tokens.texts, tokens.keys, tokens.words

    # the words of all lines in one list; a line's words are flat[bounds[i]:bounds[i + 1]]
    flat = list(chain.from_iterable(words_of))
    raw_words = np.fromiter(map(len, words_of), np.intp, n)
    bounds = np.zeros(n + 1, np.intp)
    np.cumsum(raw_words, out=bounds[1:])

    def per_line(word_flags: np.ndarray) -> np.ndarray:
        sums = np.zeros(len(word_flags) + 1, np.intp)
        np.cumsum(word_flags, out=sums[1:])
        return sums[bounds[1:]] - sums[bounds[:-1]]

    code = _stop_codes(stop).copy()
    for word in set(words_of[0]):
        code[word] = code.get(word, 0) | _TITLE
    word_codes = np.frombuffer(bytes(map(code.get, flat, repeat(0))), np.uint8)
    digit_words = per_line(np.frombuffer(bytes(map(str.isdigit, flat)), np.uint8))
    # lines sharing their last / first word with other short lines: "X says:", "Y commented
    # on", "Download ...": repeated templates of comment threads and teaser lists
    # "": no word to share (for the last word, also a long line's), counted once: 0 others
    firsts = [words[0] if words else "" for words in words_of]
    lasts = [words[-1] if 0 < len(words) <= 12 else "" for words in words_of]
    first_counts, last_counts = Counter(firsts), Counter(lasts)
    first_counts[""] = last_counts[""] = 1
    sharing = np.fromiter(chain(map(first_counts.__getitem__, firsts), map(last_counts.__getitem__, lasts)), np.intp, 2 * n)
    sharing -= 1
    same_first, same_last = _log1p_counts(sharing.reshape(2, n), n)

    # integer counts per line: words, characters, stop words, sentence ends
    counts = np.empty((4, n), np.intp)
    nws, chars, nstops, sentences = counts
    nws[:] = raw_words
    unspaced = _UNSPACED_RE.search
    for i in [i for i, text in enumerate(texts) if not text.isascii() and unspaced(text)]:
        nws[i] += len(_UNSPACED_RE.findall(texts[i])) // 2  # scripts without spaces: count characters
    chars[:] = np.fromiter(map(len, texts), np.intp, n)
    nstops[:] = per_line(word_codes & _STOP)
    sentences[:] = np.fromiter(map(len, map(_SENTENCE_END_RE.findall, texts)), np.intp, n)
    log_words, log_chars, log_stops, log_sentences = _log1p_counts(counts)
    has_words = nws > 0

    end_kinds = np.frombuffer(bytes(map(_END_KIND.get, map(_LAST_CHAR, texts), repeat(0))), np.uint8)
    terminal = (end_kinds & _TERMINAL_END).astype(float)
    # "(" first: a one-character search is a fast scan, and most lines have none
    copyright_ = [1.0 if "©" in text or ("(" in text and ("(c)" in text or "(C)" in text)) else 0.0 for text in texts]
    key_counts = Counter(keys)
    if len(key_counts) < n:
        dup = (np.fromiter(map(key_counts.__getitem__, keys), np.intp, n) > 1) & has_words
    else:
        dup = 0.0

    stop_l = np.divide(nstops, nws, out=np.zeros(n), where=has_words)
    echo = (per_line(word_codes >> 1) >= 0.8 * nws) & (nws >= 3)
    echo[0] = False
    good = (nws >= 12) & ((terminal > 0) | (sentences > 0))

    long_densities = np.sort(stop_l[nws >= 10])
    ref = long_densities[int(0.8 * (len(long_densities) - 1))] if len(long_densities) else 0.0
    rel = stop_l * (1.0 / ref if ref > 0 else 0.0)
    mass_before, mass_after = _mass_split(good * chars)
    at = np.arange(n)
    echoes = np.flatnonzero(echo)
    if len(echoes):
        title_at = int(echoes[0])
        after_title = at > title_at
        title_dist = np.minimum(np.maximum((at - title_at) / 50.0, -1.0), 1.0)
    else:
        after_title = title_dist = 0.0
    positions = at / n
    good_sums, word_sums = _prefix_sums(good), _prefix_sums(log_words)

    columns = (
        1.0,
        log_chars,
        log_words * log_words,
        nws <= 3,
        nws <= 8,
        terminal,
        end_kinds == _PERIOD_END,
        np.frombuffer(bytes(map(str.isalnum, map(_LAST_CHAR, texts))), np.uint8),
        log_sentences,
        log_stops,
        stop_l * log_words,
        rel,
        rel * log_words,
        np.divide(digit_words, nws, out=np.zeros(n), where=has_words),
        np.frombuffer(bytes(map(str.isupper, map(_FIRST_CHAR, texts))), np.uint8),
        copyright_,
        dup,
        echo,
        after_title,
        title_dist,
        at < 0.1 * n,
        positions * (1.0 - positions),
        chars * (1.0 / (int(chars.max()) or 1)),
        mass_before,
        mass_after,
        np.minimum(mass_before, mass_after),
        _window_means(good_sums, 1),
        _window_means(good_sums, 4),
        _window_means(word_sums, 1),
        _window_means(word_sums, 4),
        _window_means(_prefix_sums(stop_l), 2),
        _window_means(_prefix_sums(terminal), 2),
        same_first,
        same_last,
    )
    matrix = np.empty((len(LINE_FEATURES), n))
    for row, column in zip(matrix, columns):
        row[:] = column
    return _LineFeatures(matrix, nws)


def _short_run_lengths(short: np.ndarray) -> np.ndarray:
    """Length of the run of equal ``short`` flags each line sits in."""
    import numpy as np

    starts = np.flatnonzero(short[1:] != short[:-1]) + 1
    lengths = np.diff(np.concatenate(([0], starts, [len(short)])))
    return np.repeat(lengths, lengths)


def context_features(rows: list[list[float]], probs: list[float]) -> list[list[float]]:
    """Pass-2 features from pass-1 features and probabilities, in CONTEXT_FEATURES order."""
    import numpy as np

    features = _as_matrix(rows, len(LINE_FEATURES))
    return _context_matrix(features, np.asarray(probs, dtype=float)).T.tolist()


def _context_matrix(features: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """context_features() from the pass-1 feature matrix, as a matrix (a row per feature)."""
    import numpy as np

    n = len(probs)
    log_chars, short8 = features[_AT["log_chars"]], features[_AT["short8"]]
    before, after = _mass_split(probs * np.expm1(log_chars))
    start, end = _best_region(((probs - 0.5) * log_chars).tolist())
    padded = np.zeros(n + 6)
    padded[3 : n + 3] = probs
    prev3 = np.maximum(np.maximum(padded[0:n], padded[1 : n + 1]), padded[2 : n + 2])
    next3 = np.maximum(np.maximum(padded[4 : n + 4], padded[5 : n + 5]), padded[6 : n + 6])
    clipped = np.minimum(np.maximum(probs, 1e-4), 0.9999)
    logits = np.log(clipped / (1.0 - clipped))
    at = np.arange(n)
    inside = np.zeros(n)
    inside[start : end + 1] = 1.0
    prob_sums = _prefix_sums(probs)
    columns = (
        1.0, logits, _window_means(prob_sums, 1), _window_means(prob_sums, 4), prev3, next3,
        before, after, inside,
        _log1p_counts(np.maximum(np.maximum(start - at, at - end), 0), n),  # lines to the region (0 inside)
        short8, features[_AT["log_words_sq"]], logits * short8,
        # a short line between article lines (subheading, list item) belongs to the article
        np.minimum(prev3, next3), _window_means(prob_sums, 8), _distance_to(probs >= 0.8),
    )
    matrix = np.empty((len(CONTEXT_FEATURES), n))
    for row, column in zip(matrix, columns):
        row[:] = column
    return matrix


def _distance_to(flags: np.ndarray) -> np.ndarray:
    """log1p of the distance (in lines) to the nearest flagged line; log1p(n) if none."""
    import numpy as np

    n = len(flags)
    at = np.arange(n)
    last = np.maximum.accumulate(np.where(flags, at, -n))
    following = np.minimum.accumulate(np.where(flags, at, 2 * n)[::-1])[::-1]
    return _log1p_counts(np.minimum(np.minimum(at - last, following - at), n), n)


def _best_region(scores: list[float]) -> tuple[int, int]:
    """Maximum-sum contiguous run (Kadane); (0, -1) when every score is negative."""
    best, best_span = 0.0, (0, -1)
    acc, start = 0.0, 0
    for i, s in enumerate(scores):
        if acc <= 0:
            acc, start = s, i
        else:
            acc += s
        if acc > best:
            best, best_span = acc, (start, i)
    return best_span


# --- model ----------------------------------------------------------------------------

def _as_matrix(rows: list[list[float]], width: int) -> np.ndarray:
    """Rows of features (a list per line) as a matrix with a row per feature, laid out as
    the hot path's (C order), so that the products add in the same order: the same floats."""
    import numpy as np

    return np.ascontiguousarray(np.array(rows, dtype=float).reshape(len(rows), width).T)


class LinearModel:
    """Standardise, dot with weights, logistic. Stored as JSON lists."""

    def __init__(self, names: Sequence[str], mean: list[float], scale: list[float], weights: list[float]) -> None:
        import numpy as np

        self.names = tuple(names)
        self.mean, self.scale, self.weights = mean, scale, weights
        # fold the standardisation into the weights: z = bias + sum(x * w / s)
        folded = [w / s for w, s in zip(weights, scale)]
        self._w = np.array(folded)
        self._bias = -sum(m * w for m, w in zip(mean, folded))

    @classmethod
    def from_dict(cls, data: dict) -> "LinearModel":
        return cls(data["features"], data["mean"], data["scale"], data["weights"])

    def to_dict(self) -> dict:
        return {"features": list(self.names), "mean": self.mean, "scale": self.scale, "weights": self.weights}

    def predict(self, rows: list[list[float]]) -> list[float]:
        return self._predict(_as_matrix(rows, len(self.names))).tolist()

    def _predict(self, features: np.ndarray) -> np.ndarray:
        """predict() of a feature matrix (a row per feature, a column per line)."""
        import numpy as np

        z = self._bias + self._w @ features
        return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(z, -30.0), 30.0)))


@dataclass
class Scores:
    """Per-line outputs of the passes, kept for explaining drops."""

    rows: list[list[float]]  # pass-1 features
    first: list[float]  # pass-1 probabilities
    context: list[list[float]]  # last context-pass features
    final: list[float]  # last context-pass probabilities


class DumpLineModel:
    """The line pass, the context passes (each sees the previous pass's output) and the keep threshold."""

    def __init__(self, line: LinearModel, contexts: list[LinearModel], threshold: float) -> None:
        self.line, self.contexts, self.threshold = line, contexts, threshold

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "DumpLineModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        contexts = [LinearModel.from_dict(c) for c in data["contexts"]]
        return cls(LinearModel.from_dict(data["line"]), contexts, data["threshold"])

    def to_dict(self) -> dict:
        return {"line": self.line.to_dict(), "contexts": [c.to_dict() for c in self.contexts],
                "threshold": self.threshold}

    def score(self, lines: Sequence[str], stop: frozenset[str]) -> Scores:
        return self.score_rows(line_features(lines, stop))

    def score_rows(self, rows: list[list[float]]) -> Scores:
        first, context, final = self._score_matrix(_as_matrix(rows, len(LINE_FEATURES)))
        return Scores(rows, first.tolist(), [] if context is None else context.T.tolist(), final.tolist())

    def _score_matrix(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """score_rows() of a pass-1 feature matrix, as arrays: the pass-1 probabilities, the last
        context-pass feature matrix (None without context passes), the last probabilities."""
        first = probs = self.line._predict(features)
        context = None
        for model in self.contexts:
            context = _context_matrix(features, probs)
            probs = model._predict(context)
        return first, context, probs


@lru_cache(maxsize=1)
def default_model() -> DumpLineModel:
    return DumpLineModel.load()


# --- the API --------------------------------------------------------------------------

_HEADING_FLOOR = 0.1  # a subheading below this pass-2 probability stays dropped even between article lines


def _is_heading(text: str, words: int) -> bool:
    """Subheading shape: a few words, capitalised, no sentence-final punctuation."""
    return 1 <= words <= 12 and text[:1].isupper() and text[-1:] not in ".!?:;,"


def _keep_subheadings(texts: list[str], words: list[int], keep: list[bool], probs: list[float]) -> None:
    """Keep a heading-shaped line sitting right above article text that also follows article text.

    Neutral on the benchmarks (held-out F1 ±0.001) but it keeps the article's own
    subheadings, which readers expect; the model alone scores them low.
    """
    n = len(keep)
    for i in range(1, n - 1):
        if (not keep[i] and keep[i + 1] and (keep[i - 1] or (i > 1 and keep[i - 2]))
                and probs[i] >= _HEADING_FLOOR and _is_heading(texts[i], words[i])):
            keep[i] = True


_EDGE_FLOOR = 0.3  # a full sentence next to kept text is kept down to this pass-2 probability


def _extend_edges(texts: list[str], words: list[int], keep: list[bool], probs: list[float]) -> None:
    """Keep a full-sentence line right next to kept text when the model was merely unsure.

    The last paragraph of an article has no article text after it, so the position
    features pull it down; readers miss it more than they mind a borderline extra line.
    """
    n = len(keep)
    for i in range(n):
        if keep[i] or probs[i] < _EDGE_FLOOR or words[i] < 12 or texts[i][-1:] not in _TERMINAL:
            continue
        if (i > 0 and keep[i - 1]) or (i + 1 < n and keep[i + 1]):
            keep[i] = True


_DROP_RULES = (
    "block:link-list",  # in a run of 3+ short lines: menu, tags, related headlines
    "block:outside-article",
    "block:short-line",
    "block:low-text-density",
    "block:context",
)


def _drop_rules(words: np.ndarray, p1: np.ndarray, in_region: np.ndarray) -> np.ndarray:
    """Each line's likeliest reason to be dropped, for --explain: the first of _DROP_RULES
    that applies, as its index (assigned from the last rule up, so earlier rules win)."""
    import numpy as np

    short = words <= 6
    rules = np.where(words <= 3, 2, np.where(p1 < 0.5, 3, 4))
    rules[~in_region] = 1
    rules[short & (_short_run_lengths(short) >= 3)] = 0
    return rules


def select_article_lines(
    lines: list[str], *, language: str | None = None, model: DumpLineModel | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """Keep the article block of a dump: returns (kept_lines, removed) where removed = [{"rule": ..., "text": ...}].

    ``language`` (ISO 639-1 like "pl", or a jusText stop-list name) picks the stop list;
    None detects it from the lines. Blank lines are not scored: one is kept where it
    separated two kept lines. Never returns nothing for a page with text.
    """
    import numpy as np

    model = model or default_model()
    index = list(compress(range(len(lines)), map(str.strip, lines)))
    if not index:
        return [], []
    body = list(map(lines.__getitem__, index))
    tokens = Tokens(body)
    features = _line_features(body, stoplist_for(language, body, tokens), tokens)
    p1, context, final = model._score_matrix(features.matrix)
    keep = (final >= model.threshold).tolist()
    if not any(keep):
        keep[int(final.argmax())] = True
    texts, words, p2 = tokens.texts, features.words.tolist(), final.tolist()
    _extend_edges(texts, words, keep, p2)
    _keep_subheadings(texts, words, keep, p2)

    kept: list[str] = []
    last_kept = -1
    for i in compress(index, keep):
        if last_kept >= 0 and i > last_kept + 1 and not lines[i - 1].strip():
            kept.append("")
        kept.append(lines[i])
        last_kept = i
    dropped = ~np.fromiter(keep, bool, len(keep))
    in_region = context[_REGION_AT] > 0 if context is not None else np.zeros(len(final), bool)  # no context pass
    rules = map(_DROP_RULES.__getitem__, _drop_rules(features.words, p1, in_region)[dropped].tolist())
    removed = [{"rule": rule, "text": text} for rule, text in zip(rules, compress(body, dropped.tolist()))]
    return kept, removed
