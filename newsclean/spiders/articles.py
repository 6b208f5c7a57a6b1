"""`scrapy crawl articles -a url=URL[,URL...] | -a urls_file=PATH`: fetch exactly those pages."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import scrapy

from newsclean.spiders.base import NewsSpider


class ArticlesSpider(NewsSpider):
    name = "articles"

    def __init__(self, urls_file: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if urls_file:
            lines = Path(urls_file).read_text(encoding="utf-8").splitlines()
            # One URL a line; blank lines and # comments are skipped.
            self.urls += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        if not self.urls:
            raise ValueError("articles: give -a url=URL[,URL...] or -a urls_file=PATH")

    def start_requests_for(self, urls: list[str]) -> Iterable[scrapy.Request]:
        for url in urls:
            yield self.article_request(url)
