"""The monthly cycle end to end on a hand-made workspace, asserting on reopened outputs."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import GOOD_ROWS, set_received, write_list
from docx import Document

from pipeline import run
from pipeline.cli import cli
from pipeline.errors import MonthOrderError, WorkspaceLocked
from pipeline.report import LEDGER_COLUMNS
from pipeline.storage.archive import workspace_lock

MARCH = dt.datetime(2022, 3, 18, 9, 30)


def sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def march_inbox(ws: Path) -> None:
    inbox = ws / "inbox"
    write_list(inbox / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    write_list(inbox / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=MARCH + dt.timedelta(days=3))
    bad = [("其他", *GOOD_ROWS[0][1:])]
    write_list(inbox / "财政所问题清单.xlsx", bad, unit="镇财政所", received=MARCH)
    (inbox / "说明.txt").write_text("这是说明文字", encoding="utf-8")


def test_python_m_pipeline_monthly_on_a_hand_made_workspace(workspace: Path) -> None:
    march_inbox(workspace)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "--data", str(workspace), "monthly", "--as-of", "2022-03-31"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = workspace / "out" / "2022-03"
    ledger = sheet_rows(out / "总台账.xlsx", "问题总台账")
    assert list(ledger[0]) == list(LEDGER_COLUMNS)
    assert [r["问题编号"] for r in ledger] == ["DF-001", "DF-002", "HX-001", "HX-002", "HX-003", "HX-004"]
    hx2 = next(r for r in ledger if r["问题编号"] == "HX-002")
    assert hx2["填报单位"] == "红星村"
    assert hx2["完成时限"] == dt.datetime(2022, 4, 30)
    assert hx2["灯色"] == "绿灯"
    assert next(r for r in ledger if r["问题编号"] == "HX-004")["灯色"] is None  # 长期坚持: no light
    results = {r["文件名"]: r for r in sheet_rows(out / "总台账.xlsx", "校验结果")}
    assert results["附件2：问题清单（红星村）.xlsx"]["结果"] == "通过"
    assert results["财政所问题清单.xlsx"]["结果"] == "退回"
    assert "C5" in str(results["财政所问题清单.xlsx"]["说明"]) and "其他" in str(results["财政所问题清单.xlsx"]["说明"])
    assert results["说明.txt"]["结果"] == "退回"
    submissions = {r["单位"]: r["报送状态"] for r in sheet_rows(out / "总台账.xlsx", "报送情况")}
    assert submissions == {"红星村": "按时", "东风社区": "逾期", "镇财政所": "退回"}
    text = docx_text(out / "通报.docx")
    assert "x作整办〔2022〕1号" in text
    assert "红星村" in text
    assert not any((workspace / "inbox").iterdir())
    assert len(list((workspace / "archive").glob("*/*"))) == 4


def run_month(ws: Path, day: str) -> run.RunResult:
    return run.monthly(ws, dt.date.fromisoformat(day))


def april_update(ws: Path, progress: str = "已开展两次集中学习") -> Path:
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][6] = progress
    rows[1][6] = "接待清单正在整理"  # deadline 4月底 passes unfinished -> red on 05-05
    rows[2][7], rows[2][8] = "已完成", "2022-04-20"
    return write_list(
        ws / "inbox" / "红星村4月整改进展.xlsx",
        [tuple(r) for r in rows],
        ids=["HX-001", "HX-002", "HX-003", "HX-004"],
        marker="HX",
        received=dt.datetime(2022, 4, 22, 16, 0),
    )


def test_lights_supervision_and_rerun_count_once(workspace: Path) -> None:
    march_inbox(workspace)
    run_month(workspace, "2022-03-31")
    april_update(workspace)
    first = run_month(workspace, "2022-04-30")
    assert first.report is not None
    problems = first.report.problems.set_index("问题编号")
    assert problems.at["HX-002", "灯色"] == "黄灯"  # deadline equal to the as-of date: not yet red
    assert problems.at["HX-003", "完成状态"] == "已完成"
    may = run_month(workspace, "2022-05-05")
    assert may.report is not None
    p = may.report.problems.set_index("问题编号")
    assert p.at["HX-002", "灯色"] == "红灯"
    assert p.at["HX-002", "逾期天数"] == 5
    assert p.at["HX-002", "督办次数"] == 1
    assert p.at["HX-002", "督办等级"] == "蓝色督办"
    again = run_month(workspace, "2022-05-06")  # same month again, empty inbox
    assert again.report is not None
    assert again.report.problems.set_index("问题编号").at["HX-002", "督办次数"] == 1
    assert again.report.doc_number == may.report.doc_number == 3
    notice = workspace / "out" / "2022-05" / "督办通知单" / "红星村.docx"
    assert "HX-002" in docx_text(notice)


def test_returned_file_never_changes_the_ledger(workspace: Path, tmp_path: Path) -> None:
    march_inbox(workspace)
    run_month(workspace, "2022-03-31")
    db = workspace / "ledger.sqlite"

    def ledger_rows() -> list[tuple[object, ...]]:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT item_id, month, status, progress FROM item_versions ORDER BY 1, 2").fetchall()

    before = ledger_rows()
    bad = [list(r) for r in GOOD_ROWS]
    bad[0][7] = "不知道"
    write_list(
        workspace / "inbox" / "红星村4月.xlsx",
        [tuple(r) for r in bad],
        ids=["HX-001", "HX-002", "HX-003", "HX-004"],
        received=dt.datetime(2022, 4, 20),
    )
    result = run_month(workspace, "2022-04-30")
    assert [f.outcome for f in result.files] == ["退回"]
    assert ledger_rows() == before


def test_duplicate_and_superseding_resubmission(workspace: Path) -> None:
    march_inbox(workspace)
    run_month(workspace, "2022-03-31")
    first = april_update(workspace, "第一次报送的进展")
    copy = workspace / "inbox" / "红星村4月整改进展(1).xlsx"
    copy.write_bytes(first.read_bytes())
    set_received(copy, dt.datetime(2022, 4, 23, 8, 0))
    later = write_list(
        workspace / "inbox" / "红星村4月整改进展（更正）.xlsx",
        GOOD_ROWS,
        ids=["HX-001", "HX-002", "HX-003", "HX-004"],
        received=dt.datetime(2022, 4, 24, 9, 0),
    )
    assert later.exists()
    result = run_month(workspace, "2022-04-30")
    assert [f.outcome for f in result.files] == ["通过", "重复", "通过"]
    assert result.report is not None
    hx1 = result.report.problems.set_index("问题编号").loc["HX-001"]
    assert hx1["整改进展"] == GOOD_ROWS[0][6]  # the later file wins
    assert len(result.report.problems) == 6  # nothing counted twice
    validation = result.report.validation.set_index("文件名")
    assert "以新文件为准" in validation.at["红星村4月整改进展.xlsx", "说明"]


def test_second_run_refuses_while_one_holds_the_lock(workspace: Path) -> None:
    with workspace_lock(workspace / ".lock"), pytest.raises(WorkspaceLocked) as info:
        run_month(workspace, "2022-03-31")
    assert "正在处理" in info.value.text


def test_new_files_for_an_older_month_are_refused(workspace: Path) -> None:
    march_inbox(workspace)
    run_month(workspace, "2022-04-30")
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    with pytest.raises(MonthOrderError):
        run_month(workspace, "2022-03-31")
    assert (workspace / "inbox" / "红星村.xlsx").exists()


def test_audit_verify_reports_a_tampered_archive(workspace: Path) -> None:
    march_inbox(workspace)
    run_month(workspace, "2022-03-31")
    runner = CliRunner()
    ok = runner.invoke(cli, ["--data", str(workspace), "audit", "verify"])
    assert ok.exit_code == 0, ok.output
    victim = next((workspace / "archive").glob("*/*"))
    victim.chmod(0o644)
    victim.write_bytes(b"altered")
    bad = runner.invoke(cli, ["--data", str(workspace), "audit", "verify"])
    assert bad.exit_code == 1
    assert "归档文件被改动" in bad.output


def test_cli_help_is_chinese_and_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (
        ["--help"],
        ["monthly", "--help"],
        ["templates", "--help"],
        ["audit", "verify", "--help"],
        ["summary", "--help"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0
        assert "工作目录" in result.output or "生成" in result.output or "核验" in result.output
    missing = runner.invoke(cli, ["--data", str(tmp_path / "none"), "monthly", "--as-of", "2022-03-31"])
    assert missing.exit_code == 2
    assert "campaign.toml" in missing.output


def test_templates_command_writes_one_per_unit(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(workspace), "templates"])
    assert result.exit_code == 0, result.output
    folder = workspace / "out" / "模板"
    assert sorted(p.name for p in folder.iterdir()) == ["东风社区.xlsx", "红星村.xlsx", "镇财政所.xlsx"]
    wb = openpyxl.load_workbook(folder / "红星村.xlsx")
    assert wb["_zfzz_meta"]["B1"].value == "HX"
    assert wb["_zfzz_meta"].sheet_state == "veryHidden"


STAGES = ["open", "archive+read", "validate", "ledger rules+merge", "flags+commit", "empty inbox", "report", "returned"]


def test_the_runs_timings_name_its_stages_in_order_for_the_benchmark(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tools/bench.py reads the monthly command's seconds per stage from the PIPELINE_TIMINGS file."""
    march_inbox(workspace)
    timings = tmp_path / "timings.json"
    monkeypatch.setenv("PIPELINE_TIMINGS", str(timings))
    result = CliRunner().invoke(cli, ["--data", str(workspace), "monthly", "--as-of", "2022-03-31"])
    assert result.exit_code == 0, result.output
    stages = json.loads(timings.read_text(encoding="utf-8"))
    assert list(stages)[: len(STAGES)] == STAGES
    assert [s for s in list(stages)[len(STAGES) :] if not s.startswith("render:")] == []
    assert "render:总台账" in stages
    assert all(isinstance(seconds, float) and seconds >= 0 for seconds in stages.values())
