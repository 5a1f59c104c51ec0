"""Bench: milliseconds per file to read a 30-row submission.

The pipeline's reader (python-calamine, table found, cell addresses kept) against
``pandas.read_excel(engine="openpyxl")`` on the same files (a bare sheet read, no table finding).

    .venv/bin/python -m tools.bench_read [--files 40] [--rows 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from demo_campaign.sample import Grid, write_grids_xlsx
from pipeline import layout
from pipeline.ingest import read_file
from pipeline.model import ProblemStatus
from pipeline.vocab import load_vocabulary

ROW = (
    "服务不强、环境不优",
    "便民服务代办点工作人员态度生硬，群众反映较多",
    "开展窗口服务礼仪培训并实行群众评议",
    "赵强",
    "陈芳",
    dt.datetime(2022, 6, 30),
    "已开展培训两次，群众评议正在进行",
    ProblemStatus.IN_PROGRESS,
    None,
    "",
)


def make_files(folder: Path, files: int, rows: int) -> list[Path]:
    paths = []
    width = len(layout.COLUMNS)
    for n in range(files):
        cells: list[list[object]] = [
            ["附件2", *[None] * (width - 1)],
            [layout.title("xx镇"), *[None] * (width - 1)],
            [layout.header_block(f"第{n}村", "张三", "2022年3月18日"), *[None] * (width - 1)],
            list(layout.COLUMNS),
        ]
        cells += [[i + 1, None, *ROW] for i in range(rows)]
        paths.append(write_grids_xlsx(folder / f"附件2：问题清单（第{n}村）.xlsx", [Grid(layout.SHEET, cells)]))
    return paths


def per_file_ms(paths: list[Path], read: Callable[[Path], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            read(path)
        best = min(best, (time.perf_counter() - start) / len(paths) * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    vocab = load_vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_files(Path(tmp), args.files, args.rows)
        ours = per_file_ms(paths, lambda p: read_file(p, vocab), args.repeat)
        openpyxl = per_file_ms(paths, lambda p: pd.read_excel(p, engine="openpyxl", header=None), args.repeat)
        calamine = per_file_ms(paths, lambda p: pd.read_excel(p, engine="calamine", header=None), args.repeat)
    print(f"{args.files} files of {args.rows} rows, best of {args.repeat}, ms per file:")
    print(f"  pipeline.ingest.read_file (calamine, table found) : {ours:6.2f}")
    print(f"  pandas.read_excel(engine='openpyxl')              : {openpyxl:6.2f}  ({openpyxl / ours:.1f}x)")
    print(f"  pandas.read_excel(engine='calamine')              : {calamine:6.2f}")


if __name__ == "__main__":
    main()
