"""Cells showing an Excel error (#DIV/0!, #REF!, #N/A, #VALUE!, #NAME?) are reported as what they
are, with the cell, the error and the fix, in any column (issue 17.9); never as an empty cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders_ingest import list_grid, with_formulas, write_cells
from conftest import GOOD_ROWS, ROW_FIELDS, set_received, write_campaign

from demo_campaign.sample import Grid
from pipeline import run
from pipeline.config import Campaign
from pipeline.ingest import read_file
from pipeline.kinds import MATTER, MATTER_REGISTER, PROBLEM, REGISTER_FILE
from pipeline.normalize import ExcelError
from pipeline.outputs.feedback import SUMMARY_HEADER_ROW, SUMMARY_SHEET
from pipeline.register import read_register
from pipeline.storage.ledger import Held, View
from pipeline.validate import Submission, check_submissions, check_tables, with_ledger
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
RECEIVED = dt.datetime(2022, 3, 19, 10, 0)


def with_errors(rows: list[tuple[Any, ...]], errors: dict[tuple[int, str], str]) -> list[tuple[Any, ...]]:
    """``rows`` with the cell (row index, column name) showing an Excel error."""
    out = []
    for i, row in enumerate(rows):
        values = dict(zip(ROW_FIELDS, row, strict=True))
        for (at, column), text in errors.items():
            if at == i:
                values[column] = ExcelError(text)
        out.append(tuple(values[c] for c in ROW_FIELDS))
    return out


# one error in a required text column, the category, a date, the status and an optional text
ERRORS = {(0, "具体问题"): "#REF!", (1, "问题类别"): "#N/A", (2, "完成时限"): "#DIV/0!", (3, "整改进展"): "#NAME?"}
ERRORS[(3, "完成状态")] = "#VALUE!"
EXPECTED = [("D5", "具体问题", "#REF!"), ("C6", "问题类别", "#N/A"), ("H7", "完成时限", "#DIV/0!")]
EXPECTED += [("I8", "整改进展", "#NAME?"), ("J8", "完成状态", "#VALUE!")]


@pytest.mark.parametrize("form", ["xlsx", "xlsx-formula", "xls", "ods"])
def test_error_cells_are_reported_as_excel_errors_in_every_column(
    tmp_path: Path, campaign: Campaign, form: str
) -> None:
    grid = list_grid(with_errors(GOOD_ROWS, ERRORS))
    path = write_cells(tmp_path / f"红星村.{form[:4]}", [grid], form[:4])
    if form == "xlsx-formula":
        with_formulas(path)
    raw = read_file(path, VOCAB)
    assert raw.frame.at[5, "具体问题"] == ExcelError("#REF!")  # one representation, whatever the format
    assert raw.frame.at[8, "完成状态"] == ExcelError("#VALUE!")
    [checked] = check_submissions([Submission(raw, campaign.units[0], RECEIVED, raw.notices)], campaign, VOCAB)
    assert not checked.accepted
    found = [(m.cell, m.params["column"], m.params["value"]) for m in checked.messages if m.code == "cell-excel-error"]
    assert found == EXPECTED
    assert [m.code for m in checked.messages if m.level == "error"] == ["cell-excel-error"] * len(EXPECTED)
    first = next(m for m in checked.messages if m.cell == "D5")
    assert "“具体问题”单元格显示的是 Excel 错误值“#REF!”" in first.text and "直接填写具体问题本身" in first.text
    assert first.expected == "直接填写具体问题本身（不要用公式）" and first.found == "#REF!"


def test_an_error_in_a_matter_sheet_is_named_too(tmp_path: Path, campaign: Campaign) -> None:
    headers = ["编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"]
    matters = Grid(
        "交办事项",
        [headers, ["JB-001", "修缮便民服务大厅", "2022-05-31", ExcelError("#REF!"), ExcelError("#N/A"), None]],
    )
    raw = read_file(write_cells(tmp_path / "红星村.xlsx", [list_grid(), matters]), VOCAB)
    table = raw.extra["matter"]
    [(_, messages)] = check_tables([table], MATTER, campaign, VOCAB, [RECEIVED.date()])
    assert [(m.code, m.cell, m.params["value"]) for m in messages] == [
        ("cell-excel-error", "D2", "#REF!"),
        ("cell-excel-error", "E2", "#N/A"),
    ]


def test_an_error_in_the_offices_register_skips_its_row(tmp_path: Path, campaign: Campaign) -> None:
    headers = list(MATTER_REGISTER.columns)
    good = ["JB-01", dt.date(2022, 3, 10), "镇长 李强", "修缮便民服务大厅", "红星村", dt.date(2022, 5, 31)]
    bad = ["JB-02", ExcelError("#VALUE!"), "镇长 李强", "整治村内道路", "东风社区", dt.date(2022, 6, 30)]
    path = write_cells(tmp_path / REGISTER_FILE, [Grid("交办事项", [headers, good, bad])])
    read = read_register(path, campaign, VOCAB, dt.date(2022, 3, 31))
    assert [r["编号"] for r in read.rows] == ["JB-01"] and read.skipped == [3]
    assert [(m.code, m.cell) for m in read.messages if m.level == "error"] == [("cell-excel-error", "B3")]


def test_monthly_returns_the_file_quoting_the_error(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_campaign(root)
    rows = with_errors(GOOD_ROWS, {(1, "完成时限"): "#DIV/0!"})
    path = write_cells(root / "inbox" / "附件2（东风社区）.xlsx", [list_grid(rows, unit="东风社区")])
    set_received(path, RECEIVED)
    run.monthly(root, dt.date(2022, 3, 31))
    wb = openpyxl.load_workbook(root / "out" / "2022-03" / "退回" / "东风社区_退回修改.xlsx")
    notes = list(wb[SUMMARY_SHEET].iter_rows(min_row=SUMMARY_HEADER_ROW, values_only=True))
    header, [note] = [str(h) for h in notes[0]], notes[1:]
    shown = dict(zip(header, note, strict=True))
    assert (shown["单元格"], shown["填写的内容"]) == ("H6", "#DIV/0!")
    assert "Excel 错误值" in str(shown["问题"]) and "为必填项" not in str(shown["问题"])


def test_an_error_in_the_id_column_is_named_and_the_ledger_rules_go_on(tmp_path: Path, campaign: Campaign) -> None:
    ids = [ExcelError("#REF!"), "HX-002", None, None]
    grid = list_grid(ids=ids)
    raw = read_file(write_cells(tmp_path / "红星村.xlsx", [grid]), VOCAB)
    [checked] = check_submissions([Submission(raw, campaign.units[0], RECEIVED, raw.notices)], campaign, VOCAB)
    ledger = View(
        owners={"HX-002": ("HX",)},
        unit_names={"HX": "红星村"},
        held={"HX-002": Held("HX-002", GOOD_ROWS[1][1], "整改中", dt.date(2022, 4, 30), "旧的进展", True, True)},
    )
    checked = with_ledger(checked, PROBLEM, checked.rows, (), ledger)
    assert [(m.code, m.cell) for m in checked.messages if m.level == "error"] == [("cell-excel-error", "B5")]
