"""clean: remove boilerplate from the body with the rule packs and structural detectors."""
from __future__ import annotations


from newsclean.boilerplate.engine import Cleaner
from newsclean.stages.base import Fields, Stage


class CleanStage(Stage):
    name = "clean"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.cleaner = Cleaner.from_settings(settings)

    def process(self, item: Fields) -> None:
        result = self.cleaner.clean(item.get("body") or "", input_kind=item["input_kind"])
        item["body"] = result.text
        item["removed"] = list(item.get("removed") or []) + result.removed
        for removal in result.removed:
            self.stats[f"chars_removed/{removal['rule']}"] += len(removal["text"])
