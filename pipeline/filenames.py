"""File names made from text people typed, and outputs kept inside their folder (issue #17.1).

A unit's name (``模板/{单位}.xlsx``, ``督办通知单/{单位}.docx``), a received file's name
(``退回/{文件}_退回修改.xlsx``) and a report's title become file names. ``safe_name`` is the one
place that turns such text into a name every file system accepts: one path component, never
``.``/``..`` nor hidden, without control characters, with the characters Windows forbids
(``<>:"/\\|?*``) in their full-width forms, not a Windows device name, and short enough.
``output_path`` then refuses a path that would resolve outside its folder (a link left there).
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import textsafe
from pipeline.errors import OutputPathError

NAME_BYTES = 240  # a file name's UTF-8 bytes at most: file systems allow 255, "(2)" etc. need room
_WINDOWS_BAD = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in '<>:"/\\|?*'})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_DEVICE = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")


def safe_name(text: object, suffix: str = "", fallback: str = "未命名") -> str:
    """``text`` + ``suffix`` as a file name (see the module's docstring); ``fallback`` when
    nothing of ``text`` is left. Names that are already safe come back unchanged."""
    stem = _CONTROL.sub("", " ".join(textsafe.xml_text(str(text)).split()))
    stem = stem.translate(_WINDOWS_BAD).strip(" .")
    if _DEVICE.fullmatch(stem):
        stem += "_"
    room = NAME_BYTES - len(suffix.encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return f"{stem.rstrip(' .') or fallback}{suffix}"


def output_path(folder: Path, name: str) -> Path:
    """``folder / name`` for writing, refused with ``OutputPathError`` unless it is a file
    directly inside ``folder`` once resolved: ``name`` must be one plain component, and a link
    already standing there may not point elsewhere."""
    path = folder / name
    plain = name not in ("", ".", "..") and "/" not in name and "\\" not in name and "\x00" not in name
    if not plain or path.resolve().parent != folder.resolve():
        raise OutputPathError(name=name, folder=folder, target=path.resolve() if plain else name)
    return path
