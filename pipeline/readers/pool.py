"""Read received files in worker processes: in parallel, and each file within a memory and time cap.

A received file's task also archives it (``archive.copy_in``): the worker copies it under its
hash and reads the very bytes it copied, so each file is read from disk once and the run's own
process only waits; the run makes all the copies durable at once before recording anything.

The byte-level checks of ``ingest`` (size, real unpacked size, entries) stop the known attacks
cheaply, but a small file can still ask for a huge allocation: a sheet with cells at ``A1`` and
``XFD1048576`` makes python-calamine allocate a 17-billion-cell grid, and its Rust allocator
aborts the whole process when that fails. So every file is parsed in a worker whose address
space is capped (``RLIMIT_AS``: what it held after start-up plus ``MEMORY_MB``) and whose wall
time per file is capped by ``SIGALRM`` (its default action ends the process, whatever code is
running). A worker that dies takes only its file with it: the file is refused as
``file-too-complex`` or ``file-timeout``, the worker is replaced and the batch goes on.

A batch of fewer than ``FORK_BELOW`` files (a township's month) is read by workers forked from
this process, when it runs no other thread (then a fork copies a consistent process): a worker
starts in milliseconds with every module already loaded, and no other process is started. A larger
batch (a county's), or one read while another thread runs, is read by workers of the
``forkserver`` start method (forking a threaded process is unsafe): the server is started once
(``warm``, as the run starts) and preloads ``pipeline.ingest``, so each worker starts in
milliseconds too. Off Linux, workers are spawned. There are ``os.cpu_count()`` workers
(``ZFZZ_WORKERS`` overrides; ``0`` reads in this process, without the caps). Results come back in
the order of the files. While they read, this process may do other work (``read_all``'s
``meanwhile``: the run warms its validator up).

Each worker has its own pipes (not ``concurrent.futures``: its queues and threads cost this
process a tenth of a second of CPU at county scale, taken from the workers), and is sent the next
batch before it finishes one, so it never waits. When a worker dies, only the batch it was
reading is suspect: its files are read again one per batch, and one whose reader dies again is
read alone in a fresh process, so the culprit is known for sure and an innocent file beside it
is not refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import multiprocessing
import os
import pickle
import resource
import select
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing import connection
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any

from pipeline import ingest
from pipeline.errors import FileRefused
from pipeline.storage import archive
from pipeline.vocab import Vocabulary

WORKERS_ENV = "ZFZZ_WORKERS"
MEMORY_MB = 1024  # address space a worker may add to what it holds after start-up
TIMEOUT_S = 60  # wall-clock seconds to archive and read one file (within the size limit)
BATCH_MAX = 16  # files per task sent to a worker
FORK_BELOW = 32  # files: a smaller batch is read by workers forked from this process (no server)

Progress = Callable[[int, int], None]  # (index of the file just read, how many are read)
Context = ForkContext | ForkServerContext | SpawnContext


@dataclass(frozen=True)
class Limits:
    """What one worker may use: address space beyond its start-up size, wall time per file."""

    memory_mb: int = MEMORY_MB
    timeout_s: int = TIMEOUT_S


@dataclass(frozen=True)
class Task:
    """A file to read. With ``archive`` it is a received file: the reader first copies it into
    that archive (``archive.copy_in``, not synced: the run makes the copies durable together) and
    reads the bytes it copied, so a file is read from disk once."""

    path: Path
    file_name: str
    archive: Path | None = None


NOT_ARCHIVED = "not-archived"  # Outcome.code: the file changed or vanished while it was copied


@dataclass(frozen=True)
class Outcome:
    """One file read: its table, or the refusal's catalogue code and parameters; for a task with
    an archive, the copy made (``archived``), unless the file could not be copied (``NOT_ARCHIVED``),
    is larger than a list may be (``file-too-large``: not copied under a reader's time cap) or
    the reader died. Then the caller copies it (``copy_in`` again is a no-op when it is there)."""

    raw: ingest.RawTable | None = None
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    peak_kb: int = 0  # the reading process's peak resident memory (0 when read in this process)
    archived: archive.Archived | None = None

    @property
    def refused(self) -> bool:
        return self.raw is None


def worker_count(files: int) -> int:
    """Workers for ``files`` files: ``ZFZZ_WORKERS`` if set, else one per CPU; never more than files."""
    env = os.environ.get(WORKERS_ENV, "").strip()
    wanted = int(env) if env.isdigit() else (os.cpu_count() or 1)
    return min(wanted, files)


def forks(files: int) -> bool:
    """Whether ``files`` files are read by workers forked from this process: fewer than
    ``FORK_BELOW``, on Linux, and no other thread running here."""
    return sys.platform == "linux" and files < FORK_BELOW and threading.active_count() == 1


def uses_server(files: int) -> bool:
    """Whether reading ``files`` files needs the workers' server (``warm`` starts it early)."""
    return sys.platform == "linux" and worker_count(files) > 0 and not forks(files)


def read_all(
    tasks: Sequence[Task],
    vocab: Vocabulary,
    workers: int | None = None,
    progress: Progress | None = None,
    limits: Limits = Limits(),
    meanwhile: Callable[[], object] | None = None,
) -> list[Outcome]:
    """Read every file; the outcomes in the order of ``tasks``. ``meanwhile`` is called once in
    this process while the workers read (after the reading when it is done here)."""
    n = worker_count(len(tasks)) if workers is None else min(workers, len(tasks))
    if n <= 0:
        outcomes = []
        for i, task in enumerate(tasks):
            outcomes.append(read_one(task, vocab))
            if progress:
                progress(i, i + 1)
        if meanwhile is not None:
            meanwhile()
        return outcomes
    return _Pool(tasks, vocab, n, progress, limits, meanwhile).run()


def warm(files: int) -> None:
    """Start the workers' server now (it imports the reader in its own process), so that the
    first read does not wait for it; nothing when ``files`` are read without it."""
    if not uses_server(files):
        return
    from multiprocessing import forkserver

    _context(files)
    forkserver.ensure_running()


def read_one(task: Task, vocab: Vocabulary, limits: Limits = Limits()) -> Outcome:
    """Read one file here (archiving it first when the task says so); any expected failure
    becomes a refusal (the worker's task too)."""
    copied: archive.Archived | None = None
    try:
        if task.archive is None:
            return Outcome(ingest.read_file(task.path, vocab, task.file_name))
        try:
            # a larger file is refused before it is copied: the run copies it, without a time cap
            ingest.check_size(os.stat(task.path).st_size)
            got = archive.copy_in(task.path, task.archive, keep=ingest.MAX_FILE_BYTES, sync=False)
        except OSError as exc:  # the errno tells a file being written from a full disk or a locked file
            return Outcome(code=NOT_ARCHIVED, params={"errno": exc.errno or 0})
        copied = dataclasses.replace(got, data=None)  # the bytes stay here
        ingest.check_size(got.size)  # a larger file is refused, archived all the same
        assert got.data is not None  # kept: within the size limit
        return Outcome(ingest.read_bytes(got.data, vocab, task.file_name), archived=copied)
    except FileRefused as exc:
        return Outcome(code=exc.code, params=exc.params, archived=copied)
    except MemoryError:
        return Outcome(code="file-too-complex", params={"limit": f"{limits.memory_mb} MB"}, archived=copied)
    except BaseException as exc:
        if not ingest.is_panic(exc):
            raise
        # a panic in the reader's Rust code that ingest did not meet first: the bytes are not a
        # workbook it can read, so the file is corrupt (never a worker's death, never a traceback)
        return Outcome(code="file-corrupt", params={"detail": "文件内部结构异常"}, archived=copied)


def read_isolated(task: Task, vocab: Vocabulary, limits: Limits = Limits()) -> Outcome:
    """Read one file alone in a fresh capped process; its death is this file's doing."""
    ctx = _context(1)
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_isolated_main, args=(sender, task, vocab, limits, os.getpid()), daemon=True)
    proc.start()
    sender.close()
    try:
        outcome: Outcome | Exception | None = receiver.recv()
    except EOFError:
        outcome = None
    finally:
        receiver.close()
        proc.join()
    if isinstance(outcome, Exception):
        raise outcome  # a bug in reading, not the file's doing: as loud as in this process
    if outcome is not None:
        return outcome
    if proc.exitcode == -signal.SIGALRM:
        return Outcome(code="file-timeout", params={"seconds": limits.timeout_s})
    return Outcome(code="file-too-complex", params={"limit": f"{limits.memory_mb} MB"})


class _Worker:
    """One reading process. It is given every task when it starts; then only the numbers of the
    tasks of each batch go down its task pipe (a few bytes: the pipe never fills, so sending never
    waits on a worker busy sending its answer), and the outcomes come up its results pipe."""

    def __init__(
        self,
        ctx: Context,
        tasks: Sequence[Task],
        vocab: Vocabulary,
        limits: Limits,
        others: Sequence[Connection] = (),
    ) -> None:
        task_end, self.tasks = ctx.Pipe(duplex=False)
        self.results, result_end = ctx.Pipe(duplex=False)
        # A forked worker starts with copies of this process's ends of its pipes and of the other
        # workers' (``others``): it closes them first, or a worker would never see its task pipe
        # end (its own copy, or a sibling's, of the writing end would keep it open).
        held = [self.tasks, self.results, *others] if isinstance(ctx, ForkContext) else []
        args = (task_end, result_end, list(tasks), vocab, limits, os.getpid(), held)
        self.proc = ctx.Process(target=_worker_main, args=args)
        self.proc.daemon = True
        self.proc.start()
        task_end.close()  # the worker's ends: when it dies, its results pipe ends here
        result_end.close()
        self.batches: deque[list[int]] = deque()  # sent and not answered yet; it reads the first
        self.answered = False  # it has answered a batch: it started

    def send(self, batch: list[int]) -> bool:
        try:
            self.tasks.send(batch)
        except OSError:  # it has died: its results pipe says so
            return False
        self.batches.append(batch)
        return True

    def answers(self) -> Iterator[tuple[list[int], list[Outcome]]]:
        """The batches answered so far; then, if it died, ``_Died`` with the batches it held."""
        while self.batches:
            try:
                if not self.results.poll():
                    break
                answer: list[Outcome] | BaseException = self.results.recv()
            except (EOFError, OSError):
                raise _Died from None
            if isinstance(answer, BaseException):
                raise answer  # a bug in reading, not the file's doing: as loud as in this process
            self.answered = True
            yield self.batches.popleft(), answer
        if self.batches and not self.proc.is_alive():
            raise _Died

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        with contextlib.suppress(OSError):
            self.tasks.close()  # the end of its work: it returns from waiting for the next batch
        self.results.close()
        self.proc.join(timeout=None if kill else 5)
        if self.proc.exitcode is None:
            self.proc.kill()
            self.proc.join()


class _Died(Exception):
    """A reading process ended with batches unanswered."""


class _Pool:
    """``workers`` reading processes, each sent ``DEPTH`` batches ahead so that it never waits for
    this process. A worker that dies is replaced; the files of the batch it was reading are read
    again one per batch, and a file whose reader dies when alone is read once more, isolated."""

    DEPTH = 2

    def __init__(
        self,
        tasks: Sequence[Task],
        vocab: Vocabulary,
        workers: int,
        progress: Progress | None,
        limits: Limits,
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        self.tasks, self.vocab, self.workers, self.progress, self.limits = tasks, vocab, workers, progress, limits
        self.meanwhile = meanwhile
        self.outcomes: list[Outcome | None] = [None] * len(tasks)
        self.done = 0

    def _finish(self, i: int, outcome: Outcome) -> None:
        self.outcomes[i] = outcome
        self.done += 1
        if self.progress:
            self.progress(i, self.done)

    def run(self) -> list[Outcome]:
        ctx = _context(len(self.tasks))
        size = _batch_size(len(self.tasks), self.workers)
        waiting = deque(list(range(i, min(i + size, len(self.tasks)))) for i in range(0, len(self.tasks), size))
        alone: list[int] = []
        pool: list[_Worker] = []
        unstarted = 0  # workers that died idle before answering anything
        try:
            while waiting or pool:
                while waiting and len(pool) < self.workers:
                    others = [end for w in pool for end in (w.tasks, w.results)]
                    pool.append(_Worker(ctx, self.tasks, self.vocab, self.limits, others))
                for worker in list(pool):
                    while waiting and len(worker.batches) < self.DEPTH:
                        if not worker.send(waiting[0]):
                            if not worker.batches:  # died idle: replaced (one with batches is found below)
                                pool.remove(worker)
                                worker.stop(kill=True)
                                unstarted += not worker.answered
                            break
                        waiting.popleft()
                if unstarted > 3 * self.workers:
                    raise RuntimeError("reading processes keep dying before they read any file")
                if self.meanwhile is not None:  # every worker has its first batches: they read
                    meanwhile, self.meanwhile = self.meanwhile, None
                    meanwhile()
                busy = [w for w in pool if w.batches]
                if not busy:
                    if waiting:
                        continue
                    break
                ready = set(connection.wait([w.results for w in busy] + [w.proc.sentinel for w in busy]))
                for worker in busy:
                    if worker.results in ready or worker.proc.sentinel in ready:
                        self._collect(worker, waiting, alone, pool)
        except BaseException:
            for worker in pool:
                worker.stop(kill=True)
            raise
        for worker in pool:
            worker.stop()
        for i in alone:  # the one whose reader dies again, alone in a fresh process, is the culprit
            self._finish(i, read_isolated(self.tasks[i], self.vocab, self.limits))
        assert all(o is not None for o in self.outcomes)
        return [o for o in self.outcomes if o is not None]

    def _collect(self, worker: _Worker, waiting: deque[list[int]], alone: list[int], pool: list[_Worker]) -> None:
        try:
            for batch, outcomes in worker.answers():
                for i, outcome in zip(batch, outcomes, strict=True):
                    self._finish(i, outcome)
        except _Died:
            pool.remove(worker)
            reading, *unread = worker.batches  # the batches after the first were never started
            worker.stop(kill=True)
            waiting.extendleft(reversed(unread))
            if len(reading) == 1:
                alone.extend(reading)
            else:
                waiting.extendleft([i] for i in reversed(reading))


def _batch_size(files: int, workers: int) -> int:
    """Files per task: enough to amortise the round trip, few enough to keep every worker busy."""
    return max(1, min(BATCH_MAX, files // (workers * 8)))


def _context(files: int) -> Context:
    """How the workers reading ``files`` files start (see the module's docstring)."""
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    if forks(files):
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.ingest", "pipeline.storage.archive"])
    return ctx


def _init_worker(limits: Limits, owner: int) -> None:
    """Caps for this worker: address space, no core dumps; it dies with the run (``owner``)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.environ["RUST_BACKTRACE"] = "0"  # an aborting parser says one line, not a page
    # ... and not on the clerk's screen: a reader's failures come back as its outcome (a refusal
    # or the exception of a bug, raised by the run), so its own stderr only ever holds a parser's
    # English panic or allocation message
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)
    faulthandler.disable()  # a forked worker inherits the run's (pytest's, say), writing elsewhere
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the time cap ends the process, whatever the run set
    if sys.platform == "linux":
        _die_with_parent()
        _die_with(owner)
        held = _vm_size()
        if held:
            cap = held + limits.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _die_with_parent() -> None:
    """SIGKILL this worker when its parent (the fork server, which ends with the run) goes."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent went before the call
        os._exit(1)


def _die_with(owner: int) -> None:
    """End this worker when the run that owns it ends, however it ends (``kill -9`` too).

    The fork server outlives a run killed while its workers read: each worker holds the server's
    "alive" pipe, so the server waits for them, and they (children of the server) wait for work
    that never comes. A thread here waits on the run's process (a pidfd) and ends the worker."""
    try:
        pidfd = os.pidfd_open(owner)
    except (OSError, AttributeError):  # the run is gone already, or no pidfd here (Linux < 5.3)
        if not _alive(owner):
            os._exit(1)
        return

    def watch() -> None:
        select.select([pidfd], [], [])  # readable once the process has ended
        os._exit(1)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _vm_size() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _batch(tasks: Sequence[Task], vocab: Vocabulary, limits: Limits) -> list[Outcome]:
    """Several files in one task (each within its own time cap): one round trip for all."""
    return [_task(task, vocab, limits) for task in tasks]


def _task(task: Task, vocab: Vocabulary, limits: Limits) -> Outcome:
    signal.alarm(limits.timeout_s)
    try:
        outcome = read_one(task, vocab, limits)
    finally:
        signal.alarm(0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return dataclasses.replace(outcome, peak_kb=peak)


def _worker_main(
    numbers: Connection,
    results: Connection,
    tasks: list[Task],
    vocab: Vocabulary,
    limits: Limits,
    owner: int,
    held: Sequence[Connection] = (),
) -> None:
    """A pool worker: read each batch sent until the pipe ends, answering each with its outcomes
    (or with the exception of a bug, its own start-up's too, for the run to raise). A forked one
    first closes the pipe ends it ``held`` as a copy of the run's process."""
    for end in held:
        end.close()
    failed: Exception | None = None
    try:
        _init_worker(limits, owner)
    except Exception as exc:
        failed = exc
    while True:
        try:
            batch: list[int] = numbers.recv()
        except (EOFError, OSError):
            return
        answer: list[Outcome] | Exception
        try:
            if failed is not None:
                raise failed
            answer = _batch([tasks[i] for i in batch], vocab, limits)
        except Exception as exc:
            answer = exc
        _answer(results, answer)


def _isolated_main(sender: Connection, task: Task, vocab: Vocabulary, limits: Limits, owner: int) -> None:
    try:
        _init_worker(limits, owner)
        result: Outcome | Exception = _task(task, vocab, limits)
    except Exception as exc:
        result = exc
    _answer(sender, result)
    sender.close()


def _answer(conn: Connection, answer: object) -> None:
    """Send ``answer``; one that cannot be pickled (an odd exception, say) is sent as a
    ``RuntimeError`` naming it, so that the run still stops loudly rather than take the reader's
    death for the file's doing."""
    try:
        conn.send(answer)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:  # nothing was written yet
        conn.send(RuntimeError(f"a reader's answer could not be sent ({exc}): {answer!r:.500}"))
