"""Every date, category and status form of SPEC §3."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.model import LONG_TERM
from pipeline.normalize import Invalid, parse_category, parse_date, parse_status
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()

FILLED = dt.date(2022, 3, 18)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2022, 4, 30), dt.date(2022, 4, 30)),
        (dt.datetime(2022, 4, 30, 0, 0), dt.date(2022, 4, 30)),
        (44681, dt.date(2022, 4, 30)),
        ("2022-04-30", dt.date(2022, 4, 30)),
        ("2022/4/30", dt.date(2022, 4, 30)),
        ("2022.4.30", dt.date(2022, 4, 30)),
        ("2022年4月30日", dt.date(2022, 4, 30)),
        ("２０２２年４月３０日", dt.date(2022, 4, 30)),
        ("4月30日", dt.date(2022, 4, 30)),
        ("4月底", dt.date(2022, 4, 30)),
        ("4月底前", dt.date(2022, 4, 30)),
        ("4月末", dt.date(2022, 4, 30)),
        ("2月底", dt.date(2022, 2, 28)),
        ("4 月 30 日", dt.date(2022, 4, 30)),
        ("2022-04-30 00:00:00", dt.date(2022, 4, 30)),
        ("20220430", dt.date(2022, 4, 30)),
        ("2022年4月底", dt.date(2022, 4, 30)),
        ("5月上旬", dt.date(2022, 5, 10)),
        ("2022.5", dt.date(2022, 5, 31)),
        ("4月-6月", dt.date(2022, 6, 30)),
        ("6月30日前", dt.date(2022, 6, 30)),
        ("年底前", dt.date(2022, 12, 31)),
        ("年内", dt.date(2022, 12, 31)),
        ("年底", dt.date(2022, 12, 31)),
        ("12月底前", dt.date(2022, 12, 31)),
        ("上半年", dt.date(2022, 6, 30)),
        ("即知即改", FILLED),
        ("立行立改", FILLED),
        ("立即整改", FILLED),
        ("长期坚持", LONG_TERM),
        ("长期", LONG_TERM),
        ("常态化", LONG_TERM),
        ("", None),
        (None, None),
    ],
)
def test_deadline_forms(cell: object, expected: object) -> None:
    assert parse_date(cell, 2022, FILLED, allow_long_term=True) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (4.3, "date-number"),  # Excel turned "4.30" into a number
        (4.15, "date-number"),
        (12, "date-number"),
        ("4.30", "date-number"),  # the same, typed as text
        ("4.3月", "date-invalid"),
        ("下个月", "date-invalid"),
        ("2022-02-30", "date-invalid"),
        ("13月底", "date-invalid"),
        ("尽快", "date-invalid"),
        (True, "date-invalid"),
    ],
)
def test_unreadable_dates_give_a_coded_reason_quoting_the_cell(cell: object, code: str) -> None:
    assert parse_date(cell, 2022, FILLED, allow_long_term=True) == Invalid(code, cell)


@pytest.mark.parametrize("cell", ["长期坚持", "长期", "常态化"])
def test_long_term_is_no_completion_date(cell: str) -> None:
    assert parse_date(cell, 2022, FILLED, allow_long_term=False) == Invalid("date-long-term-done", cell)


def test_immediate_is_the_date_given() -> None:
    received = dt.date(2022, 4, 22)
    assert parse_date("即知即改", 2022, received, allow_long_term=True) == received


def test_completion_date_forms_need_no_long_term() -> None:
    assert parse_date("2022年4月30日", 2022, FILLED, allow_long_term=False) == dt.date(2022, 4, 30)
    assert parse_date(44681.0, 2022, FILLED, allow_long_term=False) == dt.date(2022, 4, 30)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("政治纪律不严守、决策部署不落实", "政治纪律不严守、决策部署不落实"),
        ("（一）政治纪律不严守、决策部署不落实", "政治纪律不严守、决策部署不落实"),
        ("一、政治纪律", "政治纪律不严守、决策部署不落实"),
        ("（二）违反中央八项规定精神", "违反中央八项规定精神"),
        ("八项规定", "违反中央八项规定精神"),
        ("三、服务不强、环境不优", "服务不强、环境不优"),
        ("懒政怠政", "懒政怠政、为官不为"),
        ("为官不为", "懒政怠政、为官不为"),
        ("村(居)务公开专项治理", "村（居）务公开专项治理"),
        ("务公开", "村（居）务公开专项治理"),
        ("工程建设", "工程建设领域专项治理"),
        ('"办事难"专项治理', "“办事难”专项治理"),
        ("办事难", "“办事难”专项治理"),
        ("（五）政治纪律不严守，决策部署不落实", "政治纪律不严守、决策部署不落实"),
        ("二、违反中央八项规定精神", "违反中央八项规定精神"),
        ("（三）服务不强，环境不优", "服务不强、环境不优"),
        ("（四）懒政怠政、为官不为", "懒政怠政、为官不为"),
        ("１．村（居）务公开专项治理", "村（居）务公开专项治理"),
        ("居务公开", "村（居）务公开专项治理"),
        ("2.工程建设领域专项治理", "工程建设领域专项治理"),
        ("“办事难”专项治理", "“办事难”专项治理"),
        ("3、'办事难'专项治理", "“办事难”专项治理"),
        ("政治纪律\n不严守", "政治纪律不严守、决策部署不落实"),
        ("专项治理", None),
        ("其他", None),
    ],
)
def test_category_forms(cell: str, expected: str | None) -> None:
    assert parse_category(cell, VOCAB) == (expected if expected else Invalid("category-invalid", cell))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("未启动", "未启动"),
        ("未整改", "未启动"),
        ("未开始", "未启动"),
        ("整改中", "整改中"),
        ("正在整改", "整改中"),
        ("推进中", "整改中"),
        ("持续整改", "整改中"),
        ("已完成", "已完成"),
        ("已整改", "已完成"),
        ("完成", "已完成"),
        ("已销号", "已完成"),
        ("长期坚持", "长期坚持"),
        ("长期", "长期坚持"),
        ("常态化", "长期坚持"),
        ("持续推进", "长期坚持"),
        ("整 改 中", "整改中"),
        ("已完成\n", "已完成"),
        ("\u3000整改中\u3000", "整改中"),
        ("差不多", None),
    ],
)
def test_status_forms(cell: str, expected: str | None) -> None:
    assert parse_status(cell, VOCAB) == (expected if expected else Invalid("status-invalid", cell))


@pytest.mark.parametrize("cell", [None, "", "  ", "\u3000"])
def test_empty_choice_is_none(cell: object) -> None:
    assert parse_category(cell, VOCAB) is None and parse_status(cell, VOCAB) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三合村", "三合村"),  # a name that starts with a numeral keeps it
        ("八里庄社区", "八里庄社区"),
        ("十字街社区", "十字街社区"),
        ("（一）政治纪律", "政治纪律"),  # outline numbering with its punctuation is dropped
        ("一、政治纪律", "政治纪律"),
        ("(3)服务不强", "服务不强"),
        ("2.八项规定", "八项规定"),
    ],
)
def test_matching_key_drops_only_real_numbering(text: str, expected: str) -> None:
    from pipeline.vocab import key

    assert key(text) == expected


def test_units_named_with_numerals_are_told_apart() -> None:
    from pipeline.config import Unit
    from pipeline.ingest import match_name

    units = [Unit("合村", "HC", "村"), Unit("三合村", "SH", "村"), Unit("八里庄社区", "BL", "社区")]
    assert match_name("附件2：问题清单（三合村）.xlsx", units).code == "SH"  # type: ignore[union-attr]
    assert match_name("合村4月整改进展", units).code == "HC"  # type: ignore[union-attr]
    assert match_name("八里庄社区问题清单", units).code == "BL"  # type: ignore[union-attr]
