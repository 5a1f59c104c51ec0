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
from conftest import CAMPAIGN_TOML, write_campaign, write_list
from docx import Document
from output_content import docx_tables, docx_text, sheet
from test_summary_layout import sentence, units_frame

from pipeline import run


# --- _unit_sentence: gains of mixed sign -------------------------------------------------------
def test_units_that_improved_are_not_called_the_biggest_fall() -> None:
    text = sentence(units_frame([1.0] * 6, gains=[50, 40, 30, 20, 10, -5]))
    least = text.partition("下降最多的是")[2]
    assert "提升" not in least, text


def test_units_that_fell_are_not_called_the_biggest_progress() -> None:
    text = sentence(units_frame([1.0] * 6, gains=[10, 0, -1, -2, -3, -4]))
    most = text.partition("进步最大的是")[2].partition("；")[0]
    assert "下降" not in most and "持平" not in most, text


# --- the work summary in the assessment ---------------------------------------------------------
def _summary_workspace(root: Path) -> Path:
    write_campaign(root)
    (root / "inbox").mkdir()
    march_of_one_village(root)
    send_work_summaries(root / "inbox")
    run.monthly(root, dt.date(2022, 11, 30))
    return root


def test_a_half_year_report_made_in_december_does_not_charge_a_summary_sent_on_time(tmp_path: Path) -> None:
    ws = _summary_workspace(tmp_path / "ws")
    _, workbook = run.summary(ws, "half", dt.date(2022, 11, 30))
    states = {r["单位"]: r["工作总结"] for r in sheet(workbook, "单位考核")}
    assert states["红星村"] != "未报送", states  # it sent its summary on 11-15


def test_a_report_dated_on_the_due_day_knows_nothing_of_later_days(tmp_path: Path) -> None:
    ws = _summary_workspace(tmp_path / "ws")
    _report, workbook = run.summary(ws, "year", dt.date(2022, 11, 18))
    states = {r["单位"]: r["工作总结"] for r in sheet(workbook, "单位考核")}
    assert states["东风社区"] != "逾期", states  # its summary came on 11-21, after the report's date
    assert states["镇财政所"] != "未报送", states  # 11-18 is the last day to send: not yet missing


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
    body = texts[texts.index("三、各单位整改情况") + 1]
    assert body.strip(), texts[texts.index("三、各单位整改情况") : texts.index("三、各单位整改情况") + 3]
