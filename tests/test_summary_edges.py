"""The leaders' reports at the edges: gains of mixed sign, the work summary's due date and the
report's own date, units and groups with nothing to complete, a roster of one unit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from builders_campaign import (
    CZ,
    DF,
    HX,
    OPENNESS,
    SERVICE,
    march_of_one_village,
    row,
    send_work_summaries,
)
from builders_summary import units_said
from conftest import CAMPAIGN_TOML, write_campaign, write_list
from docx import Document
from output_content import docx_tables, docx_text, sheet

from pipeline import run


# --- what the report says of the units' gains, of mixed sign -----------------------------------
def test_units_that_improved_are_not_called_the_biggest_fall(tmp_path: Path) -> None:
    # 单位1 to 单位5 finish everything in April, up 50 to 10 points; 单位6 takes ten new problems on
    # and finishes nine of them: from 100 % down to 95 %
    start = [(1, 2), (6, 10), (7, 10), (8, 10), (9, 10), (10, 10)]
    text = units_said(tmp_path, [(2, 2), *[(10, 10)] * 4, (19, 20)], start=start)
    least = text.partition("下降最多的是")[2]
    assert least == "单位6（下降5.0个百分点）。", text


def test_units_that_fell_are_not_called_the_biggest_progress(tmp_path: Path) -> None:
    # 单位1 up 10 points, 单位2 level, 单位3 to 单位6 down 1 to 4 points (new problems not all done)
    end = [(10, 10), (10, 10), (99, 100), (49, 50), (97, 100), (24, 25)]
    text = units_said(tmp_path, end, start=[(9, 10), *[(10, 10)] * 5])
    most = text.partition("进步最大的是")[2].partition("；")[0]
    assert most == "单位1（提升10.0个百分点）", text


# --- the work summary in the assessment ---------------------------------------------------------
def _summary_workspace(root: Path) -> Path:
    write_campaign(root)
    (root / "inbox").mkdir()
    march_of_one_village(root)
    send_work_summaries(root / "inbox")
    run.monthly(root, dt.date(2022, 11, 30))
    return root


def test_a_half_year_report_made_after_the_summary_is_due_does_not_charge_a_summary_sent_on_time(
    tmp_path: Path,
) -> None:
    ws = _summary_workspace(tmp_path / "ws")
    _, workbook = run.summary(ws, "half", dt.date(2022, 11, 30))
    scores = {r["单位"]: (r["工作总结"], r["得分"]) for r in sheet(workbook, "单位考核")}
    # 红星村 sent its summary on 11-15: the half year's assessment has no summary to charge anyone for
    assert scores == {"红星村": ("—", 40), "东风社区": ("—", 60), "镇财政所": ("—", 60)}


def test_a_report_dated_on_the_due_day_knows_nothing_of_later_days(tmp_path: Path) -> None:
    ws = _summary_workspace(tmp_path / "ws")
    _report, workbook = run.summary(ws, "year", dt.date(2022, 11, 18))
    known = {r["单位"]: r["报送状态"] for r in sheet(workbook, "工作总结")}
    assert known == {"红星村": "按时", "东风社区": "未报送", "镇财政所": "未报送"}  # 东风社区's came on 11-21
    charged = {r["单位"]: r["工作总结"] for r in sheet(workbook, "单位考核")}
    assert charged == {"红星村": "—", "东风社区": "—", "镇财政所": "—"}  # 11-18 is the last day to send


# --- units without a rate ------------------------------------------------------------------------
def _all_lasting(root: Path, campaign: str = CAMPAIGN_TOML) -> Path:
    write_campaign(root, campaign)
    (root / "inbox").mkdir()
    for unit, items in (("红星村", HX), ("东风社区", DF), ("镇财政所", CZ)):
        rows = [row(OPENNESS, items[0][1], "长期坚持", "长期坚持"), row(SERVICE, items[1][1], "长期坚持", "长期坚持")]
        write_list(root / "inbox" / f"{unit}问题清单.xlsx", rows, unit=unit, received=dt.datetime(2022, 3, 18, 9))
    run.monthly(root, dt.date(2022, 3, 31))
    return root


def test_units_without_a_rate_show_a_dash_even_when_none_has_one(tmp_path: Path) -> None:
    report, _ = run.summary(_all_lasting(tmp_path / "ws"), "year", dt.date(2022, 3, 31))
    units = next(t for t in docx_tables(report) if t[0][:2] == ["排名", "单位"])
    assert {r[0] for r in units[1:]} == {"—"}, units


def test_no_group_sentence_says_a_rate_of_dash(tmp_path: Path) -> None:
    report, _ = run.summary(_all_lasting(tmp_path / "ws"), "year", dt.date(2022, 3, 31))
    assert "完成率—" not in docx_text(report)


def test_the_units_section_is_never_left_without_text(tmp_path: Path) -> None:
    one = CAMPAIGN_TOML.split("[[units]]")[0] + "[[units]]" + CAMPAIGN_TOML.split("[[units]]")[1]
    ws = tmp_path / "ws"
    write_campaign(ws, one)
    (ws / "inbox").mkdir()
    march_of_one_village(ws)
    report, _ = run.summary(ws, "year", dt.date(2022, 3, 31))
    texts = [p.text for p in Document(str(report)).paragraphs]
    assert texts[texts.index("三、各单位整改情况") + 1] == "红星村期末完成率0.0%。"  # its one problem is open
