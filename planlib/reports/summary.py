"""The table ``planlib report`` prints at the end of a batch: one line per report, its status, time and files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from planlib.reports.jobs import Result
from planlib.reports.outputs import output_order

HEADER = ("report", "status", "time", "outputs / error")


def shown_folder(folder: Path) -> str:
    """``folder`` relative to the current directory when it is inside it (shorter, still a path), else as given."""
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def result_detail(result: Result, out: Path | None = None) -> str:
    """The last column: the files written (ok), the reason (skipped), or the first line of the error.

    Files are real paths: the first with its folder (``reports/ditp/2569/swot.html``), the others by name,
    in the same folder (``swot.pdf, swot.docx, swot.ipynb``). A report that is ok but whose Word document
    failed says so after its files.
    """
    if result.status == "ok":
        names = sorted(result.outputs, key=output_order)
        if names and out is not None:
            names[0] = str(Path(shown_folder(out / result.org / result.period)) / names[0])
        detail = ", ".join(names)
        if result.error:
            detail += f" ({result.error.get('message', '')})"
        return detail
    if result.status == "skipped":
        return result.reason
    message = (result.error or {}).get("message") or result.reason or ""
    detail = message.strip().splitlines()[0] if message.strip() else ""
    if any(o.endswith(".failed.ipynb") for o in result.outputs):
        detail += f" (see {result.template}.failed.ipynb)"
    return detail


def summary_table(results: Iterable[Result], out: Path | None = None) -> str:
    """Aligned text table: report, status, duration, outputs (or the error/reason)."""
    rows = [HEADER]
    for r in results:
        duration = "" if r.status == "skipped" else f"{r.duration:.1f}s"
        rows.append((r.key, r.status, duration, result_detail(r, out)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
        if n == 0:
            lines.append("-" * min(120, sum(widths) + 40))
    return "\n".join(lines)
