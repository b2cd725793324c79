"""potext.entry_text writes every entry byte for byte as polib 1.2 does (`POEntry.__unicode__`).

The store renders the entries it writes with entry_text (several times faster than
polib); a translator's file must not change by a byte for that. Random entries
(quotes, backslashes, tabs, every line break str.splitlines knows, long words,
hyphens, CJK, strings near the wrapping widths 76-80) at the widths PO tools use,
and 0 (no wrapping), are compared with polib's own text. polib's `#:` lines are
replaced by GNU gettext's (reference_lines), as the store writes them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import polib
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from workflow import store
from workflow.model import Segment
from workflow.potext import entry_text, header_text, reference_lines

MARKER = "\x00references\x00"
WIDTHS = (0, 76, 77, 78, 79, 80)

# short pieces that put the characters polib treats specially next to wrapping boundaries
PIECES = st.sampled_from([
    " ", "  ", "-", "a-b", "well-known", '"', "\\", "\\n", "\t", "\n", "\r", "\r\n", "\v", "\f", "\b",
    "\x1c", "\x85", "\u2028", "中文", "日本語の文", "é", "x" * 70, "y" * 79, "word ", "\u00a0", "%s", "{0}",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=14).map("".join)
# strings whose length sits at the boundary of a keyword line at the usual widths
BOUNDARY = st.builds(lambda n, tail: ("w " * 60)[:n] + tail, st.integers(60, 82),
                     st.sampled_from(["", '"', "\\", "-x", " y", "中"]))
STRING = st.one_of(TEXT, BOUNDARY)
OPTIONAL = st.one_of(st.none(), STRING)
PATHS = st.sampled_from(["source/a.html", "source/long-name-" + "x" * 40])


def polib_text(entry: polib.POEntry, width: int) -> str:
    """polib's text of an entry, its `#:` lines broken as store broke them before entry_text, and its
    translator comments never wrapped (as GNU gettext writes them; polib wraps them at the width)."""
    plain = copy.copy(entry)
    if entry.tcomment:
        plain.tcomment = TCOMMENT
    if entry.occurrences and not entry.obsolete:
        plain.occurrences = [(MARKER, "")]
    lines = str(plain.__unicode__(width)).split("\n")
    if entry.tcomment:
        at = lines.index("# " + TCOMMENT)
        lines[at:at + 1] = ["# " + line for line in entry.tcomment.split("\n")]
    if entry.occurrences and not entry.obsolete:
        at = lines.index("#: " + MARKER)
        references = [f"{path}:{line}" if line else path for path, line in entry.occurrences]
        lines[at:at + 1] = reference_lines(references, width)
    return "\n".join(lines)


TCOMMENT = "translator-comment-marker"  # stands for the translator comment in polib's text (never wrapped)


def ours(entry: polib.POEntry, width: int) -> str:
    """The store's own rendering (entry_text of the entry's fields): the code that writes catalogs."""
    return store._render_uncached(entry, width)


@st.composite
def entries(draw: st.DrawFn) -> polib.POEntry:
    plural = draw(st.booleans())
    entry = polib.POEntry(
        msgctxt=draw(OPTIONAL), msgid=draw(STRING), msgstr="" if plural else draw(STRING),
        comment=draw(TEXT), tcomment=draw(TEXT), obsolete=draw(st.booleans()),
        flags=draw(st.lists(st.sampled_from(["fuzzy", "python-format", "no-wrap"]), max_size=2, unique=True)),
        occurrences=draw(st.lists(st.tuples(PATHS, st.sampled_from(["", "1", "12345"])), max_size=8)),
        previous_msgctxt=draw(OPTIONAL), previous_msgid=draw(OPTIONAL), previous_msgid_plural=draw(OPTIONAL),
    )
    if plural:
        entry.msgid_plural = draw(STRING)
        entry.msgstr_plural = dict(enumerate(draw(st.lists(STRING, min_size=1, max_size=3))))
    return entry


@given(entries(), st.sampled_from(WIDTHS))
@example(polib.POEntry(msgctxt="k", msgid="a " * 38 + "bc", msgstr=""), 78)  # 78 columns: polib's own width
@example(polib.POEntry(msgid='say "' + "x" * 66 + '"', msgstr="", previous_msgid="p " * 36), 79)
@example(polib.POEntry(msgid="line one\nline two\n", msgstr="\u2028", tcomment="a\nb", obsolete=True), 0)
def test_entry_text_is_polibs(entry: polib.POEntry, width: int) -> None:
    assert ours(entry, width) == polib_text(entry, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_wrapping_boundaries(width: int) -> None:
    """Every string length around the widths, with an escape, a hyphen, a space or CJK at its end."""
    for length in range(68, 84):
        for tail in ("", '"', "\\", "\t", "-word", " word", "中文"):
            for text in (("word " * 20)[:length] + tail, "x" * length + tail, ("ab-" * 30)[:length] + tail):
                entry = polib.POEntry(msgctxt="k", msgid=text, msgstr=text, comment=text, previous_msgid=text)
                assert ours(entry, width) == polib_text(entry, width), (length, tail, text)


def test_header_text() -> None:
    """The header entry: a msgstr of many lines, a translator comment, the fuzzy flag."""
    value = "Project-Id-Version: workflow a\nLanguage: fr\nPlural-Forms: nplurals=2; plural=(n > 1);\n"
    entry = polib.POEntry(msgid="", msgstr=value, tcomment="Units of source/a.html.\n" + "note " * 20,
                          flags=["fuzzy"])
    for width in WIDTHS:
        assert entry_text(msgid="", msgstr=value, tcomment=entry.tcomment, flags=["fuzzy"],
                          width=width) == polib_text(entry, width)


@given(STRING, STRING, TEXT, st.integers(0, 10**6), st.lists(st.integers(1, 10**6), max_size=12),
       st.sampled_from(["source", "pages/news-2026"]), st.sampled_from(["a.html", "b-" + "x" * 50]))
@example("k", "text", "", 7, [], "source", "b-" + "x" * 50)  # no note; references past the width: broken
@example("k", "text", "a\nb", 7, [8, 9], "source", "a.html")  # a note of two lines
@example("k", "text", "", 7, [10], "source", "a" * 28)  # a `#:` line of 79 characters: one line
@example("k", "text", "", 7, [8], "source", "a" * 29)  # of 80: two
def test_fresh_text_is_the_fresh_entrys(key: str, text: str, note: str, line: int, more: list[int], root: str,
                                        article: str) -> None:
    """A new catalog's unit, written without a polib entry, is the entry the store makes for it, rendered."""
    segment = Segment(key=key, article=article, text=text, line=line, note=note, more_lines=tuple(more))
    entry = store._fresh_entry(segment, root)
    assert store._fresh_text(segment, root) == polib_text(entry, 0).rstrip("\n")
    assert store._fresh_text(segment, root) == store._render_entry(entry, 0).rstrip("\n")  # cached: the same


FIELD_NAMES = st.one_of(st.sampled_from(["Project-Id-Version", "Language", "Plural-Forms", "X-Note"]), TEXT)
FIELD_VALUES = st.one_of(st.sampled_from(["", "fr", "nplurals=2; plural=(n > 1);"]), TEXT)


@given(st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=6), TEXT, st.booleans())
@example({"Language": "fr", "X-Generator": "workflow 0.1"}, "Units of source/a.html.\nsecond", True)
@example({"Language": "fr", "Language-Team": 'say "x"'}, "", False)  # a character escaped
@example({"Language": "fr", "X-Two": "a\u2028b"}, "", False)  # a line break of str.splitlines
@example({"Language": "fr"}, "", False)  # one field: msgstr on the keyword's line
def test_header_text_is_polibs(fields: dict[str, str], comment: str, fuzzy: bool) -> None:
    """A header written field by field (a new catalog's, unwrapped) is polib's text of that header entry."""
    value = "".join(f"{name}: {text}\n" for name, text in fields.items())
    entry = polib.POEntry(msgid="", msgstr=value, tcomment=comment, flags=["fuzzy"] if fuzzy else [])
    assert header_text(fields, comment, fuzzy) == polib_text(entry, 0)


DATES = st.builds("{:04}-{:02}-{:02} {:02}:{:02}+0000".format, st.integers(1990, 2099), st.integers(1, 12),
                  st.integers(1, 28), st.integers(0, 23), st.integers(0, 59))


@given(DATES, DATES, st.sampled_from([0, 20, 30, 40, 79]), st.text(alphabet=' ab-:"中', max_size=40),
       st.booleans())
@example("2026-11-30 18:40+0000", "2027-01-02 03:04+0000", 30, "", False)  # the date split over two lines
def test_creation_date_set_in_place(old: str, new: str, width: int, note: str, twice: bool) -> None:
    """The header keeps every line break and length; only POT-Creation-Date's characters change."""
    fields = {"Project-Id-Version": "workflow a.html", "POT-Creation-Date": old, "X-Note": note,
              "Language": "fr"}
    if twice:  # the same field line twice in the text: which one is meant is unsure
        fields["X-Note"] = f"{note}\nPOT-Creation-Date: {old}"
    head = store._render_header(store._Header(fields, "a comment"), width).rstrip("\n")
    changed = store._set_field(head, "POT-Creation-Date", old, new)
    if twice:
        assert changed is None
        return
    assert changed is not None
    assert [len(line) for line in changed.split("\n")] == [len(line) for line in head.split("\n")]
    read = polib.pofile(changed + "\n")
    assert read.metadata == {**polib.pofile(head + "\n").metadata, "POT-Creation-Date": new}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_provenance_stays_one_line_and_is_read_whole(tmp_path: Path, width: int) -> None:
    """A `# workflow:` provenance longer than a wrapped file's width (a memory's long path) is written
    on one line, as GNU gettext writes translator comments: polib would wrap it, and reading it back
    would give half of it, the rest a stray comment that each refill kept."""
    provenance = "tm 87% translation-memories/client-archive-2019-2024-all-bulletins.tmx · confidence 80"
    entry = polib.POEntry(msgid="Hello.", msgstr="Bonjour.", tcomment=store.PROVENANCE + provenance,
                          flags=["fuzzy"])
    text = ours(entry, width)
    assert text.startswith(f"# {store.PROVENANCE}{provenance}\n#, fuzzy\n")
    path = tmp_path / "a.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + text,
                    encoding="utf-8")
    (read,) = [e for e in store.load_catalog(path) if e.msgid]
    assert store._provenance(read) == provenance
