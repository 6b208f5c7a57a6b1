"""Apply rule packs and structural detectors to text; record every removal. (STUB)"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CleanResult:
    text: str
    removed: list[dict[str, str]] = field(default_factory=list)


class Cleaner:
    def __init__(self) -> None:
        pass

    @classmethod
    def from_settings(cls, settings) -> "Cleaner":
        return cls()

    def clean(self, text: str, input_kind: str = "text") -> CleanResult:
        return CleanResult(text=text)
