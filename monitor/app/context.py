"""What one cycle carries from step to step: its settings, store, targets, report and what it met on the way."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from monitor.app.report import CycleReport
from monitor.app.spool import BodySpool
from monitor.config import Settings
from monitor.core.kinds import Kind
from monitor.core.model import Alert
from monitor.core.text import digest
from monitor.decide.article import Rules
from monitor.notify.delivery import Target
from monitor.notify.routing import Routing
from monitor.store.archive import Archive
from monitor.store.database import Store, now
from monitor.store.outbox import AlertTargets

log = logging.getLogger("monitor.app.cycle")


@dataclass
class Cycle:
    settings: Settings
    store: Store
    targets: list[Target]
    report: CycleReport
    admin_targets: list[Target] = field(default_factory=list)
    relayouts: dict[str, dict[str, int]] = field(default_factory=dict)  # host → new layout → articles read in it
    fallbacks: dict[str, int] = field(default_factory=dict)  # host → articles the generic reader read instead
    layouts: dict[str, set[str]] = field(default_factory=dict)  # host → layouts its articles were read in
    known_layouts: dict[str, set[str]] = field(default_factory=dict)  # host → layouts read before this cycle
    layout_alerted: set[str] = field(default_factory=set)  # hosts whose new layout the operator was told of
    moving: dict[str, int] = field(default_factory=dict)  # host → articles read in a new layout this cycle
    walls: dict[str, Alert] = field(default_factory=dict)  # host → its wall's operator alert, not yet written
    archive: Archive | None = None  # WARC records of every capture that makes a version
    routing: Routing | None = None  # [[route]] tables: each alert is written for the targets its routes name
    spool: BodySpool = field(default_factory=BodySpool)  # raw bodies between reading and judging

    @property
    def target_keys(self) -> AlertTargets:
        """The targets' keys (deliveries are stored by target identity, never by URL), or with routes, a function
        from an alert to its targets' keys."""
        return self.routing.keys_for if self.routing else tuple(t.key for t in self.targets)

    @property
    def admin_keys(self) -> AlertTargets:
        """The same for operator alerts."""
        return self.routing.keys_for if self.routing else tuple(t.key for t in self.admin_targets)

    def error(self, where: str, exc: Exception | str) -> None:
        message = f"{where}: {exc}"
        self.report.errors.append(message)
        log.info("%s", message)


def layout_alert(cycle: Cycle, host: str, met: str) -> Alert | None:
    """The operator's one alert that a site is read in a new layout, written with the first article re-baselined
    in it (so a run cut short and run again neither loses nor repeats it); None for a layout seen before (a
    redesign rolled back), a host already alerted this cycle, or without operator targets."""
    new = met.startswith("shift ") or met not in cycle.known_layouts.get(host, set())
    if host in cycle.layout_alerted or not new:
        return None
    cycle.layout_alerted.add(host)
    if not (cycle.admin_targets and Kind.LAYOUT_CHANGED in cycle.settings.alert_kinds):
        return None
    generic = cycle.fallbacks.get(host, 0)
    how = (f", {generic} of them by the generic reader because the site's profile no longer finds their body"
           if generic else "")
    detail = (f"{host}: {max(cycle.moving.get(host, 0), 1)} articles are now read in a new page layout{how}; what "
              f"only the layout changed was re-baselined quietly, changes a reader would see still alert. "
              f"Check `monitor extract URL`.")
    # The day names the transition: a run cut short and run again that day re-baselines the host's other articles
    # (page types may each have their own layout) without a second alert.
    stamp = now()
    return Alert(kind=Kind.LAYOUT_CHANGED, url=f"https://{host}/", title=host, detail=detail, created_at=stamp,
                 dedup_key=digest(host, Kind.LAYOUT_CHANGED, stamp[:10]))


def rules(settings: Settings) -> Rules:
    return Rules(alert_kinds=frozenset(settings.alert_kinds), alert_minor=settings.alert_minor,
                 minor_similarity=settings.minor_similarity, removed_after=settings.removed_after)
