"""The ledger: one SQLite database per workspace (SPEC §5, §8).

Tables: the roster, the append-only hash-chained audit log of every received file, the items of
every kind (pipeline/kinds.py: the problems with their stable 问题编号, the assigned matters),
every month's values of every item (history), the lights each month's run found, the villages'
办事效率评议 of the departments (ratings), the circular numbers, and the seal over all of them. The schema is versioned; migrations run on open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from pipeline.config import Unit
from pipeline.errors import LedgerCorrupt, LedgerTooNew
from pipeline.kinds import LedgerKind
from pipeline.model import LONG_TERM, Light, Month, Outcome, is_missing
from pipeline.storage import seal as sealing
from pipeline.storage.chain import GENESIS, record_hash

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
    sealing.SCHEMA_V5,
    # v6: one ledger model (pipeline/kinds.py). Problems become a kind like any other: an item has
    # its owner and number when its units register it; the problems, their monthly values and the
    # lights move into items, item_versions (values as JSON) and item_flags (``_after_migration``
    # moves them, then drops the old tables and seals the ledger again).
    """
    ALTER TABLE items ADD COLUMN owner TEXT;
    ALTER TABLE items ADD COLUMN number INTEGER;
    CREATE UNIQUE INDEX items_number ON items(kind, owner, number);
    CREATE INDEX item_flags_month ON item_flags(kind, month);
    """,
    # v7: the 办事效率评议 (issue #19): each rater's (village's, community's) rating of each town
    # department for a rating period (``2022-05``, or ``2022Q2``), from the accepted file that
    # carried it (``seq``, recorded in ``month``). A later accepted file of the rater replaces it.
    # Sealed with ``month`` like the items, behind the same guard triggers.
    """
    CREATE TABLE ratings(
        period TEXT NOT NULL,
        rater TEXT NOT NULL,
        department TEXT NOT NULL,
        month TEXT NOT NULL,
        seq INTEGER NOT NULL REFERENCES audit_log(seq),
        excel_row INTEGER,
        level TEXT NOT NULL,
        matter TEXT NOT NULL,
        reasons TEXT NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY(period, rater, department)
    );
    CREATE INDEX ratings_month ON ratings(month);
    """
    + sealing.GUARDS_V7,
)
SCHEMA_VERSION = len(MIGRATIONS)
# The columns of ``Store.ratings`` (report.RATING_COLUMNS are the counts made from them).
STORED_RATING_COLUMNS = (
    "评议期",
    "评议单位",
    "部门",
    "评议等次",
    "办理事项",
    "不满意原因",
    "具体情况",
    "行",
    "月份",
    "审计序号",
)


# Audit records that are not a received file's outcome but an event about one: the clerk's
# registration of files as they come in (``make receive``) and a stated received time
# (``make received``). ``audit_records`` leaves them out and applies the stated times.
REGISTERED, STATED, EVENTS = Outcome.REGISTERED, Outcome.STATED, Outcome.EVENTS


@dataclass(frozen=True)
class Held:
    """An item a unit held at the end of last month: what its next file is checked against."""

    item_id: str
    text: str  # what the item is about (the kind's text column, or the office's record of it)
    status: str  # the unit's status (the kind's first status where the unit never reported)
    deadline: dt.date | str | None  # the unit's own deadline (a kind its units register), else None
    progress: str | None
    reported: bool  # the unit sent values for it before
    required: bool  # the unit held it before this month: it may not leave it out while open


@dataclass(frozen=True)
class View:
    """What a unit's table of one kind is checked against."""

    owners: dict[str, tuple[str, ...]]  # item id -> the units it belongs to (its owner, or its assignees)
    unit_names: dict[str, str]  # unit code -> name
    held: dict[str, Held]  # this unit's items at the end of last month
    new_this_month: frozenset[str] = field(default_factory=frozenset)  # items the unit registered this month


@dataclass(frozen=True)
class AuditRecord:
    """One record of the append-only audit log (SPEC §8), as stored."""

    HASHED: ClassVar[tuple[str, ...]] = (  # the fields a record's hash covers, in this order
        "recorded_at",
        "file_name",
        "sha256",
        "size",
        "unit_code",
        "month",
        "received_at",
        "outcome",
        "messages",
    )

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

    def hashed_fields(self) -> list[Any]:
        return [getattr(self, name) for name in self.HASHED]


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


def blank(value: Any) -> Any:
    """``None`` for a missing value however pandas spells it (None, NaN, NA, NaT), else the value."""
    return None if is_missing(value) else value


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


# The versions of the items a unit owns (parameters: kind, unit), in a kind its units register:
# through items' (kind, owner) index, then each item's versions by the primary key (CROSS JOIN
# keeps that order; the planner would scan the kind's versions of the month instead).
_OWN_VERSIONS = (
    "items i CROSS JOIN item_versions v ON v.kind = i.kind AND v.item_id = i.item_id AND v.unit_code = i.owner "
    "WHERE i.kind = ? AND i.owner = ?"
)


def _json_path(key: str) -> str:
    """SQLite's JSON path of a top-level ``key``, quoted (a column name is Chinese; none holds a quote)."""
    return f'$."{key}"'


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


def pair_key(item_id: str, unit_code: str = "") -> str:
    """The key of an (item, unit) pair in ``red_months``; ``unit_code`` '' is an item as a whole."""
    return f"{item_id}|{unit_code}"


def unit_columns(kind: LedgerKind) -> tuple[str, ...]:
    """The columns a unit's version of an item keeps: all its values for a kind its units
    register; its progress, status and done date for an item the office assigns (the rest of
    such an item is the office's record)."""
    if kind.registered_by_unit:
        return kind.kept
    return tuple(c for c in kind.columns if c in (kind.progress_column, kind.status_column, kind.done_column))


def state_columns(kind: LedgerKind) -> list[str]:
    """The columns of ``Store.state``: the id, 单位编码, 填报单位, the values (for an item the office
    assigns its record's first: 交办日期, 交办领导, 事项内容, 办理时限), 更新月份."""
    own = unit_columns(kind)
    if kind.registered_by_unit:
        values = [c for c in own if c != kind.id_column]
    else:
        assert kind.register is not None
        record = [c for c in kind.register.columns if c not in (kind.id_column, "承办单位")]
        values = [*record, *(c for c in own if c not in record)]
    return [kind.id_column, "单位编码", "填报单位", *values, "更新月份"]


def _problems_into_items(conn: sqlite3.Connection) -> None:
    """Migration v6: the problems, each month's values and lights, into the tables of every kind
    (values as the problem kind keeps them: JSON of its fields), then the old tables dropped."""
    fields = {
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
    conn.execute(
        "INSERT INTO items(kind, item_id, created_month, created_seq, owner, number) "
        "SELECT 'problem', problem_id, created_month, created_seq, unit_code, number FROM problems"
    )
    versions = conn.execute(
        "SELECT v.*, p.unit_code FROM versions v JOIN problems p USING(problem_id) ORDER BY v.problem_id, v.month"
    ).fetchall()
    conn.executemany(
        "INSERT INTO item_versions(kind, item_id, unit_code, month, seq, excel_row, status, deadline, done_on, "
        "progress, data) VALUES ('problem', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r["problem_id"],
                r["unit_code"],
                r["month"],
                r["seq"],
                r["excel_row"],
                r["status"],
                r["deadline"],
                r["completed_on"],
                r["progress"],
                json.dumps({label: r[col] for col, label in fields.items()}, ensure_ascii=False, sort_keys=True),
            )
            for r in versions
        ],
    )
    conn.execute(
        "INSERT INTO item_flags(kind, item_id, unit_code, month, light, overdue_days, red) "
        "SELECT 'problem', f.problem_id, p.unit_code, f.month, f.light, f.overdue_days, f.red "
        "FROM month_flags f JOIN problems p USING(problem_id)"
    )
    for table in ("month_flags", "versions", "problems"):
        conn.execute(f"DROP TABLE {table}")


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
        """What a migration needs beyond its SQL: v5 seals the ledger as it stands; v6 moves the
        problems into the tables of every kind, with their values as any kind keeps them. (v7's
        ratings table starts empty: nothing to seal.)"""
        if number == 5:
            sealing.reseal_all(self.conn, _now(), self.audit_head() or GENESIS, sealing.SEALED_V5)
        elif number == 6:
            _problems_into_items(self.conn)
            sealing.drop_v5_seal(self.conn)
            sealing.reseal_all(self.conn, _now(), self.audit_head() or GENESIS, sealing.SEALED_V6)

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
            "SELECT * FROM audit_log WHERE sha256 = ? AND outcome NOT IN (?, ?, ?) ORDER BY seq LIMIT 1",
            (sha256, Outcome.DUPLICATE, *EVENTS),
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
            values = {
                "recorded_at": recorded_at,
                "file_name": file_name,
                "sha256": sha256,
                "size": size,
                "unit_code": unit_code,
                "month": month,
                "received_at": received_at,
                "outcome": outcome,
                "messages": json.dumps(messages, ensure_ascii=False),
            }
            fields = [values[name] for name in AuditRecord.HASHED]
            cur = c.execute(
                f"INSERT INTO audit_log({', '.join(AuditRecord.HASHED)}, prev_hash, hash) "
                f"VALUES ({', '.join('?' * (len(fields) + 2))})",
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

    # --- the items of every kind (pipeline/kinds.py) ---------------------------------------
    def register_state(self, kind: LedgerKind, month: str) -> dict[str, dict[str, Any]]:
        """Item id -> the office's record of an item it assigns (dates as dates) at the end of ``month``."""
        return {
            iid: {k: _date_or_text(v) for k, v in data.items()} for iid, data in self._register(kind, month).items()
        }

    def _register(self, kind: LedgerKind, month: str) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT v.item_id, v.data FROM item_versions v WHERE v.kind = ? AND v.unit_code = '' AND v.month = "
            "(SELECT MAX(v2.month) FROM item_versions v2 WHERE v2.kind = v.kind AND v2.item_id = v.item_id "
            "AND v2.unit_code = '' AND v2.month <= ?) ORDER BY v.item_id",
            (kind.name, month),
        )
        return {r[0]: json.loads(r[1]) for r in rows}

    def register(self, kind: LedgerKind, month: str, seq: int | None, rows: Sequence[dict[str, Any]]) -> int:
        """Record the office's list of ``kind`` for ``month``; how many items are new or changed.

        A version is written only where an item differs from its record before the month, so a
        re-run of the month, or an unchanged list, adds nothing. Items left off the list are kept.
        """
        with self.transaction() as c:
            c.execute("DELETE FROM item_versions WHERE kind = ? AND unit_code = '' AND month = ?", (kind.name, month))
            before = self._register(kind, str(Month.parse(month).previous))
            changed = 0
            for rec in rows:
                data = {k: to_text(v) if isinstance(v, dt.date) else v for k, v in rec.items() if k != "行"}
                iid = str(rec[kind.id_column])
                c.execute(
                    "INSERT OR IGNORE INTO items(kind, item_id, created_month, created_seq) VALUES (?, ?, ?, ?)",
                    (kind.name, iid, month, seq),
                )
                if before.get(iid) == data:
                    continue
                changed += 1
                c.execute(
                    "INSERT INTO item_versions(kind, item_id, unit_code, month, seq, excel_row, status, deadline, "
                    "done_on, progress, data) VALUES (?, ?, '', ?, ?, ?, NULL, ?, NULL, NULL, ?)",
                    (
                        kind.name,
                        iid,
                        month,
                        seq,
                        rec.get("行"),
                        data.get(kind.deadline_column),
                        json.dumps(data, ensure_ascii=False, sort_keys=True),
                    ),
                )
            return changed

    def _versions(self, kind: LedgerKind, month: str, unit_code: str | None = None) -> list[sqlite3.Row]:
        """Each unit's latest values of each item of ``kind`` up to ``month`` (the office's records
        left out); of one unit when given."""
        latest = (
            "v.month = (SELECT MAX(v2.month) FROM item_versions v2 WHERE v2.kind = v.kind "
            "AND v2.item_id = v.item_id AND v2.unit_code = v.unit_code AND v2.month <= ?)"
        )
        if unit_code is not None and kind.registered_by_unit:
            # a unit's items are the ones it owns: found through items' (kind, owner) index, then each
            # one's versions by the primary key (CROSS JOIN keeps that order; scanning the kind's
            # versions for one unit's took a county's run a tenth of a second per file)
            sql = (
                f"SELECT v.* FROM {_OWN_VERSIONS} AND {latest} "
                "ORDER BY v.month, v.rowid"  # the order the kind's (kind, month) index gives below
            )
            return list(self.conn.execute(sql, (kind.name, unit_code, month)))
        sql = f"SELECT v.* FROM item_versions v WHERE v.kind = ? AND v.unit_code != '' AND {latest}"
        params: list[Any] = [kind.name, month]
        if unit_code is not None:
            sql += " AND v.unit_code = ?"
            params.append(unit_code)
        return list(self.conn.execute(sql, params))

    def _owned(self, kind: LedgerKind, unit_code: str | None = None) -> list[tuple[str, str]]:
        """(item id, owner) of every item a unit registered, in the owner's order of numbers."""
        sql = "SELECT item_id, owner FROM items WHERE kind = ? AND owner IS NOT NULL"
        params: list[Any] = [kind.name]
        if unit_code is not None:
            sql += " AND owner = ?"
            params.append(unit_code)
        return [(r[0], r[1]) for r in self.conn.execute(sql + " ORDER BY owner, number", params)]

    def state(self, kind: LedgerKind, month: str) -> pd.DataFrame:
        """One row per (item, unit) of ``kind`` as it stood at the end of ``month`` (carried
        forward): the id, 单位编码, 填报单位, the unit's values (the kind's first status where it
        never reported), for an item the office assigns its record of it, and 更新月份."""
        names = self.unit_names()
        versions = {(r["item_id"], r["unit_code"]): r for r in self._versions(kind, month)}
        pairs: list[tuple[str, str, dict[str, Any]]]
        if kind.registered_by_unit:
            pairs = [(iid, owner, {}) for iid, owner in self._owned(kind) if (iid, owner) in versions]
        else:
            register = self.register_state(kind, month)
            pairs = [(iid, code, rec) for iid, rec in register.items() for code in rec.get("承办单位编码") or []]
        columns = state_columns(kind)
        own, dates = set(unit_columns(kind)), set(kind.read_dates)
        plan = [(column, column in own, column in dates) for column in columns[3:-1]]
        status_at = columns.index(kind.status_column)
        parsed: dict[str, Any] = {}  # a date's text -> the date: a county's deadlines recur
        loads = json.loads
        records = []
        for iid, code, rec in pairs:
            v = versions.get((iid, code))
            data = loads(v["data"]) if v is not None else {}
            row: list[Any] = [iid, code, names.get(code, code)]
            for column, mine, is_date in plan:
                if not mine:
                    row.append(rec.get(column))
                    continue
                value = data.get(column)
                if is_date and value is not None:
                    day = parsed.get(value)
                    if day is None:
                        day = parsed[value] = from_text(value)
                    value = day
                row.append(value)
            if v is None:
                row[status_at] = kind.statuses[0]
            row.append(v["month"] if v is not None else None)
            records.append(row)
        return pd.DataFrame.from_records(records, columns=columns).astype(object)

    def has_items(self, kind: LedgerKind) -> bool:
        """Whether the ledger holds any item of ``kind``."""
        return self.conn.execute("SELECT 1 FROM items WHERE kind = ? LIMIT 1", (kind.name,)).fetchone() is not None

    def view(self, kind: LedgerKind, unit_code: str, month: str, ids: Iterable[Any] | None = None) -> View:
        """What ``unit_code``'s table of ``kind`` for ``month`` is checked against.

        ``owners`` holds every item of the kind (for a kind its units register: only the ids a file
        quotes, when ``ids`` is given: all the checks look up, without reading a county's ledger
        for every file); ``held`` the unit's items at the end of last month; for a kind the office
        assigns, its items assigned this month are the unit's too, but need not be reported yet."""
        previous = str(Month.parse(month).previous)
        text = kind.text_column
        if kind.registered_by_unit:
            owners = self._owners(kind, ids)
            held = {}
            for r in self._versions(kind, previous, unit_code):
                data = json.loads(r["data"])
                held[r["item_id"]] = Held(
                    item_id=r["item_id"],
                    text=str(data.get(text) or ""),
                    status=r["status"],
                    deadline=from_text(r["deadline"]),
                    progress=r["progress"],
                    reported=True,
                    required=True,
                )
            new = frozenset(
                r[0]
                for r in self.conn.execute(
                    "SELECT item_id FROM items WHERE kind = ? AND owner = ? AND created_month = ?",
                    (kind.name, unit_code, month),
                )
            )
            return View(owners, self.unit_names(), held, new)
        register = self.register_state(kind, month)
        before = self.register_state(kind, previous)
        versions = {r["item_id"]: r for r in self._versions(kind, previous, unit_code)}
        owners = {iid: tuple(rec.get("承办单位编码") or ()) for iid, rec in register.items()}
        held = {}
        for iid, rec in register.items():
            if unit_code not in owners[iid]:
                continue
            v = versions.get(iid)
            held[iid] = Held(
                item_id=iid,
                text=str(rec.get(text) or ""),
                status=v["status"] if v is not None else kind.statuses[0],
                deadline=None,
                progress=v["progress"] if v is not None else None,
                reported=v is not None,
                required=unit_code in (before.get(iid, {}).get("承办单位编码") or ()),
            )
        return View(owners, self.unit_names(), held)

    def _owners(self, kind: LedgerKind, ids: Iterable[Any] | None) -> dict[str, tuple[str, ...]]:
        sql = "SELECT item_id, owner FROM items WHERE kind = ? AND owner IS NOT NULL"
        if ids is None:
            return {r[0]: (r[1],) for r in self.conn.execute(sql, (kind.name,))}
        # "+owner": not the (kind, owner) index, which would scan every owned item for each chunk,
        # but the primary key (kind, item_id) for each id quoted
        sql = "SELECT item_id, owner FROM items WHERE kind = ? AND +owner IS NOT NULL"
        wanted = sorted({i for i in ids if isinstance(i, str)})
        owners: dict[str, tuple[str, ...]] = {}
        for start in range(0, len(wanted), 500):  # well under SQLite's bound-parameter limit
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            owners.update(
                (r[0], (r[1],)) for r in self.conn.execute(f"{sql} AND item_id IN ({marks})", [kind.name, *chunk])
            )
        return owners

    def apply(self, kind: LedgerKind, seq: int, unit_code: str, month: str, rows: pd.DataFrame) -> tuple[int, int]:
        """Make a unit's accepted rows of ``kind`` its values for ``month``; (rows, new items).

        An earlier file of the unit in the same month is superseded: its values for the month are
        replaced, and items it registered that this one does not carry are withdrawn. In a kind
        its units register, a row without an id is a new item, numbered on from the unit's last
        (``{unit code}-{NNN}``); in another kind a row without an id is left out (reported already).
        """
        with self.transaction() as c:
            if kind.registered_by_unit:  # through the unit's own items, as in _versions: no scan of the month
                c.execute(
                    f"DELETE FROM item_versions WHERE rowid IN (SELECT v.rowid FROM {_OWN_VERSIONS} AND v.month = ?)",
                    (kind.name, unit_code, month),
                )
            else:
                c.execute(
                    "DELETE FROM item_versions WHERE kind = ? AND unit_code = ? AND month = ?",
                    (kind.name, unit_code, month),
                )
            ids = [blank(i) for i in rows[kind.id_column].tolist()]
            new_items: list[tuple[Any, ...]] = []
            if kind.registered_by_unit:
                referenced = set(ids) - {None, ""}
                withdrawn = [
                    r[0]
                    for r in c.execute(
                        "SELECT item_id FROM items WHERE kind = ? AND owner = ? AND created_month = ?",
                        (kind.name, unit_code, month),
                    )
                    if r[0] not in referenced
                ]
                for iid in withdrawn:
                    c.execute("DELETE FROM item_flags WHERE kind = ? AND item_id = ?", (kind.name, iid))
                    c.execute("DELETE FROM item_versions WHERE kind = ? AND item_id = ?", (kind.name, iid))
                    c.execute("DELETE FROM items WHERE kind = ? AND item_id = ?", (kind.name, iid))
                last = c.execute(
                    "SELECT COALESCE(MAX(number), 0) FROM items WHERE kind = ? AND owner = ?", (kind.name, unit_code)
                ).fetchone()[0]
            kept = unit_columns(kind)
            # the kept columns as lists (DataFrame.to_dict per row cost a county's run seconds)
            columns = [rows[c].tolist() if c in rows.columns else [None] * len(rows) for c in kept]
            versions: list[tuple[Any, ...]] = []
            for excel_row, iid, values in zip(rows.index, ids, zip(*columns, strict=True), strict=True):
                if not iid:
                    if not kind.registered_by_unit:
                        continue
                    last += 1
                    iid = f"{unit_code}-{last:03d}"
                    new_items.append((kind.name, iid, month, seq, unit_code, last))
                data = {column: to_text(value) for column, value in zip(kept, values, strict=True)}
                versions.append(
                    (
                        kind.name,
                        iid,
                        unit_code,
                        month,
                        seq,
                        int(excel_row),
                        data.get(kind.status_column),
                        data.get(kind.deadline_column) if kind.registered_by_unit else None,
                        data.get(kind.done_column),
                        data.get(kind.progress_column),
                        json.dumps(data, ensure_ascii=False, sort_keys=True),
                    )
                )
            c.executemany(
                "INSERT INTO items(kind, item_id, created_month, created_seq, owner, number) VALUES (?, ?, ?, ?, ?, ?)",
                new_items,
            )
            c.executemany(
                "INSERT INTO item_versions(kind, item_id, unit_code, month, seq, excel_row, status, deadline, done_on, "
                "progress, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                versions,
            )
            return len(versions), len(new_items)

    def set_flags(self, kind: LedgerKind, month: str, flags: Iterable[tuple[str, str, str, int]]) -> None:
        """Replace ``month``'s lights of ``kind``: (item id, unit code or '' for an item as a whole,
        light, overdue days). "Red" means "a run of this month found it red": once set it stays set
        when the month is run again (督办次数 counts the months a run found an item red)."""
        with self.transaction() as c:
            found_red = {
                (r[0], r[1])
                for r in c.execute(
                    "SELECT item_id, unit_code FROM item_flags WHERE kind = ? AND month = ? AND red = 1",
                    (kind.name, month),
                )
            }
            c.execute("DELETE FROM item_flags WHERE kind = ? AND month = ?", (kind.name, month))
            c.executemany(
                "INSERT INTO item_flags(kind, item_id, unit_code, month, light, overdue_days, red) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (kind.name, iid, code, month, light, int(days), int(light == Light.RED or (iid, code) in found_red))
                    for iid, code, light, days in flags
                ],
            )

    def red_months(self, kind: LedgerKind, up_to: str) -> dict[str, list[str]]:
        """``pair_key(item id, unit code)`` (unit ``''``: the item as a whole) -> the months up to
        ``up_to`` in which a run found it red."""
        out: dict[str, list[str]] = {}
        for r in self.conn.execute(
            "SELECT item_id, unit_code, month FROM item_flags WHERE kind = ? AND red = 1 AND month <= ? ORDER BY month",
            (kind.name, up_to),
        ):
            out.setdefault(pair_key(r[0], r[1]), []).append(r[2])
        return out

    def stored_flags(self, kind: LedgerKind, month: str) -> pd.DataFrame:
        """The lights a run of ``month`` found for each (item, unit) of ``kind``, as stored."""
        rows = self.conn.execute(
            "SELECT item_id, unit_code, light, overdue_days FROM item_flags WHERE kind = ? AND month = ? "
            "AND unit_code != '' ORDER BY item_id, unit_code",
            (kind.name, month),
        ).fetchall()
        return pd.DataFrame([tuple(r) for r in rows], columns=[kind.id_column, "单位编码", "灯色", "逾期天数"])

    # --- the 办事效率评议 (issue #19) --------------------------------------------------------
    def set_rating(self, period: str, rater: str, seq: int, frame: pd.DataFrame | None) -> int:
        """Make ``frame`` (a checked rating: 部门, 评议等次, 办理事项, 不满意原因, 具体情况, 行) the
        rating of ``rater`` for ``period``, from the accepted file recorded as ``seq``; how many
        departments it rates. It replaces what an earlier file of the rater carried for the period;
        ``None`` (the file that stands carries no rating) leaves the rater without one."""
        row = self.conn.execute("SELECT month FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise ValueError(f"no audit record {seq}")
        month = str(row[0])
        with self.transaction() as c:
            c.execute("DELETE FROM ratings WHERE period = ? AND rater = ?", (period, rater))
            if frame is None:
                return 0
            values = [
                (
                    period,
                    rater,
                    str(r["部门"]),
                    month,
                    seq,
                    None if blank(r.get("行")) is None else int(r["行"]),
                    str(r["评议等次"]),
                    str(blank(r.get("办理事项")) or ""),
                    str(blank(r.get("不满意原因")) or ""),
                    str(blank(r.get("具体情况")) or ""),
                )
                for r in frame.to_dict("records")
            ]
            c.executemany(
                "INSERT INTO ratings(period, rater, department, month, seq, excel_row, level, matter, reasons, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            return len(values)

    def ratings(self, period: str | None = None) -> pd.DataFrame:
        """The stored ratings (of ``period`` when given), by period, rater, department: 评议期,
        评议单位 (code), 部门 (code), 评议等次, 办理事项, 不满意原因, 具体情况, 行, 月份, 审计序号."""
        sql = (
            "SELECT period, rater, department, level, matter, reasons, detail, excel_row, month, seq FROM ratings"
            + (" WHERE period = ?" if period is not None else "")
            + " ORDER BY period, rater, department"
        )
        rows = self.conn.execute(sql, (period,) if period is not None else ()).fetchall()
        return pd.DataFrame([tuple(r) for r in rows], columns=list(STORED_RATING_COLUMNS)).astype(object)

    def item_ids(self, kind: LedgerKind) -> set[str]:
        """Every id ever given to an item of ``kind`` (a withdrawn one too)."""
        return {r[0] for r in self.conn.execute("SELECT item_id FROM items WHERE kind = ?", (kind.name,))}

    def problem_history(self, kind: LedgerKind, month: str) -> pd.DataFrame:
        """Every version a unit reported of every item of ``kind`` up to ``month``, oldest first:
        item_id, unit_code, month, seq, row (its Excel row), the kind's text column and
        整改措施 where it has one, its progress and its status (形式主义提示, pipeline/formality.py)."""
        text, measure = kind.text_column, "整改措施"
        # the two texts taken out of each version's JSON by SQLite, not by decoding every version here
        sql = (
            "SELECT item_id, unit_code, month, seq, excel_row, json_extract(data, ?), json_extract(data, ?), "
            "progress, status FROM item_versions WHERE kind = ? AND unit_code != '' AND month <= ? "
            "ORDER BY month, seq, item_id"
        )
        params = (_json_path(text), _json_path(measure), kind.name, month)
        records = [tuple(r) for r in self.conn.execute(sql, params)]
        columns = [
            "item_id",
            "unit_code",
            "month",
            "seq",
            "row",
            text,
            measure,
            kind.progress_column,
            kind.status_column,
        ]
        return pd.DataFrame.from_records(records, columns=columns)

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
