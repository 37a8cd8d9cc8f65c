"""The accumulator: typed events in, snapshots and notices out, with no I/O.

``Accumulator.feed(event)`` updates the snapshots and returns the notices the event causes,
in the order they must be delivered: a list of ``(callback, args)`` pairs (``Notice``), each
naming the ``Callback`` to call, such as ``(Callback.ON_TEXT_DELTA, (delta, snapshot))``.
``AssistantStream`` delivers them to handlers; any other driver (a test, a different I/O
library) can do the same. ``on_event`` has no notice: the driver calls it first for every
event.

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
accumulated snapshot, and the ``done`` notices of their blocks and tool calls carry the
authoritative entries (the completed tool call carries its ``output``, the completed text
its final annotations).

Rule 4 - the created object is the first snapshot. Content in ``thread.message.created``
and tool calls in ``thread.run.step.created`` seed the entries, as if streamed but not yet
noticed, and deltas continue them ("hello" then " world" is "hello world"). An object that
is not a delta (``in_progress`` too) only fills indices holding no entry yet, so a stale
one never erases streamed data (``_parent`` rule 1).

Rule 5 - deltas are applied by the rules of ``_patch``: fragments appended, arrays patched by
``index`` within bounds (``MAX_INDEX_GAP``, ``MAX_ENTRIES``), every other field overwritten;
a patch without a ``type`` continues the entry at its index as that entry's kind. A delta
that cannot be applied raises ``InvalidDeltaError`` naming the id and the path.

Rule 6 - an event is applied whole or not at all. When ``feed`` raises, the snapshots, the
lifecycle of every entry, ``partial()`` and the ``current_*`` snapshots are as they were
before the event, and the next event is taken as if it had never come (``_parent`` rule 2).

Rule 7 - untidy streams keep the exactly-once guarantees (Azure AI Agents sends all
three): data after a message's or step's terminal object reaches the snapshots and
``get_final_*`` (``_parent`` rule 3); a second terminal object for one message or step
replaces the snapshot but gives no second ``on_message_done`` / ``on_run_step_done`` (nor
a block's or call's ``done``); a run's ``thread.run.created`` replayed by a later body gives
no second ``on_run_created``.
"""

from collections.abc import Callable, Collection
from typing import Any, Final

from . import events as ev
from ._content import CONTENT
from ._frozen import replacer
from ._lifecycle import CALLBACKS, Lifecycle
from ._notices import (
    ON_ANNOTATION,
    ON_DONE,
    ON_ERROR,
    ON_MESSAGE_DELTA,
    ON_MESSAGE_DONE,
    ON_RUN_STEP_DELTA,
    ON_RUN_STEP_DONE,
    ON_THREAD_CREATED,
    ON_UNKNOWN_EVENT,
    Callback,
    Notice,
)
from ._parent import Parent, patch_entries
from ._patch import MAX_ENTRIES, MAX_INDEX_GAP
from ._received import FinalRun, PartialRun
from ._tool_calls import TOOL_CALLS
from .events import AssistantStreamEvent
from .types.message import Message
from .types.run import Run
from .types.run_step import MessageCreationStepDetails, RunStep
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
    ev.ThreadRunCreated: Callback.ON_RUN_CREATED,
    ev.ThreadRunQueued: Callback.ON_RUN_QUEUED,
    ev.ThreadRunInProgress: Callback.ON_RUN_IN_PROGRESS,
    ev.ThreadRunRequiresAction: Callback.ON_RUN_REQUIRES_ACTION,
    ev.ThreadRunCompleted: Callback.ON_RUN_COMPLETED,
    ev.ThreadRunIncomplete: Callback.ON_RUN_INCOMPLETE,
    ev.ThreadRunFailed: Callback.ON_RUN_FAILED,
    ev.ThreadRunCancelling: Callback.ON_RUN_CANCELLING,
    ev.ThreadRunCancelled: Callback.ON_RUN_CANCELLED,
    ev.ThreadRunExpired: Callback.ON_RUN_EXPIRED,
}
_UPDATE_CALLBACKS: Final = {
    ev.ThreadMessageCreated: Callback.ON_MESSAGE_CREATED,
    ev.ThreadMessageInProgress: Callback.ON_MESSAGE_IN_PROGRESS,
    ev.ThreadRunStepCreated: Callback.ON_RUN_STEP_CREATED,
    ev.ThreadRunStepInProgress: Callback.ON_RUN_STEP_IN_PROGRESS,
}
_RUN_STEP_ENDS: Final = (
    ev.ThreadRunStepCompleted,
    ev.ThreadRunStepFailed,
    ev.ThreadRunStepCancelled,
    ev.ThreadRunStepExpired,
)

#: Every callback a notice can name.
NOTICES: Final = frozenset(
    {
        *_RUN_CALLBACKS.values(),
        *_UPDATE_CALLBACKS.values(),
        *(callback for callbacks in CALLBACKS.values() for callback in callbacks.values()),
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

_with_details: Final = replacer(RunStep, "step_details")


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
        self._lifecycle = Lifecycle(self._wanted)
        self._messages: dict[str, Parent] = {}
        self._run_steps: dict[str, Parent] = {}
        self._current_message: Parent | None = None
        self._current_run_step: Parent | None = None
        self._run: Run | None = None
        self._run_event: str | None = None
        self._thread_id: str | None = None
        self._created: set[str] = set()  # the runs whose created was noticed (rule 7)
        self._feeders: dict[type, Callable[[Any], list[Notice]]] = {
            ev.ThreadMessageDelta: self._message_delta,
            ev.ThreadRunStepDelta: self._run_step_delta,
            **dict.fromkeys(_UPDATE_CALLBACKS, self._update),
            ev.ThreadMessageCompleted: self._message_end,
            ev.ThreadMessageIncomplete: self._message_end,
            ev.ThreadCreated: self._thread,
            ev.ErrorEvent: self._error,
            ev.DoneEvent: self._done,
            ev.UnknownEvent: self._unknown,
            **dict.fromkeys(_RUN_CALLBACKS, self._run_update),
            **dict.fromkeys(_RUN_STEP_ENDS, self._run_step_end),
        }

    # -- the one entry point -------------------------------------------------------------

    def feed(self, event: AssistantStreamEvent) -> list[Notice]:
        """Apply one event; return its notices in delivery order.

        Raises:
            InvalidDeltaError: the event is a delta that cannot be applied. The accumulator
                is then as it was before the event (rule 6) and takes the next one.
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
        return tuple(parent.snapshot() for parent in self._run_steps.values())

    def current_message(self) -> Message | None:
        """The snapshot of the message the last message event was about."""
        parent = self._current_message
        return None if parent is None else parent.snapshot()

    def current_run_step(self) -> RunStep | None:
        """The snapshot of the step the last step event was about."""
        parent = self._current_run_step
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

    def _parent(self, base: Message | RunStep, *, seen_streaming: bool = True) -> Parent:
        """The message or step of ``base``, made on demand (rule 1), with its new base."""
        is_message = type(base) is Message
        parents = self._messages if is_message else self._run_steps
        parent = parents.get(base.id)
        if parent is None:
            family = CONTENT if is_message else TOOL_CALLS
            parent = Parent(base, family, self._lifecycle, seen_streaming=seen_streaming)
            parents[base.id] = parent
        else:
            parent.base = base
        if is_message:
            self._current_message = parent
        else:
            self._current_run_step = parent
        if self._thread_id is None:
            self._thread_id = base.thread_id
        return parent

    def _update(self, event: Any) -> list[Notice]:
        """``created`` / ``in_progress`` of a message or a step: a new base, and seeds."""
        data = event.data
        self._parent(data).seed(data)  # rule 4
        name = _UPDATE_CALLBACKS[type(event)]
        return [(name, (data,))] if name in self._wanted else []

    # -- messages ------------------------------------------------------------------------

    def _message_delta(self, event: ev.ThreadMessageDelta) -> list[Notice]:
        data = event.data
        parent = self._messages.get(data.id)
        is_new = parent is None
        notices: list[Notice] = []
        if parent is None:  # registered only once its patches applied (rule 6)
            parent = Parent(Message(id=data.id), CONTENT, self._lifecycle)
        content = data.delta.content
        if content:
            patch_entries(parent, content, notices)
        if is_new:
            self._messages[data.id] = parent
        self._current_message = parent
        if ON_MESSAGE_DELTA in self._wanted:
            notices.append((ON_MESSAGE_DELTA, (data.delta, parent.snapshot())))
        return notices

    def _message_end(
        self, event: ev.ThreadMessageCompleted | ev.ThreadMessageIncomplete
    ) -> list[Notice]:
        message = event.data
        parent = self._parent(message, seen_streaming=False)
        notices: list[Notice] = []
        first = parent.final is None
        if first:
            parent.finish(message.content, notices)
        else:  # a second terminal object (rule 7): the new values, no second done
            parent.adopt(message.content)
        parent.final = message
        if first and ON_MESSAGE_DONE in self._wanted:
            notices.append((ON_MESSAGE_DONE, (message,)))
        return notices

    # -- run steps -----------------------------------------------------------------------

    def _run_step_delta(self, event: ev.ThreadRunStepDelta) -> list[Notice]:
        data = event.data
        parent = self._run_steps.get(data.id)
        is_new = parent is None
        if parent is None:  # registered only once its patches applied (rule 6)
            parent = Parent(RunStep(id=data.id), TOOL_CALLS, self._lifecycle)
        notices: list[Notice] = []
        details = data.delta.step_details
        if type(details) is ToolCallDeltaObject:
            calls = details.tool_calls
            if calls:
                patch_entries(parent, calls, notices)
        elif type(details) is RunStepDeltaMessageDelta and details.message_creation is not None:
            created = MessageCreationStepDetails(message_creation=details.message_creation)
            parent.base = _with_details(parent.base, created)
        if is_new:
            self._run_steps[data.id] = parent
        self._current_run_step = parent
        if ON_RUN_STEP_DELTA in self._wanted:
            notices.append((ON_RUN_STEP_DELTA, (data.delta, parent.snapshot())))
        return notices

    def _run_step_end(self, event: Any) -> list[Notice]:
        run_step: RunStep = event.data
        parent = self._parent(run_step, seen_streaming=False)
        notices: list[Notice] = []
        first = parent.final is None
        if first:
            parent.finish(TOOL_CALLS.items_of(run_step), notices)
        else:  # a second terminal object (rule 7): the new values, no second done
            parent.adopt(TOOL_CALLS.items_of(run_step))
        parent.final = run_step
        if first and ON_RUN_STEP_DONE in self._wanted:
            notices.append((ON_RUN_STEP_DONE, (run_step,)))
        return notices

    # -- runs and the other frames -------------------------------------------------------

    def _run_update(self, event: Any) -> list[Notice]:
        run: Run = event.data
        self._run, self._run_event = run, event.event
        if run.thread_id is not None:
            self._thread_id = run.thread_id
        notices: list[Notice] = []
        if event.event in RUN_ENDING_EVENTS:  # whatever still streams, or waits, is over
            for parents in (self._run_steps, self._messages):
                for parent in parents.values():
                    if parent.final is None and (parent.open is not None or parent.pending):
                        parent.close(notices)
        name = _RUN_CALLBACKS[type(event)]
        if name is Callback.ON_RUN_CREATED:  # once per run, even when replayed (rule 7)
            if run.id in self._created:
                return notices
            self._created.add(run.id)
        if name in self._wanted:
            notices.append((name, (run,)))
        return notices

    def _thread(self, event: ev.ThreadCreated) -> list[Notice]:
        self._thread_id = event.data.id
        return [(ON_THREAD_CREATED, (event.data,))] if ON_THREAD_CREATED in self._wanted else []

    def _error(self, event: ev.ErrorEvent) -> list[Notice]:
        return [(ON_ERROR, (event.data,))] if ON_ERROR in self._wanted else []

    def _done(self, _event: ev.DoneEvent) -> list[Notice]:
        return [(ON_DONE, ())] if ON_DONE in self._wanted else []

    def _unknown(self, event: ev.UnknownEvent) -> list[Notice]:
        return [(ON_UNKNOWN_EVENT, (event,))] if ON_UNKNOWN_EVENT in self._wanted else []
