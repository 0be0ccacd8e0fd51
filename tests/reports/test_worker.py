"""A pool process on its own: it ends itself and its kernel when the main process is gone; its private
kernelspec; the error records of failed notebooks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from planlib.reports import kernels, worker

WORKER = """\
import subprocess, sys, time
from planlib.reports.worker import end_with_parent
kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
print(kernel.pid, flush=True)
end_with_parent(int(sys.argv[1]), interval=0.1)
time.sleep(600)  # a cell that runs for ten minutes
"""


def test_a_worker_ends_itself_and_its_kernel_when_the_main_process_is_killed_hard() -> None:
    main = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    pool_process = subprocess.Popen([sys.executable, "-c", WORKER, str(main.pid)], stdout=subprocess.PIPE, text=True)
    assert pool_process.stdout is not None
    kernel = psutil.Process(int(pool_process.stdout.readline()))
    assert pool_process.poll() is None and kernels.process_alive(kernel)
    main.send_signal(signal.SIGKILL)  # no clean-up of its own: the worker must notice
    main.wait()
    assert pool_process.wait(timeout=60) == 1  # the watcher's os._exit(1), not the ten-minute cell
    deadline = time.monotonic() + 10  # SIGKILL was sent before the worker left; its delivery takes a moment
    while kernels.process_alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not kernels.process_alive(kernel)


def test_private_kernelspec_runs_this_interpreter(monkeypatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", "/elsewhere")
    root = Path(worker.private_kernelspec())
    try:
        spec = json.loads((root / "kernels" / worker.KERNEL_NAME / "kernel.json").read_text())
        assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
        assert os.environ["JUPYTER_PATH"].split(os.pathsep) == [str(root), "/elsewhere"]  # first on the path
    finally:
        shutil.rmtree(root)


def test_error_records_carry_a_catalogue_code_and_both_languages() -> None:
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    failed = PapermillExecutionError(4, 4, "\nraise ValueError()", "ValueError", "deliberate failure", ["tb"])
    status, record = worker.error_from(failed)
    assert status == "failed" and record["code"] == "cell_raised"
    assert record["message"] == "cell 4 (In [4]) raised ValueError: deliberate failure"
    assert record["message_th"] == "เซลล์ 4 (In [4]) เกิดข้อผิดพลาด ValueError: deliberate failure"
    assert (record["cell_index"], record["execution_count"], record["cell_source"]) == (4, 4, "raise ValueError()")
    status, record = worker.error_from(DeadKernelError("kernel died"))
    assert (status, record["code"], record["stage"]) == ("crashed", "kernel_died", "execute")
    status, record = worker.error_from(RuntimeError("Kernel didn't respond in 60 seconds"))
    assert (status, record["code"], record["stage"]) == ("timeout", "kernel_no_start", "start")
    status, record = worker.error_from(OSError("disk"))
    assert (status, record["code"]) == ("failed", "notebook_failed")
    assert record["message"] == "the notebook could not be run: disk"
