"""The large-data path (DuckDB over Parquet) gives the small path's numbers: amounts to the satang, counts exactly."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import planlib
from planlib.loans import books, synthetic
from planlib.loans import large_books as lb
from planlib.loans import portfolio as pf

AS_OF = "2024-06-30"
MONEY = (
    "outstanding",
    "overdue",
    "restructured_outstanding",
    "litigation_outstanding",
    "due",
    "on_time",
    "collected",
    "balance",
    "paid",
    "principal",
)


class _Portfolio:
    """The loan tables of data/hwfund in the shape of :func:`planlib.load_portfolio` (``.tables``)."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables


@pytest.fixture(scope="module")
def hw() -> _Portfolio:
    """data/hwfund's relief rounds and generated loan book, read with plain pandas.

    The generated CSVs are machine-written (ASCII digits, ISO dates), so ``pd.read_csv`` gives
    the same frames as ``planlib.load_portfolio`` (whose cell-by-cell reader, tested in
    test_load.py, takes ~6 s here) in ~0.1 s.
    """
    relief = pd.read_csv(
        "data/hwfund/relief_rounds.csv",
        usecols=["fiscal_year", "annual_rate", "installments", "extra_installments_if_on_time"],
    )
    loans = pd.read_csv(
        "data/hwfund/synthetic/loans.csv", parse_dates=["contract_date", "status_date"], dtype={"province": "string"}
    )
    payments = pd.read_csv("data/hwfund/synthetic/payments.csv", parse_dates=["paid_date"])
    for col in ("term_months", "grace_installments", "relief_fiscal_year", "members"):
        loans[col] = loans[col].astype("Int64")
    for col in ("installments", "extra_installments_if_on_time", "fiscal_year"):
        relief[col] = relief[col].astype("Int64")
    return _Portfolio({"loans": loans, "payments": payments, "relief_rounds": relief})


@pytest.fixture(scope="module")
def book(hw):
    """600 synthetic loans FY2562–2567, relief rounds FY2565–2567 (with the FY2567 on-time extension)."""
    loans, payments = synthetic.book(600, seed=6, relief_rounds=hw.tables["relief_rounds"], start_fy=2562)
    sued = loans.index[loans["status"].eq("litigation")][::3]  # the generator writes off after ~6 years: force some
    loans.loc[sued, "status"] = "written_off"
    loans.loc[sued, "status_date"] = pd.Timestamp(
        "2024-03-01"
    )  # inside FY2567: collection leaves them out from then on
    return loans, payments, hw.tables["relief_rounds"]


@pytest.fixture(scope="module")
def small(book):
    return pf.Book(*book)


@pytest.fixture(scope="module")
def large(book):
    return lb.LargeBook(*book, batch_loans=200)  # three SQL batches: partial sums must add up


@pytest.fixture(scope="module")
def both_metrics(small, large):
    """The full metric set as of AS_OF on both paths, computed once for the module."""
    return books.metrics(small, AS_OF, roll_months=3), books.metrics(large, AS_OF, roll_months=3)


def assert_same(small: pd.DataFrame, large: pd.DataFrame, name: str = "") -> None:
    """Same shape, columns, index and values: money columns equal to the satang, counts exactly, ratios to 1e-12."""
    assert list(small.columns) == list(large.columns), name
    assert small.shape == large.shape, name
    pd.testing.assert_index_equal(small.index, large.index, exact=False)
    for col in small.columns:
        a, b = small[col], large[col]
        if col in MONEY:
            assert np.array_equal(np.round(a.to_numpy(dtype=float) * 100), np.round(b.to_numpy(dtype=float) * 100)), (
                f"{name}.{col}"
            )
        elif pd.api.types.is_integer_dtype(a) or pd.api.types.is_bool_dtype(a):
            assert a.tolist() == b.tolist(), f"{name}.{col}"
        elif pd.api.types.is_float_dtype(a):
            np.testing.assert_allclose(
                a.to_numpy(dtype=float),
                b.to_numpy(dtype=float),
                rtol=1e-12,
                atol=0,
                equal_nan=True,
                err_msg=f"{name}.{col}",
            )
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), f"{name}.{col}"


def test_the_book_exercises_every_rule(book, small):
    loans = book[0]
    snap = small.snapshot(AS_OF)
    assert loans["relief_fiscal_year"].notna().sum() > 250  # relief rounds, incl. the FY2567 extension
    assert (loans["relief_fiscal_year"] == 2567).sum() > 80
    assert {"litigation", "restructured", "written_off", "closed", "active"} <= set(snap["status"])
    assert (snap["dpd"] > 365).any() and (snap["bucket"] == "31-60").any()
    off = set(
        loans.loc[loans["status"].eq("written_off") & loans["status_date"].eq(pd.Timestamp("2024-03-01")), "loan_id"]
    )
    after = small.schedule["loan_id"].isin(off) & small.schedule["due_date"].between("2024-03-01", "2024-09-30")
    assert after.any()  # instalments of written-off loans the FY2567 collection rates must leave out


def test_every_metric_agrees(both_metrics):
    a, b = both_metrics
    assert (
        list(a)
        == list(b)
        == [
            "quality",
            "quality_by_borrower_type",
            "quality_by_work_type",
            "quality_by_province",
            "ageing",
            "loan_classes",
            "concentration",
            "collection",
            "vintage",
            "roll_rates",
        ]
    )
    for name in a:
        assert_same(a[name], b[name], name)


def test_per_loan_snapshot_agrees(small, large):
    a = small.snapshot(AS_OF).sort_values("loan_id").reset_index(drop=True)
    b = large.snapshot(AS_OF)
    assert_same(a.drop(columns="bucket"), b.drop(columns="bucket"), "snapshot")
    assert a["bucket"].astype(str).tolist() == b["bucket"].astype(str).tolist()
    # the frame plugs into the small path's functions unchanged
    assert_same(pf.quality(a, "province"), pf.quality(b, "province"), "quality(snapshot)")


def test_other_dates_parameters_and_cuts_agree(small, large):
    assert_same(
        small.collection_rates(2566, by="work_type"), large.collection_rates(2566, by="work_type"), "collection by"
    )
    assert_same(
        small.vintage("2023-09-30", max_mob=None, weight="count"),
        large.vintage("2023-09-30", max_mob=None, weight="count"),
    )
    assert_same(small.roll_rates("2023-12-31", months=2), large.roll_rates("2023-12-31", months=2), "roll")


def test_relief_on_time_flags_agree(book, small, large):
    a = pf.relief_on_time(small).sort_index()
    b = large.relief_on_time().sort_index()
    assert a.index.tolist() == b.index.tolist() and a.tolist() == b.tolist() and a.any() and not a.all()


def test_payments_without_principal_split_use_the_schedule(book, tmp_path):
    """General path: principal repaid by applying payments to the schedule (interest first), from Parquet input."""
    loans, payments, relief = book
    loans = loans.iloc[::3]  # 200 loans across every cohort and status
    plain = payments[payments["loan_id"].isin(set(loans["loan_id"]))].drop(columns=["principal", "interest"])
    plain.loc[plain.index[::7], "amount"] = (plain.loc[plain.index[::7], "amount"] * 0.6).round(
        2
    )  # partial instalments
    (tmp_path / "loans").mkdir()
    (tmp_path / "payments").mkdir()
    loans.to_parquet(tmp_path / "loans" / "part-0.parquet")
    plain.to_parquet(tmp_path / "payments" / "part-0.parquet")
    large = books.open_book(tmp_path, relief_rounds=relief, batch_loans=120)
    assert isinstance(large, lb.LargeBook) and not large.info["split_complete"]
    small = pf.Book(loans, plain, relief)
    a, b = books.metrics(small, AS_OF, roll_months=1), books.metrics(large, AS_OF, roll_months=1)
    for name in a:
        assert_same(a[name], b[name], name)
    assert_same(small.snapshot(AS_OF).sort_values("loan_id").reset_index(drop=True).drop(columns="bucket"),
                large.snapshot(AS_OF).drop(columns="bucket"), "snapshot")


@pytest.fixture(scope="module")
def hw_pair(hw):
    """data/hwfund's 623 loans on both paths, through the dispatcher (threshold 100 sends them to DuckDB)."""
    return books.open_book(hw), books.open_book(hw, threshold=100)


def test_hwfund_book_agrees(hw_pair):
    small, large = hw_pair
    a, b = (
        books.metrics(small, "2024-07-31", max_mob=60, roll_months=2),
        books.metrics(large, "2024-07-31", max_mob=60, roll_months=2),
    )
    for name in a:
        assert_same(a[name], b[name], name)
    # twenty years earlier, when most of today's loans did not exist yet
    assert_same(small.snapshot("2005-09-30").sort_values("loan_id").reset_index(drop=True).drop(columns="bucket"),
                large.snapshot("2005-09-30").drop(columns="bucket"), "snapshot 2005")


def test_dispatch_by_size_and_format(hw_pair, tmp_path):
    small, large = hw_pair
    assert isinstance(small, pf.Book) and len(small.loans) == 623  # 623 loans ≤ LARGE_BOOK_LOANS: pandas
    assert isinstance(large, lb.LargeBook) and len(large) == 623
    synthetic.write_parquet(tmp_path / "book", 60, seed=3, chunk=40)
    big = books.open_book(tmp_path / "book")
    assert isinstance(big, lb.LargeBook) and len(big) == 60 and len(big.loans) == 60
    assert books.open_book(type("P", (), {"tables": {}})()) is None


def test_work_dir_is_reused_and_temporary_dir_removed(book, tmp_path):
    loans, payments, relief = book
    loans = loans.iloc[:40]
    first = lb.LargeBook(loans, payments, relief, work_dir=tmp_path / "w")
    stamp = (tmp_path / "w" / "loans.parquet").stat().st_mtime_ns
    lb.LargeBook(loans, payments, relief, work_dir=tmp_path / "w")
    assert (tmp_path / "w" / "loans.parquet").stat().st_mtime_ns == stamp  # inputs unchanged: nothing recomputed
    temp = lb.LargeBook(loans, payments, relief)
    where = temp.work
    del temp
    assert not where.exists() and first.work.exists()


def test_the_metric_sql_is_engine_neutral():
    sql = lb.metric_sql(AS_OF, 2567, roll_months=12, split_complete=False)
    text = " ".join(s for _, s in sql["stages"]) + " ".join(sql["results"].values())
    for dialect in ("date_diff", "datediff", "INTERVAL", "::", "ASOF", "QUALIFY", "read_parquet", "//"):
        assert dialect not in text, dialect


def _java() -> bool:
    try:
        return subprocess.run(["java", "-version"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(
    os.environ.get("PLANLIB_SPARK") != "1",
    reason="Spark check is opt-in (a JVM start takes ~10–30 s): "
    "pip install 'planlib[spark]' (pyspark, Java 17) and run with PLANLIB_SPARK=1",
)
def test_same_sql_on_spark_local(small, large):
    pyspark = pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'planlib[spark]'")
    if not _java() or shutil.which("java") is None:
        pytest.skip("no Java runtime (pyspark needs Java 17+ on PATH)")
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("planlib-test").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "4").config("spark.sql.session.timeZone", "UTC").getOrCreate())
    try:
        assert pyspark.__version__
        on_spark = lb.LargeBook(
            *large._sources, large.relief_rounds, work_dir=large.work, engine=lb.SparkEngine(spark), batch_loans=10**9
        )
        a, b = books.metrics(small, AS_OF, roll_months=3), books.metrics(on_spark, AS_OF, roll_months=3)
        for name in a:
            assert_same(a[name], b[name], f"spark {name}")
    finally:
        spark.stop()


STEPS_CELL = """\
from planlib.loans import books, large_books
print(large_books.in_notebook())
book = books.open_book({folder!r})
print(len(book))
"""


def test_a_large_book_shows_its_steps_by_default_in_a_notebook(tmp_path):
    """Issue 16.7: in a Jupyter kernel the preparation steps appear under the cell without asking for them."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    synthetic.write_parquet(tmp_path / "book", 60, seed=3, chunk=40)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(STEPS_CELL.format(folder=str(tmp_path / "book")))]
    resources = {"metadata": {"path": str(tmp_path)}}
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
    outputs = nb.cells[0].outputs
    stdout = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert stdout.split() == ["True", "60"]
    assert "preparing loans and payments / เตรียมข้อมูลสัญญาและการชำระ" in stderr
    assert "building repayment schedules of 60 loans" in stderr


def test_outside_a_notebook_a_large_book_is_quiet_unless_asked(book, capsys, tmp_path, monkeypatch):
    loans, payments, relief = book
    loans = loans.iloc[:30]
    assert not lb.in_notebook()
    lb.LargeBook(loans, payments, relief)
    assert capsys.readouterr().err == ""
    progress_file = tmp_path / "progress.txt"
    monkeypatch.setenv("PLANLIB_PROGRESS", str(progress_file))  # what the report runner sets for a kernel
    lb.LargeBook(loans, payments, relief, progress=True)
    shown = capsys.readouterr().err
    assert "preparing loans and payments" in shown and "building repayment schedules of 30 loans" in shown
    assert progress_file.read_text(encoding="utf-8").splitlines() == shown.splitlines()
    steps: list[str] = []
    lb.LargeBook(loans, payments, relief, progress=steps.append)
    assert steps[0].startswith("preparing loans") and len(steps) >= 2
    lb.LargeBook(loans, payments, relief, progress=False)
    assert capsys.readouterr().err == ""


def test_wrong_objects_are_refused_with_the_call_that_makes_the_right_one(book):
    plan = planlib.load_plan("data/mol")
    with pytest.raises(TypeError, match=r"open_book\(\) expects Portfolio .* not Plan: get one with planlib.load_p"):
        books.open_book(plan)
    with pytest.raises(TypeError, match=r"not DataFrame"):
        books.open_book(book[0])
    with pytest.raises(TypeError, match=r"metrics\(\) expects Book or LargeBook, not tuple: .*open_book\(portfolio\)"):
        books.metrics(book, AS_OF)
    with pytest.raises(TypeError, match=r"LargeBook\(\) expects DataFrame or str or PathLike, not Plan"):
        lb.LargeBook(plan, book[1])
