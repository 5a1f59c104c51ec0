"""A header anywhere in a sheet's first 1,000 rows (issue 17.10), found without scoring a thousand
rows of every file: the scan stops at the first complete header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders_ingest import list_grid, write_book
from conftest import GOOD_ROWS, HEADERS

from demo_campaign.sample import Grid
from pipeline.ingest import read_file
from pipeline.readers import tables
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()


def after_preamble(header_row: int) -> Grid:
    """The list with its header on Excel row ``header_row``: a long preamble of notes above it
    (one text per row), the 填报单位 line just above the header."""
    grid = list_grid(unit="东风社区")
    width = len(HEADERS)
    notes = [[f"说明第 {n} 条：本表按月报送，逐项填写整改进展。", *[None] * (width - 1)] for n in range(header_row - 4)]
    grid.cells[2:2] = notes  # after 附件2 and the title, before the header block and the header
    return grid


@pytest.mark.parametrize("form", ["xlsx", "xls"])
@pytest.mark.parametrize("header_row", [200, 1000])
def test_a_header_after_a_long_preamble_is_found(tmp_path: Path, form: str, header_row: int) -> None:
    raw = read_file(write_book(tmp_path / f"a.{form}", [after_preamble(header_row)], form), VOCAB)
    assert raw.header_row == header_row
    assert list(raw.rows) == [header_row + 1 + i for i in range(len(GOOD_ROWS))]
    assert raw.unit_text == "东风社区" and raw.frame.at[header_row + 1, "具体问题"] == GOOD_ROWS[0][1]
    assert tables.HEADER_SCAN_ROWS == 1000


def test_the_scan_stops_at_the_first_complete_header(tmp_path: Path) -> None:
    """A complete header on row 4 is the table's: a later row naming more columns (a second
    header further down) is never looked at."""
    short = [h for h in HEADERS if h not in ("问题编号", "备注")]  # complete, without the optional columns
    grid = list_grid(headers=short)
    width = len(short)
    later: list[list[Any]] = [[None] * width for _ in range(10)]
    later.append(list(HEADERS))  # row 19: every column, the later one scores higher
    grid.cells.extend(later)
    raw = read_file(write_book(tmp_path / "a.xlsx", [grid]), VOCAB)
    assert raw.header_row == 4 and "备注" not in raw.columns
