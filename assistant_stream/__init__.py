"""Stream Assistants-protocol runs into typed events.

The wire layer, from bytes to typed events, with no I/O:

- ``SSEDecoder`` turns the bytes of a ``text/event-stream`` body into ``ServerSentEvent``
  objects, following the WHATWG rules exactly;
- ``decode_event`` turns one event (name and data) into a typed event such as
  ``ThreadMessageDelta``, whose ``data`` is a model from ``assistant_stream.types``.

Public namespaces: ``assistant_stream.sse``, ``assistant_stream.events``,
``assistant_stream.types`` and ``assistant_stream.errors``. The names below are re-exported
from them for convenience; everything in a module starting with ``_`` is private.
"""

from ._decode import decode_event
from ._version import __version__
from .errors import (
    AssistantStreamError,
    EventTooLargeError,
    InvalidStateError,
    MalformedEventError,
    ProtocolError,
)
from .events import (
    EVENT_TYPES,
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
from .sse import ServerSentEvent, SSEDecoder

__all__ = [
    "__version__",
    "AssistantStreamError",
    "AssistantStreamEvent",
    "decode_event",
    "DoneEvent",
    "ErrorEvent",
    "EVENT_TYPES",
    "EventTooLargeError",
    "InvalidStateError",
    "MalformedEventError",
    "ProtocolError",
    "ServerSentEvent",
    "SSEDecoder",
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
