"""Word documents turned into PDF by LibreOffice and read back with pdftotext, for the tests that
check what a printed page shows (skipped where either program is not installed).

Converted headless with a private LibreOffice profile (parallel or interrupted runs do not
collide) and the project's fontconfig file, which stands Noto CJK in for the official fonts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
TIMEOUT = 180  # seconds; a first start of LibreOffice builds its profile
MISSING = not (SOFFICE and PDFTOTEXT)
WHY_MISSING = "LibreOffice or pdftotext is not installed"


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
