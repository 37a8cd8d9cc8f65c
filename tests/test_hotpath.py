"""Tests for assistant_stream._hotpath: same result as the converter, and really taken."""

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shared_data import recordings, requires_recordings

from assistant_stream import MalformedEventError, SSEDecoder, decode_event
from assistant_stream._converter import FAST
from assistant_stream._hotpath import message_delta, run_step_delta
from assistant_stream.types import MessageDeltaEvent, RunStepDeltaEvent

#: Values of the wrong type, or shapes the hot path does not know.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.just(1.0),
    st.integers(-1, 2),
    st.sampled_from(["", "refusal", "logs", "x"]),
    st.just([]),
    st.just({}),
    st.just([{"index": 0, "type": "file_citation", "text": "t"}]),
)
_DELETE = object()


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix] if prefix else []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found += paths(item, (*prefix, key))
    return found


def mutated(payload: dict[str, Any], path: tuple[Any, ...], new: Any) -> dict[str, Any]:
    """A deep copy of ``payload`` with the value at ``path`` replaced, or deleted."""
    copy = orjson.loads(orjson.dumps(payload))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if new is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return copy  # type: ignore[no-any-return]


def with_one_mutation(valid: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    """Valid payloads, half of them with one value somewhere replaced by junk or removed."""

    def mutate(payload: dict[str, Any]) -> st.SearchStrategy[Any]:
        change = st.tuples(st.sampled_from(paths(payload)), st.one_of(junk, st.just(_DELETE)))
        return st.one_of(st.just(payload), change.map(lambda c: mutated(payload, *c)))

    return valid.flatmap(mutate)


def optional(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object whose keys may each be present or absent."""
    return st.fixed_dictionaries({}, optional=fields)


text_block = st.fixed_dictionaries(
    {"index": st.integers(0, 3), "type": st.just("text")},
    optional={
        "text": optional(value=st.text(max_size=4), annotations=st.just([])),
    },
)
message_payloads = with_one_mutation(
    st.fixed_dictionaries(
        {"id": st.just("msg_1"), "delta": optional(content=st.lists(text_block, max_size=3))},
        optional={"object": st.just("thread.message.delta")},
    )
)
function_call = st.fixed_dictionaries(
    {"index": st.integers(0, 3), "type": st.just("function")},
    optional={
        "id": st.just("call_1"),
        "function": optional(
            name=st.just("lookup"), arguments=st.text(max_size=4), output=st.none()
        ),
    },
)
code_call = st.fixed_dictionaries(
    {"index": st.integers(0, 3), "type": st.just("code_interpreter")},
    optional={
        "id": st.just("call_2"),
        "code_interpreter": optional(input=st.text(max_size=4), outputs=st.just([])),
    },
)
step_payloads = with_one_mutation(
    st.fixed_dictionaries(
        {
            "id": st.just("step_1"),
            "delta": st.fixed_dictionaries(
                {
                    "step_details": st.fixed_dictionaries(
                        {
                            "type": st.just("tool_calls"),
                            "tool_calls": st.lists(st.one_of(function_call, code_call), max_size=3),
                        }
                    )
                }
            ),
        },
        optional={"object": st.just("thread.run.step.delta")},
    )
)


def converter_result(payload: Any, cls: type) -> Any:
    """What the generic converter makes of ``payload``, or None if it rejects it."""
    try:
        return FAST.structure(payload, cls)
    except Exception:
        return None


@given(message_payloads)
def test_message_hot_path_agrees_with_converter(payload: dict[str, Any]) -> None:
    """Where the message hot path returns a model, the converter builds the same one."""
    hot = message_delta(payload)
    if hot is not None:
        assert converter_result(payload, MessageDeltaEvent) == hot


@given(step_payloads)
def test_step_hot_path_agrees_with_converter(payload: dict[str, Any]) -> None:
    """Where the step hot path returns a model, the converter builds the same one."""
    hot = run_step_delta(payload)
    if hot is not None:
        assert converter_result(payload, RunStepDeltaEvent) == hot


@pytest.mark.parametrize(
    ("name", "cls", "strategy"),
    [
        ("thread.message.delta", MessageDeltaEvent, message_payloads),
        ("thread.run.step.delta", RunStepDeltaEvent, step_payloads),
    ],
    ids=["message", "step"],
)
@given(data=st.data())
def test_decode_event_agrees_with_converter(
    name: str, cls: type, strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    """decode_event returns the converter's model, or raises exactly when the converter fails."""
    payload = data.draw(strategy)
    expected = converter_result(payload, cls)
    if expected is None:
        with pytest.raises(MalformedEventError):
            decode_event(name, orjson.dumps(payload))
    else:
        assert expected == decode_event(name, orjson.dumps(payload)).data


COMMON_SHAPES = [
    (message_delta, '{"id":"m","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"Hi","annotations":[]}}]}}'),  # noqa: E501
    (message_delta, '{"id":"m","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":" there"}}]}}'),  # noqa: E501
    (run_step_delta, '{"id":"s","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"","output":null}}]}}}'),  # noqa: E501
    (run_step_delta, '{"id":"s","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"function","function":{"arguments":"{\\"a\\""}}]}}}'),  # noqa: E501
    (run_step_delta, '{"id":"s","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"id":"call_2","type":"code_interpreter","code_interpreter":{"input":"","outputs":[]}}]}}}'),  # noqa: E501
    (run_step_delta, '{"id":"s","object":"thread.run.step.delta","delta":{"step_details":{"type":"tool_calls","tool_calls":[{"index":0,"type":"code_interpreter","code_interpreter":{"input":"print("}}]}}}'),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize(("hot", "data"), COMMON_SHAPES)
def test_common_shapes_take_the_hot_path(hot: Any, data: str) -> None:
    """The shapes most events have are built by the hot path, equal to the converter's model."""
    payload = orjson.loads(data)
    cls = MessageDeltaEvent if hot is message_delta else RunStepDeltaEvent
    result = hot(payload)
    assert result is not None
    assert FAST.structure(payload, cls) == result


@requires_recordings
def test_recorded_deltas_mostly_take_the_hot_path() -> None:
    """Real text and code-input deltas are built by the hot path (and equal the converter's)."""
    taken = total = 0
    for path in recordings():
        decoder = SSEDecoder()
        for sse in decoder.feed(path.read_bytes()):
            hot, cls = {
                "thread.message.delta": (message_delta, MessageDeltaEvent),
                "thread.run.step.delta": (run_step_delta, RunStepDeltaEvent),
            }.get(sse.event, (None, None))
            if hot is None:
                continue
            payload = orjson.loads(sse.data)
            result = hot(payload)
            total += 1
            if result is not None:
                taken += 1
                assert FAST.structure(payload, cls) == result
    assert taken >= 0.9 * total, (taken, total)
