"""Intake: what becomes of each received file and why (pipeline/intake.py), decided from real
files read as a run reads them, and the one rule of which file of a unit stands in a month."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from builders_ingest import encrypt
from conftest import GOOD_ROWS, write_list
from docx import Document

from pipeline import intake
from pipeline.config import Campaign
from pipeline.messages import CATALOGUE, Entry
from pipeline.model import Outcome
from pipeline.readers import pool
from pipeline.storage.ledger import AuditRecord
from pipeline.validate import check_submissions
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
MARCH = "2022-03"
NOVEMBER = "2022-11"  # the month of summary_due (2022-11-18) in the tests' campaign
RECEIVED = dt.datetime(2022, 3, 18, 9, 30)


def identified(path: Path, campaign: Campaign, month: str = MARCH) -> intake.Identified:
    """``path`` read as a run reads it (here, in this process), then identified."""
    read = pool.read_one(pool.Task(path, path.name), VOCAB)
    return intake.identify(path.name, read, RECEIVED, campaign, month)


def summary_doc(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


def record(
    seq: int, unit: str | None, outcome: str, month: str = MARCH, name: str = "", messages: str = "[]"
) -> AuditRecord:
    return AuditRecord(
        seq=seq,
        recorded_at="2022-03-20T10:00:00",
        file_name=name or f"f{seq}.xlsx",
        sha256=f"{seq:064d}",
        size=1,
        unit_code=unit,
        month=month,
        received_at="2022-03-18T09:30:00",
        outcome=outcome,
        messages=messages,
        prev_hash="",
        hash="",
    )


# --- identify and decide ---------------------------------------------------------------------------


def test_a_units_list_goes_to_the_checks_and_passes_or_is_returned_by_them(tmp_path: Path, campaign: Campaign) -> None:
    good = identified(write_list(tmp_path / "红星村.xlsx", GOOD_ROWS), campaign)
    bad_rows = [("不知道是什么", *GOOD_ROWS[0][1:])]
    bad = identified(write_list(tmp_path / "东风社区.xlsx", bad_rows, unit="东风社区"), campaign)
    assert good.submission is not None and good.submission.unit.code == "HX"
    assert good.submission.received == RECEIVED
    assert intake.decide("红星村.xlsx", good, None) is None  # the ledger rules come first
    assert bad.submission is not None
    passed, returned = check_submissions([good.submission, bad.submission], campaign, VOCAB)
    accepted = intake.judge(passed)
    assert (accepted.outcome, accepted.unit, accepted.merge) == (Outcome.PASSED, "HX", passed)
    refused = intake.judge(returned)
    assert (refused.outcome, refused.unit, refused.merge) == (Outcome.RETURNED, "DF", None)
    assert [m.code for m in refused.messages if m.level == "error"] == ["category-invalid"]


def test_a_file_that_cannot_be_opened_is_returned_for_the_unit_its_name_names(
    tmp_path: Path, campaign: Campaign
) -> None:
    locked = encrypt(write_list(tmp_path / "附件2-镇财政所.xlsx", GOOD_ROWS, unit="镇财政所"), "secret")
    found = identified(locked, campaign)
    assert (found.submission, found.named, found.work_summary) == (None, "CZ", "")
    decision = intake.decide(locked.name, found, None)
    assert decision is not None
    assert (decision.outcome, decision.unit) == (Outcome.RETURNED, "CZ")
    assert [(m.code, m.file) for m in decision.messages] == [("file-encrypted", "附件2-镇财政所.xlsx")]


def test_a_list_no_unit_can_be_told_of_is_returned_for_no_unit(tmp_path: Path, campaign: Campaign) -> None:
    path = write_list(tmp_path / "问题清单.xlsx", GOOD_ROWS, unit="")
    found = identified(path, campaign)
    decision = intake.decide(path.name, found, None)
    assert decision is not None
    assert (decision.outcome, decision.unit) == (Outcome.RETURNED, None)
    assert [m.code for m in decision.messages] == ["unit-unknown"]


def test_a_file_received_before_is_a_duplicate_for_the_unit_of_the_first(tmp_path: Path, campaign: Campaign) -> None:
    path = write_list(tmp_path / "红星村（再发一次）.xlsx", GOOD_ROWS)
    original = record(7, "HX", Outcome.PASSED, name="红星村.xlsx")
    decision = intake.decide(path.name, identified(path, campaign), original)
    assert decision is not None
    assert (decision.outcome, decision.unit, decision.merge) == (Outcome.DUPLICATE, "HX", None)
    [message] = decision.messages
    assert (message.code, message.file) == ("file-duplicate", "红星村（再发一次）.xlsx")
    assert message.params == {"received": "2022-03-18 09:30:00", "original": "红星村.xlsx"}


@pytest.mark.parametrize(
    ("name", "month", "outcome", "unit"),
    [
        pytest.param("红星村工作总结.docx", NOVEMBER, Outcome.WORK_SUMMARY, "HX", id="not-a-list-in-the-summary-month"),
        pytest.param("红星村工作总结.docx", "2022-10", Outcome.RETURNED, "HX", id="not-a-list-another-month"),
        pytest.param("工作总结.docx", NOVEMBER, Outcome.RETURNED, None, id="no-unit-in-its-name"),
    ],
)
def test_a_document_in_the_summary_month_is_the_units_work_summary(
    tmp_path: Path, campaign: Campaign, name: str, month: str, outcome: str, unit: str | None
) -> None:
    path = summary_doc(tmp_path / name, "2022年干部作风整顿工作总结")
    decision = intake.decide(name, identified(path, campaign, month), None)
    assert decision is not None
    assert (decision.outcome, decision.unit) == (outcome, unit)
    codes = [m.code for m in decision.messages]
    assert codes == (["work-summary-received"] if outcome == Outcome.WORK_SUMMARY else ["file-not-spreadsheet"])


def test_a_list_named_as_a_summary_in_the_summary_month_is_the_work_summary(tmp_path: Path, campaign: Campaign) -> None:
    path = write_list(tmp_path / "东风社区2022年总结.xlsx", GOOD_ROWS, unit="东风社区")
    found = identified(path, campaign, NOVEMBER)
    assert (found.submission, found.refusal, found.work_summary) == (None, (), "DF")
    plain = identified(write_list(tmp_path / "东风社区11月.xlsx", GOOD_ROWS, unit="东风社区"), campaign, NOVEMBER)
    assert plain.submission is not None and plain.work_summary == ""  # the month's list, checked as usual


# --- which file of a unit stands in a month ----------------------------------------------------------

P, R = Outcome.PASSED, Outcome.RETURNED


@pytest.mark.parametrize(
    ("records", "replaced"),
    [
        pytest.param([(1, "HX", R), (2, "HX", P)], {1: 2}, id="returned-then-accepted"),
        pytest.param([(1, "HX", P), (2, "HX", R)], {}, id="accepted-then-returned"),
        pytest.param([(1, "HX", P), (2, "HX", P), (3, "HX", P)], {1: 3, 2: 3}, id="the-latest-accepted-stands"),
        pytest.param([(1, "HX", R), (2, "DF", P)], {}, id="another-units-file"),
        pytest.param([(1, None, R), (2, "HX", P)], {}, id="a-file-of-no-unit"),
        pytest.param([(1, "HX", Outcome.DUPLICATE), (2, "HX", P)], {1: 2}, id="any-earlier-record-of-the-unit"),
    ],
)
def test_a_later_accepted_file_of_the_unit_replaces_the_earlier_ones(
    records: list[tuple[int, str | None, str]], replaced: dict[int, int]
) -> None:
    found = intake.replaced([record(seq, unit, outcome) for seq, unit, outcome in records])
    assert {seq: newer.seq for seq, newer in found.items()} == replaced


def test_an_accepted_file_replaces_only_the_files_of_its_own_month() -> None:
    records = [record(1, "HX", R, "2022-03"), record(2, "HX", P, "2022-03"), record(3, "HX", R, "2022-04")]
    records += [record(4, "HX", P, "2022-04"), record(5, "HX", R, "2022-05")]
    assert {seq: newer.seq for seq, newer in intake.replaced(records).items()} == {1: 2, 3: 4}


def test_only_accepted_files_are_superseded_and_only_returned_ones_still_returned() -> None:
    records = [record(1, "HX", R), record(2, "HX", P), record(3, "HX", R), record(4, "HX", P), record(5, "HX", R)]
    records += [record(6, "DF", R), record(7, None, R), record(8, "CZ", Outcome.WORK_SUMMARY)]
    assert {seq: newer.seq for seq, newer in intake.superseded(records).items()} == {2: 4}
    assert [r.seq for r in intake.still_returned(records)] == [5, 6, 7]


def test_the_ledger_workbook_says_which_file_replaced_an_accepted_one_in_the_catalogues_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.aggregate import validation_table

    error = json.dumps([{"code": "category-invalid", "level": "error", "text": "问题类别不对"}], ensure_ascii=False)
    records = [record(1, "HX", P), record(2, "HX", R, messages=error), record(3, "HX", P), record(4, "DF", P)]
    monkeypatch.setitem(CATALOGUE, "file-superseded", Entry("info", "已被替代", "以“{newer}”为准。"))
    table = validation_table(records, {"HX": "红星村", "DF": "东风社区"}).set_index("文件名")
    assert table["说明"].to_dict() == {
        "f1.xlsx": "以“f3.xlsx”为准。",
        "f2.xlsx": "问题类别不对",
        "f3.xlsx": "",
        "f4.xlsx": "",
    }
