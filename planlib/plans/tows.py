"""TOWS: strategies built from SWOT factor pairs, and their trace to tactics, plans and budgets.

The TOWS matrix (Weihrich 1982, "The TOWS matrix — a tool for situational analysis", *Long
Range Planning* 15(2)) crosses internal and external factors: SO strategies use strengths to
seize opportunities (maxi-maxi), ST use strengths against threats (maxi-mini), WO overcome
weaknesses by opportunities (mini-maxi), WT minimise weaknesses and avoid threats (mini-mini).
Each strategy cites the SWOT codes it combines (contract table ``tows``: ``factors``).

Thai plans name the cells กลยุทธ์เชิงรุก (SO), เชิงป้องกัน (ST), เชิงแก้ไข (WO) and เชิงรับ (WT)
(seed 001 §3, DITP L457–458). In DITP's plan each of the six strategies becomes one tactic
(strategies table) and one plan (projects table); :func:`traceability` follows that chain
down to the budget where one is printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from planlib.inputs import checks, thai
from planlib.inputs.dataset import Dataset
from planlib.inputs.problems import Problem

TOWS_TYPES: dict[str, tuple[str, str]] = {
    "SO": ("กลยุทธ์เชิงรุก", "SO (maxi-maxi): use strengths to take opportunities"),
    "ST": ("กลยุทธ์เชิงป้องกัน", "ST (maxi-mini): use strengths to counter threats"),
    "WO": ("กลยุทธ์เชิงแก้ไข", "WO (mini-maxi): use opportunities to overcome weaknesses"),
    "WT": ("กลยุทธ์เชิงรับ", "WT (mini-mini): reduce weaknesses and avoid threats"),
}
"""Thai cell name (seed 001 L457–458) and English meaning (Weihrich 1982) of each TOWS type."""


def factor_codes(value: object) -> list[str]:
    """The SWOT codes a strategy cites: ``"S1,S2,O1"`` → ``["S1", "S2", "O1"]`` (empty for none)."""
    if not isinstance(value, str):
        return []
    return [c.strip() for c in value.split(",") if c.strip()]


def compress_codes(codes: list[str]) -> str:
    """``S1,S2,S3,O1`` → ``S1–S3, O1``: consecutive numbers of one letter shown as a range."""
    groups: list[tuple[str, list[int]]] = []
    other: list[str] = []
    for code in codes:
        match = re.fullmatch(r"([A-Za-z]+)(\d+)", code)
        if not match:
            other.append(code)
            continue
        letter, number = match.group(1), int(match.group(2))
        if groups and groups[-1][0] == letter and groups[-1][1][-1] == number - 1:
            groups[-1][1].append(number)
        else:
            groups.append((letter, [number]))
    parts = [f"{g}{n[0]}–{g}{n[-1]}" if len(n) > 2 else ", ".join(f"{g}{x}" for x in n) for g, n in groups]
    return ", ".join(parts + other)


def _text(frame: pd.DataFrame, language: str, th: str = "text_th", en: str = "text_en") -> pd.Series:
    english = frame[en] if en in frame else pd.Series(pd.NA, index=frame.index, dtype="str")
    if language == "th":
        return frame[th]
    if language == "en":
        return english.where(english.notna(), frame[th])
    return frame[th].str.cat(english.fillna(""), sep=" / ").str.rstrip(" /")


def tows_table(tows: pd.DataFrame, language: str = "both") -> pd.DataFrame:
    """The TOWS strategies, in SO, ST, WO, WT order, with their type name and factor codes."""
    order = tows["type"].map({t: i for i, t in enumerate(TOWS_TYPES)})
    frame = tows.assign(_o=order).sort_values("_o", kind="stable")
    return pd.DataFrame({
        "รหัส / Code": frame["code"].to_numpy(),
        "ประเภท / Type": [f"{t} {TOWS_TYPES[t][0]}" for t in frame["type"]],
        "กลยุทธ์ / Strategy": _text(frame, language).to_numpy(),
        "ปัจจัย / Factors": [compress_codes(factor_codes(f)) for f in frame["factors"]] if "factors" in frame else "",
    })


def tows_matrix(tows: pd.DataFrame, language: str = "both") -> pd.DataFrame:
    """The 2×2 TOWS matrix: rows opportunities/threats, columns strengths/weaknesses.

    Each cell lists its strategies as ``SO1: text [S1–S5, O1–O6]``, numbered ``(1) … (2) …``
    when a cell holds several.
    """
    text = _text(tows, language)
    cells: dict[str, list[str]] = {t: [] for t in TOWS_TYPES}
    for row, rec in tows.iterrows():
        factors = compress_codes(factor_codes(rec.get("factors")))
        cells[rec["type"]].append(f"{rec['code']}: {text[row]}" + (f" [{factors}]" if factors else ""))

    def cell(kind: str) -> str:
        items = cells[kind]
        if len(items) == 1:
            return items[0]
        return " ".join(f"({i}) {item}" for i, item in enumerate(items, start=1))

    return pd.DataFrame({
        "": ["โอกาส / Opportunities (O)", "อุปสรรค / Threats (T)"],
        "จุดแข็ง / Strengths (S)": [cell("SO"), cell("ST")],
        "จุดอ่อน / Weaknesses (W)": [cell("WO"), cell("WT")],
    })


# ---------------------------------------------------------------- traceability


def _projects_of(rec: pd.Series, projects: pd.DataFrame | None) -> list[str]:
    """Projects a strategy leads to: its ``project_codes``; else projects whose ``tows_code``
    names it; else projects under its tactic (``strategy_code`` = ``tactic_code``)."""
    listed = factor_codes(rec.get("project_codes"))
    if listed or projects is None:
        return listed
    if "tows_code" in projects:
        linked = projects.loc[projects["tows_code"].astype("string") == rec["code"], "code"].astype(str).tolist()
        if linked:
            return linked
    tactic = rec.get("tactic_code")
    if isinstance(tactic, str) and "strategy_code" in projects:
        return projects.loc[projects["strategy_code"].astype("string") == tactic, "code"].astype(str).tolist()
    return []


def _by_code(frame: pd.DataFrame | None, column: str) -> dict[str, object]:
    """``code`` → ``column`` of a strategies or projects table (empty when the table or column is absent)."""
    if frame is None or column not in frame:
        return {}
    return dict(zip(frame["code"].astype(str), frame[column]))


def traceability(plan: Dataset) -> pd.DataFrame:
    """Each TOWS strategy → its tactic (strategies table) and parent strategy → projects → budget.

    Columns: ``code``, ``type``, ``text_th``, ``text_en``, ``factors``, ``tactic_code``,
    ``tactic_th``, ``strategy_code``, ``strategy_th``, ``project_codes``, ``projects_th``,
    ``budget`` (Σ budgets.amount over the strategy's projects and all years, THB; NaN when no
    budget row exists), ``budget_years`` (``2569–2571``), ``budget_note`` (the projects'
    ``budget_note_th`` when printed, e.g. ไม่ใช้งบประมาณ). One row per strategy in the tows
    table's order. Projects: see :func:`_projects_of`. DITP (seed 001 §3): six strategies →
    tactics 1.1–2.2 → plans 1.1.1–2.2.1; only 2.1.1 has a budget (3,000 บาท a year 2569–2571).
    """
    tows = plan["tows"]
    strategies = plan.tables.get("strategies")
    projects = plan.tables.get("projects")
    budgets = plan.tables.get("budgets")
    names = _by_code(strategies, "name_th")
    parents = _by_code(strategies, "parent_code")
    project_names = _by_code(projects, "name_th")
    notes = _by_code(projects, "budget_note_th")
    rows = []
    for _, rec in tows.iterrows():
        tactic = rec.get("tactic_code") if isinstance(rec.get("tactic_code"), str) else None
        parent = parents.get(tactic) if tactic else None
        parent = parent if isinstance(parent, str) else None
        codes = _projects_of(rec, projects)
        spent = budgets[budgets["project_code"].isin(codes)] if budgets is not None else None
        has_budget = spent is not None and not spent.empty
        years = sorted(int(y) for y in spent["fiscal_year"].dropna().unique()) if has_budget else []
        printed_notes = sorted({str(notes[c]) for c in codes if isinstance(notes.get(c), str)})
        budget_years = None
        if years:
            budget_years = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        rows.append({
            "code": rec["code"],
            "type": rec["type"],
            "text_th": rec["text_th"],
            "text_en": rec.get("text_en"),
            "factors": rec.get("factors"),
            "tactic_code": tactic,
            "tactic_th": names.get(tactic) if tactic else None,
            "strategy_code": parent,
            "strategy_th": names.get(parent) if parent else None,
            "project_codes": ",".join(codes) or None,
            "projects_th": "; ".join(str(project_names.get(c, c)) for c in codes) or None,
            "budget": float(spent["amount"].sum()) if has_budget else float("nan"),
            "budget_years": budget_years,
            "budget_note": "; ".join(printed_notes) or None,
        })
    return pd.DataFrame(rows, index=tows.index)


def _budget_text(budget: float, years: object, note: object) -> str:
    """``9,000 บาท (2569–2571)``, then the printed budget note; ``–`` when neither exists."""
    parts = []
    if budget == budget:  # not NaN
        parts.append(thai.format_baht(budget) + (f" ({years})" if isinstance(years, str) else ""))
    if isinstance(note, str):
        parts.append(note)
    return "; ".join(parts) or "–"


def traceability_table(trace: pd.DataFrame, language: str = "both") -> pd.DataFrame:
    """:func:`traceability` for display: TOWS strategy → tactic (and its strategy) → projects → budget.

    The budget column reads ``9,000 บาท (2569–2571)`` (Σ over the strategy's projects and
    years, from :func:`traceability`) followed by any budget note the plan prints.
    """
    strategy = _text(trace, language)
    tactic = []
    for code, name, parent in zip(trace["tactic_code"], trace["tactic_th"], trace["strategy_code"]):
        if not isinstance(code, str):
            tactic.append("–")
            continue
        text = f"{code} {name if isinstance(name, str) else ''}".strip()
        tactic.append(text + (f" (ยุทธศาสตร์ / strategy {parent})" if isinstance(parent, str) else ""))
    linked = zip(trace["project_codes"], trace["projects_th"])
    projects = [f"{c}: {n}" if isinstance(c, str) else "–" for c, n in linked]
    budgets = zip(trace["budget"], trace["budget_years"], trace["budget_note"])
    return pd.DataFrame({
        "TOWS": [f"{c} ({t})" for c, t in zip(trace["code"], trace["type"])],
        "กลยุทธ์ TOWS / TOWS strategy": strategy.to_numpy(),
        "กลวิธี / Tactic": tactic,
        "แผนงาน/โครงการ / Projects": projects,
        "งบประมาณ / Budget": [_budget_text(b, y, n) for b, y, n in budgets],
    })


# ---------------------------------------------------------------- coverage


def unused_factors(tows: pd.DataFrame, swot: pd.DataFrame) -> pd.DataFrame:
    """SWOT items that no TOWS strategy cites (rows of ``swot``, analyst's row numbers kept)."""
    cited = {c for f in tows.get("factors", pd.Series(dtype="str")) for c in factor_codes(f)}
    return swot[~swot["code"].astype(str).isin(cited)]


def unknown_factors(tows: pd.DataFrame, swot: pd.DataFrame) -> pd.DataFrame:
    """Factor codes cited by a strategy that are not SWOT items: ``row``, ``code``, ``factor``.

    (The loader reports these as errors; this lists them for a plan loaded with
    ``strict=False``.)
    """
    known = set(swot["code"].astype(str))
    rows = [
        {"row": row, "code": rec["code"], "factor": factor}
        for row, rec in tows.iterrows()
        for factor in factor_codes(rec.get("factors"))
        if factor not in known
    ]
    return pd.DataFrame(rows, columns=["row", "code", "factor"])


def tows_factors(dataset: Dataset) -> Iterator[Problem]:
    """TOWS warnings: a strategy citing a factor of the wrong side (an SO strategy citing a
    weakness) or citing no factor, and SWOT items that no strategy uses."""
    tows, swot = dataset.tables.get("tows"), dataset.tables.get("swot")
    if tows is None or tows.empty:
        return
    quadrant_of = {} if swot is None else dict(zip(swot["code"].astype(str), swot["quadrant"]))
    for row, rec in tows.iterrows():
        kind = rec.get("type")
        factors = factor_codes(rec.get("factors"))
        if not factors:
            yield checks.located(dataset, "warning", "no_factors", "tows", row, "factors", "", strategy=rec["code"])
            continue
        if not isinstance(kind, str):
            continue
        for factor in factors:
            quadrant = quadrant_of.get(factor)
            if quadrant is not None and quadrant not in kind:
                yield checks.located(dataset, "warning", "factor_side", "tows", row, "factors", factor, kind=kind,
                                     strategy=rec["code"], factor=factor, quadrant=quadrant, first=kind[0],
                                     second=kind[1])
    if swot is None:
        return
    for row, rec in unused_factors(tows, swot).iterrows():
        yield checks.located(dataset, "warning", "unused_factor", "swot", row, "code", rec["code"], item=rec["code"])
