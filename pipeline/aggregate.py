"""Lights, overdue days, the supervision ladder and the month's statistics (SPEC §6).

Pure functions of the ledger's state and the as-of date: nothing here reads files, the
database or the clock.

The rules, as the office applies them:

- 灯色 of an open problem (未启动, 整改中): 红灯 when its deadline is before the as-of date, 黄灯
  when it is 0 to ``warning_days`` days ahead, 绿灯 otherwise; 已完成 is 绿灯; 长期坚持 (the status,
  or 长期坚持 as the deadline) has no light and is never overdue.
- 逾期天数: calendar days from the deadline to the as-of date for red items; 逾期工作日 the same
  by China's official calendar, 工作日估算 where the calendar does not know the year.
- 督办次数: the distinct months in which a monthly run found the item red (the months the
  ledger recorded, plus this month when the item is red now). The ladder: 1 蓝色督办, 2 橙色督办,
  from ``escalate_after`` 红色督办 and 移交纪委, which stays 是 until the item is 已完成.
- 报送状态 per unit and month: 按时 / 逾期 (accepted by / after the due date), 退回 (only returned
  files), 未报送; units with nothing accepted this month and last month are called out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline import intake, rating
from pipeline.config import Campaign
from pipeline.formality import COPY, ECHO, EMPTY, LIST, STALE, Findings, Hint
from pipeline.kinds import PROBLEM, LedgerKind
from pipeline.messages import Message, render_text
from pipeline.model import MISSING_STATUSES, Ladder, Light, Month, Outcome, ProblemStatus, SubmissionState, YesNo
from pipeline.receipts import source_label
from pipeline.report import (
    CAMPAIGN_COLUMNS,
    CATEGORY_COLUMNS,
    COUNT_COLUMNS,
    LEADS_UNSET,
    LEDGER_COLUMNS,
    LEDGER_EXTRA,
    SUBMISSION_COLUMNS,
    SUBMISSION_EXTRA,
    UNIT_COLUMNS,
    UNIT_EXTRA,
    VALIDATION_COLUMNS,
    ItemLedger,
    MonthReport,
    pair_columns,
    record_columns,
)
from pipeline.storage.ledger import AuditRecord, pair_key
from pipeline.vocab import Vocabulary
from pipeline.workdays import add_workdays, workdays_between

FLAG_COLUMNS = ("问题编号", "灯色", "逾期天数", "逾期工作日", "工作日估算")
RED, YELLOW, GREEN = Light.RED, Light.YELLOW, Light.GREEN
OFFICE_NAME = "作风整顿办"  # who sends the office's own lists: assigned matters, hints checked and cleared


# --- lights -----------------------------------------------------------------------------------
def light(status: str, deadline: Any, as_of: dt.date, warning_days: int) -> tuple[str, int]:
    """(灯色, calendar days overdue) of one problem at ``as_of``."""
    if status == ProblemStatus.DONE:
        return GREEN, 0
    if status not in ProblemStatus.OPEN or not isinstance(deadline, dt.date):
        return "", 0  # 长期坚持 (status or deadline), or no deadline at all: no light
    ahead = deadline.toordinal() - as_of.toordinal()
    if ahead < 0:
        return RED, -ahead
    if ahead <= warning_days:
        return YELLOW, 0
    return GREEN, 0


def flags(state: pd.DataFrame, as_of: dt.date, warning_days: int, kind: LedgerKind = PROBLEM) -> pd.DataFrame:
    """灯色 and 逾期天数 (calendar and working days) for every row of ``state``, at once, keyed as
    the rows are (the kind's id, and 单位编码 where ``state`` has it).

    The kind names the columns and its status vocabulary: its open statuses can go red, its done
    status is green, any other (长期坚持) has no light."""
    n = len(state)
    status = state[kind.status_column].to_numpy(dtype=object)
    deadlines = state[kind.deadline_column].tolist()
    is_date = np.fromiter((isinstance(d, dt.date) for d in deadlines), dtype=bool, count=n)
    ordinal = np.fromiter((d.toordinal() if isinstance(d, dt.date) else 0 for d in deadlines), dtype=np.int64, count=n)
    ahead = ordinal - as_of.toordinal()
    dated_open = np.isin(status, kind.open_statuses) & is_date
    red = dated_open & (ahead < 0)
    yellow = dated_open & (ahead >= 0) & (ahead <= warning_days)
    green = (status == kind.done_status) | (dated_open & (ahead > warning_days))
    colour = np.select([red, yellow, green], [RED, YELLOW, GREEN], default="").astype(object)
    work = np.zeros(n, dtype=np.int64)
    estimated = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(red):  # O(1) each: the calendar is a cached cumulative table
        work[i], estimated[i] = workdays_between(deadlines[i], as_of)
    id_column = kind.id_column
    keys = [c for c in (id_column, "单位编码") if c in state.columns]  # an (item, unit) pair's, where there are units
    return pd.DataFrame(
        {
            **{c: state[c].to_numpy(dtype=object) for c in keys},
            "灯色": colour,
            "逾期天数": np.where(red, -ahead, 0).astype(int),
            "逾期工作日": work.astype(int),
            "工作日估算": estimated,
        },
        columns=[*keys, *FLAG_COLUMNS[1:]],
    )


# --- the supervision ladder -------------------------------------------------------------------
def supervision_counts(
    problem_ids: Iterable[str], red_now: Iterable[bool], month: str | None, red_months: Mapping[str, Sequence[str]]
) -> list[int]:
    """督办次数: distinct months (up to ``month``) in which a run found each item red.

    ``red_months`` holds the months the ledger recorded; the current month counts when the
    item is red now, once however often the month is run.
    """
    out = []
    for pid, red in zip(problem_ids, red_now, strict=True):
        months = {m for m in red_months.get(pid, ()) if month is None or m <= month}
        if red and month is not None:
            months.add(month)
        out.append(len(months))
    return out


def kind_ledger(
    kind: LedgerKind,
    state: pd.DataFrame,
    lights: pd.DataFrame,
    red_months: Mapping[str, Sequence[str]],
    escalate_after: int,
    month: str | None = None,
    *,
    as_of: dt.date | None = None,
    warning_days: int = 0,
    unit_order: Sequence[str] = (),
) -> ItemLedger:
    """The ledger of ``kind``: its (item, unit) pairs with their lights, 督办次数, 督办等级 and 移交纪委
    (SPEC §6), and its items.

    ``state`` is ``Store.state(kind, month)``; ``lights`` the pairs' lights (``flags`` of the
    state, or the ones a month's run stored), keyed by id and 单位编码; ``red_months`` the months a
    run found each pair red (``Store.red_months``); ``month`` counts now when a pair is red now
    (None: only the months stored). An item a unit registered is its only pair. An item the office
    assigns to several units is done when every unit has reached the done status, red when its
    deadline passed while it is not (its lights at ``as_of``), with a ladder of its own."""
    id_col = kind.id_column
    flagged = [c for c in FLAG_COLUMNS[1:] if c in lights.columns]
    frame = state.merge(lights[[id_col, "单位编码", *flagged]], on=[id_col, "单位编码"], how="left")
    frame["灯色"] = frame["灯色"].fillna("").astype(object)
    for column in ("逾期天数", "逾期工作日"):
        frame[column] = (
            (frame[column] if column in frame.columns else pd.Series(0, index=frame.index)).fillna(0).astype(int)
        )
    estimated = frame["工作日估算"] if "工作日估算" in frame.columns else pd.Series(False, index=frame.index)
    frame["工作日估算"] = estimated.astype(object).fillna(False).astype(bool)
    if unit_order and len(frame):
        order = {code: n for n, code in enumerate(unit_order)}
        frame = frame.assign(_o=frame["单位编码"].map(lambda c: order.get(c, len(order))))
        frame = frame.sort_values([id_col, "_o"], kind="stable").drop(columns="_o")
    frame = frame.reset_index(drop=True)
    keys = [pair_key(i, c) for i, c in zip(frame[id_col], frame["单位编码"], strict=True)]
    _ladder(kind, frame, keys, red_months, escalate_after, month)
    if kind.registered_by_unit:
        return ItemLedger(kind=kind, items=frame, pairs=frame)
    items = _items(kind, frame, as_of, warning_days)
    _ladder(kind, items, [pair_key(i) for i in items[id_col]], red_months, escalate_after, month)
    return ItemLedger(kind=kind, items=items, pairs=frame[list(pair_columns(kind))])


def problem_ledger(
    state: pd.DataFrame,
    lights: pd.DataFrame,
    red_months: Mapping[str, Sequence[str]],
    escalate_after: int,
    month: str | None = None,
) -> pd.DataFrame:
    """The 问题总台账 rows (``LEDGER_COLUMNS`` then ``LEDGER_EXTRA``): the problem kind's ledger."""
    items = kind_ledger(PROBLEM, state, lights, red_months, escalate_after, month).items
    return items[[*LEDGER_COLUMNS, *LEDGER_EXTRA]]


def _items(kind: LedgerKind, pairs: pd.DataFrame, as_of: dt.date | None, warning_days: int) -> pd.DataFrame:
    """The items of a kind the office assigns, one row each (the kind's ledger columns, then
    承办单位数, 已办结单位数), rolled up from their pairs, with their lights at ``as_of``."""
    id_col, status_col, done_col = kind.id_column, kind.status_column, kind.done_column
    rows = []
    for iid, mine in pairs.groupby(pairs[id_col].to_numpy(dtype=object), sort=True):
        statuses = mine[status_col].tolist()
        if all(s == kind.done_status for s in statuses):
            overall = kind.done_status
        elif all(s == kind.statuses[0] for s in statuses):
            overall = kind.statuses[0]
        else:
            overall = kind.open_statuses[-1]
        done_dates = [d for d in mine[done_col] if isinstance(d, dt.date)]
        first = mine.iloc[0]
        rows.append(
            {
                **{c: first[c] for c in record_columns(kind)},
                id_col: iid,
                "承办单位": "、".join(f"{n}（{s}）" for n, s in zip(mine["填报单位"], statuses, strict=True)),
                kind.deadline_column: first[kind.deadline_column],
                status_col: overall,
                done_col: max(done_dates) if overall == kind.done_status and done_dates else None,
                kind.progress_column: "；".join(
                    f"{n}：{p}" for n, p in zip(mine["填报单位"], mine[kind.progress_column], strict=True) if p
                ),
                "承办单位数": len(statuses),
                "已办结单位数": sum(1 for s in statuses if s == kind.done_status),
            }
        )
    items = pd.DataFrame(rows, columns=[*kind.ledger_columns, "承办单位数", "已办结单位数"])
    if len(items) and as_of is not None:
        whole = flags(items, as_of, warning_days, kind)
        for column in ("灯色", "逾期天数"):
            items[column] = whole[column].to_numpy()
    else:
        items = items.assign(灯色="", 逾期天数=0)
    return items.reset_index(drop=True)


def _ladder(
    kind: LedgerKind,
    frame: pd.DataFrame,
    keys: list[str],
    red_months: Mapping[str, Sequence[str]],
    escalate_after: int,
    month: str | None,
) -> None:
    """督办次数, 督办等级 (the ladder, while red) and 移交纪委 (from ``escalate_after`` until done) of
    each row of ``frame``, in place."""
    red_now = (frame["灯色"] == RED).tolist() if len(frame) else []
    supervised = supervision_counts(keys, red_now, month, red_months)
    frame["督办次数"] = pd.Series(supervised, index=frame.index, dtype=int)
    frame["督办等级"] = pd.Series(
        [Ladder.level(n, escalate_after) if red else "" for n, red in zip(supervised, red_now, strict=True)],
        index=frame.index,
        dtype=object,
    )
    frame["移交纪委"] = pd.Series(
        [
            YesNo.of(n >= escalate_after and s != kind.done_status)
            for n, s in zip(supervised, frame[kind.status_column], strict=True)
        ],
        index=frame.index,
        dtype=object,
    )


def flag_rows(ledger: ItemLedger) -> list[tuple[str, str, str, int]]:
    """(item id, unit code or '' for an item as a whole, light, overdue days) of a ledger, for the store."""
    id_col = ledger.kind.id_column
    pairs = ledger.pairs
    out = [
        (str(i), str(c), str(light), int(days))
        for i, c, light, days in zip(pairs[id_col], pairs["单位编码"], pairs["灯色"], pairs["逾期天数"], strict=True)
    ]
    if ledger.kind.registered_by_unit:
        return out
    items = ledger.items
    out += [
        (str(i), "", str(light), int(days))
        for i, light, days in zip(items[id_col], items["灯色"], items["逾期天数"], strict=True)
    ]
    return out


# --- counts -----------------------------------------------------------------------------------
def _indicators(frame: pd.DataFrame) -> pd.DataFrame:
    status = frame["完成状态"]
    lights = frame["灯色"] if "灯色" in frame.columns else pd.Series("", index=frame.index)
    return pd.DataFrame(
        {
            "问题数": 1,
            ProblemStatus.DONE: (status == ProblemStatus.DONE).astype(int),
            ProblemStatus.IN_PROGRESS: (status == ProblemStatus.IN_PROGRESS).astype(int),
            ProblemStatus.NOT_STARTED: (status == ProblemStatus.NOT_STARTED).astype(int),
            ProblemStatus.LONG_TERM: (status == ProblemStatus.LONG_TERM).astype(int),
            RED: (lights == RED).astype(int),
            YELLOW: (lights == YELLOW).astype(int),
        },
        index=frame.index,
    )


def _with_rate(sums: pd.DataFrame) -> pd.DataFrame:
    """Add 完成率 = 已完成 ÷ (all − 长期坚持), NaN where nothing has a completion target."""
    base = (sums["问题数"] - sums[ProblemStatus.LONG_TERM]).astype(float)
    sums = sums.astype(int)
    sums["完成率"] = (sums[ProblemStatus.DONE] / base.where(base > 0)).astype(float)
    return sums[list(COUNT_COLUMNS)]


def tally(frame: pd.DataFrame, by: str, keys: Sequence[Any]) -> pd.DataFrame:
    """The counts of ``frame`` grouped once by column ``by``, one row per key of ``keys`` (in order)."""
    parts = _indicators(frame)
    sums = parts.groupby(frame[by].to_numpy(dtype=object)).sum() if len(frame) else parts
    sums = sums.reindex(pd.Index(list(keys), dtype=object), fill_value=0)
    return _with_rate(sums)


def counts(group: pd.DataFrame) -> dict[str, Any]:
    """The counts of one group of problems (status counts, completion rate, red and yellow)."""
    sums = _indicators(group).sum().to_frame().T if len(group) else pd.DataFrame([dict.fromkeys(COUNT_COLUMNS, 0)])
    row = _with_rate(sums.drop(columns=["完成率"], errors="ignore")).iloc[0]
    return {c: (float(row[c]) if c == "完成率" else int(row[c])) for c in COUNT_COLUMNS}


def completion_rates(state: pd.DataFrame) -> dict[str, float]:
    """Unit code -> completion rate, from a state frame (for the change against last month)."""
    if state.empty:
        return {}
    codes = list(dict.fromkeys(state["单位编码"]))
    return {str(k): float(v) for k, v in tally(state, "单位编码", codes)["完成率"].items()}


def town_completion_rate(state: pd.DataFrame | None) -> float:
    """The whole town's completion rate of a state frame (NaN without one): 通报 合计 较上月."""
    if state is None or state.empty:
        return float("nan")
    return float(counts(state.assign(灯色=""))["完成率"])


# --- submissions --------------------------------------------------------------------------------
def _submission_by_unit(
    campaign: Campaign, month: str, records: Sequence[AuditRecord]
) -> dict[str, tuple[str, str, int, str]]:
    """Unit code -> (报送状态, received time of the file that decides it, files this month, where
    that received time came from)."""
    due = campaign.due_date(month)
    mine: dict[str, list[AuditRecord]] = {}
    for r in records:
        if r.unit_code and r.outcome not in (Outcome.DUPLICATE, Outcome.WORK_SUMMARY):  # a work summary is no update
            mine.setdefault(r.unit_code, []).append(r)
    out: dict[str, tuple[str, str, int, str]] = {}
    for unit in campaign.units:
        files = mine.get(unit.code, [])
        accepted = [r for r in files if r.outcome == Outcome.PASSED]
        if accepted:
            on_time = [r for r in accepted if dt.datetime.fromisoformat(r.received_at).date() <= due]
            first = (on_time or accepted)[0]
            out[unit.code] = (
                SubmissionState.ON_TIME if on_time else SubmissionState.LATE,
                first.received_at,
                len(files),
                source_label(first.messages),
            )
        elif files:
            out[unit.code] = (
                SubmissionState.RETURNED,
                files[-1].received_at,
                len(files),
                source_label(files[-1].messages),
            )
        else:
            out[unit.code] = (SubmissionState.MISSING, "", 0, "")
    return out


def submission_status(
    campaign: Campaign,
    month: str,
    records: Sequence[AuditRecord],
    previous_records: Sequence[AuditRecord] | None = None,
) -> pd.DataFrame:
    """报送情况: per roster unit, 按时 / 逾期 / 退回 / 未报送, with the time it was received.

    ``previous_records`` are last month's audit records when last month had a run (else None):
    a unit with nothing accepted (未报送 or 退回) in both months is marked 连续两月未报送.
    """
    due = campaign.due_date(month)
    now = _submission_by_unit(campaign, month, records)
    before = None
    if previous_records is not None:
        before = _submission_by_unit(campaign, str(Month.parse(month).previous), previous_records)
    rows = []
    for unit in campaign.units:
        status, when, files, source = now[unit.code]
        last = before[unit.code][0] if before is not None else ""
        rows.append(
            {
                "单位": unit.name,
                "单位编码": unit.code,
                "类型": unit.kind,
                "报送状态": status,
                "报送时间": dt.datetime.fromisoformat(when) if when else None,
                "接收时间依据": source,
                "截止日期": due,
                "文件数": files,
                "上月报送状态": last,
                "连续两月未报送": bool(status in MISSING_STATUSES and last in MISSING_STATUSES),
            }
        )
    return pd.DataFrame(rows, columns=[*SUBMISSION_COLUMNS, *SUBMISSION_EXTRA])


# --- units, categories, campaigns ---------------------------------------------------------------
def competition_ranks(keys: Sequence[object]) -> list[int]:
    """Competition ranking (1, 2, 2, 4) over keys already sorted best first."""
    ranks: list[int] = []
    for position, key in enumerate(keys, start=1):
        ranks.append(ranks[-1] if ranks and keys[position - 2] == key else position)
    return ranks


def completion_order(frame: pd.DataFrame, within: Sequence[str]) -> tuple[pd.DataFrame, list[int]]:
    """The units' ranking, the one the 通报 and the leaders' reports both print: by completion rate
    (a unit with none last), then fewer red lights; ``within`` orders units of equal place.
    Returns ``frame`` in that order and each row's competition place (1, 2, 2, 4)."""
    order = frame.assign(_rate=frame["完成率"].fillna(-1.0)).sort_values(
        ["_rate", RED, *within], ascending=[False, True, *(True for _ in within)]
    )
    places = competition_ranks(list(zip(order["_rate"], order[RED], strict=True)))
    return order.drop(columns="_rate"), places


def _ranked(campaign: Campaign, problems: pd.DataFrame) -> pd.DataFrame:
    """Per roster unit (index: code): the counts and 排名 (``completion_order``; a unit without a
    rate is placed after every unit with one)."""
    codes = [u.code for u in campaign.units]
    frame = tally(problems, "单位编码", codes)
    order, places = completion_order(frame.assign(_code=frame.index), within=(YELLOW, "_code"))
    frame["排名"] = pd.Series(places, index=order.index)
    return frame.loc[order.index]


def unit_stats(
    campaign: Campaign,
    problems: pd.DataFrame,
    submissions: pd.DataFrame,
    previous_rates: dict[str, float],
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """单位统计: counts, completion rate, lights, rank, and the change against last month.

    ``previous`` is last month's state with its stored lights (灯色) when last month had a run;
    it gives 红灯较上月 and 上月排名.
    """
    status_of = dict(zip(submissions["单位编码"], submissions["报送状态"], strict=True))
    units = {u.code: u for u in campaign.units}
    ranked = _ranked(campaign, problems)
    before = _ranked(campaign, previous) if previous is not None else None
    rows = []
    for code, rec in zip(ranked.index, ranked.to_dict("records"), strict=True):
        unit = units[code]
        prev = previous_rates.get(code, float("nan"))
        rate = rec["完成率"]
        change = (rate - prev) * 100 if pd.notna(prev) and pd.notna(rate) else float("nan")
        rows.append(
            {
                "单位": unit.name,
                "单位编码": code,
                "类型": unit.kind,
                "报送状态": status_of.get(code, SubmissionState.MISSING),
                **{c: rec[c] for c in COUNT_COLUMNS},
                "排名": int(rec["排名"]),
                "较上月": change,
                "红灯较上月": int(rec[Light.RED] - before.at[code, Light.RED]) if before is not None else float("nan"),
                "上月排名": int(before.at[code, "排名"]) if before is not None else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=[*UNIT_COLUMNS, *UNIT_EXTRA])


def lead_text(category: str, special: bool, leads: Mapping[str, Sequence[str]]) -> str:
    """牵头部门 of a category: the township's own lead departments of a special campaign
    (campaign.toml ``[leads]``), ``LEADS_UNSET`` where it names none, "" for other categories."""
    if not special:
        return ""
    return "、".join(leads.get(category, ())) or LEADS_UNSET


def category_stats(
    problems: pd.DataFrame, vocab: Vocabulary, leads: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """分类统计: one row per category (the seven of the seed), special campaigns marked with their
    lead departments (``leads``: ``Campaign.leads``)."""
    sums = tally(problems, "问题类别", [c.name for c in vocab.categories])
    rows = [
        {
            "问题类别": c.name,
            "专项治理": c.campaign,
            "牵头部门": lead_text(c.name, c.campaign, leads or {}),
            **sums.loc[c.name].to_dict(),
        }
        for c in vocab.categories
    ]
    return pd.DataFrame(rows, columns=list(CATEGORY_COLUMNS)).astype({"问题数": int, Light.RED: int, Light.YELLOW: int})


def campaign_stats(
    problems: pd.DataFrame, vocab: Vocabulary, leads: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """专项治理: the seed's special campaigns with their lead departments (``Campaign.leads``), and
    the same counts."""
    special = [c for c in vocab.categories if c.campaign]
    sums = tally(problems, "问题类别", [c.name for c in special])
    involved = problems.groupby("问题类别")["单位编码"].nunique() if len(problems) else pd.Series(dtype=int)
    rows = [
        {
            "专项治理": c.name,
            "牵头部门": lead_text(c.name, True, leads or {}),
            "涉及单位": int(involved.get(c.name, 0)),
            **sums.loc[c.name].to_dict(),
        }
        for c in special
    ]
    return pd.DataFrame(rows, columns=list(CAMPAIGN_COLUMNS))


# --- files --------------------------------------------------------------------------------------


def per_cent(share: float) -> str:
    """``85`` for 0.85, ``85.5`` for 0.855: a share in per cent, one decimal at most."""
    return f"{round(share * 100, 1):g}"


# the catalogue entry of each kind of 形式主义提示 about one problem (清单雷同 and 雷同 have their own)
HINT_CODES: dict[str, str] = {EMPTY: "formality-empty", ECHO: "formality-echo", STALE: "formality-stale"}


def hint_message(hint: Hint, unit_names: Mapping[str, str], partner: bool = False) -> Message:
    """A 形式主义提示 as its unit reads it, the one sentence 校验结果, 形式主义提示明细 and the unit's
    提示 workbook show. ``partner``: a 清单雷同 told to its other unit (``Hint.other_unit``)."""

    def name(code: str) -> str:
        return unit_names.get(code, code)

    if hint.signal == COPY:
        near = {"score": per_cent(hint.score)}
        how = render_text("formality-copy-same", {}) if hint.score >= 1 else render_text("formality-copy-near", near)
        month = Month.parse(hint.other_month).label if hint.other_month else ""
        params = {
            "item": hint.item_id,
            "other_unit": name(hint.other_unit),
            "other_month": month,
            "other_item": hint.other_item,
            "how": how,
        }
        return Message("formality-copy", params=params)
    if hint.signal == LIST:
        if partner:
            mine = {"other_unit": name(hint.unit_code), "total": hint.total, "count": hint.count}
            return Message("formality-list-partner", params=mine)
        theirs = {"other_unit": name(hint.other_unit), "total": hint.total, "count": hint.count}
        return Message("formality-list", params=theirs)
    return Message(HINT_CODES[hint.signal], params={"item": hint.item_id, "count": hint.count})


def report_unit_names(report: MonthReport) -> dict[str, str]:
    """Unit code -> name of every unit a month's report knows: the roster's, then those of the
    ledger's problems (a unit that left the roster), for its hints' other units."""
    names = {str(c): str(n) for c, n in zip(report.problems["单位编码"], report.problems["填报单位"], strict=True)}
    return {**names, **{u.code: u.name for u in report.campaign.units}}


def hint_files(records: Sequence[AuditRecord], formality: Findings) -> dict[int, list[tuple[Hint, bool]]]:
    """Audit record seq -> the 形式主义提示 its file carried this month (each with whether it is
    told to a 清单雷同's other unit): a hint about a problem goes to the file it came in
    (``Hint.seq``), a 清单雷同 to the accepted file of each of its two units that sent one."""
    accepted: dict[str, int] = {}  # unit -> its last accepted file of the month
    for r in records:
        if r.outcome == Outcome.PASSED and r.unit_code:
            accepted[r.unit_code] = r.seq
    out: dict[int, list[tuple[Hint, bool]]] = {}
    for hint in formality.hints:
        if hint.signal == LIST:
            targets = [(accepted.get(hint.unit_code), False), (accepted.get(hint.other_unit), True)]
        else:
            targets = [(hint.seq, False)]
        for seq, partner in targets:
            if seq is not None:
                out.setdefault(seq, []).append((hint, partner))
    return {seq: hints_first(found, key=lambda t: t[0]) for seq, found in out.items()}


def hints_first(items: Iterable[Any], key: Callable[[Any], Hint] = lambda h: h) -> list[Any]:
    """``items`` (hints, or what ``key`` gives a hint of) with the hints about one problem first,
    in their order, then the 清单雷同 about the whole list."""
    return sorted(items, key=lambda item: key(item).signal == LIST)


def _told_unchanged(messages: Sequence[Mapping[str, Any]]) -> set[str]:
    """The problems a file's own messages already call 进展未更新 (progress as last month's)."""
    code = PROBLEM.rules.unchanged
    return {
        str(m["params"].get("problem_id", ""))
        for m in messages
        if m.get("code") == code and isinstance(m.get("params"), dict)
    }


def validation_table(
    records: Sequence[AuditRecord],
    unit_names: dict[str, str],
    not_taken: Sequence[tuple[str, str]] = (),
    formality: Findings | None = None,
) -> pd.DataFrame:
    """校验结果: every file the month took, with its outcome and all its messages, then the
    形式主义提示 of its problems (``formality``; a 进展未更新 the file's own messages already say is
    not said twice), counted with the warnings; then what the run found in the inbox and did not
    read (``not_taken``: name and why)."""
    superseded = intake.superseded(records)
    hints = hint_files(records, formality) if formality is not None else {}
    unknown = render_text("unit-not-identified", {})
    rows = []
    for r in records:
        messages = json.loads(r.messages)
        texts = [m["text"] for m in messages]
        if (newer := superseded.get(r.seq)) is not None:
            texts.append(render_text("file-superseded", {"newer": newer.file_name}))
        told = _told_unchanged(messages) if r.seq in hints else set()
        added = [
            hint_message(hint, unit_names, partner).body
            for hint, partner in hints.get(r.seq, [])
            if not (hint.signal == STALE and hint.item_id in told)
        ]
        texts += added
        rows.append(
            {
                "文件名": r.file_name,
                "填报单位": OFFICE_NAME
                if r.outcome in (Outcome.REGISTER, Outcome.CLEARED)
                else unit_names.get(r.unit_code or "", unknown),
                "结果": r.outcome,
                "说明": "\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))
                if len(texts) > 1
                else "".join(texts),
                "接收时间": dt.datetime.fromisoformat(r.received_at),
                "错误数": sum(1 for m in messages if m.get("level") == "error"),
                "提醒数": sum(1 for m in messages if m.get("level") == "warning") + len(added),
            }
        )
    for name, why in not_taken:
        rows.append(
            {
                "文件名": name,
                "填报单位": "",
                "结果": Outcome.NOT_TAKEN,
                "说明": why,
                "接收时间": None,
                "错误数": 0,
                "提醒数": 1,
            }
        )
    return pd.DataFrame(rows, columns=list(VALIDATION_COLUMNS))


def reply_by(as_of: dt.date, reply_workdays: int) -> tuple[dt.date, bool]:
    """A supervision notice's reply-by date: ``reply_workdays`` working days after ``as_of``."""
    return add_workdays(as_of, reply_workdays)


def month_report(
    *,
    campaign: Campaign,
    vocab: Vocabulary,
    month: str,
    as_of: dt.date,
    doc_number: int,
    ledgers: Mapping[str, ItemLedger],
    records: Sequence[AuditRecord],
    unit_names: dict[str, str],
    previous_state: pd.DataFrame | None,
    previous_month: str | None,
    previous_records: Sequence[AuditRecord] | None = None,
    previous_flags: pd.DataFrame | None = None,
    not_taken: Sequence[tuple[str, str]] = (),
    ratings: pd.DataFrame | None = None,
    formality: Findings | None = None,
) -> MonthReport:
    """Everything the month's outputs show, computed once, from every kind's ledger (``kind_ledger``).

    The ``previous_*`` inputs are last month's, given only when last month had a run:
    its problems' state, the audit records of the files it took, and the lights its run stored.
    ``ratings``: the stored 办事效率评议 (``Store.ratings``), counted for the month's rating period.
    ``formality``: the month's 形式主义提示 (pipeline/formality.py).
    """
    problems = ledgers[PROBLEM.name].items[[*LEDGER_COLUMNS, *LEDGER_EXTRA]]
    submissions = submission_status(campaign, month, records, previous_records)
    previous_rates = completion_rates(previous_state) if previous_state is not None else {}
    previous = None
    if previous_state is not None and previous_flags is not None:
        previous = previous_state.merge(previous_flags[["问题编号", "灯色"]], on="问题编号", how="left")
        previous["灯色"] = previous["灯色"].fillna("")
    due, estimated = reply_by(as_of, campaign.reply_workdays)
    return MonthReport(
        campaign=campaign,
        month=month,
        as_of=as_of,
        doc_number=doc_number,
        problems=problems,
        units=unit_stats(campaign, problems, submissions, previous_rates, previous),
        categories=category_stats(problems, vocab, campaign.leads),
        submissions=submissions,
        validation=validation_table(records, unit_names, not_taken, formality),
        previous_month=previous_month,
        campaigns=campaign_stats(problems, vocab, campaign.leads),
        reply_by=due,
        reply_by_estimated=estimated,
        previous_rate=town_completion_rate(previous_state),
        ledgers={name: ledger for name, ledger in ledgers.items() if name != PROBLEM.name},
        rating=rating.rating_report(campaign, month, ratings) if ratings is not None else None,
        formality=formality if formality is not None else Findings(),
    )
