"""The shared value types (pipeline/model.py): the month and the missing-value checks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pipeline.model import (
    MISSING_STATUSES,
    Ladder,
    Light,
    MatterStatus,
    Month,
    ProblemStatus,
    SubmissionState,
    YesNo,
    is_blank,
    is_missing,
    is_true,
)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2022-4", "not a YYYY-MM month: '2022-4'"),
        ("22-04", "not a YYYY-MM month: '22-04'"),
        ("2022-04-01", "not a YYYY-MM month: '2022-04-01'"),
        (" 2022-04", "not a YYYY-MM month: ' 2022-04'"),
        ("2022/04", "not a YYYY-MM month: '2022/04'"),
        ("２０２２-０４", "not a YYYY-MM month: '２０２２-０４'"),
        ("", "not a YYYY-MM month: ''"),
        ("2022-13", "no such month: 2022-13"),
        ("2022-00", "no such month: 2022-0"),
        ("0000-01", "no such month: 0-1"),
    ],
)
def test_a_month_is_read_only_from_yyyy_mm(text: str, why: str) -> None:
    with pytest.raises(ValueError) as refused:
        Month.parse(text)
    assert str(refused.value) == why
    assert Month.valid(text) is False


def test_a_month_reads_and_writes_yyyy_mm() -> None:
    april = Month.parse("2022-04")
    assert (april.year, april.month) == (2022, 4)
    assert str(april) == april.text == "2022-04"
    assert Month.valid("2022-04") is True
    assert Month.of(dt.date(2022, 4, 30)) == april
    assert Month.of(dt.datetime(2022, 4, 1, 23, 59)) == april


def test_a_month_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="no such month: 2022-13"):
        Month(2022, 13)


def test_months_order_and_hash_by_year_then_month() -> None:
    months = [Month(2023, 1), Month(2022, 12), Month(2022, 2), Month(2022, 11)]
    assert [str(m) for m in sorted(months)] == ["2022-02", "2022-11", "2022-12", "2023-01"]
    assert Month(2022, 12) < Month(2023, 1)
    assert max(months) == Month(2023, 1)
    assert {Month(2022, 4): "x"}[Month.parse("2022-04")] == "x"
    assert len({Month(2022, 4), Month.parse("2022-04")}) == 1


def test_previous_and_next_cross_the_year() -> None:
    assert str(Month(2022, 1).previous) == "2021-12"
    assert str(Month(2022, 12).next) == "2023-01"
    assert str(Month(2022, 4).previous) == "2022-03"
    assert str(Month(2022, 4).next) == "2022-05"
    assert [str(m) for m in Month.span(Month(2022, 11), Month(2023, 2))] == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert Month.span(Month(2022, 5), Month(2022, 4)) == []


def test_first_and_last_day() -> None:
    assert (Month(2022, 4).first_day, Month(2022, 4).last_day) == (dt.date(2022, 4, 1), dt.date(2022, 4, 30))
    assert Month(2022, 2).last_day == dt.date(2022, 2, 28)
    assert Month(2024, 2).last_day == dt.date(2024, 2, 29)
    assert Month(2022, 12).last_day == dt.date(2022, 12, 31)
    assert (Month(2022, 4).day(25), Month(2022, 4).day(31), Month(2022, 2).day(30)) == (
        dt.date(2022, 4, 25),
        dt.date(2022, 4, 30),
        dt.date(2022, 2, 28),
    )


def test_labels() -> None:
    assert Month(2022, 4).label == "2022年4月"
    assert Month(2022, 11).label == "2022年11月"
    assert (Month(2022, 4).short_label, Month(2023, 12).short_label) == ("4月", "12月")


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), np.float64("nan"), np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT")],
    ids=["None", "nan", "numpy-nan", "numpy-float32-nan", "pandas-NA", "pandas-NaT", "numpy-NaT"],
)
def test_missing_values_are_missing_and_blank(value: object) -> None:
    assert is_missing(value) is True
    assert is_blank(value) is True
    assert is_true(value) is False


@pytest.mark.parametrize(
    "value", ["", " ", "\u3000", "\u00a0\n\t", "\r\n"], ids=["empty", "space", "ideographic", "nbsp", "line-break"]
)
def test_empty_text_is_blank_but_not_missing(value: str) -> None:
    assert is_blank(value) is True
    assert is_missing(value) is False


@pytest.mark.parametrize(
    "value",
    [
        "红星村",
        " 0 ",
        "nan",
        0,
        0.0,
        False,
        dt.date(2022, 4, 1),
        dt.datetime(2022, 4, 1, 9),
        pd.Timestamp("2022-04-01"),
        np.int64(0),
        [None],
    ],
    ids=[
        "text",
        "zero-text",
        "nan-text",
        "zero",
        "zero-float",
        "false",
        "date",
        "datetime",
        "timestamp",
        "numpy-int",
        "list",
    ],
)
def test_values_are_neither_missing_nor_blank(value: object) -> None:
    assert is_missing(value) is False
    assert is_blank(value) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (np.True_, True),
        ("True", True),
        (False, False),
        (np.False_, False),
        ("False", False),
        ("是", False),
        (1, False),
    ],
)
def test_is_true_only_for_a_true_flag(value: object, expected: bool) -> None:
    assert is_true(value) is expected


def test_the_vocabularies() -> None:
    assert ProblemStatus.ALL == ("未启动", "整改中", "已完成", "长期坚持")
    assert (ProblemStatus.OPEN, ProblemStatus.DONE, ProblemStatus.NO_LIGHT) == (
        ("未启动", "整改中"),
        "已完成",
        ("长期坚持",),
    )
    assert (MatterStatus.ALL, MatterStatus.OPEN) == (("未启动", "办理中", "已办结"), ("未启动", "办理中"))
    assert (Light.ALL, Light.NONE) == (("红灯", "黄灯", "绿灯"), "")
    assert SubmissionState.ALL == ("按时", "逾期", "退回", "未报送")
    assert MISSING_STATUSES == ("未报送", "退回")
    assert (YesNo.of(True), YesNo.of(0)) == ("是", "否")


@pytest.mark.parametrize(
    ("count", "escalate_after", "level"),
    [
        (0, 3, ""),
        (-1, 3, ""),
        (1, 3, "蓝色督办"),
        (2, 3, "橙色督办"),
        (3, 3, "红色督办"),
        (4, 5, "橙色督办"),
        (1, 1, "红色督办"),
    ],
)
def test_ladder_levels(count: int, escalate_after: int, level: str) -> None:
    assert Ladder.level(count, escalate_after) == level


def test_importing_the_model_loads_no_pandas() -> None:
    code = "import sys, pipeline.model; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
