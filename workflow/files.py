"""Atomic writes and the workspace lock."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, Iterator

from filelock import FileLock, Timeout

from .errors import LockError, WorkflowError

LOCK_NAME = ".workflow.lock"
log = logging.getLogger(__name__)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a part.

    The data goes to a temporary file in the same directory, is flushed to disk,
    and replaces the target with os.replace.
    """
    with atomic_writer(path) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """`write_atomic` for content written piece by piece: the file appears whole when the block ends.

    An exception inside the block leaves the old file as it was; an OSError there is reported
    as a write error of `path` (the block should only write).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise WorkflowError(f"cannot write file: {exc.strerror}", path=path,
                            hint="check the disk space and permissions") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the content differs, so unchanged files keep their mtime."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True


class BatchWriter:
    """Writes many files with `write_atomic` on a few threads.

    Each atomic write waits for the disk (fsync); threads let those waits overlap,
    which makes a batch of thousands of small catalogs several times faster while
    every file keeps the same all-or-nothing guarantee. Use as a context manager:
    leaving it waits for every write. `failures` maps a caller's label to the first
    error of a write submitted under it.
    """

    def __init__(self, threads: int = 8, backlog: int = 64) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="write")
        self._pending: deque[tuple[str, Future[None]]] = deque()
        self._backlog = backlog
        self.failures: dict[str, WorkflowError] = {}

    def submit(self, label: str, path: Path, data: bytes) -> None:
        """Queue a write; blocks while `backlog` writes are already waiting (bounded memory)."""
        while len(self._pending) >= self._backlog:
            self._settle(*self._pending.popleft())
        self._pending.append((label, self._pool.submit(write_atomic, path, data)))

    def _settle(self, label: str, future: Future[None]) -> None:
        try:
            future.result()
        except WorkflowError as exc:
            self.failures.setdefault(label, exc)

    def close(self) -> None:
        """Wait for every queued write."""
        while self._pending:
            self._settle(*self._pending.popleft())
        self._pool.shutdown(wait=True)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextlib.contextmanager
def workspace_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the workspace lock; wait up to `timeout` seconds for another command."""
    lock = FileLock(str(root / LOCK_NAME), timeout=timeout)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("another workflow command is using this workspace: waiting up to %g s for it", timeout)
            lock.acquire()
    except Timeout:
        raise LockError(
            f"another workflow command has been using this workspace for over {timeout:g} s",
            path=root / LOCK_NAME,
            hint="wait for it to finish, or raise the wait with --lock-timeout",
        ) from None
    try:
        yield
    finally:
        lock.release()
