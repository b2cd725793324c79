"""The state of a catalog entry, as the PO file records it, read by both readers: the fast scanner
(`status`) and polib (everything else). Each case states the expected state outright, so that a
fault shared by both readers (they share `fuzzy_state` and `is_machine`) is caught too.

Written against the mutants that the rest of the suite let live (docs/mutation.md).
"""

from __future__ import annotations

import polib
import pytest

from workflow.model import State
from workflow.potext import scan_text
from workflow.store import entry_state

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
AB = 'msgid "a"\nmsgstr "b"\n'  # a translated entry

CASES = [
    pytest.param("", 'msgid "a"\nmsgstr ""\n', State.NEW, id="empty"),
    pytest.param("", AB, State.REVIEWED, id="translated"),
    pytest.param("#, fuzzy\n", AB, State.NEEDS_WORK, id="fuzzy-by-hand"),
    pytest.param("# workflow: reviewed by Ana\n#, fuzzy\n", AB, State.NEEDS_WORK,
                 id="fuzzy-person-provenance"),
    pytest.param("# workflow: mt argos translate-en_zh 1.9\n#, fuzzy\n", AB, State.MACHINE,
                 id="fuzzy-mt"),
    pytest.param("# workflow: tm 85% a.tmx\n#, fuzzy\n", AB, State.MACHINE, id="fuzzy-tm"),
    pytest.param("# workflow: pseudo\n#, fuzzy\n", AB, State.MACHINE, id="fuzzy-pseudo"),
    pytest.param("# workflow: mt argos\n", AB, State.REVIEWED, id="machine-then-reviewed"),
    pytest.param('# workflow: mt argos\n#, fuzzy\n#| msgid "old a"\n', AB, State.CHANGED,
                 id="source-changed"),
    pytest.param("# a note on fuzzy matching\n#. fuzzy logic\n", AB, State.REVIEWED,
                 id="fuzzy-in-comments-only"),
    pytest.param("#, no-fuzzy-please\n", AB, State.REVIEWED, id="fuzzy-inside-a-flag"),
    pytest.param("#, python-format, fuzzy\n", AB, State.NEEDS_WORK, id="fuzzy-second-flag"),
    pytest.param("#, fuzzy\n", 'msgid "a"\nmsgstr ""\n', State.NEW, id="fuzzy-but-empty"),
    pytest.param("", 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] ""\n', State.NEW,
                 id="plural-half"),
    pytest.param("", 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs"\n', State.REVIEWED,
                 id="plural-full"),
    pytest.param("", 'msgid "a"\nmsgstr[0] "b"\nmsgstr[1] "bs"\n', State.REVIEWED,
                 id="plural-forms-without-msgid_plural"),  # hand-made (msgfmt refuses it): its forms count
    pytest.param("", 'msgid "a"\nmsgstr ""\n"\\n"\n', State.REVIEWED, id="wrapped-escape"),
    pytest.param("", 'msgid "a"\nmsgstr ""\n""\n', State.NEW, id="wrapped-empty"),
    pytest.param('#~ #, fuzzy\n#~ msgid "gone"\n#~ msgstr "x"\n\n', AB, State.REVIEWED,
                 id="obsolete-fuzzy-before"),
    # an engine's line sealed with the digest of the target it wrote: "b" is 3e23e816
    pytest.param("# workflow: mt argos 1.9 · confidence 52 · draft 3e23e816\n#, fuzzy\n", AB, State.MACHINE,
                 id="fuzzy-mt-as-written"),
    pytest.param("# workflow: mt argos 1.9 · confidence 52 · draft 2d711642\n#, fuzzy\n", AB,
                 State.NEEDS_WORK, id="fuzzy-mt-edited-by-hand"),
    pytest.param("# workflow: pseudo · draft 2d711642\n#, fuzzy\n#| msgid \"old a\"\n", AB, State.CHANGED,
                 id="edited-by-hand-source-changed"),
    pytest.param("# workflow: mt argos 1.9 · approved\n#, fuzzy\n", AB, State.NEEDS_WORK,
                 id="approved-then-marked-fuzzy"),
    pytest.param("# workflow: mt argos 1.9 · approved\n", AB, State.REVIEWED, id="approved"),
]


@pytest.mark.parametrize(("comments", "entry", "state"), CASES)
def test_both_readers_give_the_recorded_state(comments: str, entry: str, state: State) -> None:
    text = HEADER + comments + entry
    briefs = scan_text(text)
    assert briefs is not None and [b.state for b in briefs] == [state]
    live = [e for e in polib.pofile(text) if not e.obsolete]
    assert [entry_state(e) for e in live] == [state]
