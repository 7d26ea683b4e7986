"""Nothing lost, nothing twice, nobody hammered: kill -9 at named points, concurrent runs, polite fetching."""

from __future__ import annotations

import dataclasses
import gzip
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from monitor.core.faults import POINTS
from tests.conftest import REPO, run_monitor, write_config
from tests.fixtures.articles import ON_TOPIC, SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import FEED_PATH, add_note, article_page, publish

NOTE = "Update (4/4/2026): The first states deposited their instruments of ratification."


def _add_note(site: ReplaySite) -> None:
    publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])


def _live_versions(db: Path, url: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(
            "SELECT COUNT(*) FROM versions v JOIN articles a ON a.id = v.article_id"
            " WHERE a.url = ? AND v.source = 'live'",
            (url,),
        ).fetchone()[0])


# -- the kill table: every crash point, each after a step a later run reads as "already handled" ------------

Step = Callable[[ReplaySite], None]
EXTRA = [dataclasses.replace(ON_TOPIC, path=f"{ON_TOPIC.path}-{i}", title=f"{ON_TOPIC.title} ({i})",
                             node_id=ON_TOPIC.node_id + i) for i in range(1, 4)]


def _remove(site: ReplaySite) -> None:
    site.remove(STILL_FLAWED.path)


def _new_posts(n: int) -> Step:
    return lambda site: publish(site, [*SEEDED, *EXTRA[:n]])


def _feed_fails(site: ReplaySite) -> None:
    site.set(FEED_PATH, "down", status=500, content_type="text/plain")


def _relayout(site: ReplaySite) -> None:
    """A redesign: the body sits under other containers, and gains a line of chrome at its end."""
    for a in SEEDED:
        moved = dataclasses.replace(a, paragraphs=[*a.paragraphs, "Share this article with your friends."])
        site.set(a.path, article_page(moved).replace('<body class="html ', '<body class="html redesign-two '))


def _wall(site: ReplaySite) -> None:
    """The same consent page in place of every article: the site's wall (app.walls), the operator's to hear of."""
    for a in SEEDED:
        site.set(a.path, "<!doctype html><html lang='en'><head><title>Your privacy</title></head><body><div "
                 "class='consent'><h1>Your privacy</h1><p>Accept all cookies to continue reading this site.</p>"
                 "</div></body></html>")


@dataclasses.dataclass(frozen=True)
class Scenario:
    """What the site does before the killed run (after `earlier` steps, each followed by a quiet-enough check)."""

    change: Step
    said: tuple[str, ...]  # what each receiver holds at the end, in order (a word of each message)
    config: dict[str, Any] = dataclasses.field(default_factory=dict)
    earlier: tuple[Step, ...] = ()
    admin: bool = False  # the receivers are notify_admin targets (operator alerts)


NOTE_ADDED = Scenario(_add_note, (NOTE,))
KILLS: dict[str, Scenario] = {
    "after_fetch": NOTE_ADDED, "mid_warc": NOTE_ADDED, "after_warc": NOTE_ADDED, "after_version": NOTE_ADDED,
    "before_send": NOTE_ADDED, "after_mark": NOTE_ADDED,
    "after_new_post": Scenario(_new_posts(1), ("New post",)),
    "after_removed": Scenario(_remove, ("Removed",), {"removed_after": 1}),
    "after_restored": Scenario(lambda site: publish(site, SEEDED), ("Removed", "Back online"), {"removed_after": 1},
                               earlier=(_remove,)),
    "after_feed_state": Scenario(_feed_fails, ("Feed failing",), {"admin_after": 1}, admin=True),
    "after_feed_flooded": Scenario(_new_posts(3), ("Feed flooded",), {"max_new_posts": 1}, admin=True),
    "after_layout_changed": Scenario(_relayout, ("Layout changed",), admin=True),
    "after_site_wall": Scenario(_wall, ("Site wall",), admin=True),
}


def test_the_kill_table_covers_every_crash_point() -> None:
    assert set(KILLS) == set(POINTS)


@pytest.mark.parametrize("point", list(KILLS))
def test_kill_9_anywhere_loses_nothing_and_sends_nothing_twice(tmp_path: Path, site: ReplaySite, point: str) -> None:
    scenario = KILLS[point]
    first, second = JsonReceiver(), JsonReceiver()
    try:
        urls = [first.url("a"), second.url("b")]
        cfg = write_config(tmp_path, site, [] if scenario.admin else urls, quiet_days=100_000,
                           **({"notify_admin": urls} if scenario.admin else {}), **scenario.config)
        assert run_monitor("check", config=cfg).returncode == 0
        for step in scenario.earlier:
            step(site)
            assert run_monitor("check", config=cfg).returncode == 0
        told = len(first.messages)
        scenario.change(site)

        crashed = run_monitor("check", config=cfg, extra_env={"MONITOR_FAULT": point})
        assert crashed.returncode == -9, f"the fault point {point} was not reached:\n{crashed.stdout}{crashed.stderr}"
        if point == "after_mark":
            assert len(first.messages) + len(second.messages) == told * 2 + 1, "died right after the first send"

        again = run_monitor("check", config=cfg)
        assert again.returncode == 0, again.stderr
        for receiver in (first, second):
            heard = [squash(m["title"] + " " + m["message"]) for m in receiver.messages]
            assert len(heard) == len(scenario.said), f"each target hears each alert exactly once: {heard}"
            assert all(word in text for word, text in zip(scenario.said, heard, strict=True)), heard
        if scenario is NOTE_ADDED:
            assert _live_versions(tmp_path / "monitor.sqlite3", STILL_FLAWED.url) == 2, "baseline + note, no duplicate"
        with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        assert run_monitor("check", config=cfg).returncode == 0
        assert len(first.messages) == len(second.messages) == len(scenario.said), "and nothing later either"
    finally:
        first.close()
        second.close()


def test_two_checks_at_once_one_runs_the_other_says_so(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [], host_delay=0.4)  # a cycle of a few seconds
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = str(REPO)
    procs = [
        subprocess.Popen([sys.executable, "-m", "monitor", "check", "--config", str(cfg)], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(60), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1]
    loser = next(r for r in results if r[0] == 1)
    assert loser[2].strip() == f"error: another monitor cycle is already running on {tmp_path / 'monitor.sqlite3'}"
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM versions WHERE source = 'live'").fetchone()[0] == 4


def test_second_cycle_is_conditional_gets_answered_304_with_gzip_asked(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [])
    assert run_monitor("check", config=cfg).returncode == 0
    seen = len(site.requests)
    assert run_monitor("check", config=cfg).returncode == 0
    second = [r for r in site.requests[seen:] if r.path != "/robots.txt"]
    assert len(second) == len(SEEDED) + 1, "the feed and each article once, robots.txt cached"
    assert all(r.headers.get("If-None-Match") for r in second), "every request is conditional"
    assert all("gzip" in r.headers.get("Accept-Encoding", "") for r in second)
    assert all("deeplinks-monitor" in r.headers.get("User-Agent", "") for r in second)
    assert site.hits("/robots.txt") == 1, "robots.txt asked once, then cached"


def test_gzip_encoded_page_reads_the_same(tmp_path: Path, site: ReplaySite) -> None:
    receiver = JsonReceiver()
    try:
        cfg = write_config(tmp_path, site, [receiver.url()])
        assert run_monitor("check", config=cfg).returncode == 0
        page = article_page(add_note(STILL_FLAWED, NOTE)).encode("utf-8")
        site.set(STILL_FLAWED.path, gzip.compress(page), headers={"Content-Encoding": "gzip"})
        result = run_monitor("check", config=cfg)
        assert result.returncode == 0 and result.stderr == ""
        assert len(receiver.messages) == 1 and NOTE in squash(receiver.messages[0]["message"])
    finally:
        receiver.close()


def test_robots_disallow_and_crawl_delay_are_obeyed(tmp_path: Path, site: ReplaySite) -> None:
    site.set("/robots.txt", f"User-agent: deeplinks-monitor\nDisallow: {STILL_FLAWED.path}\nCrawl-delay: 0.3\n",
             content_type="text/plain")
    cfg = write_config(tmp_path, site, [])
    started = time.monotonic()
    result = run_monitor("check", config=cfg)
    took = time.monotonic() - started
    assert result.returncode == 0
    assert site.hits(STILL_FLAWED.path) == 0
    assert "disallowed by robots.txt" in result.stderr
    fetched = [r for r in site.requests if r.path != "/robots.txt"]
    assert len(fetched) == len(SEEDED), "the feed and the three allowed articles"
    assert took >= 3 * 0.3, "Crawl-delay (larger than host_delay = 0) spaces the four requests"


def test_robots_txt_is_asked_once_even_when_many_pages_wait_for_it(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [], feeds=[], host_concurrency=4)  # no feed to warm the cache first
    assert run_monitor("check", config=cfg).returncode == 0
    assert site.hits("/robots.txt") == 1
    assert all(site.hits(a.path) == 1 for a in SEEDED)
