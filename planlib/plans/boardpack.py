"""The board pack: key tables of the quarterly progress report as one ``.xlsx`` workbook.

Every text cell that a spreadsheet would read as a formula (first character ``=``, ``+``,
``-``, ``@``, or a tab / carriage return) is neutralised: it is written as a *text* cell
prefixed with an apostrophe, so opening the file cannot run it (OWASP "CSV/formula
injection"). Numbers stay numbers. The workbook is written to a temporary file beside the
target and moved into place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from planlib.inputs import thai

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """A cell value safe to open in a spreadsheet: formula-like text gets a leading apostrophe.

    ``"=SUM(A1)"`` → ``"'=SUM(A1)"``; ``"-"`` → ``"'-"``; numbers, dates and other text unchanged.
    Source: OWASP, CSV Injection (prefix cells beginning with = + - @ tab CR with ').
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, pd.Period):
        return thai.format_month(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(thai.format_month(v) if isinstance(v, pd.Period) else str(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, dt.date):
        return value
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return value
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(getattr(value, "dtype", ""))):
        return int(value)  # type: ignore[call-overload]
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    return str(value)


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-valid, unique sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def write_board_pack(tables: Mapping[str, pd.DataFrame], path: str | Path, *, notes: Mapping[str, str] | None = None) -> Path:
    """Write ``tables`` (sheet name → DataFrame) to ``path`` as ``.xlsx``, atomically and neutralised.

    The first sheet, ``about``, lists ``notes`` (key → text: organisation, quarter, which tables
    are illustrative). Every text cell goes through :func:`neutralise` and is stored as text.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    about = wb.active
    about.title = "about"
    used = {"about"}
    bold = Font(bold=True)
    for r, (key, text) in enumerate((notes or {}).items(), start=1):
        for c, value in enumerate((key, text), start=1):
            _put(about.cell(row=r, column=c), value)
        about.cell(row=r, column=1).font = bold
    for name, frame in tables.items():
        ws = wb.create_sheet(sheet_name(name, used))
        for c, col in enumerate(frame.columns, start=1):
            _put(ws.cell(row=1, column=c), str(col))
            ws.cell(row=1, column=c).font = bold
        for r, values in enumerate(frame.itertuples(index=False, name=None), start=2):
            for c, value in enumerate(values, start=1):
                _put(ws.cell(row=r, column=c), _cell(value))
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


def _put(cell, value: object) -> None:  # type: ignore[no-untyped-def]
    """Set a cell; text is always stored as a string cell (never parsed as a formula)."""
    if isinstance(value, str):
        cell.value = neutralise(value)
        cell.data_type = TYPE_STRING
    else:
        cell.value = value


def board_pack_tables(report) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """The key tables of a :class:`planlib.plans.progress.QuarterlyProgress`, ready for the workbook."""
    from planlib.plans.gantt import gantt_grid

    tables: dict[str, pd.DataFrame] = {"summary": report.summary[["indicator_th", "indicator_en", "shown"]]}
    if not report.kpis.empty:
        tables["kpis"] = report.kpis[[
            "kpi_code", "name_th", "unit", "year_target", "target_source", "target_to_date", "actual_ytd", "as_of_quarter",
            "achievement_pct", "rag", "level", "score", "method", "projection", "projection_method",
        ]]  # fmt: skip
    if not report.activities.empty:
        tables["activities"] = report.activities[[
            "owner_code", "activity_no", "text_th", "first_month", "last_month", "done_month", "due", "done", "overdue",
            "months_overdue", "status_source",
        ]]  # fmt: skip
        tables["activity_counts"] = report.activity_counts
        tables["gantt"] = gantt_grid(report.activities, report.fiscal_year)
    if not report.budget_by_project.empty:
        tables["budget_projects"] = report.budget_by_project
        tables["budget_strategies"] = report.budget_by_strategy
    if report.lending is not None and not report.lending.empty:
        tables["lending"] = report.lending
    if not report.slippages.empty:
        tables["slippages"] = report.slippages
    return tables


def board_pack_path(report, output_dir: str | Path = ".") -> Path:  # type: ignore[no-untyped-def]
    """``<output_dir>/quarterly_progress_<org>_<fy>Q<q>.xlsx``."""
    return Path(output_dir) / f"quarterly_progress_{report.org_code}_{report.fiscal_year}Q{report.quarter}.xlsx"


def write_quarterly_board_pack(report, output_dir: str | Path = ".") -> Path:  # type: ignore[no-untyped-def]
    """Write the board pack of a quarterly progress report beside the report; returns its path."""
    notes = {
        "organisation / หน่วยงาน": f"{report.org_name} ({report.org_code})",
        "quarter / ไตรมาส": f"{thai.format_quarter(report.fiscal_year, report.quarter)} "
                            f"({thai.format_date(report.quarter_start)} – {thai.format_date(report.quarter_end)})",
        "scoring / วิธีให้คะแนน": report.method,
        "RAG": f"green ≥ {report.rag.green:g}%, amber ≥ {report.rag.amber:g}% of the target to date",
    }  # fmt: skip
    if report.illustrative:
        notes["ILLUSTRATIVE / ข้อมูลสมมติ"] = (
            "ตารางต่อไปนี้เป็นข้อมูลตัวอย่างสมมติ ไม่ใช่ผลจริง / these tables are illustrative examples, not real results: "
            + ", ".join(report.illustrative)
        )
    return write_board_pack(board_pack_tables(report), board_pack_path(report, output_dir), notes=notes)
