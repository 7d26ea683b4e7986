"""Benchmark: `monitor check` as a whole process over N replayed ~54 KB EFF-like pages.

    python bench/cycle.py [--n 50|500|5000] [--urlwatch] [--rounds 3] [--concurrency 8]
                          [--server nginx|python] [--gzip]
    python bench/cycle.py --day [--urlwatch] [--n 200|5000] [--hours 24] [--warmup 3]

The pages are served by a real nginx (Debian nginx-light, started on loopback with the pages as
static files: its own ETag, Last-Modified and 304s; `--gzip` as eff.org) or, with `--server
python`, by our own replay server. Three states — cold (first fetch), warm (nothing changed:
304s), 1 % changed — each with wall time, CPU, peak RSS, requests, 304s, KB sent, alerts and
the server's CPU; the median in-process cost of extract + canonicalize + compare per page; the
database size. With --urlwatch, urlwatch (installed in bench/.venv-urlwatch on first use)
watches the same pages with a CSS filter on the article body, cold and warm, and
"urlwatch/ours" says how many times faster we are. Every figure is the median over --rounds
rounds, each on a fresh database.

`--day`: cost per day instead (bench/day.py): requests, 304s, MB, CPU seconds and the server's
CPU of a simulated day of the service at its defaults, next to urlwatch every 15 minutes.
Loopback only; numbers, never asserts (the targets live in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.runs import (  # noqa: E402
    CHROME,
    MEASURED,
    Run,
    Site,
    bench_article,
    bench_config,
    median_run,
    open_site,
    run_monitor,
    run_urlwatch,
    urlwatch_jobs,
    with_note,
)
from monitor.decide.compare import compare  # noqa: E402
from monitor.sources.extract import extract_article  # noqa: E402
from tests.site import EFF, Article, article_page, edit  # noqa: E402


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


def _round(args: argparse.Namespace, site: Site, articles: list[Article]) -> tuple[list[Run], float, list[Run]]:
    """One round on a fresh database: cold, warm, 1 % changed; then urlwatch cold and warm if asked."""
    for a in articles:
        site.set(a.path, article_page(a, extra_chrome=CHROME))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cfg = bench_config(tmp, site, articles, args.concurrency)
        runs = [run_monitor(cfg, "cold", site), run_monitor(cfg, "warm (304s)", site)]
        for a in articles[:: 100]:
            site.set(a.path, article_page(with_note(a), extra_chrome=CHROME))
        runs.append(run_monitor(cfg, "1% changed", site))
        db_kb = sum(p.stat().st_size for p in tmp.glob("db.sqlite3*")) / 1024
        theirs = []
        if args.urlwatch:
            urls = urlwatch_jobs(site, articles, tmp)
            theirs = [run_urlwatch("cold", site, urls), run_urlwatch("warm", site, urls)]
    return runs, db_kb, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=50, help="tracked pages (default 50; the issue asks 50/500/5000)")
    parser.add_argument("--urlwatch", action="store_true", help="also time urlwatch on the same pages")
    parser.add_argument("--concurrency", type=int, default=8, help="host_concurrency for the loopback host")
    parser.add_argument("--rounds", type=int, default=3, help="rounds on fresh databases; medians are printed")
    parser.add_argument("--server", choices=("nginx", "python"), default="nginx",
                        help="replay on a real nginx (default; Debian nginx-light) or on our Python server")
    parser.add_argument("--gzip", action="store_true", help="nginx compresses pages and feed, as eff.org does")
    parser.add_argument("--day", action="store_true",
                        help="cost per day instead: a simulated day of `monitor run` at its defaults (under faketime); "
                             "with --urlwatch next to urlwatch every 15 minutes")
    parser.add_argument("--monitor", type=Path, default=None, metavar="DIR",
                        help="run the monitor/ of another checkout (a worktree of an earlier commit): before/after")
    parser.add_argument("--hours", type=float, default=24.0, help="with --day: hours to simulate (scaled to a day)")
    parser.add_argument("--warmup", type=float, default=3.0, help="with --day: hours simulated first, not counted")
    args = parser.parse_args()
    if args.monitor is not None:
        if not (args.monitor / "monitor" / "cli.py").is_file():
            raise SystemExit(f"bench: {args.monitor} holds no monitor/ checkout")
        MEASURED[0] = args.monitor.resolve()
    articles = [bench_article(i) for i in range(args.n)]
    if args.day:
        from bench.day import cost_per_day

        site = open_site(args.server, gzip=args.gzip)
        try:
            cost_per_day(args, site, articles)
        finally:
            site.stop()
        return
    per_page = _per_page_ms(articles)  # before the server holds N pages: a big heap slows every GC pass
    site = open_site(args.server, gzip=args.gzip)
    try:
        rounds = [_round(args, site, articles) for _ in range(max(args.rounds, 1))]
    finally:
        site.stop()
    ours = [median_run([r[0][i] for r in rounds]) for i in range(3)]
    theirs = [median_run([r[2][i] for r in rounds]) for i in range(len(rounds[0][2]))]
    db_kb = rounds[-1][1]
    page_kb = len(article_page(articles[0], extra_chrome=CHROME).encode()) / 1024
    print(f"pages: {args.n} × {page_kb:.0f} KB, host_concurrency {args.concurrency}, loopback {args.server}"
          f"{' gzip' if args.gzip else ''}; median of {len(rounds)} rounds; monitor/ of {MEASURED[0]}")
    print(f"{'state':<16}{'wall s':>8}{'cpu s':>8}{'RSS MB':>8}{'requests':>10}{'304s':>8}{'KB sent':>10}"
          f"{'alerts':>8}{'server cpu s':>14}")
    for r in ours + theirs:
        print(f"{r.state:<16}{r.wall:>8.2f}{r.cpu:>8.2f}{r.rss_mb:>8.0f}{r.requests:>10.0f}{r.not_modified:>8.0f}"
              f"{r.kb:>10.0f}{r.alerts:>8.0f}{r.server_cpu:>14.2f}")
    print(f"per page, median CPU: unchanged (extract + hash) {per_page[0]:.2f} ms, "
          f"changed (extract + hash + compare) {per_page[1]:.2f} ms")
    print(f"database after 3 cycles: {db_kb / 1024:.1f} MB ({db_kb / max(args.n, 1):.1f} KB per article)")
    for theirs_run, our_run in zip(theirs, ours, strict=False):
        print(f"{theirs_run.state:<16} urlwatch/ours wall {theirs_run.wall / our_run.wall:.1f}×, "
              f"cpu {theirs_run.cpu / our_run.cpu:.1f}×")


if __name__ == "__main__":
    main()
