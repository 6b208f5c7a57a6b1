"""`make bench-speed`: newsclean's chains against bare trafilatura, as ratios measured in one run.

The machine is shared and noisy, so only ratios measured side by side mean anything: each
repetition runs the reference and newsclean back to back, and the table reports medians.

- reference: bare ``trafilatura.extract(html, include_comments=False)`` on every page, in its own process;
- newsclean HTML chain (extract → clean → title → language → date → dedup → record) through
  ``newsclean clean pages.jsonl -j 1``;
- newsclean text chain on the dumps, ``-j 1`` and ``-j 2``;
- a memory run over ``--memory-docs`` documents (the dumps repeated) sampling each worker's RSS.

Both sides are timed as whole processes (start-up and reading the input included), which is
what a user waits for. Beside them: the HTML ratio in this process, page by page in
alternating order (a drift in the machine's speed hits both sides alike), and a machine
gauge per repetition (a fixed pure-Python loop, alone and two at once).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality import load_benchmarks  # noqa: E402
from newsclean.batch.decode import decode_bytes  # noqa: E402
VENV_BIN = Path(sys.executable).parent
NEWSCLEAN = [str(VENV_BIN / "newsclean")] if (VENV_BIN / "newsclean").exists() else [sys.executable, "-m", "newsclean"]

REFERENCE_SCRIPT = """
import json, sys, trafilatura
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        page = json.loads(line)
        trafilatura.extract(page["html"], include_comments=False)
        n += 1
print(n)
"""


def collect_pages(data: Path, out: Path) -> int:
    """Every benchmark page as one JSONL line {html, url}, decoded as newsclean decodes; returns the count."""
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for pages in load_benchmarks(data).values():
            for page in pages:
                html = decode_bytes(page.html_bytes(), kind="html").text
                fh.write(json.dumps({"html": html, "url": page.url}) + "\n")
                n += 1
    return n


def collect_dumps(data: Path, out: Path, repeat: int = 1) -> int:
    dumps = sorted((data / "scrapinghub/dumps").glob("*.txt")) + sorted((data / "trafilatura/dumps").glob("*.txt"))
    texts = [p.read_text("utf-8", "replace") for p in dumps]
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for r in range(repeat):
            for i, text in enumerate(texts):
                fh.write(json.dumps({"text": text, "url": f"https://dump.invalid/{r}/{i}"}) + "\n")
                n += 1
    return n


class RssSampler(threading.Thread):
    """Samples the resident memory of a process and its children from /proc."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, dict[int, int]]] = []
        self.stop = threading.Event()

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _children(self) -> list[int]:
        try:
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.pid)], capture_output=True, text=True).stdout
            return [int(x) for x in out.split()]
        except OSError:
            return []

    def run(self) -> None:
        start = time.monotonic()
        while not self.stop.is_set():
            pids = [self.pid, *self._children()]
            self.samples.append((time.monotonic() - start, {p: self._rss_kb(p) for p in pids}))
            self.stop.wait(self.every)

    def worker_peak_mb(self) -> float:
        peaks = [kb for _, d in self.samples for pid, kb in d.items() if pid != self.pid]
        return max(peaks, default=0) / 1024

    def parent_peak_mb(self) -> float:
        return max((d.get(self.pid, 0) for _, d in self.samples), default=0) / 1024

    def worker_rss_over_time(self, points: int = 5) -> list[float]:
        """Summed worker RSS (MB) at evenly spaced moments of the run, to show it is flat."""
        working = [s for s in self.samples if any(kb for pid, kb in s[1].items() if pid != self.pid)]
        if not working:
            return []
        picks = [working[min(len(working) - 1, int(i * (len(working) - 1) / (points - 1)))] for i in range(points)]
        return [max((kb for pid, kb in d.items() if pid != self.pid), default=0) / 1024 for _, d in picks]


def timed(cmd: list[str], sample: bool = False) -> tuple[float, RssSampler | None]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = RssSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if sampler:
        sampler.stop.set()
        sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return elapsed, sampler


#: A fixed amount of pure-Python work: timed alone and two at once in every repetition, it shows
#: how fast the (shared) machine was while the runs beside it were timed.
GAUGE_SCRIPT = "def work():\n    s = 0\n    for i in range(10_000_000):\n        s += i\n\n\nwork()\n"


def gauge() -> tuple[float, float]:
    """(seconds for the gauge alone, seconds for two gauges at once)."""
    command = [sys.executable, "-c", GAUGE_SCRIPT]
    alone = timed(command)[0]
    started = time.perf_counter()
    procs = [subprocess.Popen(command) for _ in range(2)]
    for proc in procs:
        proc.wait()
    return alone, time.perf_counter() - started


def interleaved_ratio(pages_file: Path) -> tuple[float, float, float]:
    """(chain CPU / bare CPU, bare ms/page, chain ms/page), in this process, page by page.

    Each page goes through bare ``trafilatura.extract`` and through the chain back to
    back, in alternating order, so a drift in the machine's speed hits both sides alike
    (whole-process runs seconds apart see different machines when it is shared).
    Start-up is not in it: both sides are loaded and warmed first.
    """
    import trafilatura

    from newsclean.chain import build_chain
    from newsclean.record import new_item

    chain = build_chain({"NEWSCLEAN_DEDUP": False})
    pages = [json.loads(line) for line in pages_file.open(encoding="utf-8")]
    chain.warm_up(kinds=("html",))
    trafilatura.extract(pages[0]["html"], include_comments=False)
    bare = ours = 0.0
    clock = time.process_time
    for number, page in enumerate(pages):
        for side in ((0, 1) if number % 2 else (1, 0)):
            started = clock()
            if side == 0:
                trafilatura.extract(page["html"], include_comments=False)
                bare += clock() - started
            else:
                chain.process(new_item(source=f"page-{number}", input_kind="html", html=page["html"], url=page["url"]))
                ours += clock() - started
    return ours / bare, 1000 * bare / len(pages), 1000 * ours / len(pages)


def newsclean_cmd(inp: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    return [*NEWSCLEAN, "clean", str(inp), "-o", str(out), "-j", str(jobs), "-q", *extra]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("NEWSCLEAN_EVAL_DIR", str(ROOT.parent / "shared/eval")))
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per pair (medians reported)")
    parser.add_argument("--memory-docs", type=int, default=100_000, help="documents in the memory run (0: skip)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks/results/speed.md"))
    args = parser.parse_args()
    data = Path(args.data)

    with tempfile.TemporaryDirectory(prefix="newsclean-speed-") as tmp_name:
        tmp = Path(tmp_name)
        pages, dumps = tmp / "pages.jsonl", tmp / "dumps.jsonl"
        n_pages = collect_pages(data, pages)
        # Five copies of the dumps, so that start-up does not dominate the text runs.
        n_dumps = collect_dumps(data, dumps, repeat=5)
        one_page, one_dump = tmp / "one_page.jsonl", tmp / "one_dump.jsonl"
        one_page.write_text(pages.open(encoding="utf-8").readline(), encoding="utf-8")
        one_dump.write_text(dumps.open(encoding="utf-8").readline(), encoding="utf-8")
        ref_script = tmp / "reference.py"
        ref_script.write_text(REFERENCE_SCRIPT)
        gauges: list[tuple[float, float]] = []
        out = tmp / "out.jsonl"
        nodedup = ["--set", "NEWSCLEAN_DEDUP=false"]

        runs: dict[str, list[float]] = {k: [] for k in ("ref", "html1", "html2", "text1", "text2", "ref0", "nc0", "nct0")}
        for rep in range(args.repeat):
            print(f"repetition {rep + 1}/{args.repeat}", file=sys.stderr)
            gauges.append(gauge())
            # Start-up alone (one document), to report steady-state rates beside whole-process times.
            runs["ref0"].append(timed([sys.executable, str(ref_script), str(one_page)])[0])
            runs["nc0"].append(timed(newsclean_cmd(one_page, out, 1, *nodedup))[0])
            runs["nct0"].append(timed(newsclean_cmd(one_dump, out, 1, *nodedup))[0])
            runs["ref"].append(timed([sys.executable, str(ref_script), str(pages)])[0])
            runs["html1"].append(timed(newsclean_cmd(pages, out, 1, *nodedup))[0])
            runs["html2"].append(timed(newsclean_cmd(pages, out, 2, *nodedup))[0])
            runs["text1"].append(timed(newsclean_cmd(dumps, out, 1, *nodedup))[0])
            runs["text2"].append(timed(newsclean_cmd(dumps, out, 2, *nodedup))[0])
        med = {k: statistics.median(v) for k, v in runs.items()}
        ratios = [h / r for h, r in zip(runs["html1"], runs["ref"])]
        steady = [(h - h0) / (r - r0) for h, r, h0, r0 in zip(runs["html1"], runs["ref"], runs["nc0"], runs["ref0"])]

        memory_line = "memory run skipped"
        interleaved = interleaved_ratio(pages)
        mem_rows: list[str] = []
        if args.memory_docs:
            repeat = max(1, -(-args.memory_docs // (n_dumps // 5)))  # n_dumps holds five copies
            big = tmp / "big.jsonl"
            n_big = collect_dumps(data, big, repeat=repeat)
            elapsed, sampler = timed(newsclean_cmd(big, tmp / "big.out.jsonl", 2, *nodedup), sample=True)
            assert sampler is not None
            curve = sampler.worker_rss_over_time()
            mem_rows = [
                f"| memory run | {n_big:,} dump documents, -j 2, {elapsed:.0f} s ({n_big / elapsed:.0f} docs/s) |",
                f"| peak RSS per worker | {sampler.worker_peak_mb():.0f} MB (parent {sampler.parent_peak_mb():.0f} MB) |",
                f"| worker RSS at 0/25/50/75/100 % of the workers' life | {' / '.join(f'{x:.0f}' for x in curve)} MB |",
            ]

    cores = os.cpu_count() or 1
    lines = [
        f"Pages: {n_pages} benchmark HTML pages; dumps: {n_dumps} text documents (the dumps five times); {args.repeat} alternating runs, medians; "
        f"{cores} cores. Whole-process wall time (start-up included).",
        f"Machine gauge (a fixed pure-Python loop, once per repetition): alone "
        f"{', '.join(f'{a:.2f}' for a, _ in gauges)} s; two at once "
        f"{', '.join(f'{b:.2f}' for _, b in gauges)} s; the machine's own two-process throughput "
        f"{', '.join(f'{2 * a / b:.2f}' for a, b in gauges)} × one (2.00: two free cores; it bounds "
        f"every -j 2 / -j 1 figure below).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| bare trafilatura.extract, 1 process | {med['ref']:.1f} s ({n_pages / med['ref']:.1f} pages/s) | |",
        f"| newsclean HTML chain, -j 1 | {med['html1']:.1f} s ({n_pages / med['html1']:.1f} pages/s) | |",
        f"| **HTML chain / bare trafilatura** (median of per-run ratios) | **{statistics.median(ratios):.2f}** "
        f"(runs: {', '.join(f'{r:.2f}' for r in ratios)}) | ≤ 1.0 |",
        f"| same, start-up taken out of both sides (start-up: newsclean {med['nc0']:.1f} s, "
        f"trafilatura {med['ref0']:.1f} s) | {statistics.median(steady):.2f} | ≤ 1.0 |",
        f"| same, in one process, page by page in alternating order (CPU; start-up left out) | "
        f"{interleaved[0]:.2f} ({interleaved[2]:.1f} against {interleaved[1]:.1f} ms/page) | ≤ 1.0 |",
        f"| newsclean HTML chain, -j 2 | {med['html2']:.1f} s ({n_pages / med['html2']:.1f} pages/s); "
        f"-j 2 / -j 1 throughput {med['html1'] / med['html2']:.2f} | ≥ 1.8 |",
        f"| newsclean text chain, -j 1 | {n_dumps / med['text1']:.0f} docs/s per core "
        f"({n_dumps / (med['text1'] - med['nct0']):.0f} without start-up of {med['nct0']:.1f} s) | ≥ 500 |",
        f"| newsclean text chain, -j 2 | {n_dumps / med['text2']:.0f} docs/s; -j 2 / -j 1 throughput "
        f"{med['text1'] / med['text2']:.2f} ({(med['text1'] - med['nct0']) / (med['text2'] - med['nct0']):.2f} "
        f"without start-up) | ≥ 1.8 |",
        *mem_rows,
    ]
    table = "\n".join(lines)
    print(table)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
