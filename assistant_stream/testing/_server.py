"""``AssistantServer``: an Assistants-protocol server on aiohttp.web, in process, on loopback.

Rule 1 - whoever starts it stops it: ``async with AssistantServer(...) as server`` (or
``await server.start()`` and ``await server.aclose()``). Closing stops every run still
playing in the background and every response still streaming, and frees the port.

Rule 2 - requests are answered as the service answers them: the routes are in ``_routes``,
the state in ``_store``, the words of every refusal in ``_refusals``. A run is played from
the script (``_script``) by ``_player``: streamed to the client that asked for a stream, or
in the background for one that did not, each of ``queued`` and ``in_progress`` lasting
until a request has shown it (or a second passed), so that a poller sees both
(``openai-poll-after-ms`` tells it how often to look).

Rule 3 - a stream cut short (a fault, or a client that left) does not stop its run: the
rest of the turn is played into the store unsent, as the service goes on without a reader.

Rule 4 - ``azure=True`` serves the Azure AI Foundry Agents flavour (``_azure``): the same
routes under a project endpoint (``azure_endpoint``), ``api-version`` and bearer tokens,
Azure's objects, and the script parts of Azure's own tools. ``ssl=`` (an
``ssl.SSLContext``, such as one ``trustme`` made for the test) serves HTTPS, which
azure-core's bearer-token policy insists on.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import ssl as _ssl
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Final

import attrs
import orjson
from aiohttp import web

from assistant_stream.errors import InvalidStateError

from . import _azure, _routes
from ._faults import Fault, Faults
from ._player import Emit, play
from ._replayed import replay
from ._script import Replay, Turn, echo, parse_script
from ._store import RunState, Store
from ._writer import DONE, Writer

__all__ = ["AssistantServer", "Received"]

#: How long a run created without streaming stays ``queued``, then ``in_progress``, at
#: least; and at most, if no request shows it meanwhile (``_pace``).
BACKGROUND_PHASE: Final = 0.05
MAX_PHASE: Final = 1.0
_PHASES: Final = frozenset({"thread.run.queued", "thread.run.in_progress"})
#: How long closing waits for responses still streaming before cancelling them.
SHUTDOWN_SECONDS: Final = 0.5
SSE_HEADERS: Final = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
}


#: Headers whose values a ``Received``'s ``repr`` masks: a failing test's report shows it.
SECRET_HEADERS: Final = frozenset({"authorization", "api-key"})
#: The key of the headers a body sends on to an MCP server (``tool_approvals[].headers``,
#: ``tool_resources.mcp[].headers``): secrets too, masked the same way.
BODY_HEADERS: Final = "headers"


def _headers_repr(headers: Mapping[str, str]) -> str:
    shown = {k: "***" if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}
    return repr(shown)


def _masked(value: Any) -> Any:
    """A JSON body with the value of every ``headers`` object in it masked."""
    if isinstance(value, dict):
        return {
            key: dict.fromkeys(item, "***")
            if key == BODY_HEADERS and isinstance(item, dict)
            else _masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _json_repr(value: Any) -> str:
    return repr(_masked(value))


@attrs.frozen
class Received:
    """A request the server received: ``path`` below ``base_url``, ``json`` its decoded body.

    ``headers`` and ``json`` are as sent; the ``repr`` masks the credentials
    (``SECRET_HEADERS``) and the headers a body sends on to an MCP server (``BODY_HEADERS``).
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str] = attrs.field(repr=_headers_repr)
    json: Any = attrs.field(default=None, repr=_json_repr)


class AssistantServer:
    """An in-memory Assistants-protocol server for tests, demos and local development.

    Args:
        script: what the assistant does: a list of turns, each a list of parts (see
            ``assistant_stream.testing``), as JSON gives it (so typed loosely, and checked
            when given); ``None`` makes it echo the last user message.
            When the script runs out, it echoes too.
        api_key: the key every request must carry as ``Authorization: Bearer ...``
            (``None``: any key, or none, is accepted); on Azure, the one token accepted.
        seed: makes ids and the cutting of text into deltas repeatable.
        faults: faults applied to every request they match (see ``Fault``).
        host: the address to listen on.
        port: the port; ``0`` picks a free one.
        azure: serve the Azure AI Foundry Agents flavour (Rule 4): the routes under
            ``azure_endpoint``, every request with an ``api-version``, no ``OpenAI-Beta``.
        ssl: serve HTTPS with this server-side context (its certificate for ``host``).

    Raises:
        ScriptError: the script is not valid (the message names the turn and part; an
            Azure part without ``azure=True`` is one).
    """

    def __init__(
        self,
        script: Sequence[Any] | None = None,
        *,
        api_key: str | None = None,
        seed: int = 0,
        faults: Fault | Iterable[Fault] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        azure: bool = False,
        ssl: _ssl.SSLContext | None = None,
    ) -> None:
        self.api_key = api_key
        self.azure = azure
        #: The path every route is under: ``/v1``, or on Azure the project endpoint's.
        self.root = _azure.PREFIX if azure else "/v1"
        self._ssl = ssl
        self.store = Store(seed, azure=azure)
        self.requests: list[Received] = []
        self._rng = random.Random(seed)
        self._turns: collections.deque[Turn] = collections.deque()
        self._faults = Faults([faults] if isinstance(faults, Fault) else faults)
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.set_script(script)

    def __repr__(self) -> str:
        where = self.base_url if self._runner is not None else "not started"
        return f"<AssistantServer {where}>"

    # -- configuration ---------------------------------------------------------------------

    def set_script(self, script: Sequence[Any] | None) -> None:
        """Replace the turns still to be played (``None``: none, so the assistant echoes).

        Raises:
            ScriptError: the script is not valid; the turns left are unchanged.
        """
        turns = parse_script(script, azure=self.azure) if script is not None else ()
        self._turns = collections.deque(turns)

    def add_turns(self, *turns: Sequence[Any]) -> None:
        """Add turns after those still to be played.

        Raises:
            ScriptError: a turn is not valid; nothing is added.
        """
        self._turns.extend(parse_script(list(turns), azure=self.azure))

    def inject(self, fault: Fault) -> None:
        """Apply ``fault`` to the next requests it matches (``fault.times``; ``None``: all)."""
        self._faults.inject(fault)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The URL every route is under: ``http://127.0.0.1:<port>/v1`` (``https`` with ``ssl``).

        On Azure it is the project endpoint, ``azure_endpoint``.

        Raises:
            InvalidStateError: the server is not running.
        """
        scheme = "https" if self._ssl is not None else "http"
        return f"{scheme}://{self._host}:{self.port}{self.root}"

    @property
    def azure_endpoint(self) -> str:
        """The project endpoint, ``http(s)://127.0.0.1:<port>/api/projects/assistant-stream``.

        Pass it to ``AssistantClient.for_azure`` or ``azure.ai.agents.aio.AgentsClient``.

        Raises:
            InvalidStateError: the server is not running, or serves OpenAI's flavour.
        """
        if not self.azure:
            raise InvalidStateError("this AssistantServer serves OpenAI's flavour, not Azure's")
        return self.base_url

    @property
    def port(self) -> int:
        """The port the server listens on.

        Raises:
            InvalidStateError: the server is not running.
        """
        if self._runner is None:
            raise InvalidStateError("the AssistantServer is not running: start it first")
        return int(self._runner.addresses[0][1])

    async def start(self) -> AssistantServer:
        """Listen on ``host:port``; return the server.

        Raises:
            InvalidStateError: it is running already.
        """
        if self._runner is not None:
            raise InvalidStateError("the AssistantServer is running already")
        app = web.Application(middlewares=[_routes.errors], client_max_size=8 << 20)
        _routes.add_routes(app, self)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port, ssl_context=self._ssl).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        return self

    async def aclose(self) -> None:
        """Stop the runs playing in the background and the server; idempotent."""
        runner, self._runner = self._runner, None
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> AssistantServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- runs (for _routes) ----------------------------------------------------------------

    def take_fault(self, streaming: bool) -> Fault:
        """The fault for the request being answered."""
        return self._faults.take(streaming)

    def events(self, state: RunState, *, thread_created: bool = False) -> Iterator[Emit]:
        """The run's next events: the next turn of the script, or an echo."""
        if self._turns:
            turn = self._turns.popleft()
        elif state.waiting is not None:
            turn = echo(" ".join(output["output"] for output in state.outputs))
        else:
            turn = echo(self.store.last_user_text(state.run["thread_id"]))
        if isinstance(turn, Replay):
            return replay(self.store, state, turn.path)
        return play(self.store, state, turn, self._rng, thread_created=thread_created)

    def in_background(self, events: Iterator[Emit], state: RunState) -> None:
        """Play a run nobody streams, at the pace a poller can follow."""
        task = asyncio.get_running_loop().create_task(_pace(events, state))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stream(
        self, request: web.Request, events: Iterator[Emit], fault: Fault
    ) -> web.StreamResponse:
        """Write the run's events as the body of a ``text/event-stream`` response."""
        response = web.StreamResponse(headers={**SSE_HEADERS, **_routes.request_id()})
        writer = Writer(
            chunk=fault.chunk, crlf=fault.crlf, bom=fault.bom, limit=fault.truncate_after_bytes
        )
        try:
            await response.prepare(request)  # raises if the client left during a latency
            ended = await _write_events(response, writer, events, fault)
            for piece in writer.end():  # the rest of a chunk, even of a body cut short
                await response.write(piece)
        except (ConnectionError, RuntimeError):  # the client left
            ended = False
        for _ in events:  # Rule 3: what was not sent is played into the store
            pass
        if not ended:
            if request.transport is not None:
                request.transport.close()
            return response
        with contextlib.suppress(ConnectionError, RuntimeError):
            await response.write_eof()
        return response


async def _silence(
    response: web.StreamResponse, writer: Writer, seconds: float, keepalive: float | None
) -> None:
    """Wait ``seconds``, with a keep-alive comment every ``keepalive`` seconds."""
    if keepalive:
        while seconds > keepalive:
            await asyncio.sleep(keepalive)
            seconds -= keepalive
            await _write(response, writer.comment())
    if seconds:
        await asyncio.sleep(seconds)


async def _write_events(
    response: web.StreamResponse, writer: Writer, events: Iterator[Emit], fault: Fault
) -> bool:
    """Write the events; ``True`` if the body ends whole (``done`` or an ``error`` event)."""
    if fault.keepalive is not None:
        await _write(response, writer.comment())
    for count, (name, data) in enumerate(events):
        if fault.error_event is not None and count == fault.error_after:
            break
        if fault.truncate_after_events is not None and count >= fault.truncate_after_events:
            return False
        await _silence(response, writer, fault.event_delay, fault.keepalive)
        await _write(response, writer.frame(name.encode(), data))
        if writer.cut:
            return False
    if fault.error_event is not None:
        await _write(response, writer.frame(b"error", _error_data(fault.error_event)))
    else:
        await _write(response, writer.frame(*DONE))
    return not writer.cut


async def _write(response: web.StreamResponse, pieces: list[bytes]) -> None:
    for piece in pieces:
        await response.write(piece)


def _error_data(error: Mapping[str, Any]) -> bytes:
    """The data of an ``error`` event: the service's error object, with ``error``'s fields."""
    data = {
        "code": "server_error",
        "message": "The server had an error.",
        "param": None,
        "type": "server_error",
        **error,
    }
    return orjson.dumps(data)


async def _pace(events: Iterator[Emit], state: RunState) -> None:
    """Play a run nobody streams, a phase at a time.

    Each of ``queued`` and ``in_progress`` lasts at least ``BACKGROUND_PHASE``, and until a
    request has shown it (``RunState.looks``) or ``MAX_PHASE`` passed, so that a poller on
    a loaded machine sees every phase.
    """
    loop = asyncio.get_running_loop()
    for name, _ in events:
        if name not in _PHASES:
            await asyncio.sleep(0)
            continue
        looks, until = state.looks, loop.time() + MAX_PHASE
        await asyncio.sleep(BACKGROUND_PHASE)
        while state.looks == looks and loop.time() < until:
            await asyncio.sleep(BACKGROUND_PHASE / 5)
