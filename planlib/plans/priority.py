"""Project prioritisation: weighted scores, bands, ranks with an explicit tie-break, printed checks.

The plans score each project on a few criteria and add the scores up:

* Homeworkers Fund (seed 000 Table 3.5, L912–925): 9 projects × 6 criteria scored 1–5
  (5 = มากที่สุด … 1 = น้อยที่สุด, L896–900), total = plain sum, banded 28–30 → urgency level 1 …
  16–18 → level 5 (L904–908). The column the source calls *ระดับความเร่งด่วน* (urgency level)
  holds 1–9, which is the projects' **rank**, not the rubric level (levels are 1, 2, 3, 4, 4, 4,
  5, 5, 5); :func:`printed_rank_reading` says so.
* DITP (seed 001 §5.2, L809–824): 6 plans × 4 criteria, totals 35, 33, 33, 33, 32, 31, banded
  High 30–40 / Medium 25–29 / Low < 25; three plans tie at 33 and the source does not say how it
  ordered them.

The method is the weighted sum model (WSM; Fishburn 1967, Triantaphyllou 2000 ch. 2):
``total_i = Σ_j w_j · s'_ij`` with ``s'_ij = s_ij`` for a *benefit* criterion and
``s'_ij = scale_min_j + scale_max_j − s_ij`` for a *cost* criterion (inverted on its own scale,
so 1 ↔ 5 on a 1–5 scale). Weights default to 1 (the plans' plain sums). A :class:`Scoring` holds
everything a ranking needs and is replaced, never changed, by what-if edits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planlib import charts
from planlib.inputs import checks, messages
from planlib.inputs.dataset import Dataset, Plan, expect
from planlib.inputs.load import require
from planlib.inputs.problems import DataError, Problem, Problems
from planlib.plans import kpi, value_for_money
from planlib.plans.bands import band_of, band_table, check_mark, natural_key, schemes  # priority.band_of … too

if TYPE_CHECKING:  # a hint only: matplotlib is imported where a chart is drawn
    from matplotlib.figure import Figure

SCALES = ("own", "0-1", "0-100")
"""How totals are shown: on the plan's own scale, or normalised to 0–1 / 0–100."""

TIE_KEYS = ("budget", "code", "bc_ratio")
"""Tie-break keys besides ``criterion:<code>``; see :func:`parse_tie_break`."""

CRITERION_KEY = re.compile(r"criterion:([A-Za-z0-9_.-]+)")
"""A tie-break key naming a criterion: ``criterion:<code>``."""


# ---------------------------------------------------------------- the scoring object


@dataclass(frozen=True)
class Scoring:
    """What a ranking needs, with codes as the index of every frame.

    ``scores``: projects × criteria as typed (not inverted). ``criteria``: name_th, name_en,
    weight, direction (benefit/cost), scale_min, scale_max. ``bands``: the total-score rubric
    (min, max, label, order). ``projects``: name_th, name_en, printed_total, printed_rank,
    printed_band, printed_bc_ratio, budget (THB, all years), bc_ratio (ΣB/ΣC when the plan
    scores value for money).
    """

    scores: pd.DataFrame
    criteria: pd.DataFrame
    bands: pd.DataFrame
    projects: pd.DataFrame
    org_name: str = ""
    source: str = ""
    rows: Mapping[str, int] = field(default_factory=dict)  # project code → row of the scores table

    @property
    def codes(self) -> list[str]:
        return [str(c) for c in self.scores.index]

    @property
    def criterion_codes(self) -> list[str]:
        return [str(c) for c in self.criteria.index]


def has_scores(plan: Dataset) -> bool:
    """True when the plan has both a ``criteria`` and a ``scores`` table with rows."""
    return plan.has("criteria") and plan.has("scores")


def scoring(plan: Dataset) -> Scoring:
    """The :class:`Scoring` of a loaded plan (raises :class:`DataError` without criteria/scores).

    Weight defaults to 1 and direction to ``benefit`` (data contract, ``criteria``). The budget
    of a project is the sum of its ``budgets`` rows over all years; a project with no budget
    row has no money planned and counts 0 THB when ties are broken by budget.
    """
    expect(plan, Dataset, "priority.scoring", "planlib.load_plan(folder)")
    require(plan, "criteria", "scores", report="prioritization")
    crit = plan.criteria.copy()
    crit["code"] = crit["code"].astype(str)
    crit = crit.set_index("code")
    crit["weight"] = crit.get("weight", pd.Series(np.nan, index=crit.index)).fillna(1.0).astype(float)
    crit["direction"] = crit.get("direction", pd.Series(None, index=crit.index, dtype=object)).fillna("benefit")
    for col in ("scale_min", "scale_max", "name_en"):
        if col not in crit:
            crit[col] = np.nan
    crit = crit[["name_th", "name_en", "weight", "direction", "scale_min", "scale_max"]]
    raw = plan.scores
    codes = list(crit.index)
    scores = raw[[c for c in codes if c in raw]].astype(float)
    scores.index = raw["project_code"].astype(str)
    rows = {str(code): int(row) for row, code in raw["project_code"].items()}
    bands = band_table(plan, "total")
    projects = pd.DataFrame(index=scores.index)
    known = plan.projects.set_index(plan.projects["code"].astype(str)) if plan.has("projects") else pd.DataFrame()
    for col in ("name_th", "name_en", "printed_rank", "printed_band", "printed_bc_ratio"):
        projects[col] = known[col].reindex(scores.index) if col in known else np.nan
    projects["printed_total"] = raw["printed_total"].to_numpy() if "printed_total" in raw else np.nan
    budget = pd.Series(0.0, index=scores.index)
    if plan.has("budgets"):
        sums = plan.budgets.groupby(plan.budgets["project_code"].astype(str))["amount"].sum()
        budget = sums.reindex(scores.index).fillna(0.0)
    projects["budget"] = budget
    projects["bc_ratio"] = np.nan
    if plan.has("benefit_cost"):
        ratios = value_for_money.bc_ratios(plan.benefit_cost)["bc_ratio"]
        projects["bc_ratio"] = ratios.reindex(scores.index)
    return Scoring(scores, crit, bands, projects, plan.org_name, source_note(plan), rows)


def make_scoring(
    scores: pd.DataFrame | np.ndarray,
    *,
    weights: Sequence[float] | None = None,
    directions: Sequence[str] | None = None,
    scale: tuple[float, float] | None = None,
    bands: pd.DataFrame | None = None,
    codes: Sequence[str] | None = None,
) -> Scoring:
    """A :class:`Scoring` from a bare matrix (projects × criteria), for experiments, tests and benchmarks.

    A DataFrame keeps its index (project codes) and columns (criterion codes); an array gets
    codes P1…Pn (or ``codes``) and C1…Cm. Weights default to 1, directions to benefit, the scale
    to the lowest and highest score typed.
    """
    if isinstance(scores, pd.DataFrame):
        frame = scores.copy()
    else:
        array = np.asarray(scores, float)
        rows = list(codes) if codes is not None else [f"P{i + 1}" for i in range(array.shape[0])]
        frame = pd.DataFrame(array, index=rows, columns=[f"C{j + 1}" for j in range(array.shape[1])])
    frame.index = frame.index.astype(str)
    frame.columns = frame.columns.astype(str)
    frame = frame.astype(float)
    m = frame.shape[1]
    values = frame.to_numpy()
    low, high = scale if scale is not None else (float(np.nanmin(values)), float(np.nanmax(values)))
    crit = pd.DataFrame(
        {
            "name_th": list(frame.columns),
            "name_en": list(frame.columns),
            "weight": np.ones(m) if weights is None else np.asarray(weights, float),
            "direction": ["benefit"] * m if directions is None else list(directions),
            "scale_min": low,
            "scale_max": high,
        },
        index=frame.columns,
    )
    projects = pd.DataFrame(
        {
            "name_th": list(frame.index),
            "name_en": list(frame.index),
            "printed_rank": np.nan,
            "printed_band": np.nan,
            "printed_bc_ratio": np.nan,
            "printed_total": np.nan,
            "budget": 0.0,
            "bc_ratio": np.nan,
        },
        index=frame.index,
    )
    band_frame = bands if bands is not None else pd.DataFrame(columns=["min", "max", "label", "order"])
    return Scoring(frame, crit, band_frame, projects, "", "")


def source_note(plan: Dataset) -> str:
    """``<organisation>; <source of the scores rows>`` (the part before the first comma)."""
    where = "ตาราง scores"
    scores = plan.tables.get("scores")
    if scores is not None and "source" in scores and scores["source"].notna().any():
        heads = {str(s).split(",")[0].strip() for s in scores["source"].dropna()}
        if len(heads) == 1:
            where = heads.pop()
    return f"{plan.org_name}; {where}"


# ---------------------------------------------------------------- weights and totals


def weight_vector(scoring: Scoring, weights: Mapping[str, float] | None = None) -> pd.Series:
    """The criteria's weights with ``weights`` (criterion code → weight) replacing some of them.

    Raises :class:`DataError` for an unknown criterion code, a negative or non-finite weight, or
    weights that are all zero (the total would be 0 for every project).
    """
    base = scoring.criteria["weight"].astype(float).copy()
    problems = Problems()
    for criterion, value in (weights or {}).items():
        criterion = str(criterion)
        if criterion not in base.index:
            problems.add(Problem.of("error", "weights", "unknown_code_criterion", column=criterion, value=str(value),
                                    criterion=criterion, known=", ".join(base.index)))
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not math.isfinite(number) or number < 0:
            problems.add(Problem.of("error", "weights", "bad_value_weight", column=criterion, value=str(value),
                                    criterion=criterion))
            continue
        base[criterion] = number
    if not problems and not base.gt(0).any():
        problems.add(Problem.of("error", "weights", "weights_zero", column=",".join(base.index), value="0"))
    if problems:
        raise DataError(problems, "the weights")
    return base


def oriented_scores(scoring: Scoring) -> pd.DataFrame:
    """Scores with every ``cost`` criterion inverted on its scale: s' = scale_min + scale_max − s.

    A benefit criterion is kept as typed. A cost criterion needs both scale ends
    (the ``priority_criteria`` check reports it otherwise).
    """
    out = scoring.scores.copy()
    for code, crit in scoring.criteria.iterrows():
        if crit["direction"] == "cost" and code in out:
            out[code] = crit["scale_min"] + crit["scale_max"] - out[code]
    return out


def totals(scoring: Scoring, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Weighted sum per project: total_i = Σ_j w_j · s'_ij (WSM; cost criteria inverted).

    With the plan's weights (1 each) this is the printed plain sum: hwfund Table 3.5 gives
    30, 25, 22, 21, 20, 19, 18, 17, 16 (seed 000 L913–925), DITP 35, 33, 33, 33, 32, 31
    (seed 001 L810–815).
    """
    w = weight_vector(scoring, weights)
    matrix = oriented_scores(scoring)[list(w.index)]
    return pd.Series(matrix.to_numpy(float) @ w.to_numpy(float), index=matrix.index, name="total")


def total_range(scoring: Scoring, weights: Mapping[str, float] | None = None) -> tuple[float, float]:
    """Lowest and highest possible totals: Σ w_j · scale_min_j and Σ w_j · scale_max_j.

    A criterion without a scale end uses the lowest/highest score typed for it.
    """
    w = weight_vector(scoring, weights)
    low = scoring.criteria["scale_min"].astype(float).fillna(scoring.scores.min())
    high = scoring.criteria["scale_max"].astype(float).fillna(scoring.scores.max())
    return float((w * low[w.index]).sum()), float((w * high[w.index]).sum())


def normalise(
    total: pd.Series, scoring: Scoring, weights: Mapping[str, float] | None = None, to: str = "0-1"
) -> pd.Series:
    """Min–max normalised total: (total − lowest) / (highest − lowest), × 100 for ``0-100``.

    lowest/highest from :func:`total_range`, so 1 (or 100) is the best total the rubric allows
    (hwfund: (30 − 6) / (30 − 6) = 1 for project 1).
    """
    if to not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {to!r}")
    if to == "own":
        return total
    low, high = total_range(scoring, weights)
    out = (total - low) / (high - low) if high > low else total * np.nan
    return out * (100 if to == "0-100" else 1)


def on_plan_scale(total: pd.Series, scoring: Scoring, weights: Mapping[str, float] | None = None) -> pd.Series:
    """A total under other weights mapped linearly onto the range of totals under the plan's weights.

    t_plan = low₀ + (t − low_w) · (high₀ − low₀) / (high_w − low_w), ranges from
    :func:`total_range`. The rubric's bands are written on the plan's totals (hwfund 6–30), so a
    what-if total is banded on this scale: doubling every weight changes no band, and with the
    plan's own weights t_plan = t.
    """
    low0, high0 = total_range(scoring)
    low1, high1 = total_range(scoring, weights)
    if high1 <= low1 or (math.isclose(low0, low1) and math.isclose(high0, high1)):
        return total.copy()
    return low0 + (total - low1) * (high0 - low0) / (high1 - low1)


# ---------------------------------------------------------------- ranks and ties


def parse_tie_break(policy: str | Sequence[str]) -> tuple[str, ...]:
    """The tie-break policy as a tuple of keys.

    ``"shared"`` (or ``""``): tied projects share the best rank of their group (competition
    ranking 1, 2, 2, 2, 5). Otherwise a comma list of keys applied in order to projects with the
    same total; what remains tied still shares a rank:

    * ``criterion:<code>``: higher (oriented) score on that criterion first;
    * ``budget``: smaller planned budget first (no budget row = 0 THB);
    * ``bc_ratio``: higher value for money ΣB/ΣC first (none = last);
    * ``code``: project code in natural order (1.2.1 before 1.4.1 before 2.1.1); always decisive.

    DITP's printed order of its three 33s (1.4.1, 2.1.1, 1.2.1; seed 001 L811–813) is reproduced
    by ``"criterion:operations,code"`` and by ``"bc_ratio,code"``; the source states no rule.

    This is the one definition of the policy: the report templates' ``tie_break`` parameter is
    checked by calling it. An unknown key raises :class:`ValueError` (English / Thai).
    """
    if isinstance(policy, str):
        parts = [p.strip() for p in policy.split(",") if p.strip()]
    else:
        parts = [str(p).strip() for p in policy]
    if parts in ([], ["shared"]):
        return ()
    for part in parts:
        if part not in TIE_KEYS and not CRITERION_KEY.fullmatch(part):
            allowed = ", ".join(("shared", *TIE_KEYS, "criterion:<code>"))
            raise ValueError(" / ".join(messages.text("unknown_tie_break", key=part, allowed=allowed)))
    return tuple(parts)


TIE_KEY_TEXT = {
    "budget": ("งบประมาณน้อยกว่าก่อน (ไม่มีงบ = 0 บาท)", "smaller budget first (none = 0 THB)"),
    "code": ("รหัสโครงการเรียงตามลำดับ", "project code in natural order"),
    "bc_ratio": ("ความคุ้มค่า B/C สูงกว่าก่อน", "higher value for money B/C first"),
}
"""Each key of :data:`TIE_KEYS` in words (Thai, English)."""


def tie_break_text(policy: str | Sequence[str]) -> tuple[str, str]:
    """The policy in words (Thai, English), for reports."""
    keys = parse_tie_break(policy)
    if not keys:
        return (
            "คะแนนรวมเท่ากันได้อันดับร่วมกัน (อันดับถัดไปข้ามตามจำนวนที่เท่ากัน)",
            "equal totals share a rank (the next rank skips by the number tied)",
        )
    th, en = [], []
    for key in keys:
        if key.startswith("criterion:"):
            code = key.split(":", 1)[1]
            th.append(f"คะแนนเกณฑ์ {code} สูงกว่าก่อน")
            en.append(f"higher score on criterion {code} first")
        else:
            words_th, words_en = TIE_KEY_TEXT[key]
            th.append(words_th)
            en.append(words_en)
    return ("คะแนนรวมเท่ากัน ตัดสินโดย: " + " แล้ว ".join(th), "equal totals broken by: " + ", then ".join(en))


def _key_columns(scoring: Scoring, total: pd.Series, keys: tuple[str, ...]) -> pd.DataFrame:
    """Columns to sort ascending: best first (−total, then each key)."""
    frame = pd.DataFrame({"_total": -total.round(9)}, index=total.index)
    oriented = oriented_scores(scoring)
    for i, key in enumerate(keys):
        if key.startswith("criterion:"):
            code = key.split(":", 1)[1]
            if code not in oriented:
                known = ", ".join(scoring.criterion_codes)
                raise ValueError(" / ".join(messages.text("unknown_tie_break_criterion", criterion=code, known=known)))
            frame[f"_k{i}"] = -oriented[code].reindex(total.index)
        elif key == "budget":
            frame[f"_k{i}"] = scoring.projects["budget"].reindex(total.index).fillna(0.0)
        elif key == "bc_ratio":
            frame[f"_k{i}"] = -scoring.projects["bc_ratio"].reindex(total.index).fillna(-np.inf)
        else:
            order = sorted(total.index, key=natural_key)
            frame[f"_k{i}"] = pd.Series(range(len(order)), index=order).reindex(total.index)
    return frame


def rank(scoring: Scoring, total: pd.Series, tie_break: str | Sequence[str] = "shared") -> pd.DataFrame:
    """Rank 1 = best total, with the tie-break policy of :func:`parse_tie_break`.

    rank_i = 1 + number of projects strictly ahead of i, where *ahead* compares (total, key₁,
    key₂, …) in order, so what stays tied shares the best rank of its group. Columns: ``rank``,
    ``tied_with`` (other projects with the same total, comma list, empty when none) and
    ``still_tied`` (still sharing the rank after the tie-break).
    """
    keys = parse_tie_break(tie_break)
    frame = _key_columns(scoring, total, keys)
    cols = list(frame.columns)
    ordered = frame.sort_values(cols, kind="stable")
    values = ordered.to_numpy(float)
    new_group = np.ones(len(ordered), dtype=bool)
    new_group[1:] = (values[1:] != values[:-1]).any(axis=1)
    position = np.arange(len(ordered))
    first = np.maximum.accumulate(np.where(new_group, position, 0))
    group_size = np.bincount(np.cumsum(new_group) - 1)[np.cumsum(new_group) - 1]
    out = pd.DataFrame({"rank": pd.array(first + 1, dtype="Int64"), "still_tied": group_size > 1}, index=ordered.index)
    rounded = total.round(9)
    members = {t: sorted(map(str, g.index), key=natural_key) for t, g in rounded.groupby(rounded) if len(g) > 1}
    out["tied_with"] = [",".join(c for c in members.get(rounded[code], []) if c != code) for code in out.index]
    return out.reindex(total.index)[["rank", "tied_with", "still_tied"]]


def prioritize(
    scoring: Scoring,
    weights: Mapping[str, float] | None = None,
    tie_break: str | Sequence[str] = "shared",
    scale: str = "own",
) -> pd.DataFrame:
    """The criterion matrix with total, normalised total, band, rank and the printed figures.

    One row per project, best first (then by code). Columns: project_code, name_th, name_en,
    one per criterion (as typed), total (WSM, :func:`totals`), total_shown (on ``scale``,
    :func:`normalise`), total_plan_scale (:func:`on_plan_scale`; equals total with the plan's
    weights), band and band_order (:func:`band_of` of total_plan_scale on the plan's ``bands``), rank,
    tied_with, still_tied (:func:`rank`), printed_total, printed_rank, printed_band.
    """
    expect(scoring, Scoring, "priority.prioritize", "priority.scoring(plan)")
    total = totals(scoring, weights)
    out = scoring.scores.copy()
    out.insert(0, "name_en", scoring.projects["name_en"])
    out.insert(0, "name_th", scoring.projects["name_th"])
    out["total"] = total
    out["total_shown"] = normalise(total, scoring, weights, scale)
    out["total_plan_scale"] = on_plan_scale(total, scoring, weights)
    out = out.join(band_of(out["total_plan_scale"], scoring.bands)).join(rank(scoring, total, tie_break))
    for col in ("printed_total", "printed_rank", "printed_band"):
        out[col] = scoring.projects[col]
    out.index.name = "project_code"
    out = out.reset_index()
    out["_nat"] = out["project_code"].map(natural_key)
    return out.sort_values(["rank", "_nat"]).drop(columns="_nat").reset_index(drop=True)


def ties(result: pd.DataFrame) -> pd.DataFrame:
    """Groups of projects with the same total: total, projects, ranks given, still tied?

    From a :func:`prioritize` result. DITP: one group, total 33, projects 1.2.1, 1.4.1, 2.1.1.
    """
    rows = []
    for total, group in result.groupby(result["total"].round(9), sort=False):
        if len(group) < 2:
            continue
        ranks = ", ".join(f"{c}→{r}" for c, r in zip(group["project_code"], group["rank"]))
        rows.append({
            "total": float(total),
            "projects": ", ".join(sorted(group["project_code"], key=natural_key)),
            "count": len(group),
            "ranks": ranks,
            "still_tied": bool(group["still_tied"].any()),
        })
    return pd.DataFrame(rows, columns=["total", "projects", "count", "ranks", "still_tied"])


# ---------------------------------------------------------------- printed vs computed


def printed_vs_computed(result: pd.DataFrame) -> pd.DataFrame:
    """Printed total, rank and band beside the computed ones, with agreement flags.

    ``total_ok``: |printed − computed| ≤ 0.005. ``rank_ok``: the printed rank lies within the
    ranks the project's tie group spans (rank … rank + group size − 1), so a printed order of
    tied projects is not flagged. ``band_ok``: printed band label equals the computed one.
    ``band_order`` is the rubric level (hwfund: 1, 2, 3, 4, 4, 4, 5, 5, 5). Flags are NA where
    nothing is printed.
    """
    columns = ["project_code", "printed_total", "total", "printed_rank", "rank", "band_order", "printed_band", "band"]
    out = result[columns].copy()
    size = result["total"].round(9).map(result["total"].round(9).value_counts())
    shared_rank = result.groupby(result["total"].round(9))["rank"].transform("min")
    printed_rank = out["printed_rank"].astype("Float64")
    total_ok = (out["printed_total"] - out["total"]).abs() <= 0.005
    out["total_ok"] = total_ok.astype("boolean").mask(out["printed_total"].isna())
    rank_ok = (printed_rank >= shared_rank) & (printed_rank <= shared_rank + size - 1)
    out["rank_ok"] = rank_ok.astype("boolean").mask(printed_rank.isna())
    band_ok = out["printed_band"].astype("string") == out["band"].astype("string")
    out["band_ok"] = band_ok.astype("boolean").mask(out["printed_band"].isna())
    return out


@dataclass(frozen=True)
class Reading:
    """What a printed ranking column turns out to be: ``rank``, ``level``, ``both``, ``neither`` or ``none``."""

    kind: str
    matches_rank: int
    matches_level: int
    count: int
    en: str
    th: str


def printed_rank_reading(result: pd.DataFrame) -> Reading:
    """Is the printed ranking column (projects.printed_rank) a rank or the rubric level?

    Counts the projects whose printed value equals the computed rank (shared ties count when the
    printed value lies inside the tie group's ranks) and those whose value equals the rubric
    level (band order). hwfund: 9 of 9 agree with the rank and only 3 of 9 with the level, so the
    column the source heads *ระดับความเร่งด่วน* (urgency level, seed 000 Table 3.5) is a rank 1–9,
    not the rubric's levels 1, 2, 3, 4, 4, 4, 5, 5, 5.
    """
    checked = printed_vs_computed(result)
    printed = checked["printed_rank"].astype("Float64")
    n = int(printed.notna().sum())
    if n == 0:
        return Reading("none", 0, 0, 0, "the source prints no rank for these projects", "เอกสารไม่ได้พิมพ์อันดับของโครงการ")
    as_rank = int(checked["rank_ok"].fillna(False).sum())
    as_level = int((printed == checked["band_order"]).fillna(False).sum())
    levels = ", ".join("–" if pd.isna(v) else f"{v:g}" for v in checked["band_order"])
    if as_rank == n and as_level < n:
        kind = "rank"
        en = (
            f"The printed ranking column agrees with the computed rank for {as_rank} of {n} projects and with the "
            f"rubric level for only {as_level}: it is a rank 1–{n}, not the rubric level (the rubric gives levels "
            f"{levels})."
        )
        th = (
            f"ตัวเลขที่เอกสารพิมพ์ในคอลัมน์ลำดับ/ระดับ ตรงกับอันดับที่คำนวณได้ {as_rank} จาก {n} โครงการ "
            f"แต่ตรงกับระดับตามเกณฑ์เพียง {as_level} โครงการ จึงเป็น 'อันดับ' 1–{n} ไม่ใช่ 'ระดับ' ตามเกณฑ์คะแนน "
            f"(ระดับตามเกณฑ์คือ {levels})"
        )
    elif as_level == n and as_rank < n:
        kind = "level"
        en = f"The printed column is the rubric level for all {n} projects (it agrees with the rank for {as_rank})."
        th = f"ตัวเลขที่พิมพ์คือระดับตามเกณฑ์ครบทั้ง {n} โครงการ (ตรงกับอันดับ {as_rank} โครงการ)"
    elif as_level == n:
        kind = "both"
        en = f"The printed column agrees with both the rank and the rubric level for all {n} projects."
        th = f"ตัวเลขที่พิมพ์ตรงกับทั้งอันดับและระดับตามเกณฑ์ครบทั้ง {n} โครงการ"
    else:
        kind = "neither"
        en = (
            f"The printed column agrees with the rank for {as_rank} of {n} projects and with the rubric level for "
            f"{as_level}."
        )
        th = f"ตัวเลขที่พิมพ์ตรงกับอันดับ {as_rank} จาก {n} โครงการ และตรงกับระดับตามเกณฑ์ {as_level} โครงการ"
    return Reading(kind, as_rank, as_level, n, en, th)


# ---------------------------------------------------------------- what exists without scores


def importance_table(plan: Dataset) -> pd.DataFrame:
    """Projects with the importance the plan marks by stars (``***`` = 3), most important first.

    For plans that rank nothing by score (tfund, seed 003: importance stars only). Columns:
    project_code, name_th, importance, stars.
    """
    if not plan.has("projects") or "importance" not in plan.projects:
        return pd.DataFrame(columns=["project_code", "name_th", "importance", "stars"])
    proj = plan.projects[plan.projects["importance"].notna()]
    out = pd.DataFrame({
        "project_code": proj["code"].astype(str),
        "name_th": proj["name_th"],
        "importance": proj["importance"].astype("Int64"),
    })
    out["stars"] = out["importance"].map(lambda v: "★" * int(v))
    out["_nat"] = out["project_code"].map(natural_key)
    ordered = out.sort_values(["importance", "_nat"], ascending=[False, True])
    return ordered.drop(columns="_nat").reset_index(drop=True)


CRITERIA_COLUMNS = ["code", "name_th", "name_en", "weight", "direction", "scale_min", "scale_max"]


def criteria_list(plan: Dataset) -> pd.DataFrame:
    """The plan's criteria (code, names, weight, direction, scale) as typed, for plans without scores (mol)."""
    if not plan.has("criteria"):
        return pd.DataFrame(columns=CRITERIA_COLUMNS)
    cols = [c for c in CRITERIA_COLUMNS if c in plan.criteria]
    return plan.criteria[cols].reset_index(drop=True)


def what_exists(plan: Dataset) -> str:
    """``scores``, ``criteria_only``, ``importance_only`` or ``nothing``: what a plan offers for ranking."""
    if has_scores(plan):
        return "scores"
    if plan.has("criteria"):
        return "criteria_only"
    if plan.has("projects") and "importance" in plan.projects and plan.projects["importance"].notna().any():
        return "importance_only"
    return "nothing"


# ---------------------------------------------------------------- charts


def project_label(scoring: Scoring, code: object) -> str:
    """A project on a chart axis: its short Thai name with the code as a suffix (``โครงการพัฒนา… (3)``)."""
    names = scoring.projects["name_th"] if "name_th" in scoring.projects else pd.Series(dtype="object")
    return kpi.short_name(names.get(str(code)), code)


def totals_chart(result: pd.DataFrame, scoring: Scoring, *, title: str = "", source: str = "") -> Figure:
    """Horizontal bars of the totals, best at the top, coloured by band, band ranges shaded.

    The axis starts at 0 (a bar's length is its total: 30 is twice 15); projects are labelled by
    short Thai name with the code as a suffix (:func:`project_label`).
    """
    from matplotlib.patches import Patch  # heavy: only when a chart is drawn, not on `import planlib.cli`

    n = len(result)
    fig, ax = charts.figure(
        title or "คะแนนรวมจำแนกตามระดับ / Totals by band",
        xlabel="คะแนนรวม (คะแนน) / total (points)",
        ylabel="โครงการ / project",
        source=source or scoring.source,
        size=(8, 1.2 + 0.42 * n),
    )
    orders = sorted(scoring.bands["order"].dropna().unique())
    colours = {o: charts.PALETTE[i % len(charts.PALETTE)] for i, o in enumerate(orders)}
    y = np.arange(n)[::-1]
    bar_colours = [colours.get(o, "#9e9e9e") for o in result["band_order"]]
    ax.barh(y, result["total"], color=bar_colours)
    for yi, total, rnk in zip(y, result["total"], result["rank"]):
        ax.text(total, yi, f" {total:g} (#{rnk})", va="center", fontsize=8)
    ax.set_yticks(y, [project_label(scoring, c) for c in result["project_code"]], fontsize=8)
    for _, band in scoring.bands.iterrows():
        ax.axvspan(band["min"], band["max"], color=colours.get(band["order"], "#eeeeee"), alpha=0.08)
    bands = zip(scoring.bands["order"], scoring.bands["label"])
    handles = [Patch(color=colours[o], label=str(label)) for o, label in bands if o in colours]
    if handles:
        ax.legend(handles=handles, fontsize=8, loc="lower right", title="ระดับ / band", title_fontsize=8)
    top = max(float(result["total"].max()), float(scoring.bands["max"].max()) if len(scoring.bands) else 0.0)
    ax.set_xlim(0.0, top * 1.15)  # from 0: bar lengths compare as totals do
    return fig


def acceptability_heatmap(
    acceptability: pd.DataFrame, *, title: str = "", source: str = "", names: Mapping[str, str] | None = None
) -> Figure:
    """Heatmap of P(rank = r) (rows projects, columns ranks), percentages written in the cells.

    ``names`` (project code → Thai name, e.g. ``scoring.projects["name_th"]``) labels the rows by short
    name with the code as a suffix; without it, by code.
    """
    ranks = [c for c in acceptability.columns if isinstance(c, int | np.integer)]
    data = acceptability[ranks].to_numpy(float)
    n, m = data.shape
    fig, ax = charts.figure(
        title or "โอกาสที่จะได้แต่ละอันดับ / Rank acceptability",
        xlabel="อันดับ / rank",
        ylabel="โครงการ / project",
        source=source,
        size=(1.6 + 0.6 * m, 1.2 + 0.42 * n),
    )
    ax.grid(False)
    ax.imshow(data, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(n):
        for j in range(m):
            if data[i, j] >= 0.005:
                colour = "white" if data[i, j] > 0.6 else "#222222"
                ax.text(j, i, f"{100 * data[i, j]:.0f}%", ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(m), [str(r) for r in ranks])
    lookup = names if names is not None else {}
    labels = [kpi.short_name(lookup.get(str(c)), c) for c in acceptability.index]
    ax.set_yticks(range(n), labels, fontsize=8)
    return fig


# ---------------------------------------------------------------- checks


def _plan_scoring(dataset: Dataset) -> Scoring | None:
    """A Scoring when the tables are usable enough to compute totals, else None."""
    if not (dataset.has("criteria") and dataset.has("scores")):
        return None
    codes = dataset.criteria["code"].dropna().astype(str)
    if not all(c in dataset.scores for c in codes) or dataset.scores[list(codes)].isna().any().any():
        return None
    try:
        return scoring(dataset)
    except (DataError, KeyError, ValueError):
        return None


def priority_criteria(dataset: Dataset) -> Iterator[Problem]:
    """A cost criterion needs both scale ends to be inverted; scale_min must be below scale_max; not every weight 0."""
    crit = dataset.tables.get("criteria")
    if crit is None or crit.empty:
        return
    for row, rec in crit.iterrows():
        low, high = rec.get("scale_min"), rec.get("scale_max")
        if rec.get("direction") == "cost" and (pd.isna(low) or pd.isna(high)):
            column = "scale_min" if pd.isna(low) else "scale_max"
            yield checks.located(dataset, "error", "required_cost_scale", "criteria", row, column, "",
                                 criterion=rec["code"])
        if pd.notna(low) and pd.notna(high) and low >= high:
            yield checks.located(dataset, "error", "bad_scale", "criteria", row, "scale_max", f"{high:g}",
                                 low=low, high=high)
    if "weight" in crit and crit["weight"].notna().all() and not crit["weight"].gt(0).any():
        yield checks.located(dataset, "error", "weights_zero_criteria", "criteria", None, "weight", "0")


def priority_bands(dataset: Dataset) -> Iterator[Problem]:
    """Bands of one scheme must not overlap and need min ≤ max (errors); a total in no band is a warning."""
    bands = dataset.tables.get("bands")
    if bands is None or bands.empty:
        return
    scheme = schemes(bands)
    for name in scheme.unique():
        part = bands[scheme == name].sort_values("min")
        previous = None
        for row, band in part.iterrows():
            if band["min"] > band["max"]:
                yield checks.located(dataset, "error", "bad_band", "bands", row, "max", f"{band['max']:g}",
                                     label=band["label"], low=band["min"], high=band["max"])
            if previous is not None and band["min"] <= previous[1]["max"]:
                prev_row, prev = previous
                yield checks.located(dataset, "error", "band_overlap", "bands", row, "min", f"{band['min']:g}",
                                     label=band["label"], low=band["min"], high=band["max"], other=prev["label"],
                                     other_low=prev["min"], other_high=prev["max"], other_row=prev_row, scheme=name)
            previous = (row, band)
    sc = _plan_scoring(dataset)
    if sc is None or sc.bands.empty:
        return
    total = totals(sc)
    found = band_of(total, sc.bands)
    for code in total.index[found["band"].isna()]:
        yield checks.located(dataset, "warning", "no_band", "scores", sc.rows.get(code), "project_code", code,
                             total=total[code], project=code)


def _false(value: object) -> bool:
    """True for a False flag (numpy or Python), False for True or NA."""
    return not pd.isna(value) and not bool(value)


def priority_printed(dataset: Dataset) -> Iterator[Problem]:
    """Printed totals, bands and ranks of scored projects checked against the computed ones (warnings)."""
    sc = _plan_scoring(dataset)
    if sc is None:
        return
    result = prioritize(sc).set_index("project_code")
    checked = printed_vs_computed(result.reset_index()).set_index("project_code")
    proj_rows = {}
    if dataset.has("projects"):
        proj_rows = {str(c): int(r) for r, c in dataset.projects["code"].items()}
    for code, rec in checked.iterrows():
        if _false(rec["total_ok"]):
            yield checks.located(dataset, "warning", "total_mismatch_score", "scores", sc.rows.get(code),
                                 "printed_total", f"{rec['printed_total']:g}", project=code,
                                 printed=rec["printed_total"], total=rec["total"])
        if _false(rec["band_ok"]):
            yield checks.located(dataset, "warning", "band_mismatch", "projects", proj_rows.get(code), "printed_band",
                                 str(rec["printed_band"]), project=code, printed=rec["printed_band"],
                                 band=rec["band"], total=rec["total"])
        if _false(rec["rank_ok"]):
            yield checks.located(dataset, "warning", "rank_mismatch", "projects", proj_rows.get(code), "printed_rank",
                                 f"{rec['printed_rank']}", project=code, printed=rec["printed_rank"],
                                 total=rec["total"], rank=rec["rank"])


REPORT_TABLES = ("criteria", "scores", "bands", "projects", "benefit_cost", "budgets")


def report_problems(plan: Plan) -> Problems:
    """Errors and warnings a prioritisation report shows: its tables, and printed totals of scores/benefit_cost."""
    keep = Problems()
    for p in plan.problems:
        if p.severity == "change":
            continue
        printed_here = p.table == "printed_totals" and ("scores." in p.reason_en or "benefit_cost." in p.reason_en)
        if p.table in REPORT_TABLES or printed_here:
            keep.add(p)
    return keep


# ---------------------------------------------------------------- report tables (Thai/English headers)

DIRECTION_TEXT = {"benefit": "มากดี / benefit", "cost": "น้อยดี (กลับคะแนน) / cost (inverted)"}


def criteria_table(scoring: Scoring, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Criteria with the weight in use, its share of the total weight, direction and scale."""
    expect(scoring, Scoring, "priority.criteria_table", "priority.scoring(plan)")
    w = weight_vector(scoring, weights)
    crit = scoring.criteria
    scale = [f"{lo:g}–{hi:g}" if pd.notna(lo) and pd.notna(hi) else "–"
             for lo, hi in zip(crit["scale_min"], crit["scale_max"])]
    return pd.DataFrame({
        "รหัส / code": crit.index,
        "เกณฑ์ / criterion": crit["name_th"].to_numpy(),
        "criterion (en)": crit["name_en"].to_numpy(),
        "น้ำหนัก / weight": w.to_numpy(),
        "สัดส่วน / share": (w / w.sum()).to_numpy(),
        "ทิศทาง / direction": crit["direction"].map(DIRECTION_TEXT).to_numpy(),
        "ช่วงคะแนน / scale": scale,
    })


MATRIX_HEADERS = {
    "project_code": "รหัส / code",
    "name_th": "โครงการ / project",
    "total": "คะแนนรวม / total",
    "band": "ระดับ / band",
    "rank": "อันดับ / rank",
    "tied_with": "คะแนนเท่ากับ / tied with",
}


def matrix_table(result: pd.DataFrame, scoring: Scoring) -> pd.DataFrame:
    """The criterion matrix as a report shows it: code, project, scores, total, band, rank, tied with."""
    cols = ["project_code", "name_th", *scoring.criterion_codes, "total", "band", "rank", "tied_with"]
    shown = result[cols].copy()
    shown["tied_with"] = shown["tied_with"].replace("", pd.NA)
    return shown.rename(columns=MATRIX_HEADERS)


def printed_table(result: pd.DataFrame) -> pd.DataFrame:
    """:func:`printed_vs_computed` with ✓/✗ marks and Thai/English headers."""
    checked = printed_vs_computed(result)
    return pd.DataFrame({
        "รหัส / code": checked["project_code"],
        "คะแนนรวมที่พิมพ์ / printed total": checked["printed_total"],
        "คะแนนรวมที่คำนวณ / computed total": checked["total"],
        "ตรวจ / check": checked["total_ok"].map(check_mark),
        "อันดับ/ระดับที่พิมพ์ / printed rank": checked["printed_rank"],
        "อันดับที่คำนวณ / computed rank": checked["rank"],
        "ระดับตามเกณฑ์ / rubric level": checked["band_order"],
        "ตรวจอันดับ / rank check": checked["rank_ok"].map(check_mark),
        "ระดับที่พิมพ์ / printed band": checked["printed_band"],
        "ระดับที่คำนวณ / computed band": checked["band"],
        "ตรวจระดับ / band check": checked["band_ok"].map(check_mark),
    })


TIES_HEADERS = {
    "total": "คะแนนรวม / total",
    "projects": "โครงการ / projects",
    "count": "จำนวน / count",
    "ranks": "อันดับที่ได้ / ranks given",
    "still_tied": "ยังเท่ากัน / still tied",
}


def ties_table(result: pd.DataFrame) -> pd.DataFrame:
    """:func:`ties` with Thai/English headers."""
    return ties(result).rename(columns=TIES_HEADERS)
