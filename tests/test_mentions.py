"""Mentions in article text are inert: no title, note, changed passage, summary or feed detail can ping a
channel or a person, in any format we render, nor after Apprise turns it into a service's own payload."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import apprise
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.model import Alert, Change, FeedEntry, UpdateNote, WordEdit
from monitor.notify.delivery import compose, configured_targets
from monitor.render import FORMATS, defuse, render
from monitor.render.templates import compile_templates

URL = "https://www.eff.org/deeplinks/2026/03/treaty"
TOKENS = ["@everyone", "@here", "<!channel>", "<!here>", "<!everyone>", "<@123>", "<@&123>", "@room", "@channel",
          "<@U024BE7LH>", "!here>", "&lt;!channel&gt;", "&#64;everyone", "@\u200beveryone", "<#C123>"]
# What pings somewhere: Discord @everyone/@here and <@id>/<@&id> (Apprise also pings any @word), Slack's <!…>,
# <@…> and the bare !here> Apprise rewrites into <!here>, Matrix @room.
ACTIVE = re.compile(r"@(?:everyone|here|room|channel|[a-z0-9&])|<[!@#][&!]?\w|!(?:everyone|here|channel)",
                    re.IGNORECASE)


def readings(text: str, fmt: str) -> list[str]:
    """The text as drawn, and as a later step could read it: entities decoded, Markdown escapes dropped, and for
    HTML (where a `<` of the text is escaped) the tags gone."""
    unescaped = re.sub(r"\\(.)", r"\1", text)
    tagless = [html.unescape(re.sub(r"<[^>]*>", "", text))] if fmt == "html" else []
    return [text, html.unescape(text), unescaped, html.unescape(unescaped), *tagless]


def assert_inert(text: str, fmt: str = "text") -> None:
    for reading in readings(text, fmt):
        hit = ACTIVE.search(reading)
        assert hit is None, f"active mention {hit.group(0)!r} in {reading!r}"


def hostile_alert(kind: str, text: str) -> Alert:
    """`text` everywhere article or feed text goes."""
    change = Change(kind=kind, notes_added=(UpdateNote(f"Update (3/3/2026): {text}", "Update (3/3/2026)"),),
                    notes_removed=(UpdateNote(f"Update: was {text}", "Update"),), title_before=f"Old {text}",
                    title_after=f"New {text}", edits=(WordEdit(before=f"It said {text} then.",
                                                               after=f"It says {text} now.",
                                                               removed=(text,), added=(f"{text}!",)),))
    entry = FeedEntry(url=URL, title=text, summary=f"Summary {text}", author=text)
    return Alert(kind=kind, url=URL, title=f"{text} treaty", dedup_key="k", change=change, entry=entry, byline=text,
                 detail=f"detail {text}" if kind.startswith("feed_") else "")


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize("kind", ["note_changed", "body_edited", "new_post", "feed_failing"])
def test_every_mention_token_is_inert_in_every_format(token: str, kind: str) -> None:
    for fmt in FORMATS:
        message = render(hostile_alert(kind, token), fmt)
        assert_inert(message.title)
        assert_inert(message.body, fmt)
        assert URL in message.body or html.escape(URL) in message.body, "the link is left as it is"


def test_the_text_reads_the_same() -> None:
    assert defuse("Ask press@eff.org, @EFF!") == "Ask press@\u2060eff.org, @\u2060EFF!"
    assert defuse(defuse("<!here> @room")) == defuse("<!here> @room"), "idempotent"
    shown = render(hostile_alert("note_changed", "@everyone"), "text").body
    assert "@everyone" in shown.replace("\u2060", "")


PIECES = [*TOKENS, "@", "<", ">", "!", "&", "#", "\\", "*", "_", "`", "~", "|", "everyone", "here", "room", "channel",
          "123", "&", " ", "\n", "a", "Update", ":", "lt;", "#64;", "\u2060", "\u200b", "U024", "@@", "<<"]


@settings(max_examples=150, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
       kind=st.sampled_from(["note_changed", "body_edited", "title_changed", "new_post", "feed_quiet"]))
def test_property_no_article_text_renders_an_active_mention(text: str, kind: str) -> None:
    alert = hostile_alert(kind, text)
    for fmt in FORMATS:
        message = render(alert, fmt)
        assert_inert(message.title)
        assert_inert(message.body, fmt)
    (target,), _ = configured_targets(("json://127.0.0.1:9/x",))
    templated = compose(alert, target, compile_templates("{{ title }}", "{{ notes_added|join(' ') }} {{ summary }}"))
    assert_inert(templated.title + "\n" + templated.body)


# -- through Apprise, as each chat service would receive it ------------------------------------
class _Sent:
    status_code = 200
    ok = True
    content = b'{"ok": true, "result": {"message_id": 1}}'
    text = content.decode()
    headers: dict[str, str] = {}  # noqa: RUF012

    def json(self) -> Any:
        return json.loads(self.content)


@pytest.fixture
def payloads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What Apprise would put on the wire, kept instead of sent (requests is replaced; nothing leaves the process)."""
    sent: list[str] = []

    def capture(*args: Any, **kwargs: Any) -> _Sent:
        sent.append(json.dumps({k: kwargs.get(k) for k in ("data", "json", "params")}, default=str,
                               ensure_ascii=False))
        return _Sent()

    monkeypatch.setattr(requests, "post", capture)
    monkeypatch.setattr(requests, "request", capture)
    monkeypatch.setattr(requests, "get", capture)
    return sent


@pytest.mark.parametrize("url", [
    "discord://1234567890/AbCdEfGhIjKlMnOp",
    "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
    "tgram://123456789:AAHxyzToken/987654321",
])
@pytest.mark.parametrize("token", TOKENS)
def test_apprise_payloads_ping_nobody(url: str, token: str, payloads: list[str]) -> None:
    (target,), _ = configured_targets((url,))
    assert target.sender is not None
    message = compose(hostile_alert("note_changed", token), target, None)
    target.sender.notify(body=message.body, title=message.title, body_format=apprise.NotifyFormat(message.format))
    assert payloads, "Apprise built a request"
    for payload in payloads:
        decoded = json.loads(payload)
        assert "allow_mentions" not in payload and "allowed_mentions" not in payload, "Discord asked to ping"
        for value in decoded.values():
            if value is not None:
                assert_inert(json.dumps(value, ensure_ascii=False).replace("\\n", "\n").replace('\\"', '"'))
