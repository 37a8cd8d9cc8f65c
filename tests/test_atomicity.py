"""Tests for atomic events (accumulate rule 6, _parent rule 2): every failure, and properties."""

from __future__ import annotations

from typing import Any

import pytest
from accumulating import args, feed, md, observed, sd
from builders import (
    Frame,
    code_patch,
    events,
    function_patch,
    image_file_patch,
    message,
    run,
    text,
    text_patch,
)
from hypothesis import given
from hypothesis import strategies as st
from strategies_deltas import frames

from assistant_stream._lifecycle import Lifecycle, Phase
from assistant_stream.accumulate import Accumulator
from assistant_stream.errors import InvalidDeltaError


def created_message(*content: Any) -> Frame:
    """A ``thread.message.created`` frame holding ``content``."""
    return ("thread.message.created", message("m1", content=list(content)))


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


# -- every way feed can raise leaves everything as it was -------------------------------------

CITE = {"index": 0, "type": "file_citation", "text": "[1]"}
LOGS = {"index": 0, "type": "logs", "logs": "1"}
SETUP: list[Frame] = [
    created_message(text("seed0"), text("seed1"), text("seed2")),
    md(text_patch(0, "zero", [CITE])),
    sd(function_patch(0, "{", call_id="c0", name="f")),
    sd(code_patch(1, "x", call_id="c1", outputs=[LOGS])),
]
FAILING: dict[str, Frame] = {
    "content-negative": md(text_patch(-1, "x")),
    "content-gap": md(text_patch(3 + 1025, "x")),
    "content-cap": md(text_patch(65_536, "x")),
    "call-out-of-range": sd(function_patch(5000, "x")),
    "content-type-change": md(image_file_patch(0, "f")),
    "call-type-change": sd(code_patch(0, "x")),
    "annotation-index": md(text_patch(0, "x", [{**CITE, "index": -1}])),
    "annotation-of-a-new-block": md(text_patch(3, "x", [{**CITE, "index": 9999}])),
    "output-index": sd(code_patch(1, "y", outputs=[{**LOGS, "index": 4000}])),
    "untyped-content-misfit": md({"index": 0, "text": "x"}),
    "untyped-call-misfit": sd({"index": 0, "function": []}),
    "untyped-annotation-misfit": md(text_patch(0, None, [{"index": 0, "text": 1}])),
    "untyped-output-misfit": sd(code_patch(1, outputs=[{"index": 0, "logs": 1}])),
    "good-then-bad-index": md(text_patch(0, " more"), text_patch(5000, "x")),
    "new-then-type-change": md(text_patch(3, "new"), image_file_patch(3, "f")),
    "seeded-released-then-bad": md(text_patch(3, "new"), text_patch(-1, "x")),
    "seeded-continued-then-bad": md(text_patch(1, "!"), text_patch(2, "?"), text_patch(-5, "")),
    "same-entry-twice-then-bad": md(text_patch(0, "a"), text_patch(0, "b"), text_patch(-1, "")),
    "nested-good-then-bad": md(
        text_patch(0, "x", [CITE, {**CITE, "index": 1}, {**CITE, "index": -1}])
    ),
    "calls-good-then-bad": sd(function_patch(0, "}"), code_patch(1, "y"), function_patch(-1)),
    "new-call-then-bad": sd(function_patch(2, "{", call_id="c2"), code_patch(0)),
    "outputs-good-then-bad": sd(code_patch(1, outputs=[LOGS, {**LOGS, "index": 99_999}])),
}
NEXT: list[Frame] = [
    md(text_patch(0, "!"), text_patch(3, "new")),
    sd(function_patch(0, "}"), function_patch(2, "{}", call_id="c2")),
    ("thread.run.completed", run("completed")),
]


@pytest.mark.parametrize("failing", list(FAILING.values()), ids=list(FAILING))
def test_every_failure_of_feed_changes_nothing(failing: Frame) -> None:
    """After InvalidDeltaError nothing observable changed, and later events give the same."""
    accumulator, _ = feed(*SETUP)
    reference, _ = feed(*SETUP)
    before = observed(accumulator)
    with pytest.raises(InvalidDeltaError):
        accumulator.feed(events(failing)[0])
    assert before == observed(accumulator)
    for event in events(*NEXT):
        assert reference.feed(event) == accumulator.feed(event)
    assert observed(reference) == observed(accumulator)


def test_a_failure_restores_the_phases() -> None:
    """The entry superseded and the seeded entries released by a failed event are as before."""
    accumulator, _ = feed(*SETUP)
    parent = accumulator._messages["m1"]
    before = [entry.phase for entry in parent.entries]
    with pytest.raises(InvalidDeltaError):
        accumulator.feed(events(FAILING["seeded-released-then-bad"])[0])
    assert [Phase.OPEN, None, None] == before == [entry.phase for entry in parent.entries]
    assert (0, [1, 2]) == (parent.open.index, [entry.index for entry in parent.pending])


def test_a_failed_event_keeps_the_snapshots_handed_out() -> None:
    """A snapshot handed out before a failed event still reads what it read."""
    accumulator = Accumulator()
    ((_, snapshot),) = args(accumulator.feed(events(md(text_patch(0, "Hi")))[0]), "on_text_delta")
    with pytest.raises(InvalidDeltaError):
        accumulator.feed(events(md(text_patch(0, " there"), text_patch(-1, "")))[0])
    accumulator.feed(events(md(text_patch(0, "!")))[0])
    assert ("Hi", "Hi!") == (snapshot.value, accumulator.messages()[0].content[0].text.value)
