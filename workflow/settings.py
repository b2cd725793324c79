"""Workspace settings: the `[workflow]` section of setup.cfg, then WORKFLOW_* and options."""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, Mapping

from .errors import SettingsError
from .files import write_atomic
from .formats.html import HTML_INLINE, HTML_UNTRANSLATED, HTML_UNTRANSLATED_CLASSES
from .formats.selectors import compile_selectors
from .segment import MODES

CONFIG_FILE = "setup.cfg"
ENV_PREFIX = "WORKFLOW_"
SECTION = "workflow"
POLICIES = ("complete", "threshold", "lead")


def base_language(lang: str) -> str:
    """The language without region or script: `zh` for `zh-Hans` or `zh_CN`."""
    return lang.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a stage needs to know about the workspace."""

    root: Path
    source_lang: str = "en"
    languages: tuple[str, ...] = ("zh", "fr", "es", "ar", "ru")
    source_dir: str = "source"
    locales_dir: str = "locales"
    output_dir: str = "output"
    segmentation: str = "sentence"
    publish_policy: str = "complete"
    publish_threshold: int = 100
    lock_timeout: float = 10.0
    # pretranslate: engines tried in order, where the memory, glossary and MT cache live
    engines: tuple[str, ...] = ("tm", "argos")
    tm_dir: str = "tm"
    glossary_dir: str = "glossary"
    cache_dir: str = ".workflow/cache"
    tm_threshold: int = 75  # lowest fuzzy memory match offered, in percent
    mt_beam_size: int = 4  # Argos's own default
    mt_batch_size: int = 256  # sentences per model call; progress is saved after each
    mt_threads: int = 0  # 0: every core
    mt_device: str = "cpu"  # cpu, cuda or auto
    mt_max_length: int = 256  # longest translation, in tokens
    # extract, HTML: elements inside a sentence (placeholders), never translated, classes never translated
    html_inline: tuple[str, ...] = HTML_INLINE
    html_untranslated: tuple[str, ...] = HTML_UNTRANSLATED
    html_untranslated_classes: tuple[str, ...] = HTML_UNTRANSLATED_CLASSES
    skip_selectors: str = ""  # CSS selectors of HTML regions kept untranslated: `nav, footer, .menu`

    @property
    def source(self) -> Path:
        return self.root / self.source_dir

    @property
    def locales(self) -> Path:
        return self.root / self.locales_dir

    @property
    def templates(self) -> Path:
        return self.locales / "templates"

    @property
    def output(self) -> Path:
        return self.root / self.output_dir

    def catalog(self, article: str, lang: str | None) -> Path:
        """The POT (lang None) or PO file of an article given by its path under source/."""
        name = Path(article).with_suffix(".pot" if lang is None else ".po")
        return (self.templates if lang is None else self.locales / lang) / name


def _coerce(name: str, value: str) -> object:
    if name == "languages":
        return tuple(value.replace(",", " ").split())
    if name == "publish_threshold":
        return int(value)
    if name == "lock_timeout":
        return float(value)
    if name == "engines" or name in _LISTS:
        return tuple(value.replace(",", " ").split())
    if name in _INTEGERS:
        return int(value)
    return value.strip()


_LISTS = {"html_inline", "html_untranslated", "html_untranslated_classes"}
_INTEGERS = {"tm_threshold", "mt_beam_size", "mt_batch_size", "mt_threads", "mt_max_length"}


def load_settings(
    root: Path, overrides: Mapping[str, str | None] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read `root/setup.cfg` [workflow], then WORKFLOW_<NAME> variables, then `overrides` (options).

    Every setting can be given as an environment variable (`WORKFLOW_SOURCE_LANG=en`,
    `WORKFLOW_LANGUAGES="zh fr"`); `environ` defaults to os.environ.
    Raises SettingsError with the file of a bad value.
    """
    root = root.resolve()
    if not root.is_dir():
        raise SettingsError("no such workspace folder", path=root,
                            hint="create one with `workflow init DIR`, or give its path with --root")
    values: dict[str, object] = {}
    config_path = root / CONFIG_FILE
    known = {f.name for f in fields(Settings)} - {"root"}
    raw: dict[str, str] = {}
    if config_path.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(config_path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise SettingsError(f"cannot read settings: {exc}", path=config_path,
                                hint="fix the [workflow] section of setup.cfg") from None
        if parser.has_section(SECTION):
            for key, value in parser.items(SECTION):
                key = key.replace("-", "_")
                if key not in known:
                    raise SettingsError(f"unknown setting {key!r} in [workflow]", path=config_path,
                                        line=_line_of(config_path, key),
                                        hint=f"known settings: {', '.join(sorted(known))}")
                raw[key] = value
    origin = {key: "file" for key in raw}
    environ = os.environ if environ is None else environ
    for key in sorted(known):
        variable = f"{ENV_PREFIX}{key.upper()}"
        if environ.get(variable):
            raw[key], origin[key] = environ[variable], variable
    for key, override in (overrides or {}).items():
        if override is not None:
            raw[key], origin[key] = override, "option"

    def problem(key: str, message: str, hint: str | None = None) -> SettingsError:
        """An error that points at where the bad value came from."""
        if origin.get(key, "file") == "file":
            return SettingsError(message, path=config_path, line=_line_of(config_path, key),
                                 hint=hint or f"correct {key} in the [{SECTION}] section of {CONFIG_FILE}")
        variable = f"{ENV_PREFIX}{key.upper()}"
        where = f"--{key.replace('_', '-')} or {variable}" if origin[key] == "option" else variable
        return SettingsError(f"{message} (from {where})", hint=hint or f"correct {where}")

    for key, value in raw.items():
        try:
            values[key] = _coerce(key, value)
        except ValueError:
            raise problem(key, f"bad value {value!r} for {key}") from None
    settings = replace(Settings(root=root), **values)  # type: ignore[arg-type]
    if settings.segmentation not in MODES:
        raise problem("segmentation",
                      f"segmentation must be one of {', '.join(MODES)}, not {settings.segmentation!r}")
    if settings.publish_policy not in POLICIES:
        raise problem("publish_policy", f"publish_policy must be one of {', '.join(POLICIES)}")
    if not 0 <= settings.publish_threshold <= 100:
        raise problem("publish_threshold", "publish_threshold is a percentage, from 0 to 100")
    if not settings.languages:
        raise problem("languages", "no target languages configured",
                      hint="set languages = zh fr … in [workflow]")
    for lang in (settings.source_lang, *settings.languages):
        if not _LANGUAGE.fullmatch(lang):
            key = "source_lang" if lang == settings.source_lang else "languages"
            raise problem(key, f"{lang!r} is not a language code",
                          hint="use codes such as en, zh, fr, es, ar, ru, pt_BR")
    _check_pretranslate(settings, problem)
    if settings.skip_selectors.strip():
        try:
            compile_selectors(settings.skip_selectors)
        except ValueError as exc:
            raise problem("skip_selectors", f"skip_selectors: {exc}",
                          hint="use CSS selectors separated by commas: nav, footer, .menu, [role=navigation]")
    if settings.source_lang in settings.languages:
        raise problem("languages", f"the source language {settings.source_lang} is also a target language")
    if len(set(settings.languages)) != len(settings.languages):
        raise problem("languages", "a target language is listed twice")
    return settings


ENGINES = ("tm", "argos", "pseudo")
DEVICES = ("cpu", "cuda", "auto")


def _check_pretranslate(settings: Settings, problem: Callable[..., SettingsError]) -> None:
    """The pretranslate settings: known engines, sane numbers."""
    unknown = [engine for engine in settings.engines if engine not in ENGINES]
    if unknown or not settings.engines:
        raise problem("engines",
                      f"engines must be some of {', '.join(ENGINES)}, not {' '.join(unknown) or '(none)'}")
    if not 0 <= settings.tm_threshold <= 100:
        raise problem("tm_threshold", "tm_threshold is a percentage, from 0 to 100")
    for key in ("mt_beam_size", "mt_batch_size", "mt_max_length"):
        if getattr(settings, key) < 1:
            raise problem(key, f"{key} must be at least 1")
    if settings.mt_threads < 0:
        raise problem("mt_threads", "mt_threads must be 0 (every core) or more")
    if settings.mt_device not in DEVICES:
        raise problem("mt_device", f"mt_device must be one of {', '.join(DEVICES)}")


_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")


def _line_of(config_path: Path, key: str) -> int | None:
    """The line of `key =` in the [workflow] section of the settings file."""
    try:
        lines = config_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    in_section = False
    pattern = re.compile(rf"\s*{re.escape(key).replace('_', '[_-]')}\s*[=:]", re.I)
    for number, line in enumerate(lines, 1):
        if line.strip().startswith("["):
            in_section = line.strip() == f"[{SECTION}]"
        elif in_section and pattern.match(line):
            return number
    return None


WORKSPACE_CONFIG = """\
[workflow]
# language of the articles in source/
source_lang = en
# target languages (space separated)
languages = zh fr es ar ru
source_dir = source
locales_dir = locales
output_dir = output
# sentence or paragraph
segmentation = sentence
# complete (every unit reviewed), threshold (publish_threshold % of words reviewed) or lead
publish_policy = complete
publish_threshold = 100
"""


def init_workspace(directory: Path) -> Settings:
    """Create an empty workspace: settings, source/, locales/templates/, output/."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / CONFIG_FILE
    if config.exists():
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(config, encoding="utf-8")
        if parser.has_section(SECTION):
            raise SettingsError("this directory is already a workflow workspace", path=config,
                                hint="use it as it is, or choose another directory")
        write_atomic(config, config.read_bytes() + b"\n" + WORKSPACE_CONFIG.encode("utf-8"))
    else:
        write_atomic(config, WORKSPACE_CONFIG.encode("utf-8"))
    settings = load_settings(directory)
    for folder in (settings.source, settings.templates, settings.output):
        folder.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():  # the lock and the extract cache are this machine's, not content
        write_atomic(ignore, b".workflow.lock\n.workflow/\n")
    for lang in settings.languages:
        (settings.locales / lang).mkdir(parents=True, exist_ok=True)
    return settings
