"""lazy_compile (workflow/patterns.py): a pattern compiled on first use answers as re.compile's."""

from __future__ import annotations

import re

import pytest

from workflow import potext, store
from workflow.patterns import lazy_compile


def test_a_lazy_pattern_compiles_on_first_use_and_answers_as_a_compiled_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[object] = []
    compile_ = re.compile
    monkeypatch.setattr(re, "compile", lambda *args: compiled.append(args) or compile_(*args))
    lazy = lazy_compile(r"(?P<word>[a-z]+)(\d)?", re.I)
    assert compiled == []
    stock = compile_(r"(?P<word>[a-z]+)(\d)?", re.I)
    text = "Abc1 de f2"
    assert lazy.search(text)[0] == stock.search(text)[0]  # type: ignore[index]
    assert compiled == [(r"(?P<word>[a-z]+)(\d)?", re.I)]
    assert lazy.findall(text) == stock.findall(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in stock.finditer(text)]
    assert lazy.sub("-", text) == stock.sub("-", text) and lazy.split(text) == stock.split(text)
    assert lazy.match("x") is not None and lazy.fullmatch("x9") is not None
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (
        stock.pattern, stock.flags, stock.groups, stock.groupindex)
    assert len(compiled) == 1  # once
    assert lazy_compile(rb"a+").match(b"aa")[0] == b"aa"  # type: ignore[index]


def test_a_wrong_pattern_fails_when_used_and_a_missing_attribute_is_missing() -> None:
    wrong = lazy_compile("(")
    with pytest.raises(re.error):
        wrong.search("x")
    with pytest.raises(AttributeError):
        lazy_compile("a").no_such_method  # type: ignore[attr-defined]  # noqa: B018


def test_the_catalog_patterns_wait_until_a_catalog_is_read() -> None:
    """A command that reads no catalog (a first extract) does not compile the catalog reader's patterns."""
    fresh = lazy_compile(potext._PO_ENTRY.pattern)  # (its own copy: the module's may be in use already)
    assert "search" not in vars(fresh)
    assert type(potext._PO_ENTRY) is type(fresh) is type(store._CREATION)
    fresh.finditer("")
    assert "search" in vars(fresh)
