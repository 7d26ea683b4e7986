"""The `[[route]]` tables: which tagged targets receive which alerts, at once or as a scheduled digest.

Declared like every other setting (type, default, rule, doc line), checked by the same model,
and built into a `monitor.decide.routes.Route` per table. Whether a route's tags are carried by
any target is only known once the targets are read (monitor.notify.routing checks it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from monitor.config.spec import setting
from monitor.core.errors import ConfigError
from monitor.core.kinds import ALERT_KINDS
from monitor.decide.routes import SCHEDULE_MUST, Match, Route, parse_schedule

TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def _tags(tags: tuple[str, ...]) -> None:
    for tag in tags:
        if not TAG.match(tag):
            raise ValueError(f"has a tag that is not one word of letters, digits, '_', '-' or '.' (got {tag[:40]!r})")


def _kinds(kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        if kind not in ALERT_KINDS:
            raise ValueError(f"has unknown kind {kind[:40]!r} (known: {', '.join(ALERT_KINDS)})")


def _delivery(text: str) -> None:
    parse_schedule(text, dt.UTC)  # raises ValueError("must be …")


def zone(name: str) -> dt.tzinfo:
    """An IANA time zone by name (the system's tz database, else the tzdata package)."""
    if name.upper() == "UTC":
        return dt.UTC
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, or a key that is not a zone name at all
        raise ValueError(f"must be an IANA time zone such as Europe/Berlin or UTC (got {name[:40]!r})") from None


@dataclass(frozen=True)
class RouteKeys:
    """One `[[route]]` table."""

    tags: tuple[str, ...] = setting(
        (), "Apprise tags (on `notify` entries or in `notify_config` files): the targets carrying any of them get "
        "what this route selects", must="a list of tags (at least one)", check=_tags, shown_default="required")
    kinds: tuple[str, ...] = setting(
        (), "alert kinds this route selects", must="a list of alert kinds", check=_kinds,
        shown_default="every reader kind (operator kinds only when named)")
    sites: tuple[str, ...] = setting((), "hosts (a host covers its subdomains)", shown_default="any")
    articles: tuple[str, ...] = setting(
        (), "article URL patterns (`*` for any run of characters; without one, the URL itself)", shown_default="any")
    keywords: tuple[str, ...] = setting(
        (), "words or phrases (any letter case), one of which must stand in the title, an update note or the "
        "changed text", shown_default="any")
    delivery: str = setting(
        "now", "at once, or one digest at that time (the alerts since the last one; split only where the "
        "service's size limit demands)", must=SCHEDULE_MUST, check=_delivery)
    timezone: str = setting("UTC", "the time zone of `delivery`'s time", must="an IANA time zone, e.g. Europe/Berlin",
                            check=lambda name: zone(name))
    name: str | None = setting(None, "what `monitor routes` calls it", shown_default="route #N")

    def build(self, where: str, shown: str) -> Route:
        if not self.tags:
            raise ConfigError(f"{where}: '{shown}.tags' must name at least one Apprise tag")
        tz = zone(self.timezone)
        match = Match(kinds=frozenset(self.kinds), sites=self.sites, articles=self.articles, keywords=self.keywords)
        return Route(name=self.name or shown.replace("route[", "route #").rstrip("]"),
                     tags=tuple(t.lower() for t in self.tags), match=match,
                     schedule=parse_schedule(self.delivery, tz))
