"""Helpers shared by the source readers: decoding and offsets to line numbers.

Character encodings are the WHATWG Encoding Standard's, as browsers know them:
labels are looked up in the `webencodings` package (the table html5lib uses), so a
page declaring a charset no browser supports (`utf-7`, `unicode_escape`) is never
decoded with a Python codec of that name. UTF-8's own labels, what most pages declare,
are known here, so that reading them does not import the package (see web_encoding).
"""

from __future__ import annotations

import bisect
import codecs
import logging
import re
from typing import NamedTuple

from ..errors import SourceError

log = logging.getLogger(__name__)

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16le"), (codecs.BOM_UTF16_BE, "utf-16be"))


def attribute_values(attrs: list[tuple[str, str | None]]) -> dict[str, str]:
    """A start tag's attributes by name, as html.parser lists them: of a name given twice
    the first counts, as in HTML5 (a browser drops the later ones), and a bare name is ""."""
    values: dict[str, str] = {}
    for name, value in attrs:
        values.setdefault(name, value or "")
    return values


class Encoding(NamedTuple):
    """A WHATWG encoding: its name, and the Python codec that decodes it (as webencodings gives them)."""

    name: str
    codec_info: codecs.CodecInfo


# UTF-8's labels in the Encoding Standard (webencodings' table: a test compares them), matched as
# webencodings matches a label: importing it for these costs 1 % of a first extract (issue 10)
_UTF8_LABELS = frozenset({"unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8",
                          "x-unicode20utf8"})
_UTF8 = Encoding("utf-8", codecs.lookup("utf-8"))


def web_encoding(label: str) -> Encoding | None:
    """The WHATWG encoding a label names, or None for a label browsers do not know."""
    # webencodings' matching: ASCII white space stripped, ASCII letters (only) lower-cased
    if label.strip("\t\n\f\r ").encode().lower().decode() in _UTF8_LABELS:
        return _UTF8
    import webencodings

    found = webencodings.lookup(label)
    return None if found is None else Encoding(found.name, found.codec_info)


def decode(data: bytes, path: str, declared: str | None = None, *,
           declarable: bool = True) -> tuple[str, str]:
    """Decode source bytes: a byte-order mark wins, then the declared charset, then UTF-8.

    `declared` is a WHATWG encoding label. Returns the text (without BOM) and the
    Python codec name used (`declarable`: whether the format can declare a charset at all, which
    the hint for bytes that do not decode offers). Raises SourceError for a label that is not a WHATWG one,
    for an encoding browsers refuse to decode, and, naming its line, for the first
    undecodable byte.
    """
    label = declared or "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, label = data[len(bom):], name
            break
    encoding = web_encoding(label)
    if encoding is None:
        raise SourceError(
            f"unknown character encoding {label!r}", path=path, line=1,
            hint="declare a charset of the WHATWG Encoding Standard (UTF-8 is best), or re-save as UTF-8",
        )
    if encoding.name == "replacement":
        raise SourceError(
            f"character encoding {label!r} is one browsers refuse to decode", path=path, line=1,
            hint="re-save the file as UTF-8 and declare charset=utf-8",
        )
    codec = encoding.codec_info
    try:
        text, _ = codec.decode(data, "strict")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"byte 0x{data[exc.start]:02x} is not valid {codec.name}",
            path=path, line=line,
            hint="re-save the file as UTF-8 (or declare its real charset)" if declarable else
            "re-save the file as UTF-8 (a plain-text bulletin cannot declare a charset; "
            "`iconv -f windows-1252 -t utf-8` converts a Windows file)",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceError(
            "the file contains a NUL character", path=path, line=text.count("\n", 0, nul) + 1,
            hint="it may be a binary file, or UTF-16 without a byte-order mark: re-save it as UTF-8",
        )
    return text, codec.name


# the prescan's view of the first 1024 bytes: comments are skipped, <meta> tags read
_PRESCAN = re.compile(rb"<!--.*?(?:-->|\Z)|<meta[\s/][^>]*", re.I | re.S)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([^\s"';>]+)""", re.I)


def sniff_html_charset(data: bytes, path: str = "") -> str | None:
    """The encoding label a browser's prescan would take from the first 1024 bytes.

    As the HTML standard's prescan does, a label that is not a WHATWG one is skipped
    (the next <meta> may still declare one), UTF-16 labels mean UTF-8 (a page that
    can declare itself in ASCII is not UTF-16) and x-user-defined means windows-1252.
    """
    for tag in _PRESCAN.finditer(data[:1024]):
        if tag.group().startswith(b"<!--"):
            continue
        match = _CHARSET.search(tag.group())
        if not match:
            continue
        label = match.group(1).decode("ascii", "replace")
        encoding = web_encoding(label)
        if encoding is None:
            log.warning("%s: charset %r is not one browsers know: ignored, as a browser ignores it",
                        path or "page", label)
            continue
        name: str = encoding.name
        if name in ("utf-16le", "utf-16be"):
            return "utf-8"
        if name == "x-user-defined":
            return "windows-1252"
        return name
    return None


class LineIndex:
    """Maps offsets in a text to 1-based line numbers.

    Lines end at LF, as the HTML tokenizer counts them; with `universal`, at LF, CRLF or
    a lone CR, as a text editor counts them.
    """

    def __init__(self, text: str, universal: bool = False) -> None:
        ends = re.finditer("\r\n?|\n" if universal else "\n", text)
        self._starts = [0] + [m.end() for m in ends]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def offset(self, line: int, column: int) -> int:
        return self._starts[line - 1] + column
