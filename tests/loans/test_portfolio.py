"""Loan-level metrics on a small book worked out by hand (0% loans of 1,000 a month unless said)."""

from __future__ import annotations

import pandas as pd
import pytest

import planlib
from planlib.loans import portfolio as pf

AS_OF = "2023-07-31"


def _dates(*days: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(d) for d in days]


@pytest.fixture
def book() -> pf.Book:
    """A, B individuals (sewing); C, F, G groups (crafts); contracts 15 Jan 2023 (FY2566), 12 months at 0%.

    A pays Feb–Jul; B pays Feb–Mar only; C (24,000) pays Feb–Jul but is restructured on 1 Jun;
    F pays Feb–Jun, misses Jul; G never pays and is written off on 1 Jun.
    """
    loans = pd.DataFrame(
        {
            "loan_id": list("ABCFG"),
            "borrower_type": ["individual", "individual", "group", "group", "group"],
            "contract_date": _dates(*["2023-01-15"] * 5),
            "principal": [12_000.0, 12_000.0, 24_000.0, 12_000.0, 12_000.0],
            "term_months": [12] * 5,
            "annual_rate": [0.0] * 5,
            "grace_installments": [0] * 5,
            "work_type": ["sewing", "sewing", "crafts", "crafts", "crafts"],
            "province": ["x", "y", "x", "y", "x"],
            "status": [None, None, "restructured", None, "written_off"],
            "status_date": pd.to_datetime([None, None, "2023-06-01", None, "2023-06-01"]),
        }
    )
    months = [f"2023-0{m}-15" for m in range(2, 8)]
    rows = [("A", d, 1000.0) for d in months] + [("B", d, 1000.0) for d in months[:2]]
    rows += [("C", d, 2000.0) for d in months] + [("F", d, 1000.0) for d in months[:5]]
    payments = pd.DataFrame(rows, columns=["loan_id", "paid_date", "amount"]).assign(
        paid_date=lambda f: pd.to_datetime(f.paid_date)
    )
    return pf.Book(loans, payments)


def test_snapshot_days_past_due_outstanding_and_classes(book):
    snap = book.snapshot(AS_OF).set_index("loan_id")
    # B: oldest unpaid instalment due 15 Apr → 107 days on 31 Jul; F: 15 Jul → 16 days
    assert (
        snap.loc["B", "dpd"] == 107
        and snap.loc["B", "bucket"] == "91-180"
        and snap.loc["B", "thai_class"] == "ต่ำกว่ามาตรฐาน"
    )
    assert snap.loc["F", "dpd"] == 16 and snap.loc["F", "thai_class"] == "ปกติ"
    assert snap.loc["A", "dpd"] == 0 and snap.loc["C", "dpd"] == 0
    assert list(snap.loc[list("ABCF"), "outstanding"]) == [6000.0, 10000.0, 12000.0, 7000.0]
    assert snap.loc["B", "overdue"] == 4000.0 and snap.loc["F", "overdue"] == 1000.0
    assert not snap.loc["G", "in_portfolio"] and snap.loc["G", "status"] == "written_off"
    assert snap.loc["C", "restructured"]


def test_par_on_full_balances_counts_restructured(book):
    snap = book.snapshot(AS_OF)
    # gross 6,000 + 10,000 + 12,000 + 7,000 = 35,000 (G written off is out)
    # PAR30 = (B's full 10,000 + restructured C 12,000) / 35,000, not B's overdue 4,000 nor a loan count
    assert pf.par(snap, 30) == pytest.approx(22_000 / 35_000)
    assert pf.par(snap, 90) == pytest.approx(22_000 / 35_000)
    assert pf.npl_ratio(snap) == pytest.approx(10_000 / 35_000)
    assert pf.arrears_rate(snap) == pytest.approx(5_000 / 35_000)


def test_quality_cut_by_borrower_type(book):
    table = pf.quality(book.snapshot(AS_OF), by="borrower_type").set_index("group")
    assert table.loc["individual", "outstanding"] == 16_000.0
    assert table.loc["individual", "par30"] == pytest.approx(10_000 / 16_000)
    assert table.loc["group", "par30"] == pytest.approx(12_000 / 19_000)
    assert table.loc["group", "restructured_outstanding"] == 12_000.0
    assert table.iloc[0]["loans"] == 4


def test_ageing_and_thai_classes(book):
    ageing = pf.ageing(book.snapshot(AS_OF)).set_index("bucket")
    assert ageing.loc["current", "outstanding"] == 18_000.0
    assert ageing.loc["1-30", "outstanding"] == 7_000.0
    assert ageing.loc["91-180", "outstanding"] == 10_000.0
    assert ageing["outstanding"].sum() == 35_000.0
    classes = pf.loan_classes(book.snapshot(AS_OF)).set_index("thai_class")
    assert classes.loc["ปกติ", "outstanding"] == 25_000.0 and classes.loc["ต่ำกว่ามาตรฐาน", "outstanding"] == 10_000.0
    assert list(classes.index) == list(pf.THAI_CLASSES)


def test_loan_in_grace_is_not_past_due():
    loans = pd.DataFrame(
        {
            "loan_id": ["D", "E"],
            "borrower_type": ["group", "group"],
            "contract_date": _dates("2023-01-15", "2023-01-15"),
            "principal": [12_000.0, 12_000.0],
            "term_months": [12, 12],
            "annual_rate": [3.0, 0.0],
            "grace_installments": [4, 4],
        }
    )
    # D pays only the grace interest (12,000 × 3% / 12 = 30.00) on each due date; E owes nothing in grace at 0%
    pay = pd.DataFrame(
        {
            "loan_id": ["D"] * 4,
            "paid_date": _dates("2023-02-15", "2023-03-15", "2023-04-15", "2023-05-15"),
            "amount": [30.0] * 4,
        }
    )
    snap = pf.Book(loans, pay).snapshot("2023-05-31").set_index("loan_id")
    assert list(snap["dpd"]) == [0, 0] and list(snap["overdue"]) == [0.0, 0.0]
    assert list(snap["outstanding"]) == [12_000.0, 12_000.0]  # interest paid, principal untouched
    assert pf.par(snap.reset_index(), 30) == 0.0


def test_outstanding_from_split_or_schedule_agree():
    loans = pd.DataFrame(
        {
            "loan_id": ["a"],
            "borrower_type": ["group"],
            "contract_date": _dates("2024-01-15"),
            "principal": [12_000.0],
            "term_months": [12],
            "annual_rate": [3.0],
        }
    )
    plain = pd.DataFrame(
        {"loan_id": ["a", "a"], "paid_date": _dates("2024-02-15", "2024-03-15"), "amount": [1016.32, 1016.32]}
    )
    split = plain.assign(principal=[986.32, 988.79], interest=[30.0, 27.53])
    one = pf.Book(loans, plain).snapshot("2024-03-31")["outstanding"].iloc[0]
    two = pf.Book(loans, split).snapshot("2024-03-31")["outstanding"].iloc[0]
    assert one == two == 10_024.89  # schedule closing balance after 2 annuity instalments


def test_collection_rates_per_quarter(book):
    table = book.collection_rates(2566).set_index("quarter")
    # Q3 (Apr–Jun 2023): due A 3,000 + B 3,000 + C 6,000 + F 3,000 + G 2,000 (G written off 1 Jun: its
    # 15 Jun instalment is out) = 17,000; paid on time 12,000
    assert table.loc[3, "due"] == 17_000.0 and table.loc[3, "on_time"] == 12_000.0
    assert table.loc[3, "on_time_rate"] == pytest.approx(12 / 17)
    assert table.loc[3, "overall_rate"] == pytest.approx(12 / 17)
    assert pd.isna(table.loc[1, "on_time_rate"])  # nothing falls due in Oct–Dec 2022


def test_collection_late_payment_counts_overall_not_on_time():
    loans = pd.DataFrame({"loan_id": ["a"], "borrower_type": ["individual"], "contract_date": _dates("2023-01-15"),
                          "principal": [12_000.0], "term_months": [12], "annual_rate": [0.0]})
    pay = pd.DataFrame(
        {"loan_id": ["a", "a"], "paid_date": _dates("2023-02-20", "2023-03-15"), "amount": [1000.0, 1000.0]}
    )
    q2 = pf.Book(loans, pay).collection_rates(2566).set_index("quarter").loc[2]
    assert q2["due"] == 2000.0 and q2["on_time"] == 1000.0 and q2["collected"] == 2000.0
    assert q2["on_time_rate"] == 0.5 and q2["overall_rate"] == 1.0


def test_collection_leaves_written_off_loans_out_from_their_write_off_date():
    """Instalments due and payments received on or after the write-off date are in no sum; before it they count."""
    loans = pd.DataFrame(
        {
            "loan_id": ["w", "u"],
            "borrower_type": ["individual"] * 2,
            "contract_date": _dates("2023-01-15", "2023-01-15"),
            "principal": [12_000.0] * 2,
            "term_months": [12] * 2,
            "annual_rate": [0.0] * 2,
            "status": ["written_off", "written_off"],
            "status_date": pd.to_datetime(["2023-05-15", None]),
        }
    )
    pay = pd.DataFrame(
        {
            "loan_id": ["w"] * 4 + ["u"],
            "paid_date": _dates("2023-02-15", "2023-03-15", "2023-04-15", "2023-06-20", "2023-02-15"),
            "amount": [1000.0, 1000.0, 1000.0, 500.0, 1000.0],
        }
    )
    book = pf.Book(loans, pay)
    table = book.collection_rates(2566).set_index("quarter")
    # w: Feb, Mar (Q2) and 15 Apr (Q3) count; 15 May (the write-off date) and later do not; the 20 Jun recovery is not
    # collected; u (written off, no date) is out from the start
    assert table.loc[2, "due"] == 2000.0 and table.loc[2, "collected"] == 2000.0 and table.loc[2, "on_time"] == 2000.0
    assert table.loc[3, "due"] == 1000.0 and table.loc[3, "collected"] == 1000.0 and table.loc[4, "due"] == 0.0
    from planlib.loans import large_books as lb

    large = lb.LargeBook(loans, pay)
    pd.testing.assert_frame_equal(large.collection_rates(2566), book.collection_rates(2566), check_dtype=False)


def test_vintage_cumulative_share_ever_90_plus(book):
    table = book.vintage(AS_OF, max_mob=8)
    # cohort FY2566 = 72,000; G is > 90 days past due from 16 May (month 4), B from 15 Jul (month 6)
    assert table.loc[2566, 3] == 0.0
    assert table.loc[2566, 4] == pytest.approx(12_000 / 72_000)
    assert table.loc[2566, 6] == pytest.approx(24_000 / 72_000)
    assert pd.isna(table.loc[2566, 7])  # nobody is 7 months on book yet


def test_roll_rates_month_to_month(book):
    matrix = book.roll_rates(AS_OF, months=1)
    # 30 Jun: A 7,000, C 14,000, F 7,000 current; B 10,000 at 76 days. 31 Jul: F slips to 1-30, B to 91-180
    assert matrix.loc["current", "current"] == pytest.approx(21_000 / 28_000)
    assert matrix.loc["current", "1-30"] == pytest.approx(7_000 / 28_000)
    assert matrix.loc["61-90", "91-180"] == 1.0
    assert matrix.loc["current", "balance"] == 28_000.0


def test_concentration_hhi_and_top_share(book):
    row = pf.concentration(book.snapshot(AS_OF), by="work_type", top=1).iloc[0]
    # sewing 16,000, crafts 19,000 of 35,000: HHI = (16² + 19²) / 35² = 617 / 1,225
    assert row["hhi"] == pytest.approx(617 / 1225)
    assert row["hhi_normalised"] == pytest.approx((617 / 1225 - 0.5) / 0.5)
    assert row["largest"] == "crafts" and row["top_n_share"] == pytest.approx(19 / 35)


def test_originations_by_size_band_match_printed_fy2567():
    portfolio = planlib.load_portfolio("data/hwfund")
    bands = portfolio.lending_breakdown.query("dimension == 'size_band'")
    table = pf.originations(portfolio.loans, 2567, "size_band", bands).set_index("size_band")
    assert list(table["individuals"]) == [2, 0, 0, 0] and list(table["groups"]) == [2, 2, 10, 10]
    assert table["amount"].sum() == 5_000_000.0


def _write(folder, loans: str, payments: str):
    folder.mkdir()
    (folder / "loans.csv").write_text(loans, encoding="utf-8")
    (folder / "payments.csv").write_text(payments, encoding="utf-8")
    (folder / "loan_terms.csv").write_text(
        open("data/hwfund/loan_terms.csv", encoding="utf-8").read(), encoding="utf-8"
    )


def test_bad_loan_data_gets_located_errors(tmp_path):
    loans = ("loan_id,borrower_type,contract_date,principal,term_months,annual_rate,grace_installments\n"
             "L1,individual,2024-01-15,50000,24,3,4\n"          # fine
             "L2,individual,2024-01-15,-5000,24,3,4\n"          # negative principal
             "L3,individual,2024-01-15,50000,36,3,4\n"          # term longer than 24 months
             "L4,individual,2024-01-15,60000,24,3,4\n"          # above the individual limit
             "L5,group,2024-01-15,150000,60,3,6\n")             # grace 6 > 4
    payments = ("loan_id,paid_date,amount\n"
                "L1,2024-01-10,1000\n"                          # before the contract
                "L9,2024-02-15,1000\n")                         # unknown loan
    _write(tmp_path / "org", loans, payments)
    problems = planlib.validate(tmp_path / "org").errors
    found = {(p.table, p.row, p.column, p.code) for p in problems}
    assert ("payments", 2, "paid_date", "payment_before_contract") in found
    assert ("payments", 3, "loan_id", "unknown_code") in found
    assert any(p.table == "loans" and p.row == 3 and p.column == "principal" for p in problems)
    assert ("loans", 4, "term_months", "term_outside_terms") in found
    assert ("loans", 5, "principal", "principal_outside_terms") in found
    assert ("loans", 6, "grace_installments", "grace_outside_terms") in found
    assert not any(p.row == 2 and p.table == "loans" for p in problems)
    text = next(p for p in problems if p.code == "term_outside_terms")
    assert "24" in text.reason_en and "เดือน" in text.reason_th


def test_collection_total_pools_the_quarters_amounts(book):
    """The year's rate is Σ on time ÷ Σ due over the quarters (amounts pooled), not a mean of quarterly rates."""
    table = book.collection_rates(2566)
    total = pf.collection_total(table)
    assert total["due"] == table["due"].sum() and total["on_time"] == table["on_time"].sum()
    assert total["on_time_rate"] == pytest.approx(table["on_time"].sum() / table["due"].sum())
    assert total["overall_rate"] == pytest.approx(table["collected"].sum() / table["due"].sum())
    assert total["on_time_rate"] != pytest.approx(table["on_time_rate"].mean())  # Q1 has nothing due: NaN, not 0
    empty = pf.collection_total(table[table["quarter"] == 1])  # Oct–Dec 2022: nothing falls due
    assert empty["due"] == 0 and pd.isna(empty["on_time_rate"]) and pd.isna(empty["overall_rate"])


def test_collection_total_of_the_hwfund_fiscal_year_2567(hwfund_portfolio):
    """78.28 % on time in FY2567: 4,515,168.76 paid by the due date of 5,768,046.61 falling due."""
    total = pf.collection_total(pf.Book.from_portfolio(hwfund_portfolio).collection_rates(2567))
    assert total["due"] == pytest.approx(5_768_046.61) and total["on_time"] == pytest.approx(4_515_168.76)
    assert round(100 * total["on_time_rate"], 2) == 78.28 and round(100 * total["overall_rate"], 2) == 94.21
