"""`monitor status`: what is tracked, when it was and will be checked and why, and the outbox, for people or
scripts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from monitor.app.plan import budget_of, candidates, host_of, lastmod_signals, sitemap_records
from monitor.app.treaty import treaty_line, treaty_summary
from monitor.config import Settings
from monitor.core.errors import ConfigError
from monitor.core.when import shown
from monitor.decide.policy import DAY, HOUR
from monitor.decide.schedule import Candidate, HostSpend, Why, next_due, plan_checks, promise_of
from monitor.decide.signals import judge
from monitor.notify.routing import settings_targets
from monitor.notify.targets import Target
from monitor.store.archive import archive_dir
from monitor.store.database import OrphanedDelivery, Store
from monitor.store.recovery import archive_report_of


@dataclasses.dataclass(frozen=True)
class StatusRow:
    id: int  # the article's short id: `history ID`, `diff ID`, `remove ID`, /article/ID
    url: str
    title: str
    origin: str
    versions: int
    last_change: str | None
    last_checked: str | None
    next_check: str  # ISO time, "due", "waiting" (due, over the host's hourly budget: a later cycle), "retired" or
    # "stopped" (`monitor remove`: never checked again until `monitor add`)
    last_error: str | None
    why: str = ""  # feed, new, retry, hot, fresh, bound, budget or retired (decide.schedule.Why), or stopped
    reason: str = ""  # the same in words


def status_rows(store: Store, settings: Settings, now: dt.datetime) -> list[StatusRow]:
    counts = store.version_counts()
    everything = store.articles()
    articles = [a for a in everything if a.untracked is None]
    signaled, in_feed = store.feed_signals()
    moved, covered = lastmod_signals(articles, store.lastmods(), sitemap_records(store))
    cands = candidates(articles, signaled=signaled, in_feed=in_feed, moved=moved, covered=covered)
    budget, at = budget_of(settings), now.timestamp()
    history = store.host_spend(at)
    spend = {h: HostSpend(history.get(h, ())) for h in {c.host for c in cands}}
    deferred = {d.key for d in plan_checks(cands, at, settings.recheck, budget, spend).deferred}
    rows = []
    for article, c in zip(articles, cands, strict=True):
        when, why = next_due(c, at, settings.recheck, budget.lookahead)
        if c.key in deferred:
            why = Why.BUDGET
        next_at = ("retired" if when is None else "waiting" if why == Why.BUDGET else "due" if when <= at
                   else dt.datetime.fromtimestamp(when, dt.UTC).isoformat(timespec="minutes"))
        rows.append(StatusRow(
            id=article.id, url=article.url, title=article.title, origin=article.origin,
            versions=counts.get(article.id, 0),
            last_change=article.last_changed, last_checked=article.last_checked, next_check=next_at,
            last_error=article.last_error, why=str(why), reason=_reason(why, c, at, settings),
        ))
    rows += [StatusRow(
        id=a.id, url=a.url, title=a.title, origin=a.origin, versions=counts.get(a.id, 0), last_change=a.last_changed,
        last_checked=a.last_checked, next_check="stopped", last_error=a.last_error, why="stopped",
        reason=f"taken out by `monitor remove` {shown(a.untracked)}: not checked (history kept; `monitor add` resumes)",
    ) for a in everything if a.untracked is not None]
    return sorted(rows, key=lambda r: r.last_change or "", reverse=True)


@dataclasses.dataclass(frozen=True)
class Outbox:
    """The deliveries as `status` tells them: counts (orphaned ones apart), the targets, the orphans."""

    counts: dict[str, int]
    targets: list[Target]
    orphaned: list[OrphanedDelivery]
    problem: str | None = None  # the configured URLs could not be read: no orphan is told


def outbox(store: Store, settings: Settings) -> Outbox:
    counts = store.delivery_counts()
    try:
        readers, admins = settings_targets(settings)  # notify_config files' targets too
    except ConfigError as exc:
        return Outbox(counts, [], [], problem=str(exc))
    targets = list({t.key: t for t in [*readers, *admins]}.values())
    # Rows under a target's legacy key are its own: the next delivery re-keys them.
    orphaned = store.orphaned([k for t in targets for k in (t.key, t.legacy_key)])
    for orphan in orphaned:
        counts[orphan.status] -= 1
    counts["orphaned"] = len(orphaned)
    return Outbox(counts, targets, orphaned)


def _reason(why: Why, c: Candidate, now: float, settings: Settings) -> str:
    age = _duration(now - c.freshness)
    interval = settings.recheck.interval_for(max(now - c.freshness, 0.0) / DAY, c.pinned) or 0.0
    text = {
        Why.FEED: "its feed entry changed: fetched in the next cycle",
        Why.SITEMAP: "its sitemap lastmod moved since our last check: fetched in the next cycle",
        Why.NEW: "never read yet",
        Why.RETRY: f"its last check failed ({c.failures} in a row): retried after a growing backoff",
        Why.HOT: f"changed {age} ago: {_every(interval)}",
        Why.FRESH: f"published {age} ago: {_every(interval)}",
        Why.BOUND: f"the promise: at least {_every(promise_of(c, settings.recheck).max_interval)}"
                   + ("; its host's trusted sitemap signals a change within a cycle" if c.covered else ""),
        Why.AHEAD: f"the promise ({_every(settings.recheck.max_interval)}), a cycle early: the next has more due",
        Why.OVERDUE: f"twice past the promise: {c.host} has more articles than host_budget_per_hour allows",
        Why.BUDGET: f"due, but {c.host} has had its share of host_budget_per_hour: a later cycle",
        Why.RETIRED: f"last sign of life {age} ago, past retire_after_days",
    }[why]
    if c.in_feed and why not in (Why.FEED, Why.RETIRED):
        text += "; in a feed, so a change to its entry is fetched at once"
    return text


def describe_policy(settings: Settings) -> str:
    """The re-check schedule in one line of words."""
    policy = settings.recheck
    parts = [f"younger than {days:g} d (since publication or a change): {_every(seconds)}"
             for days, seconds in policy.tiers]
    parts.append(f"every article at least {_every(policy.max_interval)}" if policy.max_interval
                 else "older: seeded/configured daily, discovered " + _every(policy.tiers[-1][1] if policy.tiers
                                                                            else DAY))
    parts.append("a feed entry whose text changed: in the next cycle")
    if settings.host_budget_per_hour:
        parts.append(f"at most {settings.host_budget_per_hour:g} requests per host per hour, spread evenly")
    parts.append(f"discovered articles retired after {policy.retire_after_days:g} d" if policy.retire_after_days
                 else "never retired")
    return "; ".join(parts)


def budget_warnings(store: Store, settings: Settings, now: dt.datetime) -> list[str]:
    """Hosts whose articles need more requests per hour than the budget holds: there the promise cannot hold
    for all of them (the rows marked budget or overdue say which wait). A check comes at a cycle, and a cycle's
    checks come over its requests, so an article promised every P is checked every P − one cycle − those
    requests at worst; a sliding hour can meet one cycle more than hour / interval, whose feed and sitemap polls
    come first."""
    if not settings.host_budget_per_hour:
        return []
    budget = budget_of(settings)
    at, cadence, inner = now.timestamp(), budget.cadence, budget.lookahead - budget.cadence
    polls: dict[str, float] = {}
    for url in (*settings.feeds, *settings.listings):
        polls[host_of(url)] = polls.get(host_of(url), 0.0) + budget.cycles_per_hour
    if settings.sitemaps:
        for host, entry in store.sitemap_hosts().items():
            if entry.sitemaps:
                polls[host] = polls.get(host, 0.0) + budget.cycles_per_hour
    need: dict[str, float] = dict(polls)
    count: dict[str, int] = {}
    articles = store.tracked_articles()
    _, covered = lastmod_signals(articles, store.lastmods(), sitemap_records(store))
    for c in candidates(articles, covered=covered):
        policy = promise_of(c, settings.recheck)
        interval = policy.interval_for(max(at - c.freshness, 0.0) / DAY, c.pinned)
        if interval is not None:
            every = max(interval - cadence - inner, cadence) if policy.max_interval and \
                interval >= policy.max_interval else max(interval, cadence)
            need[c.host] = need.get(c.host, 0.0) + HOUR / every
            count[c.host] = count.get(c.host, 0) + 1
    limit = settings.host_budget_per_hour
    return [f"{host}: {count.get(host, 0)} articles need about {rate:.0f} requests per hour to be checked as "
            f"promised ({polls.get(host, 0.0):.0f} feed and sitemap polls included), more than "
            f"host_budget_per_hour ({limit:g}): the promise cannot hold for all; those marked budget or overdue "
            f"wait longer, the longest unchecked first"
            for host, rate in sorted(need.items()) if rate > limit]


def signal_lines(store: Store, settings: Settings) -> list[str]:
    """Each host's sitemaps and whether their lastmod is trusted, unproven or dropped (and why)."""
    if not settings.sitemaps:
        return ["sitemaps: not read (sitemaps = false)"]
    lines = []
    for host, entry in sorted(store.sitemap_hosts().items()):
        if not entry.sitemaps:
            lines.append(f"sitemaps of {host}: none found (robots.txt, /sitemap.xml): the schedule alone")
            continue
        verdict = judge(entry.record)
        effect = ("signals ignored, the schedule alone (at least every max_interval as the budget allows)"
                  if not verdict.usable else "a moved lastmod is checked in the next cycle")
        lines.append(f"sitemaps of {host} ({len(entry.sitemaps)} listed): lastmod {verdict.trust}, {verdict.reason};"
                     f" {effect}")
    return lines


def _duration(seconds: float) -> str:
    seconds = max(seconds, 0.0)
    if seconds < 2 * HOUR:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * DAY:
        return f"{seconds / HOUR:.0f} h"
    return f"{seconds / DAY:.0f} d"


def _every(seconds: float) -> str:
    if seconds <= 0:
        return "every cycle"
    if seconds % 3600 == 0:
        return f"every {seconds / 3600:g} h"
    return f"every {seconds / 60:g} min"


_WORDS = ("due", "waiting", "retired", "stopped")  # a next check said in a word, not a time


def format_status(store: Store, settings: Settings, now: dt.datetime) -> str:
    rows = status_rows(store, settings, now)
    header = ("id", "title", "origin", "versions", "last change", "last checked", "next check", "why")
    table = [header] + [
        (str(r.id), _clip(r.title or r.url, 48), r.origin, str(r.versions), _short(r.last_change),
         _short(r.last_checked), r.next_check if r.next_check in _WORDS else _short(r.next_check),
         _clip(r.reason, 70))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    box = outbox(store, settings)
    counts = box.counts
    lines.append("")
    orphans = f", {counts['orphaned']} orphaned" if counts.get("orphaned") else ""
    stopped = sum(r.next_check == "stopped" for r in rows)
    also = f" ({stopped} stopped by `monitor remove`)" if stopped else ""
    lines.append(f"{len(rows) - stopped} tracked articles{also}; deliveries: {counts.get('sent', 0)} sent, "
                 f"{counts.get('pending', 0)} pending, {counts.get('failed', 0)} failed{orphans}")
    lines.append(f"re-check policy: {describe_policy(settings)}")
    lines.append(treaty_line(settings, store))
    lines += [f"  ! {warning}" for warning in budget_warnings(store, settings, now)]
    lines += [f"  {line}" for line in signal_lines(store, settings)]
    lines.append("targets: " + (f"not read ({box.problem})" if box.problem else
                                ", ".join(f"{t.label}{' (operator)' if t.role != 'notify' else ''}"
                                          for t in box.targets)))
    orphaned = {(o.alert_id, o.target) for o in box.orphaned}
    for o in box.orphaned:
        lines.append(f"  orphaned alert #{o.alert_id} ({o.status}, {o.attempts} attempts) for "
                     f"{o.label or 'an earlier target [' + o.target + ']'}, which is no longer configured: "
                     f"{_clip(o.title, 60)} — `monitor notify --replay {o.alert_id}` sends it to the current targets")
    for failed in store.failed_deliveries():
        if (failed.alert_id, failed.target) in orphaned:
            continue
        lines.append(f"  failed alert #{failed.alert_id} after {failed.attempts} attempts ({failed.last_error}): "
                     f"{_clip(failed.title, 60)}"
                     " — `monitor notify --replay ID` sends it again")
    errors = [r for r in rows if r.last_error]
    for r in errors:
        lines.append(f"  ! {r.url}: {r.last_error}")
    lines += [f"  ! archive: {note}" for note in archive_report(store, settings)]
    return "\n".join(lines)


def archive_report(store: Store, settings: Settings) -> list[str]:
    """Bytes of the archive folder no record of the index points to: kept, and adopted or why not."""
    if not settings.archive_enabled:
        return []
    try:
        return archive_report_of(store, lambda conn: archive_dir(settings, conn))
    except OSError as exc:
        return [f"cannot read the archive folder ({exc.strerror or exc})"]


def status_json(store: Store, settings: Settings, now: dt.datetime) -> str:
    box = outbox(store, settings)
    return json.dumps(
        {
            "articles": [dataclasses.asdict(r) for r in status_rows(store, settings, now)],
            "deliveries": box.counts,
            "targets": [{"id": t.key, "label": t.label, "role": t.role} for t in box.targets],
            "orphaned": [dataclasses.asdict(o) for o in box.orphaned],
            "recheck_policy": describe_policy(settings),
            "budget_warnings": budget_warnings(store, settings, now),
            "treaty": treaty_summary(settings, store),
            "archive": archive_report(store, settings),
            "signals": signal_lines(store, settings),
        },
        indent=2,
        ensure_ascii=False,
    )


def _short(value: str | None) -> str:
    return shown(value)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
