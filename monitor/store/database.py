"""SQLite state: the Store (articles, versions, the alert outbox, feeds, hosts, the cycle record), how it
is opened, and the lock that keeps one cycle per database.

The Store is one class put together from one part per job (see `articles`, `outbox`, `state`);
every write method is one transaction. It is a context manager: `with open_store(path) as store:`
closes the connection however the block ends.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from monitor.core.errors import StoreError
from monitor.store.articles import ArticlesMixin, pack_snapshot, unpack_snapshot
from monitor.store.locks import exclusive
from monitor.store.outbox import OutboxMixin
from monitor.store.rows import (
    AlertRow,
    ArticleRow,
    CycleRecord,
    FailedDelivery,
    HostState,
    OrphanedDelivery,
    PendingDelivery,
    VersionRow,
    article_facts,
    now,
)
from monitor.store.schema import check_ours, migrate
from monitor.store.signals import SignalsMixin
from monitor.store.sitemaps import SitemapsMixin
from monitor.store.state import StateMixin
from monitor.store.treaty import TreatyMixin
from monitor.store.writes import DEFAULT_LOCK_WAIT, WaitBudget

__all__ = [
    "AlertRow", "ArticleRow", "CycleRecord", "FailedDelivery", "HostState", "OrphanedDelivery", "PendingDelivery",
    "Store", "VersionRow", "article_facts", "cycle_lock", "memory_copy", "now", "open_store", "pack_snapshot",
    "unpack_snapshot",
]


class Store(ArticlesMixin, OutboxMixin, StateMixin, SignalsMixin, TreatyMixin, SitemapsMixin):
    """The open database; every write method is one transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path, wait: WaitBudget | None = None) -> None:
        self.conn = conn
        self.path = path
        self.wait = wait or WaitBudget()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_store(path: Path, *, read_only: bool = False, timeout: float = DEFAULT_LOCK_WAIT) -> Store:
    """Open (creating if needed) the database; StoreError with a one-line reason when we cannot.

    A file that is not ours is refused before anything (even the journal mode) is written to it.
    `timeout`: seconds this run may wait, in total, for locks another process holds (opening included).
    """
    if read_only and not path.exists():
        raise StoreError(f"{path}: database not found (run `monitor check` first)")
    wait = WaitBudget(timeout)
    started = time.monotonic()
    try:
        if read_only:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=timeout)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        check_ours(conn)
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        else:
            conn.execute("SELECT COUNT(*) FROM articles").fetchone()
    except (sqlite3.DatabaseError, StoreError) as exc:
        raise StoreError(f"{path}: cannot use database ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot create database ({exc.strerror})") from None
    wait.spent = time.monotonic() - started
    return Store(conn, path, wait)


def memory_copy(store: Store) -> Store:
    """An in-memory copy for --dry-run: the cycle runs for real, nothing reaches the file."""
    conn = sqlite3.connect(":memory:")
    store.conn.backup(conn)
    conn.row_factory = sqlite3.Row
    return Store(conn, Path(":memory:"))


@contextmanager
def cycle_lock(db_path: Path) -> Iterator[None]:
    """One cycle per database at a time: a second `monitor check` says so instead of racing."""
    with exclusive(db_path.with_name(db_path.name + ".lock"), "cycle lock",
                   lambda _: f"another monitor cycle is already running on {db_path}"):
        yield
