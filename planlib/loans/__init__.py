"""Loans: published lending statistics, repayment schedules, portfolio quality as of a date, large books.

Imports :mod:`planlib.inputs` and the shared chart and display helpers; never :mod:`planlib.plans` or
:mod:`planlib.reports`.
"""
