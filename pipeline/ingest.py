"""Read a received file into a ``RawTable``: the problem list as the unit wrote it.

Format is recognised by content, never by extension: .xlsx, .xlsm (values only; macros are never
read, let alone run), .xls (BIFF), .ods, and the same formats as WPS saves them. python-calamine
does the reading (fast, and it reports merged ranges for .xlsx and .xls); for .ods the merged
ranges come from ``content.xml`` through defusedxml. Every kept value remembers its Excel row
and column so later messages can name the cell (``G7``). Files that cannot be read raise
``FileRefused`` with a catalogue code; limits (size, unpacked size, compression ratio, rows) are
checked before any parsing, and nothing in a file is evaluated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import python_calamine as calamine

from pipeline import layout, textsafe
from pipeline.config import Campaign, Unit
from pipeline.errors import FileRefused
from pipeline.kinds import ITEM_KINDS, PROBLEM, Table
from pipeline.messages import Message
from pipeline.normalize import EXCEL_ERRORS, ExcelDate, ExcelError
from pipeline.vocab import REQUIRED, Vocabulary, fold, key

if TYPE_CHECKING:
    import pandas as pd

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for the whole archive
MAX_ENTRIES = 2000
MAX_ROWS = 5000
TITLE_ROWS = 30  # rows a sheet may have beyond MAX_ROWS: a title and header block above its table
HEADER_SCAN_ROWS = 1000  # the header may stand anywhere in a sheet's first rows (after a long preamble)
TABLE_COLUMNS = 2  # a header row naming this many columns makes a sheet hold a table (a hidden copy loses)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SKIP_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
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
    # the tables of other ledger kinds in the same file (kind name -> table), e.g. its 交办事项 sheet
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


@dataclass
class _Sheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False
    excel_errors: bool = False  # some cell holds an ``ExcelError``
    # the stored numbers of some cells, (row, column) 0-based -> number (xlsx and xls; None for ods)
    numbers: Callable[[set[tuple[int, int]]], dict[tuple[int, int], float]] | None = None


def should_skip(path: Path) -> bool:
    """Lock files (Excel/WPS ``~$…``, LibreOffice ``.~lock…#``), Office temp files (``~WRL….tmp``),
    hidden and system files: ignored quietly."""
    name = path.name
    lower = name.lower()
    temp = name.startswith("~") and lower.endswith(".tmp")
    return name.startswith(("~$", ".~", ".")) or temp or lower in SKIP_NAMES or not path.is_file()


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- format recognition ----------------------------------------------------------------------


def sniff(data: bytes) -> str:
    """Recognise a file's format from its bytes: xlsx, xls, ods, or raise FileRefused."""
    if not data:
        raise FileRefused("file-empty")
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<html" in head:
        raise FileRefused("file-not-spreadsheet", kind="网页文件（HTML），请在 Excel 中“另存为” .xlsx 后报送")
    if head.startswith(b"%pdf"):
        raise FileRefused("file-not-spreadsheet", kind="PDF 文件")
    if head[:4] in (b"\x89png", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1") or head.startswith(b"\xff\xd8"):
        raise FileRefused("file-not-spreadsheet", kind="图片")
    if data[:2] == b"PK":
        raise FileRefused("file-corrupt", detail="压缩包结构不完整")
    raise FileRefused("file-not-spreadsheet", kind="文本或未知格式")


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if len(infos) > MAX_ENTRIES:
                raise FileRefused("file-unpacked-too-large", size=f"{len(infos)} 个部件", limit=MAX_ENTRIES, ratio="-")
            _check_unpacked(sum(i.file_size for i in infos), len(data))  # as declared: cheap
            _check_parts(infos)
            if _worst_case(infos) > MAX_UNPACKED_BYTES:  # the parts could really inflate past the limit
                _check_unpacked(_inflated_total(data, infos), len(data))  # so measure what they inflate to
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime and "content.xml" in names:
                    return "ods"
                raise FileRefused("file-not-spreadsheet", kind="OpenDocument 文字或其他文档")
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names:
                    raise FileRefused("file-not-spreadsheet", kind="Excel 二进制工作簿（.xlsb），请另存为 .xlsx")
                types = zf.read("[Content_Types].xml")[:20000] if "[Content_Types].xml" in names else b""
                macro = b"macroEnabled" in types or "xl/vbaProject.bin" in names
                return "xlsm" if macro else "xlsx"
            if "word/document.xml" in names:
                raise FileRefused("file-not-spreadsheet", kind="Word 文档")
            if "ppt/presentation.xml" in names:
                raise FileRefused("file-not-spreadsheet", kind="PowerPoint 演示文稿")
            raise FileRefused("file-not-spreadsheet", kind="压缩包")
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise FileRefused("file-corrupt", detail="压缩包结构损坏或文件被截断") from exc


def _check_unpacked(unpacked: int, packed: int) -> None:
    ratio = unpacked / max(packed, 1)
    if unpacked > MAX_UNPACKED_BYTES or ratio > MAX_RATIO:
        raise FileRefused(
            "file-unpacked-too-large", size=_size(unpacked), limit=_size(MAX_UNPACKED_BYTES), ratio=f"{ratio:.0f}:1"
        )


_INFLATE_CHUNK = 1 << 20
DEFLATE_MAX_RATIO = 1032  # no deflate stream inflates to more than 1032 times its size (258 bytes in 2 bits)


def _check_parts(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Parts are stored or deflated, never encrypted on their own."""
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileRefused("file-corrupt", detail="压缩包中的部件被单独加密")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRefused("file-corrupt", detail=f"不支持的压缩方式（{info.compress_type}）")


def _worst_case(infos: Sequence[zipfile.ZipInfo]) -> int:
    """The most the parts can inflate to, whatever sizes they declare: a deflated part at most
    ``DEFLATE_MAX_RATIO`` times its compressed bytes (plus a block's slack), a stored part its own
    size. A file whose worst case is within the limit needs no inflating here: even its lies
    (sizes, CRCs) cannot make a reader unpack more than the limit."""
    total = 0
    for info in infos:
        ratio = DEFLATE_MAX_RATIO if info.compress_type == zipfile.ZIP_DEFLATED else 1
        total += info.compress_size * ratio + 1024
    return total


def _inflated_total(data: bytes, infos: Sequence[zipfile.ZipInfo]) -> int:
    """The real unpacked size of every part, measured by inflating it (never more than the limit).

    The sizes a zip declares are written by whoever made the file and can lie; the readers used
    later (python-calamine's zip crate) do not all stop at the declared size. So each part's raw
    deflate stream is inflated here, in chunks, counting what comes out: a part that inflates to
    more (or less) than it declares is a corrupt file, and the total stops at the limit, so a
    lying bomb costs one chunk of memory and the time to inflate up to the limit.
    """
    total = 0
    view = memoryview(data)
    for info in infos:
        start = _data_offset(data, info)
        raw = view[start : start + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            size = len(raw)
        else:  # deflated (_check_parts)
            size = _inflated_size(raw, min(info.file_size, MAX_UNPACKED_BYTES - total) + 1)
        if size != info.file_size:
            raise FileRefused("file-corrupt", detail="压缩包声明的大小与实际内容不符")
        total += size
    return total


def _data_offset(data: bytes, info: zipfile.ZipInfo) -> int:
    at = info.header_offset
    if data[at : at + 4] != ZIP_MAGIC:
        raise FileRefused("file-corrupt", detail="压缩包结构损坏或文件被截断")
    name_len = int.from_bytes(data[at + 26 : at + 28], "little")
    extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
    return at + 30 + name_len + extra_len


def _inflated_size(raw: memoryview, limit: int) -> int:
    """How many bytes ``raw`` (a raw deflate stream) inflates to, counting stopped past ``limit``."""
    inflater = zlib.decompressobj(-15)
    size, pending = 0, bytes(raw)
    while size <= limit:
        chunk = inflater.decompress(pending, _INFLATE_CHUNK)
        size += len(chunk)
        if inflater.eof:
            return size
        pending = inflater.unconsumed_tail
        if not pending and not chunk:
            raise FileRefused("file-corrupt", detail="压缩包结构损坏或文件被截断")
    return size


def _sniff_ole(data: bytes) -> str:
    import msoffcrypto
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as exc:
        raise FileRefused("file-corrupt", detail="旧版 Office 文件结构损坏") from exc
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
    if "EncryptedPackage" in streams:
        return "ooxml-encrypted"  # an encrypted .xlsx: maybe only Excel's default password
    if "Workbook" in streams or "Book" in streams:
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            encrypted = office.is_encrypted()
        except Exception:  # msoffcrypto raises assorted errors on odd files; reading decides
            encrypted = False
        return "xls-encrypted" if encrypted else "xls"
    if "WordDocument" in streams:
        raise FileRefused("file-not-spreadsheet", kind="Word 文档（.doc）")
    raise FileRefused("file-not-spreadsheet", kind="其他 Office 文件")


def _decrypt_default(data: bytes) -> bytes:
    """Excel's default ``VelvetSweatshop`` password opens "read-only protected" files."""
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password="VelvetSweatshop")
        out = io.BytesIO()
        office.decrypt(out)
    except Exception as exc:  # any failure here means a real password
        raise FileRefused("file-encrypted") from exc
    return out.getvalue()


def _unwrap(data: bytes) -> tuple[bytes, str]:
    """The readable bytes and their format; files locked with the default password are opened."""
    fmt = sniff(data)
    if fmt == "xls-encrypted":
        return _decrypt_default(data), "xls"
    if fmt == "ooxml-encrypted":
        inner = _decrypt_default(data)
        fmt = sniff(inner)  # the limits apply to what was inside too
        if fmt not in ("xlsx", "xlsm"):
            raise FileRefused("file-not-spreadsheet", kind="加密的 Office 文档")
        return inner, fmt
    return data, fmt


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


# --- reading ---------------------------------------------------------------------------------


def read_file(path: Path, vocab: Vocabulary, file_name: str | None = None) -> RawTable:
    """Read one received file. Raises ``FileRefused`` for anything that is not a readable list."""
    check_size(path.stat().st_size)
    data = path.read_bytes()
    return read_bytes(data, vocab, file_name or path.name)


def check_size(size: int) -> None:
    """A file larger than ``MAX_FILE_BYTES`` is refused before it is read."""
    if size > MAX_FILE_BYTES:
        raise FileRefused("file-too-large", size=_size(size), limit=_size(MAX_FILE_BYTES))


def read_bytes(data: bytes, vocab: Vocabulary, file_name: str) -> RawTable:
    data, fmt = _unwrap(data)
    sheets, marker = _load_sheets(data, fmt)
    table = _find_table(sheets, vocab, file_name, fmt)
    extra = {}
    for kind in ITEM_KINDS:  # a file may hold other kinds' tables beside its problem list
        found = _find_kind_table(sheets, vocab, file_name, fmt, kind, exclude=table.sheet)
        if found is not None:
            extra[kind.name] = dataclasses.replace(found, marker=marker)
    return dataclasses.replace(table, marker=marker, extra=extra)


def read_kind_table(path: Path, vocab: Vocabulary, kind: Table, file_name: str | None = None) -> RawTable:
    """Read the table of ``kind`` (the office's own list of assigned matters, say) from a file.

    Raises ``FileRefused`` when the file cannot be read or holds no such table."""
    check_size(path.stat().st_size)
    data, fmt = _unwrap(path.read_bytes())
    sheets, marker = _load_sheets(data, fmt)
    name = file_name or path.name
    found = _find_kind_table(sheets, vocab, name, fmt, kind)
    if found is None:
        raise FileRefused(
            "table-not-found", detail=f"各工作表中都没有找到{kind.label}的表头（应包含：{'、'.join(kind.required)}）"
        )
    return dataclasses.replace(found, marker=marker)


def _load_sheets(data: bytes, fmt: str) -> tuple[list[_Sheet], dict[str, str] | None]:
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
    sheets: list[_Sheet] = []
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
            sheets.append(_Sheet(meta.name, rows, merged, hidden, numbers=_numbers_of(data, fmt, meta.name, biff)))
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


# --- finding the table -------------------------------------------------------------------------

_PAREN = re.compile(r"[（(【\[〔][^（()）【】\[\]〔〕]*[)）】\]〕]")
_ID_RE = re.compile(r"^[A-Za-z]{1,12}-\d{1,5}$")
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
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


def _horizontal_fill(sheet: _Sheet, row: int, merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> list[str]:
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


def _best_header(sheet: _Sheet, lookup: dict[str, str], required: Sequence[str] = REQUIRED) -> _Header | None:
    """The header row that names the most columns; a two-row header (``完成情况`` merged over
    ``完成状态``/``完成日期``) reads each column's lower label where it names one, else the upper.

    The header may stand anywhere in the first ``HEADER_SCAN_ROWS`` rows (a long preamble above
    it), but the scan stops at the first header naming every required column (or every column
    the lookup knows): reading a list with its header on row 4 looks at four or five rows, not a
    thousand. Each row's labels are read and matched once."""
    best: _Header | None = None
    rows = sheet.rows
    scan = min(HEADER_SCAN_ROWS, len(rows))
    most = _max_score(lookup, required)
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


def _max_score(lookup: dict[str, str], required: Sequence[str]) -> int:
    """The score of a header naming every column ``lookup`` knows: no header can score more."""
    return _score(dict.fromkeys(set(lookup.values()), 0), required)


def _find_table(sheets: list[_Sheet], vocab: Vocabulary, file_name: str, fmt: str) -> RawTable:
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

    def rank(pair: tuple[_Sheet, _Header]) -> tuple[int, int, int]:
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


def _from_hidden(table: RawTable, sheet: _Sheet, label: str) -> RawTable:
    """``table`` with the warning that it was taken from the hidden ``sheet``."""
    params = {"label": label, "sheet": sheet.name}
    warning = Message("table-in-hidden-sheet", file=table.file_name, sheet=sheet.name, params=params)
    return dataclasses.replace(table, notices=(warning, *table.notices))


def _find_kind_table(
    sheets: list[_Sheet], vocab: Vocabulary, file_name: str, fmt: str, kind: Table, exclude: str = ""
) -> RawTable | None:
    """The table of ``kind`` among the sheets (not ``exclude``, the sheet already taken), or None.

    Only a sheet whose header names every required column of the kind counts; a sheet named as
    the kind's template sheet wins a tie. A hidden sheet is taken only when no visible sheet holds
    a table of the kind (complete or not), and then with a warning naming it."""
    lookup = kind.header_lookup(vocab)
    found = [(s, h) for s in sheets if s.name != exclude and (h := _best_header(s, lookup, kind.required)) is not None]
    complete = [(s, h) for s, h in found if all(c in h.mapping for c in kind.required)]
    if not complete:
        return None
    pool = [p for p in complete if not p[0].hidden]
    if not pool and any(not s.hidden and _holds_kind_table(h, vocab) for s, h in found):
        return None  # the visible table of the kind lacks a column: a hidden one never stands in for it
    pool = pool or complete

    def rank(pair: tuple[_Sheet, _Header]) -> tuple[int, int]:
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


def _table(sheet: _Sheet, header: _Header, file_name: str, fmt: str, kind: Table = PROBLEM) -> RawTable:
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
    sheet: _Sheet, header: _Header, kind: Table, values: tuple[list[Any], ...], rows: tuple[int, ...]
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


def _number_column(sheet: _Sheet, header: _Header) -> None:
    """A column headed ``编号`` is a sequence number (序号) unless it holds assigned ids (``HX-001``):
    then it is the 问题编号, whether or not another column already holds the 序号."""
    if "问题编号" in header.mapping:
        return
    for col, label in enumerate(header.labels):
        if key(label) != key("编号"):
            continue
        values = [_text(row[col]) for row in sheet.rows[header.row + 1 :] if col < len(row)]
        values = [_SPACES.sub("", unicodedata.normalize("NFKC", v)) for v in values if v.strip()]
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
    sheet: _Sheet, header: _Header, file_name: str, kind: Table = PROBLEM
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
    return _SPACES.sub("", fold(text)).startswith(FOOTER_WORDS)


@lru_cache(maxsize=4096)
def _short_footer_text(text: str) -> bool:
    return _SPACES.sub("", fold(text)).startswith(FOOTER_WORDS)


def _ignored(sheet: _Sheet, r: int, texts: list[str], file_name: str) -> Message:
    col = next(i for i, t in enumerate(texts) if t)
    value = " ".join(t for t in texts if t)
    return Message(
        "rows-ignored",
        file=file_name,
        sheet=sheet.name,
        cell=f"{column_letter(col)}{r + 1}",
        params={"value": value[:40]},
    )


def _vertical_fill(sheet: _Sheet, header: _Header) -> dict[tuple[int, int], Any]:
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
        out = [_SPACES.sub("", v) if type(v) is str else v for v in out]
        if ident:
            out = [unicodedata.normalize("NFKC", v) if type(v) is str else v for v in out]
    elif dates:
        out = [_SPACES.sub(" ", v) if type(v) is str else v for v in out]
    return out


_is_text = str.__instancecheck__  # a C-level test for filter()


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- the unit ---------------------------------------------------------------------------------


def _match_name(text: str, units: Sequence[Unit]) -> Unit | None:
    """The roster unit whose name or alias appears in ``text``: the longest match wins, and of
    matches as long, the unit first in the roster.

    Each piece of ``text`` as long as some name is looked up in the roster's index, longest
    first: a few dozen lookups however long the roster is."""
    k = key(text)
    if not k:
        return None
    index, lengths = _name_index(units)
    for n in lengths:
        found = [index[k[i : i + n]] for i in range(len(k) - n + 1) if k[i : i + n] in index]
        if found:
            return min(found, key=lambda hit: hit[0])[1]
    return None


_NAME_INDEX: list[tuple[Sequence[Unit], tuple[dict[str, tuple[int, Unit]], list[int]]]] = []  # the last roster's


def _name_index(units: Sequence[Unit]) -> tuple[dict[str, tuple[int, Unit]], list[int]]:
    """Every name and alias key -> (roster position, unit), the first unit keeping a key; and the
    keys' lengths, longest first. A roster (tuple) is indexed once."""
    if _NAME_INDEX and _NAME_INDEX[0][0] is units and isinstance(units, tuple):
        return _NAME_INDEX[0][1]
    index: dict[str, tuple[int, Unit]] = {}
    for position, unit in enumerate(units):
        for name in unit.names:
            if (nk := key(name)) and nk not in index:
                index[nk] = (position, unit)
    built = (index, sorted({len(nk) for nk in index}, reverse=True))
    _NAME_INDEX[:] = [(units, built)]
    return built


def name_text(file_name: str) -> str:
    """What a received file's name says: its path inside the inbox without the extension (the
    folders it came in may name the unit: ``红星村/附件2.xlsx``)."""
    return str(PurePosixPath(file_name).with_suffix("")) if "." in PurePosixPath(file_name).name else file_name


def unit_from_name(file_name: str, campaign: Campaign) -> Unit | None:
    """The roster unit named in a file's name (the last resort of ``identify_unit``)."""
    return _match_name(name_text(file_name), campaign.units)


_PREFIXED_ID = re.compile(r"^([A-Z0-9_]+)-\d{1,5}$")


def unit_from_ids(raw: RawTable, campaign: Campaign) -> Unit | None:
    """The roster unit whose code prefixes the 问题编号 of the file (``BH-001`` …), when more than
    half of the ids that have a prefix share it."""
    ids = raw.column("问题编号") or []
    prefixes: dict[str, int] = {}
    for value in ids:
        if type(value) is str and (
            m := _PREFIXED_ID.match(_SPACES.sub("", unicodedata.normalize("NFKC", value)).upper())
        ):
            prefixes[m[1]] = prefixes.get(m[1], 0) + 1
    if not prefixes:
        return None
    code, count = max(prefixes.items(), key=lambda item: item[1])
    if count * 2 <= sum(prefixes.values()):
        return None
    return next((u for u in campaign.units if u.code.upper() == code), None)


def identify_unit(raw: RawTable, campaign: Campaign, file_name: str) -> tuple[Unit | None, list[Message]]:
    """The unit, from (in this order) the hidden marker, the 填报单位 text, the title above the
    table, the 问题编号 prefixes, the file name (SPEC §4). The first clue found decides; another
    clue naming another unit is a warning (``unit-conflict``)."""
    found: list[tuple[str, Unit]] = []
    messages: list[Message] = []
    if raw.marker and raw.marker.get("unit_code"):
        unit = campaign.unit_by_code(raw.marker["unit_code"].upper())
        if unit is None:
            return None, [Message("unit-not-in-roster", file=file_name, params={"code": raw.marker["unit_code"]})]
        found.append(("模板标记", unit))
    text_unit = _match_name(raw.unit_text, campaign.units) if raw.unit_text else None
    if text_unit:
        found.append(("填报单位", text_unit))
    if raw.title_text and (unit := _match_name(raw.title_text, campaign.units)):
        found.append(("表格标题", unit))
    if unit := unit_from_ids(raw, campaign):
        found.append(("问题编号", unit))
    if unit := _match_name(name_text(file_name), campaign.units):
        found.append(("文件名", unit))
    if not found:
        return None, [Message("unit-unknown", file=file_name, params={"found": raw.unit_text or "（空）"})]
    chosen = found[0][1]
    others = [(src, u) for src, u in found[1:] if u != chosen]
    if others:
        detail = "；".join(f"{src}为“{u.name}”" for src, u in found)
        messages.append(Message("unit-conflict", file=file_name, params={"detail": detail, "unit": chosen.name}))
    if raw.unit_text and text_unit is None:
        source = found[0][0]
        messages.append(
            Message(
                "unit-text-unmatched",
                file=file_name,
                sheet=raw.sheet,
                params={"found": raw.unit_text, "source": source, "unit": chosen.name},
            )
        )
    return chosen, messages
