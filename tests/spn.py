"""A loopback stand-in for the Internet Archive's Save Page Now (SPN2), answering in the shape of its
documented responses: POST /save → {"url", "job_id"}; GET /save/status/JOB → pending, then success."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

from tests.replay import serve_in_thread


class SavePageNow:
    """`mode`: "ok" (a job that is pending once, then succeeds), "429" (with Retry-After: 0), "503",
    "hang" (answers after `hang` seconds), "error" (the job ends in an error status), "garbage" (not JSON)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.hang = 10.0
        self.saved: list[str] = []  # URLs submitted
        self.polls = 0
        self._jobs: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        spn = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                url = form.get("url", [""])[0]
                with spn._lock:
                    spn.saved.append(url)
                    mode = spn.mode
                if mode == "hang":
                    time.sleep(spn.hang)
                if mode == "429":
                    return self._send(429, {"message": "You have already reached the limit"}, {"Retry-After": "0"})
                if mode == "503":
                    return self._send(503, {"message": "Service Unavailable"})
                if mode == "garbage":
                    return self._send(200, None)
                job = f"spn2-{len(spn.saved):040x}"
                with spn._lock:
                    spn._jobs[job] = (url, 0)
                self._send(200, {"url": url, "job_id": job})

            def do_GET(self) -> None:
                job = self.path.rsplit("/", 1)[-1]
                with spn._lock:
                    spn.polls += 1
                    url, seen = spn._jobs.get(job, ("", 0))
                    spn._jobs[job] = (url, seen + 1)
                    mode = spn.mode
                if not url:
                    return self._send(404, {"status": "error", "message": "no such job"})
                if seen == 0:
                    return self._send(200, {"status": "pending", "job_id": job})
                if mode == "error":
                    return self._send(200, {"status": "error", "status_ext": "error:bad-gateway",
                                            "message": "Couldn't resolve host for " + url})
                stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
                self._send(200, {"status": "success", "job_id": job, "original_url": url, "timestamp": stamp})

            def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
                data = b"<html>oops" if body is None else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its deadline passed while we "hung"): as the real service sees it

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = serve_in_thread(Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
