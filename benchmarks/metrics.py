"""The two benchmark metrics, exactly as ../shared/eval/README.md defines them.

ScrapingHub: tokens are ``\\w+`` runs (case kept); texts are multisets of
4-token shingles (a text of 1-3 tokens is one shingle, an empty text none).
Per page precision = tp/(tp+fp), recall = tp/(tp+fn), 1 when fp = fn = 0.
Corpus precision is the mean over pages with a non-empty prediction, corpus
recall the mean over all pages, F1 the harmonic mean of those two means.

Snippets (trafilatura's set): whitespace collapsed; each "with" snippet found
as a case-sensitive substring is a TP (else FN), each "without" found a FP.
Summed over the corpus; F1 = 2TP / (2TP + FP + FN).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

TOKEN_RE = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = TOKEN_RE.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass
class PageScore:
    tp: int
    fp: int
    fn: int

    @property
    def empty_prediction(self) -> bool:
        return self.tp + self.fp == 0

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def score_page(prediction: str, gold: str) -> PageScore:
    pred, true = shingles(prediction), shingles(gold)
    tp = sum((pred & true).values())
    return PageScore(tp=tp, fp=sum(pred.values()) - tp, fn=sum(true.values()) - tp)


@dataclass
class CorpusScore:
    precision: float
    recall: float
    pages: int
    empty: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def shingle_corpus(pages: Sequence[PageScore]) -> CorpusScore:
    if not pages:
        return CorpusScore(0.0, 0.0, 0, 0)
    non_empty = [p for p in pages if not p.empty_prediction]
    precision = sum(p.precision for p in non_empty) / len(non_empty) if non_empty else 0.0
    recall = sum(p.recall for p in pages) / len(pages)
    return CorpusScore(precision, recall, len(pages), len(pages) - len(non_empty))


def collapse_ws(text: str) -> str:
    return " ".join((text or "").split())


@dataclass
class SnippetScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pages: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (page, kind, snippet)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0

    def add(self, prediction: str, with_: Iterable[str], without: Iterable[str], page: str = "") -> None:
        text = collapse_ws(prediction)
        self.pages += 1
        for snippet in with_:
            if collapse_ws(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
                self.failures.append((page, "missing", snippet))
        for snippet in without:
            if collapse_ws(snippet) in text:
                self.fp += 1
                self.failures.append((page, "kept", snippet))
            else:
                self.tn += 1

    def __iadd__(self, other: "SnippetScore") -> "SnippetScore":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.pages += other.pages
        self.failures.extend(other.failures)
        return self
