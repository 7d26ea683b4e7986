"""Checking tracked articles in two steps: every page is fetched and read first, then each is judged.

Reading all of a cycle's pages before judging any lets a site's articles be seen together (what many hold
alike is the site's chrome; many changing alike is a redesign: `monitor.app.sites`). Judging is `decide`'s,
and each outcome is written in one transaction.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from monitor.app.context import Cycle, layout_alert, rules
from monitor.app.spool import Parked
from monitor.core.caps import cap_snapshot
from monitor.core.errors import ExtractError, FetchError
from monitor.core.exchange import Exchange
from monitor.core.faults import crash_point
from monitor.core.kinds import Kind
from monitor.core.model import Validators
from monitor.decide.article import (
    Failed,
    Fetched,
    Gone,
    Known,
    NotModified,
    Outcome,
    Seen,
    Verdict,
    decide,
    needs_latest,
    patient_streak,
)
from monitor.sources.extract import Reading, read_article, shrunk_site_body
from monitor.sources.fetch import Fetcher
from monitor.store.database import ArticleRow, now
from monitor.store.outcomes import record_outcome
from monitor.store.wayback import capture_of


@dataclass
class Read:
    """One tracked article fetched and read this cycle, not judged yet."""

    row: ArticleRow
    seen: Seen
    validators: Validators | None = None
    exchange: Exchange | None = None  # its raw_body parked in the cycle's spool until judged (`body`)
    body: Parked | None = None
    known: Known | None = None  # what the monitor knew, the latest version loaded if needed (set before judging)
    shape: str = ""  # a template change many of the host's articles share this cycle (app.sites: a title template)

    @property
    def host(self) -> str:
        return (urlsplit(self.row.url).hostname or "").lower()


async def read(cycle: Cycle, fetcher: Fetcher, row: ArticleRow) -> Read:
    """Fetch and read one article's page (I/O only: nothing is decided or written)."""
    validators = row.validators if row.latest_source == "live" else Validators()
    item = Read(row, Failed("not fetched"))
    try:
        response = await fetcher.get(row.url, validators)
        crash_point("after_fetch")
        item.validators = response.validators
        if cycle.archive is not None and response.exchange is not None:  # only the archive reads them, after judging
            item.exchange = replace(response.exchange, raw_body=b"")
            item.body = cycle.spool.park(response.exchange.raw_body)
        if response.not_modified:
            item.seen = NotModified()
            return item
        html = response.text()
        try:
            reading: Reading | None = read_article(html, row.url, cycle.settings.sites)
        except ExtractError:
            if row.latest_hash is None:
                raise
            reading = None
        if reading is None or (row.latest_hash is not None and shrunk_site_body(reading)):
            # The site's profile cannot read a page it read before, or reads a short body there: maybe a redesign
            # it does not know yet. The generic reader may stand in, only for the same article
            # (decide.layout.plausibly_same).
            latest = cycle.store.latest_version(row.id)
            reading = read_article(html, row.url, cycle.settings.sites, previous=latest.snapshot if latest else None)
        if reading.fallback:
            cycle.fallbacks[item.host] = cycle.fallbacks.get(item.host, 0) + 1
        snapshot = replace(cap_snapshot(reading.snapshot), source="live", captured_at=now())
        item.seen = Fetched(snapshot, layout=reading.layout, closed=reading.closed)
    except FetchError as exc:
        item.seen = Gone(str(exc)) if exc.status in (404, 410) else Failed(str(exc))
    except ExtractError as exc:
        item.seen = Failed(str(exc))
    return item


def known_of(cycle: Cycle, item: Read) -> Known:
    """What the monitor knew of the article, with its latest version loaded when deciding will need it."""
    row = item.row
    known = Known(url=row.url, title=row.title, latest_hash=row.latest_hash, missing_count=row.missing_count,
                  removed=row.removed, transitions=row.transitions, layout=row.layout, closed=row.closed,
                  small_walled=patient_streak(row.missing_count, row.last_error))
    if needs_latest(known, item.seen, rules(cycle.settings)):  # only now: a snapshot to compare, or to name an alert
        latest = cycle.store.latest_version(row.id)
        known = replace(known, latest=latest.snapshot if latest else None,
                        archived=capture_of(cycle.store, latest.id) if latest else "")
    return known


def judge(cycle: Cycle, item: Read) -> None:
    """Let `decide` judge one read article, write the outcome in one transaction."""
    row, seen = item.row, item.seen
    known = item.known or known_of(cycle, item)
    outcome = decide(known, seen, rules(cycle.settings), now=now())
    # The capture's WARC records are written (fsync) before the version, indexed in its transaction.
    exchange = item.exchange
    if exchange is not None and item.body is not None:
        exchange = replace(exchange, raw_body=cycle.spool.take(item.body))
    capture = cycle.archive.capture(row.id, row.url, exchange, version=outcome.version is not None,
                                    unchanged=outcome.verdict == Verdict.UNCHANGED) if cycle.archive else nullcontext()
    met = ""
    if isinstance(seen, Fetched) and outcome.showed_article:  # a stub's layout is its error page's
        cycle.layouts.setdefault(item.host, set()).add(seen.layout)
        moved = bool(known.layout and seen.layout and known.layout != seen.layout)  # whatever the text did
        if moved or item.shape:  # a new layout, or (same layout) a title template many of its titles took on
            met = seen.layout if moved else item.shape
            layouts = cycle.relayouts.setdefault(item.host, {})
            layouts[met] = layouts.get(met, 0) + 1
    relayout = layout_alert(cycle, item.host, met) if met else None
    wall = cycle.walls.get(item.host)  # the host's wall (app.walls), written with the first of its outcomes
    operator = tuple(a for a in (relayout, wall) if a is not None)
    with capture as on_version, cycle.store.write():  # one transaction: the outcome and the operator's alerts
        record_outcome(cycle.store, row.id, outcome, targets=cycle.target_keys, validators=item.validators,
                       seen=seen, on_version=on_version)
        if operator:
            cycle.store.record_operator_alerts(operator, cycle.admin_keys)
    if wall is not None:
        cycle.walls.pop(item.host, None)
        crash_point("after_site_wall")
        cycle.report.alerts_created += 1
    if relayout is not None:
        crash_point("after_layout_changed")
        cycle.report.alerts_created += 1
    if outcome.verdict == Verdict.REMOVED:
        crash_point("after_removed")
    elif any(a.kind == Kind.RESTORED for a in outcome.alerts):
        crash_point("after_restored")
    _count(cycle, row.url, outcome)


def _count(cycle: Cycle, url: str, outcome: Outcome) -> None:
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
