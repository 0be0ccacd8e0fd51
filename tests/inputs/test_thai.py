"""Thai value parsers, checked on strings taken from the source documents."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planlib.inputs import thai
from planlib.inputs.thai import ThaiValueError

# ---------------------------------------------------------------- digits and numbers


def test_thai_digits_to_arabic_and_back() -> None:
    assert thai.thai_to_arabic_digits("๑๒,๓๔๕.๖๗") == "12,345.67"
    assert thai.thai_to_arabic_digits("๒๕๖4") == "2564"  # mixed-script year, seed 004 L50
    assert thai.arabic_to_thai_digits("2568") == "๒๕๖๘"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("๑๒,๓๔๕.๖๗", 12345.67),
        ("15.99 ล้านบาท", 15_990_000.0),  # seed 000 L119 capital after 2558
        ("14.01 ล้านบาท", 14_010_000.0),
        ("5,000,000 บาท", 5_000_000.0),
        ("312,359.95", 312_359.95),  # seed 000 Table 2-2 arrears FY2560
        ("ร้อยละ 80", 80.0),  # seed 000 P3 target
        ("ระดับ 5", 5.0),  # K1 target "ระดับ 5"
        ("๔.๐๐๐๐", 4.0),  # seed 001 L377 score
        ("(1,000)", -1000.0),
        ("80%", 80.0),
        (3.62, 3.62),
        (130000000, 130_000_000.0),
    ],
)
def test_parse_number_real_strings(raw: object, expected: float) -> None:
    assert thai.parse_number(raw) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("raw", ["", "-", "–", "ไม่มีข้อมูล", "N/A", None, float("nan"), "  "])
def test_missing_markers_are_missing_not_zero(raw: object) -> None:
    assert thai.parse_number(raw) is None
    assert thai.is_missing(raw)


@pytest.mark.parametrize("raw", ["abc", "12,34", "1.2.3", "๑๒x"])
def test_parse_number_rejects_with_bilingual_reason(raw: str) -> None:
    with pytest.raises(ThaiValueError) as err:
        thai.parse_number(raw)
    assert err.value.reason_en and err.value.reason_th
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err.value.reason_th)


def test_parse_int_refuses_fractions() -> None:
    assert thai.parse_int("๔๕") == 45
    with pytest.raises(ThaiValueError, match="whole number"):
        thai.parse_int("4.5")


def test_stars_importance_seed_003() -> None:
    assert thai.parse_stars("***") == 3
    assert thai.parse_stars("*") == 1
    assert thai.parse_stars("๒") == 2
    with pytest.raises(ThaiValueError):
        thai.parse_stars("* ๓ ๗")  # the odd printed cell of tfund project 2


# ---------------------------------------------------------------- mixed counts


@pytest.mark.parametrize(
    ("raw", "total", "individuals", "groups"),
    [
        ("45 (4 ราย/41 กลุ่ม)", 45, 4, 41),  # Table 2-1 FY2564
        ("29 (26 กลุ่ม/3 ราย)", 29, 3, 26),  # Table 2-1 FY2565
        ("23 (22 กลุ่ม 1 ราย)", 23, 1, 22),  # Table 2-1 FY2566
        ("54 กลุ่ม/ราย 47 กลุ่ม /7 ราย 6,375,000 บาท", 54, 7, 47),  # Table 2-2 FY2562
        ("46 กลุ่ม/ราย 7 ราย/388 กลุ่ม 5,510,000 บาท", 46, 7, 388),  # Table 2-2 FY2561 (388 as printed)
        ("๑๒", 12, None, None),
        (55, 55, None, None),
    ],
)
def test_mixed_counts(raw: object, total: int, individuals: int | None, groups: int | None) -> None:
    count = thai.parse_mixed_count(raw)
    assert (count.total, count.individuals, count.groups) == (total, individuals, groups)


@pytest.mark.parametrize(
    ("raw", "total", "individuals", "groups"),
    [
        ("4 ราย 29 กลุ่ม", 33, 4, 29),  # parts only, no total printed
        ("22 กลุ่ม 1 ราย", 23, 1, 22),  # relief round FY2566 result, L206-208
        ("47 กลุ่ม /7 ราย", 54, 7, 47),  # the split of Table 2-2 FY2562 on its own
        ("๓ ราย", 3, 3, None),
    ],
)
def test_mixed_count_without_a_printed_total_sums_the_parts(
    raw: str, total: int, individuals: int | None, groups: int | None
) -> None:
    count = thai.parse_mixed_count(raw)
    assert (count.total, count.individuals, count.groups) == (total, individuals, groups)
    assert not count.total_printed and count.consistent
    assert thai.parse_mixed_count("45 (4 ราย/41 กลุ่ม)").total_printed


def test_mixed_count_flags_parts_that_do_not_add_up() -> None:
    # Table 2-2 FY2563 prints a total of 45 but splits it 14 + 43 = 57.
    count = thai.parse_mixed_count("45 กลุ่ม/ ราย 14 ราย/43 กลุ่ม 7,000,000 บาท")
    assert (count.total, count.individuals, count.groups) == (45, 14, 43)
    assert not count.consistent
    assert thai.parse_mixed_count("45 (4 ราย/41 กลุ่ม)").consistent


# ---------------------------------------------------------------- years


def test_be_ce_conversion() -> None:
    assert thai.be_to_ce(2568) == 2025
    assert thai.ce_to_be(2025) == 2568


@pytest.mark.parametrize(("raw", "year"), [("2568", 2568), ("๒๕๖๘", 2568), ("พ.ศ. 2567", 2567), ("FY2561", 2561)])
def test_parse_be_year(raw: str, year: int) -> None:
    assert thai.parse_be_year(raw) == year


def test_ce_year_in_be_column_is_an_error_unless_era_says_ce() -> None:
    with pytest.raises(ThaiValueError, match="CE year") as err:
        thai.parse_be_year("2025")
    assert "ค.ศ." in err.value.reason_th
    assert thai.parse_be_year("2025", era="CE") == 2568
    assert thai.parse_be_year("2025", era="ค.ศ.") == 2568


@pytest.mark.parametrize("raw", ["68", "12345", "3000"])
def test_implausible_years_refused(raw: str) -> None:
    with pytest.raises(ThaiValueError):
        thai.parse_be_year(raw)


# ---------------------------------------------------------------- months and dates


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("ต.ค.", 10),
        ("ตค", 10),
        ("มี.ค.", 3),
        ("มีค", 3),
        ("ตุลาคม", 10),
        ("กุมภาพันธ์", 2),
        ("เม.ย.", 4),
        ("ธ.ค.", 12),
        ("Sep", 9),
    ],
)
def test_month_names_full_abbreviated_with_or_without_dots(name: str, number: int) -> None:
    assert thai.month_number(name) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30 ก.ย.61", dt.date(2018, 9, 30)),  # Table 2-2 arrears as-of, 2-digit BE
        ("1 ต.ค. 2567", dt.date(2024, 10, 1)),
        ("12 Jan 2553", dt.date(2010, 1, 12)),  # capital history, seed 000 L119 (BE year, English month)
        ("29 ก.พ. 2567", dt.date(2024, 2, 29)),  # leap day only valid once BE is converted first
        ("2024-10-01", dt.date(2024, 10, 1)),
        ("1/10/2567", dt.date(2024, 10, 1)),
        ("๓๑ ก.ค. ๒๕๖๗", dt.date(2024, 7, 31)),
        ("ณ 30 ก.ย.63", dt.date(2020, 9, 30)),
        ("15 กรกฎาคม 2567", dt.date(2024, 7, 15)),
        (dt.datetime(2024, 10, 1), dt.date(2024, 10, 1)),
        (dt.datetime(2567, 10, 1), dt.date(2024, 10, 1)),  # a BE year typed into an Excel date cell
    ],
)
def test_parse_date(raw: object, expected: dt.date) -> None:
    assert thai.parse_date(raw) == pd.Timestamp(expected)


def test_invalid_dates_get_reasons() -> None:
    with pytest.raises(ThaiValueError, match="no such date"):
        thai.parse_date("29 ก.พ. 2566")  # 2023 is not a leap year
    with pytest.raises(ThaiValueError, match="day is missing"):
        thai.parse_date("ต.ค. 67")
    with pytest.raises(ThaiValueError):
        thai.parse_date("เมื่อวาน")


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        ("ต.ค. 67", "2024-10"),
        ("ตุลาคม 2567", "2024-10"),
        ("2024-10", "2024-10"),
        ("ก.ย.68", "2025-09"),
        ("10/2024", "2024-10"),
    ],
)
def test_parse_month(raw: str, period: str) -> None:
    assert thai.parse_month(raw) == pd.Period(period, freq="M")


# ---------------------------------------------------------------- fiscal calendar


def test_fiscal_year_boundaries() -> None:
    assert thai.fiscal_year(pd.Timestamp("2024-09-30")) == 2567
    assert thai.fiscal_year(pd.Timestamp("2024-10-01")) == 2568
    assert thai.fiscal_year(pd.Period("2025-09", "M")) == 2568


@pytest.mark.parametrize(("month", "quarter"), [(10, 1), (12, 1), (1, 2), (3, 2), (4, 3), (6, 3), (7, 4), (9, 4)])
def test_fiscal_quarter(month: int, quarter: int) -> None:
    assert thai.fiscal_quarter(dt.date(2025, month, 1)) == quarter


def test_quarter_dates() -> None:
    assert thai.fiscal_year_start(2568) == pd.Timestamp("2024-10-01")
    assert thai.fiscal_year_end(2568) == pd.Timestamp("2025-09-30")
    assert thai.quarter_end(2568, 1) == pd.Timestamp("2024-12-31")
    assert thai.quarter_end(2568, 2) == pd.Timestamp("2025-03-31")
    assert thai.quarter_start(2568, 4) == pd.Timestamp("2025-07-01")
    assert list(thai.fiscal_months(2568).strftime("%Y-%m"))[:3] == ["2024-10", "2024-11", "2024-12"]
    with pytest.raises(ThaiValueError):
        thai.quarter_end(2568, 5)


@pytest.mark.parametrize(
    ("raw", "year"), [(2568, 2568), ("2568", 2568), (" ๒๕๖๘ ", 2568), (2568.0, 2568), ("2540", 2540), (2700, 2700)]
)
def test_check_fiscal_year_accepts_be_years_as_typed(raw: object, year: int) -> None:
    assert thai.check_fiscal_year(raw) == year


def test_check_fiscal_year_names_the_be_year_a_ce_year_means() -> None:
    """`--fy 2025` (issue 14): the analyst meant 2568; the error says so, in English and Thai."""
    with pytest.raises(ThaiValueError) as ce:
        thai.check_fiscal_year(2025)
    assert ce.value.code == "bad_value_ce_year" and ce.value.values == {"year": 2025, "be": 2568}
    assert "2025 looks like a CE year" in ce.value.reason_en and "2568" in ce.value.reason_en
    assert "ค.ศ." in ce.value.reason_th and "2568" in ce.value.reason_th
    with pytest.raises(ThaiValueError) as late:
        thai.check_fiscal_year("๒๗๐๑")
    assert late.value.code == "bad_value_be_year_implausible" and late.value.values["high"] == 2700


@pytest.mark.parametrize("raw", [True, "2568.5", 2568.5, "abc", "", None, "25 68"])
def test_check_fiscal_year_refuses_what_is_not_a_year(raw: object) -> None:
    with pytest.raises(ThaiValueError) as bad:
        thai.check_fiscal_year(raw)
    assert bad.value.code == "bad_value_fiscal_year"


@pytest.mark.parametrize(("raw", "quarter"), [(1, 1), ("2", 2), ("๓", 3), (4.0, 4)])
def test_check_quarter_accepts_1_to_4(raw: object, quarter: int) -> None:
    assert thai.check_quarter(raw) == quarter


@pytest.mark.parametrize("raw", [0, 5, -1, True, "Q2", 2.5, None])
def test_check_quarter_refuses_the_rest(raw: object) -> None:
    with pytest.raises(ThaiValueError) as bad:
        thai.check_quarter(raw)
    assert bad.value.code == "bad_value_quarter" and "1–4" in bad.value.reason_en


def test_a_quarter_typed_as_text_thai_digits_or_a_float_is_the_same_quarter() -> None:
    """check_quarter accepts "2", "๒" and 2.0; the date and label functions use the quarter it returns."""
    for typed in ("2", "๒", 2.0):
        assert thai.quarter_start(2568, typed) == pd.Timestamp("2025-01-01")  # type: ignore[arg-type]
        assert thai.quarter_end(2568, typed) == pd.Timestamp("2025-03-31")  # type: ignore[arg-type]
        assert thai.format_quarter(2568, typed) == "ไตรมาส 2/2568"  # type: ignore[arg-type]


def test_be_display_formats() -> None:
    assert thai.format_quarter(2568, 2) == "ไตรมาส 2/2568"
    assert thai.format_quarter(2568, 2, thai_digits=True) == "ไตรมาส ๒/๒๕๖๘"
    assert thai.format_month(pd.Period("2024-10", "M")) == "ต.ค. 67"
    assert thai.format_month(pd.Period("2024-10", "M"), full=True) == "ตุลาคม 2567"
    assert thai.format_date(pd.Timestamp("2024-07-31")) == "31 ก.ค. 2567"
    assert thai.format_baht(15705451.88, decimals=2) == "15,705,451.88 บาท"


# ---------------------------------------------------------------- PDF-extraction damage

DAMAGED = "กำรศึกษำกำรใช้เทคโนโลยีดิจิทัลสนับสนุนกำรปฏิบัติภำรกิจด้ำนกำรประสำนควำมร่วมมือระหว่ำงประเทศ"
REPAIRED = "การศึกษาการใช้เทคโนโลยีดิจิทัลสนับสนุนการปฏิบัติภารกิจด้านการประสานความร่วมมือระหว่างประเทศ"


def test_detects_and_repairs_sara_am_damage_seed_004_title() -> None:
    assert thai.detect_damage(DAMAGED).damaged
    assert thai.repair_damage(DAMAGED) == REPAIRED


def test_repair_handles_spaced_am_and_tone_order() -> None:
    assert thai.repair_damage("ส ำนักงำนแรงงำน") == "สำนักงานแรงงาน"
    assert thai.repair_damage("เพ\u0e48\u0e37อกำรพัฒนำ") == "เพื่อการพัฒนา"  # tone stored before upper vowel


def test_detects_a_lost_sara_am_written_as_space_aa() -> None:
    # seed 004 W5 and T5 (clean-font runs): "ก าหนด", "น ามา", "ท าให้" for กำหนด, นำมา, ทำให้
    w5 = "ขาดการก าหนดทิศทางของการจัดการองค์ความรู้ด้านดิจิทัลและนวัตกรรมเพื่อน ามาปรับปรุง"
    damage = thai.detect_damage(w5)
    assert damage.damaged and damage.spaced_aa == 2 and not damage.font_swapped
    assert thai.repair_damage(w5) == "ขาดการกำหนดทิศทางของการจัดการองค์ความรู้ด้านดิจิทัลและนวัตกรรมเพื่อนำมาปรับปรุง"
    # a real ำ in the same text is kept: only the font-swap form turns bare ำ into า
    assert thai.repair_damage("ทำงาน ก าหนด") == "ทำงาน กำหนด"
    assert not thai.detect_damage("ข้อ 5 า").damaged  # า after a digit is not a lost ำ


def test_repair_never_touches_clean_text_and_runs_once() -> None:
    clean = "กองทุนฯ มีฐานข้อมูลสำหรับผู้บริหารใช้ในการสนับสนุนการตัดสินใจ"  # seed 000 S3
    assert not thai.detect_damage(clean).damaged
    assert thai.repair_damage(clean) == clean
    once = thai.repair_damage(DAMAGED)
    assert thai.repair_damage(once) == once  # no second pass turns every ำ into า


def test_clean_text_nfc_and_spaces() -> None:
    assert thai.clean_text("  ตัด\u00a0เย็บ  ") == "ตัด เย็บ"
    assert thai.clean_text(1.0) == "1"
    assert thai.clean_text("") is None


@pytest.mark.parametrize("raw", [float("inf"), float("-inf"), "9" * 400, "1" + "0" * 320 + " ล้านบาท"])
def test_numbers_too_large_for_a_float_are_errors(raw: object) -> None:
    with pytest.raises(thai.ThaiValueError, match="too large"):
        thai.parse_number(raw)
