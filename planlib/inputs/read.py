"""Reading raw tables from an Excel workbook or a folder of CSV files, read-only.

The result is a :class:`RawTable` per table: header names and rows of raw cell values, each
row tagged with its number as the analyst sees it (the Excel row, or the CSV line where the
record starts). Nothing is interpreted here; :mod:`planlib.inputs.load` normalises the values.
Malformed files become :class:`~planlib.inputs.problems.Problem` entries, never tracebacks.

Hostile input (issue 9):

* **Size limits**: a CSV larger than :data:`MAX_CSV_BYTES` or a workbook larger than
  :data:`MAX_XLSX_BYTES`, or whose members together unzip to more than
  :data:`MAX_XLSX_UNZIPPED` (a zip bomb), is refused before anything is decompressed. The
  declared sizes can be trusted: Python's :mod:`zipfile` never returns more bytes than a
  member declares and fails the CRC check when the data differ.
* **Values only**: a workbook is opened with ``data_only=True``; formulas are never
  evaluated (a formula's cached value is used), links to other workbooks are never followed
  and macros (``.xlsm``, ``vbaProject.bin``) are never run. Both are reported as warnings.
* **Text stays text**: a cell such as ``=HYPERLINK(…)``, ``+66…``, ``-`` or ``@…`` in a CSV is
  read as the text typed; exports (the board pack) neutralise it (:mod:`planlib.plans.boardpack`).
* **Symlinks are refused, not followed**: a file (or the ``synthetic/`` folder) inside a data
  folder that is a symbolic link resolving *outside* that folder is refused with a located
  error; a link that stays inside the folder is read. The path you name yourself
  (``load_plan("data/hwfund")``, a workbook path) is taken as given. Special files (a FIFO or
  device named ``*.csv``) are refused without being opened.
* **One table, one source**: two sheets or files that both read as the same table
  (``Swot`` and ``swot ``) are an error, never one silently replacing the other.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from planlib.inputs.problems import Problem

MAX_CSV_BYTES = 200 * 1024**2
MAX_XLSX_BYTES = 100 * 1024**2
MAX_XLSX_UNZIPPED = 1024**3
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class RawTable:
    """One table as typed: ``header`` names, ``rows`` of ``(row_number, cells)``."""

    name: str
    file: str
    header: list[str]
    header_row: int = 1
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    name_as_typed: str = ""  # the sheet title or file name before normalising


def normalise_header(name: object) -> str:
    """``" Project Code "`` → ``"project_code"``; Thai headers are kept (NFC, trimmed)."""
    text = unicodedata.normalize("NFC", "" if name is None else str(name)).replace("\ufeff", "").strip()
    text = re.sub(r"[\s\-]+", "_", text)
    return text.lower()


def _problem(table: str, file: str, en: str, th: str, code: str, row: int | None = None) -> Problem:
    return Problem("error", table, en, th, file=file, row=row, code=code)


def _decode(data: bytes, name: str, file: str, problems: list[Problem]) -> str | None:
    """UTF-8 (BOM optional); Windows-874/TIS-620 accepted with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = _problem(
            name, file,
            f"the file is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'",
            f"ไฟล์ไม่ได้เข้ารหัสเป็น UTF-8 (ไบต์ที่ {exc.start}) กรุณาบันทึกเป็น 'CSV UTF-8'",
            "encoding",
        )  # fmt: skip
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError:
            problems.append(not_utf8)
            return None
        if not re.search("[\u0e01-\u0e5b]", text):  # decodes as cp874 but holds no Thai: some other encoding
            problems.append(not_utf8)
            return None
        problems.append(
            Problem(
                "warning", name,
                "the file is Windows-874 (TIS-620), not UTF-8; it was read as Windows-874",
                "ไฟล์เข้ารหัสแบบ Windows-874 (TIS-620) ไม่ใช่ UTF-8 ระบบอ่านเป็น Windows-874 ให้แล้ว",
                file=file, code="encoding_cp874",
            )
        )  # fmt: skip
        return text


def _not_regular(path: Path, table: str, file: str, problems: list[Problem]) -> bool:
    """True (and a located error) when ``path`` is not a regular file (FIFO, device, folder)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        problems.append(_problem(table, file, f"cannot read the file: {exc.strerror}", f"อ่านไฟล์ไม่ได้: {exc.strerror}", "unreadable"))
        return True
    if not stat.S_ISREG(mode):
        problems.append(_problem(table, file, "not a regular file (a device, pipe or folder); refused",
                                 "ไม่ใช่ไฟล์ข้อมูลธรรมดา (เป็นอุปกรณ์ ท่อ หรือโฟลเดอร์) จึงไม่อ่าน", "not_a_file"))  # fmt: skip
        return True
    return False


def outside(path: Path, root: Path) -> bool:
    """True when ``path`` (following symbolic links) resolves outside the folder ``root``."""
    try:
        target, base = path.resolve(strict=False), root.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        return True
    return target != base and base not in target.parents


def _symlink_refused(path: Path, root: Path, table: str, file: str, problems: list[Problem]) -> bool:
    """True (and a located error) when ``path`` is a symlink leading outside ``root``."""
    if not path.is_symlink() or not outside(path, root):
        return False
    target = os.readlink(path)
    problems.append(_problem(table, file,
        f"a symbolic link to {target!r}, outside the data folder {root.name!r}; refused (copy the file into the folder)",
        f"เป็นลิงก์ (symlink) ไปยัง {target!r} ซึ่งอยู่นอกโฟลเดอร์ข้อมูล {root.name!r} จึงไม่อ่าน (กรุณาคัดลอกไฟล์มาไว้ในโฟลเดอร์)",
        "symlink_outside"))  # fmt: skip
    return True


def read_csv_table(path: Path, name: str, problems: list[Problem]) -> RawTable | None:
    """Read one CSV file (opened read-only) into a :class:`RawTable`."""
    file = path.name
    if _not_regular(path, name, file, problems):
        return None
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            problems.append(_problem(name, file, f"file too large ({size:,} bytes; limit {MAX_CSV_BYTES:,})",
                                     f"ไฟล์ใหญ่เกินไป ({size:,} ไบต์ จำกัด {MAX_CSV_BYTES:,})", "too_large"))  # fmt: skip
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(_problem(name, file, f"cannot read the file: {exc.strerror}", f"อ่านไฟล์ไม่ได้: {exc.strerror}", "unreadable"))
        return None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(_problem(name, file, "this is not a text CSV file (binary content)",
                                 "ไฟล์นี้ไม่ใช่ไฟล์ CSV แบบข้อความ (เป็นไฟล์ไบนารี)", "binary"))  # fmt: skip
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text: str | None = data.decode("utf-16")
    else:
        text = _decode(data, name, file, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(_problem(name, file, "the file is empty (no header row)", "ไฟล์ว่างเปล่า (ไม่มีแถวหัวตาราง)", "empty"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    table: RawTable | None = None
    try:
        start = 1
        for cells in reader:
            if table is None:
                if not any(c.strip() for c in cells):
                    start = reader.line_num + 1
                    continue
                table = RawTable(name, file, [normalise_header(c) for c in cells], header_row=start)
            elif any(c.strip() for c in cells):
                table.rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(_problem(name, file, f"broken CSV near line {reader.line_num}: {exc}",
                                 f"รูปแบบ CSV เสียใกล้บรรทัด {reader.line_num}: {exc}", "csv", reader.line_num))  # fmt: skip
        return None
    if table is None:
        problems.append(_problem(name, file, "the file is empty (no header row)", "ไฟล์ว่างเปล่า (ไม่มีแถวหัวตาราง)", "empty"))
    return table


def read_workbook(path: Path, problems: list[Problem]) -> dict[str, RawTable]:
    """Read every sheet of an ``.xlsx`` workbook (values only; formulas are never run).

    A formula cell gives the value Excel cached when it last saved the file; a formula with
    no cached value is reported. Password-protected, old ``.xls`` and corrupt files get a
    clear message.
    """
    file = path.name
    if _not_regular(path, "", file, problems):
        return {}
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        problems.append(_problem("", file, f"cannot read the file: {exc.strerror}", f"อ่านไฟล์ไม่ได้: {exc.strerror}", "unreadable"))
        return {}
    if head == _OLE_MAGIC:
        problems.append(_problem("", file,
            "the workbook is password-protected or in the old .xls format; remove the password and save as .xlsx",
            "ไฟล์ถูกตั้งรหัสผ่านหรือเป็นรูปแบบ .xls เก่า กรุณาเอารหัสผ่านออกและบันทึกเป็น .xlsx", "encrypted"))  # fmt: skip
        return {}
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        problems.append(_problem("", file, f"workbook too large ({size:,} bytes; limit {MAX_XLSX_BYTES:,})",
                                 f"ไฟล์ใหญ่เกินไป ({size:,} ไบต์ จำกัด {MAX_XLSX_BYTES:,})", "too_large"))  # fmt: skip
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(i.file_size for i in archive.infolist())
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        problems.append(_problem("", file, "the workbook is damaged or not an .xlsx file; open it in Excel and save again",
                                 "ไฟล์ Excel เสียหายหรือไม่ใช่ไฟล์ .xlsx กรุณาเปิดใน Excel แล้วบันทึกใหม่", "corrupt"))  # fmt: skip
        return {}
    if unzipped > MAX_XLSX_UNZIPPED:
        problems.append(_problem("", file, f"workbook expands to {unzipped:,} bytes (limit {MAX_XLSX_UNZIPPED:,}); refused",
                                 f"ไฟล์ขยายได้ {unzipped:,} ไบต์ เกินขีดจำกัด {MAX_XLSX_UNZIPPED:,} จึงไม่อ่าน", "too_large"))  # fmt: skip
        return {}
    if any(m.lower().endswith("vbaproject.bin") for m in members):
        problems.append(Problem("warning", "", "the workbook contains macros; they were not run (values only)",
                                "ไฟล์มีแมโคร (macro) ระบบไม่ได้เรียกใช้ อ่านเฉพาะค่าในเซลล์", file=file, code="macros"))  # fmt: skip
    if any(m.startswith("xl/externalLinks/") for m in members):
        problems.append(Problem("warning", "", "the workbook links to other workbooks; the links were not followed, "
                                "the values saved in this file were used",
                                "ไฟล์มีลิงก์ไปยังไฟล์ Excel อื่น ระบบไม่ได้เปิดลิงก์ ใช้ค่าที่บันทึกไว้ในไฟล์นี้",
                                file=file, code="external_links"))  # fmt: skip
    import openpyxl

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        problems.append(_problem("", file, f"the workbook cannot be opened ({type(exc).__name__}); open it in Excel and save again",
                                 "เปิดไฟล์ Excel ไม่ได้ กรุณาเปิดใน Excel แล้วบันทึกใหม่", "corrupt"))  # fmt: skip
        return {}
    tables: dict[str, RawTable] = {}
    try:
        for sheet in values.worksheets:
            name = normalise_header(sheet.title)
            formula_rows = formulas[sheet.title].iter_rows(values_only=True)
            table: RawTable | None = None
            for row_number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                raw_formulas = next(formula_rows, ())
                cells = list(cells)
                if not any(c is not None and str(c).strip() for c in cells):
                    continue
                if table is None:
                    table = RawTable(name, file, [normalise_header(c) for c in cells], header_row=row_number)
                    continue
                for i, (val, form) in enumerate(zip(cells, raw_formulas)):
                    if val is None and isinstance(form, str) and form.startswith("="):
                        problems.append(Problem("error", name,
                            f"formula {form!r} has no saved value; open the workbook in Excel and save it",
                            f"สูตร {form!r} ไม่มีค่าที่บันทึกไว้ กรุณาเปิดไฟล์ใน Excel แล้วบันทึกใหม่",
                            file=file, row=row_number, column=(table.header[i] if i < len(table.header) else "") or f"#{i + 1}",
                            value=form, code="formula"))  # fmt: skip
                table.rows.append((row_number, cells))
            if table is not None and name in tables:
                problems.append(_problem(name, file,
                    f"two sheets are both read as table {name!r} ({tables[name].name_as_typed!r} and {sheet.title!r}); "
                    "keep one of them",
                    f"มีสองชีตที่อ่านเป็นตาราง {name!r} ({tables[name].name_as_typed!r} และ {sheet.title!r}) กรุณาเก็บไว้ชีตเดียว",
                    "duplicate_table"))  # fmt: skip
            elif table is not None:
                table.name_as_typed = sheet.title
                tables[name] = table
    except Exception as exc:
        problems.append(_problem("", file, f"the workbook cannot be read ({type(exc).__name__}: {exc})",
                                 f"อ่านไฟล์ Excel ไม่ได้ ({type(exc).__name__})", "corrupt"))  # fmt: skip
    finally:
        values.close()
        formulas.close()
    return tables


def read_source(path: Path, problems: list[Problem], *, root: Path | None = None) -> dict[str, RawTable]:
    """All raw tables of a workbook or a CSV folder (``<table>.csv`` per table).

    In a folder, a file that is a symbolic link leading outside ``root`` (default: the folder
    itself) is refused with a located error, and so is the folder when it is such a link.
    """
    if path.is_dir():
        base = root if root is not None else path
        if root is not None and _symlink_refused(path, root, "", path.name, problems):
            return {}
        tables: dict[str, RawTable] = {}
        for csv_path in sorted(path.glob("*.csv")):
            name = normalise_header(csv_path.stem)
            if _symlink_refused(csv_path, base, name, csv_path.name, problems):
                continue
            table = read_csv_table(csv_path, name, problems)
            if table is None:
                continue
            table.name_as_typed = csv_path.name
            if name in tables:
                problems.append(_problem(name, csv_path.name,
                    f"two files are both read as table {name!r} ({tables[name].file!r} and {csv_path.name!r}); keep one",
                    f"มีสองไฟล์ที่อ่านเป็นตาราง {name!r} ({tables[name].file!r} และ {csv_path.name!r}) กรุณาเก็บไว้ไฟล์เดียว",
                    "duplicate_table"))  # fmt: skip
                continue
            tables[name] = table
        return tables
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path, problems)
    if path.suffix.lower() == ".csv":
        name = normalise_header(path.stem)
        table = read_csv_table(path, name, problems)
        return {name: table} if table else {}
    if path.suffix.lower() == ".xls":
        problems.append(_problem("", path.name, "old .xls workbooks are not read; save it as .xlsx",
                                 "ไม่รองรับไฟล์ .xls รุ่นเก่า กรุณาบันทึกเป็น .xlsx", "xls"))  # fmt: skip
        return {}
    problems.append(_problem("", path.name, "give an .xlsx workbook or a folder of .csv files",
                             "กรุณาระบุไฟล์ .xlsx หรือโฟลเดอร์ที่มีไฟล์ .csv", "unsupported"))  # fmt: skip
    return {}
