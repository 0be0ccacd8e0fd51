"""The data contract: every table an analyst fills in, declared once.

Each :class:`Table` lists its columns with a *kind* (how a raw cell is read, see
:data:`KINDS`), whether it is required, allowed values and ranges. The loader, the validator,
``planlib template`` and the documentation all read these declarations; nothing else in
planlib lists columns. Source: ``shared/design/data-contract.md`` (v1) plus the supplementary
tables documented in ``data/README.md``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from planlib.inputs import thai

# ---------------------------------------------------------------- value kinds


def _parse_code(value: object) -> str | None:
    text = thai.clean_text(value)
    return None if text is None or thai.is_missing(text) else thai.thai_to_arabic_digits(text)


def _parse_text(value: object) -> str | None:
    text = thai.clean_text(value)
    return None if text is None or thai.is_missing(text) else text


def _parse_slug(value: object) -> str | None:
    text = _parse_code(value)
    if text is not None and not re.fullmatch(r"[a-z0-9_-]+", text):
        raise thai.ThaiValueError("bad_value_not_a_slug", text=text)
    return text


def _parse_codes(value: object) -> str | None:
    """A comma list of codes, stored normalised as ``"S1,S2,O1"``."""
    text = _parse_code(value)
    if text is None:
        return None
    parts = [p.strip() for p in text.replace(";", ",").replace("、", ",").split(",")]
    return ",".join(p for p in parts if p) or None


def _parse_bool(value: object) -> bool | None:
    if thai.is_missing(value):
        return None
    text = str(thai.clean_text(value)).lower()
    if text in {"true", "yes", "y", "1", "ใช่", "มี", "x", "✓"}:
        return True
    if text in {"false", "no", "n", "0", "ไม่ใช่", "ไม่มี"}:
        return False
    raise thai.ThaiValueError("bad_value_not_yes_no", raw=value)


def _parse_count_total(value: object) -> int | None:
    return thai.parse_mixed_count(value).total


@dataclass(frozen=True)
class Kind:
    """How one kind of cell is read (``parse``) and stored (``dtype``)."""

    parse: Callable[[object], object]
    dtype: str
    label: str


KINDS: dict[str, Kind] = {
    "text": Kind(_parse_text, "str", "text"),
    "code": Kind(_parse_code, "str", "code"),
    "slug": Kind(_parse_slug, "str", "slug a-z0-9_-"),
    "codes": Kind(_parse_codes, "str", "comma list of codes"),
    "enum": Kind(_parse_text, "str", "one of a fixed list"),
    "number": Kind(thai.parse_number, "float64", "number"),
    "amount": Kind(thai.parse_number, "float64", "amount in THB"),
    "int": Kind(thai.parse_int, "Int64", "whole number"),
    "stars": Kind(thai.parse_stars, "Int64", "1–3 or stars ***"),
    "fiscal_year": Kind(thai.parse_be_year, "Int64", "BE fiscal year, e.g. 2568"),
    "date": Kind(thai.parse_date, "datetime64[us]", "date, e.g. 2024-10-01 or 1 ต.ค. 2567"),
    "month": Kind(thai.parse_month, "period[M]", "month, e.g. 2024-10 or ต.ค. 67"),
    "count": Kind(_parse_count_total, "Int64", "count, e.g. 45 or 45 (4 ราย/41 กลุ่ม)"),
    "bool": Kind(_parse_bool, "boolean", "yes/no"),
}


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    ``choices`` maps accepted spellings (lower-case, Thai included) to the stored value.
    ``low``/``high`` bound numeric values (inclusive). ``parts`` names the individual/group
    columns a mixed count cell (``45 (4 ราย/41 กลุ่ม)``) fills.
    """

    name: str
    kind: str = "text"
    required: bool = False
    choices: Mapping[str, str] | None = None
    low: float | None = None
    high: float | None = None
    parts: tuple[str, str] | None = None
    doc: str = ""
    label_th: str = ""
    """The Thai header label (``ด้าน SWOT``); set from :data:`LABELS_TH_IN_TABLE` / :data:`LABELS_TH` when declared."""


@dataclass(frozen=True)
class Table:
    """A contract table: its group (plan/lending/shared), columns and unique key."""

    name: str
    group: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    doc: str = ""
    wide_numeric: bool = False  # scores: unknown columns are criterion scores
    extra: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _choices(mapping: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """``{"S": ("strength", "จุดแข็ง")}`` → every spelling (and the value itself) → value."""
    out: dict[str, str] = {}
    for value, spellings in mapping.items():
        for spelling in (value, *spellings):
            out[spelling.lower()] = value
    return out


QUADRANTS = _choices(
    {
        "S": ("strength", "strengths", "จุดแข็ง"),
        "W": ("weakness", "weaknesses", "จุดอ่อน"),
        "O": ("opportunity", "opportunities", "โอกาส"),
        "T": ("threat", "threats", "อุปสรรค", "ภัยคุกคาม", "ภาวะคุกคาม", "ข้อจำกัด"),
    }
)
TOWS_TYPES = _choices(
    {
        "SO": ("s-o", "กลยุทธ์เชิงรุก", "เชิงรุก"),
        "ST": ("s-t", "กลยุทธ์เชิงป้องกัน", "เชิงป้องกัน"),
        "WO": ("w-o", "กลยุทธ์เชิงแก้ไข", "เชิงแก้ไข"),
        "WT": ("w-t", "กลยุทธ์เชิงรับ", "เชิงรับ"),
    }
)
BORROWER_TYPES = _choices(
    {
        "individual": ("บุคคล", "ราย", "รายบุคคล", "person"),
        "group": ("กลุ่ม", "กลุ่มบุคคล"),
    }
)
CRITERION_DIRECTIONS = _choices({"benefit": ("ประโยชน์", "max", "มากดี"), "cost": ("ต้นทุน", "min", "น้อยดี")})
KPI_DIRECTIONS = _choices(
    {
        "higher": ("มากดี", "max", "up", "ยิ่งมากยิ่งดี"),
        "lower": ("น้อยดี", "min", "down", "ยิ่งน้อยยิ่งดี"),
    }
)
PROJECT_KINDS = _choices(
    {
        "project": ("โครงการ",),
        "activity": ("กิจกรรม",),
        "plan": ("แผนงาน",),
        "workload": ("ภารกิจ", "งาน"),
    }
)
LOAN_STATUSES = _choices(
    {
        "active": ("ปกติ", "ผ่อนชำระ"),
        "closed": ("ปิดบัญชี", "ชำระครบ"),
        "restructured": ("ปรับโครงสร้างหนี้",),
        "litigation": ("ดำเนินคดี", "ฟ้องร้อง"),
        "written_off": ("ตัดหนี้สูญ", "write-off", "written-off"),
    }
)
SIDES = _choices({"benefit": ("ประโยชน์", "b"), "cost": ("ต้นทุน", "c")})
HISTORY_KINDS = _choices({"baseline": ("ข้อมูลฐาน",), "result": ("ผล", "ผลการดำเนินงาน", "actual")})
BAND_SCHEMES = _choices({"total": (), "bc_ratio": ("bc", "value_for_money")})
DIMENSIONS = _choices({"size_band": ("size", "ขนาดวงเงิน"), "work_type": ("ประเภทงาน",), "province": ("จังหวัด",)})
AGGREGATES = _choices({"sum": ("รวม",), "count": ("นับ",), "mean": ("average", "เฉลี่ย")})

LABELS_TH: dict[str, str] = {
    "key": "รายการ",
    "value": "ค่า",
    "source": "แหล่งที่มา",
    "note": "หมายเหตุ",
    "code": "รหัส",
    "quadrant": "ด้าน SWOT",
    "text_th": "ข้อความภาษาไทย",
    "text_en": "ข้อความภาษาอังกฤษ",
    "score": "คะแนน",
    "weight": "น้ำหนัก",
    "rating": "ค่าคะแนนประเมิน",
    "type": "ประเภทกลยุทธ์",
    "factors": "ปัจจัย SWOT ที่จับคู่",
    "tactic_code": "รหัสกลยุทธ์ย่อย",
    "project_codes": "รหัสโครงการ",
    "level": "ระดับ",
    "name_th": "ชื่อภาษาไทย",
    "name_en": "ชื่อภาษาอังกฤษ",
    "parent_code": "รหัสระดับบน",
    "strategy_code": "รหัสกลยุทธ์",
    "kind": "ประเภท",
    "owner": "ผู้รับผิดชอบ",
    "start_month": "เดือนเริ่ม",
    "end_month": "เดือนสิ้นสุด",
    "importance": "ความสำคัญ",
    "printed_rank": "ลำดับที่พิมพ์",
    "printed_band": "กลุ่มที่พิมพ์",
    "printed_bc_ratio": "อัตราส่วนผลประโยชน์ต่อต้นทุนที่พิมพ์",
    "project_code": "รหัสโครงการ",
    "fiscal_year": "ปีงบประมาณ",
    "amount": "จำนวนเงิน",
    "year_era": "ระบบปี",
    "direction": "ทิศทาง",
    "scale_min": "คะแนนต่ำสุด",
    "scale_max": "คะแนนสูงสุด",
    "printed_total": "คะแนนรวมที่พิมพ์",
    "min": "ค่าต่ำสุด",
    "max": "ค่าสูงสุด",
    "label": "ชื่อระดับ",
    "order": "ลำดับ",
    "scheme": "ฐานการจัดกลุ่ม",
    "unit": "หน่วยนับ",
    "group": "กลุ่มตัวชี้วัด",
    "baseline": "ค่าฐาน",
    "formula": "สูตรคำนวณ",
    "group_weight": "น้ำหนักของกลุ่ม",
    "denominator": "ตัวหาร",
    "denominator_unit": "หน่วยของตัวหาร",
    "kpi_code": "รหัสตัวชี้วัด",
    "threshold": "เกณฑ์",
    "target": "ค่าเป้าหมาย",
    "quarter": "ไตรมาส",
    "owner_code": "รหัสเจ้าของกิจกรรม",
    "activity_no": "ลำดับกิจกรรม",
    "done_month": "เดือนที่เสร็จ",
    "progress_pct": "ร้อยละความก้าวหน้า",
    "months": "เดือนตามแผน",
    "as_of": "ข้อมูล ณ",
    "side": "ประโยชน์หรือต้นทุน",
    "item_code": "รหัสรายการ",
    "fiscal_year_printed": "ปีงบประมาณตามที่พิมพ์",
    "capital": "เงินทุน",
    "target_count": "เป้าหมายจำนวนราย",
    "target_amount": "เป้าหมายวงเงิน",
    "actual_count": "ผลจำนวนราย",
    "actual_individuals": "ผลรายบุคคล",
    "actual_groups": "ผลรายกลุ่ม",
    "actual_amount": "ผลวงเงิน",
    "disbursement_pct_printed": "ร้อยละการเบิกจ่ายที่พิมพ์",
    "litigation_count": "จำนวนรายดำเนินคดี",
    "litigation_amount": "วงเงินดำเนินคดี",
    "arrears_count": "จำนวนรายค้างชำระ",
    "arrears_individuals": "ค้างชำระรายบุคคล",
    "arrears_groups": "ค้างชำระรายกลุ่ม",
    "arrears_amount": "เงินค้างชำระ",
    "outstanding_count": "จำนวนลูกหนี้คงค้าง",
    "outstanding_amount": "ลูกหนี้คงค้าง",
    "litigation_as_of": "ข้อมูลดำเนินคดี ณ วันที่",
    "arrears_as_of": "ข้อมูลค้างชำระ ณ วันที่",
    "borrower_type": "ประเภทผู้กู้",
    "min_amount": "วงเงินต่ำสุด",
    "max_amount": "วงเงินสูงสุด",
    "term_months": "จำนวนเดือนที่กู้",
    "annual_rate": "อัตราดอกเบี้ยต่อปี",
    "default_rate": "อัตราดอกเบี้ยผิดนัด",
    "grace_installments": "งวดปลอดชำระ",
    "installments": "จำนวนงวด",
    "extra_installments_if_on_time": "งวดเพิ่มเมื่อชำระตรง",
    "apply_from": "เริ่มยื่นได้",
    "apply_to": "ยื่นได้ถึง",
    "loan_id": "เลขที่สัญญา",
    "contract_date": "วันที่ทำสัญญา",
    "principal": "เงินต้น",
    "borrower_id": "รหัสผู้กู้",
    "members": "จำนวนสมาชิก",
    "work_type": "ประเภทงาน",
    "province": "จังหวัด",
    "first_due_date": "วันครบกำหนดงวดแรก",
    "relief_fiscal_year": "ปีงบประมาณของมาตรการลดดอกเบี้ย",
    "status": "สถานะสัญญา",
    "status_date": "วันที่ของสถานะ",
    "paid_date": "วันที่ชำระ",
    "interest": "ดอกเบี้ย",
    "event_date": "วันที่ของเหตุการณ์",
    "event": "เหตุการณ์",
    "capital_after": "ทุนหลังเหตุการณ์",
    "work_type_th": "ประเภทงานภาษาไทย",
    "individuals": "รายบุคคล",
    "groups": "รายกลุ่ม",
    "group_members": "สมาชิกกลุ่ม",
    "period": "ช่วงเวลา",
    "dimension": "มิติ",
    "category": "หมวด",
    "category_th": "หมวดภาษาไทย",
    "table": "ตาราง",
    "column": "คอลัมน์",
    "filter": "เงื่อนไข",
    "aggregate": "วิธีรวม",
    "printed": "ค่าที่พิมพ์",
}
"""Thai header label of each contract column name (the English label is the column name itself)."""

LABELS_TH_IN_TABLE: dict[tuple[str, str], str] = {
    ("kpi_actuals", "value"): "ผลการดำเนินงาน",
    ("kpi_history", "value"): "ผลที่ประกาศ",
    ("kpi_history", "kind"): "ชนิดข้อมูล",
    ("strategies", "level"): "ระดับในแผน",
    ("bands", "label"): "ชื่อกลุ่ม",
    ("criteria", "direction"): "ทิศทางของเกณฑ์",
    ("kpis", "direction"): "ทิศทางที่ดี",
    ("lending_annual", "as_of"): "ข้อมูล ณ วันที่",
    ("payments", "amount"): "จำนวนเงินที่ชำระ",
    ("payments", "principal"): "ชำระเงินต้น",
    ("payments", "interest"): "ชำระดอกเบี้ย",
}
"""Labels of a column whose meaning in one table differs from :data:`LABELS_TH`."""



def thai_label(table: str, column: str) -> str:
    """The Thai label of ``table.column``: the table's own label, else the column name's, else ``""``."""
    return LABELS_TH_IN_TABLE.get((table, column)) or LABELS_TH.get(column, "")


C = Column
_PROVENANCE = (C("source"), C("note"))

TABLES: dict[str, Table] = {}


def _table(
    name: str,
    group: str,
    columns: tuple[Column, ...],
    key: tuple[str, ...] = (),
    doc: str = "",
    *,
    wide_numeric: bool = False,
) -> None:
    """Declare a contract table; every table also takes the provenance columns ``source`` and ``note``.

    Each column gets its Thai label (:func:`thai_label`) unless it was declared with one.
    """
    labelled = tuple(replace(c, label_th=c.label_th or thai_label(name, c.name)) for c in columns + _PROVENANCE)
    TABLES[name] = Table(name, group, labelled, key, doc, wide_numeric=wide_numeric)


# ---------------------------------------------------------------- plan tables
_table(
    "plan",
    "plan",
    (C("key", "code", True), C("value", "text")),
    ("key",),
    "Key/value rows: org_code, org_name_th, org_name_en, plan_name_th, plan_name_en, "
    "period_start_fy, period_end_fy, fiscal_year.",
)
_table(
    "swot",
    "plan",
    (
        C("code", "code", True),
        C("quadrant", "enum", True, QUADRANTS),
        C("text_th", "text", True),
        C("text_en"),
        C("score", "number"),
        C("weight", "number", low=0, high=1),
        C("rating", "number", low=1, high=4),
    ),
    ("code",),
    "SWOT items; weight and rating feed the IFE/EFE matrices.",
)
_table(
    "tows",
    "plan",
    (
        C("code", "code", True),
        C("type", "enum", True, TOWS_TYPES),
        C("text_th", "text", True),
        C("text_en"),
        C("factors", "codes"),
        C("tactic_code", "code"),
        C("project_codes", "codes"),
    ),
    ("code",),
    "TOWS strategies with the SWOT factors they combine.",
)
_table(
    "strategies",
    "plan",
    (
        C("code", "code", True),
        C("level", "text", True),
        C("name_th", "text", True),
        C("name_en"),
        C("parent_code", "code"),
    ),
    ("code",),
    "The plan hierarchy: issues, goals, strategies, tactics.",
)
_table(
    "projects",
    "plan",
    (
        C("code", "code", True),
        C("name_th", "text", True),
        C("name_en"),
        C("strategy_code", "code"),
        C("kind", "enum", choices=PROJECT_KINDS),
        C("owner"),
        C("start_month", "month"),
        C("end_month", "month"),
        C("importance", "stars", low=1, high=3),
        C("printed_rank", "int", low=1),
        C("printed_band"),
        C("printed_bc_ratio", "number", low=0),
    ),
    ("code",),
    "Projects and activities.",
)
_table(
    "budgets",
    "plan",
    (
        C("project_code", "code", True),
        C("fiscal_year", "fiscal_year", True),
        C("amount", "amount", True, low=0),
        C("year_era", "enum", choices=_choices({"BE": ("พ.ศ.",), "CE": ("ค.ศ.", "ad")})),
    ),
    (),
    "Planned budget per project and fiscal year (THB).",
)
_table(
    "criteria",
    "plan",
    (
        C("code", "code", True),
        C("name_th", "text", True),
        C("name_en"),
        C("weight", "number", low=0),
        C("direction", "enum", choices=CRITERION_DIRECTIONS),
        C("scale_min", "number"),
        C("scale_max", "number"),
    ),
    ("code",),
    "Prioritisation criteria.",
)
_table(
    "scores",
    "plan",
    (
        C("project_code", "code", True),
        C("printed_total", "number"),
    ),
    ("project_code",),
    "Scores: one column per criterion code (wide).",
    wide_numeric=True,
)
_table(
    "bands",
    "plan",
    (
        C("min", "number", True),
        C("max", "number", True),
        C("label", "text", True),
        C("order", "int"),
        C("scheme", "enum", choices=BAND_SCHEMES),
    ),
    (),
    "Bands on the total score (inclusive), e.g. 28–30 → 1.",
)
_table(
    "kpis",
    "plan",
    (
        C("code", "code", True),
        C("name_th", "text", True),
        C("name_en"),
        C("unit"),
        C("weight", "number", low=0, high=100),
        C("group"),
        C("direction", "enum", choices=KPI_DIRECTIONS),
        C("baseline", "number"),
        C("formula"),
        C("group_weight", "number", low=0, high=100),
        C("denominator", "number", low=0),
        C("denominator_unit"),
    ),
    ("code",),
    "Key performance indicators. Optional: group_weight (the % the KPI's group carries, e.g. "
    "performance 70), denominator and denominator_unit (fixed base of a % KPI, e.g. 556,629 คน).",
)
_table(
    "kpi_levels",
    "plan",
    (
        C("kpi_code", "code", True),
        C("level", "number", True),
        C("threshold", "number", True),
        C("label"),
    ),
    ("kpi_code", "level"),
    "Level thresholds per KPI (level 1–5, or a score such as 50/75/100).",
)
_table(
    "kpi_targets",
    "plan",
    (
        C("kpi_code", "code", True),
        C("fiscal_year", "fiscal_year", True),
        C("target", "number", True),
        C("quarter", "int", low=1, high=4),
    ),
    ("kpi_code", "fiscal_year", "quarter"),
    "Targets per KPI, fiscal year and (optionally) quarter.",
)
_table(
    "kpi_actuals",
    "plan",
    (
        C("kpi_code", "code", True),
        C("fiscal_year", "fiscal_year", True),
        C("quarter", "int", True, low=1, high=4),
        C("value", "number", True),
    ),
    ("kpi_code", "fiscal_year", "quarter"),
    "KPI results per quarter (cumulative year-to-date).",
)
_table(
    "kpi_history",
    "plan",
    (
        C("kpi_code", "code", True),
        C("fiscal_year", "fiscal_year", True),
        C("value", "number", True),
        C("kind", "enum", choices=HISTORY_KINDS),
    ),
    ("kpi_code", "fiscal_year", "kind"),
    "Published KPI results of past years.",
)
_table(
    "activities",
    "plan",
    (
        C("owner_code", "code", True),
        C("activity_no", "code", True),
        C("text_th", "text", True),
        C("text_en"),
        C("start_month", "month", True),
        C("end_month", "month", True),
        C("done_month", "month"),
        C("progress_pct", "number", low=0, high=100),
        C("months", "text"),
    ),
    ("owner_code", "activity_no"),
    "Planned activities (Gantt) per project or KPI.",
)
_table(
    "activity_status",
    "plan",
    (
        C("owner_code", "code", True),
        C("activity_no", "code", True),
        C("done_month", "month"),
        C("progress_pct", "number", low=0, high=100),
        C("as_of", "month"),
    ),
    ("owner_code", "activity_no"),
    "Progress of planned activities (done month, % done), kept apart from the plan.",
)
_table(
    "spending",
    "plan",
    (
        C("project_code", "code", True),
        C("fiscal_year", "fiscal_year", True),
        C("quarter", "int", True, low=1, high=4),
        C("amount", "amount", True, low=0),
    ),
    ("project_code", "fiscal_year", "quarter"),
    "Money spent per project and fiscal quarter (THB).",
)
_table(
    "benefit_cost",
    "plan",
    (
        C("project_code", "code", True),
        C("side", "enum", True, SIDES),
        C("item_code", "code", True),
        C("name_th"),
        C("name_en"),
        C("score", "number", True),
    ),
    ("project_code", "side", "item_code"),
    "Value-for-money items scored per project.",
)

# ---------------------------------------------------------------- lending tables
_table(
    "lending_annual",
    "lending",
    (
        C("fiscal_year", "fiscal_year", True),
        C("fiscal_year_printed", "code"),
        C("capital", "amount"),
        C("target_count", "count"),
        C("target_amount", "amount", low=0),
        C("actual_count", "count", parts=("actual_individuals", "actual_groups")),
        C("actual_individuals", "int", low=0),
        C("actual_groups", "int", low=0),
        C("actual_amount", "amount", low=0),
        C("disbursement_pct_printed", "number"),
        C("litigation_count", "count"),
        C("litigation_amount", "amount", low=0),
        C("arrears_count", "count", parts=("arrears_individuals", "arrears_groups")),
        C("arrears_individuals", "int", low=0),
        C("arrears_groups", "int", low=0),
        C("arrears_amount", "amount", low=0),
        C("outstanding_count", "count"),
        C("outstanding_amount", "amount", low=0),
        C("as_of", "date"),
        C("litigation_as_of", "date"),
        C("arrears_as_of", "date"),
    ),
    ("fiscal_year", "source"),
    "Yearly lending statistics as published.",
)
_table(
    "loan_terms",
    "lending",
    (
        C("borrower_type", "enum", True, BORROWER_TYPES),
        C("min_amount", "amount", True, low=0),
        C("max_amount", "amount", True, low=0),
        C("term_months", "int", True, low=1),
        C("annual_rate", "number", low=0, high=100),
        C("default_rate", "number", low=0, high=100),
        C("grace_installments", "int", low=0),
    ),
    (),
    "Loan limits, terms and rates by borrower type.",
)
_table(
    "relief_rounds",
    "lending",
    (
        C("fiscal_year", "fiscal_year", True),
        C("annual_rate", "number", True, low=0, high=100),
        C("installments", "int", True, low=1),
        C("extra_installments_if_on_time", "int", low=0),
        C("apply_from", "date"),
        C("apply_to", "date"),
    ),
    ("fiscal_year",),
    "Interest-relief rounds (e.g. 0% for 12 installments).",
)
_table(
    "loans",
    "lending",
    (
        C("loan_id", "code", True),
        C("borrower_type", "enum", True, BORROWER_TYPES),
        C("contract_date", "date", True),
        C("principal", "amount", True, low=0.01),
        C("term_months", "int", True, low=1),
        C("annual_rate", "number", True, low=0, high=100),
        C("borrower_id", "code"),
        C("members", "int", low=1),
        C("work_type"),
        C("province"),
        C("grace_installments", "int", low=0),
        C("first_due_date", "date"),
        C("relief_fiscal_year", "fiscal_year"),
        C("status", "enum", choices=LOAN_STATUSES),
        C("status_date", "date"),
    ),
    ("loan_id",),
    "One row per loan contract.",
)
_table(
    "payments",
    "lending",
    (
        C("loan_id", "code", True),
        C("paid_date", "date", True),
        C("amount", "amount", True, low=0),
        C("principal", "amount", low=0),
        C("interest", "amount", low=0),
    ),
    (),
    "Repayments received.",
)
_table(
    "capital_history",
    "lending",
    (
        C("fiscal_year", "fiscal_year", True),
        C("event_date", "text"),
        C("event", "text", True),
        C("amount", "amount"),
        C("capital_after", "amount", True, low=0),
    ),
    (),
    "Fund capital over time.",
)
_table(
    "registrations",
    "lending",
    (
        C("work_type", "text", True),
        C("work_type_th"),
        C("individuals", "int", low=0),
        C("groups", "int", low=0),
        C("group_members", "int", low=0),
        C("period"),
    ),
    ("work_type",),
    "Registered borrowers by work type.",
)
_table(
    "lending_breakdown",
    "lending",
    (
        C("fiscal_year", "fiscal_year", True),
        C("dimension", "enum", True, DIMENSIONS),
        C("category", "text", True),
        C("category_th"),
        C("min_amount", "amount"),
        C("max_amount", "amount"),
        C("individuals", "int", low=0),
        C("groups", "int", low=0),
        C("amount", "amount", low=0),
    ),
    ("fiscal_year", "dimension", "category"),
    "A year's loans by size band or work type.",
)

# ---------------------------------------------------------------- shared
_table(
    "printed_totals",
    "shared",
    (
        C("code", "code", True),
        C("table", "code", True),
        C("column", "code", True),
        C("filter", "text"),
        C("aggregate", "enum", choices=AGGREGATES),
        C("printed", "number", True),
    ),
    ("code",),
    "Totals printed in the source, recomputed from the rows by validate.",
)

PLAN_TABLES = tuple(n for n, t in TABLES.items() if t.group in ("plan", "shared"))
LENDING_TABLES = tuple(n for n, t in TABLES.items() if t.group in ("lending", "shared"))

PLAN_KEYS: dict[str, str] = {
    "org_code": "slug",
    "org_name_th": "text",
    "org_name_en": "text",
    "plan_name_th": "text",
    "plan_name_en": "text",
    "period_start_fy": "fiscal_year",
    "period_end_fy": "fiscal_year",
    "fiscal_year": "fiscal_year",
}
"""Keys of the ``plan`` table planlib reads, with their kind; other keys are kept as text."""
PLAN_REQUIRED_KEYS = ("org_code", "org_name_th")


@functools.cache
def header_names(table: str, normalise: Callable[[object], str]) -> dict[str, str]:
    """Every header an analyst may type for a column of ``table`` → the column name, as ``normalise`` keys them.

    A column is read from its name (``quadrant``), its Thai label (``ด้าน SWOT``) or both as the
    blank workbook shows them (``ด้าน SWOT (quadrant)``). A Thai label two columns of the table
    share is not read alone (it would be ambiguous); with the name in brackets it is.
    """
    columns = TABLES[table].columns
    labels = [normalise(c.label_th) for c in columns if c.label_th]
    names = {normalise(col.name): col.name for col in columns}
    for col in columns:
        if col.label_th:
            names.setdefault(normalise(f"{col.label_th} ({col.name})"), col.name)
            if labels.count(normalise(col.label_th)) == 1:
                names.setdefault(normalise(col.label_th), col.name)
    return names


def empty_frame(table: str) -> pd.DataFrame:
    """An empty DataFrame with the table's declared columns and dtypes."""
    spec = TABLES[table]
    frame = pd.DataFrame({c.name: pd.Series(dtype=KINDS[c.kind].dtype) for c in spec.columns})
    frame.index.name = "row"
    return frame
