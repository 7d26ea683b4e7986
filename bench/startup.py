"""Start-up cost: wall time of `monitor --help`, `monitor check --help`, `import monitor.config` and of loading the
shipped config, plus what `python -X importtime` says `monitor.config` costs.

    python bench/startup.py [--runs 15] [--before DIR]

Each figure is the median (min–max) of --runs whole-process runs from a neutral directory. With --before DIR (a
checkout's tree, e.g. `git archive main monitor | tar -x -C DIR`) that tree runs too, interleaved run by run with
this one so both see the same machine, and the two columns print side by side.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CONFIG = ROOT / "config" / "monitor.toml"
COMMANDS = {
    "monitor --help": [PY, "-m", "monitor", "--help"],
    "monitor check --help": [PY, "-m", "monitor", "check", "--help"],
    "import monitor.config": [PY, "-c", "import monitor.config"],
    "load_settings(config/monitor.toml)": [
        PY, "-c", f"import pathlib, monitor.config; monitor.config.load_settings(pathlib.Path({str(CONFIG)!r}))"],
}


def run(cmd: list[str], tree: Path, cwd: str) -> float:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=env, cwd=cwd)
    return time.perf_counter() - start


def import_ms(tree: Path, cwd: str, runs: int) -> dict[str, float]:
    """Median cumulative import time (ms) of monitor.config and of the heavy packages it pulls in."""
    seen: dict[str, list[float]] = {}
    env = {**os.environ, "PYTHONPATH": str(tree)}
    for _ in range(runs):
        err = subprocess.run([PY, "-X", "importtime", "-c", "import monitor.config"], capture_output=True, text=True,
                             check=True, env=env, cwd=cwd).stderr
        for line in err.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
            if m and m.group(2) in ("monitor.config", "pydantic", "pydantic_core"):
                seen.setdefault(m.group(2), []).append(int(m.group(1)) / 1000)
    return {k: statistics.median(v) for k, v in seen.items()}


def show(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:5.0f} ms ({min(times) * 1000:.0f}–{max(times) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another tree holding a monitor/ package, to compare")
    args = parser.parse_args()
    trees = {"this tree": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    with tempfile.TemporaryDirectory() as cwd:  # not the checkout: its monitor/ would shadow PYTHONPATH
        print(f"{'median of ' + str(args.runs) + ' runs (min–max)':36}" + "".join(f"{t:>24}" for t in trees))
        for label, cmd in COMMANDS.items():
            times: dict[str, list[float]] = {t: [] for t in trees}
            for tree in trees.values():
                run(cmd, tree, cwd)  # warm the page cache
            for _ in range(args.runs):
                for name, tree in trees.items():
                    times[name].append(run(cmd, tree, cwd))
            print(f"{label:36}" + "".join(f"{show(times[t]):>24}" for t in trees))
        imports = {name: import_ms(tree, cwd, args.runs) for name, tree in trees.items()}
        for module in ("monitor.config", "pydantic"):
            cells = [f"{imports[t][module]:.1f} ms" if module in imports[t] else "not imported" for t in trees]
            print(f"{'importtime ' + module:36}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
