"""Each host's sliding hour, request by request: the host budget's last word.

The planner (`decide.schedule`) shares each host's hourly budget among cycles from what each cycle spent; this
holds every request itself: one to a host whose last hour already saw `limit` requests waits until the oldest
of them is an hour old. A cycle paced like the one an hour before it never waits; one that runs ahead of it
waits the difference (seconds). The times outlive the cycle (the store keeps them), so the hour spans cycles
and processes (`check --due` from cron, `monitor run`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping

HOUR = 3600.0
PATIENCE = 60.0  # seconds a request waits for its hour at most; past that it is the next cycle's (the planner's
# shares keep the waits to the pacing differences between a cycle and the one an hour before: seconds)
SLACK = 2.0  # seconds past the hour a request waits for its hour's oldest: the site logs arrivals, not our sends


class HourlyLimit:
    """At most `limit` requests per host in any sliding hour (0: no limit); times are POSIX seconds."""

    def __init__(self, limit: float, sent: Mapping[str, Iterable[float]] | None = None,
                 now: float | None = None) -> None:
        """`sent`: each host's earlier requests (the store's), clamped to `now`: a clock that ran fast and was
        corrected does not hold a host for an hour."""
        self.limit = int(limit)
        self.patience = PATIENCE
        self._sent: dict[str, list[float]] = {
            host: sorted(t if now is None else min(t, now) for t in times) for host, times in (sent or {}).items()}

    def wait(self, host: str, now: float) -> float:
        """Seconds until a request to `host` keeps its sliding hour within the limit (0: now); the hour is
        counted `SLACK` long, so the site, logging arrivals a little after our sends, sees no more either."""
        if self.limit <= 0:
            return 0.0
        times = self._recent(host, now)
        if len(times) < self.limit:
            return 0.0
        return max(0.0, times[len(times) - self.limit] + HOUR + SLACK - now)

    def refusal(self, host: str, until: float) -> str:
        """Why a request to `host` waits for the next cycle: the hour is full until `until`."""
        when = dt.datetime.fromtimestamp(until, dt.UTC).strftime("%H:%M UTC")
        return (f"{host}: host_budget_per_hour ({self.limit}) reached in the last hour; the next request may go"
                f" at {when}")

    def sent(self, host: str, at: float) -> None:
        bisect.insort(self._sent.setdefault(host, []), at)

    def times(self, now: float) -> dict[str, list[float]]:
        """Each host's requests of the last hour (and `SLACK`), for the store."""
        return {host: self._recent(host, now) for host in self._sent}

    def _recent(self, host: str, now: float) -> list[float]:
        times = self._sent.get(host, [])
        cut = bisect.bisect_right(times, now - HOUR - SLACK)
        if cut:
            del times[:cut]
        return times
