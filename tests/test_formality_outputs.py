"""形式主义提示 in the month's outputs (issue #20): 云溪镇 (tests/builders_formality.py), a township
nothing like the demo's, where 杨柳村 sends 石桥村's list with its names swapped, 东湖村 sends
slogans, 镇综合行政执法队 a measure that restates its problem, and 镇政务服务中心 reports the same
progress two months running. The hints show in 总台账.xlsx (形式主义提示, 形式主义提示明细, the 说明 of
校验结果) and in each unit's 提示/{单位}_形式主义提示.xlsx; a hint the office cleared in
已核实提示.toml is gone from all of them, and a mistyped 提示编号 there stops the run."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders_formality import (
    APRIL_END,
    DH,
    HONEST,
    MARCH,
    MARCH_END,
    NJ,
    SQ,
    YL,
    ZF,
    ZW,
    fill_month,
    send_april,
    send_month,
    write_yunxi,
)
from click.testing import CliRunner
from output_content import content
from rich.console import Console
from township import demo_names_in

from pipeline import render, run
from pipeline.cli import cli
from pipeline.errors import ConfigError
from pipeline.outputs.feedback import hint_table
from pipeline.report import MonthReport
from pipeline.terminal import print_run

LEDGER = "总台账.xlsx"
SQ_CODE, YL_CODE, DH_CODE, ZF_CODE = "SQ", "YL", "DH", "ZF"  # the units' codes in 云溪镇's roster
COUNT_HEADER = ("单位", "类型", "雷同", "清单雷同", "空话", "措施照搬问题", "进展未更新", "合计")
DETAIL_HEADER = (
    "提示编号",
    "提示类型",
    "填报单位",
    "问题编号",
    "具体问题",
    "相关单位",
    "相关问题编号",
    "相关月份",
    "相似度",
    "说明",
)
# the sentences a unit reads, as the office's catalogue words them
ASK = "请按本单位实际查摆，写明本单位的具体情况。"
SAME = "去掉单位名称、数字和标点后完全相同"
SQ_COPIES = [
    f"问题 SQ-001 的具体问题和整改措施与杨柳村2022年3月报送的问题 YL-001 {SAME}，{ASK}",
    f"问题 SQ-002 的具体问题和整改措施与杨柳村2022年3月报送的问题 YL-002 {SAME}，{ASK}",
    f"问题 SQ-003 的具体问题和整改措施与杨柳村2022年3月报送的问题 YL-003 高度相似（相似度 84%），{ASK}",
]
YL_COPIES = [
    f"问题 YL-001 的具体问题和整改措施与石桥村2022年3月报送的问题 SQ-001 {SAME}，{ASK}",
    f"问题 YL-002 的具体问题和整改措施与石桥村2022年3月报送的问题 SQ-002 {SAME}，{ASK}",
    f"问题 YL-003 的具体问题和整改措施与石桥村2022年3月报送的问题 SQ-003 高度相似（相似度 84%），{ASK}",
]
SQ_LIST = "本单位本月报送的 3 条问题中，有 3 条与杨柳村的问题清单雷同，请对照本单位实际重新查摆。"
YL_LIST = "石桥村本月报送的 3 条问题中，有 3 条与本单位的问题清单雷同，请对照本单位实际查摆，写明本单位的具体情况。"
EMPTY = " 的具体问题只有套话（空话），没有具体事实：什么时间、什么地方、什么人、什么事、多少。"
ECHO = "问题 ZF-001 的整改措施只是把问题换了个说法，没有写出具体怎么改。"
DH_ECHO = "问题 DH-001 的整改措施只是把问题换了个说法，没有写出具体怎么改。"  # a slogan restated
STALE = " 仍未完成，整改进展已连续 2 次报送相同内容，或只写“正在整改”“持续推进”之类的话。"
NONE = "本月未发现形式主义提示。"
CLEAR_HOW = (
    "经核实不属于问题的提示，请把它的“提示编号”和核实情况写入工作目录下的 已核实提示.toml，每条一行，"
    '如 "{key}" = "5月6日到村核实，所报问题属实，不是照搬或空话"，此后不再提示。'
)
INTRO = (
    "作风整顿办比对各单位报送的问题清单，发现你单位2022年3月有以下 {count} 条形式主义提示。"
    "这些是提醒，不退回，请在下月报送时改进：按“应当如何改”一栏写明本单位的具体情况。"
)
SQ_TEXTS = [
    "石桥村村务公开栏2022年一季度低保名单未张榜公示",
    "石桥村便民服务室周六无人值守，3名群众办理医保卡未果",
    "石桥村道路硬化工程未按合同约定留存隐蔽工程影像资料",
]
YL_TEXTS = [
    "杨柳村村务公开栏2022年一季度低保名单未张榜公示",
    "杨柳村便民服务室周六无人值守，5名群众办理医保卡未果",
    "杨柳村道路硬化工程没有按合同约定留存隐蔽工程影像资料",
]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MonthReport]:
    """云溪镇 after March (copied list, slogans, a measure echoing its problem) and April (the
    same progress twice), with March's report."""
    root = write_yunxi(tmp_path_factory.mktemp("yunxi") / "云溪镇")
    march = send_month(root, MARCH).report
    assert march is not None
    send_april(root)
    return root, march


@pytest.fixture(scope="module")
def yunxi(story: tuple[Path, MonthReport]) -> Path:
    return story[0]


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """云溪镇 in a March where every unit reports concrete problems of its own."""
    root = write_yunxi(tmp_path_factory.mktemp("honest") / "云溪镇")
    send_month(root, HONEST)
    return root


def rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """Every row of a sheet with a value, as values."""
    return [r for r in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True) if any(v is not None for v in r)]


def explanations(path: Path) -> dict[str, tuple[Any, Any]]:
    """校验结果: file name -> (说明, 提醒数)."""
    return {r[0]: (r[3], r[6]) for r in rows(path, "校验结果")[1:]}


def numbered(*lines: str) -> str:
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))


# --- 总台账.xlsx ----------------------------------------------------------------------------------


def test_the_ledger_counts_every_roster_units_hints_by_kind(yunxi: Path) -> None:
    path = yunxi / "out" / "2022-03" / LEDGER
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.index("形式主义提示") == wb.sheetnames.index("校验结果") + 1
    assert wb.sheetnames.index("形式主义提示明细") == wb.sheetnames.index("校验结果") + 2
    assert rows(path, "形式主义提示") == [
        COUNT_HEADER,
        (SQ, "村", 3, 1, 0, 0, 0, 4),
        (YL, "村", 3, 1, 0, 0, 0, 4),
        (DH, "村", 0, 0, 2, 1, 0, 3),
        (NJ, "社区", 0, 0, 0, 0, 0, 0),
        (ZW, "部门", 0, 0, 0, 0, 0, 0),
        (ZF, "部门", 0, 0, 0, 1, 0, 1),
        ("合计", None, 6, 2, 2, 2, 0, 12),
    ]
    ws = wb["形式主义提示"]
    assert ws.freeze_panes == "A2"  # the header stays, as on every other sheet of the ledger
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFD9E1F2"
    assert "形式主义提示" in ws.oddHeader.center.text


def test_the_detail_sheet_has_a_row_per_hint_with_the_key_the_office_clears_it_by(yunxi: Path) -> None:
    path = yunxi / "out" / "2022-03" / LEDGER
    found = rows(path, "形式主义提示明细")
    copy = "雷同"
    assert found == [
        DETAIL_HEADER,
        ("雷同:SQ-001/YL-001", copy, SQ, "SQ-001", SQ_TEXTS[0], YL, "YL-001", "2022年3月", 1, SQ_COPIES[0]),
        ("雷同:SQ-002/YL-002", copy, SQ, "SQ-002", SQ_TEXTS[1], YL, "YL-002", "2022年3月", 1, SQ_COPIES[1]),
        ("雷同:SQ-003/YL-003", copy, SQ, "SQ-003", SQ_TEXTS[2], YL, "YL-003", "2022年3月", 0.84, SQ_COPIES[2]),
        ("清单雷同:SQ/YL", "清单雷同", SQ, None, None, YL, None, None, None, SQ_LIST),
        ("雷同:SQ-001/YL-001", copy, YL, "YL-001", YL_TEXTS[0], SQ, "SQ-001", "2022年3月", 1, YL_COPIES[0]),
        ("雷同:SQ-002/YL-002", copy, YL, "YL-002", YL_TEXTS[1], SQ, "SQ-002", "2022年3月", 1, YL_COPIES[1]),
        ("雷同:SQ-003/YL-003", copy, YL, "YL-003", YL_TEXTS[2], SQ, "SQ-003", "2022年3月", 0.84, YL_COPIES[2]),
        (
            "空话:DH-001",
            "空话",
            DH,
            "DH-001",
            "理论学习不够深入，思想认识不到位",
            None,
            None,
            None,
            None,
            f"问题 DH-001{EMPTY}",
        ),
        (
            "空话:DH-002",
            "空话",
            DH,
            "DH-002",
            "服务意识不强，工作作风不够扎实",
            None,
            None,
            None,
            None,
            f"问题 DH-002{EMPTY}",
        ),
        (
            "措施照搬问题:DH-001",
            "措施照搬问题",
            DH,
            "DH-001",
            "理论学习不够深入，思想认识不到位",
            None,
            None,
            None,
            None,
            DH_ECHO,
        ),
        (
            "措施照搬问题:ZF-001",
            "措施照搬问题",
            ZF,
            "ZF-001",
            "执法队巡查车辆下班后私用，未按规定入库",
            None,
            None,
            None,
            None,
            ECHO,
        ),
        (CLEAR_HOW.format(key="雷同:SQ-001/YL-001"), *([None] * 9)),
    ]
    ws = openpyxl.load_workbook(path)["形式主义提示明细"]
    assert ws["I2"].number_format == "0%" and ws["I4"].value == 0.84 and ws["I4"].number_format == "0%"
    assert ws["A14"].value == found[-1][0]  # one blank row between the table and the note
    assert ws.freeze_panes == "A2"


def test_validation_results_add_each_files_hints_to_its_explanation(yunxi: Path) -> None:
    found = explanations(yunxi / "out" / "2022-03" / LEDGER)
    assert found == {
        f"{SQ}问题清单.xlsx": (numbered(*SQ_COPIES, SQ_LIST), 4),
        f"{YL}问题清单.xlsx": (numbered(*YL_COPIES, YL_LIST), 4),  # the list told from its own side
        f"{DH}问题清单.xlsx": (numbered(f"问题 DH-001{EMPTY}", f"问题 DH-002{EMPTY}", DH_ECHO), 3),
        f"{ZW}问题清单.xlsx": (None, 0),
        f"{ZF}问题清单.xlsx": (ECHO, 1),
    }


def test_progress_the_file_already_calls_unchanged_is_not_said_twice(yunxi: Path) -> None:
    path = yunxi / "out" / "2022-04" / LEDGER
    unchanged = f"文件“{ZW}4月进展.xlsx”，工作表“问题清单”，I5 单元格：问题 ZW-001 仍未完成，整改进展与上月完全相同（进展未更新）。"
    assert explanations(path) == {f"{ZW}4月进展.xlsx": (numbered(unchanged, f"问题 ZW-002{STALE}"), 2)}
    details = [(r[0], r[2], r[9]) for r in rows(path, "形式主义提示明细")[1:3]]
    assert details == [
        ("进展未更新:ZW-001", ZW, f"问题 ZW-001{STALE}"),
        ("进展未更新:ZW-002", ZW, f"问题 ZW-002{STALE}"),
    ]
    assert (ZW, "部门", 0, 0, 0, 0, 2, 2) in rows(path, "形式主义提示")


def test_a_month_without_hints_says_so(honest: Path) -> None:
    month = honest / "out" / "2022-03"
    path = month / LEDGER
    assert rows(path, "形式主义提示")[-2:] == [("合计", None, 0, 0, 0, 0, 0, 0), (NONE, *([None] * 7))]
    assert rows(path, "形式主义提示明细") == [DETAIL_HEADER, (NONE, *([None] * 9))]
    assert openpyxl.load_workbook(path)["形式主义提示明细"]["A3"].value == NONE
    assert {r[6] for r in rows(path, "校验结果")[1:]} == {0}
    assert not (month / "提示").exists()


# --- each unit's 提示 workbook -------------------------------------------------------------------------


def test_each_unit_with_hints_gets_a_reminder_workbook(yunxi: Path) -> None:
    month = yunxi / "out" / "2022-03"
    assert sorted(p.name for p in (month / "提示").iterdir()) == sorted(
        f"{unit}_形式主义提示.xlsx" for unit in (SQ, YL, DH, ZF)
    )
    assert not (month / "退回").exists()  # a reminder, never a return
    path = month / "提示" / f"{YL}_形式主义提示.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["形式主义提示"]
    copied = "按本单位实际写明具体问题和整改措施"
    assert rows(path, "形式主义提示") == [
        (f"{YL}：形式主义提示（2022年3月）", None, None, None, None),
        (INTRO.format(count=4), None, None, None, None),
        ("序号", "问题编号", "提示", "具体问题", "应当如何改"),
        (1, "YL-001", YL_COPIES[0], YL_TEXTS[0], copied),
        (2, "YL-002", YL_COPIES[1], YL_TEXTS[1], copied),
        (3, "YL-003", YL_COPIES[2], YL_TEXTS[2], copied),
        (4, None, YL_LIST, None, "对照本单位实际重新查摆问题"),
    ]
    ws = wb["形式主义提示"]
    assert ws.freeze_panes == "A4"
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:E1", "A2:E2"}
    # how it looks: the widths and heights, the title, the blue header, the bordered rows wrapping
    # at the top, printed on A4 landscape one page wide with openpyxl's margins
    widths = {c: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)}
    assert widths == {1: 6, 2: 12, 3: 60, 4: 36, 5: 36}
    assert [ws.row_dimensions[r].height for r in (1, 2, 3, 4, 7)] == [None, 45, None, 43.5, 30]
    assert (ws["A1"].font.b, ws["A1"].font.sz, ws["A2"].alignment.wrap_text, ws["A2"].alignment.vertical) == (
        True,
        14,
        True,
        "top",
    )
    header, row = ws["C3"], ws["D7"]
    assert (header.font.b, header.fill.fill_type, header.fill.fgColor.rgb) == (True, "solid", "FFD9E1F2")
    assert (header.alignment.horizontal, header.alignment.vertical) == ("center", "center")
    for cell in (header, row, ws["B7"]):  # B7: a 清单雷同 has no 问题编号, but its cell is bordered too
        assert [(s.style, s.color.rgb) for s in (cell.border.left, cell.border.bottom)] == [("thin", "FF999999")] * 2
    assert (row.alignment.wrap_text, row.alignment.vertical, row.fill.fill_type, row.font.b) == (
        True,
        "top",
        None,
        False,
    )
    assert (ws["A4"].value, ws["A4"].data_type) == (1, "n")
    setup, margins = ws.page_setup, ws.page_margins
    assert (setup.orientation, setup.paperSize, setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (
        "landscape",
        9,
        0,
        True,
    )
    assert (margins.left, margins.top, margins.header) == (0.75, 1, 0.5)
    slogans = rows(month / "提示" / f"{DH}_形式主义提示.xlsx", "形式主义提示")
    expect = "写明问题的具体表现：时间、地点、人、事、数字"
    assert slogans[3:] == [
        (1, "DH-001", f"问题 DH-001{EMPTY}", "理论学习不够深入，思想认识不到位", expect),
        (2, "DH-002", f"问题 DH-002{EMPTY}", "服务意识不强，工作作风不够扎实", expect),
        (3, "DH-001", DH_ECHO, "理论学习不够深入，思想认识不到位", "写明具体怎么改、谁来改、什么时候改完"),
    ]


def test_one_pass_gives_each_unit_its_hints_as_it_reads_them(story: tuple[Path, MonthReport]) -> None:
    _, march = story
    codes = [unit.code for unit in march.campaign.units]
    table = hint_table(march, codes)
    assert sorted(table) == sorted([SQ_CODE, YL_CODE, DH_CODE, ZF_CODE])
    copied = "按本单位实际写明具体问题和整改措施"
    redo = "对照本单位实际重新查摆问题"
    # the 清单雷同 last, told from each unit's own side: 石桥村's list copied 杨柳村's
    assert table[SQ_CODE] == [
        *[(f"SQ-00{i + 1}", SQ_COPIES[i], SQ_TEXTS[i], copied) for i in range(3)],
        ("", SQ_LIST, "", redo),
    ]
    assert table[YL_CODE] == [
        *[(f"YL-00{i + 1}", YL_COPIES[i], YL_TEXTS[i], copied) for i in range(3)],
        ("", YL_LIST, "", redo),
    ]
    assert table[ZF_CODE] == [
        ("ZF-001", ECHO, "执法队巡查车辆下班后私用，未按规定入库", "写明具体怎么改、谁来改、什么时候改完")
    ]
    # a share of the units gets just theirs, the same rows
    assert hint_table(march, [YL_CODE, "NJ"]) == {YL_CODE: table[YL_CODE]}
    assert hint_table(march, ["NJ", "ZW"]) == {}


def test_no_name_of_the_demo_township_reaches_the_outputs(yunxi: Path) -> None:
    outputs = sorted(p for p in (yunxi / "out").rglob("*") if p.is_file() and p.suffix in (".xlsx", ".docx"))
    assert any(p.parent.name == "提示" for p in outputs)
    assert demo_names_in(outputs) == []


def test_a_rerun_that_changes_nothing_keeps_the_reminder_workbooks(yunxi: Path) -> None:
    month = yunxi / "out" / "2022-04"
    before = {p.name: p.stat().st_mtime_ns for p in (month / "提示").iterdir()}
    assert list(before) == [f"{ZW}_形式主义提示.xlsx"]
    again = run.monthly(yunxi, APRIL_END)
    assert again.reused
    assert {p.name: p.stat().st_mtime_ns for p in (month / "提示").iterdir()} == before
    assert month / "提示" / f"{ZW}_形式主义提示.xlsx" in again.outputs


def test_workers_write_the_same_reminder_workbooks(
    story: tuple[Path, MonthReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, march = story
    one = render.render_month(march, tmp_path / "one" / "2022-03")
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    monkeypatch.setattr(render, "_cpus", lambda: 2)
    many = render.render_month(march, tmp_path / "many" / "2022-03")
    hints = [p.relative_to(tmp_path / "one") for p in one if p.parent.name == render.HINTS_DIR]
    assert len(hints) == 4
    assert hints == [p.relative_to(tmp_path / "many") for p in many if p.parent.name == render.HINTS_DIR]
    for path in hints:
        assert rows(tmp_path / "one" / path, "形式主义提示") == rows(tmp_path / "many" / path, "形式主义提示")


# --- 已核实提示.toml ------------------------------------------------------------------------------------


def test_a_cleared_hint_is_left_out_of_every_output_and_recorded(tmp_path: Path) -> None:
    root = write_yunxi(tmp_path / "云溪镇")
    send_month(root, MARCH)
    why = "3月28日到村核实，该村已按实际补报具体问题"
    (root / "已核实提示.toml").write_text(f'"空话:DH-001" = "{why}"\n', encoding="utf-8")
    result = run.monthly(root, MARCH_END)
    assert not result.reused
    month = root / "out" / "2022-03"
    texts = content(month)
    recorded = "文件“已核实提示.toml”：作风整顿办已核实 1 条形式主义提示不属于问题，此后不再提示：空话:DH-001。"
    for name, lines in texts.items():
        assert not [line for line in lines if f"问题 DH-001{EMPTY}" in line], name
        assert not [line for line in lines if "空话:DH-001" in line and recorded not in line], name
    ledger = month / LEDGER
    assert explanations(ledger)[f"{DH}问题清单.xlsx"] == (numbered(f"问题 DH-002{EMPTY}", DH_ECHO), 2)
    assert [r[:4] for r in rows(ledger, "校验结果") if r[0] == "已核实提示.toml"] == [
        ("已核实提示.toml", "作风整顿办", "提示核实", recorded)
    ]
    assert (DH, "村", 0, 0, 1, 1, 0, 2) in rows(ledger, "形式主义提示")
    assert rows(month / "提示" / f"{DH}_形式主义提示.xlsx", "形式主义提示")[3:] == [
        (
            1,
            "DH-002",
            f"问题 DH-002{EMPTY}",
            "服务意识不强，工作作风不够扎实",
            "写明问题的具体表现：时间、地点、人、事、数字",
        ),
        (2, "DH-001", DH_ECHO, "理论学习不够深入，思想认识不到位", "写明具体怎么改、谁来改、什么时候改完"),
    ]
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db:
        audit = db.execute("SELECT file_name, unit_code, messages FROM audit_log WHERE outcome = '提示核实'").fetchall()
    assert [(name, unit) for name, unit, _ in audit] == [("已核实提示.toml", None)]
    assert [m["params"]["keys"] for m in json.loads(audit[0][2])] == ["空话:DH-001"]


def test_taking_every_clearance_back_is_recorded_and_the_hints_return(tmp_path: Path) -> None:
    root = write_yunxi(tmp_path / "云溪镇")
    send_month(root, MARCH)
    cleared = root / "已核实提示.toml"
    cleared.write_text('"空话:DH-001" = "3月28日到村核实"\n', encoding="utf-8")
    assert "空话:DH-001" not in [h.key for h in run.monthly(root, MARCH_END).report.formality.hints]  # type: ignore[union-attr]
    cleared.write_text("# 3月30日：核实有误，撤销\n", encoding="utf-8")
    again = run.monthly(root, MARCH_END)
    assert again.report is not None
    assert "空话:DH-001" in [h.key for h in again.report.formality.hints]
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db:
        audit = db.execute("SELECT messages FROM audit_log WHERE outcome = '提示核实' ORDER BY seq").fetchall()
    assert [json.loads(m)[0]["code"] for (m,) in audit] == ["cleared-recorded", "cleared-none"]
    assert json.loads(audit[1][0])[0]["text"] == (
        "文件“已核实提示.toml”：文件中没有已核实的提示：以前核实过、不再提示的，此后重新提示。"
    )


def _inbox_state(inbox: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(inbox.iterdir())}


def test_a_mistyped_key_refuses_the_run_and_writes_nothing(tmp_path: Path) -> None:
    root = write_yunxi(tmp_path / "云溪镇")
    fill_month(root, MARCH)
    (root / "已核实提示.toml").write_text(
        '# 作风整顿办核实过的形式主义提示\n"空话:DH-001" = "3月28日到村核实"\n"空话DH-002" = "3月28日到村核实"\n',
        encoding="utf-8",
    )
    inbox = _inbox_state(root / "inbox")
    expected = (
        "已核实提示.toml 第 3 行的“空话DH-002”不是提示编号。提示编号是提示类型（雷同、清单雷同、空话、措施照搬问题、进展未更新）"
        "加英文冒号和问题编号，例如“空话:问题编号”，请从总台账“形式主义提示明细”表的“提示编号”列整个复制过来，"
        "两边加英文双引号，等号右边写核实情况。"
    )
    with pytest.raises(ConfigError) as refused:
        run.monthly(root, MARCH_END)
    assert refused.value.text == expected
    result = CliRunner().invoke(cli, ["--data", str(root), "monthly", "--as-of", "2022-03-31"])
    assert result.exit_code != 0
    assert "".join(expected.split()) in "".join(result.output.split())  # the terminal wraps long lines
    assert "Traceback" not in result.output
    assert not (root / "out" / "2022-03").exists()
    assert not (root / "ledger.sqlite").exists()
    assert _inbox_state(root / "inbox") == inbox


# --- the terminal ------------------------------------------------------------------------------------


def _printed(result: run.RunResult) -> str:
    console = Console(width=100, record=True, file=io.StringIO(), highlight=False)
    print_run(console, result)
    return re.sub(r"\n *", "", console.export_text())  # lines wrapped by the console joined again


def test_the_terminal_counts_the_months_hints_and_names_the_copied_lists(tmp_path: Path) -> None:
    root = write_yunxi(tmp_path / "云溪镇")
    text = _printed(send_month(root, MARCH))
    assert "形式主义提示 11 条（雷同 6、清单雷同 1、空话 2、措施照搬问题 2），不退回文件，详见总台账" in text
    assert "问题清单大部分雷同：石桥村与杨柳村。" in text
    assert "已核实提示.toml" not in text


def test_the_terminal_says_how_many_hints_the_office_cleared(tmp_path: Path) -> None:
    root = write_yunxi(tmp_path / "云溪镇")
    (root / "已核实提示.toml").write_text('"空话:DH-001" = "3月28日到村核实"\n', encoding="utf-8")
    text = _printed(send_month(root, MARCH))
    assert "形式主义提示 10 条（雷同 6、清单雷同 1、空话 1、措施照搬问题 2）" in text
    assert "已核实提示.toml 中已核实、本月不再提示的 1 条。" in text


def test_the_terminal_says_nothing_of_hints_in_a_month_without_any(honest: Path) -> None:
    result = run.monthly(honest, MARCH_END)
    assert "形式主义提示" not in _printed(result)
