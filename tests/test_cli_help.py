"""Every command (whichever are present) has help: a summary, an example, and help on each option."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from workflow.cli import cli


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
    return found


COMMANDS = commands(cli)


def test_the_commands_are_found() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"init", "extract", "status", "check", "review"} <= names


@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=" ".join(p)) for p, c in COMMANDS])
def test_command_has_help(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")
    summary = (command.help or "").strip().splitlines()
    assert summary and summary[0].rstrip(".")  # an imperative one-line summary
    if not isinstance(command, click.Group):
        shown = re.search(r"^  Examples?:$", result.stdout, re.M)
        assert shown, f"`workflow {' '.join(path)} --help` shows no example"
    for parameter in command.params:
        if isinstance(parameter, click.Option) and not parameter.hidden:
            assert parameter.help, f"option {parameter.opts[0]} of `{' '.join(path)}` has no help"
