"""Benchmark: the real `monitor run`, its clock sped up, and every gap between two checks of one article.

    python bench/service_gaps.py [--n 200] [--hours 3] [--warmup 1.5] [--speed 60]

The service runs with the product's defaults (a cycle every `feed_interval` from a random phase,
`host_budget_per_hour` 240, the hourly promise, `host_delay` 2 s, the feed as a signal) under Debian's
libfaketime at `--speed`× its clock; the site is a loopback server on the real clock that logs when each
request came (real seconds × speed are the service's seconds). N EFF-sized articles are tracked, none
in the feed's 50 newest, no sitemap: the schedule alone. After `--warmup` hours (the first readings), it
prints per article gaps: how many, p50 / p95 / max, how many over the hour, and the requests in the
busiest sliding hour. The machine's load is part of the measure: at 60× a second of CPU is a minute of
the service's time, so a busy box stretches each cycle (what `Budget.measured` is for).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.runs import bench_article  # noqa: E402
from tests.site import EFF, FEED_PATH, Article, article_page, feed  # noqa: E402

HOUR = 3600.0


class Site:
    """Pages by path with their ETag (a 304 on a match); every request's real arrival time, by path."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = {path: (body, f'"{hash(body) & 0xFFFFFFFF:x}"') for path, body in pages.items()}
        self.log: list[tuple[float, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                site.log.append((time.monotonic(), self.path))
                body, etag = site.pages.get(self.path, (b"", ""))
                status = 404 if not etag else 304 if self.headers.get("If-None-Match") == etag else 200
                self.send_response(status)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body) if status == 200 else 0))
                self.end_headers()
                if status == 200:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--hours", type=float, default=3.0, help="service hours measured after the warm-up")
    parser.add_argument("--warmup", type=float, default=1.5, help="service hours first (the first readings)")
    parser.add_argument("--speed", type=int, default=60)
    args = parser.parse_args()
    faketime = shutil.which("faketime")
    if faketime is None:
        sys.exit("error: needs Debian's faketime (apt-get install faketime)")
    articles = [bench_article(i) for i in range(args.n)]
    old = [Article(path=f"/deeplinks/2024/01/other-{i}", title=f"Other post {i}", byline="EFF",
                   published="2024-01-01", notes=[], paragraphs=["Another post, not tracked."]) for i in range(50)]
    pages = {a.path: article_page(a).encode() for a in articles}
    pages[FEED_PATH] = feed(old).encode()  # the feed's 50 newest are other posts: the schedule alone
    site = Site(pages)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "seeds").mkdir()
        urls = ",\n".join(f'"{EFF}{a.path}"' for a in articles)
        cfg = Path(tmp) / "monitor.toml"
        cfg.write_text(f'database = "db.sqlite3"\nseeds_dir = "seeds"\nfeeds = ["{EFF}{FEED_PATH}"]\n'
                       f'notify = []\narticles = [\n{urls}]\n[rewrite]\n"{EFF}" = "{site.base}"\n'
                       "[treaty]\nenabled = false\n", encoding="utf-8")
        env = {"PYTHONPATH": str(REPO), "TZ": "UTC", "PATH": "/usr/bin:/bin", "NO_PROXY": "127.0.0.1"}
        started = time.monotonic()
        # faketime forks the service: its own session, so stopping the session stops the service too.
        proc = subprocess.Popen([faketime, "-f", f"+0 x{args.speed}", sys.executable, "-m", "monitor", "run",
                                 "--config", str(cfg)], cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep((args.warmup + args.hours) * HOUR / args.speed)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    report(site.log, started, args)


def report(log: list[tuple[float, str]], started: float, args: argparse.Namespace) -> None:
    """The service's seconds since its start, per request; gaps per article once the warm-up is over."""
    times = [((t - started) * args.speed, path) for t, path in log]
    warm = args.warmup * HOUR
    by_path: dict[str, list[float]] = {}
    for t, path in times:
        by_path.setdefault(path, []).append(t)
    gaps = [b - a for path, ts in by_path.items() if path.startswith("/deeplinks/2025/")
            for a, b in itertools.pairwise(ts) if a >= warm]
    ends = [(args.warmup + args.hours) * HOUR - ts[-1] for path, ts in by_path.items()
            if path.startswith("/deeplinks/2025/")]
    all_times = sorted(t for t, _ in times if t >= warm)
    lo, peak = 0, 0
    for hi, t in enumerate(all_times):
        while all_times[lo] <= t - HOUR:
            lo += 1
        peak = max(peak, hi - lo + 1)
    gaps.sort()
    read = sum(1 for path in by_path if path.startswith("/deeplinks/2025/"))
    print(f"N = {args.n}, {args.hours:g} h measured after {args.warmup:g} h, clock x{args.speed}: {read} articles read")
    if not gaps:
        print("no gaps measured")
        return
    print(f"gaps between two checks of one article: {len(gaps)}; p50 {statistics.median(gaps) / 60:.1f} min, "
          f"p95 {gaps[int(0.95 * (len(gaps) - 1))] / 60:.1f} min, max {gaps[-1] / 60:.1f} min; "
          f"over 60 min: {sum(g > HOUR for g in gaps)} ({100 * sum(g > HOUR for g in gaps) / len(gaps):.1f} %)")
    print(f"longest wait still running at the end: {max(ends) / 60:.1f} min")
    print(f"requests: {len(all_times) / args.hours:.0f} an hour on average, {peak} in the busiest sliding hour")


if __name__ == "__main__":
    main()
