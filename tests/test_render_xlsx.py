"""总台账.xlsx and the units' templates, reopened with openpyxl (and read back by ingest)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders_reports import ODD_UNIT, make_report
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import layout, run, textsafe
from pipeline.config import Campaign
from pipeline.ingest import identify_unit, read_file
from pipeline.model import ProblemStatus
from pipeline.outputs import workbooks
from pipeline.report import LEDGER_COLUMNS, MonthReport
from pipeline.vocab import load_vocabulary

# Submitted text that Excel would take for a formula or a link if written carelessly.
HOSTILE = {
    "具体问题": '=HYPERLINK("http://x","y")',
    "整改措施": "@SUM(A1)",
    "整改进展": "+cmd|' /C calc'!A0",
    "责任人": "-2+3",
    "备注": "http://example.com/a?b=1",
}
SHEETS = [
    "问题总台账",
    "单位统计",
    "分类统计",
    "专项治理",
    "报送情况",
    "逾期督办",
    "校验结果",
    "形式主义提示",
    "形式主义提示明细",
    "统计图",
]


def hostile_report() -> MonthReport:
    report = make_report()
    problems = report.problems.copy()
    row = problems.index[problems["问题编号"] == "AB-002"][0]
    for column, text in HOSTILE.items():
        problems.loc[row, column] = text
    return dataclasses.replace(report, problems=problems)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = workbooks.write_ledger(hostile_report(), tmp_path_factory.mktemp("ledger") / "总台账.xlsx")
    return openpyxl.load_workbook(path)


def header(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    return [c.value for c in ws[1]]


def row_of(ws: openpyxl.worksheet.worksheet.Worksheet, problem_id: str) -> dict[str, openpyxl.cell.Cell]:
    names = header(ws)
    for cells in ws.iter_rows(min_row=2):
        if cells[0].value == problem_id:
            return dict(zip(names, cells, strict=True))  # type: ignore[arg-type]
    raise AssertionError(f"{problem_id} not in {ws.title}")


def test_ledger_sheets_and_headers(ledger: openpyxl.Workbook) -> None:
    assert ledger.sheetnames == SHEETS
    assert header(ledger["问题总台账"]) == list(LEDGER_COLUMNS)
    assert header(ledger["报送情况"])[:4] == ["单位", "类型", "报送状态", "报送时间"]
    assert header(ledger["校验结果"])[:4] == ["文件名", "填报单位", "结果", "说明"]
    assert {"问题编号", "督办等级", "移交纪委"} <= set(header(ledger["逾期督办"]))
    assert {"排名", "单位", "完成率", "红灯"} <= set(header(ledger["单位统计"]))
    assert {"问题类别", "已完成", "完成率"} <= set(header(ledger["分类统计"]))
    # one row per problem, the red items on 逾期督办
    assert ledger["问题总台账"].max_row == 1 + 8
    assert [c.value for c in ledger["逾期督办"]["A"][1:]] == ["AB-002", "BM-002", "AB-003"]


def test_submitted_text_stays_text(ledger: openpyxl.Workbook) -> None:
    for sheet in ("问题总台账", "逾期督办"):
        cells = row_of(ledger[sheet], "AB-002")
        for column, text in HOSTILE.items():
            if column in cells:
                assert cells[column].data_type == "s", (sheet, column)
                assert cells[column].value == text
                assert cells[column].hyperlink is None
    assert row_of(ledger["问题总台账"], "AB-002")["填报单位"].value == ODD_UNIT
    assert ODD_UNIT in [c.value for c in ledger["单位统计"]["B"]]


def test_ledger_cells_are_typed_and_coloured(ledger: openpyxl.Workbook) -> None:
    ws = ledger["问题总台账"]
    red = row_of(ws, "AB-002")
    assert red["完成时限"].value == dt.datetime(2022, 3, 31)  # a real date, shown as one
    assert red["完成时限"].number_format == "yyyy-mm-dd"
    assert red["逾期天数"].value == 30 and red["逾期天数"].data_type == "n"
    assert red["灯色"].value == "红灯" and red["灯色"].fill.fgColor.rgb.endswith("FF6B6B")
    assert row_of(ws, "HX-002")["灯色"].fill.fgColor.rgb.endswith("FFD966")
    assert row_of(ws, "HX-001")["灯色"].fill.fgColor.rgb.endswith("A9D08E")
    assert row_of(ws, "HX-003")["完成时限"].value == "长期坚持"
    assert red["具体问题"].alignment.wrap_text
    assert row_of(ledger["逾期督办"], "AB-002")["督办等级"].fill.fgColor.rgb.endswith("FF6B6B")
    rates = ledger["单位统计"]
    rate_col = header(rates).index("完成率")
    assert rates.cell(2, rate_col + 1).number_format == "0.0%"


def test_every_sheet_prints_on_a4_landscape(ledger: openpyxl.Workbook) -> None:
    for ws in ledger.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 (the default) page wide
        assert "2022年4月" in ws.oddHeader.center.text, ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title
        if ws.title != "统计图":
            assert ws.freeze_panes == "A2", ws.title
            assert ws.print_title_rows == "$1:$1", ws.title
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    # Chinese text gets room: the long-text columns are wide, the rest fit their values
    ws = ledger["问题总台账"]
    widths = {header(ws)[i]: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(3)}
    assert widths["填报单位"] >= 10  # "A&B<村>" and "便民服务中心" (12 units) without wrapping
    assert ws.column_dimensions["D"].width >= 28


def test_page_header_names_each_sheet_once_and_the_footer_dates_in_chinese(ledger: openpyxl.Workbook) -> None:
    for ws in ledger.worksheets:
        title = ws.oddHeader.center.text
        assert title.count(ws.title) == 1 and title.count("问题总台账") == 1, title
        assert ws.oddFooter.left.text.endswith("截至2022年4月30日"), ws.title


# Values as long as the sample campaign's: a leader's post and name, a unit's full name.
LEADER = "镇党委委员、组织委员 田春燕"  # 27 units
PERSON = "村务监督委员会主任 蔡永福"  # 25 units
LONG_UNIT = "镇城镇建设办公室"  # 16 units: longer than CENTRED_MAX, the other units' names shorter


def width_of(ws: openpyxl.worksheet.worksheet.Worksheet, column: str) -> float:
    """The width of ``column`` (openpyxl keeps one dimension for a run of equal widths)."""
    index = header(ws).index(column) + 1
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return float(dim.width)
    raise AssertionError(column)


def names_report(leader: str = LEADER) -> MonthReport:
    report = make_report()
    problems = report.problems.copy()
    problems.loc[problems["问题编号"] == "HX-001", ["责任领导", "责任人", "填报单位"]] = [leader, PERSON, LONG_UNIT]
    return dataclasses.replace(report, problems=problems)


def test_names_stay_on_one_line_and_long_text_wraps(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(workbooks.write_ledger(names_report(), tmp_path / "x.xlsx"))["问题总台账"]
    for column, value in (("责任领导", LEADER), ("责任人", PERSON), ("填报单位", LONG_UNIT)):
        assert width_of(ws, column) >= workbooks.display_len(value) + 1, column  # a CJK character: 1.9 units
    # the row is as tall as its wrapped problem text (2 lines), not taller for the names
    row = row_of(ws, "HX-001")
    assert ws.row_dimensions[row["问题编号"].row].height == 2 * workbooks.LINE_HEIGHT + 3
    for column in ("具体问题", "整改措施", "整改进展"):
        assert width_of(ws, column) <= 30 and row[column].alignment.wrap_text, column
    # the names did not push the sheet much wider: it prints one page wide at a readable scale
    total = sum(width_of(ws, column) for column in header(ws))
    assert total <= 255, total  # at most 255 units across 15 columns: about 60% on A4 landscape
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)


def test_a_name_longer_than_name_max_wraps_in_a_capped_column(tmp_path: Path) -> None:
    leader = "镇党委委员、副镇长兼镇综合行政执法队队长 赵国强"  # 47 units
    ws = openpyxl.load_workbook(workbooks.write_ledger(names_report(leader), tmp_path / "x.xlsx"))["问题总台账"]
    assert width_of(ws, "责任领导") == pytest.approx(workbooks.NAME_MAX, abs=1)
    row = row_of(ws, "HX-001")
    assert row["责任领导"].value == leader and row["责任领导"].alignment.wrap_text


def test_one_alignment_per_column(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(workbooks.write_ledger(names_report(), tmp_path / "x.xlsx"))
    ws = wb["问题总台账"]
    names = header(ws)
    for c, column in enumerate(names):
        aligned = {
            cells[c].alignment.horizontal for cells in ws.iter_rows(min_row=2) if isinstance(cells[c].value, str)
        }
        if column != "灯色":  # the lights are coloured and centred
            assert len(aligned) <= 1, (column, aligned)
    units = {row_of(ws, no)["填报单位"].alignment.horizontal for no in ("HX-001", "HX-002", "BM-001")}
    assert units == {None}  # left, as the long name needs: not centred for the short ones
    assert row_of(ws, "HX-001")["完成状态"].alignment.horizontal == "center"  # all short: centred


# Characters that measure apart: ASCII, CJK, a Chinese quote (narrow), the last narrow and the first
# wide character, supplementary-plane ones, a lone surrogate, characters XML forbids, a line break.
MEASURED = st.sampled_from(["a", " ", "中", "“", "\u2e7f", "\u2e80", "𠀀", "😀", "\udc80", "\x01", "\ufffe", "\n"])
column_texts = st.lists(st.text(alphabet=MEASURED, max_size=60) | st.text(max_size=30), max_size=8)


@settings(max_examples=80, deadline=None)
@given(texts=column_texts, too_long=st.booleans(), width=st.sampled_from([7, 7.5, 12, 16, 28, 56]))
def test_a_columns_texts_measured_at_once_measure_as_one_by_one(texts: list[str], too_long: bool, width: float) -> None:
    """A table column's distinct texts are made safe and measured together (the 30,000 problems of
    a county): each comes out as it would alone."""
    if too_long:
        texts = [*texts, "长" * (textsafe.EXCEL_CELL_MAX + 1)]  # past Excel's 32,767 characters
    assert workbooks.display_lens(texts).tolist() == [textsafe.display_len(t) for t in texts]
    assert textsafe.cell_texts(texts) == [textsafe.cell_text(t) for t in texts]
    heights = [None if n <= 1 else min(n * workbooks.LINE_HEIGHT + 3, 409) for n in workbooks.text_lines(texts, width)]
    assert heights == [workbooks.row_height([t], [width]) for t in texts]


def test_native_charts(ledger: openpyxl.Workbook) -> None:
    charts = ledger["统计图"]._charts
    assert len(charts) == 2
    by_unit, by_category = charts
    assert by_unit.type == "bar" and by_unit.grouping == "clustered"
    units = header(ledger["单位统计"])
    rate, name = (openpyxl.utils.get_column_letter(units.index(c) + 1) for c in ("完成率", "单位"))
    assert by_unit.series[0].val.numRef.f == f"单位统计!${rate}$2:${rate}$4"  # the three units' rates
    assert by_unit.series[0].cat.strRef.f == f"单位统计!${name}$2:${name}$4"
    assert by_category.grouping == "stacked"
    names = [s.tx.strRef.f for s in by_category.series]
    assert names == ["分类统计!$E$1", "分类统计!$F$1", "分类统计!$G$1", "分类统计!$H$1"]  # 已完成…长期坚持
    assert by_category.series[0].cat.strRef.f == "分类统计!$A$2:$A$4"
    # a 100% bar's label inside the bar's end, not past the plot area's edge
    assert by_unit.series[0].dLbls.dLblPos == "inEnd"
    assert by_unit.y_axis.scaling.max == 1.0  # the values axis (a bar chart's y) ends at 100%


def test_empty_month_still_writes_every_sheet(tmp_path: Path) -> None:
    report = make_report()
    empty = dataclasses.replace(report, problems=report.problems.iloc[0:0], validation=report.validation.iloc[0:0])
    wb = openpyxl.load_workbook(workbooks.write_ledger(empty, tmp_path / "x.xlsx"))
    assert wb.sheetnames == SHEETS
    assert wb["问题总台账"].max_row == 1


# --- the units' templates ------------------------------------------------------------------------


def unit_template(tmp_path: Path, code: str = "AB") -> tuple[Path, Campaign]:
    report = hostile_report()
    campaign = report.campaign
    unit = campaign.unit_by_code(code)
    assert unit is not None
    problems = report.problems[report.problems["单位编码"] == code]
    path = workbooks.write_unit_template(campaign, unit, "2022-05", problems, tmp_path / f"{unit.name}.xlsx")
    return path, campaign


def test_template_locks_the_problem_and_opens_progress(tmp_path: Path) -> None:
    path, _ = unit_template(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [layout.SHEET, workbooks.GUIDE_SHEET, layout.MARKER_SHEET]
    ws = wb[layout.SHEET]
    assert ws.protection.sheet
    cols = {name: i + 1 for i, name in enumerate(layout.COLUMNS)}
    assert [ws.cell(layout.HEADER_ROW, i).value for i in cols.values()] == list(layout.COLUMNS)
    first = layout.FIRST_DATA_ROW
    assert [ws.cell(first + i, cols["问题编号"]).value for i in range(3)] == ["AB-001", "AB-002", "AB-003"]
    for r in range(first, first + 3):
        for column in ("问题编号", "问题类别", "具体问题", "整改措施"):
            assert ws.cell(r, cols[column]).protection.locked, (r, column)
        for column in ("整改进展", "完成状态", "完成日期", "完成时限", "责任人", "备注"):
            assert not ws.cell(r, cols[column]).protection.locked, (r, column)
    # the blank rows below are open for new problems
    assert not ws.cell(first + 3, cols["具体问题"]).protection.locked
    # the unit's name as written, and formula-looking text kept as text
    assert ODD_UNIT in ws.cell(layout.HEADER_BLOCK_ROW, 1).value
    hostile = first + 1
    for column in ("具体问题", "整改措施", "整改进展", "责任人", "备注"):
        cell = ws.cell(hostile, cols[column])
        assert cell.data_type == "s" and cell.value == HOSTILE[column], column
    # dropdowns: status everywhere, category on the blank rows; a date check on 完成日期
    validations = {dv.type: dv for dv in ws.data_validations.dataValidation}
    status = next(
        dv for dv in ws.data_validations.dataValidation if dv.type == "list" and "整改中" in (dv.formula1 or "")
    )
    assert status.formula1 == '"' + ",".join(ProblemStatus.ALL) + '"'
    status_letter = openpyxl.utils.get_column_letter(cols["完成状态"])
    assert str(status.sqref) == f"{status_letter}{first}:{status_letter}{first + 3 + workbooks.BLANK_ROWS - 1}"
    category = next(dv for dv in ws.data_validations.dataValidation if "办事难" in (dv.formula1 or ""))
    assert str(category.sqref).startswith(f"C{first + 3}:")
    assert "date" in validations
    assert ws.print_title_rows == f"${layout.HEADER_ROW}:${layout.HEADER_ROW}"
    meta = wb[layout.MARKER_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert [meta["A1"].value, meta["B1"].value, meta["B2"].value] == [layout.MARKER_TAG, "AB", "2022-05"]


def test_template_name_columns_hold_the_names_in_them(tmp_path: Path) -> None:
    report = hostile_report()
    campaign = report.campaign
    unit = campaign.unit_by_code("AB")
    assert unit is not None
    problems = report.problems[report.problems["单位编码"] == "AB"].copy()
    leader = "镇党委委员、组织委员 田春燕"  # 27 units: wrapped over three lines at the old 12
    problems.loc[problems.index[0], "责任领导"] = leader
    filled = workbooks.write_unit_template(campaign, unit, "2022-05", problems, tmp_path / "filled.xlsx")
    blank = workbooks.write_unit_template(campaign, unit, "2022-05", problems.iloc[:0], tmp_path / "blank.xlsx")
    letter = openpyxl.utils.get_column_letter(layout.COLUMNS.index("责任领导") + 1)
    width = openpyxl.load_workbook(filled)[layout.SHEET].column_dimensions[letter].width
    assert width >= workbooks.display_len(leader) + 1
    blank_width = openpyxl.load_workbook(blank)[layout.SHEET].column_dimensions[letter].width
    assert workbooks.TEMPLATE_NAME_MIN <= blank_width < width


def test_filled_template_reads_back_with_its_unit_and_ids(tmp_path: Path) -> None:
    path, campaign = unit_template(tmp_path)
    # the unit fills it in (openpyxl keeps the marker, as Excel and WPS do)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET]
    cols = {name: i + 1 for i, name in enumerate(layout.COLUMNS)}
    first = layout.FIRST_DATA_ROW
    ws.cell(first + 1, cols["整改进展"]).value = "已更新公开栏，财务收支按月公开"
    ws.cell(first + 1, cols["完成状态"]).value = "已完成"
    ws.cell(first + 1, cols["完成日期"]).value = dt.datetime(2022, 5, 12)
    new = first + 3
    for column, value in {
        "问题类别": "“办事难”专项治理",
        "具体问题": "群众反映办理低保证明需多次往返",
        "整改措施": "实行一次性告知",
        "责任领导": "张三",
        "责任人": "李四",
        "完成时限": dt.datetime(2022, 6, 30),
        "完成状态": "整改中",
    }.items():
        ws.cell(new, cols[column]).value = value
    filled = tmp_path / "inbox" / "随便起的名字.xlsx"  # the file name says nothing
    filled.parent.mkdir()
    wb.save(filled)

    raw = read_file(filled, load_vocabulary())
    assert raw.marker is not None and raw.marker["unit_code"] == "AB"
    unit, messages = identify_unit(raw, campaign, filled.name)
    assert unit is not None and unit.name == ODD_UNIT
    assert messages == []
    records = raw.frame.to_dict("records")
    assert [r["问题编号"] for r in records] == ["AB-001", "AB-002", "AB-003", ""]  # a new one has none yet
    assert records[1]["具体问题"] == HOSTILE["具体问题"]
    assert records[1]["完成状态"] == "已完成"
    assert records[3]["具体问题"] == "群众反映办理低保证明需多次往返"


def test_make_templates_writes_blank_ones_for_the_roster(workspace: Path) -> None:
    paths = run.templates(workspace)
    assert sorted(p.name for p in paths) == ["东风社区.xlsx", "红星村.xlsx", "镇财政所.xlsx"]
    for path in paths:
        wb = openpyxl.load_workbook(path)
        ws = wb[layout.SHEET]
        assert ws.protection.sheet
        assert ws.cell(layout.FIRST_DATA_ROW, 2).value is None  # no problems yet
        assert not ws.cell(layout.FIRST_DATA_ROW, 4).protection.locked  # room to list them
        assert wb[layout.MARKER_SHEET].sheet_state == "veryHidden"
    shutil.copy(paths[0], workspace / "copy.xlsx")
    raw = read_file(workspace / "copy.xlsx", load_vocabulary())
    assert raw.marker is not None and raw.marker["unit_code"] in {"HX", "DF", "CZ"}
