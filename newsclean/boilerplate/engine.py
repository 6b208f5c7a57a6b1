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
from itertools import accumulate
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from newsclean.boilerplate import structure
from newsclean.boilerplate.structure import CreditDetector, LazyRegex, is_headline_like, normalise

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
    return [f for f in files if not codes or f.stem in codes or f.stem == "common"]


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
        return text[0].casefold(), (key.lower() if key.isascii() else None), ""
    found = _FIRST_WORD_CHAR.search(text)
    if found is None:
        return "", None, text
    start = found.start()
    key = text[start : start + PREFIX_LEN]
    return found.group(0).casefold(), (key.lower() if key.isascii() else None), text[:start]


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Case-folded letters a match of ``pattern`` can start with; None when any (or unknown)."""
    parsed = _parsed(pattern)
    return None if parsed is None else _firsts(parsed)


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


#: The non-ASCII chars re's case-insensitive matching pairs with ASCII letters (tests check this
#: against re itself). A line without them holds a case-insensitive match of an ASCII text only
#: if its lower-cased form holds the lower-cased text.
ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"  # İ ı ſ and the Kelvin sign
_TWIN_RE = re.compile(f"[{ASCII_CASE_TWINS}]")


def lower_for_search(line: str) -> str | None:
    """``line`` lower-cased, for :func:`required_text` tests; None when the test would be unsafe."""
    if line.isascii() or not _TWIN_RE.search(line):
        return line.lower()
    return None


def fewest_needles(needles: Iterable[str]) -> tuple[str, ...]:
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
    its other case and the ASCII_CASE_TWINS.
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


#: A _RuleSet / Cleaner per-key cache value: the line's head cannot be read from its first chars.
_UNCACHED = object()


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
            if len(self._open) > _CACHE_MAX:
                self._open.clear()
            found = self._open[key] = _starts_with_any(key.lower(), self.prefixes)
        return found


class _RuleSet:
    """All rules of one kind; the first rule (in pack order) whose regex matches a line wins,
    as in one alternation of them all (``regex``); ``lastgroup`` names the rule.

    Speed: a line can only match rules whose pattern may start with the line's first
    letters (its head: first letter, first PREFIX_LEN ASCII chars, text before), so each
    head gets its candidate rules once (cached); most lines have none. Candidates run one
    by one, or as an alternation for a long run; each is compiled once, when first needed.
    """

    def __init__(self, rules: list[Rule], template: str) -> None:
        self.template = template
        self.rules = {f"r{i}": rule for i, rule in enumerate(rules)}
        self.firsts: dict[str, frozenset[str] | None] = {}
        self.prefixes: dict[str, frozenset[str] | None] = {}
        for name, rule in self.rules.items():
            self.firsts[name] = _union(_first_chars(p) for p in rule.patterns)
            self.prefixes[name] = _union(pattern_prefixes(p) for p in rule.patterns)
        # Rules with no or a weak known start (one char): a line must hold one of these texts
        # (lower_for_search) for them to match.
        self.needs: dict[str, tuple[str, ...] | None] = {}
        for name, rule in self.rules.items():
            texts = [required_text(p) for p in rule.patterns]
            prefixes = self.prefixes[name]
            weak = prefixes is None or any(len(prefix) < 2 for prefix in prefixes)
            self.needs[name] = fewest_needles(texts) if weak and None not in texts else None  # type: ignore[arg-type]
        self._regex: re.Pattern[str] | None = None  # the full alternation, compiled on first use
        # Index for picking a head's candidates fast (a long page meets thousands of heads):
        # prefix → rules, rules without a known start, rules that may start in the lead.
        self._order = {name: position for position, name in enumerate(self.rules)}
        self._by_prefix: dict[str, list[str]] = {}
        self._unfiltered = [name for name, prefixes in self.prefixes.items() if prefixes is None]
        self._lead_chars: dict[str, frozenset[str]] = {}
        for name, prefixes in self.prefixes.items():
            for prefix in prefixes or ():
                if prefix[0].isalnum():
                    self._by_prefix.setdefault(prefix, []).append(name)
            lead = frozenset(prefix[0] for prefix in prefixes or () if not prefix[0].isalnum())
            if lead:
                self._lead_chars[name] = lead
        self._first_ok: dict[str, frozenset[str]] = {}
        # one regex per rule, and an alternation per distinct long run of candidates; each
        # compiled when a line first needs it (start-up pays only for rules in use)
        self._by_names: dict[tuple[str, ...], re.Pattern[str] | None] = {}
        self._by_char_candidates: dict[str, tuple[tuple[re.Pattern[str], None], ...]] = {}
        # head → candidates: (regex, texts the line must hold for it (lower_for_search) or None)
        self._by_head: dict[Head, tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]] = {}
        # the same by a line's first PREFIX_LEN chars, for lines starting with a letter or digit
        self._by_key: dict[str, tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]] = {}
        self._names: dict[Head, tuple[str, ...]] = {}  # head -> _head_names
        self._by_name_list: dict[tuple[str, ...], tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]] = {}

    @property
    def regex(self) -> re.Pattern[str] | None:
        """All rules as one alternation (None without rules); lines with no letter use it."""
        if self._regex is None and self.rules:
            self._regex = self._compile(list(self.rules))
        return self._regex

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

    def _for_char_candidates(self, char: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]:
        """For a line whose key is not ASCII: the rules its first letter allows, one by one."""
        found = self._by_char_candidates.get(char)
        if found is None:
            found = self._by_char_candidates[char] = tuple(
                (self._single(n), None) for n, first in self.firsts.items() if first is None or char in first
            )  # type: ignore[misc]
        return found  # type: ignore[return-value]

    def _head_names(self, char: str, key: str, lead: str) -> tuple[str, ...]:
        """Rules that may match a line with this head, in rule order.

        The template lets \\W* run before the body: a body starting with a non-letter starts
        in the line's lead (before its first letter); one starting with a letter, at the key.
        """
        found = self._names.get((char, key, lead))
        if found is None:
            if len(self._names) > _CACHE_MAX:
                self._names.clear()
            found = self._names[(char, key, lead)] = self._find_head_names(char, key, lead)
        return found

    def _find_head_names(self, char: str, key: str, lead: str) -> tuple[str, ...]:
        allowed = self._first_ok.get(char)
        if allowed is None:
            allowed = self._first_ok[char] = frozenset(
                n for n, first in self.firsts.items() if first is None or char in first
            )
        found = set(self._unfiltered)
        for size in range(1, min(len(key), PREFIX_LEN) + 1):
            found.update(self._by_prefix.get(key[:size], ()))
        if lead:
            found.update(n for n, chars in self._lead_chars.items() if any(c in lead for c in chars))
        return tuple(sorted(found & allowed, key=self._order.__getitem__))

    def _for_head(self, head: Head) -> tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]:
        found = self._by_head.get(head)
        if found is None:
            names = self._head_names(*head)  # type: ignore[arg-type]
            found = self._by_name_list.get(names)
            if found is None:
                found = self._by_name_list[names] = self._candidates_of(names)
            if len(self._by_head) > _CACHE_MAX:
                self._by_head.clear()
            self._by_head[head] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _candidates_of(self, names: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]:
        """What to try, in order, for lines whose candidate rules are ``names``."""
        # Candidates are tried in rule order, the alternation's own (first branch that
        # matches wins): runs of rules without required texts as one alternation, each
        # rule with required texts alone (skipped for an ASCII line without them).
        # A short run is tried rule by rule (no new regex to compile for it).
        candidates: list[tuple[re.Pattern[str], tuple[str, ...] | None]] = []
        run: list[str] = []
        for n in [*names, None]:
            if n is not None and self.needs[n] is None:
                run.append(n)
                continue
            if len(run) > RUN_MAX:
                candidates.append((self._for_names(tuple(run)), None))  # type: ignore[arg-type]
            else:
                candidates.extend((self._single(r), None) for r in run)  # type: ignore[misc]
            run = []
            if n is not None:
                candidates.append((self._single(n), self.needs[n]))  # type: ignore[arg-type]
        return tuple(candidates)

    def signature(self, head: Head) -> tuple[str, ...]:
        """What find(), candidates(), needs_for() and needs_by_length() depend on for a line
        with this head: its candidate rules (heads that share them share the answers)."""
        if not self.rules:
            return ()
        if not head[0]:
            return ("*",)  # no letter: the full alternation
        if head[1] is None:
            return ("", head[0])  # not an ASCII key: the rules its first letter allows
        return self._head_names(*head)  # type: ignore[arg-type]

    def find(self, text: str, head: Head | None = None, low: str | None = None) -> re.Match[str] | None:
        """``head``: the line's :func:`line_head`, if already known; ``low``: its
        :func:`lower_for_search`, if already known."""
        if not self.rules:
            return None
        if head is None:
            head = line_head(text)
        first, key = head[0], head[1]
        if not first:
            return self.regex.match(text)
        candidates = self._for_char_candidates(first) if key is None else self._for_head(head)
        return self._try(candidates, text, low)

    def find_line(self, text: str) -> re.Match[str] | None:
        """find(text), the candidates looked up by the line's first PREFIX_LEN chars when
        they fix its head (it starts with a letter or digit): no head to build."""
        candidates = self._by_key.get(text[:PREFIX_LEN])
        if candidates is None:
            if not self.rules or not text[:1].isalnum():
                return self.find(text)
            head = line_head(text)
            candidates = self._for_char_candidates(head[0]) if head[1] is None else self._for_head(head)
            if len(self._by_key) > _CACHE_MAX:
                self._by_key.clear()
            self._by_key[text[:PREFIX_LEN]] = candidates
        return self._try(candidates, text, None) if candidates else None

    @staticmethod
    def _try(
        candidates: tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...], text: str, low: str | None
    ) -> re.Match[str] | None:
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

    def needs_for(self, head: Head) -> tuple[str, ...] | None:
        """What a line with this head must hold for some rule to match it: () nothing can,
        None anything may, else texts one of which the line must hold (lower_for_search)."""
        if not self.rules:
            return ()
        first, key = head[0], head[1]
        if not first:
            return None
        if key is None:
            return None if self._for_char_candidates(first) else ()
        needs: list[str] = []
        for _, texts in self._for_head(head):
            if texts is None:
                return None
            needs.extend(texts)
        return tuple(needs)

    def candidates(self, head: Head) -> tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]:
        """What find() tries on a line with this head: (regex, texts the line must hold for
        it (lower_for_search) or None); one of them must match for a rule to."""
        if not self.rules:
            return ()
        if not head[0]:
            return ((self.regex, None),)  # type: ignore[return-value]
        return self._for_char_candidates(head[0]) if head[1] is None else self._for_head(head)

    def needs_by_length(self, head: Head, lengths: Sequence[int]) -> list[tuple[str, ...] | None]:
        """needs_for(head) for lines of each length, leaving out rules whose max_chars is
        below it.

        For ``line`` rules: such a rule may match a line that long but never drops it (it
        only keeps later rules from matching), so a line holding none of the other rules'
        texts is left alone whether or not it holds its texts.
        """
        first, key = head[0], head[1]
        if not self.rules or not first or key is None:
            return [self.needs_for(head)] * len(lengths)
        rules = [(self.rules[name].max_chars, self.needs[name]) for name in self._head_names(first, key, head[2])]
        found: list[tuple[str, ...] | None] = []
        for length in lengths:
            needs: tuple[str, ...] | None = ()
            for max_chars, texts in rules:
                if max_chars < length:
                    continue
                if texts is None:
                    needs = None
                    break
                needs += texts  # type: ignore[operator]
            found.append(needs)
        return found

    def match(self, text: str, head: Head | None = None, low: str | None = None) -> Rule | None:
        found = self.find(text, head, low)
        return self.rules[found.lastgroup] if found else None  # type: ignore[index]


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
        self._inline = [
            (rule, LazyRegex(rule.regex), _union(required_chars(p) for p in rule.patterns)) for rule in by_kind["inline"]
        ]
        needs = [needs for _, _, needs in self._inline]
        # Speed: a line no inline rule, credit or tail can touch is kept as it is (most lines):
        # it is short and holds none of these chars (None: any line may be touched).
        self._plain_chars = None if None in needs else "".join(sorted(set().union(*needs)))
        # Speed: lines whose head no line / next-line / marker rule can start with (most lines).
        # A head's needs depend on the line's length too (line rules' max_chars; only markers
        # past SHORT_LINE_MAX): one entry per length band, _bands[len(line)] picks it.
        limits = sorted({r.max_chars for r in by_kind["line"] if r.max_chars < SHORT_LINE_MAX} | {SHORT_LINE_MAX})
        self._band_lengths = (*limits, TAIL_MAX)  # the longest line of each band
        self._bands = [bisect_left(self._band_lengths, length) for length in range(TAIL_MAX + 1)]
        self._quiet_heads: dict[Head, tuple[Any, ...]] = {}
        # ... and the same by a line's first PREFIX_LEN chars, which fix its head when it starts
        # with a letter or digit.
        self._quiet_keys: dict[str, tuple[Any, ...]] = {}
        # plans by candidate rules, and by what picks them (see _head_plan)
        self._plans: dict[tuple[tuple[str, ...], ...], tuple[Any, ...]] = {}
        self._plans_by_pick: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        rule_sets = (self._line, self._next_line, self._marker)
        self._rule_prefixes = frozenset(prefix for rules in rule_sets for prefix in rules._by_prefix)
        self._rule_lead_chars = sorted({c for rules in rule_sets for chars in rules._lead_chars.values() for c in chars})
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
        self._tail_gate = PrefixGate(p for rule in markers for p in rule.patterns)
        self.credits = CreditDetector(name for pack in self.packs for name in pack.credit_names)
        # the texts that make a short line worth a look in _cut_inline
        self._inline_needles = [*(self._plain_chars or ()), *([" / "] if self.credits.enabled else [])]
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
        return CleanResult(text="\n".join([line for line in lines if line.strip()]), removed=removed)

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
        ends = list(accumulate(len(line) + 1 for line in lines))
        by_line: dict[int, list[int]] = {}  # line index -> its spots (offsets in the line), in order
        for at in spots:
            index = bisect_right(ends, at)
            by_line.setdefault(index, []).append(at - (ends[index - 1] if index else 0))
        out: list[str] = []
        may_match, glue, ungated = self._glue_gate.may_match, self._glue, self._glue_ungated
        done = 0
        for index, line_spots in by_line.items():
            out.extend(lines[done:index])
            done = index + 1
            line = lines[index]
            cuts = [
                at
                for at in line_spots
                if (glue.get().match(line, at) if may_match(line, at) else (ungated and ungated.get().match(line, at)))
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
        offsets = [0, *accumulate(len(line) + 1 for line in lines)]
        total = offsets.pop()
        # a match before this line would be too early for every rule
        first = bisect_left(offsets, self._footer_from * total)
        # Speed: most lines' first chars rule every cut-after rule out (an empty candidate list,
        # looked up for all lines at once); find_line runs on the others.
        get = self._cut_after._by_key.get
        hopeless = [len(line) > SHORT_LINE_MAX or get(line[:PREFIX_LEN], _UNCACHED) == () for line in lines[first:]]
        for index in range(first, len(lines)):
            if hopeless[index - first]:
                continue
            line = lines[index]
            found = self._cut_after.find_line(line)
            if found is None:
                continue
            rule = self._cut_after.rules[found.lastgroup]  # type: ignore[index]
            if offsets[index] >= rule.min_position * total and len(line) <= rule.max_chars:
                removed.append({"rule": rule.id, "text": "\n".join(lines[index:])})
                return lines[:index]
        return lines

    def _drop_lines(self, lines: list[str], removed: list[dict[str, str]]) -> list[str]:
        """Line, next-line and marker rules, credit lines, edge dates. ``lines`` are stripped.

        Speed: what each line needs is worked out for all lines first, mostly in C
        (normalised keys, which lines a rule may match, which may be credits), so the
        common line (no rule can touch it) costs a few list look-ups here.
        """
        kept: list[str] = []
        previous = None
        index = 0
        count = len(lines)
        tail_from = _tail_start(lines)
        quiet, lows = self._quiet_lines(lines)
        maybe_credit = self.credits.candidates(lines)
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
                and normalise(line) == normalise(previous)
                and structure.is_repeatable(normalise(line))
            ):
                removed.append({"rule": "struct:dup-lines", "text": line})
                continue
            previous = line
            if not quiet[position]:
                short = len(line) <= SHORT_LINE_MAX
                head = line_head(line)
                low = lows[position]
                rule = self._line.match(line, head, low) if short else None
                if rule is not None and len(line) <= rule.max_chars:
                    removed.append({"rule": rule.id, "text": line})
                    continue
                rule = self._next_line.match(line, head, low) if short else None
                if rule is not None:
                    dropped = [line]
                    if index < count and len(lines[index]) <= SHORT_LINE_MAX:
                        dropped.append(lines[index])
                        index += 1
                    removed.append({"rule": rule.id, "text": "\n".join(dropped)})
                    continue
                marker = self._marker_line(line, head)
                if marker is not None:
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

    def _quiet_lines(self, lines: list[str]) -> tuple[list[bool], list[str | None]]:
        """Per line: can no line / next-line / marker rule match it (quiet)? And its
        lower_for_search when that was needed to tell (else None)."""
        cache, bands, twin = self._quiet_keys, self._bands, _TWIN_RE.search
        get = cache.get
        # None for a line too long for any of them (quiet); _UNCACHED: look its head up below
        plans = [get(line[:PREFIX_LEN], _UNCACHED) if len(line) <= TAIL_MAX else None for line in lines]
        quiet: list[bool] = []
        lows: list[str | None] = [None] * len(lines)
        for position, plan in enumerate(plans):
            if plan is None:
                quiet.append(True)
                continue
            line = lines[position]
            if plan is _UNCACHED:
                plan = self._head_plan(line_head(line))
                if line[:1].isalnum():  # the head is fixed by the first PREFIX_LEN chars
                    if len(cache) > _CACHE_MAX:
                        cache.clear()
                    cache[line[:PREFIX_LEN]] = plan
            needs = plan[bands[len(line)]]  # type: ignore[index]
            if needs is not None:
                if not needs:
                    quiet.append(True)
                    continue
                # lower_for_search() and holds_any(), inlined: this runs for most lines
                low = lows[position] = line.lower() if line.isascii() or not twin(line) else None
                if low is not None:
                    for needle in needs:
                        if needle in low:
                            break
                    else:
                        quiet.append(True)
                        continue
            # A rule acts only where one of the three sets' candidate regexes matches the line:
            # if none does, none acts (cheaper than asking each set in turn; most fail on
            # their first chars, so trying them beats checking their texts first).
            for regex, _ in plan[-1]:  # type: ignore[union-attr]
                if regex.match(line):
                    quiet.append(False)
                    break
            else:
                quiet.append(True)
        return quiet, lows

    def _head_plan(self, head: Head) -> tuple[Any, ...]:
        """Per length band: what a line with this head must hold for a line / next-line /
        marker rule to drop it (see _RuleSet.needs_for: () nothing can, None anything may);
        last, the candidate regexes of the three rule sets (one must match for any to act)."""
        found = self._quiet_heads.get(head)
        if found is None:
            # Heads with the same candidate rules share one plan (few distinct ones). What picks
            # them is cheap to read off a head: its first letter, which of its key's first
            # chars start some rule, which rules' lead chars its lead holds.
            char, key, lead = head
            if char and key is not None:
                short = (
                    char,
                    tuple(key[:size] for size in range(1, min(len(key), PREFIX_LEN) + 1) if key[:size] in self._rule_prefixes),
                    tuple(c for c in self._rule_lead_chars if c in lead) if lead else (),
                )
            else:
                short = head
            found = self._plans_by_pick.get(short)
            if found is None:
                signature = (self._line.signature(head), self._next_line.signature(head), self._marker.signature(head))
                found = self._plans.get(signature)
                if found is None:
                    found = self._plans[signature] = self._new_plan(head)
                if len(self._plans_by_pick) > _CACHE_MAX:
                    self._plans_by_pick.clear()
                self._plans_by_pick[short] = found
            if len(self._quiet_heads) > _CACHE_MAX:
                self._quiet_heads.clear()
            self._quiet_heads[head] = found
        return found

    def _new_plan(self, head: Head) -> tuple[Any, ...]:
        candidates = tuple(
            dict.fromkeys(pair for rules in (self._line, self._next_line, self._marker) for pair in rules.candidates(head))
        )
        # line and next-line rules run only on lines up to SHORT_LINE_MAX chars; line rules
        # drop only up to their max_chars (see _RuleSet.needs_by_length)
        marker, next_line = self._marker.needs_for(head), self._next_line.needs_for(head)
        bands: list[tuple[str, ...] | None] = []
        for length, line in zip(self._band_lengths, self._line.needs_by_length(head, self._band_lengths)):
            if length > SHORT_LINE_MAX:
                bands.append(marker)
            elif marker is None or next_line is None or line is None:
                bands.append(None)
            else:
                bands.append(fewest_needles(marker + next_line + line))
        return (*bands, candidates)


    def _marker_line(self, line: str, head: Head | None = None) -> tuple[Rule, bool] | None:
        """(rule, bare) when the line is a list marker, alone or with one headline after a colon."""
        if not self._marker.rules or len(line) > TAIL_MAX:
            return None
        found = self._marker.find(line, head)
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
        # Speed: the lines an inline rule, credit or tail may touch are found in the whole text
        # at once (the chars they need, " / ", or more than TAIL_MAX chars); the rest are kept.
        touched = self._touched_lines(lines)
        out: list[str] = []
        for position, line in enumerate(lines):
            if touched is not None and not touched[position]:
                if line.strip():
                    out.append(line.strip())
                continue
            line, cuts = self.credits.inline(line)
            removed.extend({"rule": CreditDetector.inline_rule, "text": cut} for cut in cuts)
            for rule, lazy, needs in self._inline:
                if needs is None or any(char in line for char in needs):
                    regex = lazy.get()
                    if regex.search(line):
                        removed.extend({"rule": rule.id, "text": m.group(0)} for m in regex.finditer(line))
                        line = normalise(regex.sub(" ", line))
            line = self._cut_tail(line, removed)
            if line.strip():
                out.append(line.strip())
        return out

    def _touched_lines(self, lines: list[str]) -> list[bool] | None:
        """Per line: may _cut_inline change it? None: any line may."""
        if self._plain_chars is None:
            return None
        touched = [len(line) > TAIL_MAX for line in lines]
        text = "\n".join(lines)
        ends: list[int] | None = None
        for needle in self._inline_needles:  # str.find skips ahead in C; most pages hold none
            at = text.find(needle)
            while at >= 0:
                if ends is None:
                    ends = list(accumulate(len(line) + 1 for line in lines))
                line_at = bisect_right(ends, at)
                touched[line_at] = True
                at = text.find(needle, ends[line_at])  # on from the next line
        return touched

    def _cut_tail(self, line: str, removed: list[dict[str, str]]) -> str:
        """'… last sentence. Zobacz również: <headline>' at a line's end: cut the teaser.

        The marker must follow a sentence end or be glued to the previous word
        ("…szkoleniowejCzytaj też:"); only those spots are tried.
        """
        if self._tail is None or len(line) <= TAIL_MAX:
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


def _tail_start(lines: list[str]) -> int:
    """Index of the first line in the last part of the text (after TAIL_SHARE of its chars)."""
    starts = [0, *accumulate(len(line) + 1 for line in lines)]  # chars before each line
    total = starts.pop()
    return bisect_left(starts, TAIL_SHARE * total)


def _article_block_finder():
    """Hook for text dumps: ``blocks.select_article_lines(lines) -> (kept, removed)`` when present."""
    try:
        from newsclean.boilerplate.blocks import select_article_lines  # type: ignore[attr-defined]
    except ImportError:
        return None
    return select_article_lines
