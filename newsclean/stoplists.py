"""jusText's stop lists as one word → languages index, shared by the cleaner and the language stage.

Built once per process (~0.1 s). Lists of non-Latin-script languages carry
English words (Wikipedia residue): those Latin-script words are not counted
for them.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator


def _is_latin(word: str) -> bool:
    return max(word, default="") < "\u0250"  # nothing past Latin Extended-B


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while building a large index.

    ~150k new lists at once would make the collector walk every long-lived object
    (langdetect's profiles) over and over: 0.5 s instead of 0.1 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def word_languages() -> dict[str, list[str]]:
    """word → names of the jusText stop lists that have it, in sorted name order."""
    import justext

    with gc_paused():
        index: dict[str, list[str]] = {}
        for name in sorted(justext.get_stoplists()):
            words = justext.get_stoplist(name)
            latin = {word for word in words if _is_latin(word)}
            for word in words if len(latin) * 2 > len(words) else words - latin:
                index.setdefault(word, []).append(name)
    return index  # lists, not tuples: read only, and converting 150k of them costs a tenth of a second
