"""The treaty's status source, one step of the cycle: read the depositary's status document politely, compare it
with the last trusted reading, write the new reading, its WARC record and its alerts in one transaction.

A body that cannot be trusted (maintenance page, another page, cut off, relabelled columns, many rows lost at
once) is "source unavailable": nothing compared, no reader alert, the operator told once per outage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

from monitor.app.context import Cycle, log
from monitor.config import Settings
from monitor.core.errors import FetchError
from monitor.core.kinds import Kind
from monitor.core.model import Alert
from monitor.core.text import digest
from monitor.core.treaty import TreatyUnavailable, counting, implied_entry_into_force
from monitor.decide.treaty import TreatyRules, compare_status, sharp_drop
from monitor.sources.fetch import Fetcher
from monitor.sources.treaty import parse_status
from monitor.store.database import Store, now
from monitor.store.treaty import TreatySource


def treaty_rules(settings: Settings) -> TreatyRules:
    keys = settings.treaty
    return TreatyRules(url=keys.url, page=keys.page, name=keys.name, needed=keys.needed, delay_days=keys.delay_days,
                       regional=frozenset(keys.regional))


def due(source: TreatySource, interval: float, at: dt.datetime) -> bool:
    """At most one reading per `interval` (a clock set back, or a stored time ahead of now, reads as due)."""
    if not source.last_fetched or interval <= 0:
        return True
    last = dt.datetime.fromisoformat(source.last_fetched)
    return not (at - dt.timedelta(seconds=interval) < last <= at)


async def poll_treaty(cycle: Cycle, fetcher: Fetcher) -> None:
    """One reading of the status document, when it is due."""
    keys = cycle.settings.treaty
    if not keys.enabled:
        return
    url, store = keys.url, cycle.store
    source = store.treaty_source(url)
    if not due(source, keys.interval, dt.datetime.now(dt.UTC)):
        log.debug("treaty status %s: read less than %g s ago, not due", url, keys.interval)
        return
    try:
        response = await fetcher.get(url, source.validators)
    except FetchError as exc:
        store.record_treaty_poll(url, validators=None, error=str(exc), state=source.state)
        cycle.error(f"treaty {url}", exc)
        return
    if response.not_modified:
        store.record_treaty_poll(url, validators=response.validators, error=None, state="ok")
        return
    previous = store.latest_treaty(url)
    try:
        status = parse_status(response.body, response.content_type)
        if reason := sharp_drop(previous.status if previous else None, status):
            raise TreatyUnavailable(reason)
    except TreatyUnavailable as exc:
        _unavailable(cycle, source, str(exc))
        return
    if previous is not None and previous.status.content_key() == status.content_key():
        store.record_treaty_poll(url, validators=response.validators, error=None, state="ok")
        return
    seq = store.next_treaty_seq(url)
    change = compare_status(previous.status if previous else None, status, treaty_rules(cycle.settings), seq=seq,
                            now=now())
    for alert in change.operator:
        log.warning("operator: treaty %s: %s", url, alert.detail)
    kinds = cycle.settings.alert_kinds
    readers = tuple(a for a in change.alerts if a.kind in kinds)
    admins = tuple(a for a in change.operator if a.kind in kinds) if cycle.admin_targets else ()
    exchange = response.exchange
    capture = (cycle.archive.capture_document(url, exchange) if cycle.archive is not None and exchange is not None
               else _no_archive())
    with capture as index:
        store.record_treaty_version(url, status, change.lines, validators=response.validators, alerts=readers,
                                    targets=cycle.target_keys, operator=admins, admin_targets=cycle.admin_keys,
                                    on_version=index)
    cycle.report.alerts_created += len(readers) + len(admins)
    cycle.report.changes += len(change.lines)
    for line in change.lines:
        log.info("treaty status: %s", line)


@contextlib.contextmanager
def _no_archive() -> Iterator[Callable[[], str | None] | None]:
    yield None


def _unavailable(cycle: Cycle, source: TreatySource, reason: str) -> None:
    """Not compared; the operator is told once, when the source turns unavailable (not on every cycle after)."""
    url = source.url
    cycle.error(f"treaty {url}", f"source unavailable: {reason}")
    alerts: tuple[Alert, ...] = ()
    if source.state != "unavailable":
        log.warning("operator: treaty %s: source unavailable: %s", url, reason)
        if cycle.admin_targets and Kind.TREATY_UNAVAILABLE in cycle.settings.alert_kinds:
            alerts = (Alert(kind=Kind.TREATY_UNAVAILABLE, url=url, title=cycle.settings.treaty.name, created_at=now(),
                            detail=f"The treaty's status document cannot be trusted now: {reason}. Nothing was "
                                   "compared and readers were not told; it is read again at the next interval.",
                            dedup_key=digest(url, Kind.TREATY_UNAVAILABLE, str(source.transitions + 1))),)
            cycle.report.alerts_created += 1
    cycle.store.record_treaty_poll(url, validators=None, error=reason, state="unavailable", alerts=alerts,
                                   targets=cycle.admin_keys)


def treaty_summary(settings: Settings, store: Store) -> dict[str, object]:
    """The treaty's status as `monitor status` and the web view tell it: the count toward entry into force first."""
    keys = settings.treaty
    rules = treaty_rules(settings)
    source = store.treaty_source(keys.url)
    latest = store.latest_treaty(keys.url)
    out: dict[str, object] = {"enabled": keys.enabled, "name": keys.name, "url": keys.url, "page": keys.page,
                              "needed": keys.needed, "last_read": source.last_fetched, "state": source.state,
                              "last_error": source.last_error, "regional": list(keys.regional)}
    if latest is None:
        return out
    status = latest.status
    found = counting(status, rules.regional)
    implied = implied_entry_into_force(status, rules.regional, keys.needed, keys.delay_days)
    out.update(count=len(found), signatories=sum(1 for p in status.participants if p.signature is not None),
               participants=len(status.participants), changed_at=latest.fetched_at, shape=status.shape,
               as_at=status.as_at, eif_text=status.eif_text,
               implied_entry_into_force=implied.isoformat() if implied else None,
               withdrawn=[p.name for p in status.participants if p.withdrawn])
    return out


def treaty_line(settings: Settings, store: Store) -> str:
    """One line for `monitor status`."""
    s = treaty_summary(settings, store)
    if not s["enabled"]:
        return "treaty: off (`[treaty] enabled = false`)"
    if "count" not in s:
        tail = f" (last try {s['last_read']}: {s['last_error']})" if s["last_error"] else ""
        return f"treaty: {s['name']}: not read yet{tail}"
    regional = f", {' and '.join(s['regional'])} not counted (art. 65(1))" if s["regional"] else ""  # type: ignore[arg-type]
    line = (f"treaty: {s['name']}: {s['count']} of {s['needed']} instruments toward entry into force{regional}; "
            f"{s['signatories']} signatories; last read {str(s['last_read'])[:16].replace('T', ' ')}")
    if s["implied_entry_into_force"]:
        line += f"; entry into force implied on {s['implied_entry_into_force']}"
    if s["state"] != "ok":
        line += f"\n  ! treaty status source unavailable: {s['last_error']}"
    return line
