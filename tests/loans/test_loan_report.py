"""The loan_statistics notebook runs for the Homeworkers Fund (with its synthetic book) and for aggregates only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from planlib.loans import books, loan_report, synthetic
from planlib.loans import large_books as lb
from planlib.loans import portfolio as pf

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "loan_statistics.ipynb"


def _texts(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.output_type != "error", o
            out.append(str(o.get("data", {}).get("text/html", "")))
    return re.sub(r"\s+", " ", " ".join(out))


def run_notebook(out: Path, **parameters: object) -> str:
    """Run the report notebook with ``parameters`` into ``out``; the HTML it shows (no cell may fail)."""
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False)
    return _texts(out)


def test_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])


def test_runs_for_hwfund_with_synthetic_book(tmp_path):
    out = tmp_path / "hw.ipynb"
    text = run_notebook(out, org="hwfund", fy=2567, quarter=3, data_dir=str(Path("data").resolve()))
    assert "SYNTHETIC" in text and "ณ / as of 30 มิ.ย. 2567" in text
    assert "91.07" in text and "PAR30" in text and "สงสัยจะสูญ" in text
    assert "FY2548 is printed as 2558" in text
    assert "Appendix: method" in text and "833.33 and 833.34 in turn" in text


def test_runs_for_aggregates_only(tmp_path):
    org = tmp_path / "data" / "agg"
    org.mkdir(parents=True)
    for name in ("plan.csv", "lending_annual.csv"):
        shutil.copy(Path("data/hwfund") / name, org / name)
    out = tmp_path / "agg.ipynb"
    text = run_notebook(out, org="agg", fy=2567, data_dir=str(tmp_path / "data"))
    assert "No loan-level data" in text and "91.07" in text and "SYNTHETIC" not in text


def test_not_applicable_without_lending_data(tmp_path):
    org = tmp_path / "data" / "none"
    org.mkdir(parents=True)
    shutil.copy(Path("data/hwfund/plan.csv"), org / "plan.csv")
    out = tmp_path / "none.ipynb"
    assert "this report does not apply" in run_notebook(out, org="none", fy=2567, data_dir=str(tmp_path / "data"))


def test_method_appendix_states_the_equal_principal_convention():
    notes = loan_report.method_notes("equal_principal")
    text = " ".join(notes)
    assert "balance before it ÷ the instalments left" in text and "833.33 and 833.34 in turn" in text
    assert "833.33 × 11, then 833.37" in text and "ปัดเศษครึ่งสตางค์ขึ้น" in text
    assert "equal principal" in notes[0] and "annuity" in loan_report.method_notes()[0]
    assert loan_report.EQUAL_PRINCIPAL_CONVENTION in loan_report.method_notes(None)  # stated without a loan book too
    nb = nbformat.read(NOTEBOOK, as_version=4)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "lr.method_notes(" in sources and "lr.METHOD_TITLE" in sources and "books.open_book(" in sources


def test_as_of_is_the_quarter_end():
    assert loan_report.as_of(2567, 3) == pd.Timestamp("2024-06-30")
    assert loan_report.as_of(2567, 1) == pd.Timestamp("2023-12-31")
    assert loan_report.as_of(2567) == pd.Timestamp("2024-09-30")


@pytest.fixture(scope="module")
def hw_book(hwfund_portfolio):
    return hwfund_portfolio, pf.Book.from_portfolio(hwfund_portfolio)


def test_relief_what_if_for_the_synthetic_cohorts(hw_book):
    data, book = hw_book
    table = loan_report.relief_table(book, data.relief_rounds)
    assert list(table.iloc[:, 0]) == ["2565", "2566", "2567"]
    assert list(table.iloc[:, 1]) == [29, 23, 26]  # Table 2-1 counts of the relief years
    assert (table.iloc[:, -1] > 0).all()


def test_source_line_names_the_loan_book_and_says_synthetic(tmp_path, hw_book):
    data, _ = hw_book
    assert loan_report.book_source(data) == loan_report.SOURCE_SYNTHETIC  # hwfund's own book is synthetic
    plain = tmp_path / "student_loans"
    plain.mkdir()
    assert loan_report.book_source(data, plain) == "loans, payments: student_loans"
    assert not loan_report.loan_level_is_synthetic(data, plain)
    (plain / synthetic.MARKER).write_text("synthetic", encoding="utf-8")
    assert loan_report.book_source(data, plain) == f"{loan_report.SOURCE_SYNTHETIC} (student_loans)"


def test_runs_on_a_parquet_loan_book_through_the_large_path(tmp_path, hw_book):
    """The notebook with ``loan_book``: DuckDB path, the large book's numbers, source line, steps out of the report."""
    folder = synthetic.write_parquet(tmp_path / "national_book", 3000, seed=11, chunk=1000)
    out = tmp_path / "large.ipynb"
    data = str(Path("data").resolve())
    text = run_notebook(out, org="hwfund", fy=2567, quarter=3, loan_book=str(folder), data_dir=data)
    large = books.open_book(str(folder))
    assert isinstance(large, lb.LargeBook)
    quality = loan_report.quality_table(large.snapshot(pd.Timestamp("2024-06-30")))
    whole = quality.iloc[0]
    assert whole.iloc[1] < 10_000  # counts under 10,000 print without a separator (display._format)
    cells = (f"{whole.iloc[1]}", f"{whole.iloc[2]:,.2f}", f"{whole['PAR30 %']:.2f}")  # numbers right-aligned: a class
    assert re.search("".join(rf"<td[^>]*>{re.escape(c)}</td>" for c in cells), text), cells
    assert f"{loan_report.SOURCE_SYNTHETIC} (national_book)" in text and "was not built to match" in text
    assert "Table 2-1, so differences" not in text  # that note is about hwfund's own synthetic book
    nb = nbformat.read(out, as_version=4)
    streams = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert streams and all(o.name == "stderr" for o in streams)  # steps in JupyterLab, dropped from HTML/PDF
    assert any("loans 1–3,000 (1/1)" in o.text for o in streams)
