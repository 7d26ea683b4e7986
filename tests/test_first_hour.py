"""A newcomer's first hour and an operator's every day: every silence that hid a broken setup now says a word,
and the exit status says it to cron. Real subprocesses of the CLI, a loopback site, real Apprise deliveries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.sources.neterrors import connect_failure
from tests.conftest import REPO, run_monitor, write_config
from tests.fixtures.articles import ON_TOPIC, SEEDED
from tests.receivers import JsonReceiver, _free_port
from tests.replay import ReplaySite
from tests.site import EFF, publish


@pytest.fixture
def stalling() -> Iterator[int]:
    """A loopback port whose listener completes the handshake and then never answers (a hung server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def test_a_check_where_nothing_answered_exits_1_and_health_says_unhealthy(tmp_path: Path, site: ReplaySite) -> None:
    closed = _free_port()
    cfg = write_config(tmp_path, site, [], rewrite={EFF: f"http://127.0.0.1:{closed}"})
    result = run_monitor("check", config=cfg)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error: none of the" in result.stderr and "requests got an answer" in result.stderr, result.stderr
    assert f"connection refused by 127.0.0.1:{closed}" in result.stderr, result.stderr
    health = run_monitor("health", config=cfg)
    assert health.returncode == 1 and health.stderr.startswith("unhealthy:") and "no answer" in health.stderr

    cfg = write_config(tmp_path, site, [])  # the network is back: one good cycle makes it healthy again
    assert run_monitor("check", config=cfg).returncode == 0
    assert run_monitor("health", config=cfg).returncode == 0


def test_a_few_failures_among_answers_are_weather_not_a_broken_setup(tmp_path: Path, site: ReplaySite) -> None:
    site.set(SEEDED[0].path, "gone", status=500)
    cfg = write_config(tmp_path, site, [])
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0 and "HTTP 500" in result.stderr, result.stderr
    assert run_monitor("health", config=cfg).returncode == 0


@pytest.mark.parametrize("failure", ["dns", "refused", "timeout"])
def test_network_failures_are_told_apart(tmp_path: Path, site: ReplaySite, stalling: int, failure: str) -> None:
    base = {"dns": "http://nonexistent.invalid", "refused": f"http://127.0.0.1:{_free_port()}",
            "timeout": f"http://127.0.0.1:{stalling}"}[failure]
    cfg = write_config(tmp_path, site, [], rewrite={EFF: base}, timeout=1, seeds_dir=str(tmp_path / "none"))
    result = run_monitor("check", config=cfg)
    words = {"dns": "host name nonexistent.invalid not found (DNS)", "refused": "connection refused by 127.0.0.1:",
             "timeout": "timed out after 1s"}
    assert words[failure] in result.stderr, result.stderr
    assert all(w not in result.stderr for k, w in words.items() if k != failure), result.stderr
    assert "could not connect" not in result.stderr
    assert result.returncode == 1


@pytest.mark.parametrize("failure", ["401", "refused", "timeout"])
def test_a_failed_delivery_names_its_reason_without_its_secret(
    tmp_path: Path, site: ReplaySite, receiver: JsonReceiver, stalling: int, failure: str
) -> None:
    secret = "S3cretPw9"
    port = {"401": receiver.port, "refused": _free_port(), "timeout": stalling}[failure]
    receiver.fail_status = 401
    url = f"json://alice:{secret}@127.0.0.1:{port}/hook?rto=1&cto=1&token={secret}"
    cfg = write_config(tmp_path, site, [url])
    result = run_monitor("notify-test", "--kind", "note_added", config=cfg)
    reason = {"401": "(HTTP 401 Unauthorized: check the token or password)",
              "refused": "(connection refused (nothing listening there?))", "timeout": "(timed out)"}[failure]
    assert result.returncode == 1 and reason in result.stderr, result.stderr
    assert secret not in result.stdout + result.stderr


def test_extract_reads_where_check_reads_and_says_why_it_cannot(tmp_path: Path, site: ReplaySite) -> None:
    """`extract --config` follows the config's [rewrite] (what it shows is what `check` reads: one request at the
    loopback replay, the page read as its eff.org URL); an unreachable site is one line naming the failure."""
    cfg = write_config(tmp_path, site, [])
    shown = run_monitor("extract", SEEDED[1].url, config=cfg)
    assert shown.returncode == 0 and "profile:   eff" in shown.stdout and SEEDED[1].title in shown.stdout, shown
    assert site.hits(SEEDED[1].path) == 1
    closed = _free_port()
    for where, said in ((f"http://127.0.0.1:{closed}/x", f"connection refused by 127.0.0.1:{closed}"),
                        ("http://nonexistent.invalid/x", "host name nonexistent.invalid not found (DNS)")):
        failed = run_monitor("extract", where, config=cfg)
        assert failed.returncode == 1 and failed.stdout == "", failed
        assert failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1 and said in failed.stderr
        assert "ConnectError" not in failed.stderr and "Traceback" not in failed.stderr


def test_no_config_file_is_said_and_the_first_run_says_where_the_database_is(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(MONITOR_STATE_DIR=str(tmp_path / "state"), MONITOR_FEEDS="", MONITOR_TREATY_ENABLED="false",
               PYTHONPATH=str(REPO))  # nothing to fetch: loopback only

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "monitor", "check"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)

    first = check()
    assert first.returncode == 0, first.stderr
    assert "note: no config file found (config/monitor.toml in " in first.stderr, first.stderr
    assert f"the database was created at {tmp_path / 'state' / 'monitor.sqlite3'}" in first.stderr
    second = check()
    assert "no config file found" in second.stderr and "database was created" not in second.stderr


def test_a_missing_seeds_folder_is_a_warning_naming_it(tmp_path: Path, site: ReplaySite) -> None:
    missing = tmp_path / "seedz"
    cfg = write_config(tmp_path, site, [], seeds_dir=str(missing))
    result = run_monitor("check", config=cfg)
    assert result.returncode == 0, result.stderr
    assert f"warning: seeds folder {missing} not found (check seeds_dir)" in result.stderr
    assert "0 errors" in result.stdout and "database was created" in result.stderr


def test_a_dry_run_says_shown_not_sent(tmp_path: Path, site: ReplaySite) -> None:
    result = run_monitor("check", "--dry-run", config=write_config(tmp_path, site, []))
    assert result.returncode == 0, result.stderr
    assert "alerts shown (none sent)" in result.stdout and "alerts sent" not in result.stdout


def test_due_but_over_the_hourly_budget_is_said_as_such(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [], host_budget_per_hour=3, feed_interval=300, jitter=0)
    result = run_monitor("check", "--due", config=cfg)
    assert result.returncode == 0, result.stderr
    assert "due but waiting: their host's share of host_budget_per_hour is spent" in result.stdout, result.stdout
    status = run_monitor("status", config=cfg).stdout
    assert "waiting" in status and "has had its share of host_budget_per_hour" in status, status


def _fresh(days_ago: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).date().isoformat()


@pytest.mark.parametrize("quiet_alerted", [True, False])
def test_a_quiet_feed_with_a_new_entry_is_not_told_it_recovered_from_failing(
    tmp_path: Path, site: ReplaySite, quiet_alerted: bool
) -> None:
    admins = JsonReceiver()
    try:
        kinds = ["new_post", "feed_failing", "feed_recovered", *(["feed_quiet"] if quiet_alerted else [])]
        cfg = write_config(tmp_path, site, [], notify_admin=[admins.url("admin")], quiet_days=30, alert_kinds=kinds)
        assert run_monitor("check", config=cfg).returncode == 0
        publish(site, [*SEEDED, dataclasses.replace(ON_TOPIC, published=_fresh(0))])
        assert run_monitor("check", config=cfg).returncode == 0
        titles = [m["title"].split(":")[0] for m in admins.messages]
        if not quiet_alerted:
            assert titles == [], "never told it was quiet: nothing to recover from"
            return
        assert titles == ["Feed quiet", "Feed recovered"], titles
        body = admins.messages[1]["message"]
        assert "new entries again after a quiet spell" in body and "polls succeed" not in body, body
    finally:
        admins.close()


def test_a_second_run_on_the_same_database_is_refused(tmp_path: Path, site: ReplaySite) -> None:
    cfg = write_config(tmp_path, site, [], feed_interval=3600, jitter=0)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(PYTHONPATH=str(REPO), NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    first = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(cfg)], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stderr is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = first.stderr.readline()
            if "service started" in line:
                break
        else:
            pytest.fail("the first service did not start")
        second = run_monitor("run", config=cfg)
        assert second.returncode == 1, second.stderr
        assert f"error: another `monitor run` (pid {first.pid}) is already running on" in second.stderr
        assert first.poll() is None, "the first one runs on"
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0
    again = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(cfg)], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert again.stderr is not None
        assert any("service started" in again.stderr.readline() for _ in range(50)), "a stopped one frees it"
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=30)


def test_a_data_folder_we_cannot_write_says_which_uid_needs_it(tmp_path: Path, site: ReplaySite) -> None:
    from tests.test_hostile import _without_write_override

    data = tmp_path / "data"
    data.mkdir()
    cfg = write_config(tmp_path, site, [], database=str(data / "monitor.sqlite3"))
    data.chmod(0o555)  # another user's bind mount, as this process sees it
    try:
        probe = subprocess.run([sys.executable, "-c", f"open({str(data / 'x')!r}, 'w')"],
                               preexec_fn=_without_write_override, capture_output=True, check=False)
        if probe.returncode == 0:
            pytest.skip("this process writes whatever the folder's mode says (root with CAP_DAC_OVERRIDE)")
        result = run_monitor("run", config=cfg, preexec_fn=_without_write_override)  # the container's command
    finally:
        data.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: {data / 'monitor.sqlite3'}: not writable by this process (uid {os.getuid()}")
    assert "chown -R" in line and "Traceback" not in result.stderr


@given(depth=st.integers(0, 5), cause=st.sampled_from(["dns", "refused", "unreachable"]),
       host=st.from_regex(r"[a-z][a-z0-9-]{0,20}\.[a-z]{2,6}(:[0-9]{1,5})?", fullmatch=True))
def test_the_root_cause_is_named_however_deeply_wrapped(depth: int, cause: str, host: str) -> None:
    root: BaseException = {"dns": socket.gaierror(-2, "Name or service not known"),
                           "refused": ConnectionRefusedError(111, "Connection refused"),
                           "unreachable": OSError(errno.ENETUNREACH, "Network is unreachable")}[cause]
    exc = root
    for n in range(depth):  # each library wraps the one below (`raise X from exc`)
        outer = RuntimeError(f"layer {n}: all attempts failed")
        outer.__cause__ = exc
        exc = outer
    said = connect_failure(exc, host)
    expected = {"dns": "not found (DNS)", "refused": "connection refused", "unreachable": "unreachable"}[cause]
    assert expected in said and host in said
    assert [w for w in ("not found (DNS)", "connection refused", "unreachable") if w in said] == [expected]
