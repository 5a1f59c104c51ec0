"""The problem-list template layout (附件2 问题清单) that this pipeline hands out and reads.

Units fill in either a template this pipeline generated (it carries a hidden marker sheet
naming the unit) or their own copy of 附件2; ``ingest`` reads both. These constants are the
one place the generated layout is defined.
"""

from __future__ import annotations

from pipeline.vocab import COLUMNS as VOCAB_COLUMNS

SHEET = "问题清单"
TITLE_ROW = 2  # 1-based Excel rows
HEADER_BLOCK_ROW = 3
HEADER_ROW = 4
FIRST_DATA_ROW = 5

# Hidden sheet written into every generated template: A1 = MARKER_TAG, B1 = unit code,
# A2 = "月份", B2 = the month the template is for (YYYY-MM), A3 = "活动", B3 = town + year.
MARKER_SHEET = "_zfzz_meta"
MARKER_TAG = "zfzz-template-v1"

COLUMNS: tuple[str, ...] = VOCAB_COLUMNS  # the template's columns are the canonical ones, in order


def title(town: str) -> str:
    return f"{town}干部作风整顿问题清单"


# The header block of a generated template (row HEADER_BLOCK_ROW, 1-based columns): the unit's
# name from A to UNIT_FIELD_LAST_COLUMN (merged and locked: the pipeline reads 填报单位 there), then
# 填报人 and 填报日期, each a label and an open cell the unit types into. Read as one line, the row
# says what ``header_block`` says.
UNIT_FIELD_LAST_COLUMN = 5
FILLER_LABEL_COLUMN, FILLER_COLUMN, DATE_LABEL_COLUMN, DATE_COLUMN = 6, 7, 8, 9
FILLER_LABEL, DATE_LABEL = "填报人：", "填报日期："


def unit_field(unit_name: str) -> str:
    """``填报单位（盖章）：青石村``: the header block's first cell."""
    return f"填报单位（盖章）：{unit_name}"


def header_block(unit_name: str, filler: str = "", filled_on: str = "") -> str:
    """The header block in one cell: ``填报单位（盖章）：青石村　　填报人：张三　　填报日期：2022年3月18日``"""
    return f"{unit_field(unit_name)}\u3000\u3000{FILLER_LABEL}{filler}\u3000\u3000{DATE_LABEL}{filled_on}"
