"""Make ``expected_look.json``: how every output of 青石镇's March, April and May 2022 looks (formats,
widths, heights, print setup, checks, charts: ``output_content.look``) when the program renders
them again from this folder's workspace, migrated.

``tests/test_migration.py`` renders the months again with the current program and compares how
they look with this file, as it compares their text with ``expected.json``. Made with the program
as it stood before the outputs were written faster (issue #21), so the faster writers are held to
the same look. Run from the repository root, with the program of that version:
``PYTHONPATH=. .venv/bin/python tests/data/ledger-v5/make_look.py``
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/: the shared builders

from output_content import look  # noqa: E402

from pipeline import run  # noqa: E402


def main() -> None:
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "青石镇"
        shutil.copytree(HERE / "workspace", root)
        (root / "inbox").mkdir()
        for as_of in expected["as_of"].values():
            run.monthly(root, dt.date.fromisoformat(as_of))
        months = {month: look(root / "out" / month) for month in sorted(expected["months"])}
    text = json.dumps({"months": months}, ensure_ascii=False, indent=0, sort_keys=True)
    (HERE / "expected_look.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
