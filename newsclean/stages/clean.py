"""clean: remove boilerplate from the body with the rule packs and structural detectors."""
from __future__ import annotations

from operator import itemgetter

from newsclean.boilerplate.engine import Cleaner
from newsclean.stages.base import Fields, Stage

RULE_AND_TEXT = itemgetter("rule", "text")


class CleanStage(Stage):
    name = "clean"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.cleaner = Cleaner.from_settings(settings)

    def process(self, item: Fields) -> None:
        result = self.cleaner.clean(item.get("body") or "", input_kind=item["input_kind"])
        item["body"] = result.text
        item["removed"] = [*(item.get("removed") or ()), *result.removed]
        # summed per rule first: a dump loses ~140 texts to a handful of rules
        chars: dict[str, int] = {}
        for rule, text in map(RULE_AND_TEXT, result.removed):
            chars[rule] = chars.get(rule, 0) + len(text)
        for rule, count in chars.items():
            self.stats[f"chars_removed/{rule}"] += count
