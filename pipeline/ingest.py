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

import dataclasses
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import python_calamine as calamine

from pipeline import layout, textsafe
from pipeline.config import Campaign, Unit
from pipeline.errors import FileRefused
from pipeline.kinds import ITEM_KINDS, PROBLEM, LedgerKind
from pipeline.messages import Message
from pipeline.vocab import FREE_TEXT, REQUIRED, Vocabulary, fold, key

if TYPE_CHECKING:
    import pandas as pd

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for the whole archive
MAX_ENTRIES = 2000
MAX_ROWS = 5000
HEADER_SCAN_ROWS = 30

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
    filled_text: str = ""  # the 填报日期 text of the header block
    marker: dict[str, str] | None = None  # the hidden marker of a generated template
    notices: tuple[Message, ...] = ()
    fmt: str = "xlsx"  # xlsx | xlsm | xls | ods, as recognised from the content
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> its header as written
    # the tables of other ledger kinds in the same file (kind name -> table), e.g. its 交办事项 sheet
    extra: dict[str, RawTable] = field(default_factory=dict)

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


def read_kind_table(path: Path, vocab: Vocabulary, kind: LedgerKind, file_name: str | None = None) -> RawTable:
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
    """Every worksheet's cells (hidden ones flagged) and the hidden marker of a generated template."""
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise FileRefused("file-encrypted") from exc
    except Exception as exc:  # calamine raises several error types for damaged files
        raise FileRefused("file-corrupt", detail=_short(exc)) from exc
    sheets: list[_Sheet] = []
    marker: dict[str, str] | None = None
    try:
        ods_merged = _ods_merged(data) if fmt == "ods" else {}
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if meta.name == layout.MARKER_SHEET:
                marker = _read_marker(sheet.to_python(skip_empty_area=False))
                continue
            height = sheet.end[0] + 1 if sheet.end else 0  # the last used row, 1-based
            if height > MAX_ROWS + HEADER_SCAN_ROWS:
                raise FileRefused("file-too-many-rows", sheet=meta.name, rows=height, limit=MAX_ROWS)
            rows = sheet.to_python(skip_empty_area=False)
            merged = ods_merged.get(meta.name, []) if fmt == "ods" else list(sheet.merged_cell_ranges or [])
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(_Sheet(meta.name, rows, merged, hidden))
    except FileRefused:
        raise
    except BaseException as exc:
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit; but a panic in calamine's Rust code is the file's fault
        raise FileRefused("file-corrupt", detail=_short(exc)) from exc
    finally:
        book.close()
    return sheets, marker


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merged(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Merged ranges of an .ods (calamine does not report them), from ``content.xml``.

    Parsed with defusedxml (no DTD, no entity expansion); rows and cells are counted with their
    ``number-*-repeated`` attributes so positions match calamine's grid.
    """
    from defusedxml.ElementTree import iterparse

    t = _ODS_TABLE
    result: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    depth, row, col, name = 0, 0, 0, ""
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if tag == f"{t}table":
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:
                    name, row = el.get(f"{t}name", ""), 0
                    result[name] = []
                continue
            if depth != 1:
                continue
            if tag == f"{t}table-row":
                if event == "start":
                    col = 0
                else:
                    row += int(el.get(f"{t}number-rows-repeated", "1"))
                    el.clear()
            elif tag in (f"{t}table-cell", f"{t}covered-table-cell") and event == "start":
                rows = int(el.get(f"{t}number-rows-spanned", "1"))
                cols = int(el.get(f"{t}number-columns-spanned", "1"))
                if tag == f"{t}table-cell" and (rows > 1 or cols > 1):
                    result[name].append(((row, col), (row + rows - 1, col + cols - 1)))
                col += int(el.get(f"{t}number-columns-repeated", "1"))
    return result


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
# Coded columns: their values are codes, not prose, so every space and line break inside is noise.
_CODED = ("问题编号", "问题类别", "完成状态")
_DATES = ("完成时限", "完成日期")
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


def _horizontal_fill(sheet: _Sheet, row: int) -> list[str]:
    """A header row's labels, a label merged across columns repeated over each of them."""
    labels = [_text(v) for v in sheet.rows[row]]
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 <= row <= r1 and r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]):
            top = _text(sheet.rows[r0][c0])
            for c in range(c0, min(c1 + 1, len(labels))):
                labels[c] = labels[c] or top
    return labels


def _best_header(sheet: _Sheet, lookup: dict[str, str], required: Sequence[str] = REQUIRED) -> _Header | None:
    """The header row that names the most columns; a two-row header (``完成情况`` merged over
    ``完成状态``/``完成日期``) reads each column's lower label where it names one, else the upper.

    Each row's labels are read and matched once; the scan stops at a row that names every column
    the lookup knows (no later row can score higher)."""
    best: _Header | None = None
    rows = sheet.rows
    most = _max_score(lookup, required)
    labels: dict[int, list[str]] = {}
    names: dict[int, list[str | None]] = {}

    def row_labels(r: int) -> tuple[list[str], list[str | None]]:
        if r not in labels:
            labels[r] = _horizontal_fill(sheet, r)
            names[r] = [_canonical(label, lookup) for label in labels[r]]
        return labels[r], names[r]

    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
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
        if best is not None and best.score >= most:
            break
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
    """The problem list among the sheets: visible sheets first; a hidden one only when no visible
    sheet holds the table (a file whose only list was hidden by mistake)."""
    lookup = vocab.header_lookup
    found = [(s, h) for s in sheets if (h := _best_header(s, lookup)) is not None]
    if not found:
        raise FileRefused("table-not-found", detail="各工作表中都没有找到问题清单的表头")

    def rank(pair: tuple[_Sheet, _Header]) -> tuple[int, int, int]:
        sheet, header = pair
        complete = all(c in header.mapping for c in REQUIRED)
        aside = any(w in sheet.name for w in _LAYOUT_WORDS)  # 说明 / 示例 sheets lose a tie
        return (int(complete), int(not sheet.hidden), header.score * 2 - int(aside))

    sheet, header = max(found, key=rank)  # max keeps the first of equals: sheet order
    missing = [c for c in REQUIRED if c not in header.mapping]
    if missing:
        raise FileRefused(
            "table-not-found", detail=f"工作表“{sheet.name}”第 {header.row + 1} 行的表头缺少：{'、'.join(missing)}"
        )
    _number_column(sheet, header)
    return _table(sheet, header, file_name, fmt)


def _find_kind_table(
    sheets: list[_Sheet], vocab: Vocabulary, file_name: str, fmt: str, kind: LedgerKind, exclude: str = ""
) -> RawTable | None:
    """The table of ``kind`` among the sheets (not ``exclude``, the sheet already taken), or None.

    Only a sheet whose header names every required column of the kind counts; a sheet named as
    the kind's template sheet wins a tie, visible sheets before hidden ones."""
    lookup = kind.header_lookup(vocab)
    found = [
        (s, h)
        for s in sheets
        if s.name != exclude
        and (h := _best_header(s, lookup, kind.required)) is not None
        and all(c in h.mapping for c in kind.required)
    ]
    if not found:
        return None

    def rank(pair: tuple[_Sheet, _Header]) -> tuple[int, int, int]:
        sheet, header = pair
        return (int(not sheet.hidden), int(sheet.name.strip() == kind.sheet), header.score)

    sheet, header = max(found, key=rank)
    return _table(sheet, header, file_name, fmt, kind)


def _table(sheet: _Sheet, header: _Header, file_name: str, fmt: str, kind: LedgerKind = PROBLEM) -> RawTable:
    """The table below ``header`` on ``sheet``: its rows, cell addresses and header block."""
    unit_text, filled_text = _header_block(sheet.rows[: header.row])
    values, rows, notices = _rows(sheet, header, file_name, kind)
    return RawTable(
        file_name=file_name,
        sheet=sheet.name,
        header_row=header.row + 1,
        columns={c: column_letter(i) for c, i in header.mapping.items()},
        values=values,
        rows=rows,
        unit_text=unit_text,
        filled_text=filled_text,
        notices=tuple(notices),
        fmt=fmt,
        headers={c: header.labels[i] for c, i in header.mapping.items()},
    )


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


def _header_block(rows: list[list[Any]]) -> tuple[str, str]:
    unit, filled = "", ""
    for row in rows:
        line = fold(" ".join(_text(v) for v in row if _text(v)))
        if not unit and (m := _UNIT_RE.search(line)):
            unit = m.group(1).strip()
        if not filled and (m := _DATE_RE.search(line)):
            filled = m.group(1).strip()
    return unit, filled


_TRIM = " \t\r\n\u3000\u00a0"


def _rows(
    sheet: _Sheet, header: _Header, file_name: str, kind: LedgerKind = PROBLEM
) -> tuple[tuple[list[Any], ...], tuple[int, ...], list[Message]]:
    """The table's values below ``header``, column by column, cleaned; the Excel row of each.

    The table ends at a footer (合计, 注：…, 审核人：…); blank rows, and rows holding only a 序号
    (an empty template row), are left out."""
    columns = list(header.mapping)
    places = list(header.mapping.values())
    free_text = FREE_TEXT if kind is PROBLEM else kind.free_text
    free = {header.mapping[c] for c in free_text if c in header.mapping}
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


def _cleaning(column: str, kind: LedgerKind = PROBLEM) -> tuple[bool, bool, bool]:
    """How a column's values are cleaned: (coded, an id, dates)."""
    coded = column in (_CODED if kind is PROBLEM else kind.coded)
    ident = coded and column == kind.id_column
    dates = not coded and column in (_DATES if kind is PROBLEM else kind.date_columns)
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


def identify_unit(raw: RawTable, campaign: Campaign, file_name: str) -> tuple[Unit | None, list[Message]]:
    """The unit, from the hidden marker, then the 填报单位 text, then the file name (SPEC §4)."""
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
