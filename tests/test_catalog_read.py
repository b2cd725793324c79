"""potext.parse_text reads a catalog exactly as polib 1.2's parser does (store reads catalogs with it).

polib is the reference: for every text, the fast reader gives the same entries, in the
same order, with the same attributes of the same types (live entries' `obsolete` is 0,
an obsolete entry's `previous_msgid` is not read, `msgstr[10]` is form 1, line numbers),
and the same header comment, fields and fuzzy flag; where polib's parser raises, it
gives None (then store lets polib read the file, to report the error in its words).
Checked on every catalog under tests/, on random catalogs that polib itself wrote
(every field, obsolete entries, plural forms, wrapping widths, CRLF and CR line ends,
a BOM), and on random sequences of PO lines, malformed ones among them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workflow import potext, store
from workflow.potext import _unescape, parse_text

TESTS = Path(__file__).resolve().parent
CORPUS = sorted([*TESTS.rglob("*.po"), *TESTS.rglob("*.pot")])


def polib_read(text: str) -> polib.POFile | None:
    """polib's parser on a text (as store ran it before parse_text), None where it raises."""
    parser: Any = polib._POFileParser("", check_for_duplicates=False)
    parser.fhandle = io.StringIO(text, newline=None)
    try:
        catalog: polib.POFile = parser.parse()
    except (OSError, ValueError):
        return None
    return catalog


def typed(value: object) -> tuple[str, object]:
    return type(value).__name__, value  # 0 and False, 1 and True told apart


def snapshot(catalog: polib.POFile) -> tuple[object, ...]:
    """Everything polib's parser sets: the file's header, fields, fuzzy flag, and every entry's attributes."""
    return (catalog.header, list(catalog.metadata.items()), typed(catalog.metadata_is_fuzzy),
            [[(name, typed(value)) for name, value in vars(entry).items()] for entry in catalog],
            [type(entry) for entry in catalog])


def assert_read_as_polib(text: str) -> None:
    reference = polib_read(text)
    parsed = parse_text(text)
    if reference is None:
        assert parsed is None
        return
    if parsed is None:  # allowed only where polib picks one of several header entries (it took one out)
        assert [e for e in reference if e.msgid == "" and not e.obsolete]
        return
    ours = store._parse(Path("x.po"), text)
    assert snapshot(ours) == snapshot(reference)
    assert vars(ours) == {**vars(reference), "fpath": "x.po", "wrapwidth": 0}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(TESTS)))
def test_every_catalog_of_the_tests(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert_read_as_polib(text)
    assert_read_as_polib(text.replace("\n", "\r\n"))


# -- catalogs that polib wrote -----------------------------------------------------------------

PIECES = st.sampled_from([" ", "  ", "-", '"', "\\", "\\n", "\t", "\n", "\r", "\x1c", "\u2028", "\u00a0",
                          "中文", "x" * 70, "word ", "#", "#~", "msgid", ":", "a:1"])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=10).map("".join)
OPTIONAL = st.one_of(st.none(), TEXT)
FLAGS = st.lists(st.sampled_from(["fuzzy", "python-format", " x"]), max_size=2)
REFERENCES = st.lists(st.tuples(st.sampled_from(["source/a.html", "b c", "x:y", ""]),
                                st.sampled_from(["", "1", "12", "x"])), max_size=4)


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    catalog = polib.POFile(wrapwidth=draw(st.sampled_from([0, 40, 78, 79])))
    catalog.header = draw(TEXT)
    catalog.metadata = draw(st.dictionaries(st.sampled_from(["Language", "X-Note", "Plural-Forms"]), TEXT,
                                            max_size=3))
    catalog.metadata_is_fuzzy = draw(st.booleans())
    for number in range(draw(st.integers(0, 5))):
        plural = draw(st.booleans())
        entry = polib.POEntry(
            msgctxt=draw(OPTIONAL), msgid=draw(TEXT) or f"id{number}", msgstr="" if plural else draw(TEXT),
            comment=draw(TEXT), tcomment=draw(TEXT), obsolete=draw(st.booleans()),
            occurrences=draw(REFERENCES), flags=draw(FLAGS),
            previous_msgctxt=draw(OPTIONAL), previous_msgid=draw(OPTIONAL),
            previous_msgid_plural=draw(OPTIONAL))
        if plural:
            entry.msgid_plural = draw(TEXT)
            entry.msgstr_plural = dict(enumerate(draw(st.lists(TEXT, min_size=1, max_size=3))))
        catalog.append(entry)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(st.sampled_from(["", "\ufeff"])) + str(catalog).replace("\n", newline)


@settings(max_examples=300)
@given(catalogs())
def test_catalogs_polib_wrote(text: str) -> None:
    assert_read_as_polib(text)


# -- any sequence of PO lines ----------------------------------------------------------------

LINES = st.sampled_from([
    'msgid ""', 'msgstr ""', '"Language: fr\\n"', '"X-A: b\\n"', '"no colon\\n"', 'msgctxt "k"', 'msgid "a"',
    'msgid "a b"', 'msgstr "b"', 'msgid_plural "as"', 'msgstr[0] "x"', 'msgstr[1] "y"', 'msgstr[10] "z"',
    'msgstr[x] "z"', "msgstr[", '"cont"', '"say \\"q\\""', '"bad " quote"', '"a\\\\"', "# tc", "#", "##x",
    "#  two", "#. gc", "#.", "#: f.html:1 g.html", "#: a:b:3 :5 x:", "#:", "#, fuzzy, python-format", "#,",
    "#,fuzzy", '#| msgid "old"', '#| msgctxt "k"', '#| msgid_plural "olds"', '#| "more"', "#|", '#| foo "x"',
    "#| msgid", '#~ msgid "gone"', '#~ msgstr "weg"', '#~ msgctxt "k2"', '#~ "cont"', '#~| msgid "older"',
    "#~", "#~ # c", '#~ msgstr[0] "p"', '  msgid "indented"  ', 'msgid\t"tab"', "", "   ", "#@ x", "garbage",
    "msgid", "msgidX", 'msgstr"x"', "#\ttab", "#.\ttab", "#:x", "#.x", '\ufeffmsgid ""',
    '# a\u2028b ', '#.\u00a0nbsp', '"\x1c"', 'msgid "x"y"',
])
STRINGS = st.builds(lambda keyword, text: f'{keyword}"{text}"',
                    st.sampled_from(["msgid ", "msgstr ", "msgctxt ", "", "#| msgid ", "#~ msgid "]),
                    st.text(alphabet='a "\\nt\té\u2028', max_size=6))


@settings(max_examples=500)
@given(st.lists(st.one_of(LINES, STRINGS), max_size=24), st.sampled_from(["\n", "\r\n", "\r"]))
@example(['msgid ""', 'msgstr ""', "", "# c", 'msgid "a"', 'msgstr "b"', "", "# trailing"], "\n")
@example(["# only a comment", 'msgid "a"', 'msgstr "b"'], "\n")  # no header: the comment is the file's
@example(['msgid ""', 'msgstr ""', "", 'msgctxt "k"', 'msgid ""', 'msgstr "x"'], "\n")  # two msgid ""
@example(["#, fuzzy", "# after the flag", 'msgid ""', 'msgstr "A: b\\n"'], "\n")
@example(['msgid "a"', 'msgid_plural "as"', 'msgstr[10] "x"', '"more"'], "\n")
@example(['#~ msgid "a"', '#~ msgstr "b"', "", 'msgid "c"', 'msgstr "d"'], "\n")  # obsolete 1, live 0
@example(["msgidX", 'msgstr ""'], "\n")  # no space after the keyword: not a keyword (polib raises)
def test_any_lines(lines: list[str], newline: str) -> None:
    assert_read_as_polib(newline.join(lines))


@given(st.text(alphabet='\\ntrvbf"x\n', max_size=12))
@example("a\\\\nb")  # an escaped backslash, then n: not a line end
def test_unescape_is_polibs(value: str) -> None:
    assert _unescape(value) == polib.unescape(value)


LAYOUT_LINES = st.sampled_from([
    '"abc"', '"abc\\n"', '"', '""', '#~ "x"', '#~| "y y"', '#| "z"', "#~|\"q\"", 'msgid ""', 'msgstr "a b"',
    '"word word "', ' "lead"', '"trail"  ', '"x"\r', '"a\\\\n"', '"a\\n" ', "# c", "", '"中文 中"',
    "#~ msgstr \"\"", '"' + "w " * 38 + '"', '"' + "w " * 39 + 'w"',
])


@given(st.lists(LAYOUT_LINES, max_size=12), st.sampled_from(["", "poedit", "weblate"]))
@example(['msgstr ""', '"a b "', '"c"'], "")  # wrapped: a width
@example(['msgstr ""', '"a\\n"', '"c"'], "")  # broken at line ends only: no width
def test_layout_of_unwrapped_files_at_once(lines: list[str], tool: str) -> None:
    """detect_layout's one search for a file with no wrapped string gives what its line loop gives."""
    text = "\n".join(lines) + f'\n"X-Generator: {tool}\\n"\n'
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(potext, "_WRAPPED", re.compile(""))  # every file through the loop
        looped = potext.detect_layout(text)
    assert potext.detect_layout(text) == looped


def blocks_by_lines(text: str, starts: list[int]) -> tuple[str, list[str]] | None:
    """entry_blocks' definition, line by line: one msgid line in each block (in the header: 0 or 1)."""
    lines = text.split("\n")
    bounds = [*(s - 1 for s in starts), len(lines)]
    if any(b >= a for a, b in zip(bounds[1:], bounds)) or (starts and bounds[0] < 0):
        return None
    chunks = [lines[first:end] for first, end in zip([0, *bounds], bounds)]
    for chunk in chunks:
        while chunk and not chunk[-1].strip():
            chunk.pop()
    msgid = re.compile(r"(?:#~ ?)?msgid[ \t]")
    counts = [sum(1 for line in chunk if msgid.match(line)) for chunk in chunks]
    if counts[0] > 1 or any(count != 1 for count in counts[1:]):
        return None
    return "\n".join(chunks[0]), ["\n".join(chunk) for chunk in chunks[1:]]


@given(catalogs(), st.lists(st.integers(-1, 3), max_size=3))
def test_entry_blocks(text: str, shifts: list[int]) -> None:
    """The blocks of a catalog's entries at polib's line numbers (some moved: then often None), as defined."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reference = polib_read(text)
    if reference is None:
        return
    starts = [entry.linenum for entry in reference]
    for number, shift in enumerate(shifts):
        if number < len(starts):
            starts[number] += shift
    assert potext.entry_blocks(text, starts) == blocks_by_lines(text, starts)


@pytest.mark.parametrize("width", [0, 79])
@pytest.mark.parametrize("brk", ["\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_string_broken_at_its_own_line_breaks_says_nothing_of_the_width(width: int, brk: str) -> None:
    """polib breaks a string at every line break str.splitlines knows (\\v, \\f, U+001E, U+2028…),
    not only at \\n: such short lines are not wrapping, and the file keeps its width (a reviewer's
    target with a \\v once made later rewrites wrap at 5 columns)."""
    catalog = polib.POFile(wrapwidth=width)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.append(polib.POEntry(msgid="Yes or no?", msgstr=f"Oui{brk}non"))
    long = "The fair drew exhibitors from more than one hundred countries and regions this year, " * 2
    catalog.append(polib.POEntry(msgid=long, msgstr=long.upper()))
    text = catalog.__unicode__()
    assert f"Oui{polib.escape(brk)}\"\n" in text  # polib did break the target at its line break
    assert potext.detect_layout(text).width == width
