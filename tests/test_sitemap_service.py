"""The real service reads a site's sitemap: `monitor run` under libfaketime at 60× (its clock only: the replay
site and the receiver run on the real clock, and real seconds × 60 are the service's seconds).

An edit the sitemap signals (its lastmod moves) is reported within the bound (20 minutes of the service's time),
where the schedule alone would wait up to its 6-hour promise; a lastmod that moves over an unchanged page is
looked at and stays quiet (a signal never alerts)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROBOTS, write_config
from tests.fixtures.articles import CONCERNS, SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite
from tests.site import EFF, add_note, publish
from tests.test_service import monitor_env

FAKETIME = shutil.which("faketime")
pytestmark = pytest.mark.skipif(FAKETIME is None, reason="needs libfaketime's `faketime` (Debian); CI installs it")
SPEED = 60
BOUND = 20 * 60  # the service's seconds from an edit to its alert, at most
NOTE = "Update (3/3/2026): The first ratifications were deposited with the Secretary-General."


def sitemap(lastmods: dict[str, str]) -> str:
    rows = "".join(f"<url><loc>{EFF}{path}</loc><lastmod>{when}</lastmod></url>" for path, when in lastmods.items())
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


def test_a_sitemap_signalled_edit_is_reported_within_the_bound(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    assert FAKETIME is not None
    lastmods = {a.path: "2025-01-01T00:00:00Z" for a in SEEDED}
    site.set("/robots.txt", ROBOTS + f"\nSitemap: {EFF}/sitemap.xml\n", content_type="text/plain")
    site.set("/sitemap.xml", sitemap(lastmods), content_type="application/xml")
    (tmp_path / "no-seeds").mkdir()
    cfg = write_config(tmp_path, site, [receiver.url()], feeds=[], articles=[a.url for a in SEEDED],
                       seeds_dir=str(tmp_path / "no-seeds"), host_delay=2,
                       recheck={"tiers": [[1, 6 * 3600]], "max_interval": 6 * 3600})  # the schedule alone: up to 6 h
    # faketime forks the service and waits: its own session, so stopping it stops the service (a `monitor run`
    # orphaned by stopping faketime alone ran on for the rest of the suite).
    proc = subprocess.Popen([FAKETIME, "-f", f"+0 x{SPEED}", sys.executable, "-m", "monitor", "run", "--config",
                             str(cfg)], cwd=tmp_path, env={**monitor_env(), "TZ": "UTC"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait(lambda: site.hits(STILL_FLAWED.path) >= 1 and _checked(tmp_path) == len(SEEDED), 60, proc)
        time.sleep(2 * 360 / SPEED)  # two cycles more: the baseline is quiet, the sitemap polled
        assert receiver.messages == [], "the first readings are baselines"
        quiet_hits = site.hits(CONCERNS.path)

        publish(site, [add_note(a, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
        site.set("/sitemap.xml", sitemap({**lastmods, STILL_FLAWED.path: "2026-03-03T10:00:00Z",
                                          CONCERNS.path: "2026-03-03T10:00:00Z"}), content_type="application/xml")
        edited = time.monotonic()
        messages = receiver.wait_for(1, timeout=3 * BOUND / SPEED)
        latency = (time.monotonic() - edited) * SPEED
        assert NOTE in squash(messages[0]["message"])
        assert latency <= BOUND, f"reported {latency / 60:.1f} min (service time) after the edit"
        time.sleep(2 * 360 / SPEED)
        assert site.hits(CONCERNS.path) > quiet_hits, "its lastmod moved: it was looked at"
        assert len(receiver.messages) == 1, "a lastmod that moved over an unchanged page is no alert"
    finally:
        _stop(proc)
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        (sitemaps,) = conn.execute("SELECT sitemaps FROM sitemap_hosts WHERE host = 'www.eff.org'").fetchone()
    assert "sitemap.xml" in sitemaps


def _checked(tmp_path: Path) -> int:
    try:
        with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
            return int(conn.execute("SELECT count(*) FROM articles WHERE last_checked IS NOT NULL").fetchone()[0])
    except sqlite3.Error:
        return 0


def _stop(proc: subprocess.Popen[str]) -> None:
    """Stop faketime and the service it forked: the whole session, politely first, until none of it is left."""
    deadline = time.monotonic() + 10
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
        while time.monotonic() < deadline:
            proc.poll()  # reaps faketime once it exits: a zombie would keep the session alive
            os.killpg(proc.pid, 0)  # raises once every process of the session is gone
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _wait(ready: object, timeout: float, proc: subprocess.Popen[str]) -> None:
    assert callable(ready)
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            _, err = proc.communicate()
            raise AssertionError(f"the service did not read the site in time:\n{err[-3000:]}")
        time.sleep(0.2)
