"""What-if scenarios on hwfund and DITP: new weights, edited/added/removed projects, Kendall τ-b, band changes."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import planlib
from planlib.plans import priority as pr
from planlib.plans import whatif as wi

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def hwfund() -> pr.Scoring:
    return pr.scoring(planlib.load_plan(DATA / "hwfund"))


def test_dropping_the_cost_criterion(hwfund: pr.Scoring) -> None:
    """Weight of 'cost' 0: totals 25, 23, 21, 19, 19, 16, 17, 16, 15 (Table 3.5 minus the cost column)."""
    result = wi.whatif(hwfund, {"cost": 0})
    comp = result.comparison.set_index("project_code")
    assert comp["total_after"].reindex([str(i) for i in range(1, 10)]).tolist() == [25, 23, 21, 19, 19, 16, 17, 16, 15]
    assert comp["rank_after"].reindex([str(i) for i in range(1, 10)]).tolist() == [1, 2, 3, 4, 4, 7, 6, 7, 9]
    assert comp["movement"].reindex(["5", "6", "7", "8"]).tolist() == [1, -1, 1, 1]
    # τ-b by hand: 36 pairs, after-ties (4,5) and (6,8), one discordant pair (6,7): (33 − 1) / √(36 · 34)
    assert result.tau == pytest.approx(32 / math.sqrt(36 * 34))
    # bands on the plan's 6–30 scale: range 5–25 maps 21 → 25.2 (level 2), 19 → 22.8 (level 3), 17 → 19.2 (level 4)
    assert sorted(result.band_changes["project_code"]) == ["3", "4", "5", "7", "8"]
    assert result.band_changes.set_index("project_code").loc["3", "band_after"] == "ความเร่งด่วนระดับ 2"
    cost = result.weights.set_index("criterion").loc["cost"]
    assert cost[["weight_before", "weight_after", "share_after"]].tolist() == [1, 0, 0]
    assert result.changed
    th, en = wi.summary_text(result)
    assert "4 project(s) changed rank; 5 changed band" in en and "อันดับเปลี่ยน 4" in th


def test_scaling_every_weight_changes_nothing(hwfund: pr.Scoring) -> None:
    result = wi.whatif(hwfund, {c: 3.5 for c in hwfund.criterion_codes})
    assert result.tau == 1 and not result.changed and result.band_changes.empty


def test_changed_added_and_removed_projects(hwfund: pr.Scoring) -> None:
    new = {"N1": {"policy": 5, "value": 5, "risk": 5, "benefit": 5, "user_need": 5, "cost": 4, "name_th": "โครงการใหม่"}}
    result = wi.whatif(hwfund, scores={"9": {"cost": 5}}, add=new, remove=["2"])
    comp = result.comparison.set_index("project_code")
    assert comp.loc["N1", ["total_after", "rank_after", "status", "name_th"]].tolist() == [29, 2, "added", "โครงการใหม่"]
    assert comp.loc["2", "status"] == "removed" and pd.isna(comp.loc["2", "rank_after"])
    nine = comp.loc["9", ["total_before", "total_after", "rank_before", "rank_after", "movement"]]
    assert nine.tolist() == [16, 20, 9, 5, 4]
    assert comp.loc["9", "band_after"] == "ความเร่งด่วนระดับ 4" and comp.loc["9", "band_changed"]
    assert result.comparison["project_code"].iloc[-1] == "2"  # removed projects listed last
    # the plan itself is unchanged
    assert pr.totals(hwfund)["9"] == 16 and "N1" not in hwfund.scores.index


def test_bad_changes_are_located_errors(hwfund: pr.Scoring) -> None:
    with pytest.raises(planlib.DataError) as err:
        edits = {"99": {"cost": 5}, "1": {"cost": 9, "speed": 1}}
        wi.whatif(hwfund, scores=edits, add=pd.DataFrame({"project_code": ["1", "N"], "policy": [5, 0]}), remove=["77"])
    found = {(p.row, p.column, p.code) for p in err.value.problems}
    assert (None, "project_code", "unknown_code_project") in found  # project 99
    assert (None, "project_code", "unknown_code_remove") in found  # removing 77
    assert (None, "cost", "out_of_scale_whatif") in found  # 9 on 1–5
    assert (None, "speed", "unknown_code_criterion") in found
    assert (1, "project_code", "duplicate_project") in found  # new row 1 reuses code 1
    assert (2, "policy", "out_of_scale_whatif") in found and (2, "value", "required_new_score") in found
    assert all(p.reason_th for p in err.value.problems)
    reasons = {p.reason_en for p in err.value.problems}
    assert "project 1: score 9 is outside the scale 1–5 of 'cost'" in reasons
    assert "cannot remove unknown project '77'" in reasons


def test_kendall_tau() -> None:
    a = pd.Series([1, 2, 3, 4], index=list("abcd"))
    assert wi.kendall_tau(a, a) == 1
    assert wi.kendall_tau(a, pd.Series([4, 3, 2, 1], index=list("abcd"))) == -1
    assert wi.kendall_tau(a, pd.Series([2, 1, 3, 4, 9], index=list("bacde"))) == 1  # common index only, aligned by code
    assert math.isnan(wi.kendall_tau(a, pd.Series([1, 1, 1, 1], index=list("abcd"))))
    # against the definition, with ties on both sides
    rng = np.random.default_rng(5)
    x, y = rng.integers(1, 4, 12), rng.integers(1, 4, 12)
    conc = sum(np.sign(x[i] - x[j]) * np.sign(y[i] - y[j]) for i in range(12) for j in range(i + 1, 12))
    tx = sum(x[i] != x[j] for i in range(12) for j in range(i + 1, 12))
    ty = sum(y[i] != y[j] for i in range(12) for j in range(i + 1, 12))
    assert wi.kendall_tau(pd.Series(x), pd.Series(y)) == pytest.approx(conc / math.sqrt(tx * ty))


def test_live_sliders_only_in_a_jupyter_server_kernel(monkeypatch: pytest.MonkeyPatch, hwfund: pr.Scoring) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert not wi.live_session()
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/whatif.ipynb")
    assert wi.live_session()
    box = wi.live_sliders(hwfund, {"cost": 0})
    sliders = [c for c in box.children if hasattr(c, "value") and isinstance(c.value, float)]
    assert [s.description for s in sliders] == hwfund.criterion_codes and sliders[-1].value == 0


def test_movement_chart(hwfund: pr.Scoring) -> None:
    fig = wi.movement_chart(wi.whatif(hwfund, {"cost": 0}).comparison, source="test")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "อันดับ / rank" and len(ax.lines) == 9


NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "whatif.ipynb"


def test_notebook_is_stored_without_outputs() -> None:
    import nbformat

    from planlib.reports import templates

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    names = {line.split("=")[0].strip() for line in code[0].source.splitlines() if "=" in line}
    assert names == set(templates.TEMPLATES["whatif"].params.model_fields)


def test_notebook_runs_with_weights_under_papermill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    import papermill

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    out = tmp_path / "whatif.ipynb"
    parameters = {"org": "hwfund", "data_dir": str(DATA), "weights": {"cost": 0}, "top_k": 5}
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(tmp_path))
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Kendall τ-b = 0.915; 4 project(s) changed rank; 5 changed band" in html
    assert "5 ≻ 6" in html  # a binding pair of the stability intervals
    assert "Weight sliders appear when this notebook runs in JupyterLab" in html
    widget = "application/vnd.jupyter.widget-view+json"
    assert not any(widget in o.get("data", {}) for o in outputs)  # no widget without a live kernel
    assert html.count('<img alt="') == html.count("data:image/png;base64,") == 3  # movement, intervals, heatmap
