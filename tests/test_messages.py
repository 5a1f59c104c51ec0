"""The one catalogue: every code the program uses is in it, every template is well formed and
Chinese, and every place that makes a message passes the parameters its template needs.

A template filled with too few parameters does not fail loudly: ``render_text`` falls back to the
entry's title and the raw parameters (``问题类别不正确：{'value': …}``), and ``Message.expected``
to the unfilled template. So the call sites are read (``ast``) and checked against the templates.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import re
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import CAMPAIGN_TOML

from pipeline import errors
from pipeline.config import Unit
from pipeline.kinds import KINDS, LedgerKind
from pipeline.messages import CATALOGUE, Message
from pipeline.storage.ledger import Held, View
from pipeline.validate import check_ledger

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "pipeline"
SOURCES = sorted(PIPELINE.rglob("*.py"))
# a code written as a literal where a message is made: Message("…"), FileRefused("…"), render_text("…"),
# Finding.of("…"), the checks' msg("…") helpers and found.append(("…", …))
_USES = re.compile(
    r"""(?:Message|FileRefused|render_text|Finding\.of|msg|found\.append\(|Outcome\(code=)\(?\s*["']([a-z][a-z0-9-]+)["']"""
)


def _codes_used() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        found |= set(_USES.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_code_the_program_uses_is_in_the_catalogue() -> None:
    used = _codes_used()
    assert len(used) > 30  # the scan finds the codes (a broken pattern would find none)
    assert sorted(used - set(CATALOGUE)) == []


def _error_classes(cls: type[errors.PipelineError]) -> Iterator[type[errors.PipelineError]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _error_classes(sub)


def test_every_exceptions_own_code_is_in_the_catalogue() -> None:
    classes = {cls.__name__: cls.code for cls in _error_classes(errors.PipelineError)}
    assert classes["ConfigError"] == "config-invalid"
    assert sorted(name for name, code in classes.items() if code not in CATALOGUE) == []
    assert errors.ConfigError().text == "活动配置 campaign.toml 有误，请对照 README 的示例检查。"


# --- the templates themselves ------------------------------------------------------------------


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def texts(code: str) -> dict[str, str]:
    entry = CATALOGUE[code]
    return {"title": entry.title, "template": entry.template, "expect": entry.expect}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_template_is_well_formed(code: str) -> None:
    """Braces balanced, fields named (``{value}``, never ``{}`` or ``{0}``, which keyword parameters
    cannot fill), no attribute or index lookups, no conversions or format specs."""
    for part, text in texts(code).items():
        parsed = list(string.Formatter().parse(text))  # raises on an unbalanced brace
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            assert name.isidentifier(), (code, part, name)
            assert not spec and conversion is None, (code, part, name)
    assert not fields(CATALOGUE[code].title), code  # a title is shown as it is


def clerk_words() -> set[str]:
    """The Latin words a message may hold: what the clerk types or sees on disk. The make targets
    and their settings (Makefile), campaign.toml's tables and keys, file and folder names, and the
    names of products the clerk knows."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):.*##", makefile, re.MULTILINE))
    settings = set(re.findall(r"^([A-Z_]+)\s*\?=", makefile, re.MULTILINE))
    config = tomllib.loads(CAMPAIGN_TOML)
    keys = {"campaign", "units", "leads", "assessment", *config["campaign"], *config["units"][0]}
    files = {"make", "help", "campaign.toml", "ledger.sqlite", "README", "inbox", "backup", "YYYY-MM"}
    files |= {"xlsx", "xls", "docx", "toml"}  # 已核实提示.toml, synonyms.toml
    products = {"Excel", "UTF-8", "fonts-noto-cjk", "U"}  # U盘
    return targets | settings | keys | files | products


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_no_template_holds_an_english_word(code: str) -> None:
    allowed = clerk_words()
    for part, text in texts(code).items():
        literal = "".join(lit for lit, _, _, _ in string.Formatter().parse(text))
        words = {w.rstrip("./-") for w in re.findall(r"[A-Za-z][A-Za-z0-9_.\-/]*", literal)}
        assert words <= allowed, (code, part, sorted(words - allowed))


def test_the_english_check_finds_english() -> None:
    """The word list is no blanket: the words of an English message are not in it."""
    assert not {"error", "file", "not", "found", "Invalid", "value"} & clerk_words()


# --- every call site passes what its template needs -----------------------------------------------

ERROR_CODES = {
    name: cls.code
    for name, cls in vars(errors).items()
    if inspect.isclass(cls) and issubclass(cls, errors.PipelineError)
}


def _literal_keys(node: ast.AST) -> set[str] | None:
    """The keys of a dict written out (``{"a": …}`` or ``dict(a=…)``), None for anything else."""
    if isinstance(node, ast.Dict):
        if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
            return {k.value for k in node.keys if isinstance(k, ast.Constant)}
        return None  # a ``**spread`` or a computed key
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        return _keyword_keys(node.keywords)
    return None


def _keyword_keys(keywords: list[ast.keyword], drop: tuple[str, ...] = ()) -> set[str] | None:
    if any(k.arg is None for k in keywords):
        return None  # ``**params``: not known here
    return {k.arg for k in keywords if k.arg is not None and k.arg not in drop}


class Scope:
    """What a function's (or a module's) body binds: dicts written out and later merged into
    (``x = {…}``, ``x |= {…}``), and codes a loop takes from a literal tuple of tuples."""

    def __init__(self, body: list[ast.stmt]) -> None:
        self.dicts: dict[str, set[str]] = {}
        self.codes: dict[str, set[str]] = {}
        spoiled: set[str] = set()
        for node in ast.walk(ast.Module(body=body, type_ignores=[])):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self._bind(node.targets[0].id, node.value, spoiled)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                if isinstance(node.op, ast.BitOr):
                    self._bind(node.target.id, node.value, spoiled)
                else:
                    spoiled.add(node.target.id)
            elif isinstance(node, ast.For) and isinstance(node.iter, (ast.Tuple, ast.List)):
                target = node.target.elts[0] if isinstance(node.target, ast.Tuple) else node.target
                firsts = [e.elts[0] if isinstance(e, ast.Tuple) else e for e in node.iter.elts]
                if isinstance(target, ast.Name) and all(_is_text(f) for f in firsts):
                    self.codes[target.id] = {f.value for f in firsts if isinstance(f, ast.Constant)}
        for name in spoiled:
            self.dicts.pop(name, None)

    def _bind(self, name: str, value: ast.AST, spoiled: set[str]) -> None:
        keys = _literal_keys(value)
        if keys is None:
            spoiled.add(name)
        else:
            self.dicts.setdefault(name, set()).update(keys)

    def keys(self, node: ast.AST) -> set[str] | None:
        return self.dicts.get(node.id) if isinstance(node, ast.Name) else _literal_keys(node)

    def code(self, node: ast.AST | None) -> set[str] | None:
        if _is_text(node):
            return {node.value}  # type: ignore[union-attr]
        if isinstance(node, ast.IfExp):
            body, orelse = self.code(node.body), self.code(node.orelse)
            return body | orelse if body is not None and orelse is not None else None
        if isinstance(node, ast.Name):
            return self.codes.get(node.id)
        return None


def _is_text(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _callee(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_callee(func.value)}.{func.attr}"
    return ""


Site = tuple[ast.Call, set[str] | None, set[str] | None]  # the call, its codes, the parameters it passes


def message_sites(tree: ast.Module) -> Iterator[Site]:
    """Every call that makes a message, with its code(s) and parameter names where the source
    says them (None where they are computed): ``render_text(code, params)``, ``Message(code, …,
    params=…)``, ``Finding.of(code, **params)``, the checks' ``msg(code, column, row, **params)``,
    ``SomeError(code, **params)`` (a ``PipelineError``; its class code when none is given) and the
    checks' ``found.append((code, column, params))``."""
    functions = [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    scopes = [(f, Scope(f.body)) for f in reversed(functions)] + [(tree, Scope(tree.body))]  # innermost first
    seen: set[int] = set()
    for owner, scope in scopes:
        for node in ast.walk(owner):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            seen.add(id(node))
            name = _callee(node.func)
            last = name.rsplit(".", 1)[-1]
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if last == "render_text" and len(node.args) == 2:
                yield node, scope.code(node.args[0]), scope.keys(node.args[1])
            elif last == "Message":
                code = scope.code(node.args[0] if node.args else kw.get("code"))
                yield node, code, scope.keys(kw["params"]) if "params" in kw else set()
            elif name.endswith("Finding.of"):
                yield node, scope.code(node.args[0]), _keyword_keys(node.keywords, ("tampering",))
            elif last == "msg":
                yield node, scope.code(node.args[0]), _keyword_keys(node.keywords)
            elif last in ERROR_CODES:
                code = scope.code(node.args[0]) if node.args else {ERROR_CODES[last]}
                yield node, code, _keyword_keys(node.keywords)
            elif last == "append" and node.args and isinstance(node.args[0], ast.Tuple) and len(node.args[0].elts) == 3:
                code = scope.code(node.args[0].elts[0])
                if code and code <= set(CATALOGUE):
                    yield node, code, scope.keys(node.args[0].elts[2])


def checked_sites() -> list[tuple[str, str, set[str]]]:
    """(where, code, parameters passed) for every call site whose code and parameters are written
    out in the source."""
    out = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, codes, keys in message_sites(tree):
            if codes is not None and keys is not None:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                out.extend((where, code, keys) for code in sorted(codes))
    return out


def test_every_message_is_made_with_the_parameters_its_template_needs() -> None:
    sites = checked_sites()
    # the scan reads most call sites (a broken scan would read none); the others pass on what
    # they were given (``Message(code, …, params=params)`` in a checks' helper) or compute it, or
    # take their code from a kind's declaration (the ledger rules: see the test below)
    assert len(sites) >= 170 and len({code for _, code, _ in sites}) >= 130
    unknown = [(where, code) for where, code, _ in sites if code not in CATALOGUE]
    assert unknown == []
    short = [
        (where, code, sorted((fields(CATALOGUE[code].template) | fields(CATALOGUE[code].expect)) - keys))
        for where, code, keys in sites
        if not fields(CATALOGUE[code].template) | fields(CATALOGUE[code].expect) <= keys
    ]
    assert short == []


@pytest.mark.parametrize(
    "source",
    [
        'render_text("cli-bad-integer", {})',
        'raise ConfigError("config-bad-value", key="x", value=1)',
        'def f(raw):\n    params = {"count": 1}\n    params |= {"files": 3}\n    return Message("received-copy-time", params=params)',
        'Finding.of("audit-copy-missing", seq=1, file="a.xlsx")',
        'for code, units in (("run-chase-missing", a), ("run-chase-late", b)):\n    render_text(code, {"count": 1})',
    ],
)
def test_the_scan_finds_a_missing_parameter(source: str) -> None:
    """Each form of call site, with a parameter left out, is read and found short."""
    tree = ast.parse(source)
    found = [(codes, keys) for _, codes, keys in message_sites(tree)]
    assert len(found) == 1 and found[0][0] and found[0][1] is not None, found
    codes, keys = found[0]
    assert codes is not None and keys is not None
    assert any(not fields(CATALOGUE[c].template) <= keys for c in codes)


def rule_messages(kind: LedgerKind) -> list[Message]:
    """Every ledger rule of ``kind`` broken once, by the real ``check_ledger``."""
    unit = Unit("红星村", "HX", "村")
    ids = ["HX-009", "DF-001", "HX-001", "HX-001", "HX-002", "HX-003"]
    statuses = [kind.open_statuses[0], kind.open_statuses[0], kind.open_statuses[0], kind.open_statuses[0]]
    statuses += [kind.open_statuses[0], kind.open_statuses[0]]
    rows = pd.DataFrame(
        {
            kind.id_column: ids,
            kind.status_column: statuses,
            kind.progress_column: ["进展"] * 6,
            kind.deadline_column: [dt.date(2022, 6, 30)] * 6,
        },
        index=range(5, 11),
        dtype=object,
    )
    held = {
        "HX-001": Held("HX-001", "原来的内容", kind.open_statuses[0], dt.date(2022, 5, 31), "进展", True, True),
        "HX-002": Held("HX-002", "原来的内容", kind.done_status, dt.date(2022, 5, 31), "进展", True, True),
        "HX-004": Held("HX-004", "原来的内容", kind.open_statuses[0], dt.date(2022, 5, 31), "进展", True, True),
    }
    owners = {"DF-001": ("DF",), "HX-001": ("HX",), "HX-002": ("HX",), "HX-003": ("HX",), "HX-004": ("HX",)}
    view = View(owners=owners, unit_names={"HX": "红星村", "DF": "东风社区"}, held=held)
    return check_ledger(kind, unit, None, rows, view, "红星村.xlsx")


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_ledger_rule_of_every_kind_is_made_with_the_parameters_its_template_needs(kind: LedgerKind) -> None:
    messages = rule_messages(kind)
    rules = [c for c in dataclasses.astuple(kind.rules) if c]
    assert sorted({m.code for m in messages}) == sorted(rules)  # each rule broken once, so each code is seen
    for m in messages:
        entry = CATALOGUE[m.code]
        assert fields(entry.template) | fields(entry.expect) <= set(m.params), m.code


@pytest.mark.parametrize(("cell", "row", "column"), [("C7", 7, "C"), ("AB1048576", 1048576, "AB"), ("", 0, "")])
def test_a_message_knows_the_row_and_column_of_its_cell(cell: str, row: int, column: str) -> None:
    message = Message("cell-required", cell=cell)
    assert (message.row, message.column) == (row, column)
