"""A short post is an article; a stub in a long article's place is not (issue 24).

The generic and site profiles read any body with a word in it. Whether a short body is the article or an error,
login or consent page served with a 200 is `decide`'s judgement, against the article's latest version: under
MIN_BODY_WORDS after a version at or above it is a stub (no version; one alone is a failed check with no alert,
one toward removal like a 404: tests/test_stub_removal.py); a post that was short already is compared like any
other; a first reading is the article. Proved on bodies drawn around the threshold
(Latin and ideographic text), and end to end through `monitor check`.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config.site import Site
from monitor.core.model import Snapshot, UpdateNote
from monitor.core.text import MIN_BODY_WORDS
from monitor.decide.article import Fetched, Known, Rules, Verdict, after, decide, headline, needs_latest
from monitor.decide.compare import compare
from monitor.sources.extract import read_article, shrunk_site_body
from tests.conftest import run_monitor, write_config
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite

URL = "https://blog.example.net/2026/01/hearing"
NOW = "2026-01-01T00:00:00+00:00"

LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
IDEOGRAPHS = st.text(alphabet="的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以会可"
                     "ひらがなカタカナ한국어", min_size=1, max_size=6)


@st.composite
def body(draw: st.DrawFn, words: int) -> tuple[str, ...]:
    """Paragraphs holding exactly `words` words as the reader counts them, built token by token (the count is the
    construction's, not the function's): a Latin word is one; a run of k ideographs, kana or hangul between spaces
    is k + 1 (each character one, as in the reader, plus the run itself)."""
    tokens: list[str] = []
    left = words
    ideographic = draw(st.booleans())
    while left:
        run = draw(IDEOGRAPHS) if ideographic and left >= 2 and draw(st.booleans()) else ""
        if run and len(run) + 1 <= left:
            tokens.append(run)
            left -= len(run) + 1
        else:
            tokens.append(draw(LATIN))
            left -= 1
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(tokens) - 1)), max_size=3))) if len(tokens) > 1 else []
    bounds = [0, *cuts, len(tokens)]
    return tuple(" ".join(tokens[a:b]) for a, b in pairwise(bounds) if tokens[a:b])


def snapshot(paragraphs: tuple[str, ...], notes: tuple[UpdateNote, ...] = ()) -> Snapshot:
    return Snapshot(url=URL, title="Hearing", notes=notes, paragraphs=paragraphs, source="live")


def known_of(latest: Snapshot) -> Known:
    return Known(url=URL, title=latest.title, latest_hash=latest.content_hash(), latest=latest, transitions=3,
                 missing_count=0)


SHORT = st.integers(1, MIN_BODY_WORDS - 1)
LONG = st.integers(MIN_BODY_WORDS, 2 * MIN_BODY_WORDS)
NEAR = st.integers(MIN_BODY_WORDS - 3, MIN_BODY_WORDS + 2)  # the threshold's both sides, drawn often


@settings(max_examples=200, deadline=None)
@given(data=st.data(), before=st.one_of(LONG, NEAR), now=st.one_of(SHORT, NEAR))
def test_a_body_under_the_floor_after_a_version_at_or_above_it_is_a_failed_check(
        data: st.DataObject, before: int, now: int) -> None:
    latest = snapshot(data.draw(body(before)))
    new = snapshot(data.draw(body(now)))
    known = known_of(latest)
    outcome = decide(known, Fetched(new), Rules(), now=NOW)
    if new.content_hash() == latest.content_hash():
        assert outcome.verdict == Verdict.UNCHANGED
        return
    assert needs_latest(Known(url=URL, latest_hash=known.latest_hash), Fetched(new), Rules())
    if now < MIN_BODY_WORDS <= before:
        assert outcome.verdict == Verdict.FAILED
        assert outcome.error == (f"article body too short ({now} words; the last version had {before}): an error "
                                 "or consent page, not the article")
        assert outcome.version is None and outcome.alerts == () and outcome.change is None
        assert (outcome.transitions, outcome.missing_count, outcome.removed) == (3, 1, False), "one toward removal"
        assert after(known, outcome, Fetched(new)) == replace(known, missing_count=1), "nothing else of it is kept"
    else:
        _compared(latest, new, outcome.verdict, outcome.version, outcome.change)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), before=st.one_of(SHORT, NEAR), now=st.one_of(SHORT, NEAR))
def test_a_short_post_is_compared_like_any_other(data: st.DataObject, before: int, now: int) -> None:
    """A post short before (or long now) is the article: an edit is a change, whatever its length."""
    latest = snapshot(data.draw(body(before)))
    edited = data.draw(st.booleans())
    new = snapshot(data.draw(body(now))) if edited else latest
    outcome = decide(known_of(latest), Fetched(new), Rules(), now=NOW)
    if before < MIN_BODY_WORDS or now >= MIN_BODY_WORDS:
        if new.content_hash() == latest.content_hash():
            assert outcome.verdict == Verdict.UNCHANGED
        else:
            _compared(latest, new, outcome.verdict, outcome.version, outcome.change)
    first = decide(Known(url=URL), Fetched(new), Rules(), now=NOW)
    assert first.verdict == Verdict.FIRST and first.version == new and first.alerts == (), "a first reading is read"


@settings(max_examples=60, deadline=None)
@given(data=st.data(), before=LONG, now=st.integers(0, MIN_BODY_WORDS - 1))
def test_a_new_update_note_is_compared_however_short_the_body(data: st.DataObject, before: int, now: int) -> None:
    """A note never waits on a body verdict: a retraction notice in the text's place is news. Notes the latest
    version had already do not count as new."""
    old_note = UpdateNote("Update (1/6/2025): The vote was moved.", "Update (1/6/2025)")
    latest = snapshot(data.draw(body(before)), (old_note,))
    note = UpdateNote("Update (2/1/2026): This post has been retracted.", "Update (2/1/2026)")
    paragraphs = data.draw(body(now)) if now else ()
    outcome = decide(known_of(latest), Fetched(snapshot(paragraphs, (old_note, note))), Rules(), now=NOW)
    assert outcome.verdict == Verdict.CHANGED and outcome.change is not None and outcome.change.notes_added == (note,)
    words = now + 6  # the old note's six words count toward the body, as the reader counts them
    stub = decide(known_of(latest), Fetched(snapshot(paragraphs, (old_note,))), Rules(), now=NOW)
    if words < MIN_BODY_WORDS:
        assert stub.verdict == Verdict.FAILED
        assert f"too short ({words} words; the last version had {before + 6})" in (stub.error or "")


def _compared(latest: Snapshot, new: Snapshot, verdict: Verdict, version: Snapshot | None, change: object) -> None:
    expected = compare(latest, new)
    assert version == new and change == expected
    assert verdict == (Verdict.CHANGED if headline(expected, Rules()) is not None else Verdict.QUIET)


# -- end to end: `monitor check` against a blog on loopback ---------------------------------------------------------

HOST = "blog.example.net"
PATH = "/2026/01/hearing"
TWELVE = "The hearing on the cybercrime treaty has been postponed until next month."
SECOND = "The committee will publish a new schedule on Friday."
LONGER = ("Civil society groups had asked for more time to study the draft, which would oblige states to share "
          "evidence across borders without judicial review or notice to the people affected.")
STUB = "Access denied. You are not authorized to access this page."


def blog_page(title: str, paragraphs: list[str], *, body: str = "", caption: str = "") -> str:
    """A plain blog post page: a header, the post (its paragraphs in a <div class=`body`> when given, after a
    captioned figure when given), a footer. No site profile: the generic reader reads it."""
    e = html.escape
    text = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    text = f"<div class='{body}'>{text}</div>" if body else text
    figure = f"<figure><figcaption class='story-body'>{e(caption)}</figcaption></figure>" if caption else ""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)} | Example Blog</title>"
            f"</head><body><header><a href='/'>Example Blog</a> <a href='/about'>About</a></header><main><article>"
            f"<h1>{e(title)}</h1><p class='meta'>By Ana Ruiz</p>{figure}{text}</article></main>"
            "<footer><p>Example Blog, written by volunteers since 2009.</p></footer></body></html>")


def _config(tmp_path: Path, blog: ReplaySite, receiver: JsonReceiver) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    return write_config(tmp_path, blog, [receiver.url()], feeds=[], seeds_dir=seeds, articles=[f"https://{HOST}{PATH}"],
                        allowed_hosts=[HOST], rewrite={f"https://{HOST}": blog.base_url})


@pytest.fixture
def blog() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        s.set("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
        yield s


def test_a_short_post_is_tracked_and_a_stub_after_a_long_version_is_no_change(
        tmp_path: Path, blog: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = _config(tmp_path, blog, receiver)

    def check(paragraphs: list[str], title: str = "Hearing Postponed") -> str:
        blog.set(PATH, blog_page(title, paragraphs))
        result = run_monitor("check", config=cfg)
        assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

    out = check([TWELVE])  # a 12-word post: read, stored as its first version (a baseline, no alert)
    assert " 0 errors" in out and receiver.messages == [], out
    out = check([TWELVE, SECOND])  # the short post edited: a change
    assert " 0 errors" in out, out
    assert len(receiver.wait_for(1)) == 1 and "Friday" in squash(receiver.messages[0]["message"])
    out = check([TWELVE, SECOND, LONGER])  # now a long version
    assert " 0 errors" in out and len(receiver.wait_for(2)) == 2, out
    out = check([STUB], title="Access denied")  # an access-denied stub served with 200 in its place
    assert "1 errors" in out and "article body too short (" in out and "the last version had " in out, out
    assert len(receiver.messages) == 2, [squash(m["message"])[:200] for m in receiver.messages[2:]]
    status = run_monitor("status", config=cfg)
    assert status.returncode == 0 and "article body too short (" in status.stdout, status.stdout + status.stderr
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM versions").fetchone() == (3,)


CAPTION = "The committee room in Vienna."


def test_a_site_profile_whose_body_shrank_lets_the_generic_reader_find_the_article() -> None:
    """A redesign can leave a site's body selector matching a caption: a short body from a profile that read a long
    one before. The generic reader stands in when it finds the same article there; when it does not, the short
    reading stands for decide to judge (a stub). Without a previous version the short body is the post."""
    site = Site(host=HOST, body=(".story-body",))
    before = read_article(blog_page("Hearing Postponed", [TWELVE, SECOND, LONGER], body="story-body"), URL, [site])
    assert before.profile == "site" and before.snapshot.paragraphs == (TWELVE, SECOND, LONGER)
    redesigned = blog_page("Hearing Postponed", [TWELVE, SECOND, LONGER], caption=CAPTION)
    assert read_article(redesigned, URL, [site]).snapshot.paragraphs == (CAPTION,)
    assert shrunk_site_body(read_article(redesigned, URL, [site])) and not shrunk_site_body(before)
    stood_in = read_article(redesigned, URL, [site], previous=before.snapshot)
    assert stood_in.profile == "generic" and "article body too short (5 words; the last version had 51)" in (
        stood_in.fallback)
    assert TWELVE in stood_in.snapshot.paragraphs and LONGER in stood_in.snapshot.paragraphs
    kept = read_article(blog_page("Access denied", [STUB], caption=CAPTION), URL, [site], previous=before.snapshot)
    assert kept.profile == "site" and kept.fallback == "" and kept.snapshot.paragraphs == (CAPTION,)


def test_a_configured_site_redesigned_around_its_body_selector_is_read_by_the_generic_reader(
        tmp_path: Path, blog: ReplaySite, receiver: JsonReceiver) -> None:
    """`monitor check`: the cycle reads a tracked article again with its latest version when the site's profile
    reads a short body there, so the generic reader stands in (no error, no reader alert)."""
    cfg = _config(tmp_path, blog, receiver)
    cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[sites."{HOST}"]\nbody = [".story-body"]\n', encoding="utf-8")
    blog.set(PATH, blog_page("Hearing Postponed", [TWELVE, SECOND, LONGER], body="story-body"))
    first = run_monitor("check", config=cfg)
    assert " 0 errors" in first.stdout, first.stdout + first.stderr
    blog.set(PATH, blog_page("Hearing Postponed", [TWELVE, SECOND, LONGER], caption=CAPTION))
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0 and " 0 errors" in result.stdout, result.stdout + result.stderr
    assert not any("Vienna" in squash(m["message"]) or "body" in m["title"].lower() for m in receiver.messages), (
        [squash(m["title"] + m["message"])[:300] for m in receiver.messages])
