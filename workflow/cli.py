"""The `workflow` command: thin click wrappers around the pipeline stages.

Exit codes: 0 ok, 1 runtime error (bad input, a failed file), 2 bad usage,
3 QA found blocking issues.
"""

from __future__ import annotations

import functools
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar

import click

from .errors import UsageError, WorkflowError
from .settings import MAX_LOCK_TIMEOUT, Settings, chosen_languages, init_workspace, open_workspace

if TYPE_CHECKING:
    from .model import Failure, StageReport
    from .publish import PublishReport

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED = 1
EXIT_USAGE = 2  # as click's own usage errors
EXIT_QA = 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a command SIGINT stopped
EXIT_TERMINATED = 143  # SIGTERM, likewise


class CommandError(click.ClickException):
    """The one place a WorkflowError becomes a message: `path:line: message` + `hint:`."""

    exit_code = EXIT_FAILED

    def __init__(self, error: WorkflowError) -> None:
        super().__init__(str(error))
        self.error = error

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.error}", err=True)
        if self.error.hint:
            click.echo(f"hint: {self.error.hint}", err=True)


class CommandUsageError(CommandError):
    """Options or arguments that do not go together, found by the library: exit 2, as click's own."""

    exit_code = EXIT_USAGE


def handle_errors(function: F) -> F:
    """Turn any error into a clean message: `path:line: message` and a hint (a traceback only with -v).

    WorkflowError is the expected kind; an unwrapped OSError still names its file; anything
    else is a bug, said so in one line (with -v its traceback is shown instead).
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import logging  # (logging is imported by a command, not for --help: start-up)

        verbose = logging.getLogger().isEnabledFor(logging.INFO)
        try:
            return function(*args, **kwargs)
        except WorkflowError as exc:
            if verbose:
                logging.getLogger(__name__).exception("details")
            raise (CommandUsageError if isinstance(exc, UsageError) else CommandError)(exc) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # what reads the output went away (`| head`): click stops quietly, exit 1
            raise
        except KeyboardInterrupt as stop:  # Ctrl-C: click said only "Aborted!" and exited 1 (a failed file's)
            click.echo("interrupted: what was written before is whole and kept (every file is written whole "
                       "or not at all); run the command again to go on", err=True)
            code = EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
            raise click.exceptions.Exit(code) from None
        except OSError as exc:
            if verbose:
                logging.getLogger(__name__).exception("details")
            error = WorkflowError(exc.strerror or str(exc), path=exc.filename,
                                  hint="check that the file exists, that you may read and write it, "
                                  "and the disk space")
            raise CommandError(error) from exc
        except Exception as exc:
            if verbose:
                raise
            error = WorkflowError(f"internal error: {type(exc).__name__}: {exc}"[:500],
                                  hint="this is a bug in workflow: run the command again with -v to see "
                                  "the traceback, and report it with the input that caused it")
            raise CommandError(error) from exc

    return wrapper  # type: ignore[return-value]


class _Workspace:
    """The group's workspace options, read when a command asks for its settings.

    That is after the command's own options are parsed, so bad usage is exit 2 even outside a workspace.
    """

    def __init__(self, root: Path | None, overrides: dict[str, str | None], required: bool) -> None:
        self.root, self.overrides, self.required = root, overrides, required
        self.loaded: Settings | None = None

    def settings(self) -> Settings:
        if self.loaded is None:
            try:
                self.loaded = open_workspace(self.root, self.overrides, required=self.required)
            except WorkflowError as exc:
                raise CommandError(exc) from exc
        return self.loaded


def pass_settings(function: F) -> F:
    """Call the command with the workspace's Settings as first argument."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        workspace = click.get_current_context().find_object(_Workspace)
        assert workspace is not None, "a command with settings runs under the `workflow` group"
        return function(workspace.settings(), *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _finite(value: float | None) -> float | None:
    """FloatRange lets nan through (no comparison is true for it)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("not a number of seconds", param_hint="'--lock-timeout'")
    return value


def say(message: str) -> None:
    """A summary or notice on stderr; nothing with -q (errors use click.echo directly)."""
    import logging

    if logging.getLogger().isEnabledFor(logging.WARNING):
        click.echo(message, err=True)


def render_failures(failures: Sequence[Failure]) -> None:
    """`path:line: message` and `hint:` for each failed file, then a count."""
    for failure in failures:
        where = f"{failure.path}:{failure.line}" if failure.path and failure.line else str(failure.path or "")
        click.echo(f"error: {where}: {failure.message}" if where else f"error: {failure.message}", err=True)
        if failure.hint:
            click.echo(f"hint: {failure.hint}", err=True)
    if failures:
        click.echo(f"{len(failures)} file(s) failed", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="WORKFLOW_ROOT",
              help="The workspace folder.  [default: the nearest folder, from the current one upwards, "
                   "whose setup.cfg has a [workflow] section]")
@click.option("--languages", envvar="WORKFLOW_LANGUAGES", default=None,
              help="Target languages, overriding [workflow] languages (e.g. 'zh fr').")
@click.option("--segmentation", envvar="WORKFLOW_SEGMENTATION", type=click.Choice(["sentence", "paragraph"]),
              default=None, help="Units are sentences or whole paragraphs.")
@click.option("--lock-timeout", envvar="WORKFLOW_LOCK_TIMEOUT", type=click.FloatRange(0, MAX_LOCK_TIMEOUT),
              callback=lambda _ctx, _param, value: _finite(value), default=None,
              help="Seconds to wait for another command using the workspace (0 to a day).")
@click.option("-v", "--verbose", count=True, help="More log output, and an error's traceback (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True,
              help="Nothing on stderr but errors (no summary, warning or progress); stdout is unchanged.")
@click.version_option(package_name="workflow")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, languages: str | None, segmentation: str | None,
        lock_timeout: float | None, verbose: int, quiet: bool) -> None:
    """Take English news bulletins from source to published translations.

    \b
    Example:
      workflow --root my-bulletins extract
    """
    import logging

    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s: %(message)s")
    logging.getLogger().setLevel(level)  # basicConfig does nothing the second time in one process
    if ctx.invoked_subcommand == "init":
        return
    overrides = {"languages": languages, "segmentation": segmentation,
                 "lock_timeout": None if lock_timeout is None else str(lock_timeout)}
    # models are the user's, not a workspace's: outside one, the default settings do
    ctx.obj = _Workspace(root, overrides, required=ctx.invoked_subcommand != "models")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@handle_errors
def init(directory: Path) -> None:
    """Create a new, empty workspace in DIRECTORY.

    \b
    Example:
      workflow init my-bulletins
    """
    settings = init_workspace(directory)
    click.echo(f"workspace ready: {settings.root} (put articles in {settings.source})")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Read every article again, even those unchanged since the last extract.")
@pass_settings
@handle_errors
def extract(settings: Settings, paths: tuple[Path, ...], force: bool) -> None:
    """Create or update the catalogs of every configured language.

    PATHS are source files or folders (default: all of source/). A catalog is
    written only when its content changes; translations survive source edits
    (an edited unit keeps its old translation as a fuzzy suggestion).
    Exit code 1 when any file failed (the others are still processed).

    \b
    Example:
      workflow extract source/bulletin.txt
    """
    from .extract import extract as run_extract

    report = run_extract(settings, paths, force=force)
    render_extract(report)
    if report.failures:
        sys.exit(EXIT_FAILED)


def render_extract(report: StageReport) -> None:
    """One summary line on stderr, then the failures."""
    say(f"{report.articles} article(s), {report.units} unit(s); {report.written} catalog(s) written, "
        f"{report.fuzzy} fuzzy suggestion(s), {report.obsolete} obsolete unit(s)")
    render_failures(report.failures)


@cli.command()
@click.argument("langs", nargs=-1, metavar="[LANG]...")
@click.option("--policy", type=click.Choice(["complete", "threshold", "lead"]), default=None,
              help="When an article is published: every unit reviewed, a share of its words reviewed, "
                   "or its title and first paragraph reviewed.  [default: from settings]")
@click.option("--threshold", type=click.IntRange(0, 100), default=None, metavar="PERCENT",
              help="Percent of words reviewed for the threshold policy (implies --policy threshold).")
@click.option("--draft", is_flag=True, help="Also publish machine translations, marked as drafts.")
@click.option("--restore", "restore", multiple=True, metavar="ARTICLE",
              help="Publish again an article taken down with `workflow unpublish LANG ARTICLE` (repeatable).")
@pass_settings
@handle_errors
def publish(settings: Settings, langs: tuple[str, ...], policy: str | None, threshold: int | None,
            draft: bool, restore: tuple[str, ...]) -> None:
    """Publish the reviewed translations to output/LANG/ (default: every configured language).

    \b
    Example:
      workflow publish zh ar --policy threshold --threshold 80
    """
    from .policy import publishing_options
    from .publish import publish as run_publish

    chosen, rule = publishing_options(settings, langs, policy, threshold, draft)
    render_publish(settings, run_publish(settings, chosen, rule, restore=restore))


def render_publish(settings: Settings, report: PublishReport) -> None:
    """The summary on stderr, the index pages on stdout, then the failures (exit 1 when any)."""
    from .publish import summary_lines

    for line in summary_lines(settings, report):
        say(line)
    for index in report.indexes:
        click.echo(index)
    render_failures(report.failures)
    if report.failures:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("lang")
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@pass_settings
@handle_errors
def unpublish(settings: Settings, lang: str, articles: tuple[str, ...]) -> None:
    """Withdraw the editions of ARTICLEs (all of them when none) in LANG from output/LANG/.

    Only the files publish wrote, unchanged since, are removed; the indexes, feeds
    and the other editions' links are rebuilt.

    \b
    Example:
      workflow unpublish zh story.txt
    """
    from .publish import recorded_languages
    from .publish import unpublish as run_unpublish

    # a language taken out of `languages` keeps its editions online until they are withdrawn here; any
    # spelling names it (`pt-BR` for `pt_BR`, as its pages' lang says): another one withdrew nothing, exit 0
    [chosen] = chosen_languages(settings, (lang,), also=recorded_languages(settings))
    render_publish(settings, run_unpublish(settings, chosen, articles))


# -- status, check, review ---------------------------------------------------------------

_TONES: dict[str, dict[str, Any]] = {
    "header": {"bold": True}, "done": {"fg": "green"}, "partial": {"fg": "yellow"}, "none": {"fg": "red"},
    "total": {"bold": True},
}
_SEVERITY_COLOURS = {"error": "red", "warning": "yellow"}


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is under it (clickable in editors), else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@cli.command()
@click.argument("langs", nargs=-1, metavar="[LANG]...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of a table.")
@pass_settings
@handle_errors
def status(settings: Settings, langs: tuple[str, ...], as_json: bool) -> None:
    """Show units and words in each state, per language and article, and the percent of words reviewed.

    States are read from the PO files: new (empty msgstr), machine (fuzzy, with an engine's
    provenance comment, its words as the engine wrote them), needs-work (fuzzy, marked or
    edited by a translator), changed (fuzzy, with the
    previous source in `#|`), reviewed (not fuzzy). Each cell is units/words.

    \b
    Example:
      workflow status zh ar
    """
    import json

    from .status import report_json, table
    from .status import status as run_status

    report = run_status(settings, chosen_languages(settings, langs))
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        for line in table(report):
            click.echo(click.style(line.text, **_TONES[line.tone]))
    render_failures(report.failures)
    if report.failures:
        sys.exit(EXIT_FAILED)


def _ids(value: str) -> tuple[str, ...]:
    return tuple(i for i in value.replace(",", " ").split() if i)


def render_findings(report: Any, as_json: bool, root: Path, only_errors: bool = False) -> None:
    """Findings on stdout (`path:line: severity: [check] message`, silenced last); a summary on stderr."""
    import json

    from .qa import report_json

    if as_json:
        click.echo(json.dumps(report_json(report, root), ensure_ascii=False, indent=2))
    ordered = sorted((f for f in report.findings if f.blocking or not only_errors), key=lambda f: f.silenced)
    for finding in [] if as_json else ordered:
        severity = finding.issue.severity.value
        coloured = click.style(severity, fg=_SEVERITY_COLOURS[severity])
        label = f"silenced {severity}" if finding.silenced else coloured
        click.echo(f"{_shown(finding.path)}:{finding.line}: {label}: [{finding.issue.check}] "
                   f"{finding.issue.message}  ({finding.state.value}, {finding.issue.key})")
    say(f"{report.units} translated unit(s) in {report.catalogs} catalog(s): "
        f"{report.errors} error(s), {report.warnings} warning(s), {report.silenced} silenced")
    if report.errors:
        say("hint: fix the msgstr at each path:line above, or silence a finding there with a "
            "`# workflow-ignore: CHECK` comment")
    render_failures(report.failures)


@cli.command()
@click.argument("langs", nargs=-1, metavar="[LANG]...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of lines.")
@click.option("--checks", "only", default="", metavar="IDS", help="Run only these checks (comma-separated).")
@click.option("--skip", default="", metavar="IDS", help="Run every check but these (comma-separated).")
@click.option("--list", "list_checks", is_flag=True, help="List the checks (id, severity, summary) and exit.")
@pass_settings
@handle_errors
def check(settings: Settings, langs: tuple[str, ...], as_json: bool, only: str, skip: str,
          list_checks: bool) -> None:
    """Check the translated units; exit 3 when an error-severity finding remains.

    A unit silences a check for itself with a translator comment in its PO entry,
    `# workflow-ignore: numbers, glossary` (or `all`); silenced findings are listed last.

    \b
    Example:
      workflow check zh --skip length,identical
    """
    from .qa import CHECKS, run_checks, select_checks

    if list_checks:
        for item in CHECKS.values():
            click.echo(f"{item.id:<17} {item.severity.value:<8} {item.summary}")
        return
    if only and skip:
        raise click.UsageError("--checks and --skip do not go together: name the checks to run, or to skip")
    try:
        checks = select_checks(_ids(only), _ids(skip))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--checks' / '--skip'") from None
    report = run_checks(settings, chosen_languages(settings, langs), checks)
    render_findings(report, as_json, settings.root)
    if report.failures:
        sys.exit(EXIT_FAILED)
    if report.errors:
        sys.exit(EXIT_QA)


@cli.command()
@click.argument("langs", nargs=-1, metavar="[LANG]...")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the page to this file (with one LANG only).  [default: output/review/LANG.html]")
@pass_settings
@handle_errors
def review(settings: Settings, langs: tuple[str, ...], output: Path | None) -> None:
    """Write a self-contained HTML review page for each language (default: every configured one).

    Source beside translation, state, provenance, QA findings and word diffs of edited
    sources, with filters by state and check. Prints the path of each page.

    \b
    Example:
      workflow review zh
    """
    from .review import review as run_review

    chosen = chosen_languages(settings, langs)
    if output is not None and len(chosen) != 1:
        raise click.UsageError("--output goes with exactly one LANG")
    failures = []
    for lang in chosen:
        report = run_review(settings, lang, output)
        say(f"{lang}: {report.units} unit(s) in {report.articles} article(s), "
            f"{report.errors} error(s), {report.warnings} warning(s); "
            f"page {'written' if report.written else 'unchanged'}")
        click.echo(_shown(report.path))
        failures += report.failures
    render_failures(failures)
    if failures:
        sys.exit(EXIT_FAILED)


class _ProgressBar:
    """Pretranslate progress on stderr: a bar (units, units/s, ETA) on a terminal, nothing otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.lang = ""
        self.started = 0.0

    def __call__(self, lang: str, done: int, total: int) -> None:
        import logging
        import time

        if not sys.stderr.isatty() or total == 0 or not logging.getLogger().isEnabledFor(logging.WARNING):
            return
        if self.bar is None or lang != self.lang:
            self.close()
            self.lang, self.started = lang, time.perf_counter()
            self.bar = click.progressbar(length=total, label=f"pretranslate {lang}", file=sys.stderr,
                                         show_eta=True, show_pos=True, item_show_func=self._rate)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def _rate(self, _: object) -> str:
        import time

        elapsed = time.perf_counter() - self.started
        return f"{self.bar.pos / elapsed:.0f} units/s" if self.bar is not None and elapsed > 0 else ""

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _engine_list(value: str | None) -> tuple[str, ...] | None:
    """`tm,argos` -> ("tm", "argos"); a usage error for an unknown engine."""
    from .settings import ENGINES

    if value is None:
        return None
    names = tuple(name for name in value.replace(",", " ").split() if name)
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        raise click.UsageError(f"--engine takes {', '.join(ENGINES)} (comma-separated), not {value!r}")
    return names


@cli.command()
@click.argument("langs", nargs=-1, metavar="[LANG]...")
@click.option("--engine", "engines", default=None, metavar="NAMES",
              help="Engines to try in order, comma-separated: tm, argos, apertium, pseudo.  [default: "
                   "tm,argos, or engines = … (engines.LANG = … for one language) in [workflow]]")
@click.option("--redo-machine", is_flag=True,
              help="Also replace machine output that is still fuzzy, its source edited or not "
                   "(never reviewed or needs-work units).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--beam-size", type=click.IntRange(1, 64), default=None,
              help="Beam size of the Argos model.  [default: 4]")
@click.option("--batch-size", type=click.IntRange(1), default=None,
              help="Sentences per model call.  [default: 256]")
@click.option("--threads", type=click.IntRange(0), default=None, help="CPU threads, 0 for all.  [default: 0]")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default=None,
              help="Where the model runs.  [default: cpu]")
@click.option("--cluster", default=None, metavar="ADDRESS",
              help="Translate on Dask workers: tcp://HOST:PORT of a running scheduler, or local:N to start "
                   "N local workers.  [default: here; or cluster = … in [workflow]]")
@pass_settings
@handle_errors
def pretranslate(settings: Settings, langs: tuple[str, ...], engines: str | None, redo_machine: bool,
                 as_json: bool, beam_size: int | None, batch_size: int | None, threads: int | None,
                 device: str | None, cluster: str | None) -> None:
    """Fill the empty units of each language's catalogs (default: every configured language).

    Memory matches first, then the installed Argos model; every target is fuzzy
    (needs review) with its provenance in a `# workflow:` comment. Translators' work
    is never overwritten. Exit code 1 when a catalog failed or no engine could run.

    \b
    Example:
      workflow pretranslate zh --engine tm,argos
    """
    from dataclasses import replace

    from .pretranslate import pretranslate as run_pretranslate
    from .pretranslate import summary_lines

    options = {"mt_beam_size": beam_size, "mt_batch_size": batch_size, "mt_threads": threads,
               "mt_device": device, "cluster": cluster}
    settings = replace(settings, **{k: v for k, v in options.items() if v is not None})  # type: ignore[arg-type]
    bar = _ProgressBar()
    try:
        report = run_pretranslate(settings, chosen_languages(settings, langs), engines=_engine_list(engines),
                                  redo_machine=redo_machine, progress=bar)
    finally:
        bar.close()
    for line in summary_lines(report):
        say(line)
    if as_json:
        import json

        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    render_failures(report.failures)
    if report.failures:
        sys.exit(EXIT_FAILED)


@cli.group()
def models() -> None:
    """List, install and remove Argos translation models (used by pretranslate).

    \b
    Example:
      workflow models install translate-en_zh.argosmodel
    """


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of a table.")
@handle_errors
def models_list(as_json: bool) -> None:
    """List the installed models and where they live: Argos packages, then Apertium pairs.

    \b
    Example:
      workflow models list
    """
    from .pretranslate.apertium import list_pairs
    from .pretranslate.argos_packages import list_models, model_size, packages_dir

    found = list_models()
    pairs = list_pairs()
    if as_json:
        import json
        from dataclasses import asdict

        click.echo(json.dumps([*({"engine": "argos", **asdict(m), "path": str(m.path)} for m in found),
                               *({"engine": "apertium", **asdict(p)} for p in pairs)], indent=2))
        return
    for m in found:
        click.echo(f"{m.source_lang}→{m.target_lang}  {m.package} {m.version}  {model_size(m)}  {m.name}")
    for p in pairs:
        click.echo(f"{p.source_lang}→{p.target_lang}  apertium {p.mode}")
    say(f"{len(found)} Argos model(s) in {packages_dir()}, {len(pairs)} Apertium pair(s)")


@models.command("install")
@click.argument("model")
@click.option("--timeout", type=click.FloatRange(0.1), default=10.0, show_default=True,
              help="Seconds to wait for each network connection.")
@pass_settings
@handle_errors
def models_install(settings: Settings, model: str, timeout: float) -> None:
    """Install MODEL: an .argosmodel file, or a target language to download from the Argos index.

    \b
    Examples:
      workflow models install translate-en_zh-1_9.argosmodel
      workflow models install zh
    """
    from .pretranslate.argos_packages import install_model_file, install_model_from_index

    path = Path(model)
    if path.suffix == ".argosmodel" or path.is_file():
        info = install_model_file(path)
    else:
        pair = model.removeprefix("translate-").split("_")
        source, target = (pair[0], pair[1]) if len(pair) == 2 else (settings.source_lang, model)
        info = install_model_from_index(source, target, timeout=timeout)
    click.echo(f"installed {info.package} {info.version} ({info.source_lang}→{info.target_lang}) "
               f"in {info.path}")


@models.command("remove")
@click.argument("model")
@pass_settings
@handle_errors
def models_remove(settings: Settings, model: str) -> None:
    """Remove an installed model, given by name (see `models list`) or target language.

    \b
    Example:
      workflow models remove zh
    """
    from .pretranslate.argos_packages import remove_model

    info = remove_model(model, settings.source_lang)
    click.echo(f"removed {info.package} {info.version} ({info.source_lang}→{info.target_lang})")


@cli.group()
def tm() -> None:
    """Import and export translation memories (TMX 1.4).

    \b
    Example:
      workflow tm import memories/ciftis-en-zh.tmx
    """


@tm.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_settings
@handle_errors
def tm_import(settings: Settings, file: Path) -> None:
    """Add the units of a TMX file to the workspace memory (tm/) of each configured language in it.

    \b
    Example:
      workflow tm import ciftis-en-zh.tmx
    """
    from .memory import import_tmx

    report = import_tmx(settings, file)
    for item in report.languages:
        say(f"{item.lang}: {item.units} unit(s) in {file.name}, {item.added} new, {item.known} known; "
            f"memory {_shown(item.path)}")
    for code, count in sorted(report.skipped.items()):
        say(f"warning: {count} unit(s) in {code}, not a configured language, left out")


@tm.command("export")
@click.argument("lang")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_settings
@handle_errors
def tm_export(settings: Settings, lang: str, file: Path) -> None:
    """Write the reviewed units of LANG (every article) to FILE as TMX 1.4.

    \b
    Example:
      workflow tm export zh reviewed-en-zh.tmx
    """
    from .memory import export_tmx

    (lang,) = chosen_languages(settings, (lang,))
    report = export_tmx(settings, lang, file)
    say(f"{lang}: {report.units} reviewed unit(s) from {report.catalogs} catalog(s) written to {file}")


@cli.group()
def glossary() -> None:
    """Manage the per-language glossaries (glossary/SOURCE-LANG.tsv).

    \b
    Example:
      workflow glossary import en-zh.tsv
    """


@glossary.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", default=None, help="Target language  [default: from a file name like en-zh.tsv]")
@pass_settings
@handle_errors
def glossary_import(settings: Settings, file: Path, lang: str | None) -> None:
    """Merge a TSV glossary (source, target, note, type) into the workspace's glossary.

    \b
    Example:
      workflow glossary import en-zh.tsv
    """
    from .glossary import import_glossary

    report = import_glossary(settings, file, lang)
    say(f"{report.lang}: {report.terms} term(s) in {_shown(report.path)} ({report.added} new, "
        f"{report.replaced} replaced)")



TRANSLATOR_OPTION = click.option(
    "--translator", envvar="WORKFLOW_TRANSLATOR", default="", metavar='"NAME <EMAIL>"',
    help="Who makes these edits, for the Last-Translator field of each catalog changed (env "
         "WORKFLOW_TRANSLATOR).  [default: the field stays as it is]")


@cli.group()
def xliff() -> None:
    """Exchange units with CAT tools (Trados, memoQ, OmegaT, Okapi) as XLIFF 1.2 files.

    \b
    Example:
      workflow xliff export zh
    """


@xliff.command("export")
@click.argument("lang")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the files into this folder.  [default: xliff/LANG/ in the workspace]")
@pass_settings
@handle_errors
def xliff_export(settings: Settings, lang: str, folder: Path | None) -> None:
    """Write one XLIFF 1.2 file per article of LANG (ARTICLE.xlf), every unit in its state, for a CAT tool.

    \b
    Example:
      workflow xliff export zh -o to-translator/
    """
    from .xliff import export_xliff

    (lang,) = chosen_languages(settings, (lang,))
    report = export_xliff(settings, lang, folder)
    written = sum(f.written for f in report.files)
    say(f"{lang}: {report.units} unit(s) in {len(report.files)} XLIFF file(s) in {_shown(report.folder)}, "
        f"{written} written")
    render_failures(report.failures)
    if report.failures:
        sys.exit(EXIT_FAILED)


@xliff.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@TRANSLATOR_OPTION
@pass_settings
@handle_errors
def xliff_import(settings: Settings, files: tuple[Path, ...], translator: str) -> None:
    """Merge the targets of XLIFF files back into the catalogs, with the checks of a PO edit.

    A file with an error (unknown id, edited source, broken inline codes) changes nothing;
    a target that differs from a reviewed one is a conflict, left out, unless the unit is
    confirmed and the catalog still holds what was exported. Exit 1 on errors or conflicts.

    \b
    Example:
      workflow xliff import from-translator/*.xlf
    """
    from .xliff import import_xliff

    report = import_xliff(settings, files, translator)
    for item in report.files:
        for kind, found in (("error", item.errors), ("conflict", item.conflicts), ("notice", item.replaced)):
            for failure in found:
                where = f"{failure.path}:{failure.line}" if failure.line else str(failure.path or "")
                click.echo(f"{kind}: {where}: {failure.message}" + (f"\nhint: {failure.hint}" if failure.hint
                                                                    else ""), err=True)
        outcome = ("nothing written (fix the errors and import it again)" if item.errors else
                   f"{item.applied} target(s) applied, {item.reviewed} reviewed, {item.unchanged} unchanged, "
                   f"{len(item.conflicts)} conflict(s); {len(item.catalogs)} catalog(s) written")
        say(f"{_shown(item.path)}: {outcome}")
    if not report.ok:
        sys.exit(EXIT_FAILED)

@cli.command("run")
@click.argument("langs", nargs=-1, metavar="[LANG]...")
@click.option("--engine", "engines", default=None, metavar="NAMES",
              help="Pretranslation engines, comma-separated: tm, argos, apertium, pseudo.  "
                   "[default: tm,argos]")
@click.option("--policy", type=click.Choice(["complete", "threshold", "lead"]), default=None,
              help="Publishing policy.  [default: from settings]")
@click.option("--threshold", type=click.IntRange(0, 100), default=None, metavar="PERCENT",
              help="Percent of words reviewed for the threshold policy.")
@click.option("--draft", is_flag=True, help="Also publish machine translations, marked as drafts.")
@pass_settings
@handle_errors
def run(settings: Settings, langs: tuple[str, ...], engines: str | None, policy: str | None,
        threshold: int | None, draft: bool) -> None:
    """Extract, pretranslate, check and publish in one go (default: every language).

    Prints the paths of the published editions on stdout. Exit code 1 when any
    stage failed on a file, 3 when QA errors remain (publishing still happens:
    units with broken placeholders fall back to the source, marked).

    \b
    Example:
      workflow run zh --draft
    """
    from .pipeline import run_all
    from .policy import publishing_options
    from .pretranslate import summary_lines as pretranslate_lines
    from .publish import summary_lines as publish_lines

    chosen, rule = publishing_options(settings, langs, policy, threshold, draft)
    report = run_all(settings, chosen, rule, _engine_list(engines))
    render_extract(report.extract)
    for line in pretranslate_lines(report.pretranslate):
        say(line)
    render_failures(report.pretranslate.failures)
    render_findings(report.check, as_json=False, root=settings.root, only_errors=True)
    for line in publish_lines(settings, report.publish):
        say(line)
    render_failures(report.publish.failures)
    for index in report.publish.indexes:
        click.echo(index)
    if report.failed:
        sys.exit(EXIT_FAILED)
    if report.check.errors:
        sys.exit(EXIT_QA)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 lets other machines reach the app.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the app in the default browser.")
@TRANSLATOR_OPTION
@pass_settings
@handle_errors
def serve(settings: Settings, host: str, port: int, open_browser: bool, translator: str) -> None:
    """Review and edit units in the browser, over the workspace's own PO files.

    Prints the address to open, with a new random token in it; every request needs
    that token. Edits are written to the PO files at once (one entry each, and the
    PO-Revision-Date, under the workspace lock); an entry changed meanwhile, in another
    window or a PO editor, is never overwritten. Ctrl-C stops it.

    \b
    Example:
      workflow serve --open
    """
    from .serve import new_token
    from .serve import serve as run_server

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone who can reach this port and has the token "
                   "can edit the translations", err=True)

    def ready(url: str) -> None:
        click.echo(url)
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    run_server(settings, host, port, new_token(), ready, translator)


def main() -> None:
    """The `workflow` command (and `python -m workflow`): `cli`, in a process of its own.

    What start-up created (modules, classes, functions: tens of thousands of objects that live until
    the process ends) is set aside from the garbage collector first (`gc.freeze`), so that the
    collections a run triggers do not traverse it again: about 2 % of a small extract's instructions.
    SIGTERM stops it as Ctrl-C does (`_terminate`). Not in `cli` itself: a process that calls it
    (tests, a server) keeps its own collector and signal handlers.
    """
    import gc
    import signal

    gc.freeze()
    signal.signal(signal.SIGTERM, _terminate)
    cli()


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager): the command stops as Ctrl-C stops it."""


def _terminate(signum: int, frame: object) -> None:
    """Stop on SIGTERM as on Ctrl-C. By default the process just ended, and the worker processes of a
    large extract, which a SIGTERM to this process alone does not reach, ran on, orphaned; now the
    pool is shut down on the way out (they finish the task in hand) and the workspace lock released."""
    raise Terminated()
