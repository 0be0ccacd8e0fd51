"""Lending at a quarter's end (planlib.loans.lending_progress) and its place in the quarterly progress report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.loans import lending_progress as lp
from planlib.plans import progress

ROOT = Path(__file__).resolve().parents[2]
HWFUND = ROOT / "data" / "hwfund"


@pytest.fixture(scope="module")
def book() -> planlib.Portfolio:
    return planlib.load_portfolio(HWFUND)


def test_lending_progress_at_year_end_matches_table_2_1(book: planlib.Portfolio) -> None:
    # FY2566: Table 2-1 prints 23 loans (22 groups + 1 individual), 4,440,000 of a 5,000,000 credit line → 88.80 %
    fy66 = lp.lending_progress(book, 2566, 4).set_index("key")["value"]
    assert (fy66["credit_line"], fy66["disbursed_count"], fy66["disbursed_amount"]) == (5_000_000, 23, 4_440_000)
    assert fy66["disbursed_pct"] == pytest.approx(100 * 4_440_000 / 5_000_000)
    # FY2567: 26 loans, 5,000,000 = 100 % of the credit line
    fy67 = lp.lending_progress(book, 2567, 4).set_index("key")["value"]
    assert (fy67["disbursed_count"], fy67["disbursed_amount"], fy67["disbursed_pct"]) == (26, 5_000_000, 100)
    assert {"arrears_amount", "arrears_rate", "par30"} <= set(fy67.index)
    # Q3 counts only loans contracted by 30 Jun 2567, fewer than the year
    q3 = lp.lending_progress(book, 2567, 3).set_index("key")["value"]
    assert q3["disbursed_amount"] < 5_000_000
    assert q3["disbursed_pct"] == pytest.approx(100 * q3["disbursed_amount"] / 5_000_000, abs=0.01)


def test_lending_progress_beyond_the_loan_data_says_so(book: planlib.Portfolio) -> None:
    rows = lp.lending_progress(book, 2568, 2)
    assert list(rows["key"]) == ["note"] and "before this fiscal year" in rows["measure_en"].iloc[0]
    assert lp.lending_progress(None, 2568, 2) is None
    plan = planlib.load_plan(HWFUND)
    lending = lp.lending_progress(book, 2567, 4)
    report = progress.quarterly_progress(plan, 2567, 4, lending=lending, illustrative=book.synthetic)
    summary = report.summary.set_index("key")
    assert summary.loc["lending_pct", "shown"] == "100.0%"
    assert report.lending is lending and set(book.synthetic) <= set(report.illustrative)


def test_lending_rows_are_the_loan_modules_figures(book: planlib.Portfolio) -> None:
    """Arrears at the quarter's end are portfolio.quality of the book's snapshot, not a number of its own."""
    from planlib.loans import portfolio

    rows = lp.lending_progress(book, 2567, 4).set_index("key")
    quality = portfolio.quality(portfolio.Book.from_portfolio(book).snapshot(pd.Timestamp("2024-09-30"))).iloc[0]
    assert rows.loc["outstanding", "value"] == pytest.approx(float(quality["outstanding"]))
    assert rows.loc["arrears_amount", "value"] == pytest.approx(float(quality["overdue"]))
    assert rows.loc["par30", "value"] == pytest.approx(round(100 * float(quality["par30"]), 2))
    assert rows.loc["credit_line", "source"].startswith("lending_annual")
    assert list(lp.lending_progress(book, 2567, 4).columns) == lp.LENDING_COLUMNS


@pytest.mark.parametrize(("fy", "quarter"), [(2023, 1), (2567, 5), (2567, 0)])
def test_lending_progress_refuses_a_ce_year_or_a_quarter_outside_1_to_4(
    book: planlib.Portfolio, fy: int, quarter: int
) -> None:
    with pytest.raises(ValueError):
        lp.lending_progress(book, fy, quarter)
    with pytest.raises(ValueError):
        lp.lending_progress(None, fy, quarter)
