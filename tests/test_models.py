"""Argos packages: where they live, install from a file or the index, remove, and the adapter."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tinymodel import CORPUS

from workflow.cli import cli
from workflow.errors import MissingLanguagePair, WorkflowError
from workflow.model import MTRequest
from workflow.pretranslate.argos import ArgosTranslator
from workflow.pretranslate.argos_packages import (
    find_model,
    install_model_file,
    install_model_from_index,
    list_models,
    packages_dir,
    remove_model,
)


@pytest.mark.parametrize("variables, settings_json, expected", [
    pytest.param({"ARGOS_PACKAGES_DIR": "/p"}, None, "/p", id="explicit"),
    pytest.param({"XDG_CONFIG_HOME": "{tmp}/config"}, {"ARGOS_PACKAGES_DIR": "/from-json"}, "/from-json",
                 id="settings-json"),
    pytest.param({"XDG_DATA_HOME": "/data"}, None, "/data/argos-translate/packages", id="xdg-data"),
    pytest.param({"HOME": "{tmp}"}, None, "{tmp}/.local/share/argos-translate/packages", id="home"),
    pytest.param({"XDG_CONFIG_HOME": "{tmp}/config", "HOME": "{tmp}"}, ["ARGOS_PACKAGES_DIR", "/x"],
                 "{tmp}/.local/share/argos-translate/packages", id="settings-json-not-an-object"),
])
def test_packages_dir(variables: dict[str, str], settings_json: object, expected: str,
                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    for name, value in variables.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    if settings_json is not None:
        (tmp_path / "config" / "argos-translate").mkdir(parents=True)
        (tmp_path / "config" / "argos-translate" / "settings.json").write_text(json.dumps(settings_json))
    assert packages_dir() == Path(expected.format(tmp=tmp_path))


def test_install_list_remove(tiny_model: Path, argos_packages: Path) -> None:
    assert list_models() == []
    info = install_model_file(tiny_model)
    assert (info.name, info.package, info.source_lang, info.target_lang, info.version) == (
        "translate-en_zh-tiny", "translate-en_zh", "en", "zh", "0.1")
    assert info.path == argos_packages / "translate-en_zh-tiny" and info.size > 100_000
    assert list_models() == [info]
    assert find_model("en", "zh") == info
    again = install_model_file(tiny_model)  # the same package again replaces it
    assert list_models() == [again] and sorted(p.name for p in argos_packages.iterdir()) == [info.name]
    assert remove_model("zh", "en") == again
    assert list_models() == [] and not info.path.exists()


def test_remove_by_name_and_unknown(tiny_model: Path, argos_packages: Path) -> None:
    install_model_file(tiny_model)
    with pytest.raises(WorkflowError) as caught:
        remove_model("fr", "en")
    assert caught.value.message == "no installed model 'fr' (installed: translate-en_zh-tiny)"
    assert remove_model("translate-en_zh-tiny", "en").target_lang == "zh"


def test_missing_pair_names_it_and_how_to_install(argos_packages: Path) -> None:
    with pytest.raises(MissingLanguagePair) as caught:
        find_model("en", "zh")
    assert caught.value.message == "no Argos model installed for en→zh"
    assert caught.value.hint is not None
    assert "`workflow models install zh`" in caught.value.hint
    assert "translate-en_zh.argosmodel" in caught.value.hint


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


GOOD = {"pkg/metadata.json": b'{"from_code": "en", "to_code": "zh"}', "pkg/model/model.bin": b"x",
        "pkg/sentencepiece.model": b"x"}


def _without(part: str) -> dict[str, bytes]:
    return {name: data for name, data in GOOD.items() if part not in name}


@pytest.mark.parametrize("members, message", [
    pytest.param({name.removeprefix("pkg/"): data for name, data in GOOD.items()},
                 "must hold exactly one folder", id="flat-zip"),
    pytest.param({**GOOD, "other/file": b"x"}, "must hold exactly one folder", id="two-folders"),
    pytest.param({**GOOD, "pkg/../../evil": b"x"}, "paths outside its folder", id="path-traversal"),
    pytest.param(_without("model.bin"), "no model/ folder", id="no-model"),
    pytest.param(_without("sentencepiece"), "no tokenizer", id="no-tokenizer"),
    pytest.param(_without("metadata"), "no metadata.json", id="no-metadata"),
])
def test_bad_archives_are_refused(members: dict[str, bytes], message: str, tmp_path: Path,
                                  argos_packages: Path) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", members)
    with pytest.raises(WorkflowError) as caught:
        install_model_file(archive)
    assert message in caught.value.message
    assert list(argos_packages.iterdir()) == []


def test_not_a_zip(tmp_path: Path, argos_packages: Path) -> None:
    file = tmp_path / "model.argosmodel"
    file.write_bytes(b"not a zip")
    with pytest.raises(WorkflowError, match="an .argosmodel is a zip archive"):
        install_model_file(file)


@pytest.fixture
def refused_url() -> str:
    """An http URL on this machine where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def silent_url() -> Iterator[str]:
    """An http URL whose server accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}/"


@pytest.mark.parametrize("which", ["refused_url", "silent_url"])
def test_index_unreachable_fails_clearly(which: str, request: pytest.FixtureRequest,
                                         argos_packages: Path) -> None:
    url = request.getfixturevalue(which)
    with pytest.raises(WorkflowError) as caught:
        install_model_from_index("en", "zh", index=url, timeout=0.5)
    assert caught.value.message.startswith("cannot reach the Argos package index: cannot download ")
    assert caught.value.hint is not None and "workflow models install FILE" in caught.value.hint


@pytest.fixture
def index_server(tmp_path: Path, tiny_model: Path) -> Iterator[str]:
    """A local Argos index (index.json) serving the tiny model."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "tiny.argosmodel").write_bytes(tiny_model.read_bytes())
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    (root / "index.json").write_text(json.dumps([
        {"type": "translate", "from_code": "en", "to_code": "fr", "links": [url + "none.argosmodel"]},
        {"type": "translate", "from_code": "en", "to_code": "zh", "package_version": "0.1",
         "links": [url + "tiny.argosmodel"]},
    ]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


def test_install_from_the_index(index_server: str, argos_packages: Path) -> None:
    info = install_model_from_index("en", "zh", index=index_server, timeout=5)
    assert (info.source_lang, info.target_lang) == ("en", "zh") and list_models() == [info]
    with pytest.raises(WorkflowError) as caught:
        install_model_from_index("en", "fr", index=index_server, timeout=5)
    assert caught.value.message.startswith("cannot download the en→fr package: cannot download ")
    with pytest.raises(MissingLanguagePair, match="no package for en→ar"):
        install_model_from_index("en", "ar", index=index_server, timeout=5)


def test_same_output_as_argostranslate(tiny_model: Path, argos_packages: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One sentence comes out of the adapter exactly as argostranslate.translate gives it."""
    info = install_model_file(tiny_model)
    import argostranslate.settings as argos_settings
    import argostranslate.translate as argos_translate

    # argostranslate reads its settings when first imported: point them at this test's package folder,
    # and split sentences with the package's own blank spaCy pipeline (the only offline splitter)
    monkeypatch.setattr(argos_settings, "package_dirs", [argos_packages])
    monkeypatch.setattr(argos_settings, "chunk_type", argos_settings.ChunkType.SPACY)
    monkeypatch.setattr(argos_translate, "installed_translates", [])
    argos_translate.get_installed_languages.cache_clear()
    try:
        sentences = [english for english, _ in CORPUS]
        theirs = [argos_translate.translate(s, "en", "zh") for s in sentences]
    finally:
        argos_translate.get_installed_languages.cache_clear()
    translator = ArgosTranslator(info, beam_size=argos_settings.beam_size)
    ours = translator.translate([MTRequest(s) for s in sentences])
    assert [r.text for r in ours] == theirs


def test_tiny_model_translates_what_it_learned(tiny_model: Path, argos_packages: Path) -> None:
    translator = ArgosTranslator(install_model_file(tiny_model), beam_size=1)
    results = translator.translate([MTRequest(english) for english, _ in CORPUS])
    assert [r.text for r in results] == [chinese for _, chinese in CORPUS]
    assert translator.provenance == "mt argos translate-en_zh 0.1"


def test_spans_come_back_inside_the_translation(tiny_model: Path, argos_packages: Path) -> None:
    translator = ArgosTranslator(install_model_file(tiny_model), beam_size=1)
    text = "The central bank raised interest rates."
    (result,) = translator.translate([MTRequest(text, ((24, 38), (0, 0), (39, 39)))])
    assert result.text == "中央银行提高了利率。"
    assert len(result.spans) == 3
    for span in result.spans:
        assert span is not None and 0 <= span[0] <= span[1] <= len(result.text)
    assert result.spans[1] == (0, 0)


def test_cli_models(tiny_model: Path, argos_packages: Path, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKFLOW_APERTIUM", "no-such-apertium")  # Argos only (Apertium: test_apertium)
    runner = CliRunner()
    root = ["--root", str(tmp_path)]
    result = runner.invoke(cli, [*root, "models", "install", str(tiny_model)])
    assert result.exit_code == 0, result.output
    folder = argos_packages / "translate-en_zh-tiny"
    assert result.stdout == f"installed translate-en_zh 0.1 (en→zh) in {folder}\n"
    result = runner.invoke(cli, [*root, "models", "list"])
    assert result.stdout.startswith("en→zh  translate-en_zh 0.1  ")
    assert result.stdout.endswith("  translate-en_zh-tiny\n")
    assert result.stderr == f"1 Argos model(s) in {argos_packages}, 0 Apertium pair(s)\n"
    listed = json.loads(runner.invoke(cli, [*root, "models", "list", "--json"]).stdout)
    assert [(m["name"], m["source_lang"], m["target_lang"]) for m in listed] == [
        ("translate-en_zh-tiny", "en", "zh")]
    result = runner.invoke(cli, [*root, "models", "remove", "zh"])
    assert (result.exit_code, result.stdout) == (0, "removed translate-en_zh 0.1 (en→zh)\n")


def test_cli_install_offline(refused_url: str, argos_packages: Path, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", refused_url)
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "models", "install", "zh", "--timeout", "1"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: cannot reach the Argos package index: cannot download ")
    assert lines[1].startswith("hint: download translate-en_zh.argosmodel on a machine with network access")
    assert "Traceback" not in result.output


def test_cli_install_missing_file(tmp_path: Path, argos_packages: Path) -> None:
    missing = tmp_path / "nothing.argosmodel"
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "models", "install", str(missing)])
    assert (result.exit_code, result.stderr) == (1, f"error: {missing}: no such file\n")
