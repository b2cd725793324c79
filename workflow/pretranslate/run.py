"""The run: which units to fill, the engines in order, checkpoints, the report."""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from ..errors import CatalogError, MissingLanguagePair, WorkflowError
from ..files import workspace_lock
from ..glossary import Glossary, load_glossary
from ..memory import MemoryUnit, WorkspaceMemory
from ..model import Failure, State
from ..records import frozen
from ..settings import Settings
from ..store import EntryBrief, TargetUpdate, redoable, scan_catalog, units_of
from . import propagate
from .checkpoint import Checkpoints, Clock, pack, unpack
from .engines import (
    Engine,
    MachineEngine,
    MachineStats,
    MemoryEngine,
    MTCache,
    Suggestion,
    TranslatorFactory,
    default_translator,
)

if TYPE_CHECKING:
    from .cluster import Cluster

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # language, units done, units to do


@frozen
class LanguageReport:
    """What pretranslate did for one language."""

    lang: str
    catalogs: int = 0
    units: int = 0  # units in the catalogs
    todo: int = 0  # empty units (and machine units with redo_machine) at the start
    distinct: int = 0  # distinct source texts among them
    filled: dict[str, int] = field(default_factory=dict)  # engine -> units filled
    fuzzy_matches: int = 0  # units filled by a fuzzy memory match
    left: int = 0  # units still empty
    model_calls: int = 0
    model_sentences: int = 0
    cached: int = 0  # distinct sources answered by the MT cache
    repaired: int = 0  # units whose placeholders were repaired
    fallbacks: int = 0  # units whose placeholders fell back to the safe layout
    glossary_terms: int = 0  # approved terms written
    propagated: int = 0  # units filled as reviewed from the same unit reviewed in another article
    catalogs_written: int = 0
    workers: dict[str, int] = field(default_factory=dict)  # on a cluster: sentences each worker translated
    skipped: bool = False  # nothing to do: no catalog was parsed
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


@frozen
class PretranslateReport:
    """What `workflow pretranslate` did: one report per language, and failures."""

    languages: tuple[LanguageReport, ...] = ()
    failures: tuple[Failure, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, object]:
        def failure(f: Failure) -> dict[str, object]:
            return {"message": f.message, "path": str(f.path) if f.path else None, "line": f.line,
                    "hint": f.hint}

        return {"ok": self.ok, "languages": [asdict(r) for r in self.languages],
                "failures": [failure(f) for f in self.failures]}


@dataclass
class _Tally:
    """The units filled, by engine and what was fixed, counted as answers come (nothing kept per source)."""

    filled: dict[str, int] = field(default_factory=dict)  # engine -> units filled
    fuzzy_matches: int = 0
    repaired: int = 0
    fallbacks: int = 0
    glossary_terms: int = 0

    def add(self, suggestion: Suggestion, units: int) -> None:
        if not suggestion.target:  # left empty, with the reason in the unit's comment
            return
        self.filled[suggestion.engine] = self.filled.get(suggestion.engine, 0) + units
        self.fuzzy_matches += units if suggestion.engine == "tm" and suggestion.score < 100 else 0
        self.repaired += units if suggestion.repaired and not suggestion.fallback else 0
        self.fallbacks += units if suggestion.fallback else 0
        self.glossary_terms += suggestion.terms * units


@dataclass
class _Run:
    """The mutable state of one language's run: what to fill, what was filled, what was written."""

    lang: str
    redo: bool
    progress: Progress | None
    checkpoints: Checkpoints
    places: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)  # source to fill -> units
    machine: dict[str, list[tuple[Path, str]]] = field(default_factory=dict)  # machine units not in places
    current: dict[tuple[Path, str], tuple[str, str]] = field(default_factory=dict)  # machine targets to redo
    reviewed: list[MemoryUnit] = field(default_factory=list)
    units: int = 0
    todo: int = 0  # units to fill at the start
    distinct: int = 0  # their distinct sources
    tally: _Tally = field(default_factory=_Tally)  # what the answers filled, counted as they come
    waiting: dict[Path, int] = field(default_factory=dict)  # catalog -> its units to fill not answered yet
    failures: list[Failure] = field(default_factory=list)
    done: int = 0
    propagated: int = 0

    def collect(self, article: str, path: Path, data: bytes) -> None:
        """Parse a catalog from the bytes read: its units to fill, and its reviewed units (memory)."""
        try:
            units = units_of(self.checkpoints.open(path, data), self.lang, article)
        except WorkflowError as exc:  # a damaged catalog is reported; the others are still filled
            self.failures.append(Failure.of(exc))
            return
        wanted = False
        waiting = 0
        for unit in units:
            self.units += 1
            if unit.state is State.REVIEWED:
                self.reviewed.append(MemoryUnit(unit.segment.text, unit.target, article))
            elif unit.state is State.NEW or (self.redo and redoable(unit.state, unit.provenance)):
                self.places.setdefault(unit.segment.text, []).append((path, unit.segment.key))
                self.todo += 1
                waiting += bool(unit.segment.text.strip())  # (an engine is never asked for a blank one)
                if not unit.previous:  # the same target (or reason to leave it empty) changes nothing
                    self.current[(path, unit.segment.key)] = (unit.target, unit.provenance)
            elif unit.state is State.MACHINE:
                self.machine.setdefault(unit.segment.text, []).append((path, unit.segment.key))
            else:
                continue
            wanted = True
        if not wanted:  # nothing in it will change: memory holds only the catalogs with work
            self.checkpoints.finish(path)
        else:
            self.waiting[path] = waiting

    def ready(self) -> None:
        """After propagation: a catalog with no unit left for the engines is finished (see `answered`)."""
        for path in list(self.waiting):
            self._settle(path)

    def _settle(self, path: Path) -> None:
        """Finish a catalog once none of its units waits for an answer."""
        if not self.waiting[path]:
            del self.waiting[path]
            self.checkpoints.finish(path)

    def answer(self, source: str, suggestion: Suggestion) -> list[tuple[Path, str]] | None:
        """The units of a source not answered yet, now answered (None: none); forgotten, and counted."""
        places = self.places.pop(source, None)
        if places is not None:
            self.tally.add(suggestion, len(places))
            self.done += len(places)
        return places

    def answered(self, sources: list[tuple[str, list[tuple[Path, str]]]]) -> None:
        """These sources' units are filled: a catalog whose every unit to fill is answered is finished,
        and forgotten once written (memory holds the catalogs of the work since the last checkpoint)."""
        for source, places in sources:
            if not source.strip():
                continue
            for path, _ in places:
                self.waiting[path] -= 1
                self._settle(path)

    def propagate(self) -> None:
        """Fill the empty and machine units whose source is reviewed in another article (see propagate)."""
        updates: dict[Path, dict[str, TargetUpdate]] = {}
        answered: list[tuple[str, list[tuple[Path, str]]]] = []
        for source, unit in propagate.agreed(self.reviewed).items():
            places = [*self.places.get(source, ()), *self.machine.get(source, ())]
            if not places:
                continue
            provenance = propagate.provenance(unit.origin)
            update = TargetUpdate(unit.target, provenance, fuzzy=False, over_machine=True)
            for path, key in places:
                updates.setdefault(path, {})[key] = update
            self.propagated += len(places)
            wanted = self.answer(source, Suggestion(unit.target, provenance, propagate.ENGINE))
            if wanted is not None:
                answered.append((source, wanted))
                for place in wanted:
                    self.current.pop(place, None)
        self.machine.clear()  # only propagation fills machine units
        for path, changes in updates.items():
            self.checkpoints.fill(path, changes)
        self.answered(answered)
        self.failures.extend(self.checkpoints.tick())

    def save(self, batch: dict[str, Suggestion]) -> None:
        """Put a batch of results into the catalogs, write them if a checkpoint is due, report progress."""
        updates: dict[Path, dict[str, TargetUpdate]] = {}
        answered: list[tuple[str, list[tuple[Path, str]]]] = []
        for source, suggestion in batch.items():
            places = self.answer(source, suggestion)
            if places is None:  # answered already (or not to fill)
                continue
            for path, key in places:
                if self.current.pop((path, key), None) != (suggestion.target, suggestion.provenance):
                    updates.setdefault(path, {})[key] = TargetUpdate(suggestion.target, suggestion.provenance,
                                                                      fuzzy=bool(suggestion.target))
            answered.append((source, places))
        for path, changes in updates.items():
            self.checkpoints.fill(path, changes)
        self.answered(answered)
        self.failures.extend(self.checkpoints.tick())
        if self.progress is not None:
            self.progress(self.lang, self.done, self.todo)


def pretranslate(settings: Settings, langs: Sequence[str], *, engines: Sequence[str] | None = None,
                 redo_machine: bool = False, progress: Progress | None = None,
                 translators: TranslatorFactory = default_translator,
                 clock: Clock = time.monotonic) -> PretranslateReport:
    """Fill the empty units of every article's catalogs of `langs`, holding the workspace lock.

    `translators` makes the Translator of a machine engine, `clock` times the
    checkpoints (`settings.checkpoint_seconds`); tests pass fakes. With
    `settings.cluster`, machine engines translate on Dask workers (see cluster.py).
    """
    from ..extract import article_name, find_sources

    reports: list[LanguageReport] = []
    failures: list[Failure] = []
    with workspace_lock(settings.root, settings.lock_timeout), _cluster(settings) as cluster:
        articles = [article_name(settings, path) for path in find_sources(settings)]
        for lang in langs:
            try:
                chosen = tuple(engines or settings.engines_for(lang))
                report, problems = _pretranslate_language(settings, lang, articles, chosen, redo_machine,
                                                          progress, translators, clock, cluster)
            except WorkflowError as exc:
                report, problems = LanguageReport(lang), [Failure.of(exc)]
            reports.append(report)
            failures.extend(problems)
    return PretranslateReport(tuple(reports), tuple(failures))


@contextlib.contextmanager
def _cluster(settings: Settings) -> Iterator[Cluster | None]:
    """The Dask cluster of the run, or None to translate here (Dask is not even imported then)."""
    if not settings.cluster:
        yield None
        return
    from .cluster import Cluster

    with Cluster(settings.cluster) as cluster:
        yield cluster


def _catalogs(settings: Settings, lang: str,
              articles: list[str]) -> tuple[list[tuple[str, Path]], list[Failure]]:
    """The catalogs of `lang` (article, path), and a failure for each missing one."""
    found: list[tuple[str, Path]] = []
    failures: list[Failure] = []
    for article in articles:
        path = settings.catalog(article, lang)
        if path.is_file():
            found.append((article, path))
        else:
            failures.append(Failure.of(CatalogError(f"no {lang} catalog for {article}", path=path,
                                                  hint="run `workflow extract` first")))
    return found, failures


def _pretranslate_language(settings: Settings, lang: str, articles: list[str], engines: tuple[str, ...],
                           redo: bool, progress: Progress | None, translators: TranslatorFactory,
                           clock: Clock, cluster: Cluster | None = None,
                           ) -> tuple[LanguageReport, list[Failure]]:
    started = time.perf_counter()
    catalogs, failures = _catalogs(settings, lang, articles)
    run = _Run(lang, redo, progress, Checkpoints(settings.checkpoint_seconds, clock, redo))
    read: list[tuple[str, Path, bytes]] = []  # each catalog read once, kept compressed
    scanned: list[list[EntryBrief]] = []
    for article, path in catalogs:
        try:
            data = path.read_bytes()
        except OSError as exc:
            failures.append(Failure(f"cannot read catalog: {exc.strerror}", path))
            continue
        if not redo:  # the quick look (below); every catalog is parsed: its reviewed units are memory
            try:
                scanned.append(scan_catalog(path, data=data))
            except WorkflowError as exc:  # reported once, here; the other catalogs go on
                failures.append(Failure.of(exc))
                continue
        read.append((article, path, pack(data)))
    count = len(read)
    # the quick look: with no empty unit and nothing to propagate, nothing is parsed, no engine loaded
    if not redo and not any(b.state is State.NEW for briefs in scanned for b in briefs) and not (
            settings.propagate and propagate.anything_to_propagate(scanned)):
        return LanguageReport(lang, count, sum(map(len, scanned)), skipped=True,
                              seconds=time.perf_counter() - started), failures
    del scanned
    for article, path, packed in read:
        run.collect(article, path, unpack(packed))
    del read  # held now by the checkpoints, for the catalogs with work only
    if settings.propagate:
        run.propagate()
    run.ready()
    missing: list[MissingLanguagePair] = []
    stats: list[MachineStats] = []
    glossary: Glossary | None = None
    run.distinct = len(run.places)
    remaining = [s for s in run.places if s.strip()]
    try:
        for name in engines:
            if not remaining:
                break
            engine: Engine
            if name == "tm":
                engine = MemoryEngine(WorkspaceMemory(settings, lang, run.reviewed), settings.tm_threshold)
            else:
                try:
                    translator = translators(name, settings, lang)
                except MissingLanguagePair as exc:
                    missing.append(exc)
                    continue
                glossary = glossary or load_glossary(settings, lang)
                runner = cluster.runner(name, settings, lang, translator) if cluster is not None else None
                # an engine whose every call starts a process (Apertium) asks for larger batches
                batch = max(settings.mt_batch_size, getattr(translator, "min_batch_size", 1))
                engine = MachineEngine(translator, glossary, MTCache.for_translator(settings, translator),
                                       batch, runner)
                stats.append(engine.stats)
            engine.fill(remaining, run.save)
            remaining = [s for s in remaining if s in run.places]
    finally:  # the last checkpoint: at the end, and on Ctrl-C or an error, the work done is written
        run.failures.extend(run.checkpoints.flush())
    warnings: list[str] = []
    if missing and len(missing) == len(engines):
        failures.append(Failure.of(missing[0]))  # no engine could run: that is a failure
    elif missing:
        warnings.extend(f"{exc.message}" for exc in missing)
        if remaining:
            left = sum(len(run.places[s]) for s in remaining)
            warnings.append(f"{left} unit(s) left empty; {missing[0].hint}")
    failures.extend(run.failures)
    report = _report(run, count, stats, warnings, time.perf_counter() - started)
    if cluster is not None:
        report = replace(report, workers=dict(sorted(cluster.stats.sentences.items())))
        cluster.stats.sentences.clear()
    return report, failures


def _report(run: _Run, catalogs: int, stats: list[MachineStats], warnings: list[str],
            seconds: float) -> LanguageReport:
    tally = run.tally
    return LanguageReport(
        lang=run.lang, catalogs=catalogs, units=run.units, todo=run.todo, distinct=run.distinct,
        filled=tally.filled, fuzzy_matches=tally.fuzzy_matches, left=run.todo - sum(tally.filled.values()),
        model_calls=sum(s.calls for s in stats), model_sentences=sum(s.sentences for s in stats),
        cached=sum(s.cached for s in stats), repaired=tally.repaired, fallbacks=tally.fallbacks,
        glossary_terms=tally.glossary_terms, propagated=run.propagated,
        catalogs_written=len(run.checkpoints.written), warnings=tuple(warnings), seconds=seconds,
    )


def summary_lines(report: PretranslateReport) -> list[str]:
    """One line per language (for stderr), then its warnings."""
    lines: list[str] = []
    for item in report.languages:
        if item.skipped:
            lines.append(f"{item.lang}: nothing to fill ({item.units} unit(s) in {item.catalogs} catalog(s))")
            continue
        engines = ", ".join(f"{count} from {name}" for name, count in item.filled.items()) or "none filled"
        fuzzy = f" ({item.fuzzy_matches} fuzzy memory match(es))" if item.fuzzy_matches else ""
        rate = f", {item.todo / item.seconds:.0f} units/s" if item.seconds > 0 and item.todo else ""
        extra = []
        if item.model_calls:
            extra.append(f"{item.model_calls} model call(s) for {item.model_sentences} sentence(s)")
        if item.cached:
            extra.append(f"{item.cached} from the MT cache")
        if item.repaired or item.fallbacks:
            extra.append(f"placeholders repaired in {item.repaired}, laid out safely in {item.fallbacks}")
        replaced = item.propagated - item.filled.get(propagate.ENGINE, 0)
        if replaced:
            extra.append(f"{replaced} machine draft(s) replaced by a translation reviewed in another article")
        if item.glossary_terms:
            extra.append(f"{item.glossary_terms} glossary term(s) written")
        lines.append(
            f"{item.lang}: {item.todo} unit(s) to fill ({item.distinct} distinct) "
            f"in {item.catalogs} catalog(s): "
            f"{engines}{fuzzy}; {item.left} left empty; {''.join(f'{note}; ' for note in extra)}"
            f"{item.catalogs_written} catalog(s) written ({item.seconds:.1f} s{rate})"
        )
        if item.workers:
            lines.append(f"{item.lang}: on the cluster: " + ", ".join(
                f"{count} sentence(s) by {address}" for address, count in item.workers.items()))
        lines.extend(f"warning: {item.lang}: {warning}" for warning in item.warnings)
    return lines
