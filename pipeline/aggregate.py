"""Lights, overdue days, the supervision ladder and the month's statistics (SPEC §6).

Pure functions of the ledger's state and the as-of date: nothing here reads files, the
database or the clock.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.config import Campaign
from pipeline.normalize import LONG_TERM
from pipeline.report import (
    CATEGORY_COLUMNS,
    LEDGER_COLUMNS,
    LEDGER_EXTRA,
    SUBMISSION_COLUMNS,
    UNIT_COLUMNS,
    VALIDATION_COLUMNS,
    MonthReport,
    ladder_level,
)
from pipeline.store import AuditRecord
from pipeline.vocab import OPEN_STATUSES, Vocabulary
from pipeline.workdays import workdays_between

FLAG_COLUMNS = ("问题编号", "灯色", "逾期天数", "逾期工作日", "工作日估算")


def light(status: str, deadline: Any, as_of: dt.date, warning_days: int) -> tuple[str, int]:
    """(灯色, calendar days overdue) of one problem at ``as_of``."""
    if status == "已完成":
        return "绿灯", 0
    if status not in OPEN_STATUSES or not isinstance(deadline, dt.date) or deadline == LONG_TERM:
        return "", 0
    if deadline < as_of:
        return "红灯", (as_of - deadline).days
    if (deadline - as_of).days <= warning_days:
        return "黄灯", 0
    return "绿灯", 0


def flags(state: pd.DataFrame, as_of: dt.date, warning_days: int) -> pd.DataFrame:
    """灯色 and 逾期天数 (calendar and working days) for every problem of ``state``."""
    rows = []
    for pid, status, deadline in zip(state["问题编号"], state["完成状态"], state["完成时限"], strict=True):
        colour, days = light(status, deadline, as_of, warning_days)
        work, estimated = workdays_between(deadline, as_of) if colour == "红灯" else (0, False)
        rows.append((pid, colour, days, work, estimated))
    return pd.DataFrame(rows, columns=list(FLAG_COLUMNS)).astype(
        {"逾期天数": int, "逾期工作日": int, "工作日估算": bool}
    )


def ledger(
    state: pd.DataFrame, month_flags: pd.DataFrame, red_months: dict[str, list[str]], escalate_after: int
) -> pd.DataFrame:
    """The 问题总台账 rows: state + flags + 督办次数, 督办等级, 移交纪委."""
    frame = state.merge(month_flags, on="问题编号", how="left")
    supervised = [len(red_months.get(pid, ())) for pid in frame["问题编号"]]
    frame["督办次数"] = pd.Series(supervised, index=frame.index, dtype=int)
    frame["督办等级"] = [
        ladder_level(n, escalate_after) if colour == "红灯" else ""
        for n, colour in zip(frame["督办次数"], frame["灯色"], strict=True)
    ]
    frame["移交纪委"] = [
        "是" if n >= escalate_after and status != "已完成" else "否"
        for n, status in zip(frame["督办次数"], frame["完成状态"], strict=True)
    ]
    return frame[[*LEDGER_COLUMNS, *LEDGER_EXTRA]].reset_index(drop=True)


def counts(group: pd.DataFrame) -> dict[str, Any]:
    status = group["完成状态"]
    total = len(group)
    done = int((status == "已完成").sum())
    long_term = int((status == "长期坚持").sum())
    base = total - long_term
    return {
        "问题数": total,
        "已完成": done,
        "整改中": int((status == "整改中").sum()),
        "未启动": int((status == "未启动").sum()),
        "长期坚持": long_term,
        "完成率": done / base if base else float("nan"),
        "红灯": int((group["灯色"] == "红灯").sum()),
        "黄灯": int((group["灯色"] == "黄灯").sum()),
    }


def completion_rates(state: pd.DataFrame) -> dict[str, float]:
    """Unit code -> completion rate, from a state frame (for the change against last month)."""
    if state.empty:
        return {}
    empty_flags = state.assign(灯色="")
    return {str(code): counts(group)["完成率"] for code, group in empty_flags.groupby("单位编码")}


def town_completion_rate(state: pd.DataFrame | None) -> float:
    """The whole town's completion rate of a state frame (NaN without one): 通报 合计 较上月."""
    if state is None or state.empty:
        return float("nan")
    return float(counts(state.assign(灯色=""))["完成率"])


def submission_status(campaign: Campaign, month: str, records: Sequence[AuditRecord]) -> pd.DataFrame:
    """报送情况: per roster unit, 按时 / 逾期 / 退回 / 未报送, with the time it was received."""
    due = campaign.due_date(month)
    rows = []
    for unit in campaign.units:
        mine = [r for r in records if r.unit_code == unit.code and r.outcome != "重复"]
        accepted = [r for r in mine if r.outcome == "通过"]
        if accepted:
            on_time = [r for r in accepted if dt.datetime.fromisoformat(r.received_at).date() <= due]
            status = "按时" if on_time else "逾期"
            when = (on_time or accepted)[0].received_at
        elif mine:
            status, when = "退回", mine[-1].received_at
        else:
            status, when = "未报送", ""
        rows.append(
            {
                "单位": unit.name,
                "单位编码": unit.code,
                "类型": unit.kind,
                "报送状态": status,
                "报送时间": dt.datetime.fromisoformat(when) if when else None,
                "截止日期": due,
                "文件数": len(mine),
            }
        )
    return pd.DataFrame(rows, columns=list(SUBMISSION_COLUMNS))


def unit_stats(
    campaign: Campaign, problems: pd.DataFrame, submissions: pd.DataFrame, previous_rates: dict[str, float]
) -> pd.DataFrame:
    """单位统计: counts, completion rate, lights, rank (by completion rate, then fewer reds)."""
    status_of = dict(zip(submissions["单位编码"], submissions["报送状态"], strict=True))
    rows = []
    for unit in campaign.units:
        tally = counts(problems[problems["单位编码"] == unit.code])
        prev = previous_rates.get(unit.code, float("nan"))
        change = (tally["完成率"] - prev) * 100 if pd.notna(prev) and pd.notna(tally["完成率"]) else float("nan")
        rows.append(
            {
                "单位": unit.name,
                "单位编码": unit.code,
                "类型": unit.kind,
                "报送状态": status_of.get(unit.code, "未报送"),
                **tally,
                "较上月": change,
            }
        )
    frame = pd.DataFrame(rows)
    order = frame.assign(_rate=frame["完成率"].fillna(-1.0)).sort_values(
        ["_rate", "红灯", "黄灯", "单位编码"], ascending=[False, True, True, True]
    )
    ranks: list[int] = []
    previous: tuple[float, int] | None = None
    for position, (rate, red) in enumerate(zip(order["_rate"], order["红灯"], strict=True), start=1):
        ranks.append(ranks[-1] if previous == (rate, red) else position)
        previous = (rate, red)
    order["排名"] = ranks
    return order[list(UNIT_COLUMNS)].reset_index(drop=True)


def category_stats(problems: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    """分类统计: one row per category (the seven of the seed), special campaigns marked."""
    rows = []
    for cat in vocab.categories:
        tally = counts(problems[problems["问题类别"] == cat.name])
        rows.append({"问题类别": cat.name, "专项治理": cat.campaign, "牵头部门": "、".join(cat.leads), **tally})
    return pd.DataFrame(rows, columns=list(CATEGORY_COLUMNS))


def validation_table(records: Sequence[AuditRecord], unit_names: dict[str, str]) -> pd.DataFrame:
    """校验结果: every file the month took, with its outcome and all its messages."""
    latest_accepted: dict[str, AuditRecord] = {}
    for r in records:
        if r.outcome == "通过" and r.unit_code:
            latest_accepted[r.unit_code] = r
    rows = []
    for r in records:
        messages = json.loads(r.messages)
        texts = [m["text"] for m in messages]
        newer = latest_accepted.get(r.unit_code or "")
        if r.outcome == "通过" and newer is not None and newer.seq != r.seq:
            texts.append(f"本单位本月又报送了新文件“{newer.file_name}”，以新文件为准。")
        rows.append(
            {
                "文件名": r.file_name,
                "填报单位": unit_names.get(r.unit_code or "", "（未识别）"),
                "结果": r.outcome,
                "说明": "\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))
                if len(texts) > 1
                else "".join(texts),
                "接收时间": dt.datetime.fromisoformat(r.received_at),
                "错误数": sum(1 for m in messages if m.get("level") == "error"),
                "提醒数": sum(1 for m in messages if m.get("level") == "warning"),
            }
        )
    return pd.DataFrame(rows, columns=list(VALIDATION_COLUMNS))


def month_report(
    *,
    campaign: Campaign,
    vocab: Vocabulary,
    month: str,
    as_of: dt.date,
    doc_number: int,
    state: pd.DataFrame,
    month_flags: pd.DataFrame,
    red_months: dict[str, list[str]],
    records: Sequence[AuditRecord],
    unit_names: dict[str, str],
    previous_state: pd.DataFrame | None,
    previous_month: str | None,
) -> MonthReport:
    """Everything the month's outputs show, computed once."""
    problems = ledger(state, month_flags, red_months, campaign.escalate_after)
    submissions = submission_status(campaign, month, records)
    previous_rates = completion_rates(previous_state) if previous_state is not None else {}
    return MonthReport(
        campaign=campaign,
        month=month,
        as_of=as_of,
        doc_number=doc_number,
        problems=problems,
        units=unit_stats(campaign, problems, submissions, previous_rates),
        categories=category_stats(problems, vocab),
        submissions=submissions,
        validation=validation_table(records, unit_names),
        previous_month=previous_month,
        previous_rate=town_completion_rate(previous_state),
    )
