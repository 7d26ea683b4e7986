"""Benchmark: `monitor check` as a whole process over N replayed EFF-like pages, cold and warm.

Run: python bench/cycle.py [--n 50] — loopback only; prints a table. Numbers, not asserts:
targets live in the README, never in timed tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.compare import compare  # noqa: E402
from monitor.extract import extract_article  # noqa: E402
from tests.replay import ReplaySite  # noqa: E402
from tests.site import EFF, Article, article_page  # noqa: E402

SENTENCE = ("The treaty authorizes open-ended evidence gathering powers for crimes with little nexus to core "
            "cybercrimes, and has minimal safeguards and limitations. ")


def _article(i: int) -> Article:
    paragraphs = [f"Paragraph {p} of post {i}. " + SENTENCE * 4 for p in range(30)]
    return Article(path=f"/deeplinks/2025/01/post-{i}", title=f"Cybercrime Treaty post {i}", byline="EFF",
                   published="2025-01-01", notes=[f"Update (1/{i % 28 + 1}/2025): note {i}."], paragraphs=paragraphs)


def _run(cfg: Path) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["PYTHONPATH"] = str(REPO)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "monitor", "check", "--config", str(cfg)], env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50, help="tracked pages (default 50)")
    n = parser.parse_args().n
    articles = [_article(i) for i in range(n)]
    pages = [article_page(a) for a in articles]
    per_page = []
    for a, html in zip(articles[:50], pages[:50], strict=True):
        t0 = time.perf_counter()
        snap = extract_article(html, EFF + a.path)
        compare(snap, snap)
        snap.content_hash()
        per_page.append((time.perf_counter() - t0) * 1000)
    with ReplaySite() as site, tempfile.TemporaryDirectory() as tmp:
        for a, html in zip(articles, pages, strict=True):
            site.set(a.path, html)
        site.set("/rss/updates.xml", "<rss version='2.0'><channel><title>x</title></channel></rss>",
                 content_type="application/rss+xml")
        (Path(tmp) / "seeds").mkdir()
        cfg = Path(tmp) / "bench.toml"
        urls = ", ".join(f'"{EFF}{a.path}"' for a in articles)
        cfg.write_text(f'database = "db.sqlite3"\nseeds_dir = "seeds"\nhost_delay = 0\narticles = [{urls}]\n'
                       f'[rewrite]\n"{EFF}" = "{site.base_url}"\n')
        rows = []
        for state in ("cold", "warm (304s)"):
            hits = len(site.requests)
            wall, cpu, _ = _run(cfg)
            rows.append((state, wall, cpu, len(site.requests) - hits))
        size = (Path(tmp) / "db.sqlite3").stat().st_size
    print(f"pages: {n} (~{len(pages[0]) // 1024} KB each)")
    print(f"{'state':<14}{'wall s':>9}{'cpu s':>9}{'requests':>10}")
    for state, wall, cpu, reqs in rows:
        print(f"{state:<14}{wall:>9.2f}{cpu:>9.2f}{reqs:>10}")
    print(f"extract+canonicalize+compare per page: median {statistics.median(per_page):.2f} ms")
    print(f"database after 2 cycles: {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
