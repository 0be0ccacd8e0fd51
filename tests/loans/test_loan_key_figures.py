"""Page 1 of loan_statistics: key figures equal the report's numbers; verdict rules; missing is never performance."""

from __future__ import annotations

import dataclasses
import re

import pytest

import planlib
from planlib.inputs.key_figure import Change, KeyFigure, find
from planlib.loans import books, lending, loan_report
from planlib.loans import key_figures as kf
from planlib.loans import portfolio as pf

FORBIDDEN = re.compile(r"\binf\b|\bnan\b|\bNone\b|\bNaN\b|(?<![\d.,])[-−]0(?:[.,]0+)?(?![\d.,]*[1-9])")
KEYS = ["outstanding", "par30", "npl", "collection", "disbursement", "litigation"]


@pytest.fixture(scope="module")
def book(hwfund_portfolio: planlib.Portfolio) -> books.LoanBook:
    return books.open_book(hwfund_portfolio, relief_rounds=hwfund_portfolio.tables.get("relief_rounds"))


@pytest.fixture(scope="module")
def year(hwfund_portfolio: planlib.Portfolio, book: books.LoanBook) -> list[KeyFigure]:
    return kf.loan_key_figures(hwfund_portfolio, 2567, book=book)


@pytest.fixture(scope="module")
def published_only(hwfund_portfolio: planlib.Portfolio) -> planlib.Portfolio:
    """The Homeworkers Fund as if it had no loan book: only the published tables."""
    tables = {k: v for k, v in hwfund_portfolio.tables.items() if k not in ("loans", "payments")}
    return dataclasses.replace(hwfund_portfolio, tables=tables)


def printed(figures: list[KeyFigure]) -> list[str]:
    return [t for f in figures for lang in ("th", "en") for t in (*f.row(lang).values(), f.text(lang))]


def test_hwfund_fy2567_figures_are_the_numbers_of_the_report(
    hwfund_portfolio: planlib.Portfolio, book: books.LoanBook, year: list[KeyFigure]
) -> None:
    assert [f.key for f in year] == KEYS
    quality = pf.quality(book.snapshot(loan_report.as_of(2567))).iloc[0]  # the report's quality table
    assert find(year, "outstanding").value == pytest.approx(float(quality["outstanding"]))
    assert find(year, "par30").value == pytest.approx(100 * quality["par30"])
    assert find(year, "npl").value == pytest.approx(100 * quality["npl_ratio"])
    assert find(year, "litigation").value == int(quality["litigation_loans"])
    rates = book.collection_rates(2567)
    assert find(year, "collection").value == pytest.approx(100 * rates["on_time"].sum() / rates["due"].sum())
    yearly = lending.yearly(hwfund_portfolio.lending_annual)
    assert find(year, "disbursement").value == float(
        yearly.loc[yearly["fiscal_year"] == 2567, "disbursement_rate"].iloc[0]
    )


def test_hwfund_fy2567_literal_figures(year: list[KeyFigure]) -> None:
    """PAR30 24.71 %, NPL 18.13 % and 23 loans in litigation: the figures issue 17 found on page 6."""
    assert find(year, "par30").value_text("th") == "24.71 %"
    assert find(year, "npl").value_text("th") == "18.13 %"
    assert find(year, "litigation").value_text("th") == "23 สัญญา"
    assert find(year, "litigation").value_text("en") == "23 loans"
    assert find(year, "outstanding").value_text("en") == "15.65 million THB"
    assert find(year, "disbursement").value_text("en") == "100.00 %"
    assert find(year, "collection").value_text("en") == "78.28 %"
    assert find(year, "par30").period == "ณ 30 ก.ย. 2567"
    assert find(year, "disbursement").period == "ปีงบประมาณ 2567"


def test_changes_are_against_the_previous_year_end(book: books.LoanBook, year: list[KeyFigure]) -> None:
    before = pf.quality(book.snapshot(loan_report.as_of(2566))).iloc[0]
    par30 = find(year, "par30")
    assert par30.change.previous == pytest.approx(100 * before["par30"])
    assert par30.change_short("th") == "+4.42 จุด"
    assert par30.change.period == "30 ก.ย. 2566"
    assert find(year, "npl").change_short("en") == "+2.88 pp"
    assert find(year, "litigation").change_short("th") == "+2 สัญญา"
    assert find(year, "disbursement").change_short("en") == "+11.20 pp"  # 100.00 against FY2566's 88.80
    assert find(year, "disbursement").change.period_en == "FY2566"


def test_a_quarter_compares_with_the_previous_quarter(
    hwfund_portfolio: planlib.Portfolio, book: books.LoanBook
) -> None:
    q3 = kf.loan_key_figures(hwfund_portfolio, 2567, 3, book=book)
    snap = pf.quality(book.snapshot(loan_report.as_of(2567, 3))).iloc[0]
    assert find(q3, "par30").value == pytest.approx(100 * snap["par30"])
    assert find(q3, "par30").period == "ณ 30 มิ.ย. 2567"
    assert find(q3, "par30").change.period == "31 มี.ค. 2567"
    rates = book.collection_rates(2567)
    q3_rate = rates[rates["quarter"] == 3].iloc[0]
    assert find(q3, "collection").value == pytest.approx(100 * q3_rate["on_time_rate"])
    assert find(q3, "collection").change.period == "ไตรมาส 2/2567"
    q1 = kf.loan_key_figures(hwfund_portfolio, 2567, 1, book=book)
    assert find(q1, "collection").change.period_en == "Q4 FY2566"
    assert kf.previous_period(2567, 1) == (2566, 4) and kf.previous_period(2567, None) == (2566, None)


def test_hwfund_fy2567_verdict(year: list[KeyFigure]) -> None:
    th, en = kf.loan_verdict(year)
    assert th == (
        "คุณภาพพอร์ตแย่ลง: PAR30 24.71 % (+4.42 จุด), NPL 18.13 % (+2.88 จุด); ดำเนินคดี 23 สัญญา (+2 สัญญา); "
        "ปล่อยกู้เต็มกรอบวงเงิน (100.00 %); รับชำระตรงเวลา 78.28 % (+0.05 จุด) (ข้อมูลรายสัญญาเป็นข้อมูลสังเคราะห์)"
    )
    assert en.startswith(
        "portfolio quality worsened: PAR30 24.71 % (+4.42 pp), NPL 18.13 % (+2.88 pp); 23 loans in litigation"
    )
    assert en.endswith("(loan-level data are synthetic)")


def test_without_a_loan_book_the_published_stocks_are_used_and_par_has_no_data(
    published_only: planlib.Portfolio,
) -> None:
    figures = kf.loan_key_figures(published_only, 2567)
    stocks = lending.stocks(published_only.lending_annual)
    mine = stocks[stocks["fiscal_year"] == 2567].set_index("measure")
    outstanding, litigation = find(figures, "outstanding"), find(figures, "litigation")
    assert outstanding.value == pytest.approx(mine.loc["outstanding", "amount"])  # 15,705,451.88 at 30 ก.ค. 2567
    assert outstanding.period == "ณ 30 ก.ค. 2567"
    assert litigation.value == int(mine.loc["litigation", "count"]) == 21
    assert litigation.change.previous == 23 and litigation.change_short("en") == "\u22122 loans"
    for key in ("par30", "npl", "collection"):
        figure = find(figures, key)
        assert figure.missing and figure.status == "no data", key
        assert figure.value_text("en") == "no data"
    th, en = kf.loan_verdict(figures)
    assert th.startswith("ไม่มีข้อมูลรายสัญญา จึงไม่มี PAR30 และ NPL; ดำเนินคดี 21 สัญญา")
    assert "synthetic" not in en


def test_an_organisation_without_lending_data_has_no_figures_to_show(plans: dict[str, planlib.Plan]) -> None:
    portfolio = planlib.load_portfolio(plans["dsdw"].path, strict=False)
    figures = kf.loan_key_figures(portfolio, 2566)
    assert [f.key for f in figures] == KEYS
    assert all(f.missing and f.status == "no data" for f in figures)
    assert kf.loan_verdict(figures) == ("ไม่มีข้อมูลรายสัญญา จึงไม่มี PAR30 และ NPL", "no loan-level data, so no PAR30 or NPL")


def test_nothing_forbidden_reaches_the_page(
    hwfund_portfolio: planlib.Portfolio, book: books.LoanBook, published_only: planlib.Portfolio
) -> None:
    for figures in (
        kf.loan_key_figures(hwfund_portfolio, 2567, book=book),
        kf.loan_key_figures(published_only, 2567),
        kf.loan_key_figures(hwfund_portfolio, 2560, book=book),
    ):
        texts = printed(figures) + list(kf.loan_verdict(figures))
        assert not [t for t in texts if FORBIDDEN.search(t)]


# ---------------------------------------------------------------- verdict rules on hand-made figures


def pct(key: str, value: float | None, previous: float | None = None) -> KeyFigure:
    """A hand-made percentage figure (PAR30, NPL…) with an optional previous year-end value."""
    label = {"par30": "PAR30", "npl": "NPL"}.get(key, key)
    change = Change(previous, "30 ก.ย. 2566", "30 Sep 2566") if previous is not None else None
    return KeyFigure(label, label, value, "%", "p", change, None if value is not None else "no data", key=key)


@pytest.mark.parametrize(
    ("par30", "npl", "lead_th", "lead_en"),
    [
        ((5.0, 4.0), (3.0, 2.0), "คุณภาพพอร์ตแย่ลง", "portfolio quality worsened"),
        ((5.0, 4.0), (3.0, 3.0), "คุณภาพพอร์ตแย่ลง", "portfolio quality worsened"),  # one rose, one unchanged
        ((4.0, 5.0), (2.0, 3.0), "คุณภาพพอร์ตดีขึ้น", "portfolio quality improved"),
        ((4.0, 4.0), (2.0, 2.001), "คุณภาพพอร์ตทรงตัว", "portfolio quality unchanged"),  # within the printed 0.01
        ((5.0, 4.0), (2.0, 3.0), "PAR30 และ NPL เปลี่ยนคนละทิศทาง", "PAR30 and NPL moved in opposite directions"),
    ],
)
def test_quality_rule_leads_with_the_direction(par30: tuple, npl: tuple, lead_th: str, lead_en: str) -> None:
    th, en = kf.loan_verdict([pct("par30", *par30), pct("npl", *npl)])
    assert th.startswith(f"{lead_th}: PAR30 {par30[0]:.2f} %")
    assert en.startswith(f"{lead_en}: PAR30 {par30[0]:.2f} %")


def test_quality_rule_without_a_previous_period_gives_the_figures_alone() -> None:
    assert kf.loan_verdict([pct("par30", 5.0), pct("npl", 3.0)]) == (
        "PAR30 5.00 %, NPL 3.00 %",
        "PAR30 5.00 %, NPL 3.00 %",
    )


@pytest.mark.parametrize(
    ("rate", "th", "en"),
    [
        (100.0, "ปล่อยกู้เต็มกรอบวงเงิน (100.00 %)", "lent the full credit line (100.00 %)"),
        (104.2, "ปล่อยกู้เต็มกรอบวงเงิน (104.20 %)", "lent the full credit line (104.20 %)"),
        (88.8, "ปล่อยกู้ 88.80 % ของกรอบวงเงิน", "lent 88.80 % of the credit line"),
    ],
)
def test_disbursement_rule(rate: float, th: str, en: str) -> None:
    figures = [pct("par30", None), KeyFigure("d", "d", rate, "%", "p", key="disbursement")]
    assert kf.loan_verdict(figures) == (
        f"ไม่มีข้อมูลรายสัญญา จึงไม่มี PAR30 และ NPL; {th}",
        f"no loan-level data, so no PAR30 or NPL; {en}",
    )


def test_missing_clauses_are_left_out_and_synthetic_is_named_last() -> None:
    figures = [
        pct("par30", 5.0),
        pct("npl", 3.0),
        KeyFigure("l", "l", None, "สัญญา", "p", status="no data", key="litigation"),
        KeyFigure("c", "c", 90.0, "%", "p", Change(92.0, "ปีงบประมาณ 2566"), key="collection", illustrative=True),
    ]
    th, en = kf.loan_verdict(figures)
    assert th == "PAR30 5.00 %, NPL 3.00 %; รับชำระตรงเวลา 90.00 % (\u22122.00 จุด) (ข้อมูลรายสัญญาเป็นข้อมูลสังเคราะห์)"
    assert en == "PAR30 5.00 %, NPL 3.00 %; 90.00 % collected on time (\u22122.00 pp) (loan-level data are synthetic)"
