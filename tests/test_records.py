"""Records (workflow/records.py) answer as the dataclasses they stand for.

`@frozen` and `@mutable` share one repr, one equality and one hash between all classes instead
of dataclass's compiled per class: each answer is compared with dataclass's own, for twin classes
with every kind of field (shown or not, compared or not, hashed or not, defaults), and for the
records of the product itself.
"""

from __future__ import annotations

import dataclasses
import importlib
import pickle
import pkgutil
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import workflow
from workflow import records
from workflow.records import frozen, mutable


def twins(kind: str) -> tuple[type, type]:
    """The same class twice: as a record and as the dataclass it stands for."""

    def body() -> dict[str, Any]:
        return {"__annotations__": {"a": "int", "b": "str", "hidden": "int", "uncompared": "int",
                                    "unhashed": "int", "c": "tuple[int, ...]"},
                "hidden": dataclasses.field(default=0, repr=False),
                "uncompared": dataclasses.field(default=0, compare=False),
                "unhashed": dataclasses.field(default=0, hash=False),
                "c": (), "__module__": __name__, "__qualname__": "Item"}

    ours = (frozen if kind == "frozen" else mutable)(type("Item", (), body()))
    theirs = dataclasses.dataclass(frozen=kind == "frozen", slots=True)(type("Item", (), body()))
    return ours, theirs


values = st.tuples(st.integers(-2, 2), st.sampled_from(["", "x", "é"]), st.integers(0, 1), st.integers(0, 1),
                   st.integers(0, 1), st.sampled_from([(), (1,), (1, 2)]))


@pytest.mark.parametrize("kind", ["frozen", "mutable"])
@given(values, values)
def test_repr_equality_and_hash_are_dataclasss(kind: str, first: tuple[Any, ...],
                                                second: tuple[Any, ...]) -> None:
    ours, theirs = twins(kind)
    assert repr(ours(*first)) == repr(theirs(*first))
    assert (ours(*first) == ours(*second)) == (theirs(*first) == theirs(*second))
    assert (ours(*first) != ours(*second)) == (theirs(*first) != theirs(*second))
    if kind == "frozen":
        assert hash(ours(*first)) == hash(theirs(*first))
    else:
        with pytest.raises(TypeError):
            hash(ours(*first))


def test_a_record_equals_no_other_class() -> None:
    ours, theirs = twins("frozen")
    assert ours(1, "x") != theirs(1, "x")
    assert ours(1, "x") != (1, "x", 0, 0, 0, ())
    assert ours(1, "x") == ours(1, "x", uncompared=5)


def test_a_frozen_record_refuses_changes_and_keeps_the_rest_of_dataclass() -> None:
    ours, theirs = twins("frozen")
    item = ours(1, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.a = 2  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del item.b  # type: ignore[attr-defined]
    for each in (item, theirs(1, "x")):  # no other attribute (dataclass's own fails with a TypeError on 3.11)
        with pytest.raises((AttributeError, TypeError)):
            each.other = 2  # type: ignore[attr-defined]
    assert dataclasses.replace(item, a=2) == ours(2, "x")
    assert [f.name for f in dataclasses.fields(item)] == ["a", "b", "hidden", "uncompared", "unhashed", "c"]
    assert item.__match_args__ == ("a", "b", "hidden", "uncompared", "unhashed", "c")  # type: ignore[attr-defined]


def _outcome(action: Any) -> tuple[str, str]:
    try:
        action()
    except Exception as exc:  # noqa: BLE001  (what each kind of class raises is the point)
        return type(exc).__name__, str(exc).replace("theirs", "ours")
    return "", ""


@pytest.mark.parametrize("name", ["a", "c", "other", "__class__"])
def test_a_frozen_record_refuses_what_dataclasss_refuses_with_its_words(name: str) -> None:
    """A frozen record's `__setattr__` and `__delattr__` are closures (records._frozen_methods), not
    dataclass's compiled functions: every assignment and deletion ends as with dataclass's own."""
    ours, theirs = twins("frozen")
    if records._SHARE_FROZEN_METHODS:
        assert ours.__setattr__.__code__ is not theirs.__setattr__.__code__
        assert ours.__setattr__.__code__.co_name == "__setattr__"
        assert ours.__setattr__.__qualname__ == theirs.__setattr__.__qualname__ == "Item.__setattr__"
    for item, twin in ((ours(1, "x"), theirs(1, "x")), (ours(2, "é", 1), theirs(2, "é", 1))):
        assert _outcome(lambda: setattr(item, name, 3)) == _outcome(lambda: setattr(twin, name, 3))
        assert _outcome(lambda: delattr(item, name)) == _outcome(lambda: delattr(twin, name))
        assert item == ours(*dataclasses.astuple(twin))
    made = frozen(type("Bare", (), {"__module__": __name__, "__qualname__": "Bare"}))()
    stock = dataclasses.dataclass(frozen=True, slots=True)(type("Bare", (), {"__module__": __name__}))()
    assert _outcome(lambda: setattr(made, name, 1)) == _outcome(lambda: setattr(stock, name, 1))
    assert dataclasses._frozen_get_del_attr is records._STOCK_FROZEN_METHODS  # put back


def test_making_a_record_puts_back_whatever_made_dataclasss_methods_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another library's own replacement of dataclass's maker is left in place (and where dataclass has
    none, Python 3.13 on, none is added)."""
    theirs = records._STOCK_FROZEN_METHODS
    if theirs is None:
        twins("frozen")
        assert not hasattr(dataclasses, "_frozen_get_del_attr")
        return

    def replacement(*args: Any) -> Any:
        return theirs(*args)

    monkeypatch.setattr(dataclasses, "_frozen_get_del_attr", replacement)
    ours, stock = twins("frozen")
    assert dataclasses._frozen_get_del_attr is replacement
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours(1, "x").a = 2  # type: ignore[attr-defined]


def test_a_record_pickles() -> None:
    from workflow.model import Placeholder, StageReport

    placeholder = Placeholder(1, "<b>", "</b>", "b")
    assert pickle.loads(pickle.dumps(placeholder)) == placeholder
    report = StageReport(articles=2, units=5)
    assert pickle.loads(pickle.dumps(report)) == report


def test_a_record_that_holds_itself_shows_dots() -> None:
    ours, theirs = twins("mutable")
    item, twin = ours(1, "x"), theirs(1, "x")
    item.c = (item,)  # type: ignore[attr-defined]
    twin.c = (twin,)  # type: ignore[attr-defined]
    assert repr(item) == repr(twin) == "Item(a=1, b='x', uncompared=0, unhashed=0, c=(...,))"


def product_records() -> list[type]:
    found = []
    for module in pkgutil.walk_packages(workflow.__path__, "workflow."):
        if module.name == "workflow.__main__":  # runs the command
            continue
        try:
            loaded = importlib.import_module(module.name)
        except ImportError:  # an optional stack (the cluster, Argos) that is not installed
            continue
        found += [value for value in vars(loaded).values()
                  if isinstance(value, type) and value.__module__ == loaded.__name__
                  and getattr(value, "__record_shown__", None) is not None]
    return found


def test_the_products_records_show_compare_and_hash_their_fields() -> None:
    """Every record of the product: its repr lists the fields dataclass's would, and the shared methods
    read the fields its own dataclass would compare and hash."""
    records = product_records()
    assert len(records) > 50
    for cls in records:
        fields = dataclasses.fields(cls)
        assert cls.__record_shown__ == tuple(f.name for f in fields if f.repr), cls
        assert cls.__eq__ is frozen.__globals__["_eq"], cls
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert (cls.__hash__ is None) == (not params.frozen), cls
