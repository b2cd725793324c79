"""The check registry: what a check is, the ids it is known by, and how checks are chosen.

A check is a function `(source, target, context) -> message | None`, registered with
an id, a severity and a summary by the `check` decorator, which turns it into a
`Check`: calling that returns an `Issue` or None. The checks themselves are in
`qa.checks`; importing the `qa` package registers them all in `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..glossary import Term
from ..languages import base_language
from ..model import Issue, Severity, State
from ..records import frozen


@frozen
class CheckContext:
    """What a check may know besides the two texts."""

    lang: str
    source_lang: str = "en"
    key: str = ""
    state: State = State.MACHINE
    terms: tuple[Term, ...] = ()
    provenance: str = ""  # the unit's `# workflow:` comment
    min_confidence: int = 0  # the setting: machine units below it are flagged

    @property
    def base(self) -> str:
        """The language without region or script: `zh` for `zh-Hans`."""
        return base_language(self.lang)


CheckFunction = Callable[[str, str, CheckContext], "str | None"]


@frozen
class Check:
    """A registered check: calling it gives an Issue, or None when the unit passes."""

    id: str
    severity: Severity
    summary: str
    function: CheckFunction

    def __call__(self, source: str, target: str, context: CheckContext) -> Issue | None:
        message = self.function(source, target, context)
        return None if message is None else Issue(context.key, self.id, self.severity, message)


CHECKS: dict[str, Check] = {}


def check(id: str, severity: Severity, summary: str) -> Callable[[CheckFunction], Check]:
    """Register a check function under `id` with its severity and a one-line summary."""

    def register(function: CheckFunction) -> Check:
        if id in CHECKS:
            raise ValueError(f"check {id!r} registered twice")
        CHECKS[id] = Check(id, severity, summary, function)
        return CHECKS[id]

    return register


def select_checks(only: Sequence[str] = (), skip: Sequence[str] = ()) -> tuple[Check, ...]:
    """The checks to run: `only` (all when empty) less `skip`. Raises ValueError on an unknown id."""
    unknown = [c for c in (*only, *skip) if c not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check {', '.join(unknown)} (checks: {', '.join(CHECKS)})")
    return tuple(c for id, c in CHECKS.items() if (not only or id in only) and id not in skip)

