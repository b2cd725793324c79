"""The fast scanner `status` reads with gives what polib gives, on catalogs generated to trip it.

bench/bench_obsolete.py shows why it is kept (several times faster than polib on the same
file); this shows it is right: comments that contain "fuzzy" without being a flag, obsolete
blocks before and after live entries (with and without msgctxt, with `#~|` lines and flags),
plural entries with some forms empty, wrapped strings with escapes, CRLF line ends.
"""

from __future__ import annotations

from pathlib import Path

import polib
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from workflow.potext import EntryBrief, scan_text
from workflow.store import entry_state

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
