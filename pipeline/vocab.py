"""Canonical columns, categories and statuses, with the synonyms real files use.

The synonyms live in ``pipeline/data/vocab.toml``; a workspace may add its own in
``synonyms.toml`` (same shape). Matching works on a *key*: the text with full-width forms
folded, spaces, line breaks and punctuation removed, so ``（一）政治纪律…`` and ``政治纪律`` meet.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.config import read_toml
from pipeline.errors import ConfigError

# The problem list's canonical columns, in template order, and which ones are required.
COLUMNS: tuple[str, ...] = (
    "序号",
    "问题编号",
    "问题类别",
    "具体问题",
    "整改措施",
    "责任领导",
    "责任人",
    "完成时限",
    "整改进展",
    "完成状态",
    "完成日期",
    "备注",
)
REQUIRED: tuple[str, ...] = ("问题类别", "具体问题", "整改措施", "责任领导", "责任人", "完成时限", "完成状态")
FREE_TEXT: tuple[str, ...] = ("具体问题", "整改措施", "责任领导", "责任人", "整改进展", "备注")

_PUNCT = re.compile(r"[\s\u3000\u00a0\u200b（）()【】\[\]〔〕「」『』“”‘’\"'、，,。.．:：;；·•\-—–_/\\]+")
# Outline numbering before a name: "（一）", "(3)", "一、", "1." — always with its punctuation, so a
# name that merely starts with a numeral (三合村, 八里庄, 十字街社区) keeps its first character.
_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十\d]+[、.．])")


def fold(text: str) -> str:
    """Full-width to half-width (NFKC), unify whitespace and trim; keeps the text readable."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u3000\u00a0\u200b]+", " ", text).strip()


def key(text: str) -> str:
    """A matching key: folded, without numbering, punctuation, quotes or spaces."""
    if type(text) is str and len(text) <= _CACHED_KEY_LEN:
        return _cached_key(text)  # header labels, names, categories: the same few texts again and again
    return _key(text)


def _key(text: Any) -> str:
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    folded = _NUMBERING.sub("", folded)
    return _PUNCT.sub("", folded).lower()


_CACHED_KEY_LEN = 200  # longer texts (problem descriptions) are rarely keyed twice
_cached_key = lru_cache(maxsize=1 << 15)(_key)


@dataclass(frozen=True)
class Category:
    name: str
    short: str
    keys: tuple[str, ...]
    campaign: bool = False  # one of the seed's special campaigns (专项治理); leads: Campaign.leads


@dataclass(frozen=True)
class Vocabulary:
    columns: dict[str, tuple[str, ...]]
    categories: tuple[Category, ...]
    statuses: dict[str, tuple[str, ...]]
    # every synonym section by its name (``columns``, ``statuses``, ``matter_columns``, …): the
    # ledger kinds (pipeline/kinds.py) name theirs
    sections: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def category_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.categories)

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Header key -> canonical column. A canonical name always wins over a synonym."""
        table: dict[str, str] = {}
        for canonical, synonyms in self.columns.items():
            for name in synonyms:
                table.setdefault(key(name), canonical)
        for canonical in self.columns:
            table[key(canonical)] = canonical
        return table

    def lookup(self, section: str, columns: tuple[str, ...] = ()) -> dict[str, str]:
        """Header key -> canonical column of ``section`` (only ``columns`` when given)."""
        if section == "columns" and not columns:
            return self.header_lookup
        cache: dict[tuple[str, tuple[str, ...]], dict[str, str]] = self.__dict__.setdefault("_lookups", {})
        if (section, columns) not in cache:
            cache[(section, columns)] = self._lookup(section, columns)
        return cache[(section, columns)]

    def _lookup(self, section: str, columns: tuple[str, ...]) -> dict[str, str]:
        names = self.sections.get(section, {})
        table: dict[str, str] = {}
        for canonical, synonyms in names.items():
            if columns and canonical not in columns:
                continue
            for name in synonyms:
                table.setdefault(key(name), canonical)
        for canonical in columns or tuple(names):
            table[key(canonical)] = canonical
        return table

    def choice(self, section: str, value: str) -> str | None:
        """The canonical word of ``section`` (a status vocabulary) a cell names, or None."""
        if section == "statuses":
            return self.status(value)
        k = key(value)
        for canonical, synonyms in self.sections.get(section, {}).items():
            if k == key(canonical) or any(k == key(s) for s in synonyms):
                return canonical
        return None

    def category(self, value: str) -> str | None:
        """The canonical category for a cell, or None. Exact names first, then key phrases."""
        k = key(value)
        if not k:
            return None
        for cat in self.categories:
            if k == key(cat.name) or k == key(cat.short):
                return cat.name
        hits = {cat.name for cat in self.categories for phrase in cat.keys if key(phrase) in k}
        return hits.pop() if len(hits) == 1 else None

    def status(self, value: str) -> str | None:
        k = key(value)
        for canonical, synonyms in self.statuses.items():
            if k == key(canonical) or any(k == key(s) for s in synonyms):
                return canonical
        return None


def _merge(base: dict[str, Any], extra: dict[str, Any], path: Path) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for section in [s for s in merged if s != "categories"]:
        added = extra.get(section, {})
        if not isinstance(added, dict):
            raise ConfigError(
                "synonyms-invalid",
                path=path,
                detail=f'[{section}] 应写作单独一行的节名，下面每行写 "规范名称" = ["其他写法"]',
            )
        for canonical, names in added.items():
            if canonical not in merged[section]:
                raise ConfigError(
                    "synonyms-invalid",
                    path=path,
                    detail=_not_canonical(section, canonical, merged[section]),
                )
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ConfigError("synonyms-invalid", path=path, detail=f"“{canonical}”的写法应为文字列表")
            merged[section][canonical] = [*merged[section][canonical], *names]
    return merged


def _not_canonical(section: str, name: str, known: dict[str, Any]) -> str:
    if section == "formality":
        return f"[formality] 中没有“{name}”这一类，可以补充的有：{'、'.join(known)}"
    return f"“{name}”不是规范的{(section.endswith('columns') and '列名') or '状态'}"


def load_vocabulary(extra_file: Path | None = None) -> Vocabulary:
    """The bundled vocabulary, extended by a workspace ``synonyms.toml`` when it exists."""
    return _load(str(extra_file) if extra_file and extra_file.is_file() else None)


@lru_cache(maxsize=8)
def _load(extra_file: str | None) -> Vocabulary:
    raw = tomllib.loads(resources.files("pipeline").joinpath("data/vocab.toml").read_text("utf-8"))
    if extra_file:
        path = Path(extra_file)
        raw = _merge(raw, read_toml(path), path)  # a TOML mistake is named by its line, in Chinese
    return Vocabulary(
        columns={k: tuple(v) for k, v in raw["columns"].items()},
        categories=tuple(
            Category(
                name=c["name"],
                short=c["short"],
                keys=tuple(c["keys"]),
                campaign=bool(c.get("campaign", False)),
            )
            for c in raw["categories"]
        ),
        statuses={k: tuple(v) for k, v in raw["statuses"].items()},
        sections={
            name: {k: tuple(v) for k, v in section.items()}
            for name, section in raw.items()
            if name != "categories" and isinstance(section, dict)
        },
    )
