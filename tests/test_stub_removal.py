"""A long article replaced by a short page: a stub counts like a 404/410 toward "removed"; a host's wall does not.

- `decide` (pure), against an independent model, on drawn sequences of checks: `removed_after` checks in a row
  without the article (404, 410, stubs of 0-29 drawn words, in any mix) are one "removed" alert, never on one
  stub alone; a good reading after it is one "back online" (and the edit, if it came back edited); a failed
  check neither extends nor breaks the streak; a 304 is a good answer (the server says the page is the stored
  version: it restores a removed article today, so it breaks a streak too); a stub bringing a new update note
  is compared. A "removed" born of a stub says what is uncertain and quotes the stub.
- `decide.walls` (pure): where a host's stubs become its wall.
- End to end through `monitor check`: a soft 404 served with a 200 alerts once, honestly, and its return once;
  three articles of one host behind the same consent page alert no reader, and the operator once.
"""

from __future__ import annotations

import dataclasses
import html
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.errors import ExtractError
from monitor.core.kinds import Kind
from monitor.core.model import Alert, Snapshot, UpdateNote
from monitor.core.text import MIN_BODY_WORDS
from monitor.decide.article import (
    PATIENCE,
    STUB_ERROR,
    Failed,
    Fetched,
    Gone,
    Known,
    NotModified,
    Rules,
    Seen,
    Verdict,
    after,
    decide,
    needs_latest,
    stub_of,
    stub_reason,
)
from monitor.decide.walls import WALL_SAME_TEXT, host_wall, wall_detail
from monitor.render import render
from monitor.sources.extract import read_article
from monitor.store import sites as store_sites
from monitor.store.database import open_store
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.redesign import THEMES
from tests.replay import ReplaySite
from tests.site import article_page

URL = "https://news.example.org/2026/01/treaty-vote"
NOW = "2026-01-01T00:00:00+00:00"
UNCERTAIN = "it may have been taken down, put behind a login, or replaced by an error page"


def article(value: int) -> Snapshot:
    """The long article (well over MIN_BODY_WORDS), its number of signatories set to `value`."""
    paragraphs = (
        "The UN Convention against Cybercrime opened for signature at a ceremony in Hanoi this autumn, and the "
        "delegations of many states lined up to sign it in the first hours.",
        f"By the end of the ceremony {60 + value} states had signed the convention, several with reservations.",
        "Signing does not bind a state yet; we urge every signatory to add human rights safeguards first.",
    )
    return Snapshot(url=URL, title="The Treaty Vote", notes=(), paragraphs=paragraphs)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
CHECK = st.one_of(
    st.tuples(st.just("article"), st.integers(0, 2)),  # the article, unchanged or edited (the value it shows)
    st.tuples(st.sampled_from(["404", "410"]), st.just(0)),
    st.tuples(st.just("stub"), st.lists(WORD, max_size=MIN_BODY_WORDS - 1)),  # 0-29 words served with a 200
    st.tuples(st.just("stub+note"), st.lists(WORD, max_size=MIN_BODY_WORDS - 1)),
    st.tuples(st.just("304"), st.just(0)),
    st.tuples(st.just("failure"), st.just(0)),
)


def _words(snapshot: Snapshot) -> int:
    """Words by construction: the test draws only Latin words between single spaces."""
    return sum(len(t.split()) for t in (*(n.text for n in snapshot.notes), *snapshot.paragraphs))


class Reader:
    """An independent model of what a reader should hear, check by check."""

    def __init__(self, removed_after: int) -> None:
        self.removed_after = removed_after
        self.stored = article(0)
        self.streak = 0
        self.removed = False

    def good(self, reading: Snapshot | None) -> list[str]:
        """A reading that shows the article (None: a 304, the stored version)."""
        heard = []
        self.streak = 0
        if self.removed:
            self.removed = False
            heard.append("restored")
        if reading is not None and reading.content_hash() != self.stored.content_hash():
            heard.append("change")
            self.stored = reading
        return heard

    def without_article(self, stub: bool) -> list[str]:
        self.streak += 1
        needed = max(self.removed_after, 2) if stub else self.removed_after  # never on one stub alone
        if self.removed or self.streak < needed:
            return []
        self.removed = True
        return ["removed"]

    def is_stub(self, reading: Snapshot) -> bool:
        new_note = any(n.key not in {m.key for m in self.stored.notes} for n in reading.notes)
        return _words(reading) < MIN_BODY_WORDS <= _words(self.stored) and not new_note


def _reading(check: tuple[str, object], number: int) -> Seen:
    kind, arg = check
    if kind == "article":
        assert isinstance(arg, int)
        return Fetched(article(arg))
    if kind in ("404", "410"):
        return Gone(f"HTTP {kind}")
    if kind == "304":
        return NotModified()
    if kind == "failure":
        return Failed("HTTP 503")
    assert isinstance(arg, list)
    notes = (UpdateNote(f"Update ({number}/2/2026): This post was retracted.", f"Update ({number}/2/2026)"),) if (
        kind == "stub+note") else ()
    return Fetched(Snapshot(url=URL, title="Not found", notes=notes, paragraphs=(" ".join(arg),) if arg else ()),
                   layout="error page")


@settings(max_examples=500, deadline=None)
@given(checks=st.lists(CHECK, max_size=20), removed_after=st.integers(1, 4))
def test_stubs_and_404s_in_a_row_are_one_removal_and_a_return_is_one_restoration(
        checks: list[tuple[str, object]], removed_after: int) -> None:
    rules = Rules(removed_after=removed_after)
    reader = Reader(removed_after)
    known = Known(url=URL, title="The Treaty Vote", latest_hash=article(0).content_hash(), latest=article(0),
                  layout="article page")
    layout = known.layout  # the layout of the last reading that showed the article
    keys: set[str] = set()
    after_missing = False  # the last check that said anything (not a failure) did not show the article
    for number, check in enumerate(checks):
        seen = _reading(check, number)
        # The latest version is given only when needs_latest asks for it, as the cycle does.
        given_known = known if needs_latest(Known(**{**known.__dict__, "latest": None}), seen, rules) else (
            Known(**{**known.__dict__, "latest": None}))
        outcome = decide(given_known, seen, rules, now=NOW)
        kind = check[0]
        if kind in ("404", "410"):
            expected = reader.without_article(stub=False)
        elif kind == "failure":
            expected = []
        elif kind == "304":
            expected = reader.good(None)
        else:
            assert isinstance(seen, Fetched)
            stub = reader.is_stub(seen.snapshot)
            assert (stub_of(known, seen) is not None) == stub
            expected = reader.without_article(stub=True) if stub else reader.good(seen.snapshot)
            layout = layout if stub else seen.layout or layout
            if stub:
                assert outcome.version is None, "a stub is never a version"
                if not after_missing:
                    assert outcome.alerts == (), "one stub alone never alerts"
        heard = [a.kind if a.kind in (Kind.REMOVED, Kind.RESTORED) else "change" for a in outcome.alerts]
        assert heard == expected, (number, check)
        for alert in outcome.alerts:
            assert alert.dedup_key not in keys, "a transition's key was used before"
            keys.add(alert.dedup_key)
            if alert.kind == Kind.REMOVED:
                _removal_says_what_it_saw(alert, seen, known, reader.streak)
        assert outcome.removed == reader.removed and outcome.missing_count == reader.streak
        known = after(known, outcome, seen)
        assert known.layout == layout, "a stub's layout is its error page's, never the article's"
        if kind != "failure":
            after_missing = reader.streak > 0


def _removal_says_what_it_saw(alert: Alert, seen: Seen, known: Known, checks: int) -> None:
    if isinstance(seen, Gone):
        assert alert.detail == "", "a 404 removal keeps its own words (render.base.REMOVED_TEXT)"
        return
    assert isinstance(seen, Fetched) and known.latest is not None
    words = _words(seen.snapshot)
    shows = f"{words} words" if words else "no text"
    assert alert.detail.startswith(f"The page now shows {shows} where the article had {_words(known.latest)} "
                                   f"({checks} checks in a row without the article): {UNCERTAIN}."), alert.detail
    text = " ".join(seen.snapshot.paragraphs) or "Not found"
    assert f"The page reads: “{text[:40]}" in alert.detail, "the stub's own words, quoted"


def test_a_removal_born_of_a_stub_quotes_it_clipped_and_inert_in_every_format() -> None:
    """A stub's words are the site's text: clipped to a few words, and a mention in them pings nobody."""
    stub = Snapshot(url=URL, title="Gone", notes=(), paragraphs=(
        "@everyone <!channel> this story has been removed " + "x" * 400,))
    known = Known(url=URL, title="The Treaty Vote", latest_hash=article(0).content_hash(), latest=article(0),
                  missing_count=1)
    outcome = decide(known, Fetched(stub), Rules(), now=NOW)
    assert outcome.verdict == Verdict.REMOVED
    (alert,) = outcome.alerts
    assert len(alert.detail) < 450 and alert.detail.endswith("removed …”"), alert.detail
    for fmt in ("text", "markdown", "html", "slack", "matrix"):
        body = render(alert, fmt).body
        assert "taken down, put behind a login" in body and "@everyone" not in body and "<!channel>" not in body


# -- a host's wall (decide.walls) ------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.sampled_from(["Please accept cookies.", "Too many requests.", "Log in to read."]),
                      max_size=8), good=st.integers(0, 20), earlier=st.integers(0, 4))
def test_a_hosts_stubs_are_its_wall_when_many_answer_alike(texts: list[str], good: int, earlier: int) -> None:
    """At least two stubs, and either half of the host's answered pages or WALL_SAME_TEXT saying the same; the
    stubs its other articles read at their last check earlier in the day count on both sides of the half (a
    service sees a small host's wall one article at a time), but never make a wall of a cycle without a stub."""
    answered = len(texts) + good
    wall = host_wall("news.example.org", texts, answered, earlier)
    same = max((texts.count(t) for t in texts), default=0)
    stubs = len(texts) + earlier
    expected = bool(texts) and stubs >= 2 and (2 * stubs >= answered + earlier or same >= WALL_SAME_TEXT)
    assert (wall is not None) == expected
    if wall is not None:
        # A page shown in place of WALL_SAME_TEXT articles is the wall's; the other stubs are only if they are
        # themselves (with the earlier ones) at least two and half of what answered beside it
        # (tests/test_stub_breaks.py).
        alike = {t for t in texts if texts.count(t) >= WALL_SAME_TEXT}
        rest = [t for t in texts if t not in alike]
        beside = answered - (len(texts) - len(rest)) + earlier
        walled = texts if rest and len(rest) + earlier >= 2 and 2 * (len(rest) + earlier) >= beside else (
            [t for t in texts if t in alike])
        assert [t for t in texts if wall.holds(t)] == walled
        assert (wall.stubs, wall.answered, wall.same, wall.earlier) == (len(walled), answered, same, earlier)
        detail = wall_detail(wall)
        assert detail.startswith(f"news.example.org: {len(walled)} of the {answered} tracked articles")
        assert wall.text in detail and "readers were not told" in detail
        assert (f"as did the last check of {earlier} more" in detail) == (earlier > 0)


def test_a_small_hosts_wall_seen_one_article_a_cycle_is_still_its_wall() -> None:
    """A service checking one article of a three-article host a cycle: the second stub in a day is the wall's."""
    assert host_wall("news.example.org", [CONSENT], 1, earlier=0) is None  # the first: maybe the article's own
    wall = host_wall("news.example.org", [CONSENT], 1, earlier=1)
    assert wall is not None and (wall.stubs, wall.earlier) == (1, 1)
    # On a large host, one more stub beside another article's earlier in the day is two removals, not a wall.
    assert host_wall("news.example.org", [CONSENT], 40, earlier=1) is None


def test_a_walled_stub_alerts_nobody_and_counts_like_a_failed_check() -> None:
    stub = Snapshot(url=URL, title="Consent", notes=(), paragraphs=("Please accept cookies to continue.",))
    known = Known(url=URL, title="The Treaty Vote", latest_hash=article(0).content_hash(), latest=article(0),
                  missing_count=3)
    outcome = decide(known, Fetched(stub, walled=True), Rules(removed_after=4), now=NOW)
    assert (outcome.verdict, outcome.alerts, outcome.missing_count, outcome.removed) == (Verdict.FAILED, (), 3, False)
    assert "many of its articles at once" in (outcome.error or "")
    gone = Known(**{**known.__dict__, "removed": True})
    kept = decide(gone, Fetched(stub, walled=True), Rules(), now=NOW)
    assert (kept.alerts, kept.missing_count, kept.removed, kept.transitions) == ((), 3, True, 0), "nothing restored"


# -- end to end: `monitor check` against a news site on loopback ----------------------------------------------

HOST = "news.example.org"
PATHS = ("/2026/01/treaty-vote", "/2026/01/hanoi-signing", "/2026/02/ratifications")
LONG = ("Delegations met in Vienna this week to settle the last open questions of the cybercrime convention, and "
        "civil society groups asked once more for binding human rights safeguards before any state ratifies it.")
SOFT_404 = "Sorry, the page you were looking for could not be found."
CONSENT = "We value your privacy. Accept all cookies to continue reading."


def news_page(title: str, paragraphs: list[str]) -> str:
    e = html.escape
    text = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)} | Example News</title>"
            f"</head><body><header><a href='/'>Example News</a></header><main><article><h1>{e(title)}</h1>"
            f"<p class='meta'>By Ana Ruiz</p>{text}</article></main><footer><p>Example News since 2009.</p></footer>"
            "</body></html>")


def error_page(text: str) -> str:
    """The site's "not found" page, served with a 200: another template than its articles' (another layout)."""
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Page not found | Example News</title>"
            "</head><body class='error-page'><header><a href='/'>Example News</a></header><div class='notice'>"
            f"<h1>Page not found</h1><p>{html.escape(text)}</p></div></body></html>")


def _story(i: int) -> list[str]:
    return [f"Story {i}: {LONG}", f"The next session opens on day {i + 3} of the month. {LONG}"]


@pytest.fixture
def site() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        s.set("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
        yield s


def _check(cfg: Path) -> str:
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _config(tmp_path: Path, site: ReplaySite, paths: tuple[str, ...], readers: JsonReceiver,
            operator: JsonReceiver | None = None) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    admin = {"notify_admin": [operator.url()]} if operator else {}
    return write_config(tmp_path, site, [readers.url()], feeds=[], seeds_dir=seeds,
                        articles=[f"https://{HOST}{p}" for p in paths], allowed_hosts=[HOST],
                        rewrite={f"https://{HOST}": site.base_url}, removed_after=2, **admin)


def test_a_soft_404_served_with_a_200_is_one_honest_removal_and_its_return_one_restoration(
        tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    operator = JsonReceiver()
    try:
        _soft_404(tmp_path, site, receiver, operator)
        assert operator.messages == [], "the error page's own layout is no redesign"
    finally:
        operator.close()


def _soft_404(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, operator: JsonReceiver) -> None:
    cfg = _config(tmp_path, site, PATHS[:1], receiver, operator)
    site.set(PATHS[0], news_page("The Treaty Vote", _story(0)))
    assert " 0 errors" in _check(cfg) and receiver.messages == []  # the baseline
    site.set(PATHS[0], error_page(SOFT_404))
    out = _check(cfg)  # one stub: an error for the operator, nothing for readers yet
    assert "1 errors" in out and "article body too short (" in out and receiver.messages == [], out
    _check(cfg)  # the second check in a row without the article: removed_after (2) reached
    (removed,) = receiver.wait_for(1)
    text = squash(removed["title"] + " " + removed["message"])
    assert removed["title"].startswith("Removed: The Treaty Vote"), text
    assert "The page now shows " in text and " words where the article had " in text, text
    assert "(2 checks in a row without the article)" in text, text
    assert UNCERTAIN in text and SOFT_404 in text, text
    _check(cfg)  # still the stub: already told
    site.set(PATHS[0], news_page("The Treaty Vote", _story(0)))
    assert " 0 errors" in _check(cfg)
    assert [m["title"].split(":")[0] for m in receiver.wait_for(2)] == ["Removed", "Back online"]
    _check(cfg)
    assert len(receiver.messages) == 2, [squash(m["title"]) for m in receiver.messages]
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM versions").fetchone() == (1,), "a stub is never a version"


def test_three_articles_behind_one_consent_page_tell_the_operator_once_and_readers_nothing(
        tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    operator = JsonReceiver()
    try:
        cfg = _config(tmp_path, site, PATHS, receiver, operator)
        for i, path in enumerate(PATHS):
            site.set(path, news_page(f"Story {i}", _story(i)))
        _check(cfg)
        for path in PATHS:
            site.set(path, news_page("Privacy", [CONSENT]))
        for _ in range(3):  # more than removed_after checks behind the wall
            out = _check(cfg)
            # three tracked articles: a small host, whose wall counts, PATIENCE times slower (decide.walls)
            assert f"counted toward removal {PATIENCE} times slower" in out, out
        (wall,) = operator.wait_for(1)
        text = squash(wall["title"] + " " + wall["message"])
        assert wall["title"] == f"Site wall: {HOST}" and f"{HOST}: 3 of the 3 tracked articles" in text, text
        assert CONSENT in text and "readers were not told" in text, text
        with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM site_chrome").fetchone() == (0,), "a wall is not the site's chrome"
        for i, path in enumerate(PATHS):
            site.set(path, news_page(f"Story {i}", _story(i)))
        assert " 0 errors" in _check(cfg)
        assert receiver.messages == [], [squash(m["title"]) for m in receiver.messages]
        assert len(operator.messages) == 1, [squash(m["title"]) for m in operator.messages]
    finally:
        operator.close()


def test_a_short_page_where_the_eff_profile_reads_nothing_is_a_stub_and_another_article_an_error() -> None:
    """eff.org's profile reads no body on an error template served with a 200; the generic reader's short reading
    of it stands, for decide to judge (a stub toward "removed"), where a long page that is another article stays
    an error (tests/test_redesign.py, end to end)."""
    full = read_article(article_page(STILL_FLAWED), STILL_FLAWED.url).snapshot
    stub = read_article(error_page(SOFT_404), STILL_FLAWED.url, previous=full)
    assert stub.profile == "generic" and stub.snapshot.paragraphs == (SOFT_404,) and stub.fallback == ""
    assert stub_reason(full, stub.snapshot) is not None
    other = dataclasses.replace(SEEDED[0], path=STILL_FLAWED.path)
    with pytest.raises(ExtractError, match="not this article"):
        read_article(THEMES["plain"](other), STILL_FLAWED.url, previous=full)


def test_the_store_finds_the_articles_whose_last_check_read_a_stub(tmp_path: Path, site: ReplaySite,
                                                                    receiver: JsonReceiver) -> None:
    """What a later cycle counts as the host's stubs seen earlier (app.walls.stubbed_lately): the articles whose
    last check, in the window, read a stub; not one that answered well, not one checked before the window."""
    cfg = _config(tmp_path, site, PATHS[:2], receiver)
    for i, path in enumerate(PATHS[:2]):
        site.set(path, news_page(f"Story {i}", _story(i)))
    _check(cfg)
    site.set(PATHS[0], news_page("Privacy", [CONSENT]))
    _check(cfg)
    store = open_store(tmp_path / "monitor.sqlite3", read_only=True)
    try:
        ids = {row.url: row.id for row in store.tracked_articles()}
        found = store_sites.stubbed_since(store, STUB_ERROR, "2000-01-01T00:00:00+00:00")
        assert found == [(ids[f"https://{HOST}{PATHS[0]}"], f"https://{HOST}{PATHS[0]}")], found
        assert store_sites.stubbed_since(store, STUB_ERROR, "2999-01-01T00:00:00+00:00") == []
    finally:
        store.conn.close()
    site.set(PATHS[0], news_page("Story 0", _story(0)))
    _check(cfg)
    store = open_store(tmp_path / "monitor.sqlite3", read_only=True)
    try:
        assert store_sites.stubbed_since(store, STUB_ERROR, "2000-01-01T00:00:00+00:00") == [], "back: no stub"
    finally:
        store.conn.close()
    assert receiver.messages == []
