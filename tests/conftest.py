"""Fixtures shared across test files: Argos kept out of the home folder, the tiny Argos model,
new workspaces.

Hypothesis profiles, chosen with HYPOTHESIS_PROFILE: `ci` (what `.ci/run` selects) draws the
same examples on every run, so a red build is never luck; `fuzz` (`make fuzz`) explores far
longer with fresh random examples, keeping its finds in .hypothesis/ and printing each one's
blob, so that a find can be added to the tests as an explicit `@example`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import pytest
from extracting import make_workspace
from hypothesis import settings

from workflow.settings import Settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ARGOS_VARIABLES = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ARGOS_PACKAGES_DIR")


@pytest.fixture(scope="session", autouse=True)
def argos_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """argostranslate's data, config, cache and package folders in a temporary folder, for the session.

    argostranslate creates folders under ~/.local when it is imported; with these
    variables no test reads or writes the user's models or settings.
    """
    home = tmp_path_factory.mktemp("argos-home")
    saved = {name: os.environ.get(name) for name in ARGOS_VARIABLES}
    folders = {"XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache",
               "ARGOS_PACKAGES_DIR": "packages"}
    for name, folder in folders.items():
        (home / folder).mkdir()
        os.environ[name] = str(home / folder)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny en->zh `.argosmodel` of tests/tinymodel.py, built once per session (about 10 s)."""
    from tinymodel import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture
def argos_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos package folder of the test's own."""
    folder = tmp_path / "argos-packages"
    folder.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


class NewWorkspace(Protocol):
    """The `new_workspace` fixture: a workspace under the test's tmp_path (see `make_workspace`)."""

    def __call__(self, sources: Mapping[str, str | bytes] = ..., languages: str = ...,
                 name: str = ...) -> Settings: ...


@pytest.fixture
def new_workspace(tmp_path: Path) -> NewWorkspace:
    """`workflow init` in tmp_path/<name>, `languages =` set, `sources` written into source/.

    Nothing is extracted; the settings are read with no WORKFLOW_* variables. Helpers that
    are given their own folder call `extracting.make_workspace`, which this wraps.
    """

    def make(sources: Mapping[str, str | bytes] = MappingProxyType({}), languages: str = "zh",
             name: str = "ws") -> Settings:
        return make_workspace(tmp_path / name, sources, languages)

    return make
