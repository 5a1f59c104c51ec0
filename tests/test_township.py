"""A township that is not the demo's (青石镇: 4 villages, 2 departments, its own lead departments,
office and document prefix) runs two months from the templates the pipeline gave it and makes
its half-year report: no name of the demo township reaches any output, its own lead departments
do, and every output can be read by the office (one file mode)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from township import (
    QINGSHI,
    QINGSHI_LEADS,
    demo_names,
    demo_names_in,
    fill_template,
    new_problem,
    write_township,
)

from pipeline import run
from pipeline.config import parse_campaign
from pipeline.errors import ConfigError

UMASK = 0o022
QS, LT, TY, BH, DZB, ZFD = (m.name for m in QINGSHI)


def _march(root: Path) -> None:
    blank = {p.stem: p for p in run.templates(root)}
    inbox = root / "inbox"
    received = {QS: (3, 18), LT: (3, 19), TY: (3, 25), DZB: (3, 17), ZFD: (3, 18)}
    rows = {
        QS: [
            new_problem(0, dt.date(2022, 4, 15)),
            new_problem(1, "长期坚持", "长期坚持"),
            new_problem(2, dt.date(2022, 3, 15), "已完成", dt.date(2022, 3, 15), "已办结"),
        ],
        LT: [new_problem(3, "6月底", "未启动"), new_problem(4, dt.date(2022, 5, 31))],
        TY: [new_problem(5, dt.date(2022, 4, 30))],
        DZB: [new_problem(6, dt.date(2022, 6, 30)), new_problem(7, "年底前")],
        ZFD: [{**new_problem(8, dt.date(2022, 6, 30)), "完成状态": "搞定了"}],  # returned: no such status
    }
    for unit, unit_rows in rows.items():
        month, day = received[unit]
        when = dt.datetime(2022, month, day, 10, 30)
        fill_template(blank[unit], inbox / f"{unit}问题清单.xlsx", unit_rows, filled_on=when.date(), received=when)
    run.monthly(root, dt.date(2022, 3, 31))


def _april(root: Path) -> None:
    templates = root / "out" / "2022-03" / "模板"
    inbox = root / "inbox"
    when = dt.datetime(2022, 4, 20, 9)
    still = {"整改进展": "方案已报镇党委审定", "完成状态": "整改中"}
    updates = {
        QS: [still, {}, {}],  # QS-001 passed its deadline on 04-15: red, a 督办通知单
        LT: [{"整改进展": "已召开专题会议部署"}, still],
        ZFD: [new_problem(9, dt.date(2022, 7, 31))],
    }
    for unit, unit_rows in updates.items():
        fill_template(templates / f"{unit}.xlsx", inbox / f"{unit}4月进展.xlsx", unit_rows, received=when)
    run.monthly(root, dt.date(2022, 4, 30))


@pytest.fixture(scope="module")
def township(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """青石镇 after March and April, with its half-year report; written under a umask of 022."""
    root = write_township(tmp_path_factory.mktemp("qingshi") / "青石镇")
    previous = os.umask(UMASK)
    try:
        _march(root)
        _april(root)
        run.summary(root, "half", dt.date(2022, 4, 30), fonts=())
    finally:
        os.umask(previous)
    yield root


def outputs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "out").rglob("*") if p.is_file())


def test_the_month_made_every_kind_of_output(township: Path) -> None:
    names = {str(p.relative_to(township / "out")) for p in outputs(township)}
    assert {
        "2022-04/总台账.xlsx",
        "2022-04/通报.docx",
        "2022-04/移交纪委清单.docx",
        f"2022-04/督办通知单/{QS}.docx",
        f"2022-04/模板/{ZFD}.xlsx",
        "2022年半年报告/2022年半年工作情况报告.docx",
        "2022年半年报告/汇总.xlsx",
    } <= names
    assert any(n.startswith("2022-03/退回/") for n in names)  # ZFD's March file


def test_no_name_of_the_demo_township_reaches_any_output(township: Path) -> None:
    assert {"xx镇", "红星村", "x作整办", "镇社会事务办公室", "镇城镇建设办公室"} <= demo_names()
    folders = [p for p in (township / "out").rglob("*") if p.is_dir()]
    assert [p.name for p in folders if any(n in p.name for n in demo_names())] == []
    assert demo_names_in(outputs(township)) == []


def test_the_township_sees_its_own_lead_departments(township: Path) -> None:
    wb = openpyxl.load_workbook(township / "out" / "2022-04" / "总台账.xlsx")
    rows = list(wb["专项治理"].iter_rows(values_only=True))
    lead = rows[0].index("牵头部门")
    assert [r[lead] for r in rows[1:]] == [DZB, ZFD, f"{DZB}、{ZFD}"]
    rows = list(wb["分类统计"].iter_rows(values_only=True))
    lead = rows[0].index("牵头部门")
    assert [r[lead] for r in rows[1:]] == [None, None, None, None, DZB, ZFD, f"{DZB}、{ZFD}"]
    report = Document(str(township / "out" / "2022年半年报告" / "2022年半年工作情况报告.docx"))
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "问题类别")
    header = [c.text for c in table.rows[0].cells]
    assert [r.cells[header.index("牵头部门")].text for r in table.rows[1:]] == [
        "",
        "",
        "",
        "",
        DZB,
        ZFD,
        f"{DZB}、{ZFD}",
    ]


def test_a_township_without_leads_says_they_are_not_set(tmp_path: Path) -> None:
    root = write_township(tmp_path / "ws", leads=None)
    run.monthly(root, dt.date(2022, 3, 31))
    run.summary(root, "half", dt.date(2022, 3, 31), fonts=())
    wb = openpyxl.load_workbook(root / "out" / "2022-03" / "总台账.xlsx")
    rows = list(wb["专项治理"].iter_rows(values_only=True))
    assert [r[rows[0].index("牵头部门")] for r in rows[1:]] == ["未设置", "未设置", "未设置"]
    summary = openpyxl.load_workbook(root / "out" / "2022年半年报告" / "汇总.xlsx")
    rows = list(summary["分类统计"].iter_rows(values_only=True))
    assert [r[rows[0].index("牵头部门")] for r in rows[1:]] == [None] * 4 + ["未设置"] * 3
    assert demo_names_in(outputs(root)) == []


def test_every_output_of_a_month_and_of_a_summary_has_one_readable_mode(township: Path) -> None:
    expected = 0o666 & ~UMASK
    modes = {str(p.relative_to(township)): stat.S_IMODE(p.stat().st_mode) for p in outputs(township)}
    assert {name for name in modes if name.endswith(".docx")}  # there are Word documents to judge
    assert {name: oct(mode) for name, mode in modes.items() if mode != expected} == {}


def test_templates_alone_have_the_same_mode(tmp_path: Path) -> None:
    root = write_township(tmp_path / "ws")
    previous = os.umask(0o002)
    try:
        paths = run.templates(root)
    finally:
        os.umask(previous)
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o664}
    assert [p.name for p in paths[0].parent.iterdir() if p.name.startswith(".")] == []  # no temporary left


# --- the [leads] table of campaign.toml ---------------------------------------------------------


def config(leads: str) -> str:
    from township import campaign_toml

    return campaign_toml() + "\n[leads]\n" + leads


def parse(text: str) -> object:
    import tomllib

    return parse_campaign(tomllib.loads(text))


def test_leads_are_roster_units_by_name_alias_or_code() -> None:
    campaign = parse(
        config('"村务公开" = ["镇党政综合办公室"]\n"工程建设领域专项治理" = "zfd"\n"“办事难”" = ["党政办", "DZB"]\n')
    )
    assert campaign.leads == {  # type: ignore[attr-defined]
        "村（居）务公开专项治理": (DZB,),
        "工程建设领域专项治理": (ZFD,),
        "“办事难”专项治理": (DZB,),
    }


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            '"办事难" = ["镇财政所"]\n',
            "campaign.toml 的 [leads] 中“办事难”一行写的“镇财政所”不在本镇的单位名单（[[units]]）中。"
            "牵头部门请填写名单中单位的名称、简称或代码，如“镇党政综合办公室”；名称写错的请改正，"
            "名单中确实没有的单位请先在 [[units]] 中登记。",
        ),
        (
            '"八项规定" = ["党政办"]\n',
            "campaign.toml 的 [leads] 中“八项规定”不是专项治理的名称。每行的名称请写 “村务公开”、“工程建设”、“办事难” 之一"
            '（三项专项治理），如 "办事难" = ["单位名称"]。',
        ),
        (
            '"工程建设" = 3\n',
            "campaign.toml 中“[leads] 中的“工程建设””的值“3”不正确："
            '应为本镇单位名单中的单位名称列表，如 "工程建设" = ["镇党政综合办公室"]。',
        ),
        (
            '"村务公开" = ["党政办"]\n"村（居）务公开专项治理" = ["执法队"]\n',
            "campaign.toml 的 [leads] 中“村（居）务公开专项治理”与前面的一行都是“村（居）务公开专项治理”的牵头部门，请合并为一行。",
        ),
    ],
    ids=["unknown-unit", "not-a-special-campaign", "not-a-list", "named-twice"],
)
def test_leads_errors_name_the_line_and_the_value(lines: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(config(lines))
    assert caught.value.text == message


def test_the_demo_and_the_clerks_file_set_their_own_leads() -> None:
    from demo_campaign import sample
    from pipeline.config import load_campaign

    demo = parse(sample.campaign_toml())
    assert demo.leads["工程建设领域专项治理"] == ("镇城镇建设办公室",)  # type: ignore[attr-defined]
    clerk = load_campaign(Path(__file__).resolve().parent.parent / "data" / "campaign.toml")
    assert clerk.leads == {}  # a commented example only: nothing to inherit
    assert QINGSHI_LEADS  # the township here has its own
