"""What one cycle carries from step to step: its settings, store, targets, report and what it met on the way."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from monitor.app.report import CycleReport
from monitor.config import Settings
from monitor.decide.article import Rules
from monitor.notify.delivery import Target
from monitor.notify.routing import Routing
from monitor.store.archive import Archive
from monitor.store.database import Store
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
    archive: Archive | None = None  # WARC records of every capture that makes a version
    routing: Routing | None = None  # [[route]] tables: each alert is written for the targets its routes name

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


def rules(settings: Settings) -> Rules:
    return Rules(alert_kinds=frozenset(settings.alert_kinds), alert_minor=settings.alert_minor,
                 minor_similarity=settings.minor_similarity, removed_after=settings.removed_after)
