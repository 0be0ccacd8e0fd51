"""Loan statistics for national-size books: the metrics of :mod:`planlib.loans.portfolio`, out of core, in SQL.

Small books stay in pandas (:class:`planlib.loans.portfolio.Book`). A book given as Parquet, or with
more loans than :data:`planlib.loans.books.LARGE_BOOK_LOANS`, becomes a :class:`LargeBook`
(:func:`planlib.loans.books.open_book` picks the path): the same definitions (module docstring of
:mod:`planlib.loans.portfolio`; CGAP 2003, SEEP MFRS, CGAP Occasional Paper 3, BOT FPG. 5/2559
classes, anchors.md §2.1) run on DuckDB over Parquet and come back as pandas DataFrames of the
same shape and columns, equal to the satang for amounts and exactly for counts
(``tests/loans/test_large_books.py``).

**Why DuckDB.** It is embedded (a pip wheel, no server, nothing for an analyst's IT to run),
streams Parquet with filter push-down and spills to disk past its memory limit, returns pandas
frames directly, and speaks plain SQL, so the very same metric text runs on Spark SQL for
books beyond one machine (:class:`SparkEngine`, tested in local mode when pyspark and Java are
installed: ``pip install "planlib[spark]"``).

**Nothing from outside goes into SQL text.** Loan books arrive as folders from branch offices
and partners, and a file name is text someone else chose. Files are listed by Python and
handed to DuckDB as values of its relation API (:func:`scan`: ``read_parquet`` with a list of
names; a name DuckDB would read as a glob pattern goes through Arrow instead,
:func:`parquet_dataset`), and the SQL names only the resulting views; results are written
with the relation API (``write_parquet``); settings (memory limit, spill folder, threads) are
validated and passed as connection config or bound parameters; the one text value the SQL
needs (the label of a missing work type) is a bound parameter. The SQL text holds only this
module's own column names, constants and integers (``tests/loans/test_large_books_safety.py``
checks the source, and every statement run on folders of hostile file names).

How a book is computed (every step vectorised, nothing loops over loans in Python):

1. **Prepare** (DuckDB): each loan gets an integer key ``k`` (loan_id order); dates become day
   numbers (days since 1970-01-01), amounts whole satang (``BIGINT``), so the metric SQL is
   integer arithmetic, exact, and dialect-free. Written to Parquet sorted by ``k`` in
   ``work_dir`` (a temporary folder unless given; planlib never writes next to your data).
2. **Schedule** (Python, chunk by chunk): :func:`planlib.loans.portfolio.due_schedule` on each chunk
   of loans, the relief round applied (and the FY2567 on-time extension, which needs the
   chunk's payments). A pure per-loan function, so on Spark it is a ``mapInPandas`` of
   :func:`schedule_chunk`.
3. **Metrics** (portable SQL from :func:`metric_sql`, run per range of ``k`` so memory stays
   bounded; every partial result is a sum, a count or a max, added up in pandas):

   * per loan and month end *d*: paid = Σ amount (paid_day ≤ d); due = Σ instalments due by
     *d*; the oldest uncovered instalment = min due_day with cum_due > paid (cumulative
     payments settle instalments in due-date order); dpd = d − that day; outstanding =
     principal − Σ ``payments.principal`` when every payment of the loan has it, else the
     payments applied to the schedule interest first (cum principal of the covered
     instalments + what is left after the first open instalment's interest);
   * paid by a date for single instalments (on-time collection: paid by the due day; first
     date > 90 days past due for vintages: paid by due + 91) do not depend on the as-of date,
     so step 2 stores them with each instalment (cumulative sums + binary search in numpy,
     :func:`paid_by_days`) and the metric SQL only filters them (no window function: the
     running sum over payments and probes it replaces was the costliest step of a run).

Then the pandas formulas of :mod:`planlib.loans.portfolio` (``quality_from_sums``,
``ageing_from_sums``, ``classes_from_ageing``, ``collection_from_sums``,
``vintage_from_cohorts``, ``roll_from_sums``, ``concentration``) turn the sums into PAR30/90,
NPL, arrears rate, ageing buckets and Thai classes, collection rates, vintage shares, roll-rate
matrices and HHI concentration: one definition of each for both paths.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs
import pyarrow.parquet as pq

from planlib import display
from planlib.inputs import messages, thai
from planlib.inputs.dataset import expect
from planlib.inputs.problems import DataError, Problem, Problems
from planlib.loans import portfolio, schedule
from planlib.loans.portfolio import BUCKETS, NPL_DAYS, STATES

EPOCH = pd.Timestamp("1970-01-01")
DEFAULT_BATCH = 250_000
"""Loans per SQL batch (a range of ``k``): bounds the working memory of one pass.

Every batch costs the same per payment and instalment row (measured ~0.6–1 µs/row on 2 cores
at 10⁵ and 10⁶ loans), so the run grows linearly with the book; 250,000 loans (~15 M rows)
keep a pass well inside DuckDB's memory limit (benchmarks/bench_scale.py)."""
SCHEDULE_CHUNK = 200_000
"""Loans per schedule part file (step 2; one task of a worker process)."""
ROW_GROUP = 122_880
"""Rows per Parquet row group of the prepared tables (DuckDB's own row-group size)."""

Source = pd.DataFrame | str | Path
Progress = Callable[[str], None]
"""Where a large book reports its steps (``preparing loans…``, ``loans 1–250,000 (1/4)``)."""
PREPARED_FORMAT = 2
"""Version of the prepared tables in ``work_dir`` (part of the fingerprint: older ones are rebuilt)."""

LOCAL = pyarrow.fs.LocalFileSystem()
"""Every path is a local file name: never parsed as a URI or a pattern."""
PATTERN = re.compile(r"[*?\[\]{}\\]")
"""Characters DuckDB (and Hadoop/Spark) read as a file pattern in a path: * ? [ ] { } and backslash."""
MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
"""What DuckDB accepts as a memory size (``4GB``, ``512MiB``)."""


def day(value: str | pd.Timestamp) -> int:
    """Day number of a date: days since 1970-01-01 (what the prepared tables store)."""
    return int((pd.Timestamp(value).normalize() - EPOCH).days)


def _reason(code: str, **values: object) -> str:
    """An exception text from the message catalogue: ``English / Thai``."""
    return " / ".join(messages.text(code, **values))


# ---------------------------------------------------------------- reading Parquet by file name


def parquet_files(path: str | Path, table: str = "") -> list[Path]:
    """The ``.parquet`` files of a folder (any depth, sorted) or the one file ``path``.

    Names are listed by Python, never matched as patterns: a file called ``*.parquet`` or
    ``a[1].parquet`` is that one file. A folder without Parquet files raises :class:`DataError`
    naming it (``table`` says which table it was meant to hold).
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(f for f in path.rglob("*.parquet") if f.is_file())
        if not files:
            problem = Problem.of("error", table, "loan_book_no_parquet", file=str(path), path=str(path))
            raise DataError(Problems([problem]), source=str(path))
        return files
    return [path]


def _unreadable(table: str, file: Path, path: str | Path, exc: Exception) -> DataError:
    problem = Problem.of("error", table, "loan_book_unreadable", file=str(file), reason=str(exc))
    return DataError(Problems([problem]), source=str(path))


def parquet_schema(path: str | Path, table: str = "") -> pa.Schema:
    """The schema of the Parquet files under ``path``, unified by column name, each footer read by file name.

    Read from an open file handle (no URI, no pattern, no SQL); a column missing from one part is
    null there and types are promoted (as DuckDB's ``union_by_name``). A file that is not
    readable Parquet raises :class:`DataError` naming the file.
    """
    schemas = []
    for f in parquet_files(path, table):
        try:
            with open(f, "rb") as handle:
                schemas.append(pq.read_schema(handle))
        except (OSError, pa.ArrowException) as exc:
            raise _unreadable(table, f, path, exc) from None
    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except pa.ArrowException as exc:
        raise _unreadable(table, Path(path), path, exc) from None


def parquet_dataset(path: str | Path, table: str = "") -> ds.Dataset:
    """The Parquet files under ``path`` as one Arrow dataset, opened file by file by name (:func:`parquet_schema`).

    No glob, no URI, no SQL; scanned lazily with projection and filter push-down.
    """
    files = [str(f) for f in parquet_files(path, table)]
    return ds.dataset(files, schema=parquet_schema(path, table), format="parquet", filesystem=LOCAL)


def scan(con: Any, path: str | Path, table: str = "") -> Any:
    """A DuckDB relation over exactly the Parquet files under ``path``; the names are values, never SQL.

    DuckDB's own reader gets the list of absolute file names (``con.read_parquet``, columns
    unified by name). A name with a character DuckDB reads as a glob pattern (:data:`PATTERN`:
    ``*.parquet`` would read every file of the folder) is opened through Arrow instead
    (:func:`parquet_dataset`), so the relation holds these files and no others. With ``table``
    (an input table rather than this module's own prepared files) every footer is read first,
    so a file that is not Parquet is a :class:`DataError` naming it.
    """
    if table:
        parquet_schema(path, table)
    names = [str(f.absolute()) for f in parquet_files(path, table)]
    if any(PATTERN.search(name) for name in names):
        return con.from_arrow(parquet_dataset(path, table))
    return con.read_parquet(names, union_by_name=True)


def _read(path: Path, columns: list[str] | None = None, k_range: tuple[int, int] | None = None) -> pd.DataFrame:
    """Rows of a prepared table (optionally loans ``k`` in [lo, hi]) as pandas, through Arrow."""
    where = None
    if k_range is not None:
        where = (ds.field("k") >= int(k_range[0])) & (ds.field("k") <= int(k_range[1]))
    return parquet_dataset(path).to_table(columns=columns, filter=where).to_pandas()


# ---------------------------------------------------------------- engines


def duckdb_settings(
    memory_limit: str | None = None, temp_dir: str | Path | None = None, threads: int | None = None
) -> dict[str, object]:
    """Validated DuckDB settings, as values (connection config or bound parameters), never as SQL text.

    ``memory_limit``: a size DuckDB understands (``4GB``, ``512MiB``); ``temp_dir``: the spill
    folder (any path; it is a value, so quotes or semicolons in it are just characters);
    ``threads``: a whole number ≥ 1. Insertion order is never preserved (faster, less memory;
    every query that needs an order says ORDER BY).
    """
    settings: dict[str, object] = {"preserve_insertion_order": False}
    if memory_limit is not None:
        if not isinstance(memory_limit, str) or not MEMORY.fullmatch(memory_limit.strip()):
            raise ValueError(_reason("loan_book_memory_limit", value=memory_limit))
        settings["memory_limit"] = memory_limit.strip()
    if temp_dir is not None:
        if not isinstance(temp_dir, str | os.PathLike) or not str(temp_dir).strip() or "\x00" in str(temp_dir):
            raise ValueError(_reason("loan_book_temp_dir", value=temp_dir))
        settings["temp_directory"] = str(Path(temp_dir))
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ValueError(_reason("loan_book_threads", value=threads))
        settings["threads"] = threads
    return settings


def connect_duckdb(**settings: Any) -> Any:
    """A new DuckDB connection with :func:`duckdb_settings` passed as its config (values, not SQL)."""
    import duckdb  # the out-of-core engine: loaded only when a large book is opened

    return duckdb.connect(config=duckdb_settings(**settings))


class DuckDBEngine:
    """Runs the metric SQL on an embedded DuckDB connection (memory limit, spill folder).

    The prepared Parquet reaches DuckDB as registered Arrow datasets (:func:`parquet_dataset`);
    the SQL names only the views. With ``con`` given, the settings are applied to it as bound
    parameters (``SET memory_limit = ?``).
    """

    name = "duckdb"

    def __init__(
        self,
        con: Any = None,
        *,
        memory_limit: str | None = None,
        temp_dir: str | Path | None = None,
        threads: int | None = None,
    ) -> None:
        settings = duckdb_settings(memory_limit, temp_dir, threads)
        if con is None:
            self.con = connect_duckdb(memory_limit=memory_limit, temp_dir=temp_dir, threads=threads)
        else:
            self.con = con
            for key, value in settings.items():  # keys are this module's own setting names
                self.con.execute(f"SET {key} = ?", [value])

    def parquet_view(self, name: str, path: Path, k_range: tuple[int, int]) -> None:
        """View ``name``: the rows of the prepared table at ``path`` for loans ``k`` in [lo, hi] (:func:`scan`)."""
        lo, hi = (int(x) for x in k_range)
        scan(self.con, path).filter(f"k BETWEEN {lo} AND {hi}").create_view(name, replace=True)

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def spark_path(path: Path) -> str:
    """``path`` for ``spark.read.parquet``: refused (:class:`ValueError`) if Spark would read it as a pattern."""
    text = path.as_posix()
    found = sorted(set(PATTERN.findall(text)))
    if found:
        raise ValueError(_reason("loan_book_spark_pattern", chars=" ".join(found), path=text))
    return text


class SparkEngine:
    """Runs the same metric SQL on Spark SQL (``spark.sql``): temp views, cached stages, ``toPandas``.

    ``SparkEngine(SparkSession.builder.master("local[2]").getOrCreate())``; the prepared Parquet
    (step 1–2, :meth:`LargeBook.prepare`) must be on storage every executor can read. Files are
    read with ``spark.read.parquet`` and filtered with the DataFrame API; no path or value goes
    into SQL text.
    """

    name = "spark"

    def __init__(self, spark: Any):
        self.spark = spark
        self._cached: dict[str, Any] = {}

    def parquet_view(self, name: str, path: Path, k_range: tuple[int, int]) -> None:
        """View ``name``: the rows of the prepared table at ``path`` for loans ``k`` in [lo, hi]."""
        lo, hi = (int(x) for x in k_range)
        frame = self.spark.read.parquet(*[spark_path(f) for f in parquet_files(path)])
        frame.where((frame["k"] >= lo) & (frame["k"] <= hi)).createOrReplaceTempView(name)

    def table(self, name: str, sql: str) -> None:
        self.drop(name)
        frame = self.spark.sql(sql).cache()
        frame.createOrReplaceTempView(name)
        self._cached[name] = frame

    def drop(self, name: str) -> None:
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()

    def frame(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()


# ---------------------------------------------------------------- the metric SQL (one text for every engine)


def bucket_sql(dpd: str) -> str:
    """Ageing bucket code 0–6 of a days-past-due expression (bounds :data:`planlib.loans.portfolio.BUCKET_UPPER`)."""
    whens = " ".join(f"WHEN {dpd} <= {up} THEN {i}" for i, up in enumerate(portfolio.BUCKET_UPPER))
    return f"CASE {whens} ELSE {len(portfolio.BUCKET_UPPER)} END"


def _paid_sums(dates: Sequence[int], *, split_complete: bool) -> str:
    """Stage ``paid_wide``: per loan and date, Σ paid, Σ principal part (and payment counts on the general path)."""
    paid = []
    for j, d in enumerate(dates):
        paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} THEN amount ELSE 0 END) AS BIGINT) AS paid_{j}")
        paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} THEN COALESCE(ppart, 0) ELSE 0 END) AS BIGINT) AS pp_{j}")
        if not split_complete:
            paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} THEN 1 ELSE 0 END) AS BIGINT) AS npay_{j}")
            no_split = f"paid_day <= {d} AND ppart IS NULL"
            paid.append(f"CAST(SUM(CASE WHEN {no_split} THEN 1 ELSE 0 END) AS BIGINT) AS nosplit_{j}")
    # Payments after the last date add nothing to any sum here, so they are filtered before the aggregation.
    return f"SELECT k, {', '.join(paid)} FROM pay_w WHERE paid_day <= {max(dates)} GROUP BY k"


def _schedule_sums(dates: Sequence[int], *, split_complete: bool) -> str:
    """Stage ``sched_wide``: per loan and date, the amount due, the oldest uncovered instalment, the covered parts."""
    sched = [] if split_complete else ["CAST(SUM(s.principal) AS BIGINT) AS sched_principal"]
    for j, d in enumerate(dates):
        p = f"COALESCE(p.paid_{j}, 0)"
        if j == len(dates) - 1:  # amount due only at the as-of date (overdue); earlier ones need the oldest unpaid
            sched.append(f"CAST(SUM(CASE WHEN s.due_day <= {d} THEN s.payment ELSE 0 END) AS BIGINT) AS due_{j}")
        sched.append(f"MIN(CASE WHEN s.due_day <= {d} AND s.cum_due > {p} THEN s.due_day END) AS oldest_{j}")
        if not split_complete:
            first_open = f"s.cum_due - s.payment <= {p} AND s.cum_due > {p}"
            sched.append(f"CAST(SUM(CASE WHEN s.cum_due <= {p} THEN s.principal ELSE 0 END) AS BIGINT) AS covp_{j}")
            sched.append(f"CAST(SUM(CASE WHEN s.cum_due <= {p} THEN s.payment ELSE 0 END) AS BIGINT) AS covd_{j}")
            sched.append(f"CAST(SUM(CASE WHEN {first_open} THEN s.interest ELSE 0 END) AS BIGINT) AS oint_{j}")
            sched.append(f"CAST(SUM(CASE WHEN {first_open} THEN s.principal ELSE 0 END) AS BIGINT) AS oprin_{j}")
            sched.append(f"MAX(CASE WHEN s.cum_due > {p} THEN 1 ELSE 0 END) AS open_{j}")
    # Instalments after the last date are filtered on the split path (the general one needs every
    # instalment's principal, see sched_principal).
    upto = f" WHERE s.due_day <= {max(dates)}" if split_complete else ""
    return f"SELECT s.k, {', '.join(sched)} FROM sched_w s LEFT JOIN paid_wide p ON p.k = s.k{upto} GROUP BY s.k"


def _repaid_sql(j: int, *, split_complete: bool) -> str:
    """Principal repaid by date ``j``: the payments' own split, else the payments applied to the schedule."""
    if split_complete:
        return f"COALESCE(p.pp_{j}, 0)"
    p = f"COALESCE(p.paid_{j}, 0)"
    by_schedule = f"s.covp_{j} + LEAST(GREATEST({p} - s.covd_{j} - s.oint_{j}, 0), s.oprin_{j})"
    return (
        f"CASE WHEN COALESCE(p.npay_{j}, 0) > 0 AND p.nosplit_{j} = 0 THEN p.pp_{j} "
        f"WHEN s.open_{j} = 1 THEN {by_schedule} ELSE COALESCE(s.sched_principal, 0) END"
    )


def snapshot_sql(dates: Sequence[int], *, split_complete: bool) -> list[tuple[str, str]]:
    """Stages (name, SELECT) giving one row per loan with outstanding, status and ageing bucket at every date.

    The last date (the as-of date) also has paid, due, days past due and overdue; the earlier
    month ends feed only the roll rates, which need state and balance.

    Portable SQL (CTE-free SELECTs, CASE, SUM/MIN, LEFT JOIN, GREATEST/LEAST) over the prepared
    views ``loans_w``, ``pay_w``, ``sched_w``; amounts in satang, dates as day numbers. Column
    ``x_j`` is measure x at ``dates[j]``. ``split_complete``: every payment carries its
    principal, so outstanding = principal − Σ payments.principal (the general path applies
    payments to the schedule, interest first, as :func:`planlib.loans.portfolio.snapshot` does).
    """
    dates = [int(d) for d in dates]
    last = max(dates)
    base = "k, loan_id, borrower_type, work_type, province, contract_day, cohort, principal"
    t1 = [f"l.{c.strip()}" for c in base.split(",")]
    t2, t3, t4 = [base], [base], [base]
    # Earlier month ends feed only the roll rates (state and balance); the as-of date keeps every measure.
    for j, d in enumerate(dates):
        full = j == len(dates) - 1
        paid_due = [f"paid_{j}", f"due_{j}"] if full else []
        if full:
            t1 += [f"COALESCE(p.paid_{j}, 0) AS paid_{j}", f"COALESCE(s.due_{j}, 0) AS due_{j}"]
        t1 += [
            f"s.oldest_{j} AS oldest_{j}",
            f"{_repaid_sql(j, split_complete=split_complete)} AS repaid_{j}",
            f"CASE WHEN l.status_day IS NULL OR l.status_day <= {d} THEN l.status ELSE 'active' END AS raw_{j}",
        ]
        status = (
            f"CASE WHEN principal - repaid_{j} <= 0 THEN 'closed' "
            f"WHEN raw_{j} = 'closed' THEN 'active' ELSE raw_{j} END AS status_{j}"
        )
        t2 += [*paid_due, f"oldest_{j}", f"GREATEST(principal - repaid_{j}, 0) AS outstanding_{j}", status]
        inp = f"outstanding_{j} > 0 AND status_{j} <> 'written_off'"
        t3 += [
            *paid_due,
            f"outstanding_{j}",
            f"status_{j}",
            f"CASE WHEN {inp} THEN 1 ELSE 0 END AS inp_{j}",
            f"CASE WHEN {inp} AND oldest_{j} IS NOT NULL THEN {d} - oldest_{j} ELSE 0 END AS dpd_{j}",
        ]
        if full:
            t3.append(f"CASE WHEN {inp} THEN GREATEST(due_{j} - paid_{j}, 0) ELSE 0 END AS overdue_{j}")
        kept = ["outstanding", "status", "inp"]
        if full:
            kept = ["paid", "due", *kept, "dpd", "overdue"]
        t4 += [f"{c}_{j}" for c in kept] + [f"{bucket_sql(f'dpd_{j}')} AS bucket_{j}"]
    inner = (
        f"SELECT {', '.join(t1)} FROM loans_w l LEFT JOIN sched_wide s ON s.k = l.k "
        f"LEFT JOIN paid_wide p ON p.k = l.k WHERE l.contract_day <= {last}"
    )
    t2_sql = f"SELECT {', '.join(t2)} FROM ({inner}) t1"
    snap_wide = f"SELECT {', '.join(t4)} FROM (SELECT {', '.join(t3)} FROM ({t2_sql}) t2) t3"
    return [
        ("paid_wide", _paid_sums(dates, split_complete=split_complete)),
        ("sched_wide", _schedule_sums(dates, split_complete=split_complete)),
        ("snap_wide", snap_wide),
    ]


def flows_sql(as_of: int, fy_start: int, fy_end: int) -> str:
    """Paid-by-date probes, one row per instalment that needs one (no window, no join: a filter of ``sched_w``).

    kind 1 = each instalment falling due in the fiscal year, with ``paid_by`` = Σ payments of
    the loan with paid_day ≤ due_day (for on-time collection); kind 2 = each instalment with a
    payment whose due day + 91 ≤ as-of, with ``paid_by`` = Σ payments with paid_day ≤ due + 91
    (the loan is > 90 days past due then if cum_due > paid_by). Both sums do not depend on the
    as-of date, so :func:`schedule_chunk` computes them once per book (columns ``paid_by_due``,
    ``paid_by_npl``); payments on the probe day count.
    """
    npl = NPL_DAYS + 1
    as_of, fy_start, fy_end = int(as_of), int(fy_start), int(fy_end)
    return (
        "SELECT k, due_day AS day, 1 AS kind, payment, cum_due, due_q, 0 AS npl_mob, paid_by_due AS paid_by "
        f"FROM sched_w WHERE due_day >= {fy_start} AND due_day <= {fy_end} "
        f"UNION ALL SELECT k, due_day + {npl} AS day, 2 AS kind, payment, cum_due, 0 AS due_q, npl_mob, "
        f"paid_by_npl AS paid_by FROM sched_w WHERE payment > 0 AND due_day + {npl} <= {as_of}"
    )


def _written_off(day_col: str) -> str:
    """True when loan ``l`` is written off on day ``day_col`` (from its status_day on; without a date: always)."""
    return f"l.status = 'written_off' AND (l.status_day IS NULL OR {day_col} >= l.status_day)"


def _snapshot_result(J: int, d: int) -> str:
    """The quality and ageing sums at the as-of date (stage column suffix ``J``), per cut and bucket."""
    live = f"inp_{J} = 1"

    def at_risk(days: int) -> str:
        return f"{live} AND (dpd_{J} > {days} OR status_{J} = 'restructured')"

    sums = {
        "at_risk30": at_risk(30),
        "at_risk90": at_risk(90),
        "npl": f"{live} AND dpd_{J} > {NPL_DAYS}",
        "restructured_outstanding": f"{live} AND status_{J} = 'restructured'",
    }
    cols = [f"SUM(CASE WHEN {when} THEN outstanding_{J} ELSE 0 END) AS {name}" for name, when in sums.items()]
    litigation = f"{live} AND status_{J} = 'litigation'"
    return (
        f"SELECT borrower_type, work_type, province, bucket_{J} AS bucket, COUNT(*) AS contracted, "
        f"SUM(inp_{J}) AS loans, SUM(CASE WHEN {live} THEN outstanding_{J} ELSE 0 END) AS outstanding, "
        f"SUM(overdue_{J}) AS overdue, {', '.join(cols)}, "
        f"SUM(CASE WHEN {litigation} THEN 1 ELSE 0 END) AS litigation_loans, "
        f"SUM(CASE WHEN {litigation} THEN outstanding_{J} ELSE 0 END) AS litigation_outstanding "
        f"FROM snap_wide WHERE contract_day <= {d} GROUP BY borrower_type, work_type, province, bucket_{J}"
    )


def _roll_result(dates: Sequence[int]) -> str:
    """Balance and moves per step × from-bucket × to-state (codes 0–6 buckets, 7 closed, 8 written off)."""
    moves = []
    for j in range(len(dates) - 1):
        to = f"CASE WHEN inp_{j + 1} = 1 THEN bucket_{j + 1} WHEN status_{j + 1} = 'written_off' THEN 8 ELSE 7 END"
        moves.append(
            f"SELECT {j} AS step, bucket_{j} AS from_state, {to} AS to_state, SUM(outstanding_{j}) AS balance, "
            f"COUNT(*) AS loans FROM snap_wide WHERE contract_day <= {dates[j]} AND inp_{j} = 1 "
            f"GROUP BY bucket_{j}, {to}"
        )
    if not moves:
        return "SELECT 0 AS step, 0 AS from_state, 0 AS to_state, 0 AS balance, 0 AS loans WHERE 1 = 0"
    return " UNION ALL ".join(moves)


def result_sql(dates: Sequence[int], as_of_ymd: tuple[int, int, int], fy_start: int, fy_end: int) -> dict[str, str]:
    """The additive result queries over ``snap_wide``, ``flows``, ``loans_w``, ``pay_w`` (sums, counts, max)."""
    dates = [int(x) for x in dates]
    J = len(dates) - 1
    d = dates[J]
    y, m, dd = (int(x) for x in as_of_ymd)
    # months on book at the as-of date: planlib.loans.portfolio.months_between in SQL
    observed = f"({y} - l.c_y) * 12 + ({m} - l.c_m) - CASE WHEN {dd} < l.c_d THEN 1 ELSE 0 END"
    first_bad = "SELECT k, MIN(npl_mob) AS bad_mob FROM flows WHERE kind = 2 AND cum_due > paid_by GROUP BY k"
    vintage = (
        f"SELECT l.cohort, b.bad_mob, {observed} AS observed, COUNT(*) AS n, SUM(l.principal) AS amount "
        f"FROM loans_w l LEFT JOIN ({first_bad}) b ON b.k = l.k "
        f"WHERE l.contract_day <= {d} GROUP BY l.cohort, b.bad_mob, {observed}"
    )
    due = (
        "SELECT f.due_q AS quarter, l.borrower_type, l.work_type, l.province, SUM(f.payment) AS due, "
        "SUM(LEAST(GREATEST(f.paid_by - (f.cum_due - f.payment), 0), f.payment)) AS on_time "
        f"FROM flows f JOIN loans_w l ON l.k = f.k WHERE f.kind = 1 AND NOT ({_written_off('f.day')}) "
        "GROUP BY f.due_q, l.borrower_type, l.work_type, l.province"
    )
    collected = (
        "SELECT p.paid_q AS quarter, l.borrower_type, l.work_type, l.province, SUM(p.amount) AS collected "
        f"FROM pay_w p JOIN loans_w l ON l.k = p.k WHERE p.paid_day >= {int(fy_start)} AND p.paid_day <= {int(fy_end)} "
        f"AND NOT ({_written_off('p.paid_day')}) GROUP BY p.paid_q, l.borrower_type, l.work_type, l.province"
    )
    return {"snapshot": _snapshot_result(J, d), "roll": _roll_result(dates), "vintage": vintage, "due": due,
            "collected": collected}


def metric_sql(
    as_of: str | pd.Timestamp, fiscal_year: int, *, roll_months: int = 12, split_complete: bool = True
) -> dict[str, Any]:
    """The whole metric set as SQL text: {"stages": [(name, SELECT)…], "results": {name: SELECT}}.

    Run the stages in order, materialising each under its name, then the results; every
    engine gets the same text (see :class:`DuckDBEngine`, :class:`SparkEngine`).
    """
    as_of = pd.Timestamp(as_of)
    dates = [day(x) for x in portfolio.month_ends(as_of, roll_months)]
    fy0, fy1 = day(thai.fiscal_year_start(fiscal_year)), day(thai.fiscal_year_end(fiscal_year))
    stages = snapshot_sql(dates, split_complete=split_complete)
    stages.append(("flows", flows_sql(dates[-1], fy0, fy1)))
    results = result_sql(dates, (as_of.year, as_of.month, as_of.day), fy0, fy1)
    return {"stages": stages, "results": results, "dates": dates}


# ---------------------------------------------------------------- preparing a book


def _columns(con: Any, relation: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def _days(col: str) -> str:
    return f"CAST(CAST({col} AS DATE) - DATE '1970-01-01' AS INTEGER)"


def _by_month_sql(col: str, values: Sequence[int]) -> str:
    """``CASE month(col) WHEN 1 THEN values[1] … WHEN 12 THEN values[12] END``: a calendar rule as a lookup.

    The value of each month comes from the Python statement of the rule, so the SQL cannot
    drift from it (:func:`fiscal_year_sql`, :func:`fiscal_quarter_sql`).
    """
    whens = " ".join(f"WHEN {month} THEN {int(values[month])}" for month in range(1, 13))
    return f"CASE month({col}) {whens} END"


def fiscal_year_sql(col: str) -> str:
    """BE fiscal year of a date column: its CE year + the offset of its month, from :func:`thai.fiscal_year_of`.

    (``thai.fiscal_year_of(year, month) − year`` is ``BE_OFFSET``, plus 1 from
    ``FISCAL_YEAR_START_MONTH``: 543 for January–September, 544 for October–December.)
    """
    offset = [0, *(thai.fiscal_year_of(2000, month) - 2000 for month in range(1, 13))]
    return f"year({col}) + {_by_month_sql(col, offset)}"


def fiscal_quarter_sql(col: str) -> str:
    """Fiscal quarter 1–4 of a date column (:data:`planlib.loans.portfolio.QUARTER_OF_MONTH`)."""
    return _by_month_sql(col, portfolio.QUARTER_OF_MONTH)


def _register(con: Any, name: str, source: Source, table: str) -> None:
    """View ``name`` over a DataFrame or over the Parquet files of ``source`` (:func:`scan`)."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        for col in frame.columns:  # object/str/Arrow columns → plain Python-string columns DuckDB scans fast
            if frame[col].dtype == object or str(frame[col].dtype) in ("str", "string"):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        con.from_df(frame).create_view(name, replace=True)
    else:
        scan(con, source, table).create_view(name, replace=True)


def _fingerprint(loans: Source, payments: Source, relief_rounds: pd.DataFrame | None, method: str) -> str:
    h = hashlib.sha256(f"{PREPARED_FORMAT}:{method}".encode())
    for src in (loans, payments):
        if isinstance(src, pd.DataFrame):
            h.update(pd.util.hash_pandas_object(src, index=False).to_numpy().tobytes())
        else:
            for f in parquet_files(src):
                st = f.stat()
                h.update(f"{f.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode())
    if relief_rounds is not None:
        h.update(pd.util.hash_pandas_object(relief_rounds.astype("str"), index=False).to_numpy().tobytes())
    return h.hexdigest()[:20]


def _loans_sql(columns: set[str]) -> str:
    """Step 1 for loans: key ``k``, day numbers, satang, the small path's defaults for missing optional columns.

    ``$unknown`` (a bound parameter) is what a missing work type or province reads as.
    """

    def optional(col: str, expr: str, default: str) -> str:
        return f"{expr} AS {col}" if col in columns else f"{default} AS {col}"

    def text(col: str) -> str:
        return optional(col, f"COALESCE(CAST({col} AS VARCHAR), $unknown)", "$unknown")

    def whole(col: str) -> str:
        return optional(col, f"CAST({col} AS BIGINT)", "CAST(NULL AS BIGINT)")

    def day_of(col: str, name: str) -> str:
        return f"{_days(col)} AS {name}" if col in columns else f"CAST(NULL AS INTEGER) AS {name}"

    status = optional("status", "COALESCE(CAST(status AS VARCHAR), 'active')", "'active'")
    return f"""
        SELECT row_number() OVER (ORDER BY loan_id) AS k, CAST(loan_id AS VARCHAR) AS loan_id,
               CAST(borrower_type AS VARCHAR) AS borrower_type, {text("work_type")}, {text("province")},
               {_days("contract_date")} AS contract_day,
               year(contract_date) AS c_y, month(contract_date) AS c_m, day(contract_date) AS c_d,
               {fiscal_year_sql("contract_date")} AS cohort,
               CAST(round(principal * 100) AS BIGINT) AS principal, CAST(term_months AS BIGINT) AS term_months,
               CAST(annual_rate AS DOUBLE) AS annual_rate, {whole("grace_installments")},
               {whole("relief_fiscal_year")}, {day_of("first_due_date", "first_due_day")},
               {status}, {day_of("status_date", "status_day")}
        FROM loans_in ORDER BY k"""


def _payments_sql(columns: set[str]) -> str:
    """Step 1 for payments: the loan's key, day numbers, fiscal quarter, satang (unknown loans, undated rows out)."""
    ppart = "CAST(round(p.principal * 100) AS BIGINT)" if "principal" in columns else "CAST(NULL AS BIGINT)"
    return f"""
        SELECT l.k, {_days("p.paid_date")} AS paid_day, {fiscal_quarter_sql("p.paid_date")} AS paid_q,
               CAST(round(p.amount * 100) AS BIGINT) AS amount, {ppart} AS ppart
        FROM payments_in p JOIN loans_key l ON l.loan_id = CAST(p.loan_id AS VARCHAR)
        WHERE p.paid_date IS NOT NULL ORDER BY l.k, paid_day"""


def prepare_tables(con: Any, loans: Source, payments: Source, work: Path) -> dict[str, Any]:
    """Step 1: ``work/loans.parquet`` and ``work/payments.parquet`` with integer keys, day numbers and satang.

    Missing optional columns get the small path's defaults (work_type/province ``ไม่ระบุ``,
    status ``active``, no status date, no grace, no relief). Payments of unknown loans and
    without a date are left out (the small path cannot attach them to a loan either). Inputs
    are registered relations, outputs written with ``write_parquet``: no path in SQL text.
    """
    _register(con, "loans_in", loans, "loans")
    _register(con, "payments_in", payments, "payments")
    unknown = {"unknown": portfolio.UNKNOWN}
    con.sql(_loans_sql(_columns(con, "loans_in")), params=unknown).write_parquet(
        str(work / "loans.parquet"), row_group_size=ROW_GROUP)
    scan(con, work / "loans.parquet").create_view("loans_key", replace=True)
    con.sql(_payments_sql(_columns(con, "payments_in"))).write_parquet(
        str(work / "payments.parquet"), row_group_size=ROW_GROUP)
    scan(con, work / "payments.parquet").create_view("payments_out", replace=True)
    [(n_loans,)] = con.execute("SELECT COUNT(*) FROM loans_key").fetchall()
    [(n_pay, n_nosplit)] = con.execute("SELECT COUNT(*), COUNT(*) - COUNT(ppart) FROM payments_out").fetchall()
    for name in ("loans_in", "payments_in", "loans_key", "payments_out"):
        con.execute(f"DROP VIEW IF EXISTS {name}")
    return {"loans": int(n_loans), "payments": int(n_pay), "split_complete": bool(n_pay > 0 and n_nosplit == 0)}


def schedule_chunk(
    loans_w: pd.DataFrame,
    payments_w: pd.DataFrame | None,
    relief_rounds: pd.DataFrame | None,
    method: str = schedule.DEFAULT_METHOD,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 2 for one chunk of prepared loans: (schedule rows in satang and day numbers, relief on-time flags).

    ``loans_w`` / ``payments_w`` are rows of the prepared tables (all payments of the chunk's
    loans). Calls :func:`planlib.loans.portfolio.due_schedule`, so the instalments are exactly the
    small path's. Adds the fiscal quarter of each due date, ``npl_mob`` (the months on book at
    due date + 91 days: the vintage month if that instalment makes the loan > 90 days past due)
    and the as-of-independent sums ``paid_by_due`` = Σ payments with paid_day ≤ due_day and
    ``paid_by_npl`` = Σ payments with paid_day ≤ due_day + 91 (:func:`paid_by_days`). Usable as
    a Spark ``mapInPandas`` body.
    """
    loans_w = loans_w.sort_values("k", kind="stable")
    loans = pd.DataFrame({
        "loan_id": loans_w["k"].to_numpy(dtype=np.int64),
        "principal": loans_w["principal"].to_numpy(dtype=np.float64) / 100,
        "term_months": loans_w["term_months"].to_numpy(dtype=np.int64),
        "annual_rate": loans_w["annual_rate"].to_numpy(dtype=np.float64),
        "grace_installments": loans_w["grace_installments"].astype("Float64").fillna(0).to_numpy(dtype=np.int64),
        "relief_fiscal_year": loans_w["relief_fiscal_year"].astype("Float64").to_numpy(np.float64, na_value=np.nan),
        "contract_date": pd.to_datetime(loans_w["contract_day"].to_numpy(dtype=np.int64), unit="D"),
    })
    first_due = loans_w["first_due_day"].astype("Float64")
    if first_due.notna().any():
        loans["first_due_date"] = pd.to_datetime(first_due.to_numpy(dtype=np.float64, na_value=np.nan), unit="D")
    _, count, _ = schedule.relief_terms(loans, relief_rounds)
    pays = None
    flags = pd.DataFrame({"k": pd.Series(dtype="int64"), "on_time": pd.Series(dtype="bool")})
    if (count > 0).any() and payments_w is not None:
        pays = pd.DataFrame({
            "loan_id": payments_w["k"].to_numpy(dtype=np.int64),
            "paid_date": pd.to_datetime(payments_w["paid_day"].to_numpy(dtype=np.int64), unit="D"),
            "amount": payments_w["amount"].to_numpy(dtype=np.float64) / 100,
        })
        on_time = portfolio.relief_round_on_time(loans, pays, relief_rounds, method=method)
        flags = pd.DataFrame({"k": on_time.index.to_numpy(dtype=np.int64), "on_time": on_time.to_numpy(dtype=bool)})
    sched = portfolio.due_schedule(loans, relief_rounds, pays, method=method)
    ids = sched["loan_id"].to_numpy(dtype=np.int64)
    pos = np.searchsorted(loans["loan_id"].to_numpy(), ids)
    due = sched["due_date"].to_numpy(dtype="datetime64[D]")
    contract = loans["contract_date"].to_numpy()[pos]

    def satang(col: str) -> np.ndarray:
        return np.round(sched[col].to_numpy(dtype=np.float64) * 100).astype(np.int64)

    out = pd.DataFrame({
        "k": ids,
        "installment": sched["installment"].to_numpy(dtype=np.int64),
        "due_day": (due - np.datetime64("1970-01-01", "D")).astype(np.int64),
        "due_q": portfolio.fiscal_quarters(due),
        "payment": satang("payment"),
        "principal": satang("principal"),
        "interest": satang("interest"),
        "cum_due": satang("cum_due"),
        "cum_principal": satang("cum_principal"),
        "npl_mob": portfolio.months_between(contract, due + np.timedelta64(NPL_DAYS + 1, "D")).astype(np.int64),
    })
    if payments_w is not None and len(payments_w):
        pk, pday, pamt = (payments_w[c].to_numpy(dtype=np.int64) for c in ("k", "paid_day", "amount"))
    else:
        pk = pday = pamt = np.zeros(0, dtype=np.int64)
    due_day = out["due_day"].to_numpy(dtype=np.int64)
    out["paid_by_due"] = paid_by_days(pk, pday, pamt, ids, due_day)
    out["paid_by_npl"] = paid_by_days(pk, pday, pamt, ids, due_day + NPL_DAYS + 1)
    return out, flags


def paid_by_days(
    pay_k: np.ndarray, pay_day: np.ndarray, amount: np.ndarray, k: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """Σ ``amount`` of the payments of loan ``k[i]`` with pay_day ≤ ``days[i]``, for every i (integers, satang).

    Vectorised: payments sorted by (loan, day) with a running total T; for a probe (k, d), with
    a = the number of payments keyed ≤ (k, d) and b = the number keyed < (k, −∞),
    paid_by = T[a] − T[b] (two binary searches, O((P + Q) log P), exact in int64). The key is
    k·2³² + day + 2³¹ (day numbers fit in 32 bits, k < 2³¹).
    """
    if len(pay_k) == 0:
        return np.zeros(len(k), dtype=np.int64)
    shift = np.int64(2**31)
    key = pay_k.astype(np.int64) * (2 * shift) + (pay_day.astype(np.int64) + shift)
    order = np.argsort(key, kind="stable")
    key = key[order]
    total = np.concatenate([[0], np.cumsum(amount.astype(np.int64)[order])])
    base = k.astype(np.int64) * (2 * shift)
    upto = np.searchsorted(key, base + (days.astype(np.int64) + shift), side="right")
    start = np.searchsorted(key, base, side="left")
    return total[upto] - total[start]


LOAN_COLUMNS = ["k", "principal", "term_months", "annual_rate", "grace_installments", "relief_fiscal_year",
                "contract_day", "first_due_day"]
"""The prepared loan columns :func:`schedule_chunk` needs."""


def _schedule_part(job: tuple[Path, int, int, int, pd.DataFrame | None, str]) -> int:
    """Worker: schedule loans ``k`` in [lo, hi] into ``work/schedule/part-NNNNN.parquet`` (and relief flags).

    Reads its rows through Arrow with a filter on ``k`` (no SQL), so it runs the same in this
    process or in a worker process.
    """
    work, part, lo, hi, relief_rounds, method = job
    loans = _read(work / "loans.parquet", LOAN_COLUMNS, (lo, hi))
    pays = _read(work / "payments.parquet", ["k", "paid_day", "amount"], (lo, hi))
    sched, flags = schedule_chunk(loans, pays, relief_rounds, method)
    sched.to_parquet(work / "schedule" / f"part-{part:05d}.parquet", index=False, row_group_size=ROW_GROUP)
    if len(flags):
        flags.to_parquet(work / "relief" / f"part-{part:05d}.parquet", index=False)
    return len(sched)


# ---------------------------------------------------------------- the large book


def in_notebook() -> bool:
    """True when running in a Jupyter kernel (JupyterLab, or a report's kernel), where steps should show."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def _quiet(_step: str) -> None:
    """Shows nothing."""


def step_reporter(progress: Progress | bool | None) -> Progress:
    """Where a :class:`LargeBook`'s steps go: ``progress`` itself, or for ``None`` (the default) the notebook.

    ``None``: :func:`planlib.display.progress` in a Jupyter kernel (the steps show under the cell and
    beside ``planlib report``'s bar, never in the report), nothing elsewhere; ``True``: always
    :func:`~planlib.display.progress`; ``False``: nothing.
    """
    if callable(progress):
        return progress
    if progress is None:
        progress = in_notebook()
    return display.progress if progress else _quiet


class LargeBook:
    """A loan book computed out of core (DuckDB over Parquet), with the methods of :class:`portfolio.Book`.

    ``loans`` / ``payments``: DataFrames or Parquet (a file, or a folder of part files, opened
    by name: :func:`parquet_dataset`). :meth:`snapshot`, :meth:`collection_rates`,
    :meth:`vintage`, :meth:`roll_rates` return the small path's frames; :meth:`metrics` returns
    the whole metric set as of one date from aggregates only (no per-loan frame in pandas).
    ``work_dir`` keeps the prepared tables and schedule (reused when the inputs are unchanged);
    default a temporary folder removed with the object. ``workers`` processes build the
    schedule; ``batch_loans`` loans per SQL pass; ``memory_limit`` for DuckDB (default half the
    machine's memory, :func:`default_memory_limit`). ``progress``: where its steps go
    (:func:`step_reporter`; by default shown when run in a notebook).
    """

    def __init__(
        self,
        loans: Source,
        payments: Source,
        relief_rounds: pd.DataFrame | None = None,
        *,
        method: str = schedule.DEFAULT_METHOD,
        work_dir: str | Path | None = None,
        engine: Any = None,
        batch_loans: int = DEFAULT_BATCH,
        workers: int = 1,
        memory_limit: str | None = None,
        progress: Progress | bool | None = None,
    ) -> None:
        for source in (loans, payments):
            expect(source, (pd.DataFrame, str, os.PathLike), "LargeBook", "books.open_book(portfolio)")
        self.method = method
        self.relief_rounds = relief_rounds
        self.batch_loans = int(batch_loans)
        self.memory_limit = default_memory_limit() if memory_limit is None else memory_limit
        duckdb_settings(memory_limit=self.memory_limit)  # refuse a bad value before any work
        self._sources = (loans, payments)
        self._progress = step_reporter(progress)
        self._own_dir = work_dir is None
        self.work = Path(tempfile.mkdtemp(prefix="planlib-large-")) if work_dir is None else Path(work_dir)
        self.work.mkdir(parents=True, exist_ok=True)
        if engine is None:
            engine = DuckDBEngine(memory_limit=self.memory_limit, temp_dir=self.work / "spill")
        self.engine = engine
        self.info = self.prepare(workers=workers)
        self._loans: pd.DataFrame | None = None

    def __del__(self) -> None:
        if getattr(self, "_own_dir", False):
            shutil.rmtree(self.work, ignore_errors=True)

    # -- steps 1 and 2

    def prepare(self, *, workers: int = 1) -> dict[str, Any]:
        """Steps 1–2 (prepared tables and schedule in ``work_dir``), skipped when already done for these inputs."""
        loans, payments = self._sources
        key = _fingerprint(loans, payments, self.relief_rounds, self.method)
        meta_path = self.work / "prepared.json"
        if meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("key") == key:
                return meta
        for sub in ("schedule", "relief"):
            shutil.rmtree(self.work / sub, ignore_errors=True)
            (self.work / sub).mkdir()
        self._progress("preparing loans and payments / เตรียมข้อมูลสัญญาและการชำระ")
        con = connect_duckdb(memory_limit=self.memory_limit, temp_dir=self.work / "spill")
        try:
            meta = prepare_tables(con, loans, payments, self.work)
        finally:
            con.close()
        n = meta["loans"]
        jobs = [(self.work, i, lo, min(lo + SCHEDULE_CHUNK - 1, n), self.relief_rounds, self.method)
                for i, lo in enumerate(range(1, n + 1, SCHEDULE_CHUNK))]
        self._progress(f"building repayment schedules of {n:,} loans / สร้างตารางผ่อนชำระ")
        if workers > 1 and len(jobs) > 1:
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
                rows = sum(pool.map(_schedule_part, jobs))
        else:
            rows = sum(_schedule_part(job) for job in jobs)
        meta.update(key=key, schedule_rows=int(rows), method=self.method)
        meta_path.write_text(json.dumps(meta))
        return meta

    # -- step 3

    def _batches(self) -> Iterable[tuple[int, int]]:
        n = self.info["loans"]
        for lo in range(1, n + 1, self.batch_loans):
            yield lo, min(lo + self.batch_loans - 1, n)

    def _views(self, lo: int, hi: int) -> None:
        self.engine.parquet_view("loans_w", self.work / "loans.parquet", (lo, hi))
        self.engine.parquet_view("pay_w", self.work / "payments.parquet", (lo, hi))
        self.engine.parquet_view("sched_w", self.work / "schedule", (lo, hi))

    def _run(self, stages: Sequence[tuple[str, str]], results: dict[str, str]) -> dict[str, pd.DataFrame]:
        """Stages then results on every batch of loans; partial result frames concatenated."""
        parts: dict[str, list[pd.DataFrame]] = {name: [] for name in results}
        batches = list(self._batches())
        for i, (lo, hi) in enumerate(batches, 1):
            self._progress(f"loans {lo:,}–{hi:,} ({i}/{len(batches)})")
            self._views(lo, hi)
            for name, sql in stages:
                self.engine.table(name, sql)
            for name, sql in results.items():
                parts[name].append(self.engine.frame(sql))
            for name, _ in reversed(stages):
                self.engine.drop(name)
        return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}

    def metrics(self, as_of: str | pd.Timestamp, **options: Any) -> dict[str, pd.DataFrame]:
        """The full metric set as of ``as_of`` from aggregates computed in SQL (:class:`portfolio.MetricOptions`)."""
        as_of = pd.Timestamp(as_of)
        o = portfolio.MetricOptions(**options)
        fy = o.year_of(as_of)
        sql = metric_sql(as_of, fy, roll_months=o.roll_months, split_complete=self.info["split_complete"])
        raw = self._run(sql["stages"], sql["results"])
        return assemble(raw, fy, max_mob=o.max_mob, cuts=o.cuts, top=o.top)

    # -- the Book interface

    @property
    def loans(self) -> pd.DataFrame:
        """The loans as given (read once into pandas: originations, reconciliation roll-ups)."""
        if self._loans is None:
            src = self._sources[0]
            if isinstance(src, pd.DataFrame):
                self._loans = src.reset_index(drop=True)
            else:
                self._loans = parquet_dataset(Path(src), "loans").to_table().to_pandas()
        return self._loans

    def __len__(self) -> int:
        return int(self.info["loans"])

    def snapshot(self, as_of: str | pd.Timestamp) -> pd.DataFrame:
        """One row per loan contracted by ``as_of``: the frame of :func:`portfolio.snapshot`, in loan_id order."""
        as_of = pd.Timestamp(as_of)
        stages = snapshot_sql([day(as_of)], split_complete=self.info["split_complete"])
        cols = (
            "SELECT loan_id, borrower_type, work_type, province, contract_day, cohort, principal, due_0 AS due, "
            "paid_0 AS paid, overdue_0 AS overdue, dpd_0 AS dpd, outstanding_0 AS outstanding, status_0 AS status, "
            "inp_0 AS in_portfolio FROM snap_wide ORDER BY k"
        )
        raw = self._run(stages, {"snap": cols})["snap"]
        days = pd.to_timedelta(raw["contract_day"].to_numpy(dtype=np.int64), unit="D")
        out = pd.DataFrame({
            "loan_id": raw["loan_id"].to_numpy(dtype=object),
            "borrower_type": raw["borrower_type"].to_numpy(dtype=object),
            "work_type": raw["work_type"].to_numpy(dtype=object),
            "province": raw["province"].to_numpy(dtype=object),
            "contract_date": (EPOCH + days).to_numpy(),
            "cohort": raw["cohort"].to_numpy(dtype=np.int64),
            "principal": _thb(raw["principal"]),
            "due": _thb(raw["due"]),
            "paid": _thb(raw["paid"]),
            "overdue": _thb(raw["overdue"]),
            "dpd": raw["dpd"].to_numpy(dtype=np.int64),
            "outstanding": _thb(raw["outstanding"]),
            "status": raw["status"].to_numpy(dtype=object),
        })
        out["restructured"] = out["status"].eq("restructured")
        out["litigation"] = out["status"].eq("litigation")
        out["in_portfolio"] = raw["in_portfolio"].to_numpy(dtype=np.int64) == 1
        out["bucket"] = portfolio.bucket_of(out["dpd"])
        out["thai_class"] = portfolio.loan_class_of(out["bucket"])
        return out

    def collection_rates(self, fiscal_year: int, *, by: str | None = None) -> pd.DataFrame:
        """Collection rates per fiscal quarter (:func:`planlib.loans.portfolio.collection_rates`)."""
        as_of = thai.fiscal_year_end(fiscal_year)
        sql = metric_sql(as_of, fiscal_year, roll_months=0, split_complete=True)
        flows = [s for s in sql["stages"] if s[0] == "flows"]
        raw = self._run(flows, {k: sql["results"][k] for k in ("due", "collected")})
        return _collection(raw["due"], raw["collected"], fiscal_year, by)

    def vintage(self, as_of: str | pd.Timestamp, *, max_mob: int | None = 36, weight: str = "amount") -> pd.DataFrame:
        """Vintage shares, cohort × months on book (:func:`planlib.loans.portfolio.vintage`)."""
        as_of = pd.Timestamp(as_of)
        sql = metric_sql(as_of, thai.fiscal_year(as_of), roll_months=0, split_complete=True)
        raw = self._run([s for s in sql["stages"] if s[0] == "flows"], {"vintage": sql["results"]["vintage"]})
        return _vintage(raw["vintage"], max_mob=max_mob, weight=weight)

    def roll_rates(self, as_of: str | pd.Timestamp, *, months: int = 1) -> pd.DataFrame:
        """Roll-rate matrix pooled over the last ``months`` month ends (:func:`planlib.loans.portfolio.roll_rates`)."""
        as_of = pd.Timestamp(as_of)
        split = self.info["split_complete"]
        sql = metric_sql(as_of, thai.fiscal_year(as_of), roll_months=months, split_complete=split)
        stages = [s for s in sql["stages"] if s[0] != "flows"]
        return _roll(self._run(stages, {"roll": sql["results"]["roll"]})["roll"])

    def relief_on_time(self) -> pd.Series:
        """loan_id → whether each relief-round loan paid its first instalments in full and on time.

        The flags step 2 stored (:func:`planlib.loans.portfolio.relief_round_on_time` per chunk).
        """
        if not any((self.work / "relief").glob("*.parquet")):
            return pd.Series(dtype="bool")
        flags = _read(self.work / "relief")
        keys = _read(self.work / "loans.parquet", ["k", "loan_id"]).set_index("k")["loan_id"]
        index = pd.Index(keys.loc[flags["k"]].to_numpy(), name="loan_id")
        return pd.Series(flags["on_time"].to_numpy(dtype=bool), index=index)


def default_memory_limit() -> str:
    """Half the machine's RAM for DuckDB (the rest for pandas results and the OS)."""
    return f"{max(1, psutil.virtual_memory().total // 2**30 // 2)}GB"


def _thb(satang: pd.Series) -> np.ndarray:
    return np.round(satang.to_numpy(dtype=np.float64) / 100, 2)


# ---------------------------------------------------------------- from SQL sums to the small path's frames


QUALITY_SUMS = ["contracted", "loans", "outstanding", "overdue", "at_risk30", "at_risk90", "npl",
                "restructured_outstanding", "litigation_loans", "litigation_outstanding"]
"""The columns of the snapshot result that :func:`planlib.loans.portfolio.quality_from_sums` adds up."""


def _quality(agg: pd.DataFrame, by: str | Sequence[str] | None) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.quality` from the snapshot sums (satang): same groups, columns and formulas."""
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    grouped = agg.groupby(keys, sort=True)[QUALITY_SUMS].sum() if keys else None
    return portfolio.quality_from_sums(agg[QUALITY_SUMS].sum(), grouped, per_baht=100)


def _concentration(agg: pd.DataFrame, by: str, top: int) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.concentration` on one row per category (its in-portfolio outstanding)."""
    amounts = agg.groupby(by)["outstanding"].sum()
    baht = amounts.to_numpy(dtype=np.float64) / 100
    rows = pd.DataFrame({by: amounts.index, "outstanding": baht, "in_portfolio": True})
    return portfolio.concentration(rows, by, top)


def _collection(due: pd.DataFrame, collected: pd.DataFrame, fiscal_year: int, by: str | None) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.collection_rates` from the per-quarter sums."""
    keys = ["quarter"] + ([by] if by else [])
    d = due.groupby(keys)[["due", "on_time"]].sum() / 100
    g = collected.groupby(keys)["collected"].sum() / 100
    table = d.join(g, how="outer").fillna(0.0)
    return portfolio.collection_from_sums(table[["due", "on_time", "collected"]].astype("float64"), fiscal_year, by)


def _vintage(v: pd.DataFrame, *, max_mob: int | None, weight: str) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.vintage` from sums by cohort × first-bad month × months observed."""
    if v.empty:
        return pd.DataFrame()
    w = (v["amount"].to_numpy(dtype=np.float64) / 100) if weight == "amount" else v["n"].to_numpy(dtype=np.float64)
    bad_mob = v["bad_mob"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
    cohort, observed = v["cohort"].to_numpy(dtype=np.int64), v["observed"].to_numpy(dtype=np.int64)
    return portfolio.vintage_from_cohorts(cohort, observed, bad_mob, w, max_mob=max_mob)


def _roll(roll: pd.DataFrame) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.roll_rates` from balance sums by step × from-bucket × to-state (codes)."""
    weights = pd.DataFrame(0.0, index=pd.Index(BUCKETS, name="from"), columns=list(STATES))
    counts = pd.Series(0, index=weights.index)
    if len(roll):
        bal = roll.groupby(["from_state", "to_state"])["balance"].sum() / 100
        for (f, t), value in bal.items():
            weights.iat[int(f), int(t)] = value
        n = roll.groupby("from_state")["loans"].sum()
        moves = pd.Series(n.to_numpy(dtype=np.int64), index=[BUCKETS[int(i)] for i in n.index])
        counts = counts.add(moves, fill_value=0)
    return portfolio.roll_from_sums(weights, counts)


def assemble(
    raw: dict[str, pd.DataFrame], fiscal_year: int, *, max_mob: int | None, cuts: Sequence[str], top: int
) -> dict[str, pd.DataFrame]:
    """The metric frames (keys of :func:`planlib.loans.books.metrics`) from the partial sums of every batch."""
    snap = raw["snapshot"]
    out = {"quality": _quality(snap, None)}
    for cut in cuts:
        out[f"quality_by_{cut}"] = _quality(snap, cut)
    out["ageing"] = portfolio.ageing_from_sums(snap, per_baht=100)
    out["loan_classes"] = portfolio.classes_from_ageing(out["ageing"])
    concentration = [_concentration(snap, by, top) for by in portfolio.CONCENTRATION]
    out["concentration"] = pd.concat(concentration, ignore_index=True)
    out["collection"] = _collection(raw["due"], raw["collected"], fiscal_year, None)
    out["vintage"] = _vintage(raw["vintage"], max_mob=max_mob, weight="amount")
    out["roll_rates"] = _roll(raw["roll"])
    return out
