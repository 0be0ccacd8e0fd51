"""Activity Gantt for the quarterly report: planned months, done marks and the quarter-end line.

Input is :func:`planlib.plans.progress.activity_progress` (one row per activity with its planned
months, done month and due/done/overdue flags at a quarter's end). Months are shown as Thai
abbreviations with BE years (``ต.ค. 65``), the fiscal year's twelve months plus any planned
month outside it (DSDW K5 starts in ก.ย. 65, before FY2566; seed 002 §4 quirk 6).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from planlib import charts
from planlib.inputs import thai
from planlib.plans import kpi
from planlib.plans.progress import check_fiscal_year, check_quarter, quarter_months

PLANNED, DONE = "■", "✓"
COLOURS = {
    "done": charts.RAG_COLOURS["green"],
    "overdue": charts.RAG_COLOURS["red"],
    "planned": charts.PALETTE[0],
    "no status": charts.RAG_COLOURS["grey"],
}
"""Bar colour by status at the quarter's end; "no status" = due, but the plan has no status data at all."""


def chart_months(progress: pd.DataFrame, fiscal_year: int) -> pd.PeriodIndex:
    """Months on the Gantt's axis: the fiscal year, widened to every planned or done month shown."""
    months = thai.fiscal_months(check_fiscal_year(fiscal_year))
    first, last = months[0], months[-1]
    for planned in progress.get("planned", []):
        if planned:
            first, last = min(first, planned[0]), max(last, planned[-1])
    for done in progress.get("done_month", pd.Series(dtype="period[M]")).dropna():
        first, last = min(first, done), max(last, done)
    return pd.period_range(first, last, freq="M")


def activity_label(row: pd.Series, width: int = 48) -> str:
    """``K1-3 เสนอแผน…``: owner and number, then the Thai text cut to ``width`` display columns.

    Cut by :func:`planlib.plans.kpi.cut_to_width` (Thai marks above and below take no column, so a mark
    is never cut from its consonant); a cut text ends in ``…``.
    """
    text = row.get("text_th") if isinstance(row.get("text_th"), str) else row.get("text_en") or ""
    return f"{row['owner_code']}-{row['activity_no']} {kpi.cut_to_width(str(text), width)}"


def gantt_grid(progress: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """A text Gantt: one row per activity, one column per month (Thai label), ``■`` planned, ``✓`` done.

    Columns: activity (label), status (done/overdue/planned at the quarter end), then months.
    Used for the board-pack workbook and to test what the chart draws.
    """
    months = chart_months(progress, fiscal_year)
    rows = []
    for _, act in progress.iterrows():
        planned = set(act["planned"])
        cells = {}
        for m in months:
            mark = PLANNED if m in planned else ""
            if pd.notna(act["done_month"]) and act["done_month"] == m:
                mark += DONE
            cells[thai.format_month(m)] = mark
        rows.append({"activity": activity_label(act), "status": _status(act), **cells})
    return pd.DataFrame(rows, columns=["activity", "status", *[thai.format_month(m) for m in months]])


def _status(act: pd.Series) -> str:
    if bool(act.get("done", False)):
        return "done"
    if bool(act.get("overdue", False)):
        return "overdue"
    if bool(act.get("due", False)) and not bool(act.get("status_known", True)):
        return "no status"  # due, but nothing says whether it is done: not overdue (missing is never performance)
    return "planned"


def gantt_alt(progress: pd.DataFrame, fiscal_year: int, quarter: int) -> str:
    """Alt text of :func:`gantt_chart`: how many activities, and how many done, overdue, without status, planned."""
    counts = pd.Series([_status(act) for _, act in progress.iterrows()], dtype="object").value_counts()
    parts = ", ".join(f"{int(counts.get(k, 0))} {k}" for k in ("done", "overdue", "no status", "planned"))
    return (
        f"Gantt chart of {len(progress)} activities of fiscal year {fiscal_year}, planned months as bars and the "
        f"end of quarter {quarter} as a dashed line; at the quarter's end: {parts}."
    )


def gantt_chart(progress: pd.DataFrame, fiscal_year: int, quarter: int, *, title: str = "", source: str = "") -> Figure:
    """Gantt of planned months (bars), done months (◆) and the quarter's end (dashed line).

    Bar colour shows the status at the quarter's end: green done, red overdue (due, not done),
    blue planned, grey due without any status data (:func:`planlib.plans.progress.status_known`).
    Months are Thai abbreviations with BE years (``ต.ค. 65``).
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    months = chart_months(progress, fy)
    position = {m: i for i, m in enumerate(months)}
    n = max(len(progress), 1)
    title = title or f"แผนและผลกิจกรรม {thai.format_quarter(fy, q)}"
    size = (10, 1.6 + 0.32 * n)
    fig, ax = charts.figure(title, xlabel="เดือน (ปีงบประมาณ พ.ศ.)", ylabel="กิจกรรม", source=source, size=size)
    labels = []
    for y, (_, act) in enumerate(progress.iterrows()):
        colour = COLOURS[_status(act)]
        bars = [(position[m] - 0.45, 0.9) for m in act["planned"] if m in position]
        ax.broken_barh(bars, (y - 0.3, 0.6), facecolors=colour, alpha=0.85)
        if pd.notna(act["done_month"]) and act["done_month"] in position:
            ax.plot(position[act["done_month"]], y, marker="D", color="black", markersize=6, linestyle="none")
        labels.append(activity_label(act, 40))
    end = quarter_months(fy, q)[-1]
    ax.axvline(position[end] + 0.5, color=charts.RAG_COLOURS["red"], linestyle="--", linewidth=1.5)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-0.5, len(months) - 0.5)
    charts.thai_month_ticks(ax, months)
    ax.tick_params(axis="x", labelsize=8, rotation=45)
    ax.grid(axis="y", visible=False)
    shown = {_status(act) for _, act in progress.iterrows()}
    handles = [
        Patch(color=COLOURS["planned"], label="ตามแผน (planned)"),
        Patch(color=COLOURS["done"], label="เสร็จแล้ว (done)"),
        Patch(color=COLOURS["overdue"], label="เลยกำหนด (overdue)"),
        *([Patch(color=COLOURS["no status"], label="ไม่มีข้อมูลสถานะ (no status data)")] if "no status" in shown else []),
        Line2D([], [], marker="D", color="black", linestyle="none", label="เดือนที่เสร็จ (done month)"),
        Line2D([], [], color=charts.RAG_COLOURS["red"], linestyle="--", label=f"สิ้น{thai.format_quarter(fy, q)}"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    return fig
