"""Make this folder's fixture: 青石镇's workspace after March, April and May 2022, written by the
pipeline as it stood at ledger schema v5 (before the one-ledger-model redesign), with every
month's outputs recorded as text in ``expected.json``.

``tests/test_migration.py`` copies the workspace, lets the current program migrate its ledger,
renders every month again and compares the text with ``expected.json``. Run from the repository
root, with the program of that version:  .venv/bin/python tests/data/ledger-v5/make_fixture.py
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/: the shared builders

from output_content import content  # noqa: E402
from township import QINGSHI, fill_template, new_problem, write_township  # noqa: E402

from pipeline import run  # noqa: E402

QS, LT, TY, BH, DZB, ZFD = (m.name for m in QINGSHI)
MONTHS = {"2022-03": dt.date(2022, 3, 31), "2022-04": dt.date(2022, 4, 30), "2022-05": dt.date(2022, 5, 31)}
REGISTER = (
    ("JB-001", dt.date(2022, 3, 10), "镇党委书记", "清理村级集体资产台账并公示", f"{QS}、{LT}", dt.date(2022, 4, 20)),
    ("JB-002", dt.date(2022, 3, 15), "镇长", "整治政务服务大厅窗口空岗问题", DZB, dt.date(2022, 4, 10)),
)


def register(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "交办事项"
    ws.append(["编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限"])
    for row in REGISTER:
        ws.append(list(row))
    wb.save(path)


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2022, month, day, hour, 30)


def march(root: Path) -> None:
    blank = {p.stem: p for p in run.templates(root)}
    inbox = root / "inbox"
    rows = {
        QS: [
            new_problem(0, dt.date(2022, 3, 25)),  # red from March on: 督办 three times by May, 移交纪委
            new_problem(1, "长期坚持", "长期坚持"),
            new_problem(2, dt.date(2022, 3, 15), "已完成", dt.date(2022, 3, 15), "已办结"),
        ],
        LT: [new_problem(3, "6月底", "未启动"), new_problem(4, dt.date(2022, 5, 31))],
        TY: [new_problem(5, dt.date(2022, 4, 30))],
        DZB: [new_problem(6, dt.date(2022, 6, 30)), new_problem(7, "年底前")],
        ZFD: [{**new_problem(8, dt.date(2022, 6, 30)), "完成状态": "搞定了"}],  # returned: no such status
    }
    received = {QS: at(3, 18), LT: at(3, 19), TY: at(3, 25), DZB: at(3, 17), ZFD: at(3, 18)}
    for unit, unit_rows in rows.items():
        when = received[unit]
        fill_template(blank[unit], inbox / f"{unit}问题清单.xlsx", unit_rows, filled_on=when.date(), received=when)
    shutil.copy2(inbox / f"{QS}问题清单.xlsx", inbox / f"{QS}问题清单(1).xlsx")  # the same file twice: 重复
    run.monthly(root, MONTHS["2022-03"])


def april(root: Path) -> None:
    templates = root / "out" / "2022-03" / "模板"
    inbox = root / "inbox"
    still = {"整改进展": "方案已报镇党委审定", "完成状态": "整改中"}
    updates = {
        QS: [still, {}, {}],
        LT: [{"整改进展": "已召开专题会议部署"}, still],
        ZFD: [new_problem(9, dt.date(2022, 7, 31))],  # its first accepted list, late
        TY: [{"整改进展": "已完成整改", "完成状态": "已完成", "完成日期": dt.date(2022, 4, 18)}],
    }
    received = {QS: at(4, 20), LT: at(4, 22), ZFD: at(4, 28), TY: at(4, 19)}
    for unit, unit_rows in updates.items():
        fill_template(templates / f"{unit}.xlsx", inbox / f"{unit}4月进展.xlsx", unit_rows, received=received[unit])
    wb = openpyxl.load_workbook(inbox / f"{QS}4月进展.xlsx")  # the 交办事项 sheet the template carries
    sheet = wb["交办事项"]
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, 1).value == "JB-001":
            sheet.cell(r, 4, "已完成资产清点")
            sheet.cell(r, 5, "办理中")
    wb.save(inbox / f"{QS}4月进展.xlsx")
    run.monthly(root, MONTHS["2022-04"])


def may(root: Path) -> None:
    templates = root / "out" / "2022-04" / "模板"
    inbox = root / "inbox"
    updates = {
        QS: [{"整改进展": "仍在协调资金"}, {}, {}],
        LT: [
            {"整改进展": "已完成方案"},
            {"整改进展": "已完成整改", "完成状态": "已完成", "完成日期": dt.date(2022, 5, 20)},
        ],
        DZB: [{"整改进展": "已排班"}, {"整改进展": "推进中"}],
    }
    received = {QS: at(5, 24), LT: at(5, 26), DZB: at(5, 20)}
    for unit, unit_rows in updates.items():
        fill_template(templates / f"{unit}.xlsx", inbox / f"{unit}5月进展.xlsx", unit_rows, received=received[unit])
    run.monthly(root, MONTHS["2022-05"])


def main() -> None:
    work = HERE / "work"
    shutil.rmtree(work, ignore_errors=True)
    root = write_township(work)
    register(root / "交办事项.xlsx")
    march(root)
    april(root)
    run.state_received(root, f"{LT}4月进展.xlsx", dt.datetime(2022, 4, 24, 9, 0))  # an audited statement
    run.monthly(root, MONTHS["2022-04"])  # April again: its 报送情况 with the stated time
    may(root)
    assert run.audit_verify(root) == []
    expected = {month: content(root / "out" / month) for month in MONTHS}
    with sqlite3.connect(root / "ledger.sqlite") as db:
        db.execute("VACUUM")
    target = HERE / "workspace"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in ("campaign.toml", "ledger.sqlite", "交办事项.xlsx"):
        shutil.copy2(root / name, target / name)
    shutil.copytree(root / "archive", target / "archive")
    (HERE / "expected.json").write_text(
        json.dumps(
            {"as_of": {m: d.isoformat() for m, d in MONTHS.items()}, "months": expected}, ensure_ascii=False, indent=0
        ),
        encoding="utf-8",
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
