"""Benchmark: accuracy of the real extract → decide path over the labelled corpus (pairs and sequences).

Run: python bench/accuracy.py — prints per-kind and micro-averaged precision / recall / F1,
false alerts on noise, the misses and the time per case. Numbers, not asserts (exit 0):
tests/test_corpus.py is what asserts.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.corpus import CASES, KINDS, SEQUENCES, Case, run_case, run_sequence  # noqa: E402

SILENT = frozenset({"body_edited:minor"})  # recorded, never alerted


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _run(case: Case) -> tuple[frozenset[str] | str, float]:
    start = time.perf_counter()
    try:
        got: frozenset[str] | str = run_case(case)
    except Exception as exc:  # an error is a miss, not a crash of the benchmark
        got = f"error: {type(exc).__name__}: {exc}"
    return got, (time.perf_counter() - start) * 1000


def main() -> int:
    results = [(case, *_run(case)) for case in CASES]
    counts = {k: [0, 0, 0] for k in KINDS}  # tp, fp, fn
    misses: list[tuple[Case, frozenset[str] | str]] = []
    noise = false_alerts = 0
    for case, got, _ in results:
        got_set = got if isinstance(got, frozenset) else frozenset()
        for k in KINDS:
            counts[k][0] += k in got_set and k in case.expected
            counts[k][1] += k in got_set and k not in case.expected
            counts[k][2] += k not in got_set and k in case.expected
        if not case.expected:
            noise += 1
            false_alerts += bool(got_set - SILENT) or isinstance(got, str)
        if got != case.expected:
            misses.append((case, got))

    print(f"accuracy corpus: {len(CASES)} cases\n")
    print(f"{'kind':<18} {'cases':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7} {'F1':>6}")
    for k in KINDS:
        tp, fp, fn = counts[k]
        p, r, f = _prf(tp, fp, fn)
        print(f"{k:<18} {tp + fn:>5} {tp:>4} {fp:>4} {fn:>4} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = _prf(tp, fp, fn)
    print(f"{'overall (micro)':<18} {tp + fn:>5} {tp:>4} {fp:>4} {fn:>4} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    exact = len(CASES) - len(misses)
    print(f"\nexact-match cases: {exact}/{len(CASES)}")
    print(f"noise cases: {noise}, false alerts: {false_alerts}")
    times = [ms for _, _, ms in results]
    print(f"time per case (extract both sides + decide): median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms, total {sum(times):.0f} ms")
    print(f"\nmisses: {len(misses)}")
    for case, got in misses:
        shown = sorted(got) if isinstance(got, frozenset) else got
        print(f"  {case.name}: expected {sorted(case.expected)}, got {shown}  — {case.note}")
    _sequences()
    return 0


def _sequences() -> None:
    """Multi-step cases: each step's reported kinds against its label; a swallowed recurrence is a miss."""
    steps = exact_steps = 0
    missed: list[str] = []
    start = time.perf_counter()
    for sequence in SEQUENCES:
        try:
            got: tuple[frozenset[str], ...] | None = run_sequence(sequence)
        except Exception as exc:  # an error is a miss, not a crash of the benchmark
            got = None
            missed.append(f"  {sequence.name}: error {type(exc).__name__}: {exc}")
        for i, want in enumerate(sequence.expected, start=1):
            steps += 1
            have = got[i - 1] if got is not None else None
            exact_steps += have == want
            if got is not None and have != want:
                missed.append(f"  {sequence.name} step {i}: expected {sorted(want)}, got {sorted(have or ())}"
                              f"  — {sequence.note}")
    ms = (time.perf_counter() - start) * 1000
    exact = sum(1 for s in SEQUENCES if not any(m.startswith(f"  {s.name} ") or m.startswith(f"  {s.name}:")
                                               for m in missed))
    print(f"\nmulti-step cases: {len(SEQUENCES)} sequences, {steps} labelled steps")
    print(f"exact sequences: {exact}/{len(SEQUENCES)}, exact steps: {exact_steps}/{steps}, {ms:.0f} ms in all")
    print(f"misses: {len(missed)}")
    for line in missed:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
