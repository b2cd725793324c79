"""Publishing policy: whether an article may be published in a language, and why not.

Three policies, read from the settings or the command line:

- `complete`: every unit usable (reviewed; with drafts, translated in any state);
- `threshold` N: at least N % of the article's words usable (exactly N % publishes);
- `lead`: the title and the first paragraph usable.

An article with no usable unit is never published, whatever the policy. This module
decides only; assembling and rendering what is published is `assemble`, `bulletin`
and `render`, writing it is `publish`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from .errors import PublishError, UsageError
from .languages import words
from .model import Article, Block, BlockKind, State
from .records import frozen
from .settings import POLICIES, Settings, chosen_languages

# the states whose translation counts towards a policy (and is shown): reviewed ones, and with
# drafts every translated one (shown marked)
USABLE = frozenset({State.REVIEWED})
DRAFT_USABLE = frozenset({State.REVIEWED, State.MACHINE, State.NEEDS_WORK, State.CHANGED})


@frozen
class Policy:
    """When an article may be published in a language."""

    name: str = "complete"  # complete | threshold | lead
    threshold: int = 100  # percent of words reviewed, for `threshold`
    draft: bool = False  # machine translations count, and are shown marked

    @classmethod
    def from_settings(cls, settings: Settings, *, draft: bool = False) -> Policy:
        return cls(settings.publish_policy, settings.publish_threshold, draft)

    @property
    def usable(self) -> frozenset[State]:
        """The unit states that count towards this policy."""
        return DRAFT_USABLE if self.draft else USABLE

    def describe(self) -> str:
        what = {
            "complete": "every unit reviewed",
            "threshold": f"{self.threshold}% of words reviewed",
            "lead": "title and first paragraph reviewed",
        }[self.name]
        return what + (" (drafts: machine translations count, marked)" if self.draft else "")


PREVIEW_POLICY = Policy("threshold", 0, draft=True)  # every unit as it stands: machine output shown, marked

_STATE_WORDS = {
    State.NEW: "not translated",
    State.MACHINE: "machine-translated",
    State.NEEDS_WORK: "marked as needing work",
    State.CHANGED: "source changed",
}


def evaluate(article: Article, targets: Mapping[str, tuple[str, State]], policy: Policy) -> tuple[str, int]:
    """Why an article is held back under a policy ("" when it may be published), and % of words reviewed."""
    segments = article.segments()
    if not segments:
        return "the article has no text to translate", 0
    states = {s.key: targets.get(s.key, ("", State.NEW))[1] for s in segments}
    counts = {s.key: words(s.text) for s in segments}
    total = sum(counts.values()) or 1
    reviewed = round(100 * sum(n for key, n in counts.items() if states[key] is State.REVIEWED) / total)
    usable = policy.usable
    what = "translated" if policy.draft else "reviewed"
    if not any(state in usable for state in states.values()):
        return "nothing is translated" + ("" if policy.draft else " and reviewed"), reviewed
    if policy.name == "complete":
        # a unit with no entry at all (deleted in an editor, `msgattrib --translated`): not one to look
        # for among the empty msgstr
        absent = {key for key in states if key not in targets}
        missing = Counter(state for key, state in states.items() if state not in usable and key not in absent)
        if not missing and not absent:
            return "", reviewed
        ordered = sorted(missing.items(), key=lambda item: item[0].value)
        parts = [f"{n} {_STATE_WORDS[state]}" for state, n in ordered]
        if absent:
            parts.append(f"{len(absent)} missing from the catalog: run `workflow extract` to put "
                         f"{'it' if len(absent) == 1 else 'them'} back")
        count = sum(missing.values()) + len(absent)
        return f"{count} of {len(segments)} units not {what} ({', '.join(parts)})", reviewed
    if policy.name == "threshold":
        good = sum(n for key, n in counts.items() if states[key] in usable)
        if 100 * good >= policy.threshold * total:  # in whole numbers: exactly N % publishes
            return "", reviewed
        share = 100 * good / total
        # one decimal, rounded down, where a whole number would read as the threshold itself (29.6 %)
        shown = f"{share:.0f}" if round(share) < policy.threshold else f"{math.floor(share * 10) / 10:.1f}"
        return f"{shown}% of words {what}, below the threshold of {policy.threshold}%", reviewed
    if policy.name == "lead":
        titles, first = lead_keys(article)
        missing_keys = {k for k in (*titles, *first) if states.get(k, State.NEW) not in usable}
        if not missing_keys:
            return "", reviewed
        which = [w for w, ks in (("title", titles), ("first paragraph", first)) if missing_keys & set(ks)]
        verb = "is" if len(which) == 1 else "are"
        return f"the {' and the '.join(which)} {verb} not {what}", reviewed
    raise PublishError(f"unknown publishing policy {policy.name!r}", hint=f"use one of {', '.join(POLICIES)}")


def lead_keys(article: Article) -> tuple[list[str], list[str]]:
    """The units of the title, and of the first paragraph (for the `lead` policy)."""
    blocks = [b for b in article.blocks if not b.attribute and b.kind is not BlockKind.META]
    titles = [b for b in blocks if b.kind is BlockKind.TITLE] or [
        b for b in blocks if b.kind is BlockKind.HEADING
    ][:1]
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
    proper = [b for b in paragraphs if b.where.startswith(("<p>", "<p ", "paragraph"))]
    return _keys(titles), _keys((proper or paragraphs)[:1])


def _keys(blocks: Sequence[Block]) -> list[str]:
    return list(dict.fromkeys(piece.key for block in blocks for piece in block.pieces))


def policy_from_options(settings: Settings, policy: str | None, threshold: int | None, draft: bool) -> Policy:
    """The policy for one run: settings, then the command's options.

    `--threshold` alone means the threshold policy. Raises UsageError on an unknown
    policy, a threshold outside 0-100, or a threshold given with another policy.
    """
    base = Policy.from_settings(settings)  # its name and threshold: the draft option is this run's
    if policy is not None and policy not in POLICIES:
        raise UsageError(f"unknown publishing policy {policy!r}", hint=f"use one of {', '.join(POLICIES)}")
    if threshold is not None and not 0 <= threshold <= 100:
        raise UsageError(f"the threshold must be a percentage from 0 to 100, not {threshold}")
    if threshold is not None and policy not in (None, "threshold"):
        raise UsageError(
            f"--threshold goes with --policy threshold, not --policy {policy}",
            hint="leave out --policy, or use --policy threshold",
        )
    name = policy or ("threshold" if threshold is not None else base.name)
    return Policy(name, threshold if threshold is not None else base.threshold, draft)


def publishing_options(
    settings: Settings, langs: Sequence[str], policy: str | None, threshold: int | None, draft: bool
) -> tuple[tuple[str, ...], Policy]:
    """The languages and the policy of a `publish` or `run`: the one check of their usage.

    Raises UsageError (exit 2 on the command line) on a language that is not
    configured and on the option mistakes `policy_from_options` names.
    """
    chosen = chosen_languages(settings, langs)
    return chosen, policy_from_options(settings, policy, threshold, draft)
