"""Readers: command-line paths → a lazy stream of :class:`Task` → working items.

The parent process only walks directories and splits JSONL files into lines;
reading, decompressing and decoding happen in :func:`read_task`, which the
workers call, so the parent stays light and never holds more than one line.

Kinds: ``.html``/``.htm`` → html, ``.txt`` → text, ``.jsonl`` → one page per
line (``html`` or ``text`` field, optional ``url`` and ``hints``), each optionally
``.gz``. Inside a directory other files are skipped (counted); a file named on
the command line with another extension, and stdin (``-``), are sniffed.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Iterator

from newsclean.batch.decode import InputError, decode_bytes
from newsclean.record import new_item

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"

# Tags that make a document "HTML-looking" when its name does not say.
_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|span|table|a)[\s>/]", re.I)


@dataclass(frozen=True)
class Task:
    """One document to read: a file (read by the worker) or bytes in hand."""

    source: str
    #: "html", "text", "jsonl" (``data`` is one JSON line), or None to sniff.
    kind: str | None
    path: str | None = None
    data: bytes | None = None
    gzipped: bool = False
    #: Set when the feeder already knows the document cannot be read.
    error: str | None = None


def kind_from_name(name: str) -> tuple[str | None, bool]:
    """(kind or None when unknown, gzipped) from a file name."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    for suffixes, kind in ((HTML_SUFFIXES, "html"), (TEXT_SUFFIXES, "text"), (JSONL_SUFFIXES, "jsonl")):
        if lower.endswith(suffixes):
            return kind, gzipped
    return None, gzipped


def sniff_kind(data: bytes) -> str:
    """'html' when the start looks like markup, else 'text'."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and _TAG.search(head[:1024]):
        return "html"
    return "html" if len(_TAG.findall(head)) >= 3 else "text"


class Feeder:
    """Turns command-line paths into tasks, lazily and in a stable order."""

    def __init__(self, paths: Iterable[str], *, exclude: Iterable[str] = (), stdin: BinaryIO | None = None) -> None:
        self.paths = list(paths)
        self.exclude = {os.path.realpath(p) for p in exclude}
        self.stdin = stdin
        #: Files inside directories that are not inputs (other extensions).
        self.skipped = 0

    def __iter__(self) -> Iterator[Task]:
        for arg in self.paths:
            if arg == STDIN:
                stream = self.stdin if self.stdin is not None else sys.stdin.buffer
                yield Task(source=STDIN, kind=None, data=stream.read())
            elif os.path.isdir(arg):
                yield from self._directory(arg)
            else:
                kind, gzipped = kind_from_name(arg)
                yield from self._file(arg, kind, gzipped)

    def _directory(self, top: str) -> Iterator[Task]:
        try:
            entries = sorted(os.scandir(top), key=lambda entry: entry.name)
        except OSError as exc:
            yield Task(source=top, kind=None, error=f"read: {exc.strerror or exc}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .DS_Store) are never inputs
            path = os.path.join(top, entry.name)
            if entry.is_dir(follow_symlinks=False):
                yield from self._directory(path)
                continue
            kind, gzipped = kind_from_name(entry.name)
            if kind is None or os.path.realpath(path) in self.exclude:
                self.skipped += 1
                continue
            yield from self._file(path, kind, gzipped)

    def _file(self, path: str, kind: str | None, gzipped: bool) -> Iterator[Task]:
        if kind == "jsonl":
            yield from self._jsonl(path, gzipped)
        else:
            yield Task(source=path, kind=kind, path=path, gzipped=gzipped)

    def _jsonl(self, path: str, gzipped: bool) -> Iterator[Task]:
        """One task per non-blank line; the line is parsed by the worker."""
        number = 0
        try:
            with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.isspace():  # (strip() would copy every line: pages are ~150 kB each)
                        yield Task(source=f"{path}#L{number}", kind="jsonl", data=line)
        except (OSError, EOFError, zlib.error) as exc:
            # A file that cannot be opened, or a .gz cut short: one error record, then go on.
            where = f"{path}#L{number + 1}" if number else path
            yield Task(source=where, kind="jsonl", error=f"read: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _read_bytes(task: Task) -> bytes:
    if task.data is not None:
        data = task.data
    else:
        assert task.path is not None
        with open(task.path, "rb") as handle:
            data = handle.read()
    if task.gzipped or (task.kind is None and data.startswith(GZIP_MAGIC)):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"read: bad gzip data: {_describe(exc)}") from exc
    return data


def _from_json_line(task: Task) -> dict[str, Any]:
    try:
        obj = json.loads(task.data or b"")
    except ValueError as exc:
        raise InputError(f"read: invalid JSON line: {exc}") from exc
    if not isinstance(obj, dict):
        raise InputError("read: JSON line is not an object")
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    hints = obj.get("hints") if isinstance(obj.get("hints"), dict) else None
    for field, kind in (("html", "html"), ("text", "text")):
        value = obj.get(field)
        if isinstance(value, str):
            if not value.strip():
                raise InputError("read: empty input", kind, url)
            if kind == "html":
                return new_item(source=task.source, input_kind="html", html=value, url=url, hints=hints)
            return new_item(source=task.source, input_kind="text", raw_text=value, url=url, hints=hints)
    raise InputError("read: JSON line has no 'html' or 'text' string", None, url)


def read_task(task: Task) -> dict[str, Any]:
    """The working item for one task; a read/decode failure gives an item with ``error``."""
    kind = task.kind if task.kind in ("html", "text") else None
    url = None
    try:
        if task.error:
            raise InputError(task.error)
        if task.kind == "jsonl":
            return _from_json_line(task)
        data = _read_bytes(task)
        kind = kind or sniff_kind(data)
        text = decode_bytes(data, kind=kind).text
    except InputError as exc:
        message = exc.args[0]
        if len(exc.args) > 1:
            kind = exc.args[1] or kind
            url = exc.args[2]
        return new_item(source=task.source, input_kind=kind or "text", url=url, error=message)
    except OSError as exc:
        return new_item(source=task.source, input_kind=kind or "text", error=f"read: {_describe(exc)}")
    except UnicodeError as exc:
        return new_item(source=task.source, input_kind=kind or "text", error=f"decode: {exc}")
    if kind == "html":
        return new_item(source=task.source, input_kind="html", html=text)
    return new_item(source=task.source, input_kind="text", raw_text=text)
