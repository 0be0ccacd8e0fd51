"""The ``planlib template`` workbook: labels, dropdowns, input messages and formats the loader agrees with.

The round trip fills the template the way an analyst does (Thai digits, a Thai quadrant and
borrower type, a BE date typed as text, a date Excel stored as a date) and checks that
``planlib.validate`` finds nothing wrong and that the workbook loads to exactly the frames the
same values give in a CSV folder.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import planlib
from planlib.inputs import blank_workbook, contract, thai
from planlib.inputs.blank_workbook import LIST_SHEET, README_SHEET, write_template

# What an analyst types, sheet by sheet (columns in contract order, as the template lays them out).
TYPED: dict[str, list[dict[str, object]]] = {
    "plan": [
        {"key": "org_code", "value": "demo"},
        {"key": "org_name_th", "value": "กองทุนทดสอบ"},
        {"key": "fiscal_year", "value": "๒๕๖๘"},
    ],
    "swot": [
        {
            "code": "S1",
            "quadrant": "จุดแข็ง",
            "text_th": "บุคลากรมีประสบการณ์",
            "score": "๓.๖๒",
            "weight": "๐.๖",
            "rating": 4,
        },
        {"code": "W1", "quadrant": "จุดอ่อน", "text_th": "ระบบล้าสมัย", "score": 3.85, "weight": 0.4, "rating": 1},
        {
            "code": "O1",
            "quadrant": "opportunity",
            "text_th": "นโยบายรัฐบาลดิจิทัล",
            "score": 3.77,
            "weight": 1,
            "rating": "๓",
        },
    ],
    "strategies": [{"code": "S1", "level": "strategy", "name_th": "พัฒนาระบบสารสนเทศ"}],
    "projects": [
        {
            "code": "P1",
            "name_th": "จัดทำแผนดิจิทัล",
            "strategy_code": "S1",
            "kind": "โครงการ",
            "start_month": "ต.ค. 67",
            "end_month": "ก.ย. 2568",
            "importance": "***",
        },
    ],
    "budgets": [{"project_code": "P1", "fiscal_year": "๒๕๖๘", "amount": "๑๕,๐๐๐ บาท"}],
    "loan_terms": [
        {"borrower_type": "บุคคล", "min_amount": 1, "max_amount": "50,000", "term_months": 60, "annual_rate": 3},
        {"borrower_type": "กลุ่ม", "min_amount": 1, "max_amount": "๕๐๐,๐๐๐", "term_months": 60, "annual_rate": 3},
    ],
    "loans": [
        {
            "loan_id": "L0001",
            "borrower_type": "กลุ่ม",
            "contract_date": "1 ต.ค. 2567",
            "principal": "๒๐๐,๐๐๐",
            "term_months": 36,
            "annual_rate": "๓",
            "province": "เชียงใหม่",
            "status": "ปกติ",
        },
        {
            "loan_id": "L0002",
            "borrower_type": "individual",
            "contract_date": dt.datetime(2024, 11, 15),
            "principal": 30000,
            "term_months": 24,
            "annual_rate": 3,
            "status": "active",
        },
    ],
    "payments": [{"loan_id": "L0001", "paid_date": "๓๑ ต.ค. ๖๗", "amount": "5,800.50"}],
}


def _fill(book_path: Path) -> None:
    """Type :data:`TYPED` below each sheet's header, as an analyst does in Excel."""
    book = openpyxl.load_workbook(book_path)
    for sheet, rows in TYPED.items():
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        for row in rows:
            assert set(row) <= set(header), f"{sheet}: {set(row) - set(header)} not in the template"
            ws.append([row.get(name) for name in header])
    book.save(book_path)


def _write_csv_folder(folder: Path) -> Path:
    """The same values as a CSV folder (a date Excel stores as a date is written as the ISO date Excel shows)."""
    folder.mkdir()
    for sheet, rows in TYPED.items():
        names = [c.name for c in contract.TABLES[sheet].columns if any(c.name in r for r in rows)]
        with (folder / f"{sheet}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(names)
            for row in rows:
                cells = [row.get(n) for n in names]
                writer.writerow(
                    ["" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else v for v in cells]
                )
    return folder


def test_template_round_trip_validates_clean_and_matches_the_csv_folder(tmp_path: Path) -> None:
    book_path = write_template(tmp_path / "demo.xlsx")
    _fill(book_path)
    problems = planlib.validate(book_path)
    assert not problems.errors, "\n".join(map(str, problems.errors))
    assert not problems.warnings, "\n".join(map(str, problems.warnings))
    changed = {(p.table, p.column) for p in problems.changes}
    assert {("swot", "weight"), ("loans", "contract_date"), ("payments", "paid_date")} <= changed  # Thai typing read

    folder = _write_csv_folder(tmp_path / "demo")
    assert not planlib.validate(folder).errors
    for load in (planlib.load_plan, planlib.load_portfolio):
        from_book, from_csv = load(book_path), load(folder)
        assert from_book.info == from_csv.info
        for name, csv_frame in from_csv.tables.items():
            book_frame = from_book.tables[name][list(csv_frame.columns)]
            pd.testing.assert_frame_equal(book_frame, csv_frame, obj=name)
    plan, book = planlib.load_plan(book_path), planlib.load_portfolio(book_path)
    assert plan.swot["quadrant"].tolist() == ["S", "W", "O"]
    assert plan.swot["weight"].tolist() == [0.6, 0.4, 1.0]
    assert plan.info["fiscal_year"] == 2568
    assert plan.budgets["amount"].tolist() == [15000.0]
    assert plan.projects["start_month"].iloc[0] == pd.Period("2024-10", freq="M")
    assert book.loans["borrower_type"].tolist() == ["group", "individual"]
    assert book.loans["contract_date"].tolist() == [pd.Timestamp("2024-10-01"), pd.Timestamp("2024-11-15")]
    assert book.loans["principal"].tolist() == [200000.0, 30000.0]
    assert book.payments["paid_date"].tolist() == [pd.Timestamp("2024-10-31")]


def _validations(ws: Worksheet) -> dict[str, object]:
    """Column name → the data validation covering its cells from row 2 down."""
    header = {c.column_letter: c.value for c in ws[1]}
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            assert cell_range.coord == f"{letter}2:{letter}{blank_workbook.LAST_ROW}"
            found[header[letter]] = dv
    return found


def _list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    assert sheet.strip("'") == LIST_SHEET
    return [c.value for row in book[LIST_SHEET][cells.replace("$", "")] for c in row]


def test_choice_columns_have_dropdowns_with_every_accepted_spelling(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    quadrant = _validations(book["swot"])["quadrant"]
    assert quadrant.type == "list" and quadrant.errorStyle == "stop" and quadrant.showDropDown in (None, False)
    assert _list_values(book, quadrant.formula1) == [
        "S",
        "strength",
        "strengths",
        "จุดแข็ง",
        "W",
        "weakness",
        "weaknesses",
        "จุดอ่อน",
        "O",
        "opportunity",
        "opportunities",
        "โอกาส",
        "T",
        "threat",
        "threats",
        "อุปสรรค",
        "ภัยคุกคาม",
        "ภาวะคุกคาม",
        "ข้อจำกัด",
    ]
    borrower = _validations(book["loans"])["borrower_type"]
    assert _list_values(book, borrower.formula1) == [
        "individual",
        "บุคคล",
        "ราย",
        "รายบุคคล",
        "person",
        "group",
        "กลุ่ม",
        "กลุ่มบุคคล",
    ]
    # every choice column of every table has a list, and the list is exactly what the loader accepts
    for table in contract.TABLES.values():
        found = _validations(book[table.name])
        assert set(found) == {c.name for c in table.columns}  # every column has an input message
        for col in table.columns:
            if col.choices:
                values = _list_values(book, found[col.name].formula1)
                assert {v.lower() for v in values} == set(col.choices), f"{table.name}.{col.name}"
                assert set(col.choices.values()) <= set(values)  # stored values in their own case
    assert _list_values(book, _validations(book["plan"])["key"].formula1) == list(contract.PLAN_KEYS)


def test_input_messages_state_range_and_format(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    weight = _validations(book["swot"])["weight"]
    assert (weight.type, weight.operator, weight.formula1, weight.formula2) == ("decimal", "between", "0", "1")
    assert weight.errorStyle == "warning"  # ๐.๒๕ is text to Excel but a valid weight to the loader
    assert "0–1" in weight.prompt and "เลขไทย" in weight.prompt and weight.promptTitle == "น้ำหนัก (weight)"
    year = _validations(book["budgets"])["fiscal_year"]
    low, high = thai.BE_RANGE
    assert (year.type, year.formula1, year.formula2) == ("whole", str(low), str(high))
    assert f"{low}–{high}" in year.prompt and "2568" in year.prompt and "2025" in year.error
    date = _validations(book["loans"])["contract_date"]
    assert "1 ต.ค. 2567" in date.prompt and "2024-10-01" in date.prompt
    assert "ต.ค. 67" in _validations(book["projects"])["start_month"].prompt
    assert "required" in _validations(book["loans"])["loan_id"].prompt
    for ws in book.worksheets:
        for dv in ws.data_validations.dataValidation:
            assert len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255 and len(dv.error or "") <= 225


def test_headers_formats_and_frozen_row(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    swot = book["swot"]
    assert [c.value for c in swot[1]][:3] == ["code", "quadrant", "text_th"]  # what the loader reads
    assert swot["B1"].number_format == '"ด้าน SWOT ("@")"'  # shown as ด้าน SWOT (quadrant)
    assert blank_workbook.header_label("swot", "quadrant") == "ด้าน SWOT (quadrant)"
    assert swot["B1"].font.bold and not swot["D1"].font.bold  # quadrant required, text_en optional
    assert swot.freeze_panes == "A2" and swot.max_row == 1  # no cell below the header: append fills row 2
    loans = book["loans"]
    letters = {c.value: c.column_letter for c in loans[1]}
    assert loans.column_dimensions[letters["loan_id"]].number_format == "@"  # codes stay text: 0012 keeps its zeros
    assert loans.column_dimensions[letters["contract_date"]].number_format == blank_workbook.DATE_FORMAT
    assert book["projects"].column_dimensions["G"].number_format == blank_workbook.MONTH_FORMAT
    for table in contract.TABLES.values():
        ws = book[table.name]
        assert ws.freeze_panes == "A2"
        labels = [blank_workbook.thai_label(table.name, c.name) for c in table.columns]
        assert all(labels), f"{table.name}: a column without a Thai label"
        assert len(set(labels)) == len(labels), f"{table.name}: two columns share a Thai label"
        bold = {c.value for c in ws[1] if c.font.bold}
        assert bold == set(table.required)


def test_readme_explains_each_column_once(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert book.sheetnames[0] == README_SHEET and book.sheetnames[-1] == LIST_SHEET
    rows = list(book[README_SHEET].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "ตาราง / table")
    assert rows[start][:8] == blank_workbook.README_HEADER[:8]
    body = [
        dict(zip(("table", "column", "th", "header", "required", "kind", "allowed", "example"), r))
        for r in rows[start + 1 :]
    ]
    keys = [(r["table"], r["column"]) for r in body]
    assert len(keys) == len(set(keys))  # once each
    every = blank_workbook.EVERY_TABLE
    expected = {
        (t.name, c.name) for t in contract.TABLES.values() for c in t.columns if c.name not in ("source", "note")
    }
    assert expected | {(every, "source"), (every, "note"), ("scores", "<criterion code>")} == set(keys)
    by_key = {(r["table"], r["column"]): r for r in body}
    quadrant = by_key["swot", "quadrant"]
    assert quadrant["th"] == "ด้าน SWOT" and quadrant["header"] == "ด้าน SWOT (quadrant)"
    assert quadrant["required"] == "ต้องกรอก / required" and quadrant["example"] == "S หรือ จุดแข็ง"
    assert quadrant["allowed"].startswith("S: S, strength, strengths, จุดแข็ง; W: W, weakness")
    weight = by_key["swot", "weight"]
    assert weight["allowed"].startswith("0–1") and weight["example"] == "0.5" and weight["required"] is None
    assert by_key["budgets", "fiscal_year"]["allowed"].startswith(f"{thai.BE_RANGE[0]}–{thai.BE_RANGE[1]}")
    assert "1 ต.ค. 2567" in by_key["loans", "contract_date"]["allowed"]
    assert by_key["kpi_actuals", "quarter"]["example"] == "2"


@pytest.mark.parametrize("name", ["x.csv", "x.xls"])
def test_template_must_be_xlsx(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        write_template(tmp_path / name)


# ---------------------------------------------------------------- headers typed as Thai labels (issue 14)


def test_the_contract_holds_every_thai_label_the_workbook_shows() -> None:
    """One place for labels: contract.Column.label_th, which the template, the readme and the loader read."""
    for table in contract.TABLES.values():
        for col in table.columns:
            assert col.label_th and col.label_th == blank_workbook.thai_label(table.name, col.name)
    assert contract.TABLES["swot"].column("quadrant").label_th == "ด้าน SWOT"  # type: ignore[union-attr]
    assert contract.TABLES["payments"].column("amount").label_th == "จำนวนเงินที่ชำระ"  # type: ignore[union-attr]
    assert not hasattr(blank_workbook, "LABELS_TH")


@pytest.mark.parametrize("style", ["thai", "both"])
def test_headers_typed_as_thai_labels_load_to_the_same_frames(tmp_path: Path, style: str) -> None:
    """The filled template with its header row typed as ``ด้าน SWOT`` or ``ด้าน SWOT (quadrant)`` (what it shows)."""
    book_path = write_template(tmp_path / "demo.xlsx")
    _fill(book_path)
    relabelled = tmp_path / f"{style}.xlsx"
    book = openpyxl.load_workbook(book_path)
    for table in contract.TABLES:
        for cell in book[table][1]:
            if cell.value:
                label = contract.TABLES[table].column(cell.value).label_th  # type: ignore[union-attr]
                cell.value = label if style == "thai" else f"{label} ({cell.value})"
    book.save(relabelled)
    assert book["swot"]["B1"].value in ("ด้าน SWOT", "ด้าน SWOT (quadrant)")
    for load in (planlib.load_plan, planlib.load_portfolio):
        original, typed = load(book_path), load(relabelled)
        assert typed.tables.keys() == original.tables.keys()
        for name, frame in original.tables.items():
            pd.testing.assert_frame_equal(typed.tables[name], frame, obj=name)
        assert [(p.table, p.row, p.column, p.code) for p in typed.problems] == [
            (p.table, p.row, p.column, p.code) for p in original.problems
        ]


def test_thai_label_headers_in_a_csv_folder(tmp_path: Path, data_dir: Path) -> None:
    """A shipped CSV table whose header row is retyped in Thai loads to the same frame."""
    folder = tmp_path / "ditp"
    folder.mkdir()
    for name in ("plan", "swot", "criteria", "projects"):
        text = (data_dir / "ditp" / f"{name}.csv").read_text(encoding="utf-8")
        header, rest = text.split("\n", 1)
        labels = [getattr(contract.TABLES[name].column(h), "label_th", h) for h in header.split(",")]
        (folder / f"{name}.csv").write_text(",".join(labels) + "\n" + rest, encoding="utf-8")
    typed = planlib.load_plan(folder, strict=False)
    original = planlib.load_plan(data_dir / "ditp", strict=False)
    assert "รหัส" in (folder / "swot.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    for name in ("swot", "criteria", "projects"):
        pd.testing.assert_frame_equal(typed.tables[name], original.tables[name], obj=name)


def test_template_refusals_say_why_in_english_and_thai(tmp_path: Path) -> None:
    csv_path = tmp_path / "x.csv"
    with pytest.raises(ValueError) as err:
        write_template(csv_path)
    assert str(err.value) == f"{csv_path}: the template must be an .xlsx file / {csv_path}: แม่แบบต้องเป็นไฟล์ .xlsx"
    target = tmp_path / "planlib_template.xlsx"
    target.write_bytes(b"the analyst's filled-in workbook")
    with pytest.raises(FileExistsError) as err:
        write_template(target)
    assert str(err.value) == f"{target} already exists; not overwritten / มีไฟล์ {target} อยู่แล้ว จึงไม่เขียนทับ"
    assert target.read_bytes() == b"the analyst's filled-in workbook"
