"""Planning a batch: which reports to build, for which organisations and periods, every parameter checked first.

:func:`plan_run` turns requests (or "everything") into a :class:`BatchPlan`: jobs to run, reports
skipped with a reason, requests refused. Parameters are validated by the template's pydantic model
(:mod:`planlib.reports.templates`) in this process, before any worker or kernel starts; a single
refusal stops the whole batch (the command line runs nothing). :func:`remove_stale_staging`
clears what runs killed hard left behind.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from planlib.inputs import thai
from planlib.inputs.messages import text
from planlib.reports import templates as tpl
from planlib.reports.jobs import STAGING_PREFIX, Job, Result, Settings, bilingual, period_label, period_name


@dataclass
class BatchPlan:
    """Jobs to run, reports skipped with a reason, requests refused (one line each), organisation names."""

    jobs: list[Job] = field(default_factory=list)
    skipped: list[Result] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    org_names: dict[str, str] = field(default_factory=dict)


def organisation_refusal(data_dir: Path, org: str, known: Sequence[str]) -> str:
    """Why ``org`` is not an organisation of ``data_dir`` ("" when it is): the one check a batch makes.

    An organisation is a folder directly in ``data_dir`` whose name is a code
    (:data:`planlib.reports.templates.ORG_PATTERN`, as :func:`~planlib.reports.templates.known_orgs`
    lists them) and that stays there when links are followed: ``../x``, ``/etc``, ``MOL`` or a link
    to a folder elsewhere are refused.
    """
    if org not in known:
        return bilingual(text("unknown_organisation", org=org, known=", ".join(known) or "none"))
    folder = (data_dir / org).resolve()
    if folder.parent != data_dir.resolve():
        return bilingual(text("organisation_outside_data", org=org, folder=folder, data_dir=data_dir))
    return ""


def org_name(org: tpl.OrgData) -> str:
    """The organisation's Thai name from its plan (``org_name_th``), or ""."""
    plan = org.tables.get("plan")
    if plan is None or "key" not in plan:
        return ""
    rows = plan.loc[plan["key"] == "org_name_th", "value"]
    return str(rows.iloc[0]) if len(rows) else ""


@dataclass(frozen=True)
class Wanted:
    """One (template, organisation) pair asked for, with the raw parameters given for it."""

    template: str
    org: str
    params: Mapping[str, Any]
    explicit: bool  # named by the caller: run it even where the template would not apply


def wanted_reports(
    plan: BatchPlan,
    requests: Sequence[Mapping[str, Any]],
    templates: Sequence[str] | None,
    orgs: Sequence[str] | None,
    known: Sequence[str],
) -> list[Wanted]:
    """The (template, organisation) pairs asked for; unknown templates go to ``plan.refused``."""
    wanted: list[Wanted] = []
    if not requests:
        return [Wanted(name, org, {}, False) for name in templates or list(tpl.TEMPLATES) for org in orgs or known]
    for req in requests:
        name = str(req.get("template", ""))
        if name not in tpl.TEMPLATES:
            plan.refused.append(bilingual(text("unknown_template", name=name or "?", known=", ".join(tpl.TEMPLATES))))
            continue
        raw = {k: v for k, v in req.items() if k not in ("template", "org")}
        targets = [str(req["org"])] if "org" in req else list(orgs or known)
        wanted += [Wanted(name, org, raw, "org" in req or bool(orgs)) for org in targets]
    return wanted


def plan_run(
    data_dir: Path,
    out: Path,
    *,
    requests: Sequence[Mapping[str, Any]] = (),
    templates: Sequence[str] | None = None,
    orgs: Sequence[str] | None = None,
    settings: Settings | None = None,
    notebook_dir: Path | None = None,
) -> BatchPlan:
    """Decide which reports to build, and validate every parameter before anything runs.

    ``requests`` are explicit parameter sets (each with ``template``; ``org`` optional = every
    organisation the template applies to). With no requests, every template in ``templates``
    (default all) runs for every organisation in ``orgs`` (default all in ``data_dir``) it
    applies to, at the periods the template chooses.
    """
    plan = BatchPlan()
    settings = settings or Settings()
    data_dir, out = data_dir.resolve(), out.resolve()
    notebook_dir = notebook_dir or tpl.NOTEBOOK_DIR
    known = tpl.known_orgs(data_dir)
    wanted = wanted_reports(plan, requests, templates, orgs, known)
    for org in dict.fromkeys([*(orgs or ()), *(item.org for item in wanted)]):  # each organisation once, in order
        reason = organisation_refusal(data_dir, org, known)
        if reason:
            plan.refused.append(reason)
    if plan.refused:
        return plan
    scanned: dict[str, tpl.OrgData] = {}
    for item in wanted:
        if item.org not in scanned:
            scanned[item.org] = tpl.scan_org(data_dir / item.org)
            plan.org_names[item.org] = org_name(scanned[item.org])
        plan_template(plan, item, scanned[item.org], data_dir, out, notebook_dir, settings)
    seen: dict[str, Job] = {}
    for job in plan.jobs:
        if job.key in seen:
            code = "requested_twice_different" if seen[job.key].params != job.params else "requested_twice"
            plan.refused.append(bilingual(text(code, key=job.key)))
        seen[job.key] = job
    return plan


def year_quarter(template: tpl.Template, given: Mapping[str, Any], info: tpl.OrgData) -> dict[str, int]:
    """``{"quarter": q}`` for a template that needs a quarter, given ``fy`` and no quarter: the latest quarter of that
    year with actuals (:func:`~planlib.reports.templates.latest_quarter`), not the quarter of the template's default
    period (the latest year overall). Empty otherwise, or when that year has none or ``fy`` is refused (then the
    template's default applies, or its model refuses the year with the analyst's message).
    """
    field_ = template.params.model_fields.get("quarter")
    if field_ is None or not field_.is_required() or "fy" not in given or "quarter" in given:
        return {}
    try:
        quarter = tpl.latest_quarter(info, thai.check_fiscal_year(given["fy"]))
    except ValueError:
        return {}
    return {"quarter": quarter} if quarter is not None else {}


def plan_template(
    plan: BatchPlan, item: Wanted, info: tpl.OrgData, data_dir: Path, out: Path, notebook_dir: Path, settings: Settings
) -> None:
    """The jobs of one (template, organisation) pair, one per period; or why it is skipped or refused."""
    name, org = item.template, item.org
    template = tpl.TEMPLATES[name]
    if not item.explicit and not template.applies_to(info):
        reason = bilingual(text("template_not_applicable", missing=template.missing(info)))
        plan.skipped.append(Result(name, org, "", "skipped", reason=reason))
        return
    notebook = notebook_dir / f"{name}.ipynb"
    fields = template.params.model_fields
    defaults = template.periods(info)
    given = {**item.params, **year_quarter(template, item.params, info)}
    for default in defaults or [{}]:
        try:
            params = template.validate({"org": org, "data_dir": str(data_dir), **default, **given})
        except tpl.ParamError as exc:
            if not defaults and "fy" in fields and "fy" not in item.params:
                plan.skipped.append(Result(name, org, "", "skipped", reason=bilingual(text("no_fiscal_year"))))
            else:
                plan.refused.append(str(exc))
            continue
        period = period_name(*template.period(params, info.fiscal_year))
        if not period:
            plan.skipped.append(Result(name, org, "", "skipped", reason=bilingual(text("no_fiscal_year"))))
            continue
        if not notebook.exists():
            reason = bilingual(text("notebook_not_written", notebook=notebook.name))
            plan.skipped.append(Result(name, org, period, "skipped", reason=reason))
            continue
        folder = (out / org / period).resolve()
        if out not in folder.parents:
            plan.refused.append(bilingual(text("folder_outside_reports", name=name, folder=folder, out=out)))
            continue
        values = params.model_dump(mode="json")
        values.pop("output_dir", None)  # the worker sets it to the job's staging folder
        subtitle = " · ".join(filter(None, [plan.org_names.get(org) or org, period_label(period)]))
        plan.jobs.append(
            Job(
                template=name,
                org=org,
                period=period,
                params=values,
                folder=str(folder),
                staging=str(folder / f"{STAGING_PREFIX}{name}-{os.getpid()}-{len(plan.jobs)}"),
                notebook=str(notebook),
                title=f"{template.title_th} / {template.title_en}",
                subtitle=subtitle,
                settings=settings,
                output_dir_param="output_dir" in fields,
            )
        )


def remove_stale_staging(out: Path) -> int:
    """Delete staging folders left by runs that were killed hard (their process is gone); how many."""
    removed = 0
    if not out.exists():
        return 0
    for path in out.glob(f"*/*/{STAGING_PREFIX}*"):
        try:
            pid = int(path.name.removeprefix(STAGING_PREFIX).split("-")[-2])
        except (ValueError, IndexError):
            pid = -1
        if pid != os.getpid() and not psutil.pid_exists(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    for tmp in itertools.chain(out.glob(".*.tmp"), out.glob("*/*/.*.tmp")):
        with contextlib.suppress(OSError):
            tmp.unlink()
    return removed
