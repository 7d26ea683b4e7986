"""Benchmark: `monitor check` as a whole process over N replayed ~60 KB EFF-like pages.

    python bench/cycle.py [--n 50|500|5000] [--urlwatch] [--rounds 3] [--concurrency 8]

Three states — cold (first fetch), warm (nothing changed: 304s), 1 % changed — each
with wall time, CPU, peak RSS, requests, KB received and alerts; the median in-process
cost of extract + canonicalize + compare per page; the database size. With --urlwatch,
urlwatch (installed in bench/.venv-urlwatch on first use) watches the same pages with a
CSS filter on the article body, cold and warm, and "urlwatch/ours" says how many times
faster we are. Every figure is the median over --rounds rounds, each on a fresh database.
Loopback only; numbers, never asserts (the targets live in the README).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.decide.compare import compare  # noqa: E402
from monitor.sources.extract import extract_article  # noqa: E402
from tests.replay import LoopbackServer  # noqa: E402
from tests.site import EFF, Article, article_page, edit  # noqa: E402

SENTENCE = ("The treaty authorizes open-ended evidence gathering powers for crimes with little nexus to core "
            "cybercrimes, and has minimal safeguards and limitations. ")
# Drupal pages carry ~35 KB of settings JSON and markup outside the article: pad to a realistic size.
CHROME = "<script>jQuery.extend(Drupal.settings, " + '{"x":"' + "y" * 30000 + '"});</script>'
URLWATCH_VENV = REPO / "bench" / ".venv-urlwatch"


def _article(i: int) -> Article:
    paragraphs = [f"Paragraph {p} of post {i}: " + SENTENCE * 3 for p in range(30)]
    return Article(path=f"/deeplinks/2025/01/post-{i}", title=f"Cybercrime Treaty post {i}", byline="EFF",
                   published="2025-01-01", notes=[f"Update (1/{i % 28 + 1}/2025): note {i}."], paragraphs=paragraphs)


class _Pages:
    """path → body with its ETag, served by a threaded loopback server that also answers 304s."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.requests = 0
        self.bytes_sent = 0
        pages = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: with Nagle on, each keep-alive response
            # waits ~40 ms for the client's delayed ACK, which no production server does.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                pages.requests += 1
                body, etag = pages.bodies.get(self.path, (b"", ""))
                if not etag:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etag:
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
                pages.bytes_sent += len(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = LoopbackServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def set(self, path: str, html: str) -> None:
        body = html.encode("utf-8")
        self.bodies[path] = (body, '"' + hashlib.sha1(body).hexdigest() + '"')


@dataclass
class Run:
    state: str
    wall: float
    cpu: float
    rss_mb: float
    requests: int
    kb: float
    alerts: int


def _child_env() -> dict[str, str]:
    """Both programs as deployed: bytecode cached (a shell with PYTHONDONTWRITEBYTECODE would make
    every run compile its sources), no MONITOR_* overrides from the caller."""
    return {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_") and k != "PYTHONDONTWRITEBYTECODE"}


def _monitor(cfg: Path, state: str, pages: _Pages) -> Run:
    env = {**_child_env(), "PYTHONPATH": str(REPO)}
    # The child reports its own peak RSS from VmHWM: ru_maxrss survives exec on Linux and would
    # count this parent's pages (all N bodies), getrusage(RUSAGE_CHILDREN) the largest child's.
    code = ("import runpy, sys\nsys.argv = ['monitor', 'check', '--config', sys.argv[1]]\n"
            "try:\n    runpy.run_module('monitor', run_name='__main__')\nfinally:\n"
            "    hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
            "    print('maxrss', hwm, file=sys.stderr)\n")
    before = os.times()
    requests, sent = pages.requests, pages.bytes_sent
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(cfg)], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"monitor check failed ({done.returncode}):\n{done.stderr[-2000:]}")
    rss = int(re.search(r"maxrss (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    alerts = int(re.search(r"(\d+) alerts created", done.stdout).group(1))  # type: ignore[union-attr]
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Run(state, wall, cpu, rss / 1024, pages.requests - requests, (pages.bytes_sent - sent) / 1024, alerts)


def _urlwatch(n: int, pages: _Pages, articles: list[Article], tmp: Path) -> list[tuple[str, float, float]]:
    if not (URLWATCH_VENV / "bin" / "urlwatch").exists():
        subprocess.run([sys.executable, "-m", "venv", str(URLWATCH_VENV)], check=True)
        subprocess.run([str(URLWATCH_VENV / "bin" / "pip"), "install", "-q", "urlwatch", "cssselect"], check=True)
    jobs = "\n---\n".join(
        f'name: "{a.title}"\nurl: "{pages.base_url}{a.path}"\nfilter:\n  - css: ".field--name-body"'
        for a in articles
    )
    (tmp / "urls.yaml").write_text(jobs + "\n")
    results = []
    for state in ("cold", "warm"):
        before = os.times()
        started = time.perf_counter()
        subprocess.run([str(URLWATCH_VENV / "bin" / "urlwatch"), "--urls", str(tmp / "urls.yaml"),
                        "--config", str(tmp / "urlwatch.yaml"), "--cache", str(tmp / "urlwatch.db")],
                       env=_child_env(), capture_output=True, check=True)
        wall = time.perf_counter() - started
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        results.append((state, wall, cpu))
    return results


def _per_page_ms(articles: list[Article]) -> tuple[float, float]:
    """Median in-process CPU per page (ms) of (a) an unchanged 200 page: extract and canonical hash,
    (b) a changed one: extract, hash and compare with the stored snapshot."""
    sample = articles[:100]
    pages = [article_page(a, extra_chrome=CHROME) for a in sample]
    olds = [extract_article(html, EFF + a.path) for a, html in zip(sample, pages, strict=True)]
    news = [article_page(edit(a, "Paragraph 7 of", "Paragraph seven of"), extra_chrome=CHROME) for a in sample]
    unchanged, changed = [], []
    for a, old, same, html in zip(sample, olds, pages, news, strict=True):
        t0 = time.process_time()
        extract_article(same, EFF + a.path).content_hash()
        t1 = time.process_time()
        new = extract_article(html, EFF + a.path)
        new.content_hash()
        compare(old, new)
        t2 = time.process_time()
        unchanged.append((t1 - t0) * 1000)
        changed.append((t2 - t1) * 1000)
    return statistics.median(unchanged), statistics.median(changed)


def _round(args: argparse.Namespace, pages: _Pages, articles: list[Article]) -> tuple[list[Run], float, list[Run]]:
    """One round on a fresh database: cold, warm, 1 % changed; then urlwatch cold and warm if asked."""
    for a in articles:
        pages.set(a.path, article_page(a, extra_chrome=CHROME))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "seeds").mkdir()
        cfg = tmp / "bench.toml"
        urls = ",\n".join(f'"{EFF}{a.path}"' for a in articles)
        cfg.write_text(f'database = "db.sqlite3"\nseeds_dir = "seeds"\nfeeds = []\nhost_delay = 0\n'
                       f"host_concurrency = {args.concurrency}\narticles = [\n{urls}]\n"
                       f'[rewrite]\n"{EFF}" = "{pages.base_url}"\n')
        runs = [_monitor(cfg, "cold", pages), _monitor(cfg, "warm (304s)", pages)]
        for a in articles[:: 100]:
            pages.set(a.path, article_page(replace(a, notes=[*a.notes, "Update (2/2/2026): one more."]),
                                           extra_chrome=CHROME))
        runs.append(_monitor(cfg, "1% changed", pages))
        db_kb = sum(p.stat().st_size for p in tmp.glob("db.sqlite3*")) / 1024
        theirs = _urlwatch(args.n, pages, articles, tmp) if args.urlwatch else []
    return runs, db_kb, [Run(f"urlwatch {state}", wall, cpu, 0, 0, 0, 0) for state, wall, cpu in theirs]


def _median(runs: list[Run]) -> Run:
    """Per measure, the median over rounds (one busy moment on the machine must not be the figure)."""
    return Run(runs[0].state, *(statistics.median(getattr(r, k) for r in runs)  # type: ignore[arg-type]
                                for k in ("wall", "cpu", "rss_mb", "requests", "kb", "alerts")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=50, help="tracked pages (default 50; the issue asks 50/500/5000)")
    parser.add_argument("--urlwatch", action="store_true", help="also time urlwatch on the same pages")
    parser.add_argument("--concurrency", type=int, default=8, help="host_concurrency for the loopback host")
    parser.add_argument("--rounds", type=int, default=3, help="rounds on fresh databases; medians are printed")
    args = parser.parse_args()
    articles = [_article(i) for i in range(args.n)]
    per_page = _per_page_ms(articles)  # before the server holds N pages: a big heap slows every GC pass
    pages = _Pages()
    rounds = [_round(args, pages, articles) for _ in range(max(args.rounds, 1))]
    ours = [_median([r[0][i] for r in rounds]) for i in range(3)]
    theirs = [_median([r[2][i] for r in rounds]) for i in range(len(rounds[0][2]))]
    db_kb = rounds[-1][1]
    page_kb = len(pages.bodies[articles[0].path][0]) / 1024
    print(f"pages: {args.n} × {page_kb:.0f} KB, host_concurrency {args.concurrency}, loopback; "
          f"median of {len(rounds)} rounds")
    print(f"{'state':<14}{'wall s':>8}{'cpu s':>8}{'RSS MB':>8}{'requests':>10}{'KB in':>10}{'alerts':>8}")
    for r in ours:
        print(f"{r.state:<14}{r.wall:>8.2f}{r.cpu:>8.2f}{r.rss_mb:>8.0f}{r.requests:>10.0f}{r.kb:>10.0f}{r.alerts:>8.0f}")
    print(f"per page, median CPU: unchanged (extract + hash) {per_page[0]:.2f} ms, "
          f"changed (extract + hash + compare) {per_page[1]:.2f} ms")
    print(f"database after 3 cycles: {db_kb / 1024:.1f} MB ({db_kb / max(args.n, 1):.1f} KB per article)")
    for theirs_run, our_run in zip(theirs, ours, strict=False):
        print(f"{theirs_run.state:<14} wall {theirs_run.wall:6.2f} s, cpu {theirs_run.cpu:6.2f} s   "
              f"urlwatch/ours wall {theirs_run.wall / our_run.wall:.1f}×, cpu {theirs_run.cpu / our_run.cpu:.1f}×")


if __name__ == "__main__":
    main()
