"""Bodies of a run that stops for tool calls, and of its follow-up, for the tool-loop tests.

``asking(calls)`` is a run streaming function calls up to ``thread.run.requires_action``
and ``done``; ``answered(text)`` is the body a submit opens: the tool step completes, the
run goes on, a message says ``text`` and the run completes. ``without_repeats`` is what two
bodies read as one stream call, from what each calls alone. ``RECORDED_PAIRS`` are the
team's recordings of the same (create-and-run, then submit), when ``../shared`` is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from builders import (
    Payload,
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
from shared_data import RECORDED

#: (call id, function name, arguments) of each call a run asks for.
Call = tuple[str, str, str]

WEATHER: Sequence[Call] = (("call_1", "get_weather", '{"city": "Paris"}'),)
RECORDED_PAIRS = [
    ("011-create-and-run-requires-action-gpt4o-sync", "012-submit-tool-outputs-gpt4o-sync"),
    ("015-create-and-run-requires-action-gpt4omini-sync", "016-submit-tool-outputs-gpt4omini-sync"),
    ("azure/009-function-submit-tool-outputs", "azure/010-function-submit-tool-outputs-followup"),
]


def action(calls: Sequence[Call]) -> Payload:
    """The ``required_action`` of a run waiting for ``calls``."""
    tool_calls = [
        {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
        for call_id, name, arguments in calls
    ]
    return {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": tool_calls}}


def asking(
    calls: Sequence[Call] = WEATHER, step_id: str = "step_1", *, first: bool = True
) -> bytes:
    """A body that streams ``calls`` in a tool step, then stops at ``requires_action``.

    ``first=False`` makes it a follow-up that asks again (no ``thread.run.created``).
    """
    patches = [
        function_patch(index, arguments, call_id=call_id, name=name)
        for index, (call_id, name, arguments) in enumerate(calls)
    ]
    frames = [
        *([("thread.run.created", run("queued"))] if first else []),
        ("thread.run.in_progress", run("in_progress")),
        ("thread.run.step.created", step(step_id)),
        ("thread.run.step.delta", step_delta(step_id, *patches)),
        ("thread.run.requires_action", run("requires_action", required_action=action(calls))),
    ]
    return body(*frames)


def answered(reply: str = "Sunny in Paris.", step_id: str = "step_1") -> bytes:
    """The body after the outputs: the tool step completes, a message, the run completes."""
    done_step = step(step_id, "completed", [function_call("call_1", "get_weather", "{}", "x")])
    return body(
        ("thread.run.step.completed", done_step),
        ("thread.run.queued", run("queued")),
        ("thread.run.in_progress", run("in_progress")),
        ("thread.message.created", message("msg_1")),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, reply))),
        ("thread.message.completed", message("msg_1", "completed", [text(reply)])),
        ("thread.run.completed", run("completed")),
    )


def recorded(name: str) -> bytes:
    """A recording's bytes."""
    return Path(RECORDED, f"{name}.sse").read_bytes()


def without_repeats(first: list[str], second: list[str]) -> list[str]:
    """The callbacks of two bodies read as one stream, from those of each body alone.

    The first body's ``on_end`` is not called; the second body's tool calls, which the
    first body already announced, get no second ``created`` and ``done``.
    """
    again = {"on_tool_call_created", "on_tool_call_done"}
    rest = list(second)
    for name in again:
        if name in first and name in rest:
            rest.remove(name)
    return [name for name in first if name != "on_end"] + rest
