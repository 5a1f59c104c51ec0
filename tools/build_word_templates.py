"""Build the Word templates of a monthly run (docxtpl / Jinja2 tags inside .docx files).

Run ``python tools/build_word_templates.py [OUT_DIR]`` (default ``templates/``). It writes
``通报.docx``, ``督办通知单.docx`` and ``移交纪委清单.docx``. The templates only place values that
``pipeline/documents.py`` computes; the fixed wording (titles, 主送, 下步工作要求, …) lives here and
may be edited afterwards by the office staff in Word, as long as the ``{{ … }}`` / ``{%… %}`` tags
are kept whole.

Layout follows GB/T 9704-2012: A4, margins 37/35/28/26 mm, 3号 仿宋_GB2312 body at a fixed 28.9 pt
line pitch (22 lines a page), red 发文机关标志, red rule, 2号 方正小标宋简体 title, 黑体 / 楷体_GB2312
headings, page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages left).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from pipeline.model import Light, ProblemStatus
from pipeline.outputs.documents import page_number, page_numbers

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"
RED = "C00000"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NO_PT = 14  # 4号
TABLE_PT = 12  # 小四
SMALL_TABLE_PT = 10.5  # 五号
LINE_PT = 28.9  # 22 lines in the 225 mm type area
HEAD_LINE_PT = 46  # the red 发文机关标志 (at most 36 pt) on a fixed line
CHAR = Pt(BODY_PT)
# Widths (mm) of the table columns that must hold their content whole in 五号 (10.5 pt, 3.7 mm a
# character, plus 2 mm of cell margins); the long text columns (具体问题, 事项内容) take the rest
# of the type area (156 mm portrait, 247 mm landscape) and wrap.
HEAD4_MM = 18  # a four-character header: 逾期天数, 督办次数, 督办等级
# a date of the campaign's year, 12月31日 (with the quarter-em Word and LibreOffice put between
# Chinese characters and digits); a full 2022年12月31日 needs 33 mm, more than the portrait
# tables can give, so every table shows the short form and the sentences the full one
DATE_MM = 24
NO_MM = 20  # 问题编号 NYZX-004; the assigned matters' 编号 JB2022-03 takes 21
LEADER_MM = 29  # a post of up to seven characters (社区党总支书记) on each line, the name below
PERSON_MM = 36  # the same for 责任人, whose posts run to nine (村务监督委员会主任)

# Character styles for the 三色督办 ladder; pipeline/outputs/documents.py refers to them by these ids.
LADDER_STYLES = {
    "LadderBlue": ("督办-蓝色", "0070C0"),
    "LadderOrange": ("督办-橙色", "ED7D31"),
    "LadderRed": ("督办-红色", "C00000"),
}


# ---------------------------------------------------------------------------------------------
# fonts and styles


def _set_fonts(element: object, font: str) -> None:
    """Set ascii/hAnsi/eastAsia/cs fonts on a style's or run's rPr, dropping theme fonts."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _doc_defaults(doc: DocumentObject) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for child in list(rpr):
        rpr.remove(child)
    rfonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FANGSONG)
    rpr.append(rfonts)
    for tag, value in (("w:sz", str(BODY_PT * 2)), ("w:szCs", str(BODY_PT * 2))):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        rpr.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


def _paragraph_style(
    doc: DocumentObject,
    style_id: str,
    name: str,
    *,
    font: str = FANGSONG,
    size: float = BODY_PT,
    bold: bool = False,
    color: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_indent: int = 2,
    line_exact: float | None = LINE_PT,
    space_before: float = 0,
    space_after: float = 0,
    keep_with_next: bool = False,
) -> None:
    if style_id == "Normal":
        style = doc.styles["Normal"]
    else:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
    _set_fonts(style.element, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    pf = style.paragraph_format
    pf.alignment = align
    pf.first_line_indent = Pt(size) * first_indent if first_indent else Pt(0)
    pf.left_indent = Pt(0)
    pf.right_indent = Pt(0)
    if line_exact is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_exact)
    pf.space_before = Pt(space_before)
    pf.space_after = Pt(space_after)
    pf.keep_with_next = keep_with_next
    pf.widow_control = True


def _character_style(doc: DocumentObject, style_id: str, name: str, color: str) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.style_id = style_id
    style.quick_style = True
    style.font.bold = True
    style.font.color.rgb = RGBColor.from_string(color)


def _styles(doc: DocumentObject) -> None:
    _doc_defaults(doc)
    _paragraph_style(doc, "Normal", "Normal")
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(
        doc,
        "RedHead",
        "发文机关标志",
        font=XIAOBIAOSONG,
        size=36,
        color=RED,
        align=center,
        first_indent=0,
        line_exact=HEAD_LINE_PT,  # fixed, so page 1 flows the same whatever font stands in
        space_before=Mm(35).pt,
    )
    _paragraph_style(doc, "DocNo", "发文字号", align=center, first_indent=0, space_before=2 * LINE_PT)
    _paragraph_style(
        doc,
        "DocTitle",
        "公文标题",
        font=XIAOBIAOSONG,
        size=TITLE_PT,
        align=center,
        first_indent=0,
        line_exact=35,
        space_before=LINE_PT,
        space_after=LINE_PT,
        keep_with_next=True,
    )
    _paragraph_style(doc, "SubTitle", "副标题", align=center, first_indent=0, space_after=LINE_PT / 2)
    _paragraph_style(doc, "Addressee", "主送机关", first_indent=0)
    _paragraph_style(doc, "Heading1CN", "一级标题", font=HEITI, keep_with_next=True)
    _paragraph_style(doc, "Heading2CN", "二级标题", font=KAITI, keep_with_next=True)
    _paragraph_style(doc, "Signature", "落款", align=WD_ALIGN_PARAGRAPH.RIGHT, first_indent=0, keep_with_next=True)
    for style_id, name, size, align in (
        ("TableText", "表格文字", TABLE_PT, center),
        ("TableTextSmall", "表格文字（小）", SMALL_TABLE_PT, center),
    ):
        _paragraph_style(doc, style_id, name, size=size, align=align, first_indent=0, line_exact=None)
    _paragraph_style(
        doc,
        "TableHead",
        "表头",
        font=HEITI,
        size=TABLE_PT,
        align=center,
        first_indent=0,
        line_exact=None,
    )
    _paragraph_style(
        doc,
        "TableHeadSmall",
        "表头（小）",
        font=HEITI,
        size=SMALL_TABLE_PT,
        align=center,
        first_indent=0,
        line_exact=None,
    )
    _paragraph_style(
        doc,
        "TableNote",
        "表注",
        size=SMALL_TABLE_PT,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        first_indent=0,
        line_exact=None,
        space_before=3,
        space_after=6,
    )
    _paragraph_style(doc, "PageNo", "页码", font=SONGTI, size=PAGE_NO_PT, first_indent=0)
    for style_id, (name, color) in LADDER_STYLES.items():
        _character_style(doc, style_id, name, color)


# ---------------------------------------------------------------------------------------------
# paragraphs, runs, tables


STYLE_FONTS = {
    "Normal": FANGSONG,
    "RedHead": XIAOBIAOSONG,
    "DocNo": FANGSONG,
    "DocTitle": XIAOBIAOSONG,
    "SubTitle": FANGSONG,
    "Addressee": FANGSONG,
    "Heading1CN": HEITI,
    "Heading2CN": KAITI,
    "Signature": FANGSONG,
    "TableText": FANGSONG,
    "TableTextSmall": FANGSONG,
    "TableHead": HEITI,
    "TableHeadSmall": HEITI,
    "TableNote": FANGSONG,
    "PageNo": SONGTI,
}


def _run(paragraph: Paragraph, text: str, font: str, *, bold: bool | None = None) -> None:
    run = paragraph.add_run(text)
    _set_fonts(run._r, font)
    if bold is not None:
        run.bold = bold


def _style(doc: DocumentObject, style_id: str) -> ParagraphStyle:
    return next(s for s in doc.styles if isinstance(s, ParagraphStyle) and s.style_id == style_id)


def _para(doc: DocumentObject, style: str, *parts: str | tuple[str, str], bold: bool | None = None) -> Paragraph:
    """A paragraph in ``style``; each part is text (style font) or (font, text)."""
    paragraph = doc.add_paragraph()
    paragraph.style = _style(doc, style)
    for part in parts:
        font, text = part if isinstance(part, tuple) else (STYLE_FONTS[style], part)
        _run(paragraph, text, font, bold=bold)
    return paragraph


def _tag(doc: DocumentObject, tag: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag such as ``{%p if x %}``."""
    return _para(doc, "Normal", tag)


def _bottom_border(paragraph: Paragraph, color: str, size: int = 12, space: int = 6) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("val", "single"), ("sz", str(size)), ("space", str(space))):
        bottom.set(qn(f"w:{attr}"), value)
    bottom.set(qn("w:color"), color)
    bdr.append(bottom)
    # pBdr must come before spacing/ind/jc in pPr
    anchor = next(
        (ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc") if ppr.find(qn(t)) is not None),
        None,
    )
    if anchor is not None:
        anchor.addprevious(bdr)
    else:
        ppr.append(bdr)


def _table_borders(table: Table, widths_mm: list[float]) -> None:
    tbl = table._tbl
    tblpr = tbl.tblPr
    for child in list(tblpr):
        if child.tag in (qn("w:tblW"), qn("w:tblBorders"), qn("w:tblLayout"), qn("w:tblCellMar")):
            tblpr.remove(child)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(round(Mm(sum(widths_mm)).twips)))
    width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for attr, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            el.set(qn(f"w:{attr}"), value)
        borders.append(el)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 28), ("left", 57), ("bottom", 28), ("right", 57)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    # schema order inside tblPr: tblStyle, …, jc, …, tblW … tblBorders, shd, tblLayout, tblCellMar
    jc = tblpr.find(qn("w:jc"))
    style = tblpr.find(qn("w:tblStyle"))
    anchor = style if style is not None else None
    if anchor is not None:
        anchor.addnext(width)
    else:
        tblpr.insert(0, width)
    if jc is not None:
        tblpr.remove(jc)
        width.addnext(jc)
        jc.addnext(borders)
    else:
        width.addnext(borders)
    borders.addnext(layout)
    layout.addnext(margins)
    grid = tbl.tblGrid
    for col, mm in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(round(Mm(mm).twips)))
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(mm)


def _row_flag(row: _Row, tag: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement(f"w:{tag}")
    trpr.append(el)


def _cell_text(doc: DocumentObject, cell: _Cell, style: str, text: str, *, align_left: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = _style(doc, style)
    if align_left:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if text:
        _run(paragraph, text, STYLE_FONTS[style])
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _loop_table(
    doc: DocumentObject,
    loop: str,
    columns: list[tuple[str, str, float]],
    *,
    small: bool = False,
    left: tuple[str, ...] = (),
    total: list[str] | None = None,
) -> Table:
    """A bordered table: a header row, then one row per item of ``loop`` (``{%tr for %}``).

    ``columns`` are (header, expression on ``r``, width in mm); ``left`` the expressions whose
    cells are left-aligned (long text). ``total``: an optional last row of expressions, the
    first two cells merged.
    """
    head_style, text_style = ("TableHeadSmall", "TableTextSmall") if small else ("TableHead", "TableText")
    n_rows = 4 + (1 if total else 0)
    table = doc.add_table(rows=n_rows, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, for_row, data, end_row = table.rows[0], table.rows[1], table.rows[2], table.rows[3]
    _row_flag(header, "tblHeader")
    _row_flag(data, "cantSplit")
    for i, (title, expr, _mm) in enumerate(columns):
        _cell_text(doc, header.cells[i], head_style, title)
        _cell_text(
            doc,
            data.cells[i],
            text_style,
            f"{{{{ {expr} }}}}" if not expr.startswith("{{") else expr,
            align_left=expr in left,
        )
        for_row.cells[i].paragraphs[0].style = header.cells[i].paragraphs[0].style
        end_row.cells[i].paragraphs[0].style = header.cells[i].paragraphs[0].style
    _cell_text(doc, for_row.cells[0], text_style, f"{{%tr for r in {loop} %}}")
    _cell_text(doc, end_row.cells[0], text_style, "{%tr endfor %}")
    for cell in header.cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    if total:
        row = table.rows[4]
        for i, text in enumerate(total):
            _cell_text(doc, row.cells[i], head_style if i == 0 else text_style, text)
    _table_borders(table, [mm for _t, _e, mm in columns])
    if total:
        row = table.rows[4]
        row.cells[0].merge(row.cells[1])
    return table


def _page_number(paragraph: Paragraph) -> None:
    page_number(paragraph, lambda run: _set_fonts(run._r, SONGTI))


def _page(doc: DocumentObject, *, landscape: bool = False, odd_even: bool = False) -> None:
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(28)
        section.left_margin, section.right_margin = Mm(25), Mm(25)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22) if not landscape else Mm(15)
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = _style(doc, "PageNo")
    if odd_even:  # GB/T 9704: odd page numbers right, even left, one character in from the edge
        section.even_page_footer.paragraphs[0].style = paragraph.style
        page_numbers(doc, section, lambda run: _set_fonts(run._r, SONGTI))
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_number(paragraph)


def _new_document(*, landscape: bool = False, odd_even: bool = False) -> DocumentObject:
    doc = Document()
    _styles(doc)
    _page(doc, landscape=landscape, odd_even=odd_even)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _signature(doc: DocumentObject) -> None:
    """The 发文机关署名 and 成文日期 (GB/T 9704-2012 7.3.5.2): a blank line below the text, the
    office two characters from the right margin, the date below it starting two characters
    right of the office's first. ``documents.place_signature`` sets both indents for the
    names and dates of each document, keeps the blank line and the text's last paragraph with
    the signature (the last paragraph here may be a tag that rendering removes), and keeps the
    date with a line that follows it (the notice's 签收 line)."""
    _para(doc, "Normal", "")
    office = _para(doc, "Signature", "{{ office }}")
    office.paragraph_format.right_indent = CHAR * 2
    date = _para(doc, "Signature", "{{ date_text }}")
    date.paragraph_format.right_indent = CHAR * 2
    date.paragraph_format.keep_with_next = False


# ---------------------------------------------------------------------------------------------
# the three templates


def build_circular() -> DocumentObject:
    doc = _new_document(odd_even=True)
    _para(doc, "RedHead", "{{r red_head }}")
    docno = _para(doc, "DocNo", "{{ doc_no }}")
    _bottom_border(docno, RED, size=18, space=12)
    # two balanced lines, broken between words (GB/T 9704: 回行时词意完整、排列对称)
    title = _para(doc, "DocTitle", "关于{{ month_label }}干部作风整顿")
    title.runs[-1].add_break()
    _run(title, "问题整改情况的通报", XIAOBIAOSONG)
    _para(doc, "Addressee", "各村（社区）、镇属各部门：")
    _para(
        doc,
        "Normal",
        "按照《{{ town }}{{ year }}年干部作风整顿工作方案》“一月一督查、一月一通报”的要求，"
        "镇干部作风整顿办对各村（社区）、各部门{{ month_label }}问题整改情况进行了汇总梳理。"
        "现将有关情况通报如下：",
    )
    _para(doc, "Heading1CN", "一、总体进展")
    # second-level headings run into their paragraph (楷体), as circulars usually set them: saves
    # lines, so the body starts on page 1 below the title instead of being pushed to page 2
    _para(doc, "Normal", (KAITI, "（一）整改总体情况。"), "{{ overview_text }}{{ lights_text }}")
    _para(doc, "Normal", (KAITI, "（二）分类整改情况。"), "{{ category_text }}")
    _para(doc, "Heading1CN", "二、报送情况")
    _para(doc, "Normal", "{{ submission_text }}")
    _para(doc, "Heading1CN", "三、各单位整改进展及排名")
    _para(doc, "Normal", "{{ ranking_text }}")
    _loop_table(
        doc,
        "unit_rows",
        [
            ("排名", "r.rank", 13),
            ("单位", "r.unit", 43),
            ("问题数", "r.total", 16),
            (ProblemStatus.DONE, "r.done", 16),
            ("完成率", "r.rate", 20),
            (Light.RED, "r.red", 14),
            (Light.YELLOW, "r.yellow", 14),
            ("较上月", "r.change", 20),
        ],
        total=[
            "合计",
            "",
            "{{ totals.total }}",
            "{{ totals.done }}",
            "{{ totals.rate }}",
            "{{ totals.red }}",
            "{{ totals.yellow }}",
            "{{ totals.change }}",
        ],
    )
    _para(
        doc,
        "TableNote",
        "注：完成率＝已完成÷（问题数－长期坚持类问题数），完成率相同的，红灯问题少的排名在前；"
        "“较上月”为完成率较上月增减的百分点；“—”表示无可计算的数据。",
    )
    _para(doc, "Heading1CN", "四、逾期及督办事项")
    _para(doc, "Normal", "{{ overdue_text }}")
    _tag(doc, "{%p if overdue_rows %}")
    _loop_table(
        doc,
        "overdue_rows",
        [
            ("问题编号", "r.no", NO_MM),
            ("单位", "r.unit", 32),
            ("具体问题", "r.problem", 44),
            ("完成时限", "r.deadline_short", DATE_MM),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办等级", "{{r r.level }}", HEAD4_MM),
        ],
        small=True,
        left=("r.problem",),
    )
    _para(doc, "TableNote", "注：逾期天数为截至通报日期超过完成时限的自然日天数。")
    _tag(doc, "{%p endif %}")
    _para(doc, "Normal", "{{ escalation_text }}")
    # the matters the office assigns (seed 三（一）3–4): only when it assigned any
    _tag(doc, "{%p if has_matters %}")
    _para(doc, "Heading1CN", "五、领导批示和交办事项落实情况")
    _para(doc, "Normal", "{{ matter_text }}")
    _tag(doc, "{%p if matter_rows %}")
    _loop_table(
        doc,
        "matter_rows",
        [
            ("编号", "r.no", NO_MM + 1),
            ("承办单位", "r.unit", 32),
            ("事项内容", "r.content", 43),
            ("办理时限", "r.deadline_short", DATE_MM),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办等级", "{{r r.level }}", HEAD4_MM),
        ],
        small=True,
        left=("r.content",),
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endif %}")
    # 形式主义提示 (issue #20): copied lists and empty words, only in a month with something to say;
    # it names units neutrally and quotes no problem's text
    _tag(doc, "{%p if formality %}")
    _para(doc, "Heading1CN", "{{ formality_no }}、问题清单填报质量情况")
    _para(doc, "Normal", "{{ formality_text }}")
    _para(doc, "Normal", "{{ formality_demand }}")
    _tag(doc, "{%p endif %}")
    # the villages' 办事效率评议 of the departments (seed 五（三）): only in a month with a rating
    # period; it names departments, never a rating village
    _tag(doc, "{%p if rating %}")
    _para(doc, "Heading1CN", "{{ rating_no }}、办事效率评议情况")
    _para(doc, "Normal", (KAITI, "（一）评议总体情况。"), "{{ rating_text }}{{ rating_rates_text }}")
    _para(doc, "Normal", (KAITI, "（二）亮相揭丑。"), "{{ rating_exposed_text }}")
    _tag(doc, "{%p endif %}")
    _para(doc, "Heading1CN", "{{ steps_no }}、下步工作要求")
    _para(
        doc,
        "Normal",
        (KAITI, "（一）压实整改责任。"),
        "各村（社区）、各部门主要负责同志要切实担负起主体责任，对照问题清单逐项明确整改措施、"
        "责任人和完成时限，整改一个、销号一个，确保问题按期整改到位。",
    )
    _para(
        doc,
        "Normal",
        (KAITI, "（二）强化督办问效。"),
        "对红灯事项，镇干部作风整顿办将按照“三色督办”要求下发督办通知单，限期整改；"
        "对黄灯事项，相关单位要倒排工期、加快推进，防止逾期；"
        "经多次督办仍未落实的，会同镇纪委督查问效，严肃追责问责。",
    )
    _para(
        doc,
        "Normal",
        (KAITI, "（三）按时报送进展。"),
        "请各村（社区）、各部门于{{ next_due_text }}前，将本单位问题清单整改进展更新后报送镇干部"
        "作风整顿办，已完成的问题须注明完成日期。逾期未报送或报送不规范的，将在下月通报中予以通报。",
    )
    # the closing formula, a short last paragraph: it is what travels with the signature when the
    # signature does not fit below the text (a longer one would move whole in LibreOffice)
    _para(doc, "Normal", "特此通报。")
    _signature(doc)
    return doc


def build_notice() -> DocumentObject:
    doc = _new_document()
    title = _para(doc, "DocTitle", "干部作风整顿督办通知单")
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.space_after = Pt(LINE_PT / 2)
    _para(doc, "SubTitle", "{{ notice_no }}")
    _para(doc, "Addressee", "{{ unit }}：")
    _para(doc, "Normal", "{{ notice_text }}")
    _tag(doc, "{%p if rows %}")
    _loop_table(
        doc,
        "rows",
        [
            ("问题编号", "r.no", NO_MM),
            ("具体问题", "r.problem", 58),
            ("完成时限", "r.deadline_short", DATE_MM),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办次数", "r.count", HEAD4_MM),
            ("督办等级", "{{r r.level }}", HEAD4_MM),
        ],
        small=True,
        left=("r.problem",),
    )
    _para(doc, "TableNote", "")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if matter_rows %}")
    caption = _para(doc, "TableNote", "领导批示、交办事项：")
    caption.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    _loop_table(
        doc,
        "matter_rows",
        [
            ("编号", "r.no", NO_MM + 1),
            ("事项内容", "r.content", 57),
            ("办理时限", "r.deadline_short", DATE_MM),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办次数", "r.count", HEAD4_MM),
            ("督办等级", "{{r r.level }}", HEAD4_MM),
        ],
        small=True,
        left=("r.content",),
    )
    _para(doc, "TableNote", "")
    _tag(doc, "{%p endif %}")
    # the 不满意 cases of the villages' 办事效率评议 (issue #19): never naming the rater unless the
    # township chose to (the text is the case's as registered)
    _tag(doc, "{%p if case_rows %}")
    caption = _para(doc, "TableNote", "办事效率评议反映问题：")
    caption.paragraph_format.keep_with_next = True
    _loop_table(
        doc,
        "case_rows",
        [
            ("编号", "r.no", NO_MM + 6),
            ("反映问题", "r.content", 52),
            ("答复时限", "r.deadline_short", DATE_MM),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办次数", "r.count", HEAD4_MM),
            ("督办等级", "{{r r.level }}", HEAD4_MM),
        ],
        small=True,
        left=("r.content",),
    )
    _para(doc, "TableNote", "")
    _tag(doc, "{%p endif %}")
    # the {{r}} tag alone in its run: docxtpl restarts the run after it without properties
    _para(doc, "Normal", "督办等级：", "{{r level }}", "{{ level_text }}")
    _para(
        doc,
        "Normal",
        "请你单位高度重视，主要负责同志亲自研究、亲自督促，对照上述问题逐项落实整改措施，"
        "并于{{ reply_by_text }}前将整改情况书面报送镇干部作风整顿办。",
    )
    # the consequences in a short paragraph of their own: the text's last paragraph travels with
    # the signature when the signature does not fit below it (see build_circular); a notice has
    # no line to spare for 特此通知 if one with a single item is to stay on one page
    _para(
        doc,
        "Normal",
        "逾期未整改或整改不到位的，将按照“三色督办”要求提级督办；经多次督办仍未落实的，会同镇纪委督查问效。",
    )
    _signature(doc)
    # kept with the signature by documents.place_signature
    receipt = _para(doc, "Addressee", "签收人：　　　　　　　　签收日期：　　　年　　月　　日")
    receipt.paragraph_format.first_line_indent = Pt(0)
    return doc


def build_escalation() -> DocumentObject:
    doc = _new_document(landscape=True)
    title = _para(doc, "DocTitle", "干部作风整顿问题移交镇纪委督查问效清单")
    title.paragraph_format.space_before = Pt(0)
    title.paragraph_format.space_after = Pt(6)
    _para(doc, "SubTitle", "（{{ month_label }}）")
    _para(doc, "Normal", "{{ intro_text }}")
    _tag(doc, "{%p if rows %}")
    _loop_table(
        doc,
        "rows",
        [
            ("序号", "r.seq", 10),
            ("问题编号", "r.no", NO_MM),
            ("单位", "r.unit", 24),
            ("问题类别", "r.category", 24),
            ("具体问题", "r.problem", 44),
            ("责任领导", "r.leader_lines", LEADER_MM),
            ("责任人", "r.person_lines", PERSON_MM),
            ("完成时限", "r.deadline_short", DATE_MM),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办次数", "r.count", HEAD4_MM),
        ],
        small=True,
        left=("r.problem", "r.category"),
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if matter_rows %}")
    caption = _para(doc, "TableNote", "领导批示、交办事项（按承办单位计）：")
    caption.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    _loop_table(
        doc,
        "matter_rows",
        [
            ("序号", "r.seq", 10),
            ("编号", "r.no", NO_MM + 1),
            ("承办单位", "r.unit", 24),
            ("事项内容", "r.content", 52),
            ("交办领导", "r.leader_lines", LEADER_MM),
            ("办理时限", "r.deadline_short", DATE_MM),
            ("办理进展", "r.progress", 51),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办次数", "r.count", HEAD4_MM),
        ],
        small=True,
        left=("r.content", "r.progress"),
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if case_rows %}")
    caption = _para(doc, "TableNote", "办事效率评议反映问题（按被评议部门计）：")
    caption.paragraph_format.keep_with_next = True
    _loop_table(
        doc,
        "case_rows",
        [
            ("序号", "r.seq", 10),
            ("编号", "r.no", NO_MM + 6),
            ("被评议部门", "r.unit", 24),
            ("反映问题", "r.content", 52),
            ("不满意原因", "r.reasons", 24),
            ("答复时限", "r.deadline_short", DATE_MM),
            ("整改答复", "r.progress", 51),
            ("逾期天数", "r.days", HEAD4_MM),
            ("督办次数", "r.count", HEAD4_MM),
        ],
        small=True,
        left=("r.content", "r.progress"),
    )
    _tag(doc, "{%p endif %}")
    _signature(doc)
    return doc


TEMPLATES = {
    "通报.docx": build_circular,
    "督办通知单.docx": build_notice,
    "移交纪委清单.docx": build_escalation,
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "templates"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        doc = build()
        doc.core_properties.title = name.removesuffix(".docx")
        doc.core_properties.author = "干部作风整顿办"
        doc.save(str(out_dir / name))
        print(out_dir / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
