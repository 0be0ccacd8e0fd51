"""Property-based fuzzing of the loader (hypothesis, fixed seed).

Each example builds a ``lending_annual`` table whose true values are known, types every cell
the way some Thai office might (Thai, Arabic or mixed digits within one number, separators,
``บาท``/``ล้านบาท``, dates in BE and CE, Thai or ISO or slash form; in a workbook also native
numbers and dates), then corrupts it: wrong types, CE fiscal years, impossible dates,
formulas, 400-digit numbers, very long text, shuffled/duplicated/missing columns, a title or
merged group-header row above the header, missing/reordered/duplicated sheets, BOM, CRLF,
Windows-874 encoding, empty files. The property: the file either loads with exactly the true
values, or is refused with :class:`planlib.DataError` whose errors are located (file, table,
row, column, value, reason in English and Thai) at every corrupted cell — never another
exception, never a silently wrong number, and the input file is never modified.

A second property throws random nasty cells at every table of the contract (with the
cross-table checks running) and requires only: no exception, every error located.

``tests/corpus/`` keeps the nasty cases found, as files, with their exact expected outcome
(``test_corpus``). Counts of the run (tried / loaded / refused / crashes / files modified) are
written to ``$PLANLIB_FUZZ_REPORT`` when that is set:

    PLANLIB_FUZZ_EXAMPLES=20000 PLANLIB_FUZZ_REPORT=fuzz.json pytest tests/test_fuzz_load.py
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import planlib
from planlib.inputs import thai

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
STATS: Counter[str] = Counter()


def _write_stats() -> None:
    target = os.environ.get("PLANLIB_FUZZ_REPORT")
    if target and STATS:
        Path(target).write_text(json.dumps(dict(sorted(STATS.items())), indent=2) + "\n", encoding="utf-8")


atexit.register(_write_stats)


def _located(err: planlib.DataError, file: str | None = None) -> None:
    """Every error says where (file, and table/row/column/value for a cell) and why, in English and Thai."""
    for p in err.problems.errors:
        assert p.file and p.reason_en and p.reason_th, p
        assert file is None or p.file == file, p
        if p.code.startswith("bad_value") or p.code in ("required", "formula"):
            assert p.table and p.row is not None and p.column, p
            assert p.value or p.code == "required", p


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
    above: list[list[str]] = field(default_factory=list)  # title / group-header rows above the header
    native: set[tuple[int, str]] = field(default_factory=set)  # workbook: (row, column) written as a native value
    wrong: dict[tuple[int, str], object] = field(default_factory=dict)  # workbook: wrong-typed native cells
    sheets: str = "only"  # workbook: only | before | duplicate | missing


def _digits(text: str, thai_digits: bool | int) -> str:
    """Arabic digits (False), Thai digits (True), or mixed digit by digit (an int used as a bit mask)."""
    if thai_digits is True:
        return thai.arabic_to_thai_digits(text)
    if thai_digits is False:
        return text
    out, bit = [], 0
    for ch in text:
        if ch.isdigit():
            out.append(thai.arabic_to_thai_digits(ch) if (thai_digits >> (bit % 16)) & 1 else ch)
            bit += 1
        else:
            out.append(ch)
    return "".join(out)


def digit_style() -> st.SearchStrategy[bool | int]:
    return st.one_of(st.booleans(), st.integers(min_value=1, max_value=2**16 - 2))


@st.composite
def amounts(draw: st.DrawFn) -> tuple[float, str]:
    satang = draw(st.integers(min_value=0, max_value=10**11))
    value = satang / 100
    style = draw(st.sampled_from(["plain", "grouped", "baht", "million"]))
    thai_digits = draw(digit_style())
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
    style = draw(st.sampled_from(["iso", "thai", "thai2", "slash", "iso_be", "ce_slash", "ce_thai"]))
    if style == "iso":
        text = day.isoformat()
    elif style == "iso_be":
        text = f"{be}-{day.month:02d}-{day.day:02d}"
    elif style == "ce_slash":  # BE and CE mixed in one column: a 4-digit year below 2400 is CE
        text = f"{day.day}/{day.month}/{day.year}"
    elif style == "ce_thai":
        text = f"{day.day} {THAI_ABBR[day.month - 1]} {day.year}"
    elif style == "thai":
        text = f"{day.day} {THAI_ABBR[day.month - 1]} {be}"
    elif style == "thai2":
        text = f"{day.day} {THAI_ABBR[day.month - 1]}{be % 100:02d}"
        if be % 100 == 0 or be // 100 != 25:  # 2-digit BE years mean 25xx
            text = f"{day.day} {THAI_ABBR[day.month - 1]} {be}"
    else:
        text = f"{day.day}/{day.month}/{be}"
    return pd.Timestamp(day), _digits(text, draw(digit_style()))


BAD_CELLS = {
    "fiscal_year": ["2025", "25x8", "68", "=2567+1", "2568.5", "TRUE"],
    "actual_amount": [
        "abc",
        "12,34",
        "=SUM(B2:B9)",
        "1.2.3",
        "๑๒x",
        "1" * 400,
        "inf",
        "TRUE",
        "1.234,5",
        "๑" * 5000,
    ],
    "as_of": [
        "31 ก.พ. 2567",
        "32/1/2567",
        "เมื่อวาน",
        "2567-13-01",
        "29 ก.พ. 2566",
        "0/1/2567",
        "31/4/2024",
        "x" * 3000,
    ],
}
WRONG_TYPES = {  # native workbook cells of the wrong type
    "fiscal_year": [dt.datetime(2024, 10, 1), 2568.5, True],
    "actual_amount": [True, dt.datetime(2024, 1, 1)],
    "as_of": [12.5, False, 45000],
}
NOTES = [
    "",
    "ตาราง 2-1",
    '=HYPERLINK("x")',
    "+66 2 245 1317",
    "@สรุป",
    "ก" * 5000,
    "ข" * 120_000,
    'a "quoted",\nmulti-line note',
]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n = draw(st.integers(min_value=1, max_value=6))
    columns = ["fiscal_year", "actual_amount", "as_of", "note"]
    rows, cells = [], []
    years = draw(st.lists(st.integers(min_value=2540, max_value=2600), min_size=n, max_size=n, unique=True))
    for year in years:
        amount, amount_text = draw(amounts())
        date, date_text = draw(dates())
        note = draw(st.sampled_from(NOTES))
        rows.append({"fiscal_year": year, "actual_amount": amount, "as_of": date, "note": note or None})
        cells.append([_digits(str(year), draw(digit_style())), amount_text, date_text, note])
    case = Case(rows, columns, cells)
    for i in range(n):
        for column in ("fiscal_year", "actual_amount", "as_of"):
            if draw(st.integers(min_value=0, max_value=3)) == 0:
                case.native.add((i + 2, column))
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            column = draw(st.sampled_from(list(BAD_CELLS)))
            case.cells[i][columns.index(column)] = draw(st.sampled_from(BAD_CELLS[column]))
            case.bad.add((i + 2, column))
            case.native.discard((i + 2, column))
        elif draw(st.integers(min_value=0, max_value=9)) == 0:
            column = draw(st.sampled_from(list(WRONG_TYPES)))
            case.wrong[(i + 2, column)] = draw(st.sampled_from(WRONG_TYPES[column]))
    case.sheets = draw(st.sampled_from(["only", "only", "before", "duplicate", "missing"]))
    layout = draw(
        st.sampled_from(["as_is", "shuffled", "duplicate", "missing_required", "extra", "title_row", "group_header"])
    )
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
    elif layout in ("title_row", "group_header"):
        # a title line, or a merged group header ("ผลการดำเนินงาน" over two columns), above the header:
        # the first non-empty row is the header, so the required columns are missing (located at that row)
        case.above = (
            [["ตารางที่ 2-1 ผลการให้กู้ยืม", "", "", ""]] if layout == "title_row" else [["", "ผลการดำเนินงาน", "", ""]]
        )
        case.bad, case.file_errors = set(), {"missing_column"}
    case.encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp874"]))
    case.newline = draw(st.sampled_from(["\n", "\r\n"]))
    case.bom = case.encoding == "utf-8" and draw(st.booleans())
    return case


def _csv_text(case: Case) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=case.newline)
    writer.writerows(case.above)
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
    # a record's row number is the CSV line where it starts (a quoted multi-line note spans lines)
    line, lines = 2 + len(case.above), []
    for row in case.cells:
        lines.append(line)
        line += 1 + sum(cell.count("\n") for cell in row)
    case = Case(case.true_rows, case.header, case.cells, {(lines[r - 2], c) for r, c in case.bad}, case.file_errors)
    STATS["csv tried"] += 1
    try:
        book = planlib.load_portfolio(folder)
    except planlib.DataError as err:
        STATS["csv refused with located errors"] += 1
        errors = err.problems.errors
        located = {(p.row, p.column) for p in errors if p.code not in ("missing_column", "duplicate_column")}
        codes = {p.code for p in errors}
        assert case.bad or case.file_errors, f"refused a good file: {errors.to_frame().to_string()}"
        assert case.bad <= located, (case.bad, located)
        assert case.file_errors <= codes
        _located(err, "lending_annual.csv")
    except Exception:
        STATS["csv crashes"] += 1
        raise
    else:
        STATS["csv loaded"] += 1
        assert not case.bad and not case.file_errors, "accepted a corrupted file"
        frame = book.lending_annual
        for i, true in enumerate(case.true_rows):
            rec = frame.loc[lines[i]]
            assert rec["fiscal_year"] == true["fiscal_year"]
            assert math.isclose(rec["actual_amount"], true["actual_amount"], abs_tol=1e-6)
            assert rec["as_of"] == true["as_of"]
            assert (pd.isna(rec["note"]) and true["note"] is None) or rec["note"] == true["note"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        STATS["csv files modified"] += 1
        raise AssertionError("the input file was modified")


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
    if case.sheets == "before":  # sheets in another order, with a sheet planlib does not know
        sheet.title = "README"
        sheet.append(["อ่านก่อน / read me"])
        sheet = book.create_sheet("lending_annual")
    else:
        sheet.title = "lending_annual" if case.sheets != "missing" else "lending"
    for row in case.above:
        sheet.append([cell or None for cell in row])
    if case.above and case.above[0][1]:
        sheet.merge_cells(start_row=1, start_column=2, end_row=1, end_column=3)  # a merged group header
    sheet.append(case.header)
    shift = len(case.above)
    true_native = {"fiscal_year": "fiscal_year", "actual_amount": "actual_amount", "as_of": "as_of"}
    bad = set(case.bad)
    formulas: set[int] = set()  # rows with a formula cell (refused, located, on a sheet planlib reads)
    for i, row in enumerate(case.cells):
        out: list[object] = []
        for col, cell in zip(case.header, row):
            key = (i + 2, col)
            if key in case.wrong:
                out.append(case.wrong[key])
                bad.add(key)
            elif key in case.native and col in true_native:
                value = case.true_rows[i][col]
                out.append(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)
            else:
                out.append(cell if cell != "" else None)
                if cell.startswith("="):  # a cell typed "=…" is a formula; with no saved value it is refused, located
                    bad.add(key)
                    formulas.add(i + 2 + len(case.above))
        sheet.append(out)
    if case.sheets == "duplicate":
        other = book.create_sheet("Lending Annual")
        other.append(["fiscal_year", "actual_amount"])
        other.append([2599, 1.0])
    path = folder / "book.xlsx"
    book.save(path)
    if shift:
        bad = set()
    file_errors = set(case.file_errors) | ({"duplicate_table_sheet"} if case.sheets == "duplicate" else set())
    if case.sheets == "missing":  # a sheet planlib does not read: nothing in it is checked, formulas included
        bad, file_errors, formulas = set(), set(), set()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    STATS["xlsx tried"] += 1
    try:
        loaded = planlib.load_portfolio(path)
    except planlib.DataError as err:
        STATS["xlsx refused with located errors"] += 1
        located = {(p.row, p.column) for p in err.problems.errors}
        assert bad <= located, (bad, located)
        assert formulas <= {p.row for p in err.problems.errors if p.code == "formula"}
        assert bad or file_errors, f"refused a good workbook: {err}"
        assert file_errors <= {p.code for p in err.problems.errors}
        _located(err, "book.xlsx")
    except Exception:
        STATS["xlsx crashes"] += 1
        raise
    else:
        STATS["xlsx loaded"] += 1
        assert not bad and not file_errors, "accepted a corrupted workbook"
        if case.sheets == "missing":
            assert not loaded.has("lending_annual")
        else:
            frame = loaded.lending_annual
            for i, true in enumerate(case.true_rows):
                assert frame.loc[i + 2, "fiscal_year"] == true["fiscal_year"]
                assert frame.loc[i + 2, "actual_amount"] == true["actual_amount"]
                assert frame.loc[i + 2, "as_of"] == true["as_of"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        STATS["xlsx files modified"] += 1
        raise AssertionError("the workbook was modified")


@seed(20261123)
@settings(
    max_examples=max(EXAMPLES // 8, 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)  # no shrinking: a failing case is printed as drawn
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


def _shown(value: object, column: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return float(value) if column == "actual_amount" else int(value) if column == "fiscal_year" else value


EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus(name: str) -> None:
    """Each nasty case kept in tests/corpus/ has its exact outcome: the values loaded, or the located errors."""
    folder = CORPUS / name
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    expected = EXPECTED[name]
    try:
        book = planlib.load_portfolio(folder)
    except planlib.DataError as err:
        assert expected["outcome"] == "refused", str(err)
        assert [[p.code, p.file, p.row, p.column] for p in err.problems.errors] == expected["errors"]
        _located(err)
    else:
        assert expected["outcome"] == "loaded"
        frame = book.lending_annual
        got = {
            str(row): {c: _shown(rec[c], c) for c in ("fiscal_year", "actual_amount", "as_of", "note") if c in frame}
            for row, rec in frame.iterrows()
        }
        assert got == expected["rows"]
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before


NASTY_CELLS = [
    "",
    " ",
    "-",
    "–",
    "ไม่มีข้อมูล",
    "๑๒,๓๔๕",
    "1,23,4",
    "12.5 ล้านบาท",
    "ร้อยละ 80",
    "(1,000)",
    "9" * 60,
    "30 ก.ย.61",
    "31 ก.พ. 2567",
    "2025-10-01",
    "ต.ค. 67",
    "13/13/2568",
    "=1+1",
    "+66",
    "@SUM(A1)",
    "-2",
    "0",
    "45 (4 ราย/41 กลุ่ม)",
    "4 ราย 29 กลุ่ม",
    "ระดับ 5",
    "★★★",
    "TRUE",
    "nan",
    "inf",
    "<script>x</script>",
    "หน่วยงำนท่ีเกี่ยวข้อง",
    "a\nb",
    "x" * 5000,
    "S1,S2",
    "C1",
    "K1",
    "P1",
    "2568",
    "2700",
    "Q5",
    "higher",
    "cost",
]
"""Cells a hand-typed workbook really contains, mixed with broken ones, for every column of every table."""


@st.composite
def any_table(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    from planlib.inputs import contract

    name = draw(st.sampled_from(sorted(contract.TABLES)))
    columns = [c.name for c in contract.TABLES[name].columns]
    header = draw(st.permutations(columns).map(lambda cols: cols[: max(1, len(cols) - draw(st.integers(0, 2)))]))
    cell = st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=12))
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=6))
    return name, header, rows


@seed(20261130)
@settings(max_examples=max(EXAMPLES // 4, 50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_table())
def test_every_contract_table_never_crashes_the_loader(table: tuple[str, list[str], list[list[str]]]) -> None:
    """Random nasty cells in any table, with the cross-table checks running: loads, or is refused located."""
    name, header, rows = table
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        for loader in (planlib.load_plan, planlib.load_portfolio):
            try:
                loader(folder)
            except planlib.DataError as err:
                _located(err)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------- the column-wise loader equals the per-cell one

BORDER_CELLS = [
    *NASTY_CELLS,
    "1.",
    ".5",
    "+.5",
    "-0",
    "007",
    "1e5",
    "1.2.3",
    "+-1",
    "1" * 15,
    "1" * 16,
    "0." + "1" * 12,
    "2024-02-29",
    "2023-02-29",
    "2024-1-5",
    "2024-10",
    "2024-13",
    "2567-10-01",
    "1849-12-31",
    " x",
    "x ",
    "a  b",
    "a\tb",
    "\u00a0x",
    "x\u200by",
    "ก\u0e48\u0e38",
    "N/A",
    "None",
    "group",
    "Group",
    "S",
    "strength",
    "SO",
    "๒๕๖๘",
    "P๑",
]
"""Cells on the border of the column-wise path (plain numbers, ISO dates, clean text) and just across it."""


@st.composite
def border_table(draw: st.DrawFn) -> tuple[str, list[str], list[list[str]]]:
    from planlib.inputs import contract

    name = draw(st.sampled_from(sorted(contract.TABLES)))
    header = [c.name for c in contract.TABLES[name].columns]
    plain = st.sampled_from(["", "1", "2568", "2024-10-01", "2024-10", "S1", "group", "x", "12.5"])
    cell = st.one_of(plain, st.sampled_from(BORDER_CELLS), st.text(alphabet="0123456789.,-+ ๑ตค", max_size=10))
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), min_size=1, max_size=8))
    return name, header, rows


@seed(20261203)
@settings(max_examples=max(EXAMPLES // 4, 60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(border_table())
def test_column_wise_loader_equals_the_per_cell_loader(table: tuple[str, list[str], list[list[str]]]) -> None:
    """Same frames and the same located problems, in the same order, whichever path reads a cell (issue 16.1)."""
    from planlib.inputs import contract, load, read
    from planlib.inputs.problems import Problems

    name, header, rows = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *rows])
        results = []
        try:
            for fast in (True, False):
                load.FAST = read.FAST = fast
                problems = Problems()
                tables, _, _ = load.read_tables(path.parent, contract.PLAN_TABLES + contract.LENDING_TABLES, problems)
                results.append((tables, list(problems)))
        finally:
            load.FAST = read.FAST = True
    (fast_tables, fast_problems), (slow_tables, slow_problems) = results
    assert fast_tables.keys() == slow_tables.keys()
    for key in fast_tables:
        pd.testing.assert_frame_equal(fast_tables[key], slow_tables[key], check_exact=True)
    assert fast_problems == slow_problems


@st.composite
def rectangular_csv(draw: st.DrawFn) -> str:
    """Lines of one width (so pyarrow or the column-wise csv path splits them), blank lines, any line ends."""
    width = draw(st.integers(1, 4))
    quoted = draw(st.booleans())  # then a cell may hold commas, quotes and line breaks (csv's reader splits it)
    alphabet = ["a", "ก", "1", " ", "\t", "\u3000", "\u00a0", *([",", '"', "\n"] if quoted else [])]
    cell = st.text(alphabet=alphabet, max_size=4)
    if quoted:
        cell = st.tuples(cell, st.booleans()).map(
            lambda c: '"' + c[0].replace('"', '""') + '"' if c[1] or set(c[0]) & {",", '"', "\n"} else c[0]
        )
    lines = draw(st.lists(st.lists(cell, min_size=width, max_size=width).map(",".join), max_size=8))
    ends = draw(st.lists(st.sampled_from(["\n", "\r", "\r\n"]), min_size=len(lines), max_size=len(lines)))
    last = draw(st.booleans())
    return "".join(line + end for line, end in zip(lines, ends))[: None if last else -1]


UNQUOTED = st.one_of(
    st.text(alphabet=["a", "ก", "1", " ", ",", "\n", "\r", "\t", "\u3000", "\x1c", "๑", '"'], max_size=60),
    rectangular_csv(),
)


@seed(20261203)
@settings(max_examples=max(EXAMPLES // 4, 100), deadline=None)
@given(UNQUOTED)
def test_fast_csv_split_equals_the_csv_module(text: str) -> None:
    """Any unquoted text: pyarrow's split gives csv's rows, line numbers, header row and blank-line skipping."""
    from planlib.inputs import read

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(text.encode("utf-8"))
        results = []
        try:
            for fast in (True, False):
                read.FAST = fast
                problems: list[object] = []
                table = read.read_csv_table(path, "t", problems)  # type: ignore[arg-type]
                results.append((table and (table.header, table.header_row, table.rows), problems))
        finally:
            read.FAST = True
    assert results[0] == results[1]
