"""Tests for assistant_stream._converter: tagged unions, JSON type checks, free-form JSON."""

import gc
import tracemalloc
from typing import Any, get_args

import attrs
import cattrs
import orjson
import pytest

from assistant_stream._converter import DETAILED, FAST, TAGGED_UNIONS, WireTypeError, make_converter
from assistant_stream.types import (
    AssistantResponseFormatOption,
    AssistantToolChoice,
    AssistantToolChoiceFunction,
    AssistantToolChoiceOption,
    FunctionDefinition,
    Message,
    MessageContent,
    ResponseFormatJSONObject,
    Run,
    Thread,
    ToolResourcesCodeInterpreter,
    UnknownMessageContent,
    UnknownResponseFormat,
    Usage,
)


def union_id(union: object) -> str:
    return "|".join(m.__name__ for m in get_args(union))


def minimal(member: type, tag: str) -> dict[str, Any]:
    """The smallest payload of a union member: its tag plus its required fields."""
    payload: dict[str, Any] = {"type": tag}
    for field in attrs.fields(member):
        if field.default is attrs.NOTHING and field.name != "type":
            payload[field.name] = 0 if field.name == "index" else "x"
    return payload


UNION_MEMBERS = [
    pytest.param(union, member, id=f"{member.__name__}")
    for union, unknown in TAGGED_UNIONS
    for member in get_args(union)
    if member is not unknown
]


@pytest.mark.parametrize(("union", "member"), UNION_MEMBERS)
def test_known_tag_picks_its_member(union: object, member: type) -> None:
    """Each member's tag (the default of its ``type`` field) selects that member."""
    tag = attrs.fields_dict(member)["type"].default
    assert type(FAST.structure(minimal(member, tag), union)) is member


@pytest.mark.parametrize(
    ("union", "unknown"), TAGGED_UNIONS, ids=lambda u: getattr(u, "__name__", "")
)
def test_unknown_tag_keeps_the_raw_object(union: object, unknown: type) -> None:
    """A tag this version does not know becomes the Unknown member, holding the raw dict."""
    raw = {"type": "from_the_future", "index": 3, "id": "call_9", "payload": {"deep": [1]}}
    member = FAST.structure(raw, union)
    assert type(member) is unknown
    assert "from_the_future" == member.type
    assert raw is member.raw
    fields = attrs.fields_dict(unknown)
    if "index" in fields:
        assert 3 == member.index
    if "id" in fields:
        assert "call_9" == member.id


@pytest.mark.parametrize("tag", [None, 5, ["text"]], ids=["missing", "number", "list"])
def test_tag_that_is_not_a_string_is_unknown(tag: Any) -> None:
    """A missing or non-string tag (even an unhashable one) never crashes the lookup."""
    raw = {"x": 1} if tag is None else {"type": tag}
    assert UnknownMessageContent(type="", raw=raw) == FAST.structure(raw, MessageContent)


def test_union_lookup_does_not_grow_with_unknown_tags() -> None:
    """Thousands of distinct unknown tags leave no memory behind (no per-tag cache entry)."""
    converter = make_converter()
    hook = converter.get_structure_hook(MessageContent)
    for tag in range(100):  # warm up caches that are legitimately created once
        hook({"type": f"warm-{tag}"}, MessageContent)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for tag in range(20_000):
        hook({"type": f"unknown-{tag}"}, MessageContent)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    # A cache entry per tag would retain well over 1 MB for 20,000 tags.
    assert grown < 100_000, grown


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("auto", "auto"),
        ("required", "required"),
        ("a_mode_from_the_future", "a_mode_from_the_future"),
        (
            {"type": "function", "function": {"name": "lookup"}},
            AssistantToolChoice(
                type="function", function=AssistantToolChoiceFunction(name="lookup")
            ),
        ),
        ({"type": "file_search"}, AssistantToolChoice(type="file_search")),
    ],
)
def test_tool_choice_is_string_or_object(value: Any, expected: Any) -> None:
    """``tool_choice`` passes strings through and structures objects."""
    assert expected == FAST.structure(value, AssistantToolChoiceOption)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("auto", "auto"),
        ({"type": "json_object"}, ResponseFormatJSONObject()),
        (
            {"type": "xml", "schema": "x"},
            UnknownResponseFormat(type="xml", raw={"type": "xml", "schema": "x"}),
        ),
    ],
)
def test_response_format_is_string_or_tagged_object(value: Any, expected: Any) -> None:
    """``response_format`` passes strings through and dispatches objects on ``type``."""
    assert expected == FAST.structure(value, AssistantResponseFormatOption)


@pytest.mark.parametrize(
    ("cls", "payload", "expected"),
    [
        (Usage, {"total_tokens": 12.0}, Usage(total_tokens=12)),
        (Run, {"id": "r", "temperature": 1}, Run(id="r", temperature=1.0)),
        (Run, {"id": "r", "parallel_tool_calls": False}, Run(id="r", parallel_tool_calls=False)),
    ],
    ids=["integral-float-for-int", "int-for-float", "bool"],
)
def test_json_numbers_are_accepted_where_exact(cls: type, payload: Any, expected: Any) -> None:
    """An integral float is an integer and any number is a float; nothing else is coerced."""
    result = FAST.structure(payload, cls)
    assert expected == result
    assert type(getattr(result, next(iter(set(payload) - {"id"})))) is type(
        getattr(expected, next(iter(set(payload) - {"id"})))
    )


@pytest.mark.parametrize(
    ("cls", "payload", "message"),
    [
        (Run, {"id": "r", "parallel_tool_calls": "false"}, "expected a boolean, got a string"),
        (Usage, {"total_tokens": True}, "expected an integer, got a boolean"),
        (Usage, {"total_tokens": 1.5}, "expected an integer, got a number"),
        (Run, {"id": "r", "temperature": "1"}, "expected a number, got a string"),
        (Run, {"id": 5}, "expected a string, got an integer"),
        (Message, {"id": "m", "content": "hello"}, "expected an array, got a string"),
        (Message, {"id": "m", "content": {"0": {}}}, "expected an array, got an object"),
        (ToolResourcesCodeInterpreter, {"file_ids": [1]}, "expected a string, got an integer"),
        (Thread, {"id": "t", "metadata": "x"}, "expected an object, got a string"),
        (Run, {"id": "r", "tools": [{"type": "function", "function": 1}]}, "expected an object"),
    ],
)
def test_wrong_json_types_are_rejected(cls: type, payload: Any, message: str) -> None:
    """Wrong JSON types fail (in both converters) instead of being silently coerced."""
    with pytest.raises((WireTypeError, KeyError, TypeError)):
        FAST.structure(payload, cls)
    with pytest.raises(cattrs.BaseValidationError) as detailed_error:
        DETAILED.structure(payload, cls)
    assert any(
        message in line
        for line in cattrs.transform_error(
            detailed_error.value, format_exception=lambda e, t: str(e)
        )
    ), message


def test_free_form_json_is_passed_through_untouched() -> None:
    """JSON schemas and metadata keep their exact dict, keys such as ``$ref`` included."""
    parameters = {"type": "object", "properties": {"a": {"$ref": "#/x"}}, "required": ["a"]}
    definition = FAST.structure({"name": "f", "parameters": parameters}, FunctionDefinition)
    assert parameters is definition.parameters


def test_production_converter_ignores_unknown_keys_strict_one_does_not() -> None:
    """Only the drift-test converter forbids keys the models do not declare."""
    payload = {"id": "t", "a_new_field": 1}
    assert Thread(id="t") == FAST.structure(payload, Thread)
    with pytest.raises(cattrs.BaseValidationError):
        make_converter(strict=True).structure(payload, Thread)


def test_unstructure_gives_back_the_wire_object() -> None:
    """Encoding a decoded message and decoding it again is lossless, unknown members included."""
    payload = {
        "id": "msg_1",
        "object": "thread.message",
        "content": [
            {"type": "text", "text": {"value": "hi", "annotations": [{"type": "new", "n": 1}]}},
            {"type": "video", "video": {"url": "u"}},
        ],
        "metadata": {"k": "v"},
    }
    message = FAST.structure(payload, Message)
    wire = orjson.loads(orjson.dumps(FAST.unstructure(message)))
    assert {"type": "video", "video": {"url": "u"}} == wire["content"][1]
    assert message == FAST.structure(wire, Message)
