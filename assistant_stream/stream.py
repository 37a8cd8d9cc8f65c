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

Rule 5 - a run is one stream, whatever the number of bodies. Tool outputs submitted to the
stream (by a callback, the caller, or a ``ToolRegistry``) open the next body, which the same
loop reads when the current one ends; with nothing submitted, a run at ``requires_action``
pauses the stream (``_continuation``, and rule 5 of ``_stream_state``).
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Unpack

from ._dispatch import Handlers
from ._required import RequiredToolCall, ToolOutput, tool_approvals_body, tool_outputs_body
from ._stream_loop import StreamLoop
from ._stream_state import SETTLED, Move, StreamState
from .accumulate import FinalRun, PartialRun
from .events import AssistantStreamEvent, ThreadMessageDelta
from .types.message import Message
from .types.message_delta import TextDeltaBlock
from .types.run import Run
from .types.run_step import RunStep

if TYPE_CHECKING:
    from ._resources._params import RequestOptions

__all__ = ["AssistantStream", "Handlers", "StreamState"]

_NEW, _STREAMING, _PAUSED = StreamState.NEW, StreamState.STREAMING, StreamState.PAUSED


class AssistantStream(StreamLoop):
    """One run stream: an async context manager and an async iterator of typed events.

    Args:
        source: the body of a ``text/event-stream`` response, as an async iterable of chunks
            of bytes; or an ``Opener`` (an async callable returning a ``Body``), which
            ``AssistantClient`` uses to send its request when the stream starts.
        handler: an ``EventHandler``, several (each callback runs on each, in order), or
            ``None`` to just iterate events. Which callbacks each has is read when the
            stream starts.
        max_event_bytes: the SSE decoder's limit on one event (``None``: no limit).
        tools: a ``ToolRegistry`` that answers the run's function calls (rule 5).
        control: how to submit tool outputs and cancel the run; ``AssistantClient`` passes
            its own. Without it, submitting raises ``InvalidStateError``.
        record_to: a path or a binary writer that receives the raw bytes of every body the
            stream reads (each segment after the one before), for ``replay()`` later. A
            path is opened when the first body opens and closed when the stream ends.

    Use it as ``async with stream: ...`` (or call ``aclose()``), so that leaving early still
    closes the source and runs ``on_end``. The stream is the whole run: after tool calls,
    ``submit_tool_outputs`` (or ``tools``) continues it, and a run left waiting for outputs
    pauses it (``StreamState.PAUSED``) until something is submitted or it is closed.
    """

    def __repr__(self) -> str:
        return f"<AssistantStream {self._state.value} run={self._accumulator.run_id}>"

    def __del__(self) -> None:
        if getattr(self, "_state", None) in (_STREAMING, _PAUSED):
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

        Safe to call from several tasks at once: one reads, all get the same outcome. It
        also returns when the run waits at ``requires_action`` with nothing submitted (the
        stream is then ``PAUSED``: submit, and wait again).

        Raises:
            StreamInterrupted: the body ended without ``done`` or a run-ending event.
            RunStreamError: the server sent an ``error`` event no ``on_error`` handled.
            Exception: whatever ended the stream (a callback's exception included).
        """
        consumers = self._consumers
        while self._state not in SETTLED:
            if consumers.may_drive():
                await self._read("until_done()", drain=True)
            else:
                await consumers.wait_turn()
        self._raise_failure()

    async def get_final_run(self) -> FinalRun:
        """Wait for the end (or a pause); return the last run, and whether it ended."""
        await self.until_done()
        return self._accumulator.final_run()

    async def get_final_messages(self) -> tuple[Message, ...]:
        """Wait for the end (or a pause); return every message, terminal where it came."""
        await self.until_done()
        return self._accumulator.messages()

    async def get_final_run_steps(self) -> tuple[RunStep, ...]:
        """Wait for the end (or a pause); return every step, terminal objects where they came.

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

    # -- tool calls: the run goes on in this stream (rule 5) -----------------------------

    @property
    def required_tool_calls(self) -> tuple[RequiredToolCall, ...]:
        """The function calls the run waits for now; empty when nothing is pending."""
        return self._continuation.pending(self._accumulator.final_run())

    async def submit_tool_outputs(
        self,
        tool_outputs: Iterable[Mapping[str, Any] | ToolOutput] | Mapping[str, str],
        **options: Unpack[RequestOptions],
    ) -> None:
        """Answer the run's ``requires_action``; the rest of the run follows in this stream.

        Call it from ``on_run_requires_action`` (the stream goes on by itself), or once
        ``until_done()`` returned with the stream paused (then wait or iterate again). The
        request (``POST .../submit_tool_outputs``, ``stream: true``) is sent now, and is
        resent only when the server cannot have acted on it (see ``RetryPolicy``).

        Args:
            tool_outputs: ``[{"tool_call_id": ..., "output": ...}]``, or
                ``{tool_call_id: output}``; each output a ``str``.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Raises:
            InvalidStateError: the run is not waiting for outputs, was answered already,
                or the stream has ended or has no server (a replay).
            ConfigurationError: an output that is not a ``str``, or an id given twice.
            APIStatusError: the service refused the answer (a ``BadRequestError`` for ids
                it did not ask for); the run still waits, and the stream with it.
        """
        await self._submit({"tool_outputs": tool_outputs_body(tool_outputs)}, options)

    async def submit_tool_approvals(
        self, tool_approvals: Iterable[Mapping[str, Any]], **options: Unpack[RequestOptions]
    ) -> None:
        """Answer Azure's ``submit_tool_approval`` action, as ``submit_tool_outputs`` does.

        Args:
            tool_approvals: ``[{"tool_call_id": ..., "approve": True}]`` (``headers`` for
                the MCP server optional).
            **options: as for ``submit_tool_outputs``.

        Raises:
            InvalidStateError, ConfigurationError, APIStatusError: as for
                ``submit_tool_outputs``.
        """
        await self._submit({"tool_approvals": tool_approvals_body(tool_approvals)}, options)

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
        return self._received()
