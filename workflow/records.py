"""Records: the dataclasses that carry data between stages and modules.

`@frozen` is `@dataclasses.dataclass(frozen=True, slots=True)` and `@mutable` is
`@dataclasses.dataclass(slots=True)` (the names are attrs'), but their `__repr__`, `__eq__` and
`__hash__` are the same three functions for every class, written here once. They give
dataclass's own answers: the class's name and its fields in order; equal when of the same class
with equal compared fields; the hash of those fields (each field's `repr`, `compare` and `hash`
say which); a mutable record has no hash.

On Python 3.11 dataclass writes the methods of each class as source text and compiles it when
its module is imported: six functions for a frozen class. Extract imports some thirty classes,
and compiling their methods took about a tenth of the instructions of a run on four real pages
(issue 10). A record compiles only what differs from class to class: its `__init__`. A frozen
record's `__setattr__` and `__delattr__`, which refuse changes, are closures over the class and
its field names (`_frozen_methods`), made without compiling anything, and given to dataclass in
place of its own while the record is made (where dataclass builds them otherwise, Python 3.13 on,
it builds its own). tests/test_records.py compares the shared methods with dataclass's own.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform  # typing's from Python 3.11
else:
    def dataclass_transform(**_options: Any) -> Callable[[Any], Any]:  # for type checkers only
        return lambda decorator: decorator

_Class = TypeVar("_Class", bound=type)


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving the values of the attributes `names` of an object, as a tuple."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        name = names[0]
        return lambda item: (getattr(item, name),)
    return lambda item: ()


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    values = zip(self.__record_shown__, self.__record_shown_values__(self))
    return f"{type(self).__qualname__}({', '.join(f'{name}={value!r}' for name, value in values)})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        compared = self.__record_compared__
        return compared(self) == compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_hashed__(self))


def _share_methods(cls: Any, frozen: bool) -> None:
    """Give a dataclass (made without repr and eq) the shared methods, and what they read."""
    fields = dataclasses.fields(cls)
    shown = [field.name for field in fields if field.repr]
    compared = [field.name for field in fields if field.compare]
    # hashed as dataclass's: the fields compared, unless a field says otherwise
    hashed = [field.name for field in fields if (field.compare if field.hash is None else field.hash)]
    cls.__record_shown__ = tuple(shown)
    cls.__record_shown_values__ = staticmethod(_values(shown))
    cls.__record_compared__ = staticmethod(_values(compared))
    cls.__record_hashed__ = staticmethod(_values(hashed))
    cls.__repr__ = _repr
    cls.__eq__ = _eq
    # a record that is not frozen has no hash, as a dataclass with eq that is not frozen
    cls.__hash__ = _hash if frozen else None


def _frozen_methods(cls: Any, fields: list[dataclasses.Field[Any]],
                    _globals: object = None) -> tuple[Callable[..., None], Callable[..., None]]:
    """dataclass's `__setattr__` and `__delattr__` for a frozen class (its `_frozen_get_del_attr`, Python
    3.10 to 3.12), as closures: each refuses to change a field, or any attribute of the class itself."""
    names = frozenset(field.name for field in fields)
    refused = dataclasses.FrozenInstanceError

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise refused(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise refused(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


# dataclass's own maker of the two methods, where it has the form _frozen_methods stands in for
_STOCK_FROZEN_METHODS = getattr(dataclasses, "_frozen_get_del_attr", None)
_SHARE_FROZEN_METHODS = (_STOCK_FROZEN_METHODS is not None
                         and _STOCK_FROZEN_METHODS.__code__.co_varnames[:3] == ("cls", "fields", "globals"))


def _record(cls: Any, frozen: bool) -> Any:
    make = dataclasses.dataclass(frozen=frozen, slots=True, repr=False, eq=False)
    if frozen and _SHARE_FROZEN_METHODS:
        before = dataclasses._frozen_get_del_attr  # type: ignore[attr-defined]
        dataclasses._frozen_get_del_attr = _frozen_methods  # type: ignore[attr-defined]
        try:
            made = make(cls)
        finally:
            dataclasses._frozen_get_del_attr = before  # type: ignore[attr-defined]
    else:
        made = make(cls)
    _share_methods(made, frozen)
    return made


@dataclass_transform(frozen_default=True)
def frozen(cls: _Class) -> _Class:
    """`@dataclass(frozen=True, slots=True)`, with the shared repr, equality and hash."""
    return _record(cls, frozen=True)  # type: ignore[no-any-return]


@dataclass_transform()
def mutable(cls: _Class) -> _Class:
    """`@dataclass(slots=True)`, with the shared repr and equality (and no hash)."""
    return _record(cls, frozen=False)  # type: ignore[no-any-return]
