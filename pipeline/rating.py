"""The 办事效率评议 counted (issue #19; seed 五（三）): pure functions of the stored ratings.

For a rating period, per department of the roster: how many raters (villages and communities)
should rate it and did, each 评议等次, 满意率 = (满意 + 基本满意) over the rated (未办理事项 is not a
rating; no rate where nobody rated it), each 不满意 reason counted, the raters that did not rate
it, and a competition ranking by 满意率; then each department's 满意率 across the periods so far.
Each 不满意 is a case the department answers (``cases``): an item of the kind ``RATING_CASE``
the run registers for the office, as it registers the office's list of matters.
Nothing here reads files, the database or the clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import pandas as pd

from pipeline.config import Campaign
from pipeline.model import RatingLevel, RatingReason, rating_period_text
from pipeline.report import RATING_COLUMNS, RatingReport
from pipeline.workdays import add_workdays


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


# --- the 不满意 cases: items the rated departments answer (kinds.RATING_CASE) --------------------
CASE_PREFIX = "PY"  # 评议


def case_id(period: str, department: str, number: int) -> str:
    """A case's id: ``PY-{period}-{department code}-{NN}``; it never names the rater."""
    return f"{CASE_PREFIX}-{period}-{department}-{number:02d}"


def case_text(matter: str, detail: str, rater: str = "") -> str:
    """What a department reads of a case: the matter, the case as described; the rater's name
    first only when ``rater`` is given (``Rating.anonymous`` false)."""
    parts = [f"办理事项：{matter}" if matter else "", f"具体情况：{detail}" if detail else ""]
    text = "；".join(p for p in parts if p)
    return f"{rater}反映：{text}" if rater else text


def cases(
    campaign: Campaign,
    period: str,
    ratings: pd.DataFrame,
    received: Mapping[int, dt.date],
    known: Mapping[tuple[str, str, str], str],
    used: set[str],
) -> list[dict[str, object]]:
    """The office's record of every 不满意 of ``period`` (``ratings``: ``Store.ratings``), one case
    per (rater, department), for ``Store.register``.

    A case keeps the id it was given (``known``: (period, rater code, department code) -> id, from
    the cases registered before); a new one is numbered on from the department's last number of
    the period (``used``: every case id ever given, withdrawn ones too, so an id never names two
    cases), in the order the files came in (their audit seq), then the rating's row: an order
    that does not follow the raters' codes. Its 答复时限 is ``reply_workdays`` working days after
    the rating file was received (``received``: audit seq -> date). A rating replaced by a later
    file of the same rater keeps its cases where the department is still 不满意 (same id, the new
    text and deadline) and withdraws the others."""
    if campaign.rating is None:
        return []
    raters = {u.code: u for u in campaign.raters}
    departments = {u.code: u for u in campaign.departments}
    mine = ratings[
        (ratings["评议期"] == period)
        & (ratings["评议等次"] == RatingLevel.UNSATISFIED)
        & ratings["评议单位"].isin(raters)
        & ratings["部门"].isin(departments)
    ]
    mine = mine.assign(_seq=mine["审计序号"].astype(int), _row=mine["行"].fillna(0).astype(int))
    mine = mine.sort_values(["_seq", "_row", "部门"], kind="stable")
    last: dict[str, int] = {}
    prefix = f"{CASE_PREFIX}-{period}-"
    for iid in used:
        if iid.startswith(prefix):
            code, _, number = iid[len(prefix) :].rpartition("-")
            if number.isdigit():
                last[code] = max(last.get(code, 0), int(number))
    out = []
    for rec in mine.to_dict("records"):
        rater, dept = raters[rec["评议单位"]], departments[rec["部门"]]
        found = known.get((period, rater.code, dept.code))
        iid = found if found is not None else ""
        if found is None:
            last[dept.code] = last.get(dept.code, 0) + 1
            iid = case_id(period, dept.code, last[dept.code])
        deadline, _ = add_workdays(received[int(rec["审计序号"])], campaign.rating.reply_workdays)
        shown = "" if campaign.rating.anonymous else rater.name
        out.append(
            {
                "编号": iid,
                "评议期": rating_period_text(period),
                "评议期编码": period,
                "评议单位": rater.name,
                "评议单位编码": rater.code,
                "反映问题": case_text(str(rec["办理事项"] or ""), str(rec["具体情况"] or ""), shown),
                "不满意原因": str(rec["不满意原因"] or ""),
                "承办单位": dept.name,
                "承办单位编码": [dept.code],
                "答复时限": deadline,
            }
        )
    return out
