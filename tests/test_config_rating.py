"""The optional [rating] table of campaign.toml (issue 19, 办事效率评议): its settings, their
defaults, every mistyped value refused in Chinese, and the periods a rating is collected in."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CAMPAIGN_TOML, write_campaign

from pipeline.config import Rating, load_campaign
from pipeline.errors import ConfigError


def campaign_with(tmp_path: Path, rating: str) -> Path:
    return write_campaign(tmp_path, CAMPAIGN_TOML + "\n" + rating)


def test_no_rating_table_means_no_rating(tmp_path: Path) -> None:
    campaign = load_campaign(write_campaign(tmp_path))
    assert campaign.rating is None
    assert campaign.raters == ()
    assert [u.code for u in campaign.departments] == ["CZ"]
    assert campaign.rating_period("2022-05") is None


def test_an_empty_rating_table_takes_the_defaults(tmp_path: Path) -> None:
    campaign = load_campaign(campaign_with(tmp_path, "[rating]\n"))
    assert campaign.rating == Rating(quarterly=False, threshold=80.0, anonymous=True, reply_workdays=10)
    assert [u.code for u in campaign.raters] == ["HX", "DF"]  # villages and communities rate
    assert [u.code for u in campaign.departments] == ["CZ"]  # departments are rated
    assert campaign.rating_period("2022-05") == "2022-05"


def test_every_setting_is_read(tmp_path: Path) -> None:
    text = '[rating]\nperiod = "季度"\nthreshold = 85.5\nanonymous = false\nreply_workdays = 15\n'
    campaign = load_campaign(campaign_with(tmp_path, text))
    assert campaign.rating == Rating(quarterly=True, threshold=85.5, anonymous=False, reply_workdays=15)


@pytest.mark.parametrize(
    ("month", "period"),
    [("2022-03", "2022Q1"), ("2022-04", None), ("2022-05", None), ("2022-06", "2022Q2"), ("2022-12", "2022Q4")],
)
def test_a_quarterly_rating_is_collected_in_the_quarters_last_month(
    tmp_path: Path, month: str, period: str | None
) -> None:
    campaign = load_campaign(campaign_with(tmp_path, '[rating]\nperiod = "季度"\n'))
    assert campaign.rating_period(month) == period


def test_a_roster_without_departments_has_no_rating_period(tmp_path: Path) -> None:
    roster = CAMPAIGN_TOML.split('[[units]]\nname = "镇财政所"')[0]
    campaign = load_campaign(write_campaign(tmp_path, roster + "\n[rating]\n"))
    assert campaign.departments == ()
    assert campaign.rating_period("2022-05") is None


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (
            'period = "每月"',
            "campaign.toml 中“rating.period”的值“每月”不正确：应为“月度”或“季度”。",
        ),
        (
            "threshold = 120",
            "campaign.toml 中“rating.threshold”的值“120”不正确：应为 0 到 100 之间的数，如 80。",
        ),
        (
            'threshold = "80%"',
            "campaign.toml 中“rating.threshold”的值“80%”不正确：应为 0 到 100 之间的数，如 80。",
        ),
        (
            'anonymous = "是"',
            "campaign.toml 中“rating.anonymous”的值“是”不正确：应为 true（隐去）或 false（显示）。",
        ),
        (
            "reply_workdays = 0",
            "campaign.toml 中“rating.reply_workdays”的值“0”不正确：应为 1 到 60 之间的整数，如 10。",
        ),
        (
            "reply_workdays = 61",
            "campaign.toml 中“rating.reply_workdays”的值“61”不正确：应为 1 到 60 之间的整数，如 10。",
        ),
        (
            "reply_workdays = 7.5",
            "campaign.toml 中“rating.reply_workdays”的值“7.5”不正确：应为 1 到 60 之间的整数，如 10。",
        ),
    ],
)
def test_a_mistyped_setting_is_refused_in_chinese(tmp_path: Path, line: str, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_campaign(campaign_with(tmp_path, f"[rating]\n{line}\n"))
    assert info.value.code == "config-bad-value"
    assert info.value.text == text


def test_a_mistyped_key_is_named_with_the_closest_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_campaign(campaign_with(tmp_path, "[rating]\nthreshhold = 80\n"))
    assert info.value.code == "config-unknown-key"
    assert "[rating] 中没有“threshhold”这一项" in info.value.text
    assert "是不是要写“threshold”？" in info.value.text


def test_a_rating_that_is_no_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_campaign(write_campaign(tmp_path, CAMPAIGN_TOML.replace("[campaign]", 'rating = "月度"\n[campaign]')))
    assert info.value.text == "campaign.toml 中“rating”的值“月度”不正确：应写作 [rating] 表。"
