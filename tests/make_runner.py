"""Running the project's Makefile from a test, as the clerk runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# make as the clerk runs it, not as a sub-make of `make test` (which would say "Entering directory")
MAKE_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


def make(*args: str, dry_run: bool = False) -> subprocess.CompletedProcess[str]:
    """``make ARGS`` in the project's root. ``.venv`` is never rebuilt (``-o``): the targets use this
    interpreter's scripts; with ``dry_run`` make only prints what the target would run."""
    exe = shutil.which("make")
    assert exe is not None
    bin_dir = str(Path(sys.executable).parent)
    flags = ["-n"] if dry_run else [f"BIN={bin_dir}"]
    return subprocess.run(
        [exe, *flags, "-o", ".venv/.installed", *args],
        cwd=ROOT,
        env=MAKE_ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
