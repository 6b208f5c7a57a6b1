"""Language-free structural detectors: shapes of boilerplate that need no phrase list.

Each detector takes lines (or one line) and returns what to drop or cut, tagged
with a ``struct:*`` rule id. The only data they use are agency / photo-credit
names, which come from the packs (``credit_names``) so they stay extendable.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

#: A headline-like line: short, and not ending like a sentence or a lead-in.
HEADLINE_MAX_CHARS = 160
_SENTENCE_END = (".", ",", ";", ":")
#: Upper-case letters of the Latin scripts (Polish, German, French...): starts of names and sentences.
UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĜĞĠĢĤĦĨĪĮİĴĶĹĻĽĿŁŃŅŇŌŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
#: Header widgets are looked for among this many leading non-blank lines.
HEADER_LINES = 5
#: A lone date line is a byline/teaser date only near the edges (not in a schedule mid-text).
TAIL_LINES = 3
#: Consecutive repeats shorter than this (table cells like "8", "- 4%") are left alone.
DUP_MIN_CHARS = 12
#: A caption before an inline credit is at most this long.
CAPTION_MAX_CHARS = 250
#: Glued credit names have at least this many chars (see CreditDetector).
GLUED_SUFFIX = 3

# "date 2023-09 " / "date: 2024-06-18" at the very start of a dump: crawl metadata.
DATE_PREFIX_RE = re.compile(r"^\s*date\s*:?\s*(\d{4}-\d{2}(?:-\d{2})?)(?:\s+|$)", re.IGNORECASE)

# Weather widget: "17.8 C", "-3°C", "21 °F".
WEATHER_RE = re.compile(r"^-?\d{1,2}(?:[.,]\d{1,2})?\s*°?\s*[CF]$")

# A line that is only a date (and maybe a weekday/time): "Tuesday, July 23, 2024",
# "23 lipca 2024, 13:51", "2024-07-23", "23.07.2024". Words are any letters, so it
# is language-free; the 4-digit year anchors it.
_WORD = r"[^\W\d_]{2,}\.?"
_TIME = r"(?:,?\s+(?:\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?))?"
HEADER_DATE_RE = re.compile(
    rf"^(?:{_WORD}[,:]?\s+)?"
    rf"(?:\d{{1,2}}\.?\s+{_WORD}|{_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?),?\s+(?:19|20)\d{{2}}{_TIME}$"
    rf"|^(?:{_WORD}[,:]?\s+)?(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}){_TIME}$"
)


#: The non-ASCII chars re's case-insensitive matching pairs with ASCII letters (tests check this
#: against re itself). A text without them holds a case-insensitive match of an ASCII text only
#: if its lower-cased form holds the lower-cased text.
ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"  # İ ı ſ and the Kelvin sign


def has_case_twins(text: str) -> bool:
    for twin in ASCII_CASE_TWINS:  # str.find per char: quicker than a regex scan
        if twin in text:
            return True
    return False


def normalise(line: str) -> str:
    """Whitespace-collapsed form for comparing lines (NBSP and friends count as spaces)."""
    return " ".join(line.split())


def is_headline_like(line: str) -> bool:
    """Short and not ending like a sentence: how related-article titles look."""
    text = line.strip()
    return 0 < len(text) <= HEADLINE_MAX_CHARS and not text.endswith(_SENTENCE_END)


def date_prefix(first_line: str) -> tuple[str, str] | None:
    """(raw prefix, rest of the line) when the dump starts with a 'date YYYY-MM' tag."""
    match = DATE_PREFIX_RE.match(first_line)
    if not match:
        return None
    return match.group(0).strip(), first_line[match.end():]


# A line that is only a clock time: "19:49", "3:59 PM".
TIME_LINE_RE = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?$")
# The last line as an editor's sign-off: "RIRM", "(dpa)", "aja/PAP", "(red)".
TAIL_SIGNATURE_RE = re.compile(rf"^(?:[{UPPER}]{{2,6}}|\([\w.]{{2,6}}(?:/[\w.]{{2,6}})*\)|[a-z]{{2,4}}(?:/[\w]{{2,5}})+)$")


def date_line(line: str) -> str | None:
    """Rule id when a line (anywhere) is only a date or a clock time: a byline or widget."""
    text = normalise(line)
    if len(text) <= 48 and (HEADER_DATE_RE.match(text) or TIME_LINE_RE.match(text)):
        return "struct:date-line"
    return None


def tail_signature(line: str) -> bool:
    return bool(TAIL_SIGNATURE_RE.match(line.strip()))


def header_widget(line: str) -> str | None:
    """Rule id when a leading line is a header widget (weather, today's date)."""
    text = normalise(line)
    if WEATHER_RE.match(text):
        return "struct:header-weather"
    if len(text) <= 48 and HEADER_DATE_RE.match(text):
        return "struct:header-date"
    return None


class LazyRegex:
    """A regex compiled on first use, then kept: start-up pays only for the rules a run needs."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled


class CreditDetector:
    """Photo captions glued to, or followed by, an agency credit.

    * glued: ``Vladimir Putin arrived in North KoreaReuters`` — a short line whose
      last word runs into a credit name with no space (a caption and its credit
      rendered as one text node). "Reuters reported" never matches: it is not glued.
    * inline: ``<caption> / NAME SURNAME/AFP/East News / AFP <next sentence>`` —
      the caption and its slash-separated credit are cut out of running text.
    """

    glued_rule = "struct:glued-credit"
    line_rule = "struct:credit-line"
    inline_rule = "struct:inline-credit"

    def __init__(self, credit_names: Iterable[str]) -> None:
        names = sorted({n.strip() for n in credit_names if n.strip()}, key=len, reverse=True)
        self.enabled = bool(names)
        if not self.enabled:
            return
        alt = "|".join(re.escape(n) for n in names)
        # Glued credits: only capitalised names of 3+ chars, so "...Grundpa" never reads as "dpa".
        glued = "|".join(re.escape(n) for n in names if len(n) >= GLUED_SUFFIX and n[0].isupper())
        # lower-case letter (or closing quote) immediately followed by a credit name at line end
        self._glued = LazyRegex(rf"[^\W\d_{UPPER}]['’”\"]?(?:{glued})\.?$")
        # Speed: a glued credit ends the line, so the line must end with a name (or name + ".").
        self._glued_names = tuple(n for n in names if len(n) >= GLUED_SUFFIX and n[0].isupper())
        self._glued_ends = self._glued_names + tuple(f"{n}." for n in self._glued_names)
        # ... so its last GLUED_SUFFIX chars are one of these (names have at least that many)
        self._glued_suffixes = frozenset(end[-GLUED_SUFFIX:] for end in self._glued_ends)
        # Speed: without a "/" a credit-only line is one name, maybe in brackets: short.
        self._max_name = max(map(len, names))
        # ... and, for an ASCII line, its lower-cased text without the brackets is one of these
        # (None: some name is not plain ASCII text, so no such test).
        plain = all(n.isascii() and not any(c in n for c in "()/") for n in names)
        self._folded_names = frozenset(n.lower() for n in names) if plain else None
        word = rf"[{UPPER}][\w.&'’-]*"
        token = rf"{word}(?:\s{word}){{0,3}}"
        credit = rf"(?:{token}\s?/\s?)*(?i:{alt})(?:\s?/\s?{token})*"
        # " / <credit>" then the next sentence (capital letter) or end of line
        # (the next word must not close a bracket: "(picture alliance / dpa / Oliver Berg)" is one credit)
        self._inline = LazyRegex(rf"\s/\s{credit}(?=\s+[{UPPER}\"„“][\w'’-]*(?![\w)\]])|\s*$)")
        self._sentence_start = re.compile(rf"[.!?][\"”»)]?\s+(?=[{UPPER}\"„“])")
        # a line that is only a credit: "AFP / MARCO BERTORELLO", "(REUTERS/Jane Doe)"
        self._line = LazyRegex(rf"\(?(?:{credit})(?:\s?/\s?{credit})*\)?")

    def glued(self, line: str) -> bool:
        text = line.strip()
        if not self.enabled or len(text) > HEADLINE_MAX_CHARS:
            return False
        names = self._glued_names
        if not (text.endswith(names) or (text.endswith(".") and text[:-1].endswith(names))):
            return False
        return bool(self._glued.get().search(text))

    def candidates(self, lines: Sequence[str]) -> list[bool]:
        """Per (stripped) line: may :meth:`glued` or :meth:`credit_only` hold? A cheap
        necessary test for a whole page at once (their own first checks, and what their
        regexes need of a line's last or non-ASCII chars), so most lines skip both calls."""
        if not self.enabled:
            return [False] * len(lines)
        ends, suffixes, short, folded = self._glued_ends, self._glued_suffixes, self._max_name + 2, self._folded_names
        # (the suffix test is a cheap first look: endswith tries every name)
        if folded is None:
            return [
                ((size := len(line)) <= 80 and (size <= short or "/" in line))
                or (size <= HEADLINE_MAX_CHARS and line[-GLUED_SUFFIX:] in suffixes and line.endswith(ends))
                for line in lines
            ]
        # Without "/" the credit-only regex is ``\(?(?i:name)\)?`` (no name holds a bracket):
        # for ASCII text its case-insensitive match is plain lower-casing, and other text's
        # non-ASCII chars match a name's (ASCII) chars only as case twins.
        return [
            ((size := len(line)) <= 80 and ("/" in line or (size <= short and (
                line.lower().strip("()") in folded if line.isascii() else has_case_twins(line)))))
            or (size <= HEADLINE_MAX_CHARS and line[-GLUED_SUFFIX:] in suffixes and line.endswith(ends))
            for line in lines
        ]

    def credit_only(self, line: str) -> bool:
        text = line.strip()
        if not self.enabled or len(text) > 80 or ("/" not in text and len(text) > self._max_name + 2):
            return False
        return bool(self._line.get().fullmatch(text))

    def inline(self, line: str) -> tuple[str, list[str]]:
        """The line without caption+credit spans, and the spans cut."""
        if not self.enabled or " / " not in line:
            return line, []
        cuts: list[str] = []
        while True:
            match = self._inline.get().search(line)
            if not match:
                return line, cuts
            start = self._caption_start(line, match.start())
            if start is None:
                return line, cuts
            cuts.append(line[start:match.end()].strip())
            line = (line[:start] + line[match.end():]).strip()

    def _caption_start(self, line: str, credit_at: int) -> int | None:
        """Where the caption before a credit begins: line start, or the last sentence end."""
        if credit_at <= CAPTION_MAX_CHARS:
            return 0
        window_start = credit_at - CAPTION_MAX_CHARS
        last = None
        for match in self._sentence_start.finditer(line, window_start, credit_at):
            last = match.end()
        return last


def is_repeatable(key: str) -> bool:
    """Long enough for a consecutive repeat to be a rendering artefact, not a table cell."""
    return len(key) >= DUP_MIN_CHARS and " " in key


#: A dump's first line is its headline when it is a short, unpunctuated line like these bounds.
TITLE_MIN_CHARS = 15
TITLE_MAX_CHARS = 200
TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 30
#: Separators between a headline and the site name in page titles ("Headline | Site").
_SITE_SEPARATORS = ("|", "-", "–", "—", "·", "»", "::", "//", ":")


def leading_title(lines: list[str]) -> str | None:
    """The headline on a dump's first line, or None when the text starts with a paragraph.

    Shared by the cleaner (which keeps that line out of the article-block finder's
    reach) and the title stage (which takes it), so both agree on what the title is.
    """
    body: list[str] = []  # the first two non-blank lines (the rest do not matter)
    for line in lines:
        text = line.strip()
        if text:
            body.append(text)
            if len(body) == 2:
                break
    if len(body) < 2:
        return None
    first = normalise(body[0])
    words = first.split()
    if not (TITLE_MIN_CHARS <= len(first) <= TITLE_MAX_CHARS and TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS):
        return None
    if first.endswith(_SENTENCE_END) or first.endswith("..."):
        return None
    return first




def _joined_with_site(part: str, whole: str) -> bool:
    """``whole`` is ``part`` plus a site name: "Part | Site" or "Site - Part"."""
    if whole.startswith(part):
        return whole[len(part):].lstrip().startswith(_SITE_SEPARATORS)
    if whole.endswith(part):
        return whole[: len(whole) - len(part)].rstrip().endswith(_SITE_SEPARATORS)
    return False


def headline_without_site(title: str, lines: list[str]) -> str | None:
    """A line that is the title without its site name ("Headline" for "Headline - Site").

    Dumps often open with the page's <title> (with the site's name) and print the
    bare headline a few lines further down; that line is the better title.
    """
    full = normalise(title).casefold()
    for line in lines:
        text = normalise(line)
        if len(text) >= 8 and text.casefold() != full and _joined_with_site(text.casefold(), full):
            return text
    return None


def same_title(line: str, title: str) -> bool:
    """The line repeats the title: same words (case, spacing, final punctuation aside), or
    the title is this line plus a site name ("Headline | Site", "Headline - Site")."""
    text = normalise(line).casefold().rstrip(" .:")
    full = normalise(title).casefold().rstrip(" .:")
    if not text:
        return False
    if text == full:
        return True
    return len(text) >= TITLE_MIN_CHARS and _joined_with_site(text, full)
