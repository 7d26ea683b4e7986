"""Operator conditions of a feed: failing for several polls in a row, or quiet for days.

A pure state machine: each poll's outcome moves a feed between ok, failing and quiet,
and only a *move* is an event, so a feed that stays broken is one operator alert, not
one per cycle; the move back is one "recovered" alert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from monitor.core.kinds import Kind

FEED_FAILING = Kind.FEED_FAILING
FEED_QUIET = Kind.FEED_QUIET
FEED_RECOVERED = Kind.FEED_RECOVERED


FUTURE_SLACK = dt.timedelta(days=1)  # time zones and small clock skew between us and the site


@dataclass(frozen=True)
class FeedHealth:
    failures: int = 0
    newest_entry: dt.datetime | None = None
    state: str = "ok"  # ok | failing | quiet


def next_feed_health(
    prev: FeedHealth,
    *,
    ok: bool,
    newest_entry: dt.datetime | None,
    now: dt.datetime,
    fail_after: int,
    quiet_days: float,
) -> tuple[FeedHealth, str | None]:
    """The feed's state after one poll, and the operator event it causes (None most of the time)."""
    if not ok:
        failures = prev.failures + 1
        if failures >= fail_after and prev.state != "failing":
            return replace(prev, failures=failures, state="failing"), FEED_FAILING
        return replace(prev, failures=failures), None
    # An entry dated in the future (a typo, a wrong clock — ours before a correction, or the site's)
    # is not evidence of life: counted, it would keep a dead feed "fresh" for years.
    dated = (d for d in (prev.newest_entry, newest_entry) if d is not None and d <= now + FUTURE_SLACK)
    newest = max(dated, default=None)
    quiet = newest is not None and (now - newest).total_seconds() > quiet_days * 86400
    health = FeedHealth(failures=0, newest_entry=newest, state="quiet" if quiet else "ok")
    if prev.state == "failing":
        return health, FEED_RECOVERED if not quiet else FEED_QUIET
    if quiet and prev.state != "quiet":
        return health, FEED_QUIET
    if not quiet and prev.state == "quiet":
        return health, FEED_RECOVERED
    return health, None
