"""Every way in has the cycle's bounds: `monitor extract` and every command's arguments.

Real processes of the CLI against loopback servers that trickle, flood or inflate, and against files
that are not files (a FIFO, a device, a directory): each is one `error:` line and exit 1, within the
deadline and in bounded memory (the child's peak RSS, from wait4).
"""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.cli import main
from monitor.store.database import open_store
from tests.conftest import REPO

DEADLINE = 2.0  # MONITOR_TIMEOUT for these runs
CAP = 1_000_000  # MONITOR_MAX_BYTES
MEMORY_MB = 150  # the CLI's own peak is ~50 MB here; reading a flood whole would take hundreds


@contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server that reads a request and lets `answer` write whatever it likes on the socket."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                answer(conn)
            except OSError:
                pass  # the client gave up: what these tests want

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/article"
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def trickle(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>")
    for _ in range(120):  # a byte every half second: each read is quick, the whole never ends
        time.sleep(0.5)
        conn.sendall(b"x")


def flood(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>")
    block = b"<p>" + b"a" * 65_000 + b"</p>"
    for _ in range(3000):  # ~200 MB, no Content-Length to refuse it by
        conn.sendall(block)


def inflating(megabytes: int) -> bytes:
    """A gzip body of ~1 KB per MB it inflates to (zeros), made a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b"<html><body><p>")]
    zeros = bytes(1 << 20)
    parts += [packer.compress(zeros) for _ in range(megabytes)]
    return b"".join(parts) + packer.flush()


@functools.cache
def _bomb_body() -> bytes:
    return inflating(300)


def bomb(conn: socket.socket) -> None:
    body = _bomb_body()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def extract(*args: str, tmp: Path) -> tuple[int, str, str, float, float]:
    """(exit status, stdout, stderr, seconds, peak RSS in MB) of `monitor extract ARGS`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(MONITOR_TIMEOUT=str(DEADLINE), MONITOR_MAX_BYTES=str(CAP), PYTHONPATH=str(REPO),
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    started = time.monotonic()
    with (tmp / "out").open("w+") as out, (tmp / "err").open("w+") as err:
        child = subprocess.Popen([sys.executable, "-m", "monitor", "extract", *args], stdout=out, stderr=err,
                                 env=env, text=True)
        peak = [0.0]
        watcher = threading.Thread(target=_watch_peak, args=(child, peak), daemon=True)
        watcher.start()
        try:
            child.wait(60)  # a hang fails the test instead of holding it
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        watcher.join()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return child.returncode, out.read(), err.read(), seconds, peak[0]


def _watch_peak(child: subprocess.Popen[str], peak: list[float]) -> None:
    """The child's own high-water mark of resident memory (VmHWM: its own, from exec on; the RSS of a
    forked child would count the parent's pages too), read until it exits."""
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.01)


def assert_one_error_line(code: int, out: str, err: str, *expected: str) -> None:
    assert code == 1, (code, out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    for text in expected:
        assert text in err, err


@pytest.mark.parametrize(("answer", "expected"), [(trickle, "timed out"), (flood, "too large"),
                                                  (bomb, "too large")], ids=["trickle", "flood", "bomb"])
def test_extract_of_a_url_is_bounded_by_the_deadline_and_the_cap(answer: Callable[[socket.socket], None],
                                                                 expected: str, tmp_path: Path) -> None:
    _bomb_body()  # made before the clock starts
    with raw_server(answer) as url:
        code, out, err, seconds, peak = extract(url, tmp=tmp_path)
    assert_one_error_line(code, out, err, expected)
    assert seconds < DEADLINE + 10, f"{seconds:.1f} s: the deadline is {DEADLINE} s (plus the CLI's start)"
    assert peak < MEMORY_MB, f"peak RSS {peak:.0f} MB"


def test_extract_reads_only_regular_files_of_bounded_size(tmp_path: Path) -> None:
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)  # nobody writes: reading it would block forever
    big = tmp_path / "big.html"
    with big.open("wb") as f:
        f.truncate(CAP + 1)
    cases = {str(fifo): "a FIFO", "/dev/zero": "a device", str(tmp_path): "a directory", str(big): "too large"}
    for target, expected in cases.items():
        code, out, err, seconds, peak = extract(target, tmp=tmp_path)
        assert_one_error_line(code, out, err, "not a regular file" if expected.startswith("a ") else "", expected)
        assert seconds < DEADLINE + 10 and peak < MEMORY_MB, (target, seconds, peak)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_bad_argument_is_our_one_line_error_in_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text(f'database = "{tmp_path / "m.sqlite3"}"\n', encoding="utf-8")
    open_store(tmp_path / "m.sqlite3").close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")} | {"PYTHONPATH": str(REPO)}
    long_url = "https://www.eff.org/deeplinks/" + "a" * 5000
    for args in (["export", "--wacz", str(tmp_path)], ["export", "--wacz", str(tmp_path / "x.wacz"), "--url",
                                                       "https://www.eff.org/x\r\nerror: forged line\n"],
                 ["export", "--wacz", str(tmp_path / "x.wacz"), "--url", long_url], ["diff", "u", "x"],
                 ["check", "--no-such-option"], ["status", "--json", "extra"]):
        done = subprocess.run([sys.executable, "-m", "monitor", *args, "--config", str(tmp_path / "monitor.toml")],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 1, (args, done.stderr)
        assert done.stdout == "" and done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
        assert "\r" not in done.stderr and len(done.stderr) < 500, done.stderr
        assert "forged line" not in done.stderr or "\\r\\nerror: forged line\\n" in done.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["history", "diff", "export"]), value=st.text(min_size=1, max_size=3000))
def test_any_text_as_an_argument_is_one_line(tmp_path: Path, command: str, value: str) -> None:
    db = tmp_path / "m.sqlite3"
    config = tmp_path / "monitor.toml"
    if not config.exists():
        config.write_text(f'database = "{db}"\n', encoding="utf-8")
        open_store(db).close()
    args = {"history": ["--", value], "diff": ["--", "https://www.eff.org/x", value],
            "export": ["--wacz", str(tmp_path / "x.wacz"), f"--url={value}"]}[command]
    code, output = cli(command, "--config", str(config), *args)
    assert code == 1, output
    assert output.count("\n") == 1 and output.startswith("error: ") and len(output) < 520, output
