"""The sample campaign's assigned matters: the office's list month by month, the units' 交办事项
sheets, and the story the demo tells with them (several units, late finishes, one 移交纪委)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from demo_campaign import run_demo
from demo_campaign.sample import MATTERS, SampleMonth, write_sample_campaign
from pipeline.ingest import read_file, should_skip
from pipeline.kinds import MATTER, MATTER_REGISTER
from pipeline.report import MonthReport
from pipeline.vocab import load_vocabulary


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SampleMonth]]:
    root = tmp_path_factory.mktemp("sample")
    return root, write_sample_campaign(root)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MonthReport]:
    """The demo run up to September (the escalated matter is done then)."""
    out: dict[str, MonthReport] = {}
    for result in run_demo(tmp_path_factory.mktemp("demo") / "ws"):
        assert result.report is not None
        out[result.month] = result.report
        if result.month == "2022-09":
            break
    return out


def test_the_office_list_grows_month_by_month(sample: tuple[Path, list[SampleMonth]]) -> None:
    months = sample[1]
    assert months[0].register is None  # nothing assigned in March
    versions = [m.register for m in months[1:]]
    assert all(v is not None and v.is_file() for v in versions)
    counts = []
    for month in months[1:]:
        assert month.register is not None
        wb = openpyxl.load_workbook(month.register)
        rows = [r for r in wb.active.iter_rows(min_row=4, values_only=True) if r[0]]  # type: ignore[union-attr]
        counts.append(len(rows))
        received = dt.datetime.fromtimestamp(month.register.stat().st_mtime).date()
        assert received <= month.as_of
    assert counts == [2, 3, 5, 5, 5, 5, 5, 5]
    assert len({v for v in versions}) == 4  # April, May, June (a bad row), July (corrected)


def test_units_report_from_the_month_a_matter_is_assigned(sample: tuple[Path, list[SampleMonth]]) -> None:
    vocab = load_vocabulary()
    seen: dict[tuple[str, str], list[str]] = {}
    for month in sample[1]:
        for path in sorted(month.folder.iterdir()):
            if should_skip(path) or path.suffix == ".docx":
                continue
            raw = read_file(path, vocab)
            if "matter" not in raw.extra:
                continue
            for mid in raw.extra["matter"].frame["编号"]:
                seen.setdefault((str(mid), raw.unit_text), []).append(month.month)
    by_id = {m.mid: m for m in MATTERS}
    for (mid, _unit), months in seen.items():
        assigned = by_id[mid].assigned.strftime("%Y-%m")
        assert months[0] >= assigned
    assert {mid for mid, _ in seen} == set(by_id)
    several = [m for m in MATTERS if len(m.units) > 1]
    assert several and all(len({u for mid, u in seen if mid == m.mid}) == len(m.units) for m in several)


def test_the_demo_story_of_the_matters(reports: dict[str, MonthReport]) -> None:
    ledger = reports["2022-09"].ledgers["matter"]
    items = ledger.items.set_index("编号")
    late = [i for i, r in items.iterrows() if r["办理状态"] == "已办结" and r["办结日期"] > r["办理时限"]]
    assert len(late) >= 2  # some finished after their deadline
    multi = items.loc["JB2022-01"]
    assert multi["承办单位"] == "红星村（已办结）、向阳村（已办结）、新华村（已办结）"
    ladder: list[tuple[Any, ...]] = []
    for month in ("2022-06", "2022-07", "2022-08", "2022-09"):
        row = reports[month].ledgers["matter"].items.set_index("编号").loc["JB2022-03"]
        ladder.append((row["灯色"], int(row["督办次数"]), row["移交纪委"]))
    assert ladder == [("红灯", 1, "否"), ("红灯", 2, "否"), ("红灯", 3, "是"), ("绿灯", 3, "否")]
    esc = {m: list(r.ledgers["matter"].escalated["编号"]) for m, r in reports.items() if "matter" in r.ledgers}
    assert esc["2022-08"] == ["JB2022-03"] and esc["2022-09"] == []


def test_the_bad_row_of_june_is_named_and_skipped(reports: dict[str, MonthReport]) -> None:
    june = reports["2022-06"]
    office = june.validation[june.validation["文件名"] == "交办事项.xlsx"]
    assert len(office) == 1 and office.iloc[0]["填报单位"] == "作风整顿办"
    assert "镇文化站" in office.iloc[0]["说明"]
    assert "JB2022-05" not in set(june.ledgers["matter"].items["编号"])
    assert "JB2022-05" in set(reports["2022-07"].ledgers["matter"].items["编号"])
    assert MATTER.register is MATTER_REGISTER


def test_the_demo_months_carry_the_villages_ratings(reports: dict[str, MonthReport]) -> None:
    """办事效率评议 (#19) in the demo: every village and community rates the departments each month
    (a returned file's or a missing file's rating is not counted; 和平村 leaves it out in July);
    the 便民服务中心 improves from March, the 农业服务中心 stays under the threshold."""
    rated = {month: r.rating.rated for month, r in reports.items() if r.rating is not None}
    assert rated == {
        "2022-03": 8,
        "2022-04": 7,
        "2022-05": 6,
        "2022-06": 8,
        "2022-07": 7,
        "2022-08": 8,
        "2022-09": 7,
    }
    july = reports["2022-07"].rating
    assert july is not None
    assert set(july.departments["未返回评议"]) == {"和平村"}
    september = reports["2022-09"].rating
    assert september is not None
    trend = september.trend.set_index("部门")
    assert trend.loc["镇便民服务中心", "2022年3月"] == pytest.approx(1 / 3)
    assert trend.loc["镇便民服务中心", "2022年9月"] == pytest.approx(0.8)
    assert all(rate < 0.8 for rate in trend.loc["镇农业服务中心"].iloc[1:])
    assert list(september.below["部门"]) == ["镇农业服务中心"]
