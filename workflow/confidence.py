"""How sure a machine suggestion is: a 0-100 confidence, written into and read from its provenance.

Every engine gives a base: the memory its match score, Apertium the share of the
words it knew, Argos the geometric mean of its tokens' probabilities (from
CTranslate2's own scores). Pretranslate then lowers it for what had to be fixed
afterwards: an approved glossary term written over the engine's words, placeholders
repaired, or laid out safely. The result goes into the unit's `# workflow:` comment,
`mt argos translate-en_zh 1.9 · confidence 62; …`, where status, check and the review
page read it back, and unknown words as `; unknown words: foo, bar`.
"""

from __future__ import annotations

import math

from .patterns import lazy_compile

MARK = " · confidence "
UNKNOWN = "unknown words: "
REPAIRED_PENALTY = 10  # placeholders moved back into place
FALLBACK_PENALTY = 25  # placeholders laid out safely (the engine lost them)
TERM_PENALTY = 5  # each approved term written over what the engine said
BANDS = (("low", 0), ("medium", 50), ("high", 80))  # a band starts at its number
_CONFIDENCE = lazy_compile(r" · confidence (\d{1,3})\b")
_UNKNOWN = lazy_compile(r"(?:^|; )unknown words: ([^;]*)")


def adjusted(base: int, *, repaired: bool = False, fallback: bool = False, terms: int = 0) -> int:
    """The engine's confidence less what pretranslate had to fix, within 0-100."""
    value = base - TERM_PENALTY * terms
    value -= FALLBACK_PENALTY if fallback else REPAIRED_PENALTY if repaired else 0
    return max(0, min(100, value))


SHARPNESS = 2.0  # calibrated on the test model: right outputs about 80-99, wrong ones below 70


def from_log_probability(mean: float) -> int:
    """A mean log-probability per token -> 0-100: 100 · exp(SHARPNESS · mean), the geometric mean of
    the tokens' probabilities, squared to spread the top of the scale where a model's outputs crowd."""
    return max(0, min(100, round(100 * math.exp(SHARPNESS * min(0.0, mean)))))


def known_share(words: int, unknown: int) -> int:
    """The share of words an engine knew, in percent (100 for a text with no word)."""
    return 100 if words <= 0 else max(0, min(100, round(100 * (words - unknown) / words)))


def with_confidence(provenance: str, confidence: int) -> str:
    """`mt apertium eng-spa` -> `mt apertium eng-spa · confidence 87`."""
    return f"{provenance}{MARK}{confidence}"


def confidence_of(provenance: str) -> int | None:
    """The confidence a provenance comment records (None: none recorded)."""
    match = _CONFIDENCE.search(provenance)
    return min(100, int(match.group(1))) if match else None


def unknown_words_note(words: tuple[str, ...]) -> str:
    return UNKNOWN + ", ".join(words)


def unknown_words_of(provenance: str) -> tuple[str, ...]:
    """The words the engine did not know, as the provenance lists them."""
    match = _UNKNOWN.search(provenance)
    if not match:
        return ()
    return tuple(word for word in (w.strip() for w in match.group(1).split(",")) if word)


def band(confidence: int) -> str:
    """`low` (below 50), `medium` (50-79) or `high` (80 and more)."""
    name = BANDS[0][0]
    for label, start in BANDS:
        if confidence >= start:
            name = label
    return name
