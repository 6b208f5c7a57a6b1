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
from newsclean.boilerplate.structure import CreditDetector, is_headline_like, normalise

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


def pattern_prefixes(pattern: str, size: int = PREFIX_LEN) -> frozenset[str] | None:
    """Strings (up to ``size`` chars, lower-cased) one of which every match of ``pattern`` starts
    with, when the text at the match's start is ASCII for ``size`` chars (see _ascii_matches).

    A necessary condition only (case is ignored, repeats and classes end a prefix early), so a
    text whose key starts with none of them cannot match there. None when unknown at the start.
    An empty set: the pattern needs a non-ASCII letter within its first ``size`` chars.
    """
    try:
        parsed = re_parser.parse(pattern)
    except re.error:
        return None
    found = {text for text, _ in _sequence_prefixes(list(parsed), size)}
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
    try:
        parsed = re_parser.parse(pattern)
    except re.error:
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
    try:
        parsed = re_parser.parse(pattern)
    except re.error:
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

    walk(list(parsed))
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
    by one, or as an alternation for a long run; each rule is compiled once, at start.
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
        self.regex = self._compile(list(self.rules)) if rules else None
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
        # one regex per rule, and an alternation per distinct long run of candidates
        self._single = {name: self._compile([name]) for name in self.rules}
        self._by_names: dict[tuple[str, ...], re.Pattern[str] | None] = {(n,): r for n, r in self._single.items()}
        self._by_char_candidates: dict[str, tuple[tuple[re.Pattern[str], None], ...]] = {}
        # head → candidates: (regex, texts the line must hold for it (lower_for_search) or None)
        self._by_head: dict[Head, tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]] = {}

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
                (self._single[n], None) for n, first in self.firsts.items() if first is None or char in first
            )  # type: ignore[misc]
        return found  # type: ignore[return-value]

    def _head_names(self, char: str, key: str, lead: str) -> tuple[str, ...]:
        """Rules that may match a line with this head, in rule order.

        The template lets \\W* run before the body: a body starting with a non-letter starts
        in the line's lead (before its first letter); one starting with a letter, at the key.
        """
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
                    candidates.extend((self._single[r], None) for r in run)  # type: ignore[misc]
                run = []
                if n is not None:
                    candidates.append((self._single[n], self.needs[n]))  # type: ignore[arg-type]
            found = tuple(candidates)
            if len(self._by_head) > _CACHE_MAX:
                self._by_head.clear()
            self._by_head[head] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def find(self, text: str, head: Head | None = None, low: str | None = None) -> re.Match[str] | None:
        """``head``: the line's :func:`line_head`, if already known; ``low``: its
        :func:`lower_for_search`, if already known."""
        if self.regex is None:
            return None
        if head is None:
            head = line_head(text)
        first, key = head[0], head[1]
        if not first:
            return self.regex.match(text)
        candidates = self._for_char_candidates(first) if key is None else self._for_head(head)
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
        if self.regex is None:
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

    def match(self, text: str, head: Head | None = None, low: str | None = None) -> Rule | None:
        found = self.find(text, head, low)
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
        # Speed: an inline rule is searched for only in lines holding one char its patterns need.
        self._inline = [
            (rule, re.compile(rule.regex), _union(required_chars(p) for p in rule.patterns)) for rule in by_kind["inline"]
        ]
        # Speed: lines whose head no line / next-line / marker rule can start with (most lines).
        self._quiet_heads: dict[Head, tuple[str, ...] | None] = {}
        # Speed: no footer cut before the earliest position any cut-after rule allows.
        self._footer_from = min((r.min_position for r in by_kind["cut-after"]), default=1.0)
        # Glued markers: only where a lower-case letter meets an upper-case one ("wordMarker")
        # is the (slow) marker alternation tried, and only at that spot.
        glued = [p for r in rules if r.glued for p in r.patterns]
        # The spot is the upper-case letter (rare: the scan skips ahead to it) with a lower-case one before.
        self._glue_spot = re.compile(rf"[{structure.UPPER}](?<=[^\W\d_{structure.UPPER}].)")
        self._glue = re.compile("|".join(f"(?:{p})" for p in glued)) if glued else None
        # Speed: patterns with known first chars are tried only where the gate lets them;
        # the others (a pattern opening with "any text") at every spot, as before.
        gated = [p for p in glued if pattern_prefixes(p) is not None]
        ungated = [p for p in glued if pattern_prefixes(p) is None]
        self._glue_gate = PrefixGate(gated)
        self._glue_ungated = re.compile("|".join(f"(?:{p})" for p in ungated)) if ungated else None
        self._tail_gate = PrefixGate(p for rule in markers for p in rule.patterns)
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
        may_match, glue, ungated = self._glue_gate.may_match, self._glue.match, self._glue_ungated
        for line in lines:
            cuts = [
                spot.start()
                for spot in self._glue_spot.finditer(line)
                if (glue(line, spot.start()) if may_match(line, spot.start()) else (ungated and ungated.match(line, spot.start())))
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
        earliest = self._footer_from * total
        for index, line in enumerate(lines):
            if offset < earliest:  # a match here would be too early for every rule
                offset += len(line) + 1
                continue
            rule = self._cut_after.match(line, line_head(line)) if len(line) <= SHORT_LINE_MAX else None
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
            head = line_head(line) if len(line) <= TAIL_MAX else None
            # quiet: no line / next-line / marker rule can match this line's start
            low = None
            if head is None:
                quiet = True
            else:
                needs = self._head_needs(head)
                if needs is None:
                    quiet = False
                elif not needs:
                    quiet = True
                else:
                    low = lower_for_search(line)
                    quiet = low is not None and not holds_any(low, needs)
            rule = self._line.match(line, head, low) if short and not quiet else None
            if rule is not None and len(line) <= rule.max_chars:
                removed.append({"rule": rule.id, "text": line})
                continue
            rule = self._next_line.match(line, head, low) if short and not quiet else None
            if rule is not None:
                dropped = [line]
                if index < len(lines) and len(lines[index]) <= SHORT_LINE_MAX:
                    dropped.append(lines[index])
                    index += 1
                removed.append({"rule": rule.id, "text": "\n".join(dropped)})
                continue
            marker = self._marker_line(line, head) if not quiet else None
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

    def _head_needs(self, head: Head) -> tuple[str, ...] | None:
        """For the line / next-line / marker rules together: see _RuleSet.needs_for."""
        if head in self._quiet_heads:
            return self._quiet_heads[head]
        found: tuple[str, ...] | None = ()
        for rules in (self._line, self._next_line, self._marker):
            needs = rules.needs_for(head)
            if needs is None:
                found = None
                break
            found += needs  # type: ignore[operator]
        if len(self._quiet_heads) > _CACHE_MAX:
            self._quiet_heads.clear()
        self._quiet_heads[head] = found
        return found

    def _marker_line(self, line: str, head: Head | None = None) -> tuple[Rule, bool] | None:
        """(rule, bare) when the line is a list marker, alone or with one headline after a colon."""
        if self._marker.regex is None or len(line) > TAIL_MAX:
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
        out: list[str] = []
        needs = [needs for _, _, needs in self._inline]
        # Speed: a line no inline rule, credit or tail can touch is kept as it is (most lines).
        plain_chars = None if None in needs else "".join(sorted(set().union(*needs)))
        credits = self.credits.enabled
        for line in lines:
            if (
                plain_chars is not None
                and len(line) <= TAIL_MAX
                and not (credits and " / " in line)
                and not any(char in line for char in plain_chars)
            ):
                if line.strip():
                    out.append(line.strip())
                continue
            line, cuts = self.credits.inline(line)
            removed.extend({"rule": CreditDetector.inline_rule, "text": cut} for cut in cuts)
            for rule, regex, needs in self._inline:
                if (needs is None or any(char in line for char in needs)) and regex.search(line):
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
        may_match = self._tail_gate.may_match
        for spot in self._tail_spot.finditer(line, len(line) - TAIL_MAX):
            if not may_match(line, spot.end()):
                continue
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
