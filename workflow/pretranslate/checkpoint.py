"""The catalogs of a pretranslate run, held in memory and written at time checkpoints.

Each catalog is read once, at the start; results go into the catalog in memory and
reach the disk at a checkpoint: when `seconds` have passed since the last one (on
an injected clock), and at the end of the run, Ctrl-C and errors included. Each
write is atomic (files.write_atomic), so a crash (SIGKILL, power) loses at most the
work done since the last checkpoint, and every file is whole. Writing a huge
catalog takes long (polib writes 100,000 units in several seconds), so the pause
between checkpoints is also at least WRITE_SHARE times the last checkpoint's
length: writing never takes more than about 1/(WRITE_SHARE+1) of a run, and a run
stays linear in its catalog's size. A catalog that was
changed on disk during the run (a translator saved it in a PO editor) is read again
and the work since the last checkpoint filled in again, under the same rules: the
translator's edit stays.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import WorkflowError
from ..files import write_atomic
from ..model import Failure
from ..store import ReadCatalog, TargetUpdate, catalog_bytes, fill_read, read_catalog

Clock = Callable[[], float]
WRITE_SHARE = 4  # the pause between checkpoints is at least this many times the last one's length
Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): an atomic replace changes the inode


def stamp(path: Path) -> Stamp | None:
    """What tells a file's versions apart, without reading it (None: no file)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


@dataclass
class _Held:
    path: Path
    read: ReadCatalog  # its entries, and the file's own text of each (unchanged ones are copied)
    stamp: Stamp | None  # the file as read or last written by this run
    pending: dict[str, TargetUpdate] = field(default_factory=dict)  # filled since the last checkpoint
    entries: dict[str, polib.POEntry] = field(default_factory=dict)  # key -> live entry

    def __post_init__(self) -> None:
        self.index()

    def index(self) -> None:
        """Find entries by key: a batch costs what it fills, not the size of the catalog."""
        self.entries = {entry.msgctxt or "": entry for entry in self.read.catalog if not entry.obsolete}

    def fill(self, updates: Mapping[str, TargetUpdate], replace_machine: bool) -> list[str]:
        found = [self.entries[key] for key in updates if key in self.entries]
        return fill_read(self.read, updates, replace_machine=replace_machine, entries=found)


@dataclass
class Checkpoints:
    """The catalogs being filled; `tick` after each piece of work, `flush` at the end."""

    seconds: float
    clock: Clock
    replace_machine: bool = False
    held: dict[Path, _Held] = field(default_factory=dict)
    written: set[Path] = field(default_factory=set)  # catalogs written at least once
    writes: int = 0  # file writes, all checkpoints together
    last: float | None = None  # when the last checkpoint ended (the run's start before the first)
    spent: float = 0.0  # how long the last checkpoint took

    def open(self, path: Path, data: bytes, seen: Stamp | None) -> polib.POFile:
        """Parse a catalog from the bytes read at `seen` and hold it for this run."""
        read = read_catalog(path, keys=True, data=data)
        self.held[path] = _Held(path, read, seen)
        if self.last is None:
            self.last = self.clock()
        return read.catalog

    def release(self, path: Path) -> None:
        """Forget a catalog that this run will not change."""
        del self.held[path]

    def fill(self, path: Path, updates: Mapping[str, TargetUpdate]) -> None:
        """Put targets into a held catalog (not yet on disk)."""
        held = self.held[path]
        for key in held.fill(updates, self.replace_machine):
            held.pending[key] = updates[key]

    def tick(self) -> list[Failure]:
        """Write the catalogs if a checkpoint is due (see above); the failures of the writes."""
        pause = max(self.seconds, WRITE_SHARE * self.spent)
        if self.last is not None and self.clock() - self.last < pause:
            return []
        return self.flush()

    def flush(self) -> list[Failure]:
        """Write every catalog with work not yet on disk, now."""
        failures: list[Failure] = []
        started = self.clock()
        for held in self.held.values():
            if not held.pending:
                continue
            try:
                self._write(held)
            except WorkflowError as exc:
                failures.append(Failure.of(exc))
        self.last = self.clock()
        self.spent = self.last - started
        return failures

    def _write(self, held: _Held) -> None:
        if stamp(held.path) != held.stamp:  # saved by someone else since: their version, our work again
            held.read = read_catalog(held.path, keys=True)
            held.index()
            held.fill(held.pending, self.replace_machine)
        data = catalog_bytes(held.read)
        if data is not None:  # (None: the file holds it already)
            write_atomic(held.path, data)
        held.stamp = stamp(held.path)
        held.pending.clear()
        self.written.add(held.path)
        self.writes += 1
