"""Turn the cells units really write into canonical values (SPEC §3).

Each normaliser returns the canonical value, or an ``Invalid``: a catalogue code and the cell's
own value, so the pandera schema downstream reports it with the reason and the value quoted.
Empty cells become ``None``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pipeline.vocab import Vocabulary, fold

LONG_TERM = "长期坚持"
_LONG_TERM_WORDS = {"长期坚持", "长期", "常态化", "持续推进", "长期坚持整改", "常态化推进", "持续"}
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
    """A cell that could not be read: the catalogue ``code`` saying why, and the ``value`` as written."""

    code: str
    value: Any

    def __str__(self) -> str:
        return str(self.value)


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: Any, year: int, immediate: dt.date | None, allow_long_term: bool) -> Any:
    """A ``date``, ``LONG_TERM``, ``None`` for empty, or an ``Invalid`` quoting the cell.

    ``immediate`` is the date 即知即改/立行立改 stand for (the 填报日期 of the header block, else
    the received date); ``allow_long_term`` is true for 完成时限 (no deadline) and false for
    完成日期, where 长期坚持 is no date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return Invalid("date-invalid", value)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and _EXCEL_SERIAL[0] <= value <= _EXCEL_SERIAL[1]:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return Invalid("date-number", value)  # a bare number such as 4.3 (Excel's "4.30") is no date
    if not isinstance(value, str):
        return Invalid("date-invalid", value)
    text = fold(value).replace(" ", "")
    if not allow_long_term and text in _LONG_TERM_WORDS:
        return Invalid("date-long-term-done", value)
    if _BARE_NUMBER.match(text):
        return Invalid("date-number", value)
    parsed = _parse_text(text, year, immediate, allow_long_term)
    return Invalid("date-invalid", value) if parsed is None else parsed


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
        return _last_day(y, month)
    if m := _YEAR_MONTH.match(bare):
        y, month = int(m[1]), int(m[2])
        return _last_day(y, month) if 1 <= month <= 12 else None
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
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    hit = lookup.get(text)
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
