"""Thai values as offices type them: digits, amounts, Buddhist-Era years, month names, dates.

Every parser here takes one raw cell (a string, or a number/date an Excel cell already holds)
and returns a clean Python value, or raises :class:`ThaiValueError` with a reason in English
and Thai. Missing markers (``-``, ``–``, ``ไม่มีข้อมูล``, empty) give ``None``, never 0.

Rules (see ``shared/research/feasibility.md`` §5 and the data contract):

* Thai digits ๐–๙ map one-to-one to 0–9, also inside mixed numbers such as ``๒๕๖4``.
* BE = CE + 543. A BE year is converted on the *year field* before a date is built, so
  ``29 ก.พ. 2567`` (2024, a leap year) is valid.
* Two-digit years in Thai date forms are BE: ``ก.ย.61`` → September 2561 BE = 2018.
* Fiscal year N (BE) runs 1 Oct of N−1 to 30 Sep of N; its Q1 is Oct–Dec.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from planlib.inputs import messages

BE_OFFSET = 543
"""Buddhist Era year = Common Era year + 543."""

BE_RANGE = (2400, 2800)
"""Plausible BE years; anything between CE_RANGE bounds is taken for a CE year."""
CE_RANGE = (1850, 2300)

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
_TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

MISSING_MARKERS = frozenset(
    {"", "-", "–", "—", "--", "ไม่มีข้อมูล", "ไม่มี ข้อมูล", "n/a", "na", "none", "null", "nan", "ไม่ระบุ"}
)
"""Cell texts that mean "no value" (compared after trimming and lower-casing)."""


class ThaiValueError(ValueError):
    """A cell that cannot be read as the expected kind of value.

    Raised with a message ``code`` of :mod:`planlib.inputs.messages` and the values its
    templates need; ``reason_en`` and ``reason_th`` are the filled templates (why, in the
    analyst's terms). A loader reports it as ``Problem.of(..., exc.code, **exc.values)``.
    """

    def __init__(self, code: str, /, **values: object) -> None:
        self.code = code
        self.values = values
        self.reason_en, self.reason_th = messages.text(code, **values)
        super().__init__(self.reason_en)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled as its code and values (a report worker sends it to the parent process)."""
        return functools.partial(ThaiValueError, self.code, **self.values), ()


# ---------------------------------------------------------------- text and digits


def thai_to_arabic_digits(text: str) -> str:
    """Replace Thai digits with Arabic ones: ``"๑๒,๓๔๕.๖๗"`` → ``"12,345.67"``."""
    return text.translate(_TO_ARABIC)


def arabic_to_thai_digits(text: str) -> str:
    """Replace Arabic digits with Thai ones: ``"2568"`` → ``"๒๕๖๘"``."""
    return text.translate(_TO_THAI)


def clean_text(value: object) -> str | None:
    """NFC-normalise and trim a text cell; ``None`` for an empty cell.

    Non-breaking and zero-width spaces are folded to ordinary spaces, runs of spaces to one.
    Numbers that Excel stored for a code (``1.0``) come back as ``"1"``.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text or None


def is_missing(value: object) -> bool:
    """True for an empty cell or a missing marker (``-``, ``–``, ``ไม่มีข้อมูล``, ``N/A``)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip().lower() in MISSING_MARKERS
    return False


# ---------------------------------------------------------------- numbers and amounts

_MULTIPLIERS = {
    "ล้านบาท": 1_000_000,
    "ล้าน": 1_000_000,
    "แสนบาท": 100_000,
    "แสน": 100_000,
    "หมื่นบาท": 10_000,
    "หมื่น": 10_000,
    "พันบาท": 1_000,
    "พัน": 1_000,
    "m": 1_000_000,
}
_UNIT_WORDS = ("บาท", "thb", "baht", "ราย", "กลุ่ม", "คน", "องค์กร", "แห่ง", "ครั้ง", "ระดับ", "level")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(value: object) -> float | None:
    """Read a number typed the Thai way.

    Accepts Thai digits, thousands separators (``1,234,567.89``), a trailing ``บาท``/``THB``,
    scale words (``15.99 ล้านบาท`` → 15,990,000), percent signs and ``ร้อยละ`` (the number
    is returned as printed: ``ร้อยละ 80`` → 80.0), a ``ระดับ`` prefix (``ระดับ 5`` → 5.0),
    and accounting negatives ``(1,000)``. Missing markers give ``None``.

    >>> parse_number("๑๒,๓๔๕.๖๗")
    12345.67
    >>> parse_number("15.99 ล้านบาท")
    15990000.0
    """
    if isinstance(value, bool):
        raise ThaiValueError("bad_value_bool_not_number")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        return _finite(float(value), value)
    if is_missing(value):
        return None
    raw = clean_text(value)
    if raw is None:
        return None
    text = thai_to_arabic_digits(raw).lower().replace(" ", "")
    multiplier = 1.0
    for word, factor in _MULTIPLIERS.items():
        if text.endswith(word) and text[: -len(word)]:
            multiplier = float(factor)
            text = text[: -len(word)]
            break
    for prefix in ("ร้อยละ", "ระดับ", "ประมาณ"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    for unit in _UNIT_WORDS:
        if text.endswith(unit):
            text = text[: -len(unit)]
    text = text.rstrip("%").lstrip("฿")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if "," in text:
        if not _GROUPED_RE.match(text):
            raise ThaiValueError("bad_value_separator", raw=raw)
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        raise ThaiValueError("bad_value_not_a_number", raw=raw)
    try:
        number = float(Decimal(text) * Decimal(str(multiplier)))
    except InvalidOperation as exc:  # pragma: no cover - regex above guards this
        raise ThaiValueError("bad_value_not_a_number", raw=raw) from exc
    return _finite(-number if negative else number, raw)


def _finite(number: float, raw: object) -> float:
    """``number`` unless it is infinite (a 400-digit cell or a native inf): that is an error, not a value."""
    if math.isinf(number):
        raise ThaiValueError("bad_value_infinite", shown=str(raw)[:40])
    return number


def parse_int(value: object) -> int | None:
    """Read a whole number (Thai digits and separators allowed); a fraction is an error."""
    number = parse_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise ThaiValueError("bad_value_not_whole", number=number)
    return int(number)


def parse_stars(value: object) -> int | None:
    """Importance marked with stars: ``***`` → 3. Digits are accepted too (``3`` → 3)."""
    if is_missing(value):
        return None
    text = clean_text(value) or ""
    if text and set(text) <= {"*", "★", "☆", " "}:
        return text.count("*") + text.count("★")
    return parse_int(text)


# ---------------------------------------------------------------- mixed count cells


@dataclass(frozen=True)
class MixedCount:
    """A count cell such as ``45 (4 ราย/41 กลุ่ม)``: total, individuals (ราย), groups (กลุ่ม).

    ``consistent`` is False when the printed parts do not add up to the printed total.
    """

    total: int | None
    individuals: int | None
    groups: int | None
    total_printed: bool = field(default=True, repr=False)
    """False when the cell printed only parts (``4 ราย 29 กลุ่ม``): ``total`` is then their sum."""

    @property
    def consistent(self) -> bool:
        if self.total is None or self.individuals is None or self.groups is None:
            return True
        return self.total == self.individuals + self.groups


_PART_RE = re.compile(r"(\d+)\s*(ราย|กลุ่ม)(?!\s*/\s*ราย)")


def parse_mixed_count(value: object) -> MixedCount:
    """Split ``45 (4 ราย/41 กลุ่ม)``, ``29 (26 กลุ่ม/3 ราย)`` or ``23 (22 กลุ่ม 1 ราย)``.

    The first bare number is the total. Numbers followed by ``ราย`` are individuals and by
    ``กลุ่ม`` groups. The heading word ``กลุ่ม/ราย`` (groups/individuals) after the total is
    skipped. A plain number gives a total with no parts. A cell of parts only (``4 ราย 29
    กลุ่ม``) has no printed total: ``total`` is the sum of the parts and ``total_printed`` is
    False. Amount text (``… 5,000,000 บาท``)
    after the counts is ignored.

    >>> parse_mixed_count("45 (4 ราย/41 กลุ่ม)")
    MixedCount(total=45, individuals=4, groups=41)
    """
    if is_missing(value):
        return MixedCount(None, None, None)
    if isinstance(value, (int, float)):
        return MixedCount(parse_int(value), None, None)
    text = thai_to_arabic_digits(clean_text(value) or "")
    text = re.sub(r"[\d,]+(\.\d+)?\s*บาท.*$", "", text)  # drop an amount and what follows
    text = re.sub(r"\(?\s*ณ[^)]*\)?", "", text)  # drop an as-of note
    head = re.match(r"^\s*(\d[\d,]*)\s*(?=$|\(|กลุ่ม\s*/\s*ราย|ราย\s*/\s*กลุ่ม|\s)", text)
    if head is None:
        raise ThaiValueError("bad_value_not_a_count", raw=value)
    if re.match(r"\s*(ราย|กลุ่ม)(?!\s*/\s*(ราย|กลุ่ม))", text[head.end() :]):
        # parts only, no printed total: "4 ราย 29 กลุ่ม" (relief round FY2565), "22 กลุ่ม 1 ราย"
        parts = {word: int(number.replace(",", "")) for number, word in re.findall(r"(\d[\d,]*)\s*(ราย|กลุ่ม)", text)}
        return MixedCount(sum(parts.values()), parts.get("ราย"), parts.get("กลุ่ม"), total_printed=False)
    total = int(head.group(1).replace(",", ""))
    rest = text[head.end() :]
    rest = re.sub(r"^\s*(กลุ่ม\s*/\s*ราย|ราย\s*/\s*กลุ่ม)", "", rest)
    individuals = groups = None
    for number, word in re.findall(r"(\d[\d,]*)\s*(ราย|กลุ่ม)", rest):
        count = int(number.replace(",", ""))
        if word == "ราย":
            individuals = count
        else:
            groups = count
    return MixedCount(total, individuals, groups)


# ---------------------------------------------------------------- years

YEAR_ERA_CE = {"ce", "ad", "ค.ศ.", "ค.ศ", "คศ"}
YEAR_ERA_BE = {"be", "พ.ศ.", "พ.ศ", "พศ", ""}


def be_to_ce(year: int) -> int:
    """BE → CE: 2568 → 2025."""
    return year - BE_OFFSET


def ce_to_be(year: int) -> int:
    """CE → BE: 2025 → 2568."""
    return year + BE_OFFSET


def parse_be_year(value: object, *, era: str | None = None) -> int | None:
    """Read a Buddhist-Era year (``2568``, ``๒๕๖๘``, ``พ.ศ. 2568``, ``FY2568``).

    A CE-looking year (e.g. 2025) is an error unless ``era`` says CE, in which case it is
    converted (+543). A two-digit year is refused here: bare ``68`` is ambiguous in a year
    column (two-digit BE years are accepted inside Thai dates and months).
    """
    if is_missing(value):
        return None
    text = thai_to_arabic_digits(clean_text(value) or "")
    text = re.sub(r"^(fy|ปีงบประมาณ|ปีบัญชี|ปีงบ|พ\.ศ\.?|พศ)\s*", "", text, flags=re.IGNORECASE)
    year = parse_int(text)
    assert year is not None
    era_key = (era or "").strip().lower()
    if era_key in YEAR_ERA_CE:
        if not CE_RANGE[0] <= year <= CE_RANGE[1]:
            raise ThaiValueError("bad_value_ce_year_implausible", year=year)
        return ce_to_be(year)
    if BE_RANGE[0] <= year <= BE_RANGE[1]:
        return year
    if CE_RANGE[0] <= year <= CE_RANGE[1]:
        raise ThaiValueError("bad_value_ce_year", year=year, be=ce_to_be(year))
    raise ThaiValueError("bad_value_be_year_implausible", year=year, low=BE_RANGE[0], high=BE_RANGE[1])


def _year_to_ce(year_text: str) -> int:
    """A year inside a date: 2 digits = BE (61 → 2018), ≥2400 = BE, else CE."""
    year = int(year_text)
    if len(year_text) <= 2:
        return be_to_ce(2500 + year)
    if BE_RANGE[0] <= year <= BE_RANGE[1]:
        return be_to_ce(year)
    if CE_RANGE[0] <= year <= CE_RANGE[1]:
        return year
    raise ThaiValueError("bad_value_year_implausible", year=year)


# ---------------------------------------------------------------- months

THAI_MONTHS_FULL = tuple(
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม".split()
)
THAI_MONTHS_ABBR = tuple("ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split())
_THAI_MONTHS_SPOKEN = tuple("มกรา กุมภา มีนา เมษา พฤษภา มิถุนา กรกฎา สิงหา กันยา ตุลา พฤศจิกา ธันวา".split())
"""The month names as said aloud and often typed (``ตุลา 67``), January first."""
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTHS_FULL = tuple("january february march april may june july august september october november december".split())


def _month_key(text: str) -> str:
    return re.sub(r"[.\s]", "", text).lower()


MONTH_NUMBERS: dict[str, int] = {}
_MONTH_SPELLINGS = (THAI_MONTHS_FULL, THAI_MONTHS_ABBR, _THAI_MONTHS_SPOKEN, _EN_MONTHS, _EN_MONTHS_FULL)
for _i, _names in enumerate(zip(*_MONTH_SPELLINGS), 1):
    for _name in _names:
        MONTH_NUMBERS[_month_key(_name)] = _i
MONTH_NUMBERS["ิมย"] = 6  # มิ.ย. with the vowel mark stored before its consonant (PDF extraction)
MONTH_NUMBERS["sept"] = 9

_MONTH_ALTERNATION = "|".join(
    sorted(
        {re.escape(m) for m in THAI_MONTHS_FULL}
        | {r"\.?\s*".join(re.escape(part) for part in a.rstrip(".").split(".")) + r"\.?" for a in THAI_MONTHS_ABBR}
        | set(_THAI_MONTHS_SPOKEN),
        key=len,
        reverse=True,
    )
)


def month_number(name: str) -> int:
    """Month number of a Thai (full or abbreviated, dots optional) or English month name."""
    key = _month_key(thai_to_arabic_digits(name))
    if key in MONTH_NUMBERS:
        return MONTH_NUMBERS[key]
    raise ThaiValueError("bad_value_month_name", name=name)


_THAI_DATE_RE = re.compile(
    r"^(?:(?:วันที่|ณ)\s*)?(?:(\d{1,2})\s*)?"  # an optional day
    rf"({_MONTH_ALTERNATION}|[A-Za-z]{{3,9}}\.?)\s*"  # the month, Thai or English
    r"(?:พ\.ศ\.\s*)?(\d{2}|\d{4})$"  # the year, two or four digits
)
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_ISO_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_SLASH_DATE_RE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_SLASH_MONTH_RE = re.compile(r"^(\d{1,2})/(\d{4})$")


def _build_date(year: int, month: int, day: int, raw: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ThaiValueError("bad_value_no_such_date", raw=raw, reason=str(exc)) from exc


def _split_date(value: object) -> tuple[int, int, int | None]:
    """(CE year, month, day or None) of a date or month cell; BE converted first."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return _excel_year(value.year), value.month, value.day
    if isinstance(value, dt.date):
        return _excel_year(value.year), value.month, value.day
    if isinstance(value, pd.Period):
        return _excel_year(value.year), value.month, None
    text = thai_to_arabic_digits(clean_text(value) or "")
    text = re.sub(r"^ณ\s*", "", text)
    if match := _ISO_DATE_RE.match(text):
        return _year_to_ce(match.group(1)), int(match.group(2)), int(match.group(3))
    if match := _ISO_MONTH_RE.match(text):
        return _year_to_ce(match.group(1)), int(match.group(2)), None
    if match := _SLASH_DATE_RE.match(text):
        return _year_to_ce(match.group(3)), int(match.group(2)), int(match.group(1))
    if match := _SLASH_MONTH_RE.match(text):
        return _year_to_ce(match.group(2)), int(match.group(1)), None
    if match := _THAI_DATE_RE.match(text):
        day = int(match.group(1)) if match.group(1) else None
        return _year_to_ce(match.group(3)), month_number(match.group(2)), day
    raise ThaiValueError("bad_value_not_a_date", raw=value)


def _excel_year(year: int) -> int:
    """A date Excel already holds: a BE year typed into a date cell is converted."""
    if BE_RANGE[0] <= year <= BE_RANGE[1]:
        return be_to_ce(year)
    return year


def parse_date(value: object) -> pd.Timestamp | None:
    """Read a date: ISO ``2024-10-01``, ``1 ต.ค. 2567``, ``30 ก.ย.61``, ``1/10/2567``.

    Years of 2400 and above, and two-digit years, are BE and converted before the date is
    built (``29 ก.พ. 2567`` → 2024-02-29). Returns a CE ``Timestamp``.
    """
    if is_missing(value):
        return None
    year, month, day = _split_date(value)
    if day is None:
        raise ThaiValueError("bad_value_day_missing", raw=value)
    return pd.Timestamp(_build_date(year, month, day, value))


def parse_month(value: object) -> pd.Period | None:
    """Read a month: ``2024-10``, ``ต.ค. 67``, ``ตุลาคม 2567``, or a full date (day dropped)."""
    if is_missing(value):
        return None
    year, month, day = _split_date(value)
    if day is not None:
        _build_date(year, month, day, value)
    if not 1 <= month <= 12:
        raise ThaiValueError("bad_value_no_such_month", month=month)
    return pd.Period(year=year, month=month, freq="M")


# ---------------------------------------------------------------- fiscal calendar


FISCAL_YEAR_START_MONTH = 10
"""The Thai government fiscal year starts on 1 October and is labelled by the BE year it ends in."""


def fiscal_year_of(year_ce: int, month: int) -> int:
    """BE fiscal year of a CE year and month: ``year + 543``, plus 1 from October.

    The one statement of the rule; :func:`fiscal_year`, :func:`fiscal_years` and the SQL of
    :mod:`planlib.loans.large_books` (which writes the same ``+ 543 + (month >= 10)``) follow it.
    """
    return year_ce + BE_OFFSET + (1 if month >= FISCAL_YEAR_START_MONTH else 0)


def fiscal_year(date: dt.date | pd.Timestamp | pd.Period) -> int:
    """BE fiscal year of a date: Oct–Sep, labelled by the BE year it ends in.

    >>> fiscal_year(pd.Timestamp("2024-10-01")), fiscal_year(pd.Timestamp("2024-09-30"))
    (2568, 2567)
    """
    return fiscal_year_of(date.year, date.month)


def fiscal_years(dates: object) -> np.ndarray:
    """BE fiscal year of each date, vectorised (:func:`fiscal_year_of` on whole columns)."""
    d = pd.to_datetime(pd.Series(dates))
    start = (d.dt.month >= FISCAL_YEAR_START_MONTH).astype("int64")
    return (d.dt.year + BE_OFFSET + start).to_numpy(dtype=np.int64)


def fiscal_quarter(date: dt.date | pd.Timestamp | pd.Period) -> int:
    """Fiscal quarter 1–4 of a date: Q1 = Oct–Dec, Q2 = Jan–Mar, Q3 = Apr–Jun, Q4 = Jul–Sep."""
    return (date.month - FISCAL_YEAR_START_MONTH) % 12 // 3 + 1


def fiscal_year_start(fy_be: int) -> pd.Timestamp:
    """First day of BE fiscal year ``fy_be``: 2568 → 2024-10-01."""
    return pd.Timestamp(be_to_ce(fy_be) - 1, FISCAL_YEAR_START_MONTH, 1)


def fiscal_year_end(fy_be: int) -> pd.Timestamp:
    """Last day of BE fiscal year ``fy_be``: the day before the next one starts (2568 → 2025-09-30)."""
    return fiscal_year_start(fy_be + 1) - pd.Timedelta(days=1)


def quarter_start(fy_be: int, quarter: int) -> pd.Timestamp:
    """First day of fiscal quarter ``quarter`` of BE fiscal year ``fy_be``."""
    quarter = check_quarter(quarter)
    return fiscal_year_start(fy_be) + pd.DateOffset(months=3 * (quarter - 1))


def quarter_end(fy_be: int, quarter: int) -> pd.Timestamp:
    """Last day of fiscal quarter ``quarter``: (2568, 2) → 2025-03-31."""
    return quarter_start(fy_be, quarter) + pd.DateOffset(months=3) - pd.Timedelta(days=1)


def fiscal_months(fy_be: int) -> pd.PeriodIndex:
    """The twelve months of a BE fiscal year, October first."""
    return pd.period_range(fiscal_year_start(fy_be), periods=12, freq="M")


FISCAL_YEAR_RANGE = (2540, 2700)
"""Fiscal years planlib accepts as a parameter (BE 2540 = Oct 1996 – Sep 1997 … 2700); :func:`check_fiscal_year`."""


def _whole_number(value: object) -> int | None:
    """``value`` as an int when it is one (``2568``, ``"2568"``, ``"๒๕๖๘"``, ``2568.0``), else None; never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = thai_to_arabic_digits(value.strip())
        return int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    return None


def check_fiscal_year(value: object) -> int:
    """A Buddhist-Era fiscal year as an int, or a :class:`ThaiValueError` saying what was meant.

    The one statement of the rule for a fiscal-year *parameter* (a report's ``--fy``, a function's
    ``fiscal_year``): a whole number (Thai digits allowed) in :data:`FISCAL_YEAR_RANGE`. A CE year
    (:data:`CE_RANGE`, e.g. 2025) is refused with the BE year it most likely means (CE + 543 = 2568);
    anything else names the accepted range.
    """
    year = _whole_number(value)
    if year is None:
        raise ThaiValueError("bad_value_fiscal_year", year=value)
    if FISCAL_YEAR_RANGE[0] <= year <= FISCAL_YEAR_RANGE[1]:
        return year
    if CE_RANGE[0] <= year <= CE_RANGE[1]:
        raise ThaiValueError("bad_value_ce_year", year=year, be=ce_to_be(year))
    raise ThaiValueError(
        "bad_value_be_year_implausible", year=year, low=FISCAL_YEAR_RANGE[0], high=FISCAL_YEAR_RANGE[1]
    )


def check_quarter(value: object) -> int:
    """A fiscal quarter as an int 1–4 (Q1 = Oct–Dec), or a :class:`ThaiValueError` naming the bad value.

    The one statement of the quarter rule: a whole number (``2``, ``"2"``, ``"๒"``) from 1 to 4.
    """
    quarter = _whole_number(value)
    if quarter not in (1, 2, 3, 4):
        raise ThaiValueError("bad_value_quarter", quarter=value)
    return quarter


# ---------------------------------------------------------------- display (BE)


def format_quarter(fy_be: int, quarter: int, *, thai_digits: bool = False) -> str:
    """``ไตรมาส 2/2568``."""
    quarter = check_quarter(quarter)
    text = f"ไตรมาส {quarter}/{fy_be}"
    return arabic_to_thai_digits(text) if thai_digits else text


def format_month(month: pd.Period | dt.date | pd.Timestamp, *, full: bool = False, year: bool = True) -> str:
    """Thai month label with a BE year: ``ต.ค. 67`` (or ``ตุลาคม 2567`` with ``full=True``)."""
    name = (THAI_MONTHS_FULL if full else THAI_MONTHS_ABBR)[month.month - 1]
    if not year:
        return name
    be = ce_to_be(month.year)
    return f"{name} {be}" if full else f"{name} {be % 100:02d}"


def format_date(date: dt.date | pd.Timestamp, *, full: bool = False) -> str:
    """``30 ก.ย. 2567`` (or ``30 กันยายน 2567``): day, Thai month, BE year."""
    name = (THAI_MONTHS_FULL if full else THAI_MONTHS_ABBR)[date.month - 1]
    return f"{date.day} {name} {ce_to_be(date.year)}"


def format_fiscal_year(fy_be: int) -> str:
    """``ปีงบประมาณ 2568``."""
    return f"ปีงบประมาณ {fy_be}"


def format_baht(amount: float | None, *, decimals: int = 0) -> str:
    """``1,234,567 บาท``; a missing amount gives ``–``."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    return f"{amount:,.{decimals}f} บาท"


# ---------------------------------------------------------------- PDF-extraction damage

_SARA_AM = "\u0e33"
_SARA_AA = "\u0e32"
_PLACEHOLDER = "\ue000"
_THAI_LETTERS = "\u0e01-\u0e4e"
_TONES = "\u0e48-\u0e4b"
_UPPER_VOWELS = "\u0e31\u0e34-\u0e37\u0e47"
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"


@dataclass(frozen=True)
class Damage:
    """How strongly a Thai text shows PDF-extraction damage (see seed-004 brief §7).

    ``bare_am_share`` is the share of sara am (ำ) among bare sara am + sara aa (า): correct
    Thai prose sits near 0.1–0.15, text whose font mapped า to ำ near 0.95.
    """

    bare_am: int
    bare_aa: int
    spaced_am: int
    tone_before_vowel: int
    space_before_mark: int
    spaced_aa: int = 0

    @property
    def bare_am_share(self) -> float:
        return self.bare_am / max(self.bare_am + self.bare_aa, 1)

    @property
    def damaged(self) -> bool:
        """Damaged when ``' ำ'`` or a tone mark before an upper vowel (both impossible in correct
        Thai) appears, or when at least three bare ำ outnumber the bare า (correct prose has
        about one ำ for every six า; two ำ in a short phrase such as ``กำหนดทำ`` is normal)."""
        return self.font_swapped or self.tone_before_vowel > 0 or self.spaced_aa > 0

    @property
    def font_swapped(self) -> bool:
        """The font mapped า to ำ: ``' ำ'`` appears, or bare ำ outnumber the bare า with at least
        three of them or with tone marks stored before upper vowels (the same font's other sign).

        ``' า'`` after a Thai letter (``ก าหนด``) is the other, clean-font form of a lost ำ: no Thai
        syllable starts with า, so it is damage too (``spaced_aa``), but it does not mean the
        text's bare ำ stand for า."""
        if self.spaced_am > 0:
            return True
        return self.bare_am_share > 0.5 and (self.bare_am >= 3 or self.tone_before_vowel > 0)


def detect_damage(text: str) -> Damage:
    """Count the signs of sara-am damage, inverted tone marks and spaces before marks."""
    return Damage(
        bare_am=len(re.findall(f"(?<! ){_SARA_AM}", text)),
        bare_aa=len(re.findall(f"(?<! ){_SARA_AA}", text)),
        spaced_am=text.count(" " + _SARA_AM),
        tone_before_vowel=len(re.findall(f"[{_TONES}][{_UPPER_VOWELS}]", text)),
        space_before_mark=len(re.findall(f"(?<=[{_THAI_LETTERS}]) +[{_MARKS}]", text)),
        spaced_aa=len(re.findall(f"(?<=[{_THAI_LETTERS}]) {_SARA_AA}", text)),
    )


def repair_damage(text: str) -> str:
    """Undo sara-am confusion, inverted tone marks and spaces before combining marks.

    Only call it on text that :func:`detect_damage` flags: on clean Thai the sara-am rule
    would turn every ำ into า. It is therefore guarded here and returns clean text unchanged.
    Rules, in order (seed-004 brief §7.2): when the font swapped the vowels
    (:attr:`Damage.font_swapped`), ``' ำ'`` → ``ำ`` and bare ``ำ`` → ``า``; then ``<Thai> า``
    → ``ำ`` (clean font runs); tone mark before an upper vowel → after it; spaces before a
    combining mark → after it. Displaced marks and justification spaces are not touched.
    """
    damage = detect_damage(text)
    if not damage.damaged:
        return text
    fixed = text
    if damage.font_swapped:
        fixed = fixed.replace(" " + _SARA_AM, _PLACEHOLDER).replace(_SARA_AM, _SARA_AA)
    fixed = re.sub(f"(?<=[{_THAI_LETTERS}]) {_SARA_AA}", _PLACEHOLDER, fixed)
    fixed = fixed.replace(_PLACEHOLDER, _SARA_AM)
    fixed = re.sub(f"([{_TONES}])([{_UPPER_VOWELS}])", r"\2\1", fixed)
    fixed = re.sub(f"(?<=[{_THAI_LETTERS}]) +([{_MARKS}]+)", r"\1 ", fixed)
    return re.sub(r" +$", "", fixed)


# ---------------------------------------------------------------- display width


def display_width(text: str) -> int:
    """Columns a text takes on screen or in a chart label: Thai above/below marks (Unicode Mn) take none.

    ``display_width("น้ำหนัก") == 5``: the tone mark ้ and the vowel mark ั sit on their consonants.
    The one definition used by the CLI table, chart labels and SWOT text wrapping.
    """
    return sum(0 if unicodedata.category(ch) == "Mn" else 1 for ch in text)
