"""Properties of the flags over any sequence of monthly runs (hypothesis).

督办次数 never decreases over a sequence of months, never counts a month twice however often a
month is run, and 移交纪委 follows it until the item is 已完成. The vectorised flags agree with the
one-item rule, and the cached working-day table with a day-by-day count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import aggregate
from pipeline.kinds import PROBLEM
from pipeline.model import LONG_TERM
from pipeline.storage.ledger import Store
from pipeline.workdays import is_workday, workdays_between

ESCALATE = 3
WARN = 7
STATUSES = ("未启动", "整改中", "已完成", "长期坚持")


def memory_store() -> Store:
    return Store.open(Path(":memory:"))  # a ledger in memory, opened as any other


STATE_COLUMNS = ["问题编号", "单位编码", "填报单位", "问题类别", "具体问题", "整改措施", "责任领导", "责任人"]
STATE_COLUMNS += ["完成时限", "整改进展", "完成状态", "完成日期", "备注"]


def state(items: list[tuple[str, Any]]) -> pd.DataFrame:
    """A ledger state (as ``Store.state`` gives it) holding ``items`` as (status, deadline)."""
    rows = [
        {
            **dict.fromkeys(STATE_COLUMNS, ""),
            "问题编号": f"HX-{i:03d}",
            "单位编码": "HX",
            "完成状态": status,
            "完成时限": deadline,
        }
        for i, (status, deadline) in enumerate(items, start=1)
    ]
    return pd.DataFrame(rows, columns=STATE_COLUMNS).astype(object)


deadlines = st.one_of(st.dates(dt.date(2022, 1, 1), dt.date(2023, 6, 30)), st.just(LONG_TERM))
item = st.tuples(st.sampled_from(STATUSES), deadlines)
# One run: how many months after the previous run (0 = the same month again, 2+ = months skipped),
# the day of the month, and each problem's values at that run.
runs = st.lists(
    st.tuples(st.integers(0, 3), st.integers(1, 28), st.lists(item, min_size=3, max_size=3)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(runs)
def test_supervision_count_never_decreases_and_never_counts_a_month_twice(
    sequence: list[tuple[int, int, list[tuple[str, Any]]]],
) -> None:
    store = memory_store()
    ordinal = 2022 * 12 + 2  # 2022-03, the first month of the campaign's lists
    found_red: dict[str, set[str]] = {}
    months_run: set[str] = set()
    last: dict[str, int] = {}
    for step, (gap, day, items) in enumerate(sequence):
        ordinal += gap if step else 0
        year, mon = divmod(ordinal, 12)
        month, as_of = f"{year}-{mon + 1:02d}", dt.date(year, mon + 1, day)
        frame = state(items)
        month_flags = aggregate.flags(frame, as_of, WARN)
        ledger = aggregate.kind_ledger(PROBLEM, frame, month_flags, store.red_months(PROBLEM, month), ESCALATE, month)
        store.set_flags(PROBLEM, month, aggregate.flag_rows(ledger))
        rows = ledger.items.set_index("问题编号")
        months_run.add(month)
        for pid, colour in zip(month_flags["问题编号"], month_flags["灯色"], strict=True):
            if colour == "红灯":
                found_red.setdefault(pid, set()).add(month)
        for pid, row in rows.iterrows():
            count = int(row["督办次数"])
            assert count >= last.get(str(pid), 0), "督办次数 decreased"
            assert count == len(found_red.get(str(pid), set())), "not the distinct months found red"
            assert count <= len(months_run)
            assert (row["移交纪委"] == "是") == (count >= ESCALATE and row["完成状态"] != "已完成")
            assert (row["督办等级"] != "") == (row["灯色"] == "红灯")
            last[str(pid)] = count
    store.close()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(item, min_size=0, max_size=20), st.dates(dt.date(2021, 1, 1), dt.date(2028, 12, 31)), st.integers(0, 30)
)
def test_vectorised_flags_agree_with_the_one_item_rule(
    items: list[tuple[str, Any]], as_of: dt.date, warning: int
) -> None:
    found = aggregate.flags(state(items), as_of, warning)
    expected = [aggregate.light(status, deadline, as_of, warning) for status, deadline in items]
    assert list(zip(found["灯色"], found["逾期天数"], strict=True)) == expected
    for (_status, deadline), colour, work, est in zip(
        items, found["灯色"], found["逾期工作日"], found["工作日估算"], strict=True
    ):
        assert (work, est) == (workdays_between(deadline, as_of) if colour == "红灯" else (0, False))


def day_by_day(start: dt.date, end: dt.date) -> tuple[int, bool]:
    count, estimated, day = 0, False, start + dt.timedelta(days=1)
    while day <= end:
        work, est = is_workday(day)
        count, estimated = count + work, estimated or est
        day += dt.timedelta(days=1)
    return count, estimated


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(2002, 1, 1), dt.date(2029, 12, 31)), st.integers(-10, 800))
def test_working_days_table_matches_a_day_by_day_count(start: dt.date, span: int) -> None:
    end = start + dt.timedelta(days=span)
    assert workdays_between(start, end) == (day_by_day(start, end) if span > 0 else (0, False))
