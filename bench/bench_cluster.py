"""Pretranslation through Dask: a local run vs a 1-worker cluster (the cost of going through Dask)
vs a 2-worker cluster (the speed-up on this machine's 2 cores).

Equal work on every side: the same workspace (a fresh copy each time, MT cache empty),
the same realistic-size random Argos model (bench_pretranslate.realistic_model: 6+6
layers, d=512, 32,000-entry vocabulary), the same batches, beam and length cap, one
CTranslate2 thread per process. Each run must fill every unit, and all runs with the same
thread count must leave byte-identical catalogs (the thread count is a decoding setting:
the Argos adapter cuts a batch into one sub-batch per thread). Rounds are interleaved;
medians are printed, with the machine's load. Two clusters are measured: a running one
(started once, as a user's `dask scheduler` and `dask worker`s are: the overhead of going
through Dask), and `--cluster local:N` started by the run itself (its start-up included:
worker processes, imports, model loading). A first round warms the running clusters' workers
and is not counted. A local run with every core is shown too, since that is what a cluster
must beat on one machine.

    .venv/bin/python bench/bench_cluster.py [--articles 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--paragraphs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--cap", type=int, default=32, help="decoding length cap, tokens")
    parser.add_argument("--batch", type=int, default=16, help="sentences per batch (task)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(scratch / name.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(scratch / "packages")  # the workers inherit it
    try:
        from bench_pretranslate import corpus, make_workspace, realistic_model

        from workflow.pretranslate import pretranslate
        from workflow.pretranslate.argos_packages import install_model_file
        from workflow.settings import load_settings

        articles = corpus(args.articles, args.paragraphs)
        distinct = list(dict.fromkeys(line for lines in articles.values() for line in lines))
        template = make_workspace(scratch / "template", articles)
        install_model_file(realistic_model(scratch / "model", distinct))
        print(f"{len(articles)} articles, {len(distinct)} distinct sentences, batches of {args.batch}, "
              f"beam {args.beam}, cap {args.cap} tokens; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
        from distributed import LocalCluster

        started_at = time.perf_counter()
        running = [LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                host="127.0.0.1") for n in (1, 2)]
        print(f"clusters of 1 and 2 workers started in {time.perf_counter() - started_at:.1f} s", flush=True)
        clusters = {"1": running[0].scheduler_address, "2": running[1].scheduler_address}
        configurations = [("local run, 1 thread", "", 1),
                          ("running cluster, 1 worker", clusters["1"], 1),
                          ("running cluster, 2 workers", clusters["2"], 1),
                          ("--cluster local:1 (start-up included)", "local:1", 1),
                          (f"local run, {os.cpu_count()} threads", "", 0)]
        times: dict[str, list[float]] = {name: [] for name, _, _ in configurations}
        results: dict[int, dict[str, bytes]] = {}  # threads -> catalogs (sub-batches follow the threads)
        for round_ in range(args.rounds + 1):  # round 0 warms the workers (model loaded once per worker)
            for name, cluster, threads in configurations:
                root = scratch / f"run-{round_}-{len(times[name])}-{name.split()[0]}-{threads}"
                shutil.copytree(template, root)
                settings = replace(load_settings(root), cluster=cluster, mt_threads=threads,
                                   mt_beam_size=args.beam, mt_max_length=args.cap, mt_batch_size=args.batch,
                                   engines=("argos",))
                started = time.perf_counter()
                report = pretranslate(settings, ["zh"])
                seconds = time.perf_counter() - started
                (language,) = report.languages
                assert report.ok and language.left == 0 and language.model_sentences == len(distinct), report
                found = {p.name: p.read_bytes() for p in sorted((root / "locales" / "zh").glob("*.po"))}
                assert found == results.setdefault(threads, found), f"{name}: catalogs differ from run 1"
                if round_:
                    times[name].append(seconds)
                shutil.rmtree(root)
        for cluster in running:
            cluster.close()
        print(f"load average {os.getloadavg()[0]:.2f} at the end\n")
        baseline = statistics.median(times[configurations[0][0]])
        print(f"{'':40} {'median s':>9} {'sentences/s':>12} {'vs local, 1 thread':>19}")
        for name, _, _ in configurations:
            median = statistics.median(times[name])
            print(f"{name:40} {median:9.2f} {len(distinct) / median:12.1f} {median / baseline:18.2f}x")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
