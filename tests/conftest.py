"""Shared fixtures. ``site_server``: a real HTTP server on 127.0.0.1 serving fixtures/site/."""
from __future__ import annotations

import mimetypes
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SITE_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "site"


@pytest.fixture(autouse=True, scope="session")
def scrapy_state_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory):
    """Keep the tests' crawls out of the user's state folder.

    Scrapy 2.19 writes a job file for its remote-control server under the user's state
    folder (``XDG_STATE_HOME``) for every crawl, and a crawl that a test kills never removes
    its file. The crawls run as subprocesses and inherit this environment.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("xdg-state")))
        yield


CONTENT_TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}


class FixtureSite:
    """fixtures/site/ over HTTP, with ``{BASE}`` in files replaced by the server's base URL
    (``{OTHER}``: the same server under another site's name, see below).

    Special paths: /redirect/in (301 to a page on the same site), /redirect/out
    (302 to the same server under the name ``localhost``, i.e. another site),
    /slow/* (answered after ``slow_seconds``). ``overrides`` replaces a path's
    body for one test (None = 404); ``requested`` lists every path asked for,
    ``user_agents`` every User-Agent header sent.
    """

    def __init__(self, root: Path = SITE_ROOT, slow_seconds: float = 1.0) -> None:
        self.root = root
        self.slow_seconds = slow_seconds
        self.overrides: dict[str, bytes | None] = {}
        self.requested: list[tuple[str, str]] = []  # (host header, path)
        self.user_agents: set[str] = set()  # every User-Agent header sent
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.other_site = f"http://localhost:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FixtureSite":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def paths_requested(self, host_prefix: str = "127.0.0.1") -> list[str]:
        with self._lock:
            return [path for host, path in self.requested if host.startswith(host_prefix)]

    def body_for(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/redirect/in":
            return 301, {"Location": f"{self.base}/pl/wiadomosci/pociagi-remont.html"}, b""
        if path == "/redirect/out":
            return 302, {"Location": f"{self.other_site}/en/news/offsite-target.html"}, b""
        if path.startswith("/slow/"):
            time.sleep(self.slow_seconds)
        if path in self.overrides:
            data = self.overrides[path]
        else:
            file = (self.root / path.lstrip("/")).resolve()
            inside = file == self.root or self.root in file.parents
            data = file.read_bytes() if inside and file.is_file() else None
        if data is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>Not found</h1></body></html>"
        suffix = Path(path).suffix
        ctype = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        if suffix == ".html" and _is_utf8(data):
            ctype += "; charset=utf-8"  # other encodings are declared in the page only
        return 200, {"Content-Type": ctype}, data.replace(b"{BASE}", self.base.encode()).replace(
            b"{OTHER}", self.other_site.encode())

    def _handler_class(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as news sites' servers and the crawl benchmark's run: with HTTP/1.0 every
            # page costs a new connection. Nagle off: a kept-alive connection would otherwise wait
            # for the client's delayed ACK (40 ms) before a response's last segment.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = urlsplit(self.path).path
                with site._lock:
                    site.requested.append((self.headers.get("Host", ""), path))
                    site.user_agents.add(self.headers.get("User-Agent", ""))
                status, headers, body = site.body_for(path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        return Handler


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.fixture
def site_server():
    site = FixtureSite().start()
    try:
        yield site
    finally:
        site.stop()
