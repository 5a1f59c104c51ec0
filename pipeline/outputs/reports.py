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

from pipeline import narrative, textsafe
from pipeline.atomic import write_atomic
from pipeline.filenames import output_path, safe_name
from pipeline.messages import render_text
from pipeline.model import Light, ProblemStatus, RatingLevel, RatingReason, SubmissionState, YesNo, is_missing
from pipeline.narrative import DASH, change_points, cn_date, cn_date_short, percent
from pipeline.outputs.documents import page_numbers, signature_indents
from pipeline.outputs.workbooks import _column_layout, _Formats, new_workbook, row_height, write_table
from pipeline.report import COUNT_COLUMNS
from pipeline.summary import ASSESSMENT_COLUMNS, FORMALITY_ITEMS, RATING_WHOLE, SummaryData

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


# ---------------------------------------------------------------------------------------------
# charts (matplotlib)


def find_cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str | None:
    """The first of ``candidates`` matplotlib knows on this machine, or None.

    matplotlib lists the machine's fonts once and keeps the list in its cache; fonts installed
    after that (as the 未绘制 note tells the office to do) are not in it. So when no candidate is
    known, the font files the cache has not seen are added for this run before giving up."""
    from matplotlib import font_manager

    manager = font_manager.fontManager

    def known() -> str | None:
        available = {f.name for f in manager.ttflist}
        return next((name for name in candidates if name in available), None)

    if (found := known()) is not None:
        return found
    seen = {f.fname for f in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in seen:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a font file FreeType cannot open
                continue
    return known()


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
        if data.rating is not None:
            charts["rating"] = _rating_chart(plt, data)
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


RATING_CAPTION = "各部门办事效率评议满意率"
RATING_LINE_COLOURS = ("#2E75B6", "#ED7D31", "#70AD47", "#7030A0", "#FFC000", "#5B9BD5", "#A5A5A5", "#264478")


def _rating_chart(plt: Any, data: SummaryData) -> bytes:
    """Each department's 满意率 per rating period (a line each), the threshold dashed."""
    assert data.rating is not None
    r = data.rating
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    labels = list(r.labels)
    for n, (_, row) in enumerate(r.departments.iterrows()):
        values = [None if pd.isna(row[label]) else float(row[label]) * 100 for label in labels]
        colour = RATING_LINE_COLOURS[n % len(RATING_LINE_COLOURS)]
        ax.plot(labels, values, color=colour, marker="o", linewidth=2, label=str(row["部门"]))
    ax.axhline(r.threshold, color="#C00000", linestyle="--", linewidth=1, label=f"通报线{r.threshold:g}%")
    ax.set_ylim(0, 110)
    ax.set_ylabel("满意率（%）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncol=4, frameon=False)
    ax.set_title(RATING_CAPTION)
    return _png(plt, fig)


RATING_WHOLE_SHORT = "全期"  # the 全期满意率 column of the per-period table (its caption says 满意率)


def rating_tables(data: SummaryData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report's two 办事效率评议 tables: each department's 满意率 (%) per period and over the
    range (as texts), and its ratings and 不满意 reasons over the range, ranked."""
    assert data.rating is not None
    r = data.rating
    frame = r.departments
    # in per cent without the sign (the caption says it), whole per period: a year's nine to twelve
    # periods fit the page with the departments' names on one line
    rates = frame[["部门"]].copy()
    for label in r.labels:
        rates[label] = [DASH if pd.isna(v) else f"{v * 100:.0f}" for v in frame[label]]
    rates[RATING_WHOLE_SHORT] = [percent(v).removesuffix("%") for v in frame[RATING_WHOLE]]
    counts = frame[["排名", "部门", *RatingLevel.ALL, RATING_WHOLE, *RatingReason.ALL]].copy()
    counts["排名"] = pd.to_numeric(counts["排名"], errors="coerce")
    counts = counts.sort_values(["排名"], kind="stable", na_position="last")
    return rates, counts


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
        _font(par.add_run(f"{narrative.ordinal(number)}、{text}"), HEAD_FONT, BODY_PT)

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
    w.title(data.title_lines, narrative.subtitle(data))
    w.body(narrative.opening(data))
    w.body(narrative.sources_text(data))
    if data.gaps:
        w.warning(narrative.gaps_text(data))
    if missing:
        w.note(missing)
    section = 0

    section += 1
    w.heading(section, "总体进展")
    w.body(narrative.progress_overall(data))
    trend_table = data.trend[["月份", *COUNT_COLUMNS, "移交纪委"]]
    w.figure("trend", "逐月整改进展", f"表{w.tables + 1}")
    w.table("逐月整改进展", trend_table)

    section += 1
    w.heading(section, "分类和专项治理情况")
    w.body(narrative.group_sentence(data) + narrative.category_sentence(data))
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
    w.body(narrative.unit_sentence(data))
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
    w.body(narrative.overdue_sentence(data))
    if len(data.overdue):
        table = data.overdue[["问题编号", "填报单位", "具体问题", "首次逾期", "督办次数", "移交纪委", "结果"]]
        w.table("逾期督办问题及整改结果", table)

    if data.matters is not None:
        section += 1
        w.heading(section, "领导批示和交办事项落实情况")
        w.body(narrative.matter_sentence(data))
        w.table("交办事项办理情况", _matter_table(data))

    section += 1
    w.heading(section, "报送情况")
    w.body(narrative.submission_sentence(data))
    w.figure("submissions", "各月报送情况", f"表{w.tables + 1}")
    subs = data.submissions.copy()
    for label in labels:
        subs[label] = subs[label].map(STATE_MARKS)
    legend = "；".join(f"{STATE_MARKS[s]} {STATE_LEGEND[s]}" for s in SubmissionState.ALL)
    w.table("各单位逐月报送情况", subs[["单位", *labels, "按时次数", "退回文件数"]], legend=f"注：{legend}。")

    if said := narrative.formality_sentence(data):  # 形式主义提示 (issue #20): only when a month had one
        section += 1
        w.heading(section, "问题清单填报质量")
        w.body(said)

    if data.rating is not None:
        section += 1
        w.heading(section, "办事效率评议")
        w.body(narrative.rating_summary_sentence(data))
        if rates_said := narrative.rating_rates_sentence(data):
            w.body(rates_said)
        if below := narrative.rating_below_sentence(data):
            w.body(below)
        rates, counts = rating_tables(data)
        w.figure("rating", RATING_CAPTION, f"表{w.tables + 1}")
        w.table("各部门逐期满意率（%）", rates)
        w.table("各部门评议情况和不满意原因（按期内满意率排名）", counts)

    if data.period == "year":
        section += 1
        w.heading(section, "工作总结报送情况")
        w.body(narrative.work_summary_sentence(data))
        ws = data.work_summaries.assign(
            接收时间=["" if is_missing(v) else cn_date(v) for v in data.work_summaries["接收时间"]]
        )
        w.table(narrative.work_summary_caption(data), ws)

        section += 1
        w.heading(section, "单位考核")
        w.body(narrative.assessment_sentence(data))
        w.figure("assessment", "单位考核得分", f"表{w.tables + 1}")
        shown = [*ASSESSMENT_COLUMNS, *(["满意率"] if "满意率" in data.assessment.columns else [])]
        w.table("单位考核得分排名", data.assessment[shown], legend=narrative.formula_note(data))

    section += 1
    w.heading(section, "下一步工作")
    w.body(narrative.next_steps(data))
    w.signature(data.campaign.office, data.as_of)
    return w.doc


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
    a little over half, capitals three quarters, % almost one (the widest of the Noto / 仿宋
    metrics and of DejaVu Sans, which shows the digits where the official fonts are missing), and
    the quarter em Word and LibreOffice put between Chinese and Western characters (autospace)."""
    wide = [textsafe.display_len(c) == 2 for c in text]
    glyphs = sum(
        1.0 if w else 0.95 if c == "%" else 0.75 if c.isupper() or c in "@&" else 0.64
        for c, w in zip(text, wide, strict=True)
    )
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


def _header_lines(name: str, count: int = 2) -> list[str]:
    """A header on two lines: before its （…） and the bracket, or else halved. On three lines
    (``count=3``, where a wide table has no room for two) a header of six characters or more
    without a bracket is cut in thirds, the longer lines last: 移交 / 纪委 / 问题数."""
    cut = name.find("（")
    if count == 3 and cut < 0 and len(name) >= 6:
        sizes = [len(name) // 3 + (1 if i >= 3 - len(name) % 3 else 0) for i in range(3)]
        return [name[: sizes[0]], name[sizes[0] : sizes[0] + sizes[1]], name[sizes[0] + sizes[1] :]]
    if cut <= 0:
        cut = (len(name) + 1) // 2
    return [name[:cut], name[cut:]]


def _header_em(name: str, count: int) -> float:
    """The width ``name`` needs as a header on ``count`` lines at most."""
    if len(name) <= 2:
        return _em(name)
    return max(_em(line) for line in _header_lines(name, count))


def _header_text(name: str, width_mm: float) -> str:
    """The header as set in a column ``width_mm`` wide: one line when it fits, else its two
    ``_header_lines``, else its three (Word would fill the first line and leave one character
    on the next)."""
    room = (width_mm - 2 * CELL_PAD_MM - CELL_SLACK_MM) / MM_PER_EM + 1e-9
    if _em(name) <= room or len(name) <= 2:
        return name
    for count in (2, 3):
        lines = _header_lines(name, count)
        if max(_em(line) for line in lines) <= room:
            return "\n".join(lines)
    return name


def _column_widths(frame: pd.DataFrame, total_mm: float = TYPE_WIDTH_MM) -> list[float]:
    """Column widths in mm that add up to ``total_mm``.

    Each column needs room for its IDs, dates and names whole (``_atom_em``) and its header on two
    lines at most, and wants room for its longest text and its header on one line. Every column
    gets what it needs; the space left raises the narrowest columns first, up to what each wants,
    so short headers go on one line before long free text (a problem's description, a file name)
    gets wider. When the needs do not fit, headers go on three lines before a cell breaks; when
    even that does not fit, the widest columns give way."""
    pad = 2 * CELL_PAD_MM + CELL_SLACK_MM
    need, tight, want = [], [], []
    for column in frame.columns:
        cells = [_cell_text(v) for v in frame[column]]
        header = str(column)
        atoms = [_atom_em(c) for c in cells] + [1.0]
        need.append(max([*atoms, _header_em(header, 2)]) * MM_PER_EM + pad)
        tight.append(max([*atoms, _header_em(header, 3)]) * MM_PER_EM + pad)
        want.append(max([_text_em(c) for c in cells] + [_em(header), 1.0]) * MM_PER_EM + pad)
    if sum(want) <= total_mm:
        return [w * total_mm / sum(want) for w in want]
    if sum(need) <= total_mm:
        return _fill(need, want, total_mm)
    if sum(tight) <= total_mm:  # a wide table: some headers on three lines, every cell whole
        return _fill(tight, need, total_mm)
    return _fill([0.0] * len(need), tight, total_mm)


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
        if "完成率" in str(column) or "满意率" in str(column) or column == "按时报送率":
            out[column] = [percent(v) for v in values]
        elif str(column).startswith("提升"):
            out[column] = [change_points(v) for v in values]
        elif column == "得分":
            out[column] = [f"{v:.1f}" for v in values]
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            out[column] = ["—" if pd.isna(v) else str(round(v)) for v in values]
    return out


MATTER_TABLE_COLUMNS: tuple[str, ...] = ("编号", "事项内容", "承办单位", "办理时限", "办结日期", "督办次数", "移交纪委")


def _matter_table(data: SummaryData) -> pd.DataFrame:
    assert data.matters is not None
    items = data.matters.items
    table = items[[c for c in MATTER_TABLE_COLUMNS if c in items.columns]].copy()
    year = data.as_of.year
    for column in ("办理时限", "办结日期"):
        table[column] = [cn_date_short(v, year) if isinstance(v, dt.date) else "" for v in table[column]]
    table["督办次数"] = [str(int(v)) if pd.notna(v) else "0" for v in table["督办次数"]]
    ever = set(data.matters_escalated)
    table["移交纪委"] = [
        narrative.escalated_mark(now, iid in ever) for iid, now in zip(table["编号"], table["移交纪委"], strict=True)
    ]
    return table


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
    _percent_columns(score_sheet, assessment, fmt, ("满意率",))
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
    score_sheet.write_string(len(assessment) + 2, 0, narrative.formula_note(data))

    write_table(wb, fmt, "工作总结", data.work_summaries, list(data.work_summaries.columns))
    if data.formality.found:
        _write_formality(wb, fmt, data)
    if data.rating is not None:
        _write_rating(wb, fmt, data)
    if data.matters is not None:
        items = data.matters.items
        write_table(wb, fmt, "交办事项", items, list(items.columns))
    wb.close()
    return path


RATING_SHEET = "办事效率评议"


def _write_rating(wb: Any, fmt: _Formats, data: SummaryData) -> Worksheet:
    """The 办事效率评议 sheet: per department its 满意率 per period and over the range, its ratings
    and 不满意 reasons; under it a native line chart, a line per department across the periods."""
    assert data.rating is not None
    r = data.rating
    frame = r.departments.drop(columns="部门编码")
    ws = write_table(wb, fmt, RATING_SHEET, frame, list(frame.columns))
    columns = list(frame.columns)
    for c, column in enumerate(columns):
        if column in (*r.labels, RATING_WHOLE):
            for row, value in enumerate(frame[column], start=1):
                if pd.notna(value):
                    ws.write_number(row, c, float(value), fmt.percent)
                else:
                    ws.write_string(row, c, "—", fmt.center)
    first, last = columns.index(r.labels[0]), columns.index(r.labels[-1])
    name_col = columns.index("部门")
    chart = wb.add_chart({"type": "line"})
    for n in range(len(frame)):
        colour = RATING_LINE_COLOURS[n % len(RATING_LINE_COLOURS)]
        chart.add_series(
            {
                "name": [RATING_SHEET, n + 1, name_col],
                "categories": [RATING_SHEET, 0, first, 0, last],
                "values": [RATING_SHEET, n + 1, first, n + 1, last],
                "line": {"color": colour},
                "marker": {"type": "circle", "fill": {"color": colour}, "border": {"color": colour}},
            }
        )
    chart.set_title({"name": RATING_CAPTION})
    chart.set_y_axis({"name": "满意率", "num_format": "0%", "min": 0, "max": 1})
    chart.show_blanks_as("span")
    chart.set_size({"width": 720, "height": 360})
    ws.insert_chart(len(frame) + 3, 0, chart)
    ws.write_string(len(frame) + 2, 0, f"通报线：满意率{r.threshold:g}%；" + narrative.rating_below_sentence(data))
    return ws


FORMALITY_SHEET = "形式主义提示"
FORMALITY_NOTE = (
    "注：各列为统计期内被提示的问题个数，同一问题在多个月被提示的只计一次；清单雷同为问题清单与本单位雷同的"
    "其他单位个数，清单雷同情况写明对方单位和月份。已核实不属于问题的提示不计入。"
)
FORMALITY_MONTHS = "各月提示条数（清单雷同按对计）"


def _write_formality(wb: Any, fmt: _Formats, data: SummaryData) -> Worksheet:
    """The 形式主义提示 sheet: per unit, the problems each signal flagged over the period (the
    roster's units, as the 单位情况 sheet), a note on what is counted, then each month's hints
    by signal, each under its column of the table above (月份 across 单位 and 类型, 合计 under
    涉及问题数)."""
    found = data.formality
    units = found.units.drop(columns="单位编码")
    columns = list(units.columns)
    ws = write_table(wb, fmt, FORMALITY_SHEET, units, columns)
    widths = [_column_layout(c, units[c].tolist())[0] for c in columns]
    note = wb.add_format({"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top"})
    at = len(units) + 2
    ws.merge_range(at, 0, at, len(columns) - 1, FORMALITY_NOTE, note)
    ws.set_row(at, row_height([FORMALITY_NOTE], [sum(widths)]))
    at += 2
    ws.write_string(at, 0, FORMALITY_MONTHS)
    months = found.months
    at += 1
    places = [columns.index(c) if c in columns else columns.index(FORMALITY_ITEMS) for c in months.columns[1:]]
    ws.merge_range(at, 0, at, 1, "月份", fmt.header)
    for column, c in zip(months.columns[1:], places, strict=True):
        ws.write_string(at, c, str(column), fmt.header)
    ws.set_row(at, row_height(list(months.columns[1:]), [widths[c] for c in places]))
    for r, (_, row) in enumerate(months.iterrows(), start=at + 1):
        ws.merge_range(r, 0, r, 1, str(row["月份"]), fmt.center)
        for column, c in zip(months.columns[1:], places, strict=True):
            ws.write_number(r, c, int(row[column]), fmt.number)
    return ws


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
        ("数据来源", narrative.sources_text(data), text),
        (
            "各月统计截止日",
            "、".join(f"{m}：{cn_date(d)}" for m, d in zip(data.month_labels, data.month_dates, strict=False)),
            text,
        ),
    ]
    if data.gaps:
        rows.append(("注意", narrative.gaps_text(data), alert))
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
