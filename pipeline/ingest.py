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
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pipeline.config import Campaign, Unit
from pipeline.errors import FileRefused
from pipeline.kinds import ITEM_KINDS, RATING, Table
from pipeline.messages import Message
from pipeline.vocab import Vocabulary, key

if TYPE_CHECKING:
    pass

from pipeline.readers.formats import MAX_FILE_BYTES, size_text, sniff, unwrap
from pipeline.readers.sheets import is_panic, load_sheets
from pipeline.readers.tables import SPACES, RawTable, column_letter, find_kind_table, find_table

SKIP_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


def should_skip(path: Path) -> bool:
    """Lock files (Excel/WPS ``~$…``, LibreOffice ``.~lock…#``), Office temp files (``~WRL….tmp``),
    hidden and system files: ignored quietly."""
    name = path.name
    lower = name.lower()
    temp = name.startswith("~") and lower.endswith(".tmp")
    return name.startswith(("~$", ".~", ".")) or temp or lower in SKIP_NAMES or not path.is_file()


# --- reading ---------------------------------------------------------------------------------


def read_file(path: Path, vocab: Vocabulary, file_name: str | None = None) -> RawTable:
    """Read one received file. Raises ``FileRefused`` for anything that is not a readable list."""
    check_size(path.stat().st_size)
    data = path.read_bytes()
    return read_bytes(data, vocab, file_name or path.name)


def check_size(size: int) -> None:
    """A file larger than ``MAX_FILE_BYTES`` is refused before it is read."""
    if size > MAX_FILE_BYTES:
        raise FileRefused("file-too-large", size=size_text(size), limit=size_text(MAX_FILE_BYTES))


def read_bytes(data: bytes, vocab: Vocabulary, file_name: str) -> RawTable:
    data, fmt = unwrap(data)
    sheets, marker = load_sheets(data, fmt)
    table = find_table(sheets, vocab, file_name, fmt)
    extra = {}
    # a file may hold other kinds' tables beside its problem list, and a village's its rating
    kinds = (*ITEM_KINDS, RATING)
    for kind in kinds:
        # never the problem list, nor a sheet named as another kind's (a 评议反映问题 sheet is no 交办事项 table)
        others = tuple(k.sheet for k in kinds if k.sheet != kind.sheet)
        found = find_kind_table(sheets, vocab, file_name, fmt, kind, exclude=(table.sheet, *others))
        if found is not None:
            extra[kind.name] = dataclasses.replace(found, marker=marker)
    return dataclasses.replace(table, marker=marker, extra=extra)


def read_kind_table(path: Path, vocab: Vocabulary, kind: Table, file_name: str | None = None) -> RawTable:
    """Read the table of ``kind`` (the office's own list of assigned matters, say) from a file.

    Raises ``FileRefused`` when the file cannot be read or holds no such table."""
    check_size(path.stat().st_size)
    data, fmt = unwrap(path.read_bytes())
    sheets, marker = load_sheets(data, fmt)
    name = file_name or path.name
    found = find_kind_table(sheets, vocab, name, fmt, kind)
    if found is None:
        raise FileRefused(
            "table-not-found", detail=f"各工作表中都没有找到{kind.label}的表头（应包含：{'、'.join(kind.required)}）"
        )
    return dataclasses.replace(found, marker=marker)


# --- the unit ---------------------------------------------------------------------------------


def match_name(text: str, units: Sequence[Unit]) -> Unit | None:
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
    return match_name(name_text(file_name), campaign.units)


_PREFIXED_ID = re.compile(r"^([A-Z0-9_]+)-\d{1,5}$")


def unit_from_ids(raw: RawTable, campaign: Campaign) -> Unit | None:
    """The roster unit whose code prefixes the 问题编号 of the file (``BH-001`` …), when more than
    half of the ids that have a prefix share it."""
    ids = raw.column("问题编号") or []
    prefixes: dict[str, int] = {}
    for value in ids:
        if type(value) is str and (
            m := _PREFIXED_ID.match(SPACES.sub("", unicodedata.normalize("NFKC", value)).upper())
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
    text_unit = match_name(raw.unit_text, campaign.units) if raw.unit_text else None
    if text_unit:
        found.append(("填报单位", text_unit))
    if raw.title_text and (unit := match_name(raw.title_text, campaign.units)):
        found.append(("表格标题", unit))
    if unit := unit_from_ids(raw, campaign):
        found.append(("问题编号", unit))
    if unit := match_name(name_text(file_name), campaign.units):
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


__all__ = [
    "MAX_FILE_BYTES",
    "RawTable",
    "check_size",
    "column_letter",
    "identify_unit",
    "is_panic",
    "name_text",
    "read_bytes",
    "read_file",
    "read_kind_table",
    "should_skip",
    "sniff",
    "unit_from_ids",
    "unit_from_name",
]
