"""Who gets what, and when: what a route (or a feed subscription) selects, and when a scheduled digest is due.

Pure: an alert and a route in, a yes or no out; a schedule, its time zone (resolved by the
config), the last time it was owed and the clock in, a due time out. The same `Match` decides
`[[route]]` deliveries and the web view's `/changes.atom?kind=…&site=…&article=…&q=…`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from monitor.core.kinds import ALERT_KINDS, is_operator_kind
from monitor.core.model import Alert

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHEDULE_MUST = '"now", "daily HH:MM" or "weekly DAY HH:MM" (DAY: mon … sun)'
_SCHEDULE = re.compile(r"^(daily|weekly\s+([a-z]{3})[a-z]*)\s+(\d{1,2}):(\d{2})$")
READER_KINDS = frozenset(k.value for k in ALERT_KINDS if not is_operator_kind(k))


@dataclass(frozen=True)
class Match:
    """What a route or a feed subscription selects; an empty criterion selects everything.

    kinds: alert kinds (empty: every reader kind — operator kinds only when named);
    sites: hosts, a host also covering its subdomains ("eff.org" covers www.eff.org);
    articles: URL patterns (`*` stands for any run of characters; without one, the URL itself);
    keywords: words or phrases, any letter case, in the title, an update note or the changed text.
    """

    kinds: frozenset[str] = frozenset()
    sites: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def selects(self, alert: Alert) -> bool:
        if not (alert.kind in self.kinds if self.kinds else alert.kind in READER_KINDS):
            return False
        if self.sites and not any(on_site(alert.url, site) for site in self.sites):
            return False
        if self.articles and not any(url_matches(alert.url, pattern) for pattern in self.articles):
            return False
        if self.keywords:
            text = " ".join(alert_text(alert).casefold().split())
            return any(" ".join(k.casefold().split()) in text for k in self.keywords)
        return True


def on_site(url: str, site: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    site = site.lower().strip().strip(".")
    return bool(site) and (host == site or host.endswith("." + site))


def url_matches(url: str, pattern: str) -> bool:
    pattern = pattern.strip()
    if "*" not in pattern:
        return url.rstrip("/") == pattern.rstrip("/")
    return fnmatchcase(url, pattern.replace("[", "[[]").replace("?", "[?]"))  # only `*` is special


def alert_text(alert: Alert) -> str:
    """The words a keyword is looked for in: title, update notes, changed passages, a new post's summary."""
    parts = [alert.title, alert.detail]
    change = alert.change
    if change is not None:
        parts += [change.title_before, change.title_after]
        parts += [n.text for n in (*change.notes_added, *change.notes_removed)]
        parts += [p for e in change.edits for p in (e.before, e.after)]
    if alert.entry is not None:
        parts += [alert.entry.title, alert.entry.summary]
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Schedule:
    """When a digest goes out: every day, or one day a week, at a wall-clock time in a time zone."""

    hour: int
    minute: int
    tz: dt.tzinfo
    weekday: int | None = None  # 0 = Monday; None: every day

    @property
    def words(self) -> str:
        day = "daily" if self.weekday is None else f"weekly on {WEEKDAYS[self.weekday].capitalize()}"
        return f"{day} at {self.hour:02d}:{self.minute:02d} ({self.tz})"

    @property
    def cron(self) -> dict[str, object]:
        """The same schedule as APScheduler CronTrigger fields."""
        day = "*" if self.weekday is None else WEEKDAYS[self.weekday]
        return {"day_of_week": day, "hour": self.hour, "minute": self.minute, "timezone": self.tz}


def parse_schedule(text: str, tz: dt.tzinfo) -> Schedule | None:
    """`"now"` → None (at once); `"daily 08:00"`, `"weekly mon 09:00"` → a Schedule; else ValueError."""
    words = " ".join(text.lower().split())
    if words == "now":
        return None
    m = _SCHEDULE.match(words)
    day = m.group(2) if m else None
    if m is None or (day is not None and day not in WEEKDAYS) or int(m.group(3)) > 23 or int(m.group(4)) > 59:
        raise ValueError(f"must be {SCHEDULE_MUST} (got {text[:40]!r})")
    return Schedule(int(m.group(3)), int(m.group(4)), tz, WEEKDAYS.index(day) if day else None)


def next_run(schedule: Schedule, after: dt.datetime) -> dt.datetime:
    """The first scheduled time strictly after `after` (aware), in UTC.

    Wall-clock time in the zone: a time a DST change skips is read as the zone reads it
    (one hour on), a time it repeats is its first occurrence.
    """
    local = after.astimezone(schedule.tz)
    for days in range(9):
        day = local.date() + dt.timedelta(days=days)
        if schedule.weekday is not None and day.weekday() != schedule.weekday:
            continue
        at = dt.datetime.combine(day, dt.time(schedule.hour, schedule.minute), tzinfo=schedule.tz).astimezone(dt.UTC)
        if at > after:
            return at
    raise AssertionError("a weekly schedule always runs within 8 days")  # pragma: no cover


def due_at(schedules: tuple[Schedule, ...], since: dt.datetime) -> dt.datetime:
    """When something owed since `since` goes out: the first run of any of its schedules after it."""
    return min(next_run(s, since) for s in schedules)


def is_due(schedule: Schedule, last: dt.datetime, now: dt.datetime) -> bool:
    """Whether the schedule has run since `last` (the last digest, or the oldest alert it holds) by `now`."""
    return next_run(schedule, last) <= now


@dataclass(frozen=True)
class Route:
    """One `[[route]]`: the targets carrying any of `tags` receive what `match` selects, at once or on schedule."""

    name: str
    tags: tuple[str, ...]
    match: Match
    schedule: Schedule | None = None  # None: at once

    def takes(self, alert: Alert) -> bool:
        return self.match.selects(alert)
