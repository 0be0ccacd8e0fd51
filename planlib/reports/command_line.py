"""``planlib report``: run the notebook templates into finished HTML and PDF reports.

With no arguments every applicable template is built for every organisation under ``data/``::

    planlib report                                   # the whole set, 2 workers
    planlib report --org ditp --fy 2569              # every template that applies to ditp, for FY 2569
    planlib report quarterly_progress --org hwfund --fy 2568 --quarter 2
    planlib report whatif --org ditp -p "weights={C1: 2, C2: 1}"
    planlib report --params board.yaml               # parameters from a YAML file
    planlib report --list                            # templates and their parameters

``--fy``/``--quarter`` are accepted by every template (:data:`PERIOD_HELP`): the year reports compute for
that period, the plan reports (swot, prioritization, whatif) describe the plan as loaded and use the period
to name their folder. Data is read from ``--data-dir`` (default ``./data`` in the current folder; ``planlib
init`` makes one with the example organisations).

Outputs go to ``reports/<org>/<fy>[-Q<q>]/<template>.ipynb|.html|.pdf`` with a ``manifest.json``
per folder and ``reports/index.html`` linking everything. The parts: :mod:`~planlib.reports.batch`
plans and checks, :mod:`~planlib.reports.pool` runs (:mod:`~planlib.reports.worker` in each pool
process), :mod:`~planlib.reports.outputs` commits, :mod:`~planlib.reports.index_page` and
:mod:`~planlib.reports.summary` show what happened.

Exit codes (:data:`EXIT_CODES_HELP`, shared with the rest of the ``planlib`` command): 0 every
report built, 1 a report failed, 2 the command was used wrongly (nothing was run), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from planlib.inputs.messages import text
from planlib.reports import pool
from planlib.reports import templates as tpl
from planlib.reports.batch import BatchPlan, plan_run, remove_stale_staging
from planlib.reports.index_page import write_index
from planlib.reports.jobs import FAILED_STATUSES, Result, Settings, bilingual
from planlib.reports.outputs import Manifests
from planlib.reports.pool import Interrupted, run_jobs
from planlib.reports.summary import summary_table

EXIT_OK = 0
EXIT_FAILED = 1
"""The data has errors (``validate``) or a report failed (``report``)."""
EXIT_USAGE = 2
"""The command was used wrongly (a missing path, an unknown template, a refused parameter); nothing was run."""
EXIT_INTERRUPTED = 130
"""Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)."""

EXIT_CODES_HELP = f"""\
exit codes:
  {EXIT_OK}    clean: no errors in the data / every report built
  {EXIT_FAILED}    errors found in the data / a report failed (see its manifest.json)
  {EXIT_USAGE}    usage error: a missing path, an unknown template or a refused parameter (nothing was run)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C or SIGTERM); finished reports are kept"""

LOG_NAME = "planlib-report.log"
"""In the output folder: the workers' and kernels' stderr."""

DEFAULT_DATA = Path("data")
"""``--data-dir`` when none is given: ``data/`` in the current folder (never the copy inside the package)."""

PERIOD_HELP = (
    "Every template takes --fy/--quarter. loan_statistics, kpi_scorecard and quarterly_progress compute for\n"
    "that period (quarterly_progress without --quarter: the latest quarter of --fy with actuals). swot,\n"
    "prioritization and whatif describe the plan as loaded: the period names their output folder\n"
    "(reports/<org>/<fy>[-Q<q>]) and is recorded in the manifest. Years are Buddhist Era (2568, not 2025)."
)


def parse_assignment(assignment: str) -> tuple[str, Any]:
    """``name=value`` of ``-p``: the value read as YAML (``2568`` → int, ``{C1: 2}`` → dict)."""
    key, sep, value = assignment.partition("=")
    if not sep or not key.strip():
        raise ValueError(bilingual(text("param_not_assignment", given=assignment)))
    return key.strip(), yaml.safe_load(value) if value.strip() else ""


def load_param_file(path: Path) -> list[dict[str, Any]]:
    """A YAML mapping of parameters (with ``template``), or ``reports:`` / a list of such mappings."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(bilingual(text("param_file_unreadable", path=path, detail=exc))) from None
    if isinstance(data, dict) and "reports" in data:
        data = data["reports"]
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(i, dict) for i in items):
        raise ValueError(bilingual(text("param_file_not_mapping", path=path)))
    return [dict(i) for i in items]


def default_data_dir() -> Path:
    """``data/`` in the current folder (:data:`DEFAULT_DATA`); ``cmd_report`` says what to do when it is absent."""
    return DEFAULT_DATA


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``planlib report``."""
    add = parser.add_argument
    add("template", nargs="?", help=f"one template ({', '.join(tpl.TEMPLATES)}); default: all")
    add("--org", action="append", help="organisation folder under --data-dir (repeatable); default: all")
    add("--fy", help="Buddhist-Era fiscal year, e.g. 2568 (every template; see 'periods' below)")
    add("--quarter", help="fiscal quarter 1-4, Q1 = Oct-Dec (every template; see 'periods' below)")
    param_help = "another template parameter (value read as YAML, e.g. -p 'weights={C1: 2}')"
    add("-p", "--param", action="append", default=[], metavar="NAME=VALUE", help=param_help)
    add("--params", type=Path, help="YAML file of parameters (a mapping, or a list under 'reports:')")
    add("--list", action="store_true", help="list templates and their parameters, then stop")
    data_help = "folder of organisation folders (default: ./data in the current folder; see planlib init)"
    add("--data-dir", type=Path, default=None, help=data_help)
    add("--out", type=Path, default=Path("reports"), help="output folder (default: reports/)")
    add("--jobs", type=int, default=2, help="worker processes (default 2)")
    add("--start-timeout", type=float, default=60, help="seconds for a kernel to start (default 60)")
    add("--cell-timeout", type=float, default=300, help="seconds per notebook cell (default 300)")
    add("--report-timeout", type=float, default=900, help="hard limit per report, seconds (default 900)")
    add("--no-pdf", action="store_true", help="HTML and notebook only")
    add("--no-progress", action="store_true", help="no progress bar")


def list_templates(notebook_dir: Path | None = None) -> str:
    """``planlib report --list``: each template, what it needs and its parameters."""
    notebook_dir = notebook_dir or tpl.NOTEBOOK_DIR
    lines = []
    for t in tpl.TEMPLATES.values():
        state = "" if (notebook_dir / f"{t.name}.ipynb").exists() else "  [notebook not written yet]"
        needs = " + ".join(t.needs) + (f" + one of {'/'.join(t.needs_any)}" if t.needs_any else "")
        lines.append(f"{t.name}: {t.title_th} / {t.title_en}{state}")
        lines.append(f"    needs: {needs.strip(' +')}")
        for name, kind, description in t.parameter_help():
            lines.append(f"    {name:<12} {kind:<28} {description}")
    return "\n".join(lines)


def requests_from(
    args: argparse.Namespace, extra: Mapping[str, Any], from_file: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The parameter sets asked for: the file's (or one per template), with ``-p``/``--fy``/``--quarter``/``--org``."""
    requests = from_file
    if args.template or extra:
        template = {"template": args.template} if args.template else {}
        if requests:
            requests = [{**r, **template, **extra} for r in requests]
        elif args.template:
            requests = [{"template": args.template, **extra}]
        else:
            requests = [{"template": name, **extra} for name in tpl.TEMPLATES]
    if args.org and requests and all("org" not in r for r in requests):
        requests = [{**r, "org": org} for r in requests for org in args.org]
    return requests


def applicable_requests(
    requests: list[dict[str, Any]], data_dir: Path, *, every_template: bool, orgs: list[str] | None = None
) -> tuple[list[dict[str, Any]], list[Result]]:
    """The requests to plan, one per organisation; and the ones that do not apply.

    A template whose tables an organisation lacks is skipped (as ``planlib report`` with no options skips it)
    when the analyst did not name both: the request names no organisation, or ``every_template`` (one request per
    template because an option such as ``--fy`` was given without a template name). The quarter of a template that
    needs one, given only ``--fy``, is the planner's (:func:`planlib.reports.batch.year_quarter`).

    A request that names no organisation goes to ``orgs`` (``--org``), or to every organisation without it, as
    :func:`~planlib.reports.batch.plan_run` spreads it. Each organisation is scanned once per call.
    """
    known = tpl.known_orgs(data_dir)
    kept: list[dict[str, Any]] = []
    skipped: list[Result] = []
    scanned: dict[str, tpl.OrgData] = {}
    for request in requests:
        template = tpl.TEMPLATES.get(str(request.get("template")))
        named = "org" in request
        if template is None or (named and request["org"] not in known):
            kept.append(request)  # the planner refuses it with its own message
            continue
        for org in [str(request["org"])] if named else (orgs or known):
            if org not in known:
                kept.append({**request, "org": org})  # an unknown --org: the planner refuses it with its own message
                continue
            if org not in scanned:
                scanned[org] = tpl.scan_org(data_dir / org)
            info = scanned[org]
            if (every_template or not named) and not template.applies_to(info):
                reason = bilingual(text("template_not_applicable", missing=template.missing(info)))
                skipped.append(Result(template.name, org, "", "skipped", reason=reason))
                continue
            kept.append({**request, "org": org})
    return kept, skipped


def usage_error(message: str) -> int:
    print(f"planlib report: {message}", file=sys.stderr)
    return EXIT_USAGE


def cmd_report(args: argparse.Namespace) -> int:
    """Entry point of ``planlib report``; its exit code (:data:`EXIT_CODES_HELP`)."""
    if args.list:
        print(list_templates())
        return EXIT_OK
    data_dir = (args.data_dir or default_data_dir()).resolve()
    if not data_dir.is_dir() and args.data_dir is None:
        return usage_error(bilingual(text("data_folder_missing_here", path=DEFAULT_DATA, cwd=Path.cwd())))
    if not data_dir.is_dir():
        return usage_error(bilingual(text("data_folder_missing", path=data_dir)))
    if args.jobs < 1:
        return usage_error(bilingual(text("jobs_below_one", jobs=args.jobs)))
    try:
        extra = dict(parse_assignment(p) for p in args.param)
        from_file = load_param_file(args.params) if args.params else []
    except ValueError as exc:
        return usage_error(str(exc))
    period_errors = tpl.period_option_errors(args.fy, args.quarter)
    if period_errors:
        return usage_error("\n".join(period_errors))
    for key, value in (("fy", args.fy), ("quarter", args.quarter)):
        if value is not None:
            extra[key] = value
    if args.template and args.template not in tpl.TEMPLATES:
        return usage_error(bilingual(text("unknown_template", name=args.template, known=", ".join(tpl.TEMPLATES))))
    settings = Settings(args.start_timeout, args.cell_timeout, args.report_timeout, not args.no_pdf)
    pool.context()  # the fork server imports its preloads (~3 s) while the batch is planned, not after
    requests = requests_from(args, extra, from_file)
    requests, not_applicable = applicable_requests(
        requests, data_dir, every_template=not args.template and not from_file and bool(extra), orgs=args.org
    )
    plan = plan_run(data_dir, args.out.resolve(), requests=requests, orgs=args.org, settings=settings)
    plan.skipped.extend(not_applicable)
    if plan.refused:
        for message in plan.refused:
            print(f"refused: {message}", file=sys.stderr)
        print(bilingual(text("nothing_run_refused")), file=sys.stderr)
        return EXIT_USAGE
    return execute_plan(plan, args.out.resolve(), data_dir, workers=args.jobs, progress=not args.no_progress)


def execute_plan(plan: BatchPlan, out: Path, data_dir: Path, *, workers: int = 2, progress: bool = True) -> int:
    """Run a planned batch, print the summary, write the index; the exit code for the CLI."""
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    for job in plan.jobs:
        Path(job.folder).mkdir(parents=True, exist_ok=True)
    manifests = Manifests(data_dir, out)
    interrupted = False
    try:
        results = run_jobs(plan.jobs, workers=workers, progress=progress, manifest=manifests, log=str(out / LOG_NAME))
    except Interrupted as exc:
        results, interrupted = exc.results, True
    if interrupted:
        done = {r.key for r in results}
        reason = bilingual(text("not_started_interrupted"))
        results += [Result.of(job, "not run", reason=reason) for job in plan.jobs if job.key not in done]
    order = {job.key: n for n, job in enumerate(plan.jobs)}
    results.sort(key=lambda r: order.get(r.key, len(order)))
    try:
        index = index_th = str(write_index(out, plan.org_names))
    except OSError as exc:
        index, index_th = text("index_not_written", detail=exc)
    print(summary_table(results + plan.skipped, out))
    failed = [r for r in results if r.status in FAILED_STATUSES]
    ok = sum(r.status == "ok" for r in results)
    counts = {"ok": ok, "failed": len(failed), "skipped": len(plan.skipped)}
    print("\n" + "\n".join(text("batch_done", **counts, index=index, index_th=index_th)))  # English, then Thai
    if failed:
        print("\n".join(text("batch_failed_details", log=out / LOG_NAME)))
    if interrupted:
        print(bilingual(text("batch_interrupted")), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if failed else EXIT_OK
