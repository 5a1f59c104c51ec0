"""What an output says, as a reader gets it back: for comparing a month's outputs made by two
versions of the program (never byte for byte: workbooks and documents are zips with timestamps).

``content(folder)`` maps each file of a month's outputs to its text: every cell of every sheet of
a workbook (openpyxl, values as shown: dates in ISO form), every paragraph, table cell, header
and footer of a Word document (python-docx), in order. ``docx_tables``, ``docx_text`` and ``sheet``
read one document's tables or text, or the table at the top of one sheet, for a test's assertions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
import openpyxl


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook_text(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    out: list[str] = []
    for ws in wb.worksheets:
        out.append(f"[{ws.title}] {ws.sheet_state}")
        for row in ws.iter_rows():
            cells = [f"{c.coordinate}={_cell(c.value)}" for c in row if c.value is not None]
            if cells:
                out.append(" | ".join(cells))
    return out


def document_text(path: Path) -> list[str]:
    doc = docx.Document(str(path))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out.append(" | ".join(c.text for c in row.cells))
    for section in doc.sections:
        out += [f"header: {p.text}" for p in section.header.paragraphs if p.text]
        out += [f"footer: {p.text}" for p in section.footer.paragraphs if p.text]
    return out


def content(folder: Path) -> dict[str, list[str]]:
    """Every output file under ``folder`` (relative path -> its text)."""
    out: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if path.suffix == ".xlsx":
            out[name] = workbook_text(path)
        elif path.suffix == ".docx":
            out[name] = document_text(path)
    return out


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of a Word document, as rows of cell texts."""
    return [[[c.text for c in r.cells] for r in t.rows] for t in docx.Document(str(path)).tables]


def docx_text(path: Path) -> str:
    """A Word document's paragraphs, then its table cells, one a line."""
    doc = docx.Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    """The table at the top of a sheet (up to the first blank row; notes may follow)."""
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    table = []
    for r in rows[1:]:
        if all(v is None for v in r):
            break
        table.append(dict(zip(rows[0], r, strict=True)))
    return table


def workbook_look(path: Path) -> dict[str, Any]:
    """How a workbook looks and behaves, sheet by sheet, as openpyxl reads it back: each cell's
    value, type and style (font, fill, border, alignment, number format, locked/hidden), the
    column widths and styles, row heights, merged ranges, data validations, protection, frozen
    panes and page setup; for comparing a workbook written two ways."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        setup, margins, protection = ws.page_setup, ws.page_margins, ws.protection
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": {c.coordinate: (c.value, c.data_type, _style(c)) for row in ws.iter_rows() for c in row},
            "columns": {
                key: (d.min, d.max, d.width if d.customWidth else None, d.hidden, d.style_id)
                for key, d in ws.column_dimensions.items()
            },
            "rows": {r: (d.height, d.hidden, d.s) for r, d in ws.row_dimensions.items() if d.height or d.hidden or d.s},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(v.sqref), *_fields(v, _VALIDATION)) for v in ws.data_validations.dataValidation),
            "protection": _fields(protection, _PROTECTION),
            "freeze": ws.freeze_panes,
            "page": _fields(setup, _PAGE) + _fields(margins, _MARGINS),
            "print": (ws.print_title_rows, str(ws.oddHeader.center.text), str(ws.oddFooter.center.text)),
        }
    return out


_VALIDATION = "type operator formula1 formula2 allow_blank errorStyle errorTitle error promptTitle prompt"
_VALIDATION += " showErrorMessage showInputMessage"
_PROTECTION = "sheet formatColumns formatRows insertRows deleteRows autoFilter selectLockedCells"
_PAGE = "orientation paperSize fitToWidth fitToHeight scale"
_MARGINS = "left right top bottom header footer"


def _fields(thing: Any, names: str) -> tuple[Any, ...]:
    return tuple(getattr(thing, name) for name in names.split())


def _style(cell: Any) -> tuple[Any, ...]:
    font, fill, border, align = cell.font, cell.fill, cell.border, cell.alignment
    sides = tuple((side.style, _colour(side.color)) for side in (border.left, border.right, border.top, border.bottom))
    return (
        (font.name, font.sz, font.b, font.i, font.u, _colour(font.color)),
        (fill.fill_type, _colour(fill.fgColor) if fill.fill_type else None),
        sides,
        (align.horizontal, align.vertical, align.wrap_text),
        cell.number_format,
        cell.protection.locked,
        cell.protection.hidden,
    )


def _colour(colour: Any) -> tuple[str, Any] | None:
    return None if colour is None else (colour.type, colour.value)
