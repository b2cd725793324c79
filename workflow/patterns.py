"""Regular expressions compiled when first used, not when their module is imported.

Python's `re` compiles a pattern in Python code, and a module's patterns are compiled at its
import whether or not the command uses them: the catalog reader's twenty-three cost a first
extract, which writes new catalogs and reads none, about 2 % of its instructions (issue 10).
`lazy_compile` gives an object that compiles its pattern the first time one of its methods or
attributes is asked for, and from then on holds the compiled pattern's bound methods itself, so a
later `PATTERN.search(...)` costs what it costs on a compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

# what a compiled pattern offers (re.Pattern's methods and attributes)
_OFFERED = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
            "pattern", "flags", "groups", "groupindex")


class _Lazy:
    """A pattern and its flags, compiled on first use (see lazy_compile)."""

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._source: tuple[Any, int] = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # called only for what the instance does not hold yet
        if name not in _OFFERED:
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for offered in _OFFERED:
            setattr(self, offered, getattr(compiled, offered))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]!r})"


def lazy_compile(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, done the first time the pattern is used (a wrong pattern raises then)."""
    return cast("re.Pattern[AnyStr]", _Lazy(pattern, int(flags)))
