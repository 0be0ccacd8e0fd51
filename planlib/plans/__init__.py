"""Plans: SWOT/TOWS, IFE/EFE, project priorities and what-if scoring, KPIs and the quarterly progress report.

Imports :mod:`planlib.inputs` and the shared chart and display helpers; never :mod:`planlib.loans` or
:mod:`planlib.reports`.
"""
