"""Seeded synthetic loan books: the Homeworkers Fund book and books of any size for benchmarks.

**Everything this module writes is synthetic**: every row says so in its ``source`` column, and
files go to ``data/<org>/synthetic/``. Nothing here is a real borrower.

``python -m planlib.loans.synthetic hwfund`` writes ``data/hwfund/synthetic/loans.csv`` and
``payments.csv`` (the committed files; a test regenerates them byte for byte). The book:

* **Counts and amounts** per fiscal year FY2548–2567 are those of Table 2-1 (seed 000 L214–239),
  exactly: Σ principal of the year's loans = ``actual_amount``, loans = ``actual_count``.
* **Mislabelled years.** Table 2-1 prints its first two rows as 2558 and 2559; they are FY2548
  and FY2549 (``fiscal_year`` in ``lending_annual``, with the printed label in
  ``fiscal_year_printed``). Loans are generated for the corrected years, so FY2558 and FY2559
  have only their own rows' loans (40 and 54).
* **Individuals and groups.** Table 2-1 splits FY2564–2567. For FY2561–2563 the individuals
  printed by Table 2-2 are used (7, 7, 14) and groups are Table 2-1's total minus them (38, 47,
  43; Table 2-2's "388 groups" for FY2561 is impossible). Earlier years are all groups, as the
  column header says. That gives 38 individuals and 585 groups (623 loans); the text's 627
  (39/588) is 4 more than Table 2-1 adds up to (DQ-15) and is not forced.
* **Loan terms** (L145–155): individuals 5,000–50,000; groups 10,000–300,000 in whole thousands;
  term by band (24, 48, 60 months); 3% a year; grace 4 instalments for 70% of loans, else none.
  FY2567 loans follow the printed size bands and work types (L185–197) exactly.
* **Relief rounds** (L199–212): every FY2565–2567 loan is in that year's round, contracted within
  its window; FY2567 borrowers who pay the first 12 instalments on time get 24 at 0%.
* **Behaviour** (drawn per loan): on time, late (each instalment 10–75 days late), default
  (stops after a few instalments; 90% go to litigation 3–12 months later and are written off
  about 6 years after that), restructured (late payer, status restructured). Payments pay the
  scheduled instalment (principal and interest split given) and stop at the horizon
  (30 Sep 2567, the end of FY2567). The mix is set so that at 31 ก.ค. 2567 litigation and
  arrears are of the order of Table 2-2 (21 groups / 1.87 M; 33 debtors / 0.61 M).

:func:`book` makes a book of any size with the same rules (amounts drawn, not fixed) and
:func:`write_parquet` writes it in chunks, for benchmarks of 10⁴–10⁷ loans.
"""

from __future__ import annotations

import argparse
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from planlib.inputs import messages, thai
from planlib.inputs.load import load_portfolio
from planlib.loans import schedule
from planlib.loans.lending import sources

SEED = 2567
HORIZON = pd.Timestamp("2024-09-30")
"""Last day of FY2567: the synthetic Homeworkers book has payments up to here."""
LABEL = "synthetic (planlib.loans.synthetic)"

WORK_TYPES = ("sewing", "embroidery_knitting_weaving", "handmade_crafts", "handicrafts", "consumer_goods",
              "other_goods")
WORK_WEIGHTS_INDIVIDUAL = (219, 54, 35, 83, 33, 23)
WORK_WEIGHTS_GROUP = (300, 85, 71, 153, 84, 19)
"""Registered homeworkers by work type (seed 000 L165–172): the draw weights for work_type."""
PROVINCES = ("กรุงเทพมหานคร", "นนทบุรี", "ปทุมธานี", "เชียงใหม่", "ลำพูน", "ขอนแก่น", "อุดรธานี", "นครราชสีมา",
             "สุรินทร์", "ร้อยเอ็ด", "พระนครศรีอยุธยา", "สุพรรณบุรี", "นครปฐม", "สงขลา", "นครศรีธรรมราช", "ปัตตานี")
PROVINCE_WEIGHTS = (14, 6, 5, 9, 5, 8, 6, 8, 4, 5, 4, 4, 4, 6, 4, 4)
"""Synthetic: the source gives no provinces. An illustrative spread over 16 provinces."""

BEHAVIOURS = ("on_time", "late", "default", "restructured")
BEHAVIOUR_P = (0.78, 0.11, 0.08, 0.03)

_BANDS_2567_GROUPS = ((10, 50, 2), (51, 100, 2), (101, 200, 10), (201, 300, 10))
"""FY2567 groups by size band in thousands (seed 000 L185–188): (min, max, groups)."""
_WORK_2567 = {
    "individual": {"sewing": 2},
    "group": {"sewing": 10, "handmade_crafts": 2, "handicrafts": 8, "consumer_goods": 4},
}
"""FY2567 borrowers by work type (seed 000 L192–197)."""


# ---------------------------------------------------------------- amounts that add up exactly


def allocate(total: int, low: np.ndarray, high: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random whole amounts between ``low`` and ``high`` (each inclusive) that sum to ``total`` exactly.

    Water-filling: random shares of what is left above the lower bounds, capped at the upper
    bounds (the excess goes to loans with room), floored to whole units, and the last units
    handed out one each in random order. Raises ValueError when Σ low > total or Σ high < total.
    """
    low, high = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
    if low.sum() > total or high.sum() < total:
        en, th = messages.text("synthetic_cannot_split", total=total, low=low.sum(), high=high.sum())
        raise ValueError(f"{en} / {th}")
    x = low.astype(np.float64)
    weights = rng.gamma(2.0, 1.0, len(low))
    for _ in range(len(low) + 1):
        room = high - x
        left = total - x.sum()
        if left <= 1e-9:
            break
        share = np.where(room > 0, weights, 0)
        x = np.minimum(x + left * share / share.sum(), high)
    out = np.floor(x + 1e-9).astype(np.int64)
    short = int(total - out.sum())
    order = rng.permutation(len(out))
    for i in order:
        if short == 0:
            break
        if out[i] < high[i]:
            out[i] += 1
            short -= 1
    return out


# ---------------------------------------------------------------- loan table


Windows = dict[int, tuple[pd.Timestamp, pd.Timestamp]]
"""Contract window (first day, last day) of each relief round's fiscal year."""


def _contract_dates(fy: np.ndarray, windows: Windows, rng: np.random.Generator) -> np.ndarray:
    """A uniform random contract date per loan within its year's relief window, else its fiscal year."""
    years = np.unique(fy)
    whole = {int(y): (thai.fiscal_year_start(int(y)), thai.fiscal_year_end(int(y))) for y in years}
    spans = [windows.get(int(y), whole[int(y)]) for y in years]
    starts = np.array([start for start, _ in spans], dtype="datetime64[D]")
    ends = np.array([end for _, end in spans], dtype="datetime64[D]")
    at = np.searchsorted(years, fy)  # one lookup per fiscal year, not per loan
    start, end = starts[at], ends[at]
    span = (end - start).astype(np.int64) + 1
    return start + (rng.random(len(fy)) * span).astype(np.int64).astype("timedelta64[D]")


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """``prefix`` + 1…n zero-padded to ``width`` digits, built with numpy string operations."""
    numbers = np.char.zfill(np.arange(1, n + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def _terms(kind: np.ndarray, principal: np.ndarray) -> np.ndarray:
    """Term in months by band (seed 000 L148–151): ≤ 50,000 → 24; ≤ 100,000 → 48; else 60."""
    longer = np.where(principal <= 100_000, 48, 60)
    return np.where((kind == "individual") | (principal <= 50_000), 24, longer).astype(np.int64)


def _loan_table(
    fy: np.ndarray,
    kind: np.ndarray,
    principal: np.ndarray,
    rng: np.random.Generator,
    windows: Windows,
    relief_years: Sequence[int],
    work: np.ndarray | None = None,
    prefix: str = "HW",
) -> pd.DataFrame:
    n = len(fy)
    wi = np.asarray(WORK_WEIGHTS_INDIVIDUAL, float) / sum(WORK_WEIGHTS_INDIVIDUAL)
    wg = np.asarray(WORK_WEIGHTS_GROUP, float) / sum(WORK_WEIGHTS_GROUP)
    names = np.asarray(WORK_TYPES, dtype=object)
    drawn = np.where(kind == "individual", names[rng.choice(6, n, p=wi)], names[rng.choice(6, n, p=wg)])
    work = drawn if work is None else np.where(pd.isna(work), drawn, work)
    pw = np.asarray(PROVINCE_WEIGHTS, float) / sum(PROVINCE_WEIGHTS)
    province = np.asarray(PROVINCES)[rng.choice(len(PROVINCES), n, p=pw)]
    contract = _contract_dates(fy, windows, rng)
    order = np.lexsort((contract,))
    width = max(6, len(str(n)))
    loans = pd.DataFrame({
        "loan_id": _ids(prefix, n, width),
        "borrower_type": kind[order],
        "members": np.where(kind[order] == "group", rng.integers(5, 16, n), 1),
        "contract_date": contract[order].astype("datetime64[us]"),
        "principal": principal[order].astype(np.float64),
        "term_months": _terms(kind[order], principal[order]),
        "annual_rate": 3.0,
        "grace_installments": np.where(rng.random(n) < 0.7, 4, 0),
        "relief_fiscal_year": pd.Series(fy[order], dtype="Int64").where(np.isin(fy[order], list(relief_years))).array,
        "work_type": work[order],
        "province": province,
    })
    loans.insert(1, "borrower_id", _ids(f"B{prefix}", n, width))
    return loans


# ---------------------------------------------------------------- behaviour and payments


def _payments(
    loans: pd.DataFrame, relief: pd.DataFrame | None, horizon: pd.Timestamp, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a behaviour per loan and the payments it makes up to ``horizon``; set status/status_date."""
    n = len(loans)
    behaviour = np.asarray(BEHAVIOURS)[rng.choice(len(BEHAVIOURS), n, p=BEHAVIOUR_P)]
    rate, count, extra = schedule.relief_terms(loans, relief)
    count = count + np.where(behaviour == "on_time", extra, 0)  # on-time payers earn the extension
    sched = schedule.schedules(loans, relief_rate=rate, relief_installments=count.astype("int64"))
    pos = pd.Series(np.arange(n), index=loans["loan_id"].to_numpy())
    li = pos.loc[sched["loan_id"].to_numpy()].to_numpy()
    term = loans["term_months"].to_numpy()
    stop = np.where(behaviour == "default", np.maximum(1, (rng.random(n) * 0.6 * term).astype(np.int64)), 10_000)
    lateness = np.where(np.isin(behaviour, ("late", "restructured")), rng.integers(10, 76, n), 0)
    k = sched["installment"].to_numpy()
    early = rng.integers(-5, 1, len(sched))
    jitter = rng.integers(0, 11, len(sched))
    delay = np.where(lateness[li] > 0, lateness[li] + jitter - 5, early)
    paid_date = sched["due_date"].to_numpy(dtype="datetime64[D]") + delay.astype("timedelta64[D]")
    keep = (k < stop[li]) & (sched["payment"].to_numpy() > 0) & (paid_date <= np.datetime64(horizon.date()))
    contract = loans["contract_date"].to_numpy(dtype="datetime64[D]")[li]
    paid_date = np.maximum(paid_date, contract + np.timedelta64(1, "D"))
    payments = pd.DataFrame({
        "loan_id": sched["loan_id"].to_numpy()[keep],
        "paid_date": paid_date[keep].astype("datetime64[us]"),
        "amount": sched["payment"].to_numpy()[keep],
        "principal": sched["principal"].to_numpy()[keep],
        "interest": sched["interest"].to_numpy()[keep],
    })
    # status: defaults go to litigation 6-18 months after the first missed due date, and are
    # written off about 6 years later; restructured loans are restructured after 6 months
    missed_rows = sched[(k == np.minimum(stop[li], term[li]))].drop_duplicates("loan_id")
    first_missed = missed_rows.set_index("loan_id")["due_date"]
    missed = loans["loan_id"].map(first_missed).to_numpy(dtype="datetime64[D]")
    sued = missed + rng.integers(90, 366, n).astype("timedelta64[D]")
    written = sued + rng.integers(6 * 365, 9 * 365, n).astype("timedelta64[D]")
    end = np.datetime64(horizon.date())
    litigate = (behaviour == "default") & (rng.random(n) < 0.9)
    status = np.full(n, None, dtype=object)
    status_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    is_lit = litigate & (sued <= end) & (written > end)
    is_off = litigate & (written <= end)
    status[is_lit], status_date[is_lit] = "litigation", sued[is_lit]
    status[is_off], status_date[is_off] = "written_off", written[is_off]
    restr = behaviour == "restructured"
    restr_date = loans["contract_date"].to_numpy(dtype="datetime64[D]") + np.timedelta64(183, "D")
    ok = restr & (restr_date <= end)
    status[ok], status_date[ok] = "restructured", restr_date[ok]
    loans = loans.assign(status=status, status_date=pd.to_datetime(status_date))
    return loans, payments


def _finish(loans: pd.DataFrame, payments: pd.DataFrame, label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    loans = loans.assign(source=label)
    payments = payments.sort_values(["loan_id", "paid_date"], kind="stable").reset_index(drop=True)
    payments = payments.assign(source="synthetic")
    return loans.reset_index(drop=True), payments


# ---------------------------------------------------------------- the Homeworkers Fund book


def hwfund_counts(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Loans to generate per fiscal year: individuals, groups, amount (rules in the module docstring).

    From the Table 2-1 rows (corrected years), with individuals from Table 2-1's parts, else from
    Table 2-2's printed individuals, else 0; groups = Table 2-1 count − individuals.
    """
    label = sources(lending_annual)
    t21 = lending_annual[label == "Table 2-1"].set_index("fiscal_year")
    t22 = lending_annual[label == "Table 2-2"].set_index("fiscal_year")
    rows = []
    for fy, rec in t21.sort_index().iterrows():
        total = int(rec["actual_count"])
        ind = rec.get("actual_individuals")
        if pd.isna(ind) and fy in t22.index and pd.notna(t22.at[fy, "actual_individuals"]):
            ind = t22.at[fy, "actual_individuals"]
        ind = 0 if pd.isna(ind) else int(ind)
        amount = round(float(rec["actual_amount"]))
        rows.append({"fiscal_year": int(fy), "individuals": ind, "groups": total - ind, "amount": amount})
    return pd.DataFrame(rows)


def hwfund_book(
    data_dir: str | Path = "data/hwfund", *, seed: int = SEED, horizon: pd.Timestamp = HORIZON
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic Homeworkers Fund book (loans, payments), reproducing Table 2-1 exactly.

    Reads the real tables (``lending_annual``, ``relief_rounds``) from ``data_dir``, never its
    synthetic folder. Rules: module docstring.
    """
    real = load_portfolio(data_dir, strict=False, synthetic=False)
    counts = hwfund_counts(real.tables["lending_annual"])
    relief = real.tables.get("relief_rounds")
    rng = np.random.default_rng(seed)
    fy_parts, kind_parts, amount_parts, work_parts = [], [], [], []
    for rec in counts.itertuples():
        n_i, n_g = rec.individuals, rec.groups
        kind = np.array(["individual"] * n_i + ["group"] * n_g, dtype=object)
        low = np.where(kind == "individual", 5, 10)
        high = np.where(kind == "individual", 50, 300)
        work = None
        if rec.fiscal_year == 2567:  # printed size bands and work types (L185-197)
            bands = [b for b in _BANDS_2567_GROUPS for _ in range(b[2])]
            if len(bands) == n_g:
                low[n_i:] = [b[0] for b in bands]
                high[n_i:] = [b[1] for b in bands]
            wi = [w for w, c in _WORK_2567["individual"].items() for _ in range(c)]
            wg = [w for w, c in _WORK_2567["group"].items() for _ in range(c)]
            if len(wi) == n_i and len(wg) == n_g:
                work = np.array(wi + list(rng.permutation(wg)), dtype=object)
        thousands = allocate(rec.amount // 1000, low, high, rng)
        fy_parts.append(np.full(n_i + n_g, rec.fiscal_year))
        kind_parts.append(kind)
        amount_parts.append(thousands * 1000)
        work_parts.append(work if work is not None else np.array([None] * (n_i + n_g), dtype=object))
    fy = np.concatenate(fy_parts)
    kind = np.concatenate(kind_parts)
    principal = np.concatenate(amount_parts)
    fixed_work = np.concatenate(work_parts)
    windows = _relief_windows(relief)
    loans = _loan_table(fy, kind, principal, rng, windows, tuple(windows), work=fixed_work, prefix="HW")
    loans, payments = _payments(loans, relief, horizon, rng)
    return _finish(loans, payments, f"{LABEL} hwfund seed {seed}: Table 2-1 counts and amounts per fiscal year")


def _relief_windows(relief: pd.DataFrame | None) -> Windows:
    """Contract window of each relief round: apply_from … contract_deadline (else apply_to, else FY end)."""
    windows: Windows = {}
    if relief is None:
        return windows
    for _, rec in relief.iterrows():
        fy = int(rec["fiscal_year"])
        start = rec.get("apply_from") if pd.notna(rec.get("apply_from")) else thai.fiscal_year_start(fy)
        deadline = rec.get("contract_deadline")
        end = None
        if isinstance(deadline, str):
            try:
                end = thai.parse_date(deadline)
            except thai.ThaiValueError:
                end = None
        if end is None:
            end = rec.get("apply_to") if pd.notna(rec.get("apply_to")) else thai.fiscal_year_end(fy)
        windows[fy] = (pd.Timestamp(start), pd.Timestamp(end))
    return windows


# ---------------------------------------------------------------- books of any size


def book(
    n_loans: int,
    *,
    seed: int = SEED,
    start_fy: int = 2563,
    end_fy: int = 2567,
    horizon: pd.Timestamp = HORIZON,
    relief_rounds: pd.DataFrame | None = None,
    prefix: str = "L",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic book of ``n_loans`` loans contracted FY``start_fy``–``end_fy`` with payments to ``horizon``.

    Same rules as the Homeworkers book (terms, grace, behaviour, relief rounds if given) but the
    amounts are drawn (individuals 5–50 thousand, groups 10–300 thousand, log-uniform), 5% of
    loans individual. Vectorised over loans; memory grows with n_loans × instalments, so use
    :func:`write_parquet` for millions.
    """
    rng = np.random.default_rng(seed)
    years = np.arange(start_fy, end_fy + 1)
    fy = rng.choice(years, n_loans)
    kind = np.where(rng.random(n_loans) < 0.05, "individual", "group").astype(object)
    low = np.where(kind == "individual", 5, 10)
    high = np.where(kind == "individual", 50, 300)
    thousands = np.floor(np.exp(rng.uniform(np.log(low), np.log(high + 1)))).astype(np.int64).clip(low, high)
    principal = thousands * 1000
    windows = _relief_windows(relief_rounds)
    loans = _loan_table(fy, kind, principal, rng, windows, tuple(windows), prefix=prefix)
    loans, payments = _payments(loans, relief_rounds, horizon, rng)
    return _finish(loans, payments, f"{LABEL} book n={n_loans} seed {seed}")


MARKER = "SYNTHETIC.md"
"""File that :func:`write_parquet` puts beside ``loans/`` and ``payments/``: the book is synthetic."""


def is_synthetic_folder(folder: str | Path) -> bool:
    """True when ``folder`` (a Parquet loan book) carries the :data:`MARKER` of :func:`write_parquet`."""
    return (Path(folder) / MARKER).is_file()


def write_parquet(
    out_dir: str | Path, n_loans: int, *, seed: int = SEED, chunk: int = 500_000, workers: int = 1, **kw: object
) -> Path:
    """Write a synthetic book of ``n_loans`` as Parquet, ``chunk`` loans at a time (bounded memory).

    ``out_dir/loans/part-NNNN.parquet`` and ``out_dir/payments/part-NNNN.parquet``; chunk *i* uses
    seed ``SeedSequence(seed).spawn`` child *i*, and loan ids are prefixed by the chunk number, so
    the book is the same whatever the machine and however many ``workers`` processes write it.
    A ``SYNTHETIC.md`` file (:data:`MARKER`) says what made the book, so a report on it labels
    its numbers synthetic. Returns ``out_dir``.
    """
    out = Path(out_dir)
    (out / "loans").mkdir(parents=True, exist_ok=True)
    (out / "payments").mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(
        f"SYNTHETIC loan book / สมุดสินเชื่อสังเคราะห์: {n_loans:,} loans made by "
        f"planlib.loans.synthetic.write_parquet (seed {seed}, chunk {chunk:,}). "
        "Not real borrowers / ไม่ใช่ลูกหนี้จริง.\n",
        encoding="utf-8",
    )
    children = np.random.SeedSequence(seed).spawn(max(1, -(-n_loans // chunk)))
    jobs = [(out, i, min(chunk, n_loans - i * chunk), int(child.generate_state(1)[0]), kw)
            for i, child in enumerate(children)]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_write_part, jobs))
    else:
        for job in jobs:
            _write_part(job)
    return out


def _write_part(job: tuple[Path, int, int, int, dict]) -> None:
    """One chunk of :func:`write_parquet` (a worker process when ``workers`` > 1)."""
    out, i, size, child_seed, kw = job
    loans, payments = book(size, seed=child_seed, prefix=f"C{i:04d}-", **kw)
    loans.to_parquet(out / "loans" / f"part-{i:04d}.parquet", index=False)
    payments.to_parquet(out / "payments" / f"part-{i:04d}.parquet", index=False)


# ---------------------------------------------------------------- files


def write_csv(loans: pd.DataFrame, payments: pd.DataFrame, folder: str | Path) -> tuple[Path, Path]:
    """Write ``loans.csv`` and ``payments.csv`` deterministically (ISO dates, 2-decimal amounts, LF)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "loans.csv", folder / "payments.csv")
    for frame, path in zip((loans, payments), paths):
        frame.to_csv(path, index=False, date_format="%Y-%m-%d", float_format="%.2f", lineterminator="\n")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m planlib.loans.synthetic hwfund [--data-dir data] [--seed N]`` or ``… scale N OUT``."""
    parser = argparse.ArgumentParser(prog="python -m planlib.loans.synthetic",
                                     description="Write a seeded SYNTHETIC loan book.")
    sub = parser.add_subparsers(dest="what", required=True)
    hw = sub.add_parser("hwfund", help="data/hwfund/synthetic/loans.csv + payments.csv (Table 2-1 counts and amounts)")
    hw.add_argument("--data-dir", default="data")
    hw.add_argument("--seed", type=int, default=SEED)
    sc = sub.add_parser("scale", help="a book of N loans as Parquet, for benchmarks")
    sc.add_argument("n_loans", type=int)
    sc.add_argument("out")
    sc.add_argument("--seed", type=int, default=SEED)
    sc.add_argument("--workers", type=int, default=1, help="processes writing chunks in parallel (same files)")
    args = parser.parse_args(argv)
    if args.what == "hwfund":
        folder = Path(args.data_dir) / "hwfund"
        loans, payments = hwfund_book(folder, seed=args.seed)
        for path in write_csv(loans, payments, folder / "synthetic"):
            print(f"wrote {path} (synthetic)")
    else:
        print(f"wrote {write_parquet(args.out, args.n_loans, seed=args.seed, workers=args.workers)} (synthetic)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
