"""`scrapy crawl` that accepts a spider argument more than once.

Stock Scrapy keeps only the last ``-a url=...``; newsclean's spiders take
several URLs, so repeated values are joined with commas (``-a url=A -a url=B``
is ``-a url=A,B``). It exits with 1 when the crawl pool could not start, and
starts the pool before Scrapy sets itself up (:func:`newsclean.pipelines.prestart_pool`).
"""
from __future__ import annotations

import argparse

from scrapy import signals
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import Settings

from newsclean.pipelines import POOL_FAILED_REASON, discard_early_pool, prestart_pool

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

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        # The crawl pool's workers start set up before Scrapy builds the crawler (see prestart_pool).
        prestart_pool(self._crawl_settings(args))
        try:
            super().run(args, opts)
        finally:
            discard_early_pool()

    def _crawl_settings(self, args: list[str]) -> Settings:
        """The settings the crawler will hold: the command's, then the spider's ``update_settings``."""
        assert self.settings is not None and self.crawler_process is not None
        settings = self.settings.copy()
        try:
            self.crawler_process.spider_loader.load(args[0]).update_settings(settings)
        except Exception:  # no such spider, no argument: Scrapy says so in a moment
            return self.settings.copy()
        return settings

    def _create_crawler(self, spidercls):  # type: ignore[no-untyped-def]
        crawler = super()._create_crawler(spidercls)
        crawler.signals.connect(self._exit_1_if_failed, signal=signals.spider_closed)
        return crawler

    def _exit_1_if_failed(self, spider, reason: str) -> None:  # type: ignore[no-untyped-def]
        # The crawl pool could not start: nothing was cleaned, so the command fails.
        if reason == POOL_FAILED_REASON:
            self.exitcode = 1
