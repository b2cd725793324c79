"""The record of what `publish` wrote: `.workflow/published.json`.

Each file publish writes under output/ is recorded with the SHA-256 of its bytes,
and each edition (article, language) with the date it was first published. A file
is removed (by `unpublish`, or when a draft edition is withdrawn) only when the
record holds it and its bytes are still the ones publish wrote: a file placed or
edited by hand is never deleted, only reported.

So that publishing with nothing changed costs next to nothing, the record also keeps
what a run worked out and may take again when its inputs are the same:
`editions` (per edition, the digest of its inputs and the outcome: held back and why,
or published and what the report says of it), `records` (per bulletin, what the index
shows of it, valid while the bulletin still has the recorded bytes) and `links` (per
page, the editions it links to, valid while the page still has the recorded bytes) and
`made` (per index and feed, the digest of what it shows, valid while the file still has
the bytes made of it). Each is only a shortcut: deleting the record costs time, never a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import field
from pathlib import Path

from .files import check_inside, write_if_changed
from .records import mutable

log = logging.getLogger(__name__)
MANIFEST = Path(".workflow") / "published.json"
VERSION = 1


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@mutable
class Manifest:
    """Files written under `output` (relative POSIX paths -> SHA-256) and first-publication dates."""

    path: Path
    output: Path
    files: dict[str, str] = field(default_factory=dict)
    first: dict[str, str] = field(default_factory=dict)  # "lang/page" (no suffix) -> ISO date
    new: bool = False  # there was no record yet: editions published before it are adopted
    product: str = ""  # the digest of the product that worked out editions, records and links
    editions: dict[str, dict[str, object]] = field(default_factory=dict)  # "lang/article" -> outcome
    records: dict[str, list[object]] = field(default_factory=dict)  # bulletin -> [digest, index fields…]
    links: dict[str, list[str]] = field(default_factory=dict)  # page -> [digest, linked languages…]
    made: dict[str, list[str]] = field(default_factory=dict)  # index -> [digest of what it shows, its own]
    # "lang/page" (no suffix) -> ISO date: editions withdrawn with `workflow unpublish`, held back until
    # restored; by the page's name, not the source's: a takedown holds while the source is away
    takedowns: dict[str, str] = field(default_factory=dict)
    # "lang/page" (no suffix) -> ISO date: the last day an edition's bulletin changed after it was first
    # published (a draft reviewed, a translation edited): its feed entry's <updated>
    revised: dict[str, str] = field(default_factory=dict)
    # the digest of what each file holds now, as read or written in this run (never saved): a run reads
    # each published file at most once, however many questions it asks of it
    held: dict[str, str | None] = field(default_factory=dict)
    # the record as read (its entries shared: publish replaces entries, never changes one in place): a
    # record that would be saved the same is not written out again
    loaded: object = None

    @classmethod
    def load(cls, root: Path, output: Path) -> Manifest:
        path = root / MANIFEST
        manifest = cls(path, output)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            manifest.new = True
            return manifest
        except (OSError, ValueError) as exc:
            log.warning("%s cannot be read (%s): files published before are kept, never removed", path, exc)
            return manifest
        manifest.loaded = data
        if isinstance(data, dict) and data.get("version") == VERSION:
            files, first = data.get("files"), data.get("first")
            if isinstance(files, dict):
                manifest.files = {str(k): str(v) for k, v in files.items()}
            if isinstance(first, dict):
                manifest.first = {str(k): str(v) for k, v in first.items()}
            manifest.product = str(data.get("product", ""))
            for name in ("takedowns", "revised"):
                value = data.get(name)
                if isinstance(value, dict):
                    setattr(manifest, name, {str(k): str(v) for k, v in value.items()})
            for name in ("editions", "records", "links", "made"):
                value = data.get(name)
                if isinstance(value, dict):
                    kept = {str(k): v for k, v in value.items() if isinstance(v, (dict, list))}
                    setattr(manifest, name, kept)
        return manifest

    def key(self, path: Path) -> str:
        """The file's path under `output`, as recorded (relative, POSIX)."""
        text, folder = str(path), str(self.output)
        if text.startswith(folder) and text[len(folder) : len(folder) + 1] == os.sep:  # relative_to, faster
            return text[len(folder) + 1 :].replace(os.sep, "/")
        return path.relative_to(self.output).as_posix()

    def wrote(self, path: Path, data: bytes) -> None:
        """Record a file publish wrote (or found already holding exactly these bytes)."""
        key = self.key(path)
        self.files[key] = self.held[key] = digest(data)

    def holds(self, path: Path) -> str | None:
        """The digest of the file's bytes now (None: it cannot be read), read once per run."""
        key = self.key(path)
        if key not in self.held:
            try:
                self.held[key] = digest(path.read_bytes())
            except OSError:
                self.held[key] = None
        return self.held[key]

    def read(self, path: Path) -> bytes:
        """The file's bytes, read again (to parse it); what it holds now is noted as well."""
        try:
            data = path.read_bytes()
        except OSError:
            self.held.pop(self.key(path), None)
            raise
        self.held[self.key(path)] = digest(data)
        return data

    def adopt(self, path: Path) -> None:
        """Record a file found where publish writes, from before this record existed."""
        if self.key(path) not in self.files:
            try:
                self.wrote(path, path.read_bytes())
            except OSError:
                pass

    def owns(self, path: Path) -> bool:
        """Whether the file is as publish wrote it (so it may be removed)."""
        recorded = self.files.get(self.key(path))
        return recorded is not None and self.holds(path) == recorded

    def remove(self, path: Path) -> bool:
        """Delete a file publish wrote; False (file kept) when it is not recorded or was changed since.

        Raises OSError, LeadsOut when its folder leads out of the workspace: nothing is removed there.
        """
        check_inside(path)
        key = self.key(path)
        if not path.exists():
            self.files.pop(key, None)
            self.held.pop(key, None)
            return True
        if not self.owns(path):
            return False
        os.unlink(path)
        self.files.pop(key, None)
        self.held.pop(key, None)
        return True

    def languages(self) -> set[str]:
        """The languages with a file publish wrote under output/<lang>/ still recorded."""
        return {key.partition("/")[0] for key in self.files if "/" in key}

    def first_published(self, lang: str, article: str, today: dt.date) -> dt.date:
        """The date an edition was first published (recorded now when it is new)."""
        key = f"{lang}/{article}"
        try:
            return dt.date.fromisoformat(self.first[key])
        except (KeyError, ValueError):
            self.first[key] = today.isoformat()
            return today

    def forget(self, lang: str, article: str) -> None:
        self.first.pop(f"{lang}/{article}", None)
        self.revised.pop(f"{lang}/{article}", None)

    def revise(self, lang: str, article: str, today: dt.date) -> None:
        """Note that an edition published before changed today."""
        self.revised[f"{lang}/{article}"] = today.isoformat()

    def revised_on(self, lang: str, article: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.revised[f"{lang}/{article}"])
        except (KeyError, ValueError):
            return None

    def take_down(self, lang: str, page: str, today: dt.date) -> None:
        """Record that an edition was withdrawn on purpose (`page`: under output/LANG/, without suffix)."""
        self.takedowns.setdefault(f"{lang}/{page}", today.isoformat())

    def taken_down(self, lang: str, page: str) -> str | None:
        """The day an edition was withdrawn on purpose, or None."""
        return self.takedowns.get(f"{lang}/{page}")

    def restore(self, lang: str, page: str) -> bool:
        """Lift a takedown; False when there was none."""
        return self.takedowns.pop(f"{lang}/{page}", None) is not None

    def edition(self, lang: str, article: str) -> dict[str, object] | None:
        """What was worked out for an edition (`article`: its path under source/) the last time."""
        return self.editions.get(f"{lang}/{article}")

    def decided(self, lang: str, article: str, outcome: dict[str, object] | None) -> None:
        """Record what was worked out for an edition (None: nothing to take again)."""
        if outcome is None:
            self.editions.pop(f"{lang}/{article}", None)
        else:
            self.editions[f"{lang}/{article}"] = outcome

    def save(self) -> None:
        data = {
            "version": VERSION,
            "files": dict(sorted(self.files.items())),
            "first": dict(sorted(self.first.items())),
            "product": self.product,
            "editions": dict(sorted(self.editions.items())),
            # only for files still recorded: the rest could never be used again
            "records": {k: v for k, v in sorted(self.records.items()) if k in self.files},
            "links": {k: v for k, v in sorted(self.links.items()) if k in self.files},
            "made": {k: v for k, v in sorted(self.made.items()) if k in self.files},
            **({"takedowns": dict(sorted(self.takedowns.items()))} if self.takedowns else {}),
            **({"revised": dict(sorted(self.revised.items()))} if self.revised else {}),
        }
        if data == self.loaded:  # nothing changed (compared as values: much faster than writing it out)
            return
        # one line: json's fast encoder does not indent, and the record of 100,000 editions is large
        text = json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
        write_if_changed(self.path, (text + "\n").encode("utf-8"))
