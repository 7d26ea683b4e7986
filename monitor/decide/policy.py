"""How often to re-check a tracked article: often while it is fresh, at least once per `max_interval`.

A pure function of the article's facts and the clock, so the schedule can be tested
as a table and shown in `monitor status`. `tiers` give the interval by age (since the
last change we saw, else publication): a change makes an article fresh again (hot).
`max_interval` is the promise that caps every interval; retirement happens only when
the user asks for it (`retire_after_days`), and never to seeded or configured articles.
Which due articles a cycle actually fetches, within a host's request budget, is
`decide.schedule`'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.core.kinds import Origin

DAY = 86400.0
HOUR = 3600.0
MAX_BACKOFF = 6 * 3600.0


@dataclass(frozen=True)
class RecheckPolicy:
    """`tiers`: (age in days below which it applies, seconds between checks), youngest first."""

    tiers: tuple[tuple[float, float], ...] = ((1.0, 0.0),)
    retire_after_days: float = 0.0  # 0: never; else discovered articles older than this are no longer checked
    max_interval: float = HOUR  # the promise: no tracked article waits longer (0: no promise, the tiers alone)
    pinned_interval: float = DAY  # pinned articles older than every tier (capped by max_interval)
    failure_backoff: float = 300.0  # after a failed check: this, doubling per failure, capped at MAX_BACKOFF

    def interval_for(self, age_days: float, pinned: bool) -> float | None:
        """Seconds between checks at this age; None when the article is retired."""
        for limit, interval in self.tiers:
            if age_days < limit:
                return self._capped(interval)
        if pinned:
            return self._capped(self.pinned_interval)
        if self.retire_after_days and age_days >= self.retire_after_days:
            return None
        if self.max_interval:  # older than every tier: the promise alone
            return self.max_interval
        return self.tiers[-1][1] if self.tiers else DAY

    def backoff(self, failures: int) -> float:
        """Seconds before retrying after `failures` failed checks in a row: doubling, never past the promise."""
        return self._capped(min(self.failure_backoff * 2 ** min(failures - 1, 30), MAX_BACKOFF))

    def _capped(self, interval: float) -> float:
        return min(interval, self.max_interval) if self.max_interval else interval


@dataclass(frozen=True)
class ArticleFacts:
    """What the policy needs to know of an article."""

    origin: str  # seed | config | feed | listing
    first_seen: dt.datetime
    last_changed: dt.datetime | None
    published: dt.datetime | None
    last_checked: dt.datetime | None
    failures: int = 0  # failed checks in a row: retried after an exponential backoff

    @classmethod
    def from_record(
        cls, origin: str, first_seen: str, last_changed: str | None, published: str, last_checked: str | None,
        failures: int = 0,
    ) -> ArticleFacts:
        """From the stored ISO strings (dates without a time count from midnight UTC)."""
        return cls(
            origin=origin,
            first_seen=parse_when(first_seen) or dt.datetime.now(dt.UTC),
            last_changed=parse_when(last_changed),
            published=parse_when(published),
            last_checked=parse_when(last_checked),
            failures=failures,
        )

    @property
    def pinned(self) -> bool:
        return self.origin in (Origin.SEED, Origin.CONFIG)

    @property
    def freshness(self) -> dt.datetime:
        """The latest sign of life: a change we saw, else its publication, else when we found it."""
        born = self.published or self.first_seen
        return max(born, self.last_changed) if self.last_changed else born


def parse_when(value: str | None) -> dt.datetime | None:
    """An ISO date or date-time as an aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def next_check(facts: ArticleFacts, now: dt.datetime, policy: RecheckPolicy) -> dt.datetime | None:
    """When the article is next due by its interval alone (now or in the past = due); None when retired.

    The cycle's choice (`decide.schedule.plan_checks`) adds the host budget, the feed signal and
    the look-ahead that keeps `max_interval` a promise.
    """
    age_days = max((now - facts.freshness).total_seconds(), 0.0) / DAY
    interval = policy.interval_for(age_days, facts.pinned)
    if interval is None:
        return None
    if facts.last_checked is None:
        return now
    if facts.failures:
        return facts.last_checked + dt.timedelta(seconds=policy.backoff(facts.failures))
    return facts.last_checked + dt.timedelta(seconds=interval)


def is_due(facts: ArticleFacts, now: dt.datetime, policy: RecheckPolicy, tolerance: float = 60.0) -> bool:
    """Due when its next check is at most `tolerance` seconds away (cycles never land on the second)."""
    when = next_check(facts, now, policy)
    return when is not None and when <= now + dt.timedelta(seconds=tolerance)
