"""One place that picks the path of a loan book: pandas for small books, DuckDB for large ones.

:func:`open_book` returns a :class:`planlib.loans.portfolio.Book` (everything in pandas) or a
:class:`planlib.loans.large_books.LargeBook` (out of core, SQL on DuckDB or Spark). Both have
the same methods (``snapshot``, ``collection_rates``, ``vintage``, ``roll_rates``,
``relief_on_time``, ``metrics``) and give the same frames, to the satang
(``tests/loans/test_large_books.py``), so a report or an analyst never needs to know which one
it got::

    from planlib.loans import books
    book = books.open_book(planlib.load_portfolio("data/hwfund"))   # 623 loans: pandas
    big = books.open_book("/data/student_loans")                      # loans/ and payments/ Parquet: DuckDB
    m = books.metrics(big, "2025-09-30")                              # quality, ageing, Thai classes, PAR…
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from planlib.inputs.contract import empty_frame
from planlib.inputs.dataset import Dataset, Portfolio, expect
from planlib.loans import schedule
from planlib.loans.large_books import LargeBook
from planlib.loans.portfolio import Book

LARGE_BOOK_LOANS = 200_000
"""Books with more loans than this (or given as Parquet) run out of core in :mod:`planlib.loans.large_books`.

Below it the pandas path is faster (no preparation step) and its memory (a few hundred bytes a
loan and instalment) fits an analyst's laptop; above it the DuckDB path keeps memory bounded
(benchmarks/bench_scale.py)."""

LoanBook = Book | LargeBook
"""Either kind of loan book: both have the same methods and give the same frames."""


def open_book(
    source: Portfolio | str | os.PathLike[str],
    *,
    threshold: int | None = None,
    method: str = schedule.DEFAULT_METHOD,
    relief_rounds: pd.DataFrame | None = None,
    **large: Any,
) -> LoanBook | None:
    """The book of ``source`` on the right path: :class:`LargeBook` for Parquet or more than ``threshold`` loans.

    ``source``: a loaded portfolio (``planlib.load_portfolio``), or a folder with ``loans`` and
    ``payments`` Parquet (``loans/*.parquet`` as written by :func:`planlib.loans.synthetic.write_parquet`,
    or ``loans.parquet``). ``threshold`` defaults to :data:`LARGE_BOOK_LOANS`; ``large`` goes to
    :class:`LargeBook` (``work_dir``, ``memory_limit``, ``progress``…; ignored on the pandas path).
    ``relief_rounds`` default to the portfolio's own. None when the portfolio has no loans.
    A plan, a DataFrame or anything else that is not a portfolio or a folder is refused with a
    :class:`~planlib.inputs.dataset.WrongType` that names ``planlib.load_portfolio``. A large book
    shows its steps when run in a notebook (:func:`planlib.loans.large_books.step_reporter`).
    """
    if isinstance(source, Dataset) or not (isinstance(source, str | os.PathLike) or hasattr(source, "tables")):
        expect(source, (Portfolio, str, os.PathLike), "books.open_book")
    threshold = LARGE_BOOK_LOANS if threshold is None else int(threshold)
    if isinstance(source, str | os.PathLike):
        path = Path(source)

        def pick(name: str) -> Path:
            return path / name if (path / name).is_dir() else path / f"{name}.parquet"

        return LargeBook(pick("loans"), pick("payments"), relief_rounds, method=method, **large)
    tables = source.tables
    loans = tables.get("loans")
    if loans is None or loans.empty:
        return None
    payments = tables.get("payments")
    payments = empty_frame("payments") if payments is None else payments
    if relief_rounds is None:
        relief_rounds = tables.get("relief_rounds")
    if len(loans) > threshold:
        return LargeBook(loans, payments, relief_rounds, method=method, **large)
    return Book(loans, payments, relief_rounds, method=method)


def metrics(book: LoanBook, as_of: str | pd.Timestamp, **options: Any) -> dict[str, pd.DataFrame]:
    """The full loan metric set as of one date, for a small (pandas) or large (SQL) book: ``book.metrics``.

    ``options`` (``fiscal_year``, ``roll_months``, ``max_mob``, ``cuts``, ``top``) and the keys of
    the result: :class:`planlib.loans.portfolio.MetricOptions`. Both paths give the same frames.
    """
    expect(book, (Book, LargeBook), "books.metrics", "books.open_book(portfolio)")
    return book.metrics(as_of, **options)
