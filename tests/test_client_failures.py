"""Tests for AssistantClient over real HTTP when the server fails a stream.

A loopback server (``loopback.Loopback``) cuts the connection mid-event or between events,
resets it, or ends the body cleanly without ``done``: ``StreamInterrupted`` with what came.
It answers 429, 503 and a 500 with ``x-should-retry: true`` (retried as the retry policy and
the server's ``retry-after-ms`` or ``Retry-After`` say, on the same connection; which
failures a run request is retried after is ``test_client_run_retries``), recorded 400,
401 and 404 error bodies (typed errors with the service's fields and request id, not
retried, the API key masked), and a JSON body with status 200 to a stream request
(``UnexpectedResponseError``, never decoded). Each failure calls ``on_exception`` and
``on_end`` once and leaves no connection checked out.
Timeouts are in ``test_client_timeouts``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from builders import RUN, THREAD, Recorder
from loopback import API_KEY, Cut, Gate, Loopback, Reply
from shared_data import RECORDED, requires_recordings
from wire import FRAGMENT, HEAD, TAIL, acquired, failure, stream_of, texts

from assistant_stream import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RetryPolicy,
    StreamInterrupted,
    StreamState,
    UnexpectedResponseError,
)
from assistant_stream.errors import APIStatusError

FAILURE_END = ["on_exception", "on_end"]


# ---------------------------------------------------------------------------------------------
# Truncation
# ---------------------------------------------------------------------------------------------

LOST = "the connection was lost"
ENDED = "the body ended"
CUTS = {
    "mid-event, closed": ([FRAGMENT, Cut()], LOST),
    "at an event boundary, closed": ([Cut()], LOST),
    "mid-event, reset": ([FRAGMENT, Cut(abort=True)], LOST),
    "at an event boundary, reset": ([Cut(abort=True)], LOST),
    "mid-event, ended cleanly": ([FRAGMENT], f"{ENDED} in the middle of an event"),
    "at an event boundary, ended cleanly": ([], f"{ENDED}"),
}


class Noting(Recorder):
    """A recorder that sets ``seen`` when the first text delta arrives (the cut waits)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = asyncio.Event()

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.seen.set()
        await super().on_text_delta(delta, snapshot)


@pytest.mark.parametrize(("ending", "reason"), CUTS.values(), ids=CUTS)
async def test_truncated_body_raises_stream_interrupted_with_what_came(
    server: Loopback, ending: list[Any], reason: str
) -> None:
    """A body cut or ended before ``done`` raises StreamInterrupted holding what arrived."""
    recorder = Noting()
    server.script(Reply.stream(*HEAD, Gate(recorder.seen), *ending))
    async with server.client() as client:
        stream = stream_of(client, recorder)
        error = await failure(stream)
        assert 0 == acquired(client)
    assert StreamInterrupted is type(error)
    assert isinstance(error, StreamInterrupted)
    assert reason in str(error)
    assert (THREAD, RUN, "thread.message.delta") == (
        error.thread_id,
        error.run_id,
        error.last_event and error.last_event.event,
    )
    assert ["Hel"] == texts(error)
    assert "in_progress" == (error.partial.final_run.run and error.partial.final_run.run.status)
    assert FAILURE_END == recorder.names()[-2:]
    assert [(error,)] == recorder.args("on_exception")
    assert (1, StreamState.FAILED) == (recorder.names().count("on_end"), stream.state)


# ---------------------------------------------------------------------------------------------
# Retries
# ---------------------------------------------------------------------------------------------

RATE_LIMITED = {"error": {"message": "Rate limit reached", "type": "requests", "code": None}}
COMPLETE = Reply.stream(*HEAD, *TAIL)


@pytest.mark.parametrize(
    ("status", "headers", "least"),
    [
        (429, {"retry-after-ms": "50"}, 0.045),
        (429, {"Retry-After": "0"}, 0.0),
        (500, {"x-should-retry": "true"}, 0.0),
        (503, {}, 0.0),
    ],
    ids=["429 retry-after-ms", "429 Retry-After 0", "500 x-should-retry", "503"],
)
async def test_retryable_status_then_success_completes(
    server: Loopback, status: int, headers: dict[str, str], least: float
) -> None:
    """A retryable status, then a stream: the stream completes after a second request."""
    server.script(Reply.json(RATE_LIMITED, status=status, headers=headers), COMPLETE)
    recorder = Recorder()
    loop = asyncio.get_running_loop()
    async with server.client() as client:
        started = loop.time()
        async with asyncio.timeout(5), stream_of(client, recorder) as stream:
            await stream.until_done()
        elapsed = loop.time() - started
    assert StreamState.FINISHED == stream.state
    assert elapsed >= least
    assert (2, 1) == (len(server.requests), server.connections)
    assert server.requests[0].json == server.requests[1].json
    assert "on_exception" not in recorder.names()
    assert 1 == recorder.names().count("on_connect")


async def test_retries_run_out_on_repeated_503(server: Loopback) -> None:
    """503 three times with max_retries=2: InternalServerError after three requests."""
    unavailable = {"error": {"message": "Service unavailable", "type": "server_error"}}
    server.script(*[Reply.json(unavailable, status=503)] * 3, COMPLETE)
    recorder = Recorder()
    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)
    async with server.client(retry_policy=policy) as client:
        error = await failure(stream_of(client, recorder))
        assert 0 == acquired(client)
    assert InternalServerError is type(error)
    assert isinstance(error, InternalServerError)
    assert (503, "Service unavailable", "server_error") == (
        error.status_code,
        error.message,
        error.type,
    )
    assert 3 == len(server.requests)
    assert FAILURE_END == recorder.names()


# ---------------------------------------------------------------------------------------------
# Error bodies
# ---------------------------------------------------------------------------------------------


def recorded_error(name: str) -> dict[str, Any]:
    """A recorded error body from ``../shared/recorded/errors`` (skip the test if absent)."""
    path = RECORDED / "errors" / name
    if not path.is_file():
        pytest.skip(f"no recorded error body at {path}")
    loaded: dict[str, Any] = orjson.loads(path.read_bytes())
    return loaded


@requires_recordings
@pytest.mark.parametrize(
    ("name", "status", "kind"),
    [
        ("E14-400-invalid-thread-run-create-incl-stream-true.json", 400, BadRequestError),
        ("E02-404-no-thread-found-modify.json", 404, NotFoundError),
    ],
    ids=["400", "404"],
)
async def test_recorded_error_status_is_typed_and_not_retried(
    server: Loopback, name: str, status: int, kind: type[APIStatusError]
) -> None:
    """A recorded 400 or 404 body raises its typed error with the fields, sent only once."""
    error_body = recorded_error(name)
    headers = {"x-request-id": "req_123abc"}
    server.script(Reply.json(error_body, status=status, headers=headers), COMPLETE)
    recorder = Recorder()
    async with server.client() as client:
        error = await failure(stream_of(client, recorder))
    fields = error_body["error"]
    assert kind is type(error)
    assert isinstance(error, APIStatusError)
    assert (status, fields["message"], fields["type"], fields["param"], fields["code"]) == (
        error.status_code,
        error.message,
        error.type,
        error.param,
        error.code,
    )
    assert ("req_123abc", error_body) == (error.request_id, error.body)
    assert 1 == len(server.requests)
    assert FAILURE_END == recorder.names()


@requires_recordings
async def test_echoed_api_key_is_masked_in_a_401(server: Loopback) -> None:
    """A 401 body quoting the client's API key raises with the key masked as ***."""
    recorded = recorded_error("E01-401-invalid-api-key.json")
    echoed = orjson.loads(
        orjson.dumps(recorded).replace(b"<OPENAI_ACCESS_TOKEN>", API_KEY.encode())
    )
    assert API_KEY in echoed["error"]["message"]
    server.script(Reply.json(echoed, status=401), COMPLETE)
    async with server.client() as client:
        error = await failure(stream_of(client, Recorder()))
    assert isinstance(error, AuthenticationError)
    assert recorded["error"]["message"].replace("<OPENAI_ACCESS_TOKEN>", "***") == error.message
    for text_of_error in (str(error), repr(error), repr(error.body), repr(error.args)):
        assert API_KEY not in text_of_error
    assert ("invalid_api_key", 1) == (error.code, len(server.requests))


async def test_json_with_status_200_is_unexpected_and_never_decoded(server: Loopback) -> None:
    """A stream request answered 200 application/json raises UnexpectedResponseError."""
    fields = {"message": "Streaming is off", "type": "invalid_request_error", "code": "no_sse"}
    server.script(Reply.json({"error": fields}, headers={"x-request-id": "req_json"}), COMPLETE)
    recorder = Recorder()
    async with server.client() as client:
        stream = stream_of(client, recorder)
        error = await failure(stream)
        assert 0 == acquired(client)
    assert UnexpectedResponseError is type(error)
    assert isinstance(error, UnexpectedResponseError)
    assert (200, "application/json", "Streaming is off", "no_sse", "req_json") == (
        error.status_code,
        error.content_type,
        error.message,
        error.code,
        error.request_id,
    )
    assert FAILURE_END == recorder.names(with_events=True)
    assert (1, StreamState.FAILED) == (len(server.requests), stream.state)
