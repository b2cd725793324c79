"""Frozen records passed between the pipeline stages."""

from __future__ import annotations

import enum
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .records import frozen, mutable

if TYPE_CHECKING:
    from .errors import WorkflowError


class State(enum.Enum):
    """Where a unit stands, as recorded in the PO file itself."""

    NEW = "new"  # empty msgstr
    MACHINE = "machine"  # fuzzy, filled by an engine (MT, memory, pseudo): a machine provenance comment
    NEEDS_WORK = "needs-work"  # fuzzy, a person's: marked by hand, or an engine's words they changed
    CHANGED = "changed"  # fuzzy with a previous msgid: the source was edited
    REVIEWED = "reviewed"  # not fuzzy


class BlockKind(enum.Enum):
    """The role of a block of text in its article, shown to translators."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    CAPTION = "caption"
    TABLE_CELL = "table cell"
    ATTRIBUTE = "attribute"
    META = "meta"


class Format(enum.Enum):
    TEXT = "text"
    HTML = "html"
    XML = "xml"


@frozen
class Placeholder:
    """One piece of inline markup, shown to translators as `<n>…</n>` or `<n/>`.

    `start`/`end` are offsets of the raw markup in the source text (for a paired
    placeholder: the start tag; `end_start`/`end_end` the end tag). Publishing
    takes the markup from the source at these offsets, never from the PO file.
    """

    number: int
    description: str
    start: tuple[int, int]
    end: tuple[int, int] | None = None  # None: self-closing `<n/>`

    @property
    def paired(self) -> bool:
        return self.end is not None


@frozen
class Segment:
    """A translation unit as extracted from a source article."""

    key: str  # stable id -> msgctxt
    article: str  # path under source/, posix
    text: str  # inline markup replaced by <1>, </1>, <2/>
    line: int
    note: str = ""  # -> extracted comment
    placeholders: tuple[Placeholder, ...] = ()
    more_lines: tuple[int, ...] = ()  # where the same sentence occurs again in the article


@frozen
class Piece:
    """A sentence of a block: the unit key, its text, and its span in the source.

    `span` is None when the reader cannot map the text back to the source exactly;
    with it, an untranslated piece is copied from the source byte for byte.
    """

    key: str
    text: str
    placeholders: tuple[Placeholder, ...]
    span: tuple[int, int] | None = None
    line: int = 0  # where the sentence starts in the source (0: the block's line)


@frozen
class Block:
    """A run of translatable text and the separators between its sentences.

    `span` is where the whole run sits in the source text; `separators[i]` is the
    raw text between piece i and piece i+1. XML blocks are found by `xpath`.
    """

    kind: BlockKind
    where: str
    line: int
    pieces: tuple[Piece, ...]
    separators: tuple[str, ...]
    span: tuple[int, int] | None = None
    xpath: str | None = None
    attribute: str | None = None  # for attribute blocks: the attribute name
    context: str = ""  # for translators: `3 of 12 in main`, a column on a crowded line


@frozen
class Attribute:
    """An attribute of a start tag: its value as a browser reads it, and where the raw value
    (quotes and all) is in the source text, for publishing to replace."""

    name: str
    value: str
    span: tuple[int, int]


@frozen
class LanguageTag:
    """A start tag in translated content that says which language or direction its content is in:
    its `lang`, `xml:lang` and `dir` (a `<meta>`: its `content`, under the name of what it declares,
    `content-language` or `og:locale`). Publishing says the target language there instead."""

    tag: str
    attributes: tuple[Attribute, ...]
    inline: bool = False  # an element inside a sentence (a `dir` alone there is about its text)


@frozen
class Article:
    """A source article read into blocks, with everything needed to rebuild it."""

    path: str  # under source/, posix
    format: Format
    text: str  # the decoded source
    encoding: str
    blocks: tuple[Block, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    languages: tuple[LanguageTag, ...] = ()  # HTML: the tags that name the language of translated content

    def segments(self) -> list[Segment]:
        """The article's units, one per distinct sentence, in reading order."""
        seen: dict[str, Segment] = {}
        for block in self.blocks:
            for piece in block.pieces:
                line = piece.line or block.line
                if piece.key in seen:
                    first = seen[piece.key]
                    if line != first.line and line not in first.more_lines:
                        seen[piece.key] = replace(first, more_lines=(*first.more_lines, line))
                    continue
                seen[piece.key] = Segment(
                    key=piece.key,
                    article=self.path,
                    text=piece.text,
                    line=line,
                    note=_note(block, piece),
                    placeholders=piece.placeholders,
                )
        return list(seen.values())


def _note(block: Block, piece: Piece) -> str:
    kind = f"{block.kind.value} {block.context}" if block.context else block.kind.value
    lines = [f"{kind}: {block.where}" if block.where else kind]
    for ph in piece.placeholders:
        shown = f"<{ph.number}>…</{ph.number}>" if ph.paired else f"<{ph.number}/>"
        lines.append(f"{shown} = {ph.description}")
    return "\n".join(lines)


@frozen
class Unit:
    """A segment with its translation into one language, as stored in a PO file."""

    segment: Segment
    lang: str
    target: str = ""
    state: State = State.NEW
    previous: str = ""  # previous source text (`#| msgid`) after an edit
    provenance: str = ""  # where the target came from (`# workflow: …`)
    comment: str = ""  # translator comment
    plural: bool = False  # a hand-made plural entry (msgid_plural): `target` is its form for n=1 alone


@frozen
class CatalogChange:
    """What an update did to one catalog file."""

    path: Path
    written: bool
    added: int = 0
    kept: int = 0
    fuzzy: int = 0
    obsolete: int = 0


@frozen
class Failure:
    """One file that a batch command could not process."""

    message: str
    path: Path | None = None
    line: int | None = None
    hint: str | None = None

    @classmethod
    def of(cls, error: WorkflowError) -> Failure:
        """The failure an error stands for, with its file, line and hint."""
        return cls(error.message, error.path, error.line, error.hint)


@mutable
class StageReport:
    """What a command did: counts, the catalogs that need a translator's eye, failures.

    `written`, `fuzzy` and `obsolete` count catalogs written and units made fuzzy or
    obsolete; `changes` lists only the catalogs with new fuzzy or obsolete units, so
    that a report's size follows the edits, not the number of articles.
    """

    articles: int = 0
    units: int = 0
    changes: list[CatalogChange] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    written: int = 0
    fuzzy: int = 0
    obsolete: int = 0

    def count(self, change: CatalogChange) -> None:
        """Add one catalog's change to the counts (and to `changes` when it needs review)."""
        self.written += change.written
        self.fuzzy += change.fuzzy
        self.obsolete += change.obsolete
        if change.fuzzy or change.obsolete:
            self.changes.append(change)

    @property
    def ok(self) -> bool:
        return not self.failures


class Severity(enum.Enum):
    """How bad a QA finding is: an error blocks (`workflow check` exits 3), a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@frozen
class Issue:
    """One QA finding about one unit."""

    key: str  # the unit's key (msgctxt)
    check: str  # the id of the check that found it
    severity: Severity
    message: str


@frozen
class MTRequest:
    """Plain text for a machine-translation engine, with spans it must find in its output.

    The spans (character offsets in `text`) mark inline markup and glossary terms that
    pretranslate took out or protects; zero-width spans mark where a self-closing
    placeholder stood.
    """

    text: str
    spans: tuple[tuple[int, int], ...] = ()


@frozen
class MTResult:
    """An engine's translation, and where each request span ended up (None: unknown)."""

    text: str
    spans: tuple[tuple[int, int] | None, ...] = ()
    # the engine's own confidence, 0-100 (None: it has none), and the source words it did not know
    confidence: int | None = None
    unknown: tuple[str, ...] = ()
