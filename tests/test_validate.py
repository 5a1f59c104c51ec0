"""Cell-by-cell checks: each error and warning code, its cell, and the outcome."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandera.pandas as pa
import pytest
from conftest import GOOD_ROWS, ROW_FIELDS, write_list

from pipeline.config import Campaign
from pipeline.ingest import read_file
from pipeline.kinds import PROBLEM
from pipeline.storage.ledger import Held, View
from pipeline.validate import Checked, Submission, check_submissions, schema, with_ledger
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
RECEIVED = dt.datetime(2022, 3, 19, 10, 0)
EMPTY = View(owners={}, unit_names={"HX": "红星村", "DF": "东风社区"}, held={})


def check(tmp_path: Path, campaign: Campaign, rows: list[tuple[Any, ...]], ledger: View = EMPTY, **kw: Any) -> Checked:
    raw = read_file(write_list(tmp_path / "红星村.xlsx", rows, **kw), VOCAB)
    sub = Submission(raw, campaign.units[0], RECEIVED, raw.notices)  # as run.py builds it
    [checked] = check_submissions([sub], campaign, VOCAB)
    return with_ledger(checked, PROBLEM, checked.rows, (), ledger)


def codes(checked: Checked) -> list[tuple[str, str]]:
    return [(m.code, m.cell) for m in checked.messages]


def test_good_file_is_accepted_with_canonical_values(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, GOOD_ROWS)
    assert checked.accepted, codes(checked)
    assert checked.rows.at[6, "完成时限"] == dt.date(2022, 4, 30)
    assert checked.rows.at[8, "完成时限"] == "长期坚持"
    assert checked.rows.at[5, "完成状态"] == "整改中"


def row(**changes: Any) -> tuple[Any, ...]:
    base = dict(zip(ROW_FIELDS, GOOD_ROWS[0], strict=True))
    base.update(changes)
    return tuple(base[n] for n in ROW_FIELDS)


@pytest.mark.parametrize(
    ("changes", "code", "cell"),
    [
        ({"问题类别": "其他问题"}, "category-invalid", "C5"),
        ({"问题类别": None}, "cell-required", "C5"),
        ({"完成状态": "差不多了"}, "status-invalid", "J5"),
        ({"责任人": None}, "cell-required", "G5"),
        ({"完成时限": "尽快"}, "date-invalid", "H5"),
        ({"完成时限": 4.3}, "date-number", "H5"),
        ({"完成时限": "4.30"}, "date-number", "H5"),
        ({"完成时限": None}, "cell-required", "H5"),
        ({"完成状态": None}, "cell-required", "J5"),
        ({"具体问题": None}, "cell-required", "D5"),
        ({"整改措施": None}, "cell-required", "E5"),
        ({"责任领导": None}, "cell-required", "F5"),
        ({"完成状态": "已完成", "完成日期": 4.3}, "date-number", "K5"),
        ({"完成状态": "已完成", "完成日期": "前几天"}, "date-invalid", "K5"),
        ({"完成状态": "已完成"}, "completed-without-date", "K5"),
        ({"完成日期": "2022-03-10"}, "date-without-completed", "K5"),
        ({"完成状态": "已完成", "完成日期": "2022-03-25"}, "completed-after-received", "K5"),
        ({"完成状态": "已完成", "完成日期": "长期坚持"}, "date-long-term-done", "K5"),
    ],
)
def test_each_error_returns_the_file(
    tmp_path: Path, campaign: Campaign, changes: dict[str, Any], code: str, cell: str
) -> None:
    checked = check(tmp_path, campaign, [row(**changes)])
    assert not checked.accepted
    assert (code, cell) in codes(checked)
    message = next(m for m in checked.messages if m.code == code)
    assert cell in message.text and "问题清单" in message.text and "红星村.xlsx" in message.text
    assert message.expected  # every cell error says how the cell should be filled


def test_bare_number_is_quoted_in_the_message(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row(完成时限=4.3)])
    [message] = [m for m in checked.messages if m.code == "date-number"]
    assert "“4.3”" in message.text


@pytest.mark.parametrize(
    ("changes", "code", "cell"),
    [
        ({"具体问题": "学习不够"}, "description-too-short", "D5"),
        ({"完成时限": "2022-12-31"}, "deadline-after-phase", "H5"),
    ],
)
def test_warnings_let_the_file_through(
    tmp_path: Path, campaign: Campaign, changes: dict[str, Any], code: str, cell: str
) -> None:
    checked = check(tmp_path, campaign, [row(**changes)])
    assert checked.accepted
    assert (code, cell) in codes(checked)


def test_no_problems_is_a_warning(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [])
    assert checked.accepted
    assert [m.code for m in checked.messages] == ["no-problems"]


def registered(
    pid: str, status: str = "整改中", deadline: Any = dt.date(2022, 5, 31), progress: str | None = "已制定学习计划"
) -> Held:
    return Held(pid, "党史学习教育开展不经常", status, deadline, progress, reported=True, required=True)


def ledger_with(*items: Held, owners: dict[str, str] | None = None) -> View:
    own = {r.item_id: ("HX",) for r in items} | {pid: (code,) for pid, code in (owners or {}).items()}
    return View(owners=own, unit_names=EMPTY.unit_names, held={r.item_id: r for r in items})


def test_ids_unknown_foreign_and_repeated(tmp_path: Path, campaign: Campaign) -> None:
    ledger = ledger_with(registered("HX-001"), owners={"DF-001": "DF"})
    checked = check(
        tmp_path, campaign, [row(), row(), row(), row()], ledger, ids=["HX-001", "HX-009", "DF-001", "HX-001"]
    )
    assert ("id-unknown", "B6") in codes(checked)
    assert ("id-foreign", "B7") in codes(checked)
    assert ("id-repeated", "B8") in codes(checked)
    assert "东风社区" in next(m.text for m in checked.messages if m.code == "id-foreign")


def test_open_problem_left_out_returns_the_file(tmp_path: Path, campaign: Campaign) -> None:
    ledger = ledger_with(registered("HX-001"), registered("HX-002"), registered("HX-003", status="已完成"))
    checked = check(tmp_path, campaign, [row(整改进展="新进展")], ledger, ids=["HX-001"])
    assert not checked.accepted
    missing = [m for m in checked.messages if m.code == "problem-missing"]
    assert [m.params["value"] for m in missing] == ["HX-002"]  # a completed one may be left out


def test_changes_against_last_month_are_warnings(tmp_path: Path, campaign: Campaign) -> None:
    ledger = ledger_with(
        registered("HX-001"),
        registered("HX-002", status="已完成"),
        registered("HX-003"),
    )
    rows = [row(完成时限="2022-06-30", 整改进展="新进展"), row(完成状态="整改中", 整改进展="返工"), row()]
    checked = check(tmp_path, campaign, rows, ledger, ids=["HX-001", "HX-002", "HX-003"])
    assert checked.accepted
    assert ("deadline-changed", "H5") in codes(checked)
    assert ("status-reverted", "J6") in codes(checked)
    assert ("progress-unchanged", "I7") in codes(checked)


@pytest.mark.parametrize(
    ("changes", "ledger", "ids", "code", "cell", "accepted"),
    [
        ({}, "one", ["HX-009"], "id-unknown", "B5", False),
        ({}, "one", ["hx-9"], "id-unknown", "B5", False),
        ({}, "one", ["DF-001"], "id-foreign", "B5", False),
        ({}, "none", [None], "problem-missing", "", False),
        ({"完成时限": "6月30日前", "整改进展": "新进展"}, "one", ["HX-001"], "deadline-changed", "H5", True),
        ({"完成时限": "长期坚持", "整改进展": "新进展"}, "one", ["HX-001"], "deadline-changed", "H5", True),
        ({"整改进展": "新进展"}, "done", ["HX-001"], "status-reverted", "J5", True),
        ({"整改进展": "已制定学习计划"}, "one", ["HX-001"], "progress-unchanged", "I5", True),
        ({"整改进展": None}, "no-progress", ["HX-001"], "progress-unchanged", "I5", True),
        ({"具体问题": "学习不够"}, "empty", [None], "description-too-short", "D5", True),
        ({"完成时限": "年底前"}, "empty", [None], "deadline-after-phase", "H5", True),
    ],
)
def test_each_ledger_rule_code_cell_and_outcome(
    tmp_path: Path,
    campaign: Campaign,
    changes: dict[str, Any],
    ledger: str,
    ids: list[str | None],
    code: str,
    cell: str,
    accepted: bool,
) -> None:
    views = {
        "empty": EMPTY,
        "one": ledger_with(registered("HX-001"), owners={"DF-001": "DF"}),
        "done": ledger_with(registered("HX-001", status="已完成")),
        "no-progress": ledger_with(registered("HX-001", progress=None)),
        "none": ledger_with(registered("HX-001")),
    }
    checked = check(tmp_path, campaign, [row(**changes)], views[ledger], ids=ids)
    assert (code, cell) in codes(checked)
    assert checked.accepted is accepted
    message = next(m for m in checked.messages if m.code == code)
    assert message.level == ("warning" if accepted else "error")
    assert "红星村.xlsx" in message.text and "问题清单" in message.text


def test_ledger_rules_quiet_on_a_good_update(tmp_path: Path, campaign: Campaign) -> None:
    ledger = ledger_with(registered("HX-001"), registered("HX-002", status="已完成"))
    rows = [row(整改进展="本月新进展"), row(完成状态="已完成", 完成日期="2022-03-01", 整改进展="已完成")]
    checked = check(tmp_path, campaign, rows, ledger, ids=["HX-001", "HX-002"])
    assert checked.accepted and codes(checked) == []


def test_all_rows_with_another_units_ids(tmp_path: Path, campaign: Campaign) -> None:
    """A unit sends its open problems under another unit's ids: each row foreign, each own problem missing."""
    ledger = ledger_with(registered("HX-001"), registered("HX-002"), owners={"DF-001": "DF", "DF-002": "DF"})
    checked = check(tmp_path, campaign, [row(), row()], ledger, ids=["DF-001", "DF-002"])
    assert not checked.accepted
    assert [c for c in codes(checked) if c[0] == "id-foreign"] == [("id-foreign", "B5"), ("id-foreign", "B6")]
    assert sorted(m.params["value"] for m in checked.messages if m.code == "problem-missing") == ["HX-001", "HX-002"]


def test_immediate_deadline_is_the_filled_date(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row(完成时限="即知即改")], filled_on="2022年3月15日")
    assert checked.accepted
    assert checked.rows.at[5, "完成时限"] == dt.date(2022, 3, 15)


def test_immediate_deadline_without_filled_date_is_the_received_date(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row(完成时限="立行立改")], filled_on="")
    assert checked.accepted
    assert checked.rows.at[5, "完成时限"] == RECEIVED.date()


def test_frame_wide_failures_are_folded(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row(完成状态="已完成"), row(完成状态="已整改")])
    assert codes(checked) == [("completed-without-date", "K5"), ("completed-without-date", "K6")]


def test_one_pass_over_many_files_maps_each_failure_to_its_file(tmp_path: Path, campaign: Campaign) -> None:
    good = read_file(write_list(tmp_path / "a" / "红星村.xlsx", GOOD_ROWS), VOCAB)
    bad = read_file(
        write_list(tmp_path / "b" / "东风社区.xlsx", [row(), row(问题类别="其他", 完成时限=4.3)], unit="东风社区"),
        VOCAB,
    )
    subs = [Submission(good, campaign.units[0], RECEIVED), Submission(bad, campaign.units[1], RECEIVED)]
    first, second = check_submissions(subs, campaign, VOCAB)
    assert first.accepted and first.messages == ()
    assert [(m.code, m.cell, m.file) for m in second.messages] == [
        ("category-invalid", "C6", "东风社区.xlsx"),
        ("date-number", "H6", "东风社区.xlsx"),
    ]


def test_schema_is_a_dataframe_model_indexed_by_excel_row(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row(问题类别="其他问题")])
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schema(PROBLEM).validate(checked.rows, lazy=True)
    cases = info.value.failure_cases
    assert cases[["column", "check", "index"]].values.tolist() == [["问题类别", "category-invalid", 5]]


def test_message_quotes_value_and_names_the_file(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row(完成状态="差不多了")])
    [message] = checked.messages
    assert message.found == "差不多了"
    assert "“差不多了”" in message.text and "J5" in message.text and "红星村.xlsx" in message.text
    assert "未启动" in message.expected


def test_rows_below_the_table_are_a_warning(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, [row()], footer=["审核人：张三"])
    assert checked.accepted
    assert ("rows-ignored", "A7") in codes(checked)
