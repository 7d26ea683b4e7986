"""Benchmark: the article reader on 181 real pages from many sites, and its stability under chrome changes.

Run: python bench/extraction.py [--repeat N] [--no-stability] [--only ours|trafilatura]

Reads ../shared/real/article-extraction-benchmark/ (pages, human-checked bodies, and the
benchmark's own scorer, imported from there, never copied). Prints, for ours and for
trafilatura when it is installed, side by side in one run (this machine's speed drifts):
F1 / precision / recall (the scorer's string-shingle figures), pages with no body, and the
time per page (parse included; the best of N runs of each page, then the median and p95 over
pages). Then stability: each page re-rendered with each kind of chrome change of
tests/mutations.py; a false change is a page whose canonical text (the Snapshot's content
hash: title, notes, body) differs from the unmutated page's, or that is read on one side and
not on the other. Numbers, not asserts (exit 0): tests/test_generic.py is what asserts.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.core.errors import MonitorError  # noqa: E402
from monitor.core.text import canonical, digest  # noqa: E402
from monitor.sources.extract import extract_article  # noqa: E402
from tests.mutations import MUTATIONS, mutate  # noqa: E402

BENCH = REPO.parent / "shared" / "real" / "article-extraction-benchmark"

# An extractor returns (body text for the scorer, identity for stability), or None when it reads no body.
Reader = Callable[[str, str], "tuple[str, str] | None"]


def ours(html: str, url: str) -> tuple[str, str] | None:
    try:
        snap = extract_article(html, url)
    except MonitorError:
        return None
    return "\n".join([*(n.text for n in snap.notes), *snap.paragraphs]), snap.content_hash()


def _trafilatura() -> Reader | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def read(html: str, url: str) -> tuple[str, str] | None:
        text = trafilatura.extract(html, url=url)
        return (text, digest(canonical(text))) if text else None

    return read


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("article_benchmark_evaluate", BENCH / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages() -> list[tuple[str, str, str, str]]:
    """(id, url, html, true body) for every page of the benchmark."""
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in truth.items():
        html = gzip.decompress((BENCH / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", errors="replace")
        pages.append((key, item.get("url", ""), html, item.get("articleBody", "")))
    return pages


def _timed(read: Reader, html: str, url: str, repeat: int) -> tuple[tuple[str, str] | None, float]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = read(html, url)
        best = min(best, time.perf_counter() - start)
    return result, best * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page; its time is the best (default 3)")
    parser.add_argument("--no-stability", action="store_true", help="skip the chrome-mutation stability figures")
    parser.add_argument("--only", choices=["ours", "trafilatura"], help="run one reader only")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"{BENCH} is absent: nothing to measure")
        return 0
    scorer = load_scorer()
    pages = load_pages()
    readers: dict[str, Reader] = {"ours": ours}
    other = _trafilatura()
    if other is not None:
        readers["trafilatura"] = other
    else:
        print("(trafilatura is not installed: pip install trafilatura lxml_html_clean to compare)")
    if args.only:
        readers = {k: v for k, v in readers.items() if k == args.only}

    results: dict[str, list[tuple[str, str] | None]] = {name: [] for name in readers}
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _, url, html, _ in pages:
        for name, read in readers.items():  # interleaved page by page, so drift hits both alike
            result, ms = _timed(read, html, url, args.repeat)
            results[name].append(result)
            times[name].append(ms)

    print(f"article-extraction-benchmark: {len(pages)} pages, time = best of {args.repeat} runs per page\n")
    print(f"{'reader':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'no body':>8} {'ms median':>10} {'ms p95':>8}")
    for name in readers:
        scores = [scorer.string_shingle_matching(true=truth, pred=(r[0] if r else ""))
                  for (_, _, _, truth), r in zip(pages, results[name], strict=True)]
        m = scorer.metrics_from_tp_fp_fns(scores)
        empty = sum(r is None for r in results[name])
        print(f"{name:<12} {m['f1']:>6.3f} {m['precision']:>6.3f} {m['recall']:>6.3f} {empty:>8} "
              f"{statistics.median(times[name]):>10.2f} {_p95(times[name]):>8.2f}")
    if len(readers) == 2:
        a, b = (statistics.median(t) for t in times.values())
        print(f"\ntime ratio trafilatura / ours (medians): {b / a:.1f}×")

    if not args.no_stability:
        kinds = [*MUTATIONS, "all"]
        print(f"\nstability: {len(pages)} pages × {len(kinds)} chrome mutations; false changes (goal 0)")
        print(f"{'reader':<12} " + " ".join(f"{k:>13}" for k in kinds) + f" {'total':>6}")
        for name, read in readers.items():
            row = []
            for kind in kinds:
                changed = 0
                for (key, url, html, _), before in zip(pages, results[name], strict=True):
                    after = read(mutate(html, kind, key), url)
                    changed += (before[1] if before else None) != (after[1] if after else None)
                row.append(changed)
            print(f"{name:<12} " + " ".join(f"{n:>13}" for n in row) + f" {sum(row):>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
