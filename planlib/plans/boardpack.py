"""The board pack: the tables of the quarterly progress report as one ``.xlsx`` workbook for the board's papers.

Layout: an ``about`` sheet (organisation, quarter, rules of scoring, which figures are illustrative,
and a contents list linking every sheet), then one sheet per report section in the report's order
(executive summary, KPIs, activities, budget, lending, rules applied). Each sheet has its header on
row 1 in Thai and English (``ร้อยละของเป้า / % of target``), frozen with the first column, an
autofilter, column widths fitted to the content, and cell formats by meaning:

* numbers ``#,##0.00`` (``#,##0`` when every value of the column is whole);
* a column named ``*_pct`` (and a ``value`` whose row's ``unit`` is ``%``) holds percent units
  (113.9 means 113.9 %); it is written as the fraction 1.139 with the format ``0.0%``, so Excel
  computes with it as a percentage;
* dates are real dates and months are the first day of the month, shown in the Thai Buddhist
  calendar (``[$-107041E]d mmm yyyy`` → ``1 ต.ค. 2567``; ``[$-107041E]mmm yy`` → ``ต.ค. 67``), so
  they sort and filter as dates; the Gantt sheet's month headers are such dates too;
* a ``rag`` cell is filled with its status colour (:data:`planlib.display.RAG_FILLS`).

Every text cell that a spreadsheet would read as a formula (first character ``=``, ``+``, ``-``,
``@``, or a tab / carriage return) is neutralised: it is written as a *text* cell prefixed with an
apostrophe, so opening the file cannot run it (OWASP "CSV/formula injection"). Numbers stay
numbers. The workbook is written to a temporary file beside the target and moved into place, so a
reader never sees a half-written file.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from planlib import display
from planlib.inputs import thai
from planlib.plans import gantt, progress

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

NUMBER_FORMAT = "#,##0.00"
WHOLE_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "[$-107041E]d mmm yyyy"
"""Thai locale (041E), Buddhist calendar (07): the date 2024-10-01 shows as ``1 ต.ค. 2567``."""
MONTH_FORMAT = "[$-107041E]mmm yy"
"""The first day of a month, shown as ``ต.ค. 67``."""
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
MIN_WIDTH, MAX_WIDTH = 8, 50
"""Column widths (characters); text longer than the widest column wraps."""
FILTER_BUTTON = 3
"""Characters a header needs beside its text for the autofilter button."""
LINE_HEIGHT = 17
"""Points per line of a wrapped cell (11-point Thai text with its marks above and below)."""

LABELS: dict[str, str] = {
    "indicator_th": "ตัวชี้วัดสรุป",
    "indicator_en": "indicator",
    "value": "ค่า / value",
    "of": "จากทั้งหมด / of",
    "share_pct": "ร้อยละ / %",
    "shown": "ที่แสดงในรายงาน / as shown",
    "kpi_code": "ตัวชี้วัด / KPI",
    "name_th": "ชื่อ",
    "name_en": "name",
    "unit": "หน่วย / unit",
    "year_target": "เป้าทั้งปี / year target",
    "target_source": "ที่มาของเป้า / target source",
    "target_to_date": "เป้าถึงไตรมาสนี้ / target to date",
    "actual_ytd": "ผลสะสม / result YTD",
    "as_of_quarter": "ผล ณ ไตรมาส / as of quarter",
    "achievement_pct": "ร้อยละของเป้า / % of target",
    "rag": "สถานะ / RAG",
    "level": "ระดับที่ได้ / level",
    "score": "คะแนน / score",
    "projection": "คาดการณ์สิ้นปี / projection",
    "owner_code": "เจ้าของ / owner",
    "activity_no": "ที่ / no",
    "text_th": "กิจกรรม / activity",
    "first_month": "เดือนแรกตามแผน / first planned",
    "last_month": "เดือนสุดท้ายตามแผน / last planned",
    "done_month": "เดือนที่เสร็จ / month done",
    "due": "ถึงกำหนด / due",
    "done": "เสร็จ / done",
    "overdue": "เลยกำหนด / overdue",
    "months_overdue": "ล่าช้า (เดือน) / months overdue",
    "status_source": "ที่มาของสถานะ / status source",
    "planned": "ตามแผน / planned",
    "done_early": "เสร็จก่อนกำหนด / done early",
    "activity": "กิจกรรม / activity",
    "status": "สถานะ / status",
    "project_code": "โครงการ / project",
    "strategy_code": "กลยุทธ์ / strategy",
    "spent": "ใช้จ่ายสะสม (บาท) / spent (THB)",
    "spent_pct": "ร้อยละที่ใช้จ่าย / % spent",
    "remaining": "คงเหลือ (บาท) / remaining (THB)",
    "key": "รหัส / key",
    "measure_th": "รายการ",
    "measure_en": "measure",
    "as_of": "ข้อมูล ณ / as of",
    "source": "ที่มา / source",
    "kind": "ประเภท / kind",
    "code": "รหัส / code",
    "behind_pct": "ต่ำกว่าเป้า / behind",
    "detail_th": "รายละเอียด",
    "detail_en": "detail",
    "rule": "หลักเกณฑ์ / rule",
}
"""Thai / English header of each board-pack column (a Thai-only or English-only column sits beside its twin)."""
KPI_COLUMNS = tuple(
    "kpi_code name_th name_en unit year_target target_source target_to_date actual_ytd as_of_quarter "
    "achievement_pct rag level score projection".split()
)
"""The KPI sheet's columns (the scoring and projection methods, the same on every row, are on the rules sheet)."""
ACTIVITY_COLUMNS = tuple(
    "owner_code activity_no text_th first_month last_month done_month due done overdue months_overdue "
    "status_source".split()
)
BUDGET_LABELS = {"planned": "แผน (บาท) / planned (THB)"}
"""Budget sheets: ``planned`` is money, not a count of activities."""


@dataclass(frozen=True)
class Section:
    """One sheet of the board pack: a table, the report section it belongs to and its column headers."""

    frame: pd.DataFrame
    title: str = ""
    labels: Mapping[object, str] = field(default_factory=dict)


def neutralise(value: object) -> object:
    """A cell value safe to open in a spreadsheet: formula-like text gets a leading apostrophe.

    ``"=SUM(A1)"`` → ``"'=SUM(A1)"``; ``"-"`` → ``"'-"``; numbers, dates and other text unchanged.
    Source: OWASP, CSV Injection (prefix cells beginning with = + - @ tab CR with ').
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-valid, unique sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


# ---------------------------------------------------------------- cells


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # a list or array
        return False


def cell_value(value: object) -> tuple[object, str | None]:
    """(what the cell holds, the number format its kind needs): months → first day, dates → dates, text → text.

    ``pd.Period('2024-10')`` → (date 2024-10-01, :data:`MONTH_FORMAT`); a Timestamp → (datetime,
    :data:`DATE_FORMAT`); NaN, NA and NaT → (None, None); a list of months → their Thai labels.
    """
    if value is None or (not isinstance(value, (list, tuple, str)) and _is_missing(value)):
        return None, None
    if isinstance(value, pd.Period):
        return dt.date(value.year, value.month, 1), MONTH_FORMAT
    if isinstance(value, (list, tuple)):
        text = ", ".join(thai.format_month(v) if isinstance(v, pd.Period) else str(v) for v in value)
        return text, None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime(), DATE_FORMAT
    if isinstance(value, (dt.date, dt.datetime)):
        return value, DATE_FORMAT
    if isinstance(value, bool):
        return value, None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalar → Python
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int):
        return value, WHOLE_FORMAT
    if isinstance(value, float):
        return (None, None) if math.isnan(value) else (value, NUMBER_FORMAT)
    return str(value), None


def column_format(name: object, values: pd.Series) -> str | None:
    """The number format of a whole column: percent (``*_pct``), whole numbers, numbers; None to decide per cell."""
    if str(name).endswith("_pct"):
        return PERCENT_FORMAT
    if pd.api.types.is_bool_dtype(values.dtype):
        return None
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = pd.to_numeric(values, errors="coerce").dropna()
        whole = numbers.empty or bool((numbers == numbers.round()).all())
        return WHOLE_FORMAT if whole else NUMBER_FORMAT
    return None


def _unit_format(value: object) -> str | None:
    """The format of one number in a column of mixed units: whole numbers without decimals."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return WHOLE_FORMAT if float(value).is_integer() else NUMBER_FORMAT
    return None


def _put(cell: Cell, value: object) -> None:
    """Set a cell; text is always stored as a string cell (never parsed as a formula)."""
    if isinstance(value, str):
        cell.value = neutralise(value)
        cell.data_type = TYPE_STRING
    else:
        cell.value = value


def _width(value: object, number_format: str | None) -> int:
    """Characters a cell needs on screen."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 12 if number_format == DATE_FORMAT else 8
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        shown = value * 100 if number_format == PERCENT_FORMAT else value
        return len(f"{shown:,.2f}") + 1
    return max(thai.display_width(line) for line in str(value).splitlines() or [""])


# ---------------------------------------------------------------- sheets


def header_text(label: str) -> str:
    """A bilingual label on two lines, Thai above English.

    ``ร้อยละของเป้า / % of target`` → ``ร้อยละของเป้า`` and ``% of target`` on the next line.
    """
    return label.replace(" / ", "\n")


def write_sheet(ws: Worksheet, section: Section) -> None:
    """One table on a sheet: bilingual bold header on row 1, typed and formatted cells, widths, panes, filter."""
    frame = section.frame
    columns = list(frame.columns)
    widths = _write_header(ws, section)
    units = frame["unit"].tolist() if "unit" in frame.columns else None
    formats = [column_format(name, frame[name]) for name in columns]
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for c, raw in enumerate(values, start=1):
            name, fmt = columns[c - 1], formats[c - 1]
            value, own_fmt = cell_value(raw)
            if name == "value" and units is not None:  # one measure per row, each in its own unit
                fmt = PERCENT_FORMAT if units[r - 2] == "%" else _unit_format(value)
            elif fmt is None or isinstance(value, (dt.date, dt.datetime)):
                fmt = own_fmt
            if fmt == PERCENT_FORMAT and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = round(value / 100, 8)  # percent units → the fraction Excel's % format expects
            cell = ws.cell(row=r, column=c)
            _put(cell, value)
            if fmt is not None and not isinstance(value, str):
                cell.number_format = fmt
            if name == "rag" and isinstance(value, str):
                rag = display.rag_of(value)
                if rag is not None:
                    cell.fill = PatternFill("solid", fgColor=display.RAG_FILLS[rag].lstrip("#").upper())
            widths[c - 1] = max(widths[c - 1], _width(value, fmt))
    fit(ws, widths)
    if columns:
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(frame) + 1, 2)}"
    landscape(ws)
    ws.print_title_rows = "1:1"
    if section.title:
        ws.oddHeader.center.text = section.title.replace("&", "&&")


def _lines(value: object, width: int) -> int:
    """Lines a text needs in a column ``width`` characters wide (each of its own lines wrapped)."""
    if not isinstance(value, str):
        return 1
    room = max(width - 2, 1)
    return sum(max(1, math.ceil(thai.display_width(line) / room)) for line in value.splitlines() or [""])


def landscape(ws: Worksheet) -> None:
    """Print on landscape pages, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_header(ws: Worksheet, section: Section) -> list[int]:
    """Row 1: bold labels on a fill (a month column's header is the month's first day); returns their widths."""
    widths = []
    bold, align = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for c, name in enumerate(section.frame.columns, start=1):
        cell = ws.cell(row=1, column=c)
        if isinstance(name, pd.Period):
            cell.value, cell.number_format = cell_value(name)
            widths.append(8)
        else:
            text = header_text(section.labels.get(name, str(name)))
            _put(cell, text)
            widths.append(max(thai.display_width(line) for line in text.splitlines() or [""]) + FILTER_BUTTON)
        cell.font, cell.fill, cell.alignment = bold, HEADER_FILL, align
    return widths


def fit(ws: Worksheet, widths: list[int]) -> None:
    """Set column widths (content + 2, within :data:`MIN_WIDTH`–:data:`MAX_WIDTH`) and the heights of rows that wrap.

    A text longer than its column wraps; the row gets the height of its tallest cell (lines × :data:`LINE_HEIGHT`),
    because neither Excel nor LibreOffice grows a row for wrapped text when the file is opened.
    """
    columns = [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]
    for c, width in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    for row in ws.iter_rows(max_col=len(columns)):
        needed = [_lines(cell.value, columns[cell.column - 1]) for cell in row]
        lines = max(needed, default=1)
        for cell, n in zip(row, needed):
            if lines > 1:  # a tall row: every cell starts at the top, and a long text wraps
                horizontal = cell.alignment.horizontal if cell.alignment else None
                cell.alignment = Alignment(wrap_text=n > 1 or cell.row == 1, vertical="top", horizontal=horizontal)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def write_board_pack(
    tables: Mapping[str, pd.DataFrame | Section], path: str | Path, *, notes: Mapping[str, str] | None = None
) -> Path:
    """Write ``tables`` (sheet name → DataFrame or :class:`Section`) to ``path`` as ``.xlsx``, atomically.

    The first sheet, ``about``, lists ``notes`` (key → text: organisation, quarter, which tables
    are illustrative) and then the contents: each sheet, linked, with its section title. A plain
    DataFrame keeps its column names as headers; a :class:`Section` shows its labels. Every text
    cell goes through :func:`neutralise` and is stored as text.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    about = wb.active
    about.title = "about"
    used = {"about"}
    bold = Font(bold=True)
    row = 0
    for row, (key, text) in enumerate((notes or {}).items(), start=1):
        for c, value in enumerate((key, text), start=1):
            _put(about.cell(row=row, column=c), value)
        about.cell(row=row, column=1).font = bold
    contents_row = row + 2
    _put(about.cell(row=contents_row, column=1), "สารบัญ / contents")
    about.cell(row=contents_row, column=1).font = bold
    for i, (name, table) in enumerate(tables.items(), start=1):
        section = table if isinstance(table, Section) else Section(table)
        title = sheet_name(name, used)
        write_sheet(wb.create_sheet(title), section)
        link = about.cell(row=contents_row + i, column=1)
        _put(link, title)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(title)}!A1")  # within the book
        link.style = "Hyperlink"
        _put(about.cell(row=contents_row + i, column=2), section.title)
    fit(about, [32, MAX_WIDTH])
    landscape(about)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a report file is for everyone who reads reports/
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------- the quarterly board pack


def _labels(frame: pd.DataFrame, **extra: str) -> dict[object, str]:
    return {name: extra.get(str(name)) or LABELS.get(str(name), str(name)) for name in frame.columns}


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The executive summary with numbers as numbers: value, of, and their share in % (``share_pct``).

    share = 100 × value ÷ of when the row has an ``of`` (KPIs on track 11 of 19 → 57.9 %; budget spent
    6,800 of 15,000 THB → 45.3 %; empty when ``of`` is 0: nothing assessed); a row without one already
    is a percentage (lending % of the credit line, a slippage's % behind) and moves to the share column.
    """
    value = pd.to_numeric(summary["value"], errors="coerce")
    of = pd.to_numeric(summary["of"], errors="coerce")
    counted = of.notna()
    share = (100 * value / of.where(of > 0)).where(counted, value).round(2)
    value, of = value.where(counted), of.where(counted)
    return pd.DataFrame(
        {
            "indicator_th": summary["indicator_th"],
            "indicator_en": summary["indicator_en"],
            "value": value,
            "of": of,
            "share_pct": share,
            "shown": summary["shown"],
        }
    )


def board_pack_sections(report: progress.QuarterlyProgress) -> dict[str, Section]:
    """The sheets of a quarterly progress report's board pack, in the report's order, with their titles."""
    summary = "สรุปสำหรับผู้บริหาร / Executive summary"
    sections: dict[str, Section] = {}
    frame = summary_table(report.summary)
    sections["summary"] = Section(frame, summary, _labels(frame))
    if not report.slippages.empty:
        frame = report.slippages
        sections["slippages"] = Section(frame, f"{summary}: ความล่าช้า / slippages", _labels(frame))
    if not report.kpis.empty:
        frame = report.kpis[list(KPI_COLUMNS)].assign(rag=[f"{progress.RAG_TH[r]} / {r}" for r in report.kpis["rag"]])
        sections["kpis"] = Section(frame, "ตัวชี้วัด / KPIs", _labels(frame))
    if not report.activities.empty:
        frame = report.activities[list(ACTIVITY_COLUMNS)]
        sections["activities"] = Section(frame, "กิจกรรม / Activities", _labels(frame))
        frame = report.activity_counts
        sections["activity_counts"] = Section(frame, "กิจกรรม: นับตามเจ้าของ / Activities by owner", _labels(frame))
        months = gantt.chart_months(report.activities, report.fiscal_year)
        frame = gantt.gantt_grid(report.activities, report.fiscal_year)
        frame = frame.rename(columns={thai.format_month(m): m for m in months})
        sections["gantt"] = Section(frame, "กิจกรรม: แผนภูมิแกนต์ / Activities: Gantt", _labels(frame))
    if not report.budget_by_project.empty:
        frame = report.budget_by_project
        sections["budget_projects"] = Section(frame, "งบประมาณ / Budget", _labels(frame, **BUDGET_LABELS))
        frame = report.budget_by_strategy
        title = "งบประมาณตามกลยุทธ์ / Budget by strategy"
        sections["budget_strategies"] = Section(frame, title, _labels(frame, **BUDGET_LABELS))
    if report.lending is not None and not report.lending.empty:
        sections["lending"] = Section(report.lending, "สินเชื่อ / Lending", _labels(report.lending))
    frame = pd.DataFrame({"rule": progress.rules_text(report)})
    sections["rules"] = Section(frame, "หลักเกณฑ์ที่ใช้ / Rules applied", _labels(frame))
    return sections


def board_pack_path(report: progress.QuarterlyProgress, output_dir: str | Path = ".") -> Path:
    """``<output_dir>/quarterly_progress_<org>_<fy>Q<q>.xlsx``."""
    return Path(output_dir) / f"quarterly_progress_{report.org_code}_{report.fiscal_year}Q{report.quarter}.xlsx"


def write_quarterly_board_pack(report: progress.QuarterlyProgress, output_dir: str | Path = ".") -> Path:
    """Write the board pack of a quarterly progress report beside the report; returns its path."""
    start, end = thai.format_date(report.quarter_start), thai.format_date(report.quarter_end)
    notes = {
        "organisation / หน่วยงาน": f"{report.org_name} ({report.org_code})",
        "quarter / ไตรมาส": f"{thai.format_quarter(report.fiscal_year, report.quarter)} ({start} – {end})",
        "scoring / วิธีให้คะแนน": report.method,
        "RAG": f"green ≥ {report.rag.green:g}%, amber ≥ {report.rag.amber:g}% of the target to date",
        "formats / รูปแบบ": "วันที่เป็นวันที่จริง แสดงแบบ พ.ศ.; ร้อยละเก็บเป็นสัดส่วน (113.9% = 1.139) "
        "/ dates are real dates shown in the Buddhist calendar; percentages are stored as fractions",
    }
    if report.illustrative:
        notes["ILLUSTRATIVE / ข้อมูลสมมติ"] = (
            "ตารางต่อไปนี้เป็นข้อมูลตัวอย่างสมมติ ไม่ใช่ผลจริง "
            "/ these tables are illustrative examples, not real results: " + ", ".join(report.illustrative)
        )
    return write_board_pack(board_pack_sections(report), board_pack_path(report, output_dir), notes=notes)
