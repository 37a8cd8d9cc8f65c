"""The callback order table in README.md is what the stream does: each row is replayed."""

import contextlib
from pathlib import Path

import pytest
from builders import (
    Frame,
    Recorder,
    code_patch,
    function_call,
    function_patch,
    image_file_patch,
    message,
    message_delta,
    run,
    sse,
    step,
    step_delta,
    text,
    text_patch,
)
from loopback import Loopback, Reply
from tool_bodies import answered, asking

from assistant_stream import EventHandler, ToolRegistry, replay

README = Path(__file__).resolve().parents[1] / "README.md"

#: Events that set the scene before the event a row is about.
_RUN = [("thread.run.created", run("queued")), ("thread.run.in_progress", run("in_progress"))]
_STEP = [*_RUN, ("thread.run.step.created", step("step_1"))]
_CALL = [
    *_STEP,
    ("thread.run.step.delta", step_delta("step_1", function_patch(0, "", call_id="c0", name="f"))),
]
_MESSAGE = [*_RUN, ("thread.message.created", message("msg_1"))]
_TEXT = [*_MESSAGE, ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hi", [])))]
_IMAGE = [
    *_MESSAGE,
    ("thread.message.delta", message_delta("msg_1", image_file_patch(0, "file_1"))),
]
_CITATION = {
    "index": 0,
    "type": "file_citation",
    "text": "【4:0†source】",
    "file_citation": {"file_id": "file_1"},
    "start_index": 2,
    "end_index": 14,
}
_REFUSAL = {"index": 0, "type": "refusal", "refusal": "No."}

#: Row label -> (the events before, the event the row is about).
SCENARIOS: dict[str, tuple[list[Frame], Frame]] = {
    "`thread.created`": ([], ("thread.created", {"id": "thread_1", "object": "thread"})),
    "`thread.run.created`": ([], ("thread.run.created", run("queued"))),
    "`thread.run.queued`": (_RUN[:1], ("thread.run.queued", run("queued"))),
    "`thread.run.in_progress`": (_RUN[:1], ("thread.run.in_progress", run("in_progress"))),
    "`thread.run.requires_action` while a tool call streams": (
        _CALL,
        ("thread.run.requires_action", run("requires_action")),
    ),
    "`thread.run.completed`": (_RUN, ("thread.run.completed", run("completed"))),
    "`thread.run.incomplete`": (_RUN, ("thread.run.incomplete", run("incomplete"))),
    "`thread.run.failed` while a text block streams": (
        _TEXT,
        ("thread.run.failed", run("failed")),
    ),
    "`thread.run.cancelling`": (_RUN, ("thread.run.cancelling", run("cancelling"))),
    "`thread.run.cancelled`": (_RUN, ("thread.run.cancelled", run("cancelled"))),
    "`thread.run.expired`": (_RUN, ("thread.run.expired", run("expired"))),
    "`thread.run.step.created`": (_RUN, ("thread.run.step.created", step("step_1"))),
    "`thread.run.step.in_progress`": (_STEP, ("thread.run.step.in_progress", step("step_1"))),
    "`thread.run.step.delta` opening the first tool call": (
        _STEP,
        (
            "thread.run.step.delta",
            step_delta("step_1", function_patch(0, "", call_id="c0", name="f")),
        ),
    ),
    "`thread.run.step.delta` continuing a tool call": (
        _CALL,
        ("thread.run.step.delta", step_delta("step_1", function_patch(0, '{"a": 1}'))),
    ),
    "`thread.run.step.delta` opening the next tool call": (
        _CALL,
        ("thread.run.step.delta", step_delta("step_1", code_patch(1, "x = 1", call_id="c1"))),
    ),
    "`thread.run.step.completed` (or `failed`, `cancelled`, `expired`)": (
        _CALL,
        ("thread.run.step.completed", step("step_1", "completed", [function_call("c0", "f", "")])),
    ),
    "`thread.run.step.completed` with a tool call never streamed": (
        _STEP,
        ("thread.run.step.completed", step("step_1", "completed", [function_call("c0", "f", "")])),
    ),
    "`thread.message.created`": (_RUN, ("thread.message.created", message("msg_1"))),
    "`thread.message.in_progress`": (_MESSAGE, ("thread.message.in_progress", message("msg_1"))),
    "`thread.message.delta` opening the first text block": (
        _MESSAGE,
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hi", []))),
    ),
    "`thread.message.delta` continuing a text block": (
        _TEXT,
        ("thread.message.delta", message_delta("msg_1", text_patch(0, " there"))),
    ),
    "`thread.message.delta` carrying an annotation": (
        _TEXT,
        (
            "thread.message.delta",
            message_delta("msg_1", text_patch(0, "【4:0†source】", [_CITATION])),
        ),
    ),
    "`thread.message.delta` opening an image after a text block": (
        _TEXT,
        ("thread.message.delta", message_delta("msg_1", image_file_patch(1, "file_1"))),
    ),
    "`thread.message.delta` opening a text block after an image": (
        _IMAGE,
        ("thread.message.delta", message_delta("msg_1", text_patch(1, "Hi", []))),
    ),
    "`thread.message.delta` opening a refusal": (
        _MESSAGE,
        ("thread.message.delta", message_delta("msg_1", _REFUSAL)),
    ),
    "`thread.message.completed` (or `incomplete`)": (
        _TEXT,
        ("thread.message.completed", message("msg_1", "completed", [text("Hi")])),
    ),
    "`error`": (_RUN, ("error", {"message": "boom", "type": "server_error"})),
    "`done`": ([*_RUN, ("thread.run.completed", run("completed"))], ("done", "[DONE]")),
    "an unknown event name": (_RUN, ("thread.run.paused", run("paused"))),
}


class _Failing(EventHandler):
    async def on_run_created(self, run: object) -> None:
        raise RuntimeError("boom")


def readme_rows() -> dict[str, list[str]]:
    """The table between the callback-order markers: row label -> callback names."""
    text_ = README.read_text(encoding="utf-8")
    table = text_.split("<!-- callback-order:start -->")[1].split("<!-- callback-order:end -->")[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        label, calls = (cell.strip() for cell in line.strip("|").split("|"))
        rows[label] = calls.split(" → ")
    return rows


def encode(frames: list[Frame]) -> bytes:
    """The frames as an SSE body, with no ``done`` unless a frame is one."""
    return b"".join(sse(name, data) for name, data in frames)


async def calls_of(data: bytes, *extra: EventHandler) -> list[str]:
    """The callback names a replay of ``data`` makes, errors included."""
    recorder = Recorder()
    async with replay(data, [recorder, *extra]) as stream:
        with contextlib.suppress(Exception):  # the lifecycle rows end in errors on purpose
            await stream.until_done()
    return recorder.names(with_events=True)


async def row_calls(label: str) -> list[str]:
    """What the stream calls for the event of one row (up to the stream's own ending)."""
    before, event = SCENARIOS[label]
    calls = await calls_of(encode([*before, event]))
    start = len(calls) - 1 - calls[::-1].index("on_event")
    mine = calls[start:]
    if event[0] != "done":  # the scenario's body just stops; how it ends is another row
        mine = [name for name in mine if name not in ("on_exception", "on_end")]
    return mine


def test_every_row_has_a_scenario() -> None:
    """The README rows and this file's scenarios are the same set (lifecycle rows aside)."""
    lifecycle = {label for label in readme_rows() if not label.startswith(("`", "an unknown"))}
    assert set(SCENARIOS) == set(readme_rows()) - lifecycle


@pytest.mark.parametrize("label", list(SCENARIOS))
async def test_row_matches_the_stream(label: str) -> None:
    """Replaying the row's scenario calls exactly the callbacks the README lists, in order."""
    assert readme_rows()[label] == await row_calls(label)


async def timing_out() -> object:
    """A source that times out after the first event."""
    yield encode(_RUN[:1])
    raise TimeoutError


async def test_lifecycle_rows() -> None:
    """The rows about starting and ending the stream match what the stream does."""
    rows = readme_rows()
    started = await calls_of(encode(_RUN[:1]))
    assert rows["the stream starts"] == started[:1]
    ended = await calls_of(encode([*_RUN, ("thread.run.completed", run("completed"))]))
    assert rows["the body ends after a run-ending event, without `done`"] == ended[-1:]
    recorder = Recorder()
    async with replay(timing_out(), recorder) as stream:
        with pytest.raises(TimeoutError):
            await stream.until_done()
    assert rows["the stream fails on a timeout"] == recorder.names()[-3:]
    failed = await calls_of(encode(_RUN[:1]), _Failing())
    label = "the stream fails otherwise (a callback raised, `StreamInterrupted`, ...)"
    assert rows[label] == failed[-2:]


async def test_tool_loop_rows(server: Loopback) -> None:
    """The rows about a run waiting for tool outputs match what the stream does."""
    rows = readme_rows()

    class Submitting(Recorder):
        async def on_run_requires_action(self, run: object) -> None:
            await stream.submit_tool_outputs({"call_1": "sunny"})

    server.script(Reply.stream(asking()), Reply.stream(answered()))
    submitting = Submitting()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="a", handler=submitting)
        async with stream:
            await stream.until_done()
    calls = submitting.names(with_events=True)
    at = calls.index("on_done")
    label = "the run waits at `requires_action`, outputs submitted: its body's `done`"
    assert rows[label] == calls[at - 1 : at + 2]

    paused = Recorder()
    async with replay(asking(), paused) as stream:
        await stream.until_done()
        label = "the run waits at `requires_action`, nothing submitted: its body's `done` (the "
        assert rows[label + "stream pauses)"] == paused.names(with_events=True)[-2:]
        before = len(paused.calls)
    assert rows["a paused stream is closed"] == [name for name, _ in paused.calls[before:]]

    registry = ToolRegistry()

    @registry.function
    def fails() -> str:
        """Fails."""
        raise ValueError("no")

    @registry.function
    def works() -> str:
        """Works."""
        return "yes"

    calls_asked = [("c1", "fails", "{}"), ("c2", "works", "{}")]
    server.script(Reply.stream(asking(calls_asked)), Reply.stream(answered()))
    answered_by = Recorder()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="a", handler=answered_by, tools=registry
        )
        async with stream:
            await stream.until_done()
    calls = answered_by.names(with_events=True)
    at = calls.index("on_done")
    label = (
        "the run waits at `requires_action`, a `ToolRegistry` answers two calls, the first "
        "failing: its body's `done`"
    )
    assert rows[label] == calls[at - 1 : at + 5]
