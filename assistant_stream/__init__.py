"""Stream Assistants-protocol runs into callbacks, snapshots and typed events.

Subclass ``EventHandler``, override the ``on_*`` callbacks you need, and drive a stream:
``replay(body_or_path, handler)`` for a recorded body, or any async iterable of ``bytes``
through ``AssistantStream``. Underneath, with no I/O:

- ``SSEDecoder`` turns the bytes of a ``text/event-stream`` body into ``ServerSentEvent``
  objects, following the WHATWG rules exactly;
- ``decode_event`` turns one event (name and data) into a typed event such as
  ``ThreadMessageDelta``, whose ``data`` is a model from ``assistant_stream.types``;
- ``assistant_stream.accumulate.Accumulator`` turns typed events into frozen snapshots and
  the callbacks each event calls.

Public namespaces: ``assistant_stream.sse``, ``assistant_stream.events``,
``assistant_stream.types``, ``assistant_stream.accumulate`` and ``assistant_stream.errors``.
The names below are re-exported from them for convenience; everything in a module starting
with ``_`` is private.
"""

from ._decode import decode_event
from ._replay import replay
from ._version import __version__
from .accumulate import FinalRun, PartialRun
from .errors import (
    AssistantStreamError,
    EventTooLargeError,
    InvalidDeltaError,
    InvalidStateError,
    MalformedEventError,
    ProtocolError,
    StreamInterrupted,
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
from .handler import EventHandler
from .sse import ServerSentEvent, SSEDecoder
from .stream import AssistantStream, StreamState

__all__ = [
    "__version__",
    "AssistantStream",
    "AssistantStreamError",
    "AssistantStreamEvent",
    "decode_event",
    "DoneEvent",
    "ErrorEvent",
    "EVENT_TYPES",
    "EventHandler",
    "EventTooLargeError",
    "FinalRun",
    "InvalidDeltaError",
    "InvalidStateError",
    "MalformedEventError",
    "PartialRun",
    "ProtocolError",
    "replay",
    "ServerSentEvent",
    "SSEDecoder",
    "StreamInterrupted",
    "StreamState",
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
