"""A file returned by a run is read once (issue #21): its feedback workbook is made from the table
the run read as it received it, not from a second reading of its archived copy; a later run of the
month, which has not read it, still reads it from the archive, and the workbook is the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD_ROWS, write_list
from output_content import content, workbook_look

from pipeline import render, run
from pipeline.config import Workspace
from pipeline.readers import pool
from pipeline.storage.ledger import Store
from pipeline.vocab import load_vocabulary


def test_a_file_returned_this_run_is_not_read_again_for_its_feedback(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = [list(r) for r in GOOD_ROWS[:2]]
    bad[0][0] = "其他问题"  # no such category: the file is returned
    write_list(workspace / "inbox" / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(workspace / "inbox" / "东风社区问题清单.xlsx", bad, unit="东风社区", received=dt.datetime(2022, 3, 19))
    read: list[str] = []
    read_all = pool.read_all

    def reading(tasks: list[pool.Task], *args: Any, **kwargs: Any) -> list[pool.Outcome]:
        read.extend(task.file_name for task in tasks)
        return read_all(tasks, *args, **kwargs)

    monkeypatch.setattr(pool, "read_all", reading)
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [(f.file_name, f.outcome) for f in result.files] == [
        ("红星村问题清单.xlsx", "通过"),
        ("东风社区问题清单.xlsx", "退回"),
    ]
    assert sorted(read) == ["东风社区问题清单.xlsx", "红星村问题清单.xlsx"]  # each once
    feedback = workspace / "out" / "2022-03" / render.FEEDBACK_DIR
    assert sorted(p.name for p in feedback.iterdir()) == ["东风社区_退回修改.xlsx"]

    # the month's feedback made from the archived copy, as a later run makes it: the same workbook
    store = Store.open(workspace / "ledger.sqlite")
    try:
        returned = run.returned_files(store, Workspace(workspace), load_vocabulary(), "2022-03")
    finally:
        store.close()
    assert read[2:] == ["东风社区问题清单.xlsx"]
    assert result.report is not None
    again = render.render_month(result.report, workspace / "again" / "2022-03", returned=returned)
    name = "东风社区_退回修改.xlsx"
    assert workspace / "again" / "2022-03" / render.FEEDBACK_DIR / name in again
    ours = content(workspace / "out" / "2022-03")
    theirs = content(workspace / "again" / "2022-03")
    assert ours[f"{render.FEEDBACK_DIR}/{name}"] == theirs[f"{render.FEEDBACK_DIR}/{name}"]
    assert workbook_look(feedback / name) == workbook_look(workspace / "again" / "2022-03" / render.FEEDBACK_DIR / name)
