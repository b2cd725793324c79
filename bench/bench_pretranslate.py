"""`workflow pretranslate` against raw CTranslate2 and argostranslate at equal work (issue 3.11, 10).

The corpus is real text: the paragraphs of the repository's sample bulletin and pages
(bench/common.py), kept where workflow's sentence splitter (syntok) and argostranslate's
(spaCy's sentencizer, as Argos packages use it offline) cut them into the same sentences and
no sentence repeats one already kept, grouped into articles of --per-article paragraphs.
So every path translates the same distinct sentences, once each, and the bench checks it:

  (a) raw CTranslate2: tokenize the distinct sentences, one `translate_batch`, detokenize;
  (b) `workflow pretranslate` (in process): read the catalogs, translate in batches through
      the Argos adapter, write every catalog (its report must say it sent every sentence
      to the model once, and left none);
  (c) argostranslate's own `translate()`, one call per paragraph (what argos-translate-files
      does), on every paragraph (counted: the sentences it sends to the model must be ours).

All three load the same model, the realistic-size random one built here (6+6 layers,
d=512, 8 heads, FFN 2048, 32,000-entry vocabulary, int8 at run time as Argos's "auto"
compute type picks; --model tiny takes tests/tinymodel.py's instead), decode with the same
beam and the same length cap (random weights never stop early, so every sentence costs
the cap) on the same number of threads. Rounds interleave the paths, in a rotating order;
the table gives the median of each and the machine's load, printed before and after.

Then: a no-change re-run over a workspace of --rerun-articles generated articles (in
process and as a CLI subprocess, whose exit status and report are checked), and the
placeholder survival rate on the tiny model and the pseudo engine.

Usage:
  .venv/bin/python bench/bench_pretranslate.py                 # several minutes on 2 cores
  .venv/bin/python bench/bench_pretranslate.py --paragraphs 10 --rounds 1 --model tiny   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from common import RunFailed, load, news_articles, real_paragraphs, run_workflow  # noqa: E402

BOILERPLATE = [
    "(Photo Credit: Xinhua News Agency)",
    "Source: Organizing Committee",
    "The fair is held every year in Beijing.",
    "For more information, please visit the official website.",
    "Editor: Wang Xin",
]
SUBJECTS = ["The ministry", "The State Council", "The city government", "The organizing committee",
            "Exporters", "The central bank", "A spokesperson", "The delegation", "Local companies",
            "The white paper"]
VERBS = ["announced", "reviewed", "expanded", "launched", "supported", "discussed", "welcomed", "promoted"]
OBJECTS = ["new measures for trade in services", "a plan for digital cooperation", "the results of the forum",
           "support for small enterprises", "a program for green development",
           "the opening of the exhibition", "investment in public health",
           "closer ties with partner countries", "training for young workers"]
WHEN = ["on Monday", "on Tuesday", "this week", "last month", "in January", "after the meeting",
        "in a statement"]


def corpus(articles: int, paragraphs: int, seed: int = 7) -> dict[str, list[str]]:
    """Article name -> paragraphs (one sentence each); about 40 % of units repeat another.

    bench_cluster's corpus; this bench translates real paragraphs (`equal_work_paragraphs`)."""
    rng = random.Random(seed)
    shared = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}."
              for _ in range(25)]
    texts: dict[str, list[str]] = {}
    for article in range(articles):
        lines = [f"Bulletin {article}: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"]
        while len(lines) < paragraphs:
            roll = rng.random()
            if roll < 0.15:
                lines.append(rng.choice(BOILERPLATE))
            elif roll < 0.5:
                lines.append(rng.choice(shared))
            else:
                lines.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                             f"{rng.choice(WHEN)}, report {article}.{len(lines)} said.")
        texts[f"bulletin-{article:03}.txt"] = lines
    return texts


# -- models ----------------------------------------------------------------------------------


def realistic_model(out: Path, sentences: list[str], layers: int = 6, d_model: int = 512, heads: int = 8,
                    ffn: int = 2048, vocab_size: int = 32000) -> Path:
    """An Argos package with a Transformer of Argos's size and random weights; returns the .argosmodel."""
    import numpy as np
    import sentencepiece as spm
    from ctranslate2.specs import TransformerSpec
    from tinymodel import metadata, train_sentencepiece, write_package

    package = out / "translate-en_zh-random"
    (package / "model").mkdir(parents=True)
    train_sentencepiece(package, sentences, vocab_size=2000)
    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab += [f"▁x{i}" for i in range(vocab_size - len(vocab))]
    rng = np.random.default_rng(0)

    def weights(*shape: int) -> Any:
        return rng.normal(0, 0.05, shape).astype(np.float32)

    def norm(spec: Any) -> None:
        spec.gamma, spec.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)

    def linear(spec: Any, rows: int, cols: int) -> None:
        spec.weight, spec.bias = weights(rows, cols), np.zeros(rows, np.float32)

    spec = TransformerSpec.from_config(layers, heads)
    embedding = weights(len(vocab), d_model)
    positions = weights(1024, d_model)
    spec.encoder.embeddings[0].weight = embedding
    spec.encoder.position_encodings.encodings = positions
    norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
    spec.decoder.embeddings.weight = embedding
    spec.decoder.position_encodings.encodings = positions
    norm(spec.decoder.layer_norm)
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        linear(layer.self_attention.linear[1], d_model, d_model)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d_model, d_model)
        linear(layer.attention.linear[1], 2 * d_model, d_model)
        linear(layer.attention.linear[2], d_model, d_model)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, ffn, d_model)
        linear(layer.ffn.linear_1, d_model, ffn)
    linear(spec.decoder.projection, len(vocab), d_model)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(package / "model"))
    return write_package(package, out / "translate-en_zh-random.argosmodel", metadata("0.1-random"))


# -- the three paths ------------------------------------------------------------------------


def raw_ctranslate2(package: Path, sentences: list[str], beam: int, cap: int, threads: int) -> float:
    """(a): the distinct sentences through one translate_batch call."""
    import ctranslate2
    import sentencepiece as spm

    start = time.perf_counter()
    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package / "model"), device="cpu", compute_type="auto",
                                        inter_threads=threads, intra_threads=1)
    tokens = processor.encode(sentences, out_type=str)
    results = translator.translate_batch(tokens, beam_size=beam, max_decoding_length=cap, max_batch_size=32,
                                         replace_unknowns=True, length_penalty=0.2)
    [processor.decode_pieces(r.hypotheses[0]) for r in results]
    return time.perf_counter() - start


def workflow_run(workspace: Path, beam: int, cap: int, threads: int) -> tuple[float, Any]:
    """(b): `workflow pretranslate zh --engine argos` in process, from a workspace with no MT cache."""
    from workflow.pretranslate import pretranslate
    from workflow.settings import load_settings

    shutil.rmtree(workspace / ".workflow" / "cache", ignore_errors=True)
    settings = replace(load_settings(workspace), mt_beam_size=beam, mt_max_length=cap, mt_threads=threads)
    start = time.perf_counter()
    report = pretranslate(settings, ["zh"], engines=["argos"], redo_machine=True)
    return time.perf_counter() - start, report.languages[0]


class _Capped:
    """A CTranslate2 translator whose calls decode at most `cap` tokens (argostranslate cannot ask),
    counting the sentences sent to it."""

    def __init__(self, translator: Any, cap: int) -> None:
        self.translator, self.cap, self.sentences = translator, cap, 0

    def translate_batch(self, source: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["max_decoding_length"] = self.cap
        self.sentences += len(source)
        return self.translator.translate_batch(source, *args, **kwargs)


def argos_run(packages: Path, package: Path, paragraphs: list[str], beam: int, cap: int,
              threads: int) -> tuple[float, int]:
    """(c): argostranslate.translate.translate-like calls, one per paragraph; (seconds, sentences)."""
    import ctranslate2
    from argostranslate import settings as argos_settings
    from argostranslate import translate as argos_translate

    argos_settings.package_dirs = [packages]
    argos_settings.chunk_type = argos_settings.ChunkType.SPACY  # the only splitter that works offline
    argos_settings.beam_size = beam
    argos_translate.installed_translates.clear()
    argos_translate.get_installed_languages.cache_clear()
    start = time.perf_counter()
    translation = argos_translate.get_translation_from_codes("en", "zh")
    underlying = translation.underlying  # CachedTranslation -> PackageTranslation
    # one paragraph at a time: the threads work inside each call (Argos's own default: inter 1, intra all)
    capped = _Capped(ctranslate2.Translator(
        str(package / "model"), device=argos_settings.device, inter_threads=1, intra_threads=threads,
        compute_type=argos_settings.compute_type), cap)
    underlying.translator = capped
    for paragraph in paragraphs:
        translation.translate(paragraph)
    return time.perf_counter() - start, capped.sentences


# -- the workspaces ---------------------------------------------------------------------------


def make_workspace(folder: Path, articles: dict[str, list[str]]) -> Path:
    from workflow.extract import extract
    from workflow.settings import init_workspace, load_settings

    init_workspace(folder)
    config = folder / "setup.cfg"
    config.write_text(config.read_text().replace("languages = zh fr es ar ru", "languages = zh"))
    for name, lines in articles.items():
        (folder / "source" / name).write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    report = extract(load_settings(folder))
    assert not report.failures, report.failures
    return folder


def install(packages: Path, archive: Path) -> Path:
    from workflow.pretranslate.argos_packages import install_model_file

    shutil.rmtree(packages, ignore_errors=True)
    packages.mkdir(parents=True)
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages)
    return install_model_file(archive).path


def no_change_rerun(scratch: Path, articles: int) -> tuple[float, float, int]:
    """Seconds for a pretranslate with nothing to do over `articles` generated articles:
    in process, and as a CLI run (exit status and report checked)."""
    from workflow.pretranslate import pretranslate
    from workflow.settings import load_settings

    sources = {name: text.split("\n\n") for name, text in news_articles(articles).items()}
    workspace = make_workspace(scratch / "rerun", sources)
    settings = load_settings(workspace)
    filled = pretranslate(settings, ["zh"], engines=["pseudo"]).languages[0]  # fill everything once
    assert filled.left == 0, filled
    start = time.perf_counter()
    report = pretranslate(settings, ["zh"])
    in_process = time.perf_counter() - start
    assert report.languages[0].skipped and report.languages[0].units == filled.units, report
    cli = run_workflow(ROOT, workspace, "pretranslate", "zh", "--json")
    found = json.loads(cli.stdout)["languages"][0]
    if not (found["skipped"] and found["units"] == filled.units):
        raise RunFailed(f"the CLI re-run did work: {found}")
    return in_process, cli.seconds, filled.units


def argos_splitter() -> Callable[[str], list[str]]:
    """The sentences argostranslate cuts a paragraph into: spaCy's sentencizer on the blank
    English pipeline an offline Argos package carries (tests/tinymodel.write_package)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return lambda text: [s.text.strip() for s in nlp(text).sents if s.text.strip()]


TITLE = "Title"  # every article's first line: a text article's title is one unit, never split


def equal_work_paragraphs(scratch: Path) -> tuple[list[str], int]:
    """The real paragraphs both splitters cut alike (in an article's body), no sentence repeated;
    and how many were left out."""
    import polib

    paragraphs = list(real_paragraphs())
    sources = {f"p{i:03d}.txt": [TITLE, p] for i, p in enumerate(paragraphs)}
    folder = make_workspace(scratch / "split", sources)
    split = argos_splitter()
    seen: set[str] = {TITLE}
    chosen = []
    for index, paragraph in enumerate(paragraphs):
        pot = folder / "locales" / "templates" / f"p{index:03d}.pot"
        title, *ours = [entry.msgid for entry in polib.pofile(str(pot))]
        assert title == TITLE, title
        if ours != split(paragraph) or len(set(ours)) < len(ours) or seen.intersection(ours):
            continue
        seen.update(ours)
        chosen.append(paragraph)
    shutil.rmtree(folder)
    return chosen, len(paragraphs) - len(chosen)


def survival_rates(tiny_package_dir: Path) -> list[tuple[str, str, int, int]]:
    """Placeholders intact, with and without protection, on the tiny model and the pseudo engine."""
    from tinymodel import CORPUS

    from workflow.pretranslate import PseudoTranslator, survival
    from workflow.pretranslate.argos import ArgosTranslator
    from workflow.pretranslate.argos_packages import find_model

    os.environ["ARGOS_PACKAGES_DIR"] = str(tiny_package_dir)
    marked = [f"The <1>{english[4:-1]}</1>." if english.startswith("The ") else f"<1>{english[:-1]}</1><2/>."
              for english, _ in CORPUS]
    marked += [f"{english[:-1]}<1/> and <2>more</2>." for english, _ in CORPUS]
    rows = []
    for name, translator in (("tiny model", ArgosTranslator(find_model("en", "zh"), beam_size=1)),
                             ("pseudo", PseudoTranslator())):
        raw = survival(marked, translator, protected=False)
        kept = survival(marked, translator, protected=True)
        rows.append((name, "placeholders sent through as text", *raw))
        rows.append((name, "protect + restore (pretranslate)", *kept))
    return rows


def main() -> None:
    import polib

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=0, help="use the first N paragraphs (0: all)")
    parser.add_argument("--per-article", type=int, default=6, help="paragraphs per article")
    parser.add_argument("--model", choices=("realistic", "tiny"), default="realistic")
    parser.add_argument("--beam", type=int, default=4, help="beam size (Argos's default is 4)")
    parser.add_argument("--cap", type=int, default=32, help="decoding length cap, tokens")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rerun-articles", type=int, default=500, help="articles of the no-change re-run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of (a), (b), (c)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-pretranslate-"))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(scratch / name.lower())
    try:
        print(f"before: {load()}", flush=True)
        paragraphs, left_out = equal_work_paragraphs(scratch)
        paragraphs = paragraphs[: args.paragraphs or None]
        articles = {f"article-{n // args.per_article:03d}.txt": [TITLE, *paragraphs[n: n + args.per_article]]
                    for n in range(0, len(paragraphs), args.per_article)}
        workspace = make_workspace(scratch / "ws", articles)
        sentences = list(dict.fromkeys(
            entry.msgid for pot in sorted((workspace / "locales" / "templates").glob("*.pot"))
            for entry in polib.pofile(str(pot))))
        templates = sorted((workspace / "locales" / "templates").glob("*.pot"))
        units = sum(len(polib.pofile(str(pot))) for pot in templates)
        # argostranslate gets the title once (it has no memory of what it translated: fewer calls than
        # it would make on the articles), then every paragraph
        paragraphs = [TITLE, *paragraphs]
        if sorted(sentences) != sorted(s for p in paragraphs for s in argos_splitter()(p)):
            raise SystemExit("the articles are not cut into the sentences chosen: not equal work")
        import argostranslate.translate  # noqa: F401  imported before timing, as the others' modules are
        import ctranslate2  # noqa: F401
        import sentencepiece  # noqa: F401
        from tinymodel import build_tiny_model

        import workflow.pretranslate  # noqa: F401

        tiny = build_tiny_model(scratch / "tiny")
        archive = tiny if args.model == "tiny" else realistic_model(scratch / "realistic", sentences)
        packages = scratch / f"packages-{args.model}"
        package = install(packages, archive)
        words = sum(len(s.split()) for s in sentences)
        print(f"corpus: {len(paragraphs) - 1} real paragraphs ({left_out} left out: the splitters differ "
              f"on them, or a sentence repeats) in {len(articles)} articles with the title {TITLE!r}, "
              f"{len(sentences)} distinct sentences, {words:,} words; {args.model} model, beam {args.beam}, "
              f"decoding capped at {args.cap} tokens, {args.threads} threads, "
              f"{args.rounds} interleaved rounds", flush=True)

        def path_a() -> float:
            return raw_ctranslate2(package, sentences, args.beam, args.cap, args.threads)

        def path_b() -> float:
            seconds, report = workflow_run(workspace, args.beam, args.cap, args.threads)
            if report.model_sentences != len(sentences) or report.left or report.units != units:
                raise SystemExit(f"workflow did not translate every sentence once: {report}")
            return seconds

        def path_c() -> float:
            seconds, sent = argos_run(packages, package, paragraphs, args.beam, args.cap, args.threads)
            if sent != len(sentences):
                raise SystemExit(f"argostranslate translated {sent} sentences, not {len(sentences)}")
            return seconds

        paths: list[tuple[str, Callable[[], float]]] = [
            ("(a) CTranslate2 translate_batch", path_a), ("(b) workflow pretranslate", path_b),
            ("(c) argostranslate, one call per paragraph", path_c)]
        times: dict[str, list[float]] = {name: [] for name, _ in paths}
        for number in range(args.rounds):  # interleaved, in a rotating order: load hits every path alike
            for name, run in paths[number % 3:] + paths[: number % 3]:
                times[name].append(run())
        print(f"after:  {load()}\n")
        header = f"{'path':<44} {'median s':>9} {'rounds':>22} {'sentences/s':>12} {'vs (a)':>7}"
        print(header)
        print("-" * len(header))
        base = statistics.median(times[paths[0][0]])
        for name, found in times.items():
            median = statistics.median(found)
            rounds = " ".join(f"{t:.1f}" for t in found)
            rate = len(sentences) / median
            print(f"{name:<44} {median:9.2f} {rounds:>22} {rate:12.1f} {median / base:7.2f}")
        in_process, cli, units = no_change_rerun(scratch, args.rerun_articles)
        print(f"\nno-change re-run of {units:,} units: {in_process:.3f} s in process, "
              f"{cli:.3f} s as a CLI run (python start-up included); {load()}")
        install(scratch / "packages-tiny", tiny)
        print("\nplaceholder survival (units whose placeholders are all there, once each, well nested):")
        for engine, how, intact, total in survival_rates(scratch / "packages-tiny"):
            print(f"  {engine:<11} {how:<36} {intact:>3}/{total} ({100 * intact / total:.0f} %)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
