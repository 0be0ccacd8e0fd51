"""What-if scoring: new weights, a changed score, a project added or removed → new ranks beside the old.

Every scenario starts from a :class:`~planlib.plans.priority.Scoring` and builds a *new* one (the
plan is never changed). Ranks on both sides come from :func:`planlib.plans.priority.prioritize` with
the same tie-break policy. The comparison gives rank movement (old rank − new rank, so + means
the project moved up), the band before and after, and Kendall's τ-b between the two rankings
over the projects present in both (Kendall 1945, *Biometrika* 33:239; τ-b corrects for ties).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planlib import charts
from planlib.display import note, show_table
from planlib.inputs.problems import DataError, Problem, Problems
from planlib.plans import priority
from planlib.plans.bands import natural_key
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
    x = first.reindex(common).to_numpy(float)
    y = second.reindex(common).to_numpy(float)
    if len(common) < 2:
        return float("nan")
    iu = np.triu_indices(len(common), 1)
    sx = np.sign(x[:, None] - x[None, :])[iu]
    sy = np.sign(y[:, None] - y[None, :])[iu]
    denom = np.sqrt((sx**2).sum() * (sy**2).sum())
    return float((sx * sy).sum() / denom) if denom > 0 else float("nan")


def compare(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Old and new ranks, totals and bands side by side, from two :func:`priority.prioritize` results.

    Columns: project_code, name_th, total_before, total_after, rank_before, rank_after,
    movement = rank_before − rank_after (+ moved up), band_before, band_after, band_changed,
    status (``kept``, ``added``, ``removed``). Sorted by the new rank, removed projects last.
    """
    cols = ["project_code", "name_th", "total", "rank", "band"]
    merged = before[cols].merge(after[cols], on="project_code", how="outer", suffixes=("_before", "_after"))
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
    keep += ["band_before", "band_after", "band_changed", "status"]
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


# ---------------------------------------------------------------- chart


def movement_chart(comparison: pd.DataFrame, *, title: str = "", source: str = "") -> Figure:
    """Slope chart: each project's rank before (left) and after (right); movers highlighted."""
    n = int(max(comparison["rank_before"].max(skipna=True) or 1, comparison["rank_after"].max(skipna=True) or 1))
    title = title or "การเปลี่ยนอันดับ / Rank movement"
    fig, ax = charts.figure(title, xlabel="", ylabel="อันดับ / rank", source=source, size=(7, 1.4 + 0.42 * n))
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
        if pd.notna(before):
            ax.text(-0.04, before, str(rec["project_code"]), ha="right", va="center", fontsize=8)
        if pd.notna(after):
            label = f"{rec['project_code']}" + (f" ({int(rec['movement']):+d})" if moved else "")
            ax.text(1.04, after, label, ha="left", va="center", fontsize=8)
    ax.set_xlim(-0.5, 1.5)
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


def live_sliders(
    scoring: Scoring, weights: Mapping[str, float] | None = None, *, tie_break: str = "shared", step: float = 0.1
) -> object:
    """Sliders (ipywidgets) for every criterion weight; moving one re-ranks and redraws the comparison.

    Only for a live JupyterLab kernel (see :func:`live_session`); returns the widget box. The
    baseline is the plan's weights; the sliders start at ``weights``.
    """
    import ipywidgets as widgets  # optional, JupyterLab only (see live_session)
    from IPython.display import display

    start = priority.weight_vector(scoring, weights)
    top = float(max(5.0, 2 * start.max()))
    sliders = {
        c: widgets.FloatSlider(value=float(v), min=0.0, max=top, step=step, description=str(c), continuous_update=False)
        for c, v in start.items()
    }
    out = widgets.Output()

    def render(_: object = None) -> None:
        with out:
            out.clear_output(wait=True)
            try:
                result = whatif(scoring, {c: s.value for c, s in sliders.items()}, tie_break=tie_break)
            except DataError as exc:
                note(str(exc), kind="warning")
                return
            note(" / ".join(summary_text(result)))
            show_table(comparison_table(result))

    for slider in sliders.values():
        slider.observe(render, names="value")
    render()
    box = widgets.VBox([widgets.HTML("<b>น้ำหนักเกณฑ์ / criterion weights</b>"), *sliders.values(), out])
    display(box)
    return box


COMPARISON_HEADERS = {
    "project_code": "รหัส / code",
    "name_th": "โครงการ / project",
    "total_before": "คะแนนเดิม / total before",
    "total_after": "คะแนนใหม่ / total after",
    "rank_before": "อันดับเดิม / rank before",
    "rank_after": "อันดับใหม่ / rank after",
    "movement": "เลื่อน / moved",
    "band_before": "ระดับเดิม / band before",
    "band_after": "ระดับใหม่ / band after",
    "band_changed": "ระดับเปลี่ยน / band changed",
    "status": "สถานะ / status",
}


def comparison_table(result: WhatIf) -> pd.DataFrame:
    """:attr:`WhatIf.comparison` with Thai/English headers, for reports."""
    shown = result.comparison.copy()
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
