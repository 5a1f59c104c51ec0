"""How a large month's outputs are shared among processes (issue #21): a pool of one worker fewer
than the cores starts on the per-unit documents while the run writes the month's own (总台账,
通报, 移交纪委清单); the run then writes every share no worker has started, so each core runs one
writer and the workers never wait for it, nor it for them, until the last share.

The worker here is held until the run has written its own documents (``hold_workers``), so which
process writes which share is known: the pool has queued the first shares to its worker, the run
takes the rest."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import GOOD_ROWS, write_list

from pipeline import render, run
from pipeline.outputs import workbooks

RUN = os.getpid()


@pytest.fixture
def march(workspace: Path) -> run.RunResult:
    write_list(workspace / "inbox" / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(
        workspace / "inbox" / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19)
    )
    return run.monthly(workspace, dt.date(2022, 3, 31))


def hold_workers(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """A worker starts (``render._start_worker``, run first in each) only once the run starts on
    the shares, and every process notes its id and each template it writes in ``log``."""
    flag = log.with_suffix(".go")
    start = render._start_worker
    write = workbooks.write_unit_template

    def starting(job: dict[str, Any]) -> None:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"start {os.getpid()}\n")
        if os.getpid() == RUN:
            flag.touch()
        else:
            deadline = time.monotonic() + 10
            while not flag.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        start(job)

    def writing(campaign: Any, unit: Any, *args: Any, **kwargs: Any) -> Any:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"template {os.getpid()} {unit.name}\n")
        return write(campaign, unit, *args, **kwargs)

    monkeypatch.setattr(render, "_start_worker", starting)
    monkeypatch.setattr(workbooks, "write_unit_template", writing)  # forked workers inherit both


@pytest.mark.skipif(sys.platform != "linux", reason="the workers are forked on Linux only")
def test_one_worker_fewer_than_the_cores_and_the_run_takes_the_shares_not_started(
    march: run.RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert march.report is not None
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    monkeypatch.setattr(render, "_cpus", lambda: 2)
    log = tmp_path / "writers.log"
    hold_workers(monkeypatch, log)
    target = tmp_path / "out" / "2022-03"
    render.render_month(march.report, target)
    lines = [line.split(" ", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    workers = {int(pid) for what, pid, *_ in lines if what == "start"} - {RUN}
    assert len(workers) == 1  # two cores: one worker beside the run
    (worker,) = workers
    written = {name: int(pid) for what, pid, *rest in lines if what == "template" for name in rest}
    # one share a unit (a small month); the pool queued the first two to its worker
    assert written == {"红星村": worker, "东风社区": worker, "镇财政所": RUN}
    assert sorted(p.name for p in (target / render.TEMPLATES_DIR_NAME).iterdir()) == [
        "东风社区.xlsx",
        "红星村.xlsx",
        "镇财政所.xlsx",
    ]
    wb = openpyxl.load_workbook(target / render.TEMPLATES_DIR_NAME / "镇财政所.xlsx", read_only=True)
    assert wb.sheetnames[0] == "问题清单"
    wb.close()


def test_a_small_month_is_written_in_the_run_alone(
    march: run.RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below ``PARALLEL_FROM`` documents no worker is started: every template is the run's."""
    assert march.report is not None
    monkeypatch.setattr(render, "_cpus", lambda: 2)
    log = tmp_path / "writers.log"
    hold_workers(monkeypatch, log)
    render.render_month(march.report, tmp_path / "out" / "2022-03")
    lines = [line.split(" ", 2) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {int(pid) for _, pid, *_ in lines} == {RUN}
    assert sorted(name for what, _, *rest in lines if what == "template" for name in rest) == [
        "东风社区",
        "红星村",
        "镇财政所",
    ]
