"""Routes applied to the configured targets: which targets an alert is written for, and when each gets it.

A `[[route]]` reaches the targets carrying any of its tags. An alert goes to every route that
selects it, each target once however many of its routes select it; targets no route names form
the default route and get what they get without routes (readers every reader alert, `notify_admin`
the operator alerts), so a config without routes behaves as before. A target gets an alert at once
when any route that gives it the alert says "now", else in the first scheduled digest after the
alert was made (monitor.decide.routes decides both, purely).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitor.config import Settings
from monitor.core.errors import ConfigError
from monitor.core.kinds import ALERT_KINDS, is_operator_kind, kind_label
from monitor.core.model import Alert
from monitor.decide.routes import Route, Schedule
from monitor.notify.targets import Target, configured_targets


def settings_targets(settings: Settings, *, fallback_stdout: bool = True) -> tuple[list[Target], list[Target]]:
    """(readers, admins) from `notify`, `notify_config` and `notify_admin`; routes naming a tag no target carries
    are a config error (one line naming the key)."""
    readers, admins = configured_targets(settings.notify, settings.notify_admin, configs=settings.notify_config,
                                         fallback_stdout=fallback_stdout)
    Routing.build(settings, readers, admins, strict=True)
    return readers, admins


@dataclass(frozen=True)
class Routing:
    routes: tuple[Route, ...]
    readers: tuple[Target, ...]
    admins: tuple[Target, ...]
    members: tuple[tuple[Target, ...], ...] = ()  # each route's targets, in the routes' order

    @classmethod
    def build(cls, settings: Settings, readers: Iterable[Target], admins: Iterable[Target], *,
              strict: bool = False) -> Routing:
        readers, admins = tuple(readers), tuple(admins)
        everyone = {t.key: t for t in (*readers, *admins)}
        members: list[tuple[Target, ...]] = []
        for number, route in enumerate(settings.route, start=1):
            members.append(tuple(t for t in everyone.values() if t.tags & set(route.tags)))
            unknown = [tag for tag in route.tags if not any(tag in t.tags for t in everyone.values())]
            if strict and unknown:
                known = sorted({tag for t in everyone.values() for tag in t.tags})
                raise ConfigError(
                    f"{settings.source}: 'route[{number}].tags' names {unknown[0][:40]!r}, a tag no notification "
                    f"target carries ({'tags: ' + ', '.join(known) if known else 'no target has a tag'})")
        return cls(settings.route, readers, admins, tuple(members))

    @property
    def routed(self) -> set[str]:
        """Keys of the targets some route names (they get only what their routes select)."""
        return {t.key for targets in self.members for t in targets}

    def keys_for(self, alert: Alert) -> tuple[str, ...]:
        """The targets an alert is written for: those of every route that selects it, and the default route's."""
        pool = self.admins if is_operator_kind(alert.kind) else self.readers
        routed = self.routed
        keys = [t.key for r, targets in zip(self.routes, self.members, strict=True) if r.takes(alert)
                for t in targets]
        keys += [t.key for t in pool if t.key not in routed]
        return tuple(dict.fromkeys(keys))

    def operator_targets(self) -> list[Target]:
        """Targets that may get operator alerts: `notify_admin` ones in no route, and those of routes naming an
        operator kind. Without any, operator conditions are only logged."""
        routed = self.routed
        found = [t for t in self.admins if t.key not in routed]
        found += [t for r, targets in zip(self.routes, self.members, strict=True)
                  if any(is_operator_kind(k) for k in r.match.kinds) for t in targets]
        return list({t.key: t for t in found}.values())

    def schedules_for(self, alert: Alert, key: str) -> tuple[Schedule, ...] | None:
        """None: the target gets this alert at once; else the schedules of the digests it waits for."""
        routes = [r for r, targets in zip(self.routes, self.members, strict=True)
                  if any(t.key == key for t in targets) and r.takes(alert)]
        if not routes or any(r.schedule is None for r in routes):
            return None  # a "now" route, the default route, or a route changed since the alert was written
        return tuple(r.schedule for r in routes if r.schedule is not None)

    def kinds_for(self, target: Target) -> list[str]:
        """The kinds a target may get, for samples (`notify-test --tag`)."""
        kinds: list[str] = []
        if target.key not in self.routed:
            if any(t.key == target.key for t in self.readers):
                kinds += [k for k in ALERT_KINDS if not is_operator_kind(k)]
            if any(t.key == target.key for t in self.admins):
                kinds += [k for k in ALERT_KINDS if is_operator_kind(k)]
        for r, targets in zip(self.routes, self.members, strict=True):
            if any(t.key == target.key for t in targets):
                kinds += sorted(r.match.kinds, key=ALERT_KINDS.index) or [k for k in ALERT_KINDS
                                                                           if not is_operator_kind(k)]
        return list(dict.fromkeys(kinds))


def describe(routing: Routing) -> str:
    """`monitor routes`: who gets what and when, in words; targets by their masked labels only."""
    lines: list[str] = []
    for route, targets in zip(routing.routes, routing.members, strict=True):
        lines.append(f"{route.name}: {_what(route)}, {_when(route)}")
        lines += [f"  → {_shown(t)}" for t in targets] or ["  → no target (no configured URL carries its tags)"]
    routed = routing.routed
    readers = [t for t in routing.readers if t.key not in routed]
    admins = [t for t in routing.admins if t.key not in routed]
    if routing.routes:
        lines.append("targets in no route (the default route):" if readers or admins else
                     "every target is in a route: an alert no route selects is sent to no one "
                     "(it stays in the history and the Atom feed)")
    else:
        lines.append("no [[route]] tables: every target gets every alert of its kind at once")
    lines += [f"  → {_shown(t)}: every reader alert, at once" for t in readers]
    lines += [f"  → {_shown(t)}: operator alerts, at once" for t in admins]
    return "\n".join(lines)


def _shown(target: Target) -> str:
    return target.label + (f" (tags: {', '.join(sorted(target.tags))})" if target.tags else "")


def _what(route: Route) -> str:
    m = route.match
    what = ", ".join(kind_label(k) for k in sorted(m.kinds, key=ALERT_KINDS.index)) if m.kinds else (
        "every reader alert")
    if m.sites:
        what += " on " + " or ".join(m.sites)
    if m.articles:
        what += " about articles matching " + " or ".join(m.articles)
    if m.keywords:
        what += " mentioning " + " or ".join(repr(k) for k in m.keywords)
    return f"tags {', '.join(route.tags)} get {what}"


def _when(route: Route) -> str:
    return "at once" if route.schedule is None else f"as one digest {route.schedule.words}"


def tag_samples(routing: Routing, tag: str, samples: list[Alert]) -> list[tuple[Target, list[Alert]]]:
    """`notify-test --tag`: each target carrying `tag`, with the samples of the kinds it may get."""
    everyone = {t.key: t for t in (*routing.readers, *routing.admins)}.values()
    chosen = [t for t in everyone if tag.lower() in t.tags]
    if not chosen:
        known = sorted({x for t in everyone for x in t.tags})
        raise ConfigError(f"--tag {tag[:40]!r}: no notification target carries this tag "
                          f"({'tags: ' + ', '.join(known) if known else 'no target has a tag'})")
    return [(t, [a for a in samples if a.kind in routing.kinds_for(t)]) for t in chosen]
