"""Loan-level roll-ups against the published lending_annual, every difference listed."""

from __future__ import annotations

import pandas as pd
import pytest

from planlib.loans import portfolio as pf
from planlib.loans import reconcile


@pytest.fixture(scope="module")
def hw(hwfund_portfolio):
    return hwfund_portfolio, pf.Book.from_portfolio(hwfund_portfolio)


def test_synthetic_book_rolls_up_to_table_2_1_exactly(hw):
    portfolio, book = hw
    table = reconcile.reconcile(portfolio.lending_annual, book)
    t21 = table[(table["source"] == "Table 2-1")]
    assert len(t21[t21["measure"] == "actual_count"]) == 20
    assert t21["matches"].all()
    roll = reconcile.rollup(book.loans).set_index("fiscal_year")
    assert roll.loc[2548, "actual_count"] == 12 and roll.loc[2548, "actual_amount"] == 790_000.0  # printed as 2558
    assert roll.loc[2558, "actual_count"] == 40  # the real FY2558 row only


def test_every_difference_is_listed(hw):
    portfolio, book = hw
    diff = reconcile.differences(portfolio.lending_annual, book).set_index(["fiscal_year", "source", "measure"])
    # Table 2-2's FY2565 amount (5,000,000) and FY2566 figures (20 / 3,820,000) against the book built from Table 2-1
    assert diff.loc[(2565, "Table 2-2", "actual_amount"), "difference"] == -200_000.0
    assert diff.loc[(2566, "Table 2-2", "actual_amount"), "loan_level"] == 4_440_000.0
    assert diff.loc[(2563, "Table 2-2", "actual_count"), "published"] == 45
    # stocks are compared at their own dates, including the FY2562 arrears printed at 30 Sep 2018
    assert diff.loc[(2562, "Table 2-2", "arrears_amount"), "as_of"] == pd.Timestamp("2018-09-30")
    assert (diff["difference"] != 0).all()
    summary = reconcile.summary(portfolio.lending_annual, book).set_index("measure")
    assert summary.loc["actual_amount", "compared"] == 31 and summary.loc["actual_amount", "differ"] == 2
    table = reconcile.reconcile(portfolio.lending_annual, book)  # computed once, reused by both views
    pd.testing.assert_frame_equal(
        reconcile.summary(portfolio.lending_annual, book, table=table).set_index("measure"), summary
    )
    pd.testing.assert_frame_equal(reconcile.differences(portfolio.lending_annual, book, table=table),
                                  diff.reset_index()[reconcile.differences(portfolio.lending_annual, book).columns])


def test_hand_made_book_stocks():
    loans = pd.DataFrame(
        {
            "loan_id": ["a", "b", "c"],
            "borrower_type": ["individual", "group", "group"],
            "contract_date": pd.to_datetime(["2023-01-15"] * 3),
            "principal": [12_000.0, 12_000.0, 24_000.0],
            "term_months": [12] * 3,
            "annual_rate": [0.0] * 3,
            "status": [None, None, "litigation"],
            "status_date": pd.to_datetime([None, None, "2023-05-01"]),
        }
    )
    pay = pd.DataFrame({"loan_id": ["a"] * 6 + ["b"] * 4, "paid_date": pd.to_datetime(
        [f"2023-0{m}-15" for m in range(2, 8)] + [f"2023-0{m}-15" for m in range(2, 6)]), "amount": [1000.0] * 10})
    published = pd.DataFrame({"fiscal_year": [2566], "source": ["T"], "actual_count": [3], "actual_amount": [50_000.0],
                              "litigation_count": [1], "litigation_amount": [24_000.0], "arrears_count": [1],
                              "arrears_amount": [2_000.0], "as_of": pd.to_datetime(["2023-07-31"])})
    table = reconcile.reconcile(published, pf.Book(loans, pay)).set_index("measure")
    assert table.loc["actual_count", "matches"]
    assert table.loc["actual_amount", "difference"] == -2_000.0  # 48,000 lent, 50,000 published
    assert table.loc["litigation_amount", "loan_level"] == 24_000.0  # c never paid: full outstanding
    assert (
        table.loc["arrears_count", "loan_level"] == 1 and table.loc["arrears_amount", "loan_level"] == 2_000.0
    )  # b: Jun, Jul unpaid
