"""What a command loads (issue #21): ``--help`` only the command line.

Each command runs as the clerk runs it, ``python -m pipeline``, with ``-X importtime``: Python
then lists on stderr every module the process imported, whatever imported it."""

from __future__ import annotations

import os
import subprocess
import sys


def imported(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``python -X importtime -m pipeline ARGS``; the process, and the modules it imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    lines = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    modules = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # the first is the heading
    proc.stderr = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("import time:"))
    return proc, modules


def test_help_loads_the_command_line_and_nothing_of_the_run() -> None:
    proc, modules = imported("--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("用法：")
    assert {m for m in modules if m.split(".")[0] == "pipeline"} == {"pipeline", "pipeline.cli", "pipeline.errors"}
    assert not {"pandas", "numpy", "pandera", "openpyxl", "docx", "rich.console"} & modules
