"""The sample campaign of ``make demo``: a township's realistic, messy submissions over a year.

Not part of the pipeline's runtime: it needs the ``demo`` extra (xlwt, odfpy) to write old
Excel and OpenDocument files, as villages do.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from pipeline import run
from pipeline.config import Workspace, load_campaign
from pipeline.errors import DemoRefused
from pipeline.ingest import unit_from_name
from pipeline.kinds import REGISTER_FILE

DEMO_MARK = ".demo-workspace"


def run_demo(root: Path, seed: int = 2022) -> Iterator[run.RunResult]:
    """Make the sample campaign in ``root`` and run every month in order, as the office would,
    then the half-year and year reports.

    ``root`` must be empty, missing, or a demo workspace made earlier (it is then made anew);
    a real workspace is never overwritten.
    """
    from demo_campaign import sample

    if root.exists() and any(root.iterdir()):
        if not (root / DEMO_MARK).exists():
            raise DemoRefused(path=root)
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / DEMO_MARK).write_text("made by `python -m pipeline demo`; safe to delete\n", encoding="utf-8")
    months = sample.write_sample_campaign(root, seed)
    workspace = Workspace(root)
    inbox = workspace.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    campaign = load_campaign(workspace.campaign_file)
    previous = None
    for m in months:
        for path in sorted(m.folder.iterdir()):
            os.replace(path, inbox / path.name)  # a rename keeps the received time (mtime)
        month = m.as_of.strftime("%Y-%m")
        if previous is not None:  # each department answers its 不满意 cases in the template it got
            for dept in campaign.departments:
                files = [
                    p
                    for p in sorted(inbox.iterdir())
                    if p.suffix == ".xlsx" and (u := unit_from_name(p.name, campaign)) is not None and u == dept
                ]
                template = workspace.out / previous / "模板" / f"{dept.name}.xlsx"
                sample.answer_cases(files, template, month, dept.code)
        previous = month
        if m.register is not None:  # the office's list of assigned matters, as it stood that month
            shutil.copy2(m.register, root / REGISTER_FILE)
        yield run.monthly(root, m.as_of)
    year = months[-1].as_of.year
    run.summary(root, "half", dt.date(year, 6, 30))  # the leaders' reports: out/YYYY年半年报告, out/YYYY年年度报告
    run.summary(root, "year", months[-1].as_of)
