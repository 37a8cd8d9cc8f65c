"""Tests for AssistantClient's timeouts over real HTTP (``loopback.Loopback``).

A server that goes silent mid-stream trips ``Timeout.read``; one that sends only keep-alive
comments trips ``event_idle`` (comments are not events) but not ``read``; events with
shorter gaps, and a callback slower than ``event_idle``, trip nothing. ``total`` caps a
stream that never ends. A timeout during a stream calls ``on_timeout``, ``on_exception`` and
``on_end`` in that order and keeps what arrived in ``partial``. A read timeout before the
response headers fails a run request at once (the server may have started the run; see
``test_client_run_retries``) and is retried with ``unsafe_run_retries``; a refused
connection is retried.
"""

from __future__ import annotations

import asyncio
from typing import Any

import attrs
from builders import Recorder
from loopback import FAST_RETRIES, Loopback, Pause, Pings, Reply, Silence
from wire import COMPLETE, HEAD, TAIL, acquired, failure, stream_of, texts

from assistant_stream import (
    APIConnectionError,
    APITimeoutError,
    AssistantClient,
    StreamState,
    Timeout,
)

TIMEOUT_END = ["on_timeout", "on_exception", "on_end"]
#: Fast retries that also resend a run request after a read timeout before the headers.
UNSAFE_RETRIES = attrs.evolve(FAST_RETRIES, unsafe_run_retries=True)


async def test_silent_server_raises_read_timeout(server: Loopback) -> None:
    """Headers and some events, then nothing: APITimeoutError "read" after Timeout.read."""
    server.script(Reply.stream(*HEAD, Silence()))
    recorder = Recorder()
    async with server.client(timeout=Timeout(read=0.2)) as client:
        error = await failure(stream_of(client, recorder))
        assert 0 == acquired(client)
    assert isinstance(error, APITimeoutError)
    assert ("read", 0.2) == (error.kind, error.seconds)
    assert TIMEOUT_END == recorder.names()[-3:]
    assert error.partial is not None
    assert ("thread.message.delta", ["Hel"]) == (
        error.partial.last_event and error.partial.last_event.event,
        texts(error),
    )
    assert "client left" == await server.requests[0].wait_ended()


async def test_keep_alive_comments_alone_raise_event_idle(server: Loopback) -> None:
    """Only ``: ping`` comments after some events: APITimeoutError "event_idle" in time."""
    server.script(Reply.stream(*HEAD, Pings(0.05)))
    loop = asyncio.get_running_loop()
    event_times: list[float] = []

    class Clocked(Recorder):
        async def on_event(self, event: Any) -> None:
            event_times.append(loop.time())
            await super().on_event(event)

    recorder = Clocked()
    async with server.client(timeout=Timeout(read=1, event_idle=0.3)) as client:
        error = await failure(stream_of(client, recorder))
        waited = loop.time() - event_times[-1]
    assert isinstance(error, APITimeoutError)
    assert ("event_idle", 0.3) == (error.kind, error.seconds)
    assert 0.3 <= waited < 1.0
    assert TIMEOUT_END == recorder.names()[-3:]
    assert ["Hel"] == texts(error)
    assert "client left" == await server.requests[0].wait_ended()


async def test_events_with_gaps_shorter_than_event_idle_complete(server: Loopback) -> None:
    """Events 0.08 s apart, with comments between them, never trip event_idle=0.3."""
    steps: list[Any] = []
    for frame in [*HEAD, *TAIL]:
        steps += [frame, Pause(0.04), b": ping\n\n", Pause(0.04)]
    server.script(Reply.stream(*steps))
    recorder = Recorder()
    client = server.client(timeout=Timeout(read=1, event_idle=0.3))
    async with client, asyncio.timeout(5), stream_of(client, recorder) as stream:
        final = await stream.get_final_run()
    assert (StreamState.FINISHED, "completed") == (stream.state, final.run and final.run.status)
    assert "on_exception" not in recorder.names()


async def test_slow_callback_does_not_count_as_idle(server: Loopback) -> None:
    """A callback sleeping longer than event_idle does not trip it: callbacks are not silence."""
    server.script(Reply.stream(*HEAD, *TAIL))

    class Slow(Recorder):
        async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            await asyncio.sleep(0.45)
            await super().on_text_delta(delta, snapshot)

    recorder = Slow()
    client = server.client(timeout=Timeout(read=5, event_idle=0.3))
    async with client, asyncio.timeout(5), stream_of(client, recorder) as stream:
        await stream.until_done()
    assert (StreamState.FINISHED, 2) == (stream.state, len(recorder.args("on_text_delta")))
    assert "on_timeout" not in recorder.names()


async def test_total_timeout_caps_a_stream_that_never_ends(server: Loopback) -> None:
    """Comments forever with Timeout(total=0.3): APITimeoutError "total", nothing lost."""
    server.script(Reply.stream(*HEAD, Pings(0.05)))
    recorder = Recorder()
    async with server.client(timeout=Timeout(total=0.3)) as client:
        error = await failure(stream_of(client, recorder))
        assert 0 == acquired(client)
    assert isinstance(error, APITimeoutError)
    assert ("total", 0.3) == (error.kind, error.seconds)
    assert TIMEOUT_END == recorder.names()[-3:]
    assert ["Hel"] == texts(error)
    assert "client left" == await server.requests[0].wait_ended()


async def test_read_timeout_before_headers_is_retried_when_opted_in(server: Loopback) -> None:
    """Headers slower than Timeout.read, unsafe_run_retries: sent again, then the stream runs."""
    server.script(
        Reply.stream(COMPLETE, before=Pause(1.0)),
        Reply.stream(COMPLETE, before=Pause(1.0)),
        Reply.stream(COMPLETE),
    )
    recorder = Recorder()
    client = server.client(timeout=Timeout(read=0.2), retry_policy=UNSAFE_RETRIES)
    async with client, asyncio.timeout(5), stream_of(client, recorder) as stream:
        await stream.until_done()
    assert StreamState.FINISHED == stream.state
    assert ["on_connect"] == recorder.names()[:1]
    assert 3 == len(server.requests)
    outcomes = [await received.wait_ended() for received in server.requests]
    assert ["client left", "client left", "completed"] == outcomes


async def test_read_timeouts_before_headers_run_out_when_opted_in(server: Loopback) -> None:
    """Headers always too slow, unsafe_run_retries: APITimeoutError after 1 + max_retries."""
    server.script(*[Reply.stream(COMPLETE, before=Pause(1.0))] * 3)
    recorder = Recorder()
    async with server.client(timeout=Timeout(read=0.2), retry_policy=UNSAFE_RETRIES) as client:
        error = await failure(stream_of(client, recorder))
    assert isinstance(error, APITimeoutError)
    assert ("read", 3) == (error.kind, len(server.requests))
    assert TIMEOUT_END == recorder.names()


async def test_refused_connection_is_retried_then_raised() -> None:
    """Nothing listening: APIConnectionError after the retries, and no callback but the end."""
    async with Loopback() as gone:
        url = gone.url  # the port is closed when the server stops
    recorder = Recorder()
    client = AssistantClient(api_key="k", base_url=url, retry_policy=FAST_RETRIES)
    async with client:
        error = await failure(stream_of(client, recorder))
    assert APIConnectionError is type(error)
    assert ["on_exception", "on_end"] == recorder.names()
