"""Shared fixtures: a small campaign and builders for real problem-list workbooks."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline import layout
from pipeline.config import Campaign, load_campaign

CAMPAIGN_TOML = """\
[campaign]
town = "xx镇"
year = 2022
office = "xx镇干部作风整顿工作领导小组办公室"
doc_prefix = "x作整办"
problem_list_due = 2022-03-20
rectification_start = 2022-04-01
rectification_end = 2022-10-20
summary_due = 2022-11-18
monthly_due_day = 25
warning_days = 7
escalate_after = 3
reply_workdays = 5

[[units]]
name = "红星村"
code = "HX"
kind = "村"
aliases = ["红星"]

[[units]]
name = "东风社区"
code = "DF"
kind = "社区"
aliases = ["东风"]

[[units]]
name = "镇财政所"
code = "CZ"
kind = "部门"
aliases = ["财政所"]
"""

HEADERS = list(layout.COLUMNS)
# The fields of a GOOD_ROWS tuple, in order: the template columns from 问题类别 to 完成日期.
ROW_FIELDS: tuple[str, ...] = layout.COLUMNS[2:11]

# One good row per category: (问题类别, 具体问题, 整改措施, 责任领导, 责任人, 完成时限, 整改进展, 完成状态, 完成日期)
GOOD_ROWS: list[tuple[Any, ...]] = [
    (
        "政治纪律不严守、决策部署不落实",
        "党史学习教育开展不经常，村两委学习记录不全",
        "每月开展一次集中学习并规范记录",
        "王建国",
        "李明",
        "2022-05-31",
        "已制定学习计划",
        "整改中",
        None,
    ),
    (
        "违反中央八项规定精神",
        "公务接待未严格执行公函制度，接待清单不完整",
        "建立公务接待审批和清单制度",
        "王建国",
        "张华",
        "4月底",
        "",
        "未启动",
        None,
    ),
    (
        "服务不强、环境不优",
        "便民服务代办点工作人员态度生硬，群众反映较多",
        "开展窗口服务礼仪培训并实行群众评议",
        "赵强",
        "陈芳",
        "2022年6月30日",
        "",
        "未启动",
        None,
    ),
    (
        "懒政怠政、为官不为",
        "信访诉求办理推诿拖延，个别案件超期未回复",
        "建立信访事项限时办结台账",
        "赵强",
        "刘洋",
        "长期坚持",
        "持续推进",
        "长期坚持",
        None,
    ),
]


def write_campaign(root: Path, text: str = CAMPAIGN_TOML) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    write_campaign(root)
    (root / "inbox").mkdir()
    return root


@pytest.fixture
def campaign(workspace: Path) -> Campaign:
    return load_campaign(workspace / "campaign.toml")


def set_received(path: Path, when: dt.datetime) -> Path:
    ts = when.timestamp()
    os.utime(path, (ts, ts))
    return path


def write_list(
    path: Path,
    rows: Sequence[Sequence[Any]],
    unit: str = "红星村",
    ids: Sequence[str | None] | None = None,
    headers: Sequence[str] = HEADERS,
    filled_on: str = "2022年3月18日",
    marker: str | None = None,
    received: dt.datetime | None = None,
    footer: Sequence[str] = (),
) -> Path:
    """A problem list in the layout of 附件2: title rows, header block, header, rows.

    ``headers[i]`` is the label written above canonical column ``HEADERS[i]`` (a synonym, say);
    headers beyond ``HEADERS`` are extra, empty columns.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = layout.SHEET
    ws.cell(1, 1, "附件2")
    ws.cell(2, 1, layout.title("xx镇"))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.cell(3, 1, layout.header_block(unit, "张三", filled_on))
    for c, name in enumerate(headers, start=1):
        ws.cell(4, c, name)
    for i, row in enumerate(rows):
        values = dict(zip(ROW_FIELDS, row, strict=False))
        values["序号"] = i + 1
        values["问题编号"] = ids[i] if ids else None
        for c, name in enumerate(HEADERS[: len(headers)], start=1):  # headers[i] labels HEADERS[i]
            value = values.get(name)
            if value is not None and value != "":
                ws.cell(5 + i, c, value)
    for j, text in enumerate(footer):
        ws.cell(5 + len(rows) + 1 + j, 1, text)
    if marker:
        meta = wb.create_sheet(layout.MARKER_SHEET)
        meta["A1"] = layout.MARKER_TAG
        meta["B1"] = marker
        meta.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    if received:
        set_received(path, received)
    return path


@pytest.fixture
def make_list() -> Callable[..., Path]:
    return write_list
