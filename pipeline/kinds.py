"""Ledger kinds: what a table the pipeline carries is, declared once (SPEC §3, seed 三（一）3–4).

The office keeps two ledgers. The **problem list** (附件2 问题清单) each unit finds and rectifies;
and the **assigned matters** (交办事项台账): the main leaders' instructions and the matters the
office assigns (镇作风整顿办每月将主要领导批示、交办事项梳理汇总，一月一督查、一月一通报，经多次督办仍未
落实的，会同镇纪委督查问效). A ``LedgerKind`` declares one such table; the shared stages take any
declared kind:

- **ingest** finds the kind's table among a file's sheets by the kind's header synonyms
  (``vocab.toml`` has a ``[<section>]`` of column synonyms per kind). A unit's monthly file may
  hold BOTH tables: the problem sheet (the submission's main table) and the ``交办事项`` sheet; both
  are read (``RawTable.extra[kind.name]``). The main table is required, other kinds' tables are not.
- **validate** normalises the kind's columns (status vocabulary, date columns, id column, free
  text) and validates them with the kind's pandera model in one lazy pass; then the ledger rules
  (unknown id, an item not the unit's, a repeated id, an open registered item left out).
- **store** keeps problems in their own tables (schema v1–v2, untouched); every other kind lives
  in the generic tables of migration v3: ``items`` (kind, item id), ``item_versions`` (one row per
  item, unit and month: the office's own record of the item under unit ``''``, each unit's
  progress under its code; values as JSON, status/deadline/done date as columns) and
  ``item_flags`` (the lights a month's run found, per item and unit, ``''`` for the whole item).
- **aggregate** computes lights, overdue days, 督办次数, the ladder and 移交纪委 (SPEC §6) over the
  kind's status vocabulary: ``open_statuses`` can go red, ``done_status`` is green, anything else
  (长期坚持) has no light.
- **render** writes the kind's ledger sheet in 总台账.xlsx (``ledger_sheet``, ``ledger_columns``,
  through the generic ``write_table``) and the kind's sheet in each unit's template
  (``sheet``, ``template_columns``, the ``locked`` columns protected).

An item of a kind with ``assignees`` (assigned matters) may be given to several units: each
(item, unit) pair has its own progress, status and flags, and a unit's notice lists its own red
pairs; the item as a whole is open until every unit has reached ``done_status``; it is red when
its deadline passed and some unit has not finished it. Such a kind's items are registered by the
office, not by the units: the ``register`` kind is the office's own list (``交办事项.xlsx`` in the
workspace root), read at every run, validated like a submission (bad rows are skipped and named),
and archived under its hash each time it changes.

The problem kind is declared from what already exists (``vocab.COLUMNS``/``REQUIRED``, ``model.ProblemStatus``,
``validate.ProblemRows``); its behaviour is exactly the pre-existing one. Models are named as
``"module:attribute"`` and imported when needed, so importing this module stays cheap.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from pipeline import vocab
from pipeline.model import MatterStatus, ProblemStatus


@dataclass(frozen=True)
class LedgerKind:
    """One kind of table the pipeline carries through ingest, validate, store, aggregate, render."""

    name: str  # "problem", "matter", …: the key in the store and in RawTable.extra
    label: str  # what one item is called in Chinese: 问题 / 交办事项
    sheet: str  # the sheet name in the templates this pipeline hands out
    columns: tuple[str, ...]  # canonical columns, in template order
    required: tuple[str, ...]  # columns a table must have (and cells that must be filled)
    synonyms: str  # the vocab.toml section of this kind's column synonyms
    status_synonyms: str  # the vocab.toml section of this kind's status words
    id_column: str
    status_column: str
    statuses: tuple[str, ...]
    open_statuses: tuple[str, ...]  # may go red
    done_status: str  # green, closes the item
    deadline_column: str
    done_column: str  # the date the item was done (required with done_status)
    progress_column: str
    free_text: tuple[str, ...]  # kept as written, trimmed
    coded: tuple[str, ...]  # codes: every space and line break inside is noise
    date_columns: tuple[str, ...]
    locked: tuple[str, ...]  # template columns the unit cannot edit
    model: str  # "module:attribute" of the pandera DataFrameModel validating the normalised rows
    ledger_sheet: str  # its sheet in 总台账.xlsx
    ledger_columns: tuple[str, ...]  # the columns of that sheet
    template_columns: tuple[str, ...] = ()  # the columns of its sheet in a unit's template
    category_column: str | None = None  # a coded category (the problem list's seven)
    assignees: bool = False  # items are assigned by the office to one or several units
    check_columns: dict[str, str] = field(default_factory=dict)  # frame-wide check -> the column it points at
    status_code: str = "status-invalid"  # the catalogue code of a status the vocabulary does not know
    registers: str = ""  # for the office's own list of a kind: the kind whose items it registers

    def schema(self) -> Any:
        """The pandera model validating this kind's normalised rows."""
        module, attribute = self.model.split(":")
        return getattr(importlib.import_module(module), attribute)

    def header_lookup(self, words: vocab.Vocabulary) -> dict[str, str]:
        """Header key -> canonical column, for this kind's columns only."""
        return words.lookup(self.synonyms, self.columns)

    def status(self, words: vocab.Vocabulary, value: str) -> str | None:
        return words.choice(self.status_synonyms, value)


PROBLEM = LedgerKind(
    name="problem",
    label="问题",
    sheet="问题清单",
    columns=vocab.COLUMNS,
    required=vocab.REQUIRED,
    synonyms="columns",
    status_synonyms="statuses",
    id_column="问题编号",
    status_column="完成状态",
    statuses=ProblemStatus.ALL,
    open_statuses=ProblemStatus.OPEN,
    done_status=ProblemStatus.DONE,
    deadline_column="完成时限",
    done_column="完成日期",
    progress_column="整改进展",
    free_text=vocab.FREE_TEXT,
    coded=("问题编号", "问题类别", "完成状态"),
    date_columns=("完成时限", "完成日期"),
    locked=("序号", "问题编号", "问题类别", "具体问题", "整改措施"),
    model="pipeline.validate:ProblemRows",
    ledger_sheet="问题总台账",
    ledger_columns=(),  # report.LEDGER_COLUMNS (the problem ledger predates kinds)
    category_column="问题类别",
    check_columns={"completed-without-date": "完成日期", "date-without-completed": "完成日期"},
)

MATTER_STATUSES: tuple[str, ...] = MatterStatus.ALL  # defined in pipeline/model.py; the name stays for callers

# A unit's progress on the matters assigned to it: the 交办事项 sheet of its monthly file.
MATTER = LedgerKind(
    name="matter",
    label="交办事项",
    sheet="交办事项",
    columns=("编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"),
    required=("编号", "办理状态"),
    synonyms="matter_columns",
    status_synonyms="matter_statuses",
    id_column="编号",
    status_column="办理状态",
    statuses=MatterStatus.ALL,
    open_statuses=MatterStatus.OPEN,
    done_status=MatterStatus.DONE,
    deadline_column="办理时限",
    done_column="办结日期",
    progress_column="办理进展",
    free_text=("事项内容", "办理进展"),
    coded=("编号", "办理状态"),
    date_columns=("办理时限", "办结日期"),
    locked=("编号", "事项内容", "办理时限"),
    model="pipeline.validate:MatterRows",
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
    assignees=True,
    check_columns={"done-without-date": "办结日期", "date-without-done": "办结日期"},
    status_code="matter-status-invalid",
)

# The office's own list of assigned matters (交办事项.xlsx in the workspace root).
MATTER_REGISTER = LedgerKind(
    name="matter-register",
    label="交办事项",
    sheet="交办事项",
    columns=("编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限"),
    required=("编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限"),
    synonyms="matter_columns",
    status_synonyms="matter_statuses",
    id_column="编号",
    status_column="",
    statuses=(),
    open_statuses=(),
    done_status="",
    deadline_column="办理时限",
    done_column="",
    progress_column="",
    free_text=("交办领导", "事项内容", "承办单位"),
    coded=("编号",),
    date_columns=("交办日期", "办理时限"),
    locked=(),
    model="pipeline.validate:RegisterRows",
    ledger_sheet="",
    ledger_columns=(),
    registers="matter",
)
REGISTER_FILE = "交办事项.xlsx"

# The kinds a unit's monthly file may carry beside its problem list, in template order.
ITEM_KINDS: tuple[LedgerKind, ...] = (MATTER,)
KINDS: dict[str, LedgerKind] = {k.name: k for k in (PROBLEM, MATTER, MATTER_REGISTER)}
