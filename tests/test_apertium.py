"""The Apertium engine: modes listed and found, batching, span tags, unknown-word marks, the real thing.

A fake `apertium` (a small script put where `$WORKFLOW_APERTIUM` points) tests the
parsing and the batching on any machine; the tests at the end run the real Apertium
(`make test` installs it where it can, as `make tools` does) on the sample bulletin and
an HTML page with nested inline markup.
"""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from extracting import SAMPLE, make_workspace

from workflow.cli import cli
from workflow.errors import MissingLanguagePair, SettingsError
from workflow.extract import extract
from workflow.model import MTRequest, State
from workflow.pretranslate import pretranslate
from workflow.pretranslate.apertium import ApertiumTranslator, decode, encode, find_pair, list_pairs
from workflow.segment import placeholder_problems
from workflow.settings import load_settings
from workflow.store import load_units

FAKE = '''\
import os, re, sys
WORDS = {"the": "el", "fair": "feria", "opened": "abrió", "white": "blanco", "paper": "papel",
         "read": "lee", "now": "ahora", "on": "en", "monday": "lunes", "follow": "sigue", "met": "conoció",
         "minister": "ministro", "prices": "precios", "fell": "cayeron", "in": "en", "march": "marzo"}
GENERATION = {"program": "#programa"}
args = sys.argv[1:]
if args == ["-l"]:
    print("  eng-spa\\n  spa-eng\\n  en-gl\\n  eng-spa-tagger")
    sys.exit(0)
mode = args[-1]
if mode not in ("eng-spa", "en-gl"):
    sys.stderr.write("Error: Mode " + mode + " does not exist.\\n")
    sys.exit(1)
with open(os.environ["FAKE_APERTIUM_LOG"], "a", encoding="utf-8") as log:
    log.write(" ".join(args) + "\\n")
text = sys.stdin.read()
if os.environ.get("FAKE_APERTIUM_JOIN"):
    text = text.replace("\\n\\n", " ", 1)  # lose one paragraph break, as a misbehaving pair might

def word(match):
    w = match.group()
    if w.isdigit():
        return w
    if w.lower() in GENERATION:
        return GENERATION[w.lower()]
    if w.lower() in WORDS:
        out = WORDS[w.lower()]
        return out.capitalize() if w[0].isupper() else out
    return "*" + w

sys.stdout.write(" " + re.sub(r"(?<![<\\\\/])\\b[^\\W_]\\w*", word, text))
'''


@pytest.fixture
def fake_apertium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `apertium` on $WORKFLOW_APERTIUM; returns the log of its translation runs (one line each)."""
    script = tmp_path / "bin" / "apertium"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n{FAKE}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "apertium.log"
    log.write_text("", encoding="utf-8")
    monkeypatch.setenv("WORKFLOW_APERTIUM", str(script))
    monkeypatch.setenv("FAKE_APERTIUM_LOG", str(log))
    return log


def runs(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines())


# -- modes ------------------------------------------------------------------------------


def test_pairs_are_listed_with_iso_codes(fake_apertium: Path) -> None:
    assert [(p.mode, p.source_lang, p.target_lang) for p in list_pairs()] == [
        ("eng-spa", "en", "es"), ("en-gl", "en", "gl"), ("spa-eng", "es", "en")]  # no debugging mode
    assert find_pair("en", "es").mode == "eng-spa"
    assert find_pair("en", "es_MX").mode == "eng-spa"  # a regional target falls back to the language
    assert find_pair("en", "gl").mode == "en-gl"


def test_models_list_shows_apertium_pairs_beside_argos(fake_apertium: Path, argos_packages: Path,
                                                       tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "models", "list"])
    assert result.exit_code == 0
    assert result.stdout == "en→es  apertium eng-spa\nen→gl  apertium en-gl\nes→en  apertium spa-eng\n"
    assert result.stderr.endswith(", 3 Apertium pair(s)\n")
    listed = CliRunner().invoke(cli, ["--root", str(tmp_path), "models", "list", "--json"]).stdout
    assert '"engine": "apertium"' in listed and '"mode": "eng-spa"' in listed


def test_a_missing_pair_names_the_package_to_install(fake_apertium: Path) -> None:
    with pytest.raises(MissingLanguagePair) as caught:
        find_pair("en", "fr")
    assert "no Apertium pair installed for en→fr (installed: eng-spa, en-gl, spa-eng)" in caught.value.message
    assert "apt-get install apertium apertium-eng-fra" in (caught.value.hint or "")


def test_apertium_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKFLOW_APERTIUM", "no-such-apertium-command")
    assert list_pairs() == []
    with pytest.raises(MissingLanguagePair) as caught:
        find_pair("en", "es")
    assert caught.value.message == "Apertium is not installed"
    assert "apt-get install apertium apertium-eng-spa" in (caught.value.hint or "")


# -- tags and marks ----------------------------------------------------------------------


def test_spans_travel_as_numbered_tags() -> None:
    text, swapped = encode(MTRequest("Read the white paper now.", ((9, 20), (15, 20), (25, 25))))
    assert text == "Read the <1>white <2>paper</2></1> now.<3/>"
    assert sorted(swapped.values()) == ["#", "*", "@"] and all(0xE000 <= ord(c) < 0xF900 for c in swapped)
    result = decode(" Lee el <1>papel <2>blanco</2></1> ahora.<3/>\n", 3, swapped)
    assert result.text == "Lee el papel blanco ahora."
    assert result.spans == ((7, 19), (13, 19), (26, 26))
    assert result.confidence == 100 and result.unknown == ()


def test_unknown_word_marks_are_removed_and_listed() -> None:
    result = decode("El *xyzzy conoció #programa y @Tripartite  ahora.", 0, {})
    assert result.text == "El xyzzy conoció programa y Tripartite ahora."  # marks gone, doubled space too
    assert result.unknown == ("xyzzy", "programa", "Tripartite")
    assert result.confidence == 57  # 4 of 7 words known


def test_the_sources_own_hashtags_and_handles_are_not_marks() -> None:
    request = MTRequest("Follow @worldbank on #trade, rated 3*4 by me@example.org")
    text, swapped = encode(request)
    assert "@" not in text.split("me")[0] and "#" not in text and "3*4" in text and "me@example.org" in text
    result = decode(text.replace("worldbank", "*worldbank"), 0, swapped)  # as Apertium marks it
    assert result.text == request.text
    assert result.unknown == ("worldbank",)


# -- through pretranslate, with the fake ---------------------------------------------------

SOURCES = {
    "a.txt": "The fair opened on Monday.\n\nPrices fell in March.\n\nThe xyzzy program opened.\n",
    "b.html": "<p>Read the <a href=\"/r\">white <b>paper</b></a> now.</p><p>The minister met <br>Follow.</p>",
}


def test_one_process_per_batch_marks_removed_words_listed(fake_apertium: Path, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", SOURCES, languages="es zh")
    config = ws.root / "setup.cfg"
    config.write_text(config.read_text(encoding="utf-8") + "engines.es = tm apertium\n", encoding="utf-8")
    ws = load_settings(ws.root, environ={})
    assert ws.engines_for("es") == ("tm", "apertium") and ws.engines_for("zh") == ("tm", "argos")
    extract(ws)
    report = pretranslate(ws, ["es"])
    assert report.ok, report.failures
    assert runs(fake_apertium) == 1  # every sentence of every article in one process
    found = {u.segment.text: u for name in SOURCES for u in load_units(ws.catalog(name, "es"), "es", name)}
    assert found["The fair opened on Monday."].target == "El feria abrió en Lunes."
    nested = found["Read the <1>white <2>paper</2></1> now."]
    assert nested.target == "Lee el <1>blanco <2>papel</2></1> ahora."
    odd = found["The xyzzy program opened."]
    assert odd.target == "El xyzzy programa abrió." and odd.state is State.MACHINE
    assert odd.provenance == "mt apertium eng-spa · confidence 50; unknown words: xyzzy, programa"
    assert found["Prices fell in March."].provenance == "mt apertium eng-spa · confidence 100"
    for unit in found.values():
        assert not re.search(r"(?<!\w)[*#@]\w", unit.target) and not placeholder_problems(unit.segment.text,
                                                                                           unit.target)
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "check", "es", "--checks", "unknown-words"])
    assert result.exit_code == 0
    assert "the engine did not know xyzzy, programa" in result.stdout


def test_a_batch_that_does_not_split_goes_one_request_a_process(fake_apertium: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_APERTIUM_JOIN", "1")
    translator = ApertiumTranslator.for_pair("en", "es")
    requests = [MTRequest("The fair opened."), MTRequest("Read now."), MTRequest("On Monday.")]
    results = translator.translate(requests)
    assert [r.text for r in results] == ["El feria abrió.", "Lee ahora.", "En Lunes."]
    assert runs(fake_apertium) == 4 and translator.processes == 4  # the batch, then one each


def test_engine_option_and_a_missing_pair(fake_apertium: Path, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", {"a.txt": "The fair opened.\n"}, languages="es fr")
    extract(ws)
    ok = CliRunner().invoke(cli, ["--root", str(ws.root), "pretranslate", "es", "--engine", "apertium"])
    assert ok.exit_code == 0, ok.output
    missing = CliRunner().invoke(cli, ["--root", str(ws.root), "pretranslate", "fr", "--engine", "apertium"])
    assert missing.exit_code == 1
    assert "no Apertium pair installed for en→fr" in missing.stderr
    assert "apt-get install apertium apertium-eng-fra" in missing.stderr


@pytest.mark.parametrize("line, message", [
    ("engines.es = tm deepl", "engines.es must be some of tm, argos, apertium, pseudo, not deepl"),
    ("engines.de = tm apertium", "engines.de: de is not a target language (es fr)"),
])
def test_per_language_engines_are_checked(tmp_path: Path, line: str, message: str) -> None:
    ws = make_workspace(tmp_path / "ws", {}, languages="es fr")
    config = ws.root / "setup.cfg"
    config.write_text(config.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(ws.root, environ={})
    assert message in caught.value.message
    assert caught.value.line == len(config.read_text(encoding="utf-8").splitlines())


def test_languages_chosen_by_an_option_may_leave_a_language_with_engines_out(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", {}, languages="es fr")
    config = ws.root / "setup.cfg"
    config.write_text(config.read_text(encoding="utf-8") + "engines.es = tm apertium\n", encoding="utf-8")
    settings = load_settings(ws.root, {"languages": "fr"}, environ={})
    assert settings.languages == ("fr",) and settings.engines_for("fr") == ("tm", "argos")


# -- the real Apertium -----------------------------------------------------------------------

REAL = shutil.which("apertium") is not None and any(p.mode == "eng-spa" for p in list_pairs())
real = pytest.mark.skipif(not REAL, reason="Apertium with eng-spa is not installed (make tools installs it: "
                                          "apt-get install apertium apertium-eng-spa)")
NESTED = ('<!DOCTYPE html><html lang="en"><head><title>The fair opened</title></head><body>'
          '<p>Read the <a href="/r">white <b>paper</b></a> now.</p>'
          '<p>The <em>minister <strong>met</strong> the <a href="/x">press</a></em> on Monday.</p>'
          '<p>Prices <span class="n">fell <i>slightly</i></span> in March.</p></body></html>')
_MARK = re.compile(r"(?<!\w)[*#@]\w")


@real
def test_real_apertium_on_the_sample_and_nested_markup(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKFLOW_APERTIUM", raising=False)
    ws = make_workspace(tmp_path / "ws", {SAMPLE.name: SAMPLE.read_bytes(), "nested.html": NESTED},
                        languages="es")
    extract(ws)
    report = pretranslate(ws, ["es"], engines=["apertium"])
    assert report.ok, report.failures
    assert report.languages[0].model_calls == 1 and report.languages[0].left == 0
    units = [u for name in (SAMPLE.name, "nested.html")
             for u in load_units(ws.catalog(name, "es"), "es", name)]
    assert len(units) > 40
    for unit in units:
        assert unit.target and unit.target != unit.segment.text, unit.segment.text
        assert not _MARK.search(unit.target), unit.target
        assert not placeholder_problems(unit.segment.text, unit.target), (unit.segment.text, unit.target)
        assert unit.provenance.startswith("mt apertium eng-spa · confidence ")
    targets = {u.segment.text: u.target for u in units}
    assert targets["Read the <1>white <2>paper</2></1> now."] == "Leído el <1>blanco <2>papel</2></1> ahora."
    spanish = " ".join(targets.values())
    assert all(word in spanish.split() for word in ("el", "de", "la", "y"))
    assert "Xinhua" in spanish  # an unknown name is kept, without its mark …
    unknown = [u for u in units if "unknown words: " in u.provenance]
    assert any("Xinhua" in u.provenance for u in unknown)  # … and listed
    published = CliRunner().invoke(cli, ["--root", str(ws.root), "publish", "es", "--draft"])
    assert published.exit_code == 0, published.output
    page = (ws.output / "es" / "nested.html").read_text(encoding="utf-8")
    assert '<a href="/r">blanco <b>papel</b></a>' in page and "Leído el" in page

