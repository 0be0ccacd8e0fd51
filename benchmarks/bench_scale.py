"""Loan statistics at national scale: 10⁴–10⁷ loans, planlib vs hand-written DuckDB SQL vs a per-loan Python loop.

    python benchmarks/bench_scale.py                       # 10^4, 10^5, 10^6, 10^7 loans
    python benchmarks/bench_scale.py --sizes 10000 100000  # choose sizes
    python benchmarks/bench_scale.py --loop-max 100000     # the per-loan loop only up to this size

Books come from the seeded generator (:func:`planlib.loans.synthetic.write_parquet`, ~24 payments a
loan, FY2563–2567) and are cached as Parquet in ``--cache`` (default ``$TMPDIR/planlib-bench``;
never in the repository; 10⁷ loans take ~12 GB with the prepared tables). Every run times, as
of 30 Jun 2024, the full metric set: ageing, PAR30/90, Thai classes, NPL, arrears, quality by
borrower type / work type / province, concentration, collection rates FY2567, vintage (36
months) and roll rates (12 month-to-month moves, as the loan_statistics report shows them).

Measured side by side in one run, on the same files:

* **planlib**: :class:`planlib.loans.large_books.LargeBook` (DuckDB over Parquet). Reported as the
  one-off preparation (keys, day numbers, satang; and the repayment schedule, built with
  :func:`planlib.loans.portfolio.due_schedule`) and the as-of metric run on the prepared book;
* **hand-written DuckDB SQL** for the same numbers, as an engineer would write it for this data
  (ASOF joins, date functions, one snapshot table per month end), on the raw Parquet plus the
  schedule (SQL cannot rebuild the annuity rounding without a recursive query, so both get
  planlib's schedule; its conversion to loan_id/dates is done outside the timing);
* two **per-loan Python loops**, labelled apart:

  - **loop A (generous)**: payments and instalments first grouped into per-loan lists of
    integers (one pass, timed), schedule precomputed by planlib (not timed); up to
    ``--loop-max`` loans;
  - **loop B (straightforward)**: what an analyst writes first: for each loan, filter its
    payments and instalments out of the whole DataFrames with a boolean mask, then pandas
    sums per month end and per instalment. Run on every loan up to ``--naive-max`` (its
    numbers are then checked), above that on every n/500-th loan up to
    ``--naive-sample-max``, its time per loan × loans reported as an estimate (marked ~).

A timing under ``--repeat-below`` seconds (30) is the median of three runs, for planlib, the SQL
and loop A alike; longer ones are run once. Peak memory is the resident set of this process and
its children, sampled every 20 ms (the largest of the repeats).
The numbers are checked against each other (satang, exact counts); a disagreement is printed
and flagged in the table rather than stopping the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from pathlib import Path

import duckdb
import pandas as pd
import psutil

from planlib.inputs import thai
from planlib.loans import large_books as lb
from planlib.loans import portfolio as pf
from planlib.loans import synthetic

AS_OF = pd.Timestamp("2024-06-30")
FY = 2567
ROLL_MONTHS = 12
MAX_MOB = 36


class Peak:
    """Peak RSS (MB) of this process and its children while the ``with`` block runs."""

    def __enter__(self) -> Peak:
        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        self.t0 = time.perf_counter()
        return self

    def _rss(self) -> int:
        total = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.02)

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        self.mb = self.peak / 2**20


class Timing:
    """Median seconds and peak MB of one or more runs of the same computation."""

    def __init__(self, runs: list[Peak]):
        self.runs = [r.seconds for r in runs]
        self.seconds = sorted(self.runs)[len(self.runs) // 2]
        self.mb = max(r.mb for r in runs)

    def __str__(self) -> str:
        spread = f" (median of {', '.join(f'{x:.2f}' for x in self.runs)})" if len(self.runs) > 1 else ""
        return f"{self.seconds:7.1f} s  peak {self.mb:6.0f} MB{spread}"


def measure(fn: Callable[[], object], repeat_below: float) -> tuple[object, Timing]:
    """Run ``fn`` once; when it took under ``repeat_below`` seconds, twice more, and take the median
    (a single short run on a shared 2-core machine moves by ±20 %; long runs are run once)."""
    runs, result = [], None
    while True:
        with Peak() as p:
            result = fn()
        runs.append(p)
        if len(runs) == 3 or p.seconds >= repeat_below:
            return result, Timing(runs)


def ensure_book(cache: Path, n: int, workers: int) -> Path:
    folder = cache / f"book-{n}-seed{synthetic.SEED}"
    if not (folder / "_SUCCESS").exists():
        print(f"  generating {n:,} loans → {folder} (seeded, once)", flush=True)
        synthetic.write_parquet(folder, n, workers=workers)
        (folder / "_SUCCESS").touch()
    return folder


# ---------------------------------------------------------------- hand-written DuckDB SQL


def handwritten_schedule(work: Path, out: Path) -> Path:
    """planlib's schedule as an analyst's table (loan_id, installment, due_date, payment, cum_due in THB).

    Outside the timing. Files reach DuckDB as relations (``read_parquet`` through the API), never
    as text in the SQL.
    """
    target = out / "schedule_hw.parquet"
    if not target.exists():
        con = lb.connect_duckdb()
        con.read_parquet([str(f) for f in lb.parquet_files(work / "schedule")]).create_view("sched_parts")
        con.read_parquet([str(work / "loans.parquet")]).create_view("loan_keys")
        # satang → baht as an exact DECIMAL(18,2): a DECIMAL divided by 100 is a DOUBLE in DuckDB,
        # and DOUBLE sums of 10^7 instalments drift by 8–14 satang (seen at 10^7 loans)
        cents = "CAST(0.01 AS DECIMAL(3,2))"
        con.sql(f"""SELECT l.loan_id, s.installment, DATE '1970-01-01' + CAST(s.due_day AS INTEGER) AS due_date,
                           CAST(s.payment AS DECIMAL(18,0)) * {cents} AS payment,
                           CAST(s.cum_due AS DECIMAL(18,0)) * {cents} AS cum_due
                    FROM sched_parts s JOIN loan_keys l USING (k)""").write_parquet(str(target))
        con.close()
    return target


def _snapshot_sql(j: int) -> str:
    """One month end's per-loan snapshot (``$d``: the date), as hand-written SQL."""
    principal = "CAST(l.principal AS DECIMAL(18,2))"
    status = (f"CASE WHEN {principal} - COALESCE(p.pp, 0) <= 0 THEN 'closed' "
              "WHEN l.status IS NOT NULL AND (l.status_date IS NULL OR l.status_date <= $d) THEN l.status "
              "ELSE 'active' END AS status")
    dpd = ("CASE WHEN status IN ('closed', 'written_off') OR oldest IS NULL THEN 0 "
           "ELSE date_diff('day', oldest, $d) END AS dpd")
    return f"""CREATE TEMP TABLE snap_{j} AS
        WITH paid AS (SELECT loan_id, SUM(amount) AS paid, SUM(principal) AS pp FROM pay
                      WHERE paid_date <= $d GROUP BY loan_id),
             s AS (SELECT sc.loan_id, SUM(sc.payment) FILTER (WHERE sc.due_date <= $d) AS due,
                          MIN(sc.due_date) FILTER (WHERE sc.due_date <= $d AND sc.cum_due > COALESCE(p.paid, 0))
                            AS oldest
                   FROM sched sc LEFT JOIN paid p USING (loan_id) GROUP BY sc.loan_id),
             o AS (SELECT l.loan_id, l.borrower_type, COALESCE(l.work_type, $unknown) AS work_type,
                          COALESCE(l.province, $unknown) AS province,
                          {principal} - COALESCE(p.pp, 0) AS outstanding,
                          COALESCE(s.due, 0) - COALESCE(p.paid, 0) AS overdue, s.oldest, {status}
                   FROM loans l LEFT JOIN paid p USING (loan_id) LEFT JOIN s USING (loan_id)
                   WHERE l.contract_date <= $d)
        SELECT *, status NOT IN ('closed', 'written_off') AS live, {dpd} FROM o"""


def handwritten(book: Path, sched: Path) -> dict[str, pd.DataFrame]:
    """The metric numbers with DuckDB SQL written by hand for this data (payments carry their principal).

    Dates and the missing-value label are bound parameters; files are relations.
    """
    con = lb.connect_duckdb(memory_limit=lb.default_memory_limit(),
                            temp_dir=Path(tempfile.gettempdir()) / "planlib-bench-spill")
    con.read_parquet([str(f) for f in lb.parquet_files(book / "loans")]).create_view("loans")
    con.read_parquet([str(f) for f in lb.parquet_files(book / "payments")]).create_view("pay_raw")
    con.execute("CREATE VIEW pay AS SELECT loan_id, CAST(paid_date AS DATE) AS paid_date, "
                "CAST(amount AS DECIMAL(18,2)) AS amount, CAST(principal AS DECIMAL(18,2)) AS principal FROM pay_raw")
    con.read_parquet([str(sched)]).create_view("sched")
    dates = [d.date() for d in pf.month_ends(AS_OF, ROLL_MONTHS)]
    for j, d in enumerate(dates):
        con.execute(_snapshot_sql(j), {"d": d, "unknown": pf.UNKNOWN})
    bucket = lb.bucket_sql("dpd")
    J = len(dates) - 1
    out = {}
    live = "FILTER (WHERE live"
    out["quality"] = con.execute(f"""
        SELECT borrower_type, work_type, province, COUNT(*) {live}) AS loans,
               SUM(outstanding) {live}) AS outstanding, SUM(GREATEST(overdue, 0)) {live}) AS overdue,
               SUM(outstanding) {live} AND (dpd > 30 OR status = 'restructured')) AS at_risk30,
               SUM(outstanding) {live} AND (dpd > 90 OR status = 'restructured')) AS at_risk90,
               SUM(outstanding) {live} AND dpd > 90) AS npl, {bucket} AS bucket
        FROM snap_{J} GROUP BY GROUPING SETS ((), (borrower_type), (work_type), (province), ({bucket}))""").df()
    moves = " UNION ALL ".join(
        f"SELECT {lb.bucket_sql('a.dpd')} AS f, CASE WHEN b.live THEN {lb.bucket_sql('b.dpd')} "
        f"WHEN b.status = 'written_off' THEN 8 ELSE 7 END AS t, a.outstanding "
        f"FROM snap_{j} a JOIN snap_{j + 1} b USING (loan_id) WHERE a.live"
        for j in range(J))
    roll = f"SELECT f, t, SUM(outstanding) AS balance, COUNT(*) AS loans FROM ({moves}) GROUP BY f, t"
    out["roll"] = con.execute(roll).df()
    out["collection"] = handwritten_collection(con)
    months = ("(year(b.bad_date) - year(l.contract_date)) * 12 + month(b.bad_date) - month(l.contract_date) "
              "- CASE WHEN day(b.bad_date) < day(l.contract_date) THEN 1 ELSE 0 END")
    out["vintage"] = con.execute(f"""
        WITH probe AS (SELECT loan_id, CAST(due_date + INTERVAL 91 DAY AS DATE) AS at, cum_due FROM sched
                       WHERE payment > 0 AND due_date + INTERVAL 91 DAY <= $as_of),
             bad AS (SELECT p.loan_id, MIN(p.at) AS bad_date FROM probe p
                     ASOF LEFT JOIN cum c ON c.loan_id = p.loan_id AND c.paid_date <= p.at
                     WHERE p.cum_due > COALESCE(c.cum_paid, 0) GROUP BY p.loan_id)
        SELECT {lb.fiscal_year_sql("l.contract_date")} AS cohort, {months} AS mob, SUM(l.principal) AS amount
        FROM loans l LEFT JOIN bad b USING (loan_id) WHERE l.contract_date <= $as_of GROUP BY ALL""",
                                 {"as_of": AS_OF.date()}).df()
    con.close()
    return out


def handwritten_collection(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Due, on-time and collected per fiscal quarter by hand-written SQL (views ``loans``, ``pay``, ``sched``).

    Creates ``cum`` (running payments per loan). Quarters 1–4 are due and on time; 11–14 collected.
    """
    start, end = thai.fiscal_year_start(FY).date(), thai.fiscal_year_end(FY).date()
    con.execute("""CREATE TEMP TABLE cum AS
                   SELECT loan_id, paid_date, SUM(amt) OVER (PARTITION BY loan_id ORDER BY paid_date) AS cum_paid
                   FROM (SELECT loan_id, paid_date, SUM(amount) AS amt FROM pay GROUP BY loan_id, paid_date)""")
    kept = "(o.off_date IS NULL OR {day} < o.off_date)"
    return con.execute(f"""
        WITH off AS (SELECT loan_id, COALESCE(CAST(status_date AS DATE), DATE '1900-01-01') AS off_date
                     FROM loans WHERE status = 'written_off'),
             inst AS (SELECT s.* FROM sched s LEFT JOIN off o USING (loan_id)
                      WHERE s.due_date BETWEEN $start AND $end AND {kept.format(day="s.due_date")}),
             due AS (SELECT i.due_date, i.payment,
                            LEAST(GREATEST(COALESCE(c.cum_paid, 0) - (i.cum_due - i.payment), 0), i.payment) AS on_time
                     FROM inst i ASOF LEFT JOIN cum c ON c.loan_id = i.loan_id AND c.paid_date <= i.due_date)
        SELECT {lb.fiscal_quarter_sql("due_date")} AS quarter, SUM(payment) AS due, SUM(on_time) AS on_time
        FROM due GROUP BY 1
        UNION ALL SELECT 10 + {lb.fiscal_quarter_sql("p.paid_date")}, SUM(p.amount), NULL
        FROM pay p LEFT JOIN off o USING (loan_id)
        WHERE p.paid_date BETWEEN $start AND $end AND {kept.format(day="p.paid_date")} GROUP BY 1""",
                       {"start": start, "end": end}).df()


# ---------------------------------------------------------------- the per-loan loop


def loop(book: Path, work: Path) -> dict[str, object]:
    """**Loop A (generous)**: every metric one loan at a time in plain Python, same schedule as planlib.

    Generous to the loop: payments and instalments are first grouped into per-loan lists of
    integer tuples (one pass, inside the timing) and the schedule itself is precomputed by
    planlib (not timed). See :func:`naive_loop` for the loop an analyst writes first.
    """
    loans = pd.read_parquet(book / "loans")
    pays = pd.read_parquet(book / "payments", columns=["loan_id", "paid_date", "amount", "principal"])
    keys = pd.read_parquet(work / "loans.parquet", columns=["k", "loan_id"])
    sched = pd.read_parquet(work / "schedule", columns=["k", "due_day", "payment", "cum_due"])
    epoch = pd.Timestamp("1970-01-01")
    k_of = dict(zip(keys["loan_id"], keys["k"]))
    by_loan_sched: dict[int, list] = defaultdict(list)
    for k, due_day, payment, cum_due in zip(*(sched[c].tolist() for c in ("k", "due_day", "payment", "cum_due"))):
        by_loan_sched[k].append((due_day, payment, cum_due))
    by_loan_pay: dict[int, list] = defaultdict(list)
    columns = ("loan_id", "paid_date", "amount", "principal")
    for loan_id, paid, amount, principal in zip(*(pays[c].tolist() for c in columns)):
        by_loan_pay[k_of[loan_id]].append(((paid - epoch).days, round(amount * 100), round(principal * 100)))
    dates = [lb.day(d) for d in pf.month_ends(AS_OF, ROLL_MONTHS)]
    fy0, fy1 = lb.day(thai.fiscal_year_start(FY)), lb.day(thai.fiscal_year_end(FY))
    gross = at_risk30 = npl = 0
    roll: dict[tuple[int, int], int] = defaultdict(int)
    due_fy = on_time_fy = 0
    vintage_bad: dict[int, int] = defaultdict(int)
    for rec in loans.itertuples(index=False):
        k = k_of[rec.loan_id]
        contract = (rec.contract_date - epoch).days
        principal = round(rec.principal * 100)
        status = rec.status if isinstance(rec.status, str) else "active"
        status_day = None if pd.isna(rec.status_date) else (rec.status_date - epoch).days
        inst = by_loan_sched[k]
        pay = sorted(by_loan_pay[k])
        states = []
        for d in dates:
            if contract > d:
                states.append(None)
                continue
            paid = sum(a for t, a, _ in pay if t <= d)
            repaid = sum(p for t, _, p in pay if t <= d)
            oldest = None
            for due_day, _payment, cum_due in inst:
                if due_day <= d and cum_due > paid:
                    oldest = due_day
                    break
            outstanding = max(principal - repaid, 0)
            st = status if status_day is None or status_day <= d else "active"
            st = "closed" if outstanding <= 0 else st
            live = outstanding > 0 and st != "written_off"
            dpd = d - oldest if live and oldest is not None else 0
            bucket = bisect_left(pf.BUCKET_UPPER, dpd)  # 0 current, 1 1–30 … 6 > 365
            states.append((live, bucket, outstanding, st))
        last = states[-1]
        if last and last[0]:
            gross += last[2]
            if last[1] >= 2 or last[3] == "restructured":
                at_risk30 += last[2]
            if last[1] >= 4:
                npl += last[2]
        for a, b in pairwise(states):
            if a and a[0]:
                roll[(a[1], b[1] if b[0] else (8 if b[3] == "written_off" else 7))] += a[2]
        off_from = (status_day if status_day is not None else -(10**9)) if status == "written_off" else 10**9
        for due_day, payment, cum_due in inst:
            if fy0 <= due_day <= fy1 and due_day < off_from:  # written-off loans leave collection from the write-off
                by_due = sum(a for t, a, _ in pay if t <= due_day)
                due_fy += payment
                on_time_fy += min(max(by_due - (cum_due - payment), 0), payment)
        if contract <= dates[-1]:
            for due_day, payment, cum_due in inst:
                at = due_day + 91
                if payment > 0 and at <= dates[-1] and cum_due > sum(a for t, a, _ in pay if t <= at):
                    vintage_bad[int(thai.fiscal_year(rec.contract_date))] += principal
                    break
    return {"gross": gross, "par30": at_risk30 / gross, "npl": npl / gross, "roll_balance": sum(roll.values()),
            "due": due_fy, "on_time": on_time_fy, "ever_bad": sum(vintage_bad.values())}


def naive_loop(book: Path, work: Path, every: int = 1) -> tuple[dict[str, object], int]:
    """**Loop B (straightforward)**: the per-loan loop an analyst writes first, with pandas.

    For each loan: filter its payments and its instalments out of the whole payments and
    schedule DataFrames (a boolean mask over all rows), then for each month end sum what was
    paid by then, find the oldest uncovered instalment, days past due, bucket and status;
    collection and vintage the same way per instalment. Amounts in THB, rounded to the satang
    after each sum. The schedule is planlib's (precomputed, its conversion to loan_id/dates
    timed). ``every`` > 1 runs only every *every*-th loan (for an estimate at sizes where the
    whole loop takes hours); returns (numbers, loans run).
    """
    loans = pd.read_parquet(book / "loans")
    pays = pd.read_parquet(book / "payments", columns=["loan_id", "paid_date", "amount", "principal"])
    keys = pd.read_parquet(work / "loans.parquet", columns=["k", "loan_id"])
    sched = pd.read_parquet(work / "schedule", columns=["k", "due_day", "payment", "cum_due"]).merge(keys, on="k")
    due_date = pd.Timestamp("1970-01-01") + pd.to_timedelta(sched["due_day"], unit="D")
    sched = pd.DataFrame({"loan_id": sched["loan_id"], "due_date": due_date, "payment": sched["payment"] / 100,
                          "cum_due": sched["cum_due"] / 100})
    dates = pf.month_ends(AS_OF, ROLL_MONTHS)
    start, end = thai.fiscal_year_start(FY), thai.fiscal_year_end(FY)
    gross = at_risk30 = npl = roll_balance = due_fy = on_time_fy = ever_bad = 0
    run = 0
    for loan in loans.iloc[::every].itertuples(index=False):
        run += 1
        p = pays[pays["loan_id"] == loan.loan_id]
        s = sched[sched["loan_id"] == loan.loan_id]
        status = loan.status if isinstance(loan.status, str) else "active"
        states = []
        for d in dates:
            if loan.contract_date > d:
                states.append(None)
                continue
            upto = p[p["paid_date"] <= d]
            paid = round(upto["amount"].sum(), 2)
            outstanding = max(round(loan.principal - upto["principal"].sum(), 2), 0.0)
            st = status if pd.isna(loan.status_date) or loan.status_date <= d else "active"
            st = "closed" if outstanding <= 0 else st
            live = outstanding > 0 and st != "written_off"
            late = s[(s["due_date"] <= d) & (s["cum_due"] > paid)]
            dpd = (d - late["due_date"].min()).days if live and len(late) else 0
            bucket = bisect_left(pf.BUCKET_UPPER, dpd)  # 0 current, 1 1–30 … 6 > 365
            states.append((live, bucket, round(outstanding * 100), st))
        last = states[-1]
        if last and last[0]:
            gross += last[2]
            at_risk30 += last[2] if last[1] >= 2 or last[3] == "restructured" else 0
            npl += last[2] if last[1] >= 4 else 0
        roll_balance += sum(a[2] for a in states[:-1] if a and a[0])  # every live month end but the last moves on
        off_from = pd.Timestamp.max
        if status == "written_off":
            off_from = loan.status_date if not pd.isna(loan.status_date) else pd.Timestamp.min
        for inst in s[(s["due_date"] >= start) & (s["due_date"] <= end) & (s["due_date"] < off_from)].itertuples():
            by_due = round(p.loc[p["paid_date"] <= inst.due_date, "amount"].sum(), 2)
            due_fy += round(inst.payment * 100)
            on_time_fy += round(min(max(by_due - (inst.cum_due - inst.payment), 0), inst.payment) * 100)
        if loan.contract_date <= dates[-1]:
            for inst in s[(s["payment"] > 0) & (s["due_date"] + pd.Timedelta(days=91) <= dates[-1])].itertuples():
                at = inst.due_date + pd.Timedelta(days=91)
                if inst.cum_due > round(p.loc[p["paid_date"] <= at, "amount"].sum(), 2):
                    ever_bad += round(loan.principal * 100)
                    break
    nan = float("nan")
    numbers = {"gross": gross, "par30": at_risk30 / gross if gross else nan, "npl": npl / gross if gross else nan,
               "roll_balance": roll_balance, "due": due_fy, "on_time": on_time_fy, "ever_bad": ever_bad}
    return numbers, run


# ---------------------------------------------------------------- checks and the run


def satang(values: object) -> int:
    """Σ of amounts in baht as exact integer satang, each value rounded first (a float sum of large
    balances can be off by a satang at 10⁷ loans; the per-value rounding cannot)."""
    return sum(round(float(v) * 100) for v in pd.Series(values).fillna(0))


def check(
    planlib_m: dict[str, pd.DataFrame],
    hand: dict[str, pd.DataFrame],
    loop_m: dict[str, object] | None,
    naive_m: dict[str, object] | None = None,
) -> str:
    """Assert the computations agree on the headline numbers (satang; counts exact).

    A failure names the measure and both values.
    """

    def same(what: str, a: object, b: object, tol: float = 0.0) -> None:
        ok = abs(float(a) - float(b)) <= tol if tol else a == b  # type: ignore[arg-type]
        assert ok, f"{what}: planlib {a!r} vs {b!r}"

    q = planlib_m["quality"].iloc[0]
    hq = hand["quality"]
    whole = hq[hq[["borrower_type", "work_type", "province", "bucket"]].isna().all(axis=1)].iloc[0]
    same("outstanding", satang([q["outstanding"]]), satang([whole["outstanding"]]))
    same("loans", int(q["loans"]), int(whole["loans"]))
    same("overdue", satang([q["overdue"]]), satang([whole["overdue"]]))
    same("PAR30", q["par30"], float(whole["at_risk30"]) / float(whole["outstanding"]), 1e-12)
    same("NPL ratio", q["npl_ratio"], float(whole["npl"]) / float(whole["outstanding"]), 1e-12)
    roll = planlib_m["roll_rates"]
    same("roll-rate balance", satang(roll["balance"]), satang(hand["roll"]["balance"]))
    same("roll-rate moves", int(roll["loans"].sum()), int(hand["roll"]["loans"].sum()))
    col = planlib_m["collection"]
    hc = hand["collection"].set_index("quarter")
    for rec in col.itertuples():
        if rec.quarter in hc.index:
            same(f"due Q{rec.quarter}", satang([rec.due]), satang([hc.loc[rec.quarter, "due"]]))
            same(f"on time Q{rec.quarter}", satang([rec.on_time]), satang([hc.loc[rec.quarter, "on_time"]]))
        if 10 + rec.quarter in hc.index:
            same(f"collected Q{rec.quarter}", satang([rec.collected]), satang([hc.loc[10 + rec.quarter, "due"]]))
    said = "planlib = hand-written SQL"
    for label, other in (("loop A", loop_m), ("loop B", naive_m)):
        if other is None:
            continue
        same(f"{label} outstanding", other["gross"], satang([q["outstanding"]]))
        same(f"{label} PAR30", other["par30"], q["par30"], 1e-12)
        same(f"{label} NPL ratio", other["npl"], q["npl_ratio"], 1e-12)
        same(f"{label} roll-rate balance", other["roll_balance"], satang(roll["balance"]))
        same(f"{label} due", other["due"], satang(col["due"]))
        same(f"{label} on time", other["on_time"], satang(col["on_time"]))
        said += f" = {label}"
    if loop_m is not None and naive_m is not None:
        same("loop B ever bad", naive_m["ever_bad"], loop_m["ever_bad"])
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6, 10**7])
    parser.add_argument("--loop-max", type=int, default=10**5, help="run loop A (generous) only up to this many loans")
    parser.add_argument("--naive-max", type=int, default=2_000,
                        help="run loop B (straightforward) on every loan up to this size")
    parser.add_argument("--naive-sample-max", type=int, default=10**5,
                        help="above --naive-max and up to this size, time loop B on every n/500-th loan and scale up "
                             "(an estimate)")
    parser.add_argument("--repeat-below", type=float, default=30.0,
                        help="a timing under this many seconds is repeated 3 times and the median kept "
                             "(planlib, SQL, loop A alike)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "planlib-bench")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes generating books and schedules")
    args = parser.parse_args(argv)
    ram = psutil.virtual_memory().total / 2**30
    print(f"loan statistics at scale: as of {AS_OF.date()}, roll rates {ROLL_MONTHS} months, vintage {MAX_MOB} months, "
          f"collection FY{FY}; {os.cpu_count()} cores, {ram:.0f} GB RAM, duckdb {duckdb.__version__}")
    free = psutil.disk_usage(str(args.cache.parent)).free / 2**30
    print(f"cache: {args.cache} (free {free:.0f} GB); load average at start {os.getloadavg()[0]:.1f}")
    rows = []
    for n in args.sizes:
        print(f"\n== {n:,} loans", flush=True)
        with Peak() as gen:
            book = ensure_book(args.cache, n, args.workers)
        work = args.cache / f"work-{n}"
        payments = sum(pd.read_parquet(f, columns=["amount"]).shape[0] for f in lb.parquet_files(book / "payments"))
        print(f"  book: {payments:,} payments (generation or cache {gen.seconds:.1f} s, peak {gen.mb:.0f} MB)",
              flush=True)
        shutil.rmtree(work, ignore_errors=True)
        with Peak() as prep:
            large = lb.LargeBook(book / "loans", book / "payments", work_dir=work, workers=args.workers)
        print(f"  planlib prepare (keys, days, satang + schedule of {large.info['schedule_rows']:,} instalments): "
              f"{prep.seconds:7.1f} s  peak {prep.mb:6.0f} MB", flush=True)
        metrics = partial(large.metrics, AS_OF, fiscal_year=FY, roll_months=ROLL_MONTHS, max_mob=MAX_MOB)
        m, run = measure(metrics, args.repeat_below)
        print(f"  planlib metrics as of one date ({-(-n // large.batch_loans)} batch(es) of ≤ {large.batch_loans:,} "
              f"loans):  {run}", flush=True)
        sched = handwritten_schedule(work, args.cache / f"work-{n}")
        hand, hand_t = measure(partial(handwritten, book, sched), args.repeat_below)
        print(f"  hand-written DuckDB SQL:                                {hand_t}", flush=True)
        # kept to look into a disagreement without a rerun
        pd.to_pickle({"planlib": m, "hand": hand}, args.cache / f"results-{n}.pkl")
        loop_m, loop_s = None, float("nan")
        if n <= args.loop_max:
            loop_m, loop_t = measure(partial(loop, book, work), args.repeat_below)
            loop_s = loop_t.seconds
            print(f"  loop A (generous: pre-grouped lists):                   {loop_t}", flush=True)
        else:
            print(f"  loop A: not run above {args.loop_max:,} loans")
        naive_m, naive_s, naive_est = None, float("nan"), False
        if n <= args.naive_sample_max:
            every = 1 if n <= args.naive_max else max(1, n // 500)
            with Peak() as naive_t:
                result, ran = naive_loop(book, work, every)
            naive_s, naive_est = naive_t.seconds * n / ran, every > 1
            if every == 1:
                naive_m = result
                print(f"  loop B (straightforward: filter DataFrames per loan):   {naive_s:7.1f} s  "
                      f"peak {naive_t.mb:6.0f} MB", flush=True)
            else:
                print(f"  loop B (straightforward) on {ran:,} of {n:,} loans: {naive_t.seconds:.1f} s → "
                      f"est. {naive_s:.0f} s for all (time per loan × loans; numbers not checked)", flush=True)
        else:
            print(f"  loop B: not run above {args.naive_sample_max:,} loans")
        try:
            agree = f"numbers agree: {check(m, hand, loop_m, naive_m)}"
        except AssertionError as exc:  # print the table anyway, flagged
            agree = f"NUMBERS DISAGREE: {exc!r}"
        print(f"  {agree}", flush=True)
        rows.append({"loans": n, "payments": payments, "prepare_s": prep.seconds, "metrics_s": run.seconds,
                     "metrics_MB": run.mb, "prepare_MB": prep.mb, "sql_s": hand_t.seconds, "loop_s": loop_s,
                     "naive_s": naive_s, "naive_est": naive_est, "agree": agree.startswith("numbers agree")})
        del large

    t = pd.DataFrame(rows)
    print("\nscaling (planlib = as-of metric run on the prepared book; first run adds the one-off preparation;")
    print(" loop A = generous per-loan loop, loop B = straightforward per-loan loop;"
          " ~ = estimated from a sample of loans)")
    print(f"{'loans':>12} {'payments':>12} {'prepare s':>10} {'metrics s':>10} {'µs/loan':>8} {'peak MB':>8} "
          f"{'hand SQL s':>10} {'planlib/SQL':>11} {'first run/SQL':>13} {'loop A s':>9} {'A/planlib':>10} "
          f"{'loop B s':>9} {'B/planlib':>10} {'agree':>5}")

    def cell(x: float, planlib_s: float, est: bool = False) -> tuple[str, str]:
        if x != x:
            return f"{'-':>9}", f"{'not run':>10}"
        mark = "~" if est else ""
        return f"{mark + format(x, '.1f'):>9}", f"{mark + format(x / planlib_s, '.1f') + '×':>10}"

    for r in t.itertuples():
        a_s, a_r = cell(r.loop_s, r.metrics_s)
        b_s, b_r = cell(r.naive_s, r.metrics_s, r.naive_est)
        per_loan = 1e6 * r.metrics_s / r.loans
        first_run = (r.prepare_s + r.metrics_s) / r.sql_s
        print(f"{r.loans:>12,} {r.payments:>12,} {r.prepare_s:10.1f} {r.metrics_s:10.2f} {per_loan:8.1f} "
              f"{max(r.metrics_MB, r.prepare_MB):8.0f} {r.sql_s:10.2f} {r.metrics_s / r.sql_s:10.2f}× "
              f"{first_run:12.2f}× {a_s} {a_r} {b_s} {b_r} {'yes' if r.agree else 'NO':>5}")
    if len(t) > 1:
        steps = [f"{a.loans:,}→{b.loans:,}: loans ×{b.loans / a.loans:.0f}, metrics ×{b.metrics_s / a.metrics_s:.1f}, "
                 f"prepare ×{b.prepare_s / a.prepare_s:.1f}" for a, b in pairwise(t.itertuples())]
        print("growth: " + "; ".join(steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
