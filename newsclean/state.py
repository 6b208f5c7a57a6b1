"""Crawl state: which article URLs were exported, and with which content.

An embedded SQLite file (default ``.newsclean/state.sqlite`` for crawls) lets a
re-crawl export only new or changed articles. Several crawls may share one file
at the same time: WAL mode lets readers and one writer work together, the busy
timeout makes a second writer wait instead of failing, and each decision
("is this new? then remember it") is one ``BEGIN IMMEDIATE`` transaction, so
two processes cannot both claim the same URL/content half-way.
"""
from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url          TEXT PRIMARY KEY,   -- final URL after redirects, or the canonical URL
    content_hash TEXT NOT NULL,
    record_id    TEXT,
    first_seen   REAL NOT NULL,
    last_seen    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_by_hash ON pages (content_hash);
"""


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
    """The SQLite state file. One connection per process; safe across processes."""

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (explicit transactions).
        self.conn = sqlite3.connect(str(self.path), timeout=busy_timeout_s, isolation_level=None)
        self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")  # durable enough with WAL, much faster
        self._transaction(lambda: [self.conn.execute(s) for s in SCHEMA.split(";") if s.strip()])

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
            rows = self.conn.execute(
                f"SELECT url, content_hash FROM pages WHERE url IN ({marks})", keys
            ).fetchall()
            if rows and all(h == digest for _, h in rows):
                self.conn.execute(
                    f"UPDATE pages SET last_seen = ? WHERE url IN ({marks})", [time.time(), *keys]
                )
                return Verdict("unchanged")
            if not rows and dedup_content:
                same = self.conn.execute(
                    "SELECT url FROM pages WHERE content_hash = ? LIMIT 1", (digest,)
                ).fetchone()
                if same:
                    return Verdict("duplicate", same[0])
            now = time.time()
            self.conn.executemany(
                "INSERT INTO pages (url, content_hash, record_id, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET content_hash = excluded.content_hash,"
                " record_id = excluded.record_id, last_seen = excluded.last_seen",
                [(key, digest, record_id, now, now) for key in keys],
            )
            return Verdict("changed" if rows else "new")

        return self._transaction(work)

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        self.conn.close()
