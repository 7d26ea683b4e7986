"""What the web view shows, read from the store: plain frozen rows, so templates, JSON and Atom share one reading.

Nothing here writes: every function takes an open (read-only) `Store` and returns data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from monitor.app.status import status_rows
from monitor.app.treaty import treaty_summary
from monitor.config import Settings
from monitor.core.kinds import ALERT_KINDS, Origin, is_operator_kind, kind_label
from monitor.core.model import Alert
from monitor.core.treaty import Participant, counting
from monitor.decide.compare import compare
from monitor.decide.routes import Match
from monitor.render import Mark, inline_marks, render
from monitor.store.database import AlertRow, ArticleRow, Store, VersionRow
from monitor.store.treaty import TreatyVersion
from monitor.store.wacz import archived_versions
from monitor.store.wayback import captures

ENTRY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/deeplinks-monitor/alerts")


@dataclass(frozen=True)
class ArticleSummary:
    """One line of the front page and of /api/articles."""

    id: int
    url: str
    title: str
    origin: str
    versions: int
    last_change: str | None
    last_change_kind: str
    last_checked: str | None
    next_check: str
    removed: bool


@dataclass(frozen=True)
class TimelineEntry:
    """One stored version, with what it changed and the update notes it brought."""

    seq: int
    captured_at: str
    source: str
    kind: str
    minor: bool
    title: str
    notes_added: tuple[str, ...]
    truncated: bool
    previous: int | None
    warc: bool = False  # its capture is archived: the page links the WARC download
    wayback: str = ""  # its Wayback Machine capture
    wayback_diff: str = ""  # the Wayback Machine's diff between the previous version's capture and this one


@dataclass(frozen=True)
class ChangeEntry:
    """One detected change (an alert) as the feed and the API publish it: the alert's own text."""

    alert_id: int
    entry_id: str
    created_at: str
    kind: str
    label: str
    article_id: int | None
    url: str
    article_title: str
    title: str
    text: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class DiffView:
    """Two versions of an article and what a reader would see change between them, marked word by word."""

    article: ArticleRow
    old: VersionRow
    new: VersionRow
    kind: str | None
    title_marks: tuple[Mark, ...]
    notes_added: tuple[str, ...]
    notes_removed: tuple[str, ...]
    edits: tuple[tuple[Mark, ...], ...]
    around: tuple[tuple[str, str], ...] = ()  # per edit: the paragraphs before and after its own ("" at an edge)


def is_operator(alert: Alert) -> bool:
    """Feed-health alerts are for the operator, not for readers of the change history."""
    return is_operator_kind(alert.kind)


def label(kind: str | None) -> str:
    return kind_label(kind or "")


def article_summaries(store: Store, settings: Settings, now: dt.datetime) -> list[ArticleSummary]:
    """Tracked articles, newest change first (the order `monitor status` uses)."""
    by_url = {a.url: a for a in store.articles()}
    last_alert = store.latest_alerts()
    version_kind = store.latest_change_kinds()
    out = []
    for row in status_rows(store, settings, now):
        article = by_url[row.url]
        alert = last_alert.get(article.id)
        kind = alert.alert.kind if alert else version_kind.get(article.id)
        shown = label(kind) if kind else ("seeded" if article.origin == Origin.SEED else "first version")
        out.append(ArticleSummary(
            id=article.id, url=article.url, title=article.title, origin=article.origin, versions=row.versions,
            last_change=row.last_change, last_change_kind=shown, last_checked=row.last_checked,
            next_check=row.next_check, removed=article.removed,
        ))
    # Times are to the second: two changes in one second are ordered by which alert came later.
    latest_id = {article_id: alert.id for article_id, alert in last_alert.items()}
    return sorted(out, key=lambda r: (r.last_change or "", latest_id.get(r.id, 0)), reverse=True)


def timeline(store: Store, article_id: int) -> list[TimelineEntry]:
    """The article's versions oldest first, each with the notes it added over the one before."""
    out = []
    previous: VersionRow | None = None
    archived = archived_versions(store, article_id)
    saved = captures(store, article_id)
    for v in store.versions(article_id):
        wayback, stamp = saved.get(v.id, ("", ""))
        earlier = saved.get(previous.id) if previous else None
        before = {n.key for n in previous.snapshot.notes} if previous else set()
        if v.change_kind:
            kind = label(v.change_kind)
        elif previous is None:
            kind = "first version"
        else:
            kind = "no visible change"
        out.append(TimelineEntry(
            seq=v.seq, captured_at=v.captured_at, source="seeded" if v.source.startswith("seed") else v.source,
            kind=kind, minor=v.minor, title=v.snapshot.title,
            notes_added=tuple(n.text for n in v.snapshot.notes if n.key not in before),
            truncated=v.snapshot.truncated, previous=previous.seq if previous else None, warc=v.id in archived,
            wayback=wayback, wayback_diff=wayback_diff(wayback, earlier[1] if earlier else "", stamp),
        ))
        previous = v
    return out


def wayback_diff(capture: str, before: str, after: str) -> str:
    """The Wayback Machine's own diff view between two captures of one page (its /web/diff/A/B/URL form)."""
    if not (capture and before and after):
        return ""
    base, _, rest = capture.partition(f"/web/{after}/")
    return f"{base}/web/diff/{before}/{after}/{rest}" if rest else ""


def changes(store: Store, *, limit: int = 100, match: Match | None = None) -> list[ChangeEntry]:
    """Reader-facing alerts (those about an article), newest first; all of them when `limit` is 0; with `match`,
    only those it selects (the matching `[[route]]` tables use)."""
    if match is None:
        return [change_entry(row) for row in store.article_alerts(limit or None)]
    chosen = [row for row in store.article_alerts() if match.selects(row.alert)]
    return [change_entry(row) for row in chosen[:limit or None]]


@dataclass(frozen=True)
class KindChoice:
    value: str
    label: str


def reader_kinds() -> list[KindChoice]:
    """The kinds a reader's change can be, for the changes page's filter (operator kinds are about feeds)."""
    return [KindChoice(k, label(k)) for k in ALERT_KINDS if not is_operator_kind(k)]


FILTERS = ("kind", "site", "article", "q")  # /changes.atom?kind=…&site=…&article=…&q=… (each repeatable)


@dataclass(frozen=True)
class Subscription:
    """A feed of some changes only: what it selects, its query as published (no token) and its words."""

    match: Match
    query: str
    about: str


def subscription(params: list[tuple[str, str]]) -> Subscription | None:
    """The feed filters among the query's parameters (others, like a token, are ignored); None without any.
    `kind` and `site` also take comma-separated lists. An unknown kind is a ValueError naming it."""
    given: dict[str, list[str]] = {name: [] for name in FILTERS}
    for name, raw in params:
        if name in given:
            values = raw.split(",") if name in ("kind", "site") else [raw]
            given[name] += [v.strip() for v in values if v.strip()]
    for kind in given["kind"]:
        if kind not in ALERT_KINDS:
            raise ValueError(f"unknown kind {kind[:40]!r} (known: {', '.join(ALERT_KINDS)})")
    if not any(given.values()):
        return None
    match = Match(kinds=frozenset(given["kind"]), sites=tuple(given["site"]), articles=tuple(given["article"]),
                  keywords=tuple(given["q"]))
    pairs = [(name, value) for name in FILTERS for value in given[name]]
    return Subscription(match, urlencode(pairs), "; ".join(f"{name} {value}" for name, value in pairs))


def changes_for(store: Store, article_id: int) -> list[ChangeEntry]:
    """The alerts about one article (all reader-facing: operator alerts are about feeds), newest first."""
    return [change_entry(row) for row in reversed(store.alerts_for(article_id))]


def change_entry(row: AlertRow) -> ChangeEntry:
    """An alert with the text its notification carried (plain-text rendering)."""
    alert = row.alert
    message = render(alert, "text")
    notes = alert.change.notes_added if alert.change else ()
    return ChangeEntry(
        alert_id=row.id, entry_id=entry_id(alert), created_at=row.created_at, kind=alert.kind,
        label=label(alert.kind), article_id=row.article_id, url=alert.url,
        article_title=alert.title, title=message.title, text=message.body, notes=tuple(n.text for n in notes),
    )


def entry_id(alert: Alert) -> str:
    """A feed entry's id from the alert's dedup key: the same change keeps its id across requests and restarts."""
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, alert.dedup_key)}"


def diff_view(store: Store, article: ArticleRow, a: int, b: int) -> DiffView | None:
    """The change from version `a` to `b` (either order as given); None when either does not exist."""
    old, new = store.version(article.id, a), store.version(article.id, b)
    if old is None or new is None:
        return None
    change = compare(old.snapshot, new.snapshot)
    if change is None:
        return DiffView(article, old, new, None, (), (), (), ())
    title_marks = inline_marks(change.title_before, change.title_after) if change.title_before else ()
    return DiffView(
        article=article, old=old, new=new, kind=label(change.kind), title_marks=title_marks,
        notes_added=tuple(n.text for n in change.notes_added),
        notes_removed=tuple(n.text for n in change.notes_removed),
        edits=tuple(_in_context(inline_marks(e.before, e.after), e.before, e.after, old.snapshot.paragraphs,
                                new.snapshot.paragraphs) for e in change.edits),
        around=tuple(_neighbours(e.before, e.after, old.snapshot.paragraphs, new.snapshot.paragraphs)
                     for e in change.edits),
    )


@dataclass(frozen=True)
class TreatyView:
    """The treaty's status page: the count first, then the participants as last read, then what changed when."""

    summary: dict[str, object]
    participants: tuple[Participant, ...]
    counting: frozenset[str]
    history: list[TreatyVersion]


def treaty_view(store: Store, settings: Settings) -> TreatyView:
    url = settings.treaty.url
    history = store.treaty_versions(url, 200)
    latest = history[0].status if history else None
    regional = frozenset(settings.treaty.regional)
    return TreatyView(summary=treaty_summary(settings, store), participants=latest.participants if latest else (),
                      counting=frozenset(p.name for p in counting(latest, regional)) if latest else frozenset(),
                      history=history)


CONTEXT_CHARS = 240  # of each neighbouring paragraph: enough to place the edit, not the whole article


def _neighbours(before: str, after: str, old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, str]:
    """The end of the paragraph before the edited one and the start of the one after it, to read it in place."""
    for passage, paragraphs in ((after, new), (before, old)):
        for i, paragraph in enumerate(paragraphs):
            if passage and passage in paragraph:
                prev = paragraphs[i - 1] if i > 0 else ""
                nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
                return (("…" + prev[-CONTEXT_CHARS:].lstrip()) if len(prev) > CONTEXT_CHARS else prev,
                        (nxt[:CONTEXT_CHARS].rstrip() + "…") if len(nxt) > CONTEXT_CHARS else nxt)
    return "", ""


def _in_context(marks: tuple[Mark, ...], before: str, after: str, old: tuple[str, ...],
                new: tuple[str, ...]) -> tuple[Mark, ...]:
    """The marked sentences inside the rest of their paragraph, so a reader sees what they were said about: the
    text around them, unmarked (the new version's paragraph, else the old one's for removed text)."""
    for passage, paragraphs in ((after, new), (before, old)):
        if not passage:
            continue
        for paragraph in paragraphs:
            at = paragraph.find(passage)
            if at >= 0:
                head, tail = paragraph[:at], paragraph[at + len(passage):]
                return ((Mark("same", head),) if head else ()) + marks + ((Mark("same", tail),) if tail else ())
    return marks
