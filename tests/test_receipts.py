"""When a file was received: never decided by a copy's time (#16.2)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import GOOD_ROWS, set_received, write_list
from freezegun import freeze_time

from pipeline import receipts, run
from pipeline.cli import cli
from pipeline.errors import ReceivedRefused

MARCH = dt.datetime(2022, 3, 18, 9, 30)
APRIL_COPY = dt.datetime(2022, 4, 28, 10, 2, 0)  # after the 2022-03-20 due date


def submissions(root: Path, month: str = "2022-03") -> dict[str, tuple[str, object, str]]:
    wb = openpyxl.load_workbook(root / "out" / month / "总台账.xlsx", read_only=True)
    rows = list(wb["报送情况"].iter_rows(values_only=True))
    header = list(rows[0])
    at = {name: header.index(name) for name in ("单位", "报送状态", "报送时间", "接收时间依据")}
    return {r[at["单位"]]: (r[at["报送状态"]], r[at["报送时间"]], r[at["接收时间依据"]]) for r in rows[1:]}


def audit_rows(root: Path) -> list[tuple[str, str, str, str]]:
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db:
        return db.execute("SELECT file_name, month, outcome, received_at FROM audit_log ORDER BY seq").fetchall()


# --- the rule, as a pure function ------------------------------------------------------------


def test_the_modification_time_counts_when_it_is_the_earliest() -> None:
    got = receipts.decide(MARCH, seen=dt.datetime(2022, 3, 31, 9), registered=dt.datetime(2022, 3, 20, 8))
    assert got == receipts.Receipt(MARCH, receipts.MODIFIED, MARCH)


def test_a_registration_before_a_later_copy_wins() -> None:
    got = receipts.decide(APRIL_COPY, seen=dt.datetime(2022, 4, 30, 9), registered=dt.datetime(2022, 3, 19, 8))
    assert got == receipts.Receipt(dt.datetime(2022, 3, 19, 8), receipts.REGISTERED, APRIL_COPY)


def test_a_time_after_the_run_is_the_run_time() -> None:
    future = dt.datetime(2030, 1, 1)
    got = receipts.decide(future, seen=dt.datetime(2022, 4, 30, 9))
    assert got == receipts.Receipt(dt.datetime(2022, 4, 30, 9), receipts.FIRST_RUN, future)


def test_a_stated_time_wins_over_every_guess() -> None:
    stated = dt.datetime(2022, 3, 15)
    got = receipts.decide(MARCH, seen=dt.datetime(2022, 3, 31), registered=dt.datetime(2022, 3, 14), stated=stated)
    assert got == receipts.Receipt(stated, receipts.STATED, MARCH)


def test_three_files_saved_in_one_minute_look_like_a_copy() -> None:
    same = {
        f"{n}.xlsx": receipts.Receipt(APRIL_COPY + dt.timedelta(seconds=n), receipts.MODIFIED, APRIL_COPY)
        for n in range(3)
    }
    other = {"x.xlsx": receipts.Receipt(MARCH, receipts.MODIFIED, MARCH)}
    notes = receipts.notes({**same, **other}, dt.date(2022, 4, 30))
    assert sorted(notes) == ["0.xlsx", "1.xlsx", "2.xlsx"]
    assert [m.code for m in notes["0.xlsx"]] == ["received-copy-time"]
    assert notes["0.xlsx"][0].params == {"count": 3, "minute": "2022-04-28 10:02"}


# --- in a monthly run --------------------------------------------------------------------------


def test_files_copied_into_the_inbox_at_once_are_flagged_in_results_and_submissions(workspace: Path) -> None:
    box = workspace / "inbox"
    for unit in ("红星村", "东风社区", "镇财政所"):
        write_list(box / f"{unit}.xlsx", GOOD_ROWS[:2], unit=unit, received=APRIL_COPY)
    result = run.monthly(workspace, dt.date(2022, 4, 30))
    assert [m.code for m in result.receipt_notes] == ["run-received-copy-time"]
    assert submissions(workspace, "2022-04")["红星村"] == ("逾期", APRIL_COPY, "文件修改时间（疑为复制时间）")
    wb = openpyxl.load_workbook(workspace / "out" / "2022-04" / "总台账.xlsx", read_only=True)
    notes = [r[3] for r in wb["校验结果"].iter_rows(min_row=2, values_only=True)]
    assert all("像是复制文件的时间" in str(n) for n in notes)


def test_a_file_newer_than_the_as_of_date_is_flagged(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=dt.datetime(2022, 4, 2, 8))
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [m.params for m in result.receipt_notes] == [{"count": 1, "as_of": "2022-03-31"}]
    assert submissions(workspace)["红星村"] == ("逾期", dt.datetime(2022, 4, 2, 8), "文件修改时间（晚于统计截止日）")


def test_registered_on_arrival_the_file_is_on_time_though_copied_later(workspace: Path) -> None:
    path = write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS)  # saved now: after the registration below
    with freeze_time("2022-03-19 09:15:00"):  # the clerk runs make receive the day the file comes
        registered = run.receive(workspace)
        assert run.receive(workspace)[0].new is False  # a second registration changes nothing
    assert [(r.name, r.received, r.new) for r in registered] == [("红星村.xlsx", dt.datetime(2022, 3, 19, 9, 15), True)]
    set_received(path, APRIL_COPY)  # copied again, as a USB copy would do, after the due date
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert submissions(workspace)["红星村"] == ("按时", dt.datetime(2022, 3, 19, 9, 15), "收件登记")
    assert [(name, month, outcome) for name, month, outcome, _ in audit_rows(workspace)] == [
        ("红星村.xlsx", "", "收件登记"),
        ("红星村.xlsx", "2022-03", "通过"),
    ]
    assert run.audit_verify(workspace) == []


def test_a_stated_time_before_the_run_decides_lateness_and_is_audited(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=APRIL_COPY)
    item, as_of = run.state_received(workspace, "红星村.xlsx", dt.datetime(2022, 3, 19, 16, 30))
    assert (item.name, as_of) == ("红星村.xlsx", None)
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert submissions(workspace)["红星村"] == ("按时", dt.datetime(2022, 3, 19, 16, 30), "人工更正")
    assert [r[2:] for r in audit_rows(workspace)] == [
        ("更正接收时间", "2022-03-19T16:30:00"),
        ("通过", "2022-03-19T16:30:00"),
    ]
    assert run.audit_verify(workspace) == []


def test_a_time_stated_after_the_run_changes_the_month_once_it_is_run_again(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 28, 9))
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert submissions(workspace)["红星村"][0] == "逾期"
    _item, as_of = run.state_received(workspace, "红星村.xlsx", dt.datetime(2022, 3, 20, 17))
    assert as_of == "2022-03-31"
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert submissions(workspace)["红星村"] == ("按时", dt.datetime(2022, 3, 20, 17), "人工更正")
    with closing(sqlite3.connect(workspace / "ledger.sqlite")) as db:
        stated = db.execute("SELECT month, messages FROM audit_log WHERE outcome = '更正接收时间'").fetchone()
    assert stated[0] == "2022-03"
    assert (
        json.loads(stated[1])[0]["text"]
        == "文件“红星村.xlsx”：作风整顿办将接收时间更正为 2022-03-20 17:00（原为 2022-03-28 09:00）。"
    )
    assert run.audit_verify(workspace) == []


def test_a_stated_time_after_the_first_sight_is_refused(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS)
    with freeze_time("2022-03-25 10:00:00"):
        run.receive(workspace)
    with pytest.raises(ReceivedRefused) as refused:
        run.state_received(workspace, "红星村.xlsx", dt.datetime(2022, 3, 26, 9))
    assert refused.value.text == (
        "接收时间 2022-03-26 09:00 晚于本程序第一次见到这个文件的时间 2022-03-25 10:00，作风整顿办在那时已经收到了它。"
        "请填写实际收到的时间（不晚于 2022-03-25 10:00）。"
    )
    assert [r[2] for r in audit_rows(workspace)] == ["收件登记"]  # nothing recorded for the refusal


@pytest.mark.parametrize(
    ("name", "at", "code"),
    [
        ("没有这个文件.xlsx", dt.datetime(2022, 3, 19), "received-not-found"),
        ("红星村.xlsx", dt.datetime(2202, 3, 19), "received-out-of-range"),
        ("红星村.xlsx", dt.datetime(2021, 3, 19), "received-out-of-range"),
    ],
)
def test_a_statement_about_no_file_or_an_impossible_time_is_refused(
    workspace: Path, name: str, at: dt.datetime, code: str
) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    with pytest.raises(ReceivedRefused) as refused:
        run.state_received(workspace, name, at)
    assert refused.value.code == code
    assert not (workspace / "archive").exists() or not any((workspace / "archive").rglob("*"))


def test_the_office_notes_on_received_times_are_not_sent_back_to_the_unit(workspace: Path) -> None:
    box = workspace / "inbox"
    bad = [("其他", *GOOD_ROWS[0][1:])]
    for unit in ("红星村", "东风社区", "镇财政所"):
        write_list(box / f"{unit}.xlsx", bad, unit=unit, received=APRIL_COPY)
    run.monthly(workspace, dt.date(2022, 4, 30))
    wb = openpyxl.load_workbook(workspace / "out" / "2022-04" / "退回" / "红星村_退回修改.xlsx", read_only=True)
    listed = [str(r[3]) for r in wb["退回说明"].iter_rows(min_row=4, values_only=True) if r[3]]
    assert listed and not any("复制" in text for text in listed)
    assert any("问题类别" in text for text in listed)


def test_make_received_on_the_command_line_in_chinese(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=APRIL_COPY)
    got = CliRunner().invoke(
        cli, ["--data", str(workspace), "received", "--file", "红星村.xlsx", "--at", "2022-03-19 16:30"]
    )
    assert got.exit_code == 0, got.output
    assert (
        got.output.strip()
        == "已记录：红星村.xlsx 的接收时间为 2022-03-19 16:30（已记入审计记录），本月运行时按此时间判断是否按时。"
    )
    bad = CliRunner().invoke(cli, ["--data", str(workspace), "received", "--file", "红星村.xlsx", "--at", "3月19日"])
    assert bad.exit_code == 2
    assert "“3月19日”无法识别为时间，请写作 2022-04-20 或 2022-04-20 09:30。" in bad.output
