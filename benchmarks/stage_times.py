"""CPU time per stage, and per step of the cleaner, over the dev pages or dumps.

    .venv/bin/python benchmarks/stage_times.py text|html [--data ../shared/eval] [--passes 2]

Builds the chain once, runs every document through it once as a warm-up (rules compile,
caches fill), then times each stage's ``process_item`` and each step of
``Cleaner.clean`` with ``time.process_time`` over ``--passes`` more passes. Prints ms per
document. The step timers wrap methods, so they add about a microsecond per call.
"""
from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality import load_benchmarks  # noqa: E402
from newsclean.batch.decode import decode_bytes  # noqa: E402
from newsclean.boilerplate import blocks, engine  # noqa: E402
from newsclean.chain import build_chain  # noqa: E402
from newsclean.record import new_item  # noqa: E402

#: Cleaner steps timed (methods of engine.Cleaner), then the block model's parts.
CLEANER_STEPS = ("_date_prefix", "_split_glued", "_header_widgets", "_cut_footer", "_drop_lines",
                 "_quiet_lines", "_cut_inline", "_select_article")
BLOCK_PARTS = ("Tokens", "stoplist_for", "_line_features")


def _timed(function: Callable[..., Any], label: str, totals: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] += time.process_time() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("text", "html"))
    parser.add_argument("--data", default="../shared/eval", help="evaluation folder (scrapinghub/, trafilatura/)")
    parser.add_argument("--passes", type=int, default=2, help="timed passes over all documents")
    args = parser.parse_args()

    totals: dict[str, float] = defaultdict(float)
    for name in CLEANER_STEPS:
        setattr(engine.Cleaner, name, _timed(getattr(engine.Cleaner, name), f"clean: {name}", totals))
    for name in BLOCK_PARTS:
        setattr(blocks, name, _timed(getattr(blocks, name), f"clean: blocks.{name}", totals))

    documents = []
    for pages in load_benchmarks(Path(args.data)).values():
        for page in pages:
            if args.kind == "html":
                documents.append({"source": page.key, "input_kind": "html", "url": page.url,
                                  "html": decode_bytes(page.html_bytes(), kind="html").text})
            else:
                documents.append({"source": page.key, "input_kind": "text",
                                  "raw_text": page.dump_path.read_text(encoding="utf-8", errors="replace")})
    chain = build_chain({"NEWSCLEAN_DEDUP": False})
    for document in documents:  # warm-up pass, not timed
        chain.process(new_item(**document))
    totals.clear()

    for _ in range(args.passes):
        for document in documents:
            item = new_item(**document)
            for stage in chain.stages:
                started = time.process_time()
                item = stage.process_item(item)
                totals[f"stage: {stage.name}"] += time.process_time() - started
                if item is None:
                    break
    count = args.passes * len(documents)
    stage_total = sum(value for key, value in totals.items() if key.startswith("stage: "))
    print(f"{args.kind}: {len(documents)} documents x {args.passes} passes; all stages {stage_total / count * 1000:.3f} ms/doc")
    for key, value in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {key:28s} {value / count * 1000:7.3f} ms/doc")


if __name__ == "__main__":
    main()
