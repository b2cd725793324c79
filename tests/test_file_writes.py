"""How every file is written and read (workflow/files.py): whole or not at all, in place, with the
permissions a reader expects, and only regular files of bounded size read; one command at a time.

Written against the mutants that the rest of the suite let live (docs/mutation.md).
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

import workflow.files
from workflow.errors import LockError, SourceError, WorkflowError
from workflow.files import (
    BatchWriter,
    atomic_writer,
    check_regular,
    read_regular,
    workspace_lock,
    write_atomic,
    write_if_changed,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_missing_folders_are_made(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.po"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"


def test_a_new_file_is_readable_by_all_and_a_rewritten_one_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "new.html"
    old_umask = os.umask(0o077)  # a private umask must not make published pages unreadable to the web server
    try:
        write_atomic(target, b"one")
    finally:
        os.umask(old_umask)
    assert mode(target) == 0o644
    target.chmod(0o640)
    write_atomic(target, b"two")
    assert mode(target) == 0o640 and target.read_bytes() == b"two"


def test_the_file_appears_whole_from_a_temporary_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"old")
    with atomic_writer(target) as stream:
        stream.write(b"new")
        # the temporary is in the target's own folder (os.replace within one file system) ...
        temporaries = [p.name for p in tmp_path.iterdir() if p.name != "page.html"]
        assert len(temporaries) == 1 and temporaries[0].startswith(".page.html.")
        assert temporaries[0].endswith(".tmp")
        assert target.read_bytes() == b"old"  # ... and the target is untouched until the block ends
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_a_long_name_gives_a_short_temporary(tmp_path: Path) -> None:
    # the temporary's name must fit wherever the target's does: its first 40 characters, then random ones
    name = "n" * 40 + "Z" * 200 + ".po"
    with atomic_writer(tmp_path / name) as stream:
        stream.write(b"x")
        (temporary,) = [p.name for p in tmp_path.iterdir()]
        assert temporary.startswith("." + "n" * 40 + ".") and temporary.endswith(".tmp")
        assert "Z" not in temporary
    assert (tmp_path / name).read_bytes() == b"x"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as stream:
        stream.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


@pytest.mark.parametrize(("code", "hint"), [
    (errno.ENOSPC, "the disk (or your quota) is full"),
    (errno.EDQUOT, "the disk (or your quota) is full"),
    (errno.EACCES, "cannot be written to"),
    (errno.EROFS, "cannot be written to"),
    (errno.ENAMETOOLONG, "the name is too long"),
    (errno.ENOTDIR, "a file stands where a folder"),
    (errno.EISDIR, "a folder stands where this file must be"),
    (errno.EIO, "check the disk space"),
])
def test_an_os_error_names_the_file_and_says_what_to_do(tmp_path: Path, code: int, hint: str) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"old")
    with pytest.raises(WorkflowError) as caught, atomic_writer(target):
        raise OSError(code, os.strerror(code))
    assert caught.value.path == target and caught.value.hint is not None and hint in caught.value.hint
    assert os.strerror(code) in str(caught.value)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_an_error_without_errno_is_reported_with_its_text(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="cannot write this file: the disk went away"), \
            atomic_writer(tmp_path / "page.html"):
        raise OSError("the disk went away")


@pytest.mark.parametrize("error", [OSError(errno.EIO, "I/O error"), RuntimeError("interrupted")])
def test_a_temporary_already_gone_does_not_hide_the_error(tmp_path: Path, error: Exception) -> None:
    expected = WorkflowError if isinstance(error, OSError) else RuntimeError
    with pytest.raises(expected), atomic_writer(tmp_path / "page.html"):
        for leftover in tmp_path.iterdir():
            leftover.unlink()  # someone removed the temporary meanwhile
        raise error
    assert list(tmp_path.iterdir()) == []


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


def test_a_batch_writes_every_file_whole_in_order_and_only_fsyncs_on_threads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's threads run fsync and nothing else: threads that ran whole writes fought the
    caller for the interpreter lock at each system call (issue 10: 185,000 futex calls for 2,000
    catalogs). At most two batches of temporaries exist at any time (what a crash can leave)."""
    caller = threading.current_thread()
    where: dict[str, set[bool]] = {}

    def watched(name: str) -> None:
        real = getattr(os, name)

        def call(*args: object, **kwargs: object) -> object:
            where.setdefault(name, set()).add(threading.current_thread() is caller)
            return real(*args, **kwargs)

        monkeypatch.setattr(os, name, call)

    for name in ("fsync", "write", "replace", "chmod", "close"):
        watched(name)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f3.po").write_bytes(b"old")
    (tmp_path / "a" / "f3.po").chmod(0o600)
    most = 0
    with BatchWriter(threads=4, batch=4) as writer:
        for number in range(19):
            folder = tmp_path / ("a" if number % 2 else "b" / Path("c"))  # b/c made on the way
            writer.submit(f"label{number}", folder / f"f{number}.po", f"file {number}\n".encode() * 5000)
            most = max(most, len(temporaries(tmp_path)))
        writer.submit("label3", tmp_path / "a" / "f3.po", b"last")  # a later write of a file wins
    assert writer.failures == {}
    assert where["fsync"] == {False} and where["write"] == where["replace"] == where["chmod"] == {True}
    assert 4 < most <= 8 and temporaries(tmp_path) == []
    for number in range(19):
        if number != 3:
            folder = tmp_path / ("a" if number % 2 else "b/c")
            assert (folder / f"f{number}.po").read_bytes() == f"file {number}\n".encode() * 5000
            assert mode(folder / f"f{number}.po") == 0o644
    assert (tmp_path / "a" / "f3.po").read_bytes() == b"last" and mode(tmp_path / "a" / "f3.po") == 0o600


def test_a_batch_write_that_fails_names_its_file_and_the_others_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    full = tmp_path / "full.po"
    full.write_bytes(b"old")

    def fsync(handle: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{handle}")).startswith(".full.po."):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    with BatchWriter(batch=3) as writer:
        for name in ("one", "full", "two", "three"):
            writer.submit(name, tmp_path / f"{name}.po", name.encode())
        (tmp_path / "blocked").write_bytes(b"a file where a folder must be")
        writer.submit("four", tmp_path / "blocked" / "four.po", b"four")
    assert sorted(writer.failures) == ["four", "full"]
    assert writer.failures["full"].path == full and "No space left on device" in str(writer.failures["full"])
    assert writer.failures["four"].path == tmp_path / "blocked" / "four.po"
    assert full.read_bytes() == b"old" and temporaries(tmp_path) == []
    written = [(tmp_path / f"{name}.po").read_bytes() for name in ("one", "two", "three")]
    assert written == [b"one", b"two", b"three"]


def test_an_interrupted_batch_leaves_old_or_new_files_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    synced: list[int] = []

    def fsync(handle: int) -> None:
        if len(synced) == 5:
            raise KeyboardInterrupt  # Ctrl-C while the disk is waited for
        synced.append(handle)
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    for number in range(12):
        (tmp_path / f"f{number}.po").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), BatchWriter(threads=1, batch=3) as writer:
        for number in range(12):
            writer.submit("x", tmp_path / f"f{number}.po", b"new")
    contents = [(tmp_path / f"f{number}.po").read_bytes() for number in range(12)]
    placed = contents.count(b"new")  # in the order submitted, each whole, up to the interrupted fsync
    assert 3 <= placed < 6 and contents == [b"new"] * placed + [b"old"] * (12 - placed)
    assert temporaries(tmp_path) == []


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    assert write_if_changed(target, b"one") is True
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(target, b"one") is False
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(target, b"two") is True
    assert target.read_bytes() == b"two"


def test_reading_refuses_anything_but_a_bounded_regular_file(tmp_path: Path) -> None:
    small = tmp_path / "small.po"
    small.write_bytes(b"12345")
    assert read_regular(small, 5, "a catalog") == b"12345"
    check_regular(small, 5, "a catalog")
    with pytest.raises(SourceError) as caught:
        read_regular(small, 4, "a catalog", SourceError, hint="split it")
    assert caught.value.path == small and "too large to be a catalog" in str(caught.value)
    assert caught.value.hint == "split it"
    with pytest.raises(WorkflowError, match="this is a folder, not a file"):
        read_regular(tmp_path, 10, "a catalog")
    with pytest.raises(WorkflowError, match="too large"):
        check_regular(small, 4, "a catalog")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(WorkflowError, match="this is a named pipe"):  # refused, never waited on
        read_regular(pipe, 10, "a catalog")
    with pytest.raises(WorkflowError, match="cannot read") as missing:
        read_regular(tmp_path / "missing.po", 10, "a catalog")
    assert missing.value.path == tmp_path / "missing.po"


def test_one_command_at_a_time(tmp_path: Path) -> None:
    with workspace_lock(tmp_path, 1):
        with pytest.raises(LockError) as caught, workspace_lock(tmp_path, 0.1):
            pass
        assert caught.value.path == tmp_path and "0.1 s" in str(caught.value)
    with workspace_lock(tmp_path, 0):  # released when the block ended
        pass


# the first lets go 0.2 s into the second's wait, which a timeout of 30 s and one of 1 s both outlast
@pytest.mark.parametrize("timeout", [30, 1])
def test_a_second_command_waits_for_the_first(tmp_path: Path, timeout: float) -> None:
    taken, release = threading.Event(), threading.Event()

    def first() -> None:
        with workspace_lock(tmp_path, 1):
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    taken.wait(10)
    threading.Timer(0.2, release.set).start()
    with workspace_lock(tmp_path, timeout):
        pass
    thread.join()


def _open_handles() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize(("name", "kind"), [("folder", "a folder"), ("pipe", "a named pipe"),
                                            ("/dev/null", "a device")])
def test_what_is_not_a_file_is_named_with_the_path_and_a_hint_and_left_closed(
        tmp_path: Path, name: str, kind: str) -> None:
    path = tmp_path / name  # an absolute name stays itself
    if name == "folder":
        path.mkdir()
    elif name == "pipe":
        os.mkfifo(path)
    before = _open_handles()
    for read in (read_regular, check_regular):
        with pytest.raises(SourceError) as caught:
            read(path, 10, "a source", SourceError)
        assert caught.value.message == f"cannot read a source: this is {kind}, not a file"
        assert (caught.value.path, caught.value.hint) == (path, "name a regular file")
    assert _open_handles() == before  # the handle opened to look at it is closed again


def test_a_read_that_fails_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(b"12345")

    def failing(handle: int, size: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "read", failing)
    with pytest.raises(SourceError) as caught:
        read_regular(path, 10, "a source", SourceError)
    assert (caught.value.message, caught.value.path) == ("cannot read: Input/output error", path)


@pytest.mark.parametrize(("grown", "limit"), [(b"678", 10), (b"678901", 10)])
def test_a_file_that_grows_after_the_check_is_read_whole_up_to_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grown: bytes, limit: int) -> None:
    """The read asks for the size the check found, then for what the file grew by since, never beyond
    the limit: a grown file is read whole, or refused once it is over the limit."""
    path = tmp_path / "story.txt"
    path.write_bytes(b"12345")
    checked = workflow.files._open_regular

    def grows(*args: object) -> tuple[int, int]:
        opened = checked(*args)  # type: ignore[arg-type]
        with path.open("ab") as stream:
            stream.write(grown)
        return opened

    monkeypatch.setattr(workflow.files, "_open_regular", grows)
    whole = b"12345" + grown
    if len(whole) <= limit:
        assert read_regular(path, limit, "a source", SourceError) == whole
    else:
        with pytest.raises(SourceError, match="too large"):
            read_regular(path, limit, "a source", SourceError)


@pytest.mark.parametrize("start", [5, 64], ids=["under-the-limit", "exactly-at-the-limit"])
def test_a_file_that_grows_without_end_is_never_read_past_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: int) -> None:
    """However much a file grows after the check (a log still written, a mistaken path), at most one
    byte more than the limit is read from it before it is refused: memory stays bounded."""
    limit = 64
    path = tmp_path / "story.txt"
    path.write_bytes(b"x" * start)
    checked = workflow.files._open_regular
    os_read = os.read
    read: list[int] = []

    def grows(*args: object) -> tuple[int, int]:
        opened = checked(*args)  # type: ignore[arg-type]
        with path.open("ab") as stream:
            stream.write(b"y" * 100_000)
        return opened

    def counting(handle: int, size: int) -> bytes:
        data = os_read(handle, size)
        read.append(len(data))
        return data

    monkeypatch.setattr(workflow.files, "_open_regular", grows)
    monkeypatch.setattr(os, "read", counting)
    with pytest.raises(SourceError, match="too large"):
        read_regular(path, limit, "a source", SourceError)
    assert sum(read) == limit + 1


def test_a_temporary_file_is_new_private_and_never_one_that_is_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """new_temporary does what tempfile.mkstemp does: a new file (O_EXCL), 0o600, a random name; a name
    that is taken (a file, or a link leading elsewhere) is passed over, never opened."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not to be touched", encoding="utf-8")
    (tmp_path / ".a.po.000000000000.tmp").write_text("taken", encoding="utf-8")
    (tmp_path / ".a.po.010101010101.tmp").symlink_to(outside)
    draws = iter([b"\0" * 6, b"\1" * 6, b"\2" * 6])
    monkeypatch.setattr(workflow.files.os, "urandom", lambda size: next(draws))
    handle, name = workflow.files.new_temporary(tmp_path, ".a.po.")
    os.close(handle)
    assert Path(name) == tmp_path / ".a.po.020202020202.tmp"
    assert Path(name).read_bytes() == b"" and stat.S_IMODE(os.stat(name).st_mode) == 0o600
    assert outside.read_text(encoding="utf-8") == "not to be touched"
    assert (tmp_path / ".a.po.000000000000.tmp").read_text(encoding="utf-8") == "taken"
    monkeypatch.undo()
    names = {workflow.files.new_temporary(tmp_path, "x.")[1] for _ in range(50)}
    assert len(names) == 50 and all(Path(n).name.startswith("x.") and n.endswith(".tmp") for n in names)
