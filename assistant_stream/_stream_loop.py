"""The loop and the outcome of an ``AssistantStream``: the private half of ``stream.py``.

``StreamLoop`` owns a stream's state; ``AssistantStream`` (in ``stream.py``) is its public
surface and keeps the rules, numbered there, that this code implements. The hot path is
``_deliver``: one frame, one typed event, one ``Dispatcher.run``, with nothing looked up
per event that can be looked up per body.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterable, Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._body import Body, ConnectionLost, Opener, opener
from ._consumers import Consumers
from ._continuation import Continuation, RunControl
from ._decode import decode_event
from ._dispatch import Dispatcher, Handlers, handlers
from ._error_base import redact
from ._notices import ON_CONNECT, ON_END, ON_EVENT, ON_EXCEPTION, ON_TIMEOUT
from ._reader import FrameReader, Watchdog
from ._record import Recorder, RecordTarget
from ._stream_state import SETTLED, Effect, Move, StreamState, transition
from .accumulate import Accumulator, PartialRun
from .errors import AssistantStreamError, InvalidStateError, RunStreamError, StreamInterrupted
from .events import AssistantStreamEvent, DoneEvent, ErrorEvent
from .sse import DEFAULT_MAX_EVENT_BYTES, Frame, SSEDecoder

if TYPE_CHECKING:
    from ._registry import ToolRegistry

__all__ = ["StreamLoop"]

_NEW, _STREAMING, _FINISHED, _FAILED, _CLOSED, _PAUSED = StreamState
_NOTHING: Final[Sequence[Frame]] = ()
_ENDINGS: Final = frozenset({DoneEvent, ErrorEvent})  # the events the loop itself acts on


class _Segment(enum.Enum):
    CHAINED = "chained"  # a body ended and the next one, after a submit, is to be read


_CHAINED: Final = _Segment.CHAINED


class StreamLoop:
    """A stream's state, its reading loop and its outcome (see ``AssistantStream``)."""

    def __init__(
        self,
        source: AsyncIterable[bytes] | Opener,
        handler: Handlers = None,
        *,
        max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
        tools: ToolRegistry | None = None,
        control: RunControl | None = None,
        record_to: RecordTarget | None = None,
    ) -> None:
        self._recorder = Recorder(record_to) if record_to is not None else None
        self._open = source if not isinstance(source, AsyncIterable) else opener(source)
        self._handlers = handlers(handler)
        self._max_event_bytes = max_event_bytes
        self._state = _NEW
        self._outcome: BaseException | None = None  # what every wait raises once FAILED
        self._consumers = Consumers()
        self._continuation = Continuation(control, tools)
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

    async def _submit(self, fields: Mapping[str, Any], options: Mapping[str, Any]) -> None:
        """Answer the run (``Continuation.submit``); a paused stream reads the answer next."""
        if self._state not in (_STREAMING, _PAUSED):
            raise InvalidStateError(f"cannot submit to a stream that is {self._state.value}")
        try:
            await self._continuation.submit(self._accumulator.final_run(), fields, options)
        except AssistantStreamError as exc:
            exc.partial = exc.partial or self._received()
            redact(exc, self._secrets())
            raise
        if self._state is _PAUSED and (body := self._continuation.take()) is not None:
            await self._move(Move.RESUME)
            await self._guard(self._open_body(body))

    def _streaming(self) -> bool:
        return self._state is _STREAMING

    def _received(self) -> PartialRun:
        return self._accumulator.partial(self._current_event)

    # -- reading -------------------------------------------------------------------------

    async def _start(self) -> None:
        """Read the handlers' callbacks, then open the body."""
        await self._move(Move.START)
        self._dispatcher = dispatcher = Dispatcher(self._handlers)
        self._accumulator = Accumulator(dispatcher.wanted)
        await self._open_body(await self._open())

    async def _open_body(self, body: Body) -> None:
        """Read ``body`` from now on, and call ``on_connect`` (once per body)."""
        if self._recorder is not None:
            body = self._recorder.wrap(body, self._secrets)
        self._body, self._frames, self._position = body, _NOTHING, 0
        decoder = SSEDecoder(max_event_bytes=self._max_event_bytes)
        self._reader = reader = FrameReader(decoder, empty_read_ends=body.empty_read_ends)
        idle = body.event_idle
        self._watchdog = Watchdog(reader, body, idle) if idle is not None else None
        await self._dispatcher.call(ON_CONNECT)

    async def _next(self, iteration: object, name: str) -> AssistantStreamEvent | None:
        """The next event for an iteration, ``None`` once ended or paused (rule 1)."""
        if self._state in SETTLED:
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
                event = await self._deliver(drain)
                while event is _CHAINED:
                    event = await self._deliver(drain)
                return event
            except BaseException as exc:
                await self._end(exc)
                raise

    async def _deliver(self, drain: bool) -> AssistantStreamEvent | _Segment | None:
        """The loop: deliver the next event, or every event to the end with ``drain``.

        ``_CHAINED`` says that the body ended and the next one is to be read (rule 5).
        """
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
                        return _CHAINED if await self._body_ended() and drain else event
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
                            raise StreamInterrupted(self._received(), what.reason) from exc
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
                    if not (self._error_seen or self._accumulator.final_run().ended):
                        raise StreamInterrupted(self._received(), reader.why_ended(self._secrets()))
                    return _CHAINED if await self._body_ended() else None
                frames = fed
            self._frames, self._position = frames, 0

    async def _body_ended(self) -> bool:
        """Chain the next body, pause or finish (``_continuation`` rule 2); ``True``: chained."""
        if self._run_error is not None:
            raise self._run_error  # the outcome (rule 4), through _end
        final, continuation = self._accumulator.final_run(), self._continuation
        await continuation.answer(final, self._dispatcher.call, self._streaming)
        if not self._streaming():  # aclose() ran in another task meanwhile: nothing to do
            return False
        if (body := continuation.take()) is not None:
            await self._close_body(finished=True)
            await self._open_body(body)
            return True
        waiting = continuation.waiting(final)
        if waiting and self._body is not None and self._body.chains and await self._follows():
            await self._dispatcher.call(ON_CONNECT)  # a recording's next segment (Body.chains)
            return True
        await self._move(Move.PAUSE if waiting else Move.FINISH)
        return False

    async def _follows(self) -> bool:
        """Whether more events follow in the body being read (read on to see)."""
        reader, body = self._reader, self._body
        assert reader is not None
        assert body is not None
        while self._position >= len(self._frames):
            if reader.backlogged:
                frames = reader.backlog()
            elif reader.ended:
                return False
            else:
                try:
                    chunk: bytes | None = await body.read()
                except StopAsyncIteration:
                    chunk = None
                fed = reader.feed(chunk)
                if fed is None:
                    return False
                frames = fed
            self._frames, self._position = frames, 0
        return True

    # -- the outcome -----------------------------------------------------------------------

    def _raise_failure(self) -> None:
        """Raise the outcome of a failed stream again (rule 2)."""
        if self._state is _FAILED:
            assert self._outcome is not None
            raise self._outcome

    def _secrets(self) -> tuple[str, ...]:
        """The credentials of the body, and the approval headers submitted (masked)."""
        held = self._body.secrets() if self._body is not None else ()
        return (*held, *self._continuation.secrets)

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
                exc.partial = self._received()
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
                elif Effect.SUSPEND in effects:
                    await self._close_body(finished=True)
            finally:
                if state in SETTLED:
                    self._consumers.end()

    async def _release(self) -> None:
        """Close the source, then run ``on_end``: once, whatever happened (rule 2)."""
        try:
            await self._close_body(finished=self._state is _FINISHED)
        finally:
            try:
                if self._recorder is not None:
                    self._recorder.close()
            finally:
                await self._dispatcher.call(ON_END)

    async def _close_body(self, *, finished: bool) -> None:
        """Close the body being read, and one a submit opened that will not be read now.

        What was decoded and not delivered is dropped, so a read in progress in another
        task (a callback awaiting while ``aclose()`` ran) delivers nothing more.
        """
        self._frames, self._position = _NOTHING, 0
        if self._reader is not None:
            self._reader.close()
        if self._watchdog is not None:
            self._watchdog.cancel()
        try:
            if self._body is not None:
                await self._body.aclose(finished=finished)
        finally:
            if (unread := self._continuation.take()) is not None:
                await unread.aclose(finished=False)
