"""A tiny local web server that replays an EFF-like site for end-to-end tests.

The product fetches real HTTP (conditional GETs, status codes, redirects), so
the tests serve real HTTP too instead of mocking the client.
"""

from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import urlsplit


class RecordedRequest(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]


class _Page(NamedTuple):
    status: int
    body: bytes
    headers: dict[str, str]
    delay: float = 0.0  # seconds to sleep before answering (read timeouts)
    framing: str = "length"  # how the body is delimited; see ReplaySite.set
    trickle: float = 0.0  # seconds between single bytes of the body (a slow-loris server)


FRAMINGS = ("length", "chunked", "close", "truncate", "cut-chunk")


class LoopbackServer(ThreadingHTTPServer):
    """A threaded server with a production-sized accept queue: the default of 5 drops the SYNs of
    a client opening eight connections at once, and each dropped one costs a 1 s retransmit."""

    request_queue_size = 128


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Start a threaded server on a free 127.0.0.1 port; shared with receivers."""
    server = LoopbackServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False  # idle keep-alive clients must not block stop()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",")}
    return etag in tags or "*" in tags


class ReplaySite:
    """Serves pages set by the test; answers GET/HEAD, 304 on a matching ETag, else 404."""

    def __init__(self) -> None:
        self._pages: dict[str, _Page] = {}
        self._failures: dict[str, list[_Page]] = {}  # path -> one-shot answers served before the page
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.connections = 0  # TCP connections accepted: keep-alive reuse is observable
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once: concurrency limits are observable
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    def set(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        framing: str = "length",
        trickle: float = 0.0,
    ) -> None:
        """Serve `body` at `path`.

        `delay` sleeps that many seconds before answering (a slow server, for read timeouts).
        `framing` says how the body is delimited: "length" (Content-Length, the default),
        "chunked" (Transfer-Encoding: chunked, no length), "close" (no length, the end of the
        body is the end of the connection), "truncate" (the full Content-Length is announced
        but the connection is dropped halfway through the body) or "cut-chunk" (chunked, and
        the connection is dropped halfway through the first chunk).
        `trickle` sends the body one byte at a time, that many seconds apart.
        """
        if framing not in FRAMINGS:
            raise ValueError(f"framing must be one of {FRAMINGS}, not {framing!r}")
        data = body.encode("utf-8") if isinstance(body, str) else body
        extra = {"Content-Type": content_type}
        if status == 200:
            extra["ETag"] = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
            extra["Last-Modified"] = formatdate(usegmt=True)
        extra.update(headers or {})
        with self._lock:
            self._pages[path] = _Page(status, data, extra, delay, framing, trickle)

    def fail_next(
        self,
        path: str,
        status: int = 500,
        *,
        times: int = 1,
        delay: float = 0.0,
        body: str | bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests of `path` with `status` (after `delay` s), then the page as set.

        E.g. `fail_next(path, 500)` for a one-off server error, `fail_next(path, delay=3)` for one
        answer slower than the monitor's timeout.
        """
        data = body.encode("utf-8") if isinstance(body, str) else body
        page = _Page(status, data, {"Content-Type": "text/plain", **(headers or {})}, delay)
        with self._lock:
            self._failures.setdefault(path, []).extend([page] * times)

    def remove(self, path: str) -> None:
        with self._lock:
            self._pages.pop(path, None)

    def hits(self, path: str) -> int:
        """GETs and HEADs of `path` (query string ignored)."""
        with self._lock:
            return sum(urlsplit(r.path).path == path for r in self.requests)

    def start(self) -> ReplaySite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: with Nagle on, each keep-alive response
            # waits ~40 ms for the client's delayed ACK, which no production server does.
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with site._lock:
                    site.connections += 1

            def do_GET(self) -> None:
                site._answer(self, with_body=True)

            def do_HEAD(self) -> None:
                site._answer(self, with_body=False)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = serve_in_thread(Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplaySite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer(self, h: BaseHTTPRequestHandler, *, with_body: bool) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._answer_one(h, with_body=with_body)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer_one(self, h: BaseHTTPRequestHandler, *, with_body: bool) -> None:
        with self._lock:
            self.requests.append(RecordedRequest(h.command, h.path, dict(h.headers.items())))
            path = urlsplit(h.path).path
            queued = self._failures.get(path)
            page = queued.pop(0) if queued else self._pages.get(path)
        if page is not None and page.delay:
            time.sleep(page.delay)
        if page is None:
            page = _Page(404, b"Not Found", {"Content-Type": "text/plain"})
        elif (page.status == 200 and "ETag" in page.headers
              and _etag_matches(h.headers.get("If-None-Match"), page.headers["ETag"])):
            page = _Page(304, b"", {k: v for k, v in page.headers.items() if k != "Content-Type"})
        try:
            self._send(h, page, with_body=with_body and page.status != 304)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True  # the client gave up (timeout, size cap): nothing to report

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, page: _Page, *, with_body: bool) -> None:
        h.send_response(page.status)
        for name, value in page.headers.items():
            h.send_header(name, value)
        if page.framing in ("chunked", "cut-chunk"):
            h.send_header("Transfer-Encoding", "chunked")
        elif page.framing == "close":
            h.send_header("Connection", "close")
            h.close_connection = True
        else:
            h.send_header("Content-Length", str(len(page.body)))
        h.end_headers()
        if not with_body:
            return
        if page.trickle:
            h.wfile.flush()
            for byte in page.body:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(page.trickle)
        elif page.framing == "cut-chunk":
            h.wfile.write(f"{len(page.body):x}\r\n".encode() + page.body[: len(page.body) // 2])
            h.wfile.flush()
            h.close_connection = True
        elif page.framing == "chunked":
            for start in range(0, len(page.body), 16384):
                chunk = page.body[start : start + 16384]
                h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
        elif page.framing == "truncate":
            h.wfile.write(page.body[: len(page.body) // 2])
            h.wfile.flush()
            h.close_connection = True
        else:
            h.wfile.write(page.body)
