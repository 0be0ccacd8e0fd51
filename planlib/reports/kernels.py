"""Report kernels forked from a warm process instead of started from scratch.

A fresh ipykernel costs a report about a second to start, and its first cell about a second more
to import pandas, matplotlib and planlib. Each pool worker therefore keeps one **kernel mother**:
a process forked from the worker as it starts, before the worker has any thread, holding those
modules already imported (the fork server preloads :data:`PRELOAD`, so the mother pays nothing
for them) and the Thai font already parsed. Each report's kernel is a fresh fork of that
untouched mother, so reports stay isolated from one another exactly as before: one kernel
process per report, nothing carried from one report to the next.

The kernel is started by jupyter_client as usual (connection file, ports, heartbeat, interrupt,
shutdown), through :class:`ForkKernelManager`, whose provisioner asks the mother to fork
instead of running ``python -m ipykernel_launcher``. A worker without a mother (a report run
in the caller's own process, as some tests do) starts kernels the usual way.

The kernel is a child of the mother, the mother a child of the worker: the pool's
:func:`~planlib.reports.pool.kill_tree` and the worker's end-with-parent watch find and kill all
of them. The mother ends when its worker closes the socket (or dies); a kernel ends when its
mother is gone (ipykernel's parent poller).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import psutil

from planlib.fonts import register_with_matplotlib

PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib_inline.backend_inline",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "planlib",
    "planlib.charts",
    "planlib.display",
    "planlib.inputs.load",
    "planlib.inputs.snapshot",
    "planlib.inputs.thai",
    "planlib.plans.boardpack",
    "planlib.plans.gantt",
    "planlib.plans.key_figures",
    "planlib.plans.kpi",
    "planlib.plans.priority",
    "planlib.plans.progress",
    "planlib.plans.sensitivity",
    "planlib.plans.swot",
    "planlib.plans.value_for_money",
    "planlib.plans.whatif",
    "planlib.loans.books",
    "planlib.loans.key_figures",
    "planlib.loans.lending",
    "planlib.loans.lending_progress",
    "planlib.loans.loan_report",
    "planlib.loans.portfolio",
)
"""Modules a report kernel imports anyway: the fork server imports them once per session."""

KERNEL_MODULE = "ipykernel_launcher"
"""The kernelspec command this module knows how to replace with a fork (``python -m ipykernel_launcher``)."""

MOTHER: KernelMother | None = None
"""This worker's kernel mother, once :func:`start_mother` ran; None means kernels start the usual way."""


def preload(modules: Iterable[str] = PRELOAD) -> None:
    """Import ``modules`` (skipping any that cannot be imported here), then warm what every report redoes.

    The warm-up draws one Thai label on a bare ``Figure`` (no pyplot figure, so no backend is chosen here: the
    kernel's ``%matplotlib inline`` does that), so the font file is parsed and its
    glyph cache filled, and segments one Thai text, so PyThaiNLP's word list and stop words are
    loaded: once, in the process every kernel is forked from.
    """
    loaded = {}
    for name in modules:
        with contextlib.suppress(ImportError):
            loaded[name] = importlib.import_module(name)
    with contextlib.suppress(Exception):  # a warm-up only: a kernel without it is merely slower
        register_with_matplotlib()
        figure = loaded["matplotlib.pyplot"].Figure(figsize=(2, 1))
        figure.text(0.1, 0.5, "ปีงบประมาณ 2568 ร้อยละ")
        figure.savefig(io.BytesIO(), format="png")
        swot = loaded["planlib.plans.swot"]
        swot.wrap_words("การพัฒนาระบบเทคโนโลยีสารสนเทศของกองทุน", 12)
        swot.content_words("การพัฒนาระบบเทคโนโลยีสารสนเทศของกองทุน")


class KernelMother:
    """The worker's side of a kernel mother: :meth:`spawn` asks it for a kernel and gets its pid."""

    def __init__(self, sock: socket.socket, pid: int):
        self.sock, self.pid = sock, pid
        self.reader = sock.makefile("rb")

    def spawn(self, argv: list[str], cwd: str | None, env: Mapping[str, str]) -> int:
        """A new kernel for the app arguments ``argv`` (``-f FILE ...``), in ``cwd`` with exactly ``env``; its pid.

        The kernel leads its own session, as a kernel jupyter_client starts does.
        """
        request = {"argv": list(argv), "cwd": cwd, "env": dict(env)}
        self.sock.sendall(json.dumps(request).encode("utf-8") + b"\n")
        line = self.reader.readline()
        if not line:
            raise RuntimeError("the kernel mother is gone")
        reply = json.loads(line)
        if "pid" not in reply:
            raise RuntimeError(f"the kernel mother could not fork a kernel: {reply.get('error')}")
        return int(reply["pid"])

    def stop(self) -> None:
        """Close the socket: the mother reads end-of-file and exits."""
        with contextlib.suppress(OSError):
            self.reader.close()
            self.sock.close()


def start_mother(close: Iterable[int] = ()) -> KernelMother | None:
    """Fork this process's kernel mother (call it before this process starts any thread); set :data:`MOTHER`.

    ``close``: file descriptors of this process the mother must not hold (the worker's pipe to
    the main process). Where the system cannot fork (Windows), there is no mother and kernels
    start as usual. Should the mother die, the next kernel starts as usual too.
    """
    global MOTHER
    if not hasattr(os, "fork"):
        return None
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the mother
        try:
            ours.close()
            for fd in close:
                with contextlib.suppress(OSError):
                    os.close(fd)
            serve(theirs)
        finally:
            os._exit(0)
    theirs.close()
    MOTHER = KernelMother(ours, pid)
    return MOTHER


def serve(sock: socket.socket) -> None:
    """The mother's loop: preload, then fork one kernel per request until the worker closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system, never left as zombies
    preload()
    reader = sock.makefile("rb")
    while True:
        line = reader.readline()
        if not line:
            return
        try:
            request = json.loads(line)
            reply: dict[str, Any] = {"pid": fork_kernel(request, sock, reader)}
        except Exception as exc:  # the worker reports it; the mother stays up for the next report
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sock.sendall(json.dumps(reply).encode("utf-8") + b"\n")


def fork_kernel(request: Mapping[str, Any], sock: socket.socket, reader: io.BufferedReader) -> int:
    """Fork one kernel; return its pid once it leads its own session (so signals to its group reach only it).

    The kernel closes its copy of the mother's socket to the worker (``sock`` and the ``reader`` made on it, which
    holds the descriptor too): the worker must see end-of-file as soon as the mother is gone.
    """
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(ready_r)
            reader.close()
            sock.close()
            os.setsid()
            os.write(ready_w, b"1")
            os.close(ready_w)
            run_kernel(request)
            code = 0
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    os.close(ready_w)
    try:
        os.read(ready_r, 1)
    finally:
        os.close(ready_r)
    return pid


def run_kernel(request: Mapping[str, Any]) -> None:
    """In the forked kernel: the request's folder and environment, then ipykernel's app on its connection file."""
    for sig in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    if request.get("cwd"):
        os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    launcher = importlib.util.find_spec(KERNEL_MODULE)
    sys.argv = [launcher.origin if launcher and launcher.origin else KERNEL_MODULE, *request["argv"]]  # as if started
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize([*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])
    app.start()


def process_alive(proc: psutil.Process) -> bool:
    """True while ``proc`` runs. A zombie counts as dead: it holds no files or pipes, only its exit status."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class ForkedKernel:
    """What jupyter_client's local provisioner expects of a ``Popen``, for a kernel the mother forked.

    The kernel is the mother's child, not ours: it cannot be waited for, so it counts as ended
    once :func:`process_alive` says so (gone, a zombie, or its pid reused by another process).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self.process: psutil.Process | None = psutil.Process(pid)
        except psutil.Error:
            self.process = None

    def poll(self) -> int | None:
        if self.returncode is None and (self.process is None or not process_alive(self.process)):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self.process is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                self.process.send_signal(signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def forkable(cmd: list[str]) -> bool:
    """True when ``cmd`` is this interpreter's ``-m ipykernel_launcher -f FILE [--Option=value ...]``.

    That is the worker's private kernelspec; papermill adds options such as
    ``--HistoryManager.hist_file=:memory:``, which the forked kernel's app receives as they are.
    """
    head_ok = len(cmd) >= 5 and cmd[0] == sys.executable and cmd[1:4] == ["-m", KERNEL_MODULE, "-f"]
    return head_ok and all(arg.startswith("--") and "=" in arg for arg in cmd[5:])


@cache
def _provisioner_class() -> type:
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
        """jupyter_client's local provisioner, with the kernel forked by :data:`MOTHER` instead of run."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            global MOTHER
            if MOTHER is None or not forkable(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())  # as a Popen child would: papermill chdirs the worker
            try:
                pid = MOTHER.spawn(cmd[3:], cwd, env)
            except (OSError, RuntimeError, ValueError):  # the mother is gone: this and later kernels start as usual
                MOTHER.stop()
                MOTHER = None
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)
            self.pid = self.pgid = pid
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


@cache
def kernel_manager_class() -> type:
    """An ``AsyncKernelManager`` whose kernels this worker's mother forks (papermill's ``kernel_manager_class``)."""
    from jupyter_client.manager import AsyncKernelManager

    provisioner = _provisioner_class()

    class ForkKernelManager(AsyncKernelManager):  # type: ignore[misc]
        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return ForkKernelManager
