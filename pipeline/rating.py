"""The 办事效率评议 counted (issue #19; seed 五（三）): pure functions of the stored ratings.

For a rating period, per department of the roster: how many raters (villages and communities)
should rate it and did, each 评议等次, 满意率 = (满意 + 基本满意) over the rated (未办理事项 is not a
rating; no rate where nobody rated it), each 不满意 reason counted, the raters that did not rate
it, and a competition ranking by 满意率; then each department's 满意率 across the periods so far.
Nothing here reads files, the database or the clock.
"""

from __future__ import annotations

import math

import pandas as pd

from pipeline.config import Campaign
from pipeline.model import RatingLevel, RatingReason, rating_period_text
from pipeline.report import RATING_COLUMNS, RatingReport


def satisfaction(levels: pd.Series) -> float:
    """满意率 of some ratings: the content over the rated; NaN when none is rated."""
    rated = int(levels.isin(RatingLevel.RATED).sum())
    return int(levels.isin(RatingLevel.CONTENT).sum()) / rated if rated else math.nan


def reason_counts(reasons: pd.Series) -> dict[str, int]:
    """Each reason of RatingReason.ALL, counted over 不满意原因 texts (reasons joined 、)."""
    words = [w for text in reasons for w in str(text or "").split("、") if w]
    return {r: words.count(r) for r in RatingReason.ALL}


def count(campaign: Campaign, period: str, ratings: pd.DataFrame) -> pd.DataFrame:
    """RATING_COLUMNS for ``period``, one row per department of the roster, in roster order.

    ``ratings``: ``Store.ratings`` (any periods; those of other periods, of raters or departments
    no longer on the roster are left out)."""
    raters = list(campaign.raters)
    rater_codes = {u.code for u in raters}
    mine = ratings[(ratings["评议期"] == period) & ratings["评议单位"].isin(rater_codes)]
    records = []
    for dept in campaign.departments:
        rows = mine[mine["部门"] == dept.code]
        levels = rows["评议等次"]
        done = set(rows["评议单位"])
        unsatisfied = rows[levels == RatingLevel.UNSATISFIED]
        records.append(
            {
                "部门编码": dept.code,
                "部门": dept.name,
                "应评单位数": len(raters),
                "已评单位数": len(done),
                **{level: int((levels == level).sum()) for level in RatingLevel.ALL},
                "满意率": satisfaction(levels),
                **reason_counts(unsatisfied["不满意原因"]),
                "未返回评议": "、".join(u.name for u in raters if u.code not in done),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=[c for c in RATING_COLUMNS if c != "排名"])
    frame = frame.astype({"满意率": float})
    frame["排名"] = pd.Series(ranks(frame["满意率"]), index=frame.index, dtype=object)
    return frame


def ranks(rates: pd.Series) -> list[int | None]:
    """Each rate's competition place (1, 2, 2, 4), best first; None for no rate."""
    known = sorted(float(r) for r in rates if not math.isnan(float(r)))
    return [None if math.isnan(float(r)) else 1 + sum(k > float(r) for k in known) for r in rates]


def trend(campaign: Campaign, period: str, ratings: pd.DataFrame) -> pd.DataFrame:
    """部门编码, 部门, then each department's 满意率 in every rating period up to ``period`` that has
    ratings (one column per period label, oldest first)."""
    rater_codes = {u.code for u in campaign.raters}
    kept = ratings[(ratings["评议期"] <= period) & ratings["评议单位"].isin(rater_codes)]
    periods = sorted({*kept["评议期"], period})
    frame = pd.DataFrame(
        {"部门编码": [d.code for d in campaign.departments], "部门": [d.name for d in campaign.departments]}
    )
    for p in periods:
        rows = kept[kept["评议期"] == p]
        frame[rating_period_text(p)] = [
            satisfaction(rows.loc[rows["部门"] == d.code, "评议等次"]) for d in campaign.departments
        ]
    return frame


def rating_report(campaign: Campaign, month: str, ratings: pd.DataFrame) -> RatingReport | None:
    """The month's rating period counted; None when the month has no rating period."""
    period = campaign.rating_period(month)
    if period is None or campaign.rating is None:
        return None
    rater_codes = {u.code for u in campaign.raters}
    mine = ratings[(ratings["评议期"] == period) & ratings["评议单位"].isin(rater_codes)]
    return RatingReport(
        period=period,
        label=rating_period_text(period),
        threshold=campaign.rating.threshold,
        raters=len(campaign.raters),
        rated=int(mine["评议单位"].nunique()),
        departments=count(campaign, period, ratings),
        trend=trend(campaign, period, ratings),
    )
