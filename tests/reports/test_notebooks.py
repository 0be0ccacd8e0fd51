"""Every template notebook that exists, run by ``planlib report`` on the shipped data for every org it applies to.

The whole default batch runs once per session (``built`` in tests/reports/conftest.py, 2 workers); each case then checks
its own outputs: status ok, the notebook's Thai title and a figure in the HTML, and Thai text
from the organisation's data in the PDF's extracted text.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from batch_cases import report_cases
from pdf_reading import searchable

from planlib.reports import render
from planlib.reports import templates as tpl

DATA = tpl.DEFAULT_DATA_DIR
THAI = re.compile("[\u0e01-\u0e5b]")
TEXT_COLUMNS = ("name_th", "text_th", "category_th", "borrower_type_th")
CASES = report_cases()


def _title(template: str) -> str:
    nb = json.loads(tpl.TEMPLATES[template].notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return re.sub(r"[*_`]", "", line.lstrip("#").strip())
    raise AssertionError(f"{template}.ipynb has no markdown title")


def _thai_strings(org: str) -> list[str]:
    data = tpl.scan_org(DATA / org)
    found = []
    for frame in data.tables.values():
        for column in TEXT_COLUMNS:
            if column in frame:
                found += [str(v) for v in frame[column].dropna() if THAI.search(str(v)) and len(str(v)) >= 8]
    return found


@pytest.mark.skipif(not CASES, reason="no template notebook written yet")
def test_the_batch_exits_zero(built):
    code, out = built
    assert code == 0, (out / "planlib-report.log").read_text(encoding="utf-8")[-3000:]


@pytest.mark.parametrize(("template", "org"), CASES, ids=[f"{t}-{o}" for t, o in CASES])
def test_report_has_thai_title_figure_and_thai_pdf_text(report_files, template, org):
    from pypdf import PdfReader

    folder, entry = report_files(template, org)
    assert entry["status"] == "ok", entry["error"]
    page = (folder / f"{template}.html").read_text(encoding="utf-8")
    body = html.unescape(re.sub(r"<[^>]+>", " ", page.split("<main>", 1)[1]))
    title = _title(template)
    assert THAI.search(title), f"{template}.ipynb title has no Thai: {title!r}"
    assert re.sub(r"\s+", " ", title) in re.sub(r"\s+", " ", body)
    assert re.search(r'<img[^>]+src="data:image/(png|svg\+xml);base64,', page), "no figure in the HTML"
    assert render.external_references(page) == []
    pdf = PdfReader(folder / f"{template}.pdf")
    text = searchable("".join(p.extract_text() for p in pdf.pages))
    strings = _thai_strings(org)
    assert any(searchable(s)[:12] in text for s in strings), "no Thai text from the data in the PDF"
