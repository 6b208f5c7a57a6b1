"""The Python API: flat functions in the spirit of trafilatura's."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from newsclean.chain import Chain, build_chain
from newsclean.record import new_item


@lru_cache(maxsize=1)
def _default_chain() -> Chain:
    return build_chain({"NEWSCLEAN_DEDUP": False})


def _run(item: dict[str, Any]) -> dict[str, Any]:
    record = _default_chain().process(item)
    assert record is not None  # dedup is off for the API
    return dict(record)


def clean_html(html: str | bytes, url: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Clean one HTML page; returns the article record as a dict (see README, "The record")."""
    if isinstance(html, bytes):
        from newsclean.batch.decode import InputError, decode_bytes

        try:
            html = decode_bytes(html, kind="html").text
        except InputError as exc:  # empty or binary bytes: a record with `error`, as in a batch
            return _run(new_item(source=source or url or "<html>", input_kind="html", url=url, error=str(exc)))
    return _run(new_item(source=source or url or "<html>", input_kind="html", html=html, url=url))


def clean_text(text: str, url: str | None = None, source: str | None = None) -> dict[str, Any]:
    """Clean one plain-text dump; returns the article record as a dict."""
    return _run(new_item(source=source or url or "<text>", input_kind="text", raw_text=text, url=url))
