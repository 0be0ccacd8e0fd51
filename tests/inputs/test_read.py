"""Reading raw files, hostile input: size limits and zip bombs, macros and external links read as values
only, symlinks leading outside the data folder refused, special files, duplicate tables, formula-like text."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import planlib
from planlib.inputs import blank_workbook, read
from planlib.inputs.problems import Problem
from planlib.plans import boardpack

CSV = 'fiscal_year,actual_amount,as_of,note\n2567,"1,000.50",30 ก.ย. 2567,=HYPERLINK("http://x")\n'


def _errors(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.code, p.file) for p in problems if p.severity == "error"]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _workbook(path: Path, rows: list[list[object]] | None = None, title: str = "lending_annual") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows or [["fiscal_year", "actual_amount"], [2567, 1000.5]]:
        sheet.append(row)
    book.save(path)
    return path


def _add_members(path: Path, target: Path, members: dict[str, bytes]) -> Path:
    """Copy the workbook ``path`` to ``target`` with extra zip members (macros, external links…)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for name, data in members.items():
            dst.writestr(name, data)
    return target


# ---------------------------------------------------------------- size limits and zip bombs


def test_oversized_csv_and_workbook_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_CSV_BYTES", 50)
    monkeypatch.setattr(read, "MAX_XLSX_BYTES", 1000)
    (tmp_path / "lending_annual.csv").write_text(CSV * 3, encoding="utf-8")
    problems: list[Problem] = []
    assert read.read_source(tmp_path, problems) == {}
    assert _errors(problems) == [("too_large", "lending_annual.csv")]
    problems = []
    assert read.read_source(_workbook(tmp_path / "book.xlsx"), problems) == {}
    assert _errors(problems) == [("too_large_workbook", "book.xlsx")]


def test_a_zip_bomb_is_refused_by_its_unzipped_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_XLSX_UNZIPPED", 20 * 1024**2)
    bomb = _add_members(
        _workbook(tmp_path / "ok.xlsx"), tmp_path / "bomb.xlsx", {"xl/media/zeros.bin": bytes(64 * 1024**2)}
    )
    assert bomb.stat().st_size < 200_000  # 64 MB of zeros deflate to ~64 KB
    problems: list[Problem] = []
    assert read.read_source(bomb, problems) == {}
    assert _errors(problems) == [("too_large_unzipped", "bomb.xlsx")]
    assert "expands to" in problems[0].reason_en and "เกินขีดจำกัด" in problems[0].reason_th


def test_a_member_that_lies_about_its_size_is_a_corrupt_workbook(tmp_path: Path) -> None:
    """The declared size is what the limit checks; zipfile never yields more than declared (CRC fails)."""
    path = _workbook(tmp_path / "book.xlsx", [["fiscal_year", "note"], [2567, "x" * 5000]])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = (
            archive.getinfo("xl/sharedStrings.xml")
            if "xl/sharedStrings.xml" in archive.namelist()
            else archive.getinfo("xl/worksheets/sheet1.xml")
        )
    real = info.file_size.to_bytes(4, "little")
    assert data.count(real) >= 2
    lying = (100).to_bytes(4, "little")
    data = bytes(data).replace(real, lying)  # local header and central directory both say 100 bytes
    path.write_bytes(data)
    problems: list[Problem] = []
    assert read.read_source(path, problems) == {}
    assert [p.code for p in problems if p.severity == "error"] == ["corrupt_unopenable"]


def test_password_protected_and_old_xls_are_refused(tmp_path: Path) -> None:
    (tmp_path / "locked.xlsx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(512))
    problems: list[Problem] = []
    assert read.read_source(tmp_path / "locked.xlsx", problems) == {}
    assert _errors(problems) == [("encrypted", "locked.xlsx")]


# ---------------------------------------------------------------- macros and external links: values only


def test_macros_are_never_run_and_values_are_read(tmp_path: Path) -> None:
    base = _workbook(tmp_path / "base.xlsx")
    xlsm = _add_members(
        base,
        tmp_path / "book.xlsm",
        {
            "xl/vbaProject.bin": b'Attribute VB_Name = "Module1"\nSub Auto_Open()\nShell "calc.exe"\nEnd Sub\n',
        },
    )
    before = hashlib.sha256(xlsm.read_bytes()).hexdigest()
    problems: list[Problem] = []
    tables = read.read_source(xlsm, problems)
    assert tables["lending_annual"].rows == [(2, [2567, 1000.5])]
    assert [(p.severity, p.code) for p in problems] == [("warning", "macros")]
    book = planlib.load_portfolio(xlsm)
    assert book.lending_annual.loc[2, "actual_amount"] == 1000.5
    assert hashlib.sha256(xlsm.read_bytes()).hexdigest() == before


def test_external_links_are_not_followed_the_cached_value_is_used(tmp_path: Path) -> None:
    path = tmp_path / "linked.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "lending_annual"
    sheet.append(["fiscal_year", "actual_amount"])
    sheet.append([2567, "='[1]Sheet1'!A1"])  # a formula into another workbook
    book.save(path)
    # what Excel writes: the cached value beside the formula, and the link part
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    sheet_xml = sheet_xml.replace("<f>'[1]Sheet1'!A1</f><v></v>", "<f>'[1]Sheet1'!A1</f><v>777.25</v>").replace(
        "<f>'[1]Sheet1'!A1</f><v />", "<f>'[1]Sheet1'!A1</f><v>777.25</v>"
    )
    if "<v>777.25</v>" not in sheet_xml:
        sheet_xml = sheet_xml.replace("<f>'[1]Sheet1'!A1</f>", "<f>'[1]Sheet1'!A1</f><v>777.25</v>")
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        b"</externalLink>"
    )
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="http://attacker.invalid/steal.xlsx" TargetMode="External"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    problems: list[Problem] = []
    tables = read.read_source(path, problems)
    assert tables["lending_annual"].rows == [(2, [2567, 777.25])]
    assert [(p.severity, p.code) for p in problems] == [("warning", "external_links")]


# ---------------------------------------------------------------- symlinks and special files


def test_symlinks_leading_outside_the_data_folder_are_refused(tmp_path: Path) -> None:
    """Policy (README, read.py): refused with a located error, never followed; links inside the folder are read."""
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "lending_annual.csv").write_text(CSV, encoding="utf-8")
    (secret / "synthetic").mkdir()
    (secret / "synthetic" / "loans.csv").write_text("loan_id\nL1\n", encoding="utf-8")
    org = tmp_path / "data" / "demo"
    org.mkdir(parents=True)
    (org / "lending_annual.csv").symlink_to(secret / "lending_annual.csv")
    (org / "synthetic").symlink_to(secret / "synthetic", target_is_directory=True)
    (org / "real_copy.csv").write_text("fiscal_year\n2567\n", encoding="utf-8")
    (org / "lending_breakdown.csv").symlink_to("real_copy.csv")  # stays inside: read
    with pytest.raises(planlib.DataError) as err:
        planlib.load_portfolio(org)
    refused = [p for p in err.value.problems.errors if p.code == "symlink_outside"]
    assert sorted(p.file for p in refused) == ["lending_annual.csv", "synthetic"]
    assert all("outside the data folder" in p.reason_en and "นอกโฟลเดอร์ข้อมูล" in p.reason_th for p in refused)
    problems: list[Problem] = []
    assert set(read.read_source(org, problems)) == {"real_copy", "lending_breakdown"}


def test_a_fifo_named_csv_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "lending_annual.csv")
    problems: list[Problem] = []
    assert read.read_source(tmp_path, problems) == {}
    assert _errors(problems) == [("not_a_file", "lending_annual.csv")]


# ---------------------------------------------------------------- one table, one source


def test_two_sheets_read_as_one_table_are_an_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("Lending Annual ")
    other.append(["fiscal_year", "actual_amount"])
    other.append([2567, 9999.0])
    book.save(path)
    with pytest.raises(planlib.DataError) as err:
        planlib.load_portfolio(path)
    dup = [p for p in err.value.problems.errors if p.code == "duplicate_table_sheet"]
    assert len(dup) == 1 and "Lending Annual " in dup[0].reason_en and dup[0].table == "lending_annual"
    assert (dup[0].file, dup[0].sheet) == ("book.xlsx", "Lending Annual ")


def test_two_files_read_as_one_table_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "lending_annual.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "Lending Annual.csv").write_text(CSV.replace("1,000.50", "9,999"), encoding="utf-8")
    problems: list[Problem] = []
    read.read_source(tmp_path, problems)
    assert _errors(problems) == [("duplicate_table_file", "lending_annual.csv")]


# ---------------------------------------------------------------- formula-like text


def test_formula_like_csv_cells_stay_text_and_are_neutralised_in_the_board_pack(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = ["=cmd|' /C calc'!A0", "+66 2 245 1317", "-", "@SUM(1+1)", "\t=1"]
    lines = "".join(f'{2560 + i},100,,"{text}"\n' for i, text in enumerate(rows))
    (folder / "lending_annual.csv").write_text("fiscal_year,actual_amount,as_of,note\n" + lines, encoding="utf-8")
    before = _digest(folder)
    frame = planlib.load_portfolio(folder).lending_annual
    # a lone "-" is the Thai tables' "nothing here" (thai.is_missing); the rest is kept as typed (trimmed)
    assert [None if pd.isna(v) else v for v in frame["note"]] == [rows[0], rows[1], None, rows[3], "=1"]
    path = boardpack.write_board_pack({"lending": frame.reset_index()}, tmp_path / "out" / "pack.xlsx")
    ws = openpyxl.load_workbook(path)["lending"]
    note_col = [c.value for c in ws[1]].index("note") + 1
    cells = [ws.cell(row=r, column=note_col) for r in (2, 3, 5, 6)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)
    assert _digest(folder) == before
    assert pd.read_excel(path, sheet_name="lending", engine="openpyxl")["actual_amount"].tolist() == [100.0] * len(rows)


# ---------------------------------------------------------------- calamine reads what openpyxl read (issue 16.2)


def _both_readers(path: Path, monkeypatch: pytest.MonkeyPatch, wanted: tuple[str, ...] | None = None) -> list:
    """``read_workbook`` by calamine and by openpyxl: the tables (header, header row, rows, sheet) and problems."""
    results = []
    for fast in (True, False):
        monkeypatch.setattr(read, "FAST", fast)
        problems: list[Problem] = []
        tables = read.read_workbook(path, problems, wanted=wanted)
        shown = {n: (t.header, t.header_row, t.rows, t.sheet, t.name_as_typed) for n, t in tables.items()}
        results.append((shown, problems))
    return results


def _workbook_from_folder(folder: Path, path: Path, max_rows: int = 3000) -> Path:
    """Every CSV of ``folder`` and ``synthetic/`` as a sheet (its first ``max_rows``); numbers stored as numbers."""
    book = openpyxl.Workbook(write_only=True)
    for csv_path in sorted(folder.glob("*.csv")) + sorted((folder / "synthetic").glob("*.csv")):
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False).head(max_rows)
        sheet = book.create_sheet(csv_path.stem)
        sheet.append(list(frame.columns))
        numbers = frame.apply(lambda c: pd.to_numeric(c.where(c != ""), errors="coerce"))
        for texts, values in zip(frame.to_numpy().tolist(), numbers.to_numpy().tolist()):
            sheet.append([None if t == "" else t if pd.isna(v) else float(v) for t, v in zip(texts, values)])
    book.save(path)
    return path


def test_calamine_reads_the_blank_template_as_openpyxl_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = blank_workbook.write_template(tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(path)
    book["swot"].append(["S1", "จุดแข็ง", "ข้อความ", None, "๓.๖๒", 0.6, 4])
    book["loans"].append(["L1", "กลุ่ม", "2024-10-01", 50000, 24, 3])
    book["budgets"].append(["P1", 2568, "1.5 ล้านบาท"])
    book["loans"].append(["L2", "group", dt.datetime(2024, 11, 15), 30000, 12, 3])
    book["loans"]["C3"].number_format = blank_workbook.DATE_FORMAT  # the template's Thai BE date format
    book["projects"].append(["P1", "โครงการ", None, None, None, None, dt.datetime(2024, 10, 1)])
    book["projects"]["G2"].number_format = blank_workbook.MONTH_FORMAT
    book.save(path)
    fast, slow = _both_readers(path, monkeypatch)
    assert fast == slow
    assert fast[0]["loans"][2][1][1][2] == dt.datetime(2024, 11, 15)
    assert fast[0]["swot"][2] == [(2, ["S1", "จุดแข็ง", "ข้อความ", None, "๓.๖๒", 0.6, 4, None, None])]


def test_a_header_typed_as_a_number_reads_as_openpyxl_read_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Criterion codes 1 and 2 as score headers: calamine reads numbers as floats, the header stays "1", not "1.0"."""
    path = tmp_path / "scores.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "scores"
    book.active.append(["project_code", 1, 2, 2.5])
    book.active.append(["P1", 3, 4, 5])
    book.save(path)
    fast, slow = _both_readers(path, monkeypatch)
    assert fast == slow
    problems: list = []
    assert read.read_workbook(path, problems)["scores"].header == ["project_code", "1", "2", "2.5"]


def test_calamine_reads_a_workbook_of_shipped_data_as_openpyxl_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook_from_folder(Path(__file__).resolve().parents[2] / "data" / "hwfund", tmp_path / "hwfund.xlsx")
    fast, slow = _both_readers(path, monkeypatch)
    assert fast == slow
    assert len(fast[0]["payments"][2]) == 3000 and len(fast[0]) == 24 and not fast[1]


def test_formulas_without_values_and_error_cells_are_read_by_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calamine shows both as empty; the cheap XML pass sends such a sheet planlib reads to openpyxl."""
    path = _workbook(tmp_path / "book.xlsx", [["fiscal_year", "actual_amount", "note"], [2567, "=1+1", "#N/A"]])
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("notes")
    other.append(["topic", "count"])
    other.append(["x", "=2*2"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = read.sheet_parts(archive)
        assert read.sheet_needs_openpyxl(archive.read(parts["lending_annual"]))
        assert read.sheet_needs_openpyxl(archive.read(parts["notes"]))
    fast, slow = _both_readers(path, monkeypatch, wanted=("lending_annual",))
    assert fast == slow
    assert fast[0]["lending_annual"][2] == [(2, [2567, None, "#N/A"])]
    assert [(p.code, p.sheet, p.value) for p in fast[1]] == [("formula", "lending_annual", "=1+1")]
    assert not read.sheet_needs_openpyxl(b'<c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="s"><v>0</v></c>')


def test_sheets_flagged_for_openpyxl_are_read_by_one_opening_of_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sheets with formulas without values: openpyxl opens the workbook twice (values, formulas), not twice each."""
    path = _workbook(tmp_path / "book.xlsx", [["fiscal_year", "actual_amount"], [2567, "=1+1"]])
    book = openpyxl.load_workbook(path)
    other = book.create_sheet("notes")
    other.append(["topic", "count"])
    other.append(["x", "=2*2"])
    book.save(path)
    opened: list[bool] = []
    load = openpyxl.load_workbook  # read.py imports openpyxl inside the function: the module attribute is its reference

    def counting(*args: object, **kwargs: object) -> object:
        opened.append(bool(kwargs.get("data_only")))
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    monkeypatch.setattr(read, "FAST", True)
    read.read_workbook(path, [])
    assert opened == [True, False]  # one opening (values, formulas) for both flagged sheets, not one each
    fast, slow = _both_readers(path, monkeypatch)
    assert fast == slow
    assert fast[0]["lending_annual"][2] == [(2, [2567, None])]
    assert fast[0]["notes"][2] == [(2, ["x", None])]
    formulas = [("formula", "lending_annual", "=1+1"), ("formula", "notes", "=2*2")]
    assert [(p.code, p.sheet, p.value) for p in fast[1]] == formulas

    def refused(*args: object, **kwargs: object) -> object:
        raise KeyError("damaged")

    monkeypatch.setattr(openpyxl, "load_workbook", refused)
    monkeypatch.setattr(read, "FAST", True)
    problems: list[Problem] = []
    tables = read.read_workbook(path, problems)
    assert list(tables) == [] and [p.code for p in problems] == ["corrupt_unopenable"]  # once, not once per sheet
