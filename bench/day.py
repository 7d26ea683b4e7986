"""Cost per day, side by side (`python bench/cycle.py --day --n 200|5000`): what a day of watching N pages
costs the site and the machine, ours as the service runs it vs urlwatch from cron every 15 minutes.

Ours: the product's defaults (a cycle every `feed_interval` from a random phase, `host_budget_per_hour`,
the hourly promise, the feed as a signal), each cycle a real `monitor check --due` process started
under Debian's faketime at its virtual time, so a day passes in minutes and the REAL schedule decides
what is fetched; the site's feed (its newest 50 posts, full bodies) is polled every cycle like
eff.org's. `host_delay` is 0 (spacing moves the wall time, not the requests, bytes or CPU). Warm-up
hours go first, uncounted, after one full read; halfway through, 1 % of the pages a day gain an update
note (and the feed with them).
urlwatch (with `--urlwatch`): 96 runs a day, each the median of `--rounds` warm runs on the same pages.

Requests, bytes (headers and body, as sent) and the server's CPU come from nginx's access log and
/proc; our CPU twice: whole processes (what cron `check --due` pays) and inside `run_cycle` once a
cycle's modules are loaded (what the long-running `monitor run` pays per cycle: it starts, reads its
settings and opens the database once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.runs import (
    CHROME,
    Run,
    Site,
    bench_config,
    median_run,
    run_monitor,
    run_urlwatch,
    urlwatch_jobs,
    with_note,
)
from monitor.config.declare import Settings
from tests.site import FEED_PATH, Article, article_page, feed

T0 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # the counted day starts here (virtual)
FEED_ITEMS = 50
URLWATCH_RUNS_PER_DAY = 24 * 4
EDITS_PER_DAY = 0.01  # of the pages: each gains an update note once (halfway through the window)
ROBOTS = "User-agent: *\nDisallow: /search/\n"


@dataclass
class Day:
    label: str
    requests: float
    not_modified: float
    mb: float
    checks_per_article: float
    cpu: float
    cycle_cpu: float
    server_cpu: float


def cost_per_day(args: argparse.Namespace, site: Site, articles: list[Article]) -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        raise SystemExit("bench: --day runs each cycle under faketime (Debian: apt-get install faketime)")
    product = Settings(database=Path("unused"))
    site.set("/robots.txt", ROBOTS)
    _publish(site, articles, edited=set())
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cfg = bench_config(tmp, site, articles, args.concurrency, feed=True)
        start = T0 - dt.timedelta(hours=args.warmup)
        run_monitor(cfg, "first read", site, "check", wrapper=_at(faketime, start - dt.timedelta(minutes=10)))
        counted: list[Run] = []
        edit_at = T0 + dt.timedelta(hours=args.hours / 2)
        edits = round(len(articles) * EDITS_PER_DAY * args.hours / 24)  # scaled up again with the rest
        edited: set[int] = set()
        k = 0
        phase = rng.uniform(0, product.jitter)  # the service: cycles exactly feed_interval apart from one phase
        while True:
            at = start + dt.timedelta(seconds=k * product.feed_interval + phase)
            if at >= T0 + dt.timedelta(hours=args.hours):
                break
            if at >= edit_at and not edited and edits:
                edited = set(range(0, len(articles), len(articles) // edits))
                _publish(site, articles, edited=edited)
            # The first cycle records the modules a cycle loads; later ones load them before their CPU counts.
            modules = {"modules_out": tmp / "modules"} if k == 0 else {"modules_in": tmp / "modules"}
            run = run_monitor(cfg, "cycle", site, "check", "--due", wrapper=_at(faketime, at), **modules)
            if at >= T0:
                counted.append(run)
            k += 1
        scale = 24 / args.hours
        ours = Day("ours: `monitor run` defaults", *_sum(counted, scale, len(articles)))
        theirs = None
        if args.urlwatch:
            urls = urlwatch_jobs(site, articles, tmp)
            run_urlwatch("cold", site, urls)  # fills its cache; not counted
            warm = median_run([run_urlwatch("warm", site, urls) for _ in range(max(args.rounds, 1))])
            theirs = Day("urlwatch every 15 min", *_sum([warm], URLWATCH_RUNS_PER_DAY, len(articles)))
    _print(args, product, ours, theirs, len(counted))


def _at(faketime: str, when: dt.datetime) -> tuple[str, ...]:
    """Run the child with its clock starting at `when` (UTC) and ticking on from there."""
    return ("env", "TZ=UTC", faketime, "-f", "@" + when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"))


def _publish(site: Site, articles: list[Article], *, edited: set[int]) -> None:
    """The pages and the feed of the newest 50 (here: the first 50); `edited` ones carry one more note."""
    current = [with_note(a) if i in edited else a for i, a in enumerate(articles)]
    for i, a in enumerate(current):
        if i in edited or not edited:
            site.set(a.path, article_page(a, extra_chrome=CHROME))
    site.set(FEED_PATH, feed(current[:FEED_ITEMS]), content_type="application/rss+xml; charset=utf-8")


def _sum(runs: list[Run], scale: float, n: int) -> tuple[float, float, float, float, float, float, float]:
    """Totals of the runs, scaled to a day: requests, 304s, MB, checks per article, CPU, cycle CPU, server CPU."""
    def total(name: str) -> float:
        values = [getattr(r, name) for r in runs]
        return math.nan if any(math.isnan(v) for v in values) else sum(values) * scale

    requests = total("requests")
    return (requests, total("not_modified"), total("kb") / 1024, requests / max(n, 1), total("cpu"),
            total("cycle_cpu"), total("server_cpu"))


def _print(args: argparse.Namespace, product: Settings, ours: Day, theirs: Day | None, cycles: int) -> None:
    print(f"cost per day: {args.n} pages on loopback {args.server}{' (gzip)' if args.gzip else ''}; ours simulated "
          f"over {args.hours:g} h ({cycles} cycles, scaled to 24 h) after {args.warmup:g} h of warm-up: "
          f"feed_interval {product.feed_interval:g} s from a phase of up to {product.jitter:g} s, host_budget_per_hour "
          f"{product.host_budget_per_hour:g}, recheck.max_interval {product.recheck.max_interval:g} s")
    head = (f"{'':<31}{'requests/day':>13}{'304s':>9}{'MB/day':>9}{'per page':>9}{'CPU s/day':>11}"
            f"{'cycles only':>12}{'server CPU s':>13}")
    print(head)
    for d in (ours, theirs) if theirs else (ours,):
        print(f"{d.label:<31}{d.requests:>13,.0f}{d.not_modified:>9,.0f}{d.mb:>9,.1f}{d.checks_per_article:>9.1f}"
              f"{d.cpu:>11,.1f}{d.cycle_cpu:>12,.1f}{d.server_cpu:>13,.2f}")
    print("('per page': requests per tracked page per day, feed polls included for ours; 'cycles only': our CPU "
          "inside run_cycle, what `monitor run` pays)")
    if theirs is None:
        return
    ratios = [theirs.requests / ours.requests, theirs.mb / ours.mb, theirs.cpu / ours.cpu,
              theirs.server_cpu / ours.server_cpu if ours.server_cpu else math.nan]
    print(f"{'urlwatch / ours':<31}{ratios[0]:>12.1f}×{'':>9}{ratios[1]:>8.1f}×{'':>9}{ratios[2]:>10.1f}×"
          f"{'':>12}{ratios[3]:>12.1f}×")
    print(f"(urlwatch: 96 × the median of {max(args.rounds, 1)} warm runs)")
