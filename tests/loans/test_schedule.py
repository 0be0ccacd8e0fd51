"""Repayment schedules worked by hand: interest, grace, relief rounds, rounding to the satang."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

import planlib
from planlib.loans import schedule


def test_equal_principal_interest_by_hand():
    s = schedule.repayment_schedule(12_000, 3, 12, method="equal_principal")
    # 1,000 principal a month; interest 0.25% of 12,000, 11,000, … 1,000 = 2.50 × (12 + 11 + … + 1) = 195.00
    assert list(s["principal"]) == [1000.0] * 12
    assert s["interest"].iloc[0] == 30.0 and s["interest"].iloc[-1] == 2.5
    assert s["interest"].sum() == pytest.approx(195.0, abs=1e-9)
    assert s["payment"].sum() == pytest.approx(12_195.0, abs=1e-9)


def test_grace_is_interest_only_then_amortises():
    s = schedule.repayment_schedule(12_000, 3, 12, method="equal_principal", grace_installments=4)
    assert list(s["principal"].iloc[:4]) == [0.0] * 4
    assert list(s["interest"].iloc[:4]) == [30.0] * 4
    assert list(s["principal"].iloc[4:]) == [1500.0] * 8
    # 4 × 30 + 0.25% × 1,500 × (8 + 7 + … + 1) = 120 + 3.75 × 36 = 255.00
    assert s["interest"].sum() == pytest.approx(255.0, abs=1e-9)


def test_annuity_level_payment_and_satang_identity():
    s = schedule.repayment_schedule(12_000, 3, 12)
    # P = 12,000 × 0.0025 / (1 − 1.0025^−12) = 1,016.3238… → 1,016.32; the last instalment takes the rounding
    assert set(s["payment"].iloc[:11]) == {1016.32}
    assert s["closing"].iloc[-1] == 0.0
    satang = (s[["principal", "interest", "payment"]] * 100).round().astype("int64")
    assert satang["principal"].sum() == 1_200_000
    assert satang["payment"].sum() == satang["principal"].sum() + satang["interest"].sum()
    assert (satang["payment"] == satang["principal"] + satang["interest"]).all()


@pytest.mark.parametrize("method", schedule.METHODS)
@pytest.mark.parametrize(
    ("principal", "term", "grace"), [(50_000, 24, 4), (287_000, 60, 4), (73_333.33, 48, 0), (1, 24, 0)]
)
def test_schedules_sum_to_principal_plus_interest_to_the_satang(method, principal, term, grace):
    s = schedule.repayment_schedule(
        principal, 3, term, method=method, grace_installments=grace, relief_rate=0, relief_installments=12
    )
    satang = (s[["principal", "interest", "payment"]] * 100).round().astype("int64")
    assert satang["principal"].sum() == round(principal * 100)
    assert satang["payment"].sum() == satang["principal"].sum() + satang["interest"].sum()
    assert len(s) == term


def test_zero_percent_instalment_accrues_no_interest():
    s = schedule.repayment_schedule(
        50_000, 3, 24, method="equal_principal", grace_installments=4, relief_rate=0, relief_installments=12
    )
    assert (s["interest"].iloc[:12] == 0).all()
    assert (s["payment"].iloc[:4] == 0).all()  # grace at 0%: nothing falls due
    # instalment 13: balance 50,000 − 8 × 2,500 = 30,000 at 3% / 12
    assert s["opening"].iloc[12] == 30_000.0 and s["interest"].iloc[12] == 75.0


def test_due_dates_are_monthly_and_clip_to_month_end():
    s = schedule.repayment_schedule(12_000, 3, 3, contract_date="2024-01-31")
    assert list(s["due_date"]) == [pd.Timestamp("2024-02-29"), pd.Timestamp("2024-03-31"), pd.Timestamp("2024-04-30")]
    s = schedule.repayment_schedule(12_000, 3, 2, first_due_date="2024-03-05")
    assert list(s["due_date"]) == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-04-05")]


def test_fy2567_relief_rule_from_shipped_relief_rounds():
    rounds = planlib.load_portfolio("data/hwfund", synthetic=False).relief_rounds.set_index("fiscal_year")
    assert schedule.relief_installments(rounds.loc[2567], True) == 24
    assert schedule.relief_installments(rounds.loc[2567], False) == 12
    assert schedule.relief_installments(rounds.loc[2565], True) == 12  # COVID rounds: no extension


def test_interest_forgone_one_loan_and_cohort():
    loan = pd.DataFrame({"loan_id": ["x"], "principal": [50_000.0], "term_months": [24], "annual_rate": [3.0],
                         "grace_installments": [4], "contract_date": [pd.Timestamp("2024-01-15")]})
    # normal: 4 × 125 + 0.25% × 2,500 × (20 + … + 1) = 500 + 1,312.50 = 1,812.50 (equal principal)
    full = schedule.interest_forgone(loan, relief_installments=24, method="equal_principal")
    assert full["interest_normal"].iloc[0] == pytest.approx(1812.5) and full["interest_forgone"].iloc[
        0
    ] == pytest.approx(1812.5)
    # 12 at 0%: instalments 13–24 still pay 0.25% × 2,500 × (12 + … + 1) = 487.50
    half = schedule.interest_forgone(loan, relief_installments=12, method="equal_principal")
    assert half["interest_forgone"].iloc[0] == pytest.approx(1325.0)
    cohort = (
        pd.concat([loan, loan.assign(loan_id="y", relief_fiscal_year=2567)])
        .assign(relief_fiscal_year=2567)
        .reset_index(drop=True)
    )
    rounds = pd.DataFrame(
        {"fiscal_year": [2567], "annual_rate": [0.0], "installments": [12], "extra_installments_if_on_time": [12]}
    )
    on_time = pd.Series([True, False], index=cohort.index)
    table = schedule.cohort_interest_forgone(cohort, rounds, on_time=on_time, method="equal_principal")
    assert table["loans"].iloc[0] == 2
    assert table["interest_forgone"].iloc[0] == pytest.approx(1812.5 + 1325.0)


def test_default_interest_and_method_check():
    assert schedule.default_interest(10_000, 73, 2) == 40.0  # 10,000 × 2% × 73/365
    with pytest.raises(ValueError, match="method must be one of") as raised:
        schedule.repayment_schedule(1000, 3, 12, method="balloon")
    assert "วิธีผ่อนชำระ" in str(raised.value)  # the catalogue's Thai text too


@pytest.mark.parametrize(("overdue", "days", "exact", "rounded"), [
    (273.75, 1, "0.015", 0.02),  # Python's round(0.015) gives 0.01
    (821.25, 1, "0.045", 0.05),
    (91.25, 3, "0.015", 0.02),
    (1_003.75, 1, "0.055", 0.06),
    (10_000.00, 1, "0.547945…", 0.55),
])
def test_default_interest_rounds_half_satang_up(overdue, days, exact, rounded):
    assert schedule.default_interest(overdue, days, 2.0) == rounded
    assert schedule.default_interest(-overdue, days, 2.0) == -rounded  # a negative adjustment: half away from zero


def test_default_interest_half_satang_sweep_matches_exact_decimal_rounding():
    """Every overdue amount up to 20,000.00 THB over 1–120 days whose 2% interest is exactly x.xx5 THB rounds up.

    Interest in satang = s × 2 × d ÷ 36,500 for s satang over d days: a half satang exactly when
    s × d is an odd multiple of 9,125. Python's round() on the float product sends many of them
    down (the old behaviour); the sweep checks that it really contains such cases.
    """
    cases = float_round_wrong = 0
    for days in range(1, 121):
        for odd in range(1, 2 * 2_000_000 * days // 9_125, 2):
            if (9_125 * odd) % days:
                continue
            satang = 9_125 * odd // days
            if satang > 2_000_000:
                break
            exact = Fraction(satang * 2 * days, 36_500)
            assert exact.denominator == 2
            half_up = (exact.numerator + 1) // 2
            amount = satang / 100
            assert schedule.default_interest(amount, days, 2) == half_up / 100, (amount, days)
            cases += 1
            float_round_wrong += round(amount * 2 / 100 * days / 365, 2) != half_up / 100
    assert cases > 5_000 and float_round_wrong > 500
    amounts = pd.Series([273.75, None, 821.25, 10_000.0], index=[3, 5, 7, 9])
    got = schedule.default_interest(amounts, pd.Series([1, 1, 1, 73], index=[3, 5, 7, 9]))
    assert got.index.tolist() == [3, 5, 7, 9] and got.iloc[[0, 2, 3]].tolist() == [0.02, 0.05, 40.0]
    assert pd.isna(got.iloc[1])


def test_equal_principal_rounds_balance_over_instalments_left_each_month():
    """The convention stated in the report's method appendix: 833.33 and 833.34 alternate; the last is not 833.37."""
    s = schedule.repayment_schedule(10_000, 0, 12, method="equal_principal")
    assert s["principal"].tolist() == [833.33] * 4 + [833.34, 833.33] * 4
    assert round(10_000 - 11 * 833.33, 2) == 833.37  # the textbook B ÷ n with the last instalment taking the rest


def test_vectorised_schedules_equal_one_by_one():
    loans = pd.DataFrame(
        {
            "loan_id": ["a", "b", "c"],
            "principal": [50_000.0, 120_000.0, 7_500.0],
            "term_months": [24, 60, 24],
            "annual_rate": [3.0, 3.0, 0.0],
            "grace_installments": [4, 0, 2],
            "contract_date": pd.to_datetime(["2023-12-10", "2024-01-31", "2024-03-01"]),
        }
    )
    together = schedule.schedules(loans)
    for _, loan in loans.iterrows():
        alone = schedule.repayment_schedule(
            loan.principal,
            loan.annual_rate,
            loan.term_months,
            grace_installments=loan.grace_installments,
            contract_date=loan.contract_date,
        )
        mine = together[together.loan_id == loan.loan_id].drop(columns="loan_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone)


def test_rows_come_in_loan_id_then_instalment_order_whatever_the_input_order():
    loans = pd.DataFrame(
        {
            "loan_id": ["c", "a", "b"],
            "principal": [7_500.0, 50_000.0, 120_000.0],
            "term_months": [3, 2, 4],
            "annual_rate": [0.0, 3.0, 3.0],
            "contract_date": pd.to_datetime(["2024-03-01", "2023-12-10", "2024-01-31"]),
        }
    )
    rows = schedule.schedules(loans)
    assert list(zip(rows.loan_id, rows.installment)) == [("a", 1), ("a", 2), ("b", 1), ("b", 2), ("b", 3), ("b", 4),
                                                         ("c", 1), ("c", 2), ("c", 3)]
    assert rows.groupby("loan_id")["principal"].sum().round(2).to_dict() == {
        "a": 50_000.0,
        "b": 120_000.0,
        "c": 7_500.0,
    }
    pd.testing.assert_frame_equal(rows, schedule.schedules(loans.sort_values("loan_id")))
    # a repeated id (a data error the loader reports) still gives every instalment, sorted stably
    twice = schedule.schedules(pd.concat([loans.iloc[[1]], loans.iloc[[1]]], ignore_index=True))
    assert list(twice.installment) == [1, 1, 2, 2] and (twice.loan_id == "a").all()
