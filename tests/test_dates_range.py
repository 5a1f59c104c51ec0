"""Dates a campaign cannot have (issue 17.11): Excel's 1900-02-29 (serial 60), zero and negative
serials, times of day, dates before the campaign's year or more than two years after it. Each is
an error quoting the cell as Excel shows it, never 1900-02-28 accepted, never 00:00:00."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders_ingest import list_grid, write_cells
from conftest import GOOD_ROWS, ROW_FIELDS, set_received, write_campaign

from demo_campaign.sample import Grid
from pipeline import run
from pipeline.config import Campaign
from pipeline.ingest import read_file
from pipeline.kinds import MATTER, MATTER_REGISTER, REGISTER_FILE
from pipeline.normalize import DATE_YEARS_AHEAD, ExcelDate, Invalid, date_bounds, parse_date
from pipeline.register import read_register
from pipeline.validate import Submission, check_submissions, check_tables
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
FILLED = dt.date(2022, 3, 18)
RECEIVED = dt.datetime(2022, 4, 20, 10, 0)


def test_the_bounds_are_the_campaign_year_to_two_years_after() -> None:
    assert DATE_YEARS_AHEAD == 2
    assert date_bounds(2022) == (dt.date(2022, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2022, 1, 1), dt.date(2022, 1, 1)),
        (dt.date(2024, 12, 31), dt.date(2024, 12, 31)),  # a project planned over the next two years
        ("2024年12月底", dt.date(2024, 12, 31)),
        (dt.date(2021, 12, 31), Invalid("date-too-early", dt.date(2021, 12, 31), (("year", 2022),))),
        (dt.date(1900, 2, 28), Invalid("date-too-early", dt.date(1900, 2, 28), (("year", 2022),))),
        (dt.date(2025, 1, 1), Invalid("date-too-late", dt.date(2025, 1, 1), (("year", 2022), ("latest", 2024)))),
        ("2202-04-30", Invalid("date-too-late", "2202-04-30", (("year", 2022), ("latest", 2024)))),
        ("2021年12月底", Invalid("date-too-early", "2021年12月底", (("year", 2022),))),
        (
            dt.datetime(2202, 4, 30, 10, 30),
            Invalid("date-too-late", dt.datetime(2202, 4, 30, 10, 30), (("year", 2022), ("latest", 2024))),
        ),
        (
            60000,
            Invalid("date-too-late", 60000, (("year", 2022), ("latest", 2024))),
        ),  # a serial typed as a number: 2064
        (ExcelDate(60), Invalid("date-too-early", ExcelDate(60), (("year", 2022),))),
        (ExcelDate(-5), Invalid("date-invalid", ExcelDate(-5))),
        (ExcelDate(0.4375), Invalid("date-invalid", ExcelDate(0.4375))),
        (dt.time(10, 30), Invalid("date-invalid", dt.time(10, 30))),
    ],
)
def test_dates_outside_the_campaign_are_invalid(cell: Any, expected: Any) -> None:
    assert parse_date(cell, 2022, FILLED, allow_long_term=True) == expected
    if isinstance(expected, dt.date):
        assert parse_date(cell, 2022, FILLED, allow_long_term=False) == expected


@pytest.mark.parametrize(
    ("serial", "shown"),
    [(60, "1900-02-29"), (59, "1900-02-28"), (1, "1900-01-01"), (60.5, "1900-02-29 12:00"), (0, "0"), (-5, "-5")],
)
def test_an_excel_serial_is_shown_as_excel_shows_it(serial: float, shown: str) -> None:
    assert str(ExcelDate(serial)) == shown


def with_cells(changes: dict[tuple[int, str], Any]) -> list[tuple[Any, ...]]:
    rows = []
    for i, row in enumerate(GOOD_ROWS):
        values = dict(zip(ROW_FIELDS, row, strict=True))
        values.update({column: value for (at, column), value in changes.items() if at == i})
        rows.append(tuple(values[c] for c in ROW_FIELDS))
    return rows


CELLS = {
    (0, "完成时限"): ExcelDate(60),  # Excel's 1900-02-29
    (1, "完成时限"): ExcelDate(-5),  # Excel shows ########
    (2, "完成时限"): ExcelDate(0.4375),  # 10:30, a time of day
    (3, "完成时限"): dt.date(2202, 4, 30),
    (3, "完成状态"): "已完成",
    (3, "完成日期"): dt.date(2021, 12, 1),
}


@pytest.mark.parametrize("form", ["xlsx", "xls"])
def test_date_cells_are_quoted_as_excel_shows_them(tmp_path: Path, campaign: Campaign, form: str) -> None:
    raw = read_file(write_cells(tmp_path / f"红星村.{form}", [list_grid(with_cells(CELLS))], form), VOCAB)
    [checked] = check_submissions([Submission(raw, campaign.units[0], RECEIVED, raw.notices)], campaign, VOCAB)
    found = [(m.code, m.cell, m.params["value"]) for m in checked.messages if m.level == "error"]
    assert found == [
        ("date-too-early", "H5", "1900-02-29"),
        ("date-invalid", "H6", "-5"),
        ("date-invalid", "H7", "10:30"),
        ("date-too-late", "H8", "2202年4月30日"),
        ("date-too-early", "K8", "2021年12月1日"),
    ]
    assert not any("00:00" in m.text for m in checked.messages)
    late = next(m for m in checked.messages if m.cell == "H8")
    assert "晚于 2024 年底" in late.text and "长期坚持" in late.text
    early = next(m for m in checked.messages if m.cell == "H5")
    assert "早于本次整改活动的年度（2022 年）" in early.text


def test_kinds_dates_are_bounded_too(tmp_path: Path, campaign: Campaign) -> None:
    headers = list(MATTER_REGISTER.columns)
    rows = [
        ["JB-01", dt.date(2022, 3, 10), "镇长 李强", "修缮便民服务大厅", "红星村", dt.date(2022, 5, 31)],
        ["JB-02", dt.date(2021, 3, 10), "镇长 李强", "整治村内道路", "东风社区", dt.date(2022, 6, 30)],
        ["JB-03", dt.date(2022, 3, 10), "镇长 李强", "规范公开栏", "红星村", "2222-06-30"],
    ]
    read = read_register(
        write_cells(tmp_path / REGISTER_FILE, [Grid("交办事项", [headers, *rows])]),
        campaign,
        VOCAB,
        dt.date(2022, 3, 31),
    )
    assert [r["编号"] for r in read.rows] == ["JB-01"]
    assert [(m.code, m.cell) for m in read.messages if m.level == "error"] == [
        ("date-too-early", "B3"),
        ("date-too-late", "F4"),
    ]

    matter_headers = ["编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"]
    matters = Grid(
        "交办事项",
        [matter_headers, ["JB-01", "修缮便民服务大厅", "2022-05-31", "已完工", "已办结", dt.date(2202, 4, 1)]],
    )
    raw = read_file(write_cells(tmp_path / "红星村.xlsx", [list_grid(), matters]), VOCAB)
    [(_, messages)] = check_tables([raw.extra["matter"]], MATTER, campaign, VOCAB, [RECEIVED.date()])
    assert [(m.code, m.cell) for m in messages] == [("date-too-late", "F2")]  # not also "after the file was received"


def test_serial_60_never_reaches_the_ledger_or_the_circular(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_campaign(root)
    path = write_cells(
        root / "inbox" / "附件2（东风社区）.xlsx",
        [list_grid(with_cells({(0, "完成时限"): ExcelDate(60)}), unit="东风社区")],
    )
    set_received(path, dt.datetime(2022, 3, 18, 9, 30))
    result = run.monthly(root, dt.date(2022, 3, 31))
    assert [f.outcome for f in result.files] == ["退回"]
    wb = openpyxl.load_workbook(root / "out" / "2022-03" / "总台账.xlsx", read_only=True)
    rows = list(wb["校验结果"].iter_rows(values_only=True))
    note = str(rows[1][[str(h) for h in rows[0]].index("说明")])
    assert "H5" in note and "1900-02-29" in note and "1900-02-28" not in note
    assert list(wb["问题总台账"].iter_rows(min_row=2, values_only=True)) == []
