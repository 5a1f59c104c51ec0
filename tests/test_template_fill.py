"""The template a unit receives can be filled as the unit must: the header block's 填报人 and
填报日期, every column of as many new problems as it has (100 rows ready, more by inserting
rows), with dropdowns, checks that accept what the pipeline reads, input prompts and a 填表说明
sheet; and a filled copy is read back exactly as before (marker, header row, 填报单位 in A3)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from township import QINGSHI, fill_template, new_problem, write_township

from pipeline import layout, run
from pipeline.outputs import workbooks

COLS = {name: i + 1 for i, name in enumerate(layout.COLUMNS)}
FIRST = layout.FIRST_DATA_ROW
QS = QINGSHI[0].name


def letter(column: str) -> str:
    return get_column_letter(COLS[column])


@pytest.fixture
def township(tmp_path: Path) -> Path:
    return write_township(tmp_path / "青石镇")


@pytest.fixture
def blank(township: Path) -> Path:
    return next(p for p in run.templates(township) if p.stem == QS)


def validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
    """Validation of each range, by its first cell's column letter and row (``H5``)."""
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_the_header_block_asks_for_filler_and_date_and_keeps_the_unit_in_a3(blank: Path) -> None:
    ws = openpyxl.load_workbook(blank)[layout.SHEET]
    row = layout.HEADER_BLOCK_ROW
    assert ws.cell(row, 1).value == f"填报单位（盖章）：{QS}"
    assert ws.cell(row, 1).protection.locked  # the unit is the pipeline's to name
    assert ws.cell(row, layout.FILLER_LABEL_COLUMN).value == "填报人："
    assert ws.cell(row, layout.DATE_LABEL_COLUMN).value == "填报日期："
    filler, date = ws.cell(row, layout.FILLER_COLUMN), ws.cell(row, layout.DATE_COLUMN)
    assert not filler.protection.locked and not date.protection.locked
    prompts = validations(ws)
    assert prompts[filler.coordinate].promptTitle == "填报人"
    assert prompts[date.coordinate].type == "date" and prompts[date.coordinate].errorStyle == "warning"
    assert "填报日期" in prompts[date.coordinate].prompt
    # nothing else above the table is open
    for r in range(1, layout.HEADER_ROW + 1):
        for c in range(1, len(layout.COLUMNS) + 1):
            if (r, c) not in ((row, layout.FILLER_COLUMN), (row, layout.DATE_COLUMN)):
                assert ws.cell(r, c).protection.locked, ws.cell(r, c).coordinate


def test_a_hundred_rows_are_open_with_dropdowns_checks_and_prompts(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    ws = wb[layout.SHEET]
    assert ws.protection.sheet and not ws.protection.insertRows and not ws.protection.formatRows
    last = FIRST + workbooks.BLANK_ROWS - 1
    assert workbooks.BLANK_ROWS >= 100
    for r in (FIRST, FIRST + 50, last):
        for column in layout.COLUMNS:
            assert ws.cell(r, COLS[column]).protection.locked == (column == "问题编号"), (r, column)
        assert ws.cell(r, COLS["具体问题"]).border.left.style == "thin"  # formatted, not bare cells
        assert ws.cell(r, COLS["完成时限"]).number_format == "yyyy-mm-dd"
    found = validations(ws)
    for column in layout.COLUMNS:  # every column has its prompt over all the rows
        dv = found[f"{letter(column)}{FIRST}"]
        assert str(dv.sqref) == f"{letter(column)}{FIRST}:{letter(column)}{last}", column
        assert dv.showInputMessage and dv.promptTitle == column and dv.prompt, column
    status, done, deadline = (found[f"{letter(c)}{FIRST}"] for c in ("完成状态", "完成日期", "完成时限"))
    assert status.type == "list" and status.formula1 == '"未启动,整改中,已完成,长期坚持"'
    assert done.type == "date"
    # 完成时限: a date, or the texts the pipeline reads; anything else warns, never refuses
    assert deadline.type == "custom" and deadline.errorStyle == "warning"
    for word in ("月", "年", "长期", "常态", "即", "立"):
        assert f'SEARCH("{word}",H5)' in deadline.formula1
    assert "DATE(2021,1,1)" in deadline.formula1 and "DATE(2024,12,31)" in deadline.formula1
    assert "长期坚持" in deadline.prompt and "2022-03-31" in deadline.prompt
    category = found[f"C{FIRST}"]
    assert category.type == "list" and "办事难" in category.formula1


def test_the_guide_sheet_says_how_to_fill_and_how_to_add_rows(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == [layout.SHEET, "填表说明", layout.MARKER_SHEET]
    guide = wb["填表说明"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert guide.protection.sheet
    assert f"{QS}：本表为青石镇2022年干部作风整顿问题清单（2022年3月）" in text
    assert "请于2022年3月20日前填好报送" in text
    assert "预留了100行空白行；不够时，在空白行上单击右键选择“插入”整行" in text
    assert "“填报人”和“填报日期”" in text and "长期坚持" in text and "4.30" in text
    assert "xx" not in text and "红星" not in text


def test_a_template_with_problems_locks_their_text_and_leaves_a_hundred_rows(township: Path) -> None:
    template = next(p for p in run.templates(township) if p.stem == QS)
    rows = [new_problem(i, dt.date(2022, 6, 30)) for i in range(6)]
    fill_template(template, township / "inbox" / "三月.xlsx", rows, received=dt.datetime(2022, 3, 18, 9))
    run.monthly(township, dt.date(2022, 3, 31))
    ws = openpyxl.load_workbook(township / "out" / "2022-03" / "模板" / f"{QS}.xlsx")[layout.SHEET]
    assert [ws.cell(FIRST + i, COLS["问题编号"]).value for i in range(6)] == [f"QS-{i:03d}" for i in range(1, 7)]
    for column in ("问题编号", "问题类别", "具体问题", "整改措施"):
        assert ws.cell(FIRST, COLS[column]).protection.locked, column
    for column in ("整改进展", "完成状态", "完成日期", "完成时限"):
        assert not ws.cell(FIRST, COLS[column]).protection.locked, column
    first_new, last = FIRST + 6, FIRST + 6 + workbooks.BLANK_ROWS - 1
    assert not ws.cell(first_new, COLS["具体问题"]).protection.locked
    assert not ws.cell(last, COLS["问题类别"]).protection.locked
    category = validations(ws)[f"C{first_new}"]
    assert str(category.sqref) == f"C{first_new}:C{last}" and category.type == "list"
    assert validations(ws)[f"C{FIRST}"].type is None  # registered categories: the prompt only


def test_a_filled_copy_with_106_rows_goes_through_the_month(township: Path, blank: Path) -> None:
    rows = [new_problem(i, dt.date(2022, 6, 30)) for i in range(106)]  # rows 5 to 110
    rows[0] = {**rows[0], "完成时限": "即知即改"}  # the 填报日期 typed in the header block stands for it
    rows[1] = {**rows[1], "完成时限": "长期坚持", "完成状态": "长期坚持"}
    rows[2] = {**rows[2], "完成时限": "6月底"}
    filled = fill_template(
        blank,
        township / "inbox" / "随手起的名字.xlsx",
        rows,
        filled_on=dt.date(2022, 3, 16),
        received=dt.datetime(2022, 3, 18, 9),
    )
    ws = openpyxl.load_workbook(filled)[layout.SHEET]
    assert ws.cell(110, COLS["具体问题"]).value == rows[-1]["具体问题"]
    result = run.monthly(township, dt.date(2022, 3, 31))
    assert [(f.unit, f.outcome) for f in result.files] == [(QS, "通过")]
    with sqlite3.connect(township / "ledger.sqlite") as db:
        ids = [r[0] for r in db.execute("SELECT item_id FROM items WHERE kind = 'problem' ORDER BY item_id")]
    assert ids == [f"QS-{i:03d}" for i in range(1, 107)]
    ledger = openpyxl.load_workbook(township / "out" / "2022-03" / "总台账.xlsx")["问题总台账"]
    header = [c.value for c in ledger[1]]
    by_id = {row[0]: row for row in ledger.iter_rows(min_row=2, values_only=True)}
    deadline = header.index("完成时限")
    assert by_id["QS-001"][deadline] == dt.datetime(2022, 3, 16)
    assert by_id["QS-002"][deadline] == "长期坚持"
    assert by_id["QS-003"][deadline] == dt.datetime(2022, 6, 30)
    assert by_id["QS-106"][header.index("具体问题")] == rows[-1]["具体问题"]
