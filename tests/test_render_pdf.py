"""The circular rendered by LibreOffice (where installed; `.ci/run` installs it) reads right.

Converted headless with a private LibreOffice profile (parallel or interrupted runs do not
collide) and the project's fontconfig file, which stands Noto CJK in for the official fonts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_render_docx import ODD_UNIT, TEMPLATES, make_report

from pipeline.outputs import documents

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
TIMEOUT = 180  # seconds; a first start of LibreOffice builds its profile

pytestmark = pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice or pdftotext is not installed")


def to_pdf(docx: Path, work: Path) -> Path:
    profile = work / "lo-profile"
    env = {**os.environ, "FONTCONFIG_FILE": str(TEMPLATES / "fonts.conf"), "HOME": str(work)}
    proc = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
    )
    pdf = work / f"{docx.stem}.pdf"
    assert pdf.is_file(), f"soffice failed: {proc.returncode} {proc.stdout} {proc.stderr}"
    return pdf


def pdf_text(pdf: Path, *pages: int) -> str:
    args = [str(PDFTOTEXT)]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    text = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)  # pdftotext spaces out mixed Chinese and Latin text


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
