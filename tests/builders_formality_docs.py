"""形式主义提示 (issue #20) for the documents of a township that is not the demo's: hints made by
hand as ``formality.findings`` makes them (``Hint``), a month of 青石镇 with them
(``month_report``: the ``MonthReport`` a run renders, figures by ``aggregate``), and report
histories carrying each month's hints (``MonthHistory.formality``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from builders_summary import VOCAB, history
from township import QINGSHI, Member, problems_of, state_of, township_campaign

from pipeline import aggregate, summary
from pipeline.config import Campaign
from pipeline.formality import Findings, Hint
from pipeline.kinds import PROBLEM
from pipeline.model import Signal
from pipeline.report import MonthReport
from pipeline.summary import SummaryData

QS, LT, TY, BH, DZB, ZFD = QINGSHI
AS_OF = dt.date(2022, 4, 30)


def ids(unit: Member, *numbers: int) -> list[str]:
    """``QS-001``, … : the problem ids ``problems_of`` gives ``unit``."""
    return [f"{unit.code}-{n:03d}" for n in numbers]


def copied_list(unit: Member, other: Member, count: int, total: int) -> list[Hint]:
    """``count`` of ``unit``'s ``total`` problems copied from ``other``'s: a 雷同 each, and the
    清单雷同 of the two lists."""
    copies = [
        Hint(Signal.COPY, unit.code, item, other_unit=other.code, other_item=f"{other.code}-{n:03d}", score=1.0)
        for n, item in enumerate(ids(unit, *range(1, count + 1)), start=1)
    ]
    pair = Hint(Signal.LIST, unit.code, other_unit=other.code, score=round(count / total, 2), count=count, total=total)
    return [*copies, pair]


def flagged(signal: str, unit: Member, *numbers: int, reports: int = 2) -> list[Hint]:
    """``signal`` (空话, 措施照搬问题, 进展未更新, 雷同) on these problems of ``unit``."""
    count = reports if signal == Signal.STALE else 0
    return [Hint(signal, unit.code, item, count=count) for item in ids(unit, *numbers)]


def findings(hints: Iterable[Hint], checked: int) -> Findings:
    return Findings(tuple(hints), (), checked)


def month_report(
    rows: Sequence[dict[str, Any]],
    found: Findings | None = None,
    campaign: Campaign | None = None,
    as_of: dt.date = AS_OF,
) -> MonthReport:
    """The month's report of 青石镇 (or ``campaign``) with these problems and hints."""
    campaign = campaign or township_campaign()
    state = state_of(rows)
    return aggregate.month_report(
        campaign=campaign,
        vocab=VOCAB,
        month=f"{as_of.year}-{as_of.month:02d}",
        as_of=as_of,
        doc_number=4,
        ledgers={
            PROBLEM.name: aggregate.kind_ledger(
                PROBLEM, state, aggregate.flags(state, as_of, campaign.warning_days), {}, campaign.escalate_after
            )
        },
        records=[],
        unit_names={u.code: u.name for u in campaign.units},
        previous_state=None,
        previous_month=None,
        formality=found,
    )


# every unit of 青石镇 with problems: 6, 6, 5, 3, 4 and 2 (26 in all)
SIZES: dict[str, int] = {QS.code: 6, LT.code: 6, TY.code: 5, BH.code: 3, DZB.code: 4, ZFD.code: 2}


def town_rows(sizes: Mapping[str, int] = SIZES) -> list[dict[str, Any]]:
    """Each unit's problems (``SIZES``), one done and the rest in progress."""
    return [row for unit in QINGSHI for row in problems_of(unit, 1, sizes[unit.code] - 1)]


def summary_with(months: Mapping[str, tuple[Sequence[dict[str, Any]], Findings]], period: str = "half") -> SummaryData:
    """The report of 青石镇 from these months' problems and hints (month -> (rows, findings))."""
    campaign = township_campaign()
    hist = [dataclasses.replace(history(m, rows), formality=found) for m, (rows, found) in months.items()]
    return summary.build(campaign, VOCAB, period, hist[-1].as_of, hist)


def section_paragraphs(paragraphs: Sequence[str], heading: str) -> list[str]:
    """The paragraphs under the heading ``N、{heading}`` up to the next numbered heading ([] when
    there is no such heading)."""
    numbered = [i for i, t in enumerate(paragraphs) if t[1:2] == "、" and t[:1] in "一二三四五六七八九十"]
    at = next((i for i in numbered if paragraphs[i][2:] == heading), None)
    if at is None:
        return []
    end = next((i for i in numbered if i > at), len(paragraphs))
    return [t for t in paragraphs[at + 1 : end] if t]
