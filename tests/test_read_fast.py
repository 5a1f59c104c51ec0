"""The fast paths of reading (issue 9): batched archive syncs, files sent to workers in batches,
the header scan that stops early. Each gives what the one-by-one way gives."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import hostile_files as hf
import pytest
from conftest import GOOD_ROWS, write_list

from pipeline import archive, ingest, readpool
from pipeline.archive import archive_file, archive_path, batched_sync
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()


def test_batched_copies_are_complete_read_only_and_synced_when_the_block_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = []
    for n in range(5):
        src = tmp_path / f"f{n}.bin"
        src.write_bytes(os.urandom(3000 + n))
        sources.append(src)
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(archive.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    store = tmp_path / "archive"
    with batched_sync() as batch:
        results = [archive_file(src, store) for src in sources]
        assert synced == []  # nothing synced one by one inside the block
        assert len(batch.files) == 5 and store in batch.dirs
    assert len(synced) == 5 + len(batch.dirs)  # each copy and each directory, once, on leaving
    for src, (sha, size) in zip(sources, results, strict=True):
        copy = archive_path(store, sha)
        assert sha == hashlib.sha256(src.read_bytes()).hexdigest() and size == src.stat().st_size
        assert copy.read_bytes() == src.read_bytes()
        assert copy.stat().st_mode & 0o777 == 0o444
    synced.clear()
    archive_file(sources[0], store)  # outside a block: the same content again is a no-op
    again = tmp_path / "again.bin"
    again.write_bytes(b"new content")
    archive_file(again, store)
    assert len(synced) >= 2  # outside a block each copy is durable when archive_file returns


def test_a_batch_synced_in_the_background_is_joined_and_its_error_raised(tmp_path: Path) -> None:
    src = tmp_path / "a.bin"
    src.write_bytes(b"x" * 5000)
    with pytest.raises(FileNotFoundError), batched_sync() as batch:
        archive_file(src, tmp_path / "archive")
        batch.files.append(tmp_path / "gone")  # a copy that vanished: its sync fails
        batch.sync_in_background()


def test_a_pool_reading_batches_still_names_each_culprit(corpus_dir: Path, tmp_path: Path) -> None:
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    far = hf.far_cell(corpus_dir / "far-cell.xlsx")
    names = ["红星村.xlsx"] * 40
    names[7] = names[31] = "far-cell.xlsx"
    tasks = [readpool.Task(far if n == "far-cell.xlsx" else good, n) for n in names]
    assert readpool._batch_size(len(tasks), 2) > 1  # several files per task here
    seen: list[int] = []
    outcomes = readpool.read_all(tasks, VOCAB, workers=2, progress=lambda i, done: seen.append(i))
    codes = [o.code for o in outcomes]
    assert codes[7] == codes[31] == "file-too-complex"
    assert all(code == "" for i, code in enumerate(codes) if i not in (7, 31))
    assert all(len(o.raw.frame) == len(GOOD_ROWS) for o in outcomes if o.raw is not None)
    assert sorted(seen) == list(range(len(names)))  # each file reported once


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def test_the_header_scan_stops_at_a_complete_header_and_reads_the_same_table(tmp_path: Path) -> None:
    path = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    raw = ingest.read_file(path, VOCAB)
    lookup = VOCAB.header_lookup
    assert ingest._max_score(lookup, ingest.REQUIRED) == 2 * len(ingest.REQUIRED) + (
        len(set(lookup.values())) - len(ingest.REQUIRED)
    )
    assert len(raw.frame) == len(GOOD_ROWS) and raw.frame["具体问题"].tolist() == [r[1] for r in GOOD_ROWS]
