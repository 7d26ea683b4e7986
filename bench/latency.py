"""Benchmark: how late we hear of an edit, and what it costs the site, in virtual time.

    python bench/latency.py [--n 200 5000] [--days 90] [--seed 1] [--quick] [--sitemap none honest daily frozen]
    python bench/latency.py --legacy   # the earlier comparison: fixed tiers without budget vs plan_checks

Issue 25: the site also publishes a sitemap (none; honest lastmod; every page stamped daily; lastmod
frozen at publication); each is run without reading it and reading it (polls cost requests like pages),
with the host's lastmod honesty judged by the REAL decide.signals.

A simulated site (no network, no sleeping: an injected clock) with N tracked articles of
realistic ages (publication dates over four years, recent ones denser; those published
during the run are discovered through the feed) and edits over `--days` days (most in the
first days after publication, a long tail up to years, some articles edited several
times, some in bursts of corrections). The REAL scheduling code picks what each cycle
fetches: before, the previous fixed tiers (`policy.is_due` with the old defaults, as the
cycle called it); after, `decide.schedule.plan_checks` with the product's defaults (the
function `run_cycle` calls), with the feed signal. An edit is detected when the article
is fetched after it; the feed holds the site's newest 50 posts and is polled every cycle.

Prints per age band (article age at the edit) p50/p95/max detection latency and missed
edits, per host requests per hour (mean, peak over any sliding hour), bytes and CPU seconds
per day, before and after side by side, for each N; then the trade-off curve budget → p95.
Costs per request are the measured figures of docs/benchmarks.md (bench/cycle.py): a 304 ≈ 300 B and
1.2 ms CPU, a changed page ≈ 55 KB and 4 ms, the real 50-item feed ≈ 118 KB gzipped; the
scheduler's own CPU is measured here (process time of its calls).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import heapq
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.app.plan import budget_of  # noqa: E402
from monitor.config.declare import Settings  # noqa: E402
from monitor.decide.policy import ArticleFacts, RecheckPolicy, is_due, next_check  # noqa: E402
from monitor.decide.schedule import Candidate, HostSpend, plan_checks  # noqa: E402
from monitor.decide.signals import UNPROVEN_MOVES, Trust, judge, moved_since, observe  # noqa: E402
from monitor.sources.hourly import HourlyLimit  # noqa: E402

DAY, HOUR, YEAR = 86400.0, 3600.0, 365 * 86400.0
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()  # virtual time 0
WARMUP = 2 * DAY  # simulated before edits are counted: every policy reaches its steady state
DRAIN = 2 * DAY  # simulated after the last edit, so late detections are not counted as missed
HOST = "www.eff.org"
FEED_ITEMS = 50
SITE_POSTS_PER_DAY = 4.0  # eff.org's whole output (Deeplinks + press releases), tracked or not
BYTES_304, BYTES_PAGE, BYTES_FEED = 300, 55_000, 118_000
CPU_304, CPU_PAGE, CPU_FEED = 0.0012, 0.004, 0.060  # seconds; the feed's parse is measured in main()
BANDS = (("< 2 d", 2), ("< 30 d", 30), ("< 90 d", 90), ("< 365 d", 365), ("older", math.inf))
PER_CYCLE_JITTER = False  # --per-cycle-jitter: the service's schedule before issue 25
OLD_POLICY = RecheckPolicy(tiers=((2.0, 0.0), (30.0, 3600.0), (365.0, DAY)), retire_after_days=365.0,
                           max_interval=0.0)  # main before this work: fixed tiers, discovered retired at 1 year


# -- the simulated site ------------------------------------------------------------------------------------
@dataclass
class Article:
    key: int
    published: float  # virtual seconds (negative: before the run)
    pinned: bool
    edits: list[float]
    leaves_feed: float  # when 50 newer posts have pushed it out of the feed
    tracked: bool = False
    last_checked: float | None = None
    last_changed: float | None = None
    detected: int = 0  # edits[:detected] were seen
    signaled: bool = False
    listed: float | None = None  # its sitemap lastmod as our last poll read it
    at_check: float | None = None  # ... as it was at our last check of the article


@dataclass
class Site:
    articles: list[Article]
    posts: list[float]  # every post of the site, sorted: the feed changes when one appears


def make_site(n: int, days: float, rng: random.Random) -> Site:
    """N tracked articles published over four years before the run and during it, recent denser."""
    span, scale = 4 * YEAR + days * DAY, 1.5 * YEAR  # density ∝ exp(t / 1.5 y)
    top = days * DAY
    articles = []
    for key in range(n):
        u = rng.random()
        published = top + scale * math.log(1 - u * (1 - math.exp(-span / scale)))
        articles.append(Article(key, published, pinned=rng.random() < 0.1, edits=_edits(published, top, rng),
                                leaves_feed=math.inf))
    ours = sorted(a.published for a in articles if a.published > -30 * DAY)
    rate = max(SITE_POSTS_PER_DAY, 2 * len(ours) / (days + 30)) / DAY  # the site posts more than we track
    others, t = [], -30 * DAY
    while t < top + DRAIN:
        t += rng.expovariate(rate)
        others.append(t)
    posts = sorted(others + ours)
    for a in articles:
        after = bisect.bisect_right(posts, a.published)
        a.leaves_feed = posts[after + FEED_ITEMS - 1] if after + FEED_ITEMS - 1 < len(posts) else math.inf
    return Site(articles, posts)


def _edits(published: float, top: float, rng: random.Random) -> list[float]:
    """Edit times: a rate c / (age + a0) per day (most right after publication, a long tail), and bursts."""
    c, a0 = 0.25, 0.3
    start = max(published, -WARMUP)
    age = (start - published) / DAY
    out = []
    while True:  # inverse of the cumulative rate c·ln((age + a0) / (age0 + a0))
        age = (age + a0) * math.exp(rng.expovariate(1.0) / c) - a0
        t = published + age * DAY
        if t > top:
            break
        out.append(t)
        while rng.random() < 0.35 and t < top:  # a correction follows within minutes to hours
            t += rng.expovariate(1 / 1800.0)
            if t <= top:
                out.append(t)
    return sorted(out)


# -- the site's sitemap -------------------------------------------------------------------------------------
SITEMAP_MODES = ("none", "honest", "daily", "frozen")
CHILD = 2000  # URLs per child sitemap (an index lists the children, each with the lastmod of its newest entry)
MAX_READS = 6  # as monitor.app.sitemaps: sitemap files read per cycle at most
STAMP_HOUR = 3 * HOUR  # "daily": the build stamps every page's lastmod at 03:00 every day


class SitemapSite:
    """What the site's sitemap says of each tracked article at a poll, and which files a poll must read:
    `honest` (lastmod = the last edit, else publication), `daily` (every page stamped with the day's build
    time, whatever changed), `frozen` (lastmod = publication, never moves)."""

    def __init__(self, mode: str, arts: list[Article]) -> None:
        self.mode, self.arts = mode, arts
        events = [(a.published, a.key) for a in arts]
        if mode == "honest":
            events += [(t, a.key) for a in arts for t in a.edits]
        self.events = sorted(events)
        self.next = 0
        self.stamp = -math.inf
        self.stale: set[int] = set()  # children whose index lastmod moved since we last read them

    def poll(self, now: float) -> int:
        """Update every tracked article's listed lastmod; the requests this poll costs (the index, then the
        children that changed, at most MAX_READS files)."""
        touched = set()
        while self.next < len(self.events) and self.events[self.next][0] <= now:
            t, key = self.events[self.next]
            self.next += 1
            a = self.arts[key]
            a.listed = max(t, self.stamp) if self.mode == "daily" else t
            touched.add(key // CHILD)
        if self.mode == "daily":
            stamp = math.floor((now - STAMP_HOUR) / DAY) * DAY + STAMP_HOUR
            if stamp > self.stamp:
                self.stamp = stamp
                for a in self.arts:
                    if a.published <= now:
                        a.listed = max(a.published, stamp)
                        touched.add(a.key // CHILD)
        self.stale |= touched
        reads = sorted(self.stale)[:MAX_READS - 1]
        self.stale -= set(reads)
        return 1 + len(reads)


# -- the two schedulers ------------------------------------------------------------------------------------
class Scheduler:
    """Which tracked articles a cycle fetches; an index of lower bounds skips those surely not due
    (the real code is asked about every other one, so the choice is exactly the real code's)."""

    name = ""
    signal = False

    def __init__(self) -> None:
        self.heap: list[tuple[float, int]] = []
        self.cpu = 0.0
        self.first = 0  # the last plan's signals and first readings

    def add(self, a: Article, now: float) -> None:
        heapq.heappush(self.heap, (now, a.key))

    def _ready(self, now: float) -> set[int]:
        keys = set()
        while self.heap and self.heap[0][0] <= now + 60:
            keys.add(heapq.heappop(self.heap)[1])
        return keys

    def choose(self, arts: list[Article], now: float, spend: HostSpend) -> list[int]:
        raise NotImplementedError

    def checked(self, a: Article, now: float) -> None:
        raise NotImplementedError


class Before(Scheduler):
    """main before this work: every due article, every cycle (no budget, no feed signal)."""

    name = "before"

    def __init__(self, policy: RecheckPolicy) -> None:
        super().__init__()
        self.policy = policy

    def choose(self, arts: list[Article], now: float, spend: HostSpend) -> list[int]:
        started = time.process_time()
        when = dt.datetime.fromtimestamp(EPOCH + now, dt.UTC)
        out = []
        for key in sorted(self._ready(now)):
            facts = _facts(arts[key])
            if is_due(facts, when, self.policy):
                out.append(key)
            else:
                self._push(facts, when, key)
        self.cpu += time.process_time() - started
        return out

    def checked(self, a: Article, now: float) -> None:
        started = time.process_time()
        self._push(_facts(a), dt.datetime.fromtimestamp(EPOCH + now, dt.UTC), a.key)
        self.cpu += time.process_time() - started

    def _push(self, facts: ArticleFacts, when: dt.datetime, key: int) -> None:
        nxt = next_check(facts, when, self.policy)
        if nxt is not None:  # retired: never again (it is never read, so it never turns fresh)
            heapq.heappush(self.heap, (nxt.timestamp() - EPOCH, key))


class After(Scheduler):
    """This work: plan_checks within the host budget, with the feed signal."""

    name = "after"
    signal = True

    def __init__(self, settings: Settings, *, signal: bool = True, sitemaps: bool = False) -> None:
        super().__init__()
        self.signal = signal
        self.sitemaps = sitemaps  # reads the site's sitemap (this work), else ignores it (main)
        self.policy = settings.recheck
        self.budget = budget_of(settings)
        self.cache: dict[int, Candidate] = {}
        self.record = ""  # the host's lastmod honesty (decide.signals)
        self.was = (False, False)
        self.hinted: set[int] = set()
        self.distrusted_at: float | None = None
        self.trusted_at: float | None = None

    def usable(self) -> bool:
        return self.sitemaps and judge(self.record).usable

    def signal_state(self) -> tuple[bool, bool]:
        """(a moved lastmod is acted on, the sitemap is trusted), as app.plan.lastmod_signals reads them."""
        return self.usable(), self.sitemaps and judge(self.record).trust is Trust.TRUSTED

    def observe(self, a: Article, changed: bool, now: float) -> None:
        """One check of an article the sitemap lists: an observation of the host's honesty, as the cycle makes."""
        if not self.sitemaps or a.listed is None:
            return
        if a.last_checked is not None:
            was = moved_since(a.listed, a.at_check, a.last_checked)
            self.record = observe(self.record, moved=was, changed=changed)
            trust = judge(self.record).trust
            if trust is Trust.DISTRUSTED and self.distrusted_at is None:
                self.distrusted_at = now
            if trust is Trust.TRUSTED and self.trusted_at is None:
                self.trusted_at = now
        a.at_check = a.listed

    def add(self, a: Article, now: float) -> None:
        self.cache[a.key] = _candidate(a, now, *self.signal_state())

    def choose(self, arts: list[Article], now: float, spend: HostSpend) -> list[int]:
        """The real plan over every tracked article (the promise's demand bound needs every deadline)."""
        started = time.process_time()
        state = self.signal_state()
        usable = state[0]
        moved = sorted((a.last_checked, a.key) for a in arts if usable and a.tracked and a.last_checked is not None
                       and moved_since(a.listed, a.at_check, a.last_checked))
        if not state[1]:  # unproven: a few moves a cycle (app.plan.lastmod_signals)
            moved = moved[:UNPROVEN_MOVES]
        signaled = {a.key for a in arts if a.signaled} | {key for _, key in moved}
        if state != self.was:  # trust changed: every candidate's signal is read again
            signaled |= self.cache.keys()
            self.was = state
        for key in signaled | self.hinted:
            self.cache[key] = _candidate(arts[key], now, *state)
        self.hinted = signaled
        plan = plan_checks(self.cache.values(), EPOCH + now, self.policy, self.budget, {HOST: spend})
        self.first = sum(d.first for d in plan.fetch)  # signals and first readings: the cycle's history records them
        self.cpu += time.process_time() - started
        return [d.key for d in plan.fetch]

    def checked(self, a: Article, now: float) -> None:
        started = time.process_time()
        self.cache[a.key] = _candidate(a, now, *self.signal_state())
        self.cpu += time.process_time() - started


def _facts(a: Article) -> ArticleFacts:
    def at(t: float | None) -> dt.datetime | None:
        return None if t is None else dt.datetime.fromtimestamp(EPOCH + t, dt.UTC)

    published = at(a.published)
    assert published is not None
    return ArticleFacts(origin="seed" if a.pinned else "feed", first_seen=published, last_changed=at(a.last_changed),
                        published=published, last_checked=at(a.last_checked))


def _candidate(a: Article, now: float, sitemap: bool = False, trusted: bool = False) -> Candidate:
    fresh = max(a.published, a.last_changed) if a.last_changed is not None else a.published
    return Candidate(key=a.key, host=HOST, pinned=a.pinned, freshness=EPOCH + fresh,
                     changed=a.last_changed is not None and a.last_changed >= a.published,
                     last_checked=None if a.last_checked is None else EPOCH + a.last_checked,
                     signaled=a.signaled, in_feed=a.published <= now < a.leaves_feed,
                     lastmod_moved=sitemap and a.last_checked is not None
                     and moved_since(a.listed, a.at_check, a.last_checked),
                     covered=trusted and a.listed is not None)


# -- the run -----------------------------------------------------------------------------------------------
@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # band → seconds
    missed: dict[str, int] = field(default_factory=dict)
    requests: list[float] = field(default_factory=list)  # times
    bytes: int = 0
    cpu: float = 0.0
    days: float = 0.0
    peak: int = 0  # requests in the busiest sliding hour
    gaps: list[float] = field(default_factory=list)  # between two checks of one article (counted after warm-up)
    trust: str = ""  # the host's sitemap trust at the end, and when it was reached


def merged(results: list[Result]) -> Result:
    """Replicate runs (other random sites) as one: edits pooled, costs per day averaged, the worst peak."""
    out = Result(days=sum(r.days for r in results), peak=max(r.peak for r in results))
    for r in results:
        for band, values in r.latencies.items():
            out.latencies.setdefault(band, []).extend(values)
        for band, count in r.missed.items():
            out.missed[band] = out.missed.get(band, 0) + count
        out.requests += r.requests
        out.bytes += r.bytes
        out.cpu += r.cpu
        out.gaps += r.gaps
    out.trust = "; ".join(sorted({r.trust for r in results if r.trust}))
    return out


def simulate(site: Site, sched: Scheduler, *, days: float, interval: float, jitter: float, delay: float,
             rng: random.Random, sitemap: str = "none") -> Result:
    arts = [replace(a, edits=list(a.edits)) for a in site.articles]
    published = SitemapSite(sitemap, arts) if sitemap != "none" else None
    reads = isinstance(sched, After) and sched.sitemaps and published is not None
    sitemap_polled = -math.inf
    res = Result(days=(days * DAY + DRAIN) / DAY)
    edit_band: dict[tuple[int, int], str] = {}
    for a in arts:
        for i, t in enumerate(a.edits):
            if t >= 0:
                edit_band[(a.key, i)] = _band(a, t)
        if a.published < -WARMUP:
            a.tracked = True
            sched.add(a, -WARMUP)
    history: list[tuple[float, float, int]] = []
    firsts: list[int] = []  # per cycle of the history: its signals and first readings
    limit = HourlyLimit(sched.budget.per_hour if isinstance(sched, After) else 0.0)  # the fetcher's, per request

    def send(t: float) -> float:
        """A request at `t`, or as much later as the host's sliding hour asks (the real `sources.hourly`)."""
        t += limit.wait(HOST, t)
        limit.sent(HOST, t)
        res.requests.append(t)
        return t

    tick, free, polled = -WARMUP, -WARMUP, -WARMUP - interval
    phase = -WARMUP + interval + rng.uniform(0, jitter)  # the service: a cycle at start, then exactly interval apart
    cycles = 0
    end = days * DAY + DRAIN
    while tick < end:
        if tick >= free:  # a tick while a cycle runs is skipped (max_instances=1, coalesce)
            start = tick
            # 1. the feed: 200 when a post appeared or an edit touched an entry since the last poll
            changed = _posts_between(site.posts, polled, start) > 0
            for a in arts:
                if a.published <= start < a.leaves_feed and a.published > polled - 60 and not a.tracked:
                    a.tracked = True  # a new post: tracked from this poll, read in this cycle
                    sched.add(a, start)
                if a.tracked and a.published <= start < a.leaves_feed and _edited(a, polled, start):
                    changed = True
                    a.signaled = a.signaled or sched.signal
            polled = start
            send(start)
            res.bytes += BYTES_FEED if changed else BYTES_304
            res.cpu += CPU_FEED if changed else CPU_304
            at, polls = start, 0
            if reads and isinstance(sched, After) and published is not None and (
                    sched.usable() or start - sitemap_polled >= HOUR):
                # 1b. the sitemap: its index, and the children that changed (hourly once distrusted)
                polls = published.poll(start)
                sitemap_polled = start
                for _ in range(polls):
                    at = send(at + delay)
                    res.bytes += BYTES_304
                    res.cpu += CPU_304
            elif published is not None:
                published.poll(start)  # main does not read it; the site publishes it all the same
            # 2. the plan, 3. the fetches, host_delay apart
            spend = HostSpend(tuple((EPOCH + s, EPOCH + e, n) for s, e, n in history if start - e < HOUR),
                              this_cycle=1, polled=polls,
                              signaled=sum(f for (s, _, _), f in zip(history, firsts, strict=True) if start - s < HOUR))
            order = sched.choose(arts, start, spend)
            for key in order:
                at = send(at + delay)
                a = arts[key]
                fresh = bisect.bisect_right(a.edits, at)
                body = a.last_checked is None or fresh > a.detected  # else the page answers 304
                if a.last_checked is None:
                    for i in range(fresh):  # the first reading is the baseline: earlier edits are in it
                        edit_band.pop((a.key, i), None)
                elif fresh > a.detected:
                    for i in range(a.detected, fresh):
                        if (a.key, i) in edit_band:
                            res.latencies.setdefault(edit_band[(a.key, i)], []).append(at - a.edits[i])
                    a.last_changed = at
                if isinstance(sched, After):
                    sched.observe(a, a.last_checked is not None and fresh > a.detected, at)
                a.detected = fresh
                res.bytes += BYTES_PAGE if body else BYTES_304
                res.cpu += CPU_PAGE if body else CPU_304
                if a.last_checked is not None and a.last_checked >= 0:
                    res.gaps.append(at - a.last_checked)
                a.last_checked, a.signaled = at, False
                sched.checked(a, at)
            history.append((start, at, len(order) + polls))
            firsts.append(sched.first)
            free = at
        cycles += 1
        if PER_CYCLE_JITTER:  # main before issue 25: APScheduler's jitter, a delay drawn per cycle (cumulative)
            tick += interval + rng.uniform(0, jitter)
        else:
            tick = phase + (cycles - 1) * interval
    for a in arts:
        for i in range(a.detected, len(a.edits)):
            if (a.key, i) in edit_band:
                res.missed[edit_band[(a.key, i)]] = res.missed.get(edit_band[(a.key, i)], 0) + 1
    res.cpu += sched.cpu
    if isinstance(sched, After) and sched.sitemaps and published is not None:
        trust = judge(sched.record)
        when = sched.distrusted_at if trust.trust is Trust.DISTRUSTED else sched.trusted_at
        res.trust = f"{trust.trust}" + (f" from {_dur(when + WARMUP)} after the start" if when is not None else "")
    res.requests = [t for t in res.requests if t >= 0]  # the warm-up is not counted
    res.peak = _peak_per_hour(res.requests)
    return res


def _band(a: Article, t: float) -> str:
    age = (t - a.published) / DAY
    name = next(label for label, limit in BANDS if age < limit)
    return f"{'feed' if t < a.leaves_feed else 'gone'} {name}"


def _posts_between(posts: list[float], a: float, b: float) -> int:
    return bisect.bisect_right(posts, b) - bisect.bisect_right(posts, a)


def _edited(a: Article, since: float, until: float) -> bool:
    return bisect.bisect_right(a.edits, until) > bisect.bisect_right(a.edits, since)


# -- tables ------------------------------------------------------------------------------------------------
def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.1f} min"
    if seconds < 48 * HOUR:
        return f"{seconds / HOUR:.1f} h"
    return f"{seconds / DAY:.1f} d"


def _peak_per_hour(times: list[float]) -> int:
    times, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - HOUR:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def groups(res: Result) -> list[tuple[str, list[float], int]]:
    """Rows: posts still in the feed, then every other article by age band, then all."""
    rows = []
    feed = [v for k, vs in res.latencies.items() if k.startswith("feed") for v in vs]
    rows.append(("in the feed (any age)", feed, sum(n for k, n in res.missed.items() if k.startswith("feed"))))
    for label, _ in BANDS:
        key = f"gone {label}"
        rows.append((f"not in the feed, {label}", res.latencies.get(key, []), res.missed.get(key, 0)))
    every = [v for vs in res.latencies.values() for v in vs]
    rows.append(("all edits", every, sum(res.missed.values())))
    return rows


def print_side_by_side(before: Result, after: Result, labels: tuple[str, str]) -> None:
    print(f"| edits (article age at the edit) | n | {labels[0]}: p50 / p95 / max | missed "
          f"| {labels[1]}: p50 / p95 / max | missed |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (label, b, bm), (_, a, am) in zip(groups(before), groups(after), strict=True):
        def cell(v: list[float]) -> str:
            return " / ".join(_dur(_pct(v, q)) for q in (0.5, 0.95, 1.0)) if v else "-"
        print(f"| {label} | {len(a) + am} | {cell(b)} | {bm} | {cell(a)} | {am} |")
    print(f"| host {HOST} | | {labels[0]} | | {labels[1]} | |")
    for name, fn in _costs():
        print(f"| {name} | | {fn(before)} | | {fn(after)} | |")


def _costs() -> list[tuple[str, Callable[[Result], str]]]:
    return [
        ("requests per hour, mean", lambda r: f"{len(r.requests) / (r.days * 24):.0f}"),
        ("requests per hour, peak (any sliding hour)", lambda r: f"{r.peak}"),
        ("longest gap between two checks of one article", lambda r: _dur(max(r.gaps, default=None))),
        ("gaps over 60 min", lambda r: f"{sum(g > HOUR for g in r.gaps) / max(len(r.gaps), 1):.1%}"),
        ("MB per day", lambda r: f"{r.bytes / r.days / 1e6:.1f}"),
        ("CPU seconds per day", lambda r: f"{r.cpu / r.days:.1f}"),
    ]


def measure_feed_parse() -> float:
    """CPU seconds to parse the real 50-item feed (shared/real), else our generated one."""
    from monitor.sources.feeds import parse_feed

    real = REPO.parent / "shared" / "real" / "eff-updates-2017.rss"
    if real.is_file():
        body = real.read_bytes()
    else:
        from tests.fixtures.articles import SEEDED
        from tests.site import feed

        body = feed(SEEDED * 13).encode()
    parse_feed(body, "https://www.eff.org/rss/updates.xml")
    started = time.process_time()
    for _ in range(5):
        parse_feed(body, "https://www.eff.org/rss/updates.xml")
    return (time.process_time() - started) / 5


def main() -> None:
    global CPU_FEED, PER_CYCLE_JITTER
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[200, 5000])
    parser.add_argument("--days", type=float, default=90, help="days of edits for N <= 1000")
    parser.add_argument("--days-large", type=float, default=14, help="days of edits for larger N (slow)")
    parser.add_argument("--reps", type=int, default=3, help="random sites pooled for N <= 1000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="only the before/after tables")
    parser.add_argument("--sitemap", nargs="+", choices=SITEMAP_MODES, default=list(SITEMAP_MODES),
                        help="the site's sitemap: none, honest lastmod, every page stamped daily, lastmod frozen")
    parser.add_argument("--per-cycle-jitter", action="store_true",
                        help="cycles as the service made them before: a random delay per cycle, not one phase")
    parser.add_argument("--legacy", action="store_true",
                        help="the earlier comparison instead: fixed tiers without budget (before) vs plan_checks")
    args = parser.parse_args()
    PER_CYCLE_JITTER = args.per_cycle_jitter
    CPU_FEED = measure_feed_parse()
    product = Settings(database=Path("unused"))
    old = replace(product, recheck=OLD_POLICY, feed_interval=900.0, host_budget_per_hour=0.0)
    print(f"before: fixed tiers {OLD_POLICY.tiers}, discovered retired at {OLD_POLICY.retire_after_days:g} d, "
          f"no budget, no feed signal, a cycle every {old.feed_interval:g} s + up to {old.jitter:g} s")
    print(f"after: tiers {product.recheck.tiers}, max_interval {product.recheck.max_interval:g} s, "
          f"host_budget_per_hour {product.host_budget_per_hour:g}, feed signal, a cycle every "
          f"{product.feed_interval:g} s + up to {product.jitter:g} s; host_delay {product.host_delay:g} s; "
          f"feed parse {CPU_FEED * 1000:.0f} ms (measured)")
    if not args.legacy:
        signals(args, product)
        return
    for n in args.n:
        days, reps = (args.days, args.reps) if n <= 1000 else (args.days_large, 1)
        sites = [make_site(n, days, random.Random(args.seed + r)) for r in range(reps)]
        edits = sum(1 for site in sites for a in site.articles for t in a.edits if t >= 0)
        print(f"\nN = {n} tracked articles on one host, {days:g} days of edits (+{DRAIN / DAY:g} d to drain), "
              f"{reps} random site(s): {edits} edits")
        before = merged([_run(site, old, days, args.seed) for site in sites])
        after = merged([_run(site, product, days, args.seed) for site in sites])
        print_side_by_side(before, after, ("before", "after"))
        if n <= 1000 and not args.quick:
            mechanisms(sites, product, days, args.seed)
    if not args.quick:
        curves(args, product)


def signals(args: argparse.Namespace, product: Settings) -> None:
    """Issue 25: the site publishes a sitemap (honest, stamped daily, frozen, or none); the same planner without
    reading it, then reading it and measuring its honesty (main's own figures: run main's bench/latency.py)."""
    print("no sitemap read: plan_checks with the feed signal alone; sitemap read: polled every cycle (index, "
          "changed children), a moved "
          "lastmod checked in the next cycle unless the host's lastmod is measured dishonest (decide.signals)")
    for n in args.n:
        days, reps = (args.days, args.reps) if n <= 1000 else (args.days_large, 1)
        sites = [make_site(n, days, random.Random(args.seed + r)) for r in range(reps)]
        edits = sum(1 for site in sites for a in site.articles for t in a.edits if t >= 0)
        before: Result | None = None
        for mode in args.sitemap:
            print(f"\nN = {n} tracked articles on one host, {days:g} days of edits (+{DRAIN / DAY:g} d to drain), "
                  f"{reps} random site(s): {edits} edits; sitemap: {mode}")
            if before is None:  # no sitemap read: the same figures whatever the site publishes
                before = merged([_run(site, product, days, args.seed) for site in sites])
            after = merged([_run(site, product, days, args.seed, sitemap=mode) for site in sites])
            print_side_by_side(before, after, ("no sitemap read", "sitemap read"))
            if after.trust:
                print(f"sitemap lastmod, as measured: {after.trust}")


def _run(site: Site, settings: Settings, days: float, seed: int, *, signal: bool = True,
         sitemap: str | None = None) -> Result:
    """`sitemap`: None, main's scheduler (reads no sitemap); else this work's, on a site publishing that one."""
    sched: Scheduler = (After(settings, signal=signal, sitemaps=sitemap is not None) if settings.host_budget_per_hour
                        else Before(settings.recheck))
    return simulate(site, sched, days=days, interval=settings.feed_interval, jitter=settings.jitter,
                    delay=settings.host_delay, rng=random.Random(seed + 7), sitemap=sitemap or "none")


def _summary(res: Result) -> str:
    rows = groups(res)
    feed, rest = rows[0][1], [v for _, vs, _ in rows[1:-1] for v in vs]
    return (f"{_dur(_pct(feed, .95)) if feed else '-'} / {_dur(max(feed)) if feed else '-'} "
            f"| {_dur(_pct(rest, .95)) if rest else '-'} / {_dur(max(rest)) if rest else '-'} "
            f"| {sum(res.missed.values())} | {len(res.requests) / (res.days * 24):.0f} / {res.peak} |")


HEAD = ("| in the feed p95 / max | not in the feed p95 / max | missed | requests/h mean / peak |\n"
        "| --- | --- | --- | --- |")


def mechanisms(sites: list[Site], product: Settings, days: float, seed: int) -> None:
    """Each mechanism measured before it is kept: the bound alone, + the feed signal, + hot windows."""
    print("\nmechanisms, same sites (budget and cycle as after):")
    print("| variant " + HEAD.replace("|\n| ---", "|\n| --- | ---", 1))
    variants = [
        ("max_interval alone (no tiers, no feed signal)", replace(product.recheck, tiers=()), False),
        ("+ feed signal", replace(product.recheck, tiers=()), True),
        ("+ feed signal + hot 6 h (tiers [[0.25, 0]])", replace(product.recheck, tiers=((0.25, 0.0),)), True),
        ("+ feed signal + hot 1 d (tiers [[1, 0]])", replace(product.recheck, tiers=((1.0, 0.0),)), True),
        ("+ feed signal + hot 2 d, 7 d at 15 min", replace(product.recheck, tiers=((2.0, 0.0), (7.0, 900.0))), True),
    ]
    for label, policy, signal in variants:
        res = merged([_run(site, replace(product, recheck=policy), days, seed, signal=signal) for site in sites])
        print(f"| {label} | {_summary(res)}")


def curves(args: argparse.Namespace, product: Settings) -> None:
    """The trade-off an operator chooses on: budget (and cycle interval) → p95, max and requests per hour."""
    for n in args.n:
        days = args.days if n <= 1000 else min(args.days_large, 7)
        site = make_site(n, days, random.Random(args.seed))
        budgets = (60, 120, 180, 240, 360, 480) if n <= 1000 else (240, 480, 960, 1800)
        intervals = (300.0, 900.0) if n <= 1000 else (300.0,)
        print(f"\ntrade-off, N = {n}, {days:g} days: host_budget_per_hour → latency of edits and requests per hour")
        print("| budget/h | feed_interval " + HEAD.replace("|\n| ---", "|\n| --- | --- | ---", 1))
        for interval in intervals:
            for budget in budgets:
                settings = replace(product, host_budget_per_hour=float(budget), feed_interval=interval)
                print(f"| {budget} | {interval:g} s | {_summary(_run(site, settings, days, args.seed))}")


if __name__ == "__main__":
    main()
