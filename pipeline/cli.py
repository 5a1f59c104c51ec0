"""Command line: ``python -m pipeline --data DIR monthly|templates|audit|summary|demo``.

Thin on purpose: each command parses its options, calls one function of ``pipeline.run`` and
turns a ``PipelineError`` into its Chinese message and exit code 2. Anything else is a bug and
shows its traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pipeline.errors import PipelineError
from pipeline.messages import render_text

TIMINGS_ENV = "PIPELINE_TIMINGS"  # a file to write the monthly run's stage timings to (JSON)
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@contextmanager
def _expected_errors() -> Iterator[None]:
    try:
        yield
    except PipelineError as exc:
        click.echo(f"错误：{exc.text}", err=True)
        sys.exit(2)


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是有效日期，应写作 2022-04-30") from None


@click.group(context_settings=CONTEXT, help="乡镇干部作风整顿问题清单汇总：收件、校验、合并台账、生成通报和督办材料。")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="工作目录（含 campaign.toml、inbox/、archive/、out/）。",
)
@click.pass_context
def cli(ctx: click.Context, data: Path) -> None:
    ctx.obj = data


@cli.command(help="月度汇总：处理 inbox/ 中收到的全部文件，生成当月台账、通报、督办通知单和下月模板。")
@click.option("--as-of", callback=_parse_day, help="统计截止日期，如 2022-04-30（默认今天）；决定处理哪个月。")
@click.pass_obj
def monthly(data: Path, as_of: dt.date | None) -> None:
    from pipeline import readpool

    readpool.warm(1)  # the readers' server starts while this process loads the rest of the program
    from pipeline import run

    console = _console()
    with _expected_errors():
        result = _with_progress(console, lambda progress: run.monthly(data, as_of, progress))
    from pipeline.summary_view import print_run

    print_run(console, result)
    if timings := os.environ.get(TIMINGS_ENV):  # tools/bench.py: the run's seconds per stage
        Path(timings).write_text(json.dumps(result.timings, ensure_ascii=False), encoding="utf-8")


def _with_progress(console: Any, job: Callable[[Callable[[str, int, int], None]], Any]) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("读取文件"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def step(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=name)

        return job(step)


@cli.command(
    help="收件登记：把收件箱中新到的文件登记为现在收到（收文件的日子运行一次），月度汇总按登记时间判断是否按时。"
)
@click.pass_obj
def receive(data: Path) -> None:
    from pipeline import run

    with _expected_errors():
        found = run.receive(data)
    for item in found:
        key = "receive-new" if item.new else "receive-known"
        click.echo(render_text(key, {"name": item.name, "at": f"{item.received:%Y-%m-%d %H:%M}"}))
    if not found:
        click.echo(render_text("receive-nothing", {}))


def _parse_time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    text = value.strip().replace("T", " ")
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form)
        except ValueError:
            continue
    raise click.BadParameter(render_text("received-bad-time", {"value": value}))


@cli.command(help="更正接收时间：写明某个文件实际收到的时间（收件箱中的文件，或已处理的文件），记入审计记录。")
@click.option("--file", "name", required=True, help="文件名，如 附件2（红星村）.xlsx。")
@click.option(
    "--at", "at", required=True, callback=_parse_time, help="实际收到的时间，如 2022-04-20 或 2022-04-20 09:30。"
)
@click.pass_obj
def received(data: Path, name: str, at: dt.datetime) -> None:
    from pipeline import run

    with _expected_errors():
        item, as_of = run.state_received(data, name, at)
    params = {"name": item.name, "at": f"{item.received:%Y-%m-%d %H:%M}", "as_of": as_of or ""}
    click.echo(render_text("received-done-rerun" if as_of else "received-done", params))


@cli.command(help="从 backup/ 中最近的备份恢复台账（台账数据库丢失、损坏或被直接改动时）。")
@click.pass_obj
def restore(data: Path) -> None:
    from pipeline import run

    with _expected_errors():
        backup, kept = run.restore(data)
    click.echo(render_text("restore-done", {"backup": backup, "kept": kept or "（无）"}))


@cli.command(help="为名单中每个单位生成空白问题清单模板（写入 out/模板/）。")
@click.option("--month", help="模板对应的月份，如 2022-03（默认为问题清单报送月份）。")
@click.pass_obj
def templates(data: Path, month: str | None) -> None:
    from pipeline import run

    with _expected_errors():
        paths = run.templates(data, month)
    click.echo(render_text("templates-written", {"count": len(paths), "folder": paths[0].parent if paths else data}))


@cli.group(help="审计记录：核验收件记录链和归档文件是否被改动，查看单位报送记录。")
def audit() -> None:
    pass


@audit.command("verify", help="核验审计记录的哈希链和每个归档文件；发现改动、删除或多出的文件时以非零状态退出。")
@click.pass_obj
def audit_verify(data: Path) -> None:
    from pipeline import run

    with _expected_errors():
        findings = run.audit_verify(data)
    tampering = [f for f in findings if f.tampering]
    if tampering:
        click.echo(render_text("audit-failed", {"count": len(tampering)}), err=True)
        for f in tampering:
            click.echo(f"  [{f.kind}] {f.detail}", err=True)
    for f in findings:
        if not f.tampering:
            click.echo(f"  [{f.kind}] {f.detail}", err=True)
    if tampering:
        sys.exit(1)
    click.echo(render_text("audit-passed", {}))


@audit.command("show", help="列出收件记录：月份、文件名、接收时间、结果和说明摘要（可按单位筛选）。")
@click.option("--unit", help="单位代码、全称或简称，如 HX 或 红星村；不填则列出全部单位。")
@click.pass_obj
def audit_show(data: Path, unit: str | None) -> None:
    from pipeline import run
    from pipeline.summary_view import print_frame

    with _expected_errors():
        frame = run.audit_records(data, unit)
    if frame.empty:
        click.echo(render_text("audit-no-records", {"whose": f"“{unit}”的" if unit else ""}))
        return
    columns = (
        ["月份", "文件名", "接收时间", "结果", "说明摘要"]
        if unit
        else ["月份", "单位", "文件名", "接收时间", "结果", "说明摘要"]
    )
    title = (
        f"{frame['单位'].iloc[0]}的报送记录（共 {len(frame)} 个文件）"
        if unit
        else f"收件记录（共 {len(frame)} 个文件）"
    )
    print_frame(_console(), frame[columns], title)


@cli.command(
    help="生成领导汇报材料：半年（half）或全年（year）整改情况报告（Word，含统计图）和 汇总.xlsx（含单位考核）。"
)
@click.option("--period", type=click.Choice(["half", "year"]), required=True, help="half 为半年报告，year 为年度报告。")
@click.option("--as-of", callback=_parse_day, help="截止日期（默认为台账最近一个月的统计截止日期）。")
@click.pass_obj
def summary(data: Path, period: str, as_of: dt.date | None) -> None:
    from pipeline import run

    with _expected_errors():
        paths = run.summary(data, period, as_of)
    for path in paths:
        click.echo(render_text("file-written", {"path": path}))


@cli.command(help="演示：生成示例活动（约十来个单位、3月至11月的报送文件），逐月运行，最后生成半年和年度报告。")
@click.option("--seed", default=2022, show_default=True, help="示例数据的随机种子。")
@click.pass_obj
def demo(data: Path, seed: int) -> None:
    from pipeline import run
    from pipeline.summary_view import print_run

    console = _console()
    with _expected_errors():
        for result in run.demo(data, seed):
            print_run(console, result, brief=True)
    console.print("\n" + render_text("demo-done", {"out": data / "out"}))


def main() -> None:
    cli(prog_name="python -m pipeline")
