"""jusText's stop lists as one word → languages index, shared by the cleaner and the language stage.

Built once (~0.2 s of CPU) and then read from the derived-data cache (~0.03 s; see
newsclean/derived_cache.py), keyed by jusText's list files and this module's source.
Values are tuples, equal ones one object (read only).
Lists of non-Latin-script languages carry English words (Wikipedia residue): those
Latin-script words are not counted for them.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from newsclean.derived_cache import cached, files_in, gc_paused, shared_tuples


def _is_latin(word: str) -> bool:
    return max(word, default="") < "\u0250"  # nothing past Latin Extended-B


def stoplist_sources() -> list[Path]:
    """The files the index is derived from: jusText's stop lists and this module."""
    import justext

    return [*files_in(os.path.join(os.path.dirname(justext.__file__), "stoplists"), ".txt"), Path(__file__)]


def build_word_languages() -> dict[str, tuple[str, ...]]:
    """The index, built from jusText's lists (what word_languages() caches)."""
    import justext

    with gc_paused():
        names_of: dict[str, list[str]] = {}
        for name in sorted(justext.get_stoplists()):
            words = justext.get_stoplist(name)
            latin = {word for word in words if _is_latin(word)}
            for word in words if len(latin) * 2 > len(words) else words - latin:
                names_of.setdefault(word, []).append(name)
        return shared_tuples(names_of)  # ~2k distinct name tuples for ~150k words


@lru_cache(maxsize=1)
def word_languages() -> dict[str, tuple[str, ...]]:
    """word → names of the jusText stop lists that have it, in sorted name order."""
    return cached("stoplists", stoplist_sources, build_word_languages)
