"""What the translation memory matches: the pairs a TMX import yields, how sources are compared, and
which of the index's candidates a fuzzy lookup looks at.

Each test states one rule of matching through the public path (`import_tmx`, `Memory.lookup`,
`WorkspaceMemory.lookup`); `mutation.toml` runs them against the memory targets.
"""

from __future__ import annotations

import dataclasses
import tracemalloc
import unicodedata
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from extracting import make_workspace
from test_memory import tmx, tu

from workflow import memory, memory_index
from workflow.errors import LockError, WorkflowError
from workflow.files import workspace_lock
from workflow.memory import (
    ImportReport,
    Memory,
    MemoryMatch,
    MemoryUnit,
    WorkspaceMemory,
    import_tmx,
    load_memory_units,
    memory_path,
)
from workflow.settings import Settings


@pytest.fixture
def ws(tmp_path: Path) -> Settings:
    return make_workspace(tmp_path / "ws", {"a.txt": "Prices rose.\n"}, languages="zh fr")


def tuv(lang: str, text: str) -> str:
    return f'<tuv xml:lang="{lang}"><seg>{escape(text)}</seg></tuv>'


def import_file(settings: Settings, tmp_path: Path, body: str, header: str = 'srclang="en"',
                name: str = "mem.tmx") -> ImportReport:
    file = tmp_path / name
    file.write_bytes(tmx(body, header))
    return import_tmx(settings, file)


# -- the in-memory units ------------------------------------------------------------------------------

def test_a_unit_blank_on_either_side_is_no_memory() -> None:
    """A unit without a source or without a translation is passed over; the units after it count."""
    rose = MemoryUnit("Prices rose.", "价格上涨。", "c.txt")
    memory = Memory([MemoryUnit("Prices rose.", "  ", "a.txt"), MemoryUnit(" ", "空", "b.txt"), rose,
                     MemoryUnit("Exports fell.", "出口下降。", "d.txt")])
    assert len(memory) == 2
    assert memory.lookup("Prices rose.") == MemoryMatch(rose, 100)


# -- which pairs a TMX file gives ---------------------------------------------------------------------

def test_the_target_is_the_exact_variant_else_another_of_the_same_language(tmp_path: Path) -> None:
    """For pt-BR, a pt-BR text wins however it is spelled and wherever it stands; else pt-PT's serves."""
    ws = make_workspace(tmp_path / "ws", {}, languages="pt-BR fr")
    report = import_file(ws, tmp_path, (
        f"<tu>{tuv('en', 'Prices rose.')}{tuv('pt-PT', 'Os preços subiram.')}"
        f"{tuv('pt-br', 'Os preços aumentaram.')}</tu>"
        f"<tu>{tuv('en', 'Exports fell.')}{tuv('pt-PT', 'As exportações caíram.')}</tu>"
        f"<tu>{tuv('en', 'Hello.')}{tuv('de', 'Hallo.')}</tu>"))
    assert load_memory_units(ws, "pt-BR") == [
        MemoryUnit("Prices rose.", "Os preços aumentaram.", "mem.tmx"),
        MemoryUnit("Exports fell.", "As exportações caíram.", "mem.tmx")]
    # pt-PT and pt-br are variants of a configured language: only German is reported as left out
    assert [(r.lang, r.units) for r in report.languages] == [("pt-BR", 2)] and report.skipped == {"de": 1}


@pytest.mark.parametrize("workspace_source, tmx_source", [
    pytest.param("en", "en-US", id="tmx-in-a-regional-variant"),
    pytest.param("en-GB", "en", id="workspace-in-a-regional-variant"),
])
def test_source_text_in_any_variant_of_the_source_language_is_read(tmp_path: Path, workspace_source: str,
                                                                   tmx_source: str) -> None:
    ws = make_workspace(tmp_path / "ws", {}, languages="zh fr",
                        environ={"WORKFLOW_SOURCE_LANG": workspace_source})
    report = import_file(ws, tmp_path, f"<tu>{tuv(tmx_source, 'Prices rose.')}{tuv('zh', '价格上涨。')}</tu>"
                                       f"<tu>{tuv(tmx_source, 'Hello.')}{tuv('de', 'Hallo.')}</tu>",
                         header=f'srclang="{tmx_source}"')
    assert load_memory_units(ws, "zh") == [MemoryUnit("Prices rose.", "价格上涨。", "mem.tmx")]
    assert report.skipped == {"de": 1}  # the source language is never reported as left out


def test_a_unit_without_source_text_gives_no_pair_and_the_first_source_text_counts(ws: Settings,
                                                                                     tmp_path: Path) -> None:
    report = import_file(ws, tmp_path, (
        f"<tu>{tuv('zh', '只有译文。')}</tu>"
        f"<tu>{tuv('en-GB', 'The colour changed.')}{tuv('en-US', 'The color changed.')}"
        f"{tuv('zh', '颜色变了。')}</tu>"))
    assert [(r.lang, r.units) for r in report.languages] == [("zh", 1)]
    assert load_memory_units(ws, "zh") == [MemoryUnit("The colour changed.", "颜色变了。", "mem.tmx")]


def test_only_the_languages_found_are_reported(ws: Settings, tmp_path: Path) -> None:
    """A configured language the file has no pairs for (zh here) is not in the report; the next one is."""
    report = import_file(ws, tmp_path, f"<tu>{tuv('en', 'Hello.')}{tuv('fr', 'Bonjour.')}</tu>")
    assert [(r.lang, r.units, r.added) for r in report.languages] == [("fr", 1, 1)]
    assert not memory_path(ws, "zh").exists()


# -- what a TMX import refuses ------------------------------------------------------------------------

def test_a_tmx_file_without_units_is_refused_naming_it(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "empty.tmx"
    file.write_bytes(tmx(""))
    with pytest.raises(WorkflowError) as caught:
        import_tmx(ws, file)
    assert (caught.value.message, caught.value.path) == ("the TMX file has no translation units", file)
    assert not (ws.root / ws.tm_dir).exists() or not any((ws.root / ws.tm_dir).iterdir())


def test_a_tmx_file_without_a_configured_language_says_which_it_has(ws: Settings, tmp_path: Path) -> None:
    file = tmp_path / "other.tmx"
    file.write_bytes(tmx(f"<tu>{tuv('en', 'Hello.')}{tuv('ru', 'Привет.')}</tu>"
                         f"<tu>{tuv('en', 'Hello.')}{tuv('de', 'Hallo.')}</tu>"))
    with pytest.raises(WorkflowError) as caught:
        import_tmx(ws, file)
    error = caught.value
    assert error.message == "no units for a configured language pair (languages in the file: de, ru)"
    assert (error.path, error.hint) == (file, "the workspace translates en into zh fr")


def test_a_folder_is_refused_before_reading(ws: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "memories.tmx"
    folder.mkdir()
    with pytest.raises(WorkflowError) as caught:
        import_tmx(ws, folder)
    error = caught.value
    assert (error.message, error.path, error.hint) == (
        "cannot read a TMX file: this is a folder, not a file", folder, "name a regular file")


def test_an_import_waits_for_the_workspace_lock(ws: Settings, tmp_path: Path) -> None:
    """While another command holds the workspace, an import changes nothing and says so."""
    impatient = dataclasses.replace(ws, lock_timeout=0)
    with workspace_lock(ws.root, 10), pytest.raises(LockError):
        import_file(impatient, tmp_path, tu("Prices rose.", "价格上涨。"))
    assert not memory_path(ws, "zh").exists()
    import_file(impatient, tmp_path, tu("Prices rose.", "价格上涨。"))  # once it is let go
    assert load_memory_units(ws, "zh") == [MemoryUnit("Prices rose.", "价格上涨。", "mem.tmx")]


def test_an_interrupted_import_leaves_the_memory_usable(ws: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The index an import opened is closed (its changes rolled back) even when the import fails,
    while the caller still holds the error (as a server logging it would): the next import works."""
    import_file(ws, tmp_path, tu("Prices rose.", "价格上涨。"))

    def interrupted(stream: Any, *args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(memory_index, "write_tmx", interrupted)  # a memory written anew
    monkeypatch.setattr(memory_index, "write_units", interrupted)  # or added to
    with pytest.raises(KeyboardInterrupt) as caught:
        import_file(ws, tmp_path, tu("Exports fell.", "出口下降。"), name="second.tmx")
    monkeypatch.undo()
    report = import_file(ws, tmp_path, tu("New one.", "新的。"), name="third.tmx")
    assert [(r.units, r.added) for r in report.languages] == [(1, 1)]
    assert [u.source for u in load_memory_units(ws, "zh")] == ["Prices rose.", "New one."]
    assert caught.type is KeyboardInterrupt


def test_an_import_holds_a_bounded_number_of_pairs(ws: Settings, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The memory an import takes does not grow with the file: pairs go to the index a batch at a time."""
    monkeypatch.setattr(memory, "IMPORT_BATCH", 50)

    def peak(count: int, name: str) -> int:
        """The most memory (Python's allocations) an import of `count` new units took."""
        file = tmp_path / name
        file.write_bytes(tmx("".join(tu(f"Sentence {name} {i} of the memory.", f"第{i}句。" * 8)
                                     for i in range(count))))
        tracemalloc.start()
        try:
            report = import_tmx(ws, file)
            used = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert [(r.units, r.added) for r in report.languages] == [(count, count)]
        return used

    # the memory file is rewritten from the index in chunks of at most a few hundred units: from a
    # thousand units on, that part no longer grows either
    peak(1000, "first.tmx")
    small, large = peak(1000, "small.tmx"), peak(8000, "large.tmx")
    assert large < small * 1.5, (small, large)  # eight times the units
    assert len(load_memory_units(ws, "zh")) == 10_000


# -- how sources are compared -------------------------------------------------------------------------

MEMORY = "Zürich, Genève and Malmö: café prices rose in März after the crème brûlée tax."
QUERY = "Zürich, Genève and Malmö: café prices fell in März after the crème brûlée tax."  # ratio 96.15


def test_sources_are_compared_in_composed_form(ws: Settings, tmp_path: Path) -> None:
    """A memory written with combining accents (as some tools export it) matches composed text alike."""
    decomposed = unicodedata.normalize("NFD", MEMORY)
    assert decomposed != MEMORY
    import_file(ws, tmp_path, tu(decomposed, "价格"))
    unit = MemoryUnit(decomposed, "价格", "mem.tmx")
    for reviewed in ([], [MemoryUnit(decomposed, "价格", "mem.tmx")]):
        with WorkspaceMemory(ws, "zh", reviewed) as memory_:
            assert memory_.lookup(MEMORY) == MemoryMatch(unit, 100)
            assert memory_.lookup(QUERY, 75) == MemoryMatch(unit, 96)
            assert memory_.lookup(QUERY.upper(), 75) is None  # case is not folded: it counts in the score


@pytest.mark.parametrize("layer", ["reviewed", "imported"])
def test_space_is_normalized_but_case_and_punctuation_count(ws: Settings, tmp_path: Path, layer: str) -> None:
    unit = MemoryUnit("Prices rose sharply in March.", "三月价格大幅上涨。", "mem.tmx")
    if layer == "imported":
        import_file(ws, tmp_path, tu(unit.source, unit.target))
    with WorkspaceMemory(ws, "zh", [unit] if layer == "reviewed" else []) as memory_:
        assert memory_.lookup(" Prices  rose sharply\tin\nMarch. ") == MemoryMatch(unit, 100)
        for other in ("prices rose sharply in March.", "Prices rose sharply in March!"):
            assert memory_.lookup(other) is None  # not an exact match
            assert memory_.lookup(other, 75) == MemoryMatch(unit, 96)  # one character of 29 differs


def test_a_one_word_source_finds_its_fuzzy_match(ws: Settings, tmp_path: Path) -> None:
    import_file(ws, tmp_path, tu("Beijing.", "北京。") + tu("Prices rose in Beijing.", "北京价格上涨。"))
    with WorkspaceMemory(ws, "zh", []) as memory_:
        match = memory_.lookup("Beijing!", 75)
    assert match == MemoryMatch(MemoryUnit("Beijing.", "北京。", "mem.tmx"), 87)


# -- the index's candidates: the postings budget ------------------------------------------------------

# The query's known words, rarest first: zanzibar (1 unit), council (2), report (3). The near match
# holds council and report but not zanzibar, so only the pair (council AND report) finds it. Pairs
# are taken rarest first: (zanzibar, council) and (zanzibar, report) reach 1 unit each, the
# rarest word itself 1: the pair (council, report), 2 units more, brings the total to 5.
NEAR = "The council report."
BUDGET_MEMORY = [NEAR, "Zanzibar.", "A council.", "A report.", "Another report."]
BUDGET_QUERY = "Zanzibar council report."  # ratio 74.4 with the near match


@pytest.mark.parametrize("budget, found", [
    pytest.param(5, True, id="the-pair-that-reaches-the-budget-is-taken"),
    pytest.param(4, False, id="a-pair-past-the-budget-is-not"),
])
def test_pairs_are_looked_up_while_they_stay_within_the_postings_budget(
        ws: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int, found: bool) -> None:
    import_file(ws, tmp_path, "".join(tu(source, f"译{i}") for i, source in enumerate(BUDGET_MEMORY)))
    monkeypatch.setattr(memory_index, "POSTINGS", budget)
    with WorkspaceMemory(ws, "zh", []) as memory_:
        match = memory_.lookup(BUDGET_QUERY, 70)
    assert match == (MemoryMatch(MemoryUnit(NEAR, "译0", "mem.tmx"), 74) if found else None)
    # the in-memory scan, which looks at every unit, finds it whatever the budget
    assert Memory(load_memory_units(ws, "zh")).lookup(BUDGET_QUERY, 70) == MemoryMatch(
        MemoryUnit(NEAR, "译0", "mem.tmx"), 74)


# The rarest word of the query (zanzibar) is in the near match and in a short unit; every other
# word of the query is in three units or more. With the budget spent on the rarest word, the query
# still asks for its rarest pair, which puts the near match (holding both) above the short unit.
RANKED = "The council met in Zanzibar to discuss the new budget for roads."
RANKED_MEMORY = [RANKED, "Zanzibar.", "The council met in Dodoma to discuss the new budget for schools.",
                 "The council met in Arusha to discuss the new budget for parks."]
RANKED_QUERY = "The council met in Zanzibar to discuss the new budget for bridges."


def test_the_rarest_pair_is_asked_for_even_past_the_budget(ws: Settings, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import_file(ws, tmp_path, "".join(tu(source, f"译{i}") for i, source in enumerate(RANKED_MEMORY)))
    monkeypatch.setattr(memory_index, "POSTINGS", 0)
    monkeypatch.setattr(memory_index, "CANDIDATES", 1)  # only the best-ranked candidate is scored
    with WorkspaceMemory(ws, "zh", []) as memory_:
        match = memory_.lookup(RANKED_QUERY, 75)
    assert match is not None and match.unit.source == RANKED


def test_another_variant_serves_only_when_written_in_the_same_script(tmp_path: Path) -> None:
    """zh-TW is written in Traditional characters (CLDR): zh-CN's Simplified text is no translation
    into it, and is reported as left out; zh-HK's Traditional text serves; the exact code wins."""
    ws = make_workspace(tmp_path / "ws", {}, languages="zh-TW sr-Latn")
    report = import_file(ws, tmp_path, (
        f"<tu>{tuv('en', 'Prices rose.')}{tuv('zh-CN', '价格上涨。')}</tu>"
        f"<tu>{tuv('en', 'Exports fell.')}{tuv('zh-CN', '出口下降。')}{tuv('zh-HK', '出口下跌。')}</tu>"
        f"<tu>{tuv('en', 'Hello.')}{tuv('zh-HK', '你好！')}{tuv('zh-tw', '哈囉。')}</tu>"
        f"<tu>{tuv('en', 'Peace.')}{tuv('sr', 'Мир.')}</tu>"
        f"<tu>{tuv('en', 'War.')}{tuv('sr', 'Рат.')}{tuv('sr-Latn-RS', 'Rat.')}</tu>"))
    assert load_memory_units(ws, "zh-TW") == [MemoryUnit("Exports fell.", "出口下跌。", "mem.tmx"),
                                              MemoryUnit("Hello.", "哈囉。", "mem.tmx")]
    assert load_memory_units(ws, "sr-Latn") == [MemoryUnit("War.", "Rat.", "mem.tmx")]
    assert report.skipped == {"zh-CN": 2, "sr": 2}
