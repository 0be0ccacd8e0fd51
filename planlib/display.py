"""Showing results in a notebook: tables, headings, notes, figures and data-quality lists.

Notebooks call these and nothing else to put things on the page, so every report looks the
same and every text that comes from data is HTML-escaped (a ``<script>`` typed into a
project name shows as text). Numbers are formatted here, never computed.
"""

from __future__ import annotations

import contextlib
import html
import os
import sys
from collections.abc import Mapping

import pandas as pd

from planlib.inputs.problems import Problems

PROGRESS_ENV = "PLANLIB_PROGRESS"
"""Environment variable naming a file where :func:`progress` appends its lines (set by the report runner)."""


def progress(step: str) -> None:
    """Show a long computation's step without putting it in the report.

    The line goes to standard error (JupyterLab shows it under the cell; the HTML/PDF export
    drops stderr, :mod:`planlib.reports.render`) and, when the report runner set ``PLANLIB_PROGRESS``,
    is appended to that file, from which ``planlib report`` shows it beside its progress bar.
    """
    print(step, file=sys.stderr, flush=True)
    target = os.environ.get(PROGRESS_ENV)
    if target:
        with contextlib.suppress(OSError), open(target, "a", encoding="utf-8") as fh:  # a progress line never stops a report
            fh.write(step.replace("\n", " ") + "\n")


def _display(obj: object, metadata: dict[str, object] | None = None) -> None:
    from IPython.display import display

    display(obj, metadata=metadata)


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str = "",
    source: str = "",
    formats: Mapping[str, str] | None = None,
    index: bool = False,
) -> str:
    """HTML of ``frame`` with escaped text, thousands separators and an optional caption/source.

    ``formats`` maps a column to a format spec (``"{:,.2f}"``, ``"{:.1%}"``); floats default
    to ``{:,.2f}`` and integers to ``{:,}``. Missing values show as ``–``.
    """
    formats = dict(formats or {})
    shown = frame.reset_index() if index else frame
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = []
    for _, rec in shown.iterrows():
        cells = []
        for col in shown.columns:
            value = rec[col]
            cells.append(f"<td>{html.escape(_format(value, formats.get(str(col))))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    src = f'<p class="source">ที่มา: {html.escape(source)}</p>' if source else ""
    return f'<table class="planlib">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{src}'


def _format(value: object, spec: str | None) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):  # type: ignore[call-overload]
        return "–"
    if spec:
        try:
            return spec.format(value)
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, pd.Timestamp):
        from planlib.inputs.thai import format_date

        return format_date(value)
    if isinstance(value, pd.Period):
        from planlib.inputs.thai import format_month

        return format_month(value)
    return str(value)


TABLE_METADATA = "planlib_table"
"""Output-metadata key under which :func:`show_table` records the sha256 of the table it showed."""


def table_digest(table_html: str) -> str:
    """sha256 of a rendered table: the numbers and text a reader sees, nothing of when or where it ran."""
    import hashlib

    return hashlib.sha256(table_html.encode("utf-8")).hexdigest()


def show_table(frame: pd.DataFrame, **kwargs: object) -> None:
    """Display :func:`html_table` in the notebook.

    The output carries ``{"planlib_table": {"sha256": …}}`` metadata (invisible in the report);
    the runner hashes these per report into the manifest (``result_tables``), so two runs can be
    compared number for number (:func:`planlib.reports.report.result_tables`).
    """
    from IPython.display import HTML

    table = html_table(frame, **kwargs)  # type: ignore[arg-type]
    _display(HTML(table), metadata={TABLE_METADATA: {"sha256": table_digest(table)}})


def heading(text: str, level: int = 2) -> None:
    """An HTML heading (escaped)."""
    from IPython.display import HTML

    _display(HTML(f"<h{level}>{html.escape(text)}</h{level}>"))


def note(text: str, *, kind: str = "info") -> None:
    """A highlighted note; ``kind`` is ``info``, ``warning`` or ``synthetic``."""
    from IPython.display import HTML

    _display(HTML(f'<div class="note note-{html.escape(kind)}">{html.escape(text)}</div>'))


def show_figure(fig: object) -> None:
    """Display a matplotlib figure once, as a PNG, and close it (no duplicate output).

    The PNG is rendered here rather than left to IPython's figure formatter, which exists only
    under the inline backend; ``planlib.charts`` selects Agg, so a bare ``display(fig)`` would
    show ``<Figure size …>`` text in reports.
    """
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    _display(Image(data=buffer.getvalue(), format="png"))


def show_problems(problems: Problems, *, title: str = "คุณภาพข้อมูล / Data quality") -> None:
    """The data-quality section: every error and warning with its location and reason."""
    heading(title, 2)
    shown = Problems(p for p in problems if p.severity != "change")
    if not shown:
        note("ไม่พบปัญหาในข้อมูล / No problems found in the data.")
        return
    frame = shown.to_frame()[["severity", "file", "row", "column", "value", "reason_th", "reason_en"]]
    show_table(frame, caption=f"{len(shown)} รายการ / items ({problems.summary()})")
