"""The loaded tables of one organisation: :class:`Plan` (plan tables) and :class:`Portfolio` (lending tables).

Kept in a module of its own so that every function taking a dataset can name its type
(``def scoring(plan: Plan)``) without importing the loader.

In a notebook a dataset shows what it holds: typing ``plan`` prints one line per table with
its row count and the problems found (:meth:`Dataset.__repr__`, :meth:`Dataset._repr_html_`),
and ``plan.<Tab>`` completes the table names (:meth:`Dataset.__dir__`). Two helpers say plainly
when the wrong kind of object was given: :func:`expect` (a domain function given, say, a plan
where a scoring is expected) and :func:`loader_mismatch` (``load_portfolio`` on a folder of
plan tables, or ``load_plan`` on a loan book).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planlib.inputs import contract, messages
from planlib.inputs.problems import SEVERITIES, Problem, Problems
from planlib.inputs.read import normalise_header

PLAN_ONLY = frozenset(n for n, t in contract.TABLES.items() if t.group == "plan") - {"plan"}
"""Tables only :func:`planlib.load_plan` reads (the ``plan`` key table is read by both loaders)."""
LENDING_ONLY = frozenset(n for n, t in contract.TABLES.items() if t.group == "lending")
"""Tables only :func:`planlib.load_portfolio` reads."""

REPR_WIDTH = 100
"""Characters per line of a dataset's text representation."""
HTML_HEADERS = {
    "table": "ตาราง / table",
    "rows": "แถว / rows",
    "columns": "คอลัมน์ / columns",
    "file": "ไฟล์ / file",
    "error": "ข้อผิดพลาด / errors",
    "warning": "คำเตือน / warnings",
    "change": "ปรับแก้ / changes",
}
"""Column headers of a dataset's HTML view (the severities worded as in :data:`planlib.display.SEVERITY_TH`)."""


class TableAbsent(KeyError, AttributeError):
    """A table the dataset does not hold; the message says where it is or which loader reads it.

    Both a :class:`KeyError` (``plan["x"]``) and an :class:`AttributeError` (``plan.x``), so that
    ``hasattr(plan, "lending_annual")`` is simply False.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class WrongType(TypeError):
    """A function was given the wrong kind of object; ``code`` is the catalogue message, the text says what to do."""

    def __init__(self, code: str, en: str, th: str):
        super().__init__(f"{en} / {th}")
        self.code, self.reason_en, self.reason_th = code, en, th


@dataclass(frozen=True)
class Dataset:
    """Tables of one organisation, with their files and every problem found.

    Tables are reached by name: ``plan.swot`` or ``plan["swot"]``. A table absent from the
    input raises :class:`TableAbsent` (a :class:`KeyError`) that names the table and the input,
    or the loader that reads it. ``files`` names each table's file, and ``sheets`` its sheet
    (as typed) when it came from a workbook.
    """

    path: Path
    tables: Mapping[str, pd.DataFrame]
    files: Mapping[str, str]
    problems: Problems
    info: Mapping[str, object] = field(default_factory=dict)
    synthetic: frozenset[str] = frozenset()
    sheets: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            code = "table_absent"
            if isinstance(self, Plan) and name in LENDING_ONLY:
                code = "table_absent_use_load_portfolio"
            elif isinstance(self, Portfolio) and name in PLAN_ONLY:
                code = "table_absent_use_load_plan"
            raise TableAbsent(" / ".join(messages.text(code, name=name, path=str(self.path))))
        return self.tables[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in contract.TABLES:
            raise AttributeError(name)
        return self[name]

    def __dir__(self) -> list[str]:
        """The attributes, and the tables this dataset holds (so ``plan.<Tab>`` offers ``swot``, ``projects``…)."""
        return sorted({*super().__dir__(), *self.tables})

    def has(self, name: str) -> bool:
        """True when the table is present and has at least one row."""
        return name in self.tables and not self.tables[name].empty

    @property
    def org_code(self) -> str:
        return str(self.info.get("org_code") or self.path.stem)

    @property
    def org_name(self) -> str:
        return str(self.info.get("org_name_th") or self.org_code)

    def table_summary(self) -> pd.DataFrame:
        """One row per table: rows, columns, file (``synthetic/…`` for illustrative tables) and problems by severity."""
        counts = Counter((p.table, p.severity) for p in self.problems)
        rows = []
        for name, frame in self.tables.items():
            problems = {severity: counts[(name, severity)] for severity in SEVERITIES}
            file = self.files.get(name, "")
            rows.append({"table": name, "rows": len(frame), "columns": frame.shape[1], "file": file, **problems})
        columns = ["table", "rows", "columns", "file", *SEVERITIES]
        return pd.DataFrame(rows, columns=columns).set_index("table")

    def _headline(self) -> str:
        name = self.org_code if self.org_name == self.org_code else f"{self.org_code} · {self.org_name}"
        synthetic = f" ({len(self.synthetic)} synthetic)" if self.synthetic else ""
        tables = f"{len(self.tables)} table{'' if len(self.tables) == 1 else 's'}{synthetic}"
        return f"{type(self).__name__} {name} ({self.path}): {tables}; problems: {self.problems.summary()}"

    def __repr__(self) -> str:
        """``Plan hwfund · … (data/hwfund): 16 tables (3 synthetic); problems: 0 errors, …`` and the tables' rows."""
        mark = {name: "*" if name in self.synthetic else "" for name in self.tables}
        listed = [f"{name} {len(frame):,}{mark[name]}" for name, frame in self.tables.items()]
        lines = [f"<{self._headline()}>"]
        line = "  rows:"
        for item in listed:  # wrapped between tables, never inside "name count"
            if len(line) + len(item) + 3 > REPR_WIDTH and line.strip() != "rows:":
                lines.append(line)
                line = " " * len("  rows:")
            line += f" {item} ·" if item != listed[-1] else f" {item}"
        return "\n".join([*lines, line] if listed else lines)

    def _repr_html_(self) -> str:
        """A small HTML table for JupyterLab: each table's rows, columns, file and problem counts."""
        summary = self.table_summary()
        head = "".join(f"<th>{html.escape(HTML_HEADERS[c])}</th>" for c in ["table", *summary.columns])
        rows = []
        for name, row in summary.iterrows():
            mark = " <em>(synthetic)</em>" if name in self.synthetic else ""
            cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in row)
            rows.append(f"<tr><td><code>{html.escape(str(name))}</code>{mark}</td>{cells}</tr>")
        title = f"<p><strong>{html.escape(self._headline())}</strong></p>"
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        return f"<div class='planlib-dataset'>{title}{table}</div>"


class Plan(Dataset):
    """Plan tables (vision, SWOT, strategies, projects, KPIs…) of one organisation."""


class Portfolio(Dataset):
    """Lending tables (published yearly statistics, loan terms, loans, payments…)."""


def _loader_hint(kinds: tuple[type, ...], value: object) -> str:
    folder = repr(str(value.path)) if isinstance(value, Dataset) else "folder"
    if Plan in kinds:
        return f"planlib.load_plan({folder})"
    if Portfolio in kinds:
        return f"planlib.load_portfolio({folder})"
    return ""


def expect(value: object, kind: type | tuple[type, ...], function: str, how: str = "") -> None:
    """Raise :class:`WrongType` unless ``value`` is a ``kind``: what ``function`` expects and how to get it.

    ``how`` is the call that makes the right object (``"priority.scoring(plan)"``); for a
    :class:`Plan` or :class:`Portfolio` it defaults to the loader, with the folder of the dataset
    that was given. Call it first thing in a public function::

        expect(scoring, Scoring, "priority.prioritize", "priority.scoring(plan)")
    """
    if isinstance(value, kind):
        return
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = [k.__name__ for k in kinds]
    expected, expected_th = " or ".join(names), " หรือ ".join(names)
    got = type(value).__name__
    how = how or _loader_hint(kinds, value)
    if how:
        values = {"function": function, "expected": expected, "expected_th": expected_th, "got": got, "how": how}
        en, th = messages.text("wrong_type", **values)
        raise WrongType("wrong_type", en, th)
    en, th = messages.text("wrong_type_no_hint", function=function, expected=expected, expected_th=expected_th, got=got)
    raise WrongType("wrong_type_no_hint", en, th)


def tables_at(path: str | Path) -> frozenset[str]:
    """Contract tables that have a ``<table>.csv`` in folder ``path`` or its ``synthetic/`` subfolder.

    Names only (nothing is opened); empty for a workbook or a path that is not a folder.
    """
    folder = Path(path)
    if not folder.is_dir():
        return frozenset()
    files = [p for sub in (folder, folder / "synthetic") if sub.is_dir() for p in sub.glob("*.csv")]
    names = {normalise_header(p.stem) for p in files}
    return frozenset(names & contract.TABLES.keys())


def loader_mismatch(dataset: Dataset) -> list[Problem]:
    """An error when ``dataset`` was read with the other loader: none of its own tables, some of the other's.

    ``load_portfolio`` on a folder of plan tables (no lending table read, ``swot``, ``projects``…
    present) says to use ``load_plan``; ``load_plan`` on a loan book says ``load_portfolio``. A list
    (empty, or the one error), so a loader adds it with ``problems.extend(loader_mismatch(dataset))``.
    """
    if isinstance(dataset, Portfolio):
        own, other, code = LENDING_ONLY, PLAN_ONLY, "wrong_loader_plan_folder"
    elif isinstance(dataset, Plan):
        own, other, code = PLAN_ONLY, LENDING_ONLY, "wrong_loader_lending_folder"
    else:
        return []
    if own & dataset.tables.keys():
        return []
    found = tables_at(dataset.path) & other
    present = [name for name in contract.TABLES if name in found]  # contract order: swot, strategies… first
    if not present:
        return []
    path = str(dataset.path)
    tables = ", ".join(present[:6]) + (", …" if len(present) > 6 else "")
    return [Problem.of("error", "", code, file=path, path=path, tables=tables)]
