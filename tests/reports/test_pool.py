"""The pool's process handling: fork server preloads, workers that start ignoring Ctrl-C, killing a worker's
tree, and the signal handling that makes a batch stop (or not be cut in half); each organisation loaded once
per batch."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
import report_fixtures as fx  # tests/fixtures, on sys.path through tests/conftest.py

from planlib.inputs import snapshot
from planlib.reports import pool
from planlib.reports import templates as tpl
from planlib.reports.batch import plan_run
from planlib.reports.jobs import Settings
from planlib.reports.kernels import process_alive
from planlib.reports.outputs import Manifests, file_sha256


def _sigint_ignored(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGINT, from the kernel's own record (``SigIgn`` in /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    return bool(mask & (1 << (signal.SIGINT - 1)))


def test_every_preloaded_module_exists() -> None:
    """The fork server skips a preload it cannot import, silently: a renamed module would only cost speed."""
    for name in pool.PRELOAD:
        assert importlib.import_module(name).__name__ == name


def test_workers_start_with_ctrl_c_ignored_before_their_own_code_runs() -> None:
    """A terminal's Ctrl-C reaches the whole process group: a worker must not die of it while it starts up."""
    ctx = pool.context()
    process = ctx.Process(target=time.sleep, args=(60,), daemon=True)  # no code of ours changes a signal here
    process.start()
    try:
        assert _sigint_ignored(process.pid)
    finally:
        pool.kill_tree(process.pid)
        process.join(10)
    assert process.exitcode == -signal.SIGKILL


def test_kill_tree_kills_a_worker_and_a_kernel_in_its_own_session(tmp_path: Path) -> None:
    """Kernels run in their own sessions (a process group would miss them); the tree is followed instead."""
    script = (
        "import subprocess, sys, time\n"
        "kernel = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n"
        "print(kernel.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None
    kernel = psutil.Process(int(worker.stdout.readline()))
    assert os.getsid(kernel.pid) != os.getsid(worker.pid)
    pool.kill_tree(worker.pid)
    assert not process_alive(kernel)
    assert worker.wait(10) == -signal.SIGKILL


def test_kill_tree_of_a_process_that_is_gone_does_nothing() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    pool.kill_tree(gone.pid)
    pool.kill_tree(None)


def test_stop_signals_makes_ctrl_c_stop_a_batch_started_with_it_ignored() -> None:
    """A background job of a script starts with SIGINT ignored; while a batch runs, Ctrl-C and SIGTERM stop it."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with pool.stop_signals():
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
            assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
            with pytest.raises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)  # the handler runs at the next bytecode; the sleep is interrupted
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # put back as it was
    finally:
        signal.signal(signal.SIGINT, previous)


def test_deferred_interrupts_hold_ctrl_c_until_the_block_is_done() -> None:
    before = signal.getsignal(signal.SIGINT)
    done = []
    with pytest.raises(KeyboardInterrupt), pool.deferred_interrupts():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        done.append("the whole block ran")
    assert done == ["the whole block ran"]
    assert signal.getsignal(signal.SIGINT) is before


LOADING_NOTEBOOK = """\
from pathlib import Path

import planlib

folder = Path(data_dir) / org
plan = planlib.load_plan(folder)
book = planlib.load_portfolio(folder)
print(len(plan.swot), len(book.loans), flush=True)
"""


def test_a_batch_loads_each_organisation_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two reports on two workers, each loading hwfund's plan and portfolio: one load each, the other report reuses it.

    The loads are counted in the batch's load log (one line per load or reuse, written by the kernels);
    the manifest still records the sha256 of every input file.
    """
    names = ("loads_plan", "loads_book")
    for name in names:
        fx.write_template(tmp_path / f"{name}.ipynb", LOADING_NOTEBOOK)
        monkeypatch.setitem(tpl.TEMPLATES, name, tpl.Template(name, "รายงานทดสอบ", "fixture", fx.FixtureParams))
    out = tmp_path / "reports"
    requests = [{"template": name, "org": "hwfund"} for name in names]
    plan = plan_run(fx.DATA, out, requests=requests, settings=Settings(pdf=False), notebook_dir=tmp_path)
    assert not plan.refused and len(plan.jobs) == 2
    for job in plan.jobs:
        Path(job.folder).mkdir(parents=True, exist_ok=True)
    folder = tmp_path / "snapshots"
    results = pool.run_jobs(plan.jobs, workers=2, progress=False, manifest=Manifests(fx.DATA, out), snapshots=folder)
    assert [r.status for r in results] == ["ok", "ok"], [r.error for r in results]
    log = snapshot.load_log(folder)
    hwfund = str((fx.DATA / "hwfund").resolve())
    assert {path for _, _, path in log} == {hwfund}
    for loader in ("load_plan", "load_portfolio"):
        assert sorted(event for event, name, _ in log if name == loader) == ["load", "reuse"]
    executed = [nbformat.read(Path(job.folder) / f"{job.template}.ipynb", as_version=4) for job in plan.jobs]
    printed = {nb.cells[-1].outputs[0]["text"] for nb in executed}
    assert len(printed) == 1  # both reports saw the same tables
    manifest = json.loads((Path(plan.jobs[0].folder) / "manifest.json").read_text(encoding="utf-8"))
    inputs = manifest["reports"][names[0]]["inputs"]
    assert inputs["hwfund/swot.csv"] == file_sha256(fx.DATA / "hwfund" / "swot.csv")
    assert inputs["hwfund/synthetic/loans.csv"] == file_sha256(fx.DATA / "hwfund" / "synthetic" / "loans.csv")


def test_a_temporary_snapshot_folder_is_private_and_removed_after_the_batch(tmp_path: Path, monkeypatch) -> None:
    """Without ``snapshots`` the kernels get a private temporary folder, removed when the batch ends."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    show = "import os, stat\nfolder = os.environ['PLANLIB_SNAPSHOTS']\n"
    show += "print(folder, oct(stat.S_IMODE(os.stat(folder).st_mode)))"
    fx.write_template(tmp_path / "shows_env.ipynb", show)
    monkeypatch.setitem(tpl.TEMPLATES, "shows_env", tpl.Template("shows_env", "ทดสอบ", "fixture", fx.FixtureParams))
    requests = [{"template": "shows_env", "org": "hwfund"}]
    plan = plan_run(fx.DATA, tmp_path / "out", requests=requests, settings=Settings(pdf=False), notebook_dir=tmp_path)
    Path(plan.jobs[0].folder).mkdir(parents=True)
    results = pool.run_jobs(plan.jobs, workers=1, progress=False)
    assert [r.status for r in results] == ["ok"], results[0].error
    executed = nbformat.read(Path(plan.jobs[0].folder) / "shows_env.ipynb", as_version=4)
    folder, mode = executed.cells[-1].outputs[0]["text"].split()
    assert Path(folder).parent == temp and Path(folder).name.startswith("planlib-snapshots-") and mode == "0o700"
    assert not Path(folder).exists()
