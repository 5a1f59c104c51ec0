"""The domain's value types, each defined once: statuses, lights, the supervision ladder, file
outcomes, submission states, the month, and the one test of a missing value.

The words are the Chinese the office reads (SPEC §3, §6–§8) and stay plain ``str``: the ledger,
the audit records, the frames and every output hold them as text, so each class below is the
namespace of one vocabulary, with the groups its rules need (which statuses are open, which
are done). Compare and build with these names; never spell the words out elsewhere (the
message catalogue ``pipeline/messages.py`` and ``pipeline/data/vocab.toml`` aside).

``Month`` is the type for code that computes with months; where a month is stored (the ledger,
audit records, DataFrame values, folder names) it stays ``YYYY-MM`` text, which ``str(month)``
gives and ``Month.parse`` reads.

This module imports nothing heavy: everything imports it, the CLI's ``--help`` included.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Final


class ProblemStatus:
    """完成状态 of a problem (SPEC §3): open ones can go red, 已完成 is green and closes the
    problem, 长期坚持 never has a light."""

    NOT_STARTED: Final = "未启动"
    IN_PROGRESS: Final = "整改中"
    DONE: Final = "已完成"
    LONG_TERM: Final = "长期坚持"
    ALL: Final = (NOT_STARTED, IN_PROGRESS, DONE, LONG_TERM)  # template order
    OPEN: Final = (NOT_STARTED, IN_PROGRESS)  # may go red
    NO_LIGHT: Final = (LONG_TERM,)  # never a light, never overdue


# 完成时限 of a problem without a deadline: the same word as the status, and never overdue.
LONG_TERM: Final = ProblemStatus.LONG_TERM


class MatterStatus:
    """办理状态 of an assigned matter (交办事项): open ones can go red, 已办结 closes it."""

    NOT_STARTED: Final = "未启动"
    IN_PROGRESS: Final = "办理中"
    DONE: Final = "已办结"
    ALL: Final = (NOT_STARTED, IN_PROGRESS, DONE)
    OPEN: Final = (NOT_STARTED, IN_PROGRESS)


class Light:
    """灯色 of an item at the as-of date (SPEC §6); ``NONE`` (an empty cell) for 长期坚持."""

    RED: Final = "红灯"
    YELLOW: Final = "黄灯"
    GREEN: Final = "绿灯"
    NONE: Final = ""
    ALL: Final = (RED, YELLOW, GREEN)  # the lights there are (NONE is none)


class Ladder:
    """督办等级, the supervision ladder (三色督办, SPEC §6) by 督办次数: 1 蓝色, 2 橙色, from
    ``escalate_after`` 红色 (and 移交纪委)."""

    BLUE: Final = "蓝色督办"
    ORANGE: Final = "橙色督办"
    RED: Final = "红色督办"
    ALL: Final = (BLUE, ORANGE, RED)  # mildest first

    @staticmethod
    def level(count: int, escalate_after: int) -> str:
        """The level of an item supervised ``count`` times ("" when never)."""
        if count <= 0:
            return ""
        if count >= escalate_after:
            return Ladder.RED
        return Ladder.BLUE if count == 1 else Ladder.ORANGE


class YesNo:
    """是 / 否: the 移交纪委 column, and any yes-or-no cell of an output."""

    YES: Final = "是"
    NO: Final = "否"

    @staticmethod
    def of(flag: object) -> str:
        return YesNo.YES if flag else YesNo.NO


class Signal:
    """The kinds of 形式主义提示 (pipeline/formality.py): each hint's 提示类型, and the first part of
    its 提示编号 (``空话:HX-003``)."""

    COPY: Final = "雷同"  # a problem (nearly) another unit's
    LIST: Final = "清单雷同"  # two units' lists mostly the same
    EMPTY: Final = "空话"  # a 具体问题 of generic phrases only
    ECHO: Final = "措施照搬问题"  # a measure restating its problem
    STALE: Final = "进展未更新"  # a 整改进展 saying nothing new, report after report
    ALL: Final = (COPY, LIST, EMPTY, ECHO, STALE)


class Outcome:
    """结果 of a file the office received (the audit log's outcome, 校验结果), and the audit
    log's two events that are no file of their own."""

    PASSED: Final = "通过"
    RETURNED: Final = "退回"  # returned whole for the unit to fix (退回修改)
    DUPLICATE: Final = "重复"  # the same content was received before
    WORK_SUMMARY: Final = "总结"  # a unit's 工作总结 in the summary month: archived, not checked
    REGISTER: Final = "交办清单"  # the office's own list of assigned matters (交办事项.xlsx)
    CLEARED: Final = "提示核实"  # the office's list of 形式主义提示 checked and cleared (已核实提示.toml)
    NOT_TAKEN: Final = "未处理"  # 校验结果 only: lying in the inbox, never read (links, pipes…)
    REGISTERED: Final = "收件登记"  # event: received times registered (make receive)
    STATED: Final = "更正接收时间"  # event: a received time the clerk stated (make received)
    EVENTS: Final = (REGISTERED, STATED)


class SubmissionState:
    """报送状态 of a unit in a month (SPEC §6), and of its 工作总结 (no 退回 there)."""

    ON_TIME: Final = "按时"
    LATE: Final = "逾期"
    RETURNED: Final = "退回"  # only returned files this month
    MISSING: Final = "未报送"
    ALL: Final = (ON_TIME, LATE, RETURNED, MISSING)  # the order every table shows


class RatingLevel:
    """评议等次: how a village or community rates a town department it dealt with (seed 五（三）,
    办事效率评议); 未办理事项 when it had no dealings with it that period (not a rating)."""

    SATISFIED: Final = "满意"
    FAIRLY: Final = "基本满意"
    UNSATISFIED: Final = "不满意"
    NO_DEALINGS: Final = "未办理事项"
    ALL: Final = (SATISFIED, FAIRLY, UNSATISFIED, NO_DEALINGS)  # the drop-down's order
    RATED: Final = (SATISFIED, FAIRLY, UNSATISFIED)  # what 满意率 counts over
    CONTENT: Final = (SATISFIED, FAIRLY)  # 满意率's numerator


class RatingReason:
    """不满意原因: the four troubles of the 办事难 campaign (seed 三（五）3), or another."""

    HARD_TO_FIND: Final = "人难找"
    HARD_TO_ENTER: Final = "门难进"
    HARD_TO_GET_DONE: Final = "事难办"
    BACK_AND_FORTH: Final = "来回跑"
    OTHER: Final = "其他"
    ALL: Final = (HARD_TO_FIND, HARD_TO_ENTER, HARD_TO_GET_DONE, BACK_AND_FORTH, OTHER)


_QUARTERS = "一二三四"


def rating_period_text(period: str) -> str:
    """A rating period as a clerk reads it: ``2022-05`` -> 2022年5月, ``2022Q2`` -> 2022年第二季度."""
    if "Q" in period:
        year, quarter = period.split("Q")
        return f"{int(year)}年第{_QUARTERS[int(quarter) - 1]}季度"
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"


# 报送状态 with no accepted submission in the month (连续两月未报送 counts these).
MISSING_STATUSES: Final = (SubmissionState.MISSING, SubmissionState.RETURNED)


_MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month: ordered, hashable, ``YYYY-MM`` as text (``str(month)``)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.year <= 9999 and 1 <= self.month <= 12):
            raise ValueError(f"no such month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """The month of ``YYYY-MM`` text (ASCII digits, nothing around them); ``ValueError`` else."""
        found = _MONTH_TEXT.fullmatch(text) if isinstance(text, str) else None
        if found is None:
            raise ValueError(f"not a YYYY-MM month: {text!r}")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def valid(cls, text: str) -> bool:
        """Whether ``text`` is a month as ``parse`` reads it."""
        try:
            cls.parse(text)
        except ValueError:
            return False
        return True

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month ``day`` falls in."""
        return cls(day.year, day.month)

    @classmethod
    def span(cls, first: Month, last: Month) -> list[Month]:
        """Every month from ``first`` to ``last``, both included (none when ``last`` is earlier)."""
        out: list[Month] = []
        month = first
        while month <= last:
            out.append(month)
            month = month.next
        return out

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def text(self) -> str:
        """``2022-04``: the month as it is stored."""
        return str(self)

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        if self.month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month + 1, 1) - dt.timedelta(days=1)

    def day(self, number: int) -> dt.date:
        """Day ``number`` of the month, or its last day when the month is shorter (the 31st of
        April is the 30th)."""
        return dt.date(self.year, self.month, min(number, self.last_day.day))

    @property
    def label(self) -> str:
        """``2022年4月``."""
        return f"{self.year}年{self.month}月"

    @property
    def short_label(self) -> str:
        """``4月``: where the year goes without saying."""
        return f"{self.month}月"


def is_missing(value: Any) -> bool:
    """Whether ``value`` is no value at all, however it is spelled: ``None``, a NaN (Python's,
    numpy's), pandas' ``NA`` and ``NaT``, numpy's ``NaT``. Text, even empty, is a value: use
    ``is_blank`` where empty text counts as nothing too."""
    if value is None:
        return True
    if isinstance(value, float):  # numpy's float64 too
        return math.isnan(value)
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is dt.date or kind is dt.datetime:
        return False
    import pandas as pd  # only for the values pandas makes (NA, NaT, numpy scalars): loaded already

    return bool(pd.api.types.is_scalar(value) and pd.isna(value))  # a container is no missing value


def is_blank(value: Any) -> bool:
    """Whether a cell holds nothing a person wrote: a missing value (``is_missing``), or text that
    is empty or only spaces and line breaks (full-width and no-break spaces included)."""
    if isinstance(value, str):
        return not value.strip()
    return is_missing(value)


def is_true(value: Any) -> bool:
    """Whether a yes-or-no value says yes: ``True``, numpy's ``True``, or the text ``True`` (a flag
    read back as text). Anything else is no: ``False``, a missing value (a flag column widened
    with NaN), any other text."""
    return value is True or str(value) == "True"
