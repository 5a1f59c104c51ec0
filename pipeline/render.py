"""Write a month's outputs (SPEC §7) into ``out/YYYY-MM/``, whole or not at all.

Everything is rendered into a hidden sibling folder first; only when every file is written is
it swapped into place, so a crash never leaves a half-written month behind.

A month's outputs depend only on its report, the Word templates and this program: ``render_key``
fingerprints those, and a run whose fingerprint and files are unchanged re-uses them
(``outputs_intact``) instead of writing the same files again. The writers (xlsxwriter, openpyxl,
python-docx: a third of a second to load) are loaded only when something is written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline import faults
from pipeline.config import Campaign, Unit
from pipeline.filenames import output_path, safe_name
from pipeline.model import Month, Outcome
from pipeline.report import MonthReport

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from pipeline.outputs.feedback import Returned

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
FEEDBACK_DIR = Outcome.RETURNED  # 退回/: a feedback workbook for each file returned this month
HINTS_DIR = "提示"  # 提示/: a workbook of its 形式主义提示 for each unit with some this month
TEMPLATES_DIR_NAME = "模板"  # 模板/: each unit's template for next month
NOTICES_DIR = "督办通知单"  # 督办通知单/: a notice for each unit with red items


def render_key(report: MonthReport, templates_dir: Path = TEMPLATES_DIR, extra: Sequence[str] = ()) -> str:
    """A fingerprint of everything the month's outputs are made from: the report's figures and
    texts, the Word templates, this program's code, and ``extra`` (e.g. the month's audit-record
    hashes, which stand for the archived files the feedback workbooks copy)."""
    digest = hashlib.sha256()
    digest.update(_code_fingerprint().encode())
    for path in sorted(templates_dir.glob("*.docx")):
        digest.update(path.name.encode() + path.read_bytes())
    _feed(digest, report)
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    """Add ``value`` to ``digest``: frames by content, dataclasses field by field."""
    if isinstance(value, pd.DataFrame):
        digest.update(repr(list(value.columns)).encode())
        hashed = pd.util.hash_pandas_object(value.astype(str), index=True)
        digest.update(hashed.to_numpy().tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            digest.update(f.name.encode())
            _feed(digest, getattr(value, f.name))
    elif isinstance(value, dict):
        for k in sorted(value, key=str):
            digest.update(repr(k).encode())
            _feed(digest, value[k])
    elif isinstance(value, (list, tuple)):
        for v in value:
            _feed(digest, v)
    else:
        digest.update(repr(value).encode())


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """This program's own files: a new version re-renders every month it runs."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".toml")):
        digest.update(str(path.relative_to(package)).encode() + path.read_bytes())
    return digest.hexdigest()


def manifest(month_dir: Path) -> list[list[Any]]:
    """[relative path, size, modification time in ns] of every output file of the month."""
    return [
        [str(p.relative_to(month_dir)), p.stat().st_size, p.stat().st_mtime_ns]
        for p in sorted(month_dir.rglob("*"))
        if p.is_file()
    ]


def outputs_intact(month_dir: Path, files: Sequence[Sequence[Any]]) -> bool:
    """Whether every file a render wrote is still there, untouched (same size and time)."""
    if not files or not month_dir.is_dir():
        return False
    for name, size, mtime_ns in files:
        path = month_dir / str(name)
        try:
            st = path.stat()
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime_ns:
            return False
    return True


def render_month(
    report: MonthReport,
    month_dir: Path,
    templates_dir: Path = TEMPLATES_DIR,
    returned: Sequence[Returned] = (),
    timings: dict[str, float] | None = None,
) -> list[Path]:
    """Write every output of the month, with a feedback workbook per returned file (``退回/``)
    and one per unit with 形式主义提示 (``提示/``).

    This process writes the month's own documents (总台账, 通报, 移交纪委清单) first; the per-unit
    documents (templates, 督办通知单, feedback and 提示 workbooks) of a large month are meanwhile
    written by worker processes, and this one then takes its share of them (see ``_Workers``).
    ``timings``, when given, gets the seconds each output took (``render:总台账`` …).
    """
    from pipeline.outputs import documents, workbooks

    laps = timings if timings is not None else {}
    last = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal last
        now = time.perf_counter()
        laps[f"render:{stage}"] = now - last
        last = now

    staging = month_dir.with_name(f".{month_dir.name}.tmp-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        notices = documents.notice_units(report)
        with _Workers(report, templates_dir, staging, list(returned), notices) as workers:
            lap("workers started")
            with _collector_paused():  # half a million cells: the collector would rescan the report each time
                workbooks.write_ledger(report, staging / "总台账.xlsx")
            lap("总台账")
            documents.write_circular(report, staging / "通报.docx", templates_dir)
            lap("通报")
            documents.write_escalation(report, staging / "移交纪委清单.docx", templates_dir)
            lap("移交纪委清单")
            workers.finish()
            lap("模板+督办通知单+退回+提示")
        faults.point("rendered")
        _swap(staging, month_dir)
        lap("swap")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in month_dir.rglob("*") if p.is_file())


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a while (what is written there makes no cycles to collect)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def write_templates(
    campaign: Campaign, report: MonthReport | None, month: str, folder: Path, units: Sequence[Unit] | None = None
) -> list[Path]:
    """Each unit's template for ``month``, pre-filled with its problems (blank without a report).

    ``units``: only these units of the roster (a worker's share).
    """
    from pipeline.outputs import workbooks

    folder.mkdir(parents=True, exist_ok=True)
    chosen = campaign.units if units is None else units
    by_unit: dict[str, list[dict[str, Any]]] = {}
    none = None
    open_items: dict[str, dict[str, pd.DataFrame]] = {}
    if report is not None:
        problems = report.problems
        codes = {unit.code for unit in chosen}
        mine = problems[problems["单位编码"].isin(codes)] if len(chosen) < len(campaign.units) else problems
        records = workbooks.template_records(mine)  # made once, not once a unit
        for code, record in zip(mine["单位编码"].tolist(), records, strict=True):
            by_unit.setdefault(code, []).append(record)
        none = problems.iloc[0:0]
        open_items = _open_items_by_unit(report, codes)
    paths = []
    for unit in chosen:
        path = output_path(folder, safe_name(unit.name, ".xlsx", "未命名单位"))
        if report is None:
            workbooks.write_unit_template(campaign, unit, month, None, path, None)
        else:
            workbooks.write_unit_template(
                campaign, unit, month, none, path, open_items.get(unit.code, {}), by_unit.get(unit.code, [])
            )
        paths.append(path)
    return paths


def _open_items_by_unit(report: MonthReport, codes: set[str]) -> dict[str, dict[str, pd.DataFrame]]:
    """``_open_items`` for each of the units ``codes``, grouped in one pass per kind."""
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for name, ledger in report.ledgers.items():
        open_pairs = ledger.open_pairs
        open_pairs = open_pairs[open_pairs["单位编码"].isin(codes)]
        for code, mine in open_pairs.groupby(open_pairs["单位编码"].to_numpy(dtype=object), sort=False):
            if len(mine):
                out.setdefault(str(code), {})[name] = mine
    return out


# --- the per-unit documents in worker processes -------------------------------------------------
PARALLEL_FROM = 60  # documents; a township's month (a dozen units) is written in this process
SHARES_PER_CORE = 4  # shares of each kind per core: small ones even out the processes' loads
_JOB: dict[str, Any] = {}  # what the workers write from (set by _start_worker)


def _start_worker(job: dict[str, Any]) -> None:
    _JOB.clear()
    _JOB.update(job)


# The per-unit documents, each kind written by a function of (the job, first, last + 1): a share
# of a pool's work is (that function, first, last + 1), and module-level functions pickle by name.
Writer = Callable[[dict[str, Any], int, int], None]


def _write_templates(job: dict[str, Any], start: int, stop: int) -> None:
    """Next month's templates of units ``start:stop`` of the roster."""
    report: MonthReport = job["report"]
    month = str(Month.parse(report.month).next)
    write_templates(
        report.campaign, report, month, job["staging"] / TEMPLATES_DIR_NAME, report.campaign.units[start:stop]
    )


def _write_notices(job: dict[str, Any], start: int, stop: int) -> None:
    """The 督办通知单 of ``notice_units`` ``start:stop``."""
    from pipeline.outputs import documents

    documents.write_notices(
        job["report"], job["staging"] / NOTICES_DIR, job["templates_dir"], job["notices"][start:stop]
    )


def _write_feedback(job: dict[str, Any], start: int, stop: int) -> None:
    """The feedback workbooks of returned files ``start:stop``."""
    from pipeline.outputs.feedback import file_names, write_feedback

    folder = job["staging"] / FEEDBACK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    names = job.get(_FEEDBACK_NAMES)
    if names is None:  # every file's name at once (two of the same name are told apart), once per process
        names = job[_FEEDBACK_NAMES] = file_names(job["feedback"])
    for item, name in zip(job["feedback"][start:stop], names[start:stop], strict=True):
        write_feedback(item, output_path(folder, name))


def _write_hints(job: dict[str, Any], start: int, stop: int) -> None:
    """The 形式主义提示 workbooks of ``hint_units`` ``start:stop``."""
    from pipeline.outputs.feedback import hint_table, hints_name, write_hints

    folder = job["staging"] / HINTS_DIR
    table = job.get(_HINT_ROWS)
    if table is None:  # every unit's rows in one pass, once per process: its later shares look theirs up
        table = job[_HINT_ROWS] = hint_table(job["report"], [unit.code for unit in job["hint_units"]])
    for unit in job["hint_units"][start:stop]:
        write_hints(job["report"], unit, output_path(folder, hints_name(unit)), table.get(unit.code, []))


_HINT_ROWS = "hint_rows"  # the job's key for hint_table's rows, once a process has made them
_FEEDBACK_NAMES = "feedback_names"  # the job's key for the feedback workbooks' names, likewise


def hint_units(report: MonthReport) -> list[Unit]:
    """The roster's units with 形式主义提示 this month, in roster order."""
    having = report.formality.counts()  # one pass over the hints, not one per unit
    return [unit for unit in report.campaign.units if unit.code in having]


def _write_share(write: Writer, start: int, stop: int) -> int:
    """Write one share of the per-unit documents (in a worker, or in this process)."""
    write(_JOB, start, stop)
    return stop - start


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Workers:
    """The month's per-unit documents: 模板 for every unit, 退回 feedback workbooks, 提示 workbooks
    and 督办通知单.

    With many of them and more than one core, they are cut into shares and a pool of worker
    processes, one fewer than the cores (forked where the system can, so the report is shared
    rather than copied), starts on them while this process writes the month's own documents;
    ``finish`` then writes here every share no worker has started, so each core runs one writer
    until the last share is done (a worker more would only take turns with this process on a core,
    and the ledger, the longest single document, would finish last). The shares go out the larger
    kinds first, so the last ones are short. Without a pool every share is written in ``finish``.
    Either way the same files come out: each document depends only on the report and its unit.
    """

    def __init__(
        self,
        report: MonthReport,
        templates_dir: Path,
        staging: Path,
        feedback: list[Returned],
        notices: list[str],
    ) -> None:
        hinted = hint_units(report)
        self.job = {
            "report": report,
            "templates_dir": templates_dir,
            "staging": staging,
            "notices": notices,
            "feedback": feedback,
            "hint_units": hinted,
        }
        (staging / TEMPLATES_DIR_NAME).mkdir(parents=True, exist_ok=True)
        if notices:
            (staging / NOTICES_DIR).mkdir(parents=True, exist_ok=True)
        if hinted:
            (staging / HINTS_DIR).mkdir(parents=True, exist_ok=True)
        sizes: dict[Writer, int] = {  # the kinds that take longest in all first
            _write_templates: len(report.campaign.units),
            _write_feedback: len(feedback),
            _write_hints: len(hinted),
            _write_notices: len(notices),
        }
        self.total = sum(sizes.values())
        self.cpus = _cpus()
        self.parallel = self.cpus > 1 and self.total >= PARALLEL_FROM
        pieces = self.cpus * SHARES_PER_CORE if self.parallel else 1
        self.shares = [
            (write, start, min(start + step, n))
            for write, n in sizes.items()
            if n
            for step in [max(1, -(-n // pieces))]
            for start in range(0, n, step)
        ]
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[Future[int]] = []

    def __enter__(self) -> _Workers:
        if self.parallel:
            from concurrent.futures import ProcessPoolExecutor

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self.pool = ProcessPoolExecutor(self.cpus - 1, context, initializer=_start_worker, initargs=(self.job,))
            self.futures = [self.pool.submit(_write_share, *share) for share in self.shares]
        return self

    def finish(self) -> None:
        """Write here every share no worker has started (all of them without a pool), then wait for
        the workers' (a worker's error is raised here, and the month is not swapped in)."""
        waiting = []
        _start_worker(self.job)
        try:
            for i, share in enumerate(self.shares):
                # one at a time: the workers go on taking the next shares meanwhile
                if not self.futures or self.futures[i].cancel():
                    _write_share(*share)
                else:
                    waiting.append(self.futures[i])
        finally:
            _JOB.clear()
        for future in waiting:
            future.result()

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            for future in self.futures:
                future.cancel()
            self.pool.shutdown(wait=True)
            self.pool = None


def _swap(staging: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
        faults.point("mid-swap")
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
