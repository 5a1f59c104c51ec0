"""The ledger's seal: every state reports are made from, covered by a hash chain (SPEC §8).

The audit log proves which files came in and what became of them; the seal proves that the
ledger built from them was written by the pipeline and nothing else, in three layers:

- **guard triggers** on every sealed table call a function only the pipeline's own connection
  defines (``GUARD``): an ``UPDATE``/``INSERT``/``DELETE`` typed in a database tool fails with
  "no such function: 台账受保护_请勿直接修改";
- **the seal**: each run, in the same transaction as its changes, re-seals what it wrote (the
  rows of the month it ran, and the roster, which every run refreshes). A sealed row is its
  table, its key and a digest of all its columns; a month's rows give the month's root; the
  roots give the ledger's root, appended to ``seals``, a hash chain bound to the audit chain's
  head at that moment;
- **checks**: ``check`` with ``rows`` (``audit verify``) recomputes every row from the live
  tables and names what differs: a row edited, added or deleted by hand, the seal itself
  altered, the guards removed. A run checks the cheap layers (guards present, chain and roots
  consistent) and the rows of the month it is about to seal again, so an edit is never sealed
  over by a re-run of its month; a run refuses any of these, naming the change.

Rows are rendered to text by SQLite itself (``quote()`` of every column) and hashed as they
come, ordered by SQLite, so ``audit verify`` of a county's ledger is one read of each table.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.kinds import BY_NAME
from pipeline.storage.chain import GENESIS, record_hash

GLOBAL = ""  # the month of rows that belong to no month (the roster)


@dataclass(frozen=True)
class Sealed:
    """A ledger table under the seal: how a row's key and month are read."""

    table: str
    label: str  # what a row is, for the clerk
    key: str  # SQL expression of the row's key
    month: str  # SQL expression of the month the row belongs to


# What schema v6 sealed: the roster, the runs and the items of every kind.
SEALED_V6: tuple[Sealed, ...] = (
    Sealed("units", "单位名单", "code", "''"),
    Sealed("month_runs", "月度运行记录", "month", "month"),
    Sealed("items", "事项登记", "kind || ':' || item_id", "created_month"),
    Sealed("item_versions", "事项记录", "kind || ':' || item_id || ':' || unit_code", "month"),
    Sealed("item_flags", "事项灯色记录", "kind || ':' || item_id || ':' || unit_code", "month"),
)
# v7 adds the 办事效率评议: a rater's rating of a department for a period, sealed with the month
# whose file carried it.
RATINGS = Sealed("ratings", "办事效率评议记录", "period || ':' || rater || ':' || department", "month")
SEALED: tuple[Sealed, ...] = (*SEALED_V6, RATINGS)
# What schema v5 sealed: the problems still had tables of their own (migration v6 moved them).
SEALED_V5: tuple[Sealed, ...] = (
    SEALED_V6[0],
    Sealed("problems", "问题登记", "problem_id", "created_month"),
    Sealed("versions", "问题记录", "problem_id", "month"),
    Sealed("month_flags", "灯色记录", "problem_id", "month"),
    *SEALED_V6[1:],
)
# Every table ever sealed, in the order a month's root takes them (a table added later comes
# last, so the roots sealed before it are computed as they were).
_EVER: tuple[Sealed, ...] = (*SEALED_V5, RATINGS)
_BY_TABLE = {s.table: s for s in _EVER}
_ORDER = {s.table: n for n, s in enumerate(_EVER)}
GUARD = "台账受保护_请勿直接修改"  # the function the guard triggers call: defined by Store.open only


def _guards(tables: Sequence[Sealed]) -> dict[str, str]:
    """Trigger name -> its SQL, for every sealed table and every kind of write."""
    return {
        f"{s.table}_guard_{event.lower()}": (
            f"CREATE TRIGGER {s.table}_guard_{event.lower()} BEFORE {event} ON {s.table} BEGIN SELECT {GUARD}(); END"
        )
        for s in tables
        for event in ("INSERT", "UPDATE", "DELETE")
    }


GUARDS = _guards(SEALED)
GUARDS_V7 = "".join(f"{sql};\n" for sql in _guards((RATINGS,)).values())  # the ratings' guards

SCHEMA_V5 = """
CREATE TABLE seal_rows(
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    month TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY(tbl, month, key)
);
CREATE TABLE seal_months(month TEXT PRIMARY KEY, root TEXT NOT NULL);
CREATE TABLE seals(
    seq INTEGER PRIMARY KEY,
    sealed_at TEXT NOT NULL,
    audit_head TEXT NOT NULL,
    root TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER seals_no_update BEFORE UPDATE ON seals
    BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
CREATE TRIGGER seals_no_delete BEFORE DELETE ON seals
    BEGIN SELECT RAISE(ABORT, 'seals is append-only'); END;
""" + "".join(f"{sql};\n" for sql in _guards(SEALED_V5).values())


def register(conn: sqlite3.Connection) -> None:
    """Let this connection write the sealed tables (the guard triggers' function)."""
    conn.create_function(GUARD, 0, _allowed)


def _allowed() -> int:
    return 1


@dataclass(frozen=True)
class Change:
    """One difference between the live ledger and its seal."""

    code: str  # a catalogue code: ledger-row-edited / -added / -deleted, ledger-seal-*
    table: str = ""
    key: str = ""
    month: str = ""

    @property
    def params(self) -> dict[str, str]:
        """The change as the clerk reads it: what (问题记录, 交办事项灯色记录…), which, which month."""
        sealed = _BY_TABLE.get(self.table)
        what, key = (sealed.label if sealed else self.table), self.key
        if self.table == RATINGS.table:  # period:rater:department
            period, _, rest = self.key.partition(":")
            rater, _, department = rest.partition(":")
            key = f"{period}（{rater} 评 {department}）" if department else self.key
        elif self.table.startswith("item"):  # kind:item[:unit]
            name, _, rest = self.key.partition(":")
            item, _, unit = rest.partition(":")
            kind = BY_NAME.get(name)
            what = f"{kind.label if kind else name}{what.removeprefix('事项')}"
            key = item if not unit or (kind is not None and kind.registered_by_unit) else f"{item}（{unit}）"
        return {"what": what, "key": key, "month": self.month or "—"}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _live(
    conn: sqlite3.Connection, sealed: Sealed, months: Sequence[str] | None = None
) -> Iterator[tuple[str, str, str]]:
    """(month, key, digest) of the table's rows (of ``months`` only, when given), by month then key."""
    text = " || '|' || ".join(f"quote({c})" for c in _columns(conn, sealed.table))
    sql = f"SELECT {sealed.month}, {sealed.key}, {text} FROM {sealed.table}"  # months are NOT NULL
    params: list[str] = []
    if months is not None:
        sql += f" WHERE {sealed.month} IN ({','.join('?' * len(months))})"
        params = list(months)
    sha = hashlib.sha256
    for month, key, row in conn.execute(sql + " ORDER BY 1, 2", params):
        yield month, key, sha(row.encode("utf-8", "surrogatepass")).hexdigest()


def _root(rows: Iterable[tuple[str, str, str]]) -> str:
    """A month's root from its (table, key, digest) rows: tables in ``SEALED`` order, keys in
    code-point order (SQLite's own order of UTF-8 text, so ``check`` can hash rows as they come)."""
    digest = hashlib.sha256()
    for tbl, key, row in sorted(rows, key=lambda r: (_ORDER[r[0]], r[1])):
        digest.update(f"{tbl}\t{key}\t{row}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _ledger_root(month_roots: dict[str, str]) -> str:
    return _digest("\n".join(f"{m}\t{r}" for m, r in sorted(month_roots.items())))


def reseal(
    conn: sqlite3.Connection, months: Iterable[str], sealed_at: str, audit_head: str, tables: Sequence[Sealed] = SEALED
) -> None:
    """Seal again the rows of ``months`` (with the roster) as they are now, and append the
    ledger's new root to the chain. Call inside the transaction that changed them."""
    wanted = sorted({*months, GLOBAL})
    by_month: dict[str, list[tuple[str, str, str]]] = {m: [] for m in wanted}
    for sealed in tables:
        for month, key, digest in _live(conn, sealed, wanted):
            by_month[month].append((sealed.table, key, digest))
    marks = ",".join("?" * len(wanted))
    conn.execute(f"DELETE FROM seal_rows WHERE month IN ({marks})", wanted)
    conn.execute(f"DELETE FROM seal_months WHERE month IN ({marks})", wanted)
    conn.executemany(
        "INSERT INTO seal_rows(tbl, key, month, digest) VALUES (?, ?, ?, ?)",
        ((tbl, key, month, digest) for month, rows in by_month.items() for tbl, key, digest in rows),
    )
    conn.executemany(
        "INSERT INTO seal_months(month, root) VALUES (?, ?)",
        ((month, _root(rows)) for month, rows in by_month.items() if rows),
    )
    roots = {r[0]: r[1] for r in conn.execute("SELECT month, root FROM seal_months")}
    last = conn.execute("SELECT hash FROM seals ORDER BY seq DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    fields = [sealed_at, audit_head, _ledger_root(roots)]
    conn.execute(
        "INSERT INTO seals(sealed_at, audit_head, root, prev_hash, hash) VALUES (?, ?, ?, ?, ?)",
        (*fields, prev, record_hash(prev, fields)),
    )


def reseal_all(conn: sqlite3.Connection, sealed_at: str, audit_head: str, tables: Sequence[Sealed] = SEALED) -> None:
    """Seal every month of the ledger (a ledger written before the seal existed, or migrated)."""
    months = {
        str(m or "")
        for sealed in tables
        for (m,) in conn.execute(f"SELECT DISTINCT {sealed.month} FROM {sealed.table}")
    }
    reseal(conn, months, sealed_at, audit_head, tables)


def drop_v5_seal(conn: sqlite3.Connection) -> None:
    """Forget what schema v5 sealed of the problems' own tables (migration v6 moved them)."""
    old = [s.table for s in SEALED_V5 if s not in SEALED]
    conn.execute(f"DELETE FROM seal_rows WHERE tbl IN ({','.join('?' * len(old))})", old)


def check(
    conn: sqlite3.Connection, audit_head: str | None, rows: bool = True, months: Sequence[str] = ()
) -> list[Change]:
    """Everything in which the live ledger differs from its seal (empty when it is intact).

    Always: the guard triggers, the chain of seals, the roots against the chain. With ``rows``
    (``audit verify``), every row of the ledger against its sealed digest; else only the rows of
    ``months`` (the month a run is about to seal again)."""
    changes: list[Change] = []
    present = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    unguarded = dict.fromkeys(_table_of(name) for name, sql in GUARDS.items() if present.get(name) != sql)
    if unguarded:
        changes.append(Change("ledger-guard-removed", key="、".join(_BY_TABLE[t].label for t in unguarded)))
    chain = conn.execute("SELECT seq, sealed_at, audit_head, root, prev_hash, hash FROM seals ORDER BY seq").fetchall()
    prev, expected = GENESIS, 1
    for seq, sealed_at, head, root, prev_hash, digest in chain:
        if seq != expected or prev_hash != prev or record_hash(prev_hash, [sealed_at, head, root]) != digest:
            changes.append(Change("ledger-seal-chain", key=str(seq)))
        prev, expected = digest, seq + 1
    roots = {r[0]: r[1] for r in conn.execute("SELECT month, root FROM seal_months")}
    if not chain:
        if roots or _has_rows(conn):
            changes.append(Change("ledger-unsealed"))
        return changes
    last_head, last_root = chain[-1][2], chain[-1][3]
    if (audit_head or GENESIS) != last_head:
        changes.append(Change("ledger-seal-behind"))
    if _ledger_root(roots) != last_root:
        changes.append(Change("ledger-seal-roots"))
    if rows or changes:
        return changes + _row_changes(conn, roots)
    if months:
        return _row_changes(conn, {m: r for m, r in roots.items() if m in months}, sorted(set(months)))
    return changes


def _table_of(trigger: str) -> str:
    return trigger.rsplit("_guard_", 1)[0]


def _row_changes(conn: sqlite3.Connection, roots: dict[str, str], months: Sequence[str] | None = None) -> list[Change]:
    """Each sealed month whose rows no longer give its root, then each row that differs (of
    ``months`` only, when given)."""
    changes: list[Change] = []
    sealed: dict[tuple[str, str, str], str] = {}
    by_month: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    sql, params = "SELECT tbl, key, month, digest FROM seal_rows", list(months or ())
    if months is not None:
        sql += f" WHERE month IN ({','.join('?' * len(params))})"
    for tbl, key, month, digest in conn.execute(sql, params):
        sealed[(tbl, month, key)] = digest
        by_month[month].append((tbl, key, digest))
    for month in sorted(set(roots) | set(by_month)):
        if roots.get(month) != (_root(by_month[month]) if month in by_month else None):
            changes.append(Change("ledger-seal-rows", month=month))
    seen: set[tuple[str, str, str]] = set()
    for s in SEALED:
        for month, key, digest in _live(conn, s, months):
            where = (s.table, month, key)
            seen.add(where)
            was = sealed.get(where)
            if was is None:
                changes.append(Change("ledger-row-added", s.table, key, month))
            elif was != digest:
                changes.append(Change("ledger-row-edited", s.table, key, month))
    for tbl, month, key in sorted(set(sealed) - seen, key=lambda w: (_ORDER.get(w[0], 99), w[1], w[2])):
        changes.append(Change("ledger-row-deleted", tbl, key, month))
    return changes


def _has_rows(conn: sqlite3.Connection) -> bool:
    return any(
        conn.execute(f"SELECT 1 FROM {s.table} LIMIT 1").fetchone() is not None for s in SEALED if s.table != "units"
    )
