"""Check submissions cell by cell (SPEC §4), for any kind of table (pipeline/kinds.py).

Two passes. ``check_tables`` normalises every table of one kind — every file's, at once — and
validates them all with one pandera schema, built from the kind's declaration (the frame is
indexed so each failure maps back to a file and an Excel cell). ``check_ledger`` then applies the
rules that need the ledger: ids, items left out, changes against last month. Errors return the
whole file; warnings let it through.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pipeline.config import Campaign, Unit
from pipeline.ingest import RawTable, match_name
from pipeline.kinds import PROBLEM, RATING, LedgerKind, Table
from pipeline.messages import Message, has_errors
from pipeline.model import LONG_TERM, RatingLevel, RatingReason, is_blank, rating_period_text
from pipeline.normalize import (
    ExcelError,
    Invalid,
    category_lookup,
    parse_choice,
    parse_date,
    parse_day,
    text_value,
)
from pipeline.storage.ledger import View
from pipeline.vocab import Vocabulary, load_vocabulary

if TYPE_CHECKING:  # pandera is loaded when files are checked (a run warms it up while they are read)
    import pandera.pandas as pa

ID_PATTERN = re.compile(r"^[A-Z0-9_]+-\d{3,}$")  # an id the pipeline assigned: {unit code}-{NNN}
# The seven categories are fixed by the package vocabulary; a workspace adds synonyms, not categories.
CATEGORY_NAMES: tuple[str, ...] = load_vocabulary().category_names
EXCEL_ERROR = "cell-excel-error"


@dataclass(frozen=True)
class Submission:
    """A file that was read, with what is known of it before checking."""

    raw: RawTable
    unit: Unit
    received: dt.datetime
    messages: tuple[Message, ...] = ()  # from ingest and unit identification


@dataclass(frozen=True)
class Checked:
    """A submission after checking: its problem list's normalised rows (index = Excel row), the
    rows of its other kinds' tables (kind name -> rows), its rating of the departments, and every
    message."""

    submission: Submission
    rows: pd.DataFrame
    messages: tuple[Message, ...]
    items: dict[str, pd.DataFrame] = field(default_factory=dict)
    # its 办事效率评议 checked (``check_rating``): a rater's file in a month with a rating period
    # that holds the sheet; None otherwise
    rating: pd.DataFrame | None = None

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


def item_id(value: Any) -> str | None:
    """An id as written: full-width forms folded, upper case, no spaces, dash variants unified."""
    text = text_value(value)
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"\s+", "", folded).replace("—", "-").replace("–", "-")


# --- the schema of a kind -------------------------------------------------------------------------


@cache
def schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema of ``table``'s normalised rows, from its declaration: required cells
    filled, the category and status known, dates readable (长期坚持 where the kind allows it), the
    done status and the done date together. A check's ``error`` is a catalogue code; a cell the
    normalisers could not read holds an ``Invalid`` whose own code is more precise (``date-number``
    for the ``4.3`` trap, say)."""
    import pandera.pandas as pa

    columns: dict[str, pa.Column] = {}
    for column in table.columns:
        checks = []
        if column == table.category_column:
            checks.append(pa.Check.isin(CATEGORY_NAMES, error="category-invalid"))
        elif column == table.status_column:
            checks.append(pa.Check.isin(table.statuses, error=table.status_code))
        elif column in table.read_dates:
            readable = _is_deadline if column == table.long_term_column else _is_day
            checks.append(
                pa.Check(lambda v, ok=readable: v.map(ok).astype(bool), element_wise=False, error="date-invalid")
            )
        columns[column] = pa.Column(object, checks=checks, nullable=column not in table.required)
    frame_checks = []
    if table.done_column:
        done, date = table.done_status, table.done_column
        undated, dated = table.done_codes
        status = table.status_column
        frame_checks.append(pa.Check(lambda df: ~((df[status] == done) & df[date].isna()), error=undated))
        frame_checks.append(
            pa.Check(
                lambda df: (
                    ~(df[date].map(_is_day).astype(bool) & df[status].isin([s for s in table.statuses if s != done]))
                ),
                error=dated,
            )
        )
    return pa.DataFrameSchema(columns, checks=frame_checks, name=table.sheet, strict=False, coerce=False)


def _checked_columns(table: Table) -> set[str]:
    """The columns whose every filled cell a check of the schema reads (an ``Invalid`` there is
    reported by it, an Excel error too)."""
    return {c for c in (table.category_column, table.status_column, *table.read_dates) if c}


def warm_up() -> None:
    """Validate one empty row: pandera is imported (about 0.2 s), builds the schema and loads its
    checking code on the first call (about 0.06 s), which a run can spend while its files are
    being read."""
    row = pd.DataFrame({c: [None] for c in PROBLEM.columns}, dtype=object)
    with contextlib.suppress(Exception):  # the empty row fails, as it should; the real pass reports any bug
        schema(PROBLEM).validate(row, lazy=True)


# --- normalising ----------------------------------------------------------------------------------

_BLANKS = " \t\r\n\u3000\u00a0"  # what text_value trims


def _normalised_cells(
    raws: Sequence[RawTable], table: Table, campaign: Campaign, vocab: Vocabulary, received: Sequence[dt.date]
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Every table's rows normalised at once: one object array (rows of every file, one after the
    other; columns ``table.columns``) and each file's (start, stop) rows in it. Each column of the
    batch is parsed in one pass, by its role: categories and statuses looked up once per text,
    dates read (即知即改 stands for the 填报日期 of the header block, else the day the file was
    received), ids folded, free text trimmed. Unreadable cells hold an ``Invalid`` (code and value
    as written); empty cells ``None``."""
    year = campaign.year
    columns: dict[str, list[Any]] = {c: [] for c in table.columns}
    immediates: list[dt.date] = []
    bounds: list[tuple[int, int]] = []
    start = 0
    errors = any(raw.excel_errors for raw in raws)  # cells showing #DIV/0!, #REF! … (rare: looked for then)
    for raw, day in zip(raws, received, strict=True):
        n = len(raw.rows)
        bounds.append((start, start + n))
        start += n
        if not n:
            continue
        immediates.extend([parse_day(raw.filled_text, year) or day] * n)
        position = dict(zip(raw.columns, raw.values, strict=True))
        for column in table.columns:
            columns[column].extend(position[column] if column in position else [None] * n)
    out = np.empty((start, len(table.columns)), dtype=object)
    for j, column in enumerate(table.columns):
        values = [None if is_blank(v) else v for v in columns[column]]
        failed = _excel_errors(values) if errors else {}
        if column == table.category_column:
            lookup = category_lookup(values, vocab)
            result = [parse_choice(v, lookup, "category-invalid") for v in values]
        elif column == table.status_column:
            lookup = {t: table.status(vocab, t) for t in {str(v).strip() for v in values if v is not None}}
            result = [parse_choice(v, lookup, table.status_code) for v in values]
        elif column in table.read_dates:
            allow = column == table.long_term_column
            result = [parse_date(v, year, day, allow) for v, day in zip(values, immediates, strict=True)]
        elif column == table.id_column:
            result = [item_id(v) for v in values]
        else:
            result = [(v.strip(_BLANKS) or None) if type(v) is str else text_value(v) for v in values]
        for i, invalid in failed.items():
            result[i] = invalid
        out[:, j] = np.fromiter(result, dtype=object, count=start)  # no value is ever taken for a sequence
    return out, bounds


def _excel_errors(values: list[Any]) -> dict[int, Invalid]:
    """The cells of ``values`` showing an Excel error, each as an ``Invalid`` quoting the error;
    they are emptied in ``values`` (so no normaliser sees them)."""
    failed = {i: Invalid(EXCEL_ERROR, v.text) for i, v in enumerate(values) if type(v) is ExcelError}
    for i in failed:
        values[i] = None
    return failed


def _error_cells(raw: RawTable, frame: pd.DataFrame, table: Table) -> list[Message]:
    """A message for each cell showing an Excel error, but in the columns the schema's checks
    read (they report it: a category, a status, a date)."""
    found: list[Message] = []
    checked = _checked_columns(table)
    for column in table.columns:
        if column in checked or column not in raw.columns:
            continue
        for row, value in frame[column].items():
            if isinstance(value, Invalid) and value.code == EXCEL_ERROR:
                found.append(
                    Message(
                        EXCEL_ERROR,
                        file=raw.file_name,
                        sheet=raw.sheet,
                        cell=raw.cell(column, int(row)),
                        params={"column": column, "value": value.value},
                    )
                )
    return found


@lru_cache(maxsize=8)
def _columns_index(columns: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(columns))


def _file_frame(cells: np.ndarray, bounds: tuple[int, int], rows: Sequence[int], table: Table) -> pd.DataFrame:
    """One file's normalised rows: its slice of the batch's cells, indexed by its Excel rows."""
    start, stop = bounds
    index = pd.Index(np.array(rows, dtype=np.int64), name="行")
    return pd.DataFrame(cells[start:stop], index=index, columns=_columns_index(table.columns), dtype=object, copy=True)


def normalise(raw: RawTable, table: Table, campaign: Campaign, vocab: Vocabulary, received: dt.date) -> pd.DataFrame:
    """One table's rows in canonical values (index: the Excel rows)."""
    cells, bounds = _normalised_cells([raw], table, campaign, vocab, [received])
    return _file_frame(cells, bounds[0], raw.rows, table)


# --- checking tables --------------------------------------------------------------------------------


def check_tables(
    raws: Sequence[RawTable], table: Table, campaign: Campaign, vocab: Vocabulary, received: Sequence[dt.date]
) -> list[tuple[pd.DataFrame, list[Message]]]:
    """Normalise every table of ``table``'s kind and validate them all in one pandera pass
    (``lazy=True``); (rows, messages) of each, the messages in cell order, then the row rules.

    The batch is indexed by file number and Excel row (``_key``), so each failure case names its
    cell; frame-wide checks report a failing row once per column, and those repeats are folded."""
    if not raws:
        return []
    cells, bounds = _normalised_cells(raws, table, campaign, vocab, received)
    frames = [_file_frame(cells, b, r.rows, table) for r, b in zip(raws, bounds, strict=True)]
    keys = [_key(i, row) for i, raw in enumerate(raws) for row in raw.rows]
    batch = pd.DataFrame(
        cells, index=pd.Index(np.array(keys, dtype=np.int64)), columns=_columns_index(table.columns), dtype=object
    )
    found: dict[int, list[Message]] = {i: [] for i in range(len(raws))}
    if len(batch):
        import pandera.pandas as pa

        try:
            schema(table).validate(batch, lazy=True)
        except pa.errors.SchemaErrors as exc:
            _collect(exc.failure_cases, batch, raws, found, table)
    rules = _row_rules(raws, table, cells, bounds, campaign, received)
    out = []
    for i, (raw, frame) in enumerate(zip(raws, frames, strict=True)):
        if raw.excel_errors:
            found[i].extend(_error_cells(raw, frame, table))
        out.append((frame, [*sorted(found[i], key=_order(raw)), *rules[i]]))
    return out


def check_submissions(subs: Sequence[Submission], campaign: Campaign, vocab: Vocabulary) -> list[Checked]:
    """Every submission's problem list checked (``check_tables``), its own messages first."""
    checked = check_tables([s.raw for s in subs], PROBLEM, campaign, vocab, [s.received.date() for s in subs])
    return [
        Checked(sub, frame, (*sub.messages, *messages)) for sub, (frame, messages) in zip(subs, checked, strict=True)
    ]


_ROW_BITS = 20  # Excel has at most 2**20 rows


def _key(file_no: int, row: int) -> int:
    """One integer index for (file, Excel row) in the batch; pandera reports it back as is."""
    return (file_no << _ROW_BITS) | row


def _order(raw: RawTable) -> Any:
    cols = list(raw.columns)

    def sort_key(m: Message) -> tuple[int, int]:
        pos = next((i for i, c in enumerate(cols) if raw.columns[c] == m.column), 99)
        return m.row, pos

    return sort_key


def _collect(
    cases: pd.DataFrame, batch: pd.DataFrame, raws: Sequence[RawTable], found: dict[int, list[Message]], table: Table
) -> None:
    seen: set[tuple[int, int, str, str]] = set()
    undated, dated = table.done_codes
    for case in cases.itertuples(index=False):
        idx = case.index
        if idx is None or pd.isna(idx):
            continue  # schema-level failures (a missing column) carry no row
        check = str(case.check)
        if check.startswith("column_in_dataframe") or check.startswith("dtype("):
            continue
        column = table.done_column if check in (undated, dated) else str(case.column)
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
        if code == dated:
            params["status"] = batch.at[int(idx), table.status_column]
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
    raws: Sequence[RawTable],
    table: Table,
    cells: np.ndarray,
    bounds: list[tuple[int, int]],
    campaign: Campaign,
    received: Sequence[dt.date],
) -> list[list[Message]]:
    """The rules on single rows that need no ledger, for the whole batch at once (each file's
    messages, in row order): a done date after the file was received; for a ledger kind that
    asks for them, a text too brief, a deadline after the rectification phase, and a file that
    lists nothing at all."""
    position = {c: j for j, c in enumerate(table.columns)}
    kind = table if isinstance(table, LedgerKind) else None
    arrived = _per_row(list(received), bounds)
    rules: list[tuple[str, str, set[int], Any]] = []
    if table.done_column:
        done = cells[:, position[table.done_column]].tolist()
        late = {i for i, (d, r) in enumerate(zip(done, arrived, strict=True)) if _is_day(d) and d > r}
        rules.append(
            (
                "completed-after-received",
                table.done_column,
                late,
                lambda i: {"value": _show(done[i]), "received": _show(arrived[i])},
            )
        )
    if kind is not None and kind.short_text[0]:
        column, fewest = kind.short_text
        texts = cells[:, position[column]].tolist()
        short = {i for i, t in enumerate(texts) if isinstance(t, str) and len(t.replace(" ", "")) < fewest}
        rules.append(("description-too-short", column, short, lambda i: {"value": texts[i]}))
    if kind is not None and kind.late_deadline:
        end = campaign.rectification_end
        deadlines = cells[:, position[kind.deadline_column]].tolist()
        after = {i for i, d in enumerate(deadlines) if _is_day(d) and d > end}
        rules.append(
            (
                "deadline-after-phase",
                kind.deadline_column,
                after,
                lambda i: {"value": _show(deadlines[i]), "phase_end": _show(end)},
            )
        )
    out: list[list[Message]] = [[] for _ in raws]
    hits = sorted(set().union(*(rows for _code, _column, rows, _params in rules)))
    file_no = 0
    for i in hits:
        while i >= bounds[file_no][1]:
            file_no += 1
        raw = raws[file_no]
        row = raw.rows[i - bounds[file_no][0]]
        out[file_no].extend(
            Message(code, file=raw.file_name, sheet=raw.sheet, cell=raw.cell(column, row), params=params(i))
            for code, column, rows, params in rules
            if i in rows
        )
    if kind is not None and kind.no_items:
        for file_no, (start, stop) in enumerate(bounds):
            if start == stop:
                raw = raws[file_no]
                out[file_no].append(Message(kind.no_items, file=raw.file_name, sheet=raw.sheet))
    return out


def _per_row(values: list[Any], bounds: list[tuple[int, int]]) -> list[Any]:
    """Each file's value repeated over its rows of the batch."""
    out: list[Any] = []
    for value, (start, stop) in zip(values, bounds, strict=True):
        out.extend([value] * (stop - start))
    return out


# --- the ledger rules ------------------------------------------------------------------------------


def check_ledger(
    kind: LedgerKind, unit: Unit, raw: RawTable | None, rows: pd.DataFrame, view: View, file_name: str
) -> list[Message]:
    """The ledger rules (SPEC §4) on a unit's table of ``kind`` (``raw`` None: the file has none):
    an id the ledger never had, an item that is not the unit's, an id given twice; an item the
    unit held before this month and has not finished must be in the file (a unit may not make an
    item vanish by leaving it out); a deadline the unit moved, a finished item reported open again,
    and an open item whose progress reads as last time are reported (warnings). Each rule reports
    with the kind's own catalogue code (``kind.rules``)."""
    rules = kind.rules
    sheet = raw.sheet if raw is not None else kind.sheet
    out: list[Message] = []

    def msg(code: str, column: str, row: int | None, **params: Any) -> Message:
        cell = raw.cell(column, row) if raw is not None and row is not None else ""
        return Message(code, file=file_name, sheet=sheet, cell=cell, params=params)

    first_row: dict[str, int] = {}
    for r, rec in records(rows):
        iid = rec[kind.id_column]
        if iid is None or isinstance(iid, Invalid):  # an id cell showing an Excel error: reported already
            continue
        owners = view.owners.get(iid)
        if owners is None or (kind.registered_by_unit and not ID_PATTERN.match(iid)):
            out.append(msg(rules.unknown, kind.id_column, r, value=iid, label=kind.label))
        elif unit.code not in owners:
            names = "、".join(view.unit_names.get(u, u) for u in owners)
            out.append(msg(rules.foreign, kind.id_column, r, value=iid, owner=names, label=kind.label))
        elif iid in first_row:
            out.append(msg(rules.repeated, kind.id_column, r, value=iid, other=first_row[iid]))
        else:
            first_row[iid] = r
            held = view.held.get(iid)
            if held is not None:
                out.extend(_changes(kind, held, rec, r, msg))
    for iid, held in sorted(view.held.items()):
        if held.required and held.status != kind.done_status and iid not in first_row:
            out.append(
                msg(rules.missing, kind.id_column, None, value=iid, description=_clip(held.text), label=kind.label)
            )
    return out


def _about(kind: LedgerKind, iid: str, value: Any) -> dict[str, Any]:
    """How a kind's warnings name an item and quote a cell: the parameters its catalogue templates
    use (and the audit records of earlier months keep): a problem by ``problem_id``, the cell as
    ``value``; an item of another kind by its ``value`` and ``label``."""
    if kind.registered_by_unit:
        return {"problem_id": iid, "value": value}
    return {"value": iid, "label": kind.label}


def _changes(kind: LedgerKind, held: Any, rec: dict[str, Any], row: int, msg: Any) -> list[Message]:
    rules = kind.rules
    out: list[Message] = []
    status = rec[kind.status_column]
    deadline = rec.get(kind.deadline_column)
    if (
        rules.deadline_changed
        and held.deadline is not None
        and deadline is not None
        and deadline != held.deadline
        and _is_deadline(deadline)
    ):
        params = {**_about(kind, held.item_id, _show(deadline)), "old": _show(held.deadline)}
        out.append(msg(rules.deadline_changed, kind.deadline_column, row, **params))
    if held.status == kind.done_status and status in kind.statuses and status != kind.done_status:
        out.append(msg(rules.reverted, kind.status_column, row, **_about(kind, held.item_id, status), status=status))
    if held.reported and status in kind.open_statuses and (rec[kind.progress_column] or "") == (held.progress or ""):
        out.append(msg(rules.unchanged, kind.progress_column, row, **_about(kind, held.item_id, None)))
    return out


def _clip(text: str, n: int = 20) -> str:
    return text if len(text) <= n else text[:n] + "…"


def with_ledger(
    checked: Checked, kind: LedgerKind, rows: pd.DataFrame | None, messages: Sequence[Message], view: View
) -> Checked:
    """``checked`` with its table of ``kind`` (``rows`` None: the file has none) and that table's
    messages and ledger rules: the problem list's replace the rows, another kind's go beside."""
    raw = checked.submission.raw if kind is PROBLEM else checked.submission.raw.extra.get(kind.name)
    frame = rows if rows is not None else pd.DataFrame(columns=list(kind.columns), dtype=object)
    found = check_ledger(kind, checked.unit, raw, frame, view, checked.file_name)
    every = (*checked.messages, *messages, *found)
    if kind is PROBLEM:
        return dataclasses.replace(checked, rows=frame, messages=every)
    return dataclasses.replace(checked, messages=every, items={**checked.items, kind.name: frame})


# --- the 办事效率评议: a rater's rating of the town's departments ------------------------------------

# The checked rating of a rater for a period (RATING.md): a row per department it rated.
RATING_FRAME: tuple[str, ...] = ("部门", "评议等次", "办理事项", "不满意原因", "具体情况", "行")
_REASON_SEPARATORS = re.compile(r"[、，,;；/\s\u3000]+")
_DEPARTMENT, _LEVEL, _MATTER, _REASONS, _CASE = RATING.columns[1:]


def rated_department(text: str, departments: Sequence[Unit]) -> Unit | None:
    """The department of the roster a 被评议部门 cell names: its code (any case), else its name or an
    alias (``ingest.match_name``: the longest name found in the text)."""
    code = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    return next((d for d in departments if d.code.upper() == code), None) or match_name(text, departments)


def rating_reasons(text: str, vocab: Vocabulary) -> tuple[str, list[str]]:
    """The canonical reasons a 不满意原因 cell names, joined by ``、`` in ``RatingReason.ALL`` order,
    and the words it holds that name none (several reasons may be separated by 、，,;； or spaces)."""
    found: set[str] = set()
    unknown: list[str] = []
    for word in _REASON_SEPARATORS.split(text):
        if not word:
            continue
        reason = vocab.choice("rating_reasons", word)
        if reason is None:
            unknown.append(word)
        else:
            found.add(reason)
    return "、".join(r for r in RatingReason.ALL if r in found), unknown


def check_rating(raw: RawTable, campaign: Campaign, vocab: Vocabulary) -> tuple[pd.DataFrame, list[Message]]:
    """A rater's 办事效率评议 sheet checked: the frame of RATING.md (``RATING_FRAME``: a row per
    department rated, by unit code, in sheet order) and every message about the sheet (its reading
    notices first, then by cell, then the departments it leaves out).

    The generic pass (``check_tables`` with ``RATING``) reads the levels by the ``rating_levels``
    vocabulary and finds the blank cells; then the rating's own rules: a department not of the
    roster, a department rated twice, 不满意 without a reason or with a reason word not known,
    不满意 without 具体情况 (errors), a department of the roster not on the sheet (a warning)."""
    day = campaign.rectification_start  # the day received only reads dates, and the rating has none
    [(frame, found)] = check_tables([raw], RATING, campaign, vocab, [day])
    departments = campaign.departments
    written = raw.frame

    def as_written(column: str, row: int) -> str:
        return _show(written.at[row, column]) if column in raw.columns else ""

    def msg(code: str, column: str, row: int, **params: Any) -> Message:
        return Message(code, file=raw.file_name, sheet=raw.sheet, cell=raw.cell(column, row), params=params)

    out: list[Message] = []
    named: dict[int, str] = {}  # Excel row -> the department it rates, as the messages name it
    first: dict[str, int] = {}  # unit code -> the row rating it first
    kept: list[dict[str, Any]] = []
    for row, rec in records(frame):
        unit = None
        if isinstance(rec[_DEPARTMENT], str):
            text = as_written(_DEPARTMENT, row)
            unit = rated_department(text, departments)
            named[row] = unit.name if unit is not None else text
            if unit is None:
                example = departments[0].name if departments else "部门名称"
                names = "、".join(d.name for d in departments) or "（无）"
                out.append(
                    msg("rating-department-unknown", _DEPARTMENT, row, value=text, departments=names, example=example)
                )
            elif unit.code in first:
                out.append(msg("rating-department-repeated", _DEPARTMENT, row, value=text, other=first[unit.code]))
                unit = None
            else:
                first[unit.code] = row
        level, reasons = rec[_LEVEL], ""
        department = named.get(row, f"第 {row} 行的部门")
        if level == RatingLevel.UNSATISFIED:
            cell = rec[_REASONS]
            if isinstance(cell, str):
                reasons, unknown = rating_reasons(cell, vocab)
                out.extend(
                    msg("rating-reason-invalid", _REASONS, row, value=as_written(_REASONS, row), word=word)
                    for word in unknown
                )
            elif cell is None:
                out.append(msg("rating-reason-missing", _REASONS, row, department=department))
            if rec[_CASE] is None:
                out.append(msg("rating-case-missing", _CASE, row, department=department))
        if unit is not None and level in RatingLevel.ALL:
            kept.append(
                {
                    "部门": unit.code,
                    "评议等次": level,
                    "办理事项": _text_or_blank(rec[_MATTER]),
                    "不满意原因": reasons,
                    "具体情况": _text_or_blank(rec[_CASE]),
                    "行": row,
                }
            )
    for m in found:
        column = m.params.get("column")
        if m.code == "cell-required" and column == _LEVEL:
            m = msg("rating-level-blank", _LEVEL, m.row, department=named.get(m.row, f"第 {m.row} 行的部门"))
        elif m.code == "cell-required" and column == _DEPARTMENT:
            m = msg("rating-department-blank", _DEPARTMENT, m.row)
        out.append(m)
    out.sort(key=_order(raw))
    missing = [
        Message(
            "rating-department-missing",
            file=raw.file_name,
            sheet=raw.sheet,
            params={"department": d.name, "sheet": raw.sheet},
        )
        for d in departments
        if d.code not in first
    ]
    rating = pd.DataFrame(kept, columns=list(RATING_FRAME), dtype=object).astype({"行": "int64"})
    return rating, [*raw.notices, *out, *missing]


def _text_or_blank(value: Any) -> str:
    return value if isinstance(value, str) else ""


def with_rating(checked: Checked, campaign: Campaign, vocab: Vocabulary, month: str) -> Checked:
    """``checked`` with its 办事效率评议 checked (``check_rating``) when its unit rates the departments
    in a month with a rating period: the frame in ``Checked.rating``, the messages added (an error
    returns the whole file). A rater's file without the sheet is accepted with a warning (its rating
    counts as not returned); a department's sheet, or a sheet in a month without a rating, is not
    read (a notice says so). Without a ``[rating]`` in campaign.toml nothing is said."""
    if campaign.rating is None:
        return checked
    raw = checked.submission.raw.extra.get(RATING.name)
    period = campaign.rating_period(month)
    rater = checked.unit in campaign.raters
    if period is None or not rater:
        if raw is None or (rater and not campaign.rating.quarterly):
            return checked
        code = "rating-sheet-not-rater" if not rater else "rating-sheet-off-period"
        notice = Message(code, file=checked.file_name, sheet=raw.sheet, params={"sheet": raw.sheet})
        return dataclasses.replace(checked, messages=(*checked.messages, notice))
    if raw is None:
        missing = Message("rating-sheet-missing", file=checked.file_name, params={"period": rating_period_text(period)})
        return dataclasses.replace(checked, messages=(*checked.messages, missing))
    rating, messages = check_rating(raw, campaign, vocab)
    return dataclasses.replace(checked, messages=(*checked.messages, *messages), rating=rating)
