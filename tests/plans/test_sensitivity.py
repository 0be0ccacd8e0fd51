"""Sensitivity: exact stability intervals vs a brute-force sweep, T&S critical changes, rank acceptability."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planlib.plans import kpi
from planlib.plans import priority as pr
from planlib.plans import sensitivity as se

DATA = Path(__file__).resolve().parents[2] / "data"


def _sweep(sc: pr.Scoring, top_k: int | None, steps: int = 2001) -> list[tuple[float, float]]:
    """Brute force: for each criterion, set its share to t on a grid, rescale the others, re-rank every
    project (ties by code) and keep the run of t around the current share where the ordered top-k is unchanged."""
    w = pr.weight_vector(sc).to_numpy(float)
    shares = w / w.sum()
    a = pr.oriented_scores(sc)[sc.criterion_codes].to_numpy(float)
    in_code_order = sorted(range(len(sc.codes)), key=lambda i: pr.natural_key(sc.codes[i]))
    code_pos = np.argsort(in_code_order)  # position of each project in code order

    def top(weights: np.ndarray) -> list[int]:
        order = np.lexsort((code_pos, -np.round(a @ weights, 9)))
        return list(order[: top_k or len(sc.codes)])

    base = top(shares)
    grid = np.linspace(0, 1, steps)
    out = []
    for k, s_k in enumerate(shares):
        same = []
        for t in grid:
            new = shares * (1 - t) / (1 - s_k)
            new[k] = t
            same.append(t < 1 and top(new) == base)
        same = np.array(same)
        at = int(np.argmin(np.abs(grid - s_k)))
        lo = hi = at
        while lo > 0 and same[lo - 1]:
            lo -= 1
        while hi < steps - 1 and same[hi + 1]:
            hi += 1
        out.append((grid[lo] if same[at] else s_k, grid[hi] if same[at] else s_k))
    return out


@pytest.mark.parametrize(
    ("org", "top_k"), [("hwfund", 3), ("hwfund", None), ("ditp", 1), ("random", 2), ("random", None)]
)
def test_stability_intervals_match_a_brute_force_sweep(
    hwfund: pr.Scoring, ditp: pr.Scoring, org: str, top_k: int | None
) -> None:
    if org == "random":
        rng = np.random.default_rng(11)
        directions = ["benefit", "cost", "benefit"]
        sc = pr.make_scoring(rng.uniform(1, 5, (6, 3)), weights=[2, 1, 1.5], directions=directions, scale=(1, 5))
    else:
        sc = {"hwfund": hwfund, "ditp": ditp}[org]
    steps = 4001
    exact = se.stability_intervals(sc, top_k=top_k)
    step = 1 / (steps - 1)
    for (lo, hi), (_, rec) in zip(_sweep(sc, top_k, steps), exact.iterrows()):
        # the grid run lies inside the exact interval and reaches within one step of both ends
        assert rec["share_low"] - 1e-9 <= lo <= rec["share_low"] + step + 1e-9, rec["criterion"]
        assert rec["share_high"] - step - 1e-9 <= hi <= rec["share_high"] + 1e-9, rec["criterion"]


def test_hwfund_intervals_by_hand(hwfund: pr.Scoring) -> None:
    """Whole ranking. Cost share t: project 5 (cost 1) vs 6 (cost 3). With others rescaled,
    S5 − S6 = (1 − t)/(5/6) · (19/6 − 16/6) + t (1 − 3) = 0.6 (1 − t) − 2t ⇒ t* = 0.6 / 2.6 = 3/13."""
    table = se.stability_intervals(hwfund).set_index("criterion")
    assert table.loc["cost", "share_high"] == pytest.approx(3 / 13)
    assert table.loc["cost", "binds_high"] == "5 ≻ 6"
    # in the plan's weight units, others kept at 1: w = t · 5 / (1 − t) = (3/13 · 5) / (10/13) = 1.5
    assert table.loc["cost", "weight_high"] == pytest.approx(1.5)
    assert table.loc["cost", "share"] == pytest.approx(1 / 6)


def test_ditp_tie_makes_intervals_one_sided(ditp: pr.Scoring) -> None:
    """1.2.1 (finance 9) is tied with 1.4.1 (finance 8) at 33: any lower finance weight puts 1.4.1 ahead."""
    table = se.stability_intervals(ditp, top_k=3).set_index("criterion")
    assert table.loc["finance", "share_low"] == 0.25 and table.loc["finance", "binds_low"] == "1.2.1 ≻ 1.4.1"


def test_critical_changes_by_hand(hwfund: pr.Scoring) -> None:
    """Pair 3 ≻ 4 (22 vs 21): value 4 vs 3 → δ = 1/(3 − 4) = −1 weight; cost 1 vs 2 → δ = +1; equal criteria: none."""
    changes = se.critical_changes(hwfund)
    pair = changes[(changes["upper"] == "3") & (changes["lower"] == "4")].set_index("criterion")
    assert pair.loc["value", "delta_weight"] == pytest.approx(-1)
    assert pair.loc["value", "delta_pct"] == pytest.approx(-100)
    assert pair.loc["cost", "delta_weight"] == pytest.approx(1) and pair.loc["cost", "new_weight"] == pytest.approx(2)
    assert pair.loc["risk", "delta_weight"] == pytest.approx(-1)
    assert pair.loc[["policy", "benefit", "user_need"], "feasible"].tolist() == [False, False, False]
    # the change really makes the pair tie
    assert pr.totals(hwfund, {"cost": 2})[["3", "4"]].tolist() == [23, 23]
    summary = se.most_critical(changes)
    adjacent = summary[summary["lower_rank"] == summary["rank"] + 1].set_index("rank")
    assert pd.isna(adjacent.loc[1, "criterion"])  # project 1 scores 5 everywhere: no weight change can overtake it
    assert adjacent.loc[5, "criterion"] == "risk" and adjacent.loc[5, "delta_pct"] == pytest.approx(-50)  # 5 ≻ 6
    assert summary.loc[summary["rank"] == 1, "criterion"].isna().all()  # nor any project below it: no PT
    assert "PT" not in se.critical_criteria(changes).index


def test_ditp_tied_pairs_need_no_change(ditp: pr.Scoring) -> None:
    changes = se.critical_changes(ditp)
    tied = changes[(changes["upper"] == "1.2.1") & (changes["lower"] == "1.4.1")]
    assert (tied["delta_weight"] == 0).all()


def test_ranks_of_matches_pandas() -> None:
    rng = np.random.default_rng(3)
    totals = rng.integers(0, 4, (50, 7)).astype(float)
    expected = pd.DataFrame(totals).rank(axis=1, method="min", ascending=False).to_numpy()
    assert (se.ranks_of(totals) == expected).all()
    assert (np.sort(se.ranks_of(totals, "order"), axis=1) == np.arange(1, 8)).all()


def test_acceptability_equals_a_per_sample_loop(ditp: pr.Scoring) -> None:
    acc = se.rank_acceptability(ditp, n_samples=3000, seed=7, top_k=2, batch=1000)
    # the same draws, one sample at a time
    rng = np.random.default_rng(7)
    a = pr.oriented_scores(ditp)
    codes = sorted(a.index, key=pr.natural_key)
    counts = pd.DataFrame(0, index=codes, columns=range(1, 7))
    for _batch in range(3):
        draws = se.sample_weights(1000, np.full(4, 0.25), "dirichlet", rng)
        for w in draws:
            ranks = (a.loc[codes] @ w).round(9).rank(method="min", ascending=False).astype(int)
            for code, r in ranks.items():
                counts.loc[code, r] += 1
    assert np.allclose(acc.table[list(range(1, 7))].to_numpy(), (counts / 3000).reindex(acc.table.index).to_numpy())
    assert acc.table.index.tolist() == ["1.1.1", "1.2.1", "1.4.1", "2.1.1", "1.3.1", "2.2.1"]
    # 1.4.1 and 2.1.1 have the same scores: they always share a rank
    assert acc.table.loc["1.4.1"].equals(acc.table.loc["2.1.1"])
    assert np.allclose(acc.table["top_k"], acc.table[1] + acc.table[2])


def test_acceptability_properties(hwfund: pr.Scoring) -> None:
    acc = se.rank_acceptability(hwfund, n_samples=4000, seed=1, top_k=3)
    ranks = acc.table[list(range(1, 10))]
    assert np.allclose(ranks.sum(axis=1), 1)  # no ties in hwfund: each project gets one rank per draw
    assert acc.table.loc["1", 1] == 1  # project 1 scores 5 on every criterion
    assert acc.table.loc["2", "top_k"] == 1  # project 2 is in the top 3 in every draw
    again = se.rank_acceptability(hwfund, n_samples=4000, seed=1, top_k=3)
    assert again.table.equals(acc.table)  # seeded
    around = se.rank_acceptability(hwfund, n_samples=2000, seed=1, method="around", concentration=1e6)
    assert (around.table[list(range(1, 10))].idxmax(axis=1) == list(range(1, 10))).all()
    assert np.allclose(acc.central_weights.loc["1"].sum(), 1)
    uniform = se.rank_acceptability(hwfund, n_samples=1000, seed=1, method="uniform")
    assert uniform.method == "uniform" and np.allclose(uniform.table[list(range(1, 10))].sum(axis=1), 1)
    with pytest.raises(ValueError):
        se.sample_weights(3, np.ones(3) / 3, "normal")


def test_intervals_chart(hwfund: pr.Scoring) -> None:
    fig = se.intervals_chart(se.stability_intervals(hwfund, top_k=3), source="test")
    assert len(fig.axes[0].patches) == 6


# ---------------------------------------------------------------- T&S percent-top and percent-any


def _first_tie_with_top(a: np.ndarray, w: np.ndarray, top: int, k: int) -> float:
    """Brute force: the change Δ of w_k alone (others as typed) nearest to 0 at which another project's total first
    reaches the top project's, found by bisection on f(Δ) = min_j (T_top − T_j) computed from the totals; NaN if none.

    Cuts stop at w_k = 0; raises are tried up to 10^9 · w_k. f is concave with f(0) > 0, so each side has at most one
    root."""

    def gap(change: float) -> float:
        weights = w.copy()
        weights[k] += change
        totals = a @ weights
        return float(np.delete(totals[top] - totals, top).min())

    found = []
    for end in (-w[k], w[k]):
        while gap(end) > 0 and end > 0 and end < 1e9 * w[k]:
            end *= 2
        if gap(end) > 0:
            continue
        inside, outside = 0.0, end
        for _ in range(60):
            middle = (inside + outside) / 2
            inside, outside = (middle, outside) if gap(middle) > 0 else (inside, middle)
        found.append(outside)
    return min(found, key=abs) if found else float("nan")


def _random_problem(rng: np.random.Generator) -> pr.Scoring:
    n, m = int(rng.integers(3, 9)), int(rng.integers(2, 7))
    directions = list(rng.choice(["benefit", "cost"], m))
    return pr.make_scoring(rng.uniform(1, 5, (n, m)), weights=rng.uniform(0.2, 3.0, m), directions=directions,
                           scale=(1, 5))


def test_percent_top_matches_a_brute_force_search_on_random_problems() -> None:
    """PT = the smallest relative change of one weight that lets any project tie the top one (all pairs (top, j)),
    checked against a search on the totals alone; PA = the smallest over every pair, from the adjacent pairs."""
    rng = np.random.default_rng(2568)
    beyond_runner_up = 0
    for i in range(200):
        sc = _random_problem(rng)
        w = pr.weight_vector(sc).to_numpy(float)
        a = pr.oriented_scores(sc)[sc.criterion_codes].to_numpy(float)
        top = int(np.argmax(a @ w))  # random real scores: no ties
        brute = [_first_tie_with_top(a, w, top, k) for k in range(len(w))]
        relative = [abs(b) / w[k] for k, b in enumerate(brute)]
        found = se.critical_criteria(se.critical_changes(sc))
        if np.isnan(relative).all():
            assert "PT" not in found.index
            continue
        best = int(np.nanargmin(relative))
        pt = found.loc["PT"]
        assert pt["criterion"] == sc.criterion_codes[best]
        assert pt["delta_pct"] == pytest.approx(100 * brute[best] / w[best], rel=1e-7)
        assert pt["delta_weight"] == pytest.approx(brute[best], rel=1e-7)
        # the change found really makes the named project tie the top one
        tied = pr.totals(sc, {pt["criterion"]: pt["new_weight"]})
        assert tied[pt["lower"]] == pytest.approx(tied[pt["upper"]], rel=1e-9)
        beyond_runner_up += pt["lower_rank"] > 2
        assert pt["upper"] == sc.codes[top]
        if i % 5 == 0:  # percent-any over every pair equals the adjacent pairs' minimum
            every = se.most_critical(se.critical_changes(sc, pairs="all"))["delta_pct"].abs().min()
            assert abs(found.loc["PA", "delta_pct"]) == pytest.approx(every, rel=1e-12)
    assert beyond_runner_up >= 20  # often the cheapest way to the top is not the runner-up's


def test_percent_top_example_from_the_issue() -> None:
    """P3 ≻ P2 ≻ P1 ≻ P4 with weights 1, 1: cutting w_C1 by 61.04 % lets P4 tie P3, the cheapest change that topples
    P3; the runner-up P2 needs a cut of 82.17 %. Scores (C1, C2) chosen to give those figures:
    P3 − P4 = 7 − 4.5584 = 2.4416 over a C1 gap of 5 − 1 = 4 → 61.04 %; P3 − P2 = 0.41085 over 5 − 4.5 → 82.17 %."""
    scores = pd.DataFrame(
        {"C1": [4.8, 4.5, 5.0, 1.0], "C2": [0.7, 2.08915, 2.0, 3.5584]}, index=["P1", "P2", "P3", "P4"]
    )
    sc = pr.make_scoring(scores, scale=(0, 5))
    assert pr.prioritize(sc)["project_code"].tolist() == ["P3", "P2", "P1", "P4"]
    changes = se.critical_changes(sc)
    summary = se.most_critical(changes).set_index(["upper", "lower"])
    assert summary.loc[("P3", "P2"), "delta_pct"] == pytest.approx(-82.17)  # the rank-1 vs rank-2 row
    pt = se.critical_criteria(changes).loc["PT"]
    assert (pt["upper"], pt["lower"], pt["criterion"]) == ("P3", "P4", "C1")
    assert pt["delta_pct"] == pytest.approx(-61.04) and pt["new_weight"] == pytest.approx(0.3896)
    assert pr.totals(sc, {"C1": 0.3896})[["P3", "P4"]].tolist() == pytest.approx([3.948, 3.948])
    table = se.critical_table(changes)
    marked = table.set_index("คู่ / pair")["เกณฑ์วิกฤตของ T&S / T&S critical"]
    assert marked["P3 ≻ P4"].startswith("PT") and marked["P3 ≻ P2"] == ""


# ---------------------------------------------------------------- the fast acceptability core


def test_sorted_ranks_match_ranks_of() -> None:
    """Packed-key sort ranks equal the argsort ranks of :func:`ranks_of`, ties and all, and the large-total fallback."""
    rng = np.random.default_rng(12)
    totals = rng.integers(0, 5, (300, 9)).astype(float) / 3  # many exact ties
    for ties in ("shared", "order"):
        order, first = se.sorted_ranks(totals, ties)
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, first + 1, axis=1)
        assert (ranks == se.ranks_of(totals, ties)).all()
    huge = totals * 1e12  # too large to pack: the argsort path
    order, first = se.sorted_ranks(huge)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    assert (ranks == se.ranks_of(totals)).all()


def test_draw_weights_are_the_acceptability_draws() -> None:
    shares = np.array([0.5, 0.3, 0.2, 0.0])
    all_at_once = se.draw_weights(5000, shares, "around", seed=4, batch=5000)
    assert np.array_equal(se.draw_weights(5000, shares, "around", seed=4, batch=700), all_at_once)
    assert (all_at_once[:, 3] == 0).all() and np.allclose(all_at_once.sum(axis=1), 1)


def test_acceptability_with_equal_projects_equals_a_per_sample_loop() -> None:
    """Projects with equal scores are ranked once and share their rank; a zero weight stays zero (around): the
    counts equal a loop over the same draws ranking every project with pandas (ties to 9 decimals share)."""
    scores = pd.DataFrame(
        {"a": [5, 4, 4, 3, 4, 2, 4], "b": [1, 3, 3, 5, 2, 2, 3], "c": [2, 2, 2, 1, 4, 5, 5]},
        index=["P1", "P2", "P3", "P4", "P5", "P6", "P7"], dtype=float,
    )  # P2 and P3 identical; P7 differs from them only on c
    sc = pr.make_scoring(scores, weights=[1.0, 2.0, 0.0], scale=(1, 5))
    acc = se.rank_acceptability(sc, n_samples=3000, seed=3, top_k=2, method="around", concentration=5)
    draws = se.draw_weights(3000, np.array([1 / 3, 2 / 3, 0.0]), "around", seed=3, concentration=5)
    counts = pd.DataFrame(0, index=scores.index, columns=range(1, 8))
    for w in draws:
        ranks = (scores @ w).round(9).rank(method="min", ascending=False).astype(int)
        for code, r in ranks.items():
            counts.loc[code, r] += 1
    assert np.array_equal(acc.table[list(range(1, 8))].to_numpy(), (counts / 3000).reindex(acc.table.index).to_numpy())
    assert acc.table.loc["P2"].equals(acc.table.loc["P3"]) and acc.table.loc["P7"].equals(acc.table.loc["P2"])
    winners = [np.flatnonzero((scores @ w).round(9) == (scores @ w).round(9).max()) for w in draws]
    first_p1 = np.array([w for w, won in zip(draws, winners) if 0 in won])
    assert np.allclose(acc.central_weights.loc["P1"].to_numpy(), first_p1.mean(axis=0))


def test_charts_label_criteria_and_projects_by_short_thai_name(hwfund):
    """Issue 17: the stability and acceptability charts show short Thai names with the code as a suffix."""
    intervals = se.stability_intervals(hwfund, top_k=3)
    criteria = hwfund.criteria["name_th"]
    fig = se.intervals_chart(intervals, names=criteria)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == kpi.short_name(criteria[intervals["criterion"].iloc[0]], intervals["criterion"].iloc[0], 24)
    assert all(label.endswith(f"({code})") for label, code in zip(labels, intervals["criterion"], strict=True))
    acc = se.rank_acceptability(hwfund, n_samples=500, seed=1)
    heat = se.acceptability_heatmap(acc, names=hwfund.projects["name_th"])
    rows = [t.get_text() for t in heat.axes[0].get_yticklabels()]
    assert any(r.endswith("(1)") and re.search("[\u0e01-\u0e5b]", r) for r in rows)
