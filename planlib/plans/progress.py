"""Quarterly progress for the board: KPIs to date, activities due vs done, budget, lending.

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
* **Achievement %** = 100 × result ÷ target to date (higher is better) or 100 × target ÷ result
  (lower is better). **RAG**: green ≥ ``green`` %, amber ≥ ``amber`` %, red below; grey when
  there is no result or no target (:class:`RagThresholds`, configurable).
  A previous result in another unit (``kpi_history.unit``), or outside 0–100 for a % KPI
  (DSDW K3's baseline is a count of households, seed 002 §2), is not comparable and not used.
* **Naive year-end projection** = start + (result − start) × 4 ÷ q (straight-line run rate).
* **Activities**: planned months are ``activities.months`` when given, else start..end. An
  activity is *due* by a quarter when its last planned month is on or before the quarter's
  last month, *done* when its done month is, *overdue* when due and not done. Done months come
  from ``activities.done_month``, else from the ``activity_status`` table.
* **Budget**: planned = ``budgets`` of the year; spent to date = ``spending`` of quarters 1..q.
* **Slippages**: a KPI behind target counts 100 − achievement %; a KPI or project with overdue
  activities counts 100 × overdue ÷ due; the three largest are listed (ties by code).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from planlib.inputs import checks, thai
from planlib.inputs.problems import Problem
from planlib.plans import kpi

# ---------------------------------------------------------------- calendar


def check_quarter(quarter: object) -> int:
    """The quarter as an int 1–4, or a ValueError naming the bad value in English and Thai."""
    try:
        q = int(quarter)  # type: ignore[call-overload]
        whole = not isinstance(quarter, bool) and float(quarter) == q  # type: ignore[arg-type]
    except (TypeError, ValueError):
        q, whole = -1, False
    if q not in (1, 2, 3, 4) or not whole:
        raise ValueError(f"fiscal quarter must be 1, 2, 3 or 4 (Q1 = Oct–Dec), got {quarter!r} / "
                         f"ไตรมาสต้องเป็น 1, 2, 3 หรือ 4 (ไตรมาส 1 = ต.ค.–ธ.ค.) แต่พบ {quarter!r}")  # fmt: skip
    return q


def check_fiscal_year(fiscal_year: object) -> int:
    """The BE fiscal year as an int, or a ValueError (a CE year such as 2023 is refused)."""
    try:
        fy = int(fiscal_year)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        fy = -1
    if not thai.BE_RANGE[0] <= fy <= thai.BE_RANGE[1]:
        raise ValueError(f"fiscal year must be a Buddhist-Era year such as 2568, got {fiscal_year!r} / "
                         f"ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568 แต่พบ {fiscal_year!r}")  # fmt: skip
    return fy


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
            raise ValueError(f"amber ({self.amber}) must not exceed green ({self.green}) / เกณฑ์สีเหลืองต้องไม่เกินสีเขียว")

    def status(self, achievement: float) -> str:
        """``green``/``amber``/``red``, or ``grey`` when achievement is unknown."""
        if achievement is None or pd.isna(achievement):
            return "grey"
        return "green" if achievement >= self.green else "amber" if achievement >= self.amber else "red"


RAG_TH = {"green": "เขียว (ตามเป้า)", "amber": "เหลือง (ต้องติดตาม)", "red": "แดง (ต่ำกว่าเป้า)", "grey": "เทา (ไม่มีข้อมูล)"}
PROJECTION_METHOD = "naive straight line: start + (YTD − start) × 4 ÷ quarter / เส้นตรงอย่างง่าย: ค่าเริ่ม + (ผลสะสม − ค่าเริ่ม) × 4 ÷ ไตรมาส"


def _start_value(kpi_row: pd.Series, history: pd.DataFrame | None, fiscal_year: int) -> tuple[float, str]:
    if pd.notna(kpi_row.get("baseline")):
        return float(kpi_row["baseline"]), "kpis.baseline"
    if history is not None and not history.empty:
        prev = history[(history["kpi_code"] == kpi_row["code"]) & (history["fiscal_year"] == fiscal_year - 1)]
        if "kind" in prev:
            prev = prev[prev["kind"].isna() | (prev["kind"] == "result")]
        if "unit" in prev and isinstance(kpi_row.get("unit"), str):
            prev = prev[prev["unit"].isna() | (prev["unit"] == kpi_row["unit"])]
        if _is_percent(kpi_row.get("unit")):
            prev = prev[prev["value"].between(0, 100)]
        if not prev.empty:
            return float(prev["value"].iloc[-1]), f"kpi_history {fiscal_year - 1}"
    return 0.0, "0 (no baseline)"


def _is_percent(unit: object) -> bool:
    return isinstance(unit, str) and ("ร้อยละ" in unit or "%" in unit or unit.lower().startswith("percent"))


def kpi_progress(
    plan,  # type: ignore[no-untyped-def]
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
            middle = own_levels.iloc[(len(own_levels) - 1) // 2] if len(own_levels) % 2 else own_levels.iloc[len(own_levels) // 2 - 1]
            year_target = float(middle["threshold"])
            target_source = f"level {middle['level']:g} threshold (no target in kpi_targets)"
        if pd.notna(quarter_target):
            to_date, path = quarter_target, f"kpi_targets Q{q}"
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
        projection = round(start + (actual - start) * 4 / q, 4) if pd.notna(actual) else math.nan
        row = {
            "kpi_code": code, "name_th": k.get("name_th"), "name_en": k.get("name_en"), "unit": k["unit"],
            "direction": direction, "start": start, "start_source": start_source, "year_target": year_target,
            "target_source": target_source, "target_to_date": to_date, "target_path": path, "actual_ytd": actual,
            "as_of_quarter": as_of, "achievement_pct": achievement, "rag": rag.status(achievement),
            "level": math.nan, "level_label": None, "score": math.nan, "below_lowest": False, "method": method,
            "rule": rule, "projection": projection, "projection_method": PROJECTION_METHOD, "projected_level": math.nan,
        }  # fmt: skip
        if own_levels is not None and not own_levels.empty and pd.notna(actual):
            now = kpi.score_value(actual, own_levels, direction=direction, method=method, below=below)
            then = kpi.score_value(projection, own_levels, direction=direction, method="step", below=below)
            row.update(level=now.level, level_label=now.label, score=now.score, below_lowest=now.below_lowest,
                       projected_level=then.level)  # fmt: skip
        rows.append(row)
    frame = pd.DataFrame(rows, columns=None if rows else ["kpi_code", "rag", "achievement_pct"])
    if not frame.empty:
        frame["as_of_quarter"] = frame["as_of_quarter"].astype("Int64")
    return frame


# ---------------------------------------------------------------- activities


def planned_months(activity: pd.Series) -> list[pd.Period]:
    """Planned months of one activity: its ``months`` list, else every month from start to end."""
    months = activity.get("months")
    if isinstance(months, str) and months.strip():
        return sorted({thai.parse_month(part.strip()) for part in months.split(",") if part.strip()})  # type: ignore[type-var]
    start, end = activity.get("start_month"), activity.get("end_month")
    if pd.isna(start) or pd.isna(end):
        return []
    return list(pd.period_range(start, end, freq="M"))


def activity_table(plan, fiscal_year: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Activities with at least one planned month in the fiscal year, with their done status.

    Columns: owner_code, activity_no, text_th, text_en, planned (list of months), first_month,
    last_month, done_month, progress_pct, status_source (``activities``, ``activity_status``
    or ``activity_status (illustrative)``). A done month typed in ``activities`` wins over the
    ``activity_status`` table.
    """
    fy = check_fiscal_year(fiscal_year)
    columns = ["owner_code", "activity_no", "text_th", "text_en", "planned", "first_month", "last_month",
               "done_month", "progress_pct", "status_source"]  # fmt: skip
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
            "row": row_no, "owner_code": act["owner_code"], "activity_no": act["activity_no"], "text_th": act.get("text_th"),
            "text_en": act.get("text_en"), "planned": planned, "first_month": planned[0], "last_month": planned[-1],
            "done_month": done if done is not None and pd.notna(done) else pd.NaT, "progress_pct": pct, "status_source": source,
        })  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows).set_index("row")
    for col in ("first_month", "last_month", "done_month"):
        frame[col] = pd.PeriodIndex(frame[col], freq="M")
    frame["progress_pct"] = pd.to_numeric(frame["progress_pct"], errors="coerce")
    return frame


def activity_progress(plan, fiscal_year: int, quarter: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """:func:`activity_table` plus, at the quarter's end: started, due, done, overdue, months_overdue.

    due = last planned month ≤ the quarter's last month; done = done month ≤ it; overdue = due
    and not done; months_overdue = quarter's last month − last planned month (in months).
    Source: seed 002 §5 calc. 8 ("compare activities due by each quarter with those done").
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    frame = activity_table(plan, fy)
    end = quarter_months(fy, q)[-1]
    if frame.empty:
        for col in ("started", "due", "done", "overdue"):
            frame[col] = pd.Series(dtype="bool")
        frame["months_overdue"] = pd.Series(dtype="Int64")
        return frame
    frame = frame.copy()
    frame["started"] = frame["first_month"] <= end
    frame["due"] = frame["last_month"] <= end
    frame["done"] = frame["done_month"].notna() & (frame["done_month"] <= end)
    frame["overdue"] = frame["due"] & ~frame["done"]
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
    }).reset_index()  # fmt: skip
    return out[cols].astype({c: "int64" for c in cols[1:]})


# ---------------------------------------------------------------- budget


def budget_progress(plan, fiscal_year: int, quarter: int) -> tuple[pd.DataFrame, pd.DataFrame]:  # type: ignore[no-untyped-def]
    """(by project, by strategy): planned budget of the year vs spent in quarters 1..q.

    spent % = 100 × spent ÷ planned (none when nothing is planned). Strategy = the project's
    ``strategy_code``. Source: seed 001 §6 ("per project … budget"), data contract ``spending``.
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    cols = ["project_code", "name_th", "strategy_code", "planned", "spent", "spent_pct", "remaining"]
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
        sp = float(spent.get(code, 0.0))
        rows.append({
            "project_code": code,
            "name_th": projects["name_th"].get(code) if "name_th" in projects else None,
            "strategy_code": projects["strategy_code"].get(code) if "strategy_code" in projects else None,
            "planned": p, "spent": sp,
            "spent_pct": round(100 * sp / p, 2) if pd.notna(p) and p > 0 else math.nan,
            "remaining": p - sp if pd.notna(p) else math.nan,
        })  # fmt: skip
    by_project = pd.DataFrame(rows, columns=cols)
    by_strategy = (by_project.assign(strategy_code=by_project["strategy_code"].fillna("–"))
                   .groupby("strategy_code", sort=False)[["planned", "spent"]].sum(min_count=1).reset_index())  # fmt: skip
    by_strategy["spent_pct"] = [round(100 * s / p, 2) if pd.notna(p) and p > 0 else math.nan
                                for p, s in zip(by_strategy["planned"], by_strategy["spent"])]  # fmt: skip
    return by_project, by_strategy


# ---------------------------------------------------------------- lending


LENDING_COLUMNS = ["key", "measure_th", "measure_en", "value", "unit", "as_of", "source"]


def lending_progress(portfolio, fiscal_year: int, quarter: int) -> pd.DataFrame | None:  # type: ignore[no-untyped-def]
    """Lending at the quarter's end: disbursed year to date vs the credit line, and arrears.

    Every figure comes from the loan-statistics modules, never recomputed here:

    * credit line = ``target_amount`` of the year (:func:`planlib.loans.lending.yearly`, main source);
    * disbursed YTD = loans contracted from 1 Oct to the quarter's end
      (:func:`planlib.loans.portfolio.originations` on those loans), as count and amount;
    * disbursed % of the credit line = :func:`planlib.loans.lending.disbursement` (actual ÷ credit line × 100);
    * arrears at the quarter's end = :func:`planlib.loans.portfolio.quality` of the loan book's snapshot
      (overdue amount, arrears rate, PAR30), only when the loan data reach the quarter's end;
      otherwise a published ``lending_annual`` arrears stock dated inside the quarter
      (:func:`planlib.loans.lending.stocks`).

    Rows: key, measure_th, measure_en, value, unit, as_of, source. None when the organisation has
    no lending tables; rows the data cannot support are omitted and a ``note`` row says why.
    """
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    if portfolio is None or not (portfolio.has("lending_annual") or portfolio.has("loans")):
        return None
    from planlib.loans import lending
    from planlib.loans import portfolio as loanbook

    q_start, q_end = thai.fiscal_year_start(fy), thai.quarter_end(fy, q)
    label = "ข้อมูลสมมติ (illustrative)" if {"loans", "lending_annual"} & set(portfolio.synthetic) else ""
    rows: list[dict[str, object]] = []

    def add(key: str, th: str, en: str, value: object, unit: str, as_of: object, source: str) -> None:
        rows.append({"key": key, "measure_th": th, "measure_en": en, "value": value, "unit": unit, "as_of": as_of,
                     "source": f"{source} {label}".strip() if source in ("loans", "loans + payments") else source})  # fmt: skip

    credit = math.nan
    if portfolio.has("lending_annual"):
        year = lending.yearly(portfolio["lending_annual"])
        year = year[year["fiscal_year"] == fy]
        if not year.empty and pd.notna(year["target_amount"].iloc[0]):
            credit = float(year["target_amount"].iloc[0])
            add("credit_line", "กรอบวงเงินให้กู้ของปี", "credit line of the year", credit, "บาท", pd.NaT,
                f"lending_annual ({year['source'].iloc[0]})")  # fmt: skip
    data_end = pd.NaT
    if portfolio.has("loans"):
        loans = portfolio["loans"]
        dates = [pd.to_datetime(loans["contract_date"]).max()]
        if portfolio.has("payments"):
            dates.append(pd.to_datetime(portfolio["payments"]["paid_date"]).max())
        data_end = max(d for d in dates if pd.notna(d))
        if data_end < q_start:
            add("note", f"ข้อมูลเงินกู้รายสัญญาสิ้นสุด {thai.format_date(data_end)} ก่อนปีงบประมาณนี้",
                f"the loan data end on {thai.format_date(data_end)}, before this fiscal year", math.nan, "", data_end, "loans")  # fmt: skip
        else:
            to_date = loans[pd.to_datetime(loans["contract_date"]) <= q_end]
            made = loanbook.originations(to_date, fy)
            disbursed = float(made["amount"].sum())
            add("disbursed_count", "จำนวนสัญญาที่ปล่อยกู้สะสม", "loans disbursed year to date",
                int(made["individuals"].sum() + made["groups"].sum()), "สัญญา", q_end, "loans")  # fmt: skip
            add("disbursed_amount", "จำนวนเงินที่ปล่อยกู้สะสม", "amount disbursed year to date", disbursed, "บาท", q_end, "loans")
            if pd.notna(credit):
                rate = lending.disbursement(pd.DataFrame({"fiscal_year": [fy], "target_amount": [credit],
                                                          "actual_amount": [disbursed], "source": ["year to date"]}))  # fmt: skip
                add("disbursed_pct", "ปล่อยกู้สะสม (% ของกรอบวงเงิน)", "disbursed, % of the credit line",
                    float(rate["disbursement_rate"].iloc[0]), "%", q_end, "loans ÷ lending_annual")  # fmt: skip
            if q_end <= data_end:
                book = loanbook.Book.from_portfolio(portfolio)
                quality = loanbook.quality(book.snapshot(q_end)).iloc[0]  # type: ignore[union-attr]
                add("outstanding", "ลูกหนี้คงค้าง (เงินต้น)", "outstanding principal", float(quality["outstanding"]), "บาท", q_end, "loans + payments")
                add("arrears_amount", "หนี้ค้างชำระ ณ สิ้นไตรมาส", "arrears at the quarter's end", float(quality["overdue"]), "บาท", q_end,
                    "loans + payments")  # fmt: skip
                add("arrears_rate", "อัตราหนี้ค้างชำระ (% ของลูกหนี้คงค้าง)", "arrears rate, % of outstanding",
                    round(100 * float(quality["arrears_rate"]), 2), "%", q_end, "loans + payments")  # fmt: skip
                add("par30", "PAR30 (% ของลูกหนี้คงค้าง)", "PAR30, % of outstanding", round(100 * float(quality["par30"]), 2), "%", q_end,
                    "loans + payments")  # fmt: skip
            else:
                add("note", f"ข้อมูลเงินกู้รายสัญญาสิ้นสุด {thai.format_date(data_end)} ก่อนสิ้นไตรมาส จึงไม่คำนวณหนี้ค้าง",
                    f"the loan data end on {thai.format_date(data_end)}, before the quarter's end: no arrears computed",
                    math.nan, "", data_end, "loans")  # fmt: skip
    if not any(r["key"] == "arrears_amount" for r in rows) and portfolio.has("lending_annual"):
        stocks = lending.stocks(portfolio["lending_annual"])
        inside = stocks[(stocks["measure"] == "arrears") & (stocks["as_of"] >= thai.quarter_start(fy, q)) & (stocks["as_of"] <= q_end)]
        for _, st in inside.iterrows():
            add("arrears_amount", "หนี้ค้างชำระ (ตามที่เผยแพร่)", "arrears as published", st["amount"], "บาท", st["as_of"],
                f"lending_annual ({st['source']})")  # fmt: skip
    return pd.DataFrame(rows, columns=LENDING_COLUMNS)


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
            rows.append({"kind": "KPI", "code": r["kpi_code"], "behind_pct": round(100 - r["achievement_pct"], 2),
                         "detail_th": f"ผลสะสม {r['actual_ytd']:,.2f} เทียบเป้าถึงไตรมาสนี้ {r['target_to_date']:,.2f} ({r['achievement_pct']:.1f}%)",
                         "detail_en": f"result {r['actual_ytd']:,.2f} vs target to date {r['target_to_date']:,.2f} ({r['achievement_pct']:.1f}%)"})  # fmt: skip
    for _, c in counts.iterrows() if not counts.empty else []:
        if c["overdue"] > 0:
            rows.append({"kind": "activities", "code": c["owner_code"], "behind_pct": round(100 * c["overdue"] / c["due"], 2),
                         "detail_th": f"กิจกรรมค้าง {c['overdue']} จาก {c['due']} ที่ถึงกำหนด",
                         "detail_en": f"{c['overdue']} of {c['due']} due activities overdue"})  # fmt: skip
    frame = pd.DataFrame(rows, columns=["kind", "code", "behind_pct", "detail_th", "detail_en"])
    if frame.empty:
        return frame
    return frame.sort_values(["behind_pct", "code"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 2) if whole and pd.notna(whole) and whole > 0 else math.nan


def executive_summary(
    kpi_rows: pd.DataFrame, counts: pd.DataFrame, by_project: pd.DataFrame, lending: pd.DataFrame | None, slips: pd.DataFrame
) -> pd.DataFrame:
    """The headline table: KPIs on track x/y, activities done x/y, budget spent %, lending %, slippages.

    On track = RAG green; y = KPIs with both a result and a target. Activities done = done among
    those due. Budget spent % = Σ spent ÷ Σ planned. Lending % = disbursed YTD ÷ credit line
    (from :mod:`planlib.loans.lending`).
    """
    assessed = kpi_rows[kpi_rows["rag"] != "grey"] if not kpi_rows.empty else kpi_rows
    on_track = int((assessed["rag"] == "green").sum()) if not assessed.empty else 0
    due = int(counts["due"].sum()) if not counts.empty else 0
    done = int(counts["done"].sum()) if not counts.empty else 0
    planned = float(by_project["planned"].sum(min_count=1)) if not by_project.empty else math.nan
    spent = float(by_project["spent"].sum()) if not by_project.empty else math.nan
    lend_pct = math.nan
    if lending is not None and (lending["key"] == "disbursed_pct").any():
        lend_pct = float(lending.loc[lending["key"] == "disbursed_pct", "value"].iloc[-1])
    rows = [
        ("kpis_on_track", "ตัวชี้วัดที่เป็นไปตามเป้า", "KPIs on track", on_track, len(assessed),
         f"{on_track}/{len(assessed)}" if len(assessed) else "ไม่มีข้อมูล / no data"),
        ("activities_done", "กิจกรรมที่ถึงกำหนดและเสร็จแล้ว", "activities due and done", done, due,
         f"{done}/{due}" if due else "ไม่มีกิจกรรมถึงกำหนด / none due"),
        ("budget_spent_pct", "เบิกจ่ายงบประมาณ (% ของแผนทั้งปี)", "budget spent (% of the year's plan)", spent, planned,
         f"{_pct(spent, planned):.1f}%" if pd.notna(_pct(spent, planned)) else "ไม่มีข้อมูลงบประมาณ / no budget data"),
        ("lending_pct", "ปล่อยกู้สะสม (% ของกรอบวงเงิน)", "lending (% of credit line)", lend_pct, math.nan,
         f"{lend_pct:.1f}%" if pd.notna(lend_pct) else "ไม่มีข้อมูลสินเชื่อ / no lending data"),
    ]  # fmt: skip
    for i, s in enumerate(slips.itertuples() if not slips.empty else [], start=1):
        rows.append((f"slippage_{i}", f"ความล่าช้าอันดับ {i}: {s.code}", f"slippage {i}: {s.code} ({s.kind})", s.behind_pct,
                     math.nan, f"{s.detail_th} / {s.detail_en}"))  # fmt: skip
    return pd.DataFrame(rows, columns=["key", "indicator_th", "indicator_en", "value", "of", "shown"])


def quarterly_progress(
    plan,  # type: ignore[no-untyped-def]
    fiscal_year: int,
    quarter: int,
    *,
    portfolio=None,  # type: ignore[no-untyped-def]
    rag: RagThresholds | None = None,
    method: str = "step",
    below: str = "zero",
) -> QuarterlyProgress:
    """The whole quarterly progress report for one fiscal quarter (rules in the module docstring)."""
    fy, q = check_fiscal_year(fiscal_year), check_quarter(quarter)
    rag = rag or RagThresholds()
    kpi_rows = kpi_progress(plan, fy, q, rag=rag, method=method, below=below)
    acts = activity_progress(plan, fy, q)
    counts = due_done_counts(acts)
    by_project, by_strategy = budget_progress(plan, fy, q)
    lending = lending_progress(portfolio, fy, q)
    slips = slippages(kpi_rows, counts)
    summary = executive_summary(kpi_rows, counts, by_project, lending, slips)
    illustrative = tuple(sorted(set(plan.synthetic) | (set(portfolio.synthetic) if portfolio is not None else set())))
    return QuarterlyProgress(plan.org_code, plan.org_name, fy, q, thai.quarter_start(fy, q), thai.quarter_end(fy, q),
                             kpi_rows, acts, counts, by_project, by_strategy, lending, slips, summary, illustrative, rag, method, below)  # fmt: skip


# ---------------------------------------------------------------- checks


def activity_status_rows(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """``activity_status`` rows must name a planned activity and cannot be done before it starts."""
    status, acts = dataset.tables.get("activity_status"), dataset.tables.get("activities")
    if status is None or status.empty:
        return
    if acts is None:
        yield checks.problem(dataset, "error", "activity_status", None, "owner_code", "",
                             "activity_status needs the activities table", "ตาราง activity_status ต้องมีตาราง activities",
                             "missing_table")  # fmt: skip
        return
    starts = {(str(o), str(n)): s for o, n, s in zip(acts["owner_code"], acts["activity_no"], acts["start_month"])}
    for row, rec in status.iterrows():
        key = (str(rec["owner_code"]), str(rec["activity_no"]))
        if key not in starts:
            yield checks.problem(dataset, "error", "activity_status", row, "activity_no", "/".join(key),
                                 f"no planned activity {key[1]} of {key[0]} in activities",
                                 f"ไม่มีกิจกรรมที่ {key[1]} ของ {key[0]} ในตาราง activities", "unknown_code")  # fmt: skip
            continue
        done, start = rec.get("done_month"), starts[key]
        if done is not None and pd.notna(done) and pd.notna(start) and done < start:
            yield checks.problem(dataset, "error", "activity_status", row, "done_month", thai.format_month(done),
                                 f"marked done ({thai.format_month(done)}) before its start month ({thai.format_month(start)})",
                                 f"เดือนที่เสร็จ ({thai.format_month(done)}) อยู่ก่อนเดือนเริ่ม ({thai.format_month(start)})", "order")  # fmt: skip


# ---------------------------------------------------------------- tables for reports


def kpi_table_shown(kpi_rows: pd.DataFrame) -> pd.DataFrame:
    """KPI progress with bilingual headers and the RAG in Thai."""
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
        "สถานะ / RAG": [f"{RAG_TH[r]} / {r}" for r in kpi_rows["rag"]],
        "ระดับที่ได้ / level": kpi_rows["level"],
        "คาดการณ์สิ้นปี / projection": kpi_rows["projection"],
        "ระดับที่คาด / projected level": kpi_rows["projected_level"],
        "ที่มาของเป้า / target source": kpi_rows["target_source"],
    })  # fmt: skip


def activity_table_shown(acts: pd.DataFrame, *, only_overdue: bool = False) -> pd.DataFrame:
    """Activities (or only the overdue ones) with Thai month labels and bilingual headers."""
    if acts.empty:
        return pd.DataFrame()
    rows = acts[acts["overdue"]] if only_overdue else acts
    status = ["เสร็จ / done" if d else "เลยกำหนด / overdue" if o else "ยังไม่ถึงกำหนด / not due"
              for d, o in zip(rows["done"], rows["overdue"])]  # fmt: skip
    return pd.DataFrame({
        "เจ้าของ / owner": rows["owner_code"],
        "ที่ / no": rows["activity_no"],
        "กิจกรรม / activity": rows["text_th"],
        "เดือนสุดท้ายตามแผน / last planned": rows["last_month"],
        "เดือนที่เสร็จ / done": rows["done_month"],
        "สถานะ / status": status,
        "ล่าช้า (เดือน) / months overdue": rows["months_overdue"],
    })  # fmt: skip


def budget_table_shown(frame: pd.DataFrame, by: str = "project") -> pd.DataFrame:
    """Budget planned vs spent with bilingual headers (``by`` = project or strategy)."""
    if frame.empty:
        return pd.DataFrame()
    first = {"project": ("โครงการ / project", "project_code"), "strategy": ("กลยุทธ์ / strategy", "strategy_code")}[by]
    out = {first[0]: frame[first[1]]}
    if by == "project":
        out["ชื่อ / name"] = frame["name_th"]
    out.update({"แผน (บาท) / planned": frame["planned"], "ใช้จ่ายสะสม (บาท) / spent": frame["spent"],
                "ร้อยละ / % spent": frame["spent_pct"]})  # fmt: skip
    return pd.DataFrame(out)


def rules_text(report: QuarterlyProgress) -> list[str]:
    """The stated rules the report applies, one sentence each (printed under the figures)."""
    return [
        f"ไตรมาส / quarter: {thai.format_quarter(report.fiscal_year, report.quarter)} = "
        f"{thai.format_date(report.quarter_start)} – {thai.format_date(report.quarter_end)}",
        "ผลตัวชี้วัดเป็นค่าสะสมตั้งแต่ต้นปี เทียบกับเป้าสะสมถึงไตรมาสนี้ / KPI results are year to date, "
        "against the cumulative target to the quarter (linear from the start value when no quarterly target is given)",
        f"สถานะ / RAG: เขียว green ≥ {report.rag.green:g}% ของเป้า, เหลือง amber ≥ {report.rag.amber:g}%, แดง red ต่ำกว่านั้น; เทา grey = ไม่มีข้อมูล",
        f"คาดการณ์สิ้นปี / projection: {PROJECTION_METHOD}",
        f"วิธีให้คะแนนระดับ / level scoring: {kpi.method_text(report.method, report.below)}",
        "กิจกรรมถึงกำหนดเมื่อเดือนสุดท้ายตามแผนไม่เกินเดือนสุดท้ายของไตรมาส / an activity is due when its last planned month "
        "is on or before the quarter's last month; overdue = due and not done",
    ]
