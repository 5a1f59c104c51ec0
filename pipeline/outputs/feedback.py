"""Feedback workbooks for returned files (SPEC §4, §7 ``退回/``), and for a unit's 形式主义提示.

Each returned file that has a table gets ``退回/{单位}_退回修改.xlsx``: a first sheet 「退回说明」
listing every message in order (序号, 工作表, 单元格, 问题, 填写的内容, 应当如何填写), then a copy of
the unit's own sheet, values only, with each cell in error filled red (warnings yellow) and a
comment holding its message; and a marked copy of each other sheet a message points into (the
unit's 交办事项 sheet, say). The copy is read from the archived original with python-calamine,
which returns the stored values and never evaluates a formula; every text is written back as
text, so a cell reading ``=SUM(A1)`` stays exactly that.

A unit with 形式主义提示 this month (pipeline/formality.py) gets ``提示/{单位}_形式主义提示.xlsx``:
one sheet listing them (序号, 问题编号, 提示, 具体问题, 应当如何改) under a paragraph saying they are
reminders, not a return. Its file was accepted: nothing of it is copied or marked.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as calamine
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import ingest, textsafe
from pipeline.aggregate import hint_message, hints_first, report_unit_names
from pipeline.atomic import write_atomic
from pipeline.config import Unit
from pipeline.filenames import output_path, safe_name
from pipeline.formality import LIST, Hint
from pipeline.messages import CATALOGUE, Message, render_text
from pipeline.outputs import workbooks
from pipeline.readers.formats import decrypt_default
from pipeline.report import MonthReport

SUMMARY_SHEET = "退回说明"
SUMMARY_COLUMNS: tuple[str, ...] = ("序号", "工作表", "单元格", "问题", "填写的内容", "应当如何填写")
SUMMARY_HEADER_ROW = 3
ERROR_FILL = PatternFill("solid", fgColor="FFFF6B6B")
WARNING_FILL = PatternFill("solid", fgColor="FFFFD966")
AUTHOR = "作风整顿办"
_BORDER_COLOUR = "#999999"
_HEADER_COLOUR = "#D9E1F2"
_THIN = Side(style="thin", color="FF" + _BORDER_COLOUR[1:])
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")  # a table row's cells (styles are immutable: shared)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Note:
    """One message as the feedback workbook shows it."""

    level: str  # error / warning / info
    title: str
    sheet: str
    cell: str
    body: str  # what is wrong (without the place: the cell says where)
    found: str  # the value found
    expected: str  # how to fill it

    @classmethod
    def of(cls, m: Message) -> Note:
        return cls(m.level, m.title, m.sheet, m.cell, m.body, m.found, m.expected)

    @classmethod
    def from_record(cls, record: dict[str, Any], file_name: str) -> Note:
        """A message as the audit log keeps it (``run._message_records``)."""
        params = record.get("params")
        code = str(record.get("code", ""))
        if isinstance(params, dict) and code in CATALOGUE:
            return cls.of(
                Message(code, file=file_name, sheet=record.get("sheet", ""), cell=record.get("cell", ""), params=params)
            )
        entry = CATALOGUE.get(code)
        return cls(
            str(record.get("level", "error")),
            entry.title if entry else code,
            str(record.get("sheet", "")),
            str(record.get("cell", "")),
            str(record.get("text", "")),
            "",
            "",
        )

    @property
    def problem(self) -> str:
        prefix = "（提醒，可不改）" if self.level != "error" else ""
        return f"{prefix}{self.title}：{self.body}"


@dataclass(frozen=True)
class Returned:
    """A returned file with a table: where its archived original is and what was wrong."""

    file_name: str  # as received
    unit: str  # the unit's name, "" when it could not be identified
    original: Path  # the archived copy (archive/<sha[:2]>/<sha>)
    sheet: str  # the sheet holding the table
    notes: tuple[Note, ...]
    other_sheets: tuple[str, ...] = ()  # the file's other tables' sheets (its 交办事项 sheet, say)

    def marked_sheets(self) -> list[str]:
        """The sheets copied and marked: the table's, then each other table's that a note points into."""
        pointed = {n.sheet for n in self.notes if n.cell}
        return [self.sheet, *(s for s in self.other_sheets if s != self.sheet and s in pointed)]

    def on_sheet(self, sheet: str) -> list[Note]:
        """The notes that point at a cell of ``sheet`` (a note naming no sheet means the table's)."""
        return [n for n in self.notes if n.cell and (n.sheet == sheet or (not n.sheet and sheet == self.sheet))]


def feedback_name(item: Returned) -> str:
    """``{单位或原文件名}_退回修改.xlsx``, safe as a file name."""
    return safe_name(item.unit or Path(item.file_name).stem, "_退回修改.xlsx", "文件")


def write_all(items: Iterable[Returned], folder: Path) -> list[Path]:
    """One feedback workbook per returned file; a second file of the same unit gets ``(2)``."""
    paths: list[Path] = []
    for item, name in zip(*_named(items), strict=True):
        folder.mkdir(parents=True, exist_ok=True)
        paths.append(write_feedback(item, output_path(folder, name)))
    return paths


def _named(items: Iterable[Returned]) -> tuple[list[Returned], list[str]]:
    """The items and their workbooks' file names, ``(2)``, ``(3)``… for a unit's later files."""
    kept: list[Returned] = []
    names: list[str] = []
    taken: set[str] = set()
    for item in items:
        name = feedback_name(item)
        stem, n = name.removesuffix(".xlsx"), 1
        while name in taken:
            n += 1
            name = f"{stem}({n}).xlsx"
        taken.add(name)
        kept.append(item)
        names.append(name)
    return kept, names


def file_names(items: Iterable[Returned]) -> list[str]:
    """The file name ``write_all`` gives each item's workbook, in order."""
    return _named(items)[1]


def write_feedback(item: Returned, path: Path) -> Path:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    titles = _copy_titles(item.marked_sheets())
    _write_summary(summary, item, titles)
    for sheet, title in titles.items():
        rows, merged = read_sheet(item.original, sheet)
        table = wb.create_sheet(title)
        _copy_values(table, rows, merged)
        _mark(table, item.on_sheet(sheet), merged)
    return write_atomic(path, wb.save)


def _copy_titles(sheets: Sequence[str]) -> dict[str, str]:
    """Each copied sheet's title in the workbook: safe, and unlike the others."""
    titles: dict[str, str] = {}
    for sheet in sheets:
        title, n = _sheet_title(sheet), 1
        while title in titles.values():
            n += 1
            title = f"{_sheet_title(sheet)[:28]}({n})"
        titles[sheet] = title
    return titles


# --- reading the original ------------------------------------------------------------------------


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def read_sheet(original: Path, sheet: str) -> tuple[list[list[Any]], Merged]:
    """The stored values of ``sheet`` (never evaluated) and its merged ranges (0-based)."""
    data = original.read_bytes()
    fmt = ingest.sniff(data)
    if fmt == "xls-encrypted":
        data = decrypt_default(data)
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        found = book.get_sheet_by_name(sheet)
        rows = found.to_python(skip_empty_area=False)
        merged = list(found.merged_cell_ranges or []) if fmt != "ods" else []
    finally:
        book.close()
    return rows, merged


# --- writing ---------------------------------------------------------------------------------------


def put(cell: Cell, value: Any) -> None:
    """Write a value as what it is; text always as text (never a formula)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        cell.value = int(value)
    elif isinstance(value, (int, float)):
        cell.value = value
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd hh:mm" if value.time() != dt.time() else "yyyy-mm-dd"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = textsafe.cell_text(str(value))
        cell.data_type = "s"  # openpyxl would take "=…" for a formula


def _sheet_title(name: str) -> str:
    title = _BAD_SHEET_CHARS.sub("_", textsafe.xml_text(name)).strip("'")[:31] or "问题清单"
    return "原表" if title == SUMMARY_SHEET else title


SUMMARY_WIDTHS: tuple[float, ...] = (6, 12, 9, 60, 24, 40)  # 序号 … 应当如何填写


def _heading(ws: Worksheet, title: str, intro: str, columns: Sequence[str], intro_height: float) -> None:
    """A feedback sheet's top: its title and a paragraph over every column, then the header row
    (``SUMMARY_HEADER_ROW``)."""
    put(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    put(ws.cell(2, 1), intro)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(columns))
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = intro_height
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(SUMMARY_HEADER_ROW, c, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FF" + _HEADER_COLOUR[1:])
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = _BORDER


def _table_row(ws: Worksheet, r: int, values: Sequence[Any], widths: Sequence[float]) -> None:
    """One row of a feedback sheet's table: wrapped, bordered, as high as its longest text."""
    for c, value in enumerate(values, start=1):
        cell = ws.cell(r, c)
        put(cell, value)
        cell.alignment = _WRAP_TOP
        cell.border = _BORDER
    height = workbooks.row_height([str(v) for v in values], widths)
    if height:
        ws.row_dimensions[r].height = height


def _page(ws: Worksheet, widths: Sequence[float]) -> None:
    """A feedback sheet's widths, frozen header and print setup (A4 landscape, one page wide)."""
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(SUMMARY_HEADER_ROW + 1, 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_summary(ws: Worksheet, item: Returned, titles: dict[str, str]) -> None:
    errors = sum(1 for n in item.notes if n.level == "error")
    copies = "、".join(f"“{t}”" for t in titles.values())
    intro = (
        f"你单位报送的“{item.file_name}”经校验有 {errors} 处必须改正，已退回。请按下表逐项改正后重新报送；"
        f"工作表{copies}中红色单元格为出错位置（黄色为提醒），鼠标移到单元格上可看说明。"
    )
    _heading(ws, f"{item.unit or item.file_name}：问题清单退回修改说明", intro, SUMMARY_COLUMNS, 45)
    for i, note in enumerate(item.notes, start=1):
        r = SUMMARY_HEADER_ROW + i
        values = (i, note.sheet or "（整个文件）", note.cell, note.problem, note.found, note.expected)
        _table_row(ws, r, values, SUMMARY_WIDTHS)
        target = titles.get(note.sheet or item.sheet)
        if note.cell and target:
            link = ws.cell(r, 3)
            link.hyperlink = f"#'{target}'!{note.cell}"
            link.font = Font(color="FF0563C1", underline="single")
        if note.level == "error":
            ws.cell(r, 1).fill = ERROR_FILL
    _page(ws, SUMMARY_WIDTHS)


# --- a unit's 形式主义提示 ------------------------------------------------------------------------------

HINTS_SHEET = "形式主义提示"
HINT_COLUMNS: tuple[str, ...] = ("序号", "问题编号", "提示", "具体问题", "应当如何改")
HINT_WIDTHS: tuple[float, ...] = (6, 12, 60, 36, 36)


def hints_name(unit: Unit) -> str:
    """``{单位}_形式主义提示.xlsx``, safe as a file name."""
    return safe_name(unit.name, "_形式主义提示.xlsx", "未命名单位")


HintRow = tuple[str, str, str, str]  # (问题编号, 提示, 具体问题, 应当如何改)


def hint_rows(report: MonthReport, unit: Unit) -> list[HintRow]:
    """(问题编号, 提示, 具体问题, 应当如何改) of each of ``unit``'s 形式主义提示 this month; a
    清单雷同 with another unit's list is told from the unit's own side."""
    return hint_table(report, [unit.code]).get(unit.code, [])


def hint_table(report: MonthReport, codes: Iterable[str]) -> dict[str, list[HintRow]]:
    """``hint_rows`` of each of the units ``codes`` that has hints, made in one pass over the
    month's hints (the units' names and the problems' texts looked up once, not once a unit)."""
    wanted = set(codes)
    mine: dict[str, list[Hint]] = {}
    for hint in report.formality.hints:  # each unit's hints in the month's order, as of_unit gives them
        for code in {hint.unit_code, hint.other_unit} if hint.signal == LIST else (hint.unit_code,):
            if code in wanted:
                mine.setdefault(code, []).append(hint)
    if not mine:
        return {}
    names = report_unit_names(report)
    texts = dict(zip(report.problems["问题编号"], report.problems["具体问题"], strict=True))
    table: dict[str, list[HintRow]] = {}
    for code, hints in mine.items():
        rows = table[code] = []
        for hint in hints_first(hints):
            partner = hint.signal == LIST and hint.unit_code != code
            message = hint_message(hint, names, partner)
            problem = "" if hint.signal == LIST else str(texts.get(hint.item_id, ""))
            rows.append((hint.item_id, message.body, problem, message.expected))
    return table


def write_hints(report: MonthReport, unit: Unit, path: Path, rows: Sequence[HintRow] | None = None) -> Path:
    """``提示/{单位}_形式主义提示.xlsx``: the unit's 形式主义提示 of the month, one a row, under a
    paragraph saying they are reminders (不退回, to improve in next month's report).

    ``rows``: the unit's ``hint_rows``, made already (``hint_table`` makes them for many units).
    The workbook is new, so it is written with xlsxwriter, as a returned file's would look
    written with openpyxl: the same fonts, fills, borders, alignment, widths, heights, merged
    title and page setup (A4 landscape, one page wide, openpyxl's margins)."""
    found = hint_rows(report, unit) if rows is None else rows
    month = report.month_label
    title = render_text("formality-feedback-title", {"unit": unit.name, "month": month})
    intro = render_text("formality-feedback-intro", {"month": month, "count": len(found)})
    return write_atomic(path, lambda tmp: _write_hints(tmp, title, intro, found))


def _write_hints(path: Path, title: str, intro: str, rows: Sequence[HintRow]) -> None:
    wb = workbooks.Book(str(path), {**workbooks.WORKBOOK_OPTIONS, "in_memory": True})
    ws = wb.add_worksheet(HINTS_SHEET)
    border = {"border": 1, "border_color": _BORDER_COLOUR}
    heading = wb.add_format({"bold": True, "font_size": 14})
    paragraph = wb.add_format({"text_wrap": True, "valign": "top"})
    header = wb.add_format({"bold": True, "bg_color": _HEADER_COLOUR, "align": "center", "valign": "vcenter", **border})
    cell = wb.add_format({"text_wrap": True, "valign": "top", **border})
    last = len(HINT_COLUMNS) - 1
    for r, text, fmt in ((0, title, heading), (1, intro, paragraph)):  # merged over every column, as openpyxl
        ws.merge_range(r, 0, r, last, "", None)  # leaves them: only the first cell has a value and a style
        ws.write_string(r, 0, textsafe.cell_text(text), fmt)
    ws.set_row(1, 45)
    for c, name in enumerate(HINT_COLUMNS):
        ws.write_string(SUMMARY_HEADER_ROW - 1, c, name, header)
    for i, values in enumerate(rows, start=1):
        r = SUMMARY_HEADER_ROW - 1 + i
        shown = (i, *values)
        for c, value in enumerate(shown):
            if isinstance(value, int):
                ws.write_number(r, c, value, cell)
            elif value:
                ws.write_string(r, c, textsafe.cell_text(str(value)), cell)
            else:
                ws.write_blank(r, c, None, cell)
        height = workbooks.row_height([str(v) for v in shown], HINT_WIDTHS)
        if height:
            ws.set_row(r, height)
    for c, width in enumerate(HINT_WIDTHS):
        ws.set_column_pixels(c, c, round(width * _PIXELS_PER_WIDTH))  # stored as ``width``, as openpyxl does
    ws.freeze_panes(SUMMARY_HEADER_ROW, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(*_MARGINS[:4])
    ws.set_header("", margin=_MARGINS[4])
    ws.set_footer("", margin=_MARGINS[5])
    wb.close()


# xlsxwriter stores a column set to n pixels as n / 7 wide (7: a digit of the default font)
_PIXELS_PER_WIDTH = 7
# openpyxl's page margins (left, right, top, bottom, header, footer), in inches
_MARGINS = (0.75, 0.75, 1.0, 1.0, 0.5, 0.5)


def _copy_values(ws: Worksheet, rows: Sequence[Sequence[Any]], merged: Merged) -> None:
    widths: dict[int, int] = {}
    wrapped = Alignment(wrap_text=True, vertical="center")  # one object for every text cell
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(r, c)
            put(cell, value)
            if isinstance(value, str):
                cell.alignment = wrapped
            widths[c] = max(widths.get(c, 0), min(workbooks.display_len(value), 200))
    for (r0, c0), (r1, c1) in merged:
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 40)


def _anchor(address: str, merged: Merged) -> str:
    """The top-left cell of the merged range holding ``address`` (where a comment can go)."""
    try:
        col, row, _, _ = range_boundaries(address)
    except ValueError:
        return address
    if col is None or row is None:
        return address
    for (r0, c0), (r1, c1) in merged:
        if r0 + 1 <= row <= r1 + 1 and c0 + 1 <= col <= c1 + 1:
            return f"{get_column_letter(c0 + 1)}{r0 + 1}"
    return address


def _mark(ws: Worksheet, notes: Sequence[Note], merged: Merged) -> None:
    by_cell: dict[str, list[Note]] = {}
    for note in notes:
        by_cell.setdefault(_anchor(note.cell, merged), []).append(note)
    for address, found in by_cell.items():
        try:
            cell = ws[address]
        except (ValueError, IndexError):
            continue
        if not isinstance(cell, Cell):
            continue
        is_error = any(n.level == "error" for n in found)
        cell.fill = ERROR_FILL if is_error else WARNING_FILL
        text = "\n".join(f"{n.problem}" + (f"\n应当：{n.expected}" if n.expected else "") for n in found)
        comment = Comment(textsafe.cell_text(text), AUTHOR)
        comment.width = 320
        comment.height = min(60 + 40 * len(found) + len(text) // 2, 600)
        cell.comment = comment
