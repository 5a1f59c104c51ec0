"""Builders for the 不满意 cases of the 办事效率评议 (issue #19) through real monthly runs of 青石镇
(not the demo township): its workspace with a ``[rating]`` table, the raters' files as they arrive,
and a department's file made from the template the pipeline handed it, its 评议反映问题 sheet answered."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
from builders_rating_form import rating_toml
from township import fill_template

from pipeline import layout
from pipeline.kinds import RATING_CASE

CASE_COLUMN = {name: i + 1 for i, name in enumerate(RATING_CASE.template_columns)}


def cases_workspace(root: Path, anonymous: bool | None = None) -> Path:
    """A fresh workspace of 青石镇 with a monthly rating (anonymity as given, else the default)."""
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    text = rating_toml("月度")
    if anonymous is not None:
        text += f"anonymous = {'true' if anonymous else 'false'}\n"
    (root / "campaign.toml").write_text(text, encoding="utf-8")
    return root


def next_template(root: Path, month: str, unit: str) -> Path:
    """The template the run of ``month`` wrote for ``unit`` (for next month)."""
    [path] = [p for p in (root / "out" / month / "模板").glob("*.xlsx") if unit in p.name]
    return path


def answered_file(
    template: Path, target: Path, answers: Mapping[str, Mapping[str, Any] | None], received: dt.datetime
) -> Path:
    """A department's file from its template: its problem list's header block filled, then each
    case row whose 编号 is in ``answers`` given those values; a case whose value is ``None``
    (``answers[id] is None``) has its row cleared, as a clerk deleting it."""
    fill_template(template, target, [], filled_on=received.date())
    wb = openpyxl.load_workbook(target)
    ws = wb[RATING_CASE.sheet]
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        iid = ws.cell(row, CASE_COLUMN["编号"]).value
        if iid not in answers:
            continue
        values = answers[iid]
        if values is None:
            for column in CASE_COLUMN.values():
                ws.cell(row, column).value = None
            continue
        for column, value in values.items():
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                value = dt.datetime.combine(value, dt.time())
            ws.cell(row, CASE_COLUMN[column]).value = value
    wb.save(target)
    os.utime(target, (received.timestamp(), received.timestamp()))
    return target
