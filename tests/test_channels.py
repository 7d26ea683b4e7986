"""Slack, Discord and Telegram: what Apprise really sends each, checked against that service's own rules.

No such server runs locally, so the HTTPS requests are caught on loopback (tests/wire.py) with
Apprise's code unchanged. Each channel's payload for a few alerts is kept as a golden file
(tests/golden/channels/, `UPDATE_GOLDEN=1` rewrites them after review), and each is checked
against the service's documented rules whatever the alert:
- Slack (mrkdwn): `&`, `<`, `>` of the text as `&amp;`, `&lt;`, `&gt;`; the only `<…>` are our links
  (`<url|title>`, `<url>`); no `<!…>` or `<@…>` mention; strikes with one `~`; a plain-text title.
- Discord (Markdown): `content` at most 2,000 characters in one message; `**`/`~~` balanced; no live
  `@everyone`/`@here`.
- Telegram (HTML parse mode): only the tags Telegram accepts, only `href` on `<a>`, only the four
  entities it knows, at most 4,096 characters.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.core.model import Alert, Change, UpdateNote, WordEdit
from monitor.notify.delivery import build_targets, deliver_pending
from monitor.store.database import open_store
from tests.test_render import URL, hostile, long_diff, sample
from tests.wire import Caught, WireCatcher

GOLDEN = Path(__file__).parent / "golden" / "channels"
CHANNELS = {
    "slack": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ?verify=no",
    "discord": "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js?verify=no",
    "telegram": "tgram://123456789:abcdefg_hijklmnop/12315544?verify=no",
}
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
                 "tg-spoiler", "span", "tg-emoji"}
MENTIONS = "Update (1/7/2025): @everyone @here @room <!channel> <@U123> <@&456> read this & that <now>."


@pytest.fixture(scope="module")
def wire() -> Iterator[WireCatcher]:
    if shutil.which("openssl") is None:
        if os.environ.get("CI"):
            pytest.fail("the openssl command is missing")
        pytest.skip("the openssl command is absent")
    with WireCatcher() as catcher:
        saved = {k: os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")}
        os.environ["HTTPS_PROXY"] = os.environ["https_proxy"] = catcher.proxy
        os.environ["NO_PROXY"] = os.environ["no_proxy"] = ""
        try:
            yield catcher
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def sent(wire: WireCatcher, tmp_path: Path, channel: str, alerts: list[Alert]) -> list[Caught]:
    """Deliver `alerts` through the outbox to `channel`, as a cycle does; what left for the service."""
    before = len(wire.caught)
    tmp_path.mkdir(parents=True, exist_ok=True)
    store = open_store(tmp_path / "monitor.sqlite3")
    try:
        targets = build_targets((CHANNELS[channel],))
        for alert in alerts:
            article = store.track(alert.url, "config", alert.title)
            store.record_alerts(article.id, (alert,), (targets[0].key,))
        report = asyncio.run(deliver_pending(store, targets))
        assert (report.sent, report.failed) == (len(alerts), 0), report.errors
    finally:
        store.close()
    return wire.caught[before:]


def visible(channel: str, caught: Caught) -> dict[str, Any]:
    """The fields a reader sees (no timestamps or icons), for the golden files."""
    body = caught.body
    if channel == "slack":
        attachment = body["attachments"][0]
        return {"mrkdwn": body["mrkdwn"], "title": attachment["title"], "text": attachment["text"]}
    if channel == "discord":
        return {"content": body["content"], **({"allowed_mentions": body["allowed_mentions"]}
                                                if "allowed_mentions" in body else {})}
    return {"parse_mode": body["parse_mode"], "text": body["text"]}


def with_mentions() -> Alert:
    return Alert(kind="note_added", url=URL, title="@everyone <!here> & <the> treaty", dedup_key="m",
                 change=Change("note_added", notes_added=(UpdateNote(MENTIONS, "Update"),)))


GOLDEN_ALERTS = {"note_changed": lambda: sample("note_changed"), "body_edited": lambda: sample("body_edited"),
                 "hostile": hostile, "mentions": with_mentions}


@pytest.mark.parametrize("name", list(GOLDEN_ALERTS))
@pytest.mark.parametrize("channel", list(CHANNELS))
def test_what_each_channel_is_sent_matches_its_golden_file(
    wire: WireCatcher, tmp_path: Path, channel: str, name: str
) -> None:
    (caught,) = sent(wire, tmp_path, channel, [GOLDEN_ALERTS[name]()])
    got = json.dumps(visible(channel, caught), ensure_ascii=False, indent=1) + "\n"
    path = GOLDEN / f"{channel}.{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to write it"
    assert got == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_GOLDEN=1 rewrites it after review)"
    check_rules(channel, caught, GOLDEN_ALERTS[name]())


# -- each service's rules ------------------------------------------------------------------------------
def check_rules(channel: str, caught: Caught, alert: Alert) -> None:
    {"slack": slack_rules, "discord": discord_rules, "telegram": telegram_rules}[channel](caught.body, alert)


def slack_rules(body: dict[str, Any], alert: Alert) -> None:
    text = body["attachments"][0]["text"]
    assert body["mrkdwn"] is True
    for m in re.finditer(r"<([^<>]*)>", text):
        target = m.group(1).split("|", 1)[0]
        assert target == alert.url, f"only our link is a Slack control sequence: {m.group(0)}"
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), "a bare & is escaped"
    assert "<!" not in text and "<@" not in text
    assert f"<{alert.url}>" in text, "the URL itself, visible"
    assert not re.search(r"(?<!\\)~~", text), "Slack strikes with one tilde: ~~ would show"
    title = body["attachments"][0]["title"]
    assert "\\&" not in title and not re.search(r"\\[*_\[\]#`]", title.replace(alert.title, "")), \
        "the attachment title is plain text: no Markdown escapes show in it"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.entities: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_entityref(self, name: str) -> None:
        self.entities.append(name)


def telegram_rules(body: dict[str, Any], alert: Alert) -> None:
    text = body["text"]
    assert body["parse_mode"] == "HTML" and len(text) <= 4096
    parser = _Tags()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert tag in TELEGRAM_TAGS, f"Telegram refuses <{tag}>"
        allowed = {"href"} if tag == "a" else {"class"} if tag == "span" else set()
        assert set(attrs) <= allowed, f"<{tag} {attrs}>"
        if tag == "a":
            assert attrs["href"] == alert.url
    assert set(parser.entities) <= {"lt", "gt", "amp", "quot"}, parser.entities
    assert alert.url in re.sub(r"<[^>]+>", "", text), "the URL itself, visible"


def discord_rules(body: dict[str, Any], alert: Alert) -> None:
    content = body["content"]
    assert len(content) <= 2000
    unescaped = re.sub(r"\\.", "", content)
    assert unescaped.count("**") % 2 == 0 and unescaped.count("~~") % 2 == 0, "emphasis is balanced"
    assert not re.search(r"@(everyone|here)", content), "no live mass mention"
    assert f"<{alert.url}>" in content


# -- rules over alerts nobody picked --------------------------------------------------------------------
WORDS = st.sampled_from(["treaty", "vote", "&", "<", ">", "<b>", "@everyone", "@here", "<!channel>", "<@U1>", "*",
                         "_", "~~", "`", "[x](http://e.x)", "#", "&amp;", "é", "—", "2024", "“q”", "\\", "|",
                         "<tg-spoiler>"])
TEXTS = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXTS, note=TEXTS, before=TEXTS, after=TEXTS)
def test_any_article_text_keeps_every_channels_rules(
    wire: WireCatcher, tmp_path_factory: pytest.TempPathFactory, title: str, note: str, before: str, after: str
) -> None:
    alert = Alert(kind="note_changed", url=URL, title=title, dedup_key="h", change=Change(
        "note_changed", notes_added=(UpdateNote("Update: " + note, "Update"),),
        edits=(WordEdit(before=before, after=after, removed=(before,), added=(after,)),)))
    for channel in CHANNELS:
        (caught,) = sent(wire, tmp_path_factory.mktemp(channel), channel, [alert])
        check_rules(channel, caught, alert)


def test_a_long_diff_fits_discords_2000_characters_in_one_message(wire: WireCatcher, tmp_path: Path) -> None:
    alert = long_diff(40)
    note = "Update (1/6/2025): " + " ".join(f"Sentence {i} explains the treaty at length." for i in range(200))
    alert = Alert(kind="note_changed", url=URL, title=alert.title, dedup_key="long", change=Change(
        "note_changed", notes_added=(UpdateNote(note, "Update"),), edits=alert.change.edits if alert.change else ()))
    caught = sent(wire, tmp_path, "discord", [alert])
    assert len(caught) == 1, "cut by us at a block boundary, never split by the service mid-sentence"
    content = caught[0].body["content"]
    assert 1500 < len(content) <= 2000
    assert "more changes" in content and content.endswith(f"<{URL}>")
    discord_rules(caught[0].body, alert)
