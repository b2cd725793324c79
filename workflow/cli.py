"""The `workflow` command: thin click wrappers around the pipeline stages.

Exit codes: 0 ok, 1 runtime error (bad input, a failed file), 2 bad usage,
3 QA found blocking issues.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from .errors import WorkflowError
from .model import StageReport
from .settings import Settings, init_workspace, load_settings

F = TypeVar("F", bound=Callable[..., Any])
EXIT_FAILED = 1
EXIT_QA = 3


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


def handle_errors(function: F) -> F:
    """Turn WorkflowError into a clean message (a traceback only with -v -v)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except WorkflowError as exc:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                logging.getLogger(__name__).exception("details")
            raise CommandError(exc) from exc

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper  # type: ignore[return-value]


pass_settings = click.make_pass_decorator(Settings)


def render_failures(report: StageReport) -> None:
    """`path:line: message` and `hint:` for each failed file, then a count."""
    for failure in report.failures:
        where = f"{failure.path}:{failure.line}" if failure.path and failure.line else str(failure.path or "")
        click.echo(f"error: {where}: {failure.message}" if where else f"error: {failure.message}", err=True)
        if failure.hint:
            click.echo(f"hint: {failure.hint}", err=True)
    if report.failures:
        click.echo(f"{len(report.failures)} file(s) failed", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
              envvar="WORKFLOW_ROOT", show_default=True, help="The workspace folder.")
@click.option("--languages", envvar="WORKFLOW_LANGUAGES", default=None,
              help="Target languages, overriding [workflow] languages (e.g. 'zh fr').")
@click.option("--segmentation", envvar="WORKFLOW_SEGMENTATION", type=click.Choice(["sentence", "paragraph"]),
              default=None, help="Units are sentences or whole paragraphs.")
@click.option("--lock-timeout", envvar="WORKFLOW_LOCK_TIMEOUT", type=float, default=None,
              help="Seconds to wait for another command using the workspace.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv: debug, with tracebacks).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(package_name="workflow")
@click.pass_context
def cli(ctx: click.Context, root: Path, languages: str | None, segmentation: str | None,
        lock_timeout: float | None, verbose: int, quiet: bool) -> None:
    """Take English news bulletins from source to published translations.

    \b
    Example:
      workflow --root my-bulletins extract
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s: %(message)s")
    if ctx.invoked_subcommand == "init":
        return
    overrides = {"languages": languages, "segmentation": segmentation,
                 "lock_timeout": None if lock_timeout is None else str(lock_timeout)}
    try:
        ctx.obj = load_settings(root, overrides)
    except WorkflowError as exc:
        raise CommandError(exc) from exc


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
    written = sum(1 for c in report.changes if c.written)
    fuzzy = sum(c.fuzzy for c in report.changes)
    obsolete = sum(c.obsolete for c in report.changes)
    click.echo(f"{report.articles} article(s), {report.units} unit(s); {written} catalog(s) written, "
               f"{fuzzy} fuzzy suggestion(s), {obsolete} obsolete unit(s)", err=True)
    render_failures(report)
    if report.failures:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("langs", nargs=-1, metavar="LANG...")
@click.option("--policy", type=click.Choice(["complete", "threshold", "lead"]), default=None,
              help="When an article is published: every unit reviewed, a share of its words reviewed, "
                   "or its title and first paragraph reviewed.  [default: from settings]")
@click.option("--threshold", type=click.IntRange(0, 100), default=None, metavar="PERCENT",
              help="Percent of words reviewed for the threshold policy (implies --policy threshold).")
@click.option("--draft", is_flag=True, help="Also publish machine translations, marked as drafts.")
@pass_settings
@handle_errors
def publish(settings: Settings, langs: tuple[str, ...], policy: str | None, threshold: int | None,
            draft: bool) -> None:
    """Publish the reviewed translations to output/LANG/ (default: every configured language).

    \b
    Example:
      workflow publish zh ar --policy threshold --threshold 80
    """
    from .publish import policy_from_options, summary_lines
    from .publish import publish as run_publish

    unknown = [lang for lang in langs if lang not in settings.languages]
    if unknown:
        raise click.UsageError(f"not a configured language: {', '.join(unknown)} "
                               f"(configured: {' '.join(settings.languages)})")
    if threshold is not None and policy not in (None, "threshold"):
        raise click.UsageError(f"--threshold goes with --policy threshold, not --policy {policy}")
    chosen = policy_from_options(settings, policy, threshold, draft)
    report = run_publish(settings, langs or settings.languages, chosen)
    for line in summary_lines(settings, report):
        click.echo(line, err=True)
    for index in report.indexes:
        click.echo(index)
    render_failures(StageReport(failures=report.failures))
    if report.failures:
        sys.exit(EXIT_FAILED)
