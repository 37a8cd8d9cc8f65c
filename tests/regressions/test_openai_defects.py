"""Regressions: the openai-python handler defects of handler-semantics.md (b.5), one test each.

Every test replays the exact event sequence that breaks the reference SDK and checks what
``assistant_stream`` does instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from builders import (
    Frame,
    Recorder,
    RecorderBase,
    body,
    code_patch,
    events,
    function_call,
    function_patch,
    image_file,
    image_file_patch,
    message,
    message_delta,
    record,
    run,
    step,
    step_delta,
    text,
    text_patch,
)

from assistant_stream import replay
from assistant_stream.types.message import FileCitation, FileCitationAnnotation, Text
from assistant_stream.types.run_step import FunctionCall, FunctionToolCall

# -- local helpers --------------------------------------------------------------------------


def typed(frame: Frame) -> Any:
    """The typed ``data`` of one frame, as the decoder builds it."""
    return events(frame)[0].data


def after(recorder: RecorderBase, name: str, occurrence: int = 1) -> list[str]:
    """The callback names from the ``occurrence``-th call of ``name`` on (no ``on_event``)."""
    names = recorder.names()
    start = [at for at, called in enumerate(names) if called == name][occurrence - 1]
    return names[start:]


def on(spec: str) -> list[str]:
    """Callback names from a compact spec: ``on("text_created text_delta")``."""
    return [f"on_{name}" for name in spec.split()]


def ids(recorder: RecorderBase, name: str) -> list[str]:
    """The ``id`` of the first argument of every call of ``name``."""
    return [args[0].id for args in recorder.args(name)]


def text_values(recorder: RecorderBase, name: str) -> list[str]:
    """The ``value`` of the ``Text`` argument of every call of ``name`` (last argument)."""
    return [args[-1].value for args in recorder.args(name)]


def three_block_message(message_id: str) -> list[Frame]:
    """A message streaming text[0] "Hel"+"lo", image_file[1], text[2] "Bye", then completed."""
    return [
        ("thread.message.created", message(message_id)),
        ("thread.message.delta", message_delta(message_id, text_patch(0, "Hel", []))),
        ("thread.message.delta", message_delta(message_id, text_patch(0, "lo"))),
        ("thread.message.delta", message_delta(message_id, image_file_patch(1, "f1"))),
        ("thread.message.delta", message_delta(message_id, text_patch(2, "Bye", []))),
        (
            "thread.message.completed",
            message(message_id, "completed", [text("Hello"), image_file("f1"), text("Bye")]),
        ),
    ]


COMPLETED_C1 = function_call("c1", "lookup", '{"q":1}', output="one")
COMPLETED_C2 = function_call("c2", "lookup", '{"q":2}', output="two")
CALL_C1 = function_patch(0, '{"q":1}', call_id="c1", name="lookup")
CALL_C2 = function_patch(1, '{"q":2}', call_id="c2", name="lookup")
STEP_1_COMPLETED = step("s1", "completed", [COMPLETED_C1, COMPLETED_C2])


# -- the twelve defects ---------------------------------------------------------------------


async def test_defect_1_no_duplicate_tool_call_done() -> None:
    """A call finished by step.completed is not reported done again by run.completed."""
    recorder = await record(
        body(
            ("thread.run.step.created", step("s1")),
            ("thread.run.step.delta", step_delta("s1", CALL_C1)),
            ("thread.run.step.delta", step_delta("s1", CALL_C2)),
            ("thread.run.step.completed", STEP_1_COMPLETED),
            ("thread.run.completed", run("completed")),
        )
    )
    assert ["c1", "c2"] == ids(recorder, "on_tool_call_done")
    # c1 was done when c2 started (accumulated); c2 was done by step.completed (terminal).
    streamed_c1 = FunctionToolCall(
        id="c1", function=FunctionCall(name="lookup", arguments='{"q":1}')
    )
    completed_c2 = typed(("thread.run.step.completed", STEP_1_COMPLETED)).step_details.tool_calls[1]
    assert [streamed_c1, completed_c2] == [args[0] for args in recorder.args("on_tool_call_done")]
    expected = on("tool_call_done run_step_done run_completed done end")
    assert expected == recorder.names()[-5:]


async def test_defect_2_tool_call_created_for_index_0_of_a_later_step() -> None:
    """Step 2's call at index 0 (the index of step 1's last call) gets its own created."""
    recorder = await record(
        body(
            ("thread.run.step.created", step("s1")),
            ("thread.run.step.delta", step_delta("s1", function_patch(0, "{}", call_id="c1"))),
            ("thread.run.step.completed", step("s1", "completed", [COMPLETED_C1])),
            ("thread.run.step.created", step("s2")),
            ("thread.run.step.delta", step_delta("s2", function_patch(0, '{"a":', call_id="c2"))),
            ("thread.run.step.delta", step_delta("s2", function_patch(0, "1}"))),
            ("thread.run.requires_action", run("requires_action")),
        )
    )
    assert ["c1", "c2"] == ids(recorder, "on_tool_call_created")
    assert ["c1", "c2"] == ids(recorder, "on_tool_call_done")
    expected = on(
        "run_step_created"
        " tool_call_created tool_call_delta run_step_delta"  # the first chunk of c2
        " tool_call_delta run_step_delta"
        " tool_call_done run_requires_action done end"
    )
    assert expected == after(recorder, "on_run_step_created", 2)
    assert '{"a":1}' == recorder.args("on_tool_call_done")[1][0].function.arguments


async def test_defect_3_no_stale_text_done_in_the_next_message() -> None:
    """Message 2's first block at index 0 does not report message 1's last block done again."""
    recorder = await record(
        body(
            *three_block_message("m1"),
            ("thread.message.created", message("m2")),
            ("thread.message.delta", message_delta("m2", text_patch(0, "Second", []))),
            ("thread.message.completed", message("m2", "completed", [text("Second")])),
            ("thread.run.completed", run("completed")),
        )
    )
    assert ["Hello", "Bye", "Second"] == text_values(recorder, "on_text_done")
    assert [("f1",)] == [(args[0].file_id,) for args in recorder.args("on_image_file_done")]
    expected = on(
        "message_created"
        " text_created text_delta message_delta"  # m2's index 0: nothing about m1
        " text_done message_done run_completed done end"
    )
    assert expected == after(recorder, "on_message_created", 2)


async def test_defect_4_no_crash_on_a_shorter_terminal_message() -> None:
    """An incomplete message with ``content: []`` after a three-block message ends cleanly."""
    incomplete = message("m2", "incomplete", [], incomplete_details={"reason": "max_tokens"})
    recorder = await record(
        body(
            *three_block_message("m1"),
            ("thread.message.created", message("m2")),
            ("thread.message.incomplete", incomplete),
            ("thread.run.incomplete", run("incomplete")),
        )
    )
    assert ["Hello", "Bye"] == text_values(recorder, "on_text_done")
    expected = on("message_created message_done run_incomplete done end")
    assert expected == after(recorder, "on_message_created", 2)
    assert [typed(("thread.message.incomplete", incomplete))] == [
        args[0] for args in recorder.args("on_message_done")[1:]
    ]


async def test_defect_5_final_run_steps_are_the_terminal_objects() -> None:
    """``get_final_run_steps()`` returns the completed step: status, usage, times, output."""
    completed = step(
        "s1",
        "completed",
        [COMPLETED_C1],
        completed_at=1700000005,
        usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    )
    data = body(
        ("thread.run.step.created", step("s1")),
        ("thread.run.step.delta", step_delta("s1", function_patch(0, '{"q":1}', call_id="c1"))),
        ("thread.run.step.completed", completed),
        ("thread.run.completed", run("completed")),
    )
    async with replay(data) as stream:
        steps = await stream.get_final_run_steps()
    expected = typed(("thread.run.step.completed", completed))
    assert (expected,) == steps
    assert ("completed", 15, 1700000005, "one") == (
        steps[0].status,
        steps[0].usage.total_tokens,
        steps[0].completed_at,
        steps[0].step_details.tool_calls[0].function.output,
    )


MID_LIFECYCLE = {
    "step_completed_from_an_earlier_stream": (
        [
            ("thread.run.step.completed", step("s1", "completed", [COMPLETED_C1])),
            ("thread.run.queued", run("queued")),
            ("thread.run.completed", run("completed")),
        ],
        on("run_step_done run_queued run_completed"),
        [],
        ["s1"],
    ),
    "step_delta_for_an_unseen_step": (
        [
            ("thread.run.step.delta", step_delta("s2", function_patch(0, "{}", call_id="c2"))),
            ("thread.run.requires_action", run("requires_action")),
        ],
        on("tool_call_created tool_call_delta run_step_delta tool_call_done run_requires_action"),
        [],
        ["s2"],
    ),
    "message_delta_before_created": (
        [
            ("thread.message.delta", message_delta("m9", text_patch(0, "Hi", []))),
            ("thread.run.completed", run("completed")),
        ],
        on("text_created text_delta message_delta text_done run_completed"),
        ["m9"],
        [],
    ),
}


@pytest.mark.parametrize(
    ("frames", "expected_names", "message_ids", "step_ids"),
    list(MID_LIFECYCLE.values()),
    ids=list(MID_LIFECYCLE),
)
async def test_defect_6_mid_lifecycle_starts(
    frames: list[Frame], expected_names: list[str], message_ids: list[str], step_ids: list[str]
) -> None:
    """A stream that starts in the middle of a step or message is accumulated, not an error."""
    recorder = Recorder()
    async with replay(body(*frames), recorder) as stream:
        steps = await stream.get_final_run_steps()
        messages = await stream.get_final_messages()
    assert ["on_connect", *expected_names, "on_done", "on_end"] == recorder.names()
    assert step_ids == [item.id for item in steps]
    assert message_ids == [item.id for item in messages]


async def test_defect_7_sparse_and_out_of_order_indices() -> None:
    """Entries first seen at index 2 (content) or 1 (tool call) stay at that index."""
    recorder = Recorder()
    data = body(
        ("thread.message.created", message("m1")),
        ("thread.message.delta", message_delta("m1", text_patch(2, "A", []))),
        ("thread.message.delta", message_delta("m1", text_patch(2, "B"))),
        ("thread.message.delta", message_delta("m1", text_patch(0, "C", []))),
        ("thread.run.step.created", step("s1")),
        ("thread.run.step.delta", step_delta("s1", function_patch(1, "[1", call_id="c1"))),
        ("thread.run.step.delta", step_delta("s1", function_patch(1, "]"))),
        ("thread.run.step.delta", step_delta("s1", function_patch(0, "{}", call_id="c0"))),
        ("thread.run.requires_action", run("requires_action")),
    )
    async with replay(data, recorder) as stream:
        messages = await stream.get_final_messages()
        steps = await stream.get_final_run_steps()
    assert ["A", "AB", "C"] == text_values(recorder, "on_text_delta")
    assert ["AB", "C"] == text_values(recorder, "on_text_done")
    assert ["C", "AB"] == [block.text.value for block in messages[0].content]
    deltas = [
        (args[1].id, args[1].function.arguments) for args in recorder.args("on_tool_call_delta")
    ]
    assert [("c1", "[1"), ("c1", "[1]"), ("c0", "{}")] == deltas
    calls = steps[0].step_details.tool_calls
    assert [("c0", "{}"), ("c1", "[1]")] == [(call.id, call.function.arguments) for call in calls]


class Capturing(Recorder):
    """A ``Recorder`` that also keeps ``repr(args)`` of some callbacks as they were then."""

    def __init__(self) -> None:
        super().__init__()
        self.reprs: list[str] = []

    async def on_message_created(self, message: Any) -> None:
        self.reprs.append(repr((message,)))
        await super().on_message_created(message)

    async def on_message_delta(self, delta: Any, snapshot: Any) -> None:
        self.reprs.append(repr((delta, snapshot)))
        await super().on_message_delta(delta, snapshot)

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.reprs.append(repr((delta, snapshot)))
        await super().on_text_delta(delta, snapshot)


async def test_defect_8_no_aliasing_of_handed_out_objects() -> None:
    """Objects handed to callbacks keep their value after later deltas (none is live)."""
    created = message("m1")
    annotation = {
        "index": 0,
        "type": "file_citation",
        "text": "[1]",
        "file_citation": {"file_id": "file_1"},
        "start_index": 0,
        "end_index": 3,
    }
    recorder = Capturing()
    data = body(
        ("thread.message.created", created),
        ("thread.message.delta", message_delta("m1", text_patch(0, "Hel", []))),
        ("thread.message.delta", message_delta("m1", text_patch(0, "lo"))),
        ("thread.message.delta", message_delta("m1", text_patch(0, None, [annotation]))),
        ("thread.message.delta", message_delta("m1", text_patch(1, "More", []))),
        ("thread.message.completed", message("m1", "completed", [text("Hello"), text("More")])),
        ("thread.run.completed", run("completed")),
    )
    async with replay(data, recorder) as stream:
        await stream.until_done()
    captured = {"on_message_created", "on_message_delta", "on_text_delta"}
    kept = [args for name, args in recorder.calls if name in captured]
    assert recorder.reprs == [repr(args) for args in kept]  # nothing changed since the call
    kept_message = recorder.args("on_message_created")[0][0]
    assert typed(("thread.message.created", created)) == kept_message
    assert () == kept_message.content
    hel = Text(value="Hel", annotations=())
    assert hel == recorder.args("on_text_delta")[0][1]
    assert (hel,) == tuple(block.text for block in recorder.args("on_message_delta")[0][1].content)
    assert Text(value="Hello", annotations=()) == recorder.args("on_text_delta")[1][1]
    cited = FileCitationAnnotation(
        text="[1]", file_citation=FileCitation(file_id="file_1"), start_index=0, end_index=3
    )
    assert Text(value="Hello", annotations=(cited,)) == recorder.args("on_text_delta")[2][1]


async def test_defect_9_previous_block_done_before_next_block_created() -> None:
    """Within a message, block N's done comes before block N+1's created and first delta."""
    recorder = await record(
        body(*three_block_message("m1"), ("thread.run.completed", run("completed")))
    )
    expected = on(
        "message_created"
        " text_created text_delta message_delta"  # text[0] "Hel"
        " text_delta message_delta"  # text[0] "lo"
        " text_done message_delta"  # image_file[1]: text[0] done first
        " image_file_done text_created text_delta message_delta"  # text[2] "Bye"
        " text_done message_done"
    )
    assert expected == after(recorder, "on_message_created")[: len(expected)]


async def test_defect_10_first_chunk_is_a_delta() -> None:
    """Joining the deltas alone rebuilds the full text, arguments and code input."""
    recorder = await record(
        body(
            ("thread.message.created", message("m1")),
            ("thread.message.delta", message_delta("m1", text_patch(0, "Hel", []))),
            ("thread.message.delta", message_delta("m1", text_patch(0, "lo"))),
            ("thread.run.step.created", step("s1")),
            ("thread.run.step.delta", step_delta("s1", function_patch(0, '{"a":', call_id="c1"))),
            ("thread.run.step.delta", step_delta("s1", function_patch(0, "1}"))),
            ("thread.run.step.delta", step_delta("s1", code_patch(1, "print(", call_id="c2"))),
            ("thread.run.step.delta", step_delta("s1", code_patch(1, "1)"))),
            ("thread.run.completed", run("completed")),
        )
    )
    assert "Hello" == "".join(args[0].value for args in recorder.args("on_text_delta"))
    pieces: dict[str, str] = {}
    for delta, snapshot in recorder.args("on_tool_call_delta"):
        inner = (
            delta.function.arguments if delta.type == "function" else delta.code_interpreter.input
        )
        pieces[snapshot.id] = pieces.get(snapshot.id, "") + inner
    assert {"c1": '{"a":1}', "c2": "print(1)"} == pieces


async def _source_raising_before_the_first_event() -> AsyncIterator[bytes]:
    raise ConnectionResetError("reset before any byte")
    yield b""  # pragma: no cover - makes this an async generator


async def test_defect_11_on_end_once_on_early_break() -> None:
    """Breaking out of ``async for`` inside ``async with`` runs on_end once, last."""
    recorder = Recorder()
    data = body(*three_block_message("m1"), ("thread.run.completed", run("completed")))
    async with replay(data, recorder) as stream:
        async for _event in stream:
            break
    await stream.aclose()  # idempotent: on_end does not run again
    assert on("connect message_created end") == recorder.names()


async def test_defect_11_on_end_once_when_the_source_fails_first() -> None:
    """A source that raises before the first event still gets on_exception, then on_end once."""
    recorder = Recorder()
    with pytest.raises(ConnectionResetError):
        async with replay(_source_raising_before_the_first_event(), recorder) as stream:
            await stream.until_done()
    assert on("connect exception end") == recorder.names()


async def test_defect_12_delta_goes_to_its_own_message() -> None:
    """A delta for message B while message A is open changes only B's snapshot."""
    recorder = Recorder()
    data = body(
        ("thread.message.created", message("mA")),
        ("thread.message.delta", message_delta("mA", text_patch(0, "Alpha", []))),
        ("thread.message.created", message("mB")),
        ("thread.message.delta", message_delta("mB", text_patch(0, "Beta", []))),
        ("thread.message.delta", message_delta("mA", text_patch(0, "!"))),
        ("thread.message.completed", message("mA", "completed", [text("Alpha!")])),
        ("thread.message.completed", message("mB", "completed", [text("Beta")])),
        ("thread.run.completed", run("completed")),
    )
    async with replay(data, recorder) as stream:
        messages = await stream.get_final_messages()
    snapshots = [
        (snap.id, tuple(block.text.value for block in snap.content))
        for _, snap in recorder.args("on_message_delta")
    ]
    assert [("mA", ("Alpha",)), ("mB", ("Beta",)), ("mA", ("Alpha!",))] == snapshots
    assert ["Alpha", "Beta", "Alpha!"] == text_values(recorder, "on_text_delta")
    assert ["Alpha!", "Beta"] == text_values(recorder, "on_text_done")
    assert [("mA", "Alpha!"), ("mB", "Beta")] == [(m.id, m.content[0].text.value) for m in messages]
