"""Excel outputs written with xlsxwriter: the master ledger and the units' templates.

Text from submissions is always written with ``write_string``: a cell reading ``=SUM(A1)`` or
``http://…`` stays text, never a formula or a link.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from xlsxwriter import xmlwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import CellBlankTuple, CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

from pipeline import layout, textsafe
from pipeline.aggregate import hint_message, report_unit_names
from pipeline.atomic import write_atomic
from pipeline.config import CLEARED_FILE, Campaign, Unit
from pipeline.formality import COPY, LIST, SIGNALS
from pipeline.kinds import ITEM_KINDS, KINDS, RATING, LedgerKind
from pipeline.messages import render_text
from pipeline.model import (
    Ladder,
    Light,
    Month,
    ProblemStatus,
    RatingLevel,
    RatingReason,
    YesNo,
    is_missing,
    rating_period_text,
)
from pipeline.narrative import DASH, cn_date
from pipeline.report import RATING_COLUMNS, MonthReport, RatingReport
from pipeline.vocab import load_vocabulary

LIGHT_FILLS = {Light.RED: "#FF6B6B", Light.YELLOW: "#FFD966", Light.GREEN: "#A9D08E"}
LADDER_FILLS = {Ladder.BLUE: "#9DC3E6", Ladder.ORANGE: "#F4B183", Ladder.RED: "#FF6B6B"}
# the status dropdown's words, as the template's prompts list them
STATUS_CHOICES = "、".join(ProblemStatus.ALL)
# Column widths in Excel units (one digit of the default font; a Chinese character takes two).
# Long text wraps; the widths keep the 问题总台账 readable when printed one page wide on A4.
WIDE = {
    "具体问题": 28,
    "整改措施": 28,
    "整改进展": 28,
    "说明": 56,
    "问题类别": 16,
    "牵头部门": 24,
    "文件名": 26,
    "事项内容": 30,
    "承办单位": 24,
    "办理进展": 30,
}
NARROW_MAX = 16  # other columns: as wide as their longest value (and ``FIT_PAD``), up to this, then wrapped
FIT_PAD = 1  # what a column takes beyond its text: a Chinese character (2 units) is 13.3 px, a unit 7 px
# Columns of names (units; leaders and staff with their posts, "镇党委委员、组织委员 田春燕"):
# as wide as their longest value up to this, so that a name is not broken across two lines.
NAME_COLUMNS = frozenset({"填报单位", "单位", "责任领导", "责任人", "交办领导"})
NAME_MAX = 30
CENTRED_MAX = 12  # a column whose texts are all this short is centred, any other left-aligned
DATE_COLUMNS = frozenset({"完成时限", "完成日期", "截止日期"})
LINE_HEIGHT = 13.5  # points per line of 10 pt 宋体
# Template columns a unit may edit; the problem itself (编号, 类别, 具体问题, 整改措施) stays locked.
# 责任人 and 完成时限 stay open: people change, and a changed deadline is reported as 延期.
EDITABLE = frozenset({"责任领导", "责任人", "完成时限", "整改进展", "完成状态", "完成日期", "备注"})
TEMPLATE_WIDTHS = {"具体问题": 36, "整改措施": 36, "整改进展": 40, "问题类别": 20, "备注": 16}
TEMPLATE_NAME_MIN = 16  # a template's name columns, blank: room for a post and a name
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(path: Path) -> Workbook:
    return Book(str(path), WORKBOOK_OPTIONS)


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "align": "center", "text_wrap": True})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.center = wb.add_format({**base, "align": "center", "text_wrap": True})
        self.date = wb.add_format({**base, "align": "center", "num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({**base, "align": "center", "num_format": "yyyy-mm-dd hh:mm"})
        self.percent = wb.add_format({**base, "align": "center", "num_format": "0.0%"})
        self.whole_percent = wb.add_format({**base, "align": "center", "num_format": "0%"})
        self.note = wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter"})
        self.number = wb.add_format({**base, "align": "center", "num_format": "0"})
        self.delta = wb.add_format({**base, "align": "center", "num_format": "+0.0;-0.0;0.0"})
        self.title = wb.add_format(
            {"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}
        )
        self.fills = {
            name: wb.add_format({**base, "align": "center", "bg_color": colour})
            for name, colour in {**LIGHT_FILLS, **LADDER_FILLS}.items()
        }


FILLED = frozenset(
    {"灯色", "督办等级"}
)  # columns whose 红灯/黄灯/绿灯 and 蓝色/橙色/红色 cells are filled with their colour
# (kind: BLANK, STRING, NUMBER or DATETIME; the value written; format; lines the value takes): how
# one cell of a table is written (``put``, or a whole table's at once by ``TableSheet.write_rows``)
Cell = tuple[int, Any, Any, int]
BLANK, STRING, NUMBER, DATETIME = range(4)


class Column(NamedTuple):
    """A table column's cells: its distinct ones (a text, blank or date written once however often
    it recurs) and, for each row, which of them the row has."""

    cells: list[Cell]
    codes: list[int]

    def cell(self, row: int) -> Cell:
        return self.cells[self.codes[row]]


# Values of these types that compare equal are written alike, so a column's cell for one is worked
# out once (not so for numbers: 1, 1.0 and True compare equal but are written apart).
_ALIKE_WHEN_EQUAL = frozenset({str, dt.date, dt.datetime, type(None)})


def _cell(value: Any, column: str, width: float, styles: tuple[Any, Any], fmt: _Formats) -> Cell:
    """How ``value`` is written in ``column`` (``width`` units wide): ``styles`` are the column's
    text and number formats."""
    text_style, number_format = styles
    kind = type(value)
    if kind is str:
        if value == "":
            return BLANK, None, fmt.text, 1
        text = textsafe.cell_text(value)
        style = fmt.fills.get(text) if column in FILLED else None
        return STRING, text, style or text_style, _text_lines(value, width)
    if kind is int or (kind is float and value == value):  # not NaN
        return NUMBER, value, number_format, 1
    lines = _lines(value, width)
    if is_missing(value) or value == "":
        return BLANK, None, fmt.text, lines
    if isinstance(value, bool):
        return STRING, YesNo.of(value), fmt.center, lines
    if isinstance(value, dt.datetime):
        return DATETIME, value, fmt.date if column in DATE_COLUMNS else fmt.datetime, lines
    if isinstance(value, dt.date):
        return DATETIME, dt.datetime.combine(value, dt.time()), fmt.date, lines
    if isinstance(value, (int, float)):
        number = fmt.percent if column == "完成率" else fmt.delta if column == "较上月" else fmt.number
        return NUMBER, value, number, lines
    text = textsafe.cell_text(str(value))
    style = fmt.fills.get(text) if column in FILLED else None
    return STRING, text, style or text_style, lines


def _column_cells(
    column: str,
    values: Sequence[Any],
    layout: tuple[float, bool],
    fmt: _Formats,
    percent: bool = False,
) -> Column:
    """The cells of a table column holding ``values`` (``_cell``), each distinct text (date,
    blank) worked out once, the lines of all its texts measured at once. ``layout``: the column's
    (width, left-aligned) (``_column_layout``; else its texts are centred); ``percent``: its
    numbers are rates (as 完成率's are)."""
    width, left = layout
    number_format = fmt.percent if percent or column == "完成率" else fmt.delta if column == "较上月" else fmt.number
    styles = (fmt.text if left else fmt.center, number_format)
    distinct = dict.fromkeys(values)
    texts = [v for v in distinct if type(v) is str and v]
    fills = column in FILLED
    cells: list[Cell] = [(BLANK, None, fmt.text, 1)]
    known: dict[Any, int] = {"": 0}  # every text's cell, by its number in ``cells``
    for value, text, lines in zip(texts, textsafe.cell_texts(texts), text_lines(texts, width), strict=True):
        style = fmt.fills.get(text) if fills else None
        known[value] = len(cells)
        cells.append((STRING, text, style or styles[0], lines))
    if len(known) == len(distinct) + ("" not in distinct):  # texts only (the usual column)
        return Column(cells, [known[value] for value in values])
    alike = _ALIKE_WHEN_EQUAL
    whole: dict[int, int] = {}  # each whole number's cell (1, 1.0 and True compare equal but are written apart)
    codes: list[int] = []
    append = codes.append
    for value in values:
        kind = type(value)
        if kind is str:
            append(known[value])
        elif kind is int:
            code = whole.get(value)
            if code is None:
                code = whole[value] = len(cells)
                cells.append((NUMBER, value, number_format, 1))
            append(code)
        elif kind in alike:
            code = known.get(value)
            if code is None:
                code = known[value] = len(cells)
                cells.append(_cell(value, column, width, styles, fmt))
            append(code)
        else:  # any other number or value, written as it comes
            append(len(cells))
            cells.append(_cell(value, column, width, styles, fmt))
    return Column(cells, codes)


def _column_layout(column: str, values: Sequence[Any]) -> tuple[float, bool]:
    """(width, left-aligned) of a table column holding ``values``: a long-text column (``WIDE``)
    has its fixed width, a name column fits its longest value up to ``NAME_MAX``, any other up
    to ``NARROW_MAX``; the column is left-aligned unless all its texts are short."""
    if column in WIDE:
        return WIDE[column], True
    distinct = [v for v in dict.fromkeys(values) if not is_missing(v)]
    texts = [str(v) for v in distinct if isinstance(v, str)]
    longest_text = int(display_lens(texts).max()) if texts else 0
    left = longest_text > CENTRED_MAX
    longest = max(
        [display_len(column) // 2 + 2, longest_text, *(display_len(v) for v in distinct if not isinstance(v, str))]
    )
    return min(max(longest + FIT_PAD, 7), NAME_MAX if column in NAME_COLUMNS else NARROW_MAX), left


def _template_width(column: str, records: Sequence[Mapping[str, Any]]) -> float:
    """A template column's width: the long texts' fixed ones; a name column (责任领导, 责任人) as
    wide as the names already in it (so "镇党委委员、组织委员 田春燕" stays on one line), and never
    narrower than ``TEMPLATE_NAME_MIN`` for the names a unit types in."""
    if column in TEMPLATE_WIDTHS:
        return TEMPLATE_WIDTHS[column]
    if column in NAME_COLUMNS:
        return max(TEMPLATE_NAME_MIN, _column_layout(column, [r.get(column) for r in records])[0])
    return 12


def _lines(value: Any, width: float) -> int:
    """How many lines ``value`` takes wrapped in a column ``width`` units wide (an estimate)."""
    if value is None or not isinstance(value, str):
        return 1
    return _text_lines(value, width)


@functools.lru_cache(maxsize=1 << 16)
def _text_lines(value: str, width: float) -> int:  # the same texts recur across rows and units
    room = max(width - 1.5, 1.0)  # a wrapped line leaves some room at its end unused
    return sum(
        1 if (n := display_len(part)) <= width - FIT_PAD else max(1, math.ceil(n / room)) for part in value.split("\n")
    )


def text_lines(texts: Sequence[str], width: float) -> list[int]:
    """``_text_lines`` of each of ``texts`` (a column's distinct texts), the one-line texts'
    widths measured at once."""
    single = [text for text in texts if "\n" not in text]
    n = display_lens(single)
    room = max(width - 1.5, 1.0)
    ones = iter(np.where(n <= width - FIT_PAD, 1, np.maximum(1, np.ceil(n / room))).astype(int).tolist())
    return [next(ones) if "\n" not in text else _text_lines(text, width) for text in texts]


def display_lens(texts: Sequence[str]) -> np.ndarray:
    """``textsafe.display_len`` of each of ``texts``, all at once (numpy, over their code points)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    wide = np.concatenate(([0], np.cumsum(points >= textsafe.WIDE_FROM)))
    ends = np.cumsum(lengths)
    return lengths + wide[ends] - wide[ends - lengths]


def row_height(values: Sequence[Any], widths: Sequence[float]) -> float | None:
    """A height for a row of wrapped text (LibreOffice does not size such rows on opening)."""
    lines = max((_lines(v, w) for v, w in zip(values, widths, strict=True)), default=1)
    return None if lines <= 1 else min(lines * LINE_HEIGHT + 3, 409)


def display_len(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return textsafe.display_len("" if value is None else str(value))


# --- xlsxwriter, a whole table at a time ---------------------------------------------------------
def put(ws: Worksheet, row: int, col: int, cell: Cell) -> None:
    """Write one ``Cell`` with xlsxwriter's own method for its kind."""
    kind, value, style, _ = cell
    if kind == STRING:
        ws.write_string(row, col, value, style)
    elif kind == NUMBER:
        ws.write_number(row, col, value, style)
    elif kind == DATETIME:
        ws.write_datetime(row, col, value, style)
    else:
        ws.write_blank(row, col, None, style)


def write_rows(ws: Worksheet, first: int, columns: Sequence[Column]) -> None:
    """The table ``columns`` (all as long) from row ``first`` down: at once on a ``TableSheet``,
    else cell by cell in reading order (xlsxwriter numbers the shared strings in the order they
    are written)."""
    if isinstance(ws, TableSheet) and ws.write_rows(first, columns):
        return
    for r in range(len(columns[0].codes) if columns else 0):
        for c, column in enumerate(columns):
            put(ws, first + r, c, column.cell(r))


def write_blank_rows(ws: Worksheet, first: int, last: int, formats: Sequence[Any]) -> None:
    """``write_blank(r, c, None, formats[c])`` for each row ``first..last`` and column ``c``."""
    n = last - first + 1
    write_rows(ws, first, [Column([(BLANK, None, fmt, 1)], [0] * n) for fmt in formats])


def _plain_text(text: str) -> str:
    """``text`` as xlsxwriter's shared strings table takes it: one that starts with ``<r>`` and
    ends with ``</r>`` would be written into the file unescaped (that is how xlsxwriter keeps its
    rich strings), so it is kept as a rich string of one plain run that shows the same text."""
    if text.startswith("<r>") and text.endswith("</r>"):
        return f'<r><t xml:space="preserve">{html.escape(text, quote=False)}</t></r>'
    return text


class _Strings(SharedStringTable):
    """A workbook's shared strings where a text is only ever text (``_plain_text``): a unit's
    cell reading ``<r>a<b</r>`` would otherwise leave 总台账.xlsx unreadable."""

    def _get_shared_string_index(self, string: str) -> int:
        return int(super()._get_shared_string_index(_plain_text(string)))


_PREPARED: dict[tuple[str, bool, bool], str] = {}  # TableSheet's formulas, as xlsxwriter prepares them
# the cells TableSheet writes itself, by the name of xlsxwriter's cell type
_PLAIN_CELLS = {"Blank": BLANK, "String": STRING, "Number": NUMBER, "Datetime": NUMBER}


class _Block(NamedTuple):
    """Rows ``first``… of a ``TableSheet``, written at once."""

    first: int
    columns: Sequence[Column]
    indices: dict[tuple[int, int], int]  # (column, distinct cell) of a text -> its shared string's number
    order: list[tuple[int, int, int]]  # (row in the block, column, distinct cell), where each is first written, sorted

    @property
    def last(self) -> int:
        return self.first + len(self.columns[0].codes) - 1


class TableSheet(Worksheet):
    """xlsxwriter's worksheet that takes a table's rows at once (``write_rows``).

    xlsxwriter stores every cell as an object in a dict of rows and writes each with a general
    call that builds its attributes; for the 问题总台账's half a million cells that is most of the
    workbook's time. A block of rows is kept here as its ``Column``s and written as text: each
    column's distinct cells turned into their ``<c>`` element once (the row number left out),
    each row joined from them. The elements, the rows' ``<row>`` tags and spans and
    the shared strings' numbering are byte for byte xlsxwriter's own (tests compare them).
    """

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[_Block] = []
        self.heads: dict[int, str] = {}  # column -> '<c r="B'
        self.styles: dict[int, str] = {}  # id(format) -> '" s="3"'

    def write_rows(self, first: int, columns: Sequence[Column]) -> bool:
        """Take ``columns`` as the cells of rows ``first``…; False (nothing taken) for what only
        xlsxwriter's own methods write as it should: a sheet in ``constant_memory`` mode, rows
        beyond the sheet's limits, a cell without a format, a number Excel cannot hold."""
        n = len(columns[0].codes) if columns else 0
        if not n:
            return True
        last = first + n - 1
        if self.constant_memory or self._check_dimensions(first, 0, True, True):
            return False
        if self._check_dimensions(last, len(columns) - 1, True, True):
            return False
        for column in columns:
            for kind, value, fmt, _ in column.cells:
                if fmt is None or (kind == NUMBER and not math.isfinite(value)):
                    return False
        # where each distinct cell is first written, in reading order: the shared strings (and
        # the formats, when the sheet is written) numbered as xlsxwriter numbers them
        firsts = [np.unique(np.asarray(column.codes), return_index=True) for column in columns]
        order = sorted((int(r), c, int(k)) for c, (ks, rs) in enumerate(firsts) for k, r in zip(ks, rs, strict=True))
        strings = self.str_table
        indices: dict[tuple[int, int], int] = {}  # (column, distinct cell) -> its shared string's number
        for _, c, k in order:
            kind, text, _, _ = columns[c].cells[k]
            if kind == STRING:
                indices[c, k] = strings._get_shared_string_index(text)
        counts = [np.bincount(np.asarray(column.codes), minlength=len(column.cells)) for column in columns]
        uses = sum(int(counts[c][k]) for c, k in indices)
        strings.count += uses - len(indices)  # each text counted as often as it is written
        self._check_dimensions(first, 0)
        self._check_dimensions(last, len(columns) - 1)
        self.blocks.append(_Block(first, columns, indices, [(r - first, c, k) for r, c, k in order]))
        return True

    def _get_range_data(self, row_start: int, col_start: int, row_end: int, col_end: int) -> list[Any]:
        """A chart's cached data from the sheet, as xlsxwriter's own (which reads only the cells it holds)."""
        data: list[Any] = []
        for r in range(row_start, row_end + 1):
            block = next((b for b in self.blocks if b.first <= r <= b.last), None)
            if block is None:
                data.extend(super()._get_range_data(r, col_start, r, col_end))
                continue
            columns, later = block.columns, self.table.get(r, {})
            for c in range(col_start, col_end + 1):
                if c in later:  # a cell written over the table's, or beside it
                    data.extend(super()._get_range_data(r, c, r, c))
                    continue
                if c >= len(columns):
                    data.append(None)
                    continue
                kind, value, _, _ = columns[c].cell(r - block.first)
                if kind == NUMBER:
                    data.append(f"{value:.16g}")
                elif kind == DATETIME:
                    data.append(f"{self._convert_date_time(value):.16g}")
                else:
                    data.append(value if kind == STRING else "")
        return data

    def _write_rows(self) -> None:
        if self.constant_memory:
            super()._write_rows()
            return
        owned: dict[int, tuple[_Block, set[int]]] = {}
        for block in self.blocks:
            # a row written to again afterwards (a cell put over the table's, a comment) is kept
            # as xlsxwriter keeps any, the table's cells under the later ones
            mixed = {r for r in range(block.first, block.last + 1) if self.table.get(r) or self.comments.get(r)}
            for r in mixed:
                row = self.table[r]
                for c, column in enumerate(block.columns):
                    if c not in row:
                        row[c] = self._stored(block, c, column.codes[r - block.first])
            owned[block.first] = (block, mixed)
        self._calculate_spans()  # the spans of the cells xlsxwriter holds (a table's header…)
        spans = self.row_spans
        for block, _ in owned.values():  # every row of a block has a cell in each of its columns
            width = len(block.columns)
            for span in range(block.first // 16, block.last // 16 + 1):
                low, high = (int(x) for x in spans.get(span, f"1:{width}").split(":"))
                spans[span] = f"{min(low, 1)}:{max(high, width)}"
        r = self.dim_rowmin
        while r <= self.dim_rowmax:
            found = owned.get(r)
            if found is None:
                self._write_one_row(r)
                r += 1
            else:
                self._write_block(*found)
                r = found[0].last + 1

    def _stored(self, block: _Block, c: int, k: int) -> Any:
        """Distinct cell ``k`` of a block's column ``c`` as xlsxwriter stores it."""
        kind, value, fmt, _ = block.columns[c].cells[k]
        if kind == STRING:
            return CellStringTuple(block.indices[c, k], fmt)
        if kind == NUMBER:
            return CellNumberTuple(value, fmt)
        if kind == DATETIME:
            return CellDatetimeTuple(self._convert_date_time(value), fmt)
        return CellBlankTuple(fmt)

    def _write_one_row(self, r: int) -> None:
        """Row ``r`` as xlsxwriter's ``_write_rows`` writes it, its plain cells (a number, date,
        shared string or blank with its format) written straight out."""
        info = self.row_info.get(r)
        cells = self.table.get(r)
        span = self.row_spans.get(r // 16)
        if not cells:
            if info is not None or r in self.comments:
                self._write_empty_row(r, span, info)
            return
        self._write_row(r, span, info)
        write, number = self.fh.write, str(r + 1)
        for c in sorted(cells):
            cell = cells[c]
            kind = _PLAIN_CELLS.get(type(cell).__name__)  # as xlsxwriter tells its cells apart
            fmt = cell.format
            if fmt is None or kind is None:
                self._write_cell(r, c, cell)
            elif kind == BLANK:
                write(f"{self._head(c)}{number}{self._style(fmt)}/>")
            elif kind == STRING:
                write(f'{self._head(c)}{number}{self._style(fmt)} t="s"><v>{cell.string}</v></c>')
            else:
                write(f"{self._head(c)}{number}{self._style(fmt)}><v>{cell.number:.16G}</v></c>")
        write("</row>")

    def _head(self, c: int) -> str:
        """The start of a cell of column ``c``, up to its row number: '<c r="B'."""
        found = self.heads.get(c)
        if found is None:
            found = self.heads[c] = '<c r="' + xl_col_to_name(c)
        return found

    def _style(self, fmt: Any) -> str:
        """A cell's format attribute, '" s="3"' (the format numbered when first written, as xlsxwriter's)."""
        found = self.styles.get(id(fmt))
        if found is None:
            found = self.styles[id(fmt)] = f'" s="{fmt._get_xf_index()}"'
        return found

    def _calculate_spans(self) -> None:
        if self.comments:
            super()._calculate_spans()
            return
        # the columns a block of 16 rows has cells in, "first:last" (1-based), as xlsxwriter's own
        spans: dict[int, tuple[int, int]] = {}
        table = self.table
        for r in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(r)
            if cells:
                low, high = min(cells) + 1, max(cells) + 1
                block = r // 16
                found = spans.get(block)
                if found is not None:
                    low, high = min(low, found[0]), max(high, found[1])
                spans[block] = (low, high)
        self.row_spans = {block: f"{low}:{high}" for block, (low, high) in spans.items()}

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # Every template has the same deadline formula, which xlsxwriter runs some 200 regular
        # expressions over (for functions needing a prefix): once per process is enough.
        key = (formula, bool(expand_future_functions), bool(self.use_future_functions))
        prepared = _PREPARED.get(key)
        if prepared is None:
            if len(_PREPARED) >= 256:
                _PREPARED.clear()
            prepared = _PREPARED[key] = super()._prepare_formula(formula, expand_future_functions)
        return prepared

    def _write_block(self, block: _Block, mixed: set[int]) -> None:
        """The rows of one block, as xlsxwriter would write its cells (its ``mixed`` rows by
        xlsxwriter itself)."""
        columns = block.columns
        # the formats numbered in the order xlsxwriter would first write them
        first_use: dict[int, tuple[int, int, Any]] = {}  # id(format) -> (row, column, format)
        for r, c, k in block.order:
            fmt = columns[c].cells[k][2]
            if id(fmt) not in first_use:
                first_use[id(fmt)] = (r, c, fmt)
        for r in mixed:
            for c, stored in self.table[r].items():
                used = first_use.get(id(stored.format))
                if stored.format is not None and (used is None or (r - block.first, c) < used[:2]):
                    first_use[id(stored.format)] = (r - block.first, c, stored.format)
        styles = {id(fmt): self._style(fmt) for _, _, fmt in sorted(first_use.values(), key=lambda used: used[:2])}
        heads = [self._head(c) for c in range(len(columns))]
        pieces: list[list[str]] = []  # each column's cells without the row number, the next column's head after them
        for c, column in enumerate(columns):
            after = heads[c + 1] if c + 1 < len(columns) else ""
            made: list[str] = []
            for k, (kind, value, fmt, _) in enumerate(column.cells):
                style = styles.get(id(fmt), "")  # (a cell no row has, e.g. the blank of a column without one)
                if kind == STRING:
                    made.append(f'{style} t="s"><v>{block.indices.get((c, k), -1)}</v></c>{after}')
                elif kind == NUMBER:
                    made.append(f"{style}><v>{value:.16G}</v></c>{after}")
                elif kind == DATETIME:
                    made.append(f"{style}><v>{self._convert_date_time(value):.16G}</v></c>{after}")
                else:
                    made.append(f"{style}/>{after}")
            pieces.append([made[k] for k in column.codes])
        write = self.fh.write
        # (span, row info's fields) -> the <row> tag, before and after its number
        tags: dict[tuple[str | None, Any], tuple[str, str]] = {}
        head = heads[0]
        r = block.first
        for row in zip(*pieces, strict=True):
            if r in mixed:
                self._write_one_row(r)
                r += 1
                continue
            number = str(r + 1)
            span, info = self.row_spans.get(r // 16), self.row_info.get(r)
            key = (
                span,
                None if info is None else (info.height, id(info.row_format), info.hidden, info.level, info.collapsed),
            )
            tag = tags.get(key)
            if tag is None:
                tag = tags[key] = self._row_tag(span, info)
            write(f"{tag[0]}{number}{tag[1]}{head}{number}{number.join(row)}</row>")
            r += 1

    def _row_tag(self, span: str | None, info: Any) -> tuple[str, str]:
        """xlsxwriter's ``<row>`` tag of a row with ``span`` and ``info``, split where its number goes."""
        saved: Any = self.fh
        closes: bool = self.internal_fh  # type: ignore[has-type]  # (whether the sheet closes its file at its end)
        buffer = io.StringIO()
        self._set_filehandle(buffer)
        try:
            self._write_row(0, span, info)
        finally:
            self._set_filehandle(saved)
            self.internal_fh = closes
        before, after = buffer.getvalue().split('r="1"', 1)
        return before + 'r="', '"' + after


class _SharedStrings(SharedStrings):
    """xlsxwriter's sharedStrings.xml, its escapes made over all the strings at once rather than
    string by string (the 问题总台账 has some ninety thousand): the same file."""

    def _write_sst_strings(self) -> None:
        strings = self.string_table.string_array
        if not strings:
            return
        joined = "\uffff".join(strings)  # (a text holding U+FFFF itself is left to xlsxwriter)
        if joined.count("\uffff") != max(len(strings) - 1, 0):
            super()._write_sst_strings()
            return
        joined = xmlwriter.re_control_chars_1.sub(r"_x005F\1", joined)
        joined = xmlwriter.re_control_chars_2.sub(lambda m: f"_x{ord(m.group(1)):04X}_", joined)
        joined = joined.replace("\ufffe", "_xFFFE_")
        escaped = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split("\uffff")
        out = []
        for text, xml in zip(joined.split("\uffff"), escaped, strict=True):
            if text.startswith("<r>") and text.endswith("</r>"):  # a rich string, kept as it is
                out.append(f"<si>{text}</si>")
            elif text[:1].isspace() or text[-1:].isspace():
                out.append(f'<si><t xml:space="preserve">{xml}</t></si>')
            else:
                out.append(f"<si><t>{xml}</t></si>")
        self.fh.write("".join(out))


class _Packager(Packager):
    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class Book(Workbook):
    """An xlsxwriter workbook of ``TableSheet``s whose texts stay text (``_Strings``)."""

    worksheet_class = TableSheet

    def __init__(self, filename: str, options: dict[str, Any] | None = None) -> None:
        super().__init__(filename, options)
        self.str_table = _Strings()

    def _get_packager(self) -> Packager:
        return _Packager()


def write_table(
    wb: Workbook,
    fmt: _Formats,
    name: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    landscape: bool = True,
    title: str = "",
    footer_left: str = "",
) -> Worksheet:
    """One sheet: header row, typed cells, frozen header, filter, widths, A4 print setup
    (header row repeated on every page, ``title`` atop each page, page numbers below)."""
    ws = wb.add_worksheet(name)
    data = [frame[column].tolist() for column in columns]
    layouts = [_column_layout(column, values) for column, values in zip(columns, data, strict=True)]
    widths = [width for width, _ in layouts]
    for c, column in enumerate(columns):
        ws.write_string(0, c, column, fmt.header)
        ws.set_column(c, c, widths[c])
    ws.set_row(0, row_height(list(columns), widths))
    cells = [_column_cells(column, data[c], layouts[c], fmt) for c, column in enumerate(columns)]
    if cells and len(frame):
        lines = np.max([np.array([cell[3] for cell in col.cells])[col.codes] for col in cells], axis=0)
        for r in np.flatnonzero(lines > 1).tolist():  # a row of one line keeps the default height
            ws.set_row(r + 1, min(int(lines[r]) * LINE_HEIGHT + 3, 409))
    write_rows(ws, 1, cells)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    print_setup(ws, 0, title or name, footer_left)
    return ws


def header_text(text: str) -> str:
    """Literal text for a page header/footer: ``&`` is the code character there."""
    return text.replace("&", "&&")


def print_setup(ws: Worksheet, header_row: int, title: str, footer_left: str = "") -> None:
    """A4, header row repeated, one page wide, centred, title atop and page numbers below."""
    ws.set_paper(9)
    ws.repeat_rows(header_row)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(
        left=0.4,
        right=0.4,
        top=0.75,
        bottom=0.6,
    )
    ws.set_header(f'&C&"黑体,常规"&12{header_text(title)}'[:255], {"margin": 0.3})
    left = f"&L{header_text(footer_left)}" if footer_left else ""
    ws.set_footer(f"{left}&C第 &P 页，共 &N 页"[:255], {"margin": 0.3})


def write_ledger(report: MonthReport, path: Path) -> Path:
    """``总台账.xlsx``: 问题总台账, 单位统计, 分类统计, 专项治理, 报送情况, 逾期督办, 校验结果,
    形式主义提示, 形式主义提示明细, 统计图."""
    return write_atomic(path, lambda tmp: _write_ledger(report, tmp))


def _write_ledger(report: MonthReport, path: Path) -> None:
    wb = new_workbook(path)
    fmt = _Formats(wb)
    book_title = f"{report.campaign.town}干部作风整顿问题总台账（{report.month_label}）"
    footer = f"{report.campaign.office}　截至{cn_date(report.as_of)}"

    def sheet_title(name: str) -> str:  # the book's title, then the sheet's name unless it says it already
        return book_title if name in book_title else f"{book_title}　{name}"

    def table(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> Worksheet:
        return write_table(wb, fmt, name, frame, columns, title=sheet_title(name), footer_left=footer)

    unit_columns = [c for c in report.units.columns if c != "单位编码"]
    category_columns = list(report.categories.columns)
    for kind in KINDS:  # each kind's ledger (问题总台账, 交办事项台账…); the month's statistics after the main one's
        items = report.items_of(kind)
        if items is not None:
            table(kind.ledger_sheet, items, kind.ledger_columns)
        if kind is KINDS[0]:
            _write_statistics(table, report, unit_columns, category_columns)
    table("校验结果", report.validation, ["文件名", "填报单位", "结果", "说明", "接收时间", "错误数", "提醒数"])
    write_formality(table, fmt, report)
    if report.rating is not None:
        write_rating(wb, fmt, report.rating, sheet_title(RATING_SHEET), footer)
    write_charts(wb, report, unit_columns, category_columns, sheet_title("统计图"), footer)
    wb.set_properties({"title": book_title, "author": report.campaign.office})
    wb.close()


def _write_statistics(
    table: Callable[[str, pd.DataFrame, Sequence[str]], Worksheet],
    report: MonthReport,
    unit_columns: Sequence[str],
    category_columns: Sequence[str],
) -> None:
    """单位统计, 分类统计, 专项治理, 报送情况 and 逾期督办: the month's figures of the problem list."""
    table("单位统计", report.units, unit_columns)
    table("分类统计", report.categories, category_columns)
    table("专项治理", report.campaigns, list(report.campaigns.columns))
    submission_cols = [
        "单位",
        "类型",
        "报送状态",
        "报送时间",
        "接收时间依据",
        "截止日期",
        "文件数",
        "上月报送状态",
        "连续两月未报送",
    ]
    table("报送情况", report.submissions, [c for c in submission_cols if c in report.submissions])
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
    table("逾期督办", report.overdue, overdue_cols)


# --- 形式主义提示 (pipeline/formality.py) ----------------------------------------------------------
FORMALITY_SHEET = "形式主义提示"
FORMALITY_DETAIL_SHEET = "形式主义提示明细"
FORMALITY_COUNT_COLUMNS: tuple[str, ...] = ("单位", "类型", *SIGNALS, "合计")
FORMALITY_DETAIL_COLUMNS: tuple[str, ...] = (
    "提示编号",  # Hint.key: what the office copies into 已核实提示.toml to clear the hint
    "提示类型",
    "填报单位",
    "问题编号",
    "具体问题",
    "相关单位",
    "相关问题编号",
    "相关月份",
    "相似度",  # 雷同: the similarity, in per cent; blank for the other kinds
    "说明",
)
TOTAL = "合计"


def formality_counts(report: MonthReport) -> pd.DataFrame:
    """``FORMALITY_COUNT_COLUMNS``: every roster unit in roster order (then any other unit with a
    hint) with its hints of each kind (a 清单雷同 counts for both its units), and a 合计 row."""
    counts = report.formality.counts()
    names = report_unit_names(report)
    rows = [(u.code, u.name, u.kind) for u in report.campaign.units]
    roster = {u.code for u in report.campaign.units}
    rows += [(code, names.get(code, code), "") for code in counts if code not in roster]
    frame = pd.DataFrame(
        [{"单位": name, "类型": kind, **counts.get(code, dict.fromkeys(SIGNALS, 0))} for code, name, kind in rows],
        columns=["单位", "类型", *SIGNALS],
    )
    frame[list(SIGNALS)] = frame[list(SIGNALS)].astype(int)
    frame[TOTAL] = frame[list(SIGNALS)].sum(axis=1).astype(int)
    total = {"单位": TOTAL, "类型": "", **{c: int(frame[c].sum()) for c in (*SIGNALS, TOTAL)}}
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)[list(FORMALITY_COUNT_COLUMNS)]


def formality_details(report: MonthReport) -> pd.DataFrame:
    """``FORMALITY_DETAIL_COLUMNS``: one row per hint, the units in roster order, with the
    sentence 校验结果 gives it (the 相似度 of a 雷同 as a fraction, NaN for the other kinds)."""
    names = report_unit_names(report)
    texts = dict(zip(report.problems["问题编号"], report.problems["具体问题"], strict=True))
    order = {u.code: i for i, u in enumerate(report.campaign.units)}
    hints = sorted(report.formality.hints, key=lambda h: order.get(h.unit_code, len(order)))
    rows = [
        {
            "提示编号": h.key,
            "提示类型": h.signal,
            "填报单位": names.get(h.unit_code, h.unit_code),
            "问题编号": h.item_id,
            "具体问题": "" if h.signal == LIST else str(texts.get(h.item_id, "")),
            "相关单位": names.get(h.other_unit, h.other_unit) if h.other_unit else "",
            "相关问题编号": h.other_item,
            "相关月份": Month.parse(h.other_month).label if h.other_month else "",
            "相似度": h.score if h.signal == COPY else math.nan,
            "说明": hint_message(h, names).body,
        }
        for h in hints
    ]
    return pd.DataFrame(rows, columns=list(FORMALITY_DETAIL_COLUMNS))


def write_formality(
    table: Callable[[str, pd.DataFrame, Sequence[str]], Worksheet], fmt: _Formats, report: MonthReport
) -> None:
    """形式主义提示 (the hints per unit and kind) and 形式主义提示明细 (one row per hint, its 提示编号
    the one 已核实提示.toml takes), each with a line below its table: that the month has no hint,
    or how the office clears one it has checked."""
    per_unit = formality_counts(report)
    counts = table(FORMALITY_SHEET, per_unit, FORMALITY_COUNT_COLUMNS)
    details = formality_details(report)
    shown = details.assign(相似度=None)  # written below, in per cent
    ws = table(FORMALITY_DETAIL_SHEET, shown, FORMALITY_DETAIL_COLUMNS)
    column = FORMALITY_DETAIL_COLUMNS.index("相似度")
    for r, score in enumerate(details["相似度"].tolist(), start=1):
        if not is_missing(score):
            whole = round(score * 100, 1) == round(score * 100)
            ws.write_number(r, column, round(score, 3), fmt.whole_percent if whole else fmt.percent)
    if len(details):
        key = str(details["提示编号"].iloc[0])
        ws.write_string(
            len(details) + 2, 0, render_text("formality-clear-how", {"file": CLEARED_FILE, "key": key}), fmt.note
        )
    else:
        none = render_text("formality-none", {})
        ws.write_string(2, 0, none, fmt.note)
        counts.write_string(len(per_unit) + 2, 0, none, fmt.note)


# Status series of the category chart, with their colours (green done, grey not started).
STATUS_COLOURS: dict[str, str] = {
    ProblemStatus.DONE: "#70AD47",
    ProblemStatus.IN_PROGRESS: "#FFC000",
    ProblemStatus.NOT_STARTED: "#A5A5A5",
    ProblemStatus.LONG_TERM: "#5B9BD5",
}
CHART_FONT = {"name": "宋体", "size": 9}


def write_charts(
    wb: Workbook,
    report: MonthReport,
    unit_columns: Sequence[str],
    category_columns: Sequence[str],
    title: str,
    footer: str,
) -> Worksheet | None:
    """``统计图``: native Excel charts over the 单位统计 and 分类统计 sheets (so a filter there
    also filters the chart): completion rate by unit (bars) and status by category (stacked)."""
    n_units, n_cats = len(report.units), len(report.categories)
    can_units = n_units and {"单位", "完成率"} <= set(unit_columns)
    can_cats = n_cats and {"问题类别", *STATUS_COLOURS} <= set(category_columns)
    if not (can_units or can_cats):
        return None
    ws = wb.add_worksheet("统计图")
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.center_horizontally()
    ws.set_header(f'&C&"黑体,常规"&12{header_text(title)}'[:255])
    ws.set_footer(f"&L{header_text(footer)}&C第 &P 页，共 &N 页"[:255])
    ws.set_column(0, 30, 8.43)
    row = 0
    if can_units:
        c_unit, c_rate = unit_columns.index("单位"), unit_columns.index("完成率")
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "完成率",
                "categories": ["单位统计", 1, c_unit, n_units, c_unit],
                "values": ["单位统计", 1, c_rate, n_units, c_rate],
                "fill": {"color": "#5B9BD5"},
                "gap": 60,
                # inside the bar's end: a label after a 100% bar would run past the plot area
                "data_labels": {"value": True, "num_format": "0.0%", "font": CHART_FONT, "position": "inside_end"},
            }
        )
        chart.set_title(
            {"name": f"各单位问题整改完成率（{report.month_label}）", "name_font": {"name": "黑体", "size": 12}}
        )
        # a bar chart's y axis is its category axis: first-ranked unit on top, values axis below
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": CHART_FONT})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "num_font": CHART_FONT})
        chart.set_legend({"none": True})
        chart.set_size({"width": 1000, "height": max(300, 60 + 24 * n_units)})
        ws.insert_chart(row, 0, chart, {"object_position": 3})
        row += max(300, 60 + 24 * n_units) // 20 + 2
    if can_cats:
        c_cat = category_columns.index("问题类别")
        chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
        for status, colour in STATUS_COLOURS.items():
            c = category_columns.index(status)
            chart.add_series(
                {
                    "name": ["分类统计", 0, c],
                    "categories": ["分类统计", 1, c_cat, n_cats, c_cat],
                    "values": ["分类统计", 1, c, n_cats, c],
                    "fill": {"color": colour},
                    "gap": 60,
                }
            )
        chart.set_title(
            {"name": f"各类别问题整改状态（{report.month_label}）", "name_font": {"name": "黑体", "size": 12}}
        )
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": CHART_FONT})
        chart.set_x_axis({"num_format": "0", "num_font": CHART_FONT, "name": "问题数（个）", "name_font": CHART_FONT})
        chart.set_legend({"position": "bottom", "font": CHART_FONT})
        chart.set_size({"width": 1000, "height": 360})
        ws.insert_chart(row, 0, chart, {"object_position": 3})
    return ws


RATING_SHEET = "办事效率评议"
RATING_SHOWN = [c for c in RATING_COLUMNS if c != "部门编码"]


def write_rating(wb: Workbook, fmt: _Formats, rating: RatingReport, title: str, footer: str) -> Worksheet:
    """``办事效率评议``: the period's counts per department (roster order), below them each
    department's 满意率 in every period so far, and a native bar chart of the period's 满意率 by
    department (over the trend's last column, where a department nobody rated is a gap; the
    counts table shows "—" for it)."""
    ws = wb.add_worksheet(RATING_SHEET)
    departments = rating.departments.assign(
        满意率=[DASH if is_missing(r) else float(r) for r in rating.departments["满意率"]],
        排名=[DASH if is_missing(r) else int(r) for r in rating.departments["排名"]],
    )
    trend_columns = [c for c in rating.trend.columns if c != "部门编码"]
    columns = max(len(RATING_SHOWN), len(trend_columns))
    widths = [0.0] * columns

    def block(top: int, frame: pd.DataFrame, shown: Sequence[str], rates: Sequence[str]) -> int:
        """A header row and ``frame``'s rows from ``top``; the row after the block."""
        for c, column in enumerate(shown):
            values = [None if is_missing(v) else v for v in frame[column].tolist()]
            layout = _column_layout(column, values)
            widths[c] = max(widths[c], layout[0])
            ws.write_string(top, c, column, fmt.header)
            cells = _column_cells(column, values, layout, fmt, percent=column in rates)
            for r in range(len(values)):
                put(ws, top + 1 + r, c, cells.cell(r))
        return top + 1 + len(frame)

    end = block(0, departments, RATING_SHOWN, ("满意率",))
    trend_top = end + 1
    ws.merge_range(
        trend_top, 0, trend_top, len(trend_columns) - 1, f"各部门满意率走势（截至{rating.label}）", fmt.header
    )
    trend_end = block(trend_top + 1, rating.trend, trend_columns, trend_columns[1:])
    for c, width in enumerate(widths):
        ws.set_column(c, c, max(width, 8))
    ws.freeze_panes(1, 1)
    n = len(rating.trend)
    if n:
        last = len(trend_columns) - 1
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "满意率",
                "categories": [RATING_SHEET, trend_top + 2, 0, trend_top + 1 + n, 0],
                "values": [RATING_SHEET, trend_top + 2, last, trend_top + 1 + n, last],
                "fill": {"color": "#70AD47"},
                "gap": 60,
                "data_labels": {"value": True, "num_format": "0.0%", "font": CHART_FONT, "position": "inside_end"},
            }
        )
        chart.set_title({"name": f"各部门办事效率满意率（{rating.label}）", "name_font": {"name": "黑体", "size": 12}})
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": CHART_FONT})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "num_font": CHART_FONT})
        chart.set_legend({"none": True})
        chart.set_size({"width": 800, "height": max(260, 60 + 28 * n)})
        ws.insert_chart(trend_end + 1, 0, chart, {"object_position": 3})
    ws.set_landscape()
    print_setup(ws, 0, title, footer)
    return ws


def _status_list(
    ws: Worksheet,
    where: tuple[int, int, int],
    title: str,
    statuses: tuple[str, ...],
    message: str,
    prompt: dict[str, str] | None = None,
) -> None:
    """A drop-down of ``statuses`` on rows ``first..last`` of column ``col``; any other value
    is refused with ``message`` under ``title`` (the column's header)."""
    first, last, col = where
    ws.data_validation(
        first,
        col,
        last,
        col,
        {
            "validate": "list",
            "source": list(statuses),
            "error_title": title,
            "error_message": message,
            **(prompt or {}),
        },
    )


def _date_validation(
    ws: Worksheet, campaign: Campaign, first: int, last: int, col: int, prompt: tuple[str, str] | None = None
) -> None:
    """Only a date around the campaign's year may be typed into column ``col`` of a template."""
    options: dict[str, Any] = {
        "validate": "date",
        "criteria": "between",
        "minimum": dt.datetime(campaign.year - 1, 1, 1),
        "maximum": dt.datetime(campaign.year + 2, 12, 31),
        "error_title": "日期",
        "error_message": f"请填写日期，如 {campaign.year}-04-30",
    }
    if prompt is not None:
        options.update(input_title=prompt[0], input_message=prompt[1])
    ws.data_validation(first, col, last, col, options)


class _TemplateFormats(NamedTuple):
    """A template's cell styles."""

    locked: Any
    locked_date: Any
    open_text: Any
    open_date: Any
    header: Any
    title: Any
    plain: Any


def _template_formats(wb: Workbook) -> _TemplateFormats:
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1, "text_wrap": True}
    return _TemplateFormats(
        wb.add_format({**base, "bg_color": "#F2F2F2"}),
        wb.add_format({**base, "bg_color": "#F2F2F2", "num_format": "yyyy-mm-dd"}),
        wb.add_format({**base, "locked": False}),
        wb.add_format({**base, "locked": False, "num_format": "yyyy-mm-dd"}),
        wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"}),
        wb.add_format({"font_name": "方正小标宋简体", "font_size": 18, "align": "center", "valign": "vcenter"}),
        wb.add_format({"font_name": "宋体", "font_size": 11}),
    )


# --- the problem-list template a unit fills in (附件2) -------------------------------------------
BLANK_ROWS = 100  # editable, formatted rows for new problems below the registered ones
GUIDE_SHEET = "填表说明"
GUIDE_WIDTH = 60  # the 填表说明 sheet's one column, in Excel units
# 完成时限 takes a date or the texts the pipeline reads (4月底, 6月30日前, 上半年, 年底前, 长期坚持, 即知即改…):
# a warning, never a refusal, for anything else (the pipeline itself says what it cannot read).
DEADLINE_WORDS: tuple[str, ...] = ("月", "年", "长期", "常态", "持续", "即", "立")


def _prompts(campaign: Campaign, month: str) -> dict[str, tuple[str, str]]:
    """The input prompt (title, text) Excel and WPS show on a template column's cells."""
    of = Month.parse(month)
    year, mon, end = of.year, of.month, of.last_day.day
    return {
        "序号": ("序号", "按顺序填写 1、2、3……"),
        "问题编号": ("问题编号", "已登记的问题由作风整顿办统一编号，不能修改；新增问题不填，报送后自动编号。"),
        "问题类别": ("问题类别", "从下拉列表中选择七类整顿重点之一。"),
        "具体问题": ("具体问题", "写明问题的具体表现（不少于10个字），一行只写一个问题。"),
        "整改措施": ("整改措施", "写明针对这个问题的具体整改措施。"),
        "责任领导": ("责任领导", "写明职务和姓名，如“党支部书记 张三”。"),
        "责任人": ("责任人", "写明职务和姓名，如“村文书 李四”。"),
        "完成时限": (
            "完成时限",
            f"填写日期，如 {year}-{mon:02d}-{end} 或 {mon}月{end}日；也可写“{mon}月底”“{mon}月{end}日前”“上半年”“年底前”；"
            "需要长期坚持的写“长期坚持”。不要写成 4.30 这样的数字。",
        ),
        "整改进展": ("整改进展", "写明截至本月的整改进展；每月都要更新。"),
        "完成状态": ("完成状态", f"从下拉列表中选择：{STATUS_CHOICES}。"),
        "完成日期": ("完成日期", f"完成状态为“已完成”时必填，写实际完成的日期，如 {year}-{mon:02d}-20；未完成的不填。"),
        "备注": ("备注", "需要说明的其他情况（如问题表述需要调整），可不填。"),
    }


def _deadline_formula(campaign: Campaign, cell: str) -> str:
    """A custom validation formula for 完成时限 at ``cell`` (relative): a date near the campaign's
    year, or text with one of the ``DEADLINE_WORDS``."""
    low = f"DATE({campaign.year - 1},1,1)"
    high = f"DATE({campaign.year + 2},12,31)"
    words = ",".join(f'ISNUMBER(SEARCH("{w}",{cell}))' for w in DEADLINE_WORDS)
    return f"=OR(AND(ISNUMBER({cell}),{cell}>={low},{cell}<={high}),{words})"


def write_unit_template(
    campaign: Campaign,
    unit: Unit,
    month: str,
    problems: pd.DataFrame | None,
    path: Path,
    items: Mapping[str, pd.DataFrame] | None = None,
    records: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """A unit's template for ``month``: its registered problems with their 问题编号, the problem
    itself locked (sheet protected, no password), the ``EDITABLE`` columns open, ``BLANK_ROWS``
    open rows for new problems (more by inserting rows, which the protection allows), the header
    block's 填报人 and 填报日期 open, dropdowns and checks with input prompts, a 填表说明 sheet,
    and the hidden marker sheet.

    ``records``: ``template_records(problems)`` made already (``write_templates`` makes them
    once for every unit)."""
    return write_atomic(path, lambda tmp: _write_unit_template(campaign, unit, month, problems, tmp, items, records))


def _write_unit_template(
    campaign: Campaign,
    unit: Unit,
    month: str,
    problems: pd.DataFrame | None,
    path: Path,
    items: Mapping[str, pd.DataFrame] | None,
    records: Sequence[Mapping[str, Any]] | None,
) -> None:
    """A unit's template: its problem list (the heading, the registered problems, open rows for
    new ones and their checks), a sheet per other kind with items for it, the 填表说明 sheet and
    the hidden marker that tells the pipeline whose template it is."""
    wb = Book(str(path), {**WORKBOOK_OPTIONS, "in_memory": True})  # small: no temp files
    formats = _template_formats(wb)
    ws = wb.add_worksheet(layout.SHEET)
    _template_heading(wb, ws, campaign, unit, month, formats)
    if records is None:
        records = template_records(problems) if problems is not None else []
    last = _template_rows(wb, ws, records, formats)
    _template_checks(ws, campaign, month, len(records), last)
    ws.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "autofilter": True,
            "insert_rows": True,
            "delete_rows": True,  # only rows without locked cells: never a registered problem
        },
    )
    ws.freeze_panes(layout.HEADER_ROW, 0)
    ws.set_paper(9)
    print_setup(ws, layout.HEADER_ROW - 1, f"{unit.name}干部作风整顿问题清单（{month}）", campaign.office)
    ws.set_landscape()
    others = []
    for kind in ITEM_KINDS:  # a sheet per other kind with items for the unit (its 交办事项)
        rows = (items or {}).get(kind.name)
        if rows is not None and len(rows):
            others.append(_write_item_sheet(wb, campaign, unit, month, kind, rows).name)
    period = rating_period(campaign, unit, month)
    if period is not None:  # a village's or community's rating of the departments, this period
        _write_rating_sheet(wb, campaign, unit, month, period)
    _write_guide(wb, campaign, unit, month, len(records), others)  # after the sheets to fill, before the marker
    meta = wb.add_worksheet(layout.MARKER_SHEET)
    meta.write_string(0, 0, layout.MARKER_TAG)
    meta.write_string(0, 1, unit.code)
    meta.write_string(1, 0, "月份")
    meta.write_string(1, 1, month)
    meta.write_string(2, 0, "活动")
    meta.write_string(2, 1, f"{campaign.town}{campaign.year}")
    meta.very_hidden()  # a unit cannot unhide it from the sheet tabs menu
    wb.close()


def _template_heading(
    wb: Workbook, ws: Worksheet, campaign: Campaign, unit: Unit, month: str, formats: _TemplateFormats
) -> None:
    """附件2, the title, and the 填报单位 line with its open 填报人 and 填报日期 cells."""
    plain, title = formats.plain, formats.title
    label = wb.add_format({"font_name": "宋体", "font_size": 11, "align": "right", "valign": "vcenter"})
    field_text = wb.add_format(
        {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "bottom": 1, "bg_color": "#FFF2CC", "locked": False}
    )
    field_date = wb.add_format(
        {
            "font_name": "宋体",
            "font_size": 11,
            "valign": "vcenter",
            "bottom": 1,
            "bg_color": "#FFF2CC",
            "locked": False,
            "num_format": 'yyyy"年"m"月"d"日"',
            "align": "left",
        }
    )
    n_cols = len(layout.COLUMNS)
    ws.write_string(0, 0, "附件2", plain)
    for c in range(1, n_cols):
        ws.write_blank(0, c, None, plain)  # locked: nothing to type above the title
    ws.merge_range(layout.TITLE_ROW - 1, 0, layout.TITLE_ROW - 1, n_cols - 1, layout.title(campaign.town), title)
    block = layout.HEADER_BLOCK_ROW - 1
    filler, day = layout.FILLER_COLUMN - 1, layout.DATE_COLUMN - 1
    ws.merge_range(block, 0, block, layout.UNIT_FIELD_LAST_COLUMN - 1, layout.unit_field(unit.name), plain)
    ws.write_string(block, layout.FILLER_LABEL_COLUMN - 1, layout.FILLER_LABEL, label)
    ws.write_blank(block, filler, None, field_text)
    ws.write_string(block, layout.DATE_LABEL_COLUMN - 1, layout.DATE_LABEL, label)
    ws.write_blank(block, day, None, field_date)
    for c in range(day + 1, n_cols):
        ws.write_blank(block, c, None, plain)
    ws.set_row(layout.TITLE_ROW - 1, 32)
    ws.set_row(block, 22)
    ws.data_validation(
        block,
        filler,
        block,
        filler,
        {"validate": "any", "input_title": "填报人", "input_message": "填写本表填报人的姓名。"},
    )
    ws.data_validation(
        block,
        day,
        block,
        day,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.datetime(campaign.year - 1, 1, 1),
            "maximum": dt.datetime(campaign.year + 2, 12, 31),
            "error_type": "warning",
            "error_title": "填报日期",
            "error_message": f"请填写日期，如 {month}-20。",
            "input_title": "填报日期",
            "input_message": f"填写本表的填报日期，如 {month}-20。“即知即改”的问题以此日期为完成时限。",
        },
    )


def _template_rows(wb: Workbook, ws: Worksheet, records: Sequence[Mapping[str, Any]], formats: _TemplateFormats) -> int:
    """The header row, the registered problems (their own text locked, progress open) and
    ``BLANK_ROWS`` open rows for new ones; returns the 0-based index of the last row."""
    locked, locked_date, open_text, open_date, header, _, _ = formats
    # cells no row writes (rows a unit adds at the end) are open too, without borders
    column_default = wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter", "locked": False})
    columns = layout.COLUMNS
    editable = EDITABLE
    first = layout.FIRST_DATA_ROW - 1
    n = len(records)
    widths = [_template_width(column, records) for column in columns]
    for c, column in enumerate(columns):
        ws.write_string(layout.HEADER_ROW - 1, c, column, header)
        ws.set_column(c, c, widths[c], column_default)
    numbered = [column == "序号" for column in columns]
    styles = [(open_text, open_date) if column in editable else (locked, locked_date) for column in columns]
    write_string, write_blank = ws.write_string, ws.write_blank
    for i, rec in enumerate(records):
        r = first + i
        lines = 1
        for c, column in enumerate(columns):
            value = rec.get(column)
            text_style = styles[c][0]
            if type(value) is str:  # the common case, as the general one below would write it
                n_lines = _text_lines(value, widths[c])
                if n_lines > lines:
                    lines = n_lines
                if numbered[c]:
                    ws.write_number(r, c, i + 1, locked)
                else:
                    write_string(r, c, _cell_text(value), text_style)
                continue
            if isinstance(value, str):
                lines = max(lines, _text_lines(value, widths[c]))
            if numbered[c]:
                value = i + 1
            if isinstance(value, dt.date) and not is_missing(value):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), styles[c][1])
            elif isinstance(value, int):
                ws.write_number(r, c, value, locked)
            elif is_missing(value):
                write_blank(r, c, None, text_style)
            else:
                write_string(r, c, textsafe.cell_text(str(value)), text_style)
        ws.set_row(r, None if lines <= 1 else min(lines * LINE_HEIGHT + 3, 409))
    # new problems (边查摆边整改): every column open but 问题编号, which the pipeline assigns
    blank_styles = [
        locked if column == "问题编号" else open_date if column in ("完成时限", "完成日期") else open_text
        for column in columns
    ]
    write_blank_rows(ws, first + n, first + n + BLANK_ROWS - 1, blank_styles)
    return first + n + BLANK_ROWS - 1


def _template_checks(ws: Worksheet, campaign: Campaign, month: str, n: int, last: int) -> None:
    """Every column's input prompt and the checks of the problem list's rows: the status and the
    category drop-downs, the dates, the deadline's forms (``n`` registered rows, then new ones)."""
    columns = layout.COLUMNS
    first = layout.FIRST_DATA_ROW - 1
    prompts = _prompts(campaign, month)

    def prompt(column: str) -> dict[str, str]:
        return {"input_title": prompts[column][0], "input_message": prompts[column][1]}

    for column in ("序号", "问题编号", "具体问题", "整改措施", "责任领导", "责任人", "整改进展", "备注"):
        c = columns.index(column)
        ws.data_validation(first, c, last, c, {"validate": "any", **prompt(column)})
    status_col = columns.index("完成状态")
    _status_list(
        ws,
        (first, last, status_col),
        "完成状态",
        ProblemStatus.ALL,
        f"请从下拉列表中选择：{STATUS_CHOICES}",
        prompt("完成状态"),
    )
    done_col = columns.index("完成日期")
    _date_validation(ws, campaign, first, last, done_col, prompts["完成日期"])
    deadline_col = columns.index("完成时限")
    deadline_cell = f"{column_letter(deadline_col)}{first + 1}"
    ws.data_validation(
        first,
        deadline_col,
        last,
        deadline_col,
        {
            "validate": "custom",
            "value": _deadline_formula(campaign, deadline_cell),
            "error_type": "warning",
            "error_title": "完成时限",
            "error_message": (
                f"完成时限应填写日期（如 {campaign.year}-06-30），或“6月底”“上半年”“年底前”“长期坚持”等。"
                "确认无误请点“是”保留。"
            ),
            **prompt("完成时限"),
        },
    )
    category_col = columns.index("问题类别")
    if n:  # registered problems keep their category (locked): the prompt only
        ws.data_validation(first, category_col, first + n - 1, category_col, {"validate": "any", **prompt("问题类别")})
    ws.data_validation(  # new problems pick their category from the seven
        first + n,
        category_col,
        last,
        category_col,
        {
            "validate": "list",
            "source": list(load_vocabulary().category_names),
            "error_type": "warning",
            "error_title": "问题类别",
            "error_message": "请从下拉列表中选择七类整顿重点之一",
            **prompt("问题类别"),
        },
    )


def column_letter(index: int) -> str:
    """The Excel letters of a 0-based column (``0`` -> ``A``)."""
    return str(xl_col_to_name(index))


def guide_lines(campaign: Campaign, unit: Unit, month: str, registered: int, others: Sequence[str] = ()) -> list[str]:
    """The 填表说明 sheet's text, line by line: how a unit fills its template for ``month`` (with
    ``registered`` problems already listed, the sheets ``others`` of the items assigned to it, and
    the 办事效率评议 sheet of a village or community in a month with a rating period)."""
    of = Month.parse(month)
    year, mon, end = of.year, of.month, of.last_day.day
    due = campaign.due_date(of)
    extra = "" if registered else "（本表目前没有已登记的问题，请在空白行中逐条填写查摆出的问题）"
    lines = [
        f"{unit.name}：本表为{campaign.town}{year}年干部作风整顿问题清单（{year}年{mon}月），由{campaign.office}制发。",
        f"请于{due.year}年{due.month}月{due.day}日前填好报送。请直接在“{layout.SHEET}”工作表中填写，"
        "不要改动表头和工作表名称，不要删除或重命名工作表，也不要复制到其他表格中再报送。",
        "一、第3行：填写“填报人”和“填报日期”（黄色单元格），填报单位已经填好。",
        f"二、已登记的问题（灰色单元格的问题编号、问题类别、具体问题、整改措施）不能修改{extra}。"
        "每月更新“整改进展”和“完成状态”；完成时限、责任领导、责任人有变化的可以修改，"
        "完成时限改变的按延期处理。问题表述需要调整的，请在“备注”中说明。",
        "三、已登记但尚未完成的问题每月都要报送，不能删除，否则整份退回。",
        f"四、新增问题（边查摆边整改）：在已登记问题下方的空白行中逐行填写，问题编号不填，报送后统一编号。"
        f"表中预留了{BLANK_ROWS}行空白行；不够时，在空白行上单击右键选择“插入”整行，插入的行带有同样的格式和下拉选项。",
        "五、问题类别：从下拉列表中选择七类整顿重点之一。",
        f"六、完成时限：填写日期，如 {year}-{mon:02d}-{end} 或 {mon}月{end}日；也可以写“{mon}月底”“{mon}月{end}日前”"
        "“上半年”“年底前”；需要长期坚持的写“长期坚持”。不要写成 4.30 这样的数字（Excel 会把它变成 4.3）。",
        "七、完成状态：从下拉列表中选择" + "".join(f"“{s}”" for s in ProblemStatus.ALL) + "。",
        f"八、完成日期：完成状态为“已完成”的必须填写实际完成的日期（如 {year}-{mon:02d}-20），"
        "不能晚于报送日期；没有完成的不填。",
        "九、选中单元格时会显示该栏的填写提示。填写有误的，作风整顿办会整份退回，并附上逐条的修改意见。",
    ]
    if others:
        lines.append(
            f"十、本表另有“{others[0]}”工作表，列出交办给本单位、尚未办结的事项：请逐项更新办理进展、办理状态"
            "（从下拉列表中选择），办结的填写办结日期。未办结的事项不能删除。"
        )
    period = rating_period(campaign, unit, month)
    if period is not None:
        levels = "".join(f"“{level}”" for level in RatingLevel.RATED)
        lines.append(
            f"{'十一' if others else '十'}、本表另有“{RATING.sheet}”工作表：请对本单位{rating_period_text(period)}"
            f"到镇属各部门办事的情况逐一评议。部门已经列好，不能修改；“评议等次”从下拉列表中选择{levels}，"
            f"本期没有到该部门办理过事项的选“{RatingLevel.NO_DEALINGS}”；“办理事项”写明所办的事。"
            f"评为“{RatingLevel.UNSATISFIED}”的，必须填写“不满意原因”（{'、'.join(RatingReason.ALL)}，可以填几项，"
            "用“、”分隔）和“具体情况”，否则整份退回。"
        )
    return lines


def _write_guide(
    wb: Workbook, campaign: Campaign, unit: Unit, month: str, registered: int, others: Sequence[str]
) -> Worksheet:
    """The 填表说明 sheet: one instruction a line (never a row of column names: the pipeline
    looks for the table's header row on every sheet)."""
    ws = wb.add_worksheet(GUIDE_SHEET)
    head = wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True, "valign": "vcenter"})
    text = wb.add_format({"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True})
    ws.set_column(0, 0, GUIDE_WIDTH)
    ws.write_string(0, 0, GUIDE_SHEET, head)
    ws.set_row(0, 24)
    for r, line in enumerate(guide_lines(campaign, unit, month, registered, others), start=2):
        ws.write_string(r, 0, line, text)
        ws.set_row(r, 16 * math.ceil(display_len(line) / (GUIDE_WIDTH - 8)) + 4)  # 11 pt lines, some to spare
    ws.protect("")
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)  # one page wide: every line wraps inside the page
    return ws


def template_records(problems: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a template: the template's columns of ``problems`` (a missing one is absent)."""
    present = [column for column in layout.COLUMNS if column in problems.columns]
    if not present:
        return [{} for _ in range(len(problems))]
    columns = [problems[column].tolist() for column in present]  # what to_dict("records") gives, 4x sooner
    return [dict(zip(present, values, strict=True)) for values in zip(*columns, strict=True)]


@functools.lru_cache(maxsize=1 << 16)
def _cell_text(value: str) -> str:  # the same texts recur across rows and units
    return textsafe.cell_text(value)


ITEM_WIDTHS = {
    "编号": 14,
    "事项内容": 44,
    "办理时限": 13,
    "办理进展": 44,
    "办理状态": 11,
    "办结日期": 13,
    "反映问题": 44,
    "不满意原因": 16,
    "答复时限": 13,
    "整改答复": 44,
}
# The title of a kind's sheet in a unit's template, after the township's name (default: 交办事项办理情况).
ITEM_SHEET_TITLES = {"matter": "领导批示、交办事项办理情况", "rating-case": "办事效率评议反映问题整改答复情况"}


def _sheet_heading(
    ws: Worksheet,
    text: str,
    unit: Unit,
    columns: Sequence[str],
    widths: Mapping[str, float],
    formats: tuple[Any, Any, Any],
) -> list[float]:
    """The top of a sheet beside a unit's problem list: its title over every column, the
    填报单位 line, the header row and the columns' widths (12 where ``widths`` names none),
    which it returns in column order."""
    header, title, plain = formats
    ws.merge_range(layout.TITLE_ROW - 1, 0, layout.TITLE_ROW - 1, len(columns) - 1, text, title)
    ws.write_string(layout.HEADER_BLOCK_ROW - 1, 0, layout.header_block(unit.name), plain)
    ws.set_row(layout.TITLE_ROW - 1, 32)
    shown = [float(widths.get(column, 12)) for column in columns]
    for c, column in enumerate(columns):
        ws.write_string(layout.HEADER_ROW - 1, c, column, header)
        ws.set_column(c, c, shown[c])
    return shown


def _write_item_sheet(
    wb: Workbook, campaign: Campaign, unit: Unit, month: str, kind: LedgerKind, rows: pd.DataFrame
) -> Worksheet:
    """The sheet of ``kind`` in a unit's template: its items with the ``locked`` columns protected,
    progress, status (a dropdown of the kind's statuses) and done date open."""
    locked, locked_date, open_text, open_date, header, title, plain = _template_formats(wb)
    ws = wb.add_worksheet(kind.sheet)
    columns = kind.template_columns
    what = ITEM_SHEET_TITLES.get(kind.name, f"{kind.label}办理情况")
    widths = _sheet_heading(ws, f"{campaign.town}{what}", unit, columns, ITEM_WIDTHS, (header, title, plain))
    first = layout.FIRST_DATA_ROW - 1
    records = rows.to_dict("records")
    for i, rec in enumerate(records):
        r = first + i
        for c, column in enumerate(columns):
            value = rec.get(column)
            is_open = column not in kind.locked
            if isinstance(value, dt.date) and not is_missing(value):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), open_date if is_open else locked_date)
            elif is_missing(value):
                ws.write_blank(r, c, None, open_text if is_open else locked)
            else:
                ws.write_string(r, c, str(value), open_text if is_open else locked)
        ws.set_row(r, row_height([v if isinstance(v := rec.get(c), str) else None for c in columns], widths))
    last = first + len(records) - 1
    _status_list(
        ws, (first, last, columns.index(kind.status_column)), kind.status_column, kind.statuses, "请从下拉列表中选择"
    )
    _date_validation(ws, campaign, first, last, columns.index(kind.done_column))
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.freeze_panes(layout.HEADER_ROW, 0)
    ws.set_landscape()
    print_setup(ws, layout.HEADER_ROW - 1, f"{unit.name}{what}（{month}）", campaign.office)
    ws.set_landscape()
    return ws


# --- the 办事效率评议 sheet of a village's or community's template ----------------------------------
RATING_WIDTHS = {"序号": 6, "被评议部门": 26, "评议等次": 12, "办理事项": 32, "不满意原因": 18, "具体情况": 44}
RATING_PROMPTS: dict[str, tuple[str, str]] = {
    "评议等次": (
        "评议等次",
        "从下拉列表中选择："
        + "、".join(RatingLevel.ALL)
        + f"。本期没有到该部门办理过事项的选“{RatingLevel.NO_DEALINGS}”。",
    ),
    "办理事项": ("办理事项", "写明本期到该部门办理的事项，如“低保材料审核”。"),
    "不满意原因": (
        "不满意原因",
        f"评为“{RatingLevel.UNSATISFIED}”时必填：{'、'.join(RatingReason.ALL)}，可以填几项，用“、”分隔。",
    ),
    "具体情况": ("具体情况", f"评为“{RatingLevel.UNSATISFIED}”时必填：写明办理什么事项时、遇到了什么问题。"),
}


def rating_period(campaign: Campaign, unit: Unit, month: str) -> str | None:
    """The rating period ``unit``'s template for ``month`` carries a 办事效率评议 sheet for (a village
    or community, in a month with a rating period), else None."""
    period = campaign.rating_period(month)
    return period if period is not None and unit in campaign.raters else None


def _write_rating_sheet(wb: Workbook, campaign: Campaign, unit: Unit, month: str, period: str) -> Worksheet:
    """The 办事效率评议 sheet: a row per department of the roster, its 序号 and name locked; the
    评议等次 (a drop-down of ``RatingLevel.ALL``), 办理事项, 不满意原因 and 具体情况 open, each with its
    prompt. The sheet is protected: the departments cannot be changed, nor rows added."""
    locked, _, open_text, _, header, title, plain = _template_formats(wb)
    ws = wb.add_worksheet(RATING.sheet)
    columns = RATING.columns
    what = f"村（社区）对镇属部门办事效率评议表（{rating_period_text(period)}）"
    _sheet_heading(ws, f"{campaign.town}{what}", unit, columns, RATING_WIDTHS, (header, title, plain))
    first = layout.FIRST_DATA_ROW - 1
    departments = campaign.departments
    for i, department in enumerate(departments):
        r = first + i
        ws.write_number(r, 0, i + 1, locked)
        ws.write_string(r, 1, textsafe.cell_text(department.name), locked)
        for c in range(2, len(columns)):
            ws.write_blank(r, c, None, open_text)
        ws.set_row(r, 30)
    last = first + len(departments) - 1
    level = columns.index(RATING.status_column)
    title_text, message = RATING_PROMPTS[RATING.status_column]
    _status_list(
        ws,
        (first, last, level),
        RATING.status_column,
        RatingLevel.ALL,
        "请从下拉列表中选择：" + "、".join(RatingLevel.ALL),
        {"input_title": title_text, "input_message": message},
    )
    for column in ("办理事项", "不满意原因", "具体情况"):
        c = columns.index(column)
        title_text, message = RATING_PROMPTS[column]
        ws.data_validation(first, c, last, c, {"validate": "any", "input_title": title_text, "input_message": message})
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.freeze_panes(layout.HEADER_ROW, 0)
    ws.set_paper(9)
    print_setup(ws, layout.HEADER_ROW - 1, f"{unit.name}{what}", campaign.office)
    ws.set_landscape()
    return ws
