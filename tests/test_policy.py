"""The publishing policy decided in one place (workflow/policy.py): its figures, the title and
first paragraph of `lead`, and the usage mistakes it refuses, stated outright.

Written against the mutants the rest of the suite let live (docs/mutation.md); the policies'
boundaries seen through `workflow publish` are in test_boundaries.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from extracting import make_workspace

from workflow.errors import PublishError, UsageError
from workflow.extract import READERS
from workflow.model import Article, State
from workflow.policy import Policy, evaluate, lead_keys, policy_from_options
from workflow.settings import Settings

TEXT = "Title\n\nAlpha beta.\n"  # three words: the title's one and the sentence's two


def article(text: str, suffix: str = ".txt") -> Article:
    return READERS[suffix](text.encode(), f"a{suffix}", "sentence")


def key(of: Article, text: str) -> str:
    (found,) = [s.key for s in of.segments() if s.text == text]
    return found


def test_the_share_reviewed_is_rounded_from_the_words() -> None:
    doc = article(TEXT)
    title_only = {key(doc, "Title"): ("Titre", State.REVIEWED),
                  key(doc, "Alpha beta."): ("a b", State.MACHINE)}
    assert evaluate(doc, title_only, Policy("complete"))[1] == 33  # 1 of 3 words
    sentence_only = {key(doc, "Title"): ("", State.NEW), key(doc, "Alpha beta."): ("a b", State.REVIEWED)}
    assert evaluate(doc, sentence_only, Policy("complete"))[1] == 67


def test_an_article_without_text_is_held_back_at_zero() -> None:
    empty = article("<html><body><p>2020</p></body></html>", ".html")
    assert evaluate(empty, {}, Policy("threshold", 0)) == ("the article has no text to translate", 0)


def test_a_share_just_below_the_threshold_is_shown_rounded_down() -> None:
    doc = article(TEXT)
    targets = {key(doc, "Title"): ("", State.NEW), key(doc, "Alpha beta."): ("a b", State.REVIEWED)}
    # 66.67 % rounds to the threshold of 67 %: shown with one decimal, rounded down, never "66.7" or "67"
    assert evaluate(doc, targets, Policy("threshold", 67)) == (
        "66.6% of words reviewed, below the threshold of 67%", 67)
    assert evaluate(doc, targets, Policy("threshold", 70))[0] == (
        "67% of words reviewed, below the threshold of 70%")
    assert evaluate(doc, targets, Policy("threshold", 66)) == ("", 67)


def test_an_unknown_policy_name_is_an_error_with_the_choices() -> None:
    doc = article(TEXT)
    targets = {key(doc, "Title"): ("T", State.REVIEWED)}
    with pytest.raises(PublishError) as raised:
        evaluate(doc, targets, Policy("everything"))
    assert raised.value.hint == "use one of complete, threshold, lead"


LEAD = ("<html><head><meta name='description' content='A summary of it.'></head><body>"
        "<img alt='A picture of it.'><h1>Head one</h1><h2>Head two</h2><div>Loose text in a div.</div>"
        "<p class=x>First para.</p><p>Second para.</p></body></html>")


def test_lead_is_the_first_heading_and_the_first_paragraph_element() -> None:
    doc = article(LEAD, ".html")
    assert lead_keys(doc) == ([key(doc, "Head one")], [key(doc, "First para.")])
    titled = article("<title>The title.</title>" + LEAD, ".html")
    assert lead_keys(titled) == ([key(titled, "The title.")], [key(titled, "First para.")])
    loose = article("<html><body><h1>Head one</h1><div>Loose text in a div.</div></body></html>", ".html")
    assert lead_keys(loose) == ([key(loose, "Head one")], [key(loose, "Loose text in a div.")])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_workspace(tmp_path, {"a.txt": TEXT}, languages="zh")


def test_options_make_the_policy(settings: Settings) -> None:
    assert policy_from_options(settings, None, None, False) == Policy("complete", 100, False)
    assert policy_from_options(settings, None, None, True) == Policy("complete", 100, True)
    assert policy_from_options(settings, None, 80, False) == Policy("threshold", 80, False)
    assert policy_from_options(settings, "lead", None, True) == Policy("lead", 100, True)
    assert policy_from_options(settings, None, 100, False) == Policy("threshold", 100, False)
    assert policy_from_options(settings, None, 0, False) == Policy("threshold", 0, False)
    assert Policy.from_settings(settings, draft=True).draft


@pytest.mark.parametrize(("policy", "threshold", "message", "hint"), [
    ("all", None, "unknown publishing policy 'all'", "use one of complete, threshold, lead"),
    (None, 101, "the threshold must be a percentage from 0 to 100, not 101", None),
    (None, -1, "the threshold must be a percentage from 0 to 100, not -1", None),
    ("lead", 50, "--threshold goes with --policy threshold, not --policy lead",
     "leave out --policy, or use --policy threshold"),
])
def test_option_mistakes_are_usage_errors_with_a_hint(settings: Settings, policy: str | None,
                                                      threshold: int | None, message: str,
                                                      hint: str | None) -> None:
    with pytest.raises(UsageError) as raised:
        policy_from_options(settings, policy, threshold, False)
    assert (raised.value.message, raised.value.hint) == (message, hint)
