"""Cross-table checks: weights, printed totals, published-table quirks, damaged text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planlib


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "plan.csv").write_text("key,value\norg_code,org\norg_name_th,ทดสอบ\n", encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _codes(problems: planlib.Problems, severity: str) -> set[tuple[str, int | None, str, str]]:
    return {(p.table, p.row, p.column, p.code) for p in problems if p.severity == severity}


def test_kpi_weights_must_sum_to_100(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"kpis.csv": "code,name_th,weight\nK1,ก,15\nK2,ข,20\nK3,ค,30\n"})
    problems = planlib.validate(folder)
    assert ("kpis", None, "weight", "weights_sum_kpi") in _codes(problems, "error")
    assert "65" in next(p for p in problems if p.code == "weights_sum_kpi").reason_en


def test_swot_ife_weights_must_sum_to_one(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, {"swot.csv": "code,quadrant,text_th,weight,rating\nS1,S,ก,0.5,4\nW1,W,ข,0.4,1\nO1,O,ค,1,3\n"}
    )
    errors = [p for p in planlib.validate(folder) if p.code == "weights_sum_ife_efe"]
    assert len(errors) == 1 and "IFE" in errors[0].reason_en and "0.900" in errors[0].reason_en


def test_printed_total_mismatch_is_a_warning_with_source(tmp_path: Path) -> None:
    # Seed 000 L161-163: 447 individuals + 5,867 group members printed as 6,310 persons.
    folder = _folder(
        tmp_path,
        {
            "registrations.csv": (
                "work_type,individuals,groups,group_members\nsewing,219,300,\nall_groups,228,412,5867\n"
            ),
            "printed_totals.csv": (
                "code,table,column,filter,printed,source\n"
                "persons,registrations,individuals+group_members,,6310,seed 000 L163\n"
                "individuals,registrations,individuals,,447,seed 000 L161\n"
                "sewing_groups,registrations,groups,work_type=sewing,300,seed 000 L167\n"
            ),
        },
    )
    problems = planlib.validate(folder)
    assert not problems.errors
    mismatches = [p for p in problems if p.code == "total_mismatch"]
    assert [p.row for p in mismatches] == [2]  # 447 + 5,867 = 6,314, not 6,310; the others add up
    assert "6,314.00" in mismatches[0].reason_en and "seed 000 L163" in mismatches[0].reason_en


def test_printed_total_naming_an_unknown_column_is_an_error(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "registrations.csv": "work_type,individuals\nsewing,219\n",
            "printed_totals.csv": "code,table,column,printed\nx,registrations,members,5\n",
        },
    )
    assert ("printed_totals", 2, "column", "bad_total") in _codes(planlib.validate(folder), "error")


def test_lending_annual_quirks(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "lending_annual.csv": (
                "fiscal_year,fiscal_year_printed,target_amount,actual_amount,disbursement_pct_printed,"
                "arrears_as_of,source\n"
                "2548,2558,31200000,790000,,,Table 2-1\n"
                "2562,,7000000,6375000,91.07,30 ก.ย.61,Table 2-2\n"
                "2565,,5000000,5000000,100,30 ก.ย.65,Table 2-2\n"
                "2565,,5000000,4800000,,,Table 2-1\n"
                "2567,,5000000,5000000,,31 ก.ค. 2567,Table 2-2\n"
            )
        },
    )
    warnings = _codes(planlib.validate(folder), "warning")
    assert ("lending_annual", 2, "fiscal_year_printed", "year_label") in warnings
    assert ("lending_annual", 3, "arrears_as_of", "as_of_outside") in warnings  # FY2562 dated 30 Sep 2561
    assert ("lending_annual", 6, "arrears_as_of", "as_of_mid_year") in warnings  # 31 Jul, not year end
    assert ("lending_annual", 5, "actual_amount", "sources_disagree") in warnings  # 5.0 M vs 4.8 M
    assert not any(code == "pct_mismatch" for *_, code in warnings)  # 6,375,000 / 7,000,000 = 91.07 %


def test_activity_done_before_start_and_unknown_owner(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "kpis.csv": "code,name_th\nK1,ตัวชี้วัด\n",
            "activities.csv": (
                "owner_code,activity_no,text_th,start_month,end_month,done_month\n"
                "K1,1,วิเคราะห์ข้อมูล,ม.ค. 66,ธ.ค. 65,\n"
                "K1,2,จัดทำแผน,ม.ค. 66,มี.ค. 66,ธ.ค. 65\n"
                "K9,1,ประชุม,ต.ค. 65,ต.ค. 65,\n"
            ),
        },
    )
    errors = _codes(planlib.validate(folder), "error")
    assert ("activities", 2, "end_month", "order_end_before_start") in errors
    assert ("activities", 3, "done_month", "order_done_before_start") in errors
    assert ("activities", 4, "owner_code", "unknown_code") in errors


def test_scores_outside_scale_missing_or_for_unknown_project(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "projects.csv": "code,name_th\n1,ก\n2,ข\n",
            "criteria.csv": "code,name_th,scale_min,scale_max\na,เกณฑ์ ก,1,5\nb,เกณฑ์ ข,1,5\n",
            "scores.csv": "project_code,a,b,c\n1,5,6,1\n2,,3,1\n9,1,1,1\n",
        },
    )
    errors = _codes(planlib.validate(folder), "error")
    assert ("scores", 2, "b", "out_of_scale") in errors
    assert ("scores", 3, "a", "required_score") in errors
    assert ("scores", 4, "project_code", "unknown_code") in errors
    assert ("scores", None, "c", "unknown_code_criterion_column") in errors


def test_tows_factor_that_does_not_exist(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "swot.csv": "code,quadrant,text_th\nS1,S,ก\nO1,O,ข\n",
            "tows.csv": 'code,type,text_th,factors\nSO1,SO,กลยุทธ์,"S1, O1, O7"\n',
        },
    )
    problems = planlib.validate(folder)
    error = next(p for p in problems.errors if p.code == "unknown_code")
    assert (error.row, error.column, error.value) == (2, "factors", "O7")
    assert "swot.code" in error.reason_en and "ไม่รู้จักรหัส" in error.reason_th


def test_damaged_thai_text_is_reported_not_changed(tmp_path: Path) -> None:
    damaged = "กำรศึกษำกำรใช้เทคโนโลยีดิจิทัลสนับสนุนกำรปฏิบัติภำรกิจ"
    folder = _folder(tmp_path, {"swot.csv": f"code,quadrant,text_th\nS1,S,{damaged}\n"})
    plan = planlib.load_plan(folder)
    assert plan.swot.loc[2, "text_th"] == damaged
    assert ("swot", 2, "text_th", "damaged_text") in _codes(plan.problems, "warning")


@pytest.mark.parametrize("org", ["hwfund", "ditp", "dsdw", "tfund", "mol"])
def test_shipped_data_validates_clean(org: str, data_dir: Path) -> None:
    folder = data_dir / org
    if not (folder / "plan.csv").exists():
        pytest.fail(f"data/{org} is missing")
    problems = planlib.validate(folder)
    assert not problems.errors, problems.errors.to_frame().to_string()


def test_hwfund_quirks_are_warnings_with_provenance(data_dir: Path) -> None:
    folder = data_dir / "hwfund"
    warnings = planlib.validate(folder).warnings.to_frame()
    codes = set(warnings.code)
    assert {"year_label", "total_mismatch", "sources_disagree"} <= codes
    totals = warnings[warnings.code == "total_mismatch"].reason_en.str.cat(sep="\n")
    assert "6,310" in totals  # 447 + 5,867 = 6,314 persons
    assert "627" in totals  # cumulative count printed 627, Table 2-1 rows give 623
    labels = warnings[warnings.code == "year_label"]
    assert sorted(labels.value) == ["2558", "2559"]


def test_frame_dtypes_follow_the_contract(hwfund_portfolio: planlib.Portfolio) -> None:
    annual = hwfund_portfolio.lending_annual
    assert annual["fiscal_year"].dtype == "Int64"
    assert annual["actual_amount"].dtype == "float64"
    assert isinstance(annual.index, pd.Index) and annual.index.name == "row"
