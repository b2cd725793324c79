"""Pretranslation: fill the empty units of the catalogs, offline, marked for review.

Engines are tried in order for each empty unit (`settings.engines`, default tm
then argos):

- `tm`: exact, then fuzzy (score >= `tm_threshold`) matches from the workspace's
  own reviewed units (any article, same language) and its imported memories;
- `argos`: the installed Argos package of the pair (argos.ArgosTranslator, packages from argos_packages);
- `pseudo`: pseudo-localization, for trying layouts and the pipeline with no model.

The machine engines sit behind the small `Translator` protocol. Before a unit
goes to one, its inline placeholders are taken out and its glossary terms found
(`protect`); the engine returns where those spans went (CTranslate2's attention,
or exactly for pseudo) and `restore` puts the markup back and writes the approved
terms. Whatever the model does, the result has the source's placeholders, well
nested: what alignment could not place is repaired or falls back to a safe
layout, and the unit's provenance says so (`; placeholders repaired`).

Before any engine, a unit reviewed in one article fills the same unit in the others
(`propagate`). Identical sources are translated once per run, across articles; an MT cache in
`.workflow/cache/` (keyed by engine, model and version, settings and text) makes
re-runs free. Each catalog is read once and written at time checkpoints
(`checkpoint_seconds`, see `checkpoint`), atomically, so a crash loses at most the
work since the last checkpoint. Targets are fuzzy, with a `# workflow: …`
provenance comment; a non-empty target is never replaced, except still-fuzzy
machine output (its source edited or not) with `redo_machine`, whose previous
msgid goes with the fresh target; reviewed and needs-work units are never touched.
"""

from __future__ import annotations

from .engines import (
    Engine,
    MachineEngine,
    MemoryEngine,
    MTCache,
    PseudoTranslator,
    Suggestion,
    Translator,
    default_translator,
    pseudolocalize,
    survival,
)
from .protect import Protected, Restored, protect, restore
from .run import LanguageReport, PretranslateReport, Progress, pretranslate, summary_lines

__all__ = [
    "Engine", "LanguageReport", "MTCache", "MachineEngine", "MemoryEngine", "PretranslateReport",
    "Progress", "Protected", "PseudoTranslator", "Restored", "Suggestion", "Translator",
    "default_translator", "pretranslate", "protect", "pseudolocalize", "restore", "summary_lines", "survival",
]
