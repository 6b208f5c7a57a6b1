"""`scrapy crawl` that accepts a spider argument more than once.

Stock Scrapy keeps only the last ``-a url=...``; newsclean's spiders take
several URLs, so repeated values are joined with commas (``-a url=A -a url=B``
is ``-a url=A,B``).
"""
from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

#: Spider arguments whose repeated values are joined instead of replaced.
REPEATABLE = ("url",)


def join_repeated(arglist: list[str]) -> list[str]:
    """Join repeated NAME=VALUE spider arguments (for names in REPEATABLE) at the first one's place."""
    values: dict[str, list[str]] = {}
    out: list[tuple[str, str] | str] = []
    for arg in arglist:
        name, sep, value = arg.partition("=")
        if sep and name in REPEATABLE:
            if name not in values:
                values[name] = []
                out.append((name, ""))  # placeholder, filled below
            values[name].append(value)
        else:
            out.append(arg)
    return [f"{a[0]}={','.join(values[a[0]])}" if isinstance(a, tuple) else a for a in out]


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        opts.spargs = join_repeated(opts.spargs or [])
        super().process_options(args, opts)
