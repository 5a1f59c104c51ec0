"""What an output says, as a reader gets it back: for comparing a month's outputs made by two
versions of the program (never byte for byte: workbooks and documents are zips with timestamps).

``content(folder)`` maps each file of a month's outputs to its text: every cell of every sheet of
a workbook (openpyxl, values as shown: dates in ISO form), every paragraph, table cell, header
and footer of a Word document (python-docx), in order. ``docx_tables``, ``docx_text`` and ``sheet``
read one document's tables or text, or the table at the top of one sheet, for a test's assertions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter


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
    return _each_output(folder, workbook_text, document_text)


def _each_output(
    folder: Path, workbook: Callable[[Path], list[str]], document: Callable[[Path], list[str]]
) -> dict[str, list[str]]:
    """Every workbook and Word document under ``folder`` (relative path -> what ``workbook`` or
    ``document`` reads of it)."""
    out: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if path.suffix == ".xlsx":
            out[name] = workbook(path)
        elif path.suffix == ".docx":
            out[name] = document(path)
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


# --- how an output looks: formats, widths, print setup, checks, charts -------------------------


def _colour(colour: Any) -> str:
    if colour is None:
        return ""
    return str(colour.rgb if colour.type == "rgb" else f"{colour.type}:{colour.value}")


def _style(cell: Any) -> str:
    f, a, b = cell.font, cell.alignment, cell.border
    # a font left without name, size or colour is the workbook's default as Excel shows it
    # (Calibri 11 in the theme's text colour: openpyxl leaves them out, xlsxwriter writes them)
    name, size, colour = f.name or "Calibri", f.sz or 11.0, _colour(f.color) or "theme:1"
    font = f"{name},{size},{'b' if f.b else ''}{'i' if f.i else ''}{'u' if f.u else ''},{colour}"
    fill = f"{cell.fill.fill_type or ''}:{_colour(cell.fill.fgColor)}" if cell.fill.fill_type else ""
    sides = ",".join(getattr(b, s).style or "" for s in ("left", "right", "top", "bottom"))
    align = f"{a.horizontal or ''},{a.vertical or ''},{'w' if a.wrap_text else ''},{a.indent or 0}"
    locked = f"{'L' if cell.protection.locked else ''}{'H' if cell.protection.hidden else ''}"
    return f"font={font} fill={fill} border={sides} align={align} fmt={cell.number_format} {locked}"


def _widths(ws: Any) -> list[str]:
    """Each column's width, one by one (a run of equal columns may be stored as one range)."""
    out = []
    for d in ws.column_dimensions.values():
        if d.width:
            out += [
                f"{get_column_letter(c)}:{d.width}:{d.hidden}" for c in range(d.min or 1, (d.max or d.min or 1) + 1)
            ]
    return sorted(out, key=lambda w: column_index_from_string(w.split(":")[0]))


def _chart_lines(path: Path) -> list[str]:
    """Each chart part of a workbook: its chart types, titles' and series' references, in order."""
    import zipfile

    from defusedxml import ElementTree

    out = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ElementTree.fromstring(z.read(name))
            tags = [e.tag.rsplit("}", 1)[-1] for e in root.iter()]
            kinds = [t for t in tags if t.endswith("Chart") and t != "chart"]
            refs = [e.text or "" for e in root.iter() if e.tag.endswith("}f")]
            texts = [e.text or "" for e in root.iter() if e.tag.endswith("}t")]
            out.append(f"chart {kinds} refs={refs} texts={texts}")
    return out


def workbook_look(path: Path) -> list[str]:
    """How a workbook looks, sheet by sheet: state, panes, filter, print setup, header and footer,
    protection, merged ranges, column widths, row heights, checks (data validations),
    conditional formats, and each cell's style (a number) as runs of equal styles along a row;
    then the styles those numbers stand for, and the charts."""
    wb = openpyxl.load_workbook(path)
    out: list[str] = []
    styles: dict[str, int] = {}  # a style -> its number, in order of first use (listed at the end)
    for ws in wb.worksheets:
        setup = ws.page_setup
        out += [
            f"[{ws.title}] {ws.sheet_state} freeze={ws.freeze_panes} filter={ws.auto_filter.ref}",
            f"print titles={ws.print_title_rows} {setup.orientation} paper={setup.paperSize} "
            f"fit={ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None},"
            f"{1 if setup.fitToWidth is None else setup.fitToWidth},{setup.fitToHeight} "  # 1 when left out
            f"centred={ws.print_options.horizontalCentered}",
            f"header={ws.oddHeader.center.text}|{ws.oddHeader.left.text} footer={ws.oddFooter.left.text}|"
            f"{ws.oddFooter.center.text} margins={ws.page_margins.left},{ws.page_margins.right},"
            f"{ws.page_margins.top},{ws.page_margins.bottom}",
            f"protected={ws.protection.sheet} rows={ws.protection.insertRows},{ws.protection.deleteRows}",
            f"merged={sorted(str(r) for r in ws.merged_cells.ranges)}",
            "widths=" + ",".join(_widths(ws)),
            "heights=" + ",".join(f"{k}:{d.height}" for k, d in sorted(ws.row_dimensions.items()) if d.height),
        ]
        for dv in ws.data_validations.dataValidation:
            out.append(
                f"check {dv.sqref} {dv.type} {dv.operator} {dv.formula1} {dv.formula2} {dv.errorStyle} "
                f"{dv.promptTitle}:{dv.prompt} {dv.errorTitle}:{dv.error} {dv.showDropDown}"
            )
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                out.append(f"conditional {cf.sqref} {rule.type} {rule.operator} {rule.formula}")
        for row in ws.iter_rows():
            runs: list[list[Any]] = []  # [first column, last column, style]
            for cell in row:
                if cell.has_style or cell.value is not None:
                    style = styles.setdefault(_style(cell), len(styles))
                    if runs and runs[-1][2] == style and runs[-1][1] == cell.column - 1:
                        runs[-1][1] = cell.column
                    else:
                        runs.append([cell.column, cell.column, style])
            if runs:
                out.append(f"row {row[0].row}: " + " ".join(f"{a}-{b}:s{s}" for a, b, s in runs))
    return out + [f"s{n} {style}" for style, n in styles.items()] + _chart_lines(path)


def document_look(path: Path) -> list[str]:
    """How a Word document looks: each section's page, each paragraph's style, alignment and
    runs (bold, size, font), each table's shape and its cells' paragraphs likewise."""
    doc = docx.Document(str(path))
    out: list[str] = []
    for s in doc.sections:
        out.append(f"section {s.orientation} {s.page_width} {s.page_height} {s.left_margin} {s.top_margin}")

    def paragraph(p: Any) -> str:
        runs = ",".join(f"{'b' if r.bold else ''}{r.font.size}{r.font.name}" for r in p.runs if r.text)
        return f"{p.style.name if p.style is not None else ''} {p.alignment} {runs}"

    out += [f"p {paragraph(p)}" for p in doc.paragraphs]
    for t in doc.tables:
        out.append(f"table {len(t.rows)}x{len(t.columns)} {t.style.name if t.style is not None else ''}")
        out += [f"cell {paragraph(p)}" for r in t.rows for c in r.cells for p in c.paragraphs]
    return out


def look(folder: Path) -> dict[str, list[str]]:
    """How every output file under ``folder`` looks (relative path -> its lines)."""
    return _each_output(folder, workbook_look, document_look)


def workbook_snapshot(path: Path) -> dict[str, Any]:
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
            "cells": {c.coordinate: (c.value, c.data_type, _cell_style(c)) for row in ws.iter_rows() for c in row},
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


def _cell_style(cell: Any) -> tuple[Any, ...]:
    font, fill, border, align = cell.font, cell.fill, cell.border, cell.alignment
    sides = tuple(
        (side.style, _colour_of(side.color)) for side in (border.left, border.right, border.top, border.bottom)
    )
    return (
        (font.name, font.sz, font.b, font.i, font.u, _colour_of(font.color)),
        (fill.fill_type, _colour_of(fill.fgColor) if fill.fill_type else None),
        sides,
        (align.horizontal, align.vertical, align.wrap_text),
        cell.number_format,
        cell.protection.locked,
        cell.protection.hidden,
    )


def _colour_of(colour: Any) -> tuple[str, Any] | None:
    return None if colour is None else (colour.type, colour.value)
