"""What the wire-level tests share: a stream body in pieces, and checks of the client side.

``HEAD`` is the start of a run (``thread_1``, ``run_1``) up to the first text delta,
"Hel"; ``TAIL`` finishes it ("lo", the message and run completed, ``done``). Each is a list
of SSE events, one write each in a ``loopback.Reply``. ``FRAGMENT`` is the start of an event
cut in the middle.

The checks look at an ``AssistantClient``'s connection pool (``acquired``, ``pooled``) and
at the tasks left running (``stray_tasks``); ``settled`` waits for a condition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Final

import aiohttp
import pytest
from builders import THREAD, RecorderBase, body, message, message_delta, run, sse, text, text_patch

from assistant_stream import AssistantClient, AssistantStream, AssistantStreamError

__all__ = [
    "COMPLETE",
    "FRAGMENT",
    "HEAD",
    "TAIL",
    "acquired",
    "connector_of",
    "failure",
    "pooled",
    "settled",
    "stray_tasks",
    "stream_of",
    "texts",
]

HEAD_FRAMES: Final = (
    ("thread.run.created", run("queued")),
    ("thread.run.in_progress", run("in_progress")),
    ("thread.message.created", message("msg_1")),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel", []))),
)
TAIL_FRAMES: Final = (
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"))),
    ("thread.message.completed", message("msg_1", "completed", [text("Hello")])),
    ("thread.run.completed", run("completed")),
)
HEAD: Final = [sse(name, data) for name, data in HEAD_FRAMES]
TAIL: Final = [*(sse(name, data) for name, data in TAIL_FRAMES), sse("done", "[DONE]")]
COMPLETE: Final = body(*HEAD_FRAMES, *TAIL_FRAMES)
FRAGMENT: Final = b'event: thread.message.delta\ndata: {"id": "msg_1", "obj'


def stream_of(
    client: AssistantClient, recorder: RecorderBase | None = None, thread: str = THREAD
) -> AssistantStream:
    """A run stream of ``thread`` (nothing is sent until it starts)."""
    return client.threads.runs.stream(thread, assistant_id="asst_1", handler=recorder)


async def failure(stream: AssistantStream, seconds: float = 5.0) -> AssistantStreamError:
    """Drain ``stream`` inside ``async with``; return the error it raised (it must raise)."""
    async with asyncio.timeout(seconds):
        with pytest.raises(AssistantStreamError) as caught:
            async with stream:
                await stream.until_done()
    return caught.value


def texts(error: AssistantStreamError) -> list[str]:
    """The text of each message in the error's ``partial``."""
    assert error.partial is not None
    return [
        "".join(block.text.value or "" for block in msg.content if block.type == "text")
        for msg in error.partial.messages
    ]


def connector_of(client: AssistantClient) -> aiohttp.BaseConnector:
    """The connector of the session the client created (it must have sent a request)."""
    session = client._session  # the tests look at the pool; the client has no public handle
    assert session is not None
    connector = session.connector
    assert connector is not None
    return connector


def acquired(client: AssistantClient) -> int:
    """How many connections the client's pool has handed out and not got back."""
    return len(connector_of(client)._acquired)


def pooled(client: AssistantClient) -> int:
    """How many idle connections the client's pool keeps for reuse."""
    return sum(len(idle) for idle in connector_of(client)._conns.values())


def stray_tasks() -> set[asyncio.Task[Any]]:
    """The tasks still pending besides the current one (close the server first)."""
    return asyncio.all_tasks() - {asyncio.current_task()}  # type: ignore[operator]


async def settled(check: Callable[[], bool], seconds: float = 2.0) -> None:
    """Wait until ``check()`` is true, giving the loop a few turns (fails after ``seconds``)."""
    async with asyncio.timeout(seconds):
        while not check():
            await asyncio.sleep(0.005)
