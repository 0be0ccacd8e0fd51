"""A normal (non-editable) install of the wheel builds reports, from a folder outside the repository (issue 14).

The wheel is built from a copy of the repository's sources (pyproject.toml, README.md, planlib/, notebooks/, data/)
so the build leaves nothing in the work tree. It is installed with ``--no-deps`` into a fresh venv outside the
repository whose ``.pth`` file reuses this environment's installed dependencies (fast, offline). The test then
runs the venv's own ``planlib`` console script from a temporary folder: ``--version``, ``init``, ``report --list``
and one report (HTML, PDF, Word), and checks that the package the venv imports is the installed copy.

Skipped only when no wheel can be built here (no build backend available); every later step must work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import planlib
from planlib.reports import templates as tpl

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "planlib", "notebooks", "data")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")


def run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    """Run ``command``; its stdout, or a failure that shows everything it printed."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=JUNK)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(src)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        pytest.skip(f"no wheel can be built here (pip wheel exited {done.returncode}): {done.stderr[-500:]}")
    (built,) = dist.glob("planlib-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repository with the wheel installed (no dependencies: they come from ours)."""
    home = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home.parent)
    python = str(home / "bin" / "python")
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=home.parent).strip())
    (site / "planlib_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    install = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet"]
    run([*install, str(wheel)], cwd=home.parent)
    return home


def env_for(venv: Path) -> dict[str, str]:
    """The environment a user of the venv has: its bin first, nothing pointing into the repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["NO_COLOR"] = "1"
    # The reused dependencies' data files (nbconvert's HTML templates) are in our prefix's share/jupyter, where
    # installing them into the venv would have put them in the venv's own.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return env


def test_the_wheel_holds_every_module_the_notebooks_the_stylesheet_and_the_examples(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "planlib").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules - names == set(), "modules missing from the wheel (list the package in pyproject.toml)"
    assert {f"planlib/notebooks/{name}.ipynb" for name in tpl.TEMPLATES} <= names
    assert {"planlib/reports/report.css", "planlib/py.typed"} <= names
    data = [p for p in (ROOT / "data").rglob("*") if p.suffix in {".csv", ".md"}]  # tables and their provenance
    shipped = {f"planlib/example_data/{p.relative_to(ROOT / 'data')}" for p in data}
    assert shipped and shipped <= names
    assert not [n for n in names if "__pycache__" in n or ".ipynb_checkpoints" in n]


def test_an_installed_wheel_builds_a_report_from_any_folder(venv: Path, tmp_path: Path) -> None:
    env = env_for(venv)
    planlib_cmd = str(venv / "bin" / "planlib")
    assert run([planlib_cmd, "--version"], cwd=tmp_path, env=env).strip() == f"planlib {planlib.__version__}"
    show = "import planlib.reports.templates as t; print(t.NOTEBOOK_DIR)"
    where = run([str(venv / "bin" / "python"), "-c", show], cwd=tmp_path, env=env).strip()
    assert where.startswith(str(venv)) and where.endswith("planlib/notebooks")  # the installed copy, not the repo

    out = run([planlib_cmd, "init", "work"], cwd=tmp_path, env=env)
    assert "planlib report --org ditp" in out
    work = tmp_path / "work"
    assert (work / "data" / "hwfund" / "plan.csv").is_file() and (work / "blank_workbook.xlsx").is_file()
    listing = run([planlib_cmd, "report", "--list"], cwd=work, env=env)
    assert "not written yet" not in listing
    assert all(f"{name}: " in listing for name in tpl.TEMPLATES)

    out = run([planlib_cmd, "report", "whatif", "--org", "ditp", "--fy", "2569", "--no-progress"], cwd=work, env=env)
    folder = work / "reports" / "ditp" / "2569"
    assert "1 built, 0 failed" in out
    assert {"whatif.html", "whatif.pdf", "whatif.docx", "whatif.ipynb"} <= {p.name for p in folder.iterdir()}
    assert (folder / "whatif.pdf").read_bytes().startswith(b"%PDF")
    assert "What-if analysis of project ranks" in (folder / "whatif.html").read_text(encoding="utf-8")
