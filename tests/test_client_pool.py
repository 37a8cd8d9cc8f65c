"""Tests for AssistantClient's connections over real HTTP (``loopback.Loopback``).

A stream that finished (``done``, then the chunked terminator within ``DRAIN_SECONDS``)
gives its connection back to the pool: the next stream or plain call on the client uses the
same server connection. A stream left early, or whose body does not end in time after
``done``, closes its connection instead, and the next request opens a new one. Two hundred
concurrent streams on one client all deliver their own callbacks, with nothing left over.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from builders import Recorder, body, message, message_delta, record, run, sse, text, text_patch
from loopback import Gate, Loopback, Pause, Received, Reply
from wire import COMPLETE, HEAD, acquired, pooled, stray_tasks, stream_of

from assistant_stream import AssistantClient, AssistantStream, StreamState
from assistant_stream._transport import DRAIN_SECONDS


async def drained(stream: AssistantStream) -> None:
    """Run ``stream`` to its end inside ``async with`` (5 s at most)."""
    async with asyncio.timeout(5), stream:
        await stream.until_done()


async def test_sequential_streams_share_one_connection(server: Loopback) -> None:
    """Two streams then a plain call, one after the other, use one server connection."""
    server.script(Reply.stream(COMPLETE), Reply.stream(COMPLETE), Reply.json(run("completed")))
    async with server.client() as client:
        first, second = stream_of(client), stream_of(client)
        await drained(first)
        assert (0, 1) == (acquired(client), pooled(client))
        await drained(second)
        await client.threads.runs.retrieve("thread_1", "run_1")
        assert (0, 1) == (acquired(client), pooled(client))
    assert (StreamState.FINISHED, StreamState.FINISHED) == (first.state, second.state)
    assert [0, 0, 0] == [received.connection for received in server.requests]
    assert 1 == server.connections
    assert 1 == len({received.port for received in server.requests})


@pytest.mark.parametrize(
    ("tail", "connections"),
    [(DRAIN_SECONDS / 5, 1), (DRAIN_SECONDS * 3, 2)],
    ids=["terminator in time: reused", "terminator too late: closed"],
)
async def test_body_tail_after_done_decides_reuse(
    server: Loopback, tail: float, connections: int
) -> None:
    """After ``done`` the body's end is awaited DRAIN_SECONDS: in time the connection is kept.

    An event after ``done`` is read with the tail, and never delivered.
    """
    late = sse("thread.run.created", run("queued", "run_2"))
    server.script(Reply.stream(COMPLETE, late, Pause(tail)), Reply.stream(COMPLETE))
    recorder = Recorder()
    async with server.client() as client:
        stream = stream_of(client, recorder)
        await drained(stream)
        assert StreamState.FINISHED == stream.state
        await drained(stream_of(client))
    assert ["on_done", "on_end"] == recorder.names()[-2:]
    assert 1 == recorder.names().count("on_run_created")
    assert connections == server.connections
    expected = "completed" if connections == 1 else "client left"
    assert expected == await server.requests[0].wait_ended()


async def test_stream_left_early_closes_its_connection(server: Loopback) -> None:
    """aclose() after the first event closes the connection; the next stream opens another."""
    server.script(Reply.stream(HEAD[0], Gate(asyncio.Event())), Reply.stream(COMPLETE))
    recorder = Recorder()
    async with server.client() as client:
        stream = stream_of(client, recorder)
        async with asyncio.timeout(5):
            async with stream:
                event = await anext(stream)
            assert "client left" == await server.requests[0].wait_ended()
        assert ("thread.run.created", StreamState.CLOSED) == (event.event, stream.state)
        assert (0, 0) == (acquired(client), pooled(client))
        await drained(stream_of(client))
        assert (0, 1) == (acquired(client), pooled(client))
    assert ["on_connect", "on_run_created", "on_end"] == recorder.names()
    assert [0, 1] == [received.connection for received in server.requests]
    assert 2 == server.connections


# ---------------------------------------------------------------------------------------------
# Many streams at once
# ---------------------------------------------------------------------------------------------

STREAMS = 200
DELTAS = 15


def numbered(i: int) -> bytes:
    """The body of stream ``i``: 20 events (15 text deltas) of its own run and message."""
    run_id, message_id = f"run_{i}", f"msg_{i}"
    pieces = [f"<{i}.{k}>" for k in range(DELTAS)]
    frames: list[tuple[str, Any]] = [
        ("thread.run.created", run("queued", run_id)),
        ("thread.run.in_progress", run("in_progress", run_id)),
        ("thread.message.created", message(message_id, run_id=run_id)),
        ("thread.message.delta", message_delta(message_id, text_patch(0, pieces[0], []))),
        *[
            ("thread.message.delta", message_delta(message_id, text_patch(0, piece)))
            for piece in pieces[1:]
        ],
        ("thread.message.completed", message(message_id, "completed", [text("".join(pieces))])),
        ("thread.run.completed", run("completed", run_id)),
    ]
    return body(*frames)


def one_event_per_write(received: Received) -> Reply:
    """The body of the thread the request names, one event per write."""
    found = re.fullmatch(r"/v1/threads/thread_(\d+)/runs", received.path)
    assert found is not None
    data = numbered(int(found[1]))
    return Reply.stream(*[piece for piece in re.split(rb"(?<=\n\n)", data) if piece])


async def test_two_hundred_concurrent_streams_on_one_client(server: Loopback) -> None:
    """200 streams at once on one client each get their own callbacks; nothing is left."""
    server.responder = one_event_per_write
    expected = [(await record(numbered(i))).calls for i in range(STREAMS)]

    async def one(client: AssistantClient, i: int) -> list[tuple[str, tuple[Any, ...]]]:
        recorder = Recorder()
        async with stream_of(client, recorder, f"thread_{i}") as stream:
            await stream.until_done()
        assert StreamState.FINISHED == stream.state
        return recorder.calls

    async with server.client() as client:
        async with asyncio.timeout(15):
            actual = await asyncio.gather(*(one(client, i) for i in range(STREAMS)))
        assert 0 == acquired(client)
        assert server.connections == pooled(client)
    assert expected == actual
    assert STREAMS == len(server.requests)
    assert {"completed"} == {received.outcome for received in server.requests}
    await server.close()
    assert set() == stray_tasks()
