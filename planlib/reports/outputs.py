"""Committing finished reports (main process only): all-or-nothing moves, atomic writes, manifests and hashes.

* Every report is written into a staging folder beside its destination and moved into place with
  ``os.replace`` only when the notebook, HTML and PDF are all complete (and the Word document, unless its
  own step failed: the report is then installed without it, an older ``.docx`` is removed so it never
  stands beside a newer HTML, and the Word error is in the manifest). A failed, timed-out,
  crashed or interrupted run never touches the previous good report; a failed run's executed
  notebook (papermill marks the failing cell) is kept as ``<template>.failed.ipynb`` and the
  error (cell index, execution count, exception, message) goes into ``manifest.json``.
* A full disk (or any ``OSError``) while a finished report is moved into place rolls that report
  back: the files already replaced get their previous version back, so a folder never mixes a new
  HTML with an old PDF; the manifest records ``failed`` at stage ``write`` with the error.
* Only the main process writes manifests and the index (temporary file, then rename). A manifest
  that cannot be written is reported, and the batch goes on.
* Determinism: the manifest records each report's ``result_tables`` (count and combined sha256 of
  the tables it showed, :func:`planlib.reports.worker.result_tables`), the sha256 of every input
  file and the versions of the packages that shape a report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from planlib.reports import templates as tpl
from planlib.reports.jobs import Job, Result, error_record, now

PACKAGES = tuple(
    "planlib pandas numpy matplotlib papermill nbclient nbconvert ipykernel weasyprint pydantic fontpkg-noto-sans-thai "
    "pythainlp".split()
)
"""Packages whose versions a manifest records: the ones that shape a report's numbers and pages."""


OUTPUT_ORDER = (".html", ".pdf", ".docx", ".xlsx", ".ipynb")
"""The order a report's files are listed in: what a reader opens first, the notebook last."""


def output_order(name: str) -> tuple[int, str]:
    """Sort key of an output file name: by :data:`OUTPUT_ORDER` of its extension, then by name."""
    suffix = Path(name).suffix.lower()
    return (OUTPUT_ORDER.index(suffix) if suffix in OUTPUT_ORDER else len(OUTPUT_ORDER), name)


def move_into_place(source: Path, target: Path) -> None:
    """``os.replace`` (atomic on one file system): the one place commits move files (a test fills the disk here)."""
    os.replace(source, target)


def install(files: Sequence[Path], folder: Path, backup: Path) -> list[str]:
    """Move ``files`` into ``folder`` all or nothing; the names moved.

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
            move_into_place(path, target)
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


def commit(job: Job, result: Result, manifest: Callable[[Job, Result], None] | None = None) -> None:
    """Move a finished report from staging into place and record it in the folder's manifest.

    On success the new files replace the old ones all or nothing (:func:`install`: each file is
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
            outputs = install(files, folder, backup)  # extras (.xlsx…) first, the notebook, the HTML and the PDF last
            stale = [f"{job.template}.failed.ipynb"]
            if f"{job.template}.docx" not in outputs:  # its Word step failed: an older .docx would not match
                stale.append(f"{job.template}.docx")
            for name in stale:
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()
        else:
            executed = staging / f"{job.template}.ipynb"
            if executed.exists() and is_json(executed):
                move_into_place(executed, folder / f"{job.template}.failed.ipynb")
                outputs.append(f"{job.template}.failed.ipynb")
    except OSError as exc:  # e.g. the disk is full: the old files stay as they were
        result.status = "failed"
        record = error_record("write", "report_not_written", detail=exc)
        result.error = {**record, "ename": type(exc).__name__, "errno": exc.errno}
        outputs = []
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
    result.outputs = outputs
    if manifest is not None:
        try:
            manifest(job, result)
        except OSError as exc:
            note = {**error_record("manifest", "manifest_not_written", detail=exc), "ename": type(exc).__name__}
            if result.error is None:
                result.error = note
            else:
                result.error["manifest"] = note["message"]


def is_json(path: Path) -> bool:
    """True when ``path`` can be read and parsed as JSON (a complete notebook, not a half-written one)."""
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
    """sha256 of a file's bytes, read in 64 KiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape a report."""
    versions = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def read_manifest(path: Path) -> dict[str, Any]:
    """A folder's manifest, or an empty one when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("reports"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"reports": {}}


class Manifests:
    """Writes ``manifest.json`` per report folder (main process only, atomic)."""

    def __init__(self, data_dir: Path, out: Path):
        self.data_dir, self.out = data_dir, out
        self.versions = package_versions()
        self.input_hashes: dict[str, dict[str, str]] = {}

    def inputs(self, job: Job) -> dict[str, str]:
        """sha256 of every file in the organisation's folder and of the template notebook."""
        if job.org not in self.input_hashes:
            org_dir = self.data_dir / job.org
            files = sorted(p for p in org_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
            self.input_hashes[job.org] = {str(p.relative_to(self.data_dir)): file_sha256(p) for p in files}
        hashes = dict(self.input_hashes[job.org])
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
            "finished": result.finished or now(),
            "duration_s": result.duration,
            "stages_s": result.stages,
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
        data["updated"] = now()
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
