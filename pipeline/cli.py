"""Command line: ``python -m pipeline --data DIR monthly|templates|audit|summary|demo``.

Thin on purpose: each command parses its options, calls one function of ``pipeline.run`` and
turns a ``PipelineError`` into its Chinese message and exit code 2. Anything else is a bug and
shows its traceback.

Everything click itself would print is Chinese too: the help pages use ``ChineseCommand`` /
``ChineseGroup`` (Chinese headings, metavars and help option), every option its own Chinese
type, and ``main`` runs click with ``standalone_mode=False`` and turns its usage errors into
catalogue messages (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from pipeline.errors import DemoUnavailable, PipelineError

if TYPE_CHECKING:  # pathlib is loaded when a command runs, not for --help
    from pathlib import Path

TIMINGS_ENV = "PIPELINE_TIMINGS"  # a file to write the monthly run's stage timings to (JSON)
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
HEADINGS = {"Options": "选项", "Commands": "命令"}
HELP_OPTION_HELP = "显示本说明并退出。"


def render_text(code: str, params: dict[str, Any]) -> str:
    """The catalogue's Chinese text for ``code`` (``pipeline.messages``, loaded when first needed:
    the help pages and a command's start need none of it, so ``--help`` stays quick)."""
    from pipeline.messages import render_text as render

    return render(code, params)


def _loaded() -> None:
    """The command has imported the program: the garbage collector runs again (``python -m
    pipeline`` pauses it while the program loads, see ``pipeline/__main__.py``), but never scans
    what is loaded now, which lives as long as the process (else the first collection would scan
    the million objects made while it was paused)."""
    gc.freeze()
    gc.enable()


# --- click in Chinese ------------------------------------------------------------------------------
class ChineseFormatter(click.HelpFormatter):
    """click's help layout with Chinese headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Option and command lists aligned by display width (a Chinese character is two
        columns wide; click counts it as one)."""
        from rich.cells import cell_len

        rows = list(rows)
        width = min(max((cell_len(first) for first, _ in rows), default=0), col_max)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            pad = width - cell_len(first)
            if pad < 0:
                self.write(f"\n{'':>{self.current_indent + width}}")
                pad = 0
            self.write(f"{'':>{pad + col_spacing}}{second}\n")


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseCommand(click.Command):
    """A command whose help page and usage errors are Chinese."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """click's parse, with the context attached to every usage error (its parser leaves it
        out: the message could not say which command) and extra words as ``ExtraArguments``."""
        extra_allowed = isinstance(self, click.Group) or ctx.allow_extra_args
        ctx.allow_extra_args = True
        try:
            rest = super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise
        finally:
            ctx.allow_extra_args = extra_allowed
        if rest and not extra_allowed and not ctx.resilient_parsing:
            raise ExtraArguments(rest, ctx)
        return rest


class ChineseGroup(ChineseCommand, click.Group):
    """A group of commands, in Chinese like its commands; a group called without a command
    shows its help (no arguments at all) or says which commands there are."""

    command_class = ChineseCommand
    group_class = type  # subgroups are ChineseGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if type(exc) is click.UsageError and exc.ctx is ctx:  # the one plain one: "Missing command."
                raise MissingCommand(ctx) from None
            raise


class ChineseOption(click.Option):
    """An option without click's English notes ([default: …], [required]): the help says it."""

    def get_help_extra(self, ctx: click.Context) -> Any:
        return {}

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None or not self.required:
            return record
        return record[0], f"（必填）{record[1]}"


option = partial(click.option, cls=ChineseOption)


class Refused(click.BadParameter):
    """A value an option cannot take; its message is already Chinese (from the catalogue)."""


class ExtraArguments(click.UsageError):
    def __init__(self, extra: Sequence[str], ctx: click.Context) -> None:
        super().__init__(" ".join(extra), ctx)
        self.extra = list(extra)


class MissingCommand(click.UsageError):
    def __init__(self, ctx: click.Context) -> None:
        super().__init__("", ctx)


class Folder(click.ParamType):
    name = "目录"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        from pathlib import Path

        path = Path(value)
        if path.is_file():
            raise Refused(render_text("cli-data-is-file", {"value": value}), ctx, param)
        return path


class Integer(click.types.IntParamType):
    name = "整数"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            raise Refused(render_text("cli-bad-integer", {"value": value}), ctx, param) from None


class OneOf(click.Choice):
    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            choices = " 或 ".join(str(c) for c in self.choices)
            raise Refused(render_text("cli-bad-choice", {"value": value, "choices": choices}), ctx, param) from None


def _option_name(param: click.Parameter | None) -> str:
    return max(param.opts, key=len) if param is not None and param.opts else ""


def _usage(param: click.Parameter, ctx: click.Context | None) -> str:
    """``--as-of 日期``: how the option is written."""
    metavar = param.make_metavar(ctx) if ctx is not None else ""
    return f"{_option_name(param)} {metavar}".strip()


def _help(param: click.Parameter) -> str:
    text = getattr(param, "help", None) or ""
    return text if text.endswith("。") or not text else f"{text}。"


def _suggest(names: Sequence[str] | None) -> str:
    return render_text("cli-did-you-mean", {"names": " 或 ".join(names)}) if names else ""


def usage_text(exc: click.UsageError) -> str:
    """click's usage error ``exc`` as a Chinese sentence from the catalogue."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else _prog_name()
    param = getattr(exc, "param", None)
    if isinstance(exc, ExtraArguments):
        return render_text("cli-extra-arguments", {"command": command, "extra": " ".join(exc.extra)})
    if isinstance(exc, MissingCommand | click.NoSuchCommand):
        group = ctx.command if ctx is not None else None
        names = group.list_commands(ctx) if isinstance(group, click.Group) and ctx is not None else []
        commands = "、".join(names)
        if isinstance(exc, MissingCommand):
            return render_text("cli-missing-command", {"command": command, "commands": commands})
        return render_text(
            "cli-no-such-command",
            {
                "name": exc.command_name,
                "suggest": _suggest(exc.possibilities),
                "commands": commands,
                "command": command,
            },
        )
    if isinstance(exc, click.NoSuchOption):
        params = {"command": command, "name": exc.option_name, "suggest": _suggest(exc.possibilities)}
        return render_text("cli-no-such-option", params)
    if isinstance(exc, click.MissingParameter) and param is not None:
        return render_text(
            "cli-missing-option", {"command": command, "usage": _usage(param, ctx), "help": _help(param)}
        )
    if isinstance(exc, Refused):
        return render_text("cli-bad-value", {"option": _option_name(param), "detail": exc.message})
    if isinstance(exc, click.BadParameter):
        return render_text("cli-bad-value-unknown", {"option": _option_name(param), "command": command})
    if isinstance(exc, click.BadOptionUsage) and ctx is not None:  # an option without its value
        found = next((p for p in ctx.command.get_params(ctx) if exc.option_name in p.opts), None)
        if isinstance(found, click.Option) and not found.is_flag:
            return render_text(
                "cli-option-needs-value", {"option": exc.option_name, "usage": _usage(found, ctx), "help": _help(found)}
            )
    return render_text("cli-usage", {"command": command})


def _prog_name() -> str:
    """How this program was started, as the clerk can type it again: ``.venv/bin/python -m pipeline``
    (the interpreter's path relative to the current folder when it lies inside it)."""
    exe, here = sys.executable, os.getcwd().rstrip(os.sep) + os.sep
    return f"{exe.removeprefix(here)} -m pipeline"


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _error(text: str) -> None:
    click.echo(render_text("cli-error", {"text": text}), err=True)


@contextmanager
def _expected_errors() -> Iterator[None]:
    try:
        yield
    except PipelineError as exc:
        _error(exc.text)
        sys.exit(2)


def _parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Refused(render_text("cli-bad-date", {"value": value}), ctx, param) from None


def _parse_month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from pipeline.model import Month

    try:
        return str(Month.parse(value))
    except ValueError:
        raise Refused(render_text("cli-bad-month", {"value": value}), ctx, param) from None


@click.group(
    cls=ChineseGroup,
    context_settings=CONTEXT,
    help="乡镇干部作风整顿问题清单汇总：收件、校验、合并台账、生成通报和督办材料。",
)
@option(
    "--data",
    "data",
    type=Folder(),
    default="data",  # a Path, as Folder makes every value
    metavar="目录",
    help="工作目录（含 campaign.toml、inbox/、archive/、out/），不写时为当前目录下的 data。",
)
@click.pass_context
def cli(ctx: click.Context, data: Path) -> None:
    ctx.obj = data


@cli.command(
    short_help="月度汇总：处理收件箱，生成当月台账、通报、督办通知单和下月模板。",
    help="月度汇总：处理 inbox/ 中收到的全部文件，生成当月台账、通报、督办通知单和下月模板。",
)
@option(
    "--as-of", callback=_parse_day, metavar="日期", help="统计截止日期，如 2022-04-30（默认今天）；决定处理哪个月。"
)
@click.pass_obj
def monthly(data: Path, as_of: dt.date | None) -> None:
    from pipeline import inbox
    from pipeline.config import Workspace
    from pipeline.readers import pool

    waiting, _ = inbox.scan(Workspace(data).inbox)
    pool.warm(len(waiting))  # many files: the readers' server starts while this process loads the rest
    from pipeline import run
    from pipeline.terminal import print_run

    _loaded()
    console = _console()
    with _expected_errors():
        result = _with_progress(console, lambda progress: run.monthly(data, as_of, progress))
    print_run(console, result)
    if timings := os.environ.get(TIMINGS_ENV):  # tools/bench.py: the run's seconds per stage
        import json
        from pathlib import Path

        Path(timings).write_text(json.dumps(result.timings, ensure_ascii=False), encoding="utf-8")


def _with_progress(console: Any, job: Callable[[Callable[[str, int, int], None]], Any]) -> Any:
    """Run ``job`` with a progress bar of the files read, redrawn as files are read (at most ten
    times a second) rather than by a thread: the run may then fork its readers (``readers.pool``)
    from a process running no other thread."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("读取文件"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("", total=None)
        drawn = 0.0

        def step(name: str, done: int, total: int) -> None:
            nonlocal drawn
            now = time.monotonic()
            redraw = now - drawn >= 0.1 or done == total
            bar.update(task, completed=done, total=total, description=name, refresh=redraw)
            drawn = now if redraw else drawn

        return job(step)


@cli.command(
    short_help="收件登记：登记收件箱中新到文件的收到时间。",
    help="收件登记：把收件箱中新到的文件登记为现在收到（收到文件的当天运行一次），月度汇总按登记时间判断是否按时。",
)
@click.pass_obj
def receive(data: Path) -> None:
    from pipeline import run

    _loaded()
    with _expected_errors():
        found = run.receive(data)
    for item in found:
        key = "receive-new" if item.new else "receive-known"
        click.echo(render_text(key, {"name": item.name, "at": f"{item.received:%Y-%m-%d %H:%M}"}))
    if not found:
        click.echo(render_text("receive-nothing", {}))


def _parse_time(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    text = value.strip().replace("T", " ")
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        with suppress(ValueError):
            return dt.datetime.strptime(text, form)
    raise Refused(render_text("received-bad-time", {"value": value}), ctx, param)


@cli.command(
    short_help="更正接收时间：写明某个文件实际收到的时间。",
    help="更正接收时间：写明某个文件实际收到的时间（收件箱中的文件，或已处理的文件），记入审计记录。",
)
@option("--file", "name", required=True, metavar="文件名", help="文件名，如 附件2（某某村）.xlsx。")
@option(
    "--at",
    "at",
    required=True,
    callback=_parse_time,
    metavar="时间",
    help="实际收到的时间，如 2022-04-20 或 2022-04-20 09:30。",
)
@click.pass_obj
def received(data: Path, name: str, at: dt.datetime) -> None:
    from pipeline import run

    _loaded()
    with _expected_errors():
        item, as_of = run.state_received(data, name, at)
    params = {"name": item.name, "at": f"{item.received:%Y-%m-%d %H:%M}", "as_of": as_of or ""}
    click.echo(render_text("received-done-rerun" if as_of else "received-done", params))


@cli.command(
    short_help="从最近的备份恢复台账。",
    help="从 backup/ 中最近的备份恢复台账（台账数据库丢失、损坏或被直接改动时）。",
)
@click.pass_obj
def restore(data: Path) -> None:
    from pipeline import run

    _loaded()
    with _expected_errors():
        backup, kept = run.restore(data)
    click.echo(render_text("restore-done", {"backup": backup, "kept": kept or "（无）"}))


@cli.command(
    short_help="为每个单位生成空白问题清单模板。",
    help="为名单中每个单位生成空白问题清单模板（写入 out/模板/）。",
)
@option("--month", callback=_parse_month, metavar="月份", help="模板对应的月份，如 2022-03（默认为问题清单报送月份）。")
@click.pass_obj
def templates(data: Path, month: str | None) -> None:
    from pipeline import run

    _loaded()
    with _expected_errors():
        paths = run.templates(data, month)
    click.echo(render_text("templates-written", {"count": len(paths), "folder": paths[0].parent if paths else data}))


@cli.group(
    short_help="审计记录：核验记录和归档文件，查看报送记录。",
    help="审计记录：核验收件记录链和归档文件是否被改动，查看单位报送记录。",
)
def audit() -> None:
    pass


@audit.command(
    "verify",
    short_help="核验记录链和归档文件，发现改动时以非零状态退出。",
    help="核验审计记录的哈希链和每个归档文件；发现改动、删除或多出的文件时以非零状态退出。",
)
@click.pass_obj
def audit_verify(data: Path) -> None:
    from pipeline import run

    _loaded()
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


@audit.command(
    "show",
    short_help="列出收件记录（可按单位筛选）。",
    help="列出收件记录：月份、文件名、接收时间、结果和说明摘要（可按单位筛选）。",
)
@option("--unit", metavar="单位", help="单位代码、全称或简称；不填则列出全部单位。")
@click.pass_obj
def audit_show(data: Path, unit: str | None) -> None:
    from pipeline import run
    from pipeline.terminal import print_audit

    _loaded()
    with _expected_errors():
        listing = run.audit_records(data, unit)
    if not listing.records:
        click.echo(
            render_text("audit-no-records-unit", {"unit": unit}) if unit else render_text("audit-no-records", {})
        )
        return
    print_audit(_console(), listing, unit)


@cli.command(
    short_help="生成领导汇报材料：半年或年度报告。",
    help="生成领导汇报材料：半年（half）或全年（year）整改情况报告（Word，含统计图）和 汇总.xlsx（含单位考核）。",
)
@option("--period", type=OneOf(["half", "year"]), required=True, help="half 为半年报告，year 为年度报告。")
@option("--as-of", callback=_parse_day, metavar="日期", help="截止日期（默认为台账最近一个月的统计截止日期）。")
@click.pass_obj
def summary(data: Path, period: str, as_of: dt.date | None) -> None:
    from pipeline import run

    _loaded()
    with _expected_errors():
        paths = run.summary(data, period, as_of)
    for path in paths:
        click.echo(render_text("file-written", {"path": path}))


@cli.command(
    short_help="演示：生成示例活动并逐月运行。",
    help="演示：生成示例活动（约十来个单位、3月至11月的报送文件），逐月运行，最后生成半年和年度报告。",
)
@option("--seed", type=Integer(), default=2022, metavar="整数", help="示例数据的随机种子，不写时为 2022。")
@click.pass_obj
def demo(data: Path, seed: int) -> None:
    from pipeline.terminal import print_run

    console = _console()
    with _expected_errors():
        try:  # the sample campaign is not part of the runtime: `make demo` installs it
            from demo_campaign import run_demo
        except ImportError as exc:
            raise DemoUnavailable(detail=exc.name or "") from None
        _loaded()
        for result in run_demo(data, seed):
            print_run(console, result, brief=True)
    console.print("\n" + render_text("demo-done", {"out": data / "out"}))


def main(args: Sequence[str] | None = None) -> None:
    """Run the command line; click's usage errors become Chinese messages (exit code 2)."""
    try:
        code = cli.main(args=list(args) if args is not None else None, prog_name=_prog_name(), standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help(), err=True)
        sys.exit(2)
    except click.UsageError as exc:
        _error(usage_text(exc))
        sys.exit(2)
    except click.ClickException as exc:
        _error(render_text("cli-failed", {"command": _prog_name()}))
        sys.exit(exc.exit_code)
    except click.Abort:
        _error(render_text("cli-aborted", {}))
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)
