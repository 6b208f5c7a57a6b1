"""`make bench-crawl`: does cleaning keep up with fetching during `scrapy crawl`?

A local HTTP/1.1 server (127.0.0.1, keep-alive, in this process) serves ``--pages``
real article pages (the dev HTML of both benchmarks); the table shows the CPU it uses,
taken from the same two cores as the crawl. The real ``scrapy crawl articles``
command fetches them all, in three set-ups:

- fetch-only      ITEM_PIPELINES={} — the download ceiling on this machine;
- full, inline    the whole chain in the reactor process (NEWSCLEAN_WORKERS=-1);
- full, pool      the CPU stages in a process pool, one worker per core (the default),
                  ``--repeat`` times (3);

and, for reference, the single-process rate of the CPU stages alone (extract → clean →
title → language → date, no HTTP), measured in this process over the same pages before
the first pooled run and after each one, beside a machine gauge (a fixed pure-Python
loop, alone and two at once). A shared machine's speed drifts within a minute: each
pooled run is judged against the mean of the two reference runs around it, and the
verdict is the median of those per-run ratios (as ``make bench-speed`` does).

Target: full/pool ≥ 0.8 × cores × single-process rate, or the fetch-only rate if lower.
Rates are pages per second over the WHOLE run: from the engine's "Spider opened"
to "Spider closed" (log timestamps), so the item pipelines' opening and closing
count; "command s" is the whole ``scrapy crawl`` process, start-up included
(``scrapy crawl`` sets the pooled stages up and forks the pool's workers before
Scrapy sets itself up: that set-up is outside the whole-run time, as the reference's
own set-up is outside its rate; it is printed under the table, and "command s"
shows everything end to end). Scrapy's own
``elapsed_time_seconds`` starts only after every pipeline's ``open_spider`` has
returned, so it would leave a blocking pool start-up out. "From pool ready" counts
from the pool's "run in a pool" log line.
CPU s: the reactor process plus the worker processes during the crawl (workers from
their fork on, IPC included; fetch-only: the whole process, start-up included). Read
the gauges and the load average printed with the table.
"""
from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import queue
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from w3lib.encoding import html_to_unicode

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
sys.path.insert(0, str(ROOT))

from benchmarks.speed import gauge  # noqa: E402


def load_pages(data: Path, limit: int) -> list[bytes]:
    """Raw HTML bytes of up to ``limit`` dev pages, in a fixed order."""
    files = sorted((data / "scrapinghub/html").glob("*.gz")) + sorted((data / "trafilatura/html").glob("*.gz"))
    return [gzip.decompress(f.read_bytes()) for f in files[:limit]]


class PageServer:
    """Serves page i at /p/<i>.html, as a news site would: HTTP/1.1 keep-alive, text/html,
    charset left to the page.

    It stands in for remote sites, yet runs on the crawl's own two cores: so it is as cheap
    as a server can be in Python. Each response (headers and body) is built once, up front,
    and written in one call from an asyncio loop in a thread of this process. http.server
    (a thread and a header parse per request) took ~0.28 ms of CPU a page, this 0.11–0.2.
    """

    def __init__(self, pages: list[bytes]) -> None:
        self.responses = [self._response(b"200 OK", page) for page in pages]
        self.not_found = self._response(b"404 Not Found", b"not found")
        self.loop = asyncio.new_event_loop()
        ready: "queue.Queue[int]" = queue.Queue()
        self.thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{ready.get(timeout=10)}"

    @staticmethod
    def _response(status: bytes, body: bytes) -> bytes:
        return (b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n" + body)

    def _page(self, request_line: bytes) -> bytes:
        match = re.fullmatch(rb"GET /p/(\d+)\.html HTTP/1\.[01]", request_line)
        index = int(match[1]) if match else -1
        return self.responses[index] if 0 <= index < len(self.responses) else self.not_found

    def _serve(self, ready: "queue.Queue[int]") -> None:
        server = self

        class Connection(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                self.transport = transport
                self.buffer = b""
                sock = transport.get_extra_info("socket")
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def data_received(self, data: bytes) -> None:
                self.buffer += data
                # A request has no body (GET); one response per complete header block.
                while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
                    request_line = self.buffer[:self.buffer.find(b"\r\n")]
                    self.buffer = self.buffer[end + 4:]
                    self.transport.write(server._page(request_line))

        asyncio.set_event_loop(self.loop)
        listening = self.loop.run_until_complete(self.loop.create_server(Connection, "127.0.0.1", 0))
        ready.put(listening.sockets[0].getsockname()[1])
        try:
            self.loop.run_forever()
        finally:
            listening.close()
            self.loop.run_until_complete(listening.wait_closed())
            self.loop.close()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def run_crawl(urls_file: Path, out: Path, settings: dict[str, str]) -> dict[str, float]:
    command = [SCRAPY, "crawl", "articles", "-a", f"urls_file={urls_file}", "-O", str(out),
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "ROBOTSTXT_OBEY=0", "-s", "TELNETCONSOLE_ENABLED=0",
               "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
               "-s", "NEWSCLEAN_STATE=", "-s", "LOG_LEVEL=INFO", "-s", "LOGSTATS_INTERVAL=600",
               "-s", f"LOG_FORMAT={LOG_FORMAT}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    before, server_before = resource.getrusage(resource.RUSAGE_CHILDREN), _own_cpu()
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    process_wall = time.perf_counter() - started
    after, server_after = resource.getrusage(resource.RUSAGE_CHILDREN), _own_cpu()
    cpu_total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])

    def stat(name: str) -> float:
        match = re.search(rf"'{re.escape(name)}': ([\d.]+)", proc.stderr)
        return float(match[1]) if match else 0.0

    def logged_at(message: str) -> float | None:
        """When the first log line whose message starts with ``message`` (a regex) was written."""
        match = re.search(rf"^([\d.]+) \S+ \S+: {message}", proc.stderr, re.MULTILINE)
        return float(match[1]) if match else None

    opened, closed = logged_at("Spider opened"), logged_at(r"Spider closed \(")
    ready = logged_at(r"newsclean: \d+ stages run in a pool")
    if opened is None or closed is None:
        raise SystemExit("no 'Spider opened'/'Spider closed' log line:\n" + proc.stderr[-3000:])
    return {"process": process_wall, "whole": closed - opened, "after_ready": closed - ready if ready else closed - opened,
            "elapsed": stat("elapsed_time_seconds"), "responses": stat("response_received_count"),
            "items": stat("item_scraped_count"), "startup": stat("newsclean/pool/startup_seconds"),
            "cpu_total": cpu_total, "cpu_server": server_after - server_before, "cpu_workers": stat("newsclean/pool/worker_cpu_ms") / 1000,
            "cpu_parent": stat("newsclean/pool/parent_cpu_seconds"),
            "cpu_reactor_thread": stat("newsclean/pool/reactor_thread_cpu_seconds"),
            "cpu_worker_processes": stat("newsclean/pool/worker_process_cpu_seconds"),
            "setup_before_crawl": stat("newsclean/pool/setup_before_crawl_seconds"),
            "mean_in_flight": stat("newsclean/pool/in_flight_sum") / max(stat("newsclean/pool/submitted"), 1)}


def _own_cpu() -> float:
    """CPU seconds of this process; while it waits for the crawl, that is the page server's threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


#: Scrapy's log lines with a precise timestamp first (for the whole-run time).
LOG_FORMAT = "%(created).4f %(levelname)s %(name)s: %(message)s"


def fresh_single_process_rate(pages: list[bytes], base: str) -> tuple[float, float]:
    """:func:`single_process_rate` in a new process: like a pool worker, it sees every page
    for the first time (in this process, caches keyed by page content, htmldate's and
    trafilatura's, would be warm from the previous reference run)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as once:
        return once.submit(single_process_rate, pages, base).result()


def single_process_rate(pages: list[bytes], base: str) -> tuple[float, float]:
    """Pages per second and per CPU-second of the pooled stages (extract..date) in this one process, no HTTP.

    Set up by a pool worker's own set-up (warm-up page, collector frozen): run it in a
    process of its own (:func:`fresh_single_process_rate`).
    """
    from newsclean import pipelines
    from newsclean.chain import load_settings
    from newsclean.record import new_item
    from newsclean.spiders.base import configure_crawl

    settings = load_settings({"NEWSCLEAN_STATE": ""})
    configure_crawl(settings)
    items = []
    for i, raw in enumerate(pages):
        _, text = html_to_unicode(None, raw)  # what Scrapy's response.text does
        items.append(new_item(source=f"{base}/p/{i}.html", url=f"{base}/p/{i}.html", input_kind="html", html=text))
    pipelines._init_worker(pipelines._picklable(settings), pipelines._stage_paths(settings))
    chain = pipelines._worker_chain
    started, cpu_started = time.perf_counter(), time.process_time()
    for item in items:
        chain.run(item)
    return len(items) / (time.perf_counter() - started), len(items) / (time.process_time() - cpu_started)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval")
    parser.add_argument("--pages", type=int, default=300, help="pages to serve (≥ 200)")
    parser.add_argument("--repeat", type=int, default=3, choices=range(1, 100), metavar="N",
                        help="pooled runs, each between two reference runs (default 3)")
    parser.add_argument("--workers", type=int, default=0, help="pool size for the pooled run (0: one per core)")
    parser.add_argument("--start-method", default="", help="NEWSCLEAN_POOL_START_METHOD for the pooled run")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for the pooled run only (repeatable), e.g. SCRAPER_SLOT_MAX_ACTIVE_SIZE=5000000")
    args = parser.parse_args()

    pages = load_pages(args.data, args.pages)
    cores = usable_cores()
    server = PageServer(pages)
    pool_settings = {"NEWSCLEAN_WORKERS": str(args.workers),
                     **({"NEWSCLEAN_POOL_START_METHOD": args.start_method} if args.start_method else {}),
                     **dict(item.split("=", 1) for item in args.set)}
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        tmpdir = Path(tmp)
        urls_file = tmpdir / "urls.txt"
        urls_file.write_text("".join(f"{server.base}/p/{i}.html\n" for i in range(len(pages))), encoding="utf-8")
        fetch = run_crawl(urls_file, tmpdir / "fetch.jsonl", {"ITEM_PIPELINES": "{}"})
        inline = run_crawl(urls_file, tmpdir / "inline.jsonl", {"NEWSCLEAN_WORKERS": "-1"})
        # A shared machine's speed drifts within a minute: each pooled run sits between two
        # reference runs (the CPU stages alone) and is judged against their mean, as
        # `make bench-speed` judges each run against its own pair; the verdict is the median.
        gauges = [gauge()]
        singles = [fresh_single_process_rate(pages, server.base)]
        pooled = []
        for _ in range(args.repeat):
            pooled.append(run_crawl(urls_file, tmpdir / "pool.jsonl", pool_settings))
            singles.append(fresh_single_process_rate(pages, server.base))
            gauges.append(gauge())
    server.stop()

    fetch_rate = fetch["responses"] / fetch["whole"]
    references = [statistics.mean(wall for wall, _ in singles[i:i + 2]) for i in range(len(pooled))]
    targets = [min(0.8 * cores * reference, fetch_rate) for reference in references]
    ratios = [run["responses"] / run["whole"] / target for run, target in zip(pooled, targets)]
    median = sorted(range(len(ratios)), key=ratios.__getitem__)[(len(ratios) - 1) // 2]  # the lower of two middles
    print(f"{len(pages)} pages, {cores} usable cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"Machine gauge around the pooled runs (a fixed pure-Python loop): alone "
          f"{' / '.join(f'{a:.2f}' for a, _ in gauges)} s, two at once {' / '.join(f'{b:.2f}' for _, b in gauges)} s"
          f" (two-process throughput {' / '.join(f'{2 * a / b:.2f}' for a, b in gauges)} × one; 2.00 = two free cores)."
          f" CPU stages alone: {' / '.join(f'{wall:.1f}' for wall, _ in singles)} pages/s (each pooled run's"
          f" reference is the mean of the two around it)\n")
    print("| set-up | pages | whole run s | pages/s, whole run | pages/s from pool ready | CPU s | command s"
          " | page server CPU ms/page | reference pages/s | × target |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [("fetch-only", fetch, None, None), ("full chain, inline (1 process)", inline, None, None)]
    rows += [(f"full chain, process pool, run {i + 1}", run, reference, ratio)
             for i, (run, reference, ratio) in enumerate(zip(pooled, references, ratios))]
    for name, run, reference, ratio in rows:
        rate = run["responses"] / run["whole"]
        steady = run["responses"] / max(run["after_ready"], 1e-9)
        print(f"| `scrapy crawl` {name} | {run['responses']:.0f} | {run['whole']:.2f} | {rate:.1f} | {steady:.1f}"
              f" | {(run['cpu_parent'] + (run['cpu_worker_processes'] or run['cpu_workers'])) or run['cpu_total']:.1f}"
              f" | {run['process']:.2f} | {1000 * run['cpu_server'] / max(run['responses'], 1):.2f}"
              f" | {'' if reference is None else f'{reference:.1f}'} | {'' if ratio is None else f'{ratio:.2f}'} |")
    single_wall = statistics.mean(wall for wall, _ in singles)
    single_cpu = statistics.mean(cpu for _, cpu in singles)
    print(f"| CPU stages alone, 1 process, no HTTP (mean of {len(singles)}) | {len(pages)} | {len(pages) / single_wall:.2f}"
          f" | {single_wall:.1f} | | {len(pages) / single_cpu:.1f} | | | | |")
    pool = pooled[median]
    setups = " / ".join(f"{run['setup_before_crawl']:.2f}" for run in pooled)
    print(f'\nPool set-up before "Spider opened" (in the command process, before the fork; outside the whole-run'
          f' time, inside "command s"): {setups} s')
    print(f"target per pooled run = min(0.8 × {cores} cores × its reference, fetch-only {fetch_rate:.1f}) pages/s;"
          f" process pool, whole run: {' / '.join(f'{r:.2f}' for r in ratios)} × target, median {ratios[median]:.2f}"
          f" → {'met' if ratios[median] >= 1 else 'NOT met'} (pool ready {pool['startup']:.2f} s after the spider opened"
          f" in the median run)")
    # What the median pooled run would do with the cores to itself: the workers' and the
    # reactor's measured CPU per page, spread over the cores (a machine shared with other
    # jobs makes the wall-clock numbers above lower than this).
    n = pool["responses"]
    if pool["cpu_workers"] and pool["cpu_parent"]:
        bound = max(pool["cpu_workers"] / cores, pool["cpu_parent"], (pool["cpu_workers"] + pool["cpu_parent"]) / cores)
        print(f"CPU per page (median run): stages in workers {1000 * pool['cpu_workers'] / n:.1f} ms (worker processes"
              f" in all {1000 * pool['cpu_worker_processes'] / n:.1f}; stages alone, 1 process:"
              f" {1000 / single_cpu:.1f} ms), reactor process {1000 * pool['cpu_parent'] / n:.1f} ms"
              f" (its main thread {1000 * pool['cpu_reactor_thread'] / n:.1f}) →"
              f" once the pool is up, on {cores} idle cores the crawl could reach ≈ {n / bound:.1f} pages/s"
              f" (target in CPU terms: 0.8 × {cores} × {single_cpu:.1f} = {0.8 * cores * single_cpu:.1f})")
    print(json.dumps({"pages": len(pages), "cores": cores, "singles": singles, "gauges": gauges,
                      "fetch-only": fetch, "inline": inline, "pooled": pooled, "ratios": ratios}))


if __name__ == "__main__":
    main()
