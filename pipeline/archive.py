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
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import WorkspaceLocked
from pipeline.store import GENESIS, Store, record_hash

CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_path(archive: Path, sha: str) -> Path:
    return archive / sha[:2] / sha


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def archive_file(src: Path, archive: Path) -> tuple[str, int]:
    """Copy ``src`` into the archive under its SHA-256, durably; returns (sha256, size)."""
    sha = sha256_of(src)
    dest = archive_path(archive, sha)
    if dest.exists() and sha256_of(dest) == sha:
        return sha, dest.stat().st_size
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{sha}.{os.getpid()}.tmp")
    with src.open("rb") as fin, tmp.open("wb") as fout:
        shutil.copyfileobj(fin, fout, CHUNK)
        fout.flush()
        os.fsync(fout.fileno())
    os.chmod(tmp, 0o444)
    os.replace(tmp, dest)
    fsync_dir(dest.parent)
    return sha, dest.stat().st_size


@dataclass(frozen=True)
class Finding:
    """One thing ``audit verify`` found wrong."""

    kind: str  # 记录被改动 / 记录被删除 / 归档文件缺失 / 归档文件被改动 / 归档文件未登记
    detail: str


def verify(store: Store, archive: Path) -> list[Finding]:
    """Recompute the hash chain and every archived file's hash; list what does not hold."""
    findings: list[Finding] = []
    prev = GENESIS
    expected_seq = 1
    referenced: set[str] = set()
    for r in store.audit_records():
        if r.seq != expected_seq:
            findings.append(Finding("记录被删除", f"审计记录第 {expected_seq} 至 {r.seq - 1} 条不见了"))
        expected_seq = r.seq + 1
        fields = [
            r.recorded_at,
            r.file_name,
            r.sha256,
            r.size,
            r.unit_code,
            r.month,
            r.received_at,
            r.outcome,
            r.messages,
        ]
        if r.prev_hash != prev:
            findings.append(Finding("记录被删除", f"第 {r.seq} 条记录之前的记录被删除或替换（“{r.file_name}”）"))
        if record_hash(r.prev_hash, fields) != r.hash:
            findings.append(Finding("记录被改动", f"第 {r.seq} 条记录（“{r.file_name}”）的内容与其校验值不符"))
        prev = r.hash
        referenced.add(r.sha256)
        path = archive_path(archive, r.sha256)
        if not path.exists():
            findings.append(
                Finding("归档文件缺失", f"第 {r.seq} 条记录的归档文件“{r.file_name}”（{r.sha256[:12]}…）不见了")
            )
        elif sha256_of(path) != r.sha256:
            findings.append(Finding("归档文件被改动", f"“{r.file_name}”的归档副本内容被改动（{r.sha256[:12]}…）"))
    head = store.conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    if head and head[0] != prev:
        findings.append(Finding("记录被删除", "审计记录末尾的记录被删除"))
    if archive.exists():
        for path in sorted(archive.glob("*/*")):
            if path.name.startswith(".") or path.name in referenced:
                continue
            findings.append(Finding("归档文件未登记", f"归档目录中多出未登记的文件 {path.relative_to(archive)}"))
    unique: dict[tuple[str, str], Finding] = {(f.kind, f.detail): f for f in findings}
    return list(unique.values())


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
