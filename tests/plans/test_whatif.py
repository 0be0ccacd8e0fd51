"""What-if scenarios on hwfund and DITP: new weights, edited/added/removed projects, Kendall τ-b, band changes,
the what-if session (equal to the one-off functions), the live sliders' callbacks and the slope chart."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import planlib
from planlib.display import figure_alt
from planlib.plans import priority as pr
from planlib.plans import sensitivity as se
from planlib.plans import whatif as wi

DATA = Path(__file__).resolve().parents[2] / "data"


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
    assert [s.description.rsplit(" (", 1)[1] for s in sliders] == [f"{c})" for c in hwfund.criterion_codes]
    assert sliders[-1].value == 0
    # the criteria's Thai names, code as suffix
    names = hwfund.criteria["name_th"]
    assert all(s.description.startswith(str(names[c])[:10]) for s, c in zip(sliders, hwfund.criterion_codes))
    assert box.live.result.weights["cost"] == 0  # type: ignore[attr-defined]  # drawn once at the start


def test_movement_chart(hwfund: pr.Scoring) -> None:
    fig = wi.movement_chart(wi.whatif(hwfund, {"cost": 0}).comparison, source="test")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "อันดับ / rank" and len(ax.lines) == 9


NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "whatif.ipynb"


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


# ---------------------------------------------------------------- the what-if session equals the one-off functions


def _random_scoring(n: int, seed: int) -> pr.Scoring:
    rng = np.random.default_rng(seed)
    scores = rng.integers(1, 6, (n, 4)).astype(float)
    scores[1] = scores[0]  # two projects with the same scores always tie
    return pr.make_scoring(scores, weights=rng.uniform(0.5, 2.0, 4), directions=["benefit", "cost", "benefit",
                                                                               "benefit"], scale=(1, 5))


@pytest.mark.parametrize("org", ["hwfund", "ditp", "random"])
def test_session_recompute_equals_the_one_off_functions(hwfund: pr.Scoring, ditp: pr.Scoring, org: str) -> None:
    sc = {"hwfund": hwfund, "ditp": ditp, "random": _random_scoring(30, 4)}[org]
    rng = np.random.default_rng(16)
    policies = ["shared", "code", "budget", f"criterion:{sc.criterion_codes[1]},code"]
    for tie_break in policies:
        session = wi.Session(sc, tie_break=tie_break, top_k=3, n_samples=1500, seed=9)
        for _ in range(3):
            weights = {c: float(rng.choice([0.0, 0.5, 1.0, 2.0, 3.5])) for c in sc.criterion_codes}
            weights[sc.criterion_codes[0]] = 1.0  # never all zero
            got = session.recompute(weights)
            pd.testing.assert_frame_equal(got.ranking, pr.prioritize(sc, weights, tie_break), check_exact=True)
            one_off = wi.whatif(sc, weights, tie_break=tie_break)
            pd.testing.assert_frame_equal(got.comparison, one_off.comparison, check_exact=True)
            assert got.tau == pytest.approx(one_off.tau, nan_ok=True)
            intervals = se.stability_intervals(sc, weights, top_k=3, tie_break=tie_break)
            pd.testing.assert_frame_equal(got.intervals, intervals, check_exact=True)
            acc = se.rank_acceptability(sc, weights, n_samples=1500, seed=9, top_k=3, method="around")
            pd.testing.assert_frame_equal(got.acceptability.table, acc.table, check_exact=True)
            pd.testing.assert_frame_equal(got.acceptability.central_weights, acc.central_weights)


def test_session_reuses_draws_and_results(hwfund: pr.Scoring) -> None:
    session = wi.Session(hwfund, method="dirichlet", n_samples=500)
    first = session.recompute({"cost": 0})
    assert session.recompute({"cost": 0}) is first  # the same weights again: from the cache
    draws = session.draws(np.full(6, 1 / 6))
    assert session.draws(np.array([0.5, 0.1, 0.1, 0.1, 0.1, 0.1])) is draws  # flat Dirichlet: drawn once
    around = wi.Session(hwfund, method="around", n_samples=500)
    assert around.draws(np.full(6, 1 / 6)) is not around.draws(np.array([0.5, 0.1, 0.1, 0.1, 0.1, 0.1]))
    with pytest.raises(planlib.DataError):
        session.recompute({"speed": 1})


# ---------------------------------------------------------------- live sliders: the callbacks without a browser


@pytest.fixture
def closes_widgets() -> Iterator[None]:
    """Close the live sliders' widgets after the test, not at interpreter exit (where ipywidgets cannot)."""
    yield
    import ipywidgets

    ipywidgets.Widget.close_all()


def test_live_slider_move_updates_everything_and_reset_restores(
    monkeypatch: pytest.MonkeyPatch, hwfund: pr.Scoring, closes_widgets: None
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/whatif.ipynb")
    live = wi.LiveWhatIf(hwfund, n_samples=2000)
    assert live.update() is not None and not live.result.changed  # type: ignore[union-attr]
    live.sliders["cost"].value = 0.0  # what a slider move does: the observer calls live.update
    result = live.result
    assert result is not None and result.weights["cost"] == 0
    comp = result.comparison.set_index("project_code")
    # ranks, movement and bands as in test_dropping_the_cost_criterion
    assert comp["rank_after"].reindex([str(i) for i in range(1, 10)]).tolist() == [1, 2, 3, 4, 4, 7, 6, 7, 9]
    assert result.tau == pytest.approx(32 / math.sqrt(36 * 34))
    # the band is read on the plan's 6–30 range: 23 → 27.6 (level 2), 21 → 25.2, 19 → 22.8; the table shows it
    assert comp.loc["2", "total_plan_scale_after"] == pytest.approx(27.6)
    table = live.tables["comparison"].set_index("รหัส / code")
    banded = wi.COMPARISON_HEADERS["total_plan_scale_after"]
    assert table.loc["3", banded] == pytest.approx(25.2) and table.loc["3", "ระดับใหม่ / band after"].endswith("2")
    # stability intervals follow the new weights (top 5): cost's share is 0 and may rise to 3/13 before 5 ≻ 6 swaps
    intervals = result.intervals.set_index("criterion")
    assert intervals.loc["cost", "share"] == 0 and intervals.loc["cost", "share_high"] == pytest.approx(3 / 13)
    assert intervals.loc["cost", "binds_high"] == "5 ≻ 6"
    assert intervals.loc["risk", "share_high"] == pytest.approx(0.2) and intervals.loc["risk", "binds_high"] == "4 ≻ 5"
    shown = live.tables["intervals"].set_index("เกณฑ์ / criterion")
    assert shown.loc["cost", "สูงสุด (%) / highest (%)"] == pytest.approx(100 * 3 / 13)
    # acceptability around the new weights (10⁴ draws by default, 2,000 here): project 1 (5 on every benefit
    # criterion) always first; 4 and 5, tied at the slider's weights, split rank 4 between them
    acc = result.acceptability.table
    expected = se.rank_acceptability(hwfund, {"cost": 0}, n_samples=2000, seed=2568, top_k=5, method="around")
    pd.testing.assert_frame_equal(acc, expected.table)
    assert acc.loc["1", 1] == 1.0 and 0.3 < acc.loc["4", 4] < 0.7 and 0.3 < acc.loc["5", 4] < 0.7
    # reset: every slider back to the plan's weight 1, one recompute, nothing moved
    live.reset_button.click()
    assert live.weights() == dict.fromkeys(hwfund.criterion_codes, 1.0)
    assert live.result is not None and not live.result.changed and live.result.intervals.loc[5, "share"] == 1 / 6
    assert wi.COMPARISON_HEADERS["total_plan_scale_after"] not in live.tables["comparison"]  # plan weights: same total


def test_live_weight_change_on_ditp(monkeypatch: pytest.MonkeyPatch, ditp: pr.Scoring, closes_widgets: None) -> None:
    """DITP with finance at 3: 1.2.1 (finance 9) leaves the tie at 33 and leads the three; a zero weight set on
    every criterion is refused with a located error, not a crash."""
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/whatif.ipynb")
    live = wi.LiveWhatIf(ditp, tie_break="code", top_k=3, n_samples=1000)
    live.sliders["finance"].value = 3.0
    result = live.result
    assert result is not None
    expected = wi.whatif(ditp, {"finance": 3.0}, tie_break="code")
    pd.testing.assert_frame_equal(result.comparison, expected.comparison)
    ranks = result.ranking.set_index("project_code")["rank"]
    assert ranks.loc["1.2.1"] < ranks.loc["1.4.1"] and ranks.loc["1.2.1"] < ranks.loc["2.1.1"]
    intervals = se.stability_intervals(ditp, {"finance": 3.0}, top_k=3, tie_break="code")
    pd.testing.assert_frame_equal(result.intervals, intervals)
    live._holding = True
    for slider in live.sliders.values():
        slider.value = 0.0
    live._holding = False
    assert live.update() is None and live.result is result  # all-zero weights: a warning, the last result kept


# ---------------------------------------------------------------- slope chart: tied labels, short names, alt text


def test_label_positions_offset_ties() -> None:
    assert wi.label_positions([1, 2, 2, 2, 5]) == pytest.approx([1, 2, 2.55, 3.1, 5])
    assert wi.label_positions([1, 2, 3]) == [1, 2, 3]


def test_movement_chart_offsets_tied_labels_and_describes_itself(hwfund: pr.Scoring) -> None:
    comparison = wi.whatif(hwfund, {"cost": 0}).comparison
    fig = wi.movement_chart(comparison, source="test")
    ax = fig.axes[0]
    labels = {t.get_gid(): t for t in ax.texts if (t.get_gid() or "").startswith("label-")}
    after = {gid.rsplit("-", 1)[1]: t.get_position()[1] for gid, t in labels.items() if gid.startswith("label-after")}
    # 4 and 5 share rank 4, 6 and 8 share rank 7: their labels are offset, the first of each stays on its rank
    assert after["4"] == 4 and after["5"] == pytest.approx(4 + wi.LABEL_GAP)
    assert after["6"] == 7 and after["8"] == pytest.approx(7 + wi.LABEL_GAP)
    heights = sorted(after.values())
    assert min(b - a for a, b in itertools.pairwise(heights)) >= wi.LABEL_GAP - 1e-9
    # short Thai names with the code as suffix, the movement after the mover's name
    text = labels["label-after-5"].get_text()
    assert text.startswith(str(hwfund.projects.loc["5", "name_th"])[:8]) and text.endswith("(5) +1")
    assert len(text) < 40
    alt = figure_alt(fig)
    assert "5 up 1 (5→4)" in alt and "6 ลง 1 (6→7)" in alt
    assert "4 project(s) changed rank" in wi.movement_alt(comparison)
    unchanged = wi.movement_chart(wi.whatif(hwfund).comparison)
    assert "no project changed rank" in unchanged.axes[0].get_xlabel()
