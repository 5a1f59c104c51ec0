"""The one ranking rule both the circular and the leaders' reports name units by
(``pipeline/narrative.py``): how many at each end, whole tie groups, the first places filled
first, no group at both ends, a 0 % group never among the first, and the largest falls."""

from __future__ import annotations

import pytest

from pipeline.narrative import Tie, ends, last, named_count, ties


def groups(*sizes_and_shown: tuple[int, str]) -> list[Tie]:
    """Tie groups of units 单位1, 单位2, … of these sizes, best first."""
    names = [f"单位{i}" for i in range(1, sum(n for n, _ in sizes_and_shown) + 1)]
    shown = [value for n, value in sizes_and_shown for _ in range(n)]
    return ties(names, shown)


def names(chosen: list[Tie]) -> list[list[str]]:
    return [g.names for g in chosen]


@pytest.mark.parametrize(("units", "n"), [(2, 1), (3, 1), (4, 2), (6, 2), (7, 2), (8, 3), (13, 3)])
def test_how_many_are_named_at_each_end(units: int, n: int) -> None:
    assert named_count(units) == n


def test_ties_are_runs_of_equal_figures_with_their_competition_place() -> None:
    assert ties(["甲", "乙", "丙", "丁"], ["90%", "80%", "80%", "70%"]) == [
        Tie(1, ["甲"], "90%"),
        Tie(2, ["乙", "丙"], "80%"),
        Tie(4, ["丁"], "70%"),
    ]
    # ties by place (the reports' 排名), shown by rate: equal rates in different places stay apart
    assert ties(["甲", "乙"], ["50%", "50%"], [1, 2]) == [Tie(1, ["甲"], "50%"), Tie(2, ["乙"], "50%")]


def test_the_first_places_are_filled_first_and_no_group_is_named_twice() -> None:
    chosen = groups((1, "100%"), (3, "50%"), (1, "0%"))  # a tie from second to fourth place of five
    assert [names(end) for end in ends(chosen, 2)] == [[["单位1"], ["单位2", "单位3", "单位4"]], [["单位5"]]]


def test_the_last_group_is_always_named_last() -> None:
    chosen = groups((1, "100%"), (4, "0%"))
    assert [names(end) for end in ends(chosen, 2)] == [[["单位1"]], [["单位2", "单位3", "单位4", "单位5"]]]


def test_a_zero_group_is_never_among_the_first_but_the_first_group() -> None:
    places = ["单位1", "单位2", "单位3", "单位4"]
    chosen = ties(places, ["20%", "0%", "0%", "0%"], [1, 2, 3, 4])  # equal rates, places split by red lights
    top, bottom = ends(chosen, 2, floor="0%")
    assert names(top) == [["单位1"]]
    assert names(bottom) == [["单位3"], ["单位4"]]
    assert names(ends(chosen, 2)[0]) == [["单位1"], ["单位2"]]  # without a floor (gains) it would be


def test_one_group_is_only_the_first() -> None:
    only = groups((3, "100%"))
    assert ends(only, 3) == (only, [])


def test_the_last_places_alone_take_whole_groups_from_the_end() -> None:
    falls = groups((1, "下降5.0个百分点"), (1, "下降8.0个百分点"), (2, "下降9.0个百分点"))
    assert names(last(falls, 1)) == [["单位3", "单位4"]]
    assert names(last(falls, 3)) == [["单位2"], ["单位3", "单位4"]]
    assert names(last(falls[:2], 3)) == [["单位1"], ["单位2"]]  # fewer falls than the count: every one
