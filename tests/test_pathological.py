"""Every function that scans source or translation text completes on 1 MB of hostile text.

Issue 9.7: a 40 KB run of `1,1,1` made `check` use 1.6 GB, 200,000 `a.` never finished.
Each scanner of tests/pathological.py (the QA checks, number extraction, glossary
matching, placeholder protection and restoration, segmentation and unit keys, the
text, HTML and bulletin-XML readers) is fed each pathological input at 1 MB. No timing
is asserted: a guard (SIGALRM) only turns a hang (a quadratic scan takes hours at this
size) into a failure that names the scanner and the input. bench/bench_pathological.py
measures the times.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest
from pathological import INPUTS, SCANNERS

SIZE = 1_000_000
GUARD_SECONDS = 300  # a linear scan of 1 MB takes seconds even on a loaded machine


class Hung(Exception):
    pass


@pytest.fixture()
def guard() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung()

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {name: make(SIZE) for name, make in INPUTS.items()}


@pytest.mark.slow
@pytest.mark.parametrize("scanner", list(SCANNERS))
def test_scanner_completes_on_a_megabyte_of_each_input(
    scanner: str, texts: dict[str, str], guard: None
) -> None:
    function = SCANNERS[scanner]
    for name, text in texts.items():
        assert len(text) >= SIZE
        signal.alarm(GUARD_SECONDS)
        try:
            function(text)
        except Hung:
            pytest.fail(f"{scanner} did not finish on 1 MB of {name!r} within {GUARD_SECONDS} s")
        finally:
            signal.alarm(0)


def test_inputs_have_the_size_asked_and_their_shape() -> None:
    for name, make in INPUTS.items():
        text = make(1000)
        assert 1000 <= len(text) <= 1010, name
    assert INPUTS["commas"](8) == "1,1,1,1,"
    assert INPUTS["a-dot"](6) == "a.a.a."
    assert INPUTS["placeholders"](8) == "<1<1<1<1"
