"""Every command the README prints works as printed on a fresh clone: a ``make`` target that
exists (its dry run calls the pipeline with options it accepts), or ``.venv/bin/python -m
pipeline …`` with a command and options the pipeline accepts. Nothing is run for real: the
commands are parsed, so this stays fast."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from make_runner import ROOT, make

from pipeline.cli import cli

README = ROOT / "README.md"
VENV_PYTHON = ".venv/bin/python"
PIPELINE = f"{VENV_PYTHON} -m pipeline"


def readme_commands() -> list[str]:
    """Every command line of the README: the lines of its code blocks and the inline code
    spans that are a ``make`` or ``-m pipeline`` command, without their comments."""
    text = README.read_text(encoding="utf-8")
    commands: list[str] = []
    for language, block in re.findall(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", text, re.S | re.M):
        if language not in ("", "bash", "sh"):
            continue  # a toml or text block: settings and pictures, not commands
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                commands.append(line)
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    for span in re.findall(r"`([^`\n]+)`", outside):
        if span == "make" or span.startswith("make ") or "-m pipeline" in span:
            commands.append(span.strip())
    return commands


def parse(args: list[str]) -> click.Context:
    """The context the pipeline's command line would run ``args`` in; raises click's usage
    errors (unknown command or option, a value the option refuses) without running anything."""
    level = list(args)
    ctx = cli.make_context("pipeline", level)
    command: click.Command = cli
    while isinstance(command, click.Group):
        rest = list(ctx.args)
        name = level[len(level) - len(rest) - 1]  # a group stops parsing at its command's name
        _, sub, _ = command.resolve_command(ctx, [name, *rest])  # an unknown name: NoSuchCommand
        assert sub is not None
        level = rest
        ctx = sub.make_context(name, level, parent=ctx)
        command = sub
    return ctx


def make_dry_run(command: str) -> str:
    words = shlex.split(command)
    assert words[0] == "make"
    proc = make(*words[1:], dry_run=True)  # never rebuilds .venv, only shows what the target would run
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def documented_targets() -> set[str]:
    out = make("help")
    assert out.returncode == 0, out.stderr
    return set(re.findall(r"^  make (\S+)", out.stdout, re.M))


COMMANDS = readme_commands()
MAKE_COMMANDS = [c for c in COMMANDS if c.split()[0] == "make"]
CLI_COMMANDS = [c for c in COMMANDS if c.startswith(PIPELINE)]


def test_every_readme_command_is_make_or_the_venv_python() -> None:
    assert len(MAKE_COMMANDS) >= 10
    assert len(CLI_COMMANDS) >= 5
    assert sorted(set(COMMANDS) - set(MAKE_COMMANDS) - set(CLI_COMMANDS)) == []
    # a bare `python -m pipeline` fails on a fresh clone (ModuleNotFoundError): never printed
    text = README.read_text(encoding="utf-8")
    assert re.findall(r"(?<!\.venv/bin/)python3? -m pipeline", text) == []


@pytest.mark.parametrize("command", sorted(set(MAKE_COMMANDS)))
def test_each_make_command_exists_and_calls_the_pipeline_correctly(command: str) -> None:
    words = shlex.split(command)
    target = next((w for w in words[1:] if "=" not in w), "help")
    assert target in documented_targets()
    out = make_dry_run(command)
    for line in out.splitlines():
        if " -m pipeline " in line:
            call = shlex.split(line.split("||")[0])
            assert call[:3] == [VENV_PYTHON, "-m", "pipeline"]
            parse(call[3:])


def test_the_clerk_targets_go_through_the_pipeline() -> None:
    for target in ("demo", "monthly", "templates", "summary", "audit", "audit-show"):
        assert f"{PIPELINE} --data " in make_dry_run(f"make {target}"), target


def test_make_passes_its_settings_to_the_pipeline() -> None:
    out = make_dry_run("make audit-show UNIT=红星村 DATA=/srv/青石镇")
    ctx = parse(shlex.split(out.split("||")[0])[3:])
    assert (ctx.info_name, ctx.params) == ("show", {"unit": "红星村"})
    assert ctx.find_root().params == {"data": Path("/srv/青石镇")}


@pytest.mark.parametrize("command", CLI_COMMANDS)
def test_each_pipeline_command_parses(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    words = shlex.split(command)
    assert words[:3] == [VENV_PYTHON, "-m", "pipeline"]
    if "--help" not in words:
        parse(words[3:])
        return
    with pytest.raises(click.exceptions.Exit) as info:  # the help page is shown, then it exits 0
        parse(words[3:])
    assert info.value.exit_code == 0
    assert capsys.readouterr().out.startswith("用法：")


def test_parse_refuses_what_the_pipeline_refuses() -> None:
    for args in (["--data", "data", "audit", "list"], ["summary", "--period", "quarter"], ["monthly", "--asof", "x"]):
        with pytest.raises(click.UsageError):
            parse(args)
