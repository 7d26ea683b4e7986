"""One monitoring cycle: seeds → feeds → tracked articles → outbox → delivery.

The only place that orchestrates I/O; every decision is made by the pure steps
(feeds, extract, compare, render) and every write goes through the store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from monitor.app.articles import Read, judge, read
from monitor.app.context import Cycle, log
from monitor.app.feeds import poll_source, sources
from monitor.app.plan import answer_plan, articles_to_check, host_of
from monitor.app.progress import Progress
from monitor.app.rejoin import rejoin
from monitor.app.report import CycleReport
from monitor.app.sitemaps import observe_checks, poll_sitemaps
from monitor.app.sites import report_relayouts, see_sites_together
from monitor.app.spool import BodySpool
from monitor.app.treaty import poll_treaty
from monitor.app.wayback import submit_to_wayback
from monitor.config import Settings
from monitor.core.errors import SeedError, StoreError
from monitor.core.kinds import Origin
from monitor.decide.compare import compare
from monitor.notify.delivery import Target, deliver_pending
from monitor.notify.routing import Routing
from monitor.sources.fetch import Fetcher
from monitor.sources.hourly import HourlyLimit
from monitor.sources.seeds import scan_seeds
from monitor.store.archive import Archive, ArchiveUnavailable, open_archive
from monitor.store.database import ArticleRow, Store
from monitor.store.sites import known_layouts

_Cycle = Cycle


async def run_cycle(
    settings: Settings, store: Store, targets: list[Target], *, echo: Callable[[str], None] | None = None,
    due_only: bool = False, admin_targets: list[Target] | None = None, progress: Progress | None = None,
) -> CycleReport:
    """Run one full cycle; errors of single feeds or articles are reported, never raised.

    `due_only` applies the re-check schedule and the host budget (the service, `check --due`);
    otherwise every tracked article is fetched (a one-off `check` means "look now").
    """
    started = dt.datetime.now(dt.UTC)
    try:
        archive, unavailable = open_archive(settings, store), None
    except ArchiveUnavailable as exc:
        archive, unavailable = None, str(exc)
        log.error("%s", exc)
    try:
        report = await _run(settings, store, targets, archive, started, echo=echo, due_only=due_only,
                            admin_targets=admin_targets, progress=progress)
    finally:
        if archive is not None:
            archive.close()
    if unavailable:
        report.errors.append(unavailable)
    return report


async def _run(
    settings: Settings, store: Store, targets: list[Target], archive: Archive | None, started: dt.datetime, *,
    echo: Callable[[str], None] | None, due_only: bool, admin_targets: list[Target] | None, progress: Progress | None,
) -> CycleReport:
    routing = Routing.build(settings, targets, admin_targets or []) if settings.route else None
    admins = routing.operator_targets() if routing else admin_targets or []
    cycle = _Cycle(settings, store, targets, CycleReport(), admins, archive=archive, routing=routing,
                   spool=BodySpool(str(archive.directory) if archive else None))
    cycle.report.budget = settings.cycle_budget or settings.feed_interval
    deadline = asyncio.get_running_loop().time() + cycle.report.budget
    import_seeds(cycle)
    store.track_all(settings.articles, Origin.CONFIG)
    store.resume_tracking(settings.articles)  # one `monitor remove` stopped, listed again by hand: checked again
    if archive is not None:  # a database restored from a backup: the captures since, indexed again
        cycle.report.rejoined = rejoin(store, archive, settings)
    # The service and `check --due` keep every host's sliding hour within its budget, request by request (with the
    # requests of earlier budgeted cycles and processes); a one-off `check` ("look now") does not wait.
    at = dt.datetime.now(dt.UTC).timestamp()
    hourly = HourlyLimit(settings.host_budget_per_hour if due_only else 0.0, store.request_times(at), at)
    async with Fetcher(settings, hourly=hourly) as fetcher:
        hosts = store.host_state()
        fetcher.restore_hosts(hosts.robots, hosts.blocked)
        for source in sources(settings):
            kind = "listing" if source.listing else "feed"
            await _guarded(cycle, f"{kind} {source.url}", poll_source(cycle, fetcher, source))
        await _guarded(cycle, "treaty status", poll_treaty(cycle, fetcher))
        # -- the schedule (monitor/app/plan.py): which articles, in what order, within each host's budget --
        before = dict(fetcher.requests_by_host)
        if due_only:  # the sites' own change signals (monitor/app/sitemaps.py), within the same budget
            await _guarded(cycle, "sitemaps", poll_sitemaps(cycle, fetcher, store.tracked_articles()))
        polled = {h: n - before.get(h, 0) for h, n in fetcher.requests_by_host.items()}
        report = cycle.report
        rows, report.not_due, report.over_budget, first = articles_to_check(store, settings, before,
                                                                            due_only=due_only,
                                                                     polled=polled)
        progress = progress or Progress()
        progress.start([r.url for r in rows], lambda host: max(settings.host_delay, fetcher.robots.crawl_delay(host))
                       / settings.host_concurrency)
        cycle.known_layouts = known_layouts(store)
        for url, layout in store.layouts_in_use():
            cycle.known_layouts.setdefault(host_of(url), set()).add(layout)
        # Every page is read before any is judged: a site's articles are seen together (chrome, redesigns).
        try:
            done = await _read_within_budget(cycle, fetcher, rows, deadline, progress)
            see_sites_together(cycle, done)
            for item in done:
                await _guarded(cycle, item.row.url, _judged(cycle, item))
        finally:
            cycle.spool.close()
        if due_only:
            observe_checks(cycle, rows, [item.row.id for item in done])
        answer_plan(store, [item.row for item in done], started, before, fetcher.requests_by_host, first)
        # -- end of the schedule --
        report_relayouts(cycle)
        cycle.report.errors.extend(cycle.archive.failures if cycle.archive else ())
        cycle.report.requests = fetcher.requests
        cycle.report.answered = fetcher.answered
        cycle.report.bytes_received = fetcher.bytes_received
        store.save_host_state(*fetcher.host_memory())
        if due_only:  # the budgeted cycles' requests (a one-off check is counted by the planner's history)
            at = dt.datetime.now(dt.UTC).timestamp()
            store.record_request_times(fetcher.hourly.times(at), at)
    delivery = await deliver_pending(store, [*targets, *(admin_targets or ()), *cycle.admin_targets], echo=echo,
                                     give_up_after=settings.max_attempts, backoff=settings.delivery_backoff,
                                     templates=settings.templates, digest=settings.digest, routing=routing)
    if settings.archive_org:  # after the alerts are out: the archive never delays one
        wayback = await submit_to_wayback(settings, store)
        if wayback.failed:
            cycle.report.errors.append(f"wayback: {wayback.failed} submissions failed; retried later")
    cycle.report.alerts_sent += delivery.sent
    cycle.report.alerts_failed += delivery.failed
    cycle.report.errors.extend(delivery.errors)
    return cycle.report


async def _read_within_budget(cycle: _Cycle, fetcher: Fetcher, rows: list[ArticleRow], deadline: float,
                              progress: Progress) -> list[Read]:
    """Read the articles until the cycle's budget runs out; those not read by then are left for the next cycle
    (nothing is written while reading: cancelling costs nothing, and it is not a failure)."""
    tasks = [asyncio.ensure_future(read(cycle, fetcher, row)) for row in rows]
    for row, task in zip(rows, tasks, strict=True):
        task.add_done_callback(functools.partial(_count_read, progress, row.url))
    if not tasks:
        return []
    remaining = max(0.0, deadline - asyncio.get_running_loop().time())
    _, late = await asyncio.wait(tasks, timeout=remaining)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)
    done: list[Read] = []
    for row, task in zip(rows, tasks, strict=True):
        if task in late:
            continue
        if (error := task.exception()) is not None:
            _unexpected(cycle, row.url, error)
        else:
            done.append(task.result())
    cycle.report.deferred = len(late)
    cycle.report.articles_checked += len(tasks) - len(late)
    if late:
        log.warning("cycle budget of %g s spent: %d articles left for the next cycle", cycle.report.budget, len(late))
    return done


def _count_read(progress: Progress, url: str, _: object) -> None:
    progress.done(url)


async def _guarded(cycle: _Cycle, where: str, step: Coroutine[Any, Any, None]) -> None:
    """One feed or article that fails in a way nobody foresaw is an error line, not the end of the cycle."""
    try:
        await step
    except Exception as exc:
        _unexpected(cycle, where, exc)


def _unexpected(cycle: _Cycle, where: str, exc: BaseException) -> None:
    # KeyboardInterrupt, SystemExit, a simulated crash: not ours to swallow; a storage fault (full disk, a lock
    # held past lock_wait) ends the cycle: nothing more could be recorded.
    if not isinstance(exc, Exception) or isinstance(exc, StoreError):
        raise exc
    log.debug("unexpected failure in %s", where, exc_info=exc)
    cycle.error(where, f"unexpected error ({type(exc).__name__}: {str(exc)[:200]})")


async def _judged(cycle: _Cycle, item: Read) -> None:
    judge(cycle, item)


def import_seeds(cycle: _Cycle) -> None:
    """Seed snapshots become the first versions of their articles, oldest first, with no alert."""
    if cycle.settings.seeds_dir is None:
        return
    if not cycle.settings.seeds_dir.is_dir():  # a mistyped path is not a failed cycle, but nothing is seeded
        warning = f"seeds folder {cycle.settings.seeds_dir} not found (check seeds_dir): no seed imported"
        cycle.report.warnings.append(warning)  # printed by `check`, logged by the service
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
        row = cycle.store.track(snapshot.url, Origin.SEED, snapshot.title)
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
