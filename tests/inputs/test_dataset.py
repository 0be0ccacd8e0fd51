"""Dataset objects in a notebook (issue 14): tab completion, a short repr, the HTML view, and plain words
when a table, a loader or a function argument is the wrong kind."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.completer import provisionalcompleter
from IPython.core.interactiveshell import InteractiveShell

import planlib
from planlib.inputs import dataset, load
from planlib.inputs.dataset import Plan, Portfolio


def test_dir_lists_the_tables_so_they_tab_complete(plans) -> None:
    plan = plans["hwfund"]
    names = dir(plan)
    assert {"swot", "projects", "kpis", "spending", "has", "problems", "org_name"} <= set(names)
    assert "lending_annual" not in names  # a lending table: not in a plan
    shell = InteractiveShell.instance()
    shell.user_ns["plan"] = plan
    with provisionalcompleter():
        completions = {c.text for c in shell.Completer.completions("plan.sw", 7)}
    assert "swot" in completions


def test_repr_is_short_with_tables_rows_and_problem_counts(plans) -> None:
    plan = plans["hwfund"]
    text = repr(plan)
    assert len(text) < 600 and all(len(line) <= 100 + len(plan.org_name) + 60 for line in text.splitlines())
    first = text.splitlines()[0]
    assert first.startswith("<Plan hwfund · กองทุนเพื่อผู้รับงานไปทำที่บ้าน (")
    counts = plan.problems.summary()
    assert counts in first and f"{len(plan.tables)} tables ({len(plan.synthetic)} synthetic)" in first
    assert re.search(rf"\bswot {len(plan.swot)}\b", text)
    assert re.search(rf"\bkpi_actuals {len(plan.kpi_actuals)}\*", text)  # synthetic tables are starred
    assert len(repr(plan)) < len(repr(plan.tables)) / 20  # was a 27,000-character dump


def test_repr_html_shows_each_table_with_rows_and_problems(plans, hwfund_portfolio) -> None:
    plan = plans["hwfund"]
    page = plan._repr_html_()
    summary = plan.table_summary()
    assert summary.loc["swot", "rows"] == len(plan.swot) and summary.loc["swot", "file"] == "swot.csv"
    by_table = plan.problems.to_frame().groupby(["table", "severity"]).size()
    for (table, severity), n in by_table.items():
        if table in summary.index:
            assert summary.loc[table, severity] == n
    assert summary[["error", "warning", "change"]].to_numpy().sum() <= len(plan.problems)
    frame = pd.read_html(io.StringIO(page))[0]
    assert len(frame) == len(plan.tables)
    assert frame["แถว / rows"].sum() == sum(len(f) for f in plan.tables.values())
    assert list(frame.columns) == list(dataset.HTML_HEADERS.values())
    assert "activity_status</code> <em>(synthetic)</em>" in page
    book = hwfund_portfolio._repr_html_()
    assert "<code>loans</code>" in book and f"<td>{len(hwfund_portfolio.loans)}</td>" in book
    assert "<script" not in book


def test_a_plan_asked_for_a_lending_table_names_load_portfolio(plans) -> None:
    plan = plans["hwfund"]
    with pytest.raises(KeyError) as err:
        _ = plan.lending_annual
    assert "planlib.load_portfolio(" in str(err.value) and "อ่านด้วย planlib.load_portfolio" in str(err.value)
    assert not hasattr(plan, "lending_annual")
    with pytest.raises(AttributeError):
        _ = plan.no_such_thing


def test_a_portfolio_asked_for_a_plan_table_names_load_plan(hwfund_portfolio) -> None:
    with pytest.raises(KeyError, match=r"plan table, not a lending table: read it with planlib.load_plan\("):
        hwfund_portfolio["swot"]
    with pytest.raises(KeyError, match="is not in"):
        planlib.load_plan(Path(hwfund_portfolio.path).parent / "mol")["kpis"]  # a plan table mol lacks


def test_load_portfolio_on_a_plan_folder_says_use_load_plan(data_dir: Path) -> None:
    with pytest.raises(planlib.DataError) as err:
        planlib.load_portfolio(data_dir / "ditp")
    wrong = [p for p in err.value.problems.errors if p.code == "wrong_loader_plan_folder"]
    assert len(wrong) == 1 and "planlib.load_plan(" in wrong[0].reason_en and "swot" in wrong[0].reason_en
    assert "อ่านด้วย planlib.load_plan" in wrong[0].reason_th
    assert "planlib.load_plan(" in str(err.value)
    lenient = planlib.load_portfolio(data_dir / "ditp", strict=False)
    assert [p.code for p in lenient.problems.errors] == ["wrong_loader_plan_folder"]
    assert planlib.load_portfolio(data_dir / "hwfund", strict=False).problems.errors.to_frame().empty


def test_load_plan_on_a_loan_book_folder_says_use_load_portfolio(data_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    for name in ("lending_annual.csv", "loan_terms.csv"):
        shutil.copy(data_dir / "hwfund" / name, book / name)
    with pytest.raises(planlib.DataError) as err:
        planlib.load_plan(book)
    assert "wrong_loader_lending_folder" in [p.code for p in err.value.problems.errors]
    assert "planlib.load_portfolio(" in str(err.value)
    assert not planlib.load_portfolio(book).problems.errors


def test_the_inputs_loaders_themselves_say_which_loader_to_use(data_dir: Path) -> None:
    """The check sits in planlib.inputs.load, so a direct load.load_plan/load_portfolio says it too."""
    with pytest.raises(planlib.DataError) as err:
        load.load_portfolio(data_dir / "ditp")
    assert [p.code for p in err.value.problems.errors] == ["wrong_loader_plan_folder"]
    assert not load.load_portfolio(data_dir / "hwfund", strict=False, progress=False).problems.errors
    assert not planlib.load_portfolio(data_dir / "hwfund", strict=False, progress=False).problems.errors


def test_loader_mismatch_needs_the_other_tables_present(tmp_path: Path) -> None:
    empty = Portfolio(tmp_path, {}, {}, planlib.Problems())
    assert dataset.loader_mismatch(empty) == []  # nothing at all there: the loader's own errors say so
    (tmp_path / "swot.csv").write_text("code,quadrant,text_th\n", encoding="utf-8")
    assert [p.code for p in dataset.loader_mismatch(empty)] == ["wrong_loader_plan_folder"]
    assert dataset.loader_mismatch(dataset.Dataset(tmp_path, {}, {}, planlib.Problems())) == []
    assert dataset.tables_at(tmp_path / "swot.csv") == frozenset()


class Scoring:
    """Stands in for a domain type of a higher layer (priority.Scoring)."""


def test_expect_says_what_is_expected_and_how_to_get_it(plans, hwfund_portfolio) -> None:
    plan = plans["hwfund"]
    dataset.expect(Scoring(), Scoring, "priority.prioritize", "priority.scoring(plan)")
    with pytest.raises(TypeError) as err:
        dataset.expect(plan, Scoring, "priority.prioritize", "priority.scoring(plan)")
    assert err.value.code == "wrong_type"  # type: ignore[attr-defined]
    assert str(err.value) == (
        "priority.prioritize() expects Scoring, not Plan: get one with priority.scoring(plan) / "
        "priority.prioritize() ต้องการ Scoring ไม่ใช่ Plan: สร้างได้ด้วย priority.scoring(plan)"
    )
    with pytest.raises(TypeError, match=r"expects Plan, not Portfolio: get one with planlib.load_plan\('.*hwfund'\)"):
        dataset.expect(hwfund_portfolio, Plan, "kpi.scorecard")
    with pytest.raises(TypeError, match=r"Portfolio or str, not DataFrame: get one with planlib.load_portfolio"):
        dataset.expect(pd.DataFrame(), (Portfolio, str), "books.open_book")
    with pytest.raises(TypeError, match=r"ต้องการ Scoring หรือ int ไม่ใช่ str$"):
        dataset.expect("x", (Scoring, int), "priority.report")
    with pytest.raises(TypeError, match=r"expects Scoring, not int / .*ต้องการ Scoring ไม่ใช่ int$"):
        dataset.expect(1, Scoring, "priority.totals")
