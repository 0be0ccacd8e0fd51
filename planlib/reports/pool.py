"""The pool of report workers (main process): run jobs, enforce the outer time limit, stop cleanly on Ctrl-C.

Notebooks run through ``papermill.execute_notebook`` in a pool of long-lived worker processes (one
per core), forked from a fork server that imported papermill, WeasyPrint, pandas, matplotlib and
planlib once; each report's kernel is forked from its worker's kernel mother
(:mod:`planlib.reports.kernels`), so no report pays for a Python start or those imports. Each run has papermill's
``start_timeout`` and a per-cell ``execution_timeout`` (:mod:`planlib.reports.worker`), and this
module enforces a hard per-report limit: a worker that overruns it (a hung kernel start, a zombie
kernel) is killed with its kernel and replaced, and the batch goes on. Each finished report is
committed (:func:`planlib.reports.outputs.commit`) as it comes, by this process only.

Each organisation is loaded and validated once per batch, not once per report: the batch has a
private snapshot folder (:func:`planlib.inputs.snapshot.batch_folder`), named to every worker in
:data:`~planlib.inputs.snapshot.SNAPSHOT_ENV` (their kernels inherit it), where the first
``planlib.load_plan``/``load_portfolio`` of an organisation leaves its validated dataset for the
others, keyed by the content of the input files.

Ctrl-C (SIGINT) and SIGTERM stop a batch, however the process was started (:func:`stop_signals`):
the workers and their kernels are killed, the running reports are recorded as interrupted and
:class:`Interrupted` carries what was finished.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict
from multiprocessing import forkserver
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

import psutil
from tqdm import tqdm

from planlib.inputs import snapshot
from planlib.reports import kernels
from planlib.reports.jobs import Job, Result, error_record, last_progress
from planlib.reports.kernels import process_alive
from planlib.reports.outputs import commit
from planlib.reports.worker import worker_main

PRELOAD = (
    "planlib.reports.worker",
    "planlib.reports.pool",
    "papermill",
    "nbconvert",
    "weasyprint",
    "planlib.reports.render",
    *kernels.PRELOAD,
)
"""Modules the fork server imports once, so that every worker (and every report kernel, forked from a worker's
kernel mother: :mod:`planlib.reports.kernels`) starts with them loaded."""

SERVER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""Set for the fork server (unless already set): numpy's BLAS starts no threads there, so each fork is of a
single-threaded process. Report computations are small; one thread each is also what makes them repeatable."""

START_LIMIT = 300.0
"""Seconds a worker may take to become ready before it is replaced."""

START_FAILURES = 3
"""Workers that die before they are ready, in a row, after which the rest of the batch is failed."""


def start_forkserver() -> None:
    """Start the fork server, if it is not running, with Ctrl-C ignored.

    Python keeps an inherited "ignore" for SIGINT, and the server hands its own handlers on to
    every process it forks: so each worker starts ignoring Ctrl-C before any of its code runs
    (a terminal's Ctrl-C reaches the whole process group, workers included; the main process
    handles it). A Ctrl-C in the few milliseconds the server takes to spawn is ignored. The server
    starts with :data:`SERVER_ENV` added to this process's environment.
    """
    added = {name: value for name, value in SERVER_ENV.items() if name not in os.environ}
    os.environ.update(added)  # the server takes this process's environment when it starts
    try:
        try:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the main thread: signal dispositions cannot be changed here
            forkserver.ensure_running()
            return
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
    finally:
        for name in added:
            os.environ.pop(name, None)


def context() -> ForkServerContext:
    """A forkserver context whose server has papermill, nbconvert and WeasyPrint imported.

    Workers fork from that server: they start clean (no threads or state of the caller, no
    re-import of the caller's ``__main__``) and ready in a fraction of a second, and a killed
    worker is replaced as fast. The server imports the heavy packages once per session.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(PRELOAD))
    start_forkserver()
    return ctx


def kill_tree(pid: int | None, timeout: float = 5) -> None:
    """Kill process ``pid`` and every process under it; wait up to ``timeout`` s until they are dead.

    The root is stopped first (SIGSTOP), so it cannot start another kernel while its tree is
    listed; the tree is listed twice, stopping each process found, before everything is killed.
    Kernels run in their own sessions, so a process group would miss them. A zombie counts as
    dead (:func:`planlib.reports.kernels.process_alive`): it holds no pipes, and reaping it is the
    business of its new parent, which may be slow.
    """
    if pid is None:
        return
    try:
        root = psutil.Process(pid)
        root.suspend()
    except psutil.Error:
        return
    procs = {root.pid: root}
    for _ in range(2):
        with contextlib.suppress(psutil.Error):
            for child in root.children(recursive=True):
                if child.pid not in procs:
                    procs[child.pid] = child
                    with contextlib.suppress(psutil.Error):
                        child.suspend()
    for proc in procs.values():
        with contextlib.suppress(psutil.Error):
            proc.kill()
    deadline = time.monotonic() + timeout
    alive = list(procs.values())
    while alive and time.monotonic() < deadline:
        alive = [proc for proc in alive if process_alive(proc)]
        if alive:
            time.sleep(0.02)


def start_worker(conn: Connection, log: str | None, parent: int, env: Mapping[str, str]) -> None:
    """Body of a pool process: the batch's environment (its snapshot folder) set, then :func:`worker_main`.

    Workers fork from the fork server, whose environment is that of the first batch of the
    session; ``env`` carries this batch's own settings to the worker and the kernels it starts.
    """
    os.environ.update(env)
    worker_main(conn, log, parent)


class Worker:
    """One long-lived pool process and the job it is running (``job`` is None when idle)."""

    def __init__(self, ctx: ForkServerContext, log: str | None = None, env: Mapping[str, str] | None = None):
        self.conn, child = ctx.Pipe(duplex=True)
        args = (child, log, os.getpid(), dict(env or {}))
        self.process = ctx.Process(target=start_worker, args=args, daemon=True, name="planlib-report-worker")
        self.process.start()
        child.close()
        self.ready = False
        self.job: Job | None = None
        self.since = time.monotonic()

    def give(self, job: Job) -> None:
        """Send ``job`` to this (ready, idle) worker."""
        self.job, self.since = job, time.monotonic()
        self.conn.send(asdict(job))

    def receive(self) -> tuple[str, Any] | None:
        """The worker's next message, if one is waiting: ``("ready", pid)`` or ``("done", result dict)``."""
        with contextlib.suppress(EOFError, OSError):
            if self.conn.poll():
                return self.conn.recv()  # type: ignore[no-any-return]
        return None

    def running_for(self) -> float:
        return time.monotonic() - self.since

    def kill(self) -> None:
        """Kill this worker and everything it started (kernels run in their own sessions)."""
        kill_tree(self.process.pid)
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        """Ask the worker to finish, and kill it if it does not within 10 s."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.kill()


class Interrupted(Exception):
    """The batch was interrupted (Ctrl-C or SIGTERM); ``results`` holds what was finished."""

    def __init__(self, results: list[Result]):
        super().__init__("interrupted")
        self.results = results


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """While the block runs, SIGINT (Ctrl-C) and SIGTERM raise :class:`KeyboardInterrupt`, however they were set.

    Python leaves SIGINT ignored when the process started with it ignored, as every background
    job of a script does (``planlib report &`` without job control): such a batch would go on
    after a Ctrl-C or a ``kill -INT``, with kernels that no terminal signal reaches. A batch owns
    its workers, kernels and staging folders, so whoever signals it wants it stopped and cleaned up.
    """
    previous: dict[int, Any] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, signal.default_int_handler)
    except ValueError:  # not the main thread: the main thread's handlers apply
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C/SIGTERM until the block ends, so moving a finished report is never cut in half."""
    caught: list[int] = []
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for sig in previous:
            signal.signal(sig, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main thread: signals cannot be handled here anyway
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            raise KeyboardInterrupt


def run_jobs(
    jobs: Sequence[Job],
    *,
    workers: int = 2,
    progress: bool = True,
    on_result: Callable[[Result], None] | None = None,
    manifest: Callable[[Job, Result], None] | None = None,
    log: str | None = None,
    snapshots: str | Path | None = None,
) -> list[Result]:
    """Run ``jobs`` in a pool of ``workers`` long-lived processes; commit each result as it comes.

    Each organisation is loaded once for the whole batch (module docstring): the snapshots go
    to ``snapshots`` when given (made private and kept, e.g. to read its load log), else to a
    temporary private folder removed when the batch ends. A worker that exceeds a job's
    ``report_timeout`` is killed with its kernel and replaced; a worker that dies is reported as
    ``crashed`` and replaced. Raises :class:`Interrupted` on
    Ctrl-C or SIGTERM after killing every worker and recording the running reports as interrupted.
    """
    if not jobs:
        return []
    with stop_signals(), snapshot.batch_folder(snapshots) as folder:
        env = {snapshot.SNAPSHOT_ENV: str(folder)}
        return Batch(jobs, workers, progress, on_result, manifest, log, env).run()


class Batch:
    """The state of one :func:`run_jobs` call: jobs waiting, the pool, the results so far."""

    def __init__(
        self,
        jobs: Sequence[Job],
        workers: int,
        progress: bool,
        on_result: Callable[[Result], None] | None,
        manifest: Callable[[Job, Result], None] | None,
        log: str | None,
        env: Mapping[str, str] | None = None,
    ):
        self.pending: deque[Job] = deque(jobs)
        self.env = dict(env or {})
        self.size = min(workers, len(jobs))
        self.on_result, self.manifest, self.log = on_result, manifest, log
        self.results: list[Result] = []
        self.pool: list[Worker] = []
        self.start_failures = 0
        self.shown_step: dict[int, str] = {}
        self.bar = tqdm(total=len(jobs), disable=not progress, file=sys.stderr, unit="report", dynamic_ncols=True)

    def run(self) -> list[Result]:
        try:
            self.ctx = context()
            for _ in range(self.size):
                self.pool.append(Worker(self.ctx, self.log, self.env))
            while self.pending or self.busy():
                self.step()
        except KeyboardInterrupt:
            self.interrupt()
            raise Interrupted(self.results) from None
        finally:
            for w in self.pool:
                w.stop()
            self.bar.close()
        return self.results

    def busy(self) -> bool:
        return any(w.job is not None for w in self.pool)

    def step(self) -> None:
        """Hand out work, wait up to half a second for news, then look at every worker once."""
        for w in self.pool:
            if w.ready and w.job is None and self.pending:
                w.give(self.pending.popleft())
        wait([w.conn for w in self.pool] + [w.process.sentinel for w in self.pool], timeout=0.5)
        self.show_steps()
        for i, w in enumerate(self.pool):
            self.pool[i] = self.check(w)

    def show_steps(self) -> None:
        """A long report's own steps (:func:`planlib.display.progress`) beside the bar."""
        for w in self.pool:
            step = last_progress(w.job.staging) if w.job is not None else ""
            if w.job is not None and step and step != self.shown_step.get(id(w)):
                self.shown_step[id(w)] = step
                self.bar.set_postfix_str(f"{w.job.key}: {step}"[:120])

    def check(self, w: Worker) -> Worker:
        """Take the worker's news: ready, a result, death or an overrun; the worker to keep in its place."""
        job = w.job
        message = w.receive()
        if message and message[0] == "ready":
            w.ready, self.start_failures = True, 0
        elif message and message[0] == "done" and job is not None:
            self.finish(w, job, Result(**message[1]))
        elif not w.process.is_alive():
            return self.replace_dead(w, job)
        elif job is not None and w.running_for() > job.settings.report_timeout:
            w.kill()
            limit = job.settings.report_timeout
            error = error_record("execute", "report_timeout", limit=limit)
            self.finish(w, job, Result.of(job, "timeout", duration=round(w.running_for(), 2), error=error))
            return Worker(self.ctx, self.log, self.env)
        elif not w.ready and job is None and w.running_for() > START_LIMIT:
            w.kill()  # a worker that cannot even start: try a fresh one
            return Worker(self.ctx, self.log, self.env)
        return w

    def replace_dead(self, w: Worker, job: Job | None) -> Worker:
        """A worker died: its job crashed; after too many failed starts in a row, so does the rest of the batch."""
        code = w.process.exitcode
        if not w.ready:
            self.start_failures += 1
            if self.start_failures > START_FAILURES:  # the environment is broken: fail what is left, do not loop
                while self.pending:
                    lost = self.pending.popleft()
                    error = error_record("worker", "workers_cannot_start", exit_code=code)
                    self.finish(w, lost, Result.of(lost, "crashed", error=error))
        if job is not None:
            error = error_record("worker", "worker_died", exit_code=code)
            self.finish(w, job, Result.of(job, "crashed", duration=round(w.running_for(), 2), error=error))
        w.kill()
        return Worker(self.ctx, self.log, self.env) if self.pending or self.busy() else w

    def finish(self, worker: Worker, job: Job, result: Result) -> None:
        """Commit a result and record it, all under deferred interrupts: a report is never half recorded."""
        with deferred_interrupts():
            commit(job, result, self.manifest)
            self.results.append(result)
            worker.job = None
        self.bar.set_postfix_str(f"{result.key}: {result.status}", refresh=False)
        self.bar.update(1)
        if self.on_result:
            self.on_result(result)

    def interrupt(self) -> None:
        """Kill every worker with its kernel; record the reports that were running as interrupted."""
        running = [w.job for w in self.pool if w.job is not None]
        for w in self.pool:
            w.kill()
        self.pool.clear()
        with deferred_interrupts():
            for job in running:
                result = Result.of(job, "interrupted", error=error_record("execute", "report_interrupted"))
                commit(job, result, self.manifest)
                self.results.append(result)
        self.bar.close()
