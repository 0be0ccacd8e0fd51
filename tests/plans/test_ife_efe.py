"""IFE/EFE matrices, the IE cell, what-if weights, AHP, SPACE and the rating checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.plans import ife_efe as ie

DATA = Path(__file__).resolve().parents[2] / "data"


def _swot(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["code", "quadrant", "weight", "rating"])
    frame["text_th"] = frame["code"]
    frame["text_en"] = frame["code"]
    frame.index = pd.Index(range(2, len(frame) + 2), name="row")
    return frame


# Fred David's textbook IFE example (Strategic Management, ch. 4, sample IFE matrix):
TEXTBOOK_IFE = [
    ("S1", "S", 0.06, 4),  # current ratio increased to 2.52          0.24
    ("S2", "S", 0.16, 4),  # profit margin increased to 6.94          0.64
    ("S3", "S", 0.18, 4),  # employee morale is high                  0.72
    ("S4", "S", 0.08, 3),  # new computer information system          0.24
    ("S5", "S", 0.12, 3),  # market share increased to 24 percent     0.36
    ("W1", "W", 0.05, 2),  # legal suit not resolved                  0.10
    ("W2", "W", 0.15, 2),  # plant capacity has fallen to 74 percent  0.30
    ("W3", "W", 0.06, 1),  # lack of strategic-management system      0.06
    ("W4", "W", 0.08, 1),  # R&D spending has increased 31 percent    0.08
    ("W5", "W", 0.06, 1),  # dealer incentives not effective          0.06
]  # weights sum 1.00; total 2.80
# ...and his EFE example (UST Inc., ch. 3):
TEXTBOOK_EFE = [
    ("O1", "O", 0.15, 1),  # global markets untapped by smokeless tobacco   0.15
    ("O2", "O", 0.05, 3),  # demand up from public bans on smoking          0.15
    ("O3", "O", 0.05, 1),  # internet advertising growth                    0.05
    ("O4", "O", 0.15, 4),  # Pinkerton leads the discount tobacco market    0.60
    ("O5", "O", 0.10, 3),  # social pressure to quit smoking                0.30
    ("T1", "T", 0.10, 2),  # legislation against the tobacco industry       0.20
    ("T2", "T", 0.05, 3),  # production limits increase competition         0.15
    ("T3", "T", 0.05, 2),  # market concentrated in the south-east US       0.10
    ("T4", "T", 0.10, 2),  # bad media exposure from the FDA                0.20
    ("T5", "T", 0.20, 1),  # the administration                             0.20
]  # weights sum 1.00; total 2.10


def test_ife_efe_totals_on_david_textbook_example() -> None:
    swot = _swot(TEXTBOOK_IFE + TEXTBOOK_EFE)
    ife, efe = ie.ife_matrix(swot), ie.efe_matrix(swot)
    assert ife.weight_sum == pytest.approx(1.0) and efe.weight_sum == pytest.approx(1.0)
    assert ife.total == pytest.approx(2.80)
    assert efe.total == pytest.approx(2.10)
    assert list(ife.factors["weighted_score"].round(2)) == [0.24, 0.64, 0.72, 0.24, 0.36, 0.10, 0.30, 0.06, 0.08, 0.06]
    assert not ife.is_whatif and ife.basis == "plan"
    cell = ie.ie_cell(ife.total, efe.total)
    assert (cell.roman, cell.ife_band, cell.efe_band, cell.region) == ("V", "average", "medium", "hold_and_maintain")
    table = ie.matrix_table(ife, "en")
    assert table.iloc[-1]["รหัส / Code"] == "รวม / Total"
    assert table.iloc[-1]["คะแนนถ่วงน้ำหนัก / Weighted score"] == pytest.approx(2.80)


@pytest.mark.parametrize(
    ("ife", "efe", "cell", "region"),
    [
        (3.0, 3.0, "I", "grow_and_build"),
        (2.99, 3.0, "II", "grow_and_build"),
        (2.0, 3.0, "II", "grow_and_build"),
        (1.99, 3.0, "III", "hold_and_maintain"),
        (3.0, 2.99, "IV", "grow_and_build"),
        (2.99, 2.99, "V", "hold_and_maintain"),
        (2.0, 2.0, "V", "hold_and_maintain"),
        (1.99, 2.0, "VI", "harvest_or_divest"),
        (4.0, 1.99, "VII", "hold_and_maintain"),
        (2.0, 1.99, "VIII", "harvest_or_divest"),
        (1.99, 1.99, "IX", "harvest_or_divest"),
        (1.0, 1.0, "IX", "harvest_or_divest"),
        (0.1 * 3 + 0.9 * 3 - 1e-13, 3.0, "I", "grow_and_build"),  # float noise under 3.0 is still strong
    ],
)
def test_ie_cell_boundaries(ife: float, efe: float, cell: str, region: str) -> None:
    found = ie.ie_cell(ife, efe)
    assert (found.roman, found.region) == (cell, region)


def test_ie_cell_rejects_totals_outside_1_to_4() -> None:
    with pytest.raises(ValueError, match="outside 1–4"):
        ie.ie_cell(0.9, 2.5)
    with pytest.raises(ValueError, match="outside 1–4"):
        ie.ie_cell(2.5, 4.2)


def test_whatif_from_hwfund_printed_scores_is_labelled() -> None:
    plan = planlib.load_plan(DATA / "hwfund")
    ife, efe = ie.factor_matrices(plan.swot)
    assert ife is not None and efe is not None
    assert ife.is_whatif and ife.basis == "printed_scores" and "what-if" in ife.label("en")
    assert "not the plan's weights" in ife.label("en") and "สมมติ" in ife.label("th")
    assert "ratings by a stated rule" in ife.label("en") and "มัธยฐาน" in ife.label("th")
    # weight = score / sum of S+W scores = score / 48.75; S1 3.62 -> 0.074256
    weights = ife.factors.set_index("code")["weight"]
    assert weights["S1"] == pytest.approx(3.62 / 48.75)
    assert ife.weight_sum == pytest.approx(1.0)
    # ratings: S at/above the S median 3.69 -> 4 (S2, S4, S5), else 3; W at/above the W median 3.85 -> 1
    ratings = ife.factors.set_index("code")["rating"]
    assert [ratings[c] for c in ("S1", "S2", "S3", "S4", "S5")] == [3, 4, 3, 4, 4]
    assert [ratings[c] for c in ("W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8")] == [1, 1, 1, 1, 2, 2, 1, 2]
    # total = (3.62*3 + 3.73*4 + 3.38*3 + 3.69*4 + 3.86*4 + (3.85+3.85+3.92+3.85+3.88)*1 + (3.77+3.62+3.73)*2) / 48.75
    #       = (66.12 + 19.35 + 22.24) / 48.75 = 107.71 / 48.75
    assert ife.total == pytest.approx(107.71 / 48.75)
    # O/T rated 2 (average response) for want of any evidence: the EFE total is 2.00 by construction
    assert efe.total == pytest.approx(2.0) and efe.factors["weight"].sum() == pytest.approx(1.0)
    assert ie.ie_cell(ife.total, efe.total).roman == "V"


def test_equal_weights_when_nothing_is_printed() -> None:
    plan = planlib.load_plan(DATA / "ditp")  # 5 S + 4 W, 6 O + 5 T, no scores
    ife, efe = ie.factor_matrices(plan.swot)
    assert ife.basis == "equal" and efe.basis == "equal"
    assert set(ife.factors["weight"].round(12)) == {round(1 / 9, 12)}
    # minor strength 3, minor weakness 2: (5*3 + 4*2) / 9
    assert ife.total == pytest.approx(23 / 9)


def test_plan_weights_are_used_as_the_plans_own() -> None:
    swot = _swot(TEXTBOOK_IFE + TEXTBOOK_EFE)
    swot["score"] = 3.0
    ife, efe = ie.factor_matrices(swot)
    assert ife.basis == "plan" and efe.basis == "plan" and ife.total == pytest.approx(2.80)


def test_ahp_weights_on_a_consistent_matrix() -> None:
    # a = 3b, b = 3c, a = 9c: perfectly consistent, weights 9/13, 3/13, 1/13, CR = 0
    pairwise = pd.DataFrame({"code_a": ["S1", "S2", "S1"], "code_b": ["S2", "W1", "W1"], "value": [3, 3, 9]})
    result = ie.ahp_weights(pairwise, ["S1", "S2", "W1"])
    assert list(result.weights.round(6)) == [round(9 / 13, 6), round(3 / 13, 6), round(1 / 13, 6)]
    assert result.lambda_max == pytest.approx(3.0) and result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.consistent


def test_ahp_inconsistency_and_missing_pairs() -> None:
    # a = 3b, b = 3c but c = 3a: cyclic. lambda_max for this reciprocal matrix is 1 + 3 + 1/3... (>3)
    cyclic = pd.DataFrame({"code_a": ["A", "B", "C"], "code_b": ["B", "C", "A"], "value": [3, 3, 3]})
    result = ie.ahp_weights(cyclic, ["A", "B", "C"])
    # each row of the matrix is a permutation of (1, 3, 1/3): weights equal, lambda = 1 + 3 + 1/3 = 4.333
    assert list(result.weights.round(6)) == [round(1 / 3, 6)] * 3
    assert result.lambda_max == pytest.approx(13 / 3)
    assert result.consistency_ratio == pytest.approx((13 / 3 - 3) / 2 / 0.58)
    assert not result.consistent
    with pytest.raises(planlib.DataError, match="not compared: A/C"):
        ie.ahp_weights(cyclic.iloc[:2], ["A", "B", "C"])


def test_ahp_whatif_via_factor_matrices() -> None:
    nan = float("nan")
    swot = _swot([("S1", "S", nan, nan), ("W1", "W", nan, nan), ("O1", "O", nan, nan), ("T1", "T", nan, nan)])
    pairwise = pd.DataFrame({"code_a": ["S1", "O1"], "code_b": ["W1", "T1"], "value": [4, 1]})
    ife, efe = ie.factor_matrices(swot, method="ahp", pairwise=pairwise)
    assert ife.basis == "ahp"
    assert ife.factors.set_index("code")["weight"].to_dict() == pytest.approx({"S1": 0.8, "W1": 0.2})
    # no scores: S minor 3, W minor 2 -> 0.8*3 + 0.2*2 = 2.8
    assert ife.total == pytest.approx(2.8) and efe.total == pytest.approx(2.0)


def test_space_matrix_worked_example() -> None:
    factors = pd.DataFrame({
        "dimension": ["FP", "FP", "FP", "SP", "SP", "IP", "IP", "CP", "CP"],
        "factor": list("abcdefghi"),
        "rating": [4, 6, 2, -2, -4, 5, 3, -3, -1],
    })
    # FP mean 4, SP -3, IP 4, CP -2: x = -2 + 4 = 2, y = 4 - 3 = 1 -> aggressive
    result = ie.space_matrix(factors)
    assert result.means == {"FP": 4.0, "SP": -3.0, "IP": 4.0, "CP": -2.0}
    assert (result.x, result.y, result.quadrant) == (2.0, 1.0, "aggressive")
    factors.loc[7, "rating"] = -7  # CP mean -4: x = 0
    assert ie.space_matrix(factors).quadrant == "on_axis"


def test_space_matrix_rejects_wrong_signs_with_rows() -> None:
    bad = pd.DataFrame({
        "dimension": ["FP", "SP", "IP", "CP", "XX"],
        "factor": list("abcde"),
        "rating": [3, 2, 4, -2, 1],
    })
    with pytest.raises(planlib.DataError) as caught:
        ie.space_matrix(bad)
    found = {(p.row, p.column, p.code) for p in caught.value.problems}
    assert found == {
        (1, "rating", "out_of_range_space_rating"),  # SP rated +2
        (4, "dimension", "bad_value_space_dimension"),  # XX
        (None, "dimension", "required_space_dimension"),  # no SP factor left
    }
    reasons = {p.reason_en for p in caught.value.problems}
    assert {"SP ratings run from -7 to -1", "unknown dimension 'XX': use FP, SP, IP or CP"} <= reasons


# ---------------------------------------------------------------- validation


def _folder(tmp_path: Path, swot_csv: str) -> Path:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "plan.csv").write_text("key,value\norg_code,org\norg_name_th,ทดสอบ\n", encoding="utf-8")
    (folder / "swot.csv").write_text(swot_csv, encoding="utf-8")
    return folder


def test_strength_rated_1_and_weakness_rated_4_are_errors(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "code,quadrant,text_th,weight,rating\nS1,S,ก,0.5,1\nW1,W,ข,0.3,4\nW2,W,ค,0.2,2\n")
    problems = planlib.validate(folder)
    side = [p for p in problems.errors if p.code == "rating_side"]
    assert {(p.row, p.column, p.value) for p in side} == {(2, "rating", "1"), (3, "rating", "4")}
    assert "strength rated 1" in side[0].reason_en and "3–4" in side[0].reason_en and "จุดแข็ง" in side[0].reason_th


def test_rating_out_of_range_and_missing_rating_are_errors(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "code,quadrant,text_th,weight,rating\nS1,S,ก,0.5,5\nW1,W,ข,0.5,\nO1,O,ค,1,3\n")
    errors = {(p.row, p.column, p.code) for p in planlib.validate(folder).errors}
    assert (2, "rating", "bad_value_above_maximum") in errors  # 5 is above the maximum 4 (read by the loader)
    assert (3, "rating", "required_weight_rating") in errors  # W1 has a weight but no rating


def test_weights_file_whatif(tmp_path: Path) -> None:
    plan = planlib.load_plan(DATA / "hwfund")
    lines = ["code,weight,rating"]
    ife_codes = [c for c in plan.swot["code"] if c[0] in "SW"]  # 13 items
    efe_codes = [c for c in plan.swot["code"] if c[0] in "OT"]  # 8 items
    lines += [f"{c},{0.1 if c == 'S1' else 0.075},{4 if c[0] == 'S' else 1}" for c in ife_codes]  # 0.1 + 12*0.075 = 1.0
    lines += [f"{c},๐.๑๒๕,{3}" for c in efe_codes]  # 8 * 0.125 = 1, Thai digits
    path = tmp_path / "weights.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ife, efe = ie.factor_matrices(plan.swot, weights_file=path)
    assert ife.basis == "weights_file" and ife.is_whatif and "stated rule" not in ife.label("en")
    # strengths: 0.1*4 + 4*0.075*4 = 1.6; weaknesses 8*0.075*1 = 0.6 -> 2.2
    assert ife.total == pytest.approx(2.2) and efe.total == pytest.approx(3.0)
    assert ie.ie_cell(ife.total, efe.total).roman == "II"


def test_weights_file_errors_are_per_line(tmp_path: Path) -> None:
    plan = planlib.load_plan(DATA / "ditp")
    path = tmp_path / "weights.csv"
    path.write_text("code,weight,rating\nS1,0.5,2\nS9,0.1,3\nW1,abc,1\nO1,1,3\n", encoding="utf-8")
    with pytest.raises(planlib.DataError) as caught:
        ie.factor_matrices(plan.swot, weights_file=path)
    found = {(p.row, p.column, p.code) for p in caught.value.problems}
    assert (2, "rating", "rating_side") in found  # strength S1 rated 2
    assert (3, "code", "unknown_code_swot") in found  # no item S9
    assert (4, "weight", "bad_value_not_a_number") in found  # 'abc'
    assert (None, "weight", "weights_sum_ife_efe") in found  # IFE weights 0.5
    assert any(p.code == "weight_missing_factor" and p.value == "" for p in caught.value.problems)
    message = str(caught.value)
    assert "weights.csv, row 3, column code" in message and "unknown SWOT code 'S9'" in message


def test_ie_summary_and_relative_weights_file(tmp_path: Path) -> None:
    swot = _swot(TEXTBOOK_IFE + TEXTBOOK_EFE)
    summary = ie.ie_summary(ie.ife_matrix(swot), ie.efe_matrix(swot), "en")
    assert list(summary["ค่า / Value"][:4]) == ["2.80 (average)", "2.10 (medium)", "V", "hold and maintain"]
    assert summary["ค่า / Value"].iloc[4] == "weights and ratings as given in the plan"
    assert ie.resolve_weights_file("w.csv", tmp_path) == tmp_path / "w.csv"
    assert ie.resolve_weights_file(tmp_path / "w.csv", "/elsewhere") == tmp_path / "w.csv"
    assert ie.resolve_weights_file(None, tmp_path) is None and ie.resolve_weights_file(" ", tmp_path) is None
