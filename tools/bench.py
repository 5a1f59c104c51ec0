"""Bench: the real monthly command at township and county scale (``make bench``).

Generates, under ``bench/`` (git-ignored):

- a township: the sample campaign (about ten units), its March and April months;
- a county: ``--units`` units (1,000 by default) in a generated ``campaign.toml``, and for each
  unit one ``--rows``-row problem list in March (all new problems, no ids) and one in April (the
  pipeline's template: ids, the hidden marker, progress moving on, some items overdue). About 5 %
  of the April files have defects that get them returned (an unknown category, the ``4.3`` date
  trap, an empty required cell, an open problem left out, a foreign id).

Then runs the real ``python -m pipeline --data … monthly --as-of …`` as a subprocess for each
month (wall time including start-up, peak RSS of the child, the run's own stage timings through
``PIPELINE_TIMINGS``), the county April again with an empty inbox (a re-run on a ledger of
~30,000 problems), ``python -m pipeline --help``, and two references on the county April files:
the naive way (``pandas.read_excel(engine="openpyxl")`` and one pandera validation per file, on
the March and on the April files) and the floor (python-calamine reading every sheet of every
file, nothing else), and 总台账.xlsx written alone from the county April's report. Figures are
printed as tables with their ratios to the references, then issue #21's figures, each with its
target and whether this run met it (the ratios' references measured in the same run).

    .venv/bin/python -m tools.bench [--units 1000] [--rows 30] [--skip-naive] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.kinds import PROBLEM
from pipeline.model import LONG_TERM, Month, Outcome, ProblemStatus

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
YEAR = 2022
MARCH, APRIL = "2022-03", "2022-04"
MARCH_AS_OF, APRIL_AS_OF = dt.date(2022, 3, 31), dt.date(2022, 4, 30)
APRIL_AS_OF_OTHER = dt.date(2022, 4, 29)  # the same month, another as-of date: everything is rendered again
FIRST = ("东", "西", "南", "北", "红", "青", "白", "金", "银", "石", "新", "老", "上", "下", "前", "后", "大", "小")
FIRST += ("长", "高", "安", "平", "永", "福", "富", "兴", "和", "太", "龙", "凤", "云", "清", "双", "杨", "柳")
FIRST += ("桃", "李", "万", "千", "百")  # no 一…十 first: vocab.key() takes a leading numeral for numbering
SECOND = ("山", "河", "湖", "林", "坪", "湾", "岭", "桥", "塘", "坝", "庄", "岗", "冲", "溪", "口")
SECOND += ("源", "田", "峰", "洲", "园", "泉", "铺", "堰", "垭", "沟")
LEADERS = ("王建国", "李卫东", "赵德胜", "周建华", "何志远", "邓光明", "孙丽华", "陈国强")
PEOPLE = ("张志强", "刘秀英", "陈德明", "孙长青", "杨丽", "吴小军", "郑永刚", "冯晓燕", "马成林", "唐国平")
DEFECTS = ("category", "date-number", "required", "missing", "foreign")


# --------------------------------------------------------------------------------------------
# the county's files


@dataclass(frozen=True)
class CountyUnit:
    name: str
    code: str
    kind: str
    alias: str


def county_units(n: int) -> list[CountyUnit]:
    """``n`` units with distinct two-character stems (no stem is inside another unit's name)."""
    stems = [a + b for a in FIRST for b in SECOND]
    if n > len(stems):
        raise SystemExit(f"at most {len(stems)} units")
    rng = random.Random(7)
    rng.shuffle(stems)
    units = []
    for i, stem in enumerate(stems[:n], start=1):
        kind = "社区" if i % 10 == 0 else "村"
        units.append(CountyUnit(f"{stem}{kind}", f"C{i:04d}", kind, stem))
    return units


def county_toml(units: Sequence[CountyUnit]) -> str:
    lines = [
        "# 县级汇总基准：生成的单位名单（tools/bench.py）",
        "[campaign]",
        'town = "xx县"',
        f"year = {YEAR}",
        'office = "xx县干部作风整顿工作领导小组办公室"',
        'doc_prefix = "x县作整办"',
        "problem_list_due = 2022-03-20",
        "rectification_start = 2022-04-01",
        "rectification_end = 2022-10-20",
        "summary_due = 2022-11-18",
        "monthly_due_day = 25",
        "warning_days = 7",
        "escalate_after = 3",
        "reply_workdays = 5",
    ]
    for u in units:
        lines += ["", "[[units]]", f'name = "{u.name}"', f'code = "{u.code}"', f'kind = "{u.kind}"']
        lines.append(f'aliases = ["{u.alias}"]')
    return "\n".join(lines) + "\n"


@dataclass
class Problem:
    category: str
    description: str
    measure: str
    leader: str
    person: str
    deadline: Any  # date or 长期坚持
    steps: tuple[str, ...]
    done_text: str
    fate: str  # red (open and overdue in April) / done / doing / long


def _texts() -> list[Any]:
    from demo_campaign import sample

    return [t for t in sample.PROBLEMS if t.kinds in ("村", "全部") and not t.units]


_DETAIL_CHARS = (
    "东西南北前后上下新老大小高低长短深浅清浊山水田林湖草路桥沟渠塘坝井泉坡岭湾滩洲岗"
    "冲垄坪坳寨屯庄铺店集场坊园圃棚圈仓库院落巷街口头尾边角里外中旁侧对面左右"
    "张王李赵刘陈杨黄吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COPYING = 20  # every 20th unit (the 8th of each 20) sends the list of the unit before it, names swapped


def _detail(unit: CountyUnit, row: int, part: str) -> str:
    """Twenty characters of the unit's own (a place, people): a fixed draw per unit, row and part."""
    rng = random.Random(f"{unit.code}-{row}-{part}")
    return "".join(rng.choice(_DETAIL_CHARS) for _ in range(20))


def unit_problems(rng: random.Random, unit: CountyUnit, rows: int, texts: Sequence[Any]) -> list[Problem]:
    """The unit's ``rows`` problems: about a third of the units have one to three overdue ones."""
    reds = rng.choice((1, 2, 3)) if rng.random() < 0.35 else 0
    out = []
    for i in range(rows):
        text = texts[(int(unit.code[1:]) * 7 + i) % len(texts)]
        fill = {"cun": unit.kind, "cunwu": "村务" if unit.kind == "村" else "居务"}
        fill["cunmin"] = "村民" if unit.kind == "村" else "居民"
        # each unit's own facts: without them every unit would list the pool's texts, and the
        # 形式主义提示 would call a whole county's lists copies (COPYING: the few that are)
        description = f"{text.problem.format(**fill)}，{_detail(unit, i, 'p')}（第{i + 1}项）"
        fate = "red" if i < reds else rng.choice(("done", "doing", "doing", "long" if text.long_term else "doing"))
        if fate == "long":
            deadline: Any = LONG_TERM
        elif fate == "red":
            deadline = dt.date(YEAR, 4, rng.randint(5, 25))
        else:
            deadline = dt.date(YEAR, rng.choice((5, 6, 7, 8, 9)), 28)
        out.append(
            Problem(
                text.category,
                description,
                f"{text.measure.format(**fill)}，{_detail(unit, i, 'm')}",
                rng.choice(LEADERS),
                rng.choice(PEOPLE),
                deadline,
                text.steps,
                text.done,
                fate,
            )
        )
    return out


def _write_sheet(path: Path, unit: CountyUnit, town: str, filled: dt.date, rows: list[list[Any]], marker: str | None):
    import xlsxwriter

    from pipeline import layout

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(layout.SHEET)
    ws.write_string(0, 0, "附件2")
    ws.merge_range(layout.TITLE_ROW - 1, 0, layout.TITLE_ROW - 1, len(layout.COLUMNS) - 1, layout.title(town))
    ws.write_string(
        layout.HEADER_BLOCK_ROW - 1,
        0,
        layout.header_block(unit.name, "张三", f"{filled.year}年{filled.month}月{filled.day}日"),
    )
    for c, name in enumerate(layout.COLUMNS):
        ws.write_string(layout.HEADER_ROW - 1, c, name)
    for r, values in enumerate(rows, start=layout.FIRST_DATA_ROW - 1):
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    if marker:
        meta = wb.add_worksheet(layout.MARKER_SHEET)
        for r, (a, b) in enumerate((("zfzz-template-v1", unit.code), ("月份", marker), ("活动", f"{town}{YEAR}"))):
            meta.write_string(r, 0, a)
            meta.write_string(r, 1, b)
        meta.hide()
    wb.close()


def _stamp(path: Path, when: dt.datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def write_county(folder: Path, n_units: int, rows: int) -> tuple[list[CountyUnit], Path, Path, list[str]]:
    """campaign.toml, and the March and April files (mtimes = received times); returned file names."""
    units = county_units(n_units)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.toml").write_text(county_toml(units), encoding="utf-8")
    march, april = folder / "files" / MARCH, folder / "files" / APRIL
    for d in (march, april):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    rng = random.Random(2022)
    texts = _texts()
    defective = set(rng.sample(range(len(units)), max(1, round(len(units) * 0.05))))
    returned = []
    for n, unit in enumerate(units):
        problems = unit_problems(rng, unit, rows, texts)
        if n % COPYING == 7:  # the list of the unit before, its name swapped for this one's
            before = unit_problems(random.Random(n), units[n - 1], rows, texts)
            problems = [
                dataclasses.replace(p, description=b.description, measure=b.measure)
                for p, b in zip(problems, before, strict=True)
            ]
        got_march = dt.datetime(YEAR, 3, rng.randint(10, 19), rng.randint(8, 17), rng.randint(0, 59))
        march_rows = [
            [
                i + 1,
                None,
                p.category,
                p.description,
                p.measure,
                p.leader,
                p.person,
                p.deadline,
                p.steps[0],
                ProblemStatus.IN_PROGRESS,
                None,
                "",
            ]
            for i, p in enumerate(problems)
        ]
        for row, p in zip(march_rows, problems, strict=True):
            if p.fate == "long":
                row[9] = ProblemStatus.LONG_TERM
        path = march / f"附件2：{unit.name}干部作风整顿问题清单.xlsx"
        _write_sheet(path, unit, "xx县", got_march.date(), march_rows, None)
        _stamp(path, got_march)
        got_april = dt.datetime(YEAR, 4, rng.randint(15, 24), rng.randint(8, 17), rng.randint(0, 59))
        april_rows = []
        for i, p in enumerate(problems):
            pid = f"{unit.code}-{i + 1:03d}"
            status, progress, done_on = ProblemStatus.IN_PROGRESS, p.steps[min(1, len(p.steps) - 1)], None
            if p.fate == "done":
                status, progress, done_on = ProblemStatus.DONE, p.done_text, dt.date(YEAR, 4, 12)
            elif p.fate == "long":
                status = ProblemStatus.LONG_TERM
            elif p.fate == "red":
                progress = p.steps[0] + "，正在推进"
            april_rows.append(
                [
                    i + 1,
                    pid,
                    p.category,
                    p.description,
                    p.measure,
                    p.leader,
                    p.person,
                    p.deadline,
                    progress,
                    status,
                    done_on,
                    "",
                ]
            )
        name = f"{unit.name}{Month.parse(APRIL).short_label}整改进展.xlsx"
        if n in defective:
            _spoil(april_rows, DEFECTS[len(returned) % len(DEFECTS)], units[(n + 1) % len(units)])
            returned.append(name)
        path = april / name
        _write_sheet(path, unit, "xx县", got_april.date(), april_rows, APRIL)
        _stamp(path, got_april)
    return units, march, april, returned


def _spoil(rows: list[list[Any]], defect: str, other: CountyUnit) -> None:
    """A defect that gets the file returned (each one an error of SPEC §4)."""
    if defect == "category":
        rows[3][2] = "其他问题"
    elif defect == "date-number":
        rows[5][7] = 4.3
    elif defect == "required":
        rows[7][4] = None
    elif defect == "missing":
        open_rows = [i for i, r in enumerate(rows) if r[9] != ProblemStatus.DONE]
        del rows[open_rows[-1]]
    else:
        rows[9][1] = f"{other.code}-010"


# --------------------------------------------------------------------------------------------
# running


@dataclass
class Run:
    label: str
    files: int
    wall: float
    rss_mb: float
    timings: dict[str, float] = field(default_factory=dict)
    returned: int = 0
    notices: int = 0


def _python() -> str:
    return sys.executable


def run_monthly(label: str, data: Path, as_of: dt.date, files: int) -> Run:
    """The real command as a subprocess: wall time with start-up, peak RSS, the run's stage timings."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        timings_path = Path(handle.name)
    env = {**os.environ, "PIPELINE_TIMINGS": str(timings_path), "COLUMNS": "120"}
    cmd = [_python(), "-m", "pipeline", "--data", str(data), "monthly", "--as-of", as_of.isoformat()]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{label}: monthly exited {proc.returncode}\n{stderr}")
    timings = json.loads(timings_path.read_text(encoding="utf-8")) if timings_path.stat().st_size else {}
    timings_path.unlink()
    month_dir = data / "out" / str(Month.of(as_of))
    feedback = month_dir / Outcome.RETURNED  # 退回/: a feedback workbook per returned file
    returned = len(list(feedback.glob("*.xlsx"))) if feedback.exists() else 0
    notices = len(list((month_dir / "督办通知单").glob("*.docx"))) if (month_dir / "督办通知单").exists() else 0
    return Run(label, files, wall, usage.ru_maxrss / 1024, timings, returned, notices)


def fill_inbox(data: Path, source: Path) -> int:
    inbox = data / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(source.iterdir()):
        shutil.copy2(path, inbox / path.name)  # copy2 keeps the received time (mtime)
        n += 1
    return n


def fresh_workspace(data: Path, campaign_toml: Path) -> None:
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    shutil.copy(campaign_toml, data / "campaign.toml")


def help_time(repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([_python(), "-m", "pipeline", "--help"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def ledger_workbook(data: Path, as_of: dt.date, repeat: int = 2) -> float:
    """总台账.xlsx alone: the month's report built from the county's ledger, then the workbook
    written ``repeat`` times in this process (best time)."""
    from pipeline import run
    from pipeline.config import Workspace, load_campaign
    from pipeline.outputs import workbooks
    from pipeline.storage.ledger import Store
    from pipeline.vocab import load_vocabulary

    ws = Workspace(data)
    campaign, vocab = load_campaign(ws.campaign_file), load_vocabulary(data / "synonyms.toml")
    store = Store.open(ws.db_path)
    try:
        month = str(Month.of(as_of))
        report = run.build_report(store, campaign, vocab, month, as_of, doc_number=1)
    finally:
        store.close()
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            start = time.perf_counter()
            workbooks.write_ledger(report, Path(tmp) / "总台账.xlsx")
            best = min(best, time.perf_counter() - start)
    return best


# --------------------------------------------------------------------------------------------
# references


def naive(paths: Sequence[Path]) -> float:
    """A loop of ``pandas.read_excel(engine="openpyxl")`` and one pandera validation per file."""
    import pandas as pd
    import pandera.pandas as pa

    from pipeline import layout
    from pipeline.kinds import PROBLEM
    from pipeline.validate import schema

    start = time.perf_counter()
    for path in paths:
        frame = pd.read_excel(path, engine="openpyxl", header=layout.HEADER_ROW - 1, dtype=object)
        frame = frame.astype(object).where(frame.notna(), None)
        with contextlib.suppress(pa.errors.SchemaErrors):
            schema(PROBLEM).validate(frame, lazy=True)
    return time.perf_counter() - start


def floor(paths: Sequence[Path]) -> float:
    """python-calamine reading every sheet of every file, and nothing else."""
    import python_calamine as calamine

    start = time.perf_counter()
    for path in paths:
        book = calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        book.close()
    return time.perf_counter() - start


def in_process(paths: Sequence[Path], campaign_toml: Path) -> dict[str, float]:
    """The pipeline's own reader and checker on the same files, in this process, one core."""
    from pipeline import ingest
    from pipeline.config import load_campaign
    from pipeline.validate import Submission, check_submissions
    from pipeline.vocab import load_vocabulary

    campaign = load_campaign(campaign_toml)
    vocab = load_vocabulary()
    start = time.perf_counter()
    raws = [ingest.read_file(p, vocab) for p in paths]
    read = time.perf_counter() - start
    subs = []
    for raw in raws:
        unit, messages = ingest.identify_unit(raw, campaign, raw.file_name)
        assert unit is not None
        subs.append(Submission(raw, unit, dt.datetime(YEAR, 4, 20), tuple(messages)))
    identify = time.perf_counter() - start - read
    start = time.perf_counter()
    check_submissions(subs, campaign, vocab)
    return {"read (sequential)": read, "identify unit": identify, "validate": time.perf_counter() - start}


def pooled(paths: Sequence[Path], campaign_toml: Path) -> float:
    """The run's readers (worker processes, one per core) and checker on the same files, without
    archiving them: what ingest + validate cost apart from keeping the audit copies."""
    from pipeline import ingest
    from pipeline.config import load_campaign
    from pipeline.readers import pool
    from pipeline.validate import Submission, check_submissions
    from pipeline.vocab import load_vocabulary

    campaign = load_campaign(campaign_toml)
    vocab = load_vocabulary()
    warm = [pool.Task(p, p.name) for p in paths[: pool.FORK_BELOW]]  # fewer would be read without the server
    pool.read_all(warm, vocab)  # the server up, as in a run
    start = time.perf_counter()
    outcomes = pool.read_all([pool.Task(p, p.name) for p in paths], vocab)
    subs = []
    for outcome in outcomes:
        if outcome.raw is None:
            continue
        unit, messages = ingest.identify_unit(outcome.raw, campaign, outcome.raw.file_name)
        if unit is not None:
            subs.append(Submission(outcome.raw, unit, dt.datetime(YEAR, 4, 20), tuple(messages)))
    check_submissions(subs, campaign, vocab)
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# report


@dataclass(frozen=True)
class Figure:
    """One of the issue's figures: its value, what the target is measured in, and the target."""

    label: str
    seconds: float  # the measured time (MB for memory)
    unit: str  # "× naive", "s" or "MB"
    value: float  # what is compared with the target (a ratio, or the figure itself)
    target: float

    def line(self) -> str:
        met = "met" if self.value <= self.target else "NOT met"
        measured = f"{self.seconds:8.0f} MB" if self.unit == "MB" else f"{self.seconds:8.2f} s "
        shown = f"{self.value:6.2f} {self.unit:<7}" if self.unit != "MB" else f"{'':14}"
        return f"{self.label:<58} {measured} {shown} target ≤ {self.target:g} {self.unit:<7} {met}"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def _print_run(run: Run) -> None:
    rate = run.files / run.wall if run.files else 0.0
    extra = f", {run.notices} 督办通知单, {run.returned} 退回" if run.notices or run.returned else ""
    print(
        f"\n{run.label}: {run.files} files, {run.wall:.2f} s end to end, {rate:.0f} files/s, peak RSS {run.rss_mb:.0f} MB{extra}"
    )
    for stage, seconds in run.timings.items():
        print(f"    {stage:<24} {seconds:7.3f} s")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="county units (one file each per month)")
    parser.add_argument("--rows", type=int, default=30, help="problems per file")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the (slow) naive reference")
    parser.add_argument("--keep", action="store_true", help="keep bench/ afterwards")
    args = parser.parse_args(argv)
    out: list[tuple[str, Callable[[], None]]] = []
    BENCH.mkdir(exist_ok=True)
    print(f"machine: {_machine()}")

    # township: the sample campaign's March and April
    from demo_campaign import sample

    town = BENCH / "township"
    shutil.rmtree(town, ignore_errors=True)
    town.mkdir(parents=True)
    months = sample.write_sample_campaign(town, 2022)
    runs: list[Run] = []
    for m in months[:2]:
        n = fill_inbox(town, m.folder)
        runs.append(run_monthly(f"township {m.month}", town, m.as_of, n))

    # county
    start = time.perf_counter()
    county_src = BENCH / "county-files"
    units, march, april, returned = write_county(county_src, args.units, args.rows)
    generated = time.perf_counter() - start
    print(f"generated {len(units)} units × 2 months of {args.rows}-row files in {generated:.1f} s")
    county = BENCH / "county"
    fresh_workspace(county, county_src / "campaign.toml")
    n = fill_inbox(county, march)
    runs.append(run_monthly(f"county {MARCH}", county, MARCH_AS_OF, n))
    n = fill_inbox(county, april)
    runs.append(run_monthly(f"county {APRIL}", county, APRIL_AS_OF, n))
    county_run = runs[-1]
    import sqlite3

    with sqlite3.connect(county / "ledger.sqlite") as conn:
        problems = conn.execute("SELECT COUNT(*) FROM items WHERE kind = ?", (PROBLEM.name,)).fetchone()[0]
    runs.append(run_monthly(f"county {APRIL} re-run, empty inbox ({problems} problems)", county, APRIL_AS_OF, 0))
    rerun = runs[-1]  # nothing changed: the month's outputs are kept (render.render_key)
    # the same month as of another day: every light recomputed and every output written again
    runs.append(
        run_monthly(
            f"county {APRIL} re-run as of {APRIL_AS_OF_OTHER} ({problems} problems)", county, APRIL_AS_OF_OTHER, 0
        )
    )
    rerender = runs[-1]
    helps = help_time()
    ledger_s = ledger_workbook(county, APRIL_AS_OF)

    march_paths, paths = sorted(march.iterdir()), sorted(april.iterdir())
    floor_s = floor(paths)
    ours = in_process(paths, county_src / "campaign.toml")
    pool_s = pooled(paths, county_src / "campaign.toml")
    nan = float("nan")
    naive_march = naive(march_paths) if not args.skip_naive else nan
    naive_s = naive(paths) if not args.skip_naive else nan

    for run in runs:
        _print_run(run)
    print(f"\nreferences on the county {APRIL} files ({len(paths)} files, {len(returned)} with defects):")
    print(
        f"    naive: read_excel(openpyxl) + pandera per file  {naive_s:7.2f} s   ({MARCH} files: {naive_march:.2f} s)"
    )
    print(f"    floor: python-calamine, read only              {floor_s:7.2f} s")
    for stage, seconds in ours.items():
        print(f"    pipeline in-process, {stage:<22} {seconds:7.2f} s")
    t = county_run.timings
    ingest_validate = t.get("archive+read", 0) + t.get("validate", 0)
    pure = ours["read (sequential)"] + ours["validate"]
    print("\nreading and checking (ratios to the references):")
    rows = [
        ("county ingest+validate (run: archive+read+validate)", ingest_validate),
        ("county read+validate (in-process, no archiving)", pure),
        ("county read+validate (readers' pool, no archiving)", pool_s),
    ]
    for label, seconds in rows:
        print(
            f"    {label:<52} {seconds:7.2f} s   naive/this {naive_s / seconds:5.1f}×   this/floor {seconds / floor_s:5.1f}×"
        )
    county_march = next(r for r in runs if r.label == f"county {MARCH}")
    townships = [r for r in runs if r.label.startswith("township")]
    county_rss = max(r.rss_mb for r in runs if r.label.startswith("county"))
    figures = [
        Figure(f"county {MARCH} end to end", county_march.wall, "× naive", county_march.wall / naive_march, 0.35),
        Figure(f"county {APRIL} end to end", county_run.wall, "× naive", county_run.wall / naive_s, 0.35),
        Figure(f"county {APRIL} re-run as of another day", rerender.wall, "× naive", rerender.wall / naive_s, 0.3),
        Figure(f"总台账.xlsx, {problems} problems (in-process)", ledger_s, "s", ledger_s, 1.5),
        *(Figure(f"{r.label} end to end", r.wall, "s", r.wall, 1.0) for r in townships),
        Figure("county re-run, empty inbox (outputs kept)", rerun.wall, "s", rerun.wall, 5.0),
        Figure("python -m pipeline --help", helps, "s", helps, 0.1),
        Figure("peak RSS of a county month", county_rss, "MB", county_rss, 500),
    ]
    print("\nissue #21's figures (naive: the same month's files read and validated the naive way, this run):")
    for f in figures:
        print(f"    {f.line()}")
    for _label, action in out:
        action()
    if not args.keep:
        for d in (town, county, county_src):
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
