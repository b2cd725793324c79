"""Damaged catalogs, through every command that reads catalogs.

Each case damages the zh catalog of one article (a.html) the way hands and tools
do, then runs extract, status, check, publish, pretranslate, review and run. Where the
damage concerns a command, it fails with `error: path:line: message` and a
`hint:` line and exits non-zero; always the damaged file is left byte for byte as
it was, no traceback is printed, and the other articles are still processed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from extracting import make_workspace, msgfmt_check

from workflow.cli import cli
from workflow.errors import CatalogError
from workflow.model import State
from workflow.potext import check_syntax, scan_text
from workflow.segment import unit_key
from workflow.store import load_catalog, polib_briefs, scan_catalog

ARTICLE = (
    "<html><head><title>Fair news</title></head><body>\n"
    "<p>The fair opened in <b>Beijing</b> on Friday.</p>\n"
    "<p>Some 22,000 firms took part.</p>\n"
    "</body></html>\n"
)
REVIEWED = "Title of the second article\n\nIt is fully reviewed.\n"
EMPTY = "Title of the third article\n\nNobody has translated it yet.\n"
COMMANDS = {
    "extract": ["extract"],
    "status": ["status"],
    "check": ["check", "--checks", "placeholders"],
    "publish": ["publish"],
    "pretranslate": ["pretranslate", "--engine", "pseudo"],
    "review": ["review"],
    "run": ["run", "--engine", "pseudo"],
}


def translate(source: str) -> str:
    """A stand-in translation that keeps every placeholder in place."""
    return f"【{source}】"


def workspace(root: Path) -> Path:
    """a.html and b.txt reviewed in zh, c.txt untranslated; extracted."""
    make_workspace(root, {"a.html": ARTICLE, "b.txt": REVIEWED, "c.txt": EMPTY}, languages="zh")
    assert invoke(root, "extract").exit_code == 0
    for name in ("a", "b"):
        path = root / "locales" / "zh" / f"{name}.po"
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = translate(entry.msgid)
        catalog.save(str(path))
    return root


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


# -- the damage ----------------------------------------------------------------------------


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def entry_line(data: bytes, source: str) -> int:
    """The line where the entry of `source` starts (its first comment), as polib counts."""
    at = data.index(f'msgid "{source}"'.encode())
    return data[:data.rindex(b"\n\n", 0, at) + 2].count(b"\n") + 1


FIRST = "The fair opened in <1>Beijing</1> on Friday."


def syntax_error(root: Path, data: bytes) -> tuple[bytes, int]:
    damaged = data.replace(b'msgctxt "', b'this line is not PO\nmsgctxt "', 1)
    return damaged, line_of(damaged, b"this line is not PO")


def lost_quotes(root: Path, data: bytes) -> tuple[bytes, int]:
    """polib itself reads `msgid Some text` as `ome tex`, without a word."""
    damaged = data.replace(b'msgid "Some 22,000 firms took part."', b"msgid Some 22,000 firms took part.")
    return damaged, line_of(damaged, b"msgid Some")


def other_charset(root: Path, data: bytes) -> tuple[bytes, int]:
    """The header says Latin-1, the text is UTF-8: polib would garble every Chinese character."""
    damaged = data.replace(b"charset=UTF-8", b"charset=ISO-8859-1")
    return damaged, line_of(damaged, b'"Content-Type:')


def invalid_utf8(root: Path, data: bytes) -> tuple[bytes, int]:
    damaged = data.replace("【Some".encode(), b"\xe9Some", 1)
    return damaged, line_of(damaged, b"\xe9Some")


def duplicate_entry(root: Path, data: bytes) -> tuple[bytes, int]:
    start = data.index(b"\n\n", data.index(b'msgid ""')) + 2
    first = data[start:data.index(b"\n\n", start) + 2]
    damaged = data + b"\n" + first
    return damaged, damaged.count(b"\n", 0, len(damaged) - len(first)) + 1


def header_syntax_error(root: Path, data: bytes) -> tuple[bytes, int]:
    """A `"` moved to the next line in the header: msgfmt calls it fatal, polib read on and lost text."""
    damaged = re.sub(rb'("PO-Revision-Date: [^"\n]*)"\n', rb'\1\n"', data, count=1)
    assert damaged != data
    return damaged, line_of(damaged, b'"PO-Revision-Date:')


def header_unquoted(root: Path, data: bytes) -> tuple[bytes, int]:
    damaged = data.replace(b'msgid ""\nmsgstr ""\n', b'msgid ""\nmsgstr Project header\n', 1)
    assert damaged != data
    return damaged, line_of(damaged, b"msgstr Project")


SOME = b'msgid "Some 22,000 firms took part."\n'


def plural_without_forms(root: Path, data: bytes) -> tuple[bytes, int]:
    """msgid_plural added, the msgstr left plain: the scanner read it as reviewed, polib as new."""
    damaged = data.replace(SOME, SOME + b'msgid_plural "Some 22,000 firms took part."\n')
    assert damaged != data
    return damaged, line_of(damaged, "msgstr \"【Some".encode())


def forms_without_plural(root: Path, data: bytes) -> tuple[bytes, int]:
    """msgstr[0] in an entry with no msgid_plural: a translation no command would publish."""
    damaged = data.replace("msgstr \"【Some".encode(), "msgstr[0] \"【Some".encode())
    assert damaged != data
    return damaged, line_of(damaged, b"msgstr[0]")


def edited_msgctxt(root: Path, data: bytes) -> tuple[bytes, int]:
    damaged = data.replace(unit_key(FIRST).encode(), b"my-own-key")
    return damaged, entry_line(damaged, FIRST)


def broken_placeholders(root: Path, data: bytes) -> tuple[bytes, int]:
    damaged = data.replace("<1>Beijing</1> on Friday.】".encode(), "<1>Beijing on Friday.】".encode())
    return damaged, entry_line(damaged, FIRST)


def source_gone(root: Path, data: bytes) -> tuple[bytes, int]:
    (root / "source" / "a.html").unlink()
    return data, 0


def plural_rule_divides_by_zero(root: Path, data: bytes) -> tuple[bytes, int]:
    """A typo in the header's Plural-Forms: every command but status stopped with an internal error
    (ZeroDivisionError), the other articles left undone; msgfmt calls it an error."""
    damaged = re.sub(rb'"Plural-Forms: [^"]*"', rb'"Plural-Forms: nplurals=2; plural=n%0;\\n"', data, count=1)
    assert damaged != data
    return damaged, line_of(damaged, b'"Plural-Forms:')


def plural_rule_unreadable(root: Path, data: bytes) -> tuple[bytes, int]:
    """An expression gettext cannot read, wrapped over two strings as PO editors wrap long headers."""
    damaged = re.sub(rb'"Plural-Forms: [^"]*"', rb'"Plural-Forms: nplurals=2; "\n"plural=(n ? ;\\n"', data,
                     count=1)
    assert damaged != data
    return damaged, line_of(damaged, b'"Plural-Forms:')


def escaped_bytes(root: Path, data: bytes) -> tuple[bytes, int]:
    """`msgcat --escape` writes non-ASCII characters as octal byte codes: msgfmt reads them as the
    characters, every reader here kept them as backslashes and digits (published, marked reviewed)."""
    escaped = "".join(f"\\{byte:03o}" for byte in "【Some".encode())
    damaged = data.replace("【Some".encode(), escaped.encode(), 1)
    assert damaged != data
    return damaged, line_of(damaged, escaped.encode())


def invalid_escape(root: Path, data: bytes) -> tuple[bytes, int]:
    """`\\q` is a fatal error to msgfmt; it was published as written."""
    damaged = data.replace("【Some".encode(), "【\\qSome".encode(), 1)
    assert damaged != data
    return damaged, line_of(damaged, b"\\qSome")


def entry_added_by_hand(root: Path, data: bytes) -> tuple[bytes, int]:
    """An entry with no msgctxt, added in a PO editor: the error said `msgctxt None is not the key…`
    and asked to restore lines that never existed."""
    damaged = data + b'\nmsgid "Welcome"\nmsgstr "\xe6\xac\xa2\xe8\xbf\x8e"\n'
    return damaged, damaged.count(b"\n", 0, len(data)) + 2


def obsolete_copy(root: Path, data: bytes) -> tuple[bytes, int]:
    """An obsolete `#~` copy of a live entry (pasted back from an old file): msgfmt calls it a duplicate
    message definition; every command read the file, the obsolete translation ignored."""
    start = data.index(b"\n\n", data.index(b'msgid ""')) + 2
    first = data[start:data.index(b"\n\n", start)]
    copy = b"\n".join(b"#~ " + line for line in first.split(b"\n") if not line.startswith(b"#"))
    damaged = data + b"\n" + copy + b"\n"
    return damaged, damaged.count(b"\n", 0, len(data)) + 2


@dataclass(frozen=True)
class Case:
    damage: Callable[[Path, bytes], tuple[bytes, int]]
    message: str  # what the error line says
    hint: str  # what the hint says
    fails: frozenset[str]  # the commands that must refuse this catalog (exit 1)


EVERY = frozenset(COMMANDS)
CASES = {
    "syntax-error": Case(syntax_error, "cannot read catalog: PO syntax error", "fix the file", EVERY),
    "lost-quotes": Case(lost_quotes, "cannot read catalog: PO syntax error: the string after msgid is not in "
                        "double quotes", "fix the file", EVERY),
    "other-charset": Case(other_charset, "the header declares charset=ISO-8859-1; workflow catalogs are "
                          "UTF-8", "msgconv --to-code=UTF-8", EVERY),
    "invalid-utf8": Case(invalid_utf8, "byte 0xe9 is not valid UTF-8", "convert it", EVERY),
    "duplicate-entry": Case(duplicate_entry, "a second entry for the unit", "delete one of the two entries",
                            EVERY),
    "plural-without-forms": Case(plural_without_forms, "cannot read catalog: PO syntax error: an entry with "
                                 "msgid_plural needs msgstr[0], msgstr[1]…, not msgstr",
                                 'msgstr[0] "…", msgstr[1] "…"', EVERY),
    "forms-without-plural": Case(forms_without_plural, "cannot read catalog: PO syntax error: msgstr[0] "
                                 "without msgid_plural", 'has one msgstr "…"', EVERY),
    "entry-added-by-hand": Case(entry_added_by_hand, "the entry for 'Welcome' has no msgctxt: it is not a "
                                "unit of this catalog's article", "delete the entry, or make it obsolete",
                                EVERY),
    "obsolete-copy": Case(obsolete_copy, "an obsolete (#~) copy of the entry at line", "delete the #~ entry",
                          EVERY),
    "edited-msgctxt": Case(edited_msgctxt, "msgctxt 'my-own-key' is not the key of this entry's msgid",
                           "edit only msgstr", EVERY),
    "header-syntax-error": Case(header_syntax_error, "cannot read catalog: PO syntax error: a string does "
                                "not end on its line with a closing double quote", "fix the file", EVERY),
    "header-unquoted": Case(header_unquoted, "cannot read catalog: PO syntax error: the string after msgstr "
                            "is not in double quotes", "fix the file", EVERY),
    "plural-rule-divides-by-zero": Case(plural_rule_divides_by_zero, "cannot read catalog: the header's "
                                        "Plural-Forms 'nplurals=2; plural=n%0;' divides by zero for n = 0",
                                        "write the language's rule there", EVERY),
    "plural-rule-unreadable": Case(plural_rule_unreadable, "cannot read catalog: the header's Plural-Forms "
                                   "'nplurals=2; plural=(n ? ;' has a plural expression that is not one "
                                   "gettext can read", "write the language's rule there", EVERY),
    "escaped-bytes": Case(escaped_bytes, "cannot read catalog: the escape \\343 (a byte or control code, as "
                          "`msgcat --escape` writes) is one workflow does not read", "/locales/zh/a.po -o /",
                          EVERY),
    "invalid-escape": Case(invalid_escape, "cannot read catalog: \\q is not an escape sequence of PO files",
                           "write a backslash as", EVERY),
    # publish and pretranslate go from the sources: they never read a catalog without one
    "source-gone": Case(source_gone, "no source article for this catalog (source/a.* is gone)",
                        "delete locales/*/a.po and locales/templates/a.pot",
                        EVERY - {"publish", "pretranslate"}),
    # a translation problem, not a file problem: `check` finds it (exit 3), publish refuses the unit
    "broken-placeholders": Case(broken_placeholders, "", "", frozenset()),
}


def others_processed(root: Path, command: str, result: Result) -> None:
    """Evidence that the command went on with b.txt and c.txt."""
    zh = root / "locales" / "zh"
    if command == "extract":
        assert "Added later." in (zh / "c.po").read_text(encoding="utf-8")
    elif command == "status":
        assert re.search(r"^zh +b\.txt .* 100\.0%$", result.stdout, re.M), result.stdout
        assert re.search(r"^zh +c\.txt .* 0\.0%$", result.stdout, re.M), result.stdout
    elif command == "check":
        assert re.search(r"translated unit\(s\) in [23] catalog\(s\)", result.stderr), result.stderr
    elif command in ("publish", "run"):
        assert (root / "output" / "zh" / "b.html").is_file()
    elif command == "pretranslate":
        filled = [e for e in polib.pofile(str(zh / "c.po")) if e.msgstr]
        assert filled and all("fuzzy" in e.flags for e in filled)
    elif command == "review":
        assert "Nobody has translated it yet." in (root / "output" / "review" / "zh.html").read_text("utf-8")


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("name", list(CASES))
def test_a_damaged_catalog(tmp_path: Path, name: str, command: str) -> None:
    root = workspace(tmp_path / "ws")
    case = CASES[name]
    path = root / "locales" / "zh" / "a.po"
    damaged, line = case.damage(root, path.read_bytes())
    path.write_bytes(damaged)
    (root / "source" / "c.txt").write_text(EMPTY + "\nAdded later.\n", encoding="utf-8")

    result = invoke(root, *COMMANDS[command])

    assert path.read_bytes() == damaged, "the damaged catalog was rewritten"
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    others_processed(root, command, result)
    where = f"{path}:{line}" if line else str(path)
    if command in case.fails:
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        expected = f"error: {where}: {case.message}"
        error = next((n for n, text in enumerate(lines) if text.startswith(expected)), None)
        assert error is not None, f"no `{expected}…` in\n{result.stderr}"
        assert lines[error + 1].startswith("hint: ") and case.hint in lines[error + 1], lines
        assert "1 file(s) failed" in result.stderr
    elif name == "broken-placeholders" and command == "check":
        assert result.exit_code == 3, result.output
        assert f"{path}:{line}: error: [placeholders] missing </1>" in result.stdout
        assert "hint: fix the msgstr at each path:line above" in result.stderr
    elif name == "broken-placeholders" and command == "run":
        assert result.exit_code == 3, result.output  # QA errors remain; publishing still happened
        assert f"{path}:{line}: error: [placeholders] missing </1>" in result.stdout
        assert "refused: source/a.html:2: unit" in result.stderr
    elif name == "broken-placeholders" and command == "publish":
        assert result.exit_code == 0, result.output  # published, the unit in English and marked
        assert "refused: source/a.html:2: unit" in result.stderr
        assert "placeholders do not match the source: missing </1>" in result.stderr
        assert "hint: fix the msgstr of each refused unit in locales/zh/a.po" in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert "error:" not in result.stderr


def test_a_repaired_catalog_works_again(tmp_path: Path) -> None:
    """Nothing was lost while the catalog was refused: restoring the line restores everything."""
    root = workspace(tmp_path / "ws")
    path = root / "locales" / "zh" / "a.po"
    good = path.read_bytes()
    path.write_bytes(edited_msgctxt(root, good)[0])
    assert invoke(root, "extract").exit_code == 1
    path.write_bytes(good)
    result = invoke(root, "extract")
    assert result.exit_code == 0, result.output
    reviewed = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgstr and "fuzzy" not in e.flags}
    assert reviewed[FIRST] == translate(FIRST)
    assert invoke(root, "publish").exit_code == 0
    assert translate("Some 22,000 firms took part.") in (root / "output" / "zh" / "a.html").read_text("utf-8")


# -- plural keywords: refused where msgfmt refuses them, read where it reads them ----------------

PLURAL_HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                 '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
WRONG_PLURALS = {  # an entry msgfmt calls a fatal error, and the 1-based line of the msgstr at fault
    "plain-after-plural": ('msgid "a"\nmsgid_plural "as"\nmsgstr "x"\n', 3),
    "plain-after-forms": ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr "z"\n', 5),
    "wrapped-plural": ('msgid "a"\nmsgid_plural ""\n"as"\nmsgstr ""\n"x"\n', 4),
    "forms-alone": ('msgid "a"\nmsgstr[0] "x"\n', 2),
    "forms-after-plain": ('msgid "a"\nmsgstr "y"\nmsgstr[0] "x"\n', 3),
    "obsolete-plain-after-plural": ('#~ msgid "a"\n#~ msgid_plural "as"\n#~ msgstr "x"\n', 3),
    "obsolete-forms-alone": ('#~ msgid "a"\n#~ msgstr[0] "x"\n', 2),
    "crlf": ('msgid "a"\r\nmsgid_plural "as"\r\nmsgstr "x"\r\n', 3),
}
VALID_PLURALS = (  # what msgfmt reads, in one file: none of it may be refused
    '#, fuzzy\n#| msgid "old"\n#| msgid_plural "olds"\nmsgid "b"\nmsgstr "x"\n\n'  # a plural previous msgid
    'msgid "c"\nmsgid_plural ""\n"cs"\nmsgstr[0] ""\n"y"\nmsgstr[1] "msgstr[0] \\"z\\""\n\n'  # wrapped; text
    '# msgid_plural "in a comment"\nmsgid "d"\nmsgstr "msgstr[1] here"\n\n'
    '#~ msgid "e"\n#~ msgid_plural "es"\n#~ msgstr[0] "f"\n#~ msgstr[1] "fs"\n\n'
    '#~| msgid "g0"\n#~| msgid_plural "g0s"\n#~ msgid "g"\n#~ msgstr "h"\n'
)


@pytest.mark.parametrize("name", list(WRONG_PLURALS))
def test_plural_keywords_in_the_wrong_entry_are_refused_as_msgfmt_does(tmp_path: Path, name: str) -> None:
    entry, line = WRONG_PLURALS[name]
    path = tmp_path / "a.po"
    data = (PLURAL_HEADER + 'msgid "before"\nmsgstr "ok"\n\n' + entry).encode()
    path.write_bytes(data)
    assert "fatal error" in msgfmt_check(path)
    line += PLURAL_HEADER.count("\n") + 3
    for read in (lambda: check_syntax(path, data.decode()), lambda: scan_catalog(path, keys=False),
                 lambda: load_catalog(path)):
        with pytest.raises(CatalogError) as refused:
            read()
        assert refused.value.line == line and refused.value.path == path
        assert "msgid_plural" in str(refused.value)
    assert path.read_bytes() == data


def test_plural_entries_msgfmt_reads_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_bytes((PLURAL_HEADER + VALID_PLURALS).encode())
    said = msgfmt_check(path)
    assert "error" not in said and "exit" not in said, said  # warnings only (a short header)
    expected = [("b", State.CHANGED), ("c", State.REVIEWED), ("d", State.REVIEWED)]
    assert scan_text(PLURAL_HEADER + VALID_PLURALS) is not None, "the scanner reads it, not polib"
    assert [(brief.source, brief.state) for brief in scan_catalog(path, keys=False)] == expected
    assert [(brief.source, brief.state) for brief in polib_briefs(path, keys=False)] == expected
    assert [e.msgid for e in load_catalog(path)] == ["b", "c", "d", "e", "g"]


@pytest.mark.parametrize("lang", ["zh", "fr", "de", "ar", "ru", "pl", "cs", "ga", "he", "ja", "lt", "sl",
                                  "ro", "cy", "pt-BR", "sr-Latn", "uk", "mt", "gd", "is", "mk", "lv", "br"])
def test_every_plural_rule_workflow_writes_is_one_the_check_accepts(lang: str) -> None:
    """The check refuses only rules gettext cannot evaluate: never one this tool writes itself."""
    from workflow.languages import plural_forms
    from workflow.potext import plural_rule_problem

    assert plural_rule_problem(plural_forms(lang)) is None, plural_forms(lang)


@pytest.mark.parametrize(("value", "problem"), [
    ("nplurals=2; plural=n%0;", "divides by zero for n = 0"),
    ("nplurals=2; plural=0*(1/(n-5));", "divides by zero for n = 5"),
    ("nplurals=1; plural=n>1;", "gives form 1 for n = 2, but nplurals is 1"),  # msgfmt --check refuses it
    ("nplurals=3; plural=n%10==1 ? 0 : n==0 ? 3 : 1;", "gives form 3 for n = 0, but nplurals is 3"),
    ("nplurals=2; plural=n==1 ? 0 : 0 * (1000 % (n - 999));", "divides by zero for n = 999"),
    ("nplurals=2;", "has no plural=EXPRESSION"),
    ("plural=(n != 1);", "has no nplurals=N"),
    ("nplurals=0; plural=0;", "has no nplurals=N"),
    ("nplurals=2; plural=(n ? ;", "not one gettext can read"),
    ("nplurals=2; plural=__import__('os');", "not one gettext can read"),
    ("nplurals=2; plural=(n != 1);", None),
    ("nplurals=1; plural=0;", None),
])
def test_a_plural_rule_is_checked_as_msgfmt_evaluates_it(value: str, problem: str | None) -> None:
    from workflow.potext import plural_rule_problem

    found = plural_rule_problem(value)
    assert (found is None) if problem is None else (found is not None and problem in found), found


@pytest.mark.parametrize("text", [
    'msgid "a"\nmsgstr "x\\\\q \\t \\" \\n \\r \\v \\b \\f"\n',  # `\\` then q: a backslash and a q
    '# C:\\temp\\x41 a translator\'s note\n#. \\345 in a comment\nmsgid "a"\nmsgstr "b"\n',
    '#| msgid "old\\\\x"\nmsgid "a"\nmsgstr "b"\n',
])
def test_escapes_the_readers_decode_and_backslashes_outside_strings_are_accepted(text: str) -> None:
    check_syntax(Path("a.po"), text)


@pytest.mark.parametrize(("text", "escape"), [
    ('msgid "a"\nmsgstr "\\x41"\n', "\\x41"),
    ('msgid "a"\nmsgstr ""\n"b\\a"\n', "\\a"),
    ('#~ msgid "a"\n#~ msgstr "\\0"\n', "\\0"),
    ('#| msgid "\\q"\nmsgid "a"\nmsgstr "b"\n', "\\q"),
    ('msgid "a"\nmsgstr "\\\\\\345"\n', "\\345"),  # `\\` then `\345`
])
def test_escapes_the_readers_would_keep_as_written_are_refused(text: str, escape: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(escape)):
        check_syntax(Path("a.po"), text)
