"""Run orchestration: the monthly cycle, templates, the audit commands.

This module sequences the stages and does their I/O; the rules are the stages'. What becomes
of a received file is ``pipeline.intake``'s decision, its received time ``pipeline.receipts``',
the checks ``pipeline.validate``'s, the month's figures ``pipeline.aggregate``'s; what the clerk
reads in the terminal is ``pipeline.terminal``'s.

The order of a monthly run (SPEC §6, §8, §9): lock the workspace; tidy what a killed run left;
archive every inbox file under its hash (fsync'd); read, identify and check them; record each in
the audit log, note it in ``inbox_done`` and merge the accepted ones, all in one transaction;
empty the inbox; render the month's outputs into a staging folder swapped in whole. A crash at
any point loses no file (it is in the inbox, or archived and recorded), and running again
completes the month with the same result as an uninterrupted run (tests/test_crash.py kills a
real process at each ``faults.point``). Run for a past month with an empty inbox, it reproduces
that month from the ledger's history without changing the ledger.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline import aggregate, faults, formality, inbox, intake, rating, receipts, render, validate
from pipeline.config import Campaign, Workspace, load_campaign, read_cleared
from pipeline.errors import (
    AsOfOutside,
    FileRefused,
    InboxInvalid,
    MonthInvalid,
    MonthOrderError,
    PipelineError,
    ReceivedRefused,
    StorageFailed,
    SummaryNoData,
    UnitUnknown,
)
from pipeline.filenames import output_path, safe_name
from pipeline.kinds import BY_NAME, ITEM_KINDS, KINDS, MATTER, PROBLEM, RATING_CASE, REGISTER_FILE
from pipeline.messages import CATALOGUE, Message, render_text
from pipeline.model import Month, Outcome, ProblemStatus
from pipeline.readers import pool
from pipeline.readers.tables import RawTable
from pipeline.report import ItemLedger, MonthReport
from pipeline.storage import guard
from pipeline.storage.archive import (
    Finding,
    archive_file,
    archive_path,
    copy_in,
    fsync_path,
    make_durable,
    remove_partial_copies,
    same_file_state,
    sha256_of,
    verify,
    workspace_lock,
)
from pipeline.storage.ledger import AuditRecord, Store, describe, disk_full
from pipeline.validate import Checked, Submission, check_submissions, check_tables, with_ledger, with_rating
from pipeline.vocab import Vocabulary, load_vocabulary

if TYPE_CHECKING:  # the writers (openpyxl…) are loaded when a month's outputs are written
    from pipeline.outputs.feedback import Returned

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FileOutcome:
    file_name: str
    unit: str
    outcome: str  # 通过 / 退回 / 重复 / 总结
    messages: tuple[Message, ...]


@dataclass
class RunResult:
    month: str
    as_of: dt.date
    month_dir: Path
    outputs: list[Path] = field(default_factory=list)
    files: list[FileOutcome] = field(default_factory=list)
    report: MonthReport | None = None
    left_in_inbox: list[str] = field(default_factory=list)  # vanished or changed while being archived
    no_permission: list[str] = field(default_factory=list)  # files this computer's user may not read: left
    not_taken: list[inbox.Left] = field(default_factory=list)  # links, pipes, folders too deep: never read
    receipt_notes: list[Message] = field(default_factory=list)  # received times that look like copy times
    saved_again: list[str] = field(default_factory=list)  # recorded, then saved again: the new version waits
    register: FileOutcome | None = None  # the office's own list of assigned matters (交办事项.xlsx), as read
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds (tools/bench.py)
    reused: bool = False  # nothing the outputs are made from changed: the month's files were kept


def _laps(timings: dict[str, float]) -> Callable[[str], None]:
    """``lap(stage)``: the seconds since the previous lap go to ``stage`` in ``timings`` (the
    run's stages in the order they ran, ``RunResult.timings``, read by tools/bench.py). Only the
    function that sequences the stages laps: the stages themselves know nothing of it."""
    last = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - last
        last = now

    return lap


@dataclass
class _Incoming:
    """A file of the inbox through the run: archived, read, identified (``pipeline.intake``)."""

    path: Path
    name: str  # inside the inbox, as recorded and shown (inbox.Waiting.name)
    state: os.stat_result  # the inbox file as it was archived (archive.same_file_state)
    sha256: str = ""
    size: int = 0
    received: dt.datetime = dt.datetime.min  # decided by pipeline.receipts once archived
    notes: list[Message] = field(default_factory=list)  # the office's notes on its received time
    read: pool.Outcome | None = None  # as the reader left it, until identified
    found: intake.Identified = field(default_factory=intake.Identified)
    outcome: str = ""  # what became of it (通过 / 退回 …), once recorded


def _modified(state: os.stat_result) -> dt.datetime:
    """A file's modification time, to the second."""
    return dt.datetime.fromtimestamp(state.st_mtime).replace(microsecond=0)


def run_day(campaign: Campaign, as_of: dt.date | None) -> dt.date:
    """The as-of date of a monthly run (today when not given); one outside the campaign is
    refused before anything is written (a typo such as 2202-04-30 would record files under a
    month that does not exist)."""
    day = as_of or dt.date.today()
    if not campaign.covers(day):
        example = (campaign.problem_list_due.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
            days=1
        )
        raise AsOfOutside(
            "as-of-outside" if as_of else "as-of-outside-today",
            day=day.isoformat(),
            first=campaign.first_day.isoformat(),
            last=campaign.last_day.isoformat(),
            example=example.isoformat(),
        )
    return day


def _message_records(messages: list[Message] | tuple[Message, ...]) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "level": m.level,
            "sheet": m.sheet,
            "cell": m.cell,
            "text": m.text,
            "params": {k: str(v) for k, v in m.params.items()},
        }
        for m in messages
    ]


def _context(root: Path) -> tuple[Workspace, Campaign, Vocabulary]:
    ws = Workspace(root)
    campaign = load_campaign(ws.campaign_file)
    vocab = load_vocabulary(root / "synonyms.toml")
    return ws, campaign, vocab


def monthly(root: Path, as_of: dt.date | None = None, progress: Progress | None = None) -> RunResult:
    """Process the inbox as the month of ``as_of`` (today when None) and write that month's outputs.

    With an empty inbox and a month older than the ledger's latest, nothing in the ledger
    changes: the month is reproduced from its history, at the as-of date it was run with.
    A run that is refused (an as-of date outside the campaign, a ledger that cannot be trusted)
    writes nothing and moves no file.
    """
    gc.freeze()  # what is loaded now (the libraries) lives as long as the run: collections skip it
    try:
        return _monthly(root, as_of, progress)
    finally:
        gc.unfreeze()


def _monthly(root: Path, as_of: dt.date | None, progress: Progress | None) -> RunResult:
    """The monthly run's stages in order (see the module's docstring), each lapped."""
    timings: dict[str, float] = {}
    lap = _laps(timings)
    ws, campaign, vocab = _context(root)
    as_of = run_day(campaign, as_of)
    month = str(Month.of(as_of))
    cleared = read_cleared(ws.cleared_file)  # a mistake in it refuses the run before anything is written
    if ws.inbox.exists() and not ws.inbox.is_dir():
        raise InboxInvalid(path=ws.inbox)
    guard.check_ledger_file(ws)
    with storage_errors(ledger_saved=False):
        ws.ensure()
    with workspace_lock(ws.lock_path):
        faults.point("locked")
        store = guard.open_ledger(ws, months=[month])
        try:
            with storage_errors(ledger_saved=False):
                _recover(store, ws)
                files, left = inbox.scan(ws.inbox)
                if _reproduces(store, month, files):
                    return _reproduce(store, ws, campaign, vocab, month, left, cleared)
                result = RunResult(month, as_of, ws.month_dir(month), not_taken=left, timings=timings)
                lap("open")
                warming = _warm_up(len(files))
                seen = dt.datetime.now().replace(microsecond=0)
                incoming = _archive_and_read(files, ws, vocab, progress, result)
                result.receipt_notes = _receive(store, incoming, seen, as_of)
                _identify(incoming, campaign, month)
                lap("archive+read")
                gc.freeze()  # the tables read live until the run ends: later collections need not scan them
                if warming is not None:
                    warming.join()
                faults.point("read")
                checks = _check(incoming, campaign, vocab, month)
                lap("validate")
                now = seen.isoformat()
                with store.transaction():  # the run's ledger changes: all of them or none
                    store.sync_units(campaign.units)
                    _take_register(store, ws, campaign, vocab, month, as_of, now, result)
                    _take_cleared(store, ws, month, now, cleared)
                    _record_and_merge(store, incoming, checks, month, now, result, campaign)
                    _register_cases(store, campaign, month)
                    del checks  # merged: the checked rows are not needed any more
                    lap("ledger rules+merge")
                    ledgers = _ledgers(store, campaign, month, as_of)
                    doc_number = _close_month(store, ledgers, month, as_of, now)
                    faults.point("before-commit")
                faults.point("after-commit")
            lap("flags+commit")
            with storage_errors(ledger_saved=True):
                _empty_inbox(store, ws, incoming, result.saved_again)
                tables = _returned_tables(incoming)  # their feedback workbooks need not read them again
                del incoming  # the other read tables are not needed any more
                guard.backup(store, ws, month)
                lap("empty inbox")
                report = build_report(store, campaign, vocab, month, as_of, doc_number, ledgers, left, cleared)
                lap("report")
                key, reuse = _render_check(store, ws, report)
                returned = [] if reuse else returned_files(store, ws, vocab, month, tables)
                del tables
                lap("returned")
        finally:
            store.close()
        faults.point("before-render")
        result.report, result.reused = report, reuse
        with storage_errors(ledger_saved=True, folder=result.month_dir):
            result.outputs = _render_or_reuse(ws, report, key, reuse, returned, timings)
    return result


def _reproduces(store: Store, month: str, files: list[inbox.Waiting]) -> bool:
    """Whether the run reproduces a past month from the ledger's history: an empty inbox, for a
    month run before, with later months run since. Files for a month before the ledger's latest,
    or a month never run after later ones, are refused: they would rewrite the later months'
    history."""
    latest = store.latest_month()
    if not latest or latest <= month:
        return False
    if files:
        raise MonthOrderError(latest=latest, month=month)
    if month not in store.months():
        raise MonthOrderError("month-not-run", latest=latest, month=month)
    return True


def _warm_up(files: int) -> threading.Thread | None:
    """With many files to read, start the readers' server and, in a thread, warm the validator up
    while they are read; the thread, to join before validating. None without files, and for a
    few (a township's): their readers are forked from this process, which must then run no
    other thread, and ``_archive_and_read`` warms the validator up while they read."""
    if not files or not pool.uses_server(files):
        return None
    warming = threading.Thread(target=validate.warm_up, name="validate-warm-up", daemon=True)
    pool.warm(files)  # the readers' server starts while the validator warms up
    warming.start()
    return warming


def _close_month(store: Store, ledgers: dict[str, ItemLedger], month: str, as_of: dt.date, now: str) -> int:
    """Store the month's flags (督办次数 counts the months a run found an item red), record the
    run and seal the month; the circular's document number."""
    for ledger in ledgers.values():
        store.set_flags(ledger.kind, month, aggregate.flag_rows(ledger))
    doc_number = store.record_run(month, as_of, now)
    store.seal([month], now)
    return doc_number


@contextlib.contextmanager
def storage_errors(ledger_saved: bool, folder: Path | None = None) -> Iterator[None]:
    """Turn a full or failing disk, or a folder that cannot be written, into a clear refusal
    that says whether the ledger was already saved (a re-run then completes the month)."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as exc:
        if isinstance(exc, PipelineError):
            raise
        state = render_text("state-ledger-saved" if ledger_saved else "state-ledger-unchanged", {})
        if disk_full(exc):
            raise StorageFailed(detail=describe(exc), state=state) from exc
        if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EROFS:
            name = getattr(exc, "filename", None)
            where = Path(name).parent if name else (folder or render_text("where-workspace", {}))
            raise StorageFailed("output-not-writable", path=where, detail=describe(exc), state=state) from exc
        raise


def _render_check(store: Store, ws: Workspace, report: MonthReport) -> tuple[str, bool]:
    """The fingerprint of the month's outputs, and whether the files rendered from it are intact."""
    key = render.render_key(report, extra=[r.hash for r in store.audit_chain(report.month)])
    stored, files = store.rendered(report.month)
    return key, stored == key and render.outputs_intact(ws.month_dir(report.month), files)


def _render_or_reuse(
    ws: Workspace,
    report: MonthReport,
    key: str,
    reuse: bool,
    returned: list[Returned],
    timings: dict[str, float] | None = None,
) -> list[Path]:
    """Render the month, or keep its outputs when nothing they are made from has changed."""
    month_dir = ws.month_dir(report.month)
    if reuse:
        return sorted(p for p in month_dir.rglob("*") if p.is_file())
    outputs = render.render_month(report, month_dir, returned=returned, timings=timings)
    store = Store.open(ws.db_path)
    try:  # remembered only once the outputs are in place: a crash before this re-renders
        store.set_rendered(report.month, key, render.manifest(month_dir))
    finally:
        store.close()
    return outputs


def _returned_tables(incoming: list[_Incoming]) -> dict[str, RawTable]:
    """The tables of the files this run returned, by the hash of their archived copy."""
    return {
        item.sha256: item.found.submission.raw
        for item in incoming
        if item.outcome == Outcome.RETURNED and item.found.submission is not None
    }


def returned_files(
    store: Store, ws: Workspace, vocab: Vocabulary, month: str, tables: Mapping[str, RawTable] | None = None
) -> list[Returned]:
    """The month's returned files that have a table, read again from the archive (``tables``: those
    the run has just read, by the hash of their archived copy, are not read again).

    Built from the audit log, so a re-run of the month makes the same feedback workbooks; a
    file refused by ingest (encrypted, not a spreadsheet…) has no table and gets none, nor does a
    file its unit has since replaced with an accepted one (the feedback would be out of date).
    The office's own notes (received times…) are not sent back.
    """
    names = store.unit_names()
    out: list[Returned] = []
    records = [
        r for r in intake.still_returned(store.audit_records(month)) if archive_path(ws.archive, r.sha256).is_file()
    ]
    if not records:
        return out
    from pipeline.outputs.feedback import Note, Returned  # openpyxl: only for a month with returned files

    known = tables or {}
    unread = [r for r in records if r.sha256 not in known]
    tasks = [pool.Task(archive_path(ws.archive, r.sha256), r.file_name) for r in unread]
    outcomes = pool.read_all(tasks, vocab) if tasks else []  # capped, as when received
    read = {r.sha256: outcome.raw for r, outcome in zip(unread, outcomes, strict=True)}
    for record in records:
        raw = known[record.sha256] if record.sha256 in known else read[record.sha256]
        original = archive_path(ws.archive, record.sha256)
        if raw is None:
            continue
        notes = tuple(
            Note.from_record(m, record.file_name)
            for m in json.loads(record.messages)
            if not (m.get("code") in CATALOGUE and CATALOGUE[m["code"]].office_only)
        )
        others = tuple(table.sheet for table in raw.extra.values())
        out.append(
            Returned(record.file_name, names.get(record.unit_code or "", ""), original, raw.sheet, notes, others)
        )
    return out


def _recover(store: Store, ws: Workspace) -> None:
    """Tidy what a killed run left behind (the lock is held, so nothing else is running).

    Inbox files whose record had committed are removed, not taken again; half-written archive
    copies and half-rendered output folders are deleted. Archive copies of files never
    recorded need nothing: the files are still in the inbox and this run records them.
    """
    done = store.inbox_done()
    if done:
        waiting = {w.name: w for w in inbox.scan(ws.inbox)[0]}
        removed = []
        for name, sha, _received_at in done:
            found = waiting.get(name)
            if found is not None and sha256_of(found.path) == sha:
                found.path.unlink()
                removed.append(found)
        fsync_path(ws.inbox)
        inbox.prune(ws.inbox, removed)
        store.clear_inbox_done()
    remove_partial_copies(ws.archive)
    for stale in ws.out.glob(".*-*"):  # render's staging (.2022-04.tmp-PID) and swap (.2022-04.old-PID)
        if stale.is_dir() and (".tmp-" in stale.name or ".old-" in stale.name):
            shutil.rmtree(stale)


def _empty_inbox(store: Store, ws: Workspace, incoming: list[_Incoming], saved_again: list[str]) -> None:
    """Remove the recorded files from the inbox, durably, then forget them (SPEC §8); the
    folders they came in go too once empty.

    A file found saved again since it was archived is a new version: it stays for the next run
    (``saved_again``). The check and the removal are a moment apart: a save in that moment
    itself is not seen."""
    removed = []
    for item in incoming:
        try:
            now = item.path.stat()
        except FileNotFoundError:
            continue
        if not same_file_state(item.state, now):
            saved_again.append(item.name)
            continue
        item.path.unlink(missing_ok=True)
        removed.append(inbox.Waiting(item.path, item.name))
        faults.point("unlinked")
    if incoming:
        for folder in {ws.inbox, *(w.path.parent for w in removed)}:
            if folder.is_dir():
                fsync_path(folder)
        inbox.prune(ws.inbox, removed)
        store.clear_inbox_done()


def _reproduce(
    store: Store,
    ws: Workspace,
    campaign: Campaign,
    vocab: Vocabulary,
    month: str,
    left: list[inbox.Left],
    cleared: dict[str, str],
) -> RunResult:
    """Render a past month again from the ledger's history, changing nothing in the ledger (the
    hints the office has cleared since are left out)."""
    as_of = store.month_as_of(month)
    assert as_of is not None
    doc_number = store.month_doc_number(month)
    report = build_report(store, campaign, vocab, month, as_of, doc_number, left=left, cleared=cleared)
    result = RunResult(month=month, as_of=as_of, month_dir=ws.month_dir(month), report=report, not_taken=left)
    key, result.reused = _render_check(store, ws, report)
    returned = [] if result.reused else returned_files(store, ws, vocab, month)
    result.outputs = _render_or_reuse(ws, report, key, result.reused, returned)
    return result


def _archive_and_read(
    files: list[inbox.Waiting], ws: Workspace, vocab: Vocabulary, progress: Progress | None, result: RunResult
) -> list[_Incoming]:
    """Archive and read every file in capped worker processes (``readers.pool``), in parallel: each
    worker copies a file into the archive, then reads the bytes it copied. Every copy is durable
    before this returns, so before anything is recorded; the items in the order of ``files``.

    A file that changed or vanished while it was copied stays for the next run
    (``left_in_inbox``), one this computer's user may not read is named (``no_permission``); a
    full or failing disk stops the run before anything is recorded."""
    names = [w.name for w in files]
    tasks = [pool.Task(w.path, w.name, ws.archive) for w in files]

    def step(index: int, done: int) -> None:
        if progress:
            progress(names[index], done, len(files))
        faults.point("file-read")

    warm = validate.warm_up if files and not pool.uses_server(len(files)) else None  # else _warm_up's thread
    incoming: list[_Incoming] = []
    for waiting, outcome in zip(files, pool.read_all(tasks, vocab, progress=step, meanwhile=warm), strict=True):
        copied = outcome.archived
        if copied is None and outcome.code == pool.NOT_ARCHIVED:
            reason = int(outcome.params.get("errno") or 0)
            if reason in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
                raise OSError(reason, os.strerror(reason), str(ws.archive))
            (result.no_permission if reason in (errno.EACCES, errno.EPERM) else result.left_in_inbox).append(
                waiting.name
            )
            continue
        if copied is None:
            try:  # its reader died: the copy may be there already, and copying again is a no-op
                copied = copy_in(waiting.path, ws.archive, sync=False)
            except PermissionError:
                result.no_permission.append(waiting.name)
                continue
            except OSError as exc:
                if disk_full(exc):
                    raise
                result.left_in_inbox.append(waiting.name)  # removed, or still being written: taken next run
                continue
        incoming.append(_Incoming(waiting.path, waiting.name, copied.state, copied.sha256, copied.size, read=outcome))
    make_durable(ws.archive, [archive_path(ws.archive, item.sha256) for item in incoming])
    for _ in incoming:
        faults.point("archived")
    return incoming


def _receive(store: Store, incoming: list[_Incoming], seen: dt.datetime, as_of: dt.date) -> list[Message]:
    """Decide each file's received time (``pipeline.receipts``) and put the files in that order
    (then by name): of two identical files the later is the duplicate, of two lists of a unit
    the later supersedes."""
    decided: dict[str, receipts.Receipt] = {}
    for item in incoming:
        event = store.registration(item.sha256)
        registered = stated = None
        if event is not None:
            kind, record = event
            if kind == Outcome.STATED:
                stated = dt.datetime.fromisoformat(record.received_at)
            else:
                registered = dt.datetime.fromisoformat(record.recorded_at)
        decided[item.name] = receipts.decide(_modified(item.state), seen, registered, stated)
    notes = receipts.notes(decided, as_of)
    for item in incoming:
        item.received = decided[item.name].at
        item.notes = notes.get(item.name, [])
    incoming.sort(key=lambda item: (item.received, item.name))
    return receipts.summary(notes, as_of)


def _identify(incoming: list[_Incoming], campaign: Campaign, month: str) -> None:
    """What each read file is (``intake.identify``); the reader's outcome is let go."""
    for item in incoming:
        assert item.read is not None
        item.found = intake.identify(item.name, item.read, item.received, campaign, month)
        item.read = None


Checks = dict[Path, tuple[Checked, dict[str, tuple[pd.DataFrame, list[Message]]]]]


def _check(incoming: list[_Incoming], campaign: Campaign, vocab: Vocabulary, month: str) -> Checks:
    """The validate stage over every unit's problem list and the tables beside it (the checks
    that need no ledger): by file, its checked list (with a village's 办事效率评议, ``with_rating``)
    and its other kinds' (rows, messages)."""
    lists = {i.path: i.found.submission for i in incoming if i.found.submission is not None}
    checked = [with_rating(c, campaign, vocab, month) for c in check_submissions(list(lists.values()), campaign, vocab)]
    tables = _check_other_tables(lists, campaign, vocab)
    return {path: (c, tables.get(path, {})) for path, c in zip(lists, checked, strict=True)}


def _record_and_merge(
    store: Store,
    incoming: list[_Incoming],
    checks: Checks,
    month: str,
    now: str,
    result: RunResult,
    campaign: Campaign,
) -> None:
    """Record every file in the audit log and merge the accepted ones, in received order: what
    becomes of each is intake's decision (a unit's problem list after the ledger rules). In a
    month with a rating period, a rater's accepted file also makes its 办事效率评议 for the period
    (none, when the file carries no rating sheet: a later file replaces an earlier one)."""
    names = store.unit_names()
    period = campaign.rating_period(month)
    raters = {u.code for u in campaign.raters}
    for item in incoming:
        decision = intake.decide(item.name, item.found, store.find_by_hash(item.sha256))
        if decision is None:
            checked, tables = checks[item.path]
            decision = intake.judge(_with_ledgers(store, checked, tables, month))
        seq = _record(store, item, month, now, decision)
        item.outcome = decision.outcome
        result.files.append(
            FileOutcome(item.name, names.get(decision.unit or "", ""), decision.outcome, decision.messages)
        )
        if decision.merge is not None:
            store.apply(PROBLEM, seq, decision.merge.unit.code, month, decision.merge.rows)
            for name, rows in decision.merge.items.items():
                store.apply(BY_NAME[name], seq, decision.merge.unit.code, month, rows)
            if period is not None and decision.merge.unit.code in raters:
                store.set_rating(period, decision.merge.unit.code, seq, decision.merge.rating)
        store.mark_inbox_done(item.name, item.sha256, item.received.isoformat(), seq)
        faults.point("recorded")


def _record(store: Store, item: _Incoming, month: str, now: str, decision: intake.Decision) -> int:
    """Append a received file's audit record (the decision's messages, then the office's notes on
    its received time); the record's seq."""
    return store.append_audit(
        file_name=item.name,
        sha256=item.sha256,
        size=item.size,
        unit_code=decision.unit,
        month=month,
        received_at=item.received.isoformat(),
        outcome=decision.outcome,
        messages=_message_records([*decision.messages, *item.notes]),
        recorded_at=now,
    )


def build_report(
    store: Store,
    campaign: Campaign,
    vocab: Vocabulary,
    month: str,
    as_of: dt.date,
    doc_number: int,
    ledgers: dict[str, ItemLedger] | None = None,
    left: Sequence[inbox.Left] = (),
    cleared: dict[str, str] | None = None,
) -> MonthReport:
    """The month's report from the ledger: every kind's ledger (``ledgers``, when the run has just
    computed them, else computed here), last month's problems, the month's audit records, its
    形式主义提示 (those in ``cleared``, the office's 已核实提示.toml, left out); ``left``: what lies
    in the inbox that no run reads (校验结果 names it)."""
    if ledgers is None:
        ledgers = _ledgers(store, campaign, month, as_of)
    prev = str(Month.parse(month).previous)
    prev_ran = prev in store.months()
    report = aggregate.month_report(
        campaign=campaign,
        vocab=vocab,
        month=month,
        as_of=as_of,
        doc_number=doc_number,
        ledgers=ledgers,
        records=store.audit_records(month),
        unit_names=store.unit_names(),
        previous_state=store.state(PROBLEM, prev) if prev_ran else None,
        previous_month=prev if prev_ran else None,
        previous_records=store.audit_records(prev) if prev_ran else None,
        previous_flags=store.stored_flags(PROBLEM, prev) if prev_ran else None,
        not_taken=[(x.name, render_text(x.code, {"depth": inbox.MAX_DEPTH})) for x in left],
        ratings=store.ratings() if campaign.rating_period(month) is not None else None,
        formality=findings(store, campaign, vocab, month, cleared or {}),
    )
    return report


def findings(
    store: Store,
    campaign: Campaign,
    vocab: Vocabulary,
    month: str,
    cleared: dict[str, str],
    problems: pd.DataFrame | None = None,
) -> formality.Findings:
    """The month's 形式主义提示 from the ledger's history of problems up to ``month`` (``problems``:
    ``Store.problem_history`` up to this month or a later one, when read already)."""
    names = {n for u in campaign.units for n in u.names} | set(store.unit_names().values())
    return formality.findings(
        store.problem_history(PROBLEM, month) if problems is None else problems,
        month,
        names,
        campaign.formality,
        formality.Words.of(vocab.sections),
        cleared,
        done_statuses=(ProblemStatus.DONE, ProblemStatus.LONG_TERM),  # as validate's progress-unchanged
    )


def _take_cleared(store: Store, ws: Workspace, month: str, now: str, cleared: dict[str, str]) -> None:
    """Record the office's 已核实提示.toml in the audit trail: each version archived under its hash
    and recorded once a month, so which hints were cleared, when and why is provable."""
    path = ws.cleared_file
    if not path.is_file():
        return
    sha, size = archive_file(path, ws.archive)
    if cleared:
        params = {"count": len(cleared), "keys": "、".join(cleared)}
        message = Message("cleared-recorded", file=path.name, params=params)
    else:  # emptied: every clearance taken back, which the audit trail must show too
        message = Message("cleared-none", file=path.name, params={})
    _record_office_file(store, path, sha, size, month, now, Outcome.CLEARED, [message])


def _record_office_file(
    store: Store, path: Path, sha: str, size: int, month: str, now: str, outcome: str, messages: list[Message]
) -> int | None:
    """Record a file of the office's own (交办事项.xlsx, 已核实提示.toml), archived under ``sha``, in
    the audit trail once a month for each version; its record's seq (None: recorded already)."""
    if store.register_recorded(sha, month):
        return None
    return store.append_audit(
        file_name=path.name,
        sha256=sha,
        size=size,
        unit_code=None,
        month=month,
        received_at=_modified(path.stat()).isoformat(),
        outcome=outcome,
        messages=_message_records(messages),
        recorded_at=now,
    )


def _ledgers(store: Store, campaign: Campaign, month: str, as_of: dt.date) -> dict[str, ItemLedger]:
    """Every kind's ledger at the end of ``month``, its lights at ``as_of``: the problems', and any
    other kind's that has items."""
    out = {}
    for kind in KINDS:
        state = store.state(kind, month)
        if kind is not PROBLEM and state.empty:
            continue
        out[kind.name] = aggregate.kind_ledger(
            kind,
            state,
            aggregate.flags(state, as_of, campaign.warning_days, kind),
            store.red_months(kind, month),
            campaign.escalate_after,
            month,
            as_of=as_of,
            warning_days=campaign.warning_days,
            unit_order=[u.code for u in campaign.units],
        )
    return out


# --- other ledger kinds: the office's list of assigned matters and the units' progress on them ---


def _take_register(
    store: Store,
    ws: Workspace,
    campaign: Campaign,
    vocab: Vocabulary,
    month: str,
    as_of: dt.date,
    now: str,
    result: RunResult,
) -> None:
    """Read the office's list of assigned matters (``交办事项.xlsx`` in the workspace root), if any.

    Each version is archived under its hash and recorded once a month in the audit log (so what
    was assigned when is provable); good rows are registered, bad rows skipped and named. A list
    that cannot be read at all leaves the registered matters as they were.
    """
    from pipeline.register import read_register

    path = ws.root / REGISTER_FILE
    if not path.is_file():
        return
    try:
        sha, size = archive_file(path, ws.archive)
    except OSError:  # being saved by the office right now: the next run takes it
        result.left_in_inbox.append(path.name)
        return
    rows = None
    try:
        read = read_register(path, campaign, vocab, as_of)
    except FileRefused as exc:
        messages = [Message("register-unreadable", file=path.name, params={"file": path.name, "detail": exc.text})]
    else:
        messages = [*read.messages, read.summary]
        rows = read.rows
    seq = _record_office_file(store, path, sha, size, month, now, Outcome.REGISTER, messages)
    if rows is not None:
        store.register(MATTER, month, seq, rows)
    result.register = FileOutcome(path.name, aggregate.OFFICE_NAME, Outcome.REGISTER, tuple(messages))


def _register_cases(store: Store, campaign: Campaign, month: str) -> None:
    """Register the month's rating period's 不满意 cases (``rating.cases``) from the ratings just
    stored, as the office's record of items of ``RATING_CASE``: each rated department answers
    them in its next file. Ids already given are kept (the records of every earlier run)."""
    period = campaign.rating_period(month)
    if period is None:
        return
    known = {
        (str(rec.get("评议期编码")), str(rec.get("评议单位编码")), code): iid
        for iid, rec in store.register_state(RATING_CASE, month).items()
        for code in rec.get("承办单位编码") or ()
    }
    received = {r.seq: dt.datetime.fromisoformat(r.received_at).date() for r in store.audit_records(month)}
    rows = rating.cases(campaign, period, store.ratings(period), received, known, store.item_ids(RATING_CASE))
    store.register(RATING_CASE, month, None, rows)


def _check_other_tables(
    lists: dict[Path, Submission], campaign: Campaign, vocab: Vocabulary
) -> dict[Path, dict[str, tuple[pd.DataFrame, list[Message]]]]:
    """Every problem list's tables of the kinds beside it (its 交办事项 sheet), normalised and
    validated: one pass per kind; (rows, messages) by file and kind."""
    out: dict[Path, dict[str, tuple[pd.DataFrame, list[Message]]]] = {}
    for kind in ITEM_KINDS:
        having = {path: s.raw.extra[kind.name] for path, s in lists.items() if kind.name in s.raw.extra}
        received = [lists[path].received.date() for path in having]
        checked = check_tables(list(having.values()), kind, campaign, vocab, received)
        for (path, raw), (rows, messages) in zip(having.items(), checked, strict=True):
            out.setdefault(path, {})[kind.name] = (rows, [*raw.notices, *messages])
    return out


def _with_ledgers(
    store: Store, checked: Checked, tables: dict[str, tuple[pd.DataFrame, list[Message]]], month: str
) -> Checked:
    """``checked`` with the ledger rules of every kind: its problem list's, then each other kind's
    table (a kind the file has no table of is checked too when the unit holds items of it: an
    open one left out is an error)."""
    checked = with_ledger(
        checked,
        PROBLEM,
        checked.rows,
        (),
        store.view(PROBLEM, checked.unit.code, month, checked.rows[PROBLEM.id_column].tolist()),
    )
    for kind in ITEM_KINDS:
        rows, messages = tables.get(kind.name, (None, []))
        if rows is None and not store.has_items(kind):
            continue  # the ledger has no item of the kind at all: none can be the unit's
        view = store.view(kind, checked.unit.code, month)
        if rows is None and not view.held:
            continue  # no such sheet, and nothing of the kind is the unit's: nothing to say
        checked = with_ledger(checked, kind, rows, messages, view)
    return checked


def templates(root: Path, month: str | None = None) -> list[Path]:
    """Blank templates for every unit of the roster (``out/模板/``)."""
    ws, campaign, _ = _context(root)
    target = str(Month.of(campaign.problem_list_due)) if month is None else campaign_month(campaign, month)
    return render.write_templates(campaign, None, target, ws.out / "模板")


def campaign_month(campaign: Campaign, text: str) -> str:
    """A month the clerk typed (``2022-04``), checked: a real month of the campaign."""
    first, last = Month.of(campaign.first_day), Month.of(campaign.last_day)
    month = Month.parse(text.strip()) if Month.valid(text.strip()) else None
    if month is None or not first <= month <= last:
        raise MonthInvalid(value=text, first=str(first), last=str(last))
    return str(month)


# --- received times the clerk registers or states (pipeline/receipts.py) ---------------------


@dataclass(frozen=True)
class Registered:
    """A file the clerk registered or whose received time was stated: its name and that time."""

    name: str
    received: dt.datetime
    new: bool  # False: registered before (its first sight stands)


def receive(root: Path) -> list[Registered]:
    """Register the inbox's new files as received now (or at their modification time, if
    earlier): archived and recorded, they keep that first sight whenever the month is run.
    Files registered or taken before are listed as they were."""
    ws, _campaign, _vocab = _context(root)
    if ws.inbox.exists() and not ws.inbox.is_dir():
        raise InboxInvalid(path=ws.inbox)
    guard.check_ledger_file(ws)
    ws.ensure()
    out: list[Registered] = []
    with workspace_lock(ws.lock_path), contextlib.closing(guard.open_ledger(ws)) as store:
        now = dt.datetime.now().replace(microsecond=0)
        with storage_errors(ledger_saved=False), store.transaction():
            for waiting in inbox.scan(ws.inbox)[0]:
                try:
                    got = copy_in(waiting.path, ws.archive)
                except OSError as exc:
                    if disk_full(exc):
                        raise
                    continue  # being written, or not readable: a monthly run names it
                event = store.registration(got.sha256)
                taken = store.find_by_hash(got.sha256)
                if taken is not None or event is not None:
                    known = taken or (event[1] if event else None)
                    assert known is not None
                    out.append(Registered(waiting.name, dt.datetime.fromisoformat(known.received_at), False))
                    continue
                at = min(_modified(got.state), now)
                store.append_audit(
                    file_name=waiting.name,
                    sha256=got.sha256,
                    size=got.size,
                    unit_code=None,
                    month="",
                    received_at=at.isoformat(),
                    outcome=Outcome.REGISTERED,
                    messages=[],
                    recorded_at=now.isoformat(),
                )
                out.append(Registered(waiting.name, at, True))
            store.seal([], now.isoformat())
    return out


@dataclass(frozen=True)
class _Stated:
    """The file a stated received time is about, as the audit record of the statement names it."""

    sha256: str
    size: int
    file_name: str
    unit_code: str | None
    month: str  # "" for a file still in the inbox
    seq: str  # the seq of the file's record, "" for a file still in the inbox
    seen: dt.datetime  # when the pipeline first saw it: a stated time may not be later
    was: str  # the received time it had, as the clerk reads it


def state_received(root: Path, name: str, at: dt.datetime) -> tuple[Registered, str | None]:
    """Record the received time the clerk states for a file: one in the inbox (its month's run
    will use it) or one already taken (报送情况 uses it once its month is run again: the month's
    as-of date is returned for that). A time after the pipeline first saw the file is refused:
    the office had it by then."""
    ws, campaign, _vocab = _context(root)
    now = dt.datetime.now().replace(microsecond=0)
    earliest = campaign.first_day.replace(month=1, day=1)
    if not earliest <= at.date() or at > now:
        raise ReceivedRefused("received-out-of-range", at=f"{at:%Y-%m-%d %H:%M}", first=earliest.isoformat())
    guard.check_ledger_file(ws)
    ws.ensure()
    with workspace_lock(ws.lock_path), contextlib.closing(guard.open_ledger(ws)) as store:
        with storage_errors(ledger_saved=False), store.transaction():
            subject = _stated_subject(store, ws, name, now)
            if at > subject.seen:
                raise ReceivedRefused(
                    "received-after-seen", at=f"{at:%Y-%m-%d %H:%M}", seen=f"{subject.seen:%Y-%m-%d %H:%M}"
                )
            note = Message(
                "received-corrected",
                file=subject.file_name,
                params={"at": f"{at:%Y-%m-%d %H:%M}", "was": subject.was, "seq": subject.seq},
            )
            store.append_audit(
                file_name=subject.file_name,
                sha256=subject.sha256,
                size=subject.size,
                unit_code=subject.unit_code,
                month=subject.month,
                received_at=at.isoformat(),
                outcome=Outcome.STATED,
                messages=_message_records([note]),
                recorded_at=now.isoformat(),
            )
            store.seal([subject.month] if subject.month else [], now.isoformat())
        as_of = store.month_as_of(subject.month) if subject.month else None
    return Registered(subject.file_name, at, True), as_of.isoformat() if as_of else None


def _stated_subject(store: Store, ws: Workspace, name: str, now: dt.datetime) -> _Stated:
    """The one file ``name`` means: in the inbox (its path there, or its name alone), else the
    latest taken file of that name."""
    waiting = [w for w in inbox.scan(ws.inbox)[0] if name in (w.name, Path(w.name).name)]
    taken = [r for r in store.audit_records() if name in (r.file_name, Path(r.file_name).name)]
    if len(waiting) > 1 or (not waiting and len({r.sha256 for r in taken}) > 1):
        found = [w.name for w in waiting] or [f"{r.month} {r.file_name}" for r in taken]
        raise ReceivedRefused("received-ambiguous", file=name, found="、".join(found))
    if waiting:
        got = copy_in(waiting[0].path, ws.archive)
        event = store.registration(got.sha256)
        seen = dt.datetime.fromisoformat(event[1].recorded_at) if event else now
        was = f"{receipts.MODIFIED_LABEL} {_modified(got.state):%Y-%m-%d %H:%M}"
        return _Stated(got.sha256, got.size, waiting[0].name, None, "", "", seen, was)
    if taken:
        r = taken[-1]
        seen = dt.datetime.fromisoformat(r.recorded_at)
        return _Stated(
            r.sha256, r.size, r.file_name, r.unit_code, r.month, str(r.seq), seen, r.received_at.replace("T", " ")[:16]
        )
    raise ReceivedRefused("received-not-found", file=name)


def restore(root: Path) -> tuple[Path, Path | None]:
    """Put the newest backup in place of a missing, damaged or edited ledger (``guard.restore``)."""
    ws, _campaign, _vocab = _context(root)
    with workspace_lock(ws.lock_path):
        return guard.restore(ws)


def audit_verify(root: Path) -> list[Finding]:
    """Check the audit chain, the archive and the ledger's seal (SPEC §8); the findings, tampering
    first. A missing or damaged ledger is refused as a monthly run refuses it."""
    ws, _campaign, _vocab = _context(root)
    store = guard.open_ledger(ws, check_seal=False)  # verify names every change itself
    try:
        findings = verify(store, ws.archive, ws.inbox)
    finally:
        store.close()
    return sorted(findings, key=lambda f: not f.tampering)


@dataclass(frozen=True)
class AuditListing:
    """What ``audit show`` lists (pipeline/terminal.py shows it): the audit records as written,
    oldest first, of one unit or of all; the units' names; and the accepted files a later accepted
    file of their unit superseded that month, with that file (``intake.superseded``)."""

    records: list[AuditRecord]
    unit_names: dict[str, str]
    superseded: dict[int, AuditRecord]


def audit_records(root: Path, unit: str | None = None) -> AuditListing:
    """The received files' audit records, oldest first, of one unit (code, name or alias) or of all."""
    ws, campaign, _ = _context(root)
    code = None
    if unit is not None:
        wanted = unit.strip()
        match = next(
            (u for u in campaign.units if wanted.upper() == u.code.upper() or wanted in (u.name, *u.aliases)), None
        )
        if match is None:
            raise UnitUnknown(unit=wanted, example=campaign.units[0].code)
        code = match.code
    if not ws.db_path.exists():
        return AuditListing([], {}, {})
    with contextlib.closing(Store.open(ws.db_path)) as store:
        records = store.audit_chain()
        names = store.unit_names()
    mine = [r for r in records if code is None or r.unit_code == code]
    return AuditListing(mine, names, intake.superseded(records))


def summary(root: Path, period: str, as_of: dt.date | None = None, fonts: tuple[str, ...] | None = None) -> list[Path]:
    """The half-year or year report (Word) and its workbook from the ledger's history to ``as_of``.

    Without ``as_of``, the report runs to the as-of date of the latest month in the ledger.
    """
    from pipeline import summary as summary_data
    from pipeline.outputs.reports import render_summary

    ws, campaign, vocab = _context(root)
    if as_of is not None:
        run_day(campaign, as_of)  # a mistyped date is refused, as for a monthly run
    cleared = read_cleared(ws.cleared_file)
    if not ws.db_path.exists() and not guard.history(ws):
        raise SummaryNoData()
    store = guard.open_ledger(ws)
    try:
        if as_of is None:
            latest = store.latest_month()
            as_of = (store.month_as_of(latest) if latest else None) or dt.date.today()
        plan = summary_data.plan_period(campaign, store.months(), period, as_of)  # refuses stale figures
        months = plan.months
        problems = store.problem_history(PROBLEM, months[-1])  # read once: each month takes its part
        history = [
            summary_data.MonthHistory(
                month=m,
                as_of=store.month_as_of(m) or as_of,
                state=store.state(PROBLEM, m),
                lights=store.stored_flags(PROBLEM, m),
                red_months=store.red_months(PROBLEM, m),
                records=tuple(store.audit_records(m)),
                formality=findings(store, campaign, vocab, m, cleared, problems),
            )
            for m in months
        ]
        records = [r for r in store.audit_records() if r.month <= months[-1]]
        matters = _ledgers(store, campaign, months[-1], history[-1].as_of).get(MATTER.name)
        ratings = store.ratings() if campaign.rating is not None else None
    finally:
        store.close()
    data = summary_data.build(campaign, vocab, period, as_of, history, records, matters, plan, ratings)
    folder = output_path(ws.out, safe_name(f"{as_of.year}年{data.period_name}报告"))
    return render_summary(data, folder, fonts)
