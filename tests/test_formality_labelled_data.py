"""The labelled data set of issue 20 (流于形式) is whole and well formed: tests/data/formality/ holds
problem pairs (copy / independent), problem texts (empty / concrete), measures (repeats / real)
and progress sequences (stale / moving), enough of each label to measure precision and recall, every
entry with its fields and an English reason, none repeated, and no text of the demo township in it
(the detectors are tuned on these files only, so they must not learn the demo's unit names)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from demo_campaign.sample import UNITS

DATA = Path(__file__).parent / "data" / "formality"


@dataclass(frozen=True)
class LabelledFile:
    name: str  # file name in DATA
    section: str  # the array of tables in it
    fields: dict[str, type]  # every entry's fields and their types, no more, no less
    labels: dict[str, int]  # each label and the least number of entries carrying it
    total: int  # the least number of entries


FILES: tuple[LabelledFile, ...] = (
    LabelledFile(
        "pairs.toml",
        "pair",
        {
            "label": str,
            "a_unit": str,
            "b_unit": str,
            "a_aliases": list,
            "b_aliases": list,
            "a_problem": str,
            "a_measure": str,
            "b_problem": str,
            "b_measure": str,
            "why": str,
        },
        {"copy": 95, "independent": 115},
        220,
    ),
    LabelledFile("texts.toml", "text", {"problem": str, "label": str, "why": str}, {"empty": 55, "concrete": 55}, 120),
    LabelledFile(
        "measures.toml",
        "measure",
        {"problem": str, "measure": str, "label": str, "why": str},
        {"repeats": 38, "real": 38},
        80,
    ),
    LabelledFile(
        "progress.toml", "progress", {"months": list, "label": str, "why": str}, {"stale": 28, "moving": 28}, 60
    ),
)
IDS = [f.name for f in FILES]

PAIR_TEXTS = ("a_problem", "a_measure", "b_problem", "b_measure")
PAIR_TEXT_LENGTH = (15, 80)  # characters, as cadres write a 具体问题 or 整改措施 cell
MONTHS = (2, 5)  # reports in a progress sequence


def entries(spec: LabelledFile) -> list[dict[str, Any]]:
    with (DATA / spec.name).open("rb") as fh:
        data = tomllib.load(fh)
    assert list(data) == [spec.section]
    items = data[spec.section]
    assert isinstance(items, list)
    return items


def is_english(why: str) -> bool:
    """A short English reason: at least three Latin words (Chinese terms may be quoted in it)."""
    words = [w for w in why.replace(",", " ").split() if w.isascii() and any(c.isalpha() for c in w)]
    return len(words) >= 3


@pytest.mark.parametrize("spec", FILES, ids=IDS)
def test_each_file_starts_with_a_comment_saying_what_it_holds(spec: LabelledFile) -> None:
    lines = (DATA / spec.name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert "label" in "\n".join(line for line in lines if line.startswith("#"))


@pytest.mark.parametrize("spec", FILES, ids=IDS)
def test_each_file_holds_enough_entries_of_every_label(spec: LabelledFile) -> None:
    items = entries(spec)
    counts = {label: sum(1 for item in items if item.get("label") == label) for label in spec.labels}
    assert len(items) >= spec.total
    for label, least in spec.labels.items():
        assert counts[label] >= least, (label, counts[label])


@pytest.mark.parametrize("spec", FILES, ids=IDS)
def test_every_entry_has_its_fields_a_known_label_and_an_english_reason(spec: LabelledFile) -> None:
    for n, item in enumerate(entries(spec)):
        assert set(item) == set(spec.fields), (n, sorted(item))
        for field, kind in spec.fields.items():
            assert isinstance(item[field], kind), (n, field)
            if kind is str:
                assert item[field].strip() == item[field] or field in PAIR_TEXTS, (n, field)
                assert item[field], (n, field)
        assert item["label"] in spec.labels, (n, item["label"])
        assert is_english(item["why"]), (n, item["why"])


def test_pairs_are_of_two_different_units_with_texts_of_cell_length() -> None:
    low, high = PAIR_TEXT_LENGTH
    for n, pair in enumerate(entries(FILES[0])):
        assert pair["a_unit"] != pair["b_unit"], n
        for side in ("a", "b"):
            aliases = pair[f"{side}_aliases"]
            assert all(isinstance(a, str) and a and a != pair[f"{side}_unit"] for a in aliases), (n, side)
        for field in PAIR_TEXTS:
            assert low <= len(pair[field]) <= high, (n, field, len(pair[field]))


def test_progress_sequences_have_two_to_five_monthly_texts() -> None:
    low, high = MONTHS
    for n, item in enumerate(entries(FILES[3])):
        months = item["months"]
        assert low <= len(months) <= high, n
        assert all(isinstance(text, str) and text for text in months), n


@pytest.mark.parametrize("spec", FILES, ids=IDS)
def test_no_text_of_the_demo_township_appears(spec: LabelledFile) -> None:
    raw = (DATA / spec.name).read_text(encoding="utf-8")
    names = [unit.name for unit in UNITS] + ["xx镇"]
    assert [name for name in names if name in raw] == []


@pytest.mark.parametrize("spec", FILES, ids=IDS)
def test_no_two_entries_are_identical(spec: LabelledFile) -> None:
    items = entries(spec)
    whole = [json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items]
    assert len(set(whole)) == len(whole)
    # Nor the same labelled text under two labels or two reasons.
    texts = [json.dumps({k: v for k, v in item.items() if k not in ("label", "why")}, sort_keys=True) for item in items]
    assert len(set(texts)) == len(texts)
