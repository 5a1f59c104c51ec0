"""The ledger (SPEC §5): schema and migrations, 问题编号, superseding, duplicates, history."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import GOOD_ROWS, set_received, write_list

from pipeline import ingest, run, vocab
from pipeline.cli import cli
from pipeline.config import Campaign
from pipeline.errors import LedgerTooNew, MonthOrderError
from pipeline.kinds import PROBLEM
from pipeline.readers import pool
from pipeline.storage import archive
from pipeline.storage.ledger import MIGRATIONS, SCHEMA_VERSION, Store, _statements

HX_IDS = ["HX-001", "HX-002", "HX-003", "HX-004"]
COLUMNS = [c for c in vocab.COLUMNS if c != "序号"]  # the checked rows validate hands over


def rows(*items: tuple[str | None, str, str], first_row: int = 5) -> pd.DataFrame:
    """Checked rows as validate hands them over: (问题编号, 具体问题, 完成状态) per row, Excel rows as index."""
    records = [
        {
            "问题编号": pid,
            "问题类别": "服务不强、环境不优",
            "具体问题": text,
            "整改措施": "建立制度",
            "责任领导": "王建国",
            "责任人": "李明",
            "完成时限": dt.date(2022, 6, 30),
            "整改进展": f"{text}的进展",
            "完成状态": status,
            "完成日期": dt.date(2022, 4, 20) if status == "已完成" else None,
            "备注": None,
        }
        for pid, text, status in items
    ]
    return pd.DataFrame(records, columns=COLUMNS, index=range(first_row, first_row + len(records)), dtype=object)


@pytest.fixture
def store(tmp_path: Path, campaign: Campaign) -> Store:
    s = Store.open(tmp_path / "ledger.sqlite")
    s.sync_units(campaign.units)
    return s


def ids(store: Store, month: str, unit: str = "HX") -> list[str]:
    state = store.state(PROBLEM, month)
    return list(state[state["单位编码"] == unit]["问题编号"])


# --- schema --------------------------------------------------------------------------------


def test_a_new_ledger_has_the_current_schema(store: Store) -> None:
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"units", "items", "item_versions", "item_flags", "audit_log", "month_runs", "inbox_done"} <= tables
    assert not {"problems", "versions", "month_flags"} & tables  # the problems are a kind like any other (v6)


def test_an_older_ledger_is_migrated_on_open_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        for statement in _statements(MIGRATIONS[0]):
            conn.execute(statement)
        conn.execute("PRAGMA user_version=1")
        conn.execute("INSERT INTO units VALUES ('HX', '红星村', '村')")
        conn.commit()
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.unit_names() == {"HX": "红星村"}
        assert store.inbox_done() == []
    finally:
        store.close()


def test_a_ledger_from_a_newer_program_is_refused(workspace: Path) -> None:
    with closing(sqlite3.connect(workspace / "ledger.sqlite")) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(LedgerTooNew):
        Store.open(workspace / "ledger.sqlite")
    result = CliRunner().invoke(cli, ["--data", str(workspace), "monthly", "--as-of", "2022-03-31"])
    assert result.exit_code == 2
    assert "由更新版本的程序写入" in result.output


# --- 问题编号 and updates ----------------------------------------------------------------


def test_ids_follow_the_rows_and_new_problems_continue_the_numbering(store: Store) -> None:
    with store.transaction():
        store.apply(
            PROBLEM, 1, "HX", "2022-03", rows((None, "甲", "未启动"), (None, "乙", "未启动"), (None, "丙", "整改中"))
        )
        store.apply(PROBLEM, 2, "DF", "2022-03", rows((None, "丁", "未启动")))
    march = store.state(PROBLEM, "2022-03").set_index("问题编号")
    assert list(march.index) == ["DF-001", "HX-001", "HX-002", "HX-003"]
    assert [march.at[p, "具体问题"] for p in ("HX-001", "HX-002", "HX-003")] == ["甲", "乙", "丙"]
    with store.transaction():
        april = rows(
            ("HX-002", "乙", "已完成"), (None, "戊", "未启动"), ("HX-001", "甲", "整改中"), (None, "己", "未启动")
        )
        assert store.apply(PROBLEM, 3, "HX", "2022-04", april) == (4, 2)
    state = store.state(PROBLEM, "2022-04").set_index("问题编号")
    assert ids(store, "2022-04") == ["HX-001", "HX-002", "HX-003", "HX-004", "HX-005"]
    assert state.at["HX-004", "具体问题"] == "戊" and state.at["HX-005", "具体问题"] == "己"
    assert state.at["HX-002", "完成状态"] == "已完成" and state.at["HX-002", "更新月份"] == "2022-04"
    assert state.at["HX-003", "更新月份"] == "2022-03"  # not in April's file: carried forward


def test_missing_values_in_any_pandas_spelling_are_stored_as_null(store: Store) -> None:
    frame = rows((None, "甲", "未启动"), ("", "乙", "未启动")).astype({"问题编号": "str", "备注": "float"})
    with store.transaction():
        assert store.apply(PROBLEM, 1, "HX", "2022-03", frame) == (2, 2)
    assert (
        store.conn.execute("SELECT COUNT(*) FROM item_versions WHERE json_extract(data, '$.备注') IS NULL").fetchone()[
            0
        ]
        == 2
    )


def test_a_later_submission_in_the_month_supersedes_the_earlier(store: Store) -> None:
    with store.transaction():
        store.apply(PROBLEM, 1, "HX", "2022-03", rows((None, "甲", "未启动"), (None, "乙", "未启动")))
        store.apply(
            PROBLEM,
            2,
            "HX",
            "2022-04",
            rows(("HX-001", "甲", "整改中"), ("HX-002", "乙", "未启动"), (None, "新问题", "未启动")),
        )
    assert ids(store, "2022-04") == ["HX-001", "HX-002", "HX-003"]
    with store.transaction():  # the same month again: the corrected file drops 新问题 and adds another
        store.apply(
            PROBLEM,
            3,
            "HX",
            "2022-04",
            rows(("HX-001", "甲", "已完成"), ("HX-002", "乙", "整改中"), (None, "另一个问题", "未启动")),
        )
    state = store.state(PROBLEM, "2022-04").set_index("问题编号")
    assert list(state.index) == ["HX-001", "HX-002", "HX-003"]
    assert state.at["HX-003", "具体问题"] == "另一个问题"  # the withdrawn problem's number is reused
    assert state.at["HX-001", "完成状态"] == "已完成"
    assert store.conn.execute("SELECT COUNT(*) FROM item_versions WHERE month = '2022-04'").fetchone()[0] == 3
    assert store.state(PROBLEM, "2022-03").set_index("问题编号").at["HX-001", "完成状态"] == "未启动"  # March intact


# --- through monthly runs ------------------------------------------------------------------


def db_rows(ws: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(ws / "ledger.sqlite")) as conn:
        return conn.execute(sql).fetchall()


def march(ws: Path) -> None:
    write_list(ws / "inbox" / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(
        ws / "inbox" / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19)
    )
    run.monthly(ws, dt.date(2022, 3, 31))


def hx_update(ws: Path, name: str, received: dt.datetime, **changes: tuple[str, str, str | None]) -> Path:
    """A 红星村 update; ``changes`` maps HX-00n to (整改进展, 完成状态, 完成日期)."""
    table = [list(r) for r in GOOD_ROWS]
    for pid, (progress, status, done) in changes.items():
        i = int(pid[-1]) - 1
        table[i][6], table[i][7], table[i][8] = progress, status, done
    return write_list(ws / "inbox" / name, table, ids=HX_IDS, received=received)


def test_resubmission_supersedes_and_both_files_are_kept(workspace: Path) -> None:
    march(workspace)
    hx_update(workspace, "红星村4月.xlsx", dt.datetime(2022, 4, 20), **{"HX-001": ("第一次", "整改中", None)})
    hx_update(workspace, "红星村4月（更正）.xlsx", dt.datetime(2022, 4, 24), **{"HX-001": ("更正后", "整改中", None)})
    result = run.monthly(workspace, dt.date(2022, 4, 30))
    assert [f.outcome for f in result.files] == ["通过", "通过"]
    assert db_rows(workspace, "SELECT progress FROM item_versions WHERE item_id = 'HX-001' AND month = '2022-04'") == [
        ("更正后",)
    ]
    april = db_rows(workspace, "SELECT file_name, sha256, outcome FROM audit_log WHERE month = '2022-04' ORDER BY seq")
    assert [(r[0], r[2]) for r in april] == [("红星村4月.xlsx", "通过"), ("红星村4月（更正）.xlsx", "通过")]
    for _, sha, _ in april:
        assert (workspace / "archive" / sha[:2] / sha).exists()


def test_a_file_already_received_is_a_duplicate_and_not_processed_again(workspace: Path) -> None:
    march(workspace)
    again = workspace / "inbox" / "红星村问题清单(1).xlsx"  # the same file, sent again a month later
    again.write_bytes(db_archive_copy(workspace, "红星村问题清单.xlsx"))
    set_received(again, dt.datetime(2022, 4, 2))
    archived_before = sorted((workspace / "archive").rglob("*"))
    result = run.monthly(workspace, dt.date(2022, 4, 30))
    assert [(f.outcome, f.unit) for f in result.files] == [("重复", "红星村")]
    assert "与 2022-03-18 09:00:00 收到的“红星村问题清单.xlsx”内容完全相同" in result.files[0].messages[0].text
    assert db_rows(workspace, "SELECT COUNT(*) FROM item_versions WHERE month = '2022-04'") == [(0,)]
    assert db_rows(workspace, "SELECT outcome, unit_code FROM audit_log WHERE month = '2022-04'") == [("重复", "HX")]
    assert sorted((workspace / "archive").rglob("*")) == archived_before  # stored once
    assert not any((workspace / "inbox").iterdir())


def db_archive_copy(ws: Path, name: str) -> bytes:
    (sha,) = db_rows(ws, f"SELECT sha256 FROM audit_log WHERE file_name = '{name}'")[0]
    return (ws / "archive" / sha[:2] / sha).read_bytes()


def workbook(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: [tuple(r) for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}
    finally:
        wb.close()


def ledger_snapshot(ws: Path) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("items", "item_versions", "item_flags", "month_runs", "audit_log")
    return {t: db_rows(ws, f"SELECT * FROM {t} ORDER BY 1, 2, 3") for t in tables}


def test_a_past_month_is_reproduced_from_history(workspace: Path) -> None:
    march(workspace)
    hx_update(
        workspace, "红星村4月.xlsx", dt.datetime(2022, 4, 22), **{"HX-003": ("已完成整改", "已完成", "2022-04-20")}
    )
    run.monthly(workspace, dt.date(2022, 4, 30))
    april_ledger = workspace / "out" / "2022-04" / "总台账.xlsx"
    original = workbook(april_ledger)
    run.monthly(workspace, dt.date(2022, 5, 31))
    hx_update(
        workspace,
        "红星村7月.xlsx",
        dt.datetime(2022, 7, 20),
        **{"HX-001": ("学习已常态化", "已完成", "2022-07-10"), "HX-002": ("清单已建立", "已完成", "2022-07-01")},
        **{"HX-003": ("已完成整改", "已完成", "2022-04-20")},
    )
    run.monthly(workspace, dt.date(2022, 7, 31))
    assert workbook(workspace / "out" / "2022-07" / "总台账.xlsx")["问题总台账"] != original["问题总台账"]
    before = ledger_snapshot(workspace)
    april_ledger.unlink()

    again = run.monthly(workspace, dt.date(2022, 4, 15))  # any day of April: the month as it was run
    assert again.as_of == dt.date(2022, 4, 30)
    assert workbook(april_ledger) == original
    assert ledger_snapshot(workspace) == before  # reproducing a past month changes nothing
    state = Store.open(workspace / "ledger.sqlite")
    try:
        april = state.state(PROBLEM, "2022-04").set_index("问题编号")
    finally:
        state.close()
    assert april.at["HX-001", "完成状态"] == "整改中" and april.at["HX-003", "完成状态"] == "已完成"


def test_rerunning_the_month_changes_nothing(workspace: Path) -> None:
    march(workspace)
    first = workbook(workspace / "out" / "2022-03" / "总台账.xlsx")
    before = ledger_snapshot(workspace)
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert workbook(workspace / "out" / "2022-03" / "总台账.xlsx") == first
    after = ledger_snapshot(workspace)
    assert after["month_runs"][0][:4] == before["month_runs"][0][:4]  # same as-of and circular number
    assert {k: v for k, v in after.items() if k != "month_runs"} == {
        k: v for k, v in before.items() if k != "month_runs"
    }


def test_a_month_never_run_cannot_be_slipped_in_after_later_months(workspace: Path) -> None:
    march(workspace)
    run.monthly(workspace, dt.date(2022, 5, 31))
    before = ledger_snapshot(workspace)
    with pytest.raises(MonthOrderError) as info:
        run.monthly(workspace, dt.date(2022, 4, 30))
    assert info.value.code == "month-not-run"
    assert "2022-04 从未运行过" in info.value.text
    assert ledger_snapshot(workspace) == before


def test_a_file_that_cannot_be_archived_stays_in_the_inbox(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = workspace / "inbox"
    write_list(inbox / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(inbox / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19))
    real = archive.copy_in

    def flaky(src: Path, store: Path, keep: int = 0, sync: bool = True) -> archive.Archived:
        if src.name.startswith("东风"):
            raise OSError("changed while it was archived")
        return real(src, store, keep, sync)

    monkeypatch.setenv(pool.WORKERS_ENV, "0")  # read in this process, where the copying is patched
    monkeypatch.setattr(archive, "copy_in", flaky)
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [f.file_name for f in result.files] == ["红星村问题清单.xlsx"]
    assert result.left_in_inbox == ["东风社区问题清单.xlsx"]
    assert [p.name for p in inbox.iterdir()] == ["东风社区问题清单.xlsx"]
    monkeypatch.undo()
    again = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [(f.file_name, f.outcome) for f in again.files] == [("东风社区问题清单.xlsx", "通过")]
    assert not any(inbox.iterdir())


def test_a_file_saved_again_after_it_was_archived_stays_for_the_next_run(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = workspace / "inbox"
    write_list(inbox / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    late = write_list(
        inbox / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19)
    )
    first_version = late.read_bytes()
    real = run._record_and_merge

    def save_again_meanwhile(*args: Any, **kwargs: Any) -> None:
        write_list(late, GOOD_ROWS[:3], unit="东风社区", received=dt.datetime(2022, 3, 20))  # the clerk saves again
        real(*args, **kwargs)

    monkeypatch.setattr(run, "_record_and_merge", save_again_meanwhile)
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    monkeypatch.undo()
    assert result.saved_again == ["东风社区问题清单.xlsx"]  # the new version is not removed unread
    assert result.left_in_inbox == []
    assert late.exists() and late.read_bytes() != first_version
    assert not (inbox / "红星村问题清单.xlsx").exists()
    again = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [(f.file_name, f.outcome) for f in again.files] == [("东风社区问题清单.xlsx", "通过")]
    assert not any(inbox.iterdir())


def test_a_file_too_large_to_read_is_archived_all_the_same(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = workspace / "inbox"
    big = write_list(inbox / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    content = big.read_bytes()
    monkeypatch.setenv(pool.WORKERS_ENV, "0")  # read in this process, where the limit is lowered
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", len(content) - 1)
    [refused] = run.monthly(workspace, dt.date(2022, 3, 31)).files
    assert refused.outcome == "退回" and [m.code for m in refused.messages] == ["file-too-large"]
    sha = hashlib.sha256(content).hexdigest()
    assert archive.archive_path(workspace / "archive", sha).read_bytes() == content  # kept, as received
    assert not any(inbox.iterdir()) and run.audit_verify(workspace) == []
