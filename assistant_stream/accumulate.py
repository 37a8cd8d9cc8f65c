"""The accumulator: typed events in, snapshots and callback notices out, with no I/O.

``Accumulator.feed(event)`` updates the snapshots and returns the notices the event causes,
in the order they must be delivered: a list of ``(callback, args)`` pairs (``Notice``) such
as ``(Callback.ON_TEXT_DELTA, (delta, snapshot))``. ``AssistantStream`` delivers them to
handlers; any other driver (a test, a different I/O library) can do the same. ``on_event``
is not a notice: the driver calls it first for every event.

Rule 1 - snapshots are keyed by id. Each message has its own content blocks and each step
its own tool calls, with their lifecycle state (``_lifecycle``), so nothing leaks from one
message or step to the next. An event about an id never seen (a delta before ``created``,
or a step that completed in an earlier stream) creates the snapshot on demand.

Rule 2 - snapshots are frozen values. Every snapshot handed out is a regular model
(``Message``, ``Text``, ``ToolCall``, ``RunStep``...) that never changes afterwards: a
snapshot kept from an earlier delta keeps the value it had. Fragment strings are joined only
when read, so handing out a snapshot costs the same at the 80,000th delta as at the first.
Nothing is live: to see the latest state, read the latest snapshot.

Rule 3 - the server's terminal object wins. ``thread.message.completed`` / ``incomplete``
and ``thread.run.step.completed`` / ``failed`` / ``cancelled`` / ``expired`` replace the
accumulated snapshot, and the ``done`` callbacks of their blocks and tool calls get the
authoritative entries (the completed tool call carries its ``output``, the completed text
its final annotations).

Rule 4 - deltas are applied by the rules of ``_patch``: fragments appended, arrays patched by
``index`` within bounds (``MAX_INDEX_GAP``, ``MAX_ENTRIES``), every other field overwritten.
A delta that cannot be applied raises ``InvalidDeltaError`` naming the id and the path.
"""

from collections.abc import Callable, Collection
from typing import Any, Final

import attrs

from ._entries import Block, Call, Parent
from ._frozen import replacer
from ._lifecycle import CALLBACKS, Move, Phase, Say, announce
from ._notices import (
    ON_ANNOTATION,
    ON_DONE,
    ON_ERROR,
    ON_MESSAGE_CREATED,
    ON_MESSAGE_DELTA,
    ON_MESSAGE_DONE,
    ON_MESSAGE_IN_PROGRESS,
    ON_RUN_CANCELLED,
    ON_RUN_CANCELLING,
    ON_RUN_COMPLETED,
    ON_RUN_CREATED,
    ON_RUN_EXPIRED,
    ON_RUN_FAILED,
    ON_RUN_IN_PROGRESS,
    ON_RUN_INCOMPLETE,
    ON_RUN_QUEUED,
    ON_RUN_REQUIRES_ACTION,
    ON_RUN_STEP_CREATED,
    ON_RUN_STEP_DELTA,
    ON_RUN_STEP_DONE,
    ON_RUN_STEP_IN_PROGRESS,
    ON_THREAD_CREATED,
    ON_TOOL_CALL_DELTA,
    ON_UNKNOWN_EVENT,
    Callback,
    Notice,
)
from ._patch import MAX_ENTRIES, MAX_INDEX_GAP, entry_at
from .events import (
    AssistantStreamEvent,
    DoneEvent,
    ErrorEvent,
    ThreadCreated,
    ThreadMessageCompleted,
    ThreadMessageCreated,
    ThreadMessageDelta,
    ThreadMessageIncomplete,
    ThreadMessageInProgress,
    ThreadRunCancelled,
    ThreadRunCancelling,
    ThreadRunCompleted,
    ThreadRunCreated,
    ThreadRunExpired,
    ThreadRunFailed,
    ThreadRunIncomplete,
    ThreadRunInProgress,
    ThreadRunQueued,
    ThreadRunRequiresAction,
    ThreadRunStepCancelled,
    ThreadRunStepCompleted,
    ThreadRunStepCreated,
    ThreadRunStepDelta,
    ThreadRunStepExpired,
    ThreadRunStepFailed,
    ThreadRunStepInProgress,
    UnknownEvent,
)
from .types.message import Message
from .types.run import Run
from .types.run_step import MessageCreationStepDetails, RunStep, ToolCallsStepDetails
from .types.run_step_delta import RunStepDeltaMessageDelta, ToolCallDeltaObject

__all__ = [
    "Accumulator",
    "Callback",
    "FinalRun",
    "MAX_ENTRIES",
    "MAX_INDEX_GAP",
    "Notice",
    "NOTICES",
    "PartialRun",
    "RUN_ENDING_EVENTS",
]

#: Run events after which the run streams nothing more (``requires_action`` ends the stream:
#: the run continues in a submit-tool-outputs stream).
RUN_ENDING_EVENTS: Final = frozenset(
    {
        "thread.run.requires_action",
        "thread.run.completed",
        "thread.run.incomplete",
        "thread.run.failed",
        "thread.run.cancelled",
        "thread.run.expired",
    }
)

_RUN_CALLBACKS: Final = {
    ThreadRunCreated: ON_RUN_CREATED,
    ThreadRunQueued: ON_RUN_QUEUED,
    ThreadRunInProgress: ON_RUN_IN_PROGRESS,
    ThreadRunRequiresAction: ON_RUN_REQUIRES_ACTION,
    ThreadRunCompleted: ON_RUN_COMPLETED,
    ThreadRunIncomplete: ON_RUN_INCOMPLETE,
    ThreadRunFailed: ON_RUN_FAILED,
    ThreadRunCancelling: ON_RUN_CANCELLING,
    ThreadRunCancelled: ON_RUN_CANCELLED,
    ThreadRunExpired: ON_RUN_EXPIRED,
}
_UPDATE_CALLBACKS: Final = {
    ThreadMessageCreated: ON_MESSAGE_CREATED,
    ThreadMessageInProgress: ON_MESSAGE_IN_PROGRESS,
    ThreadRunStepCreated: ON_RUN_STEP_CREATED,
    ThreadRunStepInProgress: ON_RUN_STEP_IN_PROGRESS,
}
_STEP_ENDS: Final = (
    ThreadRunStepCompleted,
    ThreadRunStepFailed,
    ThreadRunStepCancelled,
    ThreadRunStepExpired,
)

#: Every callback a notice can name.
NOTICES: Final = frozenset(
    {
        *_RUN_CALLBACKS.values(),
        *_UPDATE_CALLBACKS.values(),
        *(name for names in CALLBACKS.values() for name in names.values()),
        ON_THREAD_CREATED,
        ON_RUN_STEP_DELTA,
        ON_RUN_STEP_DONE,
        ON_MESSAGE_DELTA,
        ON_MESSAGE_DONE,
        ON_ANNOTATION,
        ON_ERROR,
        ON_DONE,
        ON_UNKNOWN_EVENT,
    }
)

_OPEN: Final = Phase.OPEN
#: Block kind -> its delta callback, for the inlined common case of ``_message_delta``.
_DELTA_CALLBACK: Final = {
    kind: names[Say.DELTA] for kind, names in CALLBACKS.items() if Say.DELTA in names
}

_with_details: Final = replacer(RunStep, "step_details")


@attrs.frozen
class FinalRun:
    """How the run ended, as ``AssistantStream.get_final_run()`` reports it.

    Attributes:
        run: the run carried by the last ``thread.run.*`` event, ``None`` if none came.
        ended: ``True`` if that event ends the run's stream (``RUN_ENDING_EVENTS``:
            requires_action, completed, incomplete, failed, cancelled, expired). Decided by
            the event name; ``run.status`` is kept as sent.
        event: the name of that event.
    """

    run: Run | None
    ended: bool
    event: str | None


@attrs.frozen
class PartialRun:
    """Everything a stream received, as frozen values (carried by errors as ``partial``).

    Attributes:
        thread_id, run_id: from the events, ``None`` when no event said.
        last_event: the last event received.
        final_run: the run and whether it ended.
        messages: every message seen, in first-seen order: the terminal object when it came,
            else the accumulated snapshot.
        run_steps: every step seen, the same way (steps first seen completed included).
    """

    thread_id: str | None
    run_id: str | None
    last_event: AssistantStreamEvent | None
    final_run: FinalRun
    messages: tuple[Message, ...]
    run_steps: tuple[RunStep, ...]


class Accumulator:
    """Builds snapshots from typed events and says which callbacks each event calls.

    Args:
        callbacks: the callbacks the caller will deliver. Notices for other callbacks are
            not produced, and the snapshots only they need are not built. ``None`` (the
            default) produces every notice.

    The accumulator is the one mutable owner of the snapshots of one stream.
    """

    def __init__(self, callbacks: Collection[Callback] | None = None) -> None:
        self._wanted = NOTICES if callbacks is None else NOTICES.intersection(callbacks)
        self._messages: dict[str, Parent] = {}
        self._steps: dict[str, Parent] = {}
        self._current_message: Parent | None = None
        self._current_step: Parent | None = None
        self._run: Run | None = None
        self._run_event: str | None = None
        self._thread_id: str | None = None
        self._feeders: dict[type, Callable[[Any], list[Notice]]] = {
            ThreadMessageDelta: self._message_delta,
            ThreadRunStepDelta: self._step_delta,
            **dict.fromkeys(_UPDATE_CALLBACKS, self._update),
            ThreadMessageCompleted: self._message_end,
            ThreadMessageIncomplete: self._message_end,
            ThreadCreated: self._thread,
            ErrorEvent: self._error,
            DoneEvent: self._done,
            UnknownEvent: self._unknown,
            **dict.fromkeys(_RUN_CALLBACKS, self._run_update),
            **dict.fromkeys(_STEP_ENDS, self._step_end),
        }

    # -- the one entry point -------------------------------------------------------------

    def feed(self, event: AssistantStreamEvent) -> list[Notice]:
        """Apply one event; return its notices in delivery order.

        Raises:
            InvalidDeltaError: the event is a delta that cannot be applied.
        """
        return self._feeders[type(event)](event)

    # -- what has been received ----------------------------------------------------------

    @property
    def thread_id(self) -> str | None:
        """The thread id, once an event carried it."""
        return self._thread_id

    @property
    def run_id(self) -> str | None:
        """The id of the last run seen."""
        return self._run.id if self._run is not None else None

    def final_run(self) -> FinalRun:
        """The last run and whether its stream ended."""
        event = self._run_event
        return FinalRun(self._run, event in RUN_ENDING_EVENTS, event)

    def messages(self) -> tuple[Message, ...]:
        """Every message, in first-seen order (``PartialRun.messages``)."""
        return tuple(parent.snapshot() for parent in self._messages.values())

    def run_steps(self) -> tuple[RunStep, ...]:
        """Every step, in first-seen order (``PartialRun.run_steps``)."""
        return tuple(parent.snapshot() for parent in self._steps.values())

    def current_message(self) -> Message | None:
        """The snapshot of the message the last message event was about."""
        parent = self._current_message
        return None if parent is None else parent.snapshot()

    def current_run_step(self) -> RunStep | None:
        """The snapshot of the step the last step event was about."""
        parent = self._current_step
        return None if parent is None else parent.snapshot()

    def partial(self, last_event: AssistantStreamEvent | None) -> PartialRun:
        """Everything received so far, frozen."""
        return PartialRun(
            self._thread_id,
            self.run_id,
            last_event,
            self.final_run(),
            self.messages(),
            self.run_steps(),
        )

    # -- messages and steps: one Parent per id ------------------------------------------

    def _parent(
        self,
        parents: dict[str, Parent],
        key: str,
        base: Message | RunStep | None,
        empty: type[Message] | type[RunStep],
        *,
        seen_streaming: bool = True,
    ) -> Parent:
        """The message or step ``key``, made on demand (rule 1); ``base`` updates it."""
        parent = parents.get(key)
        if parent is None:
            parent = Parent(base or empty(id=key), seen_streaming=seen_streaming)
            parents[key] = parent
        elif base is not None:
            parent.base = base
        if self._thread_id is None:
            self._thread_id = parent.base.thread_id
        return parent

    def _message(
        self, message_id: str, base: Message | None, *, seen_streaming: bool = True
    ) -> Parent:
        parent = self._parent(
            self._messages, message_id, base, Message, seen_streaming=seen_streaming
        )
        self._current_message = parent
        return parent

    def _step(self, step_id: str, base: RunStep | None, *, seen_streaming: bool = True) -> Parent:
        parent = self._parent(self._steps, step_id, base, RunStep, seen_streaming=seen_streaming)
        self._current_step = parent
        return parent

    def _update(self, event: Any) -> list[Notice]:
        """``created`` / ``in_progress`` of a message or a step: a new base object."""
        data = event.data
        if type(data) is Message:
            self._message(data.id, data)
        else:
            self._step(data.id, data)
        name = _UPDATE_CALLBACKS[type(event)]
        return [(name, (data,))] if name in self._wanted else []

    # -- messages ------------------------------------------------------------------------

    def _message_delta(self, event: ThreadMessageDelta) -> list[Notice]:
        data = event.data
        parent = self._messages.get(data.id)
        if parent is None:
            parent = self._message(data.id, None)
        self._current_message = parent
        notices: list[Notice] = []
        wanted = self._wanted
        entries = parent.entries
        for patch in data.delta.content or ():
            index = patch.index
            if index is None:
                continue  # an unknown kind of content with no index: nowhere to put it
            if 0 <= index < len(entries) and (block := entries[index]) is not None:
                annotations = block.apply(patch)
            elif entry_at(entries, index, "content", data.id) is None:
                block = Block(patch.type, data.id, index)
                annotations = block.apply(
                    patch
                )  # before storing it: a refused patch leaves no trace
                entries[index] = block
                if parent.open is not None:
                    announce(parent.open, Move.SUPERSEDE, notices, self._wanted)
                parent.open = block
            field = block.payload
            payload = getattr(patch, field) if field is not None else None
            if block.phase is _OPEN:  # the common case, (OPEN, PATCH) of the table, inlined
                name = _DELTA_CALLBACK.get(block.kind)
                if payload is not None and name in wanted:
                    notices.append((name, (payload, block.snapshot())))
            elif payload is not None or block.phase is None:
                announce(block, Move.PATCH, notices, self._wanted, delta=payload)
            if parent.final is not None:  # a late block of an ended message: done at once
                announce(block, Move.FINISH, notices, self._wanted)
                parent.open = None
            if annotations and ON_ANNOTATION in wanted:
                text = block.snapshot()
                notices.extend((ON_ANNOTATION, (annotation, text)) for annotation in annotations)
        if ON_MESSAGE_DELTA in wanted:
            notices.append((ON_MESSAGE_DELTA, (data.delta, parent.snapshot())))
        return notices

    def _message_end(self, event: ThreadMessageCompleted | ThreadMessageIncomplete) -> list[Notice]:
        message = event.data
        parent = self._message(message.id, message, seen_streaming=False)
        notices: list[Notice] = []
        if parent.final is None:
            parent.finish(message.content, notices, self._wanted)
        parent.final = message
        if ON_MESSAGE_DONE in self._wanted:
            notices.append((ON_MESSAGE_DONE, (message,)))
        return notices

    # -- run steps -----------------------------------------------------------------------

    def _step_delta(self, event: ThreadRunStepDelta) -> list[Notice]:
        data = event.data
        parent = self._steps.get(data.id)
        if parent is None:
            parent = self._step(data.id, None)
        self._current_step = parent
        notices: list[Notice] = []
        details = data.delta.step_details
        if type(details) is ToolCallDeltaObject:
            entries = parent.entries
            wants_delta = ON_TOOL_CALL_DELTA in self._wanted
            for patch in details.tool_calls or ():
                index = patch.index
                if index is None:
                    continue
                if 0 <= index < len(entries) and (call := entries[index]) is not None:
                    call.apply(patch)
                elif entry_at(entries, index, "step_details.tool_calls", data.id) is None:
                    call = Call(patch.type, data.id, index)
                    call.apply(patch)  # before storing it: a refused patch leaves no trace
                    entries[index] = call
                    if parent.open is not None:
                        announce(parent.open, Move.SUPERSEDE, notices, self._wanted)
                    parent.open = call
                if call.phase is _OPEN:  # (OPEN, PATCH), inlined
                    if wants_delta:
                        notices.append((ON_TOOL_CALL_DELTA, (patch, call.snapshot())))
                else:
                    announce(call, Move.PATCH, notices, self._wanted, delta=patch)
                if parent.final is not None:  # a late call of an ended step: done at once
                    announce(call, Move.FINISH, notices, self._wanted)
                    parent.open = None
        elif type(details) is RunStepDeltaMessageDelta and details.message_creation is not None:
            created = MessageCreationStepDetails(message_creation=details.message_creation)
            parent.base = _with_details(parent.base, created)
        if ON_RUN_STEP_DELTA in self._wanted:
            notices.append((ON_RUN_STEP_DELTA, (data.delta, parent.snapshot())))
        return notices

    def _step_end(self, event: Any) -> list[Notice]:
        step: RunStep = event.data
        parent = self._step(step.id, step, seen_streaming=False)
        notices: list[Notice] = []
        if parent.final is None:
            details = step.step_details
            calls = details.tool_calls if type(details) is ToolCallsStepDetails else ()
            parent.finish(calls, notices, self._wanted)
        parent.final = step
        if ON_RUN_STEP_DONE in self._wanted:
            notices.append((ON_RUN_STEP_DONE, (step,)))
        return notices

    # -- runs and the other frames -------------------------------------------------------

    def _run_update(self, event: Any) -> list[Notice]:
        run: Run = event.data
        self._run, self._run_event = run, event.event
        if run.thread_id is not None:
            self._thread_id = run.thread_id
        notices: list[Notice] = []
        if event.event in RUN_ENDING_EVENTS:  # whatever still streams is over
            for parents in (self._steps, self._messages):
                for parent in parents.values():
                    if parent.open is not None and parent.final is None:
                        announce(parent.open, Move.FINISH, notices, self._wanted)
                        parent.open = None
        name = _RUN_CALLBACKS[type(event)]
        if name in self._wanted:
            notices.append((name, (run,)))
        return notices

    def _thread(self, event: ThreadCreated) -> list[Notice]:
        self._thread_id = event.data.id
        return [(ON_THREAD_CREATED, (event.data,))] if ON_THREAD_CREATED in self._wanted else []

    def _error(self, event: ErrorEvent) -> list[Notice]:
        return [(ON_ERROR, (event.data,))] if ON_ERROR in self._wanted else []

    def _done(self, _event: DoneEvent) -> list[Notice]:
        return [(ON_DONE, ())] if ON_DONE in self._wanted else []

    def _unknown(self, event: UnknownEvent) -> list[Notice]:
        return [(ON_UNKNOWN_EVENT, (event,))] if ON_UNKNOWN_EVENT in self._wanted else []
