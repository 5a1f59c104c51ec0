"""The leaders' reports on a small hand-made campaign: figures, pictures, charts, assessment."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders_campaign import campaign_workspace, march_of_one_village, send_work_summaries
from click.testing import CliRunner
from conftest import CAMPAIGN_TOML, set_received, write_campaign
from docx import Document
from output_content import docx_tables, docx_text, sheet

from pipeline import run
from pipeline.cli import cli
from pipeline.config import Assessment, Campaign, parse_assessment
from pipeline.errors import ConfigError
from pipeline.outputs.reports import CJK_FONTS, find_cjk_font
from pipeline.summary import plan_period


@pytest.fixture(scope="module")
def campaign_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return campaign_workspace(tmp_path_factory.mktemp("summary"))


@pytest.fixture(scope="module")
def year_outputs(campaign_ws: Path) -> list[Path]:
    return run.summary(campaign_ws, "year", dt.date(2022, 5, 31))


def ledger_figures(db: Path) -> dict[str, dict[str, int]]:
    """Month -> figures read straight from the ledger database (history + stored lights)."""
    conn = sqlite3.connect(db)
    out: dict[str, dict[str, int]] = {}
    for (month,) in conn.execute("SELECT month FROM month_runs ORDER BY month"):
        statuses = [
            r[0]
            for r in conn.execute(
                "SELECT v.status FROM item_versions v WHERE v.kind = 'problem' AND v.month = (SELECT MAX(month) "
                "FROM item_versions w WHERE w.kind = v.kind AND w.item_id = v.item_id AND w.month <= ?)",
                (month,),
            )
        ]
        red = conn.execute(
            "SELECT COUNT(*) FROM item_flags WHERE kind = 'problem' AND month = ? AND light = '红灯'", (month,)
        ).fetchone()
        out[f"{int(month[5:])}月"] = {
            "问题数": len(statuses),
            "已完成": statuses.count("已完成"),
            "整改中": statuses.count("整改中"),
            "未启动": statuses.count("未启动"),
            "红灯": red[0],
        }
    conn.close()
    return out


def test_month_by_month_figures_equal_the_ledger(campaign_ws: Path, year_outputs: list[Path]) -> None:
    report, workbook = year_outputs
    expected = ledger_figures(campaign_ws / "ledger.sqlite")
    assert list(expected) == ["3月", "4月", "5月"]
    assert expected["3月"] == {"问题数": 6, "已完成": 1, "整改中": 4, "未启动": 1, "红灯": 2}
    trend = next(t for t in docx_tables(report) if t[0][:2] == ["月份", "问题数"])
    header = trend[0]
    from_docx = {r[0]: {k: int(r[header.index(k)]) for k in expected["3月"]} for r in trend[1:]}
    assert from_docx == expected
    from_xlsx = {r["月份"]: {k: r[k] for k in expected["3月"]} for r in sheet(workbook, "逐月趋势")}
    assert from_xlsx == expected
    may = next(r for r in sheet(workbook, "逐月趋势") if r["月份"] == "5月")
    assert may["完成率"] == pytest.approx(4 / 6)
    assert (may["按时"], may["逾期"], may["未报送"]) == (2, 1, 0)


def test_ranking_of_the_assessment(year_outputs: list[Path]) -> None:
    report, workbook = year_outputs
    scores = sheet(workbook, "单位考核")
    assert [r["单位"] for r in scores] == ["东风社区", "红星村", "镇财政所"]
    assert [r["得分"] for r in scores] == [100.0, 98.0, 0.0]
    cz = scores[2]
    assert (cz["逾期督办次数"], cz["移交纪委问题数"], cz["退回文件数"]) == (3, 1, 1)
    assert cz["按时报送率"] == 0
    table = next(t for t in docx_tables(report) if t[0][:4] == ["排名", "单位", "类型", "得分"])
    assert [r[1] for r in table[1:]] == ["东风社区", "红星村", "镇财政所"]
    text = docx_text(report)
    assert "得分 = 按时报送率 × 40 + 期末完成率 × 60" in text


def test_overdue_items_and_how_they_ended(year_outputs: list[Path]) -> None:
    report, workbook = year_outputs
    overdue = {r["问题编号"]: r for r in sheet(workbook, "逾期督办")}
    assert set(overdue) == {"CZ-001", "HX-002"}
    assert (overdue["CZ-001"]["督办次数"], overdue["CZ-001"]["移交纪委"], overdue["CZ-001"]["结果"]) == (
        3,
        "是",
        "仍未完成",
    )
    assert overdue["HX-002"]["结果"] == "已完成（4月12日）"
    text = docx_text(report)
    assert "移交镇纪委的问题1个" in text and "CJB" not in text and "CZ-001" in text


def test_chart_pictures_and_native_charts(year_outputs: list[Path]) -> None:
    report, workbook = year_outputs
    if find_cjk_font() is None:
        pytest.skip("no Chinese font on this machine (install fonts-noto-cjk)")
    doc = Document(str(report))
    assert len(doc.inline_shapes) == 5  # trend, categories, units, submissions, assessment
    with zipfile.ZipFile(report) as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]) == 5
    with zipfile.ZipFile(workbook) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 5
        assert "<c:lineChart>" in z.read("xl/charts/chart1.xml").decode()  # the rate line on the trend chart


def test_a_font_installed_after_matplotlibs_font_cache_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    expected = find_cjk_font()
    if expected is None:
        pytest.skip("no Chinese font on this machine (install fonts-noto-cjk)")
    manager = font_manager.fontManager
    # the cache as matplotlib wrote it before fonts-noto-cjk was installed: no Chinese font in it
    cjk = {f.fname for f in manager.ttflist if f.name in CJK_FONTS}
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if f.fname not in cjk])
    assert find_cjk_font() == expected


def test_official_fonts_on_runs(year_outputs: list[Path]) -> None:
    doc = Document(str(year_outputs[0]))
    title = doc.paragraphs[0]
    assert title.text.replace("\n", "") == "xx镇2022年干部作风整顿年度工作情况报告"
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    for piece in title.runs:
        assert piece.font.size.pt == 22
        assert piece._element.rPr.rFonts.get(east_asia) == "方正小标宋简体"


def test_without_a_chinese_font_the_report_has_tables_and_says_why(campaign_ws: Path, tmp_path: Path) -> None:
    report, workbook = run.summary(campaign_ws, "half", dt.date(2022, 5, 31), fonts=("没有这种字体",))
    assert len(Document(str(report)).inline_shapes) == 0
    text = docx_text(report)
    assert "未找到可用的中文字体（已查找：没有这种字体）" in text
    assert "图1　逐月整改进展：未绘制，数据见表1" in text
    assert "单位考核" not in text  # the half-year report has no assessment section
    assert [r["月份"] for r in sheet(workbook, "逐月趋势")] == ["3月", "4月", "5月"]


def test_period_months(campaign: Campaign) -> None:
    months = [f"2022-{m:02d}" for m in range(3, 12)]
    assert plan_period(campaign, months, "half", dt.date(2022, 11, 30)).months == (
        "2022-03",
        "2022-04",
        "2022-05",
        "2022-06",
    )
    assert plan_period(campaign, months, "year", dt.date(2022, 9, 30)).months[-1] == "2022-09"
    # a year report made after the campaign: to its last month (that of summary_due), never past it
    late = plan_period(campaign, [*months, "2022-12"], "year", dt.date(2023, 1, 10))
    assert (late.months[0], late.months[-1], late.last, late.gaps) == ("2022-03", "2022-11", "2022-11", ())


def test_work_summaries_on_time_late_missing(workspace: Path) -> None:
    march_of_one_village(workspace)
    inbox = workspace / "inbox"
    send_work_summaries(inbox)
    (inbox / "工作总结.docx").write_bytes((inbox / "红星村工作总结.docx").read_bytes() + b"\0")
    set_received(inbox / "工作总结.docx", dt.datetime(2022, 11, 16, 10))
    result = run.monthly(workspace, dt.date(2022, 11, 30))
    outcomes = {f.file_name: (f.unit, f.outcome) for f in result.files}
    assert outcomes == {
        "红星村工作总结.docx": ("红星村", "总结"),
        "东风社区2022年总结.pdf": ("东风社区", "总结"),
        "工作总结.docx": ("", "退回"),  # no unit in its name: returned as before
    }
    assert not any(inbox.iterdir())
    assert len(list((workspace / "archive").glob("*/*"))) == 4
    submissions = {r["单位"]: r["报送状态"] for r in sheet(result.outputs[0], "报送情况")}
    assert submissions["东风社区"] == "未报送"  # a summary is not the month's update
    report, workbook = run.summary(workspace, "year", dt.date(2022, 11, 30))
    states = {r["单位"]: r["报送状态"] for r in sheet(workbook, "工作总结")}
    assert states == {"红星村": "按时", "东风社区": "逾期", "镇财政所": "未报送"}
    text = docx_text(report)
    assert "逾期报送1个：东风社区" in text and "未报送1个：镇财政所" in text
    scores = {r["单位"]: r for r in sheet(workbook, "单位考核")}
    assert {u: r["工作总结"] for u, r in scores.items()} == states
    cost = {"按时": 0, "逾期": 3, "未报送": 5}  # the default weights
    for r in scores.values():
        base = 40 * r["按时报送率"] + 60 * r["完成率"] - 2 * r["逾期督办次数"] - 5 * r["移交纪委问题数"]
        assert r["得分"] == round(max(base - r["退回文件数"] - cost[r["工作总结"]], 0), 1)
    assert scores["东风社区"]["得分"] > 0  # so the deduction shows
    assert "工作总结扣分（逾期报送扣 3 分，未报送扣 5 分）" in text
    units = next(t for t in docx_tables(report) if t[0][:3] == ["排名", "单位", "问题数"])
    places = {r[1]: r[0] for r in units[1:]}
    assert places == {"红星村": "1", "东风社区": "—", "镇财政所": "—"}  # no problems: no rate, no place


def test_before_its_due_date_the_work_summary_does_not_count(year_outputs: list[Path]) -> None:
    report, workbook = year_outputs  # as of 2022-05-31, the summary is due on 2022-11-18
    assert {r["工作总结"] for r in sheet(workbook, "单位考核")} == {"—"}
    assert "工作总结于2022年11月18日截止报送，截止日之后计分" in docx_text(report)


def test_a_summary_like_file_outside_november_is_returned(workspace: Path) -> None:
    (workspace / "inbox" / "红星村工作总结.pdf").write_bytes(b"%PDF-1.4\n")
    set_received(workspace / "inbox" / "红星村工作总结.pdf", dt.datetime(2022, 3, 18, 9))
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    assert [f.outcome for f in result.files] == ["退回"]


def test_cli_summary_and_no_data(campaign_ws: Path, workspace: Path) -> None:
    ok = CliRunner().invoke(cli, ["--data", str(campaign_ws), "summary", "--period", "half", "--as-of", "2022-05-31"])
    assert ok.exit_code == 0, ok.output
    assert "汇总.xlsx" in ok.output and (campaign_ws / "out" / "2022年半年报告" / "汇总.xlsx").is_file()
    empty = CliRunner().invoke(cli, ["--data", str(workspace), "summary", "--period", "year", "--as-of", "2022-06-30"])
    assert empty.exit_code == 2
    assert "还没有任何月份的数据" in empty.output


def test_assessment_weights_default_and_custom() -> None:
    assert parse_assessment(None) == Assessment(on_time=40, completion=60, overdue=2, escalated=5, returned=1)
    custom = parse_assessment({"on_time": 50, "completion": 50, "returned": 0})
    assert (custom.on_time, custom.completion, custom.returned, custom.overdue) == (50, 50, 0, 2)


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ({"bonus": 5}, "“assessment.bonus”的值“5”不正确：不是考核设置项"),
        ({"overdue": -1}, "每次逾期督办扣分应为 0 到 100 之间的数"),
        ({"returned": True}, "每份退回文件扣分应为 0 到 100 之间的数"),
        ({"on_time": 0, "completion": 0}, "按时报送满分和整改完成满分不能都为 0"),
        ("30", "应写作 [assessment] 表"),
    ],
)
def test_assessment_weights_errors(table: Any, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_assessment(table)
    assert info.value.code == "config-bad-value"
    assert fragment in info.value.text


def test_assessment_table_in_campaign_toml(tmp_path: Path) -> None:
    from pipeline.config import load_campaign

    path = write_campaign(tmp_path, CAMPAIGN_TOML + "\n[assessment]\non_time = 30\ncompletion = 70\n")
    assert load_campaign(path).assessment == Assessment(on_time=30, completion=70)


def test_a_campaign_without_assigned_matters_has_no_matters_section(year_outputs: list[Path]) -> None:
    report, workbook = year_outputs
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "交办事项" not in text
    assert "交办事项" not in openpyxl.load_workbook(workbook).sheetnames


def test_the_report_is_signed_as_the_circular_is(year_outputs: list[Path], campaign_ws: Path) -> None:
    from pipeline.config import load_campaign
    from pipeline.outputs.documents import cn_date, signature_indents

    office = load_campaign(campaign_ws / "campaign.toml").office
    *_, last_text, blank, name, day = Document(str(year_outputs[0])).paragraphs
    assert (name.text, day.text) == (office, cn_date(dt.date(2022, 5, 31)))
    expected = signature_indents(name.text, day.text)
    assert [round(p.paragraph_format.right_indent.pt) for p in (name, day)] == [round(16 * c) for c in expected]  # type: ignore[union-attr]
    assert blank.text == "" and blank.paragraph_format.keep_with_next and last_text.paragraph_format.keep_with_next


def next_steps(report: Path) -> str:
    paragraphs = [p.text for p in Document(str(report)).paragraphs]
    return paragraphs[paragraphs.index(next(p for p in paragraphs if p.endswith("下一步工作"))) + 1]


def test_next_steps_name_only_what_the_figures_call_for(year_outputs: list[Path], campaign_ws: Path) -> None:
    steps = next_steps(year_outputs[0])
    assert "配合镇纪委督查问效" in steps and "继续实行挂账督办" in steps  # CZ-001 went to 纪委 and is open
    early, _ = run.summary(campaign_ws, "half", dt.date(2022, 3, 31))  # nothing sent to 纪委 by March
    assert "纪委" not in next_steps(early) and "巩固整改成果" in next_steps(early)
