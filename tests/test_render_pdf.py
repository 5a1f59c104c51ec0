"""The circular rendered by LibreOffice (where installed; `.ci/run` installs it) reads right
(the conversion: ``libreoffice.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders_reports import ODD_UNIT, TEMPLATES, make_report
from libreoffice import MISSING, WHY_MISSING, pdf_text, to_pdf

from pipeline.outputs import documents

pytestmark = pytest.mark.skipif(MISSING, reason=WHY_MISSING)


def test_circular_renders_to_pdf_with_its_title_and_figures(tmp_path: Path) -> None:
    docx = documents.write_circular(make_report(), tmp_path / "circular.docx", TEMPLATES)
    pdf = to_pdf(docx, tmp_path)
    text = pdf_text(pdf)
    assert "xx镇干部作风整顿工作领导小组办公室文件" in text
    assert "x作整办〔2022〕5号" in text
    assert "关于2022年4月干部作风整顿问题整改情况的通报" in text
    assert "全镇3个单位共查摆问题8个" in text
    assert "完成率28.6%" in text
    assert ODD_UNIT in text  # escaped in the XML, intact on the page
    assert "村务公开栏<未及时更新>&财务收支未按月公开" in text
    assert "—1—" in text  # GB/T 9704 page number
    assert "{{" not in text and "{%" not in text
    # the body starts on page 1, below the title (not pushed to page 2 by kept-together headings)
    first = pdf_text(pdf, 1)
    assert "现将有关情况通报如下" in first and "一、总体进展" in first and "（一）整改总体情况" in first
