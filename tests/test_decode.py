"""Bytes → text: declared charsets, detection of Polish code pages, binary and empty input."""
from __future__ import annotations

import pytest

import newsclean
from newsclean.batch.decode import InputError, decode_bytes, looks_binary

# Real Polish sentences: every Polish letter, in the forms where windows-1250 and
# iso-8859-2 differ (ą ś ź Ą Ś Ź).
POLISH = (
    "Źródła w ministerstwie potwierdziły, że Sejm zajmie się ustawą jeszcze w tym tygodniu. "
    "Świadkowie zdarzenia mówią, że kierowca ciężarówki zjechał na przeciwległy pas. "
    "Zażółć gęślą jaźń - to zdanie zawiera wszystkie polskie znaki diakrytyczne. "
    "Ślązacy świętowali w sobotę, a ćwierć miliona kibiców oglądało mecz na żywo."
)
ENCODINGS = ["cp1250", "iso-8859-2"]


def html_page(body: str, charset: str | None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<!DOCTYPE html><html lang=pl><head>{meta}<title>Wiadomości</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("declared", [True, False], ids=["meta", "no-meta"])
def test_polish_html_in_single_byte_code_pages(encoding: str, declared: bool) -> None:
    data = html_page(POLISH, encoding if declared else None).encode(encoding)
    decoded = decode_bytes(data, kind="html")
    assert POLISH in decoded.text
    assert decoded.how == ("declared" if declared else "detected")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_polish_text_dump_is_detected(encoding: str) -> None:
    data = ("Wiadomości\n" + POLISH.replace(". ", ".\n")).encode(encoding)
    decoded = decode_bytes(data, kind="text")
    assert decoded.text.splitlines()[1].startswith("Źródła w ministerstwie")
    assert "gęślą jaźń" in decoded.text and "Ślązacy świętowali" in decoded.text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_short_polish_phrase_is_detected(encoding: str) -> None:
    assert decode_bytes("Zażółć gęślą jaźń".encode(encoding), kind="text").text == "Zażółć gęślą jaźń"


def test_utf8_wins_over_a_wrong_single_byte_declaration() -> None:
    data = html_page(POLISH, "iso-8859-1").encode("utf-8")
    decoded = decode_bytes(data, kind="html")
    assert POLISH in decoded.text and decoded.how == "utf-8"


def test_wrong_utf8_declaration_falls_back_to_detection() -> None:
    data = html_page(POLISH, "utf-8").encode("cp1250")
    decoded = decode_bytes(data, kind="html")
    assert POLISH in decoded.text and decoded.how == "detected"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_byte_order_mark(codec: str) -> None:
    decoded = decode_bytes(POLISH.encode(codec), kind="text")
    assert decoded.text == POLISH and decoded.how == "bom"


def test_text_dump_ignores_meta_declaration_text() -> None:
    # A text dump that happens to quote a meta tag is still decoded by content.
    data = ('Przykład: <meta charset="koi8-r">\n' + POLISH).encode("cp1250")
    assert POLISH in decode_bytes(data, kind="text").text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        bytes(range(256)) * 4,
    ],
    ids=["png", "zip", "pdf", "jpeg", "random"],
)
def test_binary_content_is_refused(data: bytes) -> None:
    assert looks_binary(data)
    with pytest.raises(InputError, match="read: binary content"):
        decode_bytes(data, kind="html")


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n"])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="read: empty input"):
        decode_bytes(data, kind="text")


def test_text_is_not_binary() -> None:
    assert not looks_binary(POLISH.encode("cp1250"))
    assert not looks_binary("Tab\tseparated\r\nlines\fform feed".encode())


def test_api_clean_html_accepts_cp1250_bytes() -> None:
    paragraphs = "".join(f"<p>{s}.</p>" for s in POLISH.split(". "))
    page = f"<html><head><title>Wiadomości dnia</title></head><body><article>{paragraphs}</article></body></html>"
    record = newsclean.clean_html(page.encode("cp1250"))
    assert record["error"] is None
    assert "Świadkowie zdarzenia mówią" in record["text"]


SEEDS = sorted((__import__("pathlib").Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_real_polish_dumps_round_trip(seed, encoding: str) -> None:
    # Whole real pages re-encoded in each code page (characters it lacks become '?').
    data = seed.read_text("utf-8").encode(encoding, errors="replace")
    assert decode_bytes(data, kind="text").text == data.decode(encoding)


def test_utf8_page_with_a_few_stray_bytes_stays_utf8() -> None:
    # A teaser cut in the middle of a character, and one latin-1 word from a widget.
    page = html_page(POLISH, "utf-8").encode("utf-8")
    data = page.replace(b"</p>", b" Czytaj wi\xc4 K\xfcchen</p>")
    decoded = decode_bytes(data, kind="html")
    assert decoded.how == "utf-8-repaired"
    assert POLISH in decoded.text and decoded.text.count("\ufffd") == 2


def test_api_clean_html_gives_an_error_record_for_binary_bytes() -> None:
    record = newsclean.clean_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert record["error"] == "read: binary content" and record["text"] == ""
