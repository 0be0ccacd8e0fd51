"""planlib.inputs.key_figure: how a key figure prints (numbers, units, changes, coverage), never inf/nan/None/-0."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from planlib.inputs import messages
from planlib.inputs.key_figure import (
    STATUSES,
    Change,
    Coverage,
    KeyFigure,
    date_text,
    figures_table,
    find,
    fiscal_year_text,
    format_number,
    plan_period_text,
    quarter_text,
    signed,
    verdict_text,
)

FORBIDDEN = re.compile(r"\binf\b|\bnan\b|\bNone\b|\bNaN\b|(?<![\d.,])[-−]0(?:[.,]0+)?(?![\d.,]*[1-9])")
"""Words and numbers that must never reach a page: inf, nan, None and a signed zero (-0, −0.00)."""


def printed(figure: KeyFigure) -> list[str]:
    """Every text the figure prints, in both languages."""
    return [text for lang in ("th", "en") for text in (*figure.row(lang).values(), figure.text(lang))]


def assert_clean(figure: KeyFigure) -> None:
    for text in printed(figure):
        assert not FORBIDDEN.search(text), f"{figure.key}: {text!r}"


def test_percent_prints_two_decimals_and_its_change_in_points() -> None:
    figure = KeyFigure(
        "PAR30", "PAR30", 24.711397, "%", "ณ 30 ก.ย. 2567", Change(20.287905, "30 ก.ย. 2566", "30 Sep 2566")
    )
    assert figure.value_text("th") == "24.71 %"
    assert figure.delta == pytest.approx(4.42)
    assert figure.change_short("th") == "+4.42 จุด"
    assert figure.change_text("en") == "+4.42 pp vs 30 Sep 2566"
    assert figure.change_text("th") == "+4.42 จุด จาก 30 ก.ย. 2566"


def test_the_change_is_the_difference_of_the_printed_numbers() -> None:
    """24.714 and 20.285 print 24.71 and 20.29: the change printed is 4.42, not 4.43."""
    figure = KeyFigure("x", "x", 24.714, "%", "p", Change(20.285, "q"))
    assert figure.change_short("en") == "+4.42 pp"


def test_baht_in_millions_from_one_million_and_whole_baht_below() -> None:
    assert format_number(15_651_438.37, "บาท") == "15.65 ล้านบาท"
    assert format_number(15_651_438.37, "บาท", lang="en") == "15.65 million THB"
    assert format_number(6_800, "บาท") == "6,800 บาท"
    figure = KeyFigure("x", "x", 15_651_438.37, "บาท", "p", Change(15_879_018.04, "q"))
    assert figure.change_short("th") == "\u2212227,580 บาท"


def test_counts_print_as_integers_with_their_unit_and_whole() -> None:
    assert format_number(3.0) == "3"
    assert format_number(1234) == "1,234"
    figure = KeyFigure("KPIs on track", "KPIs on track", 4, "ตัว", "p", of=6)
    assert figure.value_text("th") == "4 จาก 6 ตัว"
    assert figure.value_text("en") == "4 of 6 KPIs"
    assert KeyFigure("x", "x", 1, "เกณฑ์", "p").value_text("en") == "1 criterion"
    assert KeyFigure("x", "x", 38.75, "คะแนน", "p", of=100.0, decimals=2).value_text("th") == "38.75 จาก 100 คะแนน"


def test_missing_values_print_their_status_never_none_or_zero() -> None:
    no_data = KeyFigure("budget", "budget", None, "%", "p", status="no data")
    assert no_data.value_text("th") == "ไม่มีข้อมูล"
    assert no_data.value_text("en") == "no data"
    assert KeyFigure("x", "x", float("nan"), "%", "p").missing
    assert KeyFigure("x", "x", np.float64("nan"), "%", "p").value_text("en") == "no data"
    assert KeyFigure("x", "x", pd.NA, "%", "p").value is None
    not_scored = KeyFigure("IE", "IE", None, "", "p", status="not scored")
    assert not_scored.value_text("en") == "not scored"


def test_infinity_prints_no_limit() -> None:
    figure = KeyFigure("critical", "critical", math.inf, "%", "p", decimals=1)
    assert figure.value_text("th") == "ไม่จำกัด"
    assert figure.value_text("en") == "no limit"
    assert figure.delta is None


def test_a_value_or_change_that_rounds_to_zero_has_no_sign() -> None:
    assert format_number(-0.001, "%") == "0.00 %"
    assert format_number(-0.4) == "-0.40"  # a real negative keeps its sign
    assert format_number(-0.001) == "0.00"
    assert signed(0) == "0" and signed(-0.2) == "0" and signed(-1) == "\u22121" and signed(2) == "+2"
    same = KeyFigure("x", "x", 23, "สัญญา", "p", Change(23, "30 ก.ย. 2566", "30 Sep 2566"))
    assert same.change_text("th") == "ไม่เปลี่ยนแปลง จาก 30 ก.ย. 2566"
    assert same.change_text("en") == "unchanged vs 30 Sep 2566"
    tiny = KeyFigure("x", "x", 10.001, "%", "p", Change(10.004, "q"))
    assert tiny.change_short("en") == "unchanged"


def test_a_text_figure_changes_against_a_text() -> None:
    moved = KeyFigure("top", "top", "2", "", "p", Change("1", "แผน", "the plan"))
    assert moved.change_text("th") == "แผน: 1"
    assert moved.change_text("en") == "the plan: 1"
    kept = KeyFigure("top", "top", "1", "", "p", Change("1", "แผน", "the plan"))
    assert kept.change_text("en") == "unchanged from the plan"
    assert KeyFigure("x", "x", 3.0, "%", "p", Change("1", "q")).change is None  # number against text: dropped


def test_coverage_says_how_much_of_the_data_a_figure_rests_on() -> None:
    cover = Coverage(1, 9)
    assert cover.text("en") == "1 of 9 projects reported"
    assert cover.text("th") == "รายงาน 1 จาก 9 โครงการ"
    assert not cover.complete and Coverage(9, 9).complete
    figure = KeyFigure("budget", "budget", 45.33, "%", "p", coverage=cover, decimals=1)
    assert figure.value_text("en") == "45.3 %"
    assert "1 of 9 projects reported" in figure.text("en")


def test_parts_print_by_name_in_both_languages() -> None:
    figure = KeyFigure("k", "k", 4, "ตัว", "p", of=6, parts=(("green", 4), ("amber", 1), ("red", 1), ("grey", 0)))
    assert figure.parts_text("th") == "เขียว 4 · เหลือง 1 · แดง 1 · เทา (ไม่มีข้อมูล) 0"
    assert figure.parts_text("en") == "green 4 · amber 1 · red 1 · grey (no data) 0"


def test_periods_are_in_buddhist_era_years() -> None:
    assert fiscal_year_text(2567) == ("ปีงบประมาณ 2567", "FY2567")
    assert quarter_text(2568, 2) == ("ไตรมาส 2/2568", "Q2 FY2568")
    assert date_text(pd.Timestamp("2024-09-30")) == ("ณ 30 ก.ย. 2567", "as of 30 Sep 2567")
    assert plan_period_text(2566, 2570) == ("แผนปี 2566–2570", "plan FY2566–2570")
    assert plan_period_text(2564, 2564) == ("แผนปี 2564", "plan FY2564")
    assert plan_period_text(None, None) == ("", "")


def test_bad_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown status"):
        KeyFigure("x", "x", 1, "", "p", status="fine")
    with pytest.raises(TypeError):
        KeyFigure("x", "x", True, "", "p")
    with pytest.raises(ValueError):
        format_number(float("nan"))
    with pytest.raises(ValueError):
        KeyFigure("x", "x", 1, "", "p").value_text("de")


def test_table_drops_columns_empty_for_every_figure_and_finds_by_key() -> None:
    figures = [
        KeyFigure("a", "a", 1.5, "%", "p1", key="a"),
        KeyFigure("b", "b", None, "%", "p1", status="no data", key="b"),
    ]
    table = figures_table(figures, "en")
    assert list(table.columns) == ["figure", "value", "period", "status"]
    assert list(table["value"]) == ["1.50 %", "no data"]
    assert find(figures, "b") is figures[1] and find(figures, "c") is None


def test_verdict_marks_illustrative_figures() -> None:
    real = [KeyFigure("a", "a", 1, "", "p")]
    made_up = [KeyFigure("a", "a", 1, "", "p", illustrative=True)]
    clauses = [("ก", "a"), ("", ""), ("ข", "b")]
    assert verdict_text(clauses, real) == ("ก; ข", "a; b")
    th, en = verdict_text(clauses, made_up)
    assert th == "ก; ข (ข้อมูลผลเป็นตัวอย่างสมมติ ไม่ใช่ผลจริง)"
    assert en.endswith("(results are illustrative examples, not real results)")


@pytest.mark.parametrize(
    "figure",
    [
        KeyFigure("x", "x", None, "%", "p", Change(1.0, "q")),
        KeyFigure("x", "x", -0.0, "%", "p", Change(-0.001, "q")),
        KeyFigure("x", "x", math.inf, "%", "p", Change(3.0, "q")),
        KeyFigure("x", "x", -0.0001, "คะแนน", "p", of=0.0),
        KeyFigure("x", "x", np.int64(0), "สัญญา", "p", Change(np.float64("nan"), "q")),
    ],
)
def test_nothing_forbidden_is_printed(figure: KeyFigure) -> None:
    assert_clean(figure)


def test_refusals_are_catalogue_messages_in_english_and_thai() -> None:
    """Each refusal is a catalogue code's English / Thai text, with the value that was refused."""
    allowed = ", ".join(STATUSES)
    with pytest.raises(ValueError) as err:
        KeyFigure("x", "x", 1, "", "p", status="fine")
    assert str(err.value) == f"unknown status 'fine'; one of {allowed} / ไม่รู้จักสถานะ 'fine' ใช้ได้: {allowed}"
    assert str(err.value) == " / ".join(messages.text("key_figure_unknown_status", status="fine", allowed=allowed))
    with pytest.raises(ValueError, match="ภาษาต้องเป็น th หรือ en ไม่ใช่ 'de'"):
        KeyFigure("x", "x", 1, "", "p").value_text("de")
    with pytest.raises(TypeError, match="not a bool / ค่าต้องเป็นตัวเลข ข้อความ หรือ None ไม่ใช่ค่าจริง/เท็จ"):
        KeyFigure("x", "x", True, "", "p")
    with pytest.raises(TypeError, match="not list / ค่าต้องเป็นตัวเลข ข้อความสั้น หรือ None ไม่ใช่ list"):
        KeyFigure("x", "x", [1], "", "p")
    with pytest.raises(TypeError, match="'of' ต้องเป็นตัวเลข"):
        KeyFigure("x", "x", 1, "", "p", of="ten")
    with pytest.raises(ValueError, match="give None and a status / ค่าที่ไม่มีข้อมูลให้ใช้ None พร้อมสถานะ"):
        format_number(float("nan"))
