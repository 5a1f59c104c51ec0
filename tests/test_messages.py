"""The one catalogue: every code the program uses is in it, and every entry renders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from pipeline.messages import CATALOGUE, render_text

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
# a code written as a literal where a message is made: Message("…"), FileRefused("…"), render_text("…"),
# Finding.of("…"), the checks' msg("…") helpers and found.append(("…", …))
_USES = re.compile(
    r"""(?:Message|FileRefused|render_text|Finding\.of|msg|found\.append\(|Outcome\(code=)\(?\s*["']([a-z][a-z0-9-]+)["']"""
)


def _codes_used() -> set[str]:
    found: set[str] = set()
    for path in PIPELINE.glob("*.py"):
        found |= set(_USES.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_code_the_program_uses_is_in_the_catalogue() -> None:
    used = _codes_used()
    assert len(used) > 30  # the scan finds the codes (a broken pattern would find none)
    assert sorted(used - set(CATALOGUE)) == []


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_renders_with_its_own_fields(code: str) -> None:
    entry = CATALOGUE[code]
    fields = {name for _, name, _, _ in string.Formatter().parse(entry.template) if name}
    text = render_text(code, {name: f"〈{name}〉" for name in fields})
    assert text and "{" not in text and not text.startswith(code)
    assert all(f"〈{name}〉" in text for name in fields)
