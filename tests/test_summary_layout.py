"""The leaders' report as a reader meets it: ties in the rankings, page numbers, headings kept
with their text, a balanced title, whole counts, table columns that keep IDs, dates and names whole,
and sentences that name every unit they speak of."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from builders_summary import (
    VOCAB,
    accepted,
    listed,
    report_document,
    report_text,
    roster,
    section,
    summary_data,
    units_said,
)
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from libreoffice import MISSING, PDFTOTEXT, WHY_MISSING, pdf_text, to_pdf
from township import OPENNESS, Member, problem

from pipeline.outputs import reports as rs
from pipeline.storage.ledger import pair_key

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HEADING = re.compile(r"^[一二三四五六七八九十]、")


# ---------------------------------------------------------------------------------------------
# ties in the rankings: what the report says of the units (三、各单位整改情况), for units
# 单位1, 单位2, … with (done, total) problems at the end of April and, by default, none done in March


def halves(text: str, first: str, second: str) -> tuple[str, str]:
    """The part of the sentence about the first places and the part about the last ones."""
    head, _, tail = text.partition(second)
    assert first in head and tail, text
    return head, tail


def test_twelve_units_tied_at_the_top_are_counted_and_none_is_called_bottom(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(4, 4)] * 12 + [(3, 4)])
    assert "12个单位期末完成率均为100.0%，并列第一" in text
    assert "排名最后的是单位13（75.0%）" in text
    assert "前三名" not in text and "后三名" not in text
    assert not re.search(r"单位(?:[1-9]|1[0-2])(?!\d)", text.split("。")[0])  # no tied unit picked out


def test_a_tie_across_third_place_names_the_whole_group_and_the_bottom_keeps_its_own(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(20, 20), (19, 20), (18, 20), (18, 20), (16, 20), (14, 20), (12, 20), (10, 20)])
    top, bottom = halves(text.split("。")[0], "前三名", "后三名")
    assert "前三名为单位1（100.0%）、单位2（95.0%）、单位3、单位4（并列第三，均为90.0%）" in top
    assert bottom == "为单位6（70.0%）、单位7（60.0%）、单位8（50.0%）"


def test_units_tied_for_last_place_are_named_together(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(10, 10), (9, 10), (8, 10), (7, 10), (6, 10), (5, 10), (5, 10), (5, 10)])
    assert "排名最后的是单位6、单位7、单位8（均为50.0%）" in text
    assert "前三名为单位1（100.0%）、单位2（90.0%）、单位3（80.0%）" in text


def test_all_units_level_is_said_once(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(2, 2)] * 5, start=[(1, 2)] * 5)
    assert text == "5个单位期末完成率均为100.0%。与期初相比，5个单位完成率均提升50.0个百分点。"


def test_few_units_two_tied_first_and_one_last(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(1, 1), (1, 1), (0, 1)])
    assert text.startswith("单位1、单位2期末完成率均为100.0%，并列第一；排名最后的是单位3（0.0%）。")


def test_gains_with_ties_name_every_tied_unit_in_one_form(tmp_path: Path) -> None:
    # all done in April; in March none of six units' problems, then 1 of 9, 8, 6, 6, 6, 5 and 4
    totals = [2] * 6 + [9, 8, 6, 6, 6, 5, 4]
    start = [(0, 2)] * 6 + [(1, n) for n in totals[6:]]
    text = units_said(tmp_path, [(n, n) for n in totals], start=start)
    _, _, progress = text.partition("与期初相比，")
    most, least = halves(progress, "进步最大", "进步最小")
    assert "单位1、单位2、单位3、单位4、单位5、单位6（均提升100.0个百分点）" in most
    assert (
        least
        == "的是单位13（提升75.0个百分点）、单位12（提升80.0个百分点）、单位9、单位10、单位11（均提升83.3个百分点）。"
    )
    assert "+" not in text


def test_more_tied_gains_than_can_be_named_are_counted(tmp_path: Path) -> None:
    start = [(0, 10)] * 10 + [(4, 10), (5, 10), (6, 10)]
    text = units_said(tmp_path, [(10, 10)] * 13, start=start)
    assert "进步最大的是10个单位（均提升100.0个百分点）" in text
    assert "进步最小的是单位13（提升40.0个百分点）、单位12（提升50.0个百分点）、单位11（提升60.0个百分点）" in text


def test_a_fall_is_said_as_such(tmp_path: Path) -> None:
    # 单位3 had 5 of 8 done in March and two new open problems in April: from 62.5 % to 50.0 %
    text = units_said(tmp_path, [(9, 10), (8, 10), (5, 10)], start=[(8, 10), (8, 10), (5, 8)])
    assert "下降最多的是单位3（下降12.5个百分点）" in text and "进步最小" not in text


def test_a_tie_reaching_the_last_place_is_the_bottom_not_the_top(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(10, 10)] + [(0, 1)] * 4, start=[(9, 10)] + [(0, 1)] * 4)
    rates, progress = text.split("。")[:2]
    assert rates == "按期末完成率排名，排名第一的是单位1（100.0%）；排名最后的是单位2、单位3、单位4、单位5（均为0.0%）"
    assert (
        progress
        == "与期初相比，进步最大的是单位1（提升10.0个百分点）；没有进步的是单位2、单位3、单位4、单位5（均持平）"
    )


def test_equal_rates_split_by_red_lights_agree_with_the_table_and_say_why(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(2, 4), (2, 4), (1, 4)], red=[0, 2, 0]).split("。")[0]
    assert "单位1、单位2" not in text and "并列" not in text  # the table ranks them 1 and 2
    assert "（完成率相同的，红灯问题少的排名在前）" in text


# the one ranking rule (pipeline/narrative.py), as the circular names units: two at each end from
# 4 units (three only from 8), a tie reaching past the first places among them, every fall named


def test_six_units_name_two_at_each_end_not_everyone(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(10, 10), (9, 10), (8, 10), (7, 10), (6, 10), (5, 10)])
    assert text == (
        "按期末完成率排名，前两名为单位1（100.0%）、单位2（90.0%）；后两名为单位5（60.0%）、单位6（50.0%）。"
        "与期初相比，进步最大的是单位1（提升100.0个百分点）、单位2（提升90.0个百分点）；"
        "进步最小的是单位6（提升50.0个百分点）、单位5（提升60.0个百分点）。"
    )


def test_seven_units_name_two_at_each_end(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(10, 10), (9, 10), (8, 10), (7, 10), (6, 10), (5, 10), (4, 10)])
    assert text.split("。")[0] == (
        "按期末完成率排名，前两名为单位1（100.0%）、单位2（90.0%）；后两名为单位6（50.0%）、单位7（40.0%）"
    )


def test_a_tie_reaching_past_the_first_places_is_named_among_them(tmp_path: Path) -> None:
    text = units_said(tmp_path, [(2, 2), (1, 2), (1, 2), (1, 2), (0, 2)])
    assert text.split("。")[0] == (
        "按期末完成率排名，前两名为单位1（100.0%）、单位2、单位3、单位4（并列第二，均为50.0%）；排名最后的是单位5（0.0%）"
    )


def test_the_largest_rises_are_named_up_to_the_count(tmp_path: Path) -> None:
    # from 0, 50, 75 and 0 % in March to 100, 100, 100 and 0 % in April: rises of 100, 50 and 25 points
    text = units_said(tmp_path, [(4, 4)] * 3 + [(0, 4)], start=[(0, 4), (2, 4), (3, 4), (0, 4)])
    assert text.split("。")[1] == (
        "与期初相比，进步最大的是单位1（提升100.0个百分点）、单位2（提升50.0个百分点）；没有进步的是单位4（持平）"
    )


def test_every_fall_up_to_the_count_is_named_largest_first(tmp_path: Path) -> None:
    # 单位3 and 单位4 listed new problems in April: from 90 % to 81.8 % and 75.0 %
    text = units_said(tmp_path, [(9, 10), (8, 10), (9, 11), (9, 12)], start=[(5, 10), (5, 10), (9, 10), (9, 10)])
    assert text.split("。")[1] == (
        "与期初相比，进步最大的是单位1（提升40.0个百分点）；"
        "下降最多的是单位4（下降15.0个百分点）、单位3（下降8.2个百分点）"
    )


# ---------------------------------------------------------------------------------------------
# other sentences


def test_a_group_without_problems_is_left_out_of_the_group_sentence(tmp_path: Path) -> None:
    (unit,) = roster(1)
    doc = report_text(tmp_path, (unit,), {"2022-04": listed(unit, 4, 8)})  # 服务不强、环境不优 only
    text = section(doc, "分类和专项治理情况")
    assert text == "作风问题（四个方面）8个，已完成4个，完成率50.0%。"
    assert "—" not in text and "专项治理" not in text


def test_every_unit_late_or_missing_is_named_or_counted(tmp_path: Path) -> None:
    def said(n: int) -> str:
        """n units on time in March and April and late in May; one more on time every month."""
        units = roster(n + 1)
        rows = [row for unit in units for row in listed(unit, 1, 2)]
        months = {month: rows for month in ("2022-03", "2022-04", "2022-05")}

        def received(unit: Member, month: str) -> dt.datetime:  # due on 03-20, 04-25 and 05-25
            late = month == "2022-05" and unit != units[-1]
            return dt.datetime(2022, int(month[5:]), 28 if late else 15, 9)

        records = {m: [accepted(u, m, received(u, m), seq) for seq, u in enumerate(units, start=1)] for m in months}
        doc = report_document(summary_data(units, months, records=records), tmp_path / str(n))
        return section(doc, "报送情况")

    eight = said(8)
    assert eight.endswith(
        "每月均按时报送的有单位9；有逾期、退回或未报送情况的有单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8。"
    )
    assert "等" not in eight
    many = said(12)
    assert many.endswith(
        "每月均按时报送的有单位13；有逾期、退回或未报送情况的有单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8等12个单位。"
    )


def test_the_group_rate_says_it_leaves_out_long_term_items(tmp_path: Path) -> None:
    (unit,) = roster(1)
    rows = listed(unit, 49, 49, lasting=10) + listed(unit, 35, 36, category=OPENNESS, first=60)
    text = section(report_text(tmp_path, (unit,), {"2022-04": rows}), "分类和专项治理情况")
    assert text == (
        "作风问题（四个方面）59个，已完成49个，完成率100.0%（不含长期坚持的10个）；"
        "专项治理（三项）问题36个，已完成35个，完成率97.2%。"
        "完成率最高的是“服务不强、环境不优”（100.0%）；完成率最低的是“村（居）务公开专项治理”（97.2%）。"
    )


def categories_said(tmp_path: Path, done: list[int]) -> str:
    """What the report says of the categories when each of the seven has 10 problems, ``done`` of
    them done (in the vocabulary's order)."""
    (unit,) = roster(1)
    rows = []
    for number, (category, n) in enumerate(zip(VOCAB.categories, done, strict=True)):
        rows += listed(unit, n, 10, category=category.name, first=10 * number + 1)
    text = section(report_text(tmp_path, (unit,), {"2022-04": rows}), "分类和专项治理情况")
    return text.partition("。")[2]  # after the sentence on the two groups


def test_categories_tied_at_the_top_are_counted_not_one_picked(tmp_path: Path) -> None:
    names = [c.name for c in VOCAB.categories]
    assert names[5] == "工程建设领域专项治理"
    text = categories_said(tmp_path / "one", [10, 10, 10, 10, 10, 8, 10])
    assert text == "6类问题完成率均为100.0%，并列最高；完成率最低的是“工程建设领域专项治理”（80.0%）。"
    two = categories_said(tmp_path / "two", [9, 9, 10, 5, 7, 5, 8])
    assert (
        two
        == "完成率最高的是“服务不强、环境不优”（100.0%）；“懒政怠政、为官不为”、“工程建设领域专项治理”完成率均为50.0%，并列最低。"
    )


# ---------------------------------------------------------------------------------------------
# table columns


def ems(text: str) -> float:
    """The width of one line of table text in ems, by the widest metrics the report may be shown
    in (the official fonts, Noto, DejaVu Sans where those are missing): a Chinese character one em,
    % 0.95, a capital letter three quarters, a digit, small letter or sign 0.64, and the quarter em
    Word puts between Chinese and Western characters."""
    wide = [unicodedata.east_asian_width(c) in "WF" for c in text]
    glyphs = sum(
        1.0 if w else 0.95 if c == "%" else 0.75 if c.isupper() or c in "@&" else 0.64
        for c, w in zip(text, wide, strict=True)
    )
    gaps = sum(
        1
        for (a, wa), (b, wb) in itertools.pairwise(zip(text, wide, strict=True))
        if wa != wb and (a if wb else b).isalnum()
    )
    return glyphs + 0.25 * gaps


def docx_table(doc: Any, *header: str) -> Any:
    """The table whose header row starts with ``header`` (cell texts, line breaks left out)."""
    return next(
        t for t in doc.tables if [c.text.replace("\n", "") for c in t.rows[0].cells][: len(header)] == list(header)
    )


LONG_TEXT = "关键岗位人员经常不在岗，群众办事“人难找、门难进”" * 2
SOCIAL, BUILDING = Member("镇社会事务办公室", "BMZX", "部门"), Member("镇城镇建设办公室", "CJB", "部门")


@pytest.fixture(scope="module")
def overdue_report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The year report as of August: BMZX-005 red in June and July, done on 8-14; CJB-005 red from
    May, still open in August (sent to 纪委)."""

    def rows(done: bool) -> list[dict[str, Any]]:
        social = problem(
            "BMZX-005", SOCIAL, "已完成" if done else "整改中", dt.date(2022, 5, 31), done=dt.date(2022, 8, 14)
        )
        building = problem("CJB-005", BUILDING, "整改中", dt.date(2022, 4, 30))
        return [social | {"具体问题": LONG_TEXT}, building | {"具体问题": "对中标人转包、违法分包问题监管不到位"}]

    months = {"2022-06": rows(done=False), "2022-08": rows(done=True)}
    red = {  # as the store keys them: (problem, its unit)
        "2022-08": {
            pair_key("BMZX-005", SOCIAL.code): ["2022-06", "2022-07"],
            pair_key("CJB-005", BUILDING.code): ["2022-05", "2022-06", "2022-07", "2022-08"],
        }
    }
    data = summary_data((SOCIAL, BUILDING), months, "year", red_months=red)
    return report_document(data, tmp_path_factory.mktemp("overdue"))


def test_ids_dates_and_unit_names_keep_their_width_and_free_text_wraps(overdue_report: Any) -> None:
    table = docx_table(overdue_report, "问题编号", "填报单位")
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert [c.replace("\n", "") for c in rows[0]] == [
        "问题编号",
        "填报单位",
        "具体问题",
        "首次逾期",
        "督办次数",
        "移交纪委",
        "结果",
    ]
    assert rows[1:] == [
        ["CJB-005", "镇城镇建设办公室", "对中标人转包、违法分包问题监管不到位", "5月", "4", "是", "仍未完成"],
        ["BMZX-005", "镇社会事务办公室", LONG_TEXT, "6月", "2", "否", "已完成（8月14日）"],
    ]
    widths = {name.replace("\n", ""): column.width.mm for name, column in zip(rows[0], table.columns, strict=True)}
    assert sum(widths.values()) == pytest.approx(rs.TYPE_WIDTH_MM, abs=0.1)
    pad = 2 * rs.CELL_PAD_MM + rs.CELL_SLACK_MM
    for column, text in (("问题编号", "BMZX-005"), ("填报单位", "镇社会事务办公室"), ("结果", "已完成（8月14日）")):
        assert widths[column] >= ems(text) * rs.MM_PER_EM + pad - 0.05, column
    assert widths["具体问题"] < ems(LONG_TEXT) * rs.MM_PER_EM + pad  # the description wraps ...
    assert widths["具体问题"] >= rs.FREE_MIN_EM * rs.MM_PER_EM  # ... but keeps a readable width
    assert all(text.count("\n") <= 1 for text in rows[0])  # headers on at most two lines


def test_a_wide_table_sets_headers_on_three_lines_before_a_name_or_a_rate_breaks(overdue_report: Any) -> None:
    table = docx_table(overdue_report, "排名", "单位")
    header = [c.text for c in table.rows[0].cells]
    assert header == [  # the widest headers go on three lines until the table fits
        "排名",
        "单位",
        "问题\n数",
        "已完\n成",
        "完成率",
        "期初完\n成率",
        "提升\n（百分点）",
        "红灯",
        "逾期督\n办次数",
        "移交\n纪委\n问题数",
    ]
    widths = {name.replace("\n", ""): column.width.mm for name, column in zip(header, table.columns, strict=True)}
    assert sum(widths.values()) == pytest.approx(rs.TYPE_WIDTH_MM, abs=0.1)
    pad = 2 * rs.CELL_PAD_MM + rs.CELL_SLACK_MM
    names = [c.replace("\n", "") for c in header]
    cells = [dict(zip(names, (c.text for c in row.cells), strict=True)) for row in table.rows[1:]]
    assert [row["单位"] for row in cells] == ["镇社会事务办公室", "镇城镇建设办公室"]
    assert cells[0]["完成率"] == "100.0%"
    for row in cells:  # every name and rate on one line
        for column in ("单位", "完成率", "期初完成率"):
            assert widths[column] >= ems(row[column]) * rs.MM_PER_EM + pad - 0.05, column


@pytest.fixture(scope="module")
def three_units(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The year report as of April: 单位1 with 11 of 16 problems done, 单位2 with 4 of 5, 单位3 with
    only 长期坚持 ones (nothing to complete); none done in March."""
    one, two, three = roster(3)
    march = listed(one, 0, 16) + listed(two, 0, 5) + listed(three, 0, 0, lasting=2)
    april = listed(one, 11, 16) + listed(two, 4, 5) + listed(three, 0, 0, lasting=2)
    return report_text(
        tmp_path_factory.mktemp("three"), (one, two, three), {"2022-03": march, "2022-04": april}, "year"
    )


def test_a_long_header_breaks_before_its_bracket_not_inside_it(three_units: Any) -> None:
    units = [c.text for c in docx_table(three_units, "排名", "单位").rows[0].cells]
    assert units[6:] == ["提升\n（百分点）", "红灯", "逾期督\n办次数", "移交纪委\n问题数"]
    submissions = [c.text for c in docx_table(three_units, "单位", "3月").rows[0].cells]
    assert submissions[-1] == "退回文件数"  # a wide column keeps it on one line ...
    scores = [c.text for c in docx_table(three_units, "排名", "单位", "类型", "得分").rows[0].cells]
    assert scores[8] == "退回文\n件数"  # ... a narrow one halves it


def test_counts_are_whole_numbers_and_rates_percentages(three_units: Any) -> None:
    units = docx_table(three_units, "排名", "单位")
    assert [[c.text for c in r.cells] for r in units.rows[1:]] == [
        ["1", "单位2", "5", "4", "80.0%", "0.0%", "+80.0", "0", "0", "0"],
        ["2", "单位1", "16", "11", "68.8%", "0.0%", "+68.8", "0", "0", "0"],
        ["—", "单位3", "2", "0", "—", "—", "—", "0", "0", "0"],
    ]
    scores = docx_table(three_units, "排名", "单位", "类型", "得分")
    assert [[c.text for c in r.cells][1:6] for r in scores.rows[1:]] == [
        ["单位3", "村", "60.0", "0.0%", "100.0%"],
        ["单位2", "村", "48.0", "0.0%", "80.0%"],
        ["单位1", "村", "41.2", "0.0%", "68.8%"],
    ]


# ---------------------------------------------------------------------------------------------
# the rendered report, reopened


@pytest.fixture(scope="module")
def tied_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The year report of thirteen units, twelve of them at 100 % and the last at 75 % (its open
    problem red), as of April."""
    units = roster(13)
    march = [row for unit in units for row in listed(unit, 0, 4)]
    april = [row for unit in units[:12] for row in listed(unit, 4, 4)] + listed(units[12], 3, 4, red=1)
    data = summary_data(units, {"2022-03": march, "2022-04": april}, "year")
    report, _ = rs.render_summary(data, tmp_path_factory.mktemp("tied"), fonts=())
    return report


def paragraph_text(p: Any) -> str:
    return "".join(p._p.xpath(".//w:t/text()"))


def test_the_tied_report_says_twelve_units_are_first(tied_report: Path) -> None:
    text = "\n".join(p.text for p in Document(str(tied_report)).paragraphs)
    assert "12个单位期末完成率均为100.0%，并列第一；排名最后的是单位13（75.0%）。" in text


def test_pages_are_numbered_like_the_circulars(tied_report: Path) -> None:
    report = Document(str(tied_report))
    circular = Document(str(TEMPLATES / "通报.docx"))
    assert report.settings.odd_and_even_pages_header_footer
    assert circular.settings.odd_and_even_pages_header_footer
    for page in ("footer", "even_page_footer"):
        ours = getattr(report.sections[0], page).paragraphs[0]
        theirs = getattr(circular.sections[0], page).paragraphs[0]
        assert paragraph_text(ours) == paragraph_text(theirs) == "— 1 —"
        assert ours.alignment == theirs.alignment
        assert ours.paragraph_format.left_indent == theirs.paragraph_format.left_indent
        assert ours.paragraph_format.right_indent == theirs.paragraph_format.right_indent
        assert ours._p.xpath(".//w:fldSimple/@w:instr") == [" PAGE "]
        assert {r.font.size.pt for r in ours.runs} == {14.0} and {r.font.name for r in ours.runs} == {"宋体"}
    assert report.sections[0].footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_headings_and_captions_keep_with_what_follows(tied_report: Path) -> None:
    doc = Document(str(tied_report))
    headings = [p for p in doc.paragraphs if HEADING.match(p.text)]
    captions = [p for p in doc.paragraphs if re.match(r"^表\d+　", p.text)]
    assert len(headings) >= 6 and len(captions) >= 6
    assert all(p.paragraph_format.keep_with_next for p in headings + captions)
    for table in doc.tables:  # header and first row stay with the caption
        assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in table.rows[0].cells)


def test_the_title_breaks_between_words_into_two_sensible_lines(tied_report: Path) -> None:
    title = Document(str(tied_report)).paragraphs[0]
    assert title.text == "青石镇2022年干部作风整顿\n年度工作情况报告"
    assert all(r.font.size.pt == 22 for r in title.runs)


def test_every_table_shows_whole_counts_and_no_software_setting(tied_report: Path) -> None:
    doc = Document(str(tied_report))
    for table in doc.tables:
        header = [c.text.replace("\n", "") for c in table.rows[0].cells]
        for row in table.rows[1:]:
            for name, cell in zip(header, row.cells, strict=True):
                if name not in ("得分",) and not name.startswith("提升"):
                    assert not re.fullmatch(r"\d+\.\d+", cell.text), (name, cell.text)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "campaign.toml" not in text and not re.search(r"截止\d", text)
    assert "注：√ 按时报送；迟 逾期报送；退 被退回后未再报送；× 未报送。" in text
    assert "问题（四个方面）问题" not in text


@pytest.mark.skipif(MISSING, reason=WHY_MISSING)
def test_the_report_renders_numbered_with_its_title_on_two_full_lines(tied_report: Path, tmp_path: Path) -> None:
    pdf = to_pdf(tied_report, tmp_path)
    assert "—1—" in pdf_text(pdf, 1) and "—2—" in pdf_text(pdf, 2)
    layout = subprocess.run(
        [str(PDFTOTEXT), "-layout", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    lines = [re.sub(r"\s+", "", line) for line in layout.stdout.splitlines() if line.strip()]
    assert lines[:2] == ["青石镇2022年干部作风整顿", "年度工作情况报告"]
