"""Page 1 of the plan reports: 4–6 key figures per template and a verdict generated from them by stated rules.

One pair of functions per report template, each figure computed by the function the report's own
tables use (so page 1 and the body never disagree):

* ``swot``: the top-scored item of each quadrant (:func:`planlib.plans.swot.ranked_items`, rank 1 by the
  printed score) and the strategic position in David's IE matrix (:func:`planlib.plans.ife_efe.ie_cell`)
  **only** when the plan gives its own IFE/EFE weights and ratings (or the analyst a weights file,
  shown as a what-if); otherwise the position is "not scored" and says why (a derived EFE total is
  2.00 by construction, :data:`planlib.plans.ife_efe.RATING_RULE`).
* ``prioritization``: the top project, the top three, projects sharing a total
  (:func:`planlib.plans.priority.prioritize`, :func:`~planlib.plans.priority.ties`), and how firm the top
  rank is: the smallest single-weight change that makes ranks 1 and 2 tie (Triantaphyllou & Sánchez
  1997, :func:`planlib.plans.sensitivity.most_critical`) and the top project's P(rank 1) under random
  weights (SMAA-2, :func:`planlib.plans.sensitivity.rank_acceptability`, the report's seed and top k).
* ``whatif``: what moved (:func:`planlib.plans.whatif.whatif`: criteria changed, projects whose rank
  changed, the top project, bands changed, Kendall τ-b); with no scenario: "no scenario set" and the
  stability analysis the report shows (the most sensitive criterion from
  :func:`~planlib.plans.sensitivity.stability_intervals`, the smallest critical change, P(rank 1)
  around the weights).
* ``kpi_scorecard``: the weighted total of :func:`planlib.plans.kpi.scorecard` (with the previous year's
  when both years score full-year results), the level the total reaches on the KPIs' common level
  scale, KPIs at their top level, KPIs below their lowest level and the group subtotals.
* ``quarterly_progress``: KPIs on track as RAG counts (:func:`planlib.plans.progress.kpi_progress`),
  activities done of those due, budget spent with how many projects reported spending, lending
  against the credit line, and the largest slippage (:func:`planlib.plans.progress.quarterly_progress`),
  each against the previous quarter of the same fiscal year. Missing data are never performance: no
  ``spending`` rows → budget "no data" (never 0 %); no activity status at all (no ``activity_status``
  row and no done month or progress typed) → activities "no data" (never overdue).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from planlib.inputs.dataset import Plan
from planlib.inputs.key_figure import (
    Change,
    Coverage,
    KeyFigure,
    Pair,
    absent,
    figure,
    find,
    fiscal_year_text,
    plan_period_text,
    quarter_text,
    signed,
    verdict_text,
)
from planlib.plans import ife_efe, kpi, priority, progress, sensitivity, swot, whatif

STABLE_SHARE = 90.0
"""P(rank 1) in % at or above which the top rank is called firm (rule of :func:`prioritization_verdict`)."""
FRAGILE_SHARE = 50.0
"""P(rank 1) in % below which the top rank is called fragile; between the two it is fairly firm."""


def plan_period(plan: Plan) -> Pair:
    """The plan's period in BE (``แผนปี 2566–2570``), from the plan sheet's first and last fiscal year."""
    info = plan.info
    first = info.get("period_start_fy") or info.get("fiscal_year")
    last = info.get("period_end_fy") or info.get("fiscal_year")
    return plan_period_text(first, last)  # type: ignore[arg-type]


def _one_line(text: object, limit: int = 90) -> str:
    """A table text on one line, cut at a space near ``limit`` characters (``…`` marks the cut)."""
    line = " ".join(str(text or "").split())
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    return line[: cut if cut > limit // 2 else limit].rstrip() + " …"


# ---------------------------------------------------------------- swot


SWOT_NOT_SCORED: dict[str, tuple[Pair, Pair]] = {
    "scores_only": (
        (
            "แผนพิมพ์คะแนนรายข้อ แต่ไม่ได้ให้น้ำหนักและคะแนน (rating) ของ IFE/EFE จึงไม่ระบุตำแหน่งเชิงกลยุทธ์ "
            "(ค่า EFE ที่สมมติขึ้นจะเท่ากับ 2.00 โดยการสร้าง ไม่ได้มาจากแผน)",
            "the plan prints item scores but no IFE/EFE weights and ratings, so no strategic position is given "
            "(a derived EFE total would be 2.00 by construction, not the plan's)",
        ),
        ("แผนไม่ได้ให้น้ำหนักและคะแนน (rating) ของ IFE/EFE", "the plan gives no IFE/EFE weights and ratings"),
    ),
    "nothing": (
        (
            "แผนไม่ได้ให้คะแนน น้ำหนัก หรือคะแนน (rating) ของแต่ละข้อ จึงไม่ระบุตำแหน่งเชิงกลยุทธ์",
            "the plan gives no score, weight or rating for its items, so no strategic position is given",
        ),
        ("แผนไม่ได้ให้คะแนนรายข้อ", "the plan scores none of its items"),
    ),
    "no_factors": (
        (
            "ไม่มีปัจจัยภายใน (S/W) หรือภายนอก (O/T) ครบทั้งสองด้าน จึงไม่มีตำแหน่งใน IE matrix",
            "internal (S/W) or external (O/T) factors are missing, so there is no IE-matrix position",
        ),
        ("ปัจจัยภายในหรือภายนอกไม่ครบ", "internal or external factors are missing"),
    ),
    "out_of_range": (
        (
            "คะแนนรวม IFE หรือ EFE อยู่นอกช่วง 1–4 จึงระบุช่องใน IE matrix ไม่ได้",
            "the IFE or EFE total is outside 1–4, so no IE-matrix cell can be given",
        ),
        ("คะแนนรวม IFE หรือ EFE อยู่นอกช่วง 1–4", "the IFE or EFE total is outside 1–4"),
    ),
}
"""Why the IE position is absent: reason → (the figure's note, the few words the verdict uses)."""

SINGULAR_EN = {"S": "strength", "W": "weakness", "O": "opportunity", "T": "threat"}


def _top_item(items: pd.DataFrame, quadrant: str, period: Pair) -> KeyFigure:
    """The rank-1 item(s) of a quadrant by printed score; "not scored" when the quadrant prints no score."""
    name_th, name_en = swot.QUADRANT_NAMES[quadrant]
    key, label = f"top_{quadrant}", (f"{name_th}อันดับ 1", f"top {SINGULAR_EN[quadrant]}")
    part = items[items["quadrant"] == quadrant]
    if part.empty:
        return absent(key, label, "ข้อ", period, "no data", (f"ไม่มี{name_th}ในแผน", f"no {name_en.lower()} listed"))
    scored = part[part["score"].notna()]
    if scored.empty:
        why = (
            f"{len(part)} ข้อ แผนไม่ได้พิมพ์คะแนนของแต่ละข้อ",
            f"{len(part)} items; the plan prints no score per item",
        )
        return absent(key, label, "ข้อ", period, "not scored", why)
    top = scored[scored["rank"] == 1]
    score = float(top["score"].iloc[0])
    if len(top) == 1:
        text_en = top["text_en"].iloc[0] if "text_en" in top else ""
        note = (f"{_one_line(top['text_th'].iloc[0])} (คะแนน {score:.2f})", f"{_one_line(text_en)} (score {score:.2f})")
    else:
        note = (f"{len(top)} ข้อได้คะแนนเท่ากัน {score:.2f}", f"{len(top)} items share the top score {score:.2f}")
    coverage = None if len(scored) == len(part) else Coverage(len(scored), len(part), "ข้อ", "items")
    codes = ", ".join(str(c) for c in top["code"])
    return figure(key, label, codes, "", period, note, coverage=coverage)


def _ie_position(plan: Plan, weights_file: str | Path | None, period: Pair) -> KeyFigure:
    """The IE cell when the plan (or the analyst's weights file) gives weights and ratings; else "not scored"."""
    key, label = "position", ("ตำแหน่งเชิงกลยุทธ์ (IE matrix)", "strategic position (IE matrix)")
    ife, efe = ife_efe.factor_matrices(plan.swot, weights_file=ife_efe.resolve_weights_file(weights_file, plan.path))
    given = {"plan", "weights_file"}
    reason = ""
    if ife is None or efe is None:
        reason = "no_factors"
    elif ife.basis not in given or efe.basis not in given:
        reason = "scores_only" if swot.has_scores(plan.swot) else "nothing"
    else:
        try:
            cell = ife_efe.ie_cell(ife.total, efe.total)
        except ValueError:
            reason = "out_of_range"
    if reason:
        return absent(key, label, "", period, "not scored", SWOT_NOT_SCORED[reason][0])
    assert ife is not None and efe is not None
    totals = f"IFE {ife.total:.2f}, EFE {efe.total:.2f}"
    note = (f"{cell.region_label('th')} ({totals})", f"{cell.region_label('en')} ({totals})")
    from_file = "weights_file" in (ife.basis, efe.basis)
    if from_file:
        note = (
            f"{note[0]}; น้ำหนักและคะแนนจากไฟล์ของผู้วิเคราะห์ ไม่ใช่ของแผน",
            f"{note[1]}; weights and ratings from the analyst's file, not the plan's",
        )
    return figure(
        key,
        label,
        f"ช่อง {cell.roman}",
        "",
        period,
        note,
        value_en=f"cell {cell.roman}",
        status="what-if" if from_file else None,
    )


def swot_key_figures(plan: Plan, *, weights_file: str | Path | None = None) -> list[KeyFigure]:
    """The top-scored item of S, W, O and T, and the IE-matrix position where the plan scores its items.

    Keys: top_S, top_W, top_O, top_T, position (module docstring). ``weights_file`` is the swot
    report's optional what-if file of weights and ratings (:func:`planlib.plans.ife_efe.read_weights_file`).
    A plan without a SWOT gets one figure, key swot, status "no data".
    """
    period = plan_period(plan)
    if not plan.has("swot"):
        return [
            absent(
                "swot",
                ("SWOT", "SWOT"),
                "ข้อ",
                period,
                "no data",
                ("แผนนี้ไม่มีการวิเคราะห์ SWOT", "the plan has no SWOT analysis"),
            )
        ]
    items = swot.ranked_items(plan.swot)
    return [*(_top_item(items, q, period) for q in swot.QUADRANTS), _ie_position(plan, weights_file, period)]


def swot_verdict(figures: Sequence[KeyFigure]) -> Pair:
    """The SWOT verdict, by two rules.

    1. Top items: the quadrants whose items are scored list their rank-1 code (``จุดแข็ง S3``); quadrants
       without scores are named as such; with no score at all the verdict says the plan ranks none.
    2. Position: the IE cell and its strategy region when scored (marked what-if when from the
       analyst's file), else "no strategic position" and the reason in a few words.
    """
    if find(figures, "swot") is not None:
        return "แผนนี้ไม่มีการวิเคราะห์ SWOT", "the plan has no SWOT analysis"
    tops = [f for q in swot.QUADRANTS if (f := find(figures, f"top_{q}")) is not None]
    named = [(f, swot.QUADRANT_NAMES[f.key[-1]]) for f in tops if not f.missing]
    unscored = [swot.QUADRANT_NAMES[f.key[-1]] for f in tops if f.status == "not scored"]
    if named:
        first = (
            "คะแนนสูงสุดในแต่ละกลุ่ม: " + ", ".join(f"{th} {f.value}" for f, (th, _) in named),
            "top-scored items: " + ", ".join(f"{en.lower()} {f.value}" for f, (_, en) in named),
        )
        if unscored:
            first = (
                first[0] + " (ไม่มีคะแนน: " + ", ".join(th for th, _ in unscored) + ")",
                first[1] + " (no scores: " + ", ".join(en.lower() for _, en in unscored) + ")",
            )
    else:
        first = ("แผนไม่ได้ให้คะแนนรายข้อ จึงไม่จัดอันดับข้อในแต่ละกลุ่ม", "the plan scores no item, so none is ranked")
    position = find(figures, "position")
    second = ("", "")
    if position is not None and position.missing:
        reason = next((k for k, (note, _) in SWOT_NOT_SCORED.items() if note[0] == position.note), "nothing")
        short = SWOT_NOT_SCORED[reason][1]
        second = (f"ไม่ระบุตำแหน่งเชิงกลยุทธ์: {short[0]}", f"no strategic position: {short[1]}")
    elif position is not None:
        second = (
            f"ตำแหน่งใน IE matrix {position.value_text('th')}: {position.note}",
            f"IE-matrix position {position.value_text('en')}: {position.note_en}",
        )
    return verdict_text([first, second], figures)


# ---------------------------------------------------------------- prioritization and what-if


NOT_RANKED: dict[str, Pair] = {
    "importance_only": (
        "แผนระบุเพียงระดับความสำคัญ (ดาว) ไม่มีเกณฑ์และคะแนน จึงจัดอันดับไม่ได้",
        "the plan marks only an importance level (stars), with no criteria or scores: no ranking",
    ),
    "criteria_only": (
        "แผนระบุเกณฑ์ แต่ไม่ได้ให้คะแนนโครงการตามเกณฑ์ จึงจัดอันดับไม่ได้",
        "the plan lists criteria but scores no project against them: no ranking",
    ),
    "nothing": ("แผนไม่มีการจัดลำดับความสำคัญของโครงการ", "the plan does not prioritise its projects"),
}
"""Why a plan without scores has no ranking, by :func:`planlib.plans.priority.what_exists`."""

TOP_LABEL = ("อันดับ 1", "top project")


def _not_ranked(plan: Plan, what: str) -> list[KeyFigure]:
    return [absent("top", TOP_LABEL, "", plan_period(plan), "not scored", NOT_RANKED[what])]


def _top_figure(result: pd.DataFrame, period: Pair, before: pd.DataFrame | None = None) -> KeyFigure:
    """The rank-1 project(s) with name, total and band; with ``before`` (the baseline), a change against its top."""
    top = result[result["rank"] == 1]
    total = float(top["total"].iloc[0])
    band = top["band"].iloc[0]
    band_th = f" · {band}" if isinstance(band, str) else ""
    if len(top) == 1:
        name_en = top["name_en"].iloc[0] if "name_en" in top else ""
        note = (
            f"{_one_line(top['name_th'].iloc[0])} · คะแนนรวม {total:g}{band_th}",
            f"{_one_line(name_en)} · total {total:g}",
        )
    else:
        note = (
            f"{len(top)} โครงการคะแนนรวมเท่ากัน {total:g}{band_th}",
            f"{len(top)} projects share the total {total:g}",
        )
    codes = ", ".join(str(c) for c in top["project_code"])
    change = None
    if before is not None:
        change = Change(", ".join(str(c) for c in before.loc[before["rank"] == 1, "project_code"]), "แผน", "the plan")
    return figure("top", TOP_LABEL, codes, "", period, note, change=change)


def previous_top(top: KeyFigure) -> str:
    """The baseline's top project(s) of a what-if ``top`` figure when the top changed; ``""`` when it did not."""
    if top.change is None or top.change.previous == top.value:
        return ""
    return str(top.change.previous)


def _top3_figure(result: pd.DataFrame, period: Pair) -> KeyFigure:
    """Projects ranked 1–3 (more than three when ties share a rank), in rank order."""
    top = result[result["rank"] <= 3]
    codes = ", ".join(str(c) for c in top["project_code"])
    ranks = ", ".join(f"{c} (#{r})" for c, r in zip(top["project_code"], top["rank"]))
    return figure("top3", ("3 อันดับแรก", "top three"), codes, "", period, (f"อันดับ: {ranks}", f"ranks: {ranks}"))


def _ties_figure(result: pd.DataFrame, period: Pair) -> KeyFigure:
    """How many projects share a total with another (:func:`planlib.plans.priority.ties`)."""
    groups = priority.ties(result)
    count = int(groups["count"].sum()) if not groups.empty else 0
    listed = "; ".join(f"{t:g}: {p}" for t, p in zip(groups["total"], groups["projects"]))
    note = (f"คะแนนรวม {listed}", f"totals {listed}") if count else ("ไม่มีโครงการที่คะแนนรวมเท่ากัน", "none")
    return figure("ties", ("คะแนนรวมเท่ากัน", "projects sharing a total"), count, "โครงการ", period, note)


def _criterion_name(scoring: priority.Scoring, code: str, lang: str) -> str:
    column = "name_th" if lang == "th" else "name_en"
    name = scoring.criteria[column].get(code) if column in scoring.criteria else None
    return f"{name} ({code})" if isinstance(name, str) and name.strip() else str(code)


CRITICAL_LABEL = (
    "การเปลี่ยนน้ำหนักเกณฑ์เดียวที่น้อยที่สุดที่ทำให้อันดับ 1 เปลี่ยน",
    "smallest single-weight change that changes the top rank",
)


def _critical_figure(
    scoring: priority.Scoring, weights: Mapping[str, float] | None, tie_break: str, period: Pair
) -> KeyFigure:
    """Smallest change (% of one criterion's weight) that makes ranks 1 and 2 tie; ∞ when no single weight can."""
    if len(scoring.scores) < 2:
        return absent("critical", CRITICAL_LABEL, "%", period, "no data", ("มีโครงการเดียว", "only one project"))
    summary = sensitivity.most_critical(sensitivity.critical_changes(scoring, weights, tie_break=tie_break))
    first = summary[summary["rank"] == 1].iloc[0]
    upper, lower = first["upper"], first["lower"]
    if pd.isna(first["criterion"]):
        note = (
            f"ไม่มีการเปลี่ยนน้ำหนักเกณฑ์เดียวที่ทำให้ {lower} แซง {upper}",
            f"no single weight change lets {lower} overtake {upper}",
        )
        return figure("critical", CRITICAL_LABEL, math.inf, "%", period, note, decimals=1)
    pct = float(first["delta_pct"])
    if pct == 0:
        note = (f"{upper} และ {lower} คะแนนเท่ากันอยู่แล้ว", f"{upper} and {lower} are already tied")
        return figure("critical", CRITICAL_LABEL, 0.0, "%", period, note, decimals=1)
    code, new = str(first["criterion"]), float(first["new_weight"])
    old = new - float(first["delta_weight"])
    verb = ("เพิ่ม", "raising") if pct > 0 else ("ลด", "lowering")
    note = (
        f"{verb[0]}น้ำหนัก{_criterion_name(scoring, code, 'th')} {old:g} → {new:g} ทำให้ {lower} เท่ากับ {upper}",
        f"{verb[1]} the weight of {_criterion_name(scoring, code, 'en')} {old:g} → {new:g} ties {lower} with {upper}",
    )
    return figure("critical", CRITICAL_LABEL, abs(pct), "%", period, note, decimals=1)


ACCEPTABILITY_NOTES: dict[str, Pair] = {
    "dirichlet": ("สุ่มชุดน้ำหนัก {n:,} ชุด ทุกชุดมีโอกาสเท่ากัน", "{n:,} random weight sets, all equally likely"),
    "uniform": ("สุ่มชุดน้ำหนัก {n:,} ชุด แต่ละน้ำหนัก 0–1", "{n:,} random weight sets, each weight 0–1"),
    "around": ("สุ่มชุดน้ำหนัก {n:,} ชุด รอบน้ำหนัก{whose}", "{n:,} random weight sets around {whose}"),
}
"""The page-1 note of the acceptability figure, one plain line per sampler of
:func:`planlib.plans.sensitivity.rank_acceptability`. The method itself (Dirichlet, concentration, seed)
is in the report's acceptability table caption (:func:`planlib.plans.sensitivity.method_text`)."""
AROUND_PLAN: Pair = ("ของแผน", "the plan's weights")
AROUND_SCENARIO: Pair = ("ที่ปรับ", "the what-if weights")


def _acceptability_figure(
    acc: sensitivity.Acceptability, result: pd.DataFrame, period: Pair, around: Pair = AROUND_PLAN
) -> KeyFigure:
    """P(rank 1) in % of the (first) top project under the sampled weights; ``around`` names the weights that
    an ``around`` sample is centred on."""
    code = str(result.loc[result["rank"] == 1, "project_code"].iloc[0])
    share = 100 * float(acc.table.loc[code, 1])
    label = (f"โอกาสที่โครงการ {code} ได้อันดับ 1", f"chance project {code} ranks first")
    th, en = ACCEPTABILITY_NOTES[acc.method]
    note = (th.format(n=acc.n_samples, whose=around[0]), en.format(n=acc.n_samples, whose=around[1]))
    return figure("acceptability", label, share, "%", period, note, decimals=1, higher_is_better=True)


def prioritization_key_figures(
    plan: Plan, *, tie_break: str = "shared", top_k: int = 5, seed: int = 2568
) -> list[KeyFigure]:
    """Top project, top three, projects sharing a total, smallest critical weight change, P(rank 1).

    ``tie_break``, ``top_k`` and ``seed`` are the prioritization report's parameters, so P(rank 1) is
    the number its rank-acceptability table shows. A plan without scores gets one "not scored"
    figure saying why. Keys: top, top3, ties, critical, acceptability.
    """
    what = priority.what_exists(plan)
    if what != "scores":
        return _not_ranked(plan, what)
    period = plan_period(plan)
    scoring = priority.scoring(plan)
    result = priority.prioritize(scoring, tie_break=tie_break)
    acc = sensitivity.rank_acceptability(scoring, seed=seed, top_k=top_k)
    return [
        _top_figure(result, period),
        _top3_figure(result, period),
        _ties_figure(result, period),
        _critical_figure(scoring, None, tie_break, period),
        _acceptability_figure(acc, result, period),
    ]


def _stability_clause(figures: Sequence[KeyFigure]) -> Pair:
    """How firm the top rank is: P(rank 1) ≥ 90 % firm, < 50 % fragile, else fairly firm; then the critical change."""
    acc, critical = find(figures, "acceptability"), find(figures, "critical")
    if acc is None or acc.number is None:
        return "", ""
    if acc.number >= STABLE_SHARE:
        lead = ("อันดับ 1 มั่นคง", "the top rank is firm")
    elif acc.number >= FRAGILE_SHARE:
        lead = ("อันดับ 1 ค่อนข้างมั่นคง", "the top rank is fairly firm")
    else:
        lead = ("อันดับ 1 ไม่มั่นคง", "the top rank is fragile")
    th = f"{lead[0]}: ได้อันดับ 1 ใน {acc.value_text('th')} ของชุดน้ำหนักสุ่ม"
    en = f"{lead[1]}: first in {acc.value_text('en')} of random weight sets"
    if critical is None or critical.number is None:
        return th, en
    if math.isinf(critical.number):
        return (
            f"{th} และไม่มีการเปลี่ยนน้ำหนักเกณฑ์เดียวที่เปลี่ยนอันดับ 1 ได้",
            f"{en}, and no single weight change alters it",
        )
    if critical.number == 0:
        return f"{th} แต่อันดับ 1 และ 2 คะแนนเท่ากันอยู่แล้ว", f"{en}, but ranks 1 and 2 are already tied"
    return (
        f"{th} และต้องเปลี่ยนน้ำหนักเกณฑ์เดียวอย่างน้อย {critical.value_text('th')} จึงจะเปลี่ยน",
        f"{en}; a single weight must change by at least {critical.value_text('en')} to alter it",
    )


def _top_clause(figure: KeyFigure | None) -> Pair:
    if figure is None:
        return "", ""
    if figure.missing:
        return figure.note, figure.note_en
    codes = str(figure.value)
    if "," in codes:
        return f"โครงการ {codes} ได้อันดับ 1 ร่วมกัน", f"projects {codes} share the top rank"
    return f"โครงการ {codes} ได้อันดับ 1", f"project {codes} ranks first"


def prioritization_verdict(figures: Sequence[KeyFigure]) -> Pair:
    """The prioritization verdict, by three rules.

    1. Top: "project X ranks first" (or "projects X, Y share the top rank"); without scores, why not.
    2. Stability: P(rank 1) ≥ :data:`STABLE_SHARE` % → firm, < :data:`FRAGILE_SHARE` % → fragile, else
       fairly firm; then the smallest single-weight change that alters the top (none can, already
       tied, or at least x %).
    3. Ties: "n projects share a total" when any do.
    """
    ties = find(figures, "ties")
    tie_clause = ("", "")
    if ties is not None and ties.number:
        tie_clause = (f"คะแนนรวมเท่ากัน {ties.value_text('th')}", f"{ties.value_text('en')} share a total")
    return verdict_text([_top_clause(find(figures, "top")), _stability_clause(figures), tie_clause], figures)


SENSITIVE_LABEL = ("เกณฑ์ที่อ่อนไหวที่สุด", "most sensitive criterion")


def _sensitive_figure(scoring: priority.Scoring, intervals: pd.DataFrame, top_k: int, period: Pair) -> KeyFigure:
    """The criterion whose weight share has the narrowest interval keeping the ordered top k (ties: first listed)."""
    usable = intervals[intervals["width"].notna()]
    if usable.empty or (usable["width"] >= 1 - 1e-12).all():
        note = (f"น้ำหนักเกณฑ์ใดก็ไม่ทำให้ {top_k} อันดับแรกเปลี่ยน", f"no single weight changes the top {top_k}")
        return figure("sensitive", SENSITIVE_LABEL, "ไม่มี", "", period, note, value_en="none")
    row = usable.loc[usable["width"].idxmin()]
    code = str(row["criterion"])
    share, low, high = 100 * row["share"], 100 * row["share_low"], 100 * row["share_high"]
    note = (
        f"{_criterion_name(scoring, code, 'th')}: สัดส่วนน้ำหนัก {share:.1f} % "
        f"{top_k} อันดับแรกคงเดิมในช่วง {low:.1f}–{high:.1f} %",
        f"{_criterion_name(scoring, code, 'en')}: weight share {share:.1f} %; "
        f"the top {top_k} hold between {low:.1f} and {high:.1f} %",
    )
    return figure("sensitive", SENSITIVE_LABEL, code, "", period, note)


def whatif_key_figures(
    plan: Plan,
    weights: Mapping[str, float] | None = None,
    *,
    tie_break: str = "shared",
    top_k: int = 5,
    seed: int = 2568,
) -> list[KeyFigure]:
    """What moved under the scenario weights; with none (or weights equal to the plan's), "no scenario" and stability.

    With a scenario (keys): scenario (criteria whose weight changed, status what-if), moved (projects
    whose rank changed, of those ranked), top (the scenario's top project; :func:`previous_top` gives
    the baseline's when it changed), bands (projects whose band changed), tau (Kendall τ-b),
    acceptability (P(rank 1) around the new weights). Without: scenario (status "no scenario"), top,
    sensitive (the criterion with the narrowest stability interval of the ordered top ``top_k``),
    critical and acceptability (around the plan's weights): the numbers of the whatif report's
    stability tables, with its ``tie_break``, ``top_k`` and ``seed``.
    """
    what = priority.what_exists(plan)
    if what != "scores":
        return _not_ranked(plan, what)
    period = plan_period(plan)
    scoring = priority.scoring(plan)
    result = whatif.whatif(scoring, dict(weights or {}), tie_break=tie_break)
    new_weights = whatif.scenario_weights(scoring, dict(weights or {}))
    changed = result.weights[result.weights["weight_before"] != result.weights["weight_after"]]
    acc = sensitivity.rank_acceptability(result.scoring, new_weights, seed=seed, top_k=top_k, method="around")
    around = AROUND_PLAN if changed.empty else AROUND_SCENARIO
    acceptability = _acceptability_figure(acc, result.scenario, period, around)
    if changed.empty:
        if weights:
            note = ("น้ำหนักที่กำหนดเท่ากับของแผน อันดับจึงเท่ากับแผน", "the weights given equal the plan's")
        else:
            note = ("ไม่ได้กำหนดน้ำหนักใหม่ อันดับจึงเท่ากับแผน", "no new weights given: the ranking is the plan's")
        intervals = sensitivity.stability_intervals(result.scoring, new_weights, top_k=top_k, tie_break=tie_break)
        return [
            absent("scenario", ("สถานการณ์สมมติ", "scenario"), "", period, "no scenario", note),
            _top_figure(result.scenario, period),
            _sensitive_figure(scoring, intervals, top_k, period),
            _critical_figure(result.scoring, new_weights, tie_break, period),
            acceptability,
        ]
    listed = "; ".join(
        f"{c} {b:g} → {a:g}" for c, b, a in changed[["criterion", "weight_before", "weight_after"]].to_numpy()
    )
    scenario = figure(
        "scenario",
        ("เกณฑ์ที่เปลี่ยนน้ำหนัก", "criteria reweighted"),
        len(changed),
        "เกณฑ์",
        period,
        (listed, listed),
        status="what-if",
    )
    kept = result.comparison[result.comparison["status"] == "kept"]
    moved = kept[kept["movement"].fillna(0) != 0]
    moves = ", ".join(f"{c} ({signed(int(m))})" for c, m in zip(moved["project_code"], moved["movement"]))
    moved_figure = figure(
        "moved",
        ("โครงการที่อันดับเปลี่ยน", "projects whose rank changed"),
        len(moved),
        "โครงการ",
        period,
        (moves or "ไม่มี", moves or "none"),
        of=len(kept),
    )
    banded = ", ".join(str(c) for c in result.band_changes["project_code"])
    bands = figure(
        "bands",
        ("โครงการที่ระดับเปลี่ยน", "projects whose band changed"),
        len(result.band_changes),
        "โครงการ",
        period,
        (banded, banded),
        of=len(kept),
    )
    tau = figure(
        "tau",
        ("Kendall τ-b", "Kendall τ-b"),
        result.tau,
        "",
        period,
        ("1 = ลำดับเหมือนเดิม, −1 = กลับลำดับ", "1 = same order, −1 = reversed"),
        decimals=3,
        status=None if not math.isnan(result.tau) else "no data",
    )
    return [scenario, moved_figure, _top_figure(result.scenario, period, result.baseline), bands, tau, acceptability]


def whatif_verdict(figures: Sequence[KeyFigure]) -> Pair:
    """The what-if verdict.

    No scenario: "no scenario set, the ranking is the plan's", then the stability clause of
    :func:`prioritization_verdict` and the most sensitive criterion. A scenario: "n criteria
    reweighted", then "no project changed rank" or "m projects changed rank (codes and moves)",
    whether the top project stayed or changed (and from which), and how many changed band.
    """
    scenario = find(figures, "scenario")
    if scenario is None:
        return _top_clause(find(figures, "top"))
    if scenario.status == "no scenario":
        first = ("ไม่ได้กำหนดสถานการณ์สมมติ อันดับจึงเท่ากับแผน", "no scenario set: the ranking is the plan's")
        sensitive = find(figures, "sensitive")
        third = ("", "")
        if sensitive is not None and sensitive.value != "ไม่มี":
            third = (f"เกณฑ์ที่อ่อนไหวที่สุด: {sensitive.note}", f"most sensitive criterion: {sensitive.note_en}")
        return verdict_text([first, _stability_clause(figures), third], figures)
    clauses = [(f"เปลี่ยนน้ำหนัก {scenario.value_text('th')}", f"{scenario.value_text('en')} reweighted")]
    moved = find(figures, "moved")
    if moved is not None and not moved.number:
        clauses.append(("ไม่มีโครงการใดเปลี่ยนอันดับ", "no project changed rank"))
    elif moved is not None:
        count = int(moved.number or 0)
        moves = (f"อันดับเปลี่ยน {count} โครงการ: {moved.note}", f"{count} projects changed rank: {moved.note_en}")
        clauses.append(moves)
    top = find(figures, "top")
    if top is not None and not top.missing:
        old = previous_top(top)
        if old:
            clauses.append((f"อันดับ 1 เปลี่ยนเป็น {top.value} (เดิม {old})", f"{top.value} is now first (was {old})"))
        else:
            clauses.append((f"อันดับ 1 ยังเป็น {top.value}", f"{top.value} stays first"))
    bands = find(figures, "bands")
    if bands is not None and bands.number:
        count = int(bands.number)
        clauses.append((f"ระดับเปลี่ยน {count} โครงการ", f"{count} project{'s' if count != 1 else ''} changed band"))
    return verdict_text(clauses, figures)


# ---------------------------------------------------------------- kpi scorecard


TO_DATE = ("ผลสะสมระหว่างปีเทียบกับเกณฑ์ของทั้งปี", "to-date results scored against year-end levels")
"""Said on every scorecard figure built on results of a quarter before Q4."""

TOTAL_LABEL = ("คะแนนรวมถ่วงน้ำหนัก", "weighted total")
LEVEL_LABEL = ("ระดับที่คะแนนรวมถึง", "level the total reaches")


def _card_period(card: kpi.Scorecard) -> tuple[str, str, int | None]:
    """(Thai, English, quarter or None): the fiscal year and where the card's results come from."""
    fy_th, fy_en = fiscal_year_text(card.fiscal_year)
    q = kpi.card_quarter(card)
    if q is not None:
        return f"{fy_th} · ผลสะสมถึงไตรมาส {q}", f"{fy_en} · results to Q{q}", q
    if card.as_of == "kpi_history":
        return f"{fy_th} · ผลที่เผยแพร่", f"{fy_en} · published results", None
    return fy_th, fy_en, None


def _full_year(card: kpi.Scorecard) -> bool:
    """True when the card scores results of the whole year (published, or the actuals of Q4)."""
    return card.as_of == "kpi_history" or _card_period(card)[2] == 4


def _level_scale(plan: Plan, codes: Sequence[str]) -> pd.DataFrame | None:
    """The levels (level, label, label_en) the KPIs ``codes`` share, or None when their level scores differ."""
    levels = plan["kpi_levels"]
    mine = levels[levels["kpi_code"].isin(list(codes))]
    scales = {tuple(sorted(float(v) for v in part["level"])) for _, part in mine.groupby("kpi_code")}
    if len(scales) != 1:
        return None
    first = mine[mine["kpi_code"] == mine["kpi_code"].iloc[0]].sort_values("level")
    return pd.DataFrame(
        {
            "level": first["level"].astype(float).to_numpy(),
            "label": first["label"].to_numpy() if "label" in first else None,
            "label_en": first["label_en"].to_numpy() if "label_en" in first else None,
        }
    )


def _level_figure(plan: Plan, card: kpi.Scorecard, period: Pair, note: Pair) -> KeyFigure:
    """The level the weighted total reaches on the KPIs' common scale: the highest level score ≤ the total.

    With weights in % summing to 100, total = Σ wᵢ · scoreᵢ / 100 is a weighted mean score on the
    scale of the level scores (DSDW 50/75/100, revolving-fund 1–5), so it reads as a level; below
    the lowest level score it is "below level x".
    """
    if card.total is None:
        return absent("level", LEVEL_LABEL, "", period, "not scored", ("ไม่มีคะแนนรวม", "no weighted total"))
    scale = _level_scale(plan, list(card.kpis.loc[card.kpis["weight"].notna(), "kpi_code"]))
    if scale is None:
        why = ("ตัวชี้วัดใช้เกณฑ์ระดับต่างกัน", "the KPIs use different level scales")
        return absent("level", LEVEL_LABEL, "", period, "not scored", why)
    reached = scale[scale["level"] <= card.total + 1e-9]
    row = scale.iloc[0] if reached.empty else reached.iloc[-1]
    name = f" ({row['label']})" if isinstance(row["label"], str) else ""
    name_en = f" ({row['label_en']})" if isinstance(row["label_en"], str) else ""
    if reached.empty:
        value = (f"ต่ำกว่าระดับ {row['level']:g}{name}", f"below level {row['level']:g}{name_en}")
    else:
        value = (f"ระดับ {row['level']:g}{name}", f"level {row['level']:g}{name_en}")
    return figure("level", LEVEL_LABEL, value[0], "", period, note, value_en=value[1])


def _group_names(plan: Plan) -> dict[str, str]:
    kpis = plan["kpis"]
    if "group" not in kpis or "group_th" not in kpis:
        return {}
    named = kpis.dropna(subset=["group", "group_th"]).drop_duplicates("group")
    return dict(zip(named["group"].astype(str), named["group_th"].astype(str)))


def _total_figure(plan: Plan, card: kpi.Scorecard, period: Pair, note: Pair, method: str, below: str) -> KeyFigure:
    """The weighted total out of its maximum; against last year's only when both score full-year results."""
    if card.total is None:
        why = ("ตัวชี้วัดไม่มีน้ำหนัก จึงไม่คำนวณคะแนนรวม", "the KPIs carry no weights, so no weighted total")
        return absent("total", TOTAL_LABEL, "คะแนน", period, "not scored", why)
    change = None
    if _full_year(card):
        last = kpi.scorecard(plan, card.fiscal_year - 1, method=method, below=below)
        if _full_year(last) and last.total is not None:
            change = Change(last.total, *fiscal_year_text(card.fiscal_year - 1))
    return figure(
        "total",
        TOTAL_LABEL,
        card.total,
        "คะแนน",
        period,
        note,
        change=change,
        of=card.max_total,
        decimals=2,
        higher_is_better=True,
    )


ON_TRACK_LABEL = ("ตัวชี้วัดที่เป็นไปตามเป้าถึงไตรมาสนี้", "KPIs on track to date")
PROJECTED_LABEL = ("คาดการณ์คะแนนรวมสิ้นปี", "projected year-end total")
PROJECTED_TOP_LABEL = ("ตัวชี้วัดที่คาดว่าได้ระดับสูงสุดสิ้นปี", "KPIs projected at their top level")


def _on_track_figure(rows: pd.DataFrame, period: Pair, illustrative: bool) -> KeyFigure:
    """Green KPIs of those judged to date: the RAG of :func:`planlib.plans.progress.scorecard_to_date`."""
    counts = {c: int((rows["rag"] == c).sum()) for c in ("green", "amber", "red", "grey")}
    assessed = counts["green"] + counts["amber"] + counts["red"]
    more = {"parts": tuple(counts.items()), "illustrative": illustrative}
    if assessed == 0:
        why = ("ยังไม่มีตัวชี้วัดที่เทียบเป้าถึงไตรมาสนี้ได้", "no KPI can be judged against a target to date")
        return absent("on_track", ON_TRACK_LABEL, "ตัว", period, "no data", why, **more)
    status = "red" if counts["red"] else "amber" if counts["amber"] else "green"
    note = (
        (f"วัดผลสิ้นปีหรือไม่มีเป้า {counts['grey']} ตัว", f"{counts['grey']} judged at year end or without a target")
        if counts["grey"]
        else ("เทียบเป้าถึงไตรมาสนี้ (เหมือนรายงานรายไตรมาส)", "against the target to date (as in the quarterly report)")
    )
    return figure("on_track", ON_TRACK_LABEL, counts["green"], "ตัว", period, note, of=assessed, status=status,
                  higher_is_better=True, **more)


def _projected_figure(card: kpi.Scorecard, rows: pd.DataFrame, period: Pair, illustrative: bool) -> KeyFigure:
    """The projected year-end weighted total (:func:`planlib.plans.progress.projected_total`); without weights,
    the KPIs projected to reach their top level of those that can be projected."""
    more = {"illustrative": illustrative}
    projected = rows[rows["projected_score"].notna()]
    not_projectable = int(rows["value"].notna().sum()) - len(projected)
    skipped = (
        (f"คาดการณ์ไม่ได้ {not_projectable} ตัว (ระดับ/ผลผลิต)", f"{not_projectable} not projectable (level/milestone)")
        if not_projectable
        else ("", "")
    )
    method = (
        "เส้นตรงจากผลสะสม เหมือนรายงานรายไตรมาส",
        "straight line from the result to date, as in the quarterly report",
    )
    if card.total is not None:
        value = progress.projected_total(rows)
        if value is None:
            why = ("บางตัวชี้วัดคาดการณ์ไม่ได้ จึงไม่มีคะแนนรวมที่คาด", "some KPIs cannot be projected: no projected total")
            return absent("projected", PROJECTED_LABEL, "คะแนน", period, "not scored", why, **more)
        return figure("projected", PROJECTED_LABEL, value, "คะแนน", period, method, of=card.max_total, decimals=2,
                      higher_is_better=True, **more)
    if projected.empty:
        why = ("ไม่มีตัวชี้วัดที่คาดการณ์ได้ (ระดับ/ผลผลิต)", "no KPI can be projected (level/milestone)")
        return absent("projected", PROJECTED_TOP_LABEL, "ตัว", period, "not scored", why, **more)
    at_top = int((projected["projected_level"] == projected["top_score"]).sum())
    note = (skipped[0] or method[0], skipped[1] or method[1])
    return figure("projected", PROJECTED_TOP_LABEL, at_top, "ตัว", period, note, of=len(projected),
                  higher_is_better=True, **more)


def scorecard_key_figures(
    plan: Plan,
    fy: int,
    *,
    method: str = "step",
    below: str = "zero",
    quarter: int | None = None,
) -> list[KeyFigure]:
    """Weighted total, the level it reaches, KPIs at their top level, KPIs below their lowest, group subtotals.

    From :func:`planlib.plans.kpi.scorecard` with the report's ``method`` and ``below``. The total's
    change is against the previous fiscal year only when both years score full-year results. A card
    of to-date results (a quarter before Q4) says so on every figure (:data:`TO_DATE`) and colours
    nothing red or green: it scores part of a year against year-end levels. It also shows what the
    quarterly report shows for the same quarter (:func:`planlib.plans.progress.scorecard_to_date`): KPIs
    on track against their targets to date, and the projected year-end total (or, without weights, KPIs
    projected at their top level). Keys: total, level, top_level, below_lowest and, when the KPIs fall in
    exactly two groups, group:<code> for each; a to-date card: total, level, on_track, projected,
    top_level, below_lowest.
    Without any result this year: one figure, total, status "no data".
    """
    card = kpi.scorecard(plan, fy, method=method, below=below, quarter=quarter)
    period_th, period_en, q = _card_period(card)
    period = (period_th, period_en)
    to_date = q is not None and q < 4
    note = TO_DATE if to_date else ("", "")
    rows = card.kpis
    scored = rows[rows["value"].notna()] if not rows.empty else rows
    made_up = {"illustrative": card.illustrative}
    if card.as_of == "none" or scored.empty:
        why = ("ยังไม่มีผลของปีนี้", "no results for this year yet")
        return [absent("total", TOTAL_LABEL, "คะแนน", period, "no data", why, **made_up)]
    total = dataclasses.replace(_total_figure(plan, card, period, note, method, below), **made_up)
    level = dataclasses.replace(_level_figure(plan, card, period, note), **made_up)
    at_top = int((scored["level"] == scored["top_score"]).sum())
    below_lowest = int(scored["below_lowest"].sum())
    parts = (
        ("top level", at_top),
        ("other level", len(scored) - at_top - below_lowest),
        ("below lowest", below_lowest),
        ("no result", len(rows) - len(scored)),
    )
    top_level = figure(
        "top_level",
        ("ตัวชี้วัดที่ได้ระดับสูงสุด", "KPIs at their top level"),
        at_top,
        "ตัว",
        period,
        note,
        of=len(scored),
        parts=parts,
        higher_is_better=True,
        **made_up,
    )
    names = ", ".join(str(c) for c in scored.loc[scored["below_lowest"], "kpi_code"])
    status = None if to_date or card.as_of == "given" else ("red" if below_lowest else "green")
    below_figure = figure(
        "below_lowest",
        ("ตัวชี้วัดที่ต่ำกว่าระดับต่ำสุด", "KPIs below their lowest level"),
        below_lowest,
        "ตัว",
        period,
        ("; ".join(filter(None, [names, note[0]])), "; ".join(filter(None, [names, note[1]]))),
        of=len(scored),
        status=status,
        higher_is_better=False,
        **made_up,
    )
    figures = [total, level, top_level, below_figure]
    if to_date:
        to_date_rows = progress.scorecard_to_date(plan, card)
        on_track = _on_track_figure(to_date_rows, period, card.illustrative)
        projected = _projected_figure(card, to_date_rows, period, card.illustrative)
        return [total, level, on_track, projected, top_level, below_figure]
    if card.total is not None and len(card.groups) == 2:
        named = _group_names(plan)
        for group in card.groups.itertuples():
            code = str(group.group)
            label = (f"กลุ่ม{named.get(code, code)}", f"group {code}")
            figures.append(
                figure(
                    f"group:{code}",
                    label,
                    float(group.subtotal),
                    "คะแนน",
                    period,
                    note,
                    of=float(group.max),
                    decimals=2,
                    higher_is_better=True,
                    **made_up,
                )
            )
    return figures


def scorecard_verdict(figures: Sequence[KeyFigure]) -> Pair:
    """The scorecard verdict, by rules.

    1. The weighted total with the level it reaches; or "no weights, so no total"; or "no results yet"
       (then nothing else).
    2. KPIs at their top level (x of n). 3. KPIs below their lowest level, when any.
    4. A card of to-date results says they are to date and scored against year-end levels.
    """
    total = find(figures, "total")
    if total is None or total.status == "no data":
        return verdict_text([("ยังไม่มีผลตัวชี้วัดของปีนี้", "no KPI results for this year yet")], figures)
    clauses = []
    if total.missing:
        clauses.append(("ตัวชี้วัดไม่มีน้ำหนัก จึงไม่มีคะแนนรวม", "the KPIs carry no weights, so there is no total"))
    else:
        level = find(figures, "level")
        reached = ("", "")
        if level is not None and not level.missing:
            reached = (f", {level.value_text('th')}", f", {level.value_text('en')}")
        clauses.append(
            (
                f"คะแนนรวมถ่วงน้ำหนัก {total.value_text('th')}{reached[0]}",
                f"weighted total {total.value_text('en')}{reached[1]}",
            )
        )
    top = find(figures, "top_level")
    if top is not None and top.number is not None:
        clauses.append((f"ได้ระดับสูงสุด {top.value_text('th')}", f"{top.value_text('en')} at their top level"))
    below = find(figures, "below_lowest")
    if below is not None and below.number:
        clauses.append(
            (f"ต่ำกว่าระดับต่ำสุด {below.value_text('th')}", f"{below.value_text('en')} below their lowest level")
        )
    if TO_DATE[0] in total.note:
        clauses.append(TO_DATE)
    on_track = find(figures, "on_track")
    if on_track is not None and not on_track.missing:
        clauses.append(
            (
                f"เทียบเป้าถึงไตรมาสนี้เป็นไปตามเป้า {on_track.value_text('th')}",
                f"{on_track.value_text('en')} on track against their targets to date",
            )
        )
    projected = find(figures, "projected")
    if projected is not None and not projected.missing:
        if projected.unit == "คะแนน":
            clauses.append(
                (f"คาดการณ์คะแนนรวมสิ้นปี {projected.value_text('th')}", f"projected year end {projected.value_text('en')}")
            )
        else:
            clauses.append(
                (
                    f"คาดว่าได้ระดับสูงสุดสิ้นปี {projected.value_text('th')}",
                    f"{projected.value_text('en')} projected at their top level",
                )
            )
    return verdict_text(clauses, figures)


# ---------------------------------------------------------------- quarterly progress


def _summary(report: progress.QuarterlyProgress, key: str) -> tuple[float, float]:
    """(value, of) of a row of the report's executive summary (:func:`planlib.plans.progress.executive_summary`)."""
    row = report.summary[report.summary["key"] == key]
    return float(row["value"].iloc[0]), float(row["of"].iloc[0])


def has_activity_status(report: progress.QuarterlyProgress) -> bool:
    """True when any activity of the year has a status: an ``activity_status`` row, a done month or a progress %.

    Without any, "not done" only means "not known": no activity is counted overdue
    (:func:`planlib.plans.progress.status_known`, the rule the report's tables use).
    """
    return progress.status_known(report.activities)


def rag_counts(report: progress.QuarterlyProgress) -> dict[str, int]:
    """KPIs per RAG colour (green, amber, red, grey) of the report's KPI table."""
    counts = report.kpis["rag"].value_counts() if not report.kpis.empty else pd.Series(dtype="int64")
    return {colour: int(counts.get(colour, 0)) for colour in ("green", "amber", "red", "grey")}


KPIS_LABEL = ("ตัวชี้วัดที่เป็นไปตามเป้า", "KPIs on track")
ACTIVITIES_LABEL = ("กิจกรรมที่เสร็จตามกำหนด", "activities done of those due")
BUDGET_LABEL = ("เบิกจ่ายงบประมาณ (% ของแผนทั้งปี)", "budget spent (% of the year's plan)")
LENDING_LABEL = ("ปล่อยกู้สะสม (% ของกรอบวงเงิน)", "lent to date (% of the credit line)")
SLIPPAGE_LABEL = ("ความล่าช้ามากที่สุด", "largest slippage")


def _previous_period(previous: progress.QuarterlyProgress) -> Pair:
    return quarter_text(previous.fiscal_year, previous.quarter)


def _kpi_figure(
    report: progress.QuarterlyProgress, previous: progress.QuarterlyProgress | None, period: Pair, illustrative: bool
) -> KeyFigure:
    """Green KPIs of those assessed (green, amber or red), with counts per colour; "no data" when none is assessed."""
    rag = rag_counts(report)
    assessed = rag["green"] + rag["amber"] + rag["red"]
    more = {"parts": tuple(rag.items()), "illustrative": illustrative}
    if report.kpis.empty:
        why = ("ไม่มีเป้าหมายหรือผลของตัวชี้วัดในปีนี้", "no KPI targets or results this year")
        return absent("kpis", KPIS_LABEL, "ตัว", period, "no data", why, **more)
    if assessed == 0:
        why = (
            f"ยังไม่มีผลหรือเป้าของตัวชี้วัดทั้ง {rag['grey']} ตัว",
            f"none of the {rag['grey']} KPIs has both a result and a target yet",
        )
        return absent("kpis", KPIS_LABEL, "ตัว", period, "no data", why, **more)
    change = None
    if previous is not None:
        before = rag_counts(previous)
        if before["green"] + before["amber"] + before["red"]:
            change = Change(before["green"], *_previous_period(previous))
    status = "red" if rag["red"] else "amber" if rag["amber"] else "green"
    later = int((report.kpis["judged"] == "year end").sum()) if "judged" in report.kpis else 0
    notes = []
    if later:
        notes.append((f"วัดผลสิ้นปี {later} ตัว (แบบระดับ/ผลผลิต)", f"{later} judged at year end (level/milestone)"))
    if rag["grey"] - later:
        unknown = rag["grey"] - later
        notes.append((f"ยังไม่มีผลหรือเป้า {unknown} ตัว", f"{unknown} without a result or target yet"))
    note = ("; ".join(th for th, _ in notes), "; ".join(en for _, en in notes))
    return figure(
        "kpis",
        KPIS_LABEL,
        rag["green"],
        "ตัว",
        period,
        note,
        change=change,
        status=status,
        of=assessed,
        higher_is_better=True,
        **more,
    )


def _activity_figure(
    report: progress.QuarterlyProgress, previous: progress.QuarterlyProgress | None, period: Pair, illustrative: bool
) -> KeyFigure:
    """Activities done of those due, RAG by the report's thresholds on done ÷ due; "no data" without any status."""
    more = {"illustrative": illustrative}
    if report.activities.empty:
        why = ("ไม่มีแผนกิจกรรมในปีนี้", "no activity plan this year")
        return absent("activities", ACTIVITIES_LABEL, "กิจกรรม", period, "no data", why, **more)
    done, due = _summary(report, "activities_done")
    if not has_activity_status(report):
        why = (
            f"ไม่มีข้อมูลสถานะกิจกรรม (activity_status) จึงไม่นับว่าเลยกำหนด; ถึงกำหนด {int(due)} กิจกรรม",
            f"no activity-status data, so none is counted overdue; {int(due)} due",
        )
        return absent("activities", ACTIVITIES_LABEL, "กิจกรรม", period, "no data", why, **more)
    if due == 0:
        none_due = "ยังไม่มีกิจกรรมถึงกำหนด"
        return figure("activities", ACTIVITIES_LABEL, none_due, "กิจกรรม", period, value_en="none due yet", **more)
    overdue = int(report.activity_counts["overdue"].sum())
    change = None
    if previous is not None and has_activity_status(previous):
        before_done, before_due = _summary(previous, "activities_done")
        if before_due:
            change = Change(before_done, *_previous_period(previous))
    return figure(
        "activities",
        ACTIVITIES_LABEL,
        int(done),
        "กิจกรรม",
        period,
        change=change,
        of=int(due),
        status=report.rag.status(100 * done / due),
        parts=(("done", int(done)), ("overdue", overdue)),
        higher_is_better=True,
        **more,
    )


def _spending_rows(plan: Plan, fy: int, quarter: int) -> pd.DataFrame:
    """The ``spending`` rows of quarters 1..``quarter`` of the fiscal year (none without the table)."""
    if not plan.has("spending"):
        return pd.DataFrame(columns=["project_code"])
    spending = plan["spending"]
    return spending[(spending["fiscal_year"] == fy) & (spending["quarter"] <= quarter)]


def _spent_pct(report: progress.QuarterlyProgress) -> float | None:
    """Budget spent % of the executive summary (Σ spent ÷ Σ planned × 100, 2 decimals); None without a plan."""
    spent, planned = _summary(report, "budget_spent_pct")
    if math.isnan(planned) or planned <= 0 or math.isnan(spent):
        return None
    return round(100 * spent / planned, 2)


def _budget_figure(
    plan: Plan,
    report: progress.QuarterlyProgress,
    previous: progress.QuarterlyProgress | None,
    period: Pair,
    illustrative: bool,
) -> KeyFigure:
    """Budget spent % of the year's plan, with how many of the plan's projects reported spending."""
    more = {"decimals": 1}
    _, planned_total = _summary(report, "budget_spent_pct")
    if math.isnan(planned_total) or planned_total <= 0:
        why = ("ไม่มีงบประมาณตามแผนของปีนี้ (budgets)", "no planned budget for this year (budgets)")
        return absent("budget", BUDGET_LABEL, "%", period, "no data", why, **more)
    rows = _spending_rows(plan, report.fiscal_year, report.quarter)
    pct = _spent_pct(report)
    if rows.empty or pct is None:
        why = ("ไม่มีข้อมูลการเบิกจ่าย (spending) จึงไม่แสดงเป็น 0 %", "no spending data, so it is not shown as 0 %")
        return absent("budget", BUDGET_LABEL, "%", period, "no data", why, **more)
    reported, of = progress.budget_coverage(plan, report.budget_by_project)
    change = None
    if previous is not None and not _spending_rows(plan, previous.fiscal_year, previous.quarter).empty:
        before = _spent_pct(previous)
        if before is not None:
            change = Change(before, *_previous_period(previous))
    spent, planned = _summary(report, "budget_spent_pct")
    note = (f"ใช้จ่าย {spent:,.0f} จาก {planned:,.0f} บาท", f"{spent:,.0f} of {planned:,.0f} THB spent")
    return figure(
        "budget",
        BUDGET_LABEL,
        pct,
        "%",
        period,
        note,
        change=change,
        coverage=Coverage(reported, of),
        illustrative=illustrative,
        **more,
    )


def _lending_figure(report: progress.QuarterlyProgress, period: Pair, illustrative: bool) -> KeyFigure:
    """Disbursed to date as % of the credit line (the report's lending table); "no data" with its note otherwise."""
    lending = report.lending if report.lending is not None else pd.DataFrame(columns=["key"])
    rate = lending[lending["key"] == "disbursed_pct"]
    if not rate.empty:
        source = str(rate["source"].iloc[-1])
        return figure(
            "lending",
            LENDING_LABEL,
            float(rate["value"].iloc[-1]),
            "%",
            period,
            (source, source),
            higher_is_better=True,
            illustrative=illustrative,
        )
    why = lending[lending["key"] == "note"]
    note = (
        (str(why["measure_th"].iloc[-1]), str(why["measure_en"].iloc[-1]))
        if not why.empty
        else ("ไม่มีกรอบวงเงินหรือข้อมูลการปล่อยกู้ของปีนี้", "no credit line or lending for this year")
    )
    return absent("lending", LENDING_LABEL, "%", period, "no data", note, illustrative=illustrative)


def _slippage_figure(report: progress.QuarterlyProgress, period: Pair, illustrative: bool) -> KeyFigure:
    """The largest slippage (:func:`planlib.plans.progress.slippages`); activities count only with a status.

    "no data" when neither a KPI can be assessed nor any activity status exists (nothing is known to be
    behind or on time).
    """
    known_status = has_activity_status(report)
    slips = report.slippages
    if not known_status:  # the KPIs' own slippages: without status, "overdue" activities are not known to be late
        slips = progress.slippages(report.kpis, report.activity_counts.iloc[0:0])
    rag = rag_counts(report)
    if slips.empty and not known_status and rag["green"] + rag["amber"] + rag["red"] == 0:
        why = (
            "ไม่มีผลตัวชี้วัดหรือสถานะกิจกรรม จึงบอกไม่ได้ว่าสิ่งใดล่าช้า",
            "no KPI results or activity status: nothing can be judged late",
        )
        return absent("slippage", SLIPPAGE_LABEL, "", period, "no data", why)
    if slips.empty:
        return figure(
            "slippage",
            SLIPPAGE_LABEL,
            "ไม่มี",
            "",
            period,
            ("ไม่มีตัวชี้วัดหรือกิจกรรมที่ล่าช้า", "nothing is behind"),
            value_en="none",
            illustrative=illustrative,
        )
    top = slips.iloc[0]
    kind = ("ตัวชี้วัด", "KPI") if top["kind"] == "KPI" else ("กิจกรรมของ", "activities of")
    return figure(
        "slippage",
        SLIPPAGE_LABEL,
        f"{kind[0]} {top['code']}",
        "",
        period,
        (str(top["detail_th"]), str(top["detail_en"])),
        value_en=f"{kind[1]} {top['code']}",
        illustrative=illustrative,
    )


def progress_key_figures(
    plan: Plan,
    fy: int,
    quarter: int,
    *,
    lending: pd.DataFrame | None = None,
    illustrative: Iterable[str] = (),
    rag: progress.RagThresholds | None = None,
    method: str = "step",
    below: str = "zero",
    report: progress.QuarterlyProgress | None = None,
) -> list[KeyFigure]:
    """KPIs on track (RAG counts), activities done of due, budget spent with coverage, lending, largest slippage.

    ``report`` is the :class:`planlib.plans.progress.QuarterlyProgress` the notebook computed; else it is
    computed here from the same arguments (``lending``: the quarter's lending table from the loans side,
    ``illustrative``: the portfolio's synthetic tables). Changes are against the previous quarter of the
    same fiscal year (none in Q1: year-to-date figures restart). Lending appears only when the report
    has a lending table. Keys: kpis, activities, budget, lending, slippage. Rules in the module docstring.
    """
    options = {"rag": rag, "method": method, "below": below}
    if report is None:
        report = progress.quarterly_progress(plan, fy, quarter, lending=lending, illustrative=illustrative, **options)  # type: ignore[arg-type]
    previous = None
    if report.quarter > 1:  # KPIs, activities and budget only: the lending of the previous quarter is not shown
        previous = progress.quarterly_progress(plan, report.fiscal_year, report.quarter - 1, **options)  # type: ignore[arg-type]
    q_th, q_en = quarter_text(report.fiscal_year, report.quarter)
    period = (f"{q_th} (ผลสะสมตั้งแต่ต้นปี)", f"{q_en} (year to date)")
    made_up = set(report.illustrative)
    figures = [
        _kpi_figure(report, previous, period, "kpi_actuals" in made_up),
        _activity_figure(report, previous, period, "activity_status" in made_up),
        _budget_figure(plan, report, previous, period, "spending" in made_up),
    ]
    if report.lending is not None:
        figures.append(_lending_figure(report, period, bool({"loans", "payments", "lending_annual"} & made_up)))
    figures.append(_slippage_figure(report, period, bool(made_up)))
    return figures


def progress_verdict(figures: Sequence[KeyFigure]) -> Pair:
    """The quarterly verdict, e.g. ``ตัวชี้วัด 4 จาก 6 ตัวเป็นไปตามเป้าหมาย; กิจกรรมล่าช้า 2 รายการ``.

    1. KPIs: "g of n KPIs on track" (n = KPIs with a result and a target; those without are counted
       apart), or "no KPI can be assessed yet".
    2. Activities: "no activity-status data" when there is none; "no activity due yet"; "k activities
       overdue" when any; else "all d due activities done".
    3. Budget: "no budget or spending data", or "spent x % of the year's budget", with the coverage
       when not every project reported.
    4. Lending (when shown and known): "lent x % of the credit line to date".
    """
    clauses = [
        _kpi_clause(find(figures, "kpis")),
        _activity_clause(find(figures, "activities")),
        _budget_clause(find(figures, "budget")),
    ]
    lending = find(figures, "lending")
    if lending is not None and not lending.missing:
        clauses.append(
            (
                f"ปล่อยกู้สะสม {lending.value_text('th')} ของกรอบวงเงิน",
                f"lent {lending.value_text('en')} of the credit line to date",
            )
        )
    return verdict_text(clauses, figures)


def _kpi_clause(kpis: KeyFigure | None) -> Pair:
    if kpis is None:
        return "", ""
    if kpis.missing:
        return "ยังไม่มีผลตัวชี้วัดที่ประเมินได้", "no KPI can be assessed yet"
    green, assessed, grey = int(kpis.number or 0), int(kpis.of or 0), dict(kpis.parts).get("grey", 0)
    extra = (f" (ยังไม่ประเมิน {grey} ตัว)", f" ({grey} not yet assessed)") if grey else ("", "")
    return (
        f"ตัวชี้วัด {green} จาก {assessed} ตัวเป็นไปตามเป้าหมาย{extra[0]}",
        f"{green} of {assessed} KPIs on track{extra[1]}",
    )


def _activity_clause(acts: KeyFigure | None) -> Pair:
    if acts is None:
        return "", ""
    if acts.missing:
        return "ไม่มีข้อมูลสถานะกิจกรรม", "no activity-status data"
    if acts.number is None:
        return "ยังไม่มีกิจกรรมถึงกำหนด", "no activity due yet"
    overdue = dict(acts.parts).get("overdue", 0)
    if overdue:
        return f"กิจกรรมล่าช้า {overdue} รายการ", f"{overdue} activit{'ies' if overdue != 1 else 'y'} overdue"
    return f"กิจกรรมที่ถึงกำหนดเสร็จครบ {int(acts.of or 0)} รายการ", f"all {int(acts.of or 0)} due activities done"


def _budget_clause(budget: KeyFigure | None) -> Pair:
    if budget is None:
        return "", ""
    if budget.missing:
        return "ไม่มีข้อมูลงบประมาณหรือการเบิกจ่าย", "no budget or spending data"
    cover = budget.coverage
    extra = ("", "") if cover is None or cover.complete else (f" ({cover.text('th')})", f" ({cover.text('en')})")
    return (
        f"เบิกจ่าย {budget.value_text('th')} ของงบประมาณทั้งปี{extra[0]}",
        f"spent {budget.value_text('en')} of the year's budget{extra[1]}",
    )
