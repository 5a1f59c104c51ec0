"""Everything the command line prints is Chinese: every --help page and every usage error."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from pipeline.cli import _prog_name, cli, main

# The only Latin words a clerk may see: commands, options, their values and file names.
ALLOWED = {
    "python",
    "pipeline",
    "venv",
    "bin",
    "data",
    "campaign",
    "toml",
    "inbox",
    "archive",
    "out",
    "xlsx",
    "Word",
    "half",
    "year",
    "help",
    "audit",
    "demo",
    "monthly",
    "summary",
    "templates",
    "verify",
    "show",
    "seed",
    "unit",
    "month",
    "period",
    "receive",
    "received",
    "restore",
    "file",
    "backup",
}
CLICK_ENGLISH = (
    "Usage",
    "Options",
    "Commands",
    "Show this message",
    "default",
    "required",
    "Invalid value",
    "No such",
    "Missing",
    "Error",
    "Try ",
    "Did you mean",
    "Got unexpected",
    "requires an argument",
)


def english_words(text: str, typed: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The Latin words of ``text`` other than ALLOWED and what the clerk typed (quoted back)."""
    for word in (_prog_name(), *typed):
        text = text.replace(word, "")
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED]


def run_main(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "pipeline")
def test_every_help_page_is_chinese(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> None:
    code, out, err = run_main(capsys, [*path, "--help"])
    assert code == 0
    assert err == ""
    assert out.startswith(f"用法：{_prog_name()}")
    assert "选项：" in out
    assert re.search(r"^  -h, --help +显示本说明并退出。$", out, re.M)
    assert not [w for w in CLICK_ENGLISH if w in out]
    assert english_words(out) == []


def test_the_help_covers_every_command() -> None:
    assert sorted(" ".join(p) for p in command_paths()) == [
        "",
        "audit",
        "audit show",
        "audit verify",
        "demo",
        "monthly",
        "receive",
        "received",
        "restore",
        "summary",
        "templates",
    ]


def test_required_and_default_are_said_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    _, summary, _ = run_main(capsys, ["summary", "--help"])
    assert "--period [half|year]  （必填）half 为半年报告，year 为年度报告。" in summary
    _, top, _ = run_main(capsys, ["--help"])
    assert "--data 目录  工作目录（含 campaign.toml、inbox/、archive/、out/），不写时为当前目录下的 data。" in top


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["bogus"],
            "没有“bogus”这个命令。可用的命令有：audit、demo、monthly、receive、received、restore、summary、templates。运行 {prog} --help 查看说明。",
        ),
        (
            ["montly"],
            "没有“montly”这个命令。是不是要写 monthly？可用的命令有：audit、demo、monthly、receive、received、restore、summary、templates。"
            "运行 {prog} --help 查看说明。",
        ),
        (
            ["monthly", "--bogus"],
            "{prog} monthly 没有“--bogus”这个选项。运行 {prog} monthly --help 查看可用的选项。",
        ),
        (
            ["summary", "--peroid", "half"],
            "{prog} summary 没有“--peroid”这个选项。是不是要写 --period？运行 {prog} summary --help 查看可用的选项。",
        ),
        (
            ["summary", "--period", "quarter"],
            "选项 --period 的值不正确：“quarter”不是可选的值，应写 half 或 year。",
        ),
        (
            ["summary"],
            "{prog} summary 必须写上 --period [half|year]：half 为半年报告，year 为年度报告。"
            "运行 {prog} summary --help 查看说明。",
        ),
        (
            ["monthly", "--as-of", "2022-4-30"],
            "选项 --as-of 的值不正确：“2022-4-30”不是有效日期，应写作 2022-04-30 这样的格式。",
        ),
        (
            ["summary", "--period", "half", "--as-of", "6月30日"],
            "选项 --as-of 的值不正确：“6月30日”不是有效日期，应写作 2022-04-30 这样的格式。",
        ),
        (
            ["monthly", "--as-of"],
            "选项 --as-of 后面要写上它的值，写作 --as-of 日期：统计截止日期，如 2022-04-30（默认今天）；决定处理哪个月。",
        ),
        (
            ["templates", "--month", "2022-3"],
            "选项 --month 的值不正确：“2022-3”不是有效月份，应写作 2022-03 这样的格式。",
        ),
        (["demo", "--seed", "x"], "选项 --seed 的值不正确：“x”不是整数，应写一个数，如 2022。"),
        (
            ["monthly", "2022-04-30"],
            "{prog} monthly 后面多了“2022-04-30”，无法理解。运行 {prog} monthly --help 查看用法。",
        ),
        (
            ["--data", "data"],
            "{prog} 后面要写一个命令：audit、demo、monthly、receive、received、restore、summary、templates。运行 {prog} --help 查看说明。",
        ),
        (
            ["audit", "check"],
            "没有“check”这个命令。可用的命令有：show、verify。运行 {prog} audit --help 查看说明。",
        ),
    ],
)
def test_usage_errors_are_chinese_with_exit_code_2(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, out, err = run_main(capsys, args)
    assert code == 2
    assert out == ""
    assert err == "错误：" + expected.format(prog=_prog_name()) + "\n"
    assert english_words(err, args) == []


def test_a_file_given_as_the_workspace_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "campaign.toml"
    path.write_text("", encoding="utf-8")
    code, _, err = run_main(capsys, ["--data", str(path), "monthly"])
    assert code == 2
    assert err == (
        f"错误：选项 --data 的值不正确：“{path}”是一个文件，不是文件夹；"
        "这里应写工作目录（含 campaign.toml、inbox/ 的文件夹）。\n"
    )


def test_a_group_without_a_command_shows_its_chinese_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, ["audit"])
    assert code == 2
    assert out == ""
    assert err.startswith(f"用法：{_prog_name()} audit [选项] 命令 [参数]...")
    assert "命令：" in err
    assert english_words(err) == []


def test_a_config_mistake_reaches_the_terminal_in_chinese(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    toml = workspace / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('town = "xx镇"', "town = “xx镇”"), encoding="utf-8")
    code, _, err = run_main(capsys, ["--data", str(workspace), "templates"])
    assert code == 2
    assert err.startswith(f"错误：{toml} 第 2 行（town = “xx镇”）：用了中文引号 “…”。")


def test_python_m_pipeline_goes_through_main() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "bogus"], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("错误：没有“bogus”这个命令。")
    assert english_words(proc.stderr, ["bogus"]) == []
