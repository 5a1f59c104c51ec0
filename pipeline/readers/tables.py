"""Find a kind's table among a workbook's sheets and read it into a ``RawTable``: the header row
(anywhere in the first rows, spread over merged rows, named by any synonym), the header block
above it (填报单位, 填报日期, the title), the rows below it down to a footer (合计, 注：…), merged
categories filled down, every value cleaned by its column's role and kept with its Excel row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from pipeline import textsafe
from pipeline.errors import FileRefused
from pipeline.kinds import PROBLEM, Table
from pipeline.messages import Message
from pipeline.normalize import ExcelDate
from pipeline.vocab import REQUIRED, Vocabulary, fold, key

if TYPE_CHECKING:
    import pandas as pd
from pipeline.readers.sheets import Sheet

HEADER_SCAN_ROWS = 1000  # the header may stand anywhere in a sheet's first rows (after a long preamble)
TABLE_COLUMNS = 2  # a header row naming this many columns makes a sheet hold a table (a hidden copy loses)
FOOTER_WORDS = (
    "合计",
    "总计",
    "小计",
    "注",
    "说明",
    "备注：",
    "审核人",
    "填报人",
    "制表人",
    "负责人",
    "单位负责人",
    "联系电话",
)
_UNIT_RE = re.compile(
    r"填报单位(?:[（(]\s*盖章\s*[)）])?\s*[:：]\s*(.*?)\s*(?:(?:填报人|填表人|联系人|填报日期|填报时间|日期)\s*[:：]|$)"
)
_DATE_RE = re.compile(
    r"(?:填报日期|填报时间|报送日期|日期)\s*[:：]\s*(.*?)\s*(?:(?:填报人|填表人|联系人|填报单位)\s*[:：]|$)"
)


@dataclass(frozen=True)
class RawTable:
    """The table found in one file, values as written, with the Excel row of each.

    The values are kept column by column (``values[j]`` is the column ``list(columns)[j]``, one
    value per Excel row in ``rows``): plain lists cross from a reading process cheaply, and the
    checks work column by column. ``frame`` shows them as a DataFrame indexed by Excel row.
    """

    file_name: str
    sheet: str
    header_row: int  # 1-based row of the (last) header row
    columns: dict[str, str]  # canonical column -> Excel column letter
    values: tuple[list[Any], ...]  # one list per canonical column, in the order of ``columns``
    rows: tuple[int, ...]  # the Excel row of each value
    unit_text: str = ""  # the 填报单位 text of the header block
    title_text: str = ""  # the title above the table (``滨河社区干部作风整顿问题清单``), header block lines left out
    filled_text: str = ""  # the 填报日期 text of the header block
    marker: dict[str, str] | None = None  # the hidden marker of a generated template
    notices: tuple[Message, ...] = ()
    fmt: str = "xlsx"  # xlsx | xlsm | xls | ods, as recognised from the content
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> its header as written
    # the tables of other kinds in the same file (kind name -> table): its 交办事项 sheet, a village's
    # 办事效率评议 sheet
    extra: dict[str, RawTable] = field(default_factory=dict)
    excel_errors: bool = False  # some value is an ``ExcelError`` (a cell showing #DIV/0!, #REF! …)

    def cell(self, column: str, row: int) -> str:
        """The Excel address of ``column`` in Excel ``row``, e.g. ``G7``."""
        return f"{self.columns.get(column, '?')}{row}"

    def column(self, name: str) -> list[Any] | None:
        """The values of canonical column ``name`` (None when the file has no such column)."""
        for j, c in enumerate(self.columns):
            if c == name:
                return self.values[j]
        return None

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The values as a DataFrame: index the Excel rows (``行``), columns the canonical names."""
        return _frame(self.values, list(self.columns), self.rows)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("frame", None)  # built again on demand: the lists travel, not the DataFrame
        return state


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- finding the table -------------------------------------------------------------------------

_PAREN = re.compile(r"[（(【\[〔][^（()）【】\[\]〔〕]*[)）】\]〕]")
_ID_RE = re.compile(r"^[A-Za-z]{1,12}-\d{1,5}$")
SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_LAYOUT_WORDS = ("说明", "填表说明", "填报说明", "示例", "填写示例", "参考")


@dataclass
class _Header:
    row: int  # 0-based index of the last header row
    mapping: dict[str, int]  # canonical -> 0-based column
    score: int
    labels: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _canonical(label: str, lookup: dict[str, str]) -> str | None:
    """The canonical column a header label names; a hint in brackets (``完成时限（年月日）``) is ignored."""
    if not label:
        return None
    hit = lookup.get(key(label))
    if hit is None and (bare := _PAREN.sub("", label)) != label:
        hit = lookup.get(key(bare))
    return hit


def _map_labels(labels: Sequence[str], lookup: dict[str, str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for col, label in enumerate(labels):
        canonical = _canonical(label, lookup)
        if canonical and canonical not in mapping:
            mapping[canonical] = col
    return mapping


def _score(mapping: dict[str, int], required: Sequence[str] = REQUIRED) -> int:
    return sum(2 for c in required if c in mapping) + sum(1 for c in mapping if c not in required)


def _horizontal_fill(sheet: Sheet, row: int, merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> list[str]:
    """A header row's labels, a label merged across columns (or down from above) repeated over
    each of its cells; ``merged`` holds the ranges covering ``row``."""
    labels = [_text(v) for v in sheet.rows[row]]
    for (r0, c0), (_r1, c1) in merged:
        if r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]):
            top = _text(sheet.rows[r0][c0])
            for c in range(c0, min(c1 + 1, len(labels))):
                labels[c] = labels[c] or top
    return labels


def _merges_by_row(
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]], rows: int
) -> dict[int, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Row -> the merged ranges covering it, for the first ``rows`` rows (a sweep: each range is
    looked at once, whatever the number of rows scanned)."""
    covering: dict[int, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    for m in merged:
        (r0, _c0), (r1, _c1) = m
        for r in range(max(r0, 0), min(r1 + 1, rows)):
            covering.setdefault(r, []).append(m)
    return covering


def _best_header(sheet: Sheet, lookup: dict[str, str], required: Sequence[str] = REQUIRED) -> _Header | None:
    """The header row that names the most columns; a two-row header (``完成情况`` merged over
    ``完成状态``/``完成日期``) reads each column's lower label where it names one, else the upper.

    The header may stand anywhere in the first ``HEADER_SCAN_ROWS`` rows (a long preamble above
    it), but the scan stops at the first header naming every required column (or every column
    the lookup knows): reading a list with its header on row 4 looks at four or five rows, not a
    thousand. Each row's labels are read and matched once."""
    best: _Header | None = None
    rows = sheet.rows
    scan = min(HEADER_SCAN_ROWS, len(rows))
    most = max_score(lookup, required)
    covering = _merges_by_row(sheet.merged, scan + 1) if sheet.merged else {}
    labels: dict[int, list[str]] = {}
    names: dict[int, list[str | None]] = {}

    def row_labels(r: int) -> tuple[list[str], list[str | None]]:
        if r not in labels:
            labels[r] = _horizontal_fill(sheet, r, covering.get(r, ()))
            names[r] = [_canonical(label, lookup) if label else None for label in labels[r]]
        return labels[r], names[r]

    for r in range(scan):
        top, top_names = row_labels(r)
        mapping = _first_columns(top_names)
        candidates = [_Header(r, mapping, _score(mapping, required), top)]
        if r + 1 < len(rows):
            sub, sub_names = row_labels(r + 1)
            sub_known = [bool(n) and s != t for t, s, n in zip(top, sub, sub_names, strict=False)]
            if any(sub_known):
                two = [s if known else t for t, s, known in zip(top, sub, sub_known, strict=False)]
                two_names = [n if known else tn for tn, n, known in zip(top_names, sub_names, sub_known, strict=False)]
                mapping = _first_columns(two_names)
                candidates.append(_Header(r + 1, mapping, _score(mapping, required), two))
        for cand in candidates:
            if best is None or cand.score > best.score:
                best = cand
        if best is not None and (best.score >= most or all(c in best.mapping for c in required)):
            break
        labels.pop(r, None)  # a row is looked at as an upper half, then as a lower half: then no more
        names.pop(r, None)
    return best if best and best.score > 0 else None


def _first_columns(names: Sequence[str | None]) -> dict[str, int]:
    """Canonical column -> the first column whose label names it (``_map_labels`` on matched labels)."""
    mapping: dict[str, int] = {}
    for col, canonical in enumerate(names):
        if canonical and canonical not in mapping:
            mapping[canonical] = col
    return mapping


def max_score(lookup: dict[str, str], required: Sequence[str]) -> int:
    """The score of a header naming every column ``lookup`` knows: no header can score more."""
    return _score(dict.fromkeys(set(lookup.values()), 0), required)


def find_table(sheets: list[Sheet], vocab: Vocabulary, file_name: str, fmt: str) -> RawTable:
    """The problem list among the sheets.

    What the clerk sees is what counts: a visible sheet holding a table (a header naming at least
    ``TABLE_COLUMNS`` columns) is the source, complete or not, even when a hidden (or veryHidden)
    sheet holds a complete list. A hidden sheet is the source only when no visible sheet holds a
    table (a list hidden by mistake), and then with a warning naming it."""
    lookup = vocab.header_lookup
    found = [(s, h) for s in sheets if (h := _best_header(s, lookup)) is not None]
    if not found:
        raise FileRefused("table-not-found", detail="各工作表中都没有找到问题清单的表头")

    def complete(header: _Header) -> bool:
        return all(c in header.mapping for c in REQUIRED)

    def rank(pair: tuple[Sheet, _Header]) -> tuple[int, int, int]:
        sheet, header = pair
        aside = any(w in sheet.name for w in _LAYOUT_WORDS)  # 说明 / 示例 sheets lose a tie
        return (int(complete(header)), int(not sheet.hidden), header.score * 2 - int(aside))

    visible = [p for p in found if not p[0].hidden and len(p[1].mapping) >= TABLE_COLUMNS]
    hidden = [p for p in found if p[0].hidden and complete(p[1])]
    sheet, header = max(visible or hidden or found, key=rank)  # max keeps the first of equals: sheet order
    missing = [c for c in REQUIRED if c not in header.mapping]
    if missing:
        detail = f"工作表“{sheet.name}”第 {header.row + 1} 行的表头缺少：{'、'.join(missing)}"
        if hidden and not sheet.hidden:
            names = "、".join(f"“{s.name}”" for s, _ in hidden)
            detail += (
                f"（隐藏的工作表{names}中另有一份清单，但隐藏的内容不作为报送内容；请把完整的清单放在可见的工作表中）"
            )
        raise FileRefused("table-not-found", detail=detail)
    _number_column(sheet, header)
    table = _table(sheet, header, file_name, fmt)
    return _from_hidden(table, sheet, "问题清单") if sheet.hidden else table


def _from_hidden(table: RawTable, sheet: Sheet, label: str) -> RawTable:
    """``table`` with the warning that it was taken from the hidden ``sheet``."""
    params = {"label": label, "sheet": sheet.name}
    warning = Message("table-in-hidden-sheet", file=table.file_name, sheet=sheet.name, params=params)
    return dataclasses.replace(table, notices=(warning, *table.notices))


def find_kind_table(
    sheets: list[Sheet], vocab: Vocabulary, file_name: str, fmt: str, kind: Table, exclude: str | tuple[str, ...] = ""
) -> RawTable | None:
    """The table of ``kind`` among the sheets (not ``exclude``, the sheets already taken or another kind's), or None.

    Only a sheet whose header names every required column of the kind counts; a sheet named as
    the kind's template sheet wins a tie. A hidden sheet is taken only when no visible sheet holds
    a table of the kind (complete or not), and then with a warning naming it."""
    lookup = kind.header_lookup(vocab)
    excluded = {exclude} if isinstance(exclude, str) else {n.strip() for n in exclude}
    found = [
        (s, h)
        for s in sheets
        if s.name not in excluded
        and s.name.strip() not in excluded
        and (h := _best_header(s, lookup, kind.required)) is not None
    ]
    complete = [(s, h) for s, h in found if all(c in h.mapping for c in kind.required)]
    if not complete:
        return None
    pool = [p for p in complete if not p[0].hidden]
    if not pool and any(not s.hidden and _holds_kind_table(h, vocab) for s, h in found):
        return None  # the visible table of the kind lacks a column: a hidden one never stands in for it
    pool = pool or complete

    def rank(pair: tuple[Sheet, _Header]) -> tuple[int, int]:
        sheet, header = pair
        return (int(sheet.name.strip() == kind.sheet), header.score)

    sheet, header = max(pool, key=rank)
    table = _table(sheet, header, file_name, fmt, kind)
    return _from_hidden(table, sheet, kind.label) if sheet.hidden else table


def _holds_kind_table(header: _Header, vocab: Vocabulary) -> bool:
    """``header`` makes its sheet a table of the kind: it names ``TABLE_COLUMNS`` columns by labels
    that are not also problem-list columns (a problem list's 完成时限/完成状态 name a matter's
    办理时限/办理状态 too, and an example problem list is no 交办事项 table)."""
    problem = vocab.header_lookup
    own = [c for c, i in header.mapping.items() if _canonical(header.labels[i], problem) is None]
    return len(own) >= TABLE_COLUMNS


def _table(sheet: Sheet, header: _Header, file_name: str, fmt: str, kind: Table = PROBLEM) -> RawTable:
    """The table below ``header`` on ``sheet``: its rows, cell addresses and header block."""
    unit_text, filled_text, title_text = _header_block(sheet.rows[: header.row])
    values, rows, notices = _rows(sheet, header, file_name, kind)
    _excel_dates(sheet, header, kind, values, rows)
    return RawTable(
        file_name=file_name,
        sheet=sheet.name,
        header_row=header.row + 1,
        columns={c: column_letter(i) for c, i in header.mapping.items()},
        values=values,
        rows=rows,
        unit_text=unit_text,
        title_text=title_text,
        filled_text=filled_text,
        notices=tuple(notices),
        fmt=fmt,
        headers={c: header.labels[i] for c, i in header.mapping.items()},
        excel_errors=sheet.excel_errors,
    )


_BEFORE_MARCH_1900 = (1900, 3)


def _excel_dates(
    sheet: Sheet, header: _Header, kind: Table, values: tuple[list[Any], ...], rows: tuple[int, ...]
) -> None:
    """Date cells python-calamine cannot read right get their serial back (``ExcelDate``).

    Excel counts 1900-02-29, a day that never was (serial 60); calamine gives it, and the days
    before it, as 1900-02-28 or earlier, and zero or negative serials (which Excel shows as
    ``########``) as the time 00:00:00. For those cells, and for time-of-day cells in a date
    column, the stored number is read from the file so that a message quotes the cell as Excel
    shows it (1900-02-29, -5), never as 00:00:00."""
    if sheet.numbers is None:
        return
    dates = kind.date_columns
    odd: dict[tuple[int, int], tuple[int, int]] = {}  # (row, column) in the sheet -> (column, index) in values
    for j, (column, place) in enumerate(header.mapping.items()):
        if column not in dates:
            continue
        for i, v in enumerate(values[j]):
            tv = type(v)
            if tv is dt.time or ((tv is dt.date or tv is dt.datetime) and (v.year, v.month) < _BEFORE_MARCH_1900):
                odd[(rows[i] - 1, place)] = (j, i)
    if not odd:
        return
    for cell, number in sheet.numbers(set(odd)).items():
        j, i = odd[cell]
        values[j][i] = ExcelDate(number)


def _number_column(sheet: Sheet, header: _Header) -> None:
    """A column headed ``编号`` is a sequence number (序号) unless it holds assigned ids (``HX-001``):
    then it is the 问题编号, whether or not another column already holds the 序号."""
    if "问题编号" in header.mapping:
        return
    for col, label in enumerate(header.labels):
        if key(label) != key("编号"):
            continue
        values = [_text(row[col]) for row in sheet.rows[header.row + 1 :] if col < len(row)]
        values = [SPACES.sub("", unicodedata.normalize("NFKC", v)) for v in values if v.strip()]
        ids = sum(1 for v in values if _ID_RE.match(v))
        if ids and ids >= sum(1 for v in values if v.isdigit()):
            if header.mapping.get("序号") == col:
                del header.mapping["序号"]
            header.mapping["问题编号"] = col
            return


TITLE_LINES = 5  # lines above a table that may hold its title (the unit's name in it)
TITLE_CHARS = 200


def _header_block(rows: list[list[Any]]) -> tuple[str, str, str]:
    """The 填报单位 and 填报日期 texts of the lines above a table, and its title: the first few
    other lines (``附件2``, ``滨河社区干部作风整顿问题清单``)."""
    unit, filled = "", ""
    titles: list[str] = []
    for row in rows:
        line = fold(" ".join(_text(v) for v in row if _text(v)))
        if not line:
            continue
        block = False
        if m := _UNIT_RE.search(line):
            unit, block = unit or m.group(1).strip(), True
        if m := _DATE_RE.search(line):
            filled, block = filled or m.group(1).strip(), True
        if not block and len(titles) < TITLE_LINES:
            titles.append(line)
    return unit, filled, " ".join(titles)[:TITLE_CHARS]


_TRIM = " \t\r\n\u3000\u00a0"


def _rows(
    sheet: Sheet, header: _Header, file_name: str, kind: Table = PROBLEM
) -> tuple[tuple[list[Any], ...], tuple[int, ...], list[Message]]:
    """The table's values below ``header``, column by column, cleaned; the Excel row of each.

    The table ends at a footer (合计, 注：…, 审核人：…); blank rows, and rows holding only a 序号
    (an empty template row), are left out."""
    columns = list(header.mapping)
    places = list(header.mapping.values())
    free = {header.mapping[c] for c in kind.free_text if c in header.mapping}
    notices: list[Message] = []
    first, end = header.row + 1, len(sheet.rows)
    for r in range(first, end):
        raw = sheet.rows[r]
        at = _first_filled(raw)
        if at is not None and at not in free and _footer_text(_text(raw[at]).strip(_TRIM)):
            notices.append(_ignored(sheet, r, [_text(v).strip(_TRIM) for v in raw], file_name))
            end = r
            break
    body = sheet.rows[first:end]
    filled: dict[int, list[tuple[int, Any]]] = {}  # column -> (row, value) of the cells under merges
    for (r, col), top in _vertical_fill(sheet, header).items():
        if first <= r < end:
            filled.setdefault(col, []).append((r - first, top))
    values: list[list[Any]] = []
    for c, place in zip(columns, places, strict=True):
        cells = [row[place] if place < len(row) else "" for row in body]
        for at, top in filled.get(place, ()):
            cells[at] = top
        values.append(_clean_column(cells, *_cleaning(c, kind)))
    substantive = [v for c, v in zip(columns, values, strict=True) if c != "序号"]
    keep = [any(v[i] is not None and v[i] != "" for v in substantive) for i in range(len(body))]
    excel_rows = tuple(r + 1 for r, k in enumerate(keep, start=first) if k)
    if not all(keep):
        values = [[v for v, k in zip(column, keep, strict=True) if k] for column in values]
    notices.extend(_long_cells(sheet.name, file_name, columns, places, values, excel_rows))
    return tuple(values), excel_rows, notices


def _long_cells(
    sheet: str, file_name: str, columns: list[str], places: list[int], values: list[list[Any]], rows: tuple[int, ...]
) -> list[Message]:
    """A warning for each text longer than an Excel cell holds: outputs show it cut (textsafe)."""
    limit = textsafe.EXCEL_CELL_MAX
    found: list[Message] = []
    for column, place, cells in zip(columns, places, values, strict=True):
        if max(map(len, filter(_is_text, cells)), default=0) <= limit:
            continue
        for row, value in zip(rows, cells, strict=True):
            if type(value) is str and len(value) > limit:
                found.append(
                    Message(
                        "cell-too-long",
                        file=file_name,
                        sheet=sheet,
                        cell=f"{column_letter(place)}{row}",
                        params={"column": column, "length": len(value), "limit": limit},
                    )
                )
    return found


def _frame(values: Sequence[list[Any]], columns: list[str], excel_rows: Sequence[int]) -> pd.DataFrame:
    """The columns as one object block, index the Excel rows (a third of ``DataFrame(records)``'s cost).

    pandas is imported here, not with the module: the reading processes never build a frame, and
    their server starts sooner without it."""
    import numpy as np
    import pandas as pd

    index = pd.Index(np.array(excel_rows, dtype=np.int64), name="行")
    if not excel_rows:
        return pd.DataFrame([], columns=columns, index=index, dtype=object)
    cells = np.empty((len(columns), len(excel_rows)), dtype=object)
    cells[:] = values
    return pd.DataFrame(cells.T, columns=_column_index(tuple(columns)), index=index, dtype=object, copy=False)


@lru_cache(maxsize=64)
def _column_index(columns: tuple[str, ...]) -> pd.Index:
    import pandas as pd

    return pd.Index(columns)


def _first_filled(row: list[Any]) -> int | None:
    """The first cell of ``row`` with text once trimmed.

    A row below the table is not a problem (合计, 注：…, 审核人：…) when its first filled cell starts
    with a footer word; that cell must not be in a free-text column, where a problem may start
    with any word."""
    for i, v in enumerate(row):
        if _text(v).strip(_TRIM):
            return i
    return None


def _footer_text(text: str) -> bool:
    if len(text) <= 40:
        return _short_footer_text(text)  # the same 序号 and labels in file after file
    return SPACES.sub("", fold(text)).startswith(FOOTER_WORDS)


@lru_cache(maxsize=4096)
def _short_footer_text(text: str) -> bool:
    return SPACES.sub("", fold(text)).startswith(FOOTER_WORDS)


def _ignored(sheet: Sheet, r: int, texts: list[str], file_name: str) -> Message:
    col = next(i for i, t in enumerate(texts) if t)
    value = " ".join(t for t in texts if t)
    return Message(
        "rows-ignored",
        file=file_name,
        sheet=sheet.name,
        cell=f"{column_letter(col)}{r + 1}",
        params={"value": value[:40]},
    )


def _vertical_fill(sheet: Sheet, header: _Header) -> dict[tuple[int, int], Any]:
    """Cells covered by a merged range below the header take the range's top-left value."""
    wanted = set(header.mapping.values())
    fill: dict[tuple[int, int], Any] = {}
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 <= header.row or r0 >= len(sheet.rows) or c0 >= len(sheet.rows[r0]):
            continue
        top = sheet.rows[r0][c0]
        for r in range(max(r0, header.row + 1), min(r1 + 1, len(sheet.rows))):
            for c in range(c0, c1 + 1):
                if c in wanted and (r, c) != (r0, c0):
                    fill[(r, c)] = top
    return fill


_MIDNIGHT = dt.time()
_CELL_TRIM = " \t\n\u3000\u00a0\ufeff"


def _cleaning(column: str, kind: Table = PROBLEM) -> tuple[bool, bool, bool]:
    """How a column's values are cleaned: (coded, an id, dates)."""
    coded = column in kind.coded
    ident = coded and column == kind.id_column
    dates = not coded and column in kind.date_columns
    return coded, ident, dates


def _clean_column(cells: list[Any], coded: bool, ident: bool, dates: bool) -> list[Any]:
    """One column's values normalised. Free text is kept as written, only trimmed (line breaks
    kept); in coded columns (类别, 状态, 编号) full-width spaces and line breaks are removed, in
    dates collapsed. Numbers, dates and text-looking numbers (``0012``) keep their type; a
    date-time at midnight is a date."""
    # the common case inline (a comprehension, no call per cell): text with no carriage return
    out = [
        (v.strip(_CELL_TRIM) if "\r" not in v else _lines(v).strip(_CELL_TRIM))
        if type(v) is str
        else (v.date() if type(v) is dt.datetime and v.time() == _MIDNIGHT else v)
        for v in cells
    ]
    if coded:
        out = [SPACES.sub("", v) if type(v) is str else v for v in out]
        if ident:
            out = [unicodedata.normalize("NFKC", v) if type(v) is str else v for v in out]
    elif dates:
        out = [SPACES.sub(" ", v) if type(v) is str else v for v in out]
    return out


_is_text = str.__instancecheck__  # a C-level test for filter()


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
