"""SWOT tables: ranking, quadrant means, Thai-aware duplicate/contradiction detection, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib import swot as sw

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def hwfund() -> planlib.Plan:
    return planlib.load_plan(DATA / "hwfund")


@pytest.fixture(scope="module")
def ditp() -> planlib.Plan:
    return planlib.load_plan(DATA / "ditp")


def _folder(tmp_path: Path, swot_csv: str, extra: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "plan.csv").write_text("key,value\norg_code,org\norg_name_th,ทดสอบ\n", encoding="utf-8")
    (folder / "swot.csv").write_text(swot_csv, encoding="utf-8")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_quadrant_means_of_hwfund_printed_scores(hwfund: planlib.Plan) -> None:
    # Seed 000 appendix L1096-1127, scores typed by hand here and summed by hand:
    # S: 3.62+3.73+3.38+3.69+3.86 = 18.28 / 5 = 3.656
    # W: 3.85+3.85+3.92+3.85+3.77+3.62+3.88+3.73 = 30.47 / 8 = 3.80875
    # O: 3.77+3.62+3.58+3.38+3.69 = 18.04 / 5 = 3.608
    # T: 3.58+3.73+3.58 = 10.89 / 3 = 3.63
    means = sw.quadrant_means(hwfund.swot)
    assert list(means.index) == ["S", "W", "O", "T"]
    assert list(means["items"]) == [5, 8, 5, 3]
    assert means.loc["S", "mean_score"] == pytest.approx(3.656)
    assert means.loc["W", "mean_score"] == pytest.approx(3.80875)
    assert means.loc["O", "mean_score"] == pytest.approx(3.608)
    assert means.loc["T", "mean_score"] == pytest.approx(3.63)
    assert (means.loc["W", "min_score"], means.loc["W", "max_score"]) == (3.62, 3.92)


def test_ranking_within_quadrant_shares_ties(hwfund: planlib.Plan) -> None:
    ranked = sw.ranked_items(hwfund.swot).set_index("code")["rank"]
    # Strengths: S5 3.86 > S2 3.73 > S4 3.69 > S1 3.62 > S3 3.38
    assert [ranked[c] for c in ("S5", "S2", "S4", "S1", "S3")] == [1, 2, 3, 4, 5]
    # Weaknesses: W3 3.92, W7 3.88, then W1 = W2 = W4 = 3.85 share rank 3, W5 3.77 is 6th
    assert (ranked["W3"], ranked["W7"], ranked["W1"], ranked["W2"], ranked["W4"], ranked["W5"]) == (1, 2, 3, 3, 3, 6)
    # Threats: T2 3.73 first, T1 = T3 = 3.58 tie second
    assert (ranked["T2"], ranked["T1"], ranked["T3"]) == (1, 2, 2)


def test_quadrant_table_in_each_language(hwfund: planlib.Plan, ditp: planlib.Plan) -> None:
    both = sw.quadrant_table(hwfund.swot, "W", "both")
    assert list(both["รหัส / Code"]) == ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"]
    assert {"ข้อความ (ไทย)", "Text (English)", "คะแนนที่พิมพ์ / Printed score"} <= set(both.columns)
    assert "Text (English)" not in sw.quadrant_table(hwfund.swot, "W", "th").columns
    # DITP prints no scores: no score or rank column
    assert "คะแนนที่พิมพ์ / Printed score" not in sw.quadrant_table(ditp.swot, "O", "en").columns
    with pytest.raises(ValueError, match="language"):
        sw.quadrant_table(hwfund.swot, "S", "fr")


def test_thai_segmentation_drops_stopwords_and_reads_thai_digits() -> None:
    words = sw.content_words("ระเบียบกรมการจัดหางานว่าด้วยการบริหารกองทุน พ.ศ. ๒๕๕๙")
    assert "2559" in words and "ระเบียบ" in words and "กองทุน" in words
    assert "การ" not in words and " " not in words


def test_w3_w5_flagged_as_likely_duplicates_and_w8_o3_as_contradiction(hwfund: planlib.Plan) -> None:
    pairs = sw.similar_items(hwfund.swot)
    found = {(a, b): kind for a, b, kind in zip(pairs["code_a"], pairs["code_b"], pairs["kind"])}
    # Seed 000 DQ-25: W3/W5 near-duplicates; the 2559 Fund regulation is weakness W8 and opportunity O3
    assert found == {("W3", "W5"): "duplicate", ("W8", "O3"): "contradiction"}
    w3w5 = pairs[pairs["code_a"] == "W3"].iloc[0]
    assert w3w5["containment"] == 1.0  # every content word of W5 is in W3
    # ...and they reach the loader's problems as located warnings
    warnings = {(p.row, p.code) for p in hwfund.problems.warnings if p.table == "swot"}
    assert (11, "swot_duplicate") in warnings and (17, "swot_contradiction") in warnings


def test_no_false_alarm_on_distinct_items(ditp: planlib.Plan) -> None:
    # DITP O1/O2 share the phrase "can be used as a guide for the Fund's digital plan" but are
    # different plans: not duplicates. O5/T4 repeat one sentence as opportunity and threat.
    pairs = sw.similar_items(ditp.swot)
    assert list(zip(pairs["code_a"], pairs["code_b"], pairs["kind"])) == [("O5", "T4", "contradiction")]


def test_items_listed_in_two_helpful_quadrants_are_listed_twice_not_contradictions() -> None:
    frame = pd.DataFrame({
        "code": ["S1", "O1"], "quadrant": ["S", "O"],
        "text_th": ["ผู้บริหารให้ความสำคัญกับการพัฒนาระบบเทคโนโลยีสารสนเทศของกองทุน",
                    "ผู้บริหารให้ความสำคัญกับการพัฒนาระบบเทคโนโลยีสารสนเทศของกองทุน"],
    }, index=pd.Index([2, 3], name="row"))  # fmt: skip
    assert list(sw.similar_items(frame)["kind"]) == ["listed_twice"]


def test_unknown_quadrant_gives_a_located_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "code,quadrant,text_th\nS1,จุดแข็ง,ก\nX1,strenght,ข\nO1,โอกาส,ค\n")
    with pytest.raises(planlib.DataError) as caught:
        planlib.load_plan(folder)
    errors = list(caught.value.problems.errors)
    assert len(errors) == 1
    error = errors[0]
    assert (error.table, error.row, error.column, error.value) == ("swot", 3, "quadrant", "strenght")
    assert "not one of" in error.reason_en and "O, S, T, W" in error.reason_en and error.reason_th
    assert "swot.csv, row 3, column quadrant" in str(error)
