"""Property-based fuzzing of the loader (hypothesis, fixed seed).

Each example builds a ``lending_annual`` table whose true values are known, types every cell
the way some Thai office might (Thai or Arabic digits, separators, ``บาท``/``ล้านบาท``, BE
dates in Thai or ISO form), then corrupts it: bad cells, CE years, impossible dates,
formulas, very long text, shuffled/duplicated/missing columns, BOM, CRLF, Windows-874
encoding, empty files. The property: the file either loads with exactly the true values, or
is refused with an error located at every corrupted cell — never a traceback, never a
silently wrong number, and the input file is never modified.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import planlib
from planlib import thai

THAI_ABBR = thai.THAI_MONTHS_ABBR


@dataclass
class Case:
    true_rows: list[dict[str, object]]
    header: list[str]
    cells: list[list[str]]
    bad: set[tuple[int, str]] = field(default_factory=set)  # (row number, column) expected errors
    file_errors: set[str] = field(default_factory=set)  # expected file-level error codes
    encoding: str = "utf-8"
    newline: str = "\n"
    bom: bool = False


def _digits(text: str, thai_digits: bool) -> str:
    return thai.arabic_to_thai_digits(text) if thai_digits else text


@st.composite
def amounts(draw: st.DrawFn) -> tuple[float, str]:
    satang = draw(st.integers(min_value=0, max_value=10**11))
    value = satang / 100
    style = draw(st.sampled_from(["plain", "grouped", "baht", "million"]))
    thai_digits = draw(st.booleans())
    if style == "plain":
        text = f"{value:.2f}"
    elif style == "grouped":
        text = f"{value:,.2f}"
    elif style == "baht":
        text = f"{value:,.2f} บาท"
    else:
        millions = satang // 10**6  # whole 10,000s → exact in ล้านบาท with 2 decimals
        value = millions * 10**4
        text = f"{millions / 100:.2f} ล้านบาท"
    return value, _digits(text, thai_digits)


@st.composite
def dates(draw: st.DrawFn) -> tuple[pd.Timestamp, str]:
    day = draw(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2035-12-31").date()))
    be = day.year + 543
    style = draw(st.sampled_from(["iso", "thai", "thai2", "slash"]))
    if style == "iso":
        text = day.isoformat()
    elif style == "thai":
        text = f"{day.day} {THAI_ABBR[day.month - 1]} {be}"
    elif style == "thai2":
        text = f"{day.day} {THAI_ABBR[day.month - 1]}{be % 100:02d}"
        if be % 100 == 0 or be // 100 != 25:  # 2-digit BE years mean 25xx
            text = f"{day.day} {THAI_ABBR[day.month - 1]} {be}"
    else:
        text = f"{day.day}/{day.month}/{be}"
    return pd.Timestamp(day), _digits(text, draw(st.booleans()))


BAD_CELLS = {
    "fiscal_year": ["2025", "25x8", "68", "=2567+1"],
    "actual_amount": ["abc", "12,34", "=SUM(B2:B9)", "1.2.3", "๑๒x"],
    "as_of": ["31 ก.พ. 2567", "32/1/2567", "เมื่อวาน", "2567-13-01"],
}


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(min_value=1, max_value=6))
    columns = ["fiscal_year", "actual_amount", "as_of", "note"]
    rows, cells = [], []
    years = draw(st.lists(st.integers(min_value=2540, max_value=2600), min_size=n, max_size=n, unique=True))
    for year in years:
        amount, amount_text = draw(amounts())
        date, date_text = draw(dates())
        note = draw(st.sampled_from(["", "ตาราง 2-1", "=HYPERLINK(\"x\")", "+66 2 245 1317", "@สรุป", "ก" * 5000]))
        rows.append({"fiscal_year": year, "actual_amount": amount, "as_of": date, "note": note or None})
        cells.append([_digits(str(year), draw(st.booleans())), amount_text, date_text, note])
    case = Case(rows, columns, cells)
    for i in range(n):
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            column = draw(st.sampled_from(list(BAD_CELLS)))
            case.cells[i][columns.index(column)] = draw(st.sampled_from(BAD_CELLS[column]))
            case.bad.add((i + 2, column))
    layout = draw(st.sampled_from(["as_is", "shuffled", "duplicate", "missing_required", "extra"]))
    if layout == "shuffled":
        order = draw(st.permutations(range(len(columns))))
        case.header = [columns[j] for j in order]
        case.cells = [[row[j] for j in order] for row in case.cells]
    elif layout == "duplicate":
        case.header = [*columns, "actual_amount"]
        case.cells = [[*row, row[1]] for row in case.cells]
        case.file_errors.add("duplicate_column")
    elif layout == "missing_required":
        case.header = columns[1:]
        case.cells = [row[1:] for row in case.cells]
        case.bad = {(r, c) for r, c in case.bad if c != "fiscal_year"}
        case.file_errors.add("missing_column")
    elif layout == "extra":
        case.header = [*columns, "ผู้บันทึก"]
        case.cells = [[*row, "สมชาย"] for row in case.cells]
    case.encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp874"]))
    case.newline = draw(st.sampled_from(["\n", "\r\n"]))
    case.bom = case.encoding == "utf-8" and draw(st.booleans())
    return case


def _csv_text(case: Case) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=case.newline)
    writer.writerow(case.header)
    writer.writerows(case.cells)
    return buffer.getvalue()


def _check(case: Case, folder: Path) -> None:
    path = folder / "lending_annual.csv"
    data = _csv_text(case).encode(case.encoding)
    if case.bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    try:
        book = planlib.load_portfolio(folder)
    except planlib.DataError as err:
        errors = err.problems.errors
        located = {(p.row, p.column) for p in errors if p.code not in ("missing_column", "duplicate_column")}
        codes = {p.code for p in errors}
        assert case.bad or case.file_errors, f"refused a good file: {errors.to_frame().to_string()}"
        assert case.bad <= located, (case.bad, located)
        assert case.file_errors <= codes
        assert all(p.file == "lending_annual.csv" and p.reason_en and p.reason_th for p in errors)
    else:
        assert not case.bad and not case.file_errors, "accepted a corrupted file"
        frame = book.lending_annual
        for i, true in enumerate(case.true_rows):
            rec = frame.loc[i + 2]
            assert rec["fiscal_year"] == true["fiscal_year"]
            assert math.isclose(rec["actual_amount"], true["actual_amount"], abs_tol=1e-6)
            assert rec["as_of"] == true["as_of"]
            assert (pd.isna(rec["note"]) and true["note"] is None) or rec["note"] == true["note"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # input never modified


EXAMPLES = int(os.environ.get("PLANLIB_FUZZ_EXAMPLES", "400"))
"""Examples per run; CI uses the default, ``PLANLIB_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz_load.py`` runs long."""


@seed(20261122)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_loader_never_crashes_and_never_lies(case: Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _check(case, Path(tmp))


def _check_workbook(case: Case, folder: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "lending_annual"
    sheet.append(case.header)
    for row in case.cells:
        sheet.append([cell if cell != "" else None for cell in row])
    path = folder / "book.xlsx"
    book.save(path)
    # In a workbook a cell typed "=…" is a formula; one with no saved value is refused, located.
    formulas = {(i + 2, col) for i, row in enumerate(case.cells) for col, cell in zip(case.header, row) if cell.startswith("=")}
    case = Case(case.true_rows, case.header, case.cells, case.bad | formulas, case.file_errors)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        loaded = planlib.load_portfolio(path)
    except planlib.DataError as err:
        located = {(p.row, p.column) for p in err.problems.errors}
        assert case.bad <= located and (case.bad or case.file_errors)
    else:
        assert not case.bad and not case.file_errors
        frame = loaded.lending_annual
        for i, true in enumerate(case.true_rows):
            assert frame.loc[i + 2, "actual_amount"] == true["actual_amount"]
            assert frame.loc[i + 2, "as_of"] == true["as_of"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@seed(20261123)
@settings(max_examples=max(EXAMPLES // 8, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_workbook_loader_never_crashes_and_never_lies(case: Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _check_workbook(case, Path(tmp))


def test_empty_and_header_only_files() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "lending_annual.csv").write_bytes(b"")
        try:
            planlib.load_portfolio(folder)
        except planlib.DataError as err:
            assert [p.code for p in err.problems.errors] == ["empty"]
        else:
            raise AssertionError("an empty file was accepted")
        (folder / "lending_annual.csv").write_text("fiscal_year,actual_amount\n", encoding="utf-8")
        assert planlib.load_portfolio(folder).lending_annual.empty
