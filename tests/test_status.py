"""`monitor status` and `check --due` on a database filled by real cycles."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite
from tests.site import add_note, edit, publish


def test_status_table_and_json(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert run_monitor("check", config=cfg).returncode == 0

    table = run_monitor("status", config=cfg)
    assert table.returncode == 0, table.stderr
    assert "Still Flawed and Lacking Safeguards" in table.stdout
    assert "4 tracked articles; deliveries: 0 sent, 0 pending, 0 failed" in table.stdout
    assert "re-check policy: younger than 2 d: every cycle" in table.stdout

    data = json.loads(run_monitor("status", "--json", config=cfg).stdout)
    by_url = {a["url"]: a for a in data["articles"]}
    assert len(by_url) == 4
    still_flawed = by_url[STILL_FLAWED.url]
    assert still_flawed["versions"] == 3, "two seeds and the first full live reading"
    assert still_flawed["origin"] == "seed" and still_flawed["last_checked"]
    assert all(a["next_check"] not in ("due", "retired") for a in data["articles"]), "old pinned posts: daily"


def test_status_on_a_missing_database_is_a_one_line_error(tmp_path: Path, site: ReplaySite) -> None:
    result = run_monitor("status", config=write_config(tmp_path, site, []))
    assert result.returncode == 1 and "database not found" in result.stderr
    assert not (tmp_path / "monitor.sqlite3").exists()


def test_check_due_skips_articles_the_policy_says_can_wait(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    first = run_monitor("check", "--due", config=cfg)
    assert first.returncode == 0 and "checked 4 articles" in first.stdout, "never-checked articles are due"

    publish(site, [add_note(a, "Update (3/1/2026): A late note.") if a.path == STILL_FLAWED.path else a
                   for a in SEEDED])
    hits = {a.path: site.hits(a.path) for a in SEEDED}
    due = run_monitor("check", "--due", config=cfg)
    assert due.returncode == 0 and "4 not due yet" in due.stdout
    assert {a.path: site.hits(a.path) for a in SEEDED} == hits, "no old article fetched again within a day"
    assert receiver.messages == []

    assert run_monitor("check", config=cfg).returncode == 0, "a plain check looks at everything"
    assert len(receiver.messages) == 1


def test_alert_kinds_chooses_what_alerts_and_the_rest_is_still_recorded(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], alert_kinds=["note_added", "note_changed"])
    assert run_monitor("check", config=cfg).returncode == 0
    publish(site, [edit(a, "over 100 countries", "over 120 countries") if a.path == STILL_FLAWED.path else a
                   for a in SEEDED])
    assert run_monitor("check", config=cfg).returncode == 0
    assert receiver.messages == [], "body edits are not wanted here"
    history = run_monitor("history", STILL_FLAWED.url, config=cfg).stdout
    assert "Edited" in history, "but the edit is recorded in history"

    bad = write_config(tmp_path, site, [receiver.url()], alert_kinds=["note_added", "everything"])
    result = run_monitor("check", config=bad)
    assert result.returncode == 1 and "unknown kind 'everything'" in result.stderr
