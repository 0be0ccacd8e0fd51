"""Display-ready tables and charts for the ``loan_statistics`` report.

The numbers come from :mod:`planlib.loans.lending`, :mod:`planlib.loans.portfolio`,
:mod:`planlib.loans.reconcile` and :mod:`planlib.loans.schedule`; this module only picks columns,
gives them Thai/English headers, writes BE years, draws the charts in the house style
(:mod:`planlib.charts`) and words the method appendix (:func:`method_notes`). The notebook calls
these and shows the result, so it holds no arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from planlib import charts
from planlib.inputs import thai
from planlib.inputs.dataset import Portfolio
from planlib.loans import lending, portfolio, reconcile, schedule, synthetic
from planlib.loans.books import LoanBook

SOURCE_SYNTHETIC = "ข้อมูลรายสัญญาเป็นข้อมูลสังเคราะห์ / loan-level data are SYNTHETIC"

WORK_TYPE_TH = {
    "sewing": "ตัดเย็บ",
    "embroidery_knitting_weaving": "งานปัก ถัก ทอ",
    "handmade_crafts": "งานประดิษฐ์",
    "handicrafts": "งานหัตถกรรม",
    "consumer_goods": "อุปโภค/บริโภค",
    "other_goods": "ของใช้อื่น ๆ",
}
"""Published Thai names of the work types (Homeworkers Fund, borrowers by work type, seed 000 L192–197);
an organisation's own ``lending_breakdown`` names come first (:func:`category_names`)."""
BORROWER_TYPE_TH = {"individual": "ราย (บุคคล)", "group": "กลุ่ม"}
"""How the borrower types read in a table: the fund prints counts as ``ราย/กลุ่ม``."""
BUCKET_TH = {
    "current": "ไม่ค้าง",
    "1-30": "1–30 วัน",
    "31-60": "31–60 วัน",
    "61-90": "61–90 วัน",
    "91-180": "91–180 วัน",
    "181-365": "181–365 วัน",
    ">365": "เกิน 365 วัน",
    "closed": "ปิดบัญชี",
    "written_off": "ตัดหนี้สูญ",
}
"""Short Thai names of the ageing buckets (days past due) and the roll-rate exit states."""


def category_names(portfolio_data: Portfolio | None = None) -> dict[str, str]:
    """Code → Thai name of every loan-level category a table shows (work types, borrower types).

    The published names of the organisation's ``lending_breakdown`` (``category`` → ``category_th``,
    every dimension) override :data:`WORK_TYPE_TH`; :data:`BORROWER_TYPE_TH` adds the borrower types.
    """
    names = {**WORK_TYPE_TH, **BORROWER_TYPE_TH}
    breakdown = portfolio_data.tables.get("lending_breakdown") if portfolio_data is not None else None
    if breakdown is not None and {"category", "category_th"} <= set(breakdown.columns):
        given = breakdown.dropna(subset=["category", "category_th"])
        names.update({str(c): str(t) for c, t in zip(given["category"], given["category_th"])})
    return names


def _named(values: pd.Series, names: dict[str, str] | None) -> pd.Series:
    """Codes replaced by their Thai names (a value without one stays as it is)."""
    if not names:
        return values
    return values.map(lambda v: names.get(str(v), v))


def loan_level_is_synthetic(portfolio_data: Portfolio, loan_book: str | Path | None = None) -> bool:
    """Whether the report's loan-level numbers come from synthetic data.

    ``loan_book`` (a Parquet folder) given: it is synthetic when it carries the marker of
    :func:`planlib.loans.synthetic.write_parquet`; else the organisation's own ``loans`` table is
    synthetic when its folder says so (``data/<org>/synthetic/``).
    """
    if loan_book:
        return synthetic.is_synthetic_folder(loan_book)
    return "loans" in portfolio_data.synthetic


def book_source(portfolio_data: Portfolio, loan_book: str | Path | None = None) -> str:
    """The source line under every loan-level table: the Parquet folder's name when a ``loan_book`` is used.

    SYNTHETIC when the loan-level data are (:func:`loan_level_is_synthetic`).
    """
    if loan_level_is_synthetic(portfolio_data, loan_book):
        return f"{SOURCE_SYNTHETIC} ({Path(loan_book).name})" if loan_book else SOURCE_SYNTHETIC
    return f"loans, payments: {Path(loan_book).name}" if loan_book else "loans, payments"


def as_of(fiscal_year: int, quarter: int | None = None) -> pd.Timestamp:
    """The report's as-of date: the end of fiscal ``quarter`` (1 = Oct–Dec), or of the fiscal year."""
    return thai.fiscal_year_end(fiscal_year) if quarter is None else thai.quarter_end(fiscal_year, quarter)


def period_text(fiscal_year: int, quarter: int | None = None) -> str:
    """``ไตรมาส 3/2567 (ณ 30 มิ.ย. 2567)`` or ``ปีงบประมาณ 2567 (ณ 30 ก.ย. 2567)``."""
    date = thai.format_date(as_of(fiscal_year, quarter))
    head = thai.format_quarter(fiscal_year, quarter) if quarter else thai.format_fiscal_year(fiscal_year)
    return f"{head} (ณ / as of {date})"


def _year_label(fy: int, printed: str) -> str:
    return f"{fy} (พิมพ์ / printed {printed})*" if printed else str(fy)


def _fiscal_year_chart(title: str, source: str, size: tuple[float, float] = (8, 4.2)) -> tuple[Figure, Axes]:
    """A chart of amounts in million THB by BE fiscal year (house style, source line)."""
    return charts.figure(title, xlabel="ปีงบประมาณ (พ.ศ.) / fiscal year (BE)", ylabel="ล้านบาท / million THB",
                         source=source, size=size)


def _millions_with_legend(ax: Axes) -> None:
    charts.baht_axis(ax, millions=True)
    ax.legend()


# ---------------------------------------------------------------- published aggregates


def yearly_table(lending_annual: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """The yearly series (one source) with Thai/English headers; corrected year labels marked *."""
    s = lending.yearly(lending_annual, source)
    return pd.DataFrame({
        "ปีงบประมาณ / FY": [_year_label(fy, p) for fy, p in zip(s["fiscal_year"], s["year_printed"])],
        "เป้าหมาย (ราย/กลุ่ม) / target count": s["target_count"],
        "กรอบวงเงิน (บาท) / credit line": s["target_amount"],
        "ผล (ราย/กลุ่ม) / loans": s["actual_count"],
        "ราย / individuals": s["actual_individuals"],
        "กลุ่ม / groups": s["actual_groups"],
        "ผลการปล่อยกู้ (บาท) / lent": s["actual_amount"],
        "ร้อยละปล่อยกู้ / disbursed %": s["disbursement_rate"],
        "ร้อยละราย/กลุ่ม / count %": s["count_achievement"],
        "เฉลี่ยต่อสัญญา (บาท) / average loan": s["average_loan"],
        "สัดส่วนกลุ่ม % / group share": s["group_share"],
        "เปลี่ยนแปลงวงเงิน % / amount YoY": s["amount_yoy"],
    })


def yearly_chart(lending_annual: pd.DataFrame, source: str | None = None) -> Figure:
    """Bars of credit line and amount lent per BE fiscal year; corrected years marked * on the axis."""
    s = lending.yearly(lending_annual, source)
    shown = s["source"].iloc[0] if len(s) else ""
    fig, ax = _fiscal_year_chart("กรอบวงเงินและผลการปล่อยกู้รายปี / Credit line and lending by fiscal year",
                                 f"lending_annual ({shown}); * ปีที่แก้ไขป้ายปี / corrected year label", size=(9, 4.2))
    x = np.arange(len(s))
    ax.bar(x - 0.2, s["target_amount"].fillna(0), width=0.4, label="กรอบวงเงิน / credit line", color=charts.PALETTE[5])
    ax.bar(x + 0.2, s["actual_amount"].fillna(0), width=0.4, label="ผลการปล่อยกู้ / lent", color=charts.PALETTE[0])
    labels = [f"{fy}*" if corrected else str(fy) for fy, corrected in zip(s["fiscal_year"], s["year_corrected"])]
    ax.set_xticks(x, labels, rotation=60)
    ax.set_ylim(bottom=0)
    _millions_with_legend(ax)
    return fig


def yearly_alt(lending_annual: pd.DataFrame, source: str | None = None) -> str:
    """Alt text of :func:`yearly_chart`: what it shows, the years, and the latest year's two amounts."""
    s = lending.yearly(lending_annual, source)
    if s.empty:
        return "แผนภูมิแท่ง: ไม่มีข้อมูลรายปี / bar chart: no yearly figures"
    last = s.iloc[-1]
    lent, line = _millions(last["actual_amount"]), _millions(last["target_amount"])
    first_fy, last_fy = int(s["fiscal_year"].iloc[0]), int(last["fiscal_year"])
    return (f"แผนภูมิแท่งกรอบวงเงินและผลการปล่อยกู้ ปีงบประมาณ {first_fy}–{last_fy} ({last['source']}); "
            f"ปี {last_fy} ปล่อยกู้ {lent} จากกรอบ {line} ล้านบาท / bar chart of the credit line and the amount "
            f"lent, FY{first_fy}–{last_fy}; FY{last_fy}: {lent} of a {line} million THB credit line")


def _millions(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value) / 1e6:,.2f}"  # type: ignore[arg-type]


def plan_vs_actual_table(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Disbursement rate of every source and year, with the printed % beside the recomputed one."""
    d = lending.disbursement(lending_annual)
    return pd.DataFrame({
        "ปีงบประมาณ / FY": d["fiscal_year"].astype(str),
        "แหล่ง / source": d["source"],
        "แผน (บาท) / plan": d["target_amount"],
        "ผล (บาท) / actual": d["actual_amount"],
        "ร้อยละที่คำนวณ / computed %": d["disbursement_rate"],
        "ร้อยละที่พิมพ์ / printed %": d["disbursement_pct_printed"],
        "ตรงกัน / matches": d["matches_printed"],
        "ร้อยละราย/กลุ่ม / count %": d["count_achievement"],
    })


def conflicts_table(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Figures several sources print for one year, side by side (disagreements only)."""
    c = lending.conflicts(lending_annual)
    c = c[~c["agree"]].drop(columns="agree")
    c["fiscal_year"] = c["fiscal_year"].astype(str)
    return c.rename(columns={"fiscal_year": "ปีงบประมาณ / FY", "measure": "รายการ / measure"})


_MEASURE_TH = {
    "litigation": "ดำเนินคดี / litigation",
    "arrears": "ค้างชำระ / arrears",
    "outstanding": "ลูกหนี้คงเหลือ / outstanding",
}
_SAME_AS_BEFORE = "ตัวเลขซ้ำกับปีก่อน / same figure as the year before"
_FROM_PARTS = "จำนวนจากผลรวม ราย+กลุ่ม / count = individuals + groups"


def stocks_table(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Litigation, arrears and outstanding stocks with their own as-of dates and what kind of date it is."""
    s = lending.stocks(lending_annual)
    flags = []
    for kind, same, parts in zip(s["as_of_kind"], s["same_as_previous"], s["count_from_parts"]):
        texts = [lending.AS_OF_TEXT[kind] if kind != "year_end" else "", _SAME_AS_BEFORE if same else "",
                 _FROM_PARTS if parts else ""]
        flags.append("; ".join(t for t in texts if t))
    return pd.DataFrame({
        "ปีงบประมาณ / FY": s["fiscal_year"].astype(str),
        "แหล่ง / source": s["source"],
        "รายการ / stock": s["measure"].map(_MEASURE_TH),
        "จำนวน / count": s["count"],
        "จำนวนเงิน (บาท) / amount": s["amount"],
        "ณ วันที่ / as of": [_date_or_dash(d) for d in s["as_of"]],
        "หมายเหตุ / note": flags,
    })


def _date_or_dash(date: pd.Timestamp) -> str:
    return thai.format_date(date) if pd.notna(date) else "–"


def stocks_chart(lending_annual: pd.DataFrame) -> Figure:
    """Litigation and arrears amounts by fiscal year; hollow markers where the stock is not at the year end."""
    s = lending.stocks(lending_annual)
    fig, ax = _fiscal_year_chart("ลูกหนี้ดำเนินคดีและค้างชำระ / Litigation and arrears",
                                 "lending_annual; จุดกลวง = ไม่ใช่ยอด ณ สิ้นปีงบประมาณ / hollow = not a year-end figure")
    for colour, measure in zip((charts.PALETTE[3], charts.PALETTE[1]), ("litigation", "arrears")):
        part = s[(s["measure"] == measure) & s["amount"].notna()]
        if part.empty:
            continue
        ax.plot(part["fiscal_year"], part["amount"], color=colour, label=_MEASURE_TH[measure])
        year_end = part["as_of_kind"] == "year_end"
        ax.scatter(part.loc[year_end, "fiscal_year"], part.loc[year_end, "amount"], color=colour)
        other = part[~year_end]
        ax.scatter(other["fiscal_year"], other["amount"], facecolors="white", edgecolors=colour, zorder=3)
        for _, rec in other.iterrows():
            ax.annotate(f"ณ {thai.format_date(rec['as_of'])}", (rec["fiscal_year"], rec["amount"]), fontsize=7,
                        textcoords="offset points", xytext=(4, 6))
    years = sorted(s["fiscal_year"].unique())
    if years:
        charts.be_year_ticks(ax, years)
    ax.set_ylim(bottom=0)
    _millions_with_legend(ax)
    return fig


def stocks_alt(lending_annual: pd.DataFrame) -> str:
    """Alt text of :func:`stocks_chart`: the two series, their years and the latest amounts with their dates."""
    s = lending.stocks(lending_annual)
    parts_th, parts_en = [], []
    for measure, th in (("litigation", "ดำเนินคดี"), ("arrears", "ค้างชำระ")):
        part = s[(s["measure"] == measure) & s["amount"].notna()]
        if part.empty:
            continue
        last = part.iloc[-1]
        date = _date_or_dash(last["as_of"])
        parts_th.append(f"{th} {_millions(last['amount'])} ล้านบาท ณ {date}")
        parts_en.append(f"{measure} {_millions(last['amount'])} million THB as of {date}")
    years = sorted(int(y) for y in s["fiscal_year"].unique())
    span = f"{years[0]}–{years[-1]}" if years else "–"
    return (f"แผนภูมิเส้นลูกหนี้ดำเนินคดีและค้างชำระ ปีงบประมาณ {span}; ล่าสุด: {', '.join(parts_th) or '–'} / "
            f"line chart of litigation and arrears amounts, FY{span}; latest: {', '.join(parts_en) or '–'}")


def shares_table(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Arrears and litigation as % of the outstanding balance, both dates shown."""
    s = lending.stock_shares(lending_annual)
    return pd.DataFrame({
        "ปีงบประมาณ / FY": s["fiscal_year"].astype(str),
        "รายการ / stock": s["measure"].map(_MEASURE_TH),
        "จำนวนเงิน (บาท) / amount": s["amount"],
        "ณ / as of": [thai.format_date(d) for d in s["as_of"]],
        "ลูกหนี้คงเหลือ (บาท) / outstanding": s["outstanding"],
        "ณ / as of ": [thai.format_date(d) for d in s["outstanding_as_of"]],
        "ร้อยละของยอดคงเหลือ / % of outstanding": s["share"],
        "ร้อยละของจำนวนราย / % of debtors": s["count_share"],
        "หมายเหตุ / note": s["note"],
    })


def capital_table(lending_annual: pd.DataFrame, capital_history: pd.DataFrame | None) -> pd.DataFrame:
    """Capital utilisation per fiscal year (credit line and lending as % of capital in force)."""
    c = lending.capital_utilisation(lending_annual, capital_history)
    return pd.DataFrame({
        "ปีงบประมาณ / FY": c["fiscal_year"].astype(str),
        "ทุน (บาท) / capital": c["capital"],
        "กรอบวงเงิน % ของทุน / credit line % capital": c["credit_line_share"],
        "ปล่อยกู้ % ของทุน / lent % capital": c["lending_share"],
        "ปล่อยกู้สะสม (บาท) / cumulative lent": c["cumulative_lending"],
    })


def breakdown_table(lending_breakdown: pd.DataFrame, fiscal_year: int, dimension: str) -> pd.DataFrame:
    """A year's published loans by size band or work type (``lending_breakdown``).

    A count the source does not print stays empty ("–"), never 0; a column the source prints for
    no category (amounts per band) is left out by the table display.
    """
    year = (lending_breakdown["fiscal_year"] == fiscal_year) & (lending_breakdown["dimension"] == dimension)
    b = lending_breakdown[year]
    return pd.DataFrame({
        "กลุ่ม / category": b["category_th"].fillna(b["category"]) if "category_th" in b else b["category"],
        "ราย / individuals": pd.to_numeric(b["individuals"], errors="coerce").astype("Int64"),
        "กลุ่ม / groups": pd.to_numeric(b["groups"], errors="coerce").astype("Int64"),
        "วงเงิน (บาท) / amount": b["amount"],
    })


def originations_table(book: LoanBook, portfolio_data: Portfolio, fiscal_year: int, dimension: str) -> pd.DataFrame:
    """The loan book's contracts of ``fiscal_year`` by size band (the published bands when given) or work type."""
    breakdown = portfolio_data.tables.get("lending_breakdown")
    bands = breakdown[breakdown["dimension"] == "size_band"] if breakdown is not None else None
    published = bands if bands is not None and len(bands) else None
    table = portfolio.originations(book.loans, fiscal_year, dimension, published)
    table[dimension] = _named(table[dimension], category_names(portfolio_data))
    headers = {dimension: "กลุ่ม / category", "individuals": "ราย / individuals", "groups": "กลุ่ม / groups",
               "amount": "วงเงิน (บาท) / amount"}
    return table.rename(columns=headers)


# ---------------------------------------------------------------- loan-level quality


_GROUP_HEAD = "กลุ่ม / group"
_RATIOS = ("par30", "par90", "npl_ratio", "arrears_rate")
_CLASS_COLOURS = dict(zip(portfolio.THAI_CLASSES, (*(charts.PALETTE[i] for i in (2, 6, 1, 3)), "#7b1e1e")))
"""Chart colour of each Thai loan class, pass (green) to doubtful of loss (dark red)."""


def quality_table(snap: pd.DataFrame, by: str | None = None, names: dict[str, str] | None = None) -> pd.DataFrame:
    """PAR30, PAR90, NPL and arrears rate (%) for the book and each ``by`` group (codes → ``names``)."""
    q = portfolio.quality(snap, by)
    return pd.DataFrame({
        _GROUP_HEAD: _named(q["group"], names),
        "สัญญา / loans": q["loans"],
        "คงเหลือ (บาท) / outstanding": q["outstanding"],
        "PAR30 %": 100 * q["par30"],
        "PAR90 %": 100 * q["par90"],
        "NPL %": 100 * q["npl_ratio"],
        "ค้างชำระ % / arrears rate": 100 * q["arrears_rate"],
        "ดำเนินคดี (สัญญา) / litigation": q["litigation_loans"],
    })


def ageing_table(snap: pd.DataFrame) -> pd.DataFrame:
    """Outstanding by days-past-due bucket with the Thai loan class."""
    a = portfolio.ageing(snap)
    return pd.DataFrame({
        "ค้างชำระ / days past due": _named(a["bucket"], BUCKET_TH),
        "ชั้นหนี้ / loan class": a["thai_class"],
        "สัญญา / loans": a["loans"],
        "คงเหลือ (บาท) / outstanding": a["outstanding"],
        "สัดส่วน % / share": 100 * a["share"],
    })


def ageing_chart(snap: pd.DataFrame, source: str = "") -> Figure:
    """Outstanding by ageing bucket, coloured by Thai loan class."""
    a = portfolio.ageing(snap)
    fig, ax = charts.figure("ยอดคงเหลือตามอายุหนี้ค้างชำระ / Outstanding by days past due",
                            xlabel="ค้างชำระ / days past due", ylabel="บาท / THB", source=source)
    ax.bar(_named(a["bucket"], BUCKET_TH), a["outstanding"], color=[_CLASS_COLOURS[c] for c in a["thai_class"]])
    for x, (value, cls) in enumerate(zip(a["outstanding"], a["thai_class"])):
        ax.annotate(cls, (x, value), ha="center", fontsize=7, textcoords="offset points", xytext=(0, 3))
    ax.set_ylim(bottom=0)
    charts.baht_axis(ax)
    return fig


def ageing_alt(snap: pd.DataFrame) -> str:
    """Alt text of :func:`ageing_chart`: the share of the balance not overdue and the share over 90 days."""
    a = portfolio.ageing(snap)
    total = float(a["outstanding"].sum())
    if total <= 0:
        return "แผนภูมิแท่งยอดคงเหลือตามอายุหนี้: ไม่มียอดคงเหลือ / bar chart of outstanding by days past due: none"
    over_npl = list(portfolio.BUCKETS[portfolio.BUCKETS.index("91-180"):])  # past NPL_DAYS (90)
    current = 100 * float(a.loc[a["bucket"] == "current", "share"].sum())
    over_90 = 100 * float(a.loc[a["bucket"].isin(over_npl), "share"].sum())
    buckets = len(portfolio.BUCKETS)
    return (f"แผนภูมิแท่งยอดคงเหลือ {total:,.2f} บาท ตามอายุหนี้ค้างชำระ {buckets} ช่วง สีตามชั้นหนี้: ไม่ค้าง {current:.2f} %, "
            f"ค้างเกิน 90 วัน {over_90:.2f} % / bar chart of the {total:,.2f} THB outstanding by days past due, "
            f"coloured by Thai loan class: {current:.2f} % not overdue, {over_90:.2f} % over 90 days")


_DIMENSION_TH = {"work_type": "ประเภทงาน / work type", "province": "จังหวัด / province",
                 "borrower_type": "ประเภทผู้กู้ / borrower type"}


def concentration_table(snap: pd.DataFrame, top: int = 3, names: dict[str, str] | None = None) -> pd.DataFrame:
    """HHI, normalised HHI and top-n share by work type and province (largest category's code → ``names``)."""
    frames = [portfolio.concentration(snap, by, top) for by in portfolio.CONCENTRATION]
    c = pd.concat(frames, ignore_index=True)
    c["largest"] = _named(c["largest"], names)
    return pd.DataFrame({
        "มิติ / dimension": _named(c["dimension"], _DIMENSION_TH),
        "จำนวนกลุ่ม / categories": c["categories"],
        "HHI": c["hhi"],
        "HHI ปรับมาตรฐาน / normalised": c["hhi_normalised"],
        f"สัดส่วน {top} อันดับแรก % / top-{top} share": 100 * c["top_n_share"],
        "มากที่สุด / largest": c["largest"],
        "สัดส่วนสูงสุด % / largest share": 100 * c["largest_share"],
    })


def collection_table(book: LoanBook, fiscal_year: int) -> pd.DataFrame:
    """On-time and overall collection rates per fiscal quarter (%), then the fiscal year's row.

    The year row is :func:`planlib.loans.portfolio.collection_total` (amounts pooled over the quarters,
    not an average of their rates): the collection rate on page 1 (:mod:`planlib.loans.key_figures`).
    """
    c = book.collection_rates(fiscal_year)
    total = portfolio.collection_total(c)
    quarters = [thai.format_quarter(fiscal_year, int(q)) for q in c["quarter"]]
    return pd.DataFrame({
        "ไตรมาส / quarter": [*quarters, f"{thai.format_fiscal_year(fiscal_year)} ทั้งปี / year"],
        "ถึงกำหนด (บาท) / due": [*c["due"], total["due"]],
        "ชำระตรงเวลา (บาท) / paid on time": [*c["on_time"], total["on_time"]],
        "รับชำระทั้งหมด (บาท) / collected": [*c["collected"], total["collected"]],
        "ตรงเวลา % / on-time rate": [*(100 * c["on_time_rate"]), 100 * total["on_time_rate"]],
        "รวม % / overall rate": [*(100 * c["overall_rate"]), 100 * total["overall_rate"]],
    })


def vintage_chart(book: LoanBook, when: pd.Timestamp, max_mob: int = 60, source: str = "") -> Figure:
    """Heatmap of the vintage triangle: cohort (BE fiscal year) × months on book, % ever > 90 days past due."""
    v = book.vintage(when, max_mob=max_mob)
    fig, ax = charts.figure("เส้นวินเทจ: ร้อยละของวงเงินที่เคยค้างเกิน 90 วัน / Vintage: % of amount ever > 90 days past due",
                            xlabel="จำนวนเดือนนับจากทำสัญญา / months on book",
                            ylabel="ปีงบประมาณที่ทำสัญญา (พ.ศ.) / cohort (BE)", source=source, size=(9, 5))
    if v.empty:
        return fig
    # cells not observed yet (NaN) are transparent over a hatched grey ground, so they never read as 0 %
    ax.add_patch(Rectangle((-0.5, -0.5), v.shape[1], len(v.index), facecolor=NOT_OBSERVED_FILL, edgecolor="#9e9e9e",
                           hatch="///", linewidth=0, zorder=0))
    image = ax.imshow(100 * v.to_numpy(dtype=float), aspect="auto", cmap="OrRd", vmin=0, interpolation="nearest",
                      zorder=1)
    ax.set_yticks(range(len(v.index)), [str(c) for c in v.index])
    step = 6 if v.shape[1] > 24 else 1
    ax.set_xticks(range(0, v.shape[1], step), [str(m) for m in v.columns[::step]])
    ax.grid(False)
    fig.colorbar(image, ax=ax, label="ร้อยละ / %")
    ax.legend(handles=[Patch(facecolor=NOT_OBSERVED_FILL, edgecolor="#9e9e9e", hatch="///", label=NOT_OBSERVED)],
              loc="lower right", fontsize=8, framealpha=1.0)  # over the young cohorts' unobserved corner
    return fig


NOT_OBSERVED = "ยังไม่มีข้อมูล (สัญญายังไม่ถึงเดือนนั้น) / not observed yet"
NOT_OBSERVED_FILL = "#e6e6e6"
"""Legend text and ground colour of the vintage cells without observations (hatched, unlike a 0 % cell)."""


def vintage_alt(book: LoanBook, when: pd.Timestamp, max_mob: int = 60) -> str:
    """Alt text of :func:`vintage_chart`: cohorts, months on book, and the worst cohort at its last observed month."""
    v = book.vintage(when, max_mob=max_mob)
    if v.empty:
        return "แผนภูมิวินเทจ: ไม่มีสัญญา / vintage heatmap: no loans"
    last = v.ffill(axis=1).iloc[:, -1]
    worst = last.idxmax()
    return (f"แผนภูมิความร้อนวินเทจ ปีที่ทำสัญญา {v.index.min()}–{v.index.max()} × เดือนนับจากทำสัญญา 0–{v.shape[1] - 1}: "
            f"ร้อยละของวงเงินที่เคยค้างเกิน 90 วัน สูงสุดในรุ่นปี {worst} ({100 * float(last[worst]):.2f} %); "
            f"ช่องลายเส้นสีเทา = ยังไม่มีข้อมูล / vintage heatmap, cohorts FY{v.index.min()}–{v.index.max()} by months "
            f"on book: % of amount ever over 90 days past due, highest for cohort {worst} "
            f"({100 * float(last[worst]):.2f} %); hatched grey cells are not observed yet")


ROLL_BALANCE = "ยอดเฉลี่ยต้นเดือน (บาท) / average month-start balance"
ROLL_MOVES = "สัญญา×เดือน / loan-months"


def roll_rate_table(book: LoanBook, when: pd.Timestamp, months: int = 12) -> pd.DataFrame:
    """Roll-rate matrix (% of balance) pooled over the last ``months`` month-to-month moves.

    Beside the rates: the average balance a bucket held at a month's start, Σ start balances ÷
    ``months`` (:func:`planlib.loans.portfolio.roll_rates` pools ``months`` transitions, so its
    ``balance`` is a sum of ``months`` month-ends; the average is on the scale of the book), and the
    loan-months observed (one loan in the bucket at one month's start = 1).
    """
    m = book.roll_rates(when, months=months)
    shown = 100 * m[[c for c in m.columns if c not in ("balance", "loans")]]
    shown.columns = [f"→ {BUCKET_TH.get(c, c)}" for c in shown.columns]
    shown.insert(0, "จาก / from", _named(pd.Series(m.index, index=m.index), BUCKET_TH).to_numpy())
    shown[ROLL_BALANCE] = (m["balance"] / months).round(2).to_numpy()
    shown[ROLL_MOVES] = m["loans"].to_numpy()
    return shown.reset_index(drop=True)


def reconciliation_tables(lending_annual: pd.DataFrame, book: LoanBook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary per measure, every difference) of the loan book against the published figures."""
    table = reconcile.reconcile(lending_annual, book)  # once: every stock date is a pass over the book
    summary = reconcile.summary(lending_annual, book, table=table)
    diff = reconcile.differences(lending_annual, book, table=table)
    counts = ~diff["measure"].astype("str").str.endswith("_amount")
    diff = pd.DataFrame({
        "ปีงบประมาณ / FY": diff["fiscal_year"].astype(str),
        "แหล่ง / source": diff["source"],
        "รายการ / measure": _named(diff["measure"], MEASURE_TH),
        "ณ / as of": [_date_or_dash(d) for d in diff["as_of"]],
        "เผยแพร่ / published": _counts_whole(diff["published"], counts),
        "จากรายสัญญา / loan level": _counts_whole(diff["loan_level"], counts),
        "ผลต่าง / difference": _counts_whole(diff["difference"], counts),
    })
    headers = {"measure": "รายการ / measure", "compared": "เทียบ / compared", "match": "ตรง / match",
               "differ": "ต่าง / differ"}
    summary = summary.assign(measure=_named(summary["measure"], MEASURE_TH))
    return summary.rename(columns=headers), diff


MEASURE_TH = {
    "target_count": "เป้าหมาย (ราย/กลุ่ม)",
    "target_amount": "กรอบวงเงิน (บาท)",
    "actual_count": "ปล่อยกู้ (ราย/กลุ่ม)",
    "actual_individuals": "ปล่อยกู้ (ราย)",
    "actual_groups": "ปล่อยกู้ (กลุ่ม)",
    "actual_amount": "ปล่อยกู้ (บาท)",
    "litigation_count": "ดำเนินคดี (ราย/กลุ่ม)",
    "litigation_amount": "ดำเนินคดี (บาท)",
    "arrears_count": "ค้างชำระ (ราย/กลุ่ม)",
    "arrears_individuals": "ค้างชำระ (ราย)",
    "arrears_groups": "ค้างชำระ (กลุ่ม)",
    "arrears_amount": "ค้างชำระ (บาท)",
    "outstanding_count": "ลูกหนี้คงเหลือ (ราย/กลุ่ม)",
    "outstanding_amount": "ลูกหนี้คงเหลือ (บาท)",
}
"""Short Thai names of the published measures (``lending_annual`` columns) in the reconciliation tables."""


def _counts_whole(values: pd.Series, is_count: pd.Series) -> pd.Series:
    """A column mixing counts and amounts: counts as ints (print as 55, not 55.00), amounts as floats."""
    return pd.Series([None if pd.isna(v) else round(float(v)) if c else float(v)
                      for v, c in zip(values, is_count)], index=values.index, dtype="object")


def relief_table(book: LoanBook, relief_rounds: pd.DataFrame | None) -> pd.DataFrame:
    """What-if: interest each relief round gave up against the normal rate (on-time borrowers get the extension)."""
    if relief_rounds is None or relief_rounds.empty or "relief_fiscal_year" not in book.loans:
        return pd.DataFrame()
    on_time = book.loans["loan_id"].map(book.relief_on_time()).fillna(False).astype(bool)
    c = schedule.cohort_interest_forgone(book.loans, relief_rounds, on_time=on_time, method=book.method)
    return pd.DataFrame({
        "มาตรการปี / round FY": c["fiscal_year"].astype(str),
        "สัญญา / loans": c["loans"],
        "วงเงิน (บาท) / principal": c["principal"],
        "ดอกเบี้ยปกติ (บาท) / normal interest": c["interest_normal"],
        "ดอกเบี้ยตามมาตรการ (บาท) / relief interest": c["interest_relief"],
        "ดอกเบี้ยที่ยกเว้น (บาท) / interest forgone": c["interest_forgone"],
    })


# ---------------------------------------------------------------- the method appendix


METHOD_TITLE = "ภาคผนวก: วิธีคำนวณ / Appendix: method"
RECONCILIATION_TITLE = "ภาคผนวก: กระทบยอดกับตัวเลขที่เผยแพร่ / Appendix: reconciliation with the published figures"
TABLES_READ = ("plan", "lending_annual", "lending_breakdown", "capital_history", "relief_rounds", "loans", "payments")
"""The tables the ``loan_statistics`` report reads: its data-quality appendix lists only their problems."""
ABOUT_TEXT = (
    "ขอบเขต: ตัวเลขที่กองทุนเผยแพร่ (ผลการปล่อยกู้รายปี แผนเทียบผล ลูกหนี้ค้างชำระและดำเนินคดี) คำนวณซ้ำและเทียบแหล่งที่ขัดกัน "
    "และเมื่อมีข้อมูลรายสัญญา: อายุหนี้ ชั้นหนี้ PAR NPL อัตราการรับชำระ วินเทจ อัตราการเลื่อนชั้นหนี้ และการกระทบยอดกับตัวเลขที่เผยแพร่ "
    "นิยามตาม CGAP/SEEP (planlib.loans.portfolio) / Scope: published lending figures recomputed, with conflicting "
    "sources side by side; and, where a loan book exists, ageing, Thai loan classes, PAR, NPL, collection rates, "
    "vintages, roll rates and reconciliation with the published figures. Definitions: CGAP/SEEP "
    "(planlib.loans.portfolio)."
)
"""What the report covers and where its definitions come from (first paragraph of the method appendix)."""

SCHEDULE_METHOD_TEXT = {
    "annuity": "งวดผ่อนเท่ากัน (เงินต้นบวกดอกเบี้ยคงที่ คำนวณใหม่เมื่ออัตราดอกเบี้ยเปลี่ยนหรือพ้นช่วงพักชำระเงินต้น) / "
    "level (annuity) instalments, recomputed when the rate changes or the grace period ends",
    "equal_principal": "เงินต้นเท่ากันทุกงวด ดอกเบี้ยคิดจากยอดคงเหลือ / equal principal, interest on the declining balance",
}
"""How each schedule method of :mod:`planlib.loans.schedule` reads in the report."""

EQUAL_PRINCIPAL_CONVENTION = (
    "เงินต้นเท่ากัน: เงินต้นของแต่ละงวด = ยอดคงเหลือก่อนงวดนั้น ÷ จำนวนงวดที่เหลือ ปัดเศษครึ่งสตางค์ขึ้นทุกงวด "
    "เงินกู้ 10,000 บาท 12 งวด จึงชำระเงินต้น 833.33 และ 833.34 บาทสลับกัน ตำราหลายเล่มใช้ B ÷ n คงที่ "
    "แล้วให้งวดสุดท้ายรับเศษที่เหลือ (833.33 บาท 11 งวด และ 833.37 บาท) ยอดรายงวดจึงอาจต่างกัน 1 สตางค์ / "
    "Equal principal: each instalment repays the balance before it ÷ the instalments left, rounded half-up to the "
    "satang every month, so 10,000 baht over 12 instalments repays 833.33 and 833.34 in turn. Textbooks often fix "
    "B ÷ n once and let the last instalment absorb the rest (833.33 × 11, then 833.37): single instalments can differ "
    "by a satang."
)
"""The equal-principal rounding convention (:mod:`planlib.loans.schedule`), stated for analysts who compare."""

ROUNDING_TEXT = (
    "จำนวนเงินทุกรายการคำนวณเป็นสตางค์เต็ม ปัดเศษครึ่งสตางค์ขึ้น (ดอกเบี้ยรายงวด เงินต้น ดอกเบี้ยผิดนัด) "
    "งวดสุดท้ายชำระเงินต้นที่เหลือทั้งหมด / Every amount is in whole satang, halves rounded up (interest, principal, "
    "default interest); the last instalment repays whatever principal is left."
)


def method_notes(method: str | None = schedule.DEFAULT_METHOD) -> list[str]:
    """The paragraphs of the report's method appendix (Thai / English): schedules, rounding, the equal-principal rule.

    ``method``: the schedule method of the book shown (None when there is no loan-level data;
    the conventions are stated anyway, since published figures are compared with them).
    """
    notes = []
    if method is not None:
        notes.append(f"ตารางผ่อนชำระ / repayment schedules: {SCHEDULE_METHOD_TEXT.get(method, method)}; "
                     "แหล่งข้อมูลไม่ระบุวิธีของกองทุน / the source does not state the fund's method.")
    return [*notes, EQUAL_PRINCIPAL_CONVENTION, ROUNDING_TEXT]
