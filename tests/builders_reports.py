"""A small hand-made month: ``make_report`` builds the ``MonthReport`` the Word and Excel writers
render (three units of a campaign of ``xx镇``, one of them named ``A&B<村>`` to test escaping),
with or without red items."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from pipeline.aggregate import reply_by
from pipeline.config import Campaign, Unit
from pipeline.report import (
    CATEGORY_COLUMNS,
    LEDGER_COLUMNS,
    LEDGER_EXTRA,
    SUBMISSION_COLUMNS,
    UNIT_COLUMNS,
    VALIDATION_COLUMNS,
    MonthReport,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
AS_OF = dt.date(2022, 4, 30)
ODD_UNIT = "A&B<村>"

CAMPAIGN = Campaign(
    town="xx镇",
    year=2022,
    office="xx镇干部作风整顿工作领导小组办公室",
    doc_prefix="x作整办",
    problem_list_due=dt.date(2022, 3, 20),
    rectification_start=dt.date(2022, 4, 1),
    rectification_end=dt.date(2022, 10, 20),
    summary_due=dt.date(2022, 11, 18),
    units=(
        Unit("红星村", "HX", "村", ("红星",)),
        Unit(ODD_UNIT, "AB", "村"),
        Unit("便民服务中心", "BM", "部门"),
    ),
)


def problem_row(no, unit, code, status, deadline, light, days=0, count=0, escalated="否", **kw):
    level = {1: "蓝色督办", 2: "橙色督办"}.get(count, "红色督办" if count >= 3 else "")
    row = {
        "问题编号": no,
        "填报单位": unit,
        "问题类别": kw.get("category", "懒政怠政、为官不为"),
        "具体问题": kw.get("text", f"{unit}群众反映办事需多次往返，服务窗口责任不清"),
        "整改措施": "明确窗口责任，实行首问负责制",
        "责任领导": "张三",
        "责任人": "李四",
        "完成时限": deadline,
        "整改进展": "正在推进",
        "完成状态": status,
        "完成日期": dt.date(2022, 4, 20) if status == "已完成" else None,
        "灯色": light,
        "逾期天数": days,
        "督办次数": count,
        "移交纪委": escalated,
        "单位编码": code,
        "备注": "",
        "逾期工作日": days,
        "工作日估算": False,
        "督办等级": level if light == "红灯" else "",
    }
    return row


def make_report(*, with_red: bool = True) -> MonthReport:
    rows = [
        problem_row("HX-001", "红星村", "HX", "已完成", dt.date(2022, 4, 15), "绿灯"),
        problem_row("HX-002", "红星村", "HX", "整改中", dt.date(2022, 5, 3), "黄灯"),
        problem_row("HX-003", "红星村", "HX", "长期坚持", "长期坚持", "", category="政治纪律不严守、决策部署不落实"),
        problem_row("AB-001", ODD_UNIT, "AB", "已完成", dt.date(2022, 4, 10), "绿灯"),
        problem_row(
            "BM-001", "便民服务中心", "BM", "整改中", dt.date(2022, 6, 30), "绿灯", category="“办事难”专项治理"
        ),
    ]
    if with_red:
        rows += [
            problem_row(
                "AB-002",
                ODD_UNIT,
                "AB",
                "未启动",
                dt.date(2022, 3, 31),
                "红灯",
                30,
                3,
                "是",
                text="村务公开栏<未及时更新> & 财务收支未按月公开",
            ),
            problem_row("AB-003", ODD_UNIT, "AB", "整改中", dt.date(2022, 4, 20), "红灯", 10, 1),
            problem_row(
                "BM-002",
                "便民服务中心",
                "BM",
                "整改中",
                dt.date(2022, 4, 25),
                "红灯",
                5,
                2,
                category="“办事难”专项治理",
            ),
        ]
    else:
        rows.append(problem_row("AB-002", ODD_UNIT, "AB", "整改中", dt.date(2022, 6, 1), "绿灯"))
    problems = pd.DataFrame(rows, columns=[*LEDGER_COLUMNS, *LEDGER_EXTRA])

    def unit_row(rank, name, code, status, n, done, doing, todo, longterm, red, yellow, change):
        rate = done / (n - longterm) if n - longterm else math.nan
        return [rank, name, code, "村", status, n, done, doing, todo, longterm, rate, red, yellow, change]

    if with_red:
        units = [
            unit_row(1, "红星村", "HX", "按时", 3, 1, 1, 0, 1, 0, 1, 12.5),
            unit_row(2, ODD_UNIT, "AB", "逾期", 3, 1, 1, 1, 0, 2, 0, math.nan),
            unit_row(3, "便民服务中心", "BM", "未报送", 2, 0, 2, 0, 0, 1, 0, -3.0),
        ]
    else:
        units = [
            unit_row(1, "红星村", "HX", "按时", 3, 1, 1, 0, 1, 0, 1, 0.0),
            unit_row(2, ODD_UNIT, "AB", "按时", 2, 1, 1, 0, 0, 0, 0, 0.0),
            unit_row(3, "便民服务中心", "BM", "按时", 1, 0, 1, 0, 0, 0, 0, 0.0),
        ]
    categories = pd.DataFrame(
        [
            ["政治纪律不严守、决策部署不落实", False, "", 1, 0, 0, 0, 1, math.nan, 0, 0],
            ["懒政怠政、为官不为", False, "", 4, 2, 1, 1, 0, 0.5, 2, 1],
            ["“办事难”专项治理", True, "便民服务中心", 2, 0, 2, 0, 0, 0.0, 1, 0],
        ],
        columns=list(CATEGORY_COLUMNS),
    )
    submissions = pd.DataFrame(
        [[u[1], u[2], u[3], u[4], None, dt.date(2022, 4, 25), 1] for u in units],
        columns=list(SUBMISSION_COLUMNS),
    )
    return MonthReport(
        campaign=CAMPAIGN,
        month="2022-04",
        as_of=AS_OF,
        doc_number=5,
        problems=problems,
        units=pd.DataFrame(units, columns=list(UNIT_COLUMNS)),
        categories=categories,
        submissions=submissions,
        validation=pd.DataFrame(columns=list(VALIDATION_COLUMNS)),
        previous_month="2022-03",
        reply_by=reply_by(AS_OF, CAMPAIGN.reply_workdays)[0],
    )
