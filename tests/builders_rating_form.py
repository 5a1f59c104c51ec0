"""The 办事效率评议 form of a second township (青石镇, tests/township.py): its campaign with a
``[rating]`` table, its units' templates, and a rater's template filled in as a clerk does in
Excel (the problem list and the rating sheet)."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from township import QINGSHI, QINGSHI_LEADS, Member, campaign_toml, fill_template, new_problem

from pipeline import layout
from pipeline.config import Campaign, Unit, parse_campaign
from pipeline.kinds import RATING
from pipeline.outputs import workbooks

RATING_COLUMN = {name: i + 1 for i, name in enumerate(RATING.columns)}  # canonical column -> Excel column


def rating_toml(period: str | None = "月度", members: Sequence[Member] = QINGSHI) -> str:
    """青石镇's campaign.toml with a ``[rating]`` table of ``period`` (None: no rating at all)."""
    text = campaign_toml(members, QINGSHI_LEADS)
    return text if period is None else text + f'\n[rating]\nperiod = "{period}"\n'


def rating_campaign(period: str | None = "月度") -> Campaign:
    return parse_campaign(tomllib.loads(rating_toml(period)))


def rating_workspace(root: Path, period: str | None = "月度") -> Path:
    """A fresh workspace of 青石镇 with its rating (campaign.toml, an empty inbox)."""
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    (root / "campaign.toml").write_text(rating_toml(period), encoding="utf-8")
    return root


def unit_named(campaign: Campaign, name: str) -> Unit:
    return next(u for u in campaign.units if u.name == name)


def template(
    campaign: Campaign, unit: str, month: str, path: Path, items: Mapping[str, pd.DataFrame] | None = None
) -> Path:
    """The template the pipeline hands ``unit`` for ``month`` (no registered problems)."""
    return workbooks.write_unit_template(campaign, unit_named(campaign, unit), month, None, path, items)


def fill_rating(path: Path, rows: Mapping[int, Mapping[str, Any]], sheet: str = RATING.sheet) -> Path:
    """Write ``rows`` (Excel row -> canonical column -> value; None empties the cell) into the
    rating sheet of the workbook at ``path``, as a clerk types them (openpyxl, like Excel, writes
    into a protected sheet's open cells; a locked one is overwritten as a clerk pasting over it)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for row, values in rows.items():
        for column, value in values.items():
            ws.cell(row, RATING_COLUMN[column]).value = value  # ws.cell(r, c, None) would leave it as it was
    wb.save(path)
    return path


def rated_file(
    campaign: Campaign,
    unit: str,
    month: str,
    target: Path,
    rating: Mapping[int, Mapping[str, Any]],
    received: dt.datetime,
) -> Path:
    """A rater's file for ``month`` as it arrives: its template with one new problem filled in and
    its rating sheet filled with ``rating``, received at ``received``."""
    blank = template(campaign, unit, month, target.with_name(f"blank-{target.name}"))
    fill_template(blank, target, [new_problem(2, dt.date(2022, 9, 30))], filled_on=received.date())
    fill_rating(target, rating)
    blank.unlink()
    stamp = received.timestamp()  # the time it arrived: after the clerk's last save
    os.utime(target, (stamp, stamp))
    return target


def header_row(path: Path, sheet: str = RATING.sheet) -> list[Any]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for c in ws[layout.HEADER_ROW]]
