"""Liveness from the database: every cycle records when it finished; `monitor health` judges that time.

The record lives in our own small table beside the data, so the HEALTHCHECK needs no
port, no pid file and no running process to ask — only the SQLite file both share.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from monitor.app.cycle import CycleReport
from monitor.config import Settings
from monitor.store.database import Store

LAST_FINISHED = "last_cycle_finished"
LAST_OUTCOME = "last_cycle_outcome"


def health_status(
    last_finished: dt.datetime | None, now: dt.datetime, interval: float, jitter: float
) -> tuple[bool, str]:
    """Healthy when the last cycle finished at most 2 × interval + jitter ago: one missed run is tolerated."""
    limit = 2 * interval + jitter
    if last_finished is None:
        return False, "never ran"
    age = (now - last_finished).total_seconds()
    return age <= limit, f"last cycle finished {age:.0f} s ago (limit {limit:.0f} s)"


def cycle_outcome(report: CycleReport) -> str:
    """A cycle that ran is alive even with errors (eff.org down is not our fault); the count says how it went."""
    return "ok" if not report.errors else f"{len(report.errors)} errors"


def record_cycle(store: Store, report: CycleReport, finished: dt.datetime | None = None) -> None:
    """Write the finish time and outcome of a cycle, in one transaction of its own."""
    stamp = (finished or dt.datetime.now(dt.UTC)).isoformat(timespec="milliseconds")
    outcome = cycle_outcome(report)
    with store.conn:
        store.conn.executemany(
            "INSERT INTO service_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(LAST_FINISHED, stamp), (LAST_OUTCOME, outcome)],
        )


def last_cycle(db_path: Path) -> tuple[dt.datetime | None, str | None]:
    """Finish time and outcome of the last recorded cycle; (None, None) when none was ever recorded.

    Opens the file read-only and never creates it: a health probe must not make an empty database.
    """
    if not db_path.is_file():
        return None, None
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        rows = dict(conn.execute("SELECT key, value FROM service_state").fetchall())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None, None
        raise
    finally:
        conn.close()
    finished = rows.get(LAST_FINISHED)
    return (dt.datetime.fromisoformat(finished) if finished else None), rows.get(LAST_OUTCOME)


def check_health(settings: Settings, now: dt.datetime | None = None) -> tuple[bool, str]:
    """health_status for the configured database, with the last outcome appended when there is one."""
    try:
        finished, outcome = last_cycle(settings.database)
    except sqlite3.DatabaseError as exc:
        return False, f"cannot read {settings.database} ({exc})"
    ok, reason = health_status(finished, now or dt.datetime.now(dt.UTC), settings.feed_interval, settings.jitter)
    return ok, f"{reason}, outcome {outcome}" if outcome else reason
