"""A second township, nothing like the demo's: 青石镇, with its own roster, office, document prefix
and lead departments; and builders for its campaign, its filled templates and hand-made ledger
states (for any roster, however small or lopsided).

Shared by the tests that judge outputs as a clerk of another township would: no name of the demo
township (``DEMO_NAMES``) may reach them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from demo_campaign import sample
from pipeline import layout
from pipeline.config import Campaign, parse_campaign

TOWN = "青石镇"
OFFICE = "青石镇干部作风整顿工作领导小组办公室"
DOC_PREFIX = "青作整办"


@dataclass(frozen=True)
class Member:
    """One unit of a test township's roster."""

    name: str
    code: str
    kind: str  # 村 | 社区 | 部门
    aliases: tuple[str, ...] = ()


# 4 villages (three 村 and a 社区) and 2 departments of its own
QINGSHI: tuple[Member, ...] = (
    Member("青石村", "QS", "村", ("青石",)),
    Member("柳塘村", "LT", "村", ("柳塘",)),
    Member("桃源村", "TY", "村", ("桃源",)),
    Member("滨河社区", "BH", "社区", ("滨河",)),
    Member("镇党政综合办公室", "DZB", "部门", ("党政办", "党政综合办")),
    Member("镇综合行政执法队", "ZFD", "部门", ("执法队", "综合执法队")),
)
# its own lead departments, by name, alias and code
QINGSHI_LEADS: dict[str, tuple[str, ...]] = {
    "村务公开": ("镇党政综合办公室",),
    "工程建设": ("ZFD",),
    "办事难": ("党政办", "执法队"),
}


def campaign_toml(
    members: Sequence[Member] = QINGSHI,
    leads: dict[str, tuple[str, ...]] | None = None,
    town: str = TOWN,
    office: str = OFFICE,
    doc_prefix: str = DOC_PREFIX,
) -> str:
    """The township's ``campaign.toml`` (2022, the seed's dates), with a ``[leads]`` table when given."""
    lines = [
        "[campaign]",
        f'town = "{town}"',
        "year = 2022",
        f'office = "{office}"',
        f'doc_prefix = "{doc_prefix}"',
        "problem_list_due = 2022-03-20",
        "rectification_start = 2022-04-01",
        "rectification_end = 2022-10-20",
        "summary_due = 2022-11-18",
    ]
    for m in members:
        aliases = ", ".join(f'"{a}"' for a in m.aliases)
        lines += ["", "[[units]]", f'name = "{m.name}"', f'code = "{m.code}"', f'kind = "{m.kind}"']
        lines += [f"aliases = [{aliases}]"]
    if leads is not None:
        lines += ["", "[leads]"]
        lines += [f'"{k}" = [{", ".join(f"{chr(34)}{v}{chr(34)}" for v in values)}]' for k, values in leads.items()]
    return "\n".join(lines) + "\n"


def township_campaign(members: Sequence[Member] = QINGSHI, leads: dict[str, tuple[str, ...]] | None = None) -> Campaign:
    return parse_campaign(tomllib.loads(campaign_toml(members, leads)))


def write_township(
    root: Path, members: Sequence[Member] = QINGSHI, leads: dict[str, tuple[str, ...]] | None = QINGSHI_LEADS
) -> Path:
    """A fresh workspace of the township in ``root`` (campaign.toml, an empty inbox)."""
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    (root / "campaign.toml").write_text(campaign_toml(members, leads), encoding="utf-8")
    return root


# --- problems, as the township's units write them ----------------------------------------------

OPENNESS = "村（居）务公开专项治理"
PROJECTS = "工程建设领域专项治理"
RED_TAPE = "“办事难”专项治理"
SERVICE = "服务不强、环境不优"
IDLENESS = "懒政怠政、为官不为"

# (问题类别, 具体问题, 整改措施) of the township's own problems, none with a word of the demo's
PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (OPENNESS, "村务公开栏三季度财务收支未按时张贴公示", "每季度首月十日前张贴并拍照存档"),
    (PROJECTS, "河堤加固工程验收资料缺少监理签字", "补齐监理签字并建立验收资料清单"),
    (RED_TAPE, "群众办理宅基地审批需跑三次以上", "推行一次性告知和容缺受理"),
    (SERVICE, "值班电话夜间无人接听群众反映强烈", "落实值班表并每晚抽查接听情况"),
    (IDLENESS, "信访件办理超期未回复当事人", "建立信访件限期办理台账"),
)


def fill_template(
    template: Path,
    target: Path,
    rows: Sequence[dict[str, Any]],
    filler: str = "周文清",
    filled_on: dt.date | None = None,
    received: dt.datetime | None = None,
) -> Path:
    """Fill a template the pipeline generated, as a unit does in Excel: the header block's
    填报人 and 填报日期, then ``rows`` (column -> value) from the first data row down (a row
    with a 问题编号 updates the registered problem standing there)."""
    wb = openpyxl.load_workbook(template)
    ws = wb[layout.SHEET]
    ws.cell(layout.HEADER_BLOCK_ROW, layout.FILLER_COLUMN, filler)
    if filled_on is not None:
        ws.cell(layout.HEADER_BLOCK_ROW, layout.DATE_COLUMN, dt.datetime.combine(filled_on, dt.time()))
    cols = {name: i + 1 for i, name in enumerate(layout.COLUMNS)}
    for r, row in enumerate(rows, start=layout.FIRST_DATA_ROW):
        for column, value in row.items():
            if column == "问题编号":
                continue  # the pipeline's own, already there (locked)
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                value = dt.datetime.combine(value, dt.time())
            ws.cell(r, cols[column], value)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    if received is not None:
        os.utime(target, (received.timestamp(), received.timestamp()))
    return target


def new_problem(
    number: int, deadline: Any, status: str = "整改中", done: dt.date | None = None, progress: str = "已制定方案"
) -> dict[str, Any]:
    """A new problem's row (no 问题编号): one of ``PROBLEMS``, chosen by ``number``."""
    category, text, measure = PROBLEMS[number % len(PROBLEMS)]
    return {
        "序号": number + 1,
        "问题类别": category,
        "具体问题": f"{text}（第{number + 1}项）",
        "整改措施": measure,
        "责任领导": "党支部书记 周文清",
        "责任人": "村文书 吴晓梅",
        "完成时限": deadline,
        "整改进展": progress,
        "完成状态": status,
        "完成日期": done,
    }


# --- hand-made ledger states, for any roster -----------------------------------------------------


def problem(
    pid: str,
    unit: Member,
    status: str,
    deadline: Any = dt.date(2022, 12, 31),
    category: str = SERVICE,
    done: dt.date | None = None,
) -> dict[str, Any]:
    """One problem as ``Store.month_state`` gives it."""
    return {
        "问题编号": pid,
        "单位编码": unit.code,
        "填报单位": unit.name,
        "问题类别": category,
        "具体问题": "值班电话夜间无人接听群众反映强烈",
        "整改措施": "落实值班表并每晚抽查接听情况",
        "责任领导": "党支部书记 周文清",
        "责任人": "村文书 吴晓梅",
        "完成时限": deadline,
        "整改进展": "推进中",
        "完成状态": status,
        "完成日期": (done or dt.date(2022, 3, 15)) if status == "已完成" else None,
        "备注": None,
        "更新月份": "2022-03",
    }


def problems_of(unit: Member, done: int, open_: int, lasting: int = 0, start: int = 1) -> list[dict[str, Any]]:
    """``done`` completed, ``open_`` in progress and ``lasting`` 长期坚持 problems of ``unit``."""
    statuses = ["已完成"] * done + ["整改中"] * open_ + ["长期坚持"] * lasting
    return [problem(f"{unit.code}-{start + i:03d}", unit, s) for i, s in enumerate(statuses)]


def state_of(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    columns = list(problem("X-001", QINGSHI[0], "整改中"))
    return pd.DataFrame(list(rows), columns=columns).astype(object)


def members(*names: str, kind: str = "村") -> tuple[Member, ...]:
    """A roster of units with these names (codes U1, U2, …)."""
    return tuple(Member(name, f"U{i}", kind) for i, name in enumerate(names, start=1))


# --- the demo township's names, and every text of an output ------------------------------------


def demo_names() -> set[str]:
    """Every name of the demo township that must not reach another township's outputs: its town,
    office and document prefix, its roster (pipeline/sample.py and data/campaign.toml: names and
    aliases), the people of its sample files, and the lead departments the packaged vocabulary
    used to name."""
    names = {sample.TOWN, sample.OFFICE, "x作整办", "xx自然资源和规划所", "xx村建环卫服务中心", "xx镇", "xx"}
    for unit in sample.UNITS:
        names |= {unit.name, *unit.aliases}
        names |= {person.split()[-1] for person in (*unit.leaders, *unit.people, unit.filler)}
    data = Path(__file__).resolve().parent.parent / "data" / "campaign.toml"
    config = tomllib.loads(data.read_text(encoding="utf-8"))
    names |= {config["campaign"]["town"], config["campaign"]["office"], config["campaign"]["doc_prefix"]}
    for unit in config["units"]:
        names |= {unit["name"], *unit.get("aliases", ())}
    return {n for n in names if len(n) >= 2}


def _xml_texts(path: Path) -> list[tuple[str, str]]:
    """(part, text) of every XML part of an Office file, tags removed (what any reader may show:
    cells, sheet names, headers and footers, comments, prompts, document properties)."""
    out = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                xml = z.read(name).decode("utf-8", errors="replace")
                out.append((name, re.sub(r"<[^>]+>", " ", xml)))
                out.append((f"{name} (attributes)", " ".join(re.findall(r'="([^"]*)"', xml))))
    return out


def output_texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) of everything a reader of an output may see: its file name, and for workbooks
    every cell and sheet name (openpyxl) and for Word documents every paragraph, table cell,
    header and footer (python-docx), then every XML part's text and attributes."""
    from docx import Document

    out = [(f"{path} (file name)", path.name)]
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            out.append((f"{path.name} sheet name", ws.title))
            for row in ws.iter_rows():
                out += [(f"{path.name}!{ws.title}!{c.coordinate}", str(c.value)) for c in row if c.value is not None]
            out += [(f"{path.name}!{ws.title} header", str(ws.oddHeader.center.text or ""))]
            out += [(f"{path.name}!{ws.title} footer", str(ws.oddFooter.left.text or ""))]
    elif path.suffix == ".docx":
        doc = Document(str(path))
        out += [(f"{path.name} paragraph", p.text) for p in doc.paragraphs]
        out += [(f"{path.name} table", c.text) for t in doc.tables for r in t.rows for c in r.cells]
        for section in doc.sections:
            for part in (section.header, section.footer, section.even_page_footer, section.first_page_footer):
                out += [(f"{path.name} header/footer", p.text) for p in part.paragraphs]
    if path.suffix in (".xlsx", ".docx"):
        out += [(f"{path.name}:{part}", text) for part, text in _xml_texts(path)]
    return out


def demo_names_in(paths: Iterable[Path]) -> list[str]:
    """Where a name of the demo township appears in ``paths`` (empty when none does)."""
    names = sorted(demo_names(), key=len, reverse=True)
    found = []
    for path in paths:
        for where, text in output_texts(path):
            found += [f"{where}: “{n}” in {text[:80]!r}" for n in names if n in text]
    return found
