"""Readers and the runner: order, kinds, sources, skipping, JSONL lines, bounded streaming."""
from __future__ import annotations

import gzip
import io
import json
import os
import signal
from pathlib import Path

import pytest

from newsclean.batch.feeder import Feeder, Task, kind_from_name, read_task, sniff_kind
from newsclean.batch.runner import BatchRunner
from newsclean.chain import split_stage_classes
from newsclean.chain import build_chain, load_settings, stage_classes
from newsclean.stages.base import Stage

ARTICLE = "The council said on Monday that new electric buses will enter service next month."


def make_tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "b" / "2.txt").write_text(ARTICLE)
    (root / "b" / "1.html").write_text(f"<html><body><p>{ARTICLE}</p></body></html>")
    (root / "a.htm.gz").write_bytes(gzip.compress(f"<html><body><p>{ARTICLE}</p></body></html>".encode()))
    (root / "c.jsonl").write_text(json.dumps({"text": ARTICLE}) + "\n\n" + json.dumps({"html": "<p>x</p>", "url": "https://e.org/x"}) + "\n")
    (root / "expected.json").write_text("{}")
    (root / "notes.md").write_text("# notes")
    (root / ".hidden.txt").write_text("never read")


def test_directory_walk_is_sorted_recursive_and_skips_other_files(tmp_path: Path, monkeypatch) -> None:
    make_tree(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    feeder = Feeder(["in/"])
    tasks = list(feeder)
    assert [t.source for t in tasks] == ["in/a.htm.gz", "in/b/1.html", "in/b/2.txt", "in/c.jsonl#L1", "in/c.jsonl#L3"]
    assert [t.kind for t in tasks] == ["html", "html", "text", "jsonl", "jsonl"]
    assert tasks[0].gzipped
    assert feeder.skipped == 2  # expected.json and notes.md; hidden files are ignored


def test_source_keeps_the_argument_spelling(tmp_path: Path, monkeypatch) -> None:
    make_tree(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    assert next(iter(Feeder(["in"]))).source == "in/a.htm.gz"
    assert next(iter(Feeder(["./in/"]))).source == "./in/a.htm.gz"


def test_explicit_file_with_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    page = tmp_path / "page.dat"
    page.write_text(f"<!DOCTYPE html><html><body><p>{ARTICLE}</p></body></html>")
    dump = tmp_path / "dump.md"
    dump.write_text(f"Title\n{ARTICLE}\n")
    tasks = list(Feeder([str(page), str(dump)]))
    assert [t.kind for t in tasks] == [None, None]
    assert [read_task(t)["input_kind"] for t in tasks] == ["html", "text"]


def test_output_file_is_not_read_back(tmp_path: Path) -> None:
    make_tree(tmp_path)
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"text": "previous output"}) + "\n")
    sources = [t.source for t in Feeder([str(tmp_path)], exclude=[str(out)])]
    assert str(out) + "#L1" not in sources


def test_stdin(tmp_path: Path) -> None:
    tasks = list(Feeder(["-"], stdin=io.BytesIO(ARTICLE.encode("utf-8"))))
    assert [t.source for t in tasks] == ["-"]
    item = read_task(tasks[0])
    assert item["input_kind"] == "text" and item["raw_text"] == ARTICLE and item["error"] is None


def test_jsonl_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl.gz"
    lines = [
        json.dumps({"html": f"<p>{ARTICLE}</p>", "url": "https://e.org/1", "hints": {"title": "T"}}),
        "[1, 2]",
        json.dumps({"text": ""}),
        json.dumps({"text": ARTICLE}),
    ]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    items = [read_task(t) for t in Feeder([str(path)])]
    assert [i["source"] for i in items] == [f"{path}#L{n}" for n in (1, 2, 3, 4)]
    assert items[0]["url"] == "https://e.org/1" and items[0]["hints"] == {"title": "T"} and items[0]["input_kind"] == "html"
    assert items[1]["error"] == "read: JSON line is not an object"
    assert items[2]["error"] == "read: empty input"
    assert items[3]["raw_text"] == ARTICLE and items[3]["error"] is None


def test_truncated_gzip_gives_error_records(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(json.dumps({"text": f"{ARTICLE} {n}"}).encode() + b"\n" for n in range(2000)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = [read_task(t) for t in Feeder([str(path)])]
    assert items[0]["error"] is None
    assert items[-1]["error"].startswith("read: ")
    broken = tmp_path / "cut.txt.gz"
    broken.write_bytes(gzip.compress(ARTICLE.encode() * 100)[:40])
    assert read_task(next(iter(Feeder([str(broken)]))))["error"].startswith("read: bad gzip data")


def test_unreadable_file_is_a_read_error(tmp_path: Path) -> None:
    item = read_task(Task(source="gone.txt", kind="text", path=str(tmp_path / "gone.txt")))
    assert item["error"] == "read: No such file or directory"


@pytest.mark.parametrize(
    "name,expected",
    [("a.HTML", ("html", False)), ("a.htm.gz", ("html", True)), ("a.txt", ("text", False)),
     ("a.jsonl.gz", ("jsonl", True)), ("a.json", (None, False)), ("a.gz", (None, True))],
)
def test_kind_from_name(name: str, expected: tuple) -> None:
    assert kind_from_name(name) == expected


def test_sniff_kind() -> None:
    assert sniff_kind(b"\xef\xbb\xbf  <!doctype html><html><p>x") == "html"
    assert sniff_kind(b"<div class=a><p>Hello</p></div>") == "html"
    assert sniff_kind("Tytuł\nZdanie o <b> i <p>, nic więcej.".encode()) == "text"
    assert sniff_kind(b"5 < 6 and 7 > 3") == "text"


# --- runner -------------------------------------------------------------------


def test_chain_split_keeps_pipeline_order() -> None:
    settings = load_settings()
    worker, parent = split_stage_classes(settings)
    assert worker + parent == stage_classes(settings)
    assert parent and parent[0].runs_in_parent
    assert not any(cls.runs_in_parent for cls in worker)


def counting(tasks, pulled: list[int]):
    for task in tasks:
        pulled[0] += 1
        yield task


@pytest.mark.parametrize("jobs", [1, 2])
def test_runner_streams_with_a_bounded_window(jobs: int) -> None:
    """Tasks are pulled lazily: when the first record comes out, only a window's worth was read."""
    total = 150
    tasks = (Task(source=f"doc{n}", kind="jsonl", data=json.dumps({"text": f"{ARTICLE} Number {n}."}).encode())
             for n in range(total))
    pulled = [0]
    runner = BatchRunner({"NEWSCLEAN_DEDUP": False}, jobs=jobs, chunksize=4)
    records = runner.run(counting(tasks, pulled))
    first = next(records)
    assert first["source"] == "doc0"
    assert pulled[0] <= runner.window * runner.chunksize + runner.chunksize
    rest = list(records)
    assert [r["source"] for r in rest] == [f"doc{n}" for n in range(1, total)]
    assert pulled[0] == total


# The runner's own behaviour, on a short chain (other stages are tested elsewhere).
MINIMAL_CHAIN = {
    "ITEM_PIPELINES": {
        "newsclean.stages.extract.ExtractStage": 100,
        "newsclean.stages.dedup.DedupStage": 600,
        "newsclean.stages.record.RecordStage": 900,
    }
}


@pytest.mark.parametrize("overrides", [MINIMAL_CHAIN, {}], ids=["minimal", "full"])
def test_runner_matches_the_single_process_chain(overrides: dict) -> None:
    texts = [ARTICLE, "Another story about trams and the city budget for next year, in detail.", ARTICLE]
    tasks = [Task(source=f"d{n}", kind="jsonl", data=json.dumps({"text": t}).encode()) for n, t in enumerate(texts)]
    records = list(BatchRunner(overrides, jobs=1).run(tasks))
    chain = build_chain(overrides)
    assert records == [chain.process(read_task(t)) for t in tasks]


def test_runner_drops_duplicates_in_the_parent() -> None:
    texts = [ARTICLE, "Another story about trams and the city budget for next year, in detail.", ARTICLE]
    tasks = [Task(source=f"d{n}", kind="jsonl", data=json.dumps({"text": t}).encode()) for n, t in enumerate(texts)]
    runner = BatchRunner(MINIMAL_CHAIN, jobs=1)
    records = list(runner.run(tasks))
    assert [r and r["source"] for r in records] == ["d0", "d1", None]
    assert runner.duplicates == 1
    assert records[0]["text"] == ARTICLE


class CrashStage(Stage):
    """Kills its process on a marked document, like a segfault in a C parser would."""

    name = "crash"

    def process(self, item) -> None:
        if "CRASH" in (item.get("body") or ""):
            os._exit(3)


def test_a_dying_worker_fails_only_its_document() -> None:
    overrides = {"ITEM_PIPELINES": {**MINIMAL_CHAIN["ITEM_PIPELINES"], f"{__name__}.CrashStage": 150}}
    texts = [f"{ARTICLE} Number {n}." + (" CRASH" if n in (10, 11, 25) else "") for n in range(30)]
    tasks = [Task(source=f"d{n}", kind="jsonl", data=json.dumps({"text": t}).encode()) for n, t in enumerate(texts)]
    records = list(BatchRunner(overrides, jobs=2, chunksize=4).run(tasks))
    assert [r["source"] for r in records] == [f"d{n}" for n in range(30)]
    for n in (10, 11, 25):
        assert records[n]["error"] == "internal: worker process died on this document"
    assert all(r["error"] is None and r["text"] for n, r in enumerate(records) if n not in (10, 11, 25))


class InterruptsItselfStage(Stage):
    """Sends its own process SIGINT on a marked document, as Ctrl-C in a terminal reaches every process."""

    name = "interrupted"

    def process(self, item) -> None:
        if "CTRL-C" in (item.get("body") or ""):
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_is_the_parents_not_the_workers() -> None:
    overrides = {"ITEM_PIPELINES": {**MINIMAL_CHAIN["ITEM_PIPELINES"], f"{__name__}.InterruptsItselfStage": 150}}
    texts = [f"{ARTICLE} Number {n}." + (" CTRL-C" if n == 7 else "") for n in range(20)]
    tasks = [Task(source=f"d{n}", kind="jsonl", data=json.dumps({"text": t}).encode()) for n, t in enumerate(texts)]
    try:
        records = list(BatchRunner(overrides, jobs=2, chunksize=4).run(tasks))
    except BaseException as exc:  # KeyboardInterrupt must not come back from a worker
        pytest.fail(f"the worker's SIGINT came back as {type(exc).__name__}")
    assert [r["source"] for r in records] == [f"d{n}" for n in range(20)]
    assert all(r["error"] is None and r["text"] for r in records)  # the worker neither died nor failed it


def test_workers_fork_from_a_single_threaded_parent_else_from_a_fork_server() -> None:
    import threading

    from newsclean.batch.runner import _pool_context

    if threading.active_count() != 1:
        pytest.skip("the test runner itself has threads here")
    assert _pool_context([]).get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:  # a fork would copy whatever lock that thread holds: a clean fork server instead
        assert _pool_context([]).get_start_method() == "forkserver"
    finally:
        stop.set()
        other.join()


def test_forked_workers_give_the_single_process_records() -> None:
    pages = [f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
             f"<p>{ARTICLE} The second sentence of story {n} adds detail about routes and fares.</p>"
             f"<p>Czytaj też: Inny tekst</p></article></body></html>" for n in range(20)]
    tasks = [Task(source=f"p{n}.html", kind="html", data=page.encode()) for n, page in enumerate(pages)]
    tasks += [Task(source=f"t{n}.txt", kind="text", data=f"{ARTICLE} Number {n}.\nReklama\n".encode()) for n in range(20)]
    overrides = {"NEWSCLEAN_DEDUP": False}
    parallel = list(BatchRunner(overrides, jobs=2, chunksize=4).run(tasks))
    serial = list(BatchRunner(overrides, jobs=1).run(tasks))
    assert parallel == serial
    assert all(record["error"] is None for record in parallel)
    # a run whose output shows no removals (no --explain, -q) leaves the lists in the workers
    for jobs in (1, 2):
        unexplained = list(BatchRunner(overrides, jobs=jobs, chunksize=4, keep_removed=False).run(tasks))
        assert all(record["removed"] == [] for record in unexplained)
        assert unexplained == [{**record, "removed": []} for record in serial]
    assert any(record["removed"] for record in serial)


def test_warm_up_leaves_no_trace_in_stage_counters() -> None:
    chain = build_chain(where="worker")
    chain.warm_up()
    assert chain.stats() == {} and chain.dropped == 0
