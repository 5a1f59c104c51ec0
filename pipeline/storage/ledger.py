"""The ledger: one SQLite database per workspace (SPEC §5, §8).

Tables: the roster, the append-only hash-chained audit log of every received file, problems
with their stable 问题编号, every month's values of every problem (history), the lights found at
each month's run, and the circular numbers. The schema is versioned; migrations run on open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Unit
from pipeline.errors import LedgerCorrupt, LedgerTooNew
from pipeline.storage import seal as sealing

GENESIS = "0" * 64

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE units(code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL);
    CREATE TABLE audit_log(
        seq INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        unit_code TEXT,
        month TEXT NOT NULL,
        received_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        messages TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX audit_sha ON audit_log(sha256);
    CREATE INDEX audit_month ON audit_log(month, unit_code);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TABLE problems(
        problem_id TEXT PRIMARY KEY,
        unit_code TEXT NOT NULL REFERENCES units(code),
        number INTEGER NOT NULL,
        created_month TEXT NOT NULL,
        created_seq INTEGER NOT NULL,
        UNIQUE(unit_code, number)
    );
    CREATE TABLE versions(
        problem_id TEXT NOT NULL REFERENCES problems(problem_id),
        month TEXT NOT NULL,
        seq INTEGER NOT NULL,
        excel_row INTEGER,
        category TEXT NOT NULL,
        description TEXT NOT NULL,
        measures TEXT,
        leader TEXT,
        person TEXT,
        deadline TEXT,
        progress TEXT,
        status TEXT NOT NULL,
        completed_on TEXT,
        remark TEXT,
        PRIMARY KEY(problem_id, month)
    );
    CREATE INDEX versions_month ON versions(month);
    CREATE TABLE month_flags(
        problem_id TEXT NOT NULL,
        month TEXT NOT NULL,
        light TEXT NOT NULL,
        overdue_days INTEGER NOT NULL,
        red INTEGER NOT NULL,
        PRIMARY KEY(problem_id, month)
    );
    CREATE TABLE month_runs(
        month TEXT PRIMARY KEY,
        as_of TEXT NOT NULL,
        doc_year INTEGER NOT NULL,
        doc_number INTEGER NOT NULL,
        last_run TEXT NOT NULL,
        UNIQUE(doc_year, doc_number)
    );
    """,
    # v2: inbox files whose audit record has committed but which may still lie in the inbox (a
    # run stopped between its commit and emptying the inbox). The next run removes them instead
    # of mistaking them for new files; a row lives only until its file is gone.
    """
    CREATE TABLE inbox_done(
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        seq INTEGER NOT NULL REFERENCES audit_log(seq),
        PRIMARY KEY(file_name, sha256, received_at)
    );
    """,
    # v3: other ledger kinds (pipeline/kinds.py), e.g. the assigned matters (交办事项). Problems keep
    # their own tables. ``unit_code`` '' is the office's own record of an item (what was assigned,
    # to whom, by when) in item_versions, and the item as a whole in item_flags; a unit's code is
    # that unit's progress on it (a matter may be assigned to several units).
    """
    CREATE TABLE items(
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        created_month TEXT NOT NULL,
        created_seq INTEGER,
        PRIMARY KEY(kind, item_id)
    );
    CREATE TABLE item_versions(
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        unit_code TEXT NOT NULL,
        month TEXT NOT NULL,
        seq INTEGER,
        excel_row INTEGER,
        status TEXT,
        deadline TEXT,
        done_on TEXT,
        progress TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY(kind, item_id, unit_code, month),
        FOREIGN KEY(kind, item_id) REFERENCES items(kind, item_id)
    );
    CREATE INDEX item_versions_month ON item_versions(kind, month);
    CREATE TABLE item_flags(
        kind TEXT NOT NULL,
        item_id TEXT NOT NULL,
        unit_code TEXT NOT NULL,
        month TEXT NOT NULL,
        light TEXT NOT NULL,
        overdue_days INTEGER NOT NULL,
        red INTEGER NOT NULL,
        PRIMARY KEY(kind, item_id, unit_code, month)
    );
    """,
    # v4: what each month's outputs were rendered from (a fingerprint) and the files written, so a
    # run that changes nothing re-uses them instead of writing the same files again. Bookkeeping of
    # the outputs, not of the ledger: reproducing a month may rewrite it.
    """
    CREATE TABLE month_renders(
        month TEXT PRIMARY KEY,
        render_key TEXT NOT NULL,
        files TEXT NOT NULL
    );
    """,
    # v5: the ledger's seal (pipeline/seal.py): a digest of every row reports are made from, and a
    # hash chain of the ledger's roots bound to the audit chain. A ledger migrated to v5 is sealed
    # as it stands (``_after_migration``).
    sealing.SCHEMA,
)
SCHEMA_VERSION = len(MIGRATIONS)

# versions column -> ledger (Chinese) column
FIELDS: dict[str, str] = {
    "category": "问题类别",
    "description": "具体问题",
    "measures": "整改措施",
    "leader": "责任领导",
    "person": "责任人",
    "deadline": "完成时限",
    "progress": "整改进展",
    "status": "完成状态",
    "completed_on": "完成日期",
    "remark": "备注",
}
LONG_TERM = "长期坚持"

# Audit records that are not a received file's outcome but an event about one: the clerk's
# registration of files as they come in (``make receive``) and a stated received time
# (``make received``). ``audit_records`` leaves them out and applies the stated times.
REGISTERED = "收件登记"
STATED = "更正接收时间"
EVENTS = (REGISTERED, STATED)


@dataclass(frozen=True)
class Registered:
    """A problem the ledger holds, as it stood at the end of last month."""

    problem_id: str
    unit_code: str
    description: str
    deadline: dt.date | str | None
    status: str
    progress: str | None


@dataclass(frozen=True)
class LedgerView:
    """What a unit's submission is checked against."""

    owners: dict[str, str]  # every problem id -> owning unit code
    unit_names: dict[str, str]  # unit code -> name
    registered: dict[str, Registered]  # this unit's problems at the end of last month
    new_this_month: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class AssignedItem:
    """An item of another kind assigned to a unit, as it stood at the end of last month."""

    item_id: str
    content: str
    status: str  # the unit's status (the kind's first status when it never reported)
    progress: str | None
    required: bool  # assigned to the unit before this month: it must report on it


@dataclass(frozen=True)
class ItemView:
    """What a unit's table of another kind is checked against."""

    owners: dict[str, tuple[str, ...]]  # item id -> the unit codes it is assigned to
    unit_names: dict[str, str]
    assigned: dict[str, AssignedItem]  # this unit's items


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    recorded_at: str
    file_name: str
    sha256: str
    size: int
    unit_code: str | None
    month: str
    received_at: str
    outcome: str
    messages: str
    prev_hash: str
    hash: str


def _stated_seq(record: AuditRecord) -> int | None:
    """The seq of the file record a statement of received time is about (None: an inbox file)."""
    for m in json.loads(record.messages):
        seq = (m.get("params") or {}).get("seq")
        if seq not in (None, ""):
            return int(seq)
    return None


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def corrupt(exc: sqlite3.Error) -> bool:
    """Whether a SQLite error means the file is not a sound ledger (rather than a full disk…)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "malformed" in str(exc) or "not a database" in str(exc)


def disk_full(exc: BaseException) -> bool:
    """Whether an error means the disk is full or failing (SQLite's or the system's)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO)
    name = getattr(exc, "sqlite_errorname", "")
    return (
        name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in str(exc) or "disk I/O error" in str(exc)
    )


def describe(exc: BaseException) -> str:
    """A short Chinese description of a storage error, for the clerk."""
    if isinstance(exc, sqlite3.Error):
        if corrupt(exc):
            return "文件内容不是完整的 SQLite 台账" if "not a database" in str(exc) else "数据库文件已损坏"
        if disk_full(exc):
            return "磁盘已满或读写出错"
        return "数据库读写出错"
    if isinstance(exc, OSError):
        reasons = {
            errno.ENOSPC: "磁盘空间已满",
            errno.EDQUOT: "超出磁盘配额",
            errno.EIO: "磁盘读写出错",
            errno.EACCES: "没有写入权限",
            errno.EPERM: "没有写入权限",
            errno.EROFS: "磁盘是只读的",
        }
        return reasons.get(exc.errno or 0, "文件读写出错")
    return "读写出错"


def record_hash(prev_hash: str, fields: Sequence[Any]) -> str:
    payload = json.dumps([prev_hash, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def blank(value: Any) -> Any:
    """``None`` for a missing value however pandas spells it (None, NaN, NA, NaT), else the value."""
    if value is None or (not isinstance(value, str | dt.date) and bool(pd.isna(value))):
        return None
    return value


def to_text(value: Any) -> str | None:
    """A date or the 长期坚持 sentinel as stored text."""
    value = blank(value)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def from_text(value: str | None) -> dt.date | str | None:
    if value is None:
        return None
    if value == LONG_TERM:
        return LONG_TERM
    return dt.date.fromisoformat(value)


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into complete SQL statements (triggers included)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def previous_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


class Store:
    """The ledger database. Use ``transaction()`` around every change."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._unit_names: dict[str, str] | None = None  # cached; sync_units is the only writer

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (or create) the ledger, migrated to this version's schema. A file that is not a
        ledger, or a damaged one, is ``LedgerCorrupt``."""
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            sealing.register(conn)
            store = cls(conn)
            store._migrate()
            if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if not corrupt(exc):
                raise
            raise LedgerCorrupt(path=path, detail=describe(exc), restore="") from None
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LedgerTooNew(version=version, known=SCHEMA_VERSION)
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in _statements(script):
                    self.conn.execute(statement)
                self._after_migration(number)
                self.conn.execute(f"PRAGMA user_version={number}")

    def _after_migration(self, number: int) -> None:
        """What a migration needs beyond its SQL: v5 seals the ledger as it stands."""
        if number == 5:
            sealing.reseal_all(self.conn, _now(), self.audit_head() or GENESIS)

    # --- the seal (pipeline/seal.py) ------------------------------------------------------
    def seal(self, months: Iterable[str], sealed_at: str | None = None) -> None:
        """Seal the rows of ``months`` (and the roster) as they stand; inside the transaction
        that changed them."""
        with self.transaction() as c:
            sealing.reseal(c, months, sealed_at or _now(), self.audit_head() or GENESIS)

    def seal_changes(self, rows: bool = True, months: Sequence[str] = ()) -> list[sealing.Change]:
        """How the live ledger differs from its seal (empty when intact): with ``rows`` every
        row is checked (``audit verify``), else the guards, the chain and the rows of ``months``."""
        return sealing.check(self.conn, self.audit_head(), rows, months)

    def backup(self, path: Path) -> None:
        """A consistent copy of the whole ledger at ``path`` (SQLite's online backup), written
        beside it and moved into place."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        target = sqlite3.connect(tmp)
        try:
            self.conn.backup(target)
        finally:
            target.close()
        os.replace(tmp, path)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: everything inside commits together or not at all."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- roster ---------------------------------------------------------------------------
    def sync_units(self, units: Iterable[Unit]) -> None:
        self._unit_names = None
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO units(code, name, kind) VALUES (?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind",
                [(u.code, u.name, u.kind) for u in units],
            )

    def unit_names(self) -> dict[str, str]:
        """Unit code -> name (a fresh dict each call; read once per Store)."""
        if self._unit_names is None:
            self._unit_names = {r[0]: r[1] for r in self.conn.execute("SELECT code, name FROM units")}
        return dict(self._unit_names)

    # --- audit log ------------------------------------------------------------------------
    def audit_chain(self, month: str | None = None) -> list[AuditRecord]:
        """Every audit record as written (of ``month`` when given), events included."""
        sql = "SELECT * FROM audit_log" + (" WHERE month = ?" if month is not None else "") + " ORDER BY seq"
        return [AuditRecord(**dict(r)) for r in self.conn.execute(sql, (month,) if month is not None else ())]

    def audit_records(self, month: str | None = None) -> list[AuditRecord]:
        """The received files' records (of ``month`` when given), oldest first, each with the
        received time the clerk stated for it since, if any (its note added to its messages)."""
        records = self.audit_chain(month)
        stated: dict[int, AuditRecord] = {}
        for r in records:
            if r.outcome == STATED and (seq := _stated_seq(r)) is not None:
                stated[seq] = r
        out = []
        for r in records:
            if r.outcome in EVENTS:
                continue
            statement = stated.get(r.seq)
            if statement is not None:
                notes = [*json.loads(r.messages), *json.loads(statement.messages)]
                r = dataclasses.replace(
                    r, received_at=statement.received_at, messages=json.dumps(notes, ensure_ascii=False)
                )
            out.append(r)
        return out

    def find_by_hash(self, sha256: str) -> AuditRecord | None:
        """The first record of a file with this content that was taken (not a duplicate, not an event)."""
        row = self.conn.execute(
            "SELECT * FROM audit_log WHERE sha256 = ? AND outcome NOT IN ('重复', ?, ?) ORDER BY seq LIMIT 1",
            (sha256, *EVENTS),
        ).fetchone()
        return AuditRecord(**dict(row)) if row else None

    def registration(self, sha256: str) -> tuple[str, AuditRecord] | None:
        """The latest event about a file not yet taken: (``REGISTERED`` or ``STATED``, its record)."""
        row = self.conn.execute(
            "SELECT * FROM audit_log WHERE sha256 = ? AND month = '' AND outcome IN (?, ?) ORDER BY seq DESC LIMIT 1",
            (sha256, *EVENTS),
        ).fetchone()
        if row is None:
            return None
        record = AuditRecord(**dict(row))
        first = self.conn.execute(
            "SELECT recorded_at FROM audit_log WHERE sha256 = ? AND month = '' AND outcome = ? ORDER BY seq LIMIT 1",
            (sha256, REGISTERED),
        ).fetchone()
        if record.outcome == REGISTERED and first is not None:
            record = dataclasses.replace(record, recorded_at=first[0])  # the first sight counts
        return record.outcome, record

    def audit_head(self) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
        return str(row[0]) if row else None

    def mark_inbox_done(self, file_name: str, sha256: str, received_at: str, seq: int) -> None:
        """Note, in the run's transaction, that this inbox file is recorded and may be removed."""
        self.conn.execute(
            "INSERT OR REPLACE INTO inbox_done(file_name, sha256, received_at, seq) VALUES (?, ?, ?, ?)",
            (file_name, sha256, received_at, seq),
        )

    def inbox_done(self) -> list[tuple[str, str, str]]:
        """(file name, sha256, received time) of recorded files that may still lie in the inbox."""
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute("SELECT file_name, sha256, received_at FROM inbox_done ORDER BY seq")
        ]

    def clear_inbox_done(self) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM inbox_done")

    def append_audit(
        self,
        *,
        file_name: str,
        sha256: str,
        size: int,
        unit_code: str | None,
        month: str,
        received_at: str,
        outcome: str,
        messages: list[dict[str, str]],
        recorded_at: str,
    ) -> int:
        with self.transaction() as c:
            last = c.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            prev = last["hash"] if last else GENESIS
            text = json.dumps(messages, ensure_ascii=False)
            fields = [recorded_at, file_name, sha256, size, unit_code, month, received_at, outcome, text]
            cur = c.execute(
                "INSERT INTO audit_log(recorded_at, file_name, sha256, size, unit_code, month, received_at, "
                "outcome, messages, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*fields, prev, digest := record_hash(prev, fields)),
            )
            # The chain's head, kept apart, reveals a record removed from the end of the log.
            c.execute(
                "INSERT INTO meta(key, value) VALUES ('audit_head', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (digest,),
            )
            return int(cur.lastrowid or 0)

    # --- problems and history -----------------------------------------------------------
    def latest_month(self) -> str | None:
        row = self.conn.execute("SELECT MAX(month) FROM month_runs").fetchone()
        return row[0] if row and row[0] else None

    def ledger_view(self, unit_code: str, month: str, ids: Iterable[Any] | None = None) -> LedgerView:
        """What ``unit_code``'s submission for ``month`` is checked against.

        ``owners`` holds every problem of the ledger, or, when ``ids`` is given (the ids a
        submission quotes), only those of them the ledger knows: all ``check_against_ledger``
        looks up, without reading the whole ledger for every file.
        """
        if ids is None:
            owners = {r[0]: r[1] for r in self.conn.execute("SELECT problem_id, unit_code FROM problems")}
        else:
            wanted = sorted({i for i in ids if isinstance(i, str)})
            owners = {}
            for start in range(0, len(wanted), 500):  # well under SQLite's bound-parameter limit
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                owners.update(
                    (r[0], r[1])
                    for r in self.conn.execute(
                        f"SELECT problem_id, unit_code FROM problems WHERE problem_id IN ({marks})", chunk
                    )
                )
        prev = self._state(previous_month(month), unit_code)
        registered = {
            r["problem_id"]: Registered(
                problem_id=r["problem_id"],
                unit_code=unit_code,
                description=r["description"],
                deadline=from_text(r["deadline"]),
                status=r["status"],
                progress=r["progress"],
            )
            for r in prev
        }
        new = frozenset(
            r[0]
            for r in self.conn.execute(
                "SELECT problem_id FROM problems WHERE unit_code = ? AND created_month = ?", (unit_code, month)
            )
        )
        return LedgerView(owners=owners, unit_names=self.unit_names(), registered=registered, new_this_month=new)

    def _state(self, month: str, unit_code: str | None = None) -> list[sqlite3.Row]:
        sql = (
            "SELECT v.*, p.unit_code, p.number FROM versions v JOIN problems p USING(problem_id) "
            "WHERE v.month = (SELECT MAX(v2.month) FROM versions v2 WHERE v2.problem_id = v.problem_id AND v2.month <= ?)"
        )
        params: list[Any] = [month]
        if unit_code:
            sql += " AND p.unit_code = ?"
            params.append(unit_code)
        return list(self.conn.execute(sql + " ORDER BY p.unit_code, p.number", params))

    def month_state(self, month: str) -> pd.DataFrame:
        """Every problem's values as they stood at the end of ``month`` (carried forward)."""
        rows = self._state(month)
        names = self.unit_names()
        records = []
        for r in rows:
            rec: dict[str, Any] = {"问题编号": r["problem_id"], "单位编码": r["unit_code"]}
            rec["填报单位"] = names.get(r["unit_code"], r["unit_code"])
            for col, label in FIELDS.items():
                value = r[col]
                rec[label] = from_text(value) if col in ("deadline", "completed_on") else value
            rec["更新月份"] = r["month"]
            records.append(rec)
        columns = ["问题编号", "单位编码", "填报单位", *FIELDS.values(), "更新月份"]
        return pd.DataFrame.from_records(records, columns=columns).astype(object)

    def apply_submission(self, seq: int, unit_code: str, month: str, rows: pd.DataFrame) -> tuple[int, int]:
        """Make an accepted submission the unit's values for ``month``; returns (rows, new).

        An earlier submission of the unit in the same month is superseded: its values for the
        month are replaced, and problems it created that this one does not carry are withdrawn.
        Rows without 问题编号 are new problems, numbered on from the unit's last number.
        """
        with self.transaction() as c:
            referenced = {blank(pid) for pid in rows["问题编号"].tolist()} - {None, ""}
            c.execute(
                "DELETE FROM versions WHERE month = ? AND problem_id IN (SELECT problem_id FROM problems WHERE unit_code = ?)",
                (month, unit_code),
            )
            withdrawn = [
                r[0]
                for r in c.execute(
                    "SELECT problem_id FROM problems WHERE unit_code = ? AND created_month = ?", (unit_code, month)
                )
                if r[0] not in referenced
            ]
            for pid in withdrawn:
                c.execute("DELETE FROM month_flags WHERE problem_id = ?", (pid,))
                c.execute("DELETE FROM problems WHERE problem_id = ?", (pid,))
            last = c.execute(
                "SELECT COALESCE(MAX(number), 0) FROM problems WHERE unit_code = ?", (unit_code,)
            ).fetchone()[0]
            new_problems: list[tuple[Any, ...]] = []
            versions: list[tuple[Any, ...]] = []
            for excel_row, values in zip(rows.index, rows.to_dict("records"), strict=True):
                rec = {k: blank(v) for k, v in values.items()}
                pid = rec["问题编号"]
                if not pid:
                    last += 1
                    pid = f"{unit_code}-{last:03d}"
                    new_problems.append((pid, unit_code, last, month, seq))
                versions.append(
                    (
                        pid,
                        month,
                        seq,
                        int(excel_row),
                        rec["问题类别"],
                        rec["具体问题"],
                        rec["整改措施"],
                        rec["责任领导"],
                        rec["责任人"],
                        to_text(rec["完成时限"]),
                        rec["整改进展"],
                        rec["完成状态"],
                        to_text(rec["完成日期"]),
                        rec["备注"],
                    )
                )
            c.executemany(
                "INSERT INTO problems(problem_id, unit_code, number, created_month, created_seq) VALUES (?, ?, ?, ?, ?)",
                new_problems,
            )
            c.executemany(
                "INSERT INTO versions(problem_id, month, seq, excel_row, category, description, measures, leader, "
                "person, deadline, progress, status, completed_on, remark) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                versions,
            )
            new = len(new_problems)
            return len(rows), new

    # --- monthly flags and runs ---------------------------------------------------------
    def set_month_flags(self, month: str, flags: pd.DataFrame) -> None:
        """Replace ``month``'s lights; a re-run of a month never counts it twice.

        ``red`` means "a run of this month found the item red": once set it stays set when
        the month is run again (督办次数 counts the months in which a run found it red).
        """
        with self.transaction() as c:
            found_red = {
                r[0] for r in c.execute("SELECT problem_id FROM month_flags WHERE month = ? AND red = 1", (month,))
            }
            c.execute("DELETE FROM month_flags WHERE month = ?", (month,))
            c.executemany(
                "INSERT INTO month_flags(problem_id, month, light, overdue_days, red) VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        r["问题编号"],
                        month,
                        r["灯色"],
                        int(r["逾期天数"]),
                        int(r["灯色"] == "红灯" or r["问题编号"] in found_red),
                    )
                    for r in flags.to_dict("records")
                ],
            )

    def red_months(self, up_to: str) -> dict[str, list[str]]:
        """problem id -> the months (<= ``up_to``) in which a run found it red."""
        out: dict[str, list[str]] = {}
        for r in self.conn.execute(
            "SELECT problem_id, month FROM month_flags WHERE red = 1 AND month <= ? ORDER BY month", (up_to,)
        ):
            out.setdefault(r[0], []).append(r[1])
        return out

    def record_run(self, month: str, as_of: dt.date, now: str) -> int:
        """Register the month's run; returns the circular's number, kept across re-runs."""
        with self.transaction() as c:
            row = c.execute("SELECT doc_number FROM month_runs WHERE month = ?", (month,)).fetchone()
            if row:
                c.execute(
                    "UPDATE month_runs SET as_of = ?, last_run = ? WHERE month = ?", (as_of.isoformat(), now, month)
                )
                return int(row[0])
            year = int(month[:4])
            number = c.execute(
                "SELECT COALESCE(MAX(doc_number), 0) + 1 FROM month_runs WHERE doc_year = ?", (year,)
            ).fetchone()[0]
            c.execute(
                "INSERT INTO month_runs(month, as_of, doc_year, doc_number, last_run) VALUES (?, ?, ?, ?, ?)",
                (month, as_of.isoformat(), year, number, now),
            )
            return int(number)

    def stored_flags(self, month: str) -> pd.DataFrame:
        """The lights a run of ``month`` found, as stored."""
        rows = self.conn.execute(
            "SELECT problem_id, light, overdue_days FROM month_flags WHERE month = ? ORDER BY problem_id", (month,)
        ).fetchall()
        return pd.DataFrame([tuple(r) for r in rows], columns=["问题编号", "灯色", "逾期天数"])

    def month_as_of(self, month: str) -> dt.date | None:
        row = self.conn.execute("SELECT as_of FROM month_runs WHERE month = ?", (month,)).fetchone()
        return dt.date.fromisoformat(row[0]) if row else None

    def rendered(self, month: str) -> tuple[str | None, list[list[Any]]]:
        """The fingerprint the month's outputs were last rendered from, and the files written."""
        row = self.conn.execute("SELECT render_key, files FROM month_renders WHERE month = ?", (month,)).fetchone()
        return (row[0], json.loads(row[1])) if row else (None, [])

    def set_rendered(self, month: str, key: str, files: list[list[Any]]) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO month_renders(month, render_key, files) VALUES (?, ?, ?) "
                "ON CONFLICT(month) DO UPDATE SET render_key = excluded.render_key, files = excluded.files",
                (month, key, json.dumps(files, ensure_ascii=False)),
            )

    def month_doc_number(self, month: str) -> int:
        row = self.conn.execute("SELECT doc_number FROM month_runs WHERE month = ?", (month,)).fetchone()
        return int(row[0]) if row else 0

    def months(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT month FROM month_runs ORDER BY month")]

    # --- other ledger kinds (migration v3) -------------------------------------------------
    def _register(self, kind: str, month: str) -> dict[str, dict[str, Any]]:
        """The office's record of every item of ``kind`` as it stood at the end of ``month``."""
        rows = self.conn.execute(
            "SELECT v.item_id, v.data FROM item_versions v WHERE v.kind = ? AND v.unit_code = '' AND v.month = "
            "(SELECT MAX(v2.month) FROM item_versions v2 WHERE v2.kind = v.kind AND v2.item_id = v.item_id "
            "AND v2.unit_code = '' AND v2.month <= ?) ORDER BY v.item_id",
            (kind, month),
        )
        return {r[0]: json.loads(r[1]) for r in rows}

    def register_items(self, kind: str, month: str, seq: int | None, rows: Sequence[dict[str, Any]]) -> int:
        """Record the office's list of ``kind`` for ``month``; returns how many items are new or changed.

        A version is written only where an item differs from its record before the month, so a
        re-run of the month, or an unchanged list, adds nothing. Items left off the list are kept.
        """
        with self.transaction() as c:
            c.execute("DELETE FROM item_versions WHERE kind = ? AND unit_code = '' AND month = ?", (kind, month))
            before = self._register(kind, previous_month(month))
            changed = 0
            for rec in rows:
                data = {k: to_text(v) if isinstance(v, dt.date) else v for k, v in rec.items() if k != "行"}
                iid = str(rec["编号"])
                c.execute(
                    "INSERT OR IGNORE INTO items(kind, item_id, created_month, created_seq) VALUES (?, ?, ?, ?)",
                    (kind, iid, month, seq),
                )
                if before.get(iid) == data:
                    continue
                changed += 1
                c.execute(
                    "INSERT INTO item_versions(kind, item_id, unit_code, month, seq, excel_row, status, deadline, "
                    "done_on, progress, data) VALUES (?, ?, '', ?, ?, ?, NULL, ?, NULL, NULL, ?)",
                    (
                        kind,
                        iid,
                        month,
                        seq,
                        rec.get("行"),
                        data.get("办理时限"),
                        json.dumps(data, ensure_ascii=False, sort_keys=True),
                    ),
                )
            return changed

    def register_state(self, kind: str, month: str) -> dict[str, dict[str, Any]]:
        """Item id -> the office's record (dates as dates) at the end of ``month``."""
        out = {}
        for iid, data in self._register(kind, month).items():
            out[iid] = {k: _date_or_text(v) for k, v in data.items()}
        return out

    def _unit_versions(self, kind: str, month: str) -> dict[tuple[str, str], sqlite3.Row]:
        rows = self.conn.execute(
            "SELECT v.* FROM item_versions v WHERE v.kind = ? AND v.unit_code != '' AND v.month = "
            "(SELECT MAX(v2.month) FROM item_versions v2 WHERE v2.kind = v.kind AND v2.item_id = v.item_id "
            "AND v2.unit_code = v.unit_code AND v2.month <= ?)",
            (kind, month),
        )
        return {(r["item_id"], r["unit_code"]): r for r in rows}

    def item_pairs(self, kind: str, month: str, first_status: str) -> pd.DataFrame:
        """One row per (item, assigned unit) at the end of ``month``: the unit's status, progress and
        done date (``first_status`` where the unit never reported on it)."""
        register = self.register_state(kind, month)
        versions = self._unit_versions(kind, month)
        names = self.unit_names()
        records = []
        for iid, rec in register.items():
            for code in rec.get("承办单位编码") or []:
                v = versions.get((iid, code))
                records.append(
                    {
                        "编号": iid,
                        "单位编码": code,
                        "填报单位": names.get(code, code),
                        "办理状态": v["status"] if v is not None else first_status,
                        "办理进展": v["progress"] if v is not None else None,
                        "办结日期": from_text(v["done_on"]) if v is not None else None,
                        "更新月份": v["month"] if v is not None else None,
                    }
                )
        columns = ["编号", "单位编码", "填报单位", "办理状态", "办理进展", "办结日期", "更新月份"]
        return pd.DataFrame.from_records(records, columns=columns).astype(object)

    def item_view(self, kind: str, unit_code: str, month: str, first_status: str) -> ItemView:
        """What a unit's table of ``kind`` in ``month`` is checked against (the office's list of the
        month included: an item assigned this month may be reported on at once, but need not be)."""
        register = self.register_state(kind, month)
        before = self.register_state(kind, previous_month(month))
        versions = self._unit_versions(kind, previous_month(month))
        owners = {iid: tuple(rec.get("承办单位编码") or ()) for iid, rec in register.items()}
        assigned = {}
        for iid, rec in register.items():
            if unit_code not in owners[iid]:
                continue
            v = versions.get((iid, unit_code))
            assigned[iid] = AssignedItem(
                item_id=iid,
                content=str(rec.get("事项内容") or ""),
                status=v["status"] if v is not None else first_status,
                progress=v["progress"] if v is not None else None,
                required=unit_code in (before.get(iid, {}).get("承办单位编码") or ()),
            )
        return ItemView(owners=owners, unit_names=self.unit_names(), assigned=assigned)

    def apply_items(
        self, kind: str, seq: int, unit_code: str, month: str, rows: pd.DataFrame, columns: dict[str, str]
    ) -> int:
        """Make a unit's accepted rows of ``kind`` its values for ``month`` (superseding the month's
        earlier ones). ``columns`` names the kind's status, progress, done-date and id columns."""
        with self.transaction() as c:
            c.execute(
                "DELETE FROM item_versions WHERE kind = ? AND unit_code = ? AND month = ?", (kind, unit_code, month)
            )
            count = 0
            for excel_row, values in zip(rows.index, rows.to_dict("records"), strict=True):
                rec = {k: blank(v) for k, v in values.items()}
                iid = rec[columns["id"]]
                if not iid:
                    continue
                data = {k: to_text(v) if isinstance(v, dt.date) else v for k, v in rec.items()}
                c.execute(
                    "INSERT INTO item_versions(kind, item_id, unit_code, month, seq, excel_row, status, deadline, "
                    "done_on, progress, data) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                    (
                        kind,
                        iid,
                        unit_code,
                        month,
                        seq,
                        int(excel_row),
                        rec[columns["status"]],
                        to_text(rec[columns["done"]]),
                        rec[columns["progress"]],
                        json.dumps(data, ensure_ascii=False, sort_keys=True),
                    ),
                )
                count += 1
            return count

    def set_item_flags(self, kind: str, month: str, flags: Iterable[tuple[str, str, str, int]]) -> None:
        """Replace ``month``'s lights of ``kind``: (item id, unit code or '' for the whole item, light,
        overdue days). As with problems, a month once found red stays red when run again."""
        with self.transaction() as c:
            found_red = {
                (r[0], r[1])
                for r in c.execute(
                    "SELECT item_id, unit_code FROM item_flags WHERE kind = ? AND month = ? AND red = 1", (kind, month)
                )
            }
            c.execute("DELETE FROM item_flags WHERE kind = ? AND month = ?", (kind, month))
            c.executemany(
                "INSERT INTO item_flags(kind, item_id, unit_code, month, light, overdue_days, red) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (kind, iid, code, month, light, int(days), int(light == "红灯" or (iid, code) in found_red))
                    for iid, code, light, days in flags
                ],
            )

    def item_red_months(self, kind: str, up_to: str) -> dict[str, list[str]]:
        """``"{item id}|{unit code}"`` (``"{item id}|"`` for the whole item) -> the months a run found it red."""
        out: dict[str, list[str]] = {}
        for r in self.conn.execute(
            "SELECT item_id, unit_code, month FROM item_flags WHERE kind = ? AND red = 1 AND month <= ? ORDER BY month",
            (kind, up_to),
        ):
            out.setdefault(f"{r[0]}|{r[1]}", []).append(r[2])
        return out

    def register_recorded(self, sha256: str, month: str) -> bool:
        """Whether this version of the office's list was already recorded in ``month``."""
        row = self.conn.execute(
            "SELECT 1 FROM audit_log WHERE sha256 = ? AND month = ? AND unit_code IS NULL LIMIT 1", (sha256, month)
        ).fetchone()
        return row is not None


def _date_or_text(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
