"""Which cross-table checks the loader runs: the (module, function) list :mod:`planlib` installs.

Kept apart from :mod:`planlib.inputs.checks` and free of pandas, so the package can install
:data:`planlib.checklist.CHECKS` on ``import planlib`` without loading anything heavy; each check's
module is imported only when a dataset is first checked.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

_installed: list[tuple[str, str]] = []


def install(names: Iterable[tuple[str, str]]) -> None:
    """Set the (module, function) list the loader runs; :mod:`planlib` installs :data:`planlib.checklist.CHECKS`."""
    _installed[:] = list(names)


def installed() -> list[Callable[[Any], Iterable[Any]]]:
    """The installed checks as functions, in run order (modules imported on first use)."""
    return [getattr(importlib.import_module(module), name) for module, name in _installed]
