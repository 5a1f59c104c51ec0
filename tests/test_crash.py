"""A real ``python -m pipeline monthly`` process killed (SIGKILL) at several points, then run again.

The kills come from the fault-injection points of ``pipeline.faults``: the process sends itself
SIGKILL at a named point, with no chance to clean up, as a power cut would. After a re-run the
month must equal an uninterrupted run: every inbox file archived exactly once, one audit record
per file, the same ledger and the same outputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import GOOD_ROWS, set_received, write_campaign, write_list

from pipeline import run

APRIL = "2022-04-30"


def april_inbox(inbox: Path) -> dict[str, str]:
    """Seven files: accepted, duplicate, superseded and superseding, returned, not a spreadsheet."""
    hx = [list(r) for r in GOOD_ROWS]
    hx[0][6] = "已开展两次集中学习"
    hx[2][7], hx[2][8] = "已完成", "2022-04-20"
    draft = [list(r) for r in hx]
    draft[1][7] = "不知道"
    hx_ids = ["HX-001", "HX-002", "HX-003", "HX-004"]
    write_list(inbox / "红星村4月（草稿）.xlsx", draft, ids=hx_ids, received=dt.datetime(2022, 4, 10, 8))
    first = write_list(inbox / "红星村4月整改进展.xlsx", hx, ids=hx_ids, received=dt.datetime(2022, 4, 22, 16))
    copy = inbox / "红星村4月整改进展(1).xlsx"
    copy.write_bytes(first.read_bytes())
    set_received(copy, dt.datetime(2022, 4, 23, 8))
    df = [list(r) for r in GOOD_ROWS[:2]]
    df[0][6] = "东风社区第一次报送"
    write_list(
        inbox / "东风社区4月.xlsx", df, unit="东风社区", ids=["DF-001", "DF-002"], received=dt.datetime(2022, 4, 20, 9)
    )
    df_fixed = [list(r) for r in GOOD_ROWS[:3]]
    df_fixed[0][6] = "东风社区更正后的进展"
    write_list(
        inbox / "东风社区4月（更正）.xlsx",
        df_fixed,
        unit="东风社区",
        ids=["DF-001", "DF-002", None],
        received=dt.datetime(2022, 4, 24, 9),
    )
    write_list(inbox / "财政所问题清单.xlsx", GOOD_ROWS, unit="镇财政所", received=dt.datetime(2022, 4, 21, 10))
    note = inbox / "说明.txt"
    note.write_text("附件请查收", encoding="utf-8")
    set_received(note, dt.datetime(2022, 4, 21, 11))
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A workspace with March run and April's files waiting in the inbox (copied per test)."""
    root = tmp_path_factory.mktemp("crash") / "ws"
    write_campaign(root)
    write_list(root / "inbox" / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(
        root / "inbox" / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19)
    )
    run.monthly(root, dt.date(2022, 3, 31))
    return root, april_inbox(root / "inbox")


def copy_workspace(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)  # copy2: modification times, hence received times, are kept
    return dest


def ledger(ws: Path) -> dict[str, list[tuple[Any, ...]]]:
    queries = {
        "items": "SELECT * FROM items ORDER BY kind, item_id",
        "versions": "SELECT * FROM item_versions ORDER BY kind, item_id, unit_code, month",
        "flags": "SELECT * FROM item_flags ORDER BY kind, item_id, unit_code, month",
        "runs": "SELECT month, as_of, doc_year, doc_number FROM month_runs ORDER BY month",
        "audit": "SELECT seq, file_name, sha256, size, unit_code, month, received_at, outcome, messages "
        "FROM audit_log ORDER BY seq",
        "inbox_done": "SELECT * FROM inbox_done",
    }
    with closing(sqlite3.connect(ws / "ledger.sqlite")) as conn:
        return {k: conn.execute(q).fetchall() for k, q in queries.items()}


def sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def outputs(ws: Path) -> dict[str, Any]:
    month_dir = ws / "out" / "2022-04"
    return {
        "files": sorted(str(p.relative_to(month_dir)) for p in month_dir.rglob("*") if p.is_file()),
        "问题总台账": sheet(month_dir / "总台账.xlsx", "问题总台账"),
        "校验结果": [r[:3] for r in sheet(month_dir / "总台账.xlsx", "校验结果")],
        "报送情况": sheet(month_dir / "总台账.xlsx", "报送情况"),
    }


@pytest.fixture(scope="module")
def uninterrupted(
    ready: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], dict[str, Any]]:
    ws = copy_workspace(ready[0], tmp_path_factory.mktemp("baseline") / "ws")
    result = run.monthly(ws, dt.date.fromisoformat(APRIL))
    assert [f.outcome for f in result.files] == ["退回", "通过", "通过", "退回", "通过", "重复", "通过"]
    return ledger(ws), outputs(ws)


def killed_run(ws: Path, point: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    if point:
        env["ZFZZ_CRASH_AT"] = point
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "--data", str(ws), "monthly", "--as-of", APRIL],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def assert_nothing_lost(ws: Path, sent: dict[str, str]) -> None:
    """Each file sent is still in the inbox, or archived and recorded (never neither)."""
    recorded = {(r[1], r[2]) for r in ledger(ws)["audit"]}
    for name, sha in sent.items():
        in_inbox = (ws / "inbox" / name).exists()
        archived = (ws / "archive" / sha[:2] / sha).exists()
        assert in_inbox or (archived and (name, sha) in recorded), name


def test_the_baseline_is_what_the_scenario_says(uninterrupted: tuple[dict[str, Any], dict[str, Any]]) -> None:
    db, out = uninterrupted
    ids = [r[1] for r in db["items"] if r[0] == "problem"]
    assert ids == [
        "CZ-001",
        "CZ-002",
        "CZ-003",
        "CZ-004",
        "DF-001",
        "DF-002",
        "DF-003",
        "HX-001",
        "HX-002",
        "HX-003",
        "HX-004",
    ]
    april_df1 = next(r for r in db["versions"] if r[1] == "DF-001" and r[3] == "2022-04")
    assert "东风社区更正后的进展" in april_df1[9]  # the later submission superseded the earlier
    assert len(out["问题总台账"]) == 1 + 11


@pytest.mark.parametrize(
    "points",
    [
        ["locked"],
        ["file-read:2"],
        ["archived:1"],
        ["archived:5"],
        ["read"],
        ["recorded:4"],
        ["before-commit"],
        ["after-commit"],
        ["unlinked:3"],
        ["before-render"],
        ["rendered"],
        # a completed run, then (an output deleted, so the unchanged month is rendered again rather
        # than kept) a re-run killed while swapping the outputs in
        [None, "delete-output", "mid-swap"],
        ["archived:3", "after-commit", "rendered"],  # killed three times in a row
    ],
)
def test_killed_run_then_rerun_equals_an_uninterrupted_run(
    points: list[str | None],
    ready: tuple[Path, dict[str, str]],
    uninterrupted: tuple[dict[str, Any], dict[str, Any]],
    tmp_path: Path,
) -> None:
    ws = copy_workspace(ready[0], tmp_path / "ws")
    sent = ready[1]
    before = len(ledger(ws)["audit"])
    for point in points:
        if point == "delete-output":
            (ws / "out" / APRIL[:7] / "通报.docx").unlink()
            continue
        proc = killed_run(ws, point)
        if point is None:
            assert proc.returncode == 0, proc.stderr
            continue
        assert proc.returncode == -signal.SIGKILL, (point, proc.returncode, proc.stderr)
        assert_nothing_lost(ws, sent)
        assert len(ledger(ws)["audit"]) - before in (0, len(sent))  # the run's records: all or none

    run.monthly(ws, dt.date.fromisoformat(APRIL))

    db, out = uninterrupted
    after = ledger(ws)
    assert after == db
    assert not any((ws / "inbox").iterdir())
    archived = sorted(p.name for p in (ws / "archive").rglob("*") if p.is_file())
    april_hashes = set(sent.values())
    assert april_hashes <= set(archived)
    assert len(archived) == len(set(archived)) == 2 + len(april_hashes)  # March's two files, then each once
    april_records = [r for r in after["audit"] if r[5] == "2022-04"]
    assert sorted((r[1], r[2]) for r in april_records) == sorted(sent.items())  # one record per file
    assert outputs(ws) == out
    assert not [p.name for p in (ws / "out").iterdir() if p.name.startswith(".")]  # no half-written folder
    assert run.audit_verify(ws) == []


def test_a_second_run_refuses_while_a_real_run_holds_the_workspace(
    ready: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    ws = copy_workspace(ready[0], tmp_path / "ws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    cmd = [sys.executable, "-m", "pipeline", "--data", str(ws), "monthly", "--as-of", APRIL]
    first = subprocess.Popen(
        cmd, env={**env, "ZFZZ_STOP_AT": "locked"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _, status = os.waitpid(first.pid, os.WUNTRACED)  # returns once the first run holds the lock
        assert os.WIFSTOPPED(status)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        assert second.returncode == 2
        assert "另一个汇总任务正在处理工作目录" in second.stderr
        assert f"进程 {first.pid}" in second.stderr
        assert len(list((ws / "inbox").iterdir())) == len(ready[1])  # the refused run touched nothing
    finally:
        os.kill(first.pid, signal.SIGCONT)
        first.wait()
    assert first.returncode == 0
    assert not any((ws / "inbox").iterdir())


def test_a_run_killed_while_its_workers_read_leaves_no_process_behind(
    ready: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    ws = copy_workspace(ready[0], tmp_path / "ws")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZFZZ_")}
    env["ZFZZ_CRASH_AT"] = "file-read:2"  # the workers are reading the next files then
    cmd = [sys.executable, "-m", "pipeline", "--data", str(ws), "monthly", "--as-of", APRIL]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # the pipes close only when every process holding them (fork server, workers) has ended
        proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the killed run's reading processes are still running")
    assert proc.returncode == -signal.SIGKILL
