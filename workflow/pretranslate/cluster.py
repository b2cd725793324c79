"""Pretranslation on a Dask cluster: the client plans and writes, workers only translate.

`--cluster tcp://HOST:PORT` connects to a running Dask scheduler (`dask scheduler`
and `dask worker` started by the user on their machines); `--cluster local:N` starts
a local cluster of N worker processes for the run. The process that holds the
workspace lock stays the only writer: it plans the same distinct-sentence batches
as a local run (protection, glossary, MT cache all stay on the client), sends each
batch as a task, and saves results into the catalogs and the cache as they arrive.

A worker builds the machine engine's Translator once per process (same engine,
model and decoding settings as the client) and keeps it for every later batch.
Before any work is sent, every worker is asked whether it has the model the client
uses (package name and version); a worker that lacks it is reported by address
with the install hint. Dask retries a batch whose worker died on another worker;
a batch's translation does not depend on which worker ran it, so the catalogs end
byte for byte as after a local run with the same settings.

Dask is imported only when a cluster is asked for: a local run pays nothing.
"""

from __future__ import annotations

import ctypes
import logging
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import WorkflowError
from ..model import MTRequest, MTResult
from ..records import frozen
from ..settings import Settings
from .engines import BatchRunner, Translator, default_translator

log = logging.getLogger(__name__)
CONNECT_SECONDS = 10  # how long to wait for a scheduler before saying it cannot be reached
RETRIES = 3  # times a batch is retried when its task fails (a dead worker's tasks are rescheduled anyway)
INSTALL_HINT = "pip install -e '.[cluster]' (or pip install dask distributed)"


@frozen
class TranslatorSpec:
    """Everything a worker needs to build the same Translator as the client."""

    engine: str
    lang: str
    settings: Settings  # the decoding settings (beam, length, device, threads) travel with it
    provenance: str  # what the client's Translator says it is: model package and version


_LOADED: dict[TranslatorSpec, Translator] = {}  # per worker process: the Translator of each spec, built once
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers (malloc.h)
MMAP_THRESHOLD = 32 * 1024 * 1024  # the ceiling of glibc's own dynamic mmap threshold on 64-bit machines


def restore_malloc() -> bool:
    """Let this worker process keep large freed buffers for reuse, as an ordinary process does; True if set.

    Dask's nanny starts every worker with MALLOC_TRIM_THRESHOLD_=65536 (to give memory back to the
    system early). Setting any malloc threshold turns off glibc's dynamic mmap threshold, so every
    buffer over 128 KiB that CTranslate2 allocates while decoding (activations, beams, logits) became
    a fresh mmap, zero-filled page by page and unmapped on free: a 16-sentence batch of the realistic
    model cost 2.2 s of system time on top of its 2.4 s of user time, and a 1-worker cluster took
    1.8x a local run. The thresholds set here are the ones glibc reaches by itself in the client.
    Nothing happens where the C library has no mallopt (musl, macOS).
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return False
    mapped = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(mapped) and bool(mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD))


def _translator(spec: TranslatorSpec) -> Translator:
    translator = _LOADED.get(spec)
    if translator is None:
        restore_malloc()
        translator = default_translator(spec.engine, spec.settings, spec.lang)
        _LOADED[spec] = translator
    return translator


def worker_problem(spec: TranslatorSpec) -> str | None:
    """Run on each worker before any work: why it cannot translate like the client, or None."""
    try:
        translator = _translator(spec)
    except WorkflowError as exc:
        return exc.message
    if translator.provenance != spec.provenance:
        return f"it has {translator.provenance!r}, the client uses {spec.provenance!r}"
    return None


def translate_batch(spec: TranslatorSpec, batch: Sequence[MTRequest]) -> tuple[str, list[MTResult]]:
    """The task: translate one batch on this worker; returns the worker's address with the results."""
    from distributed import get_worker

    return get_worker().address, _translator(spec).translate(batch)


@dataclass
class ClusterStats:
    """Sentences translated by each worker (by address), over a run."""

    sentences: Counter[str] = field(default_factory=Counter)


class Cluster:
    """A connection to a Dask scheduler (or a local cluster started for the run); use as a context manager."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.stats = ClusterStats()
        self._client: Any = None
        self._local: Any = None

    def __enter__(self) -> Cluster:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise WorkflowError("--cluster needs Dask, which is not installed", hint=INSTALL_HINT) from None
        if self.address.startswith("local:"):
            count = self.address.partition(":")[2]
            if not count.isdigit() or int(count) < 1:
                raise WorkflowError(f"cluster {self.address!r}: local:N takes a number of workers",
                                    hint="e.g. --cluster local:2")
            self._local = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                                       dashboard_address=":0", host="127.0.0.1", silence_logs=logging.ERROR)
            self._client = Client(self._local)
            return self
        if not self.address.startswith(("tcp://", "tls://")):
            raise WorkflowError(f"cluster {self.address!r} is neither tcp://HOST:PORT nor local:N",
                                hint="e.g. --cluster tcp://10.0.0.5:8786 or --cluster local:2")
        try:
            self._client = Client(self.address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise WorkflowError(f"cannot reach the Dask scheduler at {self.address} within "
                                f"{CONNECT_SECONDS} s ({exc.__class__.__name__})",
                                hint="start it with `dask scheduler`, or check the address and port",
                                ) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._local is not None:
            self._local.close()

    def check_workers(self, spec: TranslatorSpec) -> None:
        """Raise a WorkflowError naming every worker that cannot translate like the client."""
        workers = self._client.scheduler_info()["workers"]
        if not workers:
            raise WorkflowError(f"the Dask scheduler at {self.address} has no workers",
                                hint="start some with `dask worker ADDRESS`")
        problems = {address: problem for address, problem in self._client.run(worker_problem, spec).items()
                    if problem is not None}
        if problems:
            listed = "; ".join(f"{address}: {problem}" for address, problem in sorted(problems.items()))
            raise WorkflowError(f"{len(problems)} of {len(workers)} Dask worker(s) cannot run the "
                                f"{spec.engine} engine for {spec.lang}: {listed}",
                                hint=f"on those machines run `workflow models install …` to get "
                                     f"{spec.provenance.removeprefix('mt ')}, or stop those workers")

    def runner(self, engine: str, settings: Settings, lang: str, translator: Translator) -> BatchRunner:
        """What MachineEngine calls to translate its batches on the cluster."""
        # mt_threads 0 means every core of the machine that decodes; a worker decodes with the client's count,
        # since the Argos adapter cuts each batch into one sub-batch per thread and the output follows them
        threads = settings.mt_threads or os.cpu_count() or 1
        # and the workspace stays here (workers have none): its folder is not part of what they are sent,
        # so a worker keeps its model from one run (and workspace) to the next
        decoding = replace(settings, mt_threads=threads, root=Path())
        spec = TranslatorSpec(engine, lang, decoding, translator.provenance)
        self.check_workers(spec)
        return _ClusterRunner(self, spec)


class _ClusterRunner:
    def __init__(self, cluster: Cluster, spec: TranslatorSpec) -> None:
        self.cluster = cluster
        self.spec = spec

    def __call__(self, batches: Sequence[Sequence[MTRequest]]) -> Iterator[tuple[int, list[MTResult]]]:
        from distributed import as_completed

        client = self.cluster._client
        futures = {client.submit(translate_batch, self.spec, list(batch), retries=RETRIES, pure=False): index
                   for index, batch in enumerate(batches)}
        for future in as_completed(futures):
            try:
                address, results = future.result()
            except WorkflowError:
                raise
            except Exception as exc:  # noqa: BLE001 (whatever a worker raised, said as an error of the run)
                raise WorkflowError(f"a batch failed on the Dask cluster: {exc.__class__.__name__}: {exc}",
                                    hint="see the workers' logs; the next run translates only what is missing"
                                    ) from None
            self.cluster.stats.sentences[address] += len(batches[futures[future]])
            yield futures[future], results

