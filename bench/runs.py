"""What the benches share: EFF-like pages of realistic size, the replay server (a real nginx, or ours),
and `monitor` / urlwatch run as whole processes with what each run cost the client and the server."""

from __future__ import annotations

import hashlib
import math
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, fields, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.nginx import MISSING, NGINX, NginxSite, Served
from tests.replay import LoopbackServer
from tests.site import EFF, FEED_PATH, Article

REPO = Path(__file__).resolve().parents[1]
SENTENCE = ("The treaty authorizes open-ended evidence gathering powers for crimes with little nexus to core "
            "cybercrimes, and has minimal safeguards and limitations. ")
# Drupal pages carry ~35 KB of settings JSON and markup outside the article: pad to a realistic size.
CHROME = "<script>jQuery.extend(Drupal.settings, " + '{"x":"' + "y" * 30000 + '"});</script>'
URLWATCH_VENV = REPO / "bench" / ".venv-urlwatch"


def bench_article(i: int) -> Article:
    paragraphs = [f"Paragraph {p} of post {i}: " + SENTENCE * 3 for p in range(30)]
    return Article(path=f"/deeplinks/2025/01/post-{i}", title=f"Cybercrime Treaty post {i}", byline="EFF",
                   published="2025-01-01", notes=[f"Update (1/{i % 28 + 1}/2025): note {i}."], paragraphs=paragraphs)


class _Pages:
    """Our Python replay server (`--server python`): path → body with its ETag, 304 on a match."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.log: list[Served] = []
        pages = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: with Nagle on, each keep-alive response
            # waits ~40 ms for the client's delayed ACK, which no production server does.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                body, etag = pages.bodies.get(self.path, (b"", ""))
                if not etag:
                    pages.log.append(Served(404, 0, self.path))
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etag:
                    pages.log.append(Served(304, 0, self.path))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                pages.log.append(Served(200, len(body), self.path))

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = LoopbackServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def set(self, path: str, body: str | bytes, **_: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.bodies[path] = (data, '"' + hashlib.sha1(data).hexdigest() + '"')

    def log_mark(self) -> int:
        return len(self.log)

    def served(self, since: int = 0) -> list[Served]:
        return self.log[since:]  # bodies only: this server's header bytes are not counted

    def cpu_seconds(self) -> float | None:
        return None  # a thread of this process: its CPU cannot be told from the bench's own

    def stop(self) -> None:
        self.server.shutdown()


Site = _Pages | NginxSite


def open_site(server: str, *, gzip: bool = False) -> Site:
    """The replay server the bench runs against: nginx (static files, its own validators) or ours."""
    if server == "python":
        return _Pages()
    if NGINX is None:
        raise SystemExit(f"bench: {MISSING}; or run with --server python")
    return NginxSite(gzip=gzip).start()


@dataclass
class Run:
    state: str
    wall: float
    cpu: float
    rss_mb: float
    requests: int
    kb: float  # what the server sent (nginx: headers and body; ours: bodies)
    alerts: int
    not_modified: int = 0  # requests answered 304
    server_cpu: float = math.nan  # the server's CPU seconds (nginx only)
    cycle_cpu: float = math.nan  # our CPU after interpreter start-up and imports: what `monitor run` pays


def _child_env() -> dict[str, str]:
    """Both programs as deployed: bytecode cached (a shell with PYTHONDONTWRITEBYTECODE would make
    every run compile its sources), no MONITOR_* overrides from the caller."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_") and k != "PYTHONDONTWRITEBYTECODE"}


# The child reports its own peak RSS from VmHWM (ru_maxrss survives exec on Linux and would count
# this parent's pages, getrusage(RUSAGE_CHILDREN) the largest child's) and the CPU spent inside
# `run_cycle`: what each cycle of a long-running `monitor run` costs (it starts, loads its settings and
# opens the database once). Modules the cycle would import lazily are loaded first when BENCH_MODULES_IN
# lists them (written by an earlier identical run through BENCH_MODULES_OUT): loaded anyway, so the
# process's total is unchanged, and a service pays them once.
_CHILD = """import importlib, os, runpy, sys, time
import monitor.cli
for name in open(os.environ['BENCH_MODULES_IN']).read().split() if os.environ.get('BENCH_MODULES_IN') else ():
    try:
        importlib.import_module(name)
    except Exception:
        pass
spent = 0.0
run_cycle = monitor.cli.run_cycle
async def timed_cycle(*args, **kwargs):
    global spent
    started = time.process_time()
    try:
        return await run_cycle(*args, **kwargs)
    finally:
        spent += time.process_time() - started
monitor.cli.run_cycle = timed_cycle
sys.argv = ['monitor', *sys.argv[1:]]
try:
    runpy.run_module('monitor', run_name='__main__')
finally:
    hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]
    print('maxrss', hwm, 'cycle_cpu', spent, 'from', monitor.cli.__file__, file=sys.stderr)
    if os.environ.get('BENCH_MODULES_OUT'):
        open(os.environ['BENCH_MODULES_OUT'], 'w').write(' '.join(m for m in sorted(sys.modules) if m != '__main__'))
"""
RUN_DEADLINE = 1800.0  # seconds one measured process may take (a cold N = 5000 takes ~25 s): a hang ends the bench
MEASURED = [REPO]  # the checkout whose monitor/ the child processes run (bench/cycle.py --monitor DIR)


def _served(site: Site, mark: int, server_cpu_before: float | None) -> dict[str, float]:
    served = site.served(mark)
    after = site.cpu_seconds()
    return {"requests": len(served), "kb": sum(s.bytes_sent for s in served) / 1024,
            "not_modified": sum(s.status == 304 for s in served),
            "server_cpu": after - server_cpu_before if after is not None and server_cpu_before is not None
            else math.nan}


def run_monitor(cfg: Path, state: str, site: Site, *argv: str, wrapper: tuple[str, ...] = (),
                modules_in: Path | None = None, modules_out: Path | None = None) -> Run:
    """`monitor ARGV --config CFG` as a whole process (under `wrapper`, e.g. faketime), with what it cost;
    `modules_out` records the modules it ended with, `modules_in` loads such a list before its CPU counts."""
    env = {**_child_env(), "PYTHONPATH": str(MEASURED[0])}
    env.update({k: str(v) for k, v in (("BENCH_MODULES_IN", modules_in), ("BENCH_MODULES_OUT", modules_out)) if v})
    before, mark, server_before = os.times(), site.log_mark(), site.cpu_seconds()
    started = time.perf_counter()
    # -P: `python -c` would put the working directory first on sys.path, ahead of PYTHONPATH, and run the
    # monitor/ of wherever the bench was started instead of the measured checkout.
    done = subprocess.run([*wrapper, sys.executable, "-P", "-c", _CHILD, *(argv or ("check",)), "--config", str(cfg)],
                          env=env, capture_output=True, text=True, timeout=RUN_DEADLINE)
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"monitor {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    figures = re.search(r"maxrss (\d+) cycle_cpu ([\d.e-]+) from (.+)", done.stderr)
    alerts = re.search(r"(\d+) alerts created", done.stdout)
    if figures is None or alerts is None:
        raise SystemExit(f"bench: unexpected output of monitor {' '.join(argv)}:\n{done.stdout[-1000:]}")
    if not Path(figures.group(3)).resolve().is_relative_to(MEASURED[0]):
        raise SystemExit(f"bench: the child ran {figures.group(3)}, not the monitor/ of {MEASURED[0]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(state, wall, cpu, int(figures.group(1)) / 1024, alerts=int(alerts.group(1)),
               cycle_cpu=float(figures.group(2)), **_served(site, mark, server_before))  # type: ignore[arg-type]


def urlwatch_jobs(site: Site, articles: list[Article], tmp: Path) -> Path:
    """urlwatch (installed in bench/.venv-urlwatch on first use) set up on the same pages, a CSS filter on the body."""
    if not (URLWATCH_VENV / "bin" / "urlwatch").exists():
        subprocess.run([sys.executable, "-m", "venv", str(URLWATCH_VENV)], check=True)
        subprocess.run([str(URLWATCH_VENV / "bin" / "pip"), "install", "-q", "urlwatch", "cssselect"], check=True,
                       timeout=RUN_DEADLINE)
    jobs = "\n---\n".join(
        f'name: "{a.title}"\nurl: "{site.base_url}{a.path}"\nfilter:\n  - css: ".field--name-body"'
        for a in articles
    )
    (tmp / "urls.yaml").write_text(jobs + "\n")
    return tmp / "urls.yaml"


def run_urlwatch(state: str, site: Site, urls: Path) -> Run:
    tmp = urls.parent
    before, mark, server_before = os.times(), site.log_mark(), site.cpu_seconds()
    started = time.perf_counter()
    subprocess.run([str(URLWATCH_VENV / "bin" / "urlwatch"), "--urls", str(urls), "--config",
                    str(tmp / "urlwatch.yaml"), "--cache", str(tmp / "urlwatch.db")],
                   env=_child_env(), capture_output=True, check=True, timeout=RUN_DEADLINE)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(f"urlwatch {state}", wall, cpu, 0, alerts=0, **_served(site, mark, server_before))  # type: ignore[arg-type]


def bench_config(tmp: Path, site: Site, articles: list[Article], concurrency: int, *, feed: bool = False) -> Path:
    """The monitor's config for the replayed pages: the product's defaults but `host_delay` 0 (spacing
    changes the wall time, not the requests, bytes or CPU) and `concurrency` connections to the host."""
    (tmp / "seeds").mkdir(exist_ok=True)
    cfg = tmp / "bench.toml"
    urls = ",\n".join(f'"{EFF}{a.path}"' for a in articles)
    feeds = f'["{EFF}{FEED_PATH}"]' if feed else "[]"
    cfg.write_text(f'database = "db.sqlite3"\nseeds_dir = "seeds"\nfeeds = {feeds}\nhost_delay = 0\n'
                   f"host_concurrency = {concurrency}\narticles = [\n{urls}]\n"
                   f'[rewrite]\n"{EFF}" = "{site.base_url}"\n'
                   "[treaty]\nenabled = false\n")  # the treaty's status is read from treaties.un.org: never here
    return cfg


def with_note(a: Article, note: str = "Update (2/2/2026): one more.") -> Article:
    return replace(a, notes=[*a.notes, note])


def median_run(runs: list[Run]) -> Run:
    """Per measure, the median over rounds (one busy moment on the machine must not be the figure)."""
    names = [f.name for f in fields(Run)][1:]
    return Run(runs[0].state, *(statistics.median(getattr(r, k) for r in runs) for k in names))


