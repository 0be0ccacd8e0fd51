"""Value for money (DITP seed 001 §5.3): ΣB/ΣC, bands, printed ratios checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.plans import value_for_money as vm

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def ditp() -> planlib.Plan:
    return planlib.load_plan(DATA / "ditp")


def test_ratios_by_hand(ditp: planlib.Plan) -> None:
    """seed 001 L829–834: ΣB/ΣC = 14/8, 13/8, 13/8, 12/9, 12/9, 13/8."""
    ratios = vm.bc_ratios(ditp.benefit_cost)
    assert ratios.loc["1.1.1", ["sum_b", "sum_c", "items_b", "items_c"]].tolist() == [14, 8, 5, 5]
    expected = {"1.1.1": 14 / 8, "1.4.1": 13 / 8, "2.1.1": 13 / 8, "1.2.1": 12 / 9, "1.3.1": 12 / 9, "2.2.1": 13 / 8}
    assert ratios["bc_ratio"].to_dict() == pytest.approx(expected)


def test_table_bands_and_printed_ratio_flags(ditp: planlib.Plan) -> None:
    table = vm.value_for_money(ditp).set_index("project_code")
    assert table.index[0] == "1.1.1"  # best ratio first
    assert table.loc["1.1.1", "band"] == "คุ้มค่าค่อนข้างมาก"  # 1.75 > 1.50
    assert table.loc["1.4.1", "band"] == "คุ้มค่าค่อนข้างมาก"  # 1.625
    assert table.loc["1.2.1", "band"] == "คุ้มค่าปานกลาง"  # 1.333 in 0.76-1.50
    # printed 1.65 for 13/8 = 1.625 is wrong (1.4.1, 2.1.1); 1.62 (2.2.1) is 1.625 rounded down
    ok = table["ratio_ok"].to_dict()
    assert ok == {"1.1.1": True, "1.4.1": False, "2.1.1": False, "2.2.1": True, "1.2.1": True, "1.3.1": True}


def test_printed_ratio_warnings_name_row_and_sums(ditp: planlib.Plan) -> None:
    found = [p for p in ditp.problems.warnings if p.code == "ratio_mismatch"]
    assert sorted((p.row, p.value) for p in found) == [(5, "1.65"), (6, "1.65")]  # projects.csv lines of 1.4.1, 2.1.1
    assert "13/8 = 1.625" in found[0].reason_en and "13/8 = 1.625" in found[0].reason_th


def test_ratio_agreement_rule() -> None:
    assert vm.printed_decimals(1.65) == 2 and vm.printed_decimals(1.5) == 1 and vm.printed_decimals(2.0) == 0
    assert vm.ratio_agrees(1.62, 13 / 8) and vm.ratio_agrees(1.63, 13 / 8) and not vm.ratio_agrees(1.65, 13 / 8)
    assert vm.ratio_agrees(1.33, 12 / 9) and vm.ratio_agrees(1.3, 12 / 9) and not vm.ratio_agrees(1.4, 12 / 9)


def test_items_table_as_printed(ditp: planlib.Plan) -> None:
    table = vm.items_table(ditp.benefit_cost).set_index("project_code")
    assert list(table.columns) == ["B1", "B2", "B3", "B4", "B5", "ΣB", "C1", "C2", "C3", "C4", "C5", "ΣC", "B/C"]
    assert table.loc["1.2.1", ["C1", "C2", "C3", "C4", "C5", "ΣC"]].tolist() == [2, 1, 3, 2, 1, 9]


def test_missing_side_zero_cost_and_out_of_rubric(tmp_path: Path) -> None:
    folder = tmp_path / "ditp"
    shutil.copytree(DATA / "ditp", folder, ignore=shutil.ignore_patterns("synthetic"))
    frame = pd.read_csv(folder / "benefit_cost.csv", dtype=str)
    frame = frame[~((frame["project_code"] == "2.2.1") & (frame["side"] == "cost"))]  # 2.2.1 loses its cost items
    frame.loc[(frame["project_code"] == "1.3.1") & (frame["side"] == "cost"), "score"] = "0"  # ΣC = 0 for 1.3.1
    frame.loc[0, "score"] = "4"  # 1.1.1 B1 scored 4 on a 1-3 rubric (line 2)
    frame.to_csv(folder / "benefit_cost.csv", index=False)
    problems = planlib.validate(folder)
    errors = {(p.table, p.code, p.value) for p in problems.errors}
    assert ("benefit_cost", "required_bc_side", "") in errors
    assert ("benefit_cost", "bad_value_bc_cost_zero", "0") in errors
    assert any("2.2.1 has no cost items" in p.reason_en for p in problems.errors)
    assert any("2.2.1 ไม่มีรายการด้านต้นทุน" in p.reason_th for p in problems.errors)
    assert ("benefit_cost", 2, "out_of_scale_bc_item") in {(p.table, p.row, p.code) for p in problems.warnings}
