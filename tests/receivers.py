"""Real local notification receivers, so alerts travel through Apprise for real."""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
import socket
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler
from typing import Any

from aiosmtpd.controller import Controller

from tests.replay import serve_in_thread


class _Collector:
    """A list that tests can wait on instead of sleeping blindly."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.messages: list[Any] = []

    def _add(self, item: Any) -> None:
        with self._cond:
            self.messages.append(item)
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float = 5.0) -> list[Any]:
        """Block until at least `n` messages arrived; raise if they did not in time."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.messages) >= n, timeout):
                raise AssertionError(f"expected {n} message(s) within {timeout}s, got {len(self.messages)}")
            return list(self.messages)


class JsonReceiver(_Collector):
    """Accepts the POSTs of Apprise's json:// plugin ({version,title,message,type,attachments})."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []
        self.fail_status: int | None = None
        self.attempts = 0  # every POST, including those answered with fail_status
        self.requests: list[tuple[str, dict[str, str], int]] = []  # every POST: path and query, headers, status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver.fail_status
                receiver.attempts += 1
                receiver.requests.append((self.path, dict(self.headers.items()), status or 200))
                if status is None:
                    receiver._add(json.loads(body))
                    status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = serve_in_thread(Handler)
        self.port: int = self._server.server_address[1]

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _SmtpHandler:
    def __init__(self, sink: SmtpReceiver) -> None:
        self._sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self._sink._add(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpReceiver(_Collector):
    """An aiosmtpd server on 127.0.0.1 that keeps every delivered email."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []
        self.port = _free_port()
        self._controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=monitor@example.com&to=reader@example.com&mode=insecure"

    def close(self) -> None:
        self._controller.stop()


def message_text(msg: Message) -> str:
    """All text parts of an email, decoded, tags stripped, whitespace collapsed.

    Mail bodies get wrapped and HTML-escaped in transit; tests compare words.
    """
    parts = msg.walk() if msg.is_multipart() else [msg]
    texts = []
    for part in parts:
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True)
        text = payload.decode(part.get_content_charset() or "utf-8", "replace") if isinstance(payload, bytes) else ""
        if part.get_content_subtype() == "html":
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        texts.append(text)
    return squash(" ".join(texts))


def squash(text: str) -> str:
    """Collapse runs of whitespace so wrapped text compares with the original."""
    return " ".join(text.split())
