"""Page 1 of the KPI scorecard and quarterly progress reports: the key figures planlib computes (issue 17).

The PDFs come from the session's default batch (``report_files`` in tests/reports/conftest.py). Each figure's
value, as page 1 prints it, is computed again here by :mod:`planlib.plans.key_figures` with the report's own
parameters, and must be in page 1's text (pypdfium2, whitespace removed, sara am folded by
:func:`planlib.reports.pdf_text.searchable`). The notebooks also run from the repository root with their
default ``data_dir`` and are stored without outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest
from pdf_reading import page_one_pdfium as page_one
from pdf_reading import searchable

import planlib
from planlib.inputs.key_figure import KeyFigure
from planlib.loans import lending_progress
from planlib.plans import key_figures as kf
from planlib.plans import kpi, progress

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("kpi_scorecard", "quarterly_progress")
CASES = [("kpi_scorecard", org) for org in ("dsdw", "ditp", "hwfund")] + [
    ("quarterly_progress", org) for org in ("dsdw", "ditp", "hwfund", "tfund")
]


def expected(template: str, params: dict) -> tuple[list[KeyFigure], tuple[str, str], planlib.Plan]:
    """The key figures and verdict of a report, computed by planlib with the report's parameters."""
    folder = Path(params["data_dir"]) / params["org"]
    plan = planlib.load_plan(folder)
    options = {"method": params["method"], "below": params["below"]}
    if template == "kpi_scorecard":
        figures = kf.scorecard_key_figures(plan, params["fy"], **options)
        return figures, kf.scorecard_verdict(figures), plan
    portfolio = planlib.load_portfolio(folder, strict=False)
    lending = lending_progress.lending_progress(portfolio, params["fy"], params["quarter"])
    report = progress.quarterly_progress(
        plan,
        params["fy"],
        params["quarter"],
        lending=lending,
        illustrative=portfolio.synthetic if lending is not None else (),
        rag=progress.RagThresholds(params["green"], params["amber"]),
        **options,
    )
    figures = kf.progress_key_figures(plan, params["fy"], params["quarter"], report=report)
    return figures, kf.progress_verdict(figures), plan


@pytest.mark.parametrize(("template", "org"), CASES, ids=[f"{t}-{o}" for t, o in CASES])
def test_page_one_holds_the_key_figures(report_files, template: str, org: str) -> None:
    folder, entry = report_files(template, org)
    assert entry["status"] == "ok", entry.get("error")
    text = page_one(folder / f"{template}.pdf")
    figures, verdict, plan = expected(template, entry["parameters"])
    assert len(figures) >= 4
    for figure in figures:
        assert searchable(figure.label_th) in text, (figure.key, figure.label_th)
        assert searchable(figure.value_text("th")) in text, (figure.key, figure.value_text("th"))
    assert searchable(verdict[0].split(";")[0]) in text  # the verdict's first clause, in Thai
    if template == "kpi_scorecard":
        card = kpi.scorecard(plan, entry["parameters"]["fy"])
        if kpi.to_date_card(card):  # a scorecard of to-date results says so in its title
            assert searchable(f"as of quarter {kpi.card_quarter(card)}") in text


def test_page_one_literal_values(report_files) -> None:
    """The numbers a board reads on page 1, written out (DSDW FY2566 Q2, hwfund FY2568 Q2, tfund FY2561 Q2)."""
    dsdw_card = page_one(report_files("kpi_scorecard", "dsdw")[0] / "kpi_scorecard.pdf")
    assert searchable("38.75 จาก 100 คะแนน") in dsdw_card  # weighted total to date
    assert searchable("66.25 จาก 100 คะแนน") in dsdw_card  # projected year end, from the quarterly report's rows
    assert searchable("as of quarter 2") in dsdw_card
    dsdw_progress = page_one(report_files("quarterly_progress", "dsdw")[0] / "quarterly_progress.pdf")
    assert searchable("5 จาก 6 ตัว") in dsdw_progress  # the same 5 of 6 KPIs on track in both reports
    assert searchable("5 จาก 6 ตัว") in dsdw_card
    hwfund = page_one(report_files("quarterly_progress", "hwfund")[0] / "quarterly_progress.pdf")
    assert searchable("45.3 %") in hwfund and searchable("1 of 9 projects reported") in hwfund
    tfund = page_one(report_files("quarterly_progress", "tfund")[0] / "quarterly_progress.pdf")
    assert searchable("ไม่มีข้อมูล") in tfund and "0.0%" not in tfund and "overdue4" not in tfund


# ---------------------------------------------------------------- the notebooks themselves


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "show_key_figures" in source and "appendix=True" in source
    assert "show_problems(plan.problems, tables=" in source
    assert source.count("show_figure(") == source.count("_alt(")  # every chart gets its own alt text


RUNS = [
    ("kpi_scorecard", {"org": "ditp", "fy": 2569}),
    ("quarterly_progress", {"org": "tfund", "fy": 2561, "quarter": 2}),
]


def _run_html(name: str, parameters: dict, cwd: Path, tmp_path: Path) -> str:
    """Run ``notebooks/<name>.ipynb`` with papermill from ``cwd``; the HTML of every output, joined."""
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        cwd=str(cwd),
        progress_bar=False,
        kernel_name="python3",
    )
    return "".join(
        "".join(output.get("data", {}).get("text/html", ""))
        for cell in json.loads(out.read_text(encoding="utf-8"))["cells"]
        for output in cell.get("outputs", [])
    )


@pytest.mark.parametrize(("name", "params"), RUNS, ids=[name for name, _ in RUNS])
def test_notebook_runs_from_the_repository_root_with_the_default_data_dir(
    tmp_path: Path, name: str, params: dict
) -> None:
    """``papermill notebooks/<name>.ipynb out.ipynb`` from the repo root: data_dir "../data" falls back to data/."""
    extra = {"output_dir": str(tmp_path)} if name == "quarterly_progress" else {}
    html = _run_html(name, {**params, **extra}, ROOT, tmp_path)
    assert '<div class="key-figures' in html
    assert "No description has been provided" not in html and 'alt=""' not in html
    if name == "kpi_scorecard":
        assert "as of quarter 1" in html  # ditp scores Q1 results
    else:  # tfund: no spending or activity status, shown as such
        assert "no activity-status data" in html and "ไม่มีรายงาน / not reported" in html
        assert "เลยกำหนด / overdue</td>" not in html
        assert "ถึงกำหนด / due" in html and "เสร็จก่อนกำหนด / done early" not in html  # no "0 done" either


def test_kpi_scorecard_scores_the_quarter_asked_for(tmp_path: Path) -> None:
    """``--quarter 1`` scores DSDW FY2566's Q1 results (21.25), not the latest quarter's (Q2: 38.75)."""
    html = _run_html("kpi_scorecard", {"org": "dsdw", "fy": 2566, "quarter": 1}, ROOT / "notebooks", tmp_path)
    assert "as of quarter 1" in html and "as of quarter 2" not in html
    assert "21.25 จาก 100 คะแนน" in html and "38.75" not in html  # the key figure: weighted total to Q1
    assert "4 จาก 6 ตัว" in html  # KPIs on track to Q1 (Q2: 5 of 6)
