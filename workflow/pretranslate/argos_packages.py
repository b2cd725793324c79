"""Argos Translate packages: list, install (from a file or the Argos index), remove.

Packages live where argostranslate looks for them: `$ARGOS_PACKAGES_DIR`, else
`$XDG_DATA_HOME/argos-translate/packages` (`~/.local/share/…`). Paths are worked
out on every call, not when argostranslate is first imported, so a test or a user
can point them elsewhere at any time. Installing unpacks the zip ourselves: the
archive is checked first (one top-level folder with metadata.json, model/ and a
tokenizer, no path outside it), unpacked beside the packages and moved in with
one rename, so an interrupted install never leaves half a package.

The packages are the machine's, not a workspace's: `workflow models` needs no
workspace and takes no workspace lock. The translator that runs a package is `argos.py`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import MissingLanguagePair, WorkflowError
from ..records import frozen

log = logging.getLogger(__name__)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
NETWORK_TIMEOUT = 10.0  # seconds for each connection to the index or a download mirror


@frozen
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


def model_size(info: ModelInfo) -> str:
    """A human size: 92 MB."""
    size = float(info.size)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
