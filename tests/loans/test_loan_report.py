"""The loan_statistics notebook runs for the Homeworkers Fund (with its synthetic book) and for aggregates only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from planlib import display
from planlib.inputs.key_figure import find
from planlib.loans import books, loan_report, synthetic
from planlib.loans import key_figures as kf
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


def _page(path: Path) -> str:
    """The report as read top to bottom: markdown headings and code outputs in cell order."""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        parts += [str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", [])]
    return re.sub(r"\s+", " ", " ".join(parts))


def run_notebook(out: Path, **parameters: object) -> str:
    """Run the report notebook with ``parameters`` into ``out``; the HTML it shows (no cell may fail)."""
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False)
    return _texts(out)


def test_runs_for_hwfund_with_synthetic_book(tmp_path):
    out = tmp_path / "hw.ipynb"
    text = run_notebook(out, org="hwfund", fy=2567, quarter=3, data_dir=str(Path("data").resolve()))
    assert "SYNTHETIC" in text and "ณ / as of 30 มิ.ย. 2567" in text
    assert "91.07" in text and "PAR30" in text and "สงสัยจะสูญ" in text
    assert "FY2548 is printed as 2558" in text
    assert "Appendix: method" in text and "833.33 and 833.34 in turn" in text
    # page 1 is the key figures; the 2548– history follows the body; reconciliation, method, data quality last
    order = ["Key figures", "Ageing, loan classes and PAR", "Roll rates", "Yearly lending",
             "Appendix: reconciliation", "Appendix: method", "Appendix: data quality"]
    page = _page(out)
    places = [page.find(t) for t in order]
    assert -1 not in places and places == sorted(places), dict(zip(order, places))
    assert page.find("2548 (พิมพ์ / printed 2558)*") > page.find("Roll rates")  # the history no longer opens it
    assert 'class="appendix"' in text
    quality = page[page.find("Appendix: data quality"):]
    assert "lending_annual.csv" in quality and "printed_totals" not in quality  # only the tables this report reads
    assert set(loan_report.TABLES_READ) >= {"lending_annual", "loans", "payments"}
    assert "No description has been provided" not in text and "แผนภูมิแท่งยอดคงเหลือ" in text  # meaningful alt text


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


@pytest.fixture(scope="module")
def hw_snap(hw_book):
    _, book = hw_book
    return book.snapshot(loan_report.as_of(2567))


def test_loan_level_categories_read_as_the_published_thai_names(hw_book, hw_snap):
    """consumer_goods and the other synthetic work types read as lending_breakdown's Thai categories."""
    data, book = hw_book
    names = loan_report.category_names(data)
    published = data.lending_breakdown.query("dimension == 'work_type'")
    assert names["consumer_goods"] == "อุปโภค/บริโภค" and names["group"] == "กลุ่ม"
    by_work = loan_report.quality_table(hw_snap, "work_type", names).iloc[1:, 0]
    assert set(by_work) <= set(published["category_th"]) and "ตัดเย็บ" in set(by_work)
    assert not set(by_work) & set(synthetic.WORK_TYPES)  # no code name left
    made = loan_report.originations_table(book, data, 2567, "work_type").iloc[:, 0]
    assert set(made) == {"ตัดเย็บ", "งานประดิษฐ์", "งานหัตถกรรม", "อุปโภค/บริโภค"}
    assert loan_report.concentration_table(hw_snap, names=names).iloc[0]["มากที่สุด / largest"] == "ตัดเย็บ"
    by_type = loan_report.quality_table(hw_snap, "borrower_type", names).iloc[1:, 0]
    assert list(by_type) == ["กลุ่ม", "ราย (บุคคล)"]
    buckets = loan_report.ageing_table(hw_snap).iloc[:, 0]
    assert list(buckets)[:2] == ["ไม่ค้าง", "1–30 วัน"] and "current" not in set(buckets)


def test_published_counts_not_printed_stay_empty_not_zero(hw_book):
    data, _ = hw_book
    table = loan_report.breakdown_table(data.lending_breakdown, 2567, "work_type").set_index("กลุ่ม / category")
    assert table.loc["ตัดเย็บ", "ราย / individuals"] == 2 and table.loc["งานหัตถกรรม", "กลุ่ม / groups"] == 8
    assert pd.isna(table.loc["งานหัตถกรรม", "ราย / individuals"])  # "individuals not mentioned": –, not 0
    assert str(table["กลุ่ม / groups"].dtype) == "Int64"  # counts as integers
    html = display.html_table(table.reset_index())
    assert "วงเงิน" not in html  # no amount is printed per work type: the all-empty column is left out


def test_collection_table_ends_with_the_year_row_of_page_one(hw_book):
    """78.28 % on time in FY2567 is the table's year row and the key figure, from portfolio.collection_total."""
    data, book = hw_book
    table = loan_report.collection_table(book, 2567)
    assert len(table) == 5 and "ทั้งปี / year" in table.iloc[-1, 0]
    year = table.iloc[-1]
    assert round(year["ตรงเวลา % / on-time rate"], 2) == 78.28 and round(year["รวม % / overall rate"], 2) == 94.21
    assert year["ถึงกำหนด (บาท) / due"] == pytest.approx(table.iloc[:4]["ถึงกำหนด (บาท) / due"].sum())
    figure = find(kf.loan_key_figures(data, 2567, book=book), "collection")
    assert figure.value == pytest.approx(year["ตรงเวลา % / on-time rate"]) and figure.value_text("th") == "78.28 %"


def test_roll_rate_balance_is_the_average_month_start_balance(hw_book):
    """Not Σ of 12 month-ends (140 M against a 15.7 M book): the mean month-start balance, on the book's scale."""
    _, book = hw_book
    when = loan_report.as_of(2567)
    table = loan_report.roll_rate_table(book, when, months=12)
    starts = pf.month_ends(when, 12)[:-1]
    books_mean = sum(float(book.snapshot(d).query("in_portfolio")["outstanding"].sum()) for d in starts) / 12
    assert table[loan_report.ROLL_BALANCE].sum() == pytest.approx(books_mean, abs=0.1)
    assert 15e6 < table[loan_report.ROLL_BALANCE].sum() < 17e6
    current = table.set_index("จาก / from").loc["ไม่ค้าง"]
    assert current[loan_report.ROLL_BALANCE] == pytest.approx(140_318_337.07 / 12, abs=0.01)
    assert current[loan_report.ROLL_MOVES] == 1454 and "→ ปิดบัญชี" in table.columns


def test_reconciliation_counts_print_as_integers(hw_book):
    data, book = hw_book
    summary, diff = loan_report.reconciliation_tables(data.lending_annual, book)
    html = display.html_table(diff)
    row = diff[(diff["ปีงบประมาณ / FY"] == "2561") & (diff["รายการ / measure"] == "ปล่อยกู้ (กลุ่ม)")].iloc[0]
    assert (row["เผยแพร่ / published"], row["จากรายสัญญา / loan level"]) == (388, 38)
    assert ">388<" in html and "388.00" not in html and "ค้างชำระ (บาท)" in set(summary.iloc[:, 0])


def test_charts_start_at_zero_mark_unobserved_cells_and_carry_alt_text(hw_book, hw_snap):
    data, book = hw_book
    when = loan_report.as_of(2567)
    for fig in (loan_report.yearly_chart(data.lending_annual), loan_report.ageing_chart(hw_snap),
                loan_report.stocks_chart(data.lending_annual)):
        assert fig.axes[0].get_ylim()[0] == 0
    assert "ไม่ค้าง" in [t.get_text() for t in loan_report.ageing_chart(hw_snap).axes[0].get_xticklabels()]
    fig = loan_report.vintage_chart(book, when)
    ax = fig.axes[0]
    assert book.vintage(when, max_mob=60).isna().to_numpy().any()  # young cohorts have unobserved months
    assert any(p.get_hatch() == "///" for p in ax.patches)  # the hatched ground they show through
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [loan_report.NOT_OBSERVED]
    assert "2548–2567" in loan_report.yearly_alt(data.lending_annual)
    assert "5.00 of a 5.00 million THB" in loan_report.yearly_alt(data.lending_annual)
    assert "71.84 % not overdue" in loan_report.ageing_alt(hw_snap)
    assert "1.87 million THB as of 31 ก.ค. 2567" in loan_report.stocks_alt(data.lending_annual)
    assert "hatched grey cells are not observed" in loan_report.vintage_alt(book, when)
