"""The leaders' reports: a Word report with chart pictures and ``汇总.xlsx`` with native charts.

The Word report follows the circular's official look (GB/T 9704-2012: A4, margins 37/35/28/26 mm,
2号 方正小标宋简体 title, 3号 仿宋_GB2312 body at a fixed 28.9 pt pitch, 黑体 / 楷体_GB2312
headings), every run with its East-Asian font name set. Charts are drawn with matplotlib (Agg)
in the first Chinese font found on the machine; where there is none, the report carries no
pictures, says why, and the figures stay in its tables. Files are written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from xlsxwriter.worksheet import Worksheet

from pipeline import textsafe
from pipeline.atomic import write_atomic
from pipeline.filenames import output_path, safe_name
from pipeline.messages import render_text
from pipeline.model import Light, MatterStatus, Month, ProblemStatus, SubmissionState, YesNo, is_missing
from pipeline.outputs.documents import change_points, cn_date, cn_date_short, page_numbers, percent, signature_indents
from pipeline.outputs.workbooks import _Formats, new_workbook, row_height, write_table
from pipeline.report import COUNT_COLUMNS
from pipeline.summary import ASSESSMENT_COLUMNS, SummaryData, summary_counts

REPORT_NAME = "{year}年{period}工作情况报告.docx"
WORKBOOK_NAME = "汇总.xlsx"
# Chinese fonts matplotlib may find, most wanted first (fonts-noto-cjk on Debian/Ubuntu).
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Serif SC",
    "SimHei",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "Noto Sans CJK JP",
)
TITLE_FONT, BODY_FONT, HEAD_FONT, SUBHEAD_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
PAGE_NO_FONT = "宋体"
TITLE_PT, BODY_PT, TABLE_PT, PITCH_PT, PAGE_NO_PT = 22.0, 16.0, 10.5, 28.9, 14.0  # 2号, 3号, 五号, 4号
TYPE_WIDTH_MM = 156.0  # the type area: 210 mm less the 28 and 26 mm margins
CHART_WIDTH_MM = 150
NAMES_MAX = 8  # a sentence names at most this many units of one group, else counts them
# 报送状态 in the reports: its mark in the month-by-month table, what the mark means, its chart colour
_STATE_SHOWN: dict[str, tuple[str, str, str]] = {
    SubmissionState.ON_TIME: ("√", "按时报送", "#70AD47"),
    SubmissionState.LATE: ("迟", "逾期报送", "#FFC000"),
    SubmissionState.RETURNED: ("退", "被退回后未再报送", "#ED7D31"),
    SubmissionState.MISSING: ("×", SubmissionState.MISSING, "#C00000"),
}
STATE_MARKS = {state: shown[0] for state, shown in _STATE_SHOWN.items()}
STATE_LEGEND = {state: shown[1] for state, shown in _STATE_SHOWN.items()}
STATE_COLOURS = {state: shown[2] for state, shown in _STATE_SHOWN.items()}
# the statuses in the trend chart, bottom up, with their colours
STATUS_COLOURS = {
    ProblemStatus.DONE: "#70AD47",
    ProblemStatus.IN_PROGRESS: "#5B9BD5",
    ProblemStatus.NOT_STARTED: "#C00000",
    ProblemStatus.LONG_TERM: "#A5A5A5",
}
CN_NUMBERS = "一二三四五六七八九十"


# ---------------------------------------------------------------------------------------------
# charts (matplotlib)


def find_cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str | None:
    """The first of ``candidates`` matplotlib knows on this machine, or None."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in candidates if name in available), None)


def draw_charts(data: SummaryData, font: str) -> dict[str, bytes]:
    """PNG pictures of the report's figures: trend, categories, units, submissions, assessment."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    charts: dict[str, bytes] = {}
    style: dict[str, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": [font],
        "axes.unicode_minus": False,
        "font.size": 10,
    }
    with plt.rc_context(style):  # type: ignore[arg-type]
        charts["trend"] = _trend_chart(plt, data)
        charts["categories"] = _category_chart(plt, data)
        charts["units"] = _unit_chart(plt, data)
        charts["submissions"] = _submission_chart(plt, data)
        if data.period == "year":
            charts["assessment"] = _assessment_chart(plt, data)
    return charts


def _png(plt: Any, fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")  # a legend outside the axes is kept
    plt.close(fig)
    return buffer.getvalue()


def _trend_chart(plt: Any, data: SummaryData) -> bytes:
    from matplotlib.ticker import MaxNLocator

    trend = data.trend
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    bottom = [0] * len(trend)
    for status, colour in STATUS_COLOURS.items():
        values = trend[status].tolist()
        ax.bar(trend["月份"], values, bottom=bottom, color=colour, label=status, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("问题数（个）")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    rate = ax.twinx()
    rates = [None if pd.isna(v) else v * 100 for v in trend["完成率"]]
    rate.plot(trend["月份"], rates, color="#C00000", marker="o", linewidth=2, label="完成率")
    for x, y in zip(trend["月份"], rates, strict=True):
        if y is not None:
            rate.annotate(f"{y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    rate.set_ylim(0, 110)
    rate.set_ylabel("完成率（%）")
    handles = ax.get_legend_handles_labels()[0] + rate.get_legend_handles_labels()[0]
    labels = [h.get_label() for h in handles]  # below the plot: the rate's labels near 100% stay clear of it
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncol=5, frameon=False)
    ax.set_ylim(0, max([*bottom, 1]) * 1.15)
    ax.set_title("逐月整改进展")
    return _png(plt, fig)


def _category_chart(plt: Any, data: SummaryData) -> bytes:
    cats = data.categories.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    rates = [0 if pd.isna(v) else v * 100 for v in cats["完成率"]]
    colours = ["#ED7D31" if special else "#5B9BD5" for special in cats["专项治理"]]
    ax.barh(cats["问题类别"], rates, color=colours)
    for y, (v, n) in enumerate(zip(rates, cats["问题数"], strict=True)):
        ax.text(v + 1, y, f"{v:.0f}%（{n}个）", va="center", fontsize=8)
    ax.set_xlim(0, 120)
    ax.set_xlabel("完成率（%）；橙色为专项治理")
    ax.set_title("分类整改完成率")
    return _png(plt, fig)


def _unit_chart(plt: Any, data: SummaryData) -> bytes:
    units = data.units.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    ys = list(range(len(units)))
    start = [0 if pd.isna(v) else v * 100 for v in units["期初完成率"]]
    end = [0 if pd.isna(v) else v * 100 for v in units["完成率"]]
    ax.barh([y + 0.2 for y in ys], start, height=0.4, color="#BDD7EE", label=f"{data.month_labels[0]}")
    ax.barh([y - 0.2 for y in ys], end, height=0.4, color="#2E75B6", label=f"{data.month_labels[-1]}")
    ax.set_yticks(ys, units["单位"].tolist())
    ax.set_xlim(0, 105)
    ax.set_xlabel("完成率（%）")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("各单位完成率：期初与期末")
    return _png(plt, fig)


def _submission_chart(plt: Any, data: SummaryData) -> bytes:
    from matplotlib.ticker import MaxNLocator

    trend = data.trend
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    bottom = [0] * len(trend)
    for state in SubmissionState.ALL:
        values = trend[state].tolist()
        ax.bar(trend["月份"], values, bottom=bottom, color=STATE_COLOURS[state], label=state, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("单位数（个）")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole-number ticks
    ax.set_ylim(0, max([*bottom, 1]) * 1.25)
    ax.legend(loc="upper left", fontsize=8, ncol=4, frameon=False)
    ax.set_title("各月报送情况")
    return _png(plt, fig)


def _assessment_chart(plt: Any, data: SummaryData) -> bytes:
    table = data.assessment.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7.2, 4.4))
    ax.barh(table["单位"], table["得分"], color="#2E75B6")
    for y, v in enumerate(table["得分"]):
        ax.text(v + 0.5, y, f"{v:.1f}", va="center", fontsize=8)
    ax.set_xlim(0, max([*table["得分"].tolist(), 1]) * 1.15)
    ax.set_xlabel("考核得分")
    ax.set_title("单位考核得分")
    return _png(plt, fig)


# ---------------------------------------------------------------------------------------------
# the Word report


def render_summary(data: SummaryData, folder: Path, fonts: Sequence[str] | None = None) -> list[Path]:
    """Write the report and ``汇总.xlsx`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    candidates = CJK_FONTS if fonts is None else tuple(fonts)
    font = find_cjk_font(candidates)
    charts = draw_charts(data, font) if font else {}
    missing = "" if font else render_text("summary-no-font", {"fonts": "、".join(candidates) or "（无）"})
    report = output_path(folder, safe_name(REPORT_NAME.format(year=data.as_of.year, period=data.period_name)))
    write_atomic(report, lambda tmp: _document(data, charts, missing).save(str(tmp)))
    workbook = output_path(folder, WORKBOOK_NAME)
    write_atomic(workbook, lambda tmp: write_workbook(data, tmp))
    return [report, workbook]


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


class _Writer:
    def __init__(self, charts: dict[str, bytes], missing: str) -> None:
        self.doc = Document()
        self.charts = charts
        self.missing = missing
        self.figures = 0
        self.tables = 0
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        _page_numbers(self.doc, section)
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(BODY_PT)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    def _paragraph(self, align: Any = None, indent: bool = False, pitch: bool = True) -> Any:
        par = self.doc.add_paragraph()
        fmt = par.paragraph_format
        if pitch:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(PITCH_PT)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(BODY_PT * 2)
        if align is not None:
            par.alignment = align
        return par

    def title(self, lines: Sequence[str], subtitle: str) -> None:
        """The title on one line when it fits the type area, else broken after each of ``lines``
        but the last (a manual line break, as GB/T 9704 titles are set), never by mere wrapping."""
        par = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER, pitch=False)
        par.paragraph_format.space_after = Pt(12)
        fits = (_em("".join(lines)) + 1) * TITLE_PT <= Mm(TYPE_WIDTH_MM).pt  # an em to spare for other fonts
        shown = ["".join(lines)] if fits else list(lines)
        for number, line in enumerate(shown, start=1):
            run = par.add_run(line)
            _font(run, TITLE_FONT, TITLE_PT)
            if number < len(shown):
                run.add_break()
        _font(self._paragraph(WD_ALIGN_PARAGRAPH.CENTER).add_run(subtitle), SUBHEAD_FONT, BODY_PT)
        self._paragraph()

    def heading(self, number: int, text: str) -> None:
        par = self._paragraph(indent=True)
        par.paragraph_format.keep_with_next = True  # never alone at the foot of a page
        _font(par.add_run(f"{CN_NUMBERS[number - 1]}、{text}"), HEAD_FONT, BODY_PT)

    def body(self, text: str) -> None:
        _font(self._paragraph(indent=True).add_run(text), BODY_FONT, BODY_PT)

    def figure(self, key: str, caption: str, table_ref: str) -> None:
        self.figures += 1
        if key in self.charts:
            par = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER, pitch=False)
            par.paragraph_format.keep_with_next = True  # with its caption
            par.add_run().add_picture(io.BytesIO(self.charts[key]), width=Mm(CHART_WIDTH_MM))
            text = f"图{self.figures}　{caption}"
        else:
            text = f"（图{self.figures}　{caption}：未绘制，数据见{table_ref}。）"
        _font(self._paragraph(WD_ALIGN_PARAGRAPH.CENTER).add_run(text), SUBHEAD_FONT, 12)

    def table(self, caption: str, frame: pd.DataFrame, legend: str = "") -> str:
        """A numbered table under its caption, counts and rates formatted (``_formatted``), the
        header repeated on every page; ``legend`` is a note set right under the table."""
        self.tables += 1
        ref = f"表{self.tables}"
        head = self._paragraph(WD_ALIGN_PARAGRAPH.CENTER)
        head.paragraph_format.keep_with_next = True
        _font(head.add_run(f"{ref}　{caption}"), HEAD_FONT, 12)
        frame = _formatted(frame)
        table = self.doc.add_table(rows=1, cols=len(frame.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_margins(table, CELL_PAD_MM)
        widths = _column_widths(frame)
        for cell, name, width in zip(table.rows[0].cells, frame.columns, widths, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(_header_text(str(name), width)), HEAD_FONT, TABLE_PT)
        for rec in frame.itertuples(index=False):
            cells = table.add_row().cells
            for cell, value in zip(cells, rec, strict=True):
                text = _cell_text(value)
                if len(text) <= 8:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, TABLE_PT)
        for index, width in enumerate(widths):
            table.columns[index].width = Mm(width)
            for row in table.rows:
                row.cells[index].width = Mm(width)
        last = len(table.rows) - 1
        for number, row in enumerate(table.rows):
            props = row._tr.get_or_add_trPr()
            props.append(_flag("w:cantSplit"))
            if number == 0:
                props.append(_flag("w:tblHeader"))  # repeated on every page
            if number <= 1 or (legend and number == last):  # caption, header and first row together;
                for cell in row.cells:  # the last row with the legend
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
        if legend:  # set like the table's text, single-spaced
            _font(self._paragraph(pitch=False).add_run(legend), BODY_FONT, TABLE_PT)
        self._paragraph()
        return ref

    def note(self, text: str) -> None:
        _font(self._paragraph(indent=True).add_run(text), SUBHEAD_FONT, 12)

    def warning(self, text: str) -> None:
        """A paragraph the reader must not miss (months missing from the figures): bold body text."""
        _font(self._paragraph(indent=True).add_run(text), BODY_FONT, BODY_PT, bold=True)

    def signature(self, office: str, day: dt.date) -> None:
        """The 发文机关署名 and 成文日期 as in the circular (GB/T 9704-2012 7.3.5.2), kept on the
        page of the text's last paragraph."""
        body = self.doc.paragraphs
        if body:
            body[-1].paragraph_format.keep_with_next = True
        self._paragraph().paragraph_format.keep_with_next = True
        date = cn_date(day)
        for text, indent in zip((office, date), signature_indents(office, date), strict=True):
            par = self._paragraph(WD_ALIGN_PARAGRAPH.RIGHT)
            par.paragraph_format.right_indent = Pt(BODY_PT * indent)
            par.paragraph_format.keep_with_next = text == office
            _font(par.add_run(text), BODY_FONT, BODY_PT)


def _document(data: SummaryData, charts: dict[str, bytes], missing: str) -> Any:
    w = _Writer(charts, missing)
    labels = data.month_labels
    span = labels[0] if len(labels) == 1 else f"{labels[0]}至{labels[-1]}"
    year, as_of = data.campaign.year, cn_date(data.figures_as_of)
    w.title(data.title_lines, f"（{year}年{span}，截至{as_of}）")
    latest, first = data.latest, data.trend.iloc[0]
    who = f"全镇{len(data.units)}个单位" if len(data.units) != 1 else str(data.units["单位"].iloc[0])
    w.body(
        f"{year}年以来，{who}按照镇党委“一月一督查、一月一通报”的要求，"
        f"扎实推进干部作风整顿。现将{span}整改工作情况报告如下。"
    )
    w.body(sources_text(data))
    if data.gaps:
        w.warning(gaps_text(data))
    if missing:
        w.note(missing)
    section = 0

    section += 1
    w.heading(section, "总体进展")
    total, lasting = int(latest["问题数"]), int(latest[ProblemStatus.LONG_TERM])
    w.body(
        f"截至{as_of}，{_listed(data)}共查摆问题{total}个"
        + (f"，其中长期坚持{lasting}个；需限期完成的{total - lasting}个中，" if lasting else "，")
        + "，".join(
            f"{status}{int(latest[status])}个"
            for status in (ProblemStatus.DONE, ProblemStatus.IN_PROGRESS, ProblemStatus.NOT_STARTED)
        )
        + "，"
        + _rate_clause(latest["完成率"], first["完成率"], first["月份"])
        + f"红灯{int(latest[Light.RED])}个，黄灯{int(latest[Light.YELLOW])}个。"
    )
    trend_table = data.trend[["月份", *COUNT_COLUMNS, "移交纪委"]]
    w.figure("trend", "逐月整改进展", f"表{w.tables + 1}")
    w.table("逐月整改进展", trend_table)

    section += 1
    w.heading(section, "分类和专项治理情况")
    w.body(_group_sentence(data) + _category_sentence(data))
    cats = data.categories.assign(专项=data.categories["专项治理"].map({True: YesNo.YES, False: ""}))
    special = cats.loc[cats["专项治理"], "问题类别"]
    named = bool(special.str.contains("专项").all())  # the names say it: no 专项 column
    w.figure("categories", "分类整改完成率", f"表{w.tables + 1}")
    w.table(
        "分类整改情况",
        cats[
            [
                "问题类别",
                *([] if named else ["专项"]),
                "牵头部门",
                *("问题数", ProblemStatus.DONE, "完成率", "期初完成率", Light.RED, "移交纪委"),
            ]
        ],
    )

    section += 1
    w.heading(section, "各单位整改情况")
    w.body(_unit_sentence(data))
    w.figure("units", "各单位完成率：期初与期末", f"表{w.tables + 1}")
    units = data.units[
        [
            *("排名", "单位", "问题数", ProblemStatus.DONE, "完成率", "期初完成率", "提升", Light.RED),
            *("逾期督办次数", "移交纪委问题数"),
        ]
    ]
    w.table("各单位整改情况（按完成率排名）", units.rename(columns={"提升": "提升（百分点）"}))

    section += 1
    w.heading(section, "逾期督办和移交纪委问题")
    w.body(_overdue_sentence(data))
    if len(data.overdue):
        table = data.overdue[["问题编号", "填报单位", "具体问题", "首次逾期", "督办次数", "移交纪委", "结果"]]
        w.table("逾期督办问题及整改结果", table)

    if data.matters is not None:
        section += 1
        w.heading(section, "领导批示和交办事项落实情况")
        w.body(_matter_sentence(data))
        w.table("交办事项办理情况", _matter_table(data))

    section += 1
    w.heading(section, "报送情况")
    total = len(data.units) * len(data.months)
    sums = {s: int(data.trend[s].sum()) for s in SubmissionState.ALL}
    w.body(
        f"{span}各单位应报送{total}单位次，按时{sums[SubmissionState.ON_TIME]}次，逾期{sums[SubmissionState.LATE]}次，"
        f"退回后未再报送{sums[SubmissionState.RETURNED]}次，未报送{sums[SubmissionState.MISSING]}次。"
        + _submission_sentence(data)
    )
    w.figure("submissions", "各月报送情况", f"表{w.tables + 1}")
    subs = data.submissions.copy()
    for label in labels:
        subs[label] = subs[label].map(STATE_MARKS)
    legend = "；".join(f"{STATE_MARKS[s]} {STATE_LEGEND[s]}" for s in SubmissionState.ALL)
    w.table("各单位逐月报送情况", subs[["单位", *labels, "按时次数", "退回文件数"]], legend=f"注：{legend}。")

    if data.period == "year":
        section += 1
        w.heading(section, "工作总结报送情况")
        w.body(_work_summary_sentence(data))
        ws = data.work_summaries.assign(
            接收时间=["" if is_missing(v) else cn_date(v) for v in data.work_summaries["接收时间"]]
        )
        w.table(f"工作总结报送情况（应于{cn_date(data.campaign.summary_due)}前报送）", ws)

        section += 1
        w.heading(section, "单位考核")
        tops = data.assessment[data.assessment["排名"] == 1]
        first = f"得分最高的是{'、'.join(tops['单位'])}（{tops['得分'].iloc[0]:.1f}分{'，并列第一' if len(tops) > 1 else ''}）"
        counted = "按时报送、整改完成、逾期督办、移交纪委、退回修改" + ("和工作总结报送" if _summary_due(data) else "")
        w.body(
            f"按照“纳入{year}年度重点工作考核内容，严格考核、逗硬奖惩”的要求，根据{counted}情况对各单位计分，{first}。"
        )
        w.figure("assessment", "单位考核得分", f"表{w.tables + 1}")
        w.table("单位考核得分排名", data.assessment[list(ASSESSMENT_COLUMNS)], legend=_formula_note(data))

    section += 1
    w.heading(section, "下一步工作")
    w.body(_next_steps(data))
    w.signature(data.campaign.office, data.as_of)
    return w.doc


def sources_text(data: SummaryData) -> str:
    """The months the report is made from: ``本报告依据2022年3月、4月、5月的月度汇总数据编制（共3个月）。``"""
    n = len(data.months)
    return f"本报告依据{data.months_text}的月度汇总数据编制" + (f"（共{n}个月）。" if n > 1 else "。")


def gaps_text(data: SummaryData) -> str:
    """The warning for months of the period never run (empty when there are none)."""
    if not data.gaps:
        return ""
    end = ""
    if data.months and data.last and data.months[-1] < data.last:
        end = (
            f"本报告的期末数字为{Month.parse(data.months[-1]).label}月度汇总时（截至{cn_date(data.figures_as_of)}）的情况，"
            f"不是{Month.parse(data.last).label}的情况。"
        )
    return render_text("summary-gaps", {"gaps": data.gap_text, "end": end})


def _listed(data: SummaryData) -> str:
    """``全镇`` or, when some units listed no problem, ``全镇6个单位中有4个单位`` (a one-unit roster: its name)."""
    units = data.units
    if len(units) == 1:
        return str(units["单位"].iloc[0])
    listed = int((units["问题数"].fillna(0).astype(int) > 0).sum())
    return "全镇" if listed == len(units) or listed == 0 else f"全镇{len(units)}个单位中有{listed}个单位"


def _next_steps(data: SummaryData) -> str:
    """下一步工作: only the steps the period's figures call for (no 纪委 step when nothing was sent there)."""
    latest = data.latest
    open_items = sum(int(latest[status]) for status in ProblemStatus.OPEN)
    steps = []
    if open_items:
        steps.append(f"对仍未完成的{open_items}个问题继续实行挂账督办、逐项销号")
    if len(data.escalated):
        steps.append("对移交镇纪委的问题，配合镇纪委督查问效")
    if int(latest[ProblemStatus.LONG_TERM]):
        steps.append("对长期坚持的问题建立长效机制")
    steps.append("适时开展“回头看”，巩固整改成果，防止问题反弹")
    return "；".join(steps) + "。"


def _flag(tag: str) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    return element


def _cell_text(value: object) -> str:
    if is_missing(value):
        return ""
    return textsafe.xml_text(str(value))


def _page_numbers(doc: Any, section: Any) -> None:
    """Page numbers as the circular's template sets them (``documents.page_numbers``), in 4号 宋体."""
    section.footer_distance = Mm(22)  # the number sits about 7 mm below the type area
    page_numbers(doc, section, lambda run: _font(run, PAGE_NO_FONT, PAGE_NO_PT))
    for footer in (section.footer, section.even_page_footer):
        fmt = footer.paragraphs[0].paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)


def _cell_margins(table: Any, mm: float) -> None:
    """Left and right padding of every cell (``w:tblCellMar``; python-docx has no setter). Word's
    1.9 mm leaves too little room for ten columns of figures."""
    from docx.oxml import OxmlElement

    margins = OxmlElement("w:tblCellMar")
    for side in ("w:left", "w:right"):
        edge = OxmlElement(side)
        edge.set(qn("w:w"), str(round(Mm(mm).twips)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


MM_PER_EM = TABLE_PT * 25.4 / 72  # one Chinese character of table text
CELL_PAD_MM = 1.0  # a table cell's left and right padding, each
CELL_SLACK_MM = 0.8  # room for rounding and kerning, so a text that should just fit does
ATOM_EM = 12.0  # a cell text up to this wide (an ID, a date, a unit's name) is kept on one line
FREE_MIN_EM = 7.0  # a longer text may wrap down to this width
_BREAKS = re.compile(r"(?<=[、，；,;])|\s+")


def _em(text: str) -> float:
    """Width of one line of ``text`` in ems: Chinese characters one, digits and lower-case letters
    a little over half, capitals and % about three quarters (the Noto / 仿宋 metrics), and the
    quarter em Word and LibreOffice put between Chinese and Western characters (autospace)."""
    wide = [textsafe.display_len(c) == 2 for c in text]
    glyphs = sum(1.0 if w else 0.75 if c.isupper() or c in "%@&" else 0.56 for c, w in zip(text, wide, strict=True))
    spaces = sum(
        1
        for (a, wa), (b, wb) in itertools.pairwise(zip(text, wide, strict=True))
        if wa != wb and (a if wb else b).isalnum()
    )
    return glyphs + 0.25 * spaces


def _text_em(text: str) -> float:
    return max((_em(line) for line in text.split("\n")), default=0.0)


def _atom_em(text: str) -> float:
    """The narrowest width ``text`` can take without breaking what must stay whole: all of it
    when it is short, else its longest piece between 、，； and spaces, at most ``FREE_MIN_EM``."""
    whole = _text_em(text)
    if whole <= ATOM_EM:
        return whole
    return min(FREE_MIN_EM, max(_em(piece) for piece in _BREAKS.split(text.replace("\n", " "))))


def _header_lines(name: str) -> list[str]:
    """A header on two lines: before its （…） and the bracket, or else halved."""
    cut = name.find("（")
    if cut <= 0:
        cut = (len(name) + 1) // 2
    return [name[:cut], name[cut:]]


def _header_text(name: str, width_mm: float) -> str:
    """The header as set in a column ``width_mm`` wide: one line when it fits, else its two
    ``_header_lines`` (Word would fill the first line and leave one character on the next)."""
    room = (width_mm - 2 * CELL_PAD_MM - CELL_SLACK_MM) / MM_PER_EM + 1e-9
    lines = _header_lines(name)
    if _em(name) <= room or len(name) <= 2 or max(_em(line) for line in lines) > room:
        return name
    return "\n".join(lines)


def _column_widths(frame: pd.DataFrame, total_mm: float = TYPE_WIDTH_MM) -> list[float]:
    """Column widths in mm that add up to ``total_mm``.

    Each column needs room for its IDs, dates and names whole (``_atom_em``) and its header on two
    lines at most, and wants room for its longest text and its header on one line. Every column
    gets what it needs; the space left raises the narrowest columns first, up to what each wants,
    so short headers go on one line before long free text (a problem's description, a file name)
    gets wider. When even the needs do not fit, the widest columns give way."""
    pad = 2 * CELL_PAD_MM + CELL_SLACK_MM
    need, want = [], []
    for column in frame.columns:
        cells = [_cell_text(v) for v in frame[column]]
        header = str(column)
        head_need = max(_em(line) for line in _header_lines(header)) if len(header) > 2 else _em(header)
        need.append(max([_atom_em(c) for c in cells] + [head_need, 1.0]) * MM_PER_EM + pad)
        want.append(max([_text_em(c) for c in cells] + [_em(header), 1.0]) * MM_PER_EM + pad)
    if sum(want) <= total_mm:
        return [w * total_mm / sum(want) for w in want]
    if sum(need) <= total_mm:
        return _fill(need, want, total_mm)
    return _fill([0.0] * len(need), need, total_mm)


def _fill(floor: Sequence[float], cap: Sequence[float], total: float) -> list[float]:
    """``min(cap, max(floor, level))`` per column, the level chosen so the widths add up to
    ``total`` (given ``sum(floor) <= total <= sum(cap)``): water poured into columns of these
    floors and ceilings."""
    low, high = 0.0, max(cap)
    for _ in range(50):
        level = (low + high) / 2
        if sum(min(c, max(f, level)) for f, c in zip(floor, cap, strict=True)) > total:
            high = level
        else:
            low = level
    return [min(c, max(f, high)) for f, c in zip(floor, cap, strict=True)]


def _formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """The texts of a table: rates as percentages, 提升 in points, 得分 with one decimal, every
    other number a whole count (a count column holding a gap is float in pandas)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if "完成率" in str(column) or column == "按时报送率":
            out[column] = [percent(v) for v in values]
        elif str(column).startswith("提升"):
            out[column] = [change_points(v) for v in values]
        elif column == "得分":
            out[column] = [f"{v:.1f}" for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = ["—" if pd.isna(v) else str(round(v)) for v in values]
    return out


def _names(frame: pd.DataFrame, column: str = "单位") -> str:
    return "、".join(str(v) for v in frame[column])


def _category_sentence(data: SummaryData) -> str:
    """The categories with the highest and the lowest completion rate, ties named together."""
    cats = data.categories[data.categories["问题数"] > 0].dropna(subset=["完成率"])
    cats = cats.sort_values("完成率", ascending=False, kind="stable")
    rates = [percent(v) for v in cats["完成率"]]
    groups = _tied_groups([c if "“" in c else f"“{c}”" for c in cats["问题类别"]], rates)  # “办事难” once
    if len(groups) < 2:
        return f"各类问题完成率均为{rates[0]}。" if len(cats) > 1 else ""

    def ends(names: list[str], rate: str, word: str) -> str:
        if len(names) == 1:
            return f"完成率{word}的是{names[0]}（{rate}）"
        who = "、".join(names) if len(names) <= 3 else f"{len(names)}类问题"
        return f"{who}完成率均为{rate}，并列{word}"

    return f"{ends(groups[0][1], groups[0][2], '最高')}；{ends(groups[-1][1], groups[-1][2], '最低')}。"


def _rate_clause(rate: float, first_rate: float, first_month: str) -> str:
    """``完成率98.8%（3月为7.3%）；`` — without a rate where nothing is to be completed."""
    if pd.isna(rate):
        return ""
    since = "" if pd.isna(first_rate) else f"（{first_month}为{percent(first_rate)}）"
    return f"完成率{percent(rate)}{since}；"


def _group_sentence(data: SummaryData) -> str:
    """作风问题 and 专项治理: counts and the completion rate, saying what the rate leaves out."""
    parts = []
    for g in data.groups.to_dict("records"):
        if not int(g["问题数"]):
            continue  # no such problem this period: nothing to say of its rate
        name = g["类别"] if "问题" in g["类别"] else f"{g['类别']}问题"
        lasting = int(g[ProblemStatus.LONG_TERM])
        if lasting == int(g["问题数"]):
            parts.append(f"{name}{lasting}个，均为长期坚持事项")
            continue
        parts.append(
            f"{name}{int(g['问题数'])}个，已完成{int(g[ProblemStatus.DONE])}个，完成率{percent(g['完成率'])}"
            + (f"（不含长期坚持的{lasting}个）" if lasting else "")
        )
    return "；".join(parts) + "。" if parts else ""


ORDINALS = {1: "一", 2: "两", 3: "三"}


def _tied_groups(
    names: Sequence[str], shown: Sequence[str], keys: Sequence[object] | None = None
) -> list[tuple[int, list[str], str]]:
    """Runs of equal ``keys`` (default: the ``shown`` values; ranked best first) as (competition
    rank, names, shown value)."""
    groups: list[tuple[int, list[str], str]] = []
    keys = list(shown) if keys is None else list(keys)
    for position, (name, value, key) in enumerate(zip(names, shown, keys, strict=True), start=1):
        if groups and keys[position - 2] == key:
            groups[-1][1].append(name)
        else:
            groups.append((position, [name], value))
    return groups


def _ends(
    groups: list[tuple[int, list[str], str]], n: int
) -> tuple[list[tuple[int, list[str], str]], list[tuple[int, list[str], str]]]:
    """The tied groups named as the first places and as the last ``n``: whole groups (so 并列
    units are all named). The first group is always the top's; a later group reaching into the
    last ``n`` places is the bottom's, never the top's, so no unit is named at both ends."""
    count = sum(len(g[1]) for g in groups)
    top, bottom = groups[:1], []
    for group in groups[1:]:
        rank, names, _value = group
        if rank + len(names) - 1 > count - n:
            bottom.append(group)
        elif rank <= n:
            top.append(group)
    return top, bottom


def _group_text(names: list[str], value: str, alone: str, tied: str) -> str:
    """``甲村（alone）``, ``甲村、乙村（tied）`` or, for more than ``NAMES_MAX``, ``12个单位（tied）``."""
    if len(names) == 1:
        return f"{names[0]}（{alone.format(value)}）"
    return f"{_who(names)}（{tied.format(value)}）"


def _who(names: list[str]) -> str:
    return "、".join(names) if len(names) <= NAMES_MAX else f"{len(names)}个单位"


def _places(groups: list[tuple[int, list[str], str]], tied: str = "均为{}") -> str:
    """Groups as ``甲村（100.0%）、乙村、丙村（并列第二，均为90.0%）``; ``{rank}`` in ``tied`` is the place."""
    return "、".join(
        _group_text(names, value, "{}", tied.replace("{rank}", _ordinal(rank))) for rank, names, value in groups
    )


def _ordinal(rank: int) -> str:
    return CN_NUMBERS[rank - 1] if rank <= len(CN_NUMBERS) else str(rank)


def _unit_sentence(data: SummaryData) -> str:
    """The first and last places by completion rate (as the table ranks them: the rate, then fewer
    red lights) and by gain since the start; tied units named together (并列), counted instead of
    named when there are many, and no unit named at both ends."""
    rated = data.units.dropna(subset=["完成率"])
    roster = {u.name: i for i, u in enumerate(getattr(getattr(data, "campaign", None), "units", ()))}
    unrated = sorted(  # in roster order, as the circular names them
        (str(n) for n in data.units.loc[data.units["完成率"].isna(), "单位"]), key=lambda n: roster.get(n, len(roster))
    )
    parts = []
    if len(rated) == 0:
        parts.append(f"{unrated[0]}暂无需限期完成的问题。" if len(unrated) == 1 else "各单位均无需限期完成的问题。")
    elif len(rated) == 1:
        parts.append(f"{rated['单位'].iloc[0]}期末完成率{percent(rated['完成率'].iloc[0])}。")
    else:
        groups = _tied_groups(list(rated["单位"]), [percent(v) for v in rated["完成率"]], list(rated["排名"]))
        n = 3 if len(rated) >= 6 else max(1, len(rated) // 2)
        if len(groups) == 1:
            parts.append(f"{len(rated)}个单位期末完成率均为{groups[0][2]}。")
        else:
            top, bottom = _ends(groups, n)
            k = sum(len(g[1]) for g in top)
            if len(top) == 1 and k > 1:
                text = f"{_who(top[0][1])}期末完成率均为{top[0][2]}，并列第一"
            elif k == 1:
                text = f"按期末完成率排名，排名第一的是{_places(top)}"
            else:  # the places the named groups take, ties included: 前三名 may name four units
                places = top[-1][0]
                lead = f"前{ORDINALS[places]}名为" if places in ORDINALS else "排在前列的是"
                text = f"按期末完成率排名，{lead}{_places(top, '并列第{rank}，均为{}')}"
            if bottom:
                places = len(rated) - bottom[0][0] + 1
                if len(bottom) == 1:
                    text += f"；排名最后的是{_places(bottom)}"
                else:
                    lead = f"后{ORDINALS[places]}名为" if places in ORDINALS else "排名靠后的是"
                    text += f"；{lead}{_places(bottom)}"
            same = rated["完成率"].eq(rated["完成率"].shift()) & rated["排名"].ne(rated["排名"].shift())
            if same.any():  # equal rates in different places: say why, as the table's order does
                text += "（完成率相同的，红灯问题少的排名在前）"
            parts.append(text + "。")
    if len(rated) and unrated:
        parts.append(f"{_who(unrated)}暂无需限期完成的问题，不参加排名。")
    improved = data.improved
    if len(improved) >= 2:
        parts.append(_progress_sentence(improved))
    return "".join(parts)


def _progress_sentence(improved: pd.DataFrame) -> str:
    """The units that rose most and those that rose least or fell, a rise never named among the
    falls (nor a fall among the rises): 进步最大的是… ；进步最小的是… / 没有进步的是… / 下降最多的是…"""
    gains = [_points(v) for v in improved["提升"]]
    groups = _tied_groups(list(improved["单位"]), gains)
    if len(groups) == 1:
        return f"与期初相比，{len(improved)}个单位完成率均{gains[0]}。"
    n = 3 if len(improved) >= 6 else max(1, len(improved) // 2)
    sign = {shown: (round(v, 1) > 0) - (round(v, 1) < 0) for shown, v in zip(gains, improved["提升"], strict=True)}
    rises = [g for g in groups if sign[g[2]] > 0]
    level = [g for g in groups if sign[g[2]] == 0]
    falls = [g for g in groups if sign[g[2]] < 0]

    def named(chosen: list[tuple[int, list[str], str]]) -> str:
        return "、".join(_group_text(names, shown, "{}", "均{}") for _rank, names, shown in chosen)

    if rises:
        top, bottom = _ends(rises, n) if len(rises) > 1 else (rises, [])
        text = f"与期初相比，进步最大的是{named(top)}"
        if falls:
            text += f"；下降最多的是{named(_worst(falls, n)[::-1])}"
        elif level:
            text += f"；没有进步的是{named(level)}"
        elif bottom:
            text += f"；进步最小的是{named(bottom[::-1])}"
    else:
        text = "与期初相比，各单位完成率均未提升" + (f"，{named(level)}" if level else "")
        text += f"；下降最多的是{named(_worst(falls, n)[::-1])}"
    return text + "。"


def _worst(groups: list[tuple[int, list[str], str]], n: int) -> list[tuple[int, list[str], str]]:
    """The groups in the last ``n`` places of ``groups`` (at least the last group)."""
    if len(groups) == 1:
        return groups
    return _ends(groups, n)[1] or groups[-1:]


def _points(value: float) -> str:
    """A change of completion rate in words: ``提升87.5个百分点``, ``下降5.0个百分点``, ``持平``."""
    if round(value, 1) == 0:
        return "持平"
    return f"{'提升' if value > 0 else '下降'}{abs(value):.1f}个百分点"


def _overdue_sentence(data: SummaryData) -> str:
    overdue, escalated = data.overdue, data.escalated
    if overdue.empty:
        return "本期没有问题亮红灯。"
    done = overdue["结果"].str.startswith(ProblemStatus.DONE)  # 已完成（5月20日）
    text = (
        f"本期共有{len(overdue)}个问题在月度督查中亮红灯，累计督办{int(overdue['督办次数'].sum())}次；"
        f"截至{cn_date(data.figures_as_of)}，已完成{int(done.sum())}个，仍未完成{int((~done).sum())}个。"
    )
    if len(escalated):
        esc_done = escalated["结果"].str.startswith(ProblemStatus.DONE)
        still = escalated.loc[~esc_done, "问题编号"].tolist()
        text += (
            f"经{data.campaign.escalate_after}次督办仍未落实、移交镇纪委的问题{len(escalated)}个，"
            f"其中已完成{int(esc_done.sum())}个"
            + (f"，仍未完成{len(still)}个（{'、'.join(still)}）。" if still else "，已全部整改到位。")
        )
    else:
        text += "没有问题移交镇纪委。"
    return text


MATTER_TABLE_COLUMNS: tuple[str, ...] = ("编号", "事项内容", "承办单位", "办理时限", "办结日期", "督办次数", "移交纪委")


def _matter_sentence(data: SummaryData) -> str:
    """The assigned matters at the end of the period: done (late), open, red, escalated."""
    assert data.matters is not None
    items, pairs = data.matters.items, data.matters.pairs
    status = items["办理状态"]
    total, done = len(items), int((status == MatterStatus.DONE).sum())
    late = data.matters.finished_late
    open_parts = [
        f"{label}{n}件"
        for label in (MatterStatus.IN_PROGRESS, MatterStatus.NOT_STARTED)
        if (n := int((status == label).sum()))
    ]
    text = (
        f"截至{cn_date(data.figures_as_of)}，主要领导批示、交办事项共{total}件，"
        f"涉及{pairs['单位编码'].nunique()}个承办单位；已办结{done}件，办结率{percent(done / total if total else 1.0)}"
        + (f"（其中{late}件超过办理时限后办结）" if late else "")
        + ("，" + "，".join(open_parts) if open_parts else "")
        + "。"
    )
    red = int((items["灯色"] == Light.RED).sum())
    text += f"目前超过办理时限仍未办结的{red}件，继续挂账督办。" if red else "目前无超过办理时限仍未办结的交办事项。"
    ever = _matters_escalated(data)
    if ever:
        still = set(data.matters.escalated["编号"])
        parts = [f"{iid}（{'仍未办结' if iid in still else '现已办结'}）" for iid in ever]
        text += (
            f"经{data.campaign.escalate_after}次及以上督办仍未落实、移交镇纪委督查问效的{len(ever)}件："
            + "、".join(parts)
            + "。"
        )
    return text


def _matters_escalated(data: SummaryData) -> list[str]:
    """The matters that reached the discipline commission in the period (督办次数 never decreases)."""
    assert data.matters is not None
    pairs = data.matters.pairs
    reached = pairs[pairs["督办次数"].fillna(0).astype(int) >= data.campaign.escalate_after]
    return list(dict.fromkeys(sorted(reached["编号"])))


def _matter_table(data: SummaryData) -> pd.DataFrame:
    assert data.matters is not None
    items = data.matters.items
    table = items[[c for c in MATTER_TABLE_COLUMNS if c in items.columns]].copy()
    year = data.as_of.year
    for column in ("办理时限", "办结日期"):
        table[column] = [cn_date_short(v, year) if isinstance(v, dt.date) else "" for v in table[column]]
    table["督办次数"] = [str(int(v)) if pd.notna(v) else "0" for v in table["督办次数"]]
    ever = set(_matters_escalated(data))
    table["移交纪委"] = [
        (YesNo.YES if now == YesNo.YES else "曾移交") if iid in ever else YesNo.NO
        for iid, now in zip(table["编号"], table["移交纪委"], strict=True)
    ]
    return table


def _submission_sentence(data: SummaryData) -> str:
    """Who sent on time every month, and every unit that was late, returned or silent at least
    once (most missed months first), named up to ``NAMES_MAX`` and then counted (``等N个单位``)."""
    subs = data.submissions
    perfect = subs[subs["按时次数"] == len(data.months)]
    missed = subs["未报送次数"] + subs["退回次数"]
    lagging = subs.assign(_missed=missed)[(missed + subs["逾期次数"]) > 0].sort_values(
        ["_missed", "逾期次数"], ascending=[False, False], kind="stable"
    )
    parts = []
    if len(perfect):
        parts.append(f"每月均按时报送的有{_some_names(list(perfect['单位']))}")
    if len(lagging):
        parts.append(f"有逾期、退回或未报送情况的有{_some_names(list(lagging['单位']))}")
    return "；".join(parts) + "。" if parts else ""


def _some_names(names: list[str]) -> str:
    """``甲村、乙村`` or, past ``NAMES_MAX``, ``甲村、乙村……等12个单位``."""
    if len(names) <= NAMES_MAX:
        return "、".join(names)
    return "、".join(names[:NAMES_MAX]) + f"等{len(names)}个单位"


def _work_summary_sentence(data: SummaryData) -> str:
    ws = data.work_summaries
    on_time, late, missing = (
        ws[ws["报送状态"] == s] for s in (SubmissionState.ON_TIME, SubmissionState.LATE, SubmissionState.MISSING)
    )
    due = cn_date(data.campaign.summary_due)
    if data.as_of < data.campaign.summary_due and on_time.empty and late.empty:
        return f"工作总结报送截止日期为{due}，目前尚未收到。"
    text = f"工作总结应于{due}前报送。按时报送{len(on_time)}个单位"
    if len(late):
        text += f"；逾期报送{len(late)}个：{_names(late)}"
    if len(missing):
        text += f"；未报送{len(missing)}个：{_names(missing)}"
    return text + "。"


def _summary_due(data: SummaryData) -> bool:
    """Whether the work summary counts in the assessment (``summary.summary_counts``)."""
    return summary_counts(data.period, data.as_of, data.campaign)


def _formula_note(data: SummaryData) -> str:
    w = data.weights
    summary = (
        f" − 工作总结扣分（逾期报送扣 {w.summary_late:g} 分，未报送扣 {w.summary_missing:g} 分）"
        if _summary_due(data)
        else ""
    )
    return (
        f"说明：得分 = 按时报送率 × {w.on_time:g} + 期末完成率 × {w.completion:g} − 逾期督办次数 × {w.overdue:g}"
        f" − 移交纪委问题数 × {w.escalated:g} − 退回文件数 × {w.returned:g}{summary}，最低 0 分。"
        f"按时报送率为{len(data.months)}个月中按时报送的月数占比；期末完成率为已完成 ÷（问题数 − 长期坚持），"
        "没有需完成问题的按 100% 计；逾期督办次数为各问题亮红灯的月数之和。"
        + ("" if _summary_due(data) else f"工作总结于{cn_date(data.campaign.summary_due)}截止报送，截止日之后计分。")
    )


# ---------------------------------------------------------------------------------------------
# 汇总.xlsx (native charts)


def write_workbook(data: SummaryData, path: Path) -> Path:
    wb = new_workbook(path)
    fmt = _Formats(wb)
    one_decimal = wb.add_format(
        {"font_name": "宋体", "font_size": 10, "border": 1, "align": "center", "num_format": "0.0"}
    )
    labels = data.month_labels
    _write_sources(wb, data)

    trend = write_table(wb, fmt, "逐月趋势", data.trend, list(data.trend.columns))
    n = len(data.trend)
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for status, colour in STATUS_COLOURS.items():
        col = list(data.trend.columns).index(status)
        chart.add_series(_series("逐月趋势", col, n, colour))
    line = wb.add_chart({"type": "line"})
    rate_col = list(data.trend.columns).index("完成率")
    line.add_series({**_series("逐月趋势", rate_col, n, "#C00000"), "y2_axis": True, "marker": {"type": "circle"}})
    chart.combine(line)
    chart.set_title({"name": "逐月整改进展"})
    chart.set_y_axis({"name": "问题数"})
    line.set_y2_axis({"name": "完成率", "num_format": "0%", "min": 0, "max": 1})
    chart.set_size({"width": 720, "height": 360})
    trend.insert_chart(n + 3, 0, chart)

    subs_chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for state in SubmissionState.ALL:
        subs_chart.add_series(_series("逐月趋势", list(data.trend.columns).index(state), n, STATE_COLOURS[state]))
    subs_chart.set_title({"name": "各月报送情况（单位数）"})
    subs_chart.set_size({"width": 720, "height": 320})
    trend.insert_chart(n + 23, 0, subs_chart)

    cats = data.categories
    cat_sheet = write_table(wb, fmt, "分类统计", cats, list(cats.columns))
    _percent_columns(cat_sheet, cats, fmt)
    bar = wb.add_chart({"type": "bar"})
    bar.add_series(_series("分类统计", list(cats.columns).index("完成率"), len(cats), "#5B9BD5"))
    bar.set_title({"name": "分类整改完成率"})
    bar.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
    bar.set_legend({"none": True})
    bar.set_size({"width": 720, "height": 360})
    cat_sheet.insert_chart(len(cats) + 3, 0, bar)

    units = data.units.drop(columns="单位编码")
    unit_sheet = write_table(wb, fmt, "单位情况", units, list(units.columns))
    _percent_columns(unit_sheet, units, fmt)
    unit_chart = wb.add_chart({"type": "bar"})
    name_col = list(units.columns).index("单位")
    for column, colour in (("期初完成率", "#BDD7EE"), ("完成率", "#2E75B6")):
        unit_chart.add_series(_series("单位情况", list(units.columns).index(column), len(units), colour, name_col))
    unit_chart.set_title({"name": "各单位完成率：期初与期末"})
    unit_chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
    unit_chart.set_size({"width": 720, "height": 480})
    unit_sheet.insert_chart(len(units) + 3, 0, unit_chart)

    rates = write_table(wb, fmt, "单位逐月完成率", data.unit_rates, list(data.unit_rates.columns))
    _percent_columns(rates, data.unit_rates, fmt, labels)

    write_table(wb, fmt, "逾期督办", data.overdue, list(data.overdue.columns))
    write_table(wb, fmt, "报送情况", data.submissions, list(data.submissions.columns))

    assessment = data.assessment.drop(columns="单位编码")
    score_sheet = write_table(wb, fmt, "单位考核", assessment, list(assessment.columns))
    _percent_columns(score_sheet, assessment, fmt)
    score_col = list(assessment.columns).index("得分")
    for r, value in enumerate(assessment["得分"], start=1):
        score_sheet.write_number(r, score_col, float(value), one_decimal)
    score_chart = wb.add_chart({"type": "bar"})
    score_chart.add_series(
        _series("单位考核", score_col, len(assessment), "#2E75B6", list(assessment.columns).index("单位"))
    )
    score_chart.set_title({"name": "单位考核得分"})
    score_chart.set_legend({"none": True})
    score_chart.set_y_axis({"reverse": True})
    score_chart.set_size({"width": 720, "height": 480})
    score_sheet.insert_chart(len(assessment) + 3, 0, score_chart)
    score_sheet.write_string(len(assessment) + 2, 0, _formula_note(data))

    write_table(wb, fmt, "工作总结", data.work_summaries, list(data.work_summaries.columns))
    if data.matters is not None:
        items = data.matters.items
        write_table(wb, fmt, "交办事项", items, list(items.columns))
    wb.close()
    return path


SOURCES_SHEET = "编制说明"


def _write_sources(wb: Any, data: SummaryData) -> Worksheet:
    """The workbook's first sheet: what the report is, as of when, the months its figures come
    from, and a warning naming the months never run."""
    ws = wb.add_worksheet(SOURCES_SHEET)
    label = wb.add_format({"font_name": "宋体", "font_size": 11, "bold": True, "valign": "top", "border": 1})
    text = wb.add_format({"font_name": "宋体", "font_size": 11, "text_wrap": True, "valign": "top", "border": 1})
    alert = wb.add_format(
        {"font_name": "宋体", "font_size": 11, "bold": True, "font_color": "#C00000", "text_wrap": True, "border": 1}
    )
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90)
    rows: list[tuple[str, str, Any]] = [
        ("报告", data.title, text),
        ("统计截止日期", cn_date(data.as_of), text),
        ("数据来源", sources_text(data), text),
        (
            "各月统计截止日",
            "、".join(f"{m}：{cn_date(d)}" for m, d in zip(data.month_labels, data.month_dates, strict=False)),
            text,
        ),
    ]
    if data.gaps:
        rows.append(("注意", gaps_text(data), alert))
    for r, (name, value, style) in enumerate(rows):
        ws.write_string(r, 0, name, label)
        ws.write_string(r, 1, textsafe.cell_text(value), style)
        ws.set_row(r, row_height([value], [90]))
    return ws


def _series(sheet: str, col: int, rows: int, colour: str, category_col: int = 0) -> dict[str, Any]:
    return {
        "name": [sheet, 0, col],
        "categories": [sheet, 1, category_col, rows, category_col],
        "values": [sheet, 1, col, rows, col],
        "fill": {"color": colour},
        "line": {"color": colour},
    }


def _percent_columns(ws: Worksheet, frame: pd.DataFrame, fmt: _Formats, extra: Sequence[str] = ()) -> None:
    """Rates as percentages (write_table formats only the column named 完成率)."""
    for c, column in enumerate(frame.columns):
        if column in ("期初完成率", "按时报送率", *extra):
            for r, value in enumerate(frame[column], start=1):
                if pd.notna(value):
                    ws.write_number(r, c, float(value), fmt.percent)
        elif column == "提升":
            for r, value in enumerate(frame[column], start=1):
                if pd.notna(value):
                    ws.write_number(r, c, float(value), fmt.delta)
