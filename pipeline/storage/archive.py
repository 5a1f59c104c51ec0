"""The archive of received files and the workspace lock (SPEC §8, §9).

Every file that enters is copied, before anything else happens, to ``archive/<sha[:2]>/<sha>``
(read-only, content-addressed), so no received file is ever lost; ``verify`` recomputes the
audit chain and every archived file's hash.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import faults
from pipeline.errors import WorkspaceLocked
from pipeline.messages import CATALOGUE, render_text

if TYPE_CHECKING:  # the store (and pandas) only for verify: the readers copy files without them
    from pipeline.storage.ledger import Store

CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(archive: Path, sha: str) -> Path:
    return archive / sha[:2] / sha


def fsync_path(path: Path) -> None:
    """Make a file's content, or a folder's entries, durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def syncfs(path: Path) -> bool:
    """Flush the whole file system holding ``path`` to disk (Linux ``syncfs``; it reports write
    errors since Linux 5.8); False where the call is not offered, and the caller fsyncs each file."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        if call(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)
    return True


@dataclass(frozen=True)
class Archived:
    """A file copied into the archive: its hash and size, the source as it was when copied, and
    its content when the caller asked to keep it (``copy_in``'s ``keep``)."""

    sha256: str
    size: int
    state: os.stat_result
    data: bytes | None = None


def archive_file(src: Path, archive: Path) -> tuple[str, int]:
    """Copy ``src`` into the archive under its SHA-256, durably; returns (sha256, size).

    When this returns, the copy and the directory entries leading to it are on disk (fsync), so
    a crash afterwards cannot lose the file.
    """
    got = copy_in(src, archive)
    return got.sha256, got.size


def copy_in(src: Path, archive: Path, keep: int = 0, sync: bool = True) -> Archived:
    """Copy ``src`` into the archive under its SHA-256.

    The file is read once and the copy holds exactly the bytes its name is the hash of. A file
    no larger than ``keep`` bytes is read whole, hashed, and written beside its final name (its
    content is returned, so the reader need not read the file again); a larger one is hashed
    while it is copied, chunk by chunk. A file whose size or modification time changes while it
    is read (still being written, or saved again) is not stored: ``OSError``, and it stays in
    the inbox for the next run.

    With ``sync`` the copy is durable when this returns (``archive_file``); without, nothing is
    synced and the caller makes the copies durable (``make_durable``) before relying on them.
    Copying the same content again is a no-op. An archive copy found altered is kept beside, as
    evidence, and the true content restored.
    """
    faults.point("copy")
    before = os.stat(src)
    data: bytes | None = None
    if before.st_size <= keep:
        data = src.read_bytes()
        _unchanged(src, before, len(data))
        sha, size = hashlib.sha256(data).hexdigest(), len(data)
        dest = archive_path(archive, sha)
        if _present(dest, sha):
            return Archived(sha, size, before, data)
        _make_folder(dest.parent, sync)
        tmp = dest.parent / f".{sha[:16]}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            with tmp.open("wb") as fout:
                fout.write(data)
                if sync:
                    fout.flush()
                    os.fsync(fout.fileno())
            _install(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    else:
        tmp = archive / f".{os.getpid()}.{threading.get_ident()}.tmp"  # named by its hash once known
        digest = hashlib.sha256()
        size = 0
        try:
            try:
                fout = tmp.open("wb")
            except FileNotFoundError:
                archive.mkdir(parents=True, exist_ok=True)
                fout = tmp.open("wb")
            with src.open("rb") as fin, fout:
                while chunk := fin.read(CHUNK):
                    digest.update(chunk)
                    fout.write(chunk)
                    size += len(chunk)
                fout.flush()
                if sync:
                    os.fsync(fout.fileno())
            _unchanged(src, before, size)
            sha = digest.hexdigest()
            dest = archive_path(archive, sha)
            if _present(dest, sha):
                return Archived(sha, size, before)
            _make_folder(dest.parent, sync)
            _install(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    if sync:
        fsync_path(dest.parent)
    return Archived(sha, size, before, data)


def _unchanged(src: Path, before: os.stat_result, size: int) -> None:
    """Refuse to store a mix: the file must be as it was when its reading began."""
    if not same_file_state(before, os.stat(src)) or size != before.st_size:
        raise OSError(f"{src} changed while it was archived")


def _present(dest: Path, sha: str) -> bool:
    """Whether the archive holds this content already; a copy found altered is moved aside.

    Two readers may meet the same altered copy at once (two received files with its content):
    the move is decided again under a lock on the folder, so the copy one of them has just
    restored is never taken for the altered one, and no evidence overwrites other evidence."""
    try:
        if sha256_of(dest) == sha:
            return True
    except FileNotFoundError:  # not there, or just moved aside by another reader
        return False
    with _folder_lock(dest.parent):
        if not dest.exists():
            return False  # moved aside by another reader, whose restored copy is not there yet
        if sha256_of(dest) == sha:
            return True  # restored by another reader meanwhile
        os.replace(dest, _evidence_name(dest, sha))
    return False


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` between processes (``flock`` on the folder itself)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _evidence_name(dest: Path, sha: str) -> Path:
    """A free name beside ``dest`` for an altered copy kept as evidence (call under the lock)."""
    stem = f"{sha}.altered-{int(dest.stat().st_mtime)}"
    name, n = dest.with_name(stem), 1
    while name.exists():
        name, n = dest.with_name(f"{stem}-{n}"), n + 1
    return name


def _make_folder(folder: Path, sync: bool) -> None:
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)  # exist_ok: another reader may make it too
        if sync:
            fsync_path(folder.parent)


def _install(tmp: Path, dest: Path) -> None:
    os.chmod(tmp, 0o444)
    os.replace(tmp, dest)


def make_durable(archive: Path, copies: Sequence[Path]) -> None:
    """Make ``copies`` (made by ``copy_in`` without ``sync``) and their folders durable, all at
    once: one ``syncfs`` per file system where Linux offers it (a thousand fsyncs cost about 25
    times more), else an fsync of each copy, then of each folder (a new folder's entry last)."""
    if not copies:
        return
    folders = {archive, *(path.parent for path in copies)}
    systems = {os.stat(folder).st_dev: folder for folder in folders}
    if all(syncfs(folder) for folder in systems.values()):
        return
    for path in copies:
        fsync_path(path)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        fsync_path(folder)


def same_file_state(a: os.stat_result, b: os.stat_result) -> bool:
    """The same file, unchanged between two ``stat`` calls (size and modification time)."""
    return (a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_ino, b.st_size, b.st_mtime_ns)


def remove_partial_copies(archive: Path) -> list[Path]:
    """Delete half-written copies left by a run killed while copying (call under the lock)."""
    removed = [p for p in (*archive.glob(".*.tmp"), *archive.glob("*/.*.tmp")) if p.is_file()]
    for path in removed:
        path.unlink()
    return removed


@dataclass(frozen=True)
class Finding:
    """One thing ``audit verify`` found.

    ``tampering`` findings fail the verification. The one other kind, 待登记, is an archive copy
    of a file still waiting in the inbox: a run was stopped after copying it and before
    recording it; the next monthly run records it.
    """

    kind: str  # 记录被改动 / 记录被删除 / 归档文件缺失 / 归档文件被改动 / 归档文件未登记 / 待登记
    detail: str
    tampering: bool = True

    @classmethod
    def of(cls, code: str, tampering: bool = True, **params: object) -> Finding:
        """The finding of catalogue entry ``code``: its title is the kind, its text the detail."""
        return cls(CATALOGUE[code].title, render_text(code, params), tampering)


def verify(store: Store, archive: Path, inbox: Path | None = None) -> list[Finding]:
    """Recompute the hash chain and every archived file's hash; list what does not hold.

    Detects a record edited (its hash no longer matches its content), removed from the middle
    (a gap in the sequence and a broken link) or from the end (the stored chain head differs),
    an archived file altered or removed, and a file added to the archive that no record names;
    and every change to the ledger made outside the pipeline (its seal, ``pipeline/seal.py``):
    a problem's record edited, added or deleted, the seal itself altered.
    """
    from pipeline.storage.chain import GENESIS, record_hash

    findings: list[Finding] = []
    prev = GENESIS
    expected_seq = 1
    referenced: set[str] = set()
    records = store.audit_chain()
    for r in records:
        if r.seq != expected_seq:
            if r.seq == expected_seq + 1:
                findings.append(Finding.of("audit-record-gap", seq=expected_seq, file=r.file_name))
            else:
                findings.append(Finding.of("audit-records-gap", first=expected_seq, last=r.seq - 1, file=r.file_name))
        elif r.prev_hash != prev:
            findings.append(Finding.of("audit-link-broken", seq=r.seq, file=r.file_name))
        expected_seq = r.seq + 1
        if record_hash(r.prev_hash, r.hashed_fields()) != r.hash:
            findings.append(Finding.of("audit-record-edited", seq=r.seq, file=r.file_name))
        prev = r.hash
        referenced.add(r.sha256)
        path = archive_path(archive, r.sha256)
        if not path.exists():
            findings.append(Finding.of("audit-copy-missing", seq=r.seq, file=r.file_name, sha=r.sha256[:12]))
        elif sha256_of(path) != r.sha256:
            findings.append(Finding.of("audit-copy-altered", file=r.file_name, sha=r.sha256[:12]))
    head = store.audit_head()
    if records and head is None:
        findings.append(Finding.of("audit-head-missing"))
    elif head is not None and head != prev:
        if records:
            findings.append(Finding.of("audit-tail-deleted", seq=records[-1].seq))
        else:
            findings.append(Finding.of("audit-all-deleted"))
    waiting = _inbox_hashes(inbox)
    if archive.exists():
        for path in sorted(p for p in archive.rglob("*") if p.is_file()):
            if path.name in referenced and path.parent.name == path.name[:2]:
                continue
            if path.name.startswith(".") and path.name.endswith(".tmp"):
                continue  # a copy cut short by a crash; the next run removes it
            name = path.relative_to(archive)
            if path.name in waiting:
                findings.append(
                    Finding.of(
                        "audit-copy-waiting",
                        tampering=False,
                        name=name,
                        file=waiting[path.name],
                    )
                )
            else:
                findings.append(Finding.of("audit-copy-unregistered", name=name))
    findings += [Finding.of(change.code, True, **change.params) for change in store.seal_changes()]
    unique: dict[tuple[str, str], Finding] = {(f.kind, f.detail): f for f in findings}
    return list(unique.values())


def _inbox_hashes(folder: Path | None) -> dict[str, str]:
    if folder is None:
        return {}
    from pipeline.inbox import scan

    return {sha256_of(w.path): w.name for w in scan(folder)[0]}


@contextlib.contextmanager
def workspace_lock(path: Path) -> Iterator[None]:
    """Hold the workspace lock; a second run refuses at once with a clear message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "未知"
            raise WorkspaceLocked(path=path.parent, pid=holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
