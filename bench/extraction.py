"""Benchmark: the article reader beside trafilatura and readability-lxml on sets of real pages with
human-checked bodies, and its stability under chrome changes.

Run: python bench/extraction.py [--set benchmark|dragnet|fundus|postlight|all] [--repeat N] [--no-stability]
                                [--only ours|trafilatura|readability]

Sets (`--set`, repeatable; default: every set present):
- benchmark: the 181 pages of ../shared/real/article-extraction-benchmark/ (pages, bodies and the
  token scorer, imported from there, never copied). The generic reader was tuned on them: all tuned.
- dragnet: bench/data/dragnet/ (240 pages of Dragnet's 2012 data, AGPLv3, see its SOURCE.md), split
  by a hash of each page's id into a *tune* half and a *held-out* half: thresholds are tuned on the
  first only; the held-out half is what we report.
- fundus: bench/data/fundus/ (256 news pages of 181 publishers in 41 countries, 2023-2026, with the body
  each publisher's hand-written Fundus parser reads; MIT, see its SOURCE.md), split the same way by a
  hash of the publisher (no site on both sides).
- postlight: bench/data/postlight/ (144 pages of 133 sites, news and blogs mostly, 2016-2022, with the body
  each site's hand-written Postlight Parser extractor selects; MIT or Apache-2.0, see its SOURCE.md), split
  by a hash of the site (no site on both sides).

Prints, for each set and half, for each reader measured in the same run page by page (this machine's
speed drifts): F1 / precision / recall (the benchmark scorer's string-shingle figures), pages with no
body, and the time per page (parse included; best of N runs, then the median and p95 over pages).
trafilatura runs with the benchmark's settings and comments off; readability-lxml's summary HTML is
turned into text. Then stability: each page re-rendered with each kind of chrome change of
tests/mutations.py; a false change is a page whose identity (ours: the Snapshot's content hash; the
others: a hash of their canonical text) differs from the unmutated page's, or that is read on one side
and not the other. Numbers, not asserts (exit 0): tests/test_generic.py is what asserts.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import lzma
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from monitor.core.errors import MonitorError  # noqa: E402
from monitor.core.text import canonical, digest  # noqa: E402
from monitor.sources.extract import extract_article  # noqa: E402
from tests.mutations import MUTATIONS, mutate  # noqa: E402

BENCH = REPO.parent / "shared" / "real" / "article-extraction-benchmark"
DATA = REPO / "bench" / "data"
SETS = ("benchmark", "dragnet", "fundus", "postlight")

# An extractor returns (body text for the scorer, identity for stability), or None when it reads no body.
Reader = Callable[[str, str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: str
    truth: str
    half: str  # "tuned" (the 181-page benchmark), "tune" or "held-out"


def ours(html: str, url: str) -> tuple[str, str] | None:
    try:
        snap = extract_article(html, url)
    except MonitorError:
        return None
    return "\n".join([*(n.text for n in snap.notes), *snap.paragraphs]), snap.content_hash()


def _identity(text: str | None) -> tuple[str, str] | None:
    return (text, digest(canonical(text))) if text and text.strip() else None


def _trafilatura() -> Reader | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def read(html: str, url: str) -> tuple[str, str] | None:
        return _identity(trafilatura.extract(html, url=url, include_comments=False))

    return read


# Elements after which readability's summary HTML breaks a line (its text is scored as words, so only
# word boundaries matter).
_BREAKS = frozenset(("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "blockquote",
                     "pre", "dd", "dt", "figcaption", "section", "article", "table", "ul", "ol"))


def _readability() -> Reader | None:
    try:
        import lxml.html
        from readability import Document
    except ImportError:
        return None

    def read(html: str, url: str) -> tuple[str, str] | None:
        try:
            summary = Document(html, url=url).summary(html_partial=True)
            root = lxml.html.fromstring(summary)
        except Exception:  # readability raises on pages it cannot read (empty, unparsable): no body
            return None
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag in _BREAKS:
                element.tail = "\n" + (element.tail or "")
        return _identity(root.text_content())

    return read


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("article_benchmark_evaluate", BENCH / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A page id ending in its crawl date (fundus: "de/Spiegel_2024_03_01"): the split key is its publisher. A set
# whose pages name their site (postlight: "site") is split by that site.
_DATED = re.compile(r"(?:_\d{4}_\d{2}_\d{2})+$")


def score(scorer: ModuleType, truth: str, pred: str) -> tuple[float, float, float]:
    """The scorer's (tp, fp, fn) shares, both texts in NFC first: a page written in decomposed letters
    ("u" + combining diaeresis) would otherwise not match the same words composed, which the scorer's
    \\w+ tokens split at the mark; a reader that composes them (ours does) is then scored on an artefact."""
    return scorer.string_shingle_matching(true=unicodedata.normalize("NFC", truth),
                                          pred=unicodedata.normalize("NFC", pred))


def half_of(key: str) -> str:
    """The page's half of a data set, from a hash of its id: the same on every machine and run."""
    return "tune" if int(hashlib.sha1(f"split:{key}".encode()).hexdigest()[-1], 16) % 2 == 0 else "held-out"


def load_pages() -> list[tuple[str, str, str, str]]:
    """(id, url, html, true body) for every page of the 181-page benchmark."""
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in truth.items():
        html = gzip.decompress((BENCH / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", errors="replace")
        pages.append((key, item.get("url", ""), html, item.get("articleBody", "")))
    return pages


def load_set(name: str) -> list[Page]:
    """The pages of a set ([] when it is absent on this machine)."""
    if name == "benchmark":
        if not BENCH.is_dir():
            return []
        return [Page(key, url, html, truth, "tuned") for key, url, html, truth in load_pages()]
    folder = DATA / name
    path = next((p for p in (folder / "pages.jsonl.xz", folder / "pages.jsonl.gz") if p.is_file()), None)
    if path is None:
        return []
    with (lzma.open(path, "rt", encoding="utf-8") if path.suffix == ".xz"
          else gzip.open(path, "rt", encoding="utf-8")) as source:
        items = [json.loads(line) for line in source]
    # A set without URLs (Dragnet): an address on a host no profile knows, so every reader reads it as a page.
    return [Page(i["id"], i.get("url") or f"https://pages.example/{name}/{i['id']}", i["html"], i["truth"],
                 half_of(i.get("site") or _DATED.sub("", i["id"]))) for i in items]


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


def _readers(only: str | None) -> dict[str, Reader]:
    readers: dict[str, Reader] = {"ours": ours}
    for name, make, hint in (("trafilatura", _trafilatura, "trafilatura lxml_html_clean"),
                             ("readability", _readability, "readability-lxml")):
        reader = make()
        if reader is not None:
            readers[name] = reader
        else:
            print(f"({name} is not installed: pip install -e '.[bench]' or pip install {hint} to compare)")
    return {k: v for k, v in readers.items() if not only or k == only}


def _score_set(name: str, pages: list[Page], readers: dict[str, Reader], scorer: ModuleType, repeat: int,
               stability: bool) -> None:
    results: dict[str, list[tuple[str, str] | None]] = {r: [] for r in readers}
    times: dict[str, list[float]] = {r: [] for r in readers}
    for page in pages:
        for reader, read in readers.items():  # interleaved page by page, so drift hits all alike
            result, ms = _timed(read, page.html, page.url, repeat)
            results[reader].append(result)
            times[reader].append(ms)
    halves = sorted({p.half for p in pages}, key=["tuned", "tune", "held-out"].index)
    print(f"\n== {name}: {len(pages)} pages, time = best of {repeat} runs per page")
    for half in halves:
        index = [i for i, p in enumerate(pages) if p.half == half]
        print(f"\n{name} / {half} ({len(index)} pages)")
        print(f"{'reader':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'no body':>8} {'ms median':>10} {'ms p95':>8}")
        for reader in readers:
            scores = [score(scorer, pages[i].truth, (results[reader][i] or ("", ""))[0]) for i in index]
            m = scorer.metrics_from_tp_fp_fns(scores)
            empty = sum(results[reader][i] is None for i in index)
            ms = [times[reader][i] for i in index]
            print(f"{reader:<12} {m['f1']:>6.3f} {m['precision']:>6.3f} {m['recall']:>6.3f} {empty:>8} "
                  f"{statistics.median(ms):>10.2f} {_p95(ms):>8.2f}")
    if not stability:
        return
    kinds = [*MUTATIONS, "all"]
    print(f"\n{name} stability: {len(pages)} pages × {len(kinds)} chrome mutations; false changes (goal 0)")
    print(f"{'reader':<12} " + " ".join(f"{k:>13}" for k in kinds) + f" {'total':>6}")
    for reader, read in readers.items():
        row = []
        for kind in kinds:
            changed = 0
            for page, before in zip(pages, results[reader], strict=True):
                after = read(mutate(page.html, kind, page.key), page.url)
                changed += (before[1] if before else None) != (after[1] if after else None)
            row.append(changed)
        print(f"{reader:<12} " + " ".join(f"{n:>13}" for n in row) + f" {sum(row):>6}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", choices=[*SETS, "all"], dest="sets",
                        help="a set to score (repeatable; default: every set present)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page; its time is the best (default 3)")
    parser.add_argument("--no-stability", action="store_true", help="skip the chrome-mutation stability figures")
    parser.add_argument("--only", choices=["ours", "trafilatura", "readability"], help="run one reader only")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"{BENCH} is absent: its token scorer is what every set is scored with; nothing to measure")
        return 0
    names = SETS if not args.sets or "all" in args.sets else tuple(dict.fromkeys(args.sets))
    scorer = load_scorer()
    readers = _readers(args.only)
    for name in names:
        pages = load_set(name)
        if not pages:
            print(f"\n== {name}: absent on this machine, skipped")
            continue
        _score_set(name, pages, readers, scorer, args.repeat, not args.no_stability)
    return 0


if __name__ == "__main__":
    sys.exit(main())
