"""Which tracked articles one cycle fetches: the most valuable checks first, within each host's budget.

Pure: candidates, the clock and what each host was already asked → an ordered plan. Per host,
a cycle may spend its share of `host_budget_per_hour` (one cycle's: the budget × (feed_interval
+ jitter) / 1 h), never more than the budget in any sliding hour; so the requests are spread
evenly over the hour. The share goes, in order, to:

1. articles whose feed description changed (the feed is a free signal: the page is fetched to
   confirm, never alerted from the feed text);
2. articles never read yet (a new post's first reading);
3. articles twice past the promise (only when the budget is too small for the host's articles),
   the most valuable first (`value`): over budget every interval stretches, the freshest least;
4. the promise: every article at the last cycle that still keeps `max_interval`, looking one
   cycle (and its requests) ahead, the longest unchecked first (so a cycle short of share delays
   the promise by one cycle at most); failed checks retried;
5. the promise's checks of the next cycle beyond what its share will hold, a cycle early, so uneven
   demand never asks one cycle for more than it can give;
6. fresh and hot extras: an article whose age (since publication, or since a change we saw: a
   change makes it young again) gives a shorter interval (`RecheckPolicy.interval_for`) is due
   when that interval has passed, half a cycle early (rounding to the nearest cycle).

So the extras use what the promise leaves of the budget. What does not fit waits for the next cycle.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from monitor.decide.policy import DAY, HOUR, ArticleFacts, RecheckPolicy


class Why(enum.StrEnum):
    """Why an article is (or will next be) checked; `monitor status` shows it."""

    FEED = "feed"  # its feed description changed: fetched in this cycle
    NEW = "new"  # never read yet
    RETRY = "retry"  # its last check failed: retried after a growing backoff
    HOT = "hot"  # changed recently: may change again soon
    FRESH = "fresh"  # published recently
    BOUND = "bound"  # the promise: checked at least once per max_interval
    OVERDUE = "overdue"  # twice past the promise: the host's budget is too small for its articles
    AHEAD = "ahead"  # the promise, kept a cycle early: the next cycle will have more due than its share
    BUDGET = "budget"  # due, but the host's budget for this cycle is spent
    RETIRED = "retired"  # older than retire_after_days (only when the user set it)


@dataclass(frozen=True)
class Candidate:
    """A tracked article as the scheduler sees it; times are POSIX seconds."""

    key: int
    host: str
    pinned: bool  # seeded or configured: never retired
    freshness: float  # the last change we saw, else its publication, else when we found it
    changed: bool  # freshness is a change we saw (hot), not a publication (fresh)
    last_checked: float | None
    failures: int = 0
    signaled: bool = False  # its feed description changed since we last fetched it
    in_feed: bool = False  # a feed lists it now: a change to its description will signal


def candidate(key: int, host: str, facts: ArticleFacts, *, signaled: bool = False,
              in_feed: bool = False) -> Candidate:
    return Candidate(
        key=key, host=host, pinned=facts.pinned, freshness=facts.freshness.timestamp(),
        changed=facts.last_changed is not None and facts.freshness == facts.last_changed,
        last_checked=facts.last_checked.timestamp() if facts.last_checked else None, failures=facts.failures,
        signaled=signaled, in_feed=in_feed,
    )


@dataclass(frozen=True)
class Budget:
    """`per_hour`: requests per host per hour at most, feeds included (0: no budget); `interval` and `jitter`:
    a cycle comes `interval` to `interval + jitter` seconds after the last (feed_interval, jitter);
    `spacing`: seconds between two requests to one host (host_delay)."""

    per_hour: float = 0.0
    interval: float = 300.0
    jitter: float = 60.0
    spacing: float = 0.0

    @property
    def cadence(self) -> float:
        """The longest wait for the next cycle."""
        return self.interval + self.jitter

    @property
    def lookahead(self) -> float:
        """How late the next chance to check an article may come: the next cycle, after this cycle's requests."""
        return self.cadence + self.spacing * self.per_hour * self.cadence / HOUR


@dataclass(frozen=True)
class HostSpend:
    """What one host was asked: (start, end, article requests) of earlier cycles (the end: when the last request
    went), and the other requests of this cycle so far (feeds, robots.txt). A cycle counts against the hour until
    an hour after its end, and every cycle's feed polls are set aside first, so no sliding hour ever sees more
    than the budget."""

    history: tuple[tuple[float, float, int], ...] = ()
    this_cycle: int = 0


@dataclass(frozen=True)
class Due:
    key: int
    why: Why
    value: float = 0.0  # within its rank, higher first

    @property
    def order(self) -> tuple[int, float]:
        """Feed signals, then first readings, then the promise (and retries), then fresh and hot extras."""
        return _RANK[self.why], -self.value


_RANK = {Why.FEED: 0, Why.NEW: 1, Why.OVERDUE: 2, Why.BOUND: 3, Why.RETRY: 3, Why.AHEAD: 4, Why.HOT: 5,
         Why.FRESH: 5}


def _ahead(c: Candidate, now: float, policy: RecheckPolicy, lookahead: float) -> bool:
    """Due for the promise at the next cycle: worth taking now if this cycle has budget to spare, so that
    the next one is not asked for more than its share (the promise holds through uneven demand)."""
    return (c.last_checked is not None and not c.failures
            and now - c.last_checked + 2 * lookahead >= policy.max_interval)


@dataclass(frozen=True)
class Plan:
    fetch: tuple[Due, ...]  # in this order
    deferred: tuple[Due, ...] = ()  # due, but over their host's budget: next cycle
    allowance: dict[str, int | None] = field(default_factory=dict)  # per host; None: no budget


def assess(c: Candidate, now: float, policy: RecheckPolicy, lookahead: float) -> Due | None:
    """Whether this article is due now, why, and how urgently; None when it can wait (or is retired)."""
    if c.signaled:
        return Due(c.key, Why.FEED)
    interval = policy.interval_for(max(now - c.freshness, 0.0) / DAY, c.pinned)
    if interval is None:
        return None
    if c.last_checked is None:
        return Due(c.key, Why.NEW)
    elapsed = now - c.last_checked
    wait, slack, why = _wait(c, interval, policy, lookahead)
    if elapsed + slack < wait:
        return None
    if why in (Why.HOT, Why.FRESH) and policy.max_interval and elapsed + lookahead >= policy.max_interval:
        why = Why.BOUND  # an extra check that is also the promise's: it ranks with the promise
    if why is Why.BOUND and elapsed >= 2 * policy.max_interval:
        return Due(c.key, Why.OVERDUE, value(now - c.freshness, elapsed))  # over budget: the most valuable first
    return Due(c.key, why, elapsed if why is Why.BOUND else value(now - c.freshness, elapsed + slack))


def value(age: float, elapsed: float) -> float:
    """What checking an article now is worth: the delay its pending edits have piled up, expected.

    Edits come at a rate that falls with age, ∝ 1 / (age + 1 day) (most right after publication or
    a change, a long tail for years); edits pending since the last check have waited elapsed / 2 on
    average, so the expected delay is ∝ elapsed² / (age + 1 day). Checking the highest first spends
    a scarce budget where it cuts the most delay (the square-root law: an article is checked about
    every √(age + 1 day) units), and an article that waits gains value without limit: none starves.
    """
    return elapsed * elapsed / (max(age, 0.0) + DAY)


def _wait(c: Candidate, interval: float, policy: RecheckPolicy, lookahead: float) -> tuple[float, float, Why]:
    """Seconds between checks, how early a check may come, and why."""
    if c.failures:
        return policy.backoff(c.failures), lookahead / 2, Why.RETRY
    if policy.max_interval and interval >= policy.max_interval:
        return interval, lookahead, Why.BOUND
    return interval, lookahead / 2, Why.HOT if c.changed else Why.FRESH


def next_due(c: Candidate, now: float, policy: RecheckPolicy, lookahead: float) -> tuple[float | None, Why]:
    """When a cycle will first find this article due, and why (None: retired); for `monitor status`."""
    if c.signaled:
        return now, Why.FEED
    interval = policy.interval_for(max(now - c.freshness, 0.0) / DAY, c.pinned)
    if interval is None:
        return None, Why.RETIRED
    if c.last_checked is None:
        return now, Why.NEW
    wait, slack, why = _wait(c, interval, policy, lookahead)
    return c.last_checked + max(wait - slack, 0.0), why


def allowance(budget: Budget, spend: HostSpend, now: float) -> tuple[int, int] | None:
    """Article requests this cycle may make to a host: (its share, what the hour leaves). None: no budget.

    The feed polls of every cycle of an hour are set aside; of the rest, a cycle gets the part of the hour
    since the host's previous cycle (counted as at least `interval`, at most `interval + jitter`)."""
    if not budget.per_hour:
        return None
    articles = budget.per_hour - spend.this_cycle * math.ceil(HOUR / max(budget.interval, 1.0))
    room = int(articles - sum(n for _, end, n in spend.history if now - end < HOUR))
    last = max((start for start, _, _ in spend.history), default=None)
    elapsed = budget.cadence if last is None else min(max(now - last, budget.interval), budget.cadence)
    share = int(articles * elapsed / HOUR)
    return max(0, min(share, room)), max(0, room)


def _least_share(budget: Budget, spend: HostSpend) -> int:
    """The smallest share a cycle gets (one `interval` after the last)."""
    articles = budget.per_hour - spend.this_cycle * math.ceil(HOUR / max(budget.interval, 1.0))
    return int(articles * budget.interval / HOUR)


def plan_checks(
    candidates: Iterable[Candidate], now: float, policy: RecheckPolicy, budget: Budget,
    spend: Mapping[str, HostSpend] | None = None,
) -> Plan:
    """The cycle's fetches, most valuable first, each host within its share of the budget (a feed signal
    within the hour's budget alone: it is worth fetching now, not spread over the hour)."""
    lookahead = budget.lookahead
    by_host: dict[str, list[Due]] = {}
    ahead: dict[str, list[Due]] = {}
    for c in candidates:
        due = assess(c, now, policy, lookahead)
        if due is not None:
            by_host.setdefault(c.host, []).append(due)
        elif policy.max_interval and budget.per_hour and _ahead(c, now, policy, lookahead):
            ahead.setdefault(c.host, []).append(Due(c.key, Why.AHEAD, now - (c.last_checked or now)))
    fetch: list[Due] = []
    deferred: list[Due] = []
    allowed: dict[str, int | None] = {}
    for host in sorted({*by_host, *ahead}):
        dues = by_host.get(host, [])
        limits = allowance(budget, (spend or {}).get(host, HostSpend()), now)
        allowed[host] = None if limits is None else limits[0]
        if limits is None:
            fetch += dues
            continue
        share, room = limits
        # The promise's checks of the next cycle beyond what its share will hold: taken now, if this one can.
        early = sorted(ahead.get(host, []), key=lambda d: -d.value)
        dues += early[:max(0, len(early) - _least_share(budget, (spend or {}).get(host, HostSpend())))]
        dues.sort(key=lambda d: d.order)
        taken = 0
        for due in dues:
            if taken < (room if due.why is Why.FEED else share):
                fetch.append(due)
                taken += 1
            elif due.why is not Why.AHEAD:
                deferred.append(due)
    fetch.sort(key=lambda d: d.order)
    return Plan(tuple(fetch), tuple(deferred), allowed)
