"""The leaders' reports (半年 / 年度): the ledger's history over the months so far, as figures.

Pure, like ``aggregate``: ``build`` gets each month's stored state, lights, red months and audit
records (``MonthHistory``) and returns ``SummaryData``; nothing here reads files, the database or
the clock. ``render_summary`` only formats it.

The unit assessment (考核), with the weights of ``[assessment]`` in campaign.toml:

    得分 = on_time × 按时报送率 + completion × 完成率
           − overdue × 逾期督办次数 − escalated × 移交纪委问题数 − returned × 退回文件数
           − summary_late (工作总结逾期) 或 summary_missing (未报送)   (不低于 0)

按时报送率 is the share of the period's months a unit sent an accepted file by the due date;
完成率 is the rate at the end of the period (100 % for a unit with nothing to complete);
逾期督办次数 adds, over the unit's problems, the months a run found each red (督办次数);
移交纪委问题数 counts the problems that reached ``escalate_after``; 退回文件数 the returned files;
工作总结 counts only in the year's report made after its due date (``summary_due``; see
``summary_counts``), before which it shows ``—``.

With a ``[rating]`` table and a ``rating`` weight above 0, a department (部门) also gains
``rating × 满意率``, its 办事效率评议 满意率 over the report's range (``RatingSummary``); a
department no village rated in the range (every rating 未办理事项, or none returned) gets the
weight whole, as a unit with nothing to complete gets the completion points whole: it is not to be
marked down for what the villages did not bring to it. Villages and communities are not rated and
their scores do not change.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from pipeline import aggregate, rating
from pipeline.config import DEPARTMENT, Assessment, Campaign
from pipeline.errors import SummaryNoData
from pipeline.formality import Findings
from pipeline.model import (
    Ladder,
    Light,
    Month,
    Outcome,
    ProblemStatus,
    RatingLevel,
    RatingReason,
    Signal,
    SubmissionState,
    YesNo,
    rating_period_text,
)
from pipeline.report import COUNT_COLUMNS, ItemLedger
from pipeline.storage.ledger import AuditRecord, pair_key
from pipeline.vocab import Vocabulary

PERIODS: dict[str, str] = {"half": "半年", "year": "年度"}
HALF_END_MONTH = 6
TREND_COLUMNS: tuple[str, ...] = (
    "月份",
    *COUNT_COLUMNS,
    "移交纪委",
    *SubmissionState.ALL,
)
NOT_DUE = "—"  # the 工作总结 cell of the assessment before the summary is due

ASSESSMENT_COLUMNS: tuple[str, ...] = (
    "排名",
    "单位",
    "类型",
    "得分",
    "按时报送率",
    "完成率",
    "逾期督办次数",
    "移交纪委问题数",
    "退回文件数",
    "工作总结",
)


RATING_WHOLE = "全期满意率"  # the 满意率 column over the report's whole range
RATING_RANGE = "全期"  # the period key the whole range is counted under (``rating.count``)


@dataclass(frozen=True)
class RatingSummary:
    """The 办事效率评议 over a report's range: each department's 满意率 per rating period and over the
    range, its ratings and 不满意 reasons counted (``rating.count`` over ``Store.ratings``)."""

    threshold: float  # campaign.rating.threshold, in percent
    raters: int  # the raters of the roster
    periods: tuple[str, ...]  # the rating periods of the range (2022-05 or 2022Q2), oldest first
    labels: tuple[str, ...]  # their labels in the table (5月, 第二季度)
    returned: tuple[int, ...]  # per period, the raters that returned a rating
    departments: pd.DataFrame  # 排名, 部门编码, 部门, one 满意率 per label, 全期满意率, levels, reasons

    @property
    def below(self) -> pd.DataFrame:
        """The departments whose 满意率 over the range is below the threshold, lowest first (the
        rate as printed, one decimal of a percent, as ``RatingReport.below``)."""
        frame = self.departments
        rates = pd.to_numeric(frame[RATING_WHOLE], errors="coerce")
        low = frame[rates.notna() & ((rates * 100).round(1) < self.threshold)]
        return low.assign(_rate=rates[low.index]).sort_values(["_rate"], kind="stable").drop(columns="_rate")

    @property
    def rates(self) -> dict[str, float]:
        """Department code -> 满意率 over the range (NaN when nobody rated it)."""
        return dict(zip(self.departments["部门编码"], self.departments[RATING_WHOLE].astype(float), strict=True))


def rating_summary(campaign: Campaign, months: Sequence[str], ratings: pd.DataFrame | None) -> RatingSummary | None:
    """The 办事效率评议 of the rating periods of ``months`` (None without ``[rating]`` or without a
    rating period in them), counted by ``rating.count``: each period, then the range as one."""
    if campaign.rating is None or ratings is None:
        return None
    periods = list(dict.fromkeys(p for m in months if (p := campaign.rating_period(m)) is not None))
    if not periods:
        return None
    year = f"{campaign.year}年"
    labels = [rating_period_text(p).removeprefix(year) for p in periods]
    kept = ratings[ratings["评议期"].isin(periods)]
    whole = rating.count(campaign, RATING_RANGE, kept.assign(评议期=RATING_RANGE))
    frame = whole[["排名", "部门编码", "部门"]].copy()
    for period, label in zip(periods, labels, strict=True):
        frame[label] = rating.count(campaign, period, ratings)["满意率"].astype(float).to_numpy()
    frame[RATING_WHOLE] = whole["满意率"].astype(float)
    for column in (*RatingLevel.ALL, *RatingReason.ALL):
        frame[column] = whole[column].astype(int)
    rater_codes = {u.code for u in campaign.raters}
    returned = tuple(
        int(kept.loc[(kept["评议期"] == p) & kept["评议单位"].isin(rater_codes), "评议单位"].nunique()) for p in periods
    )
    return RatingSummary(
        threshold=campaign.rating.threshold,
        raters=len(campaign.raters),
        periods=tuple(periods),
        labels=tuple(labels),
        returned=returned,
        departments=frame,
    )


@dataclass(frozen=True)
class MonthHistory:
    """One month of the ledger as stored: what the month's run found."""

    month: str  # YYYY-MM
    as_of: dt.date
    state: pd.DataFrame  # Store.state(PROBLEM, month)
    lights: pd.DataFrame  # Store.stored_flags(PROBLEM, month): 问题编号, 单位编码, 灯色, 逾期天数
    red_months: dict[str, list[str]]  # Store.red_months(PROBLEM, month): pair_key(id, unit) -> months
    records: tuple[AuditRecord, ...]  # Store.audit_records(month)
    formality: Findings = field(default_factory=Findings)  # the month's 形式主义提示 (run.findings)


# 形式主义提示 (issue #20) over a report's range, per unit: the problems each signal flagged in some
# month (a problem flagged month after month counted once), for 清单雷同 the other units.
FORMALITY_ITEMS = "涉及问题数"  # the unit's problems flagged by any signal
FORMALITY_LISTS = "清单雷同情况"  # the other units its list was largely the same as, and the months
FORMALITY_COLUMNS: tuple[str, ...] = ("单位", "单位编码", "类型", *Signal.ALL, FORMALITY_ITEMS, FORMALITY_LISTS)
FORMALITY_TOTAL = "合计"


@dataclass(frozen=True)
class CopiedLists:
    """Two units whose problem lists were largely the same (清单雷同), in roster order, and the
    months it was found (YYYY-MM, oldest first)."""

    units: tuple[str, str]  # names
    months: tuple[str, ...]
    share: float  # the smallest share of one list's problems found in the other's, over the months


@dataclass(frozen=True)
class FormalitySummary:
    """The 形式主义提示 of a report's months (``MonthHistory.formality``), counted.

    ``units``: ``FORMALITY_COLUMNS``, one row per roster unit (then any other unit a hint names),
    each signal's column the unit's problems it flagged in some month of the range (清单雷同: the
    other units); ``months``: 月份, the hints of each signal found that month (a 清单雷同 pair
    once), 合计; ``totals``: signal -> problems flagged over the range (清单雷同: pairs of units);
    ``lists``: every pair of units whose lists were largely the same, first found first."""

    units: pd.DataFrame
    months: pd.DataFrame
    totals: dict[str, int]
    lists: tuple[CopiedLists, ...]

    @property
    def found(self) -> bool:
        """Whether any month of the range had a hint."""
        return any(self.totals.values())


def formality_summary(
    campaign: Campaign | None, months: Sequence[str], findings: Sequence[Findings]
) -> FormalitySummary:
    """``FormalitySummary`` of ``months`` from each month's ``findings`` (the cleared hints are
    not in them)."""
    units = list(campaign.units) if campaign is not None else []
    names = {u.code: u.name for u in units}
    kinds = {u.code: u.kind for u in units}
    order = {u.code: i for i, u in enumerate(units)}

    def place(code: str) -> tuple[int, str]:
        return order.get(code, len(order)), code

    labels = [Month.parse(m).short_label for m in months]
    items: dict[tuple[str, str], set[str]] = {}  # (unit, signal) -> its problems flagged
    pairs: dict[tuple[str, str], list[int]] = {}  # (unit, unit) in roster order -> months (indices)
    shares: dict[tuple[str, str], float] = {}
    month_rows = []
    for at, found in enumerate(findings):
        row = dict.fromkeys(Signal.ALL, 0)
        for hint in found.hints:
            row[hint.signal] += 1
            if hint.signal == Signal.LIST:
                a, b = sorted((hint.unit_code, hint.other_unit), key=place)
                seen = pairs.setdefault((a, b), [])
                if at not in seen:
                    seen.append(at)
                share = hint.count / hint.total if hint.total else 1.0
                shares[(a, b)] = min(shares.get((a, b), share), share)
            else:
                items.setdefault((hint.unit_code, hint.signal), set()).add(hint.item_id)
        month_rows.append({"月份": labels[at], **row, FORMALITY_TOTAL: sum(row.values())})
    partners: dict[str, dict[str, list[int]]] = {}
    for (a, b), when in pairs.items():
        partners.setdefault(a, {})[b] = when
        partners.setdefault(b, {})[a] = when
    codes = [u.code for u in units]
    codes += sorted(({c for c, _ in items} | set(partners)) - set(codes))
    rows = []
    for code in codes:
        mine = {s: items.get((code, s), set()) for s in Signal.ALL if s != Signal.LIST}
        others = partners.get(code, {})
        rows.append(
            {
                "单位": names.get(code, code),
                "单位编码": code,
                "类型": kinds.get(code, ""),
                **{s: len(mine[s]) if s in mine else len(others) for s in Signal.ALL},
                FORMALITY_ITEMS: len(set().union(*mine.values())),
                FORMALITY_LISTS: "；".join(
                    f"{names.get(o, o)}（{month_runs([months[i] for i in when])}）"
                    for o, when in sorted(others.items(), key=lambda kv: place(kv[0]))
                ),
            }
        )
    totals = {s: len({i for (_, sig), ids in items.items() if sig == s for i in ids}) for s in Signal.ALL}
    totals[Signal.LIST] = len(pairs)
    ordered = sorted(pairs.items(), key=lambda kv: (kv[1][0], place(kv[0][0]), place(kv[0][1])))
    return FormalitySummary(
        units=pd.DataFrame(rows, columns=list(FORMALITY_COLUMNS)),
        months=pd.DataFrame(month_rows, columns=["月份", *Signal.ALL, FORMALITY_TOTAL]),
        totals=totals,
        lists=tuple(
            CopiedLists((names.get(a, a), names.get(b, b)), tuple(months[i] for i in when), shares[(a, b)])
            for (a, b), when in ordered
        ),
    )


@dataclass(frozen=True)
class SummaryData:
    campaign: Campaign
    period: str  # half | year
    as_of: dt.date
    months: tuple[str, ...]
    trend: pd.DataFrame  # TREND_COLUMNS, one row per month
    categories: pd.DataFrame  # one row per category at the end of the period, with 期初完成率
    groups: pd.DataFrame  # 四个方面 vs 三项专项治理
    units: pd.DataFrame  # one row per roster unit, ranked by completion at the end
    unit_rates: pd.DataFrame  # 单位 × month label: completion rate
    overdue: pd.DataFrame  # every item found red in the period, and how it ended
    submissions: pd.DataFrame  # 单位 × month label: 报送状态, then counts
    assessment: pd.DataFrame  # ASSESSMENT_COLUMNS, ranked
    work_summaries: pd.DataFrame  # 单位, 文件名, 接收时间, 报送状态 (按时 / 逾期 / 未报送)
    weights: Assessment
    matters: ItemLedger | None = None  # the assigned matters as they stood in the period's last month
    gaps: tuple[str, ...] = ()  # months of the period never run (and no longer runnable): not in the figures
    month_dates: tuple[dt.date, ...] = ()  # the as-of date each of ``months`` was run with
    last: str = ""  # the period's last month (``PeriodPlan.last``); a gap when never run
    rating: RatingSummary | None = None  # the 办事效率评议 of the range; None without ``[rating]``
    # the 形式主义提示 of the range, counted
    formality: FormalitySummary = field(default_factory=lambda: formality_summary(None, (), ()))

    @property
    def rating_counts(self) -> bool:
        """Whether the departments' 满意率 counts in the assessment (a ``[rating]`` and a weight)."""
        return self.rating is not None and self.weights.rating > 0

    @property
    def period_name(self) -> str:
        return PERIODS[self.period]

    @property
    def figures_as_of(self) -> dt.date:
        """The date the report's end-of-period figures stand at: the report's date, or the last
        month's as-of date when the period's last month was never run (a gap)."""
        if self.last and self.months and self.months[-1] < self.last and self.month_dates:
            return min(self.as_of, self.month_dates[-1])
        return self.as_of

    @property
    def months_text(self) -> str:
        """``2022年3月、4月、5月``: the months the figures come from."""
        return month_text(_months(self.months))

    @property
    def gap_text(self) -> str:
        """``2022年5月``: the months never run, or ""."""
        return month_text(_months(self.gaps))

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def title_lines(self) -> tuple[str, str]:
        """The title's two lines where it is too long for one: ``xx镇2022年干部作风整顿`` and
        ``年度工作情况报告`` (a break between words, the longer line first, as GB/T 9704 sets titles)."""
        return (f"{self.campaign.town}{self.campaign.year}年干部作风整顿", f"{self.period_name}工作情况报告")

    @property
    def month_labels(self) -> list[str]:
        return [m.short_label for m in _months(self.months)]

    @property
    def latest(self) -> pd.Series:
        return self.trend.iloc[-1]

    @property
    def escalated(self) -> pd.DataFrame:
        return self.overdue[self.overdue["移交纪委"] == YesNo.YES]

    @property
    def matters_escalated(self) -> list[str]:
        """The assigned matters that reached the discipline commission in the period (督办次数 never
        decreases, so the last month's count tells), by number."""
        if self.matters is None:
            return []
        pairs = self.matters.pairs
        reached = pairs[pairs["督办次数"].fillna(0).astype(int) >= self.campaign.escalate_after]
        return list(dict.fromkeys(sorted(reached["编号"])))

    @property
    def improved(self) -> pd.DataFrame:
        """Units whose completion rate rose most, best first."""
        known = self.units.dropna(subset=["提升"])
        return known.sort_values(["提升", "单位编码"], ascending=[False, True])


@dataclass(frozen=True)
class PeriodPlan:
    """Which months a report is built from, and which of its months were never run."""

    last: str  # the period's last month: the as-of date's (June at the latest for the half year),
    # never past the campaign's last month
    months: tuple[str, ...]  # the months run, in order: the report is built from these
    gaps: tuple[str, ...]  # months of the period never run that can no longer be run (a later month was)


def campaign_last_month(campaign: Campaign) -> Month:
    """The campaign's last month: that of the end of rectification or of the work summary's due date."""
    return Month.of(max(campaign.rectification_end, campaign.summary_due))


def _months(texts: Sequence[str]) -> list[Month]:
    return [Month.parse(m) for m in texts]


def month_text(months: Sequence[Month]) -> str:
    """``2022年5月、6月``: the year once, then the months (the year again where it changes)."""
    if not months:
        return ""
    parts = [months[0].label]
    for previous, month in itertools.pairwise(months):
        parts.append(month.short_label if month.year == previous.year else month.label)
    return "、".join(parts)


def month_runs(months: Sequence[str]) -> str:
    """``3月至6月、8月``: months (YYYY-MM, in order) as runs of consecutive months (two in a row
    are ``3月、4月``)."""
    runs: list[list[Month]] = []
    for month in _months(months):
        if runs and runs[-1][-1].next == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(
        "、".join(m.short_label for m in run) if len(run) <= 2 else f"{run[0].short_label}至{run[-1].short_label}"
        for run in runs
    )


def plan_period(campaign: Campaign, run_months: Sequence[str], period: str, as_of: dt.date) -> PeriodPlan:
    """The months of a report made on ``as_of`` from the months the ledger has run (``run_months``).

    The period runs from the campaign's first month (that of the problem list's due date, or an
    earlier month that was run) to ``PeriodPlan.last``. A report is never made from stale figures:
    when the period's last month was never run and still can be (no later month was run), this
    refuses (``SummaryNoData``, code ``summary-months-not-run``), naming the months to run and the
    commands. Months of the period that were never run but can no longer be run, because a later
    month was, are the plan's ``gaps``: the report is made without them and says so."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    if not run_months:
        raise SummaryNoData()
    last = min(Month.of(as_of), campaign_last_month(campaign))
    if period == "half":
        last = min(last, Month(campaign.year, HALF_END_MONTH))
    used = [m for m in sorted(_months(run_months)) if Month(campaign.year, 1) <= m <= last]
    first = min([Month.of(campaign.problem_list_due), *used[:1]])
    missing = [m for m in Month.span(first, last) if m not in used]
    latest = max(_months(run_months))
    runnable = [m for m in missing if m > latest]
    if runnable:
        raise SummaryNoData(
            "summary-months-not-run",
            period=PERIODS[period],
            last=last.label,
            months=month_text(runnable),
            latest=latest.label,
            commands="；".join(f"make monthly AS_OF={as_of if m == Month.of(as_of) else m.last_day}" for m in runnable),
        )
    if not used:
        raise SummaryNoData("summary-period-empty", period=PERIODS[period], last=last.label)
    return PeriodPlan(
        last=str(last), months=tuple(str(m) for m in used), gaps=tuple(str(m) for m in missing if m < latest)
    )


def build(
    campaign: Campaign,
    vocab: Vocabulary,
    period: str,
    as_of: dt.date,
    history: Sequence[MonthHistory],
    all_records: Sequence[AuditRecord] = (),
    matters: ItemLedger | None = None,
    plan: PeriodPlan | None = None,
    ratings: pd.DataFrame | None = None,
) -> SummaryData:
    """Every figure of the report, from the months of ``history`` (in order); ``matters`` is the
    ledger of assigned matters of the last month (None when the office assigned none); ``plan``
    (``plan_period``) names the period's last month and the months never run; ``ratings``
    (``Store.ratings``) the 办事效率评议 stored, when the campaign has a ``[rating]``."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    problems = {h.month: _problems(h, campaign.escalate_after) for h in history}
    submissions = {h.month: aggregate.submission_status(campaign, h.month, h.records) for h in history}
    months = [h.month for h in history]
    final = problems[months[-1]]
    first = problems[months[0]]
    trend = pd.DataFrame([_trend_row(m, problems[m], submissions[m]) for m in months], columns=list(TREND_COLUMNS))
    escalated_ids = _ever_escalated(problems)
    returned = _returned_files(campaign, history)
    units = _units(campaign, problems, months, escalated_ids)
    received = [r for r in (all_records or [r for h in history for r in h.records]) if r.received_at[:10] <= str(as_of)]
    summaries = work_summaries(campaign, received)  # as known on the report's date
    rated = rating_summary(campaign, months, ratings)
    counted = rated is not None and campaign.assessment.rating > 0
    return SummaryData(
        campaign=campaign,
        period=period,
        as_of=as_of,
        months=tuple(months),
        trend=trend,
        categories=_categories(final, first, vocab, escalated_ids, campaign.leads),
        groups=_groups(final, vocab),
        units=units,
        unit_rates=_unit_rates(campaign, problems, months),
        overdue=_overdue(final, history[-1].red_months, campaign.escalate_after, problems),
        submissions=_submission_table(campaign, submissions, months, returned),
        assessment=assess(
            campaign,
            units,
            submissions,
            returned,
            summaries if summary_counts(period, as_of, campaign) else None,
            rated.rates if counted and rated is not None else None,
        ),
        work_summaries=summaries,
        weights=campaign.assessment,
        matters=matters if matters is not None and not matters.items.empty else None,
        gaps=plan.gaps if plan is not None else (),
        month_dates=tuple(h.as_of for h in history),
        last=plan.last if plan is not None else months[-1],
        rating=rated,
        formality=formality_summary(campaign, months, [h.formality for h in history]),
    )


def _problems(h: MonthHistory, escalate_after: int) -> pd.DataFrame:
    lights = h.lights.assign(逾期工作日=0, 工作日估算=False)
    frame = aggregate.problem_ledger(h.state, lights, h.red_months, escalate_after)
    frame["灯色"] = frame["灯色"].fillna("")
    return frame


def _trend_row(month: str, problems: pd.DataFrame, submissions: pd.DataFrame) -> dict[str, object]:
    tally = aggregate.counts(problems)
    states = submissions["报送状态"].value_counts()
    return {
        "月份": Month.parse(month).short_label,
        **{k: tally[k] for k in COUNT_COLUMNS},
        "移交纪委": int((problems["移交纪委"] == YesNo.YES).sum()),
        **{s: int(states.get(s, 0)) for s in SubmissionState.ALL},
    }


def _ever_escalated(problems: dict[str, pd.DataFrame]) -> set[str]:
    ids: set[str] = set()
    for frame in problems.values():
        ids |= set(frame.loc[frame["移交纪委"] == YesNo.YES, "问题编号"])
    return ids


def _rate(frame: pd.DataFrame) -> float:
    return float(aggregate.counts(frame)["完成率"]) if len(frame) else math.nan


def _categories(
    final: pd.DataFrame,
    first: pd.DataFrame,
    vocab: Vocabulary,
    escalated: set[str],
    leads: dict[str, tuple[str, ...]],
) -> pd.DataFrame:
    table = aggregate.category_stats(final, vocab, leads)
    table["期初完成率"] = [_rate(first[first["问题类别"] == c]) for c in table["问题类别"]]
    table["移交纪委"] = [
        int(final.loc[final["问题类别"] == c, "问题编号"].isin(escalated).sum()) for c in table["问题类别"]
    ]
    return table


def _groups(final: pd.DataFrame, vocab: Vocabulary) -> pd.DataFrame:
    special = {c.name for c in vocab.categories if c.campaign}
    rows = []
    for name, mask in (
        ("作风问题（四个方面）", ~final["问题类别"].isin(special)),
        ("专项治理（三项）", final["问题类别"].isin(special)),
    ):
        tally = aggregate.counts(final[mask])
        shown = ("问题数", ProblemStatus.DONE, ProblemStatus.LONG_TERM, "完成率", Light.RED)
        rows.append({"类别": name, **{k: tally[k] for k in shown}})
    return pd.DataFrame(rows)


def _units(
    campaign: Campaign, problems: dict[str, pd.DataFrame], months: list[str], escalated: set[str]
) -> pd.DataFrame:
    final = problems[months[-1]]
    red_counts = dict(zip(final["问题编号"], final["督办次数"], strict=True))
    rows = []
    for unit in campaign.units:
        mine = final[final["单位编码"] == unit.code]
        tally = aggregate.counts(mine)
        # 期初: the period's first month, as for the categories ("—" for a unit with nothing to
        # complete then, even when it listed problems later: no rise is measured from a later month)
        first = problems[months[0]]
        start = _rate(first[first["单位编码"] == unit.code])
        gain = (tally["完成率"] - start) * 100 if pd.notna(start) and pd.notna(tally["完成率"]) else math.nan
        rows.append(
            {
                "单位": unit.name,
                "单位编码": unit.code,
                "类型": unit.kind,
                **{k: tally[k] for k in COUNT_COLUMNS if k != Light.YELLOW},
                "期初完成率": start,
                "提升": gain,
                "逾期督办次数": int(sum(red_counts.get(pid, 0) for pid in mine["问题编号"])),
                "移交纪委问题数": int(mine["问题编号"].isin(escalated).sum()),
            }
        )
    order, places = aggregate.completion_order(pd.DataFrame(rows), within=("单位编码",))
    # a unit with nothing to complete has no rate, so no place (the circular shows "—" too)
    order.insert(
        0, "排名", [place if pd.notna(rate) else math.nan for place, rate in zip(places, order["完成率"], strict=True)]
    )
    return order.reset_index(drop=True)


def _unit_rates(campaign: Campaign, problems: dict[str, pd.DataFrame], months: list[str]) -> pd.DataFrame:
    rows = []
    for unit in campaign.units:
        row: dict[str, object] = {"单位": unit.name}
        for m in months:
            row[Month.parse(m).short_label] = _rate(problems[m][problems[m]["单位编码"] == unit.code])
        rows.append(row)
    return pd.DataFrame(rows)


def _overdue(
    final: pd.DataFrame, red_months: dict[str, list[str]], escalate_after: int, problems: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Every item a run found red in the period: its ladder, whether it went to 纪委, its end."""
    seen = set().union(*(set(f.loc[f["灯色"] == Light.RED, "问题编号"]) for f in problems.values()))
    rows = []
    for rec in final[final["问题编号"].isin(seen)].to_dict("records"):
        reds = red_months.get(pair_key(rec["问题编号"], rec["单位编码"]), [])
        count = len(reds)
        done = rec["完成状态"] == ProblemStatus.DONE
        when = rec["完成日期"]
        ending = ProblemStatus.DONE + (f"（{when.month}月{when.day}日）" if done and isinstance(when, dt.date) else "")
        rows.append(
            {
                "问题编号": rec["问题编号"],
                "填报单位": rec["填报单位"],
                "问题类别": rec["问题类别"],
                "具体问题": rec["具体问题"],
                "完成时限": rec["完成时限"],
                "首次逾期": Month.parse(reds[0]).short_label if reds else "",
                "督办次数": count,
                "督办等级": Ladder.level(count, escalate_after),
                "移交纪委": YesNo.of(count >= escalate_after),
                "结果": ending if done else "仍未完成",
            }
        )
    columns = [
        "问题编号",
        "填报单位",
        "问题类别",
        "具体问题",
        "完成时限",
        "首次逾期",
        "督办次数",
        "督办等级",
        "移交纪委",
        "结果",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["督办次数", "问题编号"], ascending=[False, True]).reset_index(drop=True)


def _returned_files(campaign: Campaign, history: Sequence[MonthHistory]) -> dict[str, int]:
    counts = dict.fromkeys((u.code for u in campaign.units), 0)
    for h in history:
        for r in h.records:
            if r.outcome == Outcome.RETURNED and r.unit_code in counts:
                counts[r.unit_code] += 1
    return counts


def _submission_table(
    campaign: Campaign, submissions: dict[str, pd.DataFrame], months: list[str], returned: dict[str, int]
) -> pd.DataFrame:
    rows = []
    for unit in campaign.units:
        row: dict[str, object] = {"单位": unit.name}
        labels = [m.short_label for m in _months(months)]
        for m, label in zip(months, labels, strict=True):
            sub = submissions[m]
            row[label] = sub.loc[sub["单位编码"] == unit.code, "报送状态"].iloc[0]
        for state in SubmissionState.ALL:
            row[f"{state}次数"] = sum(1 for label in labels if row[label] == state)
        row["退回文件数"] = returned[unit.code]
        rows.append(row)
    return pd.DataFrame(rows)


def summary_counts(period: str, as_of: dt.date, campaign: Campaign) -> bool:
    """Whether the work summary counts in the assessment: in the year's report, made after the
    summary's due date (a summary may still come on time on that day)."""
    return period == "year" and as_of > campaign.summary_due


def assess(
    campaign: Campaign,
    units: pd.DataFrame,
    submissions: dict[str, pd.DataFrame],
    returned: dict[str, int],
    summaries: pd.DataFrame | None = None,
    satisfaction: dict[str, float] | None = None,
) -> pd.DataFrame:
    """考核: a score per unit (formula in the module docstring), ranked best first. ``summaries``
    (``work_summaries``) only once the work summary is due: a late or missing one costs points.
    ``satisfaction`` (department code -> 满意率 over the range, NaN when nobody rated it) only when
    the rating counts: each department gains ``rating × 满意率`` (the weight whole when NaN), and
    the table gains a 满意率 column (— for villages and unrated departments)."""
    w = campaign.assessment
    months = len(submissions)
    summary_state = dict(zip(summaries["单位"], summaries["报送状态"], strict=True)) if summaries is not None else {}
    summary_cost = {SubmissionState.LATE: w.summary_late, SubmissionState.MISSING: w.summary_missing}
    rows = []
    for rec in units.to_dict("records"):
        code = rec["单位编码"]
        summary = summary_state.get(rec["单位"], NOT_DUE)
        on_time = sum(
            1
            for sub in submissions.values()
            if (sub.loc[sub["单位编码"] == code, "报送状态"] == SubmissionState.ON_TIME).any()
        )
        punctual = on_time / months if months else 0.0
        rate = 1.0 if pd.isna(rec["完成率"]) else float(rec["完成率"])
        liked = math.nan
        bonus = 0.0
        if satisfaction is not None and rec["类型"] == DEPARTMENT:
            liked = satisfaction.get(code, math.nan)
            bonus = w.rating * (1.0 if math.isnan(liked) else liked)
        score = (
            w.on_time * punctual
            + w.completion * rate
            - w.overdue * rec["逾期督办次数"]
            - w.escalated * rec["移交纪委问题数"]
            - w.returned * returned.get(code, 0)
            - summary_cost.get(summary, 0.0)
            + bonus
        )
        rows.append(
            {
                "单位": rec["单位"],
                "单位编码": code,
                "类型": rec["类型"],
                "得分": round(max(score, 0.0), 1),
                "按时报送率": punctual,
                "完成率": rate,
                "逾期督办次数": rec["逾期督办次数"],
                "移交纪委问题数": rec["移交纪委问题数"],
                "退回文件数": returned.get(code, 0),
                "工作总结": summary,
                **({"满意率": liked} if satisfaction is not None else {}),
            }
        )
    frame = pd.DataFrame(rows).sort_values(["得分", "完成率", "单位编码"], ascending=[False, False, True])
    frame.insert(0, "排名", aggregate.competition_ranks(list(frame["得分"])))
    return frame.reset_index(drop=True)


def work_summaries(campaign: Campaign, records: Sequence[AuditRecord]) -> pd.DataFrame:
    """工作总结: per unit the first summary received, 按时 (by ``summary_due``) / 逾期 / 未报送."""
    rows = []
    for unit in campaign.units:
        mine = [r for r in records if r.unit_code == unit.code and r.outcome == Outcome.WORK_SUMMARY]
        if mine:
            first = min(mine, key=lambda r: r.received_at)
            received = dt.datetime.fromisoformat(first.received_at)
            state = SubmissionState.ON_TIME if received.date() <= campaign.summary_due else SubmissionState.LATE
            rows.append({"单位": unit.name, "文件名": first.file_name, "接收时间": received, "报送状态": state})
        else:
            rows.append({"单位": unit.name, "文件名": "", "接收时间": None, "报送状态": SubmissionState.MISSING})
    return pd.DataFrame(rows, columns=["单位", "文件名", "接收时间", "报送状态"])
