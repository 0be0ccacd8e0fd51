"""``planlib report``: run the notebook templates into finished HTML and PDF reports.

With no arguments every applicable template is built for every organisation under ``data/``::

    planlib report                                   # the whole set, 2 workers
    planlib report quarterly_progress --org hwfund --fy 2568 --quarter 2
    planlib report whatif --org ditp -p "weights={C1: 2, C2: 1}"
    planlib report --params board.yaml               # parameters from a YAML file
    planlib report --list                            # templates and their parameters

Outputs go to ``reports/<org>/<fy>[-Q<q>]/<template>.ipynb|.html|.pdf`` with a ``manifest.json``
per folder and ``reports/index.html`` linking everything.

How a run is made safe (issue 3, and the failure cases of issue 9):

* Parameters are validated by the template's pydantic model (:mod:`planlib.reports.templates`) in this
  process, before any worker or kernel starts; the papermill-injected cell is re-read with
  ``ast.literal_eval`` in the worker before the kernel starts.
* Notebooks run through ``papermill.execute_notebook`` in a pool of long-lived worker processes
  (one per core; importing papermill costs ~1.7 s, paid once per worker; feasibility.md §4).
  Each run has papermill's ``start_timeout`` and a per-cell ``execution_timeout``, and the main
  process enforces a hard per-report limit: a worker that overruns it (a hung kernel start, a
  zombie kernel) is killed with its kernel and replaced, and the batch goes on.
* Every report is written into a staging folder beside its destination and moved into place with
  ``os.replace`` only when the notebook, HTML and PDF are all complete. A failed, timed-out,
  crashed or interrupted run never touches the previous good report; a failed run's executed
  notebook (papermill marks the failing cell) is kept as ``<template>.failed.ipynb`` and the
  error (cell index, execution count, exception, message) goes into ``manifest.json``.
* Only the main process writes manifests and the index (temporary file, then rename).
* A full disk (or any ``OSError``) while a finished report is moved into place rolls that report
  back: the files already replaced get their previous version back, so a folder never mixes
  a new HTML with an old PDF; the manifest records ``failed`` at stage ``write`` with the error.
  A manifest or index that cannot be written is reported, and the batch goes on.
* Determinism: every table a notebook shows through :func:`planlib.display.show_table` carries
  the sha256 of its rendered HTML (the numbers and text a reader sees, no time or path) in the
  output's metadata; the manifest records their count and one combined ``result_tables``
  hash per report, so the same inputs and parameters can be checked to give the same numbers.
* Ctrl-C (or SIGTERM) kills the workers and their kernels, removes staging folders, records the
  interrupted reports in their manifests and exits 130.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import html
import itertools
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from planlib.display import PROGRESS_ENV
from planlib.reports import templates as tpl

KERNEL_NAME = "python3"
STAGING_PREFIX = ".staging-"
FAILED_STATUSES = ("failed", "timeout", "crashed", "refused", "interrupted")
PACKAGES = ("planlib", "pandas", "numpy", "matplotlib", "papermill", "nbclient", "nbconvert", "ipykernel", "weasyprint",
            "pydantic", "fontpkg-noto-sans-thai", "pythainlp")  # fmt: skip


# ---------------------------------------------------------------- jobs and results


@dataclass(frozen=True)
class Settings:
    """Limits of a run. ``report_timeout`` is the hard outer limit per report (seconds)."""

    start_timeout: float = 60
    cell_timeout: float = 300
    report_timeout: float = 900
    pdf: bool = True


@dataclass(frozen=True)
class Job:
    """One report to build: a template, checked parameters and where it goes."""

    template: str
    org: str
    period: str  # "2568" or "2568-Q2"
    params: dict[str, Any]  # validated, JSON-able, exactly what the notebook receives
    folder: str  # absolute destination folder
    staging: str  # absolute staging folder (inside ``folder``)
    notebook: str
    title: str
    subtitle: str
    settings: Settings = field(default_factory=Settings)
    output_dir_param: bool = False

    @property
    def key(self) -> str:
        return f"{self.org}/{self.period}/{self.template}"


@dataclass
class Result:
    """What happened to one report."""

    template: str
    org: str
    period: str
    status: str  # ok | failed | timeout | crashed | refused | interrupted | skipped
    duration: float = 0.0
    started: str = ""
    finished: str = ""
    outputs: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    reason: str = ""
    tables: dict[str, Any] | None = None  # {"count": n, "sha256": …} of the result tables shown

    @property
    def key(self) -> str:
        return f"{self.org}/{self.period}/{self.template}" if self.period else f"{self.org}/{self.template}"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def period_name(fy: int | None, quarter: int | None) -> str:
    """Folder name of a report period: ``2568`` or ``2568-Q2``."""
    if fy is None:
        return ""
    return f"{fy}-Q{quarter}" if quarter else str(fy)


def period_label(period: str) -> str:
    """``ปีงบประมาณ 2568`` or ``ไตรมาส 2/2568`` for a folder name."""
    fy, _, q = period.partition("-Q")
    return f"ไตรมาส {q}/{fy}" if q else f"ปีงบประมาณ {fy}"


# ---------------------------------------------------------------- the worker (runs in a pool process)


def _private_kernelspec() -> str:
    """A ``python3`` kernelspec for this interpreter, first on JUPYTER_PATH for this process.

    A ``python3`` kernelspec registered elsewhere (the user's, another venv's) could start a
    different Python without planlib; this makes the kernel the worker's own interpreter.
    """
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="planlib-kernels-"))
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3 (planlib)", "language": "python"}))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")]))
    return str(root)


def _worker_main(conn: Connection, log: str | None = None) -> None:
    """Pool process: import the heavy packages once, then run jobs until told to stop.

    With ``log``, the worker's and its kernels' stderr (kernel start-up chatter, warnings,
    tracebacks) go to that file instead of the analyst's terminal.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and kills us
    if log:
        with contextlib.suppress(OSError):
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(fd, 2)
            os.close(fd)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    kernels = _private_kernelspec()
    try:
        import papermill  # noqa: F401
        import weasyprint  # noqa: F401

        from planlib.reports import render

        render._exporter()
        conn.send(("ready", os.getpid()))
        while True:
            try:
                job = conn.recv()
            except EOFError:
                break
            if job is None:
                break
            conn.send(("done", asdict(execute(job))))
    finally:
        shutil.rmtree(kernels, ignore_errors=True)


def _error_from(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """(status, error record) for an exception raised while executing a notebook."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        return "failed", {
            "stage": "execute",
            "cell_index": exc.cell_index,
            "execution_count": exc.exec_count,
            "cell_source": first[:200],
            "ename": exc.ename,
            "evalue": str(exc.evalue)[:2000],
            "message": f"cell {exc.cell_index} (In [{exc.exec_count}]) raised {exc.ename}: {str(exc.evalue)[:500]}",
        }
    if isinstance(exc, CellTimeoutError | TimeoutError):
        return "timeout", {"stage": "execute", "ename": type(exc).__name__, "message": f"a cell ran too long: {str(exc)[:500]}"}
    if isinstance(exc, DeadKernelError):
        return "crashed", {"stage": "execute", "ename": "DeadKernelError", "message": f"the kernel died: {str(exc)[:500]}"}
    if isinstance(exc, RuntimeError) and "Kernel didn't respond" in str(exc):
        return "timeout", {"stage": "start", "ename": "RuntimeError", "message": f"the kernel did not start: {exc}"}
    return "failed", {"stage": "execute", "ename": type(exc).__name__, "message": str(exc)[:2000]}


def result_tables(nb: Any) -> dict[str, Any]:
    """Count and combined sha256 of the tables an executed notebook showed with ``show_table``.

    The hash is over the per-table hashes in output order (each the sha256 of the table's
    rendered HTML), so it changes when any shown number or text changes and never with the time
    or place of the run.
    """
    from planlib.display import TABLE_METADATA

    digests = [
        str(out["metadata"][TABLE_METADATA]["sha256"])
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if isinstance(out.get("metadata", {}).get(TABLE_METADATA), dict)
    ]  # fmt: skip
    return {"count": len(digests), "sha256": hashlib.sha256("\n".join(digests).encode("ascii")).hexdigest()}


PROGRESS_FILE = ".progress.txt"
"""In a job's staging folder: the lines of :func:`planlib.display.progress`, shown by the runner while the report runs."""


def last_progress(staging: str | Path, limit: int = 4096) -> str:
    """The last line a running report wrote with :func:`planlib.display.progress` ("" when none yet)."""
    try:
        with open(Path(staging) / PROGRESS_FILE, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - limit))
            lines = fh.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""


def execute(job: Job | Mapping[str, Any]) -> Result:
    """Run one job into its staging folder: executed notebook, then HTML, then PDF.

    Nothing outside ``job.staging`` is written; the main process moves the files into place.
    """
    if not isinstance(job, Job):
        job = Job(**{**job, "settings": Settings(**job["settings"])})  # type: ignore[arg-type]
    import nbformat
    import papermill as pm
    from papermill.translators import PythonTranslator

    from planlib.reports import render

    started, t0 = _now(), time.monotonic()
    result = Result(job.template, job.org, job.period, "ok", started=started)
    staging = Path(job.staging)
    params = dict(job.params)
    if job.output_dir_param:
        params["output_dir"] = str(staging)
    executed = staging / f"{job.template}.ipynb"
    progress_file = staging / PROGRESS_FILE
    os.environ[PROGRESS_ENV] = str(progress_file)  # the kernel inherits it: planlib.display.progress writes there
    try:
        staging.mkdir(parents=True, exist_ok=True)
        if not tpl.injected_source_is_literal(PythonTranslator.codify(params), params):
            result.status = "refused"
            result.error = {"stage": "parameters", "message": "a parameter would not be injected as a plain literal"}
        else:
            pm.execute_notebook(
                job.notebook, str(executed), parameters=params, kernel_name=KERNEL_NAME, progress_bar=False,
                start_timeout=job.settings.start_timeout, execution_timeout=job.settings.cell_timeout, cwd=str(staging),
            )  # fmt: skip
    except Exception as exc:
        result.status, result.error = _error_from(exc)
    if result.status == "ok":
        try:
            nb = nbformat.read(executed, as_version=4)
            result.tables = result_tables(nb)
            page = render.notebook_html(nb, title=job.title, subtitle=job.subtitle)
            (staging / f"{job.template}.html").write_text(page, encoding="utf-8")
            if job.settings.pdf:
                doc = render.page(render.body_html(nb), title=job.title, subtitle=job.subtitle, embed_font=False)
                render.write_pdf(doc, staging / f"{job.template}.pdf")
        except Exception as exc:
            result.status = "failed"
            result.error = {"stage": "render", "ename": type(exc).__name__, "message": f"HTML/PDF export failed: {str(exc)[:500]}",
                            "traceback": traceback.format_exc(limit=6)[-3000:]}  # fmt: skip
    os.environ.pop(PROGRESS_ENV, None)
    with contextlib.suppress(FileNotFoundError):
        progress_file.unlink()
    result.duration = round(time.monotonic() - t0, 2)
    result.finished = _now()
    if staging.exists():
        result.outputs = sorted(p.name for p in staging.iterdir() if p.is_file())
    return result


# ---------------------------------------------------------------- the pool (main process)


def _context() -> Any:
    """A forkserver context whose server has papermill, nbconvert and WeasyPrint imported.

    Workers fork from that server: they start clean (no threads or state of the caller, no
    re-import of the caller's ``__main__``) and ready in a fraction of a second, and a killed
    worker is replaced as fast. The server imports the heavy packages once per session.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["planlib.reports.pool", "papermill", "nbconvert", "weasyprint", "planlib.reports.render"])
    return ctx


class _Worker:
    def __init__(self, ctx: Any, log: str | None = None):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, log), daemon=True, name="planlib-report-worker")
        self.process.start()
        child.close()
        self.ready = False
        self.job: Job | None = None
        self.since = time.monotonic()

    def kill(self) -> None:
        """Kill this worker and everything it started (kernels run in their own sessions)."""
        _kill_tree(self.process.pid)
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(10)
        if self.process.is_alive():
            self.kill()


def _kill_tree(pid: int | None) -> None:
    if pid is None:
        return
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)


class Interrupted(Exception):
    """The batch was interrupted (Ctrl-C or SIGTERM); ``results`` holds what was finished."""

    def __init__(self, results: list[Result]):
        super().__init__("interrupted")
        self.results = results


@contextlib.contextmanager
def _deferred_interrupts() -> Iterator[None]:
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
    on_result: Any = None,
    manifest: Any = None,
    log: str | None = None,
) -> list[Result]:
    """Run ``jobs`` in a pool of ``workers`` long-lived processes; commit each result as it comes.

    A worker that exceeds a job's ``report_timeout`` is killed with its kernel and replaced; a
    worker that dies is reported as ``crashed`` and replaced. Raises :class:`Interrupted` on
    Ctrl-C after killing every worker and recording the running reports as interrupted.
    """
    from tqdm import tqdm

    results: list[Result] = []
    if not jobs:
        return results
    ctx = _context()
    pending: deque[Job] = deque(jobs)
    pool: list[_Worker] = []
    bar = tqdm(total=len(jobs), disable=not progress, file=sys.stderr, unit="report", dynamic_ncols=True)

    def finish(worker: _Worker, result: Result, job: Job) -> None:
        with _deferred_interrupts():
            commit(job, result, manifest)
        results.append(result)
        worker.job = None
        bar.set_postfix_str(f"{result.key}: {result.status}", refresh=False)
        bar.update(1)
        if on_result:
            on_result(result)

    start_failures = 0
    shown_step: dict[int, str] = {}
    try:
        pool.extend(_Worker(ctx, log) for _ in range(min(workers, len(jobs))))
        while pending or any(w.job for w in pool):
            for w in pool:
                if w.ready and w.job is None and pending:
                    w.job, w.since = pending.popleft(), time.monotonic()
                    w.conn.send(asdict(w.job))
            waitables = [w.conn for w in pool] + [w.process.sentinel for w in pool]
            wait(waitables, timeout=0.5)
            for w in pool:  # a long report's own steps (planlib.display.progress) beside the bar
                step = last_progress(w.job.staging) if w.job is not None else ""
                if step and step != shown_step.get(id(w)):
                    shown_step[id(w)] = step
                    bar.set_postfix_str(f"{w.job.key}: {step}"[:120])
            for i, w in enumerate(pool):
                job = w.job
                message = None
                with contextlib.suppress(EOFError, OSError):
                    if w.conn.poll():
                        message = w.conn.recv()
                if message and message[0] == "ready":
                    w.ready, start_failures = True, 0
                elif message and message[0] == "done" and job is not None:
                    finish(w, Result(**message[1]), job)
                elif not w.process.is_alive():
                    if not w.ready:
                        start_failures += 1
                        if start_failures > 3:  # the environment is broken: fail what is left, do not loop
                            why = f"report workers could not start (exit code {w.process.exitcode})"
                            while pending:
                                lost = pending.popleft()
                                finish(w, Result(lost.template, lost.org, lost.period, "crashed",
                                                 error={"stage": "worker", "message": why}), lost)  # fmt: skip
                    if job is not None:
                        code = w.process.exitcode
                        res = Result(job.template, job.org, job.period, "crashed", round(time.monotonic() - w.since, 2),
                                     error={"stage": "worker", "message": f"the report worker died (exit code {code})"})  # fmt: skip
                        finish(w, res, job)
                    w.kill()
                    pool[i] = _Worker(ctx, log) if pending or any(x.job for x in pool) else w
                elif job is not None and time.monotonic() - w.since > job.settings.report_timeout:
                    w.kill()
                    limit = job.settings.report_timeout
                    res = Result(job.template, job.org, job.period, "timeout", round(time.monotonic() - w.since, 2),
                                 error={"stage": "execute", "message": f"no result within {limit:g} s; the worker and its kernel were killed"})  # fmt: skip
                    finish(w, res, job)
                    pool[i] = _Worker(ctx, log)
                elif not w.ready and job is None and time.monotonic() - w.since > 300:
                    w.kill()  # a worker that cannot even start: try a fresh one
                    pool[i] = _Worker(ctx, log)
    except KeyboardInterrupt:
        running = [w.job for w in pool if w.job is not None]
        for w in pool:
            w.kill()
        pool.clear()
        with _deferred_interrupts():
            for job in running:
                res = Result(job.template, job.org, job.period, "interrupted",
                             error={"stage": "execute", "message": "interrupted (Ctrl-C); the previous report, if any, is kept"})  # fmt: skip
                commit(job, res, manifest)
                results.append(res)
        bar.close()
        raise Interrupted(results) from None
    finally:
        for w in pool:
            w.stop()
        bar.close()
    return results


# ---------------------------------------------------------------- committing results (main process only)


def _move(source: Path, target: Path) -> None:
    """``os.replace`` (atomic on one file system); the single place commits move files (tests simulate a full disk here)."""
    os.replace(source, target)


def _install(files: Sequence[Path], folder: Path, backup: Path) -> list[str]:
    """Move ``files`` into ``folder`` all or nothing.

    Each file it replaces is first hard-linked into ``backup`` (no data copied); if any move
    fails, the files already moved are put back to their previous version (or removed when
    they are new) and the error is raised.
    """
    moved: list[tuple[Path, Path | None]] = []
    try:
        for path in files:
            target = folder / path.name
            saved: Path | None = None
            if target.exists():
                backup.mkdir(exist_ok=True)
                saved = backup / path.name
                try:
                    os.link(target, saved)
                except OSError:  # a file system without hard links: move the old file aside instead
                    os.replace(target, saved)
            _move(path, target)
            moved.append((target, saved))
    except OSError:
        for target, saved in reversed(moved):
            with contextlib.suppress(OSError):
                if saved is not None:
                    os.replace(saved, target)
                else:
                    target.unlink()
        raise
    finally:
        shutil.rmtree(backup, ignore_errors=True)
    return [path.name for path in files]


def commit(job: Job, result: Result, manifest: Any = None) -> None:
    """Move a finished report from staging into place and record it in the folder's manifest.

    On success the new files replace the old ones all or nothing (:func:`_install`: each file is
    complete before it appears, and a failure half way, e.g. a full disk, puts the previous
    version of every file back). On any failure nothing of the previous report is touched; a
    complete executed notebook is kept as ``<template>.failed.ipynb``. A manifest that cannot be
    written is noted in ``result.error`` instead of stopping the batch.
    """
    folder, staging = Path(job.folder), Path(job.staging)
    backup = staging.with_name(staging.name + ".old")
    outputs: list[str] = []
    try:
        if result.status == "ok":
            files = sorted(p for p in staging.iterdir() if p.is_file()) if staging.exists() else []
            outputs = _install(files, folder, backup)  # extras (.xlsx…) first, the notebook, the HTML and the PDF last
            with contextlib.suppress(FileNotFoundError):
                (folder / f"{job.template}.failed.ipynb").unlink()
        else:
            executed = staging / f"{job.template}.ipynb"
            if executed.exists() and _valid_json(executed):
                _move(executed, folder / f"{job.template}.failed.ipynb")
                outputs.append(f"{job.template}.failed.ipynb")
    except OSError as exc:  # e.g. the disk is full: the old files stay as they were
        result.status = "failed"
        result.error = {"stage": "write", "ename": type(exc).__name__, "errno": exc.errno,
                        "message": f"could not write the report (the previous one is kept): {exc}"}  # fmt: skip
        outputs = []
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
    result.outputs = outputs
    if manifest is not None:
        try:
            manifest(job, result)
        except OSError as exc:
            note = {"stage": "manifest", "ename": type(exc).__name__, "message": f"manifest.json not updated: {exc}"}
            if result.error is None:
                result.error = note
            else:
                result.error["manifest"] = note["message"]


def _valid_json(path: Path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return True


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report."""
    from importlib import metadata

    versions = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


class Manifests:
    """Writes ``manifest.json`` per report folder (main process only, atomic)."""

    def __init__(self, data_dir: Path, out: Path):
        self.data_dir, self.out = data_dir, out
        self.versions = package_versions()
        self._inputs: dict[str, dict[str, str]] = {}

    def inputs(self, job: Job) -> dict[str, str]:
        """sha256 of every file in the organisation's folder and of the template notebook."""
        if job.org not in self._inputs:
            org_dir = self.data_dir / job.org
            files = sorted(p for p in org_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
            self._inputs[job.org] = {str(p.relative_to(self.data_dir)): file_sha256(p) for p in files}
        hashes = dict(self._inputs[job.org])
        notebook = Path(job.notebook)
        if notebook.exists():
            hashes[f"notebooks/{notebook.name}"] = file_sha256(notebook)
        return hashes

    def __call__(self, job: Job, result: Result) -> None:
        path = Path(job.folder) / "manifest.json"
        data = read_manifest(path)
        previous = data["reports"].get(job.template)
        entry = {
            "template": job.template,
            "title_th": tpl.TEMPLATES[job.template].title_th if job.template in tpl.TEMPLATES else job.title,
            "org": job.org,
            "period": job.period,
            "status": result.status,
            "parameters": job.params,
            "inputs": self.inputs(job),
            "packages": self.versions,
            "started": result.started,
            "finished": result.finished or _now(),
            "duration_s": result.duration,
            "outputs": result.outputs,
            "result_tables": result.tables,
            "error": result.error,
        }
        if result.status != "ok" and previous:
            last_good = previous if previous.get("status") == "ok" else previous.get("last_good")
            if last_good:
                entry["last_good"] = {k: v for k, v in last_good.items() if k != "last_good"}
        data["org"], data["period"] = job.org, job.period
        data["reports"][job.template] = entry
        data["updated"] = _now()
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_manifest(path: Path) -> dict[str, Any]:
    """A folder's manifest, or an empty one when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("reports"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"reports": {}}


# ---------------------------------------------------------------- index.html


def write_index(out: Path, org_names: Mapping[str, str] | None = None) -> Path:
    """``reports/index.html``: every report under ``out``, grouped by organisation and period."""
    from planlib.reports import render

    org_names = dict(org_names or {})
    parts: list[str] = []
    for org_dir in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")) if out.exists() else []:
        periods = sorted((p for p in org_dir.iterdir() if (p / "manifest.json").exists()), key=lambda p: p.name, reverse=True)
        if not periods:
            continue
        name = org_names.get(org_dir.name, "")
        parts.append(f"<h2>{html.escape(name or org_dir.name)} <small>({html.escape(org_dir.name)})</small></h2>")
        for period in periods:
            reports = read_manifest(period / "manifest.json")["reports"]
            parts.append(f"<h3>{html.escape(period_label(period.name))}</h3><table class='planlib'><thead><tr>"
                         "<th>รายงาน / report</th><th>สถานะ / status</th><th>ไฟล์ / files</th><th>เวลา / finished</th></tr></thead><tbody>")  # fmt: skip
            for name_, entry in sorted(reports.items(), key=lambda kv: _template_order(kv[0])):
                links = []
                for ext, label in (("html", "HTML"), ("pdf", "PDF"), ("ipynb", "notebook")):
                    if (period / f"{name_}.{ext}").exists():
                        links.append(f"<a href='{html.escape(f'{org_dir.name}/{period.name}/{name_}.{ext}')}'>{label}</a>")
                if (period / f"{name_}.failed.ipynb").exists():
                    href = f"{org_dir.name}/{period.name}/{name_}.failed.ipynb"
                    links.append(f"<a href='{html.escape(href)}'>failed notebook</a>")
                status = str(entry.get("status", ""))
                detail = ""
                if entry.get("error"):
                    detail = f"<br><small>{html.escape(str(entry['error'].get('message', ''))[:300])}</small>"
                    if entry.get("last_good"):
                        detail += f"<br><small>previous good report kept ({html.escape(str(entry['last_good'].get('finished', '')))})</small>"
                parts.append(f"<tr><td>{html.escape(str(entry.get('title_th', name_)))}<br><small>{html.escape(name_)}</small></td>"
                             f"<td class='status-{html.escape(status)}'>{html.escape(status)}{detail}</td>"
                             f"<td>{' · '.join(links)}</td><td>{html.escape(str(entry.get('finished', '')))}</td></tr>")  # fmt: skip
            parts.append("</tbody></table>")
    if not parts:
        parts.append("<p>ยังไม่มีรายงาน / no reports yet. Run <code>planlib report</code>.</p>")
    parts.insert(0, "<h1>รายงานทั้งหมด / All reports</h1>")
    document = render.page("\n".join(parts), title="planlib", subtitle=f"planlib · {_now()}", embed_font=False)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    atomic_write_text(path, document)
    return path


def _template_order(name: str) -> tuple[int, str]:
    names = list(tpl.TEMPLATES)
    return (names.index(name) if name in names else len(names), name)


# ---------------------------------------------------------------- planning a run


@dataclass
class Plan:
    """Jobs to run, reports skipped with a reason, parameters refused."""

    jobs: list[Job] = field(default_factory=list)
    skipped: list[Result] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    org_names: dict[str, str] = field(default_factory=dict)


def _org_name(org: tpl.OrgData) -> str:
    plan = org.tables.get("plan")
    if plan is None or "key" not in plan:
        return ""
    rows = plan.loc[plan["key"] == "org_name_th", "value"]
    return str(rows.iloc[0]) if len(rows) else ""


def plan_run(
    data_dir: Path,
    out: Path,
    *,
    requests: Sequence[Mapping[str, Any]] = (),
    templates: Sequence[str] | None = None,
    orgs: Sequence[str] | None = None,
    settings: Settings = Settings(),
    notebook_dir: Path | None = None,
) -> Plan:
    """Decide which reports to build, and validate every parameter before anything runs.

    ``requests`` are explicit parameter sets (each with ``template``; ``org`` optional = every
    organisation the template applies to). With no requests, every template in ``templates``
    (default all) runs for every organisation in ``orgs`` (default all in ``data_dir``) it
    applies to, at the periods the template chooses.
    """
    plan = Plan()
    data_dir, out = data_dir.resolve(), out.resolve()
    notebook_dir = notebook_dir or tpl.NOTEBOOK_DIR
    known = tpl.known_orgs(data_dir)
    for org in orgs or ():
        if org not in known:
            plan.refused.append(f"unknown organisation {org!r} (known: {', '.join(known) or 'none'}) / ไม่รู้จักหน่วยงาน {org!r}")
    if plan.refused:
        return plan
    scanned: dict[str, tpl.OrgData] = {}

    def org_data(code: str) -> tpl.OrgData:
        if code not in scanned:
            scanned[code] = tpl.scan_org(data_dir / code)
            plan.org_names[code] = _org_name(scanned[code])
        return scanned[code]

    wanted: list[tuple[str, str, dict[str, Any], bool]] = []  # (template, org, raw params, explicit)
    if requests:
        for req in requests:
            name = str(req.get("template", ""))
            if name not in tpl.TEMPLATES:
                plan.refused.append(f"{name or '?'}: unknown template; known: {', '.join(tpl.TEMPLATES)} / ไม่รู้จักแม่แบบรายงาน")
                continue
            raw = {k: v for k, v in req.items() if k != "template"}
            targets = [str(raw.pop("org"))] if "org" in raw else list(orgs or known)
            for org in targets:
                wanted.append((name, org, raw, "org" in req or bool(orgs)))
    else:
        for name in templates or list(tpl.TEMPLATES):
            for org in orgs or known:
                wanted.append((name, org, {}, False))

    for name, org, raw, explicit in wanted:
        template = tpl.TEMPLATES[name]
        notebook = notebook_dir / f"{name}.ipynb"
        base = {"org": org, "data_dir": str(data_dir)}
        if not re.fullmatch(tpl.ORG_PATTERN, org) or not (data_dir / org).is_dir():
            try:
                template.validate({**base, **raw})
            except tpl.ParamError as exc:
                plan.refused.append(str(exc))
            continue
        info = org_data(org)
        if not explicit and not template.applies_to(info):
            plan.skipped.append(Result(name, org, "", "skipped", reason=f"not applicable: {template.missing(info)}"))
            continue
        defaults = template.periods(info)
        fields = template.params.model_fields
        choices = defaults or [{}]
        for default in choices:
            params_raw = {**base, **default, **raw}
            try:
                params = template.validate(params_raw)
            except tpl.ParamError as exc:
                missing_period = not defaults and any(f in fields for f in ("fy",)) and "fy" not in raw
                if missing_period:
                    plan.skipped.append(Result(name, org, "", "skipped", reason="no fiscal year: the plan has no fiscal_year; give --fy"))
                else:
                    plan.refused.append(str(exc))
                continue
            fy, quarter = template.period(params, info.fiscal_year)
            period = period_name(fy, quarter)
            if not period:
                plan.skipped.append(Result(name, org, "", "skipped", reason="no fiscal year: the plan has no fiscal_year; give --fy"))
                continue
            if not notebook.exists():
                plan.skipped.append(Result(name, org, period, "skipped", reason=f"notebook {notebook.name} not written yet"))
                continue
            folder = (out / org / period).resolve()
            if out not in folder.parents:
                plan.refused.append(f"{name}: report folder {folder} would be outside {out}")
                continue
            values = params.model_dump(mode="json")
            if "output_dir" in fields:
                values.pop("output_dir", None)
            label = period_label(period)
            subtitle = " · ".join(filter(None, [plan.org_names.get(org) or org, label]))
            plan.jobs.append(Job(
                template=name, org=org, period=period, params=values, folder=str(folder),
                staging=str(folder / f"{STAGING_PREFIX}{name}-{os.getpid()}-{len(plan.jobs)}"),
                notebook=str(notebook), title=f"{template.title_th} / {template.title_en}", subtitle=subtitle,
                settings=settings, output_dir_param="output_dir" in fields,
            ))  # fmt: skip
    seen: dict[str, Job] = {}
    for job in plan.jobs:
        if job.key in seen:
            plan.refused.append(f"{job.key}: requested twice with different parameters" if seen[job.key].params != job.params
                                else f"{job.key}: requested twice")  # fmt: skip
        seen[job.key] = job
    return plan


def remove_stale_staging(out: Path) -> int:
    """Delete staging folders left by runs that were killed hard (their process is gone)."""
    import psutil

    removed = 0
    if not out.exists():
        return 0
    for path in out.glob(f"*/*/{STAGING_PREFIX}*"):
        try:
            pid = int(path.name.removeprefix(STAGING_PREFIX).split("-")[-2])
        except (ValueError, IndexError):
            pid = -1
        if pid != os.getpid() and not psutil.pid_exists(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    for tmp in itertools.chain(out.glob(".*.tmp"), out.glob("*/*/.*.tmp")):
        with contextlib.suppress(OSError):
            tmp.unlink()
    return removed


# ---------------------------------------------------------------- summary


def summary_table(results: Iterable[Result], out: Path | None = None) -> str:
    """Aligned text table: report, status, duration, outputs (or the error/reason)."""
    rows = [("report", "status", "time", "outputs / error")]
    for r in results:
        if r.status == "ok":
            folder = f"{out / r.org / r.period}/" if out else ""
            detail = folder + ", ".join(o.rsplit(".", 1)[-1] for o in r.outputs if o.startswith(r.template + "."))
            extras = [o for o in r.outputs if not o.startswith(r.template + ".")]
            if extras:
                detail += " + " + ", ".join(extras)
        elif r.status == "skipped":
            detail = r.reason
        else:
            detail = ((r.error or {}).get("message") or r.reason or "").strip().splitlines()[0] if (r.error or r.reason) else ""
            if any(o.endswith(".failed.ipynb") for o in r.outputs):
                detail += f" (see {r.template}.failed.ipynb)"
        rows.append((r.key, r.status, f"{r.duration:.1f}s" if r.status not in ("skipped",) else "", str(detail)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
        if n == 0:
            lines.append("-" * min(120, sum(widths) + 40))
    return "\n".join(lines)


# ---------------------------------------------------------------- command line


def _parse_assignment(text: str) -> tuple[str, Any]:
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"-p expects name=value, got {text!r} / -p ต้องอยู่ในรูป name=value")
    return key.strip(), yaml.safe_load(value) if value.strip() else ""


def _load_param_file(path: Path) -> list[dict[str, Any]]:
    """A YAML mapping of parameters (with ``template``), or ``reports:`` / a list of such mappings."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read parameter file {path}: {exc} / อ่านไฟล์พารามิเตอร์ไม่ได้") from None
    if isinstance(data, dict) and "reports" in data:
        data = data["reports"]
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(i, dict) for i in items):
        raise ValueError(f"{path}: expected a mapping of parameters or a list of them / ไฟล์พารามิเตอร์ต้องเป็น mapping")
    return [dict(i) for i in items]


def _default_data_dir() -> Path:
    local = Path("data")
    return local if local.is_dir() else tpl.DEFAULT_DATA_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``planlib report``."""
    parser.add_argument("template", nargs="?", help=f"one template ({', '.join(tpl.TEMPLATES)}); default: all")
    parser.add_argument("--org", action="append", help="organisation folder under --data-dir (repeatable); default: all")
    parser.add_argument("--fy", help="Buddhist-Era fiscal year, e.g. 2568")
    parser.add_argument("--quarter", help="fiscal quarter 1-4 (Q1 = Oct-Dec)")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="another template parameter (value read as YAML, e.g. -p 'weights={C1: 2}')")  # fmt: skip
    parser.add_argument("--params", type=Path, help="YAML file of parameters (a mapping, or a list under 'reports:')")
    parser.add_argument("--list", action="store_true", help="list templates and their parameters, then stop")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder of organisation folders (default: data/)")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--start-timeout", type=float, default=60, help="seconds for a kernel to start (default 60)")
    parser.add_argument("--cell-timeout", type=float, default=300, help="seconds per notebook cell (default 300)")
    parser.add_argument("--report-timeout", type=float, default=900, help="hard limit per report, seconds (default 900)")
    parser.add_argument("--no-pdf", action="store_true", help="HTML and notebook only")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def list_templates(notebook_dir: Path | None = None) -> str:
    notebook_dir = notebook_dir or tpl.NOTEBOOK_DIR
    lines = []
    for t in tpl.TEMPLATES.values():
        state = "" if (notebook_dir / f"{t.name}.ipynb").exists() else "  [notebook not written yet]"
        needs = " + ".join(t.needs) + (f" + one of {'/'.join(t.needs_any)}" if t.needs_any else "")
        lines.append(f"{t.name}: {t.title_th} / {t.title_en}{state}")
        lines.append(f"    needs: {needs.strip(' +')}")
        for name, kind, text in t.parameter_help():
            lines.append(f"    {name:<12} {kind:<28} {text}")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    """Entry point of ``planlib report`` (exit 0 = all built, 1 = a report failed, 2 = refused, 130 = interrupted)."""
    if args.list:
        print(list_templates())
        return 0
    data_dir = (args.data_dir or _default_data_dir()).resolve()
    if not data_dir.is_dir():
        print(f"planlib report: data folder {data_dir} not found / ไม่พบโฟลเดอร์ข้อมูล", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("planlib report: --jobs must be at least 1", file=sys.stderr)
        return 2
    out = args.out.resolve()
    try:
        extra = dict(_parse_assignment(p) for p in args.param)
        requests = _load_param_file(args.params) if args.params else []
    except ValueError as exc:
        print(f"planlib report: {exc}", file=sys.stderr)
        return 2
    for key, value in (("fy", args.fy), ("quarter", args.quarter)):
        if value is not None:
            extra[key] = value
    if args.template and args.template not in tpl.TEMPLATES:
        print(f"planlib report: unknown template {args.template!r}; known: {', '.join(tpl.TEMPLATES)} / ไม่รู้จักแม่แบบรายงาน",
              file=sys.stderr)  # fmt: skip
        return 2
    if args.template or extra:
        if requests:
            requests = [{**r, **({"template": args.template} if args.template else {}), **extra} for r in requests]
        elif args.template:
            requests = [{"template": args.template, **extra}]
        else:
            requests = [{"template": name, **extra} for name in tpl.TEMPLATES]
    if args.org and requests:
        requests = [{**r, "org": org} for r in requests for org in args.org] if all("org" not in r for r in requests) else requests
    settings = Settings(args.start_timeout, args.cell_timeout, args.report_timeout, not args.no_pdf)
    plan = plan_run(data_dir, out, requests=requests, orgs=args.org, settings=settings)
    if plan.refused:
        for message in plan.refused:
            print(f"refused: {message}", file=sys.stderr)
        print("nothing was run / ไม่ได้สร้างรายงานใด ๆ (พารามิเตอร์ไม่ถูกต้อง)", file=sys.stderr)
        return 2
    return execute_plan(plan, out, data_dir, workers=args.jobs, progress=not args.no_progress)


def execute_plan(plan: Plan, out: Path, data_dir: Path, *, workers: int = 2, progress: bool = True) -> int:
    """Run a planned batch, print the summary, write the index; the exit code for the CLI."""
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    for job in plan.jobs:
        Path(job.folder).mkdir(parents=True, exist_ok=True)
    manifests = Manifests(data_dir, out)
    previous_term = signal.getsignal(signal.SIGTERM)
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    interrupted = False
    try:
        log = str(out / "planlib-report.log")
        results = run_jobs(plan.jobs, workers=workers, progress=progress, manifest=manifests, log=log)
    except Interrupted as exc:
        results, interrupted = exc.results, True
    finally:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous_term)
    done = {r.key for r in results}
    if interrupted:
        results += [Result(j.template, j.org, j.period, "not run", reason="interrupted before it started") for j in plan.jobs
                    if j.key not in done]  # fmt: skip
    order = {job.key: n for n, job in enumerate(plan.jobs)}
    results.sort(key=lambda r: order.get(r.key, len(order)))
    try:
        index: Path | str = write_index(out, plan.org_names)
    except OSError as exc:
        index = f"not written ({exc})"
    everything = results + plan.skipped
    print(summary_table(everything, out))
    failed = [r for r in results if r.status in FAILED_STATUSES]
    ok = sum(r.status == "ok" for r in results)
    print(f"\n{ok} built, {len(failed)} failed, {len(plan.skipped)} skipped · index: {index}")
    if failed:
        print(f"details: the manifest.json of each folder; worker log: {out / 'planlib-report.log'}")
    if interrupted:
        print("interrupted / ยกเลิกแล้ว: finished reports are kept; the ones running were not written", file=sys.stderr)
        return 130
    return 1 if failed else 0
