"""Terminal summaries with rich (used by the CLI only)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table

from pipeline.messages import render_text
from pipeline.run import RunResult

OUTCOME_STYLE = {"通过": "green", "退回": "red", "重复": "yellow", "总结": "cyan"}


def print_run(console: Any, result: RunResult, brief: bool = False) -> None:
    report = result.report
    counts = {k: sum(1 for f in result.files if f.outcome == k) for k in ("通过", "退回", "重复", "总结")}
    summaries = render_text("run-done-summaries", {"count": counts["总结"]}) if counts["总结"] else ""
    done = {"month": result.month, "as_of": f"{result.as_of:%Y-%m-%d}", "files": len(result.files)}
    done |= {"passed": counts["通过"], "returned": counts["退回"], "duplicates": counts["重复"], "summaries": summaries}
    console.print(f"[bold]{render_text('run-done', done)}[/]")
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
        left = {"count": len(result.left_in_inbox), "names": "、".join(result.left_in_inbox)}
        console.print(f"[yellow]{render_text('run-left-in-inbox', left)}[/]")
    if result.saved_again:
        again = {"count": len(result.saved_again), "names": "、".join(result.saved_again)}
        console.print(f"[yellow]{render_text('run-saved-again', again)}[/]")
    if result.no_permission:
        locked = {"count": len(result.no_permission), "names": "、".join(result.no_permission)}
        console.print(f"[yellow]{render_text('run-no-permission', locked)}[/]")
    if result.not_taken:
        left = {"count": len(result.not_taken), "names": "、".join(x.name for x in result.not_taken)}
        console.print(f"[yellow]{render_text('run-not-taken', left)}[/]")
    for receipt in result.receipt_notes:
        console.print(f"[yellow]{receipt.text}[/]")
    if report is not None:
        p = report.problems
        figures = {"total": len(p), "done": (p["完成状态"] == "已完成").sum(), "red": (p["灯色"] == "红灯").sum()}
        figures |= {"yellow": (p["灯色"] == "黄灯").sum(), "escalated": (p["移交纪委"] == "是").sum()}
        console.print(render_text("run-ledger", figures))
    print_matters(console, result, brief)
    if result.reused:
        console.print(render_text("run-outputs-kept", {}))
    console.print(render_text("run-output-dir", {"path": result.month_dir}))


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
        figures = {"total": len(items), "done": (items["办理状态"] == "已办结").sum()}
        figures |= {"red": (items["灯色"] == "红灯").sum(), "escalated": (items["移交纪委"] == "是").sum()}
        console.print(render_text("run-matters", figures))


def print_frame(console: Any, frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for rec in frame.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in rec))
    console.print(table)
