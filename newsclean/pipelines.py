"""Engine-only item pipelines.

:class:`ProcessPoolStages` runs the CPU-bound stages (trafilatura, the cleaner,
langdetect, dates) in a pool of worker processes. Run in the reactor thread
they would stall every download; awaited from an ``async def process_item``
under the asyncio reactor, fetching and cleaning overlap and every core works.

The spiders put it into ``ITEM_PIPELINES`` in place of the stages it runs
(:func:`offloaded_pipelines`); ``stage_classes()`` tells
:func:`newsclean.chain.stage_classes` which stages those are, so the batch
feeder still builds the whole chain from the same setting.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.misc import load_object

from newsclean.chain import Chain
from newsclean.record import new_item
from newsclean.stages.base import Stage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

OFFLOAD_PATH = "newsclean.pipelines.ProcessPoolStages"


def _stage_paths(settings: BaseSettings) -> list[str]:
    return list(settings.getlist("NEWSCLEAN_STAGES"))


def offloaded_pipelines(settings: BaseSettings) -> tuple[dict[str, int], list[str]]:
    """``ITEM_PIPELINES`` for a crawl, and the stages the pool runs.

    The pool takes the leading run of stages free of cross-document state
    (extract → clean → title → language → date); the first ``runs_in_parent``
    stage (dedup) and everything after it stay in the reactor process, in order.
    """
    priorities = _component_priorities(settings.getwithbase("ITEM_PIPELINES"))
    pooled: list[str] = []
    for path in sorted(priorities, key=priorities.__getitem__):
        cls = load_object(path)
        if not (isinstance(cls, type) and issubclass(cls, Stage)) or cls.runs_in_parent:
            break
        pooled.append(path)
    if not pooled:
        return priorities, []
    rest = {path: prio for path, prio in priorities.items() if path not in pooled}
    rest[OFFLOAD_PATH] = priorities[pooled[0]]
    return rest, pooled


def _component_priorities(pipelines: BaseSettings) -> dict[str, int]:
    """{dotted path: priority} of the enabled pipelines (keys may be classes)."""
    values = {}
    for key, prio in dict(pipelines).items():
        if prio is None:
            continue
        path = key if isinstance(key, str) else f"{key.__module__}.{key.__qualname__}"
        values[path] = int(prio)
    return values


# --- the worker side -----------------------------------------------------------
_worker_chain: Chain = Chain([])


def _init_worker(settings_values: dict[str, Any], stage_paths: list[str]) -> None:
    """Build the stages once per worker process."""
    global _worker_chain
    settings = Settings(settings_values)
    _worker_chain = Chain(load_object(path).from_settings(settings) for path in stage_paths)
    # Run one small page through the stages now: models and profiles that load on
    # first use (language profiles, date patterns) load here, not on a real article.
    _run_stages(new_item(source="warm-up", input_kind="html", html=_WARM_UP_PAGE, url="http://localhost/warm-up"))


_WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title><meta name='date' content='2024-01-02'></head><body><article>"
    "<h1>Warm-up</h1><p>This short page loads everything the stages need before the first real"
    " article arrives, so that no article pays for it.</p><p>To drugi akapit, po polsku, żeby"
    " wykrywanie języka też się rozgrzało.</p></article></body></html>"
)


def _run_stages(item: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None, dict[str, dict[str, int]]]:
    """(item, drop reason, stage counters since the last call) — counters travel back to the parent."""
    started = time.process_time()
    item, dropped = _worker_chain.run(item)
    counters = _worker_chain.stats()
    for stage in _worker_chain.stages:
        stage.stats.clear()
    counters["pool"] = {"worker_cpu_ms": round((time.process_time() - started) * 1000)}
    if item is not None:
        # Stages after the pool work on the text; the page need not cross back.
        item = {key: value for key, value in item.items() if key not in ("html", "raw_text")}
    return item, dropped, counters


def _warm_up() -> int:
    time.sleep(0.02)  # hold this worker briefly so the others take the rest of the round
    return os.getpid()


# --- the reactor side ------------------------------------------------------------
class ProcessPoolStages:
    """Async item pipeline: awaits the CPU stages in a ProcessPoolExecutor.

    ``NEWSCLEAN_WORKERS``: pool size (0 = one per usable core); ``-1`` runs the
    stages inline in the reactor process (debugging, comparisons).
    """

    name = "pool"

    def __init__(self, settings: BaseSettings, crawler: "Crawler | None" = None) -> None:
        self.settings = settings
        self.crawler = crawler
        self.stage_paths = _stage_paths(settings)
        workers = settings.getint("NEWSCLEAN_WORKERS")
        self.workers = workers if workers != 0 else _usable_cores()
        self.start_method = settings.get("NEWSCLEAN_POOL_START_METHOD") or "forkserver"
        if self.start_method not in multiprocessing.get_all_start_methods():
            self.start_method = "spawn"
        self.pool: ProcessPoolExecutor | None = None
        self.inline: Chain | None = None
        self.stats: Counter[str] = Counter()
        self._cpu_at_open = time.process_time()
        self.in_flight = 0

    @classmethod
    def stage_classes(cls, settings: BaseSettings) -> list[type[Stage]]:
        """The stages this pipeline runs (for newsclean.chain.stage_classes)."""
        return [load_object(path) for path in _stage_paths(settings)]

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "ProcessPoolStages":
        return cls(crawler.settings, crawler)

    async def open_spider(self, spider: Any = None) -> None:
        self._cpu_at_open = time.process_time()
        if self.workers < 0:
            self.inline = Chain(load_object(p).from_settings(self.settings) for p in self.stage_paths)
            logger.info("newsclean: running %d stages inline (no process pool)", len(self.inline.stages))
            return
        started = time.monotonic()
        self._start_pool()
        # Start every worker now (imports + stage set-up take a second) rather than
        # on the first article, and fail early if the pool cannot start.
        loop = asyncio.get_running_loop()
        ready: set[int] = set()
        while len(ready) < self.workers:  # until every worker has answered once
            ready.update(await asyncio.gather(*(loop.run_in_executor(self.pool, _warm_up)
                                                for _ in range(self.workers))))
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value("newsclean/pool/startup_seconds", round(time.monotonic() - started, 3))
        logger.info("newsclean: %d stages run in a pool of %d worker processes", len(self.stage_paths), self.workers)

    def _start_pool(self) -> None:
        values = _picklable(self.settings)
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # The fork server imports the stage modules once; workers fork from it.
            context.set_forkserver_preload([path.rpartition(".")[0] for path in self.stage_paths])
        self.pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(values, self.stage_paths),
        )

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        payload = ItemAdapter(item).asdict()
        if self.inline is not None:
            result, dropped, counters = _run_inline(self.inline, payload)
        else:
            loop = asyncio.get_running_loop()
            pool = self.pool
            self.in_flight += 1
            self.stats["submitted"] += 1
            self.stats["in_flight_sum"] += self.in_flight  # mean queue depth = in_flight_sum / submitted
            try:
                result, dropped, counters = await loop.run_in_executor(pool, _run_stages, payload)
            except BrokenProcessPool as exc:
                # A worker died (crash, out of memory): this document gets the error,
                # a fresh pool takes the next ones.
                logger.error("newsclean: worker process died on %s; restarting the pool", payload.get("url"))
                if self.pool is pool:  # the first of the failed documents restarts it
                    self.stats["pool_restarts"] += 1
                    self._restart_pool()
                payload["error"] = f"pool: worker process died: {exc}"
                result, dropped, counters = payload, None, {}
            except Exception as exc:  # e.g. a value that cannot cross processes: this document only
                payload["error"] = f"pool: {type(exc).__name__}: {exc}"
                result, dropped, counters = payload, None, {}
            finally:
                self.in_flight -= 1
        self._merge(counters)
        if dropped is not None:
            raise DropItem(dropped)
        return result

    def _restart_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=False)
        self._start_pool()

    def _merge(self, counters: dict[str, dict[str, int]]) -> None:
        if self.crawler is None or self.crawler.stats is None:
            return
        for stage, values in counters.items():
            for key, value in values.items():
                self.crawler.stats.inc_value(f"newsclean/{stage}/{key}", value)
        for key, value in self.stats.items():
            self.crawler.stats.set_value(f"newsclean/{self.name}/{key}", value)

    def close_spider(self, spider: Any = None) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            # CPU of this (reactor) process during the crawl: fetching, parsing, parent stages, export.
            self.crawler.stats.set_value("newsclean/pool/parent_cpu_seconds",
                                         round(time.process_time() - self._cpu_at_open, 3))
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _run_inline(chain: Chain, item: dict[str, Any]):
    counters_before = {s.name: Counter(s.stats) for s in chain.stages}
    item, dropped = chain.run(item)
    counters = {s.name: dict(Counter(s.stats) - counters_before[s.name]) for s in chain.stages}
    return item, dropped, {k: v for k, v in counters.items() if v}


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _picklable(settings: BaseSettings) -> dict[str, Any]:
    """The settings a worker needs to rebuild the stages (values that can cross a process)."""
    values = {}
    for key, value in settings.copy_to_dict().items():
        try:
            pickle.dumps(value)
        except Exception:
            continue
        values[key] = value
    return values
