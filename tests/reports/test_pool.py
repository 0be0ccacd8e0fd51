"""The pool's process handling: fork server preloads, workers that start ignoring Ctrl-C, killing a worker's
tree, and the signal handling that makes a batch stop (or not be cut in half)."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from planlib.reports import pool
from planlib.reports.worker import process_alive


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
