"""Apply rule packs and structural detectors to text; record every removal.

Rules are data: one TOML pack per language in ``newsclean/boilerplate/packs``
(plus any folder in ``NEWSCLEAN_RULE_PACK_DIRS``). A pack holds ``[[rules]]``
with an ``id`` ("pl:related-list"), a ``kind`` and regex ``patterns``:

* ``line``        — drop a whole line that is the phrase (``\\W*`` around it allowed);
* ``next-line``   — drop the phrase line and the short line after it (a video title);
* ``list-marker`` — "Czytaj też:" / "More articles": drop the marker and the
  headline-like lines after it; "Marker: <headline>" on one line drops that line;
  "… sentence. Marker: <headline>" at the end of a long line cuts that tail;
* ``cut-after``   — a footer starts here: drop it and everything after, but only
  when it sits in the last part of the text (``min_position``, share of chars);
* ``inline``      — remove the matching substring wherever it is.

Markers may be glued to the previous word in dumps ("…szkoleniowejCzytaj też:");
such lines are split before any rule runs. Packs may also list ``credit_names``
(agencies, photo banks) for the language-free credit detectors in ``structure.py``.

Every removal is a ``{"rule": id, "text": removed text}`` dict in the result.
Removals that carry dates, for the date stage (which runs later):

* ``struct:date-prefix`` — a "date 2023-09" tag opening a dump; text = "date 2023-09";
* ``struct:header-date`` — a date-only line among the leading lines (today's-date
  widget of a site header: a page date, not the publication date);
* ``struct:date-line``   — a date-only line near the top/bottom further in (a byline);
* ``<lang>:byline-date`` — "Opublikowano: …", "Published: …", "Veröffentlicht am …".
"""
from __future__ import annotations

import re
import tomllib

try:  # the regex parser, to learn which letters a pattern can start with
    import re._parser as re_parser  # Python >= 3.11
except ImportError:  # pragma: no cover
    import sre_parse as re_parser  # type: ignore[no-redef]
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from newsclean.boilerplate import structure
from newsclean.boilerplate.structure import CreditDetector, is_blank, is_headline_like, normalise

RULE_KINDS = ("line", "next-line", "list-marker", "cut-after", "inline")
#: Packs whose ``language`` is this apply whatever the language (always loaded).
ANY_LANGUAGE = "*"
#: Longest line a ``line`` / ``next-line`` follower / teaser may be.
SHORT_LINE_MAX = 200
#: A bare list marker in the last part of the text (after this share of its chars) heads a
#: related-headlines list of up to LIST_MAX_LINES; earlier it is a teaser box of a few lines
#: (a product list after "Don't miss:" mid-article is article text).
TAIL_SHARE = 0.6
LIST_MAX_LINES = 40
TEASER_MAX_LINES = 3
#: Longest tail a list marker may cut from the end of a long line.
TAIL_MAX = 220

BUILTIN_PACKS = Path(__file__).parent / "packs"


@dataclass
class CleanResult:
    text: str
    removed: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    patterns: tuple[str, ...]
    case_sensitive: bool = False
    #: line rules: only lines up to this many chars.
    max_chars: int = SHORT_LINE_MAX
    #: cut-after: the footer must start after this share of the text's chars.
    min_position: float = 0.4
    #: the marker may be glued to the previous word ("wordMarker") in dumps.
    glued: bool = False

    @property
    def regex(self) -> str:
        body = "|".join(f"(?:{p})" for p in self.patterns)
        return body if self.case_sensitive else f"(?i:{body})"


@dataclass
class RulePack:
    language: str
    path: str
    rules: list[Rule]
    credit_names: list[str] = field(default_factory=list)


def load_pack(path: str | Path) -> RulePack:
    """Read one TOML pack; a malformed pack raises ValueError naming the file and rule."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from exc
    language = data.get("language") or path.stem
    rules: list[Rule] = []
    for raw in data.get("rules", []):
        rule_id = raw.get("id")
        kind = raw.get("kind")
        if not rule_id or kind not in RULE_KINDS:
            raise ValueError(f"{path}: rule {rule_id!r} needs an id and a kind in {RULE_KINDS}")
        patterns = tuple(raw.get("patterns") or ())
        if not patterns:
            raise ValueError(f"{path}: rule {rule_id!r} has no patterns")
        rule = Rule(
            id=rule_id,
            kind=kind,
            patterns=patterns,
            case_sensitive=bool(raw.get("case_sensitive", False)),
            max_chars=int(raw.get("max_chars", SHORT_LINE_MAX)),
            min_position=float(raw.get("min_position", 0.4)),
            glued=bool(raw.get("glued", kind in ("list-marker", "cut-after"))),
        )
        try:
            re.compile(rule.regex)
        except re.error as exc:
            raise ValueError(f"{path}: rule {rule_id!r} has a bad pattern: {exc}") from exc
        rules.append(rule)
    return RulePack(language=language, path=str(path), rules=rules, credit_names=list(data.get("credit_names", [])))


def pack_files(codes: Sequence[str] = (), extra_dirs: Sequence[str | Path] = ()) -> list[Path]:
    """Built-in packs then user packs; ``codes`` limits the languages (common packs always load)."""
    builtin = BUILTIN_PACKS
    files: list[Path] = []
    for folder in [builtin, *map(Path, extra_dirs)]:
        if not folder.is_dir():
            raise ValueError(f"rule pack folder not found: {folder}")
        files.extend(sorted(folder.glob("*.toml")))
    unknown = set(codes) - {f.stem for f in files}
    if unknown:
        raise ValueError(f"no rule pack for {sorted(unknown)} (have {sorted({f.stem for f in files})})")
    return [f for f in files if not codes or f.stem in codes or f.stem == "common"]


@lru_cache(maxsize=8)
def _load_packs(codes: tuple[str, ...], extra_dirs: tuple[str, ...]) -> tuple[RulePack, ...]:
    return tuple(load_pack(path) for path in pack_files(codes, extra_dirs))


def load_packs(codes: Iterable[str] = (), extra_dirs: Iterable[str | Path] = ()) -> list[RulePack]:
    return list(_load_packs(tuple(codes), tuple(str(d) for d in extra_dirs)))


_FIRST_WORD_CHAR = re.compile(r"[^\W_]")


def first_letter(text: str) -> str:
    found = _FIRST_WORD_CHAR.search(text)
    return found.group(0).casefold() if found else ""


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Case-folded letters a match of ``pattern`` can start with; None when any (or unknown)."""
    try:
        parsed = re_parser.parse(pattern)
    except re.error:
        return None
    return _firsts(list(parsed))


def _firsts(items: list) -> frozenset[str] | None:
    if not items:
        return None
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        char = chr(arg)
        return frozenset({char.casefold()}) if char.isalnum() else None
    if name == "SUBPATTERN":
        return _firsts(list(arg[-1]))
    if name == "BRANCH":
        found: set[str] = set()
        for branch in arg[1]:
            sub = _firsts(list(branch))
            if sub is None:
                return None
            found |= sub
        return frozenset(found)
    if name == "IN":
        letters = {chr(a).casefold() for o, a in arg if str(o) == "LITERAL"}
        if len(letters) != len(arg) or not all(c.isalnum() for c in letters):
            return None
        return frozenset(letters)
    if name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
        return _firsts(list(arg[2]))
    return None


class _RuleSet:
    """All rules of one kind compiled into one alternation; ``lastgroup`` names the rule.

    Speed: a line can only match rules whose pattern may start with the line's
    first letter, so one smaller alternation per first letter is compiled on demand.
    """

    def __init__(self, rules: list[Rule], template: str) -> None:
        self.template = template
        self.rules = {f"r{i}": rule for i, rule in enumerate(rules)}
        self.firsts: dict[str, frozenset[str] | None] = {}
        for name, rule in self.rules.items():
            sets = [_first_chars(p) for p in rule.patterns]
            self.firsts[name] = None if any(x is None for x in sets) else frozenset().union(*sets)  # type: ignore[arg-type]
        self.regex = self._compile(list(self.rules)) if rules else None
        self._by_char: dict[str, re.Pattern[str] | None] = {}
        # Many first letters select the same rules (digits, letters no rule starts with):
        # one compiled alternation per distinct selection, not per letter.
        self._by_names: dict[tuple[str, ...], re.Pattern[str] | None] = {}

    def _compile(self, names: list[str]) -> re.Pattern[str] | None:
        if not names:
            return None
        return re.compile("|".join(self.template.format(name=n, body=self.rules[n].regex) for n in names))

    def _for_char(self, char: str) -> re.Pattern[str] | None:
        if char not in self._by_char:
            names = tuple(n for n, first in self.firsts.items() if first is None or char in first)
            if names not in self._by_names:
                self._by_names[names] = self._compile(list(names))
            self._by_char[char] = self._by_names[names]
        return self._by_char[char]

    def find(self, text: str, first: str | None = None) -> re.Match[str] | None:
        """``first``: the line's first letter, case-folded ('' when none), if already known."""
        if self.regex is None:
            return None
        if first is None:
            first = first_letter(text)
        regex = self._for_char(first) if first else self.regex
        return regex.match(text) if regex is not None else None

    def match(self, text: str, first: str | None = None) -> Rule | None:
        found = self.find(text, first)
        return self.rules[found.lastgroup] if found else None  # type: ignore[index]


class Cleaner:
    """Cleans one body (one block per line). Build once, reuse: all regexes are compiled here."""

    def __init__(self, packs: Sequence[RulePack] = (), *, article_blocks: bool = True) -> None:
        """``article_blocks``: run the article-block finder on text dumps (when installed)."""
        self.packs = list(packs)
        rules = [rule for pack in self.packs for rule in pack.rules]
        by_kind = {kind: [r for r in rules if r.kind == kind] for kind in RULE_KINDS}
        whole = r"(?P<{name}>\W*(?:{body})[\W_]*$)"
        self._line = _RuleSet(by_kind["line"], whole)
        self._next_line = _RuleSet(by_kind["next-line"], whole)
        self._cut_after = _RuleSet(by_kind["cut-after"], r"(?P<{name}>\W*(?:{body}))")
        # A list marker line: the marker, then nothing or one headline.
        self._marker = _RuleSet(by_kind["list-marker"], r"(?P<{name}>\W*(?:{body})\s*[:.]?(?=\s|$))")
        # "… sentence. Marker: <headline>" at a line's end; group r<i> names the rule.
        markers = by_kind["list-marker"]
        self._tail_rules = {f"r{i}": rule for i, rule in enumerate(markers)}
        self._tail = (
            re.compile(
                "(?:" + "|".join(f"(?P<r{i}>{rule.regex})" for i, rule in enumerate(markers)) + r")\s*:\s*(?P<rest>\S.*)$"
            )
            if markers
            else None
        )
        self._tail_spot = re.compile(rf"(?:[.!?\"”»)]\s+|[^\W\d_{structure.UPPER}])(?=[{structure.UPPER}])")
        self._inline = [(rule, re.compile(rule.regex)) for rule in by_kind["inline"]]
        # Glued markers: only where a lower-case letter meets an upper-case one ("wordMarker")
        # is the (slow) marker alternation tried, and only at that spot.
        glued = [p for r in rules if r.glued for p in r.patterns]
        self._glue_spot = re.compile(rf"[^\W\d_{structure.UPPER}](?=[{structure.UPPER}])")
        self._glue = re.compile("|".join(f"(?:{p})" for p in glued)) if glued else None
        self.credits = CreditDetector(name for pack in self.packs for name in pack.credit_names)
        self._blocks = _article_block_finder() if article_blocks else None

    @classmethod
    def from_settings(cls, settings: Any, *, article_blocks: bool = True) -> "Cleaner":
        codes = settings.getlist("NEWSCLEAN_RULE_PACKS") if settings is not None else []
        dirs = settings.getlist("NEWSCLEAN_RULE_PACK_DIRS") if settings is not None else []
        return cls(load_packs(codes, dirs), article_blocks=article_blocks)

    @classmethod
    def default(cls) -> "Cleaner":
        return cls(load_packs())

    # -- the steps ---------------------------------------------------------------

    def clean(self, text: str, input_kind: str = "text") -> CleanResult:
        removed: list[dict[str, str]] = []
        lines = [line.strip() for line in text.splitlines()]
        lines = [line for line in lines if line]
        lines = self._date_prefix(lines, removed)
        lines = self._split_glued(lines)
        lines = self._header_widgets(lines, removed)
        lines = self._cut_footer(lines, removed)
        lines = self._drop_lines(lines, removed)
        lines = self._cut_inline(lines, removed)
        if input_kind == "text" and self._blocks is not None and lines:
            lines = self._select_article(lines, removed)
        return CleanResult(text="\n".join(line for line in lines if line.strip()), removed=removed)

    def _select_article(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        """Run the article-block finder, but leave the dump's headline for the title stage."""
        title = structure.leading_title(lines)
        kept, block_removed = self._blocks(lines)  # type: ignore[misc]
        if title is not None and not (kept and normalise(kept[0]) == title):
            kept = [lines[0], *kept]
            for position, entry in enumerate(block_removed):
                if normalise(entry["text"]) == title:
                    del block_removed[position]
                    break
        removed.extend(block_removed)
        return kept

    def _date_prefix(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        found = structure.date_prefix(lines[0]) if lines else None
        if not found:
            return lines
        prefix, rest = found
        removed.append({"rule": "struct:date-prefix", "text": prefix})
        return ([rest.strip()] if rest.strip() else []) + lines[1:]

    def _split_glued(self, lines: list[str]) -> list[str]:
        if self._glue is None:
            return lines
        out: list[str] = []
        for line in lines:
            cuts = [
                spot.end()
                for spot in self._glue_spot.finditer(line)
                if self._glue.match(line, spot.end())  # type: ignore[union-attr]
            ]
            if not cuts:
                out.append(line)
                continue
            for start, end in zip([0, *cuts], [*cuts, len(line)]):
                if line[start:end].strip():
                    out.append(line[start:end].strip())
        return out

    def _header_widgets(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        start = 0
        while start < min(len(lines), structure.HEADER_LINES):
            rule = structure.header_widget(lines[start])
            if rule is None:
                break
            removed.append({"rule": rule, "text": lines[start]})
            start += 1
        return lines[start:]

    def _cut_footer(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        total = sum(len(line) + 1 for line in lines)
        offset = 0
        for index, line in enumerate(lines):
            rule = self._cut_after.match(line) if len(line) <= SHORT_LINE_MAX else None
            if rule is not None and offset >= rule.min_position * total and len(line) <= rule.max_chars:
                removed.append({"rule": rule.id, "text": "\n".join(lines[index:])})
                return lines[:index]
            offset += len(line) + 1
        return lines

    def _drop_lines(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        kept: list[str] = []
        previous = None
        index = 0
        tail_from = _tail_start(lines)
        while index < len(lines):
            line = lines[index]
            key = normalise(line)
            index += 1
            if key == previous and structure.is_repeatable(key):
                removed.append({"rule": "struct:dup-lines", "text": line})
                continue
            previous = key
            short = len(line) <= SHORT_LINE_MAX
            first = first_letter(line)
            rule = self._line.match(line, first) if short else None
            if rule is not None and len(line) <= rule.max_chars:
                removed.append({"rule": rule.id, "text": line})
                continue
            rule = self._next_line.match(line, first) if short else None
            if rule is not None:
                dropped = [line]
                if index < len(lines) and len(lines[index]) <= SHORT_LINE_MAX:
                    dropped.append(lines[index])
                    index += 1
                removed.append({"rule": rule.id, "text": "\n".join(dropped)})
                continue
            marker = self._marker_line(line, first)
            if marker is not None:
                limit = LIST_MAX_LINES if index > tail_from else TEASER_MAX_LINES
                index = self._drop_list(marker[0], marker[1], lines, index, removed, limit)
                previous = None
                continue
            if self.credits.glued(line):
                removed.append({"rule": CreditDetector.glued_rule, "text": line})
                continue
            if self.credits.credit_only(line):
                removed.append({"rule": CreditDetector.line_rule, "text": line})
                continue
            near_edge = index <= structure.HEADER_LINES + 1 or index > len(lines) - structure.TAIL_LINES
            rule_id = structure.date_line(line) if near_edge else None
            if rule_id is not None:
                removed.append({"rule": rule_id, "text": line})
                continue
            kept.append(line)
        if kept and structure.tail_signature(kept[-1]):
            removed.append({"rule": "struct:tail-signature", "text": kept.pop()})
        return kept

    def _marker_line(self, line: str, first: str | None = None) -> tuple[Rule, bool] | None:
        """(rule, bare) when the line is a list marker, alone or with one headline after a colon."""
        if self._marker.regex is None or len(line) > TAIL_MAX:
            return None
        found = self._marker.find(line, first)
        if not found:
            return None
        rule = self._marker.rules[found.lastgroup]  # type: ignore[index]
        rest = line[found.end():].strip()
        if not rest:
            return rule, True
        # "Marker: <headline>" / "Marker – <headline>"; "Read more about it..." is a sentence.
        separated = found.group(0).rstrip().endswith(":") or rest[0] in "-–—|»"
        return (rule, False) if separated and is_headline_like(rest.lstrip("-–—|» ")) else None

    def _drop_list(
        self, rule: Rule, bare: bool, lines: list[str], index: int, removed: list[dict[str, str]], limit: int
    ) -> int:
        """Drop a marker line; a bare marker takes up to ``limit`` headline-like lines after it too."""
        block = [lines[index - 1]]
        if bare:
            taken = 0
            while index < len(lines) and taken < limit and (is_headline_like(lines[index]) or self._marker_line(lines[index])):
                taken += 1
                block.append(lines[index])
                index += 1
        removed.append({"rule": rule.id, "text": "\n".join(block)})
        return index

    def _cut_inline(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        out: list[str] = []
        for line in lines:
            line, cuts = self.credits.inline(line)
            removed.extend({"rule": CreditDetector.inline_rule, "text": cut} for cut in cuts)
            for rule, regex in self._inline:
                if regex.search(line):
                    removed.extend({"rule": rule.id, "text": m.group(0)} for m in regex.finditer(line))
                    line = normalise(regex.sub(" ", line))
            line = self._cut_tail(line, removed)
            if line.strip():
                out.append(line.strip())
        return out

    def _cut_tail(self, line: str, removed: list[dict[str, str]]) -> str:
        """'… last sentence. Zobacz również: <headline>' at a line's end: cut the teaser.

        The marker must follow a sentence end or be glued to the previous word
        ("…szkoleniowejCzytaj też:"); only those spots are tried.
        """
        if self._tail is None or len(line) <= TAIL_MAX:
            return line
        for spot in self._tail_spot.finditer(line, len(line) - TAIL_MAX):
            match = self._tail.match(line, spot.end())
            if match and is_headline_like(match.group("rest")):
                rule = next(self._tail_rules[name] for name, value in match.groupdict().items() if value and name != "rest")
                removed.append({"rule": rule.id, "text": line[match.start():].strip()})
                return line[: match.start()].rstrip()
        return line


def _tail_start(lines: list[str]) -> int:
    """Index of the first line in the last part of the text (after TAIL_SHARE of its chars)."""
    total = sum(len(line) + 1 for line in lines)
    seen = 0
    for position, line in enumerate(lines):
        if seen >= TAIL_SHARE * total:
            return position
        seen += len(line) + 1
    return len(lines)


def _article_block_finder():
    """Hook for text dumps: ``blocks.select_article_lines(lines) -> (kept, removed)`` when present."""
    try:
        from newsclean.boilerplate.blocks import select_article_lines  # type: ignore[attr-defined]
    except ImportError:
        return None
    return select_article_lines
