"""KPI scoring: level reached, score, weighted scorecard and distance to the next level.

A KPI's ``kpi_levels`` rows give, per level, the threshold a result must reach. The ``level``
column is the score that level earns: 50/75/100 in the DSDW KPI set (seed 002 §3), 1–5 in the
revolving-fund 1–5 forms (seed 001 §5.4, seed 000 K1/K2). Two scoring methods:

* ``step`` (ขั้นบันได): the score of the highest level whose threshold the result reaches.
  This is what a table of levels with fixed scores implies (seed 002 §3, "natural reading").
* ``interpolated`` (เทียบสัดส่วนเชิงเส้น): linear interpolation between the two thresholds the
  result lies between, rounded to 4 decimals, capped at the top level. This is the usual
  revolving-fund 1–5 practice (CGD/TRIS evaluation, scores reported to 4 decimals; anchors.md
  §5.2) and the labelled what-if of seed 002 §3.

Stated rules (the sources do not state them, so planlib does, and prints them):

* **Comparator**: a threshold is reached when the result is ≥ it (higher-is-better) or ≤ it
  (lower-is-better). Seed 002 §2: "I assume ≥".
* **Below the lowest level** (policy ``below``): ``zero`` (default: score 0, seed 002 §3
  "0 below the initial level is an assumption"), ``lowest`` (the lowest level's score) or
  ``none`` (no score). Whatever the policy, the row is flagged ``below_lowest``.
* **Gaps between bands**: thresholds are the printed *lower bounds* of the bands (DITP
  "80–84, 85–89…", seed 001 §5.4). A result in a printed gap (84.5) has not reached the next
  lower bound, so under ``step`` it keeps the lower band; under ``interpolated`` it is
  interpolated across the gap. Missing levels (DITP 1/–/3/–/5) are handled the same way.
* **Weighted total** = Σ weight × score / 100 over the KPIs that carry a weight; weights
  (%) must sum to 100 (and to ``group_weight`` within each group when given). Group subtotal
  = the same sum within a group; its maximum = Σ weight × top score / 100. (Seed 002 §3:
  performance 70, potential 30; worked example 63.75 step, 68.19 interpolated.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from planlib import charts
from planlib.inputs import checks, messages, thai
from planlib.inputs.dataset import Dataset, expect
from planlib.inputs.problems import DataError, Problem, Problems

if TYPE_CHECKING:  # a hint only: matplotlib is imported where a chart is drawn
    from matplotlib.figure import Figure

METHODS: dict[str, tuple[str, str]] = {
    "step": (
        "ขั้นบันได: ได้คะแนนของระดับสูงสุดที่ผลงานถึงเกณฑ์",
        "step: the score of the highest level whose threshold the result reaches",
    ),
    "interpolated": (
        "เทียบสัดส่วนเชิงเส้นระหว่างเกณฑ์ (ทศนิยม 4 ตำแหน่ง)",
        "linear interpolation between level thresholds, 4 decimals, capped at the top level",
    ),
}
"""Scoring methods: name → (Thai, English) description, printed next to every score."""

BELOW_POLICIES: dict[str, tuple[str, str]] = {
    "zero": ("ต่ำกว่าเกณฑ์ระดับต่ำสุด ได้ 0 คะแนน", "below the lowest level scores 0"),
    "lowest": ("ต่ำกว่าเกณฑ์ระดับต่ำสุด ได้คะแนนของระดับต่ำสุด", "below the lowest level scores the lowest level"),
    "none": ("ต่ำกว่าเกณฑ์ระดับต่ำสุด ไม่ให้คะแนน", "below the lowest level gets no score"),
}
"""What a result below the lowest threshold scores; the row is flagged in every case."""

GAP_RULE = (
    "เกณฑ์คือขอบล่างของแต่ละช่วง ผลที่อยู่ในช่องว่างระหว่างช่วงยังไม่ถึงขอบล่างของช่วงถัดไป",
    "thresholds are the lower bounds of the bands; a result in a gap between bands has not reached the next band's "
    "lower bound",
)


def _check_method(method: str, below: str) -> None:
    if method not in METHODS:
        raise ValueError(" / ".join(messages.text("unknown_method", method=method, allowed=", ".join(METHODS))))
    if below not in BELOW_POLICIES:
        allowed = ", ".join(BELOW_POLICIES)
        raise ValueError(" / ".join(messages.text("unknown_below_policy", policy=below, allowed=allowed)))


def method_text(method: str, below: str = "zero") -> str:
    """``"step (ขั้นบันได…); below the lowest level scores 0"`` — printed next to a score."""
    _check_method(method, below)
    th, en = METHODS[method]
    bth, ben = BELOW_POLICIES[below]
    return f"{method}: {th} / {en}; {bth} / {ben}"


@dataclass(frozen=True)
class Score:
    """The score of one result against one KPI's levels."""

    value: float
    score: float
    level: float  # the highest level reached (NaN below the lowest)
    label: str | None
    below_lowest: bool
    method: str
    below: str


def _reached(value: float, threshold: float, direction: str) -> bool:
    return value >= threshold if direction == "higher" else value <= threshold


def score_value(
    value: float, levels: pd.DataFrame, *, direction: str = "higher", method: str = "step", below: str = "zero"
) -> Score:
    """Score one result against a KPI's levels (``level``, ``threshold``, optional ``label``).

    Step: score = level of the highest threshold reached (≥ for higher-, ≤ for lower-is-better).
    Interpolated: score = sₖ + (v − tₖ) / (tₖ₊₁ − tₖ) × (sₖ₊₁ − sₖ) between the reached level k
    and the next one, rounded to 4 decimals; at or beyond the top threshold, the top score.
    Below the lowest threshold: policy ``below`` (module docstring). Source: seed 002 §3,
    anchors.md §5.2 (revolving-fund 1–5 interpolation).

    >>> lv = pd.DataFrame({"level": [50, 75, 100], "threshold": [59.54, 64.04, 73.04]})
    >>> score_value(61.0, lv).score, score_value(61.0, lv, method="interpolated").score
    (50.0, 58.1111)
    """
    _check_method(method, below)
    if direction not in ("higher", "lower"):
        raise ValueError(" / ".join(messages.text("unknown_direction", direction=direction)))
    ordered = levels.sort_values("level")
    scores = [float(s) for s in ordered["level"]]
    thresholds = [float(t) for t in ordered["threshold"]]
    labels = list(ordered["label"]) if "label" in ordered else [None] * len(scores)
    if not scores:
        raise ValueError(" / ".join(messages.text("required_kpi_levels")))
    value = float(value)
    reached = [i for i, t in enumerate(thresholds) if _reached(value, t, direction)]
    if not reached:
        points = {"zero": 0.0, "lowest": scores[0], "none": math.nan}[below]
        return Score(value, points, math.nan, None, True, method, below)
    k = max(reached)
    label = labels[k] if isinstance(labels[k], str) else None
    if method == "step" or k == len(scores) - 1:
        return Score(value, scores[k], scores[k], label, False, method, below)
    t0, t1, s0, s1 = thresholds[k], thresholds[k + 1], scores[k], scores[k + 1]
    points = round(s0 + (value - t0) / (t1 - t0) * (s1 - s0), 4)
    return Score(value, points, scores[k], label, False, method, below)


# ---------------------------------------------------------------- per-KPI tables


def kpi_table(plan: Dataset) -> pd.DataFrame:
    """KPIs with the columns scoring needs, direction defaulting to ``higher``, index = code."""
    kpis = plan["kpis"].copy()
    numbers = ("weight", "baseline", "group_weight", "denominator")
    for col in ("name_en", "unit", "group", "direction", "denominator_unit", *numbers):
        if col not in kpis:
            kpis[col] = math.nan if col in numbers else None
    kpis["direction"] = kpis["direction"].fillna("higher")
    return kpis.set_index("code", drop=False)


def needed_count(threshold: float, denominator: float, direction: str = "higher") -> int:
    """Smallest whole count whose share of ``denominator`` reaches ``threshold`` %.

    count = ⌈threshold × denominator / 100⌉ (higher-is-better; ⌊…⌋ when lower is better).
    Seed 002 K2: 59.54 % of 556,629 → 331,417 volunteers; 64.04 % → 356,466; 73.04 % → 406,562.
    """
    exact = round(threshold * denominator / 100, 6)  # drop float noise before rounding up
    return math.ceil(exact) if direction == "higher" else math.floor(exact)


def level_requirements(plan: Dataset) -> pd.DataFrame:
    """Every KPI level with its threshold and, for a % KPI with a fixed ``denominator``, the count needed.

    Columns: kpi_code, level, label, threshold, unit, direction, needed_count, count_unit.
    Source: ``kpi_levels`` and ``kpis.denominator``; rule of :func:`needed_count`.
    """
    kpis = kpi_table(plan)
    levels = plan["kpi_levels"]
    rows = []
    for _, lv in levels.sort_values(["kpi_code", "level"]).iterrows():
        kpi = kpis.loc[lv["kpi_code"]] if lv["kpi_code"] in kpis.index else None
        direction = "higher" if kpi is None else kpi["direction"]
        denom = math.nan if kpi is None else kpi["denominator"]
        rows.append({
            "kpi_code": lv["kpi_code"],
            "level": lv["level"],
            "label": lv.get("label"),
            "threshold": lv["threshold"],
            "unit": None if kpi is None else kpi["unit"],
            "direction": direction,
            "needed_count": needed_count(lv["threshold"], denom, direction) if pd.notna(denom) else pd.NA,
            "count_unit": None if kpi is None else kpi["denominator_unit"],
        })
    columns = ["kpi_code", "level", "label", "threshold", "unit", "direction", "needed_count", "count_unit"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["needed_count"] = frame["needed_count"].astype("Int64")
    return frame


def score_kpis(plan: Dataset, actuals: pd.DataFrame, *, method: str = "step", below: str = "zero") -> pd.DataFrame:
    """Score each KPI's result (``actuals``: ``kpi_code``, ``value``) against its levels.

    One row per KPI that has levels: value, level reached, label, score (see
    :func:`score_value`), ``method`` and ``rule`` (printed with the score), ``below_lowest``
    flag, top score, weight, weighted = weight × score / 100, and the distance to the next
    level: ``next_level``, ``next_threshold``, ``distance`` (|next threshold − value|) and,
    for a % KPI with a fixed denominator, ``next_count`` = :func:`needed_count`. KPIs without
    a result are listed with no score. Source: seed 002 §3 and §5 (calculations 2, 4–6).
    """
    _check_method(method, below)
    kpis = kpi_table(plan)
    levels = plan["kpi_levels"]
    unknown = sorted(set(actuals["kpi_code"].dropna().astype(str)) - set(kpis.index))
    if unknown:
        problems = Problems(
            Problem.of("error", "kpi_actuals", "unknown_code_kpi_result", column="kpi_code", value=code, kpi=code)
            for code in unknown
        )
        raise DataError(problems, "kpi_actuals")
    values = actuals.dropna(subset=["value"]).drop_duplicates("kpi_code", keep="last").set_index("kpi_code")["value"]
    rule = method_text(method, below)
    rows = []
    for code, lv in levels.groupby("kpi_code", sort=False):
        if code not in kpis.index:
            continue
        kpi = kpis.loc[code]
        direction = kpi["direction"]
        ordered = lv.sort_values("level")
        top = float(ordered["level"].max())
        row: dict[str, object] = {
            "kpi_code": code,
            "name_th": kpi.get("name_th"),
            "name_en": kpi.get("name_en"),
            "unit": kpi["unit"],
            "group": kpi["group"],
            "weight": kpi["weight"],
            "direction": direction,
            "value": math.nan,
            "level": math.nan,
            "level_label": None,
            "score": math.nan,
            "top_score": top,
            "weighted": math.nan,
            "below_lowest": False,
            "method": method,
            "rule": rule,
            "next_level": math.nan,
            "next_threshold": math.nan,
            "distance": math.nan,
            "next_count": pd.NA,
            "count_unit": kpi["denominator_unit"],
        }
        if code in values.index:
            result = score_value(values[code], ordered, direction=direction, method=method, below=below)
            row.update(value=result.value, level=result.level, level_label=result.label, score=result.score)
            row["below_lowest"] = result.below_lowest
            if pd.notna(kpi["weight"]) and pd.notna(result.score):
                row["weighted"] = round(float(kpi["weight"]) * result.score / 100, 4)
            ahead = [r for _, r in ordered.iterrows() if not _reached(result.value, float(r["threshold"]), direction)]
            if ahead:
                nxt = ahead[0]
                threshold = float(nxt["threshold"])
                row.update(next_level=float(nxt["level"]), next_threshold=threshold)
                row["distance"] = round(abs(threshold - result.value), 4)
                if pd.notna(kpi["denominator"]):
                    row["next_count"] = needed_count(float(nxt["threshold"]), float(kpi["denominator"]), direction)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["next_count"] = frame["next_count"].astype("Int64")
    return frame


# ---------------------------------------------------------------- scorecards


@dataclass(frozen=True)
class Scorecard:
    """A weighted KPI scorecard: per-KPI rows, group subtotals, total, and what was used."""

    kpis: pd.DataFrame
    groups: pd.DataFrame
    total: float | None  # None when the KPIs carry no weights
    max_total: float | None
    method: str
    below: str
    rule: str
    fiscal_year: int
    as_of: str  # e.g. "kpi_actuals Q2" or "kpi_history (result)"
    illustrative: bool
    unscored: pd.DataFrame | None = None  # published results left out: their unit is not the KPI's (see year_results)


Finding = checks.Finding
"""A problem not yet located in a file: (message code, row, column, value, the message's values)."""


def weight_findings(kpis: pd.DataFrame) -> list[Finding]:
    """Weights that cannot make a scorecard: the one rule, :func:`planlib.inputs.checks.kpi_weight_findings`.

    Some missing (and then nothing more), a total ≠ 100, a group ≠ its group_weight. Source: seed 002 §3.
    """
    return checks.kpi_weight_findings(kpis)


def weight_problems(kpis: pd.DataFrame) -> list[Problem]:
    """:func:`weight_findings` as problems of the ``kpis`` table."""
    return [
        Problem.of("error", "kpis", code, row=row, column=column, value=value, **values)
        for code, row, column, value, values in weight_findings(kpis)
    ]


def year_results(plan: Dataset, fiscal_year: int, quarter: int | None = None) -> tuple[pd.DataFrame, str, bool]:
    """The results to score for a fiscal year: ``kpi_actuals`` (YTD) or published ``kpi_history``.

    ``kpi_actuals`` rows of ``fiscal_year`` up to ``quarter`` (default: the latest quarter present), each KPI's
    latest, described as of the latest quarter among them (Q2 results asked for at Q4 are "Q2", to date);
    else ``kpi_history`` rows with kind ``result`` (or no kind) for that year. Returns
    (frame of kpi_code/value, description, illustrative?) — illustrative when the table came
    from the ``synthetic/`` folder.
    """
    if plan.has("kpi_actuals"):
        act = plan["kpi_actuals"]
        act = act[act["fiscal_year"] == fiscal_year]
        if not act.empty:
            q = int(act["quarter"].max()) if quarter is None else int(quarter)
            act = act[act["quarter"] <= q].sort_values("quarter")
            if not act.empty:  # results are as of the latest quarter reported, not a later one asked for
                q = int(act["quarter"].iloc[-1])
            picked = act.drop_duplicates("kpi_code", keep="last")[["kpi_code", "value"]]
            return picked.reset_index(drop=True), f"kpi_actuals Q{q}", "kpi_actuals" in plan.synthetic
    if plan.has("kpi_history"):
        hist = plan["kpi_history"]
        hist = hist[hist["fiscal_year"] == fiscal_year]
        if "kind" in hist:
            hist = hist[hist["kind"].isna() | (hist["kind"] == "result")]
        hist = hist[~other_unit(plan, hist)]
        if not hist.empty:
            picked = hist.drop_duplicates("kpi_code", keep="last")[["kpi_code", "value"]]
            return picked.reset_index(drop=True), "kpi_history", "kpi_history" in plan.synthetic
    return pd.DataFrame({"kpi_code": pd.Series(dtype="str"), "value": pd.Series(dtype="float64")}), "none", False


def is_percent(unit: object) -> bool:
    """A percentage unit: it holds ``ร้อยละ``, ``%`` or ``percent`` (``ร้อยละของแผนปฏิบัติการ…`` is one).

    The one rule for "this KPI is measured in %" (start values kept within 0–100, illustrative
    results capped at 100, units compared by :func:`unit_key`).
    """
    return isinstance(unit, str) and ("ร้อยละ" in unit or "%" in unit or "percent" in unit.lower())


def unit_key(unit: object) -> str | None:
    """A unit for comparison: any percentage unit (:func:`is_percent`, ``pct``) is ``%``; ``ระดับ (1-5)`` is ``ระดับ``."""
    if not isinstance(unit, str) or not unit.strip():
        return None
    key = re.sub(r"\s+|\(.*?\)", "", unit).lower()
    return "%" if is_percent(unit) or key == "pct" else key


LEVEL_UNITS = ("ระดับ", "level")
"""Unit keys (:func:`unit_key`) of a level KPI: a 1–5 (or 50/75/100) stage reached, not a quantity."""
MILESTONE_UNITS = frozenset({"แผน", "ฉบับ", "ระบบ", "เรื่อง", "ขั้นตอน", "milestone", "plan", "step"})
"""Unit keys of a milestone KPI: a deliverable that exists or not (tfund K4.1 "1 แผน")."""
KINDS: dict[str, tuple[str, str]] = {
    "percent": ("ร้อยละ", "percentage"),
    "level": ("ระดับ", "level"),
    "milestone": ("ผลผลิตสำเร็จ", "milestone"),
    "quantity": ("จำนวน", "quantity"),
}
"""KPI kinds by unit (:func:`kpi_kind`) → (Thai, English)."""


def kpi_kind(unit: object) -> str:
    """``percent``, ``level``, ``milestone`` or ``quantity``, from the KPI's unit.

    percent: :func:`is_percent`; level: unit ``ระดับ``/``level`` (``ระดับ (1-5)``); milestone: a deliverable
    unit (:data:`MILESTONE_UNITS`); anything else (counts, scores, months) is a quantity. Only percent and
    quantity KPIs accumulate through the year, so only they are straight-lined (:func:`project_year_end`).
    """
    key = unit_key(unit)
    if key == "%":
        return "percent"
    if key is not None and key.startswith(LEVEL_UNITS):
        return "level"
    if key in MILESTONE_UNITS:
        return "milestone"
    return "quantity"


def straight_lined(unit: object) -> bool:
    """True for a KPI that accumulates through the year (percent, quantity), so a to-date path applies."""
    return kpi_kind(unit) in ("percent", "quantity")


PROJECTION_METHOD = (
    "naive straight line: start + (YTD − start) × 4 ÷ quarter, a percentage kept within 0–100; level and "
    "milestone KPIs are not projected before Q4 / เส้นตรงอย่างง่าย: ค่าเริ่ม + (ผลสะสม − ค่าเริ่ม) × 4 ÷ ไตรมาส "
    "ร้อยละไม่เกินช่วง 0–100 ตัวชี้วัดแบบระดับและผลผลิตไม่คาดการณ์ก่อนไตรมาส 4"
)
"""The one year-end projection rule (:func:`project_year_end`), printed where a projection is shown."""


def project_year_end(start: float, result: float, quarter: int, unit: object) -> float:
    """Naive year-end projection of a year-to-date result, or NaN when the KPI cannot be projected.

    projection = start + (result − start) × 4 ÷ q (straight-line run rate; at Q4 the result itself). A
    percentage is kept within its natural bounds 0–100 (hwfund P6-68: 59.79 % at Q2 → 100, not 119.58).
    Level and milestone KPIs (:func:`kpi_kind`) are not straight-lined: before Q4 they are "not
    projectable" (NaN); a level reached is not a share of a year's work. Source: seed 002 §5 calc. 7.
    """
    if result is None or pd.isna(result):
        return math.nan
    if quarter >= 4:
        return float(result)
    if not straight_lined(unit):
        return math.nan
    value = round(float(start) + (float(result) - float(start)) * 4 / quarter, 4)
    return min(max(value, 0.0), 100.0) if kpi_kind(unit) == "percent" else value


def card_quarter(card: Scorecard) -> int | None:
    """The quarter whose year-to-date results a scorecard scores (``kpi_actuals Q2`` → 2); None otherwise."""
    found = re.fullmatch(r"kpi_actuals Q(\d)", card.as_of)
    return int(found.group(1)) if found else None


def to_date_card(card: Scorecard) -> bool:
    """True for a scorecard of results to a quarter before Q4: part of a year, not a year's result."""
    q = card_quarter(card)
    return q is not None and q < 4


def card_title(card: Scorecard, org_name: str) -> str:
    """The scorecard heading: organisation, fiscal year and, for to-date results, "as of quarter n".

    ``กรมพัฒนาสังคมและสวัสดิการ: ปีงบประมาณ 2566 · ผลสะสมถึงไตรมาส 2 / as of quarter 2``.
    """
    head = f"{org_name}: ปีงบประมาณ {card.fiscal_year}"
    q = card_quarter(card)
    if q is not None and q < 4:
        return f"{head} · ผลสะสมถึงไตรมาส {q} / as of quarter {q}"
    if q == 4:
        return f"{head} · ผลทั้งปี (ถึงไตรมาส 4) / full year (to Q4)"
    if card.as_of == "kpi_history":
        return f"{head} · ผลที่เผยแพร่ / published results"
    return head


def short_name(name: object, code: object, limit: int = 30) -> str:
    """A chart label: the Thai name cut to ``limit`` display columns, the code as a suffix.

    ``ร้อยละของอาสาสมัครพัฒนาสังคม… (K2)``. Columns are :func:`planlib.inputs.thai.display_width` (marks
    above and below take none, so a mark is never cut from its consonant); a cut name ends in ``…``;
    only the code when there is no name.
    """
    text = " ".join(str(name).split()) if isinstance(name, str) and name.strip() else ""
    return f"{cut_to_width(text, limit)} ({code})" if text else str(code)


def cut_to_width(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns (:func:`planlib.inputs.thai.display_width`), ending in ``…``.

    Thai marks above and below take no column, so a mark is never cut from its consonant.
    """
    if thai.display_width(text) <= width:
        return text
    kept = ""
    for ch in text:
        if thai.display_width(kept + ch) > width - 1:
            break
        kept += ch
    return kept.rstrip() + "…"


def other_unit(plan: Dataset, history: pd.DataFrame) -> pd.Series:
    """True for ``kpi_history`` rows whose ``unit`` is not the KPI's own unit.

    Such a row (DSDW K3 FY2565: 475,294 *households* for a KPI measured in %, seed 002 L208–214)
    cannot be scored against the KPI's thresholds, so :func:`year_results` leaves it out and the
    scorecard lists it as unscored instead of giving it a meaningless level.
    """
    if "unit" not in history or not plan.has("kpis"):
        return pd.Series(False, index=history.index)
    kpi_units = dict(zip(plan["kpis"]["code"], plan["kpis"]["unit"].map(unit_key)))
    row_units = history["unit"].map(unit_key)
    own = history["kpi_code"].map(kpi_units)
    return (row_units.notna() & own.notna() & (row_units != own)).astype(bool)


def unscored_results(plan: Dataset, fiscal_year: int) -> pd.DataFrame:
    """Published results of ``fiscal_year`` that :func:`year_results` left out for their unit."""
    if not plan.has("kpi_history"):
        return pd.DataFrame()
    hist = plan["kpi_history"]
    hist = hist[hist["fiscal_year"] == fiscal_year]
    if "kind" in hist:
        hist = hist[hist["kind"].isna() | (hist["kind"] == "result")]
    hist = hist[other_unit(plan, hist)]
    units = dict(zip(plan["kpis"]["code"], plan["kpis"]["unit"]))
    return pd.DataFrame({
        "ตัวชี้วัด / KPI": hist["kpi_code"],
        "ผลที่เผยแพร่ / published": hist["value"],
        "หน่วยของผล / its unit": hist["unit"],
        "หน่วยของตัวชี้วัด / KPI unit": hist["kpi_code"].map(units),
        "เหตุผล / reason": "หน่วยไม่ตรงกับตัวชี้วัด จึงไม่ให้คะแนน / not in the KPI's unit, so not scored",
    })


def scorecard(
    plan: Dataset,
    fiscal_year: int,
    *,
    method: str = "step",
    below: str = "zero",
    quarter: int | None = None,
    actuals: pd.DataFrame | None = None,
) -> Scorecard:
    """Weighted scorecard of a fiscal year: per-KPI scores, group subtotals and the total.

    Total = Σ weight × score / 100 (weights in %, summing to 100); group subtotal = the same
    within the group, out of Σ weight × top score / 100. Weights that do not sum (to 100, or
    to a group's ``group_weight``) raise :class:`DataError`. Without weights, or before any result, no total is
    computed (``total`` is None). Results come from ``actuals`` when given, else
    :func:`year_results`. Source: seed 002 §3 (DSDW 70/30; example 63.75 step / 68.19
    interpolated).
    """
    expect(plan, Dataset, "kpi.scorecard")
    found = weight_problems(plan["kpis"])
    if found:
        raise DataError(Problems(found), "kpis")
    unscored = None
    if actuals is None:
        actuals, as_of, illustrative = year_results(plan, fiscal_year, quarter)
        if as_of in ("kpi_history", "none"):
            unscored = unscored_results(plan, fiscal_year)
    else:
        as_of, illustrative = "given", False
    rows = score_kpis(plan, actuals, method=method, below=below)
    has_weights = not rows.empty and rows["weight"].notna().any()
    groups = pd.DataFrame(columns=["group", "weight", "subtotal", "max"])
    total = max_total = None
    if has_weights:
        rows = rows.copy()
        rows["max_weighted"] = rows["weight"] * rows["top_score"] / 100
        grouped = rows.groupby("group", sort=False, dropna=False).agg(
            weight=("weight", "sum"),
            subtotal=("weighted", lambda s: round(float(s.sum(min_count=1)), 4)),
            max=("max_weighted", "sum"),
        )
        groups = grouped.reset_index()
        max_total = float(rows["max_weighted"].sum())
        if rows["weighted"].notna().any():  # no result scored yet: no total ("no data"), never 0.0
            total = round(float(rows["weighted"].sum()), 4)
    rule = method_text(method, below)
    return Scorecard(rows, groups, total, max_total, method, below, rule, fiscal_year, as_of, illustrative, unscored)


# ---------------------------------------------------------------- checks


def kpi_level_order(dataset: Dataset) -> Iterator[Problem]:
    """Thresholds must rise with the level (fall, for lower-is-better KPIs); otherwise scoring is ambiguous."""
    levels = dataset.tables.get("kpi_levels")
    kpis = dataset.tables.get("kpis")
    if levels is None or levels.empty:
        return
    directions = {}
    if kpis is not None and "direction" in kpis:
        directions = dict(zip(kpis["code"], kpis["direction"].fillna("higher")))
    for code, part in levels.dropna(subset=["level", "threshold"]).groupby("kpi_code"):
        direction = directions.get(code, "higher")
        ordered = part.sort_values("level")
        steps = ordered["threshold"].diff().iloc[1:]
        bad = steps <= 0 if direction == "higher" else steps >= 0
        side, side_th = ("above", "สูงกว่า") if direction == "higher" else ("below", "ต่ำกว่า")
        for row in steps.index[bad.to_numpy()]:
            yield checks.located(dataset, "error", "level_order", "kpi_levels", row, "threshold",
                                 f"{ordered.loc[row, 'threshold']:g}", kpi=code, direction=direction,
                                 level=ordered.loc[row, "level"], side=side, side_th=side_th)


def kpi_group_weights(dataset: Dataset) -> Iterator[Problem]:
    """Weights within a group must sum to the group's ``group_weight`` (DSDW performance 70 / potential 30)."""
    kpis = dataset.tables.get("kpis")
    if kpis is None or "group_weight" not in kpis or kpis["group_weight"].isna().all():
        return
    for code, row, column, value, values in weight_findings(kpis):
        if code in checks.GROUP_WEIGHT_CODES:
            yield checks.located(dataset, "error", code, "kpis", row, column, value, **values)


# ---------------------------------------------------------------- tables for reports

DIRECTION_TH = {"higher": "ยิ่งมากยิ่งดี", "lower": "ยิ่งน้อยยิ่งดี"}


def scorecard_table(card: Scorecard) -> pd.DataFrame:
    """The scorecard's KPI rows with bilingual headers (the method is printed once, in :attr:`Scorecard.rule`)."""
    rows = card.kpis
    if rows.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "ตัวชี้วัด / KPI": rows["kpi_code"],
        "ชื่อ / name": rows["name_th"],
        "กลุ่ม / group": rows["group"],
        "น้ำหนัก / weight %": rows["weight"],
        "ผล / result": rows["value"],
        "หน่วย / unit": rows["unit"],
        "ระดับที่ได้ / level": rows["level"],
        "คะแนน / score": rows["score"],
        "ถ่วงน้ำหนัก / weighted": rows["weighted"],
        "ต่ำกว่าระดับต่ำสุด / below lowest": rows["below_lowest"],
    })


def group_table(card: Scorecard) -> pd.DataFrame:
    """Group subtotals out of their maxima, and the total (one row each)."""
    if card.total is None:
        return pd.DataFrame()
    frame = pd.DataFrame({
        "กลุ่ม / group": list(card.groups["group"].fillna("–")) + ["รวม / total"],
        "น้ำหนัก / weight %": list(card.groups["weight"]) + [float(card.groups["weight"].sum())],
        "คะแนนถ่วงน้ำหนัก / weighted score": list(card.groups["subtotal"]) + [card.total],
        "คะแนนเต็ม / maximum": list(card.groups["max"]) + [card.max_total],
    })
    return frame


def next_level_table(card: Scorecard) -> pd.DataFrame:
    """Distance to the next level per KPI: the value (and count, for a fixed denominator) needed."""
    rows = card.kpis
    if rows.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "ตัวชี้วัด / KPI": rows["kpi_code"],
        "ผล / result": rows["value"],
        "ระดับที่ได้ / level": rows["level"],
        "ระดับถัดไป / next level": rows["next_level"],
        "เกณฑ์ระดับถัดไป / next threshold": rows["next_threshold"],
        "ยังขาด / distance": rows["distance"],
        "จำนวนที่ต้องได้ / count needed": rows["next_count"],
        "หน่วยนับ / count unit": rows["count_unit"],
    })


def compare_methods(
    plan: Dataset,
    fiscal_year: int,
    *,
    below: str = "zero",
    quarter: int | None = None,
    actuals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Step and interpolated scores side by side per KPI, with both totals (what-if)."""
    cards = {m: scorecard(plan, fiscal_year, method=m, below=below, quarter=quarter, actuals=actuals) for m in METHODS}
    step, interp = cards["step"].kpis, cards["interpolated"].kpis
    if step.empty:
        return pd.DataFrame()
    frame = pd.DataFrame({
        "ตัวชี้วัด / KPI": step["kpi_code"],
        "ผล / result": step["value"],
        "คะแนนขั้นบันได / step score": step["score"],
        "คะแนนเชิงเส้น / interpolated score": interp["score"],
    })
    if cards["step"].total is not None:
        total = pd.DataFrame({
            "ตัวชี้วัด / KPI": ["รวมถ่วงน้ำหนัก / weighted total"],
            "ผล / result": [math.nan],
            "คะแนนขั้นบันได / step score": [cards["step"].total],
            "คะแนนเชิงเส้น / interpolated score": [cards["interpolated"].total],
        })
        frame = pd.concat([frame, total], ignore_index=True)
    return frame


def scorecard_chart(
    card: Scorecard, *, title: str = "", source: str = "", to_date: pd.DataFrame | None = None
) -> Figure:
    """Each KPI's score as a share of its top score, one horizontal bar per KPI.

    Bar length = score / top score × 100 (%); the label prints ``score/top`` and the level
    reached. Colours: green = top level, amber = a level below the top, red = below the lowest
    level, grey = no result yet (no bar). For a card of to-date results (:func:`to_date_card`) the
    colour is the KPI's status against its target to date and the label adds the projected year-end
    level, both from ``to_date`` (:func:`planlib.plans.progress.scorecard_to_date`), so a to-date
    result below a year-end level is not red by construction. Axis labels are short Thai names with
    the code as a suffix (:func:`short_name`). Source: the same rows as :func:`scorecard_table`.
    """
    rows = card.kpis
    height = max(2.6, 0.42 * len(rows) + 1.4)
    partial = to_date_card(card)
    title = title or "คะแนนรายตัวชี้วัด / KPI scores"
    if partial and "ไตรมาส" not in title:
        title += f" (ผลสะสมถึงไตรมาส {card_quarter(card)} / as of quarter {card_quarter(card)})"
    fig, ax = charts.figure(title, xlabel="ร้อยละของคะแนนเต็ม (%)", source=source, size=(8.5, height))
    later = to_date.set_index("kpi_code") if to_date is not None and not to_date.empty else None
    labels, shares, colours, notes = [], [], [], []
    for _, r in rows.iterrows():
        labels.append(short_name(r.get("name_th"), r["kpi_code"]))
        if pd.isna(r["value"]) or pd.isna(r["score"]):
            shares.append(0.0)
            colours.append(charts.RAG_COLOURS["grey"])
            notes.append("ไม่มีผล / no result")
            continue
        share = 100 * float(r["score"]) / float(r["top_score"]) if r["top_score"] else 0.0
        shares.append(share)
        level = "ต่ำกว่าระดับต่ำสุด" if r["below_lowest"] else f"ระดับ {r['level']:g}"
        note = f"{r['score']:g}/{r['top_score']:g} · {level}"
        if partial and later is not None and r["kpi_code"] in later.index:
            ahead = later.loc[r["kpi_code"]]
            colours.append(charts.RAG_COLOURS.get(str(ahead["rag"]), charts.RAG_COLOURS["grey"]))
            projected = ahead["projected_level"]
            if pd.notna(projected):
                note += f" → สิ้นปี ระดับ {projected:g}"
            elif pd.notna(ahead["projected_score"]):
                note += " → สิ้นปี ต่ำกว่าระดับต่ำสุด"
            notes.append(note)
            continue
        if partial:
            colours.append(charts.RAG_COLOURS["grey"])
        elif r["below_lowest"]:
            colours.append(charts.RAG_COLOURS["red"])
        elif share >= 100:
            colours.append(charts.RAG_COLOURS["green"])
        else:
            colours.append(charts.RAG_COLOURS["amber"])
        notes.append(note)
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, shares, color=colours)
    for y, share, note, colour in zip(positions, shares, notes, colours):
        below = colour == charts.RAG_COLOURS["red"]
        ax.text(min(share, 100) + 1.5, y, note, va="center", fontsize=8, color=colour if below else "#333333")
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_xlim(0, 160 if partial else 135)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.grid(axis="y", visible=False)
    return fig


def scorecard_chart_alt(card: Scorecard) -> str:
    """Alt text of :func:`scorecard_chart`: what it shows, and per KPI the score out of the top and the level."""
    rows = card.kpis
    scored = rows[rows["score"].notna() & rows["value"].notna()] if not rows.empty else rows
    q = card_quarter(card)
    when = f"results to quarter {q}" if to_date_card(card) else "results of the year"
    parts = [
        f"{r['kpi_code']} {r['score']:g} of {r['top_score']:g}"
        + (" (below the lowest level)" if r["below_lowest"] else f" (level {r['level']:g})")
        for _, r in scored.iterrows()
    ]
    missing = len(rows) - len(scored)
    tail = f"; {missing} KPIs without a result" if missing else ""
    return (
        f"Bar chart of each KPI's score as a share of its top score, fiscal year {card.fiscal_year}, {when}: "
        + "; ".join(parts)
        + tail
        + "."
    )
