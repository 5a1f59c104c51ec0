"""A run as of a date outside the campaign is refused before anything is written (#16.4, #17.6)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD_ROWS, write_list

from pipeline import run
from pipeline.errors import AsOfOutside, MonthInvalid

MARCH = dt.datetime(2022, 3, 18, 9, 30)


def snapshot(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("day", ["2202-04-30", "2021-12-31", "2022-02-28", "2023-01-01"])
def test_an_as_of_date_outside_the_campaign_writes_nothing_and_moves_no_file(workspace: Path, day: str) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    before = snapshot(workspace)
    with pytest.raises(AsOfOutside) as refused:
        run.monthly(workspace, dt.date.fromisoformat(day))
    assert refused.value.text == (
        f"统计截止日期 {day} 不在本次活动期间（2022-03-01 至 2022-12-31），本次没有运行，也没有改动任何文件。"
        "请检查日期是否写错，改用活动期间的日期，如 make monthly AS_OF=2022-03-31。"
    )
    assert snapshot(workspace) == before  # no ledger, no archive, no out/, the file still waiting


def test_a_typo_in_the_year_does_not_poison_the_later_months(workspace: Path) -> None:
    write_list(workspace / "inbox" / "红星村.xlsx", GOOD_ROWS, received=MARCH)
    with pytest.raises(AsOfOutside):
        run.monthly(workspace, dt.date(2202, 4, 30))
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [(f.file_name, f.outcome) for f in result.files] == [("红星村.xlsx", "通过")]


def test_the_first_and_last_days_of_the_campaign_are_accepted(workspace: Path) -> None:
    assert run.monthly(workspace, dt.date(2022, 3, 1)).month == "2022-03"
    assert run.monthly(workspace, dt.date(2022, 12, 31)).month == "2022-12"


def test_monthly_without_as_of_today_outside_the_campaign_asks_for_it_in_chinese(workspace: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "--data", str(workspace), "monthly"],
        capture_output=True,
        text=True,
        check=False,
    )
    today = dt.date.today().isoformat()  # the campaign is 2022's: today never falls in it
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"错误：今天（{today}）不在本次活动期间（2022-03-01 至 2022-12-31），不能按今天统计，本次没有运行，"
        "也没有改动任何文件。请用 AS_OF 指定要统计的日期，如 make monthly AS_OF=2022-03-31。"
    )
    assert not (workspace / "out").exists() and not (workspace / "ledger.sqlite").exists()


@pytest.mark.parametrize("month", ["2022-13", "2202-04", "4月", "2021-12"])
def test_templates_for_a_month_outside_the_campaign_are_refused(workspace: Path, month: str) -> None:
    with pytest.raises(MonthInvalid) as refused:
        run.templates(workspace, month)
    assert refused.value.text == (
        f"“{month}”不是本次活动的月份，应写作 2022-04 这样的格式，在 2022-03 至 2022-12 之间。"
    )
    assert not (workspace / "out").exists()
