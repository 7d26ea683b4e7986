"""decide: what one check of a tracked article means, given what the monitor knew. Pure: no I/O, no clock.

The cycle fetches and stores; every judgement between those two lives here, once, so the
accuracy corpus, the property tests and the cycle all run the same code.

An alert is a *transition* the reader has not been told about. Its de-duplication key names
the transition (the state it leaves, the state it reaches, and its number in the article's
history), never the content alone: a note re-added or a value that flips back is a new
transition with a new key, while a crash and re-run of the same check yields the same key.

A short body is judged here, against what the article was, not by the reader: a body under MIN_BODY_WORDS
where the last version had at least that many (and no update note new to it) is a *stub*, a page in the article's
place, while a post that was always short is compared like any other. A stub is never a version. One stub is an
error, login or consent page served with a 200 for a while (no alert); a stub counts like a 404/410 toward
removal: `removed_after` checks in a row that do not show the article (404/410 answers and stubs in any mix; a
failed check neither extends nor breaks the streak, a good answer, 200 or 304, breaks it) are one "removed"
alert, and one born of a stub says what is uncertain and quotes the stub (`removal_detail`). A stub the host
served to many of its articles in one cycle is the host's wall, not the article's (`Fetched.walled`, set by
`monitor.app.walls` before any of them is judged): like a failed check it neither extends nor breaks the streak,
and it tells readers nothing; so does that
page word for word in place of a post that was always short (no stub, and no edit of it either), or of an
article not captured yet (never its first version).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from monitor.core.kinds import CHANGE_KINDS, Kind
from monitor.core.model import Alert, Change, FeedEntry, Snapshot
from monitor.core.text import MIN_BODY_WORDS, canonical, digest, word_count
from monitor.decide.chrome import strip_chrome
from monitor.decide.compare import MINOR_SIMILARITY, compare
from monitor.decide.layout import HostContext, across_layout, same_title
from monitor.decide.removal import removal_detail


@dataclass(frozen=True)
class Rules:
    """The settings a decision depends on (the cycle builds them from the config)."""

    alert_kinds: frozenset[str] = frozenset(Kind)
    alert_minor: bool = False
    minor_similarity: float = MINOR_SIMILARITY
    removed_after: int = 2


@dataclass(frozen=True)
class Known:
    """What the monitor knew about an article before this check."""

    url: str
    title: str = ""
    latest_hash: str | None = None  # None: no version captured yet
    latest: Snapshot | None = None  # the latest version; loaded only when `needs_latest` says so
    missing_count: int = 0  # checks in a row that did not show the article: 404/410 answers and stubs
    removed: bool = False  # readers were told it is gone
    transitions: int = 0  # transitions recorded so far; numbers the next one
    layout: str = ""  # fingerprint of the layout the article was last read in ("" = not known yet)
    closed: bool = False  # its pages so far ended with their closing tags
    archived: str = ""  # the Wayback capture of the latest version, when there is one (goes into alerts)
    small_walled: bool = False  # its streak counts a small host's wall (patient_streak): a lone stub after it too


@dataclass(frozen=True)
class Fetched:
    """A 200 whose page was read into a snapshot, with the layout it was found in."""

    snapshot: Snapshot
    layout: str = ""
    closed: bool = True  # the page ended with its closing </body> or </html>
    chrome: frozenset[str] = frozenset()  # paragraph keys of the site's chrome (decide.chrome), gone from snapshot
    host: HostContext = field(default_factory=HostContext)  # the host's shared edge text and title affixes
    walled: bool = False  # the host's wall: a stub here, or a page saying word for word what its stubs say (app.walls)
    # … a page shown word for word in place of a few of the host's articles while the rest answer (a rate-limit
    # page, or the site's "not found" page after several were pulled at once): it counts toward removal, slowly.
    alike: bool = False
    small_wall: bool = False  # … of a host with few tracked articles (walls.Wall.small): counts PATIENCE times slower


@dataclass(frozen=True)
class NotModified:
    """A 304: the page is as it was at the last capture."""


@dataclass(frozen=True)
class Gone:
    """A 404 or 410."""

    error: str


@dataclass(frozen=True)
class Failed:
    """Any other failure (network, 5xx, unreadable page): says nothing about the article."""

    error: str


Seen = Fetched | NotModified | Gone | Failed


class Verdict(StrEnum):
    """How the check went, for the cycle's report."""

    FIRST = "first"  # first capture: a baseline, no alert
    UNCHANGED = "unchanged"
    CHANGED = "changed"  # a version readers are told about
    QUIET = "quiet"  # a version recorded without an alert (minor edit, or a kind nobody wants)
    MISSING = "missing"  # a 404/410 not yet counted as removed, or any of them (or a stub) once removed
    REMOVED = "removed"
    RESTORED = "restored"  # back online, with no new content
    FAILED = "failed"  # says nothing of the article (a stub not yet counted as removed is one, in the report)


# A page shown word for word in place of a few of a host's articles while the rest answer counts toward their
# removal this many times slower (app.walls): a rate limit moves on within hours, articles pulled at once stay down.
SLOW = 3
# The wall of a host with only a few tracked articles counts this many times slower (a day of hourly checks with the
# default removed_after): a consent or login wall that stands that long keeps every one of them from us, and their
# being pulled at once looks the same; readers then hear of each (three at most), with what is uncertain.
PATIENCE = 12
# How a stub's error line opens (a walled stub's too): the store finds the articles whose last check read one.
STUB_ERROR = "article body too short"


@dataclass(frozen=True)
class Stub:
    """A page in the article's place: a body too short to be it, with no update note new to it."""

    words: int  # its body's words, notes included (`body_words`)
    before: int  # the latest version's
    text: str  # what it says: its body, or its title when the body has no text (canonical)

    @property
    def reason(self) -> str:
        """The check's error line (the cycle's report, `monitor status`)."""
        return (f"{STUB_ERROR} ({self.words} words; the last version had {self.before}): an error or consent page, "
                "not the article")


@dataclass(frozen=True)
class Outcome:
    """What to write, in one transaction: the article's new state, maybe a version, and the alerts."""

    verdict: Verdict
    missing_count: int
    removed: bool
    transitions: int
    version: Snapshot | None = None
    change: Change | None = None
    alerts: tuple[Alert, ...] = ()
    error: str | None = None
    relayout: bool = False  # read in a new layout: differences that are the layout's were recorded quietly

    @property
    def showed_article(self) -> bool:
        """Whether the page read was the article, so its layout and closing tags are the article's to remember:
        not a failed check, nor a 404 or a stub (a stub's layout is its error page's)."""
        return self.verdict not in (Verdict.FAILED, Verdict.MISSING, Verdict.REMOVED)


def needs_latest(known: Known, seen: Seen, rules: Rules) -> bool:
    """Whether `decide` must be given the latest version's snapshot (to compare, to judge a short body against
    it, or to name an alert).

    Loading it costs a query and a decompression, so an unchanged page never asks for it. A reading whose hash
    differs always loads it: a short body (a stub?) is judged against the latest version's length.
    """
    if known.latest_hash is None or known.latest is not None:
        return False
    if isinstance(seen, Fetched):
        return known.removed or seen.snapshot.content_hash() != known.latest_hash
    if isinstance(seen, NotModified):
        return known.removed
    if isinstance(seen, Gone):
        return not known.removed and known.missing_count + 1 >= rules.removed_after
    return False


def decide(known: Known, seen: Seen, rules: Rules, *, now: str) -> Outcome:
    """The outcome of one check; `now` stamps the alerts (the caller owns the clock)."""
    if isinstance(seen, Failed):
        return Outcome(Verdict.FAILED, known.missing_count, known.removed, known.transitions, error=seen.error)
    if isinstance(seen, Gone):
        return _gone(known, seen, rules, now)
    if isinstance(seen, NotModified):
        if not known.removed:
            return Outcome(Verdict.UNCHANGED, 0, False, known.transitions)
        return _restored(known, _latest_or_stub(known), rules, now)
    if known.closed and not seen.closed:  # cut off by a proxy or CDN: never compared, never a version
        return Outcome(Verdict.FAILED, known.missing_count, known.removed, known.transitions,
                       error="incomplete page: it ends before its closing </body></html> tags")
    return _fetched(known, seen, rules, now)


def _fetched(known: Known, seen: Fetched, rules: Rules, now: str) -> Outcome:
    snapshot = seen.snapshot
    new_hash = snapshot.content_hash()
    if known.latest_hash is None:
        if seen.walled:  # the host's wall before the article's first capture: never its first version (app.walls)
            return Outcome(Verdict.FAILED, known.missing_count, known.removed, known.transitions, error=(
                "the site showed this page in place of many of its articles at once (a consent, login or "
                "rate-limit wall): not read as the article's first version"))
        if known.removed:  # gone before its first capture, now answering
            restored = _restored(known, snapshot, rules, now)
            return replace(restored, version=snapshot, verdict=Verdict.FIRST)
        return Outcome(Verdict.FIRST, 0, False, known.transitions, version=snapshot)
    if new_hash == known.latest_hash:
        if known.removed:
            return _restored(known, snapshot, rules, now)
        return Outcome(Verdict.UNCHANGED, 0, False, known.transitions)
    latest = known.latest
    if latest is None:
        raise ValueError("decide needs the latest version here: call needs_latest() and load it")
    latest = strip_chrome(latest, seen.chrome)
    if (stub := stub_in(latest, snapshot)) is not None:  # not the article: never a version
        if seen.small_wall or (known.small_walled and not seen.walled):  # all a small host's: maybe all pulled
            return _missing(known, rules, now, stub.reason + SMALL_WALL, stub, slow=PATIENCE, wall=seen.small_wall)
        if seen.walled and not seen.alike:
            return _walled(known, stub)
        return _missing(known, rules, now, stub.reason, stub, slow=SLOW if seen.walled else 1)
    if seen.walled:  # the wall's page in place of a post that was always short: no stub, and no edit of it either
        return _walled(known, Stub(body_words(snapshot), body_words(latest), stub_text(snapshot)))
    number = known.transitions + 1
    alerts: list[Alert] = []
    if known.removed and Kind.RESTORED in rules.alert_kinds:
        alerts.append(_alert(Kind.RESTORED, known, snapshot, None, number, "online", now))
    relayout = bool(known.layout and seen.layout and known.layout != seen.layout)  # structure, never text shapes
    if relayout:
        news = across_layout(latest, snapshot, seen.host, minor_similarity=rules.minor_similarity)
    else:  # a site name the host's titles now share (or no longer) is the template's, not a retitling
        compared = replace(snapshot, title=latest.title) if same_title(
            latest.title, snapshot.title, seen.host.title_affixes) else snapshot
        news = compare(latest, compared, minor_similarity=rules.minor_similarity)
    change = news if news is not None else compare(latest, snapshot, minor_similarity=rules.minor_similarity)
    kind = headline(news, rules)
    if news is not None and kind is not None:
        alerts.append(_alert(kind, known, snapshot, news, number, new_hash, now))
    verdict = Verdict.CHANGED if kind is not None else Verdict.QUIET
    return Outcome(verdict, 0, False, number, version=snapshot, change=change, alerts=tuple(alerts),
                   relayout=relayout)


def body_words(snapshot: Snapshot) -> int:
    """The words of a reading's body, notes included, counted as the reader counts them (core.text.word_count)."""
    return word_count(n.text for n in snapshot.notes) + word_count(snapshot.paragraphs)


def stub_in(latest: Snapshot, snapshot: Snapshot) -> Stub | None:
    """`snapshot` as an error, login, consent or access-denied page in the article's place; None: the article.

    A body under MIN_BODY_WORDS where the latest version had at least that many is such a stub. A short post
    whose latest version was short too is compared (an edit of a short post is a change), and a reading with an
    update note the latest version lacked always is (a note never waits on a body verdict: a retraction notice
    replacing the text is news).
    """
    words = body_words(snapshot)
    if words >= MIN_BODY_WORDS:
        return None
    before = body_words(latest)
    if before < MIN_BODY_WORDS:
        return None
    old_notes = {n.key for n in latest.notes}
    if any(n.key not in old_notes for n in snapshot.notes):
        return None
    return Stub(words, before, stub_text(snapshot))


def stub_text(snapshot: Snapshot) -> str:
    """What a page in the article's place says (`Stub.text`): its body, or its title when the body has no text."""
    text = canonical(" ".join([*(n.text for n in snapshot.notes), *snapshot.paragraphs]))
    return text or canonical(snapshot.title)


def stub_reason(latest: Snapshot, snapshot: Snapshot) -> str | None:
    """Why `snapshot` is not the article but a page in its place (`stub_in`); None: the article."""
    stub = stub_in(latest, snapshot)
    return stub.reason if stub is not None else None


def stub_of(known: Known, seen: Seen) -> Stub | None:
    """The stub this check read in the article's place, exactly as `decide` will judge it; None when it read
    anything else. Needs the latest version loaded (`needs_latest`) to find one; the cycle asks before judging
    any of a host's articles, to tell a host's wall from one article's stub (`monitor.app.walls`)."""
    if not isinstance(seen, Fetched) or known.latest_hash is None or known.latest is None:
        return None
    if (known.closed and not seen.closed) or seen.snapshot.content_hash() == known.latest_hash:
        return None
    return stub_in(strip_chrome(known.latest, seen.chrome), seen.snapshot)


def _gone(known: Known, seen: Gone, rules: Rules, now: str) -> Outcome:
    return _missing(known, rules, now, seen.error, None)


SMALL_WALL = ("; the site showed this page in place of all its few tracked articles (a consent, login or rate-limit "
              f"wall, or all of them taken down): counted toward removal {PATIENCE} times slower")


def _missing(known: Known, rules: Rules, now: str, error: str, stub: Stub | None, *, slow: int = 1,
             wall: bool = False) -> Outcome:
    """One more check in a row without the article (a 404/410, or a `stub`): removed once there are
    `removed_after` of them, and never on one stub alone (a page served for a moment: the server's 404 is its own
    word, a stub only our reading of a page). `slow`: that many times as many checks (SLOW: a page several of the
    host's articles show alike while the rest answer: a rate limit moves on, articles taken down stay down;
    PATIENCE: a small host's `wall`, which the alert names)."""
    count = known.missing_count + 1
    needed = rules.removed_after if stub is None else max(rules.removed_after, 2) * slow
    if known.removed:
        return Outcome(Verdict.MISSING, count, True, known.transitions, error=error)
    if count < needed:
        verdict = Verdict.MISSING if stub is None else Verdict.FAILED
        return Outcome(verdict, count, False, known.transitions, error=error)
    number = known.transitions + 1
    alerts: tuple[Alert, ...] = ()
    if Kind.REMOVED in rules.alert_kinds:
        alert = _alert(Kind.REMOVED, known, _latest_or_stub(known), None, number, "removed", now)
        if stub is not None:
            alert = replace(alert, detail=removal_detail(stub.words, stub.before, stub.text, count, wall=wall))
        alerts = (alert,)
    return Outcome(Verdict.REMOVED, count, True, number, alerts=alerts, error=error)


def _walled(known: Known, stub: Stub) -> Outcome:
    """A stub the host served to many of its articles at once: its wall (consent, login, rate limit), nothing of
    this article's. Like a failed check, it says nothing of the article: it tells readers nothing and neither
    extends nor breaks its streak (an article taken down while a wall comes and goes is still told, after
    `removed_after` checks that showed its own page in place of it)."""
    error = (f"{stub.reason}; the site showed this page in place of many of its articles at once (a consent, "
             "login or rate-limit wall): not counted toward removal")
    return Outcome(Verdict.FAILED, known.missing_count, known.removed, known.transitions, error=error)


def _restored(known: Known, snapshot: Snapshot, rules: Rules, now: str) -> Outcome:
    number = known.transitions + 1
    alerts: tuple[Alert, ...] = ()
    if Kind.RESTORED in rules.alert_kinds:
        alerts = (_alert(Kind.RESTORED, known, snapshot, None, number, "online", now),)
    return Outcome(Verdict.RESTORED, 0, False, number, alerts=alerts)


def headline(change: Change | None, rules: Rules) -> Kind | None:
    """The kind an alert leads with: the most important one the config wants; None = record quietly."""
    if change is None:
        return None
    carried = {change.kind, *change.extra_kinds}
    for kind in CHANGE_KINDS:
        if kind not in carried or kind not in rules.alert_kinds:
            continue
        if kind == Kind.BODY_EDITED and change.minor and not rules.alert_minor:
            continue
        return kind
    return None


def new_post_alert(entry: FeedEntry, rules: Rules, *, now: str) -> Alert | None:
    """A post first seen in a feed: one announcement per article identity, ever."""
    if Kind.NEW_POST not in rules.alert_kinds:
        return None
    return Alert(kind=Kind.NEW_POST, url=entry.url, title=entry.title, dedup_key=digest(entry.url, Kind.NEW_POST),
                 entry=entry, byline=entry.author, published=entry.published, created_at=now)


def after(known: Known, outcome: Outcome, seen: Seen | None = None) -> Known:
    """What the monitor knows once `outcome` is stored (the store writes the same fields)."""
    version = outcome.version
    layout, closed = known.layout, known.closed
    if isinstance(seen, Fetched) and outcome.showed_article:  # what the store keeps of the reading
        layout, closed = seen.layout or layout, closed or seen.closed
    return replace(
        known,
        layout=layout,
        closed=closed,
        title=version.title if version else known.title,
        latest_hash=version.content_hash() if version else known.latest_hash,
        latest=version if version else known.latest,
        missing_count=outcome.missing_count,
        removed=outcome.removed,
        transitions=outcome.transitions,
        small_walled=patient_streak(outcome.missing_count, outcome.error),
    )


def patient_streak(missing_count: int, error: str | None) -> bool:
    """Whether a streak of `missing_count` checks, the last ending in `error`, counts a small host's wall: a lone stub
    after it (the wall lifted from the host's other article first) counts as slowly, or it would end hours of wall."""
    return bool(missing_count and error and SMALL_WALL in error)


def _latest_or_stub(known: Known) -> Snapshot:
    return known.latest or Snapshot(url=known.url, title=known.title, notes=(), paragraphs=())


def _alert(kind: Kind, known: Known, snapshot: Snapshot, change: Change | None, number: int, reached: str,
           now: str) -> Alert:
    key = digest(known.url, kind, known.latest_hash or "", reached, str(number))
    return Alert(kind=kind, url=known.url, title=snapshot.title or known.title, dedup_key=key, change=change,
                 byline=snapshot.byline, published=snapshot.published, created_at=now, archived_before=known.archived)
