"""Board-pack workbook: Thai/English headers, formats, real dates, panes, RAG fills; formula-like text neutralised."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

import planlib
from planlib.plans import boardpack, progress

ROOT = Path(__file__).resolve().parents[2]
DSDW = ROOT / "data" / "dsdw"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+66 2 245 1317", "'+66 2 245 1317"),
        ("-", "'-"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("ระดับ 5", "ระดับ 5"),
        ("a=b", "a=b"),
        (12.5, 12.5),
        (-3, -3),
    ],
)
def test_neutralise(raw: object, safe: object) -> None:
    assert boardpack.neutralise(raw) == safe


def test_formula_text_cannot_run(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("http://x")', "-2+3", "@SUM(1)", "โครงการ 1"], "amount": [1.5, -2.0, 3.0, None]}
    )
    path = boardpack.write_board_pack({"t": frame}, tmp_path / "pack.xlsx", notes={"=note": "+x"})
    ws = openpyxl.load_workbook(path)["t"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in cells] == ['\'=HYPERLINK("http://x")', "'-2+3", "'@SUM(1)", "โครงการ 1"]
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
    # one sheet per report section, in the report's order (no budget or lending in DSDW's plan)
    assert wb.sheetnames == ["about", "summary", "slippages", "kpis", "activities", "activity_counts", "gantt", "rules"]
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True)}
    assert "ILLUSTRATIVE" in " ".join(str(k) for k in about) and "kpi_actuals" in about["ILLUSTRATIVE / ข้อมูลสมมติ"]
    assert about["kpis"] == "ตัวชี้วัด / KPIs"
    links = {c.value: c.hyperlink.location for c in wb["about"]["A"] if c.hyperlink is not None}
    assert links["kpis"] == "'kpis'!A1" and set(links) == set(wb.sheetnames) - {"about"}
    summary = wb["summary"]
    assert [c.value for c in summary[1]] == [
        "ตัวชี้วัดสรุป",
        "indicator",
        "ค่า\nvalue",
        "จากทั้งหมด\nof",
        "ร้อยละ\n%",
        "ที่แสดงในรายงาน\nas shown",
    ]
    on_track = [c for c in summary[2]]
    assert on_track[1].value == "KPIs on track" and on_track[5].value == report.summary["shown"].iloc[0] == "5/6"
    assert (on_track[2].value, on_track[2].number_format) == (5, "#,##0")  # a count, not the text "5/6"
    assert (on_track[3].value, on_track[3].number_format) == (6, "#,##0")
    assert on_track[4].value == pytest.approx(5 / 6, abs=1e-4) and on_track[4].number_format == "0.0%"
    kpis = wb["kpis"]
    k1 = {h.value: c for h, c in zip(kpis[1], kpis[2])}
    assert k1["ตัวชี้วัด\nKPI"].value == "K1" and k1["ผลสะสม\nresult YTD"].value == 11.39  # kpi_actuals 2566 Q2
    assert k1["ร้อยละของเป้า\n% of target"].value == pytest.approx(1.139)  # 11.39 of a target to date of 10
    assert k1["ร้อยละของเป้า\n% of target"].number_format == "0.0%"
    assert k1["สถานะ\nRAG"].value == "เขียว (ตามเป้า) / green"
    assert k1["สถานะ\nRAG"].fill.fgColor.rgb == "00DCEFE3"  # display.RAG_FILLS["green"]
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def _report(org: str, fy: int, quarter: int) -> progress.QuarterlyProgress:
    """The quarterly report as the notebook builds it, lending from the (illustrative) loan book included."""
    from planlib.loans import lending_progress

    folder = ROOT / "data" / org
    portfolio = planlib.load_portfolio(folder, strict=False)
    lending = lending_progress.lending_progress(portfolio, fy, quarter)
    return progress.quarterly_progress(
        planlib.load_plan(folder), fy, quarter, lending=lending, illustrative=portfolio.synthetic
    )


def _rows(ws: Worksheet) -> list[dict[str, Cell]]:
    """The data rows of a sheet as header text → cell."""
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row)) for row in ws.iter_rows(min_row=2)]


def test_hwfund_board_pack_has_formats_dates_panes_and_rag_fills(tmp_path: Path) -> None:
    path = boardpack.write_quarterly_board_pack(_report("hwfund", 2568, 2), tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[1:] == [
        "summary",
        "slippages",
        "kpis",
        "activities",
        "activity_counts",
        "gantt",
        "budget_projects",
        "budget_strategies",
        "lending",
        "rules",
    ]
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "B2" and ws.auto_filter.ref.startswith("A1:")
        assert all(c.font.bold for c in ws[1])
        assert all(ws.column_dimensions[c.column_letter].width >= boardpack.MIN_WIDTH for c in ws[1])

    kpis = {r["ตัวชี้วัด\nKPI"].value: r for r in _rows(wb["kpis"])}
    dv1 = kpis["DV1"]  # a level KPI is judged at year end: target to date is the year-end level 3, grey not red
    assert (dv1["ผลสะสม\nresult YTD"].value, dv1["เป้าถึงไตรมาสนี้\ntarget to date"].value) == (1, 3)
    assert dv1["ร้อยละของเป้า\n% of target"].value == pytest.approx(0.3333)
    assert dv1["สถานะ\nRAG"].fill.fgColor.rgb == "00ECECEC"  # display.RAG_FILLS of 'judged at year end' (grey)
    assert kpis["K1"]["สถานะ\nRAG"].fill.fgColor.rgb == "00DCEFE3"
    assert kpis["P7-68"]["สถานะ\nRAG"].fill.fgColor.rgb == "00FBEFD0"  # amber: 92.8 % of the target to date

    budget = _rows(wb["budget_projects"])[0]
    assert budget["โครงการ\nproject"].value == "6"  # a code stays text
    assert (budget["แผน (บาท)\nplanned (THB)"].value, budget["แผน (บาท)\nplanned (THB)"].number_format) == (
        15000,
        "#,##0",
    )
    assert budget["ใช้จ่ายสะสม (บาท)\nspent (THB)"].value == 6800
    assert budget["ร้อยละที่ใช้จ่าย\n% spent"].value == pytest.approx(0.4533)
    assert budget["ร้อยละที่ใช้จ่าย\n% spent"].number_format == "0.0%"

    first = _rows(wb["activities"])[0]  # activity 1-1: Jan–Aug 2568, done in Jan
    month = first["เดือนแรกตามแผน\nfirst planned"]
    assert month.data_type == "d" and month.value == dt.datetime(2025, 1, 1)  # a real date, not "ม.ค. 68"
    assert month.number_format == boardpack.MONTH_FORMAT == "[$-107041E]mmm yy"  # shown ม.ค. 68
    assert first["เดือนที่เสร็จ\nmonth done"].value == dt.datetime(2025, 1, 1)
    gantt = wb["gantt"]
    assert gantt["C1"].value == dt.datetime(2024, 10, 1) and gantt["C1"].number_format == boardpack.MONTH_FORMAT
    assert [c.value for c in gantt[1]][:2] == ["กิจกรรม\nactivity", "สถานะ\nstatus"]

    lending = _rows(wb["lending"])[0]  # the loan book ends before FY2568: a dated note
    as_of = lending["ข้อมูล ณ\nas of"]
    assert as_of.value == dt.datetime(2024, 9, 30) and as_of.number_format == boardpack.DATE_FORMAT
    assert wb["kpis"].row_dimensions[2].height >= 2 * boardpack.LINE_HEIGHT  # K1's long name wraps


def test_lending_values_take_the_format_of_their_unit(tmp_path: Path) -> None:
    path = boardpack.write_quarterly_board_pack(_report("hwfund", 2567, 2), tmp_path)
    rows = {r["รหัส\nkey"].value: r["ค่า\nvalue"] for r in _rows(openpyxl.load_workbook(path)["lending"])}
    assert (rows["credit_line"].value, rows["credit_line"].number_format) == (5_000_000, "#,##0")
    assert (rows["disbursed_count"].value, rows["disbursed_count"].number_format) == (11, "#,##0")
    assert rows["disbursed_pct"].value == pytest.approx(0.4586) and rows["disbursed_pct"].number_format == "0.0%"
    assert rows["outstanding"].value == pytest.approx(15_440_028.53) and rows["outstanding"].number_format == "#,##0.00"


def test_user_text_from_the_plan_cannot_run_as_a_formula(tmp_path: Path) -> None:
    folder = tmp_path / "dsdw"
    shutil.copytree(DSDW, folder)
    kpis = pd.read_csv(folder / "kpis.csv", dtype=str, keep_default_na=False)
    kpis.loc[kpis["code"] == "K1", "name_th"] = '=HYPERLINK("http://x","คลิก")'
    kpis.to_csv(folder / "kpis.csv", index=False)
    acts = pd.read_csv(folder / "activities.csv", dtype=str, keep_default_na=False)
    acts.loc[0, "text_th"] = "+1+cmd|' /C calc'!A0"
    acts.to_csv(folder / "activities.csv", index=False)
    report = progress.quarterly_progress(planlib.load_plan(folder), 2566, 2)
    wb = openpyxl.load_workbook(boardpack.write_quarterly_board_pack(report, tmp_path / "out"))
    name = _rows(wb["kpis"])[0]["ชื่อ"]
    assert name.value == '\'=HYPERLINK("http://x","คลิก")' and name.data_type == "s"
    text = _rows(wb["activities"])[0]["กิจกรรม\nactivity"]
    assert text.value == "'+1+cmd|' /C calc'!A0" and text.data_type == "s"
    gantt = _rows(wb["gantt"])[0]["กิจกรรม\nactivity"]  # the Gantt label starts with the code: nothing to neutralise
    assert gantt.value.startswith("K1-1 +1+cmd")
    formulas = [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_sections_label_headers_and_neutralise_them(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "rag": ["=1", "แดง (ต่ำกว่าเป้า) / red"],
            "share_pct": [12.5, None],
            pd.Period("2024-10", freq="M"): ["■", ""],
            "when": [pd.Timestamp("2024-10-01"), pd.NaT],
        }
    )
    section = boardpack.Section(frame, "=title", {"rag": "-RAG / สถานะ", "share_pct": "ร้อยละ / %"})
    ws = openpyxl.load_workbook(boardpack.write_board_pack({"t": section}, tmp_path / "s.xlsx"))["t"]
    assert [c.value for c in ws[1]] == ["'-RAG\nสถานะ", "ร้อยละ\n%", dt.datetime(2024, 10, 1), "when"]
    assert ws["A2"].value == "'=1" and ws["A2"].fill.fgColor.rgb == "00000000"  # text, not a status: no fill
    assert ws["A3"].fill.fgColor.rgb == "00F6D9D5"
    assert (ws["B2"].value, ws["B2"].number_format, ws["B3"].value) == (0.125, "0.0%", None)
    assert ws["D2"].value == dt.datetime(2024, 10, 1) and ws["D2"].number_format == boardpack.DATE_FORMAT
    assert ws["D3"].value is None
