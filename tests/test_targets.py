"""A delivery belongs to a target, not to a spelling of its URL.

Rotating a token keeps a target's identity, so its pending alert goes to the new URL
exactly once; a target that is really gone leaves its deliveries orphaned, listed by
`status` and moved to the current targets by `notify --replay`; databases keyed by the
old whole-URL hash are re-keyed. Real `monitor` processes, real Apprise, real SQLite.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from monitor.notify.targets import configured_targets, legacy_key
from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import add_note, publish
from tests.test_secrets import SHAPES, _fill

NOTE = "Update (4/4/2026): The treaty's first review conference was postponed."
OLD, NEW = "Rot8OldToken1", "Rot8NewToken2"


def _add_note(site: ReplaySite) -> None:
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])


def _deliveries(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT target, status FROM deliveries ORDER BY alert_id, target").fetchall()


# -- identity ---------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "secrets"), [(url, secrets) for url, secrets, _ in SHAPES])
def test_rotating_any_secret_keeps_the_identity(url: str, secrets: tuple[str, ...]) -> None:
    before = _fill(url, 8001, 8002)
    after = before
    for secret in secrets:
        after = after.replace(secret, secret[::-1] + "9")
    (old,), _ = configured_targets((before,))
    (new,), _ = configured_targets((after,))
    assert after != before and old.key == new.key and old.label == new.label


def test_where_a_message_goes_is_part_of_the_identity() -> None:
    def key(url: str) -> str:
        return configured_targets((url,))[0][0].key

    assert key("tgram://123456789:AAAtoken1/111") != key("tgram://123456789:AAAtoken1/222"), "another chat"
    assert key("slack://T1AAAAAAA/B1AAAAAAA/tokenC111/#news") != key("slack://T1AAAAAAA/B1AAAAAAA/tokenC111/#ops")
    assert key("json://127.0.0.1:8001/a") != key("json://127.0.0.1:8002/a"), "another port"
    assert key("mailto://u:p@mail.example.org?to=a@example.org") != key("mailto://u:p@mail.example.org?to=b@example.org")


def test_colliding_identities_are_told_apart_by_order_and_a_name_survives_any_change() -> None:
    urls = ("json://127.0.0.1:8001/a?token=x1", "json://127.0.0.1:8001/b?token=x2", "json://127.0.0.1:8002/c")
    first, _ = configured_targets(urls)
    again, _ = configured_targets(urls)
    assert len({t.key for t in first}) == 3 and [t.key for t in first] == [t.key for t in again], "deterministic"
    rotated, _ = configured_targets(("json://127.0.0.1:8001/a?token=y1", *urls[1:]))
    assert [t.key for t in rotated] == [t.key for t in first]

    (named,), _ = configured_targets(("ops=json://127.0.0.1:8001/old?token=a",))
    (moved,), _ = configured_targets(("ops=gotify://gotify.example.org/AnotherToken1",))
    assert named.key == moved.key and named.label.startswith("ops json://127.0.0.1:8001/… [id-")


def test_one_url_in_both_lists_is_one_target_and_others_never_share_a_key() -> None:
    readers, admins = configured_targets(("json://127.0.0.1:8001/r",), ("json://127.0.0.1:8001/r",
                                                                      "json://127.0.0.1:8001/admin"))
    assert readers[0] is admins[0]
    assert admins[1].key != readers[0].key and admins[1].role == "notify_admin"


# -- token rotation, end to end -----------------------------------------------------------
ROTATIONS = {  # how the new token shows at the receiver: Apprise's json:// does not pass a plain ?token= on
    "query token": ("json://127.0.0.1:{port}/hook?token={token}", "notify"),
    "-token query": ("json://127.0.0.1:{port}/hook?-token={token}", "check"),
    "path token": ("json://127.0.0.1:{port}/hook/{token}", "check"),
    "password": ("json://bot:{token}@127.0.0.1:{port}/hook", "notify"),
    "header": ("json://127.0.0.1:{port}/hook?+X-Api-Key={token}", "check"),
}


@pytest.mark.parametrize("rotation", list(ROTATIONS))
def test_a_rotated_token_gets_the_pending_alert_exactly_once(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, rotation: str
) -> None:
    shape, followup = ROTATIONS[rotation]
    extra = {"delivery_backoff": 0} if followup == "check" else {}
    cfg = write_config(tmp_path, site, [shape.format(port=receiver.port, token=OLD)], **extra)
    assert run_monitor("check", config=cfg).returncode == 0
    _add_note(site)
    receiver.fail_status = 500
    failed = run_monitor("check", config=cfg)
    assert failed.returncode == 1 and "0 alerts sent, 1 failed" in failed.stdout, failed.stdout + failed.stderr

    receiver.fail_status = None
    cfg = write_config(tmp_path, site, [shape.format(port=receiver.port, token=NEW)], **extra)
    status = run_monitor("status", config=cfg).stdout
    assert "0 sent, 1 pending, 0 failed" in status and "orphaned" not in status, status
    if followup == "notify":
        result = run_monitor("notify", "--retry", config=cfg)
        assert result.returncode == 0 and "1 sent, 0 failed" in result.stdout, result.stdout + result.stderr
    else:
        result = run_monitor("check", config=cfg)
        assert result.returncode == 0 and "1 alerts sent, 0 failed" in result.stdout, result.stdout + result.stderr
    delivered = [(path, headers) for path, headers, code in receiver.requests if code == 200]
    assert len(receiver.messages) == 1 and NOTE in squash(receiver.messages[0]["message"])
    ((path, headers),) = delivered
    seen = path + json.dumps(headers) + base64.b64decode(headers.get("Authorization", "Basic ")[6:]).decode()
    assert rotation == "query token" or (NEW in seen and OLD not in seen), seen

    for again in (run_monitor("notify", "--retry", config=cfg), run_monitor("notify", "--replay", "all", config=cfg),
                  run_monitor("check", config=cfg)):
        assert again.returncode == 0
    assert len(receiver.messages) == 1, "exactly once"
    status = run_monitor("status", config=cfg).stdout
    assert "1 sent, 0 pending, 0 failed" in status and "orphaned" not in status, status


# -- a target that is gone ------------------------------------------------------------------
def test_deliveries_of_a_removed_target_are_orphaned_and_replayed_to_the_current_ones(
    tmp_path: Path, site: ReplaySite
) -> None:
    gone, kept, new = JsonReceiver(), JsonReceiver(), JsonReceiver()
    try:
        cfg = write_config(tmp_path, site, [gone.url("old"), kept.url("kept")])
        assert run_monitor("check", config=cfg).returncode == 0
        _add_note(site)
        gone.fail_status = 500
        assert "1 alerts sent, 1 failed" in run_monitor("check", config=cfg).stdout
        cfg = write_config(tmp_path, site, [kept.url("kept"), new.url("new")])

        status = run_monitor("status", config=cfg)
        old_label = f"json://127.0.0.1:{gone.port}/… [id-"
        assert "1 sent, 0 pending, 0 failed, 1 orphaned" in status.stdout, status.stdout
        assert "orphaned alert #" in status.stdout and old_label in status.stdout
        orphans = json.loads(run_monitor("status", "--json", config=cfg).stdout)["orphaned"]
        assert [(o["status"], o["label"].startswith(old_label)) for o in orphans] == [("pending", True)]

        retry = run_monitor("notify", "--retry", config=cfg)
        assert "0 sent, 0 failed" in retry.stdout and new.messages == [], "an orphan waits for an explicit replay"
        replay = run_monitor("notify", "--replay", "all", config=cfg)
        assert replay.returncode == 0 and "1 failed deliveries queued again; 1 sent, 0 failed" in replay.stdout
        assert len(new.messages) == 1 and NOTE in squash(new.messages[0]["message"])
        assert len(kept.messages) == 1, "the target that had it does not get it again"
        assert gone.attempts == 1

        assert "0 failed deliveries queued again; 0 sent" in run_monitor("notify", "--replay", "all",
                                                                         config=cfg).stdout
        status = run_monitor("status", config=cfg).stdout
        assert "2 sent, 0 pending, 0 failed" in status and "orphaned" not in status, status
    finally:
        for r in (gone, kept, new):
            r.close()


def test_a_database_keyed_by_whole_url_hashes_is_re_keyed(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    url = receiver.url("legacy") + "?token=LegacyTok3n"
    cfg = write_config(tmp_path, site, [url])
    assert run_monitor("check", config=cfg).returncode == 0
    _add_note(site)
    receiver.fail_status = 500
    assert "1 failed" in run_monitor("check", config=cfg).stdout
    db = tmp_path / "monitor.sqlite3"
    old = "t-" + hashlib.sha256(url.encode()).hexdigest()[:16]
    assert legacy_key(url) == old
    with sqlite3.connect(db) as conn:  # as schema 2 wrote it: deliveries under the URL's hash, no targets table
        conn.execute("UPDATE deliveries SET target = ?", (old,))
        conn.execute("DROP TABLE targets")
    receiver.fail_status = None

    status = run_monitor("status", config=cfg).stdout
    assert "0 sent, 1 pending, 0 failed" in status and "orphaned" not in status, status
    result = run_monitor("notify", "--retry", config=cfg)
    assert "1 sent, 0 failed" in result.stdout, result.stdout + result.stderr
    assert len(receiver.messages) == 1
    ((target, state),) = _deliveries(db)
    assert target.startswith("id-") and state == "sent"
    run_monitor("notify", "--replay", "all", config=cfg)
    assert len(receiver.messages) == 1
