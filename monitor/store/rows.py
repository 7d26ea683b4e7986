"""What the store hands out: named, frozen rows (never positional tuples), and the small helpers they share."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from monitor.core.model import Alert, Snapshot, Validators
from monitor.decide.policy import ArticleFacts


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ArticleRow:
    id: int
    url: str
    title: str
    origin: str
    first_seen: str
    last_checked: str | None
    last_changed: str | None
    validators: Validators
    missing_count: int
    removed: bool
    last_error: str | None = None
    failures: int = 0
    latest_hash: str | None = None
    latest_source: str | None = None
    published: str = ""
    transitions: int = 0  # transitions recorded so far (decide numbers the next one)
    layout: str = ""
    closed: bool = False
    untracked: str | None = None  # when `monitor remove` stopped checking it; None while it is tracked


def article_row(row: sqlite3.Row) -> ArticleRow:
    return ArticleRow(
        id=row["id"], url=row["url"], title=row["title"], origin=row["origin"], first_seen=row["first_seen"],
        last_checked=row["last_checked"],
        last_changed=row["last_changed"], validators=Validators(row["etag"], row["last_modified"]),
        missing_count=row["missing_count"], removed=bool(row["removed"]), last_error=row["last_error"],
        failures=row["failures"], latest_hash=row["latest_hash"], latest_source=row["latest_source"],
        published=row["published"] or "",
        transitions=row["transitions"] if "transitions" in row.keys() else 0,  # noqa: SIM118 (schema-1 file read-only)
        layout=(row["layout"] or "") if "layout" in row.keys() else "",  # noqa: SIM118
        closed=bool(row["closed"]) if "closed" in row.keys() else False,  # noqa: SIM118
        untracked=row["untracked"] if "untracked" in row.keys() else None,  # noqa: SIM118
    )


def article_facts(row: ArticleRow) -> ArticleFacts:
    """What the re-check policy needs, from the article row alone."""
    return ArticleFacts.from_record(row.origin, row.first_seen, row.last_changed, row.published, row.last_checked,
                                    failures=row.failures)


@dataclass(frozen=True)
class VersionRow:
    id: int
    seq: int
    captured_at: str
    source: str
    content_hash: str
    snapshot: Snapshot
    change_kind: str | None
    minor: bool


@dataclass(frozen=True)
class AlertRow:
    """A decided alert as stored: its outbox id, when it was created and the article it is about (None: a feed)."""

    id: int
    created_at: str
    article_id: int | None
    alert: Alert


@dataclass(frozen=True)
class PendingDelivery:
    alert_id: int
    target: str
    attempts: int
    alert: Alert


@dataclass(frozen=True)
class FailedDelivery:
    """A delivery given up on: `monitor notify --replay ALERT_ID` queues it again."""

    alert_id: int
    target: str
    attempts: int
    last_error: str | None
    title: str


@dataclass(frozen=True)
class OrphanedDelivery:
    """A delivery still owed (pending or failed) to a target no longer configured: `notify --replay` moves it."""

    alert_id: int
    target: str
    label: str | None  # as last seen configured; None for keys from before identities
    status: str
    attempts: int
    title: str
    operator: bool  # an operator alert (about a feed): replayed to the notify_admin targets


@dataclass(frozen=True)
class HostState:
    """Politeness state that outlives a cycle, by host: robots.txt bodies with their fetch time, Retry-After ends."""

    robots: dict[str, tuple[str, float]]
    blocked: dict[str, float]


@dataclass(frozen=True)
class CycleRecord:
    """The last finished cycle, as `monitor health` and /metrics read it."""

    finished: dt.datetime
    outcome: str | None
