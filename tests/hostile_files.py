"""Builders of hostile and broken files, made the way real files and real attackers make them.

An .xlsx here is written part by part into a real zip (``xlsx_parts``), its sheet XML streamed
(``stream_xlsx``), so a million-row sheet costs seconds and little memory. The problem list is
the same as the other tests' (``builders_ingest.list_grid``), so an attack either breaks the file
or rides on a list that would otherwise be accepted.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from hashlib import md5
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import olefile
from builders_ingest import list_grid, patch_boundsheets, write_book
from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
from cryptography.hazmat.primitives.ciphers import Cipher

from pipeline.ingest import column_letter

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="问题清单" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = "</sheetData></worksheet>"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

BILLION_LAUGHS_DTD = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
XXE_DTD = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def grid_rows(**kwargs: Any) -> list[list[Any]]:
    """The standard problem list (``list_grid``) as rows of values."""
    return [list(r) for r in list_grid(**kwargs).cells]


_EXCEL_ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def excel_escape(text: str) -> str:
    """Characters XML cannot hold, written as Excel writes them (``_x0001_``); readers decode them."""
    return _EXCEL_ESCAPED.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def cell_xml(row: int, col: int, value: Any, raw: bool = False) -> str:
    """One inline-string cell (``raw``: the text goes into the XML unescaped, for entity references)."""
    if value is None or value == "":
        return ""
    ref = f"{column_letter(col)}{row}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value) if raw else escape(excel_escape(str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def rows_xml(
    rows: Iterable[Sequence[Any]], first: int = 1, raw: frozenset[tuple[int, int]] = frozenset()
) -> Iterator[str]:
    for r, row in enumerate(rows, start=first):
        cells = "".join(cell_xml(r, c, v, (r, c) in raw) for c, v in enumerate(row))
        yield f'<row r="{r}">{cells}</row>'


def stream_xlsx(path: Path, sheet_chunks: Iterable[str], extra: dict[str, bytes] | None = None, level: int = 6) -> Path:
    """An .xlsx whose one sheet's XML is written chunk by chunk (never whole in memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            buffer: list[str] = []
            size = 0
            for chunk in sheet_chunks:
                buffer.append(chunk)
                size += len(chunk)
                if size > 1 << 20:
                    fh.write("".join(buffer).encode())
                    buffer, size = [], 0
            fh.write("".join(buffer).encode())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def list_xlsx(
    path: Path, rows: Sequence[Sequence[Any]] | None = None, doctype: str = "", tail: Iterable[str] = (), **kwargs: Any
) -> Path:
    """The problem list as a hand-written .xlsx; ``doctype`` goes before the root, ``tail`` after the rows."""
    grid = rows if rows is not None else grid_rows(**kwargs)
    chunks = [XML_DECL, doctype, SHEET_OPEN, *rows_xml(grid), *tail, SHEET_CLOSE]
    return stream_xlsx(path, chunks)


# --- the attacks -----------------------------------------------------------------------------


def billion_laughs(path: Path, referenced: bool = True) -> Path:
    """Entities nested nine deep (10^9 ``lol``): referenced in 具体问题 of the first row, or only declared."""
    rows = grid_rows()
    raw: frozenset[tuple[int, int]] = frozenset()
    if referenced:
        rows[4][3] = "&lol9;"
        raw = frozenset({(5, 3)})
    chunks = [XML_DECL, BILLION_LAUGHS_DTD, SHEET_OPEN, *rows_xml(rows, raw=raw), SHEET_CLOSE]
    return stream_xlsx(path, chunks)


def external_entity(path: Path) -> Path:
    """XXE: ``&xxe;`` (``file:///etc/passwd``) in 具体问题 of the first row."""
    rows = grid_rows()
    rows[4][3] = "&xxe;"
    chunks = [XML_DECL, XXE_DTD, SHEET_OPEN, *rows_xml(rows, raw=frozenset({(5, 3)})), SHEET_CLOSE]
    return stream_xlsx(path, chunks)


def external_entity_ods(path: Path) -> Path:
    """An .ods whose content.xml declares and uses an external entity."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM '
        '"file:///etc/passwd">]><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="问题清单"><table:table-row><table:table-cell><text:p>&xxe;</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    return path


def zip_bomb(path: Path, megabytes: int = 150) -> Path:
    """A real list plus a sheet part of ``megabytes`` MB of identical rows: honest sizes, huge ratio."""
    row = '<row><c t="inlineStr"><is><t>炸</t></is></c></row>'
    count = megabytes * 1024 * 1024 // len(row.encode())
    src = list_xlsx(path.with_suffix(".src"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        with zout.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh:
            block = (row * 20000).encode()
            for _ in range(count // 20000):
                fh.write(block)
    src.unlink()
    return path


def lying_zip_bomb(path: Path, megabytes: int = 64, declared: int = 4096) -> Path:
    """A part that inflates to ``megabytes`` MB of zeros, its sizes and CRC rewritten to claim
    ``declared`` bytes (the CRC of the first ``declared`` bytes, so zipfile reads it happily)."""
    src = list_xlsx(path.with_suffix(".src"))
    name = "xl/media/image1.png"
    with zipfile.ZipFile(src, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as fh:
        zero = b"\x00" * (1 << 20)
        for _ in range(megabytes):
            fh.write(zero)
    data = bytearray(src.read_bytes())
    src.unlink()
    crc = zlib.crc32(b"\x00" * declared)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(name)
    at = info.header_offset
    struct.pack_into("<I", data, at + 14, crc)
    struct.pack_into("<I", data, at + 22, declared)
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
        assert central > 0
    struct.pack_into("<I", data, central + 16, crc)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))
    return path


def truncated(path: Path, fraction: float = 0.5) -> Path:
    good = write_book(path.with_suffix(".src.xlsx"), [list_grid()])
    data = good.read_bytes()
    good.unlink()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def docx_as_xlsx(path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph("问题清单见附件")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))  # saved under an .xlsx name: content decides
    return path


def far_cell(path: Path) -> Path:
    """A 1.5 KB list whose sheet also has a cell at XFD1048576: a 17-billion-cell grid to allocate."""
    tail = [f'<row r="1048576">{cell_xml(1048576, 16383, "末")}</row>']
    return list_xlsx(path, tail=tail)


def million_rows(path: Path, rows: int = 1_000_000) -> Path:
    """The list followed by ``rows`` rows of one short cell each, streamed."""
    head = grid_rows()
    body = (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(len(head) + 1, rows + 1))
    return stream_xlsx(path, [XML_DECL, SHEET_OPEN, *rows_xml(head), *body, SHEET_CLOSE], level=1)


def wide_rows(path: Path, columns: int = 100) -> Path:
    """The list with ``columns`` columns: the twelve of the template, then 88 more, all filled."""
    rows = grid_rows()
    for r, row in enumerate(rows):
        extra = [f"附加{c}" if r == 3 else (f"值{r}-{c}" if r > 3 else None) for c in range(len(row), columns)]
        row.extend(extra)
    return list_xlsx(path, rows=rows)


# --- encryption --------------------------------------------------------------------------------

FILEPASS, WRITEACCESS = 0x002F, 0x005C
_NOT_ENCRYPTED = {0x0809, 0x002F, 0x0194, 0x0195, 0x00E1, 0x0138, 0x0196}  # BOF, FilePass, UsrExcl, ...


def _rc4_key(password: str, salt: bytes, block: int) -> bytes:
    h0 = md5(password.encode("utf-16-le")).digest()[:5]
    h1 = md5((h0 + salt) * 16).digest()[:5]
    return md5(h1 + struct.pack("<I", block)).digest()[:16]


def _keystream(password: str, salt: bytes, size: int) -> bytes:
    out = bytearray()
    for block in range((size + 1023) // 1024):
        enc = Cipher(ARC4(_rc4_key(password, salt, block)), mode=None).encryptor()
        out += enc.update(b"\x00" * 1024)
    return bytes(out[:size])


def encrypt_xls(path: Path, password: str = "VelvetSweatshop") -> Path:
    """Encrypt an .xls in place with BIFF8 RC4 (MS-XLS 2.4.117 FilePass), as Excel's "protect"
    does; with ``VelvetSweatshop`` it is the file Excel opens without asking for a password.

    The FilePass record takes the place of WriteAccess (116 bytes: FilePass plus a shorter
    WriteAccess), so no stream offset moves; record payloads are then encrypted in place.
    """
    ole = olefile.OleFileIO(str(path))
    stream = bytearray(ole.openstream("Workbook").read())
    ole.close()
    salt, verifier = os.urandom(16), os.urandom(16)
    cipher = Cipher(ARC4(_rc4_key(password, salt, 0)), mode=None).encryptor()
    sealed = cipher.update(verifier + md5(verifier).digest())
    filepass = struct.pack("<HHHHH", FILEPASS, 54, 1, 1, 1) + salt + sealed
    at, spans = 0, []
    while at + 4 <= len(stream):
        num, size = struct.unpack_from("<HH", stream, at)
        if num == 0 and not any(stream[at:]):  # xlwt pads the stream: make the padding one record
            struct.pack_into("<HH", stream, at, 0, len(stream) - at - 4)
            spans.append((at + 4, len(stream)))
            break
        if num == WRITEACCESS and size == 112:
            stream[at : at + 116] = filepass + struct.pack("<HH", WRITEACCESS, 54) + b" " * 54
            num, size = FILEPASS, 54
        if num == 0x0085:  # BoundSheet8: its stream position stays clear
            spans.append((at + 8, at + 4 + size))
        elif num not in _NOT_ENCRYPTED:
            spans.append((at + 4, at + 4 + size))
        at += 4 + size
    keys = _keystream(password, salt, len(stream))
    for start, end in spans:
        for i in range(start, end):
            stream[i] ^= keys[i]
    ole = olefile.OleFileIO(str(path), write_mode=True)
    ole.write_stream("Workbook", bytes(stream))
    ole.close()
    return path


def velvet_xls(path: Path, password: str = "VelvetSweatshop") -> Path:
    return encrypt_xls(write_book(path, [list_grid()], "xls"), password)


def xls_sheet_offset_past_end(path: Path, past: int = 100_000) -> Path:
    """A real .xls (the standard list, 5 KB) whose BoundSheet8 record's sheet offset (``lbPlyPos``)
    points ``past`` bytes beyond the end of the workbook stream: python-calamine slices the stream
    there and panics."""
    write_book(path, [list_grid()], "xls")

    def patch(_index: int, stream: bytearray, payload: int) -> None:
        struct.pack_into("<I", stream, payload, len(stream) + past)

    return patch_boundsheets(path, patch)
