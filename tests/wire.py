"""What Apprise really sends to Slack, Discord or Telegram, caught on loopback.

Those services have no server one can run locally, so their requests are caught instead:
an HTTPS proxy on 127.0.0.1 answers CONNECT, ends the TLS itself with a throwaway
certificate (Apprise URLs carry `verify=no`), records each request's host, path and body,
and answers as the service does. Apprise's own code (payload, format conversion, escaping,
splitting) runs unchanged; nothing leaves the machine. Needs the `openssl` command.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

# What each service answers to a good request.
ANSWERS: dict[str, tuple[int, bytes]] = {
    "hooks.slack.com": (200, b"ok"),
    "discord.com": (204, b""),
    "api.telegram.org": (200, json.dumps({"ok": True, "result": {"message_id": 1}}).encode()),
}


class Caught(NamedTuple):
    host: str
    path: str
    body: Any  # the JSON payload, decoded


class WireCatcher:
    """Start with `with WireCatcher() as wire:`; point HTTPS_PROXY at `wire.proxy`; read `wire.caught`."""

    def __init__(self) -> None:
        self.caught: list[Caught] = []
        self._work = Path(tempfile.mkdtemp(prefix="wire-"))
        cert, key = self._work / "cert.pem", self._work / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=wire",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        catcher = self

        class Service(BaseHTTPRequestHandler):
            """One decrypted request, answered as the service would."""

            host = ""

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw) if raw else None
                catcher.caught.append(Caught(self.host, self.path, body))
                status, answer = ANSWERS.get(self.host, (404, b""))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Proxy(BaseHTTPRequestHandler):
            def do_CONNECT(self) -> None:
                host = self.path.rsplit(":", 1)[0]
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                tls = context.wrap_socket(self.connection, server_side=True)
                handler = type("Service", (Service,), {"host": host})
                handler(tls, self.client_address, self.server)
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        self._server.daemon_threads = True
        self.proxy = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def __enter__(self) -> WireCatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._work, ignore_errors=True)
