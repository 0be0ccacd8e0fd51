"""The report runner on small fixture notebooks: outputs, failures, timeouts, atomicity, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planlib import cli, render, report
from planlib import templates as tpl

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_fixtures as fx

ORG_NAME = "กองทุนเพื่อผู้รับงานไปทำที่บ้าน"  # data/hwfund/plan.csv org_name_th


def searchable(text: str) -> str:
    """Thai text as pypdf extracts it from a HarfBuzz-shaped PDF: no spaces, ำ read as า, no tone marks.

    HarfBuzz splits sara am (ำ) into nikhahit + sara aa; the PDF maps only the sara aa glyph
    back to text, and a tone mark stacked between them is lost with it.
    """
    text = re.sub(r"\s+", "", text).replace("ำ", "า")
    return re.sub("[\u0e48-\u0e4b\u0e4d;]", "", text)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One run: a good report, a failing cell, a kernel that dies, a cell that hangs (10 s limit)."""
    mp = pytest.MonkeyPatch()
    fx.register(mp)
    out = tmp_path_factory.mktemp("reports")
    code = fx.build(out, ["ok_report", "failing", "dies", "hangs"], cell_timeout=10, report_timeout=120)
    folder = out / "hwfund" / "2568"
    yield code, out, folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    mp.undo()


def test_a_failing_template_fails_the_batch_but_the_others_are_written(batch):
    code, _, folder, manifest = batch
    assert code == 1
    assert {p.name for p in folder.iterdir()} == {
        "ok_report.ipynb", "ok_report.html", "ok_report.pdf", "manifest.json",
        "failing.failed.ipynb", "dies.failed.ipynb", "hangs.failed.ipynb",
    }  # fmt: skip
    statuses = {name: entry["status"] for name, entry in manifest["reports"].items()}
    assert statuses == {"ok_report": "ok", "failing": "failed", "dies": "crashed", "hangs": "timeout"}


def test_manifest_names_the_failing_cell(batch):
    _, _, folder, manifest = batch
    error = manifest["reports"]["failing"]["error"]
    # cells: title, parameters, injected parameters, `x = 1`, the raise -> index 4, In [4]
    assert (error["cell_index"], error["execution_count"], error["ename"]) == (4, 4, "ValueError")
    assert "deliberate failure" in error["evalue"] and error["cell_source"].startswith("raise ValueError")
    failed = json.loads((folder / "failing.failed.ipynb").read_text(encoding="utf-8"))
    assert failed["metadata"]["papermill"]["exception"] is True
    assert any("papermill-error-cell-tag" in c.get("metadata", {}).get("tags", []) for c in failed["cells"])


def test_manifest_records_parameters_inputs_versions_and_times(batch):
    _, _, _, manifest = batch
    entry = manifest["reports"]["ok_report"]
    assert entry["parameters"] == {"org": "hwfund", "data_dir": str(tpl.DEFAULT_DATA_DIR), "fy": 2568}
    assert re.fullmatch(r"[0-9a-f]{64}", entry["inputs"]["hwfund/plan.csv"])
    assert "notebooks/ok_report.ipynb" in entry["inputs"]
    assert entry["packages"]["papermill"] and entry["packages"]["weasyprint"] != "not installed"
    assert entry["started"] <= entry["finished"] and entry["error"] is None
    assert entry["outputs"] == ["ok_report.html", "ok_report.ipynb", "ok_report.pdf"]


def test_html_is_self_contained_without_code(batch):
    _, _, folder, _ = batch
    page = (folder / "ok_report.html").read_text(encoding="utf-8")
    assert "รายงานทดสอบ (fixture)</h1>" in page or "รายงานทดสอบ (fixture)<a" in page  # the notebook's Thai heading
    assert f"หน่วยงาน: {ORG_NAME}" in page
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert render.external_references(page) == []
    assert "load_plan" not in page and "In&nbsp;[" not in page and "In [" not in page  # no code, no prompts
    assert "findfont" not in page  # stderr is not shown to readers


def test_pdf_is_a4_with_extractable_thai_from_the_data(batch):
    from pypdf import PdfReader

    _, _, folder, _ = batch
    pdf = PdfReader(folder / "ok_report.pdf")
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = searchable("".join(page.extract_text() for page in pdf.pages))
    assert searchable(f"หน่วยงาน: {ORG_NAME}") in text
    assert searchable("การพัฒนาระบบเทคโนโลยีสารสนเทศและดิจิทัล") in text  # data/hwfund/strategies.csv DI1
    fonts = {str(f["/BaseFont"]) for p in pdf.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("Noto-Sans-Thai" in f for f in fonts)  # embedded subsets of the pip font only


def test_index_links_every_report(batch):
    _, out, _, _ = batch
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "hwfund/2568/ok_report.html" in index and "hwfund/2568/ok_report.pdf" in index
    assert "hwfund/2568/failing.failed.ipynb" in index and "ปีงบประมาณ 2568" in index


def test_a_failed_rerun_keeps_the_previous_good_report(batch, tmp_path, monkeypatch):
    fx.register(monkeypatch)
    out = tmp_path / "reports"
    assert fx.build(out, ["ok_report"]) == 0
    folder = out / "hwfund" / "2568"
    before = {name: (folder / name).read_bytes() for name in ("ok_report.ipynb", "ok_report.html", "ok_report.pdf")}
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(fx.NOTEBOOKS / "failing.ipynb", broken / "ok_report.ipynb")  # same report, now failing
    assert fx.build(out, ["ok_report"], notebook_dir=broken) == 1
    assert {name: (folder / name).read_bytes() for name in before} == before
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]["ok_report"]
    assert entry["status"] == "failed" and entry["error"]["cell_index"] == 4
    assert entry["last_good"]["status"] == "ok"
    assert (folder / "ok_report.failed.ipynb").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging or temporary files left


def test_a_hung_kernel_is_killed_by_the_outer_limit(tmp_path, monkeypatch):
    fx.register(monkeypatch)
    out = tmp_path / "reports"
    t0 = time.monotonic()
    code = fx.build(out, ["hangs", "trivial"], cell_timeout=600, report_timeout=8)
    assert code == 1 and time.monotonic() - t0 < 120
    folder = out / "hwfund" / "2568"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert manifest["hangs"]["status"] == "timeout" and "killed" in manifest["hangs"]["error"]["message"]
    assert manifest["trivial"]["status"] == "ok"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_bad_parameters_are_refused_before_any_worker_or_kernel(tmp_path, monkeypatch, capsys):
    def no_workers(*args, **kwargs):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(report, "_Worker", no_workers)
    out = tmp_path / "reports"
    cases = [
        ["quarterly_progress", "--org", "unknown_org", "--fy", "2568", "--quarter", "2"],
        ["quarterly_progress", "--org", "hwfund", "--fy", "2025", "--quarter", "2"],
        ["quarterly_progress", "--org", "hwfund", "--fy", "2568", "--quarter", "5"],
        ["swot", "--org", "hwfund", "-p", 'weights_file="w.csv\\"\\nimport os"'],
        ["swot", "--org", "../hwfund"],
    ]
    for args in cases:
        assert cli.main(["report", *args, "--out", str(out), "--data-dir", str(tpl.DEFAULT_DATA_DIR)]) == 2
        assert "refused" in capsys.readouterr().err
    assert not out.exists()


def test_ctrl_c_keeps_finished_reports_and_leaves_no_half_files(tmp_path):
    out = tmp_path / "reports"
    folder = out / "hwfund" / "2568"
    proc = subprocess.Popen([sys.executable, str(Path(fx.__file__)), str(out), "ok_report", "hangs"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while not (folder / "ok_report.pdf").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.3)
    time.sleep(1.0)  # the hanging report is running now
    os.kill(proc.pid, signal.SIGINT)
    stdout, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert {"ok_report.html", "ok_report.pdf", "ok_report.ipynb"} <= {p.name for p in folder.iterdir()}
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert manifest["ok_report"]["status"] == "ok" and manifest["hangs"]["status"] == "interrupted"
    assert "interrupted" in stdout
