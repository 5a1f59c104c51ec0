"""Unit names become file names (模板, 督办通知单, 退回): always one safe, whole name inside out/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from conftest import CAMPAIGN_TOML, GOOD_ROWS, write_campaign, write_list
from docx import Document

from pipeline import run
from pipeline.errors import ConfigError, OutputPathError
from pipeline.filenames import NAME_BYTES, output_path, safe_name

MARCH = dt.datetime(2022, 3, 18, 9, 30)
ODD = "一组:二组*?村"  # allowed in campaign.toml, but not in a Windows file name
ODD_FILE = "一组：二组＊？村"


def odd_roster(root: Path) -> Path:
    text = CAMPAIGN_TOML.replace('name = "红星村"', f'name = "{ODD}"').replace(
        'name = "镇财政所"', 'name = "财政|审计所"'
    )
    write_campaign(root, text)
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    return root


def test_a_unit_name_with_reserved_characters_gets_whole_safe_file_names(tmp_path: Path) -> None:
    ws = odd_roster(tmp_path / "ws")
    overdue = ("政治纪律不严守、决策部署不落实", *GOOD_ROWS[0][1:5], "2022-03-25", "正在整理学习记录", "整改中", None)
    write_list(ws / "inbox" / "一组二组问题清单.xlsx", [overdue, *GOOD_ROWS[1:]], unit=ODD, received=MARCH)
    write_list(ws / "inbox" / "财政所.xlsx", [("其他", *GOOD_ROWS[0][1:])], unit="财政|审计所", received=MARCH)

    result = run.monthly(ws, dt.date(2022, 3, 31))

    assert [(f.unit, f.outcome) for f in result.files] == [("一组:二组*?村", "通过"), ("财政|审计所", "退回")]
    month = ws / "out" / "2022-03"
    assert sorted(p.name for p in (month / "模板").iterdir()) == sorted(
        [f"{ODD_FILE}.xlsx", "东风社区.xlsx", "财政｜审计所.xlsx"]
    )
    template = openpyxl.load_workbook(month / "模板" / f"{ODD_FILE}.xlsx")
    assert template["_zfzz_meta"]["B1"].value == "HX"
    assert [p.name for p in (month / "督办通知单").iterdir()] == [f"{ODD_FILE}.docx"]
    notice = "\n".join(p.text for p in Document(str(month / "督办通知单" / f"{ODD_FILE}.docx")).paragraphs)
    assert ODD in notice
    assert [p.name for p in (month / "退回").iterdir()] == ["财政｜审计所_退回修改.xlsx"]
    assert openpyxl.load_workbook(month / "退回" / "财政｜审计所_退回修改.xlsx").sheetnames[0] == "退回说明"


def test_blank_templates_use_the_same_safe_names(tmp_path: Path) -> None:
    ws = odd_roster(tmp_path / "ws")
    paths = run.templates(ws)
    assert sorted(p.name for p in paths) == sorted([f"{ODD_FILE}.xlsx", "东风社区.xlsx", "财政｜审计所.xlsx"])
    assert all(p.parent == ws / "out" / "模板" for p in paths)


def test_a_unit_name_climbing_out_of_the_workspace_writes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    write_campaign(ws, CAMPAIGN_TOML.replace('name = "红星村"', 'name = "../../逃逸村"'))
    with pytest.raises(ConfigError) as info:
        run.templates(ws)
    assert info.value.code == "config-unit-name-unsafe"
    assert sorted(p.name for p in tmp_path.rglob("*.xlsx")) == []


@pytest.mark.parametrize(
    ("text", "suffix", "expected"),
    [
        ("红星村", ".xlsx", "红星村.xlsx"),
        ('a/b\\c:d*e?f"g<h>i|j', ".docx", "a／b＼c：d＊e？f＂g＜h＞i｜j.docx"),
        ("..", ".xlsx", "未命名.xlsx"),
        (".hidden", "", "hidden"),
        ("  红星\t村\x07 ", ".xlsx", "红星 村.xlsx"),
        ("CON", ".xlsx", "CON_.xlsx"),
        ("lpt1.txt", "", "lpt1.txt_"),
        ("村.", ".xlsx", "村.xlsx"),
    ],
)
def test_safe_name(text: str, suffix: str, expected: str) -> None:
    assert safe_name(text, suffix) == expected


def test_a_long_name_is_cut_to_what_file_systems_accept_keeping_its_suffix() -> None:
    name = safe_name("红" * 200, "_退回修改.xlsx")
    assert name.endswith("红_退回修改.xlsx")
    assert len(name.encode()) <= NAME_BYTES


def test_output_path_refuses_names_and_links_that_lead_outside(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "模板"
    folder.mkdir(parents=True)
    assert output_path(folder, "红星村.xlsx") == folder / "红星村.xlsx"
    for name in ("../红星村.xlsx", "..", "a/b.xlsx"):
        with pytest.raises(OutputPathError):
            output_path(folder, name)
    outside = tmp_path / "elsewhere.xlsx"
    outside.write_bytes(b"precious")
    (folder / "东风社区.xlsx").symlink_to(outside)
    with pytest.raises(OutputPathError) as info:
        output_path(folder, "东风社区.xlsx")
    assert info.value.text == (
        f"输出文件“东风社区.xlsx”会写到文件夹 {folder} 之外（{outside}），为安全起见没有写入。"
        "请检查这个文件夹中是否有指向别处的快捷方式或链接，删除后重新运行。"
    )


def test_templates_refuse_a_link_in_the_templates_folder(workspace: Path, tmp_path: Path) -> None:
    folder = workspace / "out" / "模板"
    folder.mkdir(parents=True)
    outside = tmp_path / "elsewhere.xlsx"
    outside.write_bytes(b"precious")
    (folder / "东风社区.xlsx").symlink_to(outside)
    with pytest.raises(OutputPathError):
        run.templates(workspace)
    assert outside.read_bytes() == b"precious"
