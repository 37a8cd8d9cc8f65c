"""Tests for atomic events (accumulate rule 6, _entries rule 4), as hypothesis properties."""

from __future__ import annotations

from typing import Any

from accumulating import observed
from builders import Frame, events
from hypothesis import given
from hypothesis import strategies as st
from strategies_deltas import frames

from assistant_stream._lifecycle import Lifecycle
from assistant_stream.accumulate import Accumulator
from assistant_stream.errors import InvalidDeltaError

WANTED = st.sampled_from(
    [
        None,
        ["on_text_delta", "on_tool_call_delta", "on_message_done"],
        ["on_text_created", "on_text_done", "on_annotation", "on_tool_call_done"],
        [],
    ]
)


@given(frames, WANTED)
def test_a_failed_event_leaves_the_accumulator_observably_unchanged(
    stream: list[Frame], wanted: Any
) -> None:
    """A refused event changes nothing, and later events give what they give without it."""
    accumulator, without_failures = Accumulator(wanted), Accumulator(wanted)
    for event in events(*stream):
        before = observed(accumulator)
        try:
            notices = accumulator.feed(event)
        except InvalidDeltaError:
            assert before == observed(accumulator)
            continue
        assert without_failures.feed(event) == notices
    assert observed(without_failures) == observed(accumulator)


def _feed_all(accumulator: Accumulator, stream: list[Frame]) -> list[Any]:
    """Every event's notices, or the error it raised."""
    results: list[Any] = []
    for event in events(*stream):
        try:
            results.append(accumulator.feed(event))
        except InvalidDeltaError as exc:
            results.append(str(exc))
    return results


@given(frames, WANTED)
def test_the_shortcut_gives_what_advance_gives(stream: list[Frame], wanted: Any) -> None:
    """An accumulator compiled without the delta shortcut gives the same notices and state."""
    fast = Accumulator(wanted)
    plain = Accumulator(wanted)
    plain._lifecycle = Lifecycle(plain._wanted, shortcuts=False)
    assert _feed_all(plain, stream) == _feed_all(fast, stream)
    assert observed(plain) == observed(fast)
