"""The unit from every clue a file gives (issue 16.12): the hidden marker, the 填报单位 text, the
title above the table, the 问题编号 prefixes, the file name, in that order; a clue naming another
unit is a warning. Checked on a township other than the demo's (青石镇)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders_ingest import write_book
from conftest import GOOD_ROWS, HEADERS, ROW_FIELDS, set_received, write_campaign
from township import Member, campaign_toml

from demo_campaign.sample import Grid
from pipeline import run
from pipeline.config import Campaign, load_campaign
from pipeline.ingest import identify_unit, read_file, unit_from_ids
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
QINGSHI = campaign_toml(
    (
        Member("滨河社区", "BH", "社区", ("滨河",)),
        Member("桃源村", "TY", "村"),
        Member("柳塘村", "LT", "村"),
        Member("镇自然资源所", "ZY", "部门", ("自然资源所",)),
    )
)
UNTITLED = "新建 XLSX 工作表(2).xlsx"


@pytest.fixture
def qingshi(tmp_path: Path) -> Path:
    root = tmp_path / "青石镇"
    write_campaign(root, QINGSHI)
    (root / "inbox").mkdir()
    return root


@pytest.fixture
def roster(qingshi: Path) -> Campaign:
    return load_campaign(qingshi / "campaign.toml")


def titled_list(title: str, ids: list[str | None] | None = None, unit_line: str = "") -> Grid:
    """A title row, maybe a 填报单位 line, the header, the rows (with ``ids`` in 问题编号)."""
    width = len(HEADERS)
    cells: list[list[Any]] = [[title, *[None] * (width - 1)]]
    if unit_line:
        cells.append([f"填报单位：{unit_line}", *[None] * (width - 1)])
    cells.append(list(HEADERS))
    for i, row in enumerate(GOOD_ROWS):
        values = dict(zip(ROW_FIELDS, row, strict=True))
        values.update({"序号": i + 1, "问题编号": ids[i] if ids else None})
        cells.append([values.get(h) for h in HEADERS])
    return Grid("Sheet1", cells, [(0, 0, 0, width - 1)])


def identify(tmp_path: Path, roster: Campaign, grid: Grid, name: str = UNTITLED) -> tuple[str | None, list[Any]]:
    raw = read_file(write_book(tmp_path / "f.xlsx", [grid]), VOCAB, name)
    unit, messages = identify_unit(raw, roster, name)
    return (unit.name if unit else None), messages


def test_the_title_and_ids_name_the_unit_of_an_untitled_file(tmp_path: Path, roster: Campaign) -> None:
    grid = titled_list("滨河社区干部作风整顿问题清单", ["BH-001", "BH-002", "BH-003", "BH-004"])
    assert identify(tmp_path, roster, grid) == ("滨河社区", [])


def test_the_title_alone_names_the_unit(tmp_path: Path, roster: Campaign) -> None:
    raw = read_file(write_book(tmp_path / "f.xlsx", [titled_list("滨河社区干部作风整顿问题清单")]), VOCAB, UNTITLED)
    assert raw.title_text == "滨河社区干部作风整顿问题清单" and raw.unit_text == ""
    unit, messages = identify_unit(raw, roster, UNTITLED)
    assert unit is not None and unit.code == "BH" and messages == []


def test_the_title_leaves_out_the_header_block_lines(tmp_path: Path, roster: Campaign) -> None:
    raw = read_file(write_book(tmp_path / "f.xlsx", [titled_list("问题清单", unit_line="柳塘村")]), VOCAB, UNTITLED)
    assert (raw.title_text, raw.unit_text) == ("问题清单", "柳塘村")


def test_most_ids_name_the_unit(tmp_path: Path, roster: Campaign) -> None:
    grid = titled_list("干部作风整顿问题清单", ["TY-001", "TY-002", " ty－003", None])  # a new problem has none yet
    assert identify(tmp_path, roster, grid) == ("桃源村", [])
    raw = read_file(
        write_book(tmp_path / "g.xlsx", [titled_list("清单", ["TY-001", "TY-002", "BH-001", "BH-002"])]), VOCAB
    )
    assert unit_from_ids(raw, roster) is None  # half and half: no unit from the ids
    raw = read_file(write_book(tmp_path / "h.xlsx", [titled_list("清单", ["XX-001", "XX-002", "TY-001", None])]), VOCAB)
    assert unit_from_ids(raw, roster) is None  # most ids carry a code the roster does not know


@pytest.mark.parametrize(
    ("title", "unit_line", "ids", "file_name", "chosen", "detail"),
    [
        ("滨河社区问题清单", "", ["TY-001"] * 4, UNTITLED, "滨河社区", "表格标题为“滨河社区”；问题编号为“桃源村”"),
        ("滨河社区问题清单", "柳塘村", None, UNTITLED, "柳塘村", "填报单位为“柳塘村”；表格标题为“滨河社区”"),
        ("问题清单", "", ["BH-001"] * 4, "桃源村问题清单.xlsx", "滨河社区", "问题编号为“滨河社区”；文件名为“桃源村”"),
    ],
)
def test_clues_in_order_and_a_conflict_is_a_warning(
    tmp_path: Path,
    roster: Campaign,
    title: str,
    unit_line: str,
    ids: list[str | None] | None,
    file_name: str,
    chosen: str,
    detail: str,
) -> None:
    name, messages = identify(tmp_path, roster, titled_list(title, ids, unit_line), file_name)
    assert name == chosen
    assert [(m.code, m.level) for m in messages] == [("unit-conflict", "warning")]
    assert messages[0].params["detail"] == detail and messages[0].params["unit"] == chosen


def test_monthly_accepts_an_untitled_file_of_another_township(qingshi: Path) -> None:
    path = write_book(qingshi / "inbox" / UNTITLED, [titled_list("滨河社区干部作风整顿问题清单")])
    set_received(path, dt.datetime(2022, 3, 18, 9, 30))
    run.monthly(qingshi, dt.date(2022, 3, 31))
    wb = openpyxl.load_workbook(qingshi / "out" / "2022-03" / "总台账.xlsx", read_only=True)

    def rows(sheet: str) -> list[dict[str, Any]]:
        found = list(wb[sheet].iter_rows(values_only=True))
        return [dict(zip([str(h) for h in found[0]], r, strict=True)) for r in found[1:]]

    [result] = rows("校验结果")
    assert (result["文件名"], result["填报单位"], result["结果"]) == (UNTITLED, "滨河社区", "通过")
    assert [r["问题编号"] for r in rows("问题总台账")] == ["BH-001", "BH-002", "BH-003", "BH-004"]
    assert {r["单位"]: r["报送状态"] for r in rows("报送情况")}["滨河社区"] == "按时"
