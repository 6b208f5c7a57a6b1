"""The end-of-run summary printed on stderr."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Summary:
    documents_in: int = 0
    records_out: int = 0
    errors: int = 0
    duplicates: int = 0
    skipped_files: int = 0
    seconds: float = 0.0
    #: Tally removed characters by rule (a loop over every removal of every record: with
    #: --quiet nothing prints them, and on text dumps it was a tenth of the parent's work).
    count_removed: bool = True
    #: Characters removed, by the rule that removed them (from each record's `removed`).
    removed_chars: Counter[str] = field(default_factory=Counter)
    #: Error messages by their prefix ("read", "decode", a stage name).
    error_kinds: Counter[str] = field(default_factory=Counter)

    def add(self, record: dict[str, Any] | None) -> None:
        """Count one document: its record, or None when it was dropped as a duplicate."""
        self.documents_in += 1
        if record is None:
            self.duplicates += 1
            return
        self.records_out += 1
        if record.get("error"):
            self.errors += 1
            self.error_kinds[str(record["error"]).split(":", 1)[0]] += 1
        if self.count_removed:
            removed_chars = self.removed_chars
            for removal in record.get("removed") or ():
                removed_chars[removal.get("rule", "?")] += len(removal.get("text") or "")

    def format(self, output: str, top: int = 12) -> str:
        rate = self.documents_in / self.seconds if self.seconds > 0 else 0.0
        lines = [
            f"newsclean: {self.documents_in} documents in, {self.records_out} records out -> {output}",
            f"  errors: {self.errors}  duplicates: {self.duplicates}  skipped files: {self.skipped_files}"
            f"  ({self.seconds:.1f} s, {rate:.0f} docs/s)",
        ]
        if self.error_kinds:
            kinds = ", ".join(f"{kind} {count}" for kind, count in self.error_kinds.most_common())
            lines.append(f"  errors by kind: {kinds}")
        if self.removed_chars:
            total = sum(self.removed_chars.values())
            lines.append(f"  characters removed: {total}")
            for rule, chars in self.removed_chars.most_common(top):
                lines.append(f"    {chars:>10}  {rule}")
            if len(self.removed_chars) > top:
                lines.append(f"    ... {len(self.removed_chars) - top} more rules")
        return "\n".join(lines)
