"""The sample-campaign generator: deterministic, loadable, and telling the story it promises."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from demo_campaign.sample import SLOGAN_UNIT, SampleMonth, write_sample_campaign
from pipeline import layout
from pipeline.config import Campaign, load_campaign
from pipeline.ingest import read_file, should_skip
from pipeline.model import ProblemStatus
from pipeline.vocab import REQUIRED, load_vocabulary

YEAR = 2022


@dataclass(frozen=True)
class Received:
    path: Path
    code: str
    received: dt.datetime
    filled_on: dt.date
    marker: dict[str, str] | None
    rows: list[dict[str, Any]]  # canonical column -> cell value
    headers: dict[str, str]  # canonical column -> header as written


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SampleMonth]]:
    root = tmp_path_factory.mktemp("sample")
    return root, write_sample_campaign(root)


@pytest.fixture(scope="module")
def campaign(sample: tuple[Path, list[SampleMonth]]) -> Campaign:
    return load_campaign(sample[0] / "campaign.toml")


@pytest.fixture(scope="module")
def files(sample: tuple[Path, list[SampleMonth]], campaign: Campaign) -> dict[str, dict[str, Received]]:
    """month -> unit code -> the unit's file that month (the files the office returns left out)."""
    return {
        m.month: {
            r.code: r
            for r in (
                _read(p, campaign)
                for p in sorted(m.folder.iterdir())
                if not should_skip(p) and p.suffix != ".docx" and p.name not in m.returned
            )
        }
        for m in sample[1]
    }


def _read(path: Path, campaign: Campaign) -> Received:
    """One sample file as the pipeline reads it (.xlsx, .xls, .ods, WPS: the messy variants too)."""
    raw = read_file(path, load_vocabulary())
    unit = next(u for u in campaign.units if u.name == raw.unit_text)
    marker = None
    if raw.marker:
        marker = {
            layout.MARKER_TAG: raw.marker["unit_code"],
            "月份": raw.marker["month"],
            "活动": raw.marker["campaign"],
        }
        assert marker[layout.MARKER_TAG] == unit.code
    filled = re.search(r"(\d+)年(\d+)月(\d+)日", raw.filled_text)
    assert filled, raw.filled_text
    rows = [
        {c: (None if v == "" else v) for c, v in record.items()} | {c: None for c in layout.COLUMNS if c not in record}
        for record in raw.frame.to_dict("records")
    ]
    return Received(
        path=path,
        code=unit.code,
        received=dt.datetime.fromtimestamp(path.stat().st_mtime),
        filled_on=dt.date(*(int(g) for g in filled.groups())),
        marker=marker,
        rows=rows,
        headers=raw.headers,
    )


def _day(value: Any, filled_on: dt.date) -> dt.date | None:
    """The deadline forms the generator writes (None: 长期坚持)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if text in ("长期坚持", "长期", "常态化"):
        return None
    if text in ("立行立改", "即知即改"):
        return filled_on
    fixed = {"上半年": dt.date(YEAR, 6, 30), "年底前": dt.date(YEAR, 12, 31)}
    if text in fixed:
        return fixed[text]
    if m := re.fullmatch(r"(\d{4})[年/.](\d{1,2})[月/.](\d{1,2})日?", text):
        return dt.date(*(int(g) for g in m.groups()))
    if m := re.fullmatch(r"(\d{1,2})月(底前|底|末)", text):
        month = int(m.group(1))
        return dt.date(YEAR, month, calendar.monthrange(YEAR, month)[1])
    if m := re.fullmatch(r"(\d{1,2})月(\d{1,2})日前?", text):
        return dt.date(YEAR, int(m.group(1)), int(m.group(2)))
    raise AssertionError(f"unreadable date {value!r}")


def _cells(root: Path) -> dict[str, tuple[float, list[list[list[Any]]], list[str]]]:
    """Every sample file's cells and merged ranges, whatever its format (lock files: their bytes)."""
    out: dict[str, tuple[float, list[list[list[Any]]], list[str]]] = {}
    for path in sorted((root / "samples").rglob("*")):
        if not path.is_file():
            continue
        if path.name.startswith("~$"):
            out[str(path.relative_to(root))] = (path.stat().st_mtime, [[[path.read_bytes()]]], [])
            continue
        if path.suffix == ".docx":  # a work summary: compare its paragraphs
            paragraphs = [[[p.text for p in Document(str(path)).paragraphs]]]
            out[str(path.relative_to(root))] = (path.stat().st_mtime, paragraphs, [])
            continue
        book = CalamineWorkbook.from_path(str(path))
        sheets = [book.get_sheet_by_name(n) for n in book.sheet_names]
        cells = [s.to_python(skip_empty_area=False) for s in sheets]
        merged = [str(r) for s in sheets for r in (s.merged_cell_ranges or [])]
        out[str(path.relative_to(root))] = (path.stat().st_mtime, cells, merged)
    return out


def test_same_seed_same_files(tmp_path: Path, sample: tuple[Path, list[SampleMonth]]) -> None:
    months = write_sample_campaign(tmp_path)
    assert [m.month for m in months] == [m.month for m in sample[1]]
    assert (tmp_path / "campaign.toml").read_text("utf-8") == (sample[0] / "campaign.toml").read_text("utf-8")
    assert _cells(tmp_path) == _cells(sample[0])


def test_other_seed_other_story(tmp_path: Path, sample: tuple[Path, list[SampleMonth]]) -> None:
    write_sample_campaign(tmp_path, seed=7)
    assert _cells(tmp_path) != _cells(sample[0])


def test_months_and_as_of(sample: tuple[Path, list[SampleMonth]]) -> None:
    months = sample[1]
    assert [m.month for m in months] == [f"2022-{n:02d}" for n in range(3, 12)]
    assert [m.as_of for m in months] == [dt.date(2022, n, calendar.monthrange(2022, n)[1]) for n in range(3, 12)]
    assert all(m.folder == sample[0] / "samples" / m.month for m in months)


def test_campaign_loads(campaign: Campaign) -> None:
    assert (campaign.town, campaign.year, campaign.doc_prefix) == ("xx镇", 2022, "x作整办")
    assert campaign.office == "xx镇干部作风整顿工作领导小组办公室"
    assert campaign.problem_list_due == dt.date(2022, 3, 20)
    assert (campaign.rectification_start, campaign.rectification_end) == (dt.date(2022, 4, 1), dt.date(2022, 10, 20))
    assert campaign.summary_due == dt.date(2022, 11, 18)
    assert (campaign.monthly_due_day, campaign.warning_days, campaign.escalate_after) == (25, 7, 3)
    assert campaign.reply_workdays == 5
    kinds = [u.kind for u in campaign.units]
    assert kinds.count("村") >= 5 and kinds.count("社区") == 2 and kinds.count("部门") == 5
    names = {u.name for u in campaign.units}
    assert {"镇财政所", "镇社会事务办公室", "镇城镇建设办公室", "镇便民服务中心", "镇农业服务中心"} <= names
    assert campaign.unit_by_code("HX") is not None and "红星" in campaign.unit_by_code("HX").aliases  # type: ignore[union-attr]


def test_mtimes_within_month(sample: tuple[Path, list[SampleMonth]]) -> None:
    for month in sample[1]:
        paths = list(month.folder.iterdir())
        assert paths
        for path in paths:
            received = dt.datetime.fromtimestamp(path.stat().st_mtime)
            assert received.strftime("%Y-%m") == month.month, path
            assert received.date() <= month.as_of


def test_some_files_late(files: dict[str, dict[str, Received]], campaign: Campaign) -> None:
    late = [
        (month, code)
        for month, by_unit in files.items()
        for code, f in by_unit.items()
        if f.received.date() > campaign.due_date(month)
    ]
    on_time = sum(len(by_unit) for by_unit in files.values()) - len(late)
    assert 2 <= len(late) < on_time


def test_every_unit_has_a_march_file_and_few_miss_later(
    sample: tuple[Path, list[SampleMonth]], files: dict[str, dict[str, Received]], campaign: Campaign
) -> None:
    codes = {u.code for u in campaign.units}
    assert set(files["2022-03"]) == codes
    returned = sum(len(m.returned) for m in sample[1])  # left out of ``files`` but not missed
    missing = sum(len(codes - set(by_unit)) for by_unit in files.values()) - returned
    assert 1 <= missing <= 4


def test_march_files_are_valid_problem_lists(files: dict[str, dict[str, Received]]) -> None:
    vocab = load_vocabulary()
    categories = set()
    for f in files["2022-03"].values():
        assert f.marker is None
        assert 4 <= len(f.rows) <= 10, f.path
        for row in f.rows:
            assert row["问题编号"] in (None, "")
            assert all(row[c] not in (None, "") for c in REQUIRED), (f.path, row)
            category = vocab.category(str(row["问题类别"]))
            status = vocab.status(str(row["完成状态"]))
            assert category and status, (f.path, row)
            categories.add(category)
            _day(row["完成时限"], f.filled_on)
            assert (status == "已完成") == (row["完成日期"] is not None), (f.path, row)
            assert len(str(row["具体问题"])) >= 10
    assert categories == set(vocab.category_names)


def test_departments_lean_to_their_campaign(files: dict[str, dict[str, Received]]) -> None:
    vocab = load_vocabulary()
    listed = {vocab.category(str(r["问题类别"])) for r in files["2022-03"]["CJB"].rows}
    assert "工程建设领域专项治理" in listed
    listed = {vocab.category(str(r["问题类别"])) for r in files["2022-03"]["SWB"].rows}
    assert "村（居）务公开专项治理" in listed


def test_march_files_vary(files: dict[str, dict[str, Received]]) -> None:
    short_header = [f for f in files["2022-03"].values() if f.headers["问题类别"] == "类别"]
    merged = [
        f
        for f in files["2022-03"].values()
        if f.path.suffix == ".xlsx" and load_workbook(f.path)[layout.SHEET].merged_cells.ranges
    ]
    assert short_header and merged
    kinds = {type(r["完成时限"]) for f in files["2022-03"].values() for r in f.rows}
    assert kinds == {dt.date, str}


def test_some_files_come_in_messy_shapes(files: dict[str, dict[str, Received]], sample: tuple[Path, ...]) -> None:
    paths = [f.path for by_unit in files.values() for f in by_unit.values()]
    assert {".xls", ".ods"} <= {p.suffix for p in paths}
    assert any(p.name.startswith("~$") for p in (sample[0] / "samples" / "2022-03").iterdir())
    assert any(
        "\n" in h or "\u3000" in h for by_unit in files.values() for f in by_unit.values() for h in f.headers.values()
    )


def test_later_files_are_templates_with_ids_in_march_order(files: dict[str, dict[str, Received]]) -> None:
    for month in ("2022-04", "2022-05", "2022-06", "2022-07"):
        for code, f in files[month].items():
            assert f.marker == {layout.MARKER_TAG: code, "月份": month, "活动": "xx镇2022"}
            march = files["2022-03"][code].rows
            ids = [r["问题编号"] for r in f.rows]
            assert ids[: len(march)] == [f"{code}-{n:03d}" for n in range(1, len(march) + 1)]
            for before, now in zip(march, f.rows, strict=False):
                assert before["具体问题"] == now["具体问题"]


def test_new_problems_get_the_next_id(files: dict[str, dict[str, Received]]) -> None:
    months = list(files)
    added = 0
    for i, month in enumerate(months[1:], start=1):
        for code, f in files[month].items():
            for row in f.rows:
                if row["问题编号"] in (None, ""):
                    added += 1
                    later = next(files[m][code] for m in months[i + 1 :] if code in files[m])
                    registered = [r for r in later.rows if r["具体问题"] == row["具体问题"]]
                    number = len(files["2022-03"][code].rows) + 1
                    assert registered and registered[0]["问题编号"] == f"{code}-{number:03d}"
    assert added >= 2


def test_no_open_problem_dropped_and_done_stays_done(files: dict[str, dict[str, Received]]) -> None:
    months = list(files)[1:]
    for code in files["2022-03"]:
        seen: dict[str, str] = {}
        for month in months:
            if code not in files[month]:
                continue
            now = {r["问题编号"]: r for r in files[month][code].rows if r["问题编号"]}
            assert set(seen) <= set(now), (code, month)
            for pid, status in seen.items():
                if status == "已完成":
                    assert now[pid]["完成状态"] == "已完成"
            seen = {pid: str(r["完成状态"]) for pid, r in now.items()}


def test_completion_dates_before_receipt(files: dict[str, dict[str, Received]]) -> None:
    done = 0
    for by_unit in files.values():
        for f in by_unit.values():
            for row in f.rows:
                if row["完成状态"] in ("已完成", "已整改"):
                    done += 1
                    day = _day(row["完成日期"], f.filled_on)
                    assert day is not None and day <= f.received.date(), (f.path, row)
                else:
                    assert row["完成日期"] is None
    assert done > 20


def test_progress_changes_month_to_month(files: dict[str, dict[str, Received]]) -> None:
    """Every unit but the slogan unit (its progress is the same words every month, on purpose)."""
    months = list(files)
    for code in set(files["2022-03"]) - {SLOGAN_UNIT}:
        present = [files[m][code] for m in months[1:] if code in files[m]]
        for before, now in itertools.pairwise(present):
            old = {r["问题编号"]: r for r in before.rows}
            for row in now.rows:
                prev = old.get(row["问题编号"])
                if prev and row["完成状态"] in ProblemStatus.OPEN and prev["完成状态"] in ProblemStatus.OPEN:
                    assert row["整改进展"] != prev["整改进展"], (now.path, row["问题编号"])


def test_items_progress_and_some_are_extended(files: dict[str, dict[str, Received]]) -> None:
    def count(month: str, status: str) -> int:
        return sum(r["完成状态"] == status for f in files[month].values() for r in f.rows)

    assert count("2022-03", "已完成") + count("2022-03", "已整改") < count("2022-07", "已完成")
    assert count("2022-07", "整改中") > 0 and count("2022-07", "长期坚持") > 0
    extended = [r for f in files["2022-07"].values() for r in f.rows if "延期" in str(r["备注"] or "")]
    assert extended


def test_at_least_two_items_overdue_from_may_to_july(
    files: dict[str, dict[str, Received]], sample: tuple[Path, list[SampleMonth]]
) -> None:
    as_of = {m.month: m.as_of for m in sample[1]}
    overdue: dict[str, set[str]] = {}
    for month in ("2022-05", "2022-06", "2022-07"):
        overdue[month] = {
            r["问题编号"]
            for f in files[month].values()
            for r in f.rows
            if r["问题编号"]
            and r["完成状态"] in ProblemStatus.OPEN
            and (d := _day(r["完成时限"], f.filled_on))
            and d < as_of[month]
        }
    stubborn = overdue["2022-05"] & overdue["2022-06"] & overdue["2022-07"]
    assert len(stubborn) >= 2, stubborn


def test_november_brings_work_summaries_some_late_one_missing(
    sample: tuple[Path, list[SampleMonth]], campaign: Campaign
) -> None:
    from docx import Document

    november = sample[1][-1]
    summaries = sorted(november.folder.glob("*.docx"))
    codes = {}
    for path in summaries:
        assert "总结" in path.name
        unit = next(u for u in campaign.units if any(n in path.name for n in u.names))
        codes[unit.code] = dt.datetime.fromtimestamp(path.stat().st_mtime).date()
        assert "工作总结" in Document(str(path)).paragraphs[0].text
    assert set(codes) == {u.code for u in campaign.units} - {"HP"}
    late = {code for code, day in codes.items() if day > campaign.summary_due}
    assert late == {"GM", "CZS"}


def test_the_escalated_items_end_differently(files: dict[str, dict[str, Received]]) -> None:
    def status(month: str, pid: str) -> str:
        code = pid.split("-")[0]
        return next(str(r["完成状态"]) for r in files[month][code].rows if r["问题编号"] == pid)

    stubborn = {"HX": "HX-005", "XY": "XY-009", "CJB": "CJB-005"}  # overdue May-July, 移交纪委 in July
    assert all(status("2022-07", pid) == "整改中" for pid in stubborn.values())
    assert status("2022-08", "HX-005") == "已完成"  # done in August
    assert (status("2022-09", "XY-009"), status("2022-10", "XY-009")) == ("整改中", "已完成")
    assert status("2022-11", "CJB-005") == "整改中"  # never done


def test_returned_files_and_their_resubmissions(sample: tuple[Path, list[SampleMonth]], campaign: Campaign) -> None:
    by_month = {m.month: m for m in sample[1]}
    assert {m.month: len(m.returned) for m in sample[1]} == {
        "2022-03": 0,
        "2022-04": 1,
        "2022-05": 1,
        "2022-06": 0,
        "2022-07": 0,
        "2022-08": 0,
        "2022-09": 0,
        "2022-10": 0,
        "2022-11": 0,
    }
    vocab = load_vocabulary()
    april = _read(by_month["2022-04"].folder / by_month["2022-04"].returned[0], campaign)
    assert any(vocab.category(str(r["问题类别"])) is None for r in april.rows)
    assert any(r["完成时限"] == 4.3 for r in april.rows)
    assert any(r["完成状态"] == "已完成" and r["完成日期"] is None for r in april.rows)
    may = _read(by_month["2022-05"].folder / by_month["2022-05"].returned[0], campaign)
    march_ids = {f"{may.code}-{n:03d}" for n in range(1, len(_read_march(sample, campaign, may.code).rows) + 1)}
    assert march_ids - {r["问题编号"] for r in may.rows}  # an open problem left out
    for bad, nxt in ((april, "2022-05"), (may, "2022-06")):
        assert bad.code not in ("HX", "XY", "CJB")  # the escalation story stays untouched
        resent = [p for p in by_month[nxt].folder.iterdir() if "修改后重报" in p.name]
        assert [_read(p, campaign).code for p in resent] == [bad.code]
    assert april.code != may.code


def _read_march(sample: tuple[Path, list[SampleMonth]], campaign: Campaign, code: str) -> Received:
    march = sample[1][0]
    return next(
        r for r in (_read(p, campaign) for p in sorted(march.folder.iterdir()) if not should_skip(p)) if r.code == code
    )
