"""Untidy streams, as Azure AI Agents sends them, keep every exactly-once guarantee.

``accumulate`` rule 7 and ``_parent`` rule 3: data after a terminal object reaches the
snapshots, a second terminal object gives no second ``done``, and a replayed
``thread.run.created`` no second ``on_run_created``.
"""

from __future__ import annotations

from typing import Any

import pytest
from builders import (
    Recorder,
    body,
    function_call,
    function_patch,
    message,
    message_delta,
    run,
    step,
    step_delta,
    text,
    text_patch,
)

from assistant_stream import InvalidDeltaError, replay
from assistant_stream.types import FunctionToolCall, TextContentBlock

CALL = function_patch(0, '{"city": "Paris"}', call_id="call_1", name="get_weather")
LATE_OUTPUT = {"index": 0, "type": "function", "function": {"output": "sunny"}}


async def replayed(data: bytes) -> tuple[Recorder, Any, Any]:
    """The callbacks, final steps and final messages of a replay of ``data``."""
    recorder = Recorder()
    async with replay(data, recorder) as stream:
        await stream.until_done()
        return recorder, await stream.get_final_run_steps(), await stream.get_final_messages()


def calls(recorder: Recorder, name: str) -> int:
    """How many times the callback ``name`` ran."""
    return recorder.names().count(name)


async def test_an_output_after_the_steps_completion_reaches_the_final_steps() -> None:
    """The late output is in ``get_final_run_steps()``; the call is created and done once."""
    data = body(
        ("thread.run.created", run("queued")),
        ("thread.run.step.created", step("step_1")),
        ("thread.run.step.delta", step_delta("step_1", CALL)),
        ("thread.run.step.completed", step("step_1", "completed", [
            function_call("call_1", "get_weather", '{"city": "Paris"}')])),
        ("thread.run.step.delta", step_delta("step_1", LATE_OUTPUT)),
        ("thread.run.completed", run("completed")),
    )  # fmt: skip
    recorder, [final_step], _ = await replayed(data)
    [call] = final_step.step_details.tool_calls
    assert isinstance(call, FunctionToolCall)
    assert ("call_1", '{"city": "Paris"}', "sunny", "completed") == (
        call.id,
        call.function.arguments,  # type: ignore[union-attr]
        call.function.output,  # type: ignore[union-attr]
        final_step.status,
    )
    assert (1, 1, 1) == (
        calls(recorder, "on_tool_call_created"),
        calls(recorder, "on_tool_call_done"),
        calls(recorder, "on_run_step_done"),
    )
    [late] = [args for name, args in recorder.calls if name == "on_tool_call_delta"][-1:]
    assert "sunny" == late[1].function.output  # delivered as a delta, with the snapshot


async def test_late_data_keeps_what_only_the_terminal_object_said() -> None:
    """A late patch applies on top of the terminal values, not of what had streamed."""
    data = body(
        ("thread.run.step.created", step("step_1")),
        ("thread.run.step.delta", step_delta("step_1", function_patch(0, "{", call_id="c"))),
        ("thread.run.step.completed", step("step_1", "completed", [
            function_call("c", "lookup", '{"q": 1}')])),
        ("thread.run.step.delta", step_delta("step_1", LATE_OUTPUT)),
        ("thread.run.completed", run("completed")),
    )  # fmt: skip
    _, [final_step], _ = await replayed(data)
    [call] = final_step.step_details.tool_calls
    assert ("lookup", '{"q": 1}', "sunny") == (
        call.function.name,
        call.function.arguments,
        call.function.output,
    )


async def test_a_message_completed_in_progress_then_continued_is_done_once() -> None:
    """``thread.message.completed`` saying ``in_progress``: more text, one done each."""
    data = body(
        ("thread.run.created", run("queued")),
        ("thread.message.created", message("msg_1")),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel"))),
        ("thread.message.completed", message("msg_1", "in_progress", [text("Hel")])),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"))),
        ("thread.message.completed", message("msg_1", "completed", [text("Hello")])),
        ("thread.run.completed", run("completed")),
    )
    recorder, _, [final] = await replayed(data)
    [block] = final.content
    assert isinstance(block, TextContentBlock)
    assert ("Hello", "completed") == (block.text.value, final.status)  # type: ignore[union-attr]
    assert (1, 1, 1) == (
        calls(recorder, "on_text_created"),
        calls(recorder, "on_text_done"),
        calls(recorder, "on_message_done"),
    )


async def test_late_text_without_a_second_terminal_object_reaches_the_message() -> None:
    """A delta after the only terminal object extends the final message's text."""
    data = body(
        ("thread.message.created", message("msg_1")),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel"))),
        ("thread.message.completed", message("msg_1", "in_progress", [text("Hel")])),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"))),
        ("thread.run.completed", run("completed")),
    )
    _, _, [final] = await replayed(data)
    assert "Hello" == final.content[0].text.value  # type: ignore[union-attr]


async def test_a_step_completed_twice_is_done_once_with_the_second_values() -> None:
    """The second terminal object replaces the snapshot; no second ``on_run_step_done``."""
    first = step("step_1", "completed", [function_call("call_1", "get_weather", "{}")])
    second = step("step_1", "completed", [function_call("call_1", "get_weather", "{}", "ok")])
    data = body(
        ("thread.run.step.created", step("step_1")),
        ("thread.run.step.delta", step_delta("step_1", CALL)),
        ("thread.run.step.completed", first),
        ("thread.run.step.completed", second),
        ("thread.run.completed", run("completed")),
    )
    recorder, [final_step], _ = await replayed(data)
    assert "ok" == final_step.step_details.tool_calls[0].function.output
    assert (1, 1) == (calls(recorder, "on_run_step_done"), calls(recorder, "on_tool_call_done"))


async def test_a_follow_up_replaying_the_runs_created_does_not_create_it_again() -> None:
    """Two segments, the second replaying ``created`` and ``queued``: one ``on_run_created``."""
    asking = body(
        ("thread.run.created", run("queued")),
        ("thread.run.queued", run("queued")),
        ("thread.run.requires_action", run("requires_action", required_action={
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {"tool_calls": [{"id": "call_1", "type": "function",
                                                    "function": {"name": "f", "arguments": "{}"}}]},
        })),
    )  # fmt: skip
    follow_up = body(
        ("thread.run.created", run("queued")),
        ("thread.run.queued", run("queued")),
        ("thread.run.completed", run("completed")),
    )
    recorder, _, _ = await replayed(asking + follow_up)
    assert (1, 2, 1) == (
        calls(recorder, "on_run_created"),
        calls(recorder, "on_run_queued"),
        calls(recorder, "on_run_completed"),
    )


async def test_a_bad_late_patch_changes_nothing() -> None:
    """A late delta that cannot be applied raises and leaves the final step as it was."""
    data = body(
        ("thread.run.step.created", step("step_1")),
        ("thread.run.step.delta", step_delta("step_1", CALL)),
        ("thread.run.step.completed", step("step_1", "completed", [
            function_call("call_1", "get_weather", "{}", "first")])),
        ("thread.run.step.delta", step_delta("step_1", LATE_OUTPUT,
                                             {"index": 0, "type": "code_interpreter"})),
    )  # fmt: skip
    async with replay(data) as stream:
        with pytest.raises(InvalidDeltaError):
            await stream.until_done()
        [final_step] = stream.partial.run_steps
    assert "first" == final_step.step_details.tool_calls[0].function.output
