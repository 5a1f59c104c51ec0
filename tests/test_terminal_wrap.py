"""The run's summary wraps its lines as the plain way does (issue #21).

``terminal.wrap`` used to build one regular expression per line, out of the file and unit names
that line holds, and compile it: a county's thousand files took five seconds to print. It now
cuts the text with patterns compiled once (``terminal.atoms``); these tests hold it to the plain
way, kept here as the reference, on any text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from pipeline import terminal
from pipeline.terminal import wrap

OPENING = "（《「『“‘(["
CLOSING = "，。、；：！？）》」』”’,.;:!?)]"
QUOTED = "“[^”\n]{0,20}”|‘[^’\n]{0,20}’|《[^》\n]{0,20}》|「[^」\n]{0,20}」"


def plain_wrap(text: str, width: int, keep: Iterable[str] = ()) -> list[str]:
    """The plain way: one pattern for the text, its names first, then counts, Latin words, spaces
    and single characters, each with its brackets and closing punctuation."""
    names = sorted({k for k in keep if k and k in text}, key=len, reverse=True)
    closing, opening = f"[{re.escape(CLOSING)}]*", f"[{re.escape(OPENING)}]*"
    counted = r"[\u4e00-\u9fff]{1,2} \d+(?![\w.:/\-])|(?<![\w.:/\-])\d+ [\u4e00-\u9fff]"
    pieces = "|".join([*map(re.escape, names), counted, r"[A-Za-z0-9_./:\-]+", r"\s+", r"."])
    atoms = re.findall(f"(?:{QUOTED}){closing}|{opening}(?:{pieces}){closing}", text, re.S)
    lines: list[str] = []
    line = ""
    for atom in atoms:
        if atom.isspace() and atom.count("\n"):
            lines.append(line.rstrip())
            line = ""
            continue
        if line and cell_len(line + atom.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if atom.isspace() else atom
            continue
        line += atom
    lines.append(line.rstrip())
    return lines


def test_the_reference_is_the_programs_own_punctuation() -> None:
    assert (terminal._OPENING, terminal._CLOSING, terminal._QUOTED) == (OPENING, CLOSING, QUOTED)


LETTERS = "红星村东风社区镇财政所附件问题清单整改进展月日个重复退回" + "abcXYZ019_./:-" + "  \n\t　" + OPENING + CLOSING
LETTERS += "”’》」"
texts = st.text(alphabet=LETTERS, max_size=120)


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=4, max_value=60), st.lists(st.text(alphabet=LETTERS, max_size=12), max_size=4))
def test_any_text_wraps_as_the_plain_way_wraps_it(text: str, width: int, others: list[str]) -> None:
    words = [text[i : i + n] for i, n in zip(range(0, len(text), 7), range(2, 30, 3), strict=False)]
    keep = [*words, *others]
    assert wrap(text, width, keep) == plain_wrap(text, width, keep)


def test_a_summary_line_keeps_its_names_whole_as_before() -> None:
    name, unit = "附件2：问题清单（红星村）4月.xlsx", "红星村"
    text = f"退回  {unit}  {name}，第 3 行“完成时限”写成了 4.3：请改为日期（如 2022-04-30）。"
    for width in (10, 20, 30, 50):
        assert wrap(text, width, [name, unit]) == plain_wrap(text, width, [name, unit])
    assert wrap(text, 30, [name, unit]) == [
        "退回  红星村",
        "附件2：问题清单（红星村）4月.xlsx，",  # wider than 30 columns: alone on its line, whole
        "第 3 行“完成时限”写成了 4.3：",
        "请改为日期（如 2022-04-30）。",
    ]


def test_a_line_is_cut_into_names_quotations_words_and_characters() -> None:
    keep = ["红星村", "附件2（红星村）.xlsx", "东风社区"]  # 东风社区 is not in this line
    line = "退回  红星村  附件2（红星村）.xlsx，“完成时限”写成了 4.3（见 C9 单元格）。"
    assert terminal.atoms(line, keep) == [
        *"退回",
        "  ",
        "红星村",
        "  ",
        "附件2（红星村）.xlsx，",  # the name whole, with the comma after it
        "“完成时限”",
        *"写成了",
        " ",
        "4.3",
        "（见",  # an opening bracket goes with what follows it
        " ",
        "C9",
        " ",
        *"单元",
        "格）。",  # closing punctuation with what precedes it
    ]
    assert terminal.atoms("见（（", keep) == ["见", "（（"]  # brackets that end the text: one piece
    assert terminal.atoms("", keep) == []
