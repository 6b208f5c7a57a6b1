"""The command line: ``newsclean clean PATH... -o OUT``.

Every input document gives one record, in input order, unless dedup drops it
as a copy of an earlier one. A document that cannot be read still gives a
record, with empty ``text`` and ``error`` set: "read: empty input" (an empty or
whitespace-only file), "read: binary content" (an image, archive or PDF under
a text name), "read: invalid JSON line: ..." (JSONL), "read: <OS error>", or the
failing stage's message.

Exit status: 0 when every document was cleaned, 1 when some records carry an
``error`` (they are still written), 2 for usage errors (bad option, missing
input path, unwritable output).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from contextlib import contextmanager
from typing import IO, Any, Iterator, NoReturn, Sequence

from newsclean.export import EXPORTERS, format_for_path, make_exporter

EXIT_OK, EXIT_DOCUMENT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean", description="Clean article records (text, title, language, date) from news pages and text dumps."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    clean = commands.add_parser(
        "clean",
        help="clean files, folders, .jsonl or stdin into article records",
        description="Clean news pages (.html/.htm, .txt, .jsonl, each optionally .gz; folders recursively; "
        "'-' for stdin) into article records.",
    )
    clean.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, or '-' for stdin")
    clean.add_argument("-o", "--output", default="-", metavar="OUT", help="output file, '-' for stdout (default)")
    clean.add_argument("-f", "--format", choices=sorted(EXPORTERS), help="output format (default: from OUT's extension, else jsonl)")
    clean.add_argument("-j", "--jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
                       help="worker processes (default: all cores)")
    clean.add_argument("--explain", action="store_true", help="write each record's `removed` list (what was cut, by which rule)")
    clean.add_argument("--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                       help="override a setting, like scrapy -s (repeatable)")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    return parser


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


@contextmanager
def open_output(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if os.path.isdir(path):
        raise UsageError(f"output {path!r} is a directory")
    folder = os.path.dirname(path)
    try:
        if folder:
            os.makedirs(folder, exist_ok=True)
        handle = open(path, "wb")
    except OSError as exc:
        raise UsageError(f"cannot write {path!r}: {exc.strerror or exc}") from exc
    with handle:
        yield handle


class _NoProgress:
    """What run_clean needs of a tqdm bar, for runs that show none (tqdm's import is ~20 ms)."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(show: bool) -> Any:
    """A tqdm bar on stderr when ``show``, else a stand-in that does nothing."""
    if not show:
        return _NoProgress()
    from tqdm import tqdm

    # No tqdm monitor thread: with only one thread the batch runner can fork its
    # workers from this process (see batch/runner.py); the bar still updates.
    tqdm.monitor_interval = 0
    return tqdm(unit="doc", file=sys.stderr, desc="newsclean")


def run_clean(args: argparse.Namespace) -> int:
    # Imported here so `newsclean --help` stays fast.
    from newsclean.batch.feeder import STDIN, Feeder
    from newsclean.batch.runner import LOG_FORMAT, BatchRunner
    from newsclean.batch.summary import Summary
    from newsclean.chain import load_settings

    overrides = parse_overrides(args.settings)
    missing = [p for p in args.paths if p != STDIN and not os.path.exists(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    if args.paths.count(STDIN) > 1:
        raise UsageError("'-' (stdin) can be given only once")
    if args.output != "-" and any(
        p != STDIN and os.path.realpath(p) == os.path.realpath(args.output) for p in args.paths
    ):
        raise UsageError(f"output {args.output!r} is also an input; inputs are never written to")
    settings = load_settings(overrides)
    explain = args.explain or settings.getbool("NEWSCLEAN_EXPLAIN")
    fmt = args.format or format_for_path(args.output)

    # Library chatter about one bad page is noise next to the record's `error`.
    log_level = logging.CRITICAL if args.quiet else logging.ERROR
    logging.basicConfig(level=log_level, format=LOG_FORMAT)
    started = time.monotonic()
    feeder = Feeder(args.paths, exclude=[args.output] if args.output != "-" else [])
    try:
        # neither --explain nor the summary's tally by rule (-q): records need no removal list
        runner = BatchRunner(overrides, jobs=args.jobs, log_level=log_level, keep_removed=explain or not args.quiet)
    except Exception as exc:  # a --set that names a missing stage class, a broken setting
        raise UsageError(f"cannot build the stage chain: {type(exc).__name__}: {exc}") from exc
    summary = Summary(count_removed=not args.quiet)
    progress = progress_bar(show=not args.quiet and sys.stderr.isatty())
    with open_output(args.output) as out:
        exporter = make_exporter(fmt, out, explain=explain)
        exporter.start_exporting()
        for record in runner.run(feeder):
            summary.add(record)
            if record is not None:
                exporter.export_item(record)
            progress.update()
        exporter.finish_exporting()
    runner.close()  # after the output is closed: only then are its articles exported
    progress.close()
    summary.skipped_files = feeder.skipped
    summary.seconds = time.monotonic() - started
    if not args.quiet:
        print(summary.format("stdout" if args.output == "-" else args.output), file=sys.stderr)
    return EXIT_DOCUMENT_ERRORS if summary.errors else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on usage errors
    try:
        if args.command == "clean":
            return run_clean(args)
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"newsclean: error: {exc}\n")
    except BrokenPipeError:
        # `newsclean clean ... | head`: the reader left; stop quietly.
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``newsclean`` command and ``python -m newsclean``: main(), then exit at once.

    By the time main() returns the output is closed and the workers have exited;
    what is left is the interpreter freeing every object of the run (modules, stop-word
    index, language profiles, rule caches): ~0.1 s of a one-second run. os._exit skips
    that, as mypy's hard_exit does, once stdio and logging are flushed.
    """
    code = main(argv)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `newsclean clean ... | head`: the reader left
        _silence_stdout()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
