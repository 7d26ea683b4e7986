"""Which tracked articles a cycle fetches, in what order: the store's rows and the feed's signals turned
into the pure scheduler's candidates (`decide.schedule`), and its plan turned back into rows."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from monitor.config import Settings
from monitor.core.identity import fetch_url
from monitor.core.model import FeedEntry
from monitor.core.text import digest
from monitor.decide.schedule import Budget, Candidate, HostSpend, Plan, candidate, plan_checks
from monitor.decide.signals import UNPROVEN_MOVES, Trust, judge, moved_since
from monitor.store.database import ArticleRow, Store, article_facts


def budget_of(settings: Settings) -> Budget:
    """The service's cycles come exactly `feed_interval` apart (its jitter is one random phase: `service`), as cron's
    do: any lateness the planner must allow for, it measures (`Budget.measured`)."""
    return Budget(per_hour=settings.host_budget_per_hour, interval=settings.feed_interval, jitter=0.0,
                  spacing=settings.host_delay)


@functools.lru_cache(maxsize=1 << 16)
def host_of(url: str) -> str:
    """Cached: every cycle asks it of every tracked URL, twice, and the URLs rarely change."""
    return (urlsplit(url).hostname or "").lower()


def candidates(rows: Sequence[ArticleRow], *, signaled: frozenset[int] = frozenset(),
               in_feed: frozenset[int] = frozenset(), moved: frozenset[int] = frozenset(),
               covered: frozenset[int] = frozenset()) -> list[Candidate]:
    return [candidate(r.id, host_of(r.url), article_facts(r), signaled=r.id in signaled, in_feed=r.id in in_feed,
                      lastmod_moved=r.id in moved, covered=r.id in covered) for r in rows]


def due_rows(
    rows: Sequence[ArticleRow], settings: Settings, now: dt.datetime, *, spend: Mapping[str, HostSpend],
    signaled: frozenset[int] = frozenset(), in_feed: frozenset[int] = frozenset(),
    moved: frozenset[int] = frozenset(), covered: frozenset[int] = frozenset(),
) -> tuple[list[ArticleRow], Plan]:
    """The rows this cycle fetches, most valuable first, and the plan that chose them."""
    plan = plan_checks(candidates(rows, signaled=signaled, in_feed=in_feed, moved=moved, covered=covered),
                       now.timestamp(), settings.recheck, budget_of(settings), spend)
    by_id = {r.id: r for r in rows}
    return [by_id[d.key] for d in plan.fetch], plan


def record_feed_signals(store: Store, feed: str, entries: Sequence[FeedEntry]) -> None:
    """Remember each tracked entry's text; one that changed since the last poll signals its article, which
    this cycle then fetches (the page is the source of truth: the feed text never alerts by itself)."""
    before = store.feed_digests(feed)
    digests: dict[int, str] = {}
    guids = Counter(e.entry_id for e in entries if e.entry_id)
    for entry in entries:
        unique = bool(entry.entry_id) and guids[entry.entry_id] == 1  # a shared guid identifies no article
        row = store.article(fetch_url(entry.url)) or (store.article_by_guid(entry.entry_id) if unique else None)
        if row is not None:
            digests[row.id] = digest(entry.title, entry.summary)
    signaled = frozenset(k for k, v in digests.items() if k in before and before[k] != v)
    store.record_feed_entries(feed, digests, signaled)


def articles_to_check(store: Store, settings: Settings, spent: Mapping[str, int], *, due_only: bool,
                      polled: Mapping[str, int] | None = None) -> tuple[list[ArticleRow], int, int, dict[str, int]]:
    """This cycle's articles in fetch order, how many are not due yet, how many are due but left for a later
    cycle because their host's share of the hourly budget is spent (`status` calls those "due": say which), and
    per host how many of the fetches are signals and first readings (`answer_plan` records them).

    `spent`: requests already sent to each host in this cycle (feeds, robots.txt); `polled`: then its sitemaps.
    """
    rows = store.tracked_articles()  # never one `monitor remove` stopped
    if not due_only:
        return rows, 0, 0, {}
    now = dt.datetime.now(dt.UTC)
    signaled, in_feed = store.feed_signals()
    history, signals = store.host_spend(now.timestamp()), store.host_signals(now.timestamp())
    polled = polled or {}
    spend = {h: HostSpend(history.get(h, ()), spent.get(h, 0), polled.get(h, 0), signals.get(h, 0)) for h in {
        *history, *spent, *map(host_of, (r.url for r in rows))}}
    moved, covered = lastmod_signals(rows, store.lastmods(), sitemap_records(store))
    due, plan = due_rows(rows, settings, now, spend=spend, signaled=signaled, in_feed=in_feed, moved=moved,
                         covered=covered)
    hosts = {r.id: host_of(r.url) for r in due}
    first = Counter(hosts[d.key] for d in plan.fetch if d.first)
    return due, len(rows) - len(due) - len(plan.deferred), len(plan.deferred), dict(first)


def answer_plan(store: Store, checked: Sequence[ArticleRow], started: dt.datetime, before: Mapping[str, int],
                spent: Mapping[str, int], first: Mapping[str, int] | None = None) -> None:
    """After the fetches: the checked articles' signals are answered, the hosts' article (and sitemap) requests
    recorded (`spent` less `before`, the feed polls, which the budget sets aside for every cycle), and how many
    were signals and first readings (the planner counts the next hour's on as many: `HostSpend.signaled`)."""
    store.clear_signals([r.id for r in checked])
    articles = {host: n - before.get(host, 0) for host, n in spent.items()}
    store.record_host_spend(started.timestamp(), dt.datetime.now(dt.UTC).timestamp(), articles, first or {})


def sitemap_records(store: Store) -> dict[str, str]:
    """Host → its record of lastmod honesty, for hosts whose sitemaps list something (`decide.signals`)."""
    return {h: e.record for h, e in store.sitemap_hosts().items() if e.sitemaps}


def lastmod_signals(rows: Sequence[ArticleRow], lastmods: Mapping[int, tuple[float | None, float | None]],
                    records: Mapping[str, str]) -> tuple[frozenset[int], frozenset[int]]:
    """(articles whose sitemap lastmod moved since our last check, on hosts not distrusted; articles a trusted
    sitemap lists). While a host is unproven, at most `UNPROVEN_MOVES` of its moves a cycle: a site that stamps
    every page at once is found out by a few checks, not by a cycle's whole share."""
    moved: dict[str, list[tuple[float, int]]] = {}
    covered = set()
    for row in rows:
        listed = lastmods.get(row.id)
        host = host_of(row.url)
        if listed is None or host not in records:
            continue
        verdict = judge(records[host])
        if verdict.trust is Trust.TRUSTED:
            covered.add(row.id)
        checked = article_facts(row).last_checked
        if verdict.usable and moved_since(*listed, checked.timestamp() if checked else None):
            moved.setdefault(host, []).append((checked.timestamp() if checked else 0.0, row.id))
    out = set()
    for host, keys in moved.items():
        keep = len(keys) if judge(records[host]).trust is Trust.TRUSTED else UNPROVEN_MOVES
        out |= {key for _, key in sorted(keys)[:keep]}
    return frozenset(out), frozenset(covered)
