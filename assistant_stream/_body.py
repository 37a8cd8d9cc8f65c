"""What ``AssistantStream`` reads: the ``Body`` contract, and a body over any async iterable.

A body is opened by an ``Opener`` when the stream starts (``async with`` or the first wait),
so that an HTTP request is sent only when someone reads its answer. Its contract:

- ``read()`` returns the next chunk of bytes. The end is ``b""`` when ``empty_read_ends`` is
  true (aiohttp's ``readany``), else ``StopAsyncIteration`` (an async iterator's ``__anext__``,
  which may yield empty chunks mid-stream). ``read`` is an attribute, not a method, so that
  an HTTP body hands out the transport's own coroutine function with no layer around it.
- ``translate(exc, partial)`` maps an exception ``read()`` raised to this package's tree
  (``StreamInterrupted`` for a lost connection, ``APITimeoutError`` for a timeout); other
  exceptions come back unchanged.
- ``interrupt(exc)`` makes the pending ``read()`` raise ``exc`` (the ``event_idle`` watchdog).
- ``aclose(finished=...)`` releases the body. ``finished`` is true when the stream ended
  normally, so an HTTP body may drain its tail briefly and keep the connection for reuse;
  otherwise it closes the connection at once, with no await that cancellation could cut.
- ``event_idle``: seconds without an event before the stream's watchdog interrupts the read,
  or ``None``; ``request``: what the body answers, for error messages (``"POST https://…"``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .accumulate import PartialRun

__all__ = ["Body", "IterableBody", "Opener"]


class Body(Protocol):
    """An open source of event-stream bytes (see the module docstring)."""

    empty_read_ends: bool
    event_idle: float | None
    request: str
    read: Callable[[], Awaitable[bytes]]

    def translate(self, exc: Exception, partial: Callable[[], PartialRun]) -> BaseException:
        """Return the exception to raise for ``exc``, which ``read()`` raised."""
        ...

    def interrupt(self, exc: BaseException) -> None:
        """Make the pending and every later ``read()`` raise ``exc``."""
        ...

    async def aclose(self, *, finished: bool) -> None:
        """Release the body; idempotent."""
        ...


#: Opens a body: sends the request, checks the answer (and retries) before any event.
Opener = Callable[[], Awaitable[Body]]


class IterableBody:
    """A ``Body`` over an async iterable of ``bytes`` (a recording, another HTTP client)."""

    empty_read_ends = False
    event_idle: float | None = None
    request = "the stream's source"

    def __init__(self, source: AsyncIterable[bytes]) -> None:
        self._chunks: AsyncIterator[bytes] = aiter(source)
        self.read = self._chunks.__anext__

    def translate(self, exc: Exception, partial: Callable[[], PartialRun]) -> BaseException:
        """Exceptions of a caller's iterable are the caller's: raised unchanged."""
        return exc

    def interrupt(self, exc: BaseException) -> None:
        """Not supported: an iterable body has no ``event_idle``, so nothing calls this."""
        raise NotImplementedError("an IterableBody cannot be interrupted")

    async def aclose(self, *, finished: bool) -> None:
        """Close the iterator if it can be closed (an async generator's ``aclose``)."""
        close = getattr(self._chunks, "aclose", None)
        if close is not None:
            await close()
