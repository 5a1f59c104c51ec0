"""The small hand-made campaign of the leaders' reports: the three units of ``conftest``'s roster
(红星村, 东风社区, 镇财政所), two problems each, sent as real workbooks month by month and run
through ``run.monthly``; and the units' 工作总结 files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from conftest import set_received, write_campaign, write_list
from docx import Document

from pipeline import run

OPENNESS = "村（居）务公开专项治理"
SERVICE = "服务不强、环境不优"


def row(category: str, text: str, deadline: str, status: str, done: str | None = None) -> tuple[Any, ...]:
    return (
        category,
        text,
        "建立制度并按月检查落实情况",
        "王建国",
        "李明",
        deadline,
        f"{status}：按计划推进",
        status,
        done,
    )


HX = [
    ("2022-04-30", "村务公开栏未按季度更新，财务收支未公开"),
    ("2022-03-25", "便民服务代办点代办员经常不在岗，群众反映多"),
]
DF = [
    ("2022-04-30", "居务公开栏内容陈旧，惠民政策公开不及时"),
    ("2022-03-25", "社区服务窗口服务态度生硬，群众多次反映"),
]
CZ = [
    ("2022-03-25", "资金拨付审核流程长，所需资料一次性告知不到位"),
    ("2022-05-31", "财会人员业务培训不足，报销票据审核把关不严"),
]


def _rows(items: list[tuple[str, str]], states: list[tuple[str, str | None]]) -> list[tuple[Any, ...]]:
    cats = [OPENNESS, SERVICE]
    return [row(c, text, deadline, s, d) for c, (deadline, text), (s, d) in zip(cats, items, states, strict=True)]


def _month(
    ws: Path, as_of: dt.date, files: list[tuple[str, str, list[tuple[Any, ...]], list[str] | None, dt.datetime]]
):
    for name, unit, rows, ids, received in files:
        filled_on = f"{received.year}年{received.month}月{received.day}日"
        write_list(ws / "inbox" / name, rows, unit=unit, ids=ids, received=received, filled_on=filled_on)
    return run.monthly(ws, as_of)


def build_campaign(ws: Path) -> None:
    """Three units, March to May.

    红星村 and 东风社区 send on time every month and finish everything (红星村 had one item red
    in March); 镇财政所 is returned once and late in March, silent in April, late in May, and its
    CZ-001 is red three months running (移交纪委).
    """
    ids = {code: [f"{code}-001", f"{code}-002"] for code in ("HX", "DF", "CZ")}
    going, new = ("整改中", None), ("未启动", None)
    bad = [("其他", *row(OPENNESS, HX[0][1], "2022-04-30", "整改中")[1:])]
    _month(
        ws,
        dt.date(2022, 3, 31),
        [
            ("红星村问题清单.xlsx", "红星村", _rows(HX, [going, going]), None, dt.datetime(2022, 3, 18, 9)),
            (
                "东风社区问题清单.xlsx",
                "东风社区",
                _rows(DF, [going, ("已完成", "2022-03-15")]),
                None,
                dt.datetime(2022, 3, 18, 10),
            ),
            ("财政所问题清单.xlsx", "镇财政所", bad, None, dt.datetime(2022, 3, 18, 11)),
            ("财政所问题清单（改）.xlsx", "镇财政所", _rows(CZ, [going, new]), None, dt.datetime(2022, 3, 22, 9)),
        ],
    )
    _month(
        ws,
        dt.date(2022, 4, 30),
        [
            (
                "红星村4月.xlsx",
                "红星村",
                _rows(HX, [("已完成", "2022-04-10"), ("已完成", "2022-04-12")]),
                ids["HX"],
                dt.datetime(2022, 4, 20, 9),
            ),
            (
                "东风社区4月.xlsx",
                "东风社区",
                _rows(DF, [going, ("已完成", "2022-03-15")]),
                ids["DF"],
                dt.datetime(2022, 4, 20, 9),
            ),
        ],
    )
    _month(
        ws,
        dt.date(2022, 5, 31),
        [
            (
                "红星村5月.xlsx",
                "红星村",
                _rows(HX, [("已完成", "2022-04-10"), ("已完成", "2022-04-12")]),
                ids["HX"],
                dt.datetime(2022, 5, 20, 9),
            ),
            (
                "东风社区5月.xlsx",
                "东风社区",
                _rows(DF, [("已完成", "2022-05-10"), ("已完成", "2022-03-15")]),
                ids["DF"],
                dt.datetime(2022, 5, 20, 9),
            ),
            ("财政所5月.xlsx", "镇财政所", _rows(CZ, [going, going]), ids["CZ"], dt.datetime(2022, 5, 28, 9)),
        ],
    )


def campaign_workspace(root: Path) -> Path:
    """A workspace under ``root`` with the small campaign's months run (``build_campaign``)."""
    ws = root / "ws"
    write_campaign(ws)
    (ws / "inbox").mkdir()
    build_campaign(ws)
    return ws


def march_of_one_village(ws: Path) -> None:
    """红星村 alone sends its March list (one open problem); the month is run."""
    row_ = row(OPENNESS, HX[0][1], "2022-12-31", "整改中")
    write_list(ws / "inbox" / "红星村问题清单.xlsx", [row_], received=dt.datetime(2022, 3, 18, 9))
    run.monthly(ws, dt.date(2022, 3, 31))


def send_work_summaries(inbox: Path) -> None:
    """红星村's summary on 11-15 (on time), 东风社区's on 11-21 (late); 镇财政所 sends none."""
    doc = Document()
    doc.add_paragraph("红星村2022年干部作风整顿工作总结")
    doc.save(str(inbox / "红星村工作总结.docx"))
    set_received(inbox / "红星村工作总结.docx", dt.datetime(2022, 11, 15, 10))
    (inbox / "东风社区2022年总结.pdf").write_bytes(b"%PDF-1.4\n%summary\n")
    set_received(inbox / "东风社区2022年总结.pdf", dt.datetime(2022, 11, 21, 10))
