"""Write a month's outputs (SPEC §7) into ``out/YYYY-MM/``, whole or not at all.

Everything is rendered into a hidden sibling folder first; only when every file is written is
it swapped into place, so a crash never leaves a half-written month behind.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline import faults, render_docx, render_feedback, render_xlsx
from pipeline.config import Campaign
from pipeline.report import MonthReport

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def next_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"


def render_month(
    report: MonthReport,
    month_dir: Path,
    templates_dir: Path = TEMPLATES_DIR,
    returned: Sequence[render_feedback.Returned] = (),
) -> list[Path]:
    """Write every output of the month, with a feedback workbook per returned file (``退回/``)."""
    staging = month_dir.with_name(f".{month_dir.name}.tmp-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        render_xlsx.write_ledger(report, staging / "总台账.xlsx")
        render_docx.write_circular(report, staging / "通报.docx", templates_dir)
        render_docx.write_notices(report, staging / "督办通知单", templates_dir)
        render_docx.write_escalation(report, staging / "移交纪委清单.docx", templates_dir)
        write_templates(report.campaign, report, next_month(report.month), staging / "模板")
        render_feedback.write_all(returned, staging / "退回")
        faults.point("rendered")
        _swap(staging, month_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in month_dir.rglob("*") if p.is_file())


def write_templates(campaign: Campaign, report: MonthReport | None, month: str, folder: Path) -> list[Path]:
    """Each unit's template for ``month``, pre-filled with its problems (blank without a report)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in campaign.units:
        problems = report.problems[report.problems["单位编码"] == unit.code] if report is not None else None
        path = folder / f"{unit.name}.xlsx"
        items = _open_items(report, unit.code) if report is not None else None
        render_xlsx.write_unit_template(campaign, unit, month, problems, path, items)
        paths.append(path)
    return paths


def _open_items(report: MonthReport, unit_code: str) -> dict[str, pd.DataFrame]:
    """Per other kind, the unit's items not yet done (next month's 交办事项 sheet)."""
    out = {}
    for name, ledger in report.ledgers.items():
        pairs = ledger.pairs
        mine = pairs[(pairs["单位编码"] == unit_code) & (pairs[ledger.kind.status_column] != ledger.kind.done_status)]
        if len(mine):
            out[name] = mine
    return out


def _swap(staging: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
        faults.point("mid-swap")
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
