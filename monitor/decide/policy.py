"""When to re-check a tracked article: often while it is fresh, less and less as it ages.

A pure function of the article's facts and the clock, so the schedule can be tested
as a table and shown in `monitor status`. Seeded and configured articles are pinned:
they slow down with age but are never retired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor.core.kinds import Origin

DAY = 86400.0
MAX_BACKOFF = 6 * 3600.0


@dataclass(frozen=True)
class RecheckPolicy:
    """`tiers`: (age in days below which it applies, seconds between checks), youngest first."""

    tiers: tuple[tuple[float, float], ...] = ((2.0, 0.0), (30.0, 3600.0), (365.0, DAY))
    retire_after_days: float = 365.0
    pinned_interval: float = DAY  # pinned articles older than every tier
    failure_backoff: float = 300.0  # after a failed check: this, doubling per failure, capped at MAX_BACKOFF

    def interval_for(self, age_days: float, pinned: bool) -> float | None:
        """Seconds between checks at this age; None when the article is retired."""
        for limit, interval in self.tiers:
            if age_days < limit:
                return interval
        if pinned:
            return self.pinned_interval
        return None if age_days >= self.retire_after_days else self.tiers[-1][1]


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
    """When the article is next due (now or in the past = due); None when retired."""
    age_days = max((now - facts.freshness).total_seconds(), 0.0) / DAY
    interval = policy.interval_for(age_days, facts.pinned)
    if interval is None:
        return None
    if facts.last_checked is None:
        return now
    if facts.failures:
        backoff = min(policy.failure_backoff * 2 ** (facts.failures - 1), MAX_BACKOFF)
        return facts.last_checked + dt.timedelta(seconds=backoff)
    return facts.last_checked + dt.timedelta(seconds=interval)


def is_due(facts: ArticleFacts, now: dt.datetime, policy: RecheckPolicy, tolerance: float = 60.0) -> bool:
    """Due when its next check is at most `tolerance` seconds away (cycles never land on the second)."""
    when = next_check(facts, now, policy)
    return when is not None and when <= now + dt.timedelta(seconds=tolerance)
