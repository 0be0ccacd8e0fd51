"""Quarterly progress: fiscal quarters, KPI to date, activities due vs done, budget, summary, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.plans import progress

ROOT = Path(__file__).resolve().parents[2]
DSDW = ROOT / "data" / "dsdw"
HWFUND = ROOT / "data" / "hwfund"


def copy_plan(tmp_path: Path, src: Path = DSDW) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("synthetic"))
    return dst


def write(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- calendar


def test_quarter_boundaries() -> None:
    assert progress.quarter_of(pd.Timestamp("2023-09-30")) == (2566, 4)
    assert progress.quarter_of(pd.Timestamp("2023-10-01")) == (2567, 1)
    assert progress.quarter_of(pd.Timestamp("2022-12-31")) == (2566, 1)
    assert progress.quarter_of(pd.Timestamp("2023-01-01")) == (2566, 2)
    assert [str(m) for m in progress.quarter_months(2566, 1)] == ["2022-10", "2022-11", "2022-12"]
    assert [str(m) for m in progress.quarter_months(2566, 4)] == ["2023-07", "2023-08", "2023-09"]


@pytest.mark.parametrize("bad", [0, 5, "Q1", 1.5, None])
def test_quarter_must_be_1_to_4(bad: object) -> None:
    with pytest.raises(ValueError, match=r"fiscal quarter must be 1, 2, 3 or 4 .* / ไตรมาสต้องเป็น 1, 2, 3 หรือ 4"):
        progress.check_quarter(bad)


def test_quarterly_progress_refuses_quarter_5_and_ce_years() -> None:
    plan = planlib.load_plan(DSDW)
    with pytest.raises(ValueError, match="got 5"):
        progress.quarterly_progress(plan, 2566, 5)
    with pytest.raises(ValueError, match="Buddhist-Era year such as 2568, got 2023"):
        progress.quarterly_progress(plan, 2023, 1)


# ---------------------------------------------------------------- bad progress input, through data


def test_actual_for_an_unknown_kpi_and_quarter_out_of_range(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    actuals = "kpi_code,fiscal_year,quarter,value\nK2,2566,1,57\nK9,2566,1,3\nK2,2566,5,60\nK2,2566,0,58\n"
    write(folder, "kpi_actuals", actuals)
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(folder)
    found = {(p.row, p.column, p.value, p.reason_en) for p in err.value.problems.errors}
    assert (3, "kpi_code", "K9", "unknown code 'K9': not in kpis.code (known: K1, K2, K3, K4, K5, K6)") in found
    assert (4, "quarter", "5", "5 is above the maximum 4") in found
    assert (5, "quarter", "0", "0 is below the minimum 1") in found


def test_done_month_before_start_month(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    acts = pd.read_csv(folder / "activities.csv", dtype=str)
    acts["done_month"] = ""
    row = acts.index[(acts["owner_code"] == "K1") & (acts["activity_no"] == "3")][0]
    acts.loc[row, "done_month"] = "2022-11"  # planned Dec 2022
    acts.to_csv(folder / "activities.csv", index=False)
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(folder)
    (bad,) = [p for p in err.value.problems.errors if p.column == "done_month"]
    assert bad.row == row + 2 and bad.value == "พ.ย. 65"
    assert bad.reason_en == "marked done (พ.ย. 65) before its start month (ธ.ค. 65)"
    assert "ก่อนเดือนเริ่ม" in bad.reason_th


def test_activity_status_rows_are_checked(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    write(folder, "activity_status", "owner_code,activity_no,done_month\nK1,3,2022-11\nK1,9,2022-12\n")
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(folder)
    reasons = {(p.row, p.reason_en) for p in err.value.problems.errors}
    assert (2, "marked done (พ.ย. 65) before its start month (ธ.ค. 65)") in reasons
    assert (3, "no planned activity 9 of K1 in activities") in reasons


# ---------------------------------------------------------------- activities (DSDW K1 plan: Oct, Oct, Dec, Dec, Sep)


@pytest.fixture()
def k1_status(tmp_path: Path) -> planlib.Plan:
    folder = copy_plan(tmp_path)
    # K1-1 done on time (Oct 65), K1-2 one month late (Nov 65), K1-3 planned Dec 65 done Jan 66, K1-4 not done
    write(folder, "activity_status", "owner_code,activity_no,done_month\nK1,1,2022-10\nK1,2,2022-11\nK1,3,2023-01\n")
    return planlib.load_plan(folder)


def k1_counts(plan: planlib.Plan, quarter: int) -> dict[str, int]:
    counts = progress.due_done_counts(progress.activity_progress(plan, 2566, quarter))
    return counts.set_index("owner_code").loc["K1"].to_dict()


def test_k1_due_and_done_by_quarter(k1_status: planlib.Plan) -> None:
    # Q1 (to Dec 65): due 1, 2, 3, 4; done 1 (Oct), 2 (Nov) → 2 of 4; overdue 3, 4
    assert k1_counts(k1_status, 1) == {"planned": 5, "due": 4, "done": 2, "done_early": 0, "overdue": 2}
    # Q2 (to Mar 66): 3 done in Jan → 3 of 4; K1-4 still overdue
    assert k1_counts(k1_status, 2) == {"planned": 5, "due": 4, "done": 3, "done_early": 0, "overdue": 1}
    # Q4 (to Sep 66): K1-5 (Sep 66) falls due too
    assert k1_counts(k1_status, 4) == {"planned": 5, "due": 5, "done": 3, "done_early": 0, "overdue": 2}
    acts = progress.activity_progress(k1_status, 2566, 2).set_index(["owner_code", "activity_no"])
    assert acts.loc[("K1", "4"), "months_overdue"] == 3  # planned Dec 65, quarter ends Mar 66
    assert acts.loc[("K1", "3"), "status_source"] == "activity_status"


def test_kpi_progress_by_hand(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    write(folder, "kpi_actuals", "kpi_code,fiscal_year,quarter,value\nK2,2566,1,56.5\nK2,2566,2,60.03\n")
    plan = planlib.load_plan(folder)
    rows = progress.kpi_progress(plan, 2566, 2).set_index("kpi_code")
    k2 = rows.loc["K2"]
    assert k2["start"] == 55.04 and k2["year_target"] == 64.04  # FY2565 result, FY2566 target
    assert k2["target_to_date"] == pytest.approx(55.04 + (64.04 - 55.04) * 2 / 4)  # 59.54
    assert k2["achievement_pct"] == pytest.approx(round(100 * 60.03 / 59.54, 2))  # 100.82
    assert k2["rag"] == "green" and k2["level"] == 50
    assert k2["projection"] == pytest.approx(55.04 + (60.03 - 55.04) * 4 / 2)  # 65.02 → level 75
    assert k2["projected_level"] == 75
    rag = progress.RagThresholds(green=101, amber=100)
    strict = progress.kpi_progress(plan, 2566, 2, rag=rag).set_index("kpi_code")
    assert strict.loc["K2", "rag"] == "amber"
    q1 = progress.kpi_progress(plan, 2566, 1).set_index("kpi_code").loc["K2"]
    assert (q1["actual_ytd"], q1["target_to_date"]) == (56.5, pytest.approx(57.29))
    assert q1["rag"] == "amber"  # 56.5 / 57.29 = 98.62 %


def test_budget_and_summary(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path, HWFUND)
    write(folder, "spending", "project_code,fiscal_year,quarter,amount\n6,2568,1,2400\n6,2568,2,4400\n6,2568,3,1000\n")
    plan = planlib.load_plan(folder)
    by_project, by_strategy = progress.budget_progress(plan, 2568, 2)
    six = by_project.set_index("project_code").loc["6"]
    assert (six["planned"], six["spent"], six["spent_pct"]) == (15000, 6800, pytest.approx(45.33))
    assert by_strategy.set_index("strategy_code").loc["S1", "spent"] == 6800
    report = progress.quarterly_progress(plan, 2568, 2)
    shown = report.summary.set_index("key")["shown"]
    assert shown["budget_spent_pct"] == "45.3%"
    assert report.summary.set_index("key").loc["budget_spent_pct", "value"] == 6800


def test_slippages_rank_by_percent_behind() -> None:
    kpis = pd.DataFrame({
        "kpi_code": ["A", "B", "C"],
        "rag": ["red", "green", "amber"],
        "achievement_pct": [60.0, 120.0, 95.0],
        "actual_ytd": [6.0, 12.0, 9.5],
        "target_to_date": [10.0, 10.0, 10.0],
    })
    counts = pd.DataFrame({
        "owner_code": ["P1", "P2"],
        "planned": [4, 2],
        "due": [4, 2],
        "done": [1, 2],
        "done_early": [0, 0],
        "overdue": [3, 0],
    })
    slips = progress.slippages(kpis, counts)
    assert list(slips["code"]) == ["P1", "A", "C"]  # 75 % of due overdue, 40 % behind, 5 % behind
    assert list(slips["behind_pct"]) == [75, 40, 5]


@pytest.mark.parametrize(("org", "fy", "quarter"), [("dsdw", 2566, 2), ("hwfund", 2568, 2), ("ditp", 2569, 1)])
def test_quarterly_progress_builds_with_illustrative_actuals(org: str, fy: int, quarter: int) -> None:
    folder = DSDW if org == "dsdw" else ROOT / "data" / org
    plan = planlib.load_plan(folder)
    report = progress.quarterly_progress(plan, fy, quarter)
    assert "kpi_actuals" in report.illustrative and "activity_status" in report.illustrative
    assert not report.kpis.empty and (report.kpis["rag"] != "grey").any()
    assert list(report.summary["key"][:4]) == ["kpis_on_track", "activities_done", "budget_spent_pct", "lending_pct"]
    assert report.activity_counts["planned"].sum() > 0
