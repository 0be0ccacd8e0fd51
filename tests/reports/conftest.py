"""Shared fixtures of the report tests: the whole default batch, built once per test session.

``built`` runs ``planlib report`` (every template that applies, every shipped organisation, 2 workers) into
a temporary folder once; ``report_files(template, org)`` then gives that report's folder and manifest entry.
Tests that read a report's HTML, PDF, Word or workbook output use these instead of building their own batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from batch_cases import DATA, report_cases

from planlib.reports.batch import plan_run
from planlib.reports.command_line import execute_plan


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """(exit code, output folder) of the default batch over the shipped data."""
    out = tmp_path_factory.mktemp("reports")
    plan = plan_run(DATA, out, templates=sorted({t for t, _ in report_cases()}))
    assert not plan.refused
    code = execute_plan(plan, out.resolve(), DATA, workers=2, progress=False)
    return code, out.resolve()


@pytest.fixture(scope="session")
def report_files(built: tuple[int, Path]) -> Callable[[str, str], tuple[Path, dict]]:
    """A function (template, org) → (the report's folder, its manifest entry) in the built batch."""
    _, out = built

    def find(template: str, org: str) -> tuple[Path, dict]:
        for manifest in sorted((out / org).glob("*/manifest.json")):
            reports = json.loads(manifest.read_text(encoding="utf-8"))["reports"]
            if template in reports:
                return manifest.parent, reports[template]
        raise AssertionError(f"no manifest entry for {org}/{template}")

    return find
