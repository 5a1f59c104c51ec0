"""The 办事效率评议 (issue #19) stored, counted and shown, for 青石镇 (not the demo township) with
a third department: a rater's checked rating goes into the sealed ledger (a later accepted file
replaces an earlier one; an edit by hand is named by ``audit verify``), is counted per department
(满意率, reasons, 未返回评议, rank) with its trend, and reaches 总台账's 办事效率评议 sheet and the
circular's section, which names a department below the threshold with its reasons and never a
rating village."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import sqlite3
import tomllib
from contextlib import closing
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from builders_rating import (
    BH,
    BMZX,
    DZB,
    LT,
    QS,
    TY,
    ZFD,
    accept_rating,
    checked_rating,
    rated,
    rating_toml,
    write_rated_town,
)
from builders_reports import make_report
from docx import Document

from pipeline import rating, run
from pipeline.config import parse_campaign
from pipeline.outputs import documents, workbooks
from pipeline.render import TEMPLATES_DIR
from pipeline.storage import seal
from pipeline.storage.ledger import SCHEMA_VERSION, STORED_RATING_COLUMNS, Store

APRIL = "2022-04"
CAMPAIGN = parse_campaign(tomllib.loads(rating_toml()))
RATERS = (QS, LT, TY, BH)


def _april(store: Store, root: Path) -> None:
    """April's ratings: 青石村 and 柳塘村 find the 执法队 wanting, 桃源村 leaves the 便民服务中心 out,
    滨河社区 returns none."""
    accept_rating(
        store,
        root,
        QS,
        APRIL,
        APRIL,
        checked_rating(
            rated(DZB, "满意", matter="开具证明"),
            rated(ZFD, "不满意", "人难找、事难办", "办理占道审批三次找不到经办人", "占道审批"),
            rated(BMZX, "基本满意", matter="社保认证"),
        ),
    )
    accept_rating(
        store,
        root,
        LT,
        APRIL,
        APRIL,
        checked_rating(
            rated(DZB, "满意"),
            rated(ZFD, "不满意", "人难找", "反映河道垃圾无人回应", "河道巡查"),
            rated(BMZX, "未办理事项"),
        ),
    )
    accept_rating(store, root, TY, APRIL, APRIL, checked_rating(rated(DZB, "基本满意"), rated(ZFD, "满意")))


@pytest.fixture
def april(tmp_path: Path) -> Path:
    root = write_rated_town(tmp_path / "青石镇")
    store = Store.open(root / "ledger.sqlite")
    try:
        store.sync_units(CAMPAIGN.units)
        _april(store, root)
        store.seal([APRIL])
    finally:
        store.close()
    return root


def _counts(root: Path, period: str = APRIL) -> pd.DataFrame:
    store = Store.open(root / "ledger.sqlite")
    try:
        return rating.count(CAMPAIGN, period, store.ratings()).set_index("部门")
    finally:
        store.close()


# --- storage ---------------------------------------------------------------------------------------


def test_a_rating_is_stored_row_by_row_with_the_file_it_came_from(april: Path) -> None:
    store = Store.open(april / "ledger.sqlite")
    try:
        stored = store.ratings(APRIL)
        seqs = {r.unit_code: r.seq for r in store.audit_records(APRIL)}
    finally:
        store.close()
    qs = stored[stored["评议单位"] == "QS"].set_index("部门")
    assert list(qs.index) == ["BMZX", "DZB", "ZFD"]
    assert qs.loc["ZFD"].to_dict() == {
        "评议期": APRIL,
        "评议单位": "QS",
        "评议等次": "不满意",
        "办理事项": "占道审批",
        "不满意原因": "人难找、事难办",
        "具体情况": "办理占道审批三次找不到经办人",
        "行": 5,
        "月份": APRIL,
        "审计序号": seqs["QS"],
    }
    assert len(stored) == 8  # 3 + 3 + 2; 滨河社区 none


def test_a_later_accepted_file_replaces_the_raters_rating(april: Path) -> None:
    store = Store.open(april / "ledger.sqlite")
    try:
        later = accept_rating(
            store,
            april,
            LT,
            APRIL,
            APRIL,
            checked_rating(rated(DZB, "满意"), rated(ZFD, "基本满意"), rated(BMZX, "满意")),
            version=2,
        )
        accept_rating(store, april, TY, APRIL, APRIL, None, version=2)  # its later file has no rating sheet
        store.seal([APRIL])
        lt = store.ratings(APRIL).query("评议单位 == 'LT'")
    finally:
        store.close()
    assert lt.set_index("部门")["评议等次"].to_dict() == {"BMZX": "满意", "DZB": "满意", "ZFD": "基本满意"}
    assert set(lt["审计序号"]) == {later}
    counts = _counts(april)
    assert counts.loc["镇综合行政执法队", ["满意", "基本满意", "不满意", "人难找", "事难办"]].tolist() == [
        0,
        1,
        1,
        1,
        1,
    ]
    assert counts.loc["镇综合行政执法队", "满意率"] == 0.5
    assert counts.loc["镇综合行政执法队", "未返回评议"] == "桃源村、滨河社区"
    assert run.audit_verify(april) == []


def test_ratings_are_guarded_like_the_items(april: Path) -> None:
    with closing(sqlite3.connect(april / "ledger.sqlite")) as db:
        with pytest.raises(sqlite3.OperationalError, match=seal.GUARD):
            db.execute("UPDATE ratings SET level = '满意' WHERE rater = 'QS' AND department = 'ZFD'")
        with pytest.raises(sqlite3.OperationalError, match=seal.GUARD):
            db.execute("DELETE FROM ratings WHERE rater = 'LT'")


def test_audit_verify_names_a_rating_row_edited_by_hand(april: Path) -> None:
    with closing(sqlite3.connect(april / "ledger.sqlite")) as db, db:
        db.create_function(seal.GUARD, 0, lambda: 1)  # past the guard, as someone determined would
        db.execute("UPDATE ratings SET level = '满意', reasons = '' WHERE rater = 'QS' AND department = 'ZFD'")
    findings = run.audit_verify(april)
    assert [(f.kind, f.detail) for f in findings] == [
        (
            "台账被改动",
            "台账中办事效率评议记录 2022-04（QS 评 ZFD）（2022-04）被直接改动过，与封存的校验值不符",
        )
    ]


def test_a_v6_ledger_is_migrated_with_an_empty_sealed_ratings_table(tmp_path: Path) -> None:
    root = write_rated_town(tmp_path / "青石镇")
    path = root / "ledger.sqlite"
    store = Store.open(path)
    try:
        store.sync_units(CAMPAIGN.units)
        store.record_run("2022-03", dt.date(2022, 3, 31), "2022-03-31T18:00:00")
        store.seal(["2022-03"])
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as db, db:  # the ledger as schema v6 left it: no ratings table
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ratings'"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DROP TABLE ratings")
        db.execute("PRAGMA user_version = 6")
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        assert store.ratings().empty
        guards = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'ratings'")}
        assert {"ratings_guard_insert", "ratings_guard_update", "ratings_guard_delete"} <= guards
        assert store.seal_changes() == []  # the seal of March holds as it was
        accept_rating(store, root, QS, APRIL, APRIL, checked_rating(rated(DZB, "满意")))
        store.seal([APRIL])
        assert store.ratings(APRIL)["评议等次"].tolist() == ["满意"]
    finally:
        store.close()
    assert run.audit_verify(root) == []


# --- counting --------------------------------------------------------------------------------------


def test_the_period_is_counted_per_department_in_roster_order(april: Path) -> None:
    counts = _counts(april)
    assert list(counts.index) == ["镇党政综合办公室", "镇综合行政执法队", "镇便民服务中心"]
    levels = ["应评单位数", "已评单位数", "满意", "基本满意", "不满意", "未办理事项"]
    assert counts[levels].to_dict("index") == {
        "镇党政综合办公室": dict(zip(levels, [4, 3, 2, 1, 0, 0], strict=True)),
        "镇综合行政执法队": dict(zip(levels, [4, 3, 1, 0, 2, 0], strict=True)),
        "镇便民服务中心": dict(zip(levels, [4, 2, 0, 1, 0, 1], strict=True)),
    }
    assert counts["满意率"].tolist() == [1.0, pytest.approx(1 / 3), 1.0]
    assert counts.loc["镇综合行政执法队", ["人难找", "门难进", "事难办", "来回跑", "其他"]].tolist() == [2, 0, 1, 0, 0]
    assert counts["未返回评议"].tolist() == ["滨河社区", "滨河社区", "桃源村、滨河社区"]
    assert counts["排名"].tolist() == [1, 3, 1]


def test_a_department_nobody_rated_has_no_rate_and_no_rank(april: Path) -> None:
    store = Store.open(april / "ledger.sqlite")
    try:
        accept_rating(
            store, april, QS, "2022-05", "2022-05", checked_rating(rated(DZB, "未办理事项"), rated(ZFD, "满意"))
        )
        ratings = store.ratings()
    finally:
        store.close()
    may = rating.count(CAMPAIGN, "2022-05", ratings).set_index("部门")
    assert math.isnan(may.loc["镇党政综合办公室", "满意率"])
    assert may["排名"].tolist() == [None, 1, None]
    assert may.loc["镇党政综合办公室", "未返回评议"] == "柳塘村、桃源村、滨河社区"
    trend = rating.trend(CAMPAIGN, "2022-05", ratings).set_index("部门")
    assert list(trend.columns) == ["部门编码", "2022年4月", "2022年5月"]
    assert trend.loc["镇综合行政执法队", ["2022年4月", "2022年5月"]].tolist() == [pytest.approx(1 / 3), 1.0]
    assert math.isnan(trend.loc["镇党政综合办公室", "2022年5月"])
    # April's trend stops at April
    assert list(rating.trend(CAMPAIGN, APRIL, ratings).columns) == ["部门编码", "部门", "2022年4月"]


def test_a_quarterly_rating_is_counted_only_in_the_quarters_last_month() -> None:
    quarterly = parse_campaign(tomllib.loads(rating_toml(period="季度")))
    frame = pd.DataFrame(
        [("2022Q2", "QS", "ZFD", "不满意", "", "来回跑、其他", "", 4, "2022-06", 1)],
        columns=list(STORED_RATING_COLUMNS),
    )
    assert rating.rating_report(quarterly, "2022-05", frame) is None
    june = rating.rating_report(quarterly, "2022-06", frame)
    assert june is not None
    assert (june.period, june.label, june.raters, june.rated) == ("2022Q2", "2022年第二季度", 4, 1)
    zfd = june.departments.set_index("部门编码").loc["ZFD"]
    assert (zfd["满意率"], zfd["来回跑"], zfd["其他"]) == (0.0, 1, 1)


# --- outputs ---------------------------------------------------------------------------------------


def _section(path: Path) -> list[str]:
    """The circular's 办事效率评议 section: its heading and paragraphs up to the next heading."""
    texts = [p.text for p in Document(str(path)).paragraphs]
    start = next(i for i, t in enumerate(texts) if t.endswith("、办事效率评议情况"))
    end = next(i for i, t in enumerate(texts) if t.endswith("、下步工作要求"))
    return texts[start:end]


def test_a_month_with_ratings_shows_them_in_the_ledger_and_the_circular(april: Path) -> None:
    result = run.monthly(april, dt.date(2022, 4, 30))
    out = result.month_dir
    wb = openpyxl.load_workbook(out / "总台账.xlsx")
    ws = wb["办事效率评议"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows[0][: len(rows[0])]
    assert header[:9] == [
        "部门",
        "应评单位数",
        "已评单位数",
        "满意",
        "基本满意",
        "不满意",
        "未办理事项",
        "满意率",
        "人难找",
    ]
    assert header[-2:] == ["未返回评议", "排名"]
    zfd = dict(zip(header, rows[2], strict=True))
    assert zfd["部门"] == "镇综合行政执法队"
    assert (zfd["不满意"], zfd["人难找"], zfd["事难办"], zfd["未返回评议"], zfd["排名"]) == (2, 2, 1, "滨河社区", 3)
    assert zfd["满意率"] == pytest.approx(1 / 3)
    assert ws.cell(3, header.index("满意率") + 1).number_format == "0.0%"
    assert rows[5][:2] == ["各部门满意率走势（截至2022年4月）", None]
    assert rows[6][:2] == ["部门", "2022年4月"]
    assert [r[:2] for r in rows[7:10]] == [
        ["镇党政综合办公室", 1],
        ["镇综合行政执法队", pytest.approx(1 / 3)],
        ["镇便民服务中心", 1],
    ]
    (chart,) = ws._charts  # a native bar chart of April's 满意率 (the trend's last column)
    assert chart.type == "bar"
    assert chart.series[0].val.numRef.f == "办事效率评议!$B$8:$B$10"
    assert chart.series[0].cat.strRef.f == "办事效率评议!$A$8:$A$10"
    assert "办事效率评议" in wb.sheetnames[wb.sheetnames.index("校验结果") :]

    section = _section(out / "通报.docx")
    assert section[0] == "五、办事效率评议情况"
    assert section[1] == (
        "（一）评议总体情况。2022年4月，镇干部作风整顿办组织各村（社区）对镇属3个部门的办事效率进行了评议，"
        "应参评村（社区）4个，返回评议3个，未返回1个。各部门满意率（满意和基本满意占参评数的比例）分别为："
        "镇党政综合办公室100.0%，镇便民服务中心100.0%，镇综合行政执法队33.3%。"
    )
    assert section[2] == (
        "（二）亮相揭丑。满意率低于80%的部门予以亮相揭丑：镇综合行政执法队满意率33.3%，收到不满意评价2个，"
        "反映问题为人难找2次、事难办1次。请上述部门对照反映的问题认真查找原因，切实改进工作作风，提高办事效率。"
    )
    text = "".join(section)
    assert [m.name for m in RATERS if m.name in text] == []  # no rating village is named
    assert "占道审批" not in text and "找不到经办人" not in text  # nor a case that would tell who rated


def _written(tmp_path: Path, campaign_text: str, month: str, ratings: pd.DataFrame) -> tuple[Path, Path]:
    """The circular and the ledger of a month of the township, its rating counted from ``ratings``."""
    campaign = parse_campaign(tomllib.loads(campaign_text))
    report = dataclasses.replace(
        make_report(), campaign=campaign, month=month, rating=rating.rating_report(campaign, month, ratings)
    )
    circular = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES_DIR)
    ledger = workbooks.write_ledger(report, tmp_path / "总台账.xlsx")
    return circular, ledger


def test_no_department_is_named_when_all_are_above_the_threshold(april: Path, tmp_path: Path) -> None:
    store = Store.open(april / "ledger.sqlite")
    try:
        ratings = store.ratings()
    finally:
        store.close()
    circular, _ = _written(tmp_path, rating_toml(threshold=30), APRIL, ratings)
    section = _section(circular)
    assert section[2] == "（二）亮相揭丑。本期各部门满意率均不低于30%。"


def test_a_month_without_a_rating_period_has_no_section_and_no_sheet(april: Path, tmp_path: Path) -> None:
    store = Store.open(april / "ledger.sqlite")
    try:
        ratings = store.ratings()
    finally:
        store.close()
    quarterly = rating_toml(period="季度")
    (tmp_path / "may").mkdir()
    circular, ledger = _written(tmp_path / "may", quarterly, "2022-05", ratings)
    texts = [p.text for p in Document(str(circular)).paragraphs]
    assert [t for t in texts if "办事效率评议" in t] == []
    assert "五、下步工作要求" in texts
    assert "办事效率评议" not in openpyxl.load_workbook(ledger).sheetnames
    (tmp_path / "june").mkdir()
    june = ratings.assign(评议期="2022Q2")
    circular, ledger = _written(tmp_path / "june", quarterly, "2022-06", june)
    assert _section(circular)[0] == "五、办事效率评议情况"
    assert "六、下步工作要求" in [p.text for p in Document(str(circular)).paragraphs]
    assert "办事效率评议" in openpyxl.load_workbook(ledger).sheetnames
