"""Load once per batch: a validated dataset kept for the other reports of the same run.

A batch of reports (``planlib report``) builds several reports per organisation, and every
notebook starts with ``planlib.load_plan(folder)`` or ``planlib.load_portfolio(folder)``. Loading
reads and checks every cell (hwfund: ~1.6 s), so the runner gives its workers a private snapshot
folder (:data:`SNAPSHOT_ENV`, which the notebook kernels inherit), and the loaders of this module
(exported as ``planlib.load_plan`` / ``planlib.load_portfolio``) keep each validated dataset there:

* the key is the sha256 of the loader, its options, the folder's resolved path and the name and
  **content** of every input file (the folder's files and its ``synthetic/`` subfolder, the files
  :func:`planlib.inputs.read.read_source` can read); a file changed in any way, even to the same
  size and time stamp, gives another key, so a changed input is never served from a stale
  snapshot. The key is taken again after a fresh load, and the snapshot is written only when the
  input did not change while it was read;
* the first kernel to need a dataset loads it (holding a lock on its key) and writes the
  snapshot; every other kernel of the batch reads it: frames, files, sheets, plan information and
  problems, identical to a fresh load (``tests/inputs/test_snapshot.py``). ``strict`` is applied
  after, so a strict load of data with errors raises the same :class:`DataError`;
* snapshots are pickles, and a pickle is code: one is read only from a folder that is this
  user's own and private (mode 0700, not a link) and only when the file is this user's own
  regular file; the runner makes that folder with :func:`tempfile.mkdtemp` and removes it after
  the batch. Anything else is ignored and the data are loaded fresh;
* every fresh load and every reuse is logged, one line each, in ``loads.log`` in the folder
  (:func:`load_log`), which is how the tests count loads.

Outside a batch (no :data:`SNAPSHOT_ENV`) the loaders are :func:`planlib.inputs.load.load_plan`
and :func:`~planlib.inputs.load.load_portfolio` (which add :func:`planlib.inputs.dataset.loader_mismatch`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from planlib.inputs import load
from planlib.inputs.dataset import Dataset, Plan, Portfolio

SNAPSHOT_ENV = "PLANLIB_SNAPSHOTS"
"""The batch's private snapshot folder; set by the report runner for its workers and their kernels."""

LOG_NAME = "loads.log"
"""In the snapshot folder: one line per load, ``load|reuse <loader> <path> <key>``."""

BLOCK = 1 << 16

D = TypeVar("D", bound=Dataset)


def input_files(path: str | Path) -> list[Path]:
    """The files a load of ``path`` can read: a file itself, or a folder's files and its ``synthetic/`` files."""
    path = Path(path)
    if not path.is_dir():
        return [path] if path.exists() else []
    found = []
    for folder in (path, path / "synthetic"):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file())
    return found


def input_key(loader: str, path: str | Path, options: dict[str, object]) -> str:
    """sha256 of the loader, its options, the resolved path and the name and content of every input file."""
    path = Path(path)
    digest = hashlib.sha256(json.dumps([loader, str(path.resolve()), options], sort_keys=True).encode())
    for file in input_files(path):
        name = file.name if file.parent == path else f"{file.parent.name}/{file.name}"
        digest.update(f"\0{name}\0".encode())
        with open(file, "rb") as fh:
            for chunk in iter(lambda: fh.read(BLOCK), b""):
                digest.update(chunk)
    return digest.hexdigest()


def private_folder(folder: Path) -> bool:
    """True when ``folder`` is a real folder of this user that nobody else may write or read (mode 0700)."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def own_file(file: Path) -> bool:
    """True when ``file`` is a regular file (not a link) of this user."""
    try:
        info = file.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()


def snapshot_folder() -> Path | None:
    """The batch's snapshot folder from :data:`SNAPSHOT_ENV`, or None (not in a batch, or not private)."""
    value = os.environ.get(SNAPSHOT_ENV)
    if not value:
        return None
    folder = Path(value)
    return folder if folder.is_absolute() and private_folder(folder) else None


@contextlib.contextmanager
def batch_folder(folder: str | Path | None = None) -> Iterator[Path]:
    """A private snapshot folder for one batch: ``folder`` (made private, kept) or a temporary one (removed after)."""
    if folder is not None:
        path = Path(folder)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix="planlib-snapshots-"))
    try:
        yield path
    finally:
        for file in path.iterdir():
            with contextlib.suppress(OSError):
                file.unlink()
        with contextlib.suppress(OSError):
            path.rmdir()


def load_log(folder: str | Path) -> list[tuple[str, str, str]]:
    """(``load``/``reuse``, loader, path) of every load logged in a snapshot folder, in order."""
    try:
        lines = (Path(folder) / LOG_NAME).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [(parts[0], parts[1], parts[2]) for parts in (line.split("\t") for line in lines) if len(parts) >= 3]


def _log(folder: Path, event: str, loader: str, path: Path, key: str) -> None:
    with open(folder / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(f"{event}\t{loader}\t{path.resolve()}\t{key}\n")


def _read(file: Path, cls: type[D]) -> D | None:
    if not own_file(file):
        return None
    try:
        with open(file, "rb") as fh:
            dataset = pickle.load(fh)  # our own file in our own private folder (module docstring)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return dataset if type(dataset) is cls else None


def _write(folder: Path, file: Path, dataset: Dataset) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(dataset, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def cached(cls: type[D], loader: str, path: str | Path, options: dict[str, object], fresh: Callable[[], D]) -> D:
    """The dataset ``fresh()`` loads (not strict), from the batch's snapshot when one matches its inputs.

    Outside a batch, or for a path that does not exist, this is just ``fresh()``.
    """
    folder = snapshot_folder()
    path = Path(path)
    if folder is None or not path.exists():
        return fresh()
    key = input_key(loader, path, options)
    file = folder / f"{key}.pickle"
    with open(folder / f"{key}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one kernel loads, the others wait and read its snapshot
        dataset = _read(file, cls) if file.exists() else None
        if dataset is not None:
            _log(folder, "reuse", loader, path, key)
            return dataclasses.replace(dataset, path=path)
        dataset = fresh()
        _log(folder, "load", loader, path, key)
        if input_key(loader, path, options) == key:  # not changed while it was read
            _write(folder, file, dataset)
        return dataset


def load_plan(path: str | Path, *, strict: bool = True, synthetic: bool = True, repair_thai: bool = False) -> Plan:
    """:func:`planlib.inputs.load.load_plan`, served from the batch's snapshot when its inputs are unchanged.

    Same arguments and result (frames, problems, ``DataError`` when ``strict``). A folder holding
    lending tables and no plan tables gets an error saying to use ``load_portfolio``.
    """
    options: dict[str, object] = {"synthetic": synthetic, "repair_thai": repair_thai}

    def fresh() -> Plan:
        return load.load_plan(path, strict=False, synthetic=synthetic, repair_thai=repair_thai)

    return load.raise_if_strict(cached(Plan, "load_plan", path, options, fresh), strict, path)


def load_portfolio(
    path: str | Path, *, strict: bool = True, synthetic: bool = True, progress: bool | None = None
) -> Portfolio:
    """:func:`planlib.inputs.load.load_portfolio`, served from the batch's snapshot when its inputs are unchanged.

    Same arguments and result (``progress`` shows a bar on a fresh load; it is not part of the snapshot's key).
    A folder holding plan tables and no lending tables gets an error saying to use ``load_plan``.
    """
    options: dict[str, object] = {"synthetic": synthetic}

    def fresh() -> Portfolio:
        return load.load_portfolio(path, strict=False, synthetic=synthetic, progress=progress)

    return load.raise_if_strict(cached(Portfolio, "load_portfolio", path, options, fresh), strict, path)
