"""Atomic writes, their confinement to the workspace, and the workspace lock."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .errors import LockError, WorkflowError
from .records import mutable

LOCK_NAME = ".workflow.lock"
log = logging.getLogger(__name__)


def write_atomic(path: Path, data: bytes, *, last_check: Callable[[], None] | None = None) -> None:
    """Write a file so that readers see the old or the new content, never a part.

    The data goes to a temporary file in the same directory, is flushed to disk,
    and replaces the target with os.replace. Any failure is a WorkflowError naming
    `path` itself (never the temporary file) with a hint for its cause; no
    temporary file is left behind. `last_check` runs last before the replace, once the
    new content is on disk (the shortest window there is): an exception there leaves
    the old file as it was.
    """
    with atomic_writer(path, last_check) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_writer(path: Path, last_check: Callable[[], None] | None = None) -> Iterator[BinaryIO]:
    """`write_atomic` for content written piece by piece: the file appears whole when the block ends.

    An exception inside the block leaves the old file as it was; an OSError there is reported
    as a write error of `path` (the block should only write).
    """
    temporary: str | None = None
    try:
        target = file_behind(path)
        handle, temporary = temporary_beside(target)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _install(temporary, target, last_check)
    except OSError as exc:
        _discard(temporary)
        raise _write_error(path, exc) from None
    except BaseException:
        _discard(temporary)
        raise


class LeadsOut(OSError):
    """A write or removal refused: the file's folder is inside the workspace by name but, through a
    symbolic link on the way, outside it on disk.

    An OSError, so that each command reports it where it reports a folder it cannot write (the
    file named, with a hint, and the batch going on), as the README promises for failed writes.
    """

    def __init__(self, root: Path, link: Path, target: Path, file: bool = False) -> None:
        self.root, self.link, self.target, self.file = root, link, target, file  # file: the file is the link
        name = link.relative_to(root)
        kind = "a symbolic link leading" if link.is_symlink() else "a path leading"
        super().__init__(errno.EPERM, f"{name} is {kind} out of the workspace (to {target})")

    def hint(self) -> str:
        name = self.link.relative_to(self.root)
        if self.file:
            return (f"workflow writes only inside the workspace {self.root}: replace the link {name} with "
                    "the file itself (a link outside may point to it instead)")
        return (f"workflow writes only inside the workspace {self.root}: make {name} a folder, or a link to "
                "a folder inside the workspace")


class _Confinement:
    """The workspaces whose lock this process holds: a file inside one by name is written or removed
    only if its folder lies inside it on disk too (symbolic links followed)."""

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.roots: dict[Path, int] = {}  # root (resolved) -> how many holds of its lock
        # folder -> its refusal (None: inside), per run: a realpath costs ~30 µs, and extract and
        # publish write thousands of files into a few folders
        self.folders: dict[str, LeadsOut | None] = {}

    @contextlib.contextmanager
    def held(self, root: Path) -> Iterator[None]:
        root = root.resolve()
        with self.guard:
            self.roots[root] = self.roots.get(root, 0) + 1
        try:
            yield
        finally:
            with self.guard:
                self.roots[root] -= 1
                if not self.roots[root]:
                    del self.roots[root]
                self.folders.clear()  # the next run sees the folders as they are then

    def check(self, path: Path) -> None:
        if not self.roots:
            return
        folder = os.path.dirname(_absolute(path))
        try:
            refusal = self.folders[folder]
        except KeyError:
            refusal = self.folders[folder] = self._refusal(folder)
        if refusal is not None:
            # (a new one: each is raised alone)
            raise LeadsOut(refusal.root, refusal.link, refusal.target, refusal.file)

    def check_link(self, link: Path, target: Path) -> None:
        """Refuse a symbolic link inside a held workspace (by name) that leads out of it."""
        name = _absolute(link)
        for root in list(self.roots):
            if _named_in(root, name) and not target.is_relative_to(root):
                raise LeadsOut(root, Path(name), target, file=True)

    def _refusal(self, folder: str) -> LeadsOut | None:
        """Why `folder` may not be written in, or None."""
        for root in list(self.roots):
            if folder != str(root) and not _named_in(root, folder):
                continue  # not this workspace's by name (an export the user named: theirs to choose)
            if Path(os.path.realpath(folder)).is_relative_to(root):
                return None
            # the first step on the way that leads out: the link to name (found only on a refusal)
            step = root
            for part in Path(folder).relative_to(root).parts:
                step = step / part
                target = Path(os.path.realpath(step))
                if not target.is_relative_to(root):
                    return LeadsOut(root, step, target)
        return None


def _absolute(path: Path) -> str:
    """A path made absolute by name, not normalized: a `..` after a link goes where the link leads."""
    name = os.fspath(path)
    return name if os.path.isabs(name) else os.path.join(os.getcwd(), name)


def _named_in(root: Path, name: str) -> bool:
    """Whether an absolute path lies below `root` by name (links not followed)."""
    return name.startswith(str(root).rstrip(os.sep) + os.sep)


_CONFINEMENT = _Confinement()


def check_inside(path: Path) -> None:
    """Raise LeadsOut (an OSError) when `path` is inside a workspace whose lock this process holds but its
    folder, symbolic links followed, is not: a file there would be written or removed outside the workspace.

    Every atomic write goes through here (see `temporary_beside`); the few writes and removals that do not
    (SQLite caches, removals) call it themselves. The answer for a folder is kept while the lock is held.
    """
    _CONFINEMENT.check(path)


def file_behind(path: Path) -> Path:
    """The file that a write of `path` replaces: the one a symbolic link there leads to, else `path`.

    A translator may keep a catalog elsewhere and link it into `locales/`: the link is read
    through, so it is written through too (as polib and msgmerge do), and stays a link; the
    temporary file goes beside the file it replaces. A link leading out of a workspace whose
    lock this process holds raises LeadsOut (an OSError): the file fails alone, as one in a
    folder leading out does (check_inside). One lstat per write.
    """
    if not os.path.islink(path):
        return path
    target = Path(os.path.realpath(path))
    check_inside(path)  # the link's own folder first: its message names the folder's link
    _CONFINEMENT.check_link(path, target)
    return target


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new, empty temporary file beside `path` (the folders on the way made if missing): handle, name.

    Raises LeadsOut when that folder leads out of the workspace (check_inside).
    """
    check_inside(path)
    # a short name: a target name near the file system's limit must not fail for its temporary's sake
    prefix = f".{path.name[:40]}."
    try:
        return new_temporary(path.parent, prefix)
    except FileNotFoundError:  # the folder is missing: made only now (a mkdir and a stat less for each file)
        path.parent.mkdir(parents=True, exist_ok=True)
        return new_temporary(path.parent, prefix)


# how tempfile.mkstemp opens its file: created here or not at all, never through a link, not inherited
_NEW_FILE = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_BINARY", 0))


def new_temporary(folder: Path, prefix: str) -> tuple[int, str]:
    """A new, empty file in `folder` that only its owner may read and write, named `prefix`, twelve random
    letters and `.tmp`: handle, name. What `tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")` does,
    without importing tempfile, which imports shutil and with it the bz2 and lzma libraries (1.3 % of the
    instructions of a first extract of four pages; issue 10)."""
    for _ in range(100):  # a name taken already (a one in 2**48 chance for each file there): another one
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, _NEW_FILE, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", os.path.join(folder, prefix))


def _install(temporary: str, path: Path, last_check: Callable[[], None] | None = None) -> None:
    """Move a temporary file, already on disk, over `path`, with the mode of the file it replaces
    (0o644 for a new file, whatever the umask: catalogs and pages are meant to be shared);
    `last_check` (see write_atomic) runs just before."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    os.chmod(temporary, mode)
    if last_check is not None:
        last_check()
    os.replace(temporary, path)


def _discard(temporary: str | None) -> None:
    """Remove a temporary file, if any and if still there."""
    if temporary is not None:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _write_error(path: Path, error: OSError) -> WorkflowError:
    """A failed write of `path` (never named by its temporary) with a hint for its cause."""
    return WorkflowError(f"cannot write this file: {error.strerror or error}", path=path,
                         hint=_write_hint(path, error))


def removal_error(path: Path, error: OSError) -> WorkflowError:
    """A failed removal of `path`, with a hint for its cause."""
    hint = error.hint() if isinstance(error, LeadsOut) else "check the folder's permissions"
    return WorkflowError(f"cannot remove this file: {error.strerror or error}", path=path, hint=hint)


def _write_hint(path: Path, error: OSError) -> str:
    """What to do about a failed write, by its cause."""
    if isinstance(error, LeadsOut):
        return error.hint()
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk (or your quota) is full: free some space and run the command again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"{path.parent} cannot be written to (permissions, a read-only file system or an "
                "immutable folder): check it with `ls -ld` and `lsattr -d`")
    if error.errno == errno.ENAMETOOLONG:
        return "the name is too long for this file system: rename the source article"
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"a file stands where a folder on the way to {path.name} must be: move it away"
    if error.errno == errno.EISDIR:
        return "a folder stands where this file must be: move it away"
    return "check the disk space and the folder's permissions"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the content differs, so unchanged files keep their mtime."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass  # not there yet, or unreadable: writing it reports the real problem
    write_atomic(path, data)
    return True


MIB = 1024 * 1024


def _too_large(path: Path, what: str, size: int, limit: int, error: type[WorkflowError],
               hint: str) -> WorkflowError:
    return error(f"too large to be {what} ({size / MIB:.1f} MiB; the limit is {limit // MIB} MiB)", path=path,
                 hint=hint)


def _open_regular(
    path: Path, limit: int, what: str, error: type[WorkflowError], hint: str
) -> tuple[int, int]:
    """An open handle of a regular file of at most `limit` bytes, and its size; anything else refused
    before any reading.

    The file is opened without blocking (a named pipe is never waited on) and checked
    through its open handle, so it cannot be swapped between the check and the read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", path=path,
                    hint="check the file name and that you may read it") from None
    info = os.fstat(handle)
    problem: WorkflowError | None = None
    if not stat.S_ISREG(info.st_mode):
        mode = info.st_mode
        kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        problem = error(f"cannot read {what}: this is {kind}, not a file", path=path,
                        hint="name a regular file")
    elif info.st_size > limit:
        problem = _too_large(path, what, info.st_size, limit, error, hint)
    if problem is not None:
        os.close(handle)
        raise problem
    return handle, info.st_size


_LIMIT_HINT = "split it into smaller files, or check that it is the right file"


def check_regular(path: Path, limit: int, what: str, error: type[WorkflowError] = WorkflowError,
                  hint: str = _LIMIT_HINT) -> None:
    """Refuse (before reading) anything but a regular file of at most `limit` bytes (for a streamed file)."""
    os.close(_open_regular(path, limit, what, error, hint)[0])


def read_regular(path: Path, limit: int, what: str, error: type[WorkflowError] = WorkflowError,
                 hint: str = _LIMIT_HINT) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Anything else (a folder, a named pipe, a device such as /dev/zero, a larger file)
    is refused before a byte is read (see _open_regular).
    """
    handle, size = _open_regular(path, limit, what, error, hint)
    try:
        # a read of the size found (asking for `limit` bytes at once allocates them all, 10 MB for
        # each article), then of what the file grew by since, if it did, but never beyond the limit;
        # on the handle itself (a Python file object around it costs three system calls more)
        data = _read_up_to(handle, size + 1)
        if len(data) > size:
            data += _read_up_to(handle, limit + 1 - len(data))
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", path=path) from None
    finally:
        os.close(handle)
    if len(data) > limit:
        raise _too_large(path, what, len(data), limit, error, hint)
    return data


def _read_up_to(handle: int, count: int) -> bytes:
    """Up to `count` bytes from an open handle: fewer only at the end of the file."""
    parts: list[bytes] = []
    while count > 0:
        part = os.read(handle, count)
        if not part:
            break
        parts.append(part)
        count -= len(part)
    return b"".join(parts)  # (one part: that part itself, not a copy)


@mutable
class _Pending:
    """A file of a BatchWriter's batch: written to its temporary, not yet on disk nor in place."""

    label: str
    path: Path  # as the caller names it (in messages)
    handle: int
    temporary: str
    target: Path  # the file it replaces: `path`, or where a link there leads (file_behind)
    open: bool = True
    placed: bool = False  # renamed over its target


class BatchWriter:
    """Writes many files, each as `write_atomic` does, with their waits for the disk overlapping.

    Each file goes to a temporary beside its target at once. Every `batch` files, the
    temporaries are sent to disk together (an fsync each, on a few threads) while this
    thread goes on; when the next batch is sent, the one before is waited for and each of its
    files renamed over its target, in the order submitted. Every file keeps the all-or-nothing
    guarantee, and the disk's waits overlap each other and the caller's work. Only the
    fsyncs run on the threads: threads that each did a whole write fought the caller for
    the interpreter lock at each of its dozen system calls (about 70 futex calls a file).
    A crash leaves at most two batches of hidden temporaries. Use from one thread, as a
    context manager: leaving it writes what is queued. `failures` maps a caller's label
    to the first error of a write under it.
    """

    def __init__(self, threads: int = 8, batch: int = 8) -> None:
        self._threads, self._size = threads, batch
        self._pool: ThreadPoolExecutor | None = None
        self._queued: list[_Pending] = []  # written to their temporaries
        self._syncing: list[_Pending] = []  # on their way to disk, with their fsyncs' futures
        self._futures: list[Future[OSError | None]] = []
        self.failures: dict[str, WorkflowError] = {}
        self.failed = 0  # files not written (a label's first error is in `failures`)

    def submit(self, label: str, path: Path, data: bytes) -> None:
        """Write `data` to a temporary beside `path`, which replaces `path` once it is on disk."""
        try:
            target = file_behind(path)
            pending = _Pending(label, path, *temporary_beside(target), target)
        except OSError as exc:
            self._failed(label, path, exc)
            return
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(pending.handle, view):]
        except BaseException as exc:
            _forget(pending)
            if not isinstance(exc, OSError):
                raise
            self._failed(label, path, exc)
            return
        self._queued.append(pending)
        if len(self._queued) >= self._size:
            self._send()

    def _failed(self, label: str, path: Path, error: OSError) -> None:
        self.failed += 1
        self.failures.setdefault(label, _write_error(path, error))

    def _send(self) -> None:
        """Place the batch sent before, then send the queued files to disk."""
        self._place()
        self._syncing, self._queued = self._queued, []
        pool = self._pool = self._pool or ThreadPoolExecutor(self._threads, thread_name_prefix="fsync")
        for pending in self._syncing:
            self._futures.append(pool.submit(_sync, pending.handle))

    def _place(self) -> None:
        """Wait for the batch sent to disk, and rename each of its files over its target."""
        batch, futures = self._syncing, self._futures
        self._syncing, self._futures = [], []
        try:
            for pending, future in zip(batch, futures):
                error = future.result()
                try:
                    pending.open = False
                    os.close(pending.handle)
                    if error is not None:
                        raise error
                    _install(pending.temporary, pending.target)
                    pending.placed = True
                except OSError as exc:
                    self._failed(pending.label, pending.path, exc)
        except BaseException:  # interrupted: no thread may still use a handle once it is closed
            for future in futures:
                future.cancel()
            wait(futures)
            raise
        finally:
            for pending in batch:
                _forget(pending)  # what failed or was interrupted: its temporary removed

    def close(self) -> None:
        """Write what is queued; end the threads. What could not be written leaves no temporary."""
        try:
            self._send()
            self._place()
        finally:
            self._place_nothing()
            if self._pool is not None:
                self._pool.shutdown(wait=True)

    def _place_nothing(self) -> None:
        """After an interruption: remove the temporaries not yet placed."""
        for future in self._futures:
            future.cancel()
        wait(self._futures)
        for pending in (*self._syncing, *self._queued):
            _forget(pending)
        self._syncing, self._queued, self._futures = [], [], []

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _sync(handle: int) -> OSError | None:
    """fsync a handle: None, or the error (returned, to be reported with the file's name)."""
    try:
        os.fsync(handle)
    except OSError as exc:
        return exc
    return None


def _forget(pending: _Pending) -> None:
    """Close a pending file's temporary if still open, and remove it unless it was moved into place."""
    if pending.open:
        pending.open = False
        with contextlib.suppress(OSError):
            os.close(pending.handle)
    if not pending.placed:
        pending.placed = True  # forgotten once
        _discard(pending.temporary)


@contextlib.contextmanager
def workspace_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the workspace lock; wait up to `timeout` seconds for another command.

    On POSIX systems the lock is an advisory lock (flock) on an open handle of the
    workspace folder itself: no lock file exists that someone could delete while a
    command runs (deleting a lock file lets a second command lock a new one). On
    Windows, where an open file cannot be deleted, it is filelock's `.workflow.lock`.

    While the lock is held, the files written and removed inside the workspace are confined to it
    (check_inside): every command that writes holds the lock, so this is the one place to say so.
    """
    if sys.platform == "win32":
        with _file_lock(root, timeout), _CONFINEMENT.held(root):
            yield
        return
    import fcntl

    handle = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:

        def acquired() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        if not acquired():
            log.info("another workflow command is using this workspace: waiting up to %g s for it", timeout)
            deadline = time.monotonic() + timeout
            while not acquired():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _busy(root, timeout)
                time.sleep(min(0.05, left))
        with _CONFINEMENT.held(root):
            yield
    finally:
        os.close(handle)  # releases the lock


def _busy(root: Path, timeout: float) -> LockError:
    return LockError(f"another workflow command has been using this workspace for over {timeout:g} s",
                     path=root, hint="wait for it to finish, or raise the wait with --lock-timeout")


@contextlib.contextmanager
def _file_lock(root: Path, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout  # Windows only: not imported elsewhere (start-up time)

    lock = FileLock(str(root / LOCK_NAME), timeout=timeout)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("another workflow command is using this workspace: waiting up to %g s for it", timeout)
            lock.acquire()
    except Timeout:
        raise _busy(root, timeout) from None
    try:
        yield
    finally:
        lock.release()
