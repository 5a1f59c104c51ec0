"""The fast paths give what the plain ones give (tools/bench.py measures them; no timed tests here).

- ``Store.view`` with the submission's ids answers every lookup ``check_ledger`` makes exactly as
  the whole-ledger view does;
- ``validate.records`` equals ``to_dict("records")`` and keeps ``None``;
- the month's per-unit documents written by worker processes are the same files, with the same
  contents, as those written in one process;
- a unit's template and a table written through ``TableSheet`` (rows taken at once, plain cells
  written straight out) look and behave as the ones xlsxwriter's own methods write.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from builders_rating_form import rating_campaign, template
from builders_reports import make_report
from conftest import GOOD_ROWS, write_list
from hypothesis import given, settings
from hypothesis import strategies as st
from output_content import workbook_snapshot
from xlsxwriter.worksheet import Worksheet

from pipeline import render, run
from pipeline.config import Workspace
from pipeline.kinds import PROBLEM
from pipeline.outputs import workbooks
from pipeline.storage.ledger import Store
from pipeline.validate import records
from pipeline.vocab import load_vocabulary

HX_IDS = ["HX-001", "HX-002", "HX-003", "HX-004"]


def _march(ws: Path) -> None:
    write_list(ws / "inbox" / "红星村问题清单.xlsx", GOOD_ROWS, received=dt.datetime(2022, 3, 18, 9))
    write_list(
        ws / "inbox" / "东风社区问题清单.xlsx", GOOD_ROWS[:2], unit="东风社区", received=dt.datetime(2022, 3, 19)
    )
    run.monthly(ws, dt.date(2022, 3, 31))


def test_ledger_view_for_the_quoted_ids_answers_as_the_whole_ledger_does(workspace: Path) -> None:
    _march(workspace)
    store = Store.open(workspace / "ledger.sqlite")
    try:
        whole = store.view(PROBLEM, "HX", "2022-04")
        quoted = ["HX-001", "DF-002", "HX-099", "df-001", None, "HX-001"]
        narrow = store.view(PROBLEM, "HX", "2022-04", quoted)
        assert len(whole.owners) == 6  # 4 of 红星村, 2 of 东风社区
        for pid in quoted:
            assert narrow.owners.get(pid) == whole.owners.get(pid)  # type: ignore[arg-type]
        assert narrow.owners == {"HX-001": ("HX",), "DF-002": ("DF",)}
        assert narrow.held == whole.held
        assert narrow.unit_names == whole.unit_names
        assert narrow.new_this_month == whole.new_this_month
        many = [f"HX-{n:03d}" for n in range(1, 1200)]  # more ids than one SQL statement takes
        assert set(store.view(PROBLEM, "HX", "2022-04", many).owners) == set(HX_IDS)
    finally:
        store.close()


def test_an_update_quoting_another_units_id_is_still_returned(workspace: Path) -> None:
    _march(workspace)
    table = [list(r) for r in GOOD_ROWS]
    ids = ["HX-001", "DF-001", "HX-003", "HX-004"]
    write_list(workspace / "inbox" / "红星村4月.xlsx", table, ids=ids, received=dt.datetime(2022, 4, 20))
    result = run.monthly(workspace, dt.date(2022, 4, 30))
    assert [f.outcome for f in result.files] == ["退回"]
    codes = [m.code for m in result.files[0].messages]
    assert "id-foreign" in codes and "problem-missing" in codes


def test_records_equal_to_dict_records_and_keep_none() -> None:
    frame = pd.DataFrame(
        {"a": ["x", None, 3], "b": [dt.date(2022, 4, 1), None, 1.5], "c": [None, None, None]},
        index=[5, 6, 9],
        dtype=object,
    )
    got = records(frame)
    assert got == list(zip([5, 6, 9], frame.to_dict("records"), strict=True))
    assert got[1][1] == {"a": None, "b": None, "c": None}
    assert records(frame.iloc[0:0]) == []


def _contents(folder: Path) -> dict[str, object]:
    """Every output below ``folder`` by relative path: cell values of workbooks, text of documents."""
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            wb = openpyxl.load_workbook(path)
            out[str(path.relative_to(folder))] = [
                (ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets
            ]
        elif path.suffix == ".docx":
            document = docx.Document(str(path))
            texts = [p.text for p in document.paragraphs]
            texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
            out[str(path.relative_to(folder))] = texts
    return out


def test_documents_written_by_workers_are_those_written_in_one_process(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _march(workspace)
    table = [list(r) for r in GOOD_ROWS]
    table[0][5] = "2022-04-10"  # overdue at the end of April: a red item, so a 督办通知单
    write_list(workspace / "inbox" / "红星村4月.xlsx", table, ids=HX_IDS, received=dt.datetime(2022, 4, 20))
    bad = [list(r) for r in GOOD_ROWS[:2]]
    bad[0][0] = "其他问题"
    write_list(
        workspace / "inbox" / "东风社区4月.xlsx",
        bad,
        unit="东风社区",
        ids=["DF-001", "DF-002"],
        received=dt.datetime(2022, 4, 21),
    )
    result = run.monthly(workspace, dt.date(2022, 4, 30))
    assert [f.outcome for f in result.files] == ["通过", "退回"]
    report = result.report
    assert report is not None
    store = Store.open(workspace / "ledger.sqlite")
    try:
        returned = run.returned_files(store, Workspace(workspace), load_vocabulary(), "2022-04")
    finally:
        store.close()
    assert len(returned) == 1
    one = render.render_month(report, workspace / "one" / "2022-04", returned=returned)
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    monkeypatch.setattr(render, "_cpus", lambda: 2)
    timings: dict[str, float] = {}
    many = render.render_month(report, workspace / "many" / "2022-04", returned=returned, timings=timings)
    assert "render:总台账" in timings
    assert [p.relative_to(workspace / "one") for p in one] == [p.relative_to(workspace / "many") for p in many]
    names = {p.name for p in one}
    assert {"红星村.docx", "东风社区_退回修改.xlsx", "镇财政所.xlsx"} <= names
    assert _contents(workspace / "one") == _contents(workspace / "many")


def test_a_worker_that_fails_leaves_no_month_behind(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _march(workspace)
    result = run.monthly(workspace, dt.date(2022, 4, 30))
    assert result.report is not None
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    monkeypatch.setattr(render, "_cpus", lambda: 2)

    def broken(*_args: object, **_kwargs: object) -> Path:
        raise RuntimeError("disk full")

    monkeypatch.setattr(workbooks, "write_unit_template", broken)  # forked workers inherit it
    target = workspace / "again" / "2022-04"
    with pytest.raises(RuntimeError, match="disk full"):
        render.render_month(result.report, target)
    assert not target.exists()
    assert not any(p.name.startswith(".2022-04.tmp") for p in target.parent.iterdir())


def _scan_roster(text: str, units: list[Any]) -> Any:
    """The plain way: every name and alias of the roster tried against the text, longest first,
    the first unit of the roster among names as long."""
    from pipeline.vocab import key

    best = None
    for unit in units:
        for name in unit.names:
            nk = key(name)
            if nk and nk in key(text) and (best is None or len(nk) > best[0]):
                best = (len(nk), unit)
    return best[1] if best else None


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(st.text(alphabet="红星东风合村三八里庄社区一", min_size=1, max_size=5), min_size=1, max_size=12),
    text=st.text(alphabet="红星东风合村三八里庄社区一2月（）.xlsx", max_size=20),
)
def test_the_roster_index_finds_the_unit_the_plain_scan_finds(names: list[str], text: str) -> None:
    from pipeline.config import Unit
    from pipeline.ingest import match_name

    units = [Unit(n, f"U{i}", "村", aliases=(names[(i + 1) % len(names)][:2],)) for i, n in enumerate(names)]
    roster = tuple(units)
    assert match_name(text, roster) is _scan_roster(text, units)
    assert match_name(text, units) is _scan_roster(text, units)  # a list is indexed afresh


class _PlainSheet(workbooks.TableSheet):
    """A sheet written by xlsxwriter's own methods only, one call a cell."""

    _write_rows = Worksheet._write_rows
    _calculate_spans = Worksheet._calculate_spans
    _prepare_formula = Worksheet._prepare_formula

    def write_rows(self, first: int, columns: Any) -> bool:
        return False  # (workbooks.write_rows then writes the cells one by one)


def test_a_template_looks_as_the_one_xlsxwriter_alone_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = make_report()
    campaign = report.campaign
    unit = campaign.unit_by_code("AB")
    assert unit is not None
    problems = report.problems[report.problems["单位编码"] == "AB"].copy()
    problems.loc[problems.index[1], "具体问题"] = '=HYPERLINK("http://x","y") & <b>'
    monthly = rating_campaign()
    matters = pd.DataFrame(
        [["QJB-01", "清理河道沿线乱堆乱放", "2022-06-30", "", "办理中", None]],
        columns=["编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期"],
        dtype=object,
    )

    def write(folder: Path) -> list[Path]:
        return [
            workbooks.write_unit_template(campaign, unit, "2022-05", problems, folder / "AB.xlsx"),
            workbooks.write_unit_template(campaign, unit, "2022-05", None, folder / "AB-blank.xlsx"),
            template(monthly, "青石村", "2022-05", folder / "青石村.xlsx", {"matter": matters}),
        ]

    fast = write(tmp_path / "fast")
    monkeypatch.setattr(workbooks.Book, "worksheet_class", _PlainSheet)
    plain = write(tmp_path / "plain")
    looks = [(workbook_snapshot(a), workbook_snapshot(b)) for a, b in zip(fast, plain, strict=True)]
    for mine, theirs in looks:
        assert mine == theirs
    filled = looks[0][0]["问题清单"]["cells"]
    assert filled["D6"][0] == '=HYPERLINK("http://x","y") & <b>' and filled["D6"][1] == "s"
    assert looks[2][0]["sheets"] == ["问题清单", "交办事项", "办事效率评议", "填表说明", "_zfzz_meta"]


def test_the_table_sheet_writes_each_kind_of_cell_as_xlsxwriter_does(tmp_path: Path) -> None:
    def write(path: Path, sheet_class: type[Worksheet]) -> Path:
        wb = xlsxwriter.Workbook(str(path), workbooks.WORKBOOK_OPTIONS)
        ws = wb.add_worksheet("表", sheet_class)
        bold = wb.add_format({"bold": True, "locked": False})
        day = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
        ws.set_column(3, 3, 20, bold)  # a cell written without a format takes its column's
        ws.set_row(40, 30, day)  # … or its row's
        ws.write_string(0, 0, 'a & <b> "c" _x0041_', bold)
        ws.write_number(0, 2, 3.25, bold)
        ws.write_number(1, 2, 1234567890123, bold)
        ws.write_number(2, 2, -0.1, None)
        ws.write_datetime(3, 1, dt.datetime(2022, 5, 1, 8, 30), day)
        ws.write_boolean(4, 1, True, bold)
        ws.write_formula(5, 1, "=SUM(C1:C3)", bold, 3.25)
        ws.write_string(6, 3, "its column's format")
        ws.write_string(40, 5, "its row's format")
        ws.set_row(20, 40)  # a row with a height and no cells
        workbooks.write_blank_rows(ws, 50, 90, [bold, day, bold])
        ws.write_string(60, 1, "typed into an open row", bold)
        ws.write_string(95, 17, "far to the right, rows later")
        noted = wb.add_worksheet("批注", sheet_class)  # a sheet with comments: xlsxwriter's own way
        noted.write_string(0, 0, "x", bold)
        noted.write_comment(0, 0, "说明")
        noted.write_blank(1, 1, None, day)
        wb.close()
        return path

    mine = workbook_snapshot(write(tmp_path / "mine.xlsx", workbooks.TableSheet))
    theirs = workbook_snapshot(write(tmp_path / "theirs.xlsx", Worksheet))
    assert mine == theirs
    cells = mine["表"]["cells"]
    assert (cells["A1"][0], cells["C2"][0], cells["B5"][0]) == ('a & <b> "c" _x0041_', 1234567890123, True)
    assert cells["B4"][0] == dt.datetime(2022, 5, 1, 8, 30)
    assert cells["D7"][2][0][2] is True  # bold, from the column
    assert cells["A91"][2][2][0] == (None, None) and cells["B91"][2][2][0][0] == "thin"
    assert (cells["B61"][0], cells["B61"][2][0][2], cells["C61"][2][0][2]) == ("typed into an open row", True, True)


def _chart_caches(path: Path) -> list[list[tuple[Any, ...]]]:
    """Each chart's series: the categories and values its cache holds, as openpyxl reads them."""
    out = []
    for ws in openpyxl.load_workbook(path).worksheets:
        for chart in ws._charts:
            for series in chart.series:
                ref = series.cat.strRef or series.cat.numRef
                cache = ref.strCache if series.cat.strRef else ref.numCache
                values = series.val.numRef
                out.append(
                    [
                        ("cat", ref.f, *[(p.idx, p.v) for p in cache.pt]),
                        ("val", values.f, *[(p.idx, p.v) for p in values.numCache.pt]),
                    ]
                )
    return out


def test_a_table_written_at_once_looks_as_the_one_xlsxwriter_alone_writes(tmp_path: Path) -> None:
    n = 40  # rows in three blocks of 16: the <row> spans
    frame = pd.DataFrame(
        {
            "问题编号": [f"HX-{i:03d}" for i in range(n)],
            "具体问题": [["一行字", "两行字\n第二行", "很长的问题描述" * 6, "", None][i % 5] for i in range(n)],
            "灯色": [["红灯", "绿灯", "黄灯", None][i % 4] for i in range(n)],
            "完成时限": [[dt.date(2022, 4, 30), None, dt.datetime(2022, 5, 1, 8, 30)][i % 3] for i in range(n)],
            "完成率": [[0.5, 1.0, math.nan, 0.25][i % 4] for i in range(n)],
            "督办次数": list(range(n)),
            "较上月": pd.Series([[1, 1.5, -0.0, True, "—"][i % 5] for i in range(n)], dtype=object),
            "移交纪委": pd.Series([[True, False, None][i % 3] for i in range(n)], dtype=object),
            "说明": [
                [" 前后有空格 ", 'a & <b> "c" _x0041_', "回车\r在中间", "\t制表符开头", "x"][i % 5] for i in range(n)
            ],
        }
    )
    columns = list(frame.columns)

    def write(path: Path, book: type[xlsxwriter.Workbook]) -> Path:
        wb = book(str(path), workbooks.WORKBOOK_OPTIONS)
        fmt = workbooks._Formats(wb)
        ws = workbooks.write_table(wb, fmt, "问题", frame, columns, title="标题")
        ws.write_number(3, 4, 0.75, fmt.percent)  # a table's cell written over
        ws.write_string(5, len(columns), "表外的一格", fmt.note)  # one beside a table's row
        ws.write_comment(7, 0, "批注")
        ws.write_string(n + 2, 0, "表下的一行说明", fmt.note)
        workbooks.write_table(wb, fmt, "空表", frame.iloc[0:0], columns)
        workbooks.write_table(wb, fmt, "一行", frame.iloc[1:2], columns[:3])
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"categories": ["问题", 1, 0, n, 0], "values": ["问题", 1, 5, n, 5]})
        chart.add_series({"categories": ["问题", 1, 1, n, 1], "values": ["问题", 1, 4, n + 3, 4]})
        ws.insert_chart("M2", chart)
        wb.close()
        return path

    fast = write(tmp_path / "fast.xlsx", workbooks.Book)
    plain = write(tmp_path / "plain.xlsx", xlsxwriter.Workbook)
    mine, theirs = workbook_snapshot(fast), workbook_snapshot(plain)
    assert mine == theirs
    cells = mine["问题"]["cells"]
    assert (cells["A2"][0], cells["B3"][0], cells["D2"][0], cells["E4"][0]) == (
        "HX-000",
        "两行字\n第二行",
        dt.datetime(2022, 4, 30),
        0.75,
    )
    assert (cells["G5"][0], cells["G6"][0], cells["H3"][0], cells["J6"][0]) == ("是", "—", "否", "表外的一格")
    assert [cells[f"I{r}"][0] for r in (2, 3, 5)] == [" 前后有空格 ", 'a & <b> "c" _x0041_', "\t制表符开头"]
    assert mine["问题"]["rows"][3][0] == 2 * workbooks.LINE_HEIGHT + 3  # the two-line row is two lines high
    assert _chart_caches(fast) == _chart_caches(plain)
    assert _chart_caches(fast)[0][0][2:4] == ((0, "HX-000"), (1, "HX-001"))
