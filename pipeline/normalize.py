"""Turn the cells units really write into canonical values (SPEC §3).

Each normaliser returns the canonical value, or an ``Invalid``: a catalogue code and the cell's
own value, so the pandera schema downstream reports it with the reason and the value quoted.
Empty cells become ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pipeline.model import LONG_TERM, Month, is_blank
from pipeline.vocab import Vocabulary, fold

_LONG_TERM_WORDS = {LONG_TERM, "长期", "常态化", "持续推进", "长期坚持整改", "常态化推进", "持续"}
_IMMEDIATE_WORDS = {"即知即改", "立行立改", "立即整改", "立即", "立查立改", "即查即改"}
_YEAR_END_WORDS = {"年底前", "年内", "年底", "年末", "年底之前", "本年度内", "年度内", "12月底前", "今年底"}
_HALF_WORDS = {"上半年", "上半年内", "上半年前", "6月底前"}
_SECOND_HALF_WORDS = {"下半年", "下半年内"}
_EXCEL_SERIAL = (40000, 60000)  # 2009-07-06 .. 2064-04-09: plain numbers in this range are dates

_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$")
_MONTH_PART = re.compile(r"^(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(底|末|份|上旬|中旬|下旬|内|)$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_SUFFIX = re.compile(r"(?:之前|以前|前|止)$")
_RANGE = re.compile(r"[-~～至到—]+")
_BARE_NUMBER = re.compile(r"^\d{1,2}\.\d{1,2}$")  # "4.30" typed as text: the same trap as the number 4.3


@dataclass(frozen=True)
class Invalid:
    """A cell that could not be read: the catalogue ``code`` saying why, and the ``value`` as written;
    ``params`` are what the message needs besides (the bound a date broke, say)."""

    code: str
    value: Any
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error value (``#DIV/0!``, ``#REF!``, ``#N/A`` …): a formula that
    failed, not something the unit typed. The readers return such cells as empty (xlsx, xls), as
    a number (an .ods formula result) or not at all; ``ingest`` puts this in their place."""

    text: str

    def __str__(self) -> str:
        return self.text


EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


@dataclass(frozen=True)
class ExcelDate:
    """A date-formatted cell whose serial number no reader turns into a real date: Excel's
    1900-02-29 (serial 60, a day that never was), the days before it, zero and negative serials
    (Excel shows ``########``), and times of day. The readers give these as 1900-02-28 or
    00:00:00; ``ingest`` puts the serial here, so a message quotes the cell as Excel shows it."""

    serial: float

    def __str__(self) -> str:
        serial = self.serial
        if serial < 0 or serial == 0:
            return _number_text(serial)
        day, fraction = divmod(serial, 1)
        clock = ""
        if fraction:
            minutes = round(fraction * 24 * 60)
            clock = f"{minutes // 60:02d}:{minutes % 60:02d}"
        if day == 0:
            return clock
        if day == 60:
            shown = "1900-02-29"
        else:
            shown = (dt.date(1899, 12, 31) + dt.timedelta(days=int(day) - (day > 60))).isoformat()
        return f"{shown} {clock}" if clock else shown


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


DATE_YEARS_AHEAD = 2  # a date may fall up to this many years after the campaign's year


def date_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day a date of a ``year`` campaign may be (``date-too-early``/``-late``).

    A campaign lasts one year (整改落实 ends in October); a problem that truly takes longer is
    written 长期坚持, and a deadline past the 整改落实 phase is reported (``deadline-after-phase``).
    So a date before the campaign's year, or more than ``DATE_YEARS_AHEAD`` years after it, is a
    mistyped year (2202 or 2032 for 2022, Excel's serial 60 read as 1900-02-28), never a plan;
    two years leave room for a project planned over the next year or two ("2024年12月底")."""
    return dt.date(year, 1, 1), dt.date(year + DATE_YEARS_AHEAD, 12, 31)


def in_campaign_range(day: dt.date, value: Any, year: int) -> Any:
    """``day`` when it lies in ``date_bounds(year)``, else an ``Invalid`` quoting ``value``."""
    first, last = date_bounds(year)
    if day < first:
        return Invalid("date-too-early", value, (("year", year),))
    if day > last:
        return Invalid("date-too-late", value, (("year", year), ("latest", last.year)))
    return day


def parse_date(value: Any, year: int, immediate: dt.date | None, allow_long_term: bool) -> Any:
    """A ``date``, ``LONG_TERM``, ``None`` for empty, or an ``Invalid`` quoting the cell.

    ``immediate`` is the date 即知即改/立行立改 stand for (the 填报日期 of the header block, else
    the received date); ``allow_long_term`` is true for 完成时限 (no deadline) and false for
    完成日期, where 长期坚持 is no date. A date outside ``date_bounds(year)`` is an ``Invalid``
    (``date-too-early``, ``date-too-late``) quoting the cell as written.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return in_campaign_range(value.date(), value, year)
    if isinstance(value, dt.date):
        return in_campaign_range(value, value, year)
    if isinstance(value, ExcelDate):  # Excel's own dates before 1900-03-01, zero, negative, a time
        return (
            Invalid("date-too-early", value, (("year", year),)) if value.serial >= 1 else Invalid("date-invalid", value)
        )
    if isinstance(value, bool):
        return Invalid("date-invalid", value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and _EXCEL_SERIAL[0] <= value <= _EXCEL_SERIAL[1]:
            return in_campaign_range(dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), value, year)
        return Invalid("date-number", value)  # a bare number such as 4.3 (Excel's "4.30") is no date
    if not isinstance(value, str):
        return Invalid("date-invalid", value)
    text = fold(value).replace(" ", "")
    if not allow_long_term and text in _LONG_TERM_WORDS:
        return Invalid("date-long-term-done", value)
    if _BARE_NUMBER.match(text):
        return Invalid("date-number", value)
    parsed = _parse_text(text, year, immediate, allow_long_term)
    if parsed is None:
        return Invalid("date-invalid", value)
    if isinstance(parsed, dt.date) and text not in _IMMEDIATE_WORDS:  # 即知即改 is the day given, not typed
        return in_campaign_range(parsed, value, year)
    return parsed


def _parse_text(text: str, year: int, immediate: dt.date | None, allow_long_term: bool) -> dt.date | str | None:
    if text in _LONG_TERM_WORDS:
        return LONG_TERM if allow_long_term else None
    if text in _IMMEDIATE_WORDS:
        return immediate
    if text in _YEAR_END_WORDS:
        return dt.date(year, 12, 31)
    if text in _HALF_WORDS:
        return dt.date(year, 6, 30)
    if text in _SECOND_HALF_WORDS:
        return dt.date(year, 12, 31)
    bare = _SUFFIX.sub("", text)
    if bare != text and bare in _YEAR_END_WORDS | {"年底", "年末"}:
        return dt.date(year, 12, 31)
    if m := _FULL.match(bare):
        return _date_or_none(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.match(bare):
        return _date_or_none(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH_DAY.match(bare):
        return _date_or_none(year, int(m[1]), int(m[2]))
    if m := _MONTH_PART.match(bare):
        y, month = int(m[1] or year), int(m[2])
        if not 1 <= month <= 12:
            return None
        part = m[3]
        if part == "上旬":
            return dt.date(y, month, 10)
        if part == "中旬":
            return dt.date(y, month, 20)
        return Month(y, month).last_day
    if m := _YEAR_MONTH.match(bare):
        y, month = int(m[1]), int(m[2])
        return Month(y, month).last_day if 1 <= month <= 12 else None
    parts = [p for p in _RANGE.split(bare) if p]
    if len(parts) == 2 and not _FULL.match(bare):
        # "4月-6月", "2022年4月至6月底": the period ends with the second part
        end = parts[1]
        if "年" not in end and (ym := re.match(r"^(\d{4})年", parts[0])):
            end = f"{ym[1]}年{end}"
        return _parse_text(end, year, immediate, False) if end != text else None
    return None


def parse_choice(value: Any, lookup: dict[str, str | None], code: str) -> Any:
    """Canonical name via a prepared ``lookup`` (text -> canonical or None); else ``Invalid(code)``."""
    if is_blank(value):
        return None
    hit = lookup.get(str(value).strip())
    return hit if hit is not None else Invalid(code, value)


def parse_category(value: Any, vocab: Vocabulary) -> Any:
    """One 问题类别 cell: a canonical category, ``None`` for empty, or ``Invalid``."""
    return parse_choice(value, category_lookup([value], vocab), "category-invalid")


def parse_status(value: Any, vocab: Vocabulary) -> Any:
    """One 完成状态 cell: a canonical status, ``None`` for empty, or ``Invalid``."""
    return parse_choice(value, status_lookup([value], vocab), "status-invalid")


def category_lookup(values: list[Any], vocab: Vocabulary) -> dict[str, str | None]:
    return {t: vocab.category(t) for t in {str(v).strip() for v in values if v is not None}}


def status_lookup(values: list[Any], vocab: Vocabulary) -> dict[str, str | None]:
    return {t: vocab.status(t) for t in {str(v).strip() for v in values if v is not None}}


def parse_day(text: str, year: int) -> dt.date | None:
    """A header-block date such as 填报日期：2022年3月18日."""
    if not text:
        return None
    result = _parse_text(fold(text).replace(" ", ""), year, None, False)
    return result if isinstance(result, dt.date) else None


def text_value(value: Any) -> str | None:
    """Free text as written, trimmed; numbers shown as a person would write them."""
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip(" \t\r\n\u3000\u00a0")
    return text or None
