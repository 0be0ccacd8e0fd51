"""Problems found in an analyst's input: located, bilingual, collected all at once.

A :class:`Problem` names the file, the sheet (in a workbook), the table, the row as the analyst
sees it (Excel row or CSV line), the column, the raw value and the reason in English and Thai.
The reasons come from the message catalogue (:mod:`planlib.inputs.messages`) by ``code``. Loading never stops
at the first problem: every problem is collected into a :class:`Problems` list, and only
then, if any is an error, :class:`DataError` is raised carrying all of them.

Severities: ``error`` (the data cannot be used as typed), ``warning`` (usable, but something
looks wrong, e.g. a printed total that does not add up), ``change`` (the loader normalised a
value, e.g. Thai digits or a BE date; kept so that every change is traceable).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

import pandas as pd

from planlib.inputs import messages

SEVERITIES = ("error", "warning", "change")


@dataclass(frozen=True)
class Problem:
    """One located problem in the input: ``file`` (and ``sheet`` for a workbook), ``row``, ``column``, ``value``."""

    severity: str
    table: str
    reason_en: str
    reason_th: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    code: str = ""

    @classmethod
    def of(
        cls,
        severity: str,
        table: str,
        code: str,
        /,
        *,
        file: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: str = "",
        **values: object,
    ) -> Problem:
        """A problem whose reasons come from the message catalogue (:mod:`planlib.inputs.messages`).

        ``values`` fill the templates of ``code``; the keywords ``file`` … ``value`` locate the problem,
        so no template field has one of those names.
        """
        en, th = messages.text(code, **values)
        return cls(severity, table, en, th, file=file, sheet=sheet, row=row, column=column, value=value, code=code)

    def where(self) -> str:
        """``swot.csv, row 5, column score``; in a workbook ``plan.xlsx [swot], row 5, column score``.

        The bracket names the sheet as typed; without one (a problem of the whole workbook, or a
        file that is not ``<table>.csv``) it names the table.
        """
        parts = [self.file or self.table]
        if self.file and self.sheet:
            parts[0] = f"{self.file} [{self.sheet}]"
        elif self.file and self.table and not self.file.endswith(f"{self.table}.csv"):
            parts[0] = f"{self.file} [{self.table}]"
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = f" value {self.value!r}:" if self.value != "" else ""
        return f"{self.severity.upper()} {self.where()}:{value} {self.reason_en} / {self.reason_th}"


class Problems:
    """An ordered collection of :class:`Problem` with helpers for reports and the CLI."""

    def __init__(self, items: Iterable[Problem] = ()) -> None:
        self._items: list[Problem] = list(items)

    def add(self, problem: Problem) -> None:
        self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def of(self, severity: str) -> Problems:
        """Only the problems of one severity."""
        return Problems(p for p in self._items if p.severity == severity)

    @property
    def errors(self) -> Problems:
        return self.of("error")

    @property
    def warnings(self) -> Problems:
        return self.of("warning")

    @property
    def changes(self) -> Problems:
        return self.of("change")

    def to_frame(self) -> pd.DataFrame:
        """One row per problem: severity, file, sheet, table, row, column, value, reasons, code."""
        columns = ["severity", "file", "sheet", "table", "row", "column", "value", "reason_en", "reason_th", "code"]
        frame = pd.DataFrame([asdict(p) for p in self._items], columns=columns)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def summary(self) -> str:
        """``2 errors, 5 warnings, 130 changes``."""
        counts = {s: sum(p.severity == s for p in self._items) for s in SEVERITIES}
        return ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items())

    def __repr__(self) -> str:
        return f"Problems({self.summary()})"


SHOWN_ERRORS = 50
"""How many errors a :class:`DataError`'s message lists; all of them stay in ``.problems``."""


class DataError(ValueError):
    """Input that cannot be used. ``problems`` holds every problem found, not just the first."""

    def __init__(self, problems: Problems, source: str = "") -> None:
        self.problems = problems
        errors = problems.errors
        head = " / ".join(messages.text("data_error", count=len(errors), source=source or "the input"))
        lines = [head, *(f"  {p}" for p in list(errors)[:SHOWN_ERRORS])]
        if len(errors) > SHOWN_ERRORS:
            lines.append("  " + " / ".join(messages.text("data_error_more", count=len(errors) - SHOWN_ERRORS)))
        super().__init__("\n".join(lines))
