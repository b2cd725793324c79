"""The memory's index: one SQLite file per language pair in the cache folder, so lookups cost what they find.

`tm/<source>-<lang>.tmx` stays the memory users see, share and may edit; its index,
`<cache_dir>/tm/<source>-<lang>.sqlite`, holds the same units for lookup:

- `units`: every (source, target, origin) pair in file order, once (a unique digest of
  the normalized pair), so an import adds only what is new;
- `sources`: the first unit of each normalized source (a 64-bit hash of it), the exact match;
- `words`: an FTS5 word index of those first units, and `df`, how many units hold each
  word: fuzzy candidates are the units sharing two of the source's rarest words (bm25 order).

The index records the size, mtime and SHA-256 of the TMX it was built from. When the
file changed (an edit, a copy from a colleague, a `git pull`) or the index is missing
or unreadable, it is rebuilt from the file, streamed, before use: deleting the cache
folder is always safe. Writers hold the workspace lock (tm import, pretranslate).

Candidates are found by words, then scored as the in-memory `Memory` scores (rapidfuzz's
ratio on the normalized sources, the threshold as a cutoff, earlier units first on ties).
A unit sharing fewer than two of those words with the source (or only the rarest one),
or ranked below the first CANDIDATES by bm25, is not considered: for sentences that
differ by a few words, the shared rare words put the near match at the top.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
import os
import re
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, TypeVar, cast

from rapidfuzz import fuzz, process

from .errors import WorkflowError
from .files import LeadsOut, atomic_writer, check_inside, temporary_beside
from .memory import MemoryUnit, body_end, iter_tmx, memory_path, normalize, pair_of, write_tmx, write_units
from .records import frozen
from .settings import Settings

log = logging.getLogger(__name__)

FORMAT = "1"  # bump when the schema or what is stored changes: old indexes are rebuilt
CANDIDATES = 100  # units scored per fuzzy lookup
RAREST = 6  # the words of a source that fuzzy candidates are found by
POSTINGS = 20_000  # about how many units the query's pairs reach (recall vs time)
_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(r"[\u0300-\u036f]+")

SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE units(id INTEGER PRIMARY KEY, pair BLOB NOT NULL UNIQUE, hash INTEGER NOT NULL,
                   source TEXT NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL);
CREATE TABLE sources(hash INTEGER PRIMARY KEY, unit INTEGER NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(text, content='');
CREATE VIRTUAL TABLE vocabulary USING fts5vocab(words, 'row');
CREATE TABLE df(term TEXT PRIMARY KEY, units INTEGER NOT NULL) WITHOUT ROWID;
"""


def index_path(settings: Settings, lang: str) -> Path:
    """Where the index of the workspace memory of `lang` lives (in the cache folder)."""
    return settings.root / settings.cache_dir / "tm" / f"{settings.source_lang}-{lang}.sqlite"


def words(text: str) -> list[str]:
    """The distinct words of a text as FTS5's unicode61 tokenizer cuts and folds them."""
    folded = _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()
    return list(dict.fromkeys(_WORD.findall(folded)))


def _hash(data: str, size: int) -> bytes:
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=size).digest()


def _row(unit: MemoryUnit) -> tuple[bytes, int, str, str, str]:
    key = normalize(unit.source)
    pair = _hash(f"{key}\x00{normalize(unit.target)}", 16)
    return pair, int.from_bytes(_hash(key, 8), "big", signed=True), unit.source, unit.target, unit.origin


@frozen
class Stamp:
    """What identifies a version of the memory file."""

    size: int  # -1: there is no file
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path, digest: str | None = None) -> Stamp:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return cls(-1, 0, "")
        if digest is None:
            with path.open("rb") as stream:
                digest = _file_digest(stream)
        return cls(stat.st_size, stat.st_mtime_ns, digest)


def _file_digest(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def index_errors(path: Path) -> Iterator[None]:
    """SQLite's and the file system's errors on the index as a WorkflowError naming it."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        hint = exc.hint() if isinstance(exc, LeadsOut) else (
            "check the disk space and the permissions of the cache folder; deleting it is safe (the index is "
            "rebuilt from tm/)")
        raise WorkflowError(f"cannot use the memory index: {reason}", path=path, hint=hint) from None


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _guarded(method: _Method) -> _Method:
    @functools.wraps(method)
    def guarded(self: MemoryIndex, *args: Any, **kwargs: Any) -> Any:
        with index_errors(self.path):
            return method(self, *args, **kwargs)

    return cast(_Method, guarded)


class MemoryIndex:
    """An open index of one language's memory: exact and fuzzy lookup, and adding units (import)."""

    def __init__(self, connection: sqlite3.Connection, memory: Path, path: Path) -> None:
        self.connection = connection
        self.memory = memory
        self.path = path

    # -- lookup -----------------------------------------------------------------------------

    @_guarded
    def exact(self, key: str) -> MemoryUnit | None:
        """The first unit whose normalized source is `key`."""
        row = self.connection.execute(
            "SELECT u.source, u.target, u.origin FROM sources s JOIN units u ON u.id = s.unit "
            "WHERE s.hash = ?", (int.from_bytes(_hash(key, 8), "big", signed=True),)).fetchone()
        if row is None or normalize(row[0]) != key:  # another source with the same 64-bit hash
            return None
        return MemoryUnit(row[0], row[1], row[2])

    @_guarded
    def fuzzy(self, key: str, threshold: int) -> tuple[MemoryUnit, float] | None:
        """The best-scoring candidate at or above `threshold` (rapidfuzz ratio), earliest on ties."""
        query = self._query(key)
        if not query:
            return None
        ids = [row[0] for row in self.connection.execute(
            "SELECT rowid FROM words WHERE words MATCH ? ORDER BY rank LIMIT ?", (query, CANDIDATES))]
        rows = self.connection.execute(
            f"SELECT source, target, origin FROM units WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id",
            ids).fetchall()
        best = process.extractOne(key, [normalize(row[0]) for row in rows], scorer=fuzz.ratio,
                                  score_cutoff=threshold)
        if best is None:
            return None
        source, target, origin = rows[best[2]]
        return MemoryUnit(source, target, origin), float(best[1])

    def _query(self, key: str) -> str:
        """An FTS5 query: units holding two of the source's RAREST words, or the rarest one.

        A near match shares most words, so most pairs of its rarest ones; requiring two
        words keeps the candidates few, so bm25 ranks the near match high. Pairs are
        taken rarest first while they stay within POSTINGS units.
        """
        found = words(key)
        if not found:
            return ""
        counts = sorted((units, term) for term, units in self.connection.execute(
            f"SELECT term, units FROM df WHERE term IN ({','.join('?' * len(found))})", found))[:RAREST]
        if not counts:
            return ""
        chosen = [f'"{counts[0][1]}"']
        total = counts[0][0]
        for units, first, second in sorted((min(a[0], b[0]), a[1], b[1])
                                           for a, b in itertools.combinations(counts, 2)):
            if len(chosen) > 1 and total + units > POSTINGS:
                break
            chosen.append(f'("{first}" AND "{second}")')
            total += units
        return " OR ".join(chosen)

    # -- import ---------------------------------------------------------------------------------

    @_guarded
    def last_id(self) -> int:
        return int(self.connection.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0])

    @_guarded
    def add(self, units: Iterable[MemoryUnit]) -> None:
        """Add units (inside the open transaction); a pair already held is skipped.

        Give many at a time: the word index takes each call's new sources in one statement
        (FTS5 writes a segment per statement; a trigger per row was six times slower).
        """
        before = self.last_id()
        self.connection.executemany(
            "INSERT OR IGNORE INTO units(pair, hash, source, target, origin) VALUES (?, ?, ?, ?, ?)",
            map(_row, units))
        self.connection.execute(
            "INSERT OR IGNORE INTO sources(hash, unit) SELECT hash, id FROM units WHERE id > ? ORDER BY id",
            (before,))
        self.connection.execute(
            "INSERT INTO words(rowid, text) SELECT u.id, u.source FROM units u "
            "JOIN sources s ON s.hash = u.hash AND s.unit = u.id WHERE u.id > ? ORDER BY u.id", (before,))

    def units(self, after: int = 0) -> Iterator[MemoryUnit]:
        """Every unit (with an id above `after`), in file order."""
        for source, target, origin in self.connection.execute(
                "SELECT source, target, origin FROM units WHERE id > ? ORDER BY id", (after,)):
            yield MemoryUnit(source, target, origin)

    @_guarded
    def save(self, source_lang: str, lang: str, after: int = 0) -> None:
        """Write the memory file (atomically), then commit the index stamped with it.

        The units added since unit `after` go at the end of the file's `<body>`, the file's
        own bytes before them kept as they are (a TMX tool's tuid, notes, props, other
        languages, inline codes); a file that cannot be added to so (none yet, UTF-16) is
        written from the index.
        """
        digest = hashlib.sha256()
        end = body_end(self.memory)
        with atomic_writer(self.memory) as stream:
            hashing = _Hashing(stream, digest)
            if end is None:
                write_tmx(hashing, self.units(), source_lang, lang)
            else:
                with self.memory.open("rb") as kept:
                    left = end
                    while left:
                        block = kept.read(min(left, 1 << 20))
                        if not block:
                            raise OSError(f"{self.memory} became shorter while it was copied")
                        hashing.write(block)
                        left -= len(block)
                write_units(hashing, self.units(after), source_lang, lang)
                hashing.write(b"  </body>\n</tmx>\n")
        _finish(self.connection, Stamp.of(self.memory, digest.hexdigest()))
        self.connection.commit()

    def close(self) -> None:
        self.connection.rollback()  # what was not saved is not kept
        self.connection.close()

    def __enter__(self) -> MemoryIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Hashing:
    """A binary stream that hashes what goes through it."""

    def __init__(self, stream: BinaryIO, digest: hashlib._Hash) -> None:
        self.stream, self.digest = stream, digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.stream.write(data)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level="DEFERRED")
    connection.execute("PRAGMA cache_size = -65536")  # 64 MiB: imports touch the unique b-trees at random
    return connection


def _stamp(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(connection.execute("SELECT name, value FROM meta").fetchall())


def _finish(connection: sqlite3.Connection, stamp: Stamp) -> None:
    """After units were added: merge the word index, count each word's units, record the file's stamp."""
    connection.execute("INSERT INTO words(words) VALUES ('optimize')")
    connection.execute("DELETE FROM df")
    connection.execute("INSERT INTO df SELECT term, doc FROM vocabulary")
    connection.executemany("INSERT OR REPLACE INTO meta(name, value) VALUES (?, ?)", [
        ("format", FORMAT), ("size", str(stamp.size)), ("mtime_ns", str(stamp.mtime_ns)),
        ("digest", stamp.digest)])


def _fresh(connection: sqlite3.Connection, memory: Path) -> bool:
    """Whether the index was built from the memory file as it is now (noting a new mtime of same bytes)."""
    meta = _stamp(connection)
    if meta.get("format") != FORMAT:
        return False
    now = Stamp.of(memory, digest="")
    if (str(now.size), str(now.mtime_ns)) == (meta.get("size"), meta.get("mtime_ns")):
        return True
    if str(now.size) != meta.get("size"):
        return False
    # touched or copied: the same bytes keep the index
    if Stamp.of(memory).digest != meta.get("digest"):
        return False
    with connection:
        connection.execute("UPDATE meta SET value = ? WHERE name = 'mtime_ns'", (str(now.mtime_ns),))
    return True


def open_index(settings: Settings, lang: str) -> MemoryIndex:
    """The index of the workspace memory of `lang`, (re)built first when missing or stale.

    The caller holds the workspace lock. Raises WorkflowError naming the memory file
    when it cannot be read.
    """
    memory = memory_path(settings, lang)
    path = index_path(settings, lang)
    with index_errors(path):
        check_inside(path)  # SQLite writes the index itself, not through files.py
        if path.is_file():
            try:
                connection = _connect(path)
                if _fresh(connection, memory):
                    return MemoryIndex(connection, memory, path)
                connection.close()
            except sqlite3.DatabaseError as exc:  # damaged, or not an index: rebuilt
                log.info("%s: rebuilding the memory index (%s)", path, exc)
        _build(settings, lang, memory, path)
        return MemoryIndex(_connect(path), memory, path)


def _build(settings: Settings, lang: str, memory: Path, path: Path) -> None:
    """Build the index of `memory` into a new file that then replaces `path`."""
    handle, temporary = temporary_beside(path)  # (never in a folder leading out of the workspace)
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # a new file: a failure just deletes it
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA cache_size = -65536")
            connection.executescript(SCHEMA)
            stamp = Stamp.of(memory)
            if stamp.size >= 0:
                units = (pair_of(unit, settings.source_lang, lang, memory.name)
                         for unit in iter_tmx(memory, settings.source_lang))
                MemoryIndex(connection, memory, path).add(unit for unit in units if unit is not None)
            _finish(connection, stamp)
            connection.commit()
        finally:
            connection.close()
        with open(temporary, "rb") as written:  # on disk before it replaces the old index
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)
        for leftover in ("-journal", "-wal", "-shm"):  # of an unreadable old index: not ours to replay
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{leftover}")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    log.info("%s: memory index built from %s", path, memory)
