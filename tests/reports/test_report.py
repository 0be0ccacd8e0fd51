"""The report runner on small fixture notebooks: outputs, failures, timeouts, atomicity, Ctrl-C, a full disk,
result-table hashes, hostile parameters and organisation codes, and script in data escaped in a real report."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import report_fixtures as fx  # tests/fixtures, on sys.path through tests/conftest.py

from planlib import cli
from planlib.reports import outputs, pool, render
from planlib.reports import templates as tpl
from planlib.reports.batch import plan_run
from planlib.reports.command_line import execute_plan
from planlib.reports.jobs import PROGRESS_FILE, Settings, last_progress
from planlib.reports.worker import result_tables

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
    written = {"ok_report.ipynb", "ok_report.html", "ok_report.pdf", "ok_report.docx", "manifest.json"}
    failed = {"failing.failed.ipynb", "dies.failed.ipynb", "hangs.failed.ipynb"}
    assert {p.name for p in folder.iterdir()} == written | failed
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
    assert entry["parameters"] == {"org": "hwfund", "data_dir": str(tpl.DEFAULT_DATA_DIR), "fy": 2568, "quarter": None}
    assert re.fullmatch(r"[0-9a-f]{64}", entry["inputs"]["hwfund/plan.csv"])
    assert "notebooks/ok_report.ipynb" in entry["inputs"]
    assert entry["packages"]["papermill"] and entry["packages"]["weasyprint"] != "not installed"
    assert entry["started"] <= entry["finished"] and entry["error"] is None
    assert entry["outputs"] == ["ok_report.docx", "ok_report.html", "ok_report.ipynb", "ok_report.pdf"]
    stages = entry["stages_s"]  # where the report's time went, step by step, within its whole duration
    assert list(stages) == ["notebook", "html", "pdf", "word"]
    assert all(seconds > 0 for seconds in stages.values())
    assert sum(stages.values()) <= entry["duration_s"] + 0.01


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
    assert "hwfund/2568/ok_report.docx" in index and "hwfund/2568/ok_report.ipynb" in index
    assert "hwfund/2568/failing.failed.ipynb" in index and "ปีงบประมาณ 2568" in index


def test_a_failed_rerun_keeps_the_previous_good_report(batch, tmp_path, monkeypatch):
    fx.register(monkeypatch)
    out = tmp_path / "reports"
    assert fx.build(out, ["ok_report"]) == 0
    folder = out / "hwfund" / "2568"
    kept = ("ok_report.ipynb", "ok_report.html", "ok_report.pdf", "ok_report.docx")
    before = {name: (folder / name).read_bytes() for name in kept}
    # determinism: this second run of ok_report shows the very same tables as the batch's run
    first = batch[3]["reports"]["ok_report"]["result_tables"]
    again = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]["ok_report"]["result_tables"]
    assert first == again and first["count"] == 1 and re.fullmatch(r"[0-9a-f]{64}", first["sha256"])
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

    monkeypatch.setattr(pool, "Worker", no_workers)
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
        err = capsys.readouterr().err  # a refused report, or the one --fy/--quarter message naming the parameter
        assert "refused" in err or "parameter '" in err, err
    assert not out.exists()


def _left_behind(session: int, root: Path) -> list[str]:
    """Live processes of the batch's session (fork server, workers) or working inside ``root`` (kernels)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            if os.getsid(proc.pid) == session or proc.cwd().startswith(str(root)):
                found.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
        except (psutil.Error, OSError):
            continue
    return found


CTRL_C = {
    # how the batch was started (its inherited SIGINT disposition), and who gets the SIGINT
    "terminal": (signal.SIG_DFL, "group"),  # Ctrl-C at a terminal: the whole process group, fork server and workers too
    "kill": (signal.SIG_DFL, "process"),  # kill -INT <pid>
    "background": (signal.SIG_IGN, "process"),  # `planlib report &` in a script: Python keeps an inherited SIG_IGN
}


@pytest.mark.parametrize("case", sorted(CTRL_C))
def test_ctrl_c_keeps_finished_reports_and_leaves_no_half_files(tmp_path, case):
    """Ctrl-C while one report is done and one hangs: the batch stops, keeps the finished report, leaves nothing.

    The "background" case is the intermittent failure of issue 15: a batch started with SIGINT ignored (a
    background job of a non-interactive shell, as a full test run started that way passes on to this test's
    subprocess) went on running after the SIGINT until its cell limit.
    """
    out = tmp_path / "reports"
    folder = out / "hwfund" / "2568"
    disposition, target = CTRL_C[case]
    command = [sys.executable, str(Path(fx.__file__)), str(out), "ok_report", "hangs"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a Ctrl-C to the group reaches the batch only
        preexec_fn=lambda: signal.signal(signal.SIGINT, disposition),
    )
    deadline = time.monotonic() + 120
    while not (folder / "ok_report.pdf").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.3)
    time.sleep(1.0)  # the hanging report is running now
    if target == "group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    try:
        stdout, _ = proc.communicate(timeout=120)  # returns once every process holding its pipes is gone
    except subprocess.TimeoutExpired:
        left = _left_behind(proc.pid, tmp_path)
        for pid in (int(line.split()[0]) for line in left):
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        out_text, err_text = proc.communicate()
        pytest.fail(
            f"the batch did not stop within 120 s of Ctrl-C; left: {left}\n"
            f"stdout: {out_text[-2000:]}\nstderr: {err_text[-4000:]}"
        )
    assert proc.returncode == 130
    deadline = time.monotonic() + 30
    while _left_behind(proc.pid, tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _left_behind(proc.pid, tmp_path) == []
    written = {p.name for p in folder.iterdir()}
    assert {"ok_report.html", "ok_report.pdf", "ok_report.docx", "ok_report.ipynb"} <= written
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert manifest["ok_report"]["status"] == "ok" and manifest["hangs"]["status"] == "interrupted"
    assert "interrupted" in stdout


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "manifest.json"}


def test_a_full_disk_rolls_back_one_report_and_the_others_complete(tmp_path, monkeypatch):
    """ENOSPC simulated where a finished report is moved into place (outputs.move_into_place), on its second file."""
    fx.register(monkeypatch)
    out = tmp_path / "reports"
    folder = out / "hwfund" / "2568"
    assert fx.build(out, ["ok_report", "trivial"], pdf=False) == 0
    good = _snapshot(folder)
    good_manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    good_tables = good_manifest["reports"]["ok_report"]["result_tables"]
    real_move, calls = outputs.move_into_place, []

    def full_disk(source: Path, target: Path) -> None:
        calls.append(target.name)
        if target.name == "ok_report.ipynb":  # ok_report.html then .ipynb: the .html is already in place by now
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real_move(source, target)

    monkeypatch.setattr(outputs, "move_into_place", full_disk)
    assert fx.build(out, ["ok_report", "trivial"], pdf=False) == 1
    assert "ok_report.html" in calls and "trivial.ipynb" in calls
    assert set(_snapshot(folder)) == set(good)  # trivial was rebuilt; nothing half-written beside it
    assert {k: v for k, v in _snapshot(folder).items() if k.startswith("ok_report")} == {
        k: v for k, v in good.items() if k.startswith("ok_report")
    }  # the new HTML was rolled back
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging, backup or temporary file
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]
    entry = manifest["ok_report"]
    assert entry["status"] == "failed" and entry["error"]["stage"] == "write"
    assert entry["error"]["errno"] == errno.ENOSPC and entry["error"]["code"] == "report_not_written"
    assert "No space left on device" in entry["error"]["message"] and entry["last_good"]["status"] == "ok"
    assert manifest["trivial"]["status"] == "ok"
    monkeypatch.setattr(outputs, "move_into_place", real_move)
    assert fx.build(out, ["ok_report", "trivial"], pdf=False) == 0  # re-running is idempotent: same files, same tables
    assert set(_snapshot(folder)) == set(good)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert manifest["ok_report"]["status"] == "ok" and manifest["ok_report"]["result_tables"] == good_tables


def test_result_tables_hash_covers_what_is_shown_not_when(tmp_path):
    import nbformat

    def notebook(tables: list[str], stamp: str) -> object:
        nb = nbformat.v4.new_notebook()
        shown = [
            nbformat.v4.new_output(
                "display_data",
                data={"text/html": t},
                metadata={"planlib_table": {"sha256": hashlib.sha256(t.encode()).hexdigest()}},
            )
            for t in tables
        ]
        shown.append(nbformat.v4.new_output("stream", name="stdout", text=stamp))
        nb.cells = [nbformat.v4.new_code_cell("x", outputs=shown)]
        return nb

    a = result_tables(notebook(["<td>1.50</td>", "<td>2</td>"], "12:00"))
    assert a == result_tables(notebook(["<td>1.50</td>", "<td>2</td>"], "13:07"))
    assert a != result_tables(notebook(["<td>1.51</td>", "<td>2</td>"], "12:00"))
    assert a != result_tables(notebook(["<td>2</td>", "<td>1.50</td>"], "12:00")) and a["count"] == 2


HOSTILE = [
    'x"; import pathlib; pathlib.Path(r"{marker}").touch(); y = "',
    "x'''; __import__('pathlib').Path(r'{marker}').touch(); '''",
    'back\\slash \\" \\n {{}} %s ${{HOME}} `id` $(touch {marker})',
    '"""; open(r"{marker}", "w"); """',
]


def test_hostile_parameter_text_reaches_the_notebook_as_text_and_never_runs(tmp_path, monkeypatch):
    """Quotes, backslashes and Python code in a text parameter: injected as a literal, shown escaped, never executed."""
    from papermill.translators import PythonTranslator

    fx.register(monkeypatch)
    marker = tmp_path / "PWNED"
    values = [h.format(marker=marker) for h in HOSTILE]
    for value in values:  # the check the worker repeats before any kernel starts
        params = {"org": "hwfund", "title": value}
        assert tpl.injected_source_is_literal(PythonTranslator.codify(params), params)
    out = tmp_path / "reports"
    value = " | ".join(values)
    assert fx.build(out, ["echo"], params={"echo": {"title": value}}, pdf=False) == 0
    folder = out / "hwfund" / "2568"
    executed = json.loads((folder / "echo.ipynb").read_text(encoding="utf-8"))
    outputs_ = [o for c in executed["cells"] for o in c.get("outputs", [])]
    printed = "".join("".join(o.get("text", "")) for o in outputs_ if o.get("name") == "stdout")
    assert printed.strip() == repr(value)
    page = (folder / "echo.html").read_text(encoding="utf-8")
    assert html.escape(values[0], quote=False) in page and "<script" not in page.lower()
    assert not marker.exists() and not (folder / "PWNED").exists()
    for bad in ("x\nimport os", "x\rimport os", "a\u2028b", "nul\x00"):  # control characters: refused before any worker
        plan = plan_run(tpl.DEFAULT_DATA_DIR, out, requests=[{"template": "echo", "org": "hwfund", "title": bad}])
        assert plan.refused and not plan.jobs


def test_organisation_codes_cannot_leave_the_data_or_reports_folder(tmp_path, monkeypatch):
    fx.register(monkeypatch)
    data = tmp_path / "data"
    data.mkdir()
    shutil.copytree(tpl.DEFAULT_DATA_DIR / "mol", data / "mol")
    outside = tmp_path / "outside"
    shutil.copytree(tpl.DEFAULT_DATA_DIR / "mol", outside)
    (data / "linked").symlink_to(outside, target_is_directory=True)  # a valid-looking code whose folder is elsewhere
    out = tmp_path / "reports"
    for org in ("../mol", "../../etc", "/etc", str(data / "mol"), "mol/../../x", "linked", "MOL", "mol\x00", ".."):
        plan = plan_run(data, out, requests=[{"template": "trivial", "org": org}])
        assert plan.refused and not plan.jobs, org
    plan = plan_run(data, out, requests=[{"template": "trivial", "org": "mol"}])
    assert not plan.refused and all(Path(j.folder).is_relative_to(out.resolve()) for j in plan.jobs)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["data", "outside"]


def test_script_in_project_names_and_swot_text_shows_as_text_in_real_reports(tmp_path):
    """The real swot and prioritization templates on a copy of hwfund with <script> typed into the data."""
    data = tmp_path / "data"
    shutil.copytree(tpl.DEFAULT_DATA_DIR / "hwfund", data / "hwfund")
    script = "<script>alert('xss')</script>"
    swot = (data / "hwfund" / "swot.csv").read_text(encoding="utf-8").replace("S1,S,", f"S1,S,{script}", 1)
    (data / "hwfund" / "swot.csv").write_text(swot, encoding="utf-8")
    projects = (data / "hwfund" / "projects.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    projects[1] = projects[1].replace("1,", f"1,{script}<img src=x onerror=alert(1)>", 1)
    (data / "hwfund" / "projects.csv").write_text("".join(projects), encoding="utf-8")
    out = tmp_path / "reports"
    requests = [{"template": t, "org": "hwfund"} for t in ("swot", "prioritization")]
    plan = plan_run(data, out, requests=requests, settings=Settings(pdf=False))
    assert not plan.refused and len(plan.jobs) == 2
    assert execute_plan(plan, out.resolve(), data, workers=2, progress=False) == 0
    for name in ("swot", "prioritization"):
        page = next(out.rglob(f"{name}.html")).read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(" in page and "&lt;/script&gt;" in page, name  # shown as text
        assert "<script" not in page.lower() and "<img src=x" not in page, name
        entry = json.loads(next(out.rglob("manifest.json")).read_text(encoding="utf-8"))["reports"][name]
        assert entry["result_tables"]["count"] > 0


def test_a_long_report_shows_its_steps_beside_the_bar_and_not_in_the_report(tmp_path, monkeypatch, capsys):
    fx.register(monkeypatch)
    out = tmp_path / "reports"
    assert fx.build(out, ["steps"], workers=1, progress=True, cell_timeout=60, report_timeout=120) == 0
    shown = capsys.readouterr().err
    assert "hwfund/2568/steps: ขั้นที่ 1 จาก 3 / step 1 of 3" in shown and "step 3 of 3" in shown
    folder = out / "hwfund" / "2568"
    written = sorted(p.name for p in folder.iterdir() if p.name.startswith("steps"))
    assert written == ["steps.docx", "steps.html", "steps.ipynb", "steps.pdf"]
    assert not (folder / PROGRESS_FILE).exists()
    page = (folder / "steps.html").read_text(encoding="utf-8")
    assert "เสร็จ / done" in page and "step 1 of 3" not in page  # stderr is shown in JupyterLab, never in the report


def test_last_progress_reads_only_the_last_line(tmp_path):
    assert last_progress(tmp_path) == ""
    lines = "เตรียมข้อมูล / preparing\n" + "x" * 10_000 + "\nloans 1–250,000 (1/4)\n"
    (tmp_path / PROGRESS_FILE).write_text(lines, encoding="utf-8")
    assert last_progress(tmp_path) == "loans 1–250,000 (1/4)"
