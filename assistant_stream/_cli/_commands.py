"""The commands ``run``, ``record``, ``replay`` and ``serve`` (``demo`` is in ``_demo``).

Each command is ``async def command(args) -> int``, called by ``main`` with the parsed
arguments; it returns the exit status of a success and raises for anything else
(``CommandError`` for what it found wrong, the library's errors as they come).

Rule 1 - a command loads what it needs when it runs. This module imports the sans-I/O
core and the renderer only; the HTTP client (aiohttp) is imported by ``run``, ``record``
and ``demo``, the server (aiohttp.web) by ``serve`` and ``demo``, rich by the live screen.
``replay`` loads neither aiohttp module, so it starts fast.

Rule 2 - a run the command started is the command's to end. When its stream stops early,
interrupted (Ctrl-C cancels the task) or failed (a lost connection, a timeout), the
command cancels the run through the API (``runs.cancel``, within ``CANCEL_SECONDS``)
before it exits, so that it does not go on unseen and hold the thread; a run that waits
at ``requires_action`` for functions the command cannot run is cancelled too, and the
command fails saying so.

Rule 3 - success is a completed run. ``run``, ``record`` and ``demo`` exit 0 when the run
completed and fail (status 1) when it ended any other way, naming the status and the
reason; ``replay`` exits 0 whenever the recording was read to its end, whatever run it
holds, since reading it was the task. The summary names the run's status either way.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from assistant_stream.errors import AssistantStreamError, ConfigurationError
from assistant_stream.handler import EventHandler
from assistant_stream.sse import SSEDecoder
from assistant_stream.types.run import RunStatus

from ._render import Renderer, Screen, open_screen
from ._views import Tally

if TYPE_CHECKING:
    from assistant_stream._client import AssistantClient
    from assistant_stream._registry import ToolRegistry
    from assistant_stream.accumulate import FinalRun
    from assistant_stream.events import AssistantStreamEvent
    from assistant_stream.stream import AssistantStream

__all__ = [
    "AZURE_API_KEY",
    "AZURE_API_VERSION",
    "AZURE_ENDPOINT",
    "CANCEL_SECONDS",
    "DEFAULT_AZURE_API_VERSION",
    "TERMINAL_SPEED",
    "CommandError",
    "Pacer",
    "make_client",
    "record",
    "replay",
    "run",
    "serve",
    "stream_run",
]

#: The environment variables of ``--azure-endpoint``, ``--api-key`` (for Azure) and
#: ``--api-version``; the OpenAI ones are the client's (OPENAI_API_KEY, OPENAI_BASE_URL).
AZURE_ENDPOINT: Final = "AZURE_AI_AGENTS_ENDPOINT"
AZURE_API_KEY: Final = "AZURE_AI_AGENTS_API_KEY"
AZURE_API_VERSION: Final = "AZURE_AI_AGENTS_API_VERSION"
#: The API version of Azure AI Foundry Agents' generally available REST API.
DEFAULT_AZURE_API_VERSION: Final = "v1"
#: How long an interrupted command waits for the cancel request of its run (rule 2).
CANCEL_SECONDS: Final = 5.0
#: The assistant ``serve`` creates, so that ``run`` can be tried at once.
SERVE_MODEL: Final = "gpt-4o"
SERVE_NAME: Final = "assistant-stream serve"
#: How much of a recording ``replay --json`` reads at a time.
READ_BYTES: Final = 64 * 1024
#: ``replay``'s default pace in a terminal, in events per second: about a real stream's.
TERMINAL_SPEED: Final = 60.0


class CommandError(Exception):
    """What a command found wrong (a run that did not complete, ...); exit status 1."""


class Pacer(EventHandler):
    """Delivers a replay's events at ``speed`` events per second (``replay --speed``).

    A recording keeps no timing, so the pace is made up: the first event comes at once and
    each next one ``1 / speed`` seconds after the one before (the time the other handlers
    take counts), as if the server had sent them evenly.
    """

    def __init__(self, speed: float) -> None:
        self._interval = 1 / speed
        self._due: float | None = None

    async def wait(self) -> None:
        """Wait for the next event's turn."""
        now = time.perf_counter()
        due = now if self._due is None else self._due
        self._due = due + self._interval
        if due > now:
            await asyncio.sleep(due - now)

    async def on_event(self, event: AssistantStreamEvent) -> None:
        await self.wait()


# -- run and record ---------------------------------------------------------------------


def make_client(args: argparse.Namespace) -> AssistantClient:
    """The client the options and the environment describe (Azure with an endpoint).

    Raises:
        ConfigurationError: no API key, or a URL that is not http(s).
    """
    from assistant_stream._client import AssistantClient

    endpoint = args.azure_endpoint or (None if args.base_url else os.environ.get(AZURE_ENDPOINT))
    retries = args.max_retries
    if not endpoint:
        return AssistantClient(api_key=args.api_key, base_url=args.base_url, max_retries=retries)
    key = args.api_key or os.environ.get(AZURE_API_KEY)
    if not key:
        raise ConfigurationError(f"no Azure API key: pass --api-key or set {AZURE_API_KEY}")
    version = args.api_version or os.environ.get(AZURE_API_VERSION) or DEFAULT_AZURE_API_VERSION
    return AssistantClient.for_azure(
        endpoint, api_version=version, api_key=key, max_retries=retries
    )


async def run(args: argparse.Namespace) -> int:
    """``run``: add the message to a thread (a new one by default) and stream a run of it."""
    return await _run(args, record_to=None)


async def record(args: argparse.Namespace) -> int:
    """``record``: ``run``, saving every body of the stream byte for byte to ``--out``."""
    return await _run(args, record_to=args.out)


async def _run(args: argparse.Namespace, *, record_to: str | None) -> int:
    tally = Tally()
    async with open_screen(tally, plain=args.plain) as screen, make_client(args) as client:
        thread_id = args.thread or (await client.threads.create()).id
        await client.threads.messages.create(thread_id, content=args.message)
        final = await stream_run(client, thread_id, args.assistant, screen, record_to=record_to)
    screen.summary(f"{tally.summary(final)} · thread {thread_id}")
    return completed(final)


async def stream_run(
    client: AssistantClient,
    thread_id: str,
    assistant_id: str,
    screen: Screen,
    *,
    tools: ToolRegistry | None = None,
    record_to: str | None = None,
    pacer: EventHandler | None = None,
) -> FinalRun:
    """Stream a new run of ``thread_id`` onto ``screen``; cancel it if it stops early (rule 2).

    Args:
        client: the open client.
        thread_id: the thread to run.
        assistant_id: the assistant that runs it.
        screen: the open screen; its tally counts the stream.
        tools: answers the run's function calls.
        record_to: a path that gets every body of the stream, as received.
        pacer: a handler called after the renderer, to slow the stream down (the demo).

    Returns:
        The run as the stream left it.

    Raises:
        CommandError: the run waits for function outputs nobody can give (it was
            cancelled).
    """
    options: dict[str, Any] = {}
    if tools is not None:
        options["tools"] = tools
    if record_to is not None:
        options["record_to"] = record_to
    renderer = Renderer(screen)
    renderer.tally.start()
    handlers = renderer if pacer is None else [renderer, pacer]
    stream = client.threads.runs.stream(
        thread_id, assistant_id=assistant_id, handler=handlers, **options
    )
    try:
        async with stream:
            final = await stream.get_final_run()
            waiting = stream.required_tool_calls
            if waiting:
                await _cancel(client, stream)
    except (asyncio.CancelledError, Exception):
        await _cancel(client, stream)
        raise
    if waiting:
        names = ", ".join(sorted({call.name for call in waiting}))
        raise CommandError(
            f"the run asked for {names}, which the command line cannot run, so it cancelled "
            f"the run (thread {thread_id})"
        )
    return final


async def _cancel(client: AssistantClient, stream: AssistantStream) -> None:
    """Cancel the stream's run if it is still going (rule 2); never raises."""
    run = stream.current_run
    if run is None or run.status in RunStatus.TERMINAL or run.thread_id is None:
        return
    with contextlib.suppress(AssistantStreamError, TimeoutError):
        async with asyncio.timeout(CANCEL_SECONDS):
            await client.threads.runs.cancel(run.thread_id, run.id)


def completed(final: FinalRun) -> int:
    """0 for a completed run (rule 3).

    Raises:
        CommandError: the run ended any other way, or the stream ended without saying.
    """
    run = final.run
    if run is None:
        raise CommandError("the stream ended before any run began")
    if run.status == RunStatus.COMPLETED and run.incomplete_details is None:
        return 0
    reason = ""
    if run.last_error is not None:
        reason = f": {run.last_error.code or 'error'}: {run.last_error.message or ''}".rstrip()
    elif run.incomplete_details is not None:
        reason = f": {run.incomplete_details.reason or 'no reason given'}"
    raise CommandError(f"the run ended {run.status or 'with no status'}{reason} (run {run.id})")


# -- replay -----------------------------------------------------------------------------


def replay_speed(args: argparse.Namespace) -> float:
    """``--speed``, or its default: ``TERMINAL_SPEED`` for a terminal, else no pacing."""
    if args.speed is not None:
        return float(args.speed)
    isatty = getattr(sys.stdout, "isatty", None)
    return TERMINAL_SPEED if not args.json and isatty is not None and isatty() else 0.0


async def replay(args: argparse.Namespace) -> int:
    """``replay``: render a recorded body, or print its events as JSON lines (``--json``)."""
    speed = replay_speed(args)
    if args.json:
        await _print_json(Path(args.file), speed)
        return 0
    from assistant_stream._replay import replay as replay_body

    tally = Tally()
    async with open_screen(tally, plain=args.plain) as screen:
        renderer = Renderer(screen)
        handlers = [Pacer(speed), renderer] if speed else renderer
        tally.start()
        async with replay_body(args.file, handlers) as stream:
            final = await stream.get_final_run()
    screen.summary(tally.summary(final))
    return 0


async def _print_json(path: Path, speed: float) -> None:
    """Each event of the body as ``{"event": name, "data": ...}``, one per line.

    ``data`` is the event's JSON as it was sent (every field kept), or its text when it is
    not JSON (``done``'s ``[DONE]``).
    """
    decoder = SSEDecoder()
    pacer = Pacer(speed) if speed else None
    out = sys.stdout
    with path.open("rb") as file:
        while chunk := file.read(READ_BYTES):
            for event in decoder.feed(chunk):
                if pacer is not None:
                    await pacer.wait()
                line = {"event": event.event, "data": _data(event.data)}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                out.flush()
    decoder.finish()
    if decoder.pending_bytes:
        raise CommandError(f"{path} ends in the middle of an event")


def _data(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


# -- serve ------------------------------------------------------------------------------


def load_script(path: str | None) -> list[Any] | None:
    """The script in the JSON file ``path`` (``serve --script``), or ``None`` without one.

    Raises:
        ConfigurationError: the file cannot be read or is not JSON.
    """
    if path is None:
        return None
    try:
        script = json.loads(Path(path).read_text("utf-8"))
    except OSError as error:
        raise ConfigurationError(f"--script {path}: {error.strerror or error}") from error
    except ValueError as error:
        raise ConfigurationError(f"--script {path}: not JSON: {error}") from error
    if not isinstance(script, list):
        raise ConfigurationError(f"--script {path}: a script is a JSON list of turns")
    return script


async def serve(args: argparse.Namespace) -> int:
    """``serve``: run the embedded server until interrupted, with an assistant ready.

    The base URL goes to stdout alone, for scripts; how to use it goes to stderr.
    """
    from assistant_stream._client import AssistantClient
    from assistant_stream.testing import AssistantServer, Fault

    script = load_script(args.script)
    faults = Fault(event_delay=args.event_delay) if args.event_delay else ()
    async with AssistantServer(
        script, api_key=args.api_key, seed=args.seed, faults=faults, host=args.host, port=args.port
    ) as server:
        key = args.api_key or "any"
        async with AssistantClient(api_key=key, base_url=server.base_url) as client:
            assistant = await client.assistants.create(model=SERVE_MODEL, name=SERVE_NAME)
        print(server.base_url, flush=True)
        hint = (
            f"OPENAI_BASE_URL={server.base_url} OPENAI_API_KEY={key} "
            f'assistant-stream run --assistant {assistant.id} "Hello"'
        )
        print(f"serving until Ctrl-C; try: {hint}", file=sys.stderr, flush=True)
        await asyncio.Event().wait()
    return 0  # not reached: only cancellation ends the wait
