"""Tests for assistant_stream.events: the 25 wire names, the classes and their shape."""

from typing import get_args

import attrs
import pytest

from assistant_stream import events
from assistant_stream.events import (
    EVENT_TYPES,
    AssistantStreamEvent,
    DoneEvent,
    ErrorEvent,
    ThreadMessageDelta,
    UnknownEvent,
)
from assistant_stream.types import ErrorObject, MessageDeltaEvent

#: The 25 event names of the protocol (../shared/spec/EVENTS.md, section 2).
WIRE_NAMES = {
    "thread.created",
    *(
        f"thread.run.{s}"
        for s in (
            "created", "queued", "in_progress", "requires_action", "completed",
            "incomplete", "failed", "cancelling", "cancelled", "expired",
        )
    ),
    *(
        f"thread.run.step.{s}"
        for s in ("created", "in_progress", "delta", "completed", "failed", "cancelled", "expired")
    ),
    *(
        f"thread.message.{s}"
        for s in ("created", "in_progress", "delta", "completed", "incomplete")
    ),
    "error",
    "done",
}  # fmt: skip


def test_table_has_exactly_the_protocol_names() -> None:
    """EVENT_TYPES maps each of the 25 wire names, and nothing else."""
    assert 25 == len(WIRE_NAMES)
    assert WIRE_NAMES == set(EVENT_TYPES)


@pytest.mark.parametrize(("name", "cls"), sorted(EVENT_TYPES.items()))
def test_each_class_carries_its_wire_name(name: str, cls: type) -> None:
    """A class's ``event`` is the name it is registered under, and it follows openai's names."""
    assert name == cls.event
    assert cls.__name__ in events.__all__
    expected = "".join(part.title() for part in name.replace("_", ".").split("."))
    assert cls.__name__ == {"Error": "ErrorEvent", "Done": "DoneEvent"}.get(expected, expected)


def test_union_covers_every_class() -> None:
    """AssistantStreamEvent is the union of the 25 classes and UnknownEvent."""
    assert {*EVENT_TYPES.values(), UnknownEvent} == set(get_args(AssistantStreamEvent))


def test_table_is_read_only() -> None:
    """Nobody can register a class into the shared table by accident."""
    with pytest.raises(TypeError):
        EVENT_TYPES["ping"] = UnknownEvent  # type: ignore[index]


def test_events_are_frozen_slotted_values() -> None:
    """Events compare by value and cannot be changed."""
    delta = MessageDeltaEvent(id="msg_1")
    event = ThreadMessageDelta(delta)
    assert ThreadMessageDelta(MessageDeltaEvent(id="msg_1")) == event
    assert "thread.message.delta" == event.event
    assert not hasattr(event, "__dict__")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.data = delta  # type: ignore[misc]


def test_special_events() -> None:
    """done, error and unknown events carry what the wire sent."""
    assert "[DONE]" == DoneEvent().data
    assert "error" == ErrorEvent(ErrorObject(message="x")).event
    unknown = UnknownEvent("ping", {"t": 1})
    assert ("ping", {"t": 1}) == (unknown.event, unknown.data)
