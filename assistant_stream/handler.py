"""``EventHandler``: subclass it and override the callbacks you need.

Every callback may be ``async def`` or plain ``def``; both type-check against this class
under ``mypy --strict`` (the callbacks are declared as returning ``None`` or an awaitable of
it), and ``on_error`` may return ``True`` to say the error was handled. They run one at a
time, in stream order, each awaited before the next starts; an event is yielded to
``async for`` only after all its callbacks ran. The README has the exact order of callbacks
for every event.

Arguments are frozen models from ``assistant_stream.types``, never changed afterwards:
a ``snapshot`` is the object as it was at that delta (see ``assistant_stream.accumulate``).
Exactly-once guarantees within one stream:

- every content block and tool call gets one ``created`` (where the kind has it) and one
  ``done``; the chunk that creates it is also delivered as a ``delta``;
- the previous block's (or call's) ``done`` comes before the next one's ``created``;
- ``on_end`` runs once per stream: after success, an error, cancellation, or an early exit
  through ``async with`` / ``aclose()``. A stream continued after tool calls is one stream:
  ``on_end`` runs once for all its bodies, while ``on_connect`` runs for each body and
  ``on_done`` for each ``done`` frame.

Which callbacks a handler has is decided when a stream starts (see ``_dispatch``): methods
of a subclass, functions assigned to an instance, and mocks all count. The handler keeps no
state of the SDK, so one instance can serve several streams one after another, and a
subclass need not call ``super().__init__()``; there is no need to call the base class's
callbacks either, which do nothing. A stream can also take several handlers at once; each
callback then runs on each handler, in the order given.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

if TYPE_CHECKING:
    from ._required import RequiredToolCall
    from .events import AssistantStreamEvent, UnknownEvent
    from .types.message import (
        Annotation,
        ImageFile,
        ImageURL,
        Message,
        RefusalContentBlock,
        Text,
    )
    from .types.message_delta import MessageDelta, TextDelta
    from .types.run import Run
    from .types.run_step import RunStep, ToolCall
    from .types.run_step_delta import RunStepDelta, ToolCallDelta
    from .types.shared import ErrorObject
    from .types.thread import Thread

__all__ = ["CALLBACK_NAMES", "EventHandler"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _callback(function: Callable[_P, Coroutine[Any, Any, _R]]) -> Callable[_P, Awaitable[_R] | _R]:
    """Declare a callback so that overrides may be ``def`` or ``async def``.

    Only the declared type changes: the function stays the ``async def`` it is, so
    ``AsyncMock(spec=EventHandler)`` makes awaitable children.
    """
    return function


class EventHandler:
    """The base class of stream handlers: every callback does nothing until overridden."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _warn_misspelt(cls)

    # -- every event -------------------------------------------------------------------

    @_callback
    async def on_event(self, event: AssistantStreamEvent) -> None:
        """Every event, first, before the snapshots are updated (including ``done``)."""

    # -- thread and run ----------------------------------------------------------------

    @_callback
    async def on_thread_created(self, thread: Thread) -> None:
        """``thread.created`` (create-and-run streams)."""

    @_callback
    async def on_run_created(self, run: Run) -> None:
        """``thread.run.created``."""

    @_callback
    async def on_run_queued(self, run: Run) -> None:
        """``thread.run.queued``."""

    @_callback
    async def on_run_in_progress(self, run: Run) -> None:
        """``thread.run.in_progress``."""

    @_callback
    async def on_run_requires_action(self, run: Run) -> None:
        """``thread.run.requires_action``: ``run.required_action`` lists the tool calls."""

    @_callback
    async def on_run_completed(self, run: Run) -> None:
        """``thread.run.completed``; ``run.status`` is as sent (it can be ``"incomplete"``)."""

    @_callback
    async def on_run_incomplete(self, run: Run) -> None:
        """``thread.run.incomplete``: ``run.incomplete_details`` says why."""

    @_callback
    async def on_run_failed(self, run: Run) -> None:
        """``thread.run.failed``: ``run.last_error`` says why."""

    @_callback
    async def on_run_cancelling(self, run: Run) -> None:
        """``thread.run.cancelling``."""

    @_callback
    async def on_run_cancelled(self, run: Run) -> None:
        """``thread.run.cancelled``."""

    @_callback
    async def on_run_expired(self, run: Run) -> None:
        """``thread.run.expired``."""

    # -- run steps and tool calls --------------------------------------------------------

    @_callback
    async def on_run_step_created(self, run_step: RunStep) -> None:
        """``thread.run.step.created``."""

    @_callback
    async def on_run_step_in_progress(self, run_step: RunStep) -> None:
        """``thread.run.step.in_progress``."""

    @_callback
    async def on_run_step_delta(self, delta: RunStepDelta, snapshot: RunStep) -> None:
        """``thread.run.step.delta``, after the tool-call callbacks of that delta."""

    @_callback
    async def on_run_step_done(self, run_step: RunStep) -> None:
        """``thread.run.step.completed``, ``failed``, ``cancelled`` or ``expired``.

        ``run_step`` is the server's terminal object, after ``on_tool_call_done``.
        """

    @_callback
    async def on_tool_call_created(self, tool_call: ToolCall) -> None:
        """A tool call starts: its first chunk arrived (``on_tool_call_delta`` follows).

        A call the ``thread.run.step.created`` object already held starts at its first
        delta, or, with none, when its step (or the run) ends, just before its ``done``.
        """

    @_callback
    async def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        """A chunk of a tool call, the first one included."""

    @_callback
    async def on_tool_call_done(self, tool_call: ToolCall) -> None:
        """A tool call is complete: the next call started, its step ended, or the run did.

        ``tool_call`` is the step's terminal tool call when the step ended, else the
        accumulated call with its complete arguments or input.
        """

    # -- messages and their content ----------------------------------------------------

    @_callback
    async def on_message_created(self, message: Message) -> None:
        """``thread.message.created``."""

    @_callback
    async def on_message_in_progress(self, message: Message) -> None:
        """``thread.message.in_progress``."""

    @_callback
    async def on_message_delta(self, delta: MessageDelta, snapshot: Message) -> None:
        """``thread.message.delta``, after the content callbacks of that delta."""

    @_callback
    async def on_message_done(self, message: Message) -> None:
        """``thread.message.completed`` or ``incomplete``: the server's terminal object."""

    @_callback
    async def on_text_created(self, text: Text) -> None:
        """A text block starts: its first chunk arrived (``on_text_delta`` follows).

        A block the ``thread.message.created`` object already held starts at its first
        delta, or, with none, when its message (or the run) ends, just before its ``done``.
        """

    @_callback
    async def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        """A chunk of text, the first one included.

        ``delta.value`` is ``None`` when the chunk only carries annotations.
        """

    @_callback
    async def on_text_done(self, text: Text) -> None:
        """A text block is complete (the final one when its message ended)."""

    @_callback
    async def on_annotation(self, annotation: Annotation, text_snapshot: Text) -> None:
        """An annotation arrived in a text chunk, after that chunk's ``on_text_delta``."""

    @_callback
    async def on_image_file_done(self, image_file: ImageFile) -> None:
        """An image file block is complete."""

    @_callback
    async def on_image_url_done(self, image_url: ImageURL) -> None:
        """An image URL block is complete."""

    @_callback
    async def on_refusal_delta(self, delta: str, snapshot: RefusalContentBlock) -> None:
        """A chunk of a refusal, the first one included."""

    @_callback
    async def on_refusal_done(self, refusal: RefusalContentBlock) -> None:
        """A refusal block is complete."""

    # -- stream frames -------------------------------------------------------------------

    @_callback
    async def on_error(self, error: ErrorObject) -> bool | None:
        """The server sent an ``error`` event (bare or wrapped, always an ``ErrorObject``).

        Returns:
            ``True`` to say the error was handled: the stream then ends normally. Otherwise,
            once the stream has ended, ``until_done()`` raises ``RunStreamError``.
        """
        return None

    @_callback
    async def on_done(self) -> None:
        """The server sent ``done``: this body is over.

        A run that waits for tool outputs ends its body with ``done`` too; when they are
        submitted, the stream goes on with the next body (and its own ``done``).
        """

    @_callback
    async def on_unknown_event(self, event: UnknownEvent) -> None:
        """An event this version does not know, with its raw data. Never an error."""

    # -- the tool loop (a stream answered by a ToolRegistry) -----------------------------

    @_callback
    async def on_tool_error(self, call: RequiredToolCall, error: Exception) -> None:
        """A registered function could not answer ``call``; its output will say why.

        ``error`` is the function's exception, or a ``ToolCallError`` (unknown function,
        arguments that are not JSON or do not fit the signature, a timeout). It was logged
        on the ``assistant_stream`` logger. ``on_tool_output`` follows, with the error
        output the model receives. With ``ToolRegistry(raise_errors=True)`` the stream
        fails instead, and this is not called.
        """

    @_callback
    async def on_tool_output(self, call: RequiredToolCall, output: str) -> None:
        """The output of ``call`` is about to be submitted (a bot shows "looked it up").

        All outputs of one ``requires_action`` are announced in call order, then submitted
        in one request, and the stream goes on with the rest of the run.
        """

    # -- lifecycle -----------------------------------------------------------------------

    @_callback
    async def on_connect(self) -> None:
        """A body started: the response headers arrived (or a replay began).

        Once for the stream's request, then once for each body a submit of tool outputs
        chains into the same stream.
        """

    @_callback
    async def on_exception(self, exception: Exception) -> None:
        """An exception is about to end the stream; it is raised again afterwards.

        It may come from the transport, the wire, or one of your callbacks. Not called for
        cancellation.
        """

    @_callback
    async def on_timeout(self) -> None:
        """A timeout is about to end the stream (``on_exception`` follows)."""

    @_callback
    async def on_end(self) -> None:
        """The stream is over, whatever the outcome. Runs exactly once, last.

        Once for the whole logical stream, whatever the number of bodies tool outputs
        chained; a stream paused at ``requires_action`` runs it when it is closed.
        """


#: Every callback name, in the order of the class body.
CALLBACK_NAMES: Final = tuple(name for name in vars(EventHandler) if name.startswith("on_"))


def _warn_misspelt(cls: type[EventHandler]) -> None:
    """Warn about methods that look like callbacks but are not (``on_text_deltas``).

    A misspelt callback is the usual reason an override is silently never called.
    """
    for name, value in vars(cls).items():
        if name.startswith("on_") and name not in CALLBACK_NAMES and callable(value):
            close = difflib.get_close_matches(name, CALLBACK_NAMES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            warnings.warn(
                f"{cls.__qualname__}.{name} is not an EventHandler callback and will never "
                f"be called{hint}",
                UserWarning,
                stacklevel=3,
            )
