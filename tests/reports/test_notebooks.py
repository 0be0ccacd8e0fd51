"""Every template notebook that exists, run by ``planlib report`` on the shipped data for every org it applies to.

The whole default batch runs once per session (module fixture, 2 workers); each case then checks
its own outputs: status ok, the notebook's Thai title and a figure in the HTML, and Thai text
from the organisation's data in the PDF's extracted text.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from planlib.reports import pdf_text, render
from planlib.reports import templates as tpl
from planlib.reports.batch import plan_run
from planlib.reports.command_line import execute_plan

DATA = tpl.DEFAULT_DATA_DIR
THAI = re.compile("[\u0e01-\u0e5b]")
TEXT_COLUMNS = ("name_th", "text_th", "category_th", "borrower_type_th")


def _cases() -> list[tuple[str, str]]:
    cases = []
    for org in tpl.known_orgs(DATA):
        data = tpl.scan_org(DATA / org)
        for name, template in tpl.TEMPLATES.items():
            if template.notebook.exists() and template.applies_to(data) and template.periods(data):
                cases.append((name, org))
    return cases


CASES = _cases()


def searchable(text: str) -> str:
    """Text without whitespace (lines wrap anywhere), sara am folded as planlib.reports.pdf_text does."""
    return pdf_text.searchable(re.sub(r"\s+", "", text))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    plan = plan_run(DATA, out, templates=sorted({t for t, _ in CASES}))
    assert not plan.refused
    code = execute_plan(plan, out.resolve(), DATA, workers=2, progress=False)
    return code, out.resolve()


def _entry(out: Path, template: str, org: str) -> tuple[Path, dict]:
    for manifest in sorted((out / org).glob("*/manifest.json")):
        reports = json.loads(manifest.read_text(encoding="utf-8"))["reports"]
        if template in reports:
            return manifest.parent, reports[template]
    raise AssertionError(f"no manifest entry for {org}/{template}")


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
def test_report_has_thai_title_figure_and_thai_pdf_text(built, template, org):
    from pypdf import PdfReader

    _, out = built
    folder, entry = _entry(out, template, org)
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
