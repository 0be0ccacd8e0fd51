"""Repayment schedules: monthly instalments, principal grace, 0% relief rounds, default interest.

One rule set, vectorised over loans (a loop over instalment numbers, never over loans), so the
same code schedules one loan by hand or ten million for a benchmark:

* **Instalments are monthly.** The Homeworkers Fund prints terms in years and bills monthly
  (seed 000 §2.3, L148–153 and the monthly bills of L1041); instalment *k* falls due *k − 1*
  months after the first due date (default: one month after the contract date, the day clipped
  to the month's end).
* **Interest** of instalment *k* = opening balance × annual rate ÷ 12, rounded half-up to the
  satang (declining balance, 30/360 month). Rates are in per cent a year, as printed.
* **Grace** (``grace_installments`` = *g*, "พักชำระหนี้เงินต้น ไม่เกิน 4 งวด ตั้งแต่งวดที่ 1–4",
  L153): instalments 1…*g* carry interest only (a *principal* moratorium); the principal is
  repaid over instalments *g* + 1 … *n*.
* **Method** (the source does not say which the Fund uses, so it is a parameter):
  ``annuity`` (level payment, recomputed on the balance whenever the rate changes or the grace
  ends: P = B·i ÷ (1 − (1 + i)^−m), i = rate ÷ 1200, m = instalments left; P = B ÷ m when i = 0)
  or ``equal_principal`` (interest on top of a principal part of B ÷ m, where B is the balance
  *before this instalment* and m the instalments left, rounded half-up to the satang each month:
  10,000 over 12 repays 833.33 and 833.34 in turn, as the loan report's method section says; the
  textbook B ÷ n fixed once, with the last instalment absorbing the rest, gives 833.33 × 11 +
  833.37 instead). Default ``annuity``.
* **Relief rounds** (seed 000 §2.4, L199–212): the round's rate (0%) applies to instalments
  1…*k*; *k* = ``installments`` (12), plus ``extra_installments_if_on_time`` (12 more, 24 in
  all) when the first 12 were paid in full and on time (the FY2567 rule, L210–212).
* **Rounding**: amounts are carried in whole satang, every rounding half-up (x.xx5 → x.xx + 0.01);
  the last instalment repays whatever principal is left, so Σ principal = the loan exactly and
  Σ payment = Σ principal + Σ interest to the satang. :func:`default_interest` rounds the same
  way, computed exactly from the decimal amounts (no binary float in the rounding).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import pandas as pd

from planlib.inputs import messages

METHODS = ("annuity", "equal_principal")
DEFAULT_METHOD = "annuity"
"""The source does not state the Fund's method; annuity is the default, ``method=`` changes it."""

_COLUMNS = ["loan_id", "installment", "due_date", "annual_rate", "opening", "principal", "interest", "payment",
            "closing"]


# ---------------------------------------------------------------- dates


def add_months(dates: np.ndarray | pd.Series, months: np.ndarray | int) -> np.ndarray:
    """``dates`` + ``months`` calendar months, the day clipped to the month's end (31 Jan + 1 → 28/29 Feb).

    Vectorised with numpy (no per-date Python); returns ``datetime64[D]``.
    """
    days = np.asarray(pd.to_datetime(pd.Series(dates)).to_numpy(), dtype="datetime64[D]")
    month_start = days.astype("datetime64[M]")
    day_of_month = (days - month_start.astype("datetime64[D]")).astype(np.int64)
    target = month_start + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    next_month = (target + np.timedelta64(1, "M")).astype("datetime64[D]")
    length = (next_month - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1).astype("timedelta64[D]")


def _round_half_up(satang: np.ndarray) -> np.ndarray:
    """Whole satang, halves up: floor(x + 0.5)."""
    return np.floor(satang + 0.5).astype(np.int64)


def _reason(code: str, **values: object) -> str:
    """An exception text from the message catalogue: ``English / Thai``."""
    return " / ".join(messages.text(code, **values))


# ---------------------------------------------------------------- relief rounds


def relief_installments(
    relief_round: Mapping[str, object] | pd.Series, first_installments_on_time: bool = False
) -> int:
    """Instalments at the relief rate: ``installments``, plus ``extra_installments_if_on_time``
    when the first ``installments`` were paid in full and on time.

    Homeworkers Fund FY2567 (seed 000 L210–212): 0% for instalments 1–12, extended by 12 more
    (24 in all) if the first 12 are paid on time; FY2565/2566 rounds: 12, no extension.
    """
    base = int(relief_round["installments"])  # type: ignore[call-overload]
    extra = relief_round.get("extra_installments_if_on_time")
    extra = 0 if extra is None or pd.isna(extra) else int(extra)  # type: ignore[call-overload]
    return base + (extra if first_installments_on_time else 0)


def relief_terms(loans: pd.DataFrame, relief_rounds: pd.DataFrame | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each loan's relief round, from its ``relief_fiscal_year``: (rate, instalments, extra instalments if on time).

    Series aligned with ``loans``: the round's ``annual_rate`` (% a year; NaN outside any round),
    ``installments`` at that rate (0 outside) and ``extra_installments_if_on_time`` (0 when the
    round has none). The extra instalments apply only when the first ones were paid on time
    (:func:`relief_installments`; the FY2567 rule, seed 000 L210–212).
    """
    nan = pd.Series(np.nan, index=loans.index)
    zero = pd.Series(0, index=loans.index, dtype="int64")
    if relief_rounds is None or relief_rounds.empty or "relief_fiscal_year" not in loans:
        return nan, zero, zero
    years = relief_rounds["fiscal_year"].drop_duplicates().astype("int64")
    rounds = relief_rounds.drop_duplicates("fiscal_year").set_index(years)
    fy = loans["relief_fiscal_year"].astype("Float64").astype("float64")
    rate = fy.map(rounds["annual_rate"].astype("float64"))
    count = fy.map(rounds["installments"].astype("float64")).fillna(0).astype("int64")
    extra_col = rounds.get("extra_installments_if_on_time", pd.Series(0, index=rounds.index))
    extra = fy.map(extra_col.astype("Float64").astype("float64")).fillna(0).astype("int64")
    return rate, count, extra


# ---------------------------------------------------------------- the vectorised core


def schedules(
    loans: pd.DataFrame,
    *,
    method: str = DEFAULT_METHOD,
    relief_rate: pd.Series | float | None = None,
    relief_installments: pd.Series | int | None = None,
) -> pd.DataFrame:
    """Monthly schedules of many loans at once: one row per loan and instalment.

    ``loans`` needs ``loan_id``, ``principal``, ``term_months``, ``annual_rate`` and either
    ``first_due_date`` or ``contract_date``; ``grace_installments`` is optional (0). The relief
    rate (% a year) applies to instalments 1…``relief_installments`` (Series aligned with
    ``loans`` or scalars; missing = no relief). Columns: loan_id, installment, due_date,
    annual_rate, opening, principal, interest, payment, closing (THB, 2 decimals).
    Formulas: module docstring (interest = B × r ÷ 1200; annuity or equal principal; grace =
    interest only; relief rate on the first instalments).
    """
    if method not in METHODS:
        raise ValueError(_reason("schedule_method_unknown", methods=METHODS, method=method))
    n_loans = len(loans)
    if n_loans == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in _COLUMNS})
    term = loans["term_months"].to_numpy(dtype=np.int64)
    if "grace_installments" in loans:
        grace = loans["grace_installments"].fillna(0).to_numpy(dtype=np.int64)
    else:
        grace = np.zeros(n_loans, dtype=np.int64)
    grace = np.minimum(grace, term - 1)
    rate = loans["annual_rate"].to_numpy(dtype=np.float64)
    relief_n = _aligned(relief_installments, loans, 0).astype(np.int64)
    relief_r = _aligned(relief_rate, loans, np.nan)
    relief_n = np.where(np.isnan(relief_r), 0, relief_n)
    anchor, shift = _due_anchor(loans)
    balance = _round_half_up(loans["principal"].to_numpy(dtype=np.float64) * 100)
    ids = loans["loan_id"].to_numpy()
    terms = _Terms(term, grace, rate, relief_n, relief_r, method)
    if not pd.Index(ids).is_unique:  # duplicated ids: a stable (loan_id, installment) sort interleaves them
        return _sorted_rows(ids, terms, anchor, shift, balance)
    level = np.zeros(n_loans, dtype=np.float64)  # the annuity payment in force (satang)
    previous_rate = np.full(n_loans, np.nan)
    # Rows are laid out in the output order (loan_id, installment) from the start, so the whole
    # schedule is never sorted: loan i's instalment k goes to row start[i] + k - 1.
    lengths = np.maximum(term, 0)
    order = pd.Series(ids).sort_values(kind="stable").index.to_numpy()
    starts = np.concatenate([[0], np.cumsum(lengths[order])[:-1]]).astype(np.int64)
    start = np.empty(n_loans, dtype=np.int64)
    start[order] = starts
    total = int(lengths.sum())
    if total == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in _COLUMNS})
    cols = {name: np.empty(total, dtype=np.int64) for name in ("opening", "principal", "interest", "closing")}
    cols["annual_rate"] = np.empty(total, dtype=np.float64)
    for k in range(1, int(term.max()) + 1):
        live = k <= term
        r, opening, interest, principal, balance, level, previous_rate = _step(k, terms, balance, level, previous_rate)
        at = start[live] + (k - 1)
        cols["annual_rate"][at], cols["opening"][at], cols["principal"][at] = r[live], opening[live], principal[live]
        cols["interest"][at], cols["closing"][at] = interest[live], balance[live]
    first = np.repeat(starts, lengths[order])
    installment = np.arange(total, dtype=np.int64) - first + 1
    anchors = np.repeat(anchor[order], lengths[order])
    months = np.repeat(shift[order], lengths[order]) + installment - 1
    out = pd.DataFrame({
        "loan_id": np.repeat(ids[order], lengths[order]),
        "installment": installment,
        "due_date": add_months(anchors, months),
        **cols,
    })
    return _finish(out)


class _Terms(NamedTuple):
    """Per-loan arrays that stay fixed while the instalments are stepped through."""

    term: np.ndarray
    grace: np.ndarray
    rate: np.ndarray
    relief_n: np.ndarray
    relief_r: np.ndarray
    method: str


def _step(
    k: int, terms: _Terms, opening: np.ndarray, level: np.ndarray, previous_rate: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Instalment ``k`` of every loan: (rate, opening, interest, principal, closing, level, previous rate) in satang.

    Formulas in the module docstring: interest = B × r ÷ 1200 half-up; equal principal = B ÷ m
    half-up (B the balance before this instalment, m the instalments left); annuity = the level
    payment in force − interest; grace instalments repay nothing; the last repays what is left.
    """
    term, grace = terms.term, terms.grace
    r = np.where(k <= terms.relief_n, terms.relief_r, terms.rate)
    interest = _round_half_up(opening * r / 1200.0)
    left = term - k + 1  # instalments left including this one
    in_grace = k <= grace
    live = k <= term
    if terms.method == "equal_principal":
        principal = _round_half_up(opening / np.maximum(left, 1))
    else:
        reset = (k == grace + 1) | (r != previous_rate)
        i = r / 1200.0
        with np.errstate(divide="ignore", invalid="ignore"):
            level_now = opening * i / (1 - (1 + i) ** (-left.astype(np.float64)))
            annuity = np.where(i > 0, level_now, opening / np.maximum(left, 1))
        level = np.where(reset & ~in_grace & live, annuity, level)
        principal = _round_half_up(np.nan_to_num(level)) - interest
    principal = np.where(in_grace, 0, np.clip(principal, 0, opening))
    principal = np.where(k == term, opening, principal)
    return r, opening, interest, principal, opening - principal, level, np.where(in_grace, np.nan, r)


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    """Amounts from satang to baht, payment = principal + interest, the public column order."""
    for col in ("opening", "principal", "interest", "closing"):
        out[col] = out[col].astype(np.int64)
    out["payment"] = out["principal"] + out["interest"]
    for col in ("opening", "principal", "interest", "payment", "closing"):
        out[col] = out[col] / 100.0
    out["due_date"] = out["due_date"].astype("datetime64[us]")
    return out[_COLUMNS]


def _sorted_rows(
    ids: np.ndarray, terms: _Terms, anchor: np.ndarray, shift: np.ndarray, balance: np.ndarray
) -> pd.DataFrame:
    """:func:`schedules` for loan ids that repeat: rows per instalment, then a stable (loan_id, installment) sort."""
    level, previous_rate = np.zeros(len(ids)), np.full(len(ids), np.nan)
    parts: list[dict[str, np.ndarray]] = []
    for k in range(1, int(terms.term.max()) + 1):
        live = k <= terms.term
        r, opening, interest, principal, balance, level, previous_rate = _step(k, terms, balance, level, previous_rate)
        parts.append({
            "loan_id": ids[live],
            "installment": np.full(live.sum(), k),
            "due_date": add_months(anchor[live], shift[live] + k - 1),
            "annual_rate": r[live],
            "opening": opening[live],
            "principal": principal[live],
            "interest": interest[live],
            "closing": balance[live],
        })
    out = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in parts[0]})
    return _finish(out.sort_values(["loan_id", "installment"], kind="stable").reset_index(drop=True))


def _aligned(value: pd.Series | float | int | None, loans: pd.DataFrame, default: float) -> np.ndarray:
    if value is None:
        return np.full(len(loans), default, dtype=np.float64)
    if isinstance(value, pd.Series):
        return pd.to_numeric(value.reindex(loans.index), errors="coerce").fillna(default).to_numpy(dtype=np.float64)
    return np.full(len(loans), float(value), dtype=np.float64)


def _due_anchor(loans: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(anchor date, months to add for instalment 1): first_due_date + 0, else contract_date + 1."""
    nat = pd.Series(pd.NaT, index=loans.index, dtype="datetime64[us]")
    first = pd.to_datetime(loans["first_due_date"]) if "first_due_date" in loans else nat
    contract = pd.to_datetime(loans["contract_date"]) if "contract_date" in loans else nat
    if (first.isna() & contract.isna()).any():
        raise ValueError(_reason("schedule_no_due_anchor"))
    anchor = first.fillna(contract).to_numpy(dtype="datetime64[D]")
    return anchor, np.where(first.isna().to_numpy(), 1, 0).astype(np.int64)


# ---------------------------------------------------------------- one loan


def repayment_schedule(
    principal: float,
    annual_rate: float,
    term_months: int,
    *,
    method: str = DEFAULT_METHOD,
    grace_installments: int = 0,
    first_due_date: str | pd.Timestamp | None = None,
    contract_date: str | pd.Timestamp | None = None,
    relief_rate: float | None = None,
    relief_installments: int = 0,
) -> pd.DataFrame:
    """The schedule of one loan (see :func:`schedules` and the module docstring for the rules).

    >>> s = repayment_schedule(12_000, 3, 12, method="equal_principal")
    >>> float(s.interest.sum())   # 12,000 × 0.25% × (12 + 11 + … + 1) / 12
    195.0
    """
    loan = pd.DataFrame({
        "loan_id": ["loan"],
        "principal": [float(principal)],
        "term_months": [int(term_months)],
        "annual_rate": [float(annual_rate)],
        "grace_installments": [int(grace_installments)],
        "first_due_date": [pd.Timestamp(first_due_date) if first_due_date is not None else pd.NaT],
        "contract_date": [pd.Timestamp(contract_date) if contract_date is not None else pd.Timestamp("2024-01-01")],
    })
    rows = schedules(loan, method=method, relief_rate=relief_rate, relief_installments=relief_installments)
    return rows.drop(columns="loan_id")


# ---------------------------------------------------------------- relief what-if and default interest


def interest_forgone(
    loans: pd.DataFrame,
    *,
    relief_rate: float = 0.0,
    relief_installments: pd.Series | int = 12,
    normal_rate: float | None = None,
    method: str = DEFAULT_METHOD,
) -> pd.DataFrame:
    """What-if: interest a relief round gives up, per loan, against the normal rate.

    For each loan: interest over the whole schedule at the normal rate (``normal_rate`` or the
    loan's ``annual_rate``, 3% at the Homeworkers Fund, L155) minus interest with
    ``relief_rate`` on the first ``relief_installments`` (12, or 24 under the FY2567 on-time
    rule, L210–212). Columns: loan_id, principal, relief_installments, interest_normal,
    interest_relief, interest_forgone. Sum the last column for a cohort (see
    :func:`cohort_interest_forgone`).
    """
    base = loans.copy()
    if normal_rate is not None:
        base["annual_rate"] = float(normal_rate)
    normal = schedules(base, method=method).groupby("loan_id", sort=False)["interest"].sum()
    relief = schedules(base, method=method, relief_rate=relief_rate, relief_installments=relief_installments)
    relieved = relief.groupby("loan_id", sort=False)["interest"].sum()
    out = pd.DataFrame({"loan_id": base["loan_id"].to_numpy(), "principal": base["principal"].to_numpy()})
    count = relief_installments if isinstance(relief_installments, pd.Series) else int(relief_installments)
    out["relief_installments"] = _aligned(count, base, 0).astype(int)
    out["interest_normal"] = out["loan_id"].map(normal).to_numpy()
    out["interest_relief"] = out["loan_id"].map(relieved).to_numpy()
    out["interest_forgone"] = (out["interest_normal"] - out["interest_relief"]).round(2)
    return out


def cohort_interest_forgone(
    loans: pd.DataFrame,
    relief_rounds: pd.DataFrame,
    *,
    on_time: pd.Series | bool = True,
    method: str = DEFAULT_METHOD,
) -> pd.DataFrame:
    """Interest forgone by each relief round's cohort (loans with ``relief_fiscal_year``).

    ``on_time`` says whether each loan paid its first ``installments`` on time (a boolean Series
    aligned with ``loans``, or one value for all): only then does the FY2567 extension apply.
    One row per round: fiscal_year, loans, principal, interest_normal (at the loan's
    ``annual_rate``), interest_relief, interest_forgone (THB). Formula: Σ over the cohort of
    :func:`interest_forgone`.
    """
    cols = ["fiscal_year", "loans", "principal", "interest_normal", "interest_relief", "interest_forgone"]
    if "relief_fiscal_year" not in loans or relief_rounds is None or relief_rounds.empty:
        return pd.DataFrame(columns=cols)
    rounds = relief_rounds.set_index(relief_rounds["fiscal_year"].astype(int))
    flags = on_time if isinstance(on_time, pd.Series) else pd.Series(bool(on_time), index=loans.index)
    rows = []
    for fy, cohort in loans[loans["relief_fiscal_year"].notna()].groupby(loans["relief_fiscal_year"].astype("Int64")):
        if int(fy) not in rounds.index:  # type: ignore[call-overload]
            continue
        rr = rounds.loc[int(fy)]  # type: ignore[call-overload]
        n = flags.reindex(cohort.index).fillna(False).map(lambda ok, rr=rr: relief_installments(rr, bool(ok)))
        table = interest_forgone(cohort, relief_rate=float(rr["annual_rate"]), relief_installments=n, method=method)
        sums = [table[c].sum() for c in ("interest_normal", "interest_relief", "interest_forgone")]
        rows.append([int(fy), len(cohort), cohort["principal"].sum(), *sums])  # type: ignore[call-overload]
    return pd.DataFrame(rows, columns=cols).round(2)


def default_interest(
    overdue_amount: float | pd.Series, days_overdue: float | pd.Series, default_rate: float = 2.0
) -> float | pd.Series:
    """Default (penalty) interest on an overdue amount: overdue × default_rate ÷ 100 × days ÷ 365, to the satang.

    Homeworkers Fund: "กรณีผู้กู้ผิดนัดชำระหนี้คิดอัตราดอกเบี้ย ร้อยละ 2 ต่อปี" (L155). The
    source does not say whether 2% is charged on top of the 3% or instead of it; this function
    computes the *surcharge* reading (the schedule's 3% keeps accruing). For the replacement
    reading pass ``default_rate = 2 − 3`` (a negative adjustment), and say so in the report.

    Simple interest, actual days ÷ 365, rounded half-up to whole satang like every amount of
    this module. The product is computed exactly from the decimal values as written
    (:class:`fractions.Fraction` of each number's shortest decimal form), so an exact half
    satang always rounds up: 273.75 THB for 1 day at 2% = 0.015 → 0.02, 821.25 → 0.045 → 0.05
    (Python's ``round`` on the float product sends about half of such cases down). A negative
    amount rounds the same way in size (half away from zero). NaN where an input is missing;
    Series inputs align by index as in pandas arithmetic.
    """
    if isinstance(overdue_amount, pd.Series) or isinstance(days_overdue, pd.Series):
        pairs = pd.DataFrame({"amount": overdue_amount, "days": days_overdue})
        values = [
            np.nan if pd.isna(a) or pd.isna(d) else _default_satang(a, d, default_rate) / 100
            for a, d in zip(pairs["amount"].tolist(), pairs["days"].tolist())
        ]
        return pd.Series(values, index=pairs.index, dtype="float64")
    return _default_satang(overdue_amount, days_overdue, default_rate) / 100


def _exact(value: object) -> Fraction:
    """The exact rational value of a number as written (a float by its shortest decimal form: 0.1 → 1/10)."""
    if isinstance(value, int | Decimal | Fraction):
        return Fraction(value)
    return Fraction(repr(float(value)))  # type: ignore[arg-type]


def _default_satang(amount: object, days: object, rate: object) -> int:
    """amount (THB) × rate ÷ 100 × days ÷ 365 in whole satang, half away from zero (half-up for positive amounts)."""
    satang = _exact(amount) * _exact(rate) * _exact(days) / 365  # × 100 satang ÷ 100 per cent
    rounded = math.floor(abs(satang) + Fraction(1, 2))
    return rounded if satang >= 0 else -rounded
