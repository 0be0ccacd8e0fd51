"""Benchmark: one what-if recompute (a slider move) at 9, 50 and 200 projects × 6 criteria, against issue 16's targets.

A recompute is everything that depends on the weights: the ranking (:func:`planlib.plans.priority.prioritize`),
the comparison with the baseline and Kendall's τ-b, the exact stability intervals of the top 5, and the rank
acceptability from 10,000 weight draws around the new weights (seeded, the what-if report's method). It is timed
two ways in this one run, each the median of 7 moves to weights not seen before (no cache hits):

* one-off: :func:`planlib.plans.whatif.whatif` + :func:`~planlib.plans.sensitivity.stability_intervals` +
  :func:`~planlib.plans.sensitivity.rank_acceptability`, as the report notebook calls them;
* session: :meth:`planlib.plans.whatif.Session.recompute` (what the live sliders call), whose results are checked
  to equal the one-off results here.

9 projects are hwfund's plan; 50 and 200 are random integer scores 1–5 with random weights (seeded). Targets
(issue 16): ≤ 20 ms at 50 projects, ≤ 50 ms at 200; the ratio printed is time / target (≤ 1 meets it).

Run: ``python benchmarks/bench_whatif.py`` (in the venv where planlib is installed)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import planlib
from planlib.plans import priority as pr
from planlib.plans import sensitivity as se
from planlib.plans import whatif as wi

DATA = Path(__file__).resolve().parents[1] / "data"
SIZES = (9, 50, 200)
TARGET_MS = {9: 20.0, 50: 20.0, 200: 50.0}  # 9 projects: no target of its own; held to the 50-project one
REPEATS, TOP_K, SEED, SAMPLES = 7, 5, 2568, 10_000


def problem(n: int) -> pr.Scoring:
    if n == 9:
        return pr.scoring(planlib.load_plan(DATA / "hwfund"))
    rng = np.random.default_rng(n)
    return pr.make_scoring(rng.integers(1, 6, (n, 6)).astype(float), weights=rng.uniform(0.5, 2.0, 6), scale=(1, 5))


def moves(sc: pr.Scoring) -> list[dict[str, float]]:
    """REPEATS weight vectors, each a slider move of one criterion to a value not used before."""
    base = pr.weight_vector(sc)
    return [{sc.criterion_codes[i % len(base)]: float(base.iloc[i % len(base)]) * (0.3 + 0.25 * i)}
            for i in range(REPEATS)]


def one_off(sc: pr.Scoring, weights: dict[str, float]) -> tuple[object, ...]:
    result = wi.whatif(sc, weights)
    full = wi.scenario_weights(sc, weights)
    intervals = se.stability_intervals(sc, full, top_k=TOP_K)
    acc = se.rank_acceptability(sc, full, seed=SEED, top_k=TOP_K, method="around", n_samples=SAMPLES)
    return result, intervals, acc


def median_ms(fn: Callable[[dict[str, float]], object], weights: list[dict[str, float]]) -> tuple[float, float]:
    """Median wall-clock and median CPU time (this process, all its threads) of one call per weight vector, ms.

    On a busy machine the wall time includes waiting for a core; the CPU time does not.
    """
    wall, cpu = [], []
    for w in weights:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(w)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def main() -> None:
    print(f"what-if recompute: ranking + comparison + τ-b + top-{TOP_K} stability intervals + {SAMPLES:,}-draw "
          f"acceptability (around), median of {REPEATS} new weight vectors")
    print(f"{'projects':>8} {'one-off ms':>11} {'session ms':>11} {'(cpu ms)':>9} {'speed-up':>9} {'target ms':>10} "
          f"{'session/target':>15}  same results")
    for n in SIZES:
        sc = problem(n)
        weights = moves(sc)
        session = wi.Session(sc, top_k=TOP_K, seed=SEED, n_samples=SAMPLES, method="around")
        t_old, _ = median_ms(lambda w, sc=sc: one_off(sc, w), weights)
        t_new, cpu_new = median_ms(session.recompute, weights)
        check = weights[-1]
        result, intervals, acc = one_off(sc, check)
        fresh = session.recompute(check)
        same = (
            fresh.comparison.equals(result.comparison)  # type: ignore[attr-defined]
            and fresh.intervals.equals(intervals)
            and fresh.acceptability.table.equals(acc.table)  # type: ignore[attr-defined]
        )
        print(f"{n:>8} {t_old:>11.1f} {t_new:>11.1f} {cpu_new:>9.1f} {t_old / t_new:>8.1f}× {TARGET_MS[n]:>10.0f} "
              f"{t_new / TARGET_MS[n]:>14.2f}×  {same}")


if __name__ == "__main__":
    main()
