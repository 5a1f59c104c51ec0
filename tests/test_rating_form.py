"""The 办事效率评议 form (#19): the sheet in a village's or community's template, reading it back,
checking it cell by cell, and a file with a rating error returned with its cells marked — for a
township other than the demo's (青石镇: villages 青石村, 柳塘村, 桃源村, 滨河社区; departments
镇党政综合办公室 and 镇综合行政执法队)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from builders_rating_form import (
    fill_rating,
    header_row,
    rated_file,
    rating_campaign,
    rating_workspace,
    template,
    unit_named,
)
from township import demo_names_in

from pipeline import ingest, run
from pipeline.config import Campaign
from pipeline.kinds import RATING
from pipeline.outputs.feedback import ERROR_FILL
from pipeline.outputs.workbooks import GUIDE_SHEET, guide_lines
from pipeline.validate import RATING_FRAME, Checked, Submission, check_rating, check_submissions, with_rating
from pipeline.vocab import Vocabulary, load_vocabulary

MAY = "2022-05"
SHEETS = ["问题清单", "办事效率评议", "填表说明", "_zfzz_meta"]
DZB, ZFD = "镇党政综合办公室", "镇综合行政执法队"  # the departments, rows 5 and 6 of the sheet
# 柳塘村 rates 党政办 不满意 (two reasons, one written as a synonym) and had no dealings with 执法队
GOOD: dict[int, dict[str, Any]] = {
    5: {
        "评议等次": "不满意",
        "办理事项": "宅基地审批材料盖章",
        "不满意原因": "多次跑 人难找",
        "具体情况": "5月三次到党政办盖章，经办人都不在岗",
    },
    6: {"评议等次": "未办理事项"},
}
LEVELS = "满意、基本满意、不满意、未办理事项"
REASONS = "人难找、门难进、事难办、来回跑、其他"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


@pytest.fixture(scope="module")
def monthly() -> Campaign:
    return rating_campaign("月度")


def _filled(campaign: Campaign, path: Path, changes: dict[int, dict[str, Any]], unit: str = "柳塘村") -> Path:
    """柳塘村's May template with ``GOOD`` and then ``changes`` typed into its rating sheet."""
    template(campaign, unit, MAY, path)
    rows = {r: {**GOOD.get(r, {}), **changes.get(r, {})} for r in sorted({*GOOD, *changes})}
    return fill_rating(path, rows)


# --- the form --------------------------------------------------------------------------------------


def test_a_villages_template_has_the_rating_sheet_locked_with_its_checks(monthly: Campaign, tmp_path: Path) -> None:
    path = template(monthly, "柳塘村", MAY, tmp_path / "柳塘村.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    ws = wb[RATING.sheet]
    assert ws["A2"].value == "青石镇村（社区）对镇属部门办事效率评议表（2022年5月）"
    assert ws["A3"].value == "填报单位（盖章）：柳塘村\u3000\u3000填报人：\u3000\u3000填报日期："
    assert header_row(path) == ["序号", "被评议部门", "评议等次", "办理事项", "不满意原因", "具体情况"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=7, max_col=2)] == [
        [1, DZB],
        [2, ZFD],
        [None, None],
    ]
    assert ws.protection.sheet is True
    assert [ws[f"{c}5"].protection.locked for c in "ABCDEF"] == [True, True, False, False, False, False]
    level = next(v for v in ws.data_validations.dataValidation if "C5" in v.sqref)
    assert (level.type, level.formula1, str(level.sqref)) == ("list", '"满意,基本满意,不满意,未办理事项"', "C5:C6")
    assert level.promptTitle == "评议等次" and "未办理事项" in level.prompt
    reason = next(v for v in ws.data_validations.dataValidation if "E5" in v.sqref)
    assert (reason.promptTitle, str(reason.sqref)) == ("不满意原因", "E5:E6")
    assert reason.prompt == "评为“不满意”时必填：人难找、门难进、事难办、来回跑、其他，可以填几项，用“、”分隔。"
    guide = [c.value for c in wb[GUIDE_SHEET]["A"] if c.value]
    assert guide[-1] == (
        "十、本表另有“办事效率评议”工作表：请对本单位2022年5月到镇属各部门办事的情况逐一评议。部门已经列好，"
        "不能修改；“评议等次”从下拉列表中选择“满意”“基本满意”“不满意”，本期没有到该部门办理过事项的选"
        "“未办理事项”；“办理事项”写明所办的事。评为“不满意”的，必须填写“不满意原因”（人难找、门难进、事难办、"
        "来回跑、其他，可以填几项，用“、”分隔）和“具体情况”，否则整份退回。"
    )
    assert demo_names_in([path]) == []


def test_the_template_reads_back_with_its_rating_table(monthly: Campaign, vocab: Vocabulary, tmp_path: Path) -> None:
    raw = ingest.read_file(template(monthly, "滨河社区", MAY, tmp_path / "滨河社区.xlsx"), vocab)
    assert raw.sheet == "问题清单" and sorted(raw.extra) == ["rating"]
    rating = raw.extra["rating"]
    assert (rating.sheet, rating.header_row, rating.rows) == ("办事效率评议", 4, (5, 6))
    assert rating.columns == {
        "序号": "A",
        "被评议部门": "B",
        "评议等次": "C",
        "办理事项": "D",
        "不满意原因": "E",
        "具体情况": "F",
    }
    assert rating.column("被评议部门") == [DZB, ZFD]


def test_the_rating_sheet_stands_after_the_assigned_matters_and_neither_is_taken_for_the_other(
    monthly: Campaign, vocab: Vocabulary, tmp_path: Path
) -> None:
    matters = pd.DataFrame(
        [["QJB-01", "清理河道沿线乱堆乱放", "2022-06-30", "", "办理中", None]],
        columns=["编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"],
        dtype=object,
    )
    path = template(monthly, "青石村", MAY, tmp_path / "青石村.xlsx", {"matter": matters})
    assert openpyxl.load_workbook(path).sheetnames == ["问题清单", "交办事项", "办事效率评议", "填表说明", "_zfzz_meta"]
    raw = ingest.read_file(path, vocab)
    assert (raw.sheet, raw.extra["matter"].sheet, raw.extra["rating"].sheet) == ("问题清单", "交办事项", "办事效率评议")
    assert raw.extra["matter"].column("编号") == ["QJB-01"]
    assert raw.extra["rating"].column("被评议部门") == [DZB, ZFD]
    lines = guide_lines(monthly, unit_named(monthly, "青石村"), MAY, 0, ["交办事项"])
    assert [line.split("工作表")[0] for line in lines[-2:]] == [
        "十、本表另有“交办事项”",
        "十一、本表另有“办事效率评议”",
    ]


def test_a_rating_sheet_with_its_own_headers_is_found_by_their_synonyms(
    monthly: Campaign, vocab: Vocabulary, tmp_path: Path
) -> None:
    path = _filled(monthly, tmp_path / "柳塘村.xlsx", {})
    wb = openpyxl.load_workbook(path)
    ws = wb[RATING.sheet]
    ws.title = "评议"
    for c, label in enumerate(["编号", "部门名称", "评价", "所办事项", "不满意理由", "情况说明"], start=1):
        ws.cell(4, c, label)
    wb.save(path)
    raw = ingest.read_file(path, vocab)
    assert raw.extra["rating"].sheet == "评议"
    frame, messages = check_rating(raw.extra["rating"], monthly, vocab)
    assert frame["部门"].tolist() == ["DZB", "ZFD"] and messages == []


@pytest.mark.parametrize(
    ("period", "unit", "month", "contrast"),
    [
        ("月度", "镇党政综合办公室", MAY, ("月度", "柳塘村", MAY)),  # a department is rated, it does not rate
        (None, "柳塘村", MAY, ("月度", "柳塘村", MAY)),  # no [rating] in campaign.toml
        ("季度", "柳塘村", "2022-04", ("季度", "柳塘村", "2022-06")),  # quarterly: the quarter's last month only
        ("季度", "柳塘村", MAY, ("季度", "柳塘村", "2022-03")),
    ],
)
def test_no_rating_sheet_where_there_is_no_rating(
    period: str | None, unit: str, month: str, contrast: tuple[str, str, str], vocab: Vocabulary, tmp_path: Path
) -> None:
    """The template of ``unit`` for ``month`` has no rating sheet, nor a line about it; the one of
    ``contrast`` (period, unit, month), differing in one thing, has both."""
    for (p, u, m), rated in (((period, unit, month), False), (contrast, True)):
        campaign = rating_campaign(p)
        path = template(campaign, u, m, tmp_path / f"{u}{m}.xlsx")
        sheets = (
            ["问题清单", RATING.sheet, "填表说明", "_zfzz_meta"] if rated else ["问题清单", "填表说明", "_zfzz_meta"]
        )
        assert openpyxl.load_workbook(path).sheetnames == sheets
        assert ("rating" in ingest.read_file(path, vocab).extra) is rated
        guide = guide_lines(campaign, unit_named(campaign, u), m, 0)
        assert any(RATING.sheet in line for line in guide) is rated


def test_a_quarterly_rating_is_in_the_quarters_last_month(tmp_path: Path) -> None:
    campaign = rating_campaign("季度")
    path = template(campaign, "桃源村", "2022-06", tmp_path / "桃源村.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    assert wb[RATING.sheet]["A2"].value == "青石镇村（社区）对镇属部门办事效率评议表（2022年第二季度）"
    assert (
        "请对本单位2022年第二季度到镇属各部门办事的情况逐一评议"
        in guide_lines(campaign, unit_named(campaign, "桃源村"), "2022-06", 0)[-1]
    )


# --- checking --------------------------------------------------------------------------------------


def test_a_good_rating_is_checked_into_the_frame(monthly: Campaign, vocab: Vocabulary, tmp_path: Path) -> None:
    changes = {6: {"被评议部门": "zfd", "评议等次": "很满意", "办理事项": " 占道经营投诉处理 "}}  # its code, a synonym
    raw = ingest.read_file(_filled(monthly, tmp_path / "柳塘村.xlsx", changes), vocab)
    frame, messages = check_rating(raw.extra["rating"], monthly, vocab)
    assert messages == []
    expected = pd.DataFrame(
        [
            ["DZB", "不满意", "宅基地审批材料盖章", "人难找、来回跑", "5月三次到党政办盖章，经办人都不在岗", 5],
            ["ZFD", "满意", "占道经营投诉处理", "", "", 6],
        ],
        columns=list(RATING_FRAME),
        dtype=object,
    ).astype({"行": "int64"})
    pd.testing.assert_frame_equal(frame, expected)


def test_a_reason_is_kept_only_with_不满意(monthly: Campaign, vocab: Vocabulary, tmp_path: Path) -> None:
    changes = {5: {"评议等次": "基本满意", "不满意原因": "人难找", "具体情况": None}}
    raw = ingest.read_file(_filled(monthly, tmp_path / "柳塘村.xlsx", changes), vocab)
    frame, messages = check_rating(raw.extra["rating"], monthly, vocab)
    assert messages == []
    assert frame[["部门", "评议等次", "不满意原因"]].values.tolist() == [
        ["DZB", "基本满意", ""],
        ["ZFD", "未办理事项", ""],
    ]


MISSING_ZFD = (
    "rating-department-missing",
    "warning",
    "",
    "本镇部门“镇综合行政执法队”不在“办事效率评议”工作表中，按本单位未评议该部门处理。",
    "在评议表中加回“镇综合行政执法队”一行并选择评议等次（本期没有办理过事项的选“未办理事项”）",
)
RULES: list[tuple[str, dict[int, dict[str, Any]], list[tuple[str, str, str, str, str]], list[str]]] = [
    (
        "unknown level",
        {6: {"评议等次": "还行"}},
        [
            (
                "rating-level-invalid",
                "error",
                "C6",
                "评议等次“还行”无法识别，应为：满意、基本满意、不满意、未办理事项。",
                f"从下拉列表中选择 {LEVELS} 之一",
            )
        ],
        ["DZB"],
    ),
    (
        "blank level",
        {6: {"评议等次": None}},
        [
            (
                "rating-level-blank",
                "error",
                "C6",
                "对“镇综合行政执法队”的评议等次没有填写。每个部门都要选择一项；本期与该部门没有办理过事项的，选择“未办理事项”。",
                f"从下拉列表中选择 {LEVELS} 之一",
            )
        ],
        ["DZB"],
    ),
    (
        "不满意 without a reason",
        {5: {"不满意原因": None}},
        [
            (
                "rating-reason-missing",
                "error",
                "E5",
                "对“镇党政综合办公室”的评议为“不满意”，但没有填写“不满意原因”。",
                f"填写 {REASONS} 中的一项或几项，几项之间用“、”分隔",
            )
        ],
        ["DZB", "ZFD"],
    ),
    (
        "an unknown reason word",
        {5: {"不满意原因": "人难找，乱收费"}},
        [
            (
                "rating-reason-invalid",
                "error",
                "E5",
                f"不满意原因“人难找，乱收费”中的“乱收费”无法识别，应为：{REASONS}（可以填几项，用“、”分隔）。",
                f"填写 {REASONS} 中的一项或几项，几项之间用“、”分隔",
            )
        ],
        ["DZB", "ZFD"],
    ),
    (
        "不满意 without 具体情况",
        {5: {"具体情况": None}},
        [
            (
                "rating-case-missing",
                "error",
                "F5",
                "对“镇党政综合办公室”的评议为“不满意”，但没有填写“具体情况”。",
                "写明办理什么事项时、遇到了什么问题（如时间、经过），以便核实整改",
            )
        ],
        ["DZB", "ZFD"],
    ),
    (
        "a department not of the roster",
        {7: {"被评议部门": "青石村", "评议等次": "满意"}},
        [
            (
                "rating-department-unknown",
                "error",
                "B7",
                "被评议部门“青石村”不是本镇单位名单中的部门。本镇参加评议的部门有：镇党政综合办公室、镇综合行政执法队。",
                "照抄下发模板中的部门名称，如“镇党政综合办公室”",
            )
        ],
        ["DZB", "ZFD"],
    ),
    (
        "a department rated twice (by its alias)",
        {6: {"被评议部门": "党政办", "评议等次": "满意"}},
        [
            (
                "rating-department-repeated",
                "error",
                "B6",
                "部门“党政办”在本表中评议了多次（另见第 5 行），每个部门只能评议一次。",
                "每个部门只填一行，删去重复的行",
            ),
            MISSING_ZFD,
        ],
        ["DZB"],
    ),
    (
        "a rated row without its department",
        {5: {"被评议部门": None}},
        [
            (
                "rating-department-blank",
                "error",
                "B5",
                "这一行填写了评议内容，但“被评议部门”是空的，不知道评议的是哪个部门。",
                "填写被评议部门的名称（照抄下发模板中的部门），或删去这一行",
            ),
            (
                "rating-department-missing",
                "warning",
                "",
                "本镇部门“镇党政综合办公室”不在“办事效率评议”工作表中，按本单位未评议该部门处理。",
                "在评议表中加回“镇党政综合办公室”一行并选择评议等次（本期没有办理过事项的选“未办理事项”）",
            ),
        ],
        ["ZFD"],
    ),
    (
        "a department left out (a warning)",
        {6: {"序号": None, "被评议部门": None, "评议等次": None}},
        [MISSING_ZFD],
        ["DZB"],
    ),
]


@pytest.mark.parametrize(("changes", "expected", "rated"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_rating_rule(
    changes: dict[int, dict[str, Any]],
    expected: list[tuple[str, str, str, str, str]],
    rated: list[str],
    monthly: Campaign,
    vocab: Vocabulary,
    tmp_path: Path,
) -> None:
    raw = ingest.read_file(_filled(monthly, tmp_path / "柳塘村.xlsx", changes), vocab)
    frame, messages = check_rating(raw.extra["rating"], monthly, vocab)
    assert [(m.code, m.level, m.cell, m.body, m.expected) for m in messages] == expected
    assert {(m.file, m.sheet) for m in messages} == {("柳塘村.xlsx", "办事效率评议")}
    assert frame["部门"].tolist() == rated


# --- a file's rating, by the run's rule (with_rating) -----------------------------------------------


def _checked(campaign: Campaign, vocab: Vocabulary, path: Path, unit: str, month: str = MAY) -> Checked:
    raw = ingest.read_file(path, vocab)
    [checked] = check_submissions(
        [Submission(raw, unit_named(campaign, unit), dt.datetime(2022, 5, 18, 9))], campaign, vocab
    )
    return with_rating(checked, campaign, vocab, month)


def test_a_raters_file_carries_its_checked_rating(monthly: Campaign, vocab: Vocabulary, tmp_path: Path) -> None:
    checked = _checked(monthly, vocab, _filled(monthly, tmp_path / "柳塘村.xlsx", {}), "柳塘村")
    assert checked.rating is not None
    assert checked.rating[["部门", "评议等次", "不满意原因", "行"]].values.tolist() == [
        ["DZB", "不满意", "人难找、来回跑", 5],
        ["ZFD", "未办理事项", "", 6],
    ]
    assert checked.accepted and [m.code for m in checked.messages] == ["no-problems"]


def test_a_rating_error_makes_the_file_not_accepted(monthly: Campaign, vocab: Vocabulary, tmp_path: Path) -> None:
    path = _filled(monthly, tmp_path / "柳塘村.xlsx", {5: {"具体情况": None}})
    checked = _checked(monthly, vocab, path, "柳塘村")
    assert not checked.accepted
    assert [(m.code, m.cell) for m in checked.messages if m.level == "error"] == [("rating-case-missing", "F5")]


def test_a_raters_file_without_the_sheet_is_accepted_with_a_warning(
    monthly: Campaign, vocab: Vocabulary, tmp_path: Path
) -> None:
    path = template(monthly, "镇综合行政执法队", MAY, tmp_path / "no-sheet.xlsx")  # a template without the sheet
    checked = _checked(monthly, vocab, path, "柳塘村")
    assert checked.rating is None and checked.accepted
    [missing] = [m for m in checked.messages if m.code.startswith("rating")]
    assert (missing.code, missing.level, missing.sheet, missing.cell) == ("rating-sheet-missing", "warning", "", "")
    assert missing.body == (
        "本文件中没有“办事效率评议”工作表，本单位2022年5月的办事效率评议按未返回处理。"
        "请使用作风整顿办下发的本月模板，在“办事效率评议”工作表中对各部门逐一评议。"
    )


def test_a_departments_rating_sheet_is_not_read(monthly: Campaign, vocab: Vocabulary, tmp_path: Path) -> None:
    path = _filled(monthly, tmp_path / "执法队.xlsx", {5: {"具体情况": None}})  # an error it would have
    checked = _checked(monthly, vocab, path, "镇综合行政执法队")
    assert checked.rating is None and checked.accepted
    [notice] = [m for m in checked.messages if m.code.startswith("rating")]
    assert (notice.code, notice.level, notice.sheet) == ("rating-sheet-not-rater", "info", "办事效率评议")
    assert notice.body == "镇属部门不参加办事效率评议，文件中的“办事效率评议”工作表未读取。"


def test_a_rating_sheet_outside_the_quarters_last_month_is_not_read(vocab: Vocabulary, tmp_path: Path) -> None:
    quarterly = rating_campaign("季度")
    path = template(quarterly, "柳塘村", "2022-06", tmp_path / "june.xlsx")
    fill_rating(path, {5: {"评议等次": "不满意"}, 6: {"评议等次": "满意"}})
    july = _checked(quarterly, vocab, path, "柳塘村", "2022-07")
    assert july.rating is None and july.accepted
    assert [(m.code, m.level) for m in july.messages if m.code.startswith("rating")] == [
        ("rating-sheet-off-period", "info")
    ]
    june = _checked(quarterly, vocab, path, "柳塘村", "2022-06")
    assert [(m.code, m.cell) for m in june.messages if m.level == "error"] == [
        ("rating-reason-missing", "E5"),
        ("rating-case-missing", "F5"),
    ]


# --- through the monthly run: returned, the feedback marks the cell ----------------------------------


def test_a_file_with_a_rating_error_is_returned_and_its_feedback_marks_the_cell(tmp_path: Path) -> None:
    root = rating_workspace(tmp_path / "ws")
    campaign = rating_campaign()
    received = dt.datetime(2022, 5, 18, 9)
    bad = {5: {"不满意原因": None}}
    rated_file(
        campaign, "柳塘村", MAY, root / "inbox" / "柳塘村5月.xlsx", {**GOOD, **{5: {**GOOD[5], **bad[5]}}}, received
    )
    rated_file(campaign, "桃源村", MAY, root / "inbox" / "桃源村5月.xlsx", GOOD, received)
    result = run.monthly(root, dt.date(2022, 5, 31))
    outcomes = {f.file_name: f for f in result.files}
    assert outcomes["桃源村5月.xlsx"].outcome == "通过"
    returned = outcomes["柳塘村5月.xlsx"]
    assert returned.outcome == "退回"
    assert [(m.code, m.sheet, m.cell) for m in returned.messages if m.level == "error"] == [
        ("rating-reason-missing", "办事效率评议", "E5")
    ]
    [feedback] = (root / "out" / MAY / "退回").glob("*.xlsx")
    wb = openpyxl.load_workbook(feedback)
    assert wb.sheetnames[0] == "退回说明" and RATING.sheet in wb.sheetnames
    sheet = wb[RATING.sheet]
    assert sheet["E5"].fill.fgColor.rgb == ERROR_FILL.fgColor.rgb
    assert sheet["E5"].comment is not None and "没有填写“不满意原因”" in sheet["E5"].comment.text
    assert (sheet["B5"].value, sheet["C5"].value) == (DZB, "不满意")  # the village's values, copied
    links = {c.hyperlink.target for row in wb["退回说明"].iter_rows() for c in row if c.hyperlink}
    assert "#'办事效率评议'!E5" in links
    assert demo_names_in([feedback]) == []
    # the accepted file's rating is stored and counted; the returned one's is not
    with sqlite3.connect(root / "ledger.sqlite") as db:
        stored = db.execute(
            "SELECT rater, department, level, reasons, detail FROM ratings WHERE period = ? ORDER BY excel_row", (MAY,)
        ).fetchall()
    assert stored == [
        ("TY", "DZB", "不满意", "人难找、来回跑", "5月三次到党政办盖章，经办人都不在岗"),
        ("TY", "ZFD", "未办理事项", "", ""),
    ]
    sheet = openpyxl.load_workbook(root / "out" / MAY / "总台账.xlsx")[RATING.sheet]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    dzb = next(row for row in values if DZB in row)
    # 4 raters, 1 rated it (不满意: 人难找, 来回跑); the returned 柳塘村 has not
    assert dzb == [DZB, 4, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, "青石村、柳塘村、滨河社区", 1]
