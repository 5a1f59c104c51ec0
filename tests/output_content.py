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
