"""What-if scoring: new weights, a changed score, a project added or removed → new ranks beside the old.

Every scenario starts from a :class:`~planlib.plans.priority.Scoring` and builds a *new* one (the
plan is never changed). Ranks on both sides come from :func:`planlib.plans.priority.prioritize` with
the same tie-break policy. The comparison gives rank movement (old rank − new rank, so + means
the project moved up), the band before and after, and Kendall's τ-b between the two rankings
over the projects present in both (Kendall 1945, *Biometrika* 33:239; τ-b corrects for ties).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planlib import charts
from planlib.display import note, show_figure, show_table
from planlib.inputs.problems import DataError, Problem, Problems
from planlib.plans import kpi, priority, sensitivity
from planlib.plans.bands import band_positions, natural_key
from planlib.plans.priority import Scoring

ScoreEdits = Mapping[str, Mapping[str, float]]
"""project code → {criterion code → new score}."""


# ---------------------------------------------------------------- building a scenario


def _scale_problem(scoring: Scoring, code: str, criterion: str, value: object, table: str) -> Problem | None:
    crit = scoring.criteria.loc[criterion]
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    low, high = crit["scale_min"], crit["scale_max"]
    if np.isnan(number):
        return Problem.of("error", table, "bad_value_score", column=criterion, value=str(value), project=code,
                          criterion=criterion)
    if (pd.notna(low) and number < low) or (pd.notna(high) and number > high):
        return Problem.of("error", table, "out_of_scale_whatif", column=criterion, value=str(value), project=code,
                          score=number, low=low, high=high, criterion=criterion)
    return None


def apply_changes(
    scoring: Scoring,
    *,
    scores: ScoreEdits | None = None,
    add: pd.DataFrame | Mapping[str, Mapping[str, object]] | None = None,
    remove: Sequence[str] = (),
) -> Scoring:
    """A new Scoring with scores changed, projects added and projects removed.

    ``scores``: {project: {criterion: score}}. ``add``: a frame with ``project_code``, one column
    per criterion and optionally ``name_th``/``name_en``/``budget``, or {code: {criterion: score,
    "name_th": …}}; every criterion needs a score. ``remove``: project codes. Each bad entry
    (unknown project or criterion, score missing or outside the criterion's scale, a code added
    twice) is one located problem in a :class:`DataError` (table ``whatif``).
    """
    problems = Problems()
    table_scores = scoring.scores.copy()
    projects = scoring.projects.copy()
    crit_codes = scoring.criterion_codes
    for code, edits in (scores or {}).items():
        code = str(code)
        if code not in table_scores.index:
            problems.add(Problem.of("error", "whatif", "unknown_code_project", column="project_code", value=code,
                                    project=code))
            continue
        for criterion, value in edits.items():
            if criterion not in crit_codes:
                problems.add(Problem.of("error", "whatif", "unknown_code_criterion", column=str(criterion),
                                        value=str(value), criterion=criterion, known=", ".join(crit_codes)))
                continue
            bad = _scale_problem(scoring, code, criterion, value, "whatif")
            if bad:
                problems.add(bad)
            else:
                table_scores.loc[code, criterion] = float(value)  # type: ignore[arg-type]
    if add is not None:
        if isinstance(add, pd.DataFrame):
            records = add.to_dict("records")
        else:
            records = [{"project_code": k, **v} for k, v in add.items()]
        for i, rec in enumerate(records, start=1):
            code = str(rec.get("project_code"))
            if code in table_scores.index:
                problems.add(Problem.of("error", "whatif", "duplicate_project", row=i, column="project_code",
                                        value=code, project=code))
                continue
            row_ok = True
            for criterion in crit_codes:
                if criterion not in rec or pd.isna(rec[criterion]):  # type: ignore[arg-type]
                    problems.add(Problem.of("error", "whatif", "required_new_score", row=i, column=criterion,
                                            project=code, criterion=criterion))
                    row_ok = False
                    continue
                bad = _scale_problem(scoring, code, criterion, rec[criterion], "whatif")
                if bad:
                    problems.add(dataclasses.replace(bad, row=i))
                    row_ok = False
            if row_ok:
                table_scores.loc[code] = [float(rec[c]) for c in table_scores.columns]  # type: ignore[arg-type]
                added = {
                    "name_th": rec.get("name_th", f"(ใหม่ / new) {code}"),
                    "name_en": rec.get("name_en", f"(new) {code}"),
                    "budget": float(rec.get("budget", 0.0) or 0.0),  # type: ignore[arg-type]
                }
                row = pd.DataFrame([added], index=[code]).astype({"name_th": object, "name_en": object})
                projects = pd.concat([projects, row])
    for code in remove:
        code = str(code)
        if code not in table_scores.index:
            problems.add(Problem.of("error", "whatif", "unknown_code_remove", column="project_code", value=code,
                                    project=code))
            continue
        table_scores = table_scores.drop(index=code)
        projects = projects.drop(index=code)
    if problems:
        raise DataError(problems, "the what-if changes")
    if table_scores.empty:
        raise DataError(Problems([Problem.of("error", "whatif", "empty_whatif")]), "the what-if changes")
    return dataclasses.replace(scoring, scores=table_scores, projects=projects)


# ---------------------------------------------------------------- comparing rankings


def kendall_tau(first: pd.Series, second: pd.Series) -> float:
    """Kendall's τ-b between two rankings over their common index (ties handled).

    τ_b = Σ_{i<j} sgn(x_i − x_j) sgn(y_i − y_j) / √(Σ sgn(x_i − x_j)² · Σ sgn(y_i − y_j)²)
    (Kendall 1945). 1 = same order, −1 = reversed; NaN when either side is all tied or fewer
    than two projects are shared. Vectorised over all pairs.
    """
    common = first.index.intersection(second.index)
    return tau_b(first.reindex(common).to_numpy(float), second.reindex(common).to_numpy(float))


def compare(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Old and new ranks, totals and bands side by side, from two :func:`priority.prioritize` results.

    Columns: project_code, name_th, total_before, total_after, rank_before, rank_after,
    movement = rank_before − rank_after (+ moved up), band_before, total_plan_scale_after (the new
    total on the plan's own range, which band_after is read on: :func:`priority.on_plan_scale`),
    band_after, band_changed, status (``kept``, ``added``, ``removed``). Sorted by the new rank, removed projects last.
    """
    cols = ["project_code", "name_th", "total", "rank", "band"]
    after = after.rename(columns={"total_plan_scale": "total_plan_scale_after"})
    merged = before[cols].merge(after[[*cols, "total_plan_scale_after"]], on="project_code", how="outer",
                                suffixes=("_before", "_after"))
    merged["name_th"] = merged["name_th_after"].fillna(merged["name_th_before"])
    merged["movement"] = (merged["rank_before"] - merged["rank_after"]).astype("Int64")
    differs = merged["band_before"].astype("string") != merged["band_after"].astype("string")
    merged["band_changed"] = differs.fillna(merged["band_before"].isna() != merged["band_after"].isna())
    removed = np.where(merged["rank_after"].isna(), "removed", "kept")
    merged["status"] = np.where(merged["rank_before"].isna(), "added", removed)
    merged["_nat"] = merged["project_code"].map(natural_key)
    merged["_removed"] = merged["status"] == "removed"
    merged = merged.sort_values(["_removed", "rank_after", "rank_before", "_nat"]).reset_index(drop=True)
    keep = ["project_code", "name_th", "total_before", "total_after", "rank_before", "rank_after", "movement"]
    keep += ["band_before", "total_plan_scale_after", "band_after", "band_changed", "status"]
    return merged[keep]


@dataclass(frozen=True)
class WhatIf:
    """A scenario: the baseline and what-if rankings, their comparison and Kendall's τ-b."""

    baseline: pd.DataFrame
    scenario: pd.DataFrame
    comparison: pd.DataFrame
    tau: float
    weights: pd.DataFrame  # criterion, weight_before, weight_after, share_before, share_after
    scoring: Scoring

    @property
    def band_changes(self) -> pd.DataFrame:
        return self.comparison[self.comparison["band_changed"] & (self.comparison["status"] == "kept")]

    @property
    def changed(self) -> bool:
        return bool((self.comparison["movement"].fillna(0) != 0).any() or (self.comparison["status"] != "kept").any())


def whatif(
    scoring: Scoring,
    weights: Mapping[str, float] | None = None,
    *,
    base_weights: Mapping[str, float] | None = None,
    scores: ScoreEdits | None = None,
    add: pd.DataFrame | Mapping[str, Mapping[str, object]] | None = None,
    remove: Sequence[str] = (),
    tie_break: str | Sequence[str] = "shared",
) -> WhatIf:
    """Rank the plan as it is (``base_weights``, default the plan's) and under the scenario.

    The scenario applies ``weights`` (criterion → weight; others keep theirs), score edits,
    added and removed projects (:func:`apply_changes`). Returns :class:`WhatIf` with both
    rankings, :func:`compare` and :func:`kendall_tau` of the ranks of the projects in both.
    """
    baseline = priority.prioritize(scoring, base_weights, tie_break)
    edited = scores or add is not None or remove
    changed = apply_changes(scoring, scores=scores, add=add, remove=remove) if edited else scoring
    merged = dict(base_weights or {})
    merged.update(weights or {})
    scenario = priority.prioritize(changed, merged, tie_break)
    comparison = compare(baseline, scenario)
    ranks_before = baseline.set_index("project_code")["rank"].astype(float)
    tau = kendall_tau(ranks_before, scenario.set_index("project_code")["rank"].astype(float))
    w0, w1 = priority.weight_vector(scoring, base_weights), priority.weight_vector(changed, merged)
    table = pd.DataFrame({
        "criterion": w0.index,
        "name_th": scoring.criteria["name_th"].reindex(w0.index).to_numpy(),
        "weight_before": w0.to_numpy(),
        "weight_after": w1.reindex(w0.index).to_numpy(),
        "share_before": (w0 / w0.sum()).to_numpy(),
        "share_after": (w1 / w1.sum()).reindex(w0.index).to_numpy(),
    })
    return WhatIf(baseline, scenario, comparison, tau, table, changed)


def summary_text(result: WhatIf) -> tuple[str, str]:
    """One sentence (Thai, English): τ, how many projects moved, how many changed band."""
    moved = int((result.comparison["movement"].fillna(0) != 0).sum())
    bands = len(result.band_changes)
    tau = "–" if np.isnan(result.tau) else f"{result.tau:.3f}"
    return (
        f"Kendall τ-b = {tau}; อันดับเปลี่ยน {moved} โครงการ; ระดับเปลี่ยน {bands} โครงการ",
        f"Kendall τ-b = {tau}; {moved} project(s) changed rank; {bands} changed band",
    )


# ---------------------------------------------------------------- a what-if session: one scoring, weights changing


def tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's τ-b of two aligned rank arrays (the formula is :func:`kendall_tau`'s); NaN when undefined."""
    if len(x) < 2:
        return float("nan")
    iu = np.triu_indices(len(x), 1)
    sx = np.sign(x[:, None] - x[None, :])[iu]
    sy = np.sign(y[:, None] - y[None, :])[iu]
    denom = np.sqrt((sx**2).sum() * (sy**2).sum())
    return float((sx * sy).sum() / denom) if denom > 0 else float("nan")


@dataclass(frozen=True)
class Recomputed:
    """Everything that depends on the weights, for one weight vector of a :class:`Session`.

    Each part equals what the one-off functions give for the same weights:
    ``ranking`` = :func:`priority.prioritize`, ``comparison`` = :func:`compare` against the
    session's baseline, ``tau`` = :func:`kendall_tau`, ``intervals`` =
    :func:`sensitivity.stability_intervals`, ``acceptability`` = :func:`sensitivity.rank_acceptability`
    (the session's seed, sample size, method and top k).
    """

    weights: pd.Series
    ranking: pd.DataFrame
    comparison: pd.DataFrame
    tau: float
    intervals: pd.DataFrame
    acceptability: sensitivity.Acceptability

    @property
    def changed(self) -> bool:
        return bool((self.comparison["movement"].fillna(0) != 0).any())


class Session:
    """A what-if session: one scoring, the weights changing (a slider, a loop over scenarios).

    Everything that does not depend on the weights is computed once: the oriented score matrix,
    the tie-break order of the projects (the policy's keys, ranked once with every total equal,
    so ranking under new weights is one ``lexsort`` on the rounded totals and that order), the
    baseline ranking, and the weight draws of the rank acceptability (seeded; drawn once for
    ``dirichlet``/``uniform``, whose draws do not depend on the weights, and kept per weight vector
    for ``around``). :meth:`recompute` then needs numpy only, and its results equal the one-off
    functions' (tests). Totals are the WSM of :mod:`planlib.plans.priority`, total_i = Σ_j w_j s'_ij.
    """

    def __init__(
        self,
        scoring: Scoring,
        base_weights: Mapping[str, float] | None = None,
        *,
        tie_break: str | Sequence[str] = "shared",
        top_k: int = 5,
        seed: int | None = 2568,
        n_samples: int = 10_000,
        method: str = "around",
        concentration: float = 50.0,
        cache_size: int = 32,
    ) -> None:
        self.scoring = scoring
        self.tie_break = tie_break
        self.top_k, self.seed, self.n_samples = top_k, seed, n_samples
        self.method, self.concentration, self.cache_size = method, concentration, cache_size
        self.base_weights = priority.weight_vector(scoring, base_weights)
        self.criteria = [str(c) for c in self.base_weights.index]
        self.codes = scoring.codes
        self.a = priority.oriented_scores(scoring)[self.criteria].to_numpy(float)
        natural = sorted(range(len(self.codes)), key=lambda i: natural_key(self.codes[i]))
        self.natural_pos = np.empty(len(self.codes), dtype=np.int64)
        self.natural_pos[natural] = np.arange(len(self.codes))
        flat = pd.Series(0.0, index=scoring.scores.index)
        self.key_rank = priority.rank(scoring, flat, tie_break)["rank"].to_numpy(np.int64)
        crit = scoring.criteria.loc[self.criteria]
        self.scale_low = crit["scale_min"].astype(float).fillna(scoring.scores.min()).to_numpy(float)
        self.scale_high = crit["scale_max"].astype(float).fillna(scoring.scores.max()).to_numpy(float)
        self.plan_range = priority.total_range(scoring)
        self.baseline = priority.prioritize(scoring, base_weights, tie_break)
        base = self.baseline.set_index("project_code").reindex(self.codes)
        self._base_rank = base["rank"].to_numpy(np.int64)
        self._base_total = base["total"].to_numpy(float)
        self._base_band = base["band"].to_numpy(object)
        same = compare(self.baseline, self.baseline)  # the dtypes compare() gives its flag and status columns
        self._changed_dtype, self._kept = same["band_changed"].dtype, same["status"].array
        sorted_bands = scoring.bands.sort_values("min")  # as band_of reads them
        self._band_mins, self._band_maxes = (sorted_bands[c].to_numpy(float) for c in ("min", "max"))
        self._band_labels = sorted_bands["label"].to_numpy(object)
        self._band_orders = sorted_bands["order"].to_numpy(float)
        self._static = self._static_columns()
        self._draws: dict[tuple[float, ...] | None, np.ndarray] = {}
        self._results: dict[tuple[float, ...], Recomputed] = {}

    def _static_columns(self) -> dict[str, pd.api.extensions.ExtensionArray]:
        """The columns of :func:`priority.prioritize` that do not depend on the weights, with their dtypes."""
        frame = self.baseline.set_index("project_code").reindex(self.codes)
        cols = ["name_th", "name_en", *map(str, self.scoring.scores.columns), "printed_total", "printed_rank"]
        columns = {col: frame[col].array for col in [*cols, "printed_band"]}
        columns["project_code"] = pd.Index(self.codes, name="project_code").to_series().array
        return columns

    def weight_vector(self, weights: Mapping[str, float] | None = None) -> pd.Series:
        """The base weights with ``weights`` replacing some, checked as :func:`priority.weight_vector` (which
        raises the located errors: unknown criterion, negative or non-finite weight, all zero)."""
        merged = dict(zip(self.criteria, self.base_weights.to_numpy(float)))
        try:
            for key, value in (weights or {}).items():
                number = float(value)
                if str(key) not in merged or not math.isfinite(number) or number < 0:
                    raise ValueError(key)
                merged[str(key)] = number
        except (TypeError, ValueError):
            return priority.weight_vector(self.scoring, {**merged, **(weights or {})})
        values = np.fromiter(merged.values(), float, len(merged))
        if not (values > 0).any():
            return priority.weight_vector(self.scoring, merged)
        return pd.Series(values, index=self.base_weights.index, name=self.base_weights.name)

    def draws(self, shares: np.ndarray) -> np.ndarray:
        """The acceptability's weight draws for these shares: drawn once per session, or per shares for ``around``."""
        key = tuple(np.round(shares, 15)) if self.method == "around" else None
        if key not in self._draws:
            if len(self._draws) >= self.cache_size:
                self._draws.pop(next(iter(self._draws)))
            self._draws[key] = sensitivity.draw_weights(self.n_samples, shares, self.method, self.seed,
                                                        self.concentration)
        return self._draws[key]

    def _order(self, rounded: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Projects best first (rounded total, tie-break key, natural code), their competition ranks, still tied?

        As :func:`priority.rank`: rank_i = 1 + the number of projects strictly ahead on (total, keys).
        """
        order = np.lexsort((self.natural_pos, keys, -rounded))
        r, k = rounded[order], keys[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = (r[1:] != r[:-1]) | (k[1:] != k[:-1])
        positions = np.arange(len(order))
        first = np.maximum.accumulate(np.where(new, positions, 0))
        group = np.cumsum(new) - 1
        ranks = np.empty(len(order), dtype=np.int64)
        ranks[order] = first + 1
        still = np.empty(len(order), dtype=bool)
        still[order] = np.bincount(group)[group] > 1
        return order, ranks, still

    def recompute(self, weights: Mapping[str, float] | None = None) -> Recomputed:
        """Ranking, comparison with the baseline, τ-b, stability intervals and acceptability under ``weights``.

        ``weights``: criterion → weight; criteria not named keep the session's base weights.
        Results for a weight vector seen before come from a small cache.
        """
        wv = self.weight_vector(weights)
        w = wv.to_numpy(float)
        cache_key = tuple(w)
        if cache_key in self._results:
            return self._results[cache_key]
        total = self.a @ w
        rounded = np.round(total, 9)
        order, ranks, still = self._order(rounded, self.key_rank)
        ranking, plan_scale, bands = self._ranking(total, rounded, w, order, ranks, still)
        comparison = self._comparison(total, plan_scale, bands, ranks)
        tau = tau_b(self._base_rank.astype(float), ranks.astype(float))
        arrays = sensitivity.Arrays(self.codes, self.criteria, self.a, w, order)
        intervals = sensitivity.intervals_of(arrays, self.top_k)
        shared = order if not priority.parse_tie_break(self.tie_break) else self._order(rounded, self.natural_pos)[0]
        shares = w / w.sum()
        acc_arrays = sensitivity.Arrays(self.codes, self.criteria, self.a, w, shared)
        acc = sensitivity.acceptability_of(acc_arrays, self.draws(shares), method=self.method, seed=self.seed,
                                          top_k=self.top_k)
        result = Recomputed(wv, ranking, comparison, tau, intervals, acc)
        if len(self._results) >= self.cache_size:
            self._results.pop(next(iter(self._results)))
        self._results[cache_key] = result
        return result

    def _ranking(
        self, total: np.ndarray, rounded: np.ndarray, w: np.ndarray, order: np.ndarray, ranks: np.ndarray,
        still: np.ndarray,
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """:func:`priority.prioritize`'s frame (scale ``own``) from arrays, the plan-scale totals and the bands.

        total_plan_scale = low₀ + (t − low_w)(high₀ − low₀)/(high_w − low_w) (:func:`priority.on_plan_scale`).
        """
        low0, high0 = self.plan_range
        low1, high1 = float((w * self.scale_low).sum()), float((w * self.scale_high).sum())
        if high1 <= low1 or (math.isclose(low0, low1) and math.isclose(high0, high1)):
            plan_scale = total.copy()
        else:
            plan_scale = low0 + (total - low1) * (high0 - low0) / (high1 - low1)
        band = np.full(len(total), pd.NA, dtype=object)
        band_order = np.full(len(total), np.nan)
        if len(self._band_mins):
            idx, ok = band_positions(plan_scale, self._band_mins, self._band_maxes)
            band[ok], band_order[ok] = self._band_labels[idx[ok]], self._band_orders[idx[ok]]
        groups: dict[float, list[str]] = {}
        for code, value in zip(self.codes, rounded):
            groups.setdefault(float(value), []).append(code)
        tied = {v: sorted(g, key=natural_key) for v, g in groups.items() if len(g) > 1}
        tied_with = [",".join(c for c in tied.get(float(v), []) if c != code) for code, v in zip(self.codes, rounded)]
        s = self._static
        columns: dict[str, object] = {"project_code": s["project_code"].take(order)}
        for col, values in s.items():
            if col != "project_code" and not col.startswith("printed_"):
                columns[col] = values.take(order)
        columns["total"] = total[order]
        columns["total_shown"] = total[order]
        columns["total_plan_scale"] = plan_scale[order]
        columns["band"] = pd.Series(band[order], dtype=object)
        columns["band_order"] = band_order[order]
        columns["rank"] = pd.array(ranks[order], dtype="Int64")
        columns["tied_with"] = np.array(tied_with, dtype=object)[order]
        columns["still_tied"] = still[order]
        for col in ("printed_total", "printed_rank", "printed_band"):
            columns[col] = s[col].take(order)
        return pd.DataFrame(columns), plan_scale, band

    def _comparison(
        self, total: np.ndarray, plan_scale: np.ndarray, band: np.ndarray, ranks: np.ndarray
    ) -> pd.DataFrame:
        """:func:`compare` of the baseline with a ranking of the same projects, from arrays."""
        order = np.lexsort((self.natural_pos, self._base_rank, ranks))
        before, after = self._base_band, band
        missing_before, missing_after = pd.isna(before), pd.isna(after)
        differs = [not (nb or na) and b != a for b, a, nb, na in zip(before, after, missing_before, missing_after)]
        changed = np.where(missing_before | missing_after, missing_before != missing_after, differs)
        movement = self._base_rank - ranks
        return pd.DataFrame({
            "project_code": self._static["project_code"].take(order),
            "name_th": self._static["name_th"].take(order),
            "total_before": self._base_total[order],
            "total_after": total[order],
            "rank_before": pd.array(self._base_rank[order], dtype="Int64"),
            "rank_after": pd.array(ranks[order], dtype="Int64"),
            "movement": pd.array(movement[order], dtype="Int64"),
            "band_before": pd.Series(before[order], dtype=object),
            "total_plan_scale_after": plan_scale[order],
            "band_after": pd.Series(after[order], dtype=object),
            "band_changed": pd.array(changed[order], dtype=self._changed_dtype),
            "status": self._kept,
        })


# ---------------------------------------------------------------- chart


LABEL_GAP = 0.55
"""Smallest vertical distance (in ranks) between two labels of the slope chart; tied projects' labels are offset."""


def label_positions(ranks: Sequence[float], gap: float = LABEL_GAP) -> list[float]:
    """Label heights for points at ``ranks`` (given best first, ties by code): each at its rank, pushed down to
    at least ``gap`` below the label above it.

    Tied projects share a rank but competition ranking leaves the ranks after a tie of k empty (2, 2, 2, 5),
    so k labels spaced ``gap`` < 1 apart fit before the next rank and never overlap one another.
    """
    out: list[float] = []
    for r in ranks:
        out.append(float(r) if not out else max(float(r), out[-1] + gap))
    return out


def movement_summary(comparison: pd.DataFrame) -> tuple[str, str]:
    """What moved, in words (Thai, English): ``อันดับเปลี่ยน 4 โครงการ: 5 ขึ้น 1 (5→4), …``; "nothing moved" when none."""
    kept = comparison[comparison["status"] == "kept"]
    moved = kept[kept["movement"].fillna(0) != 0]
    added, removed = comparison[comparison["status"] == "added"], comparison[comparison["status"] == "removed"]
    if moved.empty and added.empty and removed.empty:
        return "อันดับไม่เปลี่ยน", "no project changed rank"
    th, en = [], []
    if not moved.empty:
        th_items = [f"{c} {'ขึ้น' if m > 0 else 'ลง'} {abs(int(m))} ({int(b)}→{int(a)})"
                    for c, m, b, a in zip(moved["project_code"], moved["movement"], moved["rank_before"],
                                          moved["rank_after"])]
        en_items = [f"{c} {'up' if m > 0 else 'down'} {abs(int(m))} ({int(b)}→{int(a)})"
                    for c, m, b, a in zip(moved["project_code"], moved["movement"], moved["rank_before"],
                                          moved["rank_after"])]
        th.append(f"อันดับเปลี่ยน {len(moved)} โครงการ: " + ", ".join(th_items))
        en.append(f"{len(moved)} project(s) changed rank: " + ", ".join(en_items))
    if not added.empty:
        th.append("เพิ่ม " + ", ".join(map(str, added["project_code"])))
        en.append("added " + ", ".join(map(str, added["project_code"])))
    if not removed.empty:
        th.append("ตัดออก " + ", ".join(map(str, removed["project_code"])))
        en.append("removed " + ", ".join(map(str, removed["project_code"])))
    return "; ".join(th), "; ".join(en)


def movement_alt(comparison: pd.DataFrame, title: str = "") -> str:
    """Alt text of :func:`movement_chart`: what the chart shows and what moved, Thai and English."""
    th, en = movement_summary(comparison)
    head = title or "การเปลี่ยนอันดับ / Rank movement"
    return (f"แผนภูมิเส้นความชัน / slope chart: {head} — อันดับเดิม (ซ้าย) เทียบอันดับสมมติ (ขวา) "
            f"{len(comparison)} โครงการ / baseline rank (left) against what-if rank (right) of {len(comparison)} "
            f"projects. {th} / {en}")


def movement_chart(comparison: pd.DataFrame, *, title: str = "", source: str = "") -> Figure:
    """Slope chart: each project's rank before (left) and after (right); movers highlighted.

    Labels are short Thai names with the code as suffix (:func:`planlib.plans.kpi.short_name`), placed by
    :func:`label_positions`, so tied projects' labels are offset instead of printed on top of each other
    (a thin leader joins an offset label to its point). The x-axis label says what moved
    (:func:`movement_summary`), so the chart's alt text (titles and axis labels) tells it too.
    """
    n = int(max(comparison["rank_before"].max(skipna=True) or 1, comparison["rank_after"].max(skipna=True) or 1))
    title = title or "การเปลี่ยนอันดับ / Rank movement"
    th, en = movement_summary(comparison)
    fig, ax = charts.figure(title, xlabel=charts.wrap_thai(f"{th} / {en}", 110), ylabel="อันดับ / rank",
                            source=source, size=(9, 1.6 + 0.42 * n))
    ax.grid(False)
    for _, rec in comparison.iterrows():
        before, after = rec["rank_before"], rec["rank_after"]
        moved = pd.notna(before) and pd.notna(after) and before != after
        colour = charts.PALETTE[1] if moved else charts.PALETTE[5]
        if pd.notna(before) and pd.notna(after):
            ax.plot([0, 1], [before, after], color=colour, lw=2 if moved else 1, marker="o")
        elif pd.notna(before):
            ax.plot([0], [before], color=charts.PALETTE[3], marker="x")
        else:
            ax.plot([1], [after], color=charts.PALETTE[2], marker="s")
    names = comparison.set_index("project_code")["name_th"]
    for side, x, ha in (("before", -0.04, "right"), ("after", 1.04, "left")):
        placed = comparison[comparison[f"rank_{side}"].notna()].copy()
        placed["_nat"] = placed["project_code"].map(natural_key)
        placed = placed.sort_values([f"rank_{side}", "_nat"])
        ys = label_positions(placed[f"rank_{side}"].astype(float).tolist())
        for (_, rec), y in zip(placed.iterrows(), ys):
            code, r = rec["project_code"], float(rec[f"rank_{side}"])
            label = kpi.short_name(names.get(code), code, limit=24)
            moved = side == "after" and pd.notna(rec["movement"]) and rec["movement"] != 0
            if moved:
                label += f" {int(rec['movement']):+d}"
            leader = {"arrowprops": {"arrowstyle": "-", "lw": 0.5, "color": "#999999"}} if abs(y - r) > 1e-9 else {}
            ax.annotate(label, xy=(0.0 if side == "before" else 1.0, r), xytext=(x, y), ha=ha, va="center", fontsize=8,
                        gid=f"label-{side}-{code}", **leader)  # type: ignore[arg-type]
    ax.set_xlim(-1.1, 2.1)
    ax.set_ylim(n + 0.6, 0.4)
    ax.set_xticks([0, 1], ["เดิม / baseline", "สมมติ / what-if"])
    ax.set_yticks(range(1, n + 1))
    return fig


# ---------------------------------------------------------------- live sliders (JupyterLab only)


def live_session() -> bool:
    """True in a kernel started by a Jupyter server (JupyterLab), where widgets can be shown.

    Jupyter Server sets ``JPY_SESSION_NAME`` in the environment of the kernels it starts;
    papermill and nbconvert start kernels without it, so their output (and the HTML/PDF made
    from it) never holds widgets that need a live kernel.
    """
    if not os.environ.get("JPY_SESSION_NAME"):
        return False
    try:
        import ipywidgets  # noqa: F401  (optional: only a live JupyterLab kernel shows widgets)
    except ImportError:
        return False
    return True


def slider_label(scoring: Scoring, criterion: str) -> str:
    """A slider's label: the criterion's short Thai name with its code as suffix, ``ความเร่งด่วน (user_need)``."""
    return kpi.short_name(scoring.criteria.loc[criterion, "name_th"], criterion, limit=40)


def live_acceptability_table(acc: sensitivity.Acceptability) -> pd.DataFrame:
    """A narrow acceptability table for the live view: P(rank 1), P(top k) in % and the expected rank per project."""
    table = acc.table
    return pd.DataFrame({
        "รหัส / code": table.index,
        "อันดับ 1 (%) / rank 1 (%)": 100 * table[1].to_numpy(),
        f"{acc.top_k} อันดับแรก (%) / top {acc.top_k} (%)": 100 * table["top_k"].to_numpy(),
        "อันดับเฉลี่ย / expected rank": table["expected_rank"].to_numpy(),
    })


class LiveWhatIf:
    """Weight sliders (ipywidgets) that update everything depending on the weights, with a reset button.

    One slider per criterion, labelled with its Thai name and code (:func:`slider_label`). Moving one calls
    :meth:`update`, which recomputes through a :class:`Session` (ranking, comparison, τ-b, stability intervals,
    10⁴-draw acceptability around the new weights) and redraws the summary, the comparison table (with the total
    the new band is read on), the movement chart, the stability intervals and the acceptability. The reset
    button puts every slider back to the plan's weights and redraws once. Only for a live JupyterLab kernel
    (:func:`live_session`); tests call :meth:`update` and :meth:`reset` directly, as the widgets do.
    """

    def __init__(
        self,
        scoring: Scoring,
        weights: Mapping[str, float] | None = None,
        *,
        tie_break: str = "shared",
        top_k: int = 5,
        seed: int | None = 2568,
        step: float = 0.1,
        n_samples: int = 10_000,
    ) -> None:
        import ipywidgets as widgets  # optional, JupyterLab only (see live_session)

        self.scoring = scoring
        self.session = Session(scoring, tie_break=tie_break, top_k=top_k, seed=seed, n_samples=n_samples)
        start = self.session.weight_vector(weights)
        top = float(max(5.0, 2 * start.max()))
        style, layout = {"description_width": "22em"}, widgets.Layout(width="48em")
        self.sliders = {
            c: widgets.FloatSlider(value=float(v), min=0.0, max=top, step=step, description=slider_label(scoring, c),
                                   continuous_update=False, style=style, layout=layout)
            for c, v in start.items()
        }
        self.reset_button = widgets.Button(description="คืนน้ำหนักของแผน / reset", icon="undo")
        self.output = widgets.Output()
        self.result: Recomputed | None = None
        self.tables: dict[str, pd.DataFrame] = {}
        self._holding = False
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.reset_button.on_click(self.reset)
        heading = widgets.HTML("<b>น้ำหนักเกณฑ์ / criterion weights</b>")
        self.box = widgets.VBox([heading, *self.sliders.values(), self.reset_button, self.output])

    def weights(self) -> dict[str, float]:
        """The weights the sliders show now."""
        return {c: float(s.value) for c, s in self.sliders.items()}

    def update(self, _: object = None) -> Recomputed | None:
        """Recompute for the sliders' weights and redraw the output (the sliders' callback)."""
        if self._holding:
            return self.result
        with self.output:
            self.output.clear_output(wait=True)
            try:
                result = self.session.recompute(self.weights())
            except DataError as exc:
                note(str(exc), kind="warning")
                return None
            self.result = result
            self._show(result)
        return result

    def reset(self, _: object = None) -> Recomputed | None:
        """Every slider back to the plan's weights, then one redraw (the reset button's callback)."""
        self._holding = True
        try:
            for c, slider in self.sliders.items():
                slider.value = float(self.session.base_weights[c])
        finally:
            self._holding = False
        return self.update()

    def _show(self, result: Recomputed) -> None:
        source = self.scoring.source
        self.tables = {
            "comparison": comparison_table(result),
            "intervals": sensitivity.intervals_table(result.intervals),
            "acceptability": live_acceptability_table(result.acceptability),
        }
        moved = " / ".join(movement_summary(result.comparison))
        tau = "–" if np.isnan(result.tau) else f"{result.tau:.3f}"
        note(f"Kendall τ-b = {tau}; {moved}")
        show_table(self.tables["comparison"], source=source)
        show_figure(movement_chart(result.comparison, source=source), alt=movement_alt(result.comparison))
        top_k = self.session.top_k
        show_table(self.tables["intervals"], source=source,
                   caption=f"ช่วงน้ำหนักที่ {top_k} อันดับแรกไม่เปลี่ยน / top-{top_k} weight stability intervals")
        th, en = sensitivity.method_text(result.acceptability)
        show_table(self.tables["acceptability"], source=source, caption=f"{th} / {en}")


def live_sliders(
    scoring: Scoring,
    weights: Mapping[str, float] | None = None,
    *,
    tie_break: str = "shared",
    step: float = 0.1,
    top_k: int = 5,
    seed: int | None = 2568,
) -> object:
    """Show a :class:`LiveWhatIf` for the scoring and return its widget box (sliders are its direct children).

    Only for a live JupyterLab kernel (see :func:`live_session`). The baseline is the plan's weights; the
    sliders start at ``weights``.
    """
    from IPython.display import display  # optional, JupyterLab only (see live_session)

    live = LiveWhatIf(scoring, weights, tie_break=tie_break, top_k=top_k, seed=seed, step=step)
    live.update()
    display(live.box)
    live.box.live = live  # type: ignore[attr-defined]  # the controller, for tests and for code in the notebook
    return live.box


COMPARISON_HEADERS = {
    "project_code": "รหัส / code",
    "name_th": "โครงการ / project",
    "total_before": "คะแนนเดิม / total before",
    "total_after": "คะแนนใหม่ / total after",
    "rank_before": "อันดับเดิม / rank before",
    "rank_after": "อันดับใหม่ / rank after",
    "movement": "เลื่อน / moved",
    "band_before": "ระดับเดิม / band before",
    "total_plan_scale_after": "คะแนนใหม่บนช่วงของแผน (ใช้อ่านระดับ) / new total on the plan's range (banded)",
    "band_after": "ระดับใหม่ / band after",
    "band_changed": "ระดับเปลี่ยน / band changed",
    "status": "สถานะ / status",
}


def comparison_table(result: WhatIf | Recomputed) -> pd.DataFrame:
    """The comparison of a :class:`WhatIf` or a session's :class:`Recomputed`, Thai/English headers, for reports.

    The new band is read on the new total mapped onto the plan's own total range (:func:`priority.on_plan_scale`);
    where that differs from the new total (the weights' range is not the plan's), the table shows it next to the
    band, so a reader sees which total the band is read on.
    """
    shown = result.comparison.copy()
    scaled, after = shown["total_plan_scale_after"], shown["total_after"]
    if np.allclose(scaled.to_numpy(float), after.to_numpy(float), equal_nan=True):
        shown = shown.drop(columns="total_plan_scale_after")
    shown["band_changed"] = shown["band_changed"].map({True: "เปลี่ยน / changed", False: ""})
    shown["status"] = shown["status"].map({"kept": "", "added": "เพิ่ม / added", "removed": "ตัดออก / removed"})
    return shown.rename(columns=COMPARISON_HEADERS)


def weights_table(result: WhatIf) -> pd.DataFrame:
    """Weights and shares before and after, Thai/English headers."""
    w = result.weights
    return pd.DataFrame({
        "เกณฑ์ / criterion": w["criterion"],
        "ชื่อ / name": w["name_th"],
        "น้ำหนักเดิม / weight before": w["weight_before"],
        "น้ำหนักใหม่ / weight after": w["weight_after"],
        "สัดส่วนเดิม (%) / share before (%)": 100 * w["share_before"],
        "สัดส่วนใหม่ (%) / share after (%)": 100 * w["share_after"],
    })


def scenario_weights(scoring: Scoring, weights: Mapping[str, float] | None) -> dict[str, float]:
    """The full weight mapping of a scenario: the plan's weights with ``weights`` replacing some (checked)."""
    return {str(k): float(v) for k, v in priority.weight_vector(scoring, weights).items()}
