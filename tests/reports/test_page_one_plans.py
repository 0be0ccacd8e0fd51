"""Page 1 of the swot, prioritization and whatif reports: the key figures and verdict planlib computes (issue 17).

The PDFs come from the session's default batch (``report_files`` in tests/reports/conftest.py). Each figure's
label, value and change, as page 1 prints them, are computed again here by :mod:`planlib.plans.key_figures`
with the report's own parameters (from its manifest entry), and must be in page 1's text: pypdfium2 (as
Chrome/Edge read it), whitespace removed, sara am folded by :func:`planlib.reports.pdf_text.searchable`;
and, where poppler is installed, ``pdftotext`` too. The verdict's first words are on page 1, the method and
data-quality appendix are not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdf_reading import page_one_pdfium, page_one_poppler, page_one_raw, searchable

import planlib
from planlib.inputs.key_figure import KeyFigure, find
from planlib.plans import key_figures as kf

CASES = [("swot", org) for org in ("hwfund", "ditp", "mol")] + [
    (template, org) for template in ("prioritization", "whatif") for org in ("hwfund", "ditp")
]
APPENDIX = ("วิธีการ / Method", "ภาคผนวก: คุณภาพข้อมูล / Appendix: data quality")
"""Headings of the appendix, which never shares page 1 with the key figures (methods moved out of the body)."""


def expected(template: str, params: dict) -> tuple[list[KeyFigure], tuple[str, str]]:
    """The key figures and verdict of a report, computed by planlib with the report's own parameters."""
    plan = planlib.load_plan(Path(params["data_dir"]) / params["org"])
    if template == "swot":
        figures = kf.swot_key_figures(plan, weights_file=params.get("weights_file"))
        return figures, kf.swot_verdict(figures)
    options = {"tie_break": params["tie_break"], "top_k": params["top_k"], "seed": params["seed"]}
    if template == "prioritization":
        figures = kf.prioritization_key_figures(plan, **options)
        return figures, kf.prioritization_verdict(figures)
    figures = kf.whatif_key_figures(plan, params.get("weights") or None, **options)
    return figures, kf.whatif_verdict(figures)


def first_words(text: str, count: int = 6) -> str:
    """The first ``count`` space-separated words of a verdict (a Thai clause has few spaces: a long prefix)."""
    return " ".join(text.split()[:count])


@pytest.mark.parametrize(("template", "org"), CASES, ids=[f"{t}-{o}" for t, o in CASES])
def test_page_one_holds_the_key_figures_and_verdict(report_files, template: str, org: str) -> None:
    folder, entry = report_files(template, org)
    assert entry["status"] == "ok", entry.get("error")
    figures, (verdict_th, verdict_en) = expected(template, entry["parameters"])
    assert figures and verdict_th and verdict_en
    pdf = folder / f"{template}.pdf"
    for reader, text in (("pdfium", page_one_pdfium(pdf)), ("poppler", page_one_poppler(pdf))):
        if text is None:
            continue
        assert searchable("ตัวเลขสำคัญ / Key figures") in text, reader
        for figure in figures:
            assert searchable(figure.label("th")) in text, (reader, figure.key, figure.label("th"))
            assert searchable(figure.value_text("th")) in text, (reader, figure.key, figure.value_text("th"))
            if figure.change_short("th"):
                assert searchable(figure.change_short("th")) in text, (reader, figure.key, "change")
            if figure.note:
                assert searchable(figure.note[:40]) in text, (reader, figure.key, "note")
        assert searchable(first_words(verdict_th)) in text, (reader, "verdict", first_words(verdict_th))
        assert searchable(first_words(verdict_en)) in text, (reader, "verdict (English)")
        assert not any(searchable(h) in text for h in APPENDIX), (reader, "the appendix starts after page 1")
    words = page_one_raw(pdf)
    for word in ("inf", "nan", "None", "-0"):
        assert not re.search(rf"(?<![\w.]){re.escape(word)}(?![\w.])", words), word


def test_page_one_values_issue_17_asked_for(report_files) -> None:
    """The literal page-1 values: swot's strongest items where the plan scores them, no IE position without
    weights (hwfund, mol), the prioritization top project and its stability, and what-if's "no scenario"."""
    swot, _ = expected("swot", report_files("swot", "hwfund")[1]["parameters"])
    assert [find(swot, f"top_{q}").value for q in "SWOT"] == ["S5", "W3", "O1", "T2"]
    position = find(swot, "position")
    assert position.missing and position.status == "not scored"
    mol, mol_verdict = expected("swot", report_files("swot", "mol")[1]["parameters"])
    assert all(f.missing for f in mol) and mol_verdict[0].startswith("แผนไม่ได้ให้คะแนนรายข้อ")
    text = page_one_pdfium(report_files("swot", "mol")[0] / "swot.pdf")
    assert searchable("ไม่ระบุตำแหน่งเชิงกลยุทธ์") in text and searchable("ช่อง V") not in text
    prio, prio_verdict = expected("prioritization", report_files("prioritization", "ditp")[1]["parameters"])
    assert find(prio, "top").value == "1.1.1" and prio_verdict[0].startswith("โครงการ 1.1.1 ได้อันดับ 1")
    whatif, whatif_verdict = expected("whatif", report_files("whatif", "hwfund")[1]["parameters"])
    assert find(whatif, "scenario").status == "no scenario"
    assert whatif_verdict[0].startswith("ไม่ได้กำหนดสถานการณ์สมมติ อันดับจึงเท่ากับแผน")
    folder, _ = report_files("whatif", "hwfund")
    text = page_one_pdfium(folder / "whatif.pdf")
    assert searchable("ไม่ได้กำหนดสถานการณ์") in text and searchable("ไม่จำกัด") in text
    page = (folder / "whatif.html").read_text(encoding="utf-8")
    assert "set the weights parameter" not in page.lower() and "Set the weights parameter" not in page
