"""Fixtures shared by the plan tests: the scored plans of the Homeworkers Fund and DITP, loaded once."""

from __future__ import annotations

import pytest

import planlib
from planlib.plans import priority as pr


@pytest.fixture(scope="session")
def hwfund(plans: dict[str, planlib.Plan]) -> pr.Scoring:
    """The Homeworkers Fund prioritisation: 9 projects × 6 criteria (seed 000 Table 3.5)."""
    return pr.scoring(plans["hwfund"])


@pytest.fixture(scope="session")
def ditp(plans: dict[str, planlib.Plan]) -> pr.Scoring:
    """DITP's prioritisation: 6 plans × 4 criteria (seed 001 §5.2)."""
    return pr.scoring(plans["ditp"])
