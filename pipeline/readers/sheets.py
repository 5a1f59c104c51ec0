"""Load a workbook's sheets with python-calamine, and what python-calamine does not say: cells
showing an Excel error (#DIV/0!, #REF!…, read from the file itself), date serials it cannot show
(1900-02-29, negative, a time of day), hidden sheets, merged ranges (for .ods from content.xml
through defusedxml), the hidden marker sheet of a generated template, and .xls files whose sheet
offsets point past their stream (refused as corrupt before the parser sees them)."""

from __future__ import annotations

import contextlib
import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import python_calamine as calamine

from pipeline import layout
from pipeline.errors import FileRefused
from pipeline.normalize import EXCEL_ERRORS, ExcelError

MAX_ROWS = 5000
TITLE_ROWS = 30  # rows a sheet may have beyond MAX_ROWS: a title and header block above its table


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False
    excel_errors: bool = False  # some cell holds an ``ExcelError``
    # the stored numbers of some cells, (row, column) 0-based -> number (xlsx and xls; None for ods)
    numbers: Callable[[set[tuple[int, int]]], dict[tuple[int, int], float]] | None = None


def load_sheets(data: bytes, fmt: str) -> tuple[list[Sheet], dict[str, str] | None]:
    """Every worksheet's cells (hidden ones flagged) and the hidden marker of a generated template.

    Cells showing an Excel error, which python-calamine returns as empty (or, in an .ods, as the
    formula's number), hold an ``ExcelError`` instead, read from the file itself."""
    biff = _Biff.of(data) if fmt == "xls" else None  # a sheet offset past the stream: refused here
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise FileRefused("file-encrypted") from exc
    except BaseException as exc:  # calamine raises several error types for damaged files, and panics
        _reraise_unless_files_fault(exc)
        raise FileRefused("file-corrupt", detail=_short(exc)) from exc
    sheets: list[Sheet] = []
    marker: dict[str, str] | None = None
    try:
        ods_merged, errors = _ods_scan(data) if fmt == "ods" else ({}, {})
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if meta.name == layout.MARKER_SHEET:
                marker = _read_marker(sheet.to_python(skip_empty_area=False))
                continue
            height = sheet.end[0] + 1 if sheet.end else 0  # the last used row, 1-based
            if height > MAX_ROWS + TITLE_ROWS:
                raise FileRefused("file-too-many-rows", sheet=meta.name, rows=height, limit=MAX_ROWS)
            rows = sheet.to_python(skip_empty_area=False)
            merged = ods_merged.get(meta.name, []) if fmt == "ods" else list(sheet.merged_cell_ranges or [])
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(meta.name, rows, merged, hidden, numbers=_numbers_of(data, fmt, meta.name, biff)))
        if biff is not None:  # only now: every sheet is within the row limit
            errors = biff.error_cells()
        elif fmt in ("xlsx", "xlsm"):
            errors = _xlsx_error_cells(data)
        for read in sheets:
            if found := errors.get(read.name):
                _put_errors(read.rows, found)
                read.excel_errors = True
    except FileRefused:
        raise
    except BaseException as exc:
        _reraise_unless_files_fault(exc)
        raise FileRefused("file-corrupt", detail=_short(exc)) from exc
    finally:
        book.close()
    return sheets, marker


def is_panic(exc: BaseException) -> bool:
    """A panic in python-calamine's Rust code (``pyo3_runtime.PanicException``, a ``BaseException``):
    the reader met bytes it did not expect, which is the file's fault."""
    return type(exc).__name__ == "PanicException"


def _reraise_unless_files_fault(exc: BaseException) -> None:
    """KeyboardInterrupt, SystemExit and MemoryError go on; reading errors and panics are the file's."""
    if isinstance(exc, MemoryError) or not (isinstance(exc, Exception) or is_panic(exc)):
        raise exc


def _numbers_of(
    data: bytes, fmt: str, sheet: str, biff: _Biff | None
) -> Callable[[set[tuple[int, int]]], dict[tuple[int, int], float]] | None:
    if biff is not None:
        return lambda cells: biff.numbers(sheet, cells)
    if fmt in ("xlsx", "xlsm"):
        return lambda cells: _xlsx_numbers(data, sheet, cells)
    return None  # an .ods stores dates as dates: nothing is lost


_WIDEN_MAX = 256  # columns a row may be widened to, for an error cell the reader left out


def _put_errors(rows: list[list[Any]], errors: dict[tuple[int, int], str]) -> None:
    """Each error cell inside the sheet's rows becomes an ``ExcelError`` (a row is widened if the
    reader left the cell out, as python-calamine does with an .ods error cell that has no value)."""
    width = max((len(row) for row in rows), default=0)
    for (r, c), text in errors.items():
        if r >= len(rows) or c >= max(width, _WIDEN_MAX):
            continue
        row = rows[r]
        if c >= len(row):
            row.extend([""] * (c + 1 - len(row)))
        row[c] = ExcelError(text)


# --- what python-calamine does not say: error cells, date serials, broken .xls --------------------

_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_ERROR_ATTRS = (b't="e"', b"t='e'")  # how writers mark an error cell (a plain byte search: fast)


def _local(tag: str) -> str:
    """An element's name without its namespace: transitional and strict OOXML alike."""
    return tag.rsplit("}", 1)[-1]


def _cell_index(ref: str) -> tuple[int, int] | None:
    """``AB12`` -> (11, 27), 0-based; None for anything else."""
    m = _CELL_REF.match(ref.upper())
    if not m:
        return None
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part (``xl/worksheets/sheet1.xml``), from the workbook and its relations."""
    from defusedxml.ElementTree import fromstring

    try:
        book = fromstring(zf.read("xl/workbook.xml"))
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {rel.get("Id", ""): rel.get("Target", "") for rel in rels if _local(rel.tag) == "Relationship"}
    parts: dict[str, str] = {}
    for el in book.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        target = targets.get(rid, "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[el.get("name", "")] = path.replace("xl/../", "")
    return parts


def _xlsx_cells(part: Any) -> Any:
    """(row, column, type, value text) of each cell of a sheet part, 0-based; a cell without its
    ``r`` address takes the next place in its row."""
    from defusedxml.ElementTree import iterparse

    row, col = -1, -1
    value: str | None = None
    for event, el in iterparse(part, events=("start", "end")):
        name = _local(el.tag)
        if event == "start":
            if name == "row":
                given = el.get("r")
                row = int(given) - 1 if given and given.isdigit() else row + 1
                col = -1
            elif name == "c":
                at = _cell_index(el.get("r", ""))
                row, col = at if at else (row, col + 1)
                value = None
            continue
        if name == "v":
            value = el.text
        elif name == "c":
            yield row, col, el.get("t", "n"), value
            el.clear()
        elif name == "row":
            el.clear()


def _xlsx_error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> the cells showing an Excel error (``t="e"``). A sheet part without such an
    attribute is not parsed (a byte search), so ordinary files cost one inflate of each sheet."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [i.filename for i in zf.infolist() if i.filename.startswith("xl/worksheets/")]
        with_errors = {n for n in names if n.endswith(".xml") and _has_error_attr(zf.read(n))}
        if not with_errors:
            return found
        for sheet, part in _xlsx_sheet_parts(zf).items():
            if part not in with_errors:
                continue
            with zf.open(part) as fh:
                cells = {(r, c): _error_text(v) for r, c, t, v in _xlsx_cells(fh) if t == "e" and r >= 0 and c >= 0}
            found[sheet] = cells
    return found


def _has_error_attr(xml: bytes) -> bool:
    return any(attr in xml for attr in _ERROR_ATTRS)


def _xlsx_numbers(data: bytes, sheet: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """The stored numbers of the ``wanted`` cells of ``sheet`` (a date cell stores its serial)."""
    out: dict[tuple[int, int], float] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = _xlsx_sheet_parts(zf).get(sheet)
        if part is None:
            return out
        with zf.open(part) as fh:
            for r, c, t, v in _xlsx_cells(fh):
                if (r, c) in wanted and t == "n" and v is not None:
                    with contextlib.suppress(ValueError):
                        out[(r, c)] = float(v)
                    if len(out) == len(wanted):
                        break
    return out


def _error_text(text: str | None) -> str:
    """An error value as Excel shows it; anything odd is shown as ``#VALUE!``'s kin, trimmed."""
    value = (text or "").strip()
    return value if value in EXCEL_ERRORS else (value[:20] or "#VALUE!")


_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_BOF_TYPES = (0x0809, 0x0409, 0x0209, 0x0009)
_BOUNDSHEET, _EOF, _BOOLERR, _FORMULA, _NUMBER, _RK, _MULRK = 0x0085, 0x000A, 0x0205, 0x0006, 0x0203, 0x027E, 0x00BD
# a BoolErr record holding an error, or a formula whose cached result is an error: cheap byte tests
_MAYBE_ERROR = re.compile(rb"\x05\x02\x08\x00|\x02\x00[\x00-\x2b]\x00\x00\x00\xff\xff", re.DOTALL)


@dataclass(frozen=True)
class _Biff:
    """The workbook stream of an .xls and where its sheets start (BIFF8 ``BoundSheet8`` records).

    python-calamine trusts each sheet's stream offset (``lbPlyPos``) and panics when it points
    past the stream's end; this checks them first (a crafted 5 KB file is refused as corrupt),
    then finds what calamine does not report: error cells and the serials of date cells."""

    stream: bytes
    sheets: dict[str, int]  # sheet name -> offset of its BOF record

    @classmethod
    def of(cls, data: bytes) -> _Biff:
        import olefile

        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                name = "Workbook" if ole.exists("Workbook") else "Book"
                stream = ole.openstream(name).read()
        except Exception as exc:  # olefile raises assorted errors on damaged files
            raise FileRefused("file-corrupt", detail="旧版 Excel 文件结构损坏") from exc
        sheets: dict[str, int] = {}
        biff8 = stream[4:6] == b"\x00\x06"  # the first BOF's version: 0x0600
        for num, at, size in _records(stream, 0):
            if num == _EOF:
                break
            if num != _BOUNDSHEET or size < 8:
                continue
            (pos,) = struct.unpack_from("<I", stream, at)
            if pos + 4 > len(stream) or struct.unpack_from("<H", stream, pos)[0] not in _BOF_TYPES:
                raise FileRefused("file-corrupt", detail="工作表的位置指向文件之外或不是工作表的开头")
            sheets[_sheet_name(stream[at + 6 : at + size], biff8)] = pos
        return cls(stream, sheets)

    def _cells(self, sheet: str, wanted: tuple[int, ...]) -> Any:
        pos = self.sheets.get(sheet)
        if pos is None:
            return
        stream = self.stream
        for num, at, size in _records(stream, pos):
            if num == _EOF:
                return
            if num in wanted and size >= 6:
                yield num, at, size

    def error_cells(self) -> dict[str, dict[tuple[int, int], str]]:
        """Sheet name -> its cells showing an error (a BoolErr error, a formula's cached error)."""
        found: dict[str, dict[tuple[int, int], str]] = {}
        if not _MAYBE_ERROR.search(self.stream):
            return found
        stream = self.stream
        for sheet in self.sheets:
            cells: dict[tuple[int, int], str] = {}
            for num, at, size in self._cells(sheet, (_BOOLERR, _FORMULA)):
                r, c = struct.unpack_from("<HH", stream, at)
                if num == _BOOLERR and size >= 8 and stream[at + 7] == 1:
                    cells[(r, c)] = _BIFF_ERRORS.get(stream[at + 6], "#VALUE!")
                elif (
                    num == _FORMULA and size >= 14 and stream[at + 6] == 2 and stream[at + 12 : at + 14] == b"\xff\xff"
                ):
                    cells[(r, c)] = _BIFF_ERRORS.get(stream[at + 8], "#VALUE!")
            if cells:
                found[sheet] = cells
        return found

    def numbers(self, sheet: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
        """The stored numbers of the ``wanted`` cells of ``sheet`` (Number, RK, MulRk, Formula)."""
        out: dict[tuple[int, int], float] = {}
        stream = self.stream
        for num, at, size in self._cells(sheet, (_NUMBER, _RK, _MULRK, _FORMULA)):
            r, c = struct.unpack_from("<HH", stream, at)
            if num == _MULRK:
                for i in range((size - 6) // 6):
                    if (r, c + i) in wanted:
                        out[(r, c + i)] = _rk(struct.unpack_from("<I", stream, at + 6 + 6 * i)[0])
            elif (r, c) not in wanted:
                continue
            elif num == _RK and size >= 10:
                out[(r, c)] = _rk(struct.unpack_from("<I", stream, at + 6)[0])
            elif size >= 14 and (num == _NUMBER or stream[at + 12 : at + 14] != b"\xff\xff"):  # a formula's number
                out[(r, c)] = struct.unpack_from("<d", stream, at + 6)[0]
        return out


def _records(stream: bytes, at: int) -> Any:
    """(record type, payload offset, payload size) from ``at`` to the stream's end (or a record
    that would run past it)."""
    end = len(stream)
    while at + 4 <= end:
        num, size = struct.unpack_from("<HH", stream, at)
        if at + 4 + size > end:
            return
        yield num, at + 4, size
        at += 4 + size


def _sheet_name(raw: bytes, biff8: bool) -> str:
    """A BoundSheet8's name: ``cch``, then (BIFF8) a flag for two-byte characters, then the text."""
    if not raw:
        return ""
    count = raw[0]
    if not biff8:
        return raw[1 : 1 + count].decode("gbk", errors="replace")
    if len(raw) > 1 and raw[1] & 1:
        return raw[2 : 2 + 2 * count].decode("utf-16-le", errors="replace")
    return raw[2 : 2 + count].decode("latin-1")


def _rk(value: int) -> float:
    """An RK number: a 30-bit integer or the high bits of a double, divided by 100 when flagged."""
    if value & 2:
        number = float(struct.unpack("<i", struct.pack("<I", value & 0xFFFFFFFC))[0] >> 2)
    else:
        number = struct.unpack("<d", b"\x00\x00\x00\x00" + struct.pack("<I", value & 0xFFFFFFFC))[0]
    return number / 100 if value & 1 else number


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CALCEXT_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def _ods_scan(
    data: bytes,
) -> tuple[dict[str, list[tuple[tuple[int, int], tuple[int, int]]]], dict[str, dict[tuple[int, int], str]]]:
    """Merged ranges of an .ods (calamine does not report them) and its error cells (LibreOffice's
    ``calcext:value-type="error"``, which calamine reads as empty or as the formula's number),
    from ``content.xml``.

    Parsed with defusedxml (no DTD, no entity expansion); rows and cells are counted with their
    ``number-*-repeated`` attributes so positions match calamine's grid.
    """
    from defusedxml.ElementTree import iterparse

    t = _ODS_TABLE
    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    errors: dict[str, dict[tuple[int, int], str]] = {}
    depth, row, col, name = 0, 0, 0, ""
    error_at: tuple[int, int] | None = None
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if tag == f"{t}table":
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:
                    name, row = el.get(f"{t}name", ""), 0
                    merged[name] = []
                continue
            if depth != 1:
                continue
            if tag == f"{t}table-row":
                if event == "start":
                    col = 0
                else:
                    row += int(el.get(f"{t}number-rows-repeated", "1"))
                    el.clear()
            elif tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                if event == "end":
                    if error_at is not None:
                        text = "".join(p.text or "" for p in el.iter(f"{_ODS_TEXT}p"))
                        errors.setdefault(name, {})[error_at] = _error_text(text)
                        error_at = None
                    continue
                rows = int(el.get(f"{t}number-rows-spanned", "1"))
                cols = int(el.get(f"{t}number-columns-spanned", "1"))
                if tag == f"{t}table-cell" and (rows > 1 or cols > 1):
                    merged[name].append(((row, col), (row + rows - 1, col + cols - 1)))
                if el.get(_ODS_CALCEXT_TYPE) == "error":
                    error_at = (row, col)
                col += int(el.get(f"{t}number-columns-repeated", "1"))
    return merged, errors


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _read_marker(rows: list[list[Any]]) -> dict[str, str] | None:
    cells = {(r, c): str(v).strip() for r, row in enumerate(rows[:10]) for c, v in enumerate(row[:3]) if v != ""}
    if cells.get((0, 0)) != layout.MARKER_TAG:
        return None
    return {"unit_code": cells.get((0, 1), ""), "month": cells.get((1, 1), ""), "campaign": cells.get((2, 1), "")}
