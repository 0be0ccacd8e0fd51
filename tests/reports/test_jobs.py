"""Jobs, results and period names; every message the runner and the command raise is in the catalogue."""

from __future__ import annotations

import ast
import string
from dataclasses import asdict
from pathlib import Path

import pytest

from planlib.inputs import messages
from planlib.reports import jobs
from planlib.reports.jobs import Job, Result, Settings

PLANLIB = Path(__file__).resolve().parents[2] / "planlib"
RUNNER = sorted((PLANLIB / "reports").glob("*.py")) + [PLANLIB / "cli.py"]


def test_a_job_crosses_the_pipe_as_a_dict_and_back() -> None:
    job = Job(
        template="swot",
        org="hwfund",
        period="2568",
        params={"org": "hwfund", "weights": {"C1": 2}},
        folder="/r/hwfund/2568",
        staging="/r/hwfund/2568/.staging-swot-1-0",
        notebook="/n/swot.ipynb",
        title="SWOT",
        subtitle="hwfund · ปีงบประมาณ 2568",
        settings=Settings(cell_timeout=10, pdf=False),
    )
    assert Job.from_dict(asdict(job)) == job
    assert job.key == "hwfund/2568/swot"
    result = Result.of(job, "ok", duration=1.5)
    assert (result.key, result.status, result.duration) == ("hwfund/2568/swot", "ok", 1.5)
    assert Result("swot", "mol", "", "skipped").key == "mol/swot"  # skipped before a period was known


@pytest.mark.parametrize(
    ("fy", "quarter", "name", "label"),
    [(2568, None, "2568", "ปีงบประมาณ 2568"), (2568, 2, "2568-Q2", "ไตรมาส 2/2568"), (None, None, "", None)],
)
def test_period_names_and_labels(fy, quarter, name, label) -> None:
    assert jobs.period_name(fy, quarter) == name
    if label:
        assert jobs.period_label(name) == label


def test_error_record_and_bilingual_take_their_words_from_the_catalogue() -> None:
    record = jobs.error_record("worker", "worker_died", exit_code=-9)
    assert record == {
        "stage": "worker",
        "code": "worker_died",
        "message": "the report worker died (exit code -9)",
        "message_th": "กระบวนการสร้างรายงานหยุดทำงานกลางคัน (รหัสออก -9)",
    }
    en, th = messages.text("no_fiscal_year")
    assert jobs.bilingual((en, th)) == f"{en} / {th}" and th.startswith("ไม่ทราบปีงบประมาณ")


def _error_record_sites() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, code, values passed) of every ``error_record(stage, code, **values)`` call."""
    sites = []
    for path in RUNNER:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name != "error_record" or len(node.args) < 2:
                continue
            code = node.args[1]
            assert isinstance(code, ast.Constant), f"{path.name}:{node.lineno}: write the code where it is raised"
            values = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords if k.arg}
            sites.append((path.name, node.lineno, code.value, values))
    return sites


def test_every_error_record_code_is_in_the_catalogue_with_its_values() -> None:
    """``error_record`` is a helper in another module, which the catalogue test cannot follow: checked here."""
    sites = _error_record_sites()
    assert {"worker.py", "pool.py", "outputs.py"} <= {site[0] for site in sites}
    for file, line, code, values in sites:
        assert code in messages.CATALOGUE, f"{file}:{line} {code}"
        message = messages.CATALOGUE[code]
        fields = {f for text in (message.en, message.th) for _, f, _, _ in string.Formatter().parse(text) if f}
        if values is not None:
            assert values == fields, f"{file}:{line} {code}: passes {sorted(values)}, the text takes {sorted(fields)}"
