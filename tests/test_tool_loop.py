"""Tests for assistant_stream._continuation through AssistantStream: one stream for a run.

Over loopback HTTP (``loopback.Loopback``): a run stops at ``requires_action``, the outputs
are submitted through the stream (from ``on_run_requires_action``, or once the paused
stream's wait returned), and the rest of the run is read by the same stream, with the
same handlers and snapshots. The recorded pairs of ``../shared`` (create-and-run, then its
submit) run when it is there; the synthetic bodies of ``tool_bodies`` always do.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from builders import Recorder, message, message_delta, text_patch
from builders import body as sse_body
from loopback import Cut, Loopback, Reply, Silence
from shared_data import RECORDED, requires_recordings
from tool_bodies import RECORDED_PAIRS, answered, asking, recorded, without_repeats

from assistant_stream import (
    AssistantStream,
    BadRequestError,
    ConfigurationError,
    InvalidStateError,
    StreamInterrupted,
    StreamState,
    replay,
)
from assistant_stream.types import Run

SUBMIT_PATH = "/v1/threads/thread_1/runs/run_1/submit_tool_outputs"


@contextlib.asynccontextmanager
async def streaming(server: Loopback) -> AsyncIterator[AssistantStream]:
    """A create-and-run stream of ``server``, with no handler, open for the block."""
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(assistant_id="asst_1") as stream,
    ):
        yield stream


class Submitting(Recorder):
    """Records every callback, and submits ``outputs`` from ``on_run_requires_action``."""

    def __init__(self, outputs: Any = None) -> None:
        super().__init__()
        self.outputs = outputs
        self.stream: AssistantStream | None = None

    async def on_run_requires_action(self, run: Run) -> None:
        self.calls.append(("on_run_requires_action", (run,)))
        assert self.stream is not None
        outputs = self.outputs or {call.id: "sunny" for call in self.stream.required_tool_calls}
        await self.stream.submit_tool_outputs(outputs)


async def names_of(data: bytes) -> list[str]:
    """The callbacks a replay of ``data`` alone makes."""
    recorder = Recorder()
    async with replay(data, recorder) as stream:
        await stream.until_done()
    return recorder.names()


async def finals_of(data: bytes) -> tuple[Any, Any, Any]:
    """The final messages, steps and run of a replay of ``data`` alone."""
    async with replay(data) as stream:
        return (
            await stream.get_final_messages(),
            await stream.get_final_run_steps(),
            await stream.get_final_run(),
        )


async def run_pair(server: Loopback, first: bytes, second: bytes, *, paused: bool) -> Submitting:
    """Stream ``first`` then, after a submit from the callback or the pause, ``second``."""
    server.script(Reply.stream(first), Reply.stream(second))
    handler = Submitting() if not paused else Recorder()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=handler)
        async with stream:
            if isinstance(handler, Submitting):
                handler.stream = stream
                await stream.until_done()
            else:
                await stream.until_done()
                assert StreamState.PAUSED == stream.state
                await stream.submit_tool_outputs(
                    [{"tool_call_id": c.id, "output": "sunny"} for c in stream.required_tool_calls]
                )
                await stream.until_done()
            assert StreamState.FINISHED == stream.state
            handler.final = (  # type: ignore[attr-defined]
                await stream.get_final_messages(),
                await stream.get_final_run_steps(),
                await stream.get_final_run(),
            )
    return handler  # type: ignore[return-value]


@pytest.mark.parametrize("paused", [False, True], ids=["from the callback", "after the pause"])
async def test_a_run_continues_in_the_same_stream(server: Loopback, paused: bool) -> None:
    """Both bodies reach the same handler; snapshots span them; on_end runs once, last."""
    handler = await run_pair(server, asking(), answered(), paused=paused)
    expected = without_repeats(await names_of(asking()), await names_of(answered()))
    assert expected == handler.names()
    counted = ("on_connect", "on_done", "on_end", "on_tool_call_created", "on_tool_call_done")
    assert (2, 2, 1, 1, 1) == tuple(handler.names().count(name) for name in counted)
    assert 1 == handler.names().count("on_run_step_done")  # the step the follow-up completes
    messages, steps, final = handler.final  # type: ignore[attr-defined]
    assert ["Sunny in Paris."] == [m.content[0].text.value for m in messages]
    assert (["step_1"], "completed", True) == ([s.id for s in steps], final.run.status, final.ended)
    submit = server.requests[1]
    assert ("POST", SUBMIT_PATH) == (submit.method, submit.path)
    expected_body = {
        "tool_outputs": [{"tool_call_id": "call_1", "output": "sunny"}],
        "stream": True,
    }
    assert expected_body == submit.json


@requires_recordings
@pytest.mark.parametrize(("first", "second"), RECORDED_PAIRS)
@pytest.mark.parametrize("paused", [False, True], ids=["from the callback", "after the pause"])
async def test_a_recorded_pair_is_one_stream(
    server: Loopback, first: str, second: str, paused: bool
) -> None:
    """The recorded create-and-run and its submit: one stream, callbacks and finals of both."""
    one, two = recorded(first), recorded(second)
    handler = await run_pair(server, one, two, paused=paused)
    assert without_repeats(await names_of(one), await names_of(two)) == handler.names()
    assert 1 == handler.names().count("on_end")
    messages, steps, final = handler.final  # type: ignore[attr-defined]
    _, first_steps, first_final = await finals_of(one)
    alone_messages, second_steps, _ = await finals_of(two)
    assert [m.id for m in alone_messages] == [m.id for m in messages]
    assert alone_messages == messages
    assert [s.id for s in first_steps] + [
        s.id for s in second_steps if s.id not in {f.id for f in first_steps}
    ] == [s.id for s in steps]
    assert all(s.status == "completed" for s in steps)
    assert ("completed", True) == (final.run.status, final.ended)
    ids = [call.id for call in first_final.run.required_action.submit_tool_outputs.tool_calls]
    submit = server.requests[1]
    assert submit.path.endswith("/submit_tool_outputs")
    assert {
        "tool_outputs": [{"tool_call_id": i, "output": "sunny"} for i in ids],
        "stream": True,
    } == (submit.json)


async def test_a_paused_stream_is_a_state_of_its_own(server: Loopback) -> None:
    """Nothing submitted: waits return, the run says where it stopped, closing runs on_end."""
    server.script(Reply.stream(asking()))
    recorder = Recorder()
    async with server.client() as client:
        async with client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=recorder
        ) as stream:
            await asyncio.gather(stream.until_done(), stream.until_done())
            final = await stream.get_final_run()
            assert StreamState.PAUSED == stream.state
            assert ("requires_action", True) == (final.run.status, final.ended)
            assert [("call_1", "get_weather", {"city": "Paris"})] == [
                (c.id, c.name, c.parsed) for c in stream.required_tool_calls
            ]
            assert [] == [event async for event in stream]  # an iteration ends at the pause
            assert "on_end" not in recorder.names()
        assert StreamState.CLOSED == stream.state
    assert 1 == len(server.requests)
    assert ["on_done", "on_end"] == recorder.names()[-2:]
    assert 1 == recorder.names().count("on_end")


async def test_aclose_ends_a_paused_stream_once(server: Loopback) -> None:
    """``aclose()`` of a paused stream runs on_end once; closing again does nothing."""
    server.script(Reply.stream(asking()))
    recorder = Recorder()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=recorder)
        await stream.until_done()
        await stream.aclose()
        await stream.aclose()
    assert (StreamState.CLOSED, 1) == (stream.state, recorder.names().count("on_end"))
    with pytest.raises(InvalidStateError, match="stream that is closed"):
        await stream.submit_tool_outputs({"call_1": "x"})


async def test_async_for_goes_on_after_a_submit(server: Loopback) -> None:
    """An iteration stops at the pause; after a submit, ``async for`` reads the next body."""
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with streaming(server) as stream:
        first = [event.event async for event in stream]
        assert ("thread.run.requires_action", "done") == tuple(first[-2:])
        assert [] == [c for c in stream.required_tool_calls if c.id != "call_1"]
        await stream.submit_tool_outputs({"call_1": "sunny"})
        assert [] == list(stream.required_tool_calls)
        second = [event.event async for event in stream]
    assert ("thread.run.step.completed", "done") == (second[0], second[-1])
    assert "thread.run.completed" in second


async def test_text_deltas_span_every_body(server: Loopback) -> None:
    """``text_deltas`` yields the text of the first body and of the follow-up, in order."""
    before = sse_body(
        ("thread.message.created", message("msg_0")),
        ("thread.message.delta", message_delta("msg_0", text_patch(0, "Looking it up. "))),
        done=False,
    )
    server.script(Reply.stream(before + asking(first=False)), Reply.stream(answered()))
    handler = Submitting()
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(assistant_id="asst_1", handler=handler) as stream,
    ):
        handler.stream = stream
        fragments = [fragment async for fragment in stream.text_deltas]
    assert ["Looking it up. ", "Sunny in Paris."] == fragments


@pytest.mark.parametrize("where", ["on_run_created", "twice"])
async def test_a_submit_out_of_turn_is_refused(server: Loopback, where: str) -> None:
    """Before requires_action, or a second time for one action: InvalidStateError, nothing sent."""
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    refused: list[BaseException] = []

    class Early(Recorder):
        async def on_run_created(self, run: Run) -> None:
            if where == "on_run_created":
                with pytest.raises(InvalidStateError, match="is not waiting") as info:
                    await stream.submit_tool_outputs({"call_1": "x"})
                refused.append(info.value)

        async def on_run_requires_action(self, run: Run) -> None:
            if where == "twice":
                await stream.submit_tool_outputs({"call_1": "x"})
                with pytest.raises(InvalidStateError, match="has had its answer") as info:
                    await stream.submit_tool_outputs({"call_1": "y"})
                refused.append(info.value)

    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=Early())
        async with stream:
            await stream.until_done()
    assert 1 == len(refused)
    assert (2 if where == "twice" else 1) == len(server.requests)


async def test_submits_without_a_server_or_before_the_start_are_refused() -> None:
    """A replay has nothing to submit to; a stream that has not started has no run yet."""
    stream = replay(asking())
    with pytest.raises(InvalidStateError, match="is new"):
        await stream.submit_tool_outputs({"call_1": "x"})
    await stream.until_done()
    assert StreamState.PAUSED == stream.state
    with pytest.raises(InvalidStateError, match="no server to submit to"):
        await stream.submit_tool_outputs({"call_1": "x"})
    await stream.aclose()


@pytest.mark.parametrize(
    ("outputs", "message_"),
    [
        ({"call_1": 3}, "must be a str, not int"),
        ([{"tool_call_id": "call_1"}], "must be a mapping with 'tool_call_id' and 'output'"),
        ([{"tool_call_id": "c", "output": "a"}, {"tool_call_id": "c", "output": "b"}], "two"),
    ],
)
async def test_bad_outputs_are_refused_before_sending(
    server: Loopback, outputs: Any, message_: str
) -> None:
    """An output that is not a string, a malformed entry or a repeated id: nothing sent."""
    server.script(Reply.stream(asking()))
    async with streaming(server) as stream:
        await stream.until_done()
        with pytest.raises(ConfigurationError, match=message_):
            await stream.submit_tool_outputs(outputs)
        assert StreamState.PAUSED == stream.state
    assert 1 == len(server.requests)


REFUSED = {
    "error": {"message": "No tool output found for call_2.", "type": "invalid_request_error"}
}


async def test_a_refused_submit_leaves_the_run_waiting(server: Loopback) -> None:
    """A 400 to the submit raises from it, unretried; the stream stays paused; a new try works."""
    server.script(Reply.stream(asking()), Reply.json(REFUSED, 400), Reply.stream(answered()))
    recorder = Recorder()
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(assistant_id="asst_1", handler=recorder) as stream,
    ):
        await stream.until_done()
        with pytest.raises(BadRequestError, match="No tool output found") as info:
            await stream.submit_tool_outputs({"call_2": "x"})
        assert info.value.partial is not None
        assert "run_1" == info.value.partial.run_id
        assert StreamState.PAUSED == stream.state
        assert 2 == len(server.requests)
        await stream.submit_tool_outputs({"call_1": "sunny"})
        await stream.until_done()
    assert (StreamState.FINISHED, 1) == (stream.state, recorder.names().count("on_end"))
    assert "on_exception" not in recorder.names()


async def test_a_refused_submit_in_a_callback_fails_the_stream(server: Loopback) -> None:
    """From on_run_requires_action, a 400 is the callback's exception: the stream fails with it."""
    server.script(Reply.stream(asking()), Reply.json(REFUSED, 400))
    handler = Submitting({"call_2": "x"})
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=handler)
        handler.stream = stream
        with pytest.raises(BadRequestError) as info:
            async with stream:
                await stream.until_done()
    assert StreamState.FAILED == stream.state
    assert ["on_exception", "on_end"] == handler.names()[-2:]
    assert info.value.partial is not None
    assert 2 == len(server.requests)


@pytest.mark.parametrize(("status", "posts"), [(503, 2), (500, 1)])
async def test_a_submit_is_resent_only_when_the_server_did_not_act(
    server: Loopback, status: int, posts: int
) -> None:
    """The run-creating rule: a 503 is resent, a 500 (the server may have acted) is not."""
    error = {"error": {"message": "busy", "type": "server_error"}}
    server.script(Reply.stream(asking()), Reply.json(error, status), Reply.stream(answered()))
    async with streaming(server) as stream:
        await stream.until_done()
        try:
            await stream.submit_tool_outputs({"call_1": "sunny"})
        except Exception:
            assert 500 == status
        else:
            await stream.until_done()
            assert StreamState.FINISHED == stream.state
    submits = [r for r in server.requests if r.path == SUBMIT_PATH]
    assert posts == len(submits)


async def test_an_interruption_later_carries_every_body(server: Loopback) -> None:
    """A follow-up body cut short raises StreamInterrupted with what both bodies brought."""
    cut = answered().split(b"event: thread.message.completed")[0]
    server.script(Reply.stream(asking()), Reply.stream(cut, Cut()))
    handler = Submitting()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=handler)
        handler.stream = stream
        with pytest.raises(StreamInterrupted) as info:
            async with stream:
                await stream.until_done()
    partial = info.value.partial
    assert partial is not None
    assert ["step_1"] == [s.id for s in partial.run_steps]
    assert ["Sunny in Paris."] == [m.content[0].text.value for m in partial.messages]
    assert ["on_exception", "on_end"] == handler.names()[-2:]
    assert 1 == handler.names().count("on_end")


async def test_cancelling_during_a_later_body_ends_once(server: Loopback) -> None:
    """A task cancelled while the follow-up body is silent: the stream closes, on_end once."""
    server.script(Reply.stream(asking()), Reply.stream(answered().split(b"event: ")[0], Silence()))
    handler = Submitting()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=handler)
        handler.stream = stream

        async def consume() -> None:
            async with stream:
                await stream.until_done()

        task = asyncio.create_task(consume())
        while handler.names().count("on_connect") < 2:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert "client left" == await server.requests[1].wait_ended()
    assert (StreamState.CLOSED, 1) == (stream.state, handler.names().count("on_end"))
    assert "on_exception" not in handler.names()


AZURE_MCP = RECORDED / "azure" / "001-mcp.sse"


@requires_recordings
async def test_approvals_answer_an_azure_mcp_action(server: Loopback) -> None:
    """Azure's submit_tool_approval: the MCP call is listed; approvals go in ``tool_approvals``."""
    server.script(Reply.stream(AZURE_MCP.read_bytes()), Reply.stream(answered()))
    async with streaming(server) as stream:
        await stream.until_done()
        [pending] = stream.required_tool_calls
        assert (StreamState.PAUSED, "mcp", "github", True) == (
            stream.state,
            pending.type,
            pending.server_label,
            pending.needs_approval,
        )
        run_ = (await stream.get_final_run()).run
        approval = {"tool_call_id": "call_7xWS61tAxJO9euluKVIX5aJH", "approve": True}
        await stream.submit_tool_approvals([approval])
        await stream.until_done()
    submit = server.requests[1]
    assert submit.path == f"/v1/threads/{run_.thread_id}/runs/{run_.id}/submit_tool_outputs"
    assert {"tool_approvals": [approval], "stream": True} == submit.json


async def test_required_tool_calls_report_bad_arguments_per_call(server: Loopback) -> None:
    """Arguments that are not a JSON object are reported on their call, the others parsed."""
    calls = [
        ("c1", "f", '{"a": 1}'),
        ("c2", "f", "{not json"),
        ("c3", "f", "[1, 2]"),
        ("c4", "g", ""),
    ]
    server.script(Reply.stream(asking(calls)))
    async with streaming(server) as stream:
        await stream.until_done()
        pending = stream.required_tool_calls
    assert [{"a": 1}, None, None, {}] == [call.parsed for call in pending]
    assert [None, "not JSON", "a JSON list, not an object", None] == [
        call.error and ("not JSON" if "not JSON" in call.error else call.error.split("are ")[1])
        for call in pending
    ]
    assert ['{"a": 1}', "{not json", "[1, 2]", ""] == [call.arguments for call in pending]


async def test_a_submitted_body_left_unread_is_closed(server: Loopback) -> None:
    """A stream that fails after its submit but before reading the answer closes that too."""
    server.script(Reply.stream(asking()), Reply.stream(answered().split(b"event: ")[0], Silence()))

    class FailingAfterSubmit(Submitting):
        async def on_done(self) -> None:
            raise RuntimeError("boom")

    handler = FailingAfterSubmit()
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(assistant_id="asst_1", handler=handler)
        handler.stream = stream
        with pytest.raises(RuntimeError, match="boom"):
            async with stream:
                await stream.until_done()
        assert "client left" == await server.requests[1].wait_ended()
    assert (StreamState.FAILED, 1) == (stream.state, handler.names().count("on_end"))


async def test_a_paused_stream_never_closed_warns() -> None:
    """A stream left paused (on_end never ran) warns with ResourceWarning when collected."""
    stream = replay(asking())
    await stream.until_done()
    assert StreamState.PAUSED == stream.state
    with pytest.warns(ResourceWarning, match="never closed"):
        del stream  # the last reference: collected at once


async def test_two_submits_at_once_send_one(server: Loopback) -> None:
    """Two tasks submitting to a paused stream at once: one request, the other refused."""
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with streaming(server) as stream:
        await stream.until_done()
        results = await asyncio.gather(
            stream.submit_tool_outputs({"call_1": "a"}),
            stream.submit_tool_outputs({"call_1": "b"}),
            return_exceptions=True,
        )
        await stream.until_done()
    assert [None] == [r for r in results if r is None]
    assert [InvalidStateError] == [type(r) for r in results if r is not None]
    assert 1 == len([r for r in server.requests if r.path == SUBMIT_PATH])
    assert StreamState.FINISHED == stream.state


async def test_aclose_during_the_last_callbacks_ends_quietly() -> None:
    """Closed from another task while ``on_done`` awaits: the reader returns, on_end once."""
    entered, release = asyncio.Event(), asyncio.Event()

    class Slow(Recorder):
        async def on_done(self) -> None:
            self.calls.append(("on_done", ()))
            entered.set()
            await release.wait()

    handler = Slow()
    stream = replay(answered(), handler)
    reading = asyncio.create_task(stream.until_done())
    await asyncio.wait_for(entered.wait(), 2)
    await stream.aclose()
    release.set()
    await asyncio.wait_for(reading, 2)
    assert (StreamState.CLOSED, 1) == (stream.state, handler.names().count("on_end"))


async def test_a_pause_lets_another_iteration_read_on(server: Loopback) -> None:
    """``async for`` up to the pause, a submit, then ``text_deltas`` reads the rest."""
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with streaming(server) as stream:
        assert "done" == [event.event async for event in stream][-1]
        await stream.submit_tool_outputs({"call_1": "sunny"})
        assert ["Sunny in Paris."] == [fragment async for fragment in stream.text_deltas]
