"""A tool call's JSON arguments into a function's keyword arguments, and its result into text.

Rule 1 - JSON types are checked, never coerced, as in ``_converter`` (rule 4 there): a
``str`` parameter takes a JSON string, an ``int`` an integer (or an integral float), a
``float`` any number, a ``bool`` a boolean, a list or tuple an array, a ``dict`` or a class
an object, an ``Enum`` or ``Literal`` one of its values with its JSON type. cattrs' defaults
would call ``bool("false")``, which is ``True``, or turn a string into a list of characters.
A union takes the first member the value converts to, in the order written.

Rule 2 - every problem is named. ``Binder.bind`` reports, all at once, each unexpected
argument, each missing required one and each value that does not convert, with the JSON
path inside it (``invalid argument 'box': expected an integer, got a string @
box.corner.x``). Unknown keys inside an object are refused too: the model is told, rather
than its value dropped in silence. No value is quoted (arguments may hold user text).

Rule 3 - null means the default. Strict mode makes a parameter (or field) with a default
nullable and still required, so a null for it leaves the default in place. When the type
itself accepts ``None`` (``X | None``, ``Any``), null is ``None``: the model can still send
the default value itself, while ``None`` would otherwise be out of its reach.

Rule 4 - a result is submitted as text: a ``str`` as it is, anything else as JSON (attrs
classes, dataclasses and enums through ``unstructure``; ``None`` is ``null``; dict keys
that are not strings are written as strings, as ``json.dumps`` does).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, NotRequired, Required, Union

import attrs
import cattrs
import orjson
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from ._converter import WireTypeError, format_problem
from ._signature import Field, accepts_none, object_fields, object_kind

__all__ = ["CONVERTER", "ArgumentError", "Binder", "Bound", "encode_result", "make_converter"]

StructureHook = Callable[[Any, Any], Any]


class ArgumentError(Exception):
    """The arguments do not fit the signature; the message says how (rule 2)."""


class _Mismatch(ValueError):
    """A value of the right JSON type that still does not fit; the message says why."""


# -- JSON scalars and choices (rule 1) -----------------------------------------------------


def _integral(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise WireTypeError("an integer", value)


#: What each scalar annotation takes: how it is named, and the JSON types it accepts, each
#: with its conversion.
_SCALARS: Final[Mapping[type, tuple[str, Mapping[type, Callable[[Any], Any]]]]] = {
    str: ("a string", {str: str}),
    int: ("an integer", {int: int, float: _integral}),
    float: ("a number", {float: float, int: float}),
    bool: ("a boolean", {bool: bool}),
    type(None): ("null", {type(None): lambda value: None}),
}


def _choose(value: Any, choices: tuple[Any, ...], results: tuple[Any, ...]) -> Any:
    for choice, result in zip(choices, results, strict=True):
        if type(value) is type(choice) and value == choice:
            return result
    listed = ", ".join(orjson.dumps(choice).decode() for choice in choices)
    raise _Mismatch(f"expected one of {listed}")


def _scalar_or_enum(value: Any, type_: Any) -> Any:
    """The hook of ``str``, ``int``, ``float``, ``bool`` and ``Enum``, and their subclasses.

    cattrs dispatches classes by their MRO, so an ``IntEnum`` or ``StrEnum`` reaches the
    ``int`` or ``str`` hook: enums are told apart here.
    """
    if issubclass(type_, enum.Enum):
        members = tuple(type_)
        return _choose(value, tuple(member.value for member in members), members)
    expected, accepted = _SCALARS[type_]
    convert = accepted.get(type(value))
    if convert is None:
        raise WireTypeError(expected, value)
    return convert(value)


def _literal_hook(converter: cattrs.Converter, type_: Any) -> StructureHook:
    choices = typing.get_args(type_)
    return lambda value, _: _choose(value, choices, choices)


# -- containers and unions -----------------------------------------------------------------


def _items(
    converter: cattrs.Converter, entries: list[tuple[Any, Any, Any]], kind: Any
) -> list[Any]:
    """Structure each ``(index or key, type, value)``; every failure is reported with its place."""
    items, errors = [], []
    for place, item_type, item in entries:
        try:
            items.append(converter.get_structure_hook(item_type)(item, item_type))
        except Exception as exc:
            note = IterableValidationNote(f"Structuring @ {place!r}", place, item_type)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            errors.append(exc)
    if errors:
        raise IterableValidationError(f"While structuring {kind!r}", errors, kind)
    return items


def _array(converter: cattrs.Converter, type_: Any) -> StructureHook:
    args = typing.get_args(type_)
    item_type = args[0] if args else Any
    is_tuple = (typing.get_origin(type_) or type_) is tuple
    fixed = list(args) if is_tuple and args and args[-1] is not Ellipsis else None
    build = tuple if is_tuple else list

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not list:
            raise WireTypeError("an array", value)
        if fixed is not None and len(value) != len(fixed):
            raise _Mismatch(f"expected an array of {len(fixed)} items, got {len(value)}")
        item_types = fixed or [item_type] * len(value)
        entries = [(i, t, v) for i, (t, v) in enumerate(zip(item_types, value, strict=True))]
        return build(_items(converter, entries, type_))

    return structure


def _mapping(converter: cattrs.Converter, type_: Any) -> StructureHook:
    args = typing.get_args(type_)
    value_type = args[1] if args else Any

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise WireTypeError("an object", value)
        entries = [(key, value_type, item) for key, item in value.items()]
        return dict(zip(value, _items(converter, entries, type_), strict=True))

    return structure


def _union_hook(converter: cattrs.Converter, type_: Any) -> StructureHook:
    members = [m for m in typing.get_args(type_) if m is not type(None)]
    nullable = len(members) < len(typing.get_args(type_))
    if len(members) == 1:  # X | None: X's own errors, with their paths, are the best report
        only = converter.get_structure_hook(members[0])
        return lambda value, _: None if value is None and nullable else only(value, members[0])
    hooks = [(member, converter.get_structure_hook(member)) for member in members]
    expected = " | ".join(_name(member) for member in typing.get_args(type_))

    def structure(value: Any, _: Any) -> Any:
        if value is None and nullable:
            return None
        for member, hook in hooks:
            try:
                return hook(value, member)
            except Exception:  # the next member may fit; all of them failing is reported
                continue
        raise WireTypeError(f"a value of type {expected}", value)

    return structure


# -- objects and signatures (rules 2 and 3) -----------------------------------------------


@attrs.frozen
class Bound:
    """What ``Binder.convert`` made of an object: the values, and what did not fit.

    Attributes:
        values: name -> converted value, for every field given (a null meaning the default
            is left out, rule 3).
        unexpected: the keys that name no field.
        missing: the fields without a default that were not given.
        failures: each field whose value did not convert, with the error.
    """

    values: dict[str, Any]
    unexpected: tuple[str, ...]
    missing: tuple[str, ...]
    failures: tuple[tuple[Field, Exception], ...]


@attrs.frozen
class Binder:
    """How a JSON object becomes the values of some fields: a function's, or a class's.

    The same ``Field`` values (from ``_signature``) drive the schema, so both agree on the
    names, the defaults and what null means.

    Attributes:
        fields: the parameters or fields, in order.
        hooks: each field's structure hook, resolved once, when the binder is made.
        defaulted: the fields for which null means "use the default" (rule 3).
    """

    fields: tuple[Field, ...]
    hooks: Mapping[str, StructureHook]
    defaulted: frozenset[str]

    @classmethod
    def of(cls, fields: tuple[Field, ...], converter: cattrs.Converter | None = None) -> Binder:
        """The binder of these fields (a recursive type must have been refused already)."""
        resolve = (converter or CONVERTER).get_structure_hook
        hooks = {field.name: resolve(field.annotation) for field in fields}
        defaulted = {f.name for f in fields if f.has_default and not accepts_none(f.annotation)}
        return cls(fields, hooks, frozenset(defaulted))

    def convert(self, value: Mapping[str, Any]) -> Bound:
        """Convert every given field; collect what does not fit instead of raising."""
        values: dict[str, Any] = {}
        failures: list[tuple[Field, Exception]] = []
        for field in self.fields:
            item = value.get(field.name)
            if field.name not in value or (item is None and field.name in self.defaulted):
                continue
            try:
                values[field.name] = self.hooks[field.name](item, field.annotation)
            except Exception as exc:
                failures.append((field, exc))
        return Bound(
            values,
            tuple(key for key in value if key not in self.hooks),
            tuple(f.name for f in self.fields if not f.has_default and f.name not in value),
            tuple(failures),
        )

    def bind(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments to call the function with (rule 2).

        Raises:
            ArgumentError: listing every problem; its ``__cause__`` is the first
                conversion error, if any.
        """
        bound = self.convert(arguments)
        names = ", ".join(f.name for f in self.fields) or "none"
        problems = [
            f"unexpected argument {k!r} (the parameters are: {names})" for k in bound.unexpected
        ]
        problems += [f"missing required argument {name!r}" for name in bound.missing]
        for field, exc in bound.failures:
            found = "; ".join(cattrs.transform_error(exc, field.name, _describe))
            problems.append(f"invalid argument {field.name!r}: {found}")
        if problems:
            cause = bound.failures[0][1] if bound.failures else None
            raise ArgumentError("; ".join(problems)) from cause
        return bound.values


def _attrs_constructor(type_: Any) -> Callable[[dict[str, Any]], Any]:
    aliases = {a.name: a.alias for a in attrs.fields(type_)}  # __init__ takes the alias
    return lambda values: type_(**{aliases[name]: value for name, value in values.items()})


#: How to build each kind of object from its converted fields, by ``_signature`` kind.
_CONSTRUCTORS: Final[tuple[tuple[Callable[[Any], bool], Callable[[Any], Any]], ...]] = (
    (typing.is_typeddict, lambda type_: dict),
    (attrs.has, _attrs_constructor),
    (dataclasses.is_dataclass, lambda type_: lambda values: type_(**values)),
)


def _object_hook(converter: cattrs.Converter, type_: Any) -> StructureHook:
    binder = Binder.of(object_fields(type_) or (), converter)
    build = next(make(type_) for is_kind, make in _CONSTRUCTORS if is_kind(type_))
    name = getattr(type_, "__qualname__", repr(type_))

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise WireTypeError("an object", value)
        bound = binder.convert(value)
        errors: list[Exception] = []
        if bound.unexpected:
            errors.append(ForbiddenExtraKeysError(None, type_, set(bound.unexpected)))
        errors += [_noted(KeyError(key), key, None, name) for key in bound.missing]
        errors += [_noted(exc, f.name, f.annotation, name) for f, exc in bound.failures]
        if errors:
            raise ClassValidationError(f"While structuring {name}", errors, type_)
        try:
            return build(bound.values)
        except Exception as exc:  # a validator of the class refused the values
            raise _Mismatch(f"{name} refused the values: {type(exc).__name__}: {exc}") from exc

    return structure


def _noted(exc: Exception, field: str, type_: Any, owner: str) -> Exception:
    note = AttributeValidationNote(f"Structuring {owner} @ attribute {field}", field, type_)
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
    return exc


def _unwrapped_hook(converter: cattrs.Converter, type_: Any) -> StructureHook:
    inner = typing.get_args(type_)[0]
    hook = converter.get_structure_hook(inner)
    return lambda value, _: hook(value, inner)


HookFactory = Callable[[cattrs.Converter, Any], StructureHook]

#: The hook factory of each generic origin (also the bare ``list``, ``tuple``, ``dict``).
_BY_ORIGIN: Final[Mapping[Any, HookFactory]] = {
    Literal: _literal_hook,
    Required: _unwrapped_hook,
    NotRequired: _unwrapped_hook,
    Union: _union_hook,
    types.UnionType: _union_hook,
    list: _array,
    collections.abc.Sequence: _array,
    tuple: _array,
    dict: _mapping,
    collections.abc.Mapping: _mapping,
}


def _origin(type_: Any) -> Any:
    origin = typing.get_origin(type_) or type_
    return origin if isinstance(origin, collections.abc.Hashable) else None


def make_converter() -> cattrs.Converter:
    """A converter for tool arguments and results (rules 1 to 4), separate from the wire's."""
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    for scalar in (*_SCALARS, enum.Enum):
        converter.register_structure_hook(scalar, _scalar_or_enum)
    converter.register_structure_hook_factory(
        lambda t: _origin(t) in _BY_ORIGIN, lambda t: _BY_ORIGIN[_origin(t)](converter, t)
    )
    converter.register_structure_hook_factory(
        lambda t: object_kind(t) is not None, lambda t: _object_hook(converter, t)
    )
    return converter


#: Converts every registry's arguments and results.
CONVERTER: Final = make_converter()


# -- binding -------------------------------------------------------------------------------


def _describe(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, _Mismatch):
        return str(exc)
    return format_problem(exc, type_)


def _name(type_: Any) -> str:
    return type_.__name__ if isinstance(type_, type) else repr(type_).replace("typing.", "")


def encode_result(value: Any, converter: cattrs.Converter = CONVERTER) -> str:
    """The output text of a function's return value (rule 4).

    Raises:
        TypeError: the value (or something in it) has no JSON form.
    """
    if isinstance(value, str):
        return value
    return orjson.dumps(converter.unstructure(value), option=orjson.OPT_NON_STR_KEYS).decode()
