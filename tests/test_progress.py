"""A long cycle shows its progress: on a terminal's stderr for `check`, one log line a minute for `run`;
quiet when stderr is not a terminal, or with --quiet."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from monitor.app.progress import Progress
from tests.conftest import REPO, run_monitor, write_config
from tests.receivers import JsonReceiver
from tests.replay import ReplaySite


def test_the_line_counts_done_of_due_names_the_host_and_the_time_left() -> None:
    clock = [0.0]
    lines: list[str] = []
    progress = Progress(lines.append, every=60, final=False, clock=lambda: clock[0])
    urls = [f"https://www.eff.org/deeplinks/{i}" for i in range(100)] + ["https://example.org/a"]
    progress.start(urls, lambda host: 2.0)
    for url in urls[:30]:
        clock[0] += 2
        progress.done(url)
    assert lines == ["checked 30 of 101 articles; waiting on www.eff.org (2 s apart); about 2 min 20 s left"]
    for url in urls[30:]:
        clock[0] += 2
        progress.done(url)
    assert len(lines) == 3, "one line a minute, none at the end for the service"


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run `python -m monitor ARGS` with stderr on a pseudo-terminal; returns (status, stdout, terminal)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = str(REPO)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    proc = subprocess.Popen([sys.executable, "-m", "monitor", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=slave, text=True)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out, _ = proc.communicate(timeout=60)
    os.close(master)
    return proc.returncode, out, seen.decode("utf-8", "replace")


def test_check_shows_progress_on_a_terminal_only(tmp_path: Path, site: ReplaySite, receiver: JsonReceiver) -> None:
    cfg = write_config(tmp_path, site, [receiver.url()])
    status, out, terminal = _on_a_terminal(["check", "--config", str(cfg)], tmp_path)
    assert status == 0 and "checked 4 articles" in out
    assert "checked 4 of 4 articles" in terminal and "\r" in terminal, "drawn in place on stderr"

    status, out, terminal = _on_a_terminal(["check", "--quiet", "--config", str(cfg)], tmp_path)
    assert status == 0 and "checked 4 articles" in out and "of 4 articles" not in terminal

    piped = run_monitor("check", config=cfg)
    assert piped.returncode == 0 and "of 4 articles" not in piped.stderr, "stderr not a terminal: quiet"
