"""The 办事效率评议 (issue #19) in the leaders' reports, for 青石镇 with a third department (not the
demo township): the half-year report's section (its sentences, the department under the threshold
named with its reasons, its two tables), 汇总.xlsx's sheet with a native line chart, no section
without ``[rating]``, and the assessment's ``rating`` weight: exact scores, the unrated department
credited whole, villages unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from builders_rating import (
    BH,
    BMZX,
    DZB,
    LT,
    QS,
    RATED_TOWN,
    TY,
    ZFD,
    accept_rating,
    checked_rating,
    rated,
    rating_toml,
)
from builders_summary import VOCAB, accepted, history, listed, report_document, section
from docx import Document

from pipeline import summary
from pipeline.config import Assessment, Campaign, parse_assessment, parse_campaign
from pipeline.errors import ConfigError
from pipeline.outputs.reports import render_summary
from pipeline.storage.ledger import Store
from pipeline.summary import SummaryData

APRIL, MAY = "2022-04", "2022-05"
RATED = parse_campaign(tomllib.loads(rating_toml()))


def _ratings(root: Path) -> pd.DataFrame:
    """April and May rated: the 执法队 under 80% over both (57.1%), the 党政办 falling from 100% to
    75%, the 便民服务中心 content; 滨河社区 returns no rating in April."""
    root.mkdir(parents=True, exist_ok=True)
    with closing(Store.open(root / "ledger.sqlite")) as store:
        april = {
            QS: (
                rated(DZB, "满意"),
                rated(ZFD, "不满意", "人难找、事难办", "办理占道审批三次找不到经办人"),
                rated(BMZX, "基本满意"),
            ),
            LT: (rated(DZB, "满意"), rated(ZFD, "不满意", "人难找", "反映河道垃圾无人回应"), rated(BMZX, "未办理事项")),
            TY: (rated(DZB, "基本满意"), rated(ZFD, "满意")),
        }
        may = {
            QS: (rated(DZB, "满意"), rated(ZFD, "不满意", "来回跑", "一件事跑了四趟"), rated(BMZX, "满意")),
            LT: (rated(DZB, "不满意", "门难进", "办公室常锁门"), rated(ZFD, "满意"), rated(BMZX, "满意")),
            TY: (rated(DZB, "满意"), rated(ZFD, "满意"), rated(BMZX, "满意")),
            BH: (rated(DZB, "满意"), rated(ZFD, "基本满意"), rated(BMZX, "未办理事项")),
        }
        for month, sheets in ((APRIL, april), (MAY, may)):
            for rater, rows in sheets.items():
                accept_rating(store, root, rater, month, month, checked_rating(*rows))
        return store.ratings()


def _data(campaign: Campaign, ratings: pd.DataFrame | None) -> SummaryData:
    """The half-year figures of April and May: every unit's one problem done, every file on time."""
    hist = []
    for month in (APRIL, MAY):
        rows = [row for unit in RATED_TOWN for row in listed(unit, 1, 1)]
        records = [
            accepted(unit, month, dt.datetime.fromisoformat(f"{month}-10T09:00:00"), n)
            for n, unit in enumerate(RATED_TOWN, start=1)
        ]
        hist.append(history(month, rows, records))
    return summary.build(campaign, VOCAB, "half", hist[-1].as_of, hist, ratings=ratings)


@pytest.fixture(scope="module")
def ratings(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return _ratings(tmp_path_factory.mktemp("ledger"))


@pytest.fixture(scope="module")
def rendered(ratings: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The half-year report and its workbook, with the rating."""
    folder = tmp_path_factory.mktemp("report")
    report, workbook = render_summary(_data(RATED, ratings), folder, fonts=())
    return Document(str(report)), workbook


def _paragraphs_after(doc: Any, heading: str, n: int) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    at = next(i for i, t in enumerate(texts) if t.endswith(heading) and t[1:2] == "、")
    return texts[at + 1 : at + 1 + n]


def _table(doc: Any, header: list[str]) -> list[list[str]]:
    for t in doc.tables:
        cells = [c.text.replace("\n", "") for c in t.rows[0].cells]
        if cells == header:
            return [[c.text for c in r.cells] for r in t.rows[1:]]
    raise AssertionError(header)


def test_the_report_section_says_the_counts_the_rates_and_names_the_department_under_the_threshold(
    rendered: tuple[Any, Path],
) -> None:
    doc, _ = rendered
    assert _paragraphs_after(doc, "办事效率评议", 3) == [
        "4月至5月，镇干部作风整顿办组织各村（社区）对镇属3个部门的办事效率开展评议2期，应参评村（社区）4个，"
        "各期未返回评议表合计1个次。共收到评议18个（不含未办理事项），其中满意11个、基本满意3个、不满意4个，"
        "总体满意率77.8%。",
        "各部门期内满意率（满意和基本满意占参评数的比例）分别为：镇便民服务中心100.0%（4月为100.0%，5月为100.0%），"
        "镇党政综合办公室85.7%（4月为100.0%，5月为75.0%），镇综合行政执法队57.1%（4月为33.3%，5月为75.0%）。",
        "期内满意率低于80%的部门：镇综合行政执法队满意率57.1%，收到不满意评价3个，反映问题为人难找2次、事难办1次、"
        "来回跑1次。请上述部门对照反映的问题认真查找原因，切实改进工作作风，提高办事效率。"
        "期内不满意原因合计：人难找2次、门难进1次、事难办1次、来回跑1次。",
    ]
    # no rating village is named in the section
    assert not any(u.name in t for t in _paragraphs_after(doc, "办事效率评议", 3) for u in (QS, LT, TY, BH))


def test_the_report_tables_per_period_and_ranked(rendered: tuple[Any, Path]) -> None:
    doc, _ = rendered
    assert _table(doc, ["部门", "4月", "5月", "全期"]) == [  # 满意率 (%), as the caption says
        ["镇党政综合办公室", "100", "75", "85.7"],
        ["镇综合行政执法队", "33", "75", "57.1"],
        ["镇便民服务中心", "100", "100", "100.0"],
    ]
    assert "表5　各部门逐期满意率（%）" in [p.text for p in doc.paragraphs]
    header = ["排名", "部门", "满意", "基本满意", "不满意", "未办理事项", "全期满意率", "人难找", "门难进", "事难办"]
    rows = _table(doc, [*header, "来回跑", "其他"])
    assert rows == [
        ["1", "镇便民服务中心", "3", "1", "0", "2", "100.0%", "0", "0", "0", "0", "0"],
        ["2", "镇党政综合办公室", "5", "1", "1", "0", "85.7%", "0", "1", "0", "0", "0"],
        ["3", "镇综合行政执法队", "3", "1", "3", "0", "57.1%", "2", "0", "1", "1", "0"],
    ]
    # without a Chinese font the chart is not drawn, and the report says where its figures are
    assert "（图5　各部门办事效率评议满意率：未绘制，数据见表5。）" in [p.text for p in doc.paragraphs]


def test_the_workbook_sheet_and_its_native_line_chart(rendered: tuple[Any, Path]) -> None:
    _, workbook = rendered
    ws = openpyxl.load_workbook(workbook)["办事效率评议"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=4, max_col=7)]
    assert values == [
        ["排名", "部门", "4月", "5月", "全期满意率", "满意", "基本满意"],
        [2, "镇党政综合办公室", 1.0, 0.75, 6 / 7, 5, 1],
        [3, "镇综合行政执法队", 1 / 3, 0.75, 4 / 7, 3, 1],
        [1, "镇便民服务中心", 1.0, 1.0, 1.0, 3, 1],
    ]
    assert ws["C2"].number_format == "0.0%"
    with zipfile.ZipFile(workbook) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    line = [c for c in charts if "<c:lineChart>" in c and "办事效率评议!" in c]
    assert len(line) == 1
    assert re.findall(r"<c:f>([^<]*)</c:f>", line[0])[:3] == [
        "办事效率评议!$B$2",
        "办事效率评议!$C$1:$D$1",
        "办事效率评议!$C$2:$D$2",
    ]


def test_no_section_and_no_sheet_without_rating(ratings: pd.DataFrame, tmp_path: Path) -> None:
    plain = dataclasses.replace(RATED, rating=None)
    data = _data(plain, ratings)
    assert data.rating is None
    report, workbook = render_summary(data, tmp_path, fonts=())
    texts = [p.text for p in Document(str(report)).paragraphs]
    assert not any("办事效率评议" in t or "满意率" in t for t in texts)
    assert "办事效率评议" not in openpyxl.load_workbook(workbook).sheetnames


def _scores(data: SummaryData) -> dict[str, float]:
    return dict(zip(data.assessment["单位编码"], data.assessment["得分"], strict=True))


def test_the_rating_weight_adds_each_departments_rate_and_leaves_villages_alone(ratings: pd.DataFrame) -> None:
    weighted = dataclasses.replace(RATED, assessment=Assessment(rating=10))
    data = _data(weighted, ratings)
    assert _scores(data) == {
        "BMZX": 110.0,
        "DZB": 108.6,
        "ZFD": 105.7,
        "QS": 100.0,
        "LT": 100.0,
        "TY": 100.0,
        "BH": 100.0,
    }
    assert list(data.assessment["单位编码"][:3]) == ["BMZX", "DZB", "ZFD"]
    liked = dict(zip(data.assessment["单位编码"], data.assessment["满意率"], strict=True))
    assert liked["ZFD"] == pytest.approx(4 / 7)
    assert pd.isna(liked["QS"])


def test_without_the_weight_scores_are_unchanged(ratings: pd.DataFrame) -> None:
    data = _data(RATED, ratings)
    assert set(_scores(data).values()) == {100.0}
    assert "满意率" not in data.assessment.columns


def test_a_department_nobody_rated_gets_the_weight_whole(tmp_path: Path) -> None:
    with closing(Store.open(tmp_path / "ledger.sqlite")) as store:
        rows = (rated(DZB, "不满意", "其他", "材料丢失"), rated(ZFD, "满意"), rated(BMZX, "未办理事项"))
        accept_rating(store, tmp_path, QS, MAY, MAY, checked_rating(*rows))
        ratings = store.ratings()
    data = _data(dataclasses.replace(RATED, assessment=Assessment(rating=20)), ratings)
    scores = _scores(data)
    assert (scores["DZB"], scores["ZFD"], scores["BMZX"], scores["QS"]) == (100.0, 120.0, 120.0, 100.0)


def test_the_year_reports_formula_note_names_the_weight_and_the_rule(ratings: pd.DataFrame, tmp_path: Path) -> None:
    hist = [history(m, [r for u in RATED_TOWN for r in listed(u, 1, 1)]) for m in (APRIL, MAY)]
    weighted = dataclasses.replace(RATED, assessment=Assessment(rating=10))
    data = summary.build(weighted, VOCAB, "year", hist[-1].as_of, hist, ratings=ratings)
    doc = report_document(data, tmp_path)
    note = next(p.text for p in doc.paragraphs if p.text.startswith("说明：得分"))
    assert note == (
        "说明：得分 = 按时报送率 × 40 + 期末完成率 × 60 − 逾期督办次数 × 2 − 移交纪委问题数 × 5 − 退回文件数 × 1"
        " + 满意率 × 10（部门），最低 0 分。按时报送率为2个月中按时报送的月数占比；期末完成率为已完成 ÷（问题数 − 长期坚持），"
        "没有需完成问题的按 100% 计；逾期督办次数为各问题亮红灯的月数之和。满意率为部门期内各期办事效率评议中满意和基本满意"
        "占参评数的比例，只计部门；期内没有村（社区）评议的部门按 100% 计，村（社区）不计此项。"
        "工作总结于2022年11月18日截止报送，截止日之后计分。"
    )
    assert section(doc, "单位考核") == (
        "按照“纳入2022年度重点工作考核内容，严格考核、逗硬奖惩”的要求，根据按时报送、整改完成、逾期督办、移交纪委、"
        "退回修改、部门办事效率评议情况对各单位计分，得分最高的是镇便民服务中心（70.0分）。"
    )


def test_the_rating_weight_is_read_from_campaign_toml_and_checked() -> None:
    assert parse_assessment({"rating": 15}).rating == 15.0
    assert Assessment().rating == 0.0
    with pytest.raises(ConfigError) as err:
        parse_assessment({"rating": 120})
    assert "部门办事效率评议满意率满分应为 0 到 100 之间的数" in str(err.value)


def test_a_range_nobody_rated_says_so_and_names_no_department(ratings: pd.DataFrame, tmp_path: Path) -> None:
    doc = report_document(_data(RATED, ratings.iloc[0:0]), tmp_path)
    assert _paragraphs_after(doc, "办事效率评议", 2) == [
        "4月至5月，镇干部作风整顿办组织各村（社区）对镇属3个部门的办事效率开展评议2期，应参评村（社区）4个，"
        "各期未返回评议表合计8个次。期内各部门均未收到评议。",
        "（图5　各部门办事效率评议满意率：未绘制，数据见表5。）",
    ]
