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
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.misc import load_object

from newsclean.chain import Chain
from newsclean.stages.base import Stage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

OFFLOAD_PATH = "newsclean.pipelines.ProcessPoolStages"
#: NEWSCLEAN_POOL_START_METHOD's default: the pool `scrapy crawl` forks early, else a fork server (see prestart_pool).
AUTO = "auto"


def _stage_paths(settings: BaseSettings) -> list[str]:
    return list(settings.getlist("NEWSCLEAN_STAGES"))


def offloaded_pipelines(settings: BaseSettings) -> tuple[dict[str, int], list[str]]:
    """``ITEM_PIPELINES`` for a crawl, and the stages the pool runs.

    The pool takes the leading run of stages free of cross-document state
    (extract → clean → title → language → date); the first ``runs_in_parent``
    stage (dedup) and everything after it stay in the reactor process, in order.
    Settings already offloaded are returned as they are, so that configuring a crawl
    twice (a spider subclass calling it again) does not leave the pool no stage.
    """
    priorities = _component_priorities(settings.getwithbase("ITEM_PIPELINES"))
    if OFFLOAD_PATH in priorities:
        return priorities, settings.getlist("NEWSCLEAN_STAGES")
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

#: Imported by the fork server before it forks any worker (see :func:`warm_up_in_fork_server`).
FORK_SERVER_PRELOAD = "newsclean.pool_preload"


#: What _worker_chain was built from: a worker forked after the build finds it ready.
_worker_chain_source: tuple[dict[str, Any], list[str]] | None = None


def _init_worker(settings_values: dict[str, Any], stage_paths: list[str]) -> None:
    """Build the stages once per worker process, unless it was forked with them built
    from the same settings (:func:`start_early_pool`)."""
    global _worker_chain, _worker_chain_source
    if _worker_chain_source == (settings_values, stage_paths):
        return
    settings = Settings(settings_values)
    _worker_chain = Chain(load_object(path).from_settings(settings) for path in stage_paths)
    # Run one small page through the stages now: models and profiles that load on
    # first use (language profiles, date patterns) load here, not on a real article.
    # A worker forked from a warmed-up fork server finds them loaded (~10 ms, not ~0.4 s).
    # Spiders yield HTML only.
    _worker_chain.warm_up(kinds=("html",))
    # What is alive now (modules, profiles, patterns) lives as long as the process: take it
    # out of the cyclic collector's scans (0.5 → 0.15 ms of GC per page). Objects frozen in
    # the fork server stay frozen in its workers, so their collections do not touch them.
    gc.collect()
    gc.freeze()
    _worker_chain_source = (settings_values, stage_paths)


def _start_worker(settings_values: dict[str, Any], stage_paths: list[str]) -> None:
    """Pool initializer: Ctrl-C is the crawl's to handle. Scrapy's first SIGINT closes the
    spider gracefully, and the pages in flight are still cleaned; a worker that took the
    signal itself would send KeyboardInterrupt back into the reactor, which ends the
    crawl at once (feed exports unfinished), or die and break the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(settings_values, stage_paths)


def warm_up_in_fork_server() -> None:
    """Set up the crawl's stages (project settings) once and run the warm-up page.

    Called by the fork server's preload (:data:`FORK_SERVER_PRELOAD`): language
    profiles, date patterns and rule packs then sit in module-level caches that
    every worker inherits when it is forked, so each worker's own set-up (from the
    crawl's real settings) finds them loaded. Only a speed-up: a worker builds
    everything it needs itself either way.
    """
    from newsclean.chain import load_settings

    settings = load_settings()
    _init_worker(_picklable(settings), offloaded_pipelines(settings)[1])  # the stages a crawl pools


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


def _run_stages_batch(items: list[dict[str, Any]]) -> list[tuple[dict[str, Any] | None, str | None, dict[str, dict[str, int]]]]:
    """:func:`_run_stages` for each item of a batch (see :class:`PoolBatches`)."""
    return [_run_stages(item) for item in items]


def _fork_server_preload(stage_paths: list[str]) -> list[str]:
    return [FORK_SERVER_PRELOAD, *(path.rpartition(".")[0] for path in stage_paths)]


class _EarlyPool(NamedTuple):
    """A crawl pool started before the crawler exists (see :func:`prestart_pool`)."""

    #: what it was started with: the pipeline takes it over only if its own are the same
    settings_values: dict[str, Any]
    stage_paths: list[str]
    workers: int
    pool: ProcessPoolExecutor
    answers: list[Future[int]]  # one per worker, done once its stages are set up
    setup_seconds: float  # this process's set-up of the stages before the fork (fork only; else 0)


#: The pool :func:`prestart_pool` started, until a ProcessPoolStages takes it (or the command ends).
_early_pool: _EarlyPool | None = None


def prestart_pool(settings: BaseSettings) -> str | None:
    """Give the crawl pool a head start while Scrapy sets itself up; how ("fork",
    "forkserver"), or None: when this crawl pools no stages or does not run the pool
    pipeline, when its start method is "fork" or "spawn" (the pipeline starts that pool
    itself), and when neither head start could be had.

    ``settings``: the crawl's, as its crawler will hold them (the spider's
    ``update_settings`` applied). Called by ``scrapy crawl`` before Scrapy builds the
    crawler (~0.2 s), once Scrapy, trafilatura and the stage modules are imported
    (the command has loaded the pipelines).

    "fork" (``NEWSCLEAN_POOL_START_METHOD`` "auto", Linux, this process still has one
    thread): this process sets the stages up once (~0.45 s) and forks the workers, which
    are ready at once; the pool pipeline takes this pool over when its settings are
    these (else it shuts it down and starts its own). A fork server would first need
    ~0.4 s to start Python and import Scrapy and trafilatura again.
    "forkserver": elsewhere, the pool's fork server starts now (:func:`prestart_fork_server`).
    """
    stage_paths = _stage_paths(settings)
    workers = settings.getint("NEWSCLEAN_WORKERS")
    method = settings.get("NEWSCLEAN_POOL_START_METHOD") or AUTO
    if not stage_paths or workers < 0 or method not in (AUTO, "forkserver"):
        return None
    if OFFLOAD_PATH not in _component_priorities(settings.getwithbase("ITEM_PIPELINES")):
        return None  # e.g. ITEM_PIPELINES given on the command line: no pipeline would take the pool
    if method == AUTO and _early_pool is None and _can_fork_now():
        try:
            start_early_pool(settings, multiprocessing.get_context("fork"))
            return "fork"
        except Exception:  # only a head start: the pipeline starts its pool itself otherwise
            logger.debug("newsclean: early pool failed to start", exc_info=True)
    return "forkserver" if prestart_fork_server(settings) else None


def _can_fork_now() -> bool:
    # fork copies only the calling thread: with others alive, a lock one of them holds
    # stays locked in the child
    return (sys.platform.startswith("linux") and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def start_early_pool(settings: BaseSettings, context: Any) -> None:
    """Start the crawl pool for ``settings`` in ``context`` and keep it for the pipeline
    (an earlier one nobody took is shut down). With fork, the caller must have no other thread."""
    global _early_pool
    discard_early_pool()
    values, stage_paths, workers = _picklable(settings), _stage_paths(settings), _pool_size(settings)
    setup_seconds = 0.0
    if context.get_start_method() == "fork":
        # Set up once, here: every forked worker inherits the stages ready and warmed up
        # (as the batch runner's workers do), instead of each spending ~0.45 s of CPU on
        # its own set-up while the crawl has begun.
        started = time.monotonic()
        _init_worker(values, stage_paths)
        setup_seconds = time.monotonic() - started
        if threading.active_count() != 1:  # the set-up started a thread: forking now could copy a held lock
            raise RuntimeError("a thread started during the stages' set-up; not forking")
        # A forked worker flushes inherited stdio buffers when it exits: empty them first.
        sys.stdout.flush()
        sys.stderr.flush()
    _early_pool = _EarlyPool(values, stage_paths, workers, *_new_pool(context, workers, values, stage_paths),
                             setup_seconds)


def _new_pool(context: Any, workers: int, settings_values: dict[str, Any],
              stage_paths: list[str]) -> tuple[ProcessPoolExecutor, list[Future[int]]]:
    """A pool of ``workers`` started in ``context``, and one question per worker that it
    answers once its stages are set up."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(settings_values, stage_paths))
    try:
        # Each submit starts one more worker while none is idle (fork: the first starts all):
        # all of them start now.
        return pool, [pool.submit(_worker_pid) for _ in range(workers)]
    except Exception:
        pool.shutdown(wait=False, cancel_futures=True)
        raise


def take_early_pool(settings: BaseSettings, stage_paths: list[str],
                    workers: int) -> tuple[ProcessPoolExecutor, list[Future[int]], float] | None:
    """The pool :func:`prestart_pool` started and the seconds its set-up took before the
    fork, if it was started with these; None otherwise (a pool started with other settings
    is shut down). Taken once."""
    global _early_pool
    early, _early_pool = _early_pool, None
    if early is None:
        return None
    if (early.stage_paths, early.workers) == (stage_paths, workers) and early.settings_values == _picklable(settings):
        return early.pool, early.answers, early.setup_seconds
    early.pool.shutdown(wait=False, cancel_futures=True)
    logger.info("newsclean: the crawl's settings are not the ones the early pool started with; starting another")
    return None


def discard_early_pool() -> None:
    """Shut down an early pool no crawl took (the crawl did not start)."""
    global _early_pool
    early, _early_pool = _early_pool, None
    if early is not None:
        early.pool.shutdown(wait=False, cancel_futures=True)


def prestart_fork_server(settings: BaseSettings) -> bool:
    """Start the crawl pool's fork server now, if this crawl will use one; True if started.

    Called by :func:`prestart_pool` when it cannot fork the workers early: the server's
    own imports, stage set-up and warm-up page (~0.65 s) then run while Scrapy builds
    the crawler, on another core. ``ensure_running`` only launches the server process
    and returns; the pool later connects to the same server (the preload list is the same).
    """
    # the project's settings as the command sees them (the spider moves the stages
    # into NEWSCLEAN_STAGES later), or settings a crawl has already configured
    stage_paths = _stage_paths(settings) or offloaded_pipelines(settings)[1]
    method = settings.get("NEWSCLEAN_POOL_START_METHOD") or AUTO
    if not stage_paths or settings.getint("NEWSCLEAN_WORKERS") < 0 or method not in (AUTO, "forkserver"):
        return False
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(_fork_server_preload(stage_paths))
    try:
        forkserver.ensure_running()
    except Exception:  # only a head start: the pool starts the server itself otherwise
        logger.debug("newsclean: fork server head start failed", exc_info=True)
        return False
    return True


def _worker_pid() -> int:
    """Answered once a worker has set up its stages (the initializer runs first)."""
    return os.getpid()


# --- the reactor side ------------------------------------------------------------
class PoolStartError(RuntimeError):
    """The worker processes could not set up their stages."""


#: The spider's close reason when the pool cannot start (``scrapy crawl`` then exits with 1).
POOL_FAILED_REASON = "newsclean_pool_failed"


#: Crawls of this process between their pipeline's open_spider and close_spider (several
#: crawls can share one process, e.g. a CrawlerProcess running two spiders).
_crawls_frozen = 0


class BatchFailed(Exception):
    """A batch failed as a whole for a reason that may be one item's (one that cannot be
    pickled, say): each of its items is then sent again on its own."""


#: Items with the futures their pipeline calls await.
Waiting = list[tuple[dict[str, Any], asyncio.Future]]


class PoolBatches:
    """Items for the pool, sent a few at a time: one task, one pickle and one result per batch.

    Each task sent to a ``ProcessPoolExecutor`` wakes three threads of the reactor process:
    the executor's feeder thread, its result thread and the event loop. On a machine whose
    cores the workers keep busy, every wake-up can preempt a worker. So the pool holds at
    most one batch per worker plus one; the items that come meanwhile wait here, and when a
    batch comes back the next one is made of them: up to ``size`` items, and no more than
    an even share of those waiting per worker, so that the last items of a crawl spread
    over the workers and the first ones go at once. Measured on two cores over the 602 dev
    pages (README, Crawling): the reactor process's CPU fell by about 0.45 ms a page, and
    pages/s rose by about 6 %.
    """

    def __init__(self, size: int, workers: int, stats: Counter[str] | None = None) -> None:
        self.size, self.workers = max(1, size), max(1, workers)
        #: "batches": tasks sent (the crawl's stats: newsclean/pool/batches).
        self.stats: Counter[str] = stats if stats is not None else Counter()
        self._waiting: Waiting = []
        self._pool: ProcessPoolExecutor | None = None
        self._in_pool = 0  # batches sent to self._pool and not yet back

    def submit(self, pool: ProcessPoolExecutor, payload: dict[str, Any]) -> asyncio.Future:
        """A future of ``payload``'s result from ``pool``; it raises what the batch raised
        (``BrokenProcessPool``, or :class:`BatchFailed` for a batch of several)."""
        if pool is not self._pool:  # a new pool (a restart): nothing of it is busy yet
            self._pool, self._in_pool = pool, 0
        result = asyncio.get_running_loop().create_future()
        self._waiting.append((payload, result))
        self._send()
        return result

    def _send(self) -> None:
        """Send batches of the waiting items while the pool has room for them."""
        if any(waiter.done() for _, waiter in self._waiting):  # items cancelled while they waited
            self._waiting = [(payload, waiter) for payload, waiter in self._waiting if not waiter.done()]
        while self._waiting and self._in_pool <= self.workers:
            share = -(-len(self._waiting) // self.workers)  # an even share per worker, rounded up
            count = min(self.size, share)
            batch, self._waiting = self._waiting[:count], self._waiting[count:]
            self._send_batch(batch)

    def _send_batch(self, batch: Waiting) -> None:
        pool = self._pool
        assert pool is not None
        self.stats["batches"] += 1
        try:
            task = pool.submit(_run_stages_batch, [payload for payload, _ in batch])
        except (BrokenProcessPool, RuntimeError) as exc:
            # Broken: each item takes the retry path. Shut down (a RuntimeError; a broken pool
            # says broken first): the crawl is closing, so each item gets an error, no restart.
            self._deliver(batch, None, exc)
            return
        self._in_pool += 1
        # wrap_future brings the result into the event loop, where the batch is settled
        asyncio.wrap_future(task).add_done_callback(lambda done: self._settle(pool, batch, done))

    def _settle(self, pool: ProcessPoolExecutor, batch: Waiting, done: asyncio.Future) -> None:
        if pool is self._pool:
            self._in_pool -= 1
        try:
            if done.cancelled():  # the pool was shut down with the batch still queued
                for _, waiter in batch:
                    waiter.cancel()
                return
            error = done.exception()
            if error is not None and not isinstance(error, BrokenProcessPool) and len(batch) > 1:
                error = BatchFailed(f"{type(error).__name__}: {error}")
            self._deliver(batch, None if error is not None else done.result(), error)
        finally:
            self._send()  # the pool has room again

    @staticmethod
    def _deliver(batch: Waiting, results: list[Any] | None, error: BaseException | None) -> None:
        for index, (_, waiter) in enumerate(batch):
            if waiter.done():  # its item was cancelled meanwhile
                continue
            if error is not None:
                waiter.set_exception(error)
            else:
                assert results is not None
                waiter.set_result(results[index])


class ProcessPoolStages:
    """Async item pipeline: awaits the CPU stages in a ProcessPoolExecutor.

    ``NEWSCLEAN_WORKERS``: pool size (0 = one per usable core); ``-1`` runs the
    stages inline in the reactor process (debugging, comparisons).
    ``NEWSCLEAN_POOL_BATCH_SIZE``: items go to the workers in batches of up to this many
    (:class:`PoolBatches`).

    The pool starts in the background: downloads begin at once, and the first items
    wait in :meth:`process_item` until the workers are ready. If they cannot start
    (a stage fails to set up), the error is logged once, the items are dropped with
    that reason and the spider closes (reason ``newsclean_pool_failed``).
    """

    name = "pool"

    def __init__(self, settings: BaseSettings, crawler: "Crawler | None" = None) -> None:
        self.settings = settings
        self.crawler = crawler
        self.stage_paths = _stage_paths(settings)
        self.workers = _pool_size(settings)
        method = settings.get("NEWSCLEAN_POOL_START_METHOD") or AUTO
        # how this pipeline starts a pool itself (auto: when no early pool is there to take)
        self.start_method = "forkserver" if method == AUTO else method
        if self.start_method not in multiprocessing.get_all_start_methods():
            self.start_method = "spawn"
        self.pool: ProcessPoolExecutor | None = None
        #: Done when the current pool's workers have answered that their stages are set up (raises
        #: PoolStartError if not). Each question goes to the first idle worker: with forkserver or
        #: spawn, one quick worker may answer several, so this can be done before the slowest is.
        self.ready: asyncio.Future[ProcessPoolExecutor] | None = None
        self.inline: Chain | None = None
        self.stats: Counter[str] = Counter()
        self._cpu_at_open = time.process_time()
        self._thread_cpu_at_open = time.thread_time()
        self.in_flight = 0
        #: Pages retried after a pool broke go one at a time (see _run_in_pool).
        self._retry_lane = asyncio.Lock()
        self.batches = PoolBatches(settings.getint("NEWSCLEAN_POOL_BATCH_SIZE", 4), max(1, self.workers), self.stats)
        self._froze = False

    @classmethod
    def stage_classes(cls, settings: BaseSettings) -> list[type[Stage]]:
        """The stages this pipeline runs (for newsclean.chain.stage_classes)."""
        return [load_object(path) for path in _stage_paths(settings)]

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "ProcessPoolStages":
        return cls(crawler.settings, crawler)

    async def open_spider(self, spider: Any = None) -> None:
        self._cpu_at_open, self._thread_cpu_at_open = time.process_time(), time.thread_time()
        # What this crawl process holds now (modules, settings, components) lasts the whole
        # crawl: keep it out of the cyclic collector's scans (GC 0.25 → 0.1 s per 300 pages;
        # the last crawl of this process to close gives it back).
        global _crawls_frozen
        gc.freeze()
        if not self._froze:
            self._froze = True
            _crawls_frozen += 1
        try:
            if self.workers < 0:
                self.inline = Chain(load_object(p).from_settings(self.settings) for p in self.stage_paths)
                logger.info("newsclean: running %d stages inline (no process pool)", len(self.inline.stages))
                return
            # Not awaited: the engine starts fetching while the workers start (about a second
            # of imports and stage set-up that would otherwise hold up every download).
            self.ready = asyncio.ensure_future(self._start_pool())
        except BaseException:
            self._thaw()
            raise

    async def _start_pool(self) -> ProcessPoolExecutor:
        started = time.monotonic()
        pool: ProcessPoolExecutor | None = None
        early = None
        setup_before = 0.0
        try:
            early = take_early_pool(self.settings, self.stage_paths, self.workers)
            if early is not None:  # forked before the crawler existed (see prestart_pool)
                pool, answers, setup_before = early
            elif self.start_method == "fork":  # fork from the reactor thread itself, never from a helper thread
                pool, answers = self._launch_pool()
            else:  # launching blocks until the fork server has preloaded: off the reactor thread
                pool, answers = await asyncio.to_thread(self._launch_pool)
            await asyncio.gather(*(asyncio.wrap_future(answer) for answer in answers))
        except Exception as exc:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            reason = (f"{type(exc).__name__}: {exc}" if not isinstance(exc, BrokenProcessPool)
                      else "a worker process exited before the pool was ready; its traceback is above")
            logger.error("newsclean: the process pool could not start (%s); closing the spider", reason)
            self._close_spider()
            raise PoolStartError(f"the process pool could not start ({reason})") from exc
        self.pool = pool
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value("newsclean/pool/startup_seconds", round(time.monotonic() - started, 3))
            # the early pool's stage set-up, done before the crawler existed (not in the line above)
            self.crawler.stats.set_value("newsclean/pool/setup_before_crawl_seconds", round(setup_before, 3))
        logger.info("newsclean: %d stages run in a pool of %d worker processes%s", len(self.stage_paths), self.workers,
                    " (started before the crawler)" if early is not None else "")
        return pool

    def _launch_pool(self) -> tuple[ProcessPoolExecutor, list[Future[int]]]:
        """A new pool, and one question per worker that it answers once its stages are set up."""
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # The fork server imports the stage modules and warms them up once; workers fork from it.
            context.set_forkserver_preload(_fork_server_preload(self.stage_paths))
        return _new_pool(context, self.workers, _picklable(self.settings), self.stage_paths)

    def _close_spider(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        if engine is not None and getattr(engine, "spider", None) is not None:
            asyncio.ensure_future(engine.close_spider_async(reason=POOL_FAILED_REASON))

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.inline is not None:
            result, dropped, counters = _run_inline(self.inline, ItemAdapter(item).asdict())
        else:
            result, dropped, counters = await self._run_in_pool(item)
        self._merge(counters)
        if dropped is not None:
            raise DropItem(dropped)
        return result

    async def _run_in_pool(self, item: Any):
        ready = self.ready
        assert ready is not None, "open_spider() starts the pool"
        try:
            # shield: an item cancelled while waiting must not cancel the start for the others
            pool = ready.result() if ready.done() else await asyncio.shield(ready)
        except PoolStartError as exc:
            adapter = ItemAdapter(item)
            for field in ("html", "raw_text"):  # Scrapy logs a dropped item: not the whole page
                adapter.pop(field, None)
            raise DropItem(f"newsclean: {exc}") from None
        payload = ItemAdapter(item).asdict()
        self.in_flight += 1
        self.stats["submitted"] += 1
        self.stats["in_flight_sum"] += self.in_flight  # mean queue depth = in_flight_sum / submitted
        try:
            try:
                try:
                    return await self.batches.submit(pool, payload)
                except BatchFailed:  # maybe another item's fault: this one alone
                    return await asyncio.wrap_future(pool.submit(_run_stages, payload))
            except BrokenProcessPool:
                # A worker died (a crash, out of memory) and the executor failed every page in
                # flight with it, not only the one that killed it. A fresh pool tries each of
                # them once more, one at a time, so that the culprit breaking that pool too
                # takes no other retried page with it.
                logger.warning("newsclean: a worker process died while %s was in flight; restarting the pool"
                               " and trying it again", payload.get("url"))
                self._restart_pool(ready, pool)
                async with self._retry_lane:
                    ready = self.ready
                    assert ready is not None
                    try:
                        pool = await asyncio.shield(ready)
                    except PoolStartError as exc:
                        payload["error"] = f"pool: {exc}"
                        return payload, None, {}
                    self.stats["retried"] += 1
                    return await asyncio.wrap_future(pool.submit(_run_stages, payload))
        except BrokenProcessPool as exc:
            logger.error("newsclean: worker process died on %s (tried twice); restarting the pool", payload.get("url"))
            self._restart_pool(ready, pool)
            payload["error"] = f"pool: worker process died: {exc}"
            return payload, None, {}
        except Exception as exc:  # e.g. a value that cannot cross processes: this document only
            payload["error"] = f"pool: {type(exc).__name__}: {exc}"
            return payload, None, {}
        finally:
            self.in_flight -= 1

    def _restart_pool(self, broken: asyncio.Future[ProcessPoolExecutor], pool: ProcessPoolExecutor) -> None:
        """Replace a broken pool, once: the first of its failed pages to get here does it."""
        if self.ready is broken:
            self.stats["pool_restarts"] += 1
            pool.shutdown(wait=False, cancel_futures=False)
            self.pool = None
            self.ready = asyncio.ensure_future(self._start_pool())

    def _merge(self, counters: dict[str, dict[str, int]]) -> None:
        if self.crawler is None or self.crawler.stats is None:
            return
        for stage, values in counters.items():
            for key, value in values.items():
                self.crawler.stats.inc_value(f"newsclean/{stage}/{key}", value)
        for key, value in self.stats.items():
            self.crawler.stats.set_value(f"newsclean/{self.name}/{key}", value)

    async def close_spider(self, spider: Any = None) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            # CPU of this (reactor) process during the crawl: fetching, parsing, parent stages, export;
            # and of its main thread alone (the rest: the pool's feeder threads, pickling items).
            stats = self.crawler.stats
            stats.set_value("newsclean/pool/parent_cpu_seconds", round(time.process_time() - self._cpu_at_open, 3))
            stats.set_value("newsclean/pool/reactor_thread_cpu_seconds",
                            round(time.thread_time() - self._thread_cpu_at_open, 3))
        if self.ready is not None:
            try:
                await asyncio.shield(self.ready)  # a pool still starting is shut down once it has
            except PoolStartError:
                pass
        if self.pool is not None:
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.set_value("newsclean/pool/worker_process_cpu_seconds",
                                             round(_processes_cpu(self.pool), 3))
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        self._thaw()

    def _thaw(self) -> None:
        """Give the collector back its frozen objects, unless another crawl of this process still runs."""
        global _crawls_frozen
        if self._froze:
            self._froze = False
            _crawls_frozen -= 1
            if _crawls_frozen == 0:
                gc.unfreeze()


def _run_inline(chain: Chain, item: dict[str, Any]):
    counters_before = {s.name: Counter(s.stats) for s in chain.stages}
    item, dropped = chain.run(item)
    counters = {s.name: dict(Counter(s.stats) - counters_before[s.name]) for s in chain.stages}
    return item, dropped, {k: v for k, v in counters.items() if v}


def _processes_cpu(pool: ProcessPoolExecutor) -> float:
    """CPU seconds the pool's live worker processes have used so far, set-up and IPC included (Linux; else 0)."""
    total = 0.0
    for pid in list(getattr(pool, "_processes", {}) or {}):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


def _pool_size(settings: BaseSettings) -> int:
    """NEWSCLEAN_WORKERS, 0 meaning one per usable core (negative: no pool)."""
    return settings.getint("NEWSCLEAN_WORKERS") or _usable_cores()


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
