"""TOWS matrix, traceability to tactics/plans/budgets, unused and unknown factors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import planlib
from planlib.plans import tows as tw

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def ditp() -> planlib.Plan:
    return planlib.load_plan(DATA / "ditp")


def test_ditp_six_strategies_trace_to_six_tactics_and_six_plans(ditp: planlib.Plan) -> None:
    trace = tw.traceability(ditp)
    assert len(trace) == 6
    # Seed 001 §3: SO1 -> 1.1 -> 1.1.1, WO1 -> 2.2, WO2 -> 1.2, ST1 -> 1.3, WT1 -> 1.4, WT2 -> 2.1
    chain = dict(zip(trace["code"], zip(trace["tactic_code"], trace["project_codes"], trace["strategy_code"])))
    assert chain == {
        "SO1": ("1.1", "1.1.1", "1"),
        "WO1": ("2.2", "2.2.1", "2"),
        "WO2": ("1.2", "1.2.1", "1"),
        "ST1": ("1.3", "1.3.1", "1"),
        "WT1": ("1.4", "1.4.1", "1"),
        "WT2": ("2.1", "2.1.1", "2"),
    }
    assert trace["project_codes"].nunique() == 6 and set(trace["project_codes"]) == set(ditp.projects["code"])
    assert trace.set_index("code").loc["SO1", "tactic_th"] == "การพัฒนาระบบดิจิทัลแบบบูรณาการให้สอดคล้องกับนโยบายรัฐบาลด้านดิจิทัล"


def test_ditp_budget_where_known(ditp: planlib.Plan) -> None:
    trace = tw.traceability(ditp).set_index("code")
    # Only plan 2.1.1 prints a budget: 3,000 บาท in each of 2569, 2570, 2571 (seed 001 L614)
    assert trace.loc["WT2", "budget"] == 9000.0 and trace.loc["WT2", "budget_years"] == "2569–2571"
    others = trace.drop(index="WT2")
    assert others["budget"].isna().all()
    assert set(others["budget_note"]) == {"ไม่ใช้งบประมาณ"}  # printed 'no budget', not a missing figure
    shown = tw.traceability_table(tw.traceability(ditp), "th").set_index("TOWS")
    assert list(shown.index)[:2] == ["SO1 (SO)", "WO1 (WO)"]
    assert shown.loc["WT2 (WT)", "งบประมาณ / Budget"].startswith("9,000 บาท (2569–2571); ใช้งบประมาณของกรม")
    assert shown.loc["SO1 (SO)", "งบประมาณ / Budget"] == "ไม่ใช้งบประมาณ"
    assert shown.loc["WO1 (WO)", "กลวิธี / Tactic"].startswith("2.2 การส่งเสริมการถ่ายทอด")
    assert shown.loc["WO1 (WO)", "กลวิธี / Tactic"].endswith("(ยุทธศาสตร์ / strategy 2)")


def test_tows_matrix_cells(ditp: planlib.Plan) -> None:
    matrix = tw.tows_matrix(ditp.tows, "en")
    so = matrix.loc[0, "จุดแข็ง / Strengths (S)"]
    assert so.startswith("SO1: Develop integrated digital systems") and so.endswith("[S1–S5, O1–O6]")
    wt = matrix.loc[1, "จุดอ่อน / Weaknesses (W)"]
    assert wt.startswith("(1) WT1:") and "(2) WT2:" in wt and "[W1, W3, T2–T4]" in wt
    table = tw.tows_table(ditp.tows, "th")
    assert list(table["รหัส / Code"]) == ["SO1", "ST1", "WO1", "WO2", "WT1", "WT2"]
    assert table.iloc[0]["ประเภท / Type"] == "SO กลยุทธ์เชิงรุก"


def test_compress_codes() -> None:
    assert tw.compress_codes(["S1", "S2", "S3", "O1", "O3", "O4"]) == "S1–S3, O1, O3, O4"
    assert tw.compress_codes([]) == ""


def test_every_ditp_factor_is_used(ditp: planlib.Plan) -> None:
    assert tw.unused_factors(ditp.tows, ditp.swot).empty
    assert tw.unknown_factors(ditp.tows, ditp.swot).empty


def _copy_ditp(tmp_path: Path) -> Path:
    folder = tmp_path / "ditp"
    shutil.copytree(DATA / "ditp", folder)
    return folder


def test_unknown_factor_code_is_a_clear_per_row_error(tmp_path: Path) -> None:
    folder = _copy_ditp(tmp_path)
    path = folder / "tows.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"W1,W2,O1,O3,O4"', '"W1,W2,O1,O3,O9"'), encoding="utf-8")  # WO1 is on line 3
    with pytest.raises(planlib.DataError) as caught:
        planlib.load_plan(folder)
    errors = list(caught.value.problems.errors)
    assert len(errors) == 1
    error = errors[0]
    where = (error.table, error.row, error.column, error.value, error.code)
    assert where == ("tows", 3, "factors", "O9", "unknown_code")
    assert "O9" in error.reason_en and "swot.code" in error.reason_en and "ไม่รู้จักรหัส" in error.reason_th
    assert "tows.csv, row 3, column factors" in str(caught.value)
    plan = planlib.load_plan(folder, strict=False)
    assert tw.unknown_factors(plan.tows, plan.swot).to_dict("records") == [{"row": 3, "code": "WO1", "factor": "O9"}]
    # O4 is now cited by no strategy (SO1 still cites O1-O6, so it stays used): nothing unused
    assert tw.unused_factors(plan.tows, plan.swot).empty


def test_unused_factor_and_wrong_side_warnings(tmp_path: Path) -> None:
    folder = _copy_ditp(tmp_path)
    path = folder / "tows.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace('"S1,S2,S3,S4,S5,T1,T2,T3,T4,T5"', '"S1,S2,S3,S4,S5,T1,T2,T3,T4,W2"')  # ST1 drops T5, cites W2
    text = text.replace('"W1,W4,T1,T5"', '"W1,W4,T1"')  # WT2 no longer cites T5
    path.write_text(text, encoding="utf-8")
    plan = planlib.load_plan(folder)
    warnings = {(p.table, p.row, p.column, p.value, p.code) for p in plan.problems.warnings}
    assert ("tows", 5, "factors", "W2", "factor_side") in warnings  # ST1 is on line 5
    assert ("swot", 21, "code", "T5", "unused_factor") in warnings  # T5 is on line 21 of swot.csv
    assert list(tw.unused_factors(plan.tows, plan.swot)["code"]) == ["T5"]
    side = next(p for p in plan.problems.warnings if p.code == "factor_side")
    assert "ST strategy ST1 cites W2, a W item" in side.reason_en
