"""``AssistantStream``: bytes in, callbacks and typed events out.

The shell around the sans-I/O core is one loop: read a chunk from the body, feed it to the
``SSEDecoder``, and for each event decoded (``decode_event``) call ``on_event``, feed the
``Accumulator`` and call the callbacks its notices name. The source is any async iterable of
``bytes`` (a recording: ``replay``), or an opener of an HTTP body (``AssistantClient``), which
sends its request when the stream starts (see ``_body``).

Rule 1 - one consumer. Iterating the stream, ``text_deltas``, ``until_done()`` and the
``get_final_*`` helpers all pull from the same events; each event's callbacks run once,
before the event is yielded.

Rule 2 - one outcome, delivered once. The stream ends in exactly one state (``StreamState``):
finished, failed or closed. On failure, ``on_timeout`` (for a timeout) and ``on_exception``
run, the source is closed, ``on_end`` runs, and the exception propagates; every later wait
raises it again. An error of this package carries ``partial``: everything received.
Cancellation skips ``on_exception`` but still closes the source and runs ``on_end``.

Rule 3 - a stream that ends early says so. A body that ends with neither ``done`` nor a
run-ending event (``RUN_ENDING_EVENTS``) raises ``StreamInterrupted``. Events after ``done``
are not read.

Rule 4 - an ``error`` event is an outcome. ``on_error`` runs when it arrives and the stream
goes on; when the stream ends, it raises ``RunStreamError`` (as a failure, rule 2) unless an
``on_error`` callback returned ``True``. A handled error event ends the run as a run-ending
event would: a body that stops after it is not interrupted.
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from types import CoroutineType, TracebackType
from typing import Any, Final

from ._body import Body, IterableBody, Opener
from ._decode import decode_event
from ._dispatch import Dispatcher, isawaitable
from ._notices import (
    ON_CONNECT,
    ON_END,
    ON_ERROR,
    ON_EVENT,
    ON_EXCEPTION,
    ON_TIMEOUT,
)
from .accumulate import Accumulator, FinalRun, PartialRun
from .errors import (
    APITimeoutError,
    AssistantStreamError,
    EventTooLargeError,
    RunStreamError,
    StreamInterrupted,
)
from .events import AssistantStreamEvent, DoneEvent, ErrorEvent, ThreadMessageDelta
from .handler import EventHandler
from .sse import DEFAULT_MAX_EVENT_BYTES, Frame, SSEDecoder
from .types.message import Message
from .types.message_delta import TextDeltaBlock
from .types.run import Run
from .types.run_step import RunStep

__all__ = ["AssistantStream", "Handlers", "StreamState"]

#: The most bytes decoded ahead of delivery. A slow consumer gets large chunks (everything
#: the connection buffered); decoding them a slice at a time keeps the events waiting for
#: delivery to a few dozen kilobytes per stream instead of several times the chunk.
FEED_BYTES: Final = 16 * 1024

#: What a stream accepts as its handler: one, several (called in order), or none.
Handlers = EventHandler | Iterable[EventHandler] | None


class StreamState(enum.Enum):
    """Where a stream is."""

    NEW = "new"  # nothing read yet
    STREAMING = "streaming"  # started: events are being read and delivered
    FINISHED = "finished"  # ended normally: done, or a run-ending event then end of body
    FAILED = "failed"  # an exception ended it; later waits raise it again
    CLOSED = "closed"  # closed before it finished (aclose(), leaving async with, cancel)


_NEW, _STREAMING, _FINISHED, _FAILED, _CLOSED = StreamState
_NOTHING: tuple[Frame, ...] = ()
_Coroutine = CoroutineType  # what an `async def` callback returns: awaited without a lookup


def _handlers(handler: Handlers) -> tuple[EventHandler, ...]:
    if handler is None:
        return ()
    if isinstance(handler, EventHandler):
        return (handler,)
    items: tuple[object, ...] = tuple(handler) if isinstance(handler, Iterable) else (handler,)
    for item in items:
        if not isinstance(item, EventHandler):
            hint = " (pass an instance: Handler(), not Handler)" if isinstance(item, type) else ""
            raise TypeError(f"a handler must be an EventHandler instance, not {item!r}{hint}")
    return items  # type: ignore[return-value]  # every item was checked above


class AssistantStream:
    """One run stream: an async context manager and an async iterator of typed events.

    Args:
        source: the body of a ``text/event-stream`` response, as an async iterable of chunks
            of bytes; or an ``Opener`` (an async callable returning a ``Body``), which
            ``AssistantClient`` uses to send its request when the stream starts.
        handler: an ``EventHandler``, several (each callback runs on each, in order), or
            ``None`` to just iterate events.
        max_event_bytes: the SSE decoder's limit on one event (``None``: no limit).

    Use it as ``async with stream: ...`` (or call ``aclose()``), so that leaving early still
    closes the source and runs ``on_end``.
    """

    def __init__(
        self,
        source: AsyncIterable[bytes] | Opener,
        handler: Handlers = None,
        *,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
    ) -> None:
        self._open = source if not isinstance(source, AsyncIterable) else _opener(source)
        self._body: Body | None = None
        self._read: Any = None  # the body's read(), bound once
        self._empty_read_ends = False  # whether read() returning b"" is the end of the body
        self._reading = False  # awaiting the body (the event_idle watchdog's clock runs)
        self._watchdog: _Watchdog | None = None
        self._error_event: RunStreamError | None = None  # an unhandled `error` event (rule 4)
        self._dispatcher = dispatcher = Dispatcher(_handlers(handler))
        self._accumulator = Accumulator(dispatcher.names)
        self._decoder = SSEDecoder(max_event_bytes=max_event_bytes)
        self._pending: Sequence[Frame] = _NOTHING  # decoded, not yet delivered
        self._unfed = b""  # a chunk larger than FEED_BYTES, decoded from _unfed_at on
        self._unfed_at = 0
        self._position = 0
        self._deferred: BaseException | None = None  # raised once the pending events are out
        self._exhausted = False
        self._state = _NEW
        self._error: BaseException | None = None
        self._released = False
        self._current_event: AssistantStreamEvent | None = None

    def __repr__(self) -> str:
        return f"<AssistantStream {self._state.value} run={self._accumulator.run_id}>"

    def __del__(self) -> None:
        if getattr(self, "_state", None) is _STREAMING:
            warnings.warn(
                "an AssistantStream was started and never closed; use `async with` or "
                "`await stream.aclose()`",
                ResourceWarning,
                stacklevel=1,
            )

    # -- async context manager and iterator ----------------------------------------------

    async def __aenter__(self) -> AssistantStream:
        if self._state is _NEW:
            await self._guard(self._start())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AssistantStream:
        return self

    async def __anext__(self) -> AssistantStreamEvent:
        event = await self._next()
        if event is None:
            raise StopAsyncIteration
        return event

    async def aclose(self) -> None:
        """Close the source and run ``on_end`` if the stream has not ended yet. Idempotent.

        A stream that never started is just marked closed: nothing was opened, and no
        callback ran, so none runs now.
        """
        if self._state is _NEW:
            self._state = _CLOSED
            self._released = True
        elif self._state is _STREAMING:
            self._state = _CLOSED
            await self._release()

    # -- helpers that drain the stream ---------------------------------------------------

    async def until_done(self) -> None:
        """Read the stream to its end, delivering every callback.

        Raises:
            StreamInterrupted: the body ended without ``done`` or a run-ending event.
            Exception: whatever ended the stream (a callback's exception included).
        """
        await self._next(drain=True)

    async def get_final_run(self) -> FinalRun:
        """Drain the stream; return the last run and whether a run-ending event came."""
        await self.until_done()
        return self._accumulator.final_run()

    async def get_final_messages(self) -> tuple[Message, ...]:
        """Drain the stream; return every message, terminal objects where they came."""
        await self.until_done()
        return self._accumulator.messages()

    async def get_final_run_steps(self) -> tuple[RunStep, ...]:
        """Drain the stream; return every step, terminal objects where they came.

        Steps first seen at their terminal event (in a submit-tool-outputs stream) are
        included.
        """
        await self.until_done()
        return self._accumulator.run_steps()

    @property
    def text_deltas(self) -> AsyncIterator[str]:
        """The text fragments of every message, in order (empty fragments skipped)."""
        return self._text_deltas()

    async def _text_deltas(self) -> AsyncIterator[str]:
        while (event := await self._next()) is not None:
            if type(event) is ThreadMessageDelta:
                for block in event.data.delta.content or ():
                    if (
                        type(block) is TextDeltaBlock
                        and block.text is not None
                        and block.text.value
                    ):
                        yield block.text.value

    # -- what has been received ----------------------------------------------------------

    @property
    def state(self) -> StreamState:
        """Where the stream is."""
        return self._state

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        """The event being delivered, or the last one delivered."""
        return self._current_event

    @property
    def current_run(self) -> Run | None:
        """The run carried by the last run event."""
        return self._accumulator.final_run().run

    @property
    def current_message_snapshot(self) -> Message | None:
        """The message the last message event was about, as a snapshot."""
        return self._accumulator.current_message()

    @property
    def current_run_step_snapshot(self) -> RunStep | None:
        """The step the last step event was about, as a snapshot."""
        return self._accumulator.current_run_step()

    @property
    def partial(self) -> PartialRun:
        """Everything received so far, as frozen values."""
        return self._accumulator.partial(self._current_event)

    # -- the loop ------------------------------------------------------------------------

    async def _start(self) -> None:
        self._state = _STREAMING
        self._body = body = await self._open()
        self._read, self._empty_read_ends = body.read, body.empty_read_ends
        if body.event_idle is not None:
            self._watchdog = _Watchdog(self, body.event_idle)
        await self._dispatcher.call(ON_CONNECT, ())

    def _translate(self, exc: Exception) -> BaseException:
        """Map an exception of the body's read() (a lost connection, a timeout)."""
        assert self._body is not None
        return self._body.translate(exc, lambda: self.partial)

    async def _deliver_error(self, event: ErrorEvent) -> None:
        """Call ``on_error`` and remember the error unless a callback returned ``True``."""
        handled = False
        for name, args in self._accumulator.feed(event):
            for function in self._dispatcher.table[name]:
                result = function(*args)
                if result is not None and isawaitable(result):
                    result = await result
                handled = handled or (name == ON_ERROR and result is True)
        if not handled:
            self._error_event = RunStreamError(event.data)

    async def _next(self, *, drain: bool = False) -> AssistantStreamEvent | None:
        """Deliver the next event and return it; ``None`` once the stream has ended.

        With ``drain``, deliver every event to the end (in one frame: no call per event).
        """
        state = self._state
        if state is not _STREAMING:
            if state is _NEW:
                await self._guard(self._start())
            elif state is _FAILED:
                assert self._error is not None
                raise self._error
            else:
                return None
        try:
            return await self._step(drain)
        except BaseException as exc:
            await self._fail(exc)
            raise

    async def _step(self, drain: bool) -> AssistantStreamEvent | None:
        table = self._dispatcher.table
        on_event = table.get(ON_EVENT, ())
        feed = self._accumulator.feed
        while True:
            if self._position < len(self._pending):
                frame = self._pending[self._position]
                self._position += 1
                self._current_event = event = decode_event(frame[0], frame[1])
                # Dispatcher.call, inlined for on_event and each notice: this runs per event
                for function in on_event:
                    result = function(event)
                    if result is not None and (type(result) is _Coroutine or isawaitable(result)):
                        await result
                if type(event) is ErrorEvent:
                    await self._deliver_error(event)
                else:
                    for name, args in feed(event):
                        for function in table[name]:
                            result = function(*args)
                            if result is not None and (
                                type(result) is _Coroutine or isawaitable(result)
                            ):
                                await result
                if type(event) is DoneEvent:
                    await self._settle()
                    return event
                if drain:
                    continue
                return event
            if self._deferred is not None:
                raise self._deferred
            if self._unfed:  # the rest of a large chunk, a slice at a time
                self._feed_slice()
                continue
            if self._exhausted:
                await self._end_of_body()
                return None
            # Hold nothing already delivered while waiting (a hundred idle streams would
            # keep a hundred chunks and their events alive).
            chunk, self._pending = None, _NOTHING
            self._reading = True
            try:
                chunk = await self._read()
            except StopAsyncIteration:
                chunk = None
            except Exception as exc:
                raise self._translate(exc) from exc
            finally:
                self._reading = False
            if not chunk:
                if chunk is None or self._empty_read_ends:
                    self._exhausted = True
                    self._decoder.finish()  # completes no event (the standard's rule)
                continue
            if len(chunk) > FEED_BYTES:
                self._unfed, self._unfed_at = chunk, 0
                self._feed_slice()
            else:
                self._feed(chunk)

    def _feed_slice(self) -> None:
        start = self._unfed_at
        self._unfed_at = end = start + FEED_BYTES
        piece = self._unfed[start:end]
        if end >= len(self._unfed):
            self._unfed = b""
        self._feed(piece)

    def _feed(self, chunk: bytes) -> None:
        self._position = 0
        try:
            self._pending = self._decoder.feed_frames(chunk)
        except EventTooLargeError as exc:  # deliver what completed before it, then raise
            self._pending = [(e.event, e.data.encode(), e.id, e.retry) for e in exc.events]
            self._deferred = exc

    async def _end_of_body(self) -> None:
        # An error event, raised or handled, explains the end as a run-ending event does.
        ended_by_error = self._error_event is not None or type(self._current_event) is ErrorEvent
        if ended_by_error or self._accumulator.final_run().ended:
            await self._settle()
            return
        undecoded = self._decoder.pending_bytes
        reason = "the body ended"
        if undecoded:
            reason += f" in the middle of an event ({undecoded} bytes undecoded)"
        raise StreamInterrupted(self.partial, reason)

    async def _settle(self) -> None:
        if self._error_event is not None:
            raise self._error_event  # _fail delivers it as the outcome (rule 4)
        self._state = _FINISHED
        await self._release()

    async def _guard(self, step: Any) -> None:
        try:
            await step
        except BaseException as exc:
            await self._fail(exc)
            raise

    async def _fail(self, exc: BaseException) -> None:
        if self._state not in (_NEW, _STREAMING):
            return  # already ended: on_end ran, nothing more to report
        if not isinstance(exc, Exception):  # cancellation, KeyboardInterrupt
            self._state = _CLOSED
            await self._release()
            return
        self._state, self._error = _FAILED, exc
        if isinstance(exc, AssistantStreamError) and exc.partial is None:
            exc.partial = self.partial
        try:
            if isinstance(exc, TimeoutError):
                await self._dispatcher.call(ON_TIMEOUT, ())
            await self._dispatcher.call(ON_EXCEPTION, (exc,))
        except Exception as raised:  # the callback's exception is now the outcome
            self._error = raised
            raise
        finally:
            await self._release()

    async def _release(self) -> None:
        """Close the source, then run ``on_end``: once, whatever happened."""
        if self._released:
            return
        self._released = True
        try:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self._body is not None:
                await self._body.aclose(finished=self._state is _FINISHED)
        finally:
            try:
                await self._dispatcher.call(ON_END, ())
            except Exception as raised:  # whatever propagates is the one outcome (rule 2)
                self._state, self._error = _FAILED, raised
                raise


def _opener(source: AsyncIterable[bytes]) -> Opener:
    async def open_iterable() -> Body:
        return IterableBody(source)

    return open_iterable


class _Watchdog:
    """Interrupts the body's read after ``seconds`` with no event while the stream waits.

    It ticks every quarter of ``seconds`` instead of resetting a timer per event, so the
    event loop pays nothing per event: a tick sees progress when the current event changed
    or the stream was not waiting on the server (time in callbacks does not count). So it
    fires between ``seconds`` and ``1.25 * seconds`` after the last event.
    """

    def __init__(self, stream: AssistantStream, seconds: float) -> None:
        import asyncio  # here, not at the top: the module imports without asyncio

        self._loop = loop = asyncio.get_running_loop()
        self._stream = stream
        self._seconds = seconds
        self._interval = seconds / 4
        self._seen: object = stream._current_event
        self._quiet_since = loop.time()
        self._handle = loop.call_later(self._interval, self._tick)

    def _tick(self) -> None:
        stream, now = self._stream, self._loop.time()
        if stream._current_event is not self._seen or not stream._reading:
            self._seen, self._quiet_since = stream._current_event, now
        elif now - self._quiet_since >= self._seconds:
            body = stream._body
            assert body is not None
            body.interrupt(APITimeoutError("event_idle", self._seconds, request=body.request))
            return
        self._handle = self._loop.call_later(self._interval, self._tick)

    def cancel(self) -> None:
        """Stop ticking."""
        self._handle.cancel()
