"""Intake: what becomes of each file the office received, and why (SPEC §4, §8; seed 巩固提升).

Functions over data, without I/O: ``pipeline.run`` reads the files, looks up the audit log and
the ledger, and records, merges and reports what these functions decide.

- ``identify``: a file once read is a unit's problem list to check (``Identified.submission``),
  or refused (why, and the unit its name names: the file counts as 退回 for it), or, in the month
  of ``summary_due``, the unit's 工作总结.
- ``decide``: the outcome of a file before the ledger rules: 重复 (its content was received
  before), 总结, 退回 (refused); ``None`` for a unit's problem list, whose outcome is ``judge``'s.
- ``judge``: 通过 or 退回 by the checks; what passes is merged.
- ``replaced``: a file of a unit is replaced by an accepted file of the same unit received after
  it in the same month (the later accepted one stands). So an accepted file is ``superseded``
  (its values for the month are the later file's), and a returned file needs no feedback any
  more unless it is ``still_returned``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import ingest
from pipeline.config import Campaign
from pipeline.messages import Message
from pipeline.model import Month, Outcome
from pipeline.storage.ledger import AuditRecord
from pipeline.validate import Checked, Submission

if TYPE_CHECKING:
    from pipeline.readers.pool import Outcome as Read

NOT_A_LIST = frozenset({"file-not-spreadsheet", "table-not-found"})  # refusals of a file that is no list at all
SUMMARY_WORD = "总结"  # a file of the summary month whose name says it is the unit's work summary


@dataclass(frozen=True)
class Identified:
    """What a received file is, once read: one of a problem list to check, a refusal, a work summary."""

    submission: Submission | None = None  # a unit's problem list, to be checked
    refusal: tuple[Message, ...] = ()  # why it cannot be checked (it is returned)
    named: str = ""  # refused: the unit code its name names ("" for none); it counts as 退回 for it
    work_summary: str = ""  # the unit code when the file is the unit's 工作总结


@dataclass(frozen=True)
class Decision:
    """What becomes of a received file: its outcome, the unit it is recorded for, why; and, when
    it is accepted, the checked rows to merge into the ledger."""

    outcome: str  # Outcome.PASSED / RETURNED / DUPLICATE / WORK_SUMMARY
    unit: str | None  # unit code (None: no unit could be told)
    messages: tuple[Message, ...]
    merge: Checked | None = None


def identify(name: str, read: Read, received: dt.datetime, campaign: Campaign, month: str) -> Identified:
    """The unit of a file as read (SPEC §4) and what it is; a file that cannot be read at all
    still counts for the unit its name names (报送情况 shows that unit's file as returned)."""
    if read.raw is None:
        named = ingest.unit_from_name(name, campaign)
        refused = Message(read.code, file=name, params=read.params)
        found = Identified(refusal=(refused,), named=named.code if named is not None else "")
    else:
        unit, messages = ingest.identify_unit(read.raw, campaign, name)
        if unit is None:
            found = Identified(refusal=tuple(messages))
        else:
            found = Identified(submission=Submission(read.raw, unit, received, (*messages, *read.raw.notices)))
    return _as_work_summary(name, found, campaign, month)


def _as_work_summary(name: str, found: Identified, campaign: Campaign, month: str) -> Identified:
    """A file of the summary month as the unit's 工作总结 (SPEC §1, 巩固提升).

    In the month of ``summary_due``, a file that is not a problem list (not a spreadsheet, or no
    table in it) or whose name says 总结 is the unit's work summary when its name names a unit
    of the roster: it is archived and recorded, not returned.
    """
    if month != str(Month.of(campaign.summary_due)):
        return found
    named = SUMMARY_WORD in Path(name).stem
    if not named and not any(m.code in NOT_A_LIST for m in found.refusal):
        return found
    unit = ingest.unit_from_name(name, campaign)
    return Identified(work_summary=unit.code) if unit is not None else found


def decide(name: str, found: Identified, original: AuditRecord | None) -> Decision | None:
    """The outcome of a file that the ledger rules need not see: a duplicate of ``original`` (the
    first record of a file with the same content), a work summary, a refused file. ``None`` for
    a unit's problem list: it is checked against the ledger and ``judge`` decides."""
    if original is not None:
        when = original.received_at.replace("T", " ")
        duplicate = Message("file-duplicate", file=name, params={"received": when, "original": original.file_name})
        return Decision(Outcome.DUPLICATE, original.unit_code, (duplicate,))
    if found.work_summary:
        received = Message("work-summary-received", file=name)
        return Decision(Outcome.WORK_SUMMARY, found.work_summary, (received,))
    if found.submission is None:
        return Decision(Outcome.RETURNED, found.named or None, found.refusal)
    return None


def judge(checked: Checked) -> Decision:
    """A checked problem list: accepted and merged without errors, else returned whole."""
    if checked.accepted:
        return Decision(Outcome.PASSED, checked.unit.code, checked.messages, merge=checked)
    return Decision(Outcome.RETURNED, checked.unit.code, checked.messages)


def replaced(records: Iterable[AuditRecord]) -> dict[int, AuditRecord]:
    """The records (by seq) that a later accepted file replaces, each with the file that stands:
    the latest accepted file of the same unit in the same month, recorded after it.

    An accepted file so replaced no longer holds the unit's values for the month (its 校验结果 and
    its line in ``audit show`` say so); a returned one needs no feedback any more (the unit has
    fixed it). A returned file after the last accepted one is not replaced."""
    records = list(records)
    latest: dict[tuple[str, str], AuditRecord] = {}
    for r in records:
        if r.outcome == Outcome.PASSED and r.unit_code:
            known = latest.get((r.unit_code, r.month))
            if known is None or known.seq < r.seq:
                latest[(r.unit_code, r.month)] = r
    out: dict[int, AuditRecord] = {}
    for r in records:
        newer = latest.get((r.unit_code or "", r.month))
        if newer is not None and newer.seq > r.seq:
            out[r.seq] = newer
    return out


def superseded(records: Iterable[AuditRecord]) -> dict[int, AuditRecord]:
    """The accepted files (by seq) a later accepted file of their unit replaced in their month,
    each with the file that stands (校验结果 and ``audit show`` name it)."""
    records = list(records)
    stands = replaced(records)
    return {r.seq: stands[r.seq] for r in records if r.outcome == Outcome.PASSED and r.seq in stands}


def still_returned(records: Iterable[AuditRecord]) -> list[AuditRecord]:
    """The returned files no later accepted file of their unit has replaced in their month: the
    unit still has them to fix (each gets its feedback workbook)."""
    records = list(records)
    stands = replaced(records)
    return [r for r in records if r.outcome == Outcome.RETURNED and r.seq not in stands]
