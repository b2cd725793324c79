"""Helpers shared by the source readers: decoding and offsets to line numbers."""

from __future__ import annotations

import bisect
import codecs
import re

from ..errors import SourceError

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG: these labels mean windows-1252 in a browser
_BROWSER_ALIASES = {"ascii": "cp1252", "latin-1": "cp1252", "iso8859-1": "cp1252"}


def decode(data: bytes, path: str, declared: str | None = None) -> tuple[str, str]:
    """Decode source bytes: a byte-order mark wins, then the declared charset, then UTF-8.

    Returns the text (without BOM) and the codec name used.
    Raises SourceError naming the line of the first undecodable byte.
    """
    encoding = declared or "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    try:
        encoding = codecs.lookup(encoding).name
    except LookupError:
        raise SourceError(
            f"unknown character encoding {encoding!r}", path=path, line=1,
            hint="declare a known charset (UTF-8 is best) or re-save the file as UTF-8",
        ) from None
    encoding = _BROWSER_ALIASES.get(encoding, encoding)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"byte 0x{data[exc.start]:02x} is not valid {encoding}",
            path=path, line=line,
            hint="re-save the file as UTF-8 (or declare its real charset)",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceError(
            "the file contains a NUL character", path=path, line=text.count("\n", 0, nul) + 1,
            hint="it may be a binary file, or UTF-16 without a byte-order mark: re-save it as UTF-8",
        )
    return text, encoding


_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def sniff_html_charset(data: bytes) -> str | None:
    """The charset a browser's prescan would find in the first 1024 bytes."""
    match = _META_CHARSET.search(data[:1024])
    return match.group(1).decode("ascii") if match else None


class LineIndex:
    """Maps offsets in a text to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def offset(self, line: int, column: int) -> int:
        return self._starts[line - 1] + column
