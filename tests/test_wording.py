"""Every sentence of the circular and of the leaders' report is true and sensible for any roster:
one unit, two, all at 0 %, one unit with problems among six, ties at the top and at the bottom.
The month's figures are computed by ``aggregate`` from hand-made ledger states, the sentences
read from ``circular_context`` and from the rendered report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders_summary import paragraph, report_text, table
from township import QINGSHI, Member, members, problems_of, state_of, township_campaign

from pipeline import aggregate
from pipeline.config import Campaign
from pipeline.kinds import PROBLEM
from pipeline.outputs import documents
from pipeline.vocab import load_vocabulary

AS_OF = dt.date(2022, 4, 30)
VOCAB = load_vocabulary()
QS, LT, TY, BH, DZB, ZFD = QINGSHI


def month_report(campaign: Campaign, rows: list[dict[str, object]], as_of: dt.date = AS_OF) -> object:
    state = state_of(rows)
    return aggregate.month_report(
        campaign=campaign,
        vocab=VOCAB,
        month=f"{as_of.year}-{as_of.month:02d}",
        as_of=as_of,
        doc_number=3,
        ledgers={
            PROBLEM.name: aggregate.kind_ledger(
                PROBLEM, state, aggregate.flags(state, as_of, campaign.warning_days), {}, campaign.escalate_after
            )
        },
        records=[],
        unit_names={u.code: u.name for u in campaign.units},
        previous_state=None,
        previous_month=None,
    )


def circular(roster: tuple[Member, ...], rows: list[dict[str, object]]) -> dict[str, object]:
    return documents.circular_context(month_report(township_campaign(roster), rows))  # type: ignore[arg-type]


TAIL = "各单位整改进展及排名情况如下："


# --- the circular -------------------------------------------------------------------------------


def test_one_unit() -> None:
    ctx = circular((QS,), problems_of(QS, done=1, open_=2))
    assert ctx["overview_text"] == "截至2022年4月30日，青石村共查摆问题3个，其中已完成1个，整改中2个，完成率33.3%。"
    assert ctx["ranking_text"] == "从各单位看，青石村完成率为33.3%。整改进展情况如下："
    assert ctx["submission_text"] == "本月应报送单位1个，青石村截至2022年4月30日未报送问题整改进展，请尽快报送。"


def test_one_unit_without_problems() -> None:
    ctx = circular((QS,), [])
    assert ctx["overview_text"] == "截至2022年4月30日，青石村暂无登记的问题。"
    assert ctx["ranking_text"] == "整改进展情况如下："


def test_two_units() -> None:
    ctx = circular((QS, LT), problems_of(QS, 1, 1) + problems_of(LT, 0, 1))
    assert (
        ctx["overview_text"] == "截至2022年4月30日，全镇2个单位共查摆问题3个，其中已完成1个，整改中2个，完成率33.3%。"
    )
    assert ctx["ranking_text"] == (
        "从各单位看，完成率较高的是青石村（50.0%）；完成率较低的是柳塘村（0.0%），相关单位要加快整改进度。" + TAIL
    )


def test_all_at_zero() -> None:
    roster = (QS, LT, TY, BH)
    ctx = circular(roster, [row for unit in roster for row in problems_of(unit, 0, 2)])
    assert ctx["ranking_text"] == "从各单位看，各单位完成率均为0.0%。" + TAIL
    assert "较高" not in ctx["ranking_text"]


def test_one_unit_with_problems_among_six() -> None:
    ctx = circular(QINGSHI, problems_of(QS, 1, 2))
    assert ctx["overview_text"] == (
        "截至2022年4月30日，全镇6个单位中，1个单位共查摆问题3个"
        "（柳塘村、桃源村、滨河社区、镇党政综合办公室、镇综合行政执法队暂无登记的问题），"
        "其中已完成1个，整改中2个，完成率33.3%。"
    )
    assert ctx["ranking_text"] == (
        "从各单位看，青石村完成率为33.3%。"
        "柳塘村、桃源村、滨河社区、镇党政综合办公室、镇综合行政执法队暂无需限期完成的问题，不参加排名。" + TAIL
    )


def test_zero_units_are_never_called_the_best() -> None:
    """The issue's own case: one unit at 33.3 % and three at 0 % (two units without problems)."""
    rows = problems_of(TY, 1, 2) + problems_of(LT, 0, 2) + problems_of(BH, 0, 1) + problems_of(DZB, 0, 3)
    ctx = circular(QINGSHI, rows)
    assert ctx["overview_text"] == (
        "截至2022年4月30日，全镇6个单位中，4个单位共查摆问题9个（青石村、镇综合行政执法队暂无登记的问题），"
        "其中已完成1个，整改中8个，完成率11.1%。"
    )
    assert ctx["ranking_text"] == (
        "从各单位看，完成率较高的是桃源村（33.3%）；"
        "完成率较低的是柳塘村、滨河社区、镇党政综合办公室（均为0.0%），相关单位要加快整改进度。"
        "青石村、镇综合行政执法队暂无需限期完成的问题，不参加排名。" + TAIL
    )


def test_ties_at_the_top_and_at_the_bottom() -> None:
    roster = members("甲村", "乙村", "丙村", "丁村", "戊村", "己村", "庚村", "辛村")
    plan = [(4, 0), (4, 0), (4, 0), (2, 2), (2, 2), (1, 3), (0, 4), (0, 4)]  # 100 % ×3, 50 % ×2, 25 %, 0 % ×2
    rows = [row for unit, (done, open_) in zip(roster, plan, strict=True) for row in problems_of(unit, done, open_)]
    ctx = circular(roster, rows)
    assert ctx["ranking_text"] == (
        "从各单位看，完成率较高的是甲村、乙村、丙村（均为100.0%）；"
        "完成率较低的是己村（25.0%）、庚村、辛村（均为0.0%），相关单位要加快整改进度。" + TAIL
    )


def test_a_tie_reaching_past_the_top_places_is_named_whole_and_never_at_both_ends() -> None:
    roster = members("甲村", "乙村", "丙村", "丁村", "戊村")
    plan = [(2, 0), (1, 1), (1, 1), (1, 1), (0, 2)]  # 100 %, 50 % ×3, 0 %
    rows = [row for unit, (done, open_) in zip(roster, plan, strict=True) for row in problems_of(unit, done, open_)]
    assert circular(roster, rows)["ranking_text"] == (
        "从各单位看，完成率较高的是甲村（100.0%）、乙村、丙村、丁村（均为50.0%）；"
        "完成率较低的是戊村（0.0%），相关单位要加快整改进度。" + TAIL
    )


# --- the circular and the leaders' report: one ranking rule ---------------------------------------


@pytest.mark.parametrize(
    ("plan", "circular_said", "report_said"),
    [
        (  # seven units: two at each end (the reports named three, all but one unit)
            [(10, 0), (9, 1), (8, 2), (7, 3), (6, 4), (5, 5), (4, 6)],
            "完成率较高的是甲村（100.0%）、乙村（90.0%）；完成率较低的是己村（50.0%）、庚村（40.0%）",
            "前两名为甲村（100.0%）、乙村（90.0%）；后两名为己村（50.0%）、庚村（40.0%）",
        ),
        (  # a tie reaching past the first places: among the first (the reports put it at the bottom)
            [(2, 0), (1, 1), (1, 1), (1, 1), (0, 2)],
            "完成率较高的是甲村（100.0%）、乙村、丙村、丁村（均为50.0%）；完成率较低的是戊村（0.0%）",
            "前两名为甲村（100.0%）、乙村、丙村、丁村（并列第二，均为50.0%）；排名最后的是戊村（0.0%）",
        ),
    ],
    ids=["seven units", "a tie past the first places"],
)
def test_the_circular_and_the_report_name_the_same_units(
    tmp_path: Path, plan: list[tuple[int, int]], circular_said: str, report_said: str
) -> None:
    roster = members(*["甲村", "乙村", "丙村", "丁村", "戊村", "己村", "庚村"][: len(plan)])
    rows = [row for unit, (done, open_) in zip(roster, plan, strict=True) for row in problems_of(unit, done, open_)]
    assert circular(roster, rows)["ranking_text"] == f"从各单位看，{circular_said}，相关单位要加快整改进度。" + TAIL
    doc = report_text(tmp_path, roster, {"2022-04": rows})
    assert paragraph(doc, "按期末完成率排名").split("。")[0] == f"按期末完成率排名，{report_said}"


# --- the leaders' report ------------------------------------------------------------------------


def test_a_one_unit_report(tmp_path: Path) -> None:
    doc = report_text(tmp_path, (QS,), {"2022-03": problems_of(QS, 0, 3), "2022-04": problems_of(QS, 1, 2)})
    assert paragraph(doc, "2022年以来") == (
        "2022年以来，青石村按照镇党委“一月一督查、一月一通报”的要求，扎实推进干部作风整顿。现将3月至4月整改工作情况报告如下。"
    )
    assert paragraph(doc, "截至2022年4月30日") == (
        "截至2022年4月30日，青石村共查摆问题3个，已完成1个，整改中2个，未启动0个，完成率33.3%（3月为0.0%）；红灯0个，黄灯0个。"
    )
    assert paragraph(doc, "青石村期末") == "青石村期末完成率33.3%。"


def test_a_lopsided_report_says_how_many_units_listed_problems(tmp_path: Path) -> None:
    months = {"2022-03": problems_of(QS, 0, 3), "2022-04": problems_of(QS, 1, 2)}
    doc = report_text(tmp_path, QINGSHI, months)
    assert paragraph(doc, "截至2022年4月30日") == (
        "截至2022年4月30日，全镇6个单位中有1个单位共查摆问题3个，已完成1个，整改中2个，未启动0个，"
        "完成率33.3%（3月为0.0%）；红灯0个，黄灯0个。"
    )
    assert paragraph(doc, "青石村期末") == (
        "青石村期末完成率33.3%。柳塘村、桃源村、滨河社区、镇党政综合办公室、镇综合行政执法队暂无需限期完成的问题，不参加排名。"
    )


def test_a_unit_without_problems_at_the_start_has_no_start_rate(tmp_path: Path) -> None:
    """柳塘村 listed nothing in March: its 期初完成率 and 提升 are "—", as a category's are."""
    months = {
        "2022-03": problems_of(QS, 0, 2),
        "2022-04": problems_of(QS, 1, 1) + problems_of(LT, 0, 2),
    }
    doc = report_text(tmp_path, (QS, LT), months)
    units = table(doc, "排名,单位").set_index("单位")
    assert units.loc["柳塘村", ["完成率", "期初完成率", "提升（百分点）"]].tolist() == ["0.0%", "—", "—"]
    assert units.loc["青石村", ["完成率", "期初完成率", "提升（百分点）"]].tolist() == ["50.0%", "0.0%", "+50.0"]
    cats = table(doc, "问题类别,牵头部门").set_index("问题类别")
    assert cats.loc["服务不强、环境不优", "期初完成率"] == "0.0%"
    assert cats.loc["懒政怠政、为官不为", "期初完成率"] == "—"
    assert "柳塘村持平" not in "".join(p.text for p in doc.paragraphs)


@pytest.mark.parametrize("n", [1, 2])
def test_the_circular_and_the_report_agree_on_who_has_no_rate(tmp_path: Path, n: int) -> None:
    roster = (QS, LT)[:n]
    rows = problems_of(QS, 0, 0, lasting=2)  # only 长期坚持: nothing to complete, no rate
    ctx = circular(roster, rows)
    assert "完成率为" not in ctx["ranking_text"] and "均为" not in ctx["ranking_text"]
    doc = report_text(tmp_path, roster, {"2022-03": rows})
    text = "".join(p.text for p in doc.paragraphs)
    expected = "青石村暂无需限期完成的问题。" if n == 1 else "各单位均无需限期完成的问题。"
    assert expected in text
