"""planlib: plan and loan-portfolio analytics for Thai public revolving funds.

Load an organisation's plan tables and lending tables into pandas DataFrames, check them,
and compute what quarterly board reports show. Start here::

    import planlib
    plan = planlib.load_plan("data/hwfund")         # SWOT, projects, KPIs… as DataFrames
    book = planlib.load_portfolio("data/hwfund")    # published lending statistics, loans
    planlib.validate("data/hwfund")                 # every problem, nothing raised
"""

from planlib import ife_efe, kpi, lending, portfolio, priority, progress, swot, tows, value_for_money  # noqa: F401  (domain modules register their checks on import)
from planlib.load import Dataset, Plan, Portfolio, load_plan, load_portfolio, require, validate
from planlib.problems import DataError, Problem, Problems

__version__ = "0.1.0"

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
