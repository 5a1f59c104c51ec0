"""The terminal summary after a monthly run: who to chase, by name; why a file is 重复; and at
80 columns no file or unit name broken across lines."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from conftest import GOOD_ROWS, set_received, write_campaign, write_list
from rich.cells import cell_len
from rich.console import Console
from township import Member, campaign_toml

from pipeline import run
from pipeline.terminal import print_run, wrap

ROSTER = campaign_toml(
    (
        Member("石桥村", "SQ", "村"),
        Member("柳塘村", "LT", "村"),
        Member("滨河社区", "BH", "社区"),
        Member("镇自然资源和规划所", "ZR", "部门"),
        Member("镇党政综合办公室（党建工作办公室）", "DZ", "部门"),
    )
)
LONG = "附件2：青石镇2022年干部作风整顿问题清单（石桥村）三月份修订稿最终确认版(1).xlsx"
SPACED = "柳塘村 问题清单 第二版 定稿.xlsx"
COPY = "石桥村问题清单 - 副本.xlsx"
BAD = "镇自然资源和规划所问题清单.xlsx"


@pytest.fixture
def month(tmp_path: Path) -> run.RunResult:
    ws = tmp_path / "青石镇"
    write_campaign(ws, ROSTER)
    inbox = ws / "inbox"
    first = write_list(inbox / LONG, GOOD_ROWS, unit="石桥村", received=dt.datetime(2022, 3, 18, 9, 30))
    shutil.copy(first, inbox / COPY)
    set_received(inbox / COPY, dt.datetime(2022, 3, 19, 10, 0))
    write_list(inbox / SPACED, GOOD_ROWS[:2], unit="柳塘村", received=dt.datetime(2022, 3, 23, 15, 0))
    bad = [("其他", *GOOD_ROWS[0][1:])]
    write_list(inbox / BAD, bad, unit="镇自然资源和规划所", received=dt.datetime(2022, 3, 19, 8, 0))
    return run.monthly(ws, dt.date(2022, 3, 31))


def printed(result: run.RunResult, width: int = 80) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), highlight=False)
    print_run(console, result)
    return console.export_text()


def test_the_summary_says_who_to_chase_by_name(month: run.RunResult) -> None:
    text = printed(month)
    assert "本月报送情况：按时 1，逾期 1，退回 1，未报送 2。" in text
    assert "未报送（2 个单位，请催报）：滨河社区、镇党政综合办公室（党建工作办公室）" in text
    assert "逾期报送（1 个单位）：柳塘村" in text
    assert "只有退回的文件（1 个单位，" in text
    assert "督促修改后重新报送）：镇自然资源和规划所" in text.replace("\n", "").replace(" ", "")


def test_a_duplicate_says_which_file_it_repeats(month: run.RunResult) -> None:
    assert {f.file_name: f.outcome for f in month.files} == {LONG: "通过", COPY: "重复", SPACED: "通过", BAD: "退回"}
    text = printed(month)
    block = text[text.index(COPY) :].split("\n")[1]
    assert block.strip().startswith("· 与 2022-03-18")
    assert "内容完全相同，按重复文件处理" in text.replace("\n", "").replace(" ", "")


def test_file_and_unit_names_stay_whole_at_80_columns(month: run.RunResult) -> None:
    text = printed(month)
    for name in (LONG, SPACED, COPY, BAD, "镇党政综合办公室（党建工作办公室）", "镇自然资源和规划所"):
        assert name in text, name
    folder = str(month.month_dir)  # as long as pytest's temporary folder makes it
    assert folder in text
    # every line fits, except one that is a single name or path too long for any line
    too_long = [line for line in text.splitlines() if cell_len(line) > 80]
    assert {line.strip().strip("“”") for line in too_long} <= {LONG, folder}, too_long


def test_wrap_breaks_between_chinese_characters_but_never_inside_a_name() -> None:
    text = "未报送（3 个单位，请催报）：石桥村、镇党政综合办公室（党建工作办公室）、滨河社区"
    lines = wrap(text, 30, ["石桥村", "镇党政综合办公室（党建工作办公室）", "滨河社区"])
    assert lines == [
        "未报送（3 个单位，请催报）：",
        "石桥村、",
        "镇党政综合办公室（党建工作办公室）、",
        "滨河社区",
    ]
    assert wrap("与 2022-03-18 09:30 收到的“附件2.xlsx”内容完全相同", 16) == [
        "与 2022-03-18",
        "09:30 收到的",
        "“附件2.xlsx”内容",
        "完全相同",
    ]
    assert wrap("的值“4.3”是一个数字（Excel 常把 4.30 变成 4.3）。", 24) == [
        "的值“4.3”是一个数字",
        "（Excel 常把 4.30 变成",
        "4.3）。",
    ]


def test_wrap_keeps_a_count_with_its_word() -> None:
    text = "2022-03 月度汇总完成（截至 2022-03-31）：本次收到 3 个文件，通过 3，退回 0，重复 0。"
    assert wrap(text, 80) == [
        "2022-03 月度汇总完成（截至 2022-03-31）：本次收到 3 个文件，通过 3，退回 0，",
        "重复 0。",
    ]
