"""Loading an analyst's workbook or CSV folder into checked pandas DataFrames.

``load_plan(path)`` and ``load_portfolio(path)`` read the plan tables and the lending tables
of one organisation. Both forms (an ``.xlsx`` with one sheet per table, or a folder of
``<table>.csv``) give identical DataFrames: the same normaliser reads every raw cell.

Each DataFrame's index is named ``row`` and holds the row number *as the analyst sees it*
(Excel row, CSV line), so any later check can point back at the input. Every value the
loader changes (Thai digits, BE dates, amount words, mixed counts) is logged as a ``change``
problem; every value it cannot read is an ``error``; all of them are collected before
:class:`~planlib.inputs.problems.DataError` is raised. Input files are only ever opened for reading.

Speed (issue 16.1): clean cells (plain numbers, ISO dates, clean text, stored choices, empty
cells) are read a whole column at a time with pyarrow and numpy; only the other cells (Thai
digits, BE dates, ``ล้านบาท``, mixed counts, anything wrong) go through the per-cell parser,
which logs their changes and errors. A cell is read column-wise only when the per-cell parser
would give the same value and no problem, so frames, problems and the change log are identical;
``FAST = False`` forces the per-cell path for every cell (the reference the equality tests use).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from planlib.inputs import checks, contract, read, thai
from planlib.inputs.dataset import Dataset, Plan, Portfolio, loader_mismatch
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


FAST = True
"""Parse clean cells column-wise (False: every cell through :func:`_parse_cell`, the reference the tests compare)."""

_WS = read.RE2_WHITESPACE
_UNCLEAN_RE = f"^[{_WS}]|[{_WS}]$|\t|  |[\\x{{a0}}\\x{{200b}}\\x{{feff}}]"
"""A text cell :func:`thai.clean_text` would change: outer whitespace (Python's), a tab, a double or odd space."""
_NUMBER_RE = r"^[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})$"
"""A plain number: ``float(text)`` reads it, it is below 10^15 and, with ≤ 27 digits, exact in a Decimal."""
_PLAIN_COUNT = re.compile(r"[0-9]{0,15}\Z")
_LONGEST_NUMBER = 28
"""Longest plain number read column-wise (characters): at most 27 digits, exact in the parser's 28-digit Decimal."""
_LONGEST_MARKER = max(len(m.encode()) for m in thai.MISSING_MARKERS)
_CODES_RE = r"^[A-Za-z0-9_.\-]+(?:,[A-Za-z0-9_.\-]+)*$"
_CE_YEARS = (thai.CE_RANGE[0], thai.CE_RANGE[1])
_INT_KINDS = ("int", "stars", "count", "fiscal_year")
_TEXT_KINDS = ("text", "code", "slug", "codes", "enum")


@dataclass
class _Fast:
    """The cells of one column the column-wise path read: ``done`` (value or empty) and their ``values``."""

    done: np.ndarray
    values: np.ndarray | pa.Array
    dtype: str


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _in_range(values: np.ndarray, spec: contract.Column) -> np.ndarray:
    """True where a number can be stored without a problem: finite, below 10^15, within ``low``/``high``."""
    with np.errstate(invalid="ignore"):
        ok = np.abs(values) < MAX_MAGNITUDE
        if spec.low is not None:
            ok &= values >= spec.low
        if spec.high is not None:
            ok &= values <= spec.high
    return ok


_DIGITS = read.byte_table(b"0123456789")
_NOT_NUMBER = ~read.byte_table(b"0123456789.+-")
_NOT_DIGIT = ~_DIGITS
_NOT_PRINTABLE = ~read.byte_table(low=0x20, high=0x7E)
_NOT_ASCII = read.byte_table(low=0x80, high=0xFF)
_SPACE = read.byte_table(b" ")


def _plain_text(strs: pa.Array, cells: read.ByteCells, kind: str) -> np.ndarray:
    """True for text cells :func:`thai.clean_text` keeps as they are and that are no missing marker.

    Printable ASCII is decided on its bytes (no space at either end, no double space); any other
    cell by a regular expression over Python's whitespace and an NFC comparison.
    """
    ascii_ok = ~cells.any_of(_NOT_PRINTABLE)
    ok = ascii_ok & ~cells.any_pair(0x20, 0x20) & (cells.at(0) != 0x20) & (cells.last() != 0x20) & (cells.lengths > 0)
    other = np.flatnonzero(~ascii_ok & (cells.lengths > 0))
    if kind in ("code", "slug", "codes"):
        other = other[:0]  # a code with Thai or other non-ASCII characters is read cell by cell
    if len(other):
        subset = pc.take(strs, pa.array(other))
        good = ~_mask(pc.match_substring_regex(subset, _UNCLEAN_RE))
        good &= _mask(pc.equal(pc.utf8_normalize(subset, "NFC"), subset))
        ok[other] = good
    short = np.flatnonzero(ok & (cells.lengths <= _LONGEST_MARKER))
    if len(short):
        subset = pc.utf8_lower(pc.take(strs, pa.array(short)))
        ok[short] &= ~_mask(pc.is_in(subset, pa.array(sorted(thai.MISSING_MARKERS), pa.string())))
    if kind == "slug":
        ok &= ~cells.any_of(~read.byte_table(b"abcdefghijklmnopqrstuvwxyz0123456789_-"))
    if kind == "codes":
        ok &= ~cells.any_of(~read.byte_table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-,"))
        candidates = np.flatnonzero(ok & (cells.any_of(read.byte_table(b","))))
        if len(candidates):
            ok[candidates] = _mask(pc.match_substring_regex(pc.take(strs, pa.array(candidates)), _CODES_RE))
    return ok


def _fixed_form(cells: read.ByteCells, form: str) -> np.ndarray:
    """True for cells of exactly the shape ``form`` (``9`` a digit, any other character itself)."""
    ok = cells.lengths == len(form)
    for i, ch in enumerate(form.encode()):
        byte = cells.at(i)
        ok &= _DIGITS[byte] if ch == ord("9") else byte == ch
    return ok


def _fast_column(spec: contract.Column, column: read.Column, has_era: bool) -> _Fast | None:
    """Read the plain cells of a column at once; every other cell is left to :func:`_parse_cell`.

    A cell is read here only when the per-cell path would give the same value *and no problem*:
    an empty cell of an optional column; clean text (what :func:`thai.clean_text` leaves as is,
    not a missing marker, Arabic digits for codes); a stored choice as spelt in the contract; a
    plain number in range (``float(text)``, no separators, Thai digits or words); a BE fiscal
    year of four digits; an ISO CE date ``YYYY-MM-DD`` or month ``YYYY-MM``; and in a workbook a
    native number or date. Anything else (Thai digits, BE dates, ``ล้านบาท``, mixed counts, a
    missing marker, an out-of-range value) is read cell by cell, which also logs its problem.
    Most tests run on the cells' UTF-8 bytes with numpy (:class:`read.ByteCells`).
    """
    kind, dtype = spec.kind, contract.KINDS[spec.kind].dtype
    if kind == "bool" or (kind == "fiscal_year" and has_era):
        return None
    n = len(column)
    if isinstance(column, pa.Array):
        strs, natives = column, None
    else:
        strs = pa.array([v if type(v) is str else None for v in column], pa.string())
        natives = [i for i, v in enumerate(column) if v is not None and type(v) is not str]
    cells = read.ByteCells(strs)
    is_str = cells.valid if cells.valid is not None else np.ones(n, dtype=bool)
    if spec.required:
        empty = np.zeros(n, dtype=bool)
    else:
        empty = cells.lengths == 0
        if natives is not None:
            empty &= np.fromiter((v is None or v == "" for v in column), bool, n)  # type: ignore[arg-type]
    if kind in _TEXT_KINDS:
        if kind == "enum":
            choices = spec.choices or {}
            stored = sorted(v for v in set(choices.values()) if choices.get(v.lower()) == v)
            ok = _mask(pc.is_in(strs, pa.array(stored, pa.string())))
        else:
            ok = _plain_text(strs, cells, kind)
        ok &= is_str & ~empty
        return _Fast(ok | empty, pc.if_else(pa.array(ok), strs, pa.scalar(None, pa.string())), dtype)
    if kind in ("number", "amount", "int", "stars", "count", "fiscal_year"):
        if kind == "count":
            ok = (~cells.any_of(_NOT_DIGIT)) & (cells.lengths > 0) & (cells.lengths <= 15)
        elif kind == "fiscal_year":
            ok = (~cells.any_of(_NOT_DIGIT)) & (cells.lengths == 4)
        else:
            ok = (~cells.any_of(_NOT_NUMBER)) & (cells.lengths > 0) & (cells.lengths <= _LONGEST_NUMBER)
        ok &= is_str
        numbers = np.full(n, np.nan)
        if ok.any():
            texts = pc.filter(strs, pa.array(ok))
            try:
                numbers[ok] = pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False)
            except pa.ArrowInvalid:  # some cell such as "1.2.3" or "+-": only the plain ones
                ok[ok] = good = _mask(pc.match_substring_regex(texts, _NUMBER_RE))
                numbers[ok] = pc.cast(pc.filter(texts, pa.array(good)), pa.float64()).to_numpy(zero_copy_only=False)
        for i in natives or ():
            value = column[i]
            if type(value) in (int, float) and abs(value) < MAX_MAGNITUDE:  # type: ignore[arg-type]
                numbers[i], ok[i] = float(value), True  # type: ignore[arg-type]
        if kind == "fiscal_year":
            with np.errstate(invalid="ignore"):
                ok &= (numbers >= thai.BE_RANGE[0]) & (numbers <= thai.BE_RANGE[1])
        if kind in _INT_KINDS:
            with np.errstate(invalid="ignore"):
                ok &= np.floor(numbers) == numbers
        ok &= _in_range(numbers, spec)
        return _Fast(ok | empty, np.where(ok, numbers, np.nan), dtype)
    if kind in ("date", "month"):
        stamps = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
        ok = is_str & _fixed_form(cells, "9999-99-99" if kind == "date" else "9999-99")
        if ok.any():
            texts = pc.filter(strs, pa.array(ok))
            if kind == "month":
                texts = pc.binary_join_element_wise(texts, "-01", "")
            stamps[ok] = _iso_dates(texts)
        for i in natives or ():
            value = column[i]
            if type(value) is dt.datetime:
                stamps[i], ok[i] = np.datetime64(dt.date(value.year, value.month, value.day), "us"), True
        years = stamps.astype("datetime64[Y]").astype("int64") + 1970
        ok &= ~np.isnat(stamps) & (years >= _CE_YEARS[0]) & (years <= _CE_YEARS[1])
        return _Fast(ok | empty, np.where(ok, stamps, np.datetime64("NaT")), dtype)
    return None


def _iso_dates(texts: pa.Array) -> np.ndarray:
    """``YYYY-MM-DD`` texts as datetime64[us]; a date that does not exist (2023-02-29) is NaT."""
    try:
        return pc.cast(texts, pa.timestamp("us")).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, OverflowError):  # some date does not exist: find which, one by one
        parsed = pd.to_datetime(pd.Series(texts.to_pylist()), format="%Y-%m-%d", errors="coerce")
        return parsed.to_numpy(dtype="datetime64[us]")


def _python_values(fast: _Fast) -> list[object]:
    """The column-wise values as the per-cell parser gives them (int, float, str, Timestamp, Period, None)."""
    if isinstance(fast.values, pa.Array):
        return fast.values.to_pylist()
    if fast.dtype == "float64":
        return [None if math.isnan(v) else v for v in fast.values.tolist()]
    if fast.dtype == "Int64":
        return [None if math.isnan(v) else int(v) for v in fast.values.tolist()]
    if fast.dtype == "period[M]":
        return [None if pd.isna(v) else pd.Period(v, freq="M") for v in pd.DatetimeIndex(fast.values)]
    return [None if pd.isna(v) else v for v in pd.DatetimeIndex(fast.values)]


def _typed_series(fast: _Fast, index: pd.Index) -> pd.Series:
    """The column-wise values as the Series :func:`_series` builds from the same values."""
    if isinstance(fast.values, pa.Array):
        return pd.Series(pd.array(fast.values, dtype="str"), index=index)
    if fast.dtype == "float64":
        return pd.Series(fast.values, index=index, dtype="float64")
    if fast.dtype == "Int64":
        missing = np.isnan(fast.values)
        ints = np.where(missing, 0, fast.values).astype("int64")
        return pd.Series(pd.arrays.IntegerArray(ints, missing), index=index)
    if fast.dtype == "period[M]":
        return pd.Series(pd.DatetimeIndex(fast.values).to_period("M"), index=index)
    return pd.Series(fast.values, index=index).astype(fast.dtype)


def _read_column(
    spec: contract.Column,
    cells: read.Column,
    numbers: list[int],
    eras: list[str | None] | None,
    add: Add,
    index: pd.Index,
    *,
    as_list: bool = False,
) -> list[object] | pd.Series:
    """A column's values, each cell read column-wise (:func:`_fast_column`) or by :func:`_parse_cell`.

    Problems of cells read one by one are logged in row order, as the per-cell path logs them; the
    cells read column-wise have none. Returns a typed Series when no cell needed the per-cell parser
    (and ``as_list`` is false), else the list of values for :func:`_series`.
    """
    fast = _fast_column(spec, cells, eras is not None) if FAST else None
    if fast is not None and not as_list and fast.done.all():
        return _typed_series(fast, index)
    raw = cells.to_pylist() if isinstance(cells, pa.Array) else cells
    values: list[object] = _python_values(fast) if fast is not None else [None] * len(raw)
    todo = range(len(raw)) if fast is None else np.flatnonzero(~fast.done).tolist()
    for i in todo:
        raw_value, row = raw[i], numbers[i]
        value, reason = _parse_cell(spec, raw_value, eras[i] if eras is not None else None)
        if reason is not None:
            add("error", row, spec.name, raw_value, reason[0], **reason[1])
        elif value is None and spec.required:
            add("error", row, spec.name, raw_value, "required", name=spec.name)
        elif _changed(spec.kind, raw_value, value):
            shown = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else value
            add("change", row, spec.name, raw_value, "normalised", shown=shown)
        values[i] = value
    return values


_BRACKETED_NAME = re.compile(r"\(([a-z0-9_]+)\)\Z")


def _column_name(spec: contract.Table, header: str) -> str:
    """The contract column a (normalised) header names: ``quadrant``, ``ด้าน_swot`` or ``ด้าน_swot_(quadrant)``.

    A header ending in a column's name in brackets is that column; anything else is kept as typed.
    """
    names = contract.header_names(spec.name, read.normalise_header)
    if header in names:
        return names[header]
    match = _BRACKETED_NAME.search(header)
    return match.group(1) if match and spec.column(match.group(1)) is not None else header


def normalise_table(raw: RawTable, problems: Problems) -> pd.DataFrame:
    """Read every cell of a raw table through its contract column; collect all problems.

    A header may be the column name, its Thai label or both (``ด้าน SWOT (quadrant)``, see
    :func:`planlib.inputs.contract.header_names`). Unknown columns are kept as text. On ``scores``
    (wide) they are criterion scores and are read as numbers. Mixed count cells fill their
    individual/group columns when those are empty, and conflicts are warned. Every problem names
    the table's file and sheet.
    Clean cells are read column-wise; the rest one by one (:func:`_read_column`).
    """
    spec = contract.TABLES[raw.name]

    def add(severity: str, row: int | None, column: str, value: object, code: str, /, **values: object) -> None:
        shown = _raw_text(value)
        problem = Problem.of(
            severity, raw.name, code, file=raw.file, sheet=raw.sheet, row=row, column=column, value=shown, **values
        )
        problems.add(problem)

    header = [_column_name(spec, name) for name in raw.header]
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            column = raw.column(i)
            if any(not thai.is_missing(v) for v in (column.to_pylist() if isinstance(column, pa.Array) else column)):
                add("error", raw.header_row, f"#{i + 1}", "", "no_header", number=i + 1)
            continue
        if name in seen:
            add("error", raw.header_row, name, name, "duplicate_column", name=name, first=seen[name] + 1, second=i + 1)
        else:
            seen[name] = i
    for required in spec.required:
        if required not in seen:
            add("error", raw.header_row, required, "", "missing_column", name=required)

    index = pd.Index(raw.numbers, name="row", dtype="int64")
    eras: list[str | None] | None = None
    if "year_era" in seen:
        era_cells = raw.column(seen["year_era"])
        eras = [thai.clean_text(v) for v in (era_cells.to_pylist() if isinstance(era_cells, pa.Array) else era_cells)]
    kinds: dict[str, str] = {}
    parsed_cols: dict[str, list[object] | pd.Series] = {}
    with_parts = any(c.parts for c in spec.columns if c.name in seen)
    for name, pos in seen.items():
        col_spec = spec.column(name)
        if col_spec is None:
            kind = "number" if spec.wide_numeric and name not in ("source", "note") else "text"
            col_spec = contract.Column(name, kind)
        parsed_cols[name] = _read_column(col_spec, raw.column(pos), raw.numbers, eras, add, index, as_list=with_parts)
        kinds[name] = col_spec.kind
    for name, pos in seen.items():
        col_spec = spec.column(name)
        if col_spec is not None and col_spec.parts:
            _split_counts(raw, pos, col_spec, parsed_cols, add)  # type: ignore[arg-type]
            for part in col_spec.parts:
                kinds[part] = spec.column(part).kind  # type: ignore[union-attr]
    columns = {
        name: values if isinstance(values, pd.Series) else _series(values, contract.KINDS[kinds[name]].dtype, index)
        for name, values in parsed_cols.items()
    }
    frame = pd.DataFrame(columns, index=index)
    ordered = [c.name for c in spec.columns if c.name in frame] + [c for c in frame if spec.column(c) is None]
    return frame[ordered]


def _split_counts(raw: RawTable, pos: int, spec: contract.Column, parsed: dict[str, list[object]], add: Add) -> None:
    """Fill individuals/groups columns from mixed count cells; warn on conflicts."""
    assert spec.parts is not None
    ind_name, grp_name = spec.parts
    n = len(raw.numbers)
    inds = parsed.setdefault(ind_name, [None] * n)
    grps = parsed.setdefault(grp_name, [None] * n)
    cells = raw.column(pos)
    for i, (row, raw_value) in enumerate(zip(raw.numbers, cells.to_pylist() if isinstance(cells, pa.Array) else cells)):
        if FAST and (type(raw_value) in (int, float, type(None)) or _PLAIN_COUNT.match(str(raw_value))):
            continue  # a plain count or an empty cell has no parts: nothing to split, nothing to log
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


def nearest_match(path: str | Path, *, levels: int = 3) -> Path | None:
    """Where a relative ``path`` that does not exist here does exist, seen from the working directory.

    Looks in the working directory's parents (``../data/hwfund`` from ``notebooks/``), nearest
    first, up to ``levels`` up, then in its sub-folders (``data/hwfund`` for ``hwfund``... one
    level down). Returns the path relative to the working directory, or None (also for an
    absolute path, or one that exists).
    """
    path = Path(path)
    if path.is_absolute() or path.exists():
        return None
    cwd = Path.cwd()
    for up, parent in enumerate(cwd.parents[:levels], start=1):
        if (parent / path).exists():
            return Path(*[".."] * up) / path
    for child in sorted(c for c in cwd.iterdir() if c.is_dir() and not c.name.startswith(".")):
        if (child / path).exists():
            return Path(child.name) / path
    return None


def not_found(path: Path) -> Problem:
    """The problem for a ``path`` that does not exist: a relative one names the working directory and,
    when :func:`nearest_match` finds one, where it does exist (``../data/hwfund`` from ``notebooks/``)."""
    if path.is_absolute():
        return Problem.of("error", "", "not_found", file=str(path), path=path)
    near = nearest_match(path)
    if near is None:
        return Problem.of("error", "", "not_found_in_cwd", file=str(path), path=path, cwd=Path.cwd())
    return Problem.of("error", "", "not_found_near", file=str(path), path=path, cwd=Path.cwd(), near=near)


def read_tables(
    path: str | Path,
    wanted: Iterable[str],
    problems: Problems,
    *,
    synthetic: bool = False,
    sheets: dict[str, str] | None = None,
    step: Callable[[str], None] | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, str], frozenset[str]]:
    """Normalised DataFrames of the ``wanted`` tables found at ``path``, their files and the synthetic ones.

    With ``synthetic=True``, tables in the folder's ``synthetic/`` subfolder are loaded too
    (and named in the returned set), replacing nothing real: a synthetic table whose name a
    real file already uses is refused. ``sheets``, when given, is filled with each workbook
    table's sheet title as typed. ``step``, when given, is called with the name of each step
    done (the files read, then each table normalised): a progress bar's tick.
    """
    path = Path(path)
    wanted = tuple(wanted)
    raw_problems: list[Problem] = []
    if not path.exists():
        problems.add(not_found(path))
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
    if step is not None:
        step("read")
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
        if step is not None:
            step(name)
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


PROGRESS_BYTES = 20 * 1024**2
"""Inputs of at least this many bytes show a progress bar while they load (``progress=None``)."""


def input_bytes(path: str | Path) -> int:
    """Bytes planlib would read at ``path``: the workbook, or the folder's CSV files and ``synthetic/`` ones."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    if not path.is_dir():
        return 0
    files = [*path.glob("*.csv"), *(path / "synthetic").glob("*.csv")]
    return sum(f.stat().st_size for f in files if f.is_file())


class _Progress:
    """A tqdm.auto bar over the steps of one load (a widget in JupyterLab, a line on stderr in a terminal)."""

    def __init__(self, path: Path, steps: int, show: bool) -> None:
        self.bar = None
        if show:
            from tqdm.auto import tqdm  # heavy: in a notebook tqdm.auto loads ipywidgets; only when a bar is shown

            self.bar = tqdm(total=steps, desc=f"planlib {path.name}", unit="step", leave=False, dynamic_ncols=True)

    def __call__(self, what: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(what, refresh=False)
            self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _load(
    cls: type[D],
    path: str | Path,
    wanted: tuple[str, ...],
    synthetic: bool,
    repair: bool = False,
    progress: bool | None = None,
) -> D:
    problems = Problems()
    sheets: dict[str, str] = {}
    show = input_bytes(path) >= PROGRESS_BYTES if progress is None else progress
    step = _Progress(Path(path), len(wanted) + 2, show)
    try:
        tables, files, fake = read_tables(path, wanted, problems, synthetic=synthetic, sheets=sheets, step=step)
        if repair:
            repair_text(tables, files, problems, sheets)
        _match_criterion_columns(tables)
        info: dict[str, object] = {}
        if "plan" in tables:
            info = plan_info(tables["plan"], files["plan"], problems, sheets.get("plan", ""))
        dataset = cls(Path(path), tables, files, problems, info, fake, sheets)
        problems.extend(checks.run_checks(dataset))
        step("checks")
    finally:
        step.close()
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
    return _with_loader_check(_load(Plan, path, contract.PLAN_TABLES, synthetic, repair_thai), strict, path)


def _with_loader_check(dataset: D, strict: bool, path: str | Path) -> D:
    """Add :func:`~planlib.inputs.dataset.loader_mismatch`'s error (the other loader's folder), then raise if strict.

    Only :func:`load_plan` and :func:`load_portfolio` ask it: :func:`validate` reads both kinds of table.
    """
    dataset.problems.extend(loader_mismatch(dataset))
    return raise_if_strict(dataset, strict, path)


def raise_if_strict(dataset: D, strict: bool, path: str | Path) -> D:
    """``dataset``; when ``strict`` and it has errors, :class:`~planlib.inputs.problems.DataError` listing them all."""
    if strict and dataset.problems.errors:
        raise DataError(dataset.problems, str(path))
    return dataset


def load_portfolio(
    path: str | Path, *, strict: bool = True, synthetic: bool = True, progress: bool | None = None
) -> Portfolio:
    """Load the lending tables of one organisation (aggregates and/or loan level).

    Tables in the folder's ``synthetic/`` subfolder (a generated loan book) are included
    when ``synthetic`` is true, and listed in ``portfolio.synthetic`` so reports label them.
    ``progress`` shows a progress bar (tqdm.auto); by default only for inputs of at least
    :data:`PROGRESS_BYTES` (a loan book of some 20,000 loans and more).
    """
    portfolio = _load(Portfolio, path, contract.LENDING_TABLES + ("plan",), synthetic, progress=progress)
    return _with_loader_check(portfolio, strict, path)


def validate(path: str | Path, *, progress: bool | None = None) -> Problems:
    """Every problem in the plan and lending tables at ``path`` (nothing is raised); ``progress`` as for loading."""
    problems = Problems()
    plan = _load(Plan, path, contract.PLAN_TABLES + contract.LENDING_TABLES, True, progress=progress)
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
