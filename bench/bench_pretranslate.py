"""Benchmark `workflow pretranslate` against raw CTranslate2 and argostranslate (issue 3, item 11).

One synthetic news corpus (articles of one-sentence paragraphs, with the repetition
of real bulletins: datelines, photo credits, boilerplate sentences shared across
articles) and, in turn, two models built here:

  tiny       tests/tinymodel.py's 2-layer model (d=64), trained in a few seconds;
  realistic  6+6 layers, d=512, 8 heads, FFN 2048, 32,000-entry vocabulary, random
             weights (int8 at run time, as Argos's "auto" compute type picks).

Every path decodes with the same beam and the same length cap (random weights never
stop early, so every sentence costs the cap), on the same threads:

  (a) raw CTranslate2: tokenize the distinct sentences, one `translate_batch`, detokenize;
  (b) `workflow pretranslate` (in process): read the catalogs, dedupe, translate in
      batches through the Argos adapter, write every catalog;
  (c) argostranslate's own `translate()`, one call per paragraph (what argos-translate-files
      does), on the first --argos-paragraphs paragraphs, scaled linearly to the corpus.

Then: a no-change re-run over a 10,000-unit workspace (in process and as a CLI
subprocess), and the placeholder survival rate on the tiny model and the pseudo engine.
Ratios are against (a) of the same model, measured in the same run; (a) and (b) run
--repeat times, alternated, and the best time of each counts (other work on the
machine slows both alike).

Usage:
  .venv/bin/python bench/bench_pretranslate.py                 # about 5 minutes on 2 cores
  .venv/bin/python bench/bench_pretranslate.py --articles 20 --argos-paragraphs 40   # quicker
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

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
    """Article name -> paragraphs (one sentence each); about 40 % of units repeat another."""
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
    """A CTranslate2 translator whose calls decode at most `cap` tokens (argostranslate cannot ask)."""

    def __init__(self, translator: Any, cap: int) -> None:
        self.translator, self.cap = translator, cap

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["max_decoding_length"] = self.cap
        return self.translator.translate_batch(*args, **kwargs)


def argos_run(packages: Path, package: Path, paragraphs: list[str], beam: int, cap: int) -> float:
    """(c): argostranslate.translate.translate-like calls, one per paragraph."""
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
    underlying.translator = _Capped(ctranslate2.Translator(
        str(package / "model"), device=argos_settings.device, inter_threads=argos_settings.inter_threads,
        intra_threads=argos_settings.intra_threads, compute_type=argos_settings.compute_type), cap)
    for paragraph in paragraphs:
        translation.translate(paragraph)
    return time.perf_counter() - start


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


def no_change_rerun(scratch: Path, units: int) -> tuple[float, float, int]:
    """Seconds for a pretranslate with nothing to do over `units` units: in process, and as a CLI run."""
    from workflow.pretranslate import pretranslate
    from workflow.settings import load_settings

    per_article = 100
    articles = {
        f"a{index:04}.txt": [f"Sentence {index}.{line} of the bulletin." for line in range(per_article)]
        for index in range(units // per_article)
    }
    workspace = make_workspace(scratch / "rerun", articles)
    settings = load_settings(workspace)
    pretranslate(settings, ["zh"], engines=["pseudo"])  # fill everything once
    start = time.perf_counter()
    report = pretranslate(settings, ["zh"])
    in_process = time.perf_counter() - start
    assert report.languages[0].skipped and report.languages[0].units == units
    start = time.perf_counter()
    command = [sys.executable, "-m", "workflow", "--root", str(workspace), "pretranslate", "zh"]
    subprocess.run(command, check=True, capture_output=True)
    return in_process, time.perf_counter() - start, report.languages[0].units


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


def row(model: str, path: str, seconds: float, units: int, baseline: float) -> None:
    rate, ratio = units / seconds, seconds / baseline
    print(f"{model:<10} {path:<46} {seconds:8.2f} {rate:8.1f} {ratio:7.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--paragraphs", type=int, default=10, help="paragraphs (units) per article")
    parser.add_argument("--argos-paragraphs", type=int, default=80,
                        help="paragraphs that (c) translates (its time is scaled to the corpus)")
    parser.add_argument("--beam", type=int, default=4, help="beam size (Argos's default is 4)")
    parser.add_argument("--cap", type=int, default=32, help="decoding length cap, tokens")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rerun-units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of (a) and (b), alternated; the best counts")
    parser.add_argument("--skip-realistic", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-pretranslate-"))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(scratch / name.lower())
    try:
        articles = corpus(args.articles, args.paragraphs)
        paragraphs = [line for lines in articles.values() for line in lines]
        distinct = list(dict.fromkeys(paragraphs))
        workspace = make_workspace(scratch / "ws", articles)
        from tinymodel import build_tiny_model

        models = [("tiny", build_tiny_model(scratch / "tiny"))]
        if not args.skip_realistic:
            models.append(("realistic", realistic_model(scratch / "realistic", distinct)))
        print(f"corpus: {len(articles)} articles, {len(paragraphs)} units, {len(distinct)} distinct "
              f"({100 - 100 * len(distinct) // len(paragraphs)} % repeated); beam {args.beam}, "
              f"decoding capped at {args.cap} tokens, {args.threads} threads\n", flush=True)
        header = f"{'model':<10} {'path':<46} {'seconds':>8} {'units/s':>8} {'vs (a)':>7}"
        print(header)
        print("-" * len(header))
        for name, archive in models:
            packages = scratch / f"packages-{name}"
            package = install(packages, archive)
            raw, ours = float("inf"), float("inf")
            for _ in range(args.repeat):  # alternate (a) and (b): a busy machine slows both alike
                raw = min(raw, raw_ctranslate2(package, distinct, args.beam, args.cap, args.threads))
                seconds, report = workflow_run(workspace, args.beam, args.cap, args.threads)
                ours = min(ours, seconds)
            sample = paragraphs[: args.argos_paragraphs]
            theirs = argos_run(packages, package, sample, args.beam, args.cap) * len(paragraphs) / len(sample)
            units = len(paragraphs)
            row(name, "(a) CTranslate2 translate_batch, distinct", raw, units, raw)
            row(name, "(b) workflow pretranslate", ours, units, raw)
            scale = len(paragraphs) / len(sample)
            row(name, f"(c) argostranslate per paragraph (x{scale:.1f})", theirs, units, raw)
            assert report.model_sentences == len(distinct) and report.left == 0, report
        in_process, cli, units = no_change_rerun(scratch, args.rerun_units)
        print(f"\nno-change re-run of {units:,} units: {in_process:.3f} s in process, "
              f"{cli:.3f} s as a CLI run (python start-up included)")
        print("\nplaceholder survival (units whose placeholders are all there, once each, well nested):")
        for engine, how, intact, total in survival_rates(scratch / "packages-tiny"):
            print(f"  {engine:<11} {how:<36} {intact:>3}/{total} ({100 * intact / total:.0f} %)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
