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

import math
from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from planlib.inputs import contract, thai
from planlib.inputs.check_registry import installed
from planlib.inputs.dataset import Dataset
from planlib.inputs.problems import Problem

Check = Callable[[Dataset], Iterable[Problem]]


def run_checks(dataset: Dataset, checks: Iterable[Check] | None = None) -> list[Problem]:
    """Run ``checks`` (default: the installed list); a check that crashes is reported, not raised."""
    found: list[Problem] = []
    for check in installed() if checks is None else checks:
        try:
            found.extend(check(dataset))
        except Exception as exc:  # a bug in one check must not hide the others' findings
            name, kind = check.__name__, type(exc).__name__
            found.append(Problem.of("warning", "", "check_failed", check=name, kind=kind, detail=str(exc)))
    return found


def _shown(value: object) -> str:
    """A cell's value as a problem shows it: empty for a missing value."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _row_number(row: object) -> int | None:
    """The row label of a frame (the analyst's row number) as an ``int``; ``None`` for a whole-table problem."""
    return None if row is None else int(row)  # type: ignore[call-overload]


def located(
    dataset: Dataset, severity: str, code: str, table: str, row: object, column: str, value: object, /, **values: object
) -> Problem:
    """A catalogue :class:`Problem` (``code`` + ``values``) located in ``dataset``'s file and sheet for ``table``.

    ``row``, ``column`` and ``value`` locate the problem; ``values`` fill the message templates (so a template
    field may not be named ``file``, ``sheet``, ``row``, ``column`` or ``value``).
    """
    file, sheet = dataset.files.get(table, ""), dataset.sheets.get(table, "")
    return Problem.of(
        severity,
        table,
        code,
        file=file,
        sheet=sheet,
        row=_row_number(row),
        column=column,
        value=_shown(value),
        **values,
    )


# ---------------------------------------------------------------- keys and references


def duplicate_keys(dataset: Dataset) -> Iterator[Problem]:
    """Rows that repeat a table's key (e.g. two SWOT items coded ``S1``)."""
    for name, frame in dataset.tables.items():
        declared = contract.TABLES[name].key
        key = [k for k in declared if k in frame]
        if not key or frame.empty or (len(key) < len(declared) and name != "kpi_targets"):
            continue
        keyed = frame[key].astype("string").fillna("")
        dup = keyed.duplicated(keep="first")
        for row in frame.index[dup]:
            first = frame.index[(keyed == keyed.loc[row]).all(axis=1)][0]
            value, columns = "/".join(keyed.loc[row]), ",".join(key)
            found = {"key": "/".join(key), "typed": value, "first": first}
            yield located(dataset, "error", "duplicate", name, row, columns, value, **found)


def _codes(dataset: Dataset, table: str, column: str = "code") -> set[str]:
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


def unknown_codes(dataset: Dataset) -> Iterator[Problem]:
    """Codes that point at nothing: a score for a project that does not exist, and so on."""
    for table, column, targets, is_list in REFERENCES:
        frame = dataset.tables.get(table)
        if frame is None or column not in frame:
            continue
        present = [t for t, _ in targets if t in dataset.tables]
        if not present:
            if frame[column].notna().any():
                names = " or ".join(t for t, _ in targets)
                yield located(dataset, "error", "missing_table", table, None, column, "", name=column, tables=names)
            continue
        known = set().union(*(_codes(dataset, t, c) for t, c in targets))
        where = " or ".join(f"{t}.{c}" for t, c in targets)
        listed = _some_codes(known)
        values = frame[column].dropna()
        if not is_list:  # one vectorised membership test; only the unknown cells are looked at one by one
            # object, not arrow strings: arrow's isin builds a scalar per known code (twice as slow at 20,000 loans)
            texts = values.astype(object) if values.dtype == "str" else values.map(str)
            values = values[~texts.isin(known)]
        for row, value in values.items():
            for code in str(value).split(",") if is_list else [str(value)]:
                if code in known:
                    continue
                if known:
                    yield located(
                        dataset, "error", "unknown_code", table, row, column, code, code=code, where=where, known=listed
                    )
                else:
                    yield located(
                        dataset, "error", "unknown_code_none_known", table, row, column, code, code=code, where=where
                    )


def _some_codes(codes: set[str], limit: int = 12) -> str:
    """The known codes for a message, sorted, at most ``limit`` of them then ``…``."""
    shown = sorted(codes)
    return ", ".join(shown[:limit]) + (", …" if len(shown) > limit else "")


# ---------------------------------------------------------------- weights, scales, schedules


Finding = tuple[str, int | None, str, str, dict[str, object]]
"""A problem not yet located in a file: (message code, row, column, value, the message's values)."""

KPI_WEIGHT_CODES = ("weight_missing", "weights_sum_kpi")
"""Codes of :func:`kpi_weight_findings` about the weights as a whole (reported by :func:`kpi_weights`)."""
GROUP_WEIGHT_CODES = ("group_weight", "group_weights_sum")
"""Codes of :func:`kpi_weight_findings` about groups (reported by ``planlib.plans.kpi.kpi_group_weights``)."""


def kpi_weight_findings(kpis: pd.DataFrame) -> list[Finding]:
    """The one KPI weight rule: weights that cannot make a scorecard.

    No weight at all: nothing (a scorecard without a total). Some weights missing: one ``weight_missing``
    per row, and nothing more (a sum over part of the weights says nothing). Otherwise the weights (%)
    must sum to 100 (``weights_sum_kpi``), and within each group to its ``group_weight`` (one value per
    group: ``group_weight``; the sum: ``group_weights_sum``). Tolerance 0.01. Source: seed 002 §3
    ("check that the weights sum to 70, 30 and 100").
    """
    found: list[Finding] = []
    if "weight" not in kpis or kpis["weight"].isna().all():
        return found
    weights = kpis["weight"]
    if weights.isna().any():
        for row, rec in kpis[weights.isna()].iterrows():
            number = int(str(row)) if str(row).isdigit() else None
            found.append(("weight_missing", number, "weight", str(rec.get("code", "") or ""), {}))
        return found
    total = float(weights.sum())
    if abs(total - 100) > 0.01:
        found.append(("weights_sum_kpi", None, "weight", f"{total:g}", {"total": total}))
    if "group_weight" in kpis and "group" in kpis:
        for group, part in kpis.groupby("group", dropna=True):
            declared = part["group_weight"].dropna().unique()
            got = float(part["weight"].sum())
            if len(declared) > 1:
                shown = ", ".join(f"{v:g}" for v in declared)
                found.append(("group_weight", None, "group_weight", shown, {"group": group, "shown": shown}))
            elif len(declared) == 1 and abs(got - float(declared[0])) > 0.01:
                values = {"group": group, "got": got, "declared": float(declared[0])}
                found.append(("group_weights_sum", None, "weight", f"{got:g}", values))
    return found


def kpi_weights(dataset: Dataset) -> Iterator[Problem]:
    """KPI weights: none missing once any is given, summing to 100 (:func:`kpi_weight_findings`)."""
    kpis = dataset.tables.get("kpis")
    if kpis is None:
        return
    for code, row, column, value, values in kpi_weight_findings(kpis):
        if code in KPI_WEIGHT_CODES:
            yield located(dataset, "error", code, "kpis", row, column, value, **values)


def swot_weights(dataset: Dataset) -> Iterator[Problem]:
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
            yield located(
                dataset,
                "error",
                "weights_sum_ife_efe",
                "swot",
                None,
                "weight",
                f"{total:g}",
                matrix=matrix,
                total=total,
            )


def activity_months(dataset: Dataset) -> Iterator[Problem]:
    """An activity cannot end, or be done, before it starts; ``months`` must be readable."""
    acts = dataset.tables.get("activities")
    if acts is None or acts.empty:
        return
    for row, act in acts.iterrows():
        start, end, done = act.get("start_month"), act.get("end_month"), act.get("done_month")
        if pd.notna(start) and pd.notna(end) and end < start:
            shown = {"start": thai.format_month(start), "end": thai.format_month(end)}
            yield located(
                dataset, "error", "order_end_before_start", "activities", row, "end_month", shown["end"], **shown
            )
        if pd.notna(start) and done is not None and pd.notna(done) and done < start:
            shown = {"start": thai.format_month(start), "done": thai.format_month(done)}
            yield located(
                dataset, "error", "order_done_before_start", "activities", row, "done_month", shown["done"], **shown
            )
        months = act.get("months")
        if isinstance(months, str):
            for part in months.split(","):
                try:
                    thai.parse_month(part.strip())
                except thai.ThaiValueError as exc:
                    yield located(dataset, "error", exc.code, "activities", row, "months", part, **exc.values)


def score_columns(dataset: Dataset) -> Iterator[Problem]:
    """Scores: one column per criterion, every score present and inside the criterion's scale."""
    scores, criteria = dataset.tables.get("scores"), dataset.tables.get("criteria")
    if scores is None:
        return
    meta = {"project_code", "printed_total", "source", "note"}
    columns = [c for c in scores if c not in meta]
    if criteria is None:
        if columns:
            yield located(dataset, "error", "missing_table_criteria", "scores", None, ",".join(columns), "")
        return
    codes = list(criteria["code"].dropna().astype(str))
    for col in columns:
        if col not in codes:
            yield located(
                dataset,
                "error",
                "unknown_code_criterion_column",
                "scores",
                None,
                col,
                col,
                name=col,
                codes=", ".join(codes),
            )
    for _, crit in criteria.iterrows():
        code = str(crit["code"])
        if code not in scores:
            yield located(dataset, "error", "missing_column_score", "scores", None, code, "", criterion=code)
            continue
        low, high = crit.get("scale_min"), crit.get("scale_max")
        for row, value in scores[code].items():
            if pd.isna(value):
                yield located(dataset, "error", "required_score", "scores", row, code, "", criterion=code)
            elif (pd.notna(low) and value < low) or (pd.notna(high) and value > high):
                scale = {"score": value, "low": low, "high": high, "criterion": code}
                yield located(dataset, "error", "out_of_scale", "scores", row, code, f"{value:g}", **scale)


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


def recompute_total(dataset: Dataset, table: str, column: str, filter_spec: str | None, aggregate: str | None) -> float:
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


def printed_totals(dataset: Dataset) -> Iterator[Problem]:
    """Recompute every printed total; warn, with its source, where the rows do not add up."""
    totals = dataset.tables.get("printed_totals")
    if totals is None:
        return
    for row, spec in totals.iterrows():
        table, column = str(spec["table"]), str(spec["column"])
        if table not in dataset.tables:
            continue  # the table belongs to the other half (plan vs portfolio) or is absent
        filter_spec = spec.get("filter")
        named = f"{column} {filter_spec or ''}".strip()
        try:
            computed = recompute_total(dataset, table, column, filter_spec, spec.get("aggregate"))
        except KeyError as exc:
            yield located(
                dataset, "error", "bad_total", "printed_totals", row, "column", named, missing=exc, summed=table
            )
            continue
        except ValueError as exc:  # a range filter whose bounds are not numbers
            yield located(
                dataset,
                "error",
                "bad_total_filter",
                "printed_totals",
                row,
                "column",
                named,
                filter=filter_spec,
                detail=exc,
            )
            continue
        printed = float(spec["printed"])
        if not math.isclose(computed, printed, rel_tol=0, abs_tol=0.005):
            source = f" ({spec['source']})" if isinstance(spec.get("source"), str) else ""
            sums = {"printed": printed, "computed": computed, "of": f"{table}.{column}", "source": source}
            shown = f"{printed:,.2f}".rstrip("0").rstrip(".")
            yield located(
                dataset, "warning", "total_mismatch", "printed_totals", row, "printed", shown, name=spec["code"], **sums
            )


# ---------------------------------------------------------------- published lending statistics

_COMPARED = ("target_count", "target_amount", "actual_count", "actual_individuals", "actual_groups", "actual_amount")


def lending_annual_quirks(dataset: Dataset) -> Iterator[Problem]:
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
            yield located(
                dataset,
                "warning",
                "year_label",
                "lending_annual",
                row,
                "fiscal_year_printed",
                printed,
                printed=printed,
                fy=fy,
            )
        start, end = thai.fiscal_year_start(int(fy)), thai.fiscal_year_end(int(fy))
        for col in ("as_of", "litigation_as_of", "arrears_as_of"):
            date = rec.get(col)
            if date is None or pd.isna(date):
                continue
            shown = thai.format_date(date)
            if not start <= date <= end:
                span = {"start": thai.format_date(start), "end": thai.format_date(end)}
                yield located(
                    dataset, "warning", "as_of_outside", "lending_annual", row, col, shown, date=shown, fy=fy, **span
                )
            elif date != end:
                yield located(dataset, "warning", "as_of_mid_year", "lending_annual", row, col, shown, date=shown)
        pct = rec.get("disbursement_pct_printed")
        if pd.notna(pct) and pd.notna(rec.get("actual_amount")) and rec.get("target_amount"):
            computed = 100 * rec["actual_amount"] / rec["target_amount"]
            if abs(computed - pct) > 0.005:
                yield located(
                    dataset,
                    "warning",
                    "pct_mismatch",
                    "lending_annual",
                    row,
                    "disbursement_pct_printed",
                    f"{pct:g}",
                    printed=pct,
                    computed=computed,
                )
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
                found, last = {"fy": fy, "measure": col, "shown": shown}, values.index[-1]
                yield located(dataset, "warning", "sources_disagree", "lending_annual", last, col, shown, **found)


# ---------------------------------------------------------------- text damage


DAMAGE_SIGNS = "\u0e33| \u0e32|[\u0e48-\u0e4b][\u0e31\u0e34-\u0e37\u0e47]"
"""A regex every text that :func:`planlib.inputs.thai.detect_damage` can flag matches (a vectorised prefilter).

``Damage.damaged`` is ``font_swapped or tone_before_vowel > 0 or spaced_aa > 0``. ``font_swapped`` needs
``' ำ'`` or at least one bare ำ (``bare_am_share > 0.5``), so a ำ (U+0E33); ``spaced_aa`` needs ``' า'``
(space + U+0E32); ``tone_before_vowel`` needs a tone mark U+0E48–U+0E4B before an upper vowel (U+0E31,
U+0E34–U+0E37, U+0E47). A text matching none of the three cannot be damaged; tests/inputs/test_checks_fast.py
runs both on every shipped text cell, the fuzz corpus and generated Thai strings.
"""


def damage_candidates(column: pd.Series) -> pd.Series:
    """The cells of ``column`` that :func:`thai.detect_damage` must look at: strings longer than 8 characters
    that match :data:`DAMAGE_SIGNS`, in row order (a column with no Thai at all matches nothing)."""
    texts = column.dropna()
    if texts.dtype == object:
        texts = texts[[isinstance(text, str) for text in texts]].astype("str")
    if texts.empty:
        return texts
    texts = texts[texts.str.contains(DAMAGE_SIGNS, regex=True)]
    return texts[texts.str.len() > 8]


def damaged_text(dataset: Dataset) -> Iterator[Problem]:
    """Thai text damaged by PDF extraction (sara am for sara aa, inverted tone marks).

    Only the cells matching :data:`DAMAGE_SIGNS` (one vectorised regex per column) go through
    :func:`thai.detect_damage`; the others cannot be damaged, so the problems are those of a per-cell pass.
    """
    for name, frame in dataset.tables.items():
        for column in frame.columns:
            if frame[column].dtype != "str" and frame[column].dtype != object:
                continue
            for row, text in damage_candidates(frame[column]).items():
                if thai.detect_damage(text).damaged:
                    shown = text[:40] + ("…" if len(text) > 40 else "")
                    yield located(dataset, "warning", "damaged_text", name, row, str(column), shown)
