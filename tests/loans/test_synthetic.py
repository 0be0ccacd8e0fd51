"""The seeded synthetic Homeworkers book: reproducible, labelled, true to Table 2-1 and the loan terms."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import planlib
from planlib.inputs import thai
from planlib.loans import portfolio as pf
from planlib.loans import synthetic

SYNTHETIC = Path("data/hwfund/synthetic")


@pytest.fixture(scope="module")
def hw():
    return planlib.load_portfolio("data/hwfund")


def test_regenerating_gives_the_committed_files_byte_for_byte(tmp_path):
    data = tmp_path / "data"
    shutil.copytree("data/hwfund", data / "hwfund", ignore=shutil.ignore_patterns("synthetic"))
    assert synthetic.main(["hwfund", "--data-dir", str(data)]) == 0
    for name in ("loans.csv", "payments.csv"):
        assert (data / "hwfund" / "synthetic" / name).read_bytes() == (SYNTHETIC / name).read_bytes(), name


def test_labelled_synthetic_and_loads_clean(hw):
    assert {"loans", "payments"} <= hw.synthetic
    assert hw.loans["source"].str.startswith("synthetic").all()
    assert hw.payments["source"].eq("synthetic").all()
    assert not hw.problems.errors


def test_table_2_1_counts_split_and_amounts(hw):
    loans = hw.loans.assign(fy=[thai.fiscal_year(d) for d in hw.loans["contract_date"]])
    by_year = loans.groupby("fy").agg(n=("loan_id", "size"), amount=("principal", "sum"),
                                      ind=("borrower_type", lambda s: int((s == "individual").sum())))
    t21 = hw.lending_annual[hw.lending_annual["source_table"] == "Table 2-1"].set_index("fiscal_year")
    assert list(by_year.index) == list(range(2548, 2568))
    assert list(by_year["n"]) == list(t21["actual_count"].astype(int))
    assert list(by_year["amount"]) == list(t21["actual_amount"])
    assert list(by_year.loc[2561:2567, "ind"]) == [7, 7, 14, 4, 3, 1, 2]  # Table 2-2 for 2561–2563, Table 2-1 after
    assert by_year["ind"].sum() == 38 and len(loans) == 623


def test_loan_terms_and_relief_rounds_respected(hw):
    loans = hw.loans
    ind = loans["borrower_type"] == "individual"
    assert loans.loc[ind, "principal"].max() <= 50_000 and loans["principal"].max() <= 300_000
    expected = np.where(loans["principal"] <= 50_000, 24, np.where(loans["principal"] <= 100_000, 48, 60))
    assert (loans["term_months"].to_numpy() == expected).all()
    rounds = hw.relief_rounds.set_index("fiscal_year")
    fy = pd.Series([thai.fiscal_year(d) for d in loans["contract_date"]], index=loans.index)
    assert (loans["relief_fiscal_year"].fillna(0).astype(int) == fy.where(fy >= 2565, 0)).all()
    in_2567 = loans[fy == 2567]
    assert in_2567["contract_date"].min() >= rounds.loc[2567, "apply_from"]
    assert in_2567["contract_date"].max() <= pd.Timestamp("2024-07-15")  # contracts done by 15 ก.ค. 2567
    first = hw.payments.groupby("loan_id")["paid_date"].min()
    assert (first > loans.set_index("loan_id").loc[first.index, "contract_date"]).all()


def test_fy2567_work_types_as_printed(hw):
    loans = hw.loans[[thai.fiscal_year(d) == 2567 for d in hw.loans["contract_date"]]]
    groups = loans[loans["borrower_type"] == "group"]["work_type"].value_counts().to_dict()
    assert groups == {"sewing": 10, "handicrafts": 8, "consumer_goods": 4, "handmade_crafts": 2}  # L192–197


def test_arrears_and_litigation_of_the_order_of_table_2_2(hw):
    book = pf.Book.from_portfolio(hw)
    snap = book.snapshot("2024-07-31")
    live = snap[snap["in_portfolio"]]
    lit = live[live["litigation"]]
    arrears = live[(live["overdue"] > 0) & ~live["litigation"]]
    # Table 2-2 at 31 ก.ค. 67: litigation 21 / 1,866,409.99; arrears 33 / 611,266.30; outstanding 161 / 15.7 M
    assert 21 / 2 <= len(lit) <= 21 * 2 and 1.87e6 / 2 <= lit["outstanding"].sum() <= 1.87e6 * 2
    assert 33 / 2 <= len(arrears) <= 33 * 2 and 0.61e6 / 2 <= arrears["overdue"].sum() <= 0.61e6 * 2
    assert 161 / 2 <= len(live) <= 161 * 2


def test_allocate_is_exact_and_bounded():
    rng = np.random.default_rng(0)
    low, high = np.array([5, 10, 10, 10]), np.array([50, 300, 300, 300])
    out = synthetic.allocate(700, low, high, rng)
    assert out.sum() == 700 and (out >= low).all() and (out <= high).all()
    with pytest.raises(ValueError):
        synthetic.allocate(2000, low, high, rng)


def test_book_of_any_size_is_seeded_and_vectorised(tmp_path):
    loans, payments = synthetic.book(3000, seed=7)
    again, _ = synthetic.book(3000, seed=7)
    pd.testing.assert_frame_equal(loans, again)
    assert len(loans) == 3000 and loans["loan_id"].is_unique and len(payments) > 10 * 3000
    assert loans["source"].str.startswith("synthetic").all()
    out = synthetic.write_parquet(tmp_path / "book", 2500, seed=7, chunk=1000)
    parts = sorted((out / "loans").glob("*.parquet"))
    assert len(parts) == 3 and sum(len(pd.read_parquet(p)) for p in parts) == 2500
    assert synthetic.is_synthetic_folder(out) and "2,500 loans" in (out / synthetic.MARKER).read_text(encoding="utf-8")
    assert not synthetic.is_synthetic_folder(tmp_path)


def test_vintage_of_the_synthetic_book_is_cumulative(hw):
    table = pf.Book.from_portfolio(hw).vintage("2024-09-30", max_mob=60)
    assert list(table.index) == list(range(2548, 2568))
    steps = table.diff(axis=1).iloc[:, 1:]
    assert (steps.fillna(0) >= -1e-12).all().all()  # shares never fall with months on book
    assert table.loc[2567].notna().sum() <= 11  # FY2567 loans are at most 10 months old at 30 Sep 2567
