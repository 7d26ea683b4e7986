"""Alerts in a real Matrix room: Synapse on loopback, Apprise's `matrix://` as a user writes it, read back by a reader.

One homeserver serves the whole module (its start-up is measured and printed). The monitor
posts as `@monitor:localhost`; `@reader:localhost` made the room and reads it through the
client-server API, so the assertions are about what a Matrix client is given: the HTML
`formatted_body` (only tags the spec lists), the plain `body` that push notifications,
plain-text clients and bridges show, and what the server's push rules highlight.

Without Synapse (`pip install matrix-synapse`, in the test extra) the tests skip with the
reason, except under CI (env CI set), where that is a failure.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from monitor.core.model import Alert, Change, UpdateNote, WordEdit
from monitor.notify.delivery import build_targets, deliver_pending
from monitor.store.database import open_store
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import STILL_FLAWED
from tests.replay import ReplaySite
from tests.site import add_note
from tests.synapse import MISSING, Synapse, installed
from tests.test_e2e import serve
from tests.test_email_screenshot import ARTIFACTS, chromium, run_chromium
from tests.test_render import URL, sample

pytestmark = pytest.mark.xdist_group("synapse")  # one homeserver: every test here runs in one worker

NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."
# The formatted_body tags and attributes the Matrix spec lists (client-server API, "m.room.message msgtypes").
MATRIX_TAGS = {"font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup", "sub",
               "li", "b", "i", "u", "strong", "em", "s", "code", "hr", "br", "div", "table", "thead", "tbody", "tr",
               "th", "td", "caption", "pre", "span", "img", "details", "summary"}
MATRIX_ATTRIBUTES = {"font": {"data-mx-bg-color", "data-mx-color", "color"}, "a": {"name", "target", "href"},
                     "span": {"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"},
                     "img": {"width", "height", "alt", "title", "src"}, "ol": {"start"}, "code": {"class"},
                     "div": {"data-mx-maths"}}


@dataclass
class Homeserver:
    server: Synapse
    reader: str  # the reader's access token
    room: str  # the room's id; its alias is #alerts:localhost

    def url(self, room: str = "#alerts", query: str = "") -> str:
        """The Apprise URL a user writes for this room (the monitor logs in with a password)."""
        return f"matrix://monitor:monitor-pw@127.0.0.1:{self.server.port}/{room}{query}"

    def events(self) -> list[dict[str, Any]]:
        return self.server.messages(self.reader, self.room)

    def new_events(self, before: int, n: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The events after the first `before`, once there are at least `n` of them."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.events()[before:]
            if len(events) >= n or time.monotonic() > deadline:
                return events
            time.sleep(0.2)


@pytest.fixture(scope="module")
def homeserver() -> Iterator[Homeserver]:
    if not installed():
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING}: CI must install the test extra")
        pytest.skip(MISSING)
    try:
        server = Synapse()
    except RuntimeError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Synapse could not start: {exc}")
        pytest.skip(f"Synapse could not start here: {exc}")
    said = f"Synapse answered {server.startup_seconds:.1f} s after it was started"
    print("\n" + said)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "synapse-startup.txt").write_text(said + "\n", encoding="utf-8")  # .ci/run prints it
    try:
        reader = server.register("reader", "reader-pw")
        server.register("monitor", "monitor-pw")
        # The monitor may mention the whole room (power 50, Synapse's default for @room): only our
        # rendering stands between an article's "@room" and a ping to everyone.
        room = server.create_room(reader, "alerts", power={"@monitor:localhost": 50})
        yield Homeserver(server, reader, room)
    finally:
        server.close()


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_matrix_html(formatted: str) -> None:
    """Only the tags and attributes Matrix clients keep: nothing the reader needs is stripped away."""
    parser = Tags()
    parser.feed(formatted)
    for tag, attrs in parser.tags:
        assert tag in MATRIX_TAGS, f"<{tag}> is not in Matrix's formatted_body subset"
        assert set(attrs) <= MATRIX_ATTRIBUTES.get(tag, set()), f"<{tag} {attrs}> has an attribute Matrix drops"


def content(event: dict[str, Any]) -> dict[str, Any]:
    c = event["content"]
    assert c.get("format") == "org.matrix.custom.html", "a formatted (HTML) message"
    assert_matrix_html(c["formatted_body"])
    return dict(c)


def flat(text: str) -> str:
    return " ".join(text.split())


def deliver(tmp_path: Path, url: str, alerts: list[Alert], *, digest: bool = False) -> tuple[int, int]:
    """Alerts through the outbox to one target, as a cycle delivers them: (sent, failed)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    store = open_store(tmp_path / "monitor.sqlite3")
    try:
        targets = build_targets((url,))
        for alert in alerts:
            article = store.track(alert.url, "config", alert.title)
            store.record_alerts(article.id, (alert,), (targets[0].key,))
        report = asyncio.run(deliver_pending(store, targets, digest=digest))
        return report.sent, report.failed
    finally:
        store.close()


# -- a whole cycle ----------------------------------------------------------------------------------
def test_a_new_update_note_reaches_the_room_once_as_a_reader_sees_it(
    tmp_path: Path, site: ReplaySite, homeserver: Homeserver
) -> None:
    cfg = write_config(tmp_path, site, [homeserver.url()])
    before = len(homeserver.events())
    baseline = run_monitor("check", config=cfg)
    assert baseline.returncode == 0, baseline.stderr
    assert homeserver.events()[before:] == [], "the baseline says nothing"

    serve(site, add_note(STILL_FLAWED, NOTE))
    started = time.monotonic()
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, result.stderr
    events = homeserver.new_events(before, 1)
    assert len(events) == 1, [e["content"].get("body") for e in events]
    event = events[0]
    assert event["sender"] == "@monitor:localhost"
    c = content(event)
    # What the HTML client shows: the kind and article as the heading, the note quoted verbatim, the link.
    formatted = c["formatted_body"]
    assert formatted.startswith(f"<h1>Update note: {STILL_FLAWED.title[:60]}"), formatted[:200]
    assert f"<blockquote>{NOTE}</blockquote>" in formatted
    assert STILL_FLAWED.title in formatted, "the whole title, where the heading cut it"
    assert f'<a href="{STILL_FLAWED.url}">{STILL_FLAWED.url}</a>' in formatted
    # What a push notification or a plain-text client shows: the same news, and the article's URL.
    body = c["body"]
    assert body.startswith(f"# Update note: {STILL_FLAWED.title[:60]}")
    print(f"\nformatted_body: {formatted}\nbody: {body!r}")
    assert NOTE in flat(body) and STILL_FLAWED.url in body
    assert "<" not in body and "127.0.0.1" not in body + formatted
    print(f"check + delivery: {time.monotonic() - started:.1f} s")

    again = run_monitor("check", config=cfg)
    assert again.returncode == 0, again.stderr
    time.sleep(1)
    assert len(homeserver.events()) == before + 1, "an unchanged check sends nothing"


# -- what each part of an alert looks like ------------------------------------------------------------
def test_a_word_diff_is_struck_and_bold_in_html_and_spelled_out_in_the_plain_body(
    tmp_path: Path, homeserver: Homeserver
) -> None:
    before = len(homeserver.events())
    assert deliver(tmp_path, homeserver.url(), [sample("body_edited")]) == (1, 0)
    (event,) = homeserver.new_events(before, 1)
    c = content(event)
    formatted, body = c["formatted_body"], flat(c["body"])
    assert "Removed: <del>“were expected to vote”</del> · <del>“in early December”</del>" in formatted
    assert "Added: <strong>“voted”</strong>" in formatted
    assert "Removed: “were expected to vote” · “in early December”" in body
    assert "Added: “voted” · “on December 24” · “, without a recorded vote”" in body
    assert "Now reads: States voted on the treaty on December 24, delegates said, without a recorded vote." in body
    assert URL in body and f'href="{URL}"' in formatted


def test_an_at_room_in_article_text_pings_nobody_though_the_monitor_may_mention_the_room(
    tmp_path: Path, homeserver: Homeserver
) -> None:
    import apprise

    server = homeserver.server
    # The control: the monitor's account really can ping the whole room with a raw "@room".
    control = apprise.Apprise()
    control.add(homeserver.url())
    assert control.notify(body="control: @room please look", title="control")
    deadline = time.monotonic() + 10
    while not any("control: @room" in n["event"]["content"].get("body", "") for n in server.notifications(
            homeserver.reader)) and time.monotonic() < deadline:
        time.sleep(0.2)
    highlighted = [n for n in server.notifications(homeserver.reader) if {"set_tweak": "highlight"} in n["actions"]]
    assert any("control: @room" in n["event"]["content"]["body"] for n in highlighted), "the control pings"

    # (A user's display name standing as a word in the text is a keyword rule of the reader's, not a mention:
    # Matrix highlights "reader" wherever it stands, so the text names no reader of this room.)
    loud = "Update (1/7/2025): @room the vote is today; ask @everyone, <!channel> and @delegate:localhost."
    alert = replace(sample("note_added"), title="@room Treaty vote", change=Change(
        kind="note_added", notes_added=(UpdateNote(loud, "Update"),),
        edits=(WordEdit(before="It was quiet.", after="It was @room loud.", removed=(), added=("@room",)),)))
    before = len(homeserver.events())
    assert deliver(tmp_path, homeserver.url(), [alert]) == (1, 0)
    (event,) = homeserver.new_events(before, 1)
    c = content(event)
    visible = c["body"].replace("\u2060", "")
    assert "@room the vote is today" in visible and "@delegate:localhost" in visible, "it reads the same"
    time.sleep(1)
    pings = [n for n in server.notifications(homeserver.reader)
             if n["event"]["event_id"] == event["event_id"] and {"set_tweak": "highlight"} in n["actions"]]
    assert pings == [], "no @room woke the reader"
    assert "m.mentions" not in c or c["m.mentions"] in ({}, {"user_ids": []}), "no intentional mention either"


def test_a_digest_of_many_alerts_arrives_as_few_messages_each_alert_once(
    tmp_path: Path, homeserver: Homeserver
) -> None:
    alerts = []
    for i in range(40):
        edit = WordEdit(before=f"Paragraph {i} said the treaty was bad for rights in many ways.",
                        after=f"Paragraph {i} said the treaty was terrible for human rights in many ways.",
                        removed=("bad",), added=("terrible", "human"))
        alerts.append(Alert(kind="body_edited", url=f"{URL}-{i}", title=f"Treaty article number {i:02d}",
                            dedup_key=f"digest-{i}", change=Change("body_edited", edits=(edit,))))
    limit = build_targets((homeserver.url(),))[0].limit
    assert limit is not None
    before = len(homeserver.events())
    assert deliver(tmp_path, homeserver.url(), alerts, digest=True) == (40, 0)
    time.sleep(1)
    events = homeserver.events()[before:]
    assert 2 <= len(events) < 40, f"split only where the size limit demands: {len(events)} messages"
    counted = 0
    for event in events:
        c = content(event)
        n = re.match(r"# deeplinks-monitor: (\d+) changes", c["body"])
        assert n, c["body"][:120]
        counted += int(n.group(1))
        assert len(c["body"]) <= limit + 300, "one message per digest part: no part was split again"
    assert counted == 40
    seen = [int(m) for e in events for m in re.findall(r"Treaty article number (\d\d)", e["content"]["body"])]
    assert seen == list(range(40)), "every alert once, in order, in the plain body too"
    for i in range(40):
        assert f"{URL}-{i}" in "".join(e["content"]["body"] for e in events)

    assert deliver(tmp_path, homeserver.url(), alerts, digest=True) == (0, 0), "delivered alerts stay delivered"
    time.sleep(0.5)
    assert len(homeserver.events()) == before + len(events)


def test_a_room_id_of_the_current_room_version_needs_hsreq_no(tmp_path: Path, homeserver: Homeserver) -> None:
    room = homeserver.room
    assert room.startswith("!") and ":" not in room, "room version 12: the id names no server"
    before = len(homeserver.events())
    assert deliver(tmp_path / "a", homeserver.url(room), [sample("removed")]) == (0, 1), \
        "Apprise appends its own host to a bare !id by default"
    assert deliver(tmp_path / "b", homeserver.url(room, "?hsreq=no"), [sample("removed")]) == (1, 0)
    assert len(homeserver.new_events(before, 1)) == 1


def test_the_whole_outbox_renders_within_the_subset_for_every_kind(tmp_path: Path, homeserver: Homeserver) -> None:
    from monitor.core.model import ALERT_KINDS

    before = len(homeserver.events())
    alerts = [replace(sample(kind), dedup_key=f"kinds-{kind}") for kind in ALERT_KINDS]
    assert deliver(tmp_path, homeserver.url(), alerts) == (len(alerts), 0)
    events = homeserver.new_events(before, len(alerts))
    assert len(events) == len(alerts)
    for alert, event in zip(alerts, events, strict=True):
        c = content(event)
        assert alert.url in c["body"], f"{alert.kind}: the link is in the plain body"
        assert f'href="{html.escape(alert.url)}"' in c["formatted_body"], "the link, & escaped as HTML wants"


def test_an_alert_from_the_room_renders_in_a_browser_as_a_matrix_client_would_show_it(
    tmp_path: Path, homeserver: Homeserver
) -> None:
    """The event's formatted_body, as read from the room, drawn by Chromium (tests/artifacts/matrix-alert.png)."""
    browser = chromium()
    before = len(homeserver.events())
    assert deliver(tmp_path, homeserver.url(), [replace(sample("note_changed"), dedup_key="shot")]) == (1, 0)
    (event,) = homeserver.new_events(before, 1)
    formatted = content(event)["formatted_body"]
    # A client's room view: sender, then the HTML it was sent (clients keep these tags; styles are the client's).
    page = ('<!doctype html><meta charset="utf-8"><style>body{font-family:Inter,Helvetica,Arial,sans-serif;'
            "font-size:15px;margin:0;padding:16px;color:#17191c}.sender{color:#0dbd8b;font-weight:600}"
            "h1{font-size:18px}blockquote{border-left:4px solid #ddd;margin:8px 0;padding:0 10px}"
            'a{color:#0086e6}</style><div class="sender">monitor</div>' + formatted)
    (tmp_path / "event.html").write_text(page, encoding="utf-8")
    probe = ('<pre id="probe"></pre><script>document.getElementById("probe").textContent=JSON.stringify({'
             'quotes:document.querySelectorAll("blockquote").length,dels:document.querySelectorAll("del").length,'
             'strongs:document.querySelectorAll("strong").length,links:[...document.querySelectorAll("a")]'
             '.map(a=>a.href),text:document.body.innerText});</script>')
    (tmp_path / "probe.html").write_text(page + probe, encoding="utf-8")
    shot = tmp_path / "event.png"
    result = run_chromium(browser, tmp_path / "profile", f"--screenshot={shot}", (tmp_path / "event.html").as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "matrix-alert.png").write_bytes(shot.read_bytes())
    dom = run_chromium(browser, tmp_path / "profile", "--dump-dom", (tmp_path / "probe.html").as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.DOTALL)
    assert found, dom.stdout[-2000:]
    seen = json.loads(html.unescape(found.group(1)))
    assert seen["quotes"] == 2 and seen["dels"] >= 3 and seen["strongs"] >= 3
    assert seen["links"] == [URL]
    text = " ".join(seen["text"].split())
    assert "Update (1/6/2025): The UN General Assembly adopted the Convention on December 24, 2024." in text
    assert "Removed: “were expected to vote”" in text and URL in text
    assert not re.search(r"<\s*/?\s*(del|strong|p|blockquote|a)\b|&lt;|&gt;|&amp;", text), text
