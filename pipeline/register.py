"""The office's own list of assigned matters (交办事项.xlsx in the workspace root).

The seed (三（一）3–4): 镇作风整顿办每月将主要领导批示、交办事项梳理汇总. The office keeps that list as a
workbook of its own (编号, 交办日期, 交办领导, 事项内容, 承办单位 (one or several units), 办理时限). It is
not an inbox submission: every monthly run reads it from the workspace root, validates it like a
submission (the ``MATTER_REGISTER`` kind's schema, then the roster), and registers the good rows;
a bad row (an unknown unit, an unreadable date, an id given twice) is skipped and named, and the
run goes on. Matters assigned after the run's as-of date wait for their month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import ingest
from pipeline.config import Campaign, Unit
from pipeline.kinds import MATTER_REGISTER, Table
from pipeline.messages import Message
from pipeline.validate import check_tables, records
from pipeline.vocab import Vocabulary, key

_UNIT_SEPARATORS = re.compile(r"[、，,；;/／\s\u3000]+")


@dataclass
class RegisterRead:
    """What one reading of the office's list found."""

    file_name: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # the good rows, ready for the store
    messages: list[Message] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # Excel rows left out
    later: int = 0  # matters assigned after the as-of date (registered in their month)

    @property
    def summary(self) -> Message:
        return Message(
            "register-read", file=self.file_name, params={"count": len(self.rows), "skipped": len(self.skipped)}
        )


def _unit(text: str, campaign: Campaign) -> Unit | None:
    k = key(text)
    for unit in campaign.units:
        if any(k == key(name) for name in (*unit.names, unit.code)):
            return unit
    return ingest.match_name(text, campaign.units)


def units_of(text: str, campaign: Campaign) -> tuple[list[Unit], list[str]]:
    """The roster units a 承办单位 cell names (``红星村、东风社区``), and the names not in the roster."""
    found: list[Unit] = []
    unknown: list[str] = []
    for part in (p for p in _UNIT_SEPARATORS.split(text) if p.strip()):
        unit = _unit(part, campaign)
        if unit is None:
            unknown.append(part)
        elif unit not in found:
            found.append(unit)
    return found, unknown


def read_register(
    path: Path, campaign: Campaign, vocab: Vocabulary, as_of: dt.date, kind: Table = MATTER_REGISTER
) -> RegisterRead:
    """Read and check the office's list; raises ``FileRefused`` when it cannot be read at all."""
    raw = ingest.read_kind_table(path, vocab, kind)
    received = dt.date.fromtimestamp(path.stat().st_mtime)
    [(frame, messages)] = check_tables([raw], kind, campaign, vocab, [received])
    result = RegisterRead(file_name=raw.file_name, messages=[*raw.notices, *messages])
    bad = {m.row for m in messages if m.level == "error" and m.cell}
    first: dict[str, int] = {}
    for row, rec in records(frame):
        iid = rec[kind.id_column]
        cell_units = str(rec.get("承办单位") or "")
        units, unknown = units_of(cell_units, campaign)
        for name in unknown:
            result.messages.append(
                Message(
                    "register-unit-unknown",
                    file=raw.file_name,
                    sheet=raw.sheet,
                    cell=raw.cell("承办单位", row),
                    params={"value": name},
                )
            )
            bad.add(row)
        if iid is not None and iid in first and row not in bad:
            result.messages.append(
                Message(
                    "register-id-repeated",
                    file=raw.file_name,
                    sheet=raw.sheet,
                    cell=raw.cell(kind.id_column, row),
                    params={"value": iid, "other": first[iid]},
                )
            )
            bad.add(row)
        if row in bad or not units:
            bad.add(row)
            result.skipped.append(row)
            result.messages.append(
                Message(
                    "register-row-skipped",
                    file=raw.file_name,
                    sheet=raw.sheet,
                    cell=raw.cell(kind.id_column, row),
                    params={"row": row, "value": iid or ""},
                )
            )
            continue
        first[str(iid)] = row
        assigned = rec["交办日期"]
        if isinstance(assigned, dt.date) and assigned > as_of:
            result.later += 1
            continue
        result.rows.append(
            {
                "编号": iid,
                "交办日期": assigned,
                "交办领导": rec["交办领导"],
                "事项内容": rec["事项内容"],
                "承办单位": "、".join(u.name for u in units),
                "承办单位编码": [u.code for u in units],
                "办理时限": rec["办理时限"],
                "行": row,
            }
        )
    result.messages.sort(key=lambda m: (m.row, m.code == "register-row-skipped"))
    return result
