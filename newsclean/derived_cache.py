"""Data derived from installed packages' files (stop-word index, langdetect profiles), cached on disk.

Building those in memory costs ~0.4 s of CPU in every process (a batch run, each crawl
worker, each test run); reading the built objects back with marshal costs ~0.1 s.

- Key: what the data was derived from: each source file's name and content (the package's
  data files and the deriving module's own source), plus the Python version (marshal's
  format). A changed source gives another key, so stale data is never read: the file is
  rebuilt and replaced. Installs with the same sources share the file; two installs that
  differ, used by turns, rebuild it by turns (correct, only slower: give each its own
  NEWSCLEAN_CACHE_DIR).
- Location: $NEWSCLEAN_CACHE_DIR, else $XDG_CACHE_HOME/newsclean, else ~/.cache/newsclean;
  one file per kind of data, ``<name>.marshal`` (~22 MB in all).
- Written atomically (a temp file in the same directory, then os.replace), so a process
  starting meanwhile reads the old file or the new one, never half of one. A length and
  a CRC-32 in the header catch a truncated or damaged file.
- Any failure (no home, a read-only directory, a missing, stale, truncated or corrupt file)
  falls back to building in memory: the cache is only ever a shortcut.
"""
from __future__ import annotations

import gc
import hashlib
import marshal
import os
import struct
import sys
import zlib
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

ENV_VAR = "NEWSCLEAN_CACHE_DIR"
_MAGIC = b"newsclean-derived-1\n"
_SIZES = struct.Struct("<QI")  # payload length, CRC-32 of the payload


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while building or loading a large index.

    ~150k new containers at once would make the collector walk every long-lived object
    (langdetect's profiles) over and over: 0.5 s instead of 0.1 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def shared_tuples(mapping: Mapping[K, Iterable[V]]) -> dict[K, tuple[V, ...]]:
    """``mapping`` with tuple values, equal ones made one object (read-only data).

    Less memory; marshal writes a shared object once and then refers to it, so such an
    index loads two to three times faster; and the collector stops tracking tuples of
    strings or floats, where lists would be walked at each full collection and at exit.
    """
    pool: dict[tuple[V, ...], tuple[V, ...]] = {}
    shared: dict[K, tuple[V, ...]] = {}
    for key, value in mapping.items():
        values = tuple(value)
        shared[key] = pool.setdefault(values, values)
    return shared


def cache_dir() -> Path:
    """Where derived data is kept: $NEWSCLEAN_CACHE_DIR, else the XDG user cache dir."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "newsclean"


def files_in(directory: str | os.PathLike[str], suffix: str = "") -> list[Path]:
    """The files of ``directory`` (ending in ``suffix``), in os.listdir order (loaders read them so)."""
    return [Path(entry.path) for entry in os.scandir(directory) if entry.name.endswith(suffix) and entry.is_file()]


def source_key(sources: Iterable[str | os.PathLike[str]]) -> bytes:
    """A digest of the sources' names and contents, and of the Python version. Raises OSError.

    Contents, not paths or mtimes: two installs of the same versions (a clone, CI's clone)
    share one file, and a reinstall that rewrites the same bytes keeps it valid (~5 ms).
    """
    digest = hashlib.sha256(repr((sys.version_info[:2], marshal.version)).encode())
    for source in sources:
        with open(source, "rb") as file:
            content = file.read()
        digest.update(f"{os.path.basename(source)}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.digest()


class CacheFile:
    """One marshal file of derived data, valid for one source key."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.header = _MAGIC + key

    def read(self) -> object | None:
        """The stored data, or None when the file is missing, for another key, truncated or damaged."""
        try:
            with open(self.path, "rb") as file:
                blob = file.read()
        except OSError:
            return None
        start = len(self.header) + _SIZES.size
        if len(blob) < start or not blob.startswith(self.header):
            return None
        length, crc = _SIZES.unpack_from(blob, len(self.header))
        payload = memoryview(blob)[start:]
        if len(payload) != length or zlib.crc32(payload) != crc:
            return None
        try:
            with gc_paused():
                return marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None

    def write(self, data: object) -> bool:
        """Store ``data`` atomically; False (and nothing left behind) when that is not possible."""
        import tempfile

        try:  # the directory first: where it cannot be written, don't spend time marshalling
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb") as file:
                payload = marshal.dumps(data)
                file.write(self.header)
                file.write(_SIZES.pack(len(payload), zlib.crc32(payload)))
                file.write(payload)
            os.replace(temp, self.path)
        except (OSError, ValueError):  # ValueError: not marshal-able data
            with suppress(OSError):
                os.unlink(temp)
            return False
        return True


def cached(
    name: str,
    sources: Callable[[], Iterable[str | os.PathLike[str]]],
    build: Callable[[], T],
    directory: Path | None = None,
) -> T:
    """``build()``'s result, read from ``<directory>/<name>.marshal`` when its sources are unchanged.

    ``build`` must return plain marshal-able data (dict, list, tuple, str, float, ...).
    """
    try:
        file = CacheFile((directory or cache_dir()) / f"{name}.marshal", source_key(sources()))
    except (OSError, RuntimeError):  # a source gone, or no home directory: no cache
        return build()
    data = file.read()
    if data is None:
        data = build()
        file.write(data)
    return data  # type: ignore[return-value]  # what build() returned for this very key
