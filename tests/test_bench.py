"""The benches still run, each as the one command docs/benchmarks.md gives (small N), and print their tables.

Their figures are not asserted (speed targets live in docs/benchmarks.md), but what is not about speed is:
a warm cycle on nginx is all 304s, and a simulated hour of the service at its defaults, on a real
nginx with more articles than the budget can visit hourly, stays within `host_budget_per_hour`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.nginx import MISSING, NGINX

REPO = Path(__file__).resolve().parents[1]


def _require(tool: str | None, missing: str) -> None:
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must install it (see .ci/run)")
        pytest.skip(missing)


def _bench(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    done = subprocess.run([sys.executable, str(REPO / "bench" / "cycle.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_cycle_bench_on_nginx_prints_cold_warm_and_changed() -> None:
    _require(NGINX, MISSING)
    out = _bench("--n", "5", "--rounds", "1")
    warm = re.search(r"^warm \(304s\)\s+[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)", out, re.M)
    assert warm is not None, out
    assert warm.groups() == ("5", "5"), f"a warm cycle on nginx is 5 requests, all 304s:\n{out}"
    assert re.search(r"^1% changed\s.*\s1\s+[\d.]+$", out, re.M), f"one page changed, one alert:\n{out}"


def test_a_simulated_hour_of_the_service_stays_within_the_host_budget() -> None:
    _require(NGINX, MISSING)
    _require(shutil.which("faketime"), "Debian's faketime is absent (apt-get install faketime)")
    # 300 articles: the hourly promise would need 300 requests an hour, the budget allows 240. After the
    # first read and 1.5 h of warm-up every article is past its bound: the hour is in its steady state.
    out = _bench("--day", "--n", "300", "--hours", "1", "--warmup", "1.5", "--concurrency", "4")
    ours = re.search(r"^ours\S*[^\d]*([\d,]+)\s+([\d,]+)", out, re.M)
    assert ours is not None, out
    per_day, not_modified = (int(g.replace(",", "")) for g in ours.groups())
    assert 0.8 * 240 * 24 <= per_day <= 240 * 24, f"an hour of cycles spends the budget, never more:\n{out}"
    assert not_modified >= 0.9 * per_day, f"unchanged pages cost 304s:\n{out}"


def _extraction(*args: str) -> str:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "extraction.py"), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_extraction_bench_scores_each_half_of_a_stored_set() -> None:
    out = _extraction("--set", "dragnet", "--only", "ours", "--no-stability", "--repeat", "1")
    if "is absent" in out:
        pytest.skip(out.strip())  # the benchmark's scorer lives in ../shared
    for half, pages in (("tune", 113), ("held-out", 127)):
        assert f"dragnet / {half} ({pages} pages)" in out, out
    assert re.search(r"^ours\s+0\.\d{3}\s+0\.\d{3}\s+0\.\d{3}\s+\d+\s+[\d.]+\s+[\d.]+$", out, re.M), out


def test_a_set_naming_its_sites_is_split_by_site() -> None:
    """Postlight's pages name their site (8 sites have several pages): every page of a site falls in one
    half, so the held-out half holds only sites nobody tuned on (split by page id, 4 sites would straddle)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import extraction
    finally:
        sys.path.remove(str(REPO / "bench"))
    pages = extraction.load_set("postlight")
    if not pages:
        pytest.skip("bench/data/postlight is absent")
    sites = {p.key: p.key.split("--")[0] for p in pages}  # its ids are the site, then `--variant`
    halves: dict[str, set[str]] = {}
    for page in pages:
        halves.setdefault(sites[page.key], set()).add(page.half)
    assert all(len(h) == 1 for h in halves.values()), halves
    assert [sum(p.half == h for p in pages) for h in ("tune", "held-out")] == [70, 74]
    assert len(halves) < len(pages)  # some site has several pages: the rule is exercised


def test_extraction_bench_measures_the_peers_in_the_same_run() -> None:
    for module in ("trafilatura", "readability"):
        pytest.importorskip(module, reason=f"{module} is not installed (pip install -e '.[bench]'; CI does not)")
    out = _extraction("--set", "benchmark", "--no-stability", "--repeat", "1")
    if "is absent" in out:
        pytest.skip(out.strip())
    for reader in ("ours", "trafilatura", "readability"):
        assert re.search(rf"^{reader}\s+0\.\d{{3}}\s", out, re.M), out
