"""The fast scanner `status` reads with gives what polib gives, on catalogs generated to trip it.

bench/bench_scanner.py shows why it is kept (2-2.7x faster than polib on the same large
catalogs, equal work); this shows it is right: comments that contain "fuzzy" without
being a flag, obsolete blocks before and after live entries (with and without msgctxt,
with `#~|` lines and flags), plural entries with some forms empty, wrapped strings with
escapes, CRLF line ends. The first property writes catalogs by hand (layouts polib does
not write); the second has polib write them, at random widths and line ends, from
random entries, headers included.
"""

from __future__ import annotations

from pathlib import Path

import polib
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from workflow.confidence import MARK, confidence_of
from workflow.potext import EntryBrief, scan_text
from workflow.store import _provenance, entry_state

TEXT = st.text(alphabet=st.sampled_from('ab "\\\n\t€中'), min_size=1, max_size=14)
COMMENTS = st.lists(st.sampled_from([
    "# fuzzy", "# a note on fuzzy matching", "#. fuzzy logic", "#. paragraph 1 of 2", "#: source/a.txt:3",
    "#, python-format", "#, fuzzy", "#, python-format, fuzzy", "#, no-fuzzy-please", "#| msgid \"old\"",
    "#| msgid \"\"", "# workflow: mt argos",
]), max_size=4)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def string(draw: st.DrawFn, keyword: str, text: str, prefix: str = "") -> list[str]:
    """`keyword "text"`, on one line or wrapped over several (split between characters, not in an escape)."""
    if draw(st.booleans()) and len(text) > 1:
        cut = draw(st.integers(1, len(text) - 1))
        return [f'{prefix}{keyword} ""', f'{prefix}"{escape(text[:cut])}"', f'{prefix}"{escape(text[cut:])}"']
    return [f'{prefix}{keyword} "{escape(text)}"']


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]
    for index in range(draw(st.integers(0, 7))):
        obsolete = draw(st.integers(0, 3)) == 0
        prefix = "#~ " if obsolete else ""
        comments = draw(COMMENTS)
        if obsolete:
            comments = [c.replace("#| ", "#~| ") for c in comments if not c.startswith(("#.", "#:"))]
        lines += comments
        if not obsolete or draw(st.booleans()):
            lines += string(draw, "msgctxt", f"k{index}", prefix)
        source = draw(TEXT)
        lines += string(draw, "msgid", source, prefix)
        if draw(st.integers(0, 3)) == 0:  # a plural entry, some forms possibly empty
            lines += string(draw, "msgid_plural", source + "s", prefix)
            for form in range(2):
                lines += string(draw, f"msgstr[{form}]", draw(st.sampled_from(["", "x", "y\n"])), prefix)
        else:
            lines += string(draw, "msgstr", draw(st.sampled_from(["", "t", draw(TEXT)])), prefix)
        lines.append("")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines)


def polib_briefs(path: Path) -> list[tuple[EntryBrief, int]]:
    return [(EntryBrief(e.msgctxt or "", e.msgid, entry_state(e)), e.linenum)
            for e in polib.pofile(str(path)) if not e.obsolete]


HEAD = 'msgid ""\nmsgstr ""\n\n'
LIVE = 'msgctxt "k"\nmsgid "a"\nmsgstr "b"\n'


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=catalogs())
@example(text=HEAD + "# fuzzy\n#. fuzzy\n" + LIVE)  # comments that say "fuzzy" are not the flag
@example(text=HEAD + '#, fuzzy\n#~ msgid "gone"\n#~ msgstr "g"\n\n' + LIVE)  # the flag of an obsolete entry
@example(text=HEAD + 'msgctxt "k"\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] ""\n')  # one empty
@example(text=HEAD + '#, fuzzy\n#| msgid "old"\n#| msgid ""\n' + LIVE)  # found: the last `#| msgid` counts
@example(text=(HEAD + "#, fuzzy\n" + LIVE).replace("\n", "\r\n"))
def test_the_scanner_agrees_with_polib(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(text.encode("utf-8"))
    briefs = scan_text(text)
    assert briefs is not None, "a usual layout must not need polib"
    expected = polib_briefs(path)
    assert briefs == [brief for brief, _ in expected]
    assert [brief.line for brief in briefs] == [line for _, line in expected]


# -- catalogs written by polib -------------------------------------------------------------------

WORDS = st.sampled_from(["fuzzy", "a", "b c", "Fuzzy", "no-fuzzy", "\n", "\t", "\"", "\\", " ", "中文", "#,",
                         "#|", "msgid", "x" * 30])
POLIB_TEXT = st.lists(WORDS, min_size=0, max_size=8).map("".join)
COMMENT = st.lists(st.sampled_from([
    "fuzzy", "a fuzzy match", "#, fuzzy", "note", "workflow: mt argos", "workflow: reviewed",
    "workflow: tm 92%" + MARK + "40", "workflow-ignore: all", "checked" + MARK + "70",
]), max_size=3).map("\n".join)
FLAGS = st.lists(st.sampled_from(["fuzzy", "python-format", "no-fuzzy", "c-format"]), max_size=2, unique=True)


@st.composite
def polib_entry(draw: st.DrawFn, index: int) -> polib.POEntry:
    source = f"{index}{draw(POLIB_TEXT)}"  # never empty, never a duplicate: the header has msgid ""
    entry = polib.POEntry(msgid=source, comment=draw(COMMENT), tcomment=draw(COMMENT), flags=draw(FLAGS),
                          obsolete=draw(st.integers(0, 4)) == 0)
    if draw(st.booleans()):
        entry.msgctxt = f"k{index}" + draw(st.sampled_from(["", " fuzzy", "\n2"]))
    if not entry.obsolete:
        entry.occurrences = draw(st.lists(st.tuples(st.sampled_from(["a.txt", "b/c.html"]),
                                                    st.integers(1, 999).map(str)), max_size=3))
    if draw(st.booleans()):
        entry.previous_msgid = draw(POLIB_TEXT)
        if draw(st.booleans()):
            entry.previous_msgctxt = draw(POLIB_TEXT)
    if draw(st.integers(0, 3)) == 0:  # a plural entry, some forms possibly empty
        entry.msgid_plural = source + "s"
        forms = draw(st.integers(1, 3))
        entry.msgstr_plural = {form: draw(st.sampled_from(["", "t", "y\n"])) for form in range(forms)}
    else:
        entry.msgstr = draw(st.sampled_from(["", draw(POLIB_TEXT)]))
    return entry


@st.composite
def polib_catalogs(draw: st.DrawFn) -> str:
    width = draw(st.sampled_from([0, 10, 20, 40, 76, 77, 78, 79, 80, 100]))
    catalog = polib.POFile(wrapwidth=width)
    catalog.header = draw(st.sampled_from(["", "Translation of a bulletin.", "fuzzy header\nsecond line"]))
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "zh",
                        "Plural-Forms": "nplurals=2; plural=(n != 1);", "X-Note": draw(POLIB_TEXT)}
    if draw(st.booleans()):
        catalog.metadata_is_fuzzy = True  # `#, fuzzy` on the header entry, as in a POT file
    for index in range(draw(st.integers(0, 8))):
        catalog.append(draw(polib_entry(index)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return str(catalog).replace("\n", newline) + newline


@hypothesis_settings(max_examples=200, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=polib_catalogs())
# found by it: the confidence is the first `workflow:` comment's, as store reads it from polib
@example(text=HEAD + "# workflow: mt argos\n# workflow: tm 92%" + MARK + "40\n" + LIVE)
@example(text=HEAD + "# checked" + MARK + "70\n" + LIVE)  # a confidence outside the provenance comment
def test_the_scanner_agrees_with_polib_on_catalogs_polib_writes(tmp_path: Path, text: str) -> None:
    """Per live entry: key, source, state, line and recorded confidence as polib and entry_state read them."""
    path = tmp_path / "a.po"
    path.write_bytes(text.encode("utf-8"))
    briefs = scan_text(text)
    assert briefs is not None, "what polib writes must not need polib to read"
    expected = [(e.msgctxt or "", e.msgid, entry_state(e), e.linenum, confidence_of(_provenance(e)))
                for e in polib.pofile(str(path)) if not e.obsolete]
    assert [(b.key, b.source, b.state, b.line, b.confidence) for b in briefs] == expected
