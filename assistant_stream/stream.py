"""``AssistantStream``: bytes in, callbacks and typed events out.

The shell around the sans-I/O core is one loop: await the body's next chunk, have the
``FrameReader`` decode it into frames, turn each into a typed event (``decode_event``), and
call ``on_event``, feed the ``Accumulator`` and call its notices' callbacks, all in one
``Dispatcher.run``. The source is any async iterable of ``bytes`` (``replay``), or an opener
of an HTTP body (``AssistantClient``) that sends its request when the stream starts.

Rule 1 - each event is delivered once, in order. Iterating the stream, ``text_deltas``,
``until_done()`` and the ``get_final_*`` helpers all take from the same events; each
event's callbacks run before the event is yielded. Several tasks may wait for the end at
once; only one iteration may consume the events (``_consumers``).

Rule 2 - one outcome. The states and moves are the table of ``_stream_state``: a stream
ends once, finished, failed or closed. On failure, ``on_timeout`` (for a timeout) and
``on_exception`` run, the source is closed, ``on_end`` runs, and the exception propagates;
every later wait raises it again. An error of this package carries ``partial`` and has the
source's secrets masked. Cancellation skips ``on_exception``, then closes and ends alike.

Rule 3 - a stream that ends early says so. A body that ends with neither ``done`` nor a
run-ending event (``RUN_ENDING_EVENTS``) raises ``StreamInterrupted``; a body that was not
an event stream at all says so and shows how it began. Events after ``done`` are not read.

Rule 4 - an ``error`` event is an outcome. ``on_error`` runs when it arrives and the stream
goes on; at the end it raises ``RunStreamError`` (rule 2) unless an ``on_error`` returned
``True``. It ends the run as a run-ending event would: a body may stop after it.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Sequence
from types import TracebackType
from typing import Final

from ._body import Body, ConnectionLost, Opener, opener
from ._consumers import Consumers
from ._decode import decode_event
from ._dispatch import Dispatcher, Handlers, handlers
from ._error_base import redact
from ._notices import ON_CONNECT, ON_END, ON_EVENT, ON_EXCEPTION, ON_TIMEOUT
from ._reader import FrameReader, Watchdog
from ._stream_state import ENDED, Effect, Move, StreamState, transition
from .accumulate import Accumulator, FinalRun, PartialRun
from .errors import AssistantStreamError, RunStreamError, StreamInterrupted
from .events import AssistantStreamEvent, DoneEvent, ErrorEvent, ThreadMessageDelta
from .sse import DEFAULT_MAX_EVENT_BYTES, Frame, SSEDecoder
from .types.message import Message
from .types.message_delta import TextDeltaBlock
from .types.run import Run
from .types.run_step import RunStep

__all__ = ["AssistantStream", "Handlers", "StreamState"]

_NEW, _STREAMING, _FINISHED, _FAILED, _CLOSED = StreamState
_NOTHING: Final[Sequence[Frame]] = ()
_ENDINGS: Final = frozenset({DoneEvent, ErrorEvent})  # the events the loop itself acts on


class AssistantStream:
    """One run stream: an async context manager and an async iterator of typed events.

    Args:
        source: the body of a ``text/event-stream`` response, as an async iterable of chunks
            of bytes; or an ``Opener`` (an async callable returning a ``Body``), which
            ``AssistantClient`` uses to send its request when the stream starts.
        handler: an ``EventHandler``, several (each callback runs on each, in order), or
            ``None`` to just iterate events. Which callbacks each has is read when the
            stream starts.
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
        self._open = source if not isinstance(source, AsyncIterable) else opener(source)
        self._handlers = handlers(handler)
        self._max_event_bytes = max_event_bytes
        self._state = _NEW
        self._outcome: BaseException | None = None  # what every wait raises once FAILED
        self._consumers = Consumers()
        self._dispatcher = Dispatcher(())  # the handlers' callbacks, read at the start
        self._accumulator = Accumulator(())
        self._body: Body | None = None
        self._reader: FrameReader | None = None
        self._watchdog: Watchdog | None = None
        self._frames: Sequence[Frame] = _NOTHING  # decoded, delivered up to _position
        self._position = 0
        self._current_event: AssistantStreamEvent | None = None
        self._error_seen = False  # an `error` event arrived (rule 4)
        self._run_error: RunStreamError | None = None  # ... and no on_error handled it

    def __repr__(self) -> str:
        return f"<AssistantStream {self._state.value} run={self._accumulator.run_id}>"

    def __del__(self) -> None:
        if getattr(self, "_state", None) is _STREAMING:
            unclosed = "an AssistantStream was started and never closed; use `async with`"
            warnings.warn(f"{unclosed} or `await stream.aclose()`", ResourceWarning, stacklevel=1)

    # -- async context manager and iterator ----------------------------------------------

    async def __aenter__(self) -> AssistantStream:
        if self._state is _NEW:
            with self._consumers.reading_as("async with"):
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
        event = await self._next(self, "async for")
        if event is None:
            raise StopAsyncIteration
        return event

    async def aclose(self) -> None:
        """Close the source and run ``on_end`` if the stream has not ended yet. Idempotent.

        A stream that never started is just marked closed: nothing was opened, and no
        callback ran, so none runs now.
        """
        await self._guard(self._move(Move.CLOSE))

    # -- waits: any number of tasks at once ------------------------------------------------

    async def until_done(self) -> None:
        """Read the stream to its end, delivering every callback.

        Safe to call from several tasks at once: one reads, all get the same outcome.

        Raises:
            StreamInterrupted: the body ended without ``done`` or a run-ending event.
            RunStreamError: the server sent an ``error`` event no ``on_error`` handled.
            Exception: whatever ended the stream (a callback's exception included).
        """
        consumers = self._consumers
        while self._state not in ENDED:
            if consumers.may_drive():
                await self._read("until_done()", drain=True)
            else:
                await consumers.wait_turn()
        self._raise_failure()

    async def get_final_run(self) -> FinalRun:
        """Wait for the end; return the last run and whether a run-ending event came."""
        await self.until_done()
        return self._accumulator.final_run()

    async def get_final_messages(self) -> tuple[Message, ...]:
        """Wait for the end; return every message, terminal objects where they came."""
        await self.until_done()
        return self._accumulator.messages()

    async def get_final_run_steps(self) -> tuple[RunStep, ...]:
        """Wait for the end; return every step, terminal objects where they came.

        Steps first seen at their terminal event (in a submit-tool-outputs stream) are
        included.
        """
        await self.until_done()
        return self._accumulator.run_steps()

    @property
    def text_deltas(self) -> AsyncIterator[str]:
        """A new iteration over the text fragments of every message (empty ones skipped).

        It holds the stream's events, as ``async for`` does, until it is exhausted or
        closed.
        """
        return self._text_deltas()

    async def _text_deltas(self) -> AsyncIterator[str]:
        iteration = object()
        try:
            while (event := await self._next(iteration, "text_deltas")) is not None:
                if type(event) is ThreadMessageDelta:
                    for block in event.data.delta.content or ():
                        if type(block) is TextDeltaBlock and block.text and block.text.value:
                            yield block.text.value
        finally:
            self._consumers.release(iteration)

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

    # -- reading -------------------------------------------------------------------------

    async def _start(self) -> None:
        """Read the handlers' callbacks, open the body and call ``on_connect``."""
        await self._move(Move.START)
        self._dispatcher = dispatcher = Dispatcher(self._handlers)
        self._accumulator = Accumulator(dispatcher.wanted)
        self._body = body = await self._open()
        decoder = SSEDecoder(max_event_bytes=self._max_event_bytes)
        self._reader = reader = FrameReader(decoder, empty_read_ends=body.empty_read_ends)
        if body.event_idle is not None:
            self._watchdog = Watchdog(reader, body, body.event_idle)
        await dispatcher.call(ON_CONNECT)

    async def _next(self, iteration: object, name: str) -> AssistantStreamEvent | None:
        """The next event for an iteration, ``None`` once the stream has ended (rule 1)."""
        if self._state in ENDED:
            self._raise_failure()
            return None
        self._consumers.claim(iteration, name)
        return await self._read(name, drain=False)

    async def _read(self, reader: str, *, drain: bool) -> AssistantStreamEvent | None:
        """Deliver the next event (every event, with ``drain``) as ``reader``."""
        with self._consumers.reading_as(reader):
            try:
                if self._state is _NEW:
                    await self._start()
                return await self._deliver(drain)
            except BaseException as exc:
                await self._end(exc)
                raise

    async def _deliver(self, drain: bool) -> AssistantStreamEvent | None:
        """The loop: deliver the next event, or every event to the end with ``drain``."""
        run, feed = self._dispatcher.run, self._accumulator.feed
        on_event = ON_EVENT in self._dispatcher.wanted
        reader, body = self._reader, self._body
        assert reader is not None
        assert body is not None
        read = body.read
        while True:
            if self._position < len(self._frames):
                frame = self._frames[self._position]
                self._position += 1
                self._current_event = event = decode_event(frame[0], frame[1])
                handled = await run(((ON_EVENT, (event,)),) if on_event else (), feed, event)
                if type(event) in _ENDINGS:  # rare: one test per event for both
                    if type(event) is DoneEvent:
                        await self._finish()
                        return event
                    assert type(event) is ErrorEvent
                    self._error_seen = True
                    if not handled:
                        self._run_error = RunStreamError(event.data)
                if not drain:
                    return event
                continue
            if reader.backlogged:
                frames = reader.backlog()
            elif reader.ended:
                return None
            else:
                # Hold nothing delivered while waiting (locals included): a hundred idle
                # streams would keep a hundred chunks and their frames alive.
                self._frames = frames = _NOTHING
                fed: Sequence[Frame] | None = None
                chunk: bytes | None = None
                reader.waiting = True
                try:
                    chunk = await read()
                except StopAsyncIteration:
                    chunk = None
                except Exception as exc:  # what it means is the body's to say (Body.translate)
                    if self._state is _STREAMING:  # else it was closed meanwhile (below)
                        what = body.translate(exc)
                        if isinstance(what, ConnectionLost):
                            raise StreamInterrupted(self.partial, what.reason) from exc
                        if what is exc:
                            raise
                        raise what from exc
                finally:
                    reader.waiting = False
                if self._state is not _STREAMING:  # aclose() ran in another task meanwhile
                    await body.aclose(finished=False)  # again: a generator being read could not
                    return None
                fed = reader.feed(chunk)
                if fed is None:
                    await self._end_of_body()
                    return None
                frames = fed
            self._frames, self._position = frames, 0

    async def _end_of_body(self) -> None:
        if self._error_seen or self._accumulator.final_run().ended:
            await self._finish()
            return
        assert self._reader is not None
        raise StreamInterrupted(self.partial, self._reader.why_ended(self._secrets()))

    async def _finish(self) -> None:
        if self._run_error is not None:
            raise self._run_error  # the outcome (rule 4), through _end
        await self._move(Move.FINISH)

    # -- the outcome -----------------------------------------------------------------------

    def _raise_failure(self) -> None:
        """Raise the outcome of a failed stream again (rule 2)."""
        if self._state is _FAILED:
            assert self._outcome is not None
            raise self._outcome

    def _secrets(self) -> tuple[str, ...]:
        return self._body.secrets() if self._body is not None else ()

    async def _guard(self, step: Awaitable[None]) -> None:
        """Await ``step``; whatever it raises ends the stream (rule 2)."""
        try:
            await step
        except BaseException as exc:
            await self._end(exc)
            raise

    async def _end(self, exc: BaseException) -> None:
        """``exc`` ended the stream: a failure, or cancellation (rule 2)."""
        if not isinstance(exc, Exception):
            await self._move(Move.CANCEL)
            return
        if isinstance(exc, AssistantStreamError):
            if exc.partial is None:
                exc.partial = self.partial
            redact(exc, self._secrets())
        try:
            await self._move(Move.FAIL, exc)
        except Exception as raised:  # a callback's exception is now the outcome
            await self._move(Move.FAIL, raised)
            raise

    async def _move(self, move: Move, error: BaseException | None = None) -> None:
        """Make ``move`` (the table of ``_stream_state``) and apply its effects."""
        state, effects = transition(self._state, move)
        self._state = state
        if error is not None:
            self._outcome = error
        try:
            if Effect.REPORT in effects:
                assert error is not None
                if isinstance(error, TimeoutError):
                    await self._dispatcher.call(ON_TIMEOUT)
                await self._dispatcher.call(ON_EXCEPTION, error)
        finally:
            try:
                if Effect.RELEASE in effects:
                    await self._release()
            finally:
                if state in ENDED:
                    self._consumers.end()

    async def _release(self) -> None:
        """Close the source, then run ``on_end``: once, whatever happened (rule 2)."""
        try:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self._body is not None:
                await self._body.aclose(finished=self._state is _FINISHED)
        finally:
            await self._dispatcher.call(ON_END)
