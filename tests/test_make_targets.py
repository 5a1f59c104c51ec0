"""The Makefile as the clerk meets it: `make help` in Chinese, and a failing clerk target that
ends with the pipeline's Chinese message, not make's English "Error 2" line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from make_runner import make

CLERK_TARGETS = ("demo", "monthly", "templates", "summary", "audit", "audit-show")


def test_make_help_is_the_default_and_lists_every_target_in_chinese() -> None:
    bare, helped = make(), make("help")
    assert bare.returncode == helped.returncode == 0
    assert bare.stdout == helped.stdout
    listed = dict(re.findall(r"^  make (\S+) +(.+)$", helped.stdout, re.M))
    assert set(listed) >= {*CLERK_TARGETS, "help", "setup", "test", "lint", "bench", "clean"}
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in listed.values())
    assert helped.stdout.startswith("用法：make 命令 [设置=值 …]，例如 make monthly AS_OF=2022-04-30\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("templates",), "错误：找不到活动配置文件 {ws}/campaign.toml，请先按 README 创建 campaign.toml。\n"),
        (
            ("monthly", "AS_OF=2022-4-30"),
            "错误：选项 --as-of 的值不正确：“2022-4-30”不是有效日期，应写作 2022-04-30 这样的格式。\n",
        ),
        (
            ("summary", "PERIOD=quarter"),
            "错误：选项 --period 的值不正确：“quarter”不是可选的值，应写 half 或 year。\n",
        ),
    ],
)
def test_a_failing_clerk_target_ends_with_the_chinese_message(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    ws = tmp_path / "青石镇"
    proc = make(*args, f"DATA={ws}")
    assert proc.returncode != 0
    assert proc.stderr == message.format(ws=ws)
    assert "make" not in proc.stdout + proc.stderr
    assert "Error" not in proc.stdout + proc.stderr


def test_ci_targets_still_fail_the_normal_way() -> None:
    for target in ("lint", "test", "setup"):
        assert "kill" not in make("-n", "-B", target).stdout, target
    for target in CLERK_TARGETS:
        assert "|| kill -s PIPE" in make("-n", target).stdout, target
