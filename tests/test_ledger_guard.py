"""The ledger is never replaced by a new one by accident, and never edited unseen (#17.4, #17.5)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
from conftest import GOOD_ROWS, write_list

from pipeline import run
from pipeline.errors import LedgerCorrupt, LedgerEdited, LedgerMissing, RestoreRefused
from pipeline.storage import seal
from pipeline.storage.ledger import Store

MARCH = dt.datetime(2022, 3, 18, 9, 30)
APRIL = dt.datetime(2022, 4, 20, 9, 30)


@pytest.fixture
def two_months(workspace: Path) -> Path:
    """March: 红星村's four problems; April: its update (HX-001 overdue since 2022-03-25)."""
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][5] = "2022-03-25"
    write_list(workspace / "inbox" / "红星村.xlsx", rows, received=MARCH)
    run.monthly(workspace, dt.date(2022, 3, 31))
    rows[0][6] = "4月已召开两次学习会"
    write_list(
        workspace / "inbox" / "红星村4月.xlsx", rows, ids=["HX-001", "HX-002", "HX-003", "HX-004"], received=APRIL
    )
    run.monthly(workspace, dt.date(2022, 4, 30))
    return workspace


def snapshot(root: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file())


def ledger_light(root: Path, month: str, pid: str) -> object:
    wb = openpyxl.load_workbook(root / "out" / month / "总台账.xlsx", read_only=True)
    rows = list(wb["问题总台账"].iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[0] == pid)
    return row[header.index("灯色")]


# --- a missing, empty or damaged ledger ---------------------------------------------------------


@pytest.mark.parametrize("damage", ["deleted", "emptied"])
def test_a_lost_ledger_is_refused_and_nothing_is_moved(two_months: Path, damage: str) -> None:
    ledger = two_months / "ledger.sqlite"
    for side in ("ledger.sqlite-wal", "ledger.sqlite-shm"):
        (two_months / side).unlink(missing_ok=True)
    if damage == "deleted":
        ledger.unlink()
    else:
        ledger.write_bytes(b"")
    write_list(two_months / "inbox" / "红星村5月.xlsx", GOOD_ROWS, ids=["HX-001", "HX-002", "HX-003", "HX-004"])
    before = snapshot(two_months)
    with pytest.raises(LedgerMissing) as refused:
        run.monthly(two_months, dt.date(2022, 5, 31))
    word = "不见了" if damage == "deleted" else "是空的"
    made = dt.datetime.fromtimestamp((two_months / "backup" / "ledger-2022-04.sqlite").stat().st_mtime)
    assert refused.value.text == (
        f"台账数据库 ledger.sqlite {word}，但工作目录中已有 2 个归档的收件和 2 个月（2022-03 至 2022-04）的报表。"
        "为免从头建立新台账、把以往的问题都当作不存在，本次没有运行。"
        f"请运行 make restore 从最近的备份 backup/ledger-2022-04.sqlite（{made:%Y-%m-%d %H:%M} 的运行之后备份）"
        "恢复台账，再重新运行。"
    )
    assert snapshot(two_months) == before


def test_restore_puts_back_the_last_backup_and_the_month_runs(two_months: Path) -> None:
    (two_months / "ledger.sqlite").unlink()
    backup, kept = run.restore(two_months)
    assert backup == two_months / "backup" / "ledger-2022-04.sqlite"
    assert kept is None
    assert run.audit_verify(two_months) == []
    write_list(two_months / "inbox" / "红星村5月.xlsx", GOOD_ROWS, ids=["HX-001", "HX-002", "HX-003", "HX-004"])
    result = run.monthly(two_months, dt.date(2022, 5, 31))
    assert [(f.file_name, f.outcome) for f in result.files] == [("红星村5月.xlsx", "通过")]


def test_a_ledger_that_is_not_a_database_is_named_as_such(two_months: Path) -> None:
    ledger = two_months / "ledger.sqlite"
    for side in ("ledger.sqlite-wal", "ledger.sqlite-shm"):
        (two_months / side).unlink(missing_ok=True)
    ledger.write_bytes(b"this is not a ledger at all, just some text pasted here" * 100)
    with pytest.raises(LedgerCorrupt) as refused:
        run.monthly(two_months, dt.date(2022, 5, 31))
    assert refused.value.text.startswith(
        "台账数据库 ledger.sqlite 已损坏或不是台账文件（文件内容不是完整的 SQLite 台账），本次没有运行。"
    )
    with pytest.raises(LedgerCorrupt):
        run.audit_verify(two_months)


def test_a_truncated_ledger_is_named_as_damaged(two_months: Path) -> None:
    ledger = two_months / "ledger.sqlite"
    with closing(sqlite3.connect(ledger)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = ledger.read_bytes()
    ledger.write_bytes(data[: len(data) // 2])
    with pytest.raises(LedgerCorrupt) as refused:
        run.monthly(two_months, dt.date(2022, 5, 31))
    assert "已损坏" in refused.value.text and "make restore" in refused.value.text


def test_a_new_empty_ledger_put_in_place_of_the_real_one_is_refused(two_months: Path) -> None:
    for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"):
        (two_months / name).unlink(missing_ok=True)
    Store.open(two_months / "ledger.sqlite").close()  # a fresh ledger, schema and all, no history
    with pytest.raises(LedgerMissing) as refused:
        run.monthly(two_months, dt.date(2022, 5, 31))
    assert refused.value.code == "ledger-empty"


def test_a_first_run_in_a_new_workspace_creates_the_ledger(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert (workspace / "ledger.sqlite").is_file()
    assert (workspace / "backup" / "ledger-2022-03.sqlite").is_file()


def test_restore_refuses_when_the_ledger_is_sound(two_months: Path) -> None:
    with pytest.raises(RestoreRefused) as refused:
        run.restore(two_months)
    assert refused.value.code == "restore-not-needed"


# --- a ledger edited by hand ----------------------------------------------------------------------


def edit(root: Path, *statements: str, drop_guards: bool = False) -> None:
    """Change the ledger as someone determined to would: past the guard triggers, by defining
    their function on the connection (or by dropping them first)."""
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db, db:
        if drop_guards:
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_guard_%'"
            ).fetchall():
                db.execute(f"DROP TRIGGER {name}")
        else:
            db.create_function(seal.GUARD, 0, lambda: 1)
        for statement in statements:
            db.execute(statement)


def test_an_edit_typed_in_a_database_tool_is_refused_by_the_ledger_itself(two_months: Path) -> None:
    with closing(sqlite3.connect(two_months / "ledger.sqlite")) as db:
        with pytest.raises(sqlite3.OperationalError, match="台账受保护_请勿直接修改"):
            db.execute("UPDATE item_versions SET status = '已完成' WHERE item_id = 'HX-001'")
        with pytest.raises(sqlite3.OperationalError, match="台账受保护_请勿直接修改"):
            db.execute("DELETE FROM item_flags")
    assert run.audit_verify(two_months) == []


def test_an_edited_status_is_named_by_audit_verify_and_not_sealed_over_by_a_rerun(two_months: Path) -> None:
    assert ledger_light(two_months, "2022-04", "HX-001") == "红灯"
    edit(two_months, "UPDATE item_versions SET status = '已完成', done_on = '2022-04-01' WHERE item_id = 'HX-001'")
    findings = run.audit_verify(two_months)
    assert [(f.kind, f.detail) for f in findings] == [
        ("台账被改动", "台账中问题记录 HX-001（2022-03）被直接改动过，与封存的校验值不符"),
        ("台账被改动", "台账中问题记录 HX-001（2022-04）被直接改动过，与封存的校验值不符"),
    ]
    with pytest.raises(LedgerEdited) as refused:
        run.monthly(two_months, dt.date(2022, 4, 30))  # a re-run would have sealed over the edit
    assert refused.value.text == (
        "台账数据库中的记录被直接改动过（不是由本程序写入的），本次没有运行：台账中问题记录 HX-001（2022-04）被直接改动过，"
        "与封存的校验值不符。被改动的台账不能作为统计依据。请运行 make restore 从最近的备份恢复台账；"
        "如确需更正，应让单位重新报送或由作风整顿办更正后重新运行。"
    )
    assert ledger_light(two_months, "2022-04", "HX-001") == "红灯"  # the outputs were not rewritten


def test_with_its_guards_dropped_the_ledger_is_refused_by_any_run(two_months: Path) -> None:
    edit(
        two_months,
        "UPDATE item_versions SET status = '已完成' WHERE item_id = 'HX-001' AND month = '2022-03'",
        drop_guards=True,
    )
    write_list(two_months / "inbox" / "红星村5月.xlsx", GOOD_ROWS, ids=["HX-001", "HX-002", "HX-003", "HX-004"])
    with pytest.raises(LedgerEdited) as refused:
        run.monthly(two_months, dt.date(2022, 5, 31))
    assert refused.value.text.startswith(
        "台账数据库中的记录被直接改动过（不是由本程序写入的），本次没有运行：台账中问题记录 HX-001（2022-03）被直接改动过，"
        "与封存的校验值不符；台账的写入保护被删除或改动过（单位名单、月度运行记录、事项登记、事项记录、事项灯色记录、"
        "办事效率评议记录），"
        "有人绕过本程序改动过台账。"
    )
    assert "问题记录 HX-001（2022-03）被直接改动过" in run.audit_verify(two_months)[-1].detail
    assert (two_months / "inbox" / "红星村5月.xlsx").is_file()


@pytest.mark.parametrize(
    ("statement", "finding"),
    [
        (
            "DELETE FROM item_flags WHERE item_id = 'HX-001' AND month = '2022-04'",
            "台账中问题灯色记录 HX-001（2022-04）被删除了",
        ),
        (
            "INSERT INTO items(kind, item_id, created_month, created_seq, owner, number) "
            "VALUES ('problem', 'HX-009', '2022-04', 2, 'HX', 9)",
            "台账中问题登记 HX-009（2022-04）不是本程序写入的（封存时没有这条）",
        ),
        (
            "UPDATE units SET name = '别的村' WHERE code = 'HX'",
            "台账中单位名单 HX（—）被直接改动过，与封存的校验值不符",
        ),
        (
            "UPDATE month_runs SET doc_number = 9 WHERE month = '2022-04'",
            "台账中月度运行记录 2022-04（2022-04）被直接改动过，与封存的校验值不符",
        ),
    ],
)
def test_every_kind_of_row_edit_is_named(two_months: Path, statement: str, finding: str) -> None:
    edit(two_months, statement)
    assert [f.detail for f in run.audit_verify(two_months)] == [finding]


def test_an_edit_that_also_rewrites_the_seal_is_still_found(two_months: Path) -> None:
    edit(
        two_months,
        "UPDATE item_versions SET status = '已完成' WHERE item_id = 'HX-001' AND month = '2022-04'",
        "DELETE FROM seal_rows WHERE tbl = 'item_versions' AND key = 'problem:HX-001:HX' AND month = '2022-04'",
    )
    details = [f.detail for f in run.audit_verify(two_months)]
    assert details == [
        "台账 2022-04 的封存校验值被改动",
        "台账中问题记录 HX-001（2022-04）不是本程序写入的（封存时没有这条）",
    ]


def test_a_ledger_from_before_the_seal_is_sealed_and_moved_to_one_model_when_opened(tmp_path: Path) -> None:
    root = tmp_path / "青石镇"
    shutil.copytree(Path(__file__).resolve().parent / "data" / "ledger-v5" / "workspace", root)
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db:  # as schema v4 left a ledger: no seal at all
        guards = "".join(
            f"DROP TRIGGER {s.table}_guard_{e};" for s in seal.SEALED_V5 for e in ("insert", "update", "delete")
        )
        db.executescript(
            guards + "DROP TRIGGER seals_no_update; DROP TRIGGER seals_no_delete;"
            "DROP TABLE seal_rows; DROP TABLE seal_months; DROP TABLE seals; PRAGMA user_version = 4;"
        )
    assert run.audit_verify(root) == []  # opened: sealed as it stood (v5), its problems moved (v6), sealed again
    edit(root, "UPDATE item_versions SET progress = '改过的进展' WHERE item_id = 'QS-002' AND month = '2022-03'")
    assert [f.detail for f in run.audit_verify(root)] == [
        "台账中问题记录 QS-002（2022-03）被直接改动过，与封存的校验值不符"
    ]
