"""The Argos Translate adapter: runs an installed package (`argos_packages.py`) with CTranslate2.

It translates whole batches with `ctranslate2.Translator.translate_batch`, the
package's own tokenizer and `target_prefix`, with the options argostranslate uses
(so one sentence comes out as `argostranslate.translate` gives it), and reads the
attention to place inline markup and glossary terms in the output.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from typing import Any, Sequence

from ..confidence import from_log_probability
from ..errors import WorkflowError
from ..model import MTRequest, MTResult
from .argos_packages import ModelInfo, find_model

LENGTH_PENALTY = 0.2  # argostranslate's; CTranslate2 divides a hypothesis's log-probability by length ** this
CT2_BATCH = 32  # examples per CTranslate2 batch inside one call (it sorts a call's inputs by length)


def _proto(processor: Any, method: str, value: Any) -> Any:
    """SentencePiece's result with offsets, across its API versions."""
    call = getattr(processor, method)
    try:
        return call(value, out_type="immutable_proto")
    except (ValueError, TypeError):
        return call(value, return_type="proto")


def _char_offsets(text: str) -> list[int]:
    """byte offset -> character offset for the UTF-8 form of `text` (one entry per byte, plus the end)."""
    offsets: list[int] = []
    for index, char in enumerate(text):
        offsets.extend([index] * len(char.encode("utf-8")))
    offsets.append(len(text))
    return offsets


class ArgosTranslator:
    """Translates MTRequests with an installed Argos package (implements pretranslate's Translator)."""

    name = "argos"

    def __init__(self, model: ModelInfo, *, beam_size: int = 4, threads: int = 0, device: str = "cpu",
                 max_length: int = 256) -> None:
        self.model = model
        self.beam_size = beam_size
        self.threads = threads or os.cpu_count() or 1
        self.device = device
        self.max_length = max_length
        self._translator: Any = None
        self._processor: Any = None
        self._tokenizer: Any = None

    @classmethod
    def for_pair(cls, source: str, target: str, **options: Any) -> ArgosTranslator:
        """The adapter for an installed pair; raises MissingLanguagePair when there is none."""
        return cls(find_model(source, target), **options)

    @property
    def provenance(self) -> str:
        return f"mt argos {self.model.package} {self.model.version}".rstrip()

    @property
    def cache_key(self) -> str:
        """What the output depends on: the model (and its file), beam, length cap, device."""
        weights = self.model.path / "model" / "model.bin"
        stamp = f"{weights.stat().st_size}-{weights.stat().st_mtime_ns}" if weights.exists() else "?"
        return (f"argos|{self.model.name}|{self.model.package}|{self.model.version}|{stamp}|"
                f"beam={self.beam_size}|max={self.max_length}|device={self._device()}|v1")

    def _device(self) -> str:
        if self.device != "auto":
            return self.device
        import ctranslate2

        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"

    def load(self) -> None:
        """Load the model and tokenizer (done on the first translate)."""
        if self._translator is not None:
            return
        import ctranslate2
        from argostranslate.package import Package

        device = self._device()
        package = Package(self.model.path)
        self._tokenizer = package.tokenizer
        if self.model.tokenizer == "sentencepiece":
            self._processor = self._tokenizer.lazy_processor()
        cpu = device == "cpu"
        try:
            self._translator = ctranslate2.Translator(
                str(self.model.path / "model"), device=device, compute_type="auto",
                inter_threads=self.threads if cpu else 1, intra_threads=1 if cpu else 0,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise WorkflowError(f"cannot load the model: {exc}", path=self.model.path,
                                hint="check --device, or reinstall the model") from None

    def translate(self, requests: Sequence[MTRequest]) -> list[MTResult]:
        """Translate in one batched call (two when some requests need alignment)."""
        self.load()
        results: list[MTResult | None] = [None] * len(requests)
        plain = [i for i, r in enumerate(requests) if not r.spans]
        aligned = [i for i, r in enumerate(requests) if r.spans]
        for indexes, attention in ((plain, False), (aligned, True)):
            if not indexes:
                continue
            for index, result in zip(indexes, self._run([requests[i] for i in indexes], attention)):
                results[index] = result
        return [r if r is not None else MTResult("") for r in results]

    def _run(self, requests: Sequence[MTRequest], attention: bool) -> list[MTResult]:
        sources = [self._encode(r.text) for r in requests]
        prefix = self.model.target_prefix
        batch = max(1, min(CT2_BATCH, math.ceil(len(sources) / self.threads)))
        outputs = self._translator.translate_batch(
            [tokens for tokens, _ in sources],
            target_prefix=[[prefix]] * len(sources) if prefix else None,
            replace_unknowns=True, max_batch_size=batch, batch_type="examples",
            beam_size=self.beam_size, num_hypotheses=1, length_penalty=LENGTH_PENALTY,
            max_decoding_length=self.max_length, return_attention=attention, return_scores=True,
        )
        results: list[MTResult] = []
        for request, (_, offsets), output in zip(requests, sources, outputs):
            hypothesis = list(output.hypotheses[0])
            weights = output.attention[0] if attention and output.attention else None
            result = self._decode(request, offsets, hypothesis, weights)
            results.append(replace(result, confidence=_confidence(output, len(hypothesis))))
        return results

    def _encode(self, text: str) -> tuple[list[str], list[tuple[int, int]]]:
        """Source tokens and their character spans (spans empty for a BPE package)."""
        if self._processor is None:
            return list(self._tokenizer.encode(text)), []
        proto = _proto(self._processor, "encode", text)
        chars = _char_offsets(text)
        return [p.piece for p in proto.pieces], [(chars[p.begin], chars[p.end]) for p in proto.pieces]

    def _decode(self, request: MTRequest, offsets: list[tuple[int, int]],
                hypothesis: list[str], weights: Any) -> MTResult:
        """Text as argostranslate makes it (prefix and the tokenizer's leading space removed)."""
        prefix = self.model.target_prefix
        if self._processor is None:
            text = str(self._tokenizer.decode(hypothesis))
            if prefix and text.startswith(prefix):
                text = text[len(prefix):]
            text = text[1:] if text.startswith(" ") else text
            return MTResult(text, tuple(None for _ in request.spans))
        ids = [self._processor.piece_to_id(piece) for piece in hypothesis]
        proto = _proto(self._processor, "decode", ids)
        raw = str(proto.text)
        chars = _char_offsets(raw)
        spans = [(chars[p.begin], chars[p.end]) for p in proto.pieces]
        # argostranslate's decode: "▁" -> " ", then drop the prefix and one leading space
        text = raw.replace("▁", " ")
        cut = 0
        if prefix and text.startswith(prefix):
            cut = len(prefix)
        if text[cut:].startswith(" "):
            cut += 1
        text = text[cut:]
        spans = [(max(0, a - cut), max(0, b - cut)) for a, b in spans]
        if not request.spans:
            return MTResult(text)
        return MTResult(text, tuple(_align(request, offsets, spans, weights, len(text))))


def _confidence(output: Any, tokens: int) -> int | None:
    """The model's confidence in a hypothesis, from its score (the mean log-probability per token)."""
    scores = list(getattr(output, "scores", None) or [])
    if not scores:
        return None
    steps = tokens + 1  # the end token is scored too
    return from_log_probability(float(scores[0]) * steps ** LENGTH_PENALTY / steps)


def _align(request: MTRequest, source_spans: list[tuple[int, int]], target_spans: list[tuple[int, int]],
           weights: Any, length: int) -> list[tuple[int, int] | None]:
    """Where each request span went, from the attention (argmax per target token).

    A span covers the longest run of neighbouring target tokens whose strongest
    attention falls on a source token inside it (or, when none does, of the tokens
    that attend most to those source tokens); a zero-width span goes after the
    target token that attends most to the source token just before it.
    """
    if weights is None or not source_spans or not target_spans:
        return [None for _ in request.spans]
    rows = [list(row) for row in weights][-len(target_spans):]  # attention rows of the prefix, if any, go
    if len(rows) != len(target_spans) or any(len(row) < len(source_spans) for row in rows):
        return [None for _ in request.spans]
    best_source = [max(range(len(source_spans)), key=row.__getitem__) for row in rows]
    found: list[tuple[int, int] | None] = []
    for start, end in request.spans:
        if start == end:
            before = [i for i, (a, b) in enumerate(source_spans) if b <= start and b > a]
            if not before:
                found.append((0, 0))
                continue
            token = before[-1]
            best = max(range(len(rows)), key=lambda t: rows[t][token])
            position = target_spans[best][1]
            found.append((position, position))
            continue
        inside = {i for i, (a, b) in enumerate(source_spans) if a < end and start < b}
        visible = [t for t, (a, b) in enumerate(target_spans) if b > a]  # not the "▁" of a dummy prefix
        targets = [t for t in visible if best_source[t] in inside]
        if not targets and inside:
            targets = sorted({max(range(len(rows)), key=lambda t: rows[t][s]) for s in inside})
        if not targets:
            found.append(None)
            continue
        run = _longest_run(targets, visible)
        first = min(target_spans[t][0] for t in run)
        last = max(target_spans[t][1] for t in run)
        found.append((min(first, length), min(last, length)))
    return found


def _longest_run(targets: list[int], visible: list[int]) -> list[int]:
    """The longest run of target tokens that are neighbours (a phrase comes out in one piece).

    Stray tokens that a weak attention also points at are left out; ties go to the first run.
    """
    order = {token: rank for rank, token in enumerate(visible)}
    ranked = sorted(targets, key=lambda t: order.get(t, -1))
    runs: list[list[int]] = []
    for token in ranked:
        if runs and order.get(token, -2) == order.get(runs[-1][-1], -9) + 1:
            runs[-1].append(token)
        else:
            runs.append([token])
    return max(runs, key=len)
