"""Loan-level portfolio quality as of any date, from ``loans`` + ``payments``.

Everything starts from two vectorised steps (joins, group sums and cumulative sums only, no
loop over loans, so the same definitions translate one-to-one into SQL for large books):

1. :func:`due_schedule`: every loan's monthly instalments (:mod:`planlib.loans.schedule`), with the
   relief round of ``relief_fiscal_year`` applied (12 instalments at 0%, 24 when the FY2567
   on-time rule is met, seed 000 L210–212).
2. :func:`snapshot`: one row per loan as of a date, with

   * ``paid`` = Σ payments with ``paid_date`` ≤ as-of;
   * ``overdue`` (arrears) = max(0, Σ instalments due by as-of − paid);
   * ``dpd`` (days past due) = as-of − due date of the **oldest instalment not covered** by the
     cumulative payments (payments settle instalments in due-date order); 0 when none is. An
     instalment of 0 THB (grace at 0%) is never past due, and an interest-only grace instalment
     is past due only if its interest is unpaid;
   * ``outstanding`` principal = principal − principal repaid (``payments.principal`` when every
     payment of the loan has it; otherwise the cumulative amount paid is applied to the schedule,
     interest before principal within each instalment);
   * ``status`` as of the date (``loans.status`` from ``status_date`` on; ``closed`` once nothing
     is outstanding), ``restructured`` and ``litigation`` flags; ``in_portfolio`` = contracted by
     as-of, something outstanding, not written off (the gross loan portfolio, CGAP).

Metrics (definitions from ``shared/research/anchors.md`` §2.1, CGAP *Microfinance Consensus
Guidelines* 2003, SEEP MFRS, CGAP Occasional Paper 3 (Rosenberg 1999), BOT FPG. 5/2559):

* ageing buckets current, 1–30, 31–60, 61–90, 91–180, 181–365, > 365 days past due, mapped to
  the Thai loan classes ปกติ (≤ 1 month), กล่าวถึงเป็นพิเศษ (> 1–3 months), ต่ำกว่ามาตรฐาน
  (> 3–6), สงสัย (> 6–12), สงสัยจะสูญ (> 12);
* PAR*x* = outstanding of loans > *x* days past due **plus every restructured loan**, full
  balance, ÷ gross outstanding (balance-weighted, not a count);
* NPL ratio = outstanding > 90 days past due (ต่ำกว่ามาตรฐาน and worse) ÷ gross outstanding;
* arrears rate = overdue amount ÷ gross outstanding;
* collection rate per fiscal quarter: on-time = part of the quarter's instalments paid by their
  due date ÷ amount falling due; overall = all amounts received in the quarter ÷ amount falling
  due in it (can exceed 100% when arrears are cleared); a written-off loan leaves both sums
  from its write-off date on;
* vintage: origination fiscal year × months on book, Σ principal of loans that were ever more
  than 90 days past due by that month ÷ Σ principal of the cohort's loans observed that long;
* roll rates: share of balance in bucket *i* at one month end that is in bucket *j* (or closed /
  written off) at the next;
* concentration: HHI = Σ sᵢ² of outstanding shares, normalised HHI* = (H − 1/n) ÷ (1 − 1/n),
  top-*n* share (Open Risk concentrationMetrics).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from planlib.inputs import checks, thai
from planlib.inputs.contract import empty_frame
from planlib.inputs.dataset import Dataset, Portfolio, expect
from planlib.inputs.problems import Problem
from planlib.loans import schedule

TOL = 0.005
"""Half a satang: an amount within this of zero is zero (paid in full, nothing outstanding)."""

BUCKETS = ("current", "1-30", "31-60", "61-90", "91-180", "181-365", ">365")
BUCKET_UPPER = (0, 30, 60, 90, 180, 365)
"""Upper bound (days past due, inclusive) of every bucket but the last."""
THAI_CLASSES = ("ปกติ", "กล่าวถึงเป็นพิเศษ", "ต่ำกว่ามาตรฐาน", "สงสัย", "สงสัยจะสูญ")
THAI_CLASSES_EN = ("pass", "special mention", "substandard", "doubtful", "doubtful of loss")
BUCKET_CLASS = {
    "current": "ปกติ",
    "1-30": "ปกติ",
    "31-60": "กล่าวถึงเป็นพิเศษ",
    "61-90": "กล่าวถึงเป็นพิเศษ",
    "91-180": "ต่ำกว่ามาตรฐาน",
    "181-365": "สงสัย",
    ">365": "สงสัยจะสูญ",
}
"""Bucket → Thai loan class (BOT FPG. 5/2559 month bands, anchors.md §2.1): the one statement of the mapping."""
STATES = (*BUCKETS, "closed", "written_off")
"""Roll-rate destination states: the ageing buckets, then repaid (``closed``) and ``written_off``."""
NPL_DAYS = 90
CUTS = ("borrower_type", "work_type", "province")
ALL = "ทั้งหมด / all"
"""The group label of the whole book in the quality and ageing tables."""
UNKNOWN = "ไม่ระบุ"
"""What a missing work type or province reads as in every cut."""
QUARTER_OF_MONTH = np.array([0, *(thai.fiscal_quarter(pd.Timestamp(2000, m, 1)) for m in range(1, 13))])
"""Fiscal quarter of each calendar month 1–12 (index 0 unused), from :func:`planlib.inputs.thai.fiscal_quarter`."""


# ---------------------------------------------------------------- schedule and snapshot


def due_schedule(
    loans: pd.DataFrame,
    relief_rounds: pd.DataFrame | None = None,
    payments: pd.DataFrame | None = None,
    *,
    method: str = schedule.DEFAULT_METHOD,
) -> pd.DataFrame:
    """Every loan's instalments with the relief round of ``relief_fiscal_year`` applied.

    Loans whose ``relief_fiscal_year`` names a row of ``relief_rounds`` pay that round's rate
    on their first ``installments``; when the round has ``extra_installments_if_on_time`` and
    ``payments`` show the first ``installments`` paid in full by their due dates, the relief
    runs for the extra instalments too (FY2567: 12 → 24, seed 000 L210–212). Adds cumulative
    columns ``cum_due``, ``cum_principal`` per loan. See :func:`planlib.loans.schedule.schedules`.
    """
    rate, count, extra = schedule.relief_terms(loans, relief_rounds)
    sched = schedule.schedules(loans, method=method, relief_rate=rate, relief_installments=count)
    if payments is not None and (extra > 0).any():
        flags = loans["loan_id"].map(first_on_time(loans, payments, sched, count))
        on_time = flags.fillna(False).astype(bool) & (extra > 0)
        if on_time.any():
            longer = count + extra.where(on_time, 0)
            sched = schedule.schedules(loans, method=method, relief_rate=rate, relief_installments=longer)
    return with_cumulative(sched)


def first_on_time(loans: pd.DataFrame, payments: pd.DataFrame, sched: pd.DataFrame, count: pd.Series) -> pd.Series:
    """loan_id → True when the loan's first ``count`` instalments were each covered by payments made by their due date.

    ``sched``: the schedules at the relief terms (:func:`planlib.loans.schedule.schedules`);
    ``count``: instalments to check per loan, aligned with ``loans`` (0 = not in a round, left
    out). Instalment k is on time when Σ payments with paid_date ≤ its due date ≥ Σ instalments
    1…k (within half a satang). Used by both the pandas and the large-book paths.
    """
    base = with_cumulative(sched)
    limit = base["loan_id"].map(pd.Series(count.to_numpy(), index=loans["loan_id"].to_numpy()))
    first = base[(base["installment"] <= limit) & (limit > 0)]
    late = first["cum_due"].to_numpy() > paid_by(payments, first[["loan_id", "due_date"]]) + TOL
    relief_ids = pd.Index(first["loan_id"].unique())
    late_ids = set(first.loc[late, "loan_id"])
    return pd.Series([i not in late_ids for i in relief_ids], index=relief_ids, dtype="bool")


def relief_on_time(book: Book) -> pd.Series:
    """loan_id → whether each relief-round loan paid its first ``installments`` in full and on time.

    The condition of the FY2567 extension (0% for 12 more instalments, seed 000 L210–212). Only
    loans in a relief round appear. ``book``: a :class:`Book` or a large book.
    """
    return book.relief_on_time()


def relief_round_on_time(
    loans: pd.DataFrame,
    payments: pd.DataFrame,
    relief_rounds: pd.DataFrame | None,
    *,
    method: str = schedule.DEFAULT_METHOD,
) -> pd.Series:
    """:func:`first_on_time` for the first ``installments`` of each loan's relief round (schedules at its terms)."""
    rate, count, _ = schedule.relief_terms(loans, relief_rounds)
    base = schedule.schedules(loans, method=method, relief_rate=rate, relief_installments=count)
    return first_on_time(loans, payments, base, count)


def with_cumulative(sched: pd.DataFrame) -> pd.DataFrame:
    """The schedule with ``cum_due`` and ``cum_principal``: running sums per loan in instalment order, to the satang."""
    sched = sched.copy()
    grouped = sched.groupby("loan_id", sort=False)
    sched["cum_due"] = grouped["payment"].cumsum().round(2)
    sched["cum_principal"] = grouped["principal"].cumsum().round(2)
    return sched


def paid_by(payments: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Cumulative amount paid by each (loan_id, due_date) of ``keys``: Σ payments with paid_date ≤ that date."""
    if keys.empty:
        return np.zeros(0)
    pay = payments[["loan_id", "paid_date", "amount"]].dropna(subset=["paid_date"])
    pay = pay.sort_values(["paid_date", "loan_id"], kind="stable")
    cum_paid = pay.groupby("loan_id")["amount"].cumsum()
    pay = pay.assign(cum_paid=cum_paid, paid_date=pay["paid_date"].astype("datetime64[us]"))
    at = keys["due_date"].astype("datetime64[us]").to_numpy()
    left = keys.reset_index(drop=True).assign(_pos=np.arange(len(keys)), due_date=at)
    left = left.rename(columns={"due_date": "_at"}).sort_values("_at", kind="stable")
    right = pay[["loan_id", "paid_date", "cum_paid"]].rename(columns={"paid_date": "_at"})
    merged = pd.merge_asof(left, right, on="_at", by="loan_id", direction="backward")
    out = np.zeros(len(keys))
    out[merged["_pos"].to_numpy()] = merged["cum_paid"].fillna(0).to_numpy()
    return out


def fiscal_quarters(dates: object) -> np.ndarray:
    """Fiscal quarter 1–4 of each date (:func:`planlib.inputs.thai.fiscal_quarter` on a whole column)."""
    return QUARTER_OF_MONTH[pd.DatetimeIndex(pd.to_datetime(dates)).month.to_numpy()]


def bucket_of(dpd: pd.Series) -> pd.Series:
    """Ageing bucket of each days-past-due value (``current`` for 0, … ``>365``; upper bounds :data:`BUCKET_UPPER`)."""
    codes = np.searchsorted(np.asarray(BUCKET_UPPER), dpd.to_numpy(dtype=np.int64), side="left")
    return pd.Series(pd.Categorical.from_codes(codes, BUCKETS, ordered=True), index=dpd.index)


def loan_class_of(bucket: pd.Series) -> pd.Series:
    """Thai loan class of each ageing bucket (:data:`BUCKET_CLASS`)."""
    return bucket.map(BUCKET_CLASS).astype("str")


def snapshot(
    loans: pd.DataFrame, payments: pd.DataFrame, sched: pd.DataFrame, as_of: str | pd.Timestamp
) -> pd.DataFrame:
    """One row per loan contracted by ``as_of``: paid, overdue, days past due, outstanding, status.

    Definitions in the module docstring (oldest uncovered instalment for DPD; principal repaid
    from ``payments.principal`` or, when missing, by applying payments to the schedule interest
    first). ``sched`` comes from :func:`due_schedule`. Carries ``borrower_type``, ``work_type``,
    ``province`` and the origination fiscal year (``cohort``) for cuts.
    """
    as_of = pd.Timestamp(as_of)
    book = loans[pd.to_datetime(loans["contract_date"]) <= as_of]
    pay = payments[pd.to_datetime(payments["paid_date"]) <= as_of]
    ids = book["loan_id"]
    paid = ids.map(pay.groupby("loan_id")["amount"].sum()).fillna(0.0).round(2)
    sched = sched[sched["loan_id"].isin(set(ids))]
    loan_paid = sched["loan_id"].map(pd.Series(paid.to_numpy(), index=ids.to_numpy()))
    due_now = sched[sched["due_date"] <= as_of]
    due = ids.map(due_now.groupby("loan_id")["payment"].sum()).fillna(0.0).round(2)
    uncovered = due_now[due_now["cum_due"].to_numpy() > loan_paid.loc[due_now.index].to_numpy() + TOL]
    oldest = uncovered.groupby("loan_id")["due_date"].min().reindex(ids.to_numpy()).astype("datetime64[us]")
    dpd = pd.Series((as_of - oldest).dt.days.fillna(0).astype("int64").to_numpy(), index=ids.index)
    # principal repaid: the payments' own split, else the schedule (interest first in each instalment)
    open_rows = sched[sched["cum_due"].to_numpy() > loan_paid.to_numpy() + TOL]
    first_open = open_rows.groupby("loan_id", sort=False).first()
    before_due = first_open["cum_due"] - first_open["payment"]
    paid_at = pd.Series(paid.to_numpy(), index=ids.to_numpy())
    into = (paid_at.reindex(first_open.index) - before_due - first_open["interest"]).clip(lower=0)
    by_schedule_open = first_open["cum_principal"] - first_open["principal"] + np.minimum(into, first_open["principal"])
    by_schedule = ids.map(by_schedule_open).fillna(ids.map(sched.groupby("loan_id")["principal"].sum())).fillna(0.0)
    if "principal" in pay and len(pay):
        split_known = ~pay["principal"].isna().groupby(pay["loan_id"]).any()
        split_sum = pay.groupby("loan_id")["principal"].sum()
        use_split = ids.map(split_known).fillna(False).astype(bool)
        repaid = np.where(use_split, ids.map(split_sum).fillna(0.0), by_schedule)
    else:
        repaid = by_schedule.to_numpy()
    principal = book["principal"].to_numpy(dtype=np.float64)
    outstanding = np.round(np.clip(principal - repaid, 0, None), 2)
    out = pd.DataFrame({
        "loan_id": ids.to_numpy(),
        "borrower_type": book["borrower_type"].to_numpy(),
        "work_type": _column(book, "work_type"),
        "province": _column(book, "province"),
        "contract_date": pd.to_datetime(book["contract_date"]).to_numpy(),
        "cohort": thai.fiscal_years(book["contract_date"]),
        "principal": principal,
        "due": due.to_numpy(),
        "paid": paid.to_numpy(),
        "overdue": np.round(np.clip(due.to_numpy() - paid.to_numpy(), 0, None), 2),
        "dpd": dpd.to_numpy(),
        "outstanding": outstanding,
    })
    status = _status_as_of(book, as_of)
    out["status"] = np.where(outstanding <= TOL, "closed", np.where(status == "closed", "active", status))
    out["restructured"] = out["status"].eq("restructured")
    out["litigation"] = out["status"].eq("litigation")
    out["in_portfolio"] = (out["outstanding"] > TOL) & ~out["status"].eq("written_off")
    out.loc[~out["in_portfolio"], ["dpd", "overdue"]] = 0
    out["bucket"] = bucket_of(out["dpd"])
    out["thai_class"] = loan_class_of(out["bucket"])
    return out


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame:
        return frame[name].astype("str").where(frame[name].notna(), UNKNOWN).to_numpy()
    return np.full(len(frame), UNKNOWN, dtype=object)


def _status_as_of(book: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    if "status" not in book:
        return np.full(len(book), "active", dtype=object)
    status = book["status"].astype("str").where(book["status"].notna(), "active")
    if "status_date" in book:
        dated = pd.to_datetime(book["status_date"])
        status = status.where(dated.isna() | (dated <= as_of), "active")
    return status.to_numpy(dtype=object)


# ---------------------------------------------------------------- quality measures on a snapshot


def _groups(snap: pd.DataFrame, by: str | Sequence[str] | None) -> Iterator[tuple[object, pd.DataFrame]]:
    """The whole book (:data:`ALL`), then each ``by`` group in sorted order."""
    yield ALL, snap
    if by is not None:
        yield from snap.groupby(list([by] if isinstance(by, str) else by), observed=True, sort=True)


def _key(key: object) -> object:
    return key[0] if isinstance(key, tuple) and len(key) == 1 else key


def par(snap: pd.DataFrame, days: int = 30) -> float:
    """PAR>days = (outstanding of loans > ``days`` past due + all restructured loans) ÷ gross outstanding.

    Full outstanding balance, balance-weighted (CGAP 2003; SEEP MFRS: "PAR30 includes all
    renegotiated loans"). NaN when nothing is outstanding.
    """
    book = snap[snap["in_portfolio"]]
    gross = book["outstanding"].sum()
    at_risk = book.loc[(book["dpd"] > days) | book["restructured"], "outstanding"].sum()
    return float(at_risk / gross) if gross > 0 else float("nan")


def npl_ratio(snap: pd.DataFrame) -> float:
    """NPL ratio = outstanding of loans > 90 days past due (ต่ำกว่ามาตรฐาน and worse) ÷ gross outstanding.

    SEEP MFRS Box 3 / BOT classes (anchors.md §2.1). Restructured loans count only if > 90 days.
    """
    book = snap[snap["in_portfolio"]]
    gross = book["outstanding"].sum()
    return float(book.loc[book["dpd"] > NPL_DAYS, "outstanding"].sum() / gross) if gross > 0 else float("nan")


def arrears_rate(snap: pd.DataFrame) -> float:
    """Arrears rate = overdue amount (instalments due and unpaid) ÷ gross outstanding (Rosenberg 1999)."""
    book = snap[snap["in_portfolio"]]
    gross = book["outstanding"].sum()
    return float(book["overdue"].sum() / gross) if gross > 0 else float("nan")


def quality(snap: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Portfolio quality for the whole book and each ``by`` group (borrower_type, work_type, province…).

    Columns: group, loans (in portfolio), outstanding, overdue, par30, par90, npl_ratio,
    arrears_rate, restructured_outstanding, litigation_loans, litigation_outstanding. Ratios are
    fractions (0.0389 = 3.89%); formulas in :func:`par`, :func:`npl_ratio`, :func:`arrears_rate`,
    computed for every group at once from group sums of the in-portfolio amounts.
    """
    live = snap["in_portfolio"].to_numpy(dtype=bool)
    out = np.where(live, snap["outstanding"].to_numpy(dtype=np.float64), 0.0)
    dpd = snap["dpd"].to_numpy()
    restructured = snap["restructured"].to_numpy(dtype=bool)
    litigation = snap["litigation"].to_numpy(dtype=bool) & live
    parts = pd.DataFrame({
        "loans": live.astype(np.int64),
        "outstanding": out,
        "overdue": np.where(live, snap["overdue"].to_numpy(dtype=np.float64), 0.0),
        "at_risk30": np.where((dpd > 30) | restructured, out, 0.0),
        "at_risk90": np.where((dpd > 90) | restructured, out, 0.0),
        "npl": np.where(dpd > NPL_DAYS, out, 0.0),
        "restructured_outstanding": np.where(restructured, out, 0.0),
        "litigation_loans": litigation.astype(np.int64),
        "litigation_outstanding": np.where(litigation, out, 0.0),
    }, index=snap.index)
    grouped = None
    if by is not None:
        keys = [by] if isinstance(by, str) else list(by)
        grouped = parts.groupby([snap[k] for k in keys], observed=True, sort=True).sum()
    return quality_from_sums(parts.sum(), grouped)


def quality_from_sums(
    total: pd.Series, grouped: pd.DataFrame | None = None, *, per_baht: float = 1.0
) -> pd.DataFrame:
    """The :func:`quality` table from sums: the whole book's ``total`` and one row of ``grouped`` per group.

    Sums: loans, outstanding, overdue, at_risk30, at_risk90, npl, restructured_outstanding,
    litigation_loans, litigation_outstanding (amounts in baht, or in ``per_baht`` units of a
    baht, e.g. 100 for satang). PAR30 = at_risk30 / outstanding, PAR90 = at_risk90 /
    outstanding, NPL ratio = npl / outstanding, arrears rate = overdue / outstanding (NaN for
    an empty group); amounts are shown in baht to the satang. Shared by the pandas and the
    large-book (SQL) paths so both give one definition.
    """
    blocks = [(ALL, total)]
    if grouped is not None:
        blocks += [(_key(key), row) for key, row in grouped.iterrows()]
    rows = []
    for key, s in blocks:
        gross = float(s["outstanding"])

        def ratio(x: float, gross: float = gross) -> float:
            return float(x / gross) if gross > 0 else float("nan")

        def baht(name: str, s: pd.Series = s) -> float:
            return round(float(s[name]) / per_baht, 2)

        rows.append({
            "group": key,
            "loans": int(s["loans"]),
            "outstanding": baht("outstanding"),
            "overdue": baht("overdue"),
            "par30": ratio(s["at_risk30"]),
            "par90": ratio(s["at_risk90"]),
            "npl_ratio": ratio(s["npl"]),
            "arrears_rate": ratio(s["overdue"]),
            "restructured_outstanding": baht("restructured_outstanding"),
            "litigation_loans": int(s["litigation_loans"]),
            "litigation_outstanding": baht("litigation_outstanding"),
        })
    return pd.DataFrame(rows)


def ageing(snap: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Outstanding by ageing bucket with its Thai loan class: loans, outstanding, share of gross.

    Buckets current, 1–30, 31–60, 61–90, 91–180, 181–365, > 365 days past due (anchors.md §2.1);
    one block per ``by`` group after the whole book. In-portfolio loans only; see
    :func:`ageing_from_sums` for the table itself.
    """
    live = snap["in_portfolio"].to_numpy(dtype=bool)
    parts = pd.DataFrame({
        "bucket": np.asarray(snap["bucket"].cat.codes, dtype=np.int64),
        "loans": live.astype(np.int64),
        "outstanding": np.where(live, snap["outstanding"].to_numpy(dtype=np.float64), 0.0),
    }, index=snap.index)
    if by is not None:
        parts[by] = snap[by]
    return ageing_from_sums(parts, by)


def ageing_from_sums(parts: pd.DataFrame, by: str | None = None, *, per_baht: float = 1.0) -> pd.DataFrame:
    """The :func:`ageing` table from in-portfolio sums, for the whole book and each ``by`` group.

    ``parts``: rows with ``bucket`` (code 0–6 into :data:`BUCKETS`), ``loans`` and ``outstanding``
    (in-portfolio count and balance; baht, or ``per_baht`` units of a baht such as 100 for
    satang) and the ``by`` column; any number of rows per bucket (they are added up). Per group:
    loans and outstanding per bucket (0 where none), share = outstanding ÷ gross (NaN when
    nothing is outstanding), the bucket's Thai class from :data:`BUCKET_CLASS`. Shared by the
    pandas and the large-book (SQL) paths.
    """
    frames = []
    for key, part in _groups(parts, by):
        per = part.groupby("bucket")[["loans", "outstanding"]].sum().reindex(range(len(BUCKETS)), fill_value=0)
        table = pd.DataFrame({
            "group": _key(key),
            "bucket": list(BUCKETS),
            "thai_class": [BUCKET_CLASS[b] for b in BUCKETS],
            "loans": per["loans"].to_numpy(dtype=np.int64),
            "outstanding": np.round(per["outstanding"].to_numpy(dtype=np.float64) / per_baht, 2),
        })
        gross = table["outstanding"].sum()
        table["share"] = table["outstanding"] / gross if gross > 0 else np.nan
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def loan_classes(snap: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Outstanding by Thai loan class (ปกติ … สงสัยจะสูญ) with the English name and share of gross."""
    return classes_from_ageing(ageing(snap, by))


def classes_from_ageing(ageing_table: pd.DataFrame) -> pd.DataFrame:
    """The :func:`loan_classes` table: an :func:`ageing` table summed by Thai class, with the class's English name."""
    keys = ["group", "thai_class"]
    out = ageing_table.groupby(keys, sort=False, as_index=False)[["loans", "outstanding", "share"]].sum()
    out.insert(2, "class_en", out["thai_class"].map(dict(zip(THAI_CLASSES, THAI_CLASSES_EN))))
    return out


def concentration(snap: pd.DataFrame, by: str = "work_type", top: int = 3) -> pd.DataFrame:
    """Concentration of the outstanding balance across the categories of ``by``.

    One row: dimension, categories (n), hhi = Σ sᵢ², hhi_normalised = (H − 1/n) ÷ (1 − 1/n)
    (0 when n = 1), top_n share = Σ of the ``top`` largest sᵢ, largest category and its share.
    sᵢ = category outstanding ÷ gross outstanding (Open Risk concentrationMetrics; anchors.md §2.1).
    """
    book = snap[snap["in_portfolio"]]
    amounts = book.groupby(by)["outstanding"].sum()
    amounts = amounts[amounts > 0].sort_values(ascending=False)
    n = len(amounts)
    if n == 0:
        empty = {"dimension": by, "categories": 0, "hhi": np.nan, "hhi_normalised": np.nan, "top_n": top,
                 "top_n_share": np.nan, "largest": None, "largest_share": np.nan}
        return pd.DataFrame([empty])
    shares = amounts / amounts.sum()
    hhi = float((shares**2).sum())
    return pd.DataFrame([{
        "dimension": by,
        "categories": n,
        "hhi": hhi,
        "hhi_normalised": (hhi - 1 / n) / (1 - 1 / n) if n > 1 else 0.0,
        "top_n": top,
        "top_n_share": float(shares.iloc[:top].sum()),
        "largest": shares.index[0],
        "largest_share": float(shares.iloc[0]),
    }])


def shares(snap: pd.DataFrame, by: str = "work_type") -> pd.DataFrame:
    """Outstanding and loans per category of ``by``, largest first, with the share of gross."""
    book = snap[snap["in_portfolio"]]
    grouped = book.groupby(by)
    table = pd.DataFrame({"loans": grouped.size(), "outstanding": grouped["outstanding"].sum().round(2)})
    table = table.sort_values("outstanding", ascending=False)
    total = table["outstanding"].sum()
    table["share"] = table["outstanding"] / total if total > 0 else np.nan
    return table.rename_axis(by).reset_index()


# ---------------------------------------------------------------- flows: collection, vintage, roll rates


def collection_rates(
    loans: pd.DataFrame, payments: pd.DataFrame, sched: pd.DataFrame, fiscal_year: int, *, by: str | None = None
) -> pd.DataFrame:
    """Collection rates per fiscal quarter of ``fiscal_year`` (CGAP Occasional Paper 3).

    due = Σ instalments falling due in the quarter; on_time = Σ of each such instalment's part
    paid by its due date (cumulative payments by the due date − cumulative due before it,
    between 0 and the instalment); collected = Σ payments received in the quarter.
    on_time_rate = on_time ÷ due; overall_rate = collected ÷ due. Written-off loans are left out
    from their write-off date on: an instalment falling due, or a payment received, on or after
    ``status_date`` of a loan with ``status`` = written_off is in none of the sums (the loan has
    left the gross portfolio then, as in :func:`snapshot`; a write-off without a date counts from
    the start; recoveries on written-off loans are not collections of the portfolio, CGAP 2003).
    With ``by``, one row per quarter and group.
    """
    start, end = thai.fiscal_year_start(fiscal_year), thai.fiscal_year_end(fiscal_year)
    inst = sched[(sched["due_date"] >= start) & (sched["due_date"] <= end)].copy()
    payments = payments[payments["paid_date"].notna()]
    written_off = _written_off_from(loans)
    if len(written_off):
        inst = inst[~(inst["due_date"] >= inst["loan_id"].map(written_off)).to_numpy(dtype=bool)]
        payments = payments[~(payments["paid_date"] >= payments["loan_id"].map(written_off)).to_numpy(dtype=bool)]
    inst["paid_by_due"] = paid_by(payments, inst[["loan_id", "due_date"]])
    inst["on_time"] = (inst["paid_by_due"] - (inst["cum_due"] - inst["payment"])).clip(lower=0)
    inst["on_time"] = np.minimum(inst["on_time"], inst["payment"])
    inst["quarter"] = fiscal_quarters(inst["due_date"])
    pay = payments[(payments["paid_date"] >= start) & (payments["paid_date"] <= end)].copy()
    pay["quarter"] = fiscal_quarters(pay["paid_date"])
    keys = ["quarter"]
    if by is not None:
        column = loans.set_index("loan_id")[by]
        attr = column.astype("str").where(column.notna(), UNKNOWN)
        inst[by] = inst["loan_id"].map(attr)
        pay[by] = pay["loan_id"].map(attr)
        keys.append(by)
    due = inst.groupby(keys)[["payment", "on_time"]].sum().rename(columns={"payment": "due"})
    got = pay.groupby(keys)["amount"].sum().rename("collected")
    return collection_from_sums(due.join(got, how="outer").fillna(0.0), fiscal_year, by)


def collection_from_sums(table: pd.DataFrame, fiscal_year: int, by: str | None = None) -> pd.DataFrame:
    """The :func:`collection_rates` table from sums (baht) indexed by quarter (and ``by``).

    ``table`` columns: due, on_time, collected. Every quarter 1–4 (× every group) is listed, 0
    where nothing fell due; on-time rate = on_time / due, overall rate = collected / due (NaN
    when nothing fell due). Shared by the pandas and the large-book (SQL) paths.
    """
    if by:
        groups = sorted(table.index.get_level_values(by).unique())
        grid = pd.MultiIndex.from_product([range(1, 5), groups], names=["quarter", by])
    else:
        grid = pd.Index(range(1, 5), name="quarter")
    table = table.reindex(grid, fill_value=0.0).round(2)
    due = table["due"].where(table["due"] > 0)
    table["on_time_rate"] = np.where(table["due"] > 0, table["on_time"] / due, np.nan)
    table["overall_rate"] = np.where(table["due"] > 0, table["collected"] / due, np.nan)
    table = table.reset_index()
    table.insert(0, "fiscal_year", fiscal_year)
    return table


def collection_total(table: pd.DataFrame) -> pd.Series:
    """The fiscal year's (or any rows') collection rates from a :func:`collection_rates` table.

    due, on_time and collected are the sums over the rows (baht); on_time_rate = Σ on_time ÷ Σ due and
    overall_rate = Σ collected ÷ Σ due (NaN when nothing fell due): amounts pooled, never an average of
    the quarters' rates (CGAP Occasional Paper 3). Homeworkers Fund FY2567 (synthetic book):
    4,515,168.76 ÷ 5,768,046.61 = 78.28 % on time.
    """
    sums = table[["due", "on_time", "collected"]].sum().round(2)
    due = float(sums["due"])
    return pd.Series({
        "due": due,
        "on_time": float(sums["on_time"]),
        "collected": float(sums["collected"]),
        "on_time_rate": float(sums["on_time"]) / due if due > 0 else np.nan,
        "overall_rate": float(sums["collected"]) / due if due > 0 else np.nan,
    })


def _written_off_from(loans: pd.DataFrame) -> pd.Series:
    """loan_id → the date from which the loan is written off (``status_date``; Timestamp.min when undated)."""
    if "status" not in loans:
        return pd.Series(dtype="datetime64[us]")
    off = loans[loans["status"].astype("str").eq("written_off").to_numpy(dtype=bool)]
    dated = pd.to_datetime(off["status_date"]) if "status_date" in off else pd.Series(pd.NaT, index=off.index)
    when = dated.astype("datetime64[us]").fillna(pd.Timestamp("1900-01-01"))
    return pd.Series(when.to_numpy(), index=off["loan_id"].to_numpy())


def first_npl_date(
    loans: pd.DataFrame, payments: pd.DataFrame, sched: pd.DataFrame, as_of: str | pd.Timestamp
) -> pd.Series:
    """Date each loan first became more than 90 days past due (NaT if never, by ``as_of``).

    Instalment *k* makes the loan 91 days past due on due_k + 91 days unless the cumulative
    payments by then cover Σ instalments 1…k; the first such date over *k* is the answer (exact,
    because cumulative payments never decrease). Index: loan_id.
    """
    as_of = pd.Timestamp(as_of)
    npl_from = sched["due_date"] + pd.Timedelta(days=NPL_DAYS + 1)
    inst = sched[(npl_from <= as_of) & (sched["payment"] > 0)]
    check = pd.DataFrame({"loan_id": inst["loan_id"].to_numpy(), "due_date": npl_from[inst.index].to_numpy()})
    paid = paid_by(payments, check)
    bad = check[inst["cum_due"].to_numpy() > paid + TOL]
    return bad.groupby("loan_id")["due_date"].min().reindex(loans["loan_id"].to_numpy())


def months_between(start: object, end: object) -> np.ndarray:
    """Whole months from each ``start`` to its ``end`` date: a month counts once its day is reached.

    (end year − start year) × 12 + (end month − start month) − 1 when end day < start day;
    15 Jan → 14 Apr is 2, → 15 Apr is 3. Array-likes of dates; NaT gives a meaningless number
    (callers keep them apart). Shared by the pandas and the large-book paths.
    """
    s, e = pd.DatetimeIndex(pd.to_datetime(start)), pd.DatetimeIndex(pd.to_datetime(end))
    months = (e.year.to_numpy() - s.year.to_numpy()) * 12 + (e.month.to_numpy() - s.month.to_numpy())
    return months - (e.day.to_numpy() < s.day.to_numpy()).astype(np.int64)


def vintage(
    loans: pd.DataFrame,
    payments: pd.DataFrame,
    sched: pd.DataFrame,
    as_of: str | pd.Timestamp,
    *,
    max_mob: int | None = 36,
    weight: str = "amount",
) -> pd.DataFrame:
    """Vintage curves: origination fiscal year (rows) × months on book (columns), share ever > 90 days past due.

    Cell (v, m) = Σ principal (or count, ``weight="count"``) of cohort-v loans first > 90 days
    past due within m months of their contract, by ``as_of`` ÷ Σ principal of all cohort-v
    loans; cumulative, so it never falls. NaN beyond the age of the cohort's oldest loan (its
    younger loans have not all reached month m, so the latest cells of a cohort are a lower
    bound). Anchors.md §2.1 (vintage curve); the "bad" state is the NPL threshold.
    """
    as_of = pd.Timestamp(as_of)
    book = loans[pd.to_datetime(loans["contract_date"]) <= as_of].reset_index(drop=True)
    if book.empty:
        return pd.DataFrame()
    bad_date = first_npl_date(book, payments, sched, as_of).to_numpy()
    contract = pd.to_datetime(book["contract_date"])
    observed = months_between(contract, np.full(len(book), as_of))
    bad_mob = np.where(pd.isna(bad_date), np.nan, months_between(contract, bad_date).astype(np.float64))
    cohort = thai.fiscal_years(contract)
    w = book["principal"].to_numpy(dtype=np.float64) if weight == "amount" else np.ones(len(book))
    return vintage_from_cohorts(np.asarray(cohort, dtype=np.int64), observed, bad_mob, w, max_mob=max_mob)


def vintage_from_cohorts(
    cohort: np.ndarray, observed: np.ndarray, bad_mob: np.ndarray, weight: np.ndarray, *, max_mob: int | None = 36
) -> pd.DataFrame:
    """The :func:`vintage` grid from one entry per loan (or per group of loans with equal values).

    ``cohort`` origination fiscal year, ``observed`` months on book at the as-of date,
    ``bad_mob`` month of first > 90 DPD (NaN if never), ``weight`` principal or count.
    Cell (v, m) = Σ weight of cohort v bad by month m ÷ Σ weight of cohort v; NaN beyond the
    cohort's oldest loan. Shared by the pandas and the large-book (SQL) paths.
    """
    top = int(observed.max()) if max_mob is None else int(max_mob)
    cohorts = np.unique(cohort)
    rows = np.searchsorted(cohorts, cohort)
    width = top + 1
    total = np.bincount(rows, weights=weight, minlength=len(cohorts))
    oldest = np.full(len(cohorts), -1)
    np.maximum.at(oldest, rows, observed)
    bad = np.zeros((len(cohorts), width + 1))
    has_bad = ~np.isnan(bad_mob)
    np.add.at(bad, (rows[has_bad], np.clip(bad_mob[has_bad].astype(int), 0, width)), weight[has_bad])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = bad.cumsum(axis=1)[:, :width] / total[:, None]
    share[np.arange(width)[None, :] > oldest[:, None]] = np.nan
    frame = pd.DataFrame(share, index=pd.Index(cohorts, name="cohort"), columns=pd.Index(range(width), name="mob"))
    return frame


def month_ends(as_of: str | pd.Timestamp, months: int) -> list[pd.Timestamp]:
    """The ``months`` + 1 month ends up to ``as_of``'s month (as_of itself last)."""
    as_of = pd.Timestamp(as_of)
    ends = [(as_of.to_period("M") - i).to_timestamp(how="end").normalize() for i in range(months, 0, -1)]
    return [*ends, as_of]


def roll_rates(
    loans: pd.DataFrame, payments: pd.DataFrame, sched: pd.DataFrame, as_of: str | pd.Timestamp, *, months: int = 1
) -> pd.DataFrame:
    """Roll-rate matrix: share of the balance in bucket i at a month end found in bucket j a month later.

    Pooled over the last ``months`` month-to-month transitions up to ``as_of``; weights are the
    outstanding balances at the start of each transition. Destination states are the ageing
    buckets plus ``closed`` (repaid) and ``written_off``. Rows: from-bucket; columns: to-state,
    then ``balance`` (Σ start balance) and ``loans`` (transitions). Anchors.md §2.1 (roll rate).
    """
    dates = month_ends(as_of, months)
    snaps = [snapshot(loans, payments, sched, d).set_index("loan_id") for d in dates]
    states = list(STATES)
    weights = pd.DataFrame(0.0, index=pd.Index(BUCKETS, name="from"), columns=states)
    counts = pd.Series(0, index=weights.index)
    for before, after in pairwise(snaps):
        start = before[before["in_portfolio"]]
        end = after.reindex(start.index)
        gone = end["status"].where(end["status"] == "written_off", "closed")
        to = end["bucket"].astype("str").where(end["in_portfolio"], gone)
        start_bucket = start["bucket"].astype("str")
        table = pd.crosstab(start_bucket, to, values=start["outstanding"], aggfunc="sum").fillna(0.0)
        weights = weights.add(table.reindex(index=weights.index, columns=states, fill_value=0.0), fill_value=0.0)
        counts = counts.add(start_bucket.value_counts().reindex(counts.index, fill_value=0), fill_value=0)
    return roll_from_sums(weights, counts)


def roll_from_sums(weights: pd.DataFrame, counts: pd.Series) -> pd.DataFrame:
    """The :func:`roll_rates` matrix from balance sums (from-bucket × :data:`STATES`, baht) and moves per from-bucket.

    Cell = balance moving from bucket i to state j ÷ Σ balance starting in bucket i (NaN for an
    empty row); then ``balance`` (Σ start balance) and ``loans`` (moves). Shared by the pandas
    and the large-book (SQL) paths.
    """
    balance = weights.sum(axis=1)
    matrix = weights.div(balance.where(balance > 0), axis=0)
    matrix["balance"] = balance.round(2)
    matrix["loans"] = counts.astype("int64")
    return matrix


def originations(
    loans: pd.DataFrame, fiscal_year: int, by: str = "size_band", bands: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Loans contracted in ``fiscal_year`` by size band or work type: individuals, groups, amount.

    Size bands come from ``bands`` (rows with min_amount/max_amount/category, e.g. the
    ``lending_breakdown`` size bands) or, when absent, from ≤ 50,000 / 50,001–100,000 /
    100,001–300,000 (loan_terms bands, seed 000 L148–151).
    """
    year = loans[thai.fiscal_years(loans["contract_date"]) == fiscal_year].copy()
    if by == "size_band":
        if bands is None or bands.empty:
            bands = DEFAULT_SIZE_BANDS
        bands = bands.assign(min_amount=bands["min_amount"].fillna(0)).sort_values("min_amount")
        upper = bands["max_amount"].to_numpy(dtype=float)
        idx = np.searchsorted(upper, year["principal"].to_numpy(dtype=float), side="left")
        labels = np.append(bands["category"].to_numpy(dtype=object), "อื่น ๆ / other")
        year["size_band"] = labels[np.minimum(idx, len(bands))]
        order = list(labels)
    else:
        year[by] = year[by].astype("str").where(year[by].notna(), UNKNOWN) if by in year else UNKNOWN
        order = sorted(year[by].unique())
    year["individual"] = (year["borrower_type"] == "individual").astype("int64")
    year["group"] = (year["borrower_type"] == "group").astype("int64")
    table = year.groupby(by)[["individual", "group", "principal"]].sum().reindex(order).fillna(0)
    table.columns = ["individuals", "groups", "amount"]
    table[["individuals", "groups"]] = table[["individuals", "groups"]].astype("int64")
    keep = (table[["individuals", "groups"]].sum(axis=1) > 0) | (by == "size_band")
    if by == "size_band":
        keep &= (table.index != labels[-1]) | (table["individuals"] + table["groups"] > 0)
    return table[keep].rename_axis(by).reset_index()


DEFAULT_SIZE_BANDS = pd.DataFrame({
    "category": ["<=50,000", "50,001-100,000", "100,001-300,000"],
    "min_amount": [0, 50_001, 100_001],
    "max_amount": [50_000, 100_000, 300_000],
})
"""Size bands of :func:`originations` when none are published (loan_terms bands, seed 000 L148–151)."""


# ---------------------------------------------------------------- the book in one object


class Book:
    """Loans, payments and their due schedule, built once and reused for every as-of date.

    >>> book = Book.from_portfolio(planlib.load_portfolio("data/hwfund"))   # doctest: +SKIP
    >>> quality(book.snapshot("2024-07-31"), by="borrower_type")           # doctest: +SKIP

    The small (pandas) path; :class:`planlib.loans.large_books.LargeBook` has the same methods
    out of core, and :func:`planlib.loans.books.open_book` picks one of the two.
    """

    def __init__(
        self,
        loans: pd.DataFrame,
        payments: pd.DataFrame,
        relief_rounds: pd.DataFrame | None = None,
        *,
        method: str = schedule.DEFAULT_METHOD,
    ) -> None:
        self.loans = loans.reset_index(drop=True)
        self.payments = payments.reset_index(drop=True)
        self.method = method
        self.relief_rounds = relief_rounds
        self.schedule = due_schedule(self.loans, relief_rounds, self.payments, method=method)

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio, *, method: str = schedule.DEFAULT_METHOD) -> Book | None:
        """The portfolio's loan book, or None when it has no ``loans`` table."""
        expect(portfolio, Portfolio, "Book.from_portfolio")
        tables = portfolio.tables
        if "loans" not in tables or tables["loans"].empty:
            return None
        payments = tables.get("payments")
        if payments is None:
            payments = empty_frame("payments")
        return cls(tables["loans"], payments, tables.get("relief_rounds"), method=method)

    def __len__(self) -> int:
        return len(self.loans)

    def snapshot(self, as_of: str | pd.Timestamp) -> pd.DataFrame:
        return snapshot(self.loans, self.payments, self.schedule, as_of)

    def collection_rates(self, fiscal_year: int, *, by: str | None = None) -> pd.DataFrame:
        return collection_rates(self.loans, self.payments, self.schedule, fiscal_year, by=by)

    def vintage(self, as_of: str | pd.Timestamp, *, max_mob: int | None = 36, weight: str = "amount") -> pd.DataFrame:
        return vintage(self.loans, self.payments, self.schedule, as_of, max_mob=max_mob, weight=weight)

    def roll_rates(self, as_of: str | pd.Timestamp, *, months: int = 1) -> pd.DataFrame:
        return roll_rates(self.loans, self.payments, self.schedule, as_of, months=months)

    def relief_on_time(self) -> pd.Series:
        """loan_id → whether each relief-round loan paid its first instalments in full and on time.

        :func:`first_on_time` on the schedules at the relief terms; only loans in a round appear.
        """
        return relief_round_on_time(self.loans, self.payments, self.relief_rounds, method=self.method)

    def metrics(self, as_of: str | pd.Timestamp, **options: Any) -> dict[str, pd.DataFrame]:
        """The full loan metric set as of one date; ``options`` and keys: :class:`MetricOptions`."""
        as_of = pd.Timestamp(as_of)
        o = MetricOptions(**options)
        snap = self.snapshot(as_of)
        out = {"quality": quality(snap)}
        for cut in o.cuts:
            out[f"quality_by_{cut}"] = quality(snap, cut)
        out["ageing"] = ageing(snap)
        out["loan_classes"] = classes_from_ageing(out["ageing"])
        out["concentration"] = pd.concat([concentration(snap, by, o.top) for by in CONCENTRATION], ignore_index=True)
        out["collection"] = self.collection_rates(o.year_of(as_of))
        out["vintage"] = self.vintage(as_of, max_mob=o.max_mob)
        out["roll_rates"] = self.roll_rates(as_of, months=o.roll_months)
        return out


CONCENTRATION = ("work_type", "province")
"""The dimensions of the concentration table of a book's metric set."""


@dataclass(frozen=True)
class MetricOptions:
    """The options of a loan book's metric set and their defaults (``Book.metrics``, ``LargeBook.metrics``).

    The set's keys: ``quality`` and ``quality_by_<cut>`` for each of ``cuts`` (:func:`quality`:
    PAR30, PAR90, NPL, arrears rate…), ``ageing`` and ``loan_classes`` (buckets and Thai classes),
    ``concentration`` (HHI by :data:`CONCENTRATION`, ``top``-n share), ``collection`` (per
    quarter of ``fiscal_year``, default the fiscal year of the as-of date), ``vintage``
    (``max_mob`` months) and ``roll_rates`` (pooled over ``roll_months`` month ends).
    """

    fiscal_year: int | None = None
    roll_months: int = 12
    max_mob: int | None = 36
    cuts: Sequence[str] = CUTS
    top: int = 3

    def year_of(self, as_of: pd.Timestamp) -> int:
        """The fiscal year of the collection rates: ``fiscal_year``, else the one ``as_of`` falls in."""
        return thai.fiscal_year(as_of) if self.fiscal_year is None else int(self.fiscal_year)


# ---------------------------------------------------------------- checks on loan data


def loan_data(dataset: Dataset) -> Iterator[Problem]:
    """Payments dated before their loan's contract; loans outside the loan terms (amount, term, grace).

    Unknown ``payments.loan_id`` is checked by the core reference check and a principal ≤ 0 by
    the contract's lower bound on ``loans.principal``.
    """
    loans, payments, terms = (dataset.tables.get(n) for n in ("loans", "payments", "loan_terms"))
    if loans is None or loans.empty:
        return
    if payments is not None and not payments.empty:
        contract = payments["loan_id"].map(loans.drop_duplicates("loan_id").set_index("loan_id")["contract_date"])
        early = pd.to_datetime(payments["paid_date"]) < pd.to_datetime(contract)
        for row in payments.index[early.fillna(False).to_numpy(dtype=bool)]:
            paid = thai.format_date(payments.at[row, "paid_date"])
            signed = thai.format_date(contract.loc[row])
            yield checks.located(dataset, "error", "payment_before_contract", "payments", row, "paid_date", paid,
                                 paid=paid, loan=payments.at[row, "loan_id"], signed=signed)
    if terms is None or terms.empty:
        return
    # every loan against the bands of its borrower type (a cross join on a 4-row table, no loop over loans)
    own = loans[["borrower_type", "principal", "term_months"]].assign(
        grace=loans["grace_installments"] if "grace_installments" in loans else pd.NA, _row=loans.index)
    max_grace = terms["grace_installments"] if "grace_installments" in terms else pd.NA
    bands = terms[["borrower_type", "min_amount", "max_amount", "term_months"]].assign(max_grace=max_grace)
    pairs = own.merge(bands.rename(columns={"term_months": "allowed"}), on="borrower_type", how="inner")
    pairs = pairs[(pairs["min_amount"] <= pairs["principal"]) & (pairs["principal"] <= pairs["max_amount"])]
    fitted = pairs.groupby("_row").agg(allowed=("allowed", "max"), max_grace=("max_grace", "max"))
    top = terms.groupby("borrower_type")["max_amount"].max()
    known = own["borrower_type"].notna() & own["principal"].notna()
    for row, loan in own[known & ~own["_row"].isin(fitted.index)].iterrows():
        kind, amount = loan["borrower_type"], loan["principal"]
        yield checks.located(dataset, "error", "principal_outside_terms", "loans", row, "principal", f"{amount:,.2f}",
                             amount=amount, kind=kind, limit=top.get(kind, float("nan")))
    checked = own.join(fitted, how="inner")
    for row, loan in checked[checked["term_months"] > checked["allowed"]].iterrows():
        term = int(loan["term_months"])
        yield checks.located(dataset, "error", "term_outside_terms", "loans", row, "term_months", str(term),
                             term=term, kind=loan["borrower_type"], amount=loan["principal"],
                             allowed=int(loan["allowed"]))
    grace = pd.to_numeric(checked["grace"], errors="coerce")
    too_long = (grace > pd.to_numeric(checked["max_grace"], errors="coerce")).fillna(False)
    for row, loan in checked[too_long].iterrows():
        given = int(loan["grace"])
        yield checks.located(dataset, "error", "grace_outside_terms", "loans", row, "grace_installments", str(given),
                             grace=given, allowed=int(loan["max_grace"]))
    rounds = dataset.tables.get("relief_rounds")
    if "relief_fiscal_year" in loans:
        known_rounds = set() if rounds is None else set(rounds["fiscal_year"].dropna().astype(int))
        for row, fy in loans["relief_fiscal_year"].dropna().items():
            if int(fy) not in known_rounds:
                yield checks.located(dataset, "error", "unknown_relief_round", "loans", row, "relief_fiscal_year",
                                     str(int(fy)), fiscal_year=int(fy))
