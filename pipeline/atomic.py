"""Writing an output file whole or not at all, with the mode of any file the office makes.

Every output writer (workbooks, Word documents, reports, templates, feedback workbooks) goes
through ``write_atomic``: the content is written to a hidden temporary file beside the target,
which is then renamed over it, so a reader never sees half a file and a crash leaves the old one.
The temporary file is created with a plain ``open`` (not ``tempfile.mkstemp``, whose files are
0600), so every output gets the same mode as any other file the user creates: 0666 less the
umask, 0644 with the usual umask, readable by the office.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

TMP_PREFIX = ".~"  # temporary files start with this (hidden; never taken for an output)


def temporary_name(path: Path) -> Path:
    """A hidden, unique sibling of ``path`` to write into before the rename."""
    return path.with_name(f"{TMP_PREFIX}{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def write_atomic(path: Path, write: Callable[[Path], Any], durable: bool = False) -> Path:
    """Make ``path`` with ``write(tmp)``, which writes the whole file at ``tmp`` (any writer that
    takes a file name: xlsxwriter, python-docx, openpyxl); then rename it into place. ``durable``:
    flush the file to disk before the rename. Returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_bytes(path: Path, data: bytes, durable: bool = False) -> Path:
    """``write_atomic`` for content already in memory."""

    def write(tmp: Path) -> None:
        with open(tmp, "xb") as handle:  # a new file: the umask's mode, never another file's
            handle.write(data)

    return write_atomic(path, write, durable)
