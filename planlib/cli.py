"""The ``planlib`` command: ``validate``, ``template`` and ``report`` (:mod:`planlib.reports.command_line`).

Every failure is a message for the analyst, never a traceback. Exit codes, the same for every
subcommand (:data:`planlib.reports.command_line.EXIT_CODES_HELP`, shown by ``--help``): 0 clean,
1 the data has errors or a report failed, 2 the command was used wrongly (a missing path, an
unknown template, a refused parameter), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planlib.inputs import contract
from planlib.inputs.blank_workbook import write_template
from planlib.inputs.load import validate
from planlib.inputs.messages import text
from planlib.inputs.problems import Problems
from planlib.inputs.thai import display_width
from planlib.reports import command_line
from planlib.reports.command_line import EXIT_CODES_HELP, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from planlib.reports.jobs import bilingual

SEVERITY_ORDER = {"error": 0, "warning": 1, "change": 2}
COLUMNS = (("severity", 8), ("file", 24), ("sheet", 16), ("row", 5), ("column", 22), ("value", 26))
"""Columns of the problem table and their display widths; the reason follows, unpadded."""


def fit(cell: str, width: int) -> str:
    """``cell`` padded or cut (with …) to ``width`` display columns (Thai marks take none, :func:`display_width`)."""
    if display_width(cell) <= width:
        return cell + " " * (width - display_width(cell))
    out = ""
    for ch in cell:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    out += "…"
    return out + " " * (width - display_width(out))


def format_problems(problems: Problems, *, show_changes: bool = False) -> str:
    """Problems as an aligned text table: severity, file, sheet (for a workbook), row, column, value, reason EN / TH."""
    shown = sorted(
        (p for p in problems if show_changes or p.severity != "change"),
        key=lambda p: (SEVERITY_ORDER.get(p.severity, 3), p.file, p.sheet, p.row if p.row is not None else -1),
    )
    if not shown:
        return ""
    with_sheet = any(p.sheet for p in shown)
    columns = [(name, width) for name, width in COLUMNS if with_sheet or name != "sheet"]
    lines = ["  ".join(fit(name, width) for name, width in columns) + "  reason"]
    lines.append("-" * 120)
    for p in shown:
        cells = {
            "severity": p.severity,
            "file": p.file or p.table,
            "sheet": p.sheet,
            "row": "" if p.row is None else str(p.row),
            "column": p.column,
            "value": p.value,
        }
        row = "  ".join(fit(cells[name], width) for name, width in columns)
        lines.append(f"{row}  {p.reason_en} / {p.reason_th}")
    return "\n".join(lines)


def organisation_folders(path: Path) -> list[Path]:
    """``data/`` → each organisation folder in it; an org folder or workbook → itself."""
    if path.is_dir() and not any(path.glob("*.csv")):
        subs = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.csv")))
        if subs:
            return subs
    return [path]


def cmd_validate(args: argparse.Namespace) -> int:
    """``planlib validate``: every problem of every path; 1 when any is an error, 2 when a path does not exist."""
    missing = [path for path in args.paths if not Path(path).exists()]
    if missing:
        for path in missing:
            print(f"planlib validate: {bilingual(text('validate_path_missing', path=path))}", file=sys.stderr)
        return EXIT_USAGE
    failed = False
    for root in args.paths:
        for folder in organisation_folders(Path(root)):
            problems = validate(folder)
            print(f"== {folder}: {problems.summary()}")
            table = format_problems(problems, show_changes=args.changes)
            if table:
                print(table)
            if problems.changes and not args.changes:
                print(f"   ({bilingual(text('values_normalised', count=len(problems.changes)))})")
            failed |= bool(problems.errors)
    print(bilingual(text("validate_errors_found" if failed else "validate_clean")))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    """``planlib template``: an empty workbook with every table; 2 when the path is refused."""
    try:
        path = write_template(args.path, overwrite=args.force)
    except (ValueError, FileExistsError, OSError) as exc:
        print(f"planlib template: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(bilingual(text("template_written", path=path, tables=len(contract.TABLES))))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The ``planlib`` parser; every (sub)command's ``--help`` ends with the exit codes."""
    formatter = argparse.RawDescriptionHelpFormatter
    description = "Plan and loan-portfolio workbench for Thai revolving funds."
    parser = argparse.ArgumentParser(
        prog="planlib", description=description, epilog=EXIT_CODES_HELP, formatter_class=formatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def subcommand(name: str, summary: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, help=summary, description=summary, epilog=EXIT_CODES_HELP, formatter_class=formatter
        )

    val = subcommand("validate", "check an organisation's workbook or CSV folder (or data/ for all)")
    val.add_argument("paths", nargs="+", help="an .xlsx workbook, a folder of CSVs, or a folder of organisations")
    val.add_argument("--changes", action="store_true", help="also list every value the loader normalised")
    val.set_defaults(func=cmd_validate)
    tpl = subcommand("template", "write an empty workbook with every table and header")
    tpl.add_argument("path", help="where to write the .xlsx")
    tpl.add_argument("--force", action="store_true", help="overwrite an existing file")
    tpl.set_defaults(func=cmd_template)
    rep = subcommand("report", "build reports from the notebooks into reports/")
    command_line.add_arguments(rep)
    rep.set_defaults(func=command_line.cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``planlib …``: the subcommand's exit code (130 on Ctrl-C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print(bilingual(text("command_interrupted")), file=sys.stderr)
        return EXIT_INTERRUPTED
