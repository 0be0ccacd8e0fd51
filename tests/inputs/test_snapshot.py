"""Load once per batch (issue 16.3): a snapshot equals a fresh load, and a changed input is never served stale."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest

import planlib
from planlib.inputs import load, snapshot
from planlib.inputs.dataset import Dataset


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private snapshot folder named in the environment, as the report runner gives its kernels."""
    with snapshot.batch_folder(tmp_path / "snapshots") as path:
        monkeypatch.setenv(snapshot.SNAPSHOT_ENV, str(path))
        yield path


def assert_same(first: Dataset, second: Dataset) -> None:
    """Same type, tables (frames, dtypes, index), files, sheets, plan information, synthetic names and problems."""
    assert type(first) is type(second)
    assert list(first.tables) == list(second.tables)
    for name in first.tables:
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name], check_exact=True)
    assert dict(first.files) == dict(second.files) and dict(first.sheets) == dict(second.sheets)
    assert dict(first.info) == dict(second.info) and first.synthetic == second.synthetic
    assert list(first.problems) == list(second.problems)
    assert first.path == second.path


def events(folder: Path) -> list[tuple[str, str]]:
    return [(event, loader) for event, loader, _ in snapshot.load_log(folder)]


def test_a_snapshot_equals_a_fresh_load(folder: Path, data_dir: Path) -> None:
    """hwfund's plan (with its synthetic actuals) and its portfolio (the synthetic loan book) from a snapshot."""
    path = data_dir / "hwfund"
    first, second = planlib.load_plan(path), planlib.load_plan(path)
    book_first, book_second = planlib.load_portfolio(path), planlib.load_portfolio(path)
    assert events(folder) == [
        ("load", "load_plan"),
        ("reuse", "load_plan"),
        ("load", "load_portfolio"),
        ("reuse", "load_portfolio"),
    ]
    assert second is not first
    fresh = load.load_plan(path)
    assert_same(second, fresh)
    assert len(fresh.problems) > 0 and fresh.problems.changes  # the change log survives the snapshot
    assert_same(book_second, load.load_portfolio(path))
    assert len(book_second.loans) > 600 and len(book_first.payments) == len(book_second.payments)


def test_the_path_as_typed_is_kept(folder: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative path and an absolute one share the snapshot; each dataset keeps the path it was given."""
    monkeypatch.chdir(data_dir)
    relative = planlib.load_plan("mol")
    absolute = planlib.load_plan(data_dir / "mol")
    assert events(folder) == [("load", "load_plan"), ("reuse", "load_plan")]
    assert relative.path == Path("mol") and absolute.path == data_dir / "mol"


def test_changing_one_input_file_makes_the_next_load_fresh(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    """Same size, same modification time, one digit changed: the content hash differs, the new value is read."""
    org = tmp_path / "org"
    shutil.copytree(data_dir / "mol", org)
    before = planlib.load_plan(org)
    projects = org / "projects.csv"
    text = projects.read_text(encoding="utf-8")
    info = projects.stat()
    old = before.projects["name_en"].iloc[0]
    new = old.replace("Supervising", "Supervisinx")
    assert len(new) == len(old) and new != old and old in text
    projects.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(projects, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert projects.stat().st_size == info.st_size and projects.stat().st_mtime_ns == info.st_mtime_ns
    after = planlib.load_plan(org)
    assert events(folder) == [("load", "load_plan"), ("load", "load_plan")]
    assert after.projects["name_en"].iloc[0] == new
    assert_same(after, load.load_plan(org))
    assert planlib.load_plan(org).projects["name_en"].iloc[0] == new  # and the new one is reused
    assert events(folder)[-1] == ("reuse", "load_plan")


def test_a_new_file_in_synthetic_makes_the_next_load_fresh(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(data_dir / "ditp", org)
    planlib.load_plan(org)
    (org / "synthetic" / "kpi_actuals.csv").unlink()
    assert "kpi_actuals" not in planlib.load_plan(org).tables
    assert events(folder) == [("load", "load_plan"), ("load", "load_plan")]


def test_options_are_part_of_the_key(folder: Path, data_dir: Path) -> None:
    with_synthetic = planlib.load_plan(data_dir / "hwfund")
    without = planlib.load_plan(data_dir / "hwfund", synthetic=False)
    assert events(folder) == [("load", "load_plan"), ("load", "load_plan")]
    assert with_synthetic.synthetic and not without.synthetic


def test_strict_raises_the_same_error_from_a_snapshot(folder: Path, data_dir: Path, tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(data_dir / "mol", org)
    swot = org / "swot.csv"
    lines = swot.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("quadrant")] = "Q"
    swot.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(planlib.DataError) as fresh:
        load.load_plan(org)
    for _ in range(2):
        with pytest.raises(planlib.DataError) as served:
            planlib.load_plan(org)
        assert str(served.value) == str(fresh.value)
        assert list(served.value.problems) == list(fresh.value.problems)
    assert events(folder) == [("load", "load_plan"), ("reuse", "load_plan")]
    assert planlib.load_plan(org, strict=False).problems.errors


def test_a_folder_others_can_write_is_never_read(tmp_path: Path, data_dir: Path, monkeypatch) -> None:
    """Snapshots are pickles: one is read only from this user's private folder, never from a shared one."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(snapshot.SNAPSHOT_ENV, str(shared))
    assert snapshot.snapshot_folder() is None
    planlib.load_plan(data_dir / "mol")
    assert list(shared.iterdir()) == []  # nothing written, nothing read: a plain load
    link = tmp_path / "link"
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    link.symlink_to(private)
    monkeypatch.setenv(snapshot.SNAPSHOT_ENV, str(link))
    assert snapshot.snapshot_folder() is None
    monkeypatch.setenv(snapshot.SNAPSHOT_ENV, "relative/folder")
    assert snapshot.snapshot_folder() is None


def test_a_planted_file_that_is_not_a_dataset_of_the_kind_is_ignored(folder: Path, data_dir: Path) -> None:
    """A snapshot of another type, a link or a damaged file under the right key: loaded fresh and replaced."""
    path = data_dir / "mol"
    key = snapshot.input_key("load_plan", path, {"synthetic": True, "repair_thai": False})
    (folder / f"{key}.pickle").write_bytes(b"not a pickle")
    plan = planlib.load_plan(path)
    assert events(folder) == [("load", "load_plan")]
    assert_same(plan, load.load_plan(path))
    (folder / f"{key}.pickle").unlink()
    (folder / f"{key}.pickle").symlink_to(folder / "elsewhere.pickle")
    planlib.load_plan(path)
    assert events(folder)[-1] == ("load", "load_plan")


def test_batch_folder_is_private_and_a_temporary_one_is_removed(tmp_path: Path) -> None:
    with snapshot.batch_folder() as temporary:
        assert stat.S_IMODE(temporary.stat().st_mode) == 0o700 and snapshot.private_folder(temporary)
        (temporary / "x.pickle").write_bytes(b"")
    assert not temporary.exists()
    kept = tmp_path / "kept"
    kept.mkdir(mode=0o755)
    with snapshot.batch_folder(kept) as path:
        assert snapshot.private_folder(path)
    assert kept.exists()


def test_outside_a_batch_the_loaders_are_the_plain_ones(data_dir: Path, monkeypatch) -> None:
    monkeypatch.delenv(snapshot.SNAPSHOT_ENV, raising=False)
    assert_same(planlib.load_plan(data_dir / "mol"), load.load_plan(data_dir / "mol"))
