"""Check submissions cell by cell (SPEC §4).

Two passes. ``check_tables`` normalises every file's rows and validates them all with one
pandera schema call (the frame is indexed so each failure maps back to a file and an Excel
cell). ``check_against_ledger`` then applies the rules that need the ledger: ids, problems left
out, deadline changes. Errors return the whole file; warnings let it through.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.config import Campaign, Unit
from pipeline.ingest import RawTable
from pipeline.kinds import MATTER_STATUSES, LedgerKind
from pipeline.messages import Message, has_errors
from pipeline.normalize import (
    LONG_TERM,
    ExcelError,
    Invalid,
    category_lookup,
    parse_choice,
    parse_date,
    parse_day,
    status_lookup,
    text_value,
)
from pipeline.storage.ledger import ItemView, LedgerView, Registered
from pipeline.vocab import COLUMNS, FREE_TEXT, OPEN_STATUSES, STATUSES, Vocabulary, load_vocabulary

ID_PATTERN = re.compile(r"^[A-Z0-9_]+-\d{3,}$")
MIN_DESCRIPTION = 10
NORMALISED: tuple[str, ...] = COLUMNS  # the normalised frame has every canonical column


@dataclass(frozen=True)
class Submission:
    """A file that was read, with what is known of it before checking."""

    raw: RawTable
    unit: Unit
    received: dt.datetime
    messages: tuple[Message, ...] = ()  # from ingest and unit identification


@dataclass(frozen=True)
class Checked:
    """A submission after checking: normalised rows (index = Excel row) and every message."""

    submission: Submission
    rows: pd.DataFrame
    messages: tuple[Message, ...]
    items: dict[str, pd.DataFrame] = field(default_factory=dict)  # other kinds' normalised rows (kind name ->)

    @property
    def accepted(self) -> bool:
        return not has_errors(list(self.messages))

    @property
    def unit(self) -> Unit:
        return self.submission.unit

    @property
    def file_name(self) -> str:
        return self.submission.raw.file_name


def records(frame: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row, values) pairs; unlike ``iterrows`` this keeps ``None`` as ``None``.

    The values of ``frame.to_dict("records")``, read through one object array (the frames here
    are small and many: ``to_dict`` costs a few milliseconds each).
    """
    columns = frame.columns.tolist()
    rows = frame.to_numpy(dtype=object).tolist()
    return [(int(i), dict(zip(columns, row, strict=True))) for i, row in zip(frame.index, rows, strict=True)]


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_deadline(value: Any) -> bool:
    return _is_day(value) or (isinstance(value, str) and value == LONG_TERM)


# The seven categories are fixed by the package vocabulary; a workspace adds synonyms, not categories.
CATEGORY_NAMES: tuple[str, ...] = load_vocabulary().category_names
_COMPLETED = "已完成"
_NOT_COMPLETED = [s for s in STATUSES if s != _COMPLETED]


class ProblemRows(pa.DataFrameModel):
    """The normalised problem list (SPEC §3): one row per problem, index (file number, Excel row).

    A check's ``error`` is a catalogue code; a cell the normalisers could not read holds an
    ``Invalid`` whose own code is more precise (``date-number`` for the ``4.3`` trap, say).
    """

    问题编号: Series[object] = pa.Field(nullable=True)
    序号: Series[object] = pa.Field(nullable=True)
    问题类别: Series[object] = pa.Field(nullable=False)
    具体问题: Series[object] = pa.Field(nullable=False)
    整改措施: Series[object] = pa.Field(nullable=False)
    责任领导: Series[object] = pa.Field(nullable=False)
    责任人: Series[object] = pa.Field(nullable=False)
    完成时限: Series[object] = pa.Field(nullable=False)
    整改进展: Series[object] = pa.Field(nullable=True)
    完成状态: Series[object] = pa.Field(nullable=False)
    完成日期: Series[object] = pa.Field(nullable=True)
    备注: Series[object] = pa.Field(nullable=True)

    @pa.check("问题类别", error="category-invalid")
    def category_known(cls, values: Series[object]) -> Series[bool]:
        return values.isin(CATEGORY_NAMES)

    @pa.check("完成状态", error="status-invalid")
    def status_known(cls, values: Series[object]) -> Series[bool]:
        return values.isin(STATUSES)

    @pa.check("完成时限", error="date-invalid")
    def deadline_readable(cls, values: Series[object]) -> Series[bool]:
        return values.map(_is_deadline).astype(bool)

    @pa.check("完成日期", error="date-invalid")
    def completion_readable(cls, values: Series[object]) -> Series[bool]:
        return values.map(_is_day).astype(bool)

    @pa.dataframe_check(error="completed-without-date")
    def completed_has_date(cls, df: pd.DataFrame) -> Series[bool]:
        return ~((df["完成状态"] == _COMPLETED) & df["完成日期"].isna())

    @pa.dataframe_check(error="date-without-completed")
    def date_only_when_completed(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["完成日期"].map(_is_day).astype(bool) & df["完成状态"].isin(_NOT_COMPLETED))

    class Config:
        name = "问题清单"
        strict = False
        coerce = False


# The column a frame-wide check points at, for the cell address of its message.
_CHECK_COLUMN = {"completed-without-date": "完成日期", "date-without-completed": "完成日期"}
# The columns whose every filled cell a check of ProblemRows reads (an ``Invalid`` there is reported by it).
_CHECKED = {"问题类别", "完成状态", "完成时限", "完成日期"}


def normalise(sub: Submission, campaign: Campaign, vocab: Vocabulary) -> pd.DataFrame:
    """The submission's rows with canonical categories, statuses and dates (same index).

    Unreadable cells hold an ``Invalid`` (code and value as written); empty cells ``None``.
    即知即改 stands for the 填报日期 of the header block, else the day the file was received.
    """
    cells, bounds = _normalised_cells([sub], campaign, vocab)
    return _file_frame(cells, bounds[0], sub.raw.rows)


def _normalised_cells(
    subs: Sequence[Submission], campaign: Campaign, vocab: Vocabulary
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """``normalise`` for many submissions at once: one object array (rows of every file, one after
    the other; columns ``NORMALISED``) and each file's (start, stop) rows in it. Every column of
    the whole batch is parsed in one pass, categories and statuses looked up once per text."""
    year = campaign.year
    columns: dict[str, list[Any]] = {c: [] for c in NORMALISED}
    immediates: list[dt.date] = []
    bounds: list[tuple[int, int]] = []
    start = 0
    errors = any(sub.raw.excel_errors for sub in subs)  # cells showing #DIV/0!, #REF! … (rare: looked for then)
    for sub in subs:
        raw = sub.raw
        n = len(raw.rows)
        bounds.append((start, start + n))
        start += n
        if not n:
            continue
        filled = parse_day(raw.filled_text, year)
        immediates.extend([filled or sub.received.date()] * n)
        position = dict(zip(raw.columns, raw.values, strict=True))
        for column in NORMALISED:
            columns[column].extend(position[column] if column in position else [None] * n)
    out = np.empty((start, len(NORMALISED)), dtype=object)
    for j, column in enumerate(NORMALISED):
        values = [None if v is None or (isinstance(v, str) and not v.strip()) else v for v in columns[column]]
        failed = _excel_errors(values) if errors else {}
        if column == "问题类别":
            lookup = category_lookup(values, vocab)
            result = [parse_choice(v, lookup, "category-invalid") for v in values]
        elif column == "完成状态":
            lookup = status_lookup(values, vocab)
            result = [parse_choice(v, lookup, "status-invalid") for v in values]
        elif column in ("完成时限", "完成日期"):
            allow = column == "完成时限"
            result = [parse_date(v, year, day, allow) for v, day in zip(values, immediates, strict=True)]
        elif column == "问题编号":
            result = [_id(v) for v in values]
        else:
            result = [(v.strip(_BLANKS) or None) if type(v) is str else text_value(v) for v in values]
        for i, invalid in failed.items():
            result[i] = invalid
        out[:, j] = np.fromiter(result, dtype=object, count=start)  # no value is ever taken for a sequence
    return out, bounds


EXCEL_ERROR = "cell-excel-error"


def _excel_errors(values: list[Any]) -> dict[int, Invalid]:
    """The cells of ``values`` showing an Excel error, each as an ``Invalid`` quoting the error;
    they are emptied in ``values`` (so no normaliser sees them)."""
    failed = {i: Invalid(EXCEL_ERROR, v.text) for i, v in enumerate(values) if type(v) is ExcelError}
    for i in failed:
        values[i] = None
    return failed


def _error_cells(
    raw: RawTable, frame: pd.DataFrame, columns: Sequence[str], checked: set[str], file_name: str, sheet: str
) -> list[Message]:
    """A message for each cell of ``columns`` showing an Excel error, but those of ``checked``
    (the schema's checks report them: a category, a status, a date)."""
    found: list[Message] = []
    for column in columns:
        if column in checked or column not in raw.columns:
            continue
        for row, value in frame[column].items():
            if isinstance(value, Invalid) and value.code == EXCEL_ERROR:
                found.append(
                    Message(
                        EXCEL_ERROR,
                        file=file_name,
                        sheet=sheet,
                        cell=raw.cell(column, int(row)),
                        params={"column": column, "value": value.value},
                    )
                )
    return found


_BLANKS = " \t\r\n\u3000\u00a0"  # what text_value trims


@lru_cache(maxsize=1)
def _normalised_columns() -> pd.Index:
    return pd.Index(list(NORMALISED))


def _file_frame(cells: np.ndarray, bounds: tuple[int, int], rows: Sequence[int]) -> pd.DataFrame:
    """One file's normalised rows: its slice of the batch's cells, indexed by its Excel rows."""
    start, stop = bounds
    index = pd.Index(np.array(rows, dtype=np.int64), name="行")
    return pd.DataFrame(cells[start:stop], index=index, columns=_normalised_columns(), dtype=object, copy=True)


def _id(value: Any) -> str | None:
    text = text_value(value)
    return text.upper().replace(" ", "").replace("－", "-").replace("—", "-") if text else None


def warm_up() -> None:
    """Validate one empty row: pandera builds the schema and loads its checking code on the first
    call (about 0.06 s), which a run can spend while its files are being read."""
    row = pd.DataFrame({c: [None] for c in NORMALISED}, dtype=object)
    with contextlib.suppress(Exception):  # the empty row fails, as it should; the real pass reports any bug
        ProblemRows.validate(row, lazy=True)


def check_tables(subs: Sequence[Submission], campaign: Campaign, vocab: Vocabulary) -> list[Checked]:
    """Normalise every submission and validate them all in one pandera pass (``lazy=True``).

    The batch is indexed by file number and Excel row (``_key``), so each failure case names its cell;
    frame-wide checks report a failing row once per column, and those repeats are folded.
    """
    if not subs:
        return []
    cells, bounds = _normalised_cells(subs, campaign, vocab)
    frames = [_file_frame(cells, b, s.raw.rows) for s, b in zip(subs, bounds, strict=True)]
    keys = [_key(i, r) for i, s in enumerate(subs) for r in s.raw.rows]
    batch = pd.DataFrame(
        cells, index=pd.Index(np.array(keys, dtype=np.int64)), columns=_normalised_columns(), dtype=object, copy=False
    )
    found: dict[int, list[Message]] = {i: [] for i in range(len(subs))}
    if len(batch):
        try:
            ProblemRows.validate(batch, lazy=True)
        except pa.errors.SchemaErrors as exc:
            _collect(exc.failure_cases, batch, [s.raw for s in subs], found)
    for i, (sub, frame) in enumerate(zip(subs, frames, strict=True)):
        if sub.raw.excel_errors:
            found[i].extend(_error_cells(sub.raw, frame, NORMALISED, _CHECKED, sub.raw.file_name, sub.raw.sheet))
    rules = _row_rules(subs, cells, bounds, campaign)
    results: list[Checked] = []
    for i, (sub, frame) in enumerate(zip(subs, frames, strict=True)):
        messages = [*sub.messages, *sorted(found[i], key=_order(sub.raw)), *rules[i]]
        results.append(Checked(sub, frame, tuple(messages)))
    return results


_ROW_BITS = 20  # Excel has at most 2**20 rows


def _key(file_no: int, row: int) -> int:
    """One integer index for (file, Excel row) in the batch; pandera reports it back as is."""
    return (file_no << _ROW_BITS) | row


def _order(raw: RawTable) -> Any:
    cols = list(raw.columns)

    def sort_key(m: Message) -> tuple[int, int]:
        row = int("".join(ch for ch in m.cell if ch.isdigit()) or 0)
        letter = "".join(ch for ch in m.cell if ch.isalpha())
        pos = next((i for i, c in enumerate(cols) if raw.columns[c] == letter), 99)
        return row, pos

    return sort_key


def _collect(
    cases: pd.DataFrame,
    batch: pd.DataFrame,
    raws: Sequence[RawTable],
    found: dict[int, list[Message]],
    check_columns: dict[str, str] = _CHECK_COLUMN,
    status_column: str = "完成状态",
) -> None:
    seen: set[tuple[int, int, str, str]] = set()
    for case in cases.itertuples(index=False):
        idx = case.index
        if idx is None or pd.isna(idx):
            continue  # schema-level failures (a missing column) carry no row
        check = str(case.check)
        if check.startswith("column_in_dataframe") or check.startswith("dtype("):
            continue
        column = check_columns.get(check, str(case.column))
        file_no, row = int(idx) >> _ROW_BITS, int(idx) & ((1 << _ROW_BITS) - 1)
        marker = (file_no, row, column, check)
        if marker in seen:  # frame-wide checks report a row once per column; fold them
            continue
        seen.add(marker)
        raw = raws[file_no]
        cell_value = batch.at[int(idx), column]
        raw_value = raw.frame.at[row, column] if column in raw.columns else None
        code = "cell-required" if check == "not_nullable" else check
        extra: dict[str, Any] = {}
        if isinstance(cell_value, Invalid):
            code, raw_value, extra = cell_value.code, cell_value.value, dict(cell_value.params)
        params: dict[str, Any] = {"column": column, "value": _show(raw_value), **extra}
        if code in ("date-without-completed", "date-without-done"):
            params["status"] = batch.at[int(idx), status_column]
            params["value"] = _show(cell_value)
        found[file_no].append(
            Message(code, file=raw.file_name, sheet=raw.sheet, cell=raw.cell(column, row), params=params)
        )


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Invalid):
        value = value.value
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.time):
        return f"{value:%H:%M:%S}" if value.second else f"{value:%H:%M}"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


def _row_rules(
    subs: Sequence[Submission], cells: np.ndarray, bounds: list[tuple[int, int]], campaign: Campaign
) -> list[list[Message]]:
    """Rules on single rows that need no ledger, for the whole batch at once (each file's messages,
    in row order): completion after receipt, short text, deadline after the rectification phase,
    and a file with no problem at all."""
    column = {c: j for j, c in enumerate(NORMALISED)}
    received = _per_row([s.received.date() for s in subs], bounds)
    done = cells[:, column["完成日期"]].tolist()
    texts = cells[:, column["具体问题"]].tolist()
    deadlines = cells[:, column["完成时限"]].tolist()
    end = campaign.rectification_end
    late_done = {i for i, (d, r) in enumerate(zip(done, received, strict=True)) if _is_day(d) and d > r}
    short = {i for i, t in enumerate(texts) if isinstance(t, str) and len(t.replace(" ", "")) < MIN_DESCRIPTION}
    late_deadline = {i for i, d in enumerate(deadlines) if _is_day(d) and d > end}
    hits = sorted(late_done | short | late_deadline)
    out: list[list[Message]] = [[] for _ in subs]
    file_no = 0
    for i in hits:
        while i >= bounds[file_no][1]:
            file_no += 1
        raw = subs[file_no].raw
        row = raw.rows[i - bounds[file_no][0]]
        found: list[tuple[str, str, dict[str, Any]]] = []
        if i in late_done:
            found.append(
                ("completed-after-received", "完成日期", {"value": _show(done[i]), "received": _show(received[i])})
            )
        if i in short:
            found.append(("description-too-short", "具体问题", {"value": texts[i]}))
        if i in late_deadline:
            found.append(("deadline-after-phase", "完成时限", {"value": _show(deadlines[i]), "phase_end": _show(end)}))
        out[file_no].extend(
            Message(code, file=raw.file_name, sheet=raw.sheet, cell=raw.cell(col, row), params=params)
            for code, col, params in found
        )
    for file_no, (start, stop) in enumerate(bounds):
        if start == stop:
            raw = subs[file_no].raw
            out[file_no].append(Message("no-problems", file=raw.file_name, sheet=raw.sheet))
    return out


def _per_row(values: list[Any], bounds: list[tuple[int, int]]) -> list[Any]:
    """Each file's value repeated over its rows of the batch."""
    out: list[Any] = []
    for value, (start, stop) in zip(values, bounds, strict=True):
        out.extend([value] * (stop - start))
    return out


def check_against_ledger(checked: Checked, ledger: LedgerView) -> Checked:
    """Apply the ledger rules (SPEC §4): ids, problems left out, and changes against last month."""
    raw = checked.submission.raw
    unit = checked.unit
    frame = checked.rows
    messages: list[Message] = []

    def msg(code: str, column: str, row: int | None, **params: Any) -> Message:
        cell = raw.cell(column, row) if row is not None else ""
        return Message(code, file=raw.file_name, sheet=raw.sheet, cell=cell, params=params)

    first_row: dict[str, int] = {}
    for r, rec in records(frame):
        pid = rec["问题编号"]
        if pid is None or isinstance(pid, Invalid):  # an id cell showing an Excel error: reported already
            continue
        owner = ledger.owners.get(pid)
        if not ID_PATTERN.match(pid) or owner is None:
            messages.append(msg("id-unknown", "问题编号", r, value=pid))
        elif owner != unit.code:
            messages.append(msg("id-foreign", "问题编号", r, value=pid, owner=ledger.unit_names.get(owner, owner)))
        elif pid in first_row:
            messages.append(msg("id-repeated", "问题编号", r, value=pid, other=first_row[pid]))
        else:
            first_row[pid] = r
            prev = ledger.registered.get(pid)
            if prev is not None:
                messages.extend(_changes(prev, rec, r, msg))
    for pid, prev in sorted(ledger.registered.items()):
        if prev.status != "已完成" and pid not in first_row:
            messages.append(msg("problem-missing", "问题编号", None, value=pid, description=_clip(prev.description)))
    return Checked(checked.submission, frame, (*checked.messages, *messages))


def _clip(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _changes(prev: Registered, rec: dict[str, Any], row: int, msg: Any) -> list[Message]:
    out: list[Message] = []
    deadline = rec["完成时限"]
    status = rec["完成状态"]
    if (
        prev.deadline is not None
        and deadline is not None
        and deadline != prev.deadline
        and (_is_day(deadline) or deadline == LONG_TERM)
    ):
        out.append(
            msg(
                "deadline-changed",
                "完成时限",
                row,
                problem_id=prev.problem_id,
                old=_show(prev.deadline),
                value=_show(deadline),
            )
        )
    if prev.status == "已完成" and status in STATUSES and status != "已完成":
        out.append(msg("status-reverted", "完成状态", row, problem_id=prev.problem_id, value=status))
    if status in OPEN_STATUSES and (rec["整改进展"] or "") == (prev.progress or ""):
        out.append(msg("progress-unchanged", "整改进展", row, problem_id=prev.problem_id))
    return out


# --- other ledger kinds (pipeline/kinds.py) ------------------------------------------------------

_DONE_MATTER = "已办结"
_OPEN_MATTER = [s for s in MATTER_STATUSES if s != _DONE_MATTER]


class MatterRows(pa.DataFrameModel):
    """A unit's progress on its assigned matters (its 交办事项 sheet), index (file number, Excel row)."""

    编号: Series[object] = pa.Field(nullable=False)
    事项内容: Series[object] = pa.Field(nullable=True)
    办理时限: Series[object] = pa.Field(nullable=True)  # the office's deadline, shown to the unit; not read
    办理进展: Series[object] = pa.Field(nullable=True)
    办理状态: Series[object] = pa.Field(nullable=False)
    办结日期: Series[object] = pa.Field(nullable=True)

    @pa.check("办理状态", error="matter-status-invalid")
    def status_known(cls, values: Series[object]) -> Series[bool]:
        return values.isin(MATTER_STATUSES)

    @pa.check("办结日期", error="date-invalid")
    def done_readable(cls, values: Series[object]) -> Series[bool]:
        return values.map(_is_day).astype(bool)

    @pa.dataframe_check(error="done-without-date")
    def done_has_date(cls, df: pd.DataFrame) -> Series[bool]:
        return ~((df["办理状态"] == _DONE_MATTER) & df["办结日期"].isna())

    @pa.dataframe_check(error="date-without-done")
    def date_only_when_done(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["办结日期"].map(_is_day).astype(bool) & df["办理状态"].isin(_OPEN_MATTER))

    class Config:
        name = "交办事项"
        strict = False
        coerce = False


class RegisterRows(pa.DataFrameModel):
    """The office's own list of assigned matters (交办事项.xlsx), index (0, Excel row)."""

    编号: Series[object] = pa.Field(nullable=False)
    交办日期: Series[object] = pa.Field(nullable=False)
    交办领导: Series[object] = pa.Field(nullable=False)
    事项内容: Series[object] = pa.Field(nullable=False)
    承办单位: Series[object] = pa.Field(nullable=False)
    办理时限: Series[object] = pa.Field(nullable=False)

    @pa.check("交办日期", error="date-invalid")
    def assigned_readable(cls, values: Series[object]) -> Series[bool]:
        return values.map(_is_day).astype(bool)

    @pa.check("办理时限", error="date-invalid")
    def deadline_readable(cls, values: Series[object]) -> Series[bool]:
        return values.map(_is_day).astype(bool)

    class Config:
        name = "交办事项清单"
        strict = False
        coerce = False


def item_id(value: Any) -> str | None:
    """An item's id as the office wrote it: full-width folded, spaces and dash variants unified."""
    text = text_value(value)
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"\s+", "", folded).replace("—", "-").replace("–", "-")


def normalise_kind(
    raw: RawTable, kind: LedgerKind, campaign: Campaign, vocab: Vocabulary, received: dt.date
) -> pd.DataFrame:
    """``raw``'s rows in ``kind``'s canonical columns: statuses in the kind's vocabulary, dates,
    ids; unreadable cells hold an ``Invalid``. A kind with assignees takes its deadline from the
    office's register: the unit's copy of it is kept as text, not read."""
    year = campaign.year
    immediate = parse_day(raw.filled_text, year) or received
    index = pd.Index(np.array(raw.rows, dtype=np.int64), name="行")
    out = pd.DataFrame(index=index, columns=list(kind.columns), dtype=object)
    for column in kind.columns:
        given = raw.column(column)
        values = list(given) if given is not None else [None] * len(raw.rows)
        values = [None if v is None or (isinstance(v, str) and not v.strip()) else v for v in values]
        failed = _excel_errors(values) if raw.excel_errors else {}
        if column == kind.status_column:
            lookup = {t: kind.status(vocab, t) for t in {str(v).strip() for v in values if v is not None}}
            result = [parse_choice(v, lookup, kind.status_code) for v in values]
        elif column in kind.date_columns and not (kind.assignees and column == kind.deadline_column):
            result = [parse_date(v, year, immediate, column == kind.deadline_column) for v in values]
        elif column == kind.id_column:
            result = [item_id(v) for v in values]
        else:
            result = [text_value(v) for v in values]
        for i, invalid in failed.items():
            result[i] = invalid
        out[column] = pd.Series(result, index=index, dtype=object)
    return out


def _kind_checked(kind: LedgerKind) -> set[str]:
    """The columns of ``kind`` whose every filled cell a check of its schema reads."""
    read = {kind.status_column, *kind.date_columns} - {""}
    if kind.assignees:
        read.discard(kind.deadline_column)  # the office's deadline, kept as text
    return read


def check_kind_tables(
    raws: Sequence[RawTable], kind: LedgerKind, campaign: Campaign, vocab: Vocabulary, received: Sequence[dt.date]
) -> list[tuple[pd.DataFrame, list[Message]]]:
    """Normalise and validate every table of ``kind`` in one pandera pass; (rows, messages) each."""
    frames = [normalise_kind(r, kind, campaign, vocab, d) for r, d in zip(raws, received, strict=True)]
    found: dict[int, list[Message]] = {i: [] for i in range(len(raws))}
    if frames:
        batch = pd.concat([f.set_axis([_key(i, r) for r in f.index]) for i, f in enumerate(frames)])
        if len(batch):
            try:
                kind.schema().validate(batch, lazy=True)
            except pa.errors.SchemaErrors as exc:
                _collect(exc.failure_cases, batch, raws, found, kind.check_columns, kind.status_column)
    out = []
    for i, (raw, frame) in enumerate(zip(raws, frames, strict=True)):
        if raw.excel_errors:
            found[i].extend(_error_cells(raw, frame, kind.columns, _kind_checked(kind), raw.file_name, raw.sheet))
        messages = sorted(found[i], key=_order(raw))
        if kind.done_column:
            for r, rec in records(frame):
                done = rec[kind.done_column]
                if _is_day(done) and done > received[i]:
                    messages.append(
                        Message(
                            "completed-after-received",
                            file=raw.file_name,
                            sheet=raw.sheet,
                            cell=raw.cell(kind.done_column, r),
                            params={"value": _show(done), "received": _show(received[i])},
                        )
                    )
        out.append((frame, [*raw.notices, *messages]))
    return out


def check_items(
    checked: Checked, kind: LedgerKind, rows: pd.DataFrame | None, messages: Sequence[Message], view: ItemView
) -> Checked:
    """Add a unit's table of ``kind`` (None: the file has none) to ``checked``, with the ledger rules:
    an id the office never assigned, or assigned to other units, is an error, as is an id given
    twice; an item the unit was assigned before this month and has not finished must be in the file
    (a unit may not make an item vanish by leaving it out); a finished item reopened, and an open
    one whose progress reads as it did last month, are reported (warnings)."""
    raw = checked.submission.raw.extra.get(kind.name)
    file_name = checked.file_name
    sheet = raw.sheet if raw is not None else kind.sheet
    frame = rows if rows is not None else pd.DataFrame(columns=list(kind.columns), dtype=object)
    out: list[Message] = list(messages)

    def msg(code: str, column: str, row: int | None, **params: Any) -> Message:
        cell = raw.cell(column, row) if raw is not None and row is not None else ""
        return Message(code, file=file_name, sheet=sheet, cell=cell, params=params)

    first_row: dict[str, int] = {}
    for r, rec in records(frame):
        iid = rec[kind.id_column]
        if iid is None or isinstance(iid, Invalid):  # an id cell showing an Excel error: reported already
            continue
        units = view.owners.get(iid)
        if units is None:
            out.append(msg("item-unknown", kind.id_column, r, value=iid, label=kind.label))
        elif checked.unit.code not in units:
            names = "、".join(view.unit_names.get(u, u) for u in units)
            out.append(msg("item-not-assigned", kind.id_column, r, value=iid, label=kind.label, owner=names))
        elif iid in first_row:
            out.append(msg("item-repeated", kind.id_column, r, value=iid, other=first_row[iid]))
        else:
            first_row[iid] = r
            prev = view.assigned.get(iid)
            status = rec[kind.status_column]
            if prev is not None and prev.status == kind.done_status and status in kind.open_statuses:
                out.append(msg("item-reopened", kind.status_column, r, value=iid, status=status, label=kind.label))
            elif (
                prev is not None
                and prev.progress is not None  # the unit reported on it last month
                and status in kind.open_statuses
                and (rec[kind.progress_column] or "") == prev.progress
            ):
                out.append(msg("item-progress-unchanged", kind.progress_column, r, value=iid, label=kind.label))
    for iid, prev in sorted(view.assigned.items()):
        if prev.required and prev.status != kind.done_status and iid not in first_row:
            out.append(
                msg("item-missing", kind.id_column, None, value=iid, description=_clip(prev.content), label=kind.label)
            )
    items = {**checked.items, kind.name: frame}
    return Checked(checked.submission, checked.rows, (*checked.messages, *out), items)


__all__ = [
    "FREE_TEXT",
    "Checked",
    "LedgerView",
    "Registered",
    "Submission",
    "check_against_ledger",
    "check_tables",
    "normalise",
]
