"""The workspace layout and ``campaign.toml`` (SPEC §2)."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.filenames import safe_name
from pipeline.messages import render_text
from pipeline.model import Month, Signal

UNIT_KINDS = ("村", "社区", "部门")
DEPARTMENT = "部门"  # the unit kind of the town's own departments


@dataclass(frozen=True)
class Unit:
    name: str
    code: str
    kind: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the unit may be written as, longest first (for matching)."""
        return tuple(sorted({self.name, *self.aliases}, key=len, reverse=True))


@dataclass(frozen=True)
class Assessment:
    """考核 weights (``[assessment]`` in campaign.toml); the score is documented in README.

    score = on_time × 按时报送率 + completion × 完成率
            − overdue × 逾期督办次数 − escalated × 移交纪委问题数 − returned × 退回文件数
            − summary_late (工作总结逾期) or summary_missing (未报送; both once the summary is due)
            + rating × 满意率 (departments only, with a ``[rating]`` table),
    never below 0. With the defaults the best possible score is 100.
    """

    on_time: float = 40.0  # points for submitting every month on time
    completion: float = 60.0  # points for a 100 % completion rate at the end of the period
    overdue: float = 2.0  # deducted per month an item was found red (督办次数)
    escalated: float = 5.0  # deducted per item that went to 纪委
    returned: float = 1.0  # deducted per returned file (退回修改)
    summary_late: float = 3.0  # deducted for a work summary received after its due date
    summary_missing: float = 5.0  # deducted when no work summary has come, once it is due
    # points for a department's 满意率 of the 办事效率评议 over the report's range (#19); only with
    # a ``[rating]`` table, departments only (a department nobody rated gets them whole)
    rating: float = 0.0


ASSESSMENT_KEYS: dict[str, str] = {
    "on_time": "按时报送满分",
    "completion": "整改完成满分",
    "overdue": "每次逾期督办扣分",
    "escalated": "每个移交纪委问题扣分",
    "returned": "每份退回文件扣分",
    "summary_late": "工作总结逾期报送扣分",
    "summary_missing": "未报送工作总结扣分",
    "rating": "部门办事效率评议满意率满分",
}


@dataclass(frozen=True)
class Rating:
    """The ``[rating]`` table: the villages' and communities' 办事效率评议 of the town's departments
    (seed 五（三）). Without the table there is no rating: no sheet, no count, no circular section."""

    quarterly: bool = False  # rated once a quarter (in the files of March, June, September, December)
    threshold: float = 80.0  # a department whose 满意率 (%) is below this is named in the circular
    anonymous: bool = True  # outputs addressed to a department never name the village that rated it
    reply_workdays: int = 10  # working days a department has to answer a 不满意 case (评议反映问题)


@dataclass(frozen=True)
class Formality:
    """The ``[formality]`` table: how 形式主义提示 (pipeline/formality.py) finds copied lists and
    empty words. Every value has a default; the table is optional."""

    # Jaccard similarity of character n-gram sets at which two problems are 雷同: on the labelled
    # set (tests/data/formality) no independent pair reaches 0.57 with bigrams, and 0.65 keeps
    # that margin while finding 96 % of the copies there (tools/formality_labels --sweep)
    similarity: float = 0.65
    ngram: int = 2  # characters per n-gram (2 or 3): bigrams are the length of most Chinese words
    min_chars: int = 12  # a problem shorter than this (names, numbers, punctuation removed) is never compared
    list_share: float = 0.5  # share of a unit's problems copied from one other unit that makes its list 雷同
    list_min: int = 3  # ... counted only for a list of at least this many problems
    stale_reports: int = 2  # reports in a row whose 整改进展 says nothing new


FORMALITY_KEYS: dict[str, str] = {
    "similarity": "雷同相似度（0.5 到 1 之间的小数，如 0.65）",
    "ngram": "比对字组长度（2 或 3）",
    "min_chars": "参与比对的最少字数（5 到 100 之间的整数）",
    "list_share": "清单雷同比例（百分数，如 50）",
    "list_min": "清单雷同的最少问题条数（1 到 100 之间的整数）",
    "stale_reports": "进展未更新的连续报送次数（2 到 12 之间的整数）",
}


RATING_KEYS: dict[str, str] = {
    "period": "评议周期（“月度”或“季度”）",
    "threshold": "满意率通报线（百分数）",
    "anonymous": "对部门隐去评议村（社区）名称（true 或 false）",
    "reply_workdays": "不满意事项答复时限（工作日）",
}


@dataclass(frozen=True)
class Campaign:
    town: str
    year: int
    office: str
    doc_prefix: str
    problem_list_due: dt.date
    rectification_start: dt.date
    rectification_end: dt.date
    summary_due: dt.date
    monthly_due_day: int = 25
    warning_days: int = 7
    escalate_after: int = 3
    reply_workdays: int = 5
    units: tuple[Unit, ...] = ()
    assessment: Assessment = field(default_factory=Assessment)
    # the lead departments (牵头部门) of each special campaign, by its canonical category name:
    # names of roster units (``[leads]`` in campaign.toml, see ``parse_leads``); none by default
    leads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rating: Rating | None = None  # None: the township does not run the 办事效率评议
    formality: Formality = field(default_factory=Formality)

    @property
    def raters(self) -> tuple[Unit, ...]:
        """The units that rate the departments (villages and communities), when there is a rating."""
        if self.rating is None:
            return ()
        return tuple(u for u in self.units if u.kind != DEPARTMENT)

    @property
    def departments(self) -> tuple[Unit, ...]:
        """The town departments of the roster (the ones rated)."""
        return tuple(u for u in self.units if u.kind == DEPARTMENT)

    def rating_period(self, month: Month | str) -> str | None:
        """The rating period a month's files carry a rating for (``2022-05``, or ``2022Q2`` for a
        quarterly rating, whose files are those of the quarter's last month); None for none."""
        if self.rating is None or not self.raters or not self.departments:
            return None
        m = month if isinstance(month, Month) else Month.parse(str(month))
        if not self.rating.quarterly:
            return str(m)
        return f"{m.year}Q{(m.month - 1) // 3 + 1}" if m.month % 3 == 0 else None

    def unit_by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    @property
    def first_day(self) -> dt.date:
        """The first day a monthly run may be as of: the first day of the problem list's month
        (nothing reaches the pipeline before, SPEC §1)."""
        return self.problem_list_due.replace(day=1)

    @property
    def last_day(self) -> dt.date:
        """The last day a monthly run may be as of: the end of the campaign's year (late work
        summaries and corrections may still come in December)."""
        return dt.date(max(self.year, self.summary_due.year), 12, 31)

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the campaign (a monthly run may be as of it)."""
        return self.first_day <= day <= self.last_day

    def due_date(self, month: Month | str) -> dt.date:
        """The due date of a submission for ``month`` (a ``Month`` or its ``YYYY-MM`` text): the
        problem list's due date in its month, else day ``monthly_due_day`` (the last day of a
        shorter month)."""
        month = month if isinstance(month, Month) else Month.parse(month)
        if month == Month.of(self.problem_list_due):
            return self.problem_list_due
        return month.day(self.monthly_due_day)


@dataclass(frozen=True)
class Workspace:
    """One campaign's folder: settings, inbox, archive, outputs and the ledger."""

    root: Path

    @property
    def campaign_file(self) -> Path:
        return self.root / "campaign.toml"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def db_path(self) -> Path:
        return self.root / "ledger.sqlite"

    @property
    def cleared_file(self) -> Path:
        """The office's list of 形式主义提示 it has checked and cleared (pipeline/formality.py)."""
        return self.root / CLEARED_FILE

    @property
    def lock_path(self) -> Path:
        return self.root / ".lock"

    def month_dir(self, month: str) -> Path:
        return self.out / month

    def ensure(self) -> None:
        for d in (self.inbox, self.archive, self.out):
            d.mkdir(parents=True, exist_ok=True)


CLEARED_FILE = "已核实提示.toml"
_DATE_KEYS = ("problem_list_due", "rectification_start", "rectification_end", "summary_due")
_INT_KEYS = {"monthly_due_day": (1, 31), "warning_days": (0, 60), "escalate_after": (1, 12), "reply_workdays": (1, 30)}
_TEXT_KEYS = ("town", "office", "doc_prefix")


def load_campaign(path: Path) -> Campaign:
    """Read and check ``campaign.toml``; every problem is a ``ConfigError`` in Chinese."""
    if not path.is_file():
        raise ConfigError("config-missing", path=path)
    data = read_toml(path)
    if not isinstance(data.get("campaign"), dict):
        raise ConfigError("config-section-missing", file=path)
    return parse_campaign(data)


# --- TOML mistakes, in Chinese -------------------------------------------------------------------
# tomllib's messages (CPython Lib/tomllib/_parser.py) by how they start -> catalogue code. Its
# English never reaches the clerk: an unknown message gets the generic "toml-syntax".
_TOML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("Invalid statement", "toml-invalid-statement"),
    ("Invalid initial character for a key part", "toml-invalid-statement"),
    ("Expected newline or end of document after a statement", "toml-extra-after-value"),
    ("Expected '=' after a key", "toml-expected-equals"),
    ("Invalid value", "toml-bad-value"),
    ("Invalid date or datetime", "toml-bad-value"),
    ("Unterminated string", "toml-unclosed-quote"),
    ("Illegal character '\\n'", "toml-unclosed-quote"),
    ("Illegal character", "toml-control-char"),
    ("Found invalid character", "toml-control-char"),
    ("Cannot declare", "toml-duplicate"),
    ("Cannot overwrite a value", "toml-duplicate"),
    ("Cannot redefine namespace", "toml-duplicate"),
    ("Cannot mutate immutable namespace", "toml-duplicate"),
    ("Duplicate inline table key", "toml-duplicate"),
    ("Expected ']' at the end of a table declaration", "toml-unclosed-bracket"),
    ("Expected ']]' at the end of an array declaration", "toml-unclosed-bracket"),
    ("Unclosed array", "toml-unclosed-bracket"),
    ("Unclosed inline table", "toml-unclosed-brace"),
    ("Unescaped '\\' in a string", "toml-backslash"),
    ("Invalid hex value", "toml-backslash"),
    ("Escaped character is not a Unicode scalar value", "toml-backslash"),
)
_TOML_AT = re.compile(r"^(?P<msg>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$", re.S)
_CHINESE_QUOTES = "“”‘’"
# Full-width forms a Chinese input method types for TOML's signs, and what they should be.
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in "（）"} | {
    "\u3000": " ",
    "【": "[",
    "】": "]",
    "，": ",",
}
_DATE_LIKE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?")
_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINE_SHOWN = 60  # characters of the offending line quoted in the message


def read_toml(path: Path) -> dict[str, Any]:
    """A workspace TOML file (``campaign.toml``, ``synonyms.toml``) as a dict; a mistake is a
    ``ConfigError`` in Chinese that names the line and says how to fix it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("config-not-utf8", file=path) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(path, text, exc) from None


def toml_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> ConfigError:
    """The Chinese ``ConfigError`` for tomllib's ``exc`` on ``text`` (the file ``path``)."""
    found = _TOML_AT.match(str(exc))
    problem = getattr(exc, "msg", None) or (found["msg"] if found else str(exc))
    lines = text.splitlines() or [""]
    line_no = getattr(exc, "lineno", None) or (int(found["line"]) if found and found["line"] else 0)
    column = getattr(exc, "colno", None) or (int(found["column"]) if found and found["column"] else 0)
    if not line_no or line_no > len(lines):  # "at end of document": the last line that has text
        line_no = len(lines)
        while line_no > 1 and not lines[line_no - 1].strip():
            line_no -= 1
        column = len(lines[line_no - 1]) + 1
    line = lines[line_no - 1]
    shown = line.strip()
    shown = shown if len(shown) <= _LINE_SHOWN else shown[:_LINE_SHOWN] + "……"
    where = render_text("toml-where", {"file": path, "line": line_no, "text": shown})
    code = next((c for start, c in _TOML_PROBLEMS if problem.startswith(start)), "toml-syntax")
    code, params = _toml_hint(line, code)
    return ConfigError(code, where=where, column=column, **params)


def _toml_hint(line: str, code: str) -> tuple[str, dict[str, Any]]:
    """The most helpful code (and its parameters) for an error on ``line`` that tomllib reported
    as ``code``: Chinese quotes, full-width signs and mistyped dates are named as such."""
    outside, unclosed = _outside_strings(line)
    quotes = [ch for ch in outside + unclosed if ch in _CHINESE_QUOTES]
    if quotes:
        return "toml-chinese-quote", {"quote": "“…”" if quotes[0] in "“”" else "‘…’"}
    wide = next((ch for ch in outside if ch in _FULLWIDTH), None)
    if wide is not None:
        if wide == "\u3000":
            return "toml-fullwidth", {"char": "（全角空格）", "ascii": "半角空格"}
        if wide == "：" and code == "toml-expected-equals":
            return "toml-fullwidth", {"char": "“：”", "ascii": "英文等号“=”"}
        return "toml-fullwidth", {"char": f"“{wide}”", "ascii": f"半角的“{_FULLWIDTH[wide]}”"}
    for date in _DATE_LIKE.finditer(outside):
        value = date.group()
        if not _ISO_SHAPE.fullmatch(value):
            return "toml-date-format", {"value": value}
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "toml-bad-date", {"value": value}
    if unclosed:
        return "toml-unclosed-quote", {}
    return code, {}


def _outside_strings(line: str) -> tuple[str, str]:
    """``line`` without its quoted strings and comment, and the text of a string left open
    at the end of the line ("" when every quote is closed)."""
    outside: list[str] = []
    quote = ""
    start = 0
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and not (quote == '"' and line[i - 1] == "\\"):
                quote = ""
        elif ch in "\"'":
            quote, start = ch, i + 1
        elif ch == "#":
            break
        else:
            outside.append(ch)
    return "".join(outside), (line[start:] or " ") if quote else ""


def parse_campaign(data: dict[str, Any]) -> Campaign:
    section = data.get("campaign")
    if not isinstance(section, dict):
        raise ConfigError("config-section-missing", file="campaign.toml")
    values: dict[str, Any] = {}
    for key in _TEXT_KEYS:
        values[key] = _text(section, "campaign", key)
    year = _required(section, "campaign", "year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ConfigError("config-bad-value", key="year", value=year, expected="应为四位年份，如 2022")
    values["year"] = year
    for key in _DATE_KEYS:
        values[key] = _date(section, key)
    for key, (low, high) in _INT_KEYS.items():
        if key in section:
            value = section[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ConfigError("config-bad-value", key=key, value=value, expected=f"应为 {low} 到 {high} 之间的整数")
            values[key] = value
    _check_dates(values)
    known = (*_TEXT_KEYS, "year", *_DATE_KEYS, *_INT_KEYS)
    _no_unknown(section, known, "的 [campaign] 中没有“{key}”这一项")
    _no_unknown(data, _TABLES, "中没有“{key}”这个表")
    values["units"] = _units(data.get("units"))
    values["assessment"] = parse_assessment(data.get("assessment"))
    values["leads"] = parse_leads(data.get(LEADS_TABLE), values["units"])
    values["rating"] = parse_rating(data.get(RATING_TABLE))
    values["formality"] = parse_formality(data.get(FORMALITY_TABLE))
    return Campaign(**values)


_TABLES = ("campaign", "units", "assessment", "leads", "rating", "formality")  # the tables campaign.toml may hold
# The campaign's dates, in the order they must come (a date may equal the next).
_DATE_ORDER: tuple[tuple[str, str], ...] = (
    ("problem_list_due", "rectification_end"),
    ("rectification_start", "rectification_end"),
    ("rectification_end", "summary_due"),
)


def _check_dates(values: dict[str, Any]) -> None:
    """Each date in the campaign's year (or the next: a campaign may end after New Year), in order:
    a mistyped year (2202-03-20) is caught here, not months later."""
    year = values["year"]
    for key in _DATE_KEYS:
        if not year <= values[key].year <= year + 1:
            raise ConfigError("config-date-year", key=key, value=values[key].isoformat(), year=year)
    for first, second in _DATE_ORDER:
        if values[first] > values[second]:
            raise ConfigError(
                "config-date-order",
                first=first,
                first_value=values[first].isoformat(),
                second=second,
                second_value=values[second].isoformat(),
            )


def _no_unknown(table: dict[str, Any], known: Sequence[str], what: str) -> None:
    """Refuse a key no one reads (a mistyped one would be silently ignored), naming the closest."""
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
            hint = f"是不是要写“{close[0]}”？" if close else ""
            raise ConfigError(
                "config-unknown-key", key=key, what=what.format(key=key), hint=hint, known="、".join(known)
            )


def parse_assessment(raw: Any) -> Assessment:
    """The optional ``[assessment]`` table: every weight a number from 0 to 100."""
    if raw is None:
        return Assessment()
    if not isinstance(raw, dict):
        raise ConfigError("config-bad-value", key="assessment", value=raw, expected="应写作 [assessment] 表")
    weights: dict[str, float] = {}
    for key, value in raw.items():
        if key not in ASSESSMENT_KEYS:
            allowed = "、".join(f"{k}（{v}）" for k, v in ASSESSMENT_KEYS.items())
            raise ConfigError(
                "config-bad-value",
                key=f"assessment.{key}",
                value=value,
                expected=f"不是考核设置项，可用的有：{allowed}",
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ConfigError(
                "config-bad-value",
                key=f"assessment.{key}",
                value=value,
                expected=f"{ASSESSMENT_KEYS[key]}应为 0 到 100 之间的数",
            )
        weights[key] = float(value)
    result = Assessment(**weights)
    if result.on_time + result.completion <= 0:
        raise ConfigError(
            "config-bad-value",
            key="assessment",
            value=f"on_time = {result.on_time:g}, completion = {result.completion:g}",
            expected="按时报送满分和整改完成满分不能都为 0",
        )
    return result


RATING_TABLE = "rating"
_PERIODS = {"月度": False, "月": False, "monthly": False, "季度": True, "季": True, "quarterly": True}


def parse_rating(raw: Any) -> Rating | None:
    """The optional ``[rating]`` table (``period``, ``threshold``, ``anonymous``, ``reply_workdays``); None when there is none. Every value is checked, every unknown key named."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ConfigError("config-bad-value", key=RATING_TABLE, value=raw, expected="应写作 [rating] 表")
    _no_unknown(raw, tuple(RATING_KEYS), "的 [rating] 中没有“{key}”这一项")
    values: dict[str, Any] = {}
    if "period" in raw:
        period = raw["period"]
        if not isinstance(period, str) or period.strip() not in _PERIODS:
            raise ConfigError("config-bad-value", key="rating.period", value=period, expected="应为“月度”或“季度”")
        values["quarterly"] = _PERIODS[period.strip()]
    if "threshold" in raw:
        threshold = raw["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 100:
            raise ConfigError(
                "config-bad-value", key="rating.threshold", value=threshold, expected="应为 0 到 100 之间的数，如 80"
            )
        values["threshold"] = float(threshold)
    if "anonymous" in raw:
        anonymous = raw["anonymous"]
        if not isinstance(anonymous, bool):
            raise ConfigError(
                "config-bad-value",
                key="rating.anonymous",
                value=anonymous,
                expected="应为 true（隐去）或 false（显示）",
            )
        values["anonymous"] = anonymous
    if "reply_workdays" in raw:
        days = raw["reply_workdays"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
            raise ConfigError(
                "config-bad-value", key="rating.reply_workdays", value=days, expected="应为 1 到 60 之间的整数，如 10"
            )
        values["reply_workdays"] = days
    return Rating(**values)


_CLEARED_KEY = re.compile(rf"^(?:{'|'.join(Signal.ALL)}):\S+$")
_CLEARED_EXAMPLE = f"{Signal.EMPTY}:问题编号"


def read_cleared(path: Path) -> dict[str, str]:
    """已核实提示.toml: the 形式主义提示 the office checked and found no problem, each 提示编号 with
    what was found (``"空话:HX-003" = "已到村核实，……"``). No file: none. A key that is no
    提示编号, or a value that is no text, is refused with its line."""
    if not path.is_file():
        return {}
    data = read_toml(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cleared: dict[str, str] = {}
    for key, value in data.items():
        line = next((i for i, text in enumerate(lines, start=1) if key in text), 1)
        if not _CLEARED_KEY.match(str(key)) or isinstance(value, dict):
            raise ConfigError(
                "cleared-bad-key",
                file=path.name,
                line=line,
                key=key,
                example=_CLEARED_EXAMPLE,
                kinds="、".join(Signal.ALL),
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError("cleared-bad-value", file=path.name, line=line, key=key)
        cleared[str(key)] = value.strip()
    return cleared


FORMALITY_TABLE = "formality"
# key -> (smallest, largest, whether a fraction may be written as a per cent, integer only)
_FORMALITY_RANGES: dict[str, tuple[float, float, bool]] = {
    "similarity": (0.5, 1.0, False),
    "ngram": (2, 3, True),
    "min_chars": (5, 100, True),
    "list_share": (1, 100, False),
    "list_min": (1, 100, True),
    "stale_reports": (2, 12, True),
}


def parse_formality(raw: Any) -> Formality:
    """The optional ``[formality]`` table; every value checked, every unknown key named.
    ``list_share`` is written as a per cent (50) and kept as a fraction."""
    if raw is None:
        return Formality()
    if not isinstance(raw, dict):
        raise ConfigError("config-bad-value", key=FORMALITY_TABLE, value=raw, expected="应写作 [formality] 表")
    _no_unknown(raw, tuple(FORMALITY_KEYS), "的 [formality] 中没有“{key}”这一项")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        low, high, whole = _FORMALITY_RANGES[key]
        number_ok = isinstance(value, int) if whole else isinstance(value, int | float)
        if isinstance(value, bool) or not number_ok or not low <= value <= high:
            raise ConfigError(
                "config-bad-value", key=f"{FORMALITY_TABLE}.{key}", value=value, expected=f"{FORMALITY_KEYS[key]}"
            )
        values[key] = value / 100 if key == "list_share" else value
    return Formality(**values)


LEADS_TABLE = "leads"


def parse_leads(raw: Any, units: Sequence[Unit]) -> dict[str, tuple[str, ...]]:
    """The optional ``[leads]`` table: the lead departments (牵头部门) of the special campaigns.

    Each key names a special campaign (村务公开 / 工程建设 / 办事难, or its full name); its value
    is a list of units of the roster (name, alias or code), or one of them as a text. The result
    maps each named campaign's canonical category name to the units' names, in the order given.
    Nothing is ever taken from the sample township: a campaign not named here has no lead."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(
            "config-bad-value",
            key=LEADS_TABLE,
            value=raw,
            expected=f'应写作 [leads] 表，每行一项专项治理，如 "办事难" = ["{_lead_example(units)}"]',
        )
    from pipeline.vocab import load_vocabulary  # the bundled categories (synonyms.toml adds none)

    special = [c for c in load_vocabulary().categories if c.campaign]
    allowed = "、".join(f"“{c.short}”" for c in special)
    out: dict[str, tuple[str, ...]] = {}
    for name, value in raw.items():
        category = _special_campaign(name, special)
        if category is None:
            raise ConfigError("config-lead-campaign", key=name, allowed=allowed)
        if category in out:
            raise ConfigError("config-lead-twice", key=name, campaign=category)
        entries = [value] if isinstance(value, str) else value
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise ConfigError(
                "config-bad-value",
                key=f"[leads] 中的“{name}”",
                value=value,
                expected=f'应为本镇单位名单中的单位名称列表，如 "{name}" = ["{_lead_example(units)}"]',
            )
        leads: list[str] = []
        for entry in entries:
            unit = _unit_named(entry, units)
            if unit is None:
                raise ConfigError("config-lead-unknown", key=name, name=entry.strip(), example=_lead_example(units))
            if unit.name not in leads:
                leads.append(unit.name)
        out[category] = tuple(leads)
    return out


def _special_campaign(name: str, special: Sequence[Any]) -> str | None:
    """The canonical name of the special campaign ``name`` names (its name, short name or key phrase)."""
    from pipeline.vocab import key

    k = key(name)
    if not k:
        return None
    for category in special:
        if k in (key(category.name), key(category.short)):
            return str(category.name)
    hits = {str(c.name) for c in special for phrase in c.keys if key(phrase) in k}
    return hits.pop() if len(hits) == 1 else None


def _unit_named(text: str, units: Sequence[Unit]) -> Unit | None:
    """The roster unit ``text`` names: its name, an alias, or its code (any case)."""
    wanted = text.strip()
    if not wanted:
        return None
    return next((u for u in units if wanted == u.name or wanted in u.aliases or wanted.upper() == u.code), None)


def _lead_example(units: Sequence[Unit]) -> str:
    """A unit to show in the [leads] messages: the roster's first department, else its first unit."""
    unit = next((u for u in units if u.kind == "部门"), units[0] if units else None)
    return unit.name if unit is not None else "单位名称"


def _required(section: dict[str, Any], name: str, key: str) -> Any:
    if key not in section:
        raise ConfigError("config-key-missing", section=name, key=key)
    return section[key]


def _text(section: dict[str, Any], name: str, key: str) -> str:
    value = _required(section, name, key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("config-bad-value", key=key, value=value, expected="应为非空文字")
    return value.strip()


def _date(section: dict[str, Any], key: str) -> dt.date:
    value = _required(section, "campaign", key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError("config-bad-date", key=key, value=value)


def _units(raw: Any) -> tuple[Unit, ...]:
    if not raw:
        raise ConfigError("config-no-units")
    if not isinstance(raw, list):
        raise ConfigError(
            "config-bad-value", key="units", value="[units]", expected="每个单位应以 [[units]]（两层方括号）开头"
        )
    units: list[Unit] = []
    seen: dict[tuple[str, str], int] = {}
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ConfigError(
                "config-bad-value", key="units", value=item, expected="每个 [[units]] 应包含 name、code、kind"
            )
        name = _text(item, f"units 第{number}个", "name")
        code = _text(item, f"units 第{number}个", "code")
        kind = _text(item, f"units 第{number}个", "kind")
        if kind not in UNIT_KINDS:
            raise ConfigError("config-bad-value", key=f"{name} 的 kind", value=kind, expected="应为 村、社区 或 部门")
        if not code.isascii() or not code.replace("_", "").isalnum():
            raise ConfigError(
                "config-bad-value",
                key=f"{name} 的 code",
                value=code,
                expected="应为字母或数字（常用单位名称的拼音首字母）",
            )
        aliases_raw = item.get("aliases", [])
        if not isinstance(aliases_raw, list) or not all(isinstance(a, str) for a in aliases_raw):
            raise ConfigError(
                "config-bad-value", key=f"{name} 的 aliases", value=aliases_raw, expected='应为文字列表，如 ["某某"]'
            )
        aliases = tuple(a.strip() for a in aliases_raw if a.strip())
        for field_name, value in (("名称", name), *(("简称", a) for a in aliases)):
            _check_name(number, field_name, value)
        for field_name, value in (("名称", name), ("代码", code.upper()), *(("名称或别名", a) for a in aliases)):
            key = ("名称" if field_name != "代码" else "代码", value)
            if key in seen and not (field_name == "名称或别名" and seen[key] == number):
                raise ConfigError(
                    "config-duplicate-unit", field=field_name, value=value, first=seen[key], second=number
                )
            seen.setdefault(key, number)
        units.append(Unit(name=name, code=code.upper(), kind=kind, aliases=aliases))
    files: dict[str, int] = {}
    for number, unit in enumerate(units, start=1):
        first = files.setdefault(safe_name(unit.name).casefold(), number)
        if first != number:
            raise ConfigError(
                "config-unit-file-clash", first=first, one=units[first - 1].name, second=number, other=unit.name
            )
    return tuple(units)


NAME_MAX = 60  # characters of a unit's name or alias (it becomes a file name)


def _check_name(number: int, field_name: str, value: str) -> None:
    """A unit's name or alias must be usable as a file name as it stands: no path separators,
    no invisible characters, not hidden (a leading dot), not too long."""
    shown = value
    if "/" in value or "\\" in value:
        slash = "/" if "/" in value else "\\"
        parts = [p.strip() for p in re.split(r"[/\\]+", value) if p.strip(" .")]
        reason = f"含有“{slash}”"
        fix = "不能含有 / 或 \\。" + (
            f"几个单位合署办公的，请用顿号分隔，如“{'、'.join(parts)}”。" if len(parts) > 1 else "请写单位的全称。"
        )
    elif any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        shown = "".join("□" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in value)
        reason, fix = "含有看不见的控制字符（用 □ 表示，可能是从别处复制来的）", "请删去这个名称，重新输入。"
    elif value.startswith("."):
        reason, fix = "以“.”开头", "请去掉开头的“.”，写单位的全称。"
    elif len(value) > NAME_MAX:
        reason, fix = f"有 {len(value)} 个字，太长", f"请改用不超过 {NAME_MAX} 个字的名称。"
    else:
        return
    raise ConfigError("config-unit-name-unsafe", number=number, field=field_name, value=shown, reason=reason, fix=fix)
