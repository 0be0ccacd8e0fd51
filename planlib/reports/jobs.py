"""What a report batch is made of: its limits, the jobs, their results, and the names of report periods.

Every other module of the runner (:mod:`~planlib.reports.batch` plans jobs,
:mod:`~planlib.reports.worker` runs one, :mod:`~planlib.reports.pool` runs many,
:mod:`~planlib.reports.outputs` commits them) speaks in these types. A :class:`Job` crosses the
pipe to a worker as a plain dict (:func:`dataclasses.asdict`) and comes back as a :class:`Result`.

Messages in results (refusals, skip reasons, error records) come from the catalogue
:mod:`planlib.inputs.messages` (section ``reports``): :func:`bilingual` and :func:`error_record`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.inputs.messages import text

STAGING_PREFIX = ".staging-"
"""A job's staging folder inside its destination: ``.staging-<template>-<pid>-<n>``."""

FAILED_STATUSES = ("failed", "timeout", "crashed", "refused", "interrupted")
"""Statuses that make ``planlib report`` exit 1 (``ok`` and ``skipped`` do not)."""

PROGRESS_FILE = ".progress.txt"
"""In a job's staging folder: the lines of :func:`planlib.display.progress`, shown beside the bar while it runs."""


@dataclass(frozen=True)
class Settings:
    """Limits of a run. ``report_timeout`` is the hard outer limit per report (seconds)."""

    start_timeout: float = 60
    cell_timeout: float = 300
    report_timeout: float = 900
    pdf: bool = True


@dataclass(frozen=True)
class Job:
    """One report to build: a template, checked parameters and where it goes."""

    template: str
    org: str
    period: str  # "2568" or "2568-Q2"
    params: dict[str, Any]  # validated, JSON-able, exactly what the notebook receives
    folder: str  # absolute destination folder
    staging: str  # absolute staging folder (inside ``folder``)
    notebook: str
    title: str
    subtitle: str
    settings: Settings = field(default_factory=Settings)
    output_dir_param: bool = False

    @property
    def key(self) -> str:
        return f"{self.org}/{self.period}/{self.template}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Job:
        """The job a worker received as ``dataclasses.asdict(job)``."""
        return cls(**{**data, "settings": Settings(**data["settings"])})


@dataclass
class Result:
    """What happened to one report."""

    template: str
    org: str
    period: str
    status: str  # ok | failed | timeout | crashed | refused | interrupted | skipped | not run
    duration: float = 0.0
    started: str = ""
    finished: str = ""
    outputs: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    reason: str = ""
    tables: dict[str, Any] | None = None  # {"count": n, "sha256": …} of the result tables shown
    stages: dict[str, float] = field(default_factory=dict)  # seconds per step: notebook, html, pdf, word

    @property
    def key(self) -> str:
        return f"{self.org}/{self.period}/{self.template}" if self.period else f"{self.org}/{self.template}"

    @classmethod
    def of(cls, job: Job, status: str, **fields: Any) -> Result:
        """A result for ``job`` (template, organisation and period taken from it)."""
        return cls(job.template, job.org, job.period, status, **fields)


def now() -> str:
    """The local time with its offset, to the second (ISO 8601), as manifests record it."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def period_name(fy: int | None, quarter: int | None) -> str:
    """Folder name of a report period: ``2568`` or ``2568-Q2``."""
    if fy is None:
        return ""
    return f"{fy}-Q{quarter}" if quarter else str(fy)


def period_label(period: str) -> str:
    """``ปีงบประมาณ 2568`` or ``ไตรมาส 2/2568`` for a folder name."""
    fy, _, q = period.partition("-Q")
    return f"ไตรมาส {q}/{fy}" if q else f"ปีงบประมาณ {fy}"


def bilingual(pair: tuple[str, str]) -> str:
    """``"English / ไทย"``: one line for the terminal, a refusal or a skip reason.

    Called as ``bilingual(text(code, **values))`` so that each message's code is written where it is raised.
    """
    return " / ".join(pair)


def error_record(stage: str, code: str, **values: Any) -> dict[str, Any]:
    """A result's ``error``: the stage that failed, the message code and its English and Thai text."""
    en, th = text(code, **values)
    return {"stage": stage, "code": code, "message": en, "message_th": th}


def last_progress(staging: str | Path, limit: int = 4096) -> str:
    """The last line a running report wrote with :func:`planlib.display.progress` ("" when none yet)."""
    try:
        with open(Path(staging) / PROGRESS_FILE, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - limit))
            lines = fh.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""
