"""Page 1 of the plan reports: key figures equal the reports' own numbers, verdicts follow their rules.

Per template: at least two shipped organisations (values from the planlib functions the reports use and
the literal numbers the reports print), the verdict text for real cases, and hand-made cases for each rule.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.inputs.key_figure import Change, Coverage, KeyFigure, find
from planlib.plans import ife_efe, kpi, priority, progress, sensitivity, swot, whatif
from planlib.plans import key_figures as kf

FORBIDDEN = re.compile(r"\binf\b|\bnan\b|\bNone\b|\bNaN\b|(?<![\d.,])[-−]0(?:[.,]0+)?(?![\d.,]*[1-9])")
QUARTERS = {"hwfund": (2568, 2), "ditp": (2569, 1), "dsdw": (2566, 2), "tfund": (2561, 2)}


def with_tables(plan: planlib.Plan, drop: tuple[str, ...] = (), **tables: pd.DataFrame) -> planlib.Plan:
    """A copy of a shipped plan with tables dropped or replaced (the shipped plan is never changed)."""
    kept = {k: v for k, v in plan.tables.items() if k not in drop}
    return dataclasses.replace(plan, tables={**kept, **tables})


def clean(figures: list[KeyFigure], verdict: tuple[str, str]) -> list[str]:
    """Every printed text that holds inf, nan, None or a signed zero."""
    texts = [t for f in figures for lang in ("th", "en") for t in (*f.row(lang).values(), f.text(lang))]
    return [t for t in [*texts, *verdict] if FORBIDDEN.search(t)]


# ---------------------------------------------------------------- swot


def test_swot_hwfund_top_items_are_rank_one_of_the_report(plans: dict[str, planlib.Plan]) -> None:
    plan = plans["hwfund"]
    figures = kf.swot_key_figures(plan)
    assert [f.key for f in figures] == ["top_S", "top_W", "top_O", "top_T", "position"]
    ranked = swot.ranked_items(plan.swot)
    for quadrant in swot.QUADRANTS:
        expected = ranked[(ranked["quadrant"] == quadrant) & (ranked["rank"] == 1)]
        assert find(figures, f"top_{quadrant}").value == ", ".join(expected["code"])
    assert [f.value for f in figures[:4]] == ["S5", "W3", "O1", "T2"]
    assert find(figures, "top_W").note.endswith("(คะแนน 3.92)")
    assert find(figures, "top_S").period == "แผนปี 2566–2570"


def test_swot_position_is_not_scored_when_the_plan_gives_no_weights(plans: dict[str, planlib.Plan]) -> None:
    """hwfund prints scores, ditp and mol nothing: none gets an IE cell (issue 17: all three landed in cell V)."""
    for org, reason in (("hwfund", "scores_only"), ("ditp", "nothing"), ("mol", "nothing")):
        position = find(kf.swot_key_figures(plans[org]), "position")
        assert position.missing and position.status == "not scored", org
        assert position.note == kf.SWOT_NOT_SCORED[reason][0][0], org
        assert position.value_text("en") == "not scored"
    assert "2.00 by construction" in find(kf.swot_key_figures(plans["hwfund"]), "position").note_en


def test_swot_verdicts(plans: dict[str, planlib.Plan]) -> None:
    assert kf.swot_verdict(kf.swot_key_figures(plans["hwfund"])) == (
        "คะแนนสูงสุดในแต่ละกลุ่ม: จุดแข็ง S5, จุดอ่อน W3, โอกาส O1, อุปสรรค T2; "
        "ไม่ระบุตำแหน่งเชิงกลยุทธ์: แผนไม่ได้ให้น้ำหนักและคะแนน (rating) ของ IFE/EFE",
        "top-scored items: strengths S5, weaknesses W3, opportunities O1, threats T2; "
        "no strategic position: the plan gives no IFE/EFE weights and ratings",
    )
    mol = kf.swot_key_figures(plans["mol"])
    assert all(f.status == "not scored" for f in mol)
    assert kf.swot_verdict(mol) == (
        "แผนไม่ได้ให้คะแนนรายข้อ จึงไม่จัดอันดับข้อในแต่ละกลุ่ม; ไม่ระบุตำแหน่งเชิงกลยุทธ์: แผนไม่ได้ให้คะแนนรายข้อ",
        "the plan scores no item, so none is ranked; no strategic position: the plan scores none of its items",
    )
    dsdw = kf.swot_key_figures(plans["dsdw"])
    assert [(f.key, f.status) for f in dsdw] == [("swot", "no data")]
    assert kf.swot_verdict(dsdw) == ("แผนนี้ไม่มีการวิเคราะห์ SWOT", "the plan has no SWOT analysis")


def rated(swot_table: pd.DataFrame) -> pd.DataFrame:
    """The SWOT with the plan's own weights (equal within each matrix) and ratings S 4, W 1, O 3, T 2."""
    frame = swot_table.copy()
    internal = frame["quadrant"].isin(["S", "W"])
    frame["weight"] = (1 / internal.sum()) * internal + (1 / (~internal).sum()) * ~internal
    frame["rating"] = frame["quadrant"].map({"S": 4.0, "W": 1.0, "O": 3.0, "T": 2.0})
    return frame


def test_swot_position_is_given_when_the_plan_scores_its_items(plans: dict[str, planlib.Plan]) -> None:
    plan = with_tables(plans["hwfund"], swot=rated(plans["hwfund"].swot))
    ife, efe = ife_efe.factor_matrices(plan.swot)
    assert ife.basis == efe.basis == "plan"
    cell = ife_efe.ie_cell(ife.total, efe.total)
    position = find(kf.swot_key_figures(plan), "position")
    assert position.status is None
    assert position.value == f"ช่อง {cell.roman}" and position.value_en == f"cell {cell.roman}"
    assert f"IFE {ife.total:.2f}, EFE {efe.total:.2f}" in position.note
    th, en = kf.swot_verdict(kf.swot_key_figures(plan))
    assert th.endswith(
        f"ตำแหน่งใน IE matrix ช่อง {cell.roman}: {cell.region_label('th')} (IFE {ife.total:.2f}, EFE {efe.total:.2f})"
    )
    assert en.endswith(f"IE-matrix position cell {cell.roman}: {position.note_en}")


def test_swot_position_from_the_analysts_weights_file_is_a_what_if(
    plans: dict[str, planlib.Plan], tmp_path: Path
) -> None:
    table = rated(plans["mol"].swot)
    path = tmp_path / "weights.csv"
    table[["code", "weight", "rating"]].to_csv(path, index=False, float_format="%.12f")
    position = find(kf.swot_key_figures(plans["mol"], weights_file=path), "position")
    ife, efe = ife_efe.factor_matrices(plans["mol"].swot, weights_file=path)
    assert position.status == "what-if"
    assert position.value == f"ช่อง {ife_efe.ie_cell(ife.total, efe.total).roman}"
    assert "not the plan's" in position.note_en


def test_swot_ties_and_partly_scored_quadrants(plans: dict[str, planlib.Plan]) -> None:
    table = plans["hwfund"].swot.copy()
    strengths = table.index[table["quadrant"] == "S"]
    table.loc[strengths[:2], "score"] = 5.0  # S1 and S2 share the top score
    table.loc[strengths[-1], "score"] = float("nan")
    threats = table.index[table["quadrant"] == "T"]
    table.loc[threats, "score"] = float("nan")
    figures = kf.swot_key_figures(with_tables(plans["hwfund"], swot=table))
    top = find(figures, "top_S")
    assert top.value == "S1, S2" and top.note == "2 ข้อได้คะแนนเท่ากัน 5.00"
    assert top.coverage == Coverage(len(strengths) - 1, len(strengths), "ข้อ", "items")
    assert find(figures, "top_T").status == "not scored"
    th, en = kf.swot_verdict(figures)
    assert th.startswith("คะแนนสูงสุดในแต่ละกลุ่ม: จุดแข็ง S1, S2, จุดอ่อน W3, โอกาส O1 (ไม่มีคะแนน: อุปสรรค)")
    assert en.startswith("top-scored items: strengths S1, S2, weaknesses W3, opportunities O1 (no scores: threats)")


# ---------------------------------------------------------------- prioritization


@pytest.fixture(scope="module")
def prioritized(plans: dict[str, planlib.Plan]) -> dict[str, list[KeyFigure]]:
    return {org: kf.prioritization_key_figures(plans[org]) for org in ("hwfund", "ditp", "mol", "tfund")}


def test_prioritization_figures_are_the_reports_numbers(plans: dict[str, planlib.Plan], prioritized: dict) -> None:
    for org in ("hwfund", "ditp"):
        scoring = priority.scoring(plans[org])
        result = priority.prioritize(scoring, tie_break="shared")
        figures = prioritized[org]
        assert [f.key for f in figures] == ["top", "top3", "ties", "critical", "acceptability"]
        top = result.loc[result["rank"] == 1, "project_code"]
        assert find(figures, "top").value == ", ".join(top)
        assert find(figures, "top3").value == ", ".join(result.loc[result["rank"] <= 3, "project_code"])
        assert find(figures, "ties").value == int(priority.ties(result)["count"].sum())
        acc = sensitivity.rank_acceptability(scoring, seed=2568, top_k=5)  # the report's parameters
        assert find(figures, "acceptability").value == pytest.approx(100 * acc.table.loc[top.iloc[0], 1])
        first = sensitivity.most_critical(sensitivity.critical_changes(scoring, tie_break="shared")).iloc[0]
        critical = find(figures, "critical").value
        assert critical == (math.inf if pd.isna(first["criterion"]) else pytest.approx(abs(first["delta_pct"])))


def test_prioritization_literal_values(prioritized: dict) -> None:
    hw, ditp = prioritized["hwfund"], prioritized["ditp"]
    assert find(hw, "top").value == "1" and "คะแนนรวม 30 · ความเร่งด่วนระดับ 1" in find(hw, "top").note
    assert find(hw, "critical").value_text("th") == "ไม่จำกัด" and find(hw, "critical").value_text("en") == "no limit"
    assert find(hw, "acceptability").value_text("en") == "100.0 %"
    assert find(ditp, "top").value == "1.1.1"
    assert find(ditp, "top3").value == "1.1.1, 1.2.1, 1.4.1, 2.1.1"  # three share rank 2
    assert (
        find(ditp, "ties").value_text("en") == "3 projects"
        and find(ditp, "ties").note == "คะแนนรวม 33: 1.2.1, 1.4.1, 2.1.1"
    )
    assert find(ditp, "critical").value_text("en") == "100.0 %"
    assert "(operations) 1 → 0" in find(ditp, "critical").note


def test_prioritization_verdicts(prioritized: dict) -> None:
    assert kf.prioritization_verdict(prioritized["hwfund"]) == (
        "โครงการ 1 ได้อันดับ 1; อันดับ 1 มั่นคง: ได้อันดับ 1 ใน 100.0 % ของชุดน้ำหนักสุ่ม และไม่มีการเปลี่ยนน้ำหนักเกณฑ์เดียวที่เปลี่ยนอันดับ 1 ได้",
        "project 1 ranks first; the top rank is firm: first in 100.0 % of random weight sets, "
        "and no single weight change alters it",
    )
    share = find(prioritized["ditp"], "acceptability").value_text("th")
    assert kf.prioritization_verdict(prioritized["ditp"])[0] == (
        f"โครงการ 1.1.1 ได้อันดับ 1; อันดับ 1 ค่อนข้างมั่นคง: ได้อันดับ 1 ใน {share} ของชุดน้ำหนักสุ่ม "
        "และต้องเปลี่ยนน้ำหนักเกณฑ์เดียวอย่างน้อย 100.0 % จึงจะเปลี่ยน; คะแนนรวมเท่ากัน 3 โครงการ"
    )


def test_plans_without_scores_are_not_ranked(prioritized: dict, plans: dict[str, planlib.Plan]) -> None:
    for org, what in (("mol", "criteria_only"), ("tfund", "importance_only")):
        (figure,) = prioritized[org]
        assert figure.status == "not scored" and figure.note == kf.NOT_RANKED[what][0]
        assert kf.prioritization_verdict([figure]) == kf.NOT_RANKED[what]
        assert kf.whatif_verdict(kf.whatif_key_figures(plans[org])) == kf.NOT_RANKED[what]


def figure(key: str, value: object, unit: str = "%", **more: object) -> KeyFigure:
    return KeyFigure(key, key, value, unit, "p", key=key, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("share", "critical", "th"),
    [
        (95.0, math.inf, "อันดับ 1 มั่นคง: ได้อันดับ 1 ใน 95.0 % ของชุดน้ำหนักสุ่ม และไม่มีการเปลี่ยน"),
        (90.0, 40.0, "อันดับ 1 มั่นคง: ได้อันดับ 1 ใน 90.0 % ของชุดน้ำหนักสุ่ม และต้องเปลี่ยนน้ำหนักเกณฑ์เดียวอย่างน้อย 40.0 %"),
        (89.9, 40.0, "อันดับ 1 ค่อนข้างมั่นคง: ได้อันดับ 1 ใน 89.9 %"),
        (50.0, 12.5, "อันดับ 1 ค่อนข้างมั่นคง"),
        (49.9, 0.0, "อันดับ 1 ไม่มั่นคง: ได้อันดับ 1 ใน 49.9 % ของชุดน้ำหนักสุ่ม แต่อันดับ 1 และ 2 คะแนนเท่ากันอยู่แล้ว"),
    ],
)
def test_stability_rule(share: float, critical: float, th: str) -> None:
    figures = [
        figure("top", "P1", ""),
        figure("critical", critical, decimals=1),
        figure("acceptability", share, decimals=1),
    ]
    verdict = kf.prioritization_verdict(figures)[0]
    assert verdict.startswith("โครงการ P1 ได้อันดับ 1; " + th)


def test_top_and_tie_rules() -> None:
    tied = [figure("top", "P1, P2", ""), figure("ties", 2, "โครงการ")]
    assert kf.prioritization_verdict(tied) == (
        "โครงการ P1, P2 ได้อันดับ 1 ร่วมกัน; คะแนนรวมเท่ากัน 2 โครงการ",
        "projects P1, P2 share the top rank; 2 projects share a total",
    )
    assert kf.prioritization_verdict([figure("top", "P1", ""), figure("ties", 0, "โครงการ")]) == (
        "โครงการ P1 ได้อันดับ 1",
        "project P1 ranks first",
    )


# ---------------------------------------------------------------- what-if


def test_whatif_without_a_scenario_shows_the_stability_analysis(plans: dict[str, planlib.Plan]) -> None:
    for org in ("hwfund", "ditp"):
        figures = kf.whatif_key_figures(plans[org])
        assert [f.key for f in figures] == ["scenario", "top", "sensitive", "critical", "acceptability"]
        assert find(figures, "scenario").status == "no scenario"
        scoring = priority.scoring(plans[org])
        weights = whatif.scenario_weights(scoring, {})
        intervals = sensitivity.stability_intervals(scoring, weights, top_k=5, tie_break="shared")
        assert find(figures, "sensitive").value == intervals.loc[intervals["width"].idxmin(), "criterion"]
        acc = sensitivity.rank_acceptability(scoring, weights, seed=2568, top_k=5, method="around")
        top = find(figures, "top").value.split(", ")[0]
        assert find(figures, "acceptability").value == pytest.approx(100 * acc.table.loc[top, 1])
        assert clean(figures, kf.whatif_verdict(figures)) == []
    hw = kf.whatif_key_figures(plans["hwfund"])
    assert find(hw, "sensitive").value == "risk" and "9.1–28.6 %" in find(hw, "sensitive").note
    th, en = kf.whatif_verdict(hw)
    assert th.startswith("ไม่ได้กำหนดสถานการณ์สมมติ อันดับจึงเท่ากับแผน; อันดับ 1 มั่นคง")
    assert en.startswith("no scenario set: the ranking is the plan's; the top rank is firm")
    assert "most sensitive criterion: Importance for risk mitigation (risk)" in en
    same = kf.whatif_key_figures(plans["hwfund"], {"cost": 1})  # weights equal to the plan's are no scenario
    assert find(same, "scenario").status == "no scenario" and "equal the plan's" in find(same, "scenario").note_en


def test_whatif_scenario_says_what_moved(plans: dict[str, planlib.Plan]) -> None:
    for org, weights in (("hwfund", {"policy": 3}), ("ditp", {"finance": 3})):
        scoring = priority.scoring(plans[org])
        result = whatif.whatif(scoring, weights)
        figures = kf.whatif_key_figures(plans[org], weights)
        assert [f.key for f in figures] == ["scenario", "moved", "top", "bands", "tau", "acceptability"]
        moved = result.comparison[result.comparison["movement"].fillna(0) != 0]
        assert find(figures, "moved").value == len(moved)
        assert find(figures, "bands").value == len(result.band_changes)
        assert find(figures, "tau").value == pytest.approx(result.tau)
        assert find(figures, "scenario").status == "what-if" and find(figures, "scenario").value == 1
    hw = kf.whatif_key_figures(plans["hwfund"], {"policy": 3})
    assert find(hw, "moved").note == "8 (+1), 7 (\u22121), 9 (+1)"
    assert find(hw, "tau").value_text("en") == "0.930"
    assert kf.whatif_verdict(hw) == (
        "เปลี่ยนน้ำหนัก 1 เกณฑ์; อันดับเปลี่ยน 3 โครงการ: 8 (+1), 7 (\u22121), 9 (+1); อันดับ 1 ยังเป็น 1; ระดับเปลี่ยน 5 โครงการ",
        "1 criterion reweighted; 3 projects changed rank: 8 (+1), 7 (\u22121), 9 (+1); 1 stays first; "
        "5 projects changed band",
    )


def test_whatif_top_change_rule(plans: dict[str, planlib.Plan]) -> None:
    weights = {"operations": 0, "finance": 5}  # ditp: 1.2.1 overtakes 1.1.1
    figures = kf.whatif_key_figures(plans["ditp"], weights)
    result = whatif.whatif(priority.scoring(plans["ditp"]), weights)
    new_top = ", ".join(result.scenario.loc[result.scenario["rank"] == 1, "project_code"])
    top = find(figures, "top")
    assert top.value == new_top != "1.1.1"
    assert kf.previous_top(top) == "1.1.1" and top.change_text("en") == "the plan: 1.1.1"
    assert f"อันดับ 1 เปลี่ยนเป็น {new_top} (เดิม 1.1.1)" in kf.whatif_verdict(figures)[0]
    unmoved = [
        figure("scenario", 2, "เกณฑ์", status="what-if"),
        figure("moved", 0, "โครงการ"),
        figure("bands", 0, "โครงการ"),
    ]
    assert kf.whatif_verdict(unmoved) == (
        "เปลี่ยนน้ำหนัก 2 เกณฑ์; ไม่มีโครงการใดเปลี่ยนอันดับ",
        "2 criteria reweighted; no project changed rank",
    )


# ---------------------------------------------------------------- kpi scorecard


def test_scorecard_dsdw_total_level_and_groups(plans: dict[str, planlib.Plan]) -> None:
    card = kpi.scorecard(plans["dsdw"], 2566)
    figures = kf.scorecard_key_figures(plans["dsdw"], 2566)
    # a card of Q2 results: beside the scores against year-end levels, what the quarterly report shows
    assert [f.key for f in figures] == ["total", "level", "on_track", "projected", "top_level", "below_lowest"]
    total = find(figures, "total")
    assert total.value == card.total == 38.75 and total.of == card.max_total == 100
    assert total.value_text("th") == "38.75 จาก 100 คะแนน"
    assert total.period == "ปีงบประมาณ 2566 · ผลสะสมถึงไตรมาส 2"
    assert total.note == kf.TO_DATE[0] and total.illustrative
    assert find(figures, "level").value_text("en") == "below level 50 (initial)"
    below = find(figures, "below_lowest")
    assert below.value == 2 and below.of == 6 and below.note.startswith("K3, K5")
    assert below.status is None  # to-date results against year-end levels: coloured neither red nor green
    groups = card.groups.set_index("group")
    assert groups.loc["performance", "subtotal"] == 27.5 and groups.loc["potential", "subtotal"] == 11.25
    # on track to date = the quarterly report's RAG for the same quarter: 5 green, K4 amber (52.70 of 53.19)
    on_track = find(figures, "on_track")
    quarterly = progress.quarterly_progress(plans["dsdw"], 2566, 2)
    assert (on_track.value, on_track.of) == (5, 6) == (
        int((quarterly.kpis["rag"] == "green").sum()),
        int((quarterly.kpis["rag"] != "grey").sum()),
    )
    # projected year end: K1 22.78 → 75, K2 65.02 → 75, K3 42.50 → 50, K4 52.21 → 50, K5 92.94 → 75, K6 451.49 → 75
    # (15·75 + 20·75 + 15·50 + 20·50 + 15·75 + 15·75) / 100 = 66.25
    projected = find(figures, "projected")
    assert projected.value == 66.25 and projected.of == 100
    assert kf.scorecard_verdict(figures) == (
        "คะแนนรวมถ่วงน้ำหนัก 38.75 จาก 100 คะแนน, ต่ำกว่าระดับ 50 (เป้าหมายขั้นต้น); ได้ระดับสูงสุด 0 จาก 6 ตัว; "
        "ต่ำกว่าระดับต่ำสุด 2 จาก 6 ตัว; ผลสะสมระหว่างปีเทียบกับเกณฑ์ของทั้งปี; "
        "เทียบเป้าถึงไตรมาสนี้เป็นไปตามเป้า 5 จาก 6 ตัว; คาดการณ์คะแนนรวมสิ้นปี 66.25 จาก 100 คะแนน "
        "(ข้อมูลผลเป็นตัวอย่างสมมติ ไม่ใช่ผลจริง)",
        "weighted total 38.75 of 100 points, below level 50 (initial); 0 of 6 KPIs at their top level; "
        "2 of 6 KPIs below their lowest level; to-date results scored against year-end levels; "
        "5 of 6 KPIs on track against their targets to date; projected year end 66.25 of 100 points "
        "(results are illustrative examples, not real results)",
    )


def test_scorecard_without_weights_has_no_total(plans: dict[str, planlib.Plan]) -> None:
    for org, fy in (("hwfund", 2568), ("ditp", 2569)):
        card = kpi.scorecard(plans[org], fy)
        figures = kf.scorecard_key_figures(plans[org], fy)
        assert [f.key for f in figures] == ["total", "level", "on_track", "projected", "top_level", "below_lowest"]
        assert find(figures, "total").status == "not scored" and find(figures, "level").status == "not scored"
        scored = card.kpis[card.kpis["value"].notna()]
        assert find(figures, "top_level").value == int((scored["level"] == scored["top_score"]).sum())
        assert find(figures, "below_lowest").value == int(scored["below_lowest"].sum())
        assert kf.scorecard_verdict(figures)[0].startswith("ตัวชี้วัดไม่มีน้ำหนัก จึงไม่มีคะแนนรวม; ได้ระดับสูงสุด")
    ditp = kf.scorecard_key_figures(plans["ditp"], 2569)
    assert find(ditp, "below_lowest").value_text("th") == "4 จาก 8 ตัว"
    assert find(ditp, "total").period == "ปีงบประมาณ 2569 · ผลสะสมถึงไตรมาส 1"
    # ditp Q1: K1.3 (27.54 of 23.75) and K2.1 green, K1.1 and K1.5 red, K2.3 amber; the three level KPIs
    # (K1.2, K1.4, K2.2 at level 1 of 5) are judged at year end, not red by a straight line
    on_track = find(ditp, "on_track")
    assert (on_track.value, on_track.of) == (2, 5) and dict(on_track.parts) == {
        "green": 2, "amber": 1, "red": 2, "grey": 3
    }
    projected = find(ditp, "projected")
    assert (projected.value, projected.of) == (2, 5) and "3 not projectable" in projected.note_en


def full_year_dsdw(plan: planlib.Plan) -> planlib.Plan:
    """DSDW with its FY2566 results reported as of Q4, and FY2565 results for every KPI published."""
    actuals = plan.kpi_actuals
    q2 = actuals[(actuals["fiscal_year"] == 2566) & (actuals["quarter"] == 2)]
    year_end = q2.assign(quarter=4)
    last = pd.DataFrame(
        {
            "kpi_code": ["K1", "K2", "K3", "K4", "K5", "K6"],
            "fiscal_year": 2565,
            "value": [20.0, 64.04, 50.0, 53.19, 90.0, 460.0],
            "kind": "result",
        }
    )
    last["unit"] = last["kpi_code"].map(dict(zip(plan.kpis["code"], plan.kpis["unit"])))
    return with_tables(plan, kpi_actuals=pd.concat([actuals, year_end], ignore_index=True), kpi_history=last)


def test_scorecard_of_a_full_year_changes_against_last_year_and_colours_below_lowest(
    plans: dict[str, planlib.Plan],
) -> None:
    plan = full_year_dsdw(plans["dsdw"])
    figures = kf.scorecard_key_figures(plan, 2566)
    total = find(figures, "total")
    last = kpi.scorecard(plan, 2565)
    assert last.as_of == "kpi_history" and last.total is not None
    assert total.value == 38.75 and total.change.previous == pytest.approx(last.total)
    assert total.change.period == "ปีงบประมาณ 2565" and total.note == ""
    assert total.period == "ปีงบประมาณ 2566 · ผลสะสมถึงไตรมาส 4"
    assert find(figures, "below_lowest").status == "red"
    assert kf.TO_DATE[0] not in kf.scorecard_verdict(figures)[0]
    # a to-date card is never compared with a full year
    assert find(kf.scorecard_key_figures(plan, 2566, quarter=2), "total").change is None


def test_scorecard_level_rule(plans: dict[str, planlib.Plan]) -> None:
    plan = full_year_dsdw(plans["dsdw"])
    actuals = plan.kpi_actuals.copy()
    levels = plan.kpi_levels.sort_values("level")
    top = levels.groupby("kpi_code")["threshold"].last()  # every KPI at its top threshold (all higher-is-better)
    q4 = (actuals["fiscal_year"] == 2566) & (actuals["quarter"] == 4)
    actuals.loc[q4, "value"] = actuals.loc[q4, "kpi_code"].map(top)
    figures = kf.scorecard_key_figures(with_tables(plan, kpi_actuals=actuals), 2566)
    card = kpi.scorecard(with_tables(plan, kpi_actuals=actuals), 2566)
    assert card.total == 100
    assert find(figures, "level").value == "ระดับ 100 (เป้าหมายขั้นสูง)"
    assert find(figures, "below_lowest").status == "green" and find(figures, "top_level").value == 6
    no_results = kf.scorecard_key_figures(plan, 2570)
    assert [(f.key, f.status) for f in no_results] == [("total", "no data")]
    assert kf.scorecard_verdict(no_results) == ("ยังไม่มีผลตัวชี้วัดของปีนี้", "no KPI results for this year yet")


# ---------------------------------------------------------------- quarterly progress


@pytest.fixture(scope="module")
def quarterly(plans: dict[str, planlib.Plan]) -> dict[str, tuple[progress.QuarterlyProgress, list[KeyFigure]]]:
    out = {}
    for org, (fy, q) in QUARTERS.items():
        report = progress.quarterly_progress(plans[org], fy, q)
        out[org] = (report, kf.progress_key_figures(plans[org], fy, q, report=report))
    return out


def test_progress_figures_are_the_summary_numbers(quarterly: dict) -> None:
    for org, (report, figures) in quarterly.items():
        summary = report.summary.set_index("key")
        kpis = find(figures, "kpis")
        if not kpis.missing:
            assert (kpis.value, kpis.of) == (
                summary.loc["kpis_on_track", "value"],
                summary.loc["kpis_on_track", "of"],
            ), org
        assert dict(kpis.parts) == {c: int((report.kpis["rag"] == c).sum()) for c in ("green", "amber", "red", "grey")}
        acts = find(figures, "activities")
        if isinstance(acts.value, int):
            assert (acts.value, acts.of) == (
                summary.loc["activities_done", "value"],
                summary.loc["activities_done", "of"],
            )
        budget = find(figures, "budget")
        if not budget.missing:
            spent, planned = summary.loc["budget_spent_pct", "value"], summary.loc["budget_spent_pct", "of"]
            assert budget.value == round(100 * spent / planned, 2), org
        assert clean(figures, kf.progress_verdict(figures)) == [], org


def test_progress_hwfund_budget_says_its_coverage(quarterly: dict) -> None:
    """45.3 % rests on one project's figure out of nine, and says so."""
    _, figures = quarterly["hwfund"]
    budget = find(figures, "budget")
    assert budget.value_text("th") == "45.3 %"
    assert budget.coverage == Coverage(1, 9)
    assert budget.coverage.text("en") == "1 of 9 projects reported"
    assert budget.change.previous == pytest.approx(16.0) and budget.change.period == "ไตรมาส 1/2568"
    activities = find(figures, "activities")
    assert (activities.value, activities.of) == (9, 13) and dict(activities.parts)["overdue"] == 4
    assert "spent 45.3 % of the year's budget (1 of 9 projects reported)" in kf.progress_verdict(figures)[1]


def test_progress_tfund_missing_is_never_performance(quarterly: dict) -> None:
    """No spending → no data, never 0 %; no activity status → no data, never overdue; KPIs without results → no data."""
    _, figures = quarterly["tfund"]
    budget, activities, kpis = find(figures, "budget"), find(figures, "activities"), find(figures, "kpis")
    assert budget.missing and budget.status == "no data" and budget.value_text("en") == "no data"
    assert "not shown as 0 %" in budget.note_en
    assert activities.missing and activities.status == "no data" and "none is counted overdue" in activities.note_en
    assert kpis.missing and dict(kpis.parts)["grey"] == 3
    assert find(figures, "slippage").status == "no data"
    assert kf.progress_verdict(figures) == (
        "ยังไม่มีผลตัวชี้วัดที่ประเมินได้; ไม่มีข้อมูลสถานะกิจกรรม; ไม่มีข้อมูลงบประมาณหรือการเบิกจ่าย",
        "no KPI can be assessed yet; no activity-status data; no budget or spending data",
    )


def test_progress_dsdw_rag_counts_and_verdict(quarterly: dict) -> None:
    _, figures = quarterly["dsdw"]
    kpis = find(figures, "kpis")
    assert kpis.value_text("th") == "5 จาก 6 ตัว"
    assert kpis.parts == (("green", 5), ("amber", 1), ("red", 0), ("grey", 0))
    assert kpis.status == "amber"
    assert kpis.change_short("en") == "+1 KPI"
    assert find(figures, "budget").status == "no data"
    assert kf.progress_verdict(figures) == (
        "ตัวชี้วัด 5 จาก 6 ตัวเป็นไปตามเป้าหมาย; กิจกรรมล่าช้า 4 รายการ; ไม่มีข้อมูลงบประมาณหรือการเบิกจ่าย "
        "(ข้อมูลผลเป็นตัวอย่างสมมติ ไม่ใช่ผลจริง)",
        "5 of 6 KPIs on track; 4 activities overdue; no budget or spending data "
        "(results are illustrative examples, not real results)",
    )


def test_progress_without_spending_or_status_tables_says_no_data(plans: dict[str, planlib.Plan]) -> None:
    plan = with_tables(plans["hwfund"], drop=("spending", "activity_status"))
    figures = kf.progress_key_figures(plan, 2568, 2)
    assert find(figures, "budget").status == "no data"
    assert find(figures, "activities").status == "no data"
    slip = find(figures, "slippage")
    assert slip.value_text("th").startswith("ตัวชี้วัด")  # KPI slippages only: activities are not known to be late
    th, _ = kf.progress_verdict(figures)
    assert "ไม่มีข้อมูลสถานะกิจกรรม" in th and "ไม่มีข้อมูลงบประมาณหรือการเบิกจ่าย" in th and "ล่าช้า" not in th


def test_progress_lending_figure_comes_from_the_reports_lending_table(plans: dict[str, planlib.Plan]) -> None:
    """The lending table is computed on the loans side; page 1 shows its disbursed % or, without one, its note."""
    rows = ["key", "measure_th", "measure_en", "value", "unit", "as_of", "source"]
    known = pd.DataFrame([["disbursed_pct", "ปล่อยกู้สะสม", "disbursed", 62.5, "%", pd.NaT, "loans"]], columns=rows)
    figures = kf.progress_key_figures(plans["hwfund"], 2568, 2, lending=known, illustrative=("loans",))
    lending = find(figures, "lending")
    assert lending.value_text("en") == "62.50 %" and lending.illustrative
    assert "ปล่อยกู้สะสม 62.50 % ของกรอบวงเงิน" in kf.progress_verdict(figures)[0]
    note = pd.DataFrame(
        [["note", "ข้อมูลสิ้นสุดก่อนปีนี้", "the loan data end before this year", None, "", pd.NaT, "loans"]], columns=rows
    )
    lending = find(kf.progress_key_figures(plans["hwfund"], 2568, 2, lending=note), "lending")
    assert lending.status == "no data" and lending.note_en == "the loan data end before this year"
    assert find(kf.progress_key_figures(plans["hwfund"], 2568, 2), "lending") is None


@pytest.mark.parametrize(
    ("kpis", "activities", "budget", "th"),
    [
        (
            figure("kpis", 4, "ตัว", of=6, parts=(("green", 4), ("amber", 1), ("red", 1), ("grey", 0))),
            figure("activities", 8, "กิจกรรม", of=10, parts=(("done", 8), ("overdue", 2))),
            figure("budget", 45.33, decimals=1, coverage=Coverage(9, 9)),
            "ตัวชี้วัด 4 จาก 6 ตัวเป็นไปตามเป้าหมาย; กิจกรรมล่าช้า 2 รายการ; เบิกจ่าย 45.3 % ของงบประมาณทั้งปี",
        ),
        (
            figure("kpis", 2, "ตัว", of=3, parts=(("green", 2), ("amber", 0), ("red", 1), ("grey", 2))),
            figure("activities", 5, "กิจกรรม", of=5, parts=(("done", 5), ("overdue", 0))),
            figure("budget", 10.0, decimals=1, coverage=Coverage(2, 5)),
            "ตัวชี้วัด 2 จาก 3 ตัวเป็นไปตามเป้าหมาย (ยังไม่ประเมิน 2 ตัว); กิจกรรมที่ถึงกำหนดเสร็จครบ 5 รายการ; "
            "เบิกจ่าย 10.0 % ของงบประมาณทั้งปี (รายงาน 2 จาก 5 โครงการ)",
        ),
        (
            figure("kpis", None, "ตัว", status="no data"),
            figure("activities", "ยังไม่มีกิจกรรมถึงกำหนด", "กิจกรรม", value_en="none due yet"),
            figure("budget", None, status="no data"),
            "ยังไม่มีผลตัวชี้วัดที่ประเมินได้; ยังไม่มีกิจกรรมถึงกำหนด; ไม่มีข้อมูลงบประมาณหรือการเบิกจ่าย",
        ),
    ],
)
def test_progress_verdict_rules(kpis: KeyFigure, activities: KeyFigure, budget: KeyFigure, th: str) -> None:
    assert kf.progress_verdict([kpis, activities, budget])[0] == th
    lent = figure("lending", 62.5)
    assert kf.progress_verdict([kpis, activities, budget, lent])[0] == th + "; ปล่อยกู้สะสม 62.50 % ของกรอบวงเงิน"


def test_nothing_forbidden_on_any_page_one(plans: dict[str, planlib.Plan]) -> None:
    for org in ("hwfund", "ditp", "mol", "dsdw", "tfund"):
        plan = plans[org]
        pairs = [
            (kf.swot_key_figures(plan), kf.swot_verdict),
            (kf.prioritization_key_figures(plan), kf.prioritization_verdict),
            (kf.whatif_key_figures(plan), kf.whatif_verdict),
        ]
        if plan.has("kpis") and plan.has("kpi_levels"):
            fy = int(plan.info["fiscal_year"])  # type: ignore[call-overload]
            pairs.append((kf.scorecard_key_figures(plan, fy), kf.scorecard_verdict))
        for figures, verdict in pairs:
            assert clean(figures, verdict(figures)) == [], org
    change = KeyFigure("x", "x", 1.0, "%", "p", Change(1.004, "q"))
    assert change.change_short("en") == "unchanged"


def test_progress_level_kpis_judged_at_year_end_are_said_so(quarterly: dict) -> None:
    """hwfund Q2: 6 level KPIs below their year-end target are grey "judged at year end", not "no result"."""
    report, figures = quarterly["hwfund"]
    kpis = find(figures, "kpis")
    assert (kpis.value, kpis.of) == (11, 13) and dict(kpis.parts)["grey"] == 6
    assert kpis.note_en == "6 judged at year end (level/milestone)"
    assert int((report.kpis["judged"] == "year end").sum()) == 6
    th, en = kf.progress_verdict(figures)
    assert th.startswith("ตัวชี้วัด 11 จาก 13 ตัวเป็นไปตามเป้าหมาย (ยังไม่ประเมิน 6 ตัว)")
    assert en.startswith("11 of 13 KPIs on track (6 not yet assessed)")


def test_progress_level_kpis_without_a_result_are_counted_without_a_result(plans: dict[str, planlib.Plan]) -> None:
    """A level KPI with no result is "without a result", never "judged at year end" (hwfund FY2566 Q2 has none;
    hwfund FY2568 Q2 without P2-LT's results keeps 5 level KPIs below target and 1 without a result)."""
    none_yet = find(kf.progress_key_figures(plans["hwfund"], 2566, 2), "kpis")
    assert none_yet.missing and dict(none_yet.parts)["grey"] == 11
    assert none_yet.note_en == "none of the 11 KPIs has both a result and a target yet"
    actuals = plans["hwfund"].kpi_actuals
    plan = with_tables(plans["hwfund"], kpi_actuals=actuals[actuals["kpi_code"] != "P2-LT"])
    kpis = find(kf.progress_key_figures(plan, 2568, 2), "kpis")
    assert (kpis.value, kpis.of) == (11, 13) and dict(kpis.parts)["grey"] == 6
    assert kpis.note_en == "5 judged at year end (level/milestone); 1 without a result or target yet"


def test_the_acceptability_note_on_page_one_is_one_plain_line(plans: dict[str, planlib.Plan]) -> None:
    """Page 1 says how many weight sets were drawn and around what, in words; the sampler's method
    (Dirichlet, concentration, seed) stays in the report's acceptability caption (sensitivity.method_text)."""
    ranked = find(kf.prioritization_key_figures(plans["hwfund"]), "acceptability")
    assert (ranked.note, ranked.note_en) == (
        "สุ่มชุดน้ำหนัก 10,000 ชุด ทุกชุดมีโอกาสเท่ากัน",
        "10,000 random weight sets, all equally likely",
    )
    plain = find(kf.whatif_key_figures(plans["hwfund"]), "acceptability")
    assert (plain.note, plain.note_en) == (
        "สุ่มชุดน้ำหนัก 10,000 ชุด รอบน้ำหนักของแผน",
        "10,000 random weight sets around the plan's weights",
    )
    moved = find(kf.whatif_key_figures(plans["hwfund"], {"risk": 0.5}), "acceptability")
    assert moved.note_en == "10,000 random weight sets around the what-if weights"
    for figure in (ranked, plain, moved):
        for note in (figure.note, figure.note_en):
            assert "Dirichlet" not in note and "concentration" not in note and "seed" not in note
            assert len(note) <= 60 and "\n" not in note
    acc = sensitivity.rank_acceptability(priority.scoring(plans["hwfund"]), seed=2568, top_k=5)
    assert "Dirichlet" in sensitivity.method_text(acc)[1]  # the method text is still written, off page 1
