"""Runs tasks through the chain: workers for the stateless stages, the parent for the rest.

The chain is split where ``ITEM_PIPELINES`` order reaches the first stage with
``runs_in_parent`` (dedup): the stages before it run in worker processes, that
stage and every later one (record) run in the parent, in input order. Splitting
by position rather than by flag keeps the batch order identical to
``build_chain()``: dedup must see the working item (``body``) before the
record stage reshapes it.

Streaming: tasks are sent in small batches with a bounded number in flight, so
memory stays flat however many documents the feeder yields.
"""
from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Iterable, Iterator, Mapping

from scrapy.settings import BaseSettings

from newsclean.batch.feeder import Task, read_task
from newsclean.chain import Chain, load_settings
from newsclean.record import new_item

Item = dict[str, Any]
LOG_FORMAT = "newsclean: %(name)s: %(levelname)s: %(message)s"
#: Input fields that stay in the workers (see _without_unread).
RAW_INPUT_FIELDS = ("html", "raw_text")
#: The removal list too, when no output shows it (see BatchRunner's keep_removed).
RAW_INPUT_AND_REMOVALS = (*RAW_INPUT_FIELDS, "removed")


def build_half(settings: BaseSettings, where: str) -> Chain:
    """The worker half or the parent half of the chain, each stage built once."""
    return Chain.from_settings(settings, where=where)


def process_task(chain: Chain, task: Task) -> Item | None:
    """Read one task and run the worker half; never raises."""
    try:
        item = read_task(task)
        return chain.process(item)
    except Exception as exc:  # a reader bug must not take down a worker
        return _failed(task, f"internal: {type(exc).__name__}: {exc}")


# --- worker process side ------------------------------------------------------
_worker_chain: Chain | None = None
_worker_setup_error: str | None = None
_worker_unread: tuple[str, ...] = RAW_INPUT_FIELDS  # what this worker drops (see _without_unread)


def _init_worker(overrides: Mapping[str, Any], log_level: int, unread: tuple[str, ...] = RAW_INPUT_FIELDS) -> None:
    """Pool initializer: build the worker half once per process (a forked worker inherited it).

    Ctrl-C is the parent's: it stops the run and shuts the pool down. A worker that took
    the signal too would print a traceback, or die and look like a crashed document.
    """
    global _worker_chain, _worker_setup_error, _worker_unread
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=log_level, format=LOG_FORMAT)
    _worker_unread = unread
    if _worker_chain is not None:
        return
    try:
        _worker_chain = build_half(load_settings(overrides), "worker")
    except Exception as exc:  # say why on every document instead of killing the pool
        _worker_setup_error = f"internal: stage setup failed: {type(exc).__name__}: {exc}"


def _run_batch(tasks: list[Task]) -> list[Item | None]:
    if _worker_chain is None:
        return [_failed(task, _worker_setup_error or "internal: worker not initialised") for task in tasks]
    return [_without_unread(process_task(_worker_chain, task), _worker_unread) for task in tasks]


def _without_unread(item: Item | None, fields: tuple[str, ...]) -> Item | None:
    """Drop what the parent will not read before sending the item back: the page itself
    (parent stages work on ``body`` and metadata; pickling every page twice halves
    throughput) and, when no output shows it, the removal list (a dump's ~140 removed
    texts are half of its item's bytes)."""
    if item is not None:
        for field in fields:
            item.pop(field, None)
    return item


def _pool_context(preload: list[str]) -> multiprocessing.context.BaseContext:
    """How workers start.

    fork, when the parent has no other thread: a worker is then a copy of the
    parent, whose worker half of the chain is already built and warmed by the
    first document (stop lists, language profiles, compiled rules), so it starts
    working at once;
    -j 2 measured 1.58x -j 1 on the HTML pages while every forkserver worker built
    its own chain. With another thread alive (a progress-bar monitor, a caller's
    threads) a fork could inherit a held lock: then forkserver, whose server
    imported the stage modules once and forks clean workers.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["newsclean.batch.runner", *preload])
        return context
    return multiprocessing.get_context("spawn")


def _submit(pool: ProcessPoolExecutor, batch: list[Task]) -> Future:
    """Submit, or a failed future when the pool already broke (collected like any other)."""
    try:
        return pool.submit(_run_batch, batch)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future


def _failed(task: Task, error: str) -> Item:
    kind = task.kind if task.kind in ("html", "text") else "text"
    return new_item(source=task.source, input_kind=kind, error=error)


def _batched(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    iterator = iter(tasks)
    while batch := list(islice(iterator, size)):
        yield batch


class BatchRunner:
    """Yields each task's record, or None for a dropped duplicate, in input order."""

    def __init__(
        self,
        overrides: Mapping[str, Any] | None = None,
        *,
        jobs: int | None = None,
        chunksize: int = 16,
        log_level: int = logging.WARNING,
        keep_removed: bool = True,
    ) -> None:
        """``keep_removed``: records keep their ``removed`` list (False: it is dropped in
        the workers, for runs whose output shows neither the list nor its tally)."""
        self.overrides = dict(overrides or {})
        self.unread = RAW_INPUT_FIELDS if keep_removed else RAW_INPUT_AND_REMOVALS
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.chunksize = max(1, chunksize)
        self.log_level = log_level
        #: Batches in flight: enough to keep every worker busy, bounded for memory.
        self.window = 2 * self.jobs + 1
        #: Runs this small are done in-process: starting workers would cost more.
        self.small_run = 2 * self.chunksize
        settings = load_settings(self.overrides)
        self.parent = build_half(settings, "parent")
        # Built here too, so a broken setting fails now (a usage error), not once
        # per document in the workers; the serial path runs on it.
        self.local = build_half(settings, "worker")
        self.preload = sorted({type(stage).__module__ for stage in self.local.stages})
        self.frozen = False

    def close(self) -> None:
        """The run's output is written: end it in the parent's stages (the crawl state's claims)."""
        self.parent.close()

    @property
    def duplicates(self) -> int:
        return self.parent.dropped

    def run(self, tasks: Iterable[Task]) -> Iterator[Item | None]:
        iterator = iter(tasks)
        head = list(islice(iterator, self.small_run)) if self.jobs > 1 else []
        if self.jobs == 1 or len(head) < self.small_run:
            worked = self._serial(itertools.chain(head, iterator))
        else:
            worked = self._parallel(itertools.chain(head, iterator))
        for item in worked:
            yield None if item is None else self.parent.process(item)

    def _serial(self, tasks: Iterable[Task]) -> Iterator[Item | None]:
        # The stages' models, profiles and indexes live as long as the run: keep them out
        # of the cyclic collector's full scans (as the workers of a parallel run are).
        gc.freeze()
        for task in tasks:
            yield _without_unread(process_task(self.local, task), self.unread)

    def _parallel(self, tasks: Iterable[Task]) -> Iterator[Item | None]:
        iterator = iter(tasks)
        # The first document runs here, before any worker is forked: what its kind needs
        # (rules, stop lists, profiles, the dump model, trafilatura's lazy set-up) loads
        # once and every forked worker inherits it. A warm-up that is real work, and
        # only for the kinds this input has (a synthetic page and dump of both kinds
        # cost ~0.3 s before the first fork).
        first = next(iterator, None)
        if first is None:
            return
        yield _without_unread(process_task(self.local, first), self.unread)
        pool = self._new_pool()
        pending: deque[tuple[list[Task], Future]] = deque()
        try:
            for batch in _batched(iterator, self.chunksize):
                pending.append((batch, _submit(pool, batch)))
                while len(pending) >= self.window:
                    items, pool = self._collect(pending, pool)
                    yield from items
            while pending:
                items, pool = self._collect(pending, pool)
                yield from items
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _collect(self, pending: deque, pool: ProcessPoolExecutor) -> tuple[list[Item | None], ProcessPoolExecutor]:
        """The oldest batch's items; if a worker died (segfault, OOM), find the culprit."""
        batch, future = pending.popleft()
        try:
            return future.result(), pool
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = self._new_pool()
            items = [self._isolated(task) for task in batch]
            # Batches still in flight died with the old pool: send them again (not those it finished).
            for index, (other, done) in enumerate(pending):
                if not (done.done() and not done.cancelled() and done.exception() is None):
                    pending[index] = (other, _submit(pool, other))
            return items, pool
        except Exception as exc:  # e.g. a result that cannot be pickled: fail this batch only
            return [_failed(task, f"internal: {type(exc).__name__}: {exc}") for task in batch], pool

    def _isolated(self, task: Task) -> Item | None:
        """Run one task in a pool of its own, so a crash only fails this document."""
        with self._new_pool(workers=1) as pool:
            try:
                return pool.submit(_run_batch, [task]).result()[0]
            except BrokenProcessPool:
                return _failed(task, "internal: worker process died on this document")

    def _new_pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        global _worker_chain
        context = _pool_context(self.preload)
        if context.get_start_method() == "fork":
            if not self.frozen:
                # Stage data lives as long as the run: keep it out of the cyclic
                # collector's scans in the workers (as the crawl pool does).
                gc.collect()
                gc.freeze()
                self.frozen = True
            _worker_chain = self.local  # what each forked worker inherits
            # A forked worker flushes inherited stdio buffers when it exits: empty them first.
            sys.stdout.flush()
            sys.stderr.flush()
        return ProcessPoolExecutor(
            max_workers=workers or self.jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.overrides, self.log_level, self.unread),
        )
