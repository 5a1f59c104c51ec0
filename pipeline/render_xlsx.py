"""Excel outputs written with xlsxwriter: the master ledger and the units' templates.

Text from submissions is always written with ``write_string``: a cell reading ``=SUM(A1)`` or
``http://…`` stays text, never a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline import layout
from pipeline.config import Campaign, Unit
from pipeline.report import LEDGER_COLUMNS, MonthReport
from pipeline.vocab import STATUSES

LIGHT_FILLS = {"红灯": "#FF6B6B", "黄灯": "#FFD966", "绿灯": "#A9D08E"}
LADDER_FILLS = {"蓝色督办": "#9DC3E6", "橙色督办": "#F4B183", "红色督办": "#FF6B6B"}
WIDE = {"具体问题": 40, "整改措施": 40, "整改进展": 40, "说明": 80, "问题类别": 22, "牵头部门": 30}
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(path: Path) -> Workbook:
    return xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "align": "center", "text_wrap": True})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.center = wb.add_format({**base, "align": "center"})
        self.date = wb.add_format({**base, "align": "center", "num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({**base, "align": "center", "num_format": "yyyy-mm-dd hh:mm"})
        self.percent = wb.add_format({**base, "align": "center", "num_format": "0.0%"})
        self.number = wb.add_format({**base, "align": "center", "num_format": "0"})
        self.delta = wb.add_format({**base, "align": "center", "num_format": "+0.0;-0.0;0.0"})
        self.title = wb.add_format(
            {"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
        )
        self.fills = {
            name: wb.add_format({**base, "align": "center", "bg_color": colour})
            for name, colour in {**LIGHT_FILLS, **LADDER_FILLS}.items()
        }


def _write(ws: Worksheet, row: int, col: int, value: Any, fmt: _Formats, column: str) -> None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        ws.write_blank(row, col, None, fmt.text)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt.center)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt.datetime)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt.date)
    elif isinstance(value, (int, float)):
        if column in ("完成率",):
            ws.write_number(row, col, value, fmt.percent)
        elif column == "较上月":
            ws.write_number(row, col, value, fmt.delta)
        else:
            ws.write_number(row, col, value, fmt.number)
    else:
        text = str(value)
        style = fmt.fills.get(text) if column in ("灯色", "督办等级") else None
        ws.write_string(row, col, text, style or (fmt.text if column in WIDE or len(text) > 12 else fmt.center))


def _width(column: str, values: Sequence[Any]) -> float:
    if column in WIDE:
        return WIDE[column]
    longest = max([len(str(column)) * 2, *(_display_len(v) for v in values[:200])], default=6)
    return min(max(longest + 2, 8), 30)


def _display_len(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_table(
    wb: Workbook, fmt: _Formats, name: str, frame: pd.DataFrame, columns: Sequence[str], landscape: bool = True
) -> Worksheet:
    """One sheet: header row, typed cells, frozen header, filter, widths, A4 print setup."""
    ws = wb.add_worksheet(name)
    for c, column in enumerate(columns):
        ws.write_string(0, c, column, fmt.header)
        ws.set_column(c, c, _width(column, frame[column].tolist() if column in frame.columns else []))
    for r, rec in enumerate(frame[list(columns)].itertuples(index=False), start=1):
        for c, (column, value) in enumerate(zip(columns, rec, strict=True)):
            _write(ws, r, c, value, fmt, column)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.repeat_rows(0)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    return ws


def write_ledger(report: MonthReport, path: Path) -> Path:
    """``总台账.xlsx``: 问题总台账, 单位统计, 分类统计, 专项治理, 报送情况, 逾期督办, 校验结果."""
    wb = new_workbook(path)
    fmt = _Formats(wb)
    problems = report.problems
    write_table(wb, fmt, "问题总台账", problems, LEDGER_COLUMNS)
    write_table(wb, fmt, "单位统计", report.units, [c for c in report.units.columns if c != "单位编码"])
    write_table(wb, fmt, "分类统计", report.categories, list(report.categories.columns))
    write_table(wb, fmt, "专项治理", report.campaigns, list(report.campaigns.columns))
    submission_cols = ["单位", "类型", "报送状态", "报送时间", "截止日期", "文件数", "上月报送状态", "连续两月未报送"]
    write_table(wb, fmt, "报送情况", report.submissions, [c for c in submission_cols if c in report.submissions])
    overdue_cols = [
        "问题编号",
        "填报单位",
        "问题类别",
        "具体问题",
        "责任领导",
        "责任人",
        "完成时限",
        "逾期天数",
        "逾期工作日",
        "督办次数",
        "督办等级",
        "移交纪委",
    ]
    if report.workdays_estimated:  # a year the official calendar does not know: say which figures are estimates
        overdue_cols.insert(overdue_cols.index("逾期工作日") + 1, "工作日估算")
    write_table(wb, fmt, "逾期督办", report.overdue, overdue_cols)
    write_table(
        wb, fmt, "校验结果", report.validation, ["文件名", "填报单位", "结果", "说明", "接收时间", "错误数", "提醒数"]
    )
    wb.set_properties({"title": f"{report.campaign.town}干部作风整顿问题总台账（{report.month_label}）"})
    wb.close()
    return path


def write_unit_template(campaign: Campaign, unit: Unit, month: str, problems: pd.DataFrame | None, path: Path) -> Path:
    """A unit's template for ``month``: its registered problems with their 问题编号, the problem
    text locked, progress, status and completion date open, with a dropdown for the status."""
    wb = new_workbook(path)
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1, "text_wrap": True}
    locked = wb.add_format({**base, "bg_color": "#F2F2F2"})
    locked_date = wb.add_format({**base, "bg_color": "#F2F2F2", "num_format": "yyyy-mm-dd"})
    open_text = wb.add_format({**base, "locked": False})
    open_date = wb.add_format({**base, "locked": False, "num_format": "yyyy-mm-dd"})
    header = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"})
    title = wb.add_format({"font_name": "方正小标宋简体", "font_size": 18, "align": "center", "valign": "vcenter"})
    plain = wb.add_format({"font_name": "宋体", "font_size": 11})
    ws = wb.add_worksheet(layout.SHEET)
    columns = layout.COLUMNS
    ws.write_string(0, 0, "附件2", plain)
    ws.merge_range(layout.TITLE_ROW - 1, 0, layout.TITLE_ROW - 1, len(columns) - 1, layout.title(campaign.town), title)
    ws.write_string(layout.HEADER_BLOCK_ROW - 1, 0, layout.header_block(unit.name), plain)
    ws.set_row(layout.TITLE_ROW - 1, 32)
    for c, column in enumerate(columns):
        ws.write_string(layout.HEADER_ROW - 1, c, column, header)
        ws.set_column(
            c, c, {"具体问题": 36, "整改措施": 36, "整改进展": 40, "问题类别": 20, "备注": 16}.get(column, 12)
        )
    editable = {"整改进展", "完成状态", "完成日期", "备注"}
    first = layout.FIRST_DATA_ROW - 1
    records = problems.to_dict("records") if problems is not None else []
    n = len(records)
    blank_rows = 10  # room for problems found this month (边查摆边整改)
    for i, rec in enumerate(records):
        r = first + i
        for c, column in enumerate(columns):
            value = i + 1 if column == "序号" else rec.get(column)
            is_open = column in editable
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), open_date if is_open else locked_date)
            elif isinstance(value, int):
                ws.write_number(r, c, value, locked)
            elif value is None or (isinstance(value, float) and math.isnan(value)):
                ws.write_blank(r, c, None, open_text if is_open else locked)
            else:
                ws.write_string(r, c, str(value), open_text if is_open else locked)
    for r in range(first + n, first + n + blank_rows):
        for c, column in enumerate(columns):
            ws.write_blank(r, c, None, open_date if column in ("完成时限", "完成日期") else open_text)
    last = first + n + blank_rows - 1
    status_col = columns.index("完成状态")
    ws.data_validation(
        first,
        status_col,
        last,
        status_col,
        {
            "validate": "list",
            "source": list(STATUSES),
            "error_title": "完成状态",
            "error_message": "请从下拉列表中选择",
        },
    )
    date_col = columns.index("完成日期")
    ws.data_validation(
        first,
        date_col,
        last,
        date_col,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.datetime(campaign.year - 1, 1, 1),
            "maximum": dt.datetime(campaign.year + 2, 12, 31),
            "error_message": "请填写日期，如 2022-04-30",
        },
    )
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "insert_rows": True})
    ws.freeze_panes(layout.HEADER_ROW, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(layout.HEADER_ROW - 1)
    ws.fit_to_pages(1, 0)
    meta = wb.add_worksheet(layout.MARKER_SHEET)
    meta.write_string(0, 0, layout.MARKER_TAG)
    meta.write_string(0, 1, unit.code)
    meta.write_string(1, 0, "月份")
    meta.write_string(1, 1, month)
    meta.write_string(2, 0, "活动")
    meta.write_string(2, 1, f"{campaign.town}{campaign.year}")
    meta.hide()
    wb.close()
    return path
