"""Value for money: benefit and cost items scored per project, ratio ΣB/ΣC, banded.

DITP (seed 001 §5.3, L829–877) scores each plan on five benefit items B1–B5 and five cost items
C1–C5, each 1–3 by a printed rubric (L859–869), and divides: *ให้นำคะแนนรวมของ (B) มาเป็นตัวตั้ง
แล้วนำคะแนนรวมของ (C) มาหาร* (L873), i.e. ``B/C = ΣB / ΣC``. The ratio is banded 0–0.75 low value
(should not proceed), 0.76–1.50 medium (can proceed), above 1.50 quite high (should strongly
proceed) (L875–877), kept in ``bands`` with ``scheme = bc_ratio``.

The source prints the ratio rounded to 2 decimals and gets some wrong: 13/8 = 1.625 is printed
1.65 for plans 1.4.1 and 2.1.1 but 1.62 for plan 2.2.1. A printed ratio is accepted when it is
the computed one rounded (either way) to the decimals printed, so 1.62 passes and 1.65 is flagged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from planlib.inputs import checks
from planlib.inputs.dataset import Dataset
from planlib.inputs.problems import Problem
from planlib.plans.bands import band_of, band_table, check_mark, natural_key

ITEM_SCALE = (1.0, 3.0)
"""Each benefit/cost item is scored 1–3 (seed 001 rubric, L859–869)."""


def bc_ratios(benefit_cost: pd.DataFrame) -> pd.DataFrame:
    """Per project: sum_b = ΣB, sum_c = ΣC, items_b, items_c, bc_ratio = ΣB / ΣC (seed 001 L873).

    The ratio is NaN when a side has no items or ΣC = 0 (the checks report both).
    DITP: 1.1.1 → 14/8 = 1.75, 1.4.1 → 13/8 = 1.625, 1.2.1 → 12/9 = 1.333….
    """
    frame = benefit_cost.assign(project_code=benefit_cost["project_code"].astype(str))
    sums = frame.pivot_table(index="project_code", columns="side", values="score", aggfunc="sum", sort=False)
    counts = frame.pivot_table(index="project_code", columns="side", values="score", aggfunc="count", sort=False)
    out = pd.DataFrame(index=pd.Index(frame["project_code"].unique(), name="project_code"))
    out["sum_b"] = sums.get("benefit", pd.Series(dtype=float)).reindex(out.index)
    out["sum_c"] = sums.get("cost", pd.Series(dtype=float)).reindex(out.index)
    out["items_b"] = counts.get("benefit", pd.Series(dtype=float)).reindex(out.index).fillna(0).astype(int)
    out["items_c"] = counts.get("cost", pd.Series(dtype=float)).reindex(out.index).fillna(0).astype(int)
    ok = (out["items_b"] > 0) & (out["items_c"] > 0) & (out["sum_c"] > 0)
    out["bc_ratio"] = (out["sum_b"] / out["sum_c"]).where(ok)
    return out


def printed_decimals(value: float) -> int:
    """Decimals a printed number carries: 1.65 → 2, 1.5 → 1, 2 → 0 (up to 6)."""
    for d in range(7):
        if math.isclose(round(value, d), value, abs_tol=1e-12):
            return d
    return 6


def ratio_agrees(printed: float, computed: float) -> bool:
    """True when ``printed`` is ``computed`` rounded to the printed decimals, either way.

    |printed − computed| ≤ ½ · 10^−d (+1e-9), d = :func:`printed_decimals`; 1.62 and 1.63 both
    agree with 1.625, 1.65 does not (seed 001 L830–831 vs L834).
    """
    d = printed_decimals(printed)
    return abs(printed - computed) <= 0.5 * 10**-d + 1e-9


def value_for_money(plan: Dataset) -> pd.DataFrame:
    """The value-for-money table: ΣB, ΣC, B/C, band, the printed ratio and whether it agrees.

    One row per project with benefit/cost items, best ratio first. ``band`` comes from the plan's
    ``bands`` with ``scheme = bc_ratio`` (inclusive, as printed); ``ratio_ok`` is
    :func:`ratio_agrees` (NA when nothing is printed).
    """
    ratios = bc_ratios(plan.benefit_cost)
    out = ratios.reset_index()
    names = pd.Series(dtype=object)
    printed = pd.Series(dtype=float)
    if plan.has("projects"):
        proj = plan.projects.set_index(plan.projects["code"].astype(str))
        names = proj["name_th"]
        if "printed_bc_ratio" in proj:
            printed = proj["printed_bc_ratio"]
    out.insert(1, "name_th", out["project_code"].map(names))
    found = band_of(out["bc_ratio"], band_table(plan, "bc_ratio"))
    out["band"], out["band_order"] = found["band"], found["band_order"]
    out["printed_bc_ratio"] = out["project_code"].map(printed).astype(float)
    agree = [
        pd.NA if pd.isna(p) or pd.isna(c) else ratio_agrees(float(p), float(c))
        for p, c in zip(out["printed_bc_ratio"], out["bc_ratio"])
    ]
    out["ratio_ok"] = pd.array(agree, dtype="boolean")
    out["_nat"] = out["project_code"].map(natural_key)
    out = out.sort_values(["bc_ratio", "_nat"], ascending=[False, True], na_position="last")
    return out.drop(columns="_nat").reset_index(drop=True)


def items_table(benefit_cost: pd.DataFrame) -> pd.DataFrame:
    """Item scores wide, as the source prints them: project, B1…Bn, ΣB, C1…Cn, ΣC, B/C."""
    frame = benefit_cost.assign(project_code=benefit_cost["project_code"].astype(str))
    wide = frame.pivot_table(index="project_code", columns="item_code", values="score", aggfunc="sum", sort=False)
    sides = frame.drop_duplicates("item_code").set_index("item_code")["side"]
    ben = sorted((c for c in wide.columns if sides.get(c) == "benefit"), key=natural_key)
    cost = sorted((c for c in wide.columns if sides.get(c) == "cost"), key=natural_key)
    ratios = bc_ratios(benefit_cost)
    out = wide[ben].copy()
    out["ΣB"] = ratios["sum_b"]
    for c in cost:
        out[c] = wide[c]
    out["ΣC"] = ratios["sum_c"]
    out["B/C"] = ratios["bc_ratio"]
    return out.reset_index()


SIDE_TH = {"benefit": "ประโยชน์", "cost": "ต้นทุน"}


def benefit_cost_items(dataset: Dataset) -> Iterator[Problem]:
    """Both sides present and ΣC > 0 (errors); items outside 1–3, ratios in no band, printed ratios that disagree.

    The last three are warnings.
    """
    bc = dataset.tables.get("benefit_cost")
    if bc is None or bc.empty:
        return
    ratios = bc_ratios(bc)
    first_row: dict[str, int] = {}
    for row, code in bc["project_code"].items():
        first_row.setdefault(str(code), int(row))
    for code, rec in ratios.iterrows():
        for side, n in (("benefit", rec["items_b"]), ("cost", rec["items_c"])):
            if n == 0:
                yield checks.located(dataset, "error", "required_bc_side", "benefit_cost", first_row[code], "side", "",
                                     project=code, side=side, side_th=SIDE_TH[side])
        if rec["items_c"] > 0 and rec["sum_c"] == 0:
            yield checks.located(dataset, "error", "bad_value_bc_cost_zero", "benefit_cost", first_row[code], "score",
                                 "0", project=code)
    low, high = ITEM_SCALE
    for row, rec in bc.iterrows():
        score = rec["score"]
        if pd.notna(score) and not low <= score <= high:
            yield checks.located(dataset, "warning", "out_of_scale_bc_item", "benefit_cost", row, "score",
                                 f"{score:g}", item=rec["item_code"], project=rec["project_code"], score=score,
                                 low=low, high=high)
    if not dataset.has("projects"):
        return
    bands = band_table(dataset, "bc_ratio")
    if len(bands):
        found = band_of(ratios["bc_ratio"].dropna(), bands)
        for code in found.index[found["band"].isna()]:
            ratio = ratios.loc[code, "bc_ratio"]
            yield checks.located(dataset, "warning", "no_band_bc_ratio", "benefit_cost", first_row[code], "score",
                                 f"{ratio:.4g}", project=code, ratio=ratio)
    proj = dataset.projects
    if "printed_bc_ratio" not in proj:
        return
    for row, rec in proj.iterrows():
        printed, code = rec["printed_bc_ratio"], str(rec["code"])
        computed = ratios["bc_ratio"].get(code, np.nan)
        if pd.notna(printed) and pd.notna(computed) and not ratio_agrees(float(printed), float(computed)):
            yield checks.located(dataset, "warning", "ratio_mismatch", "projects", row, "printed_bc_ratio",
                                 f"{printed:g}", project=code, printed=printed, sum_b=ratios.loc[code, "sum_b"],
                                 sum_c=ratios.loc[code, "sum_c"], ratio=computed)


def report_table(plan: Dataset) -> pd.DataFrame:
    """:func:`value_for_money` with Thai/English headers and ✓/✗ for the printed ratio."""
    table = value_for_money(plan)
    return pd.DataFrame({
        "รหัส / code": table["project_code"],
        "โครงการ / project": table["name_th"],
        "ΣB": table["sum_b"],
        "ΣC": table["sum_c"],
        "B/C คำนวณ / computed": table["bc_ratio"],
        "ระดับความคุ้มค่า / band": table["band"],
        "B/C ที่พิมพ์ / printed": table["printed_bc_ratio"],
        "ตรวจ / check": table["ratio_ok"].map(check_mark),
    })
