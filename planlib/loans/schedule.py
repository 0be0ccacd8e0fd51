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
  or ``equal_principal`` (principal B ÷ m each instalment, interest on top). Default ``annuity``.
* **Relief rounds** (seed 000 §2.4, L199–212): the round's rate (0%) applies to instalments
  1…*k*; *k* = ``installments`` (12), plus ``extra_installments_if_on_time`` (12 more, 24 in
  all) when the first 12 were paid in full and on time (the FY2567 rule, L210–212).
* **Rounding**: amounts are carried in whole satang; the last instalment repays whatever
  principal is left, so Σ principal = the loan exactly and Σ payment = Σ principal + Σ interest
  to the satang.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

METHODS = ("annuity", "equal_principal")
DEFAULT_METHOD = "annuity"
"""The source does not state the Fund's method; annuity is the default, ``method=`` changes it."""

_COLUMNS = ["loan_id", "installment", "due_date", "annual_rate", "opening", "principal", "interest", "payment", "closing"]


# ---------------------------------------------------------------- dates


def add_months(dates: np.ndarray | pd.Series, months: np.ndarray | int) -> np.ndarray:
    """``dates`` + ``months`` calendar months, the day clipped to the month's end (31 Jan + 1 → 28/29 Feb).

    Vectorised with numpy (no per-date Python); returns ``datetime64[D]``.
    """
    days = np.asarray(pd.to_datetime(pd.Series(dates)).to_numpy(), dtype="datetime64[D]")
    month_start = days.astype("datetime64[M]")
    day_of_month = (days - month_start.astype("datetime64[D]")).astype(np.int64)
    target = month_start + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1).astype("timedelta64[D]")


def _round_half_up(satang: np.ndarray) -> np.ndarray:
    return np.floor(satang + 0.5).astype(np.int64)


# ---------------------------------------------------------------- relief rounds


def relief_installments(relief_round: Mapping[str, object] | pd.Series, first_installments_on_time: bool = False) -> int:
    """Instalments at the relief rate: ``installments``, plus ``extra_installments_if_on_time``
    when the first ``installments`` were paid in full and on time.

    Homeworkers Fund FY2567 (seed 000 L210–212): 0% for instalments 1–12, extended by 12 more
    (24 in all) if the first 12 are paid on time; FY2565/2566 rounds: 12, no extension.
    """
    base = int(relief_round["installments"])  # type: ignore[call-overload]
    extra = relief_round.get("extra_installments_if_on_time")
    extra = 0 if extra is None or pd.isna(extra) else int(extra)  # type: ignore[call-overload]
    return base + (extra if first_installments_on_time else 0)


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
        raise ValueError(f"method must be one of {METHODS}, got {method!r} / วิธีผ่อนชำระต้องเป็น {METHODS}")
    n_loans = len(loans)
    if n_loans == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in _COLUMNS})
    term = loans["term_months"].to_numpy(dtype=np.int64)
    grace = (loans["grace_installments"].fillna(0).to_numpy(dtype=np.int64) if "grace_installments" in loans
             else np.zeros(n_loans, dtype=np.int64))  # fmt: skip
    grace = np.minimum(grace, term - 1)
    rate = loans["annual_rate"].to_numpy(dtype=np.float64)
    relief_n = _aligned(relief_installments, loans, 0).astype(np.int64)
    relief_r = _aligned(relief_rate, loans, np.nan)
    relief_n = np.where(np.isnan(relief_r), 0, relief_n)
    anchor, shift = _due_anchor(loans)
    balance = _round_half_up(loans["principal"].to_numpy(dtype=np.float64) * 100)
    ids = loans["loan_id"].to_numpy()
    if not pd.Index(ids).is_unique:  # duplicated ids: a stable (loan_id, installment) sort interleaves them
        return _sorted_rows(ids, term, grace, rate, relief_n, relief_r, anchor, shift, balance, method)
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
        r, opening, interest, principal, balance, level, previous_rate = _step(k, term, grace, rate, relief_n, relief_r, balance,
                                                                              level, previous_rate, method)  # fmt: skip
        at = start[live] + (k - 1)
        cols["annual_rate"][at], cols["opening"][at], cols["principal"][at] = r[live], opening[live], principal[live]
        cols["interest"][at], cols["closing"][at] = interest[live], balance[live]
    first = np.repeat(starts, lengths[order])
    installment = np.arange(total, dtype=np.int64) - first + 1
    out = pd.DataFrame({
        "loan_id": np.repeat(ids[order], lengths[order]), "installment": installment,
        "due_date": add_months(np.repeat(anchor[order], lengths[order]), np.repeat(shift[order], lengths[order]) + installment - 1),
        **cols,
    })  # fmt: skip
    return _finish(out)


def _step(k, term, grace, rate, relief_n, relief_r, opening, level, previous_rate, method):  # type: ignore[no-untyped-def]
    """Instalment ``k`` of every loan: (rate, opening, interest, principal, closing, level, previous rate), satang (module docstring)."""
    r = np.where(k <= relief_n, relief_r, rate)
    interest = _round_half_up(opening * r / 1200.0)
    left = term - k + 1  # instalments left including this one
    in_grace = k <= grace
    live = k <= term
    if method == "equal_principal":
        principal = _round_half_up(opening / np.maximum(left, 1))
    else:
        reset = (k == grace + 1) | (r != previous_rate)
        i = r / 1200.0
        with np.errstate(divide="ignore", invalid="ignore"):
            annuity = np.where(i > 0, opening * i / (1 - (1 + i) ** (-left.astype(np.float64))), opening / np.maximum(left, 1))
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


def _sorted_rows(ids, term, grace, rate, relief_n, relief_r, anchor, shift, balance, method):  # type: ignore[no-untyped-def]
    """:func:`schedules` for loan ids that repeat: rows per instalment, then a stable (loan_id, installment) sort."""
    level, previous_rate = np.zeros(len(ids)), np.full(len(ids), np.nan)
    parts: list[dict[str, np.ndarray]] = []
    for k in range(1, int(term.max()) + 1):
        live = k <= term
        r, opening, interest, principal, balance, level, previous_rate = _step(k, term, grace, rate, relief_n, relief_r, balance,
                                                                              level, previous_rate, method)  # fmt: skip
        parts.append({
            "loan_id": ids[live], "installment": np.full(live.sum(), k), "due_date": add_months(anchor[live], shift[live] + k - 1),
            "annual_rate": r[live], "opening": opening[live], "principal": principal[live],
            "interest": interest[live], "closing": balance[live],
        })  # fmt: skip
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
        raise ValueError("a loan needs first_due_date or contract_date / ต้องมีวันครบกำหนดงวดแรกหรือวันทำสัญญา")
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
        "loan_id": ["loan"], "principal": [float(principal)], "term_months": [int(term_months)],
        "annual_rate": [float(annual_rate)], "grace_installments": [int(grace_installments)],
        "first_due_date": [pd.Timestamp(first_due_date) if first_due_date is not None else pd.NaT],
        "contract_date": [pd.Timestamp(contract_date) if contract_date is not None else pd.Timestamp("2024-01-01")],
    })  # fmt: skip
    return schedules(loan, method=method, relief_rate=relief_rate, relief_installments=relief_installments).drop(columns="loan_id")


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
    out["relief_installments"] = _aligned(relief_installments if isinstance(relief_installments, pd.Series) else int(relief_installments),
                                          base, 0).astype(int)  # fmt: skip
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
        rows.append([int(fy), len(cohort), cohort["principal"].sum(), table["interest_normal"].sum(),  # type: ignore[call-overload]
                     table["interest_relief"].sum(), table["interest_forgone"].sum()])  # fmt: skip
    return pd.DataFrame(rows, columns=cols).round(2)


def default_interest(overdue_amount: float | pd.Series, days_overdue: float | pd.Series, default_rate: float = 2.0) -> float | pd.Series:
    """Default (penalty) interest on an overdue amount: overdue × default_rate ÷ 100 × days ÷ 365.

    Homeworkers Fund: "กรณีผู้กู้ผิดนัดชำระหนี้คิดอัตราดอกเบี้ย ร้อยละ 2 ต่อปี" (L155). The
    source does not say whether 2% is charged on top of the 3% or instead of it; this function
    computes the *surcharge* reading (the schedule's 3% keeps accruing). For the replacement
    reading pass ``default_rate = 2 − 3`` (a negative adjustment), and say so in the report.
    Simple interest, actual days ÷ 365, rounded to the satang.
    """
    value = overdue_amount * default_rate / 100 * days_overdue / 365
    if isinstance(value, pd.Series):
        return value.round(2)
    return round(float(value), 2)
