"""The whole job in one call: extract -> pretranslate -> check -> publish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .model import StageReport
from .records import frozen
from .settings import Settings

if TYPE_CHECKING:
    from .policy import Policy
    from .pretranslate import PretranslateReport
    from .publish import PublishReport
    from .qa import CheckReport


@frozen
class RunReport:
    """The report of every stage, in order."""

    extract: StageReport
    pretranslate: PretranslateReport
    check: CheckReport
    publish: PublishReport

    @property
    def failed(self) -> bool:
        return bool(self.extract.failures or self.pretranslate.failures or self.check.failures
                    or self.publish.failures)


def run_all(settings: Settings, langs: Sequence[str], policy: Policy,
            engines: Sequence[str] | None = None) -> RunReport:
    """Run every stage on the whole workspace; each stage reports its own failures.

    A failed article does not stop the run: later stages work with what the
    earlier ones produced, and the report says what failed where.
    """
    from .extract import extract
    from .pretranslate import pretranslate
    from .publish import publish
    from .qa import run_checks

    extracted = extract(settings)
    translated = pretranslate(settings, langs, engines=engines)
    checked = run_checks(settings, langs)
    published = publish(settings, langs, policy)
    return RunReport(extracted, translated, checked, published)
