"""Builders for received files of every shape: the same problem list as .xlsx, .xls (xlwt),
.ods (odfpy), WPS-saved .xlsx, .xlsm, encrypted, hidden, with two-row headers, footers...

A list is first a list of ``Grid`` sheets (values by row, merged ranges), then written by a real
writer; nothing is a renamed file.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import olefile
import openpyxl
from conftest import GOOD_ROWS, HEADERS, ROW_FIELDS
from msoffcrypto.format.ooxml import OOXMLFile

from demo_campaign.sample import Grid, wps_bytes, write_grids_ods, write_grids_xls, write_grids_xlsx
from pipeline import layout
from pipeline.normalize import ExcelDate, ExcelError

FORMATS = ("xlsx", "xls", "ods", "wps", "xlsm")


def list_grid(
    rows: Sequence[Sequence[Any]] = GOOD_ROWS,
    unit: str = "红星村",
    headers: Sequence[str] = HEADERS,
    ids: Sequence[str | None] | None = None,
    name: str = layout.SHEET,
    numbers: Sequence[Any] | None = None,
) -> Grid:
    """附件2 laid out as a unit writes it: 附件2, title (merged), header block, header row 4, rows from 5."""
    width = len(headers)
    cells: list[list[Any]] = [
        ["附件2", *[None] * (width - 1)],
        [layout.title("xx镇"), *[None] * (width - 1)],
        [layout.header_block(unit, "张三", "2022年3月18日"), *[None] * (width - 1)],
        list(headers),
    ]
    for i, row in enumerate(rows):
        values = dict(zip(ROW_FIELDS, row, strict=False))
        values["序号"] = numbers[i] if numbers else i + 1
        values["问题编号"] = ids[i] if ids else None
        cells.append([values.get(HEADERS[c]) if c < len(HEADERS) else None for c in range(width)])
    return Grid(name, cells, [(1, 0, 1, width - 1)])


def write_book(path: Path, grids: list[Grid], form: str = "xlsx") -> Path:
    """Write ``grids`` with the real writer of ``form`` (xlsx, xls, ods, wps, xlsm)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if form == "xls":
        return write_grids_xls(path, grids)
    if form == "ods":
        return write_grids_ods(path, grids)
    write_grids_xlsx(path, grids)
    if form == "wps":
        path.write_bytes(wps_bytes(path.read_bytes()))
    elif form == "xlsm":
        path.write_bytes(xlsm_bytes(path.read_bytes()))
    return path


def xlsm_bytes(xlsx: bytes) -> bytes:
    """A macro-enabled workbook: the macro content type and a ``vbaProject.bin`` part."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
                    b'vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            dst.writestr(info.filename, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Sub AutoOpen()\x00" * 20)
    return out.getvalue()


def encrypt(path: Path, password: str) -> Path:
    """Encrypt an .xlsx in place as Excel does (ECMA-376 agile encryption)."""
    out = io.BytesIO()
    with path.open("rb") as fh:
        OOXMLFile(fh).encrypt(password, out)
    path.write_bytes(out.getvalue())
    return path


def table(grids: list[Grid]) -> Grid:
    return next(g for g in grids if g.name == layout.SHEET)


def two_row_header(grid: Grid) -> Grid:
    """完成情况 merged over 完成状态/完成日期, 责任主体 over 责任领导/责任人, the rest merged down."""
    h = 3
    labels = grid.cells[h]
    groups = {"责任领导": "责任主体", "责任人": "责任主体", "完成状态": "完成情况", "完成日期": "完成情况"}
    top = [groups.get(v, v) for v in labels]
    sub = [v if v in groups else None for v in labels]
    for first, second in (("责任领导", "责任人"), ("完成状态", "完成日期")):
        c = labels.index(first)
        assert labels[c + 1] == second
        top[c + 1] = None
        grid.merges.append((h, c, h, c + 1))
    grid.merges += [(h, c, h + 1, c) for c, v in enumerate(labels) if v not in groups]
    grid.cells[h : h + 1] = [top, sub]
    return grid


# --- cells only Excel makes: error values, date serials; sheet states -------------------------------

XLS_ERROR_CODES = {
    "#NULL!": 0x00,
    "#DIV/0!": 0x07,
    "#VALUE!": 0x0F,
    "#REF!": 0x17,
    "#NAME?": 0x1D,
    "#NUM!": 0x24,
    "#N/A": 0x2A,
}
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def write_cells(path: Path, grids: list[Grid], form: str = "xlsx") -> Path:
    """``write_book``, where a cell may hold an ``ExcelError`` (written as the error value Excel
    stores: ``t="e"`` in .xlsx, a BoolErr record in .xls, LibreOffice's ``calcext:value-type="error"``
    formula result in .ods) or an ``ExcelDate`` (its serial in a date-formatted cell; .xlsx, .xls)."""
    if form == "xls":
        return _write_xls(path, grids)
    special: dict[str, Any] = {}

    def mark(value: Any) -> Any:
        if isinstance(value, (ExcelError, ExcelDate)):
            special[f"§{len(special)}§"] = value
            return f"§{len(special) - 1}§"
        return value

    plain = [Grid(g.name, [[mark(v) for v in row] for row in g.cells], g.merges, g.hidden) for g in grids]
    write_book(path, plain, form)
    if form == "ods":
        return _ods_errors(path, special)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = special.get(cell.value) if isinstance(cell.value, str) else None
                if isinstance(value, ExcelError):
                    cell.value = value.text
                    cell.data_type = "e"
                elif isinstance(value, ExcelDate):
                    cell.value = value.serial
                    cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def _write_xls(path: Path, grids: list[Grid]) -> Path:
    """``write_grids_xls`` with ``ExcelError`` cells (BoolErr) and ``ExcelDate`` serials (date-formatted)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    plain = xlwt.easyxf("")
    for grid in grids:
        sheet = book.add_sheet(grid.name, cell_overwrite_ok=True)
        for r, row in enumerate(grid.cells):
            for c, value in enumerate(row):
                if isinstance(value, ExcelError):
                    sheet.row(r).set_cell_error(c, XLS_ERROR_CODES[value.text])
                elif isinstance(value, ExcelDate):
                    sheet.write(r, c, value.serial, date_style)
                elif value is not None and value != "":
                    sheet.write(r, c, value, date_style if isinstance(value, dt.date) else plain)
        for r0, c0, r1, c1 in grid.merges:
            sheet.merge(r0, r1, c0, c1)
        if grid.hidden:
            sheet.visibility = 1
    book.save(str(path))
    return path


def _ods_errors(path: Path, special: dict[str, Any]) -> Path:
    """Each marked cell of an .ods becomes a formula whose result is an error, as LibreOffice saves
    it: a number (0) for readers that ignore ``calcext:value-type``, the error text shown."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    content = parts["content.xml"].decode("utf-8")
    content = content.replace("<office:document-content ", f'<office:document-content xmlns:calcext="{_CALCEXT}" ', 1)
    for mark, value in special.items():
        assert isinstance(value, ExcelError), "an .ods keeps dates as dates"
        content = content.replace(
            f'<table:table-cell office:value-type="string"><text:p>{mark}</text:p></table:table-cell>',
            '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
            f'calcext:value-type="error"><text:p>{value.text}</text:p></table:table-cell>',
        )
    parts["content.xml"] = content.encode("utf-8")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return path


def set_sheet_state(path: Path, sheet: str, state: str) -> Path:
    """Set a sheet of an .xlsx to ``visible``, ``hidden`` or ``veryHidden`` (hidden from Excel's
    own 取消隐藏 menu: only the VBA editor shows it)."""
    wb = openpyxl.load_workbook(path)
    wb[sheet].sheet_state = state
    wb.save(path)
    return path


XLS_SHEET_STATES = {"visible": 0, "hidden": 1, "veryHidden": 2}


def patch_boundsheets(path: Path, patch: Callable[[int, bytearray, int], None]) -> Path:
    """Call ``patch(index, stream, payload offset)`` on each BoundSheet8 record of an .xls (the
    sheet's stream offset ``lbPlyPos``, then its state ``hsState``, then its name) and write the
    stream back."""
    ole = olefile.OleFileIO(str(path))
    stream = bytearray(ole.openstream("Workbook").read())
    ole.close()
    at, index = 0, 0
    while at + 4 <= len(stream):
        num, size = struct.unpack_from("<HH", stream, at)
        if num == 0x000A:  # the end of the workbook globals
            break
        if num == 0x0085:
            patch(index, stream, at + 4)
            index += 1
        at += 4 + size
    ole = olefile.OleFileIO(str(path), write_mode=True)
    ole.write_stream("Workbook", bytes(stream))
    ole.close()
    return path


def set_xls_sheet_state(path: Path, sheet_index: int, state: str) -> Path:
    """Set the ``hsState`` of the ``sheet_index``-th sheet of an .xls (xlwt writes only visible/hidden)."""

    def patch(index: int, stream: bytearray, payload: int) -> None:
        if index == sheet_index:
            stream[payload + 4] = XLS_SHEET_STATES[state]

    return patch_boundsheets(path, patch)


def with_formulas(path: Path, formula: str = "B5/0") -> Path:
    """Give each error cell of an .xlsx (``t="e"``) the formula that produced it, as Excel saves a
    failed formula: ``<c t="e"><f>…</f><v>#DIV/0!</v></c>``."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            parts[name] = data.replace(b't="e"><v>', f't="e"><f>{formula}</f><v>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path
