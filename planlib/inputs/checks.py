"""Checks across rows and tables: duplicates, unknown codes, weights, printed totals.

Each check is a plain function ``(dataset) -> Iterable[Problem]``. The loader runs every check
named in :data:`planlib.checklist.CHECKS` after every table has been read, so an analyst sees
every problem at once. Domain modules keep their checks beside their rules; the list names them.

Severity policy: data that cannot be used as typed (unknown code, duplicate key, weights
that must sum but do not) is an ``error``; a figure that looks wrong but is what the source
prints (a printed total that does not add up, two published tables that disagree) is a
``warning`` and never fails validation.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from planlib.inputs import thai
from planlib.inputs.dataset import Dataset
from planlib.inputs.problems import Problem

Check = Callable[[Dataset], Iterable[Problem]]
_installed: list[tuple[str, str]] = []


def install(names: Iterable[tuple[str, str]]) -> None:
    """Set the (module, function) list the loader runs; :mod:`planlib` installs :data:`planlib.checklist.CHECKS`."""
    _installed[:] = list(names)


def installed() -> list[Check]:
    """The installed checks as functions, in run order (modules imported on first use)."""
    return [getattr(importlib.import_module(module), name) for module, name in _installed]


def run_checks(dataset: Dataset, checks: Iterable[Check] | None = None) -> list[Problem]:
    """Run ``checks`` (default: the installed list); a check that crashes is reported, not raised."""
    found: list[Problem] = []
    for check in installed() if checks is None else checks:
        try:
            found.extend(check(dataset))
        except Exception as exc:  # a bug in one check must not hide the others' findings
            found.append(Problem("warning", "", f"check {check.__name__} could not run: {type(exc).__name__}: {exc}",
                                 f"ตรวจสอบ {check.__name__} ไม่สำเร็จ", code="check_failed"))  # fmt: skip
    return found


def problem(
    dataset, severity: str, table: str, row: object, column: str, value: object, en: str, th: str, code: str  # type: ignore[no-untyped-def]
) -> Problem:
    """A :class:`Problem` located in ``dataset``'s file for ``table``."""
    shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    row_number = None if row is None else int(row)  # type: ignore[call-overload]
    return Problem(severity, table, en, th, file=dataset.files.get(table, ""), row=row_number,
                   column=column, value=shown, code=code)  # fmt: skip


def located(
    dataset: Dataset, severity: str, code: str, table: str, row: object, column: str, value: object, **values: object
) -> Problem:
    """A catalogue :class:`Problem` (``code`` + ``values``) located in ``dataset``'s file for ``table``."""
    shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    row_number = None if row is None else int(row)  # type: ignore[call-overload]
    return Problem.of(severity, table, code, file=dataset.files.get(table, ""), row=row_number, column=column,
                      value=shown, **values)


# ---------------------------------------------------------------- keys and references


def duplicate_keys(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Rows that repeat a table's key (e.g. two SWOT items coded ``S1``)."""
    from planlib.inputs.contract import TABLES

    for name, frame in dataset.tables.items():
        key = [k for k in TABLES[name].key if k in frame]
        if not key or frame.empty or (len(key) < len(TABLES[name].key) and name != "kpi_targets"):
            continue
        keyed = frame[key].astype("string").fillna("")
        dup = keyed.duplicated(keep="first")
        for row in frame.index[dup]:
            first = frame.index[(keyed == keyed.loc[row]).all(axis=1)][0]
            value = "/".join(keyed.loc[row])
            yield problem(dataset, "error", name, row, ",".join(key), value,
                          f"duplicate {'/'.join(key)} {value!r} (first at row {first})",
                          f"{'/'.join(key)} {value!r} ซ้ำ (ปรากฏครั้งแรกที่แถว {first})", "duplicate")  # fmt: skip


def _codes(dataset, table: str, column: str = "code") -> set[str]:  # type: ignore[no-untyped-def]
    if table not in dataset.tables or column not in dataset.tables[table]:
        return set()
    return set(dataset.tables[table][column].dropna().astype(str))


REFERENCES: tuple[tuple[str, str, tuple[tuple[str, str], ...], bool], ...] = (
    ("projects", "strategy_code", (("strategies", "code"),), False),
    ("strategies", "parent_code", (("strategies", "code"),), False),
    ("tows", "factors", (("swot", "code"),), True),
    ("tows", "tactic_code", (("strategies", "code"),), False),
    ("tows", "project_codes", (("projects", "code"),), True),
    ("budgets", "project_code", (("projects", "code"),), False),
    ("scores", "project_code", (("projects", "code"),), False),
    ("benefit_cost", "project_code", (("projects", "code"),), False),
    ("spending", "project_code", (("projects", "code"),), False),
    ("kpi_levels", "kpi_code", (("kpis", "code"),), False),
    ("kpi_targets", "kpi_code", (("kpis", "code"),), False),
    ("kpi_actuals", "kpi_code", (("kpis", "code"),), False),
    ("kpi_history", "kpi_code", (("kpis", "code"),), False),
    ("activities", "owner_code", (("projects", "code"), ("kpis", "code")), False),
    ("payments", "loan_id", (("loans", "loan_id"),), False),
)
"""(table, column, targets, is_list): each value must exist in one of the target columns."""


def unknown_codes(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Codes that point at nothing: a score for a project that does not exist, and so on."""
    for table, column, targets, is_list in REFERENCES:
        frame = dataset.tables.get(table)
        if frame is None or column not in frame:
            continue
        present = [t for t, _ in targets if t in dataset.tables]
        if not present:
            if frame[column].notna().any():
                names = " or ".join(t for t, _ in targets)
                yield problem(dataset, "error", table, None, column, "",
                              f"{column} refers to table {names}, which is not in the input",
                              f"{column} อ้างถึงตาราง {names} ซึ่งไม่มีในข้อมูล", "missing_table")  # fmt: skip
            continue
        known = set().union(*(_codes(dataset, t, c) for t, c in targets))
        where = " or ".join(f"{t}.{c}" for t, c in targets)
        valid = _some_codes(known)
        for row, value in frame[column].dropna().items():
            for code in str(value).split(",") if is_list else [str(value)]:
                if code not in known:
                    yield problem(dataset, "error", table, row, column, code,
                                  f"unknown code {code!r}: not in {where} (known: {valid})",
                                  f"ไม่รู้จักรหัส {code!r}: ไม่มีใน {where} (รหัสที่มี: {valid})", "unknown_code")  # fmt: skip


def _some_codes(codes: set[str], limit: int = 12) -> str:
    """The known codes for a message, sorted, at most ``limit`` of them then ``…``."""
    shown = sorted(codes)
    return ", ".join(shown[:limit]) + (", …" if len(shown) > limit else "") if shown else "none / ไม่มี"


# ---------------------------------------------------------------- weights, scales, schedules


def kpi_weights(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """KPI weights (%) must sum to 100 when every KPI has one."""
    kpis = dataset.tables.get("kpis")
    if kpis is None or "weight" not in kpis or kpis["weight"].isna().all():
        return
    if kpis["weight"].isna().any():
        for row in kpis.index[kpis["weight"].isna()]:
            yield problem(dataset, "error", "kpis", row, "weight", "", "weight missing while other KPIs have weights",
                          "ไม่มีน้ำหนัก ขณะที่ตัวชี้วัดอื่นมีน้ำหนัก", "weight_missing")  # fmt: skip
        return
    total = float(kpis["weight"].sum())
    if abs(total - 100) > 0.01:
        yield problem(dataset, "error", "kpis", None, "weight", f"{total:g}",
                      f"KPI weights sum to {total:g}, not 100", f"น้ำหนักตัวชี้วัดรวมได้ {total:g} ไม่เท่ากับ 100", "weights_sum")  # fmt: skip


def swot_weights(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """IFE (S+W) and EFE (O+T) weights must each sum to 1 when given (Fred David)."""
    swot = dataset.tables.get("swot")
    if swot is None or "weight" not in swot or swot["weight"].isna().all():
        return
    for matrix, quadrants in (("IFE (S+W)", ("S", "W")), ("EFE (O+T)", ("O", "T"))):
        part = swot[swot["quadrant"].isin(quadrants)]
        if part.empty or part["weight"].isna().all():
            continue
        total = float(part["weight"].sum())
        if abs(total - 1) > 0.005:
            yield problem(dataset, "error", "swot", None, "weight", f"{total:g}",
                          f"{matrix} weights sum to {total:.3f}, not 1", f"น้ำหนัก {matrix} รวมได้ {total:.3f} ไม่เท่ากับ 1", "weights_sum")  # fmt: skip


def activity_months(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """An activity cannot end, or be done, before it starts; ``months`` must be readable."""
    acts = dataset.tables.get("activities")
    if acts is None or acts.empty:
        return
    for row, act in acts.iterrows():
        start, end = act.get("start_month"), act.get("end_month")
        if pd.notna(start) and pd.notna(end) and end < start:
            yield problem(dataset, "error", "activities", row, "end_month", thai.format_month(end),
                          f"ends ({thai.format_month(end)}) before it starts ({thai.format_month(start)})",
                          f"เดือนสิ้นสุด ({thai.format_month(end)}) อยู่ก่อนเดือนเริ่ม ({thai.format_month(start)})", "order")  # fmt: skip
        done = act.get("done_month")
        if pd.notna(start) and done is not None and pd.notna(done) and done < start:
            yield problem(dataset, "error", "activities", row, "done_month", thai.format_month(done),
                          f"marked done ({thai.format_month(done)}) before its start month ({thai.format_month(start)})",
                          f"เดือนที่เสร็จ ({thai.format_month(done)}) อยู่ก่อนเดือนเริ่ม ({thai.format_month(start)})", "order")  # fmt: skip
        months = act.get("months")
        if isinstance(months, str):
            for part in months.split(","):
                try:
                    thai.parse_month(part.strip())
                except thai.ThaiValueError as exc:
                    yield problem(dataset, "error", "activities", row, "months", part, exc.reason_en, exc.reason_th, "bad_value")


def score_columns(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Scores: one column per criterion, every score present and inside the criterion's scale."""
    scores, criteria = dataset.tables.get("scores"), dataset.tables.get("criteria")
    if scores is None:
        return
    meta = {"project_code", "printed_total", "source", "note"}
    columns = [c for c in scores if c not in meta]
    if criteria is None:
        if columns:
            yield problem(dataset, "error", "scores", None, ",".join(columns), "", "scores need a criteria table",
                          "ตารางคะแนนต้องมีตาราง criteria", "missing_table")  # fmt: skip
        return
    codes = list(criteria["code"].dropna().astype(str))
    for col in columns:
        if col not in codes:
            yield problem(dataset, "error", "scores", None, col, col, f"column {col!r} is not a criterion code ({', '.join(codes)})",
                          f"คอลัมน์ {col!r} ไม่ใช่รหัสเกณฑ์ ({', '.join(codes)})", "unknown_code")  # fmt: skip
    for _, crit in criteria.iterrows():
        code = str(crit["code"])
        if code not in scores:
            yield problem(dataset, "error", "scores", None, code, "", f"no score column for criterion {code!r}",
                          f"ไม่มีคอลัมน์คะแนนของเกณฑ์ {code!r}", "missing_column")  # fmt: skip
            continue
        low, high = crit.get("scale_min"), crit.get("scale_max")
        for row, value in scores[code].items():
            if pd.isna(value):
                yield problem(dataset, "error", "scores", row, code, "", f"score missing for criterion {code!r}",
                              f"ไม่มีคะแนนของเกณฑ์ {code!r}", "required")  # fmt: skip
            elif (pd.notna(low) and value < low) or (pd.notna(high) and value > high):
                yield problem(dataset, "error", "scores", row, code, f"{value:g}",
                              f"score {value:g} is outside the scale {low:g}–{high:g} of criterion {code!r}",
                              f"คะแนน {value:g} อยู่นอกช่วง {low:g}–{high:g} ของเกณฑ์ {code!r}", "out_of_scale")  # fmt: skip


# ---------------------------------------------------------------- printed totals


def _filtered(frame: pd.DataFrame, spec: str | None) -> pd.DataFrame:
    """Apply ``col=value`` / ``col=lo..hi`` filters joined by ``;``."""
    if not isinstance(spec, str) or not spec.strip():
        return frame
    mask = pd.Series(True, index=frame.index)
    for part in spec.split(";"):
        column, _, wanted = part.partition("=")
        column, wanted = column.strip(), wanted.strip()
        if column not in frame:
            raise KeyError(column)
        values = frame[column]
        if ".." in wanted:
            lo, hi = (float(x) for x in wanted.split(".."))
            mask &= pd.to_numeric(values, errors="coerce").between(lo, hi)
        else:
            mask &= values.astype("string").fillna("") == wanted
    return frame[mask]


def recompute_total(dataset, table: str, column: str, filter_spec: str | None, aggregate: str | None) -> float:  # type: ignore[no-untyped-def]
    """Sum (or count/mean) of ``column`` (``a+b`` for several) over the filtered rows."""
    frame = _filtered(dataset.tables[table], filter_spec)
    how = aggregate or "sum"
    if how == "count":
        return float(len(frame))
    parts = [c.strip() for c in column.split("+")]
    for part in parts:
        if part not in frame:
            raise KeyError(part)
    values = sum(pd.to_numeric(frame[p], errors="coerce").fillna(0) for p in parts)
    return float(values.mean() if how == "mean" else values.sum())  # type: ignore[union-attr]


def printed_totals(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Recompute every printed total; warn, with its source, where the rows do not add up."""
    totals = dataset.tables.get("printed_totals")
    if totals is None:
        return
    for row, spec in totals.iterrows():
        table, column = str(spec["table"]), str(spec["column"])
        if table not in dataset.tables:
            continue  # the table belongs to the other half (plan vs portfolio) or is absent
        try:
            computed = recompute_total(dataset, table, column, spec.get("filter"), spec.get("aggregate"))
        except (KeyError, ValueError) as exc:
            yield problem(dataset, "error", "printed_totals", row, "column", f"{column} {spec.get('filter') or ''}".strip(),
                          f"cannot recompute: no column {exc} in {table}", f"คำนวณซ้ำไม่ได้: ไม่มีคอลัมน์ {exc} ใน {table}", "bad_total")  # fmt: skip
            continue
        printed = float(spec["printed"])
        if not math.isclose(computed, printed, rel_tol=0, abs_tol=0.005):
            source = f" ({spec['source']})" if isinstance(spec.get("source"), str) else ""
            yield problem(dataset, "warning", "printed_totals", row, "printed", f"{printed:,.2f}".rstrip("0").rstrip("."),
                          f"{spec['code']}: the source prints {printed:,.2f} but the rows of {table}.{column} give {computed:,.2f}{source}",
                          f"{spec['code']}: เอกสารพิมพ์ {printed:,.2f} แต่ผลรวมจากแถวของ {table}.{column} ได้ {computed:,.2f}{source}",
                          "total_mismatch")  # fmt: skip


# ---------------------------------------------------------------- published lending statistics

_COMPARED = ("target_count", "target_amount", "actual_count", "actual_individuals", "actual_groups", "actual_amount")


def lending_annual_quirks(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Mislabelled years, dates outside their fiscal year, sources that disagree, wrong printed %."""
    frame = dataset.tables.get("lending_annual")
    if frame is None or frame.empty:
        return
    for row, rec in frame.iterrows():
        fy = rec["fiscal_year"]
        if pd.isna(fy):
            continue
        printed = rec.get("fiscal_year_printed")
        if isinstance(printed, str) and printed != str(fy):
            yield problem(dataset, "warning", "lending_annual", row, "fiscal_year_printed", printed,
                          f"the source labels this row {printed}; it is FY{fy} (label corrected, shown in reports)",
                          f"เอกสารระบุปีของแถวนี้เป็น {printed} แต่ที่ถูกคือปีงบประมาณ {fy} (แก้ไขป้ายปีแล้ว และแสดงในรายงาน)",
                          "year_label")  # fmt: skip
        for col in ("as_of", "litigation_as_of", "arrears_as_of"):
            date = rec.get(col)
            if date is None or pd.isna(date):
                continue
            start, end = thai.fiscal_year_start(int(fy)), thai.fiscal_year_end(int(fy))
            if not start <= date <= end:
                yield problem(dataset, "warning", "lending_annual", row, col, thai.format_date(date),
                              f"as-of date {thai.format_date(date)} is outside FY{fy} ({thai.format_date(start)} – {thai.format_date(end)})",
                              f"วันที่ของข้อมูล {thai.format_date(date)} อยู่นอกปีงบประมาณ {fy}", "as_of_outside")  # fmt: skip
            elif date != end:
                yield problem(dataset, "warning", "lending_annual", row, col, thai.format_date(date),
                              f"stock figure dated {thai.format_date(date)}, not the fiscal year end; not comparable with year-end figures",
                              f"ข้อมูล ณ {thai.format_date(date)} ไม่ใช่วันสิ้นปีงบประมาณ จึงเทียบกับข้อมูลสิ้นปีไม่ได้โดยตรง", "as_of_mid_year")  # fmt: skip
        pct = rec.get("disbursement_pct_printed")
        if pd.notna(pct) and pd.notna(rec.get("actual_amount")) and rec.get("target_amount"):
            computed = 100 * rec["actual_amount"] / rec["target_amount"]
            if abs(computed - pct) > 0.005:
                yield problem(dataset, "warning", "lending_annual", row, "disbursement_pct_printed", f"{pct:g}",
                              f"printed {pct:.2f}% but actual ÷ credit line = {computed:.2f}%",
                              f"พิมพ์ร้อยละ {pct:.2f} แต่ผลการปล่อยกู้ ÷ กรอบวงเงิน = {computed:.2f}", "pct_mismatch")  # fmt: skip
    if "source" not in frame:
        return
    for fy, group in frame.groupby("fiscal_year"):
        if group["source"].nunique() < 2:
            continue
        for col in _COMPARED:
            if col not in group:
                continue
            values = group[col].dropna()
            if values.nunique() > 1:
                shown = "; ".join(f"{v:,.0f} ({s})" for v, s in zip(values, group.loc[values.index, "source"]))
                yield problem(dataset, "warning", "lending_annual", values.index[-1], col, shown,
                              f"FY{fy}: published tables disagree on {col}: {shown}",
                              f"ปีงบประมาณ {fy}: ตารางที่เผยแพร่ให้ค่า {col} ไม่ตรงกัน: {shown}", "sources_disagree")  # fmt: skip


# ---------------------------------------------------------------- text damage


def damaged_text(dataset) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    """Thai text damaged by PDF extraction (sara am for sara aa, inverted tone marks)."""
    for name, frame in dataset.tables.items():
        for column in frame.columns:
            if frame[column].dtype != "str" and frame[column].dtype != object:
                continue
            for row, text in frame[column].dropna().items():
                if isinstance(text, str) and len(text) > 8 and thai.detect_damage(text).damaged:
                    yield problem(dataset, "warning", name, row, column, text[:40] + ("…" if len(text) > 40 else ""),
                                  "Thai text looks damaged by PDF extraction (ำ/า swapped); repair with planlib.inputs.thai.repair_damage",
                                  "ข้อความภาษาไทยน่าจะเสียหายจากการแปลง PDF (สระอำ/อา สลับกัน) แก้ได้ด้วย planlib.inputs.thai.repair_damage",
                                  "damaged_text")  # fmt: skip
