"""Why a delivery failed, in words a person can act on ("HTTP 401 Unauthorized", "connection refused"),
read from what Apprise logs during the send and never repeating it.

Apprise returns only "failure"; the reason is in its log records (some at DEBUG), which quote URLs,
payloads and tokens. So the records are read here, inside a logger filter, and reduced to one of a few
fixed phrases or an HTTP status code: no text of theirs leaves this module, and none reaches a handler
(`core.logs` keeps Apprise at CRITICAL, and so does the filter).
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

_LOGGER = "apprise"
_MAX_LINES = 64  # a send logs a handful; a flood is cut, never buffered without end

# Checked in order over the captured text; the first that matches names the reason.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"name or service not known|nodename nor servname|failed to resolve|name resolution|"
                r"getaddrinfo failed|no address associated", re.I), "host name not found (DNS)"),
    (re.compile(r"connection refused", re.I), "connection refused (nothing listening there?)"),
    (re.compile(r"timed? ?out", re.I), "timed out"),
    (re.compile(r"network is unreachable|no route to host", re.I), "network unreachable"),
    (re.compile(r"certificate|ssl|tls", re.I), "TLS failed (certificate not accepted?)"),
    (re.compile(r"connection (?:reset|aborted)|remote ?disconnected", re.I), "connection dropped by the server"),
    (re.compile(r"authenticat|login|password|credential", re.I), "authentication refused"),
)
_STATUS = re.compile(r"error=(\d{3})\b|\b(?:HTTP|status(?: code)?)[ :=]+(\d{3})\b", re.I)


class _Capture(logging.Filter):
    """Collects Apprise's records while a send is in its window; lets none through below CRITICAL."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        lines = self.lines
        if lines is not None and len(lines) < _MAX_LINES:
            try:
                message = record.getMessage()[:2000]
            except Exception:  # a record whose arguments do not format: not ours to raise from
                message = ""
            # Warnings say what failed; "Socket Exception: ..." (DEBUG) says why. Other DEBUG lines quote the
            # payload, i.e. the alert's own text, which may read "timed out": never judged.
            if record.levelno >= logging.WARNING or message.startswith("Socket Exception"):
                lines.append(message)
        return record.levelno >= logging.CRITICAL


_CAPTURE = _Capture()


@contextmanager
def captured() -> Iterator[list[str]]:
    """The Apprise log lines written while the block runs (its worker threads' too), for `failure_reason`.

    Deliveries are sent one after another; should two windows ever overlap, the second captures nothing
    (its reason is then unknown) rather than mixing another send's lines into its own.
    """
    logger = logging.getLogger(_LOGGER)
    if _CAPTURE not in logger.filters:
        logger.addFilter(_CAPTURE)
    lines: list[str] = []
    if _CAPTURE.lines is not None:
        yield lines
        return
    level = logger.level
    logger.setLevel(logging.DEBUG)  # the reason is often a DEBUG record; the filter still lets none out
    _CAPTURE.lines = lines
    try:
        yield lines
    finally:
        _CAPTURE.lines = None
        logger.setLevel(level)


def failure_reason(lines: list[str]) -> str:
    """One short phrase for why a send failed; "no reason given" when Apprise logged none we know."""
    text = "\n".join(lines)
    for match in _STATUS.finditer(text):
        code = int(match.group(1) or match.group(2))
        if 400 <= code <= 599:
            try:
                name = http.HTTPStatus(code).phrase
            except ValueError:
                name = ""
            hint = {401: ": check the token or password", 403: ": check the token's permissions",
                    404: ": check the URL's path or id"}.get(code, "")
            return f"HTTP {code}{' ' + name if name else ''}{hint}"
    for pattern, phrase in _PATTERNS:
        if pattern.search(text):
            return phrase
    return "no reason given"
