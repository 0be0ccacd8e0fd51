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
from planlib.inputs.problems import Problem

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


def value_for_money(plan) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The value-for-money table: ΣB, ΣC, B/C, band, the printed ratio and whether it agrees.

    One row per project with benefit/cost items, best ratio first. ``band`` comes from the plan's
    ``bands`` with ``scheme = bc_ratio`` (inclusive, as printed); ``ratio_ok`` is
    :func:`ratio_agrees` (NA when nothing is printed).
    """
    from planlib.plans import priority

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
    bands = priority.band_table(plan, "bc_ratio")
    found = priority.band_of(out["bc_ratio"], bands)
    out["band"], out["band_order"] = found["band"], found["band_order"]
    out["printed_bc_ratio"] = out["project_code"].map(printed).astype(float)
    agree = [pd.NA if pd.isna(p) or pd.isna(c) else ratio_agrees(float(p), float(c))
             for p, c in zip(out["printed_bc_ratio"], out["bc_ratio"])]  # fmt: skip
    out["ratio_ok"] = pd.array(agree, dtype="boolean")
    out["_nat"] = out["project_code"].map(priority.natural_key)
    out = out.sort_values(["bc_ratio", "_nat"], ascending=[False, True], na_position="last")
    return out.drop(columns="_nat").reset_index(drop=True)


def items_table(benefit_cost: pd.DataFrame) -> pd.DataFrame:
    """Item scores wide, as the source prints them: project, B1…Bn, ΣB, C1…Cn, ΣC, B/C."""
    from planlib.plans import priority

    frame = benefit_cost.assign(project_code=benefit_cost["project_code"].astype(str))
    wide = frame.pivot_table(index="project_code", columns="item_code", values="score", aggfunc="sum", sort=False)
    sides = frame.drop_duplicates("item_code").set_index("item_code")["side"]
    ben = sorted((c for c in wide.columns if sides.get(c) == "benefit"), key=priority.natural_key)
    cost = sorted((c for c in wide.columns if sides.get(c) == "cost"), key=priority.natural_key)
    ratios = bc_ratios(benefit_cost)
    out = wide[ben].copy()
    out["ΣB"] = ratios["sum_b"]
    for c in cost:
        out[c] = wide[c]
    out["ΣC"] = ratios["sum_c"]
    out["B/C"] = ratios["bc_ratio"]
    return out.reset_index()


def benefit_cost_items(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Both sides present and ΣC > 0 (errors); items outside 1–3, ratios in no band, printed ratios that disagree (warnings)."""
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
                yield checks.problem(dataset, "error", "benefit_cost", first_row[code], "side", "",
                                     f"project {code} has no {side} items: B/C cannot be computed",
                                     f"โครงการ {code} ไม่มีรายการด้าน{'ประโยชน์' if side == 'benefit' else 'ต้นทุน'} จึงคำนวณ B/C ไม่ได้",
                                     "required")  # fmt: skip
        if rec["items_c"] > 0 and rec["sum_c"] == 0:
            yield checks.problem(dataset, "error", "benefit_cost", first_row[code], "score", "0",
                                 f"project {code}: cost items sum to 0, B/C = ΣB / ΣC is undefined",
                                 f"โครงการ {code}: คะแนนด้านต้นทุนรวมเป็น 0 จึงหาร B/C ไม่ได้", "bad_value")  # fmt: skip
    low, high = ITEM_SCALE
    for row, rec in bc.iterrows():
        score = rec["score"]
        if pd.notna(score) and not low <= score <= high:
            yield checks.problem(dataset, "warning", "benefit_cost", row, "score", f"{score:g}",
                                 f"item {rec['item_code']} of project {rec['project_code']} scored {score:g}, outside the 1–3 rubric",
                                 f"รายการ {rec['item_code']} ของโครงการ {rec['project_code']} ได้ {score:g} อยู่นอกเกณฑ์ 1–3",
                                 "out_of_scale")  # fmt: skip
    if not dataset.has("projects"):
        return
    from planlib.plans import priority

    bands = priority.band_table(dataset, "bc_ratio")
    if len(bands):
        found = priority.band_of(ratios["bc_ratio"].dropna(), bands)
        for code in found.index[found["band"].isna()]:
            yield checks.problem(dataset, "warning", "benefit_cost", first_row[code], "score", f"{ratios.loc[code, 'bc_ratio']:.4g}",
                                 f"project {code}: B/C {ratios.loc[code, 'bc_ratio']:.3f} falls in no value-for-money band",
                                 f"โครงการ {code}: B/C {ratios.loc[code, 'bc_ratio']:.3f} ไม่อยู่ในช่วงความคุ้มค่าใด", "no_band")  # fmt: skip
    proj = dataset.projects
    if "printed_bc_ratio" not in proj:
        return
    for row, rec in proj.iterrows():
        printed, code = rec["printed_bc_ratio"], str(rec["code"])
        computed = ratios["bc_ratio"].get(code, np.nan)
        if pd.notna(printed) and pd.notna(computed) and not ratio_agrees(float(printed), float(computed)):
            rb, rc = ratios.loc[code, "sum_b"], ratios.loc[code, "sum_c"]
            yield checks.problem(dataset, "warning", "projects", row, "printed_bc_ratio", f"{printed:g}",
                                 f"project {code}: the source prints B/C {printed:g}, but ΣB/ΣC = {rb:g}/{rc:g} = {computed:.4g}",
                                 f"โครงการ {code}: เอกสารพิมพ์ B/C {printed:g} แต่ ΣB/ΣC = {rb:g}/{rc:g} = {computed:.4g}",
                                 "ratio_mismatch")  # fmt: skip


def report_table(plan) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """:func:`value_for_money` with Thai/English headers and ✓/✗ for the printed ratio."""
    table = value_for_money(plan)
    return pd.DataFrame({
        "รหัส / code": table["project_code"], "โครงการ / project": table["name_th"], "ΣB": table["sum_b"], "ΣC": table["sum_c"],
        "B/C คำนวณ / computed": table["bc_ratio"], "ระดับความคุ้มค่า / band": table["band"],
        "B/C ที่พิมพ์ / printed": table["printed_bc_ratio"],
        "ตรวจ / check": table["ratio_ok"].map(lambda v: "–" if pd.isna(v) else ("✓" if v else "✗ ไม่ตรง / differs")),
    })  # fmt: skip
