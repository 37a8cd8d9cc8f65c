"""Builders for event sequences: wire payloads, SSE bodies, typed events, a recording handler.

Payloads are the JSON objects a server sends (plain dicts), so the same sequence can be fed
as bytes through ``replay`` (the whole pipeline) or as typed events to an ``Accumulator``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from assistant_stream import EventHandler, decode_event, replay
from assistant_stream.events import AssistantStreamEvent
from assistant_stream.handler import CALLBACK_NAMES

Payload = dict[str, Any]
Frame = tuple[str, Any]  # (event name, data: a payload, or raw text)

THREAD = "thread_1"
RUN = "run_1"


# -- payloads -----------------------------------------------------------------------------


def run(status: str, run_id: str = RUN, **fields: Any) -> Payload:
    """A run object."""
    return {"id": run_id, "object": "thread.run", "thread_id": THREAD, "status": status, **fields}


def message(
    message_id: str, status: str = "in_progress", content: Iterable[Payload] = (), **fields: Any
) -> Payload:
    """A message object (content empty unless given)."""
    return {
        "id": message_id,
        "object": "thread.message",
        "thread_id": THREAD,
        "run_id": RUN,
        "role": "assistant",
        "status": status,
        "content": list(content),
        **fields,
    }


def text(value: str, annotations: Iterable[Payload] = ()) -> Payload:
    """A text content block of a full message."""
    return {"type": "text", "text": {"value": value, "annotations": list(annotations)}}


def image_file(file_id: str) -> Payload:
    """An image file content block of a full message."""
    return {"type": "image_file", "image_file": {"file_id": file_id}}


def message_delta(message_id: str, *content: Payload) -> Payload:
    """The data of ``thread.message.delta`` with the given content patches."""
    return {
        "id": message_id,
        "object": "thread.message.delta",
        "delta": {"content": list(content)},
    }


def text_patch(
    index: int, value: str | None = None, annotations: Iterable[Payload] | None = None
) -> Payload:
    """A text content patch for ``content[index]``."""
    inner: Payload = {}
    if value is not None:
        inner["value"] = value
    if annotations is not None:
        inner["annotations"] = list(annotations)
    return {"index": index, "type": "text", "text": inner}


def image_file_patch(index: int, file_id: str) -> Payload:
    """An image file content patch for ``content[index]``."""
    return {"index": index, "type": "image_file", "image_file": {"file_id": file_id}}


def step(
    step_id: str,
    status: str = "in_progress",
    tool_calls: Iterable[Payload] | None = (),
    **fields: Any,
) -> Payload:
    """A tool-calls step object (``tool_calls=None``: a message-creation step)."""
    details: Payload = (
        {"type": "message_creation", "message_creation": {"message_id": "msg_x"}}
        if tool_calls is None
        else {"type": "tool_calls", "tool_calls": list(tool_calls)}
    )
    return {
        "id": step_id,
        "object": "thread.run.step",
        "thread_id": THREAD,
        "run_id": RUN,
        "type": details["type"],
        "status": status,
        "step_details": details,
        **fields,
    }


def function_call(call_id: str, name: str, arguments: str, output: str | None = None) -> Payload:
    """A function tool call of a full step."""
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments, "output": output},
    }


def step_delta(step_id: str, *tool_calls: Payload) -> Payload:
    """The data of ``thread.run.step.delta`` with the given tool-call patches."""
    return {
        "id": step_id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": list(tool_calls)}},
    }


def function_patch(
    index: int, arguments: str | None = None, *, call_id: str | None = None, name: str | None = None
) -> Payload:
    """A function tool-call patch for ``tool_calls[index]`` (id and name on the first)."""
    function: Payload = {}
    if name is not None:
        function["name"] = name
    if arguments is not None:
        function["arguments"] = arguments
    patch: Payload = {"index": index, "type": "function", "function": function}
    if call_id is not None:
        patch["id"] = call_id
    return patch


def code_patch(
    index: int,
    code_input: str | None = None,
    *,
    call_id: str | None = None,
    outputs: Iterable[Payload] | None = None,
) -> Payload:
    """A code interpreter tool-call patch for ``tool_calls[index]``."""
    code: Payload = {}
    if code_input is not None:
        code["input"] = code_input
    if outputs is not None:
        code["outputs"] = list(outputs)
    patch: Payload = {"index": index, "type": "code_interpreter", "code_interpreter": code}
    if call_id is not None:
        patch["id"] = call_id
    return patch


# -- frames, bodies and typed events ---------------------------------------------------------


def sse(name: str, data: Any) -> bytes:
    """One SSE event; ``data`` is JSON-encoded unless it is already text."""
    text_data = data if isinstance(data, str) else orjson.dumps(data).decode()
    return f"event: {name}\ndata: {text_data}\n\n".encode()


def body(*frames: Frame, done: bool = True) -> bytes:
    """An SSE body of the frames, ending with ``done`` unless told otherwise."""
    out = b"".join(sse(name, data) for name, data in frames)
    return out + sse("done", "[DONE]") if done else out


def events(*frames: Frame) -> list[AssistantStreamEvent]:
    """The typed events of the frames."""
    return [
        decode_event(name, data if isinstance(data, str) else orjson.dumps(data))
        for name, data in frames
    ]


# -- a handler that records every callback -------------------------------------------------


def _recorder(name: str) -> Any:
    async def record(self: RecorderBase, *args: Any) -> None:
        self.calls.append((name, args))

    record.__name__ = name
    return record


class RecorderBase(EventHandler):
    """Records every callback as ``(name, args)`` in ``calls`` (see ``Recorder``)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def names(self, *, with_events: bool = False) -> list[str]:
        """The callback names in order (``on_event`` left out unless asked for)."""
        return [name for name, _ in self.calls if with_events or name != "on_event"]

    def args(self, name: str) -> list[tuple[Any, ...]]:
        """The arguments of every call of ``name``, in order."""
        return [args for called, args in self.calls if called == name]


#: A handler overriding every callback (``async def``) to record it.
Recorder = type("Recorder", (RecorderBase,), {name: _recorder(name) for name in CALLBACK_NAMES})


async def record(data: bytes, *, strict: bool = True) -> RecorderBase:
    """Replay ``data`` through a ``Recorder``; with ``strict=False`` errors are recorded only."""
    recorder = Recorder()
    async with replay(data, recorder) as stream:
        try:
            await stream.until_done()
        except Exception:
            if strict:
                raise
    return recorder
