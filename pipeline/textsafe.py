"""Submitted text made safe for the files the pipeline writes.

A unit's cell may hold anything: control characters (``\\x01``, a form feed pasted from Word),
the non-characters U+FFFE/U+FFFF, and a file name may carry undecodable bytes (lone surrogates
after Python's ``surrogateescape``). None of them is allowed in XML 1.0, so openpyxl and
python-docx refuse them and a writer that lets them through makes a file Excel or Word will not
open. Every writer of outputs (``render_xlsx``, ``render_feedback``, ``render_docx``) passes
submitted text through here. Excel also stops at 32,767 characters a cell: longer text is cut
with a visible mark (the ledger keeps it whole).
"""

from __future__ import annotations

import os
import re

EXCEL_CELL_MAX = 32767
TRUNCATION_MARK = "……（内容过长，已截断）"
# Not a Char of XML 1.0: C0 controls except tab, line feed and carriage return; surrogates; FFFE/FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


WIDE_FROM = 0x2E80  # the first wide character (CJK radicals); every one from here on counts two
_WIDE_CHARS = re.compile(f"[{chr(WIDE_FROM)}-\U0010ffff]")


def display_len(text: str) -> int:
    """Width of ``text`` in Excel column units: wide (CJK) characters count two."""
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(_WIDE_CHARS.sub("", text))


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def cell_text(text: str) -> str:
    """``text`` for one spreadsheet cell: XML-safe and at most Excel's 32,767 characters."""
    text = xml_text(text)
    if len(text) > EXCEL_CELL_MAX:
        text = text[: EXCEL_CELL_MAX - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


def cell_texts(texts: list[str]) -> list[str]:
    """``cell_text`` of each of ``texts``: ``texts`` itself when none needs changing (the usual
    case, found in one scan of them all)."""
    if is_clean("".join(texts)) and max(map(len, texts), default=0) <= EXCEL_CELL_MAX:
        return texts
    return [cell_text(text) for text in texts]


def is_clean(text: str) -> bool:
    return _NOT_XML.search(text) is None


def file_name(name: str) -> str:
    """A received file's name as text: bytes that are not UTF-8 (a name made on Chinese Windows,
    unpacked from a zip, arrives in GBK) are read as GB18030, else replaced with U+FFFD.

    Python keeps such bytes as lone surrogates, which SQLite, JSON-to-UTF-8 and every XML writer
    refuse; a clean name is returned unchanged.
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return xml_text(name)
    raw = os.fsencode(name)
    try:
        return xml_text(raw.decode("gb18030"))
    except UnicodeDecodeError:
        return xml_text(raw.decode("utf-8", errors="replace"))
