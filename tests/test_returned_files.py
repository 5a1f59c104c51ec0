"""Returned files: counted for the unit their name names, and their feedback gone once fixed
(#16.12, #16.13)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from builders_ingest import encrypt
from conftest import GOOD_ROWS, write_list
from docx import Document

from pipeline import run

MARCH = dt.datetime(2022, 3, 18, 9, 30)


def sheet(root: Path, name: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(root / "out" / "2022-03" / "总台账.xlsx", read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_a_file_that_cannot_be_opened_counts_as_returned_for_the_unit_its_name_names(workspace: Path) -> None:
    box = workspace / "inbox"
    encrypt(write_list(box / "附件2-镇财政所.xlsx", GOOD_ROWS, unit="镇财政所", received=MARCH), "secret")
    word = Document()
    word.add_paragraph("红星村干部作风整顿情况说明")
    word.save(box / "红星村情况说明.docx")
    (box / "说明.txt").write_text("无单位的说明", encoding="utf-8")
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert sorted((f.file_name, f.unit, f.outcome) for f in result.files) == [
        ("红星村情况说明.docx", "红星村", "退回"),
        ("说明.txt", "", "退回"),
        ("附件2-镇财政所.xlsx", "镇财政所", "退回"),
    ]
    status = {r["单位"]: r["报送状态"] for r in sheet(workspace, "报送情况")}
    assert status == {"红星村": "退回", "东风社区": "未报送", "镇财政所": "退回"}
    units = {r["文件名"]: r["填报单位"] for r in sheet(workspace, "校验结果")}
    assert units["附件2-镇财政所.xlsx"] == "镇财政所"
    assert units["说明.txt"] == "（未识别）"


def test_a_fixed_and_accepted_resubmission_takes_the_old_feedback_away(workspace: Path) -> None:
    box = workspace / "inbox"
    bad = [("其他", *GOOD_ROWS[0][1:]), *GOOD_ROWS[1:]]
    write_list(box / "红星村.xlsx", bad, received=MARCH)
    write_list(box / "东风社区.xlsx", bad, unit="东风社区", received=MARCH)
    run.monthly(workspace, dt.date(2022, 3, 31))
    returned = workspace / "out" / "2022-03" / "退回"
    assert sorted(p.name for p in returned.iterdir()) == ["东风社区_退回修改.xlsx", "红星村_退回修改.xlsx"]
    write_list(box / "红星村（改）.xlsx", GOOD_ROWS, received=MARCH + dt.timedelta(days=1))
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert sorted(p.name for p in returned.iterdir()) == ["东风社区_退回修改.xlsx"]  # 红星村's is out of date
    status = {r["单位"]: r["报送状态"] for r in sheet(workspace, "报送情况")}
    assert status["红星村"] == "按时"


def test_a_return_after_an_accepted_file_keeps_its_feedback(workspace: Path) -> None:
    box = workspace / "inbox"
    write_list(box / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    bad = [("其他", *GOOD_ROWS[0][1:])]
    write_list(box / "红星村（补充）.xlsx", bad, received=MARCH + dt.timedelta(days=1))
    run.monthly(workspace, dt.date(2022, 3, 31))
    assert [p.name for p in (workspace / "out" / "2022-03" / "退回").iterdir()] == ["红星村_退回修改.xlsx"]
