"""Benchmark: Apertium through workflow against the `apertium` command on the same sentences.

One synthetic corpus of distinct news sentences (every one goes to the engine: no
repetition, no MT cache), a fifth of them with inline markup, translated English ->
Spanish (`apertium eng-spa`, which must be installed) in three ways:

  (a) raw: the sentences' text, one per paragraph, through one `apertium -f txt eng-spa`;
  (b) engine: the same sentences through pretranslate's MachineEngine with the Apertium
      translator (placeholders protected and restored, span tags, marks parsed);
  (c) pretranslate: `workflow pretranslate es --engine apertium` in process on a workspace
      holding them as one article (read the catalog, translate, write it), from a fresh copy
      of the extracted workspace each round (the copy is not timed).

Rounds are interleaved (a, b, c, a, b, c, …) so that other work on the machine slows
each alike; the medians count, and the load average is printed before and after.
The target: (c) / (a) at most 1.2.

Usage:
  .venv/bin/python bench/bench_apertium.py                  # about a minute on 2 cores
  .venv/bin/python bench/bench_apertium.py --sentences 300 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUBJECTS = ["The ministry", "The State Council", "The city government", "The organizing committee",
            "Exporters", "The central bank", "A spokesperson", "The delegation", "Local companies",
            "The white paper", "Farmers", "The museum", "Scientists", "The mayor", "Tourists"]
VERBS = ["announced", "reviewed", "expanded", "launched", "supported", "discussed", "welcomed", "promoted",
         "opened", "closed", "published", "described"]
OBJECTS = ["new measures for trade in services", "a plan for digital cooperation", "the results of the forum",
           "support for small enterprises", "a program for green development", "the new railway station",
           "a report on international cooperation", "the exhibition of cultural products"]
TAILS = ["on Monday", "last week", "in Beijing", "after the meeting", "this year", "at the fair",
         "with foreign partners", "in March"]


def corpus(count: int, seed: int = 7) -> list[str]:
    """Distinct sentences; every fifth has inline markup (written as HTML)."""
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        subject, verb, obj, tail = (rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS),
                                    rng.choice(TAILS))
        number = rng.randint(2, 9000)
        if len(found) % 5 == 0:
            sentence = f"{subject} <b>{verb}</b> <a href=\"/n{number}\">{obj}</a> {tail}, {number} said."
        else:
            sentence = f"{subject} {verb} {obj} {tail} with {number} people."
        found[sentence] = None
    return list(found)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPU(s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from workflow.errors import MissingLanguagePair
    from workflow.extract import extract
    from workflow.pretranslate import MachineEngine, MTCache, Suggestion, pretranslate, protect
    from workflow.pretranslate.apertium import ApertiumTranslator
    from workflow.settings import init_workspace, load_settings

    try:
        translator = ApertiumTranslator.for_pair("en", "es")
    except MissingLanguagePair as exc:
        sys.exit(f"{exc.message}: {exc.hint}")
    html = corpus(args.sentences)
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "ws"
        init_workspace(base)
        config = base / "setup.cfg"
        config.write_text(config.read_text(encoding="utf-8").replace("languages = zh fr es ar ru",
                                                                      "languages = es"), encoding="utf-8")
        page = "".join(f"<p>{sentence}</p>\n" for sentence in html)
        (base / "source" / "news.html").write_text(f"<!DOCTYPE html><html><body>\n{page}</body></html>\n",
                                                   encoding="utf-8")
        extract(load_settings(base, environ={}))
        from workflow.store import load_units

        sources = [u.segment.text for u in load_units(base / "locales" / "es" / "news.po", "es", "news.html")]
        plain = [protect(s).request.text for s in sources]
        print(f"{len(sources)} distinct sentences ({sum('<' in s for s in sources)} with placeholders), "
              f"{sum(len(p.split()) for p in plain)} words; apertium {translator.pair.mode}")
        print(load())

        def raw() -> None:
            subprocess.run([translator.program, "-f", "txt", translator.pair.mode],
                           input="\n\n".join(plain).encode("utf-8") + b"\n", capture_output=True, check=True)

        def engine() -> None:
            found: dict[str, Suggestion] = {}
            MachineEngine(translator, None, MTCache(None), len(sources)).fill(sources, found.update)
            assert len(found) == len(sources)

        def workspace() -> float:
            copy = Path(scratch) / "copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(base, copy)
            settings = load_settings(copy, environ={})
            started = time.perf_counter()
            report = pretranslate(settings, ["es"], engines=["apertium"])
            elapsed = time.perf_counter() - started
            assert report.ok and report.languages[0].filled == {"apertium": len(sources)}, report
            return elapsed

        def timed(run: object) -> float:
            started = time.perf_counter()
            run()  # type: ignore[operator]
            return time.perf_counter() - started

        times: dict[str, list[float]] = {"raw": [], "engine": [], "pretranslate": []}
        engine()  # warm the file cache once
        for _ in range(args.rounds):
            times["raw"].append(timed(raw))
            times["engine"].append(timed(engine))
            times["pretranslate"].append(workspace())
        print(load())
        base_time = statistics.median(times["raw"])
        print(f"{'path':<14}{'median s':>10}{'min s':>9}{'sentences/s':>13}{'ratio':>8}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<14}{median:>10.3f}{min(values):>9.3f}{len(sources) / median:>13.0f}"
                  f"{median / base_time:>8.2f}")
        ratio = statistics.median(times["pretranslate"]) / base_time
        verdict = "ok" if ratio <= 1.2 else "OVER"
        print(f"workflow pretranslate / apertium: {ratio:.2f}x (target <= 1.2x): {verdict}")


if __name__ == "__main__":
    main()
