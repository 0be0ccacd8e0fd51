"""Lending at a fiscal quarter's end, for the quarterly progress report: disbursed to date, credit line, arrears.

The quarterly progress report (:mod:`planlib.plans.progress`) shows plans beside lending. Plans never
import loans, so the lending rows are computed here and handed to
:func:`planlib.plans.progress.quarterly_progress` as a table (``lending=``). Every figure comes from
the loan-statistics functions, never recomputed:

* credit line = ``target_amount`` of the year (:func:`planlib.loans.lending.yearly`, main source);
* disbursed YTD = loans contracted from 1 Oct to the quarter's end
  (:func:`planlib.loans.portfolio.originations` on those loans), as count and amount;
* disbursed % of the credit line = :func:`planlib.loans.lending.disbursement` (actual ÷ credit line × 100);
* arrears at the quarter's end = :func:`planlib.loans.portfolio.quality` of the loan book's snapshot
  (overdue amount, arrears rate, PAR30), only when the loan data reach the quarter's end;
  otherwise a published ``lending_annual`` arrears stock dated inside the quarter
  (:func:`planlib.loans.lending.stocks`).

Fiscal quarters follow the Thai fiscal year (Oct–Sep, BE label; Q1 = Oct–Dec), as in
:mod:`planlib.inputs.thai`.
"""

from __future__ import annotations

import math

import pandas as pd

from planlib.inputs import thai
from planlib.inputs.dataset import Portfolio, expect
from planlib.loans import lending
from planlib.loans import portfolio as loanbook

LENDING_COLUMNS = ["key", "measure_th", "measure_en", "value", "unit", "as_of", "source"]
"""Columns of :func:`lending_progress`."""

ILLUSTRATIVE = "ข้อมูลสมมติ (illustrative)"
"""Added to the source of figures computed from a synthetic loan book."""


class Rows:
    """The rows of :func:`lending_progress` as they are added, each with its source."""

    def __init__(self, illustrative: bool) -> None:
        self.rows: list[dict[str, object]] = []
        self.label = ILLUSTRATIVE if illustrative else ""

    def add(self, key: str, th: str, en: str, value: object, unit: str, as_of: object, source: str) -> None:
        """One measure; a figure from the loan book (``loans``…) says when the book is illustrative."""
        if source in ("loans", "loans + payments"):
            source = f"{source} {self.label}".strip()
        self.rows.append({"key": key, "measure_th": th, "measure_en": en, "value": value, "unit": unit,
                          "as_of": as_of, "source": source})

    def has(self, key: str) -> bool:
        return any(r["key"] == key for r in self.rows)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=LENDING_COLUMNS)


def credit_line(portfolio: Portfolio, fiscal_year: int, rows: Rows) -> float:
    """The year's credit line (``target_amount`` of the main source), added as a row; NaN when not published."""
    if not portfolio.has("lending_annual"):
        return math.nan
    year = lending.yearly(portfolio["lending_annual"])
    year = year[year["fiscal_year"] == fiscal_year]
    if year.empty or pd.isna(year["target_amount"].iloc[0]):
        return math.nan
    credit = float(year["target_amount"].iloc[0])
    rows.add("credit_line", "กรอบวงเงินให้กู้ของปี", "credit line of the year", credit, "บาท", pd.NaT,
             f"lending_annual ({year['source'].iloc[0]})")
    return credit


def data_end(portfolio: Portfolio) -> pd.Timestamp:
    """The last date the loan data know of: the latest contract or payment."""
    dates = [pd.to_datetime(portfolio["loans"]["contract_date"]).max()]
    if portfolio.has("payments"):
        dates.append(pd.to_datetime(portfolio["payments"]["paid_date"]).max())
    return max(d for d in dates if pd.notna(d))


def book_rows(portfolio: Portfolio, fiscal_year: int, quarter: int, credit: float, rows: Rows) -> None:
    """Disbursed to date (count, amount, % of the credit line) and arrears at the quarter's end, from the loans."""
    q_start, q_end = thai.fiscal_year_start(fiscal_year), thai.quarter_end(fiscal_year, quarter)
    end = data_end(portfolio)
    if end < q_start:
        rows.add("note", f"ข้อมูลเงินกู้รายสัญญาสิ้นสุด {thai.format_date(end)} ก่อนปีงบประมาณนี้",
                 f"the loan data end on {thai.format_date(end)}, before this fiscal year", math.nan, "", end, "loans")
        return
    loans = portfolio["loans"]
    made = loanbook.originations(loans[pd.to_datetime(loans["contract_date"]) <= q_end], fiscal_year)
    disbursed = float(made["amount"].sum())
    count = int(made["individuals"].sum() + made["groups"].sum())
    rows.add("disbursed_count", "จำนวนสัญญาที่ปล่อยกู้สะสม", "loans disbursed year to date", count, "สัญญา", q_end,
             "loans")
    rows.add("disbursed_amount", "จำนวนเงินที่ปล่อยกู้สะสม", "amount disbursed year to date", disbursed, "บาท", q_end,
             "loans")
    if pd.notna(credit):
        to_date = pd.DataFrame({"fiscal_year": [fiscal_year], "target_amount": [credit], "actual_amount": [disbursed],
                                "source": ["year to date"]})
        rate = float(lending.disbursement(to_date)["disbursement_rate"].iloc[0])
        rows.add("disbursed_pct", "ปล่อยกู้สะสม (% ของกรอบวงเงิน)", "disbursed, % of the credit line", rate, "%",
                 q_end, "loans ÷ lending_annual")
    if q_end > end:
        rows.add("note", f"ข้อมูลเงินกู้รายสัญญาสิ้นสุด {thai.format_date(end)} ก่อนสิ้นไตรมาส จึงไม่คำนวณหนี้ค้าง",
                 f"the loan data end on {thai.format_date(end)}, before the quarter's end: no arrears computed",
                 math.nan, "", end, "loans")
        return
    book = loanbook.Book.from_portfolio(portfolio)
    assert book is not None  # the portfolio has loans
    quality = loanbook.quality(book.snapshot(q_end)).iloc[0]
    source = "loans + payments"
    rows.add("outstanding", "ลูกหนี้คงค้าง (เงินต้น)", "outstanding principal", float(quality["outstanding"]), "บาท",
             q_end, source)
    rows.add("arrears_amount", "หนี้ค้างชำระ ณ สิ้นไตรมาส", "arrears at the quarter's end", float(quality["overdue"]),
             "บาท", q_end, source)
    rows.add("arrears_rate", "อัตราหนี้ค้างชำระ (% ของลูกหนี้คงค้าง)", "arrears rate, % of outstanding",
             round(100 * float(quality["arrears_rate"]), 2), "%", q_end, source)
    rows.add("par30", "PAR30 (% ของลูกหนี้คงค้าง)", "PAR30, % of outstanding", round(100 * float(quality["par30"]), 2),
             "%", q_end, source)


def published_arrears(portfolio: Portfolio, fiscal_year: int, quarter: int, rows: Rows) -> None:
    """Arrears stocks ``lending_annual`` publishes with a date inside the quarter, as rows."""
    stocks = lending.stocks(portfolio["lending_annual"])
    start, end = thai.quarter_start(fiscal_year, quarter), thai.quarter_end(fiscal_year, quarter)
    inside = stocks[(stocks["measure"] == "arrears") & (stocks["as_of"] >= start) & (stocks["as_of"] <= end)]
    for _, stock in inside.iterrows():
        rows.add("arrears_amount", "หนี้ค้างชำระ (ตามที่เผยแพร่)", "arrears as published", stock["amount"], "บาท",
                 stock["as_of"], f"lending_annual ({stock['source']})")


def lending_progress(portfolio: Portfolio | None, fiscal_year: int, quarter: int) -> pd.DataFrame | None:
    """Lending at the quarter's end: disbursed year to date vs the credit line, and arrears (module docstring).

    Rows: key, measure_th, measure_en, value, unit, as_of, source. None when the organisation has
    no lending tables; rows the data cannot support are omitted and a ``note`` row says why.
    ``fiscal_year`` is a BE year (a CE year such as 2023 is refused), ``quarter`` 1–4 (Q1 = Oct–Dec).
    HWFund FY2566 Q4: 23 loans, 4,440,000 baht of a 5,000,000 credit line = 88.80 % (Table 2-1).
    """
    expect(portfolio, (Portfolio, type(None)), "lending_progress.lending_progress")
    fy = thai.parse_be_year(fiscal_year)  # refuses a CE year
    if fy is None:  # nothing given
        raise TypeError(f"lending_progress needs a fiscal year, got {fiscal_year!r}")
    thai.quarter_end(fy, quarter)  # refuses a quarter outside 1–4
    if portfolio is None or not (portfolio.has("lending_annual") or portfolio.has("loans")):
        return None
    rows = Rows(illustrative=bool({"loans", "lending_annual"} & set(portfolio.synthetic)))
    credit = credit_line(portfolio, fy, rows)
    if portfolio.has("loans"):
        book_rows(portfolio, fy, quarter, credit, rows)
    if not rows.has("arrears_amount") and portfolio.has("lending_annual"):
        published_arrears(portfolio, fy, quarter, rows)
    return rows.frame()
