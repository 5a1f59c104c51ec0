"""The workspace's ledger, opened only when it can be trusted (SPEC §8, §9).

A ledger is the campaign's memory: the problems with their ids, every month's values, the
audit trail. A run must never start a new one by accident, nor report from one edited by hand:

- when the workspace has history (archived files, months of outputs) and the ledger file is
  missing, empty, not a ledger or damaged, ``open_ledger`` refuses, says what is wrong and how
  to restore it (``make restore`` from ``backup/``);
- the ledger's seal (``pipeline/seal.py``) is checked: rows changed outside the pipeline are
  named and the run refuses;
- every run that changed the ledger leaves a backup of it in ``backup/ledger-YYYY-MM.sqlite``
  (the state after that month's latest run), from which ``restore`` puts it back.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Workspace
from pipeline.errors import LedgerCorrupt, LedgerEdited, LedgerMissing, PipelineError, RestoreRefused
from pipeline.messages import render_text
from pipeline.model import Month
from pipeline.storage import seal
from pipeline.storage.ledger import Store

BACKUP_DIR = "backup"
_SHOWN_CHANGES = 3  # changes named in a refusal; audit verify names them all


@dataclass(frozen=True)
class History:
    """What the workspace shows of earlier runs, whatever the ledger says."""

    archived: int  # files in the archive
    months: tuple[str, ...]  # out/YYYY-MM folders
    backups: int  # copies of the ledger in backup/

    def __bool__(self) -> bool:
        """Whether some run completed here: it left a month of outputs and a backup. Archived files
        alone are not history: the first run, stopped before its commit, leaves them too."""
        return bool(self.months or self.backups)

    @property
    def text(self) -> str:
        parts = []
        if self.archived:
            parts.append(f" {self.archived} 个归档的收件")
        if self.months:
            span = self.months[0] if len(self.months) == 1 else f"{self.months[0]} 至 {self.months[-1]}"
            parts.append(f" {len(self.months)} 个月（{span}）的报表")
        return "和".join(parts)


def history(ws: Workspace) -> History:
    archived = 0
    if ws.archive.is_dir():
        archived = sum(1 for p in ws.archive.glob("*/*") if p.is_file() and not p.name.startswith("."))
    months: tuple[str, ...] = ()
    if ws.out.is_dir():
        months = tuple(sorted(p.name for p in ws.out.iterdir() if p.is_dir() and Month.valid(p.name)))
    return History(archived, months, len(backups(ws)))


def backup_dir(ws: Workspace) -> Path:
    return ws.root / BACKUP_DIR


def backups(ws: Workspace) -> list[Path]:
    """The ledger's backups, newest first (by the month they were made after, then by time)."""
    folder = backup_dir(ws)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("ledger-*.sqlite") if p.is_file()]
    return sorted(found, key=lambda p: (p.name, p.stat().st_mtime), reverse=True)


def restore_hint(ws: Workspace) -> str:
    found = backups(ws)
    if not found:
        return render_text("ledger-restore-none", {"folder": ws.root})
    when = dt.datetime.fromtimestamp(found[0].stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return render_text("ledger-restore-hint", {"backup": found[0].relative_to(ws.root), "when": when})


def check_ledger_file(ws: Workspace) -> None:
    """Refuse, before anything is written, a missing or empty ledger in a workspace with history."""
    path = ws.db_path
    if path.exists() and path.stat().st_size > 0:
        return
    past = history(ws)
    if past:
        code = "ledger-empty" if path.exists() else "ledger-missing"
        raise LedgerMissing(code, path=path.name, history=past.text, restore=restore_hint(ws))


def open_ledger(ws: Workspace, check_seal: bool = True, months: Sequence[str] = ()) -> Store:
    """The workspace's ledger, created on a first run; refused when it cannot be trusted (its
    seal's guards and chain, and the rows of ``months``: the months the caller will seal again)."""
    check_ledger_file(ws)
    try:
        store = Store.open(ws.db_path)
    except LedgerCorrupt as exc:
        raise LedgerCorrupt(path=ws.db_path.name, detail=exc.params["detail"], restore=restore_hint(ws)) from None
    try:
        past = history(ws)
        if past and not store.months():  # a new, empty ledger put in place of the real one
            raise LedgerMissing("ledger-empty", path=ws.db_path.name, history=past.text, restore=restore_hint(ws))
        if check_seal and (changes := store.seal_changes(rows=False, months=months)):
            raise LedgerEdited(detail=describe_changes(changes))
    except BaseException:
        store.close()
        raise
    return store


def describe_changes(changes: list[seal.Change]) -> str:
    """The first changes, rows first (they name the problem), for a refusal."""
    changes = sorted(changes, key=lambda c: not c.table)
    shown = "；".join(render_text(c.code, c.params) for c in changes[:_SHOWN_CHANGES])
    more = f"等 {len(changes)} 处（运行 make audit 可看到全部）" if len(changes) > _SHOWN_CHANGES else ""
    return shown + more


def backup(store: Store, ws: Workspace, month: str) -> Path:
    """Leave a copy of the ledger as it stands after this month's run."""
    path = backup_dir(ws) / f"ledger-{month}.sqlite"
    store.backup(path)
    return path


def restore(ws: Workspace) -> tuple[Path, Path | None]:
    """Put the newest backup in place of a missing, empty, damaged or edited ledger; the ledger
    it replaces is kept beside it. Refused when the ledger is sound."""
    found = backups(ws)
    try:
        open_ledger(ws).close()
    except PipelineError:
        pass
    else:
        raise RestoreRefused(path=ws.db_path.name)
    if not found:
        raise RestoreRefused("restore-no-backup", folder=ws.root)
    kept = None
    if ws.db_path.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = ws.db_path.with_name(f"{ws.db_path.name}.恢复前-{stamp}")
        os.replace(ws.db_path, kept)
        for side in ("-wal", "-shm"):
            extra = ws.db_path.with_name(ws.db_path.name + side)
            if extra.exists():
                os.replace(extra, kept.with_name(kept.name + side))
    tmp = ws.db_path.with_name(f".{ws.db_path.name}.restore")
    shutil.copyfile(found[0], tmp)
    os.replace(tmp, ws.db_path)
    return found[0], kept
