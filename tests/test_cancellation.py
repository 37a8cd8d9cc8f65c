"""Tests for cancelling AssistantClient streams over real HTTP (``loopback.Loopback``).

Cancelling the task that drains a stream, wherever it waits (the server's next bytes, a
callback, the response headers, a retry's backoff), or leaving an ``asyncio.timeout``
block, propagates the cancellation as is. The stream ends ``CLOSED`` with ``on_end`` run
once and ``on_exception`` not run; the connection is closed (the server sees its client
leave) and not returned to the pool, unless no stream had started on it; no task is left.
Closing the client while a stream waits ends that stream with ``APIConnectionError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from builders import Recorder
from loopback import Gate, Loopback, Pause, Reply, Silence
from wire import COMPLETE, HEAD, acquired, pooled, settled, stray_tasks, stream_of

from assistant_stream import (
    APIConnectionError,
    AssistantStream,
    StreamState,
    Timeout,
)


class Blocking(Recorder):
    """Sets ``seen`` at the first text delta; with ``block``, then waits there forever."""

    def __init__(self, *, block: bool = False) -> None:
        super().__init__()
        self.seen = asyncio.Event()
        self.block = block

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        await super().on_text_delta(delta, snapshot)
        self.seen.set()
        if self.block:
            await asyncio.Event().wait()


async def until_done(stream: AssistantStream) -> None:
    """Drain with ``until_done()``."""
    await stream.until_done()


async def iterate(stream: AssistantStream) -> None:
    """Drain with ``async for`` inside ``async with``."""
    async with stream:
        async for _ in stream:
            pass


CONSUMERS: dict[str, Callable[[AssistantStream], Awaitable[None]]] = {
    "until_done": until_done,
    "async for": iterate,
}


async def cancelled(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and check that the cancellation comes out of it."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def no_task_left(server: Loopback) -> None:
    """Close the server (the client is closed) and check that no task is left."""
    await server.close()
    await settled(lambda: not stray_tasks())
    assert set() == stray_tasks()


@pytest.mark.parametrize("consumer", CONSUMERS.values(), ids=CONSUMERS)
@pytest.mark.parametrize("block", [False, True], ids=["waiting for bytes", "in a callback"])
async def test_cancelled_mid_stream_closes_stream_and_connection(
    server: Loopback,
    consumer: Callable[[AssistantStream], Awaitable[None]],
    block: bool,
) -> None:
    """Cancelling mid-stream: CancelledError out, on_end once, CLOSED, the connection closed."""
    recorder = Blocking(block=block)
    server.script(Reply.stream(*HEAD, Silence()))
    async with server.client() as client:
        async with asyncio.timeout(5):
            stream = stream_of(client, recorder)
            task = asyncio.create_task(consumer(stream))
            await recorder.seen.wait()
            await asyncio.sleep(0.02)  # the task now waits for the server, or in the callback
            await cancelled(task)
            assert "client left" == await server.requests[0].wait_ended()
            await settled(lambda: not stray_tasks())  # the client left none, even still open
        names = recorder.names()
        assert ("on_end", 1) == (names[-1], names.count("on_end"))
        assert "on_exception" not in names
        assert (StreamState.CLOSED, 0) == (stream.state, pooled(client))
        await stream.aclose()  # idempotent: on_end does not run again
        assert 1 == recorder.names().count("on_end")
        assert 0 == acquired(client)
    await no_task_left(server)


async def test_cancelled_while_waiting_for_headers(server: Loopback) -> None:
    """Cancelling before the response headers: on_end only, and the request abandoned."""
    recorder = Recorder()
    server.script(Reply.stream(*HEAD, before=Gate(asyncio.Event())))
    async with server.client() as client:
        async with asyncio.timeout(5):
            stream = stream_of(client, recorder)
            task = asyncio.create_task(stream.until_done())
            await settled(lambda: len(server.requests) == 1)
            await cancelled(task)
            assert "client left" == await server.requests[0].wait_ended()
        assert (["on_end"], StreamState.CLOSED) == (recorder.names(), stream.state)
        assert 0 == pooled(client)
        assert 0 == acquired(client)
    await no_task_left(server)


async def test_cancelled_during_retry_backoff(server: Loopback) -> None:
    """Cancelling while a 429's retry-after-ms runs: no second request, the pool keeps it."""
    limited = {"error": {"message": "Rate limit reached", "type": "requests"}}
    server.script(
        Reply.json(limited, status=429, headers={"retry-after-ms": "5000"}),
        Reply.stream(*HEAD),
    )
    recorder = Recorder()
    async with server.client() as client:
        async with asyncio.timeout(5):
            stream = stream_of(client, recorder)
            task = asyncio.create_task(stream.until_done())
            await settled(lambda: pooled(client) == 1)  # the error body was read; now it sleeps
            await cancelled(task)
        assert (["on_end"], StreamState.CLOSED) == (recorder.names(), stream.state)
        assert (1, "completed") == (len(server.requests), server.requests[0].outcome)
        assert 1 == pooled(client)  # no stream started on it: the connection is reusable
        assert 0 == acquired(client)
    await no_task_left(server)


async def test_caller_deadline_raises_timeout_error_not_an_api_error(server: Loopback) -> None:
    """An ``asyncio.timeout`` around until_done raises the builtin TimeoutError; CLOSED."""
    recorder = Recorder()
    server.script(Reply.stream(*HEAD, Silence()))
    async with server.client() as client:
        stream = stream_of(client, recorder)
        with pytest.raises(TimeoutError) as caught:
            async with asyncio.timeout(0.3):
                await stream.until_done()
        assert TimeoutError is type(caught.value)
        assert "client left" == await server.requests[0].wait_ended()
        names = recorder.names()
        assert ("on_end", 1) == (names[-1], names.count("on_end"))
        assert not {"on_timeout", "on_exception"} & set(names)
        assert StreamState.CLOSED == stream.state
        assert 0 == acquired(client)
    await no_task_left(server)


async def test_cancelled_while_draining_after_done(server: Loopback) -> None:
    """Cancelled while awaiting the body's end after ``done``: FINISHED, connection closed."""
    server.script(Reply.stream(COMPLETE, Pause(3.0)))
    recorder = Recorder()
    async with server.client() as client:
        async with asyncio.timeout(5):
            stream = stream_of(client, recorder)
            task = asyncio.create_task(stream.until_done())
            await settled(lambda: "on_done" in recorder.names())
            await cancelled(task)  # the drain waits DRAIN_SECONDS for the terminator
            assert "client left" == await server.requests[0].wait_ended()
        names = recorder.names()
        assert (["on_done", "on_end"], 1) == (names[-2:], names.count("on_end"))
        assert StreamState.FINISHED == stream.state  # every event was delivered
        assert (0, 0) == (acquired(client), pooled(client))
    await no_task_left(server)


async def test_closing_the_client_ends_its_open_streams(server: Loopback) -> None:
    """Closing the client while a stream waits for the server ends that stream with an error."""
    server.script(Reply.stream(*HEAD, Silence()))
    recorder = Recorder()
    client = server.client(timeout=Timeout(read=0.3))
    async with client:
        stream = stream_of(client, recorder)
        task = asyncio.create_task(stream.until_done())
        try:
            await settled(lambda: "on_text_delta" in recorder.names())
            await client.aclose()
            async with asyncio.timeout(1.5):  # five times Timeout.read
                with pytest.raises(APIConnectionError, match="client was closed") as info:
                    await task
            assert info.value.partial is not None  # what came before the close is kept
            assert "thread.message.delta" == info.value.partial.last_event.event
            assert ("on_end", 1) == (recorder.names()[-1], recorder.names().count("on_end"))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await stream.aclose()
