"""Fault-injection points for the crash and fault tests (SPEC §9). Inert unless a variable below is set.

A run passes named points (``faults.point("after-commit")``). With ``ZFZZ_CRASH_AT=<point>[:<n>]``
in its environment the process sends itself SIGKILL the n-th time (default: the first) it passes
``<point>``: a real, unannounced kill, exactly as a power cut or ``kill -9`` would stop it. With
``ZFZZ_STOP_AT=<point>[:<n>]`` it sends itself SIGSTOP there instead, so a test can hold a live run
(which owns the workspace lock) and start a second one beside it. With ``ZFZZ_FAIL_AT=<point>[:<n>]``
the point raises the error a failing disk would, named by ``ZFZZ_FAIL_WITH``: an errno name
(``ENOSPC`` disk full, ``EACCES`` no permission, ``EIO``…; the default is ``ENOSPC``) raised as
``OSError``, or ``SQLITE_FULL`` raised as SQLite's "database or disk is full".

Points, in the order a monthly run passes them: ``locked``, ``copy`` (as each file is copied into
the archive), ``file-read`` (after each file is archived and read, while the workers read the
others), ``archived`` (each file's archive copy durable), ``read`` (all files read), ``recorded``
(after each file's audit record, inside the transaction), ``before-commit``, ``after-commit``,
``unlinked`` (after each inbox file is removed), ``before-render``, ``rendered`` (outputs staged,
not yet swapped in), ``mid-swap`` (the old month folder moved aside, the new one not yet in place).
"""

from __future__ import annotations

import errno
import os
import signal

_passed: dict[tuple[str, str], int] = {}
_SIGNALS = {"ZFZZ_CRASH_AT": signal.SIGKILL, "ZFZZ_STOP_AT": signal.SIGSTOP}
FAIL_AT = "ZFZZ_FAIL_AT"
FAIL_WITH = "ZFZZ_FAIL_WITH"


def point(name: str) -> None:
    for var in (*_SIGNALS, FAIL_AT):
        spec = os.environ.get(var)
        if not spec:
            continue
        target, _, nth = spec.partition(":")
        if target != name:
            continue
        count = _passed[(var, name)] = _passed.get((var, name), 0) + 1
        if count != int(nth or 1):
            continue
        if var == FAIL_AT:
            _fail(name)
        os.kill(os.getpid(), _SIGNALS[var])


def _fail(name: str) -> None:
    what = os.environ.get(FAIL_WITH, "ENOSPC")
    if what == "SQLITE_FULL":
        import sqlite3

        raise sqlite3.OperationalError("database or disk is full")
    code = getattr(errno, what, errno.EIO)
    raise OSError(code, os.strerror(code))
