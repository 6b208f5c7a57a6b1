"""Date and language checks on the trafilatura dev set (gold `date` for part of the pages).

HTML: exact match of the date stage's value against the gold date, on pages that have one,
next to trafilatura's own metadata date (default settings) computed in the same run, and
the date stage's CPU time per page. The chain's extract stage runs with the project
settings (NEWSCLEAN_EXTRACT_OPTIONS), exactly as in a real run.

Text dumps: the text path through the real chain (extract → clean → title → language →
date): how many dumps get a date, and how many of those agree with the gold date
(a month-precision value agrees when the gold date lies in that month).

    .venv/bin/python benchmarks/dates_eval.py --data ../shared/eval
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path

import trafilatura
from trafilatura.utils import decode_file

from newsclean.chain import build_chain, load_settings
from newsclean.stages.dates import DateStage
from newsclean.stages.extract import ExtractStage


def html_dates(root: Path, pages: list[dict], text_search: bool = False) -> None:
    settings = load_settings({"NEWSCLEAN_DATE_EXTENSIVE": text_search})
    extract, stage = ExtractStage.from_settings(settings), DateStage.from_settings(settings)
    gold_pages = ours = theirs = 0
    by_source: Counter[str] = Counter()
    by_source_ok: Counter[str] = Counter()
    cpu_stage = cpu_extract = 0.0
    for page in pages:
        html = decode_file(gzip.open(root / "html" / f"{page['file']}.gz").read())
        item = {"html": html, "url": page["url"], "input_kind": "html"}
        t0 = time.process_time()
        extract.process_item(item)
        t1 = time.process_time()
        stage.process_item(item)
        t2 = time.process_time()
        cpu_extract += t1 - t0
        cpu_stage += t2 - t1
        if not page.get("date"):
            continue
        reference = trafilatura.bare_extraction(html, url=page["url"], include_comments=False, with_metadata=True)
        found = item.get("date")
        gold_pages += 1
        theirs += bool(reference) and reference.date == page["date"]
        ours += bool(found) and found["value"] == page["date"]
        source = found["source"] if found else "none"
        by_source[source] += 1
        by_source_ok[source] += bool(found) and found["value"] == page["date"]
    print(f"HTML, {gold_pages} pages with a gold date: exact match  newsclean {ours / gold_pages:.4f} ({ours})"
          f"  trafilatura metadata {theirs / gold_pages:.4f} ({theirs})")
    for source, count in by_source.most_common():
        print(f"  {source:24} {count:4} given, {by_source_ok[source]:4} exact")
    print(f"CPU per page over {len(pages)} pages: extract stage {cpu_extract / len(pages) * 1000:.2f} ms,"
          f" date stage {cpu_stage / len(pages) * 1000:.2f} ms")


def text_dates(root: Path, pages: list[dict]) -> None:
    chain = build_chain({"NEWSCLEAN_DEDUP": False})
    chain.stages = [s for s in chain.stages if s.name not in ("dedup", "record")]
    given = agree = given_no_gold = dumps = errors = 0
    for page in pages:
        stem = page["file"][:-5] if page["file"].endswith(".html") else page["file"]
        path = root / "dumps" / f"{stem}.txt"
        if not path.exists():
            continue
        dumps += 1
        item = chain.process({"raw_text": path.read_text(encoding="utf-8"), "input_kind": "text",
                              "url": page["url"], "source": path.name, "hints": {}})
        errors += bool(item.get("error"))
        found = item.get("date")
        if not found:
            continue
        if page.get("date"):
            given += 1
            agree += page["date"].startswith(found["value"])
        else:
            given_no_gold += 1
    print(f"Text dumps ({dumps}, {errors} with a chain error): a date on {given} gold-dated dumps,"
          f" {agree} agree with gold; {given_no_gold} dates on dumps without a gold date")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--skip-text", action="store_true")
    parser.add_argument("--text-search", action="store_true", help="htmldate's free-text search on (NEWSCLEAN_DATE_EXTENSIVE)")
    args = parser.parse_args()
    root = args.data / "trafilatura"
    pages = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    html_dates(root, pages, text_search=args.text_search)
    if not args.skip_text:
        text_dates(root, pages)


if __name__ == "__main__":
    main()
