"""Liveness from the database: every cycle records when it finished; `monitor health` judges that time.

The record lives in our own small table beside the data (read and written through the
Store), so the HEALTHCHECK needs no port, no pid file and no running process to ask —
only the SQLite file both share.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from monitor.app.report import CycleReport
from monitor.config import Settings
from monitor.core.errors import StoreError
from monitor.store.database import CycleRecord, Store, open_store

PROBE_TIMEOUT = 10.0  # seconds a probe waits for a locked database: within the HEALTHCHECK's own timeout


def health_status(
    last_finished: dt.datetime | None, now: dt.datetime, interval: float, jitter: float
) -> tuple[bool, str]:
    """Healthy when the last cycle finished at most 2 × interval + jitter ago: one missed run is tolerated."""
    limit = 2 * interval + jitter
    if last_finished is None:
        return False, "never ran"
    age = (now - last_finished).total_seconds()
    return age <= limit, f"last cycle finished {age:.0f} s ago (limit {limit:.0f} s)"


OVERRAN = "overran"
UNANSWERED = "no answer"


def cycle_outcome(report: CycleReport) -> str:
    """A cycle that ran is alive even with errors (eff.org down is not our fault); the count says how it went.
    A cycle that ran out of its time budget says so first: that is the operator's to look at."""
    outcome = "ok" if not report.errors else f"{len(report.errors)} errors"
    if report.unanswered:  # no network, a wrong host, a firewall: the cycle ran but saw nothing
        return (f"{UNANSWERED} to any of its {report.requests} requests (network down, a wrong host?); "
                f"{outcome}")
    if report.deferred:
        return (f"{OVERRAN} its {report.budget:g} s cycle_budget, {report.deferred} articles left for the next "
                f"cycle; {outcome}")
    return outcome


def record_cycle(store: Store, report: CycleReport, finished: dt.datetime | None = None) -> None:
    """Write the finish time and outcome of a cycle, in one transaction of its own."""
    store.record_cycle(finished or dt.datetime.now(dt.UTC), cycle_outcome(report))


def last_cycle(db_path: Path) -> CycleRecord | None:
    """The last recorded cycle; None when none was ever recorded (or there is no database yet).

    Opens the file read-only and never creates it: a health probe must not make an empty database.
    """
    if not db_path.is_file():
        return None
    with open_store(db_path, read_only=True, timeout=PROBE_TIMEOUT) as store:
        return store.last_cycle()


def check_health(settings: Settings, now: dt.datetime | None = None) -> tuple[bool, str]:
    """health_status for the configured database, with the last outcome appended when there is one."""
    try:
        record = last_cycle(settings.database)
    except StoreError as exc:  # not a database of ours, unreadable, or locked past the probe's patience
        return False, str(exc)
    finished, outcome = (record.finished, record.outcome) if record else (None, None)
    ok, reason = health_status(finished, now or dt.datetime.now(dt.UTC), settings.feed_interval, settings.jitter)
    if outcome and outcome.startswith((OVERRAN, UNANSWERED)):  # alive, but not keeping up or seeing nothing
        ok = False
    return ok, f"{reason}, outcome {outcome}" if outcome else reason
