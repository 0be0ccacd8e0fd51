"""planlib: plan and loan-portfolio analytics for Thai public revolving funds.

Load an organisation's plan tables and lending tables into pandas DataFrames, check them,
and compute what quarterly board reports show. Start here::

    import planlib
    plan = planlib.load_plan("data/hwfund")         # SWOT, projects, KPIs… as DataFrames
    book = planlib.load_portfolio("data/hwfund")    # published lending statistics, loans
    planlib.validate("data/hwfund")                 # every problem, nothing raised

The package has four layers, and imports point down only::

    planlib.inputs    reading and checking what analysts type (Thai digits, BE dates, the contract)
    planlib.plans     SWOT, priorities, what-if, KPIs, the quarterly progress report
    planlib.loans     lending statistics, schedules, portfolio quality, large books
    planlib.reports   report templates, the batch runner, HTML/PDF rendering

``planlib.priority``, ``planlib.portfolio`` and the other domain modules stay reachable as
attributes of ``planlib`` (imported on first use, so ``import planlib`` stays light).
"""

from __future__ import annotations

import importlib
from typing import Any

from planlib import checklist, fonts
from planlib.inputs import check_registry

__version__ = "0.2.0"

check_registry.install(checklist.CHECKS)
fonts.register_when_matplotlib_loads()

MODULES: dict[str, str] = {
    **{
        name: f"planlib.inputs.{name}"
        for name in (
            "thai",
            "contract",
            "read",
            "load",
            "checks",
            "problems",
            "dataset",
            "messages",
            "blank_workbook",
            "snapshot",
        )
    },
    **{
        name: f"planlib.plans.{name}"
        for name in (
            "swot",
            "ife_efe",
            "tows",
            "priority",
            "value_for_money",
            "ahp",
            "whatif",
            "sensitivity",
            "kpi",
            "progress",
            "gantt",
            "boardpack",
            "examples",
            "bands",
        )
    },
    **{
        name: f"planlib.loans.{name}"
        for name in (
            "lending",
            "lending_progress",
            "schedule",
            "portfolio",
            "large_books",
            "reconcile",
            "synthetic",
            "loan_report",
            "books",
        )
    },
    **{name: f"planlib.reports.{name}" for name in ("templates", "render", "pdf_text")},
    **{name: f"planlib.{name}" for name in ("charts", "display", "cli", "fonts", "checklist")},
}
"""Short names an analyst types (``planlib.priority``) → the module in its layer."""


NAMES: dict[str, str] = {
    **{name: "planlib.inputs.dataset" for name in ("Dataset", "Plan", "Portfolio")},
    **{name: "planlib.inputs.load" for name in ("require", "validate")},
    **{name: "planlib.inputs.problems" for name in ("DataError", "Problem", "Problems")},
    **{name: "planlib.inputs.snapshot" for name in ("load_plan", "load_portfolio")},
}
"""The entry points (``planlib.load_plan``…) → the module that defines them, imported on first use so that
``import planlib`` loads neither pandas nor anything heavier (issue 16: under 0.5 s)."""


def __getattr__(name: str) -> Any:
    """``planlib.priority``, ``planlib.load_plan`` and friends: import the defining module on first use."""
    if name in NAMES:
        value = getattr(importlib.import_module(NAMES[name]), name)
    elif name in MODULES:
        value = importlib.import_module(MODULES[name])
    else:
        raise AttributeError(f"module 'planlib' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *MODULES, *NAMES})


__all__ = [
    "DataError",
    "Dataset",
    "Plan",
    "Portfolio",
    "Problem",
    "Problems",
    "load_plan",
    "load_portfolio",
    "require",
    "validate",
]
