"""A run that changes nothing keeps the month's outputs; any change renders them again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from conftest import GOOD_ROWS, write_list

from pipeline import render, run

MARCH = dt.datetime(2022, 3, 18, 9, 30)


def stamps(month_dir: Path) -> dict[str, int]:
    return {str(p.relative_to(month_dir)): p.stat().st_mtime_ns for p in month_dir.rglob("*") if p.is_file()}


def first_run(workspace: Path) -> Path:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, unit="红星村", received=MARCH)
    bad = [("其他", *GOOD_ROWS[0][1:])]
    write_list(workspace / "inbox" / "东风社区.xlsx", bad, unit="东风社区", received=MARCH)
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert not result.reused
    return result.month_dir


def test_a_rerun_that_changes_nothing_keeps_every_file(workspace: Path) -> None:
    month_dir = first_run(workspace)
    before = stamps(month_dir)
    again = run.monthly(workspace, dt.date(2022, 3, 31))
    assert again.reused
    assert stamps(month_dir) == before  # not one file written again
    assert sorted(str(p.relative_to(month_dir)) for p in again.outputs) == sorted(before)
    assert again.report is not None and len(again.report.problems) == 4  # the summary still has its figures


def test_a_missing_or_edited_output_is_written_again(workspace: Path) -> None:
    month_dir = first_run(workspace)
    (month_dir / "通报.docx").unlink()
    again = run.monthly(workspace, dt.date(2022, 3, 31))
    assert not again.reused
    assert (month_dir / "通报.docx").is_file()
    ledger = month_dir / "总台账.xlsx"
    ledger.write_bytes(b"edited by hand")
    third = run.monthly(workspace, dt.date(2022, 3, 31))
    assert not third.reused
    assert openpyxl.load_workbook(ledger).sheetnames[0] == "问题总台账"


def test_another_as_of_date_or_a_new_file_renders_again(workspace: Path) -> None:
    month_dir = first_run(workspace)
    before = stamps(month_dir)
    other_day = run.monthly(workspace, dt.date(2022, 3, 30))
    assert not other_day.reused
    assert stamps(month_dir)["总台账.xlsx"] != before["总台账.xlsx"]
    write_list(workspace / "inbox" / "镇财政所.xlsx", GOOD_ROWS[:1], unit="镇财政所", received=MARCH)
    with_file = run.monthly(workspace, dt.date(2022, 3, 30))
    assert not with_file.reused
    assert with_file.report is not None
    assert "CZ-001" in set(with_file.report.problems["问题编号"])


def test_the_fingerprint_follows_the_templates_and_the_figures(workspace: Path, tmp_path: Path) -> None:
    first_run(workspace)
    report = run.monthly(workspace, dt.date(2022, 3, 31)).report
    assert report is not None
    templates = tmp_path / "templates"
    templates.mkdir()
    for path in render.TEMPLATES_DIR.glob("*.docx"):
        (templates / path.name).write_bytes(path.read_bytes())
    key = render.render_key(report, templates)
    assert render.render_key(report, templates) == key  # stable
    (templates / "通报.docx").write_bytes((templates / "通报.docx").read_bytes() + b"\0")  # staff edited the template
    assert render.render_key(report, templates) != key
    changed = report.problems.copy()
    changed.loc[0, "整改进展"] = "新的进展"
    from dataclasses import replace

    assert render.render_key(replace(report, problems=changed), render.TEMPLATES_DIR) != render.render_key(
        report, render.TEMPLATES_DIR
    )
