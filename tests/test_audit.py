"""The audit trail (SPEC §8): ``audit verify`` finds every kind of tampering, ``audit show`` lists a unit's files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import GOOD_ROWS, write_campaign, write_list

from pipeline import run
from pipeline.cli import cli
from pipeline.errors import UnitUnknown
from pipeline.storage import archive as archive_mod
from pipeline.storage.archive import archive_file, archive_path
from pipeline.terminal import audit_table

HX_IDS = ["HX-001", "HX-002", "HX-003", "HX-004"]


@pytest.fixture(scope="module")
def trail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """March (two files) and April (accepted, returned, superseding): six records."""
    workspace = tmp_path_factory.mktemp("audit") / "ws"
    write_campaign(workspace)
    inbox = workspace / "inbox"
    write_list(inbox / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(inbox / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19, 9))
    run.monthly(workspace, dt.date(2022, 3, 31))
    bad = [list(r) for r in GOOD_ROWS]
    bad[1][7] = "不知道"
    write_list(inbox / "红星村4月（草稿）.xlsx", bad, ids=HX_IDS, received=dt.datetime(2022, 4, 10, 8))
    first = [list(r) for r in GOOD_ROWS]
    first[0][6] = "第一次报送"
    write_list(inbox / "红星村4月.xlsx", first, ids=HX_IDS, received=dt.datetime(2022, 4, 20, 8))
    write_list(inbox / "红星村4月（更正）.xlsx", GOOD_ROWS, ids=HX_IDS, received=dt.datetime(2022, 4, 24, 8))
    (inbox / "readme.txt").write_text("x", encoding="utf-8")
    run.monthly(workspace, dt.date(2022, 4, 30))
    return workspace


@pytest.fixture
def audited(trail: Path, tmp_path: Path) -> Path:
    """A fresh copy of the trail for each test to tamper with."""
    return Path(shutil.copytree(trail, tmp_path / "ws"))


def verify(ws: Path) -> Result:
    return CliRunner().invoke(cli, ["--data", str(ws), "audit", "verify"])


def tamper(ws: Path, *sql: str) -> None:
    """What someone with the sqlite3 tool could do: drop the append-only triggers, then edit."""
    with closing(sqlite3.connect(ws / "ledger.sqlite")) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for statement in sql:
            conn.execute(statement)
        conn.commit()


def archived(ws: Path, seq: int) -> Path:
    with closing(sqlite3.connect(ws / "ledger.sqlite")) as conn:
        sha = conn.execute("SELECT sha256 FROM audit_log WHERE seq = ?", (seq,)).fetchone()[0]
    return archive_path(ws / "archive", sha)


def test_an_untouched_trail_verifies(audited: Path) -> None:
    result = verify(audited)
    assert result.exit_code == 0, result.output
    assert "审计核验通过" in result.output
    with closing(sqlite3.connect(audited / "ledger.sqlite")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 6


def test_the_log_refuses_updates_and_deletes_while_its_triggers_stand(audited: Path) -> None:
    with closing(sqlite3.connect(audited / "ledger.sqlite")) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET outcome = '通过' WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE seq = 3")


def test_an_edited_log_row_is_reported(audited: Path) -> None:
    tamper(audited, "UPDATE audit_log SET outcome = '通过' WHERE seq = 3")
    result = verify(audited)
    assert result.exit_code == 1
    assert "[记录被改动] 第 3 条记录（“红星村4月（草稿）.xlsx”）的内容与其校验值不符" in result.output
    assert "第 4 条" not in result.output  # only the edited record is named


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(audited: Path) -> None:
    from pipeline.storage.chain import record_hash
    from pipeline.storage.ledger import AuditRecord

    with closing(sqlite3.connect(audited / "ledger.sqlite")) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM audit_log WHERE seq = 3").fetchone())
    row["outcome"] = "通过"
    forged = record_hash(row["prev_hash"], AuditRecord(**row).hashed_fields())
    tamper(audited, f"UPDATE audit_log SET outcome = '通过', hash = '{forged}' WHERE seq = 3")
    result = verify(audited)
    assert result.exit_code == 1
    assert "第 4 条记录（“红星村4月.xlsx”）与前一条记录的链接断开" in result.output


def test_a_deleted_middle_record_is_reported(audited: Path) -> None:
    tamper(audited, "DELETE FROM audit_log WHERE seq = 2")
    result = verify(audited)
    assert result.exit_code == 1
    assert "[记录被删除] 审计记录第 2 条不见了" in result.output
    assert "[归档文件未登记]" in result.output  # its archived file is now named by no record


@pytest.mark.parametrize(
    ("deleted", "reported"),
    [
        ("seq IN (2, 3)", "[记录被删除] 审计记录第 2 至 3 条不见了"),
        ("seq = (SELECT MAX(seq) FROM audit_log)", "[记录被删除] 第 5 条之后的审计记录被删除"),
        ("1 = 1", "[记录被删除] 全部审计记录被删除"),
    ],
    ids=["a-range", "the-last", "all"],
)
def test_deleted_records_are_reported(audited: Path, deleted: str, reported: str) -> None:
    tamper(audited, f"DELETE FROM audit_log WHERE {deleted}")
    result = verify(audited)
    assert result.exit_code == 1
    assert reported in result.output


def test_a_deleted_chain_head_is_reported(audited: Path) -> None:
    tamper(audited, "DELETE FROM meta WHERE key = 'audit_head'")
    result = verify(audited)
    assert result.exit_code == 1
    assert "末端校验值不见了" in result.output


def test_an_altered_archived_file_is_reported(audited: Path) -> None:
    victim = archived(audited, 4)
    victim.chmod(0o644)
    victim.write_bytes(victim.read_bytes() + b"\0")
    result = verify(audited)
    assert result.exit_code == 1
    assert "[归档文件被改动] “红星村4月.xlsx”的归档副本内容被改动" in result.output


def test_a_removed_archived_file_is_reported(audited: Path) -> None:
    archived(audited, 1).unlink()
    result = verify(audited)
    assert result.exit_code == 1
    assert "[归档文件缺失] 第 1 条记录的归档文件“红星村问题清单.xlsx”" in result.output


def test_a_stray_file_in_the_archive_is_reported(audited: Path) -> None:
    (audited / "archive" / "ab").mkdir(exist_ok=True)
    (audited / "archive" / "ab" / "extra.xlsx").write_bytes(b"not received")
    (audited / "archive" / "loose.txt").write_text("x", encoding="utf-8")
    result = verify(audited)
    assert result.exit_code == 1
    assert "多出未登记的文件 ab/extra.xlsx" in result.output
    assert "多出未登记的文件 loose.txt" in result.output


def test_a_copy_of_a_file_still_in_the_inbox_is_pending_not_tampering(audited: Path) -> None:
    """What a run killed between archiving and recording leaves: reported, but verify passes."""
    waiting = write_list(
        audited / "inbox" / "东风社区5月.xlsx", GOOD_ROWS[:2], unit="东风社区", ids=["DF-001", "DF-002"]
    )
    archive_file(waiting, audited / "archive")
    result = verify(audited)
    assert result.exit_code == 0, result.output
    assert "[待登记]" in result.output and "“东风社区5月.xlsx”" in result.output
    waiting.unlink()  # once the file has left the inbox unrecorded, the copy is a stray
    assert verify(audited).exit_code == 1


def test_a_tampered_copy_is_kept_as_evidence_when_the_same_file_comes_again(audited: Path, tmp_path: Path) -> None:
    victim = archived(audited, 1)
    original = victim.read_bytes()
    victim.chmod(0o644)
    victim.write_bytes(b"altered")
    again = tmp_path / "again.xlsx"
    again.write_bytes(original)
    archive_file(again, audited / "archive")
    assert victim.read_bytes() == original
    evidence = [p for p in victim.parent.iterdir() if ".altered-" in p.name]
    assert [p.read_bytes() for p in evidence] == [b"altered"]
    result = verify(audited)
    assert result.exit_code == 1 and "altered" in result.output


def test_a_copy_another_reader_has_just_restored_is_not_taken_for_the_altered_one(
    audited: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = archived(audited, 1)
    original = victim.read_bytes()
    victim.chmod(0o644)
    victim.write_bytes(b"altered")
    real_hash = archive_mod.sha256_of

    def hash_then_other_reader_restores(path: Path) -> str:
        digest = real_hash(path)
        if path == victim and not list(victim.parent.glob("*.altered-*")):
            # meanwhile the other reader of the same content moves the altered copy aside and restores it
            victim.replace(victim.with_name(victim.name + ".altered-1"))
            victim.write_bytes(original)
        return digest

    monkeypatch.setattr(archive_mod, "sha256_of", hash_then_other_reader_restores)
    again = tmp_path / "again.xlsx"
    again.write_bytes(original)
    archive_file(again, audited / "archive")
    assert victim.read_bytes() == original
    evidence = [p.read_bytes() for p in victim.parent.iterdir() if ".altered-" in p.name]
    assert evidence == [b"altered"]  # the restored copy was not moved aside as a second "altered" one


def test_two_alterations_in_the_same_second_are_both_kept(audited: Path, tmp_path: Path) -> None:
    victim = archived(audited, 1)
    original = victim.read_bytes()
    again = tmp_path / "again.xlsx"
    again.write_bytes(original)
    for text in (b"first alteration", b"second alteration"):
        victim.chmod(0o644)
        victim.write_bytes(text)
        os.utime(victim, (1_700_000_000, 1_700_000_000))
        archive_file(again, audited / "archive")
    evidence = sorted(p.read_bytes() for p in victim.parent.iterdir() if ".altered-" in p.name)
    assert evidence == [b"first alteration", b"second alteration"]
    assert victim.read_bytes() == original


def test_audit_show_lists_a_units_submissions(audited: Path) -> None:
    frame = audit_table(run.audit_records(audited, "红星村"))
    assert list(frame["文件名"]) == [
        "红星村问题清单.xlsx",
        "红星村4月（草稿）.xlsx",
        "红星村4月.xlsx",
        "红星村4月（更正）.xlsx",
    ]
    assert list(frame["月份"]) == ["2022-03", "2022-04", "2022-04", "2022-04"]
    assert list(frame["结果"]) == ["通过", "退回", "通过", "通过"]
    assert frame["接收时间"].iloc[1] == "2022-04-10 08:00:00"
    digest = dict(zip(frame["文件名"], frame["说明摘要"], strict=True))
    assert digest["红星村4月（草稿）.xlsx"].startswith("1 处错误，")
    assert "J6 单元格：完成状态“不知道”无法识别" in digest["红星村4月（草稿）.xlsx"]
    assert "已被同月后报的“红星村4月（更正）.xlsx”替代" in digest["红星村4月.xlsx"]
    assert digest["红星村4月（更正）.xlsx"].startswith("校验通过；3 条提醒：")  # 进展未更新
    assert "替代" not in digest["红星村4月（更正）.xlsx"]
    assert digest["红星村问题清单.xlsx"] == "校验通过"
    assert list(audit_table(run.audit_records(audited, "hx"))["文件名"]) == list(frame["文件名"])  # code, any case
    assert len(audit_table(run.audit_records(audited))) == 6


def test_audit_show_says_when_there_is_nothing_to_list(trail: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    write_campaign(fresh)
    nothing = CliRunner().invoke(cli, ["--data", str(fresh), "audit", "show"])
    assert (nothing.exit_code, nothing.output) == (0, "没有收件记录。\n")
    none_of_unit = CliRunner().invoke(cli, ["--data", str(trail), "audit", "show", "--unit", "财政所"])
    assert (none_of_unit.exit_code, none_of_unit.output) == (0, "没有“财政所”的收件记录。\n")


def test_audit_show_on_the_command_line(audited: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(audited), "audit", "show", "--unit", "DF"])
    assert result.exit_code == 0, result.output
    assert "东风社区的报送记录（共 1 个文件）" in result.output
    assert "东风社区问题清单.xlsx" in result.output
    unknown = CliRunner().invoke(cli, ["--data", str(audited), "audit", "show", "--unit", "幸福村"])
    assert unknown.exit_code == 2
    assert "单位名单中没有“幸福村”" in unknown.output
    with pytest.raises(UnitUnknown):
        run.audit_records(audited, "XX")
