"""One frozen class per stream event, and the table from wire name to class.

Every event has ``event`` (the SSE event name: a class attribute, except on
``UnknownEvent``) and ``data`` (the typed object it carries). The 23 ``thread.*`` events
are named as in openai-python (``ThreadRunCreated``, ``ThreadMessageDelta``...). Three more
complete the picture:

- ``ErrorEvent``: the ``error`` frame; its data is an ``ErrorObject`` whether the server
  sent it bare or wrapped as ``{"error": {...}}``.
- ``DoneEvent``: the ``done`` frame that ends every stream; its data is the text ``[DONE]``.
- ``UnknownEvent``: any other name. The spec says new events may come; they arrive here
  with their raw data (JSON-decoded when it is JSON) instead of failing the stream.

``EVENT_TYPES`` maps each of the 25 wire names to its class: dispatch on the exact name with
one lookup, never on a prefix (``thread.run.step.created`` starts with ``thread.run.``).
Events are values: build them, compare them, never subclass them.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final, TypeAlias

import attrs

from .types.message import Message
from .types.message_delta import MessageDeltaEvent
from .types.run import Run
from .types.run_step import RunStep
from .types.run_step_delta import RunStepDeltaEvent
from .types.shared import ErrorObject
from .types.thread import Thread

__all__ = [
    "AssistantStreamEvent",
    "DoneEvent",
    "ErrorEvent",
    "EVENT_TYPES",
    "ThreadCreated",
    "ThreadMessageCompleted",
    "ThreadMessageCreated",
    "ThreadMessageDelta",
    "ThreadMessageIncomplete",
    "ThreadMessageInProgress",
    "ThreadRunCancelled",
    "ThreadRunCancelling",
    "ThreadRunCompleted",
    "ThreadRunCreated",
    "ThreadRunExpired",
    "ThreadRunFailed",
    "ThreadRunIncomplete",
    "ThreadRunInProgress",
    "ThreadRunQueued",
    "ThreadRunRequiresAction",
    "ThreadRunStepCancelled",
    "ThreadRunStepCompleted",
    "ThreadRunStepCreated",
    "ThreadRunStepDelta",
    "ThreadRunStepExpired",
    "ThreadRunStepFailed",
    "ThreadRunStepInProgress",
    "UnknownEvent",
]


@attrs.frozen
class ThreadCreated:
    """A thread was created (create-and-run streams only)."""

    data: Thread
    event: ClassVar[str] = "thread.created"


@attrs.frozen
class ThreadRunCreated:
    """A run was created."""

    data: Run
    event: ClassVar[str] = "thread.run.created"


@attrs.frozen
class ThreadRunQueued:
    """A run moved to ``queued``."""

    data: Run
    event: ClassVar[str] = "thread.run.queued"


@attrs.frozen
class ThreadRunInProgress:
    """A run moved to ``in_progress``."""

    data: Run
    event: ClassVar[str] = "thread.run.in_progress"


@attrs.frozen
class ThreadRunRequiresAction:
    """A run waits for tool outputs; the stream ends after this event (and ``done``)."""

    data: Run
    event: ClassVar[str] = "thread.run.requires_action"


@attrs.frozen
class ThreadRunCompleted:
    """A run completed. Its ``status`` may still say ``incomplete``: read it."""

    data: Run
    event: ClassVar[str] = "thread.run.completed"


@attrs.frozen
class ThreadRunIncomplete:
    """A run ended with status ``incomplete``."""

    data: Run
    event: ClassVar[str] = "thread.run.incomplete"


@attrs.frozen
class ThreadRunFailed:
    """A run failed; ``data.last_error`` says why."""

    data: Run
    event: ClassVar[str] = "thread.run.failed"


@attrs.frozen
class ThreadRunCancelling:
    """A run moved to ``cancelling``."""

    data: Run
    event: ClassVar[str] = "thread.run.cancelling"


@attrs.frozen
class ThreadRunCancelled:
    """A run was cancelled."""

    data: Run
    event: ClassVar[str] = "thread.run.cancelled"


@attrs.frozen
class ThreadRunExpired:
    """A run expired."""

    data: Run
    event: ClassVar[str] = "thread.run.expired"


@attrs.frozen
class ThreadRunStepCreated:
    """A run step was created."""

    data: RunStep
    event: ClassVar[str] = "thread.run.step.created"


@attrs.frozen
class ThreadRunStepInProgress:
    """A run step moved to ``in_progress``."""

    data: RunStep
    event: ClassVar[str] = "thread.run.step.in_progress"


@attrs.frozen
class ThreadRunStepDelta:
    """Part of a run step was streamed."""

    data: RunStepDeltaEvent
    event: ClassVar[str] = "thread.run.step.delta"


@attrs.frozen
class ThreadRunStepCompleted:
    """A run step completed; ``data`` is the authoritative step."""

    data: RunStep
    event: ClassVar[str] = "thread.run.step.completed"


@attrs.frozen
class ThreadRunStepFailed:
    """A run step failed."""

    data: RunStep
    event: ClassVar[str] = "thread.run.step.failed"


@attrs.frozen
class ThreadRunStepCancelled:
    """A run step was cancelled."""

    data: RunStep
    event: ClassVar[str] = "thread.run.step.cancelled"


@attrs.frozen
class ThreadRunStepExpired:
    """A run step expired."""

    data: RunStep
    event: ClassVar[str] = "thread.run.step.expired"


@attrs.frozen
class ThreadMessageCreated:
    """A message was created (its content is still empty)."""

    data: Message
    event: ClassVar[str] = "thread.message.created"


@attrs.frozen
class ThreadMessageInProgress:
    """A message moved to ``in_progress``."""

    data: Message
    event: ClassVar[str] = "thread.message.in_progress"


@attrs.frozen
class ThreadMessageDelta:
    """Part of a message was streamed."""

    data: MessageDeltaEvent
    event: ClassVar[str] = "thread.message.delta"


@attrs.frozen
class ThreadMessageCompleted:
    """A message completed; ``data`` is the authoritative message."""

    data: Message
    event: ClassVar[str] = "thread.message.completed"


@attrs.frozen
class ThreadMessageIncomplete:
    """A message ended before completion; ``data.incomplete_details`` says why."""

    data: Message
    event: ClassVar[str] = "thread.message.incomplete"


@attrs.frozen
class ErrorEvent:
    """The server reported an error in the stream. A ``done`` frame may not follow."""

    data: ErrorObject
    event: ClassVar[str] = "error"


@attrs.frozen
class DoneEvent:
    """The stream ended normally (also after ``thread.run.requires_action``)."""

    data: str = "[DONE]"
    event: ClassVar[str] = "done"


@attrs.frozen
class UnknownEvent:
    """An event this version does not know.

    Attributes:
        event: its wire name.
        data: its data, JSON-decoded when it is JSON, else the text as sent.
    """

    event: str
    data: Any


AssistantStreamEvent: TypeAlias = (
    ThreadCreated
    | ThreadRunCreated
    | ThreadRunQueued
    | ThreadRunInProgress
    | ThreadRunRequiresAction
    | ThreadRunCompleted
    | ThreadRunIncomplete
    | ThreadRunFailed
    | ThreadRunCancelling
    | ThreadRunCancelled
    | ThreadRunExpired
    | ThreadRunStepCreated
    | ThreadRunStepInProgress
    | ThreadRunStepDelta
    | ThreadRunStepCompleted
    | ThreadRunStepFailed
    | ThreadRunStepCancelled
    | ThreadRunStepExpired
    | ThreadMessageCreated
    | ThreadMessageInProgress
    | ThreadMessageDelta
    | ThreadMessageCompleted
    | ThreadMessageIncomplete
    | ErrorEvent
    | DoneEvent
    | UnknownEvent
)

#: Wire name → event class, for the 25 names of the protocol.
EVENT_TYPES: Final[Mapping[str, type[AssistantStreamEvent]]] = MappingProxyType(
    {cls.event: cls for cls in AssistantStreamEvent.__args__ if cls is not UnknownEvent}
)
