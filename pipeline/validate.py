"""Check submissions cell by cell (SPEC §4).

Two passes. ``check_tables`` normalises every file's rows and validates them all with one
pandera schema call (the frame is indexed so each failure maps back to a file and an Excel
cell). ``check_against_ledger`` then applies the rules that need the ledger: ids, problems left
out, deadline changes. Errors return the whole file; warnings let it through.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from pipeline.config import Campaign, Unit
from pipeline.ingest import RawTable
from pipeline.messages import Message, has_errors
from pipeline.normalize import (
    LONG_TERM,
    category_lookup,
    parse_choice,
    parse_date,
    parse_day,
    status_lookup,
    text_value,
)
from pipeline.store import LedgerView, Registered
from pipeline.vocab import FREE_TEXT, OPEN_STATUSES, REQUIRED, STATUSES, Vocabulary

ID_PATTERN = re.compile(r"^[A-Z0-9_]+-\d{3,}$")
MIN_DESCRIPTION = 10
NORMALISED: tuple[str, ...] = (
    "问题编号",
    "序号",
    "问题类别",
    "具体问题",
    "整改措施",
    "责任领导",
    "责任人",
    "完成时限",
    "整改进展",
    "完成状态",
    "完成日期",
    "备注",
)


@dataclass(frozen=True)
class Submission:
    """A file that was read, with what is known of it before checking."""

    raw: RawTable
    unit: Unit
    received: dt.datetime
    messages: tuple[Message, ...] = ()  # from ingest and unit identification


@dataclass(frozen=True)
class Checked:
    """A submission after checking: normalised rows (index = Excel row) and every message."""

    submission: Submission
    rows: pd.DataFrame
    messages: tuple[Message, ...]

    @property
    def accepted(self) -> bool:
        return not has_errors(list(self.messages))

    @property
    def unit(self) -> Unit:
        return self.submission.unit

    @property
    def file_name(self) -> str:
        return self.submission.raw.file_name


def records(frame: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row, values) pairs; unlike ``iterrows`` this keeps ``None`` as ``None``."""
    return list(zip((int(i) for i in frame.index), frame.to_dict("records"), strict=True))


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _schema(vocab: Vocabulary) -> pa.DataFrameSchema:
    required = {c: pa.Column(object, nullable=False) for c in REQUIRED}
    required["问题类别"] = pa.Column(
        object, pa.Check.isin(list(vocab.category_names), error="category-invalid"), nullable=False
    )
    required["完成状态"] = pa.Column(object, pa.Check.isin(list(STATUSES), error="status-invalid"), nullable=False)
    required["完成时限"] = pa.Column(
        object,
        pa.Check(lambda v: _is_day(v) or v == LONG_TERM, element_wise=True, error="date-invalid"),
        nullable=False,
    )
    optional = {
        "完成日期": pa.Column(object, pa.Check(_is_day, element_wise=True, error="date-invalid"), nullable=True),
    }
    return pa.DataFrameSchema(
        {**required, **optional},
        checks=[
            pa.Check(
                lambda df: ~((df["完成状态"] == "已完成") & df["完成日期"].isna()), error="completed-without-date"
            ),
            pa.Check(
                lambda df: ~(df["完成日期"].notna() & df["完成状态"].isin([s for s in STATUSES if s != "已完成"])),
                error="date-without-completed",
            ),
        ],
        strict=False,
        coerce=False,
    )


# The column a frame-wide check points at, for the cell address of its message.
_CHECK_COLUMN = {"completed-without-date": "完成日期", "date-without-completed": "完成日期"}


def normalise(sub: Submission, campaign: Campaign, vocab: Vocabulary) -> pd.DataFrame:
    """The submission's rows with canonical categories, statuses and dates (same index)."""
    raw = sub.raw.frame
    year = campaign.year
    filled = parse_day(sub.raw.filled_text, year)
    immediate = filled or sub.received.date()
    out = pd.DataFrame(index=raw.index, columns=list(NORMALISED), dtype=object)
    for column in NORMALISED:
        values = raw[column].tolist() if column in raw.columns else [None] * len(raw)
        values = [None if v is None or (isinstance(v, str) and not v.strip()) else v for v in values]
        if column == "问题类别":
            lookup = category_lookup(values, vocab)
            result = [parse_choice(v, lookup) for v in values]
        elif column == "完成状态":
            lookup = status_lookup(values, vocab)
            result = [parse_choice(v, lookup) for v in values]
        elif column in ("完成时限", "完成日期"):
            allow = column == "完成时限"
            result = [parse_date(v, year, immediate, allow) for v in values]
        elif column == "问题编号":
            result = [_id(v) for v in values]
        else:
            result = [text_value(v) for v in values]
        out[column] = pd.Series(result, index=raw.index, dtype=object)
    return out


def _id(value: Any) -> str | None:
    text = text_value(value)
    return text.upper().replace(" ", "").replace("－", "-") if text else None


def check_tables(subs: Sequence[Submission], campaign: Campaign, vocab: Vocabulary) -> list[Checked]:
    """Normalise and schema-check every submission in one pandera pass."""
    frames = [normalise(s, campaign, vocab) for s in subs]
    if not frames:
        return []
    keyed = [f.assign(__file=i, __row=f.index) for i, f in enumerate(frames)]
    batch = pd.concat(keyed, ignore_index=True) if keyed else pd.DataFrame()
    found: dict[int, list[Message]] = {i: [] for i in range(len(subs))}
    if len(batch):
        try:
            _schema(vocab).validate(batch, lazy=True)
        except pa.errors.SchemaErrors as exc:
            _collect(exc.failure_cases, batch, subs, found)
    results: list[Checked] = []
    for i, (sub, frame) in enumerate(zip(subs, frames, strict=True)):
        messages = [*sub.messages, *sorted(found[i], key=_order(sub.raw)), *_row_rules(sub, frame, campaign)]
        results.append(Checked(sub, frame, tuple(messages)))
    return results


def _order(raw: RawTable) -> Any:
    cols = list(raw.columns)

    def sort_key(m: Message) -> tuple[int, int]:
        row = int("".join(ch for ch in m.cell if ch.isdigit()) or 0)
        letter = "".join(ch for ch in m.cell if ch.isalpha())
        pos = next((i for i, c in enumerate(cols) if raw.columns[c] == letter), 99)
        return row, pos

    return sort_key


def _collect(
    cases: pd.DataFrame, batch: pd.DataFrame, subs: Sequence[Submission], found: dict[int, list[Message]]
) -> None:
    seen: set[tuple[int, int, str, str]] = set()
    for case in cases.itertuples(index=False):
        idx = case.index
        if idx is None or pd.isna(idx):
            continue
        check = str(case.check)
        column = _CHECK_COLUMN.get(check, str(case.column))
        if check == "not_nullable":
            check = "cell-required"
        elif check.startswith("column_in_dataframe"):
            continue
        file_no = int(batch.at[idx, "__file"])
        row = int(batch.at[idx, "__row"])
        marker = (file_no, row, column, check)
        if marker in seen:  # frame-wide checks report once per column; fold them
            continue
        seen.add(marker)
        sub = subs[file_no]
        value = sub.raw.frame.at[row, column] if column in sub.raw.frame.columns else None
        code = check
        if code == "date-invalid" and isinstance(value, (int, float)) and not isinstance(value, bool):
            code = "date-number"
        elif code == "date-invalid" and column == "完成日期" and str(value).strip() in ("长期坚持", "长期", "常态化"):
            code = "date-long-term-done"
        params: dict[str, Any] = {"column": column, "value": _show(value)}
        if code == "date-without-completed":
            params["status"] = batch.at[idx, "完成状态"]
            params["value"] = _show(batch.at[idx, "完成日期"])
        found[file_no].append(
            Message(code, file=sub.raw.file_name, sheet=sub.raw.sheet, cell=sub.raw.cell(column, row), params=params)
        )


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def _row_rules(sub: Submission, frame: pd.DataFrame, campaign: Campaign) -> list[Message]:
    """Rules on single rows that need no ledger: completion after receipt, short text, late deadline."""
    raw = sub.raw
    messages: list[Message] = []
    received = sub.received.date()

    def msg(code: str, column: str, row: int, **params: Any) -> Message:
        return Message(code, file=raw.file_name, sheet=raw.sheet, cell=raw.cell(column, row), params=params)

    for r, rec in records(frame):
        done = rec["完成日期"]
        if _is_day(done) and done > received:
            messages.append(msg("completed-after-received", "完成日期", r, value=_show(done), received=_show(received)))
        text = rec["具体问题"]
        if isinstance(text, str) and len(text.replace(" ", "")) < MIN_DESCRIPTION:
            messages.append(msg("description-too-short", "具体问题", r, value=text))
        deadline = rec["完成时限"]
        if _is_day(deadline) and deadline > campaign.rectification_end:
            messages.append(
                msg(
                    "deadline-after-phase",
                    "完成时限",
                    r,
                    value=_show(deadline),
                    phase_end=_show(campaign.rectification_end),
                )
            )
    if frame.empty:
        messages.append(Message("no-problems", file=raw.file_name, sheet=raw.sheet))
    return messages


def check_against_ledger(checked: Checked, ledger: LedgerView) -> Checked:
    """Apply the ledger rules (SPEC §4): ids, problems left out, and changes against last month."""
    raw = checked.submission.raw
    unit = checked.unit
    frame = checked.rows
    messages: list[Message] = []

    def msg(code: str, column: str, row: int | None, **params: Any) -> Message:
        cell = raw.cell(column, row) if row is not None else ""
        return Message(code, file=raw.file_name, sheet=raw.sheet, cell=cell, params=params)

    first_row: dict[str, int] = {}
    for r, rec in records(frame):
        pid = rec["问题编号"]
        if pid is None:
            continue
        owner = ledger.owners.get(pid)
        if not ID_PATTERN.match(pid) or owner is None:
            messages.append(msg("id-unknown", "问题编号", r, value=pid))
        elif owner != unit.code:
            messages.append(msg("id-foreign", "问题编号", r, value=pid, owner=ledger.unit_names.get(owner, owner)))
        elif pid in first_row:
            messages.append(msg("id-repeated", "问题编号", r, value=pid, other=first_row[pid]))
        else:
            first_row[pid] = r
            prev = ledger.registered.get(pid)
            if prev is not None:
                messages.extend(_changes(prev, rec, r, msg))
    for pid, prev in sorted(ledger.registered.items()):
        if prev.status != "已完成" and pid not in first_row:
            messages.append(msg("problem-missing", "问题编号", None, value=pid, description=_clip(prev.description)))
    return Checked(checked.submission, frame, (*checked.messages, *messages))


def _clip(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _changes(prev: Registered, rec: dict[str, Any], row: int, msg: Any) -> list[Message]:
    out: list[Message] = []
    deadline = rec["完成时限"]
    status = rec["完成状态"]
    if (
        prev.deadline is not None
        and deadline is not None
        and deadline != prev.deadline
        and (_is_day(deadline) or deadline == LONG_TERM)
    ):
        out.append(
            msg(
                "deadline-changed",
                "完成时限",
                row,
                problem_id=prev.problem_id,
                old=_show(prev.deadline),
                value=_show(deadline),
            )
        )
    if prev.status == "已完成" and status in STATUSES and status != "已完成":
        out.append(msg("status-reverted", "完成状态", row, problem_id=prev.problem_id, value=status))
    if status in OPEN_STATUSES and (rec["整改进展"] or "") == (prev.progress or ""):
        out.append(msg("progress-unchanged", "整改进展", row, problem_id=prev.problem_id))
    return out


__all__ = [
    "FREE_TEXT",
    "Checked",
    "LedgerView",
    "Registered",
    "Submission",
    "check_against_ledger",
    "check_tables",
    "normalise",
]
