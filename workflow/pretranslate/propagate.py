"""Propagation: a unit reviewed in one article fills the same unit in the others.

Menus, captions, datelines and boilerplate recur word for word across articles. When
a source is reviewed in one article, pretranslate (before any engine runs) puts that
translation into every other article's unit with the same source text that is empty
or still machine output, as reviewed, with the provenance `propagated from ARTICLE`.
Only when the reviewed translations of a source all agree: where reviewers chose
differently, the context matters, and the engines (the memory first) make fuzzy
suggestions as usual. A person's target (reviewed, needs-work, or changed by hand)
is never replaced. Off with `propagate = false`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..memory import MemoryUnit
from ..model import State
from ..store import EntryBrief

ENGINE = "propagation"  # the name propagated units are counted under, beside the engines


def provenance(article: str) -> str:
    return f"propagated from {article}"


def agreed(reviewed: Iterable[MemoryUnit]) -> dict[str, MemoryUnit]:
    """Source -> the reviewed unit to propagate (the first article's), for sources whose reviews agree."""
    first: dict[str, MemoryUnit] = {}
    disputed: set[str] = set()
    for unit in reviewed:
        if not unit.source.strip():
            continue
        known = first.setdefault(unit.source, unit)
        if known.target != unit.target:
            disputed.add(unit.source)
    return {source: unit for source, unit in first.items() if source not in disputed}


def anything_to_propagate(catalogs: Sequence[Sequence[EntryBrief]]) -> bool:
    """Whether some machine unit has its source reviewed in another catalog (the quick look's question)."""
    reviewed: dict[str, int] = {}
    for number, briefs in enumerate(catalogs):
        for brief in briefs:
            if brief.state is State.REVIEWED:
                reviewed.setdefault(brief.source, number)
    return any(
        brief.state is State.MACHINE and reviewed.get(brief.source, number) != number
        for number, briefs in enumerate(catalogs) for brief in briefs
    )
