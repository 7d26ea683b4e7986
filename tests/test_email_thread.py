"""Email as a person reads it: multipart plain + HTML, a subject that says the news, one thread per article.

Alerts travel through the outbox and Apprise's `mailto://` to a real SMTP server (aiosmtpd) on
loopback, one delivery run per alert as successive cycles would send them; the messages are
read back and grouped into threads the way mail clients do (by `References`/`In-Reply-To`),
and the thread of one article is opened in headless Chromium (tests/artifacts/email-thread.png).
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import html
import json
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import apprise
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.model import Alert, Change, UpdateNote
from monitor.notify.delivery import build_targets, deliver_pending
from monitor.notify.threads import thread_root, threaded_url
from monitor.store.database import open_store
from tests.receivers import SmtpReceiver, squash
from tests.test_email_screenshot import ARTIFACTS, chromium, run_chromium
from tests.test_render import NOTE, TITLE, URL, sample

OTHER_URL = "https://www.eff.org/deeplinks/2024/08/un-cybercrime-draft-convention-dangerously-expands-state-surveillance"
OTHER_TITLE = "UN Cybercrime Draft Convention Dangerously Expands State Surveillance Powers"
OTHER_NOTE = "Update (8/9/2024): The Ad Hoc Committee approved the draft by consensus."


def alerts() -> list[Alert]:
    """Four alerts in the order cycles make them: three about one article, one about another."""
    other = Alert(kind="note_added", url=OTHER_URL, title=OTHER_TITLE, dedup_key="other",
                  change=Change("note_added", notes_added=(UpdateNote(OTHER_NOTE, "Update"),)))
    return [dataclasses.replace(sample("note_added"), dedup_key="a1"),
            other,
            dataclasses.replace(sample("body_edited"), dedup_key="a2"),
            dataclasses.replace(sample("removed"), dedup_key="a3")]


@pytest.fixture(scope="module")
def mails(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[EmailMessage]]:
    smtp = SmtpReceiver()
    try:
        store = open_store(tmp_path_factory.mktemp("mail") / "monitor.sqlite3")
        targets = build_targets((smtp.url(),))
        assert targets[0].threads, "an SMTP target threads its alerts"
        for n, alert in enumerate(alerts(), start=1):
            article = store.track(alert.url, "config", alert.title)
            store.record_alerts(article.id, (alert,), (targets[0].key,))
            report = asyncio.run(deliver_pending(store, targets))
            assert (report.sent, report.failed) == (1, 0), report.errors
            smtp.wait_for(n)
        store.close()
        yield list(smtp.messages)  # type: ignore[arg-type]
    finally:
        smtp.close()


def threads(messages: list[EmailMessage]) -> list[list[EmailMessage]]:
    """Messages grouped as a mail client threads them: by the first id in References (else In-Reply-To),
    a message without either starting its own thread; each thread in arrival order."""
    groups: dict[str, list[EmailMessage]] = {}
    for m in messages:
        refs = (m.get("References") or m.get("In-Reply-To") or m["Message-ID"]).split()
        groups.setdefault(refs[0], []).append(m)
    return list(groups.values())


def test_each_alert_is_a_multipart_mail_with_a_plain_and_an_html_part(mails: list[EmailMessage]) -> None:
    for mail, alert in zip(mails, alerts(), strict=True):
        assert mail.get_content_type() == "multipart/alternative"
        parts = [p.get_content_type() for p in mail.iter_parts()]
        assert parts == ["text/plain", "text/html"], "plain first, HTML preferred (RFC 2046 order)"
        plain = str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
        page = str(mail.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]
        assert alert.url in plain and f'href="{alert.url}"' in page, "the link in both parts"
        assert "<" not in plain and "&lt;" not in plain and "style=" not in plain, "the plain part is text"
        if alert.change and alert.change.notes_added:
            note = alert.change.notes_added[0].text
            assert note in squash(plain) and note in squash(html.unescape(page)), "the note verbatim in both"


def test_the_subject_says_the_news(mails: list[EmailMessage]) -> None:
    subjects = [str(m["Subject"]) for m in mails]
    assert subjects == [f"Update note: {TITLE}", f"Update note: {OTHER_TITLE}", f"Edited: {TITLE}",
                        f"Removed: {TITLE}"]


def test_the_alerts_about_one_article_are_one_thread_and_another_article_is_another(
    mails: list[EmailMessage]
) -> None:
    ids = [m.get_all("Message-ID") for m in mails]
    assert all(i is not None and len(i) == 1 for i in ids), "exactly one Message-ID each"
    assert len({i[0] for i in ids if i}) == len(mails), "every mail its own id"
    for mail, alert in zip(mails, alerts(), strict=True):
        assert mail.get_all("In-Reply-To") == [thread_root(alert.url)]
        assert mail.get_all("References") == [thread_root(alert.url)]
        assert email.utils.parseaddr(mail["In-Reply-To"].strip("<>"))[1], "an addr-spec shaped id"
    grouped = threads(mails)
    assert [[str(m["Subject"]).split(":")[0] for m in t] for t in grouped] == [
        ["Update note", "Edited", "Removed"], ["Update note"]]
    assert thread_root(URL) != thread_root(OTHER_URL)
    assert thread_root(URL) not in {i[0] for i in ids if i}, "the root is no real message: nothing can collide"


def test_a_digest_about_several_articles_is_no_ones_thread() -> None:
    from monitor.notify.delivery import digest_message
    from monitor.render import render

    one, other = render(alerts()[0], "html"), render(alerts()[1], "html")
    assert digest_message([one, other]).thread == ""
    assert digest_message([one, render(alerts()[2], "html")]).thread == URL


KEYS = st.one_of(st.text(min_size=1, max_size=80), st.builds(
    lambda path, q: f"https://www.eff.org/{quote(path)}{q}",
    st.text(max_size=40), st.sampled_from(["", "?a=1&b=2", "#frag", "?x=%3C%3E"])))
URLS = st.sampled_from([
    "mailto://127.0.0.1:2525?from=a@example.com&to=b@example.com&mode=insecure",
    "mailtos://user:p%40ss@smtp.example.com?to=me@example.com&cc=you@example.com",
    "mailto://user:pass@example.com",
    "mailto://user:pass@example.com?+X-Team=policy&name=Monitor",
])


@settings(max_examples=150, deadline=None)
@given(KEYS, KEYS, URLS)
def test_any_article_key_becomes_exactly_its_headers_and_nothing_else_of_the_url_changes(
    key: str, other: str, url: str
) -> None:
    plain, threaded = apprise.Apprise.instantiate(url), apprise.Apprise.instantiate(threaded_url(url, key))
    assert plain is not None and threaded is not None
    root = thread_root(key)
    assert re.fullmatch(r"<[0-9a-f]{32}\.article@deeplinks-monitor\.invalid>", root)
    assert threaded.headers == {**plain.headers, "In-Reply-To": root, "References": root}
    for field in ("targets", "from_addr", "smtp_host", "user", "password", "port", "secure_mode", "cc"):
        assert getattr(threaded, field, None) == getattr(plain, field, None), field
    assert (thread_root(other) == root) == (other == key)


def test_the_thread_opens_in_a_browser_as_one_conversation(mails: list[EmailMessage], tmp_path: Path) -> None:
    browser = chromium()
    thread = threads(mails)[0]
    cards = []
    for m in thread:
        page = str(m.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]
        sent = email.utils.parsedate_to_datetime(m["Date"]).strftime("%d %b %H:%M")
        cards.append(f'<section class="mail"><header><b>{html.escape(str(m["Subject"]))}</b>'
                     f'<span>{html.escape(str(m["From"]))} → {html.escape(str(m["To"]))} · {sent}</span></header>'
                     f"{page}</section>")
    viewer = (
        '<!doctype html><meta charset="utf-8"><style>body{font-family:Helvetica,Arial,sans-serif;background:#eef0f3;'
        "margin:0;padding:16px}h2{font-size:17px;margin:0 0 12px}.mail{background:#fff;border:1px solid #d0d5dc;"
        "border-radius:6px;margin:0 0 12px;padding:12px 16px}.mail header{display:flex;flex-direction:column;"
        "border-bottom:1px solid #e3e6ea;margin:0 0 10px;padding:0 0 8px}.mail header span{color:#666;"
        f'font-size:12px}}</style><h2>Thread: {html.escape(TITLE)} ({len(thread)} messages)</h2>'
        + "".join(cards)
    )
    probe = ('<pre id="probe"></pre><script>document.getElementById("probe").textContent=JSON.stringify({'
             'mails:document.querySelectorAll("section.mail").length,quotes:document.querySelectorAll('
             '"blockquote").length,dels:document.querySelectorAll("del").length,text:document.body.innerText});'
             "</script>")
    (tmp_path / "thread.html").write_text(viewer, encoding="utf-8")
    (tmp_path / "probe.html").write_text(viewer + probe, encoding="utf-8")
    shot = tmp_path / "thread.png"
    result = run_chromium(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=900,1400",
                          (tmp_path / "thread.html").as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "email-thread.png").write_bytes(shot.read_bytes())
    dom = run_chromium(browser, tmp_path / "profile", "--dump-dom", (tmp_path / "probe.html").as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.DOTALL)
    assert found, dom.stdout[-2000:]
    seen = json.loads(html.unescape(found.group(1)))
    assert seen["mails"] == 3 and seen["quotes"] >= 1 and seen["dels"] >= 2
    assert NOTE in " ".join(seen["text"].split()) and OTHER_NOTE not in seen["text"]


def test_the_plain_part_of_an_edit_says_which_words_went_and_came(mails: list[EmailMessage]) -> None:
    """The plain part is made from the HTML: strikes and colours are gone there, so the words are named."""
    edited = mails[2]
    plain = squash(str(edited.get_body(preferencelist=("plain",)).get_content()))  # type: ignore[union-attr]
    assert "Removed: “were expected to vote”, “in early December”" in plain
    assert "Added: “voted”, “on December 24”, “, without a recorded vote”" in plain
