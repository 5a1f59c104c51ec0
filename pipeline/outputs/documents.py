"""The Word documents of a monthly run: 通报, 督办通知单 and 移交纪委清单 (SPEC §7).

The templates (``templates/*.docx``, built by ``tools/build_word_templates.py`` and editable in
Word) only place values. Every sentence that depends on the month's figures, and every number and
date format, is made here by the ``*_context`` functions, which are pure. Rendering always uses a
Jinja2 environment with autoescape on, so text from submissions (``A&B<村>``) stays text.
Each document is written to a temporary file beside its target and moved into place.
"""

from __future__ import annotations

import copy
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate, Listing, RichText

from pipeline import textsafe
from pipeline.atomic import write_atomic, write_bytes
from pipeline.filenames import output_path, safe_name
from pipeline.model import Ladder, Light, MatterStatus, Month, ProblemStatus, SubmissionState, is_missing
from pipeline.report import MonthReport, as_date
from pipeline.workdays import add_workdays

CIRCULAR_TEMPLATE = "通报.docx"
NOTICE_TEMPLATE = "督办通知单.docx"
ESCALATION_TEMPLATE = "移交纪委清单.docx"

DASH = "—"
# 三色督办, lowest first (Ladder.ALL): level -> character style id in the templates.
LADDER_STYLE: dict[str, str] = {
    Ladder.BLUE: "LadderBlue",
    Ladder.ORANGE: "LadderOrange",
    Ladder.RED: "LadderRed",
}
# Follows the level's name on a notice: "督办等级：橙色督办（第二次督办，警示）。…"
LADDER_MEANING: dict[str, str] = {
    Ladder.BLUE: "（第一次督办，提醒）。请立即组织整改，按期销号。",
    Ladder.ORANGE: "（第二次督办，警示）。请你单位主要负责同志亲自过问，限期整改到位。",
    Ladder.RED: "（经多次督办仍未落实）。标注红色督办的问题已按规定移交镇纪委督查问效。",
}
# The red 发文机关标志: 36 pt where it fits the 156 mm type area, condensed (not below 60 %)
# and then smaller where the office name is long.
HEAD_WIDTH_PT = 420.0  # the 156 mm type area is 442 pt; leave some slack
HEAD_MAX_PT = 36.0
HEAD_MIN_SCALE = 0.6
# Fonts of the runs made here (the templates' own runs carry theirs): GB/T 9704 names.
HEAD_FONT = "方正小标宋简体"
TABLE_FONT = "仿宋_GB2312"
# The circular names the escalated items' numbers only when there are this few.
ESCALATION_IDS_MAX = 5
NAMES_MAX = 8  # a sentence names at most this many units of one group, else counts them

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# formatting


def cn_date(value: object) -> str:
    """``2022年4月30日``; the text itself for 长期坚持 and other strings; ``—`` when empty."""
    day = as_date(value)
    if day is not None:
        return f"{day.year}年{day.month}月{day.day}日"
    if isinstance(value, str) and value.strip():
        return clean(value)
    return DASH


def cn_date_short(value: object, year: int) -> str:
    """``4月30日`` inside ``year`` (the campaign's), else as ``cn_date``: for narrow table cells."""
    day = as_date(value)
    if day is not None and day.year == year:
        return f"{day.month}月{day.day}日"
    return cn_date(value)


def percent(rate: object) -> str:
    """``36.0%`` for 0.36; ``—`` for NaN/None."""
    number = _number(rate)
    return DASH if number is None else f"{number * 100:.1f}%"


def change_points(value: object) -> str:
    """Completion-rate change in percentage points: ``+5.0``, ``-3.2``, ``持平``, ``—``."""
    number = _number(value)
    if number is None:
        return DASH
    if round(number, 1) == 0:
        return "持平"
    return f"{number:+.1f}"


def clean(value: object) -> str:
    """Text for a cell or sentence: whitespace and line breaks folded, control characters gone."""
    if is_missing(value):
        return ""
    text = textsafe.xml_text(_CONTROL.sub("", str(value)))
    return " ".join(text.split())


def notice_filename(unit_name: str) -> str:
    """``{单位}.docx``, safe as a file name (``filenames.safe_name``)."""
    return safe_name(unit_name, ".docx", "未命名单位")


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _int(value: object) -> int:
    number = _number(value)
    return 0 if number is None else int(number)


def _count(value: object) -> str:
    return str(_int(value))


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


def _names(values: Iterable[object]) -> str:
    return "、".join(clean(v) for v in values)


def _rate(done: int, base: int) -> float:
    return done / base if base else math.nan


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


def _unit_order(report: MonthReport) -> dict[str, int]:
    order = {u.name: i for i, u in enumerate(report.campaign.units)}
    for name in report.units.get("单位", pd.Series(dtype=object)):
        order.setdefault(str(name), len(order))
    return order


def _level_of(row: pd.Series, escalate_after: int) -> str:
    level = clean(row.get("督办等级", ""))
    if level in LADDER_STYLE:
        return level
    return Ladder.level(_int(row.get("督办次数")), escalate_after) or Ladder.BLUE


def _highest(levels: Iterable[str]) -> str:
    ranks = [Ladder.ALL.index(lv) for lv in levels if lv in Ladder.ALL]
    return Ladder.ALL[max(ranks)] if ranks else Ladder.BLUE


def _item_row(row: pd.Series, escalate_after: int, year: int) -> dict[str, Any]:
    level = _level_of(row, escalate_after)
    return {
        "no": clean(row.get("问题编号")),
        "unit": clean(row.get("填报单位")),
        "category": clean(row.get("问题类别")),
        "problem": clean(row.get("具体问题")),
        "leader": clean(row.get("责任领导")),
        "leader_lines": _title_lines(row.get("责任领导")),
        "person": clean(row.get("责任人")),
        "person_lines": _title_lines(row.get("责任人")),
        "deadline": cn_date(row.get("完成时限")),
        "deadline_short": cn_date_short(row.get("完成时限"), year),
        "days": _count(row.get("逾期天数")),
        "workdays": _count(row.get("逾期工作日")),
        "count": _count(row.get("督办次数")),
        "level_name": level,
        "level": _ladder_rich(level),
    }


# ---------------------------------------------------------------------------------------------
# 通报


def circular_context(report: MonthReport) -> dict[str, Any]:
    """The Jinja context of 通报.docx."""
    campaign = report.campaign
    problems = report.problems
    ctx = _common(report)
    ctx["red_head"] = _red_head(f"{clean(campaign.office)}文件")
    status = problems["完成状态"] if "完成状态" in problems else pd.Series(dtype=object)
    lights = problems["灯色"] if "灯色" in problems else pd.Series(dtype=object)
    total = len(problems)
    done = int((status == ProblemStatus.DONE).sum())
    doing = int((status == ProblemStatus.IN_PROGRESS).sum())
    todo = int((status == ProblemStatus.NOT_STARTED).sum())
    longterm = int((status == ProblemStatus.LONG_TERM).sum())
    red = int((lights == Light.RED).sum())
    yellow = int((lights == Light.YELLOW).sum())
    rate = _rate(done, total - longterm)
    as_of = cn_date(report.as_of)
    ctx["overview_text"] = _overview_text(report, as_of, total, _parts(done, doing, todo, longterm), rate, longterm)
    ctx["lights_text"] = _lights_text(red, yellow, campaign.warning_days, total)
    ctx["category_text"] = _category_text(report.categories)
    ctx["submission_text"] = _submission_text(report)
    ctx["unit_rows"] = _unit_rows(report)
    ctx["ranking_text"] = _ranking_text(ctx["unit_rows"])
    ctx["totals"] = {
        "total": str(total),
        "done": str(done),
        "rate": percent(rate),
        "red": str(red),
        "yellow": str(yellow),
        "change": change_points((rate - report.previous_rate) * 100),
    }
    overdue = report.overdue
    rows = [_item_row(r, campaign.escalate_after, campaign.year) for _, r in overdue.iterrows()]
    ctx["overdue_rows"] = rows
    ctx["overdue_text"] = _overdue_text(rows, as_of)
    ctx["escalation_text"] = _escalation_sentence(report)
    ctx.update(_matter_section(report))
    ctx["next_due_text"] = cn_date(campaign.due_date(Month.parse(report.month).next))
    return ctx


def _parts(done: int, doing: int, todo: int, longterm: int) -> list[str]:
    """``已完成3个``, then the other statuses that have items."""
    parts = [f"{ProblemStatus.DONE}{done}个"]
    others = (
        (ProblemStatus.IN_PROGRESS, doing),
        (ProblemStatus.NOT_STARTED, todo),
        (ProblemStatus.LONG_TERM, longterm),
    )
    return parts + [f"{label}{n}个" for label, n in others if n]


def _roster(report: MonthReport) -> tuple[list[str], list[str]]:
    """(every unit of the month's table, the units without a problem in the ledger), in roster order."""
    units = report.units
    if units.empty:
        return [clean(u.name) for u in report.campaign.units], []
    order = _unit_order(report)
    names = sorted((clean(n) for n in units["单位"]), key=lambda n: order.get(n, len(order)))
    counts = dict(
        zip(units["单位"].map(clean), units["问题数"] if "问题数" in units else [0] * len(units), strict=True)
    )
    return names, [n for n in names if not _int(counts.get(n))]


def _overview_text(report: MonthReport, as_of: str, total: int, parts: list[str], rate: float, longterm: int) -> str:
    """整改总体情况: how many units listed how many problems (never "6个单位共查摆" when only 4 did),
    and how far they are."""
    names, without = _roster(report)
    n_units = len(names)
    if total == 0:
        if n_units == 1:
            return f"截至{as_of}，{names[0]}暂无登记的问题。"
        return f"截至{as_of}，全镇{n_units}个单位均暂无登记的问题。"
    if math.isnan(rate):
        tail = "均为长期坚持类问题" if longterm == total else ""
    elif longterm:
        tail = f"完成率{percent(rate)}（不含长期坚持类问题）"
    else:
        tail = f"完成率{percent(rate)}"
    if n_units == 1:
        who = f"{names[0]}共查摆问题{total}个"
    elif not without:
        who = f"全镇{n_units}个单位共查摆问题{total}个"
    else:
        listed = n_units - len(without)
        rest = _names(without) if len(without) <= NAMES_MAX else f"其余{len(without)}个单位"
        who = f"全镇{n_units}个单位中，{listed}个单位共查摆问题{total}个（{rest}暂无登记的问题）"
    return f"截至{as_of}，{who}，其中" + "，".join(parts) + (f"，{tail}。" if tail else "。")


def _lights_text(red: int, yellow: int, warning_days: int, total: int) -> str:
    if total == 0:
        return "请各单位对照整顿重点认真开展自查，如实查摆问题。"
    if red == 0 and yellow == 0:
        return "按照“红黄绿”三色预警，目前无红灯、黄灯问题，整改工作总体按计划推进。"
    red_part = f"红灯问题（已超过完成时限仍未完成）{red}个"
    yellow_part = f"黄灯问题（{warning_days}天内到期）{yellow}个"
    if red and yellow:
        return f"按照“红黄绿”三色预警，目前有{red_part}、{yellow_part}。"
    if red:
        return f"按照“红黄绿”三色预警，目前有{red_part}，无黄灯问题。"
    return f"按照“红黄绿”三色预警，目前无红灯问题，有{yellow_part}，相关单位要抓紧推进，防止逾期。"


def _category_text(categories: pd.DataFrame) -> str:
    if categories.empty or "问题数" not in categories:
        return "本月暂无分类统计数据。"
    used = categories[categories["问题数"].fillna(0).astype(int) > 0]
    if used.empty:
        return "本月各类别均无查摆问题。"
    main, special = [], []
    for _, row in used.iterrows():
        name = clean(row["问题类别"])
        figure = f"{_count(row['问题数'])}个，已完成{_count(row.get(ProblemStatus.DONE))}个"
        longterm = _int(row.get(ProblemStatus.LONG_TERM))
        if _number(row.get("完成率")) is None:
            figure += "（均为长期坚持类）"
        else:  # the rate leaves 长期坚持 items out: say so where it is not 已完成 ÷ 问题数
            figure += f"，完成率{percent(row.get('完成率'))}"
            if longterm:
                figure += f"（长期坚持类{longterm}个不计入）"
        reds = _int(row.get(Light.RED))
        if reds:
            figure += f"，红灯{reds}个"
        if bool(row.get("专项治理", False)):
            special.append(f"{name}问题{figure}")
        else:
            main.append(f"“{name}”方面问题{figure}")
    sentences = []
    if main:
        sentences.append("从问题类别看，" + "；".join(main) + "。")
    if special:
        lead = "专项治理方面，" if main else "从问题类别看，"
        sentences.append(lead + "；".join(special) + "。")
    return "".join(sentences)


def _submission_text(report: MonthReport) -> str:
    subs = report.submissions
    if subs.empty:
        return "本月无报送记录。"
    order = _unit_order(report)
    subs = subs.assign(_o=subs["单位"].map(lambda n: order.get(str(n), len(order))))
    subs = subs.sort_values("_o", kind="stable")
    groups = {s: subs.loc[subs["报送状态"] == s, "单位"].tolist() for s in SubmissionState.ALL}
    on_time, late, returned, missing = (groups[s] for s in SubmissionState.ALL)
    n_all = len(subs)
    received = len(on_time) + len(late) + len(returned)
    what = "问题清单" if Month.parse(report.month) == Month.of(report.campaign.problem_list_due) else "问题整改进展"
    if n_all == 1:
        name, state = clean(subs["单位"].iloc[0]), str(subs["报送状态"].iloc[0])
        said = {
            SubmissionState.ON_TIME: f"按时报送了{what}。",
            SubmissionState.LATE: f"逾期报送了{what}，要严格按时限报送。",
            SubmissionState.RETURNED: f"报送的{what}因填报不规范被退回修改，要按要求尽快补报。",
        }
        return f"本月应报送单位1个，{name}" + said.get(state, f"截至{cn_date(report.as_of)}未报送{what}，请尽快报送。")
    if len(on_time) == n_all:
        return f"本月应报送单位{n_all}个，{n_all}个单位均按时报送了{what}。"
    if received == 0:
        return f"本月应报送单位{n_all}个，截至{cn_date(report.as_of)}均未报送{what}，请各单位尽快报送。"
    first = f"本月应报送单位{n_all}个，共收到{received}个单位报送的{what}。"
    details = []
    if on_time:
        details.append(f"按时报送{len(on_time)}个")
    for names, label in ((late, "逾期报送"), (returned, "因填报不规范被退回修改"), (missing, SubmissionState.MISSING)):
        if names:
            details.append(f"{label}{len(names)}个：{_names(names)}")
    text = first + "其中，" + "；".join(details) + "。"
    if returned or missing:
        text += "被退回和未报送的单位要按要求尽快补报，确保问题清单真实、完整、规范。"
    elif late:
        text += "逾期报送的单位要严格按时限报送。"
    return text


def _unit_rows(report: MonthReport) -> list[dict[str, Any]]:
    units = report.units
    if units.empty:
        return []
    order = _unit_order(report)
    ranked = units.assign(
        _r=pd.to_numeric(units["排名"], errors="coerce"),
        _o=units["单位"].map(lambda n: order.get(str(n), len(order))),
    ).sort_values(["_r", "_o"], na_position="last", kind="stable")
    rows = []
    for _, row in ranked.iterrows():
        rank = _number(row.get("排名"))
        unrated = _number(row.get("完成率")) is None  # nothing to complete: not ranked
        rows.append(
            {
                "rank": DASH if rank is None or unrated else str(int(rank)),
                "unit": clean(row.get("单位")),
                "total": _count(row.get("问题数")),
                "done": _count(row.get(ProblemStatus.DONE)),
                "rate": percent(row.get("完成率")),
                "rate_value": _number(row.get("完成率")),
                "red": _count(row.get(Light.RED)),
                "yellow": _count(row.get(Light.YELLOW)),
                "change": change_points(row.get("较上月")),
            }
        )
    return rows


def _ranking_text(rows: list[dict[str, Any]]) -> str:
    """The units with the higher and the lower completion rates (units sharing a rate named
    together; a 0 % unit never among the higher, nor a unit among both), the units with red
    items, and the units left out of the ranking because they have nothing to complete."""
    rated = [r for r in rows if r["rate_value"] is not None]
    unrated = [r["unit"] for r in rows if r["rate_value"] is None]
    tail = "各单位整改进展及排名情况如下：" if len(rows) != 1 else "整改进展情况如下："
    text = ""
    if len(rated) == 1:
        text = f"从各单位看，{rated[0]['unit']}完成率为{rated[0]['rate']}。"
    elif rated:
        groups = _rate_groups(rated)
        if len(groups) == 1:
            who = "各单位" if not unrated else f"{len(rated)}个单位"
            text = f"从各单位看，{who}完成率均为{groups[0][0]}。"
        else:
            n = 3 if len(rated) >= 8 else 2 if len(rated) >= 4 else 1
            top, bottom = _rate_ends(groups, n)
            text = (
                f"从各单位看，完成率较高的是{_by_rate(top)}；完成率较低的是{_by_rate(bottom)}，相关单位要加快整改进度。"
            )
    if unrated and rated:
        who = _names(unrated) if len(unrated) <= NAMES_MAX else f"另有{len(unrated)}个单位"
        text += f"{who}暂无需限期完成的问题，不参加排名。"
    reds = [r["unit"] for r in rows if r["red"] != "0"]
    if reds:
        text += f"存在红灯问题的单位{len(reds)}个：{'、'.join(reds)}。"
    return text + tail


def _rate_groups(rated: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(rate as shown, units) of each distinct rate, highest first (table order within a rate)."""
    groups: dict[str, tuple[float, list[str]]] = {}
    for r in rated:
        groups.setdefault(r["rate"], (round(r["rate_value"], 4), []))[1].append(r["unit"])
    ordered = sorted(groups.items(), key=lambda item: -item[1][0])
    return [(shown, names) for shown, (_value, names) in ordered]


def _rate_ends(
    groups: list[tuple[str, list[str]]], n: int
) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """The groups named as the higher rates and as the lower ones: at least ``n`` units each way
    (whole groups, so tied units are all named), the highest and the lowest group always, no group
    in both, and a 0 % group never among the higher."""
    top, bottom = [groups[0]], [groups[-1]]
    i, j = 1, len(groups) - 2
    while sum(len(g[1]) for g in top) < n and i <= j and groups[i][0] != percent(0):
        top.append(groups[i])
        i += 1
    while sum(len(g[1]) for g in bottom) < n and j >= i:
        bottom.insert(0, groups[j])
        j -= 1
    return top, bottom


def _by_rate(groups: list[tuple[str, list[str]]]) -> str:
    """``甲村、乙村（均为100.0%）、丙村（88.9%）``: units sharing a rate named together (counted
    when more than ``NAMES_MAX``)."""
    parts = []
    for rate, names in groups:
        if len(names) == 1:
            parts.append(f"{names[0]}（{rate}）")
        elif len(names) <= NAMES_MAX:
            parts.append(f"{'、'.join(names)}（均为{rate}）")
        else:
            parts.append(f"{len(names)}个单位（均为{rate}）")
    return "、".join(parts)


def _overdue_text(rows: list[dict[str, Any]], as_of: str) -> str:
    if not rows:
        return f"截至{as_of}，全镇无逾期未完成（红灯）问题。"
    units = list(dict.fromkeys(r["unit"] for r in rows))
    by_level = {lv: sum(1 for r in rows if r["level_name"] == lv) for lv in Ladder.ALL}
    levels = "、".join(f"{lv}{n}个" for lv, n in by_level.items() if n)
    return (
        f"截至{as_of}，全镇共有逾期未完成（红灯）问题{len(rows)}个，涉及{len(units)}个单位，"
        f"其中{levels}。镇干部作风整顿办已向相关单位下发督办通知单。具体如下："
    )


def _escalation_sentence(report: MonthReport) -> str:
    esc = report.escalated
    if esc.empty:
        return "本月无移交镇纪委督查问效的问题。"
    ids = f"（{_names(esc['问题编号'])}）" if len(esc) <= ESCALATION_IDS_MAX else ""
    units = list(dict.fromkeys(clean(u) for u in esc["填报单位"]))
    return (
        f"经{report.campaign.escalate_after}次及以上督办仍未落实的问题{len(esc)}个{ids}，"
        f"涉及{_names(units)}，已移交镇纪委督查问效，"
        "详见《干部作风整顿问题移交镇纪委督查问效清单》。"
    )


# ---------------------------------------------------------------------------------------------
# 领导批示和交办事项 (the matters the office assigns, pipeline/kinds.py MATTER)

MATTER = "matter"


def _matter_row(row: pd.Series, escalate_after: int, year: int) -> dict[str, Any]:
    level = _level_of(row, escalate_after)
    return {
        "no": clean(row.get("编号")),
        "unit": clean(row.get("填报单位")),
        "content": clean(row.get("事项内容")),
        "leader": clean(row.get("交办领导")),
        "leader_lines": _title_lines(row.get("交办领导")),
        "assigned": cn_date_short(row.get("交办日期"), year),
        "deadline": cn_date(row.get("办理时限")),
        "deadline_short": cn_date_short(row.get("办理时限"), year),
        "progress": clean(row.get("办理进展")) or DASH,
        "days": _count(row.get("逾期天数")),
        "count": _count(row.get("督办次数")),
        "level_name": level,
        "level": _ladder_rich(level),
    }


def _matter_section(report: MonthReport) -> dict[str, Any]:
    """The circular's section 领导批示和交办事项落实情况 (absent when the office assigned nothing)."""
    ledger = report.ledgers.get(MATTER)
    campaign = report.campaign
    if ledger is None or ledger.items.empty:
        return {"has_matters": False, "matter_text": "", "matter_rows": [], "steps_no": "五"}
    items = ledger.items
    status = items["办理状态"]
    total = len(items)
    done = int((status == MatterStatus.DONE).sum())
    doing = int((status == MatterStatus.IN_PROGRESS).sum())
    todo = int((status == MatterStatus.NOT_STARTED).sum())
    units = {c for c in ledger.pairs["单位编码"]}
    red = int((items["灯色"] == Light.RED).sum())
    late_done = ledger.finished_late
    as_of = cn_date(report.as_of)
    others = ((MatterStatus.IN_PROGRESS, doing), (MatterStatus.NOT_STARTED, todo))
    parts = [f"{MatterStatus.DONE}{done}件"] + [f"{label}{n}件" for label, n in others if n]
    text = (
        f"镇干部作风整顿办对主要领导批示、交办事项进行了梳理汇总。截至{as_of}，共有交办事项{total}件，"
        f"涉及{len(units)}个承办单位，其中" + "，".join(parts) + f"，办结率{percent(_rate(done, total))}"
    )
    text += f"（其中{late_done}件超过办理时限后办结）。" if late_done else "。"
    rows = [_matter_row(r, campaign.escalate_after, campaign.year) for _, r in ledger.red_pairs().iterrows()]
    if red:
        names = _names(dict.fromkeys(r["unit"] for r in rows))
        text += (
            f"超过办理时限仍未办结（红灯）的交办事项{red}件，涉及{names}，"
            "对落实滞后、久推不动、敷衍塞责的，已下发督办通知单督促整改。"
        )
    else:
        text += "目前无超过办理时限仍未办结的交办事项。"
    escalated = ledger.escalated
    if not escalated.empty:
        ids = _names(dict.fromkeys(escalated["编号"]))
        text += (
            f"经{campaign.escalate_after}次及以上督办仍未落实的交办事项{escalated['编号'].nunique()}件（{ids}），"
            "已会同镇纪委督查问效。"
        )
    if rows:
        text += "具体如下："
    return {"has_matters": True, "matter_text": text, "matter_rows": rows, "steps_no": "六"}


def _matter_rows_by_unit(report: MonthReport) -> dict[str, list[dict[str, Any]]]:
    """``_unit_matter_rows`` of every unit with red matters, keyed by ``clean(unit name)``."""
    ledger = report.ledgers.get(MATTER)
    if ledger is None:
        return {}
    campaign = report.campaign
    out: dict[str, list[dict[str, Any]]] = {}
    red = ledger.red_pairs()
    for name, (_, row) in zip(red["填报单位"].map(clean), red.iterrows(), strict=True):
        out.setdefault(name, []).append(_matter_row(row, campaign.escalate_after, campaign.year))
    return out


def _unit_matter_rows(report: MonthReport, unit_name: str) -> list[dict[str, Any]]:
    ledger = report.ledgers.get(MATTER)
    if ledger is None:
        return []
    campaign = report.campaign
    mine = ledger.red_pairs()
    mine = mine[mine["填报单位"].map(clean) == clean(unit_name)]
    return [_matter_row(r, campaign.escalate_after, campaign.year) for _, r in mine.iterrows()]


# ---------------------------------------------------------------------------------------------
# 督办通知单


def notice_units(report: MonthReport) -> list[str]:
    """The units with red items, in roster order."""
    red = report.problems[report.problems["灯色"] == Light.RED]
    order = _unit_order(report)
    names = {clean(n) for n in red["填报单位"]}
    for ledger in report.ledgers.values():  # units with red assigned matters are pressed too
        names |= {clean(n) for n in ledger.red_pairs()["填报单位"]}
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def notice_context(report: MonthReport, unit_name: str) -> dict[str, Any]:
    """The Jinja context of one unit's 督办通知单."""
    overdue = report.overdue
    mine = overdue[overdue["填报单位"].map(clean) == clean(unit_name)]
    return _notice_context(report, unit_name, mine, notice_units(report))


def _notice_context(
    report: MonthReport,
    unit_name: str,
    mine: pd.DataFrame,
    units: list[str],
    matter_rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``notice_context`` with the unit's red items (``mine``) and ``notice_units`` found already
    (and the unit's ``_unit_matter_rows``, when ``write_notices`` made them for every unit at once)."""
    campaign = report.campaign
    ctx = _common(report)
    rows = [_item_row(r, campaign.escalate_after, campaign.year) for _, r in mine.iterrows()]
    if matter_rows is None:
        matter_rows = _unit_matter_rows(report, unit_name)
    level = _highest(r["level_name"] for r in [*rows, *matter_rows])
    seq = units.index(clean(unit_name)) + 1 if clean(unit_name) in units else len(units) + 1
    # aggregate computes the reply-by date once for every document; a hand-made report may lack it
    reply_by = report.reply_by or add_workdays(report.as_of, campaign.reply_workdays)[0]
    ctx.update(
        {
            "unit": clean(unit_name),
            "notice_no": f"{campaign.doc_prefix}督〔{report.as_of.year}〕{report.doc_number}-{seq}号",
            "notice_text": _notice_text(report, rows, matter_rows),
            "rows": rows,
            "matter_rows": matter_rows,
            "level": _ladder_rich(level),
            "level_name": level,
            "level_text": LADDER_MEANING[level],
            "reply_by_text": cn_date(reply_by),
        }
    )
    return ctx


def _notice_text(report: MonthReport, rows: list[dict[str, Any]], matter_rows: list[dict[str, Any]]) -> str:
    as_of = cn_date(report.as_of)
    if rows and not matter_rows:
        return (
            f"经核查，截至{as_of}，你单位干部作风整顿问题清单中有{len(rows)}个"
            "问题已超过完成时限仍未完成整改（红灯），现予督办。具体如下："
        )
    if not rows:
        return (
            f"经核查，截至{as_of}，交办你单位的领导批示、交办事项中有{len(matter_rows)}件"
            "已超过办理时限仍未办结（红灯），现予督办。具体如下："
        )
    return (
        f"经核查，截至{as_of}，你单位干部作风整顿问题清单中有{len(rows)}个问题已超过完成时限仍未完成整改，"
        f"交办你单位的领导批示、交办事项中有{len(matter_rows)}件已超过办理时限仍未办结（红灯），现予督办。具体如下："
    )


# ---------------------------------------------------------------------------------------------
# 移交纪委清单


def escalation_context(report: MonthReport) -> dict[str, Any]:
    """The Jinja context of 移交纪委清单.docx."""
    campaign = report.campaign
    ctx = _common(report)
    rows = []
    for seq, (_, row) in enumerate(report.escalated.iterrows(), start=1):
        item = _item_row(row, campaign.escalate_after, campaign.year)
        item["seq"] = str(seq)
        rows.append(item)
    ctx["rows"] = rows
    matter_rows = []
    ledger = report.ledgers.get(MATTER)
    if ledger is not None:
        for seq, (_, row) in enumerate(ledger.escalated.iterrows(), start=1):
            item = _matter_row(row, campaign.escalate_after, campaign.year)
            item["seq"] = str(seq)
            matter_rows.append(item)
    ctx["matter_rows"] = matter_rows
    as_of = cn_date(report.as_of)
    basis = (
        f"根据《{clean(campaign.town)}{campaign.year}年干部作风整顿工作方案》"
        "“经多次督办仍未落实的，会同镇纪委督查问效”的要求，"
    )
    if rows and not matter_rows:
        ctx["intro_text"] = (
            f"{basis}截至{as_of}，以下{len(rows)}个问题经{campaign.escalate_after}次及以上督办仍未落实，"
            "现移交镇纪委督查问效。"
        )
    elif matter_rows:
        what = f"{len(rows)}个问题和" if rows else ""
        ctx["intro_text"] = (
            f"{basis}截至{as_of}，以下{what}{len(matter_rows)}项领导批示、交办事项（按承办单位计）"
            f"经{campaign.escalate_after}次及以上督办仍未落实，现移交镇纪委督查问效。"
        )
    else:
        ctx["intro_text"] = f"截至{as_of}，本月无移交事项。"
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
    the other parts of the package are copied byte for byte. A template whose document
    properties hold Jinja tags is rendered by docxtpl itself.
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
            self.entries = [(info, self.fixed.get(info.filename) or z.read(info)) for info in z.infolist()]

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
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in self.entries:
                z.writestr(info, rendered.get(info.filename, data), zipfile.ZIP_DEFLATED)
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
    overdue = report.overdue
    by_unit = dict(iter(overdue.groupby(overdue["填报单位"].map(clean), sort=False)))
    none = overdue.iloc[0:0]
    matters = _matter_rows_by_unit(report)
    template = _package(templates_dir / NOTICE_TEMPLATE)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        template.write(
            _notice_context(report, name, by_unit.get(clean(name), none), units, matters.get(clean(name), [])),
            output_path(out_dir, notice_filename(name)),
        )
        for name in (units if only is None else only)
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
