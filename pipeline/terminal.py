"""Terminal summaries with rich (used by the CLI only).

The clerk reads these at 80 columns: lines are wrapped here, never inside a file name, a unit's
name or a quoted value (``wrap``), and printed without rich wrapping them again. What to do next
comes first: who sent nothing, who was late, who only has returned files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from pipeline.messages import Message, render_text
from pipeline.model import Light, MatterStatus, Outcome, ProblemStatus, Signal, SubmissionState, YesNo
from pipeline.report import MonthReport
from pipeline.run import AuditListing, FileOutcome, RunResult

OUTCOME_STYLE = {
    Outcome.PASSED: "green",
    Outcome.RETURNED: "red",
    Outcome.DUPLICATE: "yellow",
    Outcome.WORK_SUMMARY: "cyan",
}
NOTES_SHOWN = 3  # warnings and errors shown per file; the rest are in 总台账's 校验结果
FILE_INDENT = "  "
NOTE_BULLET = "· "
# what a line may not start with, nor end with (kinsoku): it stays with the text before / after it
_CLOSING = "，。、；：！？）》」』”’,.;:!?)]"
_OPENING = "（《「『“‘(["
AUDIT_COLUMNS = ("序号", "月份", "单位", "文件名", "接收时间", "结果", "说明摘要", "SHA-256")  # audit show
DIGEST_WIDTH = 60  # characters of a record's first message in its digest
_QUOTED = "“[^”\n]{0,20}”|‘[^’\n]{0,20}’|《[^》\n]{0,20}》|「[^」\n]{0,20}」"  # short quotations stay whole


_QUOTED_ATOM = re.compile(f"(?:{_QUOTED})[{re.escape(_CLOSING)}]*", re.S)
_OPENINGS = re.compile(f"[{re.escape(_OPENING)}]*")
_CLOSINGS = re.compile(f"[{re.escape(_CLOSING)}]*")
# "重复 0", "3 个": a whole count stays with its word (not a date's or a decimal's digits); a Latin
# word, digits or a path stay whole; spaces go together; anything else is one character
_PLAIN = re.compile(
    r"[\u4e00-\u9fff]{1,2} \d+(?![\w.:/\-])|(?<![\w.:/\-])\d+ [\u4e00-\u9fff]|[A-Za-z0-9_./:\-]+|\s+|.", re.S
)


def atoms(text: str, keep: Iterable[str] = ()) -> list[str]:
    """``text`` cut where a line may break: a short quotation, or one of ``keep`` (file and unit
    names, the longest first where two start at the same place) or a piece of ``_PLAIN``, each
    with the opening brackets before it and the closing punctuation after it.

    The patterns are compiled once: a run's summary has a line per file, each naming its own file
    and unit, and a pattern made of each line's names (compiled for each line) took seconds for a
    county's thousand files."""
    names = sorted({k for k in keep if k and k in text}, key=len, reverse=True)
    out: list[str] = []
    at, end = 0, len(text)
    while at < end:
        quoted = _QUOTED_ATOM.match(text, at)
        if quoted:
            out.append(quoted.group())
            at = quoted.end()
            continue
        start = min(_end(_OPENINGS, text, at), end - 1)  # brackets ending the text: the last is the piece
        stop = next((start + len(n) for n in names if text.startswith(n, start)), None)
        stop = _end(_CLOSINGS, text, _end(_PLAIN, text, start) if stop is None else stop)
        out.append(text[at:stop])
        at = stop
    return out


def _end(pattern: re.Pattern[str], text: str, at: int) -> int:
    """Where ``pattern``'s match at ``at`` ends (each of these matches there, if only "")."""
    found = pattern.match(text, at)
    return found.end() if found else at


def wrap(text: str, width: int, keep: Iterable[str] = ()) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken only between Chinese characters,
    at spaces or around Latin words, never inside ``keep`` (file and unit names) or a short
    quotation. A piece wider than ``width`` stands alone on its line, whole."""
    lines: list[str] = []
    line = ""
    for atom in atoms(text, keep):
        if atom.isspace() and atom.count("\n"):
            lines.append(line.rstrip())
            line = ""
            continue
        if line and cell_len(line + atom.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if atom.isspace() else atom
            continue
        line += atom
    lines.append(line.rstrip())
    return lines


def _print(
    console: Any, first: Text | str, text: str, keep: Iterable[str] = (), style: str = "", indent: int | None = None
) -> None:
    """``first`` then ``text`` wrapped beside it (a hanging indent as wide as ``first``)."""
    lead = first if isinstance(first, Text) else Text(first)
    hang = cell_len(lead.plain) if indent is None else indent
    width = max(20, console.width - hang)
    for number, line in enumerate(wrap(text, width, keep)):
        out = lead.copy() if number == 0 else Text(" " * hang)
        out.append(line, style=style)
        console.print(out, soft_wrap=True, highlight=False)


def _note(message: Message) -> str:
    """A message about a file, without the file's name (the line above names it)."""
    where = "，".join(
        part
        for part in (message.sheet and f"工作表“{message.sheet}”", message.cell and f"{message.cell} 单元格")
        if part
    )
    return f"{where}：{message.body}" if where else message.body


def _notes(outcome: FileOutcome) -> list[str]:
    """Why the file came out as it did: its errors and warnings (the first few), and what the
    run says about it (a duplicate of which file, superseded by which); not the 校验通过 count."""
    problems = [m for m in outcome.messages if m.level != "info"]
    shown = [_note(m) for m in problems[:NOTES_SHOWN]]
    if len(problems) > NOTES_SHOWN:
        shown.append(render_text("run-more-notes", {"count": len(problems) - NOTES_SHOWN}))
    return [*shown, *(_note(m) for m in outcome.messages if m.level == "info" and m.code != "accepted")]


def print_files(console: Any, files: Sequence[FileOutcome]) -> None:
    """Each file the run took: outcome, unit, name, then why, names kept whole."""
    console.print(render_text("run-files-title", {}))
    names = [n for f in files for n in (f.file_name, f.unit)]
    for f in files:
        lead = Text(FILE_INDENT)
        lead.append(f.outcome, style=OUTCOME_STYLE.get(f.outcome, ""))
        lead.append("  ")
        _print(console, lead, f"{f.unit}  {f.file_name}" if f.unit else f.file_name, names)
        for note in _notes(f):
            _print(console, Text(" " * cell_len(lead.plain) + NOTE_BULLET), note, names)


def print_chase(console: Any, result: RunResult) -> None:
    """The month's 报送情况 and who to chase, by name."""
    if result.report is None or result.report.submissions.empty:
        return
    subs = result.report.submissions
    by_status = {
        status: [str(n) for n in subs.loc[subs["报送状态"] == status, "单位"]] for status in SubmissionState.ALL
    }
    counts = {
        "on_time": SubmissionState.ON_TIME,
        "late": SubmissionState.LATE,
        "returned": SubmissionState.RETURNED,
        "missing": SubmissionState.MISSING,
    }
    console.print(render_text("run-submissions", {k: len(by_status[v]) for k, v in counts.items()}))
    names = [str(n) for n in subs["单位"]]
    for code, units, style in (
        ("run-chase-missing", by_status[SubmissionState.MISSING], "red"),
        ("run-chase-returned", by_status[SubmissionState.RETURNED], "red"),
        ("run-chase-late", by_status[SubmissionState.LATE], "yellow"),
        ("run-chase-twice", result.report.missing_twice, "red"),
    ):
        if units:
            text = render_text(code, {"count": len(units), "names": "、".join(units)})
            _print(console, FILE_INDENT, text, names, style)


def print_run(console: Any, result: RunResult, brief: bool = False) -> None:
    report = result.report
    counts = {k: sum(1 for f in result.files if f.outcome == k) for k in OUTCOME_STYLE}
    summaries = counts[Outcome.WORK_SUMMARY]
    done = {"month": result.month, "as_of": f"{result.as_of:%Y-%m-%d}", "files": len(result.files)}
    done |= {
        "passed": counts[Outcome.PASSED],
        "returned": counts[Outcome.RETURNED],
        "duplicates": counts[Outcome.DUPLICATE],
        "summaries": render_text("run-done-summaries", {"count": summaries}) if summaries else "",
    }
    _print(console, "", render_text("run-done", done), style="bold")
    if result.files and not brief:
        print_files(console, result.files)
    if result.left_in_inbox:
        left = {"count": len(result.left_in_inbox), "names": "、".join(result.left_in_inbox)}
        _print(console, "", render_text("run-left-in-inbox", left), result.left_in_inbox, "yellow")
    if result.saved_again:
        again = {"count": len(result.saved_again), "names": "、".join(result.saved_again)}
        _print(console, "", render_text("run-saved-again", again), result.saved_again, "yellow")
    if result.no_permission:
        locked = {"count": len(result.no_permission), "names": "、".join(result.no_permission)}
        _print(console, "", render_text("run-no-permission", locked), result.no_permission, "yellow")
    if result.not_taken:
        names = [x.name for x in result.not_taken]
        _print(
            console, "", render_text("run-not-taken", {"count": len(names), "names": "、".join(names)}), names, "yellow"
        )
    for receipt in result.receipt_notes:
        _print(console, "", receipt.text, style="yellow")
    if not brief:
        print_chase(console, result)
    if report is not None:
        p = report.problems
        lights = p["灯色"]
        figures = {"total": len(p), "done": (p["完成状态"] == ProblemStatus.DONE).sum()}
        figures |= {"red": (lights == Light.RED).sum(), "yellow": (lights == Light.YELLOW).sum()}
        figures |= {"escalated": (p["移交纪委"] == YesNo.YES).sum()}
        console.print(render_text("run-ledger", figures))
        print_formality(console, report)
    print_matters(console, result, brief)
    if result.reused:
        console.print(render_text("run-outputs-kept", {}))
    _print(console, "", render_text("run-output-dir", {"path": result.month_dir}), [str(result.month_dir)])


def print_formality(console: Any, report: MonthReport) -> None:
    """The month's 形式主义提示 counted by kind, the units whose lists are mostly the same, and
    how many hints the office's 已核实提示.toml cleared; nothing when there is none."""
    found = report.formality
    names = {u.code: u.name for u in report.campaign.units}
    if found.hints:
        counts = {s: sum(1 for h in found.hints if h.signal == s) for s in Signal.ALL}
        parts = "、".join(f"{s} {n}" for s, n in counts.items() if n)
        _print(console, "", render_text("run-formality", {"total": len(found.hints), "parts": parts}), style="yellow")
    if found.lists:
        pairs = "；".join(
            f"{names.get(h.unit_code, h.unit_code)}与{names.get(h.other_unit, h.other_unit)}" for h in found.lists
        )
        _print(console, FILE_INDENT, render_text("run-formality-lists", {"pairs": pairs}), style="yellow")
    if found.cleared:
        console.print(render_text("run-formality-cleared", {"count": len(found.cleared)}))


def print_matters(console: Any, result: RunResult, brief: bool = False) -> None:
    """The office's list of assigned matters as this run read it, and the matters' flags."""
    if result.register is not None:
        problems = [m.text for m in result.register.messages if m.level != "info"]
        read = next((m.text for m in result.register.messages if m.code == "register-read"), "")
        lead = Text("交办事项清单", style="red" if problems else "green")
        lead.append("：")
        _print(console, lead, read or (problems[0] if problems else ""), [result.register.file_name], indent=2)
        if problems and not brief:
            for text in problems:
                _print(console, FILE_INDENT + NOTE_BULLET, text, [result.register.file_name])
    ledger = result.report.ledgers.get("matter") if result.report is not None else None
    if ledger is not None:
        items = ledger.items
        figures = {"total": len(items), "done": (items["办理状态"] == MatterStatus.DONE).sum()}
        figures |= {"red": (items["灯色"] == Light.RED).sum(), "escalated": (items["移交纪委"] == YesNo.YES).sum()}
        console.print(render_text("run-matters", figures))


def print_frame(console: Any, frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for rec in frame.itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in rec))
    console.print(table)


def audit_table(listing: AuditListing) -> pd.DataFrame:
    """``audit show``'s table: each audit record, oldest first, with a one-line digest of what
    was found in the file (``message_digest``)."""
    unknown = render_text("unit-not-identified", {})
    rows = []
    for r in listing.records:
        newer = listing.superseded.get(r.seq)
        rows.append(
            {
                "序号": r.seq,
                "月份": r.month,
                "单位": listing.unit_names.get(r.unit_code or "", unknown),
                "文件名": r.file_name,
                "接收时间": r.received_at.replace("T", " "),
                "结果": r.outcome,
                "说明摘要": message_digest(r.outcome, json.loads(r.messages), newer.file_name if newer else None),
                "SHA-256": r.sha256[:16],
            }
        )
    return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))


def message_digest(
    outcome: str, messages: Sequence[Mapping[str, str]], superseded_by: str | None = None, width: int = DIGEST_WIDTH
) -> str:
    """One line about a received file: passed or not, the file that replaced it, how many errors
    and warnings, and the first of them (or the first message of a file not checked)."""
    errors = [m for m in messages if m.get("level") == "error"]
    warnings = [m for m in messages if m.get("level") == "warning"]
    parts = []
    if outcome == Outcome.PASSED:
        parts.append(render_text("digest-passed", {}))
    if superseded_by:
        parts.append(render_text("digest-superseded", {"newer": superseded_by}))
    if errors or warnings:
        counts = [render_text("digest-errors", {"count": len(errors)})] if errors else []
        counts += [render_text("digest-warnings", {"count": len(warnings)})] if warnings else []
        parts.append(f"{'，'.join(counts)}：{_clip((errors or warnings)[0].get('text', ''), width)}")
    elif messages and outcome != Outcome.PASSED:
        parts.append(_clip(messages[0].get("text", ""), width))
    return "；".join(parts)


def _clip(text: str, width: int) -> str:
    return text[:width] + ("…" if len(text) > width else "")


def print_audit(console: Any, listing: AuditListing, unit: str | None) -> None:
    """``audit show``: the records of one unit (without the unit's column) or of all, titled."""
    frame = audit_table(listing)
    columns = (
        ["月份", "文件名", "接收时间", "结果", "说明摘要"]
        if unit
        else ["月份", "单位", "文件名", "接收时间", "结果", "说明摘要"]
    )
    if unit:
        title = render_text("audit-show-unit-title", {"unit": frame["单位"].iloc[0], "count": len(frame)})
    else:
        title = render_text("audit-show-title", {"count": len(frame)})
    print_frame(console, frame[columns], title)
