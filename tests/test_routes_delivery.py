"""Routes end to end: real Apprise YAML and TEXT config files with tags, real receivers (two json://, one aiosmtpd
mailto://), real `monitor` processes on a real SQLite file, and the digest's time reached with libfaketime
(`faketime`), the clock the monitor reads like any other program."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROBOTS, run_monitor, write_config
from tests.fixtures.articles import CONCERNS, GENERAL_ASSEMBLY, SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, SmtpReceiver, message_text, squash
from tests.replay import ReplaySite
from tests.site import FEED_PATH, Article, add_note, article_page, edit, publish

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None, reason="needs libfaketime's `faketime` (Debian)")

BERLIN = ZoneInfo("Europe/Berlin")
NOTE = "Update (5/5/2026): Ten states have now ratified the treaty."
EDIT_OLD = "headed to the UN General Assembly for a vote"
EDIT_NEW = "headed to the UN General Assembly for a final vote"
EDIT2_OLD, EDIT2_NEW = "is an extensive surveillance pact", "is a sweeping surveillance pact"


def next_wall_time(hour: int, minute: int, zone: dt.tzinfo, after: dt.datetime) -> dt.datetime:
    """The next time the clocks in `zone` show hour:minute after `after` (computed here, not by the product)."""
    local = after.astimezone(zone)
    day = local.date() if local.time() < dt.time(hour, minute) else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def at(when: dt.datetime) -> dict[str, Any]:
    """run_monitor arguments that run the monitor with its clock starting at `when`."""
    return {"wrapper": ["faketime", "-f", "@" + when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")],
            "extra_env": {"TZ": "UTC"}}


def ok(result: Any) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return str(result.stdout)


def deliveries(tmp_path: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        return conn.execute("SELECT a.kind, d.status, d.attempts FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
                            " ORDER BY d.alert_id, d.target").fetchall()


def changed(*articles: Article) -> list[Article]:
    by_path = {a.path: a for a in articles}
    return [by_path.get(a.path, a) for a in SEEDED]


@pytest.fixture
def phone() -> Any:
    r = JsonReceiver()
    yield r
    r.close()


@pytest.fixture
def ops() -> Any:
    r = JsonReceiver()
    yield r
    r.close()


def test_each_route_gets_what_it_asked_for_when_it_asked(
    tmp_path: Path, site: ReplaySite, phone: JsonReceiver, ops: JsonReceiver, smtp: SmtpReceiver
) -> None:
    (tmp_path / "apprise.yml").write_text(f"""version: 1
urls:
  - "json://127.0.0.1:{ops.port}/ops":
      tag: ops
  - "{smtp.url()}":
      tag: research
""", encoding="utf-8")
    (tmp_path / "apprise.txt").write_text(f"# the reporter's phone\nreporter, partner = {phone.url('phone')}\n",
                                          encoding="utf-8")
    cfg = write_config(tmp_path, site, [], notify_config=["apprise.yml", "apprise.txt"], admin_after=1,
                       quiet_days=100_000, route=[
        {"name": "notes", "tags": ["reporter"], "kinds": ["note_added", "note_changed"]},
        {"name": "ratification", "tags": ["partner"], "keywords": ["ratif"]},
        {"name": "morning", "tags": ["research"], "kinds": ["body_edited"], "delivery": "daily 08:00",
         "timezone": "Europe/Berlin"},
        {"name": "operator", "tags": ["ops"], "kinds": ["feed_failing", "feed_recovered"]},
    ])
    ok(run_monitor("check", config=cfg))

    # A note (selected by two routes of the phone) and an edit (the morning digest's only).
    publish(site, changed(add_note(STILL_FLAWED, NOTE), edit(GENERAL_ASSEMBLY, EDIT_OLD, EDIT_NEW)))
    ok(run_monitor("check", config=cfg))
    (note,) = phone.wait_for(1)
    assert note["title"].startswith("Update note") and NOTE in squash(note["message"])
    assert smtp.messages == [] and ops.messages == []

    # The feed fails: the operator route, and only it.
    site.fail_next(FEED_PATH, 500, times=2)
    ok(run_monitor("check", config=cfg))
    (failing,) = ops.wait_for(1)
    assert failing["title"].startswith("Feed failing")
    assert len(phone.messages) == 1 and smtp.messages == []

    # The digest's time: not a minute before it; at it, one email with the edit; nothing twice.
    eight = next_wall_time(8, 0, BERLIN, dt.datetime.now(dt.UTC))
    early = ok(run_monitor("notify", "--due", config=cfg, **at(eight - dt.timedelta(minutes=1))))
    assert "0 sent, 0 failed, 1 waiting for a scheduled digest" in early and smtp.messages == []
    ok(run_monitor("notify", "--due", config=cfg, **at(eight + dt.timedelta(minutes=1))))
    (mail,) = smtp.wait_for(1)
    assert EDIT_NEW.split()[-2] in message_text(mail) and "General Assembly" in message_text(mail)
    ok(run_monitor("notify", "--due", config=cfg, **at(eight + dt.timedelta(minutes=5))))
    ok(run_monitor("check", config=cfg))
    assert len(smtp.messages) == 1 and len(phone.messages) == 1
    assert [m["title"].split(":")[0] for m in ops.messages] == ["Feed failing", "Feed recovered"]
    assert {status for _, status, _ in deliveries(tmp_path)} == {"sent"}
    assert sorted(kind for kind, _, _ in deliveries(tmp_path)) == [
        "body_edited", "feed_failing", "feed_recovered", "note_added"], "one delivery per alert and target"


def test_a_failing_digest_is_retried_then_delivered_exactly_once(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    (tmp_path / "apprise.txt").write_text(f"research = {receiver.url('digest')}\n", encoding="utf-8")
    cfg = write_config(tmp_path, site, [], notify_config=["apprise.txt"], delivery_backoff=60, route=[
        {"tags": ["research"], "kinds": ["body_edited"], "delivery": "daily 08:00"}])
    ok(run_monitor("check", config=cfg))
    publish(site, changed(edit(GENERAL_ASSEMBLY, EDIT_OLD, EDIT_NEW), edit(CONCERNS, EDIT2_OLD, EDIT2_NEW)))
    ok(run_monitor("check", config=cfg))
    assert receiver.messages == [] and receiver.attempts == 0, "held for the digest"

    eight = next_wall_time(8, 0, dt.UTC, dt.datetime.now(dt.UTC))
    receiver.fail_status = 500
    refused = run_monitor("notify", "--due", config=cfg, **at(eight + dt.timedelta(minutes=1)))
    failed = refused.stdout
    assert refused.returncode == 1, "a failed delivery is an exit status"
    assert "0 sent, 2 failed" in failed and receiver.attempts == 1, "one digest of both, refused"
    ok(run_monitor("notify", "--due", config=cfg, **at(eight + dt.timedelta(minutes=1, seconds=30))))
    assert receiver.attempts == 1, "within the backoff: not yet"
    receiver.fail_status = None
    ok(run_monitor("notify", "--due", config=cfg, **at(eight + dt.timedelta(minutes=5))))
    (digest,) = receiver.wait_for(1)
    assert digest["title"] == "deeplinks-monitor: 2 changes"
    assert "final vote" in squash(digest["message"]) and "sweeping" in squash(digest["message"])
    ok(run_monitor("notify", "--due", config=cfg, **at(eight + dt.timedelta(minutes=10))))
    ok(run_monitor("notify", "--retry", config=cfg))
    ok(run_monitor("check", config=cfg))
    assert len(receiver.messages) == 1 and receiver.attempts == 2
    assert deliveries(tmp_path) == [("body_edited", "sent", 2), ("body_edited", "sent", 2)]


OTHER = "https://www.accessnow.org"
OTHER_ARTICLE = Article(
    path="/press-release/un-cybercrime-treaty-vote", title="Civil society on the UN cybercrime treaty vote",
    byline="Access Now", published="2025-01-10", node_id=1,
    notes=[], paragraphs=[
        "Civil society groups urged states to reject the UN cybercrime treaty before the General Assembly vote.",
        "The treaty lacks human rights safeguards and would allow cross-border surveillance without oversight.",
        "Access Now and partners will keep tracking how states sign, ratify and implement the convention.",
    ])


def test_a_route_per_site_and_a_keyword_route_on_a_two_site_replay(tmp_path: Path, site: ReplaySite) -> None:
    eff, other, hanoi = JsonReceiver(), JsonReceiver(), JsonReceiver()
    try:
        with ReplaySite() as second:
            second.set("/robots.txt", ROBOTS, content_type="text/plain")
            second.set(OTHER_ARTICLE.path, article_page(OTHER_ARTICLE).replace("https://www.eff.org" +
                                                                               OTHER_ARTICLE.path, OTHER +
                                                                               OTHER_ARTICLE.path))
            cfg = write_config(
                tmp_path, site, [f"eff={eff.url('eff')}", f"other={other.url('other')}", f"hanoi={hanoi.url()}"],
                articles=[OTHER + OTHER_ARTICLE.path], allowed_hosts=["www.eff.org", "eff.org", "www.accessnow.org"],
                rewrite={"https://www.eff.org": site.base_url, OTHER: second.base_url},
                route=[{"tags": ["eff"], "sites": ["eff.org"]},
                       {"tags": ["other"], "sites": ["www.accessnow.org"]},
                       {"tags": ["hanoi"], "keywords": ["Hanoi"]}])
            ok(run_monitor("check", config=cfg))
            publish(site, changed(add_note(STILL_FLAWED, "Update (5/5/2026): States signed in Hanoi today.")))
            second.set(OTHER_ARTICLE.path, article_page(edit(OTHER_ARTICLE, "without oversight",
                                                             "without any independent oversight")).replace(
                "https://www.eff.org" + OTHER_ARTICLE.path, OTHER + OTHER_ARTICLE.path))
            ok(run_monitor("check", config=cfg))
        (eff_alert,) = eff.wait_for(1)
        (other_alert,) = other.wait_for(1)
        (hanoi_alert,) = hanoi.wait_for(1)
        assert "Hanoi" in squash(eff_alert["message"]) and "independent" in squash(other_alert["message"])
        assert hanoi_alert == eff_alert, "the keyword route: the note that names Hanoi, not the other site's edit"
    finally:
        for r in (eff, other, hanoi):
            r.close()


def test_notify_test_by_tag_and_monitor_routes(tmp_path: Path, site: ReplaySite, phone: JsonReceiver,
                                               ops: JsonReceiver) -> None:
    (tmp_path / "apprise.yml").write_text(f"""urls:
  - "json://user:SecretPassw0rd@127.0.0.1:{ops.port}/ops?token=SecretTok3n":
    - tag: ops
""", encoding="utf-8")
    cfg = write_config(tmp_path, site, [f"phone={phone.url('phone')}"], notify_config=["apprise.yml"], route=[
        {"tags": ["ops"], "kinds": ["feed_failing", "feed_recovered"]}])
    sent = ok(run_monitor("notify-test", "--tag", "ops", config=cfg))
    assert "samples: 2 sent, 0 failed" in sent and phone.messages == []
    assert [m["title"].split(":")[0] for m in ops.wait_for(2)] == ["Feed failing", "Feed recovered"]

    unknown = run_monitor("notify-test", "--tag", "nobody", config=cfg)
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1 and "'nobody'" in unknown.stderr

    words = ok(run_monitor("routes", config=cfg))
    assert "route #1: tags ops get Feed failing, Feed recovered, at once" in words
    assert f"json://127.0.0.1:{ops.port}/… [id-" in words and "phone json://" in words
    assert "Secret" not in words

    bad = write_config(tmp_path, site, [f"phone={phone.url('phone')}"], notify_config=["apprise.yml"], route=[
        {"tags": ["opps"]}])
    refused = run_monitor("check", config=bad)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "'route[1].tags' names 'opps'" in refused.stderr and "Secret" not in refused.stderr
