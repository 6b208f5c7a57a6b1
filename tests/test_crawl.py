"""Crawling: the real `scrapy crawl` command against a real local HTTP server (no internet).

Each crawl test runs .venv's `scrapy crawl <spider>` from the project root as a
subprocess and reads the exported JSONL. Assertions marked NEEDS-CLEANER depend
on the boilerplate cleaner (newsclean/boilerplate), the others only on the
crawl machinery and on what trafilatura removes by itself.
"""
from __future__ import annotations

import asyncio
import csv
import json
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from newsclean.chain import build_chain, load_settings, stage_classes
from newsclean.commands.crawl import join_repeated
from newsclean.pipelines import OFFLOAD_PATH, ProcessPoolStages
from newsclean.record import new_item
from newsclean.spiders.base import configure_crawl, entry_day
from newsclean.stages.base import Stage
from newsclean.state import CrawlState, content_hash
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
SCRAPY = str(Path(sys.executable).with_name("scrapy"))

RADA = "/pl/wiadomosci/rada-miasta-budzet.html"
POCIAGI = "/pl/wiadomosci/pociagi-remont.html"
FESTIWAL = "/pl/kultura/festiwal.html"
STARY = "/pl/wiadomosci/stary-artykul.html"
HARBOUR = "/en/news/harbour-bridge.html"
LIBRARY = "/en/news/library-opening.html"
TRAINS = "/slow/night-trains.html"
FERRY = "/en/news/ferry-timetable.html"  # reached only through a meta refresh (ferry-moved.html)


class Crawl:
    """One finished `scrapy crawl` run: its records (by URL path) and its log."""

    def __init__(self, site, out: Path, proc: subprocess.CompletedProcess) -> None:
        self.log = proc.stderr
        self.returncode = proc.returncode
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
        self.records = [json.loads(line) for line in lines if line.strip()]
        self.by_path = {r["url"].removeprefix(site.base): r for r in self.records}


def crawl(site, tmp_path: Path, spider: str, *args: str, name: str = "out", state: Path | None = None,
          workers: int = -1, settings: dict[str, str] | None = None) -> Crawl:
    """Run `scrapy crawl spider -a ... -O tmp/name.jsonl` with test-friendly settings."""
    out = tmp_path / f"{name}.jsonl"
    command = [SCRAPY, "crawl", spider, *args, "-O", str(out),
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0",
               "-s", f"NEWSCLEAN_WORKERS={workers}",
               "-s", f"NEWSCLEAN_STATE={state or ''}",
               "-s", "LOG_LEVEL=INFO"]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    proc = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=180)
    result = Crawl(site, out, proc)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert " ERROR: " not in proc.stderr, proc.stderr[-3000:]
    return result


# --- the whole site through robots.txt and sitemaps, with the process pool -----------
@pytest.fixture
def site_crawl(site_server, tmp_path):
    return crawl(site_server, tmp_path, "sitemap", "-a", f"url={site_server.base}/", workers=2)


def test_sitemap_crawl_exports_exactly_the_allowed_articles(site_server, site_crawl):
    # robots.txt → sitemap index → news sitemap + plain sitemap + archive; the in-domain
    # redirects (HTTP and meta refresh) are followed, the slow page arrives, everything
    # else is dropped.
    assert set(site_crawl.by_path) == {RADA, POCIAGI, FESTIWAL, STARY, HARBOUR, LIBRARY, TRAINS, FERRY}
    assert all(r["error"] is None for r in site_crawl.records)
    assert all(r["input_kind"] == "html" for r in site_crawl.records)
    assert all("removed" not in r for r in site_crawl.records)  # NEWSCLEAN_EXPLAIN is off
    # disallowed by robots.txt: never even requested
    assert "/private/secret.html" not in site_server.paths_requested()
    # off-domain redirect: dropped before fetching, with a logged reason
    assert site_server.paths_requested("localhost") == []
    assert "Dropped off-domain redirect" in site_crawl.log
    assert f"Dropped off-domain redirect: {site_server.base}/en/news/moved-away.html" in site_crawl.log  # meta refresh
    # non-HTML: fetched, dropped with a logged reason
    assert "Skipped non-HTML response" in site_crawl.log and "application/pdf" in site_crawl.log
    assert "usuniety" not in " ".join(site_crawl.by_path)  # the 404
    # the worker pool ran the CPU stages; its workers were forked by the command before
    # Scrapy built the crawler (prestart_pool)
    assert "run in a pool of 2 worker processes (started before the crawler)" in site_crawl.log
    # every request, robots.txt included, names newsclean and the contact page
    settings = load_settings()
    contact_agent = settings.get("USER_AGENT").replace("{contact}", settings.get("NEWSCLEAN_CONTACT_URL"))
    assert site_server.user_agents == {contact_agent}


def test_sitemap_crawl_removes_boilerplate_that_trafilatura_drops(site_crawl):
    rada = site_crawl.by_path[RADA]["text"]
    assert rada.startswith("Po trwającej niemal dziewięć godzin sesji")
    assert "Mieszkańcy mogą zapoznać się z pełnym dokumentem" in rada
    for gone in ("REKLAMA", "Czytaj także", "Komentarze zostały wyłączone", "Wideo:",
                 "Fot. Jan Kowalski", "Strona główna", "Wszelkie prawa zastrzeżone"):
        assert gone not in rada
    harbour = site_crawl.by_path[HARBOUR]["text"]
    assert "A full inspection will now take place every three years" in harbour
    for gone in ("Advertisement", "Related stories", "Comments are closed", "Video:",
                 "Photo: Anna Smith", "All rights reserved"):
        assert gone not in harbour
    assert len(harbour.split("\n\n")) == 5  # paragraphs separated by a blank line


def test_sitemap_crawl_boilerplate_needs_cleaner(site_crawl):
    # NEEDS-CLEANER: inline credit and "read more" lines that trafilatura keeps.
    assert "Fot. Archiwum organizatora" not in site_crawl.by_path[FESTIWAL]["text"]
    assert "Read more:" not in site_crawl.by_path[LIBRARY]["text"]


def test_sitemap_crawl_language_title_date_and_encoding(site_crawl):
    records = site_crawl.by_path
    assert {p: records[p]["language"]["code"] for p in (RADA, POCIAGI, FESTIWAL, HARBOUR, LIBRARY)} == {
        RADA: "pl", POCIAGI: "pl", FESTIWAL: "pl", HARBOUR: "en", LIBRARY: "en"}
    # windows-1250 declared only in the page's <meta>: decoded right
    assert "Już po raz dwunasty do Żółkiewki zjadą zespoły" in records[FESTIWAL]["text"]
    assert records[FESTIWAL]["title"] == "Festiwal muzyki dawnej w Żółkiewce"
    assert records[HARBOUR]["title"] == "Harbour bridge reopens after two years of repairs"
    # the page states no date: the news sitemap's publication date is used
    assert records[RADA]["date"]["value"] == "2024-06-18"
    assert records[RADA]["date"]["source"] == "sitemap"
    # the page's own date wins over the sitemap's (reached through the in-domain redirect)
    assert records[POCIAGI]["date"]["value"] == "2024-06-16"
    assert records[POCIAGI]["date"]["source"] != "sitemap"


def test_sitemap_since_skips_old_entries_and_old_child_sitemaps(site_server, tmp_path):
    result = crawl(site_server, tmp_path, "sitemap", "-a", f"url={site_server.base}/sitemap_index.xml",
                   "-a", "since=2024-06-17")
    # POCIAGI's news-sitemap entry is dated 2024-06-16
    assert set(result.by_path) == {RADA, FESTIWAL, HARBOUR, LIBRARY, TRAINS, FERRY}
    # the archive sitemap (lastmod 2019) is not even fetched
    assert "/sitemap-archive.xml" not in site_server.paths_requested()
    assert STARY not in site_server.paths_requested()


# --- feeds ------------------------------------------------------------------------------
def test_feed_spider_reads_rss_and_atom_with_dates_and_titles(site_server, tmp_path):
    result = crawl(site_server, tmp_path, "feed",
                   "-a", f"url={site_server.base}/feed.rss,{site_server.base}/feed.atom",
                   "-a", "since=2024-06-01")
    assert set(result.by_path) == {HARBOUR, LIBRARY + "?utm_source=rss", RADA, POCIAGI, FESTIWAL}
    # a FeedBurner entry: its original link, not the tracking redirector on another site
    assert site_server.paths_requested("localhost") == []
    festiwal = result.by_path[FESTIWAL]
    assert (festiwal["date"]["value"], festiwal["date"]["source"]) == ("2024-06-20", "feed")
    harbour = result.by_path[HARBOUR]
    # pubDate 00:30 +0200 is the 18th where it was written (the 17th in UTC)
    assert (harbour["date"]["value"], harbour["date"]["source"]) == ("2024-06-18", "feed")
    rada = result.by_path[RADA]  # Atom <published>
    assert (rada["date"]["value"], rada["date"]["source"]) == ("2024-06-18", "feed")
    assert STARY not in site_server.paths_requested()  # older than since


# --- articles: repeated -a url, urls_file, follow -----------------------------------------
def test_articles_spider_takes_repeated_urls_and_a_urls_file(site_server, tmp_path):
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text(f"# my list\n{site_server.base}{FESTIWAL}\n\nnot a url\n{site_server.base}/missing.html\n",
                         encoding="utf-8")
    result = crawl(site_server, tmp_path, "articles",
                   "-a", f"url={site_server.base}{RADA}", "-a", f"url={site_server.base}{HARBOUR}",
                   "-a", f"urls_file={urls_file}", "-O", str(tmp_path / "also.csv"),
                   settings={"NEWSCLEAN_CONTACT_URL": "https://example.org/about-our-crawler"})
    assert set(result.by_path) == {RADA, HARBOUR, FESTIWAL}
    assert site_server.user_agents == {"newsclean/0.1 (+https://example.org/about-our-crawler)"}
    assert "Skipped invalid URL 'not a url'" in result.log
    # a second stock feed export (FILE.csv) next to the JSONL: newsclean's flat CSV
    with (tmp_path / "also.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(row["url"].removeprefix(site_server.base) for row in rows) == sorted([RADA, HARBOUR, FESTIWAL])
    assert {row["language_code"] for row in rows} == {"pl", "en"}


def test_articles_spider_follows_matching_links_within_depth(site_server, tmp_path):
    result = crawl(site_server, tmp_path, "articles", "-a", f"url={site_server.base}{HARBOUR}",
                   "-a", "follow=/en/news/", settings={"DEPTH_LIMIT": "1"})
    # harbour links library (matches) and the night-trains page (does not match)
    assert set(result.by_path) == {HARBOUR, LIBRARY}


def test_join_repeated_spider_arguments():
    assert join_repeated(["url=a", "since=2024-01-01", "url=b,c"]) == ["url=a,b,c", "since=2024-01-01"]


# --- incremental re-crawls --------------------------------------------------------------
def test_second_crawl_exports_only_new_or_changed_articles(site_server, tmp_path):
    state = tmp_path / "state" / "crawl.sqlite"
    urls = [f"url={site_server.base}{p}" for p in (RADA, HARBOUR, LIBRARY)]
    args = [a for url in urls for a in ("-a", url)]
    first = crawl(site_server, tmp_path, "articles", *args, name="first", state=state)
    assert set(first.by_path) == {RADA, HARBOUR, LIBRARY}

    second = crawl(site_server, tmp_path, "articles", *args, name="second", state=state)
    assert second.records == []
    assert "skipped 3 unchanged" in second.log

    # one article is edited; a new one is listed: only those two come out
    page = (PROJECT / "fixtures/site" / HARBOUR.lstrip("/")).read_text(encoding="utf-8")
    site_server.overrides[HARBOUR] = page.replace("twenty thousand vehicles", "twenty-five thousand vehicles").encode()
    third = crawl(site_server, tmp_path, "articles", *args, "-a", f"url={site_server.base}{FESTIWAL}",
                  name="third", state=state)
    assert set(third.by_path) == {HARBOUR, FESTIWAL}
    assert "twenty-five thousand" in third.by_path[HARBOUR]["text"]
    assert "exported 1 new and 1 changed articles; skipped 2 unchanged" in third.log

    # the state can be switched off for one crawl
    fresh = crawl(site_server, tmp_path, "articles", *args, name="fresh", state=None)
    assert set(fresh.by_path) == {RADA, HARBOUR, LIBRARY}


def test_canonical_url_counts_as_seen(site_server, tmp_path):
    state = tmp_path / "state.sqlite"
    crawl(site_server, tmp_path, "articles", "-a", f"url={site_server.base}{LIBRARY}", name="a", state=state)
    # the same article under a tracking URL: its canonical link is already known
    again = crawl(site_server, tmp_path, "articles", "-a", f"url={site_server.base}{LIBRARY}?utm_source=rss",
                  name="b", state=state)
    assert again.records == []


def test_two_concurrent_crawls_share_one_state_file(site_server, tmp_path):
    state = tmp_path / "shared.sqlite"
    base = site_server.base
    commands = []
    for name, paths in (("one", (RADA, HARBOUR, FESTIWAL)), ("two", (HARBOUR, LIBRARY, POCIAGI))):
        command = [SCRAPY, "crawl", "articles", "-O", str(tmp_path / f"{name}.jsonl"),
                   "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0",
                   "-s", "NEWSCLEAN_WORKERS=-1", "-s", f"NEWSCLEAN_STATE={state}"]
        for path in paths:
            command += ["-a", f"url={base}{path}"]
        commands.append(command)
    procs = [subprocess.Popen(c, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    logs = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], logs
    exported = []
    for name in ("one", "two"):
        exported += [json.loads(line)["url"] for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
    # every article once in total: the shared one went to whichever crawl claimed it first
    assert sorted(exported) == sorted(f"{base}{p}" for p in (RADA, HARBOUR, FESTIWAL, LIBRARY, POCIAGI))
    db = CrawlState(state)
    assert db.integrity_ok()
    db.close()


def _hammer_state(path: str, worker: int, count: int) -> None:
    state = CrawlState(path)
    for i in range(count):
        # half the URLs are shared by both writers, half are their own
        url = f"http://example.com/shared/{i}" if i % 2 else f"http://example.com/w{worker}/{i}"
        state.check_and_remember([url], content_hash("t", f"text {i}"), dedup_content=False)
    state.close()


def test_state_survives_two_processes_writing_at_once(tmp_path):
    path = str(tmp_path / "state.sqlite")
    CrawlState(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer_state, args=(path, w, 200)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    state = CrawlState(path)
    assert state.integrity_ok()
    assert state.count() == 100 + 100 + 100  # shared odd i + each writer's even i
    assert state.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    state.close()


def test_state_verdicts(tmp_path):
    state = CrawlState(tmp_path / "s.sqlite")
    digest = content_hash("Title", "Body text")
    assert state.check_and_remember(["http://a.example/x#top"], digest).status == "new"
    assert state.check_and_remember(["HTTP://A.example/x"], digest).status == "unchanged"
    assert state.check_and_remember(["http://a.example/x"], content_hash("Title", "New")).status == "changed"
    assert state.check_and_remember(["http://a.example/copy"], content_hash("Title", "New")).status == "duplicate"
    state.close()


def test_a_feed_that_fails_to_store_confirms_nothing(site_server, tmp_path):
    # The only feed goes to an FTP server that is not there (a closed port on 127.0.0.1): Scrapy
    # stores FTP feeds at the end of the crawl, and that fails. The state must not remember the
    # articles as exported: the next crawl exports them.
    state = tmp_path / "state.sqlite"
    args = ["-a", f"url={site_server.base}{HARBOUR}", "-a", f"url={site_server.base}{FESTIWAL}"]
    nowhere = json.dumps({"ftp://user:secret@127.0.0.1:1/out.jsonl": {"format": "jsonlines"}})
    command = [SCRAPY, "crawl", "articles", *args, "-s", f"FEEDS={nowhere}", "-s", "AUTOTHROTTLE_ENABLED=0",
               "-s", "TELNETCONSOLE_ENABLED=0", "-s", "NEWSCLEAN_WORKERS=-1", "-s", f"NEWSCLEAN_STATE={state}"]
    failed = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=180)
    assert "feedexport/failed_count/FTPFeedStorage" in failed.stderr, failed.stderr[-3000:]
    again = crawl(site_server, tmp_path, "articles", *args, name="again", state=state)
    assert set(again.by_path) == {HARBOUR, FESTIWAL}
    assert "stay unconfirmed, and the next crawl exports them again" in failed.stderr


def _claim_then_die(path: str, url: str, digest: str) -> None:
    """A run killed outright (SIGKILL, out of memory) after claiming an article."""
    CrawlState(path).check_and_remember([url], digest)
    os.kill(os.getpid(), signal.SIGKILL)


def test_claims_count_once_confirmed_or_while_their_run_lives(tmp_path):
    path = tmp_path / "s.sqlite"
    digest = content_hash("Title", "Body text")
    first = CrawlState(path)
    assert first.check_and_remember(["http://a.example/x"], digest).status == "new"
    # a crawl running at the same time finds the article taken, under its URL and by its text
    second = CrawlState(path)
    assert second.check_and_remember(["http://a.example/x"], digest).status == "unchanged"
    assert second.check_and_remember(["http://a.example/copy"], digest).status == "duplicate"
    second.close()
    # the first run ends without confirming (its output was never written): its claim is void
    first.close()
    third = CrawlState(path)
    assert third.check_and_remember(["http://a.example/x"], digest).status == "new"
    assert third.confirm() == 1
    third.close()
    fourth = CrawlState(path)
    assert fourth.check_and_remember(["http://a.example/x"], digest).status == "unchanged"
    fourth.close()


def test_a_run_killed_outright_leaves_no_claim(tmp_path):
    path = str(tmp_path / "s.sqlite")
    digest = content_hash("Title", "Body text")
    killed = multiprocessing.get_context("spawn").Process(target=_claim_then_die, args=(path, "http://a.example/x", digest))
    killed.start()
    killed.join(timeout=60)
    assert killed.exitcode == -signal.SIGKILL
    assert len(os.listdir(path + ".runs")) == 1  # the dead run's lock file is still there
    state = CrawlState(path)
    assert state.check_and_remember(["http://a.example/x"], digest).status == "new"
    assert os.listdir(path + ".runs") == [state.run_id]  # swept: only this run's own
    state.close()
    assert os.listdir(path + ".runs") == []


def test_a_state_file_from_before_pending_claims_keeps_its_articles(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    digest = content_hash("Title", "Body text")
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE pages (url TEXT PRIMARY KEY, content_hash TEXT NOT NULL, record_id TEXT,"
                " first_seen REAL NOT NULL, last_seen REAL NOT NULL)")
    old.execute("INSERT INTO pages VALUES ('http://a.example/x', ?, 'r1', 1.0, 1.0)", (digest,))
    old.commit()
    old.close()
    state = CrawlState(path)
    assert state.check_and_remember(["http://a.example/x"], digest).status == "unchanged"
    assert state.integrity_ok()
    state.close()


def test_a_chain_in_a_with_block_confirms_its_claims_only_when_the_block_finishes(tmp_path):
    # Python API: `with build_chain(...) as chain:` ends the run. A block that raises (the
    # output could not be written) confirms nothing, and its claims lapse at once: in a
    # notebook the process lives on, and would otherwise keep them while it does.
    page = (PROJECT / "fixtures/site" / LIBRARY.lstrip("/")).read_text(encoding="utf-8")
    settings = {"NEWSCLEAN_STATE": str(tmp_path / "state.sqlite")}

    def article():
        return new_item(source="library", input_kind="html", html=page, url="https://news.example" + LIBRARY)

    with pytest.raises(OSError):
        with build_chain(settings) as chain:
            assert chain.process(article()) is not None
            raise OSError("disk full")
    with build_chain(settings) as chain:
        assert chain.process(article()) is not None  # exported again: the failed run confirmed nothing
    with build_chain(settings) as chain:
        assert chain.process(article()) is None  # confirmed by the block that finished


def test_a_crawl_killed_outright_loses_no_article(site_server, tmp_path):
    # A crawl killed before its output is written (SIGKILL, out of memory) must not leave its
    # last articles remembered as exported: the next crawl would skip them for good.
    state = tmp_path / "state.sqlite"
    urls = tmp_path / "urls.txt"
    # (a page without a canonical link: each URL is an article of its own for the state)
    wanted = {f"{site_server.base}{POCIAGI}?n={n}" for n in range(150)}
    urls.write_text("".join(f"{url}\n" for url in sorted(wanted)), encoding="utf-8")

    def command(out: Path) -> list[str]:
        return [SCRAPY, "crawl", "articles", "-a", f"urls_file={urls}", "-o", str(out),
                "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0", "-s", "NEWSCLEAN_WORKERS=2",
                "-s", f"NEWSCLEAN_STATE={state}", "-s", "NEWSCLEAN_DEDUP=0", "-s", "LOG_LEVEL=INFO"]

    first = tmp_path / "first.jsonl"
    proc = subprocess.Popen(command(first), cwd=PROJECT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (first.exists() and first.stat().st_size > 10_000) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the crawl ended before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    exported = set()
    for line in first.read_text(encoding="utf-8").splitlines():
        try:
            exported.add(json.loads(line)["url"])
        except ValueError:  # the line the kill cut short
            pass
    assert 0 < len(exported) < len(wanted)

    second = tmp_path / "second.jsonl"
    done = subprocess.run(command(second), cwd=PROJECT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    again = {json.loads(line)["url"] for line in second.read_text(encoding="utf-8").splitlines()}
    assert exported | again == wanted  # nothing lost
    # the killed crawl confirmed nothing: the second one exported every article (at least once)
    assert again == wanted
    # and, having finished, it confirmed them: a third crawl exports nothing
    third = tmp_path / "third.jsonl"
    done = subprocess.run(command(third), cwd=PROJECT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not third.exists() or third.read_text(encoding="utf-8") == ""
    assert "skipped 150 unchanged" in done.stderr


# --- the chain contract -------------------------------------------------------------------
FULL_CHAIN = ["extract", "clean", "title", "language", "date", "dedup", "record"]


def test_batch_chain_is_unchanged_and_crawl_chain_offloads_the_cpu_stages():
    assert [s.name for s in build_chain().stages] == FULL_CHAIN
    settings = load_settings()
    configure_crawl(settings)
    pipelines = dict(settings.getwithbase("ITEM_PIPELINES"))
    assert set(pipelines) == {OFFLOAD_PATH, "newsclean.stages.dedup.DedupStage", "newsclean.stages.record.RecordStage"}
    # the same stages, none copied, in the same order
    assert [cls.name for cls in stage_classes(settings)] == FULL_CHAIN
    assert settings.get("NEWSCLEAN_STATE") == ".newsclean/state.sqlite"
    assert load_settings().get("NEWSCLEAN_STATE") == ""  # batch feeder: state off


def test_configuring_a_crawl_twice_changes_nothing():
    # a spider subclass whose update_settings calls configure_crawl again
    once = load_settings()
    configure_crawl(once)
    twice = load_settings()
    configure_crawl(twice)
    configure_crawl(twice)
    assert dict(twice.getwithbase("ITEM_PIPELINES")) == dict(once.getwithbase("ITEM_PIPELINES"))
    assert twice.getdict("FEEDS") == once.getdict("FEEDS")
    for name in ("NEWSCLEAN_STAGES", "NEWSCLEAN_STATE", "USER_AGENT"):
        assert twice.get(name) == once.get(name), name
    assert [cls.name for cls in stage_classes(twice)] == FULL_CHAIN


def test_entry_day_keeps_the_writers_calendar_day():
    assert str(entry_day("Tue, 18 Jun 2024 00:30:00 +0200")) == "2024-06-18"
    assert str(entry_day("2024-06-18T23:59:00-07:00")) == "2024-06-18"
    assert entry_day("yesterday") is None


def test_crawl_settings_name_the_crawler_and_default_the_export():
    settings = load_settings()
    configure_crawl(settings)
    assert settings.get("USER_AGENT").startswith("newsclean/")
    assert settings.get("NEWSCLEAN_CONTACT_URL") in settings.get("USER_AGENT")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert not settings.getbool("HTTPCACHE_ENABLED")
    assert settings.getint("DOWNLOAD_MAXSIZE") > settings.getint("DOWNLOAD_WARNSIZE") > 0
    assert 0 < settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 8
    assert list(settings.getdict("FEEDS")) == ["out/%(name)s-%(time)s.jsonl"]  # no -o/-O given
    given = load_settings()
    given.set("FEEDS", {"mine.csv": {"format": "csv"}}, priority="cmdline")  # what -o does
    configure_crawl(given)
    assert list(given.getdict("FEEDS")) == ["mine.csv"]
    moved = load_settings({"NEWSCLEAN_STATE": ""})  # -s NEWSCLEAN_STATE= on the command line
    configure_crawl(moved)
    assert moved.get("NEWSCLEAN_STATE") == ""


# --- the pool itself ------------------------------------------------------------------------
class CrashOnMarkerStage(Stage):
    """Kills its worker process on a marked page, as a segfault in a C extension would."""

    name = "crash"

    def process(self, item) -> None:
        if "CRASH-HERE" in (item.get("html") or ""):
            os._exit(3)
        item["body"] = f"worker {os.getpid()}"


def one_worker_pool(stage: type[Stage]) -> ProcessPoolStages:
    """The pool pipeline with one (spawned) worker running ``stage``."""
    return ProcessPoolStages(Settings({"NEWSCLEAN_STAGES": [f"{__name__}.{stage.__name__}"],
                                       "NEWSCLEAN_WORKERS": 1, "NEWSCLEAN_POOL_START_METHOD": "spawn"}))


def clean_in_one_worker(stage: type[Stage], pages: dict[str, str], *,
                        at_once: bool = False) -> tuple[ProcessPoolStages, list[dict]]:
    """Run pages {source: html} through a one-worker (spawn) pool of ``stage``: one after
    another, or all at once; the pipeline (for its stats) and the records in page order."""
    pipeline = one_worker_pool(stage)

    async def run():
        await pipeline.open_spider()
        try:
            items = [new_item(source=source, input_kind="html", html=html) for source, html in pages.items()]
            if at_once:
                return list(await asyncio.gather(*(pipeline.process_item(item) for item in items)))
            return [await pipeline.process_item(item) for item in items]
        finally:
            await pipeline.close_spider()

    return pipeline, asyncio.run(run())


def test_pool_survives_a_worker_that_dies():
    _, (before, bad, after) = clean_in_one_worker(
        CrashOnMarkerStage, {"a": "<p>fine</p>", "b": "CRASH-HERE", "c": "<p>fine</p>"})
    assert before["error"] is None and before["body"].startswith("worker ")
    assert bad["error"].startswith("pool: worker process died")
    assert after["error"] is None and after["body"] != before["body"]  # a new worker process
    assert "html" not in after  # the page does not travel back from the worker


def test_a_dying_worker_fails_only_the_page_that_killed_it():
    # The executor fails every page in flight when one worker dies; those are tried again.
    pages = {"a": "<p>fine</p>", "b": "CRASH-HERE", "c": "<p>fine</p>", "d": "<p>fine</p>", "e": "<p>fine</p>"}
    pipeline, records = clean_in_one_worker(CrashOnMarkerStage, pages, at_once=True)
    by_source = {record["source"]: record for record in records}
    assert by_source["b"]["error"].startswith("pool: worker process died")
    assert all(by_source[s]["error"] is None and by_source[s]["body"].startswith("worker ") for s in "acde")
    assert pipeline.stats["retried"] >= 1


class EchoStage(Stage):
    """Says which page it saw and in which worker."""

    name = "echo"

    def process(self, item) -> None:
        item["body"] = f"{item['source']} in {os.getpid()}"


def test_pages_go_to_the_workers_in_batches():
    pages = {f"p{i}": "<p>fine</p>" for i in range(9)}
    pipeline, records = clean_in_one_worker(EchoStage, pages, at_once=True)
    assert [record["body"].split()[0] for record in records] == list(pages)  # each its own result
    # The pool holds a batch per worker plus one: the first two pages go at once, alone;
    # the other seven wait and leave as batches come back, 4 (the most) and then 3.
    assert pipeline.stats["batches"] == 4
    pipeline, records = clean_in_one_worker(EchoStage, {"a": "<p>fine</p>", "b": "<p>fine</p>"})
    assert pipeline.stats["batches"] == 2  # one page at a time, to an idle pool: each goes at once
    assert [record["body"].split()[0] for record in records] == ["a", "b"]


def test_a_page_that_cannot_cross_to_a_worker_fails_alone():
    """An item that cannot be pickled fails its batch as a whole; the others are sent again alone."""
    pipeline = one_worker_pool(EchoStage)

    async def run():
        await pipeline.open_spider()
        try:
            items = [new_item(source=source, input_kind="html", html="<p>fine</p>") for source in "abcd"]
            # a spider's mistake: not picklable. The third page: the first two go at once, alone,
            # to the idle pool; the third and fourth wait and leave together.
            items[2]["hints"] = {"callback": lambda: None}
            return await asyncio.gather(*(pipeline.process_item(item) for item in items))
        finally:
            await pipeline.close_spider()

    records = asyncio.run(run())
    assert pipeline.stats["batches"] == 3  # a, b, then c + d (which then go again alone, outside batches)
    assert [record["error"] is None for record in records] == [True, True, False, True]
    assert records[2]["error"].startswith("pool: ") and "pickle" in records[2]["error"].lower()
    assert [records[i]["body"].split()[0] for i in (0, 1, 3)] == ["a", "b", "d"]


class WritesDownStage(Stage):
    """Appends each page's source to the file named in its hints: which pages a worker ran."""

    name = "writes_down"

    def process(self, item) -> None:
        with open(item["hints"]["log"], "a", encoding="utf-8") as log:
            log.write(item["source"] + "\n")
        item["body"] = item["source"]


def test_a_page_cancelled_while_it_waits_is_not_sent(tmp_path):
    log = tmp_path / "ran.txt"
    pipeline = one_worker_pool(WritesDownStage)

    async def run():
        await pipeline.open_spider()
        try:
            await pipeline.ready  # the workers are up: pages go straight to the batches
            items = [new_item(source=source, input_kind="html", html="<p>fine</p>", hints={"log": str(log)})
                     for source in "abcdef"]
            tasks = [asyncio.ensure_future(pipeline.process_item(item)) for item in items]
            await asyncio.sleep(0)  # every task has started: a and b are in the pool, c-f wait
            assert [payload["source"] for payload, _ in pipeline.batches._waiting] == list("cdef")
            tasks[4].cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            return done
        finally:
            await pipeline.close_spider()

    results = asyncio.run(run())
    assert isinstance(results[4], asyncio.CancelledError)
    assert [record["body"] for i, record in enumerate(results) if i != 4] == list("abcdf")
    assert sorted(log.read_text().split()) == list("abcdf")  # e never reached the worker


def test_a_page_for_a_pool_already_shut_down_gets_an_error_not_a_restart():
    from concurrent.futures.process import BrokenProcessPool

    from newsclean.pipelines import PoolBatches

    async def run():
        pool = ProcessPoolExecutor(1)
        pool.shutdown()
        with pytest.raises(RuntimeError, match="shutdown") as raised:
            await PoolBatches(4, 1).submit(pool, new_item(source="a", input_kind="html", html="<p>x</p>"))
        assert not isinstance(raised.value, BrokenProcessPool)  # which would restart the pool

    asyncio.run(run())


class InterruptsItselfStage(Stage):
    """Sends its own process SIGINT on a marked page, as Ctrl-C in a terminal reaches every process of the crawl."""

    name = "interrupted"

    def process(self, item) -> None:
        if "CTRL-C" in (item.get("html") or ""):
            os.kill(os.getpid(), signal.SIGINT)
        item["body"] = f"worker {os.getpid()}"


def test_ctrl_c_in_a_worker_is_left_to_the_crawl():
    # Scrapy closes the spider gracefully on the first SIGINT; the workers go on cleaning
    # the pages in flight instead of sending KeyboardInterrupt back into the reactor.
    try:
        pipeline, (interrupted, after) = clean_in_one_worker(
            InterruptsItselfStage, {"a": "<p>CTRL-C</p>", "b": "<p>fine</p>"})
    except BaseException as exc:  # KeyboardInterrupt must not reach the caller (nor end the test run)
        pytest.fail(f"the worker's SIGINT came back as {type(exc).__name__}")
    assert interrupted["error"] is None and after["error"] is None
    assert interrupted["body"] == after["body"]  # the same worker process: the pool did not break
    assert pipeline.stats["pool_restarts"] == 0


def test_ctrl_c_closes_a_crawl_gracefully(site_server, tmp_path):
    # Ctrl-C in a terminal sends SIGINT to the whole process group: the command and its pool's
    # workers. Scrapy's first SIGINT closes the spider gracefully; the export must be complete.
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{site_server.base}{RADA}?n={n}\n" for n in range(1000)), encoding="utf-8")
    out = tmp_path / "out.json"
    command = [SCRAPY, "crawl", "articles", "-a", f"urls_file={urls}", "-O", str(out),
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0", "-s", "NEWSCLEAN_WORKERS=2",
               "-s", "NEWSCLEAN_STATE=", "-s", "NEWSCLEAN_DEDUP=0", "-s", "LOG_LEVEL=INFO"]
    proc = subprocess.Popen(command, cwd=PROJECT, start_new_session=True, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any("stages run in a pool" in line for line in list(log)) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # pages in flight in the workers
        os.killpg(proc.pid, signal.SIGINT)
        returncode = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    reader.join(timeout=5)
    text = "".join(log)
    assert returncode == 0, text[-3000:]
    assert "'finish_reason': 'shutdown'" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-3000:]
    records = json.loads(out.read_text(encoding="utf-8"))  # a complete JSON array
    assert records and all(r["error"] is None for r in records)
    assert _processes_mentioning(str(urls)) == []  # no worker outlives the crawl


def _processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line contains ``text`` (Linux /proc; forked workers keep their parent's)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:  # gone meanwhile
            continue
    return pids


class WaitsForReleaseStage(Stage):
    """Its set-up waits until the test creates a file: a worker that takes long to start."""

    name = "slow_start"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        release = Path(settings.get("TEST_RELEASE_FILE"))
        for _ in range(6000):  # at most a minute, so that a regression fails instead of hanging
            if release.exists():
                break
            time.sleep(0.01)

    def process(self, item) -> None:
        item["body"] = f"cleaned by worker {os.getpid()}"


def test_pool_starts_in_the_background_and_items_wait_for_it(tmp_path):
    release = tmp_path / "release"
    settings = Settings({"NEWSCLEAN_STAGES": [f"{__name__}.WaitsForReleaseStage"], "NEWSCLEAN_WORKERS": 1,
                         "NEWSCLEAN_POOL_START_METHOD": "spawn", "TEST_RELEASE_FILE": str(release)})
    pipeline = ProcessPoolStages(settings)

    async def run():
        await pipeline.open_spider()  # returns at once: the engine may fetch while workers start
        opened_before_the_workers = not pipeline.ready.done()
        item = asyncio.ensure_future(pipeline.process_item(new_item(source="a", input_kind="html", html="<p>x</p>")))
        await asyncio.sleep(0.2)
        item_waited = not item.done()
        release.touch()  # now the worker finishes its set-up
        try:
            return opened_before_the_workers, item_waited, await item
        finally:
            await pipeline.close_spider()

    opened_before_the_workers, item_waited, result = asyncio.run(run())
    assert opened_before_the_workers and item_waited
    assert result["error"] is None and result["body"].startswith("cleaned by worker ")
    assert pipeline.pool is None  # shut down at close


class FailsToSetUpStage(Stage):
    name = "broken"

    def __init__(self, settings) -> None:
        raise RuntimeError("no model here")


def test_pool_that_cannot_start_drops_items_with_the_reason():
    settings = Settings({"NEWSCLEAN_STAGES": [f"{__name__}.FailsToSetUpStage"], "NEWSCLEAN_WORKERS": 1,
                         "NEWSCLEAN_POOL_START_METHOD": "spawn"})
    pipeline = ProcessPoolStages(settings)

    async def run():
        await pipeline.open_spider()
        try:
            await pipeline.process_item(new_item(source="a", input_kind="html", html="<p>x</p>"))
        finally:
            await pipeline.close_spider()

    with pytest.raises(DropItem, match="the process pool could not start"):
        asyncio.run(run())


def test_crawl_whose_pool_cannot_start_closes_with_a_reason_and_exit_status_1(site_server, tmp_path):
    out = tmp_path / "out.jsonl"
    command = [SCRAPY, "crawl", "articles", "-a", f"url={site_server.base}{HARBOUR}", "-O", str(out),
               "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "TELNETCONSOLE_ENABLED=0", "-s", "NEWSCLEAN_STATE=",
               "-s", "NEWSCLEAN_WORKERS=1", "-s", "NEWSCLEAN_STAGES=newsclean.stages.no_such_stage.Stage"]
    proc = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 1
    assert "newsclean: the process pool could not start" in proc.stderr
    assert "No module named 'newsclean.stages.no_such_stage'" in proc.stderr  # the worker's own traceback
    assert "Closing spider (newsclean_pool_failed)" in proc.stderr
    assert not out.exists() or not out.read_text(encoding="utf-8").strip()


def test_fork_server_warm_up_builds_the_crawl_stages():
    # The fork server's preload swallows errors (a failed warm-up only costs speed), so check it here.
    import gc

    import newsclean.pipelines as pipelines

    try:
        pipelines.warm_up_in_fork_server()
    finally:
        gc.unfreeze()  # it freezes the collector's view of this (test) process
    settings = load_settings()
    configure_crawl(settings)
    assert [type(stage) for stage in pipelines._worker_chain.stages] == ProcessPoolStages.stage_classes(settings)


class PidStage(Stage):
    name = "pid"

    def process(self, item) -> None:
        item["body"] = f"worker {os.getpid()}"


def test_pipeline_takes_the_early_pool_only_if_started_with_its_settings():
    import newsclean.pipelines as pipelines

    def settings(**extra) -> Settings:
        return Settings({"NEWSCLEAN_STAGES": [f"{__name__}.PidStage"], "NEWSCLEAN_WORKERS": 1,
                         "NEWSCLEAN_POOL_START_METHOD": "spawn", **extra})

    async def crawl_one(pipeline: ProcessPoolStages) -> tuple[ProcessPoolExecutor, dict]:
        await pipeline.open_spider()
        try:
            item = await pipeline.process_item(new_item(source="a", input_kind="html", html="<p>x</p>"))
            return pipeline.pool, item
        finally:
            await pipeline.close_spider()

    spawn = multiprocessing.get_context("spawn")  # as prestart_pool forks; spawn is safe in a test process
    pipelines.start_early_pool(settings(), spawn)
    early = pipelines._early_pool.pool
    pool, item = asyncio.run(crawl_one(ProcessPoolStages(settings())))
    assert pool is early and item["body"].startswith("worker ")
    assert pipelines._early_pool is None  # taken once

    pipelines.start_early_pool(settings(), spawn)
    early = pipelines._early_pool.pool
    pool, item = asyncio.run(crawl_one(ProcessPoolStages(settings(TEST_OTHER="changed by the spider"))))
    assert pool is not early and item["body"].startswith("worker ")
    with pytest.raises(RuntimeError):  # shut down: its workers had the other settings
        early.submit(os.getpid)

    pipelines.start_early_pool(settings(), spawn)
    early = pipelines._early_pool.pool
    pipelines.discard_early_pool()  # the crawl never started
    assert pipelines._early_pool is None
    with pytest.raises(RuntimeError):
        early.submit(os.getpid)


def test_no_head_start_when_a_crawl_pools_nothing_or_spawns_its_pool():
    # (the head start itself is checked in a real crawl: test_sitemap_crawl_exports_exactly_the_allowed_articles)
    from newsclean.pipelines import _early_pool, prestart_pool

    crawl = load_settings()
    configure_crawl(crawl)
    stages_inline = {path: 100 + n for n, path in enumerate(crawl.getlist("NEWSCLEAN_STAGES"))}  # -s ITEM_PIPELINES=...
    for key, value in (("NEWSCLEAN_WORKERS", -1), ("NEWSCLEAN_POOL_START_METHOD", "spawn"), ("NEWSCLEAN_STAGES", []),
                       ("ITEM_PIPELINES", stages_inline)):
        other = crawl.copy()
        other.set(key, value, priority="cmdline")
        assert prestart_pool(other) is None
    assert _early_pool is None


def test_fork_server_head_start_only_when_a_crawl_pools_its_stages():
    from multiprocessing import forkserver

    from newsclean.pipelines import _fork_server_preload, prestart_fork_server

    crawl = load_settings()  # as `scrapy crawl` sees them before the spider configures the crawl
    configured = load_settings()
    configure_crawl(configured)  # CPU stages → the pool pipeline, listed in NEWSCLEAN_STAGES
    inline = crawl.copy()
    inline.set("NEWSCLEAN_WORKERS", -1)
    spawn = crawl.copy()
    spawn.set("NEWSCLEAN_POOL_START_METHOD", "spawn")
    fetch_only = crawl.copy()
    fetch_only.set("ITEM_PIPELINES", {})
    assert not prestart_fork_server(inline)
    assert not prestart_fork_server(spawn)
    assert not prestart_fork_server(fetch_only)
    # the same preload list the pool asks for later, and a live server
    assert prestart_fork_server(crawl)
    assert prestart_fork_server(configured)  # already running: the same server
    assert _fork_server_preload(configured.getlist("NEWSCLEAN_STAGES")) == [
        "newsclean.pool_preload", *(path.rpartition(".")[0] for path in configured.getlist("NEWSCLEAN_STAGES"))]
    pid = forkserver._forkserver._forkserver_pid
    assert pid is not None
    os.kill(pid, 0)  # raises if the server process does not exist


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_early_pool_workers_inherit_the_stages_set_up_once():
    # In a fresh process, as `scrapy crawl` does it: the stages are built there once,
    # and every forked worker runs that very chain instead of building its own.
    script = textwrap.dedent("""
        import multiprocessing
        import newsclean.pipelines as pipelines
        from newsclean.chain import load_settings
        from newsclean.spiders.base import configure_crawl

        def chain_id():
            return id(pipelines._worker_chain)

        settings = load_settings({"NEWSCLEAN_WORKERS": 2})
        configure_crawl(settings)
        pipelines.start_early_pool(settings, multiprocessing.get_context("fork"))
        pool = pipelines._early_pool.pool
        seen = {pool.submit(chain_id).result() for _ in range(6)}
        pipelines.discard_early_pool()
        print(len(pipelines._worker_chain.stages), seen == {id(pipelines._worker_chain)})
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5", "True"]


# --- the reactor reads a crawled page's bytes; the workers decode it ----------------------------
class CountingResponse(HtmlResponse):
    """An HtmlResponse that counts how often its whole body is decoded."""

    decoded = 0

    @property
    def text(self) -> str:
        CountingResponse.decoded += 1
        return super().text


_PADDING = b"<!-- " + b"x" * 90 + b" -->"
_UTF16_HEADER = {"Content-Type": "text/html; charset=utf-16"}
REFRESH_PAGES = {  # (headers, body)
    "no refresh": ({}, b'<html><head><meta charset="utf-8"><title>t</title></head><body>'
                       + "Zażółć gęślą jaźń. ".encode() * 2000 + b"</body></html>"),
    "refresh": ({}, b'<html><head><meta http-equiv="refresh" content="0; url=/next.html"></head><body>a</body></html>'),
    "refresh, capitals": ({}, b'<HTML><HEAD><META HTTP-EQUIV="Refresh" CONTENT="2;URL=\'next.html\'"></HEAD></HTML>'),
    "refresh in a script": ({}, b'<html><head><script>document.write(\'<meta http-equiv="refresh" content="0; url=/x">\')'
                                b'</script></head><body>a</body></html>'),
    "refresh past Scrapy's 4,096 characters": ({}, b"<html><head>" + _PADDING * 50
                                               + b'<meta http-equiv="refresh" content="0;url=/late.html"></head></html>'),
    "delay over METAREFRESH_MAXDELAY": ({}, b'<html><head><meta http-equiv="refresh" content="500; url=/slow.html"></head></html>'),
    "windows-1250": ({}, '<html><head><meta charset="windows-1250"><meta http-equiv="refresh" content="0;url=/żółw.html">'
                         '</head></html>'.encode("cp1250")),
    "utf-16": ({}, '<html><head><meta http-equiv="refresh" content="0; url=/utf16.html"></head></html>'.encode("utf-16")),
    # Scrapy reads a charset=utf-16 body without a byte-order mark as big-endian, Python's codec as little-endian
    "utf-16 in the header, no byte-order mark": (_UTF16_HEADER, '<html><head><meta http-equiv="refresh"'
                                                 ' content="0; url=/utf16-be.html"></head></html>'.encode("utf-16-be")),
    # past 16 KB of bytes, within Scrapy's 4,096 characters: ISO-2022-JP's shifts take bytes, not characters
    "iso-2022-jp": ({}, ("<html><head><meta charset='iso-2022-jp'><title>" + "日a" * 1850 + "</title>"
                         "<meta http-equiv='refresh' content='0;url=/next.html'></head></html>").encode("iso2022_jp")),
}


@pytest.mark.parametrize("case", list(REFRESH_PAGES))
def test_meta_refresh_redirects_exactly_as_scrapys_own_middleware(case):
    from scrapy import Request
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
    from scrapy.utils.test import get_crawler

    from newsclean.middlewares import MetaRefreshMiddleware

    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True})
    request = Request("https://news.example/a/page.html")
    headers, body = REFRESH_PAGES[case]
    answers = []
    for middleware in (ScrapyMetaRefresh.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)):
        response = CountingResponse(request.url, headers=headers, body=body, request=request)
        answer = middleware.process_response(request, response)
        answers.append(answer.url if isinstance(answer, Request) else "no redirect")
    assert answers[0] == answers[1]
    # (Scrapy 2.19 ignores a refresh inside <noscript> only: one written by a script counts)
    redirects = ("refresh", "refresh, capitals", "refresh in a script", "windows-1250", "utf-16",
                 "utf-16 in the header, no byte-order mark", "iso-2022-jp")
    assert (answers[1] != "no redirect") == (case in redirects)


def test_a_page_without_refresh_is_not_decoded_in_the_reactor():
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from newsclean.middlewares import MetaRefreshMiddleware
    from newsclean.spiders.base import NewsSpider

    request = Request("https://news.example/a/page.html")
    body = (b'<html><head><meta charset="utf-8"><link rel="canonical" href="/a/page.html"></head><body>'
            + "Zażółć gęślą jaźń. ".encode() * 2000 + b"</body></html>")
    response = CountingResponse(request.url, body=body, request=request)
    CountingResponse.decoded = 0
    middleware = MetaRefreshMiddleware.from_crawler(get_crawler(settings_dict={"METAREFRESH_ENABLED": True}))
    assert middleware.process_response(request, response) is response
    assert NewsSpider.canonical_url(response) == "https://news.example/a/page.html"
    assert CountingResponse.decoded == 0


_JIS_SPELLING_HEAD_END = b"\x1b$B</head>!\x1b(B".decode("iso2022_jp")  # two kanji whose JIS bytes spell </head>
HEAD_PAGES = {  # (headers, body, the canonical link's href or None)
    "utf-8, header charset": ({"Content-Type": "text/html; charset=utf-8"},
                              '<html><head><title>Żółw</title><link rel="canonical" href="/a/żółw-1.html">'
                              '</head><body><p>treść</p></body></html>'.encode(), "/a/żółw-1.html"),
    "windows-1250 in <meta>": ({}, '<html><head><meta charset="windows-1250"><base href="https://news.example/pl/">'
                                   '<link href="wiadomosci/żółw-2.html" rel="canonical"></head><body>x</body></html>'
                                   .encode("cp1250"), "wiadomosci/żółw-2.html"),
    "utf-16 with a BOM": ({}, '<html><head><link rel="canonical" href="/a/utf16-3.html"></head><body>x</body></html>'
                              .encode("utf-16"), "/a/utf16-3.html"),
    "no </head>, a <body>": ({}, b"<html><link rel=canonical href=/a/bare-4.html><body><p>x</p></body></html>",
                             "/a/bare-4.html"),
    "neither": ({}, b"<link rel='canonical' href='/a/only-5.html'><p>x</p>", "/a/only-5.html"),
    "canonical link in the body": ({}, b'<html><head></head><body><link rel="canonical" href="/a/late-6.html"></body></html>',
                                   None),
    # <base href> counts anywhere in the first 4,096 characters, as for response.urljoin
    "<base> after </head>": ({}, b'<html><head><link rel="canonical" href="story-7.html"></head>'
                                 b'<body><base href="https://news.example/world/"><p>x</p></body></html>', "story-7.html"),
    "iso-2022-jp": ({}, ("<html><head><meta charset='iso-2022-jp'><title>" + _JIS_SPELLING_HEAD_END + "</title>"
                         "<link rel='canonical' href='/a/jis-8.html'></head><body>x</body></html>").encode("iso2022_jp"),
                    "/a/jis-8.html"),
}


@pytest.mark.parametrize("case", list(HEAD_PAGES))
def test_canonical_link_is_read_from_the_head_as_response_text_has_it(case):
    from newsclean.spiders.base import NewsSpider, head_text

    headers, body, href = HEAD_PAGES[case]
    response = HtmlResponse("https://news.example/a/page.html", headers=headers, body=body)
    head = head_text(response)
    assert response.text.startswith(head)
    assert "<body" not in head.lower() and "</head" not in head.lower()
    # resolved as Scrapy's response.urljoin resolves it (<base href> included)
    assert NewsSpider.canonical_url(response) == (response.urljoin(href) if href else None)


def test_crawled_bytes_with_their_encoding_give_the_record_the_text_gives():
    page = (PROJECT / "fixtures/site" / FESTIWAL.lstrip("/")).read_bytes()  # windows-1250, declared in <meta>
    response = HtmlResponse("https://news.example" + FESTIWAL, body=page)
    chain = build_chain({"NEWSCLEAN_DEDUP": False})
    from_bytes, _ = chain.run(new_item(source=response.url, input_kind="html", html=response.body,
                                       encoding=response.encoding, url=response.url))
    from_text, _ = chain.run(new_item(source=response.url, input_kind="html", html=response.text, url=response.url))
    assert from_bytes == from_text
    assert "Już po raz dwunasty do Żółkiewki zjadą zespoły" in from_bytes["text"]


@pytest.mark.parametrize("headers, body", [
    ({}, "<p>Zażółć gęślą jaźń</p>".encode("cp1250")),  # no charset: charset-normalizer's guess
    ({}, bytes(range(0x80, 0x100)) * 3),  # no guess either: Scrapy falls back to "ascii"
    ({"Content-Type": "text/html; charset=utf-16"}, "<p>big-endian</p>".encode("utf-16-be")),
    ({}, "<meta charset=iso-2022-jp><p>日本語の記事</p>".encode("iso2022_jp")),
    ({"Content-Type": "text/html; charset=iso-8859-1"}, b"\xef\xbb\xbf<p>a byte-order mark wins: \xc5\xbc</p>"),
])
def test_what_a_spider_hands_the_pool_reads_as_response_text(headers, body):
    from newsclean.batch.decode import decode_as
    from newsclean.spiders.base import NewsSpider

    from scrapy import Request

    request = Request("https://news.example/a/page.html")
    response = HtmlResponse(request.url, headers=headers, body=body, request=request)
    item = next(iter(NewsSpider(name="test").parse_article(response)))
    page = item["html"]
    assert (decode_as(page, item["encoding"]) if isinstance(page, bytes) else page) == response.text


def test_two_crawls_in_one_process_keep_the_collector_frozen_until_the_last_closes():
    import gc

    settings = Settings({"NEWSCLEAN_WORKERS": -1})  # inline: no pool to start
    first, second = ProcessPoolStages(settings), ProcessPoolStages(settings)

    async def crawl_two():
        await first.open_spider()
        await second.open_spider()
        await first.close_spider()
        frozen_while_one_runs = gc.get_freeze_count()
        await second.close_spider()
        return frozen_while_one_runs, gc.get_freeze_count()

    while_one_runs, after_both = asyncio.run(crawl_two())
    assert while_one_runs > 0
    assert after_both == 0

    # a crawl whose stages cannot be built does not leave the collector frozen either
    broken = ProcessPoolStages(Settings({"NEWSCLEAN_WORKERS": -1, "NEWSCLEAN_STAGES": [f"{__name__}.FailsToSetUpStage"]}))
    with pytest.raises(RuntimeError, match="no model here"):
        asyncio.run(broken.open_spider())
    assert gc.get_freeze_count() == 0


def test_a_dropped_article_is_named_not_printed(caplog: pytest.LogCaptureFixture) -> None:
    """A crawl's log names a dropped article by its URL; Scrapy's own formatter prints the whole item."""
    from scrapy import Spider
    from scrapy.exceptions import DropItem
    from scrapy.utils.log import logformatter_adapter
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    formatter = load_object(load_settings()["LOG_FORMATTER"]).from_crawler(get_crawler())
    item = {"url": "https://example.com/b.html", "body": "The whole article text. " * 50}
    logger = logging.getLogger("test-dropped")
    with caplog.at_level(logging.INFO, logger="test-dropped"):
        for exception in (DropItem("same text as https://example.com/a.html", log_level="INFO"),
                          DropItem("unchanged since an earlier crawl: https://example.com/b.html", log_level="INFO")):
            logger.log(*logformatter_adapter(formatter.dropped(item, exception, None, Spider("articles"))))
    assert caplog.messages == ["Dropped https://example.com/b.html: same text as https://example.com/a.html",
                               "Dropped: unchanged since an earlier crawl: https://example.com/b.html"]
    assert all(record.levelno == logging.INFO for record in caplog.records)
