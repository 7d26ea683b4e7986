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
    assert "re-check policy: younger than 1 d (since publication or a change): every cycle" in table.stdout
    assert "every article at least every 1 h" in table.stdout and "never retired" in table.stdout

    data = json.loads(run_monitor("status", "--json", config=cfg).stdout)
    by_url = {a["url"]: a for a in data["articles"]}
    assert len(by_url) == 4
    still_flawed = by_url[STILL_FLAWED.url]
    assert still_flawed["versions"] == 3, "two seeds and the first full live reading"
    assert still_flawed["origin"] == "seed" and still_flawed["last_checked"]
    assert all(a["next_check"] not in ("due", "retired") for a in data["articles"]), "all read just now"
    assert {a["why"] for a in data["articles"]} == {"bound"}, "old posts: the hourly promise"
    assert all("in a feed" in a["reason"] for a in data["articles"]), "the feed lists them: its text is watched"


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

    # The page changes, its feed entry does not: nothing signals it, and it was read a moment ago.
    publish(site, [add_note(a, "Update (3/1/2026): A late note.") if a.path == STILL_FLAWED.path else a
                   for a in SEEDED], feed_items=sorted(SEEDED, key=lambda a: a.published, reverse=True))
    hits = {a.path: site.hits(a.path) for a in SEEDED}
    due = run_monitor("check", "--due", config=cfg)
    assert due.returncode == 0 and "4 not due yet" in due.stdout
    assert {a.path: site.hits(a.path) for a in SEEDED} == hits, "no article fetched again within the hour"
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


def test_a_changed_feed_entry_gets_its_page_fetched_in_the_same_cycle(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert "checked 4 articles" in run_monitor("check", "--due", config=cfg).stdout, "first readings"
    noted = [add_note(a, "Update (3/1/2026): A late note.") if a.path == STILL_FLAWED.path else a for a in SEEDED]
    publish(site, noted)  # the page and its feed description both carry the note
    hits = {a.path: site.hits(a.path) for a in SEEDED}
    due = run_monitor("check", "--due", config=cfg)
    assert due.returncode == 0 and "checked 1 articles (3 not due yet)" in due.stdout, due.stdout
    assert {p: site.hits(p) - n for p, n in hits.items()} == {a.path: int(a.path == STILL_FLAWED.path)
                                                               for a in SEEDED}, "that page, and only it"
    assert len(receiver.messages) == 1 and "A late note." in receiver.messages[0]["message"]
    status = {a["url"]: a for a in json.loads(run_monitor("status", "--json", config=cfg).stdout)["articles"]}
    assert status[STILL_FLAWED.url]["why"] == "hot", "the signal is answered; it just changed, so it stays hot"
    assert {a["why"] for u, a in status.items() if u != STILL_FLAWED.url} == {"bound"}


def test_nothing_is_retired_by_default(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    assert run_monitor("check", config=cfg).returncode == 0
    data = json.loads(run_monitor("status", "--json", config=cfg).stdout)
    assert "retired" not in {a["next_check"] for a in data["articles"]}
    retiring = write_config(tmp_path, site, [receiver.url()], recheck={"retire_after_days": 30})
    assert "retire" in run_monitor("status", config=retiring).stdout, "retirement only when asked"


def test_status_warns_exactly_where_the_budget_cannot_hold_the_hourly_promise(tmp_path: Path) -> None:
    """200 articles hourly fit 240 requests an hour (the planner keeps every gap under the hour: bench/latency.py);
    260 do not, and `status` says which host and how many requests the promise needs."""
    import datetime as dt

    from monitor.app.status import budget_warnings
    from monitor.config import load_settings
    from monitor.core.kinds import Origin
    from monitor.store.database import open_store

    cfg = tmp_path / "monitor.toml"
    cfg.write_text(f'database = "{tmp_path / "m.sqlite3"}"\nfeeds = ["https://www.eff.org/rss/updates.xml"]\n'
                   "[recheck]\ntiers = [[1, 3600]]\n[treaty]\nenabled = false\n", encoding="utf-8")
    settings = load_settings(cfg, env={})
    store = open_store(settings.database)
    now = dt.datetime.now(dt.UTC)
    store.track_all(tuple(f"https://www.eff.org/deeplinks/2025/01/post-{i}" for i in range(200)), Origin.CONFIG)
    assert budget_warnings(store, settings, now) == []
    store.track_all(tuple(f"https://www.eff.org/deeplinks/2025/02/post-{i}" for i in range(60)), Origin.CONFIG)
    [warning] = budget_warnings(store, settings, now)
    assert warning.startswith("www.eff.org: 260 articles need about 303 requests per hour"), warning
    assert "host_budget_per_hour (240)" in warning
