"""Quality benchmark: newsclean against bare trafilatura on the evaluation sets.

    .venv/bin/python benchmarks/quality.py [--data DIR] [--out FILE] [--runner cli|api]

The data folder is laid out like ../shared/eval (see its README.md): scrapinghub/
(html/<id>.html.gz, dumps/<id>.txt, ground_truth.json) and trafilatura/ (html/<file>.gz,
dumps/<stem>.txt, evaldata.json). Both the HTML and the dump of every page go through
newsclean's own entry point (the ``newsclean clean`` CLI, or the Python API with
``--runner api``); the same HTML also goes through bare
``trafilatura.extract(raw_bytes, url=..., include_comments=False)`` as the reference.

Scores use benchmarks/metrics.py (the README's two metrics). The markdown table is
printed and written to benchmarks/results/quality.md.

Language rows (trafilatura set): each page's language is detected once, with
langdetect (seed 0) on the reference output of trafilatura (its first 3,000
characters; when that is shorter than 200 characters, the gold "with" snippets are
put in front), so the grouping is the same for every system compared.

Dates (trafilatura set, pages with a gold ``date``): a prediction is exact when it
states the gold's day. A coarser answer (newsclean may say "2023-09" with precision
"month") is never exact, because it does not say the day; it is counted in a second,
"consistent" column when everything it states agrees with the gold.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.metrics import (  # noqa: E402
    CorpusScore,
    SnippetScore,
    score_page,
    shingle_corpus,
)

DEFAULT_DATA = ROOT.parent / "shared" / "eval"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "quality.md"
LANG_MIN_PAGES = 5  # languages with fewer pages are pooled into "other" (Polish always shown)


# --------------------------------------------------------------------------- data


@dataclass
class Page:
    """One benchmark page: its inputs and its gold."""

    bench: str
    key: str
    url: str | None
    html_path: Path
    dump_path: Path
    gold_text: str | None = None  # scrapinghub
    with_: list[str] = field(default_factory=list)  # trafilatura set
    without: list[str] = field(default_factory=list)
    gold_date: str | None = None

    def html_bytes(self) -> bytes:
        raw = self.html_path.read_bytes()
        return gzip.decompress(raw) if self.html_path.suffix == ".gz" else raw


def load_scrapinghub(folder: Path) -> list[Page]:
    gold = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            bench="scrapinghub",
            key=key,
            url=entry.get("url"),
            html_path=folder / "html" / f"{key}.html.gz",
            dump_path=folder / "dumps" / f"{key}.txt",
            gold_text=entry.get("articleBody") or "",
        )
        for key, entry in sorted(gold.items())
    ]


def load_trafilatura(folder: Path) -> list[Page]:
    entries = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for entry in entries:
        name = entry["file"]
        stem = name[: -len(".html")] if name.endswith(".html") else Path(name).stem
        pages.append(
            Page(
                bench="trafilatura",
                key=name,
                url=entry.get("url"),
                html_path=folder / "html" / f"{name}.gz",
                dump_path=folder / "dumps" / f"{stem}.txt",
                with_=list(entry.get("with") or []),
                without=list(entry.get("without") or []),
                gold_date=entry.get("date"),
            )
        )
    return pages


LOADERS: dict[str, Callable[[Path], list[Page]]] = {
    "scrapinghub": load_scrapinghub,
    "trafilatura": load_trafilatura,
}


def load_benchmarks(data: Path) -> dict[str, list[Page]]:
    found = {name: load(data / name) for name, load in LOADERS.items() if (data / name).is_dir()}
    if not found:
        raise SystemExit(f"no benchmark folder (scrapinghub/, trafilatura/) under {data}")
    return found


# --------------------------------------------------------------------------- runners


@dataclass
class Output:
    """What one system said about one input."""

    text: str = ""
    date: str | None = None  # ISO value as the system states it
    error: str | None = None
    removed: list[dict[str, str]] = field(default_factory=list)  # newsclean's explanations


class ApiRunner:
    """newsclean through its Python API (newsclean.clean_html / clean_text)."""

    name = "api"

    def run(self, pages: list[Page], kind: str) -> dict[str, Output]:
        import newsclean

        outputs = {}
        for page in pages:
            if not (page.html_path if kind == "html" else page.dump_path).exists():
                continue  # counted in the errors column
            if kind == "html":
                record = newsclean.clean_html(page.html_bytes(), url=page.url, source=str(page.html_path))
            else:
                text = _read_dump(page.dump_path)
                record = newsclean.clean_text(text, source=str(page.dump_path))
            outputs[page.key] = output_from_record(record)
        return outputs


class CliRunner:
    """newsclean through its batch CLI: one .jsonl (html + url) per benchmark, dumps as files."""

    name = "cli"

    def __init__(self, executable: Path, overrides: list[str] | None = None) -> None:
        self.executable = executable
        self.overrides = list(overrides or [])
        self.last_cpu = 0.0  # CPU seconds of the last `newsclean clean` process

    def startup_cpu(self) -> float:
        """CPU seconds of `newsclean clean` on one tiny text: the fixed cost inside each run's time."""
        with tempfile.TemporaryDirectory(prefix="newsclean-quality-") as tmp:
            tiny = Path(tmp) / "tiny.txt"
            tiny.write_text("A short line of text.\n", encoding="utf-8")
            before = os.times()
            subprocess.run([str(self.executable), "clean", str(tiny), "-o", str(Path(tmp) / "out.jsonl"), "-j", "1", "-q"],
                           capture_output=True)
            after = os.times()
        return (after.children_user - before.children_user) + (after.children_system - before.children_system)

    @staticmethod
    def available(executable: Path) -> bool:
        if not executable.exists():
            return False
        probe = subprocess.run([str(executable), "clean", "--help"], capture_output=True, text=True)
        return probe.returncode == 0

    def run(self, pages: list[Page], kind: str) -> dict[str, Output]:
        from newsclean.batch.decode import decode_bytes

        with tempfile.TemporaryDirectory(prefix="newsclean-quality-") as tmp:
            folder = Path(tmp)
            by_source: dict[str, str] = {}
            if kind == "html":
                # One page per line (html + url): the feeder names each record "<file>#L<n>".
                src = folder / "pages.jsonl"
                with src.open("w", encoding="utf-8") as fh:
                    for number, page in enumerate(pages, start=1):
                        try:
                            html = decode_bytes(page.html_bytes(), kind="html").text
                        except (OSError, ValueError) as exc:  # counted in the errors column
                            print(f"skipped {page.html_path}: {exc}", file=sys.stderr)
                            html = ""
                        fh.write(json.dumps({"html": html, "url": page.url}, ensure_ascii=False) + "\n")
                        by_source[f"{src}#L{number}"] = page.key
                inputs = [str(src)]
            else:
                # The dump files themselves, read in place: the record's source is the path.
                pages = [page for page in pages if page.dump_path.exists()]
                inputs = [str(page.dump_path) for page in pages]
                by_source = {str(page.dump_path): page.key for page in pages}
            out = folder / "out.jsonl"
            cmd = [str(self.executable), "clean", *inputs, "-o", str(out), "-j", "1", "-q", "--explain",
                   "--set", "NEWSCLEAN_DEDUP=False"]
            for override in self.overrides:
                cmd += ["--set", override]
            before = os.times()
            done = subprocess.run(cmd, capture_output=True, text=True)
            after = os.times()
            self.last_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
            if not out.exists():
                raise RuntimeError(f"newsclean clean failed ({done.returncode}): {done.stderr[-2000:]}")
            outputs: dict[str, Output] = {}
            for line in out.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    key = by_source.get(record.get("source") or "")
                    if key is not None:
                        outputs[key] = output_from_record(record)
            return outputs


def _read_dump(path: Path) -> str:
    from newsclean.batch.decode import decode_bytes

    return decode_bytes(path.read_bytes(), kind="text").text


def output_from_record(record: dict[str, Any]) -> Output:
    date = record.get("date") or None
    return Output(
        text=record.get("text") or "",
        date=(date or {}).get("value") if isinstance(date, dict) else None,
        error=record.get("error"),
        removed=list(record.get("removed") or []),
    )


class TrafilaturaReference:
    """Bare trafilatura as a user calls it: raw bytes in, its own encoding detection."""

    name = "trafilatura"

    def run(self, pages: list[Page]) -> tuple[dict[str, Output], float]:
        import trafilatura

        outputs, spent = {}, 0.0
        for page in pages:
            try:
                raw = page.html_bytes()
            except OSError:
                outputs[page.key] = Output(error="unreadable")
                continue
            start = time.process_time()
            text = trafilatura.extract(raw, url=page.url, include_comments=False) or ""
            spent += time.process_time() - start
            date = None
            if page.gold_date:
                doc = trafilatura.bare_extraction(raw, url=page.url, include_comments=False, with_metadata=True)
                date = getattr(doc, "date", None) if doc is not None else None
            outputs[page.key] = Output(text=text, date=date)
        return outputs, spent


# --------------------------------------------------------------------------- scoring


def detect_languages(pages: list[Page], reference: dict[str, Output]) -> dict[str, str]:
    """One language per page, from trafilatura's output (see the module docstring)."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    found = {}
    for page in pages:
        text = reference[page.key].text[:3000]
        if len(text) < 200:
            text = " ".join(page.with_) + " " + text
        try:
            found[page.key] = detect(text)
        except LangDetectException:
            found[page.key] = "und"
    return found


def language_groups(languages: dict[str, str]) -> dict[str, list[str]]:
    counts: dict[str, int] = defaultdict(int)
    for code in languages.values():
        counts[code] += 1
    groups: dict[str, list[str]] = defaultdict(list)
    for key, code in languages.items():
        group = code if code == "pl" or counts[code] >= LANG_MIN_PAGES else "other"
        groups[group].append(key)
    order = sorted(groups, key=lambda g: (g == "other", g != "pl", -len(groups[g]), g))
    return {g: groups[g] for g in order}


def shingle_score(pages: Iterable[Page], outputs: dict[str, Output]) -> CorpusScore:
    return shingle_corpus([score_page(outputs.get(p.key, Output()).text, p.gold_text or "") for p in pages])


def snippet_score(pages: Iterable[Page], outputs: dict[str, Output]) -> SnippetScore:
    score = SnippetScore()
    for page in pages:
        score.add(outputs.get(page.key, Output()).text, page.with_, page.without, page.key)
    return score


def normalise_gold_date(value: str) -> str | None:
    """'2022-11-1' → '2022-11-01'; None when it is not a Y-M-D date."""
    parts = value.strip()[:10].split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    year, month, day = (int(p) for p in parts)
    return f"{year:04d}-{month:02d}-{day:02d}"


def date_match(predicted: str | None, gold: str) -> tuple[bool, bool]:
    """(exact, consistent): exact = states the gold's day; consistent = all it states agrees."""
    gold_day = normalise_gold_date(gold)
    if not predicted or gold_day is None:
        return False, False
    value = predicted.strip()[:10]
    parts = value.split("-")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        return False, False
    stated = "-".join(p.zfill(2) if i else p.zfill(4) for i, p in enumerate(parts))
    exact = len(parts) == 3 and stated == gold_day
    return exact, gold_day.startswith(stated)


@dataclass
class DateScore:
    pages: int = 0
    exact: int = 0
    consistent: int = 0
    answered: int = 0

    def add(self, predicted: str | None, gold: str) -> None:
        exact, consistent = date_match(predicted, gold)
        self.pages += 1
        self.answered += bool(predicted)
        self.exact += exact
        self.consistent += consistent

    def rate(self, n: int) -> float:
        return n / self.pages if self.pages else 0.0


# --------------------------------------------------------------------------- report


def fmt(score: Any | None) -> str:
    if score is None:
        return "– | – | –"
    return f"{score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f}"


def delta(ours: Any, ref: Any | None) -> str:
    return "–" if ref is None else f"{ours.f1 - ref.f1:+.3f}"


def build_report(
    benches: dict[str, list[Page]],
    ours: dict[tuple[str, str], dict[str, Output]],
    reference: dict[str, dict[str, Output]],
    languages: dict[str, str],
    timing: dict[str, float],
    command: str,
) -> str:
    lines = [
        "| set | input | pages | newsclean P | R | F1 | trafilatura P | R | F1 | ΔF1 | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for bench, pages in benches.items():
        for kind in ("html", "dumps"):
            if (bench, kind) not in ours:
                continue
            outputs = ours[(bench, kind)]
            ref = reference.get(bench) if kind == "html" else None
            scorer = shingle_score if bench == "scrapinghub" else snippet_score
            mine = scorer(pages, outputs)
            theirs = scorer(pages, ref) if ref is not None else None
            errors = sum(1 for p in pages if outputs.get(p.key, Output()).error or p.key not in outputs)
            lines.append(
                f"| {bench} | {kind} | {len(pages)} | {fmt(mine)} | {fmt(theirs)} | {delta(mine, theirs)} | {errors} |"
            )
            if bench == "trafilatura":
                for group, keys in language_groups(languages).items():
                    subset = [p for p in pages if p.key in set(keys)]
                    mine = snippet_score(subset, outputs)
                    theirs = snippet_score(subset, ref) if ref is not None else None
                    lines.append(
                        f"| {bench}, lang={group} | {kind} | {len(subset)} | {fmt(mine)} | {fmt(theirs)}"
                        f" | {delta(mine, theirs)} | |"
                    )
    if "trafilatura" in benches:
        dated = [p for p in benches["trafilatura"] if p.gold_date]
        lines += [
            "",
            f"Dates, trafilatura set, {len(dated)} pages with a gold date (exact = the gold's day; "
            "consistent = everything stated agrees, e.g. a right month at month precision):",
            "",
            "| system | input | exact | consistent | answered |",
            "|---|---|---|---|---|",
        ]
        systems = [
            ("newsclean", kind, ours[("trafilatura", kind)]) for kind in ("html", "dumps") if ("trafilatura", kind) in ours
        ]
        systems.append(("trafilatura metadata", "html", reference["trafilatura"]))
        for name, kind, outputs in systems:
            score = DateScore()
            for page in dated:
                score.add(outputs.get(page.key, Output()).date, page.gold_date or "")
            lines.append(
                f"| {name} | {kind} | {score.rate(score.exact):.3f} | {score.rate(score.consistent):.3f}"
                f" | {score.rate(score.answered):.3f} |"
            )
    lines += ["", "CPU seconds (one process each; the reference times only trafilatura.extract on bytes in memory):", ""]
    lines += [f"- {name}: {seconds:.1f} s" for name, seconds in timing.items()]
    lines += ["", f"Made by: `{command}`"]
    return "\n".join(lines) + "\n"


def write_details(
    path: Path,
    benches: dict[str, list[Page]],
    ours: dict[tuple[str, str], dict[str, Output]],
    reference: dict[str, dict[str, Output]],
    languages: dict[str, str],
) -> None:
    """One JSON line per page and input: scores, failed snippets, what newsclean removed."""
    with path.open("w", encoding="utf-8") as fh:
        for bench, pages in benches.items():
            for kind in ("html", "dumps"):
                if (bench, kind) not in ours:
                    continue
                for page in pages:
                    mine = ours[(bench, kind)].get(page.key, Output())
                    row: dict[str, Any] = {"bench": bench, "input": kind, "page": page.key,
                                           "lang": languages.get(page.key), "error": mine.error}
                    systems = [("newsclean", mine)]
                    if kind == "html":
                        systems.append(("trafilatura", reference[bench].get(page.key, Output())))
                    for name, output in systems:
                        if bench == "scrapinghub":
                            score = score_page(output.text, page.gold_text or "")
                            row[name] = {"precision": round(score.precision, 4), "recall": round(score.recall, 4)}
                        else:
                            score = snippet_score([page], {page.key: output})
                            row[name] = {"tp": score.tp, "fp": score.fp, "fn": score.fn,
                                         "failures": [[kind_, text] for _, kind_, text in score.failures]}
                    row["removed"] = mine.removed
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- main


def choose_runner(requested: str, overrides: list[str]) -> Any:
    executable = Path(sys.executable).parent / "newsclean"
    if requested == "api":
        if overrides:
            raise SystemExit("--set needs the CLI runner")
        return ApiRunner()
    if CliRunner.available(executable):
        return CliRunner(executable, overrides)
    if requested == "cli":
        raise SystemExit(f"the newsclean CLI is not usable ({executable})")
    print("note: `newsclean clean` is not usable yet; using the Python API", file=sys.stderr)
    return ApiRunner()


def cached_reference(pages: list[Page], cache: Path | None) -> tuple[dict[str, Output], float]:
    """Reference outputs; ``cache`` (optional) keeps them between runs of the same data."""
    import trafilatura

    if cache is not None and cache.exists():
        stored = pickle.loads(cache.read_bytes())
        if stored.get("version") == trafilatura.__version__ and set(stored["outputs"]) == {p.key for p in pages}:
            return stored["outputs"], stored["seconds"]
    outputs, seconds = TrafilaturaReference().run(pages)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps({"version": trafilatura.__version__, "outputs": outputs, "seconds": seconds}))
    return outputs, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSCLEAN_EVAL_DIR", DEFAULT_DATA)))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--runner", choices=("auto", "cli", "api"), default="auto")
    parser.add_argument("--reference-cache", type=Path, default=None,
                        help="pickle file to keep trafilatura's reference outputs between runs")
    parser.add_argument("--details", type=Path, default=None,
                        help="also write per-page scores, failed snippets and removals (JSON lines)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                        help="newsclean setting for this run, passed to `newsclean clean --set` (repeatable)")
    parser.add_argument("--inputs", choices=("both", "html", "dumps"), default="both",
                        help="which inputs go through newsclean (both for the full table)")
    parser.add_argument("--limit", type=int, default=0, help="first N pages per benchmark (quick look)")
    args = parser.parse_args(argv)

    data = args.data if args.data.is_absolute() else (Path.cwd() / args.data)
    benches = load_benchmarks(data.resolve())
    if args.limit:
        benches = {name: pages[: args.limit] for name, pages in benches.items()}
    runner = choose_runner(args.runner, args.overrides)
    kinds = ("html", "dumps") if args.inputs == "both" else (args.inputs,)

    ours: dict[tuple[str, str], dict[str, Output]] = {}
    reference: dict[str, dict[str, Output]] = {}
    timing: dict[str, float] = {}
    for bench, pages in benches.items():
        cache = None
        if args.reference_cache is not None:
            cache = args.reference_cache.with_name(f"{args.reference_cache.stem}-{bench}{args.reference_cache.suffix}")
        reference[bench], timing[f"trafilatura.extract, {bench} html"] = cached_reference(pages, cache)
        for kind in kinds:
            start = time.process_time()
            ours[(bench, kind)] = runner.run(pages, kind)
            if isinstance(runner, CliRunner):
                timing[f"`newsclean clean -j 1` process, {bench} {kind}"] = runner.last_cpu
            else:
                timing[f"newsclean API (chain + decoding), {bench} {kind}"] = time.process_time() - start
    if isinstance(runner, CliRunner):
        timing["`newsclean clean` start-up on one tiny file (included in each line above)"] = runner.startup_cpu()
    languages = detect_languages(benches["trafilatura"], reference["trafilatura"]) if "trafilatura" in benches else {}

    command = "python benchmarks/quality.py " + " ".join(sys.argv[1:] if argv is None else argv)
    report = build_report(benches, ours, reference, languages, timing, command)
    print(report)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("# Quality benchmark\n\n" + report, encoding="utf-8")
    print(f"written to {out}", file=sys.stderr)
    if args.details is not None:
        write_details(args.details, benches, ours, reference, languages)
        print(f"details in {args.details}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
