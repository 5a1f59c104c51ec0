"""The fast paths of reading (issue 9): batched archive syncs, files sent to workers in batches,
the header scan that stops early. Each gives what the one-by-one way gives."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path, PosixPath
from typing import Any, cast

import hostile_files as hf
import pytest
from conftest import GOOD_ROWS, write_list

from pipeline import ingest
from pipeline.readers import pool, tables
from pipeline.storage import archive
from pipeline.storage.archive import archive_file, archive_path
from pipeline.vocab import REQUIRED, load_vocabulary

VOCAB = load_vocabulary()


def _sources(tmp_path: Path, n: int) -> list[Path]:
    sources = []
    for i in range(n):
        src = tmp_path / f"f{i}.bin"
        src.write_bytes(os.urandom(3000 + i))
        sources.append(src)
    return sources


@pytest.mark.parametrize("has_syncfs", [True, False], ids=["syncfs", "fsync-each"])
def test_copies_are_complete_read_only_and_made_durable_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, has_syncfs: bool
) -> None:
    sources = _sources(tmp_path, 5)
    synced: list[int] = []
    flushed: list[Path] = []
    real_fsync = os.fsync
    monkeypatch.setattr(archive.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    monkeypatch.setattr(archive, "syncfs", lambda path: (flushed.append(path), has_syncfs)[1])
    store = tmp_path / "archive"
    results = [archive.copy_in(src, store, sync=False) for src in sources]
    assert synced == [] and flushed == []  # nothing synced one by one as the copies are made
    copies = [archive_path(store, got.sha256) for got in results]
    archive.make_durable(store, copies)
    folders = {store, *(copy.parent for copy in copies)}
    if has_syncfs:
        assert len(flushed) == 1 and synced == []  # one flush of the file system holds them all
    else:
        assert len(synced) == 5 + len(folders)  # each copy and each folder, once
    for src, got, copy in zip(sources, results, copies, strict=True):
        assert got.sha256 == hashlib.sha256(src.read_bytes()).hexdigest() and got.size == src.stat().st_size
        assert copy.read_bytes() == src.read_bytes()
        assert copy.stat().st_mode & 0o777 == 0o444
    assert not list(store.glob(".*.tmp"))  # no temporary copy left behind
    synced.clear()
    archive_file(sources[0], store)  # the same content again is a no-op
    again = tmp_path / "again.bin"
    again.write_bytes(b"new content")
    archive_file(again, store)
    assert len(synced) >= 2  # archive_file's copy is durable when it returns


def test_syncfs_flushes_a_real_folder_and_names_a_missing_one(tmp_path: Path) -> None:
    if not archive.syncfs(tmp_path):
        pytest.skip("no syncfs here")
    with pytest.raises(FileNotFoundError):
        archive.syncfs(tmp_path / "gone")


@pytest.mark.parametrize("keep", [0, 1 << 20], ids=["streamed", "read-whole"])
def test_a_file_that_changes_while_it_is_archived_is_not_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: int
) -> None:
    src = _sources(tmp_path, 1)[0]
    store = tmp_path / "archive"
    real_stat = archive.os.stat
    calls: list[int] = []

    def stat_then_grow(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)
        if Path(path) == src and not calls:
            calls.append(1)
            with src.open("ab") as fh:  # the unit's clerk saves again while the copy is being made
                fh.write(b"more")
        return result

    monkeypatch.setattr(archive.os, "stat", stat_then_grow)
    with pytest.raises(OSError, match="changed while it was archived"):
        archive.copy_in(src, store, keep=keep)
    assert not [p for p in store.rglob("*") if p.is_file()]  # neither a copy nor a temporary file


def test_a_pool_reading_batches_still_names_each_culprit(corpus_dir: Path, tmp_path: Path) -> None:
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    far = hf.far_cell(corpus_dir / "far-cell.xlsx")
    names = ["红星村.xlsx"] * 40
    names[7] = names[31] = "far-cell.xlsx"
    tasks = [pool.Task(far if n == "far-cell.xlsx" else good, n) for n in names]
    assert pool._batch_size(len(tasks), 2) > 1  # several files per task here
    seen: list[int] = []
    outcomes = pool.read_all(tasks, VOCAB, workers=2, progress=lambda i, done: seen.append(i))
    codes = [o.code for o in outcomes]
    assert codes[7] == codes[31] == "file-too-complex"
    assert all(code == "" for i, code in enumerate(codes) if i not in (7, 31))
    assert all(len(o.raw.frame) == len(GOOD_ROWS) for o in outcomes if o.raw is not None)
    assert sorted(seen) == list(range(len(names)))  # each file reported once


def test_a_bug_in_a_reading_process_stops_the_run_loudly(tmp_path: Path) -> None:
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    tasks = [pool.Task(good, "红星村.xlsx")] * 20
    tasks[13] = pool.Task(cast(Path, str(good)), "坏任务.xlsx")  # not a Path: the reader's own bug
    with pytest.raises(AttributeError):
        pool.read_all(tasks, VOCAB, workers=2)


class ReaderBug(Exception):
    """A bug's exception that cannot be pickled (it holds a lock)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.guard = threading.Lock()


class BuggyPath(PosixPath):
    """Stands in for a bug in reading: its ``stat`` raises an exception that cannot be pickled."""

    def stat(self, *args: Any, **kwargs: Any) -> os.stat_result:
        raise ReaderBug(f"bug while reading {self.name}")


def test_a_bug_whose_exception_cannot_be_pickled_still_stops_the_run(tmp_path: Path) -> None:
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    tasks = [pool.Task(good, "红星村.xlsx")] * 20
    tasks[13] = pool.Task(BuggyPath(good), "坏任务.xlsx")
    with pytest.raises(RuntimeError, match="ReaderBug"):  # not taken for the file's doing (file-too-complex)
        pool.read_all(tasks, VOCAB, workers=2)


def test_large_tasks_and_answers_do_not_block_the_pool(tmp_path: Path) -> None:
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    long_name = "很长的文件名" * 12_000 + ".xlsx"  # each task, and each answer, larger than a pipe holds
    tasks = [pool.Task(good, long_name)] * 8
    outcomes: list[pool.Outcome] = []
    reader = threading.Thread(target=lambda: outcomes.extend(pool.read_all(tasks, VOCAB, workers=1)), daemon=True)
    reader.start()
    reader.join(timeout=120)
    assert not reader.is_alive(), "the pool is stuck"
    assert [o.code for o in outcomes] == [""] * 8


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def test_the_header_scan_stops_at_a_complete_header_and_reads_the_same_table(tmp_path: Path) -> None:
    path = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    raw = ingest.read_file(path, VOCAB)
    lookup = VOCAB.header_lookup
    assert tables.max_score(lookup, REQUIRED) == 2 * len(REQUIRED) + (len(set(lookup.values())) - len(REQUIRED))
    assert len(raw.frame) == len(GOOD_ROWS) and raw.frame["具体问题"].tolist() == [r[1] for r in GOOD_ROWS]


def test_a_small_file_is_read_once_and_its_content_handed_back(tmp_path: Path) -> None:
    src = _sources(tmp_path, 1)[0]
    store = tmp_path / "archive"
    got = archive.copy_in(src, store, keep=1 << 20, sync=False)
    assert got.data == src.read_bytes() and got.sha256 == hashlib.sha256(got.data).hexdigest()
    assert archive_path(store, got.sha256).read_bytes() == got.data
    assert not [p for p in store.rglob("*.tmp")]  # written beside its final name, then renamed
    big = archive.copy_in(src, store, keep=10, sync=False)  # larger than kept: streamed, not handed back
    assert big.data is None and big.sha256 == got.sha256
