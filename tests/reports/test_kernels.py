"""Report kernels forked from each worker's kernel mother: warm, isolated, in the report's folder, and gone after."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
import report_fixtures as fx  # tests/fixtures, on sys.path through tests/conftest.py

from planlib.inputs import snapshot
from planlib.reports import kernels, pool
from planlib.reports import templates as tpl
from planlib.reports.batch import plan_run
from planlib.reports.jobs import Settings

PROBE = """\
import json, os, sys

def socket_inodes(pid):
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


warm = sorted(name for name in ("pandas", "matplotlib.pyplot", "planlib.plans.swot", "ipykernel.kernelapp")
              if name in sys.modules)
leak_before = hasattr(json, "planlib_probe")
json.planlib_probe = "set by an earlier report"
print(json.dumps({"warm": warm, "leak_before": leak_before, "cwd": os.getcwd(), "pid": os.getpid(),
                  "mother": os.getppid(), "session": os.getsid(0), "argv": sys.argv,
                  "mothers_sockets_held": sorted(socket_inodes(os.getpid()) & socket_inodes(os.getppid())),
                  "snapshots": os.environ.get("SNAPSHOT_ENV")}))
""".replace("SNAPSHOT_ENV", snapshot.SNAPSHOT_ENV)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sources: dict[str, str], **limits: float):
    """Run one fixture report per ``sources`` item (template name → its code), in order, on one worker."""
    names = tuple(sources)
    for name, source in sources.items():
        fx.write_template(tmp_path / f"{name}.ipynb", source)
        monkeypatch.setitem(tpl.TEMPLATES, name, tpl.Template(name, "รายงานทดสอบ", "fixture", fx.FixtureParams))
    requests = [{"template": name, "org": "hwfund"} for name in names]
    plan = plan_run(fx.DATA, tmp_path / "reports", requests=requests, settings=Settings(pdf=False, **limits),
                    notebook_dir=tmp_path)
    for job in plan.jobs:
        Path(job.folder).mkdir(parents=True, exist_ok=True)
    folder = tmp_path / "snapshots"
    return plan.jobs, pool.run_jobs(plan.jobs, workers=1, progress=False, snapshots=folder), folder


def test_each_report_gets_its_own_warm_kernel_forked_from_one_mother(tmp_path: Path, monkeypatch) -> None:
    """Two reports on one worker: both kernels start with pandas, matplotlib and planlib loaded, neither sees
    what the other did, each runs in its report's staging folder with the batch's snapshot folder, and each
    leads its own session (signals to it reach nothing else). Both are children of the same mother, which
    is gone with its worker when the batch ends."""
    jobs, results, folder = _run(tmp_path, monkeypatch, {"probe_a": PROBE, "probe_b": PROBE})
    assert [r.status for r in results] == ["ok", "ok"], [r.error for r in results]
    seen = []
    for job in jobs:
        nb = nbformat.read(Path(job.folder) / f"{job.template}.ipynb", as_version=4)
        seen.append(json.loads(nb.cells[-1].outputs[0]["text"]))
    for probe, job in zip(seen, jobs):
        assert probe["warm"] == ["ipykernel.kernelapp", "matplotlib.pyplot", "pandas", "planlib.plans.swot"]
        assert probe["leak_before"] is False
        assert Path(probe["cwd"]).name.startswith(".staging-" + job.template)
        assert probe["snapshots"] == str(folder)
        assert probe["session"] == probe["pid"]
        assert probe["mothers_sockets_held"] == []  # the mother's socket to the worker stays the mother's alone
        assert probe["argv"][0].endswith("ipykernel_launcher.py") and probe["argv"][1] == "-f"  # as a started kernel
    assert seen[0]["pid"] != seen[1]["pid"]
    assert seen[0]["mother"] == seen[1]["mother"]
    assert not psutil.pid_exists(seen[0]["mother"]) or psutil.Process(seen[0]["mother"]).status() == "zombie"


def test_a_forked_kernel_that_overruns_its_cell_limit_is_stopped(tmp_path: Path, monkeypatch) -> None:
    """The cell limit still holds for a forked kernel: the report times out and its kernel does not live on."""
    source = "import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(120)\n"
    _, results, _ = _run(tmp_path, monkeypatch, {"sleeper": source}, cell_timeout=3)
    assert results[0].status == "timeout", results[0].error
    kernels_left = [p for p in psutil.process_iter(["cwd"]) if str(p.info.get("cwd") or "").startswith(str(tmp_path))]
    assert kernels_left == []


def test_a_kernel_that_dies_is_reported_and_the_next_report_still_gets_a_kernel(tmp_path: Path, monkeypatch) -> None:
    """A report whose kernel exits hard is ``crashed`` (nbclient sees the kernel gone); the mother forks the next."""
    jobs, results, _ = _run(tmp_path, monkeypatch, {"dies_here": "import os\nos._exit(3)\n", "probe_after": PROBE})
    assert results[0].status == "crashed", results[0]
    assert results[0].error["code"] == "kernel_died"
    assert results[1].status == "ok", results[1].error
    nb = nbformat.read(Path(jobs[1].folder) / "probe_after.ipynb", as_version=4)
    assert json.loads(nb.cells[-1].outputs[0]["text"])["leak_before"] is False


def test_when_the_mother_is_gone_the_next_report_starts_its_kernel_the_usual_way(tmp_path: Path, monkeypatch) -> None:
    """A report kills the worker's kernel mother (as an out-of-memory kill would): the next report on that
    worker still gets a kernel, started by ipykernel as before the mothers existed, and runs."""
    kill_mother = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
    jobs, results, _ = _run(tmp_path, monkeypatch, {"kills_mother": kill_mother, "probe_after": PROBE})
    assert results[1].status == "ok", results[1].error
    nb = nbformat.read(Path(jobs[1].folder) / "probe_after.ipynb", as_version=4)
    probe = json.loads(nb.cells[-1].outputs[0]["text"])
    assert "planlib.plans.swot" not in probe["warm"]  # a fresh interpreter: nothing preloaded
    assert probe["leak_before"] is False


def test_process_alive_counts_a_zombie_as_dead() -> None:
    """An exited process nobody has reaped yet holds no pipes or files: waiting for it to be reaped only costs time."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    proc = psutil.Process(child.pid)
    assert kernels.process_alive(proc)
    deadline = time.monotonic() + 60
    while proc.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:  # exited, not reaped (no wait yet)
        time.sleep(0.05)
    assert proc.status() == psutil.STATUS_ZOMBIE and not kernels.process_alive(proc)
    child.wait()
    assert not kernels.process_alive(proc)


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        ([sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/k.json"], True),
        ([sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/k.json", "--HistoryManager.hist_file=x"], True),
        (["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "/tmp/k.json"], False),  # another interpreter
        ([sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/k.json", "--debug"], False),  # not an option=value
        ([sys.executable, "-m", "other_kernel", "-f", "/tmp/k.json"], False),
    ],
)
def test_only_this_interpreters_ipykernel_is_forked(cmd: list[str], expected: bool) -> None:
    assert kernels.forkable(cmd) is expected


def test_every_kernel_preload_is_a_module_here() -> None:
    """A misspelt preload would be skipped silently in the mother; here it fails."""
    import importlib.util

    missing = [name for name in kernels.PRELOAD if importlib.util.find_spec(name) is None]
    assert missing == []
    assert set(kernels.PRELOAD) <= set(pool.PRELOAD)
