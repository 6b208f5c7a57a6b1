"""title: the article's title; for text dumps, a headline on the first line.

HTML: trafilatura's metadata title, else the crawl hint. Text dumps: the first
line when it reads like a headline (short, not ending like a sentence; see
``structure.leading_title``), else the crawl hint. Either way the title leaves
the body: every body line that repeats it is dropped (dumps often print the
headline twice: once as the heading, once as an image title).
"""
from __future__ import annotations

from newsclean.boilerplate.structure import headline_without_site, leading_title, same_title
from newsclean.stages.base import Fields, Stage

#: Repeats of the title are looked for among this many leading body lines: a dump
#: repeats its headline further down (image title); extracted HTML only at the top.
REPEAT_WINDOW = {"text": 12, "html": 3}


class TitleStage(Stage):
    name = "title"

    def process(self, item: Fields) -> None:
        lines = [line for line in (item.get("body") or "").splitlines() if line.strip()]
        hint = (item.get("hints") or {}).get("title")
        if item.get("input_kind") == "text":
            title = leading_title(lines)
            if title is not None:
                lines = lines[1:]
                self.stats["from_first_line"] += 1
                # "Headline - Site" on the first line, "Headline" further down: keep the bare one
                title = headline_without_site(title, lines[: REPEAT_WINDOW["text"]]) or title
            else:
                title = hint
        else:
            title = (item.get("meta") or {}).get("title") or hint
        if title:
            title = " ".join(str(title).split())
            lines = self._drop_repeats(lines, title, item, REPEAT_WINDOW.get(item.get("input_kind"), 3))
        item["title"] = title or None
        item["body"] = "\n".join(lines)

    def _drop_repeats(self, lines: list[str], title: str, item: Fields, window: int) -> list[str]:
        kept = []
        removed = list(item.get("removed") or [])
        for line in lines[:window]:
            if same_title(line, title):
                removed.append({"rule": "title:repeat", "text": line})
                self.stats["repeats_dropped"] += 1
            else:
                kept.append(line)
        item["removed"] = removed
        return kept + lines[window:]
