"""The ``planlib`` command: ``init``, ``validate``, ``template``, ``report`` (:mod:`planlib.reports.command_line`)
and ``render``.

Every failure is a message for the analyst, never a traceback. Exit codes, the same for every
subcommand (:data:`planlib.reports.command_line.EXIT_CODES_HELP`, shown by ``--help``): 0 clean,
1 the data has errors or a report failed, 2 the command was used wrongly (a missing path, an
unknown template, a refused parameter), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from planlib import __version__
from planlib.inputs import contract
from planlib.inputs.blank_workbook import write_template
from planlib.inputs.load import validate
from planlib.inputs.messages import text
from planlib.inputs.problems import Problem, Problems
from planlib.inputs.thai import display_width
from planlib.reports import command_line, render, word
from planlib.reports import templates as tpl
from planlib.reports.batch import org_name
from planlib.reports.command_line import EXIT_CODES_HELP, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from planlib.reports.jobs import bilingual, period_label, period_name

EXAMPLES = """\
examples:
  planlib init work && cd work          a working folder: data/ with the example organisations, reports/
  planlib validate data                 check every organisation under data/ (exit 1 when there are errors)
  planlib validate data/hwfund --format csv -o problems.csv
  planlib report --list                 the templates and their parameters
  planlib report --org ditp --fy 2569   every report that applies to ditp, fiscal year 2569
  planlib report quarterly_progress --org hwfund --fy 2568 --quarter 2
  planlib report whatif --org ditp -p "weights={C1: 2}"
  planlib render out.ipynb              HTML/PDF/Word of a notebook you ran with papermill yourself
  planlib template blank.xlsx           an empty workbook to fill in instead of CSV files
"""


def terminal_text(pair: tuple[str, str]) -> str:
    """A catalogue message for the terminal: ``English / ไทย`` on one line, or, for a message of several lines
    (``init_written``: what was made, then what to do next), the English lines first and the Thai lines below.

    Called as ``terminal_text(text(code, **values))``, so each message's code is written where it is shown.
    """
    en, th = pair
    return f"{en}\n{th}" if "\n" in en else f"{en} / {th}"


SEVERITY_ORDER = {"error": 0, "warning": 1, "change": 2}
COLUMNS = (("severity", 8), ("file", 24), ("sheet", 16), ("row", 5), ("column", 22), ("value", 26))
"""Columns of the problem table and their display widths; the reason follows, unpadded."""
NARROW_COLUMNS = (("severity", 8), ("file", 16), ("sheet", 10), ("row", 5), ("column", 16), ("value", 14))
"""The same columns on a terminal too narrow for :data:`COLUMNS` and a 40-column reason."""
MIN_REASON = 40
"""Fewest columns the reason gets beside the cells; on a narrower terminal it goes on the lines below, indented."""
MIN_WRAP = 20
"""Fewest columns a wrapped text gets (a reason below its cells, a folder's heading, the normalised-values note),
however narrow ``--width`` is: wrapping ``--width 3`` at 3 - 3 columns would leave no room for a single letter."""
COLOURS = {"error": "\033[1;31m", "warning": "\033[33m", "change": "\033[36m"}
RESET = "\033[0m"


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


def wrap(text_: str, width: int) -> list[str]:
    """``text_`` broken at spaces into lines of at most ``width`` display columns (a longer word is cut).

    A ``width`` below 1 is taken as 1 (one character a line), so a longer word always loses its head and the cutting
    ends; a character wider than ``width`` (a full-width one at width 1) still gets a line of its own.
    """
    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for word_ in text_.split(" "):
        while display_width(word_) > width:  # a path or a long value: cut it
            head = fit(word_, width).rstrip(" …")
            head = head or word_[:width]
            if line:
                lines.append(line)
                line = ""
            lines.append(head)
            word_ = word_[len(head) :]
        candidate = f"{line} {word_}" if line else word_
        if display_width(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word_
    lines.append(line)
    return [x for x in lines if x] or [""]


def shown_problems(problems: Problems, *, show_changes: bool = False) -> list[Problem]:
    """The problems a listing shows, errors first, then warnings (and the changes, on request), in file order."""
    return sorted(
        (p for p in problems if show_changes or p.severity != "change"),
        key=lambda p: (SEVERITY_ORDER.get(p.severity, 3), p.file, p.sheet, p.row if p.row is not None else -1),
    )


def format_problems(
    problems: Problems, *, show_changes: bool = False, width: int | None = None, colour: bool = False
) -> str:
    """Problems as an aligned text table: severity, file, sheet (for a workbook), row, column, value, reason EN / TH.

    ``width=None`` (output to a file or a pipe): one line per problem, for grep. With a terminal ``width`` the
    reason wraps beside the cells, or, when fewer than :data:`MIN_REASON` columns would be left, goes on the
    lines below indented by four; narrow terminals get :data:`NARROW_COLUMNS`. ``colour`` colours the severity.
    """
    shown = shown_problems(problems, show_changes=show_changes)
    if not shown:
        return ""
    with_sheet = any(p.sheet for p in shown)
    layout = COLUMNS
    if width is not None and sum(w + 2 for _, w in COLUMNS) + MIN_REASON > width:
        layout = NARROW_COLUMNS
    columns = [(name, w) for name, w in layout if with_sheet or name != "sheet"]
    cells_width = sum(w + 2 for _, w in columns)
    beside = width is None or width - cells_width >= MIN_REASON
    header = "  ".join(fit(name, w) for name, w in columns) + ("  reason" if beside else "")
    lines = [header if width is None or beside else fit(header.rstrip(), width).rstrip()]
    lines.append("-" * (min(width, 120) if width else 120))
    for p in shown:
        cells = {
            "severity": p.severity,
            "file": p.file or p.table,
            "sheet": p.sheet,
            "row": "" if p.row is None else str(p.row),
            "column": p.column,
            "value": p.value,
        }
        row = "  ".join(fit(cells[name], w) for name, w in columns)
        if width is not None and not beside and display_width(row.rstrip()) > width:
            row = fit(row.rstrip(), width)  # a very narrow terminal: the cells are cut, the reason below is whole
        if colour and p.severity in COLOURS:
            row = COLOURS[p.severity] + row[: len(p.severity)] + RESET + row[len(p.severity) :]
        reason = f"{p.reason_en} / {p.reason_th}"
        if width is None:
            lines.append(f"{row}  {reason}")
        elif beside:
            first, *rest = wrap(reason, width - cells_width)
            lines.append(f"{row}  {first}")
            lines += [" " * cells_width + more for more in rest]
        else:
            lines.append(row.rstrip())
            lines += ["    " + more for more in wrap(reason, max(width - 4, MIN_WRAP))]
    return "\n".join(lines)


def problem_frame(found: list[tuple[Path, Problems]], *, show_changes: bool = False) -> pd.DataFrame:
    """Every problem of every validated folder as one frame (:meth:`Problems.to_frame` with a ``source`` column)."""
    frames = []
    for folder, problems in found:
        shown = Problems(shown_problems(problems, show_changes=show_changes))
        frame = shown.to_frame()
        frame.insert(0, "source", str(folder))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def terminal_width(stream: TextIO) -> int | None:
    """The terminal's width when ``stream`` is a terminal, else None (no wrapping in files and pipes)."""
    return shutil.get_terminal_size().columns if stream.isatty() else None


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal unless ``NO_COLOR`` is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def organisation_folders(path: Path) -> list[Path]:
    """``data/`` → each organisation folder in it; an org folder or workbook → itself."""
    if path.is_dir() and not any(path.glob("*.csv")):
        subs = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.csv")))
        if subs:
            return subs
    return [path]


def cmd_validate(args: argparse.Namespace) -> int:
    """``planlib validate``: every problem of every path; 1 when any is an error, 2 when a path does not exist.

    ``--format table`` (default) prints a table per folder, wrapped to the terminal; ``csv`` and ``json`` write
    one row per problem (:meth:`Problems.to_frame` plus the folder as ``source``) to stdout or ``--output``.
    The verdict line goes to stderr for csv/json, so the data stays machine-readable.
    """
    missing = [path for path in args.paths if not Path(path).exists()]
    if missing:
        for path in missing:
            print(f"planlib validate: {bilingual(text('validate_path_missing', path=path))}", file=sys.stderr)
        return EXIT_USAGE
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"  # utf-8-sig: Excel opens a Thai CSV correctly
    try:
        out: TextIO = open(args.output, "w", encoding=encoding, newline="") if args.output else sys.stdout
    except OSError as exc:  # a missing folder, no permission, a directory: before anything is validated
        unwritable = text("output_not_writable", path=args.output, detail=exc.strerror or exc)
        print(f"planlib validate: {bilingual(unwritable)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        found = [(folder, validate(folder)) for root in args.paths for folder in organisation_folders(Path(root))]
        failed = any(problems.errors for _, problems in found)
        if args.format == "table":
            width = args.width if args.width else terminal_width(out)
            for folder, problems in found:
                heading = f"== {folder}: {problems.summary()}"
                print("\n   ".join(wrap(heading, max(width - 3, MIN_WRAP))) if width else heading, file=out)
                table = format_problems(problems, show_changes=args.changes, width=width, colour=use_colour(out))
                if table:
                    print(table, file=out)
                if problems.changes and not args.changes:
                    note = f"({bilingual(text('values_normalised', count=len(problems.changes)))})"
                    for line in wrap(note, max(width - 3, MIN_WRAP)) if width else [note]:
                        print(f"   {line}", file=out)
        else:
            frame = problem_frame(found, show_changes=args.changes)
            if args.format == "csv":
                out.write(frame.to_csv(index=False))
            else:
                out.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    finally:
        if args.output:
            out.close()
    verdict = bilingual(text("validate_errors_found" if failed else "validate_clean"))
    print(verdict, file=sys.stdout if args.format == "table" and not args.output else sys.stderr)
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


def executed_error(nb: Any) -> tuple[int, str, str] | None:
    """(cell number, error name, message) of the first cell that raised, or None."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return number, str(output.get("ename", "")), str(output.get("evalue", ""))[:200]
    return None


def report_titles(nb: Any, fallback: str) -> tuple[str, str]:
    """The title and subtitle ``planlib report`` gives this notebook, read from papermill's metadata.

    Title ``<Thai title> / <English title>`` of the template the notebook was made from; subtitle the
    organisation's Thai name and the period (``ไตรมาส 2/2568``), as the batch runner writes them.
    """
    meta = nb.metadata.get("papermill", {})
    params = meta.get("parameters", {}) or {}
    name = Path(str(meta.get("input_path", "") or fallback)).stem
    template = tpl.TEMPLATES.get(name)
    if template is None:
        return fallback, ""
    org = str(params.get("org", ""))
    folder = Path(str(params.get("data_dir", "") or command_line.DEFAULT_DATA)) / org
    info = tpl.scan_org(folder) if org and folder.is_dir() else None
    fy = params.get("fy") or (info.fiscal_year if info else None)
    period = period_name(fy, params.get("quarter"))
    subtitle = " · ".join(
        filter(None, [(org_name(info) if info else "") or org, period_label(period) if period else ""])
    )
    return f"{template.title_th} / {template.title_en}", subtitle


def cmd_render(args: argparse.Namespace) -> int:
    """``planlib render NOTEBOOK``: the HTML, PDF and Word files ``planlib report`` makes, from a notebook already run.

    The same page (:func:`planlib.reports.render.page`), PDF (:func:`~planlib.reports.render.write_pdf`) and Word
    document (:func:`planlib.reports.word.write_docx`) as the batch runner. Exit 2 when the file is not a notebook or
    was never run, 1 when a cell stopped with an error (nothing written) or the Word document failed (the HTML and
    PDF are kept, as in a batch).
    """
    import nbformat  # heavy (jsonschema's format checkers take seconds): only when a notebook is rendered

    path = Path(args.notebook)
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:  # nbformat's NotJSONError and validation errors are ValueErrors
        print(f"planlib render: {terminal_text(text('render_not_a_notebook', path=path, detail=exc))}", file=sys.stderr)
        return EXIT_USAGE
    if not any(c.cell_type == "code" and c.get("execution_count") for c in nb.cells):
        print(f"planlib render: {terminal_text(text('render_not_executed', path=path))}", file=sys.stderr)
        return EXIT_USAGE
    error = executed_error(nb)
    if error:
        cell, ename, evalue = error
        message = terminal_text(text("render_cell_error", path=path, cell=cell, ename=ename, evalue=evalue))
        print(f"planlib render: {message}", file=sys.stderr)
        return EXIT_FAILED
    title, subtitle = report_titles(nb, path.stem)
    title, subtitle = args.title or title, subtitle if args.subtitle is None else args.subtitle
    out = Path(args.out) if args.out else path.parent
    out.mkdir(parents=True, exist_ok=True)
    body = render.body_html(nb)
    html_path = out / f"{path.stem}.html"
    html_path.write_text(render.page(body, title=title, subtitle=subtitle, embed_font=True), encoding="utf-8")
    written = [html_path]
    document = render.page(body, title=title, subtitle=subtitle, embed_font=False)
    if not args.no_pdf:
        render.write_pdf(document, out / f"{path.stem}.pdf")
        written.append(out / f"{path.stem}.pdf")
    failed = None
    if not args.no_docx:
        try:
            written.append(word.write_docx(document, out / f"{path.stem}.docx", title=title, subtitle=subtitle))
        except Exception as exc:  # as in a batch: a failing .docx never costs the HTML and PDF already written
            (out / f"{path.stem}.docx").unlink(missing_ok=True)
            code = "word_failed_html_only" if args.no_pdf else "word_failed"
            failed = terminal_text(text(code, detail=f"{type(exc).__name__}: {exc}"[:500]))
    print(terminal_text(text("render_written", outputs=", ".join(str(p) for p in written))))
    if failed:
        print(f"planlib render: {failed}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """``planlib init [FOLDER]``: a working folder — ``data/`` (the example organisations, or empty with
    ``--empty``), ``blank_workbook.xlsx`` (:func:`planlib.inputs.blank_workbook.write_template`) and ``reports/``.
    Never writes over anything: exit 2 when ``FOLDER/data`` already holds files."""
    folder = Path(args.folder)
    data = folder / "data"
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        print(f"planlib init: {terminal_text(text('init_data_exists', path=data))}", file=sys.stderr)
        return EXIT_USAGE
    workbook = folder / "blank_workbook.xlsx"
    try:
        if args.empty:
            data.mkdir(parents=True, exist_ok=True)
        else:
            skip = shutil.ignore_patterns("__pycache__", "*.py")
            shutil.copytree(tpl.EXAMPLE_DATA_DIR, data, ignore=skip, dirs_exist_ok=True)
        if not workbook.exists():
            write_template(workbook)
        (folder / "reports").mkdir(exist_ok=True)
    except OSError as exc:
        print(f"planlib init: {exc}", file=sys.stderr)
        return EXIT_USAGE
    orgs = tpl.known_orgs(data)
    if orgs:
        written = text("init_written", folder=folder, orgs=", ".join(orgs), workbook=workbook.name, first=orgs[0])
        print(terminal_text(written))
    else:
        print(terminal_text(text("init_written_empty", folder=folder, workbook=workbook.name)))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The ``planlib`` parser; every (sub)command's ``--help`` ends with examples and the exit codes."""
    formatter = argparse.RawDescriptionHelpFormatter
    description = "Plan and loan-portfolio workbench for Thai revolving funds."
    parser = argparse.ArgumentParser(
        prog="planlib", description=description, epilog=f"{EXAMPLES}\n{EXIT_CODES_HELP}", formatter_class=formatter
    )
    parser.add_argument("--version", action="version", version=f"planlib {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def subcommand(name: str, summary: str, examples: str = "") -> argparse.ArgumentParser:
        epilog = f"{examples}\n{EXIT_CODES_HELP}" if examples else EXIT_CODES_HELP
        return sub.add_parser(name, help=summary, description=summary, epilog=epilog, formatter_class=formatter)

    init = subcommand(
        "init",
        "make a working folder: data/ with the example organisations, a blank workbook, reports/",
        "examples:\n  planlib init work\n  planlib init --empty my_fund",
    )
    init.add_argument("folder", nargs="?", default=".", help="the folder to make (default: the current folder)")
    init.add_argument("--empty", action="store_true", help="an empty data/ instead of the example organisations")
    init.set_defaults(func=cmd_init)
    val = subcommand(
        "validate",
        "check an organisation's workbook or CSV folder (or data/ for all)",
        "examples:\n  planlib validate data\n  planlib validate data/hwfund --format json -o problems.json\n"
        "  planlib validate budget.xlsx --changes",
    )
    val.add_argument("paths", nargs="+", help="an .xlsx workbook, a folder of CSVs, or a folder of organisations")
    val.add_argument("--changes", action="store_true", help="also list every value the loader normalised")
    val.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (default; wraps to the terminal), or csv/json with one row per problem",
    )
    val.add_argument("-o", "--output", type=Path, help="write to this file instead of the screen")
    val.add_argument("--width", type=int, help="wrap the table at this many columns (default: the terminal's)")
    val.set_defaults(func=cmd_validate)
    blank = subcommand(
        "template", "write an empty workbook with every table and header", "example:\n  planlib template blank.xlsx"
    )
    blank.add_argument("path", help="where to write the .xlsx")
    blank.add_argument("--force", action="store_true", help="overwrite an existing file")
    blank.set_defaults(func=cmd_template)
    rep = subcommand(
        "report",
        "build reports from the notebooks into reports/",
        "examples:\n  planlib report --org ditp --fy 2569\n  planlib report swot --org hwfund --fy 2568\n"
        "  planlib report quarterly_progress --org hwfund --fy 2568 --quarter 2\n"
        "  planlib report whatif --org ditp -p 'weights={C1: 2}' -p tie_break=bc_ratio\n"
        f"\nperiods:\n{command_line.PERIOD_HELP}\n",
    )
    command_line.add_arguments(rep)
    rep.set_defaults(func=command_line.cmd_report)
    ren = subcommand(
        "render",
        "turn a notebook already run (planlib report or papermill) into the report's HTML, PDF and Word files",
        "examples:\n  papermill notebooks/swot.ipynb swot.ipynb -p org hwfund -p data_dir data\n"
        "  planlib render swot.ipynb              # swot.html, swot.pdf, swot.docx beside it",
    )
    ren.add_argument("notebook", help="the executed .ipynb")
    ren.add_argument("--out", type=Path, help="folder for the outputs (default: beside the notebook)")
    ren.add_argument("--title", help="title line (default: the template's Thai / English title)")
    ren.add_argument("--subtitle", help="subtitle line (default: organisation and period)")
    ren.add_argument("--no-pdf", action="store_true", help="no PDF")
    ren.add_argument("--no-docx", action="store_true", help="no Word document")
    ren.set_defaults(func=cmd_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``planlib …``: the subcommand's exit code (130 on Ctrl-C)."""
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):  # plain `planlib`: what it can do, with examples
        parser.print_help()
        return EXIT_USAGE
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print(bilingual(text("command_interrupted")), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `planlib report --list | head`: the reader left; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's documented recipe (signal docs)
        return EXIT_FAILED
