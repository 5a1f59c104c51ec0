"""The leaders' report (半年 / 年度): month-by-month figures from the ledger's history."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from pipeline.config import Campaign

TREND_COLUMNS = ("月份", "问题数", "已完成", "完成率", "红灯", "黄灯", "移交纪委", "按时报送单位")


def _font(run: Any, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def write_summary(campaign: Campaign, title: str, trend: pd.DataFrame, units: pd.DataFrame, path: Path) -> Path:
    """A Word report: the trend by month and the latest standing of every unit."""
    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(heading.add_run(title), "方正小标宋简体", 22)
    latest = trend.iloc[-1]
    intro = doc.add_paragraph()
    rate = "—" if pd.isna(latest["完成率"]) else f"{latest['完成率']:.1%}"
    _font(
        intro.add_run(
            f"截至{latest['月份']}，全镇{len(units)}个单位共查摆问题{int(latest['问题数'])}个，"
            f"已完成{int(latest['已完成'])}个，完成率{rate}；红灯{int(latest['红灯'])}个，"
            f"移交镇纪委{int(latest['移交纪委'])}个。"
        ),
        "仿宋_GB2312",
        16,
    )
    for caption, frame in (("一、逐月整改进展", trend), ("二、各单位整改情况", units)):
        _font(doc.add_paragraph().add_run(caption), "黑体", 16)
        table = doc.add_table(rows=1, cols=len(frame.columns))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
            _font(cell.paragraphs[0].add_run(str(name)), "黑体", 10.5)
        for rec in frame.itertuples(index=False):
            cells = table.add_row().cells
            for cell, value in zip(cells, rec, strict=True):
                text = "—" if value is None or (isinstance(value, float) and pd.isna(value)) else value
                if isinstance(text, float):
                    text = f"{text:.1%}"
                _font(cell.paragraphs[0].add_run(str(text)), "仿宋_GB2312", 10.5)
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(sign.add_run(campaign.office), "仿宋_GB2312", 16)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(tmp))
    os.replace(tmp, path)
    return path
