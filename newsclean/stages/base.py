"""The stage contract shared by the Scrapy engine and the batch feeder.

A stage is a Scrapy item pipeline: ``from_crawler`` builds it from settings and
``process_item(item)`` returns the item. The batch feeder builds the very same
classes with :meth:`Stage.from_settings` and calls ``process_item`` itself, so no
stage has a second copy.

A failure inside a stage never escapes: the item gets ``error`` set
("<stage>: <what went wrong>") and later stages leave it alone, except those
with ``runs_on_error`` (the record stage, which must still shape the record).
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, MutableMapping

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: What a stage reads and writes: the item itself when it is a plain dict (what every
#: entry point builds), else an ItemAdapter over it (a Scrapy Item, a dataclass...).
Fields = MutableMapping[str, Any]


class Stage:
    """One step of the chain. Subclasses implement :meth:`process`."""

    #: Short name used in error messages and stats keys.
    name: str = "stage"
    #: Runs even when an earlier stage set ``error``.
    runs_on_error: bool = False
    #: Must see every document in input order in one process (state, dedup):
    #: the batch runner keeps such stages in the parent, workers run the rest.
    runs_in_parent: bool = False

    def __init__(self, settings: BaseSettings) -> None:
        self.settings = settings
        self.stats: Counter[str] = Counter()
        self.crawler: Crawler | None = None

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> "Stage":
        return cls(settings)

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "Stage":
        stage = cls.from_settings(crawler.settings)
        stage.crawler = crawler
        return stage

    def process_item(self, item: Any, spider: Any = None) -> Any:
        # A dict is its own adapter: ItemAdapter's per-access indirection costs every
        # stage a few microseconds per field, on every document.
        adapter = item if type(item) is dict else ItemAdapter(item)
        if adapter.get("error") and not self.runs_on_error:
            return item
        try:
            self.process(adapter)
        except DropItem:
            raise
        except Exception as exc:  # one bad document must not stop a batch or a crawl
            adapter["error"] = f"{self.name}: {type(exc).__name__}: {exc}"
            self.stats["errors"] += 1
        self._publish_stats()
        return item

    def process(self, item: Fields) -> None:
        raise NotImplementedError

    def _publish_stats(self) -> None:
        """Mirror this stage's counters into Scrapy's stats when under the engine."""
        if self.crawler is not None and self.crawler.stats is not None and self.stats:
            for key, value in self.stats.items():
                self.crawler.stats.set_value(f"newsclean/{self.name}/{key}", value)
