"""Crawl state: which article URLs were exported, and with which content.

An embedded SQLite file (default ``.newsclean/state.sqlite`` for crawls) lets a
re-crawl export only new or changed articles. Several crawls may share one file
at the same time: WAL mode lets readers and one writer work together, the busy
timeout makes a second writer wait instead of failing, and each decision
("is this new? then remember it") is one ``BEGIN IMMEDIATE`` transaction, so
two processes cannot both claim the same URL/content half-way.

A claim is pending until its run's output is written (:meth:`CrawlState.confirm`,
called once the feeds are closed): a crawl killed before that (SIGKILL, out of
memory, power loss) would otherwise have its last articles remembered as exported
while they sat in an unflushed file buffer, and every later crawl would skip them.
A pending claim counts only while its run is alive, which each run shows by holding
an exclusive ``flock`` on a file of its own in ``<state file>.runs/``: the kernel
drops the lock when the process dies, however it dies. So a crawl running at the
same time still finds the article taken (each article exported once), and the crawl
after a crash exports it again (at least once, never lost).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

try:
    import fcntl
except ImportError:  # not POSIX: no run locks (see CrawlState._run_alive)
    fcntl = None  # type: ignore[assignment]

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url          TEXT PRIMARY KEY,   -- final URL after redirects, or the canonical URL
    content_hash TEXT NOT NULL,
    record_id    TEXT,
    first_seen   REAL NOT NULL,
    last_seen    REAL NOT NULL,
    run_id       TEXT,               -- the run that last claimed the row
    pending      INTEGER NOT NULL DEFAULT 0  -- 1 until that run's output is written
);
CREATE INDEX IF NOT EXISTS pages_by_hash ON pages (content_hash);
"""
#: Columns added since the first schema (files written before get them on open).
ADDED_COLUMNS = {"run_id": "TEXT", "pending": "INTEGER NOT NULL DEFAULT 0"}
PENDING_INDEX = "CREATE INDEX IF NOT EXISTS pages_pending ON pages (run_id) WHERE pending = 1"


def normalize_url(url: str) -> str:
    """The key a URL is remembered under: no fragment, lower-case scheme and host."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def content_hash(title: str | None, body: str | None) -> str:
    """Hash of what a reader sees (title + whitespace-normalised text), not of the HTML:
    ads and timestamps around an article change on every fetch."""
    text = " ".join((title or "").split()) + "\n" + " ".join((body or "").split())
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What the state says about a document: 'new', 'changed', 'unchanged' or 'duplicate'."""

    status: str
    other_url: str | None = None

    @property
    def export(self) -> bool:
        return self.status in ("new", "changed")


class CrawlState:
    """The SQLite state file. One connection per process; safe across processes.

    One object is one run: its claims stay pending until :meth:`confirm`.
    """

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.run_id = uuid.uuid4().hex
        self.runs_dir = self.path.with_name(self.path.name + ".runs")
        self._run_lock = self._hold_run_lock()
        self._alive: dict[str, bool] = {}
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (explicit transactions).
        self.conn = sqlite3.connect(str(self.path), timeout=busy_timeout_s, isolation_level=None)
        self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
        self._transaction(self._create_schema)

    def _create_schema(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        have = {row[1] for row in self.conn.execute("PRAGMA table_info(pages)")}
        for column, kind in ADDED_COLUMNS.items():
            if column not in have:
                self.conn.execute(f"ALTER TABLE pages ADD COLUMN {column} {kind}")
        self.conn.execute(PENDING_INDEX)

    # --- runs --------------------------------------------------------------------------
    def _hold_run_lock(self) -> int | None:
        """Lock this run's file for the life of the process (None where flock does not exist)."""
        if fcntl is None:
            return None
        self.runs_dir.mkdir(exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".new-", dir=self.runs_dir)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # renamed into place already locked: no other run ever sees it unlocked while this one lives
            os.replace(temp, self.runs_dir / self.run_id)
        except OSError:  # a file system without locks: other runs keep this run's claims (see _lock_held)
            os.close(fd)
            with suppress(OSError):
                os.unlink(temp)
            return None
        self._sweep_dead_runs()
        return fd

    def _sweep_dead_runs(self) -> None:
        """Remove the lock files that crashed runs left (their pending claims count for nothing either way)."""
        for entry in os.scandir(self.runs_dir):
            if not entry.name.startswith(".") and entry.name != self.run_id and not self._lock_held(entry.name):
                with suppress(OSError):
                    os.unlink(entry.path)

    def _run_alive(self, run_id: str | None) -> bool:
        """Whether the run that made a pending claim still holds its lock (decided once per run)."""
        if run_id == self.run_id:
            return True
        if not run_id:
            return False
        if run_id not in self._alive:
            self._alive[run_id] = self._lock_held(run_id)
        return self._alive[run_id]

    def _lock_held(self, run_id: str) -> bool:
        if fcntl is None:  # cannot tell: keep the other run's claim, as before claims were pending
            return True
        try:
            fd = os.open(self.runs_dir / run_id, os.O_RDONLY)
        except FileNotFoundError:  # closed without confirming, or its file was swept
            return False
        except OSError:  # another user's file, say: cannot tell, so keep the claim
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: held; anything else: cannot tell, so keep the claim
            return True
        finally:
            os.close(fd)
        return False

    def _counts(self, pending: int, run_id: str | None) -> bool:
        """A row stands for an exported article: confirmed, or claimed by a run still going."""
        return not pending or self._run_alive(run_id)

    def _transaction(self, work):
        self.conn.execute("BEGIN IMMEDIATE")  # take the write lock now: no lost updates
        try:
            result = work()
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return result

    def check_and_remember(
        self,
        urls: Iterable[str],
        digest: str,
        *,
        record_id: str | None = None,
        dedup_content: bool = True,
    ) -> Verdict:
        """Decide whether a document is new, changed, unchanged or a copy, and remember it.

        ``urls``: every URL the document is known under (final URL, canonical URL).
        Unchanged and duplicate documents are not written (their state is already there).
        """
        keys = sorted({normalize_url(u) for u in urls if u})
        if not keys:
            return Verdict("new")

        def work() -> Verdict:
            marks = ",".join("?" * len(keys))
            rows = [(url, h) for url, h, pending, run in self.conn.execute(
                f"SELECT url, content_hash, pending, run_id FROM pages WHERE url IN ({marks})", keys
            ) if self._counts(pending, run)]
            if rows and all(h == digest for _, h in rows):
                self.conn.execute(
                    f"UPDATE pages SET last_seen = ? WHERE url IN ({marks})", [time.time(), *keys]
                )
                return Verdict("unchanged")
            if not rows and dedup_content:
                for url, pending, run in self.conn.execute(
                    "SELECT url, pending, run_id FROM pages WHERE content_hash = ?", (digest,)
                ):
                    if self._counts(pending, run):
                        return Verdict("duplicate", url)
            now = time.time()
            self.conn.executemany(
                "INSERT INTO pages (url, content_hash, record_id, first_seen, last_seen, run_id, pending)"
                " VALUES (?, ?, ?, ?, ?, ?, 1)"
                " ON CONFLICT(url) DO UPDATE SET content_hash = excluded.content_hash,"
                " record_id = excluded.record_id, last_seen = excluded.last_seen,"
                " run_id = excluded.run_id, pending = 1",
                [(key, digest, record_id, now, now, self.run_id) for key in keys],
            )
            return Verdict("changed" if rows else "new")

        return self._transaction(work)

    def confirm(self) -> int:
        """This run's claims are exported: make them permanent. Call once its output is written;
        returns how many URLs were confirmed."""
        cursor = self._transaction(lambda: self.conn.execute(
            "UPDATE pages SET pending = 0 WHERE run_id = ? AND pending = 1", (self.run_id,)))
        return cursor.rowcount

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        """Close the file and end the run: claims it did not confirm now count for nothing."""
        self.conn.close()
        if self._run_lock is not None:
            # unlinked before unlocked: no run ever finds this file unlocked while it exists
            with suppress(OSError):
                os.unlink(self.runs_dir / self.run_id)
            os.close(self._run_lock)
            self._run_lock = None
