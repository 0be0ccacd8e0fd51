"""Quantified SWOT (Fred David): IFE and EFE matrices, the IE matrix, the SPACE matrix.

Definitions follow Fred R. David, *Strategic Management: Concepts and Cases*, ch. 3 (EFE),
ch. 4 (IFE) and ch. 6 (IE, SPACE), as summarised in ``shared/research/anchors.md`` §4:

* **IFE** (internal factor evaluation): strengths and weaknesses, each with a *weight*
  0.0–1.0 (importance; the weights of the matrix sum to 1.0) and a *rating* 1–4
  (1 = major weakness, 2 = minor weakness, 3 = minor strength, 4 = major strength, so a
  strength is rated 3 or 4 and a weakness 1 or 2). Weighted score = weight × rating; the
  total Σ weight × rating lies between 1.0 and 4.0, 2.5 being average.
* **EFE** (external factor evaluation): opportunities and threats, weights as above, rating
  1–4 = how well the current strategy responds (4 superior, 3 above average, 2 average,
  1 poor), for opportunities and threats alike.
* **IE matrix**: x = IFE total (1.0–1.99 weak, 2.0–2.99 average, 3.0–4.0 strong), y = EFE total
  (1.0–1.99 low, 2.0–2.99 medium, 3.0–4.0 high); cells I–IX read left to right (strong →
  weak), top to bottom (high → low). Cells I, II, IV: *grow and build*; III, V, VII: *hold
  and maintain*; VI, VIII, IX: *harvest or divest* (David's mapping).
* **SPACE matrix**: FP (financial position) and IP (industry position) rated +1 (worst) to
  +7 (best), SP (stability position) and CP (competitive position) −7 (worst) to −1 (best);
  x = mean CP + mean IP, y = mean FP + mean SP; the direction vector (x, y) falls in the
  aggressive (+,+), conservative (−,+), defensive (−,−) or competitive (+,−) quadrant.

None of the source plans gives weights or ratings (seed 000 §4, seed 001 §3, seed 004 §3).
When the analyst gives none, :func:`whatif_weights` derives them **as a labelled what-if**
(from printed scores, from AHP pairwise comparisons, or equal); a :class:`FactorMatrix`
always carries its ``basis`` so a report can never present invented weights as the plan's.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from planlib import charts
from planlib.inputs import checks, messages, thai
from planlib.inputs.dataset import Dataset
from planlib.inputs.problems import DataError, Problem, Problems
from planlib.plans import ahp

IFE_QUADRANTS = ("S", "W")
EFE_QUADRANTS = ("O", "T")
RATING_RANGE = {"S": (3, 4), "W": (1, 2)}
"""Fred David: strengths are rated 3 (minor) or 4 (major), weaknesses 1 (major) or 2 (minor)."""

BASES: dict[str, tuple[str, str]] = {
    "plan": ("น้ำหนักและคะแนนตามแผน", "weights and ratings as given in the plan"),
    "weights_file": (
        "สมมติ (what-if): น้ำหนักและคะแนนจากไฟล์ของผู้วิเคราะห์",
        "what-if: weights and ratings from the analyst's file",
    ),
    "printed_scores": (
        "สมมติ (what-if): น้ำหนักคำนวณจากคะแนนที่พิมพ์ในแผน ไม่ใช่น้ำหนักของแผน",
        "what-if: weights derived from the printed scores, not the plan's weights",
    ),
    "equal": ("สมมติ (what-if): น้ำหนักเท่ากันทุกข้อ ไม่ใช่น้ำหนักของแผน", "what-if: equal weights, not the plan's weights"),
    "ahp": (
        "สมมติ (what-if): น้ำหนักจากการเปรียบเทียบรายคู่ (AHP) ไม่ใช่น้ำหนักของแผน",
        "what-if: weights from AHP pairwise comparisons, not the plan's weights",
    ),
}
"""How a matrix's weights came about, in Thai and English; every basis but ``plan`` is a what-if."""

RATING_RULE = (
    "คะแนน (rating) สมมติตามกฎ: จุดแข็งที่คะแนนที่พิมพ์ ≥ มัธยฐานของกลุ่ม = 4 นอกนั้น 3; จุดอ่อน ≥ มัธยฐาน = 1 นอกนั้น 2; "
    "โอกาสและอุปสรรค = 2 (การตอบสนองระดับเฉลี่ย) คะแนนรวม EFE จึงเท่ากับ 2.00 โดยการสร้าง",
    "ratings by a stated rule: strengths scored at or above their median 4, else 3; weaknesses at or above their "
    "median 1, else 2; opportunities and threats 2 (average response), so the EFE total is 2.00 by construction",
)
"""How :func:`whatif_ratings` rates factors when the analyst gives no ratings (shown with every derived what-if)."""

REGIONS: dict[str, tuple[str, str]] = {
    "grow_and_build": ("เติบโตและสร้าง", "grow and build"),
    "hold_and_maintain": ("รักษาและคงไว้", "hold and maintain"),
    "harvest_or_divest": ("เก็บเกี่ยวหรือถอนตัว", "harvest or divest"),
}
_CELL_REGION = {
    **dict.fromkeys((1, 2, 4), "grow_and_build"),
    **dict.fromkeys((3, 5, 7), "hold_and_maintain"),
    **dict.fromkeys((6, 8, 9), "harvest_or_divest"),
}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")


# ---------------------------------------------------------------- IFE / EFE


@dataclass(frozen=True)
class FactorMatrix:
    """An IFE or EFE matrix: one row per factor and the basis its weights came from.

    ``factors`` columns: ``code``, ``quadrant``, ``text_th``, ``text_en``, ``weight``,
    ``rating``, ``weighted_score`` (= weight × rating); index = the analyst's row number.
    """

    name: str
    factors: pd.DataFrame
    basis: str = "plan"

    @property
    def total(self) -> float:
        """Σ weight × rating (Fred David), between 1 and 4 when the weights sum to 1."""
        return float(self.factors["weighted_score"].sum())

    @property
    def weight_sum(self) -> float:
        return float(self.factors["weight"].sum())

    @property
    def is_whatif(self) -> bool:
        """True unless the weights and ratings are the plan's own."""
        return self.basis != "plan"

    def label(self, language: str = "both") -> str:
        """``IFE — what-if: equal weights, not the plan's weights`` in the report's language."""
        th, en = BASES[self.basis]
        if self.basis in ("printed_scores", "equal", "ahp"):
            th, en = f"{th}; {RATING_RULE[0]}", f"{en}; {RATING_RULE[1]}"
        return f"{self.name} — " + {"th": th, "en": en, "both": f"{th} / {en}"}[language]


def has_weights(swot: pd.DataFrame) -> bool:
    """True when every SWOT item has both a weight and a rating (the plan's own IFE/EFE)."""
    return (
        {"weight", "rating"} <= set(swot.columns)
        and not swot.empty
        and bool(swot["weight"].notna().all() and swot["rating"].notna().all())
    )


def _matrix(swot: pd.DataFrame, name: str, quadrants: tuple[str, str], basis: str) -> FactorMatrix:
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; one of {', '.join(BASES)}")
    part = swot[swot["quadrant"].isin(quadrants)].copy()
    order = part["quadrant"].map({q: i for i, q in enumerate(quadrants)})
    part = part.assign(_q=order).sort_values("_q", kind="stable").drop(columns="_q")
    problems = Problems()
    for column in ("weight", "rating"):
        values = part[column] if column in part else pd.Series(float("nan"), index=part.index)
        for row in values.index[values.isna()]:
            item = str(part.loc[row, "code"])
            problems.add(Problem.of("error", "swot", "required_factor_value", row=int(str(row)), column=column,
                                    value=item, matrix=name, needed=column, item=item))
    if part.empty:
        problems.add(Problem.of("error", "swot", "required_factors", matrix=name, quadrants="/".join(quadrants)))
    if problems:
        raise DataError(problems, f"the {name} matrix")
    text_en = part["text_en"] if "text_en" in part else pd.Series(pd.NA, index=part.index, dtype="str")
    factors = pd.DataFrame({
        "code": part["code"],
        "quadrant": part["quadrant"],
        "text_th": part["text_th"],
        "text_en": text_en,
        "weight": part["weight"].astype(float),
        "rating": part["rating"].astype(float),
    })
    factors["weighted_score"] = factors["weight"] * factors["rating"]
    return FactorMatrix(name, factors, basis)


def ife_matrix(swot: pd.DataFrame, basis: str = "plan") -> FactorMatrix:
    """The IFE matrix of the strengths and weaknesses (Fred David ch. 4).

    weighted score = weight × rating; total = Σ weighted score ∈ [1, 4] (2.5 average).
    ``basis`` says where the weights came from (``plan`` or a what-if, see :data:`BASES`).
    Raises :class:`DataError` naming every factor without a weight or rating.
    """
    return _matrix(swot, "IFE", IFE_QUADRANTS, basis)


def efe_matrix(swot: pd.DataFrame, basis: str = "plan") -> FactorMatrix:
    """The EFE matrix of the opportunities and threats (Fred David ch. 3); as :func:`ife_matrix`."""
    return _matrix(swot, "EFE", EFE_QUADRANTS, basis)


def matrix_table(matrix: FactorMatrix, language: str = "both") -> pd.DataFrame:
    """A factor matrix for display, strengths (opportunities) first, with a total row.

    Total row: Σ weight (1.00 for a valid matrix) and Σ weight × rating.
    """
    f = matrix.factors
    both = f["text_th"].str.cat(f["text_en"].fillna(""), sep=" / ")
    text = {"th": f["text_th"], "en": f["text_en"], "both": both}[language]
    table = pd.DataFrame({
        "รหัส / Code": f["code"].to_numpy(),
        "ปัจจัย / Factor": text.to_numpy(),
        "น้ำหนัก / Weight": f["weight"].to_numpy(),
        "คะแนน / Rating": f["rating"].to_numpy(),
        "คะแนนถ่วงน้ำหนัก / Weighted score": f["weighted_score"].to_numpy(),
    })
    total = pd.DataFrame({
        "รหัส / Code": ["รวม / Total"],
        "ปัจจัย / Factor": [""],
        "น้ำหนัก / Weight": [matrix.weight_sum],
        "คะแนน / Rating": [float("nan")],
        "คะแนนถ่วงน้ำหนัก / Weighted score": [matrix.total],
    })
    return pd.concat([table, total], ignore_index=True)


# ---------------------------------------------------------------- IE matrix


@dataclass(frozen=True)
class IECell:
    """Where an (IFE total, EFE total) pair falls in David's nine-cell IE matrix."""

    ife_total: float
    efe_total: float
    cell: int  # 1..9
    ife_band: str  # strong / average / weak
    efe_band: str  # high / medium / low
    region: str  # key of REGIONS

    @property
    def roman(self) -> str:
        return ROMAN[self.cell - 1]

    def region_label(self, language: str = "both") -> str:
        th, en = REGIONS[self.region]
        return {"th": th, "en": en, "both": f"{th} / {en}"}[language]


def _band(total: float) -> int:
    """0 for 3.0–4.0, 1 for 2.0–2.99, 2 for 1.0–1.99 (float noise removed by rounding to 9 places)."""
    value = round(float(total), 9)
    if not 1.0 <= value <= 4.0 or math.isnan(value):
        raise ValueError(" / ".join(messages.text("out_of_range_total", total=total)))
    return 0 if value >= 3.0 else 1 if value >= 2.0 else 2


def ie_cell(ife_total: float, efe_total: float) -> IECell:
    """The IE-matrix cell (I–IX) and strategy region for an IFE and an EFE total (Fred David ch. 6).

    Column from the IFE total: ≥ 3.0 strong, 2.0–2.99 average, < 2.0 weak; row from the EFE
    total: ≥ 3.0 high, 2.0–2.99 medium, < 2.0 low; cell = 3 × row + column + 1. So 1.99 is
    weak/low and 2.0 average/medium; 2.99 average/medium and 3.0 strong/high. Totals are
    rounded to 9 decimals first so float noise (2.9999999999) does not move a cell.
    Regions: I, II, IV grow and build; III, V, VII hold and maintain; VI, VIII, IX harvest
    or divest.

    >>> ie_cell(2.80, 2.10).roman, ie_cell(2.80, 2.10).region
    ('V', 'hold_and_maintain')
    """
    column, row = _band(ife_total), _band(efe_total)
    cell = 3 * row + column + 1
    ife_band, efe_band = ("strong", "average", "weak")[column], ("high", "medium", "low")[row]
    return IECell(float(ife_total), float(efe_total), cell, ife_band, efe_band, _CELL_REGION[cell])


def ie_summary(ife: FactorMatrix, efe: FactorMatrix, language: str = "both") -> pd.DataFrame:
    """IFE total, EFE total, IE cell and strategy region (:func:`ie_cell`), with the weights' basis."""
    cell = ie_cell(ife.total, efe.total)
    bands = {
        "strong": ("แข็งแกร่ง", "strong"),
        "average": ("ปานกลาง", "average"),
        "weak": ("อ่อน", "weak"),
        "high": ("สูง", "high"),
        "medium": ("ปานกลาง", "medium"),
        "low": ("ต่ำ", "low"),
    }

    def say(pair: tuple[str, str]) -> str:
        return {"th": pair[0], "en": pair[1], "both": f"{pair[0]} / {pair[1]}"}[language]

    basis = say(BASES[ife.basis]) if ife.basis == efe.basis else f"{ife.label(language)}; {efe.label(language)}"
    items = [
        ("คะแนนรวม IFE / IFE total", f"{ife.total:.2f} ({say(bands[cell.ife_band])})"),
        ("คะแนนรวม EFE / EFE total", f"{efe.total:.2f} ({say(bands[cell.efe_band])})"),
        ("ช่องใน IE matrix / IE cell", cell.roman),
        ("ทางเลือกกลยุทธ์ / Strategy region", cell.region_label(language)),
        ("ที่มาของน้ำหนัก / Basis of the weights", basis),
    ]
    return pd.DataFrame(items, columns=["รายการ / Item", "ค่า / Value"])


def ie_chart(position: IECell, *, title: str, source: str, label: str = "") -> Figure:
    """The nine-cell IE matrix with the organisation's position marked.

    x axis: IFE total from 4.0 (strong, left) to 1.0 (weak, right); y axis: EFE total from 1.0
    (low, bottom) to 4.0 (high, top); cells shaded by region (grow and build / hold and
    maintain / harvest or divest) and numbered I–IX as in David.
    """
    xlabel, ylabel = "คะแนนรวม IFE / IFE total (คะแนน)", "คะแนนรวม EFE / EFE total (คะแนน)"
    fig, ax = charts.figure(title, xlabel=xlabel, ylabel=ylabel, source=source, size=(6.4, 5.4))
    ax.title.set_fontweight("normal")  # the pip Thai font has no bold face registered with matplotlib
    colours = {"grow_and_build": "#cfe8d6", "hold_and_maintain": "#fbe3c5", "harvest_or_divest": "#f3c9c4"}
    x_edges, y_edges = (4.0, 3.0, 2.0, 1.0), (4.0, 3.0, 2.0, 1.0)
    for row in range(3):
        for column in range(3):
            cell = 3 * row + column + 1
            left, bottom = x_edges[column + 1], y_edges[row + 1]
            colour = colours[_CELL_REGION[cell]]
            ax.add_patch(Rectangle((left, bottom), 1.0, 1.0, facecolor=colour, edgecolor="white", lw=2))
            ax.text(left + 0.5, bottom + 0.82, ROMAN[cell - 1], ha="center", va="center", fontsize=11, color="#444444")
    ax.set_xlim(4.0, 1.0)
    ax.set_ylim(1.0, 4.0)
    ax.set_xticks([4.0, 3.0, 2.0, 1.0])
    ax.set_yticks([1.0, 2.0, 3.0, 4.0])
    ax.grid(False)
    at = ([position.ife_total], [position.efe_total])
    ax.plot(*at, marker="o", markersize=11, color=charts.PALETTE[0], zorder=5)
    text = label or f"IFE {position.ife_total:.2f}, EFE {position.efe_total:.2f} → {position.roman}"
    ax.annotate(text, (position.ife_total, position.efe_total), xytext=(9, 7), textcoords="offset points", fontsize=9)
    handles = [Patch(facecolor=colours[k], label=" / ".join(REGIONS[k])) for k in REGIONS]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=1, fontsize=8, frameon=False)
    return fig


# ---------------------------------------------------------------- what-if weights


def whatif_ratings(swot: pd.DataFrame) -> pd.Series:
    """Ratings for a what-if when the analyst gives none, by a stated rule (not David's data).

    Strengths: 4 (major) when the printed score is at or above the strengths' median score,
    else 3 (minor); weaknesses: 1 (major) at or above the weaknesses' median, else 2 (minor);
    without printed scores every strength is 3 and every weakness 2. Opportunities and
    threats: 2 (David's "average" response), since nothing in a SWOT list says how well the
    current strategy responds, so the what-if EFE total is 2.00 by construction.
    Ratings the analyst gave are kept.
    """
    score = swot["score"] if "score" in swot else pd.Series(float("nan"), index=swot.index)
    ratings = pd.Series(2.0, index=swot.index)
    for quadrant, (minor, major) in (("S", (3.0, 4.0)), ("W", (2.0, 1.0))):
        mask = swot["quadrant"] == quadrant
        scores = score[mask]
        if scores.notna().all() and not scores.empty:
            ratings[mask] = np.where(scores >= scores.median(), major, minor)
        else:
            ratings[mask] = minor
    if "rating" in swot:
        ratings = swot["rating"].where(swot["rating"].notna(), ratings)
    return ratings.astype(float)


def whatif_weights(
    swot: pd.DataFrame, method: str = "printed_scores", pairwise: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A copy of ``swot`` with what-if ``weight`` (and ``rating`` where missing) for the IFE/EFE.

    Within each matrix (IFE = S + W items, EFE = O + T items):

    * ``printed_scores``: weight_i = score_i / Σ score (the printed workshop scores taken as
      relative importance; every item of the matrix needs a score);
    * ``equal``: weight_i = 1 / n;
    * ``ahp``: weight = principal eigenvector of the analyst's pairwise comparisons
      (Saaty 1980; A'WOT, Kurttila et al. 2000), see :func:`ahp_weights`; ``pairwise`` has
      columns ``code_a``, ``code_b``, ``value`` (how much more important a is than b, 1/9–9),
      comparing items of the same matrix.

    Ratings: :func:`whatif_ratings`. Build the matrices with ``ife_matrix(frame, basis=method)``
    so they are labelled as a what-if.
    """
    if method not in ("printed_scores", "equal", "ahp"):
        raise ValueError(f"method must be printed_scores, equal or ahp, not {method!r}")
    frame = swot.copy()
    weights = pd.Series(float("nan"), index=frame.index)
    for name, quadrants in (("IFE", IFE_QUADRANTS), ("EFE", EFE_QUADRANTS)):
        mask = frame["quadrant"].isin(quadrants)
        if not mask.any():
            continue
        if method == "equal":
            weights[mask] = 1.0 / int(mask.sum())
        elif method == "printed_scores":
            scores = frame.loc[mask, "score"] if "score" in frame else pd.Series(float("nan"), index=frame.index[mask])
            if scores.isna().any():
                missing = ", ".join(frame.loc[scores.index[scores.isna()], "code"].astype(str))
                raise ValueError(" / ".join(messages.text("required_printed_score", matrix=name, items=missing)))
            weights[mask] = scores / scores.sum()
        else:
            if pairwise is None:
                raise ValueError(" / ".join(messages.text("required_pairwise")))
            codes = list(frame.loc[mask, "code"].astype(str))
            result = ahp_weights(pairwise, codes)
            weights[mask] = frame.loc[mask, "code"].astype(str).map(result.weights).to_numpy()
    frame["weight"] = weights
    frame["rating"] = whatif_ratings(frame)
    return frame


def resolve_weights_file(weights_file: str | Path | None, org_dir: str | Path) -> Path | None:
    """The weights file as a path: ``None`` for none/empty; a relative path is taken inside
    the organisation's folder (as the ``swot`` template's ``weights_file`` parameter says)."""
    if weights_file is None or not str(weights_file).strip():
        return None
    path = Path(weights_file)
    return path if path.is_absolute() else Path(org_dir) / path


def factor_matrices(
    swot: pd.DataFrame,
    *,
    weights_file: str | Path | None = None,
    method: str | None = None,
    pairwise: pd.DataFrame | None = None,
) -> tuple[FactorMatrix | None, FactorMatrix | None]:
    """The IFE and EFE matrices a report shows, each labelled with the basis of its weights.

    * ``weights_file`` given: the analyst's what-if file (:func:`read_weights_file`) for both.
    * otherwise, per matrix: the plan's own weights and ratings when every factor of the
      matrix has both (basis ``plan``); else a what-if from :func:`whatif_weights` with
      ``method``, by default ``printed_scores`` when every factor of the matrix has a printed
      score and ``equal`` when not (``ahp`` needs ``pairwise``, see :func:`whatif_weights`).

    A matrix with no factors (a SWOT without threats and opportunities) is ``None``.
    """
    if weights_file is not None and str(weights_file).strip():
        frame = read_weights_file(weights_file, swot)
        ife = ife_matrix(frame, "weights_file") if frame["quadrant"].isin(IFE_QUADRANTS).any() else None
        efe = efe_matrix(frame, "weights_file") if frame["quadrant"].isin(EFE_QUADRANTS).any() else None
        return ife, efe
    out: list[FactorMatrix | None] = []
    for build, quadrants in ((ife_matrix, IFE_QUADRANTS), (efe_matrix, EFE_QUADRANTS)):
        part = swot[swot["quadrant"].isin(quadrants)]
        if part.empty:
            out.append(None)
        elif has_weights(part):
            out.append(build(part, "plan"))
        else:
            chosen = method or ("printed_scores" if "score" in part and part["score"].notna().all() else "equal")
            out.append(build(whatif_weights(part, chosen, pairwise), chosen))
    return out[0], out[1]


# ---------------------------------------------------------------- AHP


def ahp_weights(pairwise: pd.DataFrame, codes: list[str]) -> ahp.AHPResult:
    """AHP priority weights of one matrix's ``codes`` (Saaty 1980), by :func:`planlib.plans.ahp.ahp`.

    ``pairwise`` rows (``code_a``, ``code_b``, ``value``) say a is ``value`` times as important
    as b. One file may hold the judgements of both matrices (IFE and EFE), so rows about codes
    outside ``codes`` are left for the other matrix. weights = principal right eigenvector,
    Σ = 1; CI = (λmax − n) / (n − 1); CR = CI / RI(n). Every pair must be judged once;
    :class:`DataError` names the bad rows and the pairs not judged.
    """
    wanted = set(codes)
    mine = pairwise[pairwise["code_a"].astype(str).isin(wanted) & pairwise["code_b"].astype(str).isin(wanted)]
    return ahp.ahp(mine, codes)


# ---------------------------------------------------------------- validation


Finding = tuple[str, object, str, str, str, dict[str, object]]
"""A problem not yet located in a file: (severity, row, column, value, message code, the message's values)."""


def factor_problems(swot: pd.DataFrame, *, sums: bool = True) -> Iterator[Finding]:
    """Fred David's rules on weights and ratings, as (severity, row, column, value, code, values).

    * weight outside 0–1, rating outside 1–4;
    * a strength rated below 3 or a weakness above 2 (David: strengths 3–4, weaknesses 1–2);
    * a factor with a weight but no rating (or the reverse), and a factor with no weight in a
      matrix whose other factors have weights;
    * with ``sums``: the weights of each matrix (S + W, O + T) must sum to 1 (± 0.005).

    ``code`` and ``values`` name a message of :mod:`planlib.inputs.messages`.
    """
    weight = swot["weight"] if "weight" in swot else pd.Series(float("nan"), index=swot.index)
    rating = swot["rating"] if "rating" in swot else pd.Series(float("nan"), index=swot.index)
    for row in swot.index:
        item, quadrant, w, r = swot.loc[row, "code"], swot.loc[row, "quadrant"], weight[row], rating[row]
        if pd.notna(w) and not 0 <= w <= 1:
            yield ("error", row, "weight", f"{w:g}", "out_of_range_weight", {"item": item, "weight": w})
        if pd.notna(r) and not 1 <= r <= 4:
            yield ("error", row, "rating", f"{r:g}", "out_of_range_rating", {"item": item, "rating": r})
        elif pd.notna(r) and quadrant in RATING_RANGE:
            low, high = RATING_RANGE[quadrant]
            if not low <= r <= high:
                kind, kind_th = ("strength", "จุดแข็ง") if quadrant == "S" else ("weakness", "จุดอ่อน")
                values = {"item": item, "kind": kind, "kind_th": kind_th, "rating": r}
                yield ("error", row, "rating", f"{r:g}", "rating_side", values)
        if pd.notna(w) != pd.notna(r):
            have, lack = ("weight", "rating") if pd.notna(w) else ("rating", "weight")
            yield ("error", row, lack, "", "required_weight_rating", {"item": item, "have": have, "lack": lack})
    for name, quadrants in (("IFE (S+W)", IFE_QUADRANTS), ("EFE (O+T)", EFE_QUADRANTS)):
        mask = swot["quadrant"].isin(quadrants)
        part = weight[mask]
        if part.notna().any() and part.isna().any():
            for row in part.index[part.isna()]:
                values = {"item": swot.loc[row, "code"], "matrix": name}
                yield ("error", row, "weight", "", "weight_missing_factor", values)
        if sums and part.notna().any():
            total = float(part.sum())
            if abs(total - 1) > 0.005:
                yield ("error", None, "weight", f"{total:g}", "weights_sum_ife_efe", {"matrix": name, "total": total})


def swot_ratings(dataset: Dataset) -> Iterator[Problem]:
    """IFE/EFE inputs in the swot table: strengths rated 3–4, weaknesses 1–2, weight with rating.

    (Ranges 0–1 and 1–4 are enforced when the table is read; the sums by ``swot_weights``.)
    """
    swot = dataset.tables.get("swot")
    if swot is None or swot.empty or ("weight" not in swot and "rating" not in swot):
        return
    for severity, row, column, value, code, values in factor_problems(swot, sums=False):
        yield checks.located(dataset, severity, code, "swot", row, column, value, **values)


def read_weights_file(path: str | Path, swot: pd.DataFrame) -> pd.DataFrame:
    """The analyst's what-if weights file (CSV ``code,weight,rating``) applied to ``swot``.

    Values may be typed the Thai way (``๐.๒๕``). Every row is checked: the code must be a
    SWOT item, weight 0–1, rating 1–4, strengths 3–4 and weaknesses 1–2, each matrix's
    weights summing to 1, every item of a weighted matrix weighted. Raises
    :class:`DataError` listing every problem with the file, CSV line, column and value.
    Returns a copy of ``swot`` with ``weight`` and ``rating`` replaced (ratings left empty in
    the file fall back to :func:`whatif_ratings`).
    """
    path = Path(path)
    problems = Problems()
    name = path.name

    def add(row: int | None, column: str, value: object, code: str, **values: object) -> None:
        shown = "" if value is None else str(value)
        problems.add(Problem.of("error", "weights", code, file=name, row=row, column=column, value=shown, **values))

    if not path.exists():
        add(None, "", str(path), "not_found_weights_file", path=path)
        raise DataError(problems, name)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    for column in ("code", "weight"):
        if column not in raw:
            add(1, column, "", "missing_column_weights_file", name=column)
    if problems:
        raise DataError(problems, name)
    lines = range(2, len(raw) + 2)  # CSV line numbers (header on line 1)
    known = dict(zip(swot["code"].astype(str), swot.index))
    frame = swot.copy()
    frame["weight"] = float("nan")
    frame["rating"] = float("nan")
    seen: dict[str, int] = {}
    for line, (_, rec) in zip(lines, raw.iterrows()):
        code = thai.thai_to_arabic_digits(rec["code"].strip())
        if code not in known:
            add(line, "code", rec["code"], "unknown_code_swot", item=code, known=", ".join(known))
            continue
        if code in seen:
            add(line, "code", code, "duplicate_weights_row", item=code, first=seen[code])
            continue
        seen[code] = line
        for column in ("weight", "rating"):
            text = rec.get(column, "")
            try:
                value = thai.parse_number(text)
            except thai.ThaiValueError as exc:  # the reading rule's own message (planlib.inputs.thai)
                add(line, column, text, exc.code, **exc.values)
                continue
            if value is not None:
                frame.loc[known[code], column] = value
    missing_rating = frame["rating"].isna() & frame["weight"].notna()
    frame.loc[missing_rating, "rating"] = whatif_ratings(frame)[missing_rating]
    for matrix, quadrants in (("IFE (S+W)", IFE_QUADRANTS), ("EFE (O+T)", EFE_QUADRANTS)):
        mask = frame["quadrant"].isin(quadrants)
        if mask.any() and frame.loc[mask, "weight"].isna().all():
            items = ", ".join(frame.loc[mask, "code"])
            add(None, "weight", "", "weight_missing_file", matrix=matrix, items=items)
    line_of = {known[c]: line for c, line in seen.items()}
    for severity, row, column, value, code, values in factor_problems(frame):
        line = line_of.get(row) if row is not None else None
        problems.add(Problem.of(severity, "weights", code, file=name, row=line, column=column, value=str(value),
                                **values))
    if problems.errors:
        raise DataError(problems, name)
    return frame


# ---------------------------------------------------------------- SPACE matrix

SPACE_DIMENSIONS: Mapping[str, str] = {
    "fp": "FP", "fs": "FP", "sp": "SP", "es": "SP", "ip": "IP", "is": "IP", "cp": "CP", "ca": "CP",
}
SPACE_RANGES = {"FP": (1, 7), "IP": (1, 7), "SP": (-7, -1), "CP": (-7, -1)}
SPACE_QUADRANTS: dict[str, tuple[str, str]] = {
    "aggressive": ("เชิงรุก", "aggressive"),
    "conservative": ("อนุรักษ์", "conservative"),
    "defensive": ("เชิงรับ", "defensive"),
    "competitive": ("เชิงแข่งขัน", "competitive"),
    "on_axis": ("อยู่บนแกน", "on an axis"),
}


@dataclass(frozen=True)
class SpaceResult:
    """Axis means, the direction vector (x, y) and its quadrant."""

    means: Mapping[str, float]
    x: float
    y: float
    quadrant: str


def space_matrix(factors: pd.DataFrame) -> SpaceResult:
    """The SPACE matrix (Fred David ch. 6) from rated factors.

    ``factors`` columns: ``dimension`` (FP/SP/IP/CP, or FS/ES/IS/CA), ``factor`` (text) and
    ``rating`` (FP, IP +1 worst … +7 best; SP, CP −7 worst … −1 best). x = mean CP + mean IP,
    y = mean FP + mean SP; quadrant aggressive (x > 0, y > 0), conservative (x < 0, y > 0),
    defensive (x < 0, y < 0), competitive (x > 0, y < 0), ``on_axis`` when x or y is 0.
    Raises :class:`DataError` naming each row with an unknown dimension or an out-of-range
    rating, and each dimension without a factor.
    """
    problems = Problems()
    dims, ratings = [], []
    for row, rec in factors.iterrows():
        dim = SPACE_DIMENSIONS.get(str(rec.get("dimension", "")).strip().lower())
        rating = rec.get("rating")
        if dim is None:
            typed = rec.get("dimension")
            problems.add(Problem.of("error", "space", "bad_value_space_dimension", row=int(str(row)),
                                    column="dimension", value=str(typed), dimension=typed))
            continue
        low, high = SPACE_RANGES[dim]
        if pd.isna(rating) or not low <= float(rating) <= high:
            shown = "" if pd.isna(rating) else f"{rating:g}"
            problems.add(Problem.of("error", "space", "out_of_range_space_rating", row=int(str(row)), column="rating",
                                    value=shown, dimension=dim, low=low, high=high))
            continue
        dims.append(dim)
        ratings.append(float(rating))
    data = pd.Series(ratings, index=dims, dtype=float)
    for dim in SPACE_RANGES:
        if dim not in data.index:
            problems.add(Problem.of("error", "space", "required_space_dimension", column="dimension", dimension=dim))
    if problems:
        raise DataError(problems, "the SPACE factors")
    means = {dim: float(data[[d == dim for d in data.index]].mean()) for dim in SPACE_RANGES}
    x = round(means["CP"] + means["IP"], 9)
    y = round(means["FP"] + means["SP"], 9)
    if x == 0 or y == 0:
        quadrant = "on_axis"
    elif y > 0:
        quadrant = "aggressive" if x > 0 else "conservative"
    else:
        quadrant = "competitive" if x > 0 else "defensive"
    return SpaceResult(means, x, y, quadrant)
