"""Loading an analyst's workbook or CSV folder into checked pandas DataFrames.

``load_plan(path)`` and ``load_portfolio(path)`` read the plan tables and the lending tables
of one organisation. Both forms (an ``.xlsx`` with one sheet per table, or a folder of
``<table>.csv``) give identical DataFrames: the same normaliser reads every raw cell.

Each DataFrame's index is named ``row`` and holds the row number *as the analyst sees it*
(Excel row, CSV line), so any later check can point back at the input. Every value the
loader changes (Thai digits, BE dates, amount words, mixed counts) is logged as a ``change``
problem; every value it cannot read is an ``error``; all of them are collected before
:class:`~planlib.inputs.problems.DataError` is raised. Input files are only ever opened for reading.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol, TypeVar

import pandas as pd

from planlib.inputs import checks, contract, thai
from planlib.inputs.dataset import Dataset, Plan, Portfolio
from planlib.inputs.problems import DataError, Problem, Problems
from planlib.inputs.read import RawTable, read_source

MAX_MAGNITUDE = 10**15
"""Numbers at or beyond ±10^15 (and infinities, e.g. 400 typed digits) are refused: a float cannot keep them exactly."""


def _raw_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return str(value)


def _changed(kind: str, raw: object, parsed: object) -> bool:
    """True when normalising altered the value in a way the analyst should be able to see."""
    if parsed is None or not isinstance(raw, str):
        return False
    text = raw.strip()
    if kind in ("text", "enum", "code", "codes", "slug"):
        return parsed != text and thai.clean_text(text) != parsed
    if thai.thai_to_arabic_digits(text) != text:
        return True
    if kind in ("number", "amount", "int", "count", "stars"):
        try:
            return float(text) != float(parsed)  # type: ignore[arg-type]
        except ValueError:
            return True
    if kind == "fiscal_year":
        return text != str(parsed)
    if kind == "date":
        return text != parsed.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    if kind == "month":
        return text != str(parsed)
    return False


Reason = tuple[str, dict[str, object]]
"""Why a cell cannot be read: a message code of :mod:`planlib.inputs.messages` and its values."""


def _parse_cell(spec: contract.Column, raw: object, era: str | None) -> tuple[object, Reason | None]:
    """(value, None) for a readable cell, (None, (code, values)) for one that is not."""
    kind = contract.KINDS[spec.kind]
    try:
        if spec.kind == "fiscal_year":
            value = thai.parse_be_year(raw, era=era)
        else:
            value = kind.parse(raw)
    except thai.ThaiValueError as exc:
        return None, (exc.code, exc.values)
    if value is not None and spec.choices is not None:
        key = str(value).lower()
        if key not in spec.choices:
            allowed = ", ".join(sorted(set(spec.choices.values())))
            return None, ("bad_value_not_one_of", {"typed": value, "allowed": allowed})
        value = spec.choices[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not abs(value) < MAX_MAGNITUDE:
            return None, ("bad_value_too_large", {})
        if spec.low is not None and value < spec.low:
            return None, ("bad_value_below_minimum", {"number": value, "low": spec.low})
        if spec.high is not None and value > spec.high:
            return None, ("bad_value_above_maximum", {"number": value, "high": spec.high})
    return value, None


def _series(values: list[object], dtype: str, index: pd.Index) -> pd.Series:
    if dtype == "period[M]":
        return pd.Series(pd.PeriodIndex([v if v is not None else pd.NaT for v in values], freq="M"), index=index)
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime([v if v is not None else pd.NaT for v in values]), index=index).astype(dtype)
    if dtype == "float64":
        return pd.Series([math.nan if v is None else v for v in values], index=index, dtype="float64")
    return pd.Series(values, index=index, dtype=dtype)


class Add(Protocol):
    """Record one located problem of a table: severity, row, column, raw value, message code and values."""

    def __call__(
        self, severity: str, row: int | None, column: str, value: object, code: str, /, **values: object
    ) -> None: ...


def normalise_table(raw: RawTable, problems: Problems) -> pd.DataFrame:
    """Read every cell of a raw table through its contract column; collect all problems.

    Unknown columns are kept as text. On ``scores`` (wide) they are criterion scores and
    are read as numbers. Mixed count cells fill their individual/group columns when those
    are empty, and conflicts are warned. Every problem names the table's file and sheet.
    """
    spec = contract.TABLES[raw.name]

    def add(severity: str, row: int | None, column: str, value: object, code: str, /, **values: object) -> None:
        shown = _raw_text(value)
        problem = Problem.of(
            severity, raw.name, code, file=raw.file, sheet=raw.sheet, row=row, column=column, value=shown, **values
        )
        problems.add(problem)

    header = list(raw.header)
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            if any(i < len(cells) and not thai.is_missing(cells[i]) for _, cells in raw.rows):
                add("error", raw.header_row, f"#{i + 1}", "", "no_header", number=i + 1)
            continue
        if name in seen:
            add("error", raw.header_row, name, name, "duplicate_column", name=name, first=seen[name] + 1, second=i + 1)
        else:
            seen[name] = i
    for required in spec.required:
        if required not in seen:
            add("error", raw.header_row, required, "", "missing_column", name=required)

    index = pd.Index([row for row, _ in raw.rows], name="row", dtype="int64")
    era_col = seen.get("year_era")
    columns: dict[str, pd.Series] = {}
    kinds: dict[str, str] = {}
    parsed_cols: dict[str, list[object]] = {}
    for name, pos in seen.items():
        col_spec = spec.column(name)
        if col_spec is None:
            kind = "number" if spec.wide_numeric and name not in ("source", "note") else "text"
            col_spec = contract.Column(name, kind)
        values: list[object] = []
        for row, cells in raw.rows:
            raw_value = cells[pos] if pos < len(cells) else None
            era = None
            if era_col is not None and era_col < len(cells):
                era = thai.clean_text(cells[era_col])
            value, reason = _parse_cell(col_spec, raw_value, era)
            if reason is not None:
                add("error", row, name, raw_value, reason[0], **reason[1])
            elif value is None and col_spec.required:
                add("error", row, name, raw_value, "required", name=name)
            elif _changed(col_spec.kind, raw_value, value):
                shown = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else value
                add("change", row, name, raw_value, "normalised", shown=shown)
            values.append(value)
        parsed_cols[name] = values
        kinds[name] = col_spec.kind
    for name, pos in seen.items():
        col_spec = spec.column(name)
        if col_spec is not None and col_spec.parts:
            _split_counts(raw, pos, col_spec, parsed_cols, add)
            for part in col_spec.parts:
                kinds[part] = spec.column(part).kind  # type: ignore[union-attr]
    for name, values in parsed_cols.items():
        columns[name] = _series(values, contract.KINDS[kinds[name]].dtype, index)
    frame = pd.DataFrame(columns, index=index)
    ordered = [c.name for c in spec.columns if c.name in frame] + [c for c in frame if spec.column(c) is None]
    return frame[ordered]


def _split_counts(raw: RawTable, pos: int, spec: contract.Column, parsed: dict[str, list[object]], add: Add) -> None:
    """Fill individuals/groups columns from mixed count cells; warn on conflicts."""
    assert spec.parts is not None
    ind_name, grp_name = spec.parts
    n = len(raw.rows)
    inds = parsed.setdefault(ind_name, [None] * n)
    grps = parsed.setdefault(grp_name, [None] * n)
    for i, (row, cells) in enumerate(raw.rows):
        raw_value = cells[pos] if pos < len(cells) else None
        try:
            mixed = thai.parse_mixed_count(raw_value)
        except thai.ThaiValueError:
            continue
        if not mixed.total_printed:
            add("change", row, spec.name, raw_value, "count_sum", cell=spec.name, total=mixed.total)
        if any(part is not None and not abs(part) < MAX_MAGNITUDE for part in (mixed.individuals, mixed.groups)):
            add("error", row, spec.name, raw_value, "bad_value_count_part_too_large")
            continue
        if not mixed.consistent and mixed.individuals is not None and mixed.groups is not None:
            parts = mixed.individuals + mixed.groups
            counts = {"individuals": mixed.individuals, "groups": mixed.groups, "parts": parts, "total": mixed.total}
            add("warning", row, spec.name, raw_value, "count_parts", **counts)
        for target, part, label in ((inds, mixed.individuals, ind_name), (grps, mixed.groups, grp_name)):
            if part is None:
                continue
            if target[i] is None:
                target[i] = part
                add("change", row, label, raw_value, "count_split", target=label, part=part, cell=spec.name)
            elif target[i] != part:
                add(
                    "warning",
                    row,
                    label,
                    raw_value,
                    "count_conflict",
                    target=label,
                    typed=target[i],
                    part=part,
                    cell=spec.name,
                )


def plan_info(frame: pd.DataFrame, file: str, problems: Problems, sheet: str = "") -> dict[str, object]:
    """Read the key/value ``plan`` table into typed values (a value that cannot be read is a located error)."""
    info: dict[str, object] = {}
    if "key" not in frame:  # the missing column is already reported by normalise_table
        return info
    for row, key, value in zip(frame.index, frame["key"], frame.get("value", pd.Series(index=frame.index))):
        if pd.isna(key):
            continue
        kind = contract.PLAN_KEYS.get(str(key), "text")
        parsed, reason = _parse_cell(contract.Column(str(key), kind), None if pd.isna(value) else value, None)
        if reason is not None:
            code, values = reason
            shown = _raw_text(value)
            problem = Problem.of(
                "error", "plan", code, file=file, sheet=sheet, row=int(row), column="value", value=shown, **values
            )
            problems.add(problem)
        info[str(key)] = parsed
        if parsed is not None and "value" in frame:
            frame.loc[row, "value"] = str(parsed)
    for key in contract.PLAN_REQUIRED_KEYS:
        if info.get(key) is None:
            problems.add(Problem.of("error", "plan", "missing_key", file=file, sheet=sheet, column="key", key=key))
    return info


"""Old private name, kept until :mod:`planlib.reports.templates` calls :func:`plan_info`."""


def read_tables(
    path: str | Path,
    wanted: Iterable[str],
    problems: Problems,
    *,
    synthetic: bool = False,
    sheets: dict[str, str] | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, str], frozenset[str]]:
    """Normalised DataFrames of the ``wanted`` tables found at ``path``, their files and the synthetic ones.

    With ``synthetic=True``, tables in the folder's ``synthetic/`` subfolder are loaded too
    (and named in the returned set), replacing nothing real: a synthetic table whose name a
    real file already uses is refused. ``sheets``, when given, is filled with each workbook
    table's sheet title as typed.
    """
    path = Path(path)
    wanted = tuple(wanted)
    raw_problems: list[Problem] = []
    if not path.exists():
        problems.add(Problem.of("error", "", "not_found", file=str(path), path=path))
        return {}, {}, frozenset()
    raw = read_source(path, raw_problems, wanted=wanted)
    fake: set[str] = set()
    if synthetic and path.is_dir() and (path / "synthetic").is_dir():
        for name, table in read_source(path / "synthetic", raw_problems, root=path, wanted=wanted).items():
            table.file = f"synthetic/{table.file}"
            if name in raw:
                raw_problems.append(Problem.of("error", name, "synthetic_clash", file=table.file))
                continue
            raw[name] = table
            fake.add(name)
    problems.extend(raw_problems)
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name, table in raw.items():
        if name not in contract.TABLES:
            if not name.startswith(("synthetic", "readme")):
                problems.add(
                    Problem.of("warning", name, "unknown_table", file=table.file, sheet=table.sheet, name=name)
                )
            continue
        if name not in wanted:
            continue
        tables[name] = normalise_table(table, problems)
        files[name] = table.file
        if sheets is not None and table.sheet:
            sheets[name] = table.sheet
    return tables, files, frozenset(fake & set(tables))


def repair_text(
    tables: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    problems: Problems,
    sheets: Mapping[str, str] | None = None,
) -> None:
    """Repair Thai text damaged by PDF extraction, in place, logging each repair as a change.

    Only cells that :func:`planlib.inputs.thai.detect_damage` flags are touched, once; clean text is
    never changed (the sara-am rule would corrupt it). Opt-in: ``load_plan(..., repair_thai=True)``.
    """
    for name, frame in tables.items():
        for column in frame.columns:
            if frame[column].dtype != "str" and frame[column].dtype != object:
                continue
            for row, text in frame[column].dropna().items():
                if not isinstance(text, str) or not thai.detect_damage(text).damaged:
                    continue
                fixed = thai.repair_damage(text)
                frame.loc[row, column] = fixed
                file, sheet = files.get(name, ""), (sheets or {}).get(name, "")
                repaired = Problem.of(
                    "change",
                    name,
                    "repaired_text",
                    file=file,
                    sheet=sheet,
                    row=int(row),
                    column=str(column),
                    value=text[:60],
                    fixed=fixed[:40],
                )
                problems.add(repaired)


def _match_criterion_columns(tables: dict[str, pd.DataFrame]) -> None:
    """Score headers are read lower-case; give them back the criteria table's spelling (P1)."""
    if "scores" not in tables or "criteria" not in tables:
        return
    spelling = {str(code).lower(): str(code) for code in tables["criteria"]["code"].dropna()}
    renames = {c: spelling[c] for c in tables["scores"].columns if c in spelling and spelling[c] != c}
    if renames:
        tables["scores"] = tables["scores"].rename(columns=renames)


D = TypeVar("D", bound=Dataset)


def _load(
    cls: type[D], path: str | Path, wanted: tuple[str, ...], strict: bool, synthetic: bool, repair: bool = False
) -> D:
    problems = Problems()
    sheets: dict[str, str] = {}
    tables, files, fake = read_tables(path, wanted, problems, synthetic=synthetic, sheets=sheets)
    if repair:
        repair_text(tables, files, problems, sheets)
    _match_criterion_columns(tables)
    info: dict[str, object] = {}
    if "plan" in tables:
        info = plan_info(tables["plan"], files["plan"], problems, sheets.get("plan", ""))
    dataset = cls(Path(path), tables, files, problems, info, fake, sheets)
    problems.extend(checks.run_checks(dataset))
    if strict and problems.errors:
        raise DataError(problems, str(path))
    return dataset


def load_plan(path: str | Path, *, strict: bool = True, synthetic: bool = True, repair_thai: bool = False) -> Plan:
    """Load the plan tables of one organisation from an ``.xlsx`` workbook or a CSV folder.

    Raises :class:`~planlib.inputs.problems.DataError` listing every error when ``strict`` (the
    default); with ``strict=False`` the plan is returned with its problems attached.
    Illustrative tables in the folder's ``synthetic/`` subfolder (example quarterly
    actuals) are included when ``synthetic`` is true and named in ``plan.synthetic``.
    ``repair_thai=True`` repairs text damaged by PDF extraction (see :func:`repair_text`).

    >>> plan = load_plan("data/hwfund")            # doctest: +SKIP
    >>> plan.swot.loc[plan.swot.quadrant == "S", ["code", "score"]]  # doctest: +SKIP
    """
    return _load(Plan, path, contract.PLAN_TABLES, strict, synthetic, repair_thai)


def load_portfolio(path: str | Path, *, strict: bool = True, synthetic: bool = True) -> Portfolio:
    """Load the lending tables of one organisation (aggregates and/or loan level).

    Tables in the folder's ``synthetic/`` subfolder (a generated loan book) are included
    when ``synthetic`` is true, and listed in ``portfolio.synthetic`` so reports label them.
    """
    return _load(Portfolio, path, contract.LENDING_TABLES + ("plan",), strict, synthetic)


def validate(path: str | Path) -> Problems:
    """Every problem in the plan and lending tables at ``path`` (nothing is raised)."""
    problems = Problems()
    plan = _load(Plan, path, contract.PLAN_TABLES + contract.LENDING_TABLES, False, True)
    problems.extend(plan.problems)
    return problems


def require(dataset: Dataset, *names: str, report: str = "") -> None:
    """Raise :class:`DataError` naming every table a report needs but the input lacks."""
    missing = [n for n in names if n not in dataset.tables]
    if missing:
        code = "missing_table_for_report" if report else "missing_table_needed"
        problems = Problems(
            Problem.of("error", n, code, file=str(dataset.path), name=n, report=report) for n in missing
        )
        raise DataError(problems, str(dataset.path))
