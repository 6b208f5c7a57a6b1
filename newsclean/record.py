"""The article record: the one shape every entry point returns.

Stages fill a working item (a plain dict) with private fields (``html``,
``raw_text``, ``body``, ``meta``...). :class:`newsclean.stages.record.RecordStage`
turns it into this record at the end of the chain; the JSON Schema in
``newsclean/schema/article.schema.json`` documents it.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from typing import Any

# Field order of the exported record.
RECORD_FIELDS: tuple[str, ...] = (
    "id",
    "url",
    "source",
    "input_kind",
    "title",
    "text",
    "language",
    "date",
    "author",
    "sitename",
    "removed",
    "stats",
    "error",
)

INPUT_KINDS = ("html", "text")
DATE_PRECISIONS = ("year", "month", "day")
DATE_KINDS = ("published", "updated", "page")


def record_id(url: str | None, source: str | None) -> str:
    """Stable id: hash of the URL when known, else of the source path."""
    key = url or source or ""
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def new_item(
    *,
    source: str,
    input_kind: str,
    html: str | bytes | None = None,
    encoding: str | None = None,
    raw_text: str | None = None,
    url: str | None = None,
    hints: dict[str, Any] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """A working item as entry points hand it to the chain.

    ``hints`` carries what the source knew before the page was read (a
    sitemap's publication date or title, a feed entry's date).

    ``html`` may be the page's bytes with the ``encoding`` its source resolved
    (a crawl: Scrapy's ``response.encoding``); the extract stage decodes it,
    in a pool worker rather than in the crawl's reactor.
    """
    if input_kind not in INPUT_KINDS:
        raise ValueError(f"input_kind must be one of {INPUT_KINDS}, not {input_kind!r}")
    return {
        "url": url,
        "source": source,
        "input_kind": input_kind,
        "html": html,
        "encoding": encoding,
        "raw_text": raw_text,
        "hints": dict(hints or {}),
        "removed": [],
        "error": error,
    }


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The article record's JSON Schema."""
    text = resources.files("newsclean").joinpath("schema/article.schema.json").read_text("utf-8")
    return json.loads(text)
