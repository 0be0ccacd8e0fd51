"""Page 1 of the ``loan_statistics`` report: six key figures and a verdict generated from them.

Every number comes from the functions the report's tables use, at the report's as-of date
(:func:`planlib.loans.loan_report.as_of`: the end of the fiscal year, or of the quarter):

* **outstanding**, **PAR30**, **NPL** and **litigation** (loans in litigation, in the portfolio) from
  :func:`planlib.loans.portfolio.quality` of the loan book's snapshot (the report's "portfolio quality"
  table); without a loan book, outstanding and litigation fall back to the published stocks of the
  fiscal year (:func:`planlib.loans.lending.stocks`, each at its own date) and PAR30 / NPL have no data;
* **collection rate** (on time) = Σ paid by the due date ÷ Σ falling due, over the fiscal year's
  quarters (or the report's quarter) of :meth:`planlib.loans.portfolio.Book.collection_rates`, pooled by
  :func:`planlib.loans.portfolio.collection_total` (the year row of the report's collection table;
  CGAP Occasional Paper 3);
* **disbursement against the credit line** = the fiscal year's disbursement rate of the main published
  source (:func:`planlib.loans.lending.yearly`, actual ÷ credit line × 100; Table 2-1 for the Homeworkers Fund).

The change is against the previous period: the previous fiscal year's end (or the previous quarter's
end, Q4 of the year before for Q1) for stocks and rates, the previous fiscal year for the published
disbursement rate. Verdict rules are in :func:`loan_verdict`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planlib.inputs.dataset import Portfolio
from planlib.inputs.key_figure import (
    Change,
    KeyFigure,
    Pair,
    absent,
    date_text,
    figure,
    find,
    fiscal_year_text,
    quarter_text,
    verdict_text,
)
from planlib.loans import books, lending, loan_report
from planlib.loans import portfolio as loanbook

SYNTHETIC = ("ข้อมูลรายสัญญาเป็นข้อมูลสังเคราะห์", "loan-level data are synthetic")
NO_BOOK = ("ไม่มีข้อมูลรายสัญญา (loans, payments)", "no loan-level data (loans, payments)")
NO_ANNUAL = ("ไม่มีตัวเลขที่เผยแพร่ (lending_annual)", "no published figures (lending_annual)")

LABELS: dict[str, Pair] = {
    "outstanding": ("ลูกหนี้คงเหลือ", "outstanding"),
    "par30": ("PAR30", "PAR30"),
    "npl": ("NPL", "NPL"),
    "collection": ("รับชำระตรงเวลา", "collected on time"),
    "disbursement": ("ปล่อยกู้เทียบกรอบวงเงิน", "lent against the credit line"),
    "litigation": ("ดำเนินคดี", "in litigation"),
}
"""The six figures by key, in page order."""


def previous_period(fiscal_year: int, quarter: int | None = None) -> tuple[int, int | None]:
    """The period before (fiscal year, quarter): the previous quarter (Q4 of the year before for Q1), or year."""
    if quarter is None:
        return fiscal_year - 1, None
    return (fiscal_year, quarter - 1) if quarter > 1 else (fiscal_year - 1, 4)


def _quality(book: books.LoanBook, when: pd.Timestamp) -> pd.Series | None:
    """The whole book's row of :func:`planlib.loans.portfolio.quality` at ``when``; None when nothing is outstanding."""
    row = loanbook.quality(book.snapshot(when)).iloc[0]
    return row if row["outstanding"] > 0 else None


def _on_time(book: books.LoanBook, fiscal_year: int, quarter: int | None) -> tuple[float | None, float | None]:
    """(on-time %, overall %) of a fiscal year (Σ over its quarters) or of one quarter; None when nothing fell due."""
    table = book.collection_rates(fiscal_year)
    if quarter is not None:
        table = table[table["quarter"] == quarter]
    total = loanbook.collection_total(table)
    if not total["due"] > 0:
        return None, None
    return 100 * float(total["on_time_rate"]), 100 * float(total["overall_rate"])


def _published(lending_annual: pd.DataFrame | None, measure: str, fiscal_year: int) -> pd.Series | None:
    """The published stock of ``measure`` for the fiscal year (the latest-dated one when sources differ), or None."""
    if lending_annual is None or lending_annual.empty:
        return None
    stocks = lending.stocks(lending_annual)
    mine = stocks[(stocks["measure"] == measure) & (stocks["fiscal_year"] == fiscal_year)]
    if mine.empty:
        return None
    return mine.sort_values("as_of", kind="stable").iloc[-1]


def loan_key_figures(
    portfolio: Portfolio,
    fy: int,
    quarter: int | None = None,
    as_of: str | pd.Timestamp | None = None,
    *,
    book: books.LoanBook | None = None,
    loan_book: str | Path | None = None,
) -> list[KeyFigure]:
    """Outstanding, PAR30, NPL, on-time collection rate, disbursement against the credit line, litigation.

    ``as_of`` defaults to the report's date (:func:`planlib.loans.loan_report.as_of` of ``fy`` and
    ``quarter``); ``book`` is the loan book the report opened (else it is opened here as the report
    does, from ``loan_book`` or the portfolio's own loans). Definitions and sources in the module
    docstring. Keys: outstanding, par30, npl, collection, disbursement, litigation.
    """
    when = pd.Timestamp(as_of) if as_of is not None else loan_report.as_of(fy, quarter)
    if book is None:
        book = books.open_book(loan_book or portfolio, relief_rounds=portfolio.tables.get("relief_rounds"))
    annual = portfolio.tables.get("lending_annual")
    if book is None:
        return [
            _published_stock(annual, "outstanding", fy, "บาท"),
            *(absent(key, LABELS[key], "%", date_text(when), "no data", NO_BOOK) for key in ("par30", "npl")),
            absent("collection", LABELS["collection"], "%", _period(fy, quarter), "no data", NO_BOOK),
            _disbursement(annual, fy),
            _published_stock(annual, "litigation", fy, "สัญญา"),
        ]
    synthetic = loan_report.loan_level_is_synthetic(portfolio, loan_book)
    mark = {"illustrative": synthetic}
    note = SYNTHETIC if synthetic else ("", "")
    prev_fy, prev_q = previous_period(fy, quarter)
    prev_when = loan_report.as_of(prev_fy, prev_q)
    before_period = tuple(text.removeprefix("ณ ").removeprefix("as of ") for text in date_text(prev_when))
    now, before = _quality(book, when), _quality(book, prev_when)

    def stock(key: str, column: str, unit: str, scale: float, better: bool | None) -> KeyFigure:
        """A figure of the snapshot's quality row, against the previous period's snapshot."""
        value = None if now is None else scale * float(now[column])
        change = None if before is None else Change(scale * float(before[column]), *before_period)
        status = None if value is not None else "no data"
        return figure(
            key,
            LABELS[key],
            value,
            unit,
            date_text(when),
            note,
            change=change,
            status=status,
            higher_is_better=better,
            **mark,
        )

    return [
        stock("outstanding", "outstanding", "บาท", 1.0, None),
        stock("par30", "par30", "%", 100.0, False),
        stock("npl", "npl_ratio", "%", 100.0, False),
        _collection(book, fy, quarter, synthetic),
        _disbursement(annual, fy),
        stock("litigation", "litigation_loans", "สัญญา", 1.0, False),
    ]


def _period(fy: int, quarter: int | None) -> Pair:
    return quarter_text(fy, quarter) if quarter else fiscal_year_text(fy)


def _published_stock(annual: pd.DataFrame | None, measure: str, fy: int, unit: str) -> KeyFigure:
    """A published stock at its own date (amount for outstanding, count for litigation), against last year's."""
    column = "amount" if measure == "outstanding" else "count"
    better = False if measure == "litigation" else None
    row, last = _published(annual, measure, fy), _published(annual, measure, fy - 1)
    if row is None or pd.isna(row[column]):
        why = (
            NO_BOOK
            if annual is None or annual.empty
            else (f"{NO_BOOK[0]}; ไม่มีตัวเลขที่เผยแพร่ของปีนี้", f"{NO_BOOK[1]}; nothing published for the year")
        )
        return absent(measure, LABELS[measure], unit, fiscal_year_text(fy), "no data", why, higher_is_better=better)
    period = date_text(row["as_of"]) if pd.notna(row["as_of"]) else fiscal_year_text(fy)
    change = None
    if last is not None and pd.notna(last[column]):
        change = Change(float(last[column]), *fiscal_year_text(fy - 1))
    note = (f"ตัวเลขที่เผยแพร่ ({row['source']}); {NO_BOOK[0]}", f"published ({row['source']}); {NO_BOOK[1]}")
    return figure(measure, LABELS[measure], row[column], unit, period, note, change=change, higher_is_better=better)


def _collection(book: books.LoanBook, fy: int, quarter: int | None, synthetic: bool) -> KeyFigure:
    """On-time collection rate of the year (or quarter) against the previous period; the overall rate in the note."""
    rate, overall = _on_time(book, fy, quarter)
    prev_fy, prev_q = previous_period(fy, quarter)
    previous, _ = _on_time(book, prev_fy, prev_q)
    change = None if previous is None else Change(previous, *_period(prev_fy, prev_q))
    notes = [SYNTHETIC] if synthetic else []
    if overall is not None:
        notes.insert(
            0, (f"รับชำระทั้งหมด {overall:,.2f} % ของยอดถึงกำหนด", f"all receipts {overall:,.2f} % of the amount due")
        )
    note = ("; ".join(n[0] for n in notes), "; ".join(n[1] for n in notes))
    status = None if rate is not None else "no data"
    return figure(
        "collection",
        LABELS["collection"],
        rate,
        "%",
        _period(fy, quarter),
        note,
        change=change,
        status=status,
        higher_is_better=True,
        illustrative=synthetic,
    )


def _disbursement(annual: pd.DataFrame | None, fy: int) -> KeyFigure:
    """The fiscal year's disbursement rate of the main published source, against the year before."""
    key, period = "disbursement", fiscal_year_text(fy)
    if annual is None or annual.empty:
        return absent(key, LABELS[key], "%", period, "no data", NO_ANNUAL, higher_is_better=True)
    series = lending.yearly(annual)
    row, last = series[series["fiscal_year"] == fy], series[series["fiscal_year"] == fy - 1]
    if row.empty or pd.isna(row["disbursement_rate"].iloc[0]):
        why = (f"ไม่มีแผนและผลของ{period[0]}", f"no credit line and lending for {period[1]}")
        return absent(key, LABELS[key], "%", period, "no data", why, higher_is_better=True)
    change = None
    if not last.empty and pd.notna(last["disbursement_rate"].iloc[0]):
        change = Change(float(last["disbursement_rate"].iloc[0]), *fiscal_year_text(fy - 1))
    lent, line, source = row["actual_amount"].iloc[0] / 1e6, row["target_amount"].iloc[0] / 1e6, row["source"].iloc[0]
    note = (
        f"ปล่อยกู้ {lent:,.2f} จากกรอบวงเงิน {line:,.2f} ล้านบาท ({source})",
        f"lent {lent:,.2f} of a {line:,.2f} million THB credit line ({source})",
    )
    return figure(
        key,
        LABELS[key],
        float(row["disbursement_rate"].iloc[0]),
        "%",
        period,
        note,
        change=change,
        higher_is_better=True,
    )


# ---------------------------------------------------------------- the verdict


def _quality_clause(figures: list[KeyFigure]) -> tuple[str, str]:
    """Rule 1: PAR30 and NPL with their changes, led by the direction they moved together.

    Both rose (or one rose, the other unchanged) → "worsened"; both fell (or one fell, the other
    unchanged) → "improved"; both unchanged → "unchanged"; one rose and one fell → "moved in opposite
    directions"; no previous period → the figures alone; neither computed → "no loan-level data".
    """
    shown = [f for f in (find(figures, "par30"), find(figures, "npl")) if f is not None and not f.missing]
    if not shown:
        return "ไม่มีข้อมูลรายสัญญา จึงไม่มี PAR30 และ NPL", "no loan-level data, so no PAR30 or NPL"
    parts_th = [
        f"{f.label_th} {f.value_text('th')}" + (f" ({f.change_short('th')})" if f.change else "") for f in shown
    ]
    parts_en = [
        f"{f.label_en} {f.value_text('en')}" + (f" ({f.change_short('en')})" if f.change else "") for f in shown
    ]
    deltas = [f.delta for f in shown if f.delta is not None]
    lead = ("", "")
    if deltas:
        rose, fell = any(d > 0 for d in deltas), any(d < 0 for d in deltas)
        if rose and fell:
            lead = ("PAR30 และ NPL เปลี่ยนคนละทิศทาง", "PAR30 and NPL moved in opposite directions")
        elif rose:
            lead = ("คุณภาพพอร์ตแย่ลง", "portfolio quality worsened")
        elif fell:
            lead = ("คุณภาพพอร์ตดีขึ้น", "portfolio quality improved")
        else:
            lead = ("คุณภาพพอร์ตทรงตัว", "portfolio quality unchanged")
    th, en = ", ".join(parts_th), ", ".join(parts_en)
    return (f"{lead[0]}: {th}", f"{lead[1]}: {en}") if lead[0] else (th, en)


def _count_clause(figure: KeyFigure | None, th: str, en: str) -> tuple[str, str]:
    if figure is None or figure.missing:
        return "", ""
    change = (f" ({figure.change_short('th')})", f" ({figure.change_short('en')})") if figure.change else ("", "")
    return f"{th} {figure.value_text('th')}{change[0]}", f"{figure.value_text('en')} {en}{change[1]}"


def _disbursement_clause(figure: KeyFigure | None) -> tuple[str, str]:
    """Rule 3: at or above 100 % → "lent the full credit line"; below → "lent x % of the credit line"."""
    if figure is None or figure.number is None:
        return "", ""
    shown_th, shown_en = figure.value_text("th"), figure.value_text("en")
    if round(figure.number, 2) >= 100:
        return f"ปล่อยกู้เต็มกรอบวงเงิน ({shown_th})", f"lent the full credit line ({shown_en})"
    return f"ปล่อยกู้ {shown_th} ของกรอบวงเงิน", f"lent {shown_en} of the credit line"


def _collection_clause(figure: KeyFigure | None) -> tuple[str, str]:
    """Rule 4: the on-time collection rate with its change."""
    if figure is None or figure.missing:
        return "", ""
    change = (f" ({figure.change_short('th')})", f" ({figure.change_short('en')})") if figure.change else ("", "")
    return (
        f"รับชำระตรงเวลา {figure.value_text('th')}{change[0]}",
        f"{figure.value_text('en')} collected on time{change[1]}",
    )


def loan_verdict(figures: list[KeyFigure]) -> tuple[str, str]:
    """The verdict (Thai, English) of :func:`loan_key_figures`, clause by clause, joined by ``; ``.

    1. portfolio quality: PAR30 and NPL and the direction they moved (:func:`_quality_clause`);
    2. loans in litigation, with the change;
    3. disbursement: the full credit line at ≥ 100 %, else the share of it;
    4. the on-time collection rate, with the change.
    A clause whose figure is missing is left out (except rule 1, which says PAR and NPL are missing).
    Synthetic loan-level data are named at the end.
    """
    clauses = [
        _quality_clause(figures),
        _count_clause(find(figures, "litigation"), "ดำเนินคดี", "in litigation"),
        _disbursement_clause(find(figures, "disbursement")),
        _collection_clause(find(figures, "collection")),
    ]
    return verdict_text(clauses, figures, SYNTHETIC)
