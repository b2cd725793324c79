"""Confidence on every machine unit: from the engine, lowered for what was fixed, read back everywhere.

The calibration test measures, on the tiny test model, the mean confidence of outputs
that are exactly right against those that are wrong (its training sentences at beam 4,
where some come out wrong, and sentences it never saw); run it with `-s` to see them.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from extracting import make_workspace
from tinymodel import CORPUS

from workflow.cli import cli
from workflow.confidence import (
    adjusted,
    band,
    confidence_of,
    from_log_probability,
    known_share,
    unknown_words_note,
    unknown_words_of,
    with_confidence,
)
from workflow.extract import extract
from workflow.glossary import Glossary, Term
from workflow.memory import MemoryUnit, WorkspaceMemory
from workflow.model import MTRequest, MTResult
from workflow.pretranslate import MachineEngine, MemoryEngine, MTCache, Suggestion, pretranslate
from workflow.pretranslate.argos import ArgosTranslator
from workflow.pretranslate.argos_packages import install_model_file
from workflow.settings import Settings, load_settings
from workflow.store import load_units

UNSEEN = (  # sentences the tiny model never saw: whatever it says is wrong
    "The museum raised interest rates on Sunday.", "Farmers hired forty tourists in the north.",
    "Scientists will close the beach next week.", "The mayor received two thousand bridges.",
    "Heavy snow delayed the talks in March.", "Exports of electric cars fell slightly.",
)


def test_scale_and_bands() -> None:
    assert from_log_probability(0.0) == 100 and from_log_probability(-0.05) == 90
    assert from_log_probability(-0.7) == 25 and from_log_probability(-50) == 0
    assert known_share(10, 2) == 80 and known_share(0, 0) == 100
    assert adjusted(90) == 90 and adjusted(90, terms=2) == 80
    assert adjusted(90, repaired=True) == 80 and adjusted(90, repaired=True, fallback=True) == 65
    assert adjusted(10, fallback=True, terms=3) == 0
    assert [band(c) for c in (0, 49, 50, 79, 80, 100)] == ["low", "low", "medium", "medium", "high", "high"]


def test_provenance_round_trip() -> None:
    provenance = f"{with_confidence('mt argos translate-en_zh 1.9', 62)}; glossary: CIFTIS; " \
                 f"{unknown_words_note(('Xinhua', 'uphill'))}"
    assert provenance == ("mt argos translate-en_zh 1.9 · confidence 62; glossary: CIFTIS; "
                          "unknown words: Xinhua, uphill")
    assert confidence_of(provenance) == 62 and unknown_words_of(provenance) == ("Xinhua", "uphill")
    assert confidence_of("mt argos translate-en_zh 1.9") is None and unknown_words_of("tm 100% a") == ()


def test_memory_confidence_is_the_match_score(tmp_path: Path) -> None:
    units = [MemoryUnit("The fair opened on Monday.", "交易会周一开幕。", "m.tmx"),
             MemoryUnit("See the chart<1/> below.", "见下图。", "m.tmx"),
             MemoryUnit("Read the <1>report</1>.", "阅读报告。", "m.tmx")]
    memory = WorkspaceMemory(Settings(root=tmp_path), "zh", units)  # reviewed units only: no index
    found: dict[str, Suggestion] = {}
    MemoryEngine(memory, 75).fill(["The fair opened on Sunday.", "See the chart<1/> below.",
                                   "Read the <1>report</1>."], found.update)
    fuzzy = found["The fair opened on Sunday."]
    assert fuzzy.provenance == f"tm {fuzzy.score}% m.tmx · confidence {fuzzy.score}" and fuzzy.score < 100
    assert fuzzy.confidence == fuzzy.score
    fallback = found["See the chart<1/> below."]  # the memory lost the placeholder: laid out safely, lower
    assert fallback.provenance == "tm 100% m.tmx · confidence 75; placeholders fallback"
    assert "Read the <1>report</1>." not in found  # a pair with text it cannot place: left to the next engine


class Scored:
    """A translator that upper-cases and reports a fixed confidence."""

    name = "argos"
    provenance = "mt scored 1"
    cache_key: str | None = None

    def __init__(self, confidence: int | None) -> None:
        self.confidence = confidence

    def translate(self, requests: Sequence[MTRequest]) -> list[MTResult]:
        return [MTResult(r.text.upper(), r.spans, self.confidence) for r in requests]


@pytest.mark.parametrize("source, expected", [
    pytest.param("The fair opened.", "mt scored 1 · confidence 90", id="as-the-engine-says"),
    pytest.param("The white paper opened.", "mt scored 1 · confidence 85; glossary: white paper",
                 id="glossary-term-written"),
    pytest.param("The <1>fair</1> opened.", "mt scored 1 · confidence 90", id="placeholders-placed"),
    pytest.param("a </1> b", "mt scored 1 · confidence 65; placeholders fallback",
                 id="placeholders-fallback"),
])
def test_machine_confidence_is_lowered_for_what_was_fixed(source: str, expected: str) -> None:
    glossary = Glossary("zh", (Term("white paper", "白皮书"),))
    found: dict[str, Suggestion] = {}
    MachineEngine(Scored(90), glossary, MTCache(None), 10).fill([source], found.update)
    assert found[source].provenance == expected


def test_an_engine_without_confidence_writes_none() -> None:
    found: dict[str, Suggestion] = {}
    MachineEngine(Scored(None), None, MTCache(None), 10).fill(["The fair opened."], found.update)
    suggestion = found["The fair opened."]
    assert suggestion.provenance == "mt scored 1" and suggestion.confidence is None


def test_argos_confidence_separates_right_from_wrong(tiny_model: Path, argos_packages: Path) -> None:
    translator = ArgosTranslator(install_model_file(tiny_model), beam_size=4, threads=1)
    sources = [source for source, _ in CORPUS] + list(UNSEEN)
    results = translator.translate([MTRequest(s) for s in sources])
    assert all(r.confidence is not None and 0 <= r.confidence <= 100 for r in results)
    expected = dict(CORPUS)
    right = [r.confidence or 0 for s, r in zip(sources, results) if expected.get(s) == r.text]
    wrong = [r.confidence or 0 for s, r in zip(sources, results) if expected.get(s) != r.text]
    print(f"\nconfidence on the tiny model, beam 4: {len(right)} exactly right, mean "
          f"{statistics.mean(right):.1f} (min {min(right)}); {len(wrong)} wrong, mean "
          f"{statistics.mean(wrong):.1f} (max {max(wrong)})")
    assert len(right) >= 15 and len(wrong) >= len(UNSEEN)
    assert statistics.mean(right) >= 80 > 60 >= statistics.mean(wrong)
    # through pretranslate, in the provenance
    ws = make_workspace(argos_packages.parent / "ws", {"a.txt": "Thank you.\n\nThe museum raised prices.\n"},
                        languages="zh")
    extract(ws)
    assert pretranslate(ws, ["zh"], engines=["argos"]).ok
    provenances = [u.provenance for u in load_units(ws.catalog("a.txt", "zh"), "zh", "a.txt")]
    assert all(confidence_of(p) is not None for p in provenances)
    assert provenances[0].startswith("mt argos translate-en_zh 0.1 · confidence ")


def rated_workspace(tmp_path: Path) -> Settings:
    """Three units: two machine ones (confidence 30 and 95, as pretranslate writes them), one new."""
    ws = make_workspace(tmp_path / "ws", {"a.txt": "The fair opened.\n\nPrices fell.\n\nThank you.\n"},
                        languages="zh")
    extract(ws)
    path = ws.catalog("a.txt", "zh")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        confidence = {"The fair opened.": 30, "Prices fell.": 95}.get(entry.msgid)
        if confidence is not None:
            entry.msgstr, entry.flags = "译文", ["fuzzy"]
            entry.tcomment = f"workflow: mt argos x 1 · confidence {confidence}"
    catalog.save(str(path))
    return ws


def test_review_page_shows_and_sorts_by_confidence(tmp_path: Path) -> None:
    ws = rated_workspace(tmp_path)
    result = CliRunner().invoke(cli, ["--root", str(ws.root), "review", "zh"])
    assert result.exit_code == 0, result.output
    page = (ws.output / "review" / "zh.html").read_text(encoding="utf-8")
    assert [int(n) for n in re.findall(r'data-confidence="(\d+)"', page)] == [30, 95]
    assert 'data-confidence=""' in page  # the new unit: none, sorted last
    assert '<option value="confidence">lowest confidence first</option>' in page
    assert "· confidence 30" in page


def test_status_counts_bands_and_check_warns_below_min_confidence(tmp_path: Path) -> None:
    ws = rated_workspace(tmp_path)
    data = json.loads(CliRunner().invoke(cli, ["--root", str(ws.root), "status", "--json"]).stdout)
    assert data["totals"][0]["confidence"] == {"low": 1, "medium": 0, "high": 1, "unrated": 0}
    assert data["total"]["confidence"]["low"] == 1
    quiet = CliRunner().invoke(cli, ["--root", str(ws.root), "check", "--checks", "confidence"])
    assert quiet.exit_code == 0 and "below min_confidence" not in quiet.stdout  # off by default
    config = ws.root / "setup.cfg"
    config.write_text(config.read_text(encoding="utf-8") + "min_confidence = 60\n", encoding="utf-8")
    load_settings(ws.root, environ={})
    warned = CliRunner().invoke(cli, ["--root", str(ws.root), "check", "--checks", "confidence"])
    assert warned.exit_code == 0  # a warning, not an error
    assert "confidence 30 is below min_confidence 60" in warned.stdout
    assert "confidence 95" not in warned.stdout


def test_a_persons_edit_of_an_engines_draft_has_no_engine_confidence() -> None:
    """An engine's confidence speaks of its own words: once a person edited the draft (its seal no longer
    matches), the review app and the confidence check showed the engine's figure for the person's words."""
    from workflow.potext import provenance_of, sealed

    line = sealed("mt argos 1.9 · confidence 52; placeholders repaired", "展会。")
    assert confidence_of(provenance_of(line, "展会。")) == 52  # the engine's words, as written
    edited = provenance_of(line, "博览会。")
    assert edited == "edited; mt argos 1.9; placeholders repaired"
    assert confidence_of(edited) is None
