"""Quarterly progress at scale: hwfund's 36 activities replicated ×1, ×10, ×100, timed side by side.

Run: ``python benchmarks/bench_progress.py``. Prints the time per report and the ratio to ×1
(linear growth means the ratio tracks the multiplier). Not part of the test suite.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pandas as pd

import planlib
from planlib.plans import kpi, progress

ROOT = Path(__file__).resolve().parents[1]


def scaled(plan: planlib.Plan, times: int) -> planlib.Plan:
    acts = plan.activities
    copies = [acts.assign(owner_code=acts["owner_code"] + (f"x{i}" if i else "")) for i in range(times)]
    tables = dict(plan.tables, activities=pd.concat(copies))
    return dataclasses.replace(plan, tables=tables)


def main() -> None:
    plan = planlib.load_plan(ROOT / "data" / "hwfund")
    base = None
    for times in (1, 10, 100):
        big = scaled(plan, times)
        start = time.perf_counter()
        for _ in range(3):
            report = progress.quarterly_progress(big, 2568, 2)
        took = (time.perf_counter() - start) / 3
        base = base or took
        rows = len(report.activities)
        print(f"activities ×{times:>3} ({rows:>5} rows): {took * 1000:7.0f} ms per report, ratio {took / base:5.1f}")
    values = pd.DataFrame({"kpi_code": ["K1"] * 1, "value": [3.3]})
    for method in kpi.METHODS:
        start = time.perf_counter()
        for _ in range(200):
            kpi.score_kpis(plan, values, method=method)
        print(f"score_kpis {method:>12}: {(time.perf_counter() - start) / 200 * 1000:6.2f} ms per call")


if __name__ == "__main__":
    main()
