"""Reading received files: the table, the cell addresses, the unit, and the refusals."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwt
from conftest import GOOD_ROWS, HEADERS, write_list

from pipeline.config import Campaign
from pipeline.errors import FileRefused
from pipeline.ingest import identify_unit, read_file, should_skip
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()


def test_template_layout_rows_and_addresses(tmp_path: Path) -> None:
    raw = read_file(write_list(tmp_path / "附件2：问题清单（红星村）.xlsx", GOOD_ROWS), VOCAB)
    assert raw.sheet == "问题清单"
    assert raw.header_row == 4
    assert list(raw.frame.index) == [5, 6, 7, 8]
    assert raw.columns["问题类别"] == "C"
    assert raw.cell("完成时限", 7) == "H7"
    assert raw.frame.at[6, "完成时限"] == "4月底"
    assert raw.unit_text == "红星村"
    assert raw.filled_text == "2022年3月18日"


def test_synonym_headers_and_extra_columns(tmp_path: Path) -> None:
    headers = [
        "编号",
        "问题编号",
        "类别",
        "问题表现",
        "整改举措",
        "分管领导",
        "具体责任人",
        "整改时限",
        "进展情况",
        "整改状态",
        "销号时间",
        "备注",
    ]
    raw = read_file(write_list(tmp_path / "a.xlsx", GOOD_ROWS, headers=[*headers, "联系电话"]), VOCAB)
    assert raw.columns["问题类别"] == "C"
    assert raw.columns["序号"] == "A"
    assert raw.frame.at[5, "具体问题"].startswith("党史学习教育")


def test_trailing_rows_are_dropped_with_a_notice(tmp_path: Path) -> None:
    raw = read_file(write_list(tmp_path / "a.xlsx", GOOD_ROWS[:2], footer=["审核人：王五", "注：本表一式两份"]), VOCAB)
    assert len(raw.frame) == 2
    assert [m.code for m in raw.notices] == ["rows-ignored"]
    assert raw.notices[0].cell == "A8"


def test_category_merged_down_is_filled(tmp_path: Path) -> None:
    path = write_list(tmp_path / "a.xlsx", [GOOD_ROWS[0], (None, *GOOD_ROWS[1][1:]), (None, *GOOD_ROWS[2][1:])])
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("C5:C7")  # type: ignore[union-attr]
    wb.save(path)
    raw = read_file(path, VOCAB)
    assert raw.frame["问题类别"].tolist() == [GOOD_ROWS[0][0]] * 3


def test_real_xls_from_an_old_excel(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write(0, 0, "填报单位（盖章）：东风社区")
    for c, name in enumerate(HEADERS):
        sheet.write(1, c, name)
    row = GOOD_ROWS[0]
    values = {
        "序号": 1,
        "问题类别": row[0],
        "具体问题": row[1],
        "整改措施": row[2],
        "责任领导": row[3],
        "责任人": row[4],
        "完成时限": dt.datetime(2022, 5, 31),
        "完成状态": row[7],
    }
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, name in enumerate(HEADERS):
        if name in values:
            value = values[name]
            if isinstance(value, dt.datetime):
                sheet.write(2, c, value, date_style)
            else:
                sheet.write(2, c, value)
    path = tmp_path / "东风社区.xls"
    book.save(str(path))
    raw = read_file(path, VOCAB)
    assert raw.fmt == "xls"
    assert raw.frame.at[3, "完成时限"] == dt.date(2022, 5, 31)
    assert raw.unit_text == "东风社区"


def test_format_is_recognised_by_content_not_extension(tmp_path: Path) -> None:
    src = write_list(tmp_path / "a.xlsx", GOOD_ROWS)
    renamed = tmp_path / "问题清单.xls"
    renamed.write_bytes(src.read_bytes())
    assert read_file(renamed, VOCAB).fmt == "xlsx"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.xlsx", b"", "file-empty"),
        ("note.xlsx", "这是一段文字，不是表格".encode(), "file-not-spreadsheet"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "file-not-spreadsheet"),
        ("cut.xlsx", None, "file-corrupt"),
        ("word.xlsx", "docx", "file-not-spreadsheet"),
    ],
)
def test_refusals_have_their_own_code(tmp_path: Path, name: str, content: bytes | str | None, code: str) -> None:
    path = tmp_path / name
    if content is None:
        good = write_list(tmp_path / "good.xlsx", GOOD_ROWS).read_bytes()
        path.write_bytes(good[: len(good) // 2])
    elif content == "docx":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml", "<w:document/>")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(FileRefused) as info:
        read_file(path, VOCAB)
    assert info.value.code == code


def test_no_table_with_required_columns(tmp_path: Path) -> None:
    path = write_list(tmp_path / "a.xlsx", [], headers=["序号", "问题编号", "问题类别", "具体问题"])
    with pytest.raises(FileRefused) as info:
        read_file(path, VOCAB)
    assert info.value.code == "table-not-found"
    assert "整改措施" in info.value.text


def test_lock_and_system_files_are_skipped(tmp_path: Path) -> None:
    for name in ("~$问题清单.xlsx", ".DS_Store", "Thumbs.db"):
        (tmp_path / name).write_bytes(b"x")
        assert should_skip(tmp_path / name)
    assert not should_skip(write_list(tmp_path / "a.xlsx", GOOD_ROWS))


@pytest.mark.parametrize(
    ("file_name", "unit_text", "marker", "expected", "codes"),
    [
        ("附件2：问题清单（东风社区）(1).xlsx", "", None, "DF", []),
        ("list.xlsx", "红星村", None, "HX", []),
        ("东风社区.xlsx", "红星村", None, "HX", ["unit-conflict"]),
        ("东风社区.xlsx", "东风社区", "CZ", "CZ", ["unit-conflict"]),
        ("list.xlsx", "某某村", None, None, ["unit-unknown"]),
        ("list.xlsx", "", "ZZ", None, ["unit-not-in-roster"]),
    ],
)
def test_unit_is_identified_in_order(
    tmp_path: Path,
    campaign: Campaign,
    file_name: str,
    unit_text: str,
    marker: str | None,
    expected: str | None,
    codes: list[str],
) -> None:
    path = write_list(tmp_path / "x.xlsx", GOOD_ROWS, unit=unit_text, marker=marker)
    raw = read_file(path, VOCAB, file_name)
    unit, messages = identify_unit(raw, campaign, file_name)
    assert (unit.code if unit else None) == expected
    assert [m.code for m in messages] == codes
