"""`monitor status`: what is tracked, when it was and will be checked, and the outbox, for people or scripts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from monitor.config import Settings
from monitor.core.errors import ConfigError
from monitor.decide.policy import RecheckPolicy, next_check
from monitor.notify.routing import settings_targets
from monitor.notify.targets import Target
from monitor.store.database import OrphanedDelivery, Store, article_facts


@dataclasses.dataclass(frozen=True)
class StatusRow:
    url: str
    title: str
    origin: str
    versions: int
    last_change: str | None
    last_checked: str | None
    next_check: str  # ISO time, "due" or "retired"
    last_error: str | None


def status_rows(store: Store, settings: Settings, now: dt.datetime) -> list[StatusRow]:
    counts = store.version_counts()
    rows = []
    for article in store.articles():
        when = next_check(article_facts(article), now, settings.recheck)
        shown = "retired" if when is None else "due" if when <= now else when.isoformat(timespec="minutes")
        rows.append(StatusRow(
            url=article.url, title=article.title, origin=article.origin, versions=counts.get(article.id, 0),
            last_change=article.last_changed, last_checked=article.last_checked, next_check=shown,
            last_error=article.last_error,
        ))
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


def describe_policy(policy: RecheckPolicy) -> str:
    """The re-check schedule in one line of words."""
    parts = []
    for days, seconds in policy.tiers:
        parts.append(f"younger than {days:g} d: {_every(seconds)}")
    parts.append(f"older: seeded/configured {_every(policy.pinned_interval)}, "
                 f"discovered {_every(policy.tiers[-1][1])} until {policy.retire_after_days:g} d, then retired")
    return "; ".join(parts)


def _every(seconds: float) -> str:
    if seconds <= 0:
        return "every cycle"
    if seconds % 3600 == 0:
        return f"every {seconds / 3600:g} h"
    return f"every {seconds / 60:g} min"


def format_status(store: Store, settings: Settings, now: dt.datetime) -> str:
    rows = status_rows(store, settings, now)
    header = ("title", "origin", "versions", "last change", "last checked", "next check")
    table = [header] + [
        (_clip(r.title or r.url, 48), r.origin, str(r.versions), _short(r.last_change), _short(r.last_checked),
         r.next_check if r.next_check in ("due", "retired") else _short(r.next_check))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    box = outbox(store, settings)
    counts = box.counts
    lines.append("")
    orphans = f", {counts['orphaned']} orphaned" if counts.get("orphaned") else ""
    lines.append(f"{len(rows)} tracked articles; deliveries: {counts.get('sent', 0)} sent, "
                 f"{counts.get('pending', 0)} pending, {counts.get('failed', 0)} failed{orphans}")
    lines.append(f"re-check policy: {describe_policy(settings.recheck)}")
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
    return "\n".join(lines)


def status_json(store: Store, settings: Settings, now: dt.datetime) -> str:
    box = outbox(store, settings)
    return json.dumps(
        {
            "articles": [dataclasses.asdict(r) for r in status_rows(store, settings, now)],
            "deliveries": box.counts,
            "targets": [{"id": t.key, "label": t.label, "role": t.role} for t in box.targets],
            "orphaned": [dataclasses.asdict(o) for o in box.orphaned],
            "recheck_policy": describe_policy(settings.recheck),
        },
        indent=2,
        ensure_ascii=False,
    )


def _short(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "-"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
