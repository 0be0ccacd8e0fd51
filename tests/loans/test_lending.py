"""Published lending statistics of the Homeworkers Fund (seed 000 Tables 2-1 and 2-2), recomputed."""

from __future__ import annotations

import pandas as pd
import pytest

import planlib
from planlib.loans import lending


@pytest.fixture(scope="module")
def hw() -> planlib.Portfolio:
    return planlib.load_portfolio("data/hwfund", synthetic=False)


def test_table_2_2_disbursement_percentages_reproduced(hw):
    table = lending.disbursement(hw.lending_annual)
    t22 = table[table["source"] == "Table 2-2"].set_index("fiscal_year")
    # Table 2-2 "ร้อยละที่ปล่อยกู้" FY2560–2567 (L247–254), FY2565 printed 100 against Table 2-1's 96
    assert list(t22.index) == list(range(2560, 2568))
    assert list(t22["disbursement_rate"]) == [100.0, 100.0, 91.07, 100.0, 100.0, 100.0, 76.4, 100.0]
    assert t22["matches_printed"].all()
    t21 = table[table["source"] == "Table 2-1"].set_index("fiscal_year")
    assert t21.loc[2565, "disbursement_rate"] == 96.0  # 4,800,000 / 5,000,000
    assert t21.loc[2566, "disbursement_rate"] == 88.8  # 4,440,000 / 5,000,000
    assert t21.loc[2548, "disbursement_rate"] == 2.53  # 790,000 / 31,200,000


def test_yearly_series_counts_averages_shares_yoy(hw):
    series = lending.yearly(hw.lending_annual).set_index("fiscal_year")
    assert series["source"].iloc[0] == "Table 2-1" and list(series.index) == list(range(2548, 2568))
    assert series.loc[2567, "average_loan"] == 192_307.69  # 5,000,000 / 26
    assert series.loc[2562, "count_achievement"] == 108.0  # 54 / 50
    assert series.loc[2564, "group_share"] == 91.11  # 41 / 45
    assert pd.isna(series.loc[2563, "group_share"])  # parts not printed in Table 2-1
    assert series.loc[2565, "amount_yoy"] == -31.43  # 4.8 M vs 7.0 M
    assert series.loc[2559, "amount_yoy"] == 38.59  # 6.5 M vs 4.69 M
    assert pd.isna(series.loc[2548, "amount_yoy"])


def test_mislabelled_years_are_flagged(hw):
    series = lending.yearly(hw.lending_annual).set_index("fiscal_year")
    assert series.loc[2548, "year_printed"] == "2558" and series.loc[2549, "year_printed"] == "2559"
    assert series["year_corrected"].sum() == 2
    notes = lending.year_label_notes(hw.lending_annual)
    assert list(notes["fiscal_year"]) == [2548, 2549]


def test_conflicting_sources_side_by_side(hw):
    table = lending.conflicts(hw.lending_annual).set_index(["fiscal_year", "measure"])
    row = table.loc[(2565, "actual_amount")]
    assert (row["Table 2-1"], row["Table 2-2"], row["narrative"]) == (4_800_000, 5_000_000, 4_800_000)
    assert not row["agree"]
    assert table.loc[(2566, "actual_count"), "Table 2-2"] == 20 and table.loc[(2566, "actual_count"), "Table 2-1"] == 23
    assert table.loc[(2560, "actual_amount"), "agree"]


def test_stocks_carry_their_own_dates(hw):
    stocks = lending.stocks(hw.lending_annual).set_index(["fiscal_year", "measure"])
    assert stocks.loc[(2562, "arrears"), "as_of"] == pd.Timestamp("2018-09-30")  # printed ณ 30 ก.ย.61 in the FY2562 row
    assert stocks.loc[(2562, "arrears"), "as_of_kind"] == "outside"
    assert stocks.loc[(2562, "litigation"), "as_of_kind"] == "year_end"
    assert stocks.loc[(2567, "litigation"), "as_of_kind"] == "mid_quarter"  # 31 Jul
    assert stocks.loc[(2563, "arrears"), "count"] == 70 and stocks.loc[(2563, "arrears"), "count_from_parts"]  # 7 + 63
    copied = stocks[stocks["same_as_previous"]].index.tolist()
    assert copied == [(2565, "arrears"), (2566, "arrears")]  # 1,455,732.41 printed three years running


def test_arrears_and_litigation_share_of_outstanding(hw):
    shares = lending.stock_shares(hw.lending_annual).set_index("measure")
    # 611,266.30 / 15,705,451.88 and 1,866,409.99 / 15,705,451.88 (seed 000 §3.5 notes)
    assert shares.loc["arrears", "share"] == pytest.approx(3.892064, abs=1e-6)
    assert shares.loc["litigation", "share"] == pytest.approx(11.883835, abs=1e-6)
    assert shares.loc["arrears", "count_share"] == pytest.approx(100 * 33 / 161)
    assert shares.loc["arrears", "gap_days"] == 1 and "1 day" in shares.loc["arrears", "note"]
    strict = lending.stock_shares(hw.lending_annual, max_gap_days=0).set_index("measure")
    assert strict["share"].isna().all() and "not computed" in strict.loc["arrears", "note"]


def test_capital_utilisation(hw):
    table = lending.capital_utilisation(hw.lending_annual, hw.capital_history).set_index("fiscal_year")
    assert table.loc[2567, "capital"] == 25_990_000.0
    assert table.loc[2567, "credit_line_share"] == 19.24  # 5 M / 25.99 M
    assert table.loc[2553, "capital"] == 30_000_000.0 and table.loc[2552, "capital"] == 130_000_000.0
    assert table.loc[2567, "cumulative_lending"] == 71_866_000.0  # Σ Table 2-1 (the text prints 72,346,000)
    from_column = lending.capital_in_force(hw.lending_annual)
    assert from_column.loc[2560] == 15_990_000.0 and from_column.loc[2561] == 25_990_000.0


def test_aggregates_without_targets_or_sources():
    frame = pd.DataFrame(
        {
            "fiscal_year": [2566, 2567],
            "target_amount": [None, 1_000_000.0],
            "actual_amount": [500_000.0, 900_000.0],
            "actual_count": [5, 0],
        }
    )
    series = lending.yearly(frame)
    assert pd.isna(series.loc[0, "disbursement_rate"]) and series.loc[1, "disbursement_rate"] == 90.0
    assert pd.isna(series.loc[1, "average_loan"])  # no loans counted: no average, not a division by zero
    assert series.loc[1, "amount_yoy"] == 80.0
    assert lending.conflicts(frame).empty and lending.stock_shares(frame).empty


def test_as_of_kind():
    assert lending.as_of_kind(pd.Timestamp("2024-09-30"), 2567) == "year_end"
    assert lending.as_of_kind(pd.Timestamp("2024-03-31"), 2567) == "quarter_end"
    assert lending.as_of_kind(pd.Timestamp("2024-07-31"), 2567) == "mid_quarter"
    assert lending.as_of_kind(pd.Timestamp("2018-09-30"), 2562) == "outside"


def test_yearly_gives_one_row_per_fiscal_year_for_plotting(hw):
    """lending_annual prints FY2560–2567 twice or three times (Tables 2-1, 2-2, narrative); yearly() never does."""
    annual = hw.lending_annual
    assert annual["fiscal_year"].duplicated().any()  # plotting the raw table zigzags
    main = lending.yearly(annual)
    assert main["fiscal_year"].is_unique and list(main["fiscal_year"]) == list(range(2548, 2568))
    assert set(main["source"]) == {"Table 2-1"}
    assert main.set_index("fiscal_year").loc[2566, "actual_amount"] == 4_440_000
    preferred = lending.yearly(annual, ["Table 2-2", "Table 2-1"]).set_index("fiscal_year")
    assert list(preferred.index) == list(range(2548, 2568))  # every year either table prints, once
    assert set(preferred.loc[2548:2559, "source"]) == {"Table 2-1"} and set(preferred.loc[2560:, "source"]) == {
        "Table 2-2"
    }
    assert preferred.loc[2566, "actual_amount"] == 3_820_000 and preferred.loc[2566, "disbursement_rate"] == 76.40
    assert preferred.loc[2561, "actual_count"] == 46  # Table 2-2's count (Table 2-1 prints 45)
    assert pd.isna(preferred.loc[2560, "amount_yoy"])  # 2559 is from another table: no YoY across sources
    assert preferred.loc[2567, "amount_yoy"] == 30.89  # 5.0 M vs Table 2-2's 3.82 M
    one = lending.yearly(annual, "narrative")
    assert list(one["fiscal_year"]) == [2565, 2566, 2567]
    assert list(one["actual_amount"]) == [4_800_000, 4_440_000, 5_000_000]


def test_yearly_keeps_the_fullest_row_when_a_source_repeats_a_year():
    frame = pd.DataFrame({
        "fiscal_year": [2566, 2567, 2567],
        "source": ["report", "report", "report"],
        "target_amount": [1_000_000.0, None, 2_000_000.0],
        "actual_amount": [500_000.0, 900_000.0, 1_500_000.0],
        "actual_count": [5, None, 10],
    })
    series = lending.yearly(frame)
    assert list(series["fiscal_year"]) == [2566, 2567]
    assert series.loc[1, "actual_amount"] == 1_500_000.0 and series.loc[1, "disbursement_rate"] == 75.0
    assert series.loc[1, "amount_yoy"] == 200.0
