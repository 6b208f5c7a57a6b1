"""Strict, header-first publication dates for plain-text dumps.

Why not dateparser.search_dates: over Polish news it "finds" a date in ~45 % of
sentences ("się" → August, "2023-09" gains an invented day). Here a date is only
taken from (1) a leading "date YYYY-MM[-DD]" prefix, (2) a labelled header line
("Opublikowano: 12 września 2023", "Updated: ..."), or (3) a line that is only a
date, right under the title. Everything else — body sentences, relative words
("wczoraj", "on Tuesday"), a site header's today's-date widget — is not a
publication date. Precision is what the text says: "2023-09" stays a month.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# --- month and weekday names (lower case; all grammatical cases we meet in bylines) ---
MONTHS: dict[str, int] = {}


def _add_months(names_by_month: list[str]) -> None:
    for number, names in enumerate(names_by_month, start=1):
        for name in names.split():
            MONTHS[name] = number


# Polish: nominative, genitive (the byline case: "12 września 2023"), locative ("we wrześniu").
_add_months([
    "styczeń stycznia styczniu", "luty lutego lutym", "marzec marca marcu",
    "kwiecień kwietnia kwietniu", "maj maja maju", "czerwiec czerwca czerwcu",
    "lipiec lipca lipcu", "sierpień sierpnia sierpniu", "wrzesień września wrześniu",
    "październik października październiku", "listopad listopada listopadzie",
    "grudzień grudnia grudniu",
])
# English (full and abbreviated).
_add_months([
    "january jan", "february feb", "march mar", "april apr", "may", "june jun",
    "july jul", "august aug", "september sep sept", "october oct", "november nov",
    "december dec",
])
# German (März also as Maerz/Marz).
_add_months([
    "januar jänner", "februar", "märz maerz", "april", "mai", "juni", "juli",
    "august", "september", "oktober okt", "november", "dezember dez",
])

WEEKDAYS = (
    "poniedziałek wtorek środa czwartek piątek sobota niedziela "
    "pon wt śr czw pt sob niedz ndz "
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so"
).split()

# Words that make a date relative to the reading day: never a publication date.
RELATIVE_WORDS = re.compile(
    r"\b(dzisiaj|dziś|wczoraj|przedwczoraj|jutro|temu|"
    r"today|yesterday|tomorrow|ago|"
    r"heute|gestern|morgen|vor\s+\d+)\b",
    re.IGNORECASE,
)

# Labels that say which date a line carries. Longest first so "last updated" wins over "updated".
PUBLISHED_LABELS = (
    "data publikacji", "data dodania", "opublikowano", "opublikowany", "publikacja", "dodano",
    "first published", "published on", "published", "posted on", "posted", "date", "data",
    "veröffentlicht am", "veröffentlicht", "erschienen am", "erschienen", "datum",
)
UPDATED_LABELS = (
    "ostatnia aktualizacja", "zaktualizowano", "aktualizacja", "akt.",
    "last updated", "last modified", "updated on", "updated", "modified",
    "zuletzt aktualisiert", "aktualisiert am", "aktualisiert", "stand",
)

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WEEKDAY_ALT = "|".join(sorted((re.escape(w) for w in WEEKDAYS), key=len, reverse=True))
_TIME = r"(?:[,\s]*(?:o\s+godz\.?\s*|godz\.?\s*|at\s+|um\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|uhr|h)?)"

# Each pattern yields named groups y, m (number or name), optional d.
_DATE_PATTERNS = [
    # ISO: 2023-09-12, 2023-09 (a bare YYYY-MM only counts when labelled: see find_in_line)
    re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?(?![\d-])"),
    # day-first numeric: 12.09.2023, 12/09/2023, 12-09-2023 (European order; Polish/German news)
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>(?:19|20)\d{2})(?![\d])"),
    # 12 września 2023 / 23. Juli 2024 / 23 July 2024
    re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})\.?\s+(?P<m>{_MONTH_ALT})\.?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE),
    # July 23, 2024 / Jul. 23 2024
    re.compile(rf"(?<!\w)(?P<m>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE),
    # month and year only: wrzesień 2023 / September 2023
    re.compile(rf"(?<!\w)(?P<m>{_MONTH_ALT})\.?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)", re.IGNORECASE),
]

_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE_PREFIX = re.compile(r"^\s*(?:date|data|datum)\s*[:=]?\s*(?P<iso>(?:19|20)\d{2}-\d{2}(?:-\d{2})?)(?![\d-])", re.IGNORECASE)


@dataclass(frozen=True)
class TextDate:
    """A date read from text, at the precision the text gives."""

    year: int
    month: int | None
    day: int | None
    raw: str

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def value(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


@dataclass(frozen=True)
class HeaderDate:
    """A date found in a dump's header, with where it came from and what it is."""

    date: TextDate
    kind: str  # published | updated | page
    source: str  # text:prefix | text:label | text:byline | text:header-widget
    confidence: float

    def as_record(self) -> dict:
        return {
            "value": self.date.value,
            "precision": self.date.precision,
            "kind": self.kind,
            "source": self.source,
            "confidence": self.confidence,
            "raw": self.date.raw,
        }


def _month_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return MONTHS.get(token.lower().rstrip("."))


def _valid(year: int, month: int | None, day: int | None, today: date) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    try:
        probe = date(year, month or 1, day or 1)
    except ValueError:
        return False
    return date(1990, 1, 1) <= probe <= today


def dates_in(text: str, *, allow_year_month: bool, today: date | None = None) -> list[tuple[TextDate, int, int]]:
    """Every full date in ``text`` as (date, start, end), left to right, without overlaps.

    ``allow_year_month``: also accept a bare "2023-09" or "September 2023"; only a
    labelled header line may say so little.
    """
    today = today or date.today()
    found: list[tuple[TextDate, int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            day = match.groupdict().get("d")
            if day is None and not allow_year_month:
                continue
            month = _month_number(match.group("m"))
            year = int(match.group("y"))
            day_n = int(day) if day else None
            if month is None or not _valid(year, month, day_n, today):
                continue
            taken.append((start, end))
            found.append((TextDate(year, month, day_n, match.group(0).strip()), start, end))
    found.sort(key=lambda hit: hit[1])
    return found


def date_prefix(line: str, today: date | None = None) -> TextDate | None:
    """The leading "date 2023-09" / "data: 2023-09-12" metadata prefix of a dump."""
    match = _DATE_PREFIX.match(line)
    if not match:
        return None
    hits = dates_in(match.group("iso"), allow_year_month=True, today=today)
    if not hits:
        return None
    found = hits[0][0]
    return TextDate(found.year, found.month, found.day, match.group(0))


def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?:^|[^\w])(?:{alternatives})$")


_UPDATED_AT_END = _label_pattern(UPDATED_LABELS)
_PUBLISHED_AT_END = _label_pattern(PUBLISHED_LABELS)
_PUNCT = " \t:|,-–—•·"


def _label_kind(prefix: str) -> str | None:
    """published/updated when the text right before a date ends with such a label."""
    words = prefix.lower().rstrip(_PUNCT)
    # "Opublikowano: wtorek, 12 września 2023": look past a weekday name
    words = re.sub(rf"(?:^|(?<=\W))(?:{_WEEKDAY_ALT})\.?$", "", words).rstrip(_PUNCT)
    if _UPDATED_AT_END.search(words):
        return "updated"
    if _PUBLISHED_AT_END.search(words):
        return "published"
    return None


_LEFTOVER = re.compile(rf"(?:{_WEEKDAY_ALT})\.?|{_TIME}|[\s,.|:;/()\-–—•·]+|r\.|rok|roku", re.IGNORECASE)


def is_date_only(line: str, hit: tuple[TextDate, int, int]) -> bool:
    """True when the line holds nothing but this date (plus weekday/time/punctuation)."""
    _, start, end = hit
    rest = line[:start] + " " + line[end:]
    return not _LEFTOVER.sub("", rest).strip()


def has_weekday(line: str) -> bool:
    return re.search(rf"(?<!\w)(?:{_WEEKDAY_ALT})(?!\w)", line, re.IGNORECASE) is not None


def labelled_date(line: str, today: date | None = None) -> tuple[TextDate, str] | None:
    """A date preceded by a published/updated label on this line, e.g. "Opublikowano: 12.09.2023"."""
    if RELATIVE_WORDS.search(line):
        return None
    for hit in dates_in(line, allow_year_month=True, today=today):
        found, start, _ = hit
        # the label must sit just before the date (a few words at most)
        kind = _label_kind(line[max(0, start - 40):start])
        if kind:
            return found, kind
    return None


#: "Headline | Site" / "Headline - Site": a page's <title>, which dumps print first,
#: above the site's own header (and its date widget), not the article's headline.
_SITE_SUFFIX = re.compile(r"\s[|–—-]\s[^|–—-]{1,40}$")


#: A line this long is running text: the header zone ends there.
PARAGRAPH_CHARS = 200
#: How many non-empty lines at most make up a dump's header zone.
HEADER_LINES = 40
#: A date-only line counts as a byline only this many lines after the headline.
BYLINE_DISTANCE = 3


def title_echo_at(lines: list[str], title: str | None) -> int | None:
    """Index of the last of ``lines`` (stripped, non-empty) that repeats the title, or None.

    Dumps print the page <title> first and the article's own headline (the one a
    byline sits under) further down; a "Headline | Site" title also matches the
    headline alone. Compared by whitespace-normalised, case-folded text.
    """
    if not title:
        return None
    titles = {" ".join(t.split()).casefold() for t in (title, _SITE_SUFFIX.sub("", title))}
    shortest = min(map(len, titles))
    firsts = {t[:1] for t in titles}
    return max((i for i, line in enumerate(lines)
                # cheap checks first (casefold may lengthen a character to three: "ß" → "ss")
                if 3 * len(line) >= shortest and line[:1].casefold()[:1] in firsts
                and " ".join(line.split()).casefold() in titles), default=None)


def _lines(text: str):
    """Lines lazily: a dump can be long and only its head matters."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        yield text[start:end]
        start = end + 1


def header_lines(raw_text: str) -> list[str]:
    """The non-empty lines before the first paragraph of running text (capped)."""
    lines: list[str] = []
    for line in _lines(raw_text):
        if not line.strip():
            continue
        if len(line) >= PARAGRAPH_CHARS or len(lines) >= HEADER_LINES:
            break
        lines.append(line.strip())
    return lines


def find_header_dates(raw_text: str, title: str | None = None, today: date | None = None) -> list[HeaderDate]:
    """Every date the header of a text dump states, best publication evidence first.

    Order: the metadata prefix, a published label, an updated label, a date-only
    byline right under the headline. A date-only line before the headline (a
    site's today's-date widget) comes back with kind "page"; callers must not
    report it as the publication date.
    """
    found: list[HeaderDate] = []
    first = next((line for line in _lines(raw_text) if line.strip()), "")
    prefix = date_prefix(first, today)
    if prefix is not None:
        found.append(HeaderDate(prefix, "published", "text:prefix", 0.85))

    lines = header_lines(raw_text)
    title_at = title_echo_at(lines, title)  # the article's headline in the header
    labelled: list[HeaderDate] = []
    bylines: list[HeaderDate] = []
    for index, line in enumerate(lines):
        if (index == 0 and prefix is not None) or not _YEAR.search(line):
            continue  # every date we accept names its year: cheap pre-filter
        hit = labelled_date(line, today)
        if hit is not None:
            labelled.append(HeaderDate(hit[0], hit[1], "text:label", 0.8 if hit[1] == "published" else 0.7))
            continue
        if RELATIVE_WORDS.search(line):
            continue
        hits = dates_in(line, allow_year_month=False, today=today)
        if len(hits) != 1 or not is_date_only(line, hits[0]):
            continue
        if _is_byline_position(lines, index, title_at):
            bylines.append(HeaderDate(hits[0][0], "published", "text:byline", 0.6))
        else:
            bylines.append(HeaderDate(hits[0][0], "page", "text:header-widget", 0.5))
    labelled.sort(key=lambda h: h.kind != "published")  # stable: published labels first
    return found + labelled + bylines


def _is_byline_position(lines: list[str], index: int, title_at: int | None) -> bool:
    """A date-only line is a byline when it sits just under the article's headline.

    Measured on real dumps, a bare date line near the top is far more often the
    site's today's-date widget, so the rule is strict: a known title whose line
    is the headline (not a "Headline | Site" page title), the date within
    BYLINE_DISTANCE lines after it, and no weekday name (widgets print one).
    """
    if title_at is None or _SITE_SUFFIX.search(lines[title_at]):
        return False
    if has_weekday(lines[index]):
        return False
    return title_at < index <= title_at + BYLINE_DISTANCE


def publication_date(raw_text: str, title: str | None = None, today: date | None = None) -> HeaderDate | None:
    """The publication (or, failing that, update) date a dump's header states, or None."""
    for candidate in find_header_dates(raw_text, title, today):
        if candidate.kind != "page":
            return candidate
    return None


def headline_zone(raw_text: str, title: str | None, after: int = 6) -> list[str]:
    """The non-empty lines a dump prints right under its article's headline, up to its running text.

    The headline is the title's last echo in the dump (:func:`title_echo_at`). Stricter
    than the HTML headline zone, as text has no markup to tell a header apart:
    nothing above the headline (a site's today's-date widget sits there), nothing from
    the first paragraph of running text on (dates in the story or in lists after it),
    and no "Headline | Site" page-title line as the headline.
    """
    if not title:
        return []
    lines = [line.strip() for line in raw_text.splitlines() if line.strip()]
    at = title_echo_at(lines, title)
    if at is None or _SITE_SUFFIX.search(lines[at]):
        return []
    zone: list[str] = []
    for line in lines[at + 1 : at + 1 + after]:
        if len(line) >= PARAGRAPH_CHARS:
            break
        zone.append(line)
    return zone


#: A text by the headline longer than this is the lead or a teaser, not a byline.
HEADLINE_DATE_MAX_CHARS = 80


def headline_date(lines: list[str], today: date | None = None) -> TextDate | None:
    """The date a page prints by its headline (texts nearest it first), to the day, or None.

    A text counts when it is short and states exactly one full date ("26.01.2022 -
    14:30", "Von Christian Thiele, 07 Dezember, 2022", "Updated June 13, 2019").
    Whatever label it carries, this is the date readers are shown.
    """
    for line in lines:
        if len(line) > HEADLINE_DATE_MAX_CHARS or not _YEAR.search(line) or RELATIVE_WORDS.search(line):
            continue
        labelled = labelled_date(line, today)  # "Published: …, updated: …" holds two
        if labelled is not None and labelled[1] == "published" and labelled[0].day:
            return labelled[0]
        hits = dates_in(line, allow_year_month=False, today=today)
        if len(hits) == 1 and hits[0][0].day:
            return hits[0][0]
    return None


#: Longest line date_line() considers (a date line with weekday and time fits).
DATE_LINE_MAX = 60


def date_line(line: str) -> bool:
    """True when ``line`` is only a date (weekday/time allowed): not language evidence."""
    if len(line) > DATE_LINE_MAX or not _YEAR.search(line):
        return False
    hits = dates_in(line, allow_year_month=True)
    return len(hits) == 1 and is_date_only(line, hits[0])
