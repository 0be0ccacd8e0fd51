"""How fragile is a ranking? Exact weight-stability intervals, critical weight changes, rank acceptability.

All three work on the weighted sum model of :mod:`planlib.plans.priority`, with oriented scores
a_ij (cost criteria inverted) and weight shares s_j = w_j / Σ w (ranks depend only on the
shares). Source: ``shared/research/anchors.md`` §3 ("sensitivity theory to implement").

1. **Stability interval** of criterion k (one-criterion sweep with proportional rescaling):
   set s_k = t and scale the other shares by (1 − t)/(1 − s_k). Every total is then linear in t,
   S_i(t) = R_ik + t (a_ik − R_ik) with R_ik = (S_i − s_k a_ik)/(1 − s_k), so each pair of
   projects crosses at most once, at t* = s_k − D_ij / g_ij (D_ij = S_i − S_j, g_ij the slope of
   S_i − S_j in t). The interval is bounded by the nearest crossing on each side among the pairs
   that decide the top-k ranking, so it is exact, with no sampling. Holding the other weights
   as typed and changing only w_k is the same sweep, so the interval is also given in the
   plan's own weight units: w_k' = t · W₋ₖ / (1 − t).
2. **Smallest critical change** (Triantaphyllou & Sánchez 1997, *Decision Sciences* 28(1)):
   the change δ of s_k alone that makes i and j (i ranked above j) tie is
   δ_kij = (S_i − S_j)/(a_jk − a_ik), feasible when s_k + δ ≥ 0; reported in weight units
   (δ · Σ w) and as % of w_k. The criterion with the smallest |%| is the pair's most critical.
3. **Rank acceptability** (SMAA-2, Lahdelma & Salminen 2001): weights drawn many times
   (seeded), every project ranked in every draw; b_i^r = P(rank of i = r), P(top k), and the
   central weight vector (mean weights among the draws where i ranks first).

Ranking order used by 1 and 2: the ranking after the tie-break policy, with projects still tied
ordered by code. A tie at the current weights therefore breaks as soon as the weight moves in
the direction that separates the tied projects, and the interval is one-sided there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planlib import charts
from planlib.plans import kpi, priority
from planlib.plans.bands import natural_key
from planlib.plans.priority import Scoring

SAMPLERS = {
    "dirichlet": (
        "Dirichlet(1,…,1): ทุกชุดน้ำหนักที่รวมเป็น 1 มีโอกาสเท่ากัน",
        "flat Dirichlet(1,…,1): every weight vector summing to 1 equally likely (SMAA-2, no weight information)",
    ),
    "uniform": (
        "แต่ละน้ำหนักสุ่มแบบสม่ำเสมอ 0–1 แล้วปรับให้รวมเป็น 1",
        "each weight uniform on 0–1, then rescaled to sum 1 (favours balanced weights)",
    ),
    "around": (
        "Dirichlet รอบน้ำหนักของผู้วิเคราะห์ (ค่าเฉลี่ย = น้ำหนักที่ใช้)",
        "Dirichlet around the analyst's weights (mean = the weights used; spread set by the concentration)",
    ),
}
"""Weight samplers of :func:`rank_acceptability`, described in Thai and English."""


# ---------------------------------------------------------------- shared preparation


@dataclass(frozen=True)
class Arrays:
    """Arrays of one scoring: oriented scores A (n×m), raw weights w, strict order best first."""

    codes: list[str]
    criteria: list[str]
    a: np.ndarray
    w: np.ndarray
    order: np.ndarray


def prepare(
    scoring: Scoring, weights: Mapping[str, float] | None = None, tie_break: str | Sequence[str] = "shared"
) -> Arrays:
    """Oriented score matrix, weights and the strict ranking order (tie-break, then code)."""
    w = priority.weight_vector(scoring, weights)
    a = priority.oriented_scores(scoring)[list(w.index)]
    result = priority.prioritize(scoring, weights, tie_break)
    codes = list(a.index)
    pos = {c: i for i, c in enumerate(codes)}
    order = np.array([pos[c] for c in result["project_code"]])  # sorted by rank, then natural code
    return Arrays(codes, list(w.index), a.to_numpy(float), w.to_numpy(float), order)


def deciding_pairs(order: np.ndarray, top_k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i above j) whose order decides the ordered top-k: consecutive ranks 1…k, then k vs every project below.

    With k = n (or None) these are the n − 1 consecutive pairs of the whole ranking.
    """
    n = len(order)
    k = n if top_k is None else max(1, min(int(top_k), n))
    upper = list(order[: k - 1])
    lower = list(order[1:k])
    if k < n:
        upper += [order[k - 1]] * (n - k)
        lower += list(order[k:])
    return np.array(upper, dtype=int), np.array(lower, dtype=int)


def _clean(x: np.ndarray, scale: float) -> np.ndarray:
    """Zero out float noise (|x| below 1e-12 of the data's scale)."""
    return np.where(np.abs(x) <= 1e-12 * max(scale, 1.0), 0.0, x)


# ---------------------------------------------------------------- 1. stability intervals


def interval_bounds(a: np.ndarray, w: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> tuple[np.ndarray, ...]:
    """Vectorised core of :func:`stability_intervals` on arrays.

    Returns (low, high, arg_low, arg_high): share bounds per criterion (m) and the index of the
    deciding pair that binds each end (−1 when the bound is 0 or 1 itself). NaN bounds where
    s_k = 1 (the other weights are all 0 and cannot be rescaled).
    """
    s = w / w.sum()
    total = a @ s
    scale = float(np.abs(a).max()) if a.size else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = (total[:, None] - a * s[None, :]) / (1.0 - s)[None, :]  # R_ik
        slope = a - rest  # dS_i/dt
        d0 = _clean(total[upper] - total[lower], scale)  # ≥ 0 by construction
        g = _clean(slope[upper] - slope[lower], scale)  # P × m
        tstar = s[None, :] - d0[:, None] / g
    up_mask, down_mask = g > 0, g < 0
    lo_cand = np.where(up_mask, tstar, -np.inf)
    hi_cand = np.where(down_mask, tstar, np.inf)
    if len(upper):
        arg_low, arg_high = lo_cand.argmax(axis=0), hi_cand.argmin(axis=0)
        low_raw, high_raw = lo_cand.max(axis=0), hi_cand.min(axis=0)
    else:
        m = len(w)
        arg_low = arg_high = np.full(m, -1)
        low_raw, high_raw = np.full(m, -np.inf), np.full(m, np.inf)
    low = np.where(low_raw <= 1e-12, 0.0, low_raw)  # crossings at 0 or 1 up to float noise
    high = np.where(high_raw >= 1.0 - 1e-12, 1.0, high_raw)
    arg_low = np.where(low > 0, arg_low, -1)
    arg_high = np.where(high < 1, arg_high, -1)
    single = s >= 1.0 - 1e-12
    low, high = np.where(single, np.nan, low), np.where(single, np.nan, high)
    return np.minimum(low, s), np.maximum(high, s), arg_low, arg_high


def stability_intervals(
    scoring: Scoring,
    weights: Mapping[str, float] | None = None,
    top_k: int | None = None,
    tie_break: str | Sequence[str] = "shared",
) -> pd.DataFrame:
    """Exact range of each criterion weight that keeps the ordered top-k ranking (others rescaled proportionally).

    One row per criterion: ``weight`` (as used), ``share`` = w_k / Σ w, ``share_low`` /
    ``share_high`` (the interval of the share, closed: at an end two projects tie and the tie-break
    decides), ``weight_low`` / ``weight_high`` (the same interval in the plan's weight units with
    the other weights as typed: w = t · W₋ₖ / (1 − t); ∞ when the share may reach 1),
    ``binds_low`` / ``binds_high`` (the pair that swaps just beyond each end, ``i ≻ j``), and
    ``width`` = share_high − share_low. Solved from pairwise crossing points (module docstring).
    """
    return intervals_of(prepare(scoring, weights, tie_break), top_k)


def intervals_of(prob: Arrays, top_k: int | None = None) -> pd.DataFrame:
    """:func:`stability_intervals` of prepared arrays (a what-if session passes its own, without pandas ranking)."""
    upper, lower = deciding_pairs(prob.order, top_k)
    low, high, arg_low, arg_high = interval_bounds(prob.a, prob.w, upper, lower)
    total_w = prob.w.sum()
    rest = total_w - prob.w
    with np.errstate(divide="ignore", invalid="ignore"):
        w_low = np.where(low >= 1, np.inf, low * rest / (1 - low))
        w_high = np.where(high >= 1, np.inf, high * rest / (1 - high))

    def pair(idx: int) -> str:
        return "" if idx < 0 else f"{prob.codes[upper[idx]]} ≻ {prob.codes[lower[idx]]}"

    out = pd.DataFrame({
        "criterion": prob.criteria,
        "weight": prob.w,
        "share": prob.w / total_w,
        "share_low": low,
        "share_high": high,
        "weight_low": w_low,
        "weight_high": w_high,
        "binds_low": [pair(i) for i in arg_low],
        "binds_high": [pair(i) for i in arg_high],
    })
    out["width"] = out["share_high"] - out["share_low"]
    return out


# ---------------------------------------------------------------- 2. smallest critical changes


PAIRS = ("adjacent", "top", "adjacent+top", "all")
"""Which pairs (i ranked above j) :func:`critical_changes` solves for: ranks r and r + 1, the top project against
every other, both (what T&S's two critical criteria need), or every pair."""


def pair_positions(n: int, pairs: str = "adjacent+top") -> tuple[np.ndarray, np.ndarray]:
    """Positions (0 = top) of the upper and the lower project of each pair of ``pairs`` (:data:`PAIRS`), sorted."""
    if pairs not in PAIRS:
        raise ValueError(f"pairs must be one of {', '.join(PAIRS)}, not {pairs!r}")
    wanted: set[tuple[int, int]] = set()
    if pairs in ("adjacent", "adjacent+top"):
        wanted |= {(i, i + 1) for i in range(n - 1)}
    if pairs in ("top", "adjacent+top"):
        wanted |= {(0, j) for j in range(1, n)}
    if pairs == "all":
        wanted |= {(i, j) for i in range(n) for j in range(i + 1, n)}
    ordered = sorted(wanted)
    return np.array([i for i, _ in ordered], dtype=int), np.array([j for _, j in ordered], dtype=int)


def critical_changes(
    scoring: Scoring,
    weights: Mapping[str, float] | None = None,
    tie_break: str | Sequence[str] = "shared",
    pairs: str = "adjacent+top",
) -> pd.DataFrame:
    """Triantaphyllou & Sánchez (1997): the change of one weight alone that makes a pair of projects tie.

    One row per pair (``pairs``, :data:`PAIRS`; by default each adjacent pair and the top project against
    every other) and criterion k: ``rank`` and ``lower_rank`` (positions in the ranking), ``upper`` ≻
    ``lower``, ``delta_share`` δ = (S_i − S_j)/(a_jk − a_ik) in shares (Σ s = 1), ``delta_weight`` =
    δ · Σ w in the plan's weight units (the other weights as typed), ``delta_pct`` = 100 · δ / s_k,
    ``new_weight`` = w_k + δ · Σ w, and ``feasible`` (a_jk ≠ a_ik and s_k + δ ≥ 0). A pair tied at the
    current weights needs δ = 0.

    Sign: δ is the amount **added** to the weight (new = w + δ), so a negative δ is a cut. T&S define
    δ as the amount subtracted (W*_k = W_k − δ_k,i,j), i.e. minus this one; the size |δ| and the
    critical criteria are the same under both conventions.
    """
    prob = prepare(scoring, weights, tie_break)
    up_pos, low_pos = pair_positions(len(prob.order), pairs)
    upper, lower = prob.order[up_pos], prob.order[low_pos]
    s = prob.w / prob.w.sum()
    total = prob.a @ s
    scale = float(np.abs(prob.a).max()) if prob.a.size else 1.0
    d0 = _clean(total[upper] - total[lower], scale)
    diff = _clean(prob.a[lower] - prob.a[upper], scale)  # a_jk − a_ik, P × m
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.where(diff != 0, d0[:, None] / diff, np.nan)
        delta = np.where((d0[:, None] == 0), 0.0, delta)
        pct = 100 * delta / s[None, :]
    feasible = np.isfinite(delta) & (s[None, :] + np.nan_to_num(delta, nan=-np.inf) >= -1e-12)
    p, m = delta.shape
    return pd.DataFrame({
        "rank": np.repeat(up_pos + 1, m),
        "lower_rank": np.repeat(low_pos + 1, m),
        "upper": np.repeat([prob.codes[i] for i in upper], m),
        "lower": np.repeat([prob.codes[j] for j in lower], m),
        "criterion": np.tile(prob.criteria, p),
        "delta_share": delta.ravel(),
        "delta_weight": (delta * prob.w.sum()).ravel(),
        "delta_pct": pct.ravel(),
        "new_weight": _clean(prob.w[None, :] + delta * prob.w.sum(), 1.0).ravel(),
        "feasible": feasible.ravel(),
    })


MOST_CRITICAL_COLUMNS = ["rank", "lower_rank", "upper", "lower", "criterion", "delta_weight", "delta_pct", "new_weight"]


def most_critical(changes: pd.DataFrame) -> pd.DataFrame:
    """Per pair, the feasible change with the smallest |%|, and which rows are T&S's critical criteria.

    One row per pair of ``changes`` (:func:`critical_changes`); pairs no single weight change can make
    tie get criterion NA. ``measure`` marks Triantaphyllou & Sánchez's (1997) two critical criteria:

    * ``PT`` (percent-top): the smallest |δ'| = |100 · δ / s_k| over the pairs (top, j) for **every**
      other project j, not only the runner-up: the cheapest single-weight change that lets any project
      catch the top one (with P3 ≻ P2 ≻ P1 ≻ P4, cutting w_C1 by 61 % may make P4 tie P3 while P2 needs
      a larger change). Marked only when ``changes`` holds the top project against every other
      (``pairs`` = ``top``, ``adjacent+top`` or ``all``);
    * ``PA`` (percent-any): the smallest |δ'| over all pairs. As a weight moves, the first two projects
      to swap are adjacent in the ranking, so the adjacent pairs give PA.

    Sign as in :func:`critical_changes`: ``delta_pct`` < 0 is a cut (T&S's δ has the other sign).
    """
    keys = ["rank", "lower_rank", "upper", "lower"]
    ok = changes[changes["feasible"]].assign(_size=lambda f: f["delta_pct"].abs())
    best = ok.sort_values([*keys, "_size"], kind="stable").drop_duplicates(keys)  # first criterion among equals
    pairs = changes[keys].drop_duplicates().sort_values(keys)
    summary = pairs.merge(best[MOST_CRITICAL_COLUMNS], on=keys, how="left").reset_index(drop=True)
    size = summary["delta_pct"].abs()
    marks = pd.Series("", index=summary.index)
    n = len(set(changes["upper"]) | set(changes["lower"]))
    with_top = summary["rank"] == 1
    if with_top.sum() == n - 1 and size[with_top].notna().any():
        marks[size[with_top].idxmin()] = "PT"
    if size.notna().any():
        pa = size.idxmin()
        marks[pa] = ", ".join(filter(None, (marks[pa], "PA")))
    summary["measure"] = marks
    return summary


def critical_criteria(changes: pd.DataFrame) -> pd.DataFrame:
    """T&S's percent-top and percent-any critical criteria (:func:`most_critical`), index ``PT``, ``PA``.

    A measure that no feasible single-weight change reaches (or, for PT, that ``changes`` cannot tell)
    is left out.
    """
    summary = most_critical(changes)
    marks = summary["measure"].str.split(", ")
    found = {m: summary.loc[marks.map(lambda ms, m=m: m in ms)] for m in ("PT", "PA")}
    rows = {m: hit.iloc[0] for m, hit in found.items() if not hit.empty}
    return pd.DataFrame.from_dict(rows, orient="index", columns=MOST_CRITICAL_COLUMNS)


# ---------------------------------------------------------------- 3. rank acceptability


def sample_weights(
    n: int,
    shares: np.ndarray,
    method: str = "dirichlet",
    rng: np.random.Generator | None = None,
    concentration: float = 50.0,
) -> np.ndarray:
    """``n`` weight vectors (rows summing to 1) by :data:`SAMPLERS` ``method``.

    dirichlet: Gamma(1) draws normalised (= flat Dirichlet). uniform: U(0, 1) draws normalised.
    around: Gamma(c · s_j) draws normalised = Dirichlet(c · s), mean s, Var s_j(1 − s_j)/(c + 1);
    criteria with weight 0 stay 0.
    """
    if method not in SAMPLERS:
        raise ValueError(f"method must be one of {', '.join(SAMPLERS)}, not {method!r}")
    rng = rng or np.random.default_rng()
    m = len(shares)
    if method == "dirichlet":
        draws = rng.standard_gamma(1.0, size=(n, m))
    elif method == "uniform":
        draws = rng.random((n, m))
    else:
        alpha = concentration * np.asarray(shares, float)
        draws = np.zeros((n, m))
        live = alpha > 0
        draws[:, live] = rng.standard_gamma(alpha[live], size=(n, int(live.sum())))
    return draws / draws.sum(axis=1, keepdims=True)


def ranks_of(totals: np.ndarray, ties: str = "shared") -> np.ndarray:
    """Ranks (1 = highest) of every row of an (N × n) totals array, vectorised.

    ``shared``: competition ranking, equal totals (to 1e-9) share the best rank; ``order``:
    ties broken by column order (columns are projects in code order). Uses one argsort per call.
    """
    t = np.round(totals, 9)
    n_rows, n = t.shape
    order = np.argsort(-t, axis=1, kind="stable")
    ranks = np.empty_like(order)
    positions = np.broadcast_to(np.arange(n), (n_rows, n))
    if ties == "order":
        np.put_along_axis(ranks, order, positions + 1, axis=1)
        return ranks
    sorted_t = np.take_along_axis(t, order, axis=1)
    new = np.ones((n_rows, n), dtype=bool)
    new[:, 1:] = sorted_t[:, 1:] != sorted_t[:, :-1]
    first = np.maximum.accumulate(np.where(new, positions, 0), axis=1)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    return ranks


@dataclass(frozen=True)
class Acceptability:
    """Rank acceptability: P(rank = r) per project, P(top k), expected rank, central weights."""

    table: pd.DataFrame  # index project; columns 1..n (P(rank = r)), "top_k", "expected_rank"
    central_weights: pd.DataFrame  # index project; columns criteria (NaN if never first)
    n_samples: int
    method: str
    seed: int | None
    top_k: int


def draw_weights(
    n_samples: int,
    shares: np.ndarray,
    method: str = "dirichlet",
    seed: int | None = 2568,
    concentration: float = 50.0,
    batch: int = 2_000,
) -> np.ndarray:
    """All ``n_samples`` weight draws of :func:`rank_acceptability` (N × m), from ``default_rng(seed)``.

    Drawn batch by batch with :func:`sample_weights` exactly as :func:`rank_acceptability` draws
    them, so the same seed gives the same draws; a what-if session keeps them and reuses them for
    every recompute whose draws do not depend on the weights (``dirichlet``, ``uniform``).
    """
    rng = np.random.default_rng(seed)
    parts = []
    done = 0
    while done < n_samples:
        size = min(batch, n_samples - done)
        parts.append(sample_weights(size, shares, method, rng, concentration))
        done += size
    return np.concatenate(parts) if parts else np.zeros((0, len(shares)))


KEY_BITS = 62
"""Bits of an int64 sort key (sign bit spare): rounded total and column index must fit together."""

BLOCK_CELLS = 2**18
"""Draws × projects × criteria per block of :func:`acceptability_of`: small enough for the block to stay in cache
and for OpenBLAS to multiply it on one thread (threads cost more than they save at this size)."""


def sorted_ranks(totals: np.ndarray, ties: str = "shared") -> tuple[np.ndarray, np.ndarray]:
    """(project column, rank − 1) at every sorted place of every row of ``totals`` (N × n), best first.

    Totals are compared rounded to 9 decimals (q = rint(10⁹ · T), as :func:`ranks_of` and
    :func:`planlib.plans.priority.rank`); equal q share the first place of their group (``shared``)
    or keep column order (``order``). One row-wise sort of int64 keys −q · 2ᵇ + column (b bits hold
    a column), which packs the rounded total and the column into one integer, replaces an argsort
    (numpy sorts integers with SIMD, several times faster than it argsorts floats); totals too
    large to pack fall back to a stable argsort of −q.
    """
    n_rows, n = totals.shape
    bits = max(1, (n - 1).bit_length())
    q = np.rint(totals * 1e9)
    limit = 2.0 ** (KEY_BITS - bits)
    positions = np.arange(n)
    if q.size and float(np.abs(q).max()) < limit:
        key = (-q).astype(np.int64)
        key <<= bits
        key |= positions
        key.sort(axis=1)
        order = key & (2**bits - 1)
        group = key >> bits
    else:
        order = np.argsort(-q, axis=1, kind="stable")
        group = np.take_along_axis(-q, order, axis=1)
    if ties == "order" or n < 2:
        return order, np.broadcast_to(positions, order.shape)
    same = group[:, 1:] == group[:, :-1]  # place p + 1 ties with place p
    if not same.any():
        return order, np.broadcast_to(positions, order.shape)
    rows, cols = np.nonzero(same)
    first = np.tile(positions, (n_rows, 1))
    while True:  # ties are few: pass each group's first place down its run (one step per extra member)
        start = first[rows, cols]
        if np.array_equal(first[rows, cols + 1], start):
            return order, first
        first[rows, cols + 1] = start


def acceptability_of(
    prob: Arrays,
    draws: np.ndarray,
    *,
    method: str = "dirichlet",
    seed: int | None = 2568,
    top_k: int = 3,
    ties: str = "shared",
) -> Acceptability:
    """Rank acceptability of the projects of ``prob`` under given weight ``draws`` (N × m rows summing to 1).

    b_i^r = #{draws where i has rank r} / N (SMAA-2, Lahdelma & Salminen 2001). Totals T = W Aᵀ
    per block of draws (:data:`BLOCK_CELLS`), ranks by :func:`sorted_ranks` (rounded to 9
    decimals; ``shared``: equal totals share the best rank), counted with one ``bincount`` per
    block; central weights = mean draw among the draws where i ranks first. Columns are taken in
    natural code order so that ``order`` ties break by code; rows of the result follow ``prob.order``.
    """
    n_samples = len(draws)
    code_order = np.array(sorted(range(len(prob.codes)), key=lambda i: natural_key(prob.codes[i])))
    a = prob.a[code_order]
    n, m = a.shape
    # projects with the same scores always share a rank (shared ties): rank the distinct score rows once each, a
    # row's rank counting the projects of every row above it (multiplicities)
    unique, inverse, mult = np.unique(a, axis=0, return_inverse=True, return_counts=True)
    collapse = ties != "order" and len(unique) < n
    rows_a = unique if collapse else a
    u = len(rows_a)
    counts = np.zeros(u * n, dtype=np.int64)
    first_weights = np.zeros((u, m))
    block = max(1, BLOCK_CELLS // max(1, u * m))
    for start in range(0, n_samples, block):
        w = draws[start : start + block]
        order, first = sorted_ranks(w @ rows_a.T, ties)
        if collapse:
            above = mult[order]
            above = np.cumsum(above, axis=1) - above  # projects at the places before each place
            first = above if first.strides[0] == 0 else np.take_along_axis(above, first, axis=1)
        counts += np.bincount((order * n + first).ravel(), minlength=u * n)
        if first.strides[0] == 0 or not (first[:, 1:] == 0).any():  # one winner per draw: the first place
            winners, rows = order[:, 0], np.arange(len(w))
        else:
            rows, places = np.nonzero(first == 0)
            winners = order[rows, places]
        for j in range(m):
            first_weights[:, j] += np.bincount(winners, weights=w[rows, j], minlength=u)
    if collapse:
        counts = counts.reshape(u, n)[inverse].ravel()
        first_weights = first_weights[inverse]
    prob_rank = counts.reshape(n, n) / max(n_samples, 1)
    k = max(1, min(int(top_k), n))
    wins = prob_rank[:, 0] * n_samples
    with np.errstate(invalid="ignore", divide="ignore"):
        central = first_weights / wins[:, None]
    # rows in the current ranking order: the position in code order of each project of prob.order
    in_code_order = np.empty(n, dtype=np.intp)
    in_code_order[code_order] = np.arange(n)
    rows = in_code_order[prob.order]
    ranked = pd.Index([prob.codes[i] for i in prob.order], name="project_code")
    top, expected = prob_rank[:, :k].sum(axis=1), prob_rank @ np.arange(1, n + 1)
    values = np.column_stack([prob_rank, top, expected])[rows]
    table = pd.DataFrame(values, index=ranked, columns=[*range(1, n + 1), "top_k", "expected_rank"])
    weights = pd.DataFrame(central[rows], index=ranked, columns=prob.criteria)
    return Acceptability(table, weights, n_samples, method, seed, k)


def rank_acceptability(
    scoring: Scoring,
    weights: Mapping[str, float] | None = None,
    *,
    n_samples: int = 10_000,
    method: str = "dirichlet",
    seed: int | None = 2568,
    top_k: int = 3,
    concentration: float = 50.0,
    ties: str = "shared",
    batch: int = 2_000,
) -> Acceptability:
    """Monte-Carlo rank acceptability (SMAA-2): b_i^r = P(rank of i = r) over sampled weights.

    Weights from :func:`draw_weights` (``method`` dirichlet / uniform / around the weights in
    use), seeded with ``numpy.random.default_rng(seed)``; totals T = W Aᵀ for a batch of draws at
    once, one sort per block, ranks as in :func:`ranks_of` (``shared`` ties by default: totals
    equal to 9 decimals share the best rank, so the two DITP plans with the same scores, 1.4.1 and
    2.1.1, always share a rank), counted with one ``bincount`` per block (:func:`acceptability_of`);
    ``batch`` is how many weights are drawn at a time (the draws do not depend on it).
    ``top_k`` column = P(rank ≤ k); ``expected_rank`` = Σ r · b_i^r. Rows are in the current
    ranking order.
    """
    prob = prepare(scoring, weights)
    shares = prob.w / prob.w.sum()
    draws = draw_weights(n_samples, shares, method, seed, concentration, batch)
    return acceptability_of(prob, draws, method=method, seed=seed, top_k=top_k, ties=ties)


# ---------------------------------------------------------------- chart


def intervals_chart(
    intervals: pd.DataFrame, *, title: str = "", source: str = "", names: Mapping[str, str] | None = None
) -> Figure:
    """One bar per criterion: the stable share interval (0–100 %), a dot at the current share.

    ``names`` (criterion code → Thai name, e.g. ``scoring.criteria["name_th"]``) labels the bars by short
    name with the code as a suffix (:func:`planlib.plans.kpi.short_name`); without it, by code.
    """
    m = len(intervals)
    fig, ax = charts.figure(
        title or "ช่วงน้ำหนักที่อันดับไม่เปลี่ยน / Weight stability intervals",
        xlabel="สัดส่วนน้ำหนักของเกณฑ์ (%) / criterion weight share (%)",
        ylabel="เกณฑ์ / criterion",
        source=source,
        size=(8, 1.2 + 0.5 * m),
    )
    y = np.arange(m)[::-1]
    low = 100 * intervals["share_low"].to_numpy(float)
    high = 100 * intervals["share_high"].to_numpy(float)
    ax.barh(y, high - low, left=low, color=charts.PALETTE[0], alpha=0.35, label="ช่วงที่อันดับคงเดิม / stable")
    ax.scatter(100 * intervals["share"], y, color=charts.PALETTE[1], zorder=3, label="น้ำหนักปัจจุบัน / current")
    for yi, lo, hi in zip(y, low, high):
        if np.isfinite(lo) and np.isfinite(hi):
            ax.text(hi, yi, f" {lo:.1f}–{hi:.1f}%", va="center", fontsize=8)
    names = names if names is not None else {}
    ax.set_yticks(y, [kpi.short_name(names.get(c), c, limit=24) for c in intervals["criterion"]])
    ax.set_xlim(0, 112)
    ax.legend(fontsize=8, loc="lower right")
    return fig


# ---------------------------------------------------------------- report tables (Thai/English headers)


def intervals_table(intervals: pd.DataFrame) -> pd.DataFrame:
    """:func:`stability_intervals` for reports: shares in %, weights in the plan's units, binding pairs."""
    return pd.DataFrame({
        "เกณฑ์ / criterion": intervals["criterion"],
        "น้ำหนัก / weight": intervals["weight"],
        "สัดส่วน (%) / share (%)": 100 * intervals["share"],
        "ต่ำสุด (%) / lowest (%)": 100 * intervals["share_low"],
        "สูงสุด (%) / highest (%)": 100 * intervals["share_high"],
        "น้ำหนักต่ำสุด / lowest weight": intervals["weight_low"],
        "น้ำหนักสูงสุด / highest weight": intervals["weight_high"],
        "คู่ที่สลับเมื่อต่ำกว่า / swaps below": intervals["binds_low"].replace("", "–"),
        "คู่ที่สลับเมื่อสูงกว่า / swaps above": intervals["binds_high"].replace("", "–"),
    })


MEASURE_TEXT = {"PT": "PT (เปลี่ยนอันดับ 1 / percent-top)", "PA": "PA (เปลี่ยนอันดับใดก็ได้ / percent-any)"}


def critical_table(changes: pd.DataFrame) -> pd.DataFrame:
    """:func:`most_critical` for reports (Triantaphyllou & Sánchez 1997).

    The adjacent pairs, plus the pair that gives the percent-top criterion when it is not the
    runner-up; the last column says which row is T&S's PT and PA critical criterion.
    """
    summary = most_critical(changes)
    is_pt = summary["measure"].str.contains("PT")
    summary = summary[(summary["lower_rank"] == summary["rank"] + 1) | is_pt]
    measures = [" / ".join(MEASURE_TEXT[m] for m in marks.split(", ") if m) for marks in summary["measure"]]
    return pd.DataFrame({
        "อันดับ / ranks": [f"{r}–{lr}" for r, lr in zip(summary["rank"], summary["lower_rank"])],
        "คู่ / pair": [f"{u} ≻ {low}" for u, low in zip(summary["upper"], summary["lower"])],
        "เกณฑ์วิกฤต / most critical criterion": summary["criterion"].fillna("ไม่มี (สลับไม่ได้) / none (cannot swap)"),
        "เปลี่ยนน้ำหนัก / weight change": summary["delta_weight"],
        "เปลี่ยน (%) / change (%)": summary["delta_pct"],
        "น้ำหนักใหม่ / new weight": summary["new_weight"],
        "เกณฑ์วิกฤตของ T&S / T&S critical": measures,
    }).reset_index(drop=True)


def acceptability_table(acc: Acceptability) -> pd.DataFrame:
    """P(rank = r) in %, P(top k) and expected rank, one row per project in the current ranking order."""
    table = acc.table.copy()
    ranks = [c for c in table.columns if isinstance(c, int | np.integer)]
    shown = (100 * table[ranks]).rename(columns={r: f"อันดับ {r} (%)" for r in ranks})
    shown[f"{acc.top_k} อันดับแรก (%) / top {acc.top_k} (%)"] = 100 * table["top_k"]
    shown["อันดับเฉลี่ย / expected rank"] = table["expected_rank"]
    shown.insert(0, "รหัส / code", table.index)
    return shown.reset_index(drop=True)


def method_text(acc: Acceptability) -> tuple[str, str]:
    """How the acceptability was sampled (Thai, English), e.g. for a table caption."""
    th, en = SAMPLERS[acc.method]
    return (
        f"สุ่มน้ำหนัก {acc.n_samples:,} ชุด ({th}) seed = {acc.seed}; อันดับเท่ากันใช้อันดับร่วม",
        f"{acc.n_samples:,} weight draws ({en}), seed {acc.seed}; equal totals share a rank",
    )


def acceptability_heatmap(
    acc: Acceptability, *, title: str = "", source: str = "", names: Mapping[str, str] | None = None
) -> Figure:
    """Heatmap of P(rank = r) of a :class:`Acceptability` (see :func:`planlib.plans.priority.acceptability_heatmap`).

    ``names``: project code → Thai name (``scoring.projects["name_th"]``), rows labelled by short name and code.
    """
    title = title or f"โอกาสที่จะได้แต่ละอันดับ / Rank acceptability ({acc.n_samples:,} draws, {acc.method})"
    return priority.acceptability_heatmap(acc.table, title=title, source=source, names=names)
