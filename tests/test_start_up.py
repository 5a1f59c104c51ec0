"""What a command loads and starts (issue #21): ``--help`` only the command line, and a township's
month no readers' server, no hypothesis and not the leaders' reports, its files still read in
capped worker processes.

Each command runs as the clerk runs it, ``python -m pipeline``, with ``-X importtime``: Python
then lists on stderr every module the process imported, whatever imported it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import hostile_files as hf
import openpyxl
import pytest
from conftest import GOOD_ROWS, set_received, write_list

from pipeline.readers import pool
from pipeline.vocab import load_vocabulary

MARCH = dt.datetime(2022, 3, 18, 9, 30)


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


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from the run on Linux only")
def test_a_township_month_forks_its_readers_and_a_far_cell_still_only_returns_its_file(workspace: Path) -> None:
    """A few files: no readers' server is started (nor its module loaded), yet each file is still
    read in a capped process: a sheet with a cell at XFD1048576, whose grid no process could
    allocate, returns that file and the month completes."""
    inbox = workspace / "inbox"
    write_list(inbox / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    set_received(hf.far_cell(inbox / "附件2：问题清单（东风社区）.xlsx"), MARCH)
    proc, modules = imported("--data", str(workspace), "monthly", "--as-of", "2022-03-31")
    assert proc.returncode == 0, proc.stderr
    assert "multiprocessing.forkserver" not in modules
    assert "multiprocessing.popen_fork" in modules  # the readers were forked from the run
    assert "hypothesis" not in modules  # installed for the tests; pandera would load it
    assert "pandera" in modules  # the files were validated all the same
    assert "pipeline.summary" not in modules  # the leaders' reports' figures
    wb = openpyxl.load_workbook(workspace / "out" / "2022-03" / "总台账.xlsx", read_only=True)
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    results = {r[header.index("文件名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert results["附件2：问题清单（红星村）.xlsx"]["结果"] == "通过"
    far = results["附件2：问题清单（东风社区）.xlsx"]
    assert far["结果"] == "退回"
    assert "读取该文件需要的内存超过上限 1024 MB" in str(far["说明"])


@pytest.mark.parametrize("workers", [2, 0])
def test_the_run_does_its_own_work_while_the_workers_read(tmp_path: Path, workers: int) -> None:
    """``meanwhile`` is called once, after the workers got their files and before any outcome
    is collected; when the files are read in this process, after the reading."""
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    tasks = [pool.Task(good, f"{i}.xlsx") for i in range(5)]
    seen: list[int | str] = []
    outcomes = pool.read_all(
        tasks,
        load_vocabulary(),
        workers=workers,
        progress=lambda i, done: seen.append(i),
        meanwhile=lambda: seen.append("meanwhile"),
    )
    assert [o.code for o in outcomes] == [""] * 5
    if workers:
        assert seen[0] == "meanwhile" and sorted(i for i in seen if isinstance(i, int)) == [0, 1, 2, 3, 4]
        assert seen.count("meanwhile") == 1
    else:
        assert seen == [0, 1, 2, 3, 4, "meanwhile"]


def test_a_command_that_checks_no_file_never_loads_pandera(workspace: Path) -> None:
    proc, modules = imported("--data", str(workspace), "templates")
    assert proc.returncode == 0, proc.stderr
    assert "pandas" in modules and "pandera" not in modules
    assert sorted(p.name for p in (workspace / "out" / "模板").iterdir()) == [
        "东风社区.xlsx",
        "红星村.xlsx",
        "镇财政所.xlsx",
    ]


WRITERS = {"openpyxl", "xlsxwriter", "docx", "docxtpl", "pipeline.outputs.feedback", "pipeline.outputs.documents"}


def test_a_month_whose_outputs_are_kept_loads_no_writer(workspace: Path) -> None:
    """Run again with nothing changed, a month keeps its outputs (``render.outputs_intact``): the
    writers (openpyxl, xlsxwriter, python-docx: a third of a second) are not loaded, nor is
    pandera, with no file to check; the first run, which wrote the outputs, loaded them."""
    write_list(workspace / "inbox" / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    proc, first = imported("--data", str(workspace), "monthly", "--as-of", "2022-03-31")
    assert proc.returncode == 0, proc.stderr
    assert WRITERS - {"pipeline.outputs.feedback", "openpyxl"} <= first  # nothing was returned
    proc, again = imported("--data", str(workspace), "monthly", "--as-of", "2022-03-31")
    assert proc.returncode == 0, proc.stderr
    assert "台账和模板均无变化，本月报表与上次运行生成的相同，已保留原文件。" in proc.stdout
    assert WRITERS & again == set()
    assert "pandera" not in again
    assert (workspace / "out" / "2022-03" / "总台账.xlsx").is_file()


def test_the_days_receive_command_loads_no_writer(workspace: Path) -> None:
    """``make receive``, run the day files arrive, only records their received times."""
    write_list(workspace / "inbox" / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    proc, modules = imported("--data", str(workspace), "receive")
    assert proc.returncode == 0, proc.stderr
    assert "已登记：附件2：问题清单（红星村）.xlsx" in proc.stdout
    assert WRITERS & modules == set()
    assert "pandera" not in modules
