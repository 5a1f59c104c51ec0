"""Cell-by-cell checks: each error and warning code, its cell, and the outcome."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import GOOD_ROWS, write_list

from pipeline.config import Campaign
from pipeline.ingest import read_file
from pipeline.store import LedgerView, Registered
from pipeline.validate import Checked, Submission, check_against_ledger, check_tables
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
RECEIVED = dt.datetime(2022, 3, 19, 10, 0)
EMPTY = LedgerView(owners={}, unit_names={"HX": "红星村", "DF": "东风社区"}, registered={})


def check(
    tmp_path: Path, campaign: Campaign, rows: list[tuple[Any, ...]], ledger: LedgerView = EMPTY, **kw: Any
) -> Checked:
    raw = read_file(write_list(tmp_path / "红星村.xlsx", rows, **kw), VOCAB)
    sub = Submission(raw, campaign.units[0], RECEIVED)
    [checked] = check_tables([sub], campaign, VOCAB)
    return check_against_ledger(checked, ledger)


def codes(checked: Checked) -> list[tuple[str, str]]:
    return [(m.code, m.cell) for m in checked.messages]


def test_good_file_is_accepted_with_canonical_values(tmp_path: Path, campaign: Campaign) -> None:
    checked = check(tmp_path, campaign, GOOD_ROWS)
    assert checked.accepted, codes(checked)
    assert checked.rows.at[6, "完成时限"] == dt.date(2022, 4, 30)
    assert checked.rows.at[8, "完成时限"] == "长期坚持"
    assert checked.rows.at[5, "完成状态"] == "整改中"


def row(**changes: Any) -> tuple[Any, ...]:
    names = ["问题类别", "具体问题", "整改措施", "责任领导", "责任人", "完成时限", "整改进展", "完成状态", "完成日期"]
    base = dict(zip(names, GOOD_ROWS[0], strict=True))
    base.update(changes)
    return tuple(base[n] for n in names)


@pytest.mark.parametrize(
    ("changes", "code", "cell"),
    [
        ({"问题类别": "其他问题"}, "category-invalid", "C5"),
        ({"问题类别": None}, "cell-required", "C5"),
        ({"完成状态": "差不多了"}, "status-invalid", "J5"),
        ({"责任人": None}, "cell-required", "G5"),
        ({"完成时限": "尽快"}, "date-invalid", "H5"),
        ({"完成时限": 4.3}, "date-number", "H5"),
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
    assert cell in message.text and "问题清单" in message.text


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
) -> Registered:
    return Registered(pid, "HX", "党史学习教育开展不经常", deadline, status, progress)


def ledger_with(*items: Registered, owners: dict[str, str] | None = None) -> LedgerView:
    own = {r.problem_id: r.unit_code for r in items} | (owners or {})
    return LedgerView(owners=own, unit_names=EMPTY.unit_names, registered={r.problem_id: r for r in items})


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
