"""An empty workbook with every contract table as a sheet, for an analyst to fill in.

Headers are on row 1 (required columns in bold on a yellow fill, with a note describing the
kind of value); a ``readme`` sheet lists every table and column. The file is written to a
temporary name and renamed, so a failed write never leaves half a workbook.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planlib.inputs import contract


def write_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the empty contract workbook to ``path`` (``.xlsx``) and return the path."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: the template must be an .xlsx file / ต้องเป็นไฟล์ .xlsx")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; not overwritten / มีไฟล์ {path} อยู่แล้ว จึงไม่เขียนทับ")
    book = Workbook()
    readme = book.active
    readme.title = "readme"
    readme.append(["table", "column", "required", "kind", "table description"])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for cell in readme[1]:
        cell.font = bold
    for table in contract.TABLES.values():
        sheet = book.create_sheet(table.name)
        sheet.append([c.name for c in table.columns])
        for cell, col in zip(sheet[1], table.columns):
            kind = contract.KINDS[col.kind].label
            allowed = f"; one of {', '.join(sorted(set(col.choices.values())))}" if col.choices else ""
            cell.comment = Comment(f"{kind}{allowed}{' (required / ต้องกรอก)' if col.required else ''}", "planlib")
            if col.required:
                cell.font = bold
                cell.fill = required_fill
            sheet.column_dimensions[cell.column_letter].width = max(12, len(col.name) + 2)
            readme.append([table.name, col.name, "R" if col.required else "", kind, table.doc])
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
