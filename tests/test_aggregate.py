"""SPEC §6 rule by rule, at its edges: lights, overdue days, the ladder, 移交纪委, submissions,
statistics; then through the real ledger (SQLite) and through monthly runs on a small workspace."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import GOOD_ROWS, write_list

from pipeline import aggregate, run
from pipeline.config import Campaign
from pipeline.kinds import PROBLEM
from pipeline.model import LONG_TERM, Ladder
from pipeline.report import MonthReport
from pipeline.storage.ledger import AuditRecord, Store, pair_key
from pipeline.vocab import load_vocabulary
from pipeline.workdays import add_workdays, workdays_between

AS_OF = dt.date(2022, 5, 31)
WARN = 7
VOCAB = load_vocabulary()
CATEGORY = GOOD_ROWS[0][0]


def problem(pid: str, status: str, deadline: Any, unit: str = "HX", category: str = CATEGORY) -> dict[str, Any]:
    return {
        "问题编号": pid,
        "单位编码": unit,
        "填报单位": {"HX": "红星村", "DF": "东风社区", "CZ": "镇财政所"}[unit],
        "问题类别": category,
        "具体问题": "公务接待未严格执行公函制度，接待清单不完整",
        "整改措施": "建立制度",
        "责任领导": "王建国",
        "责任人": "李明",
        "完成时限": deadline,
        "整改进展": "推进中",
        "完成状态": status,
        "完成日期": dt.date(2022, 5, 20) if status == "已完成" else None,
        "备注": None,
        "更新月份": "2022-05",
    }


def state_of(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows)).astype(object)


def days(n: int) -> dt.date:
    return AS_OF + dt.timedelta(days=n)


# --- 灯色 and 逾期天数 -------------------------------------------------------------------------
LIGHT_CASES = [
    # (status, deadline, warning_days, 灯色, 逾期天数)
    pytest.param("整改中", days(0), WARN, "黄灯", 0, id="deadline-equals-as-of-is-yellow-not-red"),
    pytest.param("整改中", days(-1), WARN, "红灯", 1, id="one-day-late-is-red"),
    pytest.param("未启动", days(-45), WARN, "红灯", 45, id="not-started-and-late"),
    pytest.param("整改中", days(1), WARN, "黄灯", 0, id="tomorrow"),
    pytest.param("整改中", days(WARN), WARN, "黄灯", 0, id="warning-days-ahead-is-yellow"),
    pytest.param("整改中", days(WARN + 1), WARN, "绿灯", 0, id="beyond-the-warning-window"),
    pytest.param("整改中", days(0), 0, "黄灯", 0, id="zero-window-today"),
    pytest.param("整改中", days(1), 0, "绿灯", 0, id="zero-window-tomorrow"),
    pytest.param("已完成", days(-60), WARN, "绿灯", 0, id="completed-late-is-green"),
    pytest.param("已完成", days(3), WARN, "绿灯", 0, id="completed-before-deadline"),
    pytest.param("长期坚持", days(-60), WARN, "", 0, id="long-term-status-has-no-light"),
    pytest.param("长期坚持", LONG_TERM, WARN, "", 0, id="long-term-both"),
    pytest.param("整改中", LONG_TERM, WARN, "", 0, id="long-term-deadline-never-overdue"),
    pytest.param("未启动", None, WARN, "", 0, id="no-deadline-no-light"),
]


@pytest.mark.parametrize(("status", "deadline", "warning", "colour", "overdue"), LIGHT_CASES)
def test_light(status: str, deadline: Any, warning: int, colour: str, overdue: int) -> None:
    assert aggregate.light(status, deadline, AS_OF, warning) == (colour, overdue)


@pytest.mark.parametrize("warning", [0, WARN])
def test_flags_agree_with_light_row_by_row(warning: int) -> None:
    rows = [problem(f"HX-{i:03d}", p.values[0], p.values[1]) for i, p in enumerate(LIGHT_CASES, start=1)]
    found = aggregate.flags(state_of(*rows), AS_OF, warning)
    expected = [aggregate.light(r["完成状态"], r["完成时限"], AS_OF, warning) for r in rows]
    assert list(zip(found["灯色"], found["逾期天数"], strict=True)) == expected
    assert list(found["问题编号"]) == [r["问题编号"] for r in rows]
    assert (found.loc[found["灯色"] != "红灯", "逾期工作日"] == 0).all()


def test_flags_of_an_empty_ledger() -> None:
    empty = pd.DataFrame(columns=list(problem("X", "整改中", AS_OF))).astype(object)
    assert aggregate.flags(empty, AS_OF, WARN).empty


# --- working days --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(dt.date(2022, 9, 30), dt.date(2022, 10, 10), (3, False), id="national-day-with-tiaoxiu-weekend"),
        pytest.param(dt.date(2022, 4, 29), dt.date(2022, 5, 5), (1, False), id="labour-day"),
        pytest.param(dt.date(2021, 12, 31), dt.date(2022, 1, 4), (1, False), id="across-new-year"),
        pytest.param(dt.date(2022, 5, 31), dt.date(2022, 5, 31), (0, False), id="same-day"),
        pytest.param(dt.date(2022, 6, 1), dt.date(2022, 5, 31), (0, False), id="end-before-start"),
        pytest.param(dt.date(2030, 1, 1), dt.date(2030, 1, 15), (10, True), id="year-outside-the-calendar"),
        pytest.param(dt.date(2026, 12, 25), dt.date(2027, 1, 5), (7, True), id="into-an-unknown-year"),
    ],
)
def test_workdays_between(start: dt.date, end: dt.date, expected: tuple[int, bool]) -> None:
    assert workdays_between(start, end) == expected


def test_red_item_in_a_year_outside_the_calendar_is_marked_estimated() -> None:
    as_of = dt.date(2030, 1, 15)
    state = state_of(problem("HX-001", "整改中", dt.date(2030, 1, 1)), problem("HX-002", "整改中", dt.date(2030, 2, 1)))
    found = aggregate.flags(state, as_of, WARN).set_index("问题编号")
    assert found.loc["HX-001", "灯色"] == "红灯"
    assert found.loc["HX-001", "逾期天数"] == 14
    assert (found.loc["HX-001", "逾期工作日"], found.loc["HX-001", "工作日估算"]) == (10, True)
    assert not found.loc["HX-002", "工作日估算"]  # not red: no figure to estimate


@pytest.mark.parametrize(
    ("as_of", "n", "expected"),
    [
        pytest.param(dt.date(2022, 9, 29), 5, (dt.date(2022, 10, 11), False), id="over-national-day"),
        pytest.param(dt.date(2022, 5, 20), 5, (dt.date(2022, 5, 27), False), id="over-a-weekend"),
        pytest.param(dt.date(2022, 5, 27), 5, (dt.date(2022, 6, 6), False), id="over-a-weekend-and-duanwu"),
        pytest.param(dt.date(2030, 5, 31), 5, (dt.date(2030, 6, 7), True), id="unknown-year"),
    ],
)
def test_reply_by(as_of: dt.date, n: int, expected: tuple[dt.date, bool]) -> None:
    assert aggregate.reply_by(as_of, n) == expected == add_workdays(as_of, n)


# --- the ladder and 移交纪委 -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("count", "escalate_after", "level"),
    [(0, 3, ""), (1, 3, "蓝色督办"), (2, 3, "橙色督办"), (3, 3, Ladder.RED), (7, 3, Ladder.RED), (2, 2, Ladder.RED)],
)
def test_ladder_level(count: int, escalate_after: int, level: str) -> None:
    assert Ladder.level(count, escalate_after) == level


LEDGER_CASES = [
    # (status, deadline, stored red months, 督办次数, 督办等级, 移交纪委)
    pytest.param("整改中", days(-1), [], 1, "蓝色督办", "否", id="first-red-month"),
    pytest.param("整改中", days(-1), ["2022-04"], 2, "橙色督办", "否", id="second"),
    pytest.param("整改中", days(-1), ["2022-03", "2022-04"], 3, "红色督办", "是", id="third-escalates"),
    pytest.param("整改中", days(-1), ["2022-04", "2022-05"], 2, "橙色督办", "否", id="re-run-never-counts-twice"),
    pytest.param("整改中", days(-1), ["2022-03", "2022-07"], 2, "橙色督办", "否", id="later-months-ignored"),
    pytest.param("已完成", days(-1), ["2022-02", "2022-03", "2022-04"], 3, "", "否", id="completed-after-red"),
    pytest.param("整改中", days(30), ["2022-02", "2022-03", "2022-04"], 3, "", "是", id="escalation-sticky-when-green"),
    pytest.param("长期坚持", LONG_TERM, ["2022-02", "2022-03", "2022-04"], 3, "", "是", id="sticky-when-long-term"),
    pytest.param("整改中", days(3), ["2022-05"], 1, "", "否", id="red-earlier-this-month-still-counts"),
    pytest.param("整改中", days(3), [], 0, "", "否", id="never-red"),
]


@pytest.mark.parametrize(("status", "deadline", "stored", "count", "level", "escalated"), LEDGER_CASES)
def test_ledger_supervision(
    status: str, deadline: Any, stored: list[str], count: int, level: str, escalated: str
) -> None:
    state = state_of(problem("HX-001", status, deadline))
    month_flags = aggregate.flags(state, AS_OF, WARN)
    rows = aggregate.problem_ledger(state, month_flags, {pair_key("HX-001", "HX"): stored}, 3, "2022-05")
    row = rows.iloc[0]
    assert (row["督办次数"], row["督办等级"], row["移交纪委"]) == (count, level, escalated)


# --- 报送状态 ----------------------------------------------------------------------------------------
def record(seq: int, unit: str | None, outcome: str, received: str, month: str = "2022-05") -> AuditRecord:
    return AuditRecord(
        seq=seq,
        recorded_at=received,
        file_name=f"f{seq}.xlsx",
        sha256=f"{seq:064d}",
        size=1,
        unit_code=unit,
        month=month,
        received_at=received,
        outcome=outcome,
        messages=json.dumps([{"code": "x", "level": "error", "text": "错"}] if outcome == "退回" else []),
        prev_hash="",
        hash="",
    )


@pytest.mark.parametrize(
    ("month", "records", "status", "when"),
    [
        pytest.param("2022-05", [("通过", "2022-05-25T23:59:00")], "按时", "2022-05-25T23:59:00", id="on-the-due-day"),
        pytest.param("2022-05", [("通过", "2022-05-26T00:00:00")], "逾期", "2022-05-26T00:00:00", id="a-day-late"),
        pytest.param(
            "2022-05",
            [("退回", "2022-05-20T09:00:00"), ("通过", "2022-05-27T09:00:00")],
            "逾期",
            "2022-05-27T09:00:00",
            id="returned-then-accepted-late",
        ),
        pytest.param(
            "2022-05",
            [("通过", "2022-05-20T09:00:00"), ("通过", "2022-05-28T09:00:00")],
            "按时",
            "2022-05-20T09:00:00",
            id="on-time-then-superseded",
        ),
        pytest.param(
            "2022-05",
            [("退回", "2022-05-20T09:00:00"), ("退回", "2022-05-24T09:00:00")],
            "退回",
            "2022-05-24T09:00:00",
            id="returned-this-month",
        ),
        pytest.param("2022-05", [("重复", "2022-05-20T09:00:00")], "未报送", None, id="only-a-duplicate"),
        pytest.param("2022-05", [], "未报送", None, id="nothing"),
        pytest.param("2022-03", [("通过", "2022-03-20T18:00:00")], "按时", "2022-03-20T18:00:00", id="list-due-day"),
        pytest.param("2022-03", [("通过", "2022-03-21T08:00:00")], "逾期", "2022-03-21T08:00:00", id="list-day-after"),
    ],
)
def test_submission_status(
    campaign: Campaign, month: str, records: list[tuple[str, str]], status: str, when: str | None
) -> None:
    recs = [record(i, "HX", outcome, at, month) for i, (outcome, at) in enumerate(records, start=1)]
    recs.append(record(99, "DF", "通过", f"{month}-01T08:00:00", month))  # another unit's file changes nothing
    subs = aggregate.submission_status(campaign, month, recs).set_index("单位编码")
    assert subs.loc["HX", "报送状态"] == status
    expected = dt.datetime.fromisoformat(when) if when else None
    assert (subs.loc["HX", "报送时间"] if when else None) == expected
    assert subs.loc["DF", "报送状态"] == "按时"
    assert subs.loc["HX", "截止日期"] == campaign.due_date(month)


@pytest.mark.parametrize(
    ("last", "now", "last_status", "called_out"),
    [
        pytest.param(None, None, "", False, id="last-month-had-no-run"),
        pytest.param([], [], "未报送", True, id="missing-twice"),
        pytest.param([("退回", "2022-04-20T09:00:00")], [], "退回", True, id="returned-then-missing"),
        pytest.param([], [("退回", "2022-05-20T09:00:00")], "未报送", True, id="missing-then-returned"),
        pytest.param([("通过", "2022-04-28T09:00:00")], [], "逾期", False, id="late-last-month-then-missing"),
        pytest.param([], [("通过", "2022-05-30T09:00:00")], "未报送", False, id="missing-then-late"),
    ],
)
def test_units_missing_two_months_running(
    campaign: Campaign,
    last: list[tuple[str, str]] | None,
    now: list[tuple[str, str]] | None,
    last_status: str,
    called_out: bool,
) -> None:
    previous = None if last is None else [record(i, "HX", o, at, "2022-04") for i, (o, at) in enumerate(last)]
    current = [record(10 + i, "HX", o, at) for i, (o, at) in enumerate(now or [])]
    subs = aggregate.submission_status(campaign, "2022-05", current, previous).set_index("单位编码")
    assert bool(subs.loc["HX", "连续两月未报送"]) is called_out
    assert subs.loc["HX", "上月报送状态"] == last_status
    report = month_report(campaign, state_of(problem("HX-001", "整改中", days(30))), current, previous=previous)
    assert ("红星村" in report.missing_twice) is called_out
    # The other units sent nothing either month: called out whenever last month had a run.
    assert ("东风社区" in report.missing_twice) is (last is not None)


# --- statistics -------------------------------------------------------------------------------
def month_report(
    campaign: Campaign,
    state: pd.DataFrame,
    records: list[AuditRecord],
    *,
    as_of: dt.date = AS_OF,
    previous: list[AuditRecord] | None = None,
    previous_state: pd.DataFrame | None = None,
    previous_flags: pd.DataFrame | None = None,
    red_months: dict[str, list[str]] | None = None,
) -> MonthReport:
    month = f"{as_of.year}-{as_of.month:02d}"
    return aggregate.month_report(
        campaign=campaign,
        vocab=VOCAB,
        month=month,
        as_of=as_of,
        doc_number=5,
        ledgers={
            PROBLEM.name: aggregate.kind_ledger(
                PROBLEM, state, aggregate.flags(state, as_of, campaign.warning_days), red_months or {}, 3, month
            )
        },
        records=records,
        unit_names={u.code: u.name for u in campaign.units},
        previous_state=previous_state,
        previous_month="2022-04" if previous_state is not None else None,
        previous_records=previous,
        previous_flags=previous_flags,
    )


SPECIAL = [c for c in VOCAB.categories if c.campaign]


def test_unit_stats_rates_ranks_and_change(campaign: Campaign) -> None:
    state = state_of(
        # HX: 1 of 2 done (the 长期坚持 item is not in the base), one red
        problem("HX-001", "已完成", days(-5)),
        problem("HX-002", "整改中", days(-2)),
        problem("HX-003", "长期坚持", LONG_TERM),
        # DF: 1 of 2 done, no red, one yellow
        problem("DF-001", "已完成", days(-5), unit="DF"),
        problem("DF-002", "未启动", days(2), unit="DF"),
        # CZ: only 长期坚持: no completion rate, ranked last
        problem("CZ-001", "长期坚持", LONG_TERM, unit="CZ"),
    )
    before = state_of(
        problem("HX-001", "整改中", days(-5)),
        problem("HX-002", "整改中", days(-2)),
        problem("HX-003", "长期坚持", LONG_TERM),
        problem("DF-001", "已完成", days(-5), unit="DF"),
    )
    before_flags = pd.DataFrame(
        {"问题编号": ["HX-001", "HX-002", "HX-003", "DF-001"], "灯色": ["红灯", "红灯", "", "绿灯"]}
    )
    report = month_report(campaign, state, [], previous_state=before, previous_flags=before_flags)
    units = report.units.set_index("单位编码")
    assert list(report.units["单位编码"]) == ["DF", "HX", "CZ"]
    assert units["排名"].to_dict() == {"DF": 1, "HX": 2, "CZ": 3}
    assert units.loc["HX", "完成率"] == 0.5
    assert math.isnan(units.loc["CZ", "完成率"])
    assert units.loc["HX", ["问题数", "已完成", "整改中", "未启动", "长期坚持", "红灯", "黄灯"]].tolist() == [
        3,
        1,
        1,
        0,
        1,
        1,
        0,
    ]
    assert units.loc["DF", ["红灯", "黄灯"]].tolist() == [0, 1]
    assert units.loc["HX", "较上月"] == pytest.approx(50.0)  # 0 % -> 50 %
    assert units.loc["DF", "较上月"] == pytest.approx(-50.0)  # 100 % (1 of 1) -> 50 %
    assert math.isnan(units.loc["CZ", "较上月"])
    assert units.loc["HX", "红灯较上月"] == -1
    assert units.loc["HX", "上月排名"] == 2 and units.loc["DF", "上月排名"] == 1
    assert set(units["报送状态"]) == {"未报送"}


def test_equal_rate_and_reds_share_a_rank(campaign: Campaign) -> None:
    state = state_of(
        problem("HX-001", "已完成", days(-5)),
        problem("DF-001", "已完成", days(-5), unit="DF"),
        problem("CZ-001", "整改中", days(-1), unit="CZ"),
    )
    units = month_report(campaign, state, []).units.set_index("单位编码")
    assert units["排名"].to_dict() == {"DF": 1, "HX": 1, "CZ": 3}
    assert math.isnan(units.loc["HX", "红灯较上月"])  # no run last month


def test_category_and_special_campaign_counts(campaign: Campaign) -> None:
    works, hard = SPECIAL[1].name, SPECIAL[2].name
    state = state_of(
        problem("HX-001", "整改中", days(-3), category=works),
        problem("DF-001", "已完成", days(-3), unit="DF", category=works),
        problem("DF-002", "未启动", days(5), unit="DF", category=hard),
        problem("CZ-001", "长期坚持", LONG_TERM, unit="CZ", category=CATEGORY),
    )
    report = month_report(campaign, state, [])
    cats = report.categories.set_index("问题类别")
    assert len(cats) == 7
    assert cats.loc[works, ["问题数", "已完成", "红灯", "黄灯"]].tolist() == [2, 1, 1, 0]
    assert cats.loc[works, "完成率"] == 0.5
    assert bool(cats.loc[works, "专项治理"]) and not bool(cats.loc[CATEGORY, "专项治理"])
    assert math.isnan(cats.loc[CATEGORY, "完成率"])
    camps = report.campaigns.set_index("专项治理")
    assert list(camps.index) == [c.name for c in SPECIAL] and len(camps) == 3
    # no [leads] in this township's campaign.toml: nothing taken from the sample township
    assert camps["牵头部门"].tolist() == ["未设置", "未设置", "未设置"]
    assert cats["牵头部门"].tolist() == ["", "", "", "", "未设置", "未设置", "未设置"]
    assert camps.loc[works, ["涉及单位", "问题数", "已完成", "整改中", "红灯"]].tolist() == [2, 2, 1, 1, 1]
    assert camps.loc[hard, ["涉及单位", "问题数", "未启动", "黄灯"]].tolist() == [1, 1, 1, 1]
    assert camps.loc[SPECIAL[0].name, "问题数"] == 0 and math.isnan(camps.loc[SPECIAL[0].name, "完成率"])


def test_report_carries_the_reply_by_date(campaign: Campaign) -> None:
    report = month_report(campaign, state_of(problem("HX-001", "整改中", days(-1))), [])
    assert (report.reply_by, report.reply_by_estimated) == add_workdays(AS_OF, campaign.reply_workdays)
    assert report.reply_by == dt.date(2022, 6, 8)  # 6-3 端午节 is a holiday
    assert not report.workdays_estimated
    late = month_report(
        campaign, state_of(problem("HX-001", "整改中", dt.date(2030, 5, 1))), [], as_of=dt.date(2030, 5, 31)
    )
    assert late.reply_by_estimated and late.workdays_estimated


# --- through the real ledger (SQLite) --------------------------------------------------------------
def run_month(store: Store, state: pd.DataFrame, as_of: dt.date, escalate_after: int = 3) -> pd.Series:
    """What a monthly run does with the flags: build the ledger (the months a run found an item red
    so far, and this one when it is red now), then store the month's lights."""
    month = f"{as_of.year}-{as_of.month:02d}"
    ledger = aggregate.kind_ledger(
        PROBLEM, state, aggregate.flags(state, as_of, WARN), store.red_months(PROBLEM, month), escalate_after, month
    )
    store.set_flags(PROBLEM, month, aggregate.flag_rows(ledger))
    return ledger.items.iloc[0]


def test_months_skipped_and_rerun_through_the_store(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "ledger.db")
    try:
        open_item = state_of(problem("HX-001", "整改中", dt.date(2022, 4, 30)))
        steps = [
            # (as_of, state, 灯色, 督办次数, 移交纪委)
            (dt.date(2022, 4, 30), open_item, "黄灯", 0, "否"),  # the deadline day itself
            (dt.date(2022, 5, 2), open_item, "红灯", 1, "否"),
            (dt.date(2022, 5, 31), open_item, "红灯", 1, "否"),  # May again: not twice
            (dt.date(2022, 7, 29), open_item, "红灯", 2, "否"),  # June skipped: adds nothing
            (dt.date(2022, 7, 30), open_item, "红灯", 2, "否"),
            (dt.date(2022, 8, 31), open_item, "红灯", 3, "是"),
            (dt.date(2022, 9, 30), state_of(problem("HX-001", "长期坚持", LONG_TERM)), "", 3, "是"),
            (dt.date(2022, 10, 31), state_of(problem("HX-001", "已完成", dt.date(2022, 4, 30))), "绿灯", 3, "否"),
        ]
        for as_of, state, colour, count, escalated in steps:
            row = run_month(store, state, as_of)
            assert (row["灯色"], row["督办次数"], row["移交纪委"]) == (colour, count, escalated), as_of
        assert store.red_months(PROBLEM, "2022-12") == {"HX-001|HX": ["2022-05", "2022-07", "2022-08"]}
        assert store.red_months(PROBLEM, "2022-07") == {"HX-001|HX": ["2022-05", "2022-07"]}
    finally:
        store.close()


def test_a_rerun_that_no_longer_finds_red_keeps_the_month(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "ledger.db")
    try:
        late = state_of(problem("HX-001", "整改中", dt.date(2022, 5, 10)))
        assert run_month(store, late, dt.date(2022, 5, 26))["督办次数"] == 1
        done = state_of(problem("HX-001", "已完成", dt.date(2022, 5, 10)))
        row = run_month(store, done, dt.date(2022, 5, 31))  # completed, May run again
        assert (row["灯色"], row["督办次数"], row["督办等级"]) == ("绿灯", 1, "")
        assert store.stored_flags(PROBLEM, "2022-05")["灯色"].tolist() == ["绿灯"]  # the month's light is replaced
    finally:
        store.close()


# --- through monthly runs on a hand-made workspace -----------------------------------------------
def sheet(path: Path, name: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_monthly_runs_write_the_flags_into_the_ledger(workspace: Path) -> None:
    inbox = workspace / "inbox"
    march = dt.datetime(2022, 3, 18, 9, 30)
    write_list(inbox / "红星村.xlsx", GOOD_ROWS, unit="红星村", received=march)
    write_list(inbox / "财政所.xlsx", [("其他", *GOOD_ROWS[0][1:])], unit="镇财政所", received=march)
    run.monthly(workspace, dt.date(2022, 3, 31))
    april = run.monthly(workspace, dt.date(2022, 4, 30))  # nothing received in April
    assert april.report is not None
    out = workspace / "out"
    subs = {r["单位"]: r for r in sheet(out / "2022-04" / "总台账.xlsx", "报送情况")}
    assert subs["镇财政所"]["上月报送状态"] == "退回"
    assert subs["镇财政所"]["连续两月未报送"] == "是"
    assert subs["东风社区"]["连续两月未报送"] == "是"
    assert subs["红星村"]["报送状态"] == "未报送" and subs["红星村"]["连续两月未报送"] == "否"
    assert april.report.missing_twice == ["东风社区", "镇财政所"]
    ledger = {r["问题编号"]: r for r in sheet(out / "2022-04" / "总台账.xlsx", "问题总台账")}
    assert ledger["HX-002"]["灯色"] == "黄灯"  # 4月底 on 04-30: due today, not late
    run.monthly(workspace, dt.date(2022, 5, 31))
    may = run.monthly(workspace, dt.date(2022, 5, 31))  # May again: nothing new
    july = run.monthly(workspace, dt.date(2022, 7, 29))  # June skipped
    assert may.report is not None and july.report is not None
    hx2 = may.report.problems.set_index("问题编号").loc["HX-002"]
    assert (hx2["灯色"], hx2["逾期天数"], hx2["督办次数"], hx2["督办等级"]) == ("红灯", 31, 1, "蓝色督办")
    overdue = {r["问题编号"]: r for r in sheet(out / "2022-07" / "总台账.xlsx", "逾期督办")}
    assert overdue["HX-002"]["督办次数"] == 2 and overdue["HX-002"]["督办等级"] == "橙色督办"
    assert overdue["HX-002"]["逾期天数"] == 90
    assert overdue["HX-002"]["逾期工作日"] == workdays_between(dt.date(2022, 4, 30), dt.date(2022, 7, 29))[0]
    assert "工作日估算" not in overdue["HX-002"]  # 2022 is in the official calendar
    units = {r["单位"]: r for r in sheet(out / "2022-07" / "总台账.xlsx", "单位统计")}
    assert units["红星村"]["红灯"] == 3  # HX-001 (05-31), HX-002 (04-30), HX-003 (06-30)
    assert "红灯较上月" in units["红星村"]
    camps = sheet(out / "2022-07" / "总台账.xlsx", "专项治理")
    assert [r["专项治理"] for r in camps] == [c.name for c in SPECIAL]
    cats = sheet(out / "2022-07" / "总台账.xlsx", "分类统计")
    assert sum(int(str(r["问题数"])) for r in cats) == len(GOOD_ROWS)
