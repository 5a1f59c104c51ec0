"""The 不满意 cases of the 办事效率评议 (issue #19) through real monthly runs of 青石镇: each 不满意 of
an accepted rating becomes an item of the rated department (PY-{period}-{department}-{NN}), due
``reply_workdays`` working days after the rating was received; it goes red unanswered, climbs the
supervision ladder to 移交纪委; the department answers it in its next file (leaving it out returns
the file); its id stays when the month runs again; nothing addressed to the department names the
village that rated it unless campaign.toml says so."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
from builders_rating_cases import answered_file, cases_workspace, next_template
from builders_rating_form import rated_file, rating_campaign
from docx import Document
from township import QINGSHI, TOWN, output_texts

from pipeline import run

MAY, JUNE, JULY = "2022-05", "2022-06", "2022-07"
DZB, ZFD = "镇党政综合办公室", "镇综合行政执法队"  # rows 5 and 6 of the rating sheet
RATERS = [m for m in QINGSHI if m.kind != "部门"]
CASE_SHEET = "评议反映问题台账"
# 青石村 and 桃源村 find the 党政办 wanting; 柳塘村 forgets the reason (returned); 滨河社区 sends nothing
QS_RATING = {
    5: {
        "评议等次": "不满意",
        "办理事项": "宅基地审批盖章",
        "不满意原因": "人难找",
        "具体情况": "三次到办公室盖章经办人不在岗",
    },
    6: {"评议等次": "满意"},
}
TY_RATING = {
    5: {
        "评议等次": "不满意",
        "办理事项": "低保材料审核",
        "不满意原因": "来回跑、事难办",
        "具体情况": "材料要求一次说不清",
    },
    6: {"评议等次": "满意"},
}
LT_RATING = {5: {"评议等次": "不满意", "办理事项": "开具证明", "具体情况": "等了一下午"}, 6: {"评议等次": "满意"}}


def _may(root: Path) -> run.RunResult:
    campaign = rating_campaign()
    inbox = root / "inbox"
    rated_file(campaign, "青石村", MAY, inbox / "青石村5月.xlsx", QS_RATING, dt.datetime(2022, 5, 10, 9))
    rated_file(campaign, "桃源村", MAY, inbox / "桃源村5月.xlsx", TY_RATING, dt.datetime(2022, 5, 12, 9))
    rated_file(campaign, "柳塘村", MAY, inbox / "柳塘村5月.xlsx", LT_RATING, dt.datetime(2022, 5, 13, 9))
    return run.monthly(root, dt.date(2022, 5, 31))


def _cases(root: Path, month: str) -> list[list[object]]:
    ws = openpyxl.load_workbook(root / "out" / month / "总台账.xlsx")[CASE_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if "编号" in r)
    keep = ["编号", "评议单位", "承办单位", "答复时限", "办理状态", "灯色", "督办次数", "督办等级", "移交纪委"]
    at = [header.index(k) for k in keep]
    return [[r[i] for i in at] for r in rows[rows.index(header) + 1 :] if r[0]]


def _day(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def test_a_month_of_ratings_makes_cases_that_go_red_and_climb_the_ladder(tmp_path: Path) -> None:
    root = cases_workspace(tmp_path / "ws")
    may = _may(root)
    outcomes = {f.file_name: f.outcome for f in may.files}
    assert outcomes == {"青石村5月.xlsx": "通过", "桃源村5月.xlsx": "通过", "柳塘村5月.xlsx": "退回"}
    assert [p.name for p in (root / "out" / MAY / "退回").glob("*.xlsx")] != []
    assert may.report is not None and may.report.rating is not None
    counted = may.report.rating.departments.set_index("部门")
    assert counted.loc[DZB, ["已评单位数", "不满意", "人难找", "来回跑", "事难办"]].tolist() == [2, 2, 1, 1, 1]
    assert counted.loc[DZB, "满意率"] == 0.0 and counted.loc[ZFD, "满意率"] == 1.0
    assert counted.loc[DZB, "未返回评议"] == "柳塘村、滨河社区"
    circular = "\n".join(p.text for p in Document(str(root / "out" / MAY / "通报.docx")).paragraphs)
    exposed = circular.split("（二）亮相揭丑。")[1].split("\n")[0]
    assert f"{DZB}满意率0.0%，收到不满意评价2个" in exposed and ZFD not in exposed
    # a case per 不满意, numbered in received order, due 10 working days after its file came in
    cases = [[_day(v) for v in row] for row in _cases(root, MAY)]
    assert cases == [
        [
            "PY-2022-05-DZB-01",
            "青石村",
            f"{DZB}（未启动）",
            dt.date(2022, 5, 24),
            "未启动",
            "红灯",
            1,
            "蓝色督办",
            "否",
        ],
        [
            "PY-2022-05-DZB-02",
            "桃源村",
            f"{DZB}（未启动）",
            dt.date(2022, 5, 26),
            "未启动",
            "红灯",
            1,
            "蓝色督办",
            "否",
        ],
    ]
    [notice] = [p for p in (root / "out" / MAY / "督办通知单").glob("*.docx") if DZB in p.name]
    tables = [c.text for t in Document(str(notice)).tables for r in t.rows for c in r.cells]
    assert "PY-2022-05-DZB-01" in tables and "PY-2022-05-DZB-02" in tables
    assert (
        "经核查，截至2022年5月31日，村（社区）办事效率评议反映你单位的问题中有2件已超过答复时限仍未办结（红灯），现予督办。具体如下："
        in [p.text for p in Document(str(notice)).paragraphs]
    )
    # unanswered in June and July: supervised each month, then handed to the 纪委
    run.monthly(root, dt.date(2022, 6, 30))
    assert [row[6:] for row in _cases(root, JUNE)] == [[2, "橙色督办", "否"], [2, "橙色督办", "否"]]
    run.monthly(root, dt.date(2022, 7, 31))
    assert [row[5:] for row in _cases(root, JULY)] == [["红灯", 3, "红色督办", "是"], ["红灯", 3, "红色督办", "是"]]
    escalation = [
        c.text for t in Document(str(root / "out" / JULY / "移交纪委清单.docx")).tables for r in t.rows for c in r.cells
    ]
    assert "PY-2022-05-DZB-01" in escalation


def test_the_department_answers_its_cases_and_one_left_out_returns_its_file(tmp_path: Path) -> None:
    root = cases_workspace(tmp_path / "ws")
    _may(root)
    template = next_template(root, MAY, DZB)
    sheet = openpyxl.load_workbook(template)["评议反映问题"]
    assert [sheet.cell(r, 1).value for r in (5, 6)] == ["PY-2022-05-DZB-01", "PY-2022-05-DZB-02"]
    assert sheet.cell(5, 1).protection.locked and sheet.cell(5, 2).protection.locked
    assert not sheet.cell(5, 5).protection.locked  # 整改答复 is the department's
    answers = {
        "PY-2022-05-DZB-01": {"整改答复": "已安排专人坐班盖章", "办理状态": "已办结", "办结日期": dt.date(2022, 6, 8)}
    }
    left_out = answered_file(
        template, root / "inbox" / "党政办6月.xlsx", {**answers, "PY-2022-05-DZB-02": None}, dt.datetime(2022, 6, 20, 9)
    )
    june = run.monthly(root, dt.date(2022, 6, 30))
    [returned] = [f for f in june.files if f.file_name == left_out.name]
    assert returned.outcome == "退回"
    assert [(m.code, m.params["value"]) for m in returned.messages if m.level == "error"] == [
        ("case-missing", "PY-2022-05-DZB-02")
    ]
    answers["PY-2022-05-DZB-02"] = {"整改答复": "已一次性告知材料清单", "办理状态": "办理中"}
    answered_file(template, root / "inbox" / "党政办6月.xlsx", answers, dt.datetime(2022, 6, 25, 9))
    june = run.monthly(root, dt.date(2022, 6, 30))
    assert [f.outcome for f in june.files if f.file_name == "党政办6月.xlsx"] == ["通过"]
    assert [row[4:6] for row in _cases(root, JUNE)] == [["已办结", "绿灯"], ["办理中", "红灯"]]


def _scan(paths: list[Path]) -> list[str]:
    names = [n for m in RATERS for n in (m.name, *m.aliases)]
    codes = [m.code for m in RATERS]
    found = []
    for path in paths:
        for where, text in output_texts(path):
            text = text.replace(TOWN, "")  # 青石镇 is the town, not the village 青石(村)
            found += [f"{where}: {n}" for n in names if n in text]
            found += [f"{where}: {c}" for c in codes if re.search(rf"(?<![A-Za-z]){c}(?![A-Za-z])", text)]
    return found


def _department_outputs(root: Path) -> list[Path]:
    out = root / "out"
    return [
        *[p for p in out.glob("*/模板/*.xlsx") if DZB in p.name],
        *[p for p in out.glob("*/督办通知单/*.docx") if DZB in p.name],
        *out.glob("*/移交纪委清单.docx"),
    ]


def test_no_output_addressed_to_a_department_names_the_village_that_rated_it(tmp_path: Path) -> None:
    root = cases_workspace(tmp_path / "ws")
    _may(root)
    run.monthly(root, dt.date(2022, 6, 30))
    run.monthly(root, dt.date(2022, 7, 31))
    paths = _department_outputs(root)
    assert len(paths) == 3 + 3 + 3  # its template, its notice and the 移交纪委清单 of each month
    assert _scan(paths) == []
    ledger = [t for where, t in output_texts(root / "out" / MAY / "总台账.xlsx") if CASE_SHEET in where]
    assert "青石村" in ledger  # the office's own ledger keeps who rated


def test_with_anonymity_off_the_department_sees_the_village(tmp_path: Path) -> None:
    root = cases_workspace(tmp_path / "ws", anonymous=False)
    _may(root)
    sheet = openpyxl.load_workbook(next_template(root, MAY, DZB))["评议反映问题"]
    assert sheet.cell(5, 2).value == "青石村反映：办理事项：宅基地审批盖章；具体情况：三次到办公室盖章经办人不在岗"


def test_a_case_keeps_its_id_when_the_month_runs_again_and_follows_a_replaced_rating(tmp_path: Path) -> None:
    root = cases_workspace(tmp_path / "ws")
    _may(root)
    campaign = rating_campaign()
    # 青石村 sends a new file: now content with the 党政办; 桃源村 re-sends (a later received time)
    content = {5: {"评议等次": "满意"}, 6: {"评议等次": "满意"}}
    rated_file(campaign, "青石村", MAY, root / "inbox" / "青石村5月（改）.xlsx", content, dt.datetime(2022, 5, 20, 9))
    again = {5: {**TY_RATING[5], "具体情况": "材料要求一次说不清，跑了三趟"}, 6: {"评议等次": "满意"}}
    rated_file(campaign, "桃源村", MAY, root / "inbox" / "桃源村5月（改）.xlsx", again, dt.datetime(2022, 5, 21, 9))
    run.monthly(root, dt.date(2022, 5, 31))
    cases = _cases(root, MAY)
    assert [(r[0], r[1], _day(r[3])) for r in cases] == [
        ("PY-2022-05-DZB-02", "桃源村", dt.date(2022, 6, 6))
    ]  # 6-3 is 端午
    # 青石村 unhappy again: a new number, never the withdrawn one's
    rated_file(
        campaign, "青石村", MAY, root / "inbox" / "青石村5月（再改）.xlsx", QS_RATING, dt.datetime(2022, 5, 22, 9)
    )
    run.monthly(root, dt.date(2022, 5, 31))
    assert [(r[0], r[1]) for r in _cases(root, MAY)] == [
        ("PY-2022-05-DZB-02", "桃源村"),
        ("PY-2022-05-DZB-03", "青石村"),
    ]
