"""Build the stage chain once, from ``ITEM_PIPELINES``, for every entry point.

Scrapy runs ``ITEM_PIPELINES`` itself; the batch feeder and the Python API call
:func:`build_chain`, which reads the same setting, keeps the classes that are
stages (other pipelines are engine-only) and orders them by priority.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from newsclean.record import new_item
from newsclean.stages.base import Stage


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """newsclean's Scrapy settings module, with ``overrides`` applied on top."""
    settings = Settings()
    settings.setmodule("newsclean.settings", priority="project")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


def stage_classes(settings: BaseSettings) -> list[type[Stage]]:
    """The stage classes of ``ITEM_PIPELINES``, in priority order.

    A pipeline that wraps the chain (for example one that offloads it to a
    process pool during a crawl) says which stages it runs through a
    ``stage_classes(settings)`` class method; those are taken in its place.
    """
    classes: list[type[Stage]] = []
    for path in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
        cls = load_object(path)
        if isinstance(cls, type) and issubclass(cls, Stage):
            classes.append(cls)
        elif hasattr(cls, "stage_classes"):
            classes.extend(cls.stage_classes(settings))
    return classes


def split_stage_classes(settings: BaseSettings) -> tuple[list[type[Stage]], list[type[Stage]]]:
    """(worker stages, parent stages): cut before the first ``runs_in_parent`` stage.

    Order is kept: everything from the first stateful stage (dedup) on runs in the
    parent, so e.g. the record stage never runs before dedup.
    """
    classes = stage_classes(settings)
    for index, cls in enumerate(classes):
        if cls.runs_in_parent:
            return classes[:index], classes[index:]
    return classes, []


class Chain:
    """Runs items through stages outside the Scrapy engine."""

    def __init__(self, stages: Iterable[Stage]) -> None:
        self.stages: list[Stage] = list(stages)
        self.dropped: int = 0

    @classmethod
    def from_settings(cls, settings: BaseSettings, *, where: str = "all") -> "Chain":
        """``where``: 'all', 'worker' (the stages before the first stateful one) or 'parent' (the rest)."""
        if where == "all":
            classes = stage_classes(settings)
        else:
            worker, parent = split_stage_classes(settings)
            classes = worker if where == "worker" else parent
        return cls(stage_cls.from_settings(settings) for stage_cls in classes)

    def run(self, item: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        """(item after every stage, None) or (None, why a stage dropped it)."""
        for stage in self.stages:
            try:
                item = stage.process_item(item)
            except DropItem as exc:
                self.dropped += 1
                return None, str(exc) or "dropped"
        return item, None

    def process(self, item: dict[str, Any]) -> dict[str, Any] | None:
        """The item after every stage, or None when a stage dropped it (a duplicate)."""
        return self.run(item)[0]

    def close(self) -> None:
        """End the run, as Scrapy's ``close_spider`` does: call it once the output is written
        (the dedup stage then confirms its state claims, see newsclean/state.py)."""
        self._call_on_stages("close_spider")

    def abandon(self) -> None:
        """End the run without confirming anything, when its output could not be written:
        its state claims lapse now, and a later run exports those articles again."""
        self._call_on_stages("abandon_run")

    def _call_on_stages(self, method: str) -> None:
        """Call ``method`` on every stage that has it, in chain order."""
        for stage in self.stages:
            call = getattr(stage, method, None)
            if call is not None:
                call()

    def __enter__(self) -> "Chain":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        """A ``with`` block ends the run: :meth:`close` if it finished, :meth:`abandon` if it raised."""
        if exc_type is None:
            self.close()
        else:
            self.abandon()

    def stats(self) -> dict[str, dict[str, int]]:
        return {stage.name: dict(stage.stats) for stage in self.stages if stage.stats}

    def warm_up(self, kinds: Iterable[str] = ("html", "text")) -> None:
        """Run a small HTML page and/or a small text dump through the stages, then forget them.

        Stop lists, language profiles, compiled rules and date patterns load on
        first use; a process that forks workers warms them once so that every
        worker inherits them instead of loading them again on its first document.
        ``kinds``: the input kinds the workers will see (a crawl sees only HTML: the
        dump's block model would be loaded for nothing).
        """
        samples = {
            "html": new_item(source="warm-up.html", input_kind="html", html=WARM_UP_PAGE, url="http://localhost/warm-up"),
            "text": new_item(source="warm-up.txt", input_kind="text", raw_text=WARM_UP_TEXT),
        }
        for kind in kinds:
            self.run(samples[kind])
        self.dropped = 0
        for stage in self.stages:
            stage.stats.clear()


WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title><meta name='date' content='2024-01-02'></head><body><article>"
    "<h1>Warm-up</h1><p>This short page loads everything the stages need before the first real"
    " article arrives, so that no article pays for it.</p><p>To drugi akapit, po polsku, żeby"
    " wykrywanie języka też się rozgrzało.</p></article></body></html>"
)
WARM_UP_TEXT = (
    "Menu\nWarm-up\n12 stycznia 2024\nTo krótki tekst, który ładuje listy słów i reguły, zanim przyjdzie"
    " pierwszy prawdziwy dokument. Drugie zdanie jest tu po to, żeby akapit wyglądał jak akapit.\n"
    "Czytaj też: Inny tekst\nReklama\n"
)


def build_chain(overrides: Mapping[str, Any] | None = None, *, where: str = "all") -> Chain:
    return Chain.from_settings(load_settings(overrides), where=where)
