"""Builders for the 办事效率评议 (issue #19) of a township that is not the demo's: 青石镇's roster
with a third department, a ``[rating]`` table in its campaign.toml, checked rating frames made by
hand in the shape ``validate.check_rating`` gives (RATING.md), and a rater's accepted file stored
as a run stores it (an archived file, its audit record, its rating)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from township import QINGSHI, Member, campaign_toml

from pipeline.model import Outcome
from pipeline.storage.archive import archive_file
from pipeline.storage.ledger import Store

# 青石镇 with a third department: four raters (三村一社区), three departments rated
RATED_TOWN: tuple[Member, ...] = (*QINGSHI, Member("镇便民服务中心", "BMZX", "部门", ("便民服务中心",)))
QS, LT, TY, BH = (m for m in RATED_TOWN if m.kind != "部门")
DZB, ZFD, BMZX = (m for m in RATED_TOWN if m.kind == "部门")
CHECKED_COLUMNS = ("部门", "评议等次", "办理事项", "不满意原因", "具体情况", "行")


def rating_toml(period: str = "月度", threshold: float = 80, members: Sequence[Member] = RATED_TOWN) -> str:
    """The township's campaign.toml with a ``[rating]`` table."""
    return campaign_toml(members) + f'\n[rating]\nperiod = "{period}"\nthreshold = {threshold}\n'


def write_rated_town(root: Path, period: str = "月度", threshold: float = 80) -> Path:
    """A fresh workspace of the township, with its rating (campaign.toml, an empty inbox)."""
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    (root / "campaign.toml").write_text(rating_toml(period, threshold), encoding="utf-8")
    return root


def rated(
    department: Member, level: str, reasons: str = "", detail: str = "", matter: str = "", row: int = 0
) -> dict[str, object]:
    """One row of a checked rating (``部门`` a unit code, reasons canonical and joined 、)."""
    return {
        "部门": department.code,
        "评议等次": level,
        "办理事项": matter,
        "不满意原因": reasons,
        "具体情况": detail,
        "行": row,
    }


def checked_rating(*rows: dict[str, object]) -> pd.DataFrame:
    """A rater's checked rating: its rows, Excel rows numbered from 4 where not given."""
    records = [{**r, "行": r["行"] or 4 + n} for n, r in enumerate(rows)]
    return pd.DataFrame.from_records(records, columns=list(CHECKED_COLUMNS))


def accept_rating(
    store: Store,
    root: Path,
    rater: Member,
    month: str,
    period: str,
    frame: pd.DataFrame | None,
    version: int = 1,
) -> int:
    """Record ``rater``'s file of ``month`` as accepted (archived, in the audit log) and store its
    rating for ``period`` as a run does; the file's audit seq."""
    src = root / f"{rater.name}{month}评议{version}.xlsx"
    src.write_bytes(f"{rater.code} {month} {version}".encode())
    sha, size = archive_file(src, root / "archive")
    src.unlink()
    received = dt.datetime.fromisoformat(f"{month}-10T09:00:00") + dt.timedelta(hours=version)
    seq = store.append_audit(
        file_name=src.name,
        sha256=sha,
        size=size,
        unit_code=rater.code,
        month=month,
        received_at=received.isoformat(),
        outcome=Outcome.PASSED,
        messages=[],
        recorded_at=received.isoformat(),
    )
    store.set_rating(period, rater.code, seq, frame)
    return seq
