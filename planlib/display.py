"""Showing results in a notebook: tables, headings, notes, figures and data-quality lists.

Notebooks call these and nothing else to put things on the page, so every report looks the
same and every text that comes from data is HTML-escaped (a ``<script>`` typed into a
project name shows as text). Numbers are formatted here, never computed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import math
import os
import sys
from collections.abc import Mapping, Sequence

import pandas as pd

from planlib.inputs import thai
from planlib.inputs.key_figure import PART_NAMES, KeyFigure
from planlib.inputs.problems import Problem, Problems

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
        # a progress line never stops a report
        with contextlib.suppress(OSError), open(target, "a", encoding="utf-8") as fh:
            fh.write(step.replace("\n", " ") + "\n")


def _display(obj: object, metadata: dict[str, object] | None = None) -> None:
    from IPython.display import display

    display(obj, metadata=metadata)


RAG_FILLS = {"green": "#dcefe3", "amber": "#fbefd0", "red": "#f6d9d5", "grey": "#ececec"}
"""Table-cell fills of a RAG status (light tints of the chart colours, so dark text stays readable)."""
RAG_WORDS = {"green": ("green", "เขียว"), "amber": ("amber", "เหลือง"), "red": ("red", "แดง"),
             "grey": ("grey", "เทา", "no data", "ไม่มีข้อมูล")}
"""How a RAG status starts in a table cell, in English or Thai (``เขียว (ตามเป้า)``, ``red``)."""
EMPTY_TEXT = frozenset({"", "–", "-", "nan", "None", "<NA>"})
SHORT_TABLE = 15
"""A table of at most this many rows is short: ``report.css`` never splits it across pages."""
NO_LIMIT = "ไม่จำกัด / no limit"
"""What an infinite bound (a weight that can grow without changing the ranking) shows as."""


def rag_of(text: str) -> str | None:
    """``green``/``amber``/``red``/``grey`` when a cell's text states a RAG status, else None."""
    low = text.strip().lower()
    for rag, words in RAG_WORDS.items():
        if any(low.startswith(w) for w in words):
            return rag
    return None


def _is_empty_column(values: pd.Series) -> bool:
    return all(
        v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)) or str(v).strip() in EMPTY_TEXT
        for v in values
    )


def _whole_number_column(values: pd.Series) -> bool:
    """A float column holding only whole numbers (counts read as floats because a cell was empty)."""
    if not pd.api.types.is_float_dtype(values.dtype):
        return False
    finite = values.dropna()
    finite = finite[finite.abs() != float("inf")]
    return not finite.empty and bool((finite == finite.round()).all())


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str = "",
    source: str = "",
    formats: Mapping[str, str] | None = None,
    index: bool = False,
    drop_empty: bool = True,
    css_class: str = "",
) -> str:
    """HTML of ``frame`` as a board reads it: escaped text, thousands separators, caption and source.

    ``formats`` maps a column to a format spec (``"{:,.2f}"``, ``"{:.1%}"``). Without one, a float
    column of whole numbers (counts) shows as integers, other floats with two decimals, integers
    with separators. Missing values show as ``–``, an infinite bound as "no limit", ``-0`` as ``0``.
    Columns with no value at all are left out (``drop_empty=False`` keeps them). A cell stating a
    RAG status (``green``, ``เขียว (ตามเป้า)``…) gets its colour; numbers are right-aligned. The source
    note sits inside the table's wrapper, so a page break never strands it from its table. The wrapper is
    ``table-short`` up to 15 rows (``report.css`` keeps it on one page) else ``table-long``; ``css_class``
    adds a class of its own (``quality``: the data-quality table, whose long texts wrap anywhere).
    """
    formats = dict(formats or {})
    shown = frame.reset_index() if index else frame
    if drop_empty and len(shown):
        keep = [c for c in shown.columns if str(c) in formats or not _is_empty_column(shown[c])]
        shown = shown[keep]
    specs = {str(c): formats.get(str(c)) or ("{:,.0f}" if _whole_number_column(shown[c]) else None)
             for c in shown.columns}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(shown.columns, row):
            text = _format(value, specs[str(col)])
            rag = rag_of(text) if isinstance(value, str) else None
            if rag:
                cls = f' class="rag rag-{rag}" style="background:{RAG_FILLS[rag]}"'
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cls = ' class="num"'
            else:
                cls = ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    src = f'<p class="source">ที่มา: {html.escape(source)}</p>' if source else ""
    size = "short" if len(shown) <= SHORT_TABLE else "long"
    extra = f" {html.escape(css_class, quote=True)}" if css_class else ""
    return (f'<div class="table-block table-{size}{extra}"><table class="planlib">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{src}</div>')


def _format(value: object, spec: str | None) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):  # type: ignore[call-overload]
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return NO_LIMIT if value > 0 else f"−{NO_LIMIT}"
    if isinstance(value, float) and value == 0:
        value = 0.0  # never "-0.00"
    if spec:
        try:
            shown = spec.format(value)
        except (ValueError, TypeError):
            return str(value)
        return "0" + shown[2:] if shown.startswith("-0") and not any(ch in "123456789" for ch in shown) else shown
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    if isinstance(value, pd.Timestamp):
        return thai.format_date(value)
    if isinstance(value, pd.Period):
        return thai.format_month(value)
    return str(value)


TABLE_METADATA = "planlib_table"
"""Output-metadata key under which :func:`show_table` records the sha256 of the table it showed."""


def table_digest(table_html: str) -> str:
    """sha256 of a rendered table: the numbers and text a reader sees, nothing of when or where it ran."""
    return hashlib.sha256(table_html.encode("utf-8")).hexdigest()


def show_table(frame: pd.DataFrame, **kwargs: object) -> None:
    """Display :func:`html_table` in the notebook.

    The output carries ``{"planlib_table": {"sha256": …}}`` metadata (invisible in the report);
    the runner hashes these per report into the manifest (``result_tables``), so two runs can be
    compared number for number (:func:`planlib.reports.worker.result_tables`).
    """
    from IPython.display import HTML

    table = html_table(frame, **kwargs)  # type: ignore[arg-type]
    _display(HTML(table), metadata={TABLE_METADATA: {"sha256": table_digest(table)}})


APPENDIX = "ภาคผนวก / Appendix"


# ---------------------------------------------------------------- page 1: key figures and verdict

KEY_FIGURES_TITLE = "ตัวเลขสำคัญ / Key figures"
STATUS_RAG = {"green": "green", "amber": "amber", "red": "red", "no data": "grey", "not scored": "grey",
              "no scenario": "grey"}
"""A figure's status → the RAG colour of its chip (other statuses, such as what-if, get a neutral chip)."""
PART_RAG = {"green": "green", "amber": "amber", "red": "red", "grey": "grey", "done": "green", "overdue": "red",
            "top level": "green", "below lowest": "red", "no result": "grey"}
"""A counted category (:data:`planlib.inputs.key_figure.PART_NAMES`) → the RAG colour of its chip."""
ARROWS = {1: "▲", -1: "▼", 0: "►"}


def _chip(text: str, rag: str | None, extra: str = "") -> str:
    """A small coloured label; ``rag`` picks the fill from :data:`RAG_FILLS` (inline, so it prints everywhere)."""
    if rag in RAG_FILLS:
        return (f'<span class="chip rag rag-{rag}{extra}" style="background:{RAG_FILLS[rag]}">'
                f"{html.escape(text)}</span>")
    return f'<span class="chip{extra}">{html.escape(text)}</span>'


def _both(th: str, en: str, cls: str) -> str:
    """Thai text with its English in small type below (the English left out when it says the same)."""
    english = f'<br/><small class="kf-en" lang="en">{html.escape(en)}</small>' if en and en != th else ""
    return f'<p class="{cls}">{html.escape(th)}{english}</p>'


def _change_html(figure: KeyFigure) -> str:
    """Arrow and signed change vs the previous period, coloured good/bad by ``higher_is_better``.

    Direction is the sign of :attr:`KeyFigure.delta` (the difference of the two printed numbers);
    good = up when higher is better, down when lower is better; neither when the figure says neither.
    A text change (a top project that was another) prints :meth:`KeyFigure.change_text` without an arrow.
    """
    th, en = figure.change_text("th"), figure.change_text("en")
    if not th:
        return ""
    delta = figure.delta
    if delta is None:
        return _both(th, en, "kf-change")
    direction = (delta > 0) - (delta < 0)
    tone = "kf-neutral"
    if direction and figure.higher_is_better is not None:
        tone = "kf-good" if (direction > 0) == figure.higher_is_better else "kf-bad"
    english = f' <small class="kf-en" lang="en">{html.escape(en)}</small>' if en != th else ""
    return (f'<p class="kf-change {tone}"><span class="kf-arrow" aria-hidden="true">{ARROWS[direction]}</span> '
            f"{html.escape(th)}{english}</p>")


def key_figure_html(figure: KeyFigure, *, period: bool = True) -> str:
    """One card: label (Thai, English small), value with unit (class ``value``), period, change, status chip,
    RAG parts as coloured chips, coverage when partial, and note. Every text comes from the figure's own
    printing methods (:class:`planlib.inputs.key_figure.KeyFigure`), so no ``inf``/``nan``/``None``/``-0``.
    ``period=False`` leaves the period out (the block's heading states it once for all cards).
    """
    status = figure.status
    rag = STATUS_RAG.get(status or "")
    if figure.missing:
        rag = rag or "grey"
    cls = "key-figure" + (f" kf-{rag}" if rag else "") + (" kf-missing" if figure.missing else "")
    bits = [_both(figure.label("th"), figure.label("en"), "kf-label")]
    value_th, value_en = figure.value_text("th"), figure.value_text("en")
    if figure.missing:  # the value is the status: a grey "no data" / "not scored" chip, never a 0
        bits.append(f'<p class="value">{_chip(value_th, rag, " kf-status")}</p>')
    else:
        bits.append(f'<p class="value">{html.escape(value_th)}</p>')
    if value_en != value_th:
        bits.append(f'<p class="kf-en kf-figure-en" lang="en">{html.escape(value_en)}</p>')
    if period and (figure.period or figure.period_en):
        bits.append(_both(figure.period_text("th"), figure.period_text("en"), "kf-period"))
    bits.append(_change_html(figure))
    chips = []
    if status is not None and not figure.missing:
        chips.append(_chip(f"{figure.status_text('th')} / {figure.status_text('en')}", rag, " kf-status"))
    if figure.illustrative:
        chips.append(_chip("ตัวอย่างสมมติ / illustrative", None, " kf-illustrative"))
    if chips:
        bits.append(f'<p class="kf-chips">{" ".join(chips)}</p>')
    if figure.parts:
        parts = " ".join(_chip(f"{PART_NAMES.get(name, (name, name))[0]} {count:,d}", PART_RAG.get(name))
                         for name, count in figure.parts)
        english = html.escape(figure.parts_text("en"))
        bits.append(f'<p class="kf-parts">{parts}<br/><small class="kf-en" lang="en">{english}</small></p>')
    if figure.coverage is not None and not figure.coverage.complete:
        bits.append(_both(figure.coverage.text("th"), figure.coverage.text("en"), "kf-coverage"))
    if figure.note or figure.note_en:
        bits.append(_both(figure.note_text("th"), figure.note_text("en"), "kf-note"))
    return f'<div class="{cls}">{"".join(b for b in bits if b)}</div>'


def key_figures_html(figures: Sequence[KeyFigure], verdict: tuple[str, str]) -> str:
    """Page 1's key-figures block: a ``div.key-figures`` holding a heading, the cards (:func:`key_figure_html`)
    and the verdict in Thai and in English (``p.verdict``), all direct children.

    When every figure describes the same period, the heading states it once and the cards leave it out.
    The structure is the one :func:`planlib.reports.word.Converter.key_figures` turns into a Word grid:
    the heading first, the cards (each with one element of class ``value``), the verdict paragraphs last.
    The A4 layout (a 3-column grid) and the screen layout are in ``report.css``.
    """
    periods = {(f.period_text("th"), f.period_text("en")) for f in figures}
    shared = len(figures) > 1 and len(periods) == 1 and all(periods.pop())
    cards = "".join(key_figure_html(f, period=not shared) for f in figures)
    title = KEY_FIGURES_TITLE
    if shared:
        first = figures[0]
        title = f"{title} · {first.period_text('th')} / {first.period_text('en')}"
    th, en = verdict
    verdicts = "".join(
        f'<p class="verdict{extra}" lang="{lang}">{html.escape(text)}</p>'
        for text, lang, extra in ((th, "th", ""), (en, "en", " verdict-en")) if text
    )
    return (f'<div class="key-figures kf-n{len(figures)}">'
            f'<h2 class="key-figures-title">{html.escape(title)}</h2>{cards}{verdicts}</div>')


def show_key_figures(figures: Sequence[KeyFigure], verdict: tuple[str, str]) -> None:
    """Display :func:`key_figures_html` in the notebook (page 1 of every report)."""
    from IPython.display import HTML

    _display(HTML(key_figures_html(figures, verdict)))


def heading(text: str, level: int = 2, *, appendix: bool = False) -> None:
    """An HTML heading (escaped). ``appendix=True`` starts the appendix (method, data quality) on a new page."""
    from IPython.display import HTML

    cls = ' class="appendix"' if appendix else ""
    _display(HTML(f"<h{level}{cls}>{html.escape(text)}</h{level}>"))


def note(text: str, *, kind: str = "info") -> None:
    """A highlighted note; ``kind`` is ``info``, ``warning`` or ``synthetic``."""
    from IPython.display import HTML

    _display(HTML(f'<div class="note note-{html.escape(kind)}">{html.escape(text)}</div>'))


def figure_alt(fig: object) -> str:
    """A description of a chart for screen readers and search: its titles and axis labels.

    ``แผนภูมิ / chart: คะแนนรวม… — แกนนอน / x: …; แกนตั้ง / y: …`` from the figure's own texts.
    """
    parts: list[str] = []
    for ax in getattr(fig, "axes", []):
        title = ax.get_title() or ax.get_title(loc="left")
        labels = [f"แกนนอน / x: {ax.get_xlabel()}" if ax.get_xlabel() else "",
                  f"แกนตั้ง / y: {ax.get_ylabel()}" if ax.get_ylabel() else ""]
        text = " — ".join(t for t in [title, "; ".join(x for x in labels if x)] if t)
        if text:
            parts.append(text)
    suptitle = getattr(fig, "_suptitle", None)
    head = suptitle.get_text() if suptitle is not None else ""
    body = " | ".join(dict.fromkeys(parts))
    return "แผนภูมิ / chart: " + (" — ".join(t for t in [head, body] if t) or "ไม่มีชื่อ / untitled")


def figure_html(fig: object, alt: str = "") -> str:
    """The figure as an ``<img>`` with a PNG data URI and meaningful alt text (HTML, PDF and Word alike)."""
    import matplotlib.pyplot as plt  # only when a figure is shown

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    text = html.escape(alt or figure_alt(fig), quote=True)
    return f'<figure class="chart"><img alt="{text}" src="data:image/png;base64,{data}"/></figure>'


def show_figure(fig: object, alt: str = "") -> None:
    """Display a matplotlib figure once, as a PNG with alt text, and close it (no duplicate output).

    The PNG is rendered here rather than left to IPython's figure formatter, which exists only
    under the inline backend. ``alt`` defaults to the chart's titles and axis labels
    (:func:`figure_alt`), never nbconvert's "No description has been provided for this image".
    """
    from IPython.display import HTML

    _display(HTML(figure_html(fig, alt)))


QUALITY_COLUMNS = {
    "severity": "ระดับ / severity",
    "where": "ตำแหน่ง / where",
    "value": "ค่าที่พบ / value",
    "reason": "เหตุผล / reason",
}
SEVERITY_TH = {"error": "ข้อผิดพลาด / error", "warning": "คำเตือน / warning", "change": "ปรับแก้ / change"}
GROUP_AT = 4
"""Problems sharing a kind, table and severity are listed as one row from this many on."""


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:8])
    return f"แถว / rows {shown}" + (f" … (+{len(rows) - 8})" if len(rows) > 8 else "")


def quality_table(problems: Problems, tables: Sequence[str] | None = None) -> pd.DataFrame:
    """The data-quality appendix as a board reads it: errors and warnings, repeated reasons grouped.

    Only problems of ``tables`` (all when None); changes (normalised values) are left out. Problems
    of the same kind (``code``), table and severity are one row when there are :data:`GROUP_AT` or
    more: "31 รายการ / items" with the rows they are on. Columns have Thai/English labels.
    """
    kept = [p for p in problems if p.severity != "change" and (tables is None or p.table in tables)]
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for p in kept:
        groups.setdefault((p.severity, p.table, p.code or p.reason_en), []).append(p)
    records = []
    for (severity, table, _), items in groups.items():
        first = items[0]
        if len(items) >= GROUP_AT:
            rows = sorted({p.row for p in items if p.row is not None})
            where = f"{first.file or table} — {_rows_text(rows)}" if rows else (first.file or table)
            reason = f"{len(items)} รายการ / items: {first.reason_th} / {first.reason_en}"
            records.append((severity, where, "", reason))
            continue
        for p in items:
            records.append((severity, p.where(), p.value, f"{p.reason_th} / {p.reason_en}"))
    frame = pd.DataFrame(records, columns=list(QUALITY_COLUMNS))
    frame["severity"] = frame["severity"].map(lambda v: SEVERITY_TH.get(v, v))
    return frame.rename(columns=QUALITY_COLUMNS)


def show_problems(
    problems: Problems, *, title: str = "ภาคผนวก: คุณภาพข้อมูล / Appendix: data quality",
    tables: Sequence[str] | None = None,
) -> None:
    """The data-quality appendix: errors and warnings of ``tables``, repeated reasons grouped.

    See :func:`quality_table`; the full list goes into the report's ``.xlsx``.
    """
    heading(title, 2)
    frame = quality_table(problems, tables)
    if frame.empty:
        note("ไม่พบปัญหาในข้อมูล / No problems found in the data.")
        return
    counts = Problems(p for p in problems if tables is None or p.table in tables)
    show_table(frame, caption=f"{len(frame)} รายการ / items ({counts.summary()})", css_class="quality")
