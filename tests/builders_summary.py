"""Leaders' reports from hand-made ledger histories, for any roster: the months' problem states
(``township.problem`` rows), their lights from ``aggregate.flags``, and accepted files as audit
records, made into a real ``SummaryData`` by ``summary.build`` and rendered by ``render_summary``
(without charts); and readers for the report's sections and tables.

So a test of the report's sentences sets up figures (how many problems a unit has, how many are
done, at the start and at the end of the period) and reads what the report says of them, as a
reader of the Word document would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from township import SERVICE, Member, problem, state_of, township_campaign

from pipeline import aggregate, summary
from pipeline.outputs.reports import render_summary
from pipeline.storage.ledger import AuditRecord
from pipeline.summary import SummaryData
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
OVERDUE_DEADLINE = dt.date(2022, 3, 31)  # past at the end of every month of the reports here
OPEN_DEADLINE = dt.date(2022, 12, 31)


def roster(n: int, name: str = "单位{}") -> tuple[Member, ...]:
    """``n`` units 单位1, 单位2, … with codes U01, U02, … (so the code order is the name order)."""
    return tuple(Member(name.format(i), f"U{i:02d}", "村") for i in range(1, n + 1))


def listed(
    unit: Member, done: int, total: int, red: int = 0, lasting: int = 0, category: str = SERVICE, first: int = 1
) -> list[dict[str, Any]]:
    """``total`` problems of ``unit`` with a deadline, the first ``done`` of them 已完成 and the last
    ``red`` of the open ones past their deadline (a red light), then ``lasting`` 长期坚持 ones.
    Numbered from ``first`` (``U01-001`` …): the same call with more ``done`` is the same problems
    a month later."""
    assert done + red <= total
    rows = []
    for i in range(total + lasting):
        pid = f"{unit.code}-{first + i:03d}"
        if i >= total:
            rows.append(problem(pid, unit, "长期坚持", "长期坚持", category))
        elif i < done:
            rows.append(problem(pid, unit, "已完成", OPEN_DEADLINE, category, dt.date(2022, 3, 15)))
        else:
            late = i >= total - red
            rows.append(problem(pid, unit, "整改中", OVERDUE_DEADLINE if late else OPEN_DEADLINE, category))
    return rows


def month_end(month: str) -> dt.date:
    year, mon = int(month[:4]), int(month[5:])
    return (dt.date(year, mon + 1, 1) - dt.timedelta(days=1)) if mon < 12 else dt.date(year, 12, 31)


def accepted(unit: Member, month: str, received: dt.datetime, seq: int = 1) -> AuditRecord:
    """The audit record of a file of ``unit`` accepted (通过) for ``month``, received then."""
    return AuditRecord(
        seq=seq,
        recorded_at=received.isoformat(),
        file_name=f"{unit.name}问题清单.xlsx",
        sha256=f"{seq:064x}",
        size=1000,
        unit_code=unit.code,
        month=month,
        received_at=received.isoformat(),
        outcome="通过",
        messages="[]",
        prev_hash="",
        hash="",
    )


def history(
    month: str,
    rows: Iterable[dict[str, Any]],
    records: Sequence[AuditRecord] = (),
    red_months: Mapping[str, list[str]] | None = None,
) -> summary.MonthHistory:
    """One month as the ledger stores it: these problems, their lights at the month's end."""
    as_of = month_end(month)
    state = state_of(rows)
    lights = aggregate.flags(state, as_of, 7)[["问题编号", "单位编码", "灯色", "逾期天数"]]
    return summary.MonthHistory(
        month=month, as_of=as_of, state=state, lights=lights, red_months=dict(red_months or {}), records=tuple(records)
    )


def summary_data(
    units: Sequence[Member],
    months: Mapping[str, Iterable[dict[str, Any]]],
    period: str = "half",
    records: Mapping[str, Sequence[AuditRecord]] | None = None,
    red_months: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> SummaryData:
    """The report's figures for a campaign of ``units`` (青石镇's settings) from these months'
    problems (month -> rows), accepted files (month -> records) and the months each problem was
    found red by then (month -> problem id -> months), as of the last month's end."""
    campaign = township_campaign(units)
    hist = [history(m, rows, (records or {}).get(m, ()), (red_months or {}).get(m)) for m, rows in months.items()]
    return summary.build(campaign, VOCAB, period, hist[-1].as_of, hist)


def report_document(data: SummaryData, folder: Path) -> Any:
    """The Word report ``render_summary`` writes for ``data`` (no charts), reopened."""
    report, _workbook = render_summary(data, folder, fonts=())
    return Document(str(report))


def report_text(
    tmp_path: Path, units: Sequence[Member], months: Mapping[str, Iterable[dict[str, Any]]], period: str = "half"
) -> Any:
    """The rendered report (python-docx ``Document``) of these months' problems."""
    return report_document(summary_data(units, months, period), tmp_path / "report")


def paragraph(doc: Any, start: str) -> str:
    """The first paragraph that starts with ``start``."""
    return next(p.text for p in doc.paragraphs if p.text.startswith(start))


def section(doc: Any, heading: str) -> str:
    """The first paragraph under the heading that ends with ``heading`` (``各单位整改情况``)."""
    texts = [p.text for p in doc.paragraphs]
    at = next(i for i, t in enumerate(texts) if t.endswith(heading) and t[1:2] == "、")
    return texts[at + 1]


def table(doc: Any, caption_start: str) -> pd.DataFrame:
    """The table whose first two header cells are ``caption_start`` (``排名,单位``), as texts."""
    tables = [t for t in doc.tables if t.rows[0].cells[0].text in ("排名", "月份", "问题类别", "单位", "问题编号")]
    for t in tables:
        header = [c.text.replace("\n", "") for c in t.rows[0].cells]  # long headers set on two lines
        if header[:2] == caption_start.split(","):
            return pd.DataFrame([[c.text for c in r.cells] for r in t.rows[1:]], columns=header)
    raise AssertionError(caption_start)


def units_said(
    folder: Path,
    end: Sequence[tuple[int, int]],
    start: Sequence[tuple[int, int]] | None = None,
    red: Sequence[int] | None = None,
) -> str:
    """What the half-year report says of the units (三、各单位整改情况) when 单位1, 单位2, … have
    ``end`` (done, total) problems at the end of April and ``start`` at the end of March (default:
    the same problems, none done), ``red`` of each unit's open ones past their deadline in April."""
    units = roster(len(end))
    start = start if start is not None else [(0, total) for _done, total in end]
    red = red if red is not None else [0] * len(end)
    march = [row for unit, (done, total) in zip(units, start, strict=True) for row in listed(unit, done, total)]
    april = [
        row
        for unit, (done, total), late in zip(units, end, red, strict=True)
        for row in listed(unit, done, total, red=late)
    ]
    data = summary_data(units, {"2022-03": march, "2022-04": april})
    return section(report_document(data, folder), "各单位整改情况")
