"""The vectorised checks (issue 16.1) find exactly what the per-cell checks found, in the same order.

``damaged_text`` sends only the cells matching :data:`planlib.inputs.checks.DAMAGE_SIGNS` through
:func:`planlib.inputs.thai.detect_damage`, and ``unknown_codes`` tests membership with one ``isin`` per
column. The references below are the per-cell checks as they were before; the prefilter is run against
``detect_damage`` on every text cell of every shipped dataset and CSV file, the fuzz corpus and
generated Thai strings.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planlib
from planlib.inputs import checks, thai
from planlib.inputs.dataset import Dataset
from planlib.inputs.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"

DAMAGED = "กำรศึกษำกำรใช้เทคโนโลยีดิจิทัลสนับสนุนกำรปฏิบัติภำรกิจ"  # seed-004: the font mapped า to ำ
SPACED_AA = "ขาดก ารก าหนดทิศทาง"  # a lost ำ written as ' า' after a letter
TONE_FIRST = "เพ\u0e48\u0e37อการพัฒนา"  # tone mark stored before the upper vowel


def per_cell_damaged_text(dataset: Dataset) -> Iterator[Problem]:
    """The check before issue 16.1: detect_damage on every text cell longer than 8 characters."""
    for name, frame in dataset.tables.items():
        for column in frame.columns:
            if frame[column].dtype != "str" and frame[column].dtype != object:
                continue
            for row, text in frame[column].dropna().items():
                if isinstance(text, str) and len(text) > 8 and thai.detect_damage(text).damaged:
                    shown = text[:40] + ("…" if len(text) > 40 else "")
                    yield checks.located(dataset, "warning", "damaged_text", name, row, str(column), shown)


def per_cell_unknown_codes(dataset: Dataset) -> Iterator[Problem]:
    """The check before issue 16.1: every referencing cell looked up one by one."""
    for table, column, targets, is_list in checks.REFERENCES:
        frame = dataset.tables.get(table)
        if frame is None or column not in frame:
            continue
        present = [t for t, _ in targets if t in dataset.tables]
        if not present:
            if frame[column].notna().any():
                names = " or ".join(t for t, _ in targets)
                yield checks.located(
                    dataset, "error", "missing_table", table, None, column, "", name=column, tables=names
                )
            continue
        known: set[str] = set()
        for t, c in targets:
            if t in dataset.tables and c in dataset.tables[t]:
                known |= set(dataset.tables[t][c].dropna().astype(str))
        where = " or ".join(f"{t}.{c}" for t, c in targets)
        listed = ", ".join(sorted(known)[:12]) + (", …" if len(known) > 12 else "")
        for row, value in frame[column].dropna().items():
            for code in str(value).split(",") if is_list else [str(value)]:
                if code in known:
                    continue
                found = {"code": code, "where": where}
                code_name = "unknown_code" if known else "unknown_code_none_known"
                extra = {"known": listed} if known else {}
                yield checks.located(dataset, "error", code_name, table, row, column, code, **found, **extra)


def _shipped(plans: dict[str, planlib.Plan], portfolio: planlib.Portfolio) -> list[Dataset]:
    return [*plans.values(), portfolio]


def _tampered(dataset: Dataset) -> Dataset:
    """``dataset`` with damaged text and unknown codes written into copies of its tables (so equality can fail)."""
    tables = {name: frame.copy() for name, frame in dataset.tables.items()}
    for frame in tables.values():
        texts = [c for c in frame.columns if frame[c].dtype == "str" or frame[c].dtype == object]
        for i, column in enumerate(texts[:3]):
            if len(frame) > 1:
                frame[column] = frame[column].astype(object)
                frame.loc[frame.index[-1], column] = (DAMAGED, SPACED_AA, TONE_FIRST)[i]
                frame.loc[frame.index[0], column] = 12.5  # a number in a text column: never a text cell
    for table, column, _, is_list in checks.REFERENCES:
        frame = tables.get(table)
        if frame is not None and column in frame and len(frame):
            frame[column] = frame[column].astype(object)
            frame.loc[frame.index[0], column] = "NO_SUCH,ALSO_NONE" if is_list else "NO_SUCH_CODE"
    return dataclasses.replace(dataset, tables=tables)


def _key(problems: Iterator[Problem]) -> list[tuple[object, ...]]:
    return [(p.severity, p.table, p.code, p.file, p.row, p.column, p.value, p.reason_en, p.reason_th) for p in problems]


def test_damaged_text_equals_the_per_cell_check_on_shipped_data(
    plans: dict[str, planlib.Plan], hwfund_portfolio: planlib.Portfolio
) -> None:
    for dataset in _shipped(plans, hwfund_portfolio):
        assert _key(checks.damaged_text(dataset)) == _key(per_cell_damaged_text(dataset)), dataset.path
        tampered = _tampered(dataset)
        found = _key(checks.damaged_text(tampered))
        assert found == _key(per_cell_damaged_text(tampered)), dataset.path
        assert len(found) >= min(3, sum(len(f) > 1 for f in tampered.tables.values())), dataset.path


def test_unknown_codes_equals_the_per_cell_check_on_shipped_data(
    plans: dict[str, planlib.Plan], hwfund_portfolio: planlib.Portfolio
) -> None:
    for dataset in _shipped(plans, hwfund_portfolio):
        assert _key(checks.unknown_codes(dataset)) == _key(per_cell_unknown_codes(dataset)), dataset.path
        tampered = _tampered(dataset)
        found = _key(checks.unknown_codes(tampered))
        assert found == _key(per_cell_unknown_codes(tampered)), dataset.path
        if dataset.path.name != "mol":  # mol's tables reference nothing that is shipped beside them
            assert any(k[6] == "NO_SUCH_CODE" for k in found), dataset.path


def test_unknown_codes_on_a_numeric_code_column_match_as_text(hwfund_portfolio: planlib.Portfolio) -> None:
    """A code column read as numbers is compared by ``str(value)``, as the per-cell check did."""
    tables = dict(hwfund_portfolio.tables)
    ids = [f"{i}.5" for i in range(len(tables["loans"]))]
    tables["loans"] = tables["loans"].assign(loan_id=ids)
    payments = tables["payments"].head(4).copy()
    payments["loan_id"] = [0.5, 1.5, 7.25, float("nan")]
    tables["payments"] = payments
    dataset = dataclasses.replace(hwfund_portfolio, tables=tables)
    found = [p for p in checks.unknown_codes(dataset) if p.table == "payments"]
    assert [(p.row, p.value) for p in found] == [(payments.index[2], "7.25")]
    assert _key(iter(found)) == [k for k in _key(per_cell_unknown_codes(dataset)) if k[1] == "payments"]


# ---------------------------------------------------------------- the prefilter never skips a damaged cell


def _csv_cells(path: Path) -> Iterator[str]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp874", "latin-1"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    for row in csv.reader(io.StringIO(text)):
        yield from row


def _text_cells(plans: dict[str, planlib.Plan], portfolio: planlib.Portfolio) -> Iterator[str]:
    for dataset in _shipped(plans, portfolio):
        for frame in dataset.tables.values():
            for column in frame.columns:
                yield from (v for v in frame[column].dropna() if isinstance(v, str))
    for path in sorted((ROOT / "data").rglob("*.csv")) + sorted(CORPUS.rglob("*.csv")):
        yield from _csv_cells(path)
    for path in sorted((ROOT / "data").rglob("*.md")):
        yield from path.read_text(encoding="utf-8").splitlines()


def _assert_prefilter_keeps(text: str) -> None:
    if thai.detect_damage(text).damaged:
        assert re.search(checks.DAMAGE_SIGNS, text), text
        assert len(checks.damage_candidates(pd.Series([text], dtype="str"))) == (len(text) > 8)


def test_prefilter_keeps_every_damaged_cell_of_shipped_data_and_corpus(
    plans: dict[str, planlib.Plan], hwfund_portfolio: planlib.Portfolio
) -> None:
    seen = damaged = 0
    for text in _text_cells(plans, hwfund_portfolio):
        seen += 1
        damaged += thai.detect_damage(text).damaged
        _assert_prefilter_keeps(text)
    for text in (DAMAGED, SPACED_AA, TONE_FIRST, "ส ำนักงำนแรงงำน"):
        assert thai.detect_damage(text).damaged
        _assert_prefilter_keeps(text)
    assert seen > 100_000 and damaged >= 10  # the shipped files do hold damaged cells (82 when written)


THAI = st.sampled_from([chr(c) for c in range(0x0E01, 0x0E5C)] + [" ", " ", "a", "1", ",", "\n"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(THAI, min_size=0, max_size=30).map("".join))
def test_prefilter_keeps_every_damaged_generated_thai_string(text: str) -> None:
    _assert_prefilter_keeps(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["ำ", "า", " ", "่", "ิ", "ั", "็", "้", "ก", "น", "ส", "ร"]), max_size=16).map("".join))
def test_prefilter_keeps_every_damaged_string_of_marks_and_vowels(text: str) -> None:
    """Dense in the characters the damage rules look at, so the rules' corners are reached."""
    _assert_prefilter_keeps(text)


@pytest.mark.parametrize("text", [DAMAGED, SPACED_AA, TONE_FIRST])
def test_damaged_cells_are_still_reported_from_a_loaded_file(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "plan.csv").write_text("key,value\norg_code,org\norg_name_th,ทดสอบ\n", encoding="utf-8")
    (folder / "swot.csv").write_text(f"code,quadrant,text_th\nS1,S,สะอาด\nS2,S,{text}\n", encoding="utf-8")
    found = [(p.table, p.row, p.column) for p in planlib.validate(folder) if p.code == "damaged_text"]
    assert found == [("swot", 3, "text_th")]
