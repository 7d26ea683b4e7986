"""One monitoring cycle: seeds → feeds → tracked articles → outbox → delivery.

The only place that orchestrates I/O; every decision is made by the pure steps
(feeds, extract, compare, render) and every write goes through the store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any

from monitor.app.plan import answer_plan, articles_to_check, record_feed_signals
from monitor.app.progress import Progress, counted
from monitor.app.report import CycleReport
from monitor.config import Settings
from monitor.core.errors import ExtractError, FeedError, FetchError, SeedError
from monitor.core.faults import crash_point
from monitor.core.identity import fetch_url, identity_key
from monitor.core.kinds import Kind, Origin
from monitor.core.model import Alert, FeedEntry, Validators
from monitor.core.text import digest
from monitor.decide.article import (
    Failed,
    Fetched,
    Gone,
    Known,
    NotModified,
    Outcome,
    Rules,
    Seen,
    Verdict,
    decide,
    needs_latest,
    new_post_alert,
)
from monitor.decide.compare import compare
from monitor.decide.policy import parse_when
from monitor.decide.watchdog import FEED_FAILING, FEED_QUIET, FeedHealth, next_feed_health
from monitor.notify.delivery import Target, deliver_pending
from monitor.sources.extract import extract_article, extract_teasers
from monitor.sources.feeds import matches_topic, parse_feed
from monitor.sources.fetch import Fetcher
from monitor.sources.seeds import scan_seeds
from monitor.store.database import ArticleRow, Store, now
from monitor.store.outcomes import record_outcome

log = logging.getLogger(__name__)


@dataclass
class _Cycle:
    settings: Settings
    store: Store
    targets: list[Target]
    report: CycleReport
    admin_targets: list[Target] = field(default_factory=list)

    @property
    def target_urls(self) -> tuple[str, ...]:
        return tuple(t.url for t in self.targets)

    def error(self, where: str, exc: Exception | str) -> None:
        message = f"{where}: {exc}"
        self.report.errors.append(message)
        log.info("%s", message)


async def run_cycle(
    settings: Settings, store: Store, targets: list[Target], *, echo: Callable[[str], None] | None = None,
    due_only: bool = False, admin_targets: list[Target] | None = None, progress: Progress | None = None,
) -> CycleReport:
    """Run one full cycle; errors of single feeds or articles are reported, never raised.

    `due_only` applies the re-check schedule and the host budget (the service, `check --due`);
    otherwise every tracked article is fetched (a one-off `check` means "look now").
    """
    started = dt.datetime.now(dt.UTC)
    cycle = _Cycle(settings, store, targets, CycleReport(), admin_targets or [])
    import_seeds(cycle)
    store.track_all(settings.articles, "config")
    async with Fetcher(settings) as fetcher:
        hosts = store.host_state()
        fetcher.blocked_until = hosts.blocked
        for host, (body, fetched_at) in hosts.robots.items():
            fetcher.robots.remember(host, body, fetched_at)
        for url in settings.feeds:
            await _guarded(cycle, f"feed {url}", _poll_source(cycle, fetcher, url, listing=False))
        for url in settings.listings:
            await _guarded(cycle, f"listing {url}", _poll_source(cycle, fetcher, url, listing=True))
        # -- the schedule (monitor/app/plan.py): which articles, in what order, within each host's budget --
        before = dict(fetcher.requests_by_host)
        rows, cycle.report.not_due = articles_to_check(store, settings, before, due_only=due_only)
        progress = progress or Progress()
        progress.start([r.url for r in rows], lambda host: max(settings.host_delay, fetcher.robots.crawl_delay(host))
                       / settings.host_concurrency)
        await asyncio.gather(*(counted(progress, row.url, _guarded(cycle, row.url, _check_article(cycle, fetcher, row)))
                               for row in rows))
        answer_plan(store, rows, started, before, fetcher.requests_by_host)
        # -- end of the schedule --
        cycle.report.requests = fetcher.requests
        cycle.report.bytes_received = fetcher.bytes_received
        store.save_host_state(fetcher.robots.bodies, fetcher.blocked_until)
    delivery = await deliver_pending(store, [*targets, *cycle.admin_targets], echo=echo,
                                     give_up_after=settings.max_attempts, backoff=settings.delivery_backoff,
                                     templates=settings.templates, digest=settings.digest)
    cycle.report.alerts_sent += delivery.sent
    cycle.report.alerts_failed += delivery.failed
    cycle.report.errors.extend(delivery.errors)
    return cycle.report


async def _guarded(cycle: _Cycle, where: str, step: Coroutine[Any, Any, None]) -> None:
    """One feed or article that fails in a way nobody foresaw is an error line, not the end of the cycle."""
    try:
        await step
    except Exception as exc:
        log.debug("unexpected failure in %s", where, exc_info=True)
        cycle.error(where, f"unexpected error ({type(exc).__name__}: {str(exc)[:200]})")


def import_seeds(cycle: _Cycle) -> None:
    """Seed snapshots become the first versions of their articles, oldest first, with no alert."""
    if cycle.settings.seeds_dir is None:
        return
    try:
        scan = scan_seeds(cycle.settings.seeds_dir)
    except SeedError as exc:
        cycle.error("seeds", exc)
        return
    for line in scan.skipped:
        log.warning("seeds: %s", line)
    for line in scan.errors:
        cycle.error("seed", line)
    seeds = scan.seeds
    for seed in seeds:
        snapshot = seed.snapshot
        row = cycle.store.track(snapshot.url, "seed", snapshot.title)
        versions = cycle.store.versions(row.id)
        if any(v.source == snapshot.source for v in versions):
            continue
        if any(v.source == "live" for v in versions):
            log.info("seed %s not imported: %s already has live versions", seed.path.name, snapshot.url)
            continue
        previous = versions[-1] if versions else None
        if previous and previous.content_hash == snapshot.content_hash():
            continue
        change = compare(previous.snapshot, snapshot) if previous else None
        cycle.store.record_version(row.id, snapshot, change_kind=change.kind if change else None,
                                   minor=bool(change and change.minor))
        cycle.report.seeds_imported += 1


async def _poll_source(cycle: _Cycle, fetcher: Fetcher, url: str, *, listing: bool) -> None:
    """A feed (or listing page): new on-topic posts are tracked; after the first poll, each is announced."""
    validators, baseline_done = cycle.store.feed_state(url)
    try:
        response = await fetcher.get(url, validators)
        if response.not_modified:
            _record_poll(cycle, url, response.validators, None, newest=None)
            cycle.report.feeds_polled += 1
            return
        if listing:
            entries = extract_teasers(response.text(), url)
        else:
            entries = parse_feed(response.body, url, response.content_type)
    except (FetchError, FeedError) as exc:
        _record_poll(cycle, url, None, str(exc), newest=None)
        cycle.error(f"feed {url}", exc)
        return
    cycle.report.feeds_polled += 1
    fresh = _new_entries(cycle, fetcher, url, entries, listing=listing)
    limit = cycle.settings.max_new_posts
    announce = baseline_done or cycle.settings.announce_existing
    for entry in fresh[:limit]:
        _new_post(cycle, entry, listing=listing, announce=announce)
    newest = max(filter(None, (parse_when(e.published) for e in entries)), default=None)
    flood = _flood_alert(cycle, url, fresh[limit:], limit) if len(fresh) > limit else None
    _record_poll(cycle, url, response.validators, None, newest=newest, extra=flood)
    record_feed_signals(cycle.store, url, entries)  # a tracked entry whose text changed: its page is due now


def _new_entries(cycle: _Cycle, fetcher: Fetcher, url: str, entries: list[FeedEntry], *,
                 listing: bool) -> list[FeedEntry]:
    """On-topic entries not tracked yet: one per article identity (or feed guid), allowed hosts only."""
    fresh: dict[str, FeedEntry] = {}
    for entry in entries:
        entry = replace(entry, url=fetch_url(entry.url))
        key = identity_key(entry.url)
        if key in fresh or not (listing or matches_topic(entry, cycle.settings.topic)):
            continue
        if cycle.store.article(entry.url) or (entry.entry_id and not listing
                                              and cycle.store.article_by_guid(entry.entry_id)):
            continue
        try:
            fetcher.urls.check(entry.url)
        except FetchError as exc:
            cycle.error(f"feed {url} entry", exc)
            continue
        fresh[key] = entry
    return list(fresh.values())


def _new_post(cycle: _Cycle, entry: FeedEntry, *, listing: bool, announce: bool) -> None:
    """Track a new post and write its announcement in the same transaction (tracked means told)."""
    alert = new_post_alert(entry, _rules(cycle.settings), now=now()) if announce else None
    cycle.store.track_new_post(entry.url, Origin.LISTING if listing else Origin.FEED, entry.title,
                               guid="" if listing else entry.entry_id, alerts=(alert,) if alert else (),
                               targets=cycle.target_urls)
    crash_point("after_new_post")
    cycle.report.new_posts += 1
    cycle.report.alerts_created += int(alert is not None)


def _flood_alert(cycle: _Cycle, url: str, rest: list[FeedEntry], limit: int) -> Alert:
    """One operator alert for the posts past `max_new_posts`: a flood is reported, not replayed as N alerts."""
    detail = (f"{len(rest)} more new on-topic entries than max_new_posts ({limit}) in one poll were not tracked; "
              f"first of them: {rest[0].title[:120]!r}")
    log.warning("operator: %s: %s", url, detail)
    key = digest(url, Kind.FEED_FLOODED, *sorted(identity_key(e.url) for e in rest))
    return Alert(kind=Kind.FEED_FLOODED, url=url, title=url, dedup_key=key, detail=detail, created_at=now())


def _record_poll(
    cycle: _Cycle, url: str, validators: Validators | None, error: str | None, *, newest: dt.datetime | None,
    extra: Alert | None = None,
) -> None:
    """Record a poll; a feed that starts failing, goes quiet or recovers is one operator alert."""
    health, event = next_feed_health(
        cycle.store.feed_health(url), ok=error is None, newest_entry=newest, now=dt.datetime.now(dt.UTC),
        fail_after=cycle.settings.admin_after, quiet_days=cycle.settings.quiet_days,
    )
    alerts: tuple[Alert, ...] = ()
    if event is not None:
        detail = _operator_detail(event, error, health, cycle.settings)
        log.warning("operator: %s: %s", url, detail)
        if cycle.admin_targets and event in cycle.settings.alert_kinds:
            stamp = now()
            alerts = (Alert(kind=event, url=url, title=url, dedup_key=digest(url, event, stamp), detail=detail,
                            created_at=stamp),)
            cycle.report.alerts_created += 1
    if extra is not None and cycle.admin_targets and extra.kind in cycle.settings.alert_kinds:
        alerts = (*alerts, extra)
        cycle.report.alerts_created += 1
    cycle.store.record_feed(url, validators, error, health=health, alerts=alerts,
                            targets=tuple(t.url for t in cycle.admin_targets))


def _operator_detail(event: str, error: str | None, health: FeedHealth, settings: Settings) -> str:
    if event == FEED_FAILING:
        return f"failed {health.failures} polls in a row; last error: {error}"
    if event == FEED_QUIET:
        newest = health.newest_entry.date().isoformat() if health.newest_entry else "unknown"
        return f"no new entry for more than {settings.quiet_days:g} days (newest: {newest})"
    return "polls succeed again" if health.state == "ok" else "answering again"


def _rules(settings: Settings) -> Rules:
    return Rules(alert_kinds=frozenset(settings.alert_kinds), alert_minor=settings.alert_minor,
                 minor_similarity=settings.minor_similarity, removed_after=settings.removed_after)


async def _check_article(cycle: _Cycle, fetcher: Fetcher, row: ArticleRow) -> None:
    """Fetch and read the page (I/O), let `decide` judge it, write the outcome in one transaction."""
    validators = row.validators if row.latest_source == "live" else Validators()
    cycle.report.articles_checked += 1
    seen: Seen
    response_validators: Validators | None = None
    try:
        response = await fetcher.get(row.url, validators)
        crash_point("after_fetch")
        response_validators = response.validators
        if response.not_modified:
            seen = NotModified()
        else:
            snapshot = extract_article(response.text(), row.url)
            seen = Fetched(replace(snapshot, source="live", captured_at=now()))
    except FetchError as exc:
        seen = Gone(str(exc)) if exc.status in (404, 410) else Failed(str(exc))
    except ExtractError as exc:
        seen = Failed(str(exc))
    rules = _rules(cycle.settings)
    known = Known(url=row.url, title=row.title, latest_hash=row.latest_hash, missing_count=row.missing_count,
                  removed=row.removed, transitions=row.transitions)
    if needs_latest(known, seen, rules):  # only now: a snapshot to compare with, or to name an alert
        latest = cycle.store.latest_version(row.id)
        known = replace(known, latest=latest.snapshot if latest else None)
    outcome = decide(known, seen, rules, now=now())
    record_outcome(cycle.store, row.id, outcome, targets=cycle.target_urls, validators=response_validators)
    _count(cycle, row.url, outcome)


def _count(cycle: _Cycle, url: str, outcome: Outcome) -> None:
    report = cycle.report
    report.alerts_created += len(outcome.alerts)
    if outcome.verdict == Verdict.UNCHANGED:
        report.unchanged += 1
    elif outcome.verdict in (Verdict.CHANGED, Verdict.REMOVED):
        report.changes += 1
    elif outcome.verdict == Verdict.QUIET:
        report.quiet_versions += 1  # recorded in history (a minor edit, or a kind nobody wants)
    elif outcome.verdict == Verdict.FAILED:
        cycle.error(url, outcome.error or "failed")
    if outcome.version is not None or outcome.alerts:
        crash_point("after_version")
