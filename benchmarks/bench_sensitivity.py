"""Benchmark: vectorised rank acceptability and exact stability intervals vs straightforward loops.

Problem: 500 projects × 10 criteria (random integer scores 1–5, random weights), 10,000 weight
samples (flat Dirichlet), ordered top-10 for the intervals. Everything is timed in this one run
and printed as ratios.

* Monte-Carlo: :func:`planlib.plans.sensitivity.rank_acceptability` (blocked W Aᵀ, one sort of packed keys per
  block, one bincount) against a per-sample loop (totals = A @ w, pandas ``rank(method="min")``,
  counts added per sample). The loop runs on the first ``LOOP_SAMPLES`` draws only and its time
  is scaled to 10,000 (it is linear in the number of samples); the two are checked to agree on
  those draws.
* Intervals: :func:`planlib.plans.sensitivity.stability_intervals` (all criteria × deciding pairs at
  once) against (a) the same crossing-point formula in a Python loop over criteria and pairs, and
  (b) a grid sweep (1,001 values of each weight, re-ranking all projects at each), which is what a
  spreadsheet what-if does and is only accurate to the grid step.

Run: ``python benchmarks/bench_sensitivity.py`` (in the venv where planlib is installed)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from planlib.plans import priority as pr
from planlib.plans import sensitivity as se

N_PROJECTS, N_CRITERIA, N_SAMPLES, TOP_K = 500, 10, 10_000, 10
LOOP_SAMPLES = 1_000
GRID = 1_001
T = TypeVar("T")


def make_problem(seed: int = 2568) -> pr.Scoring:
    rng = np.random.default_rng(seed)
    scores = rng.integers(1, 6, (N_PROJECTS, N_CRITERIA)).astype(float)
    return pr.make_scoring(scores, weights=rng.uniform(0.5, 2.0, N_CRITERIA), scale=(1, 5))


def acceptability_loop(sc: pr.Scoring, n_samples: int, seed: int) -> np.ndarray:
    """One sample at a time: draw, total, rank with pandas, count (same draws as the vectorised code)."""
    arrays = se.prepare(sc)
    code_order = sorted(range(len(arrays.codes)), key=lambda i: pr.natural_key(arrays.codes[i]))
    a = arrays.a[code_order]
    n = a.shape[0]
    rng = np.random.default_rng(seed)
    shares = arrays.w / arrays.w.sum()
    draws = se.sample_weights(n_samples, shares, "dirichlet", rng)  # drawn as the vectorised code draws its first batch
    counts = np.zeros((n, n))
    rows = np.arange(n)
    for w in draws:
        ranks = pd.Series(np.round(a @ w, 9)).rank(method="min", ascending=False).to_numpy(int)
        counts[rows, ranks - 1] += 1
    return counts / n_samples


def intervals_loop(sc: pr.Scoring, top_k: int) -> list[tuple[float, float]]:
    """The crossing-point formula, one criterion and one pair at a time in plain Python."""
    arrays = se.prepare(sc)
    a, w = arrays.a, arrays.w
    s = w / w.sum()
    total = a @ s
    upper, lower = se.deciding_pairs(arrays.order, top_k)
    out = []
    for k in range(len(s)):
        lo, hi = 0.0, 1.0
        for i, j in zip(upper, lower):
            r_i = (total[i] - s[k] * a[i, k]) / (1 - s[k])
            r_j = (total[j] - s[k] * a[j, k]) / (1 - s[k])
            slope = (a[i, k] - r_i) - (a[j, k] - r_j)
            if abs(slope) < 1e-12:
                continue
            t = s[k] - (total[i] - total[j]) / slope
            if slope > 0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
        out.append((min(lo, s[k]), max(hi, s[k])))
    return out


def intervals_grid(sc: pr.Scoring, top_k: int, steps: int) -> list[tuple[float, float]]:
    """Spreadsheet-style sweep: each weight over a grid, re-rank everything, keep the stable run."""
    arrays = se.prepare(sc)
    a, w = arrays.a, arrays.w
    s = w / w.sum()
    base = list(np.argsort(-np.round(a @ s, 9), kind="stable")[:top_k])
    grid = np.linspace(0, 1, steps)
    out = []
    for k in range(len(s)):
        same = []
        for t in grid:
            new = s * (1 - t) / (1 - s[k])
            new[k] = t
            same.append(t < 1 and list(np.argsort(-np.round(a @ new, 9), kind="stable")[:top_k]) == base)
        at = int(np.argmin(np.abs(grid - s[k])))
        lo = hi = at
        while lo > 0 and same[lo - 1]:
            lo -= 1
        while hi < steps - 1 and same[hi + 1]:
            hi += 1
        out.append((grid[lo], grid[hi]))
    return out


def timed(fn: Callable[..., T], *args: object, **kwargs: object) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    sc = make_problem()
    print(f"problem: {N_PROJECTS} projects × {N_CRITERIA} criteria, {N_SAMPLES:,} weight samples, ordered top-{TOP_K}")

    # ---- Monte-Carlo
    _, t_vec = timed(se.rank_acceptability, sc, n_samples=N_SAMPLES, seed=1, top_k=TOP_K)
    loop, t_loop_part = timed(acceptability_loop, sc, LOOP_SAMPLES, 1)
    check = se.rank_acceptability(sc, n_samples=LOOP_SAMPLES, seed=1, top_k=TOP_K, batch=N_SAMPLES)
    arrays = se.prepare(sc)
    code_order = sorted(arrays.codes, key=pr.natural_key)
    vec_part = check.table.loc[code_order, list(range(1, N_PROJECTS + 1))].to_numpy()
    agree = np.allclose(vec_part, loop)
    t_loop = t_loop_part * N_SAMPLES / LOOP_SAMPLES
    print("\nrank acceptability (P(rank = r) for 500 × 500 ranks)")
    print(f"  vectorised, {N_SAMPLES:,} samples:           {t_vec:8.3f} s")
    print(f"  per-sample loop, {LOOP_SAMPLES:,} samples measured: {t_loop_part:8.3f} s "
          f"→ scaled to {N_SAMPLES:,}: {t_loop:8.3f} s")
    print(f"  ratio loop / vectorised:               {t_loop / t_vec:8.1f}×   "
          f"(same counts on the {LOOP_SAMPLES:,} shared draws: {agree})")

    # ---- stability intervals (the ranking itself, se.prepare, is shared by all three and timed apart)
    arrays, t_prepare = timed(se.prepare, sc)
    upper, lower = se.deciding_pairs(arrays.order, TOP_K)
    _, t_core = timed(se.interval_bounds, arrays.a, arrays.w, upper, lower)
    exact, t_exact = timed(se.stability_intervals, sc, top_k=TOP_K)
    looped, t_pyloop = timed(intervals_loop, sc, TOP_K)
    grid, t_grid = timed(intervals_grid, sc, TOP_K, GRID)
    t_exact, t_pyloop, t_grid = t_exact - t_prepare, t_pyloop - t_prepare, t_grid - t_prepare
    same = np.allclose(exact[["share_low", "share_high"]].to_numpy(), np.array(looped))
    step = 1 / (GRID - 1)
    ends = zip(grid, exact["share_low"], exact["share_high"])
    within = all(
        lo_e - 1e-9 <= lo_g <= lo_e + step + 1e-9 and hi_e - step - 1e-9 <= hi_g <= hi_e + 1e-9
        for (lo_g, hi_g), lo_e, hi_e in ends
    )
    print("\nstability intervals (10 criteria, ordered top-10, 499 deciding pairs each)")
    print(f"  ranking the projects first (shared by all three, subtracted below): {t_prepare:.4f} s")
    print(f"  vectorised exact (interval_bounds core alone: {t_core:.4f} s): {t_exact:8.4f} s")
    print(f"  same formula, Python loop:             {t_pyloop:8.4f} s   ratio {t_pyloop / t_exact:8.1f}×   "
          f"(identical: {same})")
    print(f"  grid sweep, {GRID:,} points per weight:   {t_grid:8.4f} s   ratio {t_grid / t_exact:8.1f}×   "
          f"(grid within one step of exact: {within})")


if __name__ == "__main__":
    main()
