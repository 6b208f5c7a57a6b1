"""Evaluate ``select_article_lines`` directly on the text dumps of the dev half.

Fast loop for the dumps step alone (the official harness, benchmarks/quality.py,
runs the whole chain). Also the data loader and line labeller shared with
benchmarks/train_dump_classifier.py.

    .venv/bin/python -m benchmarks.dumps_eval              # shipped model, whole dev half
    .venv/bin/python -m benchmarks.dumps_eval --raw        # keep every line (baseline)
    .venv/bin/python -m benchmarks.dumps_eval --justext    # jusText's classifier on the lines
    .venv/bin/python -m benchmarks.dumps_eval --engine     # on the lines the rule engine leaves

Held-out (cross-validated) numbers come from ``train_dump_classifier --cv``.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from benchmarks.metrics import (
    SnippetScore,
    collapse_ws,
    score_page,
    shingle_corpus,
    shingles,
    TOKEN_RE,
)

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"

Selector = Callable[[list[str]], list[str]]


@dataclass
class Page:
    """One dump with its gold, and per-line labels (1 article, 0 not, None unknown)."""

    set_name: str  # "sh" (ScrapingHub) or "tf" (trafilatura snippets)
    page_id: str
    lines: list[str]
    gold: str = ""  # sh: the gold article body
    with_: list[str] = field(default_factory=list)  # tf: snippets that must be kept
    without: list[str] = field(default_factory=list)  # tf: snippets that must go
    labels: list[int | None] = field(default_factory=list)
    variant: str = "raw"  # "raw" dump lines, or "engine": after the rule engine's own steps


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def load_scrapinghub(root: Path = EVAL / "scrapinghub") -> list[Page]:
    truth = json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = root / "dumps" / f"{page_id}.txt"
        if path.exists():
            pages.append(Page("sh", page_id, read_lines(path), gold=truth[page_id]["articleBody"] or ""))
    return pages


def load_trafilatura(root: Path = EVAL / "trafilatura") -> list[Page]:
    pages = []
    for entry in json.loads((root / "evaldata.json").read_text(encoding="utf-8")):
        stem = entry["file"].rsplit(".", 1)[0]
        path = root / "dumps" / f"{stem}.txt"
        if path.exists():
            pages.append(
                Page("tf", stem, read_lines(path), with_=list(entry.get("with") or []),
                     without=list(entry.get("without") or []))
            )
    return pages


def load_all(engine: bool = False) -> list[Page]:
    """Both sets' dumps, labelled; with ``engine``, each page also as the rule engine leaves it."""
    pages = load_scrapinghub() + load_trafilatura()
    if engine:
        pages += [engine_variant(page) for page in pages]
    for page in pages:
        page.labels = label_lines(page)
    return pages


def engine_variant(page: Page) -> Page:
    """The page as the article-block step sees it in the chain: after the rule packs' own steps."""
    from dataclasses import replace

    cleaner = _engine_cleaner()
    text = cleaner.clean("\n".join(page.lines), "text").text
    return replace(page, lines=text.split("\n"), labels=[], variant="engine")


_CLEANER = None


def _engine_cleaner():
    global _CLEANER
    if _CLEANER is None:
        from scrapy.settings import Settings

        from newsclean import settings as chain_settings
        from newsclean.boilerplate.engine import Cleaner

        settings = Settings()
        settings.setmodule(chain_settings)
        _CLEANER = Cleaner.from_settings(settings, article_blocks=False)
    return _CLEANER


# --- labels ---------------------------------------------------------------------------
# ScrapingHub: a line is article when most of its 4-token shingles occur in the gold
# body (short lines of 1-3 tokens: when the token run occurs in the gold, and the page's
# gold is non-trivial). trafilatura set: a line containing a "with" snippet is article,
# one containing a "without" snippet is not; other lines are unknown (None) and do not
# train the model. A snippet that spans lines labels every line it touches.

def _ngram_set(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def label_lines(page: Page) -> list[int | None]:
    if page.set_name == "sh":
        return _label_by_gold(page.lines, page.gold)
    return _label_by_snippets(page.lines, page.with_, page.without)


def _label_by_gold(lines: list[str], gold: str) -> list[int | None]:
    gold_tokens = TOKEN_RE.findall(gold)
    gold4 = set(shingles(gold))
    short = {n: _ngram_set(gold_tokens, n) for n in (1, 2, 3)}
    labels: list[int | None] = []
    for line in lines:
        tokens = TOKEN_RE.findall(line)
        if not tokens:
            labels.append(None)
        elif len(tokens) < 4:
            labels.append(1 if tuple(tokens) in short[len(tokens)] else 0)
        else:
            grams = shingles(line)
            hit = sum(c for g, c in grams.items() if g in gold4)
            labels.append(1 if hit >= 0.5 * sum(grams.values()) else 0)
    return labels


def _label_by_snippets(lines: list[str], with_: list[str], without: list[str]) -> list[int | None]:
    labels: list[int | None] = [None] * len(lines)
    flat = [collapse_ws(line) for line in lines]
    # char offsets of each line in the collapsed, space-joined text
    starts, pos = [], 0
    for text in flat:
        starts.append(pos)
        pos += len(text) + 1
    joined = " ".join(flat)

    def mark(snippet: str, value: int) -> None:
        s = collapse_ws(snippet)
        if not s:
            return
        at = joined.find(s)
        while at != -1:
            end = at + len(s)
            for i, st in enumerate(starts):
                if flat[i] and st < end and st + len(flat[i]) > at:
                    if labels[i] != 1:  # article wins over a "without" on the same line
                        labels[i] = value
            at = joined.find(s, at + 1)

    for snippet in without:
        mark(snippet, 0)
    for snippet in with_:
        mark(snippet, 1)
    return labels


# --- scoring --------------------------------------------------------------------------

@dataclass
class SetScores:
    sh_pages: list = field(default_factory=list)
    tf: SnippetScore = field(default_factory=SnippetScore)

    def add(self, page: Page, kept: list[str]) -> None:
        text = "\n".join(kept)
        if page.set_name == "sh":
            self.sh_pages.append(score_page(text, page.gold))
        else:
            self.tf.add(text, page.with_, page.without, page=page.page_id)

    def summary(self) -> dict[str, float]:
        sh = shingle_corpus(self.sh_pages)
        return {
            "sh_P": round(sh.precision, 3), "sh_R": round(sh.recall, 3), "sh_F1": round(sh.f1, 3),
            "sh_pages": sh.pages,
            "tf_P": round(self.tf.precision, 3), "tf_R": round(self.tf.recall, 3), "tf_F1": round(self.tf.f1, 3),
            "tf_pages": self.tf.pages,
        }


def evaluate(pages: Iterable[Page], select: Selector) -> tuple[dict[str, float], float]:
    scores = SetScores()
    elapsed = 0.0
    count = 0
    for page in pages:
        t0 = time.process_time()  # CPU time: the machine is shared, wall time is noisy
        kept = select(page.lines)
        elapsed += time.process_time() - t0
        count += 1
        scores.add(page, kept)
    return scores.summary(), (elapsed / count * 1000 if count else 0.0)


def justext_selector(lines: list[str]) -> list[str]:
    """jusText's context-sensitive classifier on dump lines (each line a paragraph)."""
    import justext
    from newsclean.boilerplate.blocks import detect_stoplist_language

    body = [ln for ln in lines if ln.strip()]
    if not body:
        return []
    from html import escape

    lang = detect_stoplist_language(body) or "English"
    html = "<html><body>" + "".join(f"<p>{escape(ln)}</p>" for ln in body) + "</body></html>"
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist(lang), encoding="utf-8")
    return [p.text for p in paragraphs if not p.is_boilerplate]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", action="store_true", help="keep all lines (baseline)")
    parser.add_argument("--justext", action="store_true", help="jusText classifier baseline")
    parser.add_argument("--engine", action="store_true",
                        help="feed the lines the rule engine leaves (the chain's real input) instead of raw dumps")
    args = parser.parse_args()
    pages = load_all()
    if args.engine:
        pages = [engine_variant(page) for page in pages]
    if args.raw:
        select: Selector = lambda lines: lines
    elif args.justext:
        select = justext_selector
    else:
        from newsclean.boilerplate.blocks import select_article_lines

        select = lambda lines: select_article_lines(lines)[0]
    if not args.raw and not args.justext:
        select(pages[0].lines)  # load the model and stop lists before timing
    summary, ms = evaluate(pages, select)
    print(json.dumps({**summary, "ms_per_doc": round(ms, 3)}))


if __name__ == "__main__":
    main()
