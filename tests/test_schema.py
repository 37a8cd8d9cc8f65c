"""Tests for assistant_stream._schema and _signature: parameter schemas, docstrings, refusals."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, Optional, TypedDict

import attrs
import pytest
from tool_types import Color, Level, Movie

from assistant_stream._schema import parameters_schema
from assistant_stream._signature import Docstring, read_docstring
from assistant_stream.errors import ConfigurationError

NO_DEFAULT: Any = object()


def one(annotation: Any, default: Any = NO_DEFAULT) -> Callable[..., None]:
    """A function of one parameter ``x`` annotated with ``annotation`` (and a default)."""

    def function(x: Any) -> None:
        """Take x."""

    function.__annotations__ = {"x": annotation, "return": None}
    function.__defaults__ = None if default is NO_DEFAULT else (default,)
    return function


def params(properties: dict[str, Any], required: list[str], *, strict: bool) -> dict[str, Any]:
    """The top-level object schema of a function's parameters."""
    schema = {"type": "object", "properties": properties, "required": required}
    return {**schema, "additionalProperties": False}


@attrs.frozen
class Point:
    """A point on the plane.

    Attributes:
        x: distance across.
        y: distance up.
    """

    x: int
    y: int = 0


@dataclasses.dataclass
class Box:
    corner: Point
    label: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)


class Filters(TypedDict, total=False):
    genre: str


@attrs.frozen
class Node:
    value: int
    children: list[Node]


@dataclasses.dataclass
class Tagged:
    tags: dict[str, str]


@attrs.define
class Untyped:
    value = attrs.field()  # type: ignore[var-annotated]


class Widget:
    """A class with no fields a schema could describe."""


STRING, INTEGER, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}
NULL = {"type": "null"}
POINT = {
    "type": "object",
    "properties": {
        "x": {"type": "integer", "description": "distance across."},
        "y": {"type": "integer", "description": "distance up."},
    },
    "required": ["x"],
    "additionalProperties": False,
}
POINT_STRICT = {
    "type": "object",
    "properties": {
        "x": {"type": "integer", "description": "distance across."},
        "y": {"type": ["integer", "null"], "description": "distance up."},
    },
    "required": ["x", "y"],
    "additionalProperties": False,
}

#: (annotation, default, strict, the schema of ``x``); ``x`` is required unless it has a
#: default and the schema is not strict.
ANNOTATIONS = [
    pytest.param(str, NO_DEFAULT, False, STRING, id="str"),
    pytest.param(str, NO_DEFAULT, True, STRING, id="str-strict"),
    pytest.param(int, NO_DEFAULT, False, INTEGER, id="int"),
    pytest.param(int, NO_DEFAULT, True, INTEGER, id="int-strict"),
    pytest.param(float, NO_DEFAULT, False, NUMBER, id="float"),
    pytest.param(float, NO_DEFAULT, True, NUMBER, id="float-strict"),
    pytest.param(bool, NO_DEFAULT, False, {"type": "boolean"}, id="bool"),
    pytest.param(bool, NO_DEFAULT, True, {"type": "boolean"}, id="bool-strict"),
    pytest.param(None, NO_DEFAULT, False, NULL, id="None"),
    pytest.param(None, NO_DEFAULT, True, NULL, id="None-strict"),
    pytest.param(list[int], NO_DEFAULT, False, {"type": "array", "items": INTEGER}, id="list"),
    pytest.param(list[int], NO_DEFAULT, True, {"type": "array", "items": INTEGER}, id="list-s"),
    pytest.param(Sequence[str], NO_DEFAULT, False, {"type": "array", "items": STRING}, id="seq"),
    pytest.param(Sequence[str], NO_DEFAULT, True, {"type": "array", "items": STRING}, id="seq-s"),
    pytest.param(list, NO_DEFAULT, False, {"type": "array", "items": {}}, id="bare-list"),
    pytest.param(
        tuple[int, str],
        NO_DEFAULT,
        False,
        {"type": "array", "prefixItems": [INTEGER, STRING], "minItems": 2, "maxItems": 2},
        id="tuple",
    ),
    pytest.param(tuple[int, ...], NO_DEFAULT, False, {"type": "array", "items": INTEGER}, id="tu"),
    pytest.param(tuple[int, ...], NO_DEFAULT, True, {"type": "array", "items": INTEGER}, id="tu-s"),
    pytest.param(
        dict[str, int],
        NO_DEFAULT,
        False,
        {"type": "object", "additionalProperties": INTEGER},
        id="dict",
    ),
    pytest.param(
        dict[str, Any], NO_DEFAULT, False, {"type": "object", "additionalProperties": {}}, id="d"
    ),
    pytest.param(int | None, NO_DEFAULT, False, {"type": ["integer", "null"]}, id="optional"),
    pytest.param(int | None, NO_DEFAULT, True, {"type": ["integer", "null"]}, id="optional-s"),
    pytest.param(Optional[str], NO_DEFAULT, False, {"type": ["string", "null"]}, id="Optional"),  # noqa: UP045
    pytest.param(Optional[str], NO_DEFAULT, True, {"type": ["string", "null"]}, id="Optional-s"),  # noqa: UP045
    pytest.param(int | str, NO_DEFAULT, False, {"anyOf": [INTEGER, STRING]}, id="union"),
    pytest.param(int | str, NO_DEFAULT, True, {"anyOf": [INTEGER, STRING]}, id="union-s"),
    pytest.param(
        int | str | None, NO_DEFAULT, False, {"anyOf": [INTEGER, STRING, NULL]}, id="union3"
    ),
    pytest.param(
        list[int] | None,
        NO_DEFAULT,
        True,
        {"anyOf": [{"type": "array", "items": INTEGER}, NULL]},
        id="optional-list-s",
    ),
    pytest.param(
        Literal["c", "f"], NO_DEFAULT, False, {"type": "string", "enum": ["c", "f"]}, id="lit"
    ),
    pytest.param(
        Literal["c", "f"], NO_DEFAULT, True, {"type": "string", "enum": ["c", "f"]}, id="lit-s"
    ),
    pytest.param(Literal[1, "a"], NO_DEFAULT, False, {"enum": [1, "a"]}, id="literal-mixed"),
    pytest.param(Literal[1, "a"], NO_DEFAULT, True, {"enum": [1, "a"]}, id="literal-mixed-s"),
    pytest.param(Literal[True], NO_DEFAULT, True, {"type": "boolean", "enum": [True]}, id="l-b"),
    pytest.param(Literal["a", None], NO_DEFAULT, False, {"enum": ["a", None]}, id="lit-none"),
    pytest.param(Color, NO_DEFAULT, False, {"type": "string", "enum": ["red", "green"]}, id="enum"),
    pytest.param(
        Color, NO_DEFAULT, True, {"type": "string", "enum": ["red", "green"]}, id="enum-s"
    ),
    pytest.param(Level, NO_DEFAULT, True, {"type": "integer", "enum": [1, 2]}, id="intenum-s"),
    pytest.param(Any, NO_DEFAULT, False, {}, id="Any"),
    pytest.param(Any, None, False, {}, id="Any-default"),
    pytest.param(Point, NO_DEFAULT, False, POINT, id="attrs"),
    pytest.param(Point, NO_DEFAULT, True, POINT_STRICT, id="attrs-s"),
    pytest.param(
        Box,
        NO_DEFAULT,
        False,
        {
            "type": "object",
            "properties": {
                "corner": POINT,
                "label": {"type": ["string", "null"]},
                "tags": {"type": "array", "items": STRING},
            },
            "required": ["corner"],
            "additionalProperties": False,
        },
        id="dataclass",
    ),
    pytest.param(
        Box,
        NO_DEFAULT,
        True,
        {
            "type": "object",
            "properties": {
                "corner": POINT_STRICT,
                "label": {"type": ["string", "null"]},
                "tags": {"anyOf": [{"type": "array", "items": STRING}, NULL]},
            },
            "required": ["corner", "label", "tags"],
            "additionalProperties": False,
        },
        id="dataclass-s",
    ),
    pytest.param(
        Movie,
        NO_DEFAULT,
        False,
        {
            "type": "object",
            "properties": {"title": STRING, "year": INTEGER},
            "required": ["title"],
            "additionalProperties": False,
        },
        id="typeddict",
    ),
    pytest.param(
        Movie,
        NO_DEFAULT,
        True,
        {
            "type": "object",
            "properties": {"title": STRING, "year": {"type": ["integer", "null"]}},
            "required": ["title", "year"],
            "additionalProperties": False,
        },
        id="typeddict-s",
    ),
    pytest.param(
        Filters,
        NO_DEFAULT,
        False,
        {
            "type": "object",
            "properties": {"genre": STRING},
            "required": [],
            "additionalProperties": False,
        },
        id="typeddict-total-false",
    ),
    pytest.param(
        list[Annotated[int, "an id"]],
        NO_DEFAULT,
        False,
        {"type": "array", "items": {"type": "integer", "description": "an id"}},
        id="annotated-items",
    ),
    pytest.param(int, 3, False, INTEGER, id="default"),
    pytest.param(int, 3, True, {"type": ["integer", "null"]}, id="default-s"),
    pytest.param(int | None, None, True, {"type": ["integer", "null"]}, id="default-none-s"),
    pytest.param(
        Literal["c", "f"],
        "c",
        True,
        {"anyOf": [{"type": "string", "enum": ["c", "f"]}, NULL]},
        id="default-literal-s",
    ),
    pytest.param(Point, Point(0), True, {"anyOf": [POINT_STRICT, NULL]}, id="default-attrs-s"),
    pytest.param(
        list[int], (), True, {"anyOf": [{"type": "array", "items": INTEGER}, NULL]}, id="d-list-s"
    ),
]


@pytest.mark.parametrize(("annotation", "default", "strict", "expected"), ANNOTATIONS)
def test_annotation_schema(annotation: Any, default: Any, strict: bool, expected: Any) -> None:
    """Each kind of annotation has its schema, strict or not."""
    required = ["x"] if strict or default is NO_DEFAULT else []
    assert params({"x": expected}, required, strict=strict) == parameters_schema(
        one(annotation, default), strict=strict
    )


def weather(city: str, units: Literal["c", "f"] = "c", days: int = 1) -> None:
    """Get the weather.

    Args:
        city: the city's name,
            for example "Paris".
        units (str): the temperature unit.
        days: how many days ahead.

    Returns:
        Nothing; the Args section alone describes parameters.
    """


def annotated(
    city: Annotated[str, "The city name"], limit: Annotated[int, "At most this many"] = 10
) -> None:
    """Search.

    Args:
        city: loses to the Annotated text.
        limit: loses too.
    """


def nothing() -> None:
    """Take no arguments."""


SIGNATURES = [
    pytest.param(
        weather,
        False,
        params(
            {
                "city": {"type": "string", "description": 'the city\'s name, for example "Paris".'},
                "units": {
                    "type": "string",
                    "enum": ["c", "f"],
                    "description": "the temperature unit.",
                },
                "days": {"type": "integer", "description": "how many days ahead."},
            },
            ["city"],
            strict=False,
        ),
        id="docstring",
    ),
    pytest.param(
        weather,
        True,
        params(
            {
                "city": {"type": "string", "description": 'the city\'s name, for example "Paris".'},
                "units": {
                    "anyOf": [{"type": "string", "enum": ["c", "f"]}, NULL],
                    "description": "the temperature unit.",
                },
                "days": {"type": ["integer", "null"], "description": "how many days ahead."},
            },
            ["city", "units", "days"],
            strict=True,
        ),
        id="docstring-strict",
    ),
    pytest.param(
        annotated,
        False,
        params(
            {
                "city": {"type": "string", "description": "The city name"},
                "limit": {"type": "integer", "description": "At most this many"},
            },
            ["city"],
            strict=False,
        ),
        id="annotated",
    ),
    pytest.param(
        annotated,
        True,
        params(
            {
                "city": {"type": "string", "description": "The city name"},
                "limit": {"type": ["integer", "null"], "description": "At most this many"},
            },
            ["city", "limit"],
            strict=True,
        ),
        id="annotated-strict",
    ),
    pytest.param(nothing, False, params({}, [], strict=False), id="no-parameters"),
    pytest.param(nothing, True, params({}, [], strict=True), id="no-parameters-strict"),
]


@pytest.mark.parametrize(("function", "strict", "expected"), SIGNATURES)
def test_signature_schema(function: Callable[..., Any], strict: bool, expected: Any) -> None:
    """Descriptions come from Args: or Annotated (which wins); defaults decide required."""
    assert expected == parameters_schema(function, strict=strict)


def test_nested_strict_objects_are_closed_and_all_required() -> None:
    """In strict mode every nested object has additionalProperties false and all required."""
    expected = {
        "type": "object",
        "properties": {
            "x": {
                "type": "object",
                "properties": {
                    "corner": {
                        "type": "object",
                        "properties": {
                            "x": {"type": "integer", "description": "distance across."},
                            "y": {"type": ["integer", "null"], "description": "distance up."},
                        },
                        "required": ["x", "y"],
                        "additionalProperties": False,
                    },
                    "label": {"type": ["string", "null"]},
                    "tags": {"anyOf": [{"type": "array", "items": {"type": "string"}}, NULL]},
                },
                "required": ["corner", "label", "tags"],
                "additionalProperties": False,
            }
        },
        "required": ["x"],
        "additionalProperties": False,
    }
    assert expected == parameters_schema(one(Box), strict=True)


def star_args(*values: int) -> None:
    """Take many."""


def star_kwargs(**options: int) -> None:
    """Take options."""


def positional(x: int, /) -> None:
    """Take x by position."""


def unresolved(x: Undefined) -> None:  # type: ignore[name-defined]  # noqa: F821
    """Refer to a name that does not exist."""


def unannotated() -> Callable[..., None]:
    """A function whose parameter ``x`` has no annotation."""
    function = one(int)
    function.__annotations__ = {"return": None}
    return function


#: (function, strict, fragments the message must contain).
REFUSALS = [
    pytest.param(unannotated(), False, ["'x'", "has no annotation"], id="no-annotation"),
    pytest.param(star_args, False, ["'values'", "*args"], id="args"),
    pytest.param(star_kwargs, False, ["'options'", "**kwargs"], id="kwargs"),
    pytest.param(positional, False, ["'x'", "positional-only"], id="positional-only"),
    pytest.param(unresolved, False, ["unresolved", "NameError"], id="unresolved-hint"),
    pytest.param(one(Widget), False, ["'x'", "Widget has no JSON Schema"], id="class"),
    pytest.param(one(set[int]), False, ["'x'", "set[int] has no JSON Schema"], id="set"),
    pytest.param(one(Any), True, ["'x'", "Any", "strict=False"], id="Any-strict"),
    pytest.param(one(list), True, ["'x'", "Any"], id="bare-list-strict"),
    pytest.param(one(tuple[int, str]), True, ["'x'", "prefixItems"], id="tuple-strict"),
    pytest.param(one(dict[str, int]), True, ["'x'", "additionalProperties"], id="dict-strict"),
    pytest.param(one(dict[int, str]), False, ["'x'", "int keys"], id="int-keys"),
    pytest.param(one(Node), False, ["'x'", "(at x.children)", "contains itself"], id="recursive"),
    pytest.param(one(Node), True, ["'x'", "contains itself"], id="recursive-strict"),
    pytest.param(one(Tagged), True, ["'x'", "(at x.tags)", "strict"], id="nested-strict"),
    pytest.param(one(Untyped), False, ["(at x.value)", "no annotation"], id="untyped-field"),
    pytest.param(one(Literal[Color.RED]), False, ["'x'", "Color"], id="literal-enum-member"),
]


@pytest.mark.parametrize(("function", "strict", "fragments"), REFUSALS)
def test_refused(function: Callable[..., Any], strict: bool, fragments: list[str]) -> None:
    """What no schema can describe is a ConfigurationError naming the parameter and why."""
    with pytest.raises(ConfigurationError) as caught:
        parameters_schema(function, strict=strict)
    message = str(caught.value)
    assert [] == [fragment for fragment in fragments if fragment not in message]


def test_refusal_names_the_function() -> None:
    """The message names the function and says what to do."""
    with pytest.raises(ConfigurationError) as caught:
        parameters_schema(star_kwargs, strict=False)
    assert "parameter 'options' of star_kwargs() collects **kwargs" in str(caught.value)
    assert "name each parameter" in str(caught.value)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (None, Docstring()),
        ("One line.", Docstring("One line.")),
        (
            """Fetch the weather,
            in two lines.

            A second paragraph is not the summary.

            Args:
                city: where.
                days (int): how many
                    days ahead.
                *rest: collected.

            Keyword Args:
                units: which units.

            Returns:
                city: not an argument.

            Attributes:
                cache: kept here.
            """,
            Docstring(
                "Fetch the weather, in two lines.",
                {
                    "city": "where.",
                    "days": "how many days ahead.",
                    "rest": "collected.",
                    "units": "which units.",
                },
                {"cache": "kept here."},
            ),
        ),
        ("\n    Args:\n        x: only an entry.\n    ", Docstring(None, {"x": "only an entry."})),
        (
            "Summary.\n\nArgs:\n    x:\n        on the next line.",
            Docstring("Summary.", {"x": "on the next line."}),
        ),
        ("Summary.\n\nArgs:\n    x:", Docstring("Summary.")),
        (
            "Args:\n        x: on the opening line.\n    ",
            Docstring(None, {"x": "on the opening line."}),
        ),
    ],
    ids=["none", "one-line", "full", "no-summary", "text-below", "empty-entry", "args-first"],
)
def test_read_docstring(doc: str | None, expected: Docstring) -> None:
    """The summary is the first paragraph; Args and Attributes entries are read, others not."""
    assert expected == read_docstring(doc)
