"""Log setup for the long-running service: one line per event, as text or as JSON for containers.

Log collectors (Docker, journald, Loki) split on newlines, so a JSON record keeps
a traceback inside its one line instead of spreading it over many.

Every line, whatever logger wrote it and at any level, passes through `redact` on its
way out (monitor.core.secrets): notification URLs and their secret parts never reach a log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import TextIO

from monitor.core.secrets import redact

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that are chatty at INFO or may print URLs: capped whatever the chosen level. Apprise logs
# request URLs, headers, payloads (an ntfy topic) at DEBUG to WARNING; urllib3 (under Apprise's
# requests) logs each request line with its query string at DEBUG.
_QUIET = {"apscheduler": logging.WARNING, "httpx": logging.WARNING, "httpcore": logging.WARNING,
          "apprise": logging.CRITICAL, "urllib3": logging.WARNING, "requests": logging.WARNING,
          "requests_oauthlib": logging.WARNING, "oauthlib": logging.WARNING}


class RedactingFormatter(logging.Formatter):
    """Formats with `inner`, then blanks secrets and masks non-web URLs in the whole line (traceback included)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts (UTC, ISO 8601), level, logger, event (when given), message."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        event = getattr(record, "event", None)
        if event:
            entry["event"] = event
        entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(fmt: str = "text", level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Replace the root handlers with one stderr handler in `fmt` ("text" or "json")."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in _QUIET.items():
        logging.getLogger(name).setLevel(max(floor, level))
