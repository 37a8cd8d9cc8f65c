"""Tests of ``assistant_stream.testing._faults``: every row of the fault table, over loopback.

Each fault is served by a real ``AssistantServer`` and read by this package's client, or by
a raw HTTP/1.1 connection where the client would hide the effect (the BOM, CR LF, keep-alive
comments, how the body is cut into chunks, its exact length).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import attrs
import orjson
import pytest
from builders import Recorder, RecorderBase
from loopback import FAST_RETRIES

from assistant_stream import (
    APITimeoutError,
    AssistantClient,
    AssistantStream,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    RateLimitError,
    RunStreamError,
    SSEDecoder,
    StreamInterrupted,
    Timeout,
    UnexpectedResponseError,
)
from assistant_stream.testing import AssistantServer, Fault, _faults, _objects
from assistant_stream.testing._faults import NO_FAULT, Faults
from assistant_stream.testing._writer import BOM, KEEPALIVE

pytestmark = pytest.mark.usefixtures("clean_env")

TEXT = "The quick brown fox jumps over the lazy dog, twice: the quick brown fox."
SCRIPT = [[{"text": TEXT}]]
#: What a stream of ``SCRIPT`` is made of: the events before the message's deltas.
EVENTS_BEFORE_DELTAS = 7


# -- a server, a client of it, and a thread to run -------------------------------------------


@dataclass
class Setup:
    """A running server, a client of it, an assistant and a thread with a user message."""

    server: AssistantServer
    client: AssistantClient
    assistant_id: str
    thread_id: str

    def stream(self, handler: Any = None, timeout: Timeout | None = None) -> AssistantStream:
        """A run of the thread, streamed by the client (with ``timeout``, if given)."""
        runs = self.client.threads.runs
        options = {} if timeout is None else {"timeout": timeout}
        return runs.stream(
            self.thread_id, assistant_id=self.assistant_id, handler=handler, **options
        )

    def run_posts(self) -> int:
        """How many requests to create a run of the thread the server received."""
        path = f"/threads/{self.thread_id}/runs"
        return sum(1 for r in self.server.requests if (r.method, r.path) == ("POST", path))

    def run_body(self) -> dict[str, Any]:
        """The body of a request to stream a run of the thread."""
        return {"assistant_id": self.assistant_id, "stream": True}

    async def raw_stream(self) -> Raw:
        """A run of the thread, streamed over a raw connection."""
        return await raw_post(self.server, f"/threads/{self.thread_id}/runs", self.run_body())


@contextlib.asynccontextmanager
async def serving(
    faults: Fault | tuple[Fault, ...] = (),
    *,
    seed: int = 0,
) -> AsyncIterator[Setup]:
    """A ``Setup`` with ``SCRIPT``, closed at the end."""
    async with (
        AssistantServer(script=SCRIPT, seed=seed, faults=faults) as server,
        AssistantClient(api_key="k", base_url=server.base_url, retry_policy=FAST_RETRIES) as client,
    ):
        assistant = await client.assistants.create(model="gpt-4o")
        thread = await client.threads.create(messages=[{"role": "user", "content": "hi"}])
        yield Setup(server, client, assistant.id, thread.id)


async def recorded(setup: Setup) -> RecorderBase:
    """Stream a run of the setup's thread to the end through a ``Recorder``."""
    recorder = Recorder()
    async with setup.stream(recorder) as stream:
        await stream.until_done()
    return recorder


# -- a raw HTTP/1.1 client, to see the bytes -----------------------------------------------


@dataclass
class Raw:
    """A response as it came over the wire: ``chunks`` of a chunked body, as written."""

    status: int
    headers: dict[str, str]  # lower-case names
    chunks: list[bytes]
    whole: bool  # the body ended properly (the chunked terminator came)

    @property
    def body(self) -> bytes:
        """The body's bytes."""
        return b"".join(self.chunks)


def request(method: str, path: str, payload: Any = None, *, close: bool = False) -> bytes:
    """The bytes of an HTTP/1.1 request to ``/v1`` + ``path``."""
    data = b"" if payload is None else orjson.dumps(payload)
    head = (
        f"{method} /v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOpenAI-Beta: assistants=v2\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        + ("Connection: close\r\n" if close else "")
        + "\r\n"
    )
    return head.encode() + data


async def raw_post(server: AssistantServer, path: str, payload: Any) -> Raw:
    """POST ``payload`` to ``/v1`` + ``path`` on a fresh connection; read until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(request("POST", path, payload, close=True))
        async with asyncio.timeout(5):
            raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return _parse(raw)


def _parse(raw: bytes) -> Raw:
    head, _, rest = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (h.partition(":") for h in lines)}
    status = int(status_line.split()[1])
    if headers.get("transfer-encoding") != "chunked":
        return Raw(status, headers, [rest], True)
    chunks: list[bytes] = []
    while True:
        size_line, found, rest = rest.partition(b"\r\n")
        if not found:
            return Raw(status, headers, chunks, False)
        size = int(size_line, 16)
        if size == 0:
            return Raw(status, headers, chunks, rest == b"\r\n")
        chunks.append(rest[:size])
        rest = rest[size + 2 :]


def blocks(body: bytes) -> list[bytes]:
    """The body's frames and comments, each with its blank line (LF line ends only)."""
    return [block + b"\n\n" for block in body.split(b"\n\n") if block]


# -- status, body, headers -----------------------------------------------------------------


async def test_429_with_retry_after_is_retried() -> None:
    """A 429 with ``Retry-After: 0`` once: the client sends the run again, and it streams."""
    async with serving() as setup:
        setup.server.inject(Fault(status=429, headers={"Retry-After": "0"}, times=1))
        async with setup.stream() as stream:
            await stream.until_done()
            final = await stream.get_final_run()

        assert final.run is not None
        assert (2, "completed") == (setup.run_posts(), final.run.status)


async def test_status_answer_has_its_headers_and_the_service_body() -> None:
    """A status fault answers with its headers and the service's body for that status."""
    async with serving(Fault(status=429, headers={"Retry-After": "7"}, times=1)) as setup:
        raw = await setup.raw_stream()

    error = orjson.loads(raw.body)["error"]
    assert (429, "7") == (raw.status, raw.headers["retry-after"])
    assert {"message", "type", "param", "code"} == set(error)


async def test_429_is_raised_when_retries_run_out() -> None:
    """A standing 429 is retried ``max_retries`` times, then raised as ``RateLimitError``."""
    async with serving(Fault(status=429, headers={"Retry-After": "0"})) as setup:
        with pytest.raises(RateLimitError):
            async with setup.stream() as stream:
                await stream.until_done()

        assert 1 + FAST_RETRIES.max_retries == setup.run_posts()


async def test_500_on_a_stream_is_raised_at_once_and_creates_no_run() -> None:
    """A 500 on a run request is not retried, and the server created no run."""
    async with serving() as setup:
        setup.server.inject(Fault(status=500, times=1))
        with pytest.raises(InternalServerError) as caught:
            async with setup.stream() as stream:
                await stream.until_done()
        runs = await setup.client.threads.runs.list(setup.thread_id)

        assert (500, 1, ()) == (caught.value.status_code, setup.run_posts(), tuple(runs.data))


async def test_503_is_retried() -> None:
    """A 503 once: the server did not act, so even a run request is sent again."""
    async with serving() as setup:
        setup.server.inject(Fault(status=503, times=1))
        recorder = await recorded(setup)
        runs = await setup.client.threads.runs.list(setup.thread_id)

        assert (2, 1) == (setup.run_posts(), len(runs.data))
        assert TEXT == "".join(delta.value for delta, _ in recorder.args("on_text_delta"))


async def test_200_with_a_body_on_a_stream_is_unexpected() -> None:
    """``status=200`` with a JSON body answers a stream request that is not a stream."""
    async with serving() as setup:
        setup.server.inject(Fault(status=200, body={"hello": "world"}, times=1))
        with pytest.raises(UnexpectedResponseError):
            async with setup.stream() as stream:
                await stream.until_done()

        assert 1 == setup.run_posts()


async def test_on_any_applies_to_a_request_that_is_no_stream() -> None:
    """``on="any"`` answers ``POST /threads`` with the fault's status and body."""
    body = {"error": {"message": "no", "type": "invalid_request_error", "param": None}}
    async with serving() as setup:
        setup.server.inject(Fault(status=400, body=body, on="any", times=1))
        with pytest.raises(BadRequestError) as caught:
            await setup.client.threads.create()

        assert "no" == caught.value.message


async def test_on_stream_leaves_other_requests_alone() -> None:
    """A fault ``on="stream"`` skips ``POST /threads`` and waits for the next stream."""
    async with serving() as setup:
        setup.server.inject(Fault(status=400, times=1))
        await setup.client.threads.create()
        with pytest.raises(BadRequestError):
            async with setup.stream() as stream:
                await stream.until_done()


# -- latency and delays --------------------------------------------------------------------


async def test_latency_longer_than_the_read_timeout_times_out() -> None:
    """Silence before the status line longer than ``read`` raises ``APITimeoutError``."""
    async with serving(Fault(latency=0.05)) as setup:
        with pytest.raises(APITimeoutError):
            async with setup.stream(timeout=Timeout(read=0.01)) as stream:
                await stream.until_done()

        assert 1 == setup.run_posts()


async def test_run_left_during_latency_is_played_anyway() -> None:
    """A run request whose client timed out during the latency still creates and plays it."""
    async with serving(Fault(latency=0.02)) as setup:
        with pytest.raises(APITimeoutError):
            async with setup.stream(timeout=Timeout(read=0.005)) as stream:
                await stream.until_done()
        statuses: list[str] = []
        async with asyncio.timeout(2):
            while statuses != ["completed"]:
                await asyncio.sleep(0.01)
                runs = await setup.client.threads.runs.list(setup.thread_id)
                statuses = [run.status for run in runs.data]

    assert ["completed"] == statuses


async def test_latency_without_a_short_timeout_is_only_slow() -> None:
    """The same latency with the default timeouts: the run streams to its end."""
    async with serving(Fault(latency=0.05)) as setup:
        recorder = await recorded(setup)

    assert "on_run_completed" in recorder.names()


async def test_event_delay_longer_than_event_idle_times_out() -> None:
    """Silence before each event longer than ``event_idle`` raises ``APITimeoutError``."""
    async with serving(Fault(event_delay=0.05)) as setup:
        recorder = Recorder()
        with pytest.raises(APITimeoutError):
            async with setup.stream(recorder, Timeout(event_idle=0.01)) as stream:
                await stream.until_done()

    assert ["on_connect", "on_timeout", "on_exception", "on_end"] == recorder.names()


async def test_event_delay_shorter_than_event_idle_is_only_slow() -> None:
    """A delay below ``event_idle`` before each event: the run streams to its end."""
    async with serving(Fault(event_delay=0.002)) as setup:
        recorder = Recorder()
        async with setup.stream(recorder, Timeout(event_idle=1.0)) as stream:
            await stream.until_done()

    assert "on_run_completed" in recorder.names()


# -- keep-alive comments -------------------------------------------------------------------


async def test_keepalive_comments_come_first_and_in_every_silence() -> None:
    """One comment before the first event, then one per ``keepalive`` of each delay."""
    fault = Fault(keepalive=0.004, event_delay=0.01, truncate_after_events=2)
    async with serving(fault) as setup:
        raw = await setup.raw_stream()

    shape = [block if block == KEEPALIVE else b"event" for block in blocks(raw.body)]
    assert [KEEPALIVE, *[KEEPALIVE, KEEPALIVE, b"event"] * 2] == shape


async def test_keepalive_comments_are_harmless_to_the_client() -> None:
    """A stream with keep-alive comments gives the callbacks of one without."""
    async with serving() as setup:
        plain = await recorded(setup)
    async with serving(Fault(keepalive=0.002, event_delay=0.005)) as setup:
        pinged = await recorded(setup)

    assert plain.names() == pinged.names()


# -- error events and truncation -----------------------------------------------------------


async def test_error_event_after_n_events() -> None:
    """After ``error_after`` events an ``error`` event: ``on_error``, then ``RunStreamError``."""
    fault = Fault(
        error_event={"code": "rate_limit_exceeded", "message": "slow down"}, error_after=3
    )
    async with serving(fault) as setup:
        recorder = Recorder()
        with pytest.raises(RunStreamError) as caught:
            async with setup.stream(recorder) as stream:
                await stream.until_done()

    ((error,),) = recorder.args("on_error")
    assert ("rate_limit_exceeded", "slow down") == (error.code, error.message)
    assert ("rate_limit_exceeded", 4) == (caught.value.code, len(recorder.args("on_event")))


async def test_error_event_ends_the_body_properly() -> None:
    """The body ends with the ``error`` frame and the chunked terminator, and no ``done``."""
    async with serving(Fault(error_event={"message": "boom"}, error_after=1)) as setup:
        raw = await setup.raw_stream()

    *_, last = blocks(raw.body)
    names = [block.split(b"\n")[0] for block in blocks(raw.body)]
    assert (True, [b"event: thread.run.created", b"event: error"]) == (raw.whole, names)
    assert "boom" == orjson.loads(last.split(b"data: ")[1])["message"]


async def test_error_event_leaves_the_connection_open_for_the_next_request() -> None:
    """A body ended by an ``error`` event ends properly: the connection serves on."""
    async with serving(Fault(error_event={"message": "boom"}, error_after=1)) as setup:
        reader, writer = await asyncio.open_connection("127.0.0.1", setup.server.port)
        try:
            writer.write(request("POST", f"/threads/{setup.thread_id}/runs", setup.run_body()))
            async with asyncio.timeout(5):
                await reader.readuntil(b"\r\n0\r\n\r\n")
                writer.write(request("GET", f"/threads/{setup.thread_id}", close=True))
                again = _parse(await reader.read())
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    assert (200, setup.thread_id) == (again.status, orjson.loads(again.body)["id"])


async def test_error_event_after_more_events_than_the_run_has_replaces_done() -> None:
    """An ``error_after`` past the last event puts the ``error`` event where ``done`` was."""
    async with serving(Fault(error_event={"message": "late"}, error_after=1000)) as setup:
        raw = await setup.raw_stream()

    *_, before, last = blocks(raw.body)
    assert (b"event: thread.run.completed", b"event: error") == (
        before.split(b"\n")[0],
        last.split(b"\n")[0],
    )


async def test_truncate_after_events_interrupts_and_the_run_still_completes() -> None:
    """A body cut after N events raises ``StreamInterrupted``; the run completes anyway."""
    count = EVENTS_BEFORE_DELTAS + 2
    async with serving(Fault(truncate_after_events=count)) as setup:
        with pytest.raises(StreamInterrupted) as caught:
            async with setup.stream() as stream:
                await stream.until_done()
        partial = caught.value.partial
        assert partial.run_id is not None
        run = await setup.client.threads.runs.retrieve(setup.thread_id, partial.run_id)
        messages = await setup.client.threads.messages.list(setup.thread_id, run_id=run.id)

    (received,) = partial.messages
    (stored,) = messages.data
    assert ("completed", "completed") == (run.status, stored.status)
    assert received.id == stored.id
    assert TEXT.startswith(received.content[0].text.value)
    assert TEXT == stored.content[0].text.value


@pytest.mark.parametrize("chunk", ["event", "byte", 7, 1000])
async def test_truncate_after_events_sends_exactly_n_whole_events(chunk: Any) -> None:
    """However the body is chunked, N whole events arrive before the connection closes."""
    async with serving(Fault(truncate_after_events=4, chunk=chunk)) as setup:
        raw = await setup.raw_stream()

    decoder = SSEDecoder()
    names = [event.event for event in decoder.feed(raw.body) + decoder.finish()]
    expected = [f"thread.run.{name}" for name in ("created", "queued", "in_progress")]
    expected.append("thread.run.step.created")
    assert (False, expected, 0) == (raw.whole, names, decoder.pending_bytes)


@pytest.mark.parametrize("chunk", ["event", "byte", 7, 4096])
@pytest.mark.parametrize("limit", [1, 100, 2500])
async def test_truncate_after_bytes_sends_exactly_n_bytes(chunk: Any, limit: int) -> None:
    """The body of a stream cut after N bytes is N bytes long, and does not end properly."""
    async with serving(Fault(truncate_after_bytes=limit, chunk=chunk, bom=True)) as setup:
        raw = await setup.raw_stream()

    assert (limit, False) == (len(raw.body), raw.whole)
    assert raw.body.startswith(BOM[:limit])


async def test_truncate_after_bytes_interrupts_the_client() -> None:
    """A body cut in the middle of a frame raises ``StreamInterrupted`` in the client."""
    async with serving(Fault(truncate_after_bytes=2500)) as setup:
        with pytest.raises(StreamInterrupted) as caught:
            async with setup.stream() as stream:
                await stream.until_done()

    assert caught.value.partial.run_id is not None


# -- chunking, line endings, byte-order mark -----------------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze the server's timestamps, so two servers with one seed send the same bytes."""
    monkeypatch.setattr(_objects, "now", lambda: 1_700_000_000)


@pytest.mark.usefixtures("fixed_clock")
@pytest.mark.parametrize(
    "fault",
    [
        Fault(chunk="byte"),
        Fault(chunk=7),
        Fault(crlf=True),
        Fault(bom=True),
        Fault(chunk=3, crlf=True, bom=True, keepalive=0.001),
    ],
)
async def test_wire_shapes_change_nothing_the_client_sees(fault: Fault) -> None:
    """Chunking, CR LF and a BOM give the same callbacks and messages as a plain stream."""
    async with serving(seed=7) as setup:
        plain = await recorded(setup)
        plain_messages = await setup.client.threads.messages.list(setup.thread_id)
    async with serving(fault, seed=7) as setup:
        shaped = await recorded(setup)
        shaped_messages = await setup.client.threads.messages.list(setup.thread_id)

    assert plain.calls == shaped.calls
    assert plain_messages == shaped_messages


@pytest.mark.usefixtures("fixed_clock")
async def test_wire_shapes_are_on_the_wire() -> None:
    """The raw bodies: a BOM once at the start, CR LF only, chunks of the asked size."""
    async with serving(seed=7) as setup:
        plain = await setup.raw_stream()
    shaped = Fault(chunk=7, crlf=True, bom=True)
    async with serving(shaped, seed=7) as setup:
        raw = await setup.raw_stream()

    body = raw.body.removeprefix(BOM)
    assert (1, BOM) == (raw.body.count(BOM), raw.body[:3])
    assert (plain.body, 0) == (
        body.replace(b"\r\n", b"\n"),
        body.replace(b"\r\n", b"").count(b"\n"),
    )
    assert {7} == {len(chunk) for chunk in raw.chunks[:-1]}
    assert 1 <= len(raw.chunks[-1]) <= 7


@pytest.mark.usefixtures("fixed_clock")
async def test_chunk_byte_writes_one_byte_per_http_chunk() -> None:
    """``chunk="byte"`` sends every byte of the body in an HTTP chunk of its own."""
    async with serving(Fault(chunk="byte"), seed=7) as setup:
        raw = await setup.raw_stream()

    assert ({1}, True) == ({len(chunk) for chunk in raw.chunks}, raw.whole)


async def test_plain_stream_is_one_http_chunk_per_event() -> None:
    """Without a fault each frame is one write, so one HTTP chunk, ending with ``done``."""
    async with serving() as setup:
        raw = await setup.raw_stream()

    assert (True, raw.chunks) == (raw.whole, blocks(raw.body))
    assert b"event: done\ndata: [DONE]\n\n" == raw.chunks[-1]


# -- counting, order, validation -----------------------------------------------------------


async def test_times_two_applies_twice_then_stops() -> None:
    """A 503 with ``times=2`` answers two attempts; the third gets the run."""
    async with serving() as setup:
        setup.server.inject(Fault(status=503, times=2))
        recorder = await recorded(setup)
        posts = setup.run_posts()
        statuses = [(await setup.raw_stream()).status for _ in range(2)]

    assert (3, [200, 200]) == (posts, statuses)
    assert "on_run_completed" in recorder.names()


async def test_injected_faults_come_before_standing_ones_in_order() -> None:
    """Injected faults answer first, in the order injected, then the standing ones."""
    async with serving(Fault(status=503, times=1)) as setup:
        setup.server.inject(Fault(status=429, times=1))
        setup.server.inject(Fault(status=409, times=1))
        statuses = [(await setup.raw_stream()).status for _ in range(4)]

    assert [429, 409, 503, 200] == statuses


def test_faults_take_the_first_matching_fault_and_count_only_it() -> None:
    """A request takes the first fault that matches it; faults it skips are not counted."""
    streaming, anything = Fault(status=500, times=1), Fault(status=400, on="any", times=1)
    faults = Faults([streaming, anything])

    taken = [faults.take(False), faults.take(True), faults.take(True), faults.take(False)]

    assert [anything, streaming, NO_FAULT, NO_FAULT] == taken


def test_fault_with_times_none_never_runs_out() -> None:
    """``times=None`` applies to every request; ``times=0`` to none."""
    always, never = Fault(latency=0.1), Fault(status=500, times=0)
    faults = Faults([never, always])

    assert [always] * 5 == [faults.take(True) for _ in range(5)]


def test_fault_defaults_change_nothing() -> None:
    """A fault with no field set is the server's own behaviour."""
    assert NO_FAULT == Fault()
    assert (None, 0.0, "event", False, False) == (
        NO_FAULT.status,
        NO_FAULT.latency,
        NO_FAULT.chunk,
        NO_FAULT.crlf,
        NO_FAULT.bom,
    )


def test_fault_headers_are_a_read_only_copy() -> None:
    """Changing the headers given, or those held, does not change the fault."""
    given = {"Retry-After": "1"}
    fault = Fault(status=429, headers=given)
    given["Retry-After"] = "9"

    with pytest.raises(TypeError):
        fault.headers["Retry-After"] = "9"  # type: ignore[index]
    assert {"Retry-After": "1"} == dict(fault.headers)


@pytest.mark.parametrize(
    "fields",
    [
        {"latency": -0.1},
        {"event_delay": -1},
        {"keepalive": -0.5},
        {"error_event": {}, "error_after": -1},
        {"truncate_after_events": -1},
        {"truncate_after_bytes": -1},
        {"times": -1},
        {"status": 99},
        {"status": 600},
        {"chunk": 0},
        {"chunk": -3},
        {"chunk": True},
        {"chunk": "line"},
        {"chunk": 2.5},
        {"on": "all"},
        {"on": "STREAM"},
        {"body": {"error": {}}},
        {"headers": {"Retry-After": "0"}},
        {"error_after": 2},
    ],
)
def test_fault_refuses_bad_fields(fields: dict[str, Any]) -> None:
    """A field out of range, or one that needs another, raises ``ConfigurationError``."""
    with pytest.raises(ConfigurationError):
        Fault(**fields)


def test_the_module_docstring_names_every_field() -> None:
    """The table (and rule 1, for ``on`` and ``times``) documents every field of ``Fault``."""
    doc = _faults.__doc__ or ""

    assert [] == [f.name for f in attrs.fields(Fault) if f"``{f.name}``" not in doc]
