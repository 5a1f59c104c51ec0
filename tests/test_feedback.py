"""Feedback workbooks for returned files, 校验结果, and returned files never touching the ledger."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwt
from conftest import GOOD_ROWS, set_received, write_list

from pipeline import run
from pipeline.config import Workspace
from pipeline.messages import Message
from pipeline.outputs.feedback import (
    ERROR_FILL,
    SUMMARY_COLUMNS,
    SUMMARY_HEADER_ROW,
    SUMMARY_SHEET,
    WARNING_FILL,
    Note,
    Returned,
    write_feedback,
)

MARCH = dt.datetime(2022, 3, 18, 9, 30)
APRIL = dt.datetime(2022, 4, 20, 9, 30)


def bad_rows() -> list[tuple[Any, ...]]:
    """Row 5: bad category (C5); row 6: 4.3 deadline (H6); row 7: 已完成 without 完成日期 (K7)."""
    first, second, third, fourth = GOOD_ROWS
    return [
        ("其他问题", *first[1:]),
        (*second[:5], 4.3, "=SUM(A1:A3)", *second[7:]),
        (*third[:7], "已完成", None),
        fourth,
    ]


def month_run(ws: Path, as_of: dt.date) -> run.RunResult:
    return run.monthly(ws, as_of)


def summary_rows(path: Path) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path)
    sheet = wb[SUMMARY_SHEET]
    rows = list(sheet.iter_rows(min_row=SUMMARY_HEADER_ROW, values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


@pytest.fixture
def march(workspace: Path) -> Path:
    inbox = workspace / "inbox"
    write_list(inbox / "东风社区问题清单.xlsx", GOOD_ROWS, unit="东风社区", received=MARCH)
    bad = write_list(inbox / "附件2：问题清单（红星村）.xlsx", bad_rows(), unit="红星村")
    wb = openpyxl.load_workbook(bad)
    wb.active["I6"].data_type = "s"  # typed as text in Excel: "=SUM(A1:A3)" is no formula here
    wb.save(bad)
    set_received(bad, MARCH)
    (inbox / "说明.txt").write_text("这是说明文字", encoding="utf-8")
    month_run(workspace, dt.date(2022, 3, 31))
    return workspace


def test_returned_file_gets_a_marked_up_copy(march: Path) -> None:
    folder = march / "out" / "2022-03" / "退回"
    assert sorted(p.name for p in folder.iterdir()) == ["红星村_退回修改.xlsx"]  # 说明.txt has no table
    wb = openpyxl.load_workbook(folder / "红星村_退回修改.xlsx")
    assert wb.sheetnames == [SUMMARY_SHEET, "问题清单"]
    table = wb["问题清单"]
    red = {c.coordinate for row in table.iter_rows() for c in row if c.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb}
    assert red == {"C5", "H6", "K7"}
    assert table["C5"].value == "其他问题"
    assert "问题类别不正确" in table["C5"].comment.text and "七类" in table["C5"].comment.text
    assert "4.3" in table["H6"].comment.text and "2022-04-30" in table["H6"].comment.text
    assert "缺少完成日期" in table["K7"].comment.text
    assert table["D5"].comment is None and table["D5"].fill.fgColor.rgb != ERROR_FILL.fgColor.rgb
    # the unit's own values, as written
    assert table["D6"].value == GOOD_ROWS[1][1]
    assert table["H6"].value == pytest.approx(4.3)
    assert "填报单位（盖章）：红星村" in str(table["A3"].value)


def test_text_from_the_file_stays_text(march: Path) -> None:
    wb = openpyxl.load_workbook(march / "out" / "2022-03" / "退回" / "红星村_退回修改.xlsx")
    cell = wb["问题清单"]["I6"]
    assert cell.value == "=SUM(A1:A3)" and cell.data_type == "s"


def test_first_sheet_lists_every_message_in_order(march: Path) -> None:
    rows = summary_rows(march / "out" / "2022-03" / "退回" / "红星村_退回修改.xlsx")
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    assert [(r["序号"], r["工作表"], r["单元格"]) for r in rows] == [
        (1, "问题清单", "C5"),
        (2, "问题清单", "H6"),
        (3, "问题清单", "K7"),
    ]
    assert rows[0]["填写的内容"] == "其他问题" and "七类" in rows[0]["问题"]
    assert rows[1]["填写的内容"] == "4.3" and "4.30" in rows[1]["应当如何填写"]
    assert all(r["应当如何填写"] for r in rows)


def test_validation_sheet_lists_every_file(march: Path) -> None:
    wb = openpyxl.load_workbook(march / "out" / "2022-03" / "总台账.xlsx", read_only=True)
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    results = {r[header.index("文件名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert {k: v["结果"] for k, v in results.items()} == {
        "东风社区问题清单.xlsx": "通过",
        "附件2：问题清单（红星村）.xlsx": "退回",
        "说明.txt": "退回",
    }
    note = str(results["附件2：问题清单（红星村）.xlsx"]["说明"])
    assert all(cell in note for cell in ("C5", "H6", "K7")) and results["附件2：问题清单（红星村）.xlsx"]["错误数"] == 3
    assert "不是 Excel 表格文件" in str(results["说明.txt"]["说明"])


def markup(path: Path) -> dict[str, Any]:
    """What a feedback workbook tells the unit: its sheets, the first sheet's rows, and each
    marked cell of the list with its comment."""
    wb = openpyxl.load_workbook(path)
    table = wb["问题清单"]
    marked = {
        c.coordinate: (c.value, c.comment.text if c.comment else None)
        for row in table.iter_rows()
        for c in row
        if c.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    }
    return {"sheets": wb.sheetnames, "summary": summary_rows(path), "marked": marked}


def test_a_rerun_that_renders_the_month_again_rebuilds_the_feedback_from_the_archive(march: Path) -> None:
    folder = march / "out" / "2022-03" / "退回"
    before = markup(folder / "红星村_退回修改.xlsx")
    assert set(before["marked"]) == {"C5", "H6", "K7"}
    shutil.rmtree(folder)  # an output gone: the month is rendered again, its inbox long empty
    again = month_run(march, dt.date(2022, 3, 31))
    assert not again.reused
    assert sorted(p.name for p in folder.iterdir()) == ["红星村_退回修改.xlsx"]
    assert markup(folder / "红星村_退回修改.xlsx") == before


def ledger_dump(ws: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(Workspace(ws).db_path)
    try:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("items", "item_versions", "item_flags")
        }
    finally:
        conn.close()


def test_a_returned_file_never_changes_the_ledger(tmp_path: Path, workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    month_run(workspace, dt.date(2022, 3, 31))
    twin = tmp_path / "twin"
    shutil.copytree(workspace, twin)
    april = [(*r[:6], "四月新进展", *r[7:]) for r in GOOD_ROWS]
    for ws in (workspace, twin):
        write_list(
            ws / "inbox" / "红星村4月.xlsx",
            april,
            unit="红星村",
            received=APRIL,
            ids=[f"HX-00{i}" for i in range(1, 5)],
        )
    # the twin also receives a file the office returns: a 东风社区 list with a bad category
    write_list(twin / "inbox" / "东风社区.xlsx", bad_rows(), unit="东风社区", received=APRIL + dt.timedelta(hours=1))
    with_returned = month_run(twin, dt.date(2022, 4, 30))
    without = month_run(workspace, dt.date(2022, 4, 30))
    assert [f.outcome for f in with_returned.files] == ["通过", "退回"]
    assert [f.outcome for f in without.files] == ["通过"]
    assert ledger_dump(twin) == ledger_dump(workspace)
    assert with_returned.report is not None and without.report is not None
    assert with_returned.report.problems.equals(without.report.problems)
    status = dict(
        zip(with_returned.report.submissions["单位"], with_returned.report.submissions["报送状态"], strict=True)
    )
    assert status["东风社区"] == "退回"


def test_dropping_an_open_problem_is_returned_with_a_file_level_message(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    month_run(workspace, dt.date(2022, 3, 31))
    april = [(*r[:6], "四月新进展", *r[7:]) for r in GOOD_ROWS[:3]]
    write_list(
        workspace / "inbox" / "红星村4月.xlsx", april, unit="红星村", received=APRIL, ids=["HX-001", "HX-002", "HX-003"]
    )
    result = month_run(workspace, dt.date(2022, 4, 30))
    assert [f.outcome for f in result.files] == ["退回"]
    rows = summary_rows(workspace / "out" / "2022-04" / "退回" / "红星村_退回修改.xlsx")
    assert [(r["单元格"], r["填写的内容"]) for r in rows] == [(None, "HX-004")]
    assert "已登记问题缺失" in rows[0]["问题"] and "HX-004" in rows[0]["应当如何填写"]


def test_unidentified_unit_is_named_after_the_file(workspace: Path) -> None:
    write_list(workspace / "inbox" / "问题清单(1).xlsx", GOOD_ROWS, unit="某某村", received=MARCH)
    month_run(workspace, dt.date(2022, 3, 31))
    path = workspace / "out" / "2022-03" / "退回" / "问题清单(1)_退回修改.xlsx"
    rows = summary_rows(path)
    assert ["无法确定填报单位" in r["问题"] for r in rows] == [True]


def write_xls(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    sheet.write(0, 0, "问题清单")
    for c, name in enumerate(["问题类别", "具体问题", "完成时限"]):
        sheet.write(1, c, name)
    sheet.write_merge(2, 3, 0, 0, "八项规定")
    sheet.write(2, 1, "=B1 不是公式")
    sheet.write(2, 2, 4.3)
    sheet.write(3, 1, "第二个问题的描述文字")
    sheet.write(3, 2, "尽快")
    book.save(str(path))
    return path


def test_xls_original_is_copied_into_xlsx_and_merged_cells_marked_at_their_anchor(tmp_path: Path) -> None:
    original = write_xls(tmp_path / "old.xls")
    notes = (
        Note.of(
            Message(
                "date-number", file="old.xls", sheet="Sheet1", cell="C3", params={"column": "完成时限", "value": "4.3"}
            )
        ),
        Note.of(Message("category-invalid", file="old.xls", sheet="Sheet1", cell="A4", params={"value": "八项规定"})),
        Note.of(Message("description-too-short", file="old.xls", sheet="Sheet1", cell="B4", params={"value": "x"})),
        Note.of(Message("no-problems", file="old.xls")),
    )
    path = write_feedback(Returned("old.xls", "", original, "Sheet1", notes), tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(path)
    table = wb["Sheet1"]
    assert table["B3"].value == "=B1 不是公式" and table["B3"].data_type == "s"
    assert table["C3"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    assert "A3:A4" in {str(r) for r in table.merged_cells.ranges}
    assert table["A3"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb and "问题类别不正确" in table["A3"].comment.text
    assert table["B4"].fill.fgColor.rgb == WARNING_FILL.fgColor.rgb  # a warning is yellow
    rows = summary_rows(path)
    assert [r["单元格"] for r in rows] == ["C3", "A4", "B4", None]
    assert rows[3]["工作表"] == "（整个文件）"
