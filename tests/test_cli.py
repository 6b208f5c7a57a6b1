"""`newsclean clean`: the real command line (subprocess) and main() in-process."""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

from newsclean.cli import main
from newsclean.record import schema

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "batch"
SCRIPT = Path(sys.executable).with_name("newsclean")
NO_DEDUP = ["--set", "NEWSCLEAN_DEDUP=0"]
POLISH_SENTENCE = "Źródło zbliżone do ratusza twierdzi, że w przyszłym roku miasto ogłosi kolejny przetarg"
ENGLISH_SENTENCE = "The operator stressed that drivers have already been trained"

# The mixed folder in input order: sorted names, folders entered where they sort.
MIXED_ORDER = [
    "archive.txt", "article_en.html", "article_en.html.gz", "broken.html", "dump_en.txt", "dump_en.txt.gz",
    "dump_pl_cp1250.txt", "dump_pl_iso88592.txt", "empty.txt", "image.html", "nested/page.dat.htm",
    "pages.jsonl#L1", "pages.jsonl#L2", "pages.jsonl#L4", "pages.jsonl#L5", "pages.jsonl.gz#L1", "pages.jsonl.gz#L2",
    "pl_cp1250_meta.html", "pl_cp1250_nometa.html", "pl_iso88592_meta.htm", "pl_iso88592_nometa.html",
]
EXPECTED_ERRORS = {
    "archive.txt": "read: binary content",
    "empty.txt": "read: empty input",
    "image.html": "read: binary content",
    "pages.jsonl#L4": "read: invalid JSON line",
    "pages.jsonl#L5": "read: JSON line has no 'html' or 'text' string",
}
POLISH_DOCS = {"dump_pl_cp1250.txt", "dump_pl_iso88592.txt", "nested/page.dat.htm", "pages.jsonl#L2",
               "pages.jsonl.gz#L2", "pl_cp1250_meta.html", "pl_cp1250_nometa.html", "pl_iso88592_meta.htm",
               "pl_iso88592_nometa.html"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def validate(records: list[dict]) -> None:
    validator = Draft202012Validator(schema())
    for rec in records:
        validator.validate(rec)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """A folder holding every kind of input, good and bad, plus a non-input file."""
    folder = tmp_path_factory.mktemp("mixed") / "in"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("make_fixtures.py", "__pycache__"))
    (folder / "nested").mkdir()
    shutil.copy(FIXTURES / "pl_iso88592_nometa.html", folder / "nested" / "page.dat.htm")
    return folder


@pytest.fixture(scope="module")
def mixed_run(mixed: Path) -> dict:
    """The real command line, two workers, over the mixed folder (run once for several tests)."""
    before = fingerprint(mixed)
    out = mixed.parent / "out" / "records.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "newsclean", "clean", str(mixed), "-o", str(out), "-j", "2", "--explain", *NO_DEDUP],
        capture_output=True, text=True, timeout=300,
    )
    return {"proc": proc, "out": out, "before": before, "after": fingerprint(mixed)}


def relative(record: dict, folder: Path) -> str:
    return record["source"][len(str(folder)) + 1:]


def test_mixed_folder_order_errors_and_exit_status(mixed: Path, mixed_run: dict) -> None:
    proc = mixed_run["proc"]
    assert proc.returncode == 1, proc.stderr
    records = read_jsonl(mixed_run["out"])
    assert [relative(r, mixed) for r in records] == MIXED_ORDER
    validate(records)
    for rec in records:
        name = relative(rec, mixed)
        if name in EXPECTED_ERRORS:
            assert rec["error"].startswith(EXPECTED_ERRORS[name]), rec["error"]
            assert rec["text"] == ""
        else:
            assert rec["error"] is None, (name, rec["error"])
            assert (POLISH_SENTENCE if name in POLISH_DOCS else ENGLISH_SENTENCE) in rec["text"], name
    by_name = {relative(r, mixed): r for r in records}
    assert by_name["image.html"]["input_kind"] == "html" and by_name["archive.txt"]["input_kind"] == "text"
    assert by_name["pages.jsonl#L1"]["url"] == "https://example.org/news/buses-en"
    assert by_name["dump_pl_iso88592.txt"]["language"]["code"] == "pl"
    assert all("removed" in r for r in records)  # --explain


def test_mixed_folder_summary(mixed_run: dict) -> None:
    stderr = mixed_run["proc"].stderr
    assert f"{len(MIXED_ORDER)} documents in, {len(MIXED_ORDER)} records out" in stderr
    assert f"errors: {len(EXPECTED_ERRORS)}" in stderr
    assert "skipped files: 1" in stderr  # notes.json
    assert mixed_run["proc"].stdout == ""
    assert "doc [" not in stderr  # no progress bar when stderr is not a terminal


def test_inputs_are_never_modified(mixed_run: dict) -> None:
    assert mixed_run["after"] == mixed_run["before"]


def test_one_and_two_workers_give_identical_output(mixed: Path, mixed_run: dict, tmp_path: Path) -> None:
    out = tmp_path / "serial.jsonl"
    assert main(["clean", str(mixed), "-o", str(out), "-j", "1", "--explain", "-q", *NO_DEDUP]) == 1
    assert out.read_bytes() == mixed_run["out"].read_bytes()


def test_stdin_to_stdout_with_the_console_script(tmp_path: Path) -> None:
    data = (FIXTURES / "dump_pl_cp1250.txt").read_bytes()
    proc = subprocess.run([str(SCRIPT), "clean", "-", "-o", "-", "-j", "1"], input=data, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(records) == 1
    assert records[0]["source"] == "-" and records[0]["input_kind"] == "text"
    assert POLISH_SENTENCE in records[0]["text"]
    assert b"1 documents in, 1 records out" in proc.stderr
    validate(records)


def test_html_on_stdin_is_sniffed(capsysbinary, monkeypatch) -> None:
    class Stdin:
        buffer = __import__("io").BytesIO(gzip.compress((FIXTURES / "pl_cp1250_meta.html").read_bytes()))

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert main(["clean", "-", "-j", "1", "-q"]) == 0
    record = json.loads(capsysbinary.readouterr().out)
    assert record["input_kind"] == "html" and record["source"] == "-"
    assert POLISH_SENTENCE in record["text"]


def test_make_run_equivalent(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out" / "articles.jsonl"  # out/ does not exist yet
    status = main(["clean", "seeds/", "-o", str(out), "-j", "1"])
    records = read_jsonl(out)
    assert len(records) == 5
    assert [r["source"] for r in records] == sorted(f"seeds/{p.name}" for p in (ROOT / "seeds").glob("*.txt"))
    assert status == (1 if any(r["error"] for r in records) else 0)
    err = capsys.readouterr().err
    assert "5 documents in, 5 records out" in err and "skipped files: 5" in err
    validate(records)
    # Without the trailing slash the sources read the same.
    assert main(["clean", "seeds", "-o", str(out), "-j", "1", "-q"]) == status
    assert [r["source"] for r in read_jsonl(out)] == [r["source"] for r in records]


def test_explain_adds_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    plain, explained = tmp_path / "plain.jsonl", tmp_path / "explained.jsonl"
    main(["clean", "seeds", "-o", str(plain), "-j", "1", "-q"])
    main(["clean", "seeds", "-o", str(explained), "-j", "1", "-q", "--explain"])
    without, with_ = read_jsonl(plain), read_jsonl(explained)
    assert all("removed" not in r for r in without)
    assert all(isinstance(r["removed"], list) for r in with_)
    # Boilerplate is cut from the sample dumps, and each cut names its rule.
    removals = [cut for r in with_ for cut in r["removed"]]
    assert removals and all(cut["rule"] and cut["text"] for cut in removals)
    assert [{k: v for k, v in r.items() if k != "removed"} for r in with_] == without
    validate(with_)


def test_csv_and_parquet_outputs_read_back(tmp_path: Path) -> None:
    inputs = [str(FIXTURES / n) for n in ("pl_cp1250_meta.html", "dump_en.txt.gz", "empty.txt")]
    jsonl, csv_out, parquet_out = tmp_path / "r.jsonl", tmp_path / "r.csv", tmp_path / "r.parquet"
    for out in (jsonl, csv_out, parquet_out):
        assert main(["clean", *inputs, "-o", str(out), "-j", "1", "-q"]) == 1  # empty.txt fails
    records = read_jsonl(jsonl)
    with csv_out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    table = pq.read_table(parquet_out).to_pylist()
    assert [r["source"] for r in rows] == [r["source"] for r in table] == inputs
    for rec, row, prow in zip(records, rows, table):
        assert row["text"] == prow["text"] == rec["text"]
        assert row["language_code"] == prow["language_code"] == rec["language"]["code"]
        assert (row["error"] or None) == prow["error"] == rec["error"]
        assert int(row["chars_out"]) == prow["chars_out"] == rec["stats"]["chars_out"]
    assert POLISH_SENTENCE in rows[0]["text"]


def test_format_option_beats_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "records.out"
    assert main(["clean", str(FIXTURES / "dump_en.txt"), "-o", str(out), "-f", "csv", "-j", "1", "-q"]) == 0
    assert out.read_text("utf-8").startswith("id,url,source,input_kind,title,text,")


def test_twenty_megabyte_page(tmp_path: Path) -> None:
    """A huge page (inline app state and images, as real pages have) still gives a record."""
    article = "".join(f"<p>Paragraph {i}: {ENGLISH_SENTENCE} to drive the new electric buses.</p>" for i in range(30))
    state = json.dumps({"items": [{"id": i, "headline": f"Headline {i}", "body": "lorem ipsum " * 20} for i in range(2000)]})
    image = "iVBORw0KGgo" * 20000
    chunk = f"<script>window.__STATE__={state}</script>\n<img alt='' src='data:image/png;base64,{image}'>\n"
    head = "<!DOCTYPE html><html><head><title>Big page</title></head><body><nav>Home News</nav><article>"
    page = head + article + chunk * (20_000_000 // len(chunk) + 1) + "</article></body></html>"
    path = tmp_path / "big.html"
    path.write_text(page, encoding="utf-8")
    out = tmp_path / "big.jsonl"
    main(["clean", str(path), "-o", str(out), "-j", "1", "-q"])
    [record] = read_jsonl(out)
    assert len(page) >= 20_000_000
    assert record["error"] is None
    assert record["stats"]["chars_in"] == len(page)
    assert record["title"] == "Big page"
    assert ENGLISH_SENTENCE in record["text"]
    validate([record])


def test_output_inside_an_input_folder_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "dump_en.txt", folder / "a.txt")
    out = folder / "out.jsonl"
    for _ in range(2):
        assert main(["clean", str(folder), "-o", str(out), "-j", "1", "-q"]) == 0
        assert [r["source"] for r in read_jsonl(out)] == [str(folder / "a.txt")]


def test_duplicates_are_dropped_and_counted(tmp_path: Path, capsys) -> None:
    inputs = [str(FIXTURES / n) for n in ("dump_en.txt", "dump_en.txt.gz", "dump_pl_cp1250.txt")]
    out = tmp_path / "d.jsonl"
    assert main(["clean", *inputs, "-o", str(out), "-j", "1"]) == 0
    assert [r["source"] for r in read_jsonl(out)] == [inputs[0], inputs[2]]
    assert "duplicates: 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["clean", "does/not/exist.html"],
        ["clean", str(FIXTURES / "dump_en.txt"), "--set", "NOEQUALS"],
        ["clean", str(FIXTURES / "dump_en.txt"), "-j", "0"],
        ["clean", str(FIXTURES / "dump_en.txt"), "-f", "xml"],
        ["clean", str(FIXTURES / "dump_en.txt"), "-o", str(FIXTURES)],
        ["clean", str(FIXTURES / "dump_en.txt"), "-o", str(FIXTURES / "dump_en.txt")],
        ["clean", str(FIXTURES / "dump_en.txt"), "--set", 'ITEM_PIPELINES={"newsclean.stages.nope.Nope": 1}'],
        ["clean"],
        [],
    ],
    ids=["missing-path", "bad-set", "zero-jobs", "bad-format", "output-is-a-folder", "output-is-an-input", "unknown-stage", "no-path", "no-command"],
)
def test_usage_errors_exit_with_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "error" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    """stderr on a terminal (a real pseudo-terminal here) shows tqdm's bar; a pipe does not."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # rows, cols
    proc = subprocess.Popen(
        [str(SCRIPT), "clean", str(FIXTURES / "dump_en.txt"), "-o", str(tmp_path / "o.jsonl"), "-j", "1"],
        stdout=subprocess.DEVNULL, stderr=slave,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    assert b"newsclean: 1doc [" in shown  # tqdm's bar
    assert b"1 documents in, 1 records out" in shown  # the summary


def test_batch_with_a_state_file_confirms_once_the_output_is_written(tmp_path: Path) -> None:
    # The crawl state in the batch feeder (--set NEWSCLEAN_STATE=...): a second run over the
    # same seeds exports nothing, because the first confirmed its articles after closing its output.
    state = tmp_path / "state.sqlite"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    seeds = str(ROOT / "seeds")
    assert main(["clean", seeds, "-o", str(first), "-j", "1", "-q", "--set", f"NEWSCLEAN_STATE={state}"]) == 0
    assert len(read_jsonl(first)) == 5
    assert main(["clean", seeds, "-o", str(second), "-j", "2", "-q", "--set", f"NEWSCLEAN_STATE={state}"]) == 0
    assert read_jsonl(second) == []
    assert os.listdir(f"{state}.runs") == []  # both runs ended and removed their lock files
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT COUNT(*), SUM(pending) FROM pages").fetchone() == (5, 0)
