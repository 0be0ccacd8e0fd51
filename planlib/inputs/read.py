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

Speed (issue 16.2): cell values come from python-calamine (Rust), about 50× faster than openpyxl.
Formulas without a cached value and error cells (``#N/A``), which calamine reads as empty, are
found by a cheap pass over the XML of the sheets planlib reads (:func:`sheet_needs_openpyxl`);
such a sheet is read by openpyxl exactly as before. A CSV file with no quote character is split
column-wise by pyarrow (one record per line, so row numbers stay line numbers); any other CSV by
:mod:`csv`. ``FAST = False`` forces the reference readers (openpyxl, :mod:`csv`) for every file:
the equality tests compare both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import python_calamine

from planlib.inputs.problems import Problem

MAX_CSV_BYTES = 200 * 1024**2
MAX_XLSX_BYTES = 100 * 1024**2
MAX_XLSX_UNZIPPED = 1024**3
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FAST = True
"""Read with calamine and pyarrow (False: openpyxl and :mod:`csv` for every file, the reference readers)."""
CSV_FIELD_LIMIT = csv.field_size_limit()
"""The :mod:`csv` module refuses a longer field; the fast CSV path leaves such a file to it, so both agree."""
RE2_WHITESPACE = "".join(f"\\x{{{c:x}}}" for c in range(0x110000) if chr(c).isspace())
"""Python's whitespace (what ``str.strip()`` removes) as the body of an RE2 character class (RE2's ``\\s`` is ASCII)."""
_BLANK_RE = f"^[{RE2_WHITESPACE}]*$"
_QUOTED_FIELD = '(?:[^",]*|"(?:[^"]|"")*")'
_QUOTED_LINE_RE = f"^{_QUOTED_FIELD}(?:,{_QUOTED_FIELD})*$"
"""A line of plain fields and wholly quoted ones (doubled quotes inside), as RE2 matches it."""
_NOT_CSV_BREAKS = "\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""NUL, and line breaks of :meth:`str.splitlines` that :mod:`csv` keeps inside a field: the fast path leaves them."""


Column = pa.Array | list[object]
"""The cells of one column below the header: a pyarrow string array (fast CSV) or a list of raw values."""


class ByteCells:
    """The UTF-8 bytes of a pyarrow string array, for per-cell tests done on all bytes at once with numpy.

    ``any_of(table)`` is true for the cells holding a byte for which the 256-entry boolean ``table``
    is true; ``at(i)`` is the byte ``i`` places into each cell (only meaningful where ``lengths > i``).
    """

    def __init__(self, strings: pa.Array) -> None:
        strings = strings.cast(pa.string()) if strings.type != pa.string() else strings
        _, offsets, data = strings.buffers()
        self.offsets = np.frombuffer(offsets, dtype=np.int32)[strings.offset : strings.offset + len(strings) + 1]
        self.data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
        self.lengths = np.diff(self.offsets).astype(np.int64)
        self.valid = strings.is_valid().to_numpy(zero_copy_only=False) if strings.null_count else None

    def any_of(self, table: np.ndarray) -> np.ndarray:
        low, high = int(self.offsets[0]), int(self.offsets[-1])
        hits = np.flatnonzero(table[self.data[low:high]]) + low
        found = np.zeros(len(self.lengths), dtype=bool)
        if len(hits):
            found[np.searchsorted(self.offsets, hits, side="right") - 1] = True
        return found

    def any_pair(self, first: int, second: int) -> np.ndarray:
        """True for the cells holding byte ``first`` directly followed by byte ``second``."""
        low, high = int(self.offsets[0]), int(self.offsets[-1])
        view = self.data[low:high]
        hits = np.flatnonzero((view[:-1] == first) & (view[1:] == second)) + low
        cell = np.searchsorted(self.offsets, hits, side="right") - 1
        same = np.searchsorted(self.offsets, hits + 1, side="right") - 1 == cell
        found = np.zeros(len(self.lengths), dtype=bool)
        found[cell[same]] = True
        return found

    def at(self, i: int) -> np.ndarray:
        where = np.minimum(self.offsets[:-1].astype(np.int64) + i, len(self.data) - 1)
        return self.data[where]

    def last(self) -> np.ndarray:
        """The last byte of each cell (meaningless for an empty cell)."""
        return self.data[np.maximum(self.offsets[1:].astype(np.int64) - 1, 0)]


def byte_table(chars: bytes = b"", *, low: int = 0, high: int = -1) -> np.ndarray:
    """A 256-entry boolean table, true for the bytes in ``chars`` and the range ``low``..``high``."""
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    if high >= low:
        table[low : high + 1] = True
    return table


_VISIBLE_ASCII = byte_table(low=0x21, high=0x7E)


@dataclass
class RawTable:
    """One table as typed: ``header`` names and, column by column, the cells of the rows below it.

    ``numbers`` holds each row's number as the analyst sees it; ``columns[i]`` the raw cells of
    column ``i`` (a cell beyond a short row is ``None``). :attr:`rows` gives them row by row.
    """

    name: str
    file: str
    header: list[str]
    header_row: int = 1
    numbers: list[int] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    name_as_typed: str = ""  # the sheet title or file name before normalising
    sheet: str = ""  # the sheet title as typed, for a table read from a workbook

    @classmethod
    def from_rows(
        cls, name: str, file: str, header: list[str], rows: list[tuple[int, list[object]]], **kw: Any
    ) -> RawTable:
        """A table from ``(row_number, cells)`` pairs; short rows are padded with ``None``."""
        width = max([len(header), *(len(cells) for _, cells in rows)])
        columns: list[Column] = [[None] * len(rows) for _ in range(width)]
        for i, (_, cells) in enumerate(rows):
            for j, value in enumerate(cells):
                columns[j][i] = value  # type: ignore[index]
        return cls(name, file, header, numbers=[n for n, _ in rows], columns=columns, **kw)

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """``(row_number, cells)`` of every row below the header."""
        columns = [c.to_pylist() if isinstance(c, pa.Array) else c for c in self.columns]
        return [(number, [c[i] for c in columns]) for i, number in enumerate(self.numbers)]

    def column(self, pos: int) -> Column:
        """The cells of column ``pos`` (all ``None`` beyond the widest row)."""
        return self.columns[pos] if pos < len(self.columns) else [None] * len(self.numbers)


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
    if not text or text.isspace():  # (text.strip() would copy a 200 MB file to find out)
        problems.append(_error(name, file, "empty"))
        return None
    table = _fast_csv(text, name, file) if FAST else None
    if table is not None:
        return table
    reader = csv.reader(io.StringIO(text, newline=""))
    if FAST:
        records: list[list[str]] = []
        starts: list[int] = []
        try:
            start = 1
            for cells in reader:
                if cells:  # an empty line is blank
                    records.append(cells)
                    starts.append(start)
                start = reader.line_num + 1
        except csv.Error as exc:
            problems.append(_error(name, file, "csv", row=reader.line_num, line=reader.line_num, reason=str(exc)))
            return None
        if records and all(len(cells) == len(records[0]) for cells in records):
            columns = [pa.array(column, pa.string()) for column in zip(*records)]
            table = _columns_table(name, file, columns, np.asarray(starts, dtype=np.int64))
            if table is not None:
                return table
        reader = csv.reader(io.StringIO(text, newline=""))  # ragged rows or nothing but blanks: row by row
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[object]]] = []
    try:
        start = 1
        for cells in reader:
            if header is None:
                if not any(c.strip() for c in cells):
                    start = reader.line_num + 1
                    continue
                header, header_row = [normalise_header(c) for c in cells], start
            elif any(c.strip() for c in cells):
                rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(_error(name, file, "csv", row=reader.line_num, line=reader.line_num, reason=str(exc)))
        return None
    if header is None:
        problems.append(_error(name, file, "empty"))
        return None
    return RawTable.from_rows(name, file, header, rows, header_row=header_row)


def _fast_csv(text: str, name: str, file: str) -> RawTable | None:
    """The table of a CSV text split column-wise by pyarrow, or None to leave the file to :mod:`csv`.

    Only a text whose every line is a record of plain fields (no quote character) or wholly quoted
    ones (``"1,000.50"``, quotes inside doubled, no line break inside): each record is then one line, so
    its row number is its line number. Also without NUL or characters that :meth:`str.splitlines`
    but not :mod:`csv` breaks on, every line with the header line's number of fields and no field
    longer than :data:`CSV_FIELD_LIMIT`. On such a text :mod:`csv` reads exactly the same fields.
    A line whose cells are all blank (``str.strip``) is skipped, as there.
    """
    if text.startswith("\ufeff") or any(c in text for c in _NOT_CSV_BREAKS):
        return None
    quoted = '"' in text
    if quoted:  # every line must be fields that are plain or wholly quoted (no line break inside a field)
        lines = pa.array(text.splitlines(), pa.string())
        if not pc.all(pc.match_substring_regex(lines, _QUOTED_LINE_RE)).as_py():
            return None
    first = text[: text.find("\n") % (len(text) + 1)]
    width = len(next(csv.reader([first[: first.find("\r") % (len(first) + 1)]]), [""]))
    names = [f"c{i}" for i in range(width)]
    data = text.encode("utf-8")
    try:
        arrow = pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=len(data) + 1, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                quote_char='"' if quoted else False,
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False, null_values=[]
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    columns = [arrow.column(i).combine_chunks() for i in range(width)]  # one block: one chunk, no copy
    longest = max((int(ByteCells(c).lengths.max(initial=0)) for c in columns), default=0)
    if longest > CSV_FIELD_LIMIT and max(pc.max(pc.utf8_length(c)).as_py() or 0 for c in columns) > CSV_FIELD_LIMIT:
        return None
    lines = text.count("\n") + (not text.endswith(("\n", "\r")))
    if "\r" in text:
        lines += text.count("\r") - text.count("\r\n")
    if arrow.num_rows != lines:  # pragma: no cover - a line pyarrow read otherwise: leave it to csv
        return None
    return _columns_table(name, file, columns, np.arange(1, arrow.num_rows + 1, dtype=np.int64))


def _columns_table(name: str, file: str, columns: list[pa.Array], numbers: np.ndarray) -> RawTable | None:
    """The table of CSV records given column by column, with each record's line number.

    The first record that is not blank is the header; later blank records are dropped (a cell is
    blank when ``str.strip`` empties it, as :mod:`csv`'s reader loop decides). None when every
    record is blank.
    """
    blank = np.ones(len(numbers), dtype=bool)
    for c in columns:  # a row is blank when every cell is; a visible first byte decides most cells at once
        cells = ByteCells(c)
        blank &= ~((cells.lengths > 0) & _VISIBLE_ASCII[cells.at(0)])
        unsure = np.flatnonzero(blank & (cells.lengths > 0))
        if len(unsure):
            subset = pc.take(c, pa.array(unsure))
            blank[unsure] = pc.match_substring_regex(subset, _BLANK_RE).to_numpy(zero_copy_only=False)
    kept = np.flatnonzero(~blank)
    if not len(kept):
        return None
    head = int(kept[0])
    header = [normalise_header(c[head].as_py()) for c in columns]
    body = kept[1:]
    contiguous = len(body) == len(numbers) - head - 1
    return RawTable(
        name,
        file,
        header,
        header_row=int(numbers[head]),
        numbers=numbers[body].tolist(),
        columns=[c.slice(head + 1) if contiguous else pc.take(c, pa.array(body)) for c in columns],
    )


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
    if FAST:
        tables = _read_workbook_fast(path, file, problems, wanted)
        if tables is not None:
            return tables
    return _read_workbook_openpyxl(path, file, problems, wanted)


def _read_workbook_openpyxl(
    path: Path, file: str, problems: list[Problem], wanted: Collection[str] | None
) -> dict[str, RawTable]:
    """Every sheet read by openpyxl: the reference reader."""
    tables: dict[str, RawTable] = {}
    for title, (table, found) in _openpyxl_sheets(path, file, problems, wanted).items():
        problems.extend(found)
        _keep(tables, table, title, file, problems)
    return tables


def _openpyxl_sheets(
    path: Path, file: str, problems: list[Problem], wanted: Collection[str] | None, only: Collection[str] | None = None
) -> dict[str, tuple[RawTable | None, list[Problem]]]:
    """Each sheet (or each sheet titled in ``only``) read by openpyxl: title as typed → its table and its problems.

    The workbook is opened once (values and formulas) for all the sheets. A workbook openpyxl cannot open is
    reported in ``problems`` and gives nothing. A sheet that fails to read ends its problems with
    ``corrupt_unreadable``: reading every sheet stops there; reading ``only`` goes on with the next one.
    """
    import openpyxl  # heavy: imported only when a workbook is read

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        problems.append(_error("", file, "corrupt_unopenable", kind=type(exc).__name__))
        return {}
    sheets: dict[str, tuple[RawTable | None, list[Problem]]] = {}
    try:
        for sheet in values.worksheets:
            if only is not None and sheet.title not in only:
                continue
            name = normalise_header(sheet.title)
            checked = wanted is None or name in wanted
            found: list[Problem] = []
            sheets[sheet.title] = (None, found)
            try:
                table = _read_sheet(sheet, formulas[sheet.title] if checked else None, name, file, found)
            except Exception as exc:
                found.append(_error("", file, "corrupt_unreadable", kind=type(exc).__name__, detail=str(exc)))
                if only is None:
                    break
                continue
            sheets[sheet.title] = (table, found)
    except Exception as exc:  # before any sheet was read (the list of sheets)
        problems.append(_error("", file, "corrupt_unreadable", kind=type(exc).__name__, detail=str(exc)))
    finally:
        values.close()
        formulas.close()
    return sheets


def _keep(tables: dict[str, RawTable], table: RawTable | None, title: str, file: str, problems: list[Problem]) -> None:
    """Add the sheet ``title``'s table, or report it when an earlier sheet already gave a table of its name."""
    if table is None:
        return
    name = normalise_header(title)
    if name in tables:
        first, second = tables[name].name_as_typed, title
        problems.append(
            _error(name, file, "duplicate_table_sheet", sheet=second, name=name, first=first, second=second)
        )
    else:
        tables[name] = table


_CELL_RE = re.compile(rb"<(?:\w+:)?c[ >](?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f[ >/].*?</(?:\w+:)?c>", re.S)
_VALUE_RE = re.compile(rb"<(?:\w+:)?v>[^<]")
_ERROR_RE = re.compile(rb"""<(?:\w+:)?c [^>]*\bt=["']e["']""")


def _holds(data: np.ndarray, needle: bytes) -> bool:
    """True when the bytes ``data`` contain ``needle`` (numpy: a few ms for a sheet of megabytes)."""
    span = len(data) - len(needle) + 1
    if span <= 0:
        return False
    found = data[:span] == needle[0]
    for i, byte in enumerate(needle[1:], start=1):
        found &= data[i : i + span] == byte
    return bool(found.any())


def sheet_needs_openpyxl(xml: bytes) -> bool:
    """True when a worksheet's XML has a formula cell without a cached value, or an error cell.

    Calamine reads both as empty, where openpyxl gives no value (reported as a formula without a
    saved value) or the error text (``#N/A``, read as a bad value): such a sheet is read by
    openpyxl. The pass is cheap: a byte search, and a regular expression only over formula cells.
    """
    data = np.frombuffer(xml, dtype=np.uint8)
    if (_holds(data, b't="e"') or _holds(data, b"t='e'")) and _ERROR_RE.search(xml):
        return True
    if not _holds(data, b"<f") and not _holds(data, b":f"):
        return False
    return any(not _VALUE_RE.search(cell.group()) for cell in _CELL_RE.finditer(xml))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → zip member of its XML, from ``xl/workbook.xml`` and its relationships."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{main}sheet"):
        target = targets.get(sheet.get(f"{rel_ns}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = os.path.normpath(member).replace(os.sep, "/")
    return parts


def _read_workbook_fast(
    path: Path, file: str, problems: list[Problem], wanted: Collection[str] | None
) -> dict[str, RawTable] | None:
    """Every worksheet's values by calamine; None (openpyxl reads the workbook) when calamine cannot open it.

    A sheet planlib reads whose XML has a formula without a cached value or an error cell
    (:func:`sheet_needs_openpyxl`) is read by openpyxl, so its problems are exactly the reference's.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            members = set(archive.namelist())
            titles = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
            checked = {
                t for t in titles if (wanted is None or normalise_header(t) in wanted) and parts.get(t) in members
            }
            if any(parts.get(t) not in members for t in titles):
                return None
            flagged = {t for t in checked if sheet_needs_openpyxl(archive.read(parts[t]))}
        grids = {
            t: None if t in flagged else book.get_sheet_by_name(t).to_python(skip_empty_area=False) for t in titles
        }
        book.close()
    except Exception:  # calamine or the zip refused the file: the reference reader reports it
        return None
    tables: dict[str, RawTable] = {}
    by_openpyxl: dict[str, tuple[RawTable | None, list[Problem]]] | None = None
    for title in titles:
        grid = grids[title]
        if grid is None:
            if by_openpyxl is None:  # at the first flagged sheet, one opening reads every flagged sheet
                by_openpyxl = _openpyxl_sheets(path, file, problems, wanted, only=flagged)
            table, found = by_openpyxl.get(title, (None, []))
            problems.extend(found)
        else:
            table = _grid_table(grid, normalise_header(title), file, title)
        _keep(tables, table, title, file, problems)
    return tables


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _excel_value(value: object) -> object:
    """A calamine cell as openpyxl gives it: empty is None, a whole number is an int (calamine reads every number
    as a float: a header typed ``1`` would be ``"1.0"``), a whole-day date is a midnight datetime."""
    if value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _grid_table(grid: list[list[object]], name: str, file: str, title: str) -> RawTable | None:
    """The table of one sheet's cell grid (row 1 first): the first non-blank row is the header."""
    rows: list[tuple[int, list[object]]] = []
    header: list[str] | None = None
    header_row = 1
    widths = set(map(len, grid))
    if len(widths) > 1:  # calamine pads every row to the sheet's width; be sure
        width = max(widths)
        grid = [[*cells, *[""] * (width - len(cells))] for cells in grid]
    for number, cells in enumerate(grid, start=1):
        first = cells[0] if cells else ""
        if (first == "" or (type(first) is str and first.isspace())) and not any(
            c != "" and str(c).strip() for c in cells
        ):  # a row is blank when no cell shows anything; a visible first cell settles it at once
            continue
        if header is None:
            header, header_row = [normalise_header(_excel_value(c)) for c in cells], number
            continue
        rows.append((number, cells))
    if header is None:
        return None
    columns: list[Column] = [
        [(v or None) if type(v) is str else _midnight(v) if type(v) is dt.date else v for v in column]
        for column in zip(*(cells for _, cells in rows))  # calamine gives every row the sheet's width
    ] or [[] for _ in header]
    numbers = [n for n, _ in rows]
    return RawTable(name, file, header, header_row, numbers, columns, name_as_typed=title, sheet=title)


def _read_sheet(sheet: Any, formulas: Any, name: str, file: str, problems: list[Problem]) -> RawTable | None:
    """One worksheet's header and rows; with its ``formulas`` twin, report formulas that have no saved value.

    ``sheet`` and ``formulas`` are openpyxl read-only worksheets (values and formulas) of the same sheet.
    """
    formula_rows = formulas.iter_rows(values_only=True) if formulas is not None else None
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[object]]] = []
    for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        raw_formulas = next(formula_rows, ()) if formula_rows is not None else ()
        cells = list(row)
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        if header is None:
            header, header_row = [normalise_header(c) for c in cells], row_number
            continue
        for i, (val, form) in enumerate(zip(cells, raw_formulas)):
            if val is None and isinstance(form, str) and form.startswith("="):
                column = (header[i] if i < len(header) else "") or f"#{i + 1}"
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
        rows.append((row_number, cells))
    if header is None:
        return None
    return RawTable.from_rows(
        name, file, header, rows, header_row=header_row, name_as_typed=sheet.title, sheet=sheet.title
    )


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
