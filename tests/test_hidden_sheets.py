"""Hidden sheets never override what the clerk sees (issue 17.3).

A workbook whose visible sheet is incomplete and whose hidden (or veryHidden) sheet holds a
complete list marking everything 已完成 must not pass: the visible sheet is the source. A hidden
sheet is read only when no visible sheet holds a table, and then with a warning naming it, in
校验结果 and in the feedback workbook. The hidden marker sheet of generated templates keeps working.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders_ingest import list_grid, set_sheet_state, set_xls_sheet_state, write_book
from conftest import GOOD_ROWS, HEADERS, set_received

from demo_campaign.sample import Grid
from pipeline import layout, run
from pipeline.errors import FileRefused
from pipeline.ingest import read_file
from pipeline.outputs.feedback import SUMMARY_HEADER_ROW, SUMMARY_SHEET
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
MARCH = dt.datetime(2022, 3, 18, 9, 30)
ALL_DONE = [(*row[:7], "已完成", dt.date(2022, 3, 10)) for row in GOOD_ROWS]
NO_STATUS = [h if h != "完成状态" else "情况" for h in HEADERS]  # the visible list lacks 完成状态


def hidden_book(path: Path, form: str, state: str, visible: Grid, hidden: Grid) -> Path:
    """``visible`` then ``hidden`` (set to ``state``: hidden, or veryHidden) in format ``form``."""
    hidden.hidden = True
    write_book(path, [visible, hidden], form)
    if state == "veryHidden" and form == "xlsx":
        set_sheet_state(path, hidden.name, "veryHidden")
    elif state == "veryHidden" and form == "xls":
        set_xls_sheet_state(path, 1, "veryHidden")
    return path


FORMS = [
    pytest.param("xlsx", "veryHidden", id="xlsx-veryHidden"),
    pytest.param("xlsx", "hidden", id="xlsx-hidden"),
    pytest.param("xls", "hidden", id="xls-hidden"),
    pytest.param("xls", "veryHidden", id="xls-veryHidden"),
    pytest.param("ods", "hidden", id="ods-hidden"),
]


@pytest.mark.parametrize(("form", "state"), FORMS)
def test_a_complete_hidden_list_never_replaces_an_incomplete_visible_one(tmp_path: Path, form: str, state: str) -> None:
    visible = list_grid(GOOD_ROWS[:2], headers=NO_STATUS, name="问题清单")
    hidden = list_grid(ALL_DONE, name="备份")
    path = hidden_book(tmp_path / f"a.{form}", form, state, visible, hidden)
    with pytest.raises(FileRefused) as refused:
        read_file(path, VOCAB)
    assert refused.value.code == "table-not-found"
    text = refused.value.text
    assert "工作表“问题清单”第 4 行的表头缺少：完成状态" in text
    assert "隐藏的工作表“备份”中另有一份清单" in text


@pytest.mark.parametrize(("form", "state"), FORMS)
def test_a_list_only_on_a_hidden_sheet_is_read_with_a_warning_naming_it(tmp_path: Path, form: str, state: str) -> None:
    path = hidden_book(tmp_path / f"a.{form}", form, state, Grid("封面", [["红星村问题清单"]]), list_grid(name="旧表"))
    raw = read_file(path, VOCAB)
    assert raw.sheet == "旧表" and len(raw.rows) == len(GOOD_ROWS)
    [warning] = [m for m in raw.notices if m.code == "table-in-hidden-sheet"]
    assert (warning.level, warning.sheet, warning.params["label"]) == ("warning", "旧表", "问题清单")
    assert "问题清单取自隐藏的工作表“旧表”" in warning.text


MATTER_HEADERS = ["编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"]


def matter_grid(name: str, headers: list[str], status: str) -> Grid:
    return Grid(name, [headers, ["JB-001", "修缮村便民服务大厅", "2022-05-31", "已完工", status, "2022-03-15"]])


def test_a_hidden_matter_sheet_never_replaces_an_incomplete_visible_one(tmp_path: Path) -> None:
    visible = matter_grid("交办事项", [*MATTER_HEADERS[:4], "备用", MATTER_HEADERS[5]], "办理中")  # no 办理状态
    hidden = matter_grid("交办事项(2)", MATTER_HEADERS, "已办结")
    path = write_book(tmp_path / "a.xlsx", [list_grid(), visible, hidden])
    set_sheet_state(path, "交办事项(2)", "veryHidden")
    raw = read_file(path, VOCAB)
    assert raw.sheet == layout.SHEET and raw.extra == {}


def test_a_matter_sheet_only_hidden_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", [list_grid(), matter_grid("交办事项", MATTER_HEADERS, "办理中")])
    set_sheet_state(path, "交办事项", "veryHidden")
    raw = read_file(path, VOCAB)
    matters = raw.extra["matter"]
    assert matters.sheet == "交办事项" and [m.code for m in matters.notices] == ["table-in-hidden-sheet"]
    assert matters.notices[0].params["label"] == "交办事项"
    assert [m.code for m in raw.notices] == []  # the problem list itself is on a visible sheet


def test_a_visible_example_problem_list_is_no_matter_table(tmp_path: Path) -> None:
    """A problem list's 完成时限/完成状态 name a matter's 办理时限/办理状态 too: a second, visible problem
    list (an example) does not count as a visible 交办事项 table, so the hidden one is read, warned."""
    example = list_grid(GOOD_ROWS[:1], name="填写示例")
    path = write_book(tmp_path / "a.xlsx", [list_grid(), example, matter_grid("交办事项", MATTER_HEADERS, "办理中")])
    set_sheet_state(path, "交办事项", "hidden")
    matters = read_file(path, VOCAB).extra["matter"]
    assert matters.sheet == "交办事项" and [m.code for m in matters.notices] == ["table-in-hidden-sheet"]


def results_of(ws: Path, month: str) -> dict[str, dict[str, Any]]:
    wb = openpyxl.load_workbook(ws / "out" / month / "总台账.xlsx", read_only=True)
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return {r[header.index("文件名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def fill_template(path: Path, target: Path) -> Path:
    """A unit fills the generated template (its hidden marker sheet kept, as Excel and WPS keep it)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET]
    for i, row in enumerate(GOOD_ROWS):
        for name, value in zip(layout.COLUMNS[2:11], row, strict=False):
            ws.cell(layout.FIRST_DATA_ROW + i, layout.COLUMNS.index(name) + 1).value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def test_monthly_warns_in_the_results_and_the_feedback_and_templates_keep_their_marker(workspace: Path) -> None:
    inbox = workspace / "inbox"
    templates = {p.stem: p for p in run.templates(workspace)}
    assert openpyxl.load_workbook(templates["红星村"])[layout.MARKER_SHEET].sheet_state == "veryHidden"
    set_received(fill_template(templates["红星村"], inbox / "模板填好了.xlsx"), MARCH)
    # 东风社区: its only list is on a veryHidden sheet (accepted, with the warning)
    hidden_only = list_grid(unit="东风社区", name="清单")
    path = hidden_book(inbox / "东风社区.xlsx", "xlsx", "veryHidden", Grid("说明", [["见附表"]]), hidden_only)
    set_received(path, MARCH)
    # 镇财政所: the same, with a bad category (returned: the feedback lists the warning too)
    bad = list_grid([("其他", *GOOD_ROWS[0][1:]), *GOOD_ROWS[1:]], unit="镇财政所", name="清单")
    set_received(hidden_book(inbox / "镇财政所.xlsx", "xlsx", "hidden", Grid("说明", [["见附表"]]), bad), MARCH)

    run.monthly(workspace, dt.date(2022, 3, 31))

    results = results_of(workspace, "2022-03")
    assert results["模板填好了.xlsx"]["结果"] == "通过" and results["模板填好了.xlsx"]["填报单位"] == "红星村"
    assert "隐藏" not in str(results["模板填好了.xlsx"]["说明"] or "")
    assert results["东风社区.xlsx"]["结果"] == "通过"
    assert "问题清单取自隐藏的工作表“清单”" in str(results["东风社区.xlsx"]["说明"])
    assert results["镇财政所.xlsx"]["结果"] == "退回"
    wb = openpyxl.load_workbook(workspace / "out" / "2022-03" / "退回" / "镇财政所_退回修改.xlsx")
    notes = [r for r in wb[SUMMARY_SHEET].iter_rows(min_row=SUMMARY_HEADER_ROW + 1, values_only=True)]
    assert any("问题清单取自隐藏的工作表“清单”" in str(r) for r in notes)
    assert any("其他" in str(r) for r in notes)
