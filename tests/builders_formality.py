"""A township whose lists show what 形式主义提示 (pipeline/formality.py) look for: 云溪镇, nothing like
the demo's. In March 杨柳村 sends 石桥村's list with its own name and other numbers (two problems
the same, one reworded), 东湖村 sends slogans only, 镇综合行政执法队 a measure that restates its
problem, 镇政务服务中心 two concrete problems; in April 镇政务服务中心 reports one problem's
progress word for word as in March and the other's in generic words again.

``HONEST`` is a month of concrete, different problems: it gives no hint at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from township import Member, campaign_toml, fill_template

from pipeline import run

TOWN = "云溪镇"
OFFICE = "云溪镇干部作风整顿工作领导小组办公室"
DOC_PREFIX = "云作整办"
YUNXI: tuple[Member, ...] = (
    Member("石桥村", "SQ", "村", ("石桥",)),
    Member("杨柳村", "YL", "村", ("杨柳",)),
    Member("东湖村", "DH", "村", ("东湖",)),
    Member("南街社区", "NJ", "社区", ("南街",)),
    Member("镇政务服务中心", "ZW", "部门", ("政务中心",)),
    Member("镇综合行政执法队", "ZF", "部门", ("执法队",)),
)
SQ, YL, DH, NJ, ZW, ZF = (m.name for m in YUNXI)
# the detectors' settings, written out: the expected hints do not move when the defaults are tuned
FORMALITY_TOML = """
[formality]
similarity = 0.7
ngram = 3
min_chars = 12
list_share = 50
list_min = 3
stale_reports = 2
"""

OPENNESS = "村（居）务公开专项治理"
PROJECTS = "工程建设领域专项治理"
RED_TAPE = "“办事难”专项治理"
SERVICE = "服务不强、环境不优"
IDLENESS = "懒政怠政、为官不为"

# (问题类别, 具体问题, 整改措施) of each unit's March list
MARCH: dict[str, list[tuple[str, str, str]]] = {
    SQ: [
        (OPENNESS, "石桥村村务公开栏2022年一季度低保名单未张榜公示", "3月25日前在村务公开栏张贴低保名单并拍照存档"),
        (SERVICE, "石桥村便民服务室周六无人值守，3名群众办理医保卡未果", "安排村干部周六轮流值班并公示值班电话"),
        (
            PROJECTS,
            "石桥村道路硬化工程未按合同约定留存隐蔽工程影像资料",
            "责成施工方补拍影像资料，村监委会逐段核对签字",
        ),
    ],
    YL: [  # 石桥村's list, the names swapped, the numbers changed, the third reworded
        (OPENNESS, "杨柳村村务公开栏2022年一季度低保名单未张榜公示", "3月28日前在村务公开栏张贴低保名单并拍照存档"),
        (SERVICE, "杨柳村便民服务室周六无人值守，5名群众办理医保卡未果", "安排村干部周六轮流值班并公示值班电话"),
        (
            PROJECTS,
            "杨柳村道路硬化工程没有按合同约定留存隐蔽工程影像资料",
            "责成施工方补拍影像资料，村监委会逐段核对签字",
        ),
    ],
    DH: [  # slogans, and nothing else
        (IDLENESS, "理论学习不够深入，思想认识不到位", "进一步加强理论学习，提高思想认识"),
        (SERVICE, "服务意识不强，工作作风不够扎实", "切实增强服务意识，转变工作作风"),
    ],
    ZW: [
        (RED_TAPE, "政务大厅不动产登记窗口每日限号30个，群众需凌晨排队取号", "取消限号，增设1个综合受理窗口"),
        (SERVICE, "政务大厅自助终端2台故障超过1个月未报修", "当周联系厂家维修并建立设备巡检台账"),
    ],
    ZF: [  # the measure only says the problem again
        (IDLENESS, "执法队巡查车辆下班后私用，未按规定入库", "坚决杜绝巡查车辆下班后私用，严格按规定入库"),
    ],
}
MARCH_PROGRESS: dict[str, list[str]] = {ZW: ["已制定方案", "正在整改"]}
APRIL_PROGRESS: dict[str, list[str]] = {ZW: ["已制定方案", "持续推进"]}  # the same words; generic again
# 云溪镇's honest month: every unit's problems concrete and its own
HONEST: dict[str, list[tuple[str, str, str]]] = {SQ: MARCH[SQ][:1], ZW: MARCH[ZW][:1], ZF: [MARCH[SQ][2]]}
RECEIVED = {SQ: (3, 15), YL: (3, 16), DH: (3, 17), ZW: (3, 18), ZF: (3, 19)}
MARCH_END = dt.date(2022, 3, 31)
APRIL_END = dt.date(2022, 4, 30)


def write_yunxi(root: Path) -> Path:
    """A fresh workspace of 云溪镇 (campaign.toml with its ``[formality]`` settings, an empty inbox)."""
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    text = campaign_toml(YUNXI, None, TOWN, OFFICE, DOC_PREFIX) + FORMALITY_TOML
    (root / "campaign.toml").write_text(text, encoding="utf-8")
    return root


def _row(n: int, problem: tuple[str, str, str], progress: str) -> dict[str, Any]:
    category, text, measure = problem
    return {
        "序号": n,
        "问题类别": category,
        "具体问题": text,
        "整改措施": measure,
        "责任领导": "党支部书记 汪海涛",
        "责任人": "村文书 柯晓琳",
        "完成时限": dt.date(2022, 6, 30),
        "整改进展": progress,
        "完成状态": "整改中",
    }


def fill_month(root: Path, lists: dict[str, list[tuple[str, str, str]]]) -> list[Path]:
    """Each unit of ``lists`` fills its blank template with its problems, received on its own day
    of March, into the inbox."""
    blank = {p.stem: p for p in run.templates(root)}
    sent = []
    for unit, problems in lists.items():
        month, day = RECEIVED[unit]
        when = dt.datetime(2022, month, day, 9, 30)
        progress = MARCH_PROGRESS.get(unit, ["已制定方案"] * len(problems))
        rows = [_row(n, p, progress[n - 1]) for n, p in enumerate(problems, start=1)]
        target = root / "inbox" / f"{unit}问题清单.xlsx"
        sent.append(fill_template(blank[unit], target, rows, "汪海涛", when.date(), when))
    return sent


def send_month(root: Path, lists: dict[str, list[tuple[str, str, str]]], as_of: dt.date = MARCH_END) -> run.RunResult:
    """``fill_month``, then the month is run."""
    fill_month(root, lists)
    return run.monthly(root, as_of)


def send_april(root: Path) -> run.RunResult:
    """镇政务服务中心 updates its progress in the template March gave it, and April is run."""
    template = root / "out" / "2022-03" / "模板" / f"{ZW}.xlsx"
    when = dt.datetime(2022, 4, 20, 9, 30)
    rows = [{"整改进展": text} for text in APRIL_PROGRESS[ZW]]
    fill_template(template, root / "inbox" / f"{ZW}4月进展.xlsx", rows, "汪海涛", when.date(), when)
    return run.monthly(root, APRIL_END)
