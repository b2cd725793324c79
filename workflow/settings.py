"""Workspace settings: the `[workflow]` section of setup.cfg, then WORKFLOW_* and options."""

from __future__ import annotations

import math
import os
import re
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from .errors import SettingsError, UsageError
from .formats.html_elements import HTML_INLINE, HTML_UNTRANSLATED, HTML_UNTRANSLATED_CLASSES
from .records import frozen

if TYPE_CHECKING:
    import configparser

CONFIG_FILE = "setup.cfg"
ENV_PREFIX = "WORKFLOW_"
SECTION = "workflow"
POLICIES = ("complete", "threshold", "lead")


@frozen
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
    # per language (`engines.es = tm apertium` in [workflow]): (lang, engines) pairs
    language_engines: tuple[tuple[str, tuple[str, ...]], ...] = ()
    tm_dir: str = "tm"
    glossary_dir: str = "glossary"
    cache_dir: str = ".workflow/cache"
    tm_threshold: int = 75  # lowest fuzzy memory match offered, in percent
    mt_beam_size: int = 4  # Argos's own default
    mt_batch_size: int = 256  # sentences per model call
    checkpoint_seconds: float = 5.0  # pretranslate writes its work to the catalogs at most this often
    propagate: bool = True  # a unit reviewed in one article fills the same unit in the others
    mt_threads: int = 0  # 0: every core
    mt_device: str = "cpu"  # cpu, cuda or auto
    mt_max_length: int = 256  # longest translation, in tokens
    cluster: str = ""  # pretranslate's machine engines on Dask: tcp://HOST:PORT or local:N; "" runs here
    min_confidence: int = 0  # `check` warns about machine units below this confidence (0: never)
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

    def engines_for(self, lang: str) -> tuple[str, ...]:
        """The engines of a language: its own `engines.<lang>`, else `engines`."""
        return dict(self.language_engines).get(lang, self.engines)

    def catalog(self, article: str, lang: str | None) -> Path:
        """The POT (lang None) or PO file of an article given by its path under source/."""
        name = Path(article).with_suffix(".pot" if lang is None else ".po")
        return (self.templates if lang is None else self.locales / lang) / name


def check_export_path(settings: Settings, path: Path, what: str, hint: str) -> None:
    """Refuse to write `what` (an export, a page) at `path` when it is the workspace's own data: in
    source/, locales/, tm/, glossary/ or .workflow/, or its setup.cfg (symbolic links followed).

    Raises UsageError naming the path; the file there is left as it is.
    """
    real = path.resolve()
    if real == (settings.root / CONFIG_FILE).resolve():
        raise UsageError(f"{path} is the workspace's settings file: the {what} would replace it",
                         path=path, hint=hint)
    kept = ((settings.source, "articles"), (settings.locales, "catalogs"), (settings.root / settings.tm_dir,
            "memories"), (settings.root / settings.glossary_dir, "glossaries"), (settings.root / ".workflow",
            "workflow's own state"))
    for folder, held in kept:
        if real.is_relative_to(folder.resolve()):
            raise UsageError(f"{path} is inside {folder.name}/, the folder of the {held}: the {what} would "
                             f"be written among them", path=path, hint=hint)


def chosen_languages(settings: Settings, langs: Sequence[str], also: Iterable[str] = ()) -> tuple[str, ...]:
    """The languages named for a command (every configured one when none), each once.

    A code names a configured language (or one of `also`, languages the command accepts besides)
    whatever its case or separator (`FR`, `zh-tw` for `zh_TW`) and is given back as configured.
    Raises UsageError on a language that is not configured.
    """
    from .languages import language_key

    # the configured spelling wins over another one of `also`
    configured = {language_key(lang): lang for lang in (*sorted(also), *settings.languages)}
    unknown = [lang for lang in langs if language_key(lang) not in configured]
    if unknown:
        raise UsageError(f"not a configured language: {', '.join(unknown)} "
                         f"(configured: {' '.join(settings.languages)})",
                         hint="name only languages from `languages` in setup.cfg, or add the language there")
    return tuple(dict.fromkeys(configured[language_key(lang)] for lang in langs)) or settings.languages


def _coerce(name: str, value: str) -> object:
    if name == "languages":
        return tuple(value.replace(",", " ").split())
    if name == "publish_threshold":
        return int(value)
    if name in ("lock_timeout", "checkpoint_seconds"):
        return float(value)
    if name == "engines" or name in _LISTS:
        return tuple(value.replace(",", " ").split())
    if name in _INTEGERS:
        return int(value)
    if name in _BOOLEANS:
        return _BOOLEANS[name][value.strip().lower()]  # KeyError: not a yes/no
    return value.strip()


_BOOLEANS = {"propagate": {"true": True, "yes": True, "on": True, "1": True,
                           "false": False, "no": False, "off": False, "0": False}}
_LISTS = {"html_inline", "html_untranslated", "html_untranslated_classes"}
_INTEGERS = {"tm_threshold", "mt_beam_size", "mt_batch_size", "mt_threads", "mt_max_length", "min_confidence"}


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
    per_language: dict[str, str] = {}  # engines.<lang>
    if config_path.is_file():
        parser = read_config(config_path)
        if parser.has_section(SECTION):
            for key, value in parser.items(SECTION):
                key = key.replace("-", "_")
                if key.startswith(LANGUAGE_ENGINES):
                    per_language[key[len(LANGUAGE_ENGINES):]] = value
                    continue
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
        except (ValueError, KeyError):
            raise problem(key, f"bad value {value!r} for {key}") from None
    values["language_engines"] = tuple((lang, tuple(value.replace(",", " ").split()))
                                       for lang, value in sorted(per_language.items()))
    settings = replace(Settings(root=root), **values)  # type: ignore[arg-type]
    from .segment import MODES  # the segmenter, only to check the setting: not for --help

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
    if origin.get("languages", "file") == "file":  # (languages given by an option may leave some out)
        for lang, _ in settings.language_engines:
            if lang not in settings.languages:
                key = f"{LANGUAGE_ENGINES}{lang}"
                raise problem(key, f"{key}: {lang} is not a target language ({' '.join(settings.languages)})")
    _check_languages(settings, problem)
    if not (math.isfinite(settings.lock_timeout) and 0 <= settings.lock_timeout <= MAX_LOCK_TIMEOUT):
        raise problem("lock_timeout", f"lock_timeout is a number of seconds, from 0 to {MAX_LOCK_TIMEOUT}")
    for key in FOLDERS:
        _check_folder(settings, key, problem)
    _check_source_apart(settings, problem)
    settings = _spelled_as_their_folders(settings, problem)
    _check_language_folders(settings)
    if settings.skip_selectors.strip():
        from .formats.selectors import compile_selectors  # lxml and cssselect: only for this setting

        try:
            compile_selectors(settings.skip_selectors)
        except ValueError as exc:
            raise problem("skip_selectors", f"skip_selectors: {exc}",
                          hint="use CSS selectors separated by commas: nav, footer, .menu, [role=navigation]")
    return settings


MAX_LOCK_TIMEOUT = 86400  # a day: longer waits are a mistake, and inf or nan are not waits
# settings that name a folder of the workspace: each must lie inside it
FOLDERS = ("source_dir", "locales_dir", "output_dir", "tm_dir", "glossary_dir", "cache_dir")


def _check_languages(settings: Settings, problem: Callable[..., SettingsError]) -> None:
    """No target language is the source language or another target spelled differently.

    Each language's catalogs live in a folder named as the language is spelled, so
    two spellings of one language would give two catalogs of it: they are refused,
    not merged, since the folder already on disk decides which spelling is right.
    """
    from .languages import language_key  # with the segmenter's placeholders: not for --help

    source = language_key(settings.source_lang)
    seen: dict[str, str] = {}
    for lang in settings.languages:
        if language_key(lang) == source:
            raise problem("languages", f"{lang} is the source language ({settings.source_lang}), "
                          "not a target language", hint="list only the languages to translate into")
        if language_key(lang) in seen:
            first = seen[language_key(lang)]
            same = "is listed twice" if first == lang else f"and {first} are one language"
            raise problem("languages", f"{lang} {same}",
                          hint="list each language once, spelled as its folder under locales/ is named")
        seen[language_key(lang)] = lang


def _spelled_as_their_folders(settings: Settings, problem: Callable[..., SettingsError]) -> Settings:
    """Each target language spelled as its folder under locales/ already is: the folder on disk decides.

    `zh-CN` (or `ZH-cn`) configured where `locales/zh_CN/` holds the catalogs is zh_CN, in locales/
    and output/ alike: a respelling in setup.cfg must not start empty catalogs beside the translated
    ones and leave the published pages unlinked. Two folders of one language are refused.
    """
    from .languages import language_key

    try:
        folders = [entry.name for entry in os.scandir(settings.locales) if entry.is_dir()]
    except OSError:  # no locales/ yet (or unreadable: the command that reads it says so)
        return settings
    on_disk: dict[str, list[str]] = {}
    for name in sorted(folders):
        on_disk.setdefault(language_key(name), []).append(name)
    respelled: dict[str, str] = {}
    for lang in settings.languages:
        names = on_disk.get(language_key(lang), [])
        if names in ([], [lang]):
            continue
        if len(names) > 1:  # (one of them spelled as configured too: which holds the work is unknown)
            raise problem("languages", f"{lang}: {settings.locales_dir}/ has a folder for it in "
                          f"{len(names)} spellings: {', '.join(names)}",
                          hint="keep one of them (move the other's catalogs into it by hand)")
        respelled[lang] = names[0]
    if not respelled:
        return settings
    return replace(settings, languages=tuple(respelled.get(lang, lang) for lang in settings.languages),
                   language_engines=tuple((respelled.get(lang, lang), engines)
                                          for lang, engines in settings.language_engines))


def _check_language_folders(settings: Settings) -> None:
    """The folders workflow writes in per language must not be links leading out of the workspace either."""
    for folder in (settings.templates, *(base / lang for base in (settings.locales, settings.output)
                                          for lang in settings.languages)):
        target = folder.resolve()
        if not target.is_relative_to(settings.root):
            raise SettingsError(f"a symbolic link leading out of the workspace, to {target}", path=folder,
                                hint="workflow writes only inside the workspace: make it a folder here")


def _check_folder(settings: Settings, key: str, problem: Callable[..., SettingsError]) -> None:
    """A folder setting must lead to a folder inside the workspace, symbolic links followed."""
    value = getattr(settings, key)
    root = settings.root
    target = (root / value).resolve()
    if target != root and target.is_relative_to(root):
        return
    default = next(f.default for f in fields(Settings) if f.name == key)
    where = "is the workspace folder itself" if target == root else f"leads out of the workspace, to {target}"
    raise problem(key, f"{key} = {value} {where}",
                  hint=f"name a folder inside {root} (relative to it), such as {default}; "
                  "a symbolic link on the way must point inside the workspace too")


def _check_source_apart(settings: Settings, problem: Callable[..., SettingsError]) -> None:
    """No other folder setting is source_dir or lies inside it: sources are only read, and every page
    there is an article (`output_dir = source/site` made the published pages articles at the next
    extract, and publish then failed on names it had made itself)."""
    source = (settings.root / settings.source_dir).resolve()
    for key in FOLDERS:
        value = getattr(settings, key)
        if key != "source_dir" and (settings.root / value).resolve().is_relative_to(source):
            raise problem(key, f"{key} = {value} is inside the source folder ({settings.source_dir})",
                          hint="keep it beside the source folder: everything there is read as articles, and "
                          "workflow never writes there")


ENGINES = ("tm", "argos", "apertium", "pseudo")
LANGUAGE_ENGINES = "engines."  # prefix of the per-language engines settings
DEVICES = ("cpu", "cuda", "auto")


def _check_pretranslate(settings: Settings, problem: Callable[..., SettingsError]) -> None:
    """The pretranslate settings: known engines, sane numbers."""
    unknown = [engine for engine in settings.engines if engine not in ENGINES]
    if unknown or not settings.engines:
        raise problem("engines",
                      f"engines must be some of {', '.join(ENGINES)}, not {' '.join(unknown) or '(none)'}")
    for lang, engines in settings.language_engines:
        key = f"{LANGUAGE_ENGINES}{lang}"
        unknown = [engine for engine in engines if engine not in ENGINES]
        if unknown or not engines:
            raise problem(key, f"{key} must be some of {', '.join(ENGINES)}, "
                               f"not {' '.join(unknown) or '(none)'}")
    if not 0 <= settings.tm_threshold <= 100:
        raise problem("tm_threshold", "tm_threshold is a percentage, from 0 to 100")
    if not 0 <= settings.min_confidence <= 100:
        raise problem("min_confidence", "min_confidence is a confidence, from 0 to 100")
    for key in ("mt_beam_size", "mt_batch_size", "mt_max_length"):
        if getattr(settings, key) < 1:
            raise problem(key, f"{key} must be at least 1")
    if not settings.checkpoint_seconds >= 0:
        raise problem("checkpoint_seconds", "checkpoint_seconds must be 0 (after every batch) or more")
    if settings.mt_threads < 0:
        raise problem("mt_threads", "mt_threads must be 0 (every core) or more")
    if settings.mt_device not in DEVICES:
        raise problem("mt_device", f"mt_device must be one of {', '.join(DEVICES)}")


_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")


def read_config(path: Path) -> configparser.ConfigParser:
    """The settings file, parsed; a malformed one is a SettingsError at its line."""
    import configparser  # when a command reads the settings, not for --help

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"cannot read the settings: {exc.strerror}", path=path,
                            hint="check that the file is there and that you may read it") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise SettingsError(f"not UTF-8 text: byte 0x{data[start]:02x} cannot be read",
                            path=path, line=data.count(b"\n", 0, start) + 1,
                            hint="save the file as UTF-8 (your editor's encoding setting)") from None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.DuplicateOptionError as exc:
        raise SettingsError(f"{exc.option} is set twice in [{exc.section}]", path=path, line=exc.lineno,
                            hint="keep one of the two lines") from None
    except configparser.DuplicateSectionError as exc:
        raise SettingsError(f"the section [{exc.section}] appears twice", path=path, line=exc.lineno,
                            hint="merge the two sections into one") from None
    except configparser.MissingSectionHeaderError as exc:
        raise SettingsError(f"not a [section] header nor inside one: {exc.line.strip()!r}", path=path,
                            line=exc.lineno, hint="start the file with a header such as [workflow] "
                            "(closed with ])") from None
    except configparser.ParsingError as exc:
        line = exc.errors[0][0] if exc.errors else None
        shown = text.splitlines()[line - 1].strip() if line else ""
        raise SettingsError(f"cannot read this line: {shown}", path=path, line=line,
                            hint="each line is a [section] header (closed with ]), `name = value`, "
                            "an indented continuation or a # comment") from None
    except configparser.Error as exc:
        raise SettingsError(f"cannot read the settings: {exc.message}", path=path,
                            hint=f"fix the [{SECTION}] section of {CONFIG_FILE}") from None
    return parser


def is_workspace(folder: Path) -> bool:
    """Whether the folder has a settings file with a [workflow] section (a malformed file is an error)."""
    config = folder / CONFIG_FILE
    return config.is_file() and read_config(config).has_section(SECTION)


def find_workspace(start: Path) -> Path:
    """The workspace holding `start`: the nearest folder, from it upwards, with a [workflow] settings file.

    As git finds its repository. Raises SettingsError naming what it looked for when none is found.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_workspace(folder):
            return folder
    raise SettingsError(f"not inside a workflow workspace: no {CONFIG_FILE} with a [{SECTION}] section "
                        f"in {start} or any folder above it",
                        hint="go into a workspace, name one with --root DIR (or WORKFLOW_ROOT), "
                        "or create one with `workflow init DIR`")


def open_workspace(root: Path | None, overrides: Mapping[str, str | None] | None = None,
                   required: bool = True) -> Settings:
    """The settings of the workspace at `root`, or (None) of the one holding the current folder.

    Unlike `load_settings`, a folder without [workflow] settings is an error, not a default
    workspace (unless not `required`: then the current folder with default settings).
    """
    if root is None:
        try:
            root = find_workspace(Path.cwd())
        except SettingsError:
            if required:
                raise
            root = Path.cwd()
    elif required and root.is_dir() and not is_workspace(root):
        raise SettingsError(f"not a workflow workspace: no {CONFIG_FILE} with a [{SECTION}] section here",
                            path=root, hint="give the folder of a workspace, or create one with "
                            f"`workflow init {root}`")
    return load_settings(root, overrides)


def _line_of(config_path: Path, key: str) -> int | None:
    """The line of `key =` in the [workflow] section of the settings file."""
    try:
        lines = config_path.read_text(encoding="utf-8-sig").splitlines()
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
    from .files import write_atomic  # the file layer (tempfile, a thread pool): not for --help

    directory.mkdir(parents=True, exist_ok=True)
    config = directory / CONFIG_FILE
    if config.exists():
        if read_config(config).has_section(SECTION):
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
