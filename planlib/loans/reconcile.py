"""Reconciliation: loan-level figures rolled up and set against the published ``lending_annual``.

Every published figure that the loan book can recompute is compared, and every difference is
listed (data contract: "when both are present, planlib reconciles them and reports every
difference"). Nothing is adjusted on either side.

Loan-level definitions (the source does not define its stocks, so these are planlib's readings,
stated in the report):

* flows per fiscal year of the contract date: actual_count = loans, actual_individuals /
  actual_groups = loans by borrower type, actual_amount = Σ principal;
* stocks at each published as-of date (``<measure>_as_of``, else ``as_of``), from
  :func:`planlib.loans.portfolio.snapshot`:
  litigation = loans in litigation status (count) and their outstanding principal (amount);
  arrears = loans not in litigation with instalments overdue (count, individuals, groups) and
  the overdue amount; outstanding = loans in the gross portfolio and Σ outstanding principal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planlib.inputs import thai
from planlib.loans import lending
from planlib.loans.books import LoanBook
from planlib.loans.portfolio import TOL

FLOWS = ("actual_count", "actual_individuals", "actual_groups", "actual_amount")
STOCKS = ("litigation_count", "litigation_amount", "arrears_count", "arrears_individuals", "arrears_groups",
          "arrears_amount", "outstanding_count", "outstanding_amount")


def rollup(loans: pd.DataFrame) -> pd.DataFrame:
    """Loans per fiscal year of the contract date: actual_count, actual_individuals, actual_groups, actual_amount."""
    fy = pd.Series(thai.fiscal_years(loans["contract_date"]), index=loans.index, name="fiscal_year")
    frame = pd.DataFrame({
        "fiscal_year": fy,
        "actual_count": 1,
        "actual_individuals": (loans["borrower_type"] == "individual").astype("int64"),
        "actual_groups": (loans["borrower_type"] == "group").astype("int64"),
        "actual_amount": loans["principal"].astype("float64"),
    })
    out = frame.groupby("fiscal_year").sum()
    out["actual_amount"] = out["actual_amount"].round(2)
    return out.reset_index()


def stocks_at(book: LoanBook, as_of: str | pd.Timestamp) -> dict[str, float]:
    """Loan-level stock figures at ``as_of`` (definitions in the module docstring)."""
    snap = book.snapshot(as_of)
    live = snap[snap["in_portfolio"]]
    lit = live[live["litigation"]]
    arr = live[(live["overdue"] > TOL) & ~live["litigation"]]
    return {
        "litigation_count": len(lit),
        "litigation_amount": round(float(lit["outstanding"].sum()), 2),
        "arrears_count": len(arr),
        "arrears_individuals": int((arr["borrower_type"] == "individual").sum()),
        "arrears_groups": int((arr["borrower_type"] == "group").sum()),
        "arrears_amount": round(float(arr["overdue"].sum()), 2),
        "outstanding_count": len(live),
        "outstanding_amount": round(float(live["outstanding"].sum()), 2),
    }


def reconcile(lending_annual: pd.DataFrame, book: LoanBook) -> pd.DataFrame:
    """Every published figure beside its loan-level value: one row per fiscal year, source and measure.

    Columns: fiscal_year, source, measure, as_of (stocks only), published, loan_level,
    difference (loan_level − published), matches (equal within half a satang). Flows compare
    by contract fiscal year; stocks at the published as-of date. Counts printed only as
    individuals + groups are compared part by part.
    """
    label = lending.sources(lending_annual)
    flows = rollup(book.loans).set_index("fiscal_year")
    cache: dict[pd.Timestamp, dict[str, float]] = {}
    rows = []
    for idx, rec in lending_annual.iterrows():
        fy = int(rec["fiscal_year"])
        for measure in FLOWS:
            value = rec.get(measure)
            if value is None or pd.isna(value):
                continue
            mine = float(flows.at[fy, measure]) if fy in flows.index else 0.0
            rows.append((fy, label.loc[idx], measure, pd.NaT, float(value), mine))
        for measure in STOCKS:
            value = rec.get(measure)
            if value is None or pd.isna(value):
                continue
            stem = measure.split("_")[0]
            date = rec.get(f"{stem}_as_of")
            date = rec.get("as_of") if date is None or pd.isna(date) else date
            if date is None or pd.isna(date):
                continue
            date = pd.Timestamp(date)
            if date not in cache:
                cache[date] = stocks_at(book, date)
            rows.append((fy, label.loc[idx], measure, date, float(value), float(cache[date][measure])))
    out = pd.DataFrame(rows, columns=["fiscal_year", "source", "measure", "as_of", "published", "loan_level"])
    out["difference"] = (out["loan_level"] - out["published"]).round(2)
    out["matches"] = out["difference"].abs() <= TOL
    return out


def differences(lending_annual: pd.DataFrame, book: LoanBook, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Only the rows of :func:`reconcile` that do not match, by year, source and measure.

    ``table``: the result of :func:`reconcile`, if already computed.
    """
    table = reconcile(lending_annual, book) if table is None else table
    diff = table[~table["matches"]].copy()
    diff["relative"] = (diff["difference"] / diff["published"].replace(0, np.nan)).round(4)
    return diff.sort_values(["fiscal_year", "source", "measure"], kind="stable").reset_index(drop=True)


def summary(lending_annual: pd.DataFrame, book: LoanBook, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per measure: figures compared, how many match, how many differ.

    ``table``: the result of :func:`reconcile`, if already computed.
    """
    table = reconcile(lending_annual, book) if table is None else table
    grouped = table.groupby("measure", sort=False)["matches"]
    counts = {"compared": grouped.size(), "match": grouped.sum(), "differ": grouped.size() - grouped.sum()}
    return pd.DataFrame(counts).reset_index()
