"""PO files as text: the checks made before any parser reads one, the layout a file was
written in, the writer and reader of entries, and a fast scanner of entry states.

Nothing here imports polib (see store.py). The checks refuse what msgfmt calls fatal
but polib would read as something else; the layout (wrapping width, line ends) lets a
rewrite keep the style of the tool that last saved the file; the writer gives polib's
text of an entry and the reader polib's reading of a file (its entries' attributes),
each several times faster than polib; the scanner gives `status` the state of every
live entry in one linear pass.
"""

from __future__ import annotations

import functools
import hashlib
import re
import textwrap
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path

from .confidence import MARK, confidence_of
from .errors import CatalogError
from .model import State
from .patterns import lazy_compile
from .records import frozen, mutable
from .segment import unit_key

FIX_HINT = ("fix the file in a PO editor (msgfmt --check shows the problem)"
            " or restore it from version control")
GETTEXT_WIDTH = 79  # GNU gettext's default page width; it wraps `#:` lines there even with --no-wrap

# -- the checks ------------------------------------------------------------------------------

_CHARSET = lazy_compile(rb'^"Content-Type:[^\n]*?charset=([^\s"\\;]*)', re.M | re.I)


def check_encoding(path: Path, data: bytes) -> str:
    """A catalog's text; refuses bytes that are not UTF-8, or a header that declares another charset."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"byte 0x{data[exc.start]:02x} is not valid UTF-8", path=path,
                           line=data.count(b"\n", 0, exc.start) + 1,
                           hint="workflow catalogs are UTF-8: if the file is in another encoding, convert it "
                           "(msgconv --to-code=UTF-8), else restore it from version control") from None
    second = data.find(b"\nmsgid ", data.find(b"msgid ") + 1)
    declared = _CHARSET.search(data, 0, second if second >= 0 else len(data))  # the header entry only
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        charset = declared.group(1).decode("ascii", "replace")
        raise CatalogError(f"the header declares charset={charset}; workflow catalogs are UTF-8", path=path,
                           line=data.count(b"\n", 0, declared.start()) + 1,
                           hint=f"if the text really is {charset}, convert it: msgconv --to-code=UTF-8 FILE "
                           "-o FILE; if it is UTF-8 already, correct the header to charset=UTF-8")
    return text


_KEYWORD = r"msg(?:ctxt|id|id_plural|str(?:\[\d+\])?)"
# a keyword whose string lost its quotes (`msgid The text`): polib would read `he tex`
_KEYWORD_UNQUOTED = rf'(?:#~ ?)?(?P<keyword>{_KEYWORD})(?:[ \t]*\r?(?:\n|\Z)|[ \t]+[^"\s])'
# a string line (live, obsolete `#~`, previous `#|`/`#~|`) that does not end where its string
# ends: an end of line inside the string, or text after it. polib reads both without a word.
_STRING_BROKEN = (rf'(?P<string>(?:#~\|? ?|#\| ?)?(?:{_KEYWORD}[ \t]+)?)'
                  r'"(?![^"\\\n]*(?:\\.[^"\\\n]*)*"[ \t]*\r?(?:\n|\Z))')
# the first line, then every other: a search led by "\n" is 3x faster than ^ with re.M
_SYNTAX = (lazy_compile(f"{_KEYWORD_UNQUOTED}|{_STRING_BROKEN}"),
           lazy_compile(f"\n(?:{_KEYWORD_UNQUOTED}|{_STRING_BROKEN})"))


def check_syntax(path: Path, text: str) -> None:
    """Refuse, with its line, a string that msgfmt calls a fatal error but polib would misread.

    A keyword whose string lost its quotes, a string with no closing quote (a `"`
    moved to the next line), text after a closing quote: in any entry, the header
    included; a plain msgstr after msgid_plural, msgstr[n] without it, in any entry,
    obsolete ones included. The file is left as it is.
    """
    found = _SYNTAX[0].match(text) or _SYNTAX[1].search(text)
    if found is None:
        _check_plural_forms(path, text)
        _check_plural_rule(path, text)
        _check_escapes(path, text)
        return
    if found.group("keyword"):
        start = found.start("keyword")
        problem = f"the string after {found.group('keyword')} is not in double quotes"
    else:
        start = found.start("string")
        problem = "a string does not end on its line with a closing double quote"
    raise CatalogError(f"cannot read catalog: PO syntax error: {problem}", path=path,
                       line=text.count("\n", 0, start) + 1, hint=FIX_HINT)


# every msgid, msgid_plural and msgstr line, live or obsolete; previous `#|`/`#~|` lines are not keywords
_KEYWORD_LINE = lazy_compile(
    r'^[ \t]*(?:#~[ \t]*)?(msgid_plural|msgid|msgstr\[[^\]\n]*\]|msgstr)(?=[ \t"]|$)', re.M)


def _check_plural_forms(path: Path, text: str) -> None:
    """Refuse a plain msgstr in an entry with msgid_plural, and msgstr[n] in one without.

    msgfmt calls both a fatal error, in live and obsolete entries alike; polib and the
    scanner would read the first differently (new, translated), and the second as a
    translation no command publishes. A file with no plural keyword costs two substring
    searches; one with them, one pass over its keyword lines (about 10 ms a megabyte).
    """
    if "msgstr[" not in text and "msgid_plural" not in text:
        return
    plural = False
    for found in _KEYWORD_LINE.finditer(text):
        keyword = found.group(1)
        if keyword == "msgid":
            plural = False
        elif keyword == "msgid_plural":
            plural = True
        elif plural == (keyword == "msgstr"):
            if plural:
                problem = "an entry with msgid_plural needs msgstr[0], msgstr[1]…, not msgstr"
                hint = ('write each plural form on its own line: msgstr[0] "…", msgstr[1] "…" '
                        "(as many as nplurals in the header's Plural-Forms), or restore the file "
                        "from version control")
            else:
                problem = f"{keyword} without msgid_plural"
                hint = ('an entry without msgid_plural has one msgstr "…"; if its msgid_plural '
                        "line was deleted, restore it (e.g. from version control)")
            raise CatalogError(f"cannot read catalog: PO syntax error: {problem}", path=path,
                               line=text.count("\n", 0, found.start(1)) + 1, hint=hint)


# the escapes that the readers (potext, polib, the status scanner) decode as gettext does
_READ_ESCAPES = '\\\\ntrvbf"'
# a backslash before anything else, anywhere: a quick test (a comment, or `\\\\` then a letter, pass it too)
_OTHER_ESCAPE = lazy_compile(rf'\\[^{_READ_ESCAPES}]')
# a string line (live, obsolete or previous) whose string holds such an escape: the escape
_STRING_ESCAPE = lazy_compile(
    r'^[ \t]*(?:#~\|?[ \t]*|#\|[ \t]*)?(?:(?:msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+)?'
    rf'"(?:[^"\\\n]|\\[{_READ_ESCAPES}])*+(\\(?:[0-7]{{1,3}}|x[0-9a-fA-F]+|.?))', re.M)  # (possessive)


def _check_escapes(path: Path, text: str) -> None:
    """Refuse a string with an escape that the readers would keep as a backslash and letters.

    gettext also reads octal and hex byte codes (`\\345\\261\\261`, which `msgcat --escape`
    writes for every non-ASCII character) and `\\a`, and calls any other escape (`\\q`) a fatal
    error; polib, and so every reader here, kept them as written: a catalog msgfmt reads as
    Chinese was published as backslashes and digits, marked reviewed.
    """
    hint = _OTHER_ESCAPE.search(text)
    found = _STRING_ESCAPE.search(text, text.rfind("\n", 0, hint.start()) + 1) if hint else None
    if found is None:
        return
    escape = found.group(1)
    if escape[1:2] in ("x", *"01234567") or escape == "\\a":
        problem = (f"the escape {escape} (a byte or control code, as `msgcat --escape` writes) is one "
                   "workflow does not read")
        fix = f"write the characters themselves: `msgcat {path} -o {path}` rewrites the file so"
    else:
        problem = f"{escape} is not an escape sequence of PO files (msgfmt: invalid control sequence)"
        fix = 'write a backslash as \\\\ and a double quote as \\" (or restore the file from version control)'
    line = text.count("\n", 0, found.start(1)) + 1
    raise CatalogError(f"cannot read catalog: {problem}", path=path, line=line, hint=fix)


# the header ends at its first blank line; its Plural-Forms field may be wrapped over several strings
_HEADER_END = lazy_compile(r"\n[ \t]*\r?\n")
_QUOTED = lazy_compile(r'"((?:[^"\\\n]|\\.)*)"')


def _check_plural_rule(path: Path, text: str) -> None:
    """Refuse a header Plural-Forms that gettext cannot evaluate: not `nplurals=N; plural=EXPRESSION;`, an
    expression that is not one, or one that divides by zero for some n (msgfmt's check, n = 0 to 1000).

    Plural entries pick their form for n = 1 with it: a typo (`plural=n%0`) stopped every command
    that reads the catalog with an internal error. A header without the field is fine.
    """
    end = _HEADER_END.search(text)
    at = text.find("Plural-Forms:", 0, end.start() if end else len(text))
    if at < 0:
        return
    value = ""
    line_start = text.rfind("\n", 0, at) + 1
    for line in text[line_start:end.start() if end else len(text)].split("\n"):
        value += "".join(_QUOTED.findall(line))
        if "\\n" in value:
            break
    value = value[value.find("Plural-Forms:") + len("Plural-Forms:"):].split("\\n")[0].strip()
    problem = plural_rule_problem(value)
    if problem is not None:
        raise CatalogError(f"cannot read catalog: the header's Plural-Forms {value!r} {problem}", path=path,
                           line=text.count("\n", 0, at) + 1,
                           hint="write the language's rule there (the gettext manual lists them; "
                           "`msgfmt --check` tests it), or restore the file from version control")


@functools.lru_cache(maxsize=64)
def plural_rule_problem(value: str) -> str | None:
    """What is wrong with a Plural-Forms value (`nplurals=2; plural=(n != 1);`), or None."""
    import gettext

    count = re.search(r"(?:^|;)\s*nplurals\s*=\s*(\d+)", value)
    rule = re.search(r"(?:^|;)\s*plural\s*=\s*([^;]+)", value)
    if count is None or int(count.group(1)) < 1:
        return "has no nplurals=N (the number of plural forms, 1 or more)"
    if rule is None:
        return "has no plural=EXPRESSION"
    try:
        form = gettext.c2py(rule.group(1))
    except (ValueError, SyntaxError, RecursionError):
        return "has a plural expression that is not one gettext can read"
    forms = int(count.group(1))
    for n in range(1001):
        try:
            chosen = int(form(n))
        except ArithmeticError:
            return f"divides by zero for n = {n}"
        except RecursionError:
            return "has a plural expression too deeply nested to evaluate"
        if not 0 <= chosen < forms:
            return f"gives form {chosen} for n = {n}, but nplurals is {forms} (forms 0 to {forms - 1})"
    return None


def key_error(path: Path, key: str | None, source: str, line: int | None) -> CatalogError:
    """The error for an entry whose msgctxt is not the key of its msgid."""
    if key is None:  # an entry added by hand: not a unit of the article (workflow writes one for each)
        return CatalogError(
            f"the entry for {_shorten(source)!r} has no msgctxt: it is not a unit of this catalog's article "
            "(workflow gives each of them its msgctxt)", path=path, line=line,
            hint="delete the entry, or make it obsolete (each of its lines starting `#~ `); to translate new "
            "text, add it to the source article and run `workflow extract`",
        )
    return CatalogError(
        f"msgctxt {key!r} is not the key of this entry's msgid (that is "
        f"{unit_key(source)!r}): the msgctxt or the msgid was edited", path=path, line=line,
        hint="workflow writes msgctxt and msgid; edit only msgstr and comments. Restore the two lines "
        "(e.g. from version control): the translation is kept",
    )


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- layout ------------------------------------------------------------------------------------

# Widths PO tools wrap at, most likely first: GNU gettext and Poedit 79, polib 78,
# Weblate and Translate Toolkit 77, Lokalize its
# project's word-wrap width, 80 unless set.
_TOOL_WIDTHS = (("poedit", 79), ("weblate", 77), ("translate toolkit", 77), ("lokalize", 80),
                ("gettext", 79), ("polib", 78))
_USUAL_WIDTHS = (79, 78, 77, 76, 80)


@frozen
class Layout:
    """How a catalog file is laid out: its wrapping width (0: not wrapped) and line end."""

    width: int = 0
    newline: str = "\n"


def detect_layout(text: str) -> Layout:
    """The wrapping width and line end of a catalog, read from its own lines.

    A string continued on a next line with no `\\n` escape before the break shows
    wrapping. The width is then at least its longest such line and, where the text
    has spaces, less than a line plus the word pushed to the next line; of the widths
    PO tools use, the one its X-Generator names (else the most common) that fits is
    taken. Widths count characters of the string lines without their `#~`/`#|`
    prefixes, as polib (which writes the entries that change) counts them. With no
    wrapped string, no wrapping: workflow's own style.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    if _WRAPPED.search("\n" + text) is None:  # no line the loop below would count (most files: one search)
        return Layout(0, newline)
    lines = text.split("\n")
    longest = 0
    below = 1 << 30
    for index, raw in enumerate(lines[:-1]):
        if not (raw.startswith('"') or raw.startswith(("#~", "#|"))) or not raw.rstrip("\r \t").endswith('"'):
            continue  # not a continuation line (the first line of a string is `msgid ""` when it wraps)
        line = _PREFIX.sub("", raw.rstrip("\r \t"))
        if len(line) < 3 or not line.startswith('"') or line.endswith(_LINE_BREAKS):
            continue  # (a string broken where its text breaks a line, as polib breaks it: no wrapping;
            # `""` is empty, and a lone `"` no string at all: a quote moved down a line, which
            # check_syntax refuses, would otherwise make the width 1, and polib's wrapping fail)
        following = _PREFIX.sub("", lines[index + 1].rstrip("\r \t"))
        if len(following) < 2 or not following.startswith('"'):
            continue
        longest = max(longest, len(line))
        if line.isascii() and following.isascii():
            word = following[1:-1]
            space = word.find(" ")
            below = min(below, len(line) + (space + 1 if space >= 0 else len(word)))
    if not longest:
        return Layout(0, newline)
    generator = re.search(r'^"X-Generator: ([^"\\]*)', text, re.M)
    named = generator.group(1).lower() if generator else ""
    preferred = [width for tool, width in _TOOL_WIDTHS if tool in named]
    for width in (*preferred, *_USUAL_WIDTHS):
        if longest <= width < below:
            return Layout(width, newline)
    return Layout(max(longest, _NARROWEST), newline)


_NARROWEST = 3  # the least width polib can wrap at (its textwrap's is 2 less, for the quotes)
_PREFIX = lazy_compile(r"^(?:#~\|? ?|#\| ?)")
# how a string line ends where polib broke the string at one of its lines (str.splitlines): the
# escapes of \n, \r, \v and \f, or the line separators it leaves as they are (U+001C-U+001E,
# U+0085, U+2028, U+2029); such a break says nothing of the file's width
_LINE_BREAKS = tuple(f'{end}"' for end in ("\\n", "\\r", "\\v", "\\f", "\x1c", "\x1d", "\x1e", "\x85",
                                          "\u2028", "\u2029"))
# a string line not ending in `\n"` (or a lone `"`), and a string line after it: what detect_layout's loop
# counts is among these (searched in "\n" + text: a search led by "\n" is faster than ^ with re.M)
_WRAPPED = lazy_compile(r'\n(?:#~\|? ?|#\| ?)?"(?:[^\n]*(?<!\\n)")?[ \t\r]*\n(?:#~\|? ?|#\| ?)?"')


def reference_lines(references: list[str], width: int) -> list[str]:
    """`#:` lines as GNU gettext writes them: a new line before a reference that would pass the width.

    gettext breaks `#:` lines at its page width even with --no-wrap, so a catalog
    that is not wrapped gets them broken at 79 columns, as msgcat writes them.
    """
    limit = width or GETTEXT_WIDTH
    lines: list[str] = []
    current = "#:"
    for reference in references:
        if len(current) > 2 and len(current) + 1 + len(reference) > limit:
            lines.append(current)
            current = "#:"
        current += " " + reference
    if len(current) > 2:
        lines.append(current)
    return lines


# -- writing entries ------------------------------------------------------------------------------

# the characters polib escapes, each as it escapes them: one pass of str.translate (the backslash
# first among polib's replacements, so no escape is escaped twice: the same result)
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\v": "\\v", "\b": "\\b",
                          "\f": "\\f", '"': '\\"'})
# a character that is escaped, or where str.splitlines breaks a line (polib splits a string there)
_NOT_PLAIN = lazy_compile('[\\\\"\t\b\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]')
_PO_ESCAPE = lazy_compile(r'\\(\\|n|t|r|v|b|f|")')
_PO_UNESCAPED = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}


def _unescape(value: str) -> str:
    """A PO string's value from its text between the quotes, as polib unescapes it."""
    if "\\" not in value:
        return value
    lines = value.replace("\\n", "\n")  # (most escapes are line ends: if no other is left, the same result)
    return lines if "\\" not in lines else _PO_ESCAPE.sub(lambda m: _PO_UNESCAPED[m.group(1)], value)


def _string_lines(keyword: str, prefix: str, index: str, value: str, width: int) -> list[str]:
    """The lines of one keyword's string, exactly as polib 1.2 writes them (its `_str_field`).

    A string with line breaks starts with `""` and has a line for each of its lines; a
    longer one is wrapped at width - 2 (textwrap, at spaces and after hyphens), its
    length counted with each escaped character once, the keyword counted as polib counts
    it (a previous `#|` keyword with its `previous_` name).
    """
    name = keyword[9:] if keyword.startswith("previous_") else keyword
    room = width - len(keyword) - 3 - len(index)
    if _NOT_PLAIN.search(value) is None:  # nearly every string: no escape, one line
        if width <= 0 or len(value) <= room:
            return [f'{prefix}{name}{index} "{value}"']
        lines = ["", *textwrap.wrap(value, width - 2, drop_whitespace=False, break_long_words=False)]
    else:
        lines = value.splitlines(True)
        if len(lines) > 1:
            lines.insert(0, "")
        else:
            escaped = value.translate(_ESCAPES)
            if width > 0 and len(value) > room + len(escaped) - len(value):
                pieces = textwrap.wrap(escaped, width - 2, drop_whitespace=False, break_long_words=False)
                lines = ["", *map(_unescape, pieces)]
            else:
                return [f'{prefix}{name}{index} "{escaped}"']
    first = lines[0].translate(_ESCAPES)
    return [f'{prefix}{name}{index} "{first}"', *(f'{prefix}"{line.translate(_ESCAPES)}"'
            for line in lines[1:])]


def _comment_lines(text: str, prefix: str, width: int) -> list[str]:
    """A comment's lines as polib writes them: each line of the text, wrapped at `width` when it passes it."""
    lines: list[str] = []
    for line in text.split("\n"):
        if width > 0 and len(line) + len(prefix) > width:
            lines += textwrap.wrap(line, width, initial_indent=prefix, subsequent_indent=prefix,
                                   break_long_words=False)
        else:
            lines.append(prefix + line)
    return lines


def entry_text(*, msgid: str, msgstr: str = "", msgctxt: str | None = None, msgid_plural: str = "",
               msgstr_plural: Mapping[int, str] | None = None, obsolete: bool = False, comment: str = "",
               tcomment: str = "", references: Sequence[str] = (), flags: Sequence[str] = (),
               previous_msgctxt: str | None = None, previous_msgid: str | None = None,
               previous_msgid_plural: str | None = None, width: int = 0) -> str:
    """An entry's text, ending with a line break, as polib 1.2 writes it at `width` (0: no wrapping).

    The `#:` lines are those of `reference_lines` (GNU gettext's breaks), never polib's:
    an obsolete entry has none. Translator comments (`# `) are never wrapped, as GNU gettext
    and PO editors keep them: polib wraps one longer than the width, and a long `# workflow:`
    provenance line (a memory's path) would be read back cut in two, its end a stray comment.
    Otherwise byte for byte what `POEntry.__unicode__(width)` gives for
    the same fields (tests/test_catalog_render.py compares the two on random entries),
    several times faster: one regular-expression search for a plain string, one
    str.translate for one with escapes.
    """
    lines: list[str] = []
    if tcomment:
        lines += _comment_lines(tcomment, "# ", 0)  # (never wrapped: see above)
    if comment and not obsolete:
        lines += _comment_lines(comment, "#. ", width)
    if references and not obsolete:
        lines += reference_lines(list(references), width)
    if flags:
        lines.append("#, " + ", ".join(flags))
    previous = "#~| " if obsolete else "#| "
    for keyword, value in (("previous_msgctxt", previous_msgctxt), ("previous_msgid", previous_msgid),
                           ("previous_msgid_plural", previous_msgid_plural)):
        if value is not None:
            lines += _string_lines(keyword, previous, "", value, width)
    prefix = "#~ " if obsolete else ""
    if msgctxt is not None:
        lines += _string_lines("msgctxt", prefix, "", msgctxt, width)
    lines += _string_lines("msgid", prefix, "", msgid, width)
    if msgid_plural:
        lines += _string_lines("msgid_plural", prefix, "", msgid_plural, width)
    if msgstr_plural:
        for index in sorted(msgstr_plural):
            lines += _string_lines("msgstr", prefix, f"[{index}]", msgstr_plural[index], width)
    else:
        lines += _string_lines("msgstr", prefix, "", msgstr, width)
    lines.append("")
    return "\n".join(lines)


def fresh_text(msgctxt: str, msgid: str, comment: str, references: Sequence[str]) -> str:
    """entry_text of an untranslated entry (no wrapping) with a context, a `#.` comment and references.

    What a new catalog holds for each unit; a string with no character polib escapes
    or splits at (nearly all of them) is written with no further test.
    """
    if _NOT_PLAIN.search(msgid) or _NOT_PLAIN.search(msgctxt):
        return entry_text(msgctxt=msgctxt, msgid=msgid, comment=comment, references=references)
    refs = "#: " + " ".join(references) if references else ""
    if len(refs) > GETTEXT_WIDTH:  # (no shorter line has a break: reference_lines breaks before passing it)
        refs = "\n".join(reference_lines(list(references), 0))
    notes = "#. " + comment.replace("\n", "\n#. ") + "\n" if comment else ""
    return f'{notes}{refs}{chr(10) if refs else ""}msgctxt "{msgctxt}"\nmsgid "{msgid}"\nmsgstr ""\n'


def header_text(fields: Mapping[str, str], comment: str = "", fuzzy: bool = False) -> str:
    """entry_text of a header entry (no wrapping): its fields, one `Name: value` line each, in order."""
    pairs = [f"{name}: {text}" for name, text in fields.items()]
    if len(pairs) < 2 or _NOT_PLAIN.search("".join(pairs)):  # one line, or a character to escape or split at
        return entry_text(msgid="", msgstr="".join(pair + "\n" for pair in pairs), tcomment=comment,
                          flags=["fuzzy"] if fuzzy else [])
    lines = ["# " + line for line in comment.split("\n")] if comment else []
    if fuzzy:
        lines.append("#, fuzzy")
    lines += ['msgid ""', 'msgstr ""', *(f'"{pair}\\n"' for pair in pairs), ""]
    return "\n".join(lines)


def entry_blocks(text: str, starts: list[int]) -> tuple[str, list[str]] | None:
    """The exact text before the first entry (the header) and of each entry, or None if unsure.

    `starts` are the 1-based lines where the entries start (a parser's line numbers).
    Blank lines between entries belong to no block. None when a block does not hold
    exactly one msgid (the line numbers do not fit the text): then nothing may be copied.
    """
    lines = text.split("\n")
    bounds = [*(s - 1 for s in starts), len(lines)]
    if any(b >= a for a, b in zip(bounds[1:], bounds)) or (starts and bounds[0] < 0):
        return None

    def block(first: int, end: int) -> str:
        chunk = lines[first:end]
        while chunk and not chunk[-1].strip():
            chunk.pop()
        return "\n".join(chunk)

    msgids: list[int] = []  # the lines with a msgid, in order (one search of the text)
    line = at = 0
    for found in _MSGID_LINE.finditer("\n" + text):
        line += text.count("\n", at, found.start())
        at = found.start()
        msgids.append(line)
    if bisect_left(msgids, bounds[0]) > 1 or any(bisect_left(msgids, end) - bisect_left(msgids, first) != 1
                                                  for first, end in zip(bounds, bounds[1:])):
        return None
    return block(0, bounds[0]), [block(bounds[i], bounds[i + 1]) for i in range(len(starts))]


_MSGID_LINE = lazy_compile(r"\n(?:#~ ?)?msgid[ \t]")  # in "\n" + text: a search led by "\n" is faster than ^

# -- the fast scanner ------------------------------------------------------------------------


@frozen
class EntryBrief:
    """What `status` needs of a live entry: its key, source text and state."""

    key: str
    source: str
    state: State
    line: int = field(default=0, compare=False)  # where the entry starts
    confidence: int | None = field(default=None, compare=False)  # as its `# workflow:` comment records it


PROVENANCE = "workflow: "  # translator-comment prefix that records where a target came from
MACHINE_PREFIXES = ("mt ", "tm ", "pseudo")  # provenance of engine output (machine; --redo-machine redoes it)


# An engine's provenance line ends with a seal: DRAFT and a digest of the target it wrote, so a
# translator's edit of the words (the unit left fuzzy) is a person's work, never redone or replaced as
# machine output; the review app approving the words as they are turns the seal into APPROVED, so the
# unit marked fuzzy again later (in a PO editor) is a person's too. Readers see the line without its
# seal (`provenance_of`). A line with no seal (written before seals) is read as it says: machine.
DRAFT = " · draft "
APPROVED = " · approved"
EDITED = "edited; "  # read before an engine's provenance whose seal no longer matches the target
REVIEWED = "reviewed; "  # before an engine's provenance approved by a person (also: carried across an edit)
_SEAL = lazy_compile(r" · (?:draft ([0-9a-f]{8})|approved)$")


# polib saves with 78 columns and wraps a long translator comment at its spaces: a provenance line
# over that width comes back as `… · draft` and `2f1b2267` (or split earlier), its seal on the next lines
_WRAPPED_LINES = 3


def split_provenance(comments: Sequence[str]) -> tuple[list[str], str]:
    """A unit's translator-comment lines (without `# `) as (the others, its `# workflow:` line after the
    prefix, "" when none): the first such line, with the lines after it that a PO tool's wrapping split
    off it, joined back when they complete its seal (never otherwise: a translator's next comment stays
    theirs). Unsealed, a line reads as it says (see provenance_of)."""
    for at, line in enumerate(comments):
        if not line.startswith(PROVENANCE):
            continue
        text, used = line[len(PROVENANCE):], 0
        if not _SEAL.search(text):
            joined = text
            for count, extra in enumerate(comments[at + 1:at + 1 + _WRAPPED_LINES], 1):
                joined = f"{joined} {extra.strip()}"
                if _SEAL.search(joined):
                    text, used = joined, count
                    break
        return [*comments[:at], *comments[at + 1 + used:]], text
    return list(comments), ""


def is_machine(provenance: str) -> bool:
    """Whether a provenance comment says an engine (MT, memory or pseudo) wrote the target."""
    return provenance.startswith(MACHINE_PREFIXES)


def draft_digest(target: str) -> str:
    """The short digest of an engine's target that its provenance line carries (see DRAFT)."""
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:8]


def sealed(provenance: str, target: str) -> str:
    """The provenance line to write with an engine's target: sealed with its digest (others as they are)."""
    return f"{provenance}{DRAFT}{draft_digest(target)}" if target and is_machine(provenance) else provenance


def approved(line: str, target: str) -> str:
    """A provenance line once a person approves `target` as it is: an engine's draft seal becomes APPROVED."""
    found = _SEAL.search(line) if DRAFT in line else None
    if found is None or found.group(1) != draft_digest(target):
        return line
    return line[:found.start()] + APPROVED


def provenance_of(line: str, target: str) -> str:
    """What a `# workflow:` line (after its prefix) says of `target`: the engine's provenance while the
    target is the engine's draft as written, `edited; …` once a person changed it, `reviewed; …` once
    approved; a line with no seal as it is."""
    found = _SEAL.search(line) if " · " in line else None
    if found is None:
        return line
    bare = line[:found.start()]
    if not is_machine(bare) or found.group(1) == draft_digest(target):
        return bare
    # a person's words now: the engine's confidence in its own words no longer says anything of them
    return (EDITED if found.group(1) else REVIEWED) + _ENGINE_CONFIDENCE.sub("", bare)


_ENGINE_CONFIDENCE = lazy_compile(re.escape(MARK) + r"\d{1,3}\b")


def fuzzy_state(changed: bool, provenance: str) -> State:
    """The state of a translated fuzzy entry: changed (a previous msgid), machine, or needs-work.

    Machine output carries its engine's provenance comment; a unit a translator marks
    fuzzy by hand (or whose provenance says a person made it, or edited it: see
    provenance_of, which `provenance` has been read with) needs work.
    """
    if changed:
        return State.CHANGED
    return State.MACHINE if is_machine(provenance) else State.NEEDS_WORK


_PO_QUOTED = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # "…", escapes allowed (written unrolled: fast)
_PO_STRING = rf"{_PO_QUOTED}(?:\n{_PO_QUOTED})*"
# Comment lines (among them whole obsolete `#~` entries), then at most one live entry as
# gettext tools, polib and PO editors write it. The entry is optional so that a run of
# comments with no entry after it (the obsolete entries at the end of a file) is one
# match: tried from each of its lines instead, it made the scan quadratic.
_PO_ENTRY = lazy_compile(
    r"(?P<head>(?:#[^\n]*\n|[ \t]*\n)*(?:#[^\n]*\Z)?)"
    r"(?P<entry>"
    rf"(?:msgctxt (?P<ctx>{_PO_STRING})\n)?"
    rf"msgid (?P<id>{_PO_STRING})\n"
    rf"(?:msgid_plural {_PO_STRING}\n)?"
    rf"(?:msgstr (?P<str>{_PO_STRING})"
    rf"|(?P<plural>msgstr\[\d+\] {_PO_STRING}(?:\nmsgstr\[\d+\] {_PO_STRING})*))"
    r"[ \t]*(?:\n|\Z))?"
)
_PO_FLAGS = lazy_compile(r"^#,([^\n]*)", re.M)
_PO_PREVIOUS = lazy_compile(r'^#\| msgid "([^\n]*)"((?:\n#\| "[^\n]*")*)', re.M)
_PO_PROVENANCE = lazy_compile(rf"^# {PROVENANCE}([^\n]*)", re.M)
_PO_PLURAL_FORM = lazy_compile(rf"msgstr\[\d+\] ({_PO_STRING})")
_OBSOLETE_LINE = lazy_compile(r"^#~[^\n]*\n?", re.M)
# an obsolete entry's msgctxt, as written (a unit's key: one line, quotes included)
_OBSOLETE_KEY = lazy_compile(r'#~ msgctxt ("[^\n]*")\n')  # (no `^`: a literal first is found fast)


def _po_value(quoted: str) -> str:
    """The value of a PO string, possibly on several `"…"` lines, unescaped as polib does."""
    value = quoted[1:-1] if "\n" not in quoted else "".join(line[1:-1] for line in quoted.split("\n"))
    return _unescape(value)


def _own_comments(head: str) -> str:
    """The comment lines of a live entry: those after the last obsolete (`#~`) line before it."""
    last = None
    for last in _OBSOLETE_LINE.finditer(head):
        pass
    return head if last is None else head[last.end():]


def _provenance(head: str, target: str | None) -> str:
    """The entry's provenance: its first `# workflow: ` comment, read for its target (the msgstr's PO
    string, decoded only for a sealed line) as store reads it."""
    found = _PO_PROVENANCE.search(head) if PROVENANCE in head else None
    if found is None:
        return ""
    line = found.group(1)
    if not _SEAL.search(line):  # perhaps wrapped by a PO tool: the translator-comment lines after it
        following: list[str] = []
        for text in head[found.end() + 1:].split("\n")[:_WRAPPED_LINES]:
            if not text.startswith("# "):
                break
            following.append(text[2:])
        line = split_provenance([PROVENANCE + line, *following])[1]
    sealed_line = DRAFT in line or line.endswith(APPROVED)
    return provenance_of(line, _po_value(target) if target else "") if sealed_line else line


def _state(head: str, target: str | None, plural: str | None, provenance: str) -> State:
    if plural is not None:  # every form must be filled, as polib's translated() says
        filled = all(_po_value(form) for form in _PO_PLURAL_FORM.findall(plural))
    else:
        filled = bool(target) and target != '""' and bool(_po_value(target or '""'))
    if not filled:
        return State.NEW
    fuzzy = "fuzzy" in head and any(
        "fuzzy" in (flag.strip() for flag in flags.split(",")) for flags in _PO_FLAGS.findall(head)
    )
    if not fuzzy:
        return State.REVIEWED
    previous = None
    for previous in _PO_PREVIOUS.finditer(head) if "#|" in head else ():
        pass  # the last one counts, as in polib
    changed = previous is not None and bool(
        previous.group(1) or previous.group(2).replace('#| ""', "").strip()
    )
    return fuzzy_state(changed, provenance)


def scan_text(text: str) -> list[EntryBrief] | None:
    """The live entries of a catalog in the usual layout, or None for anything unusual.

    One pass, linear in the size of the text (obsolete entries included). Line ends
    may be CRLF. Each entry's line is the line of its first comment, as polib counts.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    briefs: list[EntryBrief] = []
    seen: set[tuple[str | None, str]] = set()
    end = counted = 0
    line = 1
    size = len(text)
    obsolete: set[str] = set()  # the msgctxt strings of obsolete entries, as written
    for match in _PO_ENTRY.finditer(text):
        if match.start() != end:
            return None  # something this scanner does not know: let polib read the file
        if match.end() == end:
            if end == size:
                break
            return None
        end = match.end()
        if "#~" in match.group("head"):
            obsolete.update(_OBSOLETE_KEY.findall(match.group("head")))
        if match.group("entry") is None:
            continue
        head, key, source, target, plural = match.group("head", "ctx", "id", "str", "plural")
        head = (_own_comments(head) if "#~" in head else head).lstrip(" \t\n")
        source = _po_value(source)
        if key is None and not source:
            continue  # the header
        if (key, source) in seen:
            return None  # a duplicate entry: polib reports it
        seen.add((key, source))
        start = match.start("entry") - len(head)  # the entry's first comment line
        line += text.count("\n", counted, start)
        counted = start
        provenance = _provenance(head, target)
        confidence = confidence_of(provenance) if MARK in provenance else None  # that comment's, no other's
        state = _state(head, target, plural, provenance)
        briefs.append(EntryBrief(_po_value(key) if key else "", source, state, line, confidence))
    if end != size:
        return None
    if obsolete and not obsolete.isdisjoint(key for key, _ in seen):
        return None  # an obsolete copy of a live entry, perhaps: polib's path says, as msgfmt refuses it
    return briefs



# -- reading a catalog as polib reads it ---------------------------------------------------------


@mutable
class ParsedCatalog:
    """A catalog as polib 1.2's parser reads it: each entry's attributes (polib's names), and the file's."""

    entries: list[dict[str, object]]  # the attributes of each POEntry, in file order, the header removed
    header: str  # the header comment
    metadata: dict[str, str]
    metadata_is_fuzzy: object  # polib: the header entry's flags (a list), or 0 with no header


def _transitions() -> dict[tuple[str, str], str]:
    every = ("st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi")
    table = (
        ("tc", ("st", "he"), "he"),
        ("tc", ("gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi"), "tc"),
        ("gc", every, "gc"), ("oc", every, "oc"), ("fl", every, "fl"),
        ("pc", every, "pc"), ("pm", every, "pm"), ("pp", every, "pp"),
        ("ct", ("st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"), "ct"),
        ("mi", ("st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"), "mi"),
        ("mp", ("tc", "gc", "pc", "pm", "pp", "mi"), "mp"),
        ("ms", ("mi", "mp", "tc"), "ms"),
        ("mx", ("mi", "mx", "mp", "tc"), "mx"),
        ("mc", ("ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc"), "mc"),
    )
    return {(symbol, state): target for symbol, states, target in table for state in states}


# polib's state machine: (symbol, state) -> the next state, whose handler runs (see _POFileParser.__init__)
_TRANSITIONS = _transitions()
_KEYWORDS = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms", "msgid_plural": "mp"}
_PREVIOUS_KEYWORDS = {"msgid_plural": "pp", "msgid": "pm", "msgctxt": "pc"}
_STRING_FIELDS = {"ct": "msgctxt", "mi": "msgid", "mp": "msgid_plural", "ms": "msgstr",
                  "pp": "previous_msgid_plural", "pm": "previous_msgid", "pc": "previous_msgctxt"}
_COMMENT_KINDS = {".": "gc", ":": "oc", ",": "fl"}
_INNER_QUOTE = lazy_compile(r'([^\\]|^)"')  # polib's test for an unescaped quote inside a string
_NEW_ENTRY_STATES = ("ms", "mx")  # polib: ['mc', 'ms', 'mx'], but it never enters state mc


class _Unreadable(Exception):
    """Where polib's parser raises a syntax error: the caller lets polib read the file and say it."""


def _new_entry(linenum: int) -> dict[str, object]:
    """The attributes of `POEntry(linenum=linenum)`."""
    return {"msgid": "", "msgstr": "", "msgid_plural": "", "msgstr_plural": {}, "msgctxt": None,
            "obsolete": False, "encoding": "utf-8", "comment": "", "tcomment": "", "occurrences": [],
            "flags": [], "previous_msgctxt": None, "previous_msgid": None, "previous_msgid_plural": None,
            "linenum": linenum}


def parse_text(text: str) -> ParsedCatalog | None:
    """A catalog's text read exactly as polib 1.2's parser reads it, several times faster; None on an error.

    The same state machine, line by line, with the same transitions and the same
    operations on each line (strip, split, unescape) and the same quirks (an obsolete
    entry's `#~|` lines skipped, `msgstr[N]` read by its first digit, live entries'
    `obsolete` 0, not False), without polib's per-file set-up and per-line dispatch.
    Lines end where a file opened in text mode ends them (\\n, \\r\\n, \\r). None where
    polib raises a syntax error: then polib reads the file, to report it in its words.
    tests/test_catalog_read.py compares the two on random and hostile catalogs.
    """
    try:
        return _parse(text)
    except (_Unreadable, ValueError, KeyError, IndexError, TypeError):
        return None


def _parse(text: str) -> ParsedCatalog:  # noqa: C901  (one loop, as polib's: its branches are polib's)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    entries: list[dict[str, object]] = []
    header = ""
    current = _new_entry(0)
    state = "st"
    index = 0  # the plural form a continuation line adds to
    comment_last: bool | None = None  # whether the last line read was a comment (None: no line)
    unescape = _unescape
    transitions = _TRANSITIONS
    keywords = _KEYWORDS
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        obsolete = 0
        lead = line[0]
        if lead == '"':  # a continuation line (the most common): polib's tests all fail up to `"`
            comment_last = False
            if '"' in line[1:-1] and _INNER_QUOTE.search(line[1:-1]):
                raise _Unreadable
            symbol = "mc"
        elif lead == "m" and (space := line.find(" ")) > 0 and line[:space] in keywords:  # the first token
            comment_last = False
            symbol = keywords[line[:space]]
            line = line[space:].lstrip()
            if '"' in line[1:-1] and _INNER_QUOTE.search(line[1:-1]):
                raise _Unreadable
        elif lead == "#" and line[2:3] == " " and line[1] in _COMMENT_KINDS:  # `#. `, `#: `, `#, `
            comment_last = True
            symbol = _COMMENT_KINDS[line[1]]
        elif lead == "#" and line[1:2] == " ":  # `# …`: a translator comment (its first token `#`)
            comment_last = True
            symbol = "tc"
        else:
            tokens = line.split(None, 2)
            first = tokens[0]
            comment_last = first.startswith("#")
            if first == "#~|":
                continue
            if first == "#~" and len(tokens) > 1:
                line = line[3:].strip()
                tokens = tokens[1:]
                first = tokens[0]
                comment_last = first.startswith("#")
                obsolete = 1
            count = len(tokens)
            if first in keywords and count > 1:
                line = line[len(first):].lstrip()
                if _INNER_QUOTE.search(line[1:-1]):
                    raise _Unreadable
                symbol = keywords[first]
            elif first == "#:":
                if count <= 1:
                    continue
                symbol = "oc"
            elif line[:1] == '"':
                if _INNER_QUOTE.search(line[1:-1]):
                    raise _Unreadable
                symbol = "mc"
            elif line[:7] == "msgstr[":
                symbol = "mx"
            elif first == "#,":
                if count <= 1:
                    continue
                symbol = "fl"
            elif first == "#" or first.startswith("##"):
                if line == "#":
                    line = "# "
                symbol = "tc"
            elif first == "#.":
                if count <= 1:
                    continue
                symbol = "gc"
            elif first == "#|":
                if count <= 1:
                    raise _Unreadable
                line = line[2:].lstrip()
                if tokens[1].startswith('"'):
                    symbol = "mc"
                elif count == 2 or tokens[1] not in _PREVIOUS_KEYWORDS:
                    raise _Unreadable
                else:
                    line = line[len(tokens[1]):].lstrip()
                    symbol = _PREVIOUS_KEYWORDS[tokens[1]]
            else:
                raise _Unreadable
        target = transitions.get((symbol, state))
        if target is None:
            raise _Unreadable
        if target == "mc":  # a continuation line: the state stays
            value = unescape(line[1:-1])
            if state == "mx":
                plural = current["msgstr_plural"]
                assert isinstance(plural, dict)
                plural[index] += value
            else:
                name = _STRING_FIELDS[state]
                current[name] += value  # type: ignore[operator]
            continue
        if target == "he":
            header = f"{header}\n{line[2:]}" if header else line[2:]
            state = target
            continue
        if state in _NEW_ENTRY_STATES and target not in ("mp", "ms", "mx"):
            entries.append(current)
            current = _new_entry(number)
        state = target
        if target in _STRING_FIELDS:
            if target == "mi":
                current["obsolete"] = obsolete
            current[_STRING_FIELDS[target]] = unescape(line[1:-1])
        elif target == "tc":
            comment = line.lstrip("#")
            if comment[:1] == " ":
                comment = comment[1:]
            current["tcomment"] = f"{current['tcomment']}\n{comment}" if current["tcomment"] else comment
        elif target == "gc":
            current["comment"] = f"{current['comment']}\n{line[3:]}" if current["comment"] else line[3:]
        elif target == "oc":
            occurrences = current["occurrences"]
            assert isinstance(occurrences, list)
            for occurrence in line[3:].split():
                path, colon, place = occurrence.rpartition(":")
                occurrences.append((path, place) if colon and place.isdigit() else (occurrence, ""))
        elif target == "fl":
            flags = current["flags"]
            assert isinstance(flags, list)
            flags += [flag.strip() for flag in line[3:].split(",")]
        else:  # mx
            index = int(line[7])
            plural = current["msgstr_plural"]
            assert isinstance(plural, dict)
            plural[index] = unescape(line[line.find('"') + 1:-1])
    if comment_last is False:
        entries.append(current)  # polib adds an entry when the next begins; the last, at the end
    return _with_metadata(entries, header)


def _with_metadata(entries: list[dict[str, object]], header: str) -> ParsedCatalog:
    """The header entry taken out, its fields read, as polib does (`find('')`, then the fields' lines)."""
    empty = [number for number, entry in enumerate(entries) if entry["msgid"] == "" and not entry["obsolete"]]
    if len(empty) > 1:
        raise _Unreadable  # polib's choice among several is its own: let it make it
    metadata: dict[str, str] = {}
    if not empty:
        return ParsedCatalog(entries, header, metadata, 0)
    found = entries.pop(empty[0])
    key = None
    value = found["msgstr"]
    assert isinstance(value, str)
    for message in value.splitlines():
        name, colon, rest = message.partition(":")
        if colon:
            key = name
            metadata[key] = rest.strip()
        elif key is not None:
            metadata[key] += "\n" + message.strip()
    return ParsedCatalog(entries, header, metadata, found["flags"])
