"""One report in a pool process: executed notebook, then HTML, PDF and Word, all inside the job's staging folder.

:func:`worker_main` is the body of a pool process (:mod:`planlib.reports.pool` starts it): it imports
the heavy packages once, then runs :func:`execute` for each job it receives until told to stop. A
worker writes nothing outside ``job.staging``; the main process moves the files into place
(:mod:`planlib.reports.outputs`).

* The papermill-injected cell is re-read with ``ast.literal_eval``
  (:func:`planlib.reports.templates.injected_source_is_literal`) before any kernel starts.
* The kernel is the worker's own interpreter (:func:`private_kernelspec`), with papermill's
  ``start_timeout`` and a per-cell ``execution_timeout``.
* Every table a notebook shows through :func:`planlib.display.show_table` carries the sha256 of its
  rendered HTML; :func:`result_tables` combines them into one hash per report.
* The worker ignores Ctrl-C: the main process handles it and kills the worker with its kernel.
  The worker also ends itself, with its kernel, when the main process is gone (killed hard, say),
  so no notebook runs on for nobody.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psutil

from planlib.display import PROGRESS_ENV, TABLE_METADATA
from planlib.reports import kernels, render, word
from planlib.reports import templates as tpl
from planlib.reports.jobs import PROGRESS_FILE, Job, Result, error_record, now
from planlib.reports.kernels import process_alive

KERNEL_NAME = "python3"
PARENT_POLL_SECONDS = 1.0
"""How often a worker checks that the main process is still there."""


def private_kernelspec() -> str:
    """A ``python3`` kernelspec for this interpreter, first on JUPYTER_PATH for this process; its folder.

    A ``python3`` kernelspec registered elsewhere (the user's, another venv's) could start a
    different Python without planlib; this makes the kernel the worker's own interpreter.
    """
    root = Path(tempfile.mkdtemp(prefix="planlib-kernels-"))
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (planlib)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")]))
    return str(root)


def end_with_parent(
    parent: int, interval: float = PARENT_POLL_SECONDS, cleanup: Callable[[], object] | None = None
) -> threading.Thread:
    """Start a daemon thread that kills this process and its kernels once process ``parent`` is gone.

    The main process kills its workers itself on Ctrl-C, a timeout or the end of the batch; this is
    for when it cannot (SIGKILL, out of memory): a worker blocked in a long cell would otherwise run
    on, with its kernel, until the cell's own timeout. ``cleanup`` runs after the kernels are killed.
    """

    def watch() -> None:
        with contextlib.suppress(psutil.Error):
            main = psutil.Process(parent)
            while process_alive(main):
                time.sleep(interval)
        me = psutil.Process()
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
        if cleanup is not None:
            cleanup()
        os._exit(1)

    thread = threading.Thread(target=watch, name="planlib-end-with-parent", daemon=True)
    thread.start()
    return thread


def worker_main(conn: Connection, log: str | None = None, parent: int | None = None) -> None:
    """Pool process: import the heavy packages once, then run jobs until told to stop.

    With ``log``, the worker's and its kernels' stderr (kernel start-up chatter, warnings,
    tracebacks) go to that file instead of the analyst's terminal. With ``parent`` (the main
    process's pid), the worker ends itself and its kernels when that process is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C and kills us
    if log:
        with contextlib.suppress(OSError):
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(fd, 2)
            os.close(fd)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    kernelspecs = private_kernelspec()
    mother = kernels.start_mother(close=[conn.fileno()])  # before any thread of this process starts
    if parent is not None:
        end_with_parent(parent, cleanup=lambda: shutil.rmtree(kernelspecs, ignore_errors=True))
    try:
        # heavy: imported here (once per worker, or already in the forkserver), not by the main process
        import nbformat
        import papermill  # noqa: F401
        import weasyprint  # noqa: F401

        render.body_html(nbformat.v4.new_notebook())  # the HTML exporter and its templates, loaded once
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
        if mother is not None:
            mother.stop()
        shutil.rmtree(kernelspecs, ignore_errors=True)


def error_from(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """(status, error record) for an exception raised while executing a notebook."""
    # heavy: papermill and nbclient are imported by workers only
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    detail = str(exc)[:500]
    if isinstance(exc, PapermillExecutionError):
        first = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        evalue = str(exc.evalue)
        record = error_record(
            "execute", "cell_raised", cell=exc.cell_index, count=exc.exec_count, ename=exc.ename, evalue=evalue[:500]
        )
        cell = {"cell_index": exc.cell_index, "execution_count": exc.exec_count, "cell_source": first[:200]}
        return "failed", {**record, **cell, "ename": exc.ename, "evalue": evalue[:2000]}
    if isinstance(exc, CellTimeoutError | TimeoutError):
        return "timeout", {**error_record("execute", "cell_timeout", detail=detail), "ename": type(exc).__name__}
    if isinstance(exc, DeadKernelError):
        return "crashed", {**error_record("execute", "kernel_died", detail=detail), "ename": "DeadKernelError"}
    if isinstance(exc, RuntimeError) and "Kernel didn't respond" in str(exc):
        return "timeout", {**error_record("start", "kernel_no_start", detail=detail), "ename": "RuntimeError"}
    record = error_record("execute", "notebook_failed", detail=str(exc)[:2000])
    return "failed", {**record, "ename": type(exc).__name__}


def result_tables(nb: Any) -> dict[str, Any]:
    """Count and combined sha256 of the tables an executed notebook showed with ``show_table``.

    The hash is over the per-table hashes in output order (each the sha256 of the table's
    rendered HTML), so it changes when any shown number or text changes and never with the time
    or place of the run.
    """
    digests = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            mark = out.get("metadata", {}).get(TABLE_METADATA)
            if isinstance(mark, dict):
                digests.append(str(mark["sha256"]))
    return {"count": len(digests), "sha256": hashlib.sha256("\n".join(digests).encode("ascii")).hexdigest()}


def execute(job: Job | Mapping[str, Any]) -> Result:
    """Run one job into its staging folder: executed notebook, then HTML, PDF and Word (:func:`write_exports`).

    Nothing outside ``job.staging`` is written; the main process moves the files into place. The
    result records the seconds of each step (``stages``: notebook, with its kernel's start and
    shutdown, then html, pdf, word), and the manifest keeps them.
    """
    if not isinstance(job, Job):
        job = Job.from_dict(job)
    # heavy: papermill is imported by workers only
    import papermill as pm
    from papermill.translators import PythonTranslator

    started, t0 = now(), time.monotonic()
    result = Result.of(job, "ok", started=started)
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
            result.error = error_record("parameters", "parameter_not_literal")
        else:
            notebook_started = time.monotonic()
            pm.execute_notebook(
                job.notebook,
                str(executed),
                parameters=params,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                start_timeout=job.settings.start_timeout,
                execution_timeout=job.settings.cell_timeout,
                cwd=str(staging),
                kernel_manager_class=kernels.kernel_manager_class(),
            )
            result.stages["notebook"] = round(time.monotonic() - notebook_started, 3)
    except Exception as exc:
        result.status, result.error = error_from(exc)
    if result.status == "ok":
        try:
            write_exports(job, executed, result)
        except Exception as exc:
            result.status = "failed"
            record = error_record("render", "export_failed", detail=str(exc)[:500])
            trace = traceback.format_exc(limit=6)[-3000:]
            result.error = {**record, "ename": type(exc).__name__, "traceback": trace}
    os.environ.pop(PROGRESS_ENV, None)
    with contextlib.suppress(FileNotFoundError):
        progress_file.unlink()
    result.duration = round(time.monotonic() - t0, 2)
    result.finished = now()
    if staging.exists():
        result.outputs = sorted(p.name for p in staging.iterdir() if p.is_file())
    return result


def write_exports(job: Job, executed: Path, result: Result) -> None:
    """The HTML, the PDF (unless turned off) and the Word document of an executed notebook, beside it.

    Also the result's table hash, and the seconds each step took (``result.stages``: html, pdf, word).
    The three are made from one report page (:func:`planlib.reports.render.page`).
    A Word document that cannot be written does not fail the report: its HTML, PDF and notebook are kept,
    any partial ``.docx`` is removed, and the error goes into the result (stage ``word``), so the manifest,
    the index and the summary say why the ``.docx`` is missing.
    """
    import nbformat  # heavy: workers only

    clock = time.monotonic()

    def stage(name: str) -> None:  # the seconds since the last stage ended, into result.stages
        nonlocal clock
        result.stages[name] = round(time.monotonic() - clock, 3)
        clock = time.monotonic()

    nb = nbformat.read(executed, as_version=4)
    result.tables = result_tables(nb)
    body = render.body_html(nb)
    page = render.page(body, title=job.title, subtitle=job.subtitle, embed_font=True)
    (executed.parent / f"{job.template}.html").write_text(page, encoding="utf-8")
    doc = render.page(body, title=job.title, subtitle=job.subtitle, embed_font=False)
    stage("html")
    if job.settings.pdf:
        render.write_pdf(doc, executed.parent / f"{job.template}.pdf")
        stage("pdf")
    target = executed.parent / f"{job.template}.docx"
    try:
        word.write_docx(doc, target, title=job.title, subtitle=job.subtitle)
        stage("word")
    except Exception as exc:  # one failing .docx never costs the report its other outputs
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        detail = f"{type(exc).__name__}: {exc}"[:500]
        if job.settings.pdf:  # say only what was written
            record = error_record("word", "word_failed", detail=detail)
        else:
            record = error_record("word", "word_failed_html_only", detail=detail)
        result.error = {**record, "ename": type(exc).__name__, "traceback": traceback.format_exc(limit=6)[-3000:]}
