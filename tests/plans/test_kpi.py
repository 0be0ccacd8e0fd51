"""KPI scoring and scorecards, checked against the DSDW KPI set (seed 002) and DITP 1–5 bands (seed 001)."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import planlib
from planlib import charts
from planlib.inputs import checks
from planlib.inputs.dataset import WrongType
from planlib.plans import kpi, progress

ROOT = Path(__file__).resolve().parents[2]
DSDW = ROOT / "data" / "dsdw"
DITP = ROOT / "data" / "ditp"
SEED_ACTUALS = pd.DataFrame({"kpi_code": ["K1", "K2", "K3", "K4", "K5", "K6"], "value": [25, 61, 38, 65, 90, 452.10]})


@pytest.fixture(scope="module")
def dsdw() -> planlib.Plan:
    return planlib.load_plan(DSDW, synthetic=False)


def thresholds(plan: planlib.Plan, code: str) -> list[float]:
    levels = plan.kpi_levels
    return list(levels[levels["kpi_code"] == code].sort_values("level")["threshold"])


def test_dsdw_thresholds_are_the_ones_derived_in_seed_002(dsdw: planlib.Plan) -> None:
    # K2 initial = (FY65 result + FY66 target) / 2 = (55.04 + 64.04) / 2 = 59.54
    assert thresholds(dsdw, "K2") == [pytest.approx((55.04 + 64.04) / 2), 64.04, 73.04]
    # K4 = FY65 result 53.19 ± a 10-point interval
    assert thresholds(dsdw, "K4") == [pytest.approx(53.19 - 10), 53.19, pytest.approx(53.19 + 10)]
    # K6 advanced = FY65 score 449.83 × 1.02 = 458.8266 → 458.83 (multiplicative, not +2 points)
    assert thresholds(dsdw, "K6") == [400, 449.83, pytest.approx(round(449.83 * 1.02, 2))]
    assert list(dsdw.kpi_levels.groupby("kpi_code")["level"].apply(list).iloc[0]) == [50, 75, 100]


def test_k2_volunteers_needed_per_level() -> None:
    # ⌈threshold % × 556,629 / 100⌉: 331,416.9 → 331,417; 356,465.2 → 356,466; 406,561.8 → 406,562
    assert [kpi.needed_count(t, 556_629) for t in (59.54, 64.04, 73.04)] == [331_417, 356_466, 406_562]
    assert kpi.needed_count(10.0, 50, "lower") == 5


def test_dsdw_scorecard_by_hand_step(dsdw: planlib.Plan) -> None:
    card = kpi.scorecard(dsdw, 2566, method="step", actuals=SEED_ACTUALS)
    rows = card.kpis.set_index("kpi_code")
    # K1 25 ≥ 20 → 75; K2 61 ≥ 59.54 → 50; K3 38 < 40 → 0 (flagged); K4 65 ≥ 63.19 → 100; K5 90 → 75;
    # K6 452.10 ≥ 449.83 → 75
    assert list(rows["score"]) == [75, 50, 0, 100, 75, 75]
    assert list(rows["below_lowest"]) == [False, False, True, False, False, False]
    # weighted = w × score / 100: 15×75, 20×50, 15×0, 20×100 → 11.25 + 10 + 0 + 20 = 41.25 of 70
    #                             15×75, 15×75               → 11.25 + 11.25 = 22.50 of 30
    groups = card.groups.set_index("group")
    assert groups.loc["performance", "subtotal"] == pytest.approx(41.25)
    assert groups.loc["potential", "subtotal"] == pytest.approx(22.50)
    assert (groups.loc["performance", "max"], groups.loc["potential", "max"]) == (70, 30)
    assert card.total == pytest.approx(63.75)
    assert set(rows["method"]) == {"step"} and "step" in card.rule and "0" in card.rule


def test_a_quarter_after_the_latest_results_scores_them_as_of_their_own_quarter() -> None:
    """dsdw's (illustrative) 2566 actuals stop at Q2: asked at Q4, the card is Q2's, to date, with Q2's total."""
    dsdw = planlib.load_plan(DSDW)
    q2, q4 = kpi.scorecard(dsdw, 2566, quarter=2), kpi.scorecard(dsdw, 2566, quarter=4)
    assert q4.as_of == q2.as_of == "kpi_actuals Q2"
    assert kpi.to_date_card(q4) and q4.total == pytest.approx(q2.total) == pytest.approx(38.75)
    assert kpi.scorecard(dsdw, 2566, quarter=1).total == pytest.approx(21.25)


def test_dsdw_scorecard_by_hand_interpolated(dsdw: planlib.Plan) -> None:
    card = kpi.scorecard(dsdw, 2566, method="interpolated", actuals=SEED_ACTUALS)
    rows = card.kpis.set_index("kpi_code")
    assert rows.loc["K1", "score"] == pytest.approx(75 + (25 - 20) / (30 - 20) * 25)  # 87.5
    assert rows.loc["K2", "score"] == pytest.approx(round(50 + (61 - 59.54) / (64.04 - 59.54) * 25, 4))  # 58.1111
    assert rows.loc["K2", "score"] == 58.1111
    assert rows.loc["K3", "score"] == 0  # below the initial level: policy "zero", interpolation does not apply
    assert rows.loc["K4", "score"] == 100  # above the top threshold: capped
    assert rows.loc["K5", "score"] == 75  # exactly on the standard threshold
    assert rows.loc["K6", "score"] == pytest.approx(round(75 + (452.10 - 449.83) / 9 * 25, 4))  # 81.3056
    # performance 15×87.5 + 20×58.1111 + 0 + 20×100 = 13.125 + 11.6222 + 20 = 44.7472
    # potential   15×75 + 15×81.3056 = 11.25 + 12.1958 = 23.4458; total 68.193 (seed: 44.75 + 23.45 = 68.19)
    groups = card.groups.set_index("group")
    assert groups.loc["performance", "subtotal"] == pytest.approx(44.7472, abs=1e-4)
    assert groups.loc["potential", "subtotal"] == pytest.approx(23.4458, abs=1e-4)
    assert round(card.total, 2) == 68.19


def test_distance_to_next_level(dsdw: planlib.Plan) -> None:
    card = kpi.scorecard(dsdw, 2566, actuals=SEED_ACTUALS)
    rows = card.kpis.set_index("kpi_code")
    assert (rows.loc["K2", "next_level"], rows.loc["K2", "next_threshold"]) == (75, 64.04)
    assert rows.loc["K2", "distance"] == pytest.approx(3.04)
    assert rows.loc["K6", "distance"] == pytest.approx(458.83 - 452.10)
    assert pd.isna(rows.loc["K4", "next_level"])  # already at the top


def test_below_lowest_policies_are_flagged() -> None:
    levels = pd.DataFrame({"level": [50, 75, 100], "threshold": [40, 50, 60]})
    for below, expected in (("zero", 0.0), ("lowest", 50.0)):
        result = kpi.score_value(38, levels, below=below)
        assert (result.score, result.below_lowest) == (expected, True)
    assert pd.isna(kpi.score_value(38, levels, below="none").score)
    assert not kpi.score_value(40, levels).below_lowest  # "≥": on the threshold is reached


def test_lower_is_better() -> None:
    levels = pd.DataFrame({"level": [1, 2, 3], "threshold": [10.0, 5.0, 2.0]})  # e.g. days late
    assert kpi.score_value(4, levels, direction="lower").score == 2
    assert kpi.score_value(4, levels, direction="lower", method="interpolated").score == pytest.approx(2.3333)
    assert kpi.score_value(12, levels, direction="lower").below_lowest
    assert kpi.score_value(1, levels, direction="lower", method="interpolated").score == 3


def test_gap_between_ditp_bands_and_missing_levels() -> None:
    ditp = planlib.load_plan(DITP, synthetic=False)
    k11 = ditp.kpi_levels[ditp.kpi_levels["kpi_code"] == "K1.1"]  # 80–84, 85–89, … as lower bounds 80, 85, …
    assert kpi.score_value(84.5, k11).score == 1  # in the printed gap 84–85: still band 1
    assert kpi.score_value(84.5, k11, method="interpolated").score == pytest.approx(1.9)  # 1 + 4.5/5
    k23 = ditp.kpi_levels[ditp.kpi_levels["kpi_code"] == "K2.3"]  # levels 1/3/5 only: 0, 11, 20
    assert kpi.score_value(15, k23).score == 3
    assert kpi.score_value(15, k23, method="interpolated").score == pytest.approx(round(3 + 4 / 9 * 2, 4))


def test_unknown_method_and_policy() -> None:
    levels = pd.DataFrame({"level": [1, 2], "threshold": [1.0, 2.0]})
    with pytest.raises(ValueError, match="unknown scoring method 'average'"):
        kpi.score_value(1, levels, method="average")
    with pytest.raises(ValueError, match="below-lowest policy"):
        kpi.score_value(1, levels, below="skip")


def copy_plan(tmp_path: Path, src: Path = DSDW) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("synthetic"))
    return dst


def test_weights_that_do_not_sum_are_an_error(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    kpis = pd.read_csv(folder / "kpis.csv", dtype=str)
    kpis.loc[kpis["code"] == "K1", "weight"] = "25"
    kpis.to_csv(folder / "kpis.csv", index=False)
    with pytest.raises(planlib.DataError, match="KPI weights sum to 110, not 100"):
        planlib.load_plan(folder)
    loose = planlib.load_plan(folder, strict=False)
    with pytest.raises(planlib.DataError, match="sum to 110"):
        kpi.scorecard(loose, 2566, actuals=SEED_ACTUALS)


def test_group_weights_must_match(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    kpis = pd.read_csv(folder / "kpis.csv", dtype=str)
    kpis["group_weight"] = kpis["group"].map({"performance": "70", "potential": "30"})
    kpis.loc[kpis["code"] == "K5", "group_weight"] = "35"
    kpis.to_csv(folder / "kpis.csv", index=False)
    problems = planlib.validate(folder)
    messages = [p.reason_en for p in problems.errors]
    assert "group 'potential' has several group_weight values: 35, 30" in messages or \
        "group 'potential' has several group_weight values: 30, 35" in messages


def test_thresholds_out_of_order_are_an_error(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    levels = pd.read_csv(folder / "kpi_levels.csv", dtype=str)
    levels.loc[(levels["kpi_code"] == "K4") & (levels["level"] == "100"), "threshold"] = "43"
    levels.to_csv(folder / "kpi_levels.csv", index=False)
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(folder)
    bad = [p for p in err.value.problems.errors if p.code == "level_order"]
    assert len(bad) == 1 and bad[0].column == "threshold" and bad[0].value == "43"
    assert "level 100 must be above" in bad[0].reason_en and "ระดับ 100" in bad[0].reason_th


def test_result_for_an_unknown_kpi(dsdw: planlib.Plan) -> None:
    with pytest.raises(planlib.DataError, match="result for unknown KPI 'K9'"):
        kpi.score_kpis(dsdw, pd.DataFrame({"kpi_code": ["K9"], "value": [1.0]}))


def test_scorecard_without_weights_has_no_total() -> None:
    hw = planlib.load_plan(ROOT / "data" / "hwfund", synthetic=False)
    card = kpi.scorecard(hw, 2568, actuals=pd.DataFrame({"kpi_code": ["K1"], "value": [3.0]}), method="interpolated")
    assert card.total is None
    assert card.kpis.set_index("kpi_code").loc["K1", "score"] == 3


def test_report_tables(dsdw: planlib.Plan) -> None:
    card = kpi.scorecard(dsdw, 2566, actuals=SEED_ACTUALS)
    assert list(kpi.group_table(card)["คะแนนถ่วงน้ำหนัก / weighted score"]) == pytest.approx([41.25, 22.5, 63.75])
    both = kpi.compare_methods(dsdw, 2566, actuals=SEED_ACTUALS)
    assert list(both.iloc[-1, 2:]) == pytest.approx([63.75, 68.193])


def test_a_published_result_in_another_unit_is_not_scored(dsdw: planlib.Plan) -> None:
    # seed 002 L208-214: FY2565 K3 result is 475,294 households; the KPI is a % with thresholds 40/50/60.
    card = kpi.scorecard(dsdw, 2565)
    k3 = card.kpis.set_index("kpi_code").loc["K3"]
    assert pd.isna(k3["value"]) and pd.isna(k3["score"])  # not "level 100" from 475,294 >= 60
    assert card.as_of == "none"
    assert list(card.unscored["ตัวชี้วัด / KPI"]) == ["K3", "K5"]
    assert list(card.unscored["ผลที่เผยแพร่ / published"]) == [475294, 19]
    assert list(card.unscored["หน่วยของผล / its unit"]) == ["ครัวเรือน", "งานบริการ"]


def test_unit_comparison_treats_percent_spellings_as_one() -> None:
    assert kpi.unit_key("ร้อยละ") == kpi.unit_key("%") == kpi.unit_key(" ร้อยละ ") == kpi.unit_key("pct") == "%"
    assert kpi.unit_key("ร้อยละของแผนปฏิบัติการ (Action Plan) พ.ศ. 2566") == "%"  # DSDW K4
    assert kpi.unit_key("ระดับ (1-5)") == kpi.unit_key("ระดับ") == "ระดับ"
    assert kpi.unit_key("ครัวเรือน") != kpi.unit_key("ร้อยละ")
    assert kpi.unit_key(None) is None and kpi.unit_key("  ") is None
    assert kpi.is_percent("Percent of households") and not kpi.is_percent("ครัวเรือน") and not kpi.is_percent(None)


def test_scorecard_chart_bars_are_score_over_top_score(dsdw: planlib.Plan) -> None:
    card = kpi.scorecard(dsdw, 2566, actuals=SEED_ACTUALS)
    fig = kpi.scorecard_chart(card, source="test")
    ax = fig.axes[0]
    widths = {code: bar.get_width() for code, bar in zip(card.kpis["kpi_code"], ax.patches)}  # bars drawn in row order
    assert len(widths) == 6 and widths["K6"] == pytest.approx(75.0)  # 452.10 reaches 449.83 (standard, 75), not 458.83
    by_code = card.kpis.set_index("kpi_code")
    for code, width in widths.items():
        assert width == pytest.approx(100 * by_code.loc[code, "score"] / by_code.loc[code, "top_score"])
    texts = [t.get_text() for t in ax.texts]
    assert any("ระดับ" in t for t in texts)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_scorecard_chart_marks_missing_and_below_lowest() -> None:
    plan = planlib.load_plan(DSDW, synthetic=False)
    actuals = pd.DataFrame({"kpi_code": ["K1", "K2"], "value": [1.0, 80.0]})  # K1 below 40 %; K2 top level
    card = kpi.scorecard(plan, 2566, actuals=actuals)
    fig = kpi.scorecard_chart(card)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[0].endswith("ต่ำกว่าระดับต่ำสุด") and texts[1] == "100/100 · ระดับ 100"
    assert texts[2:] == ["ไม่มีผล / no result"] * 4
    import matplotlib.pyplot as plt

    plt.close(fig)


# ---------------------------------------------------------------- the weight rule, defined once (issue 13)


def _weight_pairs(findings: list[kpi.Finding]) -> list[tuple[str, int | None, str, str]]:
    return [(code, row, column, value) for code, row, column, value, _ in findings]


def _problem_pairs(problems: planlib.Problems) -> list[tuple[str, int | None, str, str]]:
    codes = (*checks.KPI_WEIGHT_CODES, *checks.GROUP_WEIGHT_CODES)
    return sorted((p.code, p.row, p.column, p.value) for p in problems if p.code in codes)


def test_weight_rule_is_the_same_for_checks_and_scorecards_on_the_shipped_data(
    plans: dict[str, planlib.Plan],
) -> None:
    for org, plan in plans.items():
        if not plan.has("kpis"):
            continue
        findings = kpi.weight_findings(plan["kpis"])
        assert findings == checks.kpi_weight_findings(plan["kpis"]), org
        located = list(checks.kpi_weights(plan)) + list(kpi.kpi_group_weights(plan))
        assert _problem_pairs(planlib.Problems(located)) == sorted(_weight_pairs(findings)), org
    # DSDW weights 15+20+15+20+15+15 = 100, in groups 70 and 30: nothing to find
    assert kpi.weight_findings(plans["dsdw"]["kpis"]) == []


def test_missing_weights_are_found_the_same_way_by_validate_and_by_the_scorecard(tmp_path: Path) -> None:
    folder = copy_plan(tmp_path)
    kpis = pd.read_csv(folder / "kpis.csv", dtype=str)
    kpis.loc[kpis["code"].isin(["K2", "K6"]), "weight"] = ""
    kpis.to_csv(folder / "kpis.csv", index=False)
    loose = planlib.load_plan(folder, strict=False)
    findings = kpi.weight_findings(loose["kpis"])
    # one finding per missing weight (file rows 3 and 7), and no "sum to 65" on top of them
    assert _weight_pairs(findings) == [("weight_missing", 3, "weight", "K2"), ("weight_missing", 7, "weight", "K6")]
    from_validate = [p for p in planlib.validate(folder) if p.code in checks.KPI_WEIGHT_CODES]
    assert sorted((p.code, p.row, p.column) for p in from_validate) == [
        ("weight_missing", 3, "weight"),
        ("weight_missing", 7, "weight"),
    ]
    with pytest.raises(planlib.DataError, match="weight missing"):
        kpi.scorecard(loose, 2566, actuals=SEED_ACTUALS)


# ---------------------------------------------------------------- the scorecard chart (issue 17)


def test_scorecard_chart_of_to_date_results(plans: dict[str, planlib.Plan]) -> None:
    """DSDW FY2566 Q2: short Thai names with the code as suffix; colours by status to date, not red by construction."""
    plan = plans["dsdw"]
    card = kpi.scorecard(plan, 2566)
    to_date = progress.scorecard_to_date(plan, card)
    fig = kpi.scorecard_chart(card, to_date=to_date)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.rsplit("(", 1)[1] for label in labels] == ["K1)", "K2)", "K3)", "K4)", "K5)", "K6)"]
    assert all(len(label) > 5 for label in labels)
    assert "as of quarter 2" in fig.axes[0].get_title() or any("as of quarter 2" in t.get_text() for t in fig.texts)
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    rag = dict(zip(to_date["kpi_code"], to_date["rag"]))
    assert colours[2] == charts.RAG_COLOURS[rag["K3"]] == charts.RAG_COLOURS["green"]  # K3: below lowest, on track
    assert colours[3] == charts.RAG_COLOURS["amber"]  # K4 52.70 of 53.19 to date
    texts = [t.get_text() for t in ax.texts]
    assert "0/100 · ต่ำกว่าระดับต่ำสุด → สิ้นปี ระดับ 50" in texts  # K3 projected 42.50 % → level 50
    alt = kpi.scorecard_chart_alt(card)
    assert "results to quarter 2" in alt and "K3 0 of 100 (below the lowest level)" in alt
    plt.close(fig)


def test_scorecard_chart_of_a_full_year_colours_by_level() -> None:
    hw = planlib.load_plan(ROOT / "data" / "hwfund", synthetic=False)
    card = kpi.scorecard(hw, 2568, actuals=pd.DataFrame({"kpi_code": ["K1", "DV1"], "value": [5.0, 0.5]}))
    fig = kpi.scorecard_chart(card)
    colours = [to_hex(bar.get_facecolor()) for bar in fig.axes[0].patches]
    codes = list(card.kpis["kpi_code"])
    assert colours[codes.index("K1")] == charts.RAG_COLOURS["green"]  # level 5 of 5
    assert colours[codes.index("DV1")] == charts.RAG_COLOURS["red"]  # 0.5: below level 1
    assert colours[codes.index("K2")] == charts.RAG_COLOURS["grey"]  # no result
    assert kpi.short_name("ระดับความสำเร็จของการพัฒนาระบบเทคโนโลยีสารสนเทศ", "K1").endswith("… (K1)")
    assert kpi.short_name(None, "K1") == "K1"
    plt.close(fig)


def test_scorecard_given_a_portfolio_frame_says_what_it_expects(plans):
    """Issue 14: a table given where a plan is expected is refused with the loader to use."""
    with pytest.raises(WrongType, match=r"kpi\.scorecard"):
        kpi.scorecard(plans["dsdw"]["kpis"], 2566)
