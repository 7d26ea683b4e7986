"""A real nginx (Debian `nginx-light`) on a loopback port, serving pages as static files.

Our own replay server answers 304 by the rule we wrote; nginx answers by its own (an ETag of
mtime and size, `Last-Modified` from the file, `if_modified_since exact`), as a production site
does. Benchmarks count what it was asked from its access log and what it cost from /proc.
Runs unprivileged-style: pid, logs and temp paths inside one directory, `daemon off;`, one worker
(as root, the worker stays root: a private TMPDIR would otherwise hide the files from `nobody`). It
dies with the process that started it (PR_SET_PDEATHSIG), so a killed bench leaves no server behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
MISSING = "nginx is absent (Debian: apt-get install nginx-light)"


class Served(NamedTuple):
    status: int
    bytes_sent: int  # headers and body, as they left the server
    uri: str


_CONFIG = """daemon off;
{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format counts '$status $bytes_sent $request_uri';
    access_log {work}/access.log counts;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{ text/html html; application/rss+xml xml; text/plain txt; }}
    default_type text/html;
    charset utf-8;
    charset_types text/html application/rss+xml text/plain;
    keepalive_requests 1000000;
    {gzip}
    {etag}
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""
_GZIP = "gzip on; gzip_types application/rss+xml text/plain;"  # text/html is always gzipped when on


class NginxSite:
    """Pages as files under a document root; `set` writes one (a path without an extension is HTML)."""

    def __init__(self, *, gzip: bool = False, etag: bool = True) -> None:
        """`gzip`: compress HTML and feeds (ETags turn weak, as they do on eff.org); `etag=False`: Last-Modified
        is the only validator, so a 304 needs If-Modified-Since echoed byte for byte."""
        if NGINX is None:
            raise RuntimeError(MISSING)
        self.work = Path(tempfile.mkdtemp(prefix="nginx-site-"))
        self.root = self.work / "www"
        self.root.mkdir()
        # When run as root, nginx's worker reads the files as `nobody`.
        for d in (self.work, self.root):
            d.chmod(0o755)
        self.gzip, self.etag = gzip, etag
        self.port = 0
        self.base_url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def set(self, path: str, body: str | bytes, *, status: int = 200, content_type: str = "") -> None:
        """Publish `body` at `path`. The file's mtime moves forward at least a second on every write, as
        a deploy's would: nginx's ETag is mtime and size, so an edit of the same size within one second
        would otherwise keep its validator (a site that does that loses edits for every client alike)."""
        if status != 200:
            raise ValueError("a static site serves files (200/304) and 404 for the rest: remove() the page instead")
        del content_type  # nginx types files by extension: .xml is RSS, .txt text, none HTML
        file = self._file(path)
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        before = file.stat().st_mtime if file.exists() else 0.0
        file.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
        file.chmod(0o644)
        mtime = max(time.time(), before + 1)
        os.utime(file, (mtime, mtime))

    def remove(self, path: str) -> None:
        self._file(path).unlink(missing_ok=True)

    def _file(self, path: str) -> Path:
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.root.resolve()) or path.endswith("/"):
            raise ValueError(f"not a file path under the document root: {path!r}")
        return file

    # -- the server --------------------------------------------------------------------------------------
    def start(self) -> NginxSite:
        """Start on a free loopback port (retried: another process may take the port we picked)."""
        last = ""
        for _ in range(5):
            self.port = _free_port()
            (self.work / "nginx.conf").write_text(_CONFIG.format(
                user="user root;" if os.geteuid() == 0 else "", work=self.work, root=self.root, port=self.port,
                gzip=_GZIP if self.gzip else "", etag="" if self.etag else "etag off;"))
            assert NGINX is not None
            self._process = subprocess.Popen(
                [NGINX, "-p", str(self.work), "-e", str(self.work / "error.log"), "-c", str(self.work / "nginx.conf")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
            if _wait_for_port(self.port, self._process):
                self.base_url = f"http://127.0.0.1:{self.port}"
                return self
            last = (self.work / "error.log").read_text(errors="replace").strip().splitlines()[-1:] or ["exited"]
            self._stop_process()
        shutil.rmtree(self.work, ignore_errors=True)
        raise RuntimeError(f"nginx did not start: {last[0]}")

    def stop(self) -> None:
        self._stop_process()
        shutil.rmtree(self.work, ignore_errors=True)

    def _stop_process(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> NginxSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what it served and what it cost -----------------------------------------------------------------
    def log_mark(self) -> int:
        """A position in the access log; `served(mark)` lists the requests after it."""
        log = self.work / "access.log"
        return log.stat().st_size if log.exists() else 0

    def served(self, since: int = 0, *, settle: float = 0.05) -> list[Served]:
        """nginx logs a request just after answering it: wait until the log has not grown for `settle`
        seconds (at most 2 s), so a request the client has seen is never missed."""
        log = self.work / "access.log"
        size, deadline = -1, time.monotonic() + 2
        while time.monotonic() < deadline:
            now = log.stat().st_size if log.exists() else 0
            if now == size:
                break
            size = now
            time.sleep(settle)
        if not log.exists():
            return []
        with log.open("rb") as f:
            f.seek(since)
            lines = f.read().decode("utf-8", "replace").splitlines()
        out = []
        for line in lines:
            status, sent, uri = line.split(" ", 2)
            out.append(Served(int(status), int(sent), uri))
        return out

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (from /proc)."""
        if self._process is None:
            return 0.0
        pids = [self._process.pid, *_children(self._process.pid)]
        return sum(_cpu_of(pid) for pid in pids)


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM (nginx's fast shutdown) when the process that started it dies."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
