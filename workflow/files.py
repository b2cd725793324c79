"""Atomic writes and the workspace lock."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from .errors import LockError, WorkflowError

LOCK_NAME = ".workflow.lock"


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a part.

    The data goes to a temporary file in the same directory, is flushed to disk,
    and replaces the target with os.replace.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
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


@contextlib.contextmanager
def workspace_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the workspace lock; wait up to `timeout` seconds for another command."""
    lock = FileLock(str(root / LOCK_NAME), timeout=timeout)
    try:
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
