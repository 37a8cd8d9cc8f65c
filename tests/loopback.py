"""A loopback HTTP server for wire-level tests: scripted replies, recorded requests.

``Loopback`` is a real aiohttp server on 127.0.0.1 (``aiohttp.test_utils.TestServer``, with
handler cancellation: a handler is cancelled when its client leaves). Each request it
receives is recorded as a ``Received`` and answered by the next scripted ``Reply`` (or by
the ``responder``, for tests that send many alike). A reply to a stream is a list of steps,
played in order on a chunked response:

- ``bytes``: one ``await response.write()``, so one chunk on the wire;
- ``Pause(seconds)``: silence for a while; ``Gate(event)``: silence until the test sets it;
- ``Pings(interval, ...)``: keep-alive comments (``: ping``) and nothing else;
- ``Silence()``: nothing more, until the client leaves;
- ``Cut()``: close the connection at once, in the middle of the chunked body (``abort``
  resets it instead).

``Reply.before`` delays the status line and headers (a slow server, a queue in front).

A reply that runs out of steps ends its body properly (the chunked terminator). A
``Received`` says how its reply ended (``outcome``: ``"completed"``, ``"cut"`` or
``"client left"``, the last set when the client closed the connection first) and which
connection it came on, so tests can count connections (``Loopback.connections``).

``Loopback.client()`` makes an ``AssistantClient`` of the server, with fast retries. The
client-side checks and the bodies the tests share are in ``wire``.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import socket
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import orjson
from aiohttp import web
from aiohttp.test_utils import TestServer

from assistant_stream import AssistantClient, RetryPolicy

__all__ = [
    "API_KEY",
    "FAST_RETRIES",
    "Cut",
    "Gate",
    "Loopback",
    "Pause",
    "Pings",
    "Received",
    "Reply",
    "Silence",
    "chunked",
]

#: The key the tests' clients send (the server never checks it).
API_KEY: Final = "sk-loopback-secret-0123456789"
#: Retries that do not slow the suite down.
FAST_RETRIES: Final = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)
#: The longest any step waits for the test or the client: a forgotten gate ends the test.
MAX_WAIT: Final = 10.0
#: How long closing the server waits for handlers still running before cancelling them.
SHUTDOWN_SECONDS: Final = 0.5
PING: Final = b": ping\n\n"


# -- what a reply does -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """Write nothing for ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Gate:
    """Write nothing until the test sets ``event`` (at most ``MAX_WAIT``)."""

    event: asyncio.Event


@dataclass(frozen=True)
class Pings:
    """Write only keep-alive comments, every ``interval`` s, ``count`` times or until set."""

    interval: float
    count: int | None = None
    until: asyncio.Event | None = None


@dataclass(frozen=True)
class Silence:
    """Write nothing more until the client leaves (at most ``MAX_WAIT``)."""


@dataclass(frozen=True)
class Cut:
    """Close the connection mid-body: a FIN after what was written, or a reset (``abort``).

    A reset may discard what the client had not read yet: gate the cut on the client.
    """

    abort: bool = False


Step = bytes | Pause | Gate | Pings | Silence | Cut
EVENT_STREAM: Final = {"Content-Type": "text/event-stream"}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, headers, and a whole body or the steps of a stream."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=lambda: dict(EVENT_STREAM))
    steps: Sequence[Step] = ()
    body: bytes | None = None  # sent whole, with Content-Length, instead of the steps
    before: Pause | Gate | None = None  # waited for before the status line and headers

    @classmethod
    def stream(
        cls,
        *steps: Step,
        headers: Mapping[str, str] | None = None,
        before: Pause | Gate | None = None,
    ) -> Reply:
        """A 200 event stream played step by step (``bytes`` are one write each)."""
        return cls(headers={**EVENT_STREAM, **(headers or {})}, steps=steps, before=before)

    @classmethod
    def json(
        cls, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Reply:
        """A JSON body, sent whole."""
        return cls(
            status=status,
            headers={"Content-Type": "application/json", **(headers or {})},
            body=orjson.dumps(payload),
        )


def chunked(data: bytes, size: int) -> list[bytes]:
    """``data`` cut into pieces of ``size`` bytes, one write each."""
    return [data[start : start + size] for start in range(0, len(data), size)]


# -- what the server saw -------------------------------------------------------------------


@dataclass
class Received:
    """One request as the server received it, and how its reply ended."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    json: Any  # the parsed JSON body, or None
    connection: int  # 0 for the first connection the server accepted, then 1, ...
    port: int  # the client's port
    outcome: str | None = None  # "completed", "cut" or "client left"; None while running
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_ended(self, seconds: float = 2.0) -> str:
        """Wait until the reply ended, however; return the outcome."""
        async with asyncio.timeout(seconds):
            await self.ended.wait()
        assert self.outcome is not None
        return self.outcome


class Loopback:
    """A scripted HTTP server on 127.0.0.1; use it as ``async with Loopback() as server``.

    Attributes:
        requests: every request received, in order.
        responder: answers a request when no scripted reply is left (``None``: 500).
    """

    def __init__(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        self._replies: collections.deque[Reply] = collections.deque()
        self._connections: dict[int, int] = {}  # id(transport) -> connection number
        self._transports: list[object] = []  # kept alive, so that ids are not reused
        self.requests: list[Received] = []
        self.responder: Callable[[Received], Reply] | None = None

    async def __aenter__(self) -> Loopback:
        await self._server.start_server(shutdown_timeout=SHUTDOWN_SECONDS)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the server: close its connections and end its handlers. Idempotent."""
        await self._server.close()

    @property
    def url(self) -> str:
        """The API root to give a client as ``base_url``."""
        return str(self._server.make_url("/v1"))

    @property
    def connections(self) -> int:
        """How many distinct client connections sent requests."""
        return len(self._transports)

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with ``replies``, in order."""
        self._replies.extend(replies)

    def client(self, **options: Any) -> AssistantClient:
        """An ``AssistantClient`` of this server with fast retries (``options`` override)."""
        if "max_retries" not in options:
            options.setdefault("retry_policy", FAST_RETRIES)
        return AssistantClient(api_key=API_KEY, base_url=self.url, **options)

    # -- the handler -------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received = await self._receive(request)
        if self._replies:
            reply = self._replies.popleft()
        elif self.responder is not None:
            reply = self.responder(received)
        else:
            reply = Reply(500, {"Content-Type": "text/plain"}, body=b"loopback: no reply")
        try:
            response = await self._play(request, reply, received)
        except asyncio.CancelledError:  # handler cancellation: the client left
            received.outcome = received.outcome or "client left"
            raise
        except ConnectionResetError:  # a write after the client left
            received.outcome = received.outcome or "client left"
            raise
        finally:
            received.ended.set()
        received.outcome = "completed"
        return response

    async def _receive(self, request: web.Request) -> Received:
        transport = request.transport
        assert transport is not None
        key = id(transport)
        if key not in self._connections:
            self._connections[key] = len(self._transports)
            self._transports.append(transport)
        raw = await request.read()
        received = Received(
            method=request.method,
            path=request.path,
            query=list(request.query.items()),
            headers={name.lower(): value for name, value in request.headers.items()},
            json=orjson.loads(raw) if raw else None,
            connection=self._connections[key],
            port=transport.get_extra_info("peername")[1],
        )
        self.requests.append(received)
        return received

    async def _play(
        self, request: web.Request, reply: Reply, received: Received
    ) -> web.StreamResponse:
        if isinstance(reply.before, Pause):
            await asyncio.sleep(reply.before.seconds)
        elif isinstance(reply.before, Gate):
            async with asyncio.timeout(MAX_WAIT):
                await reply.before.event.wait()
        if reply.body is not None:
            return web.Response(status=reply.status, headers=reply.headers, body=reply.body)
        response = web.StreamResponse(status=reply.status, headers=reply.headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        for step in reply.steps:
            if isinstance(step, bytes):
                await response.write(step)
            elif isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Gate):
                async with asyncio.timeout(MAX_WAIT):
                    await step.event.wait()
            elif isinstance(step, Pings):
                await _ping(response, step)
            elif isinstance(step, Silence):
                await asyncio.sleep(MAX_WAIT)
            else:  # Cut
                transport = request.transport
                assert transport is not None
                received.outcome = "cut"
                if step.abort:  # linger 0: the close sends a reset, not a FIN
                    sock = transport.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    transport.abort()
                else:
                    transport.close()
                await asyncio.sleep(MAX_WAIT)  # cancelled as the connection is lost
        await response.write_eof()
        return response


async def _ping(response: web.StreamResponse, pings: Pings) -> None:
    counter: Iterable[int] = range(pings.count) if pings.count is not None else itertools.count()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_WAIT
    for _ in counter:
        if (pings.until is not None and pings.until.is_set()) or loop.time() > deadline:
            return
        await response.write(PING)
        await asyncio.sleep(pings.interval)
