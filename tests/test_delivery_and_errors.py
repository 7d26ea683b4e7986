"""Delivery that fails and recovers, removed/restored articles, and bad input that must not stop a cycle.

Each case drives the real CLI against the replay site and real receivers.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import add_note, publish

NOTE = "Update (3/3/2026): Twelve more states ratified the treaty this month."
SECRET = "s3cr3t-t0ken-value"


def _check(cfg: Path, **kw: object) -> tuple[int, str, str]:
    result = run_monitor("check", config=cfg, **kw)  # type: ignore[arg-type]
    return result.returncode, result.stdout, result.stderr


def _add_note(site: ReplaySite) -> None:
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])


def test_a_failing_target_neither_blocks_nor_duplicates_the_others(tmp_path: Path, site: ReplaySite) -> None:
    good, bad = JsonReceiver(), JsonReceiver()
    try:
        cfg = write_config(tmp_path, site, [good.url("good"), bad.url("bad")])
        assert _check(cfg)[0] == 0
        _add_note(site)
        bad.fail_status = 500

        code, out, err = _check(cfg)
        assert code == 1, "a failed delivery is an exit status a cron job notices"
        assert len(good.messages) == 1 and bad.messages == []
        assert "failed" in err and "127.0.0.1" in err  # which target failed, named by Apprise's masked URL
        assert "(HTTP 500 Internal Server Error)" in err, err  # and why
        assert "error: 1 alert deliveries failed" in err, err
        assert "1 alerts sent, 1 failed" in out

        bad.fail_status = None
        assert _check(cfg)[0] == 0
        assert bad.messages == [], "the failed delivery waits out its backoff (60 s by default)"
        retry = run_monitor("notify", "--retry", config=cfg)
        assert retry.returncode == 0 and "1 sent, 0 failed" in retry.stdout
        assert len(bad.messages) == 1 and NOTE in squash(bad.messages[0]["message"])
        assert len(good.messages) == 1, "a target that took the alert never gets it twice"

        assert _check(cfg)[0] == 0
        assert len(good.messages) == 1 and len(bad.messages) == 1
    finally:
        good.close()
        bad.close()


def test_removed_after_two_404s_then_back_online(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert _check(cfg)[0] == 0
    site.remove(STILL_FLAWED.path)
    assert _check(cfg)[0] == 0
    assert receiver.messages == [], "one 404 is not enough: it may be a blip"
    assert _check(cfg)[0] == 0
    assert len(receiver.messages) == 1 and receiver.messages[0]["title"].startswith("Removed:")
    assert _check(cfg)[0] == 0
    assert len(receiver.messages) == 1, "removed is said once"
    publish(site, SEEDED)
    assert _check(cfg)[0] == 0
    assert len(receiver.messages) == 2 and receiver.messages[1]["title"].startswith("Back online:")


@pytest.mark.parametrize(
    ("path", "body", "status", "content_type", "expected"),
    [
        ("/rss/updates.xml", "<rss><channel><item><title>broken", 200, "application/rss+xml", None),
        ("/rss/updates.xml", "<html><body>Maintenance</body></html>", 200, "text/html", "not an RSS or Atom feed"),
        ("/rss/updates.xml", "", 503, "text/plain", "HTTP 503"),
        # A tracked article's page with a title and no text: a stub (one alone is an error line, never a version).
        (STILL_FLAWED.path, "<html><body><h1>Please accept cookies</h1></body></html>", 200, "text/html",
         "article body too short (0 words"),
        (STILL_FLAWED.path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 200, "image/png", "binary response"),
        (STILL_FLAWED.path, "x" * 6_000_000, 200, "text/html", "response too large"),
        (STILL_FLAWED.path, "oops", 500, "text/plain", "HTTP 500"),
    ],
)
def test_bad_responses_are_one_line_errors_and_change_nothing(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver,
    path: str, body: str | bytes, status: int, content_type: str, expected: str | None,
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert _check(cfg)[0] == 0
    db = tmp_path / "monitor.sqlite3"
    before = sqlite3.connect(db).execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    site.set(path, body, status=status, content_type=content_type)

    code, _, err = _check(cfg)
    assert code == 0, "a bad page or feed is a reported error, not a failed cycle"
    if expected:
        assert expected in err
        assert all(len(line) < 300 for line in err.splitlines())
    assert receiver.messages == []
    after = sqlite3.connect(db).execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    assert after == before, "no version is recorded from a bad answer"
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_redirect_off_the_allowed_hosts_is_refused(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert _check(cfg)[0] == 0
    site.set(STILL_FLAWED.path, "", status=302, headers={"Location": "https://evil.example.net/phish"})
    code, _, err = _check(cfg)
    assert code == 0 and "refused host 'evil.example.net'" in err
    assert receiver.messages == []


def test_bad_config_is_a_one_line_error_naming_the_key(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [])
    cfg.write_text("feeds_interval_typo = 3\n" + cfg.read_text())
    result = run_monitor("check", config=cfg)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {cfg}: unknown key 'feeds_interval_typo'"]

    cfg = write_config(tmp_path, site, [], timeout="soon")
    result = run_monitor("check", config=cfg)
    assert result.returncode == 1 and "'timeout' must be a finite number > 0" in result.stderr


def test_invalid_notify_url_is_reported_without_its_secret(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [])
    result = run_monitor("check", config=cfg, extra_env={"MONITOR_NOTIFY": f"nosuchscheme://user:{SECRET}@host/x"})
    assert result.returncode == 1
    assert "not a valid Apprise URL" in result.stderr
    assert SECRET not in result.stderr + result.stdout


def test_secrets_never_reach_help_logs_or_errors(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    secret_url = receiver.url().replace("json://", f"json://user:{SECRET}@")
    cfg = write_config(tmp_path, site, [])
    env = {"MONITOR_NOTIFY": secret_url}
    outputs = [run_monitor("--help", config=cfg, extra_env=env), run_monitor("check", "--help", config=cfg,
                                                                              extra_env=env)]
    assert run_monitor("check", config=cfg, extra_env=env).returncode == 0
    _add_note(site)
    receiver.fail_status = 500
    outputs.append(run_monitor("-vv", "check", config=cfg, extra_env=env))
    for result in outputs:
        assert SECRET not in result.stdout + result.stderr
    db_text = (tmp_path / "monitor.sqlite3").read_bytes()
    assert SECRET.encode() not in db_text


def test_unusable_database_is_a_one_line_error(tmp_path: Path, site: ReplaySite) -> None:
    db = tmp_path / "not-a-db.sqlite3"
    db.write_text("this is not a database\n" * 100)
    cfg = write_config(tmp_path, site, [], database=str(db))
    result = run_monitor("check", config=cfg)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot use database" in result.stderr
    assert db.read_text().startswith("this is not a database"), "the file is left as it was"


def test_dry_run_on_a_fresh_machine_writes_no_file(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    result = run_monitor("check", "--dry-run", config=cfg)
    assert result.returncode == 0, result.stderr
    assert "dry run, nothing written" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["monitor.toml"]
    assert receiver.messages == []


def test_a_failing_feed_is_one_operator_alert_then_one_recovery(tmp_path: Path, site: ReplaySite) -> None:
    users, admins = JsonReceiver(), JsonReceiver()
    try:
        cfg = write_config(tmp_path, site, [users.url()], notify_admin=[admins.url("admin")], admin_after=2,
                           quiet_days=100_000)
        assert _check(cfg)[0] == 0
        site.set("/rss/updates.xml", "down", status=500, content_type="text/plain")
        for _ in range(4):
            assert _check(cfg)[0] == 0
        assert len(admins.messages) == 1, "four failing polls, one operator alert"
        assert admins.messages[0]["title"].startswith("Feed failing:")
        assert "failed 2 polls in a row; last error: HTTP 500" in admins.messages[0]["message"]
        publish(site, SEEDED)
        assert _check(cfg)[0] == 0
        assert [m["title"].split(":")[0] for m in admins.messages] == ["Feed failing", "Feed recovered"]
        assert users.messages == [], "operator conditions never reach the readers' channels"
    finally:
        users.close()
        admins.close()


def test_a_quiet_feed_is_one_operator_alert(tmp_path: Path, site: ReplaySite) -> None:
    admins = JsonReceiver()
    try:
        cfg = write_config(tmp_path, site, [], notify_admin=[admins.url("admin")], quiet_days=30)
        for _ in range(2):
            code, out, _ = _check(cfg)
            assert code == 0
        assert len(admins.messages) == 1 and admins.messages[0]["title"].startswith("Feed quiet:")
        assert "no new entry for more than 30 days" in admins.messages[0]["message"]
        assert "Feed quiet" not in out, "with no notify URL, reader alerts print to stdout; operator ones do not"
    finally:
        admins.close()


def test_a_delivery_given_up_on_shows_in_status_and_can_be_replayed(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], max_attempts=2, delivery_backoff=0)
    assert _check(cfg)[0] == 0
    _add_note(site)
    receiver.fail_status = 503
    for expected in (1, 1, 0):  # each failed attempt exits 1; given up, nothing is tried (status tells it)
        assert _check(cfg)[0] == expected
    assert receiver.attempts == 2, "two attempts, then given up (no third)"
    status = run_monitor("status", config=cfg).stdout
    assert "0 sent, 0 pending, 1 failed" in status and "failed alert #1 after 2 attempts" in status

    receiver.fail_status = None
    replay = run_monitor("notify", "--replay", "1", config=cfg)
    assert replay.returncode == 0 and "1 failed deliveries queued again; 1 sent, 0 failed" in replay.stdout
    assert len(receiver.messages) == 1
    assert run_monitor("notify", "--replay", "all", config=cfg).stdout.startswith("0 failed deliveries")
    assert len(receiver.messages) == 1, "a sent alert is not replayed"
