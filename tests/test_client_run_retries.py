"""Tests for assistant_stream._transport's retry rule over real HTTP: what the server saw.

A run request (``runs.stream``, ``create_and_run_stream``, ``submit_tool_outputs_stream``)
is sent again only when the server cannot have acted on it: a refused connection, a TLS
handshake that failed, or a 408, 409, 429 or 503 (or ``x-should-retry: true``). After a
500, 502, 504, a read timeout before the headers or a connection lost after sending, the
loopback server (``loopback.Loopback``, or ``Dropper`` for a connection closed once the
request is read) sees one POST and the error is raised at once, unless the policy has
``unsafe_run_retries``. Other requests are retried after those failures as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from builders import Recorder
from loopback import API_KEY, FAST_RETRIES, Cut, Gate, Loopback, Pause, Reply
from mock_http import THREAD_JSON
from wire import COMPLETE, HEAD, failure

from assistant_stream import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssistantClient,
    AssistantStream,
    RetryPolicy,
    StreamInterrupted,
    StreamState,
    Timeout,
)

OPTED_IN = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002, unsafe_run_retries=True)
ERROR_BODY = {"error": {"message": "something went wrong", "type": "server_error"}}
SLOW = Timeout(read=0.2)

Starter = Callable[[AssistantClient, Recorder], AssistantStream]

#: The three requests that start a run, each as the stream it returns.
STARTERS: dict[str, Starter] = {
    "runs.stream": lambda client, recorder: client.threads.runs.stream(
        "thread_1", assistant_id="asst_1", handler=recorder
    ),
    "create_and_run_stream": lambda client, recorder: client.threads.create_and_run_stream(
        assistant_id="asst_1", handler=recorder
    ),
    "submit_tool_outputs_stream": lambda client, recorder: (
        client.threads.runs.submit_tool_outputs_stream(
            "thread_1",
            "run_1",
            tool_outputs=[{"tool_call_id": "call_1", "output": "1"}],
            handler=recorder,
        )
    ),
}


def retries_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The retry records on the ``assistant_stream`` logger, as messages."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "assistant_stream" and record.getMessage().startswith("retrying ")
    ]


async def completed(stream: AssistantStream) -> AssistantStream:
    """Drain ``stream`` to its end (it must succeed) and return it."""
    async with asyncio.timeout(5), stream:
        await stream.until_done()
    return stream


class Dropper:
    """A TCP server on 127.0.0.1 that reads each whole request, then closes the connection.

    The client has sent its request and gets no response: the server may have acted on it.
    ``requests`` holds the request line of each request read.
    """

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Dropper:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        """The API root to give a client as ``base_url``."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/v1"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            self.requests.append(head.split(b"\r\n", 1)[0])
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client left first: nothing was read whole
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


# -- run requests: resent only when the server cannot have acted ----------------------------


@pytest.mark.parametrize("starter", STARTERS.values(), ids=STARTERS)
@pytest.mark.parametrize("status", [500, 502, 504, 599])
async def test_run_request_not_resent_after_a_5xx(
    server: Loopback, starter: Starter, status: int
) -> None:
    """A 5xx other than 503 to a run request: one POST, and the status error at once."""
    server.script(Reply.json(ERROR_BODY, status=status), Reply.stream(COMPLETE))
    recorder = Recorder()
    async with server.client() as client:
        error = await failure(starter(client, recorder))
    assert isinstance(error, APIStatusError)
    assert (status, ["POST"]) == (error.status_code, [r.method for r in server.requests])
    assert ["on_exception", "on_end"] == recorder.names()


@pytest.mark.parametrize("starter", STARTERS.values(), ids=STARTERS)
@pytest.mark.parametrize("status", [408, 409, 429, 503])
async def test_run_request_resent_after_a_refusal_status(
    server: Loopback, starter: Starter, status: int
) -> None:
    """408, 409, 429 or 503 to a run request: it is sent again, and the stream completes."""
    server.script(Reply.json(ERROR_BODY, status=status), Reply.stream(COMPLETE))
    async with server.client() as client:
        stream = await completed(starter(client, Recorder()))
    assert (StreamState.FINISHED, 2) == (stream.state, len(server.requests))
    assert server.requests[0].json == server.requests[1].json


@pytest.mark.parametrize("starter", STARTERS.values(), ids=STARTERS)
async def test_run_request_not_resent_after_a_read_timeout_before_headers(
    server: Loopback, starter: Starter
) -> None:
    """Headers slower than Timeout.read: one POST, then APITimeoutError "read"."""
    server.script(*[Reply.stream(COMPLETE, before=Pause(1.0))] * 3)
    async with server.client(timeout=SLOW) as client:
        error = await failure(starter(client, Recorder()))
    assert isinstance(error, APITimeoutError)
    assert ("read", 1) == (error.kind, len(server.requests))


@pytest.mark.parametrize("starter", STARTERS.values(), ids=STARTERS)
async def test_run_request_not_resent_after_the_connection_is_lost(starter: Starter) -> None:
    """The connection closed after the request was read: one request, APIConnectionError."""
    async with Dropper() as dropper:
        client = AssistantClient(api_key=API_KEY, base_url=dropper.url, retry_policy=FAST_RETRIES)
        async with client:
            error = await failure(starter(client, Recorder()))
    assert APIConnectionError is type(error)
    assert 1 == len(dropper.requests)


@pytest.mark.parametrize("starter", STARTERS.values(), ids=STARTERS)
async def test_run_request_resent_after_a_refused_connection(
    caplog: pytest.LogCaptureFixture, starter: Starter
) -> None:
    """Nothing listening: the request never left, so it is retried twice, then raised."""
    caplog.set_level(logging.INFO, logger="assistant_stream")
    async with Loopback() as gone:
        url = gone.url  # the port is closed when the server stops
    client = AssistantClient(api_key=API_KEY, base_url=url, retry_policy=FAST_RETRIES)
    async with client:
        error = await failure(starter(client, Recorder()))
    assert APIConnectionError is type(error)
    wanted = ["(retry 1 of 2)", "(retry 2 of 2)"]
    assert wanted == [
        part
        for part, message in zip(wanted, retries_logged(caplog), strict=True)
        if part in message and "Cannot connect" in message
    ]


async def test_run_request_resent_after_a_tls_handshake_failure(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """https:// to a plain HTTP server fails the handshake: retried, and no request arrived."""
    caplog.set_level(logging.INFO, logger="assistant_stream")
    url = server.url.replace("http://", "https://")
    client = AssistantClient(api_key=API_KEY, base_url=url, retry_policy=FAST_RETRIES)
    async with client:
        error = await failure(STARTERS["runs.stream"](client, Recorder()))
    assert APIConnectionError is type(error)
    assert "TLS failed" in str(error)
    assert (2, []) == (len(retries_logged(caplog)), server.requests)


@pytest.mark.parametrize(
    ("status", "verdict", "requests"), [(500, "true", 2), (502, "true", 2), (503, "false", 1)]
)
async def test_x_should_retry_decides_for_a_run_request(
    server: Loopback, status: int, verdict: str, requests: int
) -> None:
    """x-should-retry: true resends a run request after any status; false never does."""
    headers = {"x-should-retry": verdict}
    server.script(Reply.json(ERROR_BODY, status=status, headers=headers), Reply.stream(COMPLETE))
    async with server.client() as client:
        stream = STARTERS["runs.stream"](client, Recorder())
        if requests == 1:
            await failure(stream)
        else:
            await completed(stream)
    assert requests == len(server.requests)


# -- the opt-in: unsafe_run_retries ---------------------------------------------------------


async def test_opt_in_resends_a_run_request_after_a_5xx(server: Loopback) -> None:
    """With unsafe_run_retries, a 500 to a run request is retried as for any request."""
    server.script(Reply.json(ERROR_BODY, status=500), Reply.stream(COMPLETE))
    async with server.client(retry_policy=OPTED_IN) as client:
        stream = await completed(STARTERS["create_and_run_stream"](client, Recorder()))
    assert (StreamState.FINISHED, 2) == (stream.state, len(server.requests))


async def test_opt_in_resends_a_run_request_after_the_connection_is_lost() -> None:
    """With unsafe_run_retries, a lost connection is retried: three requests, then raised."""
    async with Dropper() as dropper:
        client = AssistantClient(api_key=API_KEY, base_url=dropper.url, retry_policy=OPTED_IN)
        async with client:
            error = await failure(STARTERS["runs.stream"](client, Recorder()))
    assert (APIConnectionError, 3) == (type(error), len(dropper.requests))


async def test_opt_in_never_resends_a_stream_that_started(server: Loopback) -> None:
    """Even with unsafe_run_retries, a stream cut after its first bytes is not sent again."""
    seen = asyncio.Event()
    server.script(Reply.stream(*HEAD, Gate(seen), Cut()), Reply.stream(COMPLETE))

    class Noting(Recorder):
        async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            seen.set()

    recorder = Noting()
    async with server.client(retry_policy=OPTED_IN) as client:
        error = await failure(STARTERS["runs.stream"](client, recorder))
    assert (StreamInterrupted, 1) == (type(error), len(server.requests))


# -- other requests keep retrying after ambiguous failures -----------------------------------


async def test_other_request_resent_after_a_read_timeout_before_headers(server: Loopback) -> None:
    """threads.create whose headers come too late is sent again; the second answer is used."""
    slow = Reply(200, {"Content-Type": "application/json"}, body=orjson.dumps(THREAD_JSON))
    server.script(
        Reply(slow.status, slow.headers, body=slow.body, before=Pause(1.0)),
        Reply.json(THREAD_JSON),
    )
    async with server.client(timeout=SLOW) as client:
        thread = await client.threads.create()
    assert ("thread_1", 2) == (thread.id, len(server.requests))


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_get_resent_after_a_5xx(server: Loopback, status: int) -> None:
    """runs.retrieve answered 500, 502 or 504 is sent again."""
    run = {"id": "run_1", "object": "thread.run", "thread_id": "thread_1", "status": "queued"}
    server.script(Reply.json(ERROR_BODY, status=status), Reply.json(run))
    async with server.client() as client:
        got = await client.threads.runs.retrieve("thread_1", "run_1")
    assert ("run_1", ["GET", "GET"]) == (got.id, [r.method for r in server.requests])


async def test_other_request_resent_after_the_connection_is_lost() -> None:
    """threads.create whose connection is lost after sending: three requests, then raised."""
    async with Dropper() as dropper:
        client = AssistantClient(api_key=API_KEY, base_url=dropper.url, retry_policy=FAST_RETRIES)
        async with client:
            with pytest.raises(APIConnectionError):
                await client.threads.create()
    assert [b"POST /v1/threads HTTP/1.1"] * 3 == dropper.requests
