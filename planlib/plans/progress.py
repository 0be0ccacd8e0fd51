"""Quarterly progress for the board: KPIs to date, activities due vs done, budget, and lending beside them.

Fiscal quarters follow the Thai fiscal year (Oct–Sep, BE label): Q1 = Oct–Dec, Q2 = Jan–Mar,
Q3 = Apr–Jun, Q4 = Jul–Sep (seed 002 §5 calc. 8; anchors.md §5.2). A quarter's report counts
everything up to and including its last day (30 Sep is Q4 of the year that ends; 1 Oct is Q1
of the next).

Stated rules (printed in the report next to the figures):

* **KPI result** = the ``kpi_actuals`` row of the quarter (values are cumulative year to date);
  if the quarter has none, the latest earlier quarter of the year (``as_of_quarter``).
* **Target to date** = the ``kpi_targets`` row of that quarter when the plan gives quarterly
  (cumulative) targets; else the linear path from the start value to the year target:
  start + (year target − start) × q / 4. Start = ``kpis.baseline``, else the previous year's
  ``kpi_history`` result, else 0. Without a year target in ``kpi_targets`` the middle level's
  threshold is used (level 75 of 50/75/100 = "standard"; level 3 of 1–5 = the agreed target in
  revolving-fund practice; seed 002 §2, anchors.md §5.2), and ``target_source`` says so.
  Level and milestone KPIs (:func:`planlib.plans.kpi.kpi_kind`) are not straight-lined: without a
  quarterly target their target to date is the year-end target.
* **Achievement %** = 100 × result ÷ target to date (higher is better) or 100 × target ÷ result
  (lower is better). **RAG**: green ≥ ``green`` %, amber ≥ ``amber`` %, red below; grey when
  there is no result or no target (:class:`RagThresholds`, configurable). A level or milestone KPI
  whose result has not yet reached its year-end target before Q4 is grey, ``judged`` "year end": not late;
  one without a result is grey, ``judged`` "no data".
  A previous result in another unit (``kpi_history.unit``), or outside 0–100 for a % KPI
  (DSDW K3's baseline is a count of households, seed 002 §2), is not comparable and not used.
* **Naive year-end projection** = start + (result − start) × 4 ÷ q (straight-line run rate), a
  percentage kept within 0–100; level and milestone KPIs are not projectable before Q4
  (:func:`planlib.plans.kpi.project_year_end`, the one rule the scorecard also shows).
* **Activities**: planned months are ``activities.months`` when given, else start..end. An
  activity is *due* by a quarter when its last planned month is on or before the quarter's
  last month, *done* when its done month is, *overdue* when due and not done. Done months come
  from ``activities.done_month``, else from the ``activity_status`` table. Missing is never
  performance: when no activity of the year has any status (no ``activity_status`` row, no done
  month, no progress %), "not done" only means "not known", and nothing is counted overdue.
* **Budget**: planned = ``budgets`` of the year; spent to date = ``spending`` of quarters 1..q. No
  ``spending`` rows for a project → its spent is unknown (NaN, "no data"), never 0; the totals say how
  many projects reported (:func:`budget_coverage`).
* **Slippages**: a KPI behind target counts 100 − achievement %; a KPI or project with overdue
  activities counts 100 × overdue ÷ due; the three largest are listed (ties by code).
* **Lending**: disbursed to date against the credit line and arrears at the quarter's end, computed
  from the loan tables by :func:`planlib.loans.lending_progress.lending_progress` and passed in as a
  table (plans never read loan books); the summary shows its disbursed % of the credit line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from planlib.inputs import checks, messages, thai
from planlib.inputs.dataset import Dataset, Plan, expect
from planlib.inputs.problems import Problem
from planlib.plans import kpi

# ---------------------------------------------------------------- calendar


def check_quarter(quarter: object) -> int:
    """The quarter as an int 1–4 (Q1 = Oct–Dec), by :func:`planlib.inputs.thai.check_quarter` (the one rule).

    A refusal is a ValueError whose text is English / Thai (``quarter must be 1–4, got 5 / ไตรมาสต้องเป็น 1–4 …``).
    """
    try:
        return thai.check_quarter(quarter)
    except thai.ThaiValueError as exc:
        raise ValueError(f"{exc.reason_en} / {exc.reason_th}") from None


def check_fiscal_year(fiscal_year: object) -> int:
    """The BE fiscal year as an int, by :func:`planlib.inputs.thai.check_fiscal_year` (the one rule: a whole number
    in :data:`planlib.inputs.thai.FISCAL_YEAR_RANGE`; a CE year such as 2023 is refused with the BE year it means).

    A refusal is a ValueError whose text is English / Thai; a CE year is worded for a parameter, as the report
    templates word it (``2023 looks like a CE year: did you mean 2566? …``), not for a column.
    """
    try:
        return thai.check_fiscal_year(fiscal_year)
    except thai.ThaiValueError as exc:
        code = "param_fiscal_year_ce" if exc.code == "bad_value_ce_year" else exc.code
        raise ValueError(" / ".join(messages.text(code, **exc.values))) from None


def quarter_months(fiscal_year: int, quarter: int) -> pd.PeriodIndex:
    """The three months of a fiscal quarter: (2566, 1) → Oct, Nov, Dec 2022."""
    q = check_quarter(quarter)
    return thai.fiscal_months(check_fiscal_year(fiscal_year))[3 * (q - 1) : 3 * q]


def quarter_of(date: pd.Timestamp) -> tuple[int, int]:
    """(BE fiscal year, quarter) of a date: 30 Sep 2566 → (2566, 4); 1 Oct 2565 → (2566, 1)."""
    return thai.fiscal_year(date), thai.fiscal_quarter(date)


# ---------------------------------------------------------------- KPIs


@dataclass(frozen=True)
class RagThresholds:
    """RAG cut-offs on achievement % of the target to date: green ≥ ``green``, amber ≥ ``amber``."""

    green: float = 100.0
    amber: float = 90.0

    def __post_init__(self) -> None:
        if not self.amber <= self.green:
            raise ValueError(" / ".join(messages.text("bad_rag_thresholds", amber=self.amber, green=self.green)))

    def status(self, achievement: float) -> str:
        """``green``/``amber``/``red``, or ``grey`` when achievement is unknown."""
        if achievement is None or pd.isna(achievement):
            return "grey"
        return "green" if achievement >= self.green else "amber" if achievement >= self.amber else "red"


RAG_TH = {"green": "เขียว (ตามเป้า)", "amber": "เหลือง (ต้องติดตาม)", "red": "แดง (ต่ำกว่าเป้า)", "grey": "เทา (ไม่มีข้อมูล)"}
PROJECTION_METHOD = kpi.PROJECTION_METHOD
JUDGED = {
    "to date": ("เทียบเป้าถึงไตรมาสนี้", "against the target to date"),
    "year end": ("วัดผลเมื่อสิ้นปี (ตัวชี้วัดแบบระดับ/ผลผลิต)", "judged at year end (level or milestone KPI)"),
    "no data": ("ไม่มีผลหรือเป้า", "no result or target"),
}
"""How a KPI's RAG was reached (``judged`` column of :func:`kpi_progress`) → (Thai, English)."""


def _start_value(kpi_row: pd.Series, history: pd.DataFrame | None, fiscal_year: int) -> tuple[float, str]:
    if pd.notna(kpi_row.get("baseline")):
        return float(kpi_row["baseline"]), "kpis.baseline"
    if history is not None and not history.empty:
        prev = history[(history["kpi_code"] == kpi_row["code"]) & (history["fiscal_year"] == fiscal_year - 1)]
        if "kind" in prev:
            prev = prev[prev["kind"].isna() | (prev["kind"] == "result")]
        if "unit" in prev and isinstance(kpi_row.get("unit"), str):
            prev = prev[prev["unit"].isna() | (prev["unit"] == kpi_row["unit"])]
        if kpi.is_percent(kpi_row.get("unit")):
            prev = prev[prev["value"].between(0, 100)]
        if not prev.empty:
            return float(prev["value"].iloc[-1]), f"kpi_history {fiscal_year - 1}"
    return 0.0, "0 (no baseline)"


def kpi_progress(
    plan: Dataset,
    fiscal_year: int,
    quarter: int,
    *,
    rag: RagThresholds | None = None,
    method: str = "step",
    below: str = "zero",
    codes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """KPI results to date against the cumulative target of the quarter (module docstring rules).

    One row per KPI with a target or a result in the year (or per KPI in ``codes``): start, year target (and its
    source), target to date, result YTD (``as_of_quarter``), achievement %, RAG, level and
    score reached so far (:func:`planlib.plans.kpi.score_value`, ``method`` printed), naive
    year-end projection and the level it would reach. Source: seed 002 §5 (calc. 7–8),
    seed 000 §6 ("KPI achievement = actual level / target level, per quarter; RAG").
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    rag = rag or RagThresholds()
    kpis = kpi.kpi_table(plan)
    targets = plan["kpi_targets"] if plan.has("kpi_targets") else None
    actuals = plan["kpi_actuals"] if plan.has("kpi_actuals") else None
    history = plan["kpi_history"] if plan.has("kpi_history") else None
    levels = plan["kpi_levels"] if plan.has("kpi_levels") else None
    wanted: list[str] = list(codes) if codes is not None else []
    if codes is None and targets is not None:
        wanted += list(targets.loc[targets["fiscal_year"] == fy, "kpi_code"])
    if codes is None and actuals is not None:
        wanted += list(actuals.loc[actuals["fiscal_year"] == fy, "kpi_code"])
    ordered_codes = [c for c in kpis.index if c in set(wanted)]
    rule = kpi.method_text(method, below)
    rows = []
    for code in ordered_codes:
        k = kpis.loc[code]
        direction = k["direction"]
        start, start_source = _start_value(k, history, fy)
        year_target, target_source = math.nan, ""
        quarter_target = math.nan
        if targets is not None:
            mine = targets[(targets["kpi_code"] == code) & (targets["fiscal_year"] == fy)]
            if "quarter" not in mine:
                mine = mine.assign(quarter=pd.array([pd.NA] * len(mine), dtype="Int64"))
            whole = mine[mine["quarter"].isna()]
            if not whole.empty:
                year_target, target_source = float(whole["target"].iloc[-1]), "kpi_targets"
            at_q = mine[mine["quarter"] == q]
            if not at_q.empty:
                quarter_target = float(at_q["target"].iloc[-1])
        own_levels = None if levels is None else levels[levels["kpi_code"] == code].sort_values("level")
        if pd.isna(year_target) and own_levels is not None and not own_levels.empty:
            n_levels = len(own_levels)
            middle = own_levels.iloc[(n_levels - 1) // 2 if n_levels % 2 else n_levels // 2 - 1]
            year_target = float(middle["threshold"])
            target_source = f"level {middle['level']:g} threshold (no target in kpi_targets)"
        kind = kpi.kpi_kind(k["unit"])
        if pd.notna(quarter_target):
            to_date, path = quarter_target, f"kpi_targets Q{q}"
        elif pd.notna(year_target) and not kpi.straight_lined(k["unit"]):
            to_date, path = year_target, f"year-end target ({kind} KPI: not straight-lined)"
        elif pd.notna(year_target):
            to_date, path = round(start + (year_target - start) * q / 4, 4), "linear from start"
        else:
            to_date, path = math.nan, "no target"
        actual, as_of = math.nan, pd.NA
        if actuals is not None:
            mine = actuals[(actuals["kpi_code"] == code) & (actuals["fiscal_year"] == fy) & (actuals["quarter"] <= q)]
            mine = mine.dropna(subset=["value"]).sort_values("quarter")
            if not mine.empty:
                actual, as_of = float(mine["value"].iloc[-1]), int(mine["quarter"].iloc[-1])
        achievement = math.nan
        if pd.notna(actual) and pd.notna(to_date):
            if direction == "higher" and to_date > 0:
                achievement = round(100 * actual / to_date, 2)
            elif direction == "lower" and actual > 0:
                achievement = round(100 * to_date / actual, 2)
        projection = kpi.project_year_end(start, actual, q, k["unit"])
        status, judged = rag.status(achievement), "to date" if pd.notna(achievement) else "no data"
        if judged == "to date" and path.startswith("year-end target") and q < 4 and status != "green":
            status, judged = "grey", "year end"  # a level not yet reached is not late; no result stays "no data"
        row = {
            "kpi_code": code,
            "name_th": k.get("name_th"),
            "name_en": k.get("name_en"),
            "unit": k["unit"],
            "direction": direction,
            "start": start,
            "start_source": start_source,
            "year_target": year_target,
            "target_source": target_source,
            "target_to_date": to_date,
            "target_path": path,
            "actual_ytd": actual,
            "as_of_quarter": as_of,
            "achievement_pct": achievement,
            "rag": status,
            "judged": judged,
            "kind": kind,
            "level": math.nan,
            "level_label": None,
            "score": math.nan,
            "below_lowest": False,
            "method": method,
            "rule": rule,
            "projection": projection,
            "projection_method": PROJECTION_METHOD,
            "projected_level": math.nan,
            "projected_score": math.nan,
        }
        if own_levels is not None and not own_levels.empty and pd.notna(actual):
            now = kpi.score_value(actual, own_levels, direction=direction, method=method, below=below)
            row.update(level=now.level, level_label=now.label, score=now.score, below_lowest=now.below_lowest)
            if pd.notna(projection):
                then = kpi.score_value(projection, own_levels, direction=direction, method=method, below=below)
                row.update(projected_level=then.level, projected_score=then.score)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=None if rows else ["kpi_code", "rag", "achievement_pct"])
    if not frame.empty:
        frame["as_of_quarter"] = frame["as_of_quarter"].astype("Int64")
    return frame


# ---------------------------------------------------------------- a scorecard of to-date results


def scorecard_to_date(plan: Dataset, card: kpi.Scorecard, *, rag: RagThresholds | None = None) -> pd.DataFrame:
    """What a scorecard of results to quarter q < 4 measures, beside what the quarterly report measures.

    One row per KPI of the card: the level and score reached so far (the card's, against year-end levels),
    the target to date, achievement % and RAG, and the projected year-end value, level and score, all
    from :func:`kpi_progress` with the card's method, so they equal what ``quarterly_progress`` shows
    for the same quarter (DSDW FY2566 Q2: K3 21.25 % is below its lowest year-end level yet on track
    against its Q2 target of 20 %, projected 42.50 % → level 50). projected_weighted = weight ×
    projected score ÷ 100. Empty for a full-year or published card (nothing to project).
    """
    columns = [
        "kpi_code", "name_th", "unit", "weight", "value", "level", "score", "below_lowest", "top_score",
        "target_to_date", "target_path", "achievement_pct", "rag", "judged", "projection", "projected_level",
        "projected_score", "projected_weighted",
    ]
    if not kpi.to_date_card(card) or card.kpis.empty:
        return pd.DataFrame(columns=columns)
    q = kpi.card_quarter(card)
    assert q is not None
    codes = list(card.kpis["kpi_code"])
    rows = kpi_progress(plan, card.fiscal_year, q, rag=rag, method=card.method, below=card.below, codes=codes)
    mine = card.kpis[["kpi_code", "name_th", "unit", "weight", "value", "level", "score", "below_lowest", "top_score"]]
    later = rows[["kpi_code", "target_to_date", "target_path", "achievement_pct", "rag", "judged", "projection",
                  "projected_level", "projected_score"]]
    frame = mine.merge(later, on="kpi_code", how="left")
    frame["rag"] = frame["rag"].fillna("grey")
    frame["projected_weighted"] = (frame["weight"] * frame["projected_score"] / 100).round(4)
    return frame[columns]


def projected_total(to_date: pd.DataFrame) -> float | None:
    """Σ weight × projected score ÷ 100 when every weighted KPI has a projection; else None (not projectable)."""
    if to_date.empty or to_date["weight"].isna().all():
        return None
    weighted = to_date[to_date["weight"].notna()]
    if weighted["projected_score"].isna().any():
        return None
    return round(float(weighted["projected_weighted"].sum()), 4)


def scorecard_to_date_table(to_date: pd.DataFrame) -> pd.DataFrame:
    """:func:`scorecard_to_date` with bilingual headers: so far, against the target to date, projected year end."""
    if to_date.empty:
        return pd.DataFrame()
    projection = [
        NOT_PROJECTABLE if pd.isna(v) and pd.notna(a) else v for v, a in zip(to_date["projection"], to_date["value"])
    ]
    return pd.DataFrame({
        "ตัวชี้วัด / KPI": to_date["kpi_code"],
        "ผลสะสม / result to date": to_date["value"],
        "ระดับที่ได้ถึงตอนนี้ / level so far": [
            "ต่ำกว่าระดับต่ำสุด / below lowest" if b else "–" if pd.isna(lv) else f"{lv:g}"  # a level, not 50.00
            for b, lv in zip(to_date["below_lowest"], to_date["level"])
        ],
        "เป้าถึงไตรมาสนี้ / target to date": to_date["target_to_date"],
        "สถานะเทียบเป้าถึงไตรมาสนี้ / on track to date": [
            rag_text(r, j) for r, j in zip(to_date["rag"], to_date["judged"].fillna("no data"))
        ],
        "คาดการณ์สิ้นปี / projected year end": projection,
        "ระดับที่คาดสิ้นปี / projected level": to_date["projected_level"],
        "คะแนนที่คาด / projected score": to_date["projected_score"],
    })


# ---------------------------------------------------------------- activities


def planned_months(activity: pd.Series) -> list[pd.Period]:
    """Planned months of one activity: its ``months`` list, else every month from start to end."""
    months = activity.get("months")
    if isinstance(months, str) and months.strip():
        parsed = (thai.parse_month(part.strip()) for part in months.split(",") if part.strip())
        return sorted({m for m in parsed if m is not None})
    start, end = activity.get("start_month"), activity.get("end_month")
    if pd.isna(start) or pd.isna(end):
        return []
    return list(pd.period_range(start, end, freq="M"))


def activity_table(plan: Dataset, fiscal_year: int) -> pd.DataFrame:
    """Activities with at least one planned month in the fiscal year, with their done status.

    Columns: owner_code, activity_no, text_th, text_en, planned (list of months), first_month,
    last_month, done_month, progress_pct, status_source (``activities``, ``activity_status``
    or ``activity_status (illustrative)``). A done month typed in ``activities`` wins over the
    ``activity_status`` table.
    """
    fy = check_fiscal_year(fiscal_year)
    columns = [
        "owner_code", "activity_no", "text_th", "text_en", "planned", "first_month", "last_month", "done_month",
        "progress_pct", "status_source",
    ]
    if not plan.has("activities"):
        return pd.DataFrame(columns=columns)
    months = thai.fiscal_months(fy)
    status = plan["activity_status"] if plan.has("activity_status") else None
    status_label = "activity_status (illustrative)" if "activity_status" in plan.synthetic else "activity_status"
    rows = []
    for row_no, act in plan["activities"].iterrows():
        planned = planned_months(act)
        if not planned or planned[-1] < months[0] or planned[0] > months[-1]:
            continue
        done, pct, source = act.get("done_month"), act.get("progress_pct"), "activities"
        if (done is None or pd.isna(done)) and status is not None:
            match = status[(status["owner_code"] == act["owner_code"]) & (status["activity_no"] == act["activity_no"])]
            if not match.empty:
                done = match["done_month"].iloc[-1]
                if pd.isna(pct) and "progress_pct" in match:
                    pct = match["progress_pct"].iloc[-1]
                source = status_label
        rows.append({
            "row": row_no,
            "owner_code": act["owner_code"],
            "activity_no": act["activity_no"],
            "text_th": act.get("text_th"),
            "text_en": act.get("text_en"),
            "planned": planned,
            "first_month": planned[0],
            "last_month": planned[-1],
            "done_month": done if done is not None and pd.notna(done) else pd.NaT,
            "progress_pct": pct,
            "status_source": source,
        })
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows).set_index("row")
    for col in ("first_month", "last_month", "done_month"):
        frame[col] = pd.PeriodIndex(frame[col], freq="M")
    frame["progress_pct"] = pd.to_numeric(frame["progress_pct"], errors="coerce")
    return frame


def status_known(activities: pd.DataFrame) -> bool:
    """True when any activity of the year has a status: an ``activity_status`` row, a done month or a progress %.

    Without any, "not done" only means "not known" (tfund ships no ``activity_status``): no activity is overdue.
    """
    if activities.empty:
        return False
    typed = activities["status_source"] != "activities"
    return bool((typed | activities["done_month"].notna() | activities["progress_pct"].notna()).any())


def activity_progress(plan: Dataset, fiscal_year: int, quarter: int) -> pd.DataFrame:
    """:func:`activity_table` plus, at the quarter's end: started, due, done, overdue, months_overdue, status_known.

    due = last planned month ≤ the quarter's last month; done = done month ≤ it; overdue = due
    and not done, and only when the year has any status (:func:`status_known`; else nothing is
    overdue); months_overdue = quarter's last month − last planned month (in months).
    Source: seed 002 §5 calc. 8 ("compare activities due by each quarter with those done").
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    frame = activity_table(plan, fy)
    end = quarter_months(fy, q)[-1]
    if frame.empty:
        for col in ("started", "due", "done", "overdue", "status_known"):
            frame[col] = pd.Series(dtype="bool")
        frame["months_overdue"] = pd.Series(dtype="Int64")
        return frame
    frame = frame.copy()
    known = status_known(frame)
    frame["started"] = frame["first_month"] <= end
    frame["due"] = frame["last_month"] <= end
    frame["done"] = frame["done_month"].notna() & (frame["done_month"] <= end)
    frame["overdue"] = frame["due"] & ~frame["done"] & known
    frame["status_known"] = known
    late = [(end - last).n if over else pd.NA for last, over in zip(frame["last_month"], frame["overdue"])]
    frame["months_overdue"] = pd.array(late, dtype="Int64")
    return frame


def due_done_counts(progress: pd.DataFrame) -> pd.DataFrame:
    """Per owner (KPI or project): activities planned, due, done of due, done early, overdue.

    Input: :func:`activity_progress`. done = done among the due ones; done_early = done but
    not yet due.
    """
    cols = ["owner_code", "planned", "due", "done", "done_early", "overdue"]
    if progress.empty:
        return pd.DataFrame(columns=cols)
    grouped = progress.groupby("owner_code", sort=False)
    out = pd.DataFrame({
        "planned": grouped.size(),
        "due": grouped["due"].sum(),
        "done": grouped.apply(lambda g: int((g["due"] & g["done"]).sum()), include_groups=False),
        "done_early": grouped.apply(lambda g: int((~g["due"] & g["done"]).sum()), include_groups=False),
        "overdue": grouped["overdue"].sum(),
    }).reset_index()
    return out[cols].astype({c: "int64" for c in cols[1:]})


# ---------------------------------------------------------------- budget


def budget_progress(plan: Dataset, fiscal_year: int, quarter: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(by project, by strategy): planned budget of the year vs spent in quarters 1..q.

    spent % = 100 × spent ÷ planned (none when nothing is planned). A project with no ``spending`` row
    in quarters 1..q (or a plan without the table) has spent NaN and ``reported`` False: missing is
    never 0 %. A strategy's spent sums its reporting projects (NaN when none reported). Strategy = the
    project's ``strategy_code``. Source: seed 001 §6 ("per project … budget"), data contract ``spending``.
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    cols = ["project_code", "name_th", "strategy_code", "planned", "spent", "spent_pct", "remaining", "reported"]
    planned = pd.Series(dtype="float64")
    spent = pd.Series(dtype="float64")
    if plan.has("budgets"):
        b = plan["budgets"]
        planned = b[b["fiscal_year"] == fy].groupby("project_code")["amount"].sum()
    if plan.has("spending"):
        s = plan["spending"]
        spent = s[(s["fiscal_year"] == fy) & (s["quarter"] <= q)].groupby("project_code")["amount"].sum()
    codes = list(dict.fromkeys(list(planned.index) + list(spent.index)))
    if not codes:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=["strategy_code", "planned", "spent", "spent_pct"])
    projects = plan["projects"].set_index("code") if plan.has("projects") else pd.DataFrame()
    rows = []
    for code in codes:
        p = planned.get(code, math.nan)
        sp = float(spent.get(code, math.nan))
        rows.append({
            "project_code": code,
            "name_th": projects["name_th"].get(code) if "name_th" in projects else None,
            "strategy_code": projects["strategy_code"].get(code) if "strategy_code" in projects else None,
            "planned": p,
            "spent": sp,
            "spent_pct": _pct(sp, p),
            "remaining": p - sp if pd.notna(p) and pd.notna(sp) else math.nan,
            "reported": code in spent.index,
        })
    by_project = pd.DataFrame(rows, columns=cols)
    by_code = by_project.assign(strategy_code=by_project["strategy_code"].fillna("–"))
    by_strategy = by_code.groupby("strategy_code", sort=False).agg(
        planned=("planned", lambda v: v.sum(min_count=1)),
        spent=("spent", lambda v: v.sum(min_count=1)),
        reported=("reported", "sum"),
        projects=("project_code", "size"),
    ).reset_index()
    by_strategy["spent_pct"] = [_pct(s, p) for p, s in zip(by_strategy["planned"], by_strategy["spent"])]
    return by_project, by_strategy


def budget_coverage(plan: Dataset, by_project: pd.DataFrame) -> tuple[int, int]:
    """(projects that reported spending, projects of the plan): hwfund FY2568 Q2 → (1, 9).

    The plan's projects are those of the ``projects`` table, with any project that has a budget or a
    spending row. Printed wherever a spent % is shown ("budget: 1 of 9 projects reported").
    """
    projects = set(by_project["project_code"].astype(str)) if not by_project.empty else set()
    if plan.has("projects"):
        projects |= set(plan["projects"]["code"].astype(str))
    reported = int(by_project["reported"].sum()) if not by_project.empty else 0
    return reported, len(projects)


def coverage_text(reported: int, of: int) -> str:
    """``รายงานการเบิกจ่าย 1 จาก 9 โครงการ / spending reported by 1 of 9 projects``."""
    return f"รายงานการเบิกจ่าย {reported} จาก {of} โครงการ / spending reported by {reported} of {of} projects"


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class QuarterlyProgress:
    """Everything the quarterly progress report shows, computed once."""

    org_code: str
    org_name: str
    fiscal_year: int
    quarter: int
    quarter_start: pd.Timestamp
    quarter_end: pd.Timestamp
    kpis: pd.DataFrame
    activities: pd.DataFrame
    activity_counts: pd.DataFrame
    budget_by_project: pd.DataFrame
    budget_by_strategy: pd.DataFrame
    lending: pd.DataFrame | None
    slippages: pd.DataFrame
    summary: pd.DataFrame
    illustrative: tuple[str, ...] = field(default_factory=tuple)
    rag: RagThresholds = field(default_factory=RagThresholds)
    method: str = "step"
    below: str = "zero"


def slippages(kpi_rows: pd.DataFrame, counts: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
    """The ``top`` largest slippages: KPIs behind target and owners with overdue activities.

    KPI: behind % = 100 − achievement % (amber or red only). Activities of one owner: behind %
    = 100 × overdue ÷ due. Sorted by behind % (largest first), then code.
    """
    rows = []
    for _, r in kpi_rows.iterrows() if not kpi_rows.empty else []:
        if r["rag"] in ("amber", "red"):
            result, target = f"{r['actual_ytd']:,.2f}", f"{r['target_to_date']:,.2f}"
            pct = f"{r['achievement_pct']:.1f}%"
            rows.append({
                "kind": "KPI",
                "code": r["kpi_code"],
                "behind_pct": round(100 - r["achievement_pct"], 2),
                "detail_th": f"ผลสะสม {result} เทียบเป้าถึงไตรมาสนี้ {target} ({pct})",
                "detail_en": f"result {result} vs target to date {target} ({pct})",
            })
    for _, c in counts.iterrows() if not counts.empty else []:
        if c["overdue"] > 0:
            rows.append({
                "kind": "activities",
                "code": c["owner_code"],
                "behind_pct": round(100 * c["overdue"] / c["due"], 2),
                "detail_th": f"กิจกรรมค้าง {c['overdue']} จาก {c['due']} ที่ถึงกำหนด",
                "detail_en": f"{c['overdue']} of {c['due']} due activities overdue",
            })
    frame = pd.DataFrame(rows, columns=["kind", "code", "behind_pct", "detail_th", "detail_en"])
    if frame.empty:
        return frame
    ordered = frame.sort_values(["behind_pct", "code"], ascending=[False, True], kind="stable")
    return ordered.head(top).reset_index(drop=True)


def _pct(part: float, whole: float) -> float:
    """100 × part ÷ whole, 2 decimals; NaN when nothing (or nothing valid) is planned."""
    return round(100 * part / whole, 2) if whole and pd.notna(whole) and whole > 0 else math.nan


def executive_summary(
    kpi_rows: pd.DataFrame,
    counts: pd.DataFrame,
    by_project: pd.DataFrame,
    lending: pd.DataFrame | None,
    slips: pd.DataFrame,
    *,
    known_status: bool = True,
    coverage: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The headline table: KPIs on track x/y, activities done x/y, budget spent %, lending %, slippages.

    On track = RAG green; y = KPIs judged to date (green, amber or red). Activities done = done among
    those due; "no activity-status data" when ``known_status`` is False. Budget spent % = Σ spent ÷
    Σ planned over the projects that reported (``coverage`` = (reported, projects), printed when not
    all reported); "no spending data" when none did, never 0 %. Lending % = disbursed YTD ÷ credit
    line, the ``disbursed_pct`` row of ``lending`` (:func:`planlib.loans.lending_progress.lending_progress`).
    """
    assessed = kpi_rows[kpi_rows["rag"] != "grey"] if not kpi_rows.empty else kpi_rows
    on_track = int((assessed["rag"] == "green").sum()) if not assessed.empty else 0
    due = int(counts["due"].sum()) if not counts.empty else 0
    done = int(counts["done"].sum()) if not counts.empty else 0
    planned = float(by_project["planned"].sum(min_count=1)) if not by_project.empty else math.nan
    spent = float(by_project["spent"].sum(min_count=1)) if not by_project.empty else math.nan
    spent_pct = _pct(spent, planned)
    lend_pct = math.nan
    if lending is not None and (lending["key"] == "disbursed_pct").any():
        lend_pct = float(lending.loc[lending["key"] == "disbursed_pct", "value"].iloc[-1])
    assessed_text = f"{on_track}/{len(assessed)}" if len(assessed) else "ไม่มีข้อมูล / no data"
    done_text = f"{done}/{due}" if due else "ไม่มีกิจกรรมถึงกำหนด / none due"
    if not known_status:
        done_text = f"ไม่มีข้อมูลสถานะกิจกรรม (ถึงกำหนด {due}) / no activity-status data ({due} due)"
    if pd.notna(spent_pct):
        spent_text = f"{spent_pct:.1f}%"
        if coverage is not None and coverage[0] < coverage[1]:
            spent_text += f" ({coverage_text(*coverage)})"
    elif pd.notna(planned) and planned > 0:
        spent_text = "ไม่มีข้อมูลการเบิกจ่าย / no spending data"
    else:
        spent_text = "ไม่มีข้อมูลงบประมาณ / no budget data"
    lend_text = f"{lend_pct:.1f}%" if pd.notna(lend_pct) else "ไม่มีข้อมูลสินเชื่อ / no lending data"
    rows = [
        ("kpis_on_track", "ตัวชี้วัดที่เป็นไปตามเป้า", "KPIs on track", on_track, len(assessed), assessed_text),
        ("activities_done", "กิจกรรมที่ถึงกำหนดและเสร็จแล้ว", "activities due and done", done, due, done_text),
        ("budget_spent_pct", "เบิกจ่ายงบประมาณ (% ของแผนทั้งปี)", "budget spent (% of the year's plan)", spent, planned,
         spent_text),
        ("lending_pct", "ปล่อยกู้สะสม (% ของกรอบวงเงิน)", "lending (% of credit line)", lend_pct, math.nan, lend_text),
    ]
    for i, s in enumerate(slips.itertuples() if not slips.empty else [], start=1):
        rows.append((f"slippage_{i}", f"ความล่าช้าอันดับ {i}: {s.code}", f"slippage {i}: {s.code} ({s.kind})",
                     s.behind_pct, math.nan, f"{s.detail_th} / {s.detail_en}"))
    return pd.DataFrame(rows, columns=["key", "indicator_th", "indicator_en", "value", "of", "shown"])


def quarterly_progress(
    plan: Plan,
    fiscal_year: int,
    quarter: int,
    *,
    lending: pd.DataFrame | None = None,
    illustrative: Iterable[str] = (),
    rag: RagThresholds | None = None,
    method: str = "step",
    below: str = "zero",
) -> QuarterlyProgress:
    """The whole quarterly progress report for one fiscal quarter (rules in the module docstring).

    ``lending`` is the lending table of the quarter, computed on the loans side by
    :func:`planlib.loans.lending_progress.lending_progress` (plans never read loan books); None when the
    organisation lends nothing. ``illustrative`` names further tables whose figures are illustrative
    (the portfolio's ``synthetic``); the plan's own synthetic tables are always listed.
    """
    expect(plan, Dataset, "progress.quarterly_progress")
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    rag = rag or RagThresholds()
    kpi_rows = kpi_progress(plan, fy, q, rag=rag, method=method, below=below)
    acts = activity_progress(plan, fy, q)
    counts = due_done_counts(acts)
    by_project, by_strategy = budget_progress(plan, fy, q)
    slips = slippages(kpi_rows, counts)
    known = status_known(acts)
    coverage = budget_coverage(plan, by_project)
    summary = executive_summary(kpi_rows, counts, by_project, lending, slips, known_status=known, coverage=coverage)
    marked = tuple(sorted(set(plan.synthetic) | set(illustrative)))
    return QuarterlyProgress(
        plan.org_code, plan.org_name, fy, q, thai.quarter_start(fy, q), thai.quarter_end(fy, q), kpi_rows, acts,
        counts, by_project, by_strategy, lending, slips, summary, marked, rag, method, below,
    )


# ---------------------------------------------------------------- checks


def activity_status_rows(dataset: Dataset) -> Iterator[Problem]:
    """``activity_status`` rows must name a planned activity and cannot be done before it starts."""
    status, acts = dataset.tables.get("activity_status"), dataset.tables.get("activities")
    if status is None or status.empty:
        return
    if acts is None:
        yield checks.located(dataset, "error", "missing_table_activities", "activity_status", None, "owner_code", "")
        return
    starts = {(str(o), str(n)): s for o, n, s in zip(acts["owner_code"], acts["activity_no"], acts["start_month"])}
    for row, rec in status.iterrows():
        key = (str(rec["owner_code"]), str(rec["activity_no"]))
        if key not in starts:
            yield checks.located(dataset, "error", "unknown_code_activity", "activity_status", row, "activity_no",
                                 "/".join(key), owner=key[0], number=key[1])
            continue
        done, start = rec.get("done_month"), starts[key]
        if done is not None and pd.notna(done) and pd.notna(start) and done < start:
            yield checks.located(dataset, "error", "order_done_before_start", "activity_status", row, "done_month",
                                 thai.format_month(done), done=thai.format_month(done), start=thai.format_month(start))


# ---------------------------------------------------------------- tables for reports


NOT_PROJECTABLE = "ไม่คาดการณ์ (ระดับ/ผลผลิต) / not projectable"
"""The projection cell of a level or milestone KPI before Q4 (:func:`planlib.plans.kpi.project_year_end`)."""


def rag_text(rag: str, judged: str = "to date") -> str:
    """A RAG cell: ``เขียว (ตามเป้า) / green``; a level KPI not yet at target: ``เทา (วัดผลสิ้นปี) / grey: …``."""
    if rag == "grey" and judged == "year end":
        return "เทา (วัดผลสิ้นปี) / grey: judged at year end"
    return f"{RAG_TH[rag]} / {rag}"


def kpi_table_shown(kpi_rows: pd.DataFrame) -> pd.DataFrame:
    """KPI progress with bilingual headers, the RAG in Thai and "not projectable" where no projection applies."""
    if kpi_rows.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "ตัวชี้วัด / KPI": kpi_rows["kpi_code"],
        "ชื่อ / name": kpi_rows["name_th"],
        "หน่วย / unit": kpi_rows["unit"],
        "เป้าทั้งปี / year target": kpi_rows["year_target"],
        "เป้าถึงไตรมาสนี้ / target to date": kpi_rows["target_to_date"],
        "ผลสะสม / result YTD": kpi_rows["actual_ytd"],
        "ร้อยละของเป้า / % of target": kpi_rows["achievement_pct"],
        "สถานะ / RAG": [rag_text(r, j) for r, j in zip(kpi_rows["rag"], kpi_rows["judged"])],
        "ระดับที่ได้ / level": kpi_rows["level"],
        "คาดการณ์สิ้นปี / projection": [
            NOT_PROJECTABLE if pd.isna(v) and pd.notna(a) else v
            for v, a in zip(kpi_rows["projection"], kpi_rows["actual_ytd"])
        ],
        "ระดับที่คาด / projected level": kpi_rows["projected_level"],
        "ที่มาของเป้า / target source": kpi_rows["target_source"],
    })


def activity_table_shown(acts: pd.DataFrame, *, only_overdue: bool = False) -> pd.DataFrame:
    """Activities (or only the overdue ones) with Thai month labels and bilingual headers."""
    if acts.empty:
        return pd.DataFrame()
    rows = acts[acts["overdue"]] if only_overdue else acts
    status = [
        "เสร็จ / done" if d else "เลยกำหนด / overdue" if o else
        "ไม่มีข้อมูลสถานะ / no status data" if due and not known else "ยังไม่ถึงกำหนด / not due"
        for d, o, due, known in zip(rows["done"], rows["overdue"], rows["due"], rows["status_known"])
    ]
    return pd.DataFrame({
        "เจ้าของ / owner": rows["owner_code"],
        "ที่ / no": rows["activity_no"],
        "กิจกรรม / activity": rows["text_th"],
        "เดือนสุดท้ายตามแผน / last planned": rows["last_month"],
        "เดือนที่เสร็จ / done": rows["done_month"],
        "สถานะ / status": status,
        "ล่าช้า (เดือน) / months overdue": rows["months_overdue"],
    })


NOT_REPORTED = "ไม่มีรายงาน / not reported"
"""The spent cell of a project without spending rows: missing, never 0."""


def budget_table_shown(frame: pd.DataFrame, by: str = "project") -> pd.DataFrame:
    """Budget planned vs spent with bilingual headers (``by`` = project or strategy); "not reported", never 0."""
    if frame.empty:
        return pd.DataFrame()
    first = {"project": ("โครงการ / project", "project_code"), "strategy": ("กลยุทธ์ / strategy", "strategy_code")}[by]
    out = {first[0]: frame[first[1]]}
    if by == "project":
        out["ชื่อ / name"] = frame["name_th"]
    out["แผน (บาท) / planned"] = frame["planned"]
    out["ใช้จ่ายสะสม (บาท) / spent"] = [NOT_REPORTED if pd.isna(v) else v for v in frame["spent"]]
    out["ร้อยละ / % spent"] = frame["spent_pct"]
    if by == "strategy":
        out["รายงานแล้ว / reported"] = [f"{r} / {n}" for r, n in zip(frame["reported"], frame["projects"])]
    return pd.DataFrame(out)


def rules_text(report: QuarterlyProgress) -> list[str]:
    """The stated rules the report applies, one sentence each (printed under the figures)."""
    return [
        f"ไตรมาส / quarter: {thai.format_quarter(report.fiscal_year, report.quarter)} = "
        f"{thai.format_date(report.quarter_start)} – {thai.format_date(report.quarter_end)}",
        "ผลตัวชี้วัดเป็นค่าสะสมตั้งแต่ต้นปี เทียบกับเป้าสะสมถึงไตรมาสนี้ / KPI results are year to date, "
        "against the cumulative target to the quarter (linear from the start value when no quarterly target is given; "
        "level and milestone KPIs against their year-end target, not straight-lined)",
        f"สถานะ / RAG: เขียว green ≥ {report.rag.green:g}% ของเป้า, เหลือง amber ≥ {report.rag.amber:g}%, "
        "แดง red ต่ำกว่านั้น; เทา grey = ไม่มีข้อมูล หรือตัวชี้วัดแบบระดับที่ยังไม่ถึงเป้า ซึ่งวัดผลเมื่อสิ้นปี / "
        "grey = no data, or a level KPI not yet at its target, judged at year end",
        f"คาดการณ์สิ้นปี / projection: {PROJECTION_METHOD}",
        f"วิธีให้คะแนนระดับ / level scoring: {kpi.method_text(report.method, report.below)}",
        "กิจกรรมถึงกำหนดเมื่อเดือนสุดท้ายตามแผนไม่เกินเดือนสุดท้ายของไตรมาส / an activity is due when its last planned month "
        "is on or before the quarter's last month; overdue = due and not done (ไม่มีข้อมูลสถานะ = ไม่นับว่าเลยกำหนด / "
        "without any status data nothing is counted overdue)",
        "งบประมาณ: โครงการที่ไม่มีรายงานการเบิกจ่ายแสดงว่า ไม่มีรายงาน ไม่ใช่ 0 / budget: a project without spending rows "
        "shows 'not reported', never 0",
    ]
