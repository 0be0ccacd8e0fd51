"""Loan books arrive as folders from branch offices and partners: opening one never runs anything.

No path, file name, setting value or user text goes into SQL text (issue 15 item 1). A folder of
hostile file names gives the right numbers or a plain error naming the file, writes no file
anywhere, and every statement DuckDB is handed is free of the names; the SQL module itself is
checked for interpolation into quoted SQL literals.
"""

from __future__ import annotations

import ast
import gc
import string
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from planlib.inputs import thai
from planlib.inputs.problems import DataError
from planlib.loans import books, synthetic
from planlib.loans import large_books as lb
from planlib.loans import portfolio as pf

AS_OF = "2024-06-30"
SQL_MODULES = [Path(lb.__file__), Path(books.__file__)]

ATTACK = "a.parquet']); COPY (SELECT 42 AS pwned) TO 'pwned.csv'; SELECT * FROM read_parquet(['a.parquet"
"""With ``a.parquet`` beside it, this name made the old ``read_parquet(['…'])`` text run the COPY (pwned.csv)."""
PLAIN_ATTACK = "a.parquet'); COPY (SELECT 42 AS pwned) TO 'pwned_plain.csv'; --.parquet"
"""The same without brackets (no glob character): these names reach DuckDB's own reader, as values."""
QUIRKS = [
    "q'uote.parquet",
    "semi;colon.parquet",
    "new\nline.parquet",
    "division∕slash.parquet",  # U+2215, looks like '/'
    "fraction⁄slash.parquet",  # U+2044
]
NAMES = {
    "duckdb_reader": ["a.parquet", PLAIN_ATTACK, *QUIRKS],
    # '*.parquet' would read every file of the folder as a pattern: these go through Arrow
    "arrow_for_patterns": ["a.parquet", ATTACK, *QUIRKS, "*.parquet", "br[ack]et.parquet"],
}
FOLDERS = ["o'brien_book", "x'); COPY (SELECT 1) TO 'pwned_dir.csv'; --"]


class Recording:
    """A DuckDB connection that keeps the text of every statement it is given (and notes Arrow scans)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[str]) -> None:
        self._con, self._log = con, log

    def from_arrow(self, data: object) -> object:
        self._log.append("<arrow>")
        return self._con.from_arrow(data)

    def execute(self, query: str, *args: object, **kwargs: object) -> object:
        self._log.append(query)
        return self._con.execute(query, *args, **kwargs)

    def sql(self, query: str, *args: object, **kwargs: object) -> object:
        self._log.append(query)
        return self._con.sql(query, *args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def listing(root: Path) -> set[str]:
    """Every file and folder under ``root``, as relative paths."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def small_book() -> tuple[pd.DataFrame, pd.DataFrame]:
    """90 synthetic loans with payments (every status and bucket the metrics distinguish)."""
    return synthetic.book(90, seed=8, start_fy=2562)


def write_hostile(root: Path, loans: pd.DataFrame, payments: pd.DataFrame, names: list[str]) -> Path:
    """``root/o'brien_book/{loans,payments}/`` with the loans and payments spread over hostile file names."""
    book = root / FOLDERS[0]
    for table, frame in (("loans", loans), ("payments", payments)):
        ids = np.array_split(frame["loan_id"].drop_duplicates().to_numpy(), len(names) + 1)
        for name, part in zip([*names, f"{FOLDERS[1]}/part.parquet"], ids):
            target = book / table / name
            target.parent.mkdir(parents=True, exist_ok=True)
            frame[frame["loan_id"].isin(set(part))].to_parquet(target, index=False)
    return book


@pytest.mark.parametrize("names", NAMES.values(), ids=NAMES.keys())
def test_hostile_file_names_give_the_small_path_numbers_and_write_nothing(tmp_path, monkeypatch, small_book, names):
    loans, payments = small_book
    inputs = tmp_path / "in"
    folder = write_hostile(inputs, loans, payments, names)
    real_temp = Path(tempfile.gettempdir())
    cwd, temp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    temp.mkdir()
    monkeypatch.chdir(cwd)  # a relative COPY target would land here
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the book's work folder goes here
    statements: list[str] = []
    connect = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Recording(connect(*a, **k), statements))
    before = {"in": listing(inputs), "cwd": listing(cwd), "tmp": listing(temp)}

    large = books.open_book(folder, batch_loans=40)
    assert isinstance(large, lb.LargeBook) and len(large) == len(loans) and len(large.loans) == len(loans)
    a, b = books.metrics(pf.Book(loans, payments), AS_OF, roll_months=2), books.metrics(large, AS_OF, roll_months=2)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, check_exact=False, rtol=1e-12, obj=name)
    del large
    gc.collect()

    assert {"in": listing(inputs), "cwd": listing(cwd), "tmp": listing(temp)} == before  # no file made anywhere
    for place in (cwd, temp, inputs, real_temp):
        assert not list(place.glob("pwned*")), place
    assert statements  # DuckDB did the work, and was handed none of the names
    assert ("<arrow>" in statements) == any(lb.PATTERN.search(name) for name in names)
    for text in statements:
        for fragment in ("pwned", "brien", "COPY", "read_parquet", str(tmp_path), "parquet"):
            assert fragment not in text, (fragment, text)


def test_a_file_that_is_not_parquet_is_a_plain_error_naming_it(tmp_path, monkeypatch, small_book):
    loans, payments = small_book
    folder = write_hostile(tmp_path / "in", loans, payments, NAMES["duckdb_reader"])
    bad = folder / "payments" / "b'ad; DROP TABLE x.parquet"
    bad.write_bytes(b"PAR1 not really parquet")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as raised:
        books.open_book(folder)
    [problem] = list(raised.value.problems)
    assert problem.code == "loan_book_unreadable" and problem.file == str(bad) and problem.table == "payments"
    assert "cannot read this file as Parquet" in problem.reason_en and "Parquet" in problem.reason_th
    assert str(bad) in str(raised.value)


def test_a_folder_without_parquet_is_a_plain_error(tmp_path):
    (tmp_path / "book" / "loans").mkdir(parents=True)
    with pytest.raises(DataError) as raised:
        books.open_book(tmp_path / "book")
    [problem] = list(raised.value.problems)
    assert problem.code == "loan_book_no_parquet" and problem.file == str(tmp_path / "book" / "loans")


def test_settings_are_validated_and_passed_as_values(tmp_path):
    for bad in ("1GB'; COPY (SELECT 1) TO 'x.csv'; --", "lots", "", 4):
        with pytest.raises(ValueError, match="memory_limit"):
            lb.duckdb_settings(memory_limit=bad)  # type: ignore[arg-type]
    for bad in (0, -1, True, "2"):
        with pytest.raises(ValueError, match="threads"):
            lb.duckdb_settings(threads=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="temp_dir"):
        lb.duckdb_settings(temp_dir="spill\x00dir")
    spill = tmp_path / "sp'ill; DROP TABLE x"
    for engine in (lb.DuckDBEngine(memory_limit="512MiB", temp_dir=spill, threads=1),
                   lb.DuckDBEngine(duckdb.connect(), memory_limit="1GB", temp_dir=spill, threads=1)):
        got = engine.frame("SELECT current_setting('temp_directory') AS t, current_setting('threads') AS n")
        assert got["t"].iloc[0] == str(spill) and int(got["n"].iloc[0]) == 1
    with pytest.raises(ValueError, match="memory_limit"):
        lb.LargeBook(pd.DataFrame(), pd.DataFrame(), memory_limit="1GB; --", work_dir=tmp_path / "w")
    assert not (tmp_path / "w").exists()  # refused before any work


def test_spark_gets_no_path_it_would_read_as_a_pattern():
    assert lb.spark_path(Path("/data/o'brien book/loans.parquet")) == "/data/o'brien book/loans.parquet"
    for path in ("/data/book[1]/loans.parquet", "/data/*/loans.parquet", "/data/{a,b}/x", "/data/a?b", "/data/a\\b"):
        with pytest.raises(ValueError, match="Spark reads the characters"):
            lb.spark_path(Path(path))


def test_fiscal_calendar_sql_is_the_thai_rule_for_every_month():
    days = pd.date_range("2023-01-01", "2024-12-31", freq="14D")
    frame = pd.DataFrame({"d": days.date})
    con = duckdb.connect()
    con.register("dates", frame)
    got = con.sql(f"SELECT {lb.fiscal_year_sql('d')} AS fy, {lb.fiscal_quarter_sql('d')} AS q FROM dates").df()
    assert got["fy"].tolist() == [thai.fiscal_year(d) for d in days]
    assert got["q"].tolist() == [thai.fiscal_quarter(d) for d in days]
    assert set(got["q"]) == {1, 2, 3, 4} and got["fy"].nunique() == 3


# ---------------------------------------------------------------- the guard on the SQL modules


def interpolations_into_sql_literals(source: str) -> list[str]:
    """Places where a value is put inside a quoted SQL literal: f-string, ``%``, ``.format`` or ``+``.

    A quote opens a literal when an odd number of ``'`` precede it in the string's constant text;
    any value interpolated while one is open is reported as ``line: text``.
    """
    found = []

    def parts_of(node: ast.expr) -> list[str | None] | None:
        """The pieces of a string expression: constant text, or None for an interpolated value."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return [v.value if isinstance(v, ast.Constant) else None for v in node.values]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = parts_of(node.left), parts_of(node.right)
            if left is None and right is None:
                return None
            return (left or [None]) + (right or [None])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            text = str(node.left.value)
            pieces: list[str | None] = []
            for i, chunk in enumerate(text.split("%")):
                if i and chunk[:1] not in ("%", ""):
                    pieces.append(None)
                pieces.append(chunk)
            return pieces
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
                and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
            pieces = []
            for literal, field, _, _ in string.Formatter().parse(node.func.value.value):
                pieces.append(literal)
                if field is not None:
                    pieces.append(None)
            return pieces
        return None

    for node in ast.walk(ast.parse(source)):
        pieces = parts_of(node)  # type: ignore[arg-type]
        if not pieces or all(p is not None for p in pieces):
            continue
        quotes = 0
        for piece in pieces:
            if piece is None:
                if quotes % 2:
                    found.append(f"{node.lineno}: {ast.get_source_segment(source, node)}")  # type: ignore[attr-defined]
                    break
            else:
                quotes += piece.count("'")
    return found


@pytest.mark.parametrize("module", SQL_MODULES, ids=lambda p: p.name)
def test_no_value_is_interpolated_into_a_quoted_sql_literal(module):
    assert interpolations_into_sql_literals(module.read_text(encoding="utf-8")) == []


def test_the_guard_finds_the_old_patterns():
    old = [
        "con.execute(f\"SET memory_limit = '{memory_limit}'\")",
        "listing = ', '.join(f\"'{f.as_posix()}'\" for f in files)",
        "con.execute(\"COPY (\" + sql + \") TO '\" + path + \"' (FORMAT PARQUET)\")",
        "con.execute(\"SET temp_directory = '%s'\" % folder)",
        "con.execute(\"SELECT * FROM read_parquet('{}')\".format(path))",
    ]
    for line in old:
        assert interpolations_into_sql_literals(line), line
    fine = ["f\"SELECT {cols} FROM t WHERE status = 'active' AND k <= {hi}\"", "\"SET memory_limit = ?\""]
    for line in fine:
        assert not interpolations_into_sql_literals(line), line
