"""Every cross-table check the loader runs, in the order it runs them: the one list to read.

A check is a plain function ``(dataset) -> Iterable[Problem]`` that lives beside the rule it
guards (printed ranks beside the ranking, loan-table checks beside the loan metrics). This list
names them; :func:`planlib.inputs.checks.run_checks` runs them after every table is read.
The list is installed when the package is imported (:mod:`planlib` itself does it), so which
checks run never depends on which domain modules an analyst happened to import. Each check's
module is imported only when a dataset is first checked, so ``import planlib`` stays light.
"""

from __future__ import annotations

CHECKS: tuple[tuple[str, str], ...] = (
    # what any table can get wrong (planlib.inputs.checks)
    ("planlib.inputs.checks", "duplicate_keys"),
    ("planlib.inputs.checks", "unknown_codes"),
    ("planlib.inputs.checks", "kpi_weights"),
    ("planlib.inputs.checks", "swot_weights"),
    ("planlib.inputs.checks", "activity_months"),
    ("planlib.inputs.checks", "score_columns"),
    ("planlib.inputs.checks", "printed_totals"),
    ("planlib.inputs.checks", "lending_annual_quirks"),
    ("planlib.inputs.checks", "damaged_text"),
    # plans
    ("planlib.plans.ife_efe", "swot_ratings"),
    ("planlib.plans.kpi", "kpi_level_order"),
    ("planlib.plans.kpi", "kpi_group_weights"),
    # loans
    ("planlib.loans.portfolio", "loan_data"),
    # plans
    ("planlib.plans.priority", "priority_criteria"),
    ("planlib.plans.priority", "priority_bands"),
    ("planlib.plans.priority", "priority_printed"),
    ("planlib.plans.progress", "activity_status_rows"),
    ("planlib.plans.swot", "swot_similar_items"),
    ("planlib.plans.tows", "tows_factors"),
    ("planlib.plans.value_for_money", "benefit_cost_items"),
)
"""(module, function) of every check, in run order."""
