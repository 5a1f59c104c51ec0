"""Recognise a received file's format by its content, never by its extension, and refuse what
cannot be read before any parsing: .xlsx / .xlsm (values only; macros are never read, let alone
run), .xls (BIFF), .ods, and the same as WPS saves them; encrypted files (Excel's default
"VelvetSweatshop" password is opened), zip bombs (sizes and the real unpacked size are checked,
deflate streams inflated in chunks), corrupt and foreign files (Word, PDF, pictures…), each as
``FileRefused`` with its catalogue code."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.errors import FileRefused

if TYPE_CHECKING:
    pass

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for the whole archive
MAX_ENTRIES = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


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
            if worst_case(infos) > MAX_UNPACKED_BYTES:  # the parts could really inflate past the limit
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
            "file-unpacked-too-large",
            size=size_text(unpacked),
            limit=size_text(MAX_UNPACKED_BYTES),
            ratio=f"{ratio:.0f}:1",
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


def worst_case(infos: Sequence[zipfile.ZipInfo]) -> int:
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


def decrypt_default(data: bytes) -> bytes:
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


def unwrap(data: bytes) -> tuple[bytes, str]:
    """The readable bytes and their format; files locked with the default password are opened."""
    fmt = sniff(data)
    if fmt == "xls-encrypted":
        return decrypt_default(data), "xls"
    if fmt == "ooxml-encrypted":
        inner = decrypt_default(data)
        fmt = sniff(inner)  # the limits apply to what was inside too
        if fmt not in ("xlsx", "xlsm"):
            raise FileRefused("file-not-spreadsheet", kind="加密的 Office 文档")
        return inner, fmt
    return data, fmt


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"
