"""What a function or a class declares: named, annotated fields, and their descriptions.

Rule 1 - a tool's signature is its contract. ``signature_fields`` reads every parameter as
a ``Field``: its name, its annotation (from ``typing.get_type_hints(include_extras=True)``,
so ``Annotated`` stays) and whether it has a default. A parameter without an annotation,
``*args``, ``**kwargs`` or a positional-only parameter is a ``ConfigurationError`` naming
the function, the parameter and what to do instead.

Rule 2 - three kinds of class have fields: attrs classes (the fields ``__init__`` takes, by
attribute name, as cattrs structures them), dataclasses (likewise) and ``TypedDict``
(``NotRequired`` keys count as having a default). ``object_fields`` reads them through the
``_OBJECT_KINDS`` table; anything else has no fields.

Rule 3 - descriptions come from Google-style docstrings (``read_docstring``): a summary (the
first paragraph), the entries of ``Args:`` for parameters and of ``Attributes:`` for fields.

``_schema`` (what the model is told) and ``_arguments`` (what it sends, converted) both read
these, so the schema and the conversion agree on names, defaults and nullability.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Final, Literal, NotRequired, Required, Union

import attrs

from .errors import ConfigurationError

__all__ = [
    "UNANNOTATED",
    "Docstring",
    "Field",
    "accepts_none",
    "object_fields",
    "object_kind",
    "read_docstring",
    "signature_fields",
]

#: The annotation of a field that has none (an ``attr.ib()`` without a type).
UNANNOTATED: Final[Any] = object()
_UNIONS: Final = frozenset({Union, types.UnionType})
_WRAPPERS: Final = frozenset({Annotated, Required, NotRequired})


@attrs.frozen
class Field:
    """A named, annotated slot: a function parameter, or a field of a class.

    Attributes:
        name: the key in the JSON arguments.
        annotation: the type hint, ``Annotated`` and ``NotRequired`` wrappers included.
        has_default: whether the slot may be left out (it has a default).
        description: the docstring's text for it, or ``None``.
    """

    name: str
    annotation: Any
    has_default: bool
    description: str | None = None


@attrs.frozen
class Docstring:
    """What a Google-style docstring says.

    Attributes:
        summary: the first paragraph on one line, or ``None``.
        arguments: name -> text, from ``Args:`` (or ``Arguments:``, ``Parameters:``).
        attributes: name -> text, from ``Attributes:``.
    """

    summary: str | None = None
    arguments: Mapping[str, str] = attrs.field(factory=dict)
    attributes: Mapping[str, str] = attrs.field(factory=dict)


# -- docstrings ----------------------------------------------------------------------------

_SECTION: Final = re.compile(r"([A-Z][A-Za-z ]*):\s*")
_ENTRY: Final = re.compile(r"\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:(.*)")
#: The sections whose entries describe something, by the ``Docstring`` field they fill.
_DESCRIBING: Final[Mapping[str, str]] = {
    "Args": "arguments",
    "Arguments": "arguments",
    "Parameters": "arguments",
    "Keyword Args": "arguments",
    "Keyword Arguments": "arguments",
    "Attributes": "attributes",
}


def read_docstring(doc: str | None) -> Docstring:
    """Read the summary and the ``Args:`` / ``Attributes:`` entries of a docstring.

    An entry is ``name: text`` or ``name (type): text``, indented under its section;
    deeper-indented lines continue it. Other sections (``Returns:``, ``Raises:``, ...) are
    skipped.
    """
    text = doc or ""
    if _SECTION.fullmatch(text.split("\n", 1)[0].strip()):
        text = "\n" + text  # a section on the opening line keeps its entries indented
    lines = inspect.cleandoc(text).splitlines()
    paragraph: list[str] = []
    for line in lines:
        if not line.strip() or _SECTION.fullmatch(line):
            break
        paragraph.append(line.strip())
    found: dict[str, dict[str, list[str]]] = {"arguments": {}, "attributes": {}}
    entries: dict[str, list[str]] | None = None
    indent: int | None = None
    current: list[str] = []
    for line in lines:
        depth = len(line) - len(line.lstrip())
        header = _SECTION.fullmatch(line)
        if header is not None and depth == 0:
            entries, indent = found.get(_DESCRIBING.get(header.group(1), "")), None
            continue
        if not line.strip() or entries is None:
            continue
        if depth == 0:
            entries = None
            continue
        entry = _ENTRY.fullmatch(line.strip())
        if (indent is None or depth <= indent) and entry is not None:
            indent, current = depth, [entry.group(2).strip()]
            entries[entry.group(1)] = current
        elif indent is not None and depth > indent:
            current.append(line.strip())
    texts = {key: {n: " ".join(t).strip() for n, t in v.items()} for key, v in found.items()}
    return Docstring(
        " ".join(paragraph) or None,
        {n: t for n, t in texts["arguments"].items() if t},
        {n: t for n, t in texts["attributes"].items() if t},
    )


# -- signatures and fields -----------------------------------------------------------------

#: Parameter kinds a tool cannot have, with what to do instead.
_REFUSED_KINDS: Final[Mapping[Any, str]] = {
    inspect.Parameter.POSITIONAL_ONLY: (
        "is positional-only, but tool arguments are passed by keyword; remove the '/'"
    ),
    inspect.Parameter.VAR_POSITIONAL: (
        "collects *args, but the model sends named arguments only; name each parameter"
    ),
    inspect.Parameter.VAR_KEYWORD: (
        "collects **kwargs, which no schema can describe; name each parameter, or take "
        "one parameter typed dict[str, ...]"
    ),
}


def _hints(owner: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(owner, include_extras=True)
    except Exception as exc:  # NameError for an unresolvable forward reference, mostly
        name = getattr(owner, "__qualname__", repr(owner))
        raise ConfigurationError(
            f"cannot read the type hints of {name}: {type(exc).__name__}: {exc}; "
            "define the names it refers to at module level"
        ) from exc


def signature_fields(function: Callable[..., Any]) -> tuple[Field, ...]:
    """The parameters of ``function`` as ``Field`` values, in signature order (rule 1).

    Raises:
        ConfigurationError: a parameter without an annotation, ``*args``, ``**kwargs`` or a
            positional-only parameter.
    """
    name = getattr(function, "__qualname__", repr(function))
    hints = _hints(function)
    described = read_docstring(inspect.getdoc(function)).arguments
    fields = []
    for parameter in inspect.signature(function).parameters.values():
        refused = _REFUSED_KINDS.get(parameter.kind)
        if refused is not None:
            raise ConfigurationError(f"parameter {parameter.name!r} of {name}() {refused}")
        if parameter.name not in hints:
            raise ConfigurationError(
                f"parameter {parameter.name!r} of {name}() has no annotation; annotate it "
                f"(for example '{parameter.name}: str') so its schema can be built"
            )
        has_default = parameter.default is not inspect.Parameter.empty
        annotation = hints[parameter.name]
        fields.append(Field(parameter.name, annotation, has_default, described.get(parameter.name)))
    return tuple(fields)


def _attrs_fields(cls: type) -> tuple[Field, ...]:
    hints, described = _hints(cls), read_docstring(cls.__doc__).attributes
    return tuple(
        Field(
            a.name,
            hints.get(a.name, UNANNOTATED if a.type is None else a.type),
            a.default is not attrs.NOTHING,
            described.get(a.name),
        )
        for a in attrs.fields(cls)
        if a.init
    )


def _dataclass_fields(cls: type) -> tuple[Field, ...]:
    hints, described = _hints(cls), read_docstring(cls.__doc__).attributes
    missing = dataclasses.MISSING
    return tuple(
        Field(
            f.name,
            hints.get(f.name, f.type),
            f.default is not missing or f.default_factory is not missing,
            described.get(f.name),
        )
        for f in dataclasses.fields(cls)
        if f.init
    )


def _typeddict_fields(cls: type) -> tuple[Field, ...]:
    hints, described = _hints(cls), read_docstring(cls.__doc__).attributes
    required: frozenset[str] = getattr(cls, "__required_keys__", frozenset())
    wrapped = {Required: True, NotRequired: False}  # wins over __required_keys__
    return tuple(
        Field(
            key, hint, not wrapped.get(typing.get_origin(hint), key in required), described.get(key)
        )
        for key, hint in hints.items()
    )


#: The kinds of class whose fields make an object, each with its field reader.
_OBJECT_KINDS: Final[
    tuple[tuple[Callable[[Any], bool], Callable[[type], tuple[Field, ...]]], ...]
] = (
    (attrs.has, _attrs_fields),
    (dataclasses.is_dataclass, _dataclass_fields),
    (typing.is_typeddict, _typeddict_fields),
)


def object_kind(annotation: Any) -> Callable[[type], tuple[Field, ...]] | None:
    """The field reader of ``annotation``'s kind (rule 2), or ``None`` if it has no fields."""
    if not isinstance(annotation, type):
        return None
    return next((reader for is_kind, reader in _OBJECT_KINDS if is_kind(annotation)), None)


def object_fields(annotation: Any) -> tuple[Field, ...] | None:
    """The fields of an attrs class, dataclass or ``TypedDict``; ``None`` for anything else.

    Raises:
        ConfigurationError: the class's type hints cannot be resolved.
    """
    reader = object_kind(annotation)
    return None if reader is None else reader(annotation)


def accepts_none(annotation: Any) -> bool:
    """Whether ``None`` is a valid value of ``annotation`` (``Any``, ``X | None``, ...)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in _WRAPPERS:
        return accepts_none(args[0])
    if origin in _UNIONS:
        return any(accepts_none(arg) for arg in args)
    if origin is Literal:
        return None in args
    return annotation is Any or annotation is None or annotation is type(None)
