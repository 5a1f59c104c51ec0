"""Precision and recall of the 形式主义提示 signals on the labelled set (tests/data/formality/).

    python -m tools.formality_labels            # the signals with the default settings
    python -m tools.formality_labels --sweep    # 雷同 at other thresholds and n-gram sizes

Each signal is measured the way a monthly run finds it (``formality.findings`` on a ledger
history): a labelled pair is two units' problems, the first reported in March, the second in
April, and the pair is called a copy when April's problem gets a 雷同 hint. A text is called
empty when it gets a 空话 hint, a measure when it gets 措施照搬问题, a progress sequence (one
report a month) when its last month gets 进展未更新.
"""

from __future__ import annotations

import argparse
import dataclasses
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import formality
from pipeline.config import Formality
from pipeline.model import Signal
from pipeline.vocab import load_vocabulary

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "formality"
WORDS = formality.Words.of(load_vocabulary().sections)
MONTHS = ("2022-03", "2022-04", "2022-05", "2022-06", "2022-07", "2022-08")


@dataclass(frozen=True)
class Score:
    signal: str
    positives: int  # labelled positive
    negatives: int
    true_positives: int
    false_positives: int

    @property
    def precision(self) -> float:
        called = self.true_positives + self.false_positives
        return self.true_positives / called if called else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0

    def line(self) -> str:
        return (
            f"{self.signal:<8} {self.positives:>4} positive / {self.negatives:>4} negative   "
            f"precision {self.precision:6.3f}   recall {self.recall:6.3f}   "
            f"(false positives {self.false_positives})"
        )


HOLDOUT = "holdout"  # written apart, after the detectors were first tuned: texts, measures, pairs


def load(name: str, section: str | None = None) -> list[dict[str, Any]]:
    with (DATA / f"{name}.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return data[section] if section else next(iter(data.values()))


def _history(rows: Sequence[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    """(id, unit, month, problem, measure, progress) -> a ``Store.problem_history`` frame."""
    records = [
        (item, unit, month, n + 1, 5, problem, measure, progress, "整改中")
        for n, (item, unit, month, problem, measure, progress) in enumerate(rows)
    ]
    return pd.DataFrame.from_records(records, columns=list(formality.HISTORY_COLUMNS))


def _score(
    signal: str, entries: list[dict[str, Any]], positive: str, called: Callable[[dict[str, Any]], bool]
) -> Score:
    tp = fp = 0
    for entry in entries:
        if called(entry):
            if entry["label"] == positive:
                tp += 1
            else:
                fp += 1
    positives = sum(1 for e in entries if e["label"] == positive)
    return Score(signal, positives, len(entries) - positives, tp, fp)


def copy_called(pair: dict[str, Any], rules: Formality) -> bool:
    history = _history(
        [
            ("A-001", "A", "2022-03", pair["a_problem"], pair["a_measure"], ""),
            ("B-001", "B", "2022-04", pair["b_problem"], pair["b_measure"], ""),
        ]
    )
    names = [pair["a_unit"], *pair.get("a_aliases", []), pair["b_unit"], *pair.get("b_aliases", [])]
    found = formality.findings(history, "2022-04", names, rules, WORDS)
    return any(h.signal == Signal.COPY for h in found.hints)


def empty_called(text: dict[str, Any]) -> bool:
    return formality.is_empty(text["problem"], WORDS)


def echo_called(measure: dict[str, Any]) -> bool:
    return formality.echoes(measure["problem"], measure["measure"], WORDS)


def stale_called(progress: dict[str, Any], rules: Formality) -> bool:
    months = progress["months"]
    history = _history([("A-001", "A", MONTHS[i], "问题", "措施", text) for i, text in enumerate(months)])
    found = formality.findings(history, MONTHS[len(months) - 1], [], rules, WORDS)
    return any(h.signal == Signal.STALE for h in found.hints)


def scores(rules: Formality | None = None, holdout: bool = False) -> list[Score]:
    rules = rules or Formality()
    if holdout:
        return [
            _score(Signal.COPY, load(HOLDOUT, "pair"), "copy", lambda p: copy_called(p, rules)),
            _score(Signal.EMPTY, load(HOLDOUT, "text"), "empty", empty_called),
            _score(Signal.ECHO, load(HOLDOUT, "measure"), "repeats", echo_called),
        ]
    return [
        _score(Signal.COPY, load("pairs"), "copy", lambda p: copy_called(p, rules)),
        _score(Signal.EMPTY, load("texts"), "empty", empty_called),
        _score(Signal.ECHO, load("measures"), "repeats", echo_called),
        _score(Signal.STALE, load("progress"), "stale", lambda p: stale_called(p, rules)),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="雷同 at other thresholds and n-gram sizes")
    args = parser.parse_args(argv)
    print("labelled set (pairs, texts, measures, progress):")
    for score in scores():
        print("    " + score.line())
    print("held-out set (holdout.toml):")
    for score in scores(holdout=True):
        print("    " + score.line())
    if args.sweep:
        pairs = load("pairs")
        for n in (2, 3):
            for threshold in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
                rules = dataclasses.replace(Formality(), similarity=threshold, ngram=n)
                score = _score(Signal.COPY, pairs, "copy", lambda p, r=rules: copy_called(p, r))  # type: ignore[misc]
                print(f"n={n} similarity={threshold:.2f}  {score.line()}")


if __name__ == "__main__":
    main()
