"""Loan statistics for national-size books: the metrics of :mod:`planlib.loans.portfolio`, out of core, in SQL.

Small books stay in pandas (:class:`planlib.loans.portfolio.Book`). A book given as Parquet, or with
more loans than :data:`planlib.loans.portfolio.LARGE_BOOK_LOANS`, becomes a :class:`LargeBook`: the
same definitions (module docstring of :mod:`planlib.loans.portfolio`; CGAP 2003, SEEP MFRS, CGAP
Occasional Paper 3, BOT FPG. 5/2559 classes, anchors.md §2.1) run on DuckDB over Parquet and
come back as pandas DataFrames of the same shape and columns, equal to the satang for amounts
and exactly for counts (``tests/test_large_books.py``).

**Why DuckDB.** It is embedded (a pip wheel, no server, nothing for an analyst's IT to run),
streams Parquet with filter push-down and spills to disk past its memory limit, returns pandas
frames directly, and speaks plain SQL, so the very same metric text runs on Spark SQL for
books beyond one machine (:class:`SparkEngine`, tested in local mode when pyspark and Java are
installed: ``pip install "planlib[spark]"``).

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

Then the pandas formulas of :mod:`planlib.loans.portfolio` turn the sums into PAR30/90 (loans > x
days past due plus every restructured loan, full balance ÷ gross), NPL (> 90 days ÷ gross),
arrears rate, ageing buckets and Thai classes, collection rates, vintage shares, roll-rate
matrices and HHI concentration.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planlib.inputs import thai
from planlib.loans import portfolio, schedule
from planlib.loans.portfolio import BUCKET_CLASS, BUCKETS, NPL_DAYS, THAI_CLASSES, THAI_CLASSES_EN

EPOCH = pd.Timestamp("1970-01-01")
STATES = (*BUCKETS, "closed", "written_off")
"""Roll-rate destination states; SQL codes 0–6 are the ageing buckets, 7 closed, 8 written off."""
UNKNOWN = "ไม่ระบุ"
DEFAULT_BATCH = 250_000
"""Loans per SQL batch (a range of ``k``): bounds the working memory of one pass.

Every batch costs the same per payment and instalment row (measured ~0.6–1 µs/row on 2 cores
at 10⁵ and 10⁶ loans), so the run grows linearly with the book; 250,000 loans (~15 M rows)
keep a pass well inside DuckDB's memory limit (benchmarks/bench_scale.py)."""

Source = pd.DataFrame | str | Path
PREPARED_FORMAT = 2
"""Version of the prepared tables in ``work_dir`` (part of the fingerprint: older ones are rebuilt)."""


def day(value: str | pd.Timestamp) -> int:
    """Day number of a date: days since 1970-01-01 (what the prepared tables store)."""
    return int((pd.Timestamp(value).normalize() - EPOCH).days)


def _months_between(s_y, s_m, s_d, e_y, e_m, e_d):  # type: ignore[no-untyped-def]
    """Whole months from start to end, a month counting once its day is reached (portfolio._months_between)."""
    return (e_y - s_y) * 12 + (e_m - s_m) - (e_d < s_d).astype(np.int64)


# ---------------------------------------------------------------- engines


class DuckDBEngine:
    """Runs the metric SQL on an embedded DuckDB connection (memory limit, spill folder)."""

    name = "duckdb"

    def __init__(self, con: Any = None, *, memory_limit: str | None = None, temp_dir: str | Path | None = None, threads: int | None = None):
        import duckdb

        self.con = con if con is not None else duckdb.connect()
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_dir:
            self.con.execute(f"SET temp_directory = '{Path(temp_dir).as_posix()}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")

    def parquet_view(self, name: str, path: Path, where: str = "") -> None:
        files = _parquet_files(path)
        listing = ", ".join(f"'{f.as_posix()}'" for f in files)
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listing}]) {where}")

    def table(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def frame(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


class SparkEngine:
    """Runs the same metric SQL on Spark SQL (``spark.sql``): temp views, cached stages, ``toPandas``.

    ``SparkEngine(SparkSession.builder.master("local[2]").getOrCreate())``; the prepared Parquet
    (step 1–2, :meth:`LargeBook.prepare`) must be on storage every executor can read.
    """

    name = "spark"

    def __init__(self, spark: Any):
        self.spark = spark
        self._cached: dict[str, Any] = {}

    def parquet_view(self, name: str, path: Path, where: str = "") -> None:
        frame = self.spark.read.parquet(*[f.as_posix() for f in _parquet_files(path)])
        frame.createOrReplaceTempView(f"{name}_all")
        self.spark.sql(f"SELECT * FROM {name}_all {where}").createOrReplaceTempView(name)

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


def _parquet_files(path: Path) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.parquet"))
        if not files:
            raise FileNotFoundError(f"no .parquet files under {path} / ไม่พบไฟล์ Parquet")
        return files
    return [path]


# ---------------------------------------------------------------- the metric SQL (one text for every engine)


def _bucket_sql(dpd: str) -> str:
    """Ageing bucket code 0–6 of a days-past-due expression (BUCKET_UPPER 0, 30, 60, 90, 180, 365)."""
    whens = " ".join(f"WHEN {dpd} <= {up} THEN {i}" for i, up in enumerate(portfolio.BUCKET_UPPER))
    return f"CASE {whens} ELSE {len(portfolio.BUCKET_UPPER)} END"


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
    paid = []
    for j, d in enumerate(dates):
        paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} THEN amount ELSE 0 END) AS BIGINT) AS paid_{j}")
        paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} THEN COALESCE(ppart, 0) ELSE 0 END) AS BIGINT) AS pp_{j}")
        if not split_complete:
            paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} THEN 1 ELSE 0 END) AS BIGINT) AS npay_{j}")
            paid.append(f"CAST(SUM(CASE WHEN paid_day <= {d} AND ppart IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS nosplit_{j}")
    last = max(dates)
    # Payments after the last date add nothing to any sum here, so they are filtered before the
    # aggregation; instalments after it likewise on the split path (the general one needs every
    # instalment's principal, see sched_principal).
    paid_wide = f"SELECT k, {', '.join(paid)} FROM pay_w WHERE paid_day <= {last} GROUP BY k"

    sched = [] if split_complete else ["CAST(SUM(s.principal) AS BIGINT) AS sched_principal"]
    for j, d in enumerate(dates):
        p = f"COALESCE(p.paid_{j}, 0)"
        if j == len(dates) - 1:  # amount due only at the as-of date (overdue); earlier dates need only the oldest unpaid
            sched.append(f"CAST(SUM(CASE WHEN s.due_day <= {d} THEN s.payment ELSE 0 END) AS BIGINT) AS due_{j}")
        sched.append(f"MIN(CASE WHEN s.due_day <= {d} AND s.cum_due > {p} THEN s.due_day END) AS oldest_{j}")
        if not split_complete:
            first_open = f"s.cum_due - s.payment <= {p} AND s.cum_due > {p}"
            sched.append(f"CAST(SUM(CASE WHEN s.cum_due <= {p} THEN s.principal ELSE 0 END) AS BIGINT) AS covp_{j}")
            sched.append(f"CAST(SUM(CASE WHEN s.cum_due <= {p} THEN s.payment ELSE 0 END) AS BIGINT) AS covd_{j}")
            sched.append(f"CAST(SUM(CASE WHEN {first_open} THEN s.interest ELSE 0 END) AS BIGINT) AS oint_{j}")
            sched.append(f"CAST(SUM(CASE WHEN {first_open} THEN s.principal ELSE 0 END) AS BIGINT) AS oprin_{j}")
            sched.append(f"MAX(CASE WHEN s.cum_due > {p} THEN 1 ELSE 0 END) AS open_{j}")
    upto = f" WHERE s.due_day <= {last}" if split_complete else ""
    sched_wide = f"SELECT s.k, {', '.join(sched)} FROM sched_w s LEFT JOIN paid_wide p ON p.k = s.k{upto} GROUP BY s.k"

    base = "k, loan_id, borrower_type, work_type, province, contract_day, cohort, principal"
    t1 = [f"l.{c.strip()}" for c in base.split(",")]
    t2, t3, t4 = [base], [base], [base]
    # Earlier month ends feed only the roll rates (state and balance); the as-of date keeps every measure.
    for j, d in enumerate(dates):
        full = j == len(dates) - 1
        p = f"COALESCE(p.paid_{j}, 0)"
        if split_complete:
            repaid = f"COALESCE(p.pp_{j}, 0)"
        else:
            by_schedule = f"s.covp_{j} + LEAST(GREATEST({p} - s.covd_{j} - s.oint_{j}, 0), s.oprin_{j})"
            repaid = (f"CASE WHEN COALESCE(p.npay_{j}, 0) > 0 AND p.nosplit_{j} = 0 THEN p.pp_{j} "
                      f"WHEN s.open_{j} = 1 THEN {by_schedule} ELSE COALESCE(s.sched_principal, 0) END")  # fmt: skip
        paid_due = [f"paid_{j}", f"due_{j}"] if full else []
        t1 += ([f"{p} AS paid_{j}", f"COALESCE(s.due_{j}, 0) AS due_{j}"] if full else []) + [
            f"s.oldest_{j} AS oldest_{j}", f"{repaid} AS repaid_{j}",
            f"CASE WHEN l.status_day IS NULL OR l.status_day <= {d} THEN l.status ELSE 'active' END AS raw_{j}"]  # fmt: skip
        t2 += paid_due + [f"oldest_{j}", f"GREATEST(principal - repaid_{j}, 0) AS outstanding_{j}",
               f"CASE WHEN principal - repaid_{j} <= 0 THEN 'closed' WHEN raw_{j} = 'closed' THEN 'active' ELSE raw_{j} END AS status_{j}"]  # fmt: skip
        inp = f"outstanding_{j} > 0 AND status_{j} <> 'written_off'"
        t3 += paid_due + [f"outstanding_{j}", f"status_{j}", f"CASE WHEN {inp} THEN 1 ELSE 0 END AS inp_{j}",
               f"CASE WHEN {inp} AND oldest_{j} IS NOT NULL THEN {d} - oldest_{j} ELSE 0 END AS dpd_{j}"]  # fmt: skip
        if full:
            t3.append(f"CASE WHEN {inp} THEN GREATEST(due_{j} - paid_{j}, 0) ELSE 0 END AS overdue_{j}")
        kept = ["paid", "due", "outstanding", "status", "inp", "dpd", "overdue"] if full else ["outstanding", "status", "inp"]
        t4 += [f"{c}_{j}" for c in kept] + [f"{_bucket_sql(f'dpd_{j}')} AS bucket_{j}"]
    inner = (f"SELECT {', '.join(t1)} FROM loans_w l LEFT JOIN sched_wide s ON s.k = l.k LEFT JOIN paid_wide p ON p.k = l.k "
             f"WHERE l.contract_day <= {last}")  # fmt: skip
    snap_wide = f"SELECT {', '.join(t4)} FROM (SELECT {', '.join(t3)} FROM (SELECT {', '.join(t2)} FROM ({inner}) t1) t2) t3"
    return [("paid_wide", paid_wide), ("sched_wide", sched_wide), ("snap_wide", snap_wide)]


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
    return (
        f"SELECT k, due_day AS day, 1 AS kind, payment, cum_due, due_q, 0 AS npl_mob, paid_by_due AS paid_by "
        f"FROM sched_w WHERE due_day >= {fy_start} AND due_day <= {fy_end} "
        f"UNION ALL SELECT k, due_day + {npl} AS day, 2 AS kind, payment, cum_due, 0 AS due_q, npl_mob, paid_by_npl AS paid_by "
        f"FROM sched_w WHERE payment > 0 AND due_day + {npl} <= {as_of}"
    )


def _written_off(day_col: str) -> str:
    """True when loan ``l`` is written off on day ``day_col`` (status written_off from status_day on; undated: always)."""
    return f"l.status = 'written_off' AND (l.status_day IS NULL OR {day_col} >= l.status_day)"


def result_sql(dates: Sequence[int], as_of_ymd: tuple[int, int, int], fy_start: int, fy_end: int) -> dict[str, str]:
    """The additive result queries over ``snap_wide``, ``flows``, ``loans_w``, ``pay_w`` (sums, counts, max)."""
    J = len(dates) - 1
    d = dates[J]
    in_p = f"inp_{J} = 1"
    snap = (
        f"SELECT borrower_type, work_type, province, bucket_{J} AS bucket, COUNT(*) AS contracted, SUM(inp_{J}) AS loans, "
        f"SUM(CASE WHEN {in_p} THEN outstanding_{J} ELSE 0 END) AS outstanding, SUM(overdue_{J}) AS overdue, "
        f"SUM(CASE WHEN {in_p} AND (dpd_{J} > 30 OR status_{J} = 'restructured') THEN outstanding_{J} ELSE 0 END) AS at_risk30, "
        f"SUM(CASE WHEN {in_p} AND (dpd_{J} > 90 OR status_{J} = 'restructured') THEN outstanding_{J} ELSE 0 END) AS at_risk90, "
        f"SUM(CASE WHEN {in_p} AND dpd_{J} > {NPL_DAYS} THEN outstanding_{J} ELSE 0 END) AS npl, "
        f"SUM(CASE WHEN {in_p} AND status_{J} = 'restructured' THEN outstanding_{J} ELSE 0 END) AS restructured_outstanding, "
        f"SUM(CASE WHEN {in_p} AND status_{J} = 'litigation' THEN 1 ELSE 0 END) AS litigation_loans, "
        f"SUM(CASE WHEN {in_p} AND status_{J} = 'litigation' THEN outstanding_{J} ELSE 0 END) AS litigation_outstanding "
        f"FROM snap_wide WHERE contract_day <= {d} GROUP BY borrower_type, work_type, province, bucket_{J}"
    )
    moves = []
    for j in range(J):
        to = f"CASE WHEN inp_{j + 1} = 1 THEN bucket_{j + 1} WHEN status_{j + 1} = 'written_off' THEN 8 ELSE 7 END"
        moves.append(f"SELECT {j} AS step, bucket_{j} AS from_state, {to} AS to_state, SUM(outstanding_{j}) AS balance, COUNT(*) AS loans "
                     f"FROM snap_wide WHERE contract_day <= {dates[j]} AND inp_{j} = 1 GROUP BY bucket_{j}, {to}")  # fmt: skip
    roll = " UNION ALL ".join(moves) if moves else "SELECT 0 AS step, 0 AS from_state, 0 AS to_state, 0 AS balance, 0 AS loans WHERE 1 = 0"
    y, m, dd = as_of_ymd
    observed = f"({y} - l.c_y) * 12 + ({m} - l.c_m) - CASE WHEN {dd} < l.c_d THEN 1 ELSE 0 END"
    vintage = (
        f"SELECT l.cohort, b.bad_mob, {observed} AS observed, COUNT(*) AS n, SUM(l.principal) AS amount FROM loans_w l "
        f"LEFT JOIN (SELECT k, MIN(npl_mob) AS bad_mob FROM flows WHERE kind = 2 AND cum_due > paid_by GROUP BY k) b ON b.k = l.k "
        f"WHERE l.contract_day <= {d} GROUP BY l.cohort, b.bad_mob, {observed}"
    )
    due = (
        "SELECT f.due_q AS quarter, l.borrower_type, l.work_type, l.province, SUM(f.payment) AS due, "
        "SUM(LEAST(GREATEST(f.paid_by - (f.cum_due - f.payment), 0), f.payment)) AS on_time "
        f"FROM flows f JOIN loans_w l ON l.k = f.k WHERE f.kind = 1 AND NOT ({_written_off('f.day')}) "
        "GROUP BY f.due_q, l.borrower_type, l.work_type, l.province"
    )
    collected = (
        f"SELECT p.paid_q AS quarter, l.borrower_type, l.work_type, l.province, SUM(p.amount) AS collected "
        f"FROM pay_w p JOIN loans_w l ON l.k = p.k WHERE p.paid_day >= {fy_start} AND p.paid_day <= {fy_end} "
        f"AND NOT ({_written_off('p.paid_day')}) GROUP BY p.paid_q, l.borrower_type, l.work_type, l.province"
    )
    return {"snapshot": snap, "roll": roll, "vintage": vintage, "due": due, "collected": collected}


def metric_sql(as_of: str | pd.Timestamp, fiscal_year: int, *, roll_months: int = 12, split_complete: bool = True) -> dict[str, Any]:
    """The whole metric set as SQL text: {"stages": [(name, SELECT)…], "results": {name: SELECT}}.

    Run the stages in order, materialising each under its name, then the results; every
    engine gets the same text (see :class:`DuckDBEngine`, :class:`SparkEngine`).
    """
    as_of = pd.Timestamp(as_of)
    dates = [day(x) for x in portfolio.month_ends(as_of, roll_months)]
    fy0, fy1 = day(thai.fiscal_year_start(fiscal_year)), day(thai.fiscal_year_end(fiscal_year))
    stages = snapshot_sql(dates, split_complete=split_complete)
    stages.append(("flows", flows_sql(dates[-1], fy0, fy1)))
    return {"stages": stages, "results": result_sql(dates, (as_of.year, as_of.month, as_of.day), fy0, fy1), "dates": dates}


# ---------------------------------------------------------------- preparing a book


def _columns(con: Any, relation: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def _days(col: str) -> str:
    return f"CAST(CAST({col} AS DATE) - DATE '1970-01-01' AS INTEGER)"


def _fiscal_quarter(col: str) -> str:
    m = f"month({col})"
    return f"CASE WHEN {m} >= 10 THEN 1 WHEN {m} <= 3 THEN 2 WHEN {m} <= 6 THEN 3 ELSE 4 END"


def _register(con: Any, name: str, source: Source) -> None:
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        for col in frame.columns:  # object/str/Arrow columns → plain Python-string columns DuckDB scans fast
            if frame[col].dtype == object or str(frame[col].dtype) in ("str", "string"):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        con.register(f"{name}_df", frame)
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_df")
    else:
        files = ", ".join(f"'{f.as_posix()}'" for f in _parquet_files(Path(source)))
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet([{files}], union_by_name = true)")


def _fingerprint(loans: Source, payments: Source, relief_rounds: pd.DataFrame | None, method: str) -> str:
    h = hashlib.sha256(f"{PREPARED_FORMAT}:{method}".encode())
    for src in (loans, payments):
        if isinstance(src, pd.DataFrame):
            h.update(pd.util.hash_pandas_object(src, index=False).to_numpy().tobytes())
        else:
            for f in _parquet_files(Path(src)):
                st = f.stat()
                h.update(f"{f.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode())
    if relief_rounds is not None:
        h.update(pd.util.hash_pandas_object(relief_rounds.astype("str"), index=False).to_numpy().tobytes())
    return h.hexdigest()[:20]


def prepare_tables(con: Any, loans: Source, payments: Source, work: Path) -> dict[str, Any]:
    """Step 1: ``work/loans.parquet`` and ``work/payments.parquet`` with integer keys, day numbers and satang.

    Missing optional columns get the small path's defaults (work_type/province ``ไม่ระบุ``,
    status ``active``, no status date, no grace, no relief). Payments of unknown loans and
    without a date are left out (the small path cannot attach them to a loan either).
    """
    _register(con, "loans_in", loans)
    _register(con, "payments_in", payments)
    lc, pc = _columns(con, "loans_in"), _columns(con, "payments_in")

    def opt(col: str, expr: str, default: str) -> str:
        return f"{expr.format(col=col)} AS {col}" if col in lc else f"{default} AS {col}"

    text = "COALESCE(CAST({col} AS VARCHAR), '" + UNKNOWN + "')"
    loans_sql = f"""
        SELECT row_number() OVER (ORDER BY loan_id) AS k, CAST(loan_id AS VARCHAR) AS loan_id,
               CAST(borrower_type AS VARCHAR) AS borrower_type, {opt("work_type", text, "'" + UNKNOWN + "'")},
               {opt("province", text, "'" + UNKNOWN + "'")}, {_days("contract_date")} AS contract_day,
               year(contract_date) AS c_y, month(contract_date) AS c_m, day(contract_date) AS c_d,
               year(contract_date) + 543 + CASE WHEN month(contract_date) >= 10 THEN 1 ELSE 0 END AS cohort,
               CAST(round(principal * 100) AS BIGINT) AS principal, CAST(term_months AS BIGINT) AS term_months,
               CAST(annual_rate AS DOUBLE) AS annual_rate, {opt("grace_installments", "CAST({col} AS BIGINT)", "CAST(NULL AS BIGINT)")},
               {opt("relief_fiscal_year", "CAST({col} AS BIGINT)", "CAST(NULL AS BIGINT)")},
               {_days("first_due_date") if "first_due_date" in lc else "CAST(NULL AS INTEGER)"} AS first_due_day,
               {opt("status", "COALESCE(CAST({col} AS VARCHAR), 'active')", "'active'")},
               {_days("status_date") if "status_date" in lc else "CAST(NULL AS INTEGER)"} AS status_day
        FROM loans_in ORDER BY k"""
    con.execute(f"COPY ({loans_sql}) TO '{(work / 'loans.parquet').as_posix()}' (FORMAT PARQUET, ROW_GROUP_SIZE 122880)")
    con.execute(f"CREATE OR REPLACE TEMP VIEW loans_key AS SELECT k, loan_id FROM read_parquet('{(work / 'loans.parquet').as_posix()}')")
    ppart = "CAST(round(p.principal * 100) AS BIGINT)" if "principal" in pc else "CAST(NULL AS BIGINT)"
    pay_sql = f"""
        SELECT l.k, {_days("p.paid_date")} AS paid_day, {_fiscal_quarter("p.paid_date")} AS paid_q,
               CAST(round(p.amount * 100) AS BIGINT) AS amount, {ppart} AS ppart
        FROM payments_in p JOIN loans_key l ON l.loan_id = CAST(p.loan_id AS VARCHAR)
        WHERE p.paid_date IS NOT NULL ORDER BY l.k, paid_day"""
    con.execute(f"COPY ({pay_sql}) TO '{(work / 'payments.parquet').as_posix()}' (FORMAT PARQUET, ROW_GROUP_SIZE 122880)")
    pay = f"read_parquet('{(work / 'payments.parquet').as_posix()}')"
    n_loans = con.execute(f"SELECT COUNT(*) FROM read_parquet('{(work / 'loans.parquet').as_posix()}')").fetchone()[0]
    n_pay, n_nosplit = con.execute(f"SELECT COUNT(*), COUNT(*) - COUNT(ppart) FROM {pay}").fetchone()
    for view in ("loans_in", "payments_in", "loans_key"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    return {"loans": int(n_loans), "payments": int(n_pay), "split_complete": bool(n_pay > 0 and n_nosplit == 0)}


def schedule_chunk(loans_w: pd.DataFrame, payments_w: pd.DataFrame | None, relief_rounds: pd.DataFrame | None,
                   method: str = schedule.DEFAULT_METHOD) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Step 2 for one chunk of prepared loans: (schedule rows in satang and day numbers, relief on-time flags).

    ``loans_w`` / ``payments_w`` are rows of the prepared tables (all payments of the chunk's
    loans). Calls :func:`planlib.loans.portfolio.due_schedule`, so the instalments are exactly the
    small path's. Adds the fiscal quarter of each due date, ``npl_mob`` (the months on book at
    due date + 91 days: the vintage month if that instalment makes the loan > 90 days past due)
    and the as-of-independent sums ``paid_by_due`` = Σ payments with paid_day ≤ due_day and
    ``paid_by_npl`` = Σ payments with paid_day ≤ due_day + 91 (:func:`paid_by_days`). Usable as
    a Spark ``mapInPandas`` body.
    """
    loans = pd.DataFrame({
        "loan_id": loans_w["k"].to_numpy(dtype=np.int64), "principal": loans_w["principal"].to_numpy(dtype=np.float64) / 100,
        "term_months": loans_w["term_months"].to_numpy(dtype=np.int64), "annual_rate": loans_w["annual_rate"].to_numpy(dtype=np.float64),
        "grace_installments": loans_w["grace_installments"].astype("Float64").fillna(0).to_numpy(dtype=np.int64),
        "relief_fiscal_year": loans_w["relief_fiscal_year"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan),
        "contract_date": pd.to_datetime(loans_w["contract_day"].to_numpy(dtype=np.int64), unit="D"),
    })  # fmt: skip
    first_due = loans_w["first_due_day"].astype("Float64")
    if first_due.notna().any():
        loans["first_due_date"] = pd.to_datetime(first_due.to_numpy(dtype=np.float64, na_value=np.nan), unit="D")
    _, count, _ = portfolio._relief_terms(loans, relief_rounds)
    pays = None
    flags = pd.DataFrame({"k": pd.Series(dtype="int64"), "on_time": pd.Series(dtype="bool")})
    if (count > 0).any() and payments_w is not None:
        pays = pd.DataFrame({"loan_id": payments_w["k"].to_numpy(dtype=np.int64),
                             "paid_date": pd.to_datetime(payments_w["paid_day"].to_numpy(dtype=np.int64), unit="D"),
                             "amount": payments_w["amount"].to_numpy(dtype=np.float64) / 100})  # fmt: skip
        rate = portfolio._relief_terms(loans, relief_rounds)[0]
        base = schedule.schedules(loans, method=method, relief_rate=rate, relief_installments=count)
        on_time = portfolio._first_on_time(loans, pays, base, count)
        flags = pd.DataFrame({"k": on_time.index.to_numpy(dtype=np.int64), "on_time": on_time.to_numpy(dtype=bool)})
    sched = portfolio.due_schedule(loans, relief_rounds, pays, method=method)
    ids = sched["loan_id"].to_numpy(dtype=np.int64)
    pos = np.searchsorted(loans["loan_id"].to_numpy(), ids)
    due = sched["due_date"].to_numpy(dtype="datetime64[D]")
    bad = pd.DatetimeIndex(due + np.timedelta64(NPL_DAYS + 1, "D"))
    contract = pd.DatetimeIndex(loans["contract_date"].to_numpy()[pos])
    due_idx = pd.DatetimeIndex(due)

    def satang(col: str) -> np.ndarray:
        return np.round(sched[col].to_numpy(dtype=np.float64) * 100).astype(np.int64)

    out = pd.DataFrame({
        "k": ids, "installment": sched["installment"].to_numpy(dtype=np.int64),
        "due_day": (due - np.datetime64("1970-01-01", "D")).astype(np.int64),
        "due_q": ((due_idx.month.to_numpy() - 10) % 12) // 3 + 1,
        "payment": satang("payment"), "principal": satang("principal"), "interest": satang("interest"),
        "cum_due": satang("cum_due"), "cum_principal": satang("cum_principal"),
        "npl_mob": _months_between(contract.year.to_numpy(), contract.month.to_numpy(), contract.day.to_numpy(),
                                   bad.year.to_numpy(), bad.month.to_numpy(), bad.day.to_numpy()).astype(np.int64),
    })  # fmt: skip
    if payments_w is not None and len(payments_w):
        pk, pday, pamt = (payments_w[c].to_numpy(dtype=np.int64) for c in ("k", "paid_day", "amount"))
    else:
        pk = pday = pamt = np.zeros(0, dtype=np.int64)
    due_day = out["due_day"].to_numpy(dtype=np.int64)
    out["paid_by_due"] = paid_by_days(pk, pday, pamt, ids, due_day)
    out["paid_by_npl"] = paid_by_days(pk, pday, pamt, ids, due_day + NPL_DAYS + 1)
    return out, flags


def paid_by_days(pay_k: np.ndarray, pay_day: np.ndarray, amount: np.ndarray, k: np.ndarray, days: np.ndarray) -> np.ndarray:
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


_LOAN_COLS = ["k", "principal", "term_months", "annual_rate", "grace_installments", "relief_fiscal_year", "contract_day", "first_due_day"]


def _schedule_part(args: tuple[Path, int, int, int, pd.DataFrame | None, str], con: Any = None) -> int:
    """Worker: schedule loans ``k`` in [lo, hi] into ``work/schedule/part-NNNNN.parquet`` (and relief flags).

    ``con``: a DuckDB connection to reuse (in-process runs); a worker process opens its own.
    """
    import duckdb

    work, part, lo, hi, relief_rounds, method = args
    own = con is None
    if own:
        con = duckdb.connect()
        con.execute("SET threads = 1")
    loans = con.execute(f"SELECT {', '.join(_LOAN_COLS)} FROM read_parquet('{(work / 'loans.parquet').as_posix()}') "
                        f"WHERE k BETWEEN {lo} AND {hi} ORDER BY k").df()  # fmt: skip
    pays = con.execute(f"SELECT k, paid_day, amount FROM read_parquet('{(work / 'payments.parquet').as_posix()}') "
                       f"WHERE k BETWEEN {lo} AND {hi}").df()  # fmt: skip
    sched, flags = schedule_chunk(loans, pays, relief_rounds, method)
    sched.to_parquet(work / "schedule" / f"part-{part:05d}.parquet", index=False, row_group_size=122880)
    if len(flags):
        flags.to_parquet(work / "relief" / f"part-{part:05d}.parquet", index=False)
    if own:
        con.close()
    return len(sched)


# ---------------------------------------------------------------- the large book


class LargeBook:
    """A loan book computed out of core (DuckDB over Parquet), with the interface of :class:`planlib.loans.portfolio.Book`.

    ``loans`` / ``payments``: DataFrames or Parquet (a file, or a folder of part files).
    :meth:`snapshot`, :meth:`collection_rates`, :meth:`vintage`, :meth:`roll_rates` return the
    small path's frames; :meth:`metrics` returns the whole metric set as of one date from
    aggregates only (no per-loan frame in pandas). ``work_dir`` keeps the prepared tables and
    schedule (reused when the inputs are unchanged); default a temporary folder removed with
    the object. ``workers`` processes build the schedule; ``batch_loans`` loans per SQL pass.
    """

    def __init__(
        self, loans: Source, payments: Source, relief_rounds: pd.DataFrame | None = None, *,
        method: str = schedule.DEFAULT_METHOD, work_dir: str | Path | None = None, engine: Any = None,
        batch_loans: int = DEFAULT_BATCH, workers: int = 1, memory_limit: str | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        self.method = method
        self.relief_rounds = relief_rounds
        self.batch_loans = int(batch_loans)
        self._sources = (loans, payments)
        self._progress = progress or (lambda _msg: None)
        self._own_dir = work_dir is None
        self.work = Path(tempfile.mkdtemp(prefix="planlib-large-")) if work_dir is None else Path(work_dir)
        self.work.mkdir(parents=True, exist_ok=True)
        if memory_limit is None:
            memory_limit = _default_memory_limit()
        self.engine = engine if engine is not None else DuckDBEngine(memory_limit=memory_limit, temp_dir=self.work / "spill")
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
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET temp_directory = '{(self.work / 'spill').as_posix()}'")
        con.execute(f"SET memory_limit = '{_default_memory_limit()}'")
        con.execute("SET preserve_insertion_order = false")
        self._progress("preparing loans and payments / เตรียมข้อมูลสัญญาและการชำระ")
        meta = prepare_tables(con, loans, payments, self.work)
        n = meta["loans"]
        chunk = 200_000
        jobs = [(self.work, i, lo, min(lo + chunk - 1, n), self.relief_rounds, self.method) for i, lo in enumerate(range(1, n + 1, chunk))]
        self._progress(f"building repayment schedules of {n:,} loans / สร้างตารางผ่อนชำระ")
        if workers > 1 and len(jobs) > 1:
            import multiprocessing

            con.close()
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                rows = sum(pool.map(_schedule_part, jobs))
        else:
            rows = sum(_schedule_part(job, con) for job in jobs)
            con.close()
        meta.update(key=key, schedule_rows=int(rows), method=self.method)
        meta_path.write_text(json.dumps(meta))
        return meta

    # -- step 3

    def _batches(self) -> Iterable[tuple[int, int]]:
        n = self.info["loans"]
        for lo in range(1, n + 1, self.batch_loans):
            yield lo, min(lo + self.batch_loans - 1, n)

    def _views(self, lo: int, hi: int) -> None:
        where = f"WHERE k BETWEEN {lo} AND {hi}"
        self.engine.parquet_view("loans_w", self.work / "loans.parquet", where)
        self.engine.parquet_view("pay_w", self.work / "payments.parquet", where)
        self.engine.parquet_view("sched_w", self.work / "schedule", where)

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

    def metrics(self, as_of: str | pd.Timestamp, *, fiscal_year: int | None = None, roll_months: int = 12, max_mob: int | None = 36,
                cuts: Sequence[str] = portfolio.CUTS, top: int = 3) -> dict[str, pd.DataFrame]:  # fmt: skip
        """The full metric set as of ``as_of`` (see :func:`metrics`), from aggregates computed in SQL."""
        as_of = pd.Timestamp(as_of)
        fy = int(thai.fiscal_year(as_of)) if fiscal_year is None else int(fiscal_year)
        sql = metric_sql(as_of, fy, roll_months=roll_months, split_complete=self.info["split_complete"])
        raw = self._run(sql["stages"], sql["results"])
        return assemble(raw, as_of, fy, roll_months=roll_months, max_mob=max_mob, cuts=cuts, top=top)

    # -- the Book interface

    @property
    def loans(self) -> pd.DataFrame:
        """The loans as given (read once into pandas: originations, reconciliation roll-ups)."""
        if self._loans is None:
            src = self._sources[0]
            self._loans = src.reset_index(drop=True) if isinstance(src, pd.DataFrame) else pd.read_parquet(_parquet_files(Path(src)))
        return self._loans

    def __len__(self) -> int:
        return int(self.info["loans"])

    def snapshot(self, as_of: str | pd.Timestamp) -> pd.DataFrame:
        """One row per loan contracted by ``as_of``: the frame of :func:`planlib.loans.portfolio.snapshot` (loan_id order)."""
        as_of = pd.Timestamp(as_of)
        stages = snapshot_sql([day(as_of)], split_complete=self.info["split_complete"])
        cols = ("SELECT loan_id, borrower_type, work_type, province, contract_day, cohort, principal, due_0 AS due, paid_0 AS paid, "
                "overdue_0 AS overdue, dpd_0 AS dpd, outstanding_0 AS outstanding, status_0 AS status, inp_0 AS in_portfolio, "
                "bucket_0 AS bucket FROM snap_wide ORDER BY k")  # fmt: skip
        raw = self._run(stages, {"snap": cols})["snap"]
        out = pd.DataFrame({
            "loan_id": raw["loan_id"].to_numpy(dtype=object), "borrower_type": raw["borrower_type"].to_numpy(dtype=object),
            "work_type": raw["work_type"].to_numpy(dtype=object), "province": raw["province"].to_numpy(dtype=object),
            "contract_date": (EPOCH + pd.to_timedelta(raw["contract_day"].to_numpy(dtype=np.int64), unit="D")).to_numpy(),
            "cohort": raw["cohort"].to_numpy(dtype=np.int64), "principal": _thb(raw["principal"]),
            "due": _thb(raw["due"]), "paid": _thb(raw["paid"]), "overdue": _thb(raw["overdue"]),
            "dpd": raw["dpd"].to_numpy(dtype=np.int64), "outstanding": _thb(raw["outstanding"]),
            "status": raw["status"].to_numpy(dtype=object),
        })  # fmt: skip
        out["restructured"] = out["status"].eq("restructured")
        out["litigation"] = out["status"].eq("litigation")
        out["in_portfolio"] = raw["in_portfolio"].to_numpy(dtype=np.int64) == 1
        out["bucket"] = pd.Categorical.from_codes(raw["bucket"].to_numpy(dtype=np.int64), BUCKETS, ordered=True)
        out["thai_class"] = out["bucket"].map(BUCKET_CLASS).astype("str")
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
        fy = int(thai.fiscal_year(as_of))
        sql = metric_sql(as_of, fy, roll_months=0, split_complete=True)
        raw = self._run([s for s in sql["stages"] if s[0] == "flows"], {"vintage": sql["results"]["vintage"]})
        return _vintage(raw["vintage"], max_mob=max_mob, weight=weight)

    def roll_rates(self, as_of: str | pd.Timestamp, *, months: int = 1) -> pd.DataFrame:
        """Roll-rate matrix pooled over the last ``months`` month ends (:func:`planlib.loans.portfolio.roll_rates`)."""
        as_of = pd.Timestamp(as_of)
        sql = metric_sql(as_of, int(thai.fiscal_year(as_of)), roll_months=months, split_complete=self.info["split_complete"])
        stages = [s for s in sql["stages"] if s[0] != "flows"]
        return _roll(self._run(stages, {"roll": sql["results"]["roll"]})["roll"])

    def relief_on_time(self) -> pd.Series:
        """loan_id → whether each relief-round loan paid its first instalments in full and on time (:func:`planlib.loans.portfolio.relief_on_time`)."""
        files = sorted((self.work / "relief").glob("*.parquet"))
        if not files:
            return pd.Series(dtype="bool")
        flags = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        keys = pd.read_parquet(self.work / "loans.parquet", columns=["k", "loan_id"]).set_index("k")["loan_id"]
        return pd.Series(flags["on_time"].to_numpy(dtype=bool), index=pd.Index(keys.loc[flags["k"]].to_numpy(), name="loan_id"))


def _default_memory_limit() -> str:
    """Half the machine's RAM for DuckDB (the rest for pandas results and the OS)."""
    try:
        import psutil

        return f"{max(1, psutil.virtual_memory().total // 2**30 // 2)}GB"
    except Exception:  # pragma: no cover - psutil is a dependency
        return "4GB"


def _thb(satang: pd.Series) -> np.ndarray:
    return np.round(satang.to_numpy(dtype=np.float64) / 100, 2)


# ---------------------------------------------------------------- from SQL sums to the small path's frames


def _cut_key(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    return [] if by is None else ([by] if isinstance(by, str) else list(by))


def _quality(agg: pd.DataFrame, by: str | Sequence[str] | None) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.quality` from the snapshot sums (satang): same groups, columns and formulas."""
    sums = ["contracted", "loans", "outstanding", "overdue", "at_risk30", "at_risk90", "npl", "restructured_outstanding",
            "litigation_loans", "litigation_outstanding"]  # fmt: skip
    keys = _cut_key(agg, by)
    grouped = agg.groupby(keys, sort=True)[sums].sum() if keys else None
    return portfolio.quality_from_sums(agg[sums].sum(), grouped, per_baht=100)


def _ageing(agg: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.ageing` from the snapshot sums."""
    groups = [("ทั้งหมด / all", agg)]
    if by is not None:
        groups += list(agg.groupby(by, sort=True))
    frames = []
    for key, part in groups:
        per = part.groupby("bucket")[["loans", "outstanding"]].sum().reindex(range(len(BUCKETS)), fill_value=0)
        table = pd.DataFrame({"loans": per["loans"].to_numpy(dtype=np.int64), "outstanding": _thb(per["outstanding"])}, index=list(BUCKETS))
        gross = table["outstanding"].sum()
        table["share"] = table["outstanding"] / gross if gross > 0 else np.nan
        table.insert(0, "thai_class", [BUCKET_CLASS[b] for b in BUCKETS])
        table.insert(0, "bucket", list(BUCKETS))
        table.insert(0, "group", key[0] if isinstance(key, tuple) else key)
        frames.append(table.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)


def _loan_classes(ageing: pd.DataFrame) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.loan_classes`: the ageing table summed by Thai class."""
    out = ageing.groupby(["group", "thai_class"], sort=False, as_index=False)[["loans", "outstanding", "share"]].sum()
    out.insert(2, "class_en", out["thai_class"].map(dict(zip(THAI_CLASSES, THAI_CLASSES_EN))))
    return out


def _concentration(agg: pd.DataFrame, by: str, top: int) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.concentration` on one row per category (its in-portfolio outstanding)."""
    amounts = agg.groupby(by)["outstanding"].sum()
    rows = pd.DataFrame({by: amounts.index, "outstanding": amounts.to_numpy(dtype=np.float64) / 100, "in_portfolio": True})
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
    return portfolio.vintage_from_cohorts(v["cohort"].to_numpy(dtype=np.int64), v["observed"].to_numpy(dtype=np.int64), bad_mob, w,
                                          max_mob=max_mob)  # fmt: skip


def _roll(roll: pd.DataFrame) -> pd.DataFrame:
    """:func:`planlib.loans.portfolio.roll_rates` from balance sums by step × from-bucket × to-state."""
    weights = pd.DataFrame(0.0, index=pd.Index(BUCKETS, name="from"), columns=list(STATES))
    counts = pd.Series(0, index=weights.index)
    if len(roll):
        bal = roll.groupby(["from_state", "to_state"])["balance"].sum() / 100
        for (f, t), value in bal.items():
            weights.iat[int(f), int(t)] = value
        n = roll.groupby("from_state")["loans"].sum()
        counts = counts.add(pd.Series(n.to_numpy(dtype=np.int64), index=[BUCKETS[int(i)] for i in n.index]), fill_value=0)
    balance = weights.sum(axis=1)
    matrix = weights.div(balance.where(balance > 0), axis=0)
    matrix["balance"] = balance.round(2)
    matrix["loans"] = counts.astype("int64")
    return matrix


def assemble(raw: dict[str, pd.DataFrame], as_of: pd.Timestamp, fiscal_year: int, *, roll_months: int, max_mob: int | None,
             cuts: Sequence[str], top: int) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The metric frames (keys of :func:`metrics`) from the concatenated partial sums of every batch."""
    snap = raw["snapshot"]
    out = {"quality": _quality(snap, None)}
    for cut in cuts:
        out[f"quality_by_{cut}"] = _quality(snap, cut)
    out["ageing"] = _ageing(snap, None)
    out["loan_classes"] = _loan_classes(out["ageing"])
    out["concentration"] = pd.concat([_concentration(snap, by, top) for by in ("work_type", "province")], ignore_index=True)
    out["collection"] = _collection(raw["due"], raw["collected"], fiscal_year, None)
    out["vintage"] = _vintage(raw["vintage"], max_mob=max_mob, weight="amount")
    out["roll_rates"] = _roll(raw["roll"])
    return out


# ---------------------------------------------------------------- one entry point for both paths


def metrics(book: portfolio.Book | LargeBook, as_of: str | pd.Timestamp, *, fiscal_year: int | None = None, roll_months: int = 12,
            max_mob: int | None = 36, cuts: Sequence[str] = portfolio.CUTS, top: int = 3) -> dict[str, pd.DataFrame]:  # fmt: skip
    """The full loan metric set as of one date, for a small (pandas) or large (SQL) book.

    Keys: ``quality`` and ``quality_by_<cut>`` (:func:`planlib.loans.portfolio.quality`: PAR30, PAR90,
    NPL, arrears rate…), ``ageing`` and ``loan_classes`` (buckets and Thai classes),
    ``concentration`` (HHI by work type and province), ``collection`` (per quarter of
    ``fiscal_year``, default the fiscal year of ``as_of``), ``vintage`` (``max_mob`` months) and
    ``roll_rates`` (pooled over ``roll_months`` month ends). Both paths give the same frames.
    """
    if isinstance(book, LargeBook):
        return book.metrics(as_of, fiscal_year=fiscal_year, roll_months=roll_months, max_mob=max_mob, cuts=cuts, top=top)
    as_of = pd.Timestamp(as_of)
    fy = int(thai.fiscal_year(as_of)) if fiscal_year is None else int(fiscal_year)
    snap = book.snapshot(as_of)
    out = {"quality": portfolio.quality(snap)}
    for cut in cuts:
        out[f"quality_by_{cut}"] = portfolio.quality(snap, cut)
    out["ageing"] = portfolio.ageing(snap)
    out["loan_classes"] = portfolio.loan_classes(snap)
    out["concentration"] = pd.concat([portfolio.concentration(snap, by, top) for by in ("work_type", "province")], ignore_index=True)
    out["collection"] = book.collection_rates(fy)
    out["vintage"] = book.vintage(as_of, max_mob=max_mob)
    out["roll_rates"] = book.roll_rates(as_of, months=roll_months)
    return out


def is_parquet(source: object) -> bool:
    """True for a .parquet file or a folder holding ``loans`` Parquet (``loans/`` or ``loans.parquet``)."""
    if not isinstance(source, str | os.PathLike):
        return False
    path = Path(source)
    return path.suffix == ".parquet" or (path / "loans").is_dir() or (path / "loans.parquet").exists()


def open_book(source: object, *, threshold: int | None = None, method: str = schedule.DEFAULT_METHOD,
              relief_rounds: pd.DataFrame | None = None, **large: Any) -> portfolio.Book | LargeBook | None:  # fmt: skip
    """The book of ``source`` on the right path: :class:`LargeBook` for Parquet or more than ``threshold`` loans, else :class:`Book`.

    ``source``: a loaded portfolio (``planlib.load_portfolio``), or a folder with ``loans`` and
    ``payments`` Parquet (``loans/*.parquet`` as written by :func:`planlib.loans.synthetic.write_parquet`,
    or ``loans.parquet``). ``threshold`` defaults to :data:`planlib.loans.portfolio.LARGE_BOOK_LOANS`.
    None when the portfolio has no loans.
    """
    threshold = portfolio.LARGE_BOOK_LOANS if threshold is None else int(threshold)
    if is_parquet(source):
        path = Path(source)  # type: ignore[arg-type]

        def pick(name: str) -> Path:
            return path / name if (path / name).is_dir() else path / f"{name}.parquet"

        return LargeBook(pick("loans"), pick("payments"), relief_rounds, method=method, **large)
    tables = source.tables  # type: ignore[attr-defined]
    loans = tables.get("loans")
    if loans is None or loans.empty:
        return None
    if len(loans) > threshold:
        from planlib.inputs.contract import empty_frame

        payments = tables.get("payments")
        payments = empty_frame("payments") if payments is None else payments
        return LargeBook(loans, payments, tables.get("relief_rounds") if relief_rounds is None else relief_rounds, method=method, **large)
    return portfolio.Book.from_portfolio(source, method=method)
