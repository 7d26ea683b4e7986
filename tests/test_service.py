"""The service: `monitor run` as a real long-running process, its stop on SIGTERM, and `monitor health`.

Same parts as the end-to-end suite (replayed eff.org, Apprise to a local JSON
receiver, a real SQLite file); the schedule runs every second so a test sees
several cycles in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from monitor.app.health import health_status, last_cycle
from monitor.store.database import cycle_lock
from tests.conftest import REPO, run_monitor, write_config
from tests.fixtures.articles import SEEDED, STILL_FLAWED
from tests.receivers import JsonReceiver, squash
from tests.replay import ReplaySite, serve_in_thread
from tests.site import EFF, add_note, publish

NOTE = "Update (2/10/2026): The treaty was signed by 72 states at a ceremony in Hanoi."
T0 = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)


EVERY_CYCLE = {"tiers": [[100_000, 0]]}  # re-check every article on every cycle (the policy has its own tests)


def monitor_env() -> dict[str, str]:
    """The environment conftest's run_monitor uses: no MONITOR_* leaking in, this checkout first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


class Service:
    """`monitor run --log-format json` in a subprocess; its log lines are collected so tests wait on events."""

    def __init__(self, config: Path, *options: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--log-format", "json", *options, "--config", str(config)],
            cwd=config.parent, env=monitor_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()  # end of output: the process is gone, waiters should look

    def records(self) -> list[dict[str, Any]]:
        with self._cond:
            return [json.loads(line) for line in self.lines]

    def count(self, event: str) -> int:
        return sum(r.get("event") == event for r in self.records())

    def wait_for(self, event: str, count: int = 1, timeout: float = 15.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self.count(event) >= count or self.proc.poll() is not None, timeout):
                raise AssertionError(f"no {count}× {event} within {timeout}s:\n" + "\n".join(self.lines))
        assert self.count(event) >= count, f"process ended with {self.proc.returncode}:\n" + "\n".join(self.lines)

    def terminate(self, timeout: float = 5.0) -> tuple[int, float]:
        """SIGTERM; the exit code and how long the process took to go."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def start() -> Iterator[Any]:
    started: list[Service] = []

    def _start(config: Path, *options: str) -> Service:
        service = Service(config, *options)
        started.append(service)
        return service

    yield _start
    for service in started:
        service.kill()


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_run_alerts_once_for_a_new_note_and_stops_cleanly_on_sigterm(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, start: Any
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], feed_interval=1, jitter=0, recheck=EVERY_CYCLE,
                       host_budget_per_hour=0)
    service = start(cfg)
    service.wait_for("cycle.finished")
    assert last_cycle(tmp_path / "monitor.sqlite3") is not None, "the finished cycle is recorded for health"
    assert receiver.messages == [], "the first cycle takes the baseline quietly"

    publish(site, [add_note(STILL_FLAWED, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
    messages = receiver.wait_for(1, timeout=15)
    assert NOTE in squash(messages[0]["message"])
    after_alert = service.count("cycle.finished")
    service.wait_for("cycle.finished", after_alert + 2)  # the delivering cycle, then a whole later one
    assert len(receiver.messages) == 1, "the same note is never sent twice"

    code, took = service.terminate(timeout=5)
    assert code == 0, "\n".join(service.lines)
    assert took < 5
    assert integrity(tmp_path / "monitor.sqlite3") == "ok"
    records = service.records()
    assert all({"ts", "level", "message"} <= r.keys() for r in records), "one JSON object per line"
    assert records[-1]["event"] == "service.stopped"
    log_text = "\n".join(service.lines)
    assert receiver.url() not in log_text and f":{receiver.port}" not in log_text, "notification URLs never logged"


def test_a_cycle_is_skipped_while_a_check_holds_the_lock(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, start: Any
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()], feed_interval=1, jitter=0, recheck=EVERY_CYCLE,
                       host_budget_per_hour=0)
    with cycle_lock(tmp_path / "monitor.sqlite3"):  # what a concurrent `monitor check` holds
        service = start(cfg)
        service.wait_for("cycle.skipped")
        assert service.count("cycle.finished") == 0
    service.wait_for("cycle.finished")
    skipped = [r for r in service.records() if r.get("event") == "cycle.skipped"]
    locked = ["another monitor cycle is already running" in r["message"] for r in skipped]
    # A tick may also find the service's own cycle still running (a loaded machine, a 1 s interval): said apart.
    assert locked[0] and all(held or "previous cycle still running" in r["message"]
                             for held, r in zip(locked, skipped, strict=True)), [r["message"] for r in skipped]
    assert service.terminate()[0] == 0


class _Stalling:
    """An eff.org stand-in that accepts requests and answers none, so a cycle stays in flight."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()
        stall = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stall.asked.set()
                stall.release.wait(30)

            do_POST = do_GET  # a notification service that never answers

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = serve_in_thread(Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


def test_sigterm_cancels_a_cycle_that_overruns_the_grace_time(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, start: Any
) -> None:
    stalling = _Stalling()
    try:
        cfg = write_config(tmp_path, site, [receiver.url()], rewrite={EFF: stalling.base_url}, feed_interval=900)
        service = start(cfg, "--grace", "1")
        assert stalling.asked.wait(15), "the cycle reached the network"

        code, took = service.terminate(timeout=5)
    finally:
        stalling.close()
    assert code == 0, "\n".join(service.lines)
    assert 0.9 < took < 4, "waits for the grace time, then cancels"
    assert service.count("cycle.abandoned") == 1 and service.count("cycle.finished") == 0
    assert integrity(tmp_path / "monitor.sqlite3") == "ok"


def test_sigterm_is_not_stuck_behind_a_hanging_notification_service(
    tmp_path: Path, site: ReplaySite, start: Any
) -> None:
    stalling = _Stalling()
    try:
        hook = f"json://127.0.0.1:{stalling.base_url.rsplit(':', 1)[1]}/hook"
        cfg = write_config(tmp_path, site, [hook], feed_interval=1, jitter=0, recheck=EVERY_CYCLE,
                       host_budget_per_hour=0)
        service = start(cfg, "--grace", "1")
        service.wait_for("cycle.finished")
        publish(site, [add_note(STILL_FLAWED, NOTE) if a.path == STILL_FLAWED.path else a for a in SEEDED])
        assert stalling.asked.wait(15), "the alert is being delivered"

        code, took = service.terminate(timeout=6)
    finally:
        stalling.close()
    assert code == 0, "\n".join(service.lines)
    assert took < 2.5, "Apprise sends in a worker thread: the loop still hears SIGTERM"
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as conn:
        assert conn.execute("SELECT status FROM deliveries").fetchall() == [("pending",)], "kept for the next run"


@pytest.mark.parametrize(
    ("last_finished", "now", "healthy", "reason"),
    [
        (T0, T0 + dt.timedelta(seconds=30), True, "last cycle finished 30 s ago (limit 1860 s)"),
        (T0, T0 + dt.timedelta(seconds=1860), True, "last cycle finished 1860 s ago (limit 1860 s)"),
        (T0, T0 + dt.timedelta(seconds=1861), False, "last cycle finished 1861 s ago (limit 1860 s)"),
        (T0, T0 + dt.timedelta(hours=5), False, "last cycle finished 18000 s ago (limit 1860 s)"),
        (None, T0, False, "never ran"),
    ],
    ids=["fresh", "exactly-at-limit", "just-past-limit", "stale", "never-ran"],
)
def test_health_status(last_finished: dt.datetime | None, now: dt.datetime, healthy: bool, reason: str) -> None:
    assert health_status(last_finished, now, interval=900, jitter=60) == (healthy, reason)


def test_health_command_is_unhealthy_before_any_cycle_and_healthy_after_a_check(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver
) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])

    before = run_monitor("health", config=cfg)
    assert before.returncode != 0
    assert "never ran" in before.stdout + before.stderr
    assert not (tmp_path / "monitor.sqlite3").exists(), "a health probe never creates the database"

    assert run_monitor("check", config=cfg).returncode == 0
    after = run_monitor("health", config=cfg)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "healthy" in after.stdout


def test_each_digest_schedule_is_a_cron_job_that_agrees_with_the_schedule(tmp_path: Path) -> None:
    """`monitor run` sends digests on APScheduler cron triggers; they fire when the pure schedule says it is due."""
    from monitor.config import load_settings
    from monitor.decide.routes import next_run
    from monitor.service import build_scheduler

    cfg = tmp_path / "monitor.toml"
    cfg.write_text('notify = ["a=json://127.0.0.1:9/a", "b=json://127.0.0.1:9/b"]\n'
                   '[[route]]\ntags = ["a"]\ndelivery = "daily 08:00"\ntimezone = "Europe/Berlin"\n'
                   '[[route]]\ntags = ["b"]\ndelivery = "daily 08:00"\ntimezone = "Europe/Berlin"\n'
                   '[[route]]\ntags = ["b"]\ndelivery = "weekly fri 17:30"\n'
                   '[[route]]\ntags = ["a"]\n', encoding="utf-8")
    settings = load_settings(cfg, env={})

    async def job() -> None:
        pass

    jobs = {j.id: j for j in build_scheduler(settings, job, job).get_jobs()}
    assert sorted(jobs) == ["cycle", "digest-1", "digest-2", "first-cycle"], "one job per distinct schedule"
    schedules = [settings.route[0].schedule, settings.route[2].schedule]
    for when in (T0, T0 + dt.timedelta(days=3, hours=7), dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)):
        for n, schedule in enumerate(schedules, start=1):
            assert schedule is not None
            fires = jobs[f"digest-{n}"].trigger.get_next_fire_time(None, when + dt.timedelta(seconds=1))
            assert fires == next_run(schedule, when)
    assert sorted(j.id for j in build_scheduler(settings, job).get_jobs()) == ["cycle", "first-cycle"]


def test_cycles_come_exactly_feed_interval_apart_from_a_random_phase(tmp_path: Path) -> None:
    """The jitter is one random phase, never a delay per cycle: a delay per cycle lets a sliding hour hold one
    more cycle's requests than the budget planned for (bench/latency.py: gaps over the hourly promise)."""
    from monitor.config import load_settings
    from monitor.service import build_scheduler

    async def job() -> None:
        pass

    phases = set()
    for interval, jitter in ((300.0, 60.0), (97.5, 400.0), (3600.0, 0.0)):
        cfg = tmp_path / "monitor.toml"
        cfg.write_text(f"feed_interval = {interval}\njitter = {jitter}\n", encoding="utf-8")
        settings = load_settings(cfg, env={})
        for _ in range(5):
            before = dt.datetime.now(dt.UTC)
            jobs = {j.id: j for j in build_scheduler(settings, job).get_jobs()}
            first = jobs["first-cycle"].trigger.get_next_fire_time(None, before)
            assert first is not None and abs((first - before).total_seconds()) < 5, "a cycle right at start"
            fires = [jobs["cycle"].trigger.get_next_fire_time(None, before)]
            for _ in range(30):
                previous = fires[-1]
                assert previous is not None
                fires.append(jobs["cycle"].trigger.get_next_fire_time(previous, previous))
            phase = ((fires[0] or before) - before).total_seconds()
            assert interval - 5 <= phase <= interval + jitter + 5
            phases.add(round(phase, 3))
            gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(fires) if a and b}
            assert gaps == {interval}, gaps
    assert len(phases) > 3, "the phase is drawn, not fixed"
