"""Files in the inbox's folders are taken; links and other odd entries are never read (#16.5, #17.2)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
from conftest import GOOD_ROWS, write_list

from pipeline import inbox, run

MARCH = dt.datetime(2022, 3, 18, 9, 30)


def validation(root: Path) -> dict[str, tuple[str, str, str]]:
    wb = openpyxl.load_workbook(root / "out" / "2022-03" / "总台账.xlsx", read_only=True)
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    header = list(rows[0])
    at = {name: header.index(name) for name in ("文件名", "填报单位", "结果", "说明")}
    return {r[at["文件名"]]: (r[at["填报单位"]] or "", r[at["结果"]], r[at["说明"]] or "") for r in rows[1:]}


def test_files_in_wechat_and_usb_folders_are_taken_and_the_emptied_folders_removed(workspace: Path) -> None:
    box = workspace / "inbox"
    write_list(box / "微信文件" / "附件2问题清单.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    write_list(box / "U盘" / "东风社区" / "问题清单.xlsx", GOOD_ROWS[:2], unit="", received=MARCH)
    (box / "空文件夹").mkdir()
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert sorted((f.file_name, f.unit, f.outcome) for f in result.files) == [
        ("U盘/东风社区/问题清单.xlsx", "东风社区", "通过"),  # the folder names the unit
        ("微信文件/附件2问题清单.xlsx", "红星村", "通过"),
    ]
    assert sorted(p.name for p in box.iterdir()) == ["空文件夹"]  # a folder the run took nothing from stays
    assert run.audit_verify(workspace) == []


def test_a_link_in_the_inbox_is_never_read_named_in_the_results_and_left(workspace: Path, tmp_path: Path) -> None:
    secret = write_list(tmp_path / "outside" / "别处的清单.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    box = workspace / "inbox"
    (box / "红星村清单.xlsx").symlink_to(secret)
    (box / "文件夹链接").symlink_to(secret.parent, target_is_directory=True)
    os.mkfifo(box / "管道")
    write_list(box / "东风社区.xlsx", GOOD_ROWS[:1], unit="东风社区", received=MARCH)
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [(f.file_name, f.outcome) for f in result.files] == [("东风社区.xlsx", "通过")]
    assert [(x.name, x.code) for x in result.not_taken] == [
        ("文件夹链接", "inbox-link"),
        ("管道", "inbox-not-file"),
        ("红星村清单.xlsx", "inbox-link"),
    ]
    archived = sorted(p.name for p in (workspace / "archive").glob("*/*"))
    assert len(archived) == 1  # only 东风社区's file: the link's target was not copied
    assert sorted(p.name for p in box.iterdir()) == ["文件夹链接", "管道", "红星村清单.xlsx"]
    assert secret.is_file()
    found = validation(workspace)
    assert found["红星村清单.xlsx"] == (
        "",
        "未处理",
        "这是一个快捷方式（链接），可能指向收件箱以外的文件，不予读取，仍留在收件箱中。请把文件本身放进收件箱。",
    )
    assert found["管道"][1] == "未处理"
    assert found["东风社区.xlsx"][1] == "通过"


def test_folders_deeper_than_the_limit_are_named_not_searched(workspace: Path) -> None:
    box = workspace / "inbox"
    deep = box / "a" / "b" / "c" / "d" / "e"
    write_list(deep / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    write_list(box / "a" / "b" / "c" / "d" / "东风社区.xlsx", GOOD_ROWS[:1], unit="东风社区", received=MARCH)
    files, left = inbox.scan(box)
    assert [w.name for w in files] == ["a/b/c/d/东风社区.xlsx"]
    assert [(x.name, x.code) for x in left] == [("a/b/c/d/e", "inbox-too-deep")]
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [f.file_name for f in result.files] == ["a/b/c/d/东风社区.xlsx"]
    assert (deep / "红星村.xlsx").is_file()  # left where it was, and its folders with it


def test_lock_files_and_hidden_files_in_folders_pass_quietly(workspace: Path) -> None:
    box = workspace / "inbox"
    write_list(box / "微信文件" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    (box / "微信文件" / "~$红星村.xlsx").write_bytes(b"lock")
    (box / ".hidden").mkdir()
    (box / ".hidden" / "x.xlsx").write_bytes(b"x")
    files, left = inbox.scan(box)
    assert [w.name for w in files] == ["微信文件/红星村.xlsx"]
    assert left == []
