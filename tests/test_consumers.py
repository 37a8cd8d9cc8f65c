"""Tests for assistant_stream._consumers: one stream, several tasks.

Waits (``until_done``, ``get_final_*``) may run in any number of tasks at once and all get
the stream's one outcome; a second iteration while one holds the stream is refused with
``InvalidStateError``. Over loopback HTTP (a real aiohttp body) and over ``replay``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from builders import Recorder, body, message, message_delta, run, sse, text, text_patch
from loopback import Gate, Loopback, Pause, Reply
from wire import HEAD, TAIL, stream_of

from assistant_stream import (
    AssistantStream,
    InvalidStateError,
    StreamInterrupted,
    StreamState,
    replay,
)

FRAMES = (
    ("thread.run.created", run("queued")),
    ("thread.message.created", message("msg_1")),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel", []))),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"))),
    ("thread.message.completed", message("msg_1", "completed", [text("Hello")])),
    ("thread.run.completed", run("completed")),
)


async def gated(gate: asyncio.Event) -> AsyncIterator[bytes]:
    """The stream's first event, then the rest once ``gate`` is set."""
    (name, data), *rest = FRAMES
    yield sse(name, data)
    await asyncio.wait_for(gate.wait(), 10)
    for name, data in rest:
        yield sse(name, data)
    yield sse("done", "[DONE]")


def texts(messages: Any) -> list[str]:
    return [block.text.value for message in messages for block in message.content]


# -- waits in several tasks --------------------------------------------------------------------


async def test_two_waits_over_http_one_after_the_other(server: Loopback) -> None:
    """until_done in one task, get_final_messages in another: both see the whole run."""
    gate = asyncio.Event()
    server.script(Reply.stream(*HEAD, Gate(gate), *TAIL))
    recorder = Recorder()
    async with server.client() as client, stream_of(client, recorder) as stream:
        drained = asyncio.create_task(stream.until_done())
        await asyncio.sleep(0.05)  # the first wait is reading, blocked on the gate
        finals = asyncio.create_task(stream.get_final_messages())
        await asyncio.sleep(0.05)
        gate.set()
        await drained
        assert ["Hello"] == texts(await finals)
    assert StreamState.FINISHED == stream.state
    assert 1 == recorder.names().count("on_message_done")


async def test_two_waits_over_http_started_together(server: Loopback) -> None:
    """Waits started in the same instant share one reader and one outcome."""
    gate = asyncio.Event()
    server.script(Reply.stream(*HEAD, Gate(gate), *TAIL))
    async with server.client() as client, stream_of(client) as stream:
        asyncio.get_running_loop().call_later(0.05, gate.set)
        final, messages, steps, _ = await asyncio.gather(
            stream.get_final_run(),
            stream.get_final_messages(),
            stream.get_final_run_steps(),
            stream.until_done(),
        )
    assert ("completed", ["Hello"], ()) == (final.run and final.run.status, texts(messages), steps)


async def test_many_waits_over_replay() -> None:
    """Ten tasks waiting on one replayed stream all return, with the callbacks run once."""
    recorder = Recorder()
    gate = asyncio.Event()
    async with replay(gated(gate), recorder) as stream:
        asyncio.get_running_loop().call_later(0.02, gate.set)
        results = await asyncio.gather(*(stream.get_final_messages() for _ in range(10)))
    assert [["Hello"]] * 10 == [texts(messages) for messages in results]
    assert 1 == recorder.names().count("on_text_done")


async def test_every_wait_gets_the_same_failure() -> None:
    """When the stream fails, every waiting task raises the same exception object."""
    gate = asyncio.Event()

    async def cut() -> AsyncIterator[bytes]:
        yield sse(*FRAMES[0])
        await asyncio.wait_for(gate.wait(), 10)

    async with replay(cut()) as stream:
        waits = [asyncio.create_task(stream.until_done()) for _ in range(3)]
        await asyncio.sleep(0.02)
        gate.set()
        outcomes = await asyncio.gather(*waits, return_exceptions=True)
    assert all(isinstance(outcome, StreamInterrupted) for outcome in outcomes)
    assert 1 == len({id(outcome) for outcome in outcomes})


# -- iterations -----------------------------------------------------------------------------


async def test_second_iteration_in_another_task_is_refused(server: Loopback) -> None:
    """While one task iterates, another's async for raises InvalidStateError naming it."""
    gate = asyncio.Event()
    server.script(Reply.stream(*HEAD, Gate(gate), *TAIL))
    async with server.client() as client, stream_of(client) as stream:
        names = [(await anext(stream)).event]
        with pytest.raises(InvalidStateError, match="async for"):
            async for _ in stream.text_deltas:
                pass
        names += [(await anext(stream)).event for _ in HEAD[1:]]
        reading = asyncio.create_task(anext(stream))  # a pull waiting on the server
        await asyncio.sleep(0.05)
        with pytest.raises(InvalidStateError, match="being read by async for"):
            await anext(stream)
        gate.set()
        names += [(await reading).event, *[event.event async for event in stream]]
    assert len(HEAD) + len(TAIL) == len(names)
    assert ("thread.run.created", "done") == (names[0], names[-1])


async def test_text_deltas_refuse_async_for_until_closed() -> None:
    """A text_deltas iterator holds the stream; once closed, async for may go on."""
    async with replay(body(*FRAMES)) as stream:
        deltas = stream.text_deltas
        assert "Hel" == await anext(deltas)
        with pytest.raises(InvalidStateError, match="text_deltas"):
            await anext(stream)
        await deltas.aclose()  # type: ignore[attr-defined]
        rest = [event.event async for event in stream]
    assert ["thread.message.delta", "thread.message.completed"] == rest[:2]


async def test_wait_in_another_task_waits_for_the_iteration() -> None:
    """A wait elsewhere does not steal events: it returns once the iteration ends."""
    gate = asyncio.Event()
    async with replay(gated(gate)) as stream:
        seen = [(await anext(stream)).event]
        waited = asyncio.create_task(stream.get_final_messages())
        await asyncio.sleep(0.02)
        assert not waited.done()
        gate.set()
        seen += [event.event async for event in stream]
        assert ["Hello"] == texts(await waited)
    assert ["thread.run.created", "thread.message.created"] == seen[:2]
    assert "done" == seen[-1]


async def test_wait_inside_the_loop_drives_the_rest() -> None:
    """until_done() in the iterating task's loop body reads the rest; the loop then ends."""
    seen = []
    async with replay(body(*FRAMES)) as stream:
        async for event in stream:
            seen.append(event.event)
            if event.event == "thread.message.created":
                await stream.until_done()
    assert ["thread.run.created", "thread.message.created"] == seen
    assert StreamState.FINISHED == stream.state


async def test_iteration_after_the_end_is_empty() -> None:
    """Once a wait has read the stream, async for and text_deltas yield nothing."""
    async with replay(body(*FRAMES)) as stream:
        await stream.until_done()
        assert [] == [event async for event in stream]
        assert [] == [delta async for delta in stream.text_deltas]


async def test_a_wait_during_a_wait_never_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second wait never reads the body: one reader at a time, by construction."""
    reads: list[str] = []
    original = AssistantStream._read

    async def counting(self: AssistantStream, reader: str, *, drain: bool) -> Any:
        reads.append(reader)
        return await original(self, reader, drain=drain)

    monkeypatch.setattr(AssistantStream, "_read", counting)
    gate = asyncio.Event()
    async with replay(gated(gate)) as stream:
        waits = [asyncio.create_task(stream.until_done()) for _ in range(2)]
        await asyncio.sleep(0.02)
        gate.set()
        await asyncio.gather(*waits)
    assert ["until_done()"] == reads


# -- ends that wake every wait -----------------------------------------------------------------


async def test_cancelling_the_reader_wakes_the_other_waits() -> None:
    """The task reading is cancelled: the stream closes, and the other waits return."""
    gate = asyncio.Event()
    recorder = Recorder()
    async with replay(gated(gate), recorder) as stream:
        reading = asyncio.create_task(stream.until_done())
        await asyncio.sleep(0.02)
        waiting = asyncio.create_task(stream.get_final_run())
        await asyncio.sleep(0.02)
        reading.cancel()
        final = await asyncio.wait_for(waiting, 5)
        with pytest.raises(asyncio.CancelledError):
            await reading
    assert (StreamState.CLOSED, False) == (stream.state, final.ended)
    assert 1 == recorder.names().count("on_end")


async def test_closing_wakes_a_wait_behind_an_iteration() -> None:
    """aclose() while another task waits behind an idle iteration: the wait returns."""
    gate = asyncio.Event()
    stream = replay(gated(gate))
    async with stream:
        await anext(stream)
        waiting = asyncio.create_task(stream.get_final_messages())
        await asyncio.sleep(0.02)
        assert not waiting.done()
    assert () == await asyncio.wait_for(waiting, 5)
    assert StreamState.CLOSED == stream.state


async def test_a_dropped_text_deltas_iterator_lets_go(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text_deltas iterator that is closed (as garbage collection does) frees the stream."""
    async with replay(body(*FRAMES)) as stream:
        async for delta in stream.text_deltas:
            assert "Hel" == delta
            break  # the iterator is left suspended, then closed when collected
        for _ in range(3):  # the event loop closes a collected generator in a task of its own
            await asyncio.sleep(0)
        assert "thread.message.delta" == (await anext(stream)).event


# -- opening and closing from other tasks ------------------------------------------------------


async def test_a_wait_while_async_with_opens_the_stream(server: Loopback) -> None:
    """A wait that starts while async with is still opening waits, then reads the stream."""
    server.script(Reply.stream(*HEAD, *TAIL, before=Pause(0.1)))
    async with server.client() as client:
        stream = stream_of(client)
        entering = asyncio.create_task(stream.__aenter__())
        await asyncio.sleep(0.02)  # the request is out; the headers are not back yet
        messages = await asyncio.wait_for(stream.get_final_messages(), 5)
        assert stream is await entering
        await stream.aclose()
    assert ["Hello"] == texts(messages)


async def test_aclose_from_another_task_ends_a_wait_quietly(server: Loopback) -> None:
    """aclose() elsewhere while a wait reads: the wait returns, the stream is closed."""
    gate = asyncio.Event()
    server.script(Reply.stream(*HEAD, Gate(gate), *TAIL))
    recorder = Recorder()
    async with server.client() as client:
        stream = stream_of(client, recorder)
        reading = asyncio.create_task(stream.until_done())
        await asyncio.sleep(0.05)  # reading, blocked on the gate
        await stream.aclose()
        await asyncio.wait_for(reading, 5)
        final = await stream.get_final_run()
    assert (StreamState.CLOSED, False) == (stream.state, final.ended)
    assert 1 == recorder.names().count("on_end")
    assert "on_exception" not in recorder.names()


async def test_aclose_from_another_task_ends_an_iteration() -> None:
    """aclose() elsewhere while async for waits: the loop ends, no exception."""
    gate = asyncio.Event()
    async with replay(gated(gate)) as stream:

        async def iterate() -> list[str]:
            return [event.event async for event in stream]

        iterating = asyncio.create_task(iterate())
        await asyncio.sleep(0.02)
        await stream.aclose()
        gate.set()
        seen = await asyncio.wait_for(iterating, 5)
    assert ["thread.run.created"] == seen


@pytest.mark.parametrize("closer", ["another task", "the callback itself"])
async def test_aclose_during_a_callback_delivers_nothing_after_on_end(closer: str) -> None:
    """Closed while a callback mid-body awaits: no event of the chunk is delivered after."""
    entered, release = asyncio.Event(), asyncio.Event()
    data = body(
        ("thread.message.created", message("msg_1")),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "one"))),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, " two"))),
        ("thread.run.completed", run("completed")),
    )

    class Slow(Recorder):
        async def on_message_created(self, message: Any) -> None:
            self.calls.append(("on_message_created", (message,)))
            if closer == "the callback itself":
                await stream.aclose()
            entered.set()
            await release.wait()

    handler = Slow()
    stream = replay(data, handler)
    reading = asyncio.create_task(stream.until_done())
    await asyncio.wait_for(entered.wait(), 2)
    await stream.aclose()
    release.set()
    await asyncio.wait_for(reading, 2)
    names = handler.names()
    assert ["on_connect", "on_message_created", "on_end"] == names
    assert StreamState.CLOSED == stream.state
