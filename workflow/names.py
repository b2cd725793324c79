"""Article file names and the links built from them.

An article's name (its path under source/) becomes the name of its catalogs and of
its published pages, and so part of every link to them. Names are restricted to
what reads the same in a file system, a URL and a message: in each folder or file
name, letters and digits of any script, `-`, `_`, `.` and inner spaces; no name
starts with `.` or `-`. Everything else (`:`, `%`, `#`, `?`, `&`, quotes, brackets,
control characters) is refused with the name to rename it to.

Links are built from path segments, each percent-encoded (urllib.parse.quote with
nothing left safe), and a relative link always starts with `./` or `../`, so a
name can never be read as a scheme (`javascript:`), a query or a fragment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .errors import SourceError

_PUNCTUATION = frozenset("-_. ")


def _allowed(char: str) -> bool:
    return char in _PUNCTUATION or unicodedata.category(char)[0] in "LMN"


def name_problem(name: str) -> str:
    """Why an article name is refused ("" when it is accepted)."""
    for segment in PurePosixPath(name).parts:
        bad = sorted({c for c in segment if not _allowed(c)})
        if bad:
            shown = " ".join(
                repr(c) if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" for c in bad
            )
            return f"the name {segment!r} holds characters an article name may not have: {shown}"
        if segment[0] in "-. " or segment[-1] == " ":
            return f"the name {segment!r} starts with {segment[0]!r} or ends with a space"
    return ""


def suggested_name(name: str) -> str:
    """An accepted name close to a refused one: each run of refused characters becomes `-`."""
    parts = []
    for segment in PurePosixPath(name).parts:
        path = PurePosixPath(segment)
        stem, suffix = (path.stem, path.suffix) if path.suffix and path.stem else (segment, "")
        cleaned = "".join(c if _allowed(c) else "\x00" for c in stem)
        stem = re.sub("\x00+", "-", cleaned).strip("-. ") or "article"
        parts.append(stem + "".join(c for c in suffix if _allowed(c)))
    return "/".join(parts)


def check_name(name: str, path: Path | str) -> None:
    """Raise SourceError naming the file and what to rename it to when `name` is refused."""
    problem = name_problem(name)
    if problem:
        raise SourceError(
            problem,
            path=path,
            hint=f"rename it to {suggested_name(name)!r}: article names may hold letters and digits of any "
            "script, '-', '_', '.' and inner spaces",
        )


def link(*segments: str, up: int = 0) -> str:
    """A relative URL from path segments: `up` times `../`, or `./`, then each segment percent-encoded."""
    encoded = "/".join(quote(segment, safe="") for segment in _split(segments))
    return ("../" * up if up else "./") + encoded


def _split(segments: Iterable[str]) -> Iterable[str]:
    for segment in segments:
        yield from (part for part in segment.split("/") if part)
