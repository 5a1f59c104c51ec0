"""形式主义提示 (issue #20): problem lists that only look complete.

Four signals (five kinds of hint), each a warning and never a reason to return a file:

- 雷同 (``COPY``): a problem (具体问题 + 整改措施, and the 具体问题 alone when it is long) that is
  another unit's problem, this month or in the ledger's history, once unit names, numbers,
  dates, punctuation and spaces are removed (``canonical``), or that shares at least
  ``Rules.similarity`` of its character n-grams (Jaccard similarity of the two n-gram sets).
  清单雷同 (``LIST``): two units, one of whose lists has at least ``Rules.list_share`` of its
  problems copied from the other's.
- 空话 (``EMPTY``): a 具体问题 made (mostly) of generic phrases (the vocabulary's ``[formality]``
  lists, editable), with no concrete element: no number, date, place, person or event.
- 措施照搬问题 (``ECHO``): a measure that only restates its problem with generic verbs.
- 进展未更新 (``STALE``): an open problem whose 整改进展 reads the same, or says nothing but
  generic words (正在整改, 持续推进…), in the unit's last ``Rules.stale_reports`` reports.

A problem's words (the first three) are judged in the month they are new or rewritten, its
progress every month. Precision before recall: a false accusation in a circular is worse than a
miss (tools/formality_labels measures each signal on the labelled sets in tests/data/formality).

The near-copy search is an exact similarity join (prefix filtering, Bayardo et al., "Scaling up
all pairs similarity search", WWW 2007) over numpy arrays: each text indexes only its rarest
n-grams, two texts meet only when they share ``SHARED`` of them, and each meeting is verified
exactly. It finds every pair at or above the threshold while no indexed n-gram is shared by more
than ``PARTNERS`` texts (no probabilistic misses: the same ledger gives the same hints every
run); a county's first month of 30,000 new problems takes a few seconds. ``findings`` leaves out
the hints the office has checked and cleared (``已核实提示.toml``).

A stage: functions over data; no I/O, nothing printed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from pipeline.config import Formality as Rules
from pipeline.model import Signal

COPY, LIST, EMPTY, ECHO, STALE = Signal.COPY, Signal.LIST, Signal.EMPTY, Signal.ECHO, Signal.STALE
SIGNALS: Final = Signal.ALL

# The vocabulary's [formality] lists (pipeline/data/vocab.toml; a workspace adds to them in
# synonyms.toml): generic phrases of a problem, generic verbs of a measure, words of a progress
# text that say nothing new.
SLOGANS: Final = "空话"
MEASURE_WORDS: Final = "措施套话"
PROGRESS_WORDS: Final = "进展套话"
FACTS: Final = "具体事实"
FILLERS: Final = "虚词"
VOCAB_LISTS: Final = (SLOGANS, MEASURE_WORDS, PROGRESS_WORDS, FACTS, FILLERS)


@dataclass(frozen=True)
class Words:
    """The generic words, by list (``VOCAB_LISTS``), longest first in each pattern."""

    slogans: tuple[str, ...]
    measure_words: tuple[str, ...]
    progress_words: tuple[str, ...]
    facts: tuple[str, ...]
    fillers: tuple[str, ...]

    @classmethod
    def of(cls, sections: Mapping[str, Mapping[str, Sequence[str]]]) -> Words:
        lists = sections.get("formality", {})
        return cls(*(tuple(lists.get(name, ())) for name in VOCAB_LISTS))

    @cached_property
    def problem_pattern(self) -> re.Pattern[str]:
        return _alternation((*self.slogans, *self.fillers))

    @cached_property
    def fact_pattern(self) -> re.Pattern[str]:
        return _alternation(self.facts)

    @cached_property
    def measure_pattern(self) -> re.Pattern[str]:
        return _alternation((*self.measure_words, *self.slogans, *self.fillers))

    @cached_property
    def progress_pattern(self) -> re.Pattern[str]:
        return _alternation((*self.progress_words, *self.fillers))


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of ``words`` (folded), the longest where several start at a place.

    Written as a trie (红(?:星村|旗村)|向阳村): Python's ``re`` tries a plain alternation's words
    one by one at every character, which for a county's thousand names is most of the stage."""
    keys = {_plain(w) for w in words if _plain(w)}
    if not keys:
        return re.compile(r"(?!x)x")  # matches nothing
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict[str, Any]) -> str:
    """The regular expression of a trie's words, longer words first at each branch."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    ends = "" in node
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


@dataclass(frozen=True)
class Hint:
    """One 形式主义提示. ``key`` is its stable id (``雷同:HX-003/TJ-002``), the one the office
    writes into 已核实提示.toml to clear it."""

    signal: str
    unit_code: str
    item_id: str = ""  # the problem ('' for 清单雷同)
    seq: int | None = None  # the audit record of the file that carried the problem this month
    row: int | None = None  # the problem's Excel row in that file
    other_unit: str = ""  # 雷同 / 清单雷同: the other unit
    other_item: str = ""  # 雷同: the other unit's problem most like this one
    other_month: str = ""  # 雷同: the month the other problem was reported
    score: float = (
        math.nan
    )  # 雷同: the similarity (1.0: the same once names and numbers are removed); 清单雷同: the share
    count: int = 0  # 清单雷同: problems of ``unit_code``'s list copied from ``other_unit``; 进展未更新: reports
    total: int = 0  # 清单雷同: problems in ``unit_code``'s list

    @property
    def key(self) -> str:
        if self.signal == LIST:
            return f"{LIST}:{'/'.join(sorted((self.unit_code, self.other_unit)))}"
        if self.signal == COPY:
            return f"{COPY}:{'/'.join(sorted((self.item_id, self.other_item)))}"
        return f"{self.signal}:{self.item_id}"


@dataclass(frozen=True)
class Findings:
    """A month's hints (cleared ones left out), and the keys the office cleared that matched one."""

    hints: tuple[Hint, ...] = ()
    cleared: tuple[str, ...] = ()
    checked: int = 0  # problems of the month looked at

    def of_unit(self, code: str) -> list[Hint]:
        return [h for h in self.hints if h.unit_code == code or (h.signal == LIST and h.other_unit == code)]

    def counts(self) -> dict[str, dict[str, int]]:
        """Unit code -> signal -> hints (a 清单雷同 counts for both its units)."""
        out: dict[str, dict[str, int]] = {}
        for h in self.hints:
            codes = (h.unit_code, h.other_unit) if h.signal == LIST else (h.unit_code,)
            for code in codes:
                per = out.setdefault(code, dict.fromkeys(SIGNALS, 0))
                per[h.signal] += 1
        return out

    @property
    def lists(self) -> list[Hint]:
        return [h for h in self.hints if h.signal == LIST]


# --- texts ------------------------------------------------------------------------------------
_NON_WORD = re.compile(r"[\W_]+")
_NUMBERS = re.compile(r"[0-9一二三四五六七八九十百千万亿两〇零壹贰叁肆伍陆柒捌玖拾佰仟]+")
_DIGIT = re.compile(r"[0-9]")
# a Chinese count (三次, 两名, 十余户): concrete although it has no digit
_CHINESE_COUNT = re.compile(r"[一二三四五六七八九十两百千万]+余?[次个名户人项处件条组栋座台天周月年元家所批份]")
_MONTH_LABEL = re.compile(r"^[0-9]{1,2}月份?")
_COMMUNITY = (("社区", "村"), ("居务", "村务"), ("居民", "村民"), ("居委会", "村委会"))


@lru_cache(maxsize=1 << 16)
def _plain(text: str) -> str:
    """NFKC-folded, without punctuation or spaces (cached: a problem's texts come back every month)."""
    text = _NON_WORD.sub("", str(text))  # punctuation first: a full-width comma is never NFKC-normalised
    if not unicodedata.is_normalized("NFKC", text):
        text = _NON_WORD.sub("", unicodedata.normalize("NFKC", text))
    return text.lower()


def names_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Every unit name and alias of the roster, longest first (a copied list swaps them)."""
    return _alternation(n for n in names if len(_plain(n)) >= 2)


def canonical(text: str, names: re.Pattern[str]) -> str:
    """A problem's text for comparison: without unit names, numbers, dates, punctuation or
    spaces; 社区/居务/居民 read as 村/村务/村民 (a community copying a village's list)."""
    folded = _NUMBERS.sub("", names.sub("", _plain(text)))
    for community, village in _COMMUNITY:
        folded = folded.replace(community, village)
    return folded


def concrete(text: str) -> bool:
    """Whether a text holds a number, a date or a Chinese count (一次, 三户)."""
    folded = _plain(text)
    return bool(_DIGIT.search(folded) or _CHINESE_COUNT.search(folded))


def residue(text: str, pattern: re.Pattern[str]) -> str:
    """What is left of a text once every generic word of ``pattern`` is removed."""
    return pattern.sub("", _plain(text))


# A problem is 空话 only when the vocabulary's generic phrases make up at least half of it: a
# description of its own (代办员只讲“不能办”、不讲“怎么办”) is not, though it has no number.
EMPTY_REST_SHARE = 0.5
_NAMED = re.compile(r"《[^》]+》")  # a named document, rule or plan


def is_empty(problem: str, words: Words) -> bool:
    """A 具体问题 of generic phrases (空话): nothing but the vocabulary's generic phrases, or
    mostly them (``EMPTY_REST_SHARE``) and no concrete element: no number, date, named document
    or word of the vocabulary's 具体事实 (a place, a person, an event)."""
    if not _plain(problem) or concrete(problem) or _NAMED.search(unicodedata.normalize("NFKC", problem)):
        return False
    rest = residue(problem, words.problem_pattern)
    if len(rest) <= 2:
        return True
    return len(rest) <= EMPTY_REST_SHARE * len(_plain(problem)) and not words.fact_pattern.search(_plain(problem))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text} if text else set()


ECHO_NEW_BIGRAMS = 3  # a measure adding more two-character words than this to its problem says something


def echoes(problem: str, measure: str, words: Words) -> bool:
    """A measure that only restates its problem (措施照搬问题): once its generic verbs are gone,
    what is left is the problem's own words, and it adds no number or date."""
    if not _plain(measure) or not _plain(problem):
        return False
    if concrete(measure) and not concrete(problem):
        return False
    rest = residue(measure, words.measure_pattern)
    if len(rest) <= 1:
        return True
    own = _bigrams(rest)
    new = own - _bigrams(_plain(problem))
    return len(new) <= ECHO_NEW_BIGRAMS and len(own) - len(new) >= len(own) / 2


def says_nothing(progress: str, words: Words) -> bool:
    """A 整改进展 of generic words only (正在整改, 持续推进…)."""
    if not _plain(progress):
        return True
    if concrete(_MONTH_LABEL.sub("", _plain(progress))):
        return False
    return len(residue(_MONTH_LABEL.sub("", _plain(progress)), words.progress_pattern)) <= 1


def stale(reports: Sequence[str], words: Words, count: int) -> bool:
    """Whether the last ``count`` progress texts (oldest first) say nothing new: all the same, all
    generic, or the same once the generic words are removed."""
    if len(reports) < count:
        return False
    last = [_MONTH_LABEL.sub("", _plain(t)) for t in reports[-count:]]
    if len(set(last)) == 1 or all(says_nothing(t, words) for t in reports[-count:]):
        return True
    # the same facts again with only generic words added (“已走访30户” → “已走访30户，持续推进”)
    return len({residue(t, words.progress_pattern) for t in last}) == 1


# --- the similarity join ---------------------------------------------------------------------
def _grams(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(text index, n-gram id) of every distinct n-gram of every text (a text shorter than ``n``
    is one gram)."""
    if not texts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # positions in 32 bits where they fit: a county's month has millions of characters, and these
    # arrays were a good part of its run's peak memory
    small: Any = np.int32 if sum(len(t) for t in texts) < 2**31 else np.int64
    lengths = np.fromiter((len(t) for t in texts), small, len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(small)
    doc = np.repeat(np.arange(len(texts), dtype=small), lengths)
    pos = np.arange(len(points), dtype=small) - np.repeat(starts, lengths)
    width = np.minimum(lengths, n)[doc]
    keep = pos <= lengths[doc] - width
    del pos
    code = np.zeros(len(points), np.uint64)
    for k in range(n):  # code points fit in 21 bits: three of them in a 64-bit code
        shifted = np.zeros(len(points), np.uint64)
        shifted[: len(points) - k] = points[k:]
        shifted[k >= width] = 0  # a short text's gram is only its own characters
        code <<= np.uint64(21)
        code |= shifted
        del shifted
    gram, uniques = pd.factorize(code[keep])
    del code
    pairs = _distinct(doc[keep].astype(np.int64) * len(uniques) + gram)  # each text's distinct grams, by text
    return pairs // len(uniques), pairs % len(uniques)


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique`` is many times slower on large int64 arrays here)."""
    keys = np.sort(keys)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


SHARED = 3  # indexed n-grams two candidate texts must share (Bayardo et al.'s prefix, k grams longer)
PARTNERS = 8  # a text meets at most this many texts of each of its rare n-grams: the earliest ones
# candidate pairs are verified a batch at a time, each batch looking up about this many n-grams
# (its arrays: tens of MB; a batch of a million pairs looked up ~46 million and took 500 MB)
_LOOKUPS = 1 << 21


def _repeated(keys: np.ndarray, least: int) -> tuple[np.ndarray, np.ndarray]:
    """The values of sorted ``keys`` that occur at least ``least`` times, and how many times."""
    if not len(keys):
        return keys, keys
    new = np.empty(len(keys), bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    del new
    count = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=count[:-1])
    count[-1] = len(keys) - starts[-1]
    often = count >= least
    return keys[starts[often]], count[often]


def similar_pairs(
    texts: Sequence[str], threshold: float, n: int, wanted: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of ``texts`` (indices a < b) whose n-gram sets have a Jaccard similarity of at least
    ``threshold``, with the similarity; only pairs with a text of ``wanted`` (a boolean mask)
    when given. Prefix filtering, then each candidate pair verified exactly.

    Every such pair is found while fewer than ``PARTNERS`` texts share any one indexed n-gram.
    In a corpus so uniform that more do (a county where hundreds of units wrote the same
    template), each text meets the ``PARTNERS`` earliest texts (in ``texts`` order) of each of
    its n-grams' groups instead: a pair found is still verified, and a copy is still found when
    its original is among the earliest; the cost stays linear in the texts."""
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float))
    doc, gram = _grams(texts, n)
    if len(doc) == 0:
        return empty
    size = np.bincount(doc, minlength=len(texts))
    frequency = np.bincount(gram)
    width = int(gram.max()) + 1
    # each text's grams, rarest first: one int64 key (text, frequency, gram) sorts faster than lexsort
    order = np.argsort((doc * (int(frequency.max()) + 1) + frequency[gram]) * width + gram, kind="stable")
    doc, gram = doc[order], gram[order]
    first = np.concatenate(([0], np.cumsum(size)[:-1]))
    rank = np.arange(len(doc)) - first[doc]
    # the prefix of |x| - ceil(t|x|) + k grams: two texts of similarity t share k of them
    prefix = np.minimum(size - np.ceil(threshold * size - 1e-9).astype(np.int64) + SHARED, size)
    indexed = rank < prefix[doc]
    if wanted is not None:  # only the grams a wanted text indexes can make a pair with one
        asked = _distinct(gram[indexed & wanted[doc]])
        if not len(asked):
            return empty
        indexed &= asked[np.minimum(np.searchsorted(asked, gram), len(asked) - 1)] == gram
    by_gram = _distinct(gram[indexed] * len(texts) + doc[indexed])  # by gram, then text
    del indexed, rank
    # texts as int32 where they fit: the candidate pairs below are millions in a county's month,
    # and their arrays were most of its run's peak memory
    index_type = np.int32 if len(texts) < 2**31 else np.int64
    g, d = by_gram // len(texts), (by_gram % len(texts)).astype(index_type)
    del by_gram
    # each text of an indexed gram's group meets the texts before it in the group (at most PARTNERS)
    group_start = np.concatenate(([0], np.flatnonzero(np.diff(g)) + 1))
    starts = np.repeat(group_start, np.diff(np.concatenate((group_start, [len(g)]))))
    del g, group_start
    count = np.minimum(np.arange(len(starts)) - starts, PARTNERS)
    total = int(count.sum())
    if total == 0:
        return empty
    b = np.repeat(d, count)
    a = d[np.repeat(starts, count) + np.arange(total) - np.repeat(np.cumsum(count) - count, count)]
    del d, starts, count
    if wanted is not None:
        keep = wanted[a] | wanted[b]
        a, b = a[keep], b[keep]
        del keep
    # a pair as one number (smaller text * texts + larger), in 32 bits while that fits
    key = np.minimum(a, b).astype(np.int32 if len(texts) ** 2 < 2**31 else np.int64)
    key *= len(texts)
    key += np.maximum(a, b)
    del a, b
    # a pair meeting on fewer grams than both prefixes could share (SHARED, fewer for a short
    # text) cannot reach the threshold: one n-gram in common by chance is no candidate
    least = np.ceil(threshold * size - 1e-9).astype(np.int64)  # grams two such texts share at least
    key.sort()  # in place: a copy of millions of pairs is not needed
    # first with the smallest bound of any text, which leaves out most pairs at once
    pair, shared = _repeated(key, min(SHARED, int(least.min())))
    del key
    a, b = pair // len(texts), pair % len(texts)
    keep = shared >= np.minimum(SHARED, np.minimum(least[a], least[b]))
    a, b = a[keep], b[keep]
    small, large = np.minimum(size[a], size[b]), np.maximum(size[a], size[b])
    keep = small >= threshold * large - 1e-9  # a Jaccard of t needs |small| >= t |large|
    a, b = a[keep], b[keep]
    if len(a) == 0:
        return empty
    keys = np.sort(doc * width + gram)
    scores = np.concatenate(
        [_jaccard(a[i:j], b[i:j], size, first, gram, keys, width) for i, j in _batches(size[a], _LOOKUPS)]
    )
    keep = scores >= threshold - 1e-9
    return a[keep], b[keep], scores[keep]


def _batches(span: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Ranges [i, j) of pairs whose ``span`` (n-grams to look up) add up to about ``limit`` each;
    every range holds at least one pair."""
    total = np.cumsum(span)
    cuts = np.searchsorted(total, np.arange(limit, int(total[-1]), limit), side="right")
    edges = np.unique(np.concatenate(([0], cuts, [len(span)])))
    return list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))


def _jaccard(
    a: np.ndarray, b: np.ndarray, size: np.ndarray, first: np.ndarray, gram: np.ndarray, keys: np.ndarray, width: int
) -> np.ndarray:
    """The Jaccard similarity of each pair (a, b): each of a's grams looked up among b's."""
    span = size[a]
    rows = np.repeat(np.arange(len(a)), span)
    offsets = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    probe = b[rows] * width + gram[first[a][rows] + offsets]
    found = keys[np.minimum(np.searchsorted(keys, probe), len(keys) - 1)] == probe
    inter = np.bincount(rows[found], minlength=len(a))
    return inter / (size[a] + size[b] - inter)


# --- the month's findings ----------------------------------------------------------------------
@dataclass
class _Owner:
    item_id: str
    unit_code: str
    month: str
    seq: int


@dataclass
class _Texts:
    owners: dict[str, list[_Owner]] = field(default_factory=dict)  # canonical text -> who wrote it

    def add(self, text: str, owner: _Owner) -> None:
        self.owners.setdefault(text, []).append(owner)


class _Version(NamedTuple):
    """One unit's version of a problem in one month (a row of ``Store.problem_history``)."""

    item_id: str
    unit_code: str
    month: str
    seq: int
    row: int | None
    problem: str
    measure: str
    progress: str
    status: str


HISTORY_COLUMNS = ("item_id", "unit_code", "month", "seq", "row", "具体问题", "整改措施", "整改进展", "完成状态")


def findings(
    history: pd.DataFrame,
    month: str,
    names: Iterable[str],
    rules: Rules,
    words: Words,
    cleared: Iterable[str] = (),
    done_statuses: Iterable[str] = (),
) -> Findings:
    """The month's 形式主义提示, from ``history``: every unit version of every problem up to
    ``month`` (``HISTORY_COLUMNS``, oldest first; see ``Store.problem_history``). The problems
    looked at are those the units reported this month."""
    versions = _versions(history, month)
    current = [v for v in versions if v.month == month]
    if not current:
        return Findings()
    before: dict[str, tuple[str, str]] = {}
    for v in versions:
        if v.month < month:
            before[v.item_id] = (v.problem, v.measure)
    # a problem's words are judged when they are new: reported for the first time, or rewritten
    # (a list copied in March is named in March, not again every month it is carried forward)
    fresh = [v for v in current if before.get(v.item_id) != (v.problem, v.measure)]
    hints: list[Hint] = []
    empty: set[str] = set()
    for v in fresh:
        if is_empty(v.problem, words):
            empty.add(v.item_id)
            hints.append(Hint(EMPTY, v.unit_code, v.item_id, v.seq, v.row))
        if echoes(v.problem, v.measure, words):
            hints.append(Hint(ECHO, v.unit_code, v.item_id, v.seq, v.row))
    hints += _stale(versions, current, words, rules, set(done_statuses))
    hints += _copies(versions, current, fresh, names_pattern(names), rules, empty)
    cleared_keys = set(cleared)
    kept = tuple(h for h in hints if h.key not in cleared_keys)
    matched = tuple(sorted({h.key for h in hints} & cleared_keys))
    return Findings(_ordered(kept), matched, len(current))


def _versions(history: pd.DataFrame, month: str) -> list[_Version]:
    """The history's rows up to ``month`` as plain values, in the order reported (month, file, id)."""
    if not len(history):
        return []
    frame = history.loc[history["month"] <= month, list(HISTORY_COLUMNS)]
    columns = [frame[c].tolist() for c in HISTORY_COLUMNS]
    out = [
        _Version(str(i), str(u), str(m), int(s), _row(r), _text(p), _text(me), _text(pr), _text(st))
        for i, u, m, s, r, p, me, pr, st in zip(*columns, strict=True)
    ]
    out.sort(key=lambda v: (v.month, v.seq, v.item_id))
    return out


def _row(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)  # type: ignore[call-overload]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _ordered(hints: Iterable[Hint]) -> tuple[Hint, ...]:
    return tuple(sorted(hints, key=lambda h: (h.unit_code, SIGNALS.index(h.signal), h.item_id, h.other_unit)))


def _stale(
    versions: Sequence[_Version], current: Sequence[_Version], words: Words, rules: Rules, done: set[str]
) -> list[Hint]:
    """进展未更新: this month's open problems whose last reports say nothing new."""
    reports: dict[str, list[str]] = {}
    for v in versions:  # oldest first
        reports.setdefault(v.item_id, []).append(v.progress)
    return [
        Hint(STALE, v.unit_code, v.item_id, v.seq, v.row, count=rules.stale_reports)
        for v in current
        if v.status not in done and stale(reports[v.item_id], words, rules.stale_reports)
    ]


# What two problems are compared on: 具体问题 and 整改措施 together, and 具体问题 alone when it is
# long enough to be a fact of its own (a problem copied word for word with its measure rewritten
# is still copied): twice the minimum length. Not the measure alone: units share boilerplate
# measures (立行立改，建立问题台账，逐项整改销号) under unrelated problems.
_VIEWS: tuple[tuple[str, int], ...] = (("both", 1), ("problem", 2))


def _view(v: _Version, view: str, names: re.Pattern[str], seen: dict[str, str]) -> str:
    """The problem's canonical text for ``view``, each text made canonical once (``seen``)."""
    parts = (v.problem, v.measure) if view == "both" else (v.problem,)
    out = []
    for part in parts:
        if part not in seen:
            seen[part] = canonical(part, names)
        out.append(seen[part])
    return "".join(out)


def _matches(
    versions: Sequence[_Version], current: Sequence[_Version], names: re.Pattern[str], rules: Rules, empty: set[str]
) -> dict[str, tuple[float, _Owner]]:
    """For each problem of ``current`` (this month's), the other unit's problem most like it
    (similarity, writer), on any view at or above ``rules.similarity``: the most similar, then
    the earliest."""
    month = current[0].month
    looked_at = {v.item_id for v in current}
    seen: dict[str, str] = {}
    best: dict[str, tuple[float, _Owner]] = {}
    for view, factor in _VIEWS:
        texts = _Texts()
        current_text: dict[str, str] = {}
        for v in versions:  # in the order reported: a text's first writer is its earliest
            if v.item_id in empty:
                continue
            text = _view(v, view, names, seen)
            if len(text) < rules.min_chars * factor:
                continue
            texts.add(text, _Owner(v.item_id, v.unit_code, v.month, v.seq))
            if v.month == month and v.item_id in looked_at:
                current_text[v.item_id] = text
        keys = list(texts.owners)
        index = {t: i for i, t in enumerate(keys)}
        wanted = np.zeros(len(keys), bool)
        for text in current_text.values():
            wanted[index[text]] = True
        a, b, score = similar_pairs(keys, rules.similarity, rules.ngram, wanted)
        near: dict[int, list[tuple[int, float]]] = {}
        for i, j, sim in zip(a.tolist(), b.tolist(), score.tolist(), strict=True):
            near.setdefault(i, []).append((j, sim))
            near.setdefault(j, []).append((i, sim))
        for v in current:
            mine = current_text.get(v.item_id)
            if mine is None:
                continue
            i = index[mine]
            for j, sim in [(i, 1.0), *near.get(i, [])]:
                # a text's writers are in the order they reported it: the first from another unit
                owner = next((o for o in texts.owners[keys[j]] if o.unit_code != v.unit_code), None)
                if owner is None:
                    continue
                known = best.get(v.item_id)
                if known is None or (-sim, owner.month, owner.seq, owner.item_id) < (
                    -known[0],
                    known[1].month,
                    known[1].seq,
                    known[1].item_id,
                ):
                    best[v.item_id] = (sim, owner)
    return best


def _copies(
    versions: Sequence[_Version],
    current: Sequence[_Version],
    fresh: Sequence[_Version],
    names: re.Pattern[str],
    rules: Rules,
    empty: set[str],
) -> list[Hint]:
    """雷同 and 清单雷同: this month's new or rewritten problems (``fresh``) against every other
    unit's, now and before; a list is 清单雷同 when enough of the unit's problems this month are
    fresh copies of one other unit's."""
    best = _matches(versions, fresh, names, rules, empty) if fresh else {}
    hints: list[Hint] = []
    best_unit: dict[str, dict[str, int]] = {}
    lists: dict[str, int] = {}
    for v in current:
        lists[v.unit_code] = lists.get(v.unit_code, 0) + 1
        if v.item_id not in best:
            continue
        sim, other = best[v.item_id]
        hints.append(
            Hint(COPY, v.unit_code, v.item_id, v.seq, v.row, other.unit_code, other.item_id, other.month, round(sim, 2))
        )
        per = best_unit.setdefault(v.unit_code, {})
        per[other.unit_code] = per.get(other.unit_code, 0) + 1
    pairs: dict[tuple[str, str], Hint] = {}
    for unit, per in best_unit.items():
        total = lists[unit]
        if total < rules.list_min:
            continue
        for partner, count in per.items():
            share = count / total
            if share + 1e-9 < rules.list_share:
                continue
            pair = (min(unit, partner), max(unit, partner))
            hint = Hint(LIST, unit, other_unit=partner, score=round(share, 2), count=count, total=total)
            if pair not in pairs or share > pairs[pair].score:
                pairs[pair] = hint
    return hints + list(pairs.values())
