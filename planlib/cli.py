"""The ``planlib`` command: ``validate``, ``template`` (and ``report``, see report.py).

Every failure is a message for the analyst, never a traceback: exit 0 = clean, 1 = the data
has errors or a report failed, 2 = the command was used wrongly.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from planlib.inputs import contract
from planlib.inputs.load import validate
from planlib.inputs.problems import Problems


def _width(text: str) -> int:
    """Display width: Thai combining marks take no column."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 0 if unicodedata.category(ch) == "Mn" else 1
        if used + w > width:
            return out[: max(len(out) - 1, 0)] + "…" + " " * (width - used)
        out += ch
        used += w
    return out + " " * (width - used)


def format_problems(problems: Problems, *, show_changes: bool = False) -> str:
    """Problems as an aligned text table (severity, file, row, column, value, reason EN / TH)."""
    order = {"error": 0, "warning": 1, "change": 2}
    shown = sorted(
        (p for p in problems if show_changes or p.severity != "change"),
        key=lambda p: (order.get(p.severity, 3), p.file, p.row if p.row is not None else -1),
    )
    if not shown:
        return ""
    headers = ("severity", "file", "row", "column", "value", "reason")
    widths = (8, 24, 5, 22, 26)
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers[:-1], widths)) + "  " + headers[-1]]
    lines.append("-" * 120)
    for p in shown:
        cells = (p.severity, p.file or p.table, "" if p.row is None else str(p.row), p.column, p.value)
        lines.append("  ".join(_fit(c, w) for c, w in zip(cells, widths)) + f"  {p.reason_en} / {p.reason_th}")
    return "\n".join(lines)


def _organisation_folders(path: Path) -> list[Path]:
    """``data/`` → each organisation folder in it; an org folder or workbook → itself."""
    if path.is_dir() and not any(path.glob("*.csv")):
        subs = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.csv")))
        if subs:
            return subs
    return [path]


def cmd_validate(args: argparse.Namespace) -> int:
    failed = False
    for root in args.paths:
        for folder in _organisation_folders(Path(root)):
            problems = validate(folder)
            print(f"== {folder}: {problems.summary()}")
            table = format_problems(problems, show_changes=args.changes)
            if table:
                print(table)
            if problems.changes and not args.changes:
                print(f"   ({len(problems.changes)} values were normalised, e.g. Thai digits and BE dates; "
                      "--changes lists them)")  # fmt: skip
            failed |= bool(problems.errors)
    print("FAILED: errors found / พบข้อผิดพลาด" if failed else "OK: no errors / ไม่พบข้อผิดพลาด")
    return 1 if failed else 0


def cmd_template(args: argparse.Namespace) -> int:
    from planlib.inputs.blank_workbook import write_template

    try:
        path = write_template(args.path, overwrite=args.force)
    except (ValueError, FileExistsError, OSError) as exc:
        print(f"planlib template: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path} ({len(contract.TABLES)} tables) / เขียนไฟล์แม่แบบแล้ว")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planlib", description="Plan and loan-portfolio workbench for Thai revolving funds.")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check an organisation's workbook or CSV folder (or data/ for all)")
    val.add_argument("paths", nargs="+", help="an .xlsx workbook, a folder of CSVs, or a folder of organisations")
    val.add_argument("--changes", action="store_true", help="also list every value the loader normalised")
    val.set_defaults(func=cmd_validate)
    tpl = sub.add_parser("template", help="write an empty workbook with every table and header")
    tpl.add_argument("path", help="where to write the .xlsx")
    tpl.add_argument("--force", action="store_true", help="overwrite an existing file")
    tpl.set_defaults(func=cmd_template)
    try:
        from planlib.reports import pool as report
    except ImportError:  # the report runner's dependencies are missing
        report = None  # type: ignore[assignment]
    if report is not None and hasattr(report, "add_arguments"):
        rep = sub.add_parser("report", help="build reports from the notebooks into reports/")
        report.add_arguments(rep)
        rep.set_defaults(func=report.cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted / ยกเลิกแล้ว", file=sys.stderr)
        return 130
