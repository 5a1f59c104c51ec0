"""A full disk, a folder that cannot be written, an odd inbox: a Chinese message, and a re-run
after the fix completes the month (#17.7). The faults are real ``OSError``/SQLite errors raised
at the named points of ``pipeline.faults`` in a real ``python -m pipeline`` process."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import GOOD_ROWS, write_list

MARCH = dt.datetime(2022, 3, 18, 9, 30)


def pipeline(root: Path, *args: str, fail_at: str = "", fail_with: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    env["ZFZZ_WORKERS"] = "0"  # one process: the fault fires exactly where it is asked
    if fail_at:
        env["ZFZZ_FAIL_AT"] = fail_at
        env["ZFZZ_FAIL_WITH"] = fail_with
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--data", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def march(root: Path) -> subprocess.CompletedProcess[str]:
    return pipeline(root, "monthly", "--as-of", "2022-03-31")


def outcomes(root: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db:
        return db.execute("SELECT file_name, outcome FROM audit_log ORDER BY seq").fetchall()


@pytest.fixture
def inbox_of_two(workspace: Path) -> Path:
    write_list(workspace / "inbox" / "东风社区.xlsx", GOOD_ROWS[:2], unit="东风社区", received=MARCH)
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    return workspace


@pytest.mark.parametrize(
    ("fail_at", "fail_with", "detail"),
    [
        ("copy", "ENOSPC", "磁盘空间已满"),  # while a file is copied into the archive
        ("before-commit", "SQLITE_FULL", "磁盘已满或读写出错"),  # while the ledger is written
    ],
)
def test_a_full_disk_before_the_commit_changes_nothing_and_a_rerun_completes(
    inbox_of_two: Path, fail_at: str, fail_with: str, detail: str
) -> None:
    failed = (
        march(inbox_of_two)
        if not fail_at
        else pipeline(inbox_of_two, "monthly", "--as-of", "2022-03-31", fail_at=fail_at, fail_with=fail_with)
    )
    assert failed.returncode == 2
    assert failed.stderr.strip() == (
        f"错误：磁盘空间已满或写入出错（{detail}），本次运行没有完成。台账没有任何改动，收件箱中的文件都还在。"
        "请清理磁盘空间后重新运行同一命令，即可完成本月。"
    )
    assert "Traceback" not in failed.stdout + failed.stderr
    assert sorted(p.name for p in (inbox_of_two / "inbox").iterdir()) == ["东风社区.xlsx", "红星村.xlsx"]
    again = march(inbox_of_two)
    assert again.returncode == 0, again.stderr
    assert outcomes(inbox_of_two) == [("东风社区.xlsx", "通过"), ("红星村.xlsx", "通过")]
    assert (inbox_of_two / "out" / "2022-03" / "总台账.xlsx").is_file()
    assert pipeline(inbox_of_two, "audit", "verify").returncode == 0


@pytest.mark.parametrize(
    ("fail_with", "expected"),
    [
        (
            "ENOSPC",
            "错误：磁盘空间已满或写入出错（磁盘空间已满），本次运行没有完成。本次收到的文件已归档并登记，台账已更新，"
            "只是报表没有生成完。请清理磁盘空间后重新运行同一命令，即可完成本月。",
        ),
        (
            "EACCES",
            "错误：无法写入输出文件夹 {month_dir}（没有写入权限）。本次收到的文件已归档并登记，台账已更新，只是报表没有生成完。"
            "请检查该文件夹是否被设为只读、是否有文件正被打开，修正后重新运行同一命令，即可生成本月报表。",
        ),
    ],
)
def test_outputs_that_cannot_be_written_after_the_commit_are_written_by_the_rerun(
    inbox_of_two: Path, fail_with: str, expected: str
) -> None:
    failed = pipeline(inbox_of_two, "monthly", "--as-of", "2022-03-31", fail_at="rendered", fail_with=fail_with)
    assert failed.returncode == 2
    assert failed.stderr.strip() == expected.format(month_dir=inbox_of_two / "out" / "2022-03")
    assert not (inbox_of_two / "out" / "2022-03").exists()
    assert not any((inbox_of_two / "inbox").iterdir())  # taken and recorded: the ledger has them
    again = march(inbox_of_two)
    assert again.returncode == 0, again.stderr
    assert outcomes(inbox_of_two) == [("东风社区.xlsx", "通过"), ("红星村.xlsx", "通过")]
    assert (inbox_of_two / "out" / "2022-03" / "总台账.xlsx").is_file()


def test_a_file_the_computer_may_not_read_is_named_and_left(inbox_of_two: Path) -> None:
    failed = pipeline(inbox_of_two, "monthly", "--as-of", "2022-03-31", fail_at="copy", fail_with="EACCES")
    assert failed.returncode == 0, failed.stderr
    assert (
        "以下 1 个文件没有读取权限，本次未处理，仍留在收件箱中：东风社区.xlsx。"
        "请在文件属性中允许读取（或重新保存一份放进收件箱）后再运行。"
    ) in failed.stdout.replace("\n", "")  # the terminal's lines are wrapped at 80 columns
    assert "正在写入" not in failed.stdout
    assert [p.name for p in (inbox_of_two / "inbox").iterdir()] == ["东风社区.xlsx"]
    assert outcomes(inbox_of_two) == [("红星村.xlsx", "通过")]


def test_an_inbox_that_is_a_file_is_refused_in_chinese(workspace: Path) -> None:
    (workspace / "inbox").rmdir()
    (workspace / "inbox").write_text("不是文件夹", encoding="utf-8")
    failed = march(workspace)
    assert failed.returncode == 2
    assert failed.stderr.strip() == (
        f"错误：收件箱 {workspace / 'inbox'} 应是一个文件夹，现在却是一个文件。请把它改名或移走，"
        "新建名为 inbox 的文件夹，把收到的文件放进去后再运行。"
    )
    assert sorted(p.name for p in workspace.iterdir()) == ["campaign.toml", "inbox"]


def test_a_reader_killed_by_its_memory_cap_leaves_no_english_on_the_screen(workspace: Path) -> None:
    from hostile_files import far_cell

    far_cell(workspace / "inbox" / "东风社区.xlsx")
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "--data", str(workspace), "monthly", "--as-of", "2022-03-31"],
        capture_output=True,
        text=True,
        env={**env, "ZFZZ_WORKERS": "1"},  # a reader process, capped, that the file kills
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # the parser's "memory allocation of … bytes failed" stays in the reader
    assert outcomes(workspace) == [("红星村.xlsx", "通过"), ("东风社区.xlsx", "退回")]
