"""Argos Translate packages: list, install (from a file or the Argos index), remove,
and the adapter that runs one with CTranslate2.

Packages live where argostranslate looks for them: `$ARGOS_PACKAGES_DIR`, else
`$XDG_DATA_HOME/argos-translate/packages` (`~/.local/share/…`). Paths are worked
out on every call, not when argostranslate is first imported, so a test or a user
can point them elsewhere at any time. Installing unpacks the zip ourselves: the
archive is checked first (one top-level folder with metadata.json, model/ and a
tokenizer, no path outside it), unpacked beside the packages and moved in with
one rename, so an interrupted install never leaves half a package.

The adapter translates whole batches with `ctranslate2.Translator.translate_batch`,
the package's own tokenizer and `target_prefix`, with the options argostranslate
uses (so one sentence comes out as `argostranslate.translate` gives it), and reads
the attention to place inline markup and glossary terms in the output.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from .confidence import from_log_probability
from .errors import MissingLanguagePair, WorkflowError
from .model import MTRequest, MTResult

log = logging.getLogger(__name__)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
NETWORK_TIMEOUT = 10.0  # seconds for each connection to the index or a download mirror
LENGTH_PENALTY = 0.2  # argostranslate's; CTranslate2 divides a hypothesis's log-probability by length ** this
CT2_BATCH = 32  # examples per CTranslate2 batch inside one call (it sorts a call's inputs by length)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """An installed Argos package."""

    name: str  # its folder name
    package: str  # argospm name, e.g. translate-en_zh
    source_lang: str
    target_lang: str
    version: str
    path: Path
    size: int  # bytes on disk
    target_prefix: str = ""
    tokenizer: str = "sentencepiece"  # or "bpe"


def packages_dir() -> Path:
    """Where Argos packages are installed (argostranslate's own rule, read now)."""
    explicit = os.environ.get("ARGOS_PACKAGES_DIR")
    if explicit:
        return Path(explicit)
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "argos-translate" / "settings.json"
    try:
        found = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    configured = found.get("ARGOS_PACKAGES_DIR") if isinstance(found, dict) else None
    if isinstance(configured, str) and configured:
        return Path(configured)
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "argos-translate" / "packages"


def _describe(path: Path) -> ModelInfo:
    """Read an installed package through argostranslate (its metadata and tokenizer)."""
    from argostranslate.package import Package, argospm_package_name

    try:
        package = Package(path)
    except (OSError, ValueError, KeyError) as exc:
        raise WorkflowError(f"not a valid Argos package: {exc}", path=path,
                            hint="remove it with `workflow models remove` and install it again") from None
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    tokenizer = "sentencepiece" if (path / "sentencepiece.model").is_file() else "bpe"
    return ModelInfo(
        name=path.name, package=argospm_package_name(package), source_lang=package.from_code or "",
        target_lang=package.to_code or "", version=package.package_version or "", path=path, size=size,
        target_prefix=getattr(package, "target_prefix", "") or "", tokenizer=tokenizer,
    )


def list_models() -> list[ModelInfo]:
    """The installed translation packages, sorted by language pair (broken ones are logged)."""
    folder = packages_dir()
    if not folder.is_dir():
        return []
    models: list[ModelInfo] = []
    for path in sorted(folder.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            info = _describe(path)
        except WorkflowError as exc:
            log.warning("%s", exc)
            continue
        models.append(info)
    return sorted(models, key=lambda m: (m.source_lang, m.target_lang, m.name))


def _install_hint(source: str, target: str) -> str:
    return (f"install one: `workflow models install {target}` (downloads translate-{source}_{target} "
            f"where the network allows), or `workflow models install translate-{source}_{target}.argosmodel` "
            "with a file downloaded elsewhere")


def find_model(source: str, target: str) -> ModelInfo:
    """The installed package for a language pair; raises MissingLanguagePair naming it."""
    models = [m for m in list_models() if m.source_lang == source and m.target_lang == target]
    if not models:
        raise MissingLanguagePair(f"no Argos model installed for {source}→{target}", path=packages_dir(),
                                  hint=_install_hint(source, target))
    return models[0]


# -- install and remove ----------------------------------------------------------------


def _check_archive(bundle: zipfile.ZipFile, path: Path) -> str:
    """The archive's single top-level folder; refuses anything else."""
    names = [PurePosixPath(n) for n in bundle.namelist()]
    if any(n.is_absolute() or ".." in n.parts for n in names):
        raise WorkflowError("the archive has paths outside its folder", path=path,
                            hint="this is not an Argos package; do not install it")
    tops = {n.parts[0] for n in names if n.parts}
    if len(tops) != 1 or all(len(n.parts) == 1 for n in names):
        raise WorkflowError("an .argosmodel must hold exactly one folder (metadata.json, model/, …)",
                            path=path, hint="zip the package folder itself, not its contents")
    top = tops.pop()
    members = {PurePosixPath(*n.parts[1:]).as_posix() for n in names if len(n.parts) > 1}
    if "metadata.json" not in members:
        raise WorkflowError("the package has no metadata.json", path=path)
    if not any(m.startswith("model/") for m in members):
        raise WorkflowError("the package has no model/ folder (a CTranslate2 model)", path=path)
    if not {"sentencepiece.model", "bpe.model"} & members:
        raise WorkflowError("the package has no tokenizer (sentencepiece.model or bpe.model)", path=path)
    return top


def install_model_file(path: Path) -> ModelInfo:
    """Install an `.argosmodel` file; a package of the same name is replaced."""
    if not path.is_file():
        raise WorkflowError("no such file", path=path)
    if not zipfile.is_zipfile(path):
        raise WorkflowError("not an Argos package (an .argosmodel is a zip archive)", path=path)
    folder = packages_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as bundle:
        top = _check_archive(bundle, path)
        staging = Path(tempfile.mkdtemp(prefix=".install-", dir=folder))
        try:
            try:
                bundle.extractall(staging)
            except (OSError, zipfile.BadZipFile) as exc:
                raise WorkflowError(f"cannot unpack the package: {exc}", path=path) from None
            info = _describe(staging / top)
            if not info.source_lang or not info.target_lang:
                raise WorkflowError("the package's metadata.json names no from_code/to_code", path=path)
            final = folder / top
            if final.exists():
                old = Path(tempfile.mkdtemp(prefix=".old-", dir=folder))
                os.replace(final, old / top)
                os.replace(staging / top, final)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(staging / top, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return _describe(final)


def _fetch(url: str, timeout: float) -> bytes:
    """GET a URL with a timeout on every connection; WorkflowError when it cannot."""
    request = urllib.request.Request(url, headers={"User-Agent": "workflow (Argos package install)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WorkflowError(f"cannot download {url}: {reason}") from None


def install_model_from_index(source: str, target: str, *, index: str | None = None,
                             timeout: float = NETWORK_TIMEOUT) -> ModelInfo:
    """Download and install the package for a pair from the Argos index.

    Every connection gives up after `timeout` seconds, so an offline machine gets a
    clear WorkflowError within seconds rather than a hang (argostranslate's own
    `get_available_packages()` recurses into RecursionError offline).
    """
    base = index or os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    url = base if base.endswith(".json") else base.rstrip("/") + "/index.json"
    if not url.startswith(("http://", "https://")):
        raise WorkflowError(f"the package index must be an http(s) URL, not {url}")
    offline = (f"download translate-{source}_{target}.argosmodel on a machine with network access "
               "(https://www.argosopentech.com/argospm/index/) and run `workflow models install FILE`")
    try:
        listing = json.loads(_fetch(url, timeout))
    except WorkflowError as exc:
        raise WorkflowError(f"cannot reach the Argos package index: {exc.message}", hint=offline) from None
    except ValueError:
        raise WorkflowError(f"the Argos package index at {url} is not JSON", hint=offline) from None
    entries = [e for e in listing if isinstance(e, dict) and e.get("from_code") == source
               and e.get("to_code") == target and e.get("type", "translate") == "translate"]
    if not entries:
        raise MissingLanguagePair(f"the Argos index has no package for {source}→{target}",
                                  hint="Argos may reach it through another language (pivot); "
                                       "see `argospm search`")
    links = [link for link in entries[0].get("links", []) if str(link).startswith(("http://", "https://"))]
    errors: list[str] = []
    for link in links:
        try:
            data = _fetch(link, timeout)
        except WorkflowError as exc:
            errors.append(exc.message)
            continue
        with tempfile.TemporaryDirectory() as scratch:
            archive = Path(scratch) / f"translate-{source}_{target}.argosmodel"
            archive.write_bytes(data)
            return install_model_file(archive)
    raise WorkflowError(f"cannot download the {source}→{target} package: {'; '.join(errors) or 'no links'}",
                        hint=offline)


def remove_model(name: str, source_lang: str) -> ModelInfo:
    """Remove an installed package, given by folder name, argospm name or target language."""
    models = list_models()
    chosen = [m for m in models if name in (m.name, m.package)]
    if not chosen:
        chosen = [m for m in models if m.source_lang == source_lang and m.target_lang == name]
    if not chosen:
        installed = ", ".join(m.name for m in models) or "none"
        raise WorkflowError(f"no installed model {name!r} (installed: {installed})", path=packages_dir(),
                            hint="`workflow models list` shows the installed models")
    if len(chosen) > 1:
        raise WorkflowError(f"{name!r} names {len(chosen)} models: {', '.join(m.name for m in chosen)}",
                            hint="give the folder name shown by `workflow models list`")
    shutil.rmtree(chosen[0].path)
    return chosen[0]


# -- the adapter -----------------------------------------------------------------------


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


def model_size(info: ModelInfo) -> str:
    """A human size: 92 MB."""
    size = float(info.size)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
