"""Shared test fixtures: the repository's folders and the shipped datasets, loaded once per session.

Tests mirror ``planlib/``: ``tests/inputs`` for :mod:`planlib.inputs`, ``tests/plans`` for
:mod:`planlib.plans` and so on. Loaded datasets are frozen dataclasses of DataFrames; a test
that changes a frame must copy it first.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import planlib

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))  # report_fixtures: stub notebooks for the runner tests

ORGS = ("hwfund", "ditp", "dsdw", "tfund", "mol")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shipped ``data/`` folder."""
    return DATA


@pytest.fixture(scope="session")
def plans() -> dict[str, planlib.Plan]:
    """Every shipped organisation's plan, loaded once."""
    return {org: planlib.load_plan(DATA / org) for org in ORGS}


@pytest.fixture(scope="session")
def hwfund_portfolio() -> planlib.Portfolio:
    """The Homeworkers Fund lending tables (published statistics and the synthetic loan book)."""
    return planlib.load_portfolio(DATA / "hwfund")
