"""Board-pack workbook: formula-like text neutralised, written atomically, readable back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import planlib
from planlib.plans import boardpack, progress

ROOT = Path(__file__).resolve().parents[2]
DSDW = ROOT / "data" / "dsdw"


@pytest.mark.parametrize(("raw", "safe"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+66 2 245 1317", "'+66 2 245 1317"), ("-", "'-"),
    ("@cmd", "'@cmd"), ("\t=1", "'\t=1"), ("ระดับ 5", "ระดับ 5"), ("a=b", "a=b"), (12.5, 12.5), (-3, -3),
])  # fmt: skip
def test_neutralise(raw: object, safe: object) -> None:
    assert boardpack.neutralise(raw) == safe


def test_formula_text_cannot_run(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "-2+3", "@SUM(1)", "โครงการ 1"], "amount": [1.5, -2.0, 3.0, None]})
    path = boardpack.write_board_pack({"t": frame}, tmp_path / "pack.xlsx", notes={"=note": "+x"})
    ws = openpyxl.load_workbook(path)["t"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in cells] == ["'=HYPERLINK(\"http://x\")", "'-2+3", "'@SUM(1)", "โครงการ 1"]
    assert all(c.data_type == "s" for c in cells)
    assert [ws.cell(row=r, column=2).value for r in range(2, 6)] == [1.5, -2.0, 3.0, None]  # numbers stay numbers
    about = openpyxl.load_workbook(path)["about"]
    assert (about["A1"].value, about["B1"].value) == ("'=note", "'+x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.xlsx"]  # no temporary file left behind


def test_sheet_names_are_valid_and_unique() -> None:
    used: set[str] = set()
    assert boardpack.sheet_name("a/b:c", used) == "a_b_c"
    assert boardpack.sheet_name("x" * 40, used) == "x" * 31
    assert boardpack.sheet_name("x" * 40, used) == "x" * 29 + "_2"


def test_quarterly_board_pack(tmp_path: Path) -> None:
    report = progress.quarterly_progress(planlib.load_plan(DSDW), 2566, 2)
    path = boardpack.write_quarterly_board_pack(report, tmp_path)
    assert path == tmp_path / "quarterly_progress_dsdw_2566Q2.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["about", "summary", "kpis"] and "gantt" in wb.sheetnames
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True)}
    assert "ILLUSTRATIVE" in " ".join(about) and "kpi_actuals" in about["ILLUSTRATIVE / ข้อมูลสมมติ"]
    summary = list(wb["summary"].iter_rows(values_only=True))
    assert summary[1][1] == "KPIs on track" and summary[1][2] == report.summary["shown"].iloc[0]
    assert oct(path.stat().st_mode & 0o777) == "0o644"
