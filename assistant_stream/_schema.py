"""JSON Schema for a function's parameters, read from its signature, type hints and docstring.

Rule 1 - the signature is the contract. Every parameter is named and annotated, and can be
passed by keyword; a missing annotation, ``*args``, ``**kwargs``, a positional-only
parameter or an annotation no schema can describe is a ``ConfigurationError`` naming the
function, the parameter and what to do. It is raised when the function is registered, so it
shows at import time, not when the model first calls the function.

Rule 2 - one builder per kind of annotation, picked from a table: ``_BY_ORIGIN`` for
``Annotated``, unions, ``Literal``, ``list``/``Sequence``, ``tuple``, ``dict``/``Mapping`` and
``Required``/``NotRequired``; ``_SCALARS`` for ``str``, ``int``, ``float``, ``bool`` and
``None``; ``_BY_KIND`` for ``Any``, ``Enum`` subclasses, attrs classes, dataclasses and
``TypedDict``. Classes are described inline (no ``$defs``), so a class that contains itself
is refused. ``Any`` is ``{}`` (any JSON value, passed on as decoded) when not strict.

Rule 3 - required means "no default": a parameter or an attrs/dataclass field without a
default, a ``TypedDict``'s required keys. Every object built from fields says
``additionalProperties: false``, strict or not, since the arguments refuse other keys.

Rule 4 - ``strict=True`` keeps to what OpenAI's Structured Outputs strict mode accepts (the
"Supported schemas" section of OpenAI's Structured Outputs guide): the types string, number,
boolean, integer, object, array, enum and anyOf (``null`` in a union); every object has
``additionalProperties: false`` and lists every property in ``required``, so a parameter or
field with a default is made nullable (a ``"type"`` list or an ``anyOf`` with null) and a
null argument means "use the default" (see ``_arguments``). The guide lists no
``prefixItems`` and demands ``additionalProperties: false``, so ``tuple[X, Y]`` and
``dict[str, T]`` are refused in strict mode, and so is ``Any``, which has no type.

Rule 5 - descriptions come from the docstring: the function's is its first paragraph, a
parameter's its entry in the Google-style ``Args:`` section, a field's its entry in the
class's ``Attributes:`` section. ``Annotated[T, "text"]`` wins over the docstring.

The fields and descriptions come from ``_signature``; no I/O here.
"""

from __future__ import annotations

import collections.abc
import enum
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Final, Literal, NotRequired, Required, Union

import attrs

from ._signature import (
    UNANNOTATED,
    Field,
    accepts_none,
    object_fields,
    object_kind,
    signature_fields,
)
from .errors import ConfigurationError

__all__ = ["Schema", "parameters_schema"]

#: A JSON Schema, as the dict sent in a function tool's ``parameters``.
Schema = dict[str, Any]
_Builder = Callable[[Any, tuple[Any, ...], "_Context"], Schema]

_NULL: Final[Schema] = {"type": "null"}


class _Unsupported(Exception):
    """An annotation a builder cannot describe; ``path`` grows as it leaves nested objects."""

    def __init__(self, reason: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path


@attrs.frozen
class _Context:
    strict: bool
    within: tuple[type, ...] = ()  # the classes being described, outermost first


# -- schemas -------------------------------------------------------------------------------


def parameters_schema(function: Callable[..., Any], *, strict: bool) -> Schema:
    """The JSON Schema of the arguments of ``function``, an object (rules 1 to 5).

    Args:
        function: a plain or async function; its hints are read with
            ``typing.get_type_hints(include_extras=True)``.
        strict: build a schema valid under Structured Outputs' strict mode (rule 4).

    Raises:
        ConfigurationError: a parameter that cannot be described, naming it and why.
    """
    name = getattr(function, "__qualname__", repr(function))
    try:
        return _object(function, signature_fields(function), _Context(strict))
    except _Unsupported as exc:
        where = f" (at {'.'.join(exc.path)})" if len(exc.path) > 1 else ""
        raise ConfigurationError(
            f"cannot describe parameter {exc.path[0]!r} of {name}(){where}: {exc.reason}"
        ) from None


def _describe(annotation: Any, context: _Context) -> Schema:
    origin = typing.get_origin(annotation) or annotation
    builder = _BY_ORIGIN.get(origin) if _hashable(origin) else None
    if builder is not None:
        return builder(annotation, typing.get_args(annotation), context)
    if _hashable(annotation) and annotation in _SCALARS:
        return {"type": _SCALARS[annotation]}
    for predicate, kind_builder in _BY_KIND:
        if predicate(annotation):
            return kind_builder(annotation, (), context)
    raise _Unsupported(
        f"{_name(annotation)} has no JSON Schema; use str, int, float, bool, None, a list, "
        "tuple, dict[str, ...], Literal, an Enum, a union of these, an attrs class, a "
        "dataclass or a TypedDict"
    )


def _object(owner: Any, fields: tuple[Field, ...], context: _Context) -> Schema:
    if owner in context.within:
        raise _Unsupported(
            f"{_name(owner)} contains itself, and a recursive type needs $defs, which these "
            "schemas do not use; break the cycle (for example with an id to look up)"
        )
    inner = attrs.evolve(context, within=(*context.within, owner))
    properties: Schema = {}
    for field in fields:
        try:
            properties[field.name] = _property(field, inner)
        except _Unsupported as exc:
            raise _Unsupported(exc.reason, (field.name, *exc.path)) from None
    return {
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if context.strict or not f.has_default],
        "additionalProperties": False,  # the arguments refuse other keys (``_arguments``)
    }


def _property(field: Field, context: _Context) -> Schema:
    schema = _describe(field.annotation, context)
    if context.strict and field.has_default and not accepts_none(field.annotation):
        schema = _nullable(schema)
    if field.description and "description" not in schema:
        schema["description"] = field.description
    return schema


def _nullable(schema: Schema) -> Schema:
    description = schema.pop("description", None)
    nullable = _union([schema, dict(_NULL)])
    if description is not None:
        nullable["description"] = description
    return nullable


def _union(schemas: list[Schema]) -> Schema:
    members: list[Schema] = []
    for schema in schemas:
        members.extend(schema["anyOf"] if schema.keys() == {"anyOf"} else [schema])
    if {} in members:
        return {}  # Any absorbs the rest
    plain = [m["type"] for m in members if m.keys() == {"type"} and isinstance(m["type"], str)]
    if len(members) == len(plain) == 2 and "null" in plain:
        return {"type": plain}  # the form the guide shows for an optional field
    return {"anyOf": members}


def _annotated(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    schema = _describe(args[0], context)
    text = next((m for m in annotation.__metadata__ if isinstance(m, str)), None)
    if text is not None:
        schema["description"] = text
    return schema


def _unwrap(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    return _describe(args[0], context)


def _union_of(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    return _union([_describe(arg, context) for arg in args])


#: JSON Schema type of each JSON scalar's Python type (``bool`` is not an integer here).
_JSON_TYPES: Final[Mapping[type, str]] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def _choices(values: list[Any], where: str) -> Schema:
    strange = [v for v in values if type(v) not in _JSON_TYPES]
    if strange:
        raise _Unsupported(
            f"{where} has a value of type {type(strange[0]).__name__}; enum values must "
            "be str, int, float, bool or None"
        )
    kinds = {_JSON_TYPES[type(v)] for v in values}
    return {"type": kinds.pop(), "enum": values} if len(kinds) == 1 else {"enum": values}


def _literal(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    return _choices(list(args), _name(annotation))


def _enum(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    return _choices([member.value for member in annotation], annotation.__name__)


def _any(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    if context.strict:
        raise _Unsupported(
            "Any (also the items of a bare list, tuple or dict) has no type, and strict mode "
            "needs one for every value; give a concrete type, or register the function "
            "with strict=False"
        )
    return {}


def _array(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    return {"type": "array", "items": _describe(args[0] if args else Any, context)}


def _tuple(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    if not args or (len(args) == 2 and args[1] is Ellipsis):
        return _array(annotation, args[:1], context)
    if context.strict:
        raise _Unsupported(
            f"{_name(annotation)} needs prefixItems, which strict mode does not support; "
            "use tuple[T, ...] or a list, a class with named fields, or register the "
            "function with strict=False"
        )
    items = [_describe(arg, context) for arg in args]
    return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}


def _mapping(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    key, value = args if args else (str, Any)
    if key is not str:
        raise _Unsupported(f"{_name(annotation)} has {_name(key)} keys, but JSON keys are strings")
    if context.strict:
        raise _Unsupported(
            f"{_name(annotation)} needs additionalProperties with a schema, but strict mode "
            "demands additionalProperties: false on every object; use a class with named "
            "fields, a list of key/value objects, or register the function with strict=False"
        )
    return {"type": "object", "additionalProperties": _describe(value, context)}


def _class_object(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    try:
        fields = object_fields(annotation) or ()
    except ConfigurationError as exc:
        raise _Unsupported(str(exc)) from None
    return _object(annotation, fields, context)


def _unannotated(annotation: Any, args: tuple[Any, ...], context: _Context) -> Schema:
    raise _Unsupported("this field has no annotation; annotate it so its schema can be built")


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, enum.Enum)


def _hashable(value: Any) -> bool:
    return isinstance(value, collections.abc.Hashable)


def _name(annotation: Any) -> str:
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


#: The builder of each generic origin (also the bare ``list``, ``tuple``, ``dict``).
_BY_ORIGIN: Final[Mapping[Any, _Builder]] = {
    Annotated: _annotated,
    Required: _unwrap,
    NotRequired: _unwrap,
    Union: _union_of,
    types.UnionType: _union_of,
    Literal: _literal,
    list: _array,
    collections.abc.Sequence: _array,
    tuple: _tuple,
    dict: _mapping,
    collections.abc.Mapping: _mapping,
}

#: The JSON type of each scalar annotation (``None`` is how a hint may spell ``NoneType``).
_SCALARS: Final[Mapping[Any, str]] = {**_JSON_TYPES, None: "null"}

#: Kinds recognised by a predicate, tried in order.
_BY_KIND: Final[tuple[tuple[Callable[[Any], bool], _Builder], ...]] = (
    (lambda annotation: annotation is Any, _any),
    (lambda annotation: annotation is UNANNOTATED, _unannotated),
    (_is_enum, _enum),
    (lambda annotation: object_kind(annotation) is not None, _class_object),
)
