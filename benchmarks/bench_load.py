"""Loading everyday inputs: planlib against the pandas floor and against calamine alone (issue 16.1, 16.2).

    python benchmarks/bench_load.py                          # CSV books of 20,000 and 200,000 loans, hwfund .xlsx
    python benchmarks/bench_load.py --sizes 20000 --repeat 5
    python benchmarks/bench_load.py --per-cell-max 20000     # also time the per-cell reference loader

Everything is measured side by side in one run, on the same files, each timing the best of
``--repeat`` runs (the best is the least disturbed by other processes on a shared machine):

* **CSV books**: seeded SYNTHETIC books (:func:`planlib.loans.synthetic.book`, FY2563–2567, ~23
  payments a loan) written with :func:`planlib.loans.synthetic.write_csv` into a temporary folder.
  ``planlib read`` is :func:`planlib.inputs.load.read_tables` (reading, normalising, every located
  problem and change); ``load_portfolio`` adds the cross-table checks. The **floor** is what an
  engineer writes for this one known file layout: ``pd.read_csv`` with the dtypes given, then
  ``pd.to_datetime`` on the date columns (no checks, no Thai values, no located problems).
  A 200,000-loan book's payments file (~230 MB) is above :data:`planlib.inputs.read.MAX_CSV_BYTES`;
  the limit is raised for this run only.
* **Workbook**: every table of ``data/hwfund`` (with its synthetic loan book, 25,000+ rows) written
  as one ``.xlsx``, sheet per table, numbers as numbers. ``planlib read_workbook`` (values, the
  safety guards, the formula and error-cell pass) against **calamine alone** (open the workbook,
  ``to_python`` every sheet) and the openpyxl reader planlib used before (``read.FAST = False``).

Targets (issue 16): CSV load ≤ 3× the pandas floor; workbook reading ≤ 2× calamine alone.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine

from planlib.inputs import contract, load, read
from planlib.inputs.problems import Problems
from planlib.loans import synthetic

DATA = Path(__file__).resolve().parents[1] / "data"

LOAN_DTYPES = {
    "loan_id": "str", "borrower_id": "str", "borrower_type": "str", "members": "Int64", "principal": "float64",
    "contract_date": "str", "status_date": "str",
    "term_months": "Int64", "annual_rate": "float64", "grace_installments": "Int64", "relief_fiscal_year": "Int64",
    "work_type": "str", "province": "str", "status": "str", "source": "str",
}
PAYMENT_DTYPES = {"loan_id": "str", "amount": "float64", "principal": "float64", "interest": "float64", "source": "str"}


def best(run: Callable[[], object], repeat: int) -> float:
    """The shortest of ``repeat`` runs of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def pandas_floor(folder: Path) -> None:
    """The floor: read_csv with known dtypes, then to_datetime on the date columns."""
    loans = pd.read_csv(folder / "loans.csv", dtype=LOAN_DTYPES)
    for column in ("contract_date", "status_date"):
        loans[column] = pd.to_datetime(loans[column], format="%Y-%m-%d")
    payments = pd.read_csv(folder / "payments.csv", dtype=PAYMENT_DTYPES)
    payments["paid_date"] = pd.to_datetime(payments["paid_date"], format="%Y-%m-%d")


def planlib_read(path: Path, wanted: tuple[str, ...] = contract.LENDING_TABLES) -> None:
    problems = Problems()
    load.read_tables(path, wanted, problems, synthetic=True)


def planlib_load(path: Path) -> None:
    load.load_portfolio(path, strict=False, progress=False)


def calamine_alone(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def planlib_read_workbook(path: Path) -> None:
    read.read_workbook(path, [], wanted=contract.PLAN_TABLES + contract.LENDING_TABLES)


def workbook_from_folder(folder: Path, path: Path) -> int:
    """Every CSV table of ``folder`` (and ``synthetic/``) as a sheet of ``path``; numbers as numbers. Rows written."""
    book = openpyxl.Workbook(write_only=True)
    rows = 0
    for csv_path in sorted(folder.glob("*.csv")) + sorted((folder / "synthetic").glob("*.csv")):
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
        sheet = book.create_sheet(csv_path.stem)
        sheet.append(list(frame.columns))
        columns = []
        for name in frame.columns:
            numbers = pd.to_numeric(frame[name].where(frame[name] != ""), errors="coerce")
            typed = numbers.notna() | (frame[name] == "")
            columns.append([None if t == "" else (n if ok else t) for t, n, ok in zip(frame[name], numbers, typed)])
        for row in zip(*columns):
            sheet.append(list(row))
        rows += len(frame) + 1
    book.save(path)
    return rows


def ratio_table(rows: list[tuple[str, str, float, str, float]]) -> str:
    lines = [f"{'input':34} {'planlib':>22} {'s':>8} {'floor':>22} {'s':>8} {'ratio':>7}"]
    for what, ours, ours_s, floor, floor_s in rows:
        lines.append(f"{what:34} {ours:>22} {ours_s:8.3f} {floor:>22} {floor_s:8.3f} {ours_s / floor_s:6.2f}×")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-cell-max", type=int, default=0, help="time the per-cell reference loader up to N loans")
    parser.add_argument("--full-max", type=int, default=20_000, help="time load_portfolio (with checks) up to N loans")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {os.cpu_count()} cores")
    rows: list[tuple[str, str, float, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="planlib-bench-load-") as tmp:
        read.MAX_CSV_BYTES = 1024**3  # a 200,000-loan payments file is ~230 MB; this run only
        for n in args.sizes:
            folder = Path(tmp) / f"book{n}"
            loans, payments = synthetic.book(n, seed=args.seed)
            synthetic.write_csv(loans, payments, folder)
            size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
            what = f"CSV {n:,} loans / {len(payments):,} pay"
            print(f"{what}: {size:.0f} MB (SYNTHETIC)")
            floor = best(lambda f=folder: pandas_floor(f), args.repeat)
            ours = best(lambda f=folder: planlib_read(f), args.repeat)
            rows.append((what, "read_tables", ours, "read_csv+to_datetime", floor))
            if n <= args.full_max:
                full = best(lambda f=folder: planlib_load(f), args.repeat)
                rows.append((what, "load_portfolio", full, "read_csv+to_datetime", floor))
            if n <= args.per_cell_max:
                load.FAST = read.FAST = False
                slow = best(lambda f=folder: planlib_read(f), 1)
                load.FAST = read.FAST = True
                rows.append((what, "read_tables per cell", slow, "read_csv+to_datetime", floor))
        workbook = Path(tmp) / "hwfund.xlsx"
        written = workbook_from_folder(DATA / "hwfund", workbook)
        what = f"xlsx hwfund {written:,} rows"
        print(f"{what}: {workbook.stat().st_size / 1e3:.0f} KB")
        alone = best(lambda: calamine_alone(workbook), args.repeat)
        ours = best(lambda: planlib_read_workbook(workbook), args.repeat)
        full = best(lambda: planlib_load(workbook), args.repeat)
        read.FAST = False
        before = best(lambda: planlib_read_workbook(workbook), 1)
        read.FAST = True
        rows.append((what, "read_workbook", ours, "calamine alone", alone))
        rows.append((what, "read_workbook openpyxl", before, "calamine alone", alone))
        rows.append((what, "load_portfolio", full, "calamine alone", alone))
    print(ratio_table(rows))
    print("targets: CSV read/load ≤ 3× the floor; read_workbook ≤ 2× calamine alone")
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
