"""AHP (Saaty's eigenvector method): weights, λmax, CI/CR, located errors for bad judgements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import planlib
from planlib.plans import ahp

SAATY = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])


def test_saaty_three_by_three() -> None:
    """Classic example: w ≈ (0.637, 0.258, 0.105), λmax ≈ 3.039, CI ≈ 0.019, CR = CI / 0.58 ≈ 0.033."""
    result = ahp.ahp(SAATY, ["a", "b", "c"])
    assert result.weights.round(3).tolist() == [0.637, 0.258, 0.105]
    assert result.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert result.consistency_index == pytest.approx((result.lambda_max - 3) / 2)
    assert result.random_index == 0.58
    assert result.consistency_ratio == pytest.approx(0.0332, abs=1e-4)
    assert result.consistent and not list(ahp.consistency_problems(result))
    assert "Saaty" in result.method_text[1]
    # A w = λ w
    assert np.allclose(SAATY @ result.weights.to_numpy(), result.lambda_max * result.weights.to_numpy())


def test_consistent_matrix_recovers_the_weights() -> None:
    w = np.array([0.5, 0.25, 0.15, 0.1])
    result = ahp.ahp(np.outer(w, 1 / w), list("abcd"))
    assert np.allclose(result.weights, w) and result.lambda_max == pytest.approx(4)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-9)
    geo = ahp.ahp(np.outer(w, 1 / w), list("abcd"), method="geometric_mean")
    assert np.allclose(geo.weights, w)


def test_inconsistent_judgements_are_flagged() -> None:
    """a ≻ b 9×, b ≻ c 9×, yet c ≻ a 9×: circular, CR far above 0.10."""
    cyclic = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    result = ahp.ahp(cyclic, ["a", "b", "c"])
    assert result.consistency_ratio > 0.10 and not result.consistent
    (warning,) = ahp.consistency_problems(result)
    assert warning.severity == "warning" and warning.code == "inconsistent" and "CR =" in warning.reason_en
    assert "ไม่สอดคล้อง" in result.summary()["value"].iloc[-1]


def test_judgement_rows_fill_the_reciprocal_matrix() -> None:
    rows = pd.DataFrame({"code_a": ["a", "a", "b"], "code_b": ["b", "c", "c"], "value": [3, "5", "3"]})
    result = ahp.ahp(rows)
    assert result.matrix.loc["b", "a"] == pytest.approx(1 / 3) and result.matrix.loc["c", "b"] == pytest.approx(1 / 3)
    assert result.weights.round(3).tolist() == [0.637, 0.258, 0.105]
    fractions = pd.DataFrame({"code_a": ["b", "c", "c"], "code_b": ["a", "a", "b"], "value": ["1/3", "1/5", "1/3"]})
    assert np.allclose(ahp.ahp(fractions, ["a", "b", "c"]).weights, result.weights)


def test_bad_judgements_get_located_errors() -> None:
    rows = pd.DataFrame(
        {"code_a": ["a", "a", "x", "a"], "code_b": ["b", "b", "c", "c"], "value": [3, 2, 3, 0]},
        index=pd.Index([2, 3, 4, 5], name="row"),
    )
    with pytest.raises(planlib.DataError) as err:
        ahp.pairwise_matrix(rows, ["a", "b", "c"])
    found = {(p.row, p.column, p.code) for p in err.value.problems}
    assert found == {
        (3, "code_b", "duplicate_pair"),
        (4, "code_a", "unknown_code_criterion"),
        (5, "value", "bad_value_judgement"),
        (None, "code_a,code_b", "required_pairs"),
    }
    reasons = {p.code: p.reason_en for p in err.value.problems}
    assert reasons["unknown_code_criterion"] == "unknown criterion 'x' (criteria: a, b, c)"
    assert reasons["required_pairs"] == "2 pair(s) not compared: a/c, b/c"  # a/c was judged 0, refused
    with pytest.raises(planlib.DataError, match="reciprocal"):
        ahp.ahp(np.array([[1, 2], [2, 1]]), ["a", "b"])
