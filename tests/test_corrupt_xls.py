"""A crafted .xls whose sheet offset points past the end of its stream (issue 17.8): a corrupt
file, refused as such, read in a worker that survives it, and no traceback on the terminal."""

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

from pipeline.errors import FileRefused
from pipeline.ingest import read_file
from pipeline.readers import pool
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
MARCH = dt.datetime(2022, 3, 18, 9, 30)


def test_a_sheet_offset_past_the_end_is_a_corrupt_file(tmp_path: Path) -> None:
    path = hf.xls_sheet_offset_past_end(tmp_path / "附件2（红星村）.xls")
    assert path.stat().st_size < 8 * 1024
    with pytest.raises(FileRefused) as refused:
        read_file(path, VOCAB)
    assert refused.value.code == "file-corrupt"
    assert "工作表的位置指向文件之外" in refused.value.text


def test_a_worker_refuses_it_as_corrupt_and_reads_the_next_file(tmp_path: Path) -> None:
    bad = hf.xls_sheet_offset_past_end(tmp_path / "bad.xls")
    good = hf.write_book(tmp_path / "good.xls", [hf.list_grid()], "xls")
    tasks = [pool.Task(bad, bad.name), pool.Task(good, good.name)]
    first, second = pool.read_all(tasks, VOCAB, workers=1)
    assert (first.code, first.raw) == ("file-corrupt", None)
    assert second.raw is not None and len(second.raw.rows) == len(GOOD_ROWS)


def test_monthly_returns_it_as_corrupt_and_prints_no_traceback(workspace: Path) -> None:
    inbox = workspace / "inbox"
    set_received(hf.xls_sheet_offset_past_end(inbox / "附件2：问题清单（东风社区）.xls"), MARCH)
    write_list(inbox / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    env["ZFZZ_WORKERS"] = "2"  # read in worker processes, as a real run does
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "--data", str(workspace), "monthly", "--as-of", "2022-03-31"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert "panicked" not in proc.stderr
    wb = openpyxl.load_workbook(workspace / "out" / "2022-03" / "总台账.xlsx", read_only=True)
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    results = {r[header.index("文件名")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    corrupt = results["附件2：问题清单（东风社区）.xls"]
    assert corrupt["结果"] == "退回"
    assert "文件已损坏或不完整" in str(corrupt["说明"]) and "内存" not in str(corrupt["说明"])
    assert results["附件2：问题清单（红星村）.xlsx"]["结果"] == "通过"
