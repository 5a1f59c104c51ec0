"""Every sentence the office reads that depends on the figures: the monthly 通报, 督办通知单 and
移交纪委清单 (``MonthReport``), and the leaders' 半年 / 年度 reports (``SummaryData``), with the
number and date formats they are written in. The writers in ``pipeline/outputs`` only place
these texts; nothing here reads or writes a file.

**The ranking rule.** Both documents rank the units the same way and pick whom to name by
the same rule:

- *Order*: by completion rate, then fewer red lights (the 排名 ``aggregate`` gives the month and
  ``summary`` the period; both tables print it). A unit with nothing to complete takes no place.
- *How many are named* at each end (``named_count``): 3 when 8 or more units are ranked, 2 from
  4, else 1. With 6 or 7 units, three at each end would name every unit or all but one, and a
  sentence that names everyone singles nobody out: the circular's rule, which every issued
  circular follows (tests/test_migration.py), is kept and the reports' (three from 6, else half)
  is dropped.
- *Which* (``ends``): whole tie groups, so that units a sentence cannot tell apart are named
  together or not at all; the first group always at the top and the last always at the bottom;
  the top filled first (up to the count), then the bottom from what is left, so no unit is named
  at both ends; a group at 0 % never among the first. Where only one end is named (the largest
  falls) the same count is taken from that end (``last``).
- *Ties* are what the sentence's own words cannot tell apart. The circular says 完成率较高的是 /
  较低的是, so its ties are equal rates (as shown): splitting units of equal rate by their red
  lights would call one 50 % unit higher and the other lower. The reports say 排名第一、前三名、
  并列第二, places, so their ties are equal 排名: calling units of equal rate but different places
  并列 would contradict the table, and the sentence says why they differ (完成率相同的，红灯问题少的
  排名在前). The progress sentence's ties are equal gains (as shown).

Catalogue messages (``pipeline/messages.py``) are the clerk's; these texts are the office's.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from pipeline import textsafe
from pipeline.kinds import MATTER
from pipeline.messages import render_text
from pipeline.model import (
    Ladder,
    Light,
    MatterStatus,
    Month,
    ProblemStatus,
    RatingLevel,
    RatingReason,
    Signal,
    SubmissionState,
    YesNo,
    is_missing,
)
from pipeline.report import ItemLedger, MonthReport, as_date

if TYPE_CHECKING:  # the leaders' reports only: a month's run does not load pipeline.summary
    from pipeline.summary import SummaryData

DASH = "—"
NAMES_MAX = 8  # a sentence names at most this many units of one group, else counts them
ESCALATION_IDS_MAX = 5  # the circular names the escalated items' numbers only when there are this few
CN_NUMBERS = "一二三四五六七八九十"
ORDINALS = {1: "一", 2: "两", 3: "三"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# numbers, dates and names as the office writes them


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
    value = number(rate)
    return DASH if value is None else f"{value * 100:.1f}%"


def change_points(value: object) -> str:
    """Completion-rate change in percentage points: ``+5.0``, ``-3.2``, ``持平``, ``—``."""
    points = number(value)
    if points is None:
        return DASH
    if round(points, 1) == 0:
        return "持平"
    return f"{points:+.1f}"


def points_text(value: float) -> str:
    """A change of completion rate in words: ``提升87.5个百分点``, ``下降5.0个百分点``, ``持平``."""
    if round(value, 1) == 0:
        return "持平"
    return f"{'提升' if value > 0 else '下降'}{abs(value):.1f}个百分点"


def clean(value: object) -> str:
    """Text for a cell or sentence: whitespace and line breaks folded, control characters gone."""
    if is_missing(value):
        return ""
    text = textsafe.xml_text(_CONTROL.sub("", str(value)))
    return " ".join(text.split())


def number(value: object) -> float | None:
    """A figure as a float; None for a missing one (None, NaN, a flag, text)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        found = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(found) else found


def whole(value: object) -> int:
    """A count (0 for a missing one)."""
    found = number(value)
    return 0 if found is None else int(found)


def count_text(value: object) -> str:
    return str(whole(value))


def names(values: Iterable[object]) -> str:
    """``甲村、乙村``."""
    return "、".join(clean(v) for v in values)


def who(units: list[str]) -> str:
    """``甲村、乙村`` or, for more than ``NAMES_MAX``, ``12个单位``."""
    return "、".join(units) if len(units) <= NAMES_MAX else f"{len(units)}个单位"


def some_names(units: list[str]) -> str:
    """``甲村、乙村`` or, past ``NAMES_MAX``, ``甲村、乙村……等12个单位``."""
    if len(units) <= NAMES_MAX:
        return "、".join(units)
    return "、".join(units[:NAMES_MAX]) + f"等{len(units)}个单位"


def ordinal(place: int) -> str:
    return CN_NUMBERS[place - 1] if place <= len(CN_NUMBERS) else str(place)


# ---------------------------------------------------------------------------------------------
# the ranking rule (module docstring)


class Tie(NamedTuple):
    """Units a sentence names together: ``place`` is the first one's (competition) place, ``shown``
    the figure as the sentence shows it."""

    place: int
    names: list[str]
    shown: str


def ties(units: Sequence[str], shown: Sequence[str], keys: Sequence[object] | None = None) -> list[Tie]:
    """Runs of equal ``keys`` (default: the ``shown`` figures) of units already in ranked order."""
    groups: list[Tie] = []
    keys = list(shown) if keys is None else list(keys)
    for position, (name, value, key) in enumerate(zip(units, shown, keys, strict=True), start=1):
        if groups and keys[position - 2] == key:
            groups[-1].names.append(name)
        else:
            groups.append(Tie(position, [name], value))
    return groups


def named_count(units: int) -> int:
    """How many units a sentence names at each end of a ranking of ``units`` units."""
    return 3 if units >= 8 else 2 if units >= 4 else 1


def _size(groups: Sequence[Tie]) -> int:
    return sum(len(g.names) for g in groups)


def ends(groups: list[Tie], n: int, floor: str | None = None) -> tuple[list[Tie], list[Tie]]:
    """The groups named first and the groups named last: at least ``n`` units each way in whole
    groups, the first group always first and the last always last, the first places filled
    before the last, no group at both ends, and a group showing ``floor`` (0 %) never among the
    first but the first group. One group is only the first."""
    if len(groups) < 2:
        return groups, []
    top, bottom = [groups[0]], [groups[-1]]
    i, j = 1, len(groups) - 2
    while _size(top) < n and i <= j and groups[i].shown != floor:
        top.append(groups[i])
        i += 1
    while _size(bottom) < n and j >= i:
        bottom.insert(0, groups[j])
        j -= 1
    return top, bottom


def last(groups: list[Tie], n: int) -> list[Tie]:
    """The groups named when only the last places are named: whole groups from the end, at least
    ``n`` units (at least the last group)."""
    chosen: list[Tie] = []
    for group in reversed(groups):
        if chosen and _size(chosen) >= n:
            break
        chosen.insert(0, group)
    return chosen


def _group_text(units: list[str], value: str, alone: str, tied: str) -> str:
    """``甲村（alone）``, ``甲村、乙村（tied）`` or, for more than ``NAMES_MAX``, ``12个单位（tied）``."""
    if len(units) == 1:
        return f"{units[0]}（{alone.format(value)}）"
    return f"{who(units)}（{tied.format(value)}）"


def _places(groups: Sequence[Tie], tied: str = "均为{}") -> str:
    """Groups as ``甲村（100.0%）、乙村、丙村（并列第二，均为90.0%）``; ``{rank}`` in ``tied`` is the place."""
    return "、".join(_group_text(g.names, g.shown, "{}", tied.replace("{rank}", ordinal(g.place))) for g in groups)


def _by_rate(groups: Sequence[Tie]) -> str:
    """``甲村、乙村（均为100.0%）、丙村（88.9%）``: units sharing a rate named together (counted
    when more than ``NAMES_MAX``)."""
    parts = []
    for group in groups:
        if len(group.names) == 1:
            parts.append(f"{group.names[0]}（{group.shown}）")
        elif len(group.names) <= NAMES_MAX:
            parts.append(f"{'、'.join(group.names)}（均为{group.shown}）")
        else:
            parts.append(f"{len(group.names)}个单位（均为{group.shown}）")
    return "、".join(parts)


# ---------------------------------------------------------------------------------------------
# 通报


def _roster(report: MonthReport) -> tuple[list[str], list[str]]:
    """(every unit of the month's table, the units without a problem in the ledger), in roster order."""
    units = report.units
    if units.empty:
        return [clean(u.name) for u in report.campaign.units], []
    order = report.roster_order
    listed = sorted((clean(n) for n in units["单位"]), key=lambda n: order.get(n, len(order)))
    counts = dict(
        zip(units["单位"].map(clean), units["问题数"] if "问题数" in units else [0] * len(units), strict=True)
    )
    return listed, [n for n in listed if not whole(counts.get(n))]


def overview_text(report: MonthReport) -> str:
    """整改总体情况: how many units listed how many problems (never "6个单位共查摆" when only 4 did),
    and how far they are."""
    as_of = cn_date(report.as_of)
    totals = report.totals
    total, longterm, rate = totals["问题数"], totals[ProblemStatus.LONG_TERM], totals["完成率"]
    listed, without = _roster(report)
    n_units = len(listed)
    if total == 0:
        if n_units == 1:
            return f"截至{as_of}，{listed[0]}暂无登记的问题。"
        return f"截至{as_of}，全镇{n_units}个单位均暂无登记的问题。"
    if math.isnan(rate):
        tail = "均为长期坚持类问题" if longterm == total else ""
    elif longterm:
        tail = f"完成率{percent(rate)}（不含长期坚持类问题）"
    else:
        tail = f"完成率{percent(rate)}"
    if n_units == 1:
        whose = f"{listed[0]}共查摆问题{total}个"
    elif not without:
        whose = f"全镇{n_units}个单位共查摆问题{total}个"
    else:
        rest = names(without) if len(without) <= NAMES_MAX else f"其余{len(without)}个单位"
        whose = f"全镇{n_units}个单位中，{n_units - len(without)}个单位共查摆问题{total}个（{rest}暂无登记的问题）"
    others = (ProblemStatus.IN_PROGRESS, ProblemStatus.NOT_STARTED, ProblemStatus.LONG_TERM)
    parts = [f"{ProblemStatus.DONE}{totals[ProblemStatus.DONE]}个"]
    parts += [f"{label}{totals[label]}个" for label in others if totals[label]]
    return f"截至{as_of}，{whose}，其中" + "，".join(parts) + (f"，{tail}。" if tail else "。")


def lights_text(report: MonthReport) -> str:
    totals = report.totals
    red, yellow = totals[Light.RED], totals[Light.YELLOW]
    if totals["问题数"] == 0:
        return "请各单位对照整顿重点认真开展自查，如实查摆问题。"
    if red == 0 and yellow == 0:
        return "按照“红黄绿”三色预警，目前无红灯、黄灯问题，整改工作总体按计划推进。"
    red_part = f"红灯问题（已超过完成时限仍未完成）{red}个"
    yellow_part = f"黄灯问题（{report.campaign.warning_days}天内到期）{yellow}个"
    if red and yellow:
        return f"按照“红黄绿”三色预警，目前有{red_part}、{yellow_part}。"
    if red:
        return f"按照“红黄绿”三色预警，目前有{red_part}，无黄灯问题。"
    return f"按照“红黄绿”三色预警，目前无红灯问题，有{yellow_part}，相关单位要抓紧推进，防止逾期。"


def category_text(report: MonthReport) -> str:
    categories = report.categories
    if categories.empty or "问题数" not in categories:
        return "本月暂无分类统计数据。"
    used = categories[categories["问题数"].fillna(0).astype(int) > 0]
    if used.empty:
        return "本月各类别均无查摆问题。"
    main, special = [], []
    for _, row in used.iterrows():
        name = clean(row["问题类别"])
        figure = f"{count_text(row['问题数'])}个，已完成{count_text(row.get(ProblemStatus.DONE))}个"
        longterm = whole(row.get(ProblemStatus.LONG_TERM))
        if number(row.get("完成率")) is None:
            figure += "（均为长期坚持类）"
        else:  # the rate leaves 长期坚持 items out: say so where it is not 已完成 ÷ 问题数
            figure += f"，完成率{percent(row.get('完成率'))}"
            if longterm:
                figure += f"（长期坚持类{longterm}个不计入）"
        reds = whole(row.get(Light.RED))
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


def submission_text(report: MonthReport) -> str:
    subs = report.submissions
    if subs.empty:
        return "本月无报送记录。"
    order = report.roster_order
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
    for units, label in ((late, "逾期报送"), (returned, "因填报不规范被退回修改"), (missing, SubmissionState.MISSING)):
        if units:
            details.append(f"{label}{len(units)}个：{names(units)}")
    text = first + "其中，" + "；".join(details) + "。"
    if returned or missing:
        text += "被退回和未报送的单位要按要求尽快补报，确保问题清单真实、完整、规范。"
    elif late:
        text += "逾期报送的单位要严格按时限报送。"
    return text


def ranking_text(report: MonthReport) -> str:
    """The units with the higher and the lower completion rates (the ranking rule, ties by rate),
    the units with red items, and the units left out of the ranking because they have nothing to
    complete."""
    units = report.ranked_units
    rows = [
        (clean(row.get("单位")), number(row.get("完成率")), whole(row.get(Light.RED)))
        for row in units.to_dict("records")
    ]
    rated = [(name, rate) for name, rate, _red in rows if rate is not None]
    unrated = [name for name, rate, _red in rows if rate is None]
    tail = "各单位整改进展及排名情况如下：" if len(rows) != 1 else "整改进展情况如下："
    text = ""
    if len(rated) == 1:
        text = f"从各单位看，{rated[0][0]}完成率为{percent(rated[0][1])}。"
    elif rated:
        ordered = sorted(rated, key=lambda r: -round(r[1], 4))  # stable: the table's order within a rate
        groups = ties([name for name, _ in ordered], [percent(rate) for _, rate in ordered])
        if len(groups) == 1:
            whose = "各单位" if not unrated else f"{len(rated)}个单位"
            text = f"从各单位看，{whose}完成率均为{groups[0].shown}。"
        else:
            top, bottom = ends(groups, named_count(len(rated)), floor=percent(0))
            text = (
                f"从各单位看，完成率较高的是{_by_rate(top)}；完成率较低的是{_by_rate(bottom)}，相关单位要加快整改进度。"
            )
    if unrated and rated:
        whose = names(unrated) if len(unrated) <= NAMES_MAX else f"另有{len(unrated)}个单位"
        text += f"{whose}暂无需限期完成的问题，不参加排名。"
    reds = [name for name, _rate, red in rows if red]
    if reds:
        text += f"存在红灯问题的单位{len(reds)}个：{'、'.join(reds)}。"
    return text + tail


def overdue_text(report: MonthReport) -> str:
    overdue = report.overdue
    as_of = cn_date(report.as_of)
    if overdue.empty:
        return f"截至{as_of}，全镇无逾期未完成（红灯）问题。"
    units = list(dict.fromkeys(clean(u) for u in overdue["填报单位"]))
    levels = [clean(level) for level in overdue["督办等级"]]
    by_level = "、".join(f"{lv}{n}个" for lv in Ladder.ALL if (n := levels.count(lv)))
    return (
        f"截至{as_of}，全镇共有逾期未完成（红灯）问题{len(overdue)}个，涉及{len(units)}个单位，"
        f"其中{by_level}。镇干部作风整顿办已向相关单位下发督办通知单。具体如下："
    )


def escalation_text(report: MonthReport) -> str:
    esc = report.escalated
    if esc.empty:
        return "本月无移交镇纪委督查问效的问题。"
    ids = f"（{names(esc['问题编号'])}）" if len(esc) <= ESCALATION_IDS_MAX else ""
    units = list(dict.fromkeys(clean(u) for u in esc["填报单位"]))
    return (
        f"经{report.campaign.escalate_after}次及以上督办仍未落实的问题{len(esc)}个{ids}，"
        f"涉及{names(units)}，已移交镇纪委督查问效，"
        "详见《干部作风整顿问题移交镇纪委督查问效清单》。"
    )


def _matter_counts(ledger: ItemLedger) -> tuple[int, int, list[str]]:
    """(matters, 已办结, the open statuses that have matters: ``办理中2件``)."""
    status = ledger.items[ledger.kind.status_column]
    open_parts = [
        f"{label}{n}件"
        for label in (MatterStatus.IN_PROGRESS, MatterStatus.NOT_STARTED)
        if (n := int((status == label).sum()))
    ]
    return len(status), int((status == MatterStatus.DONE).sum()), open_parts


def matter_text(report: MonthReport) -> str:
    """The circular's 领导批示和交办事项落实情况 ("" when the office assigned nothing)."""
    ledger = report.ledgers.get(MATTER.name)
    if ledger is None or ledger.items.empty:
        return ""
    escalate_after = report.campaign.escalate_after
    total, done, open_parts = _matter_counts(ledger)
    late_done = ledger.finished_late
    text = (
        f"镇干部作风整顿办对主要领导批示、交办事项进行了梳理汇总。截至{cn_date(report.as_of)}，共有交办事项{total}件，"
        f"涉及{ledger.pairs['单位编码'].nunique()}个承办单位，其中"
        + "，".join([f"{MatterStatus.DONE}{done}件", *open_parts])
        + f"，办结率{percent(done / total)}"
    )
    text += f"（其中{late_done}件超过办理时限后办结）。" if late_done else "。"
    red = int((ledger.items["灯色"] == Light.RED).sum())
    red_pairs = ledger.red_pairs()
    if red:
        units = names(dict.fromkeys(clean(u) for u in red_pairs["填报单位"]))
        text += (
            f"超过办理时限仍未办结（红灯）的交办事项{red}件，涉及{units}，"
            "对落实滞后、久推不动、敷衍塞责的，已下发督办通知单督促整改。"
        )
    else:
        text += "目前无超过办理时限仍未办结的交办事项。"
    escalated = ledger.escalated
    if not escalated.empty:
        ids = names(dict.fromkeys(escalated["编号"]))
        text += (
            f"经{escalate_after}次及以上督办仍未落实的交办事项{escalated['编号'].nunique()}件（{ids}），"
            "已会同镇纪委督查问效。"
        )
    if len(red_pairs):
        text += "具体如下："
    return text


# ---------------------------------------------------------------------------------------------
# 督办通知单 and 移交纪委清单

# Follows the level's name on a notice: "督办等级：橙色督办（第二次督办，警示）。…"
LADDER_MEANING: dict[str, str] = {
    Ladder.BLUE: "（第一次督办，提醒）。请立即组织整改，按期销号。",
    Ladder.ORANGE: "（第二次督办，警示）。请你单位主要负责同志亲自过问，限期整改到位。",
    Ladder.RED: "（经多次督办仍未落实）。标注红色督办的问题已按规定移交镇纪委督查问效。",
}


# --- 办事效率评议 (issue #19): the circular names departments, never a rating village ------------


def _threshold(value: float) -> str:
    """``80%`` for 80.0, ``85.5%`` for 85.5."""
    return f"{value:g}%"


def rating_text(report: MonthReport) -> str:
    """How many of the villages and communities rated the departments this period ("" without a
    rating period). Counts only: the circular names no rating village."""
    rating = report.rating
    if rating is None:
        return ""
    text = (
        f"{rating.label}，镇干部作风整顿办组织各村（社区）对镇属{len(rating.departments)}个部门的办事效率进行了评议，"
        f"应参评村（社区）{rating.raters}个，"
    )
    if rating.rated == 0:
        return text + "均未返回评议表。"
    missing = rating.raters - rating.rated
    text += f"返回评议{rating.rated}个" + (f"，未返回{missing}个" if missing else "，全部返回") + "。"
    return text


def rating_rates_text(report: MonthReport) -> str:
    """Each department's 满意率, in one sentence, best first ("" without a rating period)."""
    rating = report.rating
    if rating is None or rating.departments.empty:
        return ""
    frame = rating.departments
    rates = pd.to_numeric(frame["满意率"], errors="coerce")
    order = frame.assign(_rate=rates.fillna(-1.0)).sort_values("_rate", ascending=False, kind="stable")
    parts = []
    for _, row in order.iterrows():
        rated = whole(row[RatingLevel.SATISFIED]) + whole(row[RatingLevel.FAIRLY]) + whole(row[RatingLevel.UNSATISFIED])
        if rated == 0:
            parts.append(f"{clean(row['部门'])}本期无村（社区）评议")
        else:
            parts.append(f"{clean(row['部门'])}{percent(row['满意率'])}")
    return "各部门满意率（满意和基本满意占参评数的比例）分别为：" + "，".join(parts) + "。"


def reasons_text(row: Any) -> str:
    """``人难找2次、事难办1次``: a department's 不满意 reasons counted, most first ("" for none)."""
    counted = [(r, whole(row.get(r))) for r in RatingReason.ALL]
    counted = sorted((c for c in counted if c[1] > 0), key=lambda c: -c[1])
    return "、".join(f"{r}{n}次" for r, n in counted)


def rating_exposed_text(report: MonthReport) -> str:
    """亮相揭丑: the departments whose 满意率 is below the threshold, each with its 不满意 reasons
    counted ("" without a rating period)."""
    rating = report.rating
    if rating is None:
        return ""
    threshold = _threshold(rating.threshold)
    below = rating.below
    if below.empty:
        return f"本期各部门满意率均不低于{threshold}。"
    parts = []
    for _, row in below.iterrows():
        reasons = reasons_text(row)
        unsatisfied = whole(row[RatingLevel.UNSATISFIED])
        part = f"{clean(row['部门'])}满意率{percent(row['满意率'])}，收到不满意评价{unsatisfied}个"
        parts.append(part + (f"，反映问题为{reasons}" if reasons else ""))
    return (
        f"满意率低于{threshold}的部门予以亮相揭丑：" + "；".join(parts) + "。"
        "请上述部门对照反映的问题认真查找原因，切实改进工作作风，提高办事效率。"
    )


# --- 形式主义提示 (issue #20): the circular names units neutrally and quotes no problem's text ------

# a unit is named for 空话 when they are at least this share of its problems, or at least this many
EMPTY_NAMED_SHARE = 0.5
EMPTY_NAMED_MIN = 3


def copied_word(share: float) -> str:
    """How much of a list is the same as another's, in words: ``大部分雷同`` past half,
    ``半数雷同`` at half, ``部分雷同`` below (a ``list_share`` set under 50 %)."""
    if share > 0.5 + 1e-9:
        return "大部分雷同"
    return "半数雷同" if share > 0.5 - 1e-9 else "部分雷同"


class _Units:
    """Unit code -> its name, and its place in the roster (for naming units in roster order)."""

    def __init__(self, names: dict[str, str], order: dict[str, int]) -> None:
        self.names, self.order = names, order

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def place(self, code: str) -> tuple[int, str]:
        return self.order.get(self.name(code), len(self.order)), code

    def sorted(self, codes: Iterable[str]) -> list[str]:
        return sorted(codes, key=self.place)


def _month_units(report: MonthReport) -> _Units:
    units = report.units
    names = {
        str(code): clean(name)
        for code, name in zip(
            units.get("单位编码", pd.Series(dtype=object)), units.get("单位", pd.Series(dtype=object)), strict=True
        )
    }
    names.update({u.code: clean(u.name) for u in report.campaign.units})
    return _Units(names, report.roster_order)


def _where(per_unit: dict[str, int], units: _Units) -> str:
    """Which units the hints of a signal are in: ``，均为甲村的问题``, ``，涉及甲村、乙村（各1个）``,
    or ``，涉及3个单位，其中甲村最多（3个）``."""
    codes = units.sorted(c for c, n in per_unit.items() if n)
    if len(codes) == 1:
        return f"，均为{units.name(codes[0])}的问题"
    top = max(per_unit[c] for c in codes)
    leaders = [c for c in codes if per_unit[c] == top]
    if len(leaders) == len(codes):
        return f"，涉及{who([units.name(c) for c in codes])}（各{top}个）"
    each = f"各{top}个" if len(leaders) > 1 else f"{top}个"
    return f"，涉及{len(codes)}个单位，其中{who([units.name(c) for c in leaders])}最多（{each}）"


def _copied_lists_text(report: MonthReport, units: _Units) -> str:
    """Every pair of units whose lists are largely the same, both named in roster order, and how
    many of which list's problems are in the other's."""
    lists = sorted(
        report.formality.lists,
        key=lambda h: sorted((units.place(h.unit_code), units.place(h.other_unit))),
    )
    if len(lists) > NAMES_MAX:
        named = units.sorted({c for h in lists for c in (h.unit_code, h.other_unit)})
        return f"有{len(lists)}对单位报送的问题清单雷同较多，涉及{who([units.name(c) for c in named])}。"
    parts = []
    for h in lists:
        a, b = units.sorted((h.unit_code, h.other_unit))
        share = h.count / h.total if h.total else 1.0
        how_many = "全部" if h.count >= h.total else f"中有{h.count}个"
        parts.append(
            f"{units.name(a)}、{units.name(b)}报送的问题清单{copied_word(share)}（{units.name(h.unit_code)}的"
            f"{h.total}个问题{how_many}与{units.name(h.other_unit)}的问题相同或高度相似）"
        )
    return "；".join(parts) + "。" if parts else ""


def _empty_text(report: MonthReport, counts: dict[str, dict[str, int]], units: _Units) -> str:
    """How many problems are generic phrases only, and the units where they are at least half of
    the unit's problems or at least ``EMPTY_NAMED_MIN``, with its problems (the ranking table's
    问题数: the problems it has in the ledger, every open one in its file this month)."""
    per_unit = {code: c[Signal.EMPTY] for code, c in counts.items() if c[Signal.EMPTY]}
    if not per_unit:
        return ""
    problems = report.problems["单位编码"].astype(str).value_counts().to_dict()
    named = []
    for code in units.sorted(per_unit):
        n, total = per_unit[code], max(int(problems.get(code, 0)), per_unit[code])
        if n >= EMPTY_NAMED_MIN or n >= EMPTY_NAMED_SHARE * total:
            named.append(
                f"{units.name(code)}的{total}个问题全部"
                if n == total
                else f"{units.name(code)}的{total}个问题中有{n}个"
            )
    text = f"从问题描述看，有{sum(per_unit.values())}个问题只是笼统表述，没有写明具体事例、时间、地点或数据"
    if len(named) > NAMES_MAX:
        text += f"，{len(named)}个单位的问题多为这种情况"
    elif named:
        text += f"，其中{'、'.join(named)}属于这种情况"
    return text + "。"


def formality_texts(report: MonthReport) -> tuple[str, str]:
    """The circular's 问题清单填报质量 (形式主义提示): what was found (the pairs of units whose lists
    are largely the same, the units whose problems are mostly generic phrases, how many measures
    only restate their problem and how many progress texts say nothing new, and where), and what
    the units are to do about it. No problem's text is quoted and a signal without hints is not
    mentioned; single copied problems are left to the ledger's sheet and the units' feedback.
    ("", "") when there is nothing to say: the circular then has no such section (a sentence
    that nothing was found would vouch for lists a check tuned to miss rather than accuse has
    not cleared, and the circular's other optional sections are left out when empty too)."""
    found = report.formality
    if not found.hints:
        return "", ""
    units = _month_units(report)
    counts = found.counts()

    def per_unit(signal: str) -> dict[str, int]:
        return {code: c[signal] for code, c in counts.items() if c[signal]}

    said = [_copied_lists_text(report, units), _empty_text(report, counts, units)]
    echo, stale = per_unit(Signal.ECHO), per_unit(Signal.STALE)
    if echo:
        said.append(
            f"从整改措施看，有{sum(echo.values())}个问题的措施只是重复问题本身，没有提出具体办法{_where(echo, units)}。"
        )
    if stale:
        reports = min(h.count for h in found.hints if h.signal == Signal.STALE)
        said.append(
            f"从整改进展看，有{sum(stale.values())}个未完成的问题连续{reports}次报送的进展没有新内容"
            f"{_where(stale, units)}。"
        )
    if not any(said):
        return "", ""
    copied, empty = bool(found.lists), bool(per_unit(Signal.EMPTY))
    steps = [
        "对照本单位实际重新查摆问题" if copied or empty else "",
        "逐项细化整改措施" if echo else "",
        "如实填写每月整改进展" if stale else "",
    ]
    avoid = ["照搬照抄" if copied else "", "以空话套话应付" if empty or echo or stale else ""]
    return (
        f"镇干部作风整顿办对各单位本月报送的{found.checked}个问题逐条进行了比对。" + "".join(said),
        f"请相关单位{'、'.join(s for s in steps if s)}，杜绝{'、'.join(a for a in avoid if a)}。",
    )


def notice_text(report: MonthReport, problems: int, matters: int, cases: int = 0) -> str:
    """What a unit's notice presses: its ``problems`` red problems and ``matters`` red matters,
    and ``cases`` red 不满意 cases of the 办事效率评议 (a department's)."""
    as_of = cn_date(report.as_of)
    if cases:
        what = [
            f"你单位干部作风整顿问题清单中有{problems}个问题已超过完成时限仍未完成整改" if problems else "",
            f"交办你单位的领导批示、交办事项中有{matters}件已超过办理时限仍未办结" if matters else "",
            f"村（社区）办事效率评议反映你单位的问题中有{cases}件已超过答复时限仍未办结",
        ]
        return f"经核查，截至{as_of}，" + "，".join(w for w in what if w) + "（红灯），现予督办。具体如下："
    if problems and not matters:
        return (
            f"经核查，截至{as_of}，你单位干部作风整顿问题清单中有{problems}个"
            "问题已超过完成时限仍未完成整改（红灯），现予督办。具体如下："
        )
    if not problems:
        return (
            f"经核查，截至{as_of}，交办你单位的领导批示、交办事项中有{matters}件"
            "已超过办理时限仍未办结（红灯），现予督办。具体如下："
        )
    return (
        f"经核查，截至{as_of}，你单位干部作风整顿问题清单中有{problems}个问题已超过完成时限仍未完成整改，"
        f"交办你单位的领导批示、交办事项中有{matters}件已超过办理时限仍未办结（红灯），现予督办。具体如下："
    )


def escalation_intro(report: MonthReport, problems: int, matters: int, cases: int = 0) -> str:
    """The 移交纪委清单's opening: ``problems`` problems, ``matters`` (matter, unit) pairs and
    ``cases`` 不满意 cases of the 办事效率评议."""
    campaign = report.campaign
    as_of = cn_date(report.as_of)
    basis = (
        f"根据《{clean(campaign.town)}{campaign.year}年干部作风整顿工作方案》"
        "“经多次督办仍未落实的，会同镇纪委督查问效”的要求，"
    )
    if cases:
        parts = [
            f"{problems}个问题" if problems else "",
            f"{matters}项领导批示、交办事项（按承办单位计）" if matters else "",
            f"{cases}件办事效率评议反映问题",
        ]
        return (
            f"{basis}截至{as_of}，以下" + "、".join(w for w in parts if w) + f"经{campaign.escalate_after}次及以上督办"
            "仍未落实，现移交镇纪委督查问效。"
        )
    if problems and not matters:
        return (
            f"{basis}截至{as_of}，以下{problems}个问题经{campaign.escalate_after}次及以上督办仍未落实，"
            "现移交镇纪委督查问效。"
        )
    if matters:
        what = f"{problems}个问题和" if problems else ""
        return (
            f"{basis}截至{as_of}，以下{what}{matters}项领导批示、交办事项（按承办单位计）"
            f"经{campaign.escalate_after}次及以上督办仍未落实，现移交镇纪委督查问效。"
        )
    return f"截至{as_of}，本月无移交事项。"


# ---------------------------------------------------------------------------------------------
# the leaders' reports


def span_text(data: SummaryData) -> str:
    """``3月至11月``, or the one month."""
    labels = data.month_labels
    return labels[0] if len(labels) == 1 else f"{labels[0]}至{labels[-1]}"


def subtitle(data: SummaryData) -> str:
    return f"（{data.campaign.year}年{span_text(data)}，截至{cn_date(data.figures_as_of)}）"


def opening(data: SummaryData) -> str:
    whose = f"全镇{len(data.units)}个单位" if len(data.units) != 1 else str(data.units["单位"].iloc[0])
    return (
        f"{data.campaign.year}年以来，{whose}按照镇党委“一月一督查、一月一通报”的要求，"
        f"扎实推进干部作风整顿。现将{span_text(data)}整改工作情况报告如下。"
    )


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


def _rate_clause(rate: float, first_rate: float, first_month: str) -> str:
    """``完成率98.8%（3月为7.3%）；`` — without a rate where nothing is to be completed."""
    if pd.isna(rate):
        return ""
    since = "" if pd.isna(first_rate) else f"（{first_month}为{percent(first_rate)}）"
    return f"完成率{percent(rate)}{since}；"


def progress_overall(data: SummaryData) -> str:
    """总体进展: the problems at the end of the period, the rate since the first month, the lights."""
    latest, first = data.latest, data.trend.iloc[0]
    total, lasting = int(latest["问题数"]), int(latest[ProblemStatus.LONG_TERM])
    return (
        f"截至{cn_date(data.figures_as_of)}，{_listed(data)}共查摆问题{total}个"
        + (f"，其中长期坚持{lasting}个；需限期完成的{total - lasting}个中，" if lasting else "，")
        + "，".join(
            f"{status}{int(latest[status])}个"
            for status in (ProblemStatus.DONE, ProblemStatus.IN_PROGRESS, ProblemStatus.NOT_STARTED)
        )
        + "，"
        + _rate_clause(latest["完成率"], first["完成率"], first["月份"])
        + f"红灯{int(latest[Light.RED])}个，黄灯{int(latest[Light.YELLOW])}个。"
    )


def group_sentence(data: SummaryData) -> str:
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


def category_sentence(data: SummaryData) -> str:
    """The categories with the highest and the lowest completion rate, ties named together."""
    cats = data.categories[data.categories["问题数"] > 0].dropna(subset=["完成率"])
    cats = cats.sort_values("完成率", ascending=False, kind="stable")
    rates = [percent(v) for v in cats["完成率"]]
    groups = ties([c if "“" in c else f"“{c}”" for c in cats["问题类别"]], rates)  # “办事难” once
    if len(groups) < 2:
        return f"各类问题完成率均为{rates[0]}。" if len(cats) > 1 else ""

    def end(group: Tie, word: str) -> str:
        if len(group.names) == 1:
            return f"完成率{word}的是{group.names[0]}（{group.shown}）"
        whose = "、".join(group.names) if len(group.names) <= 3 else f"{len(group.names)}类问题"
        return f"{whose}完成率均为{group.shown}，并列{word}"

    return f"{end(groups[0], '最高')}；{end(groups[-1], '最低')}。"


def unit_sentence(data: SummaryData) -> str:
    """The first and last places by completion rate (the ranking rule, ties by place: the rate,
    then fewer red lights) and by gain since the start; tied units named together (并列),
    counted instead of named when there are many, and no unit named at both ends."""
    rated = data.units.dropna(subset=["完成率"])
    roster = {u.name: i for i, u in enumerate(data.campaign.units)}
    unrated = sorted(  # in roster order, as the circular names them
        (str(n) for n in data.units.loc[data.units["完成率"].isna(), "单位"]), key=lambda n: roster.get(n, len(roster))
    )
    parts = []
    if len(rated) == 0:
        parts.append(f"{unrated[0]}暂无需限期完成的问题。" if len(unrated) == 1 else "各单位均无需限期完成的问题。")
    elif len(rated) == 1:
        parts.append(f"{rated['单位'].iloc[0]}期末完成率{percent(rated['完成率'].iloc[0])}。")
    else:
        groups = ties(list(rated["单位"]), [percent(v) for v in rated["完成率"]], list(rated["排名"]))
        if len(groups) == 1:
            parts.append(f"{len(rated)}个单位期末完成率均为{groups[0].shown}。")
        else:
            top, bottom = ends(groups, named_count(len(rated)), floor=percent(0))
            k = _size(top)
            if len(top) == 1 and k > 1:
                text = f"{who(top[0].names)}期末完成率均为{top[0].shown}，并列第一"
            elif k == 1:
                text = f"按期末完成率排名，排名第一的是{_places(top)}"
            else:  # the places the named groups take, ties included: 前三名 may name four units
                places = top[-1].place
                lead = f"前{ORDINALS[places]}名为" if places in ORDINALS else "排在前列的是"
                text = f"按期末完成率排名，{lead}{_places(top, '并列第{rank}，均为{}')}"
            if bottom:
                places = len(rated) - bottom[0].place + 1
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
        parts.append(f"{who(unrated)}暂无需限期完成的问题，不参加排名。")
    improved = data.improved
    if len(improved) >= 2:
        parts.append(_progress_sentence(improved))
    return "".join(parts)


def _progress_sentence(improved: pd.DataFrame) -> str:
    """The units that rose most and those that rose least or fell, a rise never named among the
    falls (nor a fall among the rises): 进步最大的是… ；进步最小的是… / 没有进步的是… / 下降最多的是…"""
    gains = [points_text(v) for v in improved["提升"]]
    groups = ties(list(improved["单位"]), gains)
    if len(groups) == 1:
        return f"与期初相比，{len(improved)}个单位完成率均{gains[0]}。"
    n = named_count(len(improved))
    sign = {shown: (round(v, 1) > 0) - (round(v, 1) < 0) for shown, v in zip(gains, improved["提升"], strict=True)}
    rises = [g for g in groups if sign[g.shown] > 0]
    level = [g for g in groups if sign[g.shown] == 0]
    falls = [g for g in groups if sign[g.shown] < 0]

    def named(chosen: list[Tie]) -> str:
        return "、".join(_group_text(g.names, g.shown, "{}", "均{}") for g in chosen)

    if rises:
        top, bottom = ends(rises, n)
        text = f"与期初相比，进步最大的是{named(top)}"
        if falls:
            text += f"；下降最多的是{named(last(falls, n)[::-1])}"
        elif level:
            text += f"；没有进步的是{named(level)}"
        elif bottom:
            text += f"；进步最小的是{named(bottom[::-1])}"
    else:
        text = "与期初相比，各单位完成率均未提升" + (f"，{named(level)}" if level else "")
        text += f"；下降最多的是{named(last(falls, n)[::-1])}"
    return text + "。"


def overdue_sentence(data: SummaryData) -> str:
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


def matter_sentence(data: SummaryData) -> str:
    """The assigned matters at the end of the period: done (late), open, red, escalated."""
    assert data.matters is not None
    ledger = data.matters
    total, done, open_parts = _matter_counts(ledger)
    late = ledger.finished_late
    text = (
        f"截至{cn_date(data.figures_as_of)}，主要领导批示、交办事项共{total}件，"
        f"涉及{ledger.pairs['单位编码'].nunique()}个承办单位；已办结{done}件，办结率{percent(done / total if total else 1.0)}"
        + (f"（其中{late}件超过办理时限后办结）" if late else "")
        + ("，" + "，".join(open_parts) if open_parts else "")
        + "。"
    )
    red = int((ledger.items["灯色"] == Light.RED).sum())
    text += f"目前超过办理时限仍未办结的{red}件，继续挂账督办。" if red else "目前无超过办理时限仍未办结的交办事项。"
    ever = data.matters_escalated
    if ever:
        still = set(ledger.escalated["编号"])
        parts = [f"{iid}（{'仍未办结' if iid in still else '现已办结'}）" for iid in ever]
        text += (
            f"经{data.campaign.escalate_after}次及以上督办仍未落实、移交镇纪委督查问效的{len(ever)}件："
            + "、".join(parts)
            + "。"
        )
    return text


def submission_sentence(data: SummaryData) -> str:
    """How many times units sent on time, late, returned or not at all; who sent on time every
    month, and every unit that was late, returned or silent at least once (most missed months
    first), named up to ``NAMES_MAX`` and then counted (``等N个单位``)."""
    total = len(data.units) * len(data.months)
    sums = {s: int(data.trend[s].sum()) for s in SubmissionState.ALL}
    text = (
        f"{span_text(data)}各单位应报送{total}单位次，按时{sums[SubmissionState.ON_TIME]}次，"
        f"逾期{sums[SubmissionState.LATE]}次，退回后未再报送{sums[SubmissionState.RETURNED]}次，"
        f"未报送{sums[SubmissionState.MISSING]}次。"
    )
    subs = data.submissions
    perfect = subs[subs["按时次数"] == len(data.months)]
    missed = subs["未报送次数"] + subs["退回次数"]
    lagging = subs.assign(_missed=missed)[(missed + subs["逾期次数"]) > 0].sort_values(
        ["_missed", "逾期次数"], ascending=[False, False], kind="stable"
    )
    parts = []
    if len(perfect):
        parts.append(f"每月均按时报送的有{some_names(list(perfect['单位']))}")
    if len(lagging):
        parts.append(f"有逾期、退回或未报送情况的有{some_names(list(lagging['单位']))}")
    return text + ("；".join(parts) + "。" if parts else "")


def rating_summary_sentence(data: SummaryData) -> str:
    """办事效率评议 over the range: how many periods, raters, ratings, the levels and the overall
    满意率 ("" without a rating). Counts only: no rating village is named."""
    r = data.rating
    if r is None:
        return ""
    frame = r.departments
    levels = {level: int(frame[level].sum()) for level in RatingLevel.RATED}
    rated = sum(levels.values())
    missing = r.raters * len(r.periods) - sum(r.returned)
    text = (
        f"{span_text(data)}，镇干部作风整顿办组织各村（社区）对镇属{len(frame)}个部门的办事效率开展评议"
        f"{len(r.periods)}期，应参评村（社区）{r.raters}个，"
        + ("各期均全部返回评议表" if missing == 0 else f"各期未返回评议表合计{missing}个次")
        + "。"
    )
    if rated == 0:
        return text + "期内各部门均未收到评议。"
    content = levels[RatingLevel.SATISFIED] + levels[RatingLevel.FAIRLY]
    return text + (
        f"共收到评议{rated}个（不含未办理事项），其中"
        + "、".join(f"{level}{n}个" for level, n in levels.items())
        + f"，总体满意率{percent(content / rated)}。"
    )


def rating_rates_sentence(data: SummaryData) -> str:
    """Each department's 满意率 over the range, best first, with its first and last period's rate
    when there are several periods ("" without a rating)."""
    from pipeline.summary import RATING_WHOLE

    r = data.rating
    if r is None or r.departments.empty:
        return ""
    frame = r.departments
    rates = pd.to_numeric(frame[RATING_WHOLE], errors="coerce")
    if rates.isna().all():
        return ""  # nobody rated any department (the first sentence says so)
    order = frame.assign(_rate=rates.fillna(-1.0)).sort_values("_rate", ascending=False, kind="stable")
    first, last = r.labels[0], r.labels[-1]
    parts = []
    for _, row in order.iterrows():
        if pd.isna(row[RATING_WHOLE]):
            parts.append(f"{clean(row['部门'])}期内无村（社区）评议")
            continue
        part = f"{clean(row['部门'])}{percent(row[RATING_WHOLE])}"
        if len(r.labels) > 1:
            part += f"（{first}为{percent(row[first])}，{last}为{percent(row[last])}）"
        parts.append(part)
    return "各部门期内满意率（满意和基本满意占参评数的比例）分别为：" + "，".join(parts) + "。"


def rating_below_sentence(data: SummaryData) -> str:
    """The departments whose 满意率 over the range is below the threshold, each with its 不满意
    reasons counted; then the reasons over all departments ("" without a rating)."""
    from pipeline.summary import RATING_WHOLE

    r = data.rating
    if r is None or pd.to_numeric(r.departments[RATING_WHOLE], errors="coerce").isna().all():
        return ""  # nobody rated any department: no rate to compare (the first sentence says so)
    threshold = _threshold(r.threshold)
    below = r.below
    if below.empty:
        text = f"各部门期内满意率均不低于{threshold}。"
    else:
        parts = []
        for _, row in below.iterrows():
            reasons = reasons_text(row)
            part = (
                f"{clean(row['部门'])}满意率{percent(row[RATING_WHOLE])}，"
                f"收到不满意评价{whole(row[RatingLevel.UNSATISFIED])}个"
            )
            parts.append(part + (f"，反映问题为{reasons}" if reasons else ""))
        text = (
            f"期内满意率低于{threshold}的部门：" + "；".join(parts) + "。"
            "请上述部门对照反映的问题认真查找原因，切实改进工作作风，提高办事效率。"
        )
    totals = reasons_text(r.departments[list(RatingReason.ALL)].sum())
    return text + (f"期内不满意原因合计：{totals}。" if totals else "期内未收到不满意评价。")


# what each signal flagged, as the report counts it (problems, a problem flagged in several months once)
FORMALITY_SAID: dict[str, str] = {
    Signal.COPY: "与其他单位的问题相同或高度相似的{}个",
    Signal.EMPTY: "只有笼统表述、属于空话套话的{}个",
    Signal.ECHO: "整改措施只是重复问题本身的{}个",
    Signal.STALE: "整改进展连续多次没有新内容的{}个",
}


def _counted_groups(groups: Sequence[Tie]) -> str:
    """``甲村（4个）、乙村、丙村（均为3个）``."""
    return "、".join(_group_text(g.names, g.shown, "{}个", "均为{}个") for g in groups)


def formality_sentence(data: SummaryData) -> str:
    """形式主义提示 over the report's months ("" when no month had one): the problems each signal
    flagged, the pairs of units whose lists were largely the same (with the months), the units
    with the most problems of generic phrases, and the hints of each month, first to last. No
    problem's text is quoted."""
    from pipeline.summary import month_runs

    found = data.formality
    if not found.found:
        return ""
    totals = found.totals
    counted = [said.format(totals[signal]) for signal, said in FORMALITY_SAID.items() if totals[signal]]
    text = ""
    if counted:
        text = (
            f"{span_text(data)}，经逐月比对各单位报送的问题，发现"
            + "，".join(counted)
            + "（同一问题在多个月被提示的只计一次）。"
        )
    pairs = []
    for pair in found.lists:
        word = "大部分雷同" if pair.share > 0.5 + 1e-9 else "半数以上雷同" if pair.share > 0.5 - 1e-9 else "部分雷同"
        pairs.append(f"{pair.units[0]}、{pair.units[1]}报送的问题清单{word}（{month_runs(pair.months)}）")
    if len(pairs) > NAMES_MAX:
        named = list(dict.fromkeys(n for pair in found.lists for n in pair.units))
        text += f"有{len(pairs)}对单位报送的问题清单雷同较多，涉及{who(named)}。"
    elif pairs:
        text += "；".join(pairs) + "。"
    empty = found.units[found.units[Signal.EMPTY] > 0].sort_values(Signal.EMPTY, ascending=False, kind="stable")
    if len(empty) == 1:
        text += f"空话套话问题均出自{empty['单位'].iloc[0]}（{int(empty[Signal.EMPTY].iloc[0])}个）。"
    elif len(empty) > 1:
        groups = ties(list(empty["单位"]), [str(int(n)) for n in empty[Signal.EMPTY]])
        top: list[Tie] = []
        for group in groups:  # whole groups, most first, at least ``named_count`` units
            if top and _size(top) >= named_count(len(empty)):
                break
            top.append(group)
        word = "最多的是" if len(top) == 1 else "较多的是"
        text += f"空话套话问题{word}{_counted_groups(top)}。"
    months = found.months
    if len(months) > 1:
        hints = [int(n) for n in months["合计"]]
        first, final = months["月份"].iloc[0], months["月份"].iloc[-1]
        text += "各月提示条数分别为" + "、".join(f"{m}{n}条" for m, n in zip(months["月份"], hints, strict=True))
        if hints[-1] < hints[0]:
            falling = all(b < a for a, b in itertools.pairwise(hints))
            text += "，逐月减少。" if falling else f"，{final}比{first}减少{hints[0] - hints[-1]}条。"
        elif hints[-1] > hints[0]:
            text += f"，{final}比{first}增加{hints[-1] - hints[0]}条。"
        else:
            text += f"，{final}与{first}持平。"
    return text


def work_summary_sentence(data: SummaryData) -> str:
    ws = data.work_summaries
    on_time, late, missing = (
        ws[ws["报送状态"] == s] for s in (SubmissionState.ON_TIME, SubmissionState.LATE, SubmissionState.MISSING)
    )
    due = cn_date(data.campaign.summary_due)
    if data.as_of < data.campaign.summary_due and on_time.empty and late.empty:
        return f"工作总结报送截止日期为{due}，目前尚未收到。"
    text = f"工作总结应于{due}前报送。按时报送{len(on_time)}个单位"
    if len(late):
        text += f"；逾期报送{len(late)}个：{'、'.join(map(str, late['单位']))}"
    if len(missing):
        text += f"；未报送{len(missing)}个：{'、'.join(map(str, missing['单位']))}"
    return text + "。"


def work_summary_caption(data: SummaryData) -> str:
    return f"工作总结报送情况（应于{cn_date(data.campaign.summary_due)}前报送）"


def _summary_due(data: SummaryData) -> bool:
    """Whether the work summary counts in the assessment (``summary.summary_counts``)."""
    from pipeline.summary import summary_counts

    return summary_counts(data.period, data.as_of, data.campaign)


def assessment_sentence(data: SummaryData) -> str:
    """单位考核: what is counted, and who scored highest."""
    tops = data.assessment[data.assessment["排名"] == 1]
    first = (
        f"得分最高的是{'、'.join(tops['单位'])}（{tops['得分'].iloc[0]:.1f}分{'，并列第一' if len(tops) > 1 else ''}）"
    )
    counted = (
        "按时报送、整改完成、逾期督办、移交纪委、退回修改"
        + ("、部门办事效率评议" if data.rating_counts else "")
        + ("和工作总结报送" if _summary_due(data) else "")
    )
    return (
        f"按照“纳入{data.campaign.year}年度重点工作考核内容，严格考核、逗硬奖惩”的要求，"
        f"根据{counted}情况对各单位计分，{first}。"
    )


def formula_note(data: SummaryData) -> str:
    w = data.weights
    rated = f" + 满意率 × {w.rating:g}（部门）" if data.rating_counts else ""
    summary = (
        f" − 工作总结扣分（逾期报送扣 {w.summary_late:g} 分，未报送扣 {w.summary_missing:g} 分）"
        if _summary_due(data)
        else ""
    )
    return (
        f"说明：得分 = 按时报送率 × {w.on_time:g} + 期末完成率 × {w.completion:g} − 逾期督办次数 × {w.overdue:g}"
        f" − 移交纪委问题数 × {w.escalated:g} − 退回文件数 × {w.returned:g}{summary}{rated}，最低 0 分。"
        f"按时报送率为{len(data.months)}个月中按时报送的月数占比；期末完成率为已完成 ÷（问题数 − 长期坚持），"
        "没有需完成问题的按 100% 计；逾期督办次数为各问题亮红灯的月数之和。"
        + (
            "满意率为部门期内各期办事效率评议中满意和基本满意占参评数的比例，只计部门；"
            "期内没有村（社区）评议的部门按 100% 计，村（社区）不计此项。"
            if data.rating_counts
            else ""
        )
        + ("" if _summary_due(data) else f"工作总结于{cn_date(data.campaign.summary_due)}截止报送，截止日之后计分。")
    )


def next_steps(data: SummaryData) -> str:
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
    copied, empty = data.formality.totals[Signal.LIST], data.formality.totals[Signal.EMPTY]
    if copied or empty:
        whose = "、".join(w for w in ("问题清单雷同" if copied else "", "查摆问题空泛" if empty else "") if w)
        steps.append(f"督促{whose}的单位对照本单位实际重新查摆，防止整改流于形式")
    steps.append("适时开展“回头看”，巩固整改成果，防止问题反弹")
    return "；".join(steps) + "。"


def escalated_mark(now: Any, ever: bool) -> str:
    """The 移交纪委 cell of a matter in the reports' table: 是 (now), 曾移交 (once, since done), 否."""
    return (YesNo.YES if now == YesNo.YES else "曾移交") if ever else YesNo.NO
