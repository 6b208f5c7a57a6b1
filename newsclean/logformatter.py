"""Scrapy's log lines for crawls, with a dropped article named rather than printed whole."""
from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    """Scrapy's ``LogFormatter``, except that a dropped item is named by its URL.

    Scrapy logs a dropped item in full under the reason. A newsclean item holds the
    article's whole text, so every duplicate a crawl drops at INFO ("same text as …")
    would put an article into the log. The line keeps the reason and the level the stage
    chose, and says which page: ``Dropped <this URL>: same text as <first URL>``.
    """

    def dropped(self, item: Any, exception: BaseException, *args: Any, **kwargs: Any) -> logformatter.LogFormatterResult:
        result = super().dropped(item, exception, *args, **kwargs)
        where = _where(item)
        if where and where not in str(exception):
            result["msg"], result["args"] = "Dropped %(where)s: %(exception)s", {"exception": exception, "where": where}
        else:
            result["msg"], result["args"] = "Dropped: %(exception)s", {"exception": exception}
        return result


def _where(item: Any) -> str | None:
    """The item's URL, else its source; None for an item type itemadapter does not know."""
    if not ItemAdapter.is_item(item):
        return None
    adapter = ItemAdapter(item)
    return adapter.get("url") or adapter.get("source") or None
