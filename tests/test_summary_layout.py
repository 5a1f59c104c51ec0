"""The leaders' report as a reader meets it: ties in the rankings, page numbers, headings kept
with their text, a balanced title, whole counts, table columns that keep IDs, dates and names whole,
and sentences that name every unit they speak of."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from builders_campaign import campaign_workspace
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from pipeline import run
from pipeline.outputs import reports as rs
from pipeline.summary import SummaryData

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HEADING = re.compile(r"^[一二三四五六七八九十]、")


# ---------------------------------------------------------------------------------------------
# ties in the rankings (the sentences alone)


def units_frame(rates: list[float], gains: list[float] | None = None) -> pd.DataFrame:
    """A ranked ``SummaryData.units``: units 单位1, 单位2, … with these end rates (best first)."""
    n = len(rates)
    gains = gains if gains is not None else [r * 100 for r in rates]
    return pd.DataFrame(
        {
            "排名": [1 + sum(1 for other in rates if other > r) for r in rates],
            "单位": [f"单位{i}" for i in range(1, n + 1)],
            "单位编码": [f"U{i:02d}" for i in range(1, n + 1)],
            "类型": ["村"] * n,
            "问题数": [8] * n,
            "已完成": [round(8 * r) for r in rates],
            "整改中": [8 - round(8 * r) for r in rates],
            "未启动": [0] * n,
            "长期坚持": [0] * n,
            "完成率": rates,
            "红灯": [0] * n,
            "期初完成率": [r - g / 100 for r, g in zip(rates, gains, strict=True)],
            "提升": gains,
            "逾期督办次数": [0] * n,
            "移交纪委问题数": [0] * n,
        }
    )


def sentence(units: pd.DataFrame) -> str:
    data = SimpleNamespace(units=units)
    data.improved = SummaryData.improved.fget(data)  # type: ignore[attr-defined]
    return rs._unit_sentence(data)  # type: ignore[arg-type]


def halves(text: str, first: str, second: str) -> tuple[str, str]:
    """The part of the sentence about the first places and the part about the last ones."""
    head, _, tail = text.partition(second)
    assert first in head and tail, text
    return head, tail


def test_twelve_units_tied_at_the_top_are_counted_and_none_is_called_bottom() -> None:
    text = sentence(units_frame([1.0] * 12 + [0.75]))
    assert "12个单位期末完成率均为100.0%，并列第一" in text
    assert "排名最后的是单位13（75.0%）" in text
    assert "前三名" not in text and "后三名" not in text
    assert not re.search(r"单位(?:[1-9]|1[0-2])(?!\d)", text.split("。")[0])  # no tied unit picked out


def test_a_tie_across_third_place_names_the_whole_group_and_the_bottom_keeps_its_own() -> None:
    text = sentence(units_frame([1.0, 0.95, 0.9, 0.9, 0.8, 0.7, 0.6, 0.5]))
    top, bottom = halves(text.split("。")[0], "前三名", "后三名")
    assert "前三名为单位1（100.0%）、单位2（95.0%）、单位3、单位4（并列第三，均为90.0%）" in top
    assert bottom == "为单位6（70.0%）、单位7（60.0%）、单位8（50.0%）"


def test_units_tied_for_last_place_are_named_together() -> None:
    text = sentence(units_frame([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5]))
    assert "排名最后的是单位6、单位7、单位8（均为50.0%）" in text
    assert "前三名为单位1（100.0%）、单位2（90.0%）、单位3（80.0%）" in text


def test_all_units_level_is_said_once() -> None:
    text = sentence(units_frame([1.0] * 5, gains=[50.0] * 5))
    assert text == "5个单位期末完成率均为100.0%。与期初相比，5个单位完成率均提升50.0个百分点。"


def test_few_units_two_tied_first_and_one_last() -> None:
    text = sentence(units_frame([1.0, 1.0, 0.0]))
    assert text.startswith("单位1、单位2期末完成率均为100.0%，并列第一；排名最后的是单位3（0.0%）。")


def test_gains_with_ties_name_every_tied_unit_in_one_form() -> None:
    gains = [100.0] * 6 + [88.9, 87.5, 83.3, 83.3, 83.3, 80.0, 75.0]
    text = sentence(units_frame([1.0] * 13, gains=gains))
    _, _, progress = text.partition("与期初相比，")
    most, least = halves(progress, "进步最大", "进步最小")
    assert "单位1、单位2、单位3、单位4、单位5、单位6（均提升100.0个百分点）" in most
    assert (
        least
        == "的是单位13（提升75.0个百分点）、单位12（提升80.0个百分点）、单位9、单位10、单位11（均提升83.3个百分点）。"
    )
    assert "+" not in text


def test_more_tied_gains_than_can_be_named_are_counted() -> None:
    gains = [100.0] * 10 + [60.0, 50.0, 40.0]
    text = sentence(units_frame([1.0] * 13, gains=gains))
    assert "进步最大的是10个单位（均提升100.0个百分点）" in text
    assert "进步最小的是单位13（提升40.0个百分点）、单位12（提升50.0个百分点）、单位11（提升60.0个百分点）" in text


def test_a_fall_is_said_as_such() -> None:
    text = sentence(units_frame([0.9, 0.8, 0.5], gains=[10.0, 0.0, -12.5]))
    assert "下降最多的是单位3（下降12.5个百分点）" in text and "进步最小" not in text


def test_a_tie_reaching_the_last_place_is_the_bottom_not_the_top() -> None:
    text = sentence(units_frame([1.0, 0.0, 0.0, 0.0, 0.0], gains=[10.0, 0.0, 0.0, 0.0, 0.0]))
    rates, progress = text.split("。")[:2]
    assert rates == "按期末完成率排名，排名第一的是单位1（100.0%）；排名最后的是单位2、单位3、单位4、单位5（均为0.0%）"
    assert (
        progress
        == "与期初相比，进步最大的是单位1（提升10.0个百分点）；没有进步的是单位2、单位3、单位4、单位5（均持平）"
    )


def test_equal_rates_split_by_red_lights_agree_with_the_table_and_say_why() -> None:
    units = units_frame([1.0, 1.0, 0.5]).assign(红灯=[0, 3, 0], 排名=[1, 2, 3])
    text = sentence(units).split("。")[0]
    assert "单位1、单位2" not in text and "并列" not in text  # the table ranks them 1 and 2
    assert "（完成率相同的，红灯问题少的排名在前）" in text


def test_a_group_without_problems_is_left_out_of_the_group_sentence() -> None:
    groups = pd.DataFrame(
        [
            {"类别": "作风问题（四个方面）", "问题数": 8, "已完成": 4, "长期坚持": 0, "完成率": 0.5},
            {"类别": "专项治理（三项）", "问题数": 0, "已完成": 0, "长期坚持": 0, "完成率": float("nan")},
        ]
    )
    text = rs._group_sentence(SimpleNamespace(groups=groups))  # type: ignore[arg-type]
    assert text == "作风问题（四个方面）8个，已完成4个，完成率50.0%。"
    assert "—" not in text and "专项治理" not in text


# ---------------------------------------------------------------------------------------------
# other sentences


def test_every_unit_late_or_missing_is_named_or_counted() -> None:
    def subs(n: int) -> SimpleNamespace:
        frame = pd.DataFrame(
            {
                "单位": [f"单位{i}" for i in range(1, n + 2)],
                "按时次数": [2] * n + [3],
                "逾期次数": [1] * n + [0],
                "退回次数": [0] * n + [0],
                "未报送次数": [0] * n + [0],
            }
        )
        return SimpleNamespace(submissions=frame, months=("2022-03", "2022-04", "2022-05"))

    eight = rs._submission_sentence(subs(8))  # type: ignore[arg-type]
    assert "有逾期、退回或未报送情况的有单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8。" in eight
    assert "等" not in eight
    many = rs._submission_sentence(subs(12))  # type: ignore[arg-type]
    assert "单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8等12个单位。" in many


def test_the_group_rate_says_it_leaves_out_long_term_items() -> None:
    groups = pd.DataFrame(
        [
            {"类别": "作风问题（四个方面）", "问题数": 59, "已完成": 49, "长期坚持": 10, "完成率": 1.0, "红灯": 0},
            {"类别": "专项治理（三项）", "问题数": 36, "已完成": 35, "长期坚持": 0, "完成率": 35 / 36, "红灯": 1},
        ]
    )
    text = rs._group_sentence(SimpleNamespace(groups=groups))  # type: ignore[arg-type]
    assert text == (
        "作风问题（四个方面）59个，已完成49个，完成率100.0%（不含长期坚持的10个）；"
        "专项治理（三项）问题36个，已完成35个，完成率97.2%。"
    )


def test_categories_tied_at_the_top_are_counted_not_one_picked() -> None:
    names = ["甲类", "乙类", "丙类", "丁类", "戊类", "己类", "工程建设领域专项治理"]
    cats = pd.DataFrame({"问题类别": names, "问题数": [5] * 7, "完成率": [1.0] * 6 + [0.8]})
    text = rs._category_sentence(SimpleNamespace(categories=cats))  # type: ignore[arg-type]
    assert text == "6类问题完成率均为100.0%，并列最高；完成率最低的是“工程建设领域专项治理”（80.0%）。"
    two = rs._category_sentence(SimpleNamespace(categories=cats.assign(完成率=[0.9, 0.9, 1.0, 0.5, 0.7, 0.8, 0.5])))  # type: ignore[arg-type]
    assert two == "完成率最高的是“丙类”（100.0%）；“丁类”、“工程建设领域专项治理”完成率均为50.0%，并列最低。"


# ---------------------------------------------------------------------------------------------
# table columns


def test_ids_dates_and_unit_names_keep_their_width_and_free_text_wraps() -> None:
    frame = pd.DataFrame(
        {
            "问题编号": ["BMZX-005", "CJB-005"],
            "填报单位": ["镇社会事务办公室", "镇城镇建设办公室"],
            "具体问题": [
                "关键岗位人员经常不在岗，群众办事“人难找、门难进”" * 2,
                "对中标人转包、违法分包问题监管不到位",
            ],
            "首次逾期": ["6月", "5月"],
            "督办次数": ["2", "7"],
            "移交纪委": ["否", "是"],
            "结果": ["已完成（8月14日）", "仍未完成"],
        }
    )
    widths = dict(zip(frame.columns, rs._column_widths(frame), strict=True))
    assert sum(widths.values()) == pytest.approx(rs.TYPE_WIDTH_MM)
    pad = 2 * rs.CELL_PAD_MM + rs.CELL_SLACK_MM
    for column, text in (("问题编号", "BMZX-005"), ("填报单位", "镇社会事务办公室"), ("结果", "已完成（8月14日）")):
        assert widths[column] >= rs._em(text) * rs.MM_PER_EM + pad - 1e-6, column
    longest = rs._em(frame["具体问题"][0]) * rs.MM_PER_EM + pad
    assert widths["具体问题"] < longest  # the description wraps ...
    assert widths["具体问题"] >= rs.FREE_MIN_EM * rs.MM_PER_EM  # ... but keeps a readable width
    for column in ("首次逾期", "督办次数", "移交纪委"):  # short headers on at most two lines
        assert rs._header_text(column, widths[column]).count("\n") <= 1


def test_a_long_header_breaks_before_its_bracket_not_inside_it() -> None:
    assert rs._header_text("提升（百分点）", 22.0) == "提升\n（百分点）"
    assert rs._header_text("提升（百分点）", 40.0) == "提升（百分点）"
    assert rs._header_text("移交纪委问题数", 18.0) == "移交纪委\n问题数"


def test_counts_are_whole_numbers_and_rates_percentages() -> None:
    frame = pd.DataFrame(
        {"问题数": [16.0, 5.0], "已完成": [11.0, float("nan")], "完成率": [0.6875, 0.8], "得分": [100.0, 61.6]}
    )
    out = rs._formatted(frame)
    assert out.to_dict("list") == {
        "问题数": ["16", "5"],
        "已完成": ["11", "—"],
        "完成率": ["68.8%", "80.0%"],
        "得分": ["100.0", "61.6"],
    }


# ---------------------------------------------------------------------------------------------
# the rendered report, reopened


@pytest.fixture(scope="module")
def year_data(tmp_path_factory: pytest.TempPathFactory) -> SummaryData:
    """The year's ``SummaryData`` of the small campaign of test_summary, as run.summary builds it."""
    ws = campaign_workspace(tmp_path_factory.mktemp("layout"))
    seen: dict[str, SummaryData] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rs, "render_summary", lambda data, folder, fonts=None: seen.setdefault("data", data) and [])
        run.summary(ws, "year", dt.date(2022, 5, 31))
    return seen["data"]


@pytest.fixture(scope="module")
def tied_report(year_data: SummaryData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The year report with the roster's three units and ten more, twelve of them at 100 %."""
    units = units_frame([1.0] * 12 + [0.75])
    data = dataclasses.replace(year_data, units=units)
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
    assert title.text == "xx镇2022年干部作风整顿\n年度工作情况报告"
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


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not (SOFFICE and shutil.which("pdftotext")), reason="LibreOffice or pdftotext is not installed")
def test_the_report_renders_numbered_with_its_title_on_two_full_lines(tied_report: Path, tmp_path: Path) -> None:
    from libreoffice import pdf_text, to_pdf

    pdf = to_pdf(tied_report, tmp_path)
    assert "—1—" in pdf_text(pdf, 1) and "—2—" in pdf_text(pdf, 2)
    layout = subprocess.run(
        ["pdftotext", "-layout", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    lines = [re.sub(r"\s+", "", line) for line in layout.stdout.splitlines() if line.strip()]
    assert lines[:2] == ["xx镇2022年干部作风整顿", "年度工作情况报告"]
