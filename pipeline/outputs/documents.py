"""The Word documents of a monthly run: 通报, 督办通知单 and 移交纪委清单 (SPEC §7).

The templates (``templates/*.docx``, built by ``tools/build_word_templates.py`` and editable in
Word) only place values. The ``*_context`` functions, which are pure, lay out what
``pipeline/narrative.py`` says (every sentence that depends on the month's figures, and every
number and date format) and the rows of the documents' tables. Rendering always uses a Jinja2
environment with autoescape on, so text from submissions (``A&B<村>``) stays text. Each document
is written to a temporary file beside its target and moved into place.
"""

from __future__ import annotations

import copy
import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate, Listing, RichText

from pipeline import narrative, textsafe
from pipeline.atomic import write_atomic, write_bytes
from pipeline.filenames import output_path, safe_name
from pipeline.kinds import KINDS, MATTER, PROBLEM, RATING_CASE, LedgerKind
from pipeline.model import Ladder, Light, Month, ProblemStatus
from pipeline.narrative import DASH, change_points, clean, cn_date, cn_date_short, count_text, percent
from pipeline.report import MonthReport, highest_level

CIRCULAR_TEMPLATE = "通报.docx"
NOTICE_TEMPLATE = "督办通知单.docx"
ESCALATION_TEMPLATE = "移交纪委清单.docx"

# 三色督办, lowest first (Ladder.ALL): level -> character style id in the templates.
LADDER_STYLE: dict[str, str] = {
    Ladder.BLUE: "LadderBlue",
    Ladder.ORANGE: "LadderOrange",
    Ladder.RED: "LadderRed",
}
# The red 发文机关标志: 36 pt where it fits the 156 mm type area, condensed (not below 60 %)
# and then smaller where the office name is long.
HEAD_WIDTH_PT = 420.0  # the 156 mm type area is 442 pt; leave some slack
HEAD_MAX_PT = 36.0
HEAD_MIN_SCALE = 0.6
# Fonts of the runs made here (the templates' own runs carry theirs): GB/T 9704 names.
HEAD_FONT = "方正小标宋简体"
TABLE_FONT = "仿宋_GB2312"


# ---------------------------------------------------------------------------------------------
# formatting


def notice_filename(unit_name: str) -> str:
    """``{单位}.docx``, safe as a file name (``filenames.safe_name``)."""
    return safe_name(unit_name, ".docx", "未命名单位")


PAGE_NO_PT = 14.0  # 4号: the page number's size, and how far it is set in from the edge


def page_numbers(doc: Any, section: Any, style_run: Callable[[Any], None]) -> None:
    """Page numbers as GB/T 9704-2012 7.5 sets them: "— 1 —", odd pages right and even pages
    left, one character in from the edge; ``style_run`` gives each run its font."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    for footer, right in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
        if right:
            paragraph.paragraph_format.right_indent = Pt(PAGE_NO_PT)
        else:
            paragraph.paragraph_format.left_indent = Pt(PAGE_NO_PT)
        page_number(paragraph, style_run)


def page_number(paragraph: Any, style_run: Callable[[Any], None]) -> None:
    """Append "— 1 —" to ``paragraph``, the number a PAGE field (python-docx has no fields: a
    ``w:fldSimple``, which Word and LibreOffice compute; "1" is its last computed value)."""
    from docx.oxml import OxmlElement

    before, number, after = (paragraph.add_run(text) for text in ("— ", "1", " —"))
    for run in (before, number, after):
        style_run(run)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    number._r.addprevious(field)
    field.append(number._r)


def _title_lines(value: object) -> Listing:
    """A person cell on lines of its own: each post, each name (``镇党委委员、`` / ``副镇长`` /
    ``钱志勇``), for a narrow table cell. A line breaks after 、 and at a space between Chinese
    words; a name spaced out for alignment (``王 芳``, ``李　明``: two single characters) is
    joined again, so that a name is never broken."""
    lines: list[str] = []
    for piece in re.split(r"(?<=、)", clean(value)):
        words: list[str] = []
        for word in piece.split():
            if words and (words[-1][-1].isascii() or word[0].isascii()):
                words[-1] += f" {word}"  # a space beside Latin letters or digits is the text's own
            elif words and _single(words[-1]) and _single(word):
                words[-1] += word  # 王 芳: one name (joined in pairs: 王 芳 李 明 is two)
            else:
                words.append(word)
        lines.extend(words)
    return Listing("\n".join(lines))


def _single(word: str) -> bool:
    return len(word.rstrip("、")) == 1


def _styled(
    text: str, style: str | None = None, *, font: str, size_pt: float | None = None, scale: int | None = None
) -> RichText:
    """One run of escaped text in ``font`` (named for Latin and East-Asian text alike), with a
    character style, size and horizontal scale."""
    props = ""
    if style:
        props += f'<w:rStyle w:val="{style}"/>'
    props += "<w:rFonts" + "".join(f' w:{k}="{escape(font)}"' for k in ("ascii", "hAnsi", "eastAsia", "cs")) + "/>"
    if scale and scale != 100:
        props += f'<w:w w:val="{scale}"/>'
    if size_pt:
        half = round(size_pt * 2)
        props += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    rich = RichText()
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    rich.xml = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text, quote=False)}</w:t></w:r>'
    return rich


def _ladder_rich(level: str) -> RichText:
    return _styled(level, LADDER_STYLE.get(level), font=TABLE_FONT)


def _red_head(text: str) -> RichText:
    """The 发文机关标志, sized and condensed to stay on one line."""
    width = sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text) or 1.0
    size = HEAD_MAX_PT
    scale = min(1.0, HEAD_WIDTH_PT / (width * size))
    if scale < HEAD_MIN_SCALE:
        scale = HEAD_MIN_SCALE
        size = HEAD_WIDTH_PT / (width * scale)
    return _styled(text, font=HEAD_FONT, size_pt=math.floor(size * 2) / 2, scale=math.floor(scale * 100))


# ---------------------------------------------------------------------------------------------
# shared pieces


def _common(report: MonthReport) -> dict[str, Any]:
    campaign = report.campaign
    return {
        "office": clean(campaign.office),
        "town": clean(campaign.town),
        "year": str(campaign.year),
        "doc_no": report.doc_no_text,
        "month_label": report.month_label,
        "as_of_text": cn_date(report.as_of),
        "date_text": cn_date(report.as_of),
    }


def _person(value: object, _year: int) -> Listing:
    return _title_lines(value)


def _text(value: object, _year: int) -> str:
    return clean(value)


def _text_or_dash(value: object, _year: int) -> str:
    return clean(value) or DASH


def _counted(value: object, _year: int) -> str:
    return count_text(value)


# The cells of an item's row in the documents' tables (the 通报's, a notice's, the 移交纪委清单's)
# beyond those every kind has: (template field, column, how the cell shows it) per kind.
ROW_CELLS: dict[str, tuple[tuple[str, str, Callable[[object, int], Any]], ...]] = {
    PROBLEM.name: (
        ("category", "问题类别", _text),
        ("problem", "具体问题", _text),
        ("leader", "责任领导", _text),
        ("leader_lines", "责任领导", _person),
        ("person", "责任人", _text),
        ("person_lines", "责任人", _person),
        ("workdays", "逾期工作日", _counted),
    ),
    MATTER.name: (
        ("content", "事项内容", _text),
        ("leader", "交办领导", _text),
        ("leader_lines", "交办领导", _person),
        ("assigned", "交办日期", cn_date_short),
        ("progress", "办理进展", _text_or_dash),
    ),
    # a 不满意 case of the 办事效率评议: what the department reads of it never names the rater
    RATING_CASE.name: (
        ("content", "反映问题", _text),
        ("reasons", "不满意原因", _text_or_dash),
        ("progress", "整改答复", _text_or_dash),
    ),
}
# The templates' names of each kind's rows.
ROWS_FIELD: dict[str, str] = {PROBLEM.name: "rows", MATTER.name: "matter_rows", RATING_CASE.name: "case_rows"}


def item_row(kind: LedgerKind, row: Mapping[str, Any], year: int) -> dict[str, Any]:
    """A row of ``kind``'s table: the item (or the (item, unit) pair), its deadline, how long it is
    overdue and how often it was supervised, at its 督办等级 (the ledger's)."""
    level = clean(row.get("督办等级"))
    deadline = row.get(kind.deadline_column)
    return {
        "no": clean(row.get(kind.id_column)),
        "unit": clean(row.get("填报单位")),
        **{field: show(row.get(column), year) for field, column, show in ROW_CELLS[kind.name]},
        "deadline": cn_date(deadline),
        "deadline_short": cn_date_short(deadline, year),
        "days": count_text(row.get("逾期天数")),
        "count": count_text(row.get("督办次数")),
        "level_name": level,
        "level": _ladder_rich(level),
    }


def _rows(report: MonthReport, kind: LedgerKind, frame: pd.DataFrame, numbered: bool = False) -> list[dict[str, Any]]:
    """``item_row`` of each row of ``frame`` (numbered 1, 2, … in ``seq`` when ``numbered``)."""
    # rows as dicts: a county circular's tables have a thousand rows, and iterrows makes a Series of each
    rows = [item_row(kind, row, report.campaign.year) for row in frame.to_dict("records")]
    if numbered:
        for seq, row in enumerate(rows, start=1):
            row["seq"] = str(seq)
    return rows


# ---------------------------------------------------------------------------------------------
# 通报


def circular_context(report: MonthReport) -> dict[str, Any]:
    """The Jinja context of 通报.docx."""
    campaign = report.campaign
    totals = report.totals
    ctx = _common(report)
    ctx["red_head"] = _red_head(f"{clean(campaign.office)}文件")
    ctx["overview_text"] = narrative.overview_text(report)
    ctx["lights_text"] = narrative.lights_text(report)
    ctx["category_text"] = narrative.category_text(report)
    ctx["submission_text"] = narrative.submission_text(report)
    ctx["unit_rows"] = _unit_rows(report)
    ctx["ranking_text"] = narrative.ranking_text(report)
    ctx["totals"] = {
        "total": str(totals["问题数"]),
        "done": str(totals[ProblemStatus.DONE]),
        "rate": percent(totals["完成率"]),
        "red": str(totals[Light.RED]),
        "yellow": str(totals[Light.YELLOW]),
        "change": change_points((totals["完成率"] - report.previous_rate) * 100),
    }
    ctx["overdue_rows"] = _rows(report, PROBLEM, report.overdue)
    ctx["overdue_text"] = narrative.overdue_text(report)
    ctx["escalation_text"] = narrative.escalation_text(report)
    ledger = report.ledgers.get(MATTER.name)
    has_matters = ledger is not None and not ledger.items.empty
    ctx["has_matters"] = has_matters
    ctx["matter_text"] = narrative.matter_text(report)
    ctx["matter_rows"] = _rows(report, MATTER, ledger.red_pairs()) if ledger is not None and has_matters else []
    ctx["rating"] = report.rating is not None  # the 办事效率评议 section: a month with a rating period
    ctx["rating_text"] = narrative.rating_text(report)
    ctx["rating_rates_text"] = narrative.rating_rates_text(report)
    ctx["rating_exposed_text"] = narrative.rating_exposed_text(report)
    # 形式主义提示 (issue #20): a section only when there is something to say (narrative.formality_text)
    ctx["formality_text"], ctx["formality_demand"] = narrative.formality_texts(report)
    ctx["formality"] = bool(ctx["formality_text"])
    sections = iter(narrative.CN_NUMBERS[4:])  # 五 on: the optional sections, then 下步工作要求
    if has_matters:
        next(sections)
    ctx["formality_no"] = next(sections) if ctx["formality"] else ""
    ctx["rating_no"] = next(sections) if report.rating is not None else ""
    ctx["steps_no"] = next(sections)
    ctx["next_due_text"] = cn_date(campaign.due_date(Month.parse(report.month).next))
    return ctx


def _unit_rows(report: MonthReport) -> list[dict[str, Any]]:
    """The ranking table's rows, in ``MonthReport.ranked_units`` order."""
    rows = []
    for row in report.ranked_units.to_dict("records"):
        rank = narrative.number(row.get("排名"))
        rows.append(
            {
                "rank": DASH if rank is None else str(int(rank)),
                "unit": clean(row.get("单位")),
                "total": count_text(row.get("问题数")),
                "done": count_text(row.get(ProblemStatus.DONE)),
                "rate": percent(row.get("完成率")),
                "red": count_text(row.get(Light.RED)),
                "yellow": count_text(row.get(Light.YELLOW)),
                "change": change_points(row.get("较上月")),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# 督办通知单


def _red_items(report: MonthReport, kind: LedgerKind) -> pd.DataFrame | None:
    """The red items of ``kind`` (its (item, unit) pairs for a kind the office assigns), most
    supervised first; None when the month has no ledger of the kind."""
    if kind is PROBLEM:
        return report.overdue
    ledger = report.ledgers.get(kind.name)
    return None if ledger is None else ledger.red_pairs()


def _escalated_items(report: MonthReport, kind: LedgerKind) -> pd.DataFrame | None:
    if kind is PROBLEM:
        return report.escalated
    ledger = report.ledgers.get(kind.name)
    return None if ledger is None else ledger.escalated


def notice_units(report: MonthReport) -> list[str]:
    """The units with red items, in roster order."""
    order = report.roster_order
    return sorted({clean(n) for n in report.red_units}, key=lambda n: (order.get(n, len(order)), n))


def _red_rows_by_unit(
    report: MonthReport, units: Sequence[str] | None = None
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``clean(unit name)`` -> the template field of each kind's rows -> the unit's red rows (of
    the ``units`` named only, when named)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    wanted = None if units is None else {clean(n) for n in units}
    for kind in KINDS:
        red = _red_items(report, kind)
        if red is None:
            continue
        owners = red["填报单位"].map(clean)
        if wanted is not None:
            red, owners = red[owners.isin(wanted)], owners[owners.isin(wanted)]
        for name, row in zip(owners, _rows(report, kind, red), strict=True):
            out.setdefault(name, {}).setdefault(ROWS_FIELD[kind.name], []).append(row)
    return out


def notice_context(report: MonthReport, unit_name: str) -> dict[str, Any]:
    """The Jinja context of one unit's 督办通知单."""
    rows = _red_rows_by_unit(report, [unit_name]).get(clean(unit_name), {})
    return _notice_context(report, unit_name, rows, notice_units(report))


def _notice_context(
    report: MonthReport, unit_name: str, rows: dict[str, list[dict[str, Any]]], units: list[str]
) -> dict[str, Any]:
    """``notice_context`` with the unit's red rows of each kind (``_red_rows_by_unit``) and
    ``notice_units`` found already."""
    campaign = report.campaign
    ctx = _common(report)
    shown = {field: rows.get(field, []) for field in ROWS_FIELD.values()}
    level = highest_level(r["level_name"] for kind_rows in shown.values() for r in kind_rows)
    seq = units.index(clean(unit_name)) + 1 if clean(unit_name) in units else len(units) + 1
    ctx.update(
        {
            "unit": clean(unit_name),
            "notice_no": f"{campaign.doc_prefix}督〔{report.as_of.year}〕{report.doc_number}-{seq}号",
            "notice_text": narrative.notice_text(
                report, len(shown["rows"]), len(shown["matter_rows"]), len(shown["case_rows"])
            ),
            **shown,
            "level": _ladder_rich(level),
            "level_name": level,
            "level_text": narrative.LADDER_MEANING[level],
            "reply_by_text": cn_date(report.reply_by),
        }
    )
    return ctx


# ---------------------------------------------------------------------------------------------
# 移交纪委清单


def escalation_context(report: MonthReport) -> dict[str, Any]:
    """The Jinja context of 移交纪委清单.docx."""
    ctx = _common(report)
    for kind in KINDS:
        escalated = _escalated_items(report, kind)
        ctx[ROWS_FIELD[kind.name]] = [] if escalated is None else _rows(report, kind, escalated, numbered=True)
    ctx["intro_text"] = narrative.escalation_intro(
        report, len(ctx["rows"]), len(ctx["matter_rows"]), len(ctx["case_rows"])
    )
    return ctx


# ---------------------------------------------------------------------------------------------
# writing


class _Environment(jinja2.Environment):
    """Autoescaping, strict, and compiling each distinct template text once: the notices of a
    month share one template, so only the first of them pays for compiling its XML."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> jinja2.Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= 32:  # a handful of templates; never grow without bound
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


_ENV: list[_Environment] = []


def _env() -> jinja2.Environment:
    if not _ENV:
        _ENV.append(_Environment())
    return _ENV[0]


SIGNATURE_STYLE = "Signature"  # the style id of the 落款 paragraphs (tools/build_word_templates.py)
TWIPS_PER_CHAR = 320  # one character of 3号 (16 pt) text


def signature_indents(office: str, date: str) -> tuple[float, float]:
    """The right indents, in characters, of the 发文机关署名 and the 成文日期 (GB/T 9704-2012
    7.3.5.2, a document without a seal): the office two characters from the right margin, the
    date's first character two right of the office's first; when the date is the longer, the
    date two from the margin and the office moved left as far."""
    o, d = textsafe.display_len(office) / 2, textsafe.display_len(date) / 2
    office_right, date_right = 2.0, 2.0 + o - 2 - d
    if date_right < 2:
        date_right, office_right = 2.0, 2.0 + d + 2 - o
    return office_right, date_right


def place_signature(body: Any, office: str, date: str) -> None:
    """Indent the last two 落款 paragraphs of a rendered document body (the office, then the
    date) by ``signature_indents``, keep the text's last paragraph with them (``_keep_before``)
    and keep a line below the date (the notice's 签收 line) with them too; nothing when a
    template edited by hand has no such pair."""
    styled = [
        p
        for p in body.iter(qn("w:p"))
        if (style := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
        and style.get(qn("w:val")) == SIGNATURE_STYLE
    ]
    if len(styled) < 2:
        return
    for paragraph, chars in zip(styled[-2:], signature_indents(office, date), strict=True):
        _property(paragraph, "w:ind").set(qn("w:right"), str(round(chars * TWIPS_PER_CHAR)))
    _keep_before(styled[-2])
    following = styled[-1].getnext()
    if following is not None and following.tag == qn("w:p") and "".join(following.itertext()).strip():
        _keep_next(styled[-1])


# The children of w:pPr in the order the schema requires (ECMA-376 CT_PPrBase, then CT_PPr's own).
_PPR_ORDER = tuple(
    qn(f"w:{name}")
    for name in [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)


def _property(paragraph: Any, tag: str) -> Any:
    """The paragraph's ``tag`` property (``w:ind``, ``w:keepNext``), made where the schema puts it
    when missing (Word refuses a file whose properties are out of order)."""
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = paragraph.makeelement(qn("w:pPr"), {})
        paragraph.insert(0, ppr)
    found = ppr.find(qn(tag))
    if found is not None:
        return found
    element = ppr.makeelement(qn(tag), {})
    rank = _PPR_ORDER.index(qn(tag))
    later = [i for i, child in enumerate(ppr) if child.tag in _PPR_ORDER and _PPR_ORDER.index(child.tag) > rank]
    ppr.insert(later[0] if later else len(ppr), element)
    return element


def _keep_next(paragraph: Any) -> None:
    """Keep ``paragraph`` on the page of the next one (``w:keepNext``, on even where the paragraph
    or its style had it off). Its lines may still be split over two pages: in Word only its last
    lines then go with the next paragraph, in LibreOffice the whole paragraph does, which is why
    the templates end their text with a short paragraph (特此通报。)."""
    _property(paragraph, "w:keepNext").attrib.pop(qn("w:val"), None)


def _keep_before(office: Any) -> None:
    """Keep the blank line above the signature and the last thing of the text (a paragraph, or a
    table's last row) with it, so the signature never stands alone at the top of a page."""
    previous = office.getprevious()
    while previous is not None:
        if previous.tag == qn("w:tbl"):
            rows = previous.findall(qn("w:tr"))
            for paragraph in rows[-1].iter(qn("w:p")) if rows else ():
                _keep_next(paragraph)
            return
        if previous.tag == qn("w:p"):
            _keep_next(previous)
            if "".join(previous.itertext()).strip():
                return  # the text's last paragraph
        previous = previous.getprevious()


def _render(template: Path, context: dict[str, Any], path: Path) -> Path:
    """Render ``template`` into ``path``, whole or not at all (``atomic.write_atomic``)."""
    doc = DocxTemplate(str(template))
    doc.render(context, _env())
    if "office" in context and "date_text" in context:
        place_signature(doc.docx.element.body, context["office"], context["date_text"])

    def save(tmp: Path) -> None:
        with open(tmp, "xb") as handle:
            doc.save(handle)

    return write_atomic(path, save, durable=True)


class _Package:
    """A Word template loaded once, for many documents from it (a month's 督办通知单).

    ``write`` makes what ``DocxTemplate.render`` and ``save`` make, with docxtpl's own steps
    (``patch_xml``, ``render_xml_part``, ``fix_tables``, ``fix_docpr_ids``) on the document
    body and the headers and footers, but without opening the template again for each document:
    the other parts of the package are copied byte for byte. They are compressed once, into
    ``base`` (the template's styles alone are 0.8 MB of XML, which took three quarters of a
    notice's time to compress again for each), and each document is ``base`` with its rendered
    parts added after them. A template whose document properties hold Jinja tags is rendered
    by docxtpl itself.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tpl = DocxTemplate(str(path))
        self.tpl.render_init()
        docx = self.tpl.docx
        props = docx.core_properties
        self.plain = not any("{" in (getattr(props, name) or "") for name in _PROPERTIES)
        self.body = self.tpl.patch_xml(self.tpl.get_xml())
        root = docx.element
        body = root.body
        self.body_at = list(root).index(body)
        root.remove(body)
        self.root = root  # the document element without its body, copied for each document
        self.document = docx.part.partname.lstrip("/")
        self.parts = []  # headers and footers: (zip name, part, patched source, encoding)
        for uri in (self.tpl.HEADER_URI, self.tpl.FOOTER_URI):
            for _key, part in self.tpl.get_headers_footers(uri):
                xml = self.tpl.get_part_xml(part)
                encoding = self.tpl.get_headers_footers_encoding(xml)
                self.parts.append((part.partname.lstrip("/"), part, self.tpl.patch_xml(xml), encoding))
        self.fixed = {}  # the document properties, as render_properties leaves them
        if self.plain:
            self.tpl.render_properties({}, _env())
            for part in docx.part.package.iter_parts():
                if part.partname == "/docProps/core.xml":
                    self.fixed[part.partname.lstrip("/")] = part.blob
        with zipfile.ZipFile(path) as z:
            entries = [(info, self.fixed.get(info.filename) or z.read(info)) for info in z.infolist()]
        own = {self.document, *(name for name, _part, _source, _encoding in self.parts)}
        self.own = [info for info, _data in entries if info.filename in own]  # rendered for each document
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in entries:
                if info.filename not in own:
                    z.writestr(info, data, zipfile.ZIP_DEFLATED)
        self.base = buffer.getvalue()  # every other part, as the template has it, compressed once

    def render(self, context: dict[str, Any]) -> bytes:
        """The .docx file of ``context``."""
        env = _env()
        tpl = self.tpl
        xml = tpl.render_xml_part(self.body, tpl.docx.part, context, env)
        tree = tpl.fix_tables(xml)
        tpl.docx_ids_index = 1000
        tpl.fix_docpr_ids(tree)
        if "office" in context and "date_text" in context:
            place_signature(tree, context["office"], context["date_text"])
        root = copy.deepcopy(self.root)
        root.insert(self.body_at, tree)
        rendered = {self.document: serialize_part_xml(root)}
        for name, part, source, encoding in self.parts:
            xml = tpl.render_xml_part(source, part, context, env)
            rendered[name] = serialize_part_xml(parse_xml(xml.encode(encoding)))
        buffer = io.BytesIO(self.base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as z:  # after the parts copied
            for info in self.own:
                z.writestr(info, rendered[info.filename], zipfile.ZIP_DEFLATED)
        return buffer.getvalue()

    def write(self, context: dict[str, Any], path: Path) -> Path:
        """Render ``context`` into ``path``, whole or not at all (``atomic.write_bytes``;
        not fsync'd: these documents are written into the staging folder of a month and
        can always be made again from the ledger)."""
        if not self.plain:
            return _render(self.path, context, path)
        return write_bytes(path, self.render(context))


# The document properties docxtpl renders as Jinja templates (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_PACKAGES: dict[tuple[Path, int, int], _Package] = {}


def _package(path: Path) -> _Package:
    """The template at ``path``, loaded once per process (again when the file changes)."""
    stat = path.stat()
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    package = _PACKAGES.get(key)
    if package is None:
        _PACKAGES.clear()
        package = _PACKAGES[key] = _Package(path)
    return package


def write_circular(report: MonthReport, path: Path, templates_dir: Path) -> Path:
    """Write the month's 通报 to ``path``."""
    return _render(templates_dir / CIRCULAR_TEMPLATE, circular_context(report), path)


def write_notices(
    report: MonthReport, out_dir: Path, templates_dir: Path, only: Sequence[str] | None = None
) -> list[Path]:
    """Write ``out_dir/{单位}.docx`` for each unit with red items; return the paths.

    A notice left from an earlier run of the month for a roster unit that no longer has red
    items is removed, so the folder always matches the month's figures. With ``only`` (a share
    of ``notice_units``, for a worker process) just those are written and nothing is removed.
    """
    units = notice_units(report)
    chosen = units if only is None else only
    by_unit = _red_rows_by_unit(report, chosen)
    template = _package(templates_dir / NOTICE_TEMPLATE)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        template.write(
            _notice_context(report, name, by_unit.get(clean(name), {}), units),
            output_path(out_dir, notice_filename(name)),
        )
        for name in chosen
    ]
    if only is not None:
        return written
    keep = {p.name for p in written}
    for unit in report.campaign.units:
        stale = out_dir / notice_filename(unit.name)
        if stale.name not in keep and stale.is_file():
            stale.unlink()
    return written


def write_escalation(report: MonthReport, path: Path, templates_dir: Path) -> Path:
    """Write the 移交纪委清单 to ``path`` (a sentence instead of the table when empty)."""
    return _render(templates_dir / ESCALATION_TEMPLATE, escalation_context(report), path)
