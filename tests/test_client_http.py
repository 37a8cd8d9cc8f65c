"""Tests for AssistantClient over real HTTP (``loopback.Loopback`` on 127.0.0.1): happy paths.

Every real recording (``../shared/recorded``, skipped when absent) streamed by a server,
whole, in 7-byte chunks or one event per write, gives exactly the callbacks and the outcome
that ``replay`` gives for the same file, through the endpoint the recording came from; so
does the first half of each, ended cleanly (``StreamInterrupted``), and a body with an
unhandled ``error`` event (``RunStreamError``). The plain calls (``threads.create``,
``messages.create`` and ``list``, ``runs.retrieve`` and ``cancel``) send the documented
request and return the typed model of the JSON served, or a typed error.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from builders import (
    RUN,
    THREAD,
    Recorder,
    RecorderBase,
    body,
    message,
    run,
    text,
)
from loopback import API_KEY, Loopback, Reply, chunked
from shared_data import RECORDED, recordings, requires_recordings
from wire import stream_of

from assistant_stream import (
    AssistantClient,
    AssistantStream,
    BadRequestError,
    RunStreamError,
    StreamInterrupted,
    decode_event,
    replay,
)
from assistant_stream.types.message import Message, MessageList
from assistant_stream.types.run import Run
from assistant_stream.types.thread import Thread

RECORDINGS = pytest.mark.parametrize("path", recordings(), ids=lambda path: path.stem)


def per_event(data: bytes) -> list[bytes]:
    """``data`` cut after each blank line: one event (or comment block) per write."""
    return [piece for piece in re.split(rb"(?<=\n\n)", data) if piece]


CHUNKINGS: dict[str, Callable[[bytes], list[bytes]]] = {
    "whole": lambda data: [data],
    "7 bytes": lambda data: chunked(data, 7),
    "one event per write": per_event,
}

Calls = list[tuple[str, tuple[Any, ...]]]


def comparable(recorder: RecorderBase) -> Calls:
    """The calls, with an exception argument replaced by its type (errors compare by identity)."""
    return [
        (name, tuple(type(arg) if isinstance(arg, BaseException) else arg for arg in args))
        for name, args in recorder.calls
    ]


async def outcome(stream: AssistantStream, recorder: RecorderBase) -> tuple[Calls, type | None]:
    """Drain ``stream``; return the calls and the type of what it raised (``None``)."""
    raised: type | None = None
    async with asyncio.timeout(10), stream:
        try:
            await stream.until_done()
        except Exception as exc:
            raised = type(exc)
    return comparable(recorder), raised


def start(client: AssistantClient, first_event: str, recorder: RecorderBase) -> AssistantStream:
    """The stream method a recording answers, told by its first event."""
    if first_event == "thread.created":
        return client.threads.create_and_run_stream(assistant_id="asst_1", handler=recorder)
    if first_event == "thread.run.created":
        return client.threads.runs.stream(THREAD, assistant_id="asst_1", handler=recorder)
    outputs = [{"tool_call_id": "call_1", "output": "42"}]
    return client.threads.runs.submit_tool_outputs_stream(
        THREAD, RUN, tool_outputs=outputs, handler=recorder
    )


PATHS = {
    "thread.created": "/v1/threads/runs",
    "thread.run.created": f"/v1/threads/{THREAD}/runs",
}


# ---------------------------------------------------------------------------------------------
# Recordings over HTTP
# ---------------------------------------------------------------------------------------------


@requires_recordings
@RECORDINGS
@pytest.mark.parametrize("chunking", CHUNKINGS)
async def test_recording_over_http_calls_back_as_replay_does(
    server: Loopback, path: Path, chunking: str
) -> None:
    """A recording served over HTTP gives replay's callbacks and outcome, however written."""
    data = path.read_bytes()
    replayed = Recorder()
    expected = await outcome(replay(path, replayed), replayed)
    found = re.search(rb"^event: (\S+)", data, re.MULTILINE)
    assert found is not None
    first_event = found[1].decode()
    server.script(Reply.stream(*CHUNKINGS[chunking](data)))
    recorder = Recorder()
    async with server.client() as client:
        actual = await outcome(start(client, first_event, recorder), recorder)
    assert expected == actual
    [received] = server.requests
    submit = f"/v1/threads/{THREAD}/runs/{RUN}/submit_tool_outputs"
    assert ("POST", PATHS.get(first_event, submit), True) == (
        received.method,
        received.path,
        received.json["stream"],
    )


@requires_recordings
@RECORDINGS
async def test_recording_cut_in_half_over_http_fails_as_replay_does(
    server: Loopback, path: Path
) -> None:
    """The first half of a recording, ended cleanly by the server, fails as its replay does."""
    data = path.read_bytes()[: path.stat().st_size // 2]
    replayed = Recorder()
    expected = await outcome(replay(data, replayed), replayed)
    server.script(Reply.stream(*chunked(data, 7)))
    recorder = Recorder()
    async with server.client() as client:
        actual = await outcome(stream_of(client, recorder), recorder)
    assert expected == actual
    assert StreamInterrupted is actual[1]


async def test_error_event_over_http_fails_as_replay_does(server: Loopback) -> None:
    """A stream with an unhandled ``error`` event raises RunStreamError, as its replay does."""
    error = {"message": "The server had an error", "type": "server_error", "code": None}
    data = body(("thread.run.created", run("queued")), ("error", error))
    replayed = Recorder()
    expected = await outcome(replay(data, replayed), replayed)
    server.script(Reply.stream(*per_event(data)))
    recorder = Recorder()
    async with server.client() as client:
        actual = await outcome(stream_of(client, recorder), recorder)
    assert expected == actual
    assert RunStreamError is actual[1]


# ---------------------------------------------------------------------------------------------
# Plain calls
# ---------------------------------------------------------------------------------------------


def decoded(event: str, payload: dict[str, Any]) -> Any:
    """The model the event decoder makes of ``payload`` (what a plain call must return)."""
    return decode_event(event, orjson.dumps(payload)).data


async def test_threads_create_posts_the_thread_and_returns_it(server: Loopback) -> None:
    """threads.create sends POST /threads with the fields given and returns a Thread."""
    payload = {"id": THREAD, "object": "thread", "created_at": 1, "metadata": {"user": "u1"}}
    server.script(Reply.json(payload))
    async with server.client() as client:
        thread = await client.threads.create(
            messages=[{"role": "user", "content": "Hi"}], metadata={"user": "u1"}
        )
    assert Thread is type(thread)
    assert decoded("thread.created", payload) == thread
    [received] = server.requests
    expected = {"messages": [{"role": "user", "content": "Hi"}], "metadata": {"user": "u1"}}
    assert ("POST", "/v1/threads", expected) == (received.method, received.path, received.json)
    assert (f"Bearer {API_KEY}", "application/json", "assistants=v2") == (
        received.headers["authorization"],
        received.headers["accept"],
        received.headers["openai-beta"],
    )


async def test_messages_create_posts_the_message_and_returns_it(server: Loopback) -> None:
    """messages.create sends POST /threads/{id}/messages and returns a Message."""
    payload = message("msg_1", "completed", [text("Hi")], role="user", run_id=None)
    server.script(Reply.json(payload))
    async with server.client() as client:
        created = await client.threads.messages.create(THREAD, content="Hi")
    assert Message is type(created)
    assert decoded("thread.message.completed", payload) == created
    [received] = server.requests
    assert ("POST", f"/v1/threads/{THREAD}/messages", {"role": "user", "content": "Hi"}) == (
        received.method,
        received.path,
        received.json,
    )


async def test_messages_list_sends_the_query_and_returns_a_page(server: Loopback) -> None:
    """messages.list sends GET with limit and order in the query and returns a MessageList."""
    first = message("msg_1", "completed", [text("Hello")])
    second = message("msg_2", "completed", [text("again")])
    page = {
        "object": "list",
        "data": [first, second],
        "first_id": "msg_1",
        "last_id": "msg_2",
        "has_more": True,
    }
    server.script(Reply.json(page))
    async with server.client() as client:
        listed = await client.threads.messages.list(THREAD, limit=2, order="asc")
    expected = MessageList(
        data=(
            decoded("thread.message.completed", first),
            decoded("thread.message.completed", second),
        ),
        first_id="msg_1",
        last_id="msg_2",
        has_more=True,
    )
    assert expected == listed
    [received] = server.requests
    assert ("GET", f"/v1/threads/{THREAD}/messages", [("limit", "2"), ("order", "asc")], None) == (
        received.method,
        received.path,
        received.query,
        received.json,
    )


async def test_runs_retrieve_and_cancel_return_the_run(server: Loopback) -> None:
    """runs.retrieve (GET) and runs.cancel (POST .../cancel) return the Run served."""
    running, cancelling = run("in_progress"), run("cancelling")
    server.script(Reply.json(running), Reply.json(cancelling))
    async with server.client() as client:
        retrieved = await client.threads.runs.retrieve(THREAD, RUN)
        cancelled = await client.threads.runs.cancel(THREAD, RUN)
    assert (Run, Run) == (type(retrieved), type(cancelled))
    assert decoded("thread.run.in_progress", running) == retrieved
    assert decoded("thread.run.cancelling", cancelling) == cancelled
    assert [
        ("GET", f"/v1/threads/{THREAD}/runs/{RUN}", None),
        ("POST", f"/v1/threads/{THREAD}/runs/{RUN}/cancel", {}),
    ] == [(received.method, received.path, received.json) for received in server.requests]


@requires_recordings
async def test_plain_call_error_is_typed_and_the_connection_kept(server: Loopback) -> None:
    """A recorded 400 to runs.cancel raises BadRequestError; later calls reuse the connection."""
    path = RECORDED / "errors" / "E09-400-cannot-cancel-completed-run.json"
    if not path.is_file():
        pytest.skip(f"no recorded error body at {path}")
    error = orjson.loads(path.read_bytes())
    server.script(
        Reply.json(error, status=400, headers={"x-request-id": "req_e09"}),
        Reply.json(run("completed")),
    )
    async with server.client() as client:
        with pytest.raises(BadRequestError) as caught:
            await client.threads.runs.cancel(THREAD, RUN)
        retrieved = await client.threads.runs.retrieve(THREAD, RUN)
    assert (400, error["error"]["message"], "invalid_request_error", None, "req_e09") == (
        caught.value.status_code,
        caught.value.message,
        caught.value.type,
        caught.value.code,
        caught.value.request_id,
    )
    assert "completed" == retrieved.status
    assert (2, 1) == (len(server.requests), server.connections)
