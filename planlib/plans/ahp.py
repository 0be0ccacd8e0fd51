"""Weights from judgement: the Analytic Hierarchy Process (AHP), eigenvector method.

An analyst compares criteria two at a time on Saaty's 1–9 scale ("a is 3 times as important as
b"). The judgements fill a positive reciprocal matrix A (a_ij = 1 / a_ji, a_ii = 1). The method
used here is **Saaty's principal right eigenvector** (Saaty 1977, *J. Math. Psych.* 15:234–281;
Saaty 1980, *The Analytic Hierarchy Process*):

* weights w solve A w = λ_max w, normalised so Σ w = 1 (λ_max = the Perron root);
* consistency index CI = (λ_max − n) / (n − 1);
* consistency ratio CR = CI / RI(n), RI = Saaty's random index (:data:`RANDOM_INDEX`);
  CR > 0.10 means the judgements are too inconsistent to use as they are (Saaty's rule,
  see ``shared/research/anchors.md`` §3) and is flagged, never hidden.

:func:`geometric_mean_weights` (row geometric means, Crawford & Williams 1985) is offered
for comparison because tools differ on this (pyDecision#15); reports name the method used.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planlib.inputs.problems import DataError, Problem, Problems

RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
                11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}  # fmt: skip
"""Saaty's random consistency index RI(n) (Saaty 1980, Table 1; 11–15 from Saaty 2000)."""

CR_LIMIT = 0.10
"""Saaty's acceptable consistency ratio."""

METHODS = {
    "eigenvector": ("เวกเตอร์ลักษณะเฉพาะหลัก (Saaty 1980)", "principal right eigenvector (Saaty 1980)"),
    "geometric_mean": ("ค่าเฉลี่ยเรขาคณิตรายแถว (Crawford & Williams 1985)", "row geometric mean (Crawford & Williams 1985)"),
}


@dataclass(frozen=True)
class AHPResult:
    """AHP weights with Saaty's consistency measures and the method that produced them."""

    weights: pd.Series
    matrix: pd.DataFrame
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    method: str = "eigenvector"

    @property
    def consistent(self) -> bool:
        """CR ≤ 0.10 (always true for 1 or 2 criteria, and NaN CR beyond n = 15 counts as unknown → False)."""
        return bool(self.consistency_ratio <= CR_LIMIT)

    @property
    def method_text(self) -> tuple[str, str]:
        return METHODS[self.method]

    def summary(self) -> pd.DataFrame:
        """λmax, CI, RI, CR and the verdict as a two-column table (Thai/English labels)."""
        verdict = ("สอดคล้องพอใช้ได้ (CR ≤ 0.10)", "consistent enough (CR ≤ 0.10)") if self.consistent else \
                  ("ไม่สอดคล้อง (CR > 0.10) ควรทบทวนการเปรียบเทียบ", "inconsistent (CR > 0.10): revise the judgements")  # fmt: skip
        return pd.DataFrame({"ค่า / measure": ["วิธี / method", "λmax", "CI", "RI", "CR", "ผล / verdict"],
                             "value": [" / ".join(self.method_text), f"{self.lambda_max:.4f}", f"{self.consistency_index:.4f}",
                                       f"{self.random_index:.2f}", f"{self.consistency_ratio:.4f}", " / ".join(verdict)]})  # fmt: skip


def pairwise_matrix(pairwise: pd.DataFrame, codes: Sequence[str], *, table: str = "pairwise") -> pd.DataFrame:
    """The reciprocal matrix from judgement rows (``code_a``, ``code_b``, ``value``).

    ``value`` = how many times a is as important as b (Saaty 1–9, or 1/9–1 the other way; a
    fraction such as ``1/3`` is read). a_ab = value, a_ba = 1/value, a_aa = 1. Every pair must
    be judged exactly once. Raises :class:`DataError` with one located problem per bad row
    (unknown code, value not > 0, outside 1/9–9, pair judged twice) and one for the pairs missing.
    """
    codes = [str(c) for c in codes]
    pos = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    problems = Problems()

    def bad(row: object, column: str, value: object, en: str, th: str, code: str) -> None:
        problems.add(Problem("error", table, en, th, row=None if row is None else int(row), column=column,  # type: ignore[call-overload]
                             value=str(value), code=code))  # fmt: skip

    for row, rec in pairwise.iterrows():
        first, second, raw = str(rec["code_a"]), str(rec["code_b"]), rec["value"]
        unknown = [c for c in (first, second) if c not in pos]
        if unknown:
            bad(row, "code_a" if first in unknown else "code_b", unknown[0], f"unknown criterion {unknown[0]!r} (known: {', '.join(codes)})",
                f"ไม่รู้จักเกณฑ์ {unknown[0]!r}", "unknown_code")  # fmt: skip
            continue
        if first == second:
            bad(row, "code_b", second, "a criterion compared with itself", "เปรียบเทียบเกณฑ์กับตัวเอง", "bad_value")
            continue
        value = _number(raw)
        if not value > 0 or not 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
            bad(row, "value", raw, f"{first} vs {second}: judgement must be a number from 1/9 to 9 (Saaty's scale)",
                f"{first} เทียบ {second}: ค่าต้องอยู่ระหว่าง 1/9 ถึง 9 (มาตรา Saaty)", "bad_value")  # fmt: skip
            continue
        i, j = pos[first], pos[second]
        if not np.isnan(a[i, j]):
            bad(row, "code_b", f"{first}/{second}", f"pair {first}/{second} judged twice", f"คู่ {first}/{second} ถูกเปรียบเทียบซ้ำ", "duplicate")
            continue
        a[i, j], a[j, i] = value, 1.0 / value
    missing = [f"{codes[i]}/{codes[j]}" for i in range(n) for j in range(i + 1, n) if np.isnan(a[i, j])]
    if missing:
        bad(None, "code_a,code_b", ", ".join(missing[:20]), f"{len(missing)} pair(s) not compared: {', '.join(missing[:20])}",
            f"ยังไม่ได้เปรียบเทียบ {len(missing)} คู่: {', '.join(missing[:20])}", "required")  # fmt: skip
    if problems:
        raise DataError(problems, "the AHP pairwise comparisons")
    return pd.DataFrame(a, index=codes, columns=codes)


def _number(raw: object) -> float:
    if isinstance(raw, str):
        text = raw.strip()
        if "/" in text:
            num, _, den = text.partition("/")
            try:
                return float(num) / float(den)
            except (ValueError, ZeroDivisionError):
                return float("nan")
        try:
            from planlib.inputs import thai

            return float(thai.parse_number(text))  # type: ignore[arg-type]
        except (TypeError, ValueError, thai.ThaiValueError):
            return float("nan")
    try:
        return float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def eigenvector_weights(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """(w, λ_max): principal right eigenvector of a positive reciprocal matrix, Σ w = 1 (Saaty 1980).

    By Perron–Frobenius the largest eigenvalue is real and its eigenvector positive.
    """
    values, vectors = np.linalg.eig(np.asarray(matrix, float))
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return vector / vector.sum(), float(values[k].real)


def geometric_mean_weights(matrix: np.ndarray) -> np.ndarray:
    """w_i ∝ (Π_j a_ij)^(1/n), Σ w = 1 (row geometric mean; Crawford & Williams 1985)."""
    gm = np.exp(np.log(np.asarray(matrix, float)).mean(axis=1))
    return gm / gm.sum()


def consistency(matrix: np.ndarray, lambda_max: float) -> tuple[float, float, float]:
    """(CI, RI, CR): CI = (λ_max − n)/(n − 1), CR = CI / RI(n); 0 for n ≤ 2, NaN beyond n = 15."""
    n = len(matrix)
    if n <= 2:
        return 0.0, 0.0, 0.0
    ci = (lambda_max - n) / (n - 1)
    ri = RANDOM_INDEX.get(n, float("nan"))
    return ci, ri, ci / ri


def ahp(pairwise: pd.DataFrame | np.ndarray, codes: Sequence[str] | None = None, method: str = "eigenvector") -> AHPResult:
    """AHP weights from judgement rows (``code_a``, ``code_b``, ``value``) or a square matrix.

    ``method`` = ``eigenvector`` (Saaty, the default) or ``geometric_mean``; λ_max, CI and CR are
    Saaty's in both cases (for the geometric mean, λ_max is estimated as mean((A w)_i / w_i)).
    Saaty's 3×3 example [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]] gives w ≈ (0.637, 0.258, 0.105),
    λ_max ≈ 3.039, CR ≈ 0.033.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if isinstance(pairwise, pd.DataFrame) and {"code_a", "code_b", "value"} <= set(pairwise.columns):
        if codes is None:
            codes = list(dict.fromkeys([*pairwise["code_a"].astype(str), *pairwise["code_b"].astype(str)]))
        frame = pairwise_matrix(pairwise, codes)
    else:
        array = np.asarray(pairwise, float)
        labels = list(codes) if codes is not None else (list(pairwise.index) if isinstance(pairwise, pd.DataFrame) else
                                                         [str(i + 1) for i in range(len(array))])  # fmt: skip
        _check_square(array, labels)
        frame = pd.DataFrame(array, index=labels, columns=labels)
    a = frame.to_numpy(float)
    if method == "eigenvector":
        w, lam = eigenvector_weights(a)
    else:
        w = geometric_mean_weights(a)
        lam = float(np.mean((a @ w) / w))
    ci, ri, cr = consistency(a, lam)
    return AHPResult(pd.Series(w, index=frame.index, name="weight"), frame, lam, ci, ri, cr, method)


def _check_square(a: np.ndarray, labels: list[str]) -> None:
    problems = Problems()
    if a.ndim != 2 or a.shape[0] != a.shape[1] or len(labels) != a.shape[0]:
        problems.add(Problem("error", "pairwise", f"the comparison matrix must be square with one label per row, got {a.shape}",
                             f"เมทริกซ์เปรียบเทียบต้องเป็นจัตุรัส แต่ได้ {a.shape}", code="bad_shape"))  # fmt: skip
    elif not (np.all(a > 0) and np.allclose(a * a.T, 1.0, rtol=1e-6)):
        problems.add(Problem("error", "pairwise", "the comparison matrix must be positive and reciprocal (a_ij · a_ji = 1)",
                             "เมทริกซ์เปรียบเทียบต้องเป็นบวกและกลับกัน (a_ij · a_ji = 1)", code="not_reciprocal"))  # fmt: skip
    if problems:
        raise DataError(problems, "the AHP comparison matrix")


def consistency_problems(result: AHPResult, *, table: str = "pairwise") -> Iterator[Problem]:
    """A warning when CR > 0.10 (Saaty's limit), naming CR and the most inconsistent judgement.

    The most inconsistent judgement is the pair whose a_ij is furthest (in log terms) from the
    ratio w_i / w_j the weights imply.
    """
    if result.consistent:
        return
    a = result.matrix.to_numpy(float)
    w = result.weights.to_numpy(float)
    gap = np.abs(np.log(a) - np.log(np.outer(w, 1 / w)))
    i, j = np.unravel_index(int(np.argmax(np.triu(gap, 1))), gap.shape)
    codes = list(result.matrix.index)
    yield Problem("warning", table,
                  f"consistency ratio CR = {result.consistency_ratio:.3f} > {CR_LIMIT:.2f}: judgements are inconsistent; "
                  f"the most inconsistent is {codes[i]} vs {codes[j]} = {a[i, j]:.3g} (weights imply {w[i] / w[j]:.3g})",
                  f"อัตราส่วนความสอดคล้อง CR = {result.consistency_ratio:.3f} เกิน {CR_LIMIT:.2f} การเปรียบเทียบไม่สอดคล้องกัน "
                  f"คู่ที่ขัดกันมากที่สุดคือ {codes[i]} เทียบ {codes[j]} = {a[i, j]:.3g} (น้ำหนักที่ได้บ่งว่า {w[i] / w[j]:.3g})",
                  column="value", value=f"{result.consistency_ratio:.3f}", code="inconsistent")  # fmt: skip
