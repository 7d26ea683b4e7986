"""Which tracked articles one cycle fetches: the most valuable checks first, within each host's budget.

Pure: candidates, the clock and what each host was already asked → an ordered plan. Per host,
a cycle may spend its share of `host_budget_per_hour` (one cycle's: the budget × (feed_interval
+ jitter) / 1 h), never more than the budget in any sliding hour; so the requests are spread
evenly over the hour. The share goes, in order, to:

1. articles whose feed description changed (the feed is a free signal: the page is fetched to
   confirm, never alerted from the feed text), then those whose sitemap lastmod moved since our last
   check (on a host whose lastmod is not distrusted: `decide.signals`; within the cycle's share);
2. articles never read yet (a new post's first reading);
3. articles twice past the promise (only when the budget is too small for the host's articles),
   the most valuable first (`value`): over budget every interval stretches, the freshest least;
4. the promise, a bound on every gap: every article at the last cycle that still keeps
   `max_interval` counted from its last check, looking one cycle (and its requests) ahead; and,
   earliest deadline first, as many more as the cycles to come cannot hold at the host's rate
   (`must_now`: for every deadline d, the checks due by d less what the cycles before d can make),
   so uneven demand never asks a later cycle for more than it can give; failed checks retried;
5. (the promise's early checks rank with it: a cycle takes them before any extra);
6. fresh and hot extras: an article whose age (since publication, or since a change we saw: a
   change makes it young again) gives a shorter interval (`RecheckPolicy.interval_for`) is due
   when that interval has passed, half a cycle early (rounding to the nearest cycle);
7. the promise's due checks that `must_now` says could wait a cycle (`Due.spare`).

So the extras use what the promise needs now leaves of the budget. What does not fit waits for the next cycle.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from monitor.decide.policy import DAY, HOUR, ArticleFacts, RecheckPolicy


class Why(enum.StrEnum):
    """Why an article is (or will next be) checked; `monitor status` shows it."""

    FEED = "feed"  # its feed description changed: fetched in this cycle
    SITEMAP = "sitemap"  # its sitemap lastmod moved since our last check: fetched in this cycle
    NEW = "new"  # never read yet
    RETRY = "retry"  # its last check failed: retried after a growing backoff
    HOT = "hot"  # changed recently: may change again soon
    FRESH = "fresh"  # published recently
    BOUND = "bound"  # the promise: checked at least once per max_interval
    OVERDUE = "overdue"  # twice past the promise: the host's budget is too small for its articles
    AHEAD = "ahead"  # the promise, kept early: the cycles before its deadline will have more due than their share
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
    lastmod_moved: bool = False  # its host's sitemap (not distrusted) says it changed since our last check
    covered: bool = False  # its host's sitemap lists it and is trusted: the promise is the signal's (`promise_of`)


def candidate(key: int, host: str, facts: ArticleFacts, *, signaled: bool = False,
              in_feed: bool = False, lastmod_moved: bool = False, covered: bool = False) -> Candidate:
    return Candidate(
        key=key, host=host, pinned=facts.pinned, freshness=facts.freshness.timestamp(),
        changed=facts.last_changed is not None and facts.freshness == facts.last_changed,
        last_checked=facts.last_checked.timestamp() if facts.last_checked else None, failures=facts.failures,
        signaled=signaled, in_feed=in_feed, lastmod_moved=lastmod_moved, covered=covered,
    )


def promise_of(c: Candidate, policy: RecheckPolicy) -> RecheckPolicy:
    """The policy this article is held to. An article a trusted sitemap covers is checked within a cycle of its
    lastmod moving; its promise stretches to `COVERED_STRETCH` × max_interval (a day by default): the checks that
    keep measuring the signal's honesty. Every other article keeps `max_interval` as a hard floor."""
    if not c.covered or not policy.max_interval:
        return policy
    return replace(policy, max_interval=policy.max_interval * COVERED_STRETCH)


@dataclass(frozen=True)
class Budget:
    """`per_hour`: requests per host per hour at most, feeds included (0: no budget); `interval` and `jitter`:
    a cycle comes `interval` to `interval + jitter` seconds after the last (feed_interval, jitter);
    `spacing`: seconds between two requests to one host (host_delay)."""

    per_hour: float = 0.0
    interval: float = 300.0
    jitter: float = 60.0
    spacing: float = 0.0
    taken: float = 0.0  # the longest a recent cycle took from its start to its last request to the host, as measured

    @property
    def cadence(self) -> float:
        """The longest wait for the next cycle."""
        return self.interval + self.jitter

    @property
    def lookahead(self) -> float:
        """How late the next chance to check an article may come: the next cycle, after its requests, as spaced or
        as long as recent cycles took (a slow disk, a slow site, a clock run faster than the work: measured), and a
        tenth of an interval more: lateness nobody saw yet (a scheduler woken late, a slow DNS answer) stays inside
        the promise."""
        return self.cadence + LATE * self.interval + max(self.spacing * self.per_hour * self.cadence / HOUR,
                                                          self.taken)

    @property
    def cycles_per_hour(self) -> int:
        """The most cycles one sliding hour can hold: cycles exactly `interval` apart fit one more than
        hour / interval when the window's ends meet two of them (a few ms of lateness decide it)."""
        return math.floor(HOUR / max(self.interval, 1.0)) + 1

    def measured(self, spend: HostSpend) -> Budget:
        """This budget with what the host's recent cycles showed: how long they took, and how late one came after
        another (a cycle that overran, a scheduler woken late), each at most one interval more."""
        taken = max((end - start for start, end, _ in spend.history), default=0.0)
        starts = sorted(start for start, _, _ in spend.history)
        late = max((b - a - self.interval for a, b in itertools.pairwise(starts)), default=0.0)
        return replace(self, taken=max(self.taken, min(taken, self.interval)),
                       jitter=max(self.jitter, min(late, self.interval)))


@dataclass(frozen=True)
class HostSpend:
    """What one host was asked: (start, end, article requests) of earlier cycles (the end: when the last request
    went), and the other requests of this cycle so far (feeds, robots.txt). A cycle counts against the hour until
    an hour after its start, every cycle's feed polls are set aside first, and the fetcher holds each request to
    the sliding hour (`sources.hourly`), so no sliding hour ever sees more than the budget."""

    history: tuple[tuple[float, float, int], ...] = ()
    this_cycle: int = 0
    polled: int = 0  # this cycle's sitemap requests: spent from its share (and counted in its history)
    signaled: int = 0  # the history's signals and first readings: the hour to come is counted on as many


@dataclass(frozen=True)
class Due:
    key: int
    why: Why
    value: float = 0.0  # within its rank, higher first
    spare: bool = False  # the promise's, but it can wait a cycle: after the fresh and hot extras

    @property
    def first(self) -> bool:
        """A signal or a first reading: fetched before the promise, whenever it comes."""
        return _RANK[self.why] <= _RANK[Why.NEW]

    @property
    def order(self) -> tuple[int, float]:
        """Feed signals, then first readings, then the promise (and retries) that cannot wait, then fresh and hot
        extras, then the promise's checks that could wait a cycle."""
        return (_SPARE if self.spare else _RANK[self.why]), -self.value


_RANK = {Why.FEED: 0, Why.SITEMAP: 0, Why.NEW: 1, Why.OVERDUE: 2, Why.BOUND: 3, Why.RETRY: 3, Why.AHEAD: 3, Why.HOT: 5,
         Why.FRESH: 5}
_SPARE = 6
LATE = 0.1  # of an interval: how much later than planned a cycle may come, unseen (`Budget.lookahead`)
COVERED_STRETCH = 24  # a trusted signal's articles: the promise × this (checks that keep measuring the signal)


def must_now(deadlines: Iterable[float], now: float, budget: Budget, spend: HostSpend, first: int = 0) -> int:
    """Promise checks this cycle must make (earliest deadline first) so that the cycles to come, at the host's
    rate, can make every other before its deadline: the most, over every deadline d, of the checks due by d
    less what the cycles after this one surely make before d. Signals and new posts come first in every cycle:
    they come at the last hour's rate, or at this cycle's (`first`) if more, and as they come at random, the
    cycles before d are counted less two standard deviations of their count too (a Poisson count's: √ of its
    mean), so a run of signals in the next few cycles does not take the checks a near deadline needs. (Counting
    on 90 % of the rate, as before, made the planner always behind at the defaults: it spent the whole budget on
    early checks and the hot window never ran.)"""
    whole = (budget.per_hour - (spend.this_cycle + spend.polled) * budget.cycles_per_hour) / HOUR
    signals = max(first / max(budget.interval, 1.0), spend.signaled / HOUR)
    inner = budget.lookahead - budget.cadence  # a cycle's own requests: a check comes up to this late in it
    need = 0
    for count, deadline in enumerate(sorted(deadlines), start=1):
        span = max(0.0, deadline - inner - now - budget.cadence)
        expected = signals * span
        later = max(0.0, whole * span - expected - 2 * math.sqrt(expected))
        need = max(need, count - math.floor(later))
    return need


@dataclass(frozen=True)
class Plan:
    fetch: tuple[Due, ...]  # in this order
    deferred: tuple[Due, ...] = ()  # due, but over their host's budget: next cycle
    allowance: dict[str, int | None] = field(default_factory=dict)  # per host; None: no budget


def assess(c: Candidate, now: float, policy: RecheckPolicy, lookahead: float) -> Due | None:
    """Whether this article is due now, why, and how urgently; None when it can wait (or is retired)."""
    if c.signaled:
        return Due(c.key, Why.FEED)
    if c.lastmod_moved:
        return Due(c.key, Why.SITEMAP, -1.0)
    policy = promise_of(c, policy)
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
    if c.lastmod_moved:
        return now, Why.SITEMAP
    policy = promise_of(c, policy)
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
    since the host's previous cycle (counted as at least `interval`, at most `interval + jitter`), rounded on
    the clock's grid of that rate, so the roundings of successive cycles add up to nothing lost (rounding each
    share down gave back a request a cycle: 5 % of the budget at the defaults). The hour is counted from the
    cycles' starts: a cycle an hour before this one and paced like it has its requests out of the sliding hour
    before this one makes its own, and the fetcher holds each request to the sliding hour itself
    (`sources.hourly`). Counted from their ends, every thirteenth cycle was starved to nothing."""
    if not budget.per_hour:
        return None
    articles = budget.per_hour - spend.this_cycle * budget.cycles_per_hour
    room = int(articles - sum(n for start, _, n in spend.history if now - start < HOUR))
    last = max((start for start, _, _ in spend.history), default=None)
    elapsed = budget.cadence if last is None else min(max(now - last, budget.interval), budget.cadence)
    share = math.floor(articles * now / HOUR) - math.floor(articles * (now - elapsed) / HOUR) \
        - spend.polled
    room -= spend.polled
    return max(0, min(share, room)), max(0, room)


def plan_checks(
    candidates: Iterable[Candidate], now: float, policy: RecheckPolicy, budget: Budget,
    spend: Mapping[str, HostSpend] | None = None,
) -> Plan:
    """The cycle's fetches, most valuable first, each host within its share of the budget (a feed signal
    within the hour's budget alone: it is worth fetching now, not spread over the hour)."""
    spend = spend or {}
    budgets = {host: budget.measured(s) for host, s in spend.items()}
    by_host: dict[str, list[Due]] = {}
    ahead: dict[str, list[tuple[float, Due]]] = {}  # the promise's checks by deadline: due, or not yet (AHEAD)
    deadlines: dict[str, list[float]] = {}
    for c in candidates:
        due = assess(c, now, policy, budgets.get(c.host, budget).lookahead)
        if due is not None:
            by_host.setdefault(c.host, []).append(due)
        if policy.max_interval and budget.per_hour and c.last_checked is not None and not c.failures:
            deadline = c.last_checked + promise_of(c, policy).max_interval
            deadlines.setdefault(c.host, []).append(deadline)
            if due is None or due.why in (Why.HOT, Why.FRESH):  # an extra the promise may need to rank higher
                ahead.setdefault(c.host, []).append((deadline, Due(c.key, Why.AHEAD, now - c.last_checked)))
            elif due.why is Why.BOUND:
                ahead.setdefault(c.host, []).append((deadline, due))
    fetch: list[Due] = []
    deferred: list[Due] = []
    allowed: dict[str, int | None] = {}
    for host in sorted({*by_host, *ahead}):
        dues = by_host.get(host, [])
        limits = allowance(budgets.get(host, budget), spend.get(host, HostSpend()), now)
        allowed[host] = None if limits is None else limits[0]
        if limits is None:
            fetch += dues
            continue
        share, room = limits
        # The promise's checks the cycles to come cannot hold: taken now, earliest deadline first.
        # The rest of the promise's due checks could wait a cycle: they rank after the fresh and hot extras, so the
        # hot window gets what the promise leaves (it got nothing while every due check ranked first).
        first = sum(1 for d in dues if d.first)
        needed = must_now(deadlines.get(host, ()), now, budgets.get(host, budget), spend.get(host, HostSpend()), first)
        needed -= sum(1 for d in dues if d.why is Why.OVERDUE)
        by_deadline = [d for _, d in sorted(ahead.get(host, []), key=lambda pair: pair[0])]
        required = {d.key: d for d in by_deadline[:max(0, needed)]}
        spare = {d.key: replace(d, spare=True) for d in by_deadline[max(0, needed):] if d.why is Why.BOUND}
        dues = [spare.get(d.key, d) for d in dues if d.key not in required] + list(required.values())
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
