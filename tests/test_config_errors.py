"""Mistakes a clerk makes in campaign.toml and synonyms.toml: each named by its line, in Chinese,
with how to fix it; tomllib's English never shows. Unit names that cannot be file names are refused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import CAMPAIGN_TOML, write_campaign

from pipeline.config import load_campaign, toml_error
from pipeline.errors import ConfigError
from pipeline.vocab import load_vocabulary

TOMLLIB_WORDS = ("Invalid", "Expected", "Unterminated", "Illegal", "Cannot", "Unclosed", "line ", "column", "document")


def refusal(tmp_path: Path, old: str, new: str) -> ConfigError:
    assert old in CAMPAIGN_TOML
    path = write_campaign(tmp_path, CAMPAIGN_TOML.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_campaign(path)
    assert not any(word in info.value.text for word in TOMLLIB_WORDS), info.value.text
    return info.value


def test_a_month_13_is_a_date_that_does_not_exist(tmp_path: Path) -> None:
    error = refusal(tmp_path, "summary_due = 2022-11-18", "summary_due = 2022-13-01")
    assert error.code == "toml-bad-date"
    assert error.text == (
        f"{tmp_path / 'campaign.toml'} 第 9 行（summary_due = 2022-13-01）："
        "日期 2022-13-01 不存在（月份应为 01 到 12，日不能超过当月的天数）。请改成正确的日期，如 2022-03-20。"
    )


def test_a_date_without_leading_zeros_is_told_the_toml_form(tmp_path: Path) -> None:
    error = refusal(tmp_path, "problem_list_due = 2022-03-20", "problem_list_due = 2022-3-20")
    assert error.code == "toml-date-format"
    assert error.text == (
        f"{tmp_path / 'campaign.toml'} 第 6 行（problem_list_due = 2022-3-20）："
        "日期 2022-3-20 的写法不对：应写作 2022-03-20，即四位年份、两位月份、两位日，用短横线“-”连接，"
        "月和日不足两位的前面补 0，不加引号。"
    )


@pytest.mark.parametrize(("typed", "quote"), [("“xx镇”", "“…”"), ("‘xx镇’", "‘…’"), ('"xx镇”', "“…”")])
def test_chinese_quotes_get_their_own_hint(tmp_path: Path, typed: str, quote: str) -> None:
    error = refusal(tmp_path, 'town = "xx镇"', f"town = {typed}")
    assert error.code == "toml-chinese-quote"
    assert error.text == (
        f"{tmp_path / 'campaign.toml'} 第 2 行（town = {typed}）：用了中文引号 {quote}。"
        '文字两边要用英文半角双引号 "，例如 town = "某某镇"：切换到英文输入法再输入引号。'
    )


def test_chinese_quotes_inside_a_quoted_text_are_fine(tmp_path: Path) -> None:
    path = write_campaign(tmp_path, CAMPAIGN_TOML.replace('office = "xx镇', 'office = "“xx镇”'))
    assert load_campaign(path).office.startswith("“xx镇”")


def test_a_full_width_equals_sign_is_named(tmp_path: Path) -> None:
    error = refusal(tmp_path, "year = 2022", "year ＝ 2022")
    assert error.code == "toml-fullwidth"
    assert error.text == (
        f"{tmp_path / 'campaign.toml'} 第 3 行（year ＝ 2022）：有全角符号“＝”，应改为半角的“=”：切换到英文输入法再输入。"
    )


@pytest.mark.parametrize(
    ("old", "new", "code", "line"),
    [
        ("[campaign]", "【campaign】", "toml-fullwidth", 1),
        ('aliases = ["东风"]', 'aliases = ["东风"，"东风居委"]', "toml-fullwidth", 25),
        ("monthly_due_day = 25", "monthly_due_day：25", "toml-fullwidth", 10),
        ('town = "xx镇"', "town = xx镇", "toml-bad-value", 2),
        ("year = 2022", "year = 2022 年", "toml-extra-after-value", 3),
        ('kind = "村"', 'kind = "村"\nkind = "社区"', "toml-duplicate", 19),
        ('aliases = ["红星"]', 'aliases = ["红星" "红星村委"]', "toml-unclosed-bracket", 19),
        ("[[units]]", "[[units]", "toml-unclosed-bracket", 15),
        ('office = "', '问题 = "', "toml-invalid-statement", 4),
        ("problem_list_due = 2022-03-20", "problem_list_due = 2022-02-30", "toml-bad-date", 6),
    ],
)
def test_every_syntax_mistake_names_its_line_in_chinese(  # type: ignore[no-untyped-def]
    tmp_path: Path, old: str, new: str, code: str, line: int
) -> None:
    error = refusal(tmp_path, old, new)
    assert error.code == code
    assert error.text.startswith(f"{tmp_path / 'campaign.toml'} 第 {line} 行（")


def test_an_unclosed_quote_is_named_with_its_line(tmp_path: Path) -> None:
    error = refusal(tmp_path, 'doc_prefix = "x作整办"', 'doc_prefix = "x作整办')
    assert error.code == "toml-unclosed-quote"
    assert error.text == (
        f'{tmp_path / "campaign.toml"} 第 5 行（doc_prefix = "x作整办）：'
        '引号没有成对：文字的开头和结尾都要有英文双引号，例如 town = "某某镇"。'
    )


def test_an_unclosed_quote_on_the_last_line_is_named(tmp_path: Path) -> None:
    error = refusal(tmp_path, 'aliases = ["财政所"]\n', 'aliases = ["财政所]\n\n')
    assert error.code == "toml-unclosed-quote"
    assert "第 31 行" in error.text


def test_an_unknown_tomllib_message_gets_a_generic_chinese_one(tmp_path: Path) -> None:
    text = 'a = 1\nb = "x"\n'
    error = toml_error(tmp_path / "campaign.toml", text, tomllib.TOMLDecodeError("Something new (at line 2, column 5)"))
    assert error.code == "toml-syntax"
    assert error.text == (
        f'{tmp_path / "campaign.toml"} 第 2 行（b = "x"）：第 5 个字符处格式有误。'
        "请对照 README 中的示例改正这一行（文字用英文双引号，日期写作 2022-03-20）。"
    )


def test_a_commented_out_campaign_section_is_called_missing(tmp_path: Path) -> None:
    error = refusal(tmp_path, "[campaign]", "# [campaign]")
    assert error.code == "config-section-missing"
    assert error.text == (
        f"{tmp_path / 'campaign.toml'} 中没有 [campaign] 这一节：town、year 等活动设置要写在单独一行 [campaign] 的下面。"
        "请在这些设置的上面加一行 [campaign]（这一行前面如果有 #，把 # 删掉）。"
    )


def test_a_file_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "campaign.toml"
    path.write_bytes(CAMPAIGN_TOML.encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_campaign(path)
    assert info.value.code == "config-not-utf8"
    assert "另存为" in info.value.text


def test_synonyms_toml_mistakes_get_the_same_treatment(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.toml"
    path.write_text('[columns]\n"具体问题" = [“问题情况”]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_vocabulary(path)
    assert info.value.code == "toml-chinese-quote"
    assert info.value.text.startswith(f'{path} 第 2 行（"具体问题" = [“问题情况”]）：用了中文引号 “…”。')


def test_a_synonyms_section_that_is_not_a_table_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.toml"
    path.write_text('columns = ["问题情况"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_vocabulary(path)
    assert info.value.code == "synonyms-invalid"
    assert "[columns] 应写作单独一行的节名" in info.value.text


# --- unit names become file names ----------------------------------------------------------------
def test_a_unit_name_with_a_slash_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    error = refusal(tmp_path, 'name = "东风社区"', 'name = "党政办/综治办"')
    assert error.code == "config-unit-name-unsafe"
    assert error.text == (
        "campaign.toml 第 2 个单位的名称“党政办/综治办”含有“/”。单位名称会用作模板、督办通知单等文件的名称，"
        "不能含有 / 或 \\。几个单位合署办公的，请用顿号分隔，如“党政办、综治办”。"
    )


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('name = "红星村"', 'name = "../../红星村"', "第 1 个单位的名称“../../红星村”含有“/”"),
        ('name = "红星村"', 'name = "..\\\\红星村"', "第 1 个单位的名称“..\\红星村”含有“\\”"),
        ('name = "红星村"', 'name = ".."', "第 1 个单位的名称“..”以“.”开头"),
        ('name = "红星村"', 'name = ".红星村"', "第 1 个单位的名称“.红星村”以“.”开头"),
        ('name = "红星村"', 'name = "红星\\u202e村"', "第 1 个单位的名称“红星□村”含有看不见的控制字符"),
        ('name = "红星村"', 'name = "红星\\t村"', "第 1 个单位的名称“红星□村”含有看不见的控制字符"),
        ('aliases = ["东风"]', 'aliases = ["东风/东风居委"]', "第 2 个单位的简称“东风/东风居委”含有“/”"),
        ('name = "红星村"', f'name = "{"红" * 61}"', "有 61 个字，太长"),
    ],
)
def test_unit_names_that_are_not_file_names_are_refused(tmp_path: Path, old: str, new: str, words: str) -> None:
    error = refusal(tmp_path, old, new)
    assert error.code == "config-unit-name-unsafe"
    assert words in error.text


def test_two_units_whose_file_names_would_be_the_same_are_refused(tmp_path: Path) -> None:
    text = CAMPAIGN_TOML.replace('name = "红星村"', 'name = "一组:二组"').replace(
        'name = "东风社区"', 'name = "一组：二组"'
    )
    with pytest.raises(ConfigError) as info:
        load_campaign(write_campaign(tmp_path, text))
    assert info.value.code == "config-unit-file-clash"
    assert "第 1 个单位“一组:二组”和第 2 个单位“一组：二组”用作文件名时相同" in info.value.text


def test_a_date_with_a_mistyped_year_is_refused_when_the_file_is_read(tmp_path: Path) -> None:
    error = refusal(tmp_path, "problem_list_due = 2022-03-20", "problem_list_due = 2202-03-20")
    assert error.text == (
        "campaign.toml 中“problem_list_due”的日期 2202-03-20 不在活动年度 2022 年内（或次年），"
        "是不是年份写错了？请改正后再运行。"
    )


def test_dates_out_of_order_are_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path, "summary_due = 2022-11-18", "summary_due = 2022-10-18")
    assert error.text == (
        "campaign.toml 中“rectification_end”（2022-10-20）晚于“summary_due”（2022-10-18），日期先后不对，请检查是否写错。"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "monthly_due_day = 25",
            "monthly_due_dya = 25",
            "campaign.toml 的 [campaign] 中没有“monthly_due_dya”这一项，写了也不会起作用。是不是要写“monthly_due_day”？",
        ),
        ("[[units]]", "[[unit]]", "campaign.toml 中没有“unit”这个表，写了也不会起作用。是不是要写“units”？"),
    ],
)
def test_a_mistyped_key_is_named_with_the_closest_one(tmp_path: Path, old: str, new: str, expected: str) -> None:
    error = refusal(tmp_path, old, new)
    assert error.text.startswith(expected)
