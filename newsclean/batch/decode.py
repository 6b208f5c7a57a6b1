"""Bytes → text: declared charset first, then detection; binary and empty input are refused.

Order for HTML: byte-order mark → valid UTF-8 → the page's own ``<meta charset>``
→ detection (charset-normalizer). Text dumps skip the ``<meta>`` step.

Valid UTF-8 wins over a declaration because a single-byte page (windows-1250,
iso-8859-2...) almost never happens to be valid UTF-8 once it has non-ASCII
bytes, while pages that declare latin-1 but are UTF-8 are common.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, read_bom, resolve_encoding


class InputError(ValueError):
    """A document that cannot be read as text; ``str(exc)`` is the record's error."""


# File signatures of common binary formats (renamed images, archives, PDFs...).
BINARY_SIGNATURES: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, xlsx, epub
    b"PK\x05\x06",  # empty zip
    b"\x1f\x8b",  # gzip without a .gz name
    b"7z\xbc\xaf\x27\x1c",
    b"\xfd7zXZ\x00",
    b"Rar!\x1a\x07",
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old MS Office
    b"RIFF",  # wav, avi, webp
    b"wOFF",
    b"wOF2",
    b"\x00asm",
)

# Detection is ambiguous between sibling code pages; among candidates that
# read equally clean, prefer the ones the web actually uses (rough usage order).
WEB_ENCODING_RANK: tuple[str, ...] = (
    "utf_8",
    "cp1252",
    "cp1251",
    "cp1250",
    "iso8859_2",
    "iso8859_15",
    "latin_1",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "gbk",
    "gb2312",
    "euc_kr",
    "big5",
    "cp1254",
    "iso8859_9",
    "cp1256",
    "cp1253",
    "iso8859_7",
    "koi8_r",
    "koi8_u",
    "cp1257",
    "iso8859_13",
    "cp874",
    "tis_620",
)
# Candidates this much messier than the cleanest one are not considered.
CHAOS_TOLERANCE = 0.02
# Valid multi-byte characters needed per invalid byte to call a page UTF-8 anyway.
MOSTLY_UTF8_RATIO = 10
# How much of the start is checked for binary content.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    #: What chose it: "bom", "utf-8", "utf-8-repaired", "declared", "detected", "fallback".
    how: str


def _codec_name(name: str) -> str:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return name


def looks_binary(data: bytes) -> bool:
    """A known binary signature, or NUL/control bytes where text has none."""
    if data.startswith(BINARY_SIGNATURES):
        return True
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(head) // 20)


def _detect(data: bytes) -> tuple[str, str] | None:
    """(text, codec) from charset-normalizer, or None when nothing fits."""
    results = list(from_bytes(data))
    if not results:
        return None
    cleanest = min(r.chaos for r in results)
    candidates = [r for r in results if r.chaos <= cleanest + CHAOS_TOLERANCE]
    rank = {name: i for i, name in enumerate(WEB_ENCODING_RANK)}
    best = min(
        enumerate(candidates),
        key=lambda pair: (rank.get(_codec_name(pair[1].encoding), len(rank)), pair[0]),
    )[1]
    return str(best), best.encoding


def decode_as(data: bytes, encoding: str) -> str:
    """A body read with the encoding its source resolved, the way Scrapy's
    ``TextResponse.text`` reads it: a byte-order mark still wins, bytes the
    encoding cannot read become U+FFFD. Same text as ``response.text``, byte for
    byte, for every encoding :func:`readable_as_bytes` accepts."""
    return html_to_unicode(f"charset={encoding}", data)[1]


@lru_cache(maxsize=64)
def readable_as_bytes(encoding: str) -> bool:
    """Whether a crawled page in ``encoding`` can be read without decoding it: markup
    found in its bytes is the markup of ``response.text``, and :func:`decode_as` gives
    that text.

    So ASCII bytes must always stand for themselves: an ASCII-compatible encoding
    (not UTF-16/32) without shift sequences that a decoder drops (ISO-2022, HZ,
    UTF-7: ``b"<ba\x1b(Bse"`` reads "<base" in ISO-2022-JP). And not ``ascii``:
    Scrapy names it when it could not tell a page's encoding, after decoding the
    page as ASCII, while ``charset=ascii`` reads as cp1252.
    """
    try:
        if codecs.lookup(encoding).name == "ascii":
            return False
        if _PRINTABLE_ASCII.decode(encoding, "replace") != _PRINTABLE_ASCII.decode("ascii"):
            return False
        return all((b"a" + shift + b"b").decode(encoding, "replace") != "ab" for shift in _SHIFTS)
    except LookupError:
        return False


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
#: Bytes that switch a stateful decoder's mode and read as nothing themselves.
_SHIFTS = (b"\x1b(B", b"\x0e", b"\x0f")


def decode_bytes(data: bytes, kind: str = "html") -> Decoded:
    """Decode one document's bytes; raises :class:`InputError` for binary or empty input."""
    if not data.strip():
        raise InputError("read: empty input")
    bom_encoding, bom = read_bom(data)
    if bom_encoding:
        try:
            return Decoded(_clean(data[len(bom):].decode(bom_encoding)), bom_encoding, "bom")
        except (UnicodeDecodeError, LookupError):
            pass
    if looks_binary(data):
        raise InputError("read: binary content")
    try:
        return Decoded(_clean(data.decode("utf-8")), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    repaired = _mostly_utf8(data)
    if repaired is not None:
        return Decoded(_clean(repaired), "utf-8", "utf-8-repaired")
    if kind == "html":
        declared = html_body_declared_encoding(data)
        encoding = resolve_encoding(declared) if declared else None
        if encoding and _codec_name(encoding) != "utf_8":
            try:
                return Decoded(_clean(data.decode(encoding)), encoding, "declared")
            except (UnicodeDecodeError, LookupError):
                pass  # a wrong declaration: detect instead
    detected = _detect(data)
    if detected is not None:
        text, encoding = detected
        return Decoded(_clean(text), encoding, "detected")
    # Nothing fits cleanly: keep the text readable rather than fail the document.
    return Decoded(_clean(data.decode("cp1252", errors="replace")), "cp1252", "fallback")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a teaser cut mid-character, one latin-1
    widget) reads far better as UTF-8 with U+FFFD than as a single-byte page."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - bad
    return text if good >= MOSTLY_UTF8_RATIO * bad else None


def _clean(text: str) -> str:
    # NUL breaks lxml ("All strings must be XML compatible"); nothing else is touched.
    return text.replace("\x00", "")
