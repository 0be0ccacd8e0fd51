"""Illustrative quarterly actuals, so the progress reports can show a full quarter.

The source documents print plans, targets and past results, never the current year's quarterly
results. This seeded generator writes clearly labelled **illustrative** tables into
``data/<org>/synthetic/`` (read by :func:`planlib.load_plan`, listed in ``plan.synthetic`` and
labelled in every report):

* ``kpi_actuals.csv``: cumulative year-to-date result per KPI and quarter;
* ``activity_status.csv``: done month / % done of the planned activities;
* ``spending.csv``: money spent per project and quarter (only where the plan has a budget).

Examples: dsdw FY2566 Q1–Q2 (anchored on the published FY2565 results in ``kpi_history``),
hwfund FY2568 Q1–Q2, ditp FY2569 Q1. Run ``python -m planlib.plans.examples [data_dir]``; the same
seed gives byte-identical files. Real figures replace these by dropping real ``kpi_actuals`` /
``activities.done_month`` / ``spending`` tables in and deleting the ``synthetic/`` files (the
loader refuses a synthetic table that shadows a real one).

Rules (illustrative, not a forecast): a KPI's result at quarter q is
start + (path_q − start) × f, where path_q = start + (year target − start) × q / 4 and f is
drawn once per KPI from U(0.6, 1.2) (a KPI whose target equals its start gets start × U(0.97,
1.03)); levels are rounded to whole levels, percentages capped at 100. Start and year target
are those of :func:`planlib.plans.progress.kpi_progress`. An activity due by the last example
quarter is done with probability 0.75, in its last planned month or one month late; one not yet
due is done early with probability 0.1. Spending per quarter is U(0.10, 0.30) of the year's
budget, rounded to 100 baht.
"""

from __future__ import annotations

import csv
import random
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from planlib.inputs import thai
from planlib.inputs.dataset import Plan
from planlib.inputs.load import load_plan
from planlib.plans import kpi, progress

EXAMPLES: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("dsdw", 2566, (1, 2)),
    ("hwfund", 2568, (1, 2)),
    ("ditp", 2569, (1,)),
)
"""(organisation folder, BE fiscal year, quarters) of the committed examples."""

NOTE = "ตัวอย่างสมมติ ไม่ใช่ผลจริง / ILLUSTRATIVE example, not a real result (python -m planlib.plans.examples, seed {seed})"
SYNTHETIC_TABLES = ("kpi_actuals", "activity_status", "spending")


def seed_for(org: str, fiscal_year: int) -> int:
    """The generator's seed: CRC-32 of ``"<org>-<fy>"`` (stable across Python versions)."""
    return zlib.crc32(f"{org}-{fiscal_year}".encode())


def _is_level(unit: object) -> bool:
    return isinstance(unit, str) and ("ระดับ" in unit or "level" in unit.lower())


Rows = list[dict[str, object]]
"""Rows of one illustrative table, ready for :func:`write_table`."""


def kpi_actuals(plan: Plan, fiscal_year: int, quarters: Sequence[int], rng: random.Random, note: str) -> Rows:
    """Illustrative cumulative results for every KPI that has a year target or levels (rule in the module docstring)."""
    with_levels = set(plan["kpi_levels"]["kpi_code"]) if plan.has("kpi_levels") else set()
    targeted = set()
    if plan.has("kpi_targets"):
        targets = plan["kpi_targets"]
        targeted = set(targets.loc[targets["fiscal_year"] == fiscal_year, "kpi_code"])
    scope = progress.kpi_progress(plan, fiscal_year, 4, codes=with_levels | targeted)
    kpis = kpi.kpi_table(plan)
    rows: list[dict[str, object]] = []
    for _, k in scope.iterrows():
        code = k["kpi_code"]
        if pd.isna(k["year_target"]):
            continue
        start, target = float(k["start"]), float(k["year_target"])
        unit = kpis.loc[code, "unit"]
        f = rng.uniform(0.6, 1.2)
        flat = rng.uniform(0.97, 1.03)
        for q in quarters:
            path = start + (target - start) * q / 4
            value = start * flat if abs(target - start) < 1e-9 else start + (path - start) * f
            if _is_level(unit):
                value = float(round(value))
            if kpi.is_percent(unit):
                value = min(value, 100.0)
            row = {"kpi_code": code, "fiscal_year": fiscal_year, "quarter": q, "value": round(value, 2), "note": note}
            rows.append(row)
    return rows


def activity_status(plan: Plan, fiscal_year: int, quarters: Sequence[int], rng: random.Random, note: str) -> Rows:
    """Illustrative done months and % done of the activities started by the last example quarter."""
    last = progress.quarter_months(fiscal_year, max(quarters))[-1]
    acts = progress.activity_table(plan, fiscal_year)
    rows: list[dict[str, object]] = []
    for _, act in acts.iterrows():
        if act["status_source"] == "activities" and pd.notna(act["done_month"]):
            continue  # a real done month is never replaced
        if act["first_month"] > last:
            continue
        u, late, pct = rng.random(), rng.random(), rng.choice((20, 30, 40, 50, 60, 70, 80))
        done = None
        if act["last_month"] <= last and u < 0.75:
            done = act["last_month"] + (1 if late < 0.3 else 0)
        elif act["last_month"] > last and u < 0.1:
            done = act["first_month"]
        if done is not None and done > last:
            done = None
        rows.append({
            "owner_code": act["owner_code"],
            "activity_no": act["activity_no"],
            "done_month": "" if done is None else str(done),
            "progress_pct": 100 if done is not None else pct,
            "as_of": str(last),
            "note": note,
        })
    return rows


def spending(plan: Plan, fiscal_year: int, quarters: Sequence[int], rng: random.Random, note: str) -> Rows:
    """Illustrative spending per project and quarter, for the projects budgeted in the year."""
    if not plan.has("budgets"):
        return []
    budgets = plan["budgets"]
    planned = budgets[budgets["fiscal_year"] == fiscal_year].groupby("project_code", sort=False)["amount"].sum()
    rows: list[dict[str, object]] = []
    for code, amount in planned.items():
        for q in quarters:
            spent = round(amount * rng.uniform(0.10, 0.30) / 100) * 100
            rows.append({"project_code": code, "fiscal_year": fiscal_year, "quarter": q, "amount": spent, "note": note})
    return rows


def generate(plan: Plan, fiscal_year: int, quarters: Sequence[int], seed: int) -> dict[str, Rows]:
    """The three illustrative tables for one organisation, as rows (same seed → same rows)."""
    rng = random.Random(seed)
    note = NOTE.format(seed=seed)
    return {
        "kpi_actuals": kpi_actuals(plan, fiscal_year, quarters, rng, note),
        "activity_status": activity_status(plan, fiscal_year, quarters, rng, note),
        "spending": spending(plan, fiscal_year, quarters, rng, note),
    }


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return "" if value is None else str(value)


def write_table(rows: list[dict[str, object]], path: Path) -> Path:
    """Write rows as UTF-8 CSV with ``\\n`` line ends and fixed number formatting (byte-stable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_format(v) for v in row.values()])
    return path


def write_examples(data_dir: str | Path = "data", orgs: Sequence[str] | None = None) -> list[Path]:
    """Regenerate ``<data_dir>/<org>/synthetic/{kpi_actuals,activity_status,spending}.csv``.

    The plan is loaded without its old synthetic tables, so regenerating never feeds on itself.
    """
    written: list[Path] = []
    for org, fy, quarters in EXAMPLES:
        if orgs and org not in orgs:
            continue
        folder = Path(data_dir) / org
        if not folder.is_dir():
            continue
        plan = load_plan(folder, synthetic=False)
        tables = generate(plan, fy, quarters, seed_for(org, fy))
        for name in SYNTHETIC_TABLES:
            path = folder / "synthetic" / f"{name}.csv"
            if tables[name]:
                written.append(write_table(tables[name], path))
            elif path.exists():
                path.unlink()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m planlib.plans.examples [data_dir] [org …]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = args[0] if args else "data"
    for path in write_examples(data_dir, args[1:] or None):
        print(f"wrote {path}")
    print(f"illustrative examples for {', '.join(f'{o} {thai.format_fiscal_year(fy)}' for o, fy, _ in EXAMPLES)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
