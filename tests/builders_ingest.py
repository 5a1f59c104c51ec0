"""Builders for received files of every shape: the same problem list as .xlsx, .xls (xlwt),
.ods (odfpy), WPS-saved .xlsx, .xlsm, encrypted, hidden, with two-row headers, footers...

A list is first a list of ``Grid`` sheets (values by row, merged ranges), then written by a real
writer; nothing is a renamed file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conftest import GOOD_ROWS, HEADERS, ROW_FIELDS
from msoffcrypto.format.ooxml import OOXMLFile

from pipeline import layout
from pipeline.sample import Grid, wps_bytes, write_grids_ods, write_grids_xls, write_grids_xlsx

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
