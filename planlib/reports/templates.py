"""The report templates, declared once: name, titles, parameters, tables needed, default periods.

Every notebook in ``notebooks/<name>.ipynb`` has exactly one entry in :data:`TEMPLATES`. The
entry is the single place that says

* what the report is called (Thai and English);
* which parameters it takes, with types and allowed values (a pydantic model, checked **before**
  any kernel starts; a bad value is refused with a message in English and Thai);
* which tables an organisation must have for the report to apply (``needs`` = all of these,
  ``needs_any`` = at least one of these);
* which period(s) the default batch (``planlib report`` with no arguments) builds for an
  organisation.

Parameters reach the notebook through papermill, which writes them as Python literals into an
injected cell. To make sure no value can ever run as code, every string is refused if it holds a
control character (newline, carriage return, NUL…), organisation codes must match
``[a-z0-9_-]+`` and name an existing folder under ``data_dir``, and the runner re-reads the
injected cell with :func:`ast.literal_eval` before executing it (see :func:`injected_source_is_literal`).

Feature authors extend only their own template's model (add a field with a type, a default and a
``Field(description=…)``) and its notebook's ``parameters`` cell.
"""

from __future__ import annotations

import ast
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from planlib.inputs import contract, thai
from planlib.inputs.load import plan_info, read_tables
from planlib.inputs.messages import text
from planlib.inputs.problems import Problems
from planlib.plans.priority import TIE_KEYS, parse_tie_break

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PROJECT_ROOT = PACKAGE_DIR.parent


def shipped_folder(installed: str, source: str) -> Path:
    """A folder that ships with planlib: ``planlib/<installed>`` in an installed wheel, else ``<source>`` in the
    repository (pyproject.toml maps ``notebooks/`` → ``planlib/notebooks`` and ``data/`` → ``planlib/example_data``)."""
    inside = PACKAGE_DIR / installed
    return inside if inside.is_dir() else PROJECT_ROOT / source


NOTEBOOK_DIR = shipped_folder("notebooks", "notebooks")
"""The six template notebooks (package data of the wheel; ``notebooks/`` of the repository)."""
EXAMPLE_DATA_DIR = shipped_folder("example_data", "data")
"""The shipped example organisations (ditp, dsdw, hwfund, mol, tfund); ``planlib init`` copies them."""
DEFAULT_DATA_DIR = EXAMPLE_DATA_DIR
"""Where a notebook run by hand looks for data when it is given none (``planlib report`` defaults to ./data)."""

ORG_PATTERN = r"[a-z0-9_-]+"
FY_MIN, FY_MAX = thai.FISCAL_YEAR_RANGE
"""Fiscal years are Buddhist Era (2568 = Oct 2024 – Sep 2025); a CE year such as 2025 is refused
(:func:`planlib.inputs.thai.check_fiscal_year`, the one statement of the rule)."""

PLAIN_TEXT_MAX = 500
"""Longest text parameter, in characters."""


class ParamError(ValueError):
    """A report parameter was refused (before any kernel started). ``str()`` is the message."""

    def __init__(self, template: str, messages: list[str]):
        self.template = template
        self.messages = messages
        super().__init__(f"{template}: " + "; ".join(messages))


# ---------------------------------------------------------------- parameter types


def _plain_text(value: str) -> str:
    """Refuse control characters (newline, tab, NUL…) and over-long strings in a parameter."""
    bad = [ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        raise thai.ThaiValueError("param_control_character", char=bad[0])
    if len(value) > PLAIN_TEXT_MAX:
        raise thai.ThaiValueError("param_too_long", high=PLAIN_TEXT_MAX)
    return value


def _int_like(value: object) -> object:
    """Accept ``"2568"`` and Thai digits ``"๒๕๖๘"`` for integer parameters; refuse booleans."""
    if isinstance(value, bool):
        raise thai.ThaiValueError("param_not_whole_number_bool")
    if isinstance(value, str):
        digits = thai.thai_to_arabic_digits(value.strip())
        if not re.fullmatch(r"[0-9]+", digits):
            raise thai.ThaiValueError("param_not_whole_number_text", given=value)
        return int(digits)
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
OrgCode = Annotated[
    str, Field(pattern=rf"^{ORG_PATTERN}$", max_length=64, description="organisation folder under data_dir")
]
FiscalYear = Annotated[
    int,
    BeforeValidator(thai.check_fiscal_year),
    Field(
        description=f"Buddhist-Era fiscal year, {FY_MIN}–{FY_MAX}",
        json_schema_extra={"minimum": FY_MIN, "maximum": FY_MAX},
    ),
]
Quarter = Annotated[
    int,
    BeforeValidator(thai.check_quarter),
    Field(description="fiscal quarter, 1 = Oct–Dec", json_schema_extra={"minimum": 1, "maximum": 4}),
]
CriterionCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")]


PERIOD_ONLY_HELP = "names the report folder (<fy>[-Q<q>]) and goes in the manifest; the content is the plan as loaded"


class ReportParams(BaseModel):
    """Parameters every template takes: which organisation, and where the data folders are."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on first use: a fast CLI start

    org: OrgCode
    data_dir: PlainText = Field(default=str(DEFAULT_DATA_DIR), description="folder holding one folder per organisation")
    fy: FiscalYear | None = Field(default=None, description=PERIOD_ONLY_HELP)
    quarter: Quarter | None = Field(default=None, description=PERIOD_ONLY_HELP)

    @model_validator(mode="after")
    def _org_folder_exists(self) -> ReportParams:
        root = Path(self.data_dir)
        if not root.is_dir():
            raise thai.ThaiValueError("param_data_dir_missing", data_dir=self.data_dir)
        folder = root / self.org
        if not folder.is_dir() or folder.resolve().parent != root.resolve():
            known = ", ".join(known_orgs(root)) or "none"
            raise thai.ThaiValueError("unknown_organisation_no_folder", org=self.org, folder=folder, known=known)
        return self

    @property
    def org_dir(self) -> Path:
        return Path(self.data_dir) / self.org


class SwotParams(ReportParams):
    language: Literal["th", "en", "both"] = Field(default="both", description="language of the SWOT item texts")
    weights_file: PlainText | None = Field(
        default=None,
        description="optional CSV of IFE/EFE weights for a labelled what-if (absolute, or relative to the org folder)",
    )

    @model_validator(mode="after")
    def _weights_file_exists(self) -> SwotParams:
        if self.weights_file is not None:
            path = Path(self.weights_file)
            path = path if path.is_absolute() else self.org_dir / path
            if not path.is_file():
                raise thai.ThaiValueError("param_weights_file_missing", path=self.weights_file)
        return self


def _tie_break(value: str) -> str:
    """A tie-break policy exactly as the library reads it: :func:`planlib.plans.priority.parse_tie_break` decides.

    No pattern of its own, so the report accepts what the ranking accepts (``bc_ratio,code``) and
    refuses the rest with the library's message (English / Thai).
    """
    parse_tie_break(value)
    return value


TieBreak = Annotated[PlainText, AfterValidator(_tie_break)]
TIE_BREAK_HELP = (
    f"shared rank, or a comma list of {', '.join(TIE_KEYS)}, criterion:<code> applied in order "
    "(planlib.plans.priority.parse_tie_break), e.g. bc_ratio,code"
)


class PrioritizationParams(ReportParams):
    tie_break: TieBreak = Field(default="shared", description=TIE_BREAK_HELP)
    top_k: Annotated[int, BeforeValidator(_int_like), Field(ge=1, le=100)] = Field(
        default=5, description="k for the probability of landing in the top k (rank acceptability)"
    )
    seed: Annotated[int, BeforeValidator(_int_like), Field(ge=0, le=2**32 - 1)] = Field(
        default=2568, description="random seed of the Monte-Carlo rank acceptability"
    )


class WhatifParams(PrioritizationParams):
    weights: dict[CriterionCode, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        default_factory=dict, description="criterion code → new weight (criteria not named keep their weight)"
    )


class LoanStatisticsParams(ReportParams):
    fy: FiscalYear
    quarter: Quarter | None = Field(default=None, description="as-of = quarter end; empty = the whole fiscal year")
    loan_book: PlainText | None = Field(
        default=None,
        description=(
            "optional folder of loans/ and payments/ Parquet for a large book (out of core); "
            "empty = the org's own loans"
        ),
    )

    @model_validator(mode="after")
    def _loan_book_exists(self) -> LoanStatisticsParams:
        if self.loan_book is not None and not Path(self.loan_book).is_dir():
            raise thai.ThaiValueError("param_loan_book_missing", path=self.loan_book)
        return self


class KpiScorecardParams(ReportParams):
    fy: FiscalYear
    quarter: Quarter | None = Field(
        default=None, description="score the results reported up to this quarter; empty = the latest quarter"
    )
    method: Literal["step", "interpolated"] = Field(
        default="step", description="KPI scoring method (planlib.plans.kpi.METHODS)"
    )
    below: Literal["zero", "lowest", "none"] = Field(default="zero", description="score below the lowest level")


class QuarterlyProgressParams(ReportParams):
    fy: FiscalYear
    quarter: Quarter
    method: Literal["step", "interpolated"] = Field(
        default="step", description="KPI scoring method (planlib.plans.kpi.METHODS)"
    )
    below: Literal["zero", "lowest", "none"] = Field(default="zero", description="score below the lowest level")
    green: Annotated[float, Field(ge=0, le=1000)] = Field(
        default=100.0, description="RAG green at ≥ this % of the target to date"
    )
    amber: Annotated[float, Field(ge=0, le=1000)] = Field(
        default=90.0, description="RAG amber at ≥ this % of the target to date"
    )
    output_dir: PlainText = Field(
        default="", description="where the board-pack .xlsx goes (the runner sets it; empty = beside the notebook)"
    )


# ---------------------------------------------------------------- organisations


def known_orgs(data_dir: str | Path) -> list[str]:
    """Organisation folders under ``data_dir`` (names matching ``[a-z0-9_-]+``), sorted."""
    root = Path(data_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and re.fullmatch(ORG_PATTERN, p.name))


def data_folder(data_dir: str | Path, org: str) -> Path:
    """The folder holding ``org`` for a notebook's ``data_dir`` parameter: the one lookup all eight notebooks share.

    In this order, the first that holds an ``org`` folder:

    1. ``data_dir`` as given: an absolute path is always returned as given (``planlib report`` passes the absolute
       folder it checked, so a batch reads exactly that folder), and a relative one is taken from the current
       folder (the notebooks' ``"../data"`` is right when a notebook runs from ``notebooks/``);
    2. ``./data``: the notebook runs from the repository root (or a folder made by ``planlib init``);
    3. :data:`DEFAULT_DATA_DIR`: the shipped example data, ``planlib/example_data`` in an installed wheel,
       where a notebook run from anywhere else finds the examples (not ``site-packages/notebooks/../data``).

    When none holds ``org``, ``Path(data_dir)`` unchanged: the loader's not-found message then names the folder
    the analyst typed, not a fallback they never asked for.
    """
    given = Path(data_dir)
    if given.is_absolute():
        return given
    for folder in (given, Path("data"), DEFAULT_DATA_DIR):
        if (folder / org).exists():
            return folder
    return given


@dataclass(frozen=True)
class OrgData:
    """What the runner knows of one organisation when choosing templates and periods."""

    code: str
    path: Path
    fiscal_year: int | None
    tables: Mapping[str, Any] = field(default_factory=dict)  # name → normalised DataFrame (non-empty only)

    def has(self, name: str) -> bool:
        return name in self.tables


def scan_org(path: str | Path) -> OrgData:
    """Read an organisation folder's tables (real and ``synthetic/``) without running checks.

    Kept for the folder's current files (names, sizes, modification times): ``planlib report --fy`` asks which
    templates apply before the batch is planned, and the planner then reads the same folder again for free.
    """
    path = Path(path).resolve()
    files = tuple(
        sorted(
            (str(f.relative_to(path)), f.stat().st_size, f.stat().st_mtime_ns) for f in path.rglob("*") if f.is_file()
        )
    )
    return _scan_org(path, files)


@functools.lru_cache(maxsize=8)
def _scan_org(path: Path, files: tuple[tuple[str, int, int], ...]) -> OrgData:
    """:func:`scan_org` for one state of the folder (``files`` is the cache key only)."""
    problems = Problems()
    tables, files, _ = read_tables(path, contract.TABLES, problems, synthetic=True)
    info = plan_info(tables["plan"], files["plan"], problems) if "plan" in tables else {}
    fiscal_year = valid_or_none(thai.check_fiscal_year, info.get("fiscal_year"))
    return OrgData(path.name, path, fiscal_year, {k: v for k, v in tables.items() if len(v)})


def valid_or_none(check: Callable[[object], int], value: object) -> int | None:
    """``check(value)`` (:func:`~planlib.inputs.thai.check_fiscal_year` or ``check_quarter``), or None when refused:
    a year or quarter in the data that the report parameters would refuse gives no default period."""
    try:
        return check(value)
    except ValueError:
        return None


def _years(frame: Any, column: str = "fiscal_year") -> list[int]:
    if frame is None or column not in frame:
        return []
    years = (valid_or_none(thai.check_fiscal_year, v) for v in frame[column].dropna())
    return sorted({y for y in years if y is not None})


def _plan_year(org: OrgData) -> list[dict[str, Any]]:
    return [{}] if org.fiscal_year is not None else []


def _plan_year_fy(org: OrgData) -> list[dict[str, Any]]:
    return [{"fy": org.fiscal_year}] if org.fiscal_year is not None else []


def _latest_lending_year(org: OrgData) -> list[dict[str, Any]]:
    years = _years(org.tables.get("lending_annual"))
    return [{"fy": years[-1]}] if years else []


def quarters_with_data(org: OrgData) -> list[tuple[int, int]]:
    """Every (fiscal year, quarter) with KPI actuals or spending, sorted."""
    found: set[tuple[int, int]] = set()
    for name in ("kpi_actuals", "spending"):
        frame = org.tables.get(name)
        if frame is not None and "quarter" in frame and "fiscal_year" in frame:
            for y, q in zip(frame["fiscal_year"], frame["quarter"]):
                year, quarter = valid_or_none(thai.check_fiscal_year, y), valid_or_none(thai.check_quarter, q)
                if year is not None and quarter is not None:
                    found.add((year, quarter))
    return sorted(found)


def latest_quarter(org: OrgData, fy: int | None = None) -> int | None:
    """The latest quarter of fiscal year ``fy`` with KPI actuals or spending (None when it has none)."""
    quarters = [q for y, q in quarters_with_data(org) if y == fy]
    return quarters[-1] if quarters else None


def _latest_quarter(org: OrgData) -> list[dict[str, Any]]:
    """The latest (fy, quarter) with KPI actuals or spending; else the plan's fiscal year, Q2."""
    found = quarters_with_data(org)
    if found:
        fy, q = found[-1]
        return [{"fy": fy, "quarter": q}]
    return [{"fy": org.fiscal_year, "quarter": 2}] if org.fiscal_year is not None else []


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Template:
    """One report template: its notebook, titles, parameter model and when it applies."""

    name: str
    title_th: str
    title_en: str
    params: type[ReportParams]
    needs: tuple[str, ...] = ()
    needs_any: tuple[str, ...] = ()
    periods: Callable[[OrgData], list[dict[str, Any]]] = _plan_year
    description: str = ""

    @property
    def notebook(self) -> Path:
        return NOTEBOOK_DIR / f"{self.name}.ipynb"

    def applies_to(self, org: OrgData) -> bool:
        """True when the organisation has every table in ``needs`` and one of ``needs_any``."""
        return all(org.has(t) for t in self.needs) and (not self.needs_any or any(org.has(t) for t in self.needs_any))

    def missing(self, org: OrgData) -> str:
        """Why the template does not apply (empty when it does)."""
        parts = [t for t in self.needs if not org.has(t)]
        lacking = ", ".join(parts)
        if self.needs_any and not any(org.has(t) for t in self.needs_any):
            lacking = ", ".join(filter(None, [lacking, " or ".join(self.needs_any)]))
        return f"no {lacking}" if lacking else ""

    def validate(self, raw: Mapping[str, Any]) -> ReportParams:
        """The checked parameters, or :class:`ParamError` naming each bad one (EN / TH)."""
        try:
            return self.params.model_validate(dict(raw))
        except ValidationError as exc:
            raise ParamError(self.name, [describe_error(self, err) for err in exc.errors()]) from None

    def period(self, params: ReportParams, plan_year: int | None) -> tuple[int | None, int | None]:
        """(fiscal year, quarter) of the report folder: the parameters', else the plan's year."""
        fy = getattr(params, "fy", None) or plan_year
        return fy, getattr(params, "quarter", None)

    def parameter_help(self) -> list[tuple[str, str, str]]:
        """(name, type, default and description) for ``planlib report --list``."""
        rows = []
        schema = self.params.model_json_schema()["properties"]
        for name, info in self.params.model_fields.items():
            kind = _type_text(schema[name])
            default = "required" if info.is_required() else f"default {info.get_default(call_default_factory=True)!r}"
            rows.append((name, kind, f"{default}; {info.description or ''}".rstrip("; ")))
        return rows


def _type_text(schema: Mapping[str, Any]) -> str:
    """A short type for ``--list`` from a property's JSON schema (``int 2540–2700``, ``th|en|both``)."""
    if "anyOf" in schema:
        return " | ".join(_type_text(s) for s in schema["anyOf"])
    if "enum" in schema:
        return "|".join(map(str, schema["enum"]))
    kind = {"integer": "int", "number": "number", "string": "text", "object": "mapping", "null": "none"}.get(
        schema.get("type", ""), str(schema.get("type", ""))
    )
    if kind == "mapping" and "additionalProperties" in schema:
        kind = f"mapping text→{_type_text(schema['additionalProperties'])}"
    low, high = schema.get("minimum", schema.get("ge", "")), schema.get("maximum", schema.get("le", ""))
    if low != "" or high != "":
        kind += f" {low}–{high}"
    if "pattern" in schema:  # in words, never the pattern itself
        kind += " (a–z 0–9 _ -)" if schema["pattern"] == rf"^{ORG_PATTERN}$" else " (letters, digits, _ . -)"
    return kind


PATTERN_WORDS = {rf"^{ORG_PATTERN}$": "param_org_code", r"^[A-Za-z0-9_.-]{1,32}$": "param_criterion_code"}
"""A pattern a parameter must match → the message that says it in words (an analyst never sees a regex)."""


def _number(value: object) -> str:
    """A bound as an analyst writes it: ``0`` not ``0.0``."""
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def period_option_errors(fy: object, quarter: object) -> list[str]:
    """``--fy``/``--quarter`` checked once for the whole command (the same words a template would use), so a bad
    value is one message, not one per template: ``["parameter 'fy' = '2025': 2025 looks like a CE year: …"]``."""
    messages = []
    for name, value, check in (("fy", fy, thai.check_fiscal_year), ("quarter", quarter, thai.check_quarter)):
        if value is None:
            continue
        try:
            check(value)
        except thai.ThaiValueError as exc:
            en, th = _reason({"type": "value_error", "ctx": {"error": exc}})
            shown = repr(value)[:80]
            messages.append(" / ".join(text("param_refused", name=name, shown=shown, reason=en, reason_th=th)))
    return messages


def _reason(err: Mapping[str, Any]) -> tuple[str, str]:
    """Why a value was refused, (English, Thai), in words: the accepted values, range or form."""
    kind, ctx = str(err.get("type", "")), err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, thai.ThaiValueError):
        if error.code == "bad_value_ce_year":
            return text("param_fiscal_year_ce", **error.values)
        return error.reason_en, error.reason_th
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return text("param_one_of", allowed=allowed)
    if kind == "string_pattern_mismatch":
        return text(PATTERN_WORDS.get(str(ctx.get("pattern")), "param_org_code"))
    if kind in ("greater_than_equal", "greater_than"):
        return text("param_at_least", low=_number(ctx.get("ge", ctx.get("gt"))))
    if kind in ("less_than_equal", "less_than"):
        return text("param_at_most", high=_number(ctx.get("le", ctx.get("lt"))))
    if kind in ("string_too_long",):
        return text("param_too_long", high=ctx.get("max_length"))
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return text("param_not_whole_number")
    if kind.startswith("float") or kind in ("finite_number",):
        return text("param_not_number")
    if kind in ("dict_type", "model_type"):
        return text("param_not_mapping")
    if kind in ("string_type",):
        return text("param_not_text")
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    en, _, th = msg.partition(" / ")  # a library rule's ValueError (parse_tie_break) reads "English / ไทย"
    return (en, th) if th else text("param_invalid", detail=msg)


def describe_error(template: Template, err: Mapping[str, Any]) -> str:
    """One pydantic error as one bilingual line for an analyst: which parameter, the value given, what is accepted."""
    skip = ("function-", "constrained-", "[key]")
    loc = [str(p) for p in err.get("loc", ()) if not str(p).startswith(skip)]
    name = loc[0] if loc else ""
    if not name:  # a check across parameters (organisation folder, weights file)
        return " / ".join(_reason(err))
    if err.get("type") == "extra_forbidden":
        known = ", ".join(f for f in template.params.model_fields if f != "data_dir")
        return " / ".join(text("param_unknown", name=name, template=template.name, known=known))
    if err.get("type") == "missing":
        description = (
            template.params.model_fields[name].description or "" if name in template.params.model_fields else ""
        )
        return " / ".join(text("param_required", name=name, description=description))
    value = err.get("input")
    shown = (repr(value) if not isinstance(value, dict) else "{…}")[:80]
    where = ".".join(loc)
    en, th = _reason(err)
    return " / ".join(text("param_refused", name=where, shown=shown, reason=en, reason_th=th))


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "swot",
            "การวิเคราะห์ SWOT และ TOWS",
            "SWOT and TOWS analysis",
            SwotParams,
            needs=("swot",),
            description="ranked quadrants, IFE/EFE and IE matrix where weights exist, TOWS traceability",
        ),
        Template(
            "prioritization",
            "การจัดลำดับความสำคัญของโครงการ",
            "Project prioritisation",
            PrioritizationParams,
            needs=("criteria", "scores"),
            description="criterion matrix, totals, bands, ranks and ties, rank acceptability",
        ),
        Template(
            "whatif",
            "การวิเคราะห์แบบจำลองสถานการณ์ (What-if) ของการจัดลำดับโครงการ",
            "What-if analysis of project ranks",
            WhatifParams,
            needs=("criteria", "scores"),
            description="new weights → new ranks beside the old, stability intervals",
        ),
        Template(
            "loan_statistics",
            "สถิติการให้กู้ยืมเงิน",
            "Lending statistics",
            LoanStatisticsParams,
            needs_any=("lending_annual", "loans"),
            periods=_latest_lending_year,
            description=(
                "published lending figures, disbursement, arrears and litigation; "
                "loan-level ageing, PAR, vintages, roll rates, reconciliation"
            ),
        ),
        Template(
            "kpi_scorecard",
            "ผลการประเมินตัวชี้วัด (KPI Scorecard)",
            "KPI scorecard",
            KpiScorecardParams,
            needs=("kpis", "kpi_levels"),
            periods=_plan_year_fy,
            description="KPI levels, weighted scores, distance to the next level",
        ),
        Template(
            "quarterly_progress",
            "รายงานความก้าวหน้าการดำเนินงานรายไตรมาส",
            "Quarterly progress report",
            QuarterlyProgressParams,
            needs_any=("kpis", "activities"),
            periods=_latest_quarter,
            description="executive summary, KPI progress, activities, budget, lending progress",
        ),
    )
}
"""Every report template by name, in the order reports are listed."""


def get(name: str) -> Template:
    """The template called ``name``, or a ParamError listing the known ones."""
    if name not in TEMPLATES:
        raise ParamError(name, [" / ".join(text("unknown_template_known", known=", ".join(TEMPLATES)))])
    return TEMPLATES[name]


def injected_source_is_literal(source: str, expected: Mapping[str, Any]) -> bool:
    """True when an injected-parameters cell only assigns literals equal to ``expected``.

    The runner checks papermill's injected cell with this before a kernel starts: every
    statement must be ``name = <literal>`` (read back with :func:`ast.literal_eval`, which
    evaluates no code) and the values must equal the validated parameters.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    seen: dict[str, Any] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            return False
        try:
            seen[node.targets[0].id] = ast.literal_eval(node.value)
        except (ValueError, SyntaxError, TypeError):
            return False
    return seen == dict(expected)


def names() -> Iterable[str]:
    return TEMPLATES.keys()
