"""Published lending statistics (``lending_annual``): rates, averages, shares, stocks with their dates.

These are the figures a fund prints (Homeworkers Fund Tables 2-1 and 2-2, seed 000 §3.4–3.5),
computed the same way every year:

* disbursement rate = actual amount ÷ credit line (``target_amount``) × 100 — Table 2-2's
  "ร้อยละที่ปล่อยกู้" (L241–254), reproduced exactly for FY2560–2567;
* count achievement = actual count ÷ target count × 100;
* average loan = actual amount ÷ actual count;
* group share = groups ÷ (individuals + groups) × 100, where the parts are printed;
* year-on-year change = (this year − last year) ÷ last year × 100, only between consecutive
  fiscal years of the same source;
* arrears / litigation share = stock amount ÷ outstanding amount (seed 000 §3.5 notes: 3.89% and
  11.88% for FY2567), computed only when both stocks carry dates, never silently across dates;
* capital utilisation = credit line ÷ capital in force, actual lending ÷ capital, cumulative
  lending ÷ capital (seed 000 §8.2).

A year may be printed by several sources (``source_table``, else ``source``); functions take
one source or show them side by side, never mix them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from planlib.inputs import thai

COMPARED = ("target_count", "target_amount", "actual_count", "actual_individuals", "actual_groups", "actual_amount",
            "litigation_count", "litigation_amount", "arrears_count", "arrears_amount")


def sources(lending_annual: pd.DataFrame) -> pd.Series:
    """The source of each row: ``source_table`` when present (``Table 2-1``), else ``source``."""
    if "source_table" in lending_annual and lending_annual["source_table"].notna().any():
        label = lending_annual["source_table"]
        if "source" in lending_annual:
            label = label.fillna(lending_annual["source"])
        return label.fillna("ไม่ระบุแหล่ง / no source").astype("str")
    if "source" in lending_annual:
        return lending_annual["source"].fillna("ไม่ระบุแหล่ง / no source").astype("str")
    return pd.Series("ไม่ระบุแหล่ง / no source", index=lending_annual.index)


def main_source(lending_annual: pd.DataFrame) -> str:
    """The source covering the most fiscal years with an actual amount (ties: first in the file)."""
    label = sources(lending_annual)
    if "actual_amount" in lending_annual:
        has = lending_annual["actual_amount"].notna()
    else:
        has = pd.Series(True, index=label.index)
    counts = label[has].value_counts(sort=False)
    if counts.empty:
        return str(label.iloc[0]) if len(label) else ""
    return str(counts.idxmax())


def _pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = pd.to_numeric(numerator, errors="coerce").astype("float64")
    den = pd.to_numeric(denominator, errors="coerce").astype("float64")
    return (100 * num / den.where(den > 0)).astype("float64")


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(np.nan, index=frame.index)


def yearly(lending_annual: pd.DataFrame, source: str | Sequence[str] | None = None) -> pd.DataFrame:
    """One row per fiscal year, from the chosen source(s), with rates, averages, shares and YoY: a series to plot.

    ``lending_annual`` may print a year several times (the Homeworkers Fund: Table 2-1, Table 2-2 and
    the narrative for FY2565–2567), so plotting it directly zigzags. ``source``:

    * None: :func:`main_source` (Table 2-1 for the Homeworkers Fund), its years only;
    * a source name: that source's years only;
    * a list of sources in order of preference: every year any of them prints, each from the first
      source that prints its ``actual_amount`` (else the first that has the year); ``source`` says
      which one each row came from.

    A source printing a year twice gives the row with the most of :data:`COMPARED` filled in (the
    first such in the file). Columns: fiscal_year, year_printed (the label as printed when it
    differs: corrected years are flagged in ``year_corrected``), source, target/actual counts and
    amounts, disbursement_rate, disbursement_pct_printed, count_achievement, average_loan,
    group_share (all %, formulas in the module docstring), amount_yoy and count_yoy (% change on
    the previous fiscal year, only when that row is from the same source).
    """
    label = sources(lending_annual)
    wanted = [source or main_source(lending_annual)] if source is None or isinstance(source, str) else list(source)
    frame = lending_annual.assign(_source=label, _rank=label.map({s: i for i, s in enumerate(wanted)}))
    frame = frame[frame["_rank"].notna()]
    present = [c for c in COMPARED if c in frame]
    filled = frame[present].notna().sum(axis=1) if present else pd.Series(0, index=frame.index)
    has_actual = frame["actual_amount"].notna() if "actual_amount" in frame else pd.Series(False, index=frame.index)
    frame = frame.assign(_no_actual=~has_actual, _filled=-filled, _order=np.arange(len(frame)))
    frame = frame.sort_values(["fiscal_year", "_no_actual", "_rank", "_filled", "_order"], kind="stable")
    frame = frame.drop_duplicates("fiscal_year", keep="first")
    out = pd.DataFrame({"fiscal_year": frame["fiscal_year"].astype("int64").to_numpy()})
    printed = _col(frame, "fiscal_year_printed").astype("object")
    out["year_printed"] = [
        str(p) if isinstance(p, str) and p != str(fy) else "" for p, fy in zip(printed, out["fiscal_year"])
    ]
    out["year_corrected"] = out["year_printed"] != ""
    out["source"] = frame["_source"].to_numpy() if len(frame) else pd.Series(dtype="str")
    for col in COMPARED[:6]:  # target and actual counts and amounts
        out[col] = _col(frame, col).to_numpy()
    out["disbursement_rate"] = _pct(out["actual_amount"], out["target_amount"]).round(2)
    out["disbursement_pct_printed"] = pd.to_numeric(_col(frame, "disbursement_pct_printed"), errors="coerce").to_numpy()
    out["count_achievement"] = _pct(out["actual_count"], out["target_count"]).round(2)
    count = pd.to_numeric(out["actual_count"], errors="coerce").astype("float64")
    out["average_loan"] = (out["actual_amount"] / count.where(count > 0)).round(2)
    ind = pd.to_numeric(out["actual_individuals"], errors="coerce").astype("float64")
    grp = pd.to_numeric(out["actual_groups"], errors="coerce").astype("float64")
    out["group_share"] = (100 * grp / (ind + grp).where((ind + grp) > 0)).round(2)
    out["amount_yoy"] = _yoy(out, "actual_amount")
    out["count_yoy"] = _yoy(out, "actual_count")
    return out


def _yoy(frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    same = (frame["fiscal_year"].diff() == 1) & (frame["source"] == frame["source"].shift(1))
    previous = values.shift(1).where(same)
    return (100 * (values - previous) / previous.where(previous > 0)).round(2)


def disbursement(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Disbursement rate (actual ÷ credit line × 100) for every year and source, beside the printed %.

    Columns: fiscal_year, source, target_amount, actual_amount, disbursement_rate,
    disbursement_pct_printed, matches_printed (within 0.005 points; empty when nothing is
    printed), count_achievement. Table 2-2 of seed 000 prints 100, 100, 91.07, 100, 100, 100,
    76.40, 100 for FY2560–2567.
    """
    frames = [yearly(lending_annual, s) for s in sources(lending_annual).drop_duplicates()]
    out = pd.concat(frames, ignore_index=True)
    diff = (out["disbursement_rate"] - out["disbursement_pct_printed"]).abs()
    out["matches_printed"] = (diff <= 0.005).where(out["disbursement_pct_printed"].notna())
    cols = ["fiscal_year", "source", "target_amount", "actual_amount", "disbursement_rate", "disbursement_pct_printed",
            "matches_printed", "count_achievement"]
    return out[cols].sort_values(["fiscal_year", "source"], kind="stable").reset_index(drop=True)


def conflicts(lending_annual: pd.DataFrame, columns: tuple[str, ...] = COMPARED) -> pd.DataFrame:
    """Figures printed by more than one source for the same year, side by side.

    One row per fiscal year and measure that at least two sources give: one column per source
    (its value), ``agree`` (all equal) and the notes of the disagreeing rows. Nothing is picked
    or averaged: the analyst sees every published value with its source.
    """
    label = sources(lending_annual)
    order = list(label.drop_duplicates())
    rows = []
    for fy, group in lending_annual.assign(_source=label).groupby("fiscal_year"):
        if group["_source"].nunique() < 2:
            continue
        for col in columns:
            if col not in group:
                continue
            given = group[group[col].notna()]
            if given["_source"].nunique() < 2:
                continue
            values = dict(zip(given["_source"], given[col]))
            row = {"fiscal_year": int(fy), "measure": col, **{s: values.get(s) for s in order}}  # type: ignore[call-overload]
            row["agree"] = len({float(v) for v in values.values()}) == 1
            rows.append(row)
    return pd.DataFrame(rows, columns=["fiscal_year", "measure", *order, "agree"])


def as_of_kind(date: pd.Timestamp, fiscal_year: int) -> str:
    """What an as-of date is for its row's fiscal year: ``year_end``, ``quarter_end``, ``mid_quarter`` or ``outside``.

    Fiscal year = 1 Oct – 30 Sep, labelled by the BE year it ends in (:mod:`planlib.inputs.thai`).
    """
    if date is None or pd.isna(date):
        return ""
    start, end = thai.fiscal_year_start(fiscal_year), thai.fiscal_year_end(fiscal_year)
    if not start <= date <= end:
        return "outside"
    if date.normalize() == end.normalize():
        return "year_end"
    if date.normalize() == thai.quarter_end(fiscal_year, thai.fiscal_quarter(date)):
        return "quarter_end"
    return "mid_quarter"


AS_OF_TEXT = {
    "year_end": "สิ้นปีงบประมาณ / fiscal year end",
    "quarter_end": "สิ้นไตรมาส / quarter end",
    "mid_quarter": "ระหว่างไตรมาส ไม่ใช่สิ้นปี / mid-quarter, not year end",
    "outside": "นอกปีงบประมาณของแถว / outside the row's fiscal year",
    "": "ไม่ระบุวันที่ / no date",
}


def stocks(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Stock figures (litigation, arrears, outstanding) with their own as-of dates, one row each.

    Columns: fiscal_year, source, measure, count (printed total, else individuals + groups,
    flagged by ``count_from_parts``), individuals, groups, amount, as_of (``<measure>_as_of``
    when given, else ``as_of``), as_of_kind (:func:`as_of_kind`), same_as_previous (the amount
    equals the previous fiscal year's of the same source: a copied-forward figure, seed 000
    DQ-11). Stocks are never summed or compared across dates here.
    """
    label = sources(lending_annual)
    rows = []
    for idx, rec in lending_annual.iterrows():
        fy = int(rec["fiscal_year"])
        for measure in ("litigation", "arrears", "outstanding"):
            amount, count = rec.get(f"{measure}_amount"), rec.get(f"{measure}_count")
            ind, grp = rec.get(f"{measure}_individuals"), rec.get(f"{measure}_groups")
            if all(v is None or pd.isna(v) for v in (amount, count, ind, grp)):
                continue
            parts = [v for v in (ind, grp) if v is not None and pd.notna(v)]
            from_parts = (count is None or pd.isna(count)) and bool(parts)
            date = rec.get(f"{measure}_as_of")
            date = rec.get("as_of") if date is None or pd.isna(date) else date
            rows.append({
                "fiscal_year": fy,
                "source": label.loc[idx],
                "measure": measure,
                "count": int(sum(parts)) if from_parts else _whole(count),
                "count_from_parts": from_parts,
                "individuals": _whole(ind),
                "groups": _whole(grp),
                "amount": None if amount is None or pd.isna(amount) else float(amount),
                "as_of": date if date is not None and pd.notna(date) else pd.NaT,
                "as_of_kind": as_of_kind(date, fy),
                "row": idx,
            })
    cols = ["fiscal_year", "source", "measure", "count", "count_from_parts", "individuals", "groups", "amount", "as_of",
            "as_of_kind", "row"]
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out.assign(same_as_previous=pd.Series(dtype="bool"))
    out = out.sort_values(["measure", "source", "fiscal_year"], kind="stable")
    prev = out.groupby(["measure", "source"])["amount"].shift(1)
    prev_fy = out.groupby(["measure", "source"])["fiscal_year"].shift(1)
    out["same_as_previous"] = (out["amount"] == prev) & (out["fiscal_year"] - prev_fy == 1)
    return out.sort_values(["fiscal_year", "source", "measure"], kind="stable").reset_index(drop=True)


def _whole(value: object) -> int | None:
    """A printed count as an int (None when not printed)."""
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def stock_shares(lending_annual: pd.DataFrame, *, max_gap_days: int = 7) -> pd.DataFrame:
    """Arrears and litigation as a share of the outstanding balance, with both dates shown.

    For every fiscal year with an outstanding figure, each litigation/arrears stock of that year
    is divided by it: share = amount ÷ outstanding amount × 100, count_share = count ÷
    outstanding count × 100. When the two dates differ the share is computed only if they are at
    most ``max_gap_days`` apart, and ``note`` says so in Thai and English; otherwise it stays
    empty. FY2567 of the Homeworkers Fund: 611,266.30 ÷ 15,705,451.88 = 3.89% arrears and
    1,866,409.99 ÷ 15,705,451.88 = 11.88% litigation (stocks at 31 ก.ค. 67, outstanding at 30 ก.ค. 67).
    """
    table = stocks(lending_annual)
    cols = ["fiscal_year", "measure", "source", "amount", "count", "as_of", "outstanding_source", "outstanding",
            "outstanding_count", "outstanding_as_of", "gap_days", "share", "count_share", "note"]
    if table.empty:
        return pd.DataFrame(columns=cols)
    base = table[table["measure"] == "outstanding"]
    rows = []
    for _, out_row in base.iterrows():
        same_year = (table["fiscal_year"] == out_row["fiscal_year"]) & table["measure"].isin(["litigation", "arrears"])
        for _, rec in table[same_year].iterrows():
            dated = pd.notna(rec["as_of"]) and pd.notna(out_row["as_of"])
            gap = abs((rec["as_of"] - out_row["as_of"]).days) if dated else None
            usable = gap is not None and gap <= max_gap_days
            if gap is None:
                note = "ไม่มีวันที่ของข้อมูล จึงไม่คำนวณ / a date is missing: not computed"
            elif gap == 0:
                note = ""
            elif usable:
                dates = f"{thai.format_date(rec['as_of'])} กับ {thai.format_date(out_row['as_of'])}"
                note = f"วันที่ต่างกัน {gap} วัน ({dates}) / dates differ by {gap} day(s)"
            else:
                note = (f"วันที่ต่างกัน {gap} วัน เกิน {max_gap_days} วัน จึงไม่คำนวณ / dates {gap} days apart: not computed")
            amount, outstanding = rec["amount"], out_row["amount"]
            share = 100 * amount / outstanding if usable and pd.notna(amount) and outstanding else np.nan
            counted = usable and pd.notna(rec["count"]) and out_row["count"]
            count_share = (100 * rec["count"] / out_row["count"]) if counted else np.nan
            rows.append([rec["fiscal_year"], rec["measure"], rec["source"], amount, rec["count"], rec["as_of"],
                         out_row["source"], outstanding, out_row["count"], out_row["as_of"], gap, share, count_share,
                         note])
    return pd.DataFrame(rows, columns=cols)


def capital_in_force(lending_annual: pd.DataFrame, capital_history: pd.DataFrame | None = None) -> pd.Series:
    """Fund capital in force each fiscal year (index: fiscal year).

    From ``capital_history`` (``capital_after`` of the latest event with fiscal_year ≤ the year)
    when given, else ``lending_annual.capital`` carried forward from the last year that prints it.
    """
    years = sorted(int(y) for y in lending_annual["fiscal_year"].dropna().unique())
    if capital_history is not None and not capital_history.empty:
        events = capital_history.dropna(subset=["fiscal_year", "capital_after"])
        events = events.sort_values("fiscal_year", kind="stable")
        by_year = events.groupby(events["fiscal_year"].astype("int64"))["capital_after"].last()
        return by_year.reindex(sorted(set(years) | set(by_year.index))).ffill().reindex(years)
    if "capital" not in lending_annual:
        return pd.Series(np.nan, index=years, dtype="float64")
    printed = lending_annual.dropna(subset=["capital"]).groupby("fiscal_year")["capital"].last()
    return printed.reindex(years).ffill()


def capital_utilisation(
    lending_annual: pd.DataFrame, capital_history: pd.DataFrame | None = None, source: str | None = None
) -> pd.DataFrame:
    """Credit line and lending against the capital in force, per fiscal year of one source.

    credit_line_share = target_amount ÷ capital × 100; lending_share = actual_amount ÷ capital ×
    100; cumulative_lending = Σ actual_amount to date (this source's years); cumulative_share =
    cumulative_lending ÷ capital × 100 (seed 000 §8.2: the FY2565+ credit line of 5 M is about
    19% of 25.99 M).
    """
    series = yearly(lending_annual, source)
    capital = capital_in_force(lending_annual, capital_history)
    out = series[["fiscal_year", "target_amount", "actual_amount"]].copy()
    out["capital"] = out["fiscal_year"].map(capital).astype("float64")
    out["credit_line_share"] = _pct(out["target_amount"], out["capital"]).round(2)
    out["lending_share"] = _pct(out["actual_amount"], out["capital"]).round(2)
    out["cumulative_lending"] = out["actual_amount"].fillna(0).cumsum()
    out["cumulative_share"] = _pct(out["cumulative_lending"], out["capital"]).round(2)
    return out


def year_label_notes(lending_annual: pd.DataFrame) -> pd.DataFrame:
    """Rows whose printed year label was corrected: fiscal_year, year_printed, source, note."""
    if "fiscal_year_printed" not in lending_annual:
        return pd.DataFrame(columns=["fiscal_year", "year_printed", "source", "note"])
    printed = lending_annual["fiscal_year_printed"]
    mask = printed.notna() & (printed.astype("str") != lending_annual["fiscal_year"].astype("str"))
    rows = lending_annual[mask]
    return pd.DataFrame({
        "fiscal_year": rows["fiscal_year"].astype("int64").to_numpy(),
        "year_printed": rows["fiscal_year_printed"].to_numpy(),
        "source": sources(lending_annual)[mask].to_numpy(),
        "note": _col(rows, "note").to_numpy(),
    })
