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

from planlib.inputs import contract
from planlib.inputs.load import plan_info, read_tables
from planlib.inputs.problems import Problems
from planlib.plans.priority import TIE_KEYS, parse_tie_break

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

ORG_PATTERN = r"[a-z0-9_-]+"
FY_MIN, FY_MAX = 2540, 2700
"""Fiscal years are Buddhist Era (2568 = Oct 2024 – Sep 2025); a CE year such as 2025 is refused."""

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


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
        raise ValueError(f"must be one line of plain text; it contains {bad[0]!r} / "
                         f"ต้องเป็นข้อความบรรทัดเดียว แต่มีอักขระควบคุม {bad[0]!r}")  # fmt: skip
    if len(value) > 500:
        raise ValueError("is longer than 500 characters / ยาวเกิน 500 ตัวอักษร")
    return value


def _int_like(value: object) -> object:
    """Accept ``"2568"`` and Thai digits ``"๒๕๖๘"`` for integer parameters; refuse booleans."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true/false / ต้องเป็นจำนวนเต็ม")
    if isinstance(value, str):
        text = value.strip().translate(_THAI_DIGITS)
        if not re.fullmatch(r"[0-9]+", text):
            raise ValueError(f"must be a whole number, got {value!r} / ต้องเป็นจำนวนเต็ม แต่พบ {value!r}")
        return int(text)
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
OrgCode = Annotated[
    str, Field(pattern=rf"^{ORG_PATTERN}$", max_length=64, description="organisation folder under data_dir")
]
FiscalYear = Annotated[
    int,
    BeforeValidator(_int_like),
    Field(ge=FY_MIN, le=FY_MAX, description=f"Buddhist-Era fiscal year, {FY_MIN}–{FY_MAX}"),
]
Quarter = Annotated[int, BeforeValidator(_int_like), Field(ge=1, le=4, description="fiscal quarter, 1 = Oct–Dec")]
CriterionCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")]


class ReportParams(BaseModel):
    """Parameters every template takes: which organisation, and where the data folders are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org: OrgCode
    data_dir: PlainText = Field(default=str(DEFAULT_DATA_DIR), description="folder holding one folder per organisation")

    @model_validator(mode="after")
    def _org_folder_exists(self) -> ReportParams:
        root = Path(self.data_dir)
        if not root.is_dir():
            raise ValueError(f"data_dir {self.data_dir!r} is not a folder / ไม่พบโฟลเดอร์ข้อมูล {self.data_dir!r}")
        folder = root / self.org
        if not folder.is_dir() or folder.resolve().parent != root.resolve():
            known = ", ".join(known_orgs(root)) or "none"
            raise ValueError(f"unknown organisation {self.org!r}: no folder {folder} (known: {known}) / "
                             f"ไม่รู้จักหน่วยงาน {self.org!r} (ที่มี: {known})")  # fmt: skip
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
                raise ValueError(f"weights_file {self.weights_file!r} not found / ไม่พบไฟล์น้ำหนัก {self.weights_file!r}")
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
            raise ValueError(f"loan_book {self.loan_book!r} is not a folder / ไม่พบโฟลเดอร์ข้อมูลสินเชื่อ {self.loan_book!r}")
        return self


class KpiScorecardParams(ReportParams):
    fy: FiscalYear
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
    """Read an organisation folder's tables (real and ``synthetic/``) without running checks."""

    path = Path(path)
    problems = Problems()
    tables, files, _ = read_tables(path, contract.TABLES, problems, synthetic=True)
    info = plan_info(tables["plan"], files["plan"], problems) if "plan" in tables else {}
    fy = info.get("fiscal_year")
    fiscal_year = int(fy) if isinstance(fy, int | float) and FY_MIN <= int(fy) <= FY_MAX else None
    return OrgData(path.name, path, fiscal_year, {k: v for k, v in tables.items() if len(v)})


def _years(frame: Any, column: str = "fiscal_year") -> list[int]:
    if frame is None or column not in frame:
        return []
    return sorted({int(v) for v in frame[column].dropna() if FY_MIN <= int(v) <= FY_MAX})


def _plan_year(org: OrgData) -> list[dict[str, Any]]:
    return [{}] if org.fiscal_year is not None else []


def _plan_year_fy(org: OrgData) -> list[dict[str, Any]]:
    return [{"fy": org.fiscal_year}] if org.fiscal_year is not None else []


def _latest_lending_year(org: OrgData) -> list[dict[str, Any]]:
    years = _years(org.tables.get("lending_annual"))
    return [{"fy": years[-1]}] if years else []


def _latest_quarter(org: OrgData) -> list[dict[str, Any]]:
    """The latest (fy, quarter) with KPI actuals or spending; else the plan's fiscal year, Q2."""
    found: list[tuple[int, int]] = []
    for name in ("kpi_actuals", "spending"):
        frame = org.tables.get(name)
        if frame is not None and "quarter" in frame and "fiscal_year" in frame:
            found += [(int(y), int(q)) for y, q in zip(frame["fiscal_year"], frame["quarter"])
                      if y == y and q == q and FY_MIN <= int(y) <= FY_MAX and 1 <= int(q) <= 4]  # fmt: skip
    if found:
        fy, q = max(found)
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
        text = ", ".join(parts)
        if self.needs_any and not any(org.has(t) for t in self.needs_any):
            text = ", ".join(filter(None, [text, " or ".join(self.needs_any)]))
        return f"no {text}" if text else ""

    def validate(self, raw: Mapping[str, Any]) -> ReportParams:
        """The checked parameters, or :class:`ParamError` naming each bad one (EN / TH)."""
        try:
            return self.params.model_validate(dict(raw))
        except ValidationError as exc:
            raise ParamError(self.name, [_describe(err) for err in exc.errors()]) from None

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
    if "pattern" in schema:
        kind += f" matching {schema['pattern']}"
    return kind


def _describe(err: Mapping[str, Any]) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()))
    value = err.get("input")
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    if not where:  # a check across parameters (organisation folder, weights file)
        return msg
    if err.get("type") == "extra_forbidden":
        return f"unknown parameter {where!r} / ไม่รู้จักพารามิเตอร์ {where!r}"
    if err.get("type") == "missing":
        return f"parameter {where!r} is required / ต้องระบุพารามิเตอร์ {where!r}"
    shown = repr(value) if not isinstance(value, dict) else "{…}"
    return f"parameter {where!r} = {shown[:80]}: {msg}" + ("" if "/" in msg else f" / พารามิเตอร์ {where!r} ไม่ถูกต้อง")


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
        raise ParamError(name, [f"unknown template; known: {', '.join(TEMPLATES)} / ไม่รู้จักแม่แบบรายงาน"])
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
