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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, count
from operator import add
from pathlib import Path
from typing import Any, Callable, Container, Iterable, NamedTuple, Sequence

from newsclean.boilerplate import structure
from newsclean.boilerplate.structure import (
    CreditDetector,
    LazyRegex,
    has_case_twins,
    is_headline_like,
    normalise,
)

RULE_KINDS = ("line", "next-line", "list-marker", "cut-after", "inline")
#: A pack file with this stem (in any pack folder) loads whatever languages are asked for.
COMMON_PACK = "common"
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
        try:  # a bad pattern is reported here, at load (the Cleaner compiles on first use)
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
    return [f for f in files if not codes or f.stem in codes or f.stem == COMMON_PACK]


@lru_cache(maxsize=8)
def _load_packs(codes: tuple[str, ...], extra_dirs: tuple[str, ...]) -> tuple[RulePack, ...]:
    return tuple(load_pack(path) for path in pack_files(codes, extra_dirs))


def load_packs(codes: Iterable[str] = (), extra_dirs: Iterable[str | Path] = ()) -> list[RulePack]:
    return list(_load_packs(tuple(codes), tuple(str(d) for d in extra_dirs)))


@lru_cache(maxsize=None)
def _parsed(pattern: str) -> list | None:
    """The pattern's parse tree (read only), or None when it does not parse.

    Speed: every analysis below (and load-time validation) reads the same tree, so a
    pattern is parsed once per process instead of once per analysis.
    """
    try:
        return list(re_parser.parse(pattern))
    except re.error:
        return None


_FIRST_WORD_CHAR = re.compile(r"[^\W_]")
#: How many leading characters of a line (from its first letter) pick the rules to try.
PREFIX_LEN = 3


#: A line's head: (first letter case-folded or '', the PREFIX_LEN chars from it lower-cased or
#: None when not ASCII, the text before the first letter).
Head = tuple[str, "str | None", str]


def line_head(text: str) -> Head:
    """Computed once per line and handed to every rule set, which pick their candidate rules by it."""
    if text[:1].isalnum():  # most lines start with a letter ([^\W_] is str.isalnum)
        key = text[:PREFIX_LEN]
        return letter_fold(text[0]), (key.lower() if key.isascii() else None), ""
    found = _FIRST_WORD_CHAR.search(text)
    if found is None:
        return "", None, text
    start = found.start()
    key = text[start : start + PREFIX_LEN]
    return letter_fold(found.group(0)), (key.lower() if key.isascii() else None), text[:start]


@lru_cache(maxsize=4096)
def letter_fold(char: str) -> str:
    """``char`` as the first-letter filter compares it: the ASCII letter it matches
    case-insensitively if any (re's own pairs: Turkish "İ" and "ı" with "i", the long s with
    "s", the Kelvin sign with "k"; casefold() gives "İ" as "i̇" and leaves "ı"), else casefolded."""
    paired = _ascii_matches(char) if not char.isascii() and char.isalpha() else ()
    return min(paired) if paired else char.casefold()


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Letters (letter_fold) a match of ``pattern`` can start with; None when any (or unknown)."""
    parsed = _parsed(pattern)
    return None if parsed is None else _firsts(parsed)


def _firsts(items: list) -> frozenset[str] | None:
    if not items:
        return None
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        char = chr(arg)
        return frozenset({letter_fold(char)}) if char.isalnum() else None
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
        letters = {letter_fold(chr(a)) for o, a in arg if str(o) == "LITERAL"}
        if len(letters) != len(arg) or not all(c.isalnum() for c in letters):
            return None
        return frozenset(letters)
    if name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
        return _firsts(list(arg[2]))
    return None


@lru_cache(maxsize=None)
def pattern_prefixes(pattern: str, size: int = PREFIX_LEN) -> frozenset[str] | None:
    """Strings (up to ``size`` chars, lower-cased) one of which every match of ``pattern`` starts
    with, when the text at the match's start is ASCII for ``size`` chars (see _ascii_matches).

    A necessary condition only (case is ignored, repeats and classes end a prefix early), so a
    text whose key starts with none of them cannot match there. None when unknown at the start.
    An empty set: the pattern needs a non-ASCII letter within its first ``size`` chars.
    """
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    found = {text for text, _ in _sequence_prefixes(parsed, size)}
    return None if "" in found else frozenset(found)


# A prefix state: (text so far, whether the pattern may still extend it).
_Prefix = tuple[str, bool]
_UNKNOWN: set[_Prefix] = {("", False)}
_ASCII = [chr(code) for code in range(128)]


@lru_cache(maxsize=None)
def _ascii_matches(char: str) -> frozenset[str]:
    """The chars a key may hold where a pattern has literal ``char``: the ASCII chars it matches
    case-insensitively, lower-cased (asks re itself: some non-ASCII letters pair with ASCII ones,
    the Kelvin sign with k). None of them: a non-ASCII letter never matches in an ASCII key (empty
    set); a non-ASCII non-letter ("©", "«") stands for itself, to be looked for in a line's lead."""
    literal = re.compile(re.escape(char), re.IGNORECASE)
    found = frozenset(a.lower() for a in _ASCII if literal.fullmatch(a))
    if not found and not char.isalpha():
        return frozenset({char})
    return found


def _sequence_prefixes(items: list, size: int) -> set[_Prefix]:
    states: set[_Prefix] = {("", True)}
    for item in items:
        grown: set[_Prefix] = set()
        for text, extendable in states:
            if not extendable or len(text) >= size:
                grown.add((text, False))
                continue
            for more, more_extendable in _item_prefixes(item, size - len(text)):
                joined = text + more
                grown.add((joined[:size], more_extendable and len(joined) < size))
        states = grown
        if not any(extendable for _, extendable in states):
            break
    return states


def _class_chars(items: list) -> set[str] | None:
    """The chars a key may hold where the class is (see _ascii_matches); None when unknown."""
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars |= _ascii_matches(chr(arg))
        elif name == "RANGE" and arg[1] < 128:
            chars |= {chr(code).lower() for code in range(arg[0], arg[1] + 1)}
        elif name == "CATEGORY" and str(arg) == "CATEGORY_DIGIT":
            chars |= set("0123456789")
        else:
            return None
    return chars


def _item_prefixes(item: tuple, size: int) -> set[_Prefix]:
    op, arg = item
    name = str(op)
    if name == "LITERAL":
        return {(char, True) for char in _ascii_matches(chr(arg))}
    if name == "IN":
        chars = _class_chars(list(arg))
        return _UNKNOWN if chars is None else {(char, True) for char in chars}
    if name == "SUBPATTERN":
        return _sequence_prefixes(list(arg[-1]), size)
    if name == "BRANCH":
        return set().union(*(_sequence_prefixes(list(branch), size) for branch in arg[1]))
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, sub = arg
        once = _sequence_prefixes(list(sub), size)
        found = once if high == 1 else {(text, False) for text, _ in once}
        return found | {("", True)} if low == 0 else found
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width: skipping it only widens the prefixes
        return {("", True)}
    return _UNKNOWN


def _union(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    found: set[str] = set()
    for one in sets:
        if one is None:
            return None
        found |= one
    return frozenset(found)


def required_chars(pattern: str) -> frozenset[str] | None:
    """ASCII non-letters any match of ``pattern`` must contain (case plays no part for them); None if none known."""
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    found: set[str] = set()
    items = list(parsed)
    while items:
        op, arg = items.pop()
        name = str(op)
        if name == "LITERAL" and chr(arg).isascii() and not chr(arg).isalnum():
            found.add(chr(arg))
        elif name == "SUBPATTERN":
            items.extend(arg[-1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
            items.extend(arg[2])
    return frozenset(found) or None


def lower_for_search(line: str) -> str | None:
    """``line`` lower-cased, for :func:`required_text` tests; None when the test would be unsafe."""
    if line.isascii() or not has_case_twins(line):
        return line.lower()
    return None


@lru_cache(maxsize=None)  # few distinct ones: those of the packs' rules
def fewest_needles(needles: tuple[str, ...]) -> tuple[str, ...]:
    """The same test with fewer needles: a needle holding another one is redundant."""
    kept: list[str] = []
    for needle in sorted(set(needles), key=len):
        if not any(other in needle for other in kept):
            kept.append(needle)
    return tuple(kept)


def holds_any(text: str, needles: tuple[str, ...]) -> bool:
    for needle in needles:  # a plain loop: cheaper than any() over a generator here
        if needle in text:
            return True
    return False


def required_text(pattern: str) -> str | None:
    """The longest run of ASCII chars (lower-cased) every match of ``pattern`` contains; None if none.

    Tested against :func:`lower_for_search` of a line: an ASCII letter matches only itself,
    its other case and the structure.ASCII_CASE_TWINS.
    """
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    runs, run = [""], []

    def walk(items: list) -> None:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL" and chr(arg).isascii():
                run.append(chr(arg).lower())
            elif name == "SUBPATTERN":
                walk(list(arg[-1]))
            else:
                runs.append("".join(run))
                run.clear()

    walk(parsed)
    runs.append("".join(run))
    best = max(runs, key=len)
    return best or None


def _starts_with_any(key: str, prefixes: frozenset[str]) -> bool:
    """key.startswith(any of prefixes); prefixes are at most PREFIX_LEN chars, so a few set lookups."""
    return any(key[:size] in prefixes for size in range(1, min(len(key), PREFIX_LEN) + 1))


#: Longer runs of candidate rules are matched as one (compiled) alternation, shorter ones rule
#: by rule: compiling costs milliseconds per alternation, once per process.
RUN_MAX = 3
#: Bound on the per-key caches below (a long crawl meets ever new keys).
_CACHE_MAX = 50_000


def _remember(cache: dict, key: Any, value: Any) -> Any:
    """``cache[key] = value``, the cache started over past _CACHE_MAX entries; returns value."""
    if len(cache) > _CACHE_MAX:
        cache.clear()
    cache[key] = value
    return value


#: key[:1], key[:2], ... key[:PREFIX_LEN]
_KEY_STARTS = [slice(size) for size in range(1, PREFIX_LEN + 1)]


def _head_alike(head: Head, prefixes: Container[str], lead_chars: Iterable[str]) -> tuple[Any, ...]:
    """What of ``head`` patterns can read: its first letter, which of its key's first chars
    are in ``prefixes``, which of ``lead_chars`` its lead holds. Heads alike in these are
    alike for every such pattern."""
    char, key, lead = head
    if key is None:
        return (char, None)  # the first letter picks (none: no letter)
    # (C iterators, no generator: this runs for each new line start)
    return (
        char,
        tuple(filter(prefixes.__contains__, map(key.__getitem__, _KEY_STARTS[: len(key)]))),
        tuple(filter(lead.__contains__, lead_chars)) if lead else (),
    )


class PrefixGate:
    """Can any of ``patterns`` match starting exactly at a spot? A cheap necessary test on the
    spot's first chars, for regexes tried at many spots (glued markers, tails of long lines).
    Answers are cached per key."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.prefixes = _union(pattern_prefixes(p) for p in patterns)
        self._open: dict[str, bool] = {}

    def may_match(self, text: str, start: int) -> bool:
        if self.prefixes is None:
            return True
        key = text[start : start + PREFIX_LEN]
        if not key.isascii():
            return True
        found = self._open.get(key)
        if found is None:
            found = _remember(self._open, key, _starts_with_any(key.lower(), self.prefixes))
        return found


#: A rule a line may match: (rule name, texts the line must hold (lower_for_search) for the rule
#: to match it, or None when no such test is known).
_Pick = tuple[str, "tuple[str, ...] | None"]
#: What find() tries on a line, in order: (regex, texts as in _Pick).
_Candidate = tuple[re.Pattern[str], "tuple[str, ...] | None"]


class _PatternGate(NamedTuple):
    """What a line must show for one pattern to match it (see _RuleSet)."""

    #: letters (letter_fold) a match may start with (None: any); see _first_chars
    firsts: frozenset[str] | None
    #: see pattern_prefixes: those starting with a letter or digit are matched against a line's
    #: key, the first chars of the others (lead_chars) looked for in its lead; None: any start
    prefixes: frozenset[str] | None
    lead_chars: frozenset[str]
    #: see required_text; None: none known
    text: str | None

    @classmethod
    def of(cls, pattern: str) -> "_PatternGate":
        prefixes = pattern_prefixes(pattern)
        lead_chars = frozenset(prefix[0] for prefix in prefixes or () if not prefix[0].isalnum())
        return cls(_first_chars(pattern), prefixes, lead_chars, required_text(pattern))


class _RuleSet:
    """All rules of one kind; the first rule (in pack order) whose regex matches a line wins,
    as in one alternation of them all; ``lastgroup`` names the rule.

    Speed: a line can only match a rule one of whose patterns may start with the line's first
    letters (its head: first letter, first PREFIX_LEN ASCII chars, text before) and whose
    required text the line holds; so each head gets its candidate rules, with the texts that
    pick them, once (cached); most lines hold none of those texts. Candidates run one by one,
    or as an alternation for a long run; each is compiled once, when first needed.
    """

    def __init__(self, rules: list[Rule], template: str) -> None:
        self.template = template
        self.rules = {f"r{i}": rule for i, rule in enumerate(rules)}
        self._order = {name: position for position, name in enumerate(self.rules)}
        # Patterns by what opens them on a line (a long page meets thousands of heads): a prefix
        # starting with a letter or digit (found at the key), a lead char (found in the lead),
        # nothing known (any line); and, for lines without an ASCII key, by first letter.
        gates = [(name, _PatternGate.of(p)) for name, rule in self.rules.items() for p in rule.patterns]
        self._by_prefix: dict[str, list[tuple[str, _PatternGate]]] = {}
        self._by_lead_char: dict[str, list[tuple[str, _PatternGate]]] = {}
        self._unfiltered: list[tuple[str, _PatternGate]] = []
        self._by_first: dict[str, list[tuple[str, _PatternGate]]] = {}
        self._any_first: list[tuple[str, _PatternGate]] = []
        for name, gate in gates:
            if gate.prefixes is None:
                self._unfiltered.append((name, gate))
            for prefix in sorted(gate.prefixes or ()):
                if prefix[0].isalnum():
                    self._by_prefix.setdefault(prefix, []).append((name, gate))
            for char in sorted(gate.lead_chars):
                self._by_lead_char.setdefault(char, []).append((name, gate))
            if gate.firsts is None:
                self._any_first.append((name, gate))
            for char in sorted(gate.firsts or ()):
                self._by_first.setdefault(char, []).append((name, gate))
        # one regex per rule, and an alternation per distinct long run of candidates; each
        # compiled when a line first needs it (start-up pays only for rules in use)
        self._by_names: dict[tuple[str, ...], re.Pattern[str] | None] = {}
        self._picks: dict[tuple[Any, ...], tuple[_Pick, ...]] = {}  # see _head_picks
        self._by_picks: dict[tuple[_Pick, ...], tuple[_Candidate, ...]] = {}
        self._by_head: dict[Head, tuple[_Candidate, ...]] = {}

    def _single(self, name: str) -> re.Pattern[str]:
        return self._for_names((name,))  # type: ignore[return-value]

    def _compile(self, names: list[str]) -> re.Pattern[str] | None:
        if not names:
            return None
        return re.compile("|".join(self.template.format(name=n, body=self.rules[n].regex) for n in names))

    def _for_names(self, names: tuple[str, ...]) -> re.Pattern[str] | None:
        if names not in self._by_names:
            self._by_names[names] = self._compile(list(names))
        return self._by_names[names]

    def _head_picks(self, char: str, key: str | None, lead: str) -> tuple[_Pick, ...]:
        """Rules that may match a line with this head, in rule order, each with the texts the
        line must hold for it: those of its patterns that may start there.

        The template lets \\W* run before the body: a body starting with a non-letter starts
        in the line's lead (before its first letter); one starting with a letter, at the key.
        Without an ASCII key, only the first letter picks.
        """
        # Heads alike in all the patterns read share picks: worked out once.
        alike = _head_alike((char, key, lead), self._by_prefix, self._by_lead_char)
        found = self._picks.get(alike)
        if found is None:
            found = _remember(self._picks, alike, self._find_head_picks(char, key, lead))
        return found

    def _find_head_picks(self, char: str, key: str | None, lead: str) -> tuple[_Pick, ...]:
        if key is None:
            opened = self._any_first + self._by_first.get(char, [])
        else:
            opened = [*self._unfiltered]
            for size in range(1, min(len(key), PREFIX_LEN) + 1):
                opened += self._by_prefix.get(key[:size], ())
            for lead_char, gates in self._by_lead_char.items():
                if lead_char in lead:
                    opened += gates
        texts: dict[str, list[str] | None] = {}  # rule -> texts of its opened patterns
        for name, gate in opened:
            if gate.firsts is not None and char not in gate.firsts:
                continue  # (a line without a letter opens only patterns that may start with none)
            if gate.text is None:
                texts[name] = None
            elif texts.setdefault(name, []) is not None:
                texts[name].append(gate.text)  # type: ignore[union-attr]
        return tuple(
            (name, None if texts[name] is None else fewest_needles(tuple(texts[name])))  # type: ignore[arg-type]
            for name in sorted(texts, key=self._order.__getitem__)
        )

    def _for_head(self, head: Head) -> tuple[_Candidate, ...]:
        found = self._by_head.get(head)
        if found is None:
            picks = self._head_picks(*head)
            found = self._by_picks.get(picks)
            if found is None:
                found = self._by_picks[picks] = self._candidates_of(picks)
            _remember(self._by_head, head, found)
        return found

    def _candidates_of(self, picks: tuple[_Pick, ...]) -> tuple[_Candidate, ...]:
        """What to try, in order, for lines whose candidate rules are ``picks``."""
        # Candidates are tried in rule order, the alternation's own (first branch that
        # matches wins): runs of rules without required texts as one alternation, each
        # rule with required texts alone (skipped for an ASCII line without them).
        # A short run is tried rule by rule (no new regex to compile for it).
        candidates: list[_Candidate] = []
        run: list[str] = []
        for name, needs in [*picks, (None, ())]:
            if name is not None and needs is None:
                run.append(name)
                continue
            if len(run) > RUN_MAX:
                candidates.append((self._for_names(tuple(run)), None))  # type: ignore[arg-type]
            else:
                candidates.extend((self._single(r), None) for r in run)
            run = []
            if name is not None:
                candidates.append((self._single(name), needs))
        return tuple(candidates)

    def signature(self, head: Head) -> tuple[Any, ...]:
        """What find() and rule_tests() depend on for a line with this head: its picks (heads
        that share them share the answers)."""
        return self._head_picks(*head) if self.rules else ()

    def candidates(self, head: Head) -> tuple[_Candidate, ...]:
        """What find() tries, in order, on a line with this head."""
        return self._for_head(head) if self.rules else ()

    def find(
        self, text: str, candidates: tuple[_Candidate, ...] | None = None, low: str | None = None
    ) -> re.Match[str] | None:
        """``candidates``: those for the line's head (see candidates()), if already known;
        ``low``: its :func:`lower_for_search`, if already known."""
        if candidates is None:
            candidates = self.candidates(line_head(text))
        for regex, needs in candidates:
            if needs is not None:
                if low is None:
                    low = lower_for_search(text)
                if low is not None and not holds_any(low, needs):
                    continue
            found = regex.match(text)
            if found is not None:
                return found
        return None

    def rule_tests(self, head: Head) -> tuple[tuple[re.Pattern[str], tuple[str, ...] | None, int], ...]:
        """Each rule that may match a line with this head, as (its regex, texts as in _Pick,
        its max_chars), in rule order."""
        if not self.rules:
            return ()
        return tuple((self._single(name), texts, self.rules[name].max_chars) for name, texts in self._head_picks(*head))

    def match(
        self, text: str, candidates: tuple[_Candidate, ...] | None = None, low: str | None = None
    ) -> Rule | None:
        found = self.find(text, candidates, low)
        return self.rules[found.lastgroup] if found else None  # type: ignore[index]


class _Plan(NamedTuple):
    """What the rules need of a line with a given head (Cleaner._head_plan); heads with the
    same candidate rules share one (few distinct ones). One per line serves both _cut_footer
    and _drop_lines, so the second finds it at hand."""

    #: per length band (Cleaner._bands[len(line)], up to TAIL_MAX), the regexes of the line /
    #: next-line / marker rules that may act on the line, one of which must match for any to
    #: act: (those to try on any line, {text: those to try on a line holding it
    #: (lower_for_search)}, all of them (for a line lower_for_search cannot tell)); None where
    #: no rule can act
    bands: tuple[tuple[Any, ...] | None, ...]
    #: each rule set's candidates for the line (_RuleSet.candidates)
    line: tuple[_Candidate, ...]
    next_line: tuple[_Candidate, ...]
    marker: tuple[_Candidate, ...]
    cut_after: tuple[_Candidate, ...]


class Cleaner:
    """Cleans one body (one block per line). Build once, reuse: rule regexes compile on first
    use and stay compiled (a short run pays only for the rules its pages need)."""

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
            LazyRegex(
                "(?:" + "|".join(f"(?P<r{i}>{rule.regex})" for i, rule in enumerate(markers)) + r")\s*:\s*(?P<rest>\S.*)$"
            )
            if markers
            else None
        )
        self._tail_spot = re.compile(rf"(?:[.!?\"”»)]\s+|[^\W\d_{structure.UPPER}])(?=[{structure.UPPER}])")
        # Speed: an inline rule is searched for only in lines holding one char its patterns need.
        self._inline: list[tuple[Rule, LazyRegex, tuple[str, ...] | None]] = []
        for rule in by_kind["inline"]:
            chars = _union(required_chars(p) for p in rule.patterns)
            self._inline.append((rule, LazyRegex(rule.regex), None if chars is None else tuple(sorted(chars))))
        needs = [needs for _, _, needs in self._inline]
        # Speed: a line no inline rule, credit or tail can touch is kept as it is (most lines):
        # it is short and holds none of these chars (None: any line may be touched).
        self._plain_chars = None if None in needs else "".join(sorted(set().union(*needs)))
        # Speed: which line / next-line / marker rules may act on a line, by its head (see
        # _head_plan; most lines: none, or only if they hold a text they do not hold). It depends
        # on the line's length too (line rules' max_chars; only markers past SHORT_LINE_MAX):
        # worked out per length band, _bands[len(line)] names a line's.
        limits = sorted({r.max_chars for r in by_kind["line"] if r.max_chars < SHORT_LINE_MAX} | {SHORT_LINE_MAX})
        self._band_lengths = (*limits, TAIL_MAX)  # the longest line of each band
        self._bands = [bisect_left(self._band_lengths, length) for length in range(TAIL_MAX + 1)]
        # plans by a line's first PREFIX_LEN chars, which fix its head when it starts with a
        # letter or digit (most lines), else by its head
        self._quiet_keys: dict[str, _Plan] = {}
        self._quiet_heads: dict[Head, _Plan] = {}
        # plans by candidate rules, and by what picks them (see _head_plan)
        self._plans: dict[tuple[tuple[str, ...], ...], _Plan] = {}
        self._plans_by_pick: dict[tuple[Any, ...], _Plan] = {}
        # the rule sets a plan serves (see _Plan)
        self._plan_sets = (self._line, self._next_line, self._marker, self._cut_after)
        self._rule_prefixes = frozenset(prefix for rules in self._plan_sets for prefix in rules._by_prefix)
        self._rule_lead_chars = sorted({c for rules in self._plan_sets for c in rules._by_lead_char})
        # Speed: no footer cut before the earliest position any cut-after rule allows.
        self._footer_from = min((r.min_position for r in by_kind["cut-after"]), default=1.0)
        # Glued markers: only where a lower-case letter meets an upper-case one ("wordMarker")
        # is the (slow) marker alternation tried, and only at that spot.
        glued = [p for r in rules if r.glued for p in r.patterns]
        # The spot is the upper-case letter (rare: the scan skips ahead to it) with a lower-case one before.
        self._glue_spot = re.compile(rf"[{structure.UPPER}](?<=[^\W\d_{structure.UPPER}].)")
        self._glue = LazyRegex("|".join(f"(?:{p})" for p in glued)) if glued else None
        # Speed: patterns with known first chars are tried only where the gate lets them;
        # the others (a pattern opening with "any text") at every spot, as before.
        gated = [p for p in glued if pattern_prefixes(p) is not None]
        ungated = [p for p in glued if pattern_prefixes(p) is None]
        self._glue_gate = PrefixGate(gated)
        self._glue_ungated = LazyRegex("|".join(f"(?:{p})" for p in ungated)) if ungated else None
        texts = tuple(required_text(p) for p in ungated)
        self._ungated_texts = None if None in texts else fewest_needles(texts)  # type: ignore[arg-type]
        self._tail_gate = PrefixGate(p for rule in markers for p in rule.patterns)
        self.credits = CreditDetector(name for pack in self.packs for name in pack.credit_names)
        # the texts that make a short line worth a look in _cut_inline
        needles = [*(self._plain_chars or ()), *([" / "] if self.credits.enabled else [])]
        self._inline_needles = [_finder(needle) for needle in needles]
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
        lines = list(filter(None, map(str.strip, text.splitlines())))  # stripped, not blank
        lines = self._date_prefix(lines, removed)
        lines = self._split_glued(lines)
        lines = self._header_widgets(lines, removed)
        lines = self._cut_footer(lines, removed)
        lines = self._drop_lines(lines, removed, twins=has_case_twins(text))
        lines = self._cut_inline(lines, removed)
        # every step keeps lines stripped and not blank; the article-block finder's are checked
        if input_kind == "text" and self._blocks is not None and lines:
            lines = list(filter(str.strip, self._select_article(lines, removed)))
        return CleanResult(text="\n".join(lines), removed=removed)

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
        if self._glue is None or not lines:
            return lines
        # Speed: spots are found in the whole text at once (none spans two lines: its look-behind
        # wants a letter, never the joining newline); only the few lines holding one are split.
        spots = [spot.start() for spot in self._glue_spot.finditer("\n".join(lines))]
        if not spots:
            return lines
        ends = _line_ends(lines)
        by_line: dict[int, list[int]] = {}  # line index -> its spots (offsets in the line), in order
        for at in spots:
            index = bisect_right(ends, at)
            by_line.setdefault(index, []).append(at - (ends[index - 1] if index else 0))
        out: list[str] = []
        may_match, glue = self._glue_gate.may_match, self._glue
        ungated, ungated_texts = self._glue_ungated, self._ungated_texts
        done = 0
        for index, line_spots in by_line.items():
            out.extend(lines[done:index])
            done = index + 1
            line = lines[index]
            # the ungated patterns (tried at every spot) need a text the line seldom holds
            open_here = ungated is not None and (
                ungated_texts is None or (low := lower_for_search(line)) is None or holds_any(low, ungated_texts)
            )
            cuts = [
                at
                for at in line_spots
                if (glue.get().match(line, at) if may_match(line, at) else (open_here and ungated.get().match(line, at)))
            ]
            if not cuts:
                out.append(line)
                continue
            for start, end in zip([0, *cuts], [*cuts, len(line)]):
                if line[start:end].strip():
                    out.append(line[start:end].strip())
        out.extend(lines[done:])
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
        if not self._cut_after.rules:
            return lines
        ends = _line_ends(lines)
        total = ends[-1] if ends else 0  # chars, each line with its newline
        get = self._quiet_keys.get
        # a match before the first line here would be too early for every rule
        for index in range(_line_at(lines, self._footer_from * total, ends), len(lines)):
            line = lines[index]
            if len(line) > SHORT_LINE_MAX:
                continue
            # the cut-after rules to try come with the line's plan (most lines' first chars
            # rule them all out)
            candidates = (get(line[:PREFIX_LEN]) or self._line_plan(line)).cut_after
            found = self._cut_after.find(line, candidates) if candidates else None
            if found is None:
                continue
            rule = self._cut_after.rules[found.lastgroup]  # type: ignore[index]
            start = ends[index - 1] if index else 0
            if start >= rule.min_position * total and len(line) <= rule.max_chars:
                removed.append({"rule": rule.id, "text": "\n".join(lines[index:])})
                return lines[:index]
        return lines

    def _drop_lines(self, lines: list[str], removed: list[dict[str, str]], twins: bool = True) -> list[str]:
        """Line, next-line and marker rules, credit lines, edge dates. ``lines`` are stripped;
        ``twins``: whether they may hold a case twin (see _quiet_lines).

        Speed: which lines a rule may match (_quiet_lines) and which may be credits is worked
        out for all lines first (few are), so the common line costs a few look-ups here.
        """
        kept: list[str] = []
        previous = None
        index = 0
        count = len(lines)
        tail_from: int | None = None  # _tail_start(lines), worked out when a list needs it
        quiet = self._quiet_lines(lines, twins)
        maybe_credit = self.credits.candidates(lines)
        get = self._quiet_keys.get
        first_inner, last_inner = structure.HEADER_LINES + 1, count - structure.TAIL_LINES
        while index < count:
            position = index
            line = lines[index]
            index += 1
            # a repeat of the previous line (normalised); stripped lines that normalise alike
            # share their first and last chars, a cheap test first
            if (
                previous is not None
                and line[:1] == previous[:1]
                and line[-1:] == previous[-1:]
                and (normalised := normalise(line)) == normalise(previous)
                and structure.is_repeatable(normalised)
            ):
                removed.append({"rule": "struct:dup-lines", "text": line})
                continue
            previous = line
            if not quiet[position]:
                short = len(line) <= SHORT_LINE_MAX
                plan = get(line[:PREFIX_LEN]) or self._line_plan(line)
                low = lower_for_search(line)
                rule = self._line.match(line, plan.line, low) if short else None
                if rule is not None and len(line) <= rule.max_chars:
                    removed.append({"rule": rule.id, "text": line})
                    continue
                rule = self._next_line.match(line, plan.next_line, low) if short else None
                if rule is not None:
                    dropped = [line]
                    if index < count and len(lines[index]) <= SHORT_LINE_MAX:
                        dropped.append(lines[index])
                        index += 1
                    removed.append({"rule": rule.id, "text": "\n".join(dropped)})
                    continue
                marker = self._marker_line(line, plan.marker)
                if marker is not None:
                    if tail_from is None:
                        tail_from = _tail_start(lines)
                    limit = LIST_MAX_LINES if index > tail_from else TEASER_MAX_LINES
                    index = self._drop_list(marker[0], marker[1], lines, index, removed, limit)
                    previous = None
                    continue
            if maybe_credit[position]:
                if self.credits.glued(line):
                    removed.append({"rule": CreditDetector.glued_rule, "text": line})
                    continue
                if self.credits.credit_only(line):
                    removed.append({"rule": CreditDetector.line_rule, "text": line})
                    continue
            if index <= first_inner or index > last_inner:  # near an edge
                rule_id = structure.date_line(line)
                if rule_id is not None:
                    removed.append({"rule": rule_id, "text": line})
                    continue
            kept.append(line)
        if kept and structure.tail_signature(kept[-1]):
            removed.append({"rule": "struct:tail-signature", "text": kept.pop()})
        return kept

    def _quiet_lines(self, lines: list[str], twins: bool = True) -> list[bool]:
        """Per line: can no line / next-line / marker rule match it (quiet)? ``twins``: whether
        the lines may hold a case twin (False: none does, known from the whole text)."""
        get = self._quiet_keys.get
        band_of = self._bands
        quiet = [True] * len(lines)
        for position, line in enumerate(lines):
            length = len(line)
            if length > TAIL_MAX:  # too long for any of them
                continue
            band = (get(line[:PREFIX_LEN]) or self._line_plan(line)).bands[band_of[length]]
            if band is None:
                continue
            open_tests, keyed_tests, every_test = band
            # lower_for_search(), inlined: this runs for most lines (and is line.lower() when the
            # whole text holds no case twin, looked for once: per line costs more)
            low = line.lower() if not twins or line.isascii() or not has_case_twins(line) else None
            if low is None:
                quiet[position] = not _any_match(every_test, line)
            elif open_tests and _any_match(open_tests, line):
                quiet[position] = False
            else:
                for text in keyed_tests:  # most lines hold none of the texts
                    if text in low and _any_match(keyed_tests[text], line):
                        quiet[position] = False
                        break
        return quiet

    def _line_plan(self, line: str) -> _Plan:
        """_head_plan of the line's head, kept by the line's first PREFIX_LEN chars when they fix
        its head (it starts with a letter or digit: most lines), else by its head."""
        head = line_head(line)
        if line[:1].isalnum():
            cache, known = self._quiet_keys, line[:PREFIX_LEN]
        else:
            cache, known = self._quiet_heads, head  # type: ignore[assignment]
        found = cache.get(known)  # type: ignore[arg-type]
        if found is None:
            found = _remember(cache, known, self._head_plan(head))
        return found

    def _head_plan(self, head: Head) -> _Plan:
        """What the rules need of a line with this head (see _Plan)."""
        # Heads with the same candidate rules share one plan (few distinct ones). What picks
        # them is cheap to read off a head: its first letter, which of its key's first chars
        # start some rule, which rules' lead chars its lead holds.
        short = _head_alike(head, self._rule_prefixes, self._rule_lead_chars)
        found = self._plans_by_pick.get(short)
        if found is None:
            signature = tuple(rules.signature(head) for rules in self._plan_sets)
            found = self._plans.get(signature)
            if found is None:
                found = self._plans[signature] = self._new_plan(head)
            _remember(self._plans_by_pick, short, found)
        return found

    def _new_plan(self, head: Head) -> _Plan:
        line, next_line, marker = (rules.rule_tests(head) for rules in (self._line, self._next_line, self._marker))
        bands: list[tuple[Any, ...] | None] = []
        for length in self._band_lengths:
            tests = [(regex, texts) for regex, texts, _ in marker]
            # line and next-line rules run only on lines up to SHORT_LINE_MAX chars; a line rule
            # drops only lines up to its max_chars (one matching a longer line keeps later line
            # rules from matching, so a line none of the others match is left alone anyway)
            if length <= SHORT_LINE_MAX:
                tests[:0] = [(regex, texts) for regex, texts, max_chars in line if max_chars >= length] + [
                    (regex, texts) for regex, texts, _ in next_line
                ]
            bands.append(_quiet_band(tuple(tests)) if tests else None)
        return _Plan(tuple(bands), *(rules.candidates(head) for rules in self._plan_sets))

    def _marker_line(
        self, line: str, candidates: tuple[_Candidate, ...] | None = None
    ) -> tuple[Rule, bool] | None:
        """(rule, bare) when the line is a list marker, alone or with one headline after a colon.
        ``candidates``: the marker rules' for the line's head, if already known."""
        if not self._marker.rules or len(line) > TAIL_MAX:
            return None
        found = self._marker.find(line, candidates)
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
        """Inline rules, inline credits, teaser tails of long lines. ``lines`` are stripped and
        not blank, so a line none of them touches is kept as it is."""
        out: list[str] = []
        done = 0
        for index in self._touched_lines(lines):
            out.extend(lines[done:index])
            done = index + 1
            line, cuts = self.credits.inline(lines[index])
            removed.extend({"rule": CreditDetector.inline_rule, "text": cut} for cut in cuts)
            for rule, lazy, needs in self._inline:
                if needs is None or holds_any(line, needs):
                    regex = lazy.get()
                    if regex.search(line):
                        removed.extend({"rule": rule.id, "text": m.group(0)} for m in regex.finditer(line))
                        line = normalise(regex.sub(" ", line))
            line = self._cut_tail(line, removed).strip()
            if line:
                out.append(line)
        if not done:  # nothing touched (most pages)
            return lines
        out.extend(lines[done:])
        return out

    def _touched_lines(self, lines: list[str]) -> Iterable[int]:
        """Indexes, in order, of the lines _cut_inline may change: the rest it keeps as they are."""
        if self._plain_chars is None:
            return range(len(lines))
        # Speed: found in the whole text at once, mostly in C: the lines longer than TAIL_MAX
        # (a tail may be cut) and those holding a text an inline rule or credit needs.
        touched = [index for index, line in enumerate(lines) if len(line) > TAIL_MAX]
        text = "\n".join(lines)
        ends: list[int] | None = None
        for find in self._inline_needles:  # a scan in C; most pages hold none
            at = find(text, 0)
            while at >= 0:
                if ends is None:
                    ends = _line_ends(lines)
                line_at = bisect_right(ends, at)
                touched.append(line_at)
                at = find(text, ends[line_at])  # on from the next line
        return sorted(set(touched)) if ends is not None else touched

    def _cut_tail(self, line: str, removed: list[dict[str, str]]) -> str:
        """'… last sentence. Zobacz również: <headline>' at a line's end: cut the teaser.

        The marker must follow a sentence end or be glued to the previous word
        ("…szkoleniowejCzytaj też:"); only those spots are tried.
        """
        # the tail pattern wants a colon after the marker
        if self._tail is None or len(line) <= TAIL_MAX or line.find(":", len(line) - TAIL_MAX) < 0:
            return line
        may_match = self._tail_gate.may_match
        for spot in _tail_spots(line, len(line) - TAIL_MAX, may_match):
            match = self._tail.get().match(line, spot)
            if match and is_headline_like(match.group("rest")):
                rule = next(self._tail_rules[name] for name, value in match.groupdict().items() if value and name != "rest")
                removed.append({"rule": rule.id, "text": line[match.start():].strip()})
                return line[: match.start()].rstrip()
        return line


# The two kinds of Cleaner._tail_spot, each found by a scan that skips ahead to a rare char:
# a sentence end, white space, an upper-case letter; a lower-case letter glued to an upper-case one.
_SENTENCE_SPOT_RE = re.compile(rf"[.!?\"”»)]\s+(?=[{structure.UPPER}])")
_GLUED_SPOT_RE = re.compile(rf"[{structure.UPPER}](?<=[^\W\d_{structure.UPPER}].)")


def _tail_spots(line: str, start: int, may_match: Callable[[str, int], bool]) -> list[int]:
    """The ``end()`` of each match of Cleaner._tail_spot in ``line[start:]`` where ``may_match``
    holds, in order: an upper-case letter after a sentence end and white space, or glued to a
    lower-case letter.

    Speed: two scans that skip ahead to rare chars instead of one trying the spot pattern at
    every char. Spots never overlap (each ends at an upper-case letter, which no spot spans;
    the two kinds differ in the char before it), so these are finditer's spots.
    """
    spots = [match.end() for match in _SENTENCE_SPOT_RE.finditer(line, start)]
    spots += [match.start() for match in _GLUED_SPOT_RE.finditer(line, start + 1)]
    return [at for at in sorted(spots) if may_match(line, at)]


def _line_ends(lines: list[str]) -> list[int]:
    """Where each line's successor starts in ``"\\n".join(lines)`` (C iterators, no Python loop)."""
    return list(map(add, accumulate(map(len, lines)), count(1)))


def _finder(needle: str) -> Callable[[str, int], int]:
    """``text.find(needle, start)``, quicker for a needle with white space around its other
    chars (" / "): str.find is slow when the needle's edge chars are common, so the scan is for
    its first other char, white space around it checked in place."""
    anchor = next((at for at, char in enumerate(needle) if not char.isspace()), 0)
    if anchor == 0:
        return lambda text, start: text.find(needle, start)
    regex = re.compile(
        rf"{re.escape(needle[anchor])}(?<={re.escape(needle[: anchor + 1])})(?={re.escape(needle[anchor + 1 :])})"
    )

    def find(text: str, start: int) -> int:
        found = regex.search(text, start + anchor)  # the look-behind sees text before that
        return found.start() - anchor if found else -1

    return find


def _tail_start(lines: list[str]) -> int:
    """Index of the first line in the last part of the text (after TAIL_SHARE of its chars)."""
    ends = _line_ends(lines)
    return _line_at(lines, TAIL_SHARE * (ends[-1] if ends else 0), ends)


def _line_at(lines: list[str], chars: float, ends: list[int] | None = None) -> int:
    """Index of the first line with at least ``chars`` chars before it (each line counted with
    its newline); len(lines) if none. ``ends``: _line_ends(lines), if already known."""
    if chars <= 0:
        return 0
    # line i has ends[i - 1] chars before it: the first i with ends[i - 1] >= chars
    return min(bisect_left(_line_ends(lines) if ends is None else ends, chars) + 1, len(lines))


def _any_match(regexes: tuple[re.Pattern[str], ...], line: str) -> bool:
    for regex in regexes:  # a plain loop: cheaper than any() over a generator here
        if regex.match(line):
            return True
    return False


def _quiet_band(tests: tuple[_Candidate, ...]) -> tuple[Any, ...]:
    """One of _Plan.bands, from (regex, texts) pairs of distinct rules."""
    keyed: dict[str, list[re.Pattern[str]]] = {}
    for regex, texts in tests:
        for text in texts or ():
            keyed.setdefault(text, []).append(regex)
    return (
        tuple(regex for regex, texts in tests if texts is None),
        {text: tuple(regexes) for text, regexes in keyed.items()},
        tuple(regex for regex, _ in tests),
    )


def _article_block_finder():
    """Hook for text dumps: ``blocks.select_article_lines(lines) -> (kept, removed)`` when present."""
    try:
        from newsclean.boilerplate.blocks import select_article_lines  # type: ignore[attr-defined]
    except ImportError:
        return None
    return select_article_lines
