"""What a monthly run hands to the renderers: one month's figures, computed once.

``aggregate`` builds a ``MonthReport`` from the ledger; ``render`` only formats it. The frames'
column names are the Chinese names the outputs show (SPEC §7), so a renderer never renames.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.config import Campaign
from pipeline.formality import Findings
from pipeline.kinds import PROBLEM, LedgerKind
from pipeline.model import Ladder, Light, Month, ProblemStatus, RatingLevel, RatingReason, YesNo, is_missing, is_true

# 问题总台账: the columns SPEC §7 names, in this order (the problem kind's ledger sheet), then
# extras renderers may use.
LEDGER_COLUMNS: tuple[str, ...] = PROBLEM.ledger_columns
LEDGER_EXTRA: tuple[str, ...] = (
    "单位编码",
    "备注",
    "逾期工作日",  # working days overdue by China's official calendar
    "工作日估算",  # True where the calendar does not know the year (Mon-Fri estimate)
    "督办等级",  # 蓝色督办 / 橙色督办 / 红色督办 / ""
)
# The counts every statistics table shows (by unit, category, special campaign, month): the
# problems in each status, the completion rate, the red and yellow lights.
COUNT_COLUMNS: tuple[str, ...] = (
    "问题数",
    ProblemStatus.DONE,
    ProblemStatus.IN_PROGRESS,
    ProblemStatus.NOT_STARTED,
    ProblemStatus.LONG_TERM,
    "完成率",
    Light.RED,
    Light.YELLOW,
)
UNIT_COLUMNS: tuple[str, ...] = (
    "排名",
    "单位",
    "单位编码",
    "类型",
    "报送状态",
    *COUNT_COLUMNS,  # 完成率: float 0..1, NaN when the unit has no problem with a completion target
    "较上月",  # completion-rate change against last month, in percentage points (NaN if none)
)
UNIT_EXTRA: tuple[str, ...] = (
    "红灯较上月",  # change in the number of red items against last month's run (NaN if none)
    "上月排名",  # last month's rank (NaN when last month had no run)
)
CATEGORY_COLUMNS: tuple[str, ...] = (
    "问题类别",
    "专项治理",  # bool
    "牵头部门",
    *COUNT_COLUMNS,
)
# 牵头部门 of a special campaign whose lead departments campaign.toml does not name ([leads])
LEADS_UNSET = "未设置"
# 专项治理 (the seed's three special campaigns): the same counts, with the lead departments.
CAMPAIGN_COLUMNS: tuple[str, ...] = (
    "专项治理",
    "牵头部门",
    "涉及单位",  # number of units with at least one problem in the campaign
    *COUNT_COLUMNS,
)
SUBMISSION_COLUMNS: tuple[str, ...] = (
    "单位",
    "单位编码",
    "类型",
    "报送状态",  # 按时 / 逾期 / 退回 / 未报送
    "报送时间",
    "截止日期",
    "文件数",
)
SUBMISSION_EXTRA: tuple[str, ...] = (
    "接收时间依据",  # where 报送时间 came from: 文件修改时间, 收件登记, 人工更正… (pipeline/receipts.py)
    "上月报送状态",  # "" when last month had no run
    "连续两月未报送",  # bool: nothing accepted (未报送 or 退回) this month and last month
)
VALIDATION_COLUMNS: tuple[str, ...] = ("文件名", "填报单位", "结果", "说明", "接收时间", "错误数", "提醒数")
# One row per (item, assigned unit) of a kind the office assigns (交办事项): the unit's own flags.
PAIR_COLUMNS: tuple[str, ...] = (
    "编号",
    "单位编码",
    "填报单位",
    "事项内容",
    "交办领导",
    "交办日期",
    "办理时限",
    "办理进展",
    "办理状态",
    "办结日期",
    "灯色",
    "逾期天数",
    "逾期工作日",
    "工作日估算",
    "督办次数",
    "督办等级",
    "移交纪委",
)


PAIR_FLAGS: tuple[str, ...] = PAIR_COLUMNS[PAIR_COLUMNS.index("灯色") :]


def record_columns(kind: LedgerKind) -> tuple[str, ...]:
    """The columns of the office's record of an item of a kind it assigns, as ``Store.state``
    shows them (its register's columns but the id and 承办单位)."""
    assert kind.register is not None
    return tuple(c for c in kind.register.columns if c not in (kind.id_column, "承办单位"))


def pair_columns(kind: LedgerKind) -> tuple[str, ...]:
    """``ItemLedger.pairs``' columns for ``kind``: the id, the unit, the office's record, the
    unit's progress, status and done date, the flags (``PAIR_COLUMNS`` for the 交办事项)."""
    own = (kind.progress_column, kind.status_column, kind.done_column)
    record = tuple(c for c in record_columns(kind) if c not in own)
    return (kind.id_column, "单位编码", "填报单位", *record, *own, *PAIR_FLAGS)


@dataclass(frozen=True)
class ItemLedger:
    """The month's ledger of a kind the office assigns (pipeline/kinds.py): ``items`` one row per
    item (the kind's ``ledger_columns``, then 承办单位数, 已办结单位数), ``pairs`` one row per (item,
    unit) (``PAIR_COLUMNS``)."""

    kind: LedgerKind
    items: pd.DataFrame
    pairs: pd.DataFrame

    def red_pairs(self, unit_name: str | None = None) -> pd.DataFrame:
        """The red (item, unit) pairs, most supervised first; of one unit when named."""
        red = self.pairs[self.pairs["灯色"] == Light.RED]
        if unit_name is not None:
            red = red[red["填报单位"] == unit_name]
        return red.sort_values(["督办次数", "逾期天数", "编号"], ascending=[False, False, True])

    @property
    def escalated(self) -> pd.DataFrame:
        esc = self.pairs[self.pairs["移交纪委"] == YesNo.YES]
        return esc.sort_values(["编号", "填报单位"])

    @property
    def open_pairs(self) -> pd.DataFrame:
        """The (item, unit) pairs a unit has not finished: next month's template lists them."""
        return self.pairs[self.pairs[self.kind.status_column] != self.kind.done_status]

    @property
    def finished_late(self) -> int:
        """How many finished items were finished after their deadline."""
        kind = self.kind
        done = self.items[self.items[kind.status_column] == kind.done_status]
        return sum(
            1
            for finished, deadline in zip(done[kind.done_column], done[kind.deadline_column], strict=True)
            if (f := as_date(finished)) and (d := as_date(deadline)) and f > d
        )


def highest_level(levels: Iterable[str]) -> str:
    """The highest of the ladder's ``levels`` (蓝色督办 when none is a level): the level of a unit's
    督办通知单, which presses all its red items at once."""
    ranks = [Ladder.ALL.index(level) for level in levels if level in Ladder.ALL]
    return Ladder.ALL[max(ranks)] if ranks else Ladder.BLUE


def as_date(value: object) -> dt.date | None:
    """A date from a ledger cell (date, date-time or Timestamp); None for anything else."""
    if isinstance(value, pd.Timestamp):
        return None if is_missing(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


# 办事效率评议 (issue #19): per department of the roster, for the month's rating period.
RATING_COLUMNS: tuple[str, ...] = (
    "部门编码",
    "部门",
    "应评单位数",  # the raters of the roster
    "已评单位数",  # the raters whose accepted file rated the department (未办理事项 included)
    *RatingLevel.ALL,
    "满意率",  # (满意 + 基本满意) / (满意 + 基本满意 + 不满意); NaN when nobody rated it
    *RatingReason.ALL,  # each reason of its 不满意 ratings, counted
    "未返回评议",  # the raters that did not rate it, joined 、 (for the office only)
    "排名",  # by 满意率, competition ranking; None without a rate
)


@dataclass(frozen=True)
class RatingReport:
    """The month's rating period counted: per department, and its 满意率 across the periods so far."""

    period: str  # 2022-05 or 2022Q2
    label: str  # 2022年5月 or 2022年第二季度
    threshold: float  # campaign.rating.threshold, in percent: a 满意率 below it is named
    raters: int  # the raters of the roster
    rated: int  # the raters whose accepted file carried a rating for the period
    departments: pd.DataFrame  # RATING_COLUMNS, one row per department, roster order
    trend: pd.DataFrame  # 部门编码, 部门, then one 满意率 column per period label so far

    @property
    def below(self) -> pd.DataFrame:
        """The departments whose 满意率 is below the threshold (亮相揭丑), lowest first: the rate
        as the circular prints it (one decimal of a percent), so a department shown at 80.0% is
        never said to be below 80%."""
        frame = self.departments
        rates = pd.to_numeric(frame["满意率"], errors="coerce")
        low = frame[rates.notna() & ((rates * 100).round(1) < self.threshold)]
        return low.assign(_rate=rates[low.index]).sort_values(["_rate"], kind="stable").drop(columns="_rate")


@dataclass(frozen=True)
class MonthReport:
    campaign: Campaign
    month: str  # YYYY-MM
    as_of: dt.date
    doc_number: int  # the circular's number in the year, stored and never reused
    problems: pd.DataFrame  # LEDGER_COLUMNS + LEDGER_EXTRA, one row per problem
    units: pd.DataFrame  # UNIT_COLUMNS + UNIT_EXTRA, one row per roster unit, ranked
    categories: pd.DataFrame  # CATEGORY_COLUMNS, one row per category (seven)
    submissions: pd.DataFrame  # SUBMISSION_COLUMNS + SUBMISSION_EXTRA, one row per roster unit
    validation: pd.DataFrame  # VALIDATION_COLUMNS, one row per file this month took
    previous_month: str | None = None
    notes: dict[str, object] = field(default_factory=dict)
    campaigns: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CAMPAIGN_COLUMNS)))
    reply_by: dt.date | None = None  # a supervision notice's reply-by date: reply_workdays after as_of
    reply_by_estimated: bool = False  # the calendar did not know the year: Monday-Friday estimate
    # town-wide completion rate of the previous month (NaN when none): the 通报's 合计 较上月
    previous_rate: float = math.nan
    # the ledgers of other kinds (kind name -> ledger), e.g. the assigned matters (交办事项)
    ledgers: dict[str, ItemLedger] = field(default_factory=dict)
    # the 办事效率评议 of the month's rating period (None: no rating this month)
    rating: RatingReport | None = None
    # the month's 形式主义提示: copied lists and empty words (pipeline/formality.py)
    formality: Findings = field(default_factory=Findings)

    @property
    def doc_no_text(self) -> str:
        """发文字号, e.g. ``x作整办〔2022〕5号``."""
        return f"{self.campaign.doc_prefix}〔{self.as_of.year}〕{self.doc_number}号"

    @property
    def month_label(self) -> str:
        """``2022年4月``."""
        return Month.parse(self.month).label

    @property
    def overdue(self) -> pd.DataFrame:
        """The red items, most overdue first."""
        red = self.problems[self.problems["灯色"] == Light.RED]
        return red.sort_values(["督办次数", "逾期天数", "问题编号"], ascending=[False, False, True])

    @property
    def workdays_estimated(self) -> bool:
        """Some 逾期工作日 figure is a Monday-Friday estimate (a year the calendar does not know)."""
        if "工作日估算" not in self.problems.columns:
            return False
        return bool(self.problems["工作日估算"].map(is_true).any())

    @property
    def missing_twice(self) -> list[str]:
        """Units with nothing accepted this month and last month (未报送 or 退回 both times)."""
        subs = self.submissions
        if "连续两月未报送" not in subs.columns:
            return []
        flagged = subs["连续两月未报送"].map(is_true)
        return [str(n) for n in subs.loc[flagged, "单位"]]

    @property
    def escalated(self) -> pd.DataFrame:
        esc = self.problems[self.problems["移交纪委"] == YesNo.YES]
        return esc.sort_values(["填报单位", "问题编号"])

    @functools.cached_property
    def totals(self) -> dict[str, Any]:
        """The whole town's ``COUNT_COLUMNS`` (the problems in each status, 完成率, 红灯, 黄灯), by
        the one counting rule (``aggregate.counts``): the 通报's 合计."""
        from pipeline.aggregate import counts  # aggregate makes this report: imported when asked

        return counts(self.problems)

    @functools.cached_property
    def roster_order(self) -> dict[str, int]:
        """Unit name -> its place in the roster (units the roster lacks after it, as the table has them)."""
        order = {u.name: i for i, u in enumerate(self.campaign.units)}
        for name in self.units.get("单位", pd.Series(dtype=object)):
            order.setdefault(str(name), len(order))
        return order

    @property
    def ranked_units(self) -> pd.DataFrame:
        """``units`` in the order of their 排名, the roster's within a place; a unit with nothing to
        complete (no 完成率) takes no place: its 排名 is NaN."""
        units = self.units
        if units.empty:
            return units
        order = self.roster_order
        ranked = units.assign(
            _r=pd.to_numeric(units["排名"], errors="coerce"),
            _o=units["单位"].map(lambda n: order.get(str(n), len(order))),
        ).sort_values(["_r", "_o"], na_position="last", kind="stable")
        ranked["排名"] = ranked["_r"].where(pd.to_numeric(ranked["完成率"], errors="coerce").notna())
        return ranked.drop(columns=["_r", "_o"])

    @property
    def red_units(self) -> set[str]:
        """The units with red items of any kind: the units a 督办通知单 goes to."""
        names = set(self.problems.loc[self.problems["灯色"] == Light.RED, "填报单位"])
        for ledger in self.ledgers.values():  # units with red assigned matters are pressed too
            names |= set(ledger.red_pairs()["填报单位"])
        return {str(n) for n in names}

    def items_of(self, kind: LedgerKind) -> pd.DataFrame | None:
        """The ledger of ``kind`` as its 总台账 sheet shows it (None when the month has none)."""
        if kind is PROBLEM:
            return self.problems
        ledger = self.ledgers.get(kind.name)
        return None if ledger is None else ledger.items
