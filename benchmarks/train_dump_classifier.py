"""Train the dump line classifier (newsclean/boilerplate/models/dump_lines.json).

Data: the dev half only (../shared/eval), both sets' text dumps. Labels (see
benchmarks/dumps_eval.py ``label_lines``): ScrapingHub lines are "article" when
at least half of their 4-token shingles occur in the gold body (lines of 1-3
tokens: when that token run occurs in the gold); trafilatura-set lines are
"article" when they contain a "with" snippet, "not" when they contain a "without"
snippet, and unlabeled otherwise (they still shape the neighbours' features).
ScrapingHub lines weigh 0.3-1.3 by length (its metric counts shingles), snippet
lines 1.5 each.

Model: two logistic regressions (line pass, context pass; see blocks.py), fitted
here in pure Python (Adagrad, L2 1e-4, 12 epochs, fixed order: deterministic). No
training-time dependency beyond the project's own; the shipped model is JSON.

    .venv/bin/python -m benchmarks.train_dump_classifier --cv      # 5-fold held-out numbers
    .venv/bin/python -m benchmarks.train_dump_classifier --write    # fit on all, write the model
    .venv/bin/python -m benchmarks.train_dump_classifier --cv --engine
        # also pages as the rule engine leaves them (evaluation; the shipped model is
        # trained on raw dumps: it scores as well on engine output and does not depend on it)

Cross-validation: 5 folds by page (md5 of the page id); per fold the model and its
threshold (maximising the mean of the two sets' F1 on the training pages only) are
fitted on 4 folds, then the real ``select_article_lines`` runs on the held-out fold.
The printed numbers are pooled over the held-out folds.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import time
from pathlib import Path

from benchmarks.dumps_eval import Page, SetScores, load_all
from newsclean.boilerplate.blocks import (
    CONTEXT_FEATURES,
    LINE_FEATURES,
    MODEL_PATH,
    DumpLineModel,
    LinearModel,
    context_features,
    line_features,
    select_article_lines,
    stoplist_for,
)

CACHE = Path("/tmp/newsclean_dump_features.pkl")
THRESHOLDS = [round(0.2 + 0.025 * k, 3) for k in range(21)]


def _hash(text: str) -> int:
    return int(hashlib.md5(text.encode()).hexdigest(), 16)


class Prepared:
    """A page's non-blank lines, their labels and pass-1 features (computed once)."""

    def __init__(self, page: Page, rows: list[list[float]] | None = None) -> None:
        self.page = page
        index = [i for i, line in enumerate(page.lines) if line.strip()]
        self.lines = [page.lines[i] for i in index]
        self.labels = [page.labels[i] for i in index]
        self.rows = rows if rows is not None else line_features(self.lines, stoplist_for(None, self.lines))


def prepare(pages: list[Page], use_cache: bool = True) -> list[Prepared]:
    """Features for every page; cached in /tmp (plain lists) until blocks.py changes."""
    key = hashlib.sha1(repr((LINE_FEATURES, [(p.page_id, p.variant, p.lines) for p in pages])).encode()).hexdigest()
    if use_cache and CACHE.exists():
        cached = pickle.loads(CACHE.read_bytes())
        if cached.get("key") == key and cached.get("src") == _feature_source_hash():
            return [Prepared(page, rows) for page, rows in zip(pages, cached["rows"])]
    prepared = [Prepared(p) for p in pages]
    CACHE.write_bytes(pickle.dumps({"key": key, "src": _feature_source_hash(), "rows": [p.rows for p in prepared]}))
    return prepared


def _feature_source_hash() -> str:
    from newsclean.boilerplate import blocks

    return hashlib.sha1(Path(blocks.__file__).read_bytes()).hexdigest()


def sample_weight(prep: Prepared, k: int) -> float:
    """ScrapingHub scores shingles, so long lines weigh more; snippet lines count one each."""
    if prep.page.set_name == "sh":
        log_words = math.sqrt(prep.rows[k][LINE_FEATURES.index("log_words_sq")])
        return 0.3 + min(1.0, log_words / math.log1p(30))
    return TF_WEIGHT


def fit_logistic(
    rows: list[list[float]], labels: list[int], weights: list[float], names: tuple[str, ...],
    epochs: int = 12, l2: float = 1e-4, lr: float = 0.2,
) -> LinearModel:
    dim = len(names)
    n = len(rows)
    mean = [sum(r[j] for r in rows) / n for j in range(dim)]
    scale = []
    for j in range(dim):
        var = sum((r[j] - mean[j]) ** 2 for r in rows) / n
        scale.append(math.sqrt(var) if var > 1e-12 else 1.0)
    mean[0], scale[0] = 0.0, 1.0  # bias stays 1
    xs = [[(r[j] - mean[j]) / scale[j] for j in range(dim)] for r in rows]
    w = [0.0] * dim
    g2 = [1e-8] * dim
    order = sorted(range(n), key=lambda i: hashlib.md5(str(i).encode()).hexdigest())  # fixed shuffle
    for _ in range(epochs):
        for i in order:
            x = xs[i]
            z = sum(a * b for a, b in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - labels[i]) * weights[i]
            for j in range(dim):
                grad = g * x[j] + l2 * w[j]
                g2[j] += grad * grad
                w[j] -= lr * grad / math.sqrt(g2[j])
    return LinearModel(names, mean, scale, [round(v, 6) for v in w])


def _training_rows(preps: list[Prepared], feature_rows: list[list[list[float]]]):
    rows, labels, weights = [], [], []
    for prep, frows in zip(preps, feature_rows):
        for k, label in enumerate(prep.labels):
            if label is not None:
                rows.append(frows[k])
                labels.append(label)
                weights.append(sample_weight(prep, k))
    return rows, labels, weights


CONTEXT_PASSES = 1
TF_WEIGHT = 1.5


def fit(preps: list[Prepared]) -> DumpLineModel:
    rows, labels, weights = _training_rows(preps, [p.rows for p in preps])
    line_model = fit_logistic(rows, labels, weights, LINE_FEATURES)
    model = DumpLineModel(line_model, [], 0.5)
    for _ in range(CONTEXT_PASSES):
        # each context pass learns from the previous passes' in-sample output
        ctx_rows = []
        for prep in preps:
            scores = model.score_rows(prep.rows)
            ctx_rows.append(context_features(prep.rows, scores.final))
        rows, labels, weights = _training_rows(preps, ctx_rows)
        model.contexts.append(fit_logistic(rows, labels, weights, CONTEXT_FEATURES))
    model.threshold = choose_threshold(model, preps)
    return model


def predict_probs(model: DumpLineModel, prep: Prepared) -> list[float]:
    return model.score_rows(prep.rows).final


def kept_lines(prep: Prepared, probs: list[float], threshold: float) -> list[str]:
    kept = [line for line, p in zip(prep.lines, probs) if p >= threshold]
    if not kept and probs:
        kept = [prep.lines[max(range(len(probs)), key=probs.__getitem__)]]
    return kept


def score(preps: list[Prepared], probs: list[list[float]], threshold: float) -> dict[str, float]:
    scores = SetScores()
    for prep, ps in zip(preps, probs):
        scores.add(prep.page, kept_lines(prep, ps, threshold))
    return scores.summary()


def objective(summary: dict[str, float]) -> float:
    return (summary["sh_F1"] + summary["tf_F1"]) / 2


def choose_threshold(model: DumpLineModel, preps: list[Prepared]) -> float:
    probs = [predict_probs(model, p) for p in preps]
    best = max(THRESHOLDS, key=lambda t: (objective(score(preps, probs, t)), -abs(t - 0.5)))
    return best


def fold_of(prep: Prepared, folds: int) -> int:
    return _hash(prep.page.page_id + "/fold") % folds


def cross_validate(preps: list[Prepared], folds: int = 5) -> dict[str, float]:
    """Fit on k-1 folds, run the real ``select_article_lines`` with that model on the held-out fold."""
    scores: dict[str, SetScores] = {}
    for fold in range(folds):
        train = [p for p in preps if fold_of(p, folds) != fold]
        model = fit(train)
        print(f"fold {fold}: threshold {model.threshold}", flush=True)
        for prep in preps:
            if fold_of(prep, folds) == fold:
                kept = select_article_lines(prep.page.lines, model=model)[0]
                scores.setdefault(prep.page.variant, SetScores()).add(prep.page, kept)
    return {variant: s.summary() for variant, s in sorted(scores.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cv", action="store_true", help="5-fold cross-validation by page; print held-out scores")
    parser.add_argument("--write", action="store_true", help="fit on the whole dev half and write the model")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--engine", action="store_true",
                        help="also train/evaluate on each page as the rule engine leaves it (the chain's input)")
    args = parser.parse_args()
    t0 = time.time()
    preps = prepare(load_all(engine=args.engine))
    print(f"prepared {len(preps)} pages in {time.time() - t0:.1f}s", flush=True)
    if args.cv:
        print("held-out:", json.dumps(cross_validate(preps, args.folds)), flush=True)
    if args.write:
        model = fit(preps)
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        data = {"about": "dump line classifier; trained by benchmarks/train_dump_classifier.py on the dev half",
                **model.to_dict()}
        MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        probs = [predict_probs(model, p) for p in preps]
        print("training-set (not held-out):", json.dumps(score(preps, probs, model.threshold)))
        print(f"wrote {MODEL_PATH} (threshold {model.threshold})")


if __name__ == "__main__":
    main()
