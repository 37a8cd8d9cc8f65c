"""Tests for assistant_stream.decode_event: the name table, special frames, errors, recordings."""

from pathlib import Path

import attrs
import orjson
import pytest
from helpers import unknown_members
from shared_data import recordings, requires_recordings

from assistant_stream import (
    EVENT_TYPES,
    AssistantStreamError,
    DoneEvent,
    ErrorEvent,
    MalformedEventError,
    SSEDecoder,
    ThreadMessageDelta,
    ThreadRunCompleted,
    UnknownEvent,
    decode_event,
)
from assistant_stream.types import (
    ErrorObject,
    TextContentBlock,
    UnknownMessageContent,
    UnknownToolCallDelta,
)

OBJECT_EVENTS = sorted(name for name in EVENT_TYPES if name.startswith("thread."))


@pytest.mark.parametrize("name", OBJECT_EVENTS)
def test_each_name_decodes_to_its_class(name: str) -> None:
    """The smallest valid payload of every thread.* event decodes to the class of its name."""
    event = decode_event(name, '{"id": "x_1"}')
    assert type(event) is EVENT_TYPES[name]
    assert name == event.event
    assert "x_1" == event.data.id


def test_text_and_bytes_give_the_same_event() -> None:
    """Data may be passed as str or as UTF-8 bytes."""
    data = '{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"é"}}]}}'  # noqa: E501
    assert decode_event("thread.message.delta", data) == decode_event(
        "thread.message.delta", data.encode()
    )


def test_done_event() -> None:
    """``done`` carries the bare text [DONE], which is not JSON."""
    assert DoneEvent() == decode_event("done", "[DONE]")
    assert DoneEvent("[DONE]") == decode_event("done", b"[DONE]")
    assert "done" == decode_event("done", "[DONE]").event
    assert DoneEvent("unexpected") == decode_event("done", "unexpected")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            '{"code":"server_error","message":"boom","param":null,"type":"server_error"}',
            ErrorObject(message="boom", type="server_error", code="server_error"),
        ),
        (
            '{"error":{"message":"Rate limit","type":"requests","code":"rate_limit_exceeded"}}',
            ErrorObject(message="Rate limit", type="requests", code="rate_limit_exceeded"),
        ),
        ('{"error":{"message":"x","code":500}}', ErrorObject(message="x", code="500")),
        ('{"message":"x","param":{"a":1}}', ErrorObject(message="x", param='{"a":1}')),
        ("upstream timed out", ErrorObject(message="upstream timed out")),
        ('"quoted text"', ErrorObject(message="quoted text")),
        ("[1, 2]", ErrorObject(message="[1, 2]")),
    ],
    ids=["bare", "wrapped", "numeric-code", "object-param", "plain-text", "json-string", "array"],
)
def test_error_event_shapes(data: str, expected: ErrorObject) -> None:
    """An error frame becomes an ErrorEvent whatever its shape: it is never lost."""
    assert ErrorEvent(expected) == decode_event("error", data)


def test_unknown_event_keeps_name_and_data() -> None:
    """A name outside the protocol becomes UnknownEvent, never an exception."""
    assert UnknownEvent("thread.run.step.activity", {"a": [1]}) == decode_event(
        "thread.run.step.activity", '{"a": [1]}'
    )
    assert UnknownEvent("ping", "not json") == decode_event("ping", "not json")
    assert UnknownEvent("message", "\ufffd") == decode_event("message", b"\xff")


def test_unknown_fields_and_values_are_tolerated() -> None:
    """New keys at any level, new statuses and new union tags decode without error."""
    data = {
        "id": "msg_1",
        "object": "thread.message",
        "status": "paused_for_review",
        "brand_new_field": {"x": 1},
        "content": [
            {"type": "text", "text": {"value": "hi", "annotations": [], "lang": "en"}, "x": 1},
            {"type": "audio", "audio": {"file_id": "f"}},
        ],
    }
    event = decode_event("thread.message.completed", orjson.dumps(data))
    assert "paused_for_review" == event.data.status
    text, audio = event.data.content
    assert isinstance(text, TextContentBlock)
    assert "hi" == text.text.value
    assert UnknownMessageContent(type="audio", raw=data["content"][1]) == audio


def test_unknown_tool_call_delta_keeps_index_and_id() -> None:
    """An unknown tool call delta still says where it goes, so it can be accumulated."""
    call = {"index": 2, "id": "call_1", "type": "future_tool", "future_tool": {"q": "x"}}
    data = {"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call]}}}
    event = decode_event("thread.run.step.delta", orjson.dumps(data))
    (member,) = event.data.delta.step_details.tool_calls
    assert UnknownToolCallDelta(type="future_tool", index=2, id="call_1", raw=call) == member


MALFORMED = [
    ("thread.message.delta", '{"id": "m", "delta": ', "invalid JSON"),
    ("thread.message.delta", "[1, 2]", "expected an object, got an array @ $"),
    ("thread.message.delta", '{"object": "thread.message.delta"}', "required field missing @ $.id"),
    ("thread.run.created", '{"id": 7}', "expected a string, got an integer @ $.id"),
    (
        "thread.message.delta",
        '{"id": "m", "delta": null}',
        "expected an object, got null @ $.delta",
    ),
    (
        "thread.message.delta",
        '{"id": "m", "delta": {"content": "text"}}',
        "expected an array, got a string @ $.delta.content",
    ),
    (
        "thread.message.delta",
        '{"id": "m", "delta": {"content": [{"type": "text", "index": "0"}]}}',
        "expected an integer, got a string @ $.delta.content[0].index",
    ),
    (
        "thread.message.delta",
        '{"id": "m", "delta": {"content": [{"type": "text", "text": {"value": "a"}}]}}',
        "required field missing @ $.delta.content[0].index",
    ),
    (
        "thread.run.step.delta",
        '{"id": "s", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [{"type": "function", "function": {"arguments": 5}, "index": 0}]}}}',  # noqa: E501
        "expected a string, got an integer @ $.delta.step_details.tool_calls[0].function.arguments",
    ),
    (
        "thread.run.completed",
        '{"id": "r", "parallel_tool_calls": "false"}',
        "expected a boolean, got a string @ $.parallel_tool_calls",
    ),
    (
        "thread.run.requires_action",
        '{"id": "r", "required_action": {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [{"type": "function"}]}}}',  # noqa: E501
        "required field missing @ $.required_action.submit_tool_outputs.tool_calls[0].id",
    ),
    ("thread.message.completed", '{"id": "m", "content": [5]}', "expected an object"),
    (
        "thread.created",
        '{"id": "t", "metadata": []}',
        "expected an object, got an array @ $.metadata",
    ),
]


@pytest.mark.parametrize(("name", "data", "problem"), MALFORMED)
def test_malformed_data_raises_with_path(name: str, data: str, problem: str) -> None:
    """Bad data of a known event raises MalformedEventError naming the event and the path."""
    with pytest.raises(MalformedEventError) as caught:
        decode_event(name, data)
    error = caught.value
    assert name == error.event
    assert any(problem in line for line in error.problems), error.problems
    assert problem in str(error)
    assert data == error.data
    assert isinstance(error, ValueError)
    assert isinstance(error, AssistantStreamError)
    assert not isinstance(error, KeyError)


def test_every_problem_is_reported() -> None:
    """The detailed re-run reports each problem, not only the first one."""
    data = (
        '{"id": "m", "delta": {"content": [{"type": "text"}, {"type": "refusal", "index": "1"}]}}'
    )
    with pytest.raises(MalformedEventError) as caught:
        decode_event("thread.message.delta", data)
    assert {
        "required field missing @ $.delta.content[0].index",
        "expected an integer, got a string @ $.delta.content[1].index",
    } == set(caught.value.problems)


def test_malformed_error_keeps_cause_and_the_raw_data() -> None:
    """The original exception is chained, and the raw data is kept as received."""
    data = b'{"id": 1, "padding": "' + b"x" * 5000 + b'"}'
    with pytest.raises(MalformedEventError) as caught:
        decode_event("thread.run.created", data)
    assert caught.value.__cause__ is not None
    assert data is caught.value.data


@pytest.mark.parametrize(
    "data",
    [
        '{"id": "run_1", "instructions": 7, "tools": [{"type": "function", "function": '
        '{"name": "lookup", "arguments": "secret-user-text"}}], "model": ["secret-user-text"]}',
        '{"id": "run_1", "metadata": "secret-user-text"}',
        '{"id": "run_1", "status": 1, "usage": {"prompt_tokens": "secret-user-text"}}',
        '{"id": "secret-user-text", "created_at": "secret-user-text"',
        '{"id": {"secret-user-text": 1}}',
    ],
)
def test_malformed_error_quotes_no_value(data: str) -> None:
    """The message names the event, the paths and the kinds of problem, never a value."""
    with pytest.raises(MalformedEventError) as caught:
        decode_event("thread.run.created", data)
    error = caught.value
    assert [] == [
        text for text in (str(error), repr(error), *error.problems) if "secret-user-text" in text
    ]
    assert error.problems
    assert all(" @ $" in problem for problem in error.problems), error.problems


def decode_body(path: Path) -> list[object]:
    """Decode a recorded body through SSEDecoder and decode_event."""
    decoder = SSEDecoder()
    events = decoder.feed(path.read_bytes()) + decoder.finish()
    assert 0 == decoder.pending_bytes
    return [decode_event(sse.event, sse.data) for sse in events]


@requires_recordings
@pytest.mark.parametrize("path", recordings(), ids=lambda p: p.stem)
def test_recordings_decode_without_unknowns(path: Path) -> None:
    """Every recorded stream decodes with no UnknownEvent and no Unknown... member."""
    events = decode_body(path)
    names = [
        line.split(b":", 1)[1].strip().decode()
        for line in path.read_bytes().splitlines()
        if line.startswith(b"event:")
    ]
    assert names == [event.event for event in events]
    assert [] == [event for event in events if isinstance(event, UnknownEvent)]
    assert [] == [member for event in events for member in unknown_members(event)]
    assert isinstance(events[-1], DoneEvent)


@requires_recordings
def test_recorded_incomplete_run_keeps_its_status() -> None:
    """A run that ended incomplete under ``thread.run.completed`` keeps the status as sent."""
    (path,) = [p for p in recordings() if p.name.startswith("005-")]
    (run,) = [e.data for e in decode_body(path) if isinstance(e, ThreadRunCompleted)]
    assert "max_prompt_tokens" == run.incomplete_details.reason


@requires_recordings
def test_recorded_deltas_rebuild_the_completed_text() -> None:
    """The text deltas of each recorded message add up to its completed text (a sanity check)."""
    for path in recordings():
        texts: dict[str, list[str]] = {}
        for event in decode_body(path):
            if isinstance(event, ThreadMessageDelta):
                for block in event.data.delta.content or ():
                    texts.setdefault(event.data.id, []).append(block.text.value or "")
            elif event.event in ("thread.message.completed", "thread.message.incomplete"):
                value = "".join(b.text.value for b in event.data.content)
                assert value == "".join(texts.get(event.data.id, [])), path.name


def test_decoded_events_are_frozen() -> None:
    """Events and the models inside them cannot be changed after decoding."""
    event = decode_event("thread.run.created", '{"id": "r", "tools": [{"type": "function"}]}')
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.data.status = "completed"  # type: ignore[misc]
    assert isinstance(event.data.tools, tuple)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "thread.message.delta",  # the hot path
            b'{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"a\xffb"}}]}}',
            "a\ufffdb",
        ),
        (
            "thread.message.delta",  # the converter (an annotation leaves the hot path)
            b'{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":'
            b'{"value":"\xe2\x82","annotations":[{"index":0,"type":"file_path","text":"t"}]}}]}}',
            "\ufffd",
        ),
    ],
    ids=["hot-path", "converter"],
)
def test_invalid_utf8_in_bytes_reads_as_replacement_character(
    name: str, data: bytes, expected: str
) -> None:
    """Invalid UTF-8, which orjson refuses, is read as the SSE rules decode it."""
    event = decode_event(name, data)
    assert event == decode_event(name, data.decode("utf-8", "replace"))
    assert event.data.delta.content[0].text.value == expected  # type: ignore[union-attr]


def test_invalid_utf8_in_error_and_unknown_events_reads_as_replacement_character() -> None:
    """The frames that never raise read invalid bytes the same way."""
    assert decode_event("error", b'{"message":"bad \xff"}') == ErrorEvent(
        ErrorObject(message="bad \ufffd")
    )
    unknown = UnknownEvent("thread.new", {"a": "\ufffd"})
    assert decode_event("thread.new", b'{"a":"\xff"}') == unknown


def test_bytes_that_are_not_json_still_raise() -> None:
    """The fallback to text changes nothing for data that is not JSON at all."""
    with pytest.raises(MalformedEventError, match="invalid JSON"):
        decode_event("thread.run.created", b"{not json \xff")
