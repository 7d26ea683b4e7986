"""Every write is one transaction that takes the write lock first, within a wait budget the whole run shares.

Another program holding the database's write lock (a `sqlite3` shell left in a transaction, a
backup tool) must not make each write wait its own 30 s in turn: one budget of seconds is
shared by every wait of the run (`lock_wait`), and when it is spent the run ends with one
line. A full disk, an I/O error or a read-only file is a StoreError too, never a traceback;
the transaction is rolled back, so the next run redoes that work whole.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.core.errors import StoreError

DEFAULT_LOCK_WAIT = 30.0


class WaitBudget:
    """Seconds this run may still spend waiting for another program's database lock, in total."""

    def __init__(self, seconds: float = DEFAULT_LOCK_WAIT) -> None:
        self.total = seconds
        self.spent = 0.0

    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)


def storage_error(path: Path, exc: sqlite3.Error, budget: WaitBudget | None = None) -> StoreError:
    """One line for what SQLite said: locked past the budget, full disk, I/O error, read-only file."""
    text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    if budget is not None and ("locked" in text or "busy" in text):
        return StoreError(f"{path}: the database is locked by another program (waited {budget.spent:.0f} s in all "
                          f"this run, lock_wait {budget.total:g} s); nothing of the unfinished step was written")
    return StoreError(f"{path}: cannot write the database ({text}); nothing of the unfinished step was written")


def _storage_fault(exc: BaseException) -> bool:
    """What the world did to the file (lock, full disk, I/O, read-only, corrupt), not a bug of ours."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


class Writer:
    """The Store's transactions: `with self.write() as conn:` is BEGIN IMMEDIATE … COMMIT, or nothing."""

    conn: sqlite3.Connection
    path: Path
    wait: WaitBudget

    def lock_wait(self, seconds: float) -> None:
        """A new budget for this run (a `check`, one service cycle, a `notify`)."""
        self.wait = WaitBudget(seconds)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; nested inside another, it is part of the outer one."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self._begin()
        try:
            yield self.conn
        except BaseException as exc:
            self.conn.rollback()
            if _storage_fault(exc):
                raise storage_error(self.path, exc, self.wait) from None  # type: ignore[arg-type]
            raise
        try:
            self.conn.commit()
        except sqlite3.Error as exc:
            self.conn.rollback()
            raise storage_error(self.path, exc, self.wait) from None

    def _begin(self) -> None:
        """Take the write lock, waiting at most what is left of the run's budget (time spent is charged)."""
        budget = self.wait
        started = time.monotonic()
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(budget.remaining() * 1000)}")
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            budget.spent += time.monotonic() - started
            raise storage_error(self.path, exc, budget) from None
        budget.spent += time.monotonic() - started
