"""A ledger written by an earlier version is migrated in place: its audit chain stays valid and
every past month renders again with the same content (tests/data/ledger-v5: 青石镇 after March,
April and May 2022 as the pipeline wrote it at ledger schema v5, made by its make_fixture.py),
and looks the same as before the outputs were written faster (expected_look.json, made by its
make_look.py with the program before issue #21: formats, widths, heights, print setup, checks,
charts)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from output_content import content, look

from pipeline import run

FIXTURE = Path(__file__).resolve().parent / "data" / "ledger-v5"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
LOOK = json.loads((FIXTURE / "expected_look.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("migrated") / "青石镇"
    shutil.copytree(FIXTURE / "workspace", root)
    (root / "inbox").mkdir()
    with closing(sqlite3.connect(root / "ledger.sqlite")) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 5  # as the earlier version left it
    for as_of in EXPECTED["as_of"].values():
        run.monthly(root, dt.date.fromisoformat(as_of))
    return root


def test_the_migrated_ledger_verifies(migrated: Path) -> None:
    assert run.audit_verify(migrated) == []


@pytest.mark.parametrize("month", sorted(EXPECTED["months"]))
def test_every_past_month_renders_the_same_content(migrated: Path, month: str) -> None:
    now = content(migrated / "out" / month)
    before = EXPECTED["months"][month]
    assert sorted(now) == sorted(before)
    for name, lines in before.items():
        assert now[name] == lines, name


@pytest.mark.parametrize("month", sorted(LOOK["months"]))
def test_every_past_month_looks_as_it_did_before_the_faster_writers(migrated: Path, month: str) -> None:
    now = look(migrated / "out" / month)
    before = LOOK["months"][month]
    assert sorted(now) == sorted(before)
    for name, lines in before.items():
        assert now[name] == lines, name
