"""campaign.toml: the happy path and every refusal, each with its message code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import CAMPAIGN_TOML, write_campaign

from pipeline.config import load_campaign
from pipeline.errors import ConfigError


def test_loads_campaign_and_roster(tmp_path: Path) -> None:
    c = load_campaign(write_campaign(tmp_path))
    assert c.town == "xx镇"
    assert c.problem_list_due == dt.date(2022, 3, 20)
    assert [u.code for u in c.units] == ["HX", "DF", "CZ"]
    assert c.unit_by_code("HX").aliases == ("红星",)  # type: ignore[union-attr]
    assert c.due_date("2022-03") == dt.date(2022, 3, 20)
    assert c.due_date("2022-04") == dt.date(2022, 4, 25)


@pytest.mark.parametrize(
    ("edit", "code", "words"),
    [
        (lambda t: t.replace('town = "xx镇"\n', ""), "config-key-missing", "town"),
        (
            lambda t: t.replace("problem_list_due = 2022-03-20", 'problem_list_due = "3月20日"'),
            "config-bad-date",
            "problem_list_due",
        ),
        (lambda t: t.replace("summary_due = 2022-11-18", "summary_due = 2022-13-18"), "toml-bad-date", "第 9 行"),
        (lambda t: t.replace('code = "DF"', 'code = "HX"'), "config-duplicate-unit", "HX"),
        (lambda t: t.replace('name = "东风社区"', 'name = "红星村"'), "config-duplicate-unit", "红星村"),
        (lambda t: t.replace('aliases = ["东风"]', 'aliases = ["红星"]'), "config-duplicate-unit", "红星"),
        (lambda t: t.replace('kind = "社区"', 'kind = "街道"'), "config-bad-value", "街道"),
        (lambda t: t.replace("warning_days = 7", "warning_days = -1"), "config-bad-value", "warning_days"),
        (lambda t: t.split("[[units]]")[0], "config-no-units", ""),
    ],
)
def test_refuses_bad_campaign_with_chinese_message(tmp_path: Path, edit, code: str, words: str) -> None:  # type: ignore[no-untyped-def]
    path = write_campaign(tmp_path, edit(CAMPAIGN_TOML))
    with pytest.raises(ConfigError) as info:
        load_campaign(path)
    assert info.value.code == code
    assert words in info.value.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.text)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_campaign(tmp_path / "campaign.toml")
    assert info.value.code == "config-missing"
    assert "campaign.toml" in info.value.text
