"""The loaded tables of one organisation: :class:`Plan` (plan tables) and :class:`Portfolio` (lending tables).

Kept in a module of its own so that every function taking a dataset can name its type
(``def scoring(plan: Plan)``) without importing the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planlib.inputs import contract, messages
from planlib.inputs.problems import Problems


@dataclass(frozen=True)
class Dataset:
    """Tables of one organisation, with their files and every problem found.

    Tables are reached by name: ``plan.swot`` or ``plan["swot"]``. A table absent from the
    input raises a :class:`KeyError` that names the table and the input. ``files`` names each
    table's file, and ``sheets`` its sheet (as typed) when it came from a workbook.
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
            raise KeyError(" / ".join(messages.text("table_absent", name=name, path=self.path)))
        return self.tables[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in contract.TABLES:
            raise AttributeError(name)
        return self[name]

    def has(self, name: str) -> bool:
        """True when the table is present and has at least one row."""
        return name in self.tables and not self.tables[name].empty

    @property
    def org_code(self) -> str:
        return str(self.info.get("org_code") or self.path.stem)

    @property
    def org_name(self) -> str:
        return str(self.info.get("org_name_th") or self.org_code)


class Plan(Dataset):
    """Plan tables (vision, SWOT, strategies, projects, KPIs…) of one organisation."""


class Portfolio(Dataset):
    """Lending tables (published yearly statistics, loan terms, loans, payments…)."""
