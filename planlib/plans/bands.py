"""Rubric bands, code order and printed-figure marks shared by the priority and value-for-money rules.

A plan's ``bands`` table holds printed rubrics: ranges of a score with a label, one rubric per
``scheme`` (``total`` for the weighted totals of :mod:`planlib.plans.priority`, ``bc_ratio`` for
the ΣB/ΣC ratio of :mod:`planlib.plans.value_for_money`). Both modules read the bands and place a
value in them the same way, list projects in the natural order of their codes and mark a printed
figure that agrees with the computed one the same way; the rules live here, once.

* hwfund (seed 000 L904–908): totals 28–30 → ความเร่งด่วนระดับ 1 … 16–18 → ระดับ 5;
* DITP (seed 001 §5.2, L819–824 and §5.3, L875–877): totals High 30–40 / Medium 25–29 / Low < 25,
  and B/C 0–0.75 / 0.76–1.50 / above 1.50.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from planlib.inputs.dataset import Dataset

BAND_COLUMNS = ["min", "max", "label", "order"]
DEFAULT_SCHEME = "total"
"""The scheme of a band row that names none."""


def schemes(bands: pd.DataFrame) -> pd.Series:
    """The scheme of every row of a ``bands`` table, :data:`DEFAULT_SCHEME` where none is typed."""
    if "scheme" not in bands:
        return pd.Series(DEFAULT_SCHEME, index=bands.index)
    return bands["scheme"].fillna(DEFAULT_SCHEME)


def band_table(plan: Dataset, scheme: str = DEFAULT_SCHEME) -> pd.DataFrame:
    """The plan's bands of one ``scheme`` (columns min, max, label, order), best first.

    ``order`` defaults to the row's position within the scheme (1 = the first row typed).
    """
    if not plan.has("bands"):
        return pd.DataFrame(columns=BAND_COLUMNS)
    bands = plan.bands.copy()
    bands = bands[schemes(bands) == scheme]
    if "order" not in bands:
        bands["order"] = pd.NA
    bands = bands[BAND_COLUMNS].copy()
    position = pd.Series(range(1, len(bands) + 1), index=bands.index, dtype=float)
    bands["order"] = bands["order"].astype("Float64").fillna(position)
    return bands.sort_values("order")


def band_of(values: pd.Series, bands: pd.DataFrame) -> pd.DataFrame:
    """The band (label, order) each value falls in, as the rubric prints it (min–max inclusive).

    Printed rubrics give bounds at the precision of the scores (hwfund 25–27, 28–30; DITP B/C
    0.76–1.50, 1.51–): a value between one band's max and the next band's min (27.6 under other
    weights, 0.755) belongs to the lower band, i.e. band = the one with the largest min ≤ value.
    Values below the lowest min or above the top band's max get NA.
    hwfund: 30 → ความเร่งด่วนระดับ 1, 21/20/19 → ระดับ 4, 18/17/16 → ระดับ 5 (seed 000 L904–908).
    """
    label = pd.Series(pd.NA, index=values.index, dtype=object)
    order = pd.Series(np.nan, index=values.index)
    if bands.empty:
        return pd.DataFrame({"band": label, "band_order": order})
    ordered = bands.sort_values("min")
    idx, ok = band_positions(values.to_numpy(float), ordered["min"].to_numpy(float), ordered["max"].to_numpy(float))
    labels, orders = ordered["label"].to_numpy(object), ordered["order"].to_numpy(float)
    label[ok] = labels[idx[ok]]
    order[ok] = orders[idx[ok]]
    return pd.DataFrame({"band": label, "band_order": order})


def band_positions(values: np.ndarray, mins: np.ndarray, maxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rule of :func:`band_of` on arrays: (position of each value's band among bands sorted by min, in a band?).

    band = the one with the largest min ≤ value (1e-9 tolerance); above the top band's max or below the lowest
    min: no band. A what-if session calls it with the bands sorted once.
    """
    idx = np.searchsorted(mins, values + 1e-9, side="right") - 1
    ok = (idx >= 0) & ~np.isnan(values)
    top = ok & (idx == len(mins) - 1)
    ok &= ~(top & (values > maxes[-1] + 1e-9))
    return idx, ok


def natural_key(code: str) -> tuple[object, ...]:
    """Sort key reading digit runs as numbers: ``1.2.1 < 1.10.1``, ``2 < 10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(code)))


def check_mark(agrees: object) -> str:
    """A printed figure against the computed one: ``✓`` agrees, ``✗ ไม่ตรง / differs``, ``–`` nothing printed."""
    if pd.isna(agrees):  # type: ignore[call-overload]
        return "–"
    return "✓" if agrees else "✗ ไม่ตรง / differs"
