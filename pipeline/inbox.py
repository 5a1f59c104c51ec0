"""What waits in the inbox (SPEC §2, §8): the files a run takes, and what it leaves and why.

Files arrive as the office saved them: loose, or in the folders WeChat, e-mail clients and USB
copies make (``inbox/微信文件/附件2.xlsx``). A run takes every regular file down to
``MAX_DEPTH`` folders, by its path inside the inbox (``微信文件/附件2.xlsx``: the folder names
help to tell the unit). Nothing else is ever read: a link (which may point anywhere on the
computer), a pipe or device, and what lies deeper than ``MAX_DEPTH`` are named, not taken, and
stay where they are. Lock files, hidden and system files are passed over quietly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline import textsafe

MAX_DEPTH = 4  # folders inside the inbox that are searched (inbox/a/b/c/d/file.xlsx)
SKIP_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Waiting:
    """A regular file in the inbox: its path, and its name inside the inbox as recorded."""

    path: Path
    name: str  # relative to the inbox, folders joined by "/", undecodable bytes decoded


@dataclass(frozen=True)
class Left:
    """Something in the inbox a run does not take: its name inside the inbox and why
    (a catalogue code: ``inbox-link``, ``inbox-not-file``, ``inbox-too-deep``, ``inbox-folder-unreadable``)."""

    name: str
    code: str


def quiet(name: str) -> bool:
    """Names passed over without a word: lock files (Excel/WPS ``~$…``, LibreOffice ``.~lock…#``),
    Office temp files (``~WRL….tmp``), hidden and system files."""
    lower = name.lower()
    temp = name.startswith("~") and lower.endswith(".tmp")
    return name.startswith(("~$", ".~", ".")) or temp or lower in SKIP_NAMES


def scan(inbox: Path) -> tuple[list[Waiting], list[Left]]:
    """The files a run takes from ``inbox`` (in name order) and what it leaves there.

    Links are never followed, not even to look at what they point to."""
    files: list[Waiting] = []
    left: list[Left] = []
    if not inbox.is_dir():
        return files, left
    _walk(inbox, (), files, left)
    files.sort(key=lambda w: w.name)
    left.sort(key=lambda x: x.name)
    return files, left


def _walk(folder: Path, parts: tuple[str, ...], files: list[Waiting], left: list[Left]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        left.append(Left(_name(parts), "inbox-folder-unreadable"))
        return
    for entry in entries:
        if quiet(entry.name):
            continue
        here = (*parts, entry.name)
        if entry.is_symlink():
            left.append(Left(_name(here), "inbox-link"))
        elif entry.is_dir(follow_symlinks=False):
            if len(here) > MAX_DEPTH:
                left.append(Left(_name(here), "inbox-too-deep"))
            else:
                _walk(Path(entry.path), here, files, left)
        elif entry.is_file(follow_symlinks=False):
            files.append(Waiting(Path(entry.path), _name(here)))
        else:  # a pipe, socket or device: reading it could block the run or never end
            left.append(Left(_name(here), "inbox-not-file"))


def _name(parts: tuple[str, ...]) -> str:
    return "/".join(textsafe.file_name(p) for p in parts)


def prune(inbox: Path, taken: list[Waiting]) -> None:
    """Remove the folders that the run emptied by taking their files (down to, never including,
    the inbox itself); a folder still holding anything, or one the run took nothing from, stays."""
    folders = {w.path.parent for w in taken}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        while folder != inbox and inbox in folder.parents and not folder.is_symlink():
            try:
                folder.rmdir()
            except OSError:  # not empty, or already gone
                break
            folder = folder.parent
