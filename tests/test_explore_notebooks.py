"""The exploration notebooks (notebooks/explore_lending.ipynb, explore_priority.ipynb): not report templates, stored
without outputs, and they run under papermill from notebooks/ and from the repository root with real values."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from planlib.reports import templates

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {name: ROOT / "notebooks" / f"{name}.ipynb" for name in ("explore_lending", "explore_priority")}


def run(name: str, out: Path, cwd: Path, **parameters: object) -> tuple[str, list[dict[str, object]]]:
    """Execute one notebook with papermill in ``cwd``; its text outputs joined, and every output."""
    import papermill  # heavy: only these tests run notebooks

    papermill.execute_notebook(str(NOTEBOOKS[name]), str(out), parameters=parameters, kernel_name="python3",
                               progress_bar=False, cwd=str(cwd))
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    texts = []
    for o in outputs:
        texts.append(o.get("text", ""))
        data = o.get("data", {})
        texts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(texts), outputs


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_stored_without_outputs_and_not_a_report_template(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS[name], as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", []) and 'data_dir = "../data"' in code[0].source
    assert name not in templates.TEMPLATES
    assert all(tpl.notebook != f"{name}.ipynb" for tpl in templates.TEMPLATES.values() if hasattr(tpl, "notebook"))


def test_explore_lending_runs_from_the_notebooks_folder(tmp_path: Path) -> None:
    text, outputs = run("explore_lending", tmp_path / "lending.ipynb", ROOT / "notebooks")
    assert f"data: {ROOT / 'data' / 'hwfund'}" in text
    # one row per year from Table 2-1: FY2567 lent 26 loans for 5.0 million THB
    assert "Table 2-1" in text and "2567" in text
    # PAR30, NPL and loan count of the (synthetic) book at the end of FY2567 from planlib.loans.portfolio.quality, as
    # the loan_statistics report gives them: 158 loans still in the portfolio (not the 623 ever contracted)
    assert "PAR30 ณ 30 ก.ย. 2567: 24.71% ; NPL 18.13% (158 สัญญาคงค้าง / loans in portfolio)" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot
    errors = [o.get("text", "") for o in outputs if o.get("name") == "stderr"]
    assert not any("Glyph" in e and "missing" in e for e in errors)  # Thai labels render with the Thai font


def test_explore_priority_runs_from_the_repository_root(tmp_path: Path) -> None:
    text, _ = run("explore_priority", tmp_path / "priority.ipynb", ROOT, change={"cost": 0})
    assert f"data: {(ROOT / 'data' / 'hwfund').resolve()}" in text  # ../data does not exist from the root
    assert "Kendall τ-b = 0.915; 4 project(s) changed rank; 5 changed band" in text
    assert "5 up 1 (5→4)" in text  # the movement chart's alt text
    assert "5 ≻ 6" in text  # cost's share may rise to 3/13 before 5 and 6 swap (stability interval)
    assert "0.230769" in text
    assert "5,000 weight draws" in text
