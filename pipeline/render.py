"""Write a month's outputs (SPEC §7) into ``out/YYYY-MM/``, whole or not at all.

Everything is rendered into a hidden sibling folder first; only when every file is written is
it swapped into place, so a crash never leaves a half-written month behind.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

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
    timings: dict[str, float] | None = None,
) -> list[Path]:
    """Write every output of the month, with a feedback workbook per returned file (``退回/``).

    ``timings``, when given, gets the seconds each output took (``render:总台账`` …).
    """
    laps = timings if timings is not None else {}
    last = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal last
        now = time.perf_counter()
        laps[f"render:{stage}"] = now - last
        last = now

    staging = month_dir.with_name(f".{month_dir.name}.tmp-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        render_xlsx.write_ledger(report, staging / "总台账.xlsx")
        lap("总台账")
        render_docx.write_circular(report, staging / "通报.docx", templates_dir)
        lap("通报")
        render_docx.write_notices(report, staging / "督办通知单", templates_dir)
        lap("督办通知单")
        render_docx.write_escalation(report, staging / "移交纪委清单.docx", templates_dir)
        lap("移交纪委清单")
        write_templates(report.campaign, report, next_month(report.month), staging / "模板")
        lap("模板")
        render_feedback.write_all(returned, staging / "退回")
        lap("退回")
        faults.point("rendered")
        _swap(staging, month_dir)
        lap("swap")
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
        render_xlsx.write_unit_template(campaign, unit, month, problems, path)
        paths.append(path)
    return paths


def _swap(staging: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
        faults.point("mid-swap")
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
