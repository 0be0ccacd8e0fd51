"""Quarterly progress: fiscal quarters, KPI to date, activities due vs done, budget, summary, bad input."""

from __future__ import annotations

import dataclasses
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.inputs import thai
from planlib.plans import kpi, progress

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


@pytest.mark.parametrize("bad", [0, 5, "Q1", 1.5, None, True])
def test_quarter_must_be_1_to_4(bad: object) -> None:
    with pytest.raises(ValueError, match=rf"^quarter must be 1–4, got {bad} / ไตรมาสต้องเป็น 1–4 แต่พบ {bad}$"):
        progress.check_quarter(bad)


@pytest.mark.parametrize("bad", [0, 5, "Q1", 1.5, None, True, 2, "๓", 4.0])
def test_the_quarter_rule_is_thais(bad: object) -> None:
    """One quarter rule (planlib.inputs.thai.check_quarter): progress accepts and refuses exactly what it does."""
    try:
        expected: int | str = thai.check_quarter(bad)
    except thai.ThaiValueError as exc:
        expected = f"{exc.reason_en} / {exc.reason_th}"
    try:
        got: int | str = progress.check_quarter(bad)
    except ValueError as exc:
        got = str(exc)
    assert got == expected


@pytest.mark.parametrize(
    ("year", "accepted"),
    [(2545, True), (2548, True), ("๒๕๖๘", True), (2700, True), (2539, False), (2701, False), (2023, False)],
)
def test_the_fiscal_year_rule_is_thais(year: object, accepted: bool) -> None:
    """One fiscal-year rule (planlib.inputs.thai.check_fiscal_year, 2540–2700): hwfund's historic 2545 and 2548
    rows pass, years outside the range are refused in English and Thai naming it."""
    if accepted:
        assert progress.check_fiscal_year(year) == thai.check_fiscal_year(year)
    else:
        with pytest.raises(thai.ThaiValueError):
            thai.check_fiscal_year(year)
        with pytest.raises(ValueError, match=r" / .*[\u0e00-\u0e7f]") as info:
            progress.check_fiscal_year(year)
        assert str(year) in str(info.value)
        if year != 2023:
            assert "2540–2700" in str(info.value)


def test_hwfund_history_back_to_2545_loads_and_is_in_the_rule() -> None:
    """The narrower 2540–2700 range breaks no shipped data: every fiscal year in hwfund's plan and lending tables
    passes it."""
    tables = [*planlib.load_plan(HWFUND).tables.values(), *planlib.load_portfolio(HWFUND).tables.values()]
    years = {int(y) for t in tables if "fiscal_year" in t for y in t["fiscal_year"].dropna()}
    assert min(years) == 2545 and 2548 in years  # capital_history 2545, lending_annual from 2548
    assert all(progress.check_fiscal_year(y) == y for y in years)


def test_quarterly_progress_refuses_quarter_5_and_ce_years() -> None:
    plan = planlib.load_plan(DSDW)
    with pytest.raises(ValueError, match="got 5"):
        progress.quarterly_progress(plan, 2566, 5)
    with pytest.raises(ValueError, match=r"^2023 looks like a CE year: did you mean 2566\? .* / .*พ\.ศ\. 2566"):
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
    assert shown["budget_spent_pct"] == "45.3% (รายงานการเบิกจ่าย 1 จาก 9 โครงการ / spending reported by 1 of 9 projects)"
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


# ---------------------------------------------------------------- missing is never performance (issue 17)


def test_tfund_without_spending_shows_no_data_never_zero(plans: dict[str, planlib.Plan]) -> None:
    plan = plans["tfund"]
    assert not plan.has("spending")
    by_project, by_strategy = progress.budget_progress(plan, 2561, 2)
    assert by_project["planned"].sum() == 125000  # the plan's budget is known …
    assert by_project["spent"].isna().all() and not by_project["reported"].any()  # … its spending is not
    assert by_project["spent_pct"].isna().all() and by_strategy["spent"].isna().all()
    shown = progress.budget_table_shown(by_project)
    assert set(shown["ใช้จ่ายสะสม (บาท) / spent"]) == {progress.NOT_REPORTED}
    report = progress.quarterly_progress(plan, 2561, 2)
    summary = report.summary.set_index("key")
    assert summary.loc["budget_spent_pct", "shown"] == "ไม่มีข้อมูลการเบิกจ่าย / no spending data"
    assert pd.isna(summary.loc["budget_spent_pct", "value"])
    assert progress.budget_coverage(plan, by_project) == (0, len(plan["projects"]))


def test_tfund_without_activity_status_counts_nothing_overdue(plans: dict[str, planlib.Plan]) -> None:
    report = progress.quarterly_progress(plans["tfund"], 2561, 2)
    acts = report.activities
    assert not progress.status_known(acts) and not acts["status_known"].any()
    assert int(acts["due"].sum()) == 5 and not acts["overdue"].any() and acts["months_overdue"].isna().all()
    assert int(report.activity_counts["overdue"].sum()) == 0
    assert report.slippages.empty  # no activity is known to be late, and no KPI has a result
    status = progress.activity_table_shown(acts)["สถานะ / status"]
    assert (status == "ไม่มีข้อมูลสถานะ / no status data").sum() == 5 and "เลยกำหนด / overdue" not in set(status)
    shown = report.summary.set_index("key").loc["activities_done", "shown"]
    assert shown == "ไม่มีข้อมูลสถานะกิจกรรม (ถึงกำหนด 5) / no activity-status data (5 due)"


def test_hwfund_budget_says_its_coverage_in_the_body_tables(plans: dict[str, planlib.Plan]) -> None:
    report = progress.quarterly_progress(plans["hwfund"], 2568, 2)
    by_project = report.budget_by_project.set_index("project_code")
    assert list(by_project.index[by_project["reported"]]) == ["6"]
    assert (by_project.loc["6", "spent"], by_project.loc["6", "planned"]) == (6800, 15000)
    assert progress.budget_coverage(plans["hwfund"], report.budget_by_project) == (1, 9)
    shown = report.summary.set_index("key").loc["budget_spent_pct", "shown"]
    assert shown == "45.3% (รายงานการเบิกจ่าย 1 จาก 9 โครงการ / spending reported by 1 of 9 projects)"
    strategies = progress.budget_table_shown(report.budget_by_strategy, "strategy")
    assert "รายงานแล้ว / reported" in strategies and "1 / " in " ".join(strategies["รายงานแล้ว / reported"])


def test_partial_spending_by_hand(tmp_path: Path) -> None:
    """Two projects planned, one reported: the other is 'not reported' (NaN), never 0, and the total says 1 of 2."""
    folder = copy_plan(tmp_path, HWFUND)
    write(folder, "budgets", "project_code,fiscal_year,amount\n6,2568,1000\n7,2568,3000\n")
    write(folder, "spending", "project_code,fiscal_year,quarter,amount\n6,2568,1,400\n")
    plan = planlib.load_plan(folder, strict=False)
    by_project, _ = progress.budget_progress(plan, 2568, 1)
    rows = by_project.set_index("project_code")
    assert rows.loc["6", "spent_pct"] == 40 and pd.isna(rows.loc["7", "spent"]) and not rows.loc["7", "reported"]
    report = progress.quarterly_progress(plan, 2568, 1)
    spent = report.summary.set_index("key").loc["budget_spent_pct"]
    assert (spent["value"], spent["of"]) == (400, 4000)  # 10.0 % of the year's 4,000, with the coverage said
    reported, of = progress.budget_coverage(plan, by_project)
    assert reported == 1 and spent["shown"] == f"10.0% ({progress.coverage_text(1, of)})"


def test_percentage_projection_stops_at_100(plans: dict[str, planlib.Plan]) -> None:
    rows = progress.kpi_progress(plans["hwfund"], 2568, 2).set_index("kpi_code")
    p6 = rows.loc["P6-68"]  # 59.79 % at Q2: the straight line gives 119.58 %
    assert p6["actual_ytd"] == 59.79 and 0 + (59.79 - 0) * 4 / 2 == pytest.approx(119.58)
    assert p6["projection"] == 100
    assert rows.loc["P5-68", "projection"] == pytest.approx(65.2)  # within bounds: unchanged
    pct = rows[rows["kind"] == "percent"]
    assert pct["projection"].dropna().between(0, 100).all()


def test_level_kpis_are_not_straight_lined(plans: dict[str, planlib.Plan]) -> None:
    rows = progress.kpi_progress(plans["hwfund"], 2568, 2).set_index("kpi_code")
    p2 = rows.loc["P2-LT"]  # level 2 of a year-end target 5: not a target to date of 2.50, not red
    assert p2["kind"] == "level" and p2["target_to_date"] == 5 and p2["target_path"].startswith("year-end target")
    assert (p2["rag"], p2["judged"]) == ("grey", "year end") and pd.isna(p2["projection"])
    assert rows.loc["K1", "rag"] == "green"  # level 5 of 5 reached: on track
    level_rows = rows[rows["kind"] == "level"]
    assert (level_rows["rag"] != "red").all() and (level_rows["rag"] != "amber").all()
    shown = progress.kpi_table_shown(rows.reset_index()).set_index("ตัวชี้วัด / KPI")
    assert shown.loc["P2-LT", "สถานะ / RAG"] == "เทา (วัดผลสิ้นปี) / grey: judged at year end"
    assert shown.loc["P2-LT", "คาดการณ์สิ้นปี / projection"] == progress.NOT_PROJECTABLE
    summary = progress.quarterly_progress(plans["hwfund"], 2568, 2).summary.set_index("key")
    assert summary.loc["kpis_on_track", "shown"] == "11/13"  # 6 level KPIs below target are judged at year end


def test_level_kpis_without_a_result_are_no_data_not_year_end(plans: dict[str, planlib.Plan]) -> None:
    """hwfund FY2566 Q2 has targets but no results: its level KPIs are grey "no data", not "judged at year end"."""
    rows = progress.kpi_progress(plans["hwfund"], 2566, 2).set_index("kpi_code")
    level = ["K1", "K2", "P1-LT", "P2-LT", "P6-LT", "P7-LT", "P5-LT", "P9-LT", "P8-LT", "P4-LT"]
    assert (rows.loc[level, "target_path"].str.startswith("year-end target")).all()
    assert rows["actual_ytd"].isna().all() and len(rows) == 11
    assert set(rows["rag"]) == {"grey"} and set(rows["judged"]) == {"no data"}
    shown = progress.kpi_table_shown(rows.reset_index()).set_index("ตัวชี้วัด / KPI")
    assert shown.loc["K1", "สถานะ / RAG"] == "เทา (ไม่มีข้อมูล) / grey"
    assert not shown["สถานะ / RAG"].str.contains("judged at year end").any()


def test_level_kpi_at_year_end_is_judged(plans: dict[str, planlib.Plan]) -> None:
    """Q4: a level KPI below its target is red; the projection is the result itself."""
    plan = plans["hwfund"]
    actuals = plan["kpi_actuals"]
    q4 = actuals[(actuals["fiscal_year"] == 2568) & (actuals["quarter"] == 2)].assign(quarter=4)
    tables = {**plan.tables, "kpi_actuals": pd.concat([actuals, q4], ignore_index=True)}
    full = dataclasses.replace(plan, tables=tables)
    p2 = progress.kpi_progress(full, 2568, 4).set_index("kpi_code").loc["P2-LT"]
    assert (p2["rag"], p2["judged"], p2["projection"], p2["achievement_pct"]) == ("red", "to date", 2.0, 40.0)


def test_project_year_end_by_hand() -> None:
    assert kpi.project_year_end(0, 30, 1, "ร้อยละ") == 100  # 120 % → its natural bound
    assert kpi.project_year_end(50, 40, 2, "%") == 30
    assert kpi.project_year_end(10, 2, 2, "ร้อยละ") == 0  # −6 % → 0
    assert kpi.project_year_end(0, 30, 1, "ราย") == 120  # a count has no upper bound
    assert math.isnan(kpi.project_year_end(0, 2, 2, "ระดับ (1-5)"))
    assert math.isnan(kpi.project_year_end(0, 0, 3, "แผน"))
    assert kpi.project_year_end(0, 2, 4, "ระดับ") == 2  # Q4: the result is the year's
    assert [kpi.kpi_kind(u) for u in ("ร้อยละ", "ระดับ (1-5)", "แผน", "คน", None)] == [
        "percent", "level", "milestone", "quantity", "quantity"
    ]


# ---------------------------------------------------------------- a scorecard of to-date results


def test_dsdw_k3_k5_scorecard_and_quarterly_report_agree(plans: dict[str, planlib.Plan]) -> None:
    """FY2566 Q2: below the lowest year-end level in the scorecard, on track to date in the quarterly report."""
    plan = plans["dsdw"]
    card = kpi.scorecard(plan, 2566)
    assert card.as_of == "kpi_actuals Q2" and kpi.to_date_card(card)
    assert kpi.card_title(card, "DSDW") == "DSDW: ปีงบประมาณ 2566 · ผลสะสมถึงไตรมาส 2 / as of quarter 2"
    to_date = progress.scorecard_to_date(plan, card).set_index("kpi_code")
    quarterly = progress.quarterly_progress(plan, 2566, 2).kpis.set_index("kpi_code")
    for code in ("K3", "K5"):
        assert to_date.loc[code, "below_lowest"] and to_date.loc[code, "score"] == 0  # against year-end levels
        assert to_date.loc[code, "rag"] == quarterly.loc[code, "rag"] == "green"  # against the target to date
    assert to_date.loc["K3", "target_to_date"] == 20  # the plan's own Q2 target (kpi_targets quarter 2)
    assert to_date.loc["K3", "projection"] == quarterly.loc["K3", "projection"] == 42.5  # 21.25 × 4 ÷ 2
    assert to_date.loc["K5", "projection"] == quarterly.loc["K5", "projection"] == pytest.approx(92.94)
    assert list(to_date["projected_level"]) == list(quarterly.loc[to_date.index, "projected_level"])
    assert progress.projected_total(to_date.reset_index()) == 66.25
    shown = progress.scorecard_to_date_table(to_date.reset_index()).set_index("ตัวชี้วัด / KPI")
    assert shown.loc["K3", "ระดับที่ได้ถึงตอนนี้ / level so far"] == "ต่ำกว่าระดับต่ำสุด / below lowest"
    assert shown.loc["K1", "ระดับที่ได้ถึงตอนนี้ / level so far"] == "50"  # a level prints as a whole number
    assert shown.loc["K3", "สถานะเทียบเป้าถึงไตรมาสนี้ / on track to date"] == "เขียว (ตามเป้า) / green"


def test_ditp_q1_scorecard_says_as_of_quarter_1(plans: dict[str, planlib.Plan]) -> None:
    plan = plans["ditp"]
    card = kpi.scorecard(plan, 2569)
    assert kpi.card_title(card, "DITP").endswith("ผลสะสมถึงไตรมาส 1 / as of quarter 1")
    to_date = progress.scorecard_to_date(plan, card).set_index("kpi_code")
    quarterly = progress.quarterly_progress(plan, 2569, 1).kpis.set_index("kpi_code")
    assert list(to_date["rag"]) == list(quarterly.loc[to_date.index, "rag"])
    assert to_date.loc["K1.3", "projection"] == 100  # 27.54 × 4 = 110.16 % → 100
    assert to_date.loc["K1.2", "rag"] == "grey" and pd.isna(to_date.loc["K1.2", "projection"])  # level 1 of 5
    assert progress.projected_total(to_date.reset_index()) is None  # ditp KPIs carry no weights


def test_full_year_card_has_no_to_date_reading(plans: dict[str, planlib.Plan]) -> None:
    plan = plans["dsdw"]
    actuals = plan["kpi_actuals"]
    q4 = actuals[actuals["quarter"] == 2].assign(quarter=4)
    full = dataclasses.replace(plan, tables={**plan.tables, "kpi_actuals": pd.concat([actuals, q4])})
    card = kpi.scorecard(full, 2566)
    assert card.as_of == "kpi_actuals Q4" and not kpi.to_date_card(card)
    assert kpi.card_title(card, "DSDW") == "DSDW: ปีงบประมาณ 2566 · ผลทั้งปี (ถึงไตรมาส 4) / full year (to Q4)"
    assert progress.scorecard_to_date(full, card).empty


def test_scorecard_total_is_none_without_results(plans: dict[str, planlib.Plan]) -> None:
    """No result scored: the weighted total is "no data" (None), never 0.0; so are the group subtotals."""
    empty = pd.DataFrame({"kpi_code": pd.Series(dtype="str"), "value": pd.Series(dtype="float64")})
    card = kpi.scorecard(plans["dsdw"], 2566, actuals=empty)
    assert card.total is None and card.groups["subtotal"].isna().all()
    assert kpi.group_table(card).empty
    none_yet = kpi.scorecard(plans["dsdw"], 2570)  # no results for FY2570 anywhere
    assert none_yet.as_of == "none" and none_yet.total is None
    one = kpi.scorecard(plans["dsdw"], 2566, actuals=pd.DataFrame({"kpi_code": ["K2"], "value": [64.04]}))
    assert one.total == 20 * 75 / 100  # K2 at level 75, weight 20; the other KPIs unscored
