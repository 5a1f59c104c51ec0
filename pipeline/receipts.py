"""When a file was received (SPEC §6): the office's clock, not a copy's.

A file's modification time is only a first guess: a file saved from WeChat on the day it came
carries that day, but one copied into the inbox on the run day carries the copy time, and
lateness must not be decided by a copy time. So:

- the received time is never later than the first time the pipeline saw the file: a monthly
  run, or a ``receive`` registration the clerk runs on the days files come in
  (``make receive``): the earlier of the modification time and that first sight;
- the clerk can state it (``make received``), before or after the month's run; a statement is
  recorded in the audit trail and wins over every guess;
- a run warns when modification times look like copy times: several files saved in the same
  minute, or files newer than the run's as-of date.

Pure functions; the run records what they decide in each file's audit record (an ``info``
message the office reads, never sent back to the unit), and 报送情况 shows where each received
time came from (``SOURCE_LABELS``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.messages import Message
from pipeline.model import Outcome

MODIFIED = "modified"
REGISTERED = "registered"
FIRST_RUN = "first-run"
STATED = "stated"

# 报送情况's 接收时间依据, by the code of the note a file's audit record carries (none: MODIFIED)
SOURCE_LABELS: dict[str, str] = {
    "received-corrected": "人工更正",
    "received-stated": "人工更正",
    "received-registered": Outcome.REGISTERED,  # the registration event's own name
    "received-first-run": "首次运行时间",
    "received-copy-time": "文件修改时间（疑为复制时间）",
    "received-after-as-of": "文件修改时间（晚于统计截止日）",
}
MODIFIED_LABEL = "文件修改时间"
COPY_CLUSTER = 3  # files saved in one minute from which the times look like a copy's


@dataclass(frozen=True)
class Receipt:
    """The received time decided for one file, and how."""

    at: dt.datetime
    source: str  # MODIFIED / REGISTERED / FIRST_RUN / STATED
    modified: dt.datetime


def decide(
    modified: dt.datetime, seen: dt.datetime, registered: dt.datetime | None = None, stated: dt.datetime | None = None
) -> Receipt:
    """The received time of a file modified at ``modified``, first seen by this run at ``seen``
    or earlier by a registration at ``registered``; ``stated`` by the clerk wins."""
    if stated is not None:
        return Receipt(stated, STATED, modified)
    first = min(seen, registered) if registered is not None else seen
    if modified <= first:
        return Receipt(modified, MODIFIED, modified)
    return Receipt(first, REGISTERED if registered is not None and registered <= seen else FIRST_RUN, modified)


_NOTE_OF_SOURCE = {STATED: "received-stated", REGISTERED: "received-registered", FIRST_RUN: "received-first-run"}


def notes(receipts: Mapping[str, Receipt], as_of: dt.date) -> dict[str, list[Message]]:
    """The notes each file's record carries about its received time (file name -> messages):
    how it was decided when not by the modification time, and the modification times that
    look like copy times (several files in one minute, or newer than the as-of date)."""
    out: dict[str, list[Message]] = defaultdict(list)
    clustered: set[str] = set()
    for minute, names in copy_clusters(receipts).items():
        clustered.update(names)
        for name in names:
            out[name].append(Message("received-copy-time", file=name, params={"count": len(names), "minute": minute}))
    for name, r in receipts.items():
        times = {"at": _show(r.at), "modified": _show(r.modified), "as_of": as_of.isoformat()}
        if r.source in _NOTE_OF_SOURCE:
            out[name].append(Message(_NOTE_OF_SOURCE[r.source], file=name, params=times))
        elif r.at.date() > as_of and name not in clustered:
            out[name].append(Message("received-after-as-of", file=name, params=times))
    return dict(out)


def copy_clusters(receipts: Mapping[str, Receipt]) -> dict[str, list[str]]:
    """Files whose received time is their modification time, grouped by that minute, where a
    minute holds ``COPY_CLUSTER`` or more of them: ``"2022-04-28 10:02"`` -> file names."""
    by_minute: dict[str, list[str]] = defaultdict(list)
    for name, r in receipts.items():
        if r.source == MODIFIED:
            by_minute[r.at.strftime("%Y-%m-%d %H:%M")].append(name)
    return {m: sorted(names) for m, names in sorted(by_minute.items()) if len(names) >= COPY_CLUSTER}


def source_label(messages: Iterable[Mapping[str, object]] | str) -> str:
    """报送情况's 接收时间依据 from a file's recorded messages (the JSON of its audit record too)."""
    records = json.loads(messages) if isinstance(messages, str) else messages
    codes = [str(m.get("code", "")) for m in records]
    for code, label in SOURCE_LABELS.items():
        if code in codes:
            return label
    return MODIFIED_LABEL


def _show(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def summary(notes: Mapping[str, list[Message]], as_of: dt.date) -> list[Message]:
    """The run's notes for the terminal: one per minute of look-alike copy times, one for the
    files newer than the as-of date."""
    out = []
    minutes: dict[str, int] = {}
    late = 0
    for messages in notes.values():
        for m in messages:
            if m.code == "received-copy-time":
                minutes[str(m.params["minute"])] = int(m.params["count"])
            elif m.code == "received-after-as-of":
                late += 1
    for minute, count in sorted(minutes.items()):
        out.append(Message("run-received-copy-time", params={"count": count, "minute": minute}))
    if late:
        out.append(Message("run-received-after-as-of", params={"count": late, "as_of": as_of.isoformat()}))
    return out
