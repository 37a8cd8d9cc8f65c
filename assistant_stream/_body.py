"""What ``AssistantStream`` reads: the ``Body`` contract, and a body over any async iterable.

A body is opened by an ``Opener`` when the stream starts (``async with`` or the first wait),
so that an HTTP request is sent only when someone reads its answer. Its contract:

- ``read()`` returns the next chunk of bytes. The end is ``b""`` when ``empty_read_ends`` is
  true (aiohttp's ``readany``), else ``StopAsyncIteration`` (an async iterator's ``__anext__``,
  which may yield empty chunks mid-stream). ``read`` is an attribute, not a method, so that
  an HTTP body hands out the transport's own coroutine function with no layer around it.
- ``translate(exc)`` says what an exception ``read()`` raised means: ``ConnectionLost`` when
  the connection broke mid-stream (the stream then raises ``StreamInterrupted`` with what it
  received), or the exception to raise (``APITimeoutError`` for a timeout; anything it does
  not know, unchanged). It returns; it never calls back into the stream.
- ``interrupt(exc)`` makes the pending ``read()`` raise ``exc`` (the ``event_idle`` watchdog).
- ``aclose(finished=...)`` releases the body. ``finished`` is true when the stream ended
  normally, so an HTTP body may drain its tail briefly and keep the connection for reuse;
  otherwise it closes the connection at once, with no await that cancellation could cut.
- ``secrets()``: the strings no message may show (the client's credentials); the stream
  masks them in every error it raises.
- ``chains``: whether the body may hold several segments one after another (a recording of
  a stream continued after tool calls): after a ``done`` that leaves the run waiting, the
  stream reads on in the same body and takes what follows as the next segment. An HTTP
  body never does (its server ends it after ``done``).
- ``event_idle``: seconds without an event before the stream's watchdog interrupts the read,
  or ``None``; ``request``: what the body answers, for error messages (``"POST https://…"``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import Protocol

import attrs

__all__ = ["Body", "ConnectionLost", "IterableBody", "Opener", "opener"]


@attrs.frozen
class ConnectionLost:
    """What ``Body.translate`` returns for a connection lost mid-stream.

    Attributes:
        reason: why, for the message of ``StreamInterrupted`` (``"the connection was lost
            (ClientPayloadError: ...)"``).
    """

    reason: str


class Body(Protocol):
    """An open source of event-stream bytes (see the module docstring)."""

    empty_read_ends: bool
    chains: bool
    event_idle: float | None
    request: str
    read: Callable[[], Awaitable[bytes]]

    def translate(self, exc: Exception) -> BaseException | ConnectionLost:
        """Say what ``exc``, which ``read()`` raised, means."""
        ...

    def interrupt(self, exc: BaseException) -> None:
        """Make the pending and every later ``read()`` raise ``exc``."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """The strings to mask in anything the stream formats."""
        ...

    async def aclose(self, *, finished: bool) -> None:
        """Release the body; idempotent."""
        ...


#: Opens a body: sends the request, checks the answer (and retries) before any event.
Opener = Callable[[], Awaitable[Body]]


class IterableBody:
    """A ``Body`` over an async iterable of ``bytes`` (a recording, another HTTP client)."""

    empty_read_ends = False
    chains = True
    event_idle: float | None = None
    request = "the stream's source"

    def __init__(self, source: AsyncIterable[bytes]) -> None:
        self._chunks: AsyncIterator[bytes] = aiter(source)
        self.read = self._chunks.__anext__

    def translate(self, exc: Exception) -> BaseException | ConnectionLost:
        """Exceptions of a caller's iterable are the caller's: raised unchanged."""
        return exc

    def interrupt(self, exc: BaseException) -> None:
        """Not supported: an iterable body has no ``event_idle``, so nothing calls this."""
        raise NotImplementedError("an IterableBody cannot be interrupted")

    def secrets(self) -> tuple[str, ...]:
        """None: the caller's bytes come with no credentials of this package."""
        return ()

    async def aclose(self, *, finished: bool) -> None:
        """Close the iterator if it can be closed (an async generator's ``aclose``).

        A generator that another task is reading cannot be closed now; the stream calls
        this again once that read returns.
        """
        close = getattr(self._chunks, "aclose", None)
        if close is not None and not getattr(self._chunks, "ag_running", False):
            await close()


def opener(source: AsyncIterable[bytes]) -> Opener:
    """An ``Opener`` of an ``IterableBody`` over ``source``."""

    async def open_iterable() -> Body:
        return IterableBody(source)

    return open_iterable
