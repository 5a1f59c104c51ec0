"""Properties (hypothesis): whatever a cell or a file holds, only typed failures come out.

The normalisers return a value or an ``Invalid`` for any input; ``textsafe`` makes any text
writable by openpyxl and python-docx; and reading a workbook of any shape, or the bytes of a
damaged one, gives a ``RawTable`` or raises ``FileRefused``, nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from builders_ingest import list_grid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo_campaign.sample import Grid, write_grids_xls, write_grids_xlsx
from pipeline import ingest, normalize, textsafe
from pipeline.errors import FileRefused
from pipeline.vocab import COLUMNS, load_vocabulary

VOCAB = load_vocabulary()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.text(max_size=10)
cell_values = st.one_of(
    st.none(),
    any_text,
    st.sampled_from([*COLUMNS, "合计", "注：", "填报单位：红星村", "4月底", "已完成", "4.3", "=SUM(A1)", "HX-001"]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
)


@FAST
@given(value=st.one_of(cell_values, st.floats()), long_term=st.booleans())
def test_parse_date_returns_a_value_or_invalid(value: Any, long_term: bool) -> None:
    result = normalize.parse_date(value, 2022, dt.date(2022, 3, 18), long_term)
    assert result is None or isinstance(result, (dt.date, normalize.Invalid)) or result == normalize.LONG_TERM


@FAST
@given(value=cell_values)
def test_category_status_and_text_normalisers_never_raise(value: Any) -> None:
    for result in (normalize.parse_category(value, VOCAB), normalize.parse_status(value, VOCAB)):
        assert result is None or isinstance(result, (str, normalize.Invalid))
    text = normalize.text_value(value)
    assert text is None or (isinstance(text, str) and text == text.strip(" \t\r\n\u3000\u00a0"))


@FAST
@given(text=st.text(max_size=200), repeat=st.sampled_from([1, 1, 1, 200, 2000]))
def test_textsafe_text_is_written_and_read_back_by_openpyxl_and_python_docx(text: str, repeat: int) -> None:
    text = text * repeat  # sometimes past Excel's 32,767 characters
    safe = textsafe.cell_text(text)
    assert textsafe.is_clean(safe) and len(safe) <= textsafe.EXCEL_CELL_MAX
    if textsafe.is_clean(text) and len(text) <= textsafe.EXCEL_CELL_MAX:
        assert safe == text  # clean text passes untouched
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = safe
    buffer = io.BytesIO()
    wb.save(buffer)
    document = docx.Document()
    document.add_paragraph(textsafe.xml_text(text))
    document.save(io.BytesIO())


@FAST
@given(name=st.binary(min_size=1, max_size=40))
def test_any_file_name_bytes_become_writable_text(name: bytes) -> None:
    shown = textsafe.file_name(os.fsdecode(name))
    shown.encode("utf-8")  # SQLite, JSON and the audit hash take it
    assert textsafe.is_clean(shown)


def random_grid(draw: Any) -> Grid:
    rows = draw(st.integers(min_value=0, max_value=25))
    cols = draw(st.integers(min_value=1, max_value=16))
    cells = [[draw(cell_values) for _ in range(cols)] for _ in range(rows)]
    if rows > 3 and draw(st.booleans()):  # often a real header, so tables are found and rows read
        cells[draw(st.integers(min_value=0, max_value=3))][: len(COLUMNS)] = list(COLUMNS)[:cols]
    merges = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        if rows and cols:
            r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
            r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
            if (r0, c0) != (r1, c1) and not any(not (r1 < a or b < r0 or c1 < c or d < c0) for a, c, b, d in merges):
                merges.append((r0, c0, r1, c1))
    return Grid(draw(st.sampled_from(["问题清单", "Sheet1", "说明", "附件2"])), cells, merges)


@st.composite
def workbooks(draw: Any) -> tuple[str, list[Grid]]:
    form = draw(st.sampled_from(["xlsx", "xls"]))
    grids = [random_grid(draw) for _ in range(draw(st.integers(min_value=1, max_value=3)))]
    for i, grid in enumerate(grids):
        grid.name = f"{grid.name}{i}"
    return form, grids


def write(form: str, grids: list[Grid], tmp: Any) -> bytes:
    path = tmp / f"book.{form}"
    if form == "xls":
        write_grids_xls(path, grids)
    else:
        write_grids_xlsx(path, grids)
    return path.read_bytes()


def read_or_refuse(data: bytes) -> ingest.RawTable | None:
    try:
        return ingest.read_bytes(data, VOCAB, "随机.xlsx")
    except FileRefused as exc:
        assert exc.code.startswith(("file-", "table-")), exc.code
        return None


@FAST
@given(book=workbooks())
def test_a_workbook_of_any_shape_gives_a_table_or_a_typed_refusal(
    book: tuple[str, list[Grid]], tmp_path_factory: Any
) -> None:
    form, grids = book
    try:
        data = write(form, grids, tmp_path_factory.mktemp("p"))
    except Exception:  # the writer itself refuses some values (e.g. xlwt and odd floats): not our input
        return
    raw = read_or_refuse(data)
    if raw is not None:
        assert raw.header_row >= 1 and all(r > raw.header_row for r in raw.frame.index)
        assert set(raw.frame.columns) == set(raw.columns)


@functools.cache
def good_xlsx() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.xlsx"
        write_grids_xlsx(path, [list_grid()])
        return path.read_bytes()


@FAST
@given(
    cut=st.integers(min_value=0, max_value=4000),
    flips=st.lists(st.tuples(st.integers(min_value=0, max_value=20000), st.integers(1, 255)), max_size=6),
)
def test_damaged_bytes_give_a_table_or_a_typed_refusal(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(good_xlsx())
    for at, bits in flips:
        data[at % len(data)] ^= bits
    if cut:
        data = data[: len(data) - cut]
    read_or_refuse(bytes(data))


@pytest.mark.parametrize("data", [b"PK\x03\x04", b"PK\x05\x06" + b"\x00" * 18, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_bare_magic_numbers_are_refused(data: bytes) -> None:
    assert read_or_refuse(data) is None
