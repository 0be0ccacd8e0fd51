"""Key figures: the few numbers on page 1 of a report, each with its unit, period and change, and how to print them.

A :class:`KeyFigure` is data: a value (a number, a short text such as a project code, or None when the
data are missing), its unit, the period it describes (written in BE), the change against the previous
period where one exists (:class:`Change`), a status, a note, and for figures built on part of the data
how much of it (:class:`Coverage`). The plan and loan modules build them
(:mod:`planlib.plans.key_figures`, :mod:`planlib.loans.key_figures`); this module holds the type both
share and prints it, once, the same way for every report:

* counts as integers with thousands separators (``1,234``), never ``3.00``;
* percentages with the figure's decimals (2 unless the figure says otherwise) and a space: ``24.71 %``;
  a change of a percentage is in points: ``+4.42 จุด`` / ``+4.42 pp``;
* baht from one million up in millions (``15.65 ล้านบาท`` / ``15.65 million THB``), below that whole baht;
* periods in Buddhist Era years (:func:`fiscal_year_text`, :func:`quarter_text`, :func:`date_text`);
* never ``inf``, ``nan``, ``None`` or ``-0``: a missing value prints as the figure's status
  (``ไม่มีข้อมูล`` / ``no data``, ``ไม่ได้ประเมิน`` / ``not scored``…), an infinite one as ``ไม่จำกัด`` /
  ``no limit``, a value that rounds to zero without a sign and a change that rounds to zero as
  ``ไม่เปลี่ยนแปลง`` / ``unchanged``.

Lives in :mod:`planlib.inputs` beside :func:`planlib.inputs.thai.format_date` because both the plan and
the loan layers build key figures and neither may import the other.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planlib.inputs import messages, thai

STATUSES: dict[str, tuple[str, str]] = {
    "green": ("ตามเป้า", "on track"),
    "amber": ("ต้องติดตาม", "needs attention"),
    "red": ("ต่ำกว่าเป้า", "behind"),
    "no data": ("ไม่มีข้อมูล", "no data"),
    "not scored": ("ไม่ได้ประเมิน", "not scored"),
    "no scenario": ("ไม่ได้กำหนดสถานการณ์", "no scenario set"),
    "what-if": ("สมมติ", "what-if"),
}
"""Status of a figure → (Thai, English) words. green/amber/red follow the report's own RAG rule; the others
say why a figure has no value (or, for what-if, that the value is not the plan's own)."""

PART_NAMES: dict[str, tuple[str, str]] = {
    "green": ("เขียว", "green"),
    "amber": ("เหลือง", "amber"),
    "red": ("แดง", "red"),
    "grey": ("เทา (ไม่มีข้อมูล)", "grey (no data)"),
    "done": ("เสร็จ", "done"),
    "overdue": ("เลยกำหนด", "overdue"),
    "top level": ("ระดับสูงสุด", "top level"),
    "other level": ("ระดับอื่น", "other levels"),
    "below lowest": ("ต่ำกว่าระดับต่ำสุด", "below the lowest level"),
    "no result": ("ไม่มีผล", "no result"),
}
"""Names of the categories a figure counts by (:attr:`KeyFigure.parts`): RAG colours, activity and level states."""

UNITS_EN: dict[str, str] = {
    "%": "%",
    "บาท": "THB",
    "สัญญา": "loans",
    "ตัว": "KPIs",
    "กิจกรรม": "activities",
    "โครงการ": "projects",
    "คะแนน": "points",
    "เกณฑ์": "criteria",
    "ข้อ": "items",
    "": "",
}
"""The English word for each Thai unit a key figure uses (a unit not listed prints as typed)."""

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MILLION = 1_000_000
MINUS = "\u2212"
"""The minus sign printed before a negative change (−4.42), distinct from a hyphen."""

LANGUAGES = ("th", "en")


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(" / ".join(messages.text("key_figure_language", lang=lang)))


# ---------------------------------------------------------------- periods in BE


def fiscal_year_text(fiscal_year: int) -> tuple[str, str]:
    """(``ปีงบประมาณ 2567``, ``FY2567``): a BE fiscal year in Thai and English."""
    return thai.format_fiscal_year(int(fiscal_year)), f"FY{int(fiscal_year)}"


def quarter_text(fiscal_year: int, quarter: int) -> tuple[str, str]:
    """(``ไตรมาส 2/2568``, ``Q2 FY2568``): a fiscal quarter (Q1 = Oct–Dec) in Thai and English."""
    return thai.format_quarter(int(fiscal_year), int(quarter)), f"Q{int(quarter)} FY{int(fiscal_year)}"


def date_text(date: pd.Timestamp) -> tuple[str, str]:
    """(``ณ 30 ก.ย. 2567``, ``as of 30 Sep 2567``): a date with its BE year in Thai and English."""
    day = pd.Timestamp(date)
    return f"ณ {thai.format_date(day)}", f"as of {day.day} {MONTHS_EN[day.month - 1]} {thai.ce_to_be(day.year)}"


def plan_period_text(first_year: int | None, last_year: int | None) -> tuple[str, str]:
    """(``แผนปี 2566–2570``, ``plan FY2566–2570``), one year when both are equal, ``("", "")`` with none."""
    years = [int(y) for y in (first_year, last_year) if y is not None and not _is_nan(y)]
    if not years:
        return "", ""
    low, high = min(years), max(years)
    span = f"{low}" if low == high else f"{low}–{high}"
    return f"แผนปี {span}", f"plan FY{span}"


# ---------------------------------------------------------------- numbers


def _is_nan(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(float(value))


def _plain(text: str) -> str:
    """Drop the sign of a number that printed as zero (``-0``, ``-0.00`` → ``0``, ``0.00``)."""
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    return text


def format_number(value: float, unit: str = "", decimals: int | None = None, lang: str = "th") -> str:
    """A number in the house style for ``unit`` (module docstring), without the unit word for counts.

    ``%``: ``decimals`` (default 2) and `` %``; ``บาท``: millions with 2 decimals from 1,000,000 up
    (``15.65 ล้านบาท``), else whole baht (``6,800 บาท``); anything else: an integer when the value is
    whole and ``decimals`` is not given, else ``decimals`` (default 2), thousands separated. Infinite
    values print ``ไม่จำกัด`` / ``no limit``; NaN is refused (a missing value is None, printed by its status).
    """
    _check_language(lang)
    number = float(value)
    if math.isnan(number):
        raise ValueError(" / ".join(messages.text("key_figure_missing_number")))
    if math.isinf(number):
        words = ("ไม่จำกัด", "no limit") if number > 0 else ("ไม่จำกัด (ลบ)", "no limit (negative)")
        return words[lang == "en"]
    if unit == "%":
        return _plain(f"{number:,.{2 if decimals is None else decimals}f}") + " %"
    if unit == "บาท":
        if abs(number) >= MILLION:
            shown = _plain(f"{number / MILLION:,.{2 if decimals is None else decimals}f}")
            return f"{shown} ล้านบาท" if lang == "th" else f"{shown} million THB"
        shown = _plain(f"{number:,.{0 if decimals is None else decimals}f}")
        return f"{shown} บาท" if lang == "th" else f"{shown} THB"
    if decimals is None and number == round(number):
        return _plain(f"{round(number):,d}")
    return _plain(f"{number:,.{2 if decimals is None else decimals}f}")


UNITS_EN_ONE: dict[str, str] = {
    "loans": "loan",
    "KPIs": "KPI",
    "activities": "activity",
    "projects": "project",
    "points": "point",
    "criteria": "criterion",
    "items": "item",
}
"""The English unit for a count of one (``1 criterion``, ``1 KPI``)."""


def unit_word(unit: str, lang: str = "th", count: float | None = None) -> str:
    """The unit as printed after a count: the Thai unit, or its English word (:data:`UNITS_EN`), singular for 1."""
    _check_language(lang)
    if lang == "th":
        return unit
    word = UNITS_EN.get(unit, unit)
    return UNITS_EN_ONE.get(word, word) if count is not None and abs(float(count)) == 1 else word


def signed(number: float, decimals: int = 0) -> str:
    """``+1``, ``−1`` (a minus sign, not a hyphen) or ``0``: a movement or change with its sign, never ``-0``."""
    shown = f"{abs(float(number)):,.{decimals}f}"
    if float(shown.replace(",", "")) == 0:
        return shown
    return ("+" if number > 0 else MINUS) + shown


# ---------------------------------------------------------------- the figure


@dataclass(frozen=True)
class Change:
    """The same figure in the previous period: ``previous`` value and that period's name (BE).

    A text figure (a top project's code) has a text ``previous``: the change says what it was.
    """

    previous: float | str
    period: str
    period_en: str = ""


@dataclass(frozen=True)
class Coverage:
    """How much of the data a figure rests on: ``reported`` of ``total`` (``budget: 1 of 9 projects reported``)."""

    reported: int
    total: int
    what_th: str = "โครงการ"
    what_en: str = "projects"

    @property
    def complete(self) -> bool:
        """True when every unit reported (nothing to say about coverage)."""
        return self.reported >= self.total

    def text(self, lang: str = "th") -> str:
        """``รายงาน 1 จาก 9 โครงการ`` / ``1 of 9 projects reported``."""
        _check_language(lang)
        if lang == "th":
            return f"รายงาน {self.reported:,d} จาก {self.total:,d} {self.what_th}"
        return f"{self.reported:,d} of {self.total:,d} {self.what_en} reported"


def _clean_value(value: object) -> float | int | str | None:
    """Python scalars only: NaN → None, numpy numbers → float/int, strings kept, bools refused."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        raise TypeError(" / ".join(messages.text("key_figure_bool_value")))
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) else number
    raise TypeError(" / ".join(messages.text("key_figure_value_type", kind=type(value).__name__)))


@dataclass(frozen=True)
class KeyFigure:
    """One figure of a report's page 1.

    ``value``: a number, a short text (a project code, an IE cell) or None when missing; ``value_en``:
    a text value in English; ``unit``: a Thai unit (``%``, ``บาท``, ``สัญญา``, ``ตัว``…; English from
    :data:`UNITS_EN`); ``period``: what it describes, BE (``ณ 30 ก.ย. 2567``; ``period_en`` in English);
    ``change``: the previous period's value; ``status``: a key of :data:`STATUSES` or None; ``note`` /
    ``note_en``: one short line. ``key`` names the figure for the verdict rules; ``of`` is the whole a
    count is out of (``4 จาก 6 ตัว``); ``parts`` lists counts by category (:data:`PART_NAMES`);
    ``coverage`` says how much of the data the value rests on; ``decimals`` fixes the printed
    decimals; ``higher_is_better`` tells a reader which way a change is good (None: neither);
    ``illustrative`` marks figures from example (synthetic) data.
    """

    label_th: str
    label_en: str
    value: float | int | str | None
    unit: str
    period: str
    change: Change | None = None
    status: str | None = None
    note: str = ""
    key: str = ""
    value_en: str = ""
    note_en: str = ""
    period_en: str = ""
    of: float | None = None
    parts: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    coverage: Coverage | None = None
    decimals: int | None = None
    higher_is_better: bool | None = None
    illustrative: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _clean_value(self.value))
        of = _clean_value(self.of)
        if isinstance(of, str):
            raise TypeError(" / ".join(messages.text("key_figure_of_not_number")))
        object.__setattr__(self, "of", of)
        if self.status is not None and self.status not in STATUSES:
            allowed = ", ".join(STATUSES)
            raise ValueError(
                " / ".join(messages.text("key_figure_unknown_status", status=self.status, allowed=allowed))
            )
        if self.change is not None:
            both_text = isinstance(self.value, str) and isinstance(self.change.previous, str)
            both_numbers = isinstance(self.value, int | float) and isinstance(self.change.previous, numbers.Real)
            if not (both_text or (both_numbers and not _is_nan(self.change.previous))):
                object.__setattr__(self, "change", None)  # a change needs two numbers, or two texts
        object.__setattr__(self, "parts", tuple((str(k), int(n)) for k, n in self.parts))

    # -------------------------------------------------------------- reading

    @property
    def missing(self) -> bool:
        """True when the figure has no value (its status says why)."""
        return self.value is None

    @property
    def number(self) -> float | None:
        """The value as a float, None when it is missing or a text."""
        return float(self.value) if isinstance(self.value, int | float) else None

    @property
    def delta(self) -> float | None:
        """value − previous value as printed (both rounded to the printed decimals), None without a change.

        Rounded first so that the change a reader sees is the difference of the two printed numbers.
        """
        if self.change is None or self.number is None or isinstance(self.change.previous, str):
            return None
        if math.isinf(self.number) or math.isinf(self.change.previous):
            return None
        places = self._places()
        return round(round(self.number, places) - round(float(self.change.previous), places), places)

    def _places(self) -> int:
        if self.decimals is not None:
            return self.decimals
        if self.unit == "%":
            return 2
        if self.unit == "บาท":
            return 0
        number = self.number
        return 0 if number is not None and number == round(number) else 2

    # -------------------------------------------------------------- printing

    def label(self, lang: str = "th") -> str:
        _check_language(lang)
        return self.label_th if lang == "th" else self.label_en

    def period_text(self, lang: str = "th") -> str:
        _check_language(lang)
        return self.period if lang == "th" or not self.period_en else self.period_en

    def note_text(self, lang: str = "th") -> str:
        _check_language(lang)
        return self.note if lang == "th" or not self.note_en else self.note_en

    def status_text(self, lang: str = "th") -> str:
        """The status in words, ``""`` without one."""
        _check_language(lang)
        return "" if self.status is None else STATUSES[self.status][lang == "en"]

    def value_text(self, lang: str = "th") -> str:
        """The value with its unit: ``24.71 %``, ``23 สัญญา``, ``4 จาก 6 ตัว``, ``38.75 จาก 100 คะแนน``.

        A missing value prints its status (``ไม่มีข้อมูล`` when it has none), a text value as it is.
        """
        _check_language(lang)
        if self.value is None:
            return STATUSES[self.status or "no data"][lang == "en"]
        if isinstance(self.value, str):
            return self.value_en if lang == "en" and self.value_en else self.value
        shown = format_number(self.value, self.unit, self.decimals, lang)
        if self.unit in ("%", "บาท"):
            return shown
        if self.of is not None:
            whole = format_number(self.of, self.unit, None if self.of == round(self.of) else self.decimals, lang)
            shown = f"{shown} จาก {whole}" if lang == "th" else f"{shown} of {whole}"
        word = unit_word(self.unit, lang, self.of if self.of is not None else self.value)
        return f"{shown} {word}" if word and not math.isinf(float(self.value)) else shown

    def change_short(self, lang: str = "th") -> str:
        """The change alone: ``+4.42 จุด`` / ``+4.42 pp``, ``+2 สัญญา``, ``ไม่เปลี่ยนแปลง``; ``""`` without a change.

        Percentages change in points; baht and counts in their unit; a change that rounds to zero
        prints ``ไม่เปลี่ยนแปลง`` / ``unchanged``.
        """
        _check_language(lang)
        if self.change is not None and isinstance(self.change.previous, str):
            if self.change.previous == self.value:
                return "ไม่เปลี่ยนแปลง" if lang == "th" else "unchanged"
            return f"เดิม {self.change.previous}" if lang == "th" else f"was {self.change.previous}"

        delta = self.delta
        if delta is None:
            return ""
        if delta == 0:
            return "ไม่เปลี่ยนแปลง" if lang == "th" else "unchanged"
        sign = "+" if delta > 0 else MINUS
        if self.unit == "%":
            amount = f"{abs(delta):,.{self._places()}f} " + ("จุด" if lang == "th" else "pp")
        elif self.unit == "บาท":
            amount = format_number(abs(delta), "บาท", None, lang)
        else:
            amount = format_number(abs(delta), self.unit, self.decimals, lang)
            word = unit_word(self.unit, lang, delta)
            amount = f"{amount} {word}" if word else amount
        return f"{sign}{amount}"

    def change_text(self, lang: str = "th") -> str:
        """The change and the period it is against: ``+4.42 จุด จาก 30 ก.ย. 2566`` / ``+4.42 pp vs 30 Sep 2566``."""
        short = self.change_short(lang)
        if not short or self.change is None:
            return ""
        period = self.change.period if lang == "th" or not self.change.period_en else self.change.period_en
        if isinstance(self.change.previous, str):  # a text: "unchanged from the plan", "the plan: 1.1.1"
            if self.change.previous == self.value:
                return f"ไม่เปลี่ยนจาก{period}" if lang == "th" else f"unchanged from {period}"
            return f"{period}: {self.change.previous}"
        return f"{short} จาก {period}" if lang == "th" else f"{short} vs {period}"

    def parts_text(self, lang: str = "th") -> str:
        """``เขียว 11 · เหลือง 0 · แดง 8 · เทา (ไม่มีข้อมูล) 0``; other categories print their own name."""
        _check_language(lang)
        words = []
        for name, count in self.parts:
            shown = PART_NAMES.get(name, (name, name))[lang == "en"]
            words.append(f"{shown} {count:,d}")
        return " · ".join(words)

    def text(self, lang: str = "th") -> str:
        """The whole figure on one line: label, value, change, parts, coverage, period and note."""
        _check_language(lang)
        bits = [f"{self.label(lang)}: {self.value_text(lang)}"]
        coverage = self.coverage.text(lang) if self.coverage is not None else ""
        extras = (self.change_text(lang), self.parts_text(lang), coverage, self.period_text(lang), self.note_text(lang))
        bits += [extra for extra in extras if extra]
        return " · ".join(bits)

    def row(self, lang: str = "th") -> dict[str, str]:
        """The printed parts of the figure by name (label, value, change, parts, coverage, period, status, note)."""
        return {
            "label": self.label(lang),
            "value": self.value_text(lang),
            "change": self.change_text(lang),
            "parts": self.parts_text(lang),
            "coverage": self.coverage.text(lang) if self.coverage is not None else "",
            "period": self.period_text(lang),
            "status": self.status_text(lang),
            "note": self.note_text(lang),
        }


Pair = tuple[str, str]
"""A text in Thai and English."""


def figure(
    key: str, label: Pair, value: float | str | None, unit: str, period: Pair, note: Pair = ("", ""), **more: Any
) -> KeyFigure:
    """A :class:`KeyFigure` from (Thai, English) pairs of label, period and note; ``more`` are its other fields."""
    label_th, label_en = label
    return KeyFigure(
        label_th, label_en, value, unit, period[0], note=note[0], note_en=note[1], key=key, period_en=period[1], **more
    )


def absent(key: str, label: Pair, unit: str, period: Pair, status: str, note: Pair, **more: Any) -> KeyFigure:
    """A figure without a value: ``status`` (no data, not scored…) and ``note`` say why."""
    return figure(key, label, None, unit, period, note, status=status, **more)


# ---------------------------------------------------------------- lists of figures and verdicts


def find(figures: Iterable[KeyFigure], key: str) -> KeyFigure | None:
    """The figure whose ``key`` is ``key``, or None."""
    return next((f for f in figures if f.key == key), None)


COLUMNS: dict[str, tuple[str, str]] = {
    "label": ("ตัวเลข", "figure"),
    "value": ("ค่า", "value"),
    "change": ("เทียบงวดก่อน", "change"),
    "parts": ("แยกตามกลุ่ม", "breakdown"),
    "coverage": ("ความครอบคลุม", "coverage"),
    "period": ("งวด", "period"),
    "status": ("สถานะ", "status"),
    "note": ("หมายเหตุ", "note"),
}


def figures_table(figures: Sequence[KeyFigure], lang: str = "th") -> pd.DataFrame:
    """The figures as a table of text, one row each (column names in ``lang``; columns empty for every row dropped)."""
    rows = [f.row(lang) for f in figures]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    keep = [c for c in COLUMNS if c in ("label", "value") or (frame[c] != "").any()]
    return frame[keep].rename(columns={c: COLUMNS[c][lang == "en"] for c in keep})


def join_clauses(clauses: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """Verdict clauses (Thai, English) joined by ``; `` (empty clauses dropped)."""
    kept = [c for c in clauses if c[0] or c[1]]
    return "; ".join(c[0] for c in kept), "; ".join(c[1] for c in kept)


ILLUSTRATIVE = ("ข้อมูลผลเป็นตัวอย่างสมมติ ไม่ใช่ผลจริง", "results are illustrative examples, not real results")


def verdict_text(
    clauses: Iterable[tuple[str, str]],
    figures: Sequence[KeyFigure],
    illustrative: tuple[str, str] = ILLUSTRATIVE,
) -> tuple[str, str]:
    """The verdict from its clauses; when any figure is illustrative, the words ``illustrative`` say so last.

    Rule: a verdict never reads as a real result when any figure it rests on comes from example
    (synthetic) data; ``(…)`` with ``illustrative`` closes both languages.
    """
    th, en = join_clauses(clauses)
    if any(f.illustrative for f in figures):
        th, en = f"{th} ({illustrative[0]})", f"{en} ({illustrative[1]})"
    return th, en
