"""Located errors name the sheet (issue 15, item 4): in a workbook every problem says file, sheet, row and column.

A workbook is built here with openpyxl. A formula without a saved value is an error only on a sheet
planlib reads.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import planlib
from planlib.inputs import read
from planlib.inputs.problems import Problem, Problems

SHEETS: dict[str, list[list[object]]] = {
    "plan": [["key", "value"], ["org_code", "demo"], ["org_name_th", "กองทุนทดสอบ"]],
    "swot": [
        ["code", "quadrant", "text_th", "weight", "rating"],
        ["S1", "S", "ผู้บริหารให้ความสำคัญ", 1.5, 4],  # row 2: a weight above 1
        ["W1", "W", "ขาดงบประมาณ", 0.4, 1],
    ],
    "projects": [["code", "name_th"], ["P1", "จัดทำแผนดิจิทัล"]],
    "Budgets": [["project_code", "fiscal_year", "amount"], ["P1", 2025, 15000]],  # row 2: a CE year
}


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_bad_weight_and_a_ce_year_on_row_2_of_two_sheets_name_different_sheets(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "y.xlsx", SHEETS)
    errors = planlib.validate(path).errors
    weight = next(p for p in errors if p.table == "swot" and p.row == 2)
    year = next(p for p in errors if p.table == "budgets" and p.row == 2)
    assert (weight.file, weight.sheet, weight.column, weight.value, weight.code) == (
        "y.xlsx",
        "swot",
        "weight",
        "1.5",
        "bad_value_above_maximum",
    )
    assert (year.file, year.sheet, year.column, year.value, year.code) == (
        "y.xlsx",
        "Budgets",
        "fiscal_year",
        "2025",
        "bad_value_ce_year",
    )
    assert weight.where() == "y.xlsx [swot], row 2, column weight"
    assert year.where() == "y.xlsx [Budgets], row 2, column fiscal_year"  # the sheet as typed
    assert weight.where() != year.where()
    frame = errors.to_frame()
    assert list(frame.columns[:3]) == ["severity", "file", "sheet"]
    assert set(frame.loc[frame.row == 2, "sheet"]) == {"swot", "Budgets"}
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(path)
    assert "y.xlsx [swot], row 2, column weight" in str(err.value)
    assert "y.xlsx [Budgets], row 2, column fiscal_year" in str(err.value)


def test_cross_table_checks_name_the_sheet_too(tmp_path: Path) -> None:
    sheets = dict(SHEETS)
    sheets["swot"] = [SHEETS["swot"][0], ["S1", "S", "ก", 0.5, 4], ["S1", "W", "ข", 0.4, 1]]
    sheets["Budgets"] = [["project_code", "fiscal_year", "amount"], ["P9", 2568, 100]]
    problems = planlib.validate(_workbook(tmp_path / "y.xlsx", sheets))
    found = {(p.code, p.sheet, p.row, p.column) for p in problems.errors}
    assert ("duplicate", "swot", 3, "code") in found
    assert ("weights_sum_ife_efe", "swot", None, "weight") in found  # 0.5 + 0.4 = 0.9
    assert ("unknown_code", "Budgets", 2, "project_code") in found
    dataset = planlib.load_plan(tmp_path / "y.xlsx", strict=False)
    assert dict(dataset.sheets) == {"plan": "plan", "swot": "swot", "projects": "projects", "budgets": "Budgets"}


def test_a_csv_problem_has_no_sheet_and_reads_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    for title, rows in SHEETS.items():
        text = "\n".join(",".join(str(c) for c in row) for row in rows) + "\n"
        (folder / f"{title.lower()}.csv").write_text(text, encoding="utf-8")
    errors = planlib.validate(folder).errors
    weight = next(p for p in errors if p.table == "swot" and p.row == 2)
    assert weight.sheet == "" and weight.where() == "swot.csv, row 2, column weight"
    assert set(errors.to_frame().sheet) == {""}


def _with_formula(path: Path, title: str, header: list[str], row: list[object]) -> Path:
    """A clean plan workbook plus a sheet holding a formula that Excel never calculated (no saved value)."""
    swot = [SHEETS["swot"][0], ["S1", "S", "ผู้บริหารให้ความสำคัญ", 0.6, 4], SHEETS["swot"][2]]
    sheets = {**SHEETS, "swot": swot, "Budgets": [SHEETS["Budgets"][0]]}
    sheets[title] = [header, row]
    return _workbook(path, sheets)


def test_a_formula_without_a_saved_value_on_a_sheet_planlib_does_not_read_is_not_an_error(tmp_path: Path) -> None:
    path = _with_formula(tmp_path / "notes.xlsx", "Notes", ["topic", "count"], ["ประชุม", "=1+1"])
    problems = planlib.validate(path)
    assert not problems.errors, problems.errors.to_frame().to_string()
    assert [(p.code, p.sheet) for p in problems.warnings] == [("unknown_table", "Notes")]
    assert planlib.load_plan(path).swot["weight"].tolist() == [0.6, 0.4]


def test_a_formula_without_a_saved_value_is_an_error_only_where_it_is_read(tmp_path: Path) -> None:
    path = _with_formula(tmp_path / "loans.xlsx", "loans", ["loan_id", "principal"], ["L1", "=1000*2"])
    assert not planlib.load_plan(path).problems.errors  # load_plan does not read the lending sheets
    errors = planlib.validate(path).errors  # validate reads plan and lending tables
    formula = next(p for p in errors if p.code == "formula")
    assert (formula.sheet, formula.row, formula.column, formula.value) == ("loans", 2, "principal", "=1000*2")
    assert formula.where() == "loans.xlsx [loans], row 2, column principal"
    problems: list[Problem] = []
    read.read_workbook(path, problems, wanted=("swot",))
    assert problems == []
    read.read_workbook(path, problems)  # every sheet, when the caller does not say
    assert [(p.code, p.sheet) for p in problems] == [("formula", "loans")]


def test_where_names_the_sheet_before_the_table() -> None:
    problem = Problem.of("error", "budgets", "bad_value_not_a_number", file="y.xlsx", sheet="งบประมาณ", row=4, raw="x")
    assert problem.where() == "y.xlsx [งบประมาณ], row 4"
    assert Problem.of("error", "budgets", "empty", file="y.xlsx").where() == "y.xlsx [budgets]"
    assert Problems([problem]).to_frame().loc[0, "sheet"] == "งบประมาณ"
