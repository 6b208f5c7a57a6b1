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
Pure Python, deterministic; the model and stop lists load once on first use.
"""
from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from operator import mul
from pathlib import Path
from typing import Callable, Sequence

from newsclean.stoplists import word_languages

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
    counts: Counter[str] = Counter()
    seen = 0
    for i in sorted(range(len(lines)), key=[len(line) for line in lines].__getitem__, reverse=True)[:12]:
        words = words_at(i)
        counts.update(words)
        seen += len(words)
        if seen >= max_words:
            break
    return counts


def _best_stoplist(counts: Counter[str]) -> str | None:
    index = _word_languages()
    get = index.get
    scores: dict[str, int] = {}
    for word, count in counts.items():
        langs = get(word)
        if langs:
            for lang in langs:
                scores[lang] = scores.get(lang, 0) + count
    if not scores:
        return None
    return max(sorted(scores), key=scores.__getitem__)


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
_LOG1P = [math.log1p(k) for k in range(4096)]  # log1p of small counts, looked up


def _log1p_count(k: int) -> float:
    return _LOG1P[k] if k < 4096 else math.log1p(k)


def _window_means(values: list[float], radius: int, prefix: list[float] | None = None) -> list[float]:
    """Mean of values[i-radius .. i+radius] (clipped at the ends), via prefix sums
    (``prefix``: _prefix_sums(values), when the caller has them for another radius)."""
    n = len(values)
    prefix = prefix or _prefix_sums(values)
    width = 2 * radius + 1
    if n <= width:
        return [(prefix[min(n, i + radius + 1)] - prefix[max(0, i - radius)]) / (min(n, i + radius + 1) - max(0, i - radius))
                for i in range(n)]
    inv = 1.0 / width
    head = [prefix[i + radius + 1] / (i + radius + 1) for i in range(radius)]
    middle = list(map(mul, map(operator.sub, prefix[width:], prefix), repeat(inv)))  # (hi - lo) * inv, in C
    tail = [(prefix[n] - prefix[i - radius]) / (n - i + radius) for i in range(n - radius, n)]
    return head + middle + tail


def _prefix_sums(values: list[float]) -> list[float]:
    return [0.0, *accumulate(values)]


def _mass_split(weights: list[float]) -> tuple[list[float], list[float]]:
    """Share of the total weight strictly before / strictly after each index."""
    total = sum(weights) or 1.0
    inv = 1.0 / total
    before = [(acc - w) * inv for acc, w in zip(accumulate(weights), weights)]
    after = [x if x > 0.0 else 0.0 for x in [1.0 - b - w * inv for b, w in zip(before, weights)]]  # max(0.0, x)
    return before, after


class Tokens:
    """A page's lines stripped, lower-cased and split into \\w+ words, once for every consumer
    (stop-list detection, the line features)."""

    __slots__ = ("texts", "keys", "words")

    def __init__(self, lines: Sequence[str]) -> None:
        self.texts = [line.strip() for line in lines]
        self.keys = [text.lower() for text in self.texts]
        self.words = list(map(_WORD_RE.findall, self.keys))


def line_features(lines: Sequence[str], stop: frozenset[str], tokens: Tokens | None = None) -> list[list[float]]:
    """Pass-1 features for each non-blank line, in LINE_FEATURES order."""
    return list(map(list, _line_features(lines, stop, tokens).rows))


class _LineFeatures:
    """line_features() as rows (tuples), with what the hot path reads again: word counts
    (what the rows' log_words_sq encodes), their log1p, and three columns the context pass
    needs (so nothing is decoded back from the rows)."""

    __slots__ = ("rows", "words", "log_words", "log_chars", "short8", "log_words_sq")

    def __init__(self, rows: list, words: list[int], log_words: list[float], log_chars: list[float],
                 short8: list[float], log_words_sq: list[float]) -> None:
        self.rows, self.words, self.log_words = rows, words, log_words
        self.log_chars, self.short8, self.log_words_sq = log_chars, short8, log_words_sq


def _line_features(lines: Sequence[str], stop: frozenset[str], tokens: Tokens | None = None) -> _LineFeatures:
    """The pass-1 features (see line_features).

    Written for speed (the text chain budgets about a millisecond per dump): one word
    regex per line (``tokens``, when the caller has them already), counts looked up,
    each feature computed for all lines at once (comprehensions and map run in C), few
    features. Features whose held-out gain was nil were dropped (comma counts,
    separators, capitalised heads, blank-line structure, ...).
    """
    n = len(lines)
    if n == 0:
        return _LineFeatures([], [], [], [], [], [])
    tokens = tokens or Tokens(lines)
    texts, keys, words_of = tokens.texts, tokens.keys, tokens.words
    counts = Counter(keys)
    # lines sharing their last / first word with other short lines: "X says:", "Y commented
    # on", "Download ...": repeated templates of comment threads and teaser lists
    firsts = [words[0] if words else "" for words in words_of]
    lasts = [words[-1] if 0 < len(words) <= 12 else "" for words in words_of]
    first_counts, last_counts = Counter(firsts), Counter(lasts)
    is_stop, is_title = stop.__contains__, set(words_of[0]).__contains__
    table, log1p, isdigit = _LOG1P, math.log1p, str.isdigit
    zeros = [0.0] * n

    nws = list(map(len, words_of))
    unspaced = _UNSPACED_RE.search
    for i in [i for i, text in enumerate(texts) if not text.isascii() and unspaced(text)]:
        nws[i] += len(_UNSPACED_RE.findall(texts[i])) // 2  # scripts without spaces: count characters
    chars_l = list(map(len, texts))
    nstops = [sum(map(is_stop, words)) for words in words_of]
    sentences = list(map(len, map(_SENTENCE_END_RE.findall, texts)))
    ends = [text[-1:] for text in texts]
    log_words = [table[k] if k < 4096 else log1p(k) for k in nws]
    stop_l = [s / k if k else 0.0 for s, k in zip(nstops, nws)]
    term_l = list(map(_TERMINAL_VALUE.get, ends, repeat(0.0)))
    echo_l = [
        1.0 if i and k >= 3 and sum(map(is_title, words)) >= 0.8 * k else 0.0
        for i, (words, k) in enumerate(zip(words_of, nws))
    ]
    good_l = [1.0 if k >= 12 and (t or c) else 0.0 for k, t, c in zip(nws, term_l, sentences)]

    long_densities = sorted(d for d, w in zip(stop_l, log_words) if w >= _LOG1P[10])
    ref = long_densities[int(0.8 * (len(long_densities) - 1))] if long_densities else 0.0
    inv_ref = 1.0 / ref if ref > 0 else 0.0
    rel = [d * inv_ref for d in stop_l]
    mass_before, mass_after = _mass_split([g * c for g, c in zip(good_l, chars_l)])
    inv_max_chars = 1.0 / (max(chars_l) or 1)
    title_at = next((i for i, e in enumerate(echo_l) if e), n)
    if title_at < n:
        after_title = [0.0] * (title_at + 1) + [1.0] * (n - title_at - 1)
        title_dist = [(i - title_at) / 50.0 for i in range(n)]
        title_dist = [-1.0 if d < -1.0 else (1.0 if d > 1.0 else d) for d in title_dist]
    else:
        after_title = title_dist = zeros
    head_limit = 0.1 * n
    heads = 0
    while heads < n and heads < head_limit:
        heads += 1
    positions = [i / n for i in range(n)]
    log_chars = list(map(log1p, chars_l))
    log_words_sq = list(map(mul, log_words, log_words))
    short8 = list(map(_SHORT8.get, nws, repeat(0.0)))
    good_sums, word_sums = _prefix_sums(good_l), _prefix_sums(log_words)

    columns = (
        repeat(1.0, n),
        log_chars,
        log_words_sq,
        map(_SHORT3.get, nws, repeat(0.0)),
        short8,
        term_l,
        map(_PERIOD_VALUE.get, ends, repeat(0.0)),
        [1.0 if end.isalnum() else 0.0 for end in ends],
        [table[k] if k < 4096 else log1p(k) for k in sentences],
        [table[k] if k < 4096 else log1p(k) for k in nstops],
        map(mul, stop_l, log_words),
        rel,
        map(mul, rel, log_words),
        [sum(map(isdigit, words)) / k if k else 0.0 for words, k in zip(words_of, nws)],
        [1.0 if text[:1].isupper() else 0.0 for text in texts],
        [1.0 if ("©" in text or "(c)" in text or "(C)" in text) else 0.0 for text in texts],
        [1.0 if k and counts[key] > 1 else 0.0 for k, key in zip(nws, keys)],
        echo_l,
        after_title,
        title_dist,
        [1.0] * heads + [0.0] * (n - heads),
        [pos * (1.0 - pos) for pos in positions],
        [c * inv_max_chars for c in chars_l],
        mass_before,
        mass_after,
        [b if b < a else a for b, a in zip(mass_before, mass_after)],
        _window_means(good_l, 1, good_sums),
        _window_means(good_l, 4, good_sums),
        _window_means(log_words, 1, word_sums),
        _window_means(log_words, 4, word_sums),
        _window_means(stop_l, 2),
        _window_means(term_l, 2),
        [_log1p_count(first_counts[w] - 1) if w else 0.0 for w in firsts] if n > len(table)
        else [table[first_counts[w] - 1] if w else 0.0 for w in firsts],
        [_log1p_count(last_counts[w] - 1) if w else 0.0 for w in lasts] if n > len(table)
        else [table[last_counts[w] - 1] if w else 0.0 for w in lasts],
    )
    return _LineFeatures(list(zip(*columns)), nws, log_words, log_chars, short8, log_words_sq)


# Feature values looked up by map() (C speed) instead of per-line conditionals.
_TERMINAL_VALUE = dict.fromkeys(_TERMINAL, 1.0)
_PERIOD_VALUE = {".": 1.0}
_SHORT3 = dict.fromkeys(range(4), 1.0)
_SHORT8 = dict.fromkeys(range(9), 1.0)


def _short_runs(log_words: list[float], limit: float = math.log1p(6)) -> list[float]:
    """log1p of the length of the run of short lines (≤ 6 words) each line belongs to (0 if long)."""
    n = len(log_words)
    out = [0.0] * n
    i = 0
    while i < n:
        if log_words[i] > limit:
            i += 1
            continue
        j = i
        while j < n and log_words[j] <= limit:
            j += 1
        value = math.log1p(j - i)
        for k in range(i, j):
            out[k] = value
        i = j
    return out


def context_features(rows: list[list[float]], probs: list[float]) -> list[list[float]]:
    """Pass-2 features from pass-1 probabilities, in CONTEXT_FEATURES order.

    Built column by column (list comprehensions and zip run in C): this is on the hot path.
    """
    at_chars, at_words, at_s8 = _AT["log_chars"], _AT["log_words_sq"], _AT["short8"]
    return list(map(list, _context_rows(
        [row[at_chars] for row in rows], [row[at_s8] for row in rows], [row[at_words] for row in rows], probs
    )))


def _context_rows(log_chars: list[float], short8: list[float], words: list[float], probs: list[float]) -> list:
    """context_features() from the three pass-1 columns it reads, as rows (tuples)."""
    n = len(probs)
    before, after = _mass_split([p * math.expm1(c) for p, c in zip(probs, log_chars)])
    start, end = _best_region([(p - 0.5) * c for p, c in zip(probs, log_chars)])
    pad = [0.0, 0.0, 0.0]
    padded = pad + probs + pad
    prev3 = list(map(max, padded[0:n], padded[1 : n + 1], padded[2 : n + 2]))
    next3 = list(map(max, padded[4 : n + 4], padded[5 : n + 5], padded[6 : n + 6]))
    log = math.log
    clipped = [1e-4 if p < 1e-4 else (0.9999 if p > 0.9999 else p) for p in probs]
    logits = [log(q / (1.0 - q)) for q in clipped]
    inside = [1.0 if start <= i <= end else 0.0 for i in range(n)]
    prob_sums = _prefix_sums(probs)
    if n < len(_LOG1P):  # distances below n: looked up
        table = _LOG1P
        region_dist = [0.0 if start <= i <= end else table[start - i if i < start else i - end] for i in range(n)]
    else:
        region_dist = [0.0 if start <= i <= end else _log1p_count(start - i if i < start else i - end) for i in range(n)]
    columns = (
        [1.0] * n, logits, _window_means(probs, 1, prob_sums), _window_means(probs, 4, prob_sums), prev3, next3, before, after,
        inside, region_dist, short8, words, [lg * s for lg, s in zip(logits, short8)],
        # a short line between article lines (subheading, list item) belongs to the article
        list(map(min, prev3, next3)), _window_means(probs, 8, prob_sums), _distance_to([p >= 0.8 for p in probs]),
    )
    return list(zip(*columns))


def _distance_to(flags: list[bool]) -> list[float]:
    """log1p of the distance (in lines) to the nearest flagged line; log1p(n) if none."""
    n = len(flags)
    far = n
    dist = [far] * n
    last = -far
    for i, f in enumerate(flags):
        if f:
            last = i
        dist[i] = i - last
    last = 2 * far
    for i in range(n - 1, -1, -1):
        if flags[i]:
            last = i
        if last - i < dist[i]:
            dist[i] = last - i
    if far < len(_LOG1P):
        table = _LOG1P
        return [table[d if d < far else far] for d in dist]
    return [_log1p_count(min(d, far)) for d in dist]


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

class LinearModel:
    """Standardise, dot with weights, logistic. Stored as JSON lists."""

    def __init__(self, names: Sequence[str], mean: list[float], scale: list[float], weights: list[float]) -> None:
        self.names = tuple(names)
        self.mean, self.scale, self.weights = mean, scale, weights
        # fold the standardisation into the weights: z = bias + sum(x * w / s)
        self._w = [w / s for w, s in zip(weights, scale)]
        self._bias = -sum(m * w for m, w in zip(mean, self._w))

    @classmethod
    def from_dict(cls, data: dict) -> "LinearModel":
        return cls(data["features"], data["mean"], data["scale"], data["weights"])

    def to_dict(self) -> dict:
        return {"features": list(self.names), "mean": self.mean, "scale": self.scale, "weights": self.weights}

    def predict(self, rows: list[list[float]]) -> list[float]:
        w, bias, exp, mul = self._w, self._bias, math.exp, operator.mul
        out = []
        for row in rows:
            z = bias + sum(map(mul, row, w))
            out.append(1.0 / (1.0 + exp(-30.0 if z > 30.0 else (30.0 if z < -30.0 else -z))))
        return out


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
        first = probs = self.line.predict(rows)
        ctx: list[list[float]] = []
        for model in self.contexts:
            ctx = context_features(rows, probs)
            probs = model.predict(ctx)
        return Scores(rows, first, ctx, probs)

    def _score_features(self, features: "_LineFeatures") -> Scores:
        """score_rows(features.rows) without decoding columns back from the rows (hot path);
        the same numbers, rows as tuples."""
        first = probs = self.line.predict(features.rows)
        ctx: list = []
        for model in self.contexts:
            ctx = _context_rows(features.log_chars, features.short8, features.log_words_sq, probs)
            probs = model.predict(ctx)
        return Scores(features.rows, first, ctx, probs)


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


def _drop_rule(words: int, p1: float, in_region: bool, short_run: float) -> str:
    """Name the likeliest reason a line was dropped, for --explain."""
    if short_run >= _LOG1P[3] and words <= 6:
        return "block:link-list"  # in a run of 3+ short lines: menu, tags, related headlines
    if not in_region:
        return "block:outside-article"
    if words <= 3:
        return "block:short-line"
    return "block:low-text-density" if p1 < 0.5 else "block:context"


def select_article_lines(
    lines: list[str], *, language: str | None = None, model: DumpLineModel | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """Keep the article block of a dump: returns (kept_lines, removed) where removed = [{"rule": ..., "text": ...}].

    ``language`` (ISO 639-1 like "pl", or a jusText stop-list name) picks the stop list;
    None detects it from the lines. Blank lines are not scored: one is kept where it
    separated two kept lines. Never returns nothing for a page with text.
    """
    model = model or default_model()
    index = [i for i, line in enumerate(lines) if line.strip()]
    if not index:
        return [], []
    body = [lines[i] for i in index]
    tokens = Tokens(body)
    features = _line_features(body, stoplist_for(language, body, tokens), tokens)
    scores = model._score_features(features)
    # the word counts (what round(expm1(sqrt(log_words_sq))) gives back; tests check that)
    words, log_words = features.words, features.log_words
    p1, p2 = scores.first, scores.final
    keep = [p >= model.threshold for p in p2]
    if not any(keep):
        keep[max(range(len(p2)), key=p2.__getitem__)] = True
    texts = tokens.texts
    _extend_edges(texts, words, keep, p2)
    _keep_subheadings(texts, words, keep, p2)

    short_run = _short_runs(log_words)  # sqrt(log_words_sq): sqrt(x * x) is x in floating point
    region_at = CONTEXT_FEATURES.index("in_region")
    kept: list[str] = []
    removed: list[dict[str, str]] = []
    last_kept = -1
    for k, i in enumerate(index):
        if keep[k]:
            if last_kept >= 0 and i > last_kept + 1 and not lines[i - 1].strip():
                kept.append("")
            kept.append(lines[i])
            last_kept = i
        else:
            in_region = bool(scores.context) and scores.context[k][region_at] > 0
            removed.append({"rule": _drop_rule(words[k], p1[k], in_region, short_run[k]), "text": lines[i]})
    return kept, removed
