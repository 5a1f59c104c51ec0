"""A leaders' report says which months it is made from, refuses stale figures (the period's last
month never run, and still runnable) with the commands to run, and warns, in the report and in
its workbook, of months that were never run and can no longer be."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from township import QINGSHI, fill_template, new_problem, township_campaign, write_township

from pipeline import run
from pipeline.cli import cli
from pipeline.errors import SummaryNoData
from pipeline.summary import plan_period

QS = QINGSHI[0].name
REPORT = "2022年半年报告/2022年半年工作情况报告.docx"


def run_months(root: Path, months: list[int]) -> None:
    """Run these months of 2022 in order (at each month's end); 青石村 lists two problems in the first."""
    blank = next(p for p in run.templates(root) if p.stem == QS)
    rows = [new_problem(0, dt.date(2022, 12, 31)), new_problem(2, dt.date(2022, 3, 15), "已完成", dt.date(2022, 3, 15))]
    fill_template(blank, root / "inbox" / "青石村.xlsx", rows, received=dt.datetime(2022, months[0], 15, 9))
    for month in months:
        end = (dt.date(2022, month + 1, 1) - dt.timedelta(days=1)) if month < 12 else dt.date(2022, 12, 31)
        run.monthly(root, end)


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def sources_sheet(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["编制说明"]
    return {str(r[0]): str(r[1]) for r in ws.iter_rows(values_only=True)}


def test_june_never_run_is_refused_naming_the_months_and_the_commands(tmp_path: Path) -> None:
    root = write_township(tmp_path / "ws")
    run_months(root, [3, 4])
    with pytest.raises(SummaryNoData) as caught:
        run.summary(root, "half", dt.date(2022, 6, 30), fonts=())
    assert caught.value.code == "summary-months-not-run"
    assert caught.value.text == (
        "半年报告统计到2022年6月，但2022年5月、6月的月度汇总还没有运行（台账中最近运行的是2022年4月），"
        "现在生成的报告会把旧的数字当作期末情况。请先按月份顺序运行："
        "make monthly AS_OF=2022-05-31；make monthly AS_OF=2022-06-30，然后再生成报告。"
    )
    assert not (root / "out" / "2022年半年报告").exists()
    result = CliRunner().invoke(cli, ["--data", str(root), "summary", "--period", "half", "--as-of", "2022-06-30"])
    assert result.exit_code == 2
    assert result.output.startswith("错误：半年报告统计到2022年6月，但2022年5月、6月的月度汇总还没有运行")


def test_a_report_on_the_last_run_month_says_its_months(tmp_path: Path) -> None:
    root = write_township(tmp_path / "ws")
    run_months(root, [3, 4])
    report, workbook = run.summary(root, "half", dt.date(2022, 4, 30), fonts=())
    text = paragraphs(report)
    assert text[1] == "（2022年3月至4月，截至2022年4月30日）"
    assert text[3] == "本报告依据2022年3月、4月的月度汇总数据编制（共2个月）。"
    assert not any(t.startswith("注意：") for t in text)
    sheet = sources_sheet(workbook)
    assert sheet["数据来源"] == "本报告依据2022年3月、4月的月度汇总数据编制（共2个月）。"
    assert sheet["各月统计截止日"] == "3月：2022年3月31日、4月：2022年4月30日"
    assert "注意" not in sheet
    assert openpyxl.load_workbook(workbook).sheetnames[0] == "编制说明"


def test_months_skipped_in_the_middle_are_named_in_the_report_and_the_workbook(tmp_path: Path) -> None:
    root = write_township(tmp_path / "ws")
    run_months(root, [3, 6])  # April and May were never run; after June they cannot be
    report, workbook = run.summary(root, "half", dt.date(2022, 6, 30), fonts=())
    text = paragraphs(report)
    assert text[3] == "本报告依据2022年3月、6月的月度汇总数据编制（共2个月）。"
    warning = "注意：2022年4月、5月没有运行月度汇总，之后的月份已经运行，无法再补记，本报告不含2022年4月、5月的数据。"
    assert text[4] == warning
    bold = next(p for p in Document(str(report)).paragraphs if p.text == warning)
    assert all(run_.bold for run_ in bold.runs)
    assert sources_sheet(workbook)["注意"] == warning


def test_a_last_month_that_can_no_longer_be_run_makes_the_report_say_whose_figures_it_shows(tmp_path: Path) -> None:
    root = write_township(tmp_path / "ws")
    run_months(root, [3, 4, 7])  # May and June never run; July was, so they never can be
    report, workbook = run.summary(root, "half", dt.date(2022, 6, 30), fonts=())
    text = paragraphs(report)
    assert text[1] == "（2022年3月至4月，截至2022年4月30日）"
    assert text[4] == (
        "注意：2022年5月、6月没有运行月度汇总，之后的月份已经运行，无法再补记，本报告不含2022年5月、6月的数据。"
        "本报告的期末数字为2022年4月月度汇总时（截至2022年4月30日）的情况，不是2022年6月的情况。"
    )
    assert any(t.startswith("截至2022年4月30日，") for t in text)
    assert not any("截至2022年6月30日" in t for t in text)
    assert sources_sheet(workbook)["注意"] == text[4]


def test_the_period_plan() -> None:
    campaign = township_campaign()
    run_ = ["2022-03", "2022-04", "2022-05", "2022-06", "2022-07"]
    half = plan_period(campaign, run_, "half", dt.date(2022, 9, 30))
    assert (half.months, half.last, half.gaps) == (tuple(run_[:4]), "2022-06", ())
    year = plan_period(campaign, [*run_, "2022-12"], "year", dt.date(2022, 12, 31))  # never past November
    assert year.last == "2022-11" and year.gaps == ("2022-08", "2022-09", "2022-10", "2022-11")
    with pytest.raises(SummaryNoData) as caught:  # March itself, the campaign's first month, never run
        plan_period(campaign, ["2022-02"], "half", dt.date(2022, 3, 31))
    assert caught.value.code == "summary-months-not-run"
    assert "make monthly AS_OF=2022-03-31，" in caught.value.text
    with pytest.raises(SummaryNoData) as nothing:
        plan_period(campaign, [], "year", dt.date(2022, 3, 31))
    assert nothing.value.code == "summary-no-data"
    with pytest.raises(SummaryNoData) as early:  # the period ends before any month was run
        plan_period(campaign, ["2022-03"], "half", dt.date(2022, 2, 28))
    assert early.value.code == "summary-period-empty"
