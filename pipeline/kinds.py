"""Ledger kinds: what a table the pipeline carries is, declared once (SPEC §3, seed 三（一）3–4).

The office keeps two ledgers. The **problem list** (附件2 问题清单) each unit finds and rectifies;
and the **assigned matters** (交办事项台账): the main leaders' instructions and the matters the
office assigns (镇作风整顿办每月将主要领导批示、交办事项梳理汇总，一月一督查、一月一通报，经多次督办仍未
落实的，会同镇纪委督查问效). Both are a ``LedgerKind``, and every stage has one code path that takes
the kind:

- **ingest** finds a kind's table among a file's sheets by the kind's header synonyms (a
  ``vocab.toml`` section per kind). A unit's monthly file holds its problem list (the main table,
  required) and may hold its 交办事项 sheet (``RawTable.extra[kind.name]``).
- **validate** normalises a kind's columns by their role (id, category, status, dates, free text)
  and checks them with one schema built from the declaration (required cells, known category and
  status, readable dates, the done status and the done date going together), then the ledger
  rules (``Rules``: an unknown id, an item of another unit, a repeated id, an open item left out,
  a changed deadline, a reopened item, progress unchanged), each reported with the kind's own
  catalogue code.
- **storage** keeps every kind in the same tables: ``items`` (an item and, for a kind its units
  register, its owner and number), ``item_versions`` (each unit's values per month; the office's
  record of an item it assigns under unit ``''``), ``item_flags`` (the lights each month's run
  found, per item and unit, ``''`` for an item as a whole).
- **aggregate** computes lights, overdue days, 督办次数, the ladder and 移交纪委 (SPEC §6) over the
  kind's statuses: ``open_statuses`` can go red, ``done_status`` is green, any other (长期坚持) has
  no light.
- **render** writes a kind's ledger sheet in 总台账.xlsx (``ledger_sheet``, ``ledger_columns``) and
  its sheet in each unit's template (``sheet``, ``template_columns``, ``locked``).

A kind ``registered_by_unit`` (problems) gets its items from the units' own rows: a row without
an id is a new item, numbered ``{unit code}-{NNN}``. Any other kind's items are assigned by the
office in its own list (``register``, ``交办事项.xlsx``), each to one or several units; each
(item, unit) pair has its own progress, status and flags, and the item as a whole is open until
every unit has reached ``done_status``.

Adding a kind is a declaration here, its vocabulary section and its template sheet: a test
declares one of its own (tests/test_kinds.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from pipeline import vocab
from pipeline.model import MatterStatus, ProblemStatus, RatingLevel


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table the pipeline reads and checks: a unit's sheet of one kind, or the office's own list."""

    name: str  # "problem", "matter", …: the key in the store and in RawTable.extra
    label: str  # what one row is called in Chinese: 问题 / 交办事项
    sheet: str  # the sheet's name in the templates the pipeline hands out (a tie-breaker when reading)
    columns: tuple[str, ...]  # canonical columns, in template order
    required: tuple[str, ...]  # columns a table must have, and cells that must be filled
    synonyms: str  # the vocab.toml section of this table's column synonyms
    id_column: str
    free_text: tuple[str, ...] = ()  # kept as written, trimmed (line breaks kept)
    coded: tuple[str, ...] = ()  # codes: every space and line break inside is noise
    date_columns: tuple[str, ...] = ()
    category_column: str = ""  # one of the seven categories (the vocabulary's)
    status_column: str = ""
    status_synonyms: str = ""  # the vocab.toml section of the status words
    statuses: tuple[str, ...] = ()
    status_code: str = "status-invalid"  # the catalogue code of a status the vocabulary does not know
    long_term_column: str = ""  # a date column that may say 长期坚持 (no deadline)
    done_status: str = ""  # the status that closes a row ...
    done_column: str = ""  # ... and the date column it goes with (required with it, only with it)
    done_codes: tuple[str, str] = ("", "")  # (done without the date, the date without done)
    text_kept: tuple[str, ...] = ()  # date columns kept as text, not read (the office's deadline in a unit's copy)

    def header_lookup(self, words: vocab.Vocabulary) -> dict[str, str]:
        """Header key -> canonical column, for this table's columns only."""
        return words.lookup(self.synonyms, self.columns)

    def status(self, words: vocab.Vocabulary, value: str) -> str | None:
        return words.choice(self.status_synonyms, value)

    @functools.cached_property
    def read_dates(self) -> tuple[str, ...]:
        """The date columns that are read as dates."""
        return tuple(c for c in self.date_columns if c not in self.text_kept)


@dataclass(frozen=True)
class Rules:
    """The catalogue code each ledger rule reports for a kind ("" where the rule does not apply)."""

    unknown: str  # an id the ledger never had
    foreign: str  # an item of another unit
    repeated: str  # the same id twice in a file
    missing: str  # an open item the unit had before this month, left out of its file
    reverted: str  # a done item reported open again (warning)
    unchanged: str  # an open item whose progress reads as last time (warning)
    deadline_changed: str = ""  # the unit moved its own deadline (warning)


@dataclass(frozen=True, kw_only=True)
class LedgerKind(Table):
    """A kind of item the ledger carries through every stage, with its lights and its ladder."""

    open_statuses: tuple[str, ...]  # may go red
    deadline_column: str
    progress_column: str
    text_column: str  # what an item is about, quoted when it goes missing
    rules: Rules
    registered_by_unit: bool  # units register items in their own rows (ids assigned here)
    register: Table | None = None  # the office's own list, for a kind the office assigns
    locked: tuple[str, ...] = ()  # template columns the unit cannot edit
    ledger_sheet: str = ""  # its sheet in 总台账.xlsx
    ledger_columns: tuple[str, ...] = ()  # the columns of that sheet
    template_columns: tuple[str, ...] = ()  # the columns of its sheet in a unit's template
    short_text: tuple[str, int] = ("", 0)  # (column, fewest characters) below which a text is too brief
    late_deadline: bool = False  # warn of a deadline after the rectification phase
    no_items: str = ""  # the catalogue code of a file listing none (warning)
    fields: tuple[str, ...] = field(default=())  # the columns a unit's version keeps (default: all)

    def __post_init__(self) -> None:
        BY_NAME.setdefault(self.name, self)  # every kind declared, wherever: the seal names its rows by it

    @property
    def kept(self) -> tuple[str, ...]:
        return self.fields or self.columns


BY_NAME: dict[str, LedgerKind] = {}  # every declared kind by name (KINDS: the ones a monthly run carries)


PROBLEM = LedgerKind(
    name="problem",
    label="问题",
    sheet="问题清单",
    columns=vocab.COLUMNS,
    required=vocab.REQUIRED,
    synonyms="columns",
    id_column="问题编号",
    free_text=vocab.FREE_TEXT,
    coded=("问题编号", "问题类别", "完成状态"),
    date_columns=("完成时限", "完成日期"),
    category_column="问题类别",
    status_column="完成状态",
    status_synonyms="statuses",
    statuses=ProblemStatus.ALL,
    long_term_column="完成时限",
    done_status=ProblemStatus.DONE,
    done_column="完成日期",
    done_codes=("completed-without-date", "date-without-completed"),
    open_statuses=ProblemStatus.OPEN,
    deadline_column="完成时限",
    progress_column="整改进展",
    text_column="具体问题",
    rules=Rules(
        unknown="id-unknown",
        foreign="id-foreign",
        repeated="id-repeated",
        missing="problem-missing",
        reverted="status-reverted",
        unchanged="progress-unchanged",
        deadline_changed="deadline-changed",
    ),
    registered_by_unit=True,
    locked=("序号", "问题编号", "问题类别", "具体问题", "整改措施"),
    ledger_sheet="问题总台账",
    # the columns SPEC §7 names, in this order (report.LEDGER_COLUMNS; the ledger frame has more)
    ledger_columns=(
        "问题编号",
        "填报单位",
        "问题类别",
        "具体问题",
        "整改措施",
        "责任领导",
        "责任人",
        "完成时限",  # a date, or the text 长期坚持 for items without a deadline
        "整改进展",
        "完成状态",
        "完成日期",  # a date or None
        "灯色",  # 红灯 / 黄灯 / 绿灯 / "" (长期坚持)
        "逾期天数",  # calendar days, 0 unless red
        "督办次数",
        "移交纪委",  # 是 / 否
    ),
    short_text=("具体问题", 10),
    late_deadline=True,
    no_items="no-problems",
    fields=tuple(c for c in vocab.COLUMNS if c not in ("序号", "问题编号")),
)

# The office's own list of assigned matters (交办事项.xlsx in the workspace root).
MATTER_REGISTER = Table(
    name="matter-register",
    label="交办事项",
    sheet="交办事项",
    columns=("编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限"),
    required=("编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限"),
    synonyms="matter_columns",
    id_column="编号",
    free_text=("交办领导", "事项内容", "承办单位"),
    coded=("编号",),
    date_columns=("交办日期", "办理时限"),
)

# How an item the office assigns is handled to its end (交办事项, the 不满意 cases of the rating):
# 办理状态 from the matters' vocabulary, 办结日期 with 已办结.
HANDLED: dict[str, Any] = {
    "status_column": "办理状态",
    "status_synonyms": "matter_statuses",
    "statuses": MatterStatus.ALL,
    "status_code": "matter-status-invalid",
    "done_status": MatterStatus.DONE,
    "done_column": "办结日期",
    "done_codes": ("done-without-date", "date-without-done"),
    "open_statuses": MatterStatus.OPEN,
}

# A unit's progress on the matters assigned to it: the 交办事项 sheet of its monthly file.
MATTER = LedgerKind(
    name="matter",
    label="交办事项",
    sheet="交办事项",
    columns=("编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"),
    required=("编号", "办理状态"),
    synonyms="matter_columns",
    id_column="编号",
    free_text=("事项内容", "办理进展"),
    coded=("编号", "办理状态"),
    date_columns=("办理时限", "办结日期"),
    text_kept=("办理时限",),  # the office's deadline, shown to the unit: its copy is not read
    **HANDLED,
    deadline_column="办理时限",
    progress_column="办理进展",
    text_column="事项内容",
    rules=Rules(
        unknown="item-unknown",
        foreign="item-not-assigned",
        repeated="item-repeated",
        missing="item-missing",
        reverted="item-reopened",
        unchanged="item-progress-unchanged",
    ),
    registered_by_unit=False,
    register=MATTER_REGISTER,
    locked=("编号", "事项内容", "办理时限"),
    ledger_sheet="交办事项台账",
    ledger_columns=(
        "编号",
        "交办日期",
        "交办领导",
        "事项内容",
        "承办单位",
        "办理时限",
        "办理状态",
        "办结日期",
        "办理进展",
        "灯色",
        "逾期天数",
        "督办次数",
        "督办等级",
        "移交纪委",
    ),
    template_columns=("编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"),
)
REGISTER_FILE = "交办事项.xlsx"

# A village's or community's 办事效率评议 of the town's departments (seed 五（三）): the
# 办事效率评议 sheet of its monthly file, a row per department of the roster (campaign.rating).
# Not a ledger kind: a rating is counted per department and period, not carried as an item.
RATING = Table(
    name="rating",
    label="办事效率评议",
    sheet="办事效率评议",
    columns=("序号", "被评议部门", "评议等次", "办理事项", "不满意原因", "具体情况"),
    required=("被评议部门", "评议等次"),
    synonyms="rating_columns",
    id_column="被评议部门",
    free_text=("被评议部门", "办理事项", "不满意原因", "具体情况"),
    status_column="评议等次",
    status_synonyms="rating_levels",
    statuses=RatingLevel.ALL,
    status_code="rating-level-invalid",
)

# The office's record of each 不满意 case of the 办事效率评议 (issue #19): not read from a file but
# derived from the stored ratings (``rating.cases``) and registered by the monthly run of the rating
# period, as the office registers its list of matters. 评议单位 (the rater) is the office's only: it
# shows in 总台账, never in what a department receives (``Rating.anonymous``).
RATING_CASE_REGISTER = Table(
    name="rating-case-register",
    label="评议反映问题",
    sheet="评议反映问题",
    columns=("编号", "评议期", "评议单位", "反映问题", "不满意原因", "承办单位", "答复时限"),
    required=("编号", "反映问题", "承办单位", "答复时限"),
    synonyms="case_columns",
    id_column="编号",
    date_columns=("答复时限",),
)

# A department's answers to the 不满意 cases raised about it: the 评议反映问题 sheet of its monthly
# file, pre-filled with its open cases (编号, 反映问题, 不满意原因, 答复时限 locked).
RATING_CASE = LedgerKind(
    name="rating-case",
    label="评议反映问题",
    sheet="评议反映问题",
    columns=("编号", "反映问题", "不满意原因", "答复时限", "整改答复", "办理状态", "办结日期"),
    required=("编号", "反映问题", "办理状态"),  # 反映问题: a 交办事项 sheet is not taken for one
    synonyms="case_columns",
    id_column="编号",
    free_text=("反映问题", "不满意原因", "整改答复"),
    coded=("编号", "办理状态"),
    date_columns=("答复时限", "办结日期"),
    text_kept=("答复时限",),  # the office's deadline, shown to the department: its copy is not read
    **HANDLED,
    deadline_column="答复时限",
    progress_column="整改答复",
    text_column="反映问题",
    rules=Rules(
        unknown="case-unknown",
        foreign="case-not-assigned",
        repeated="case-repeated",
        missing="case-missing",
        reverted="case-reopened",
        unchanged="case-progress-unchanged",
    ),
    registered_by_unit=False,
    register=RATING_CASE_REGISTER,
    locked=("编号", "反映问题", "不满意原因", "答复时限"),
    ledger_sheet="评议反映问题台账",
    ledger_columns=(
        "编号",
        "评议期",
        "评议单位",
        "承办单位",
        "反映问题",
        "不满意原因",
        "答复时限",
        "办理状态",
        "办结日期",
        "整改答复",
        "灯色",
        "逾期天数",
        "督办次数",
        "督办等级",
        "移交纪委",
    ),
    template_columns=("编号", "反映问题", "不满意原因", "答复时限", "整改答复", "办理状态", "办结日期"),
)

# Every kind, the problem list first (the main table of a unit's file); the others, in template
# order, may stand beside it in a unit's monthly file.
KINDS: tuple[LedgerKind, ...] = (PROBLEM, MATTER, RATING_CASE)
ITEM_KINDS: tuple[LedgerKind, ...] = tuple(k for k in KINDS if k is not PROBLEM)
