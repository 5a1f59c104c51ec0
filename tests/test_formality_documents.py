"""形式主义提示 (issue #20) in the documents, for 青石镇 (not the demo township): the circular's
问题清单填报质量情况 section (the copied pair named neutrally with its counts, the units of mostly
empty words, the measures and progress texts counted with the units that have most, what the
units are to do; nothing of a signal without hints; no section without hints; no problem's text
quoted), and the leaders' report's 问题清单填报质量 section and 汇总.xlsx sheet over the period."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders_formality_docs import (
    BH,
    DZB,
    LT,
    QS,
    TY,
    ZFD,
    copied_list,
    findings,
    flagged,
    month_report,
    section_paragraphs,
    summary_with,
    town_rows,
)
from builders_reports import TEMPLATES
from builders_summary import VOCAB, report_document
from docx import Document
from township import PROBLEMS, QINGSHI, demo_names_in, township_campaign

from pipeline import formality
from pipeline.formality import Findings
from pipeline.model import Signal
from pipeline.outputs import documents
from pipeline.outputs.reports import render_summary
from pipeline.report import MonthReport

HEADING = "问题清单填报质量情况"
INTRO = "镇干部作风整顿办对各单位本月报送的26个问题逐条进行了比对。"


def circular(tmp_path: Path, report: MonthReport) -> tuple[list[str], Path]:
    """The rendered circular's paragraphs, reopened with python-docx, and its path."""
    path = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)
    return [p.text for p in Document(str(path)).paragraphs], path


def every_signal() -> Findings:
    """柳塘村's list copied from 青石村's (5 of its 6 problems); 桃源村 3 of 5, 滨河社区 3 of 3 and
    镇党政综合办公室 1 of 4 problems empty words; 青石村 2 and the 执法队 1 measures restating their
    problem; 2 progress texts of the 党政办 saying nothing new."""
    return findings(
        [
            *copied_list(LT, QS, 5, 6),
            *flagged(Signal.EMPTY, TY, 2, 3, 4),
            *flagged(Signal.EMPTY, BH, 1, 2, 3),
            *flagged(Signal.EMPTY, DZB, 2),
            *flagged(Signal.ECHO, QS, 2, 3),
            *flagged(Signal.ECHO, ZFD, 1),
            *flagged(Signal.STALE, DZB, 3, 4),
        ],
        checked=26,
    )


# --- the circular -------------------------------------------------------------------------------


def test_the_circular_names_the_copied_pair_the_empty_units_and_counts_the_rest(tmp_path: Path) -> None:
    paragraphs, path = circular(tmp_path, month_report(town_rows(), every_signal()))
    assert f"五、{HEADING}" in paragraphs  # no matters, no rating: the section after 四
    assert section_paragraphs(paragraphs, HEADING) == [
        INTRO + "青石村、柳塘村报送的问题清单大部分雷同（柳塘村的6个问题中有5个与青石村的问题相同或高度相似）。"
        "从问题描述看，有7个问题只是笼统表述，没有写明具体事例、时间、地点或数据，"
        "其中桃源村的5个问题中有3个、滨河社区的3个问题全部属于这种情况。"
        "从整改措施看，有3个问题的措施只是重复问题本身，没有提出具体办法，涉及2个单位，其中青石村最多（2个）。"
        "从整改进展看，有2个未完成的问题连续2次报送的进展没有新内容，均为镇党政综合办公室的问题。",
        "请相关单位对照本单位实际重新查摆问题、逐项细化整改措施、如实填写每月整改进展，杜绝照搬照抄、以空话套话应付。",
    ]
    assert "六、下步工作要求" in paragraphs
    assert demo_names_in([path]) == []


def test_no_problem_text_is_quoted(tmp_path: Path) -> None:
    rows = town_rows()
    paragraphs, _ = circular(tmp_path, month_report(rows, every_signal()))
    said = "".join(section_paragraphs(paragraphs, HEADING))
    assert said.startswith(INTRO)
    texts = {str(r[c]) for r in rows for c in ("具体问题", "整改措施", "整改进展")}
    assert [t for t in texts if t in said] == []
    assert "“" not in said  # nor a phrase of one


def test_a_signal_without_hints_is_not_mentioned(tmp_path: Path) -> None:
    only_measures = findings([*flagged(Signal.ECHO, QS, 2, 3), *flagged(Signal.ECHO, ZFD, 1)], checked=26)
    paragraphs, _ = circular(tmp_path, month_report(town_rows(), only_measures))
    assert section_paragraphs(paragraphs, HEADING) == [
        INTRO + "从整改措施看，有3个问题的措施只是重复问题本身，没有提出具体办法，涉及2个单位，其中青石村最多（2个）。",
        "请相关单位逐项细化整改措施，杜绝以空话套话应付。",
    ]


@pytest.mark.parametrize(
    "found",
    [
        Findings(),
        # single copied problems, no list largely the same: left to the ledger's sheet and the feedback
        findings([h for h in copied_list(LT, QS, 1, 6) if h.signal == Signal.COPY], checked=26),
    ],
    ids=["no hint", "single copies only"],
)
def test_no_section_without_anything_to_say(tmp_path: Path, found: Findings) -> None:
    report = month_report(town_rows(), found)
    paragraphs, _ = circular(tmp_path, report)
    assert [p for p in paragraphs if HEADING in p or "比对" in p or "请相关单位" in p] == []
    assert "五、下步工作要求" in paragraphs
    context = documents.circular_context(report)
    assert (context["formality"], context["formality_no"], context["formality_text"]) == (False, "", "")


def test_the_section_takes_the_next_number_before_the_steps() -> None:
    context = documents.circular_context(month_report(town_rows(), every_signal()))
    assert (context["formality_no"], context["steps_no"]) == ("五", "六")


@pytest.mark.parametrize(
    ("empty", "sizes", "said"),
    [
        # half of a unit's problems: named; fewer than half and fewer than 3: counted only
        ({TY.code: 2, BH.code: 1}, {TY.code: 4, BH.code: 3}, "其中桃源村的4个问题中有2个属于这种情况"),
        # 3 or more: named however many problems the unit has
        ({QS.code: 3}, {QS.code: 10}, "其中青石村的10个问题中有3个属于这种情况"),
        ({QS.code: 2}, {QS.code: 5}, ""),
    ],
    ids=["half", "three of ten", "two of five"],
)
def test_which_units_are_named_for_empty_words(empty: dict[str, int], sizes: dict[str, int], said: str) -> None:
    units = {u.code: u for u in QINGSHI}
    hints = [h for code, n in empty.items() for h in flagged(Signal.EMPTY, units[code], *range(1, n + 1))]
    rows = town_rows({u.code: sizes.get(u.code, 2) for u in QINGSHI})
    context = documents.circular_context(month_report(rows, findings(hints, len(rows))))
    total = sum(empty.values())
    assert context["formality_text"].split("。")[1] == (
        f"从问题描述看，有{total}个问题只是笼统表述，没有写明具体事例、时间、地点或数据" + (f"，{said}" if said else "")
    )
    assert context["formality_demand"] == "请相关单位对照本单位实际重新查摆问题，杜绝以空话套话应付。"


def test_pairs_are_named_in_roster_order_and_say_how_much_is_the_same(tmp_path: Path) -> None:
    # 滨河社区's list half 桃源村's, 柳塘村's mostly 青石村's: the hint's unit is the later one in both
    hints = [*copied_list(BH, TY, 3, 6), *copied_list(LT, QS, 4, 5)]
    paragraphs, _ = circular(tmp_path, month_report(town_rows({u.code: 6 for u in QINGSHI}), findings(hints, 36)))
    assert section_paragraphs(paragraphs, HEADING) == [
        "镇干部作风整顿办对各单位本月报送的36个问题逐条进行了比对。"
        "青石村、柳塘村报送的问题清单大部分雷同（柳塘村的5个问题中有4个与青石村的问题相同或高度相似）；"
        "桃源村、滨河社区报送的问题清单半数雷同（滨河社区的6个问题中有3个与桃源村的问题相同或高度相似）。",
        "请相关单位对照本单位实际重新查摆问题，杜绝照搬照抄。",
    ]


def test_a_list_copied_with_the_names_swapped_is_found_and_named(tmp_path: Path) -> None:
    """From the units' texts to the sentence: 柳塘村 sends 青石村's four problems with its own name
    and other numbers (formality.findings finds them, whatever its tuned thresholds)."""
    campaign = township_campaign()
    records = []
    for n, (category, text, measure) in enumerate(PROBLEMS[:4], start=1):
        for unit, seq in ((QS, 1), (LT, 2)):
            records.append(
                {
                    "item_id": f"{unit.code}-{n:03d}",
                    "unit_code": unit.code,
                    "month": "2022-04",
                    "seq": seq,
                    "row": 5 + n,
                    "具体问题": f"{unit.name}{text}（{n + seq * 10}处）",
                    "整改措施": measure,
                    "整改进展": f"{unit.name}已召开{category}专题会议{n + seq}次",
                    "完成状态": "整改中",
                }
            )
    names = [name for u in campaign.units for name in u.names]
    found = formality.findings(
        pd.DataFrame(records), "2022-04", names, campaign.formality, formality.Words.of(VOCAB.sections)
    )
    rows = town_rows({QS.code: 4, LT.code: 4, TY.code: 2, BH.code: 2, DZB.code: 2, ZFD.code: 2})
    paragraphs, path = circular(tmp_path, month_report(rows, found))
    said = section_paragraphs(paragraphs, HEADING)
    assert said[0] == (
        "镇干部作风整顿办对各单位本月报送的8个问题逐条进行了比对。"
        "青石村、柳塘村报送的问题清单大部分雷同（青石村的4个问题全部与柳塘村的问题相同或高度相似）。"
    )
    assert demo_names_in([path]) == []


# --- the leaders' report ------------------------------------------------------------------------


def three_months() -> dict[str, tuple[list[dict[str, object]], Findings]]:
    """March to May: 柳塘村's list copied from 青石村's in March and April; 桃源村's empty words
    (the same 3 problems, 2 in May) and 滨河社区's (3, then 2); 青石村's measures in March; the
    党政办's progress texts in April and May."""
    rows = town_rows()
    march = [
        *copied_list(LT, QS, 5, 6),
        *flagged(Signal.EMPTY, TY, 2, 3, 4),
        *flagged(Signal.EMPTY, BH, 1, 2, 3),
        *flagged(Signal.ECHO, QS, 2, 3),
    ]
    april = [
        *copied_list(LT, QS, 5, 6),
        *flagged(Signal.EMPTY, TY, 2, 3, 4),
        *flagged(Signal.EMPTY, BH, 1, 2),
        *flagged(Signal.STALE, DZB, 3, 4),
    ]
    may = [*flagged(Signal.EMPTY, TY, 2, 3), *flagged(Signal.STALE, DZB, 3)]
    return {
        "2022-03": (rows, findings(march, 26)),
        "2022-04": (rows, findings(april, 26)),
        "2022-05": (rows, findings(may, 26)),
    }


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[list[str], Path]:
    report, workbook = render_summary(summary_with(three_months()), tmp_path / "report", fonts=())
    return [p.text for p in Document(str(report)).paragraphs], workbook


def test_the_report_says_the_period_counted_once_per_problem(rendered: tuple[list[str], Path]) -> None:
    paragraphs, workbook = rendered
    assert section_paragraphs(paragraphs, "问题清单填报质量") == [
        "3月至5月，经逐月比对各单位报送的问题，发现与其他单位的问题相同或高度相似的5个，只有笼统表述、属于空话套话的6个，"
        "整改措施只是重复问题本身的2个，整改进展连续多次没有新内容的2个（同一问题在多个月被提示的只计一次）。"
        "青石村、柳塘村报送的问题清单大部分雷同（3月、4月）。"
        "空话套话问题最多的是桃源村、滨河社区（均为3个）。"
        "各月提示条数分别为3月14条、4月13条、5月3条，逐月减少。"
    ]
    steps = section_paragraphs(paragraphs, "下一步工作")[0]
    assert "督促问题清单雷同、查摆问题空泛的单位对照本单位实际重新查摆，防止整改流于形式；" in steps
    texts = {str(r[c]) for r in town_rows() for c in ("具体问题", "整改措施", "整改进展")}
    assert [t for t in texts if any(t in p for p in paragraphs)] == []
    assert demo_names_in([workbook, workbook.parent / "2022年半年工作情况报告.docx"]) == []


def test_the_workbook_sheet_counts_each_unit_over_the_period(rendered: tuple[list[str], Path]) -> None:
    _, workbook = rendered
    ws = openpyxl.load_workbook(workbook)["形式主义提示"]
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert rows[0] == [
        "单位",
        "类型",
        "雷同",
        "清单雷同",
        "空话",
        "措施照搬问题",
        "进展未更新",
        "涉及问题数",
        "清单雷同情况",
    ]
    assert rows[1:7] == [
        ["青石村", "村", 0, 1, 0, 2, 0, 2, "柳塘村（3月、4月）"],
        ["柳塘村", "村", 5, 1, 0, 0, 0, 5, "青石村（3月、4月）"],
        ["桃源村", "村", 0, 0, 3, 0, 0, 3, None],
        ["滨河社区", "社区", 0, 0, 3, 0, 0, 3, None],
        ["镇党政综合办公室", "部门", 0, 0, 0, 0, 2, 2, None],
        ["镇综合行政执法队", "部门", 0, 0, 0, 0, 0, 0, None],
    ]
    assert str(rows[8][0]).startswith("注：各列为统计期内被提示的问题个数，同一问题在多个月被提示的只计一次")
    assert rows[10][0] == "各月提示条数（清单雷同按对计）"
    # 月份 across 单位 and 类型, each signal under its column, 合计 under 涉及问题数
    assert rows[11][:8] == ["月份", None, "雷同", "清单雷同", "空话", "措施照搬问题", "进展未更新", "合计"]
    assert [r[:8] for r in rows[12:15]] == [
        ["3月", None, 5, 1, 6, 2, 0, 14],
        ["4月", None, 5, 1, 5, 0, 2, 13],
        ["5月", None, 0, 0, 2, 0, 1, 3],
    ]


@pytest.mark.parametrize(
    ("per_month", "said"),
    [
        ((2, 3, 4), "各月提示条数分别为3月2条、4月3条、5月4条，5月比3月增加2条。"),
        ((3, 1, 3), "各月提示条数分别为3月3条、4月1条、5月3条，5月与3月持平。"),
        ((4, 4, 1), "各月提示条数分别为3月4条、4月4条、5月1条，5月比3月减少3条。"),
    ],
    ids=["rising", "level", "falling but not every month"],
)
def test_the_report_says_how_the_hints_went_month_by_month(
    tmp_path: Path, per_month: tuple[int, ...], said: str
) -> None:
    rows = town_rows()
    months = {
        f"2022-0{m}": (rows, findings(flagged(Signal.EMPTY, TY, *range(1, n + 1)) if n <= 5 else [], 26))
        for m, n in zip((3, 4, 5), per_month, strict=True)
    }
    doc = report_document(summary_with(months), tmp_path / "report")
    text = section_paragraphs([p.text for p in doc.paragraphs], "问题清单填报质量")[0]
    most = max(per_month)
    assert text == (
        f"3月至5月，经逐月比对各单位报送的问题，发现只有笼统表述、属于空话套话的{most}个（同一问题在多个月被提示的只计一次）。"
        f"空话套话问题均出自桃源村（{most}个）。" + said
    )


def test_no_report_section_nor_sheet_without_hints(tmp_path: Path) -> None:
    rows = town_rows()
    data = summary_with({"2022-03": (rows, Findings()), "2022-04": (rows, Findings())})
    report, workbook = render_summary(data, tmp_path / "report", fonts=())
    paragraphs = [p.text for p in Document(str(report)).paragraphs]
    assert [p for p in paragraphs if "填报质量" in p or "比对" in p or "流于形式" in p] == []
    assert "形式主义提示" not in openpyxl.load_workbook(workbook).sheetnames


def test_the_months_of_a_copied_pair_are_said_as_runs(tmp_path: Path) -> None:
    rows = town_rows({u.code: 6 for u in QINGSHI})
    both = [*copied_list(LT, QS, 4, 6), *copied_list(BH, TY, 5, 6)]
    months = {
        "2022-03": (rows, findings(both, 36)),
        "2022-04": (rows, findings(copied_list(LT, QS, 4, 6), 36)),
        "2022-05": (rows, findings(both, 36)),
        "2022-06": (rows, findings([], 36)),
    }
    report, workbook = render_summary(summary_with(months), tmp_path / "report", fonts=())
    said = section_paragraphs([p.text for p in Document(str(report)).paragraphs], "问题清单填报质量")[0]
    assert (
        "青石村、柳塘村报送的问题清单大部分雷同（3月至5月）；桃源村、滨河社区报送的问题清单大部分雷同（3月、5月）。"
        "各月提示条数分别为3月11条、4月5条、5月11条、6月0条，6月比3月减少11条。"
    ) in said
    ws = openpyxl.load_workbook(workbook)["形式主义提示"]
    assert [(r[0], r[8]) for r in ws.iter_rows(min_row=2, max_row=5, values_only=True)] == [
        ("青石村", "柳塘村（3月至5月）"),
        ("柳塘村", "青石村（3月至5月）"),
        ("桃源村", "滨河社区（3月、5月）"),
        ("滨河社区", "桃源村（3月、5月）"),
    ]
