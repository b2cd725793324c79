"""A persistent cache of sentence boundaries: syntok's answer for each paragraph text it was asked about.

syntok (see segment.py) is a pure function of the text it is given and of its own
version and options: it keeps no state between calls, and a paragraph's sentences do
not depend on the page around it. So its answer, the offsets where sentences start,
is stored under a digest of the paragraph text as syntok saw it. The file lives in
the workspace, `.workflow/segments.sqlite` (SQLite, standard library, one row a
paragraph); it is bounded (oldest rows go first, rows used by the last run are kept
longest), rebuilt when syntok's code, our port of it or the options change, and only ever costs time:
deleting it, or the whole `.workflow/` folder, is safe. A cache that cannot be
read or written is left alone and extract carries on without it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import segment
from .files import check_inside

log = logging.getLogger(__name__)

CACHE_FILE = Path(".workflow") / "segments.sqlite"
FORMAT = 2
# our port of syntok's rules and its options (segment.py imports them only to split: syntok's tokenizer
# imports the `regex` module, ~10 ms that a run with every answer cached, or in paragraph mode, need not pay)
PORT = ("sentence_starts.py", "sentence_tokens.py")
PORT_FOLDER = Path(__file__).parent

MAX_ROWS = 200_000  # about 10 MB: the paragraphs of several thousand articles


def syntok_folder() -> Path:
    """Where syntok's modules are, found without importing them."""
    spec = importlib.util.find_spec("syntok")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("syntok is not installed", name="syntok")
    return Path(spec.origin).parent


@functools.cache
def fingerprint() -> str:
    """What, besides the paragraph text, decides the answer: syntok's code (its word lists),
    our port of its rules (sentence_starts.py, sentence_tokens.py) and our options (in sentence_tokens.py).

    A digest of those source files: any other syntok release, a patched install or a
    changed port has another. (Not its version from the package metadata: importlib.metadata alone takes
    longer to import than a small extract takes to run.)
    """
    digest = hashlib.sha1()
    modules = sorted(module for module in syntok_folder().glob("*.py")
                     if not module.name.endswith("_test.py"))
    for module in (*modules, *(PORT_FOLDER / name for name in PORT)):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return f"{FORMAT} syntok {digest.hexdigest()[:16]}"


class SegmentCache(segment.MemoryCache):
    """The in-process cache, backed by the workspace's file (read-only in worker processes)."""

    def __init__(self, path: Path, *, writable: bool) -> None:
        super().__init__()
        self.path = path
        self.writable = writable
        self.new: dict[bytes, tuple[int, ...]] = {}  # answers not in the file yet
        self.hits: dict[bytes, tuple[int, ...]] = {}  # rows of the file used by this run
        self.db: sqlite3.Connection | None = None
        self.empty = False
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError) as exc:  # (OSError: its folder cannot be made, or leads out)
            self._give_up(exc)

    def _open(self) -> sqlite3.Connection | None:
        if not self.writable:
            if not self.path.is_file():
                return None
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        else:
            check_inside(self.path)  # SQLite writes the file itself, not through files.py
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path)
            # a write-ahead log: a commit costs no disk flush, and a crash never corrupts the file
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS sentences (key BLOB PRIMARY KEY, starts TEXT NOT NULL)")
        row = db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
        if row is None or row[0] != fingerprint():
            if not self.writable:
                db.close()
                return None
            with db:  # another syntok: its answers may differ, start afresh
                db.execute("DELETE FROM sentences")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))
        if db.execute("SELECT 1 FROM sentences LIMIT 1").fetchone() is None:
            self.empty = True  # nothing to look up (a first extract): no query per paragraph
        return db

    def _give_up(self, exc: Exception) -> None:
        log.warning("%s: segmentation cache not used (%s); delete the file if this persists", self.path, exc)
        if self.db is not None:
            self.db.close()
        self.db = None

    def get(self, key: bytes) -> tuple[int, ...] | None:
        found = super().get(key)
        if found is not None or self.db is None or self.empty:
            return found
        try:
            row = self.db.execute("SELECT starts FROM sentences WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None
        if row is None:
            return None
        starts = tuple(int(n) for n in row[0].split(",")) if row[0] else ()
        super().put(key, starts)
        self.hits[key] = starts
        return starts

    def put(self, key: bytes, starts: tuple[int, ...]) -> None:
        super().put(key, starts)
        self.new[key] = starts

    def take_new(self) -> dict[bytes, tuple[int, ...]]:
        """The answers found since the last call (a worker sends them to the process that saves)."""
        new, self.new = self.new, {}
        return new

    def add(self, answers: dict[bytes, tuple[int, ...]]) -> None:
        """Answers found by a worker process, to be saved with this process's own."""
        self.new.update(answers)

    def save(self) -> None:
        """Store the new answers; the oldest rows go when the file holds more than MAX_ROWS."""
        if self.db is None or not self.writable:
            return
        try:
            with self.db:
                rows = self.db.execute("SELECT count(*) FROM sentences").fetchone()[0]
                rows_out = {**self.hits, **self.new} if rows + len(self.new) > MAX_ROWS else self.new
                # (when rows must go, the rows used by this run are written again: the newest are kept)
                self.db.executemany(
                    "INSERT OR REPLACE INTO sentences VALUES (?, ?)",
                    ((key, ",".join(map(str, starts))) for key, starts in rows_out.items()),
                )
                excess = rows + len(self.new) - MAX_ROWS
                if excess > 0:
                    oldest = "SELECT rowid FROM sentences ORDER BY rowid LIMIT ?"
                    self.db.execute(f"DELETE FROM sentences WHERE rowid IN ({oldest})", (excess,))
            self.new = {}
        except sqlite3.Error as exc:
            self._give_up(exc)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


@contextmanager
def cache_in(root: Path, *, writable: bool = True) -> Iterator[SegmentCache]:
    """The workspace's segmentation cache, used by segment.py while the block runs (saved at its end)."""
    cache = SegmentCache(root / CACHE_FILE, writable=writable)
    previous = segment.use_cache(cache)
    try:
        yield cache
        cache.save()
    finally:
        segment.use_cache(previous)
        cache.close()
