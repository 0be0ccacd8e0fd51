"""Prioritisation: hwfund Table 3.5 and DITP §5.2 reproduced, tie-break policies, printed checks, bad scores."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import planlib
from planlib.inputs.dataset import WrongType
from planlib.plans import bands
from planlib.plans import priority as pr
from planlib.reports import templates

DATA = Path(__file__).resolve().parents[2] / "data"


def _copy(tmp_path: Path, org: str) -> Path:
    folder = tmp_path / org
    shutil.copytree(DATA / org, folder, ignore=shutil.ignore_patterns("synthetic"))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------- the source tables


def test_hwfund_table_3_5_totals_levels_and_printed_ranks(hwfund: pr.Scoring) -> None:
    """seed 000 Table 3.5: plain sums of six 1–5 scores; levels from the 16–18 … 28–30 rubric."""
    result = pr.prioritize(hwfund)
    assert result["project_code"].tolist() == [str(i) for i in range(1, 10)]
    assert result["total"].tolist() == [30, 25, 22, 21, 20, 19, 18, 17, 16]
    assert result["band_order"].tolist() == [1, 2, 3, 4, 4, 4, 5, 5, 5]
    assert result["band"].iloc[0] == "ความเร่งด่วนระดับ 1" and result["band"].iloc[-1] == "ความเร่งด่วนระดับ 5"
    assert result["rank"].tolist() == list(range(1, 10))
    assert result["printed_rank"].tolist() == list(range(1, 10))
    assert pr.ties(result).empty and not result["still_tied"].any()
    # project 2 by hand: 5 + 5 + 4 + 5 + 4 + 2 = 25
    assert result.loc[1, ["policy", "value", "risk", "benefit", "user_need", "cost"]].sum() == 25


def test_hwfund_urgency_column_is_a_rank_not_the_rubric_level(hwfund: pr.Scoring) -> None:
    reading = pr.printed_rank_reading(pr.prioritize(hwfund))
    # printed 1..9 equals the rank 9/9 times but the level (1,2,3,4,4,4,5,5,5) only for projects 1-4
    assert (reading.kind, reading.matches_rank, reading.matches_level, reading.count) == ("rank", 9, 4, 9)
    assert "not the rubric level" in reading.en and "1, 2, 3, 4, 4, 4, 5, 5, 5" in reading.en
    assert "ไม่ใช่ 'ระดับ'" in reading.th


def test_ditp_totals_all_high_with_a_three_way_tie(ditp: pr.Scoring) -> None:
    """seed 001 L810–815: 35, 33, 33, 33, 32, 31, all สูง (30–40); 1.2.1, 1.4.1, 2.1.1 tie at 33."""
    result = pr.prioritize(ditp)
    assert result["total"].tolist() == [35, 33, 33, 33, 32, 31]
    assert set(result["band"]) == {"สูง"}
    ranks = dict(zip(result["project_code"], result["rank"]))
    assert ranks == {"1.1.1": 1, "1.2.1": 2, "1.4.1": 2, "2.1.1": 2, "1.3.1": 5, "2.2.1": 6}
    assert result.set_index("project_code").loc["1.4.1", "tied_with"] == "1.2.1,2.1.1"
    tied = pr.ties(result)
    assert len(tied) == 1
    assert tied.iloc[0][["total", "projects", "count", "still_tied"]].tolist() == [33.0, "1.2.1, 1.4.1, 2.1.1", 3, True]
    checked = pr.printed_vs_computed(result).set_index("project_code")
    # printed ranks 2, 3, 4 of the tied plans lie inside the ranks their group spans (2-4): not flagged
    assert checked["rank_ok"].all() and checked["total_ok"].all() and checked["band_ok"].all()


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("shared", {"1.2.1": 2, "1.4.1": 2, "2.1.1": 2}),
        ("code", {"1.2.1": 2, "1.4.1": 3, "2.1.1": 4}),
        # operations: 1.4.1 = 9, 2.1.1 = 9, 1.2.1 = 8 -> 1.2.1 last; 1.4.1 and 2.1.1 still tied
        ("criterion:operations", {"1.4.1": 2, "2.1.1": 2, "1.2.1": 4}),
        ("criterion:operations,code", {"1.4.1": 2, "2.1.1": 3, "1.2.1": 4}),  # = the printed order
        ("bc_ratio,code", {"1.4.1": 2, "2.1.1": 3, "1.2.1": 4}),  # 13/8, 13/8, 12/9
        # budget: 2.1.1 plans 3,000 THB a year, the others no budget (0): 1.2.1 and 1.4.1 share rank 2
        ("budget", {"1.2.1": 2, "1.4.1": 2, "2.1.1": 4}),
        ("criterion:finance", {"1.2.1": 2, "1.4.1": 3, "2.1.1": 3}),
    ],
)
def test_tie_break_policies_on_ditp(ditp: pr.Scoring, policy: str, expected: dict[str, int]) -> None:
    result = pr.prioritize(ditp, tie_break=policy).set_index("project_code")
    assert {c: int(result.loc[c, "rank"]) for c in expected} == expected
    assert result.loc["1.1.1", "rank"] == 1 and result.loc["2.2.1", "rank"] == 6
    assert len(pr.ties(result.reset_index())) == 1  # the tie is reported whatever breaks it
    th, en = pr.tie_break_text(policy)
    assert th and en


def test_bad_tie_break_is_refused(ditp: pr.Scoring) -> None:
    with pytest.raises(ValueError, match="unknown tie-break"):
        pr.parse_tie_break("alphabetical")
    with pytest.raises(ValueError, match="unknown criterion 'speed'"):
        pr.prioritize(ditp, tie_break="criterion:speed")


DITP_PRINTED_ORDER = ["1.1.1", "1.4.1", "2.1.1", "1.2.1", "1.3.1", "2.2.1"]
"""The order DITP prints (seed 001 L810–815)."""


def test_ditp_printed_order_through_the_report_parameter() -> None:
    """``planlib report prioritization --org ditp -p tie_break=bc_ratio,code``: the template's parameter check passes
    the policy on, and the ranking it gives is the printed one (1.4.1 and 2.1.1 at B/C 13/8 before 1.2.1 at 12/9)."""
    raw = {"org": "ditp", "data_dir": str(DATA), "tie_break": "bc_ratio,code"}
    params = templates.get("prioritization").validate(raw)
    result = pr.prioritize(pr.scoring(planlib.load_plan(params.org_dir)), tie_break=params.tie_break)
    assert result["project_code"].tolist() == DITP_PRINTED_ORDER
    assert result["rank"].tolist() == [1, 2, 3, 4, 5, 6] and not result["still_tied"].any()
    assert result["printed_rank"].tolist() == [1, 2, 3, 4, 5, 6]  # and these are the ranks it prints


@pytest.mark.parametrize(
    "policy",
    ["shared", "", "code", "budget", "bc_ratio", "bc_ratio,code", "bc_ratio, code", "criterion:operations,code",
     "budget,bc_ratio,code", "criterion:finance,criterion:operations"],
)
def test_tie_break_parameter_accepts_what_the_library_accepts(policy: str) -> None:
    params = templates.get("whatif").validate({"org": "ditp", "data_dir": str(DATA), "tie_break": policy})
    assert params.tie_break == policy and pr.parse_tie_break(params.tie_break) == pr.parse_tie_break(policy)


@pytest.mark.parametrize("policy", ["alphabetical", "criterion:", "code;import os", "bc-ratio", "code,,random"])
def test_tie_break_parameter_refuses_what_the_library_refuses(policy: str) -> None:
    with pytest.raises(ValueError, match="unknown tie-break") as library:
        pr.parse_tie_break(policy)
    with pytest.raises(templates.ParamError) as refused:
        templates.get("prioritization").validate({"org": "ditp", "data_dir": str(DATA), "tie_break": policy})
    english, thai_words = str(library.value).split(" / ", 1)
    assert english in str(refused.value) and thai_words in str(refused.value)  # the library's own words, both languages


def test_report_command_prints_the_ditp_order_papermill(tmp_path: Path) -> None:
    """End to end: ``planlib report prioritization --org ditp -p tie_break=bc_ratio,code`` builds the report (a kernel
    runs the notebook) and its criterion matrix lists the projects in DITP's printed order."""
    command = [sys.executable, "-m", "planlib", "report", "prioritization", "--org", "ditp"]
    command += ["-p", "tie_break=bc_ratio,code", "--data-dir", str(DATA), "--out", str(tmp_path)]
    command += ["--no-pdf", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    (page,) = tmp_path.glob("ditp/*/prioritization.html")
    html = page.read_text(encoding="utf-8")
    matrix = html[html.index("คะแนนเท่ากับ / tied with"):]
    matrix = matrix[: matrix.index("</table>")]
    assert re.findall(r"<tr><td>([0-9.]+)</td>", matrix) == DITP_PRINTED_ORDER
    assert "<td>1.4.1→2, 2.1.1→3, 1.2.1→4</td>" in html  # the tie group, broken by B/C then code
    manifest = json.loads((page.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"]["prioritization"]["parameters"]["tie_break"] == "bc_ratio,code"


def test_natural_code_order() -> None:
    codes = ["1.10.1", "2.1.1", "1.2.1", "10", "9"]
    assert sorted(codes, key=pr.natural_key) == ["1.2.1", "1.10.1", "2.1.1", "9", "10"]
    assert pr.natural_key is bands.natural_key  # one rule, offered by priority too


def test_cost_direction_inverts_on_the_scale(hwfund: pr.Scoring) -> None:
    """Reading hwfund's 'ค่าใช้จ่าย' as a cost: s' = 1 + 5 − s. Project 2 (cost 2 → 4) overtakes project 1 (5 → 1)."""
    crit = hwfund.criteria.copy()
    crit.loc["cost", "direction"] = "cost"
    as_cost = pr.Scoring(hwfund.scores, crit, hwfund.bands, hwfund.projects)
    total = pr.totals(as_cost)
    # by hand: project 1 = 25 + 1 = 26, project 2 = 23 + 4 = 27, project 3 = 21 + 5 = 26, project 6 = 16 + 3 = 19
    assert total[["1", "2", "3", "6"]].tolist() == [26, 27, 26, 19]
    assert pr.prioritize(as_cost)["project_code"].iloc[0] == "2"


def test_normalised_totals(hwfund: pr.Scoring) -> None:
    """Lowest possible total 6 × 1 = 6, highest 6 × 5 = 30."""
    assert pr.total_range(hwfund) == (6.0, 30.0)
    result = pr.prioritize(hwfund, scale="0-100").set_index("project_code")
    assert result.loc["1", "total_shown"] == 100
    assert result.loc["9", "total_shown"] == pytest.approx(100 * 10 / 24)
    shown = pr.prioritize(hwfund, scale="0-1").set_index("project_code")["total_shown"]
    assert shown["9"] == pytest.approx(10 / 24)
    with pytest.raises(ValueError):
        pr.normalise(pr.totals(hwfund), hwfund, to="percent")


def test_weights_change_totals_and_bands_use_the_plan_scale(hwfund: pr.Scoring) -> None:
    doubled = pr.prioritize(hwfund, {c: 2 for c in hwfund.criterion_codes})
    assert doubled["total"].tolist() == [60, 50, 44, 42, 40, 38, 36, 34, 32]
    assert doubled["band_order"].tolist() == [1, 2, 3, 4, 4, 4, 5, 5, 5]  # same bands, mapped onto 6–30
    with pytest.raises(planlib.DataError) as err:
        pr.weight_vector(hwfund, {"speed": 1, "cost": -1})
    assert [p.code for p in err.value.problems] == ["unknown_code_criterion", "bad_value_weight"]
    with pytest.raises(planlib.DataError, match="every weight is 0"):
        pr.weight_vector(hwfund, {c: 0 for c in hwfund.criterion_codes})


def test_bands_are_read_as_printed() -> None:
    rubric = pd.DataFrame({
        "min": [28, 25, 22, 19, 16],
        "max": [30, 27, 24, 21, 18],
        "label": list("12345"),
        "order": [1, 2, 3, 4, 5],
    })
    found = bands.band_of(pd.Series([30, 28, 27.6, 27, 16, 15.9, 30.5]), rubric)
    assert found["band"].tolist()[:5] == ["1", "1", "2", "2", "5"]  # 27.6 sits between 27 and 28: the lower band
    assert found["band"].isna().tolist()[5:] == [True, True]


# ---------------------------------------------------------------- what exists for other plans


def test_tfund_has_only_importance_stars() -> None:
    plan = planlib.load_plan(DATA / "tfund")
    assert pr.what_exists(plan) == "importance_only" and not pr.has_scores(plan)
    table = pr.importance_table(plan)
    assert table.iloc[0]["stars"] == "★★★" and table.iloc[0]["project_code"] == "1"  # anti-virus project, ***
    assert table.set_index("project_code").loc["2", "importance"] == 1  # infographic project, *
    with pytest.raises(planlib.DataError, match="criteria"):
        pr.scoring(plan)


def test_criteria_without_scores(tmp_path: Path) -> None:
    folder = tmp_path / "mol"
    folder.mkdir()
    (folder / "plan.csv").write_text("key,value\norg_code,mol\norg_name_th,กระทรวงแรงงาน\n", encoding="utf-8")
    (folder / "criteria.csv").write_text("code,name_th\nC1,เงื่อนไขนโยบายสำคัญ\nC2,ปริมาณงาน\n", encoding="utf-8")
    plan = planlib.load_plan(folder)
    assert pr.what_exists(plan) == "criteria_only"
    assert pr.criteria_list(plan)["code"].tolist() == ["C1", "C2"]


# ---------------------------------------------------------------- checks through the data


def test_shipped_data_has_no_priority_problems() -> None:
    for org in ("hwfund", "ditp"):
        plan = planlib.load_plan(DATA / org)
        codes = {p.code for p in pr.report_problems(plan) if p.table in ("scores", "bands", "criteria")}
        assert not codes, org


def test_bad_scores_get_located_errors(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "hwfund")
    scores = folder / "scores.csv"
    _edit(scores, "2,5,5,4,5,4,2,25", "2,5,7,4,5,4,2,25")  # value 7 on a 1-5 scale, line 3
    _edit(scores, "5,5,3,4,4,3,1,20", "5,5,3,4,,3,1,20")  # benefit missing, line 6
    _edit(scores, "9,5,3,2,3,2,1,16", "99,5,3,2,3,2,1,16")  # unknown project, line 10
    problems = planlib.validate(folder)
    found = {(p.table, p.row, p.column, p.code) for p in problems.errors}
    assert ("scores", 3, "value", "out_of_scale") in found
    assert ("scores", 6, "benefit", "required_score") in found
    assert ("scores", 10, "project_code", "unknown_code") in found
    bad = next(p for p in problems.errors if p.code == "out_of_scale")
    assert bad.value == "7" and "1–5" in bad.reason_en and "1–5" in bad.reason_th and bad.file.endswith("scores.csv")
    with pytest.raises(planlib.DataError):
        planlib.load_plan(folder)


def test_printed_total_band_and_rank_mismatches_are_warnings(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "ditp")
    _edit(folder / "scores.csv", "1.3.1,7,8,8,9,32", "1.3.1,7,8,8,9,34")  # line 6
    _edit(folder / "projects.csv", ",,6,สูง,", ",,2,กลาง,")  # 2.2.1 printed rank 2 and band กลาง, line 7
    plan = planlib.load_plan(folder)  # warnings never fail loading
    found = {(p.table, p.row, p.column, p.code) for p in plan.problems.warnings}
    assert ("scores", 6, "printed_total", "total_mismatch_score") in found
    assert ("projects", 7, "printed_band", "band_mismatch") in found
    assert ("projects", 7, "printed_rank", "rank_mismatch") in found
    shown = {p.code for p in pr.report_problems(plan)}
    assert {"total_mismatch_score", "band_mismatch", "rank_mismatch"} <= shown
    reasons = {p.code: p.reason_en for p in plan.problems.warnings}
    assert reasons["total_mismatch_score"] == "project 1.3.1: the source prints total 34, the scores add up to 32"
    assert reasons["rank_mismatch"] == "project 2.2.1: printed rank 2, its total 31 ranks 6"


def test_overlapping_bands_and_cost_criterion_without_scale_are_errors(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "hwfund")
    _edit(folder / "bands.csv", "25,27,", "25,28,")  # overlaps 28-30, line 3
    # line 7: cost read as a cost criterion with no scale_min
    _edit(folder / "criteria.csv", "cost,ค่าใช้จ่ายต่าง ๆ,Costs,1,benefit,1,5", "cost,ค่าใช้จ่ายต่าง ๆ,Costs,1,cost,,5")
    found = {(p.table, p.row, p.column, p.code) for p in planlib.validate(folder).errors}
    assert ("bands", 2, "min", "band_overlap") in found  # the 28-30 band (line 2) overlaps 25-28
    assert ("criteria", 7, "scale_min", "required_cost_scale") in found


# ---------------------------------------------------------------- properties


_matrices = arrays(np.float64, st.tuples(st.integers(2, 7), st.integers(1, 5)), elements=st.integers(1, 5).map(float))
_weights = st.lists(st.floats(0.01, 10, allow_nan=False), min_size=5, max_size=5)


@settings(max_examples=60, deadline=None)
@given(_matrices, _weights, st.floats(0.01, 1000, allow_nan=False))
def test_ranks_are_invariant_to_scaling_all_weights(matrix: np.ndarray, weights: list[float], factor: float) -> None:
    m = matrix.shape[1]
    sc = pr.make_scoring(matrix, weights=weights[:m], scale=(1, 5))
    base = pr.prioritize(sc, tie_break="shared").set_index("project_code")["rank"]
    times = {c: w * factor for c, w in zip(sc.criterion_codes, weights[:m])}
    scaled = pr.prioritize(sc, times).set_index("project_code")["rank"]
    assert base.equals(scaled)


@settings(max_examples=60, deadline=None)
@given(_matrices, _weights, st.data())
def test_a_dominating_project_never_ranks_below(matrix: np.ndarray, weights: list[float], data: st.DataObject) -> None:
    n, m = matrix.shape
    i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    directions = data.draw(st.lists(st.sampled_from(["benefit", "cost"]), min_size=m, max_size=m))
    cost = np.array([d == "cost" for d in directions])
    matrix = matrix.copy()
    # i is at least as good as j everywhere: higher on benefit criteria, lower on cost criteria
    matrix[i] = np.where(cost, np.minimum(matrix[i], matrix[j]), np.maximum(matrix[i], matrix[j]))
    sc = pr.make_scoring(matrix, weights=weights[:m], directions=directions, scale=(1, 5))
    for policy in ("shared", "criterion:C1"):
        ranks = pr.prioritize(sc, tie_break=policy).set_index("project_code")["rank"]
        assert ranks[f"P{i + 1}"] <= ranks[f"P{j + 1}"]


# ---------------------------------------------------------------- the notebook

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "prioritization.ipynb"


def _run(notebook: Path, tmp_path: Path, **params: object) -> str:
    import nbformat
    import papermill

    out = tmp_path / notebook.name
    parameters = {"data_dir": str(DATA), **params}
    papermill.execute_notebook(str(notebook), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(tmp_path))
    nb = nbformat.read(out, as_version=4)
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_notebook_runs_for_ditp(tmp_path: Path) -> None:
    html = _run(NOTEBOOK, tmp_path, org="ditp", tie_break="criterion:operations,code", top_k=3)
    assert "<td>1.2.1, 1.4.1, 2.1.1</td>" in html  # the tie is reported
    assert "<td>1.4.1→2, 2.1.1→3, 1.2.1→4</td>" in html  # broken by operations, then code
    assert "✗ ไม่ตรง / differs" in html and "13/8 = 1.625" in html  # printed B/C 1.65 flagged
    assert "<th>อันดับ 1 (%)</th>" in html and "3 อันดับแรก (%) / top 3 (%)" in html  # rank acceptability table


def test_notebook_says_plainly_when_only_stars_exist(tmp_path: Path) -> None:
    html = _run(NOTEBOOK, tmp_path, org="tfund")
    assert "ระบุเพียงระดับความสำคัญ" in html and "only an importance level" in html and "<td>★★★</td>" in html


# ---------------------------------------------------------------- charts (issue 17: bar axes from 0, short names)


def test_totals_chart_starts_at_zero_with_short_thai_names(hwfund: pr.Scoring) -> None:
    result = pr.prioritize(hwfund)
    fig = pr.totals_chart(result, hwfund)
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert low == 0 and high >= float(result["total"].max())  # hwfund totals 16–30: the axis no longer starts at 15
    labels = [t.get_text() for t in ax.get_yticklabels()]
    codes = list(result["project_code"])
    assert len(labels) == 9 and all(label.endswith(f"({code})") for label, code in zip(labels, codes))
    name = str(hwfund.projects.loc[str(result["project_code"].iloc[0]), "name_th"])
    assert labels[0].startswith(name[:10]) and labels[0] != str(result["project_code"].iloc[0])
    plt.close(fig)


def test_acceptability_heatmap_labels_rows_by_name_when_given(hwfund: pr.Scoring) -> None:
    table = pd.DataFrame({1: [0.75, 0.25], 2: [0.25, 0.75]}, index=pd.Index(["1", "2"], name="project_code"))
    named = pr.acceptability_heatmap(table, names=hwfund.projects["name_th"])
    labels = [t.get_text() for t in named.axes[0].get_yticklabels()]
    assert labels[0].endswith("(1)") and len(labels[0]) > 4
    bare = pr.acceptability_heatmap(table)
    assert [t.get_text() for t in bare.axes[0].get_yticklabels()] == ["1", "2"]
    assert [t.get_text() for t in bare.axes[0].get_xticklabels()] == ["1", "2"]  # ranks as integers
    plt.close(named)
    plt.close(bare)


def test_prioritize_given_a_plan_says_to_make_a_scoring_first(plans):
    """Issue 14: ``prioritize(plan)`` names what it expects and the call that makes it, in Thai and English."""
    with pytest.raises(WrongType) as caught:
        pr.prioritize(plans["hwfund"])
    text = str(caught.value)
    assert "Scoring" in text and "Plan" in text and "priority.scoring(plan)" in text
    assert re.search("[\u0e01-\u0e5b]", text)
