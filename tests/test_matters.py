"""The second ledger: the office's list of assigned matters (交办事项) through every stage.

One campaign runs March to June with three units: JB-01 is assigned to 红星村 and 东风社区 (one
finishes on time, the other late), JB-02 to 镇财政所 (red April, May and June: 移交纪委); the
office's list also holds bad rows, and 镇财政所 first leaves its open matter out in May.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import GOOD_ROWS, set_received, write_campaign, write_list
from docx import Document
from openpyxl.utils import get_column_letter

from pipeline import run
from pipeline.ingest import read_file
from pipeline.kinds import ITEM_KINDS, MATTER, PROBLEM, REGISTER_FILE
from pipeline.model import ProblemStatus
from pipeline.outputs.feedback import ERROR_FILL
from pipeline.validate import schema
from pipeline.vocab import COLUMNS, REQUIRED, load_vocabulary

REGISTER_HEADERS = ("编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限")
MATTER_HEADERS = ("编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期")
REGISTER_ROWS: list[tuple[Any, ...]] = [
    (
        "JB-01",
        dt.date(2022, 3, 5),
        "镇党委书记 张明",
        "落实村级便民服务代办点事项全进驻",
        "红星村、东风社区",
        "4月30日",
    ),
    ("JB-02", "2022年3月10日", "镇长 李强", "惠民惠农资金去向专项监督检查", "财政所", dt.date(2022, 4, 15)),
    ("JB-03", dt.date(2022, 3, 12), "镇党委书记 张明", "信访积案化解", "幸福村", dt.date(2022, 5, 31)),
    ("JB-04", dt.date(2022, 3, 12), "镇长 李强", "农村人居环境整治", "东风社区", 4.3),
    ("JB-01", dt.date(2022, 3, 14), "镇长 李强", "重复编号的事项", "红星村", dt.date(2022, 6, 30)),
    ("JB-05", dt.date(2022, 7, 1), "镇长 李强", "七月才交办的事项", "红星村", dt.date(2022, 8, 31)),
]
IDS = {"HX": "HX", "DF": "DF", "CZ": "CZ"}
UNITS = {"HX": "红星村", "DF": "东风社区", "CZ": "镇财政所"}


def write_register(root: Path, rows: Sequence[Sequence[Any]], when: dt.datetime) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "交办事项"
    ws.cell(1, 1, "xx镇主要领导批示、交办事项清单")
    for c, name in enumerate(REGISTER_HEADERS, start=1):
        ws.cell(3, c, name)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    path = root / REGISTER_FILE
    wb.save(path)
    return set_received(path, when)


def add_matters(path: Path, rows: Sequence[Sequence[Any]], received: dt.datetime) -> Path:
    """Add the 交办事项 sheet (编号, 事项内容, 办理时限, 办理进展, 办理状态, 办结日期) to a unit's file."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("交办事项")
    ws.cell(1, 1, "领导批示、交办事项办理情况")
    for c, name in enumerate(MATTER_HEADERS, start=1):
        ws.cell(2, c, name)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    wb.save(path)
    return set_received(path, received)


def unit_file(inbox: Path, code: str, month: int, received: dt.datetime, matters: Sequence[Sequence[Any]] = ()) -> Path:
    ids = None if month == 3 else [f"{code}-{n:03d}" for n in range(1, len(GOOD_ROWS) + 1)]
    path = write_list(inbox / f"{UNITS[code]}{month}月.xlsx", GOOD_ROWS, unit=UNITS[code], ids=ids, received=received)
    if matters:
        add_matters(path, matters, received)
    return set_received(path, received)


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2022, month, day, hour)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("matters") / "ws"
    write_campaign(root)
    inbox = root / "inbox"
    inbox.mkdir()
    results: dict[str, run.RunResult] = {}

    write_register(root, REGISTER_ROWS, at(3, 15))
    for code in UNITS:  # March: the problem lists; nobody had to report on matters yet
        unit_file(inbox, code, 3, at(3, 18))
    results["03"] = run.monthly(root, dt.date(2022, 3, 31))

    unit_file(inbox, "HX", 4, at(4, 20), [("JB-01", "", "", "已进驻23项，完成", "已办结", dt.date(2022, 4, 18))])
    unit_file(inbox, "DF", 4, at(4, 21), [("JB-01", "", "", "梳理事项清单", "正在办理", None)])
    unit_file(inbox, "CZ", 4, at(4, 22), [("JB-02", "", "", "已抽查3个村", "办理中", None)])
    results["04"] = run.monthly(root, dt.date(2022, 4, 30))

    unit_file(inbox, "DF", 5, at(5, 20), [("JB-01", "", "", "全部进驻", "已办结", dt.date(2022, 5, 10))])
    unit_file(inbox, "CZ", 5, at(5, 19))  # leaves its open matter out: returned
    cz = unit_file(root / "drafts", "CZ", 5, at(5, 23), [("JB-02", "", "", "已抽查8个村", "办理中", None)])
    cz.rename(inbox / "镇财政所5月（修改后重报）.xlsx")  # a rename keeps the received time
    unit_file(inbox, "HX", 5, at(5, 21))  # its matter is done: no sheet needed
    results["05"] = run.monthly(root, dt.date(2022, 5, 31))

    unit_file(inbox, "CZ", 6, at(6, 20), [("JB-02", "", "", "正在汇总问题", "办理中", None)])
    results["06"] = run.monthly(root, dt.date(2022, 6, 30))
    return {"root": root, "results": results}


def db(story: dict[str, Any]) -> sqlite3.Connection:
    return sqlite3.connect(story["root"] / "ledger.sqlite")


def sheet_rows(path: Path, name: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def paragraphs(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


# --- the declaration ----------------------------------------------------------------------------


def test_the_problem_kind_is_declared_from_what_exists() -> None:
    assert (PROBLEM.columns, PROBLEM.required, PROBLEM.statuses) == (COLUMNS, REQUIRED, ProblemStatus.ALL)
    assert schema(PROBLEM).name == "问题清单"
    assert MATTER in ITEM_KINDS and schema(MATTER).name == "交办事项"
    lookup = MATTER.header_lookup(load_vocabulary())
    assert lookup["批示内容"] == "事项内容" and lookup["完成状态"] == "办理状态"
    assert "问题类别" not in lookup.values()
    assert MATTER.status(load_vocabulary(), "办结") == "已办结"
    assert MATTER.status(load_vocabulary(), "长期坚持") is None


def test_a_file_holds_both_tables(tmp_path: Path) -> None:
    path = unit_file(tmp_path, "HX", 4, at(4, 20), [("JB-01", "便民服务", "", "进展", "办理中", None)])
    raw = read_file(path, load_vocabulary())
    assert raw.sheet == "问题清单" and len(raw.frame) == len(GOOD_ROWS)
    matter = raw.extra["matter"]
    assert matter.sheet == "交办事项" and matter.header_row == 2
    assert matter.frame.loc[3, "编号"] == "JB-01" and matter.cell("办理状态", 3) == "E3"
    plain = read_file(write_list(tmp_path / "x.xlsx", GOOD_ROWS), load_vocabulary())
    assert plain.extra == {}


# --- the office's list ----------------------------------------------------------------------------


def test_office_list_good_rows_registered_bad_rows_named(story: dict[str, Any]) -> None:
    march = story["results"]["03"]
    assert march.register is not None and march.register.outcome == "交办清单"
    codes = [(m.code, m.cell) for m in march.register.messages]
    assert ("register-unit-unknown", "E6") in codes  # 幸福村 is not in the roster
    assert ("date-number", "F7") in codes  # 4.3 is no date
    assert ("register-id-repeated", "A8") in codes
    skipped = sorted(m.params["row"] for m in march.register.messages if m.code == "register-row-skipped")
    assert skipped == [6, 7, 8]
    summary = march.register.messages[-1]
    assert summary.code == "register-read" and "读取交办事项 2 件（其中 3 行有误未登记）" in summary.text
    with db(story) as conn:
        items = conn.execute(
            "SELECT item_id, created_month FROM items WHERE kind = 'matter' ORDER BY item_id"
        ).fetchall()
        assert items == [("JB-01", "2022-03"), ("JB-02", "2022-03")]  # JB-05 waits for July
        archived = conn.execute("SELECT sha256 FROM audit_log WHERE file_name = ?", (REGISTER_FILE,)).fetchall()
    assert len(archived) == 4  # once a month, the same version
    assert len({a[0] for a in archived}) == 1
    assert (story["root"] / "archive" / archived[0][0][:2] / archived[0][0]).is_file()
    validation = sheet_rows(story["root"] / "out" / "2022-03" / "总台账.xlsx", "校验结果")
    office = [r for r in validation if r["文件名"] == REGISTER_FILE]
    assert office and office[0]["填报单位"] == "作风整顿办" and "幸福村" in office[0]["说明"]


def test_unreadable_office_list_keeps_the_registered_matters(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_campaign(root)
    (root / "inbox").mkdir()
    write_register(root, REGISTER_ROWS[:1], at(3, 15))
    run.monthly(root, dt.date(2022, 3, 31))
    (root / REGISTER_FILE).write_text("不是表格", encoding="utf-8")
    result = run.monthly(root, dt.date(2022, 4, 30))
    assert result.register is not None and result.register.messages[0].code == "register-unreadable"
    assert result.report is not None and list(result.report.ledgers["matter"].items["编号"]) == ["JB-01"]


# --- units' progress --------------------------------------------------------------------------------


def test_unit_progress_is_stored_with_history(story: dict[str, Any]) -> None:
    april = story["results"]["04"]
    assert {f.unit: f.outcome for f in april.files} == {"红星村": "通过", "东风社区": "通过", "镇财政所": "通过"}
    with db(story) as conn:
        rows = conn.execute(
            "SELECT unit_code, month, status, progress FROM item_versions WHERE kind = 'matter' AND item_id = 'JB-01' "
            "AND unit_code != '' ORDER BY month, unit_code"
        ).fetchall()
    assert rows == [
        ("DF", "2022-04", "办理中", "梳理事项清单"),  # 正在办理, in its canonical name
        ("HX", "2022-04", "已办结", "已进驻23项，完成"),
        ("DF", "2022-05", "已办结", "全部进驻"),
    ]


def test_open_matter_left_out_is_returned(story: dict[str, Any]) -> None:
    may = {f.file_name: f for f in story["results"]["05"].files}
    first = may["镇财政所5月.xlsx"]
    assert first.outcome == "退回"
    missing = [m for m in first.messages if m.code == "item-missing"]
    assert len(missing) == 1 and "JB-02" in missing[0].text and "惠民惠农资金" in missing[0].text
    assert may["镇财政所5月（修改后重报）.xlsx"].outcome == "通过"
    assert may["红星村5月.xlsx"].outcome == "通过"  # its matter is done; no sheet needed


def _march_of_hongxing(tmp_path: Path, register: Sequence[Sequence[Any]]) -> tuple[Path, Path]:
    """A workspace whose office list holds ``register`` and whose March 红星村 has run; (root, inbox)."""
    root = tmp_path / "ws"
    write_campaign(root)
    inbox = root / "inbox"
    inbox.mkdir()
    write_register(root, register, at(3, 15))
    unit_file(inbox, "HX", 3, at(3, 18))
    run.monthly(root, dt.date(2022, 3, 31))
    return root, inbox


def test_bad_progress_rows_return_the_whole_file(tmp_path: Path) -> None:
    root, inbox = _march_of_hongxing(tmp_path, REGISTER_ROWS[:2])
    unit_file(
        inbox,
        "HX",
        4,
        at(4, 20),
        [
            ("JB-01", "", "", "进展", "差不多了", None),
            ("JB-02", "", "", "进展", "办理中", None),
            ("JB-09", "", "", "进展", "已办结", None),
        ],
    )
    result = run.monthly(root, dt.date(2022, 4, 30))
    [outcome] = result.files
    assert outcome.outcome == "退回"
    found = {(m.code, m.sheet, m.cell) for m in outcome.messages if m.level == "error"}
    assert ("matter-status-invalid", "交办事项", "E3") in found
    assert ("item-not-assigned", "交办事项", "A4") in found  # JB-02 is 镇财政所's
    assert ("item-unknown", "交办事项", "A5") in found
    assert ("done-without-date", "交办事项", "F5") in found
    with sqlite3.connect(root / "ledger.sqlite") as conn:  # returned whole: the problems did not move either
        assert (
            conn.execute("SELECT COUNT(*) FROM item_versions WHERE kind = 'problem' AND month = '2022-04'").fetchone()[
                0
            ]
            == 0
        )
        assert (
            conn.execute("SELECT COUNT(*) FROM item_versions WHERE kind = 'matter' AND unit_code != ''").fetchone()[0]
            == 0
        )
    # the feedback workbook marks the 交办事项 sheet's cells too, and its summary links to them
    [feedback] = (root / "out" / "2022-04" / "退回").glob("*.xlsx")
    wb = openpyxl.load_workbook(feedback)
    assert wb.sheetnames[0] == "退回说明" and "交办事项" in wb.sheetnames
    matters = wb["交办事项"]
    for address in ("E3", "A4", "A5", "F5"):
        cell = matters[address]
        assert cell.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb, address
        assert cell.comment is not None and cell.comment.text, address
    assert matters["A3"].value == "JB-01" and matters["E3"].value == "差不多了"  # the unit's values, copied
    links = {c.hyperlink.target for row in wb["退回说明"].iter_rows() for c in row if c.hyperlink}
    assert "#'交办事项'!E3" in links
    assert "交办事项" in str(wb["退回说明"]["A2"].value)


def test_progress_copied_from_last_month_is_a_warning(tmp_path: Path) -> None:
    root, inbox = _march_of_hongxing(tmp_path, REGISTER_ROWS[:1])
    unit_file(inbox, "HX", 4, at(4, 20), [("JB-01", "", "", "梳理事项清单", "办理中", None)])
    run.monthly(root, dt.date(2022, 4, 30))  # the first report on JB-01: nothing to compare with
    unit_file(inbox, "HX", 5, at(5, 20), [("JB-01", "政务服务事项进驻", "", "梳理事项清单", "办理中", None)])
    [may] = run.monthly(root, dt.date(2022, 5, 31)).files
    assert may.outcome == "通过"  # a warning lets the file through
    unchanged = [m for m in may.messages if m.code == "item-progress-unchanged"]
    assert [(m.sheet, m.cell, m.level) for m in unchanged] == [("交办事项", "D3", "warning")]
    assert "JB-01" in unchanged[0].text and "进展未更新" in unchanged[0].title
    unit_file(inbox, "HX", 6, at(6, 20), [("JB-01", "", "", "已全部进驻", "办理中", None)])
    [june] = run.monthly(root, dt.date(2022, 6, 30)).files
    assert not [m for m in june.messages if m.code == "item-progress-unchanged"]  # progress moved on


# --- several units, flags, escalation -----------------------------------------------------------


def test_multi_unit_matter_open_until_every_unit_finishes(story: dict[str, Any]) -> None:
    april = story["results"]["04"].report
    assert april is not None
    jb1 = april.ledgers["matter"].items.set_index("编号").loc["JB-01"]
    assert jb1["承办单位"] == "红星村（已办结）、东风社区（办理中）"
    assert jb1["办理状态"] == "办理中" and jb1["办结日期"] is None
    assert jb1["灯色"] == "黄灯"  # due today
    may = story["results"]["05"].report
    assert may is not None
    jb1 = may.ledgers["matter"].items.set_index("编号").loc["JB-01"]
    assert jb1["承办单位"] == "红星村（已办结）、东风社区（已办结）"
    assert (jb1["办理状态"], jb1["办结日期"], jb1["灯色"]) == ("已办结", dt.date(2022, 5, 10), "绿灯")
    pairs = may.ledgers["matter"].pairs
    assert len(pairs[pairs["编号"] == "JB-01"]) == 2
    rows = sheet_rows(story["root"] / "out" / "2022-05" / "总台账.xlsx", "交办事项台账")
    assert [r["编号"] for r in rows] == ["JB-01", "JB-02"]
    assert rows[0]["办理状态"] == "已办结" and "东风社区（已办结）" in rows[0]["承办单位"]


def test_matter_reaches_the_discipline_commission(story: dict[str, Any]) -> None:
    ladder = []
    for month in ("04", "05", "06"):
        report = story["results"][month].report
        assert report is not None
        row = report.ledgers["matter"].items.set_index("编号").loc["JB-02"]
        ladder.append((row["灯色"], int(row["督办次数"]), row["督办等级"], row["移交纪委"]))
    assert ladder == [
        ("红灯", 1, "蓝色督办", "否"),
        ("红灯", 2, "橙色督办", "否"),
        ("红灯", 3, "红色督办", "是"),
    ]
    june = story["root"] / "out" / "2022-06"
    sheet = sheet_rows(june / "总台账.xlsx", "交办事项台账")
    jb2 = next(r for r in sheet if r["编号"] == "JB-02")
    assert (jb2["督办次数"], jb2["移交纪委"], jb2["逾期天数"]) == (3, "是", 76)
    escalation = paragraphs(june / "移交纪委清单.docx")
    assert "惠民惠农资金去向专项监督检查" in escalation and "1项领导批示、交办事项" in escalation
    notice = paragraphs(june / "督办通知单" / "镇财政所.docx")
    assert "交办你单位的领导批示、交办事项中有1件" in notice and "JB-02" in notice and "红色督办" in notice
    with db(story) as conn:
        months = conn.execute(
            "SELECT month FROM item_flags WHERE kind = 'matter' AND item_id = 'JB-02' AND unit_code = 'CZ' AND red = 1"
        ).fetchall()
    assert [m[0] for m in months] == ["2022-04", "2022-05", "2022-06"]


def test_rerun_of_a_month_counts_it_once(story: dict[str, Any], tmp_path: Path) -> None:
    report = story["results"]["06"].report
    assert report is not None
    again = run.monthly(story["root"], dt.date(2022, 6, 30))
    assert again.report is not None
    before = report.ledgers["matter"].items.set_index("编号").loc["JB-02", "督办次数"]
    assert again.report.ledgers["matter"].items.set_index("编号").loc["JB-02", "督办次数"] == before == 3


def test_circular_section(story: dict[str, Any]) -> None:
    text = paragraphs(story["root"] / "out" / "2022-06" / "通报.docx")
    assert "五、领导批示和交办事项落实情况" in text and "七、下步工作要求" in text
    assert "六、问题清单填报质量情况" in text  # the story's units all file the same problems (#20)
    assert "共有交办事项2件，涉及3个承办单位，其中已办结1件，办理中1件，办结率50.0%" in text
    assert "（其中1件超过办理时限后办结）" in text  # 东风社区 finished JB-01 on 5-10, due 4-30
    assert "超过办理时限仍未办结（红灯）的交办事项1件，涉及镇财政所" in text
    assert "已会同镇纪委督查问效" in text and "（JB-02）" in text
    doc = Document(str(story["root"] / "out" / "2022-06" / "通报.docx"))
    matter_table = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert matter_table[0] == ["编号", "承办单位", "事项内容", "办理时限", "逾期天数", "督办等级"]
    assert matter_table[1][:3] == ["JB-02", "镇财政所", "惠民惠农资金去向专项监督检查"]


def test_circular_without_matters_keeps_its_numbering(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_campaign(root)
    (root / "inbox").mkdir()
    unit_file(root / "inbox", "HX", 3, at(3, 18))
    run.monthly(root, dt.date(2022, 3, 31))
    text = paragraphs(root / "out" / "2022-03" / "通报.docx")
    assert "五、下步工作要求" in text and "交办事项" not in text
    assert "交办事项台账" not in openpyxl.load_workbook(root / "out" / "2022-03" / "总台账.xlsx").sheetnames


def test_next_months_template_carries_the_open_matters(story: dict[str, Any]) -> None:
    folder = story["root"] / "out" / "2022-06" / "模板"
    wb = openpyxl.load_workbook(folder / "镇财政所.xlsx")
    assert wb.sheetnames == ["问题清单", "交办事项", "填表说明", "_zfzz_meta"]
    ws = wb["交办事项"]
    assert ws.protection.sheet
    header = [c.value for c in ws[4]]
    assert header == list(MATTER.template_columns)
    assert ws.cell(5, 1).value == "JB-02" and ws.cell(5, 1).protection.locked
    assert ws.cell(5, 2).value == "惠民惠农资金去向专项监督检查" and ws.cell(5, 2).protection.locked
    assert not ws.cell(5, header.index("办理进展") + 1).protection.locked
    assert not ws.cell(5, header.index("办理状态") + 1).protection.locked
    status = next(dv for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert status.formula1 == '"未启动,办理中,已办结"' and status.errorTitle == "办理状态"
    assert str(status.sqref) == f"{get_column_letter(header.index('办理状态') + 1)}5"
    guide = "".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value)
    assert "本表另有“交办事项”工作表" in guide
    assert openpyxl.load_workbook(folder / "红星村.xlsx").sheetnames == ["问题清单", "填表说明", "_zfzz_meta"]
    raw = read_file(folder / "镇财政所.xlsx", load_vocabulary())  # the template reads back
    assert raw.extra["matter"].frame["编号"].tolist() == ["JB-02"]


def test_templates_declare_the_matter_variables(story: dict[str, Any]) -> None:
    import jinja2
    from docxtpl import DocxTemplate

    from pipeline.outputs import documents
    from pipeline.render import TEMPLATES_DIR

    report = story["results"]["06"].report
    assert report is not None and "matter" in report.ledgers
    env = jinja2.Environment(autoescape=True)
    cases = [
        (documents.CIRCULAR_TEMPLATE, documents.circular_context(report)),
        (documents.ESCALATION_TEMPLATE, documents.escalation_context(report)),
        (documents.NOTICE_TEMPLATE, documents.notice_context(report, "镇财政所")),
    ]
    for name, ctx in cases:
        template = DocxTemplate(str(TEMPLATES_DIR / name))
        assert template.get_undeclared_template_variables(jinja_env=env, context=ctx) == set()


def test_half_year_report_has_the_matters_as_they_stood(story: dict[str, Any]) -> None:
    report, workbook = run.summary(story["root"], "half")
    text = paragraphs(report)
    assert "领导批示和交办事项落实情况" in text
    with db(story) as conn:
        ids = sorted({r[0] for r in conn.execute("SELECT item_id FROM items WHERE kind = 'matter'")})
    doc = Document(str(report))
    [table] = [t for t in doc.tables if t.rows[0].cells[0].text == "编号" and "事项内容" in t.rows[0].cells[1].text]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[0] for r in rows] == ids == ["JB-01", "JB-02"]
    assert f"交办事项共{len(ids)}件" in text and "已办结1件" in text and "办理中1件" in text
    sheet = sheet_rows(workbook, "交办事项")
    assert [(r["编号"], r["办理状态"]) for r in sheet] == [("JB-01", "已办结"), ("JB-02", "办理中")]


def test_audit_verifies_with_the_office_list_archived(story: dict[str, Any]) -> None:
    assert [f for f in run.audit_verify(story["root"]) if f.tampering] == []
