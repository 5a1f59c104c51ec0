"""Every shape a village's file comes in, built by real writers and read back: rows, cell
addresses and the unit found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders_ingest import FORMATS, list_grid, two_row_header, write_book
from conftest import GOOD_ROWS, HEADERS

from demo_campaign.sample import Grid
from pipeline.config import Campaign
from pipeline.ingest import identify_unit, read_file, should_skip
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
EXPECTED_FMT = {"xlsx": "xlsx", "xls": "xls", "ods": "ods", "wps": "xlsx", "xlsm": "xlsm"}
ODD_NAME = {"xlsx": "list.xls", "xls": "list.xlsx", "ods": "list.xlsx", "wps": "list.et", "xlsm": "list.xlsx"}


def dated(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """GOOD_ROWS with a real date cell in the first row's 完成时限."""
    first = list(rows[0])
    first[5] = dt.datetime(2022, 5, 31)
    return [tuple(first), *rows[1:]]


@pytest.mark.parametrize("form", FORMATS)
def test_each_format_is_read_by_content_with_cell_addresses(tmp_path: Path, campaign: Campaign, form: str) -> None:
    path = write_book(tmp_path / ODD_NAME[form], [list_grid(dated(GOOD_ROWS))], form)
    raw = read_file(path, VOCAB, "附件2：问题清单（红星村）(1).xlsx")
    assert raw.fmt == EXPECTED_FMT[form]
    assert raw.sheet == "问题清单" and raw.header_row == 4
    assert list(raw.frame.index) == [5, 6, 7, 8]
    assert raw.cell("完成时限", 6) == "H6" and raw.cell("完成状态", 8) == "J8"
    assert raw.frame.at[5, "完成时限"] == dt.date(2022, 5, 31)
    assert raw.frame.at[6, "完成时限"] == "4月底"
    assert raw.frame.at[8, "具体问题"] == GOOD_ROWS[3][1]
    unit, messages = identify_unit(raw, campaign, "附件2：问题清单（红星村）(1).xlsx")
    assert unit is not None and unit.code == "HX" and messages == []


def test_lock_files_beside_a_workbook_are_skipped(tmp_path: Path) -> None:
    book = write_book(tmp_path / "红星村.xlsx", [list_grid()])
    lock = tmp_path / "~$红星村.xlsx"
    lock.write_bytes((b"\x08" + "zhangsan".encode("utf-16-le")).ljust(165, b"\x00"))
    libre = tmp_path / ".~lock.红星村.ods#"
    libre.write_text(",zhangsan,PC,18.03.2022 09:30,file:///", encoding="utf-8")
    temp = tmp_path / "~WRL0001.tmp"
    temp.write_bytes(b"\x00" * 10)
    assert [should_skip(p) for p in (book, lock, libre, temp)] == [False, True, True, True]


@pytest.mark.parametrize("form", ["xlsx", "xls", "ods"])
def test_headers_in_two_merged_rows(tmp_path: Path, campaign: Campaign, form: str) -> None:
    grid = two_row_header(list_grid(GOOD_ROWS))
    raw = read_file(write_book(tmp_path / f"a.{form}", [grid], form), VOCAB)
    assert raw.header_row == 5
    assert raw.columns["完成状态"] == "J" and raw.columns["完成日期"] == "K"
    assert raw.columns["责任领导"] == "F" and raw.columns["责任人"] == "G"
    assert raw.columns["具体问题"] == "D"
    assert list(raw.frame.index) == [6, 7, 8, 9]
    assert raw.frame.at[9, "完成状态"] == "长期坚持"
    assert raw.cell("责任人", 7) == "G7" and raw.frame.at[7, "责任人"] == GOOD_ROWS[1][4]


@pytest.mark.parametrize("form", ["xlsx", "xls", "ods"])
def test_category_merged_down_is_filled_in_every_format(tmp_path: Path, form: str) -> None:
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[2], GOOD_ROWS[3]]
    grid = list_grid(rows)
    for r in (5, 6):  # rows 6 and 7 (Excel) share row 5's category
        grid.cells[r][2] = None
    grid.merges.append((4, 2, 6, 2))
    raw = read_file(write_book(tmp_path / f"a.{form}", [grid], form), VOCAB)
    assert raw.frame["问题类别"].tolist() == [GOOD_ROWS[0][0]] * 3 + [GOOD_ROWS[3][0]]
    assert raw.cell("问题类别", 7) == "C7"


@pytest.mark.parametrize("form", ["xlsx", "xls", "ods"])
def test_trailing_total_note_and_signature_rows_are_dropped(tmp_path: Path, form: str) -> None:
    grid = list_grid(GOOD_ROWS[:3])
    width = len(HEADERS)
    grid.cells += [
        [None] * width,
        ["合计", "共 3 项", *[None] * (width - 2)],
        ["注：本表一式两份。", *[None] * (width - 1)],
        ["审核人：王五", None, None, "填表人：张三", *[None] * (width - 4)],
    ]
    grid.merges.append((9, 0, 9, width - 1))  # the note spans the whole width
    raw = read_file(write_book(tmp_path / f"a.{form}", [grid], form), VOCAB)
    assert list(raw.frame.index) == [5, 6, 7]
    assert [(m.code, m.cell) for m in raw.notices] == [("rows-ignored", "A9")]
    assert "合计" in raw.notices[0].params["value"]


def test_a_note_merged_across_the_table_is_not_a_problem(tmp_path: Path) -> None:
    grid = list_grid(GOOD_ROWS[:2])
    width = len(HEADERS)
    grid.cells.append(["注：完成时限请写到具体日期。", *[None] * (width - 1)])
    grid.merges.append((6, 0, 6, width - 1))
    raw = read_file(write_book(tmp_path / "a.xlsx", [grid]), VOCAB)
    assert list(raw.frame.index) == [5, 6]
    assert raw.notices[0].cell == "A7"


def test_blank_rows_and_extra_columns_are_tolerated(tmp_path: Path) -> None:
    headers = [*HEADERS, "联系电话", "是否整改到位"]
    grid = list_grid(GOOD_ROWS[:3], headers=headers)
    width = len(headers)
    grid.cells.insert(5, [None] * width)  # blank row between problems
    grid.cells.insert(6, [None] * width)
    grid.cells[7][12] = "13800000000"
    raw = read_file(write_book(tmp_path / "a.xlsx", [grid]), VOCAB)
    assert list(raw.frame.index) == [5, 8, 9]
    assert "联系电话" not in raw.frame.columns
    assert raw.cell("具体问题", 8) == "D8"


@pytest.mark.parametrize("form", ["xlsx", "ods"])
def test_instructions_sheet_first_then_the_list(tmp_path: Path, form: str) -> None:
    notes = Grid("填表说明", [["填表说明"], ["表头：序号、问题类别、具体问题、整改措施"], ["问题类别"], ["完成状态"]])
    raw = read_file(write_book(tmp_path / f"a.{form}", [notes, list_grid()], form), VOCAB)
    assert raw.sheet == "问题清单" and len(raw.frame) == 4


def test_example_sheet_loses_a_tie_with_the_list(tmp_path: Path) -> None:
    example = list_grid(GOOD_ROWS[:1], unit="示例村", name="填写示例")
    raw = read_file(write_book(tmp_path / "a.xlsx", [example, list_grid(GOOD_ROWS[:2], name="Sheet1")]), VOCAB)
    assert raw.sheet == "Sheet1" and raw.unit_text == "红星村"


@pytest.mark.parametrize("form", ["xlsx", "xls"])
def test_a_file_whose_only_sheet_is_hidden_is_still_read(tmp_path: Path, form: str) -> None:
    grid = list_grid()
    grid.hidden = True
    blank = Grid("Sheet2", [["空白页"]])
    raw = read_file(write_book(tmp_path / f"a.{form}", [grid, blank], form), VOCAB)
    assert raw.sheet == "问题清单" and len(raw.frame) == 4


def test_a_visible_list_wins_over_a_hidden_copy(tmp_path: Path) -> None:
    old = list_grid(GOOD_ROWS[:1], name="旧表")
    old.hidden = True
    raw = read_file(write_book(tmp_path / "a.xlsx", [old, list_grid(GOOD_ROWS[:3], name="新表")]), VOCAB)
    assert raw.sheet == "新表" and len(raw.frame) == 3


def test_a_column_headed_bianhao_holding_ids_is_the_problem_id(tmp_path: Path) -> None:
    headers = ["序号", "编号", *HEADERS[2:]]
    ids = ["HX-001", "HX-002", " HX－003", None]
    raw = read_file(write_book(tmp_path / "a.xlsx", [list_grid(headers=headers, ids=ids)]), VOCAB)
    assert raw.columns["问题编号"] == "B" and raw.columns["序号"] == "A"
    assert raw.frame["问题编号"].tolist() == ["HX-001", "HX-002", "HX-003", ""]


def test_bianhao_alone_holding_ids_is_the_problem_id(tmp_path: Path) -> None:
    headers = ["编号", "备用", *HEADERS[2:]]
    grid = list_grid(headers=headers, numbers=["HX-001", "HX-002", "HX-003", "HX-004"])
    raw = read_file(write_book(tmp_path / "a.xls", [grid], "xls"), VOCAB)
    assert raw.columns["问题编号"] == "A" and "序号" not in raw.columns
    assert raw.frame.at[7, "问题编号"] == "HX-003"


def test_bianhao_holding_numbers_is_the_sequence(tmp_path: Path) -> None:
    headers = ["编号", "备用", *HEADERS[2:]]
    raw = read_file(write_book(tmp_path / "a.xlsx", [list_grid(headers=headers)]), VOCAB)
    assert raw.columns["序号"] == "A" and "问题编号" not in raw.columns


@pytest.mark.parametrize("form", ["xlsx", "xls", "ods"])
def test_numbers_that_are_text_stay_text(tmp_path: Path, form: str) -> None:
    grid = list_grid(numbers=["0012", "0013", 14, "015"])
    raw = read_file(write_book(tmp_path / f"a.{form}", [grid], form), VOCAB)
    assert raw.frame["序号"].tolist()[:2] == ["0012", "0013"]
    assert raw.frame.at[8, "序号"] == "015"
    assert float(raw.frame.at[7, "序号"]) == 14


@pytest.mark.parametrize("form", ["xlsx", "xls", "ods"])
def test_full_width_spaces_and_line_breaks(tmp_path: Path, form: str) -> None:
    headers = list(HEADERS)
    headers[3] = "具体\u3000问题"
    headers[4] = "整改\n措施"
    headers[7] = "完成时限\n（年月日）"
    headers[9] = " 完成状态 "
    rows = [list(r) for r in GOOD_ROWS[:2]]
    rows[0][7] = "整改\u3000中"
    rows[1][7] = "未启动\n"
    rows[0][0] = "政治纪律不严守、\n决策部署不落实"
    rows[0][1] = "\u3000党史学习教育开展不经常，\n村两委学习记录不全 "
    raw = read_file(write_book(tmp_path / f"a.{form}", [list_grid(rows, headers=headers)], form), VOCAB)
    assert raw.columns["具体问题"] == "D" and raw.columns["整改措施"] == "E" and raw.columns["完成时限"] == "H"
    assert raw.headers["整改措施"] == "整改\n措施"
    assert raw.frame["完成状态"].tolist() == ["整改中", "未启动"]
    assert raw.frame.at[5, "问题类别"] == "政治纪律不严守、决策部署不落实"
    assert raw.frame.at[5, "具体问题"] == "党史学习教育开展不经常，\n村两委学习记录不全"  # free text kept, trimmed


def test_header_block_unit_and_date_below_titles(tmp_path: Path, campaign: Campaign) -> None:
    grid = list_grid(unit="东风社区")
    grid.cells.insert(0, [None] * len(HEADERS))  # an empty first row shifts everything down
    raw = read_file(write_book(tmp_path / "x.xls", [grid], "xls"), VOCAB)
    assert raw.header_row == 5 and raw.unit_text == "东风社区" and raw.filled_text == "2022年3月18日"
    assert list(raw.frame.index) == [6, 7, 8, 9]
    unit, _ = identify_unit(raw, campaign, "x.xls")
    assert unit is not None and unit.code == "DF"


@pytest.mark.parametrize(
    ("file_name", "unit_text", "marker", "expected", "codes"),
    [
        ("附件2：问题清单（东风社区）(1).xlsx", "", None, "DF", []),
        ("附件2：问题清单（东风）.xls", "", None, "DF", []),
        ("问题清单.xlsx", "东风社区", None, "DF", []),
        ("红星村.xlsx", "东风社区", None, "DF", ["unit-conflict"]),
        ("红星村.xlsx", "红星村", "CZ", "CZ", ["unit-conflict"]),
        ("红星村.xlsx", "红星村党支部委员会", None, "HX", []),
        ("红星村.xlsx", "某某单位", None, "HX", ["unit-text-unmatched"]),
        ("list.xlsx", "某某村", None, None, ["unit-unknown"]),
    ],
)
def test_unit_marker_then_header_block_then_file_name(
    tmp_path: Path,
    campaign: Campaign,
    file_name: str,
    unit_text: str,
    marker: str | None,
    expected: str | None,
    codes: list[str],
) -> None:
    grids = [list_grid(unit=unit_text)]
    if marker:
        grids.append(Grid("_zfzz_meta", [["zfzz-template-v1", marker], ["月份", "2022-04"]], hidden=True))
    raw = read_file(write_book(tmp_path / "x.xls", grids, "xls"), VOCAB, file_name)
    unit, messages = identify_unit(raw, campaign, file_name)
    assert (unit.code if unit else None) == expected
    assert [m.code for m in messages] == codes
    if "unit-conflict" in codes:
        assert expected and messages[0].params["unit"] == unit.name  # type: ignore[union-attr]


def test_the_marker_is_read_from_an_ods_too(tmp_path: Path, campaign: Campaign) -> None:
    meta = Grid("_zfzz_meta", [["zfzz-template-v1", "DF"], ["月份", "2022-04"], ["活动", "xx镇2022"]], hidden=True)
    raw = read_file(write_book(tmp_path / "x.ods", [list_grid(unit=""), meta], "ods"), VOCAB)
    assert raw.marker == {"unit_code": "DF", "month": "2022-04", "campaign": "xx镇2022"}
    unit, _ = identify_unit(raw, campaign, "x.ods")
    assert unit is not None and unit.code == "DF"
