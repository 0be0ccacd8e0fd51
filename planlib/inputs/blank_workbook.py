"""The blank workbook of ``planlib template``: every contract table as a sheet, ready for an analyst to fill in.

Everything the workbook says about a column is derived from :mod:`planlib.inputs.contract` (kind,
required, allowed values, range) and :mod:`planlib.inputs.thai` (the BE year range), so it cannot
drift from what the loader accepts:

* **Headers** (row 1, frozen) hold the column name the loader reads (``quadrant``); a cell number
  format shows it with its Thai label, ``ด้าน SWOT (quadrant)`` (the contract's ``label_th``; the
  loader also reads a header typed as the Thai label or as ``ด้าน SWOT (quadrant)``). Required columns are bold on a
  yellow fill.
* **Dropdowns**: every column with ``choices`` has a list validation offering each stored value and
  every spelling the loader accepts for it (``S``, ``strength``, ``จุดแข็ง`` …). The lists stand on
  the ``readme_lists`` sheet (which the loader skips, as it skips ``readme``).
* **Input messages**: selecting a cell shows the column's kind, range and accepted formats (Thai
  digits, BE years, Thai dates). Numbers with a declared range and fiscal years get a range check
  that warns (it does not refuse: ``๐.๒๕`` is text to Excel but a valid weight to the loader).
* **Cell formats**: code columns are text (``@``), so ``01`` stays ``01``; date and month columns
  show a typed date the Thai way (``1 ต.ค. 2567``, ``ต.ค. 67``, Buddhist calendar).
* A ``readme`` sheet explains every column once: table, column, Thai label, required, kind,
  allowed values or range, an example.

The file is written to a temporary name and renamed, so a failed write never leaves half a workbook.
No cell below the header row is created, so ``worksheet.append`` fills row 2 onwards.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import astuple, dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planlib.inputs import contract, messages, thai

README_SHEET = "readme"
LIST_SHEET = "readme_lists"
"""The sheet holding the dropdown lists; the loader skips sheets whose names start with ``readme``."""
LAST_ROW = 1_048_576
"""Excel's last row: validations and formats cover the whole column."""
PROMPT_TITLE_MAX, PROMPT_MAX, ERROR_MAX = 32, 255, 225
"""Excel's limits on an input message's title and text and on an error message (longer ones break the file)."""
TEXT_FORMAT = "@"
DATE_FORMAT = "[$-107041E]d mmm yyyy"
"""Thai locale (041E), Buddhist calendar (07): a typed 2024-10-01 shows as ``1 ต.ค. 2567``."""
MONTH_FORMAT = "[$-107041E]mmm yy"
"""A typed month (2024-10) shows as ``ต.ค. 67``."""
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
TAB_COLOURS = {"plan": "4472C4", "lending": "70AD47", "shared": "A5A5A5"}

KINDS_TH: dict[str, str] = {
    "text": "ข้อความ",
    "code": "รหัส (เก็บเป็นข้อความ)",
    "slug": "รหัสอักษรอังกฤษตัวเล็ก",
    "codes": "รหัสหลายตัวคั่นด้วยจุลภาค",
    "enum": "เลือกจากรายการ",
    "number": "ตัวเลข",
    "amount": "จำนวนเงิน (บาท)",
    "int": "จำนวนเต็ม",
    "stars": "ระดับดาว",
    "fiscal_year": "ปีงบประมาณ พ.ศ.",
    "date": "วันที่",
    "month": "เดือน",
    "count": "จำนวนราย",
    "bool": "ใช่/ไม่ใช่",
}
"""Thai name of each value kind of :data:`planlib.inputs.contract.KINDS`."""

NUMBER_KINDS = ("number", "amount", "int", "count", "stars", "fiscal_year")
TEXT_KINDS = ("code", "codes", "slug")
HINTS: dict[str, str] = {
    "number": "เลขไทยได้ เช่น ๓.๖๒ / Thai digits OK",
    "amount": "เช่น 1,250,000 หรือ 1.25 ล้านบาท; เลขไทยได้",
    "int": "เลขไทยได้ / Thai digits OK",
    "count": "เช่น 45 หรือ 45 (4 ราย/41 กลุ่ม)",
    "stars": "1–3 หรือ *, **, ***",
    "fiscal_year": "เช่น 2568 หรือ ๒๕๖๘ (ไม่ใช่ ค.ศ. 2025 / not CE)",
    "date": "เช่น 1 ต.ค. 2567, 1/10/2567, 2024-10-01",
    "month": "เช่น ต.ค. 67, ตุลาคม 2567, 2024-10",
    "codes": "เช่น S1,O2",
    "slug": "a-z 0-9 _ - เช่น hwfund",
    "bool": "ใช่/ไม่ใช่, yes/no",
}
"""What the loader accepts for a kind, as the input message says it (:mod:`planlib.inputs.thai` parsers)."""
EXAMPLES: dict[str, str] = {
    "text": "ตามที่พิมพ์ในเอกสาร",
    "code": "P1",
    "slug": "hwfund",
    "codes": "S1,O2",
    "number": "3.62",
    "amount": "1,250,000",
    "int": "12",
    "stars": "***",
    "fiscal_year": "2568",
    "date": "1 ต.ค. 2567",
    "month": "ต.ค. 67",
    "count": "45 (4 ราย/41 กลุ่ม)",
    "bool": "ใช่",
}
"""An example cell of each kind, for the readme (a ranged number or a choice gets its own, see :func:`example`)."""


def thai_label(table: str, column: str) -> str:
    """The Thai label of ``table.column`` (:attr:`planlib.inputs.contract.Column.label_th`)."""
    return contract.thai_label(table, column)


def header_label(table: str, column: str) -> str:
    """The header as the analyst sees it: ``ด้าน SWOT (quadrant)`` (Thai label, column name in brackets)."""
    label = thai_label(table, column)
    return f"{label} ({column})" if label else column


def header_format(table: str, column: str) -> str:
    """The header cell's number format: it shows the stored column name inside its Thai label."""
    label = thai_label(table, column)
    return f'"{label} ("@")"' if label else TEXT_FORMAT


def choice_spellings(choices: Mapping[str, str]) -> list[str]:
    """Every spelling a choice column accepts, grouped by stored value: ``S, strength, strengths, จุดแข็ง, W, …``.

    The stored value comes first in its own case; the other spellings follow in contract order
    (the loader compares lower-cased, so these are exactly the accepted inputs).
    """
    spellings: list[str] = []
    for value in dict.fromkeys(choices.values()):
        spellings.append(value)
        spellings += [key for key, stored in choices.items() if stored == value and key != value.lower()]
    return spellings


def choice_summary(choices: Mapping[str, str]) -> str:
    """The stored values with their first Thai spelling: ``S จุดแข็ง, W จุดอ่อน, O โอกาส, T อุปสรรค``."""
    parts = []
    for value in dict.fromkeys(choices.values()):
        thai_words = [k for k, stored in choices.items() if stored == value and _is_thai(k)]
        parts.append(f"{value} {thai_words[0]}" if thai_words else value)
    return ", ".join(parts)


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def value_range(col: contract.Column) -> tuple[float | None, float | None]:
    """The inclusive range the loader enforces: the column's ``low``/``high``; BE years from :data:`thai.BE_RANGE`."""
    if col.kind in ("fiscal_year",):
        return float(thai.BE_RANGE[0]), float(thai.BE_RANGE[1])
    return col.low, col.high


def range_text(col: contract.Column) -> str:
    """``0–1``, ``≥ 0``, ``≤ 100`` or ``""``."""
    low, high = value_range(col)
    if low is not None and high is not None:
        return f"{low:g}–{high:g}"
    if low is not None:
        return f"≥ {low:g}"
    if high is not None:
        return f"≤ {high:g}"
    return ""


def example(col: contract.Column) -> str:
    """An example cell: a stored choice and its Thai spelling, a number inside the range, else the kind's example."""
    if col.choices:
        first = next(iter(col.choices.values()))
        thai_words = [k for k, v in col.choices.items() if v == first and _is_thai(k)]
        return f"{first} หรือ {thai_words[0]}" if thai_words else first
    low, high = value_range(col)
    if col.kind in ("number", "int") and low is not None and high is not None:
        middle = (low + high) / 2
        return f"{round(middle):d}" if col.kind == "int" else f"{middle:g}"
    return EXAMPLES.get(col.kind, "")


def prompt(table: str, col: contract.Column) -> tuple[str, str]:
    """(title, text) of the input message shown when a cell of the column is selected (within Excel's limits)."""
    kind = contract.KINDS[col.kind]
    lines = [
        "ต้องกรอก / required" if col.required else "ไม่บังคับ / optional",
        f"{KINDS_TH[col.kind]} / {kind.label}",
    ]
    if range_text(col):
        lines.append(f"ช่วงที่รับ / range: {range_text(col)}")
    if col.choices:
        lines.append(f"เลือก / pick: {choice_summary(col.choices)}")
        lines.append(f"คำสะกดอื่นอยู่ในแผ่น {LIST_SHEET} / other spellings there")
    elif col.kind in HINTS:
        lines.append(HINTS[col.kind])
    title = header_label(table, col.name)
    return _fit(title, PROMPT_TITLE_MAX), _fit("\n".join(lines), PROMPT_MAX)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ReadmeRow:
    """One row of the readme sheet: one column explained."""

    table: str
    column: str
    label_th: str
    header: str
    required: str
    kind: str
    allowed: str
    example: str
    about: str


README_HEADER = (
    "ตาราง / table",
    "คอลัมน์ / column",
    "ชื่อไทย / Thai label",
    "หัวคอลัมน์ที่แสดง / header shown",
    "ต้องกรอก / required",
    "ชนิด / kind",
    "ค่าที่รับ / allowed values or range",
    "ตัวอย่าง / example",
    "คำอธิบาย / about",
)
README_INTRO = (
    "แม่แบบข้อมูล planlib / planlib data template",
    "หนึ่งแผ่นงานต่อหนึ่งตาราง หัวคอลัมน์อยู่แถวที่ 1: อย่าเปลี่ยนชื่อแผ่นงานหรือหัวคอลัมน์ "
    "/ one sheet per table, headers on row 1: keep the sheet names and headers.",
    "หัวคอลัมน์ตัวหนาพื้นเหลือง = ต้องกรอก; คลิกเซลล์เพื่อดูคำแนะนำ; คอลัมน์ที่มีรายการให้เลือกจากลูกศร "
    "/ bold yellow headers are required; select a cell for its hint; choice columns have a dropdown.",
    "พิมพ์เลขไทย ปี พ.ศ. และวันที่แบบไทยได้ (๒๕๖๘, 1 ต.ค. 2567, ต.ค. 67) "
    "/ Thai digits, BE years and Thai dates are read as typed.",
    f"คำสะกดทั้งหมดที่รับได้อยู่ในแผ่นงาน {LIST_SHEET} / every accepted spelling is on the {LIST_SHEET} sheet.",
    "ตรวจไฟล์ / check the file: planlib validate FILE.xlsx",
)
EVERY_TABLE = "(ทุกตาราง / every table)"


def common_columns() -> set[str]:
    """Columns every contract table has (the provenance columns ``source`` and ``note``)."""
    return set.intersection(*({c.name for c in t.columns} for t in contract.TABLES.values()))


def readme_rows() -> Iterator[ReadmeRow]:
    """Every contract column explained once; the provenance columns (in every table) once for all tables."""
    provenance = common_columns()
    for table in contract.TABLES.values():
        first = True
        for col in table.columns:
            if col.name in provenance:
                continue
            yield _readme_row(table.name, col, table.doc if first else "")
            first = False
        if table.wide_numeric:
            yield ReadmeRow(
                table.name,
                "<criterion code>",
                "คะแนนตามเกณฑ์",
                "<รหัสเกณฑ์>",
                "",
                "ตัวเลข / number",
                "",
                "8",
                "หนึ่งคอลัมน์ต่อรหัสเกณฑ์ใน criteria / one column per criteria.code",
            )
    for col in (c for c in contract.TABLES["plan"].columns if c.name in provenance):
        yield _readme_row(EVERY_TABLE, col, "ทุกตารางมีคอลัมน์นี้ได้ / every table may have this column")


def _readme_row(table: str, col: contract.Column, about: str) -> ReadmeRow:
    kind = contract.KINDS[col.kind]
    if col.choices:
        allowed = "; ".join(
            f"{value}: {', '.join(s for s in choice_spellings(col.choices) if col.choices.get(s.lower()) == value)}"
            for value in dict.fromkeys(col.choices.values())
        )
    else:
        allowed = "; ".join(t for t in (range_text(col), HINTS.get(col.kind, "")) if t)
    notes = " ".join(t for t in (about, col.doc) if t)
    source_table = table if table in contract.TABLES else "plan"
    return ReadmeRow(
        table=table,
        column=col.name,
        label_th=thai_label(source_table, col.name),
        header=header_label(source_table, col.name),
        required="ต้องกรอก / required" if col.required else "",
        kind=f"{KINDS_TH[col.kind]} / {kind.label}",
        allowed=allowed,
        example=example(col),
        about=notes,
    )


def write_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the blank contract workbook to ``path`` (``.xlsx``) and return the path."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(" / ".join(messages.text("template_not_xlsx", path=path)))
    if path.exists() and not overwrite:
        raise FileExistsError(" / ".join(messages.text("template_exists", path=path)))
    book = Workbook()
    _write_readme(book.active)
    lists = _ListSheet(book.create_sheet(LIST_SHEET))
    for table in contract.TABLES.values():
        _write_table(book.create_sheet(table.name), table, lists)
    book.move_sheet(LIST_SHEET, offset=len(book.sheetnames) - 1 - book.sheetnames.index(LIST_SHEET))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a template is for sharing
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _write_readme(sheet: Worksheet) -> None:
    sheet.title = README_SHEET
    for line in README_INTRO:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(list(README_HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL
    for row in readme_rows():
        sheet.append(list(astuple(row)))
    sheet.freeze_panes = f"C{header_row + 1}"
    widths = (16, 24, 24, 30, 18, 28, 60, 20, 60)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = wrap


class _ListSheet:
    """The ``readme_lists`` sheet: one column per distinct choice list; returns the range a dropdown points at."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_of(self, name: str, values: list[str]) -> str:
        key = tuple(values)
        if key not in self.ranges:
            column = len(self.ranges) + 1
            letter = get_column_letter(column)
            self.sheet.cell(row=1, column=column, value=name).font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                self.sheet.cell(row=row, column=column, value=value).number_format = TEXT_FORMAT
            self.sheet.column_dimensions[letter].width = max(14, len(name) + 2)
            self.ranges[key] = f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return self.ranges[key]


def _write_table(sheet: Worksheet, table: contract.Table, lists: _ListSheet) -> None:
    sheet.sheet_properties.tabColor = TAB_COLOURS.get(table.group)
    sheet.freeze_panes = "A2"
    for position, col in enumerate(table.columns, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=col.name)
        cell.number_format = header_format(table.name, col.name)
        cell.alignment = Alignment(vertical="top")
        if col.required:
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL
        width = thai.display_width(header_label(table.name, col.name)) + 4
        sheet.column_dimensions[letter].width = min(max(width, 12), 45)
        if col.kind in TEXT_KINDS:
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        elif col.kind == "date":
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
        elif col.kind == "month":
            sheet.column_dimensions[letter].number_format = MONTH_FORMAT
        validation = _validation(table, col, lists)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)


def _validation(table: contract.Table, col: contract.Column, lists: _ListSheet) -> DataValidation:
    """The column's dropdown or range check, carrying its input message."""
    title, text = prompt(table.name, col)
    common = {"showInputMessage": True, "promptTitle": title, "prompt": text, "allow_blank": True}
    if col.choices:
        formula = lists.range_of(f"{table.name}.{col.name}", choice_spellings(col.choices))
        error = f"ใช้ค่าจากรายการ / use a value from the list: {choice_summary(col.choices)}"
        return DataValidation(
            type="list",
            formula1=formula,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=_fit(title, PROMPT_TITLE_MAX),
            error=_fit(error, ERROR_MAX),
            **common,
        )
    if table.name == "plan" and col.name == "key":
        formula = lists.range_of("plan.key", list(contract.PLAN_KEYS))
        error = "planlib อ่านคีย์ในรายการ คีย์อื่นเก็บเป็นข้อความ / planlib reads these keys; others are kept as text"
        return DataValidation(
            type="list",
            formula1=formula,
            showErrorMessage=True,
            errorStyle="information",
            errorTitle=_fit(title, PROMPT_TITLE_MAX),
            error=_fit(error, ERROR_MAX),
            **common,
        )
    low, high = value_range(col)
    if col.kind in NUMBER_KINDS and col.kind != "stars" and (low is not None or high is not None):
        if low is not None and high is not None:
            bounds = {"operator": "between", "formula1": f"{low:g}", "formula2": f"{high:g}"}
        elif low is not None:
            bounds = {"operator": "greaterThanOrEqual", "formula1": f"{low:g}"}
        else:
            bounds = {"operator": "lessThanOrEqual", "formula1": f"{high:g}"}
        error = f"ช่วงที่รับ / range {range_text(col)}. พิมพ์เลขไทยหรือมีหน่วยก็กด Yes ได้ / Thai digits: press Yes"
        if col.kind == "fiscal_year":
            error = f"ปี พ.ศ. / BE year {range_text(col)}: 2025 เป็น ค.ศ. พิมพ์ 2568 / 2025 is CE, type 2568"
        return DataValidation(
            type="whole" if col.kind in ("int", "fiscal_year") else "decimal",
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_fit(title, PROMPT_TITLE_MAX),
            error=_fit(error, ERROR_MAX),
            **bounds,
            **common,
        )
    return DataValidation(**common)
