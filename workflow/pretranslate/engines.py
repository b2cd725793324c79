"""The engines: the Translator protocol, pseudo-localization, memory and machine engines, the MT cache."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol, Sequence

from ..confidence import adjusted, unknown_words_note, with_confidence
from ..errors import WorkflowError
from ..files import write_atomic
from ..glossary import Glossary
from ..memory import WorkspaceMemory
from ..model import MTRequest, MTResult
from ..qa import verbatim_spans
from ..records import frozen
from ..segment import PLACEHOLDER, placeholder_problems
from ..settings import Settings
from .protect import Protected, protect, restore, safe_layout

log = logging.getLogger(__name__)

CACHE_FORMAT = 2  # 2: results keep the engine's confidence and unknown words


class Translator(Protocol):
    """A machine-translation engine: plain sentences in, translations and span positions out."""

    name: str

    @property
    def provenance(self) -> str:
        """What goes into the unit's `# workflow:` comment, e.g. `mt argos translate-en_zh 1.9`."""
        ...

    @property
    def cache_key(self) -> str | None:
        """Everything the output depends on besides the text; None: do not cache."""
        ...

    def translate(self, requests: Sequence[MTRequest]) -> list[MTResult]:
        """Translate a batch; one result per request, in order."""
        ...


@frozen
class Suggestion:
    """A target for every unit with a given source text, and where it came from."""

    target: str
    provenance: str
    engine: str
    score: int = 100
    repaired: bool = False
    fallback: bool = False
    terms: int = 0
    cached: bool = False
    confidence: int | None = None  # 0-100, after what pretranslate fixed (None: the engine gives none)


Save = Callable[[dict[str, Suggestion]], None]


class Engine(Protocol):
    """Fills what it can of a list of distinct source texts, handing over results batch by batch."""

    name: str

    def fill(self, sources: Sequence[str], save: Save) -> None: ...


# -- pseudo-localization ---------------------------------------------------------------

_PSEUDO = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçðéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÁƁÇÐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ",
)


def pseudolocalize(text: str, source_lang: str = "en") -> str:
    """`[Ţĥé ŵĥíţé þáþéŕ ···]`: accented, about 30 % longer, bracketed; one character per character.

    What the checks compare as written stays as it is (`qa.verbatim_spans`: links,
    formulas such as `1+8+N`, numbers with their scale words, month names), so a
    pseudo-localized catalog passes `workflow check`.
    """
    pieces: list[str] = []
    last = 0
    for start, end in verbatim_spans(text, source_lang):
        if end > last:
            pieces += [text[last:max(start, last)].translate(_PSEUDO), text[max(start, last):end]]
            last = end
    pieces.append(text[last:].translate(_PSEUDO))
    padding = "·" * max(1, math.ceil(len(text) * 0.3) - 3)
    return f"[{''.join(pieces)} {padding}]"


class PseudoTranslator:
    """Pseudo-localization as a Translator: spans move by exactly one character (the bracket)."""

    name = "pseudo"
    provenance = "pseudo"
    cache_key: str | None = None

    def __init__(self, source_lang: str = "en") -> None:
        self.source_lang = source_lang

    def translate(self, requests: Sequence[MTRequest]) -> list[MTResult]:
        return [
            MTResult(pseudolocalize(r.text, self.source_lang), tuple((a + 1, b + 1) for a, b in r.spans))
            for r in requests
        ]


# -- the MT cache ------------------------------------------------------------------------


class MTCache:
    """Engine results on disk: `<cache_dir>/mt/<engine key hash>/main.json` plus one part per batch.

    Each batch's new results are written as their own small file (atomically)
    before the catalogs are saved; `compact` merges the parts at the end of a run.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.entries: dict[str, list[object]] = {}
        self.pending: dict[str, list[object]] = {}
        if folder is not None and folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                try:
                    self.entries.update(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError) as exc:
                    log.warning("%s: ignoring an unreadable MT cache file (%s)", path, exc)

    @classmethod
    def for_translator(cls, settings: Settings, translator: Translator) -> MTCache:
        key = translator.cache_key
        if key is None:
            return cls(None)
        digest = hashlib.sha1(f"{CACHE_FORMAT}|{key}".encode()).hexdigest()[:16]
        return cls(settings.root / settings.cache_dir / "mt" / digest)

    @staticmethod
    def key(request: MTRequest) -> str:
        data = json.dumps([request.text, request.spans], ensure_ascii=False).encode("utf-8")
        return hashlib.sha1(data).hexdigest()

    def get(self, request: MTRequest) -> MTResult | None:
        value = self.entries.get(self.key(request))
        if not (isinstance(value, list) and len(value) == 4 and isinstance(value[0], str)
                and isinstance(value[1], list) and isinstance(value[3], list)):
            return None
        confidence = value[2] if isinstance(value[2], int) else None
        return MTResult(value[0], tuple(_span(s) for s in value[1]), confidence,
                        tuple(str(w) for w in value[3]))

    def put(self, request: MTRequest, result: MTResult) -> None:
        if self.folder is None:
            return
        value: list[object] = [result.text, [list(s) if s is not None else None for s in result.spans],
                               result.confidence, list(result.unknown)]
        key = self.key(request)
        self.entries[key] = value
        self.pending[key] = value

    def flush(self) -> None:
        """Write the results added since the last flush as one part file."""
        if self.folder is None or not self.pending:
            return
        name = f"part-{time.time_ns()}-{os.getpid()}.json"
        write_atomic(self.folder / name, json.dumps(self.pending, ensure_ascii=False).encode("utf-8"))
        self.pending = {}

    def compact(self) -> None:
        """Merge every part into main.json."""
        if self.folder is None or not self.folder.is_dir():
            return
        parts = sorted(self.folder.glob("part-*.json"))
        if not parts:
            return
        write_atomic(self.folder / "main.json", json.dumps(self.entries, ensure_ascii=False).encode("utf-8"))
        for part in parts:
            part.unlink(missing_ok=True)


def _span(value: object) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (value[0], value[1])
    return None


# -- engines -------------------------------------------------------------------------------


class MemoryEngine:
    """The `tm` engine: exact and fuzzy memory matches (the memory's index is open while it fills)."""

    name = "tm"

    def __init__(self, memory: WorkspaceMemory, threshold: int) -> None:
        self.memory = memory
        self.threshold = threshold

    def fill(self, sources: Sequence[str], save: Save) -> None:
        with self.memory:
            matches = {source: self.memory.lookup(source, self.threshold) for source in sources}
        found: dict[str, Suggestion] = {}
        for source, match in matches.items():
            if match is None:
                continue
            target, fallback = match.unit.target, False
            if placeholder_problems(source, target):
                target, _ = safe_layout(source, PLACEHOLDER.sub("", target).strip())
                fallback = True
                if not target:
                    continue  # its markup cannot be placed: the next engine, or the translator
            confidence = adjusted(match.score, fallback=fallback)
            provenance = with_confidence(f"tm {match.score}% {match.unit.origin}".rstrip(), confidence)
            if fallback:
                provenance += "; placeholders fallback"
            found[source] = Suggestion(target, provenance, self.name, match.score, fallback=fallback,
                                       confidence=confidence)
        if found:
            save(found)


@dataclass
class MachineStats:
    calls: int = 0  # model calls
    sentences: int = 0  # sentences sent to the model
    cached: int = 0  # sentences answered by the cache


class BatchRunner(Protocol):
    """Translates batches, handing back (batch index, results) as each is done, in any order."""

    def __call__(self, batches: Sequence[Sequence[MTRequest]]) -> Iterator[tuple[int, list[MTResult]]]: ...


def local_runner(translator: Translator) -> BatchRunner:
    """Batches one after the other in this process."""
    def run(batches: Sequence[Sequence[MTRequest]]) -> Iterator[tuple[int, list[MTResult]]]:
        for index, batch in enumerate(batches):
            yield index, translator.translate(batch)
    return run


class MachineEngine:
    """A Translator behind protection, dedupe, the cache and per-batch saves.

    `runner` translates the batches: one after the other here (the default), or on a
    Dask cluster (pretranslate/cluster.py). The batches are the same either way.
    """

    def __init__(self, translator: Translator, glossary: Glossary | None, cache: MTCache,
                 batch_size: int, runner: BatchRunner | None = None) -> None:
        self.translator = translator
        self.runner = runner or local_runner(translator)
        self.name = translator.name
        self.glossary = glossary
        self.cache = cache
        self.batch_size = max(1, batch_size)
        self.stats = MachineStats()

    def _suggest(self, source: str, protected: Protected, result: MTResult,
                 cached: bool) -> Suggestion | None:
        restored = restore(source, protected, result)
        notes = [self.translator.provenance]
        if restored.reason:  # left empty for the translator, who reads why in the unit's comment
            return Suggestion("", f"{notes[0]}; left for the translator: {restored.reason}", self.name, 100,
                              restored.repaired, True, 0, cached)
        if not restored.target.strip():
            return None
        written = sum(1 for term in protected.terms if term.source in restored.terms
                      and term.target not in result.text)  # approved terms written over the engine's words
        confidence = None if result.confidence is None else adjusted(
            result.confidence, repaired=restored.repaired, fallback=restored.fallback, terms=written)
        head = self.translator.provenance
        notes = [head if confidence is None else with_confidence(head, confidence)]
        if restored.fallback:
            notes.append("placeholders fallback")
        elif restored.repaired:
            notes.append("placeholders repaired")
        if restored.terms:
            notes.append("glossary: " + ", ".join(restored.terms))
        if result.unknown:
            notes.append(unknown_words_note(result.unknown))
        return Suggestion(restored.target, "; ".join(notes), self.name, 100, restored.repaired,
                          restored.fallback, len(restored.terms), cached, confidence)

    def fill(self, sources: Sequence[str], save: Save) -> None:
        plans = {source: protect(source, self.glossary) for source in sources}
        hits: dict[str, Suggestion] = {}
        misses: dict[MTRequest, list[str]] = {}
        for source, plan in plans.items():
            result = self.cache.get(plan.request)
            if result is not None:
                suggestion = self._suggest(source, plan, result, True)
                if suggestion is not None:
                    hits[source] = suggestion
            elif plan.request.text.strip():
                misses.setdefault(plan.request, []).append(source)
        self.stats.cached += len(hits)
        if hits:
            save(hits)
        requests = list(misses)
        size = self.batch_size
        batches = [requests[first:first + size] for first in range(0, len(requests), size)]
        try:
            for index, results in self.runner(batches):
                batch = batches[index]
                if not isinstance(self.translator, PseudoTranslator):  # pseudo calls no model
                    self.stats.calls += 1
                    self.stats.sentences += len(batch)
                for request, result in zip(batch, results):
                    self.cache.put(request, result)
                self.cache.flush()  # before the catalogs: a crash after this loses nothing
                found: dict[str, Suggestion] = {}
                for request, result in zip(batch, results):
                    for source in misses[request]:
                        suggestion = self._suggest(source, plans[source], result, False)
                        if suggestion is not None:
                            found[source] = suggestion
                if found:
                    save(found)
        finally:
            self.cache.compact()


TranslatorFactory = Callable[[str, Settings, str], Translator]  # engine name, settings, lang


def default_translator(engine: str, settings: Settings, lang: str) -> Translator:
    """The Translator of a machine engine; MissingLanguagePair when its model is not installed."""
    if engine == "pseudo":
        return PseudoTranslator(settings.source_lang)
    if engine == "argos":
        from .argos import ArgosTranslator

        return ArgosTranslator.for_pair(settings.source_lang, lang, beam_size=settings.mt_beam_size,
                                        threads=settings.mt_threads, device=settings.mt_device,
                                        max_length=settings.mt_max_length)
    if engine == "apertium":
        from .apertium import ApertiumTranslator

        return ApertiumTranslator.for_pair(settings.source_lang, lang)
    raise WorkflowError(f"unknown engine {engine!r}", hint="engines: tm, argos, apertium, pseudo")


def survival(sources: Sequence[str], translator: Translator, *, protected: bool = True) -> tuple[int, int]:
    """How many of `sources` come back with intact placeholders: (intact, total).

    With `protected`, through protect/restore (what pretranslate does); without,
    the raw source with its placeholders goes to the engine (the baseline).
    """
    if protected:
        plans = [protect(source) for source in sources]
        results = translator.translate([p.request for p in plans])
        targets = [restore(s, p, r).target for s, p, r in zip(sources, plans, results)]
    else:
        targets = [r.text for r in translator.translate([MTRequest(s) for s in sources])]
    intact = sum(1 for source, target in zip(sources, targets) if not placeholder_problems(source, target))
    return intact, len(sources)
