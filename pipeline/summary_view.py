"""Terminal summaries with rich (used by the CLI only)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table

from pipeline.run import RunResult

OUTCOME_STYLE = {"通过": "green", "退回": "red", "重复": "yellow", "总结": "cyan"}


def print_run(console: Any, result: RunResult, brief: bool = False) -> None:
    report = result.report
    counts = {k: sum(1 for f in result.files if f.outcome == k) for k in ("通过", "退回", "重复", "总结")}
    console.print(
        f"[bold]{result.month} 月度汇总完成[/]（截至 {result.as_of:%Y-%m-%d}）：本次收到 {len(result.files)} 个文件，"
        f"通过 {counts['通过']}，退回 {counts['退回']}，重复 {counts['重复']}"
        + (f"，工作总结 {counts['总结']}。" if counts["总结"] else "。")
    )
    if result.files and not brief:
        table = Table(title="本次收件校验结果")
        for col in ("文件名", "单位", "结果", "说明"):
            table.add_column(col, overflow="fold")
        for f in result.files:
            first = [m.text for m in f.messages if m.level != "info"][:3]
            extra = len([m for m in f.messages if m.level != "info"]) - len(first)
            note = "\n".join(first) + (f"\n……另有 {extra} 条" if extra > 0 else "")
            table.add_row(f.file_name, f.unit, f"[{OUTCOME_STYLE[f.outcome]}]{f.outcome}[/]", note)
        console.print(table)
    if result.left_in_inbox:
        console.print(
            f"[yellow]以下 {len(result.left_in_inbox)} 个文件在汇总运行期间被改动或移走，改动后的文件留在收件箱，下次运行时再处理：[/]"
            + "、".join(result.left_in_inbox)
        )
    if report is not None:
        p = report.problems
        console.print(
            f"台账共 {len(p)} 个问题：已完成 {(p['完成状态'] == '已完成').sum()}，红灯 {(p['灯色'] == '红灯').sum()}，"
            f"黄灯 {(p['灯色'] == '黄灯').sum()}，移交纪委 {(p['移交纪委'] == '是').sum()}。"
        )
    print_matters(console, result, brief)
    if result.reused:
        console.print("台账和模板均无变化，本月报表与上次运行生成的相同，已保留原文件。")
    console.print(f"输出目录：{result.month_dir}")


def print_matters(console: Any, result: RunResult, brief: bool = False) -> None:
    """The office's list of assigned matters as this run read it, and the matters' flags."""
    if result.register is not None:
        problems = [m.text for m in result.register.messages if m.level != "info"]
        read = next((m.text for m in result.register.messages if m.code == "register-read"), "")
        style = "red" if problems else "green"
        console.print(f"[{style}]交办事项清单[/]：{read or (problems[0] if problems else '')}")
        if problems and not brief:
            for text in problems:
                console.print(f"  · {text}")
    ledger = result.report.ledgers.get("matter") if result.report is not None else None
    if ledger is not None:
        items = ledger.items
        console.print(
            f"交办事项共 {len(items)} 件：已办结 {(items['办理状态'] == '已办结').sum()}，"
            f"红灯 {(items['灯色'] == '红灯').sum()}，移交纪委 {(items['移交纪委'] == '是').sum()}。"
        )


def print_frame(console: Any, frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for rec in frame.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in rec))
    console.print(table)
