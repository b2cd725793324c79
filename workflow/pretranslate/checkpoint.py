"""The catalogs of a pretranslate run, filled and written at time checkpoints, in bounded memory.

Each catalog is read once, at the start; results wait in memory as small updates
and reach the disk at a checkpoint: when `seconds` have passed since the last one
(on an injected clock), and at the end of the run, Ctrl-C and errors included. Each
write is atomic (files.write_atomic), so a crash (SIGKILL, power) loses at most the
work done since the last checkpoint, and every file is whole. Writing a huge
catalog takes long (polib writes 100,000 units in several seconds), so the pause
between checkpoints is also at least WRITE_SHARE times the last checkpoint's
length: writing never takes more than about 1/(WRITE_SHARE+1) of a run, and a run
stays linear in its catalog's size. A catalog that was
changed on disk during the run (a translator saved it in a PO editor) is read again
and the work since the last checkpoint filled in again, under the same rules: the
translator's edit stays. Changes are told by the content (a digest of the bytes),
not by the file's stat, which an in-place save of the same size within one
timestamp tick leaves as it was; and the file is compared once more last before
the new one replaces it, after filling and composing (seconds, for a huge
catalog): a save made meanwhile is read and the work filled into it again. What
no check can see is a save in the instant between that last comparison and the
rename (a read of the file, then os.replace).

Memory does not grow with the workspace: the catalogs stay parsed from one checkpoint
to the next only up to PARSED_ENTRIES entries in all (a workspace that small is
parsed once, as it always was); past that, a catalog waits as the digest of its
bytes as read or last written and the updates for it, and is read and parsed again
to be written, one at a time (it is read at every write anyway, to be compared). A
catalog the run has `finish`ed (nothing more will go into it) is forgotten once its
work is on disk.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import CatalogError, WorkflowError
from ..files import write_atomic
from ..model import Failure
from ..store import ReadCatalog, TargetUpdate, catalog_bytes, fill_read, read_catalog, revised

Clock = Callable[[], float]
WRITE_SHARE = 4  # the pause between checkpoints is at least this many times the last one's length
PARSED_ENTRIES = 30_000  # catalogs stay parsed between checkpoints up to this many entries (~60 MB)
COMPRESSION = 1  # zlib's fastest level: a waiting catalog costs a fraction of its size, for little CPU
RETRIES = 5  # a catalog saved by someone else this many times in a row while being written: give up for now


def digest(data: bytes) -> bytes:
    """What tells a file's versions apart: a digest of its bytes (a stat misses same-size saves in a tick)."""
    return hashlib.blake2b(data, digest_size=16).digest()


class _SavedMeanwhile(Exception):
    """The catalog changed on disk while its new content was being made: read it again, fill again."""


@dataclass
class _Held:
    """One catalog of the run: what it held, and the updates waiting for the next checkpoint."""

    path: Path
    digest: bytes  # of the file as read or last written by this run: its bytes are read again to be written
    pending: list[Mapping[str, TargetUpdate]] = field(default_factory=list)  # since the last checkpoint
    finished: bool = False  # the run will put nothing more into it
    read: ReadCatalog | None = None  # parsed, kept while the run's parsed catalogs fit in PARSED_ENTRIES


@dataclass
class Checkpoints:
    """The catalogs being filled: `tick` after each piece of work, `finish` a catalog, `flush` at the end."""

    seconds: float
    clock: Clock
    replace_machine: bool = False
    held: dict[Path, _Held] = field(default_factory=dict)
    written: set[Path] = field(default_factory=set)  # catalogs written at least once
    writes: int = 0  # file writes, all checkpoints together
    last: float | None = None  # when the last checkpoint ended (the run's start before the first)
    spent: float = 0.0  # how long the last checkpoint took
    parsed: int = 0  # entries of the catalogs kept parsed

    def open(self, path: Path, data: bytes) -> polib.POFile:
        """Parse a catalog from the bytes read from its file (for its units) and hold it for this run."""
        room = self.parsed < PARSED_ENTRIES  # then kept parsed for its first write
        read = read_catalog(path, keys=True, layout=room, data=data)
        held = self.held[path] = _Held(path, digest(data))
        if room:
            self._keep(held, read)
        if self.last is None:
            self.last = self.clock()
        return read.catalog

    def finish(self, path: Path) -> None:
        """Nothing more will go into this catalog: forget it now, or once its work is written."""
        held = self.held[path]
        held.finished = True
        if not held.pending:
            self._forget(held)

    def _keep(self, held: _Held, read: ReadCatalog | None) -> None:
        """Keep this parsed catalog (None: keep only the bytes)."""
        if held.read is not None:
            self.parsed -= len(held.read.catalog)
        held.read = read
        if read is not None:
            self.parsed += len(read.catalog)

    def _forget(self, held: _Held) -> None:
        self._keep(held, None)
        del self.held[held.path]

    def fill(self, path: Path, updates: Mapping[str, TargetUpdate]) -> None:
        """Put targets into a held catalog at the next checkpoint."""
        if updates:
            self.held[path].pending.append(updates)

    def tick(self) -> list[Failure]:
        """Write the catalogs if a checkpoint is due (see above); the failures of the writes."""
        pause = max(self.seconds, WRITE_SHARE * self.spent)
        if self.last is not None and self.clock() - self.last < pause:
            return []
        return self.flush()

    def flush(self) -> list[Failure]:
        """Write every catalog with work not yet on disk, now; forget the finished ones."""
        failures: list[Failure] = []
        started = self.clock()
        for held in [held for held in self.held.values() if held.pending]:
            try:
                self._write(held)
            except WorkflowError as exc:
                failures.append(Failure.of(exc))
                self._keep(held, None)  # its work waits for the next checkpoint, to go into what is on disk
                continue
            if held.finished:
                self._forget(held)
        self.last = self.clock()
        self.spent = self.last - started
        return failures

    def _write(self, held: _Held) -> None:
        """Fill the catalog as it is on disk now, and write it unless a translator saved it meanwhile.

        A save found before the new file replaces it (see the module's note) means
        reading their version and filling the same work into it again, as a save
        between checkpoints does; after RETRIES saves in a row, the work waits for
        the next checkpoint (a failure that says so, at the last one).
        """
        for _ in range(RETRIES):
            read = self._current(held)
            entries = {entry.msgctxt or "": entry for entry in read.catalog if not entry.obsolete}
            changed = False
            for updates in held.pending:  # in their order, each batch costs what it fills
                found = [entries[key] for key in updates if key in entries]
                changed |= bool(fill_read(read, updates, replace_machine=self.replace_machine, entries=found))
            if changed:
                written = catalog_bytes(read)
                if written is not None:  # (None: the file holds it already)
                    written = revised(written)  # new translations: a new PO-Revision-Date (no translator)
                    try:
                        write_atomic(held.path, written, last_check=lambda: self._unchanged(held))
                    except _SavedMeanwhile:
                        self._keep(held, None)  # filled: not what is on disk
                        continue
                    held.digest = digest(written)
                self.written.add(held.path)
                self.writes += 1
            held.pending.clear()
            if held.read is None and not held.finished and self.parsed < PARSED_ENTRIES:
                self._keep(held, read)  # more will go into it: no second parse while memory allows
            return
        raise CatalogError(f"saved by someone else {RETRIES} times while pretranslate was writing it; "
                           "its new translations were not written", path=held.path,
                           hint="run `workflow pretranslate` again once it is no longer being edited")

    def _current(self, held: _Held) -> ReadCatalog:
        """The catalog as it is on disk now, parsed: the one kept, unless someone saved the file since."""
        data = _read(held.path)
        if digest(data) != held.digest:  # saved by someone else since: their version, our work again
            self._keep(held, None)
            held.digest = digest(data)
            return read_catalog(held.path, keys=True, data=data)
        if held.read is not None:
            return held.read
        return read_catalog(held.path, keys=True, data=data)

    @staticmethod
    def _unchanged(held: _Held) -> None:
        """Last before the replace: the file still holds what was filled (else _SavedMeanwhile)."""
        if digest(_read(held.path)) != held.digest:
            raise _SavedMeanwhile


def pack(data: bytes) -> bytes:
    """A catalog's bytes kept for later, compressed (`unpack` gives them back)."""
    return zlib.compress(data, COMPRESSION)


def unpack(packed: bytes) -> bytes:
    return zlib.decompress(packed)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError("catalog not found", path=path, hint="run `workflow extract` first") from None
    except OSError as exc:
        raise CatalogError(f"cannot read catalog: {exc.strerror}", path=path) from None
