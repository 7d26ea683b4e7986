"""Digest mode and user templates, end to end through the outbox to a real receiver."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from monitor.notify.delivery import digest_batches, digest_message
from monitor.render import Message
from monitor.store.database import PendingDelivery
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import GENERAL_ASSEMBLY, SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import add_note, publish

NOTE_A = "Update (5/5/2026): Ten states have now ratified the treaty."
NOTE_B = "Update (5/6/2026): The General Assembly scheduled a review."


def _two_changes(site: ReplaySite) -> None:
    changed = {
        STILL_FLAWED.path: add_note(STILL_FLAWED, NOTE_A),
        GENERAL_ASSEMBLY.path: add_note(GENERAL_ASSEMBLY, NOTE_B),
    }
    publish(site, [changed.get(a.path, a) for a in SEEDED])


def test_digest_groups_a_cycles_alerts_into_one_message(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], digest=True)
    assert run_monitor("check", config=cfg).returncode == 0
    _two_changes(site)
    assert run_monitor("check", config=cfg).returncode == 0
    assert len(receiver.messages) == 1
    message = receiver.messages[0]
    assert message["title"] == "deeplinks-monitor: 2 changes"
    assert NOTE_A in squash(message["message"]) and NOTE_B in squash(message["message"])
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        assert conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall() == [("sent", 2)]


def test_without_digest_each_alert_is_its_own_message(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert run_monitor("check", config=cfg).returncode == 0
    _two_changes(site)
    assert run_monitor("check", config=cfg).returncode == 0
    assert len(receiver.messages) == 2


def test_digests_split_at_the_size_limit_and_drop_nothing() -> None:
    messages = [
        (PendingDelivery(i, "t", 0, None), Message(f"Update note: post {i}", "x" * 900))  # type: ignore[arg-type]
        for i in range(7)
    ]
    batches = digest_batches(messages, 3500)
    assert [len(b) for b in batches] == [3, 3, 1]
    assert sum(len(b) for b in batches) == 7
    assert all(len(digest_message([m for _, m in b]).body) <= 3500 for b in batches)
    assert digest_batches(messages, None) == [messages]


def test_user_templates_shape_the_alert(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], templates={
        "title": "[EFF watch] {{ kind_label }}",
        "body": "{% for n in notes_added %}NOTE: {{ n }}\n{% endfor %}Read: {{ url }}",
    })
    assert run_monitor("check", config=cfg).returncode == 0
    publish(site, [add_note(a, NOTE_A) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    assert run_monitor("check", config=cfg).returncode == 0
    (message,) = receiver.messages
    assert message["title"] == "[EFF watch] Update note"
    assert message["message"] == f"NOTE: {NOTE_A}\nRead: {STILL_FLAWED.url}"


def test_notify_test_sends_one_sample_of_each_kind(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    admins = JsonReceiver()
    try:
        cfg = write_config(tmp_path, site, [receiver.url()], notify_admin=[admins.url("ops")])
        result = run_monitor("notify-test", config=cfg)
        assert result.returncode == 0 and "samples: 20 sent, 0 failed" in result.stdout
        titles = [m["title"].split(":")[0] for m in receiver.messages]
        assert titles == ["New post", "Update note", "Update note changed", "Title changed", "Edited", "Removed",
                          "Back online", "Signature", "Ratification", "Withdrawal", "Status corrected",
                          "Entry into force"]
        assert all(m["title"].split(": ", 1)[1].startswith("[test] ") for m in receiver.messages)
        assert [m["title"].split(":")[0] for m in admins.messages] == ["Feed failing", "Feed quiet", "Feed recovered",
                                                                       "Feed flooded", "Layout changed", "Site wall",
                                                                       "Treaty status unavailable",
                                                                       "Treaty status anomaly"]
        assert not (tmp_path / "monitor.sqlite3").exists(), "samples are not news: no outbox, no database"

        receiver.fail_status = 500
        failing = run_monitor("notify-test", "--kind", "note_added", config=cfg)
        assert failing.returncode == 1 and "samples: 0 sent, 1 failed" in failing.stdout
    finally:
        admins.close()
