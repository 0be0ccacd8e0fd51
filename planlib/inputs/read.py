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
  A formula without a cached value is an error only on a sheet planlib reads (``wanted``).
* **Located**: every problem of a sheet names the workbook and the sheet as typed.
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
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    sheet: str = ""  # the sheet title as typed, for a table read from a workbook


def normalise_header(name: object) -> str:
    """``" Project Code "`` → ``"project_code"``; Thai headers are kept (NFC, trimmed)."""
    text = unicodedata.normalize("NFC", "" if name is None else str(name)).replace("\ufeff", "").strip()
    text = re.sub(r"[\s\-]+", "_", text)
    return text.lower()


def _error(table: str, file: str, code: str, *, sheet: str = "", row: int | None = None, **values: object) -> Problem:
    """An error of a whole file (or sheet): catalogue ``code`` filled with ``values``."""
    return Problem.of("error", table, code, file=file, sheet=sheet, row=row, **values)


def _decode(data: bytes, name: str, file: str, problems: list[Problem]) -> str | None:
    """UTF-8 (BOM optional); Windows-874/TIS-620 accepted with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_utf8 = _error(name, file, "encoding", byte=exc.start)
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError:
            problems.append(not_utf8)
            return None
        if not re.search("[\u0e01-\u0e5b]", text):  # decodes as cp874 but holds no Thai: some other encoding
            problems.append(not_utf8)
            return None
        problems.append(Problem.of("warning", name, "encoding_cp874", file=file))
        return text


def _not_regular(path: Path, table: str, file: str, problems: list[Problem]) -> bool:
    """True (and a located error) when ``path`` is not a regular file (FIFO, device, folder)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        problems.append(_error(table, file, "unreadable", reason=exc.strerror))
        return True
    if not stat.S_ISREG(mode):
        problems.append(_error(table, file, "not_a_file"))
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
    problems.append(_error(table, file, "symlink_outside", target=os.readlink(path), folder=root.name))
    return True


def read_csv_table(path: Path, name: str, problems: list[Problem]) -> RawTable | None:
    """Read one CSV file (opened read-only) into a :class:`RawTable`."""
    file = path.name
    if _not_regular(path, name, file, problems):
        return None
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            problems.append(_error(name, file, "too_large", size=size, limit=MAX_CSV_BYTES))
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(_error(name, file, "unreadable", reason=exc.strerror))
        return None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(_error(name, file, "binary"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text: str | None = data.decode("utf-16")
    else:
        text = _decode(data, name, file, problems)
    if text is None:
        return None
    if not text.strip():
        problems.append(_error(name, file, "empty"))
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
        problems.append(_error(name, file, "csv", row=reader.line_num, line=reader.line_num, reason=str(exc)))
        return None
    if table is None:
        problems.append(_error(name, file, "empty"))
    return table


def read_workbook(path: Path, problems: list[Problem], *, wanted: Collection[str] | None = None) -> dict[str, RawTable]:
    """Read every sheet of an ``.xlsx`` workbook (values only; formulas are never run).

    A formula cell gives the value Excel cached when it last saved the file; a formula with
    no cached value is reported, on the sheets planlib reads (``wanted`` table names; default
    every sheet) only. Password-protected, old ``.xls`` and corrupt files get a clear message.
    Every table and every problem of a sheet carries the sheet's title as typed.
    """
    file = path.name
    if _not_regular(path, "", file, problems):
        return {}
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        problems.append(_error("", file, "unreadable", reason=exc.strerror))
        return {}
    if head == _OLE_MAGIC:
        problems.append(_error("", file, "encrypted"))
        return {}
    size = path.stat().st_size
    if size > MAX_XLSX_BYTES:
        problems.append(_error("", file, "too_large_workbook", size=size, limit=MAX_XLSX_BYTES))
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(i.file_size for i in archive.infolist())
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        problems.append(_error("", file, "corrupt"))
        return {}
    if unzipped > MAX_XLSX_UNZIPPED:
        problems.append(_error("", file, "too_large_unzipped", size=unzipped, limit=MAX_XLSX_UNZIPPED))
        return {}
    if any(m.lower().endswith("vbaproject.bin") for m in members):
        problems.append(Problem.of("warning", "", "macros", file=file))
    if any(m.startswith("xl/externalLinks/") for m in members):
        problems.append(Problem.of("warning", "", "external_links", file=file))
    import openpyxl  # heavy: imported only when a workbook is read

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        problems.append(_error("", file, "corrupt_unopenable", kind=type(exc).__name__))
        return {}
    tables: dict[str, RawTable] = {}
    try:
        for sheet in values.worksheets:
            name = normalise_header(sheet.title)
            checked = wanted is None or name in wanted
            table = _read_sheet(sheet, formulas[sheet.title] if checked else None, name, file, problems)
            if table is not None and name in tables:
                first, second = tables[name].name_as_typed, sheet.title
                dup = _error(name, file, "duplicate_table_sheet", sheet=second, name=name, first=first, second=second)
                problems.append(dup)
            elif table is not None:
                tables[name] = table
    except Exception as exc:
        problems.append(_error("", file, "corrupt_unreadable", kind=type(exc).__name__, detail=str(exc)))
    finally:
        values.close()
        formulas.close()
    return tables


def _read_sheet(sheet: Any, formulas: Any, name: str, file: str, problems: list[Problem]) -> RawTable | None:
    """One worksheet's header and rows; with its ``formulas`` twin, report formulas that have no saved value.

    ``sheet`` and ``formulas`` are openpyxl read-only worksheets (values and formulas) of the same sheet.
    """
    formula_rows = formulas.iter_rows(values_only=True) if formulas is not None else None
    table: RawTable | None = None
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        raw_formulas = next(formula_rows, ()) if formula_rows is not None else ()
        cells = list(row)
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        if table is None:
            header = [normalise_header(c) for c in cells]
            table = RawTable(name, file, header, header_row=row_number, name_as_typed=sheet.title, sheet=sheet.title)
            continue
        for i, (val, form) in enumerate(zip(cells, raw_formulas)):
            if val is None and isinstance(form, str) and form.startswith("="):
                column = (table.header[i] if i < len(table.header) else "") or f"#{i + 1}"
                problems.append(
                    Problem.of(
                        "error",
                        name,
                        "formula",
                        file=file,
                        sheet=sheet.title,
                        row=row_number,
                        column=column,
                        value=form,
                        formula=form,
                    )
                )
        table.rows.append((row_number, cells))
    return table


def read_source(
    path: Path, problems: list[Problem], *, root: Path | None = None, wanted: Collection[str] | None = None
) -> dict[str, RawTable]:
    """All raw tables of a workbook or a CSV folder (``<table>.csv`` per table).

    In a folder, a file that is a symbolic link leading outside ``root`` (default: the folder
    itself) is refused with a located error, and so is the folder when it is such a link.
    ``wanted`` names the tables the caller reads: a workbook's other sheets are not checked
    for formulas without a saved value (:func:`read_workbook`).
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
                first, second = tables[name].file, csv_path.name
                problems.append(_error(name, second, "duplicate_table_file", name=name, first=first, second=second))
                continue
            tables[name] = table
        return tables
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path, problems, wanted=wanted)
    if path.suffix.lower() == ".csv":
        name = normalise_header(path.stem)
        table = read_csv_table(path, name, problems)
        return {name: table} if table else {}
    if path.suffix.lower() == ".xls":
        problems.append(_error("", path.name, "xls"))
        return {}
    problems.append(_error("", path.name, "unsupported"))
    return {}
