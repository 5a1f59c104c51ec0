"""Every date, category and status form of SPEC §3."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.normalize import LONG_TERM, parse_date
from pipeline.vocab import load_vocabulary

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
        ("6月30日前", dt.date(2022, 6, 30)),
        ("年底前", dt.date(2022, 12, 31)),
        ("年内", dt.date(2022, 12, 31)),
        ("上半年", dt.date(2022, 6, 30)),
        ("即知即改", FILLED),
        ("立行立改", FILLED),
        ("长期坚持", LONG_TERM),
        ("长期", LONG_TERM),
        ("常态化", LONG_TERM),
        ("", None),
        (None, None),
    ],
)
def test_deadline_forms(cell: object, expected: object) -> None:
    assert parse_date(cell, 2022, FILLED, allow_long_term=True) == expected


@pytest.mark.parametrize("cell", [4.3, "4.3月", "下个月", "2022-02-30", "13月底", "尽快"])
def test_unreadable_dates_come_back_unchanged(cell: object) -> None:
    assert parse_date(cell, 2022, FILLED, allow_long_term=True) == cell


def test_long_term_is_no_completion_date() -> None:
    assert parse_date("长期坚持", 2022, FILLED, allow_long_term=False) == "长期坚持"


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
        ("专项治理", None),
        ("其他", None),
    ],
)
def test_category_forms(cell: str, expected: str | None) -> None:
    assert load_vocabulary().category(cell) == expected


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
        ("差不多", None),
    ],
)
def test_status_forms(cell: str, expected: str | None) -> None:
    assert load_vocabulary().status(cell) == expected
