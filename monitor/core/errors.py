"""One exception hierarchy: each error carries a one-line message fit for a person and a log."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error we raise on purpose; str(exc) is the one-line message."""


class ConfigError(MonitorError):
    """The config file or a MONITOR_* variable is missing, malformed or has a wrong type; names the key."""


class SeedError(MonitorError):
    """A seed file cannot be read as an article snapshot."""


class FetchError(MonitorError):
    """A URL could not be fetched usefully: network, status, size, type or host policy."""

    def __init__(
        self, message: str, *, transient: bool = False, status: int | None = None, retry: bool = False
    ) -> None:
        super().__init__(message)
        self.transient = transient  # may work next time: no alert, no "removed"
        self.status = status
        self.retry = retry  # worth one more try within this cycle (5xx, timeouts, network)


class ExtractError(MonitorError):
    """A fetched page does not look like an article (no body, far too short): never treated as a change."""


class FeedError(MonitorError):
    """A feed body is not a feed we can read (HTML page, empty, broken beyond entries)."""


class StoreError(MonitorError):
    """The database cannot be opened or written (not SQLite, read-only, locked)."""


def one_line(message: str, limit: int = 400) -> str:
    """A message fit for one line of a terminal or a log: control characters (CR, LF, escapes) shown
    escaped, never acted on, and a very long text (a URL pasted whole) cut, saying how long it was."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    if len(shown) > limit:
        shown = f"{shown[: limit - 40]}… ({len(shown)} characters)"
    return shown
