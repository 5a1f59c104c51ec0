"""Adding a kind is a declaration, its vocabulary and its template (#18): a kind declared only
here — a unit's own list of 民生实事 (practical things it promised to do for residents) — goes
through every stage's one code path: ingest finds its table, validate checks it with a schema
built from the declaration and with the ledger rules, the store numbers and keeps its items,
aggregate lights them and climbs the ladder. Nothing in pipeline/ knows of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pipeline import aggregate
from pipeline.config import Campaign
from pipeline.ingest import read_kind_table
from pipeline.kinds import LedgerKind, Rules
from pipeline.model import Light
from pipeline.storage.ledger import Store
from pipeline.validate import check_ledger, check_tables
from pipeline.vocab import Vocabulary, load_vocabulary

PROMISE = LedgerKind(
    name="promise",
    label="民生实事",
    sheet="民生实事",
    columns=("编号", "实事内容", "承诺时限", "落实情况", "落实状态", "兑现日期"),
    required=("实事内容", "承诺时限", "落实状态"),
    synonyms="promise_columns",
    id_column="编号",
    free_text=("实事内容", "落实情况"),
    coded=("编号", "落实状态"),
    date_columns=("承诺时限", "兑现日期"),
    status_column="落实状态",
    status_synonyms="promise_statuses",
    statuses=("未开始", "推进中", "已兑现"),
    done_status="已兑现",
    done_column="兑现日期",
    done_codes=("completed-without-date", "date-without-completed"),
    open_statuses=("未开始", "推进中"),
    deadline_column="承诺时限",
    progress_column="落实情况",
    text_column="实事内容",
    rules=Rules(
        unknown="id-unknown",
        foreign="id-foreign",
        repeated="id-repeated",
        missing="problem-missing",
        reverted="status-reverted",
        unchanged="progress-unchanged",
    ),
    registered_by_unit=True,
    ledger_sheet="民生实事台账",
)


def vocabulary() -> Vocabulary:
    """The package's vocabulary with the kind's two sections (its vocab.toml entries)."""
    words = load_vocabulary()
    sections = {
        **words.sections,
        "promise_columns": {"编号": ("序号",), "实事内容": ("承诺事项",), "承诺时限": ("时限",)},
        "promise_statuses": {"已兑现": ("已完成", "兑现"), "推进中": ("正在推进",), "未开始": ()},
    }
    return dataclasses.replace(words, sections=sections)


def promises(path: Path, rows: list[tuple[object, ...]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "民生实事"
    ws.append(["民生实事清单"])
    ws.append(["编号", "承诺事项", "时限", "落实情况", "落实状态", "兑现日期"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_a_kind_declared_in_a_test_goes_through_every_stage(tmp_path: Path, campaign: Campaign) -> None:
    words = vocabulary()
    hongxing = campaign.units[0]
    march = promises(
        tmp_path / "3月.xlsx",
        [
            (None, "硬化村口道路300米", "2022-04-30", "已招标", "正在推进", None),
            (None, "安装路灯20盏", "6月底", "已安装", "兑现", "2022-03-15"),
        ],
    )
    raw = read_kind_table(march, words, PROMISE)
    assert raw.sheet == "民生实事" and raw.header_row == 2
    [(rows, messages)] = check_tables([raw], PROMISE, campaign, words, [dt.date(2022, 3, 20)])
    assert messages == []
    assert rows["落实状态"].tolist() == ["推进中", "已兑现"]  # the kind's own words, read by its synonyms
    store = Store.open(tmp_path / "ledger.sqlite")
    try:
        store.sync_units(campaign.units)
        view = store.view(PROMISE, hongxing.code, "2022-03", rows["编号"].tolist())
        assert check_ledger(PROMISE, hongxing, raw, rows, view, raw.file_name) == []
        with store.transaction():
            assert store.apply(PROMISE, 1, hongxing.code, "2022-03", rows) == (2, 2)  # numbered as problems are
        state = store.state(PROMISE, "2022-03")
        assert state["编号"].tolist() == ["HX-001", "HX-002"]
        as_of = dt.date(2022, 5, 31)  # the road is a month late
        ledger = aggregate.kind_ledger(
            PROMISE,
            state,
            aggregate.flags(state, as_of, 7, PROMISE),
            store.red_months(PROMISE, "2022-05"),
            3,
            "2022-05",
        )
        assert ledger.items[["编号", "灯色", "逾期天数", "督办次数", "督办等级"]].values.tolist() == [
            ["HX-001", Light.RED, 31, 1, "蓝色督办"],
            ["HX-002", Light.GREEN, 0, 0, ""],
        ]
        store.set_flags(PROMISE, "2022-05", aggregate.flag_rows(ledger))
        assert store.red_months(PROMISE, "2022-05") == {"HX-001|HX": ["2022-05"]}
        # a later list that leaves the open promise out is refused by the same rule as a problem list
        june = promises(tmp_path / "6月.xlsx", [("HX-002", "安装路灯20盏", "6月底", "已安装", "已兑现", "2022-03-15")])
        raw = read_kind_table(june, words, PROMISE)
        [(rows, _)] = check_tables([raw], PROMISE, campaign, words, [dt.date(2022, 6, 20)])
        found = check_ledger(PROMISE, hongxing, raw, rows, store.view(PROMISE, hongxing.code, "2022-06"), raw.file_name)
        assert [(m.code, m.params["value"]) for m in found] == [("problem-missing", "HX-001")]
        store.seal(["2022-03", "2022-05"])  # as a run seals what it wrote
        assert store.seal_changes() == []
        with store.transaction() as db:  # an edit past the guard is named with the kind's own words
            db.execute("UPDATE item_versions SET status = '已兑现' WHERE kind = 'promise' AND item_id = 'HX-001'")
        assert [c.params for c in store.seal_changes()] == [
            {"what": "民生实事记录", "key": "HX-001", "month": "2022-03"}
        ]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ((None, "硬化村口道路300米", "2022-04-30", "", "差不多了", None), "status-invalid"),
        ((None, "硬化村口道路300米", "4.3", "", "推进中", None), "date-number"),
        ((None, "硬化村口道路300米", "2022-04-30", "", "已兑现", None), "completed-without-date"),
        ((None, "", "2022-04-30", "", "推进中", None), "cell-required"),
    ],
)
def test_the_kinds_schema_is_built_from_its_declaration(
    tmp_path: Path, campaign: Campaign, row: tuple[object, ...], code: str
) -> None:
    words = vocabulary()
    raw = read_kind_table(promises(tmp_path / "x.xlsx", [row]), words, PROMISE)
    [(_, messages)] = check_tables([raw], PROMISE, campaign, words, [dt.date(2022, 3, 20)])
    assert [m.code for m in messages] == [code]
